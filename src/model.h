/*
 * model.h: the line model: its file format, scoring, the sequence pass.
 *
 * File format (patterns/default.model is one; `clean learn --supervised`
 * writes them). Text, one directive a line; '#' starts a comment line;
 * blank lines are ignored; fields are separated by single spaces:
 *     clean-model 1 FEATURE...   header, first line that is not a comment:
 *                                format version 1 and the dense features
 *                                the weights below may name
 *     intercept W
 *     weight NAME W              a dense feature's weight (unset ones: 0)
 *     hash BITS                  size of the hashed-feature table, 2^BITS
 *                                buckets, 1 <= BITS <= 24; before any "h"
 *     h BUCKET W                 a hashed bucket's weight (unset ones: 0)
 *     prior P                    share of content lines in training, 0<P<1
 *     stay B C                   probabilities that boilerplate stays
 *                                boilerplate and content stays content
 *                                from one line to the next, 0 < B, C < 1
 *     offset T                   added to every score before the sequence
 *                                pass (tuned in training)
 *     guard G                    a document whose words are at least the
 *                                share G in prose lines is left to the
 *                                rules (the model drops nothing in it)
 *     min-lines N                so is a document of fewer than N
 *                                segments: a snippet, not a whole page
 *     gate-bias W                the document gate (gate.h): its bias;
 *                                without it there is no gate
 *     gate NAME W                a gate figure's weight (unset ones: 0)
 *     gate-max-drop S            the gate stays shut where the sequence
 *                                pass would drop more than the share S of
 *                                the words the rules left (default 1)
 *     gate-min-short S           and where fewer than the share S of the
 *                                segments are short (default 0)
 * Numbers are C floating-point literals. An unknown directive, a feature
 * the header does not list or the code does not know, a bucket out of
 * range or a malformed number fails with CLEAN_EMODEL and err holds
 * "NAME:LINE: what went wrong". prior, stay and a header are required.
 *
 * The score of a line is intercept + sum(weight * feature) + the weights
 * of its hashed features' buckets + offset: the log-odds that the line is
 * content. The sequence pass is a two-state HMM: emissions are the
 * scores' posteriors divided by the prior, transitions the stay
 * probabilities; Viterbi finds the most likely state path. Lines that a
 * keep rule protects are forced to content.
 *
 * A model is read-only once parsed: many threads may score with it.
 */
#ifndef CLEAN_MODEL_H
#define CLEAN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "feat.h"
#include "gate.h"

#define MODEL_VERSION 1
#define MODEL_MAX_HASH_BITS 24

struct model {
	double intercept;
	double w[FEAT_NDENSE];
	unsigned hash_bits;      /* 0: no hashed features */
	float *hw;               /* 2^hash_bits weights */
	double prior;            /* share of content lines */
	double stay[2];          /* [0] boilerplate, [1] content */
	double offset;
	double guard;            /* 0: none */
	unsigned min_lines;      /* 0: none */
	int has_gate;            /* gate_w, gate_bias set (gate.h) */
	double gate_bias, gate_w[GATE_N];
	double gate_max_drop;    /* see gate-max-drop above */
	double gate_min_short;   /* see gate-min-short above */
	struct feat_stop *stop;  /* the embedded stopword lists */
};

/* Parse a model file. On failure *out is NULL and err holds the detail. */
int model_parse(struct model **out, const char *name, const char *text,
                size_t len, struct buf *err);
/* The embedded default (patterns/default.model). */
int model_default(struct model **out, struct buf *err);
/* An empty model (all weights 0, hash_bits as given), for training. */
int model_new(struct model **out, unsigned hash_bits);
void model_free(struct model *m);
/* Write m in the file format (weights as %.9g, zero weights left out). */
int model_write(const struct model *m, struct buf *out);

double model_score(const struct model *m, const struct feat_vec *v);
/* s[i] = model_score(m, &fv[i]) for i < n, bit for bit, faster. */
void model_score_all(const struct model *m, const struct feat_vec *fv, size_t n, double *s);
/* Viterbi over scores s[0..n): state[i] is 1 for content, 0 for
 * boilerplate. force[i] (may be NULL) 1 forces content. Returns CLEAN_OK or
 * CLEAN_ENOMEM. */
int model_viterbi(const struct model *m, const double *s, const unsigned char *force,
                  size_t n, unsigned char *state);

/* Does the model decide in this document (n segments, features fv), or
 * is it left to the rules (guard, min-lines)? */
int model_active(const struct model *m, const struct feat_vec *fv, size_t n);

/* Does the gate call a document without the rules' evidence a page? fv,
 * s (scores with the offset) and state as model_states left them. */
int model_gate(const struct model *m, const struct feat_vec *fv, const double *s,
               const unsigned char *state, size_t n);

/* model_viterbi, then, when it keeps nothing of a document that has a
 * line of 8 or more words that the rules did not drop, again with all scores shifted so
 * that the best-scoring such line has score 1 (the article is there, the
 * model is only less sure of it than usual). fv are the lines' features.
 * The lines the rules dropped (FEAT_DROPPED) count as neither state: they
 * go anyway, and must not break a run of content around them. s is left
 * as it was given. */
int model_states(const struct model *m, double *s, const unsigned char *force,
                 const struct feat_vec *fv, size_t n, unsigned char *state);

/* Step 7 of classify.h: score the segments of d, run the sequence pass and
 * drop (why WHY_MODEL, category CAT_MODEL) the lines it calls
 * boilerplate that the rules left and no keep rule protects; a line that
 * only the context steps (edge runs, tails: WHY_CONTEXT) dropped and the
 * pass calls content is kept again (why WHY_MODEL). It decides in full
 * when evidence (the rules found a page's boilerplate) is set or the
 * model's gate (gate.h) calls the document a page. A model without a
 * gate trims a document without evidence of 60 segments or more at its
 * edges: only the lines before the first line the pass keeps and after
 * its last go, and none if that would take more than 70% of the words
 * the rules left (whole pages whose menus no rule knows; extractor
 * outputs are short, and their lists must stay). Sets every
 * seg->score, and keeps the features and states in d->why so that
 * model_explain can name each line's deciding features when asked (the
 * document borrows m, as it borrows its context, until it is freed). A
 * document that model_active leaves to the rules is not touched: no
 * scores, no explanations. */
int model_apply(struct clean_doc *d, const struct model *m, int evidence);

/* The three features that pushed line i hardest towards its decision, as
 * "name+0.83 name-1.2 ..." into out; nothing if the line has no score. */
void model_explain(const struct clean_doc *d, size_t i, struct buf *out);

#endif
