/* gate.c: the line model's document gate (contract in gate.h). */
#include "gate.h"

#include <math.h>
#include <string.h>

static const char *const names[GATE_N] = {
	"lines", "short", "end", "words", "link", "prose",
	"dropped", "wrapped", "score", "model_lines", "model_words",
};

const char *gate_name(int id)
{
	return id >= 0 && id < GATE_N ? names[id] : "?";
}

int gate_id(const char *name)
{
	for (int i = 0; i < GATE_N; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

void gate_features(const struct feat_vec *fv, const double *s, const unsigned char *state,
                   size_t n, float x[GATE_N])
{
	double shrt = 0, end = 0, words = 0, prob = 0, left = 0, mlines = 0, lw = 0, mw = 0;
	for (size_t i = 0; i < n; i++) {
		const float *v = fv[i].x;
		shrt += v[FEAT_SHORT] > 0;
		end += v[FEAT_END] > 0;
		words += v[FEAT_WORDS];
		prob += 1 / (1 + exp(-s[i]));
		if (v[FEAT_DROPPED] > 0)
			continue;
		/* FEAT_WORDS is log1p(words) / 5: undo it for a word count */
		double w = expm1(5.0 * v[FEAT_WORDS]);
		left += 1, lw += w;
		mlines += !state[i], mw += state[i] ? 0 : w;
	}
	double dn = (double)n;
	x[GATE_LINES] = (float)(log1p(dn) / 8);
	x[GATE_SHORT] = (float)(shrt / dn);
	x[GATE_END] = (float)(end / dn);
	x[GATE_WORDS] = (float)(words / dn);
	x[GATE_LINK] = fv[0].x[FEAT_D_LINK];
	x[GATE_PROSE] = fv[0].x[FEAT_D_PROSE];
	x[GATE_DROPPED] = fv[0].x[FEAT_D_DROPPED];
	x[GATE_WRAPPED] = fv[0].x[FEAT_D_WRAPPED];
	x[GATE_SCORE] = (float)(prob / dn);
	x[GATE_MODEL_LINES] = left > 0 ? (float)(mlines / left) : 0;
	x[GATE_MODEL_WORDS] = lw > 0 ? (float)(mw / lw) : 0;
}

double gate_score(const double w[GATE_N], double bias, const float x[GATE_N])
{
	double z = bias;
	for (int i = 0; i < GATE_N; i++)
		z += w[i] * x[i];
	return z;
}
