/*
 * templates.h: unsupervised learning of boilerplate lines (`clean learn
 * CORPUS...`): line templates counted by the documents they occur in,
 * per source, and turned into pattern rules.
 *
 * tpl_normalise(s, n, out) appends the template of one line s[0..n)
 * (valid UTF-8, as the normaliser left it) to out. Rules, in order:
 *   1. the line is split into words at spaces and tabs; runs of them
 *      become one ' ', none leads or trails;
 *   2. a word holding "://" or starting with "www." (after opening
 *      punctuation) becomes "\u" (a URL); a word holding '@' with a
 *      character before it and a '.' after it becomes "\e" (an e-mail);
 *   3. a word whose core (without the punctuation around it) is a numeric
 *      date, D-D-D, D/D/D or D.D.D with digit runs of 1-4 (2024-05-01,
 *      1.5.2024), becomes "\t" with the punctuation around kept;
 *   4. in every other word, each run of ASCII digits becomes "\d", a
 *      backslash becomes "\\", and each letter is lower-cased (Unicode
 *      simple lower case, where upper-casing it gives the letter back:
 *      U+0130 stays, as PCRE2's caseless matching would not match "i").
 * So a template never holds a tab or a newline, and a backslash in it
 * always starts one of \u \e \t \d \\.
 *
 * tpl_regex(t, n, out) appends the anchored PCRE2 regex of a template:
 * "^", every ASCII punctuation character escaped, \d as [0-9]+, \t as
 * [0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{1,4}, \u and \e as [^ ]+ (a
 * word), other characters as they are, "$". Matched caselessly (the
 * pattern format), it matches the lines the template came from.
 *
 * A template is eligible for counting (tpl_eligible) when it has 1 to
 * max_words words, at most TPL_MAX_BYTES bytes and at least 2 letters
 * (short templates like "a" or "\d" say nothing about a site; long ones
 * are prose, shared by chance).
 *
 * A struct tpl_table counts (source, template) pairs by the number of
 * distinct documents they occur in, and documents per source. It is a
 * hash table capped at max entries (templates plus sources): adding past
 * the cap fails with CLEAN_ETOOBIG and nothing is pruned, so that counts
 * stay exact and shards merge to the same result as one run. Learning
 * that needs more is split into shards (tpl_write_counts) and merged
 * (tpl_merge, which holds only sources and rules). A table belongs to one
 * thread, and tpl_write_counts, tpl_write_rules and tpl_merge must not
 * run in two threads at once (their sorting uses file-static state).
 *
 * Counts file (tpl_write_counts, tpl_read_counts), version 1, UTF-8
 * text, one record a line, fields separated by one tab:
 *     clean-counts<TAB>1
 *     source<TAB>DOCS<TAB>NAME
 *     tpl<TAB>DOCS<TAB>SOURCE<TAB>TEMPLATE
 * The header comes first; then the sources in byte order of NAME; then
 * the templates in byte order of SOURCE, then TEMPLATE. DOCS is a decimal
 * count; every tpl line's SOURCE has a source line. Lines starting with
 * '#' are comments. Reading adds the counts to the table (so reading
 * several files merges them); a malformed file is rejected whole with
 * CLEAN_EFORMAT and err holds "NAME:LINE: what went wrong" (a bad count,
 * a missing field, a name or template that is not valid UTF-8). Writing
 * the same counts always gives the same bytes.
 *
 * Rules (tpl_write_rules): a template of a source is a rule when it
 * occurs in at least min_docs documents and in at least min_share of the
 * source's documents, and is eligible for max_words. Each rule is
 *     learned drop REGEX
 * preceded by a comment naming the sources and counts
 * ("# site-a 10/10, site-b 8/9"); a template learned in several sources
 * is one rule. Rules are in byte order of template, so the output
 * depends on the counts only.
 *
 * Source names: a host (from a URL) or a folder's last component; tabs,
 * newlines and other control bytes in them become '?', and a name longer
 * than TPL_MAX_SOURCE bytes is cut there (at a character boundary).
 */
#ifndef CLEAN_TEMPLATES_H
#define CLEAN_TEMPLATES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#define TPL_MAX_BYTES 512
#define TPL_MAX_SOURCE 255
#define TPL_DEFAULT_MAX_ENTRIES ((size_t)1 << 22)

struct clean_ctx;
struct tpl_table;

struct tpl_rule_opts {
	uint64_t min_docs;   /* at least this many documents (default 3) */
	double min_share;    /* and this share of the source's (default 0.3) */
	unsigned max_words;  /* eligible templates have at most these (20) */
};

int tpl_normalise(const char *s, size_t n, struct buf *out);
int tpl_regex(const char *t, size_t n, struct buf *out);
/* Words of a template, and is it worth counting? */
unsigned tpl_words(const char *t, size_t n);
int tpl_eligible(const char *t, size_t n, unsigned max_words);

/* max: cap on entries (0: TPL_DEFAULT_MAX_ENTRIES); max_words: templates
 * with more words are not counted (0: 20). */
int tpl_table_new(struct tpl_table **out, size_t max, unsigned max_words);
void tpl_table_free(struct tpl_table *t);

/* One document of a source: the bytes are decoded and split into lines
 * as clean_text does with ctx's options (segment.h: normalised lines,
 * hard-wrapped paragraphs re-joined), or as clean_html does when html;
 * every eligible template counts once for the document, however often
 * it occurs. url may be NULL. On failure the table may hold part of the
 * document (CLEAN_ETOOBIG: the cap; see above). */
int tpl_add_doc(struct tpl_table *t, const struct clean_ctx *ctx,
                const char *source, const char *bytes, size_t len, int html,
                const char *url);
/* The same for lines already normalised (one per element). */
int tpl_add_lines(struct tpl_table *t, const char *source,
                  const char *const *lines, const size_t *lens, size_t n);

/* The host of an http(s) URL, lower-cased, into out (cleared first);
 * CLEAN_EINVAL when the URL has none. */
int tpl_url_host(const char *url, struct buf *out);

/* Sources, documents, (source, template) entries counted so far. */
void tpl_table_stats(const struct tpl_table *t, size_t *sources,
                     uint64_t *docs, size_t *templates);

int tpl_write_counts(const struct tpl_table *t, struct buf *out);
int tpl_read_counts(struct tpl_table *t, const char *name, const char *text,
                    size_t len, struct buf *err);
/*
 * Merge counts files without holding their templates: files[i] (named
 * names[i] in messages) are read as streams, each sorted as
 * tpl_write_counts writes it. Their sources are summed into t first; then
 * their tpl records are merged in order and summed: each merged record is
 * written to out (when not NULL) after the header and the merged source
 * lines, so out gets the bytes tpl_write_counts would give for the sum;
 * and a record that is a rule under keep (when not NULL) is added to t,
 * so that tpl_write_rules(t, keep) then gives the rules of the sum. So
 * memory holds the sources and the rules only, not every template.
 * *merged receives the number of merged tpl records. A malformed or
 * unsorted input gives CLEAN_EFORMAT with "NAME:LINE: what went wrong" in
 * err (out may then hold a part); a read error CLEAN_EIO. Write errors on
 * out are the caller's to check (ferror).
 */
int tpl_merge(struct tpl_table *t, FILE *const *files, const char *const *names,
              size_t n, const struct tpl_rule_opts *keep, FILE *out, size_t *merged,
              struct buf *err);
/* Appends the rules; *nrules (may be NULL) receives how many. */
int tpl_write_rules(const struct tpl_table *t, const struct tpl_rule_opts *o,
                    struct buf *out, size_t *nrules);

#endif
