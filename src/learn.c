/* learn.c: supervised training of the line model (contract in learn.h). */
#include "learn.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "doc.h"
#include "feat.h"
#include "gate.h"
#include "model.h"

struct learn_sup {
	struct model *m;          /* stopwords and hash size for the features */
	struct feat_vec *fv;      /* every segment of every document */
	unsigned char *y;         /* its label: 1 content */
	uint32_t *ntok;           /* its words */
	size_t n, cap;
	size_t *doc_end;          /* segment index after each document */
	unsigned char *evidence;  /* per document: clean_doc.evidence */
	size_t ndocs, doccap;
	struct buf low;
};

int learn_sup_new(struct learn_sup **out, unsigned hash_bits)
{
	*out = NULL;
	struct learn_sup *l = calloc(1, sizeof(*l));
	if (!l)
		return CLEAN_ENOMEM;
	int rc = model_new(&l->m, hash_bits);
	if (rc) {
		free(l);
		return rc;
	}
	buf_init(&l->low, 0);
	*out = l;
	return CLEAN_OK;
}

void learn_sup_free(struct learn_sup *l)
{
	if (!l)
		return;
	model_free(l->m);
	free(l->fv);
	free(l->y);
	free(l->ntok);
	free(l->doc_end);
	free(l->evidence);
	buf_release(&l->low);
	free(l);
}

void learn_sup_counts(const struct learn_sup *l, size_t *docs, size_t *segs, size_t *content)
{
	*docs = l->ndocs;
	*segs = l->n;
	*content = 0;
	for (size_t i = 0; i < l->n; i++)
		*content += l->y[i];
}

/* ---- the gold text as a set of word n-gram hashes ---- */

struct gram_set {
	uint64_t *tab;   /* 0 = empty */
	size_t mask, used;
};

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

static uint64_t word_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The hash of the k words at w. */
static uint64_t gram_hash(const uint64_t *w, size_t k)
{
	uint64_t h = k;
	for (size_t i = 0; i < k; i++)
		h = mix64(h * 31 + w[i]);
	return h;
}

static int gram_add(struct gram_set *g, uint64_t h)
{
	if ((g->used + 1) * 2 > g->mask) {
		size_t cap = (g->mask + 1) * 2;
		uint64_t *t = calloc(cap, sizeof(*t));
		if (!t)
			return CLEAN_ENOMEM;
		for (size_t i = 0; g->tab && i <= g->mask; i++)
			if (g->tab[i]) {
				size_t j = g->tab[i] & (cap - 1);
				while (t[j])
					j = (j + 1) & (cap - 1);
				t[j] = g->tab[i];
			}
		free(g->tab);
		g->tab = t;
		g->mask = cap - 1;
	}
	size_t j = h & g->mask;
	while (g->tab[j] && g->tab[j] != h)
		j = (j + 1) & g->mask;
	g->used += !g->tab[j];
	g->tab[j] = h;
	return CLEAN_OK;
}

static int gram_has(const struct gram_set *g, uint64_t h)
{
	size_t j = h & g->mask;
	while (g->tab[j]) {
		if (g->tab[j] == h)
			return 1;
		j = (j + 1) & g->mask;
	}
	return 0;
}

/* The lower-cased words of s[0..n) as hashes into *w (grown as needed). */
static int words_of(const char *s, size_t n, struct buf *low, uint64_t **w, size_t *nw, size_t *cap)
{
	size_t pos = 0, st;
	*nw = 0;
	while ((pos = feat_next_word(s, n, pos, &st, low)) != 0) {
		if (*nw == *cap) {
			uint64_t *p = array_grow(*w, cap, sizeof(*p), 256);
			if (!p)
				return CLEAN_ENOMEM;
			*w = p;
		}
		(*w)[(*nw)++] = word_hash(low->ptr, low->len);
	}
	return CLEAN_OK;
}

static int gold_grams(struct gram_set *g, const uint64_t *w, size_t nw)
{
	int rc = CLEAN_OK;
	for (size_t k = 1; k <= 4; k++)
		for (size_t i = 0; !rc && i + k <= nw; i++)
			rc = gram_add(g, gram_hash(w + i, k));
	return rc;
}

/* ---- labels ---- */

/* 1 content, 0 boilerplate, 2 "short, words found in the gold". */
static unsigned char label_words(const struct gram_set *g, const uint64_t *w, size_t nw)
{
	if (!nw)
		return 0;
	if (nw < 4)
		return gram_has(g, gram_hash(w, nw)) ? 2 : 0;
	size_t hit = 0, all = nw - 3;
	for (size_t i = 0; i < all; i++)
		hit += (size_t)gram_has(g, gram_hash(w + i, 4));
	return hit * 2 >= all;
}

static void settle_short(unsigned char *y, const uint32_t *ntok, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (y[i] != 2)
			continue;
		size_t lo = i > LEARN_SHORT_REACH ? i - LEARN_SHORT_REACH : 0;
		size_t hi = i + LEARN_SHORT_REACH < n ? i + LEARN_SHORT_REACH : n - 1;
		int near = 0;
		for (size_t j = lo; j <= hi && !near; j++)
			near = j != i && ntok[j] >= 4 && y[j] == 1;
		y[i] = (unsigned char)near;
	}
}

static int reserve(struct learn_sup *l, size_t more)
{
	if (l->n + more > l->cap) {
		size_t cap = l->cap ? l->cap : 4096;
		while (cap < l->n + more)
			cap *= 2;
		struct feat_vec *fv = realloc(l->fv, cap * sizeof(*fv));
		if (fv)
			l->fv = fv;
		unsigned char *y = realloc(l->y, cap);
		if (y)
			l->y = y;
		uint32_t *t = realloc(l->ntok, cap * sizeof(*t));
		if (t)
			l->ntok = t;
		if (!fv || !y || !t)
			return CLEAN_ENOMEM;
		l->cap = cap;
	}
	if (l->ndocs == l->doccap) {
		size_t cap = l->doccap;
		size_t *p = array_grow(l->doc_end, &l->doccap, sizeof(*p), 256);
		if (!p)
			return CLEAN_ENOMEM;
		l->doc_end = p;
		unsigned char *e = realloc(l->evidence, l->doccap);
		if (!e) {
			l->doccap = cap;
			return CLEAN_ENOMEM;
		}
		l->evidence = e;
	}
	return CLEAN_OK;
}

static int label_doc(struct learn_sup *l, const struct clean_doc *d, const char *gold, size_t goldlen)
{
	struct gram_set g = { 0 };
	uint64_t *w = NULL;
	size_t nw, cap = 0;
	int rc = words_of(gold, goldlen, &l->low, &w, &nw, &cap);
	if (!rc)
		rc = gold_grams(&g, w, nw);
	if (!rc && !g.tab)
		rc = gram_add(&g, 1);  /* an empty gold: a set that matches nothing */
	unsigned char *y = l->y + l->n;
	uint32_t *ntok = l->ntok + l->n;
	for (size_t i = 0; !rc && i < d->nsegs; i++) {
		const struct seg *s = &d->segs[i];
		rc = words_of(seg_text(d, s), s->len, &l->low, &w, &nw, &cap);
		ntok[i] = (uint32_t)nw;
		y[i] = rc ? 0 : label_words(&g, w, nw);
	}
	if (!rc)
		settle_short(y, ntok, d->nsegs);
	free(w);
	free(g.tab);
	return rc;
}

int learn_sup_add(struct learn_sup *l, struct clean_ctx *ctx, const char *raw,
                  size_t rawlen, const char *gold, size_t goldlen)
{
	if (ctx->model && !(ctx->opts.flags & CLEAN_F_NO_MODEL))
		return CLEAN_EINVAL;
	struct clean_doc *d;
	int rc = clean_text(ctx, raw, rawlen, &d);
	if (rc)
		return rc;
	const char *lang;
	rc = reserve(l, d->nsegs);
	if (!rc)
		rc = feat_doc(d, l->m->stop, l->fv + l->n, &lang);
	if (!rc)
		rc = label_doc(l, d, gold, goldlen);
	if (!rc) {
		l->n += d->nsegs;
		l->evidence[l->ndocs] = (unsigned char)d->evidence;
		l->doc_end[l->ndocs++] = l->n;
	}
	clean_doc_free(d);
	return rc;
}

/* ---- fitting ---- */

static int fit_weights(struct learn_sup *l, const struct learn_opts *o)
{
	size_t n = l->n, d = FEAT_NDENSE, nh = l->m->hash_bits ? FEAT_NHASH : 0;
	size_t nhash = l->m->hash_bits ? (size_t)1 << l->m->hash_bits : 0;
	float *x = malloc(n * d * sizeof(*x));
	int *h = malloc((n * nh + 1) * sizeof(*h));
	double *w = malloc((d + nhash) * sizeof(*w));
	int rc = x && h && w ? CLEAN_OK : CLEAN_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		memcpy(x + i * d, l->fv[i].x, d * sizeof(*x));
		for (size_t k = 0; k < nh; k++)
			h[i * nh + k] = l->fv[i].h[k] ? (int)feat_bucket(l->fv[i].h[k], l->m->hash_bits) : -1;
	}
	if (!rc)
		rc = learn_lr_fit(x, n, d, h, nh, l->m->hash_bits, l->y, o->cost, w, &l->m->intercept);
	for (size_t j = 0; !rc && j < d; j++)
		l->m->w[j] = w[j];
	for (size_t j = 0; !rc && j < nhash; j++)
		l->m->hw[j] = (float)w[d + j];
	free(x);
	free(h);
	free(w);
	return rc;
}

static void fit_transitions(struct learn_sup *l)
{
	double c[2][2] = { { 1, 1 }, { 1, 1 } }, ones = 1;
	size_t start = 0;
	for (size_t k = 0; k < l->ndocs; k++) {
		for (size_t i = start; i < l->doc_end[k]; i++) {
			ones += l->y[i];
			if (i > start)
				c[l->y[i - 1]][l->y[i]] += 1;
		}
		start = l->doc_end[k];
	}
	l->m->prior = ones / ((double)l->n + 2);
	l->m->stay[0] = c[0][0] / (c[0][0] + c[0][1]);
	l->m->stay[1] = c[1][1] / (c[1][0] + c[1][1]);
}

/* Mean page precision and recall over labelled words of the kept lines. */
static double train_f1(struct learn_sup *l, const double *s, double *sc, unsigned char *state)
{
	double psum = 0, rsum = 0;
	size_t pn = 0, rn = 0, start = 0;
	for (size_t k = 0; k < l->ndocs; k++) {
		size_t n = l->doc_end[k] - start;
		for (size_t i = 0; i < n; i++)
			sc[i] = s[start + i] + l->m->offset;
		if (model_states(l->m, sc, NULL, l->fv + start, n, state))
			return -1;
		if (!model_active(l->m, l->fv + start, n))
			memset(state, 1, n);
		double tp = 0, fp = 0, fn = 0;
		for (size_t i = 0; i < n; i++) {
			const struct feat_vec *v = &l->fv[start + i];
			int kept = (state[i] || v->x[FEAT_R_KEEP] > 0) && v->x[FEAT_DROPPED] == 0;
			double t = l->ntok[start + i];
			if (l->y[start + i])
				kept ? (tp += t) : (fn += t);
			else if (kept)
				fp += t;
		}
		if (tp + fp > 0)
			psum += tp / (tp + fp), pn++;
		if (tp + fn > 0)
			rsum += tp / (tp + fn), rn++;
		start = l->doc_end[k];
	}
	double p = pn ? psum / (double)pn : 0, r = rn ? rsum / (double)rn : 0;
	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* The offset and stay sharpening that do best on the training pages. */
static int tune(struct learn_sup *l)
{
	size_t maxdoc = 0, start = 0;
	for (size_t k = 0; k < l->ndocs; k++) {
		maxdoc = l->doc_end[k] - start > maxdoc ? l->doc_end[k] - start : maxdoc;
		start = l->doc_end[k];
	}
	double *s = malloc((l->n + maxdoc + 1) * sizeof(*s));
	unsigned char *state = malloc(maxdoc + 1);
	if (!s || !state) {
		free(s), free(state);
		return CLEAN_ENOMEM;
	}
	double save = l->m->offset;
	l->m->offset = 0;
	model_score_all(l->m, l->fv, l->n, s);
	static const double sharpen[] = { 0.25, 0.5, 1, 2 };
	double stay0 = l->m->stay[0], stay1 = l->m->stay[1], best = -1, bo = save, b0 = stay0, b1 = stay1;
	for (size_t q = 0; q < sizeof(sharpen) / sizeof(sharpen[0]); q++) {
		l->m->stay[0] = 1 - (1 - stay0) * sharpen[q];
		l->m->stay[1] = 1 - (1 - stay1) * sharpen[q];
		for (int k = -16; k <= 16; k++) {
			l->m->offset = k * 0.25;
			double f = train_f1(l, s, s + l->n, state);
			if (f > best + 1e-12) {
				best = f, bo = l->m->offset;
				b0 = l->m->stay[0], b1 = l->m->stay[1];
			}
		}
	}
	l->m->offset = bo;
	l->m->stay[0] = b0;
	l->m->stay[1] = b1;
	free(s);
	free(state);
	return CLEAN_OK;
}

/* ---- the document gate (gate.h) ---- */

/* Word F1 of document k's labelled words, keeping the lines the rules
 * left and, if state is not NULL, that the sequence pass keeps. -1 when
 * it has no content and keeps nothing. */
static double doc_f1(const struct learn_sup *l, size_t start, size_t n, const unsigned char *state)
{
	double tp = 0, fp = 0, fn = 0;
	for (size_t i = 0; i < n; i++) {
		const struct feat_vec *v = &l->fv[start + i];
		int kept = (!state || state[i] || v->x[FEAT_R_KEEP] > 0) && v->x[FEAT_DROPPED] == 0;
		double t = l->ntok[start + i];
		if (l->y[start + i])
			kept ? (tp += t) : (fn += t);
		else if (kept)
			fp += t;
	}
	return tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : -1;
}

/* One gate example: a document the rules' evidence leaves out. */
struct gate_ex {
	float x[GATE_N];
	double f_model, f_rules;
};

/* The documents the gate decides (no evidence, model_active), with their
 * figures and their F1 with and without the model, into *ex. */
static int gate_examples(struct learn_sup *l, struct gate_ex **ex, size_t *nex)
{
	size_t maxdoc = 0, start = 0;
	for (size_t k = 0; k < l->ndocs; k++) {
		maxdoc = l->doc_end[k] - start > maxdoc ? l->doc_end[k] - start : maxdoc;
		start = l->doc_end[k];
	}
	double *s = malloc((maxdoc + 1) * sizeof(*s));
	unsigned char *state = malloc(maxdoc + 1);
	*ex = malloc((l->ndocs + 1) * sizeof(**ex));
	*nex = 0;
	int rc = s && state && *ex ? CLEAN_OK : CLEAN_ENOMEM;
	start = 0;
	for (size_t k = 0; !rc && k < l->ndocs; start = l->doc_end[k++]) {
		size_t n = l->doc_end[k] - start;
		const struct feat_vec *fv = l->fv + start;
		if (l->evidence[k] || !n || !model_active(l->m, fv, n))
			continue;
		for (size_t i = 0; i < n; i++)
			s[i] = model_score(l->m, &fv[i]);
		if ((rc = model_states(l->m, s, NULL, fv, n, state)))
			break;
		struct gate_ex *e = &(*ex)[*nex];
		e->f_model = doc_f1(l, start, n, state);
		e->f_rules = doc_f1(l, start, n, NULL);
		if (e->f_rules < 0)
			continue;
		gate_features(fv, s, state, n, e->x);
		(*nex)++;
	}
	free(s);
	free(state);
	return rc;
}

/* The bias shift and the cap on the words the model may drop
 * (gate-max-drop) that do best on the examples: the sum of their F1, the
 * model's (less margin) where the gate opens; the first best on the
 * grid wins ties (a smaller shift, a lower cap: fewer documents for the
 * model). */
static void gate_tune(struct model *m, const struct gate_ex *ex, size_t nex, double margin,
                      double max_drop)
{
	double best = -1, bias = m->gate_bias, bb = bias, bc = 1;
	for (int c = 2; c <= 10; c++) {
		for (int k = -24; k <= 24; k++) {
			double b = bias + k * 0.25, cap = max_drop > 0 ? max_drop : c / 10.0, f = 0;
			for (size_t i = 0; i < nex; i++) {
				int open = ex[i].x[GATE_MODEL_WORDS] <= cap &&
				           ex[i].x[GATE_SHORT] >= m->gate_min_short &&
				           gate_score(m->gate_w, b, ex[i].x) > 0;
				f += open ? ex[i].f_model - margin : ex[i].f_rules;
			}
			if (f > best + 1e-9)
				best = f, bb = b, bc = cap;
		}
	}
	m->gate_bias = bb;
	m->gate_max_drop = bc;
}

/* Fit the gate: a logistic regression on the gate examples, labelled 1
 * where the model raises the document's F1 by more than LEARN_GATE_MARGIN
 * (the model saw these pages in training, so it looks better on them
 * than it will elsewhere), then its bias tuned as gate_tune says. No
 * example of either label: no gate. */
static int fit_gate(struct learn_sup *l, const struct learn_opts *o)
{
	struct gate_ex *ex;
	size_t nex;
	int rc = gate_examples(l, &ex, &nex);
	float *x = rc ? NULL : malloc((nex + 1) * sizeof(ex->x));
	unsigned char *y = rc ? NULL : malloc(nex + 1);
	int h = -1;
	size_t pos = 0;
	double margin = o->gate_margin;
	if (!rc && (!x || !y))
		rc = CLEAN_ENOMEM;
	for (size_t i = 0; !rc && i < nex; i++) {
		memcpy(x + i * GATE_N, ex[i].x, sizeof(ex->x));
		y[i] = ex[i].f_model > ex[i].f_rules + margin;
		pos += y[i];
	}
	if (!rc && pos && pos < nex) {
		rc = learn_lr_fit(x, nex, GATE_N, &h, 0, 0, y, o->cost, l->m->gate_w, &l->m->gate_bias);
		if (!rc) {
			l->m->has_gate = 1;
			l->m->gate_min_short = o->gate_min_short;
			gate_tune(l->m, ex, nex, margin, o->gate_max_drop);
		}
	}
	free(ex);
	free(x);
	free(y);
	return rc;
}

int learn_sup_fit(struct learn_sup *l, const struct learn_opts *o,
                  struct model **out, struct buf *err)
{
	*out = NULL;
	if (!l->n) {
		buf_clear(err);
		buf_addstr(err, "no training examples");
		return CLEAN_EINVAL;
	}
	l->m->guard = o->guard;
	l->m->min_lines = o->min_lines;
	int rc = fit_weights(l, o);
	if (!rc) {
		fit_transitions(l);
		rc = tune(l);
	}
	if (!rc && o->gate)
		rc = fit_gate(l, o);
	if (rc) {
		buf_clear(err);
		buf_addstr(err, "training failed");
		return rc;
	}
	*out = l->m;
	l->m = NULL;
	return model_new(&l->m, (*out)->hash_bits);
}
