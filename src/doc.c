/* doc.c: the document in flight (contract in doc.h). */
#include "doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "patterns.h"
#include "model.h"

int doc_new(struct clean_doc **out, const struct clean_ctx *ctx)
{
	struct clean_doc *d = calloc(1, sizeof(*d));
	*out = NULL;
	if (!d)
		return CLEAN_ENOMEM;
	d->ctx = ctx;
	size_t ncat = pat_ncategories(ctx->pat);
	d->removed = calloc(ncat ? ncat : 1, sizeof(*d->removed));
	if (!d->removed) {
		free(d);
		return CLEAN_ENOMEM;
	}
	buf_init(&d->text, 0);
	buf_init(&d->out, 0);
	buf_init(&d->scratch, 0);
	*out = d;
	return CLEAN_OK;
}

void clean_doc_free(struct clean_doc *d)
{
	if (!d)
		return;
	buf_release(&d->text);
	buf_release(&d->out);
	buf_release(&d->scratch);
	free(d->why);
	for (int i = 0; i < META_N; i++)
		free(d->meta[i]);
	free(d->segs);
	free(d->removed);
	free(d);
}

int doc_end_seg(struct clean_doc *d, size_t off, uint32_t lineno, unsigned kind,
                int blank_before)
{
	if (d->nsegs == d->cap) {
		struct seg *p = array_grow(d->segs, &d->cap, sizeof(*p), 64);
		if (!p)
			return CLEAN_ENOMEM;
		d->segs = p;
	}
	size_t n = d->text.len - off;
	/* Texts are NUL-separated so each is a C string too. */
	int rc = buf_addch(&d->text, '\0');
	if (rc)
		return rc;
	struct seg *g = &d->segs[d->nsegs++];
	memset(g, 0, sizeof(*g));
	g->off = g->orig_off = off;
	g->len = g->orig_len = n;
	g->lineno = lineno;
	g->nlines = 1;
	g->kind = (uint8_t)kind;
	g->blank_before = blank_before != 0;
	g->category = -1;
	g->rule = -1;
	return CLEAN_OK;
}

int doc_reserve_segs(struct clean_doc *d, size_t n)
{
	if (d->cap - d->nsegs >= n)
		return CLEAN_OK;
	if (n > SIZE_MAX / sizeof(*d->segs) - d->nsegs)
		return CLEAN_ENOMEM;
	struct seg *p = realloc(d->segs, (d->nsegs + n) * sizeof(*p));
	if (!p)
		return CLEAN_ENOMEM;
	d->segs = p;
	d->cap = d->nsegs + n;
	return CLEAN_OK;
}

int doc_add_seg(struct clean_doc *d, const char *s, size_t n, uint32_t lineno,
                unsigned kind, int blank_before)
{
	size_t off = d->text.len;
	int rc = buf_add(&d->text, s, n);
	if (!rc)
		rc = doc_end_seg(d, off, lineno, kind, blank_before);
	if (rc)
		buf_truncate(&d->text, off);
	return rc;
}

int doc_set_seg_text(struct clean_doc *d, struct seg *s, const char *t, size_t n)
{
	size_t off = d->text.len;
	int rc = buf_add(&d->text, t, n);
	if (!rc)
		rc = buf_addch(&d->text, '\0');
	if (rc)
		return rc;
	s->off = off;
	s->len = n;
	return CLEAN_OK;
}

int doc_set_meta(struct clean_doc *d, int key, const char *v, size_t n)
{
	if (key < 0 || key >= META_N)
		return CLEAN_EINVAL;
	char *p = mem_dup(v, n);
	if (!p)
		return CLEAN_ENOMEM;
	free(d->meta[key]);
	d->meta[key] = p;
	return CLEAN_OK;
}

const char *clean_doc_meta(const struct clean_doc *d, const char *key)
{
	static const char *const names[META_N] = {
		"title", "author", "date", "sitename", "language", "url"
	};
	for (int i = 0; i < META_N; i++)
		if (!strcmp(key, names[i]))
			return d->meta[i];
	return NULL;
}

const char *clean_doc_text(const struct clean_doc *d, size_t *len)
{
	if (len)
		*len = d->out.len;
	return d->out.ptr;
}

size_t clean_doc_removed(const struct clean_doc *d, size_t category)
{
	return category < pat_ncategories(d->ctx->pat) ? d->removed[category] : 0;
}

size_t clean_doc_replaced(const struct clean_doc *d)
{
	return d->replaced;
}

size_t clean_doc_nlines(const struct clean_doc *d)
{
	return d->nsegs;
}

size_t clean_doc_nkept(const struct clean_doc *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nsegs; i++)
		n += d->segs[i].decision != CLEAN_DROP;
	return n;
}

static const char *why_name(int why)
{
	switch (why) {
	case WHY_TITLE: return "title repeated";
	case WHY_CONTEXT: return "in a boilerplate run";
	case WHY_MODEL: return "model";
	case WHY_DOM: return "outside main content";
	case WHY_EMPTY: return "nothing left";
	default: return NULL;
	}
}

void clean_doc_line(const struct clean_doc *d, size_t i, struct clean_line *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= d->nsegs)
		return;
	const struct seg *s = &d->segs[i];
	const struct pat_set *ps = d->ctx->pat;
	out->text = d->text.ptr + s->orig_off;
	out->len = s->orig_len;
	out->lineno = s->lineno;
	out->decision = s->decision;
	out->score = s->score;
	if (s->category >= 0)
		out->category = pat_category_name(ps, s->category);
	if (s->why == WHY_RULE && s->rule >= 0)
		out->rule = pat_rule_where(ps, s->rule);
	else
		out->rule = why_name(s->why);
	if (d->why) {
		/* The scratch buffer is the document's explain cache: the string
		 * lives until the next clean_doc_line call on this document. */
		struct buf *sc = (struct buf *)&d->scratch;
		buf_clear(sc);
		model_explain(d, i, sc);
		out->features = sc->ptr;
	}
}

void ctx_errorf(struct clean_ctx *ctx, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_clear(&ctx->err);
	buf_addstr(&ctx->err, tmp);
}
