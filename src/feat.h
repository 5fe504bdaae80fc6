/*
 * feat.h: per-segment feature vectors for the line model.
 *
 * feat_doc(doc, stop, out) describes every segment of a judged document
 * (steps 1-6 of classify.h done: seg->hits and seg->decision set) by
 *   - FEAT_NDENSE dense features (feat.def), each a float of about unit
 *     scale, named by feat_name(): the segment's own shape (length, words,
 *     terminal punctuation, capitalised words, digits, symbols, link-like
 *     tokens, stopword density, rule hits, whether the rules or the
 *     context steps dropped it, whether it is a bracketed image
 *     placeholder), the same of its neighbours, means over windows of 3,
 *     10 and 25 segments around it and those against the densest window
 *     of the document, its position, and figures of the whole document
 *     (share of prose words, of dropped lines, of links, of segments
 *     re-wrapped from several input lines);
 *   - FEAT_NHASH hashed sparse features (value 1): the first word, the
 *     last word, and the first four words when the line has at most four,
 *     lower-cased with digits folded to '0', as 32-bit hashes that a model
 *     maps to 2^bits buckets (feat_bucket).
 * Words are runs of Unicode letters and numbers (and '_'); other
 * characters, combining marks among them, split them, as Python's \w
 * does in the benchmark scorers. "prose" is classify.h's test with words
 * counted that way. One pass over each segment's bytes computes its own
 * features (ASCII through a table, other code points through utf8proc);
 * windows use prefix sums, so a document costs O(bytes + segments).
 *
 * The stopword lists (patterns/stopwords.txt: "LANG word word ...", one
 * language a line, '#' comments) pick the document's language: the list
 * with the most hits among its words; stopword density is measured with
 * that list. feat_stop_parse builds them; a feat_stop is read-only after.
 */
#ifndef CLEAN_FEAT_H
#define CLEAN_FEAT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct clean_doc;

/* Dense features, in file order. */
enum feat_id {
#define FEAT(id, name) id,
#include "feat.def"
#undef FEAT
	FEAT_NDENSE
};

enum { FEAT_H_FIRST = 0, FEAT_H_LAST, FEAT_H_LINE, FEAT_NHASH };

struct feat_vec {
	float x[FEAT_NDENSE];
	uint32_t h[FEAT_NHASH];  /* 32-bit hashes, 0 when absent */
};

const char *feat_name(int id);         /* dense id or FEAT_NDENSE + hash slot */
int feat_id(const char *name);          /* -1 if unknown */
static inline uint32_t feat_bucket(uint32_t h, unsigned bits)
{
	return h >> (32 - bits);
}

struct feat_stop;
int feat_stop_parse(struct feat_stop **out, const char *name, const char *text,
                    size_t len, struct buf *err);
void feat_stop_free(struct feat_stop *s);

/* Fill out[0..doc->nsegs). Returns CLEAN_OK or CLEAN_ENOMEM. stop may be
 * NULL (stopword density 0). *lang receives the language picked (the
 * list with the most hits, at least 3), or "". Thread-safe. */
int feat_doc(const struct clean_doc *d, const struct feat_stop *stop,
             struct feat_vec *out, const char **lang);

/* What one pass over a line's bytes finds, the counts its own features
 * are made of. A word is as above; a token is a run of characters other
 * than ' ' and Unicode spaces (Zs). Counted: words, words that start with
 * a capital (caps), ASCII and Unicode decimal digits, symbols (characters
 * in no word and no space, an invalid byte one each), ASCII capitals and
 * lower-case letters, commas, tokens, link-like tokens (a lone '|', '>',
 * '/', '<', '-', '*', '+' or NUL, a lone two-byte character led by 0xc2
 * or three-byte one led by 0xe2, "@...", "#...", "www.*", "*.com",
 * "*.org", one whose first ':' starts "://"). first and last are the
 * hashes of the first and last words (feat_word_hash), line mixes those
 * of the first four, text those of all words and the length; 0: none. */
struct feat_scan {
	unsigned words, caps, digits, syms, upper, lower, commas, toks, links;
	uint32_t first, last, line;
	uint64_t text;
};

/* Scan the line s[0..n) into *out (the part of feat_doc that reads the
 * bytes, for tests). With stop not NULL, langs[l] is incremented for each
 * word of the line that stopword list l holds. */
void feat_scan_line(const char *s, size_t n, const struct feat_stop *stop, uint16_t *langs,
                    struct feat_scan *out);

/* The hash of the word w[0..n) (as feat_next_word finds words), never 0:
 * FNV-1a over its code points, ASCII letters lower-cased and ASCII digits
 * folded to '0', other capitals and digits lower-cased through utf8proc,
 * other characters as they are, then mixed. */
uint32_t feat_word_hash(const char *w, size_t n);

/* Iterate the words of s[0..n): returns the byte offset after the next
 * word, storing its start in *start, or 0 when none is left. Lowercases
 * the word into low (ASCII folding, other letters via Unicode) when low
 * is not NULL. */
size_t feat_next_word(const char *s, size_t n, size_t pos, size_t *start,
                      struct buf *low);

#endif
