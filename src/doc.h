/*
 * doc.h: a document in flight, and the context it is cleaned with.
 *
 * Data flows one way through a document:
 *   bytes --decode--> UTF-8 text --segment--> segments (lines, or re-joined
 *   paragraphs, or DOM blocks) --classify--> a decision per segment
 *   --render--> doc->out.
 * --explain and --stats are views of the segments' decisions, never a
 * second code path. Segment texts live in doc->text and are addressed by
 * offset, so the segment array can grow without dangling pointers.
 */
#ifndef CLEAN_DOC_H
#define CLEAN_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "clean.h"
#include "buf.h"

enum seg_kind {
	SEG_TEXT = 0,  /* a line or paragraph of a text dump */
	SEG_HEADING,   /* HTML h1-h6 */
	SEG_PARA,      /* HTML paragraph or other block */
	SEG_ITEM,      /* list item */
	SEG_QUOTE,     /* block quote */
	SEG_ROW,       /* table row */
	SEG_PRE        /* preformatted: whitespace kept */
};

/* Why a segment got its decision, beside the pattern rules. */
enum seg_reason {
	WHY_NONE = 0,
	WHY_RULE,      /* a pattern rule: seg->rule */
	WHY_TITLE,     /* repeats the title */
	WHY_CONTEXT,   /* inside a run of boilerplate at an edge */
	WHY_MODEL,     /* the line model */
	WHY_DOM,       /* outside the HTML main content */
	WHY_EMPTY      /* nothing left after stripping */
};

struct seg {
	size_t off, len;         /* text in doc->text: decoded, normalised, no '\n' */
	size_t orig_off, orig_len; /* the text before stripping (== off/len if none) */
	uint32_t lineno;         /* first input line, 1-based */
	uint16_t nlines;         /* input lines joined into it */
	uint8_t kind;            /* enum seg_kind */
	uint8_t blank_before;    /* a paragraph break precedes it */
	uint8_t decision;        /* enum clean_decision */
	uint8_t why;             /* enum seg_reason */
	int16_t category;        /* category id or -1 */
	int32_t rule;            /* rule index in ctx->pat, or -1 */
	uint32_t hits;           /* bit set of rule actions that matched (patterns.h) */
	float score;             /* model score, log-odds of content */
	/* DOM features (HTML input; zero for text): */
	float link_density;
	uint16_t depth;
	int8_t class_hint;       /* +1 content-like class/id, -1 boilerplate-like */
};

struct clean_doc {
	const struct clean_ctx *ctx;
	struct buf text;         /* segment texts */
	struct seg *segs;
	size_t nsegs, cap;
	struct buf out;          /* the rendered result */
	size_t *removed;         /* per category, ctx->ncat entries */
	size_t replaced;         /* undecodable bytes replaced by U+FFFD */
	char *meta[6];           /* title, author, date, sitename, language, url */
	struct buf scratch;      /* explain strings */
	struct model_why *why;   /* what explains the model's decisions, or NULL (model.c) */
	int evidence;            /* the rules found a page's boilerplate (classify.c) */
};

enum { META_TITLE, META_AUTHOR, META_DATE, META_SITENAME, META_LANGUAGE, META_URL, META_N };

struct pat_set;
struct model;

struct clean_ctx {
	struct clean_opts opts;
	struct pat_set *pat;     /* all rules, compiled */
	struct model *model;     /* line model, or NULL */
	struct buf err;          /* detail of the last failure */
};

int doc_new(struct clean_doc **out, const struct clean_ctx *ctx);
/* Append a segment whose text is s[0..n). On failure d is as it was. */
int doc_add_seg(struct clean_doc *d, const char *s, size_t n, uint32_t lineno,
                unsigned kind, int blank_before);
/* Make room for n more segments at once (ENOMEM leaves d as it was). */
int doc_reserve_segs(struct clean_doc *d, size_t n);
/* doc_add_seg for a text the caller has written straight to the end of
 * d->text, from offset off on (no copy). On failure the text stays
 * there, no segment holding it: the caller truncates d->text to off. */
int doc_end_seg(struct clean_doc *d, size_t off, uint32_t lineno, unsigned kind,
                int blank_before);
static inline const char *seg_text(const struct clean_doc *d, const struct seg *s)
{
	return d->text.ptr + s->off;
}
/* Replace a segment's text (the old one stays for --explain). */
int doc_set_seg_text(struct clean_doc *d, struct seg *s, const char *t, size_t n);
int doc_set_meta(struct clean_doc *d, int key, const char *v, size_t n);

/* Record a failure's detail in the context (for clean_ctx_error). */
void ctx_errorf(struct clean_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
