/*
 * gate.h: the line model's document gate: is a document a whole page (menus,
 * footers and link lists around the text, for the model to clean) or an
 * extractor's output (an article already, for the rules alone)?
 *
 * The rules decide first: a document in which they dropped enough
 * boilerplate is a page (classify.c, MODEL_MIN_EVIDENCE). For the others
 * the gate is a logistic regression over GATE_N figures of the whole
 * document, read off the line model's features, scores and states:
 *     lines        log1p(segments) / 8
 *     short        share of segments of at most 3 words
 *     end          share of segments ending like a sentence
 *     words        mean log1p(words) / 5 of a segment
 *     link         share of link-like tokens (feat.h doc_link)
 *     prose        share of words in prose segments (doc_prose)
 *     dropped      share of segments the rules dropped (doc_dropped)
 *     wrapped      share of re-wrapped segments (doc_wrapped)
 *     score        mean content probability of a segment, sigmoid(score)
 *     model_lines  share of the segments the rules left that the sequence
 *                  pass calls boilerplate
 *     model_words  the same, counted in words
 * The weights are stored in the model file ("gate-bias W", "gate NAME W",
 * model.h) and fitted by `clean learn` (learn.h). A model file without
 * them has no gate: the rules' evidence alone calls the model.
 * O(segments), no allocation.
 */
#ifndef CLEAN_GATE_H
#define CLEAN_GATE_H

#include <stddef.h>

#include "feat.h"

enum gate_id {
	GATE_LINES, GATE_SHORT, GATE_END, GATE_WORDS, GATE_LINK, GATE_PROSE,
	GATE_DROPPED, GATE_WRAPPED, GATE_SCORE, GATE_MODEL_LINES, GATE_MODEL_WORDS,
	GATE_N
};

const char *gate_name(int id);
int gate_id(const char *name);   /* -1 if unknown */

/* The figures of a document of n > 0 segments with features fv, scores s
 * (with the model's offset) and states (1 content) from model_states. */
void gate_features(const struct feat_vec *fv, const double *s, const unsigned char *state,
                   size_t n, float x[GATE_N]);

/* The gate's log-odds that the document is a page for the model. */
double gate_score(const double w[GATE_N], double bias, const float x[GATE_N]);

#endif
