/*
 * feed.h: URL lists: plain lists, RSS, Atom, sitemaps and sitemap
 * indexes (libxml2), gzipped or not.
 *
 * feed_parse(bytes, len, base, cb, arg, &kind) finds the URLs of a list
 * and gives each to cb(arg, url, is_list), in document order:
 *   - gzip input (1f 8b) is inflated first, every member, up to
 *     FEED_MAX_BYTES of output (past it: CLEAN_ETOOBIG);
 *   - input whose first byte after blanks and a UTF-8 BOM is '<' is XML,
 *     read with libxml2 without network access, without entity
 *     substitution and in recover mode; it is judged by its root
 *     element's local name:
 *       rss       RSS 2.0/0.9x: every channel/item/link text, or the item's
 *                 guid when it has no link and isPermaLink is not "false";
 *       RDF       RSS 1.0: every item/link text;
 *       feed      Atom: every entry's link whose rel is "alternate" or
 *                 absent (the first one an entry);
 *       urlset    sitemap: every url/loc text;
 *       sitemapindex: every sitemap/loc text, with is_list set;
 *     anything else is CLEAN_EFORMAT ("not a feed or sitemap"), and so is
 *     XML that libxml2 cannot read at all;
 *   - any other input is a plain list: one URL a line, blanks around it
 *     trimmed, blank lines and lines starting with '#' skipped.
 * URLs are trimmed of blanks; a relative one is resolved against base
 * (the list's own URL, or NULL: kept as it is). Nothing is checked beyond
 * that: the caller judges schemes and syntax. kind (may be NULL) is set
 * to the enum feed_kind found. cb returns nonzero to stop: feed_parse then
 * returns that value. Other failures: CLEAN_ENOMEM, and CLEAN_EFORMAT for
 * bad gzip data.
 *
 * feed_gunzip(in, len, max, out): inflate the gzip members of in to out
 * (whose cap is at most max bytes: CLEAN_ETOOBIG past it).
 */
#ifndef CLEAN_FEED_H
#define CLEAN_FEED_H

#include <stddef.h>

#include "buf.h"

#define FEED_MAX_BYTES ((size_t)256 << 20)

enum feed_kind {
	FEED_PLAIN = 0, FEED_RSS, FEED_ATOM, FEED_SITEMAP, FEED_SITEMAP_INDEX
};

typedef int (*feed_url_fn)(void *arg, const char *url, int is_list);

int feed_parse(const char *bytes, size_t len, const char *base,
               feed_url_fn cb, void *arg, int *kind);
int feed_gunzip(const char *in, size_t len, size_t max, struct buf *out);
/* "plain list", "RSS feed", ... for messages. */
const char *feed_kind_name(int kind);

#endif
