/*
 * robots.h: robots.txt rules (RFC 9309) for one user agent.
 *
 * robots_parse(out, txt, len, agent) reads a robots.txt body and keeps the
 * rules that apply to agent, a product token such as "clean" (compared
 * without regard to case with each User-agent line's value up to its
 * first '/' or space):
 *   - a group is one or more User-agent lines followed by its Allow and
 *     Disallow lines; every group naming agent is used (their rules are
 *     merged); when none does, every group naming "*" is; when none
 *     does either, everything is allowed;
 *   - '#' starts a comment; field names are matched without regard to
 *     case; other fields (Sitemap, unknown ones) are ignored, and so are
 *     rules before the first User-agent line; an empty Disallow value is
 *     no rule;
 *   - only the first ROBOTS_MAX_BYTES bytes are read (RFC 9309: at least
 *     500 KiB must be), and lines longer than ROBOTS_MAX_LINE are skipped;
 *   - Crawl-delay (seconds, a decimal) of the chosen groups is kept, the
 *     largest when several give one.
 * Parsing never fails but for memory (CLEAN_ENOMEM): any text is a
 * robots.txt, perhaps with no rules.
 *
 * robots_allowed(r, path) judges a path with its query ("/a/b?c=d"; ""
 * counts as "/"). The rule with the longest match wins; a tie goes to
 * Allow; no match allows. Patterns match from the path's start: '*'
 * matches any run of bytes, a final '$' anchors the end. Before matching,
 * percent-escapes in both are normalised (hex digits uppercased; escapes of
 * unreserved characters decoded) and bytes over 0x7F percent-encoded, so
 * "/%7Efoo" and "/~foo" are the same path. "/robots.txt" is always allowed.
 * A NULL r allows everything; robots_disallow_all() gives rules that
 * allow nothing (but /robots.txt), for a robots.txt that is unreachable.
 */
#ifndef CLEAN_ROBOTS_H
#define CLEAN_ROBOTS_H

#include <stddef.h>

#define ROBOTS_MAX_BYTES ((size_t)512 << 10)
#define ROBOTS_MAX_LINE 4096

struct robots;

int robots_parse(struct robots **out, const char *txt, size_t len, const char *agent);
int robots_disallow_all(struct robots **out);
int robots_allowed(const struct robots *r, const char *path);
/* Crawl-delay in seconds, 0 when none was given. */
double robots_crawl_delay(const struct robots *r);
void robots_free(struct robots *r);

#endif
