/* model.c: the line model (contract in model.h). */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "doc.h"
#include "patterns.h"

/* One segment's deciding features, for --explain. */
struct model_top {
	int16_t id[3];   /* feature id (dense, or FEAT_NDENSE + hash slot); -1 none */
	float c[3];      /* its contribution to the score */
};

/* Per document (clean_doc.why): what model_explain needs to name the
 * deciding features of a line. They are worked out only when asked for:
 * most runs never explain a line. One block: the header, then n feature
 * vectors, then n states. */
struct model_why {
	const struct model *m;   /* borrowed from the context, as doc->ctx is */
	struct feat_vec *fv;
	unsigned char *state;    /* 1: content */
};

static const struct pat_embedded model_files[] = {
#include "model_default.inc"
};

static const struct pat_embedded *embedded(const char *name)
{
	for (size_t i = 0; i < sizeof(model_files) / sizeof(model_files[0]); i++)
		if (!strcmp(model_files[i].name, name))
			return &model_files[i];
	return NULL;
}

int model_new(struct model **out, unsigned hash_bits)
{
	*out = NULL;
	if (hash_bits > MODEL_MAX_HASH_BITS)
		return CLEAN_EINVAL;
	struct model *m = calloc(1, sizeof(*m));
	if (!m)
		return CLEAN_ENOMEM;
	m->hash_bits = hash_bits;
	m->prior = 0.5;
	m->stay[0] = m->stay[1] = 0.9;
	m->gate_max_drop = 1;
	if (hash_bits && !(m->hw = calloc((size_t)1 << hash_bits, sizeof(*m->hw)))) {
		free(m);
		return CLEAN_ENOMEM;
	}
	const struct pat_embedded *sw = embedded("stopwords.txt");
	struct buf err;
	buf_init(&err, 0);
	int rc = sw ? feat_stop_parse(&m->stop, sw->name, sw->text, sw->len, &err) : CLEAN_OK;
	buf_release(&err);
	if (rc) {
		model_free(m);
		return rc;
	}
	*out = m;
	return CLEAN_OK;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	feat_stop_free(m->stop);
	free(m->hw);
	free(m);
}

/* ---- parsing ---- */

struct parse {
	const char *name;
	size_t lineno;
	struct buf *err;
	char *fields[8];
	int nf;
	unsigned char listed[FEAT_NDENSE];
	int header;
};

static int fail(struct parse *p, const char *what, const char *subject)
{
	buf_clear(p->err);
	buf_addf(p->err, "%s:%zu: %s%s%s%s", p->name, p->lineno, what,
	         subject ? " '" : "", subject ? subject : "", subject ? "'" : "");
	return CLEAN_EMODEL;
}

static int number(struct parse *p, int k, double lo, double hi, double *v)
{
	if (k >= p->nf)
		return fail(p, "missing number", NULL);
	char *end;
	errno = 0;
	*v = strtod(p->fields[k], &end);
	if (errno || end == p->fields[k] || *end || !isfinite(*v) || *v < lo || *v > hi)
		return fail(p, "bad number", p->fields[k]);
	return CLEAN_OK;
}

static int header(struct parse *p, const char *line)
{
	if (p->nf < 2 || strcmp(p->fields[0], "clean-model"))
		return fail(p, "not a model file (no 'clean-model VERSION' header)", NULL);
	if (strcmp(p->fields[1], "1"))
		return fail(p, "unsupported model version", p->fields[1]);
	/* The feature list may be long: read it from the whole line. */
	const char *s = line + strlen("clean-model 1");
	while (*s) {
		while (*s == ' ')
			s++;
		size_t k = strcspn(s, " ");
		if (!k)
			break;
		char name[64];
		if (k >= sizeof(name))
			return fail(p, "feature name too long", NULL);
		memcpy(name, s, k);
		name[k] = '\0';
		int id = feat_id(name);
		if (id < 0 || id >= FEAT_NDENSE)
			return fail(p, "unknown feature", name);
		p->listed[id] = 1;
		s += k;
	}
	p->header = 1;
	return CLEAN_OK;
}

static int directive(struct parse *p, struct model *m)
{
	const char *d = p->fields[0];
	double v, v2;
	int rc;
	if (!strcmp(d, "intercept"))
		return number(p, 1, -1e9, 1e9, &m->intercept);
	if (!strcmp(d, "offset"))
		return number(p, 1, -1e9, 1e9, &m->offset);
	if (!strcmp(d, "guard"))
		return number(p, 1, 0, 1, &m->guard);
	if (!strcmp(d, "gate-bias")) {
		m->has_gate = 1;
		return number(p, 1, -1e9, 1e9, &m->gate_bias);
	}
	if (!strcmp(d, "gate-max-drop"))
		return number(p, 1, 0, 1, &m->gate_max_drop);
	if (!strcmp(d, "gate-min-short"))
		return number(p, 1, 0, 1, &m->gate_min_short);
	if (!strcmp(d, "gate")) {
		int id = p->nf > 1 ? gate_id(p->fields[1]) : -1;
		if (id < 0)
			return fail(p, "unknown gate figure", p->nf > 1 ? p->fields[1] : "");
		return number(p, 2, -1e9, 1e9, &m->gate_w[id]);
	}
	if (!strcmp(d, "min-lines")) {
		if ((rc = number(p, 1, 0, 1e6, &v)))
			return rc;
		if (v != floor(v))
			return fail(p, "bad number", p->fields[1]);
		m->min_lines = (unsigned)v;
		return CLEAN_OK;
	}
	if (!strcmp(d, "prior")) {
		if ((rc = number(p, 1, 1e-9, 1 - 1e-9, &m->prior)))
			return rc;
		return CLEAN_OK;
	}
	if (!strcmp(d, "stay")) {
		if ((rc = number(p, 1, 1e-9, 1 - 1e-9, &v)) || (rc = number(p, 2, 1e-9, 1 - 1e-9, &v2)))
			return rc;
		m->stay[0] = v, m->stay[1] = v2;
		return CLEAN_OK;
	}
	if (!strcmp(d, "weight")) {
		int id = p->nf > 1 ? feat_id(p->fields[1]) : -1;
		if (id < 0 || id >= FEAT_NDENSE || !p->listed[id])
			return fail(p, "feature not in the header", p->nf > 1 ? p->fields[1] : "");
		return number(p, 2, -1e9, 1e9, &m->w[id]);
	}
	if (!strcmp(d, "hash")) {
		if (m->hw)
			return fail(p, "hash table size given twice", NULL);
		if ((rc = number(p, 1, 1, MODEL_MAX_HASH_BITS, &v)))
			return rc;
		if (v != floor(v))
			return fail(p, "bad number", p->fields[1]);
		m->hash_bits = (unsigned)v;
		m->hw = calloc((size_t)1 << m->hash_bits, sizeof(*m->hw));
		return m->hw ? CLEAN_OK : CLEAN_ENOMEM;
	}
	if (!strcmp(d, "h")) {
		if (!m->hw)
			return fail(p, "'h' before 'hash'", NULL);
		if ((rc = number(p, 1, 0, (double)(((size_t)1 << m->hash_bits) - 1), &v)) ||
		    (rc = number(p, 2, -1e9, 1e9, &v2)))
			return rc;
		if (v != floor(v))
			return fail(p, "bad number", p->fields[1]);
		m->hw[(size_t)v] = (float)v2;
		return CLEAN_OK;
	}
	return fail(p, "unknown directive", d);
}

static int parse_line(struct parse *p, struct model *m, char *line)
{
	char *copy = strdup(line);
	if (!copy)
		return CLEAN_ENOMEM;
	p->nf = 0;
	for (char *s = copy, *t; *s && p->nf < 8; s = t) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		t = s + strcspn(s, " \t");
		if (*t)
			*t++ = '\0';
		p->fields[p->nf++] = s;
	}
	int rc = CLEAN_OK;
	if (!p->nf)
		rc = CLEAN_OK;
	else if (!p->header)
		rc = header(p, line);
	else
		rc = directive(p, m);
	free(copy);
	return rc;
}

int model_parse(struct model **out, const char *name, const char *text,
                size_t len, struct buf *err)
{
	*out = NULL;
	struct model *m;
	int rc = model_new(&m, 0);
	if (rc)
		return rc;
	struct parse p = { .name = name, .err = err };
	m->prior = m->stay[0] = m->stay[1] = -1;
	char line[4096];
	for (const char *s = text, *end = text + len; !rc && s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		p.lineno++;
		if (n >= sizeof(line))
			rc = fail(&p, "line too long", NULL);
		else if (n && *s != '#') {
			memcpy(line, s, n);
			line[n] = '\0';
			if (memchr(line, '\0', n) || (n && line[n - 1] == '\r'))
				rc = fail(&p, "stray NUL or CR", NULL);
			else
				rc = parse_line(&p, m, line);
		}
		s += n + 1;
	}
	p.lineno++;
	if (!rc && !p.header)
		rc = fail(&p, "not a model file (no 'clean-model VERSION' header)", NULL);
	if (!rc && (m->prior < 0 || m->stay[0] < 0))
		rc = fail(&p, "'prior' and 'stay' are required", NULL);
	if (rc) {
		model_free(m);
		return rc;
	}
	*out = m;
	return CLEAN_OK;
}

int model_default(struct model **out, struct buf *err)
{
	const struct pat_embedded *e = embedded("default.model");
	if (!e) {
		*out = NULL;
		return CLEAN_OK;
	}
	return model_parse(out, e->name, e->text, e->len, err);
}

int model_write(const struct model *m, struct buf *out)
{
	int rc = buf_addf(out, "clean-model %d", MODEL_VERSION);
	for (int i = 0; !rc && i < FEAT_NDENSE; i++)
		rc = buf_addf(out, " %s", feat_name(i));
	rc = rc ? rc : buf_addf(out, "\nprior %.9g\nstay %.9g %.9g\noffset %.9g\nguard %.9g\nmin-lines %u\nintercept %.9g\n",
	                        m->prior, m->stay[0], m->stay[1], m->offset, m->guard, m->min_lines,
	                        m->intercept);
	for (int i = 0; !rc && i < FEAT_NDENSE; i++)
		if (m->w[i] != 0)
			rc = buf_addf(out, "weight %s %.9g\n", feat_name(i), m->w[i]);
	if (!rc && m->has_gate)
		rc = buf_addf(out, "gate-bias %.9g\ngate-max-drop %.9g\ngate-min-short %.9g\n",
		              m->gate_bias, m->gate_max_drop, m->gate_min_short);
	for (int i = 0; !rc && m->has_gate && i < GATE_N; i++)
		if (m->gate_w[i] != 0)
			rc = buf_addf(out, "gate %s %.9g\n", gate_name(i), m->gate_w[i]);
	if (!rc && m->hash_bits)
		rc = buf_addf(out, "hash %u\n", m->hash_bits);
	for (size_t i = 0; !rc && m->hw && i < (size_t)1 << m->hash_bits; i++)
		if (m->hw[i] != 0)
			rc = buf_addf(out, "h %zu %.6g\n", i, (double)m->hw[i]);
	return rc;
}

/* ---- scoring ---- */

static float hash_weight(const struct model *m, uint32_t h)
{
	return h && m->hw ? m->hw[feat_bucket(h, m->hash_bits)] : 0.0f;
}

double model_score(const struct model *m, const struct feat_vec *v)
{
	double s = m->intercept + m->offset;
	for (int i = 0; i < FEAT_NDENSE; i++)
		s += m->w[i] * v->x[i];
	for (int k = 0; k < FEAT_NHASH; k++)
		s += hash_weight(m, v->h[k]);
	return s;
}

/* Lines scored side by side: each score is a chain of FEAT_NDENSE
 * dependent additions, so one line at a time waits on the adder's
 * latency; several chains overlap. */
#define MODEL_LANES 4

void model_score_all(const struct model *m, const struct feat_vec *fv, size_t n, double *s)
{
	size_t i = 0;
	for (; i + MODEL_LANES <= n; i += MODEL_LANES) {
		double a[MODEL_LANES];
		for (int l = 0; l < MODEL_LANES; l++)
			a[l] = m->intercept + m->offset;
		/* the same operations in the same order as model_score */
		for (int k = 0; k < FEAT_NDENSE; k++)
			for (int l = 0; l < MODEL_LANES; l++)
				a[l] += m->w[k] * fv[i + (size_t)l].x[k];
		for (int l = 0; l < MODEL_LANES; l++) {
			for (int k = 0; k < FEAT_NHASH; k++)
				a[l] += hash_weight(m, fv[i + (size_t)l].h[k]);
			s[i + (size_t)l] = a[l];
		}
	}
	for (; i < n; i++)
		s[i] = model_score(m, &fv[i]);
}

/* log(sigmoid(-s)) into ls[0] and log(sigmoid(s)) into ls[1], stable for
 * large |s|: log(sigmoid(x)) is -log1p(exp(-x)) for x >= 0, else
 * x - log1p(exp(x)), and for x = s and x = -s the argument of exp is
 * -|s| either way, so one exp and one log1p serve both. */
static void log_sigmoid_pair(double s, double ls[2])
{
	double l = log1p(exp(-fabs(s)));
	ls[0] = -s >= 0 ? -l : -s - l;
	ls[1] = s >= 0 ? -l : s - l;
}

int model_viterbi(const struct model *m, const double *s, const unsigned char *force,
                  size_t n, unsigned char *state)
{
	if (!n)
		return CLEAN_OK;
	unsigned char *back = malloc(2 * n);
	if (!back)
		return CLEAN_ENOMEM;
	double lp[2] = { log(1 - m->prior), log(m->prior) };
	double t[2][2] = {
		{ log(m->stay[0]), log(1 - m->stay[0]) },
		{ log(1 - m->stay[1]), log(m->stay[1]) },
	};
	double v[2];
	for (size_t i = 0; i < n; i++) {
		double e[2];
		log_sigmoid_pair(s[i], e);
		e[0] -= lp[0], e[1] -= lp[1];
		if (force && force[i])
			e[0] = -INFINITY;
		double nv[2];
		for (int b = 0; b < 2; b++) {
			if (i == 0) {
				nv[b] = lp[b] + e[b];
				back[b] = (unsigned char)b;
				continue;
			}
			double from0 = v[0] + t[0][b], from1 = v[1] + t[1][b];
			back[2 * i + b] = from1 > from0;
			nv[b] = (from1 > from0 ? from1 : from0) + e[b];
		}
		v[0] = nv[0], v[1] = nv[1];
	}
	unsigned char st = v[1] >= v[0];
	for (size_t i = n; i-- > 0;) {
		state[i] = st;
		st = back[2 * i + st];
	}
	free(back);
	return CLEAN_OK;
}

/* ---- applying to a document ---- */

int model_active(const struct model *m, const struct feat_vec *fv, size_t n)
{
	if (n < m->min_lines)
		return 0;
	return !(m->guard > 0 && n && fv[0].x[FEAT_D_PROSE] >= m->guard);
}

int model_gate(const struct model *m, const struct feat_vec *fv, const double *s,
               const unsigned char *state, size_t n)
{
	if (!m->has_gate || !n)
		return 0;
	float x[GATE_N];
	gate_features(fv, s, state, n, x);
	return x[GATE_MODEL_WORDS] <= m->gate_max_drop && x[GATE_SHORT] >= m->gate_min_short &&
	       gate_score(m->gate_w, m->gate_bias, x) > 0;
}

/* The edge trim (model_apply without evidence or gate): documents of at
 * least this many segments, and at most this share of their words
 * dropped; chosen by bench/model-cv and a train-ids-only
 * SPLIT=train bench/residue (extractor outputs are short: median 15
 * lines, whole pages without rule evidence 127). */
#define MODEL_TRIM_MIN_LINES 60
#define MODEL_TRIM_MAX_DROP 0.7

/* log1p(8) / 5: a line of 8 words or more (see FEAT_WORDS). */
#define MODEL_RESCUE_WORDS 0.4394f

/* Whether state keeps a line that the rules did not drop. */
static int kept_any(const unsigned char *state, const struct feat_vec *fv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (state[i] && fv[i].x[FEAT_DROPPED] == 0)
			return 1;
	return 0;
}

/* The lines the rules dropped go whatever the state: their score is set
 * to the prior's log-odds, which makes both states equally likely there,
 * so that an "Advertisement" line between two paragraphs does not break
 * the article's run. *saved gets a copy of the scores (n), or NULL when
 * the rules dropped nothing. */
static int neutralise(const struct model *m, double *s, const struct feat_vec *fv, size_t n,
                      double **saved)
{
	size_t k = 0;
	while (k < n && fv[k].x[FEAT_DROPPED] == 0)
		k++;
	*saved = NULL;
	if (k == n)
		return CLEAN_OK;
	if (!(*saved = malloc(n * sizeof(**saved))))
		return CLEAN_ENOMEM;
	double neutral = log(m->prior / (1 - m->prior));
	for (size_t i = 0; i < n; i++) {
		(*saved)[i] = s[i];
		if (fv[i].x[FEAT_DROPPED] > 0)
			s[i] = neutral;
	}
	return CLEAN_OK;
}

int model_states(const struct model *m, double *s, const unsigned char *force,
                 const struct feat_vec *fv, size_t n, unsigned char *state)
{
	double *saved;
	if (neutralise(m, s, fv, n, &saved))
		return CLEAN_ENOMEM;
	int rc = model_viterbi(m, s, force, n, state);
	size_t best = n;
	for (size_t i = 0; i < n; i++)
		if (fv[i].x[FEAT_WORDS] >= MODEL_RESCUE_WORDS && fv[i].x[FEAT_DROPPED] == 0 &&
		    (best == n || s[i] > s[best]))
			best = i;
	if (!rc && best < n && !kept_any(state, fv, n)) {
		/* Nothing kept from a document with prose in it: the article
		 * is there, only less sure than usual; take the region around
		 * its most likely line, and that line at least. */
		double shift = 1 - s[best];
		for (size_t i = 0; i < n; i++)
			s[i] += fv[i].x[FEAT_DROPPED] > 0 ? 0 : shift;
		rc = model_viterbi(m, s, force, n, state);
		for (size_t i = 0; i < n; i++)
			s[i] -= fv[i].x[FEAT_DROPPED] > 0 ? 0 : shift;
		if (!rc && !kept_any(state, fv, n))
			state[best] = 1;
	}
	if (saved)
		memcpy(s, saved, n * sizeof(*s));
	free(saved);
	return rc;
}

static void top_features(const struct model *m, const struct feat_vec *v, int sign,
                         struct model_top *w)
{
	for (int k = 0; k < 3; k++)
		w->id[k] = -1, w->c[k] = 0;
	for (int i = 0; i < FEAT_NDENSE + FEAT_NHASH; i++) {
		float c = i < FEAT_NDENSE ? (float)(m->w[i] * v->x[i]) : hash_weight(m, v->h[i - FEAT_NDENSE]);
		if (c * (float)sign <= 0)
			continue;
		int k = 3;
		while (k > 0 && (w->id[k - 1] < 0 || fabsf(w->c[k - 1]) < fabsf(c)))
			k--;
		if (k == 3)
			continue;
		memmove(&w->id[k + 1], &w->id[k], (size_t)(2 - k) * sizeof(w->id[0]));
		memmove(&w->c[k + 1], &w->c[k], (size_t)(2 - k) * sizeof(w->c[0]));
		w->id[k] = (int16_t)i;
		w->c[k] = c;
	}
}

static void decide(struct clean_doc *d, const unsigned char *state)
{
	for (size_t i = 0; i < d->nsegs; i++) {
		struct seg *g = &d->segs[i];
		if (state[i] && g->decision == CLEAN_DROP && g->why == WHY_CONTEXT) {
			/* The context steps' guess is the model's to overrule. */
			g->decision = g->off != g->orig_off || g->len != g->orig_len ? CLEAN_STRIP : CLEAN_KEEP;
			g->why = WHY_MODEL;
			g->rule = -1;
			g->category = -1;
			continue;
		}
		if (state[i] || g->decision == CLEAN_DROP || ((g->hits >> PAT_KEEP) & 1))
			continue;
		g->decision = CLEAN_DROP;
		g->why = WHY_MODEL;
		g->rule = -1;
		g->category = CAT_MODEL;
	}
}

/* The edge trim: only the run before the first line the sequence pass
 * keeps and the run after its last go, and nothing if they hold more
 * than MODEL_TRIM_MAX_DROP of the words the rules left. Returns whether
 * anything is left to drop. */
static int trim_edges(const struct feat_vec *fv, size_t n, unsigned char *state)
{
	size_t first = n, last = 0;
	for (size_t i = 0; i < n; i++)
		if (state[i]) {
			first = first < i ? first : i;
			last = i;
		}
	if (first == n)
		return 0;
	double all = 0, gone = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > first && i < last)
			state[i] = 1;
		if (fv[i].x[FEAT_DROPPED] > 0)
			continue;
		/* FEAT_WORDS is log1p(words) / 5: undo it for a word count */
		double w = expm1(5.0 * fv[i].x[FEAT_WORDS]);
		all += w, gone += state[i] ? 0 : w;
	}
	return gone <= MODEL_TRIM_MAX_DROP * all;
}

int model_apply(struct clean_doc *d, const struct model *m, int evidence)
{
	size_t n = d->nsegs;
	/* Without the rules' evidence and without a gate, a long document
	 * gets the edge trim (trim_edges) */
	int trim = !evidence && !m->has_gate;
	if (!n || n < m->min_lines || (trim && n < MODEL_TRIM_MIN_LINES))
		return CLEAN_OK;
	/* The features and states stay with the document (d->why) for
	 * model_explain when the model decides. */
	struct model_why *why = malloc(sizeof(*why) + n * sizeof(struct feat_vec) + n);
	struct feat_vec *fv = why ? (struct feat_vec *)(why + 1) : NULL;
	double *s = malloc(n * sizeof(*s));
	unsigned char *force = malloc(n);
	const char *lang;
	int rc = fv && s && force ? feat_doc(d, m->stop, fv, &lang) : CLEAN_ENOMEM;
	/* A document the model leaves to the rules gets no score at all, so
	 * that --explain shows only what decided. */
	int active = !rc && model_active(m, fv, n);
	unsigned char *state = fv ? (unsigned char *)(fv + n) : NULL;
	if (active && !rc)
		model_score_all(m, fv, n, s);
	for (size_t i = 0; active && !rc && i < n; i++) {
		force[i] = (d->segs[i].hits >> PAT_KEEP) & 1;
	}
	if (active && !rc)
		rc = model_states(m, s, force, fv, n, state);
	active = active && !rc && (evidence || trim || model_gate(m, fv, s, state, n));
	if (active && trim)
		active = trim_edges(fv, n, state);
	for (size_t i = 0; active && i < n; i++)
		d->segs[i].score = (float)s[i];
	if (active) {
		decide(d, state);
		why->m = m;
		why->fv = fv;
		why->state = state;
		free(d->why);
		d->why = why;
		why = NULL;
	}
	free(why);
	free(s);
	free(force);
	return rc;
}

/* "+1.25" without printf: clean_doc_line runs for every line (--stats
 * counts through it), so this is on the hot path. */
static void add_signed2(struct buf *out, float v)
{
	char t[24];
	int k = sizeof(t);
	long x = lroundf(fabsf(v) * 100);
	if (x > 99999999)
		x = 99999999;
	for (int dig = 0; dig < 3 || x; dig++, x /= 10) {
		if (dig == 2)
			t[--k] = '.';
		t[--k] = (char)('0' + x % 10);
	}
	t[--k] = v < 0 ? '-' : '+';
	buf_add(out, t + k, sizeof(t) - (size_t)k);
}

void model_explain(const struct clean_doc *d, size_t i, struct buf *out)
{
	if (!d->why || i >= d->nsegs)
		return;
	const struct model_why *y = d->why;
	struct model_top top, *w = &top;
	top_features(y->m, &y->fv[i], y->state[i] ? 1 : -1, &top);
	for (int k = 0; k < 3 && w->id[k] >= 0; k++) {
		if (k)
			buf_addch(out, ' ');
		buf_addstr(out, feat_name(w->id[k]));
		add_signed2(out, w->c[k]);
	}
}
