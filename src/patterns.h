/*
 * patterns.h: boilerplate rules as data, matched all at once.
 *
 * The file format is documented in patterns/README.md: one rule a line,
 *     CATEGORY  ACTION  REGEX
 * with '#' comments and blank lines ignored. CATEGORY is a name
 * [a-z0-9_-]+ (new names are registered as met); ACTION is one of the
 * enum pat_action words; REGEX is the rest of the line, PCRE2 syntax,
 * matched case-insensitively on UTF-8 with Unicode properties.
 *
 * A pat_set is built (pat_set_add, then pat_set_compile) by one thread and
 * is read-only afterwards: pat_scan may be called from many threads at
 * once (each thread gets its own scratch space internally).
 */
#ifndef CLEAN_PATTERNS_H
#define CLEAN_PATTERNS_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

enum pat_action {
	PAT_DROP = 0, /* "drop": the line is boilerplate */
	PAT_STRIP,    /* "strip": cut the matched span out, keep the rest */
	PAT_EDGE,     /* "edge": boilerplate only in a run at the document's edges */
	PAT_TAIL,     /* "tail": starts a trailing block (related links, comments) */
	PAT_KEEP,     /* "keep": article text; overrides drop and edge */
	PAT_THREAD,   /* "thread": a commenter line; two or more late in a
	               * document start the comment thread, dropped to its end */
	PAT_NACTIONS
};

/* Categories the classifier itself assigns, registered by pat_set_new
 * with these ids, before any rule file is read. */
enum { CAT_TITLE = 0, CAT_CONTEXT, CAT_MODEL, CAT_DOM, CAT_EMPTY, CAT_NBUILTIN };

struct pat_set;

struct pat_hit {
	int rule;           /* index, see pat_rule_* */
	size_t start, end;  /* span of the match (leftmost) in the line */
};

#define PAT_MAX_HITS 32

int pat_set_new(struct pat_set **out);
void pat_set_free(struct pat_set *ps);
/* Parse the rules of text[0..len) and append them; name is the file name
 * used in "name:line" references and messages. On a malformed line
 * CLEAN_EPATTERN, nothing of the file added, and err holds
 * "name:LINE: what went wrong". */
int pat_set_add(struct pat_set *ps, const char *name, const char *text,
                size_t len, struct buf *err);
/* Compile everything added so far (again, after more adds). */
int pat_set_compile(struct pat_set *ps, struct buf *err);

/* Every rule that matches line[0..len) (valid UTF-8), in rule order, at
 * most max of them, each with the span of its leftmost match; returns how
 * many, or -1 on failure (out of memory, Hyperscan failure). A rule that
 * hits PCRE2's match limits (catastrophic backtracking) counts as not
 * matching. Only rules compiled by pat_set_compile are tried. */
int pat_scan(const struct pat_set *ps, const char *line, size_t len,
             struct pat_hit *hits, int max);

/* Many lines at once. Scanning line by line pays Hyperscan's start-up
 * cost per line, which for short lines is most of the cost; pat_prescan
 * scans n lines (a document) in one pass and records in pre which rules
 * may match each, and pat_scan_pre(..., i, ...) then gives the hits of
 * line i exactly as pat_scan would, trying only those rules.
 *
 * pre is the caller's: zero it before first use, reuse it across
 * documents, free it with pat_pre_release. The lines are read during
 * pat_prescan only. pat_scan_pre must get line i's text as it was
 * prescanned; a line changed since (a strip cut) goes to pat_scan.
 * pat_prescan returns 0, or -1 on failure (then pat_scan_pre falls back
 * to pat_scan). */
struct pat_line {
	const char *s;
	size_t len;
};
struct pat_pre {
	uint64_t *bits;      /* line i's candidate rules: words bit words */
	size_t words, n, capbits;
	size_t *start;       /* line i's offset in joined */
	size_t capstart;
	char *joined;        /* the lines, '\n'-separated */
	size_t capjoined;
	unsigned long serial; /* the rule set's, when prescanned */
	int valid;
};
int pat_prescan(const struct pat_set *ps, const struct pat_line *lines,
                size_t n, struct pat_pre *pre);
int pat_scan_pre(const struct pat_set *ps, const struct pat_pre *pre,
                 size_t i, const char *line, size_t len,
                 struct pat_hit *hits, int max);
void pat_pre_release(struct pat_pre *pre);

size_t pat_nrules(const struct pat_set *ps);
int pat_rule_action(const struct pat_set *ps, int rule);   /* enum pat_action */
int pat_rule_category(const struct pat_set *ps, int rule); /* category id */
const char *pat_rule_where(const struct pat_set *ps, int rule); /* "file:line" */

size_t pat_ncategories(const struct pat_set *ps);
const char *pat_category_name(const struct pat_set *ps, int id);
/* Id of a category name, or -1. */
int pat_category_id(const struct pat_set *ps, const char *name);
/* Is a category to be kept (not removed)? Default: no. */
int pat_category_keep(const struct pat_set *ps, int id);
void pat_category_set_keep(struct pat_set *ps, int id, int keep);

/* C source of the first compiled block's Hyperscan database, serialised
 * with the rules' engines and a hash of their regexes (Hyperscan builds
 * only; for src/mkhsdb, which makes src/patterns_hsdb.inc at build time so
 * that the default rules need no compiling at start-up). */
int pat_prebuilt_source(const struct pat_set *ps, struct buf *out);

/* The embedded default rule files (generated from the patterns folder). */
struct pat_embedded { const char *name; const char *text; size_t len; };
extern const struct pat_embedded pat_defaults[];
extern const size_t pat_ndefaults;

#endif
