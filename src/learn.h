/*
 * learn.h: training the line model from (dump, gold text) pairs.
 *
 * A learner collects examples, one document at a time, then fits a model:
 *
 *   learn_sup_add(l, ctx, raw, gold) cleans raw with ctx (which must carry
 *   no model, so the features are those the model sees at step 7 of
 *   classify.h), computes the features of every segment (feat.h) and
 *   labels each one by aligning it to the gold text:
 *     - words are lower-cased \w+ tokens (feat_next_word);
 *     - a segment of 4 or more words is content when at least half of its
 *       word 4-shingles occur in the gold;
 *     - a segment of 1-3 words is content when its words occur in that
 *       order in the gold and a content segment of 4 or more words lies
 *       within LEARN_SHORT_REACH segments of it;
 *     - a segment with no word is boilerplate.
 *
 *   learn_sup_fit(l, opts, &model) fits an L2-regularised logistic
 *   regression (liblinear, primal trust-region Newton: deterministic) on
 *   all examples, sets the model's prior and stay probabilities from the
 *   label counts and transitions (add-one smoothed), then picks the score
 *   offset from a fixed grid that maximises the benchmark-like F1 (mean
 *   page precision and mean page recall over words of the labelled
 *   segments, after the sequence pass) on the training documents.
 *
 * The same examples in the same order give a byte-identical model file.
 * The library never prints: progress and errors are return values.
 */
#ifndef CLEAN_LEARN_H
#define CLEAN_LEARN_H

#include <stddef.h>

#include "buf.h"

#define LEARN_SHORT_REACH 3

struct clean_ctx;
struct model;
struct learn_sup;

struct learn_opts {
	unsigned hash_bits;   /* hashed-feature table 2^bits; 0: none */
	double cost;          /* liblinear C (default 1 when 0) */
	double guard;         /* the model file's guard (model.h) */
	unsigned min_lines;   /* the model file's min-lines (model.h) */
	int gate;             /* fit the document gate (gate.h) */
	double gate_margin;   /* F1 the model must add to call a page one */
	double gate_max_drop; /* the model file's gate-max-drop; 0: tuned */
	double gate_min_short;/* the model file's gate-min-short */
};

int learn_sup_new(struct learn_sup **out, unsigned hash_bits);
void learn_sup_free(struct learn_sup *l);
int learn_sup_add(struct learn_sup *l, struct clean_ctx *ctx, const char *raw,
                  size_t rawlen, const char *gold, size_t goldlen);
/* Documents and segments collected so far, and how many segments are
 * labelled content. */
void learn_sup_counts(const struct learn_sup *l, size_t *docs, size_t *segs,
                      size_t *content);
int learn_sup_fit(struct learn_sup *l, const struct learn_opts *o,
                  struct model **out, struct buf *err);

/* learn_lr.c: the liblinear fit, kept apart because liblinear's header
 * defines its own struct model. x is row-major n x d (dense), then up to
 * nh hashed columns per row in hidx (index < 2^bits, or -1); y is 0/1.
 * w receives d + 2^bits weights and *b the intercept. */
int learn_lr_fit(const float *x, size_t n, size_t d, const int *hidx, size_t nh,
                 unsigned bits, const unsigned char *y, double cost,
                 double *w, double *b);

#endif
