/* feat.c: per-segment feature vectors (contract in feat.h). */
#define _GNU_SOURCE  /* memmem */
#include "feat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "classify.h"
#include "doc.h"
#include "patterns.h"

static const char *const dense_names[FEAT_NDENSE] = {
#define FEAT(id, name) name,
#include "feat.def"
#undef FEAT
};
static const char *const hash_names[FEAT_NHASH] = { "first_word", "last_word", "short_line" };

const char *feat_name(int id)
{
	if (id >= 0 && id < FEAT_NDENSE)
		return dense_names[id];
	if (id >= FEAT_NDENSE && id < FEAT_NDENSE + FEAT_NHASH)
		return hash_names[id - FEAT_NDENSE];
	return "?";
}

int feat_id(const char *name)
{
	for (int i = 0; i < FEAT_NDENSE + FEAT_NHASH; i++)
		if (!strcmp(feat_name(i), name))
			return i;
	return -1;
}

/* ---- words ---- */

static int is_word_cp(utf8proc_int32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* The code point at s[pos], its length in *len (1 for invalid bytes). */
static utf8proc_int32_t cp_at(const char *s, size_t n, size_t pos, size_t *len)
{
	unsigned char c = (unsigned char)s[pos];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + pos,
	                                      (utf8proc_ssize_t)(n - pos), &cp);
	*len = k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

static void add_lower(struct buf *low, utf8proc_int32_t c)
{
	if (c < 0x80) {
		buf_addch(low, (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : (c >= '0' && c <= '9') ? '0' : c));
		return;
	}
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_tolower(c), tmp);
	buf_add(low, (const char *)tmp, (size_t)k);
}

size_t feat_next_word(const char *s, size_t n, size_t pos, size_t *start,
                      struct buf *low)
{
	size_t len;
	while (pos < n && !is_word_cp(cp_at(s, n, pos, &len)))
		pos += len;
	if (pos >= n)
		return 0;
	*start = pos;
	if (low)
		buf_clear(low);
	utf8proc_int32_t c;
	while (pos < n && is_word_cp(c = cp_at(s, n, pos, &len))) {
		if (low)
			add_lower(low, c);
		pos += len;
	}
	return pos;
}

static int is_upper_start(const char *s, size_t n)
{
	size_t len;
	utf8proc_int32_t c = cp_at(s, n, 0, &len);
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	int cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

static uint32_t hash32(const char *s, size_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h ? h : 1;
}

/* ---- stopwords ---- */

#define STOP_MAX_LANGS 32

struct stop_entry { uint32_t hash, langs; };

struct feat_stop {
	char langs[STOP_MAX_LANGS][8];
	int nlangs;
	struct stop_entry *tab;   /* open addressing, hash 0 = empty */
	size_t mask;
};

void feat_stop_free(struct feat_stop *s)
{
	if (!s)
		return;
	free(s->tab);
	free(s);
}

static struct stop_entry *stop_slot(const struct feat_stop *s, uint32_t h)
{
	size_t i = h & s->mask;
	while (s->tab[i].hash && s->tab[i].hash != h)
		i = (i + 1) & s->mask;
	return &s->tab[i];
}

static uint32_t stop_langs(const struct feat_stop *s, const char *w, size_t n)
{
	if (!s)
		return 0;
	const struct stop_entry *e = stop_slot(s, hash32(w, n, 0));
	return e->hash ? e->langs : 0;
}

static int stop_add_line(struct feat_stop *s, const char *p, size_t n, size_t *used,
                         struct buf *low)
{
	size_t pos = 0, st;
	while (pos < n && p[pos] != ' ' && p[pos] != '\t')
		pos++;
	if (pos == 0 || pos >= sizeof(s->langs[0]) || s->nlangs == STOP_MAX_LANGS)
		return -1;
	int li = s->nlangs++;
	memcpy(s->langs[li], p, pos);
	s->langs[li][pos] = '\0';
	while ((pos = feat_next_word(p, n, pos, &st, low)) != 0) {
		if (*used * 2 >= s->mask)
			return -1;
		uint32_t h = hash32(low->ptr, low->len, 0);
		struct stop_entry *e = stop_slot(s, h);
		if (!e->hash)
			(*used)++;
		e->hash = h;
		e->langs |= 1u << li;
	}
	return 0;
}

int feat_stop_parse(struct feat_stop **out, const char *name, const char *text,
                    size_t len, struct buf *err)
{
	*out = NULL;
	struct feat_stop *s = calloc(1, sizeof(*s));
	if (!s)
		return CLEAN_ENOMEM;
	s->mask = 8191;
	s->tab = calloc(s->mask + 1, sizeof(*s->tab));
	struct buf low;
	buf_init(&low, 0);
	size_t used = 0, lineno = 0;
	int rc = s->tab ? CLEAN_OK : CLEAN_ENOMEM;
	for (const char *p = text, *end = text + len; !rc && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (n && *p != '#' && stop_add_line(s, p, n, &used, &low)) {
			buf_clear(err);
			buf_addf(err, "%s:%zu: bad stopword line (LANG word...; at most %d languages, 4000 words)",
			           name, lineno, STOP_MAX_LANGS);
			rc = CLEAN_EMODEL;
		}
		p += n + 1;
	}
	buf_release(&low);
	if (rc) {
		feat_stop_free(s);
		return rc;
	}
	*out = s;
	return CLEAN_OK;
}

/* ---- one segment's own features ---- */

/* Per-segment scratch: the base features that neighbours reuse. */
struct base {
	float words, end, stop, prose, link, dropped;
	unsigned nwords;
	uint64_t hash;
};

static int ends_sentence(const char *s, size_t n)
{
	while (n && strchr("\"')]", s[n - 1]))
		n--;
	while (n >= 2 && (unsigned char)s[n - 2] == 0xc2 && (unsigned char)s[n - 1] == 0xbb)
		n -= 2;
	while (n >= 3 && (unsigned char)s[n - 3] == 0xe2 && (unsigned char)s[n - 2] == 0x80)
		n -= 3;  /* closing quotes; an ellipsis counts as a stop below */
	if (!n)
		return 0;
	char c = s[n - 1];
	if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
		return 1;
	return n >= 3 && (unsigned char)s[n - 3] == 0xe3 && (unsigned char)s[n - 2] == 0x80 &&
	       (unsigned char)s[n - 1] == 0x82;
}

static int is_link_token(const char *t, size_t n)
{
	if (n == 1 && strchr("|>/<-*+", *t))
		return 1;
	if (n >= 2 && (unsigned char)t[0] == 0xc2 && n == 2)
		return 1;   /* », «, ·, ©... */
	if (n == 3 && (unsigned char)t[0] == 0xe2)
		return 1;   /* •, ›, →, – alone */
	if (*t == '@' || *t == '#')
		return n > 1;
	return memmem(t, n, "://", 3) || memmem(t, n, "www.", 4) ||
	       (n > 4 && (!memcmp(t + n - 4, ".com", 4) || !memcmp(t + n - 4, ".org", 4)));
}

static int is_bullet(const char *s, size_t n)
{
	if (!n)
		return 0;
	if (strchr("*-+>\xe2\xc2", s[0]) && (s[0] & 0x80 ? n > 3 : n > 1))
		return s[0] & 0x80 ? (unsigned char)s[1] == 0x80 || (unsigned char)s[1] == 0xb7 : s[1] == ' ';
	size_t i = 0;
	while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[0] == '[')
		return 1;
	return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

struct shape { unsigned digits, syms, letters, upper, lower, commas, toks, links; };

static void byte_shape(const char *s, size_t n, struct shape *sh)
{
	size_t tok = 0;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : ' ';
		if (c == ' ') {
			if (i > tok) {
				sh->toks++;
				sh->links += (unsigned)is_link_token(s + tok, i - tok);
			}
			tok = i + 1;
			continue;
		}
		if (c >= '0' && c <= '9')
			sh->digits++;
		else if (c >= 'A' && c <= 'Z')
			sh->upper++, sh->letters++;
		else if (c >= 'a' && c <= 'z')
			sh->lower++, sh->letters++;
		else if (c < 0x80)
			sh->syms++, sh->commas += c == ',';
		else if (c == 0xc2 || c == 0xe2)
			sh->syms++;   /* Latin-1 symbols, general punctuation, arrows */
		else if (c >= 0xc0)
			sh->letters++;
	}
}

struct line_ctx {
	const struct feat_stop *stop;
	uint32_t lang_bit;
	struct buf low, joined;
};

static void word_features(struct line_ctx *lc, const char *s, size_t n, struct feat_vec *v,
                          struct base *b)
{
	size_t pos = 0, st, last_st = 0, last_end = 0;
	unsigned words = 0, caps = 0, stops = 0;
	buf_clear(&lc->joined);
	while ((pos = feat_next_word(s, n, pos, &st, &lc->low)) != 0) {
		if (!words)
			v->h[FEAT_H_FIRST] = hash32(lc->low.ptr, lc->low.len, 1);
		words++;
		caps += (unsigned)is_upper_start(s + st, n - st);
		stops += (stop_langs(lc->stop, lc->low.ptr, lc->low.len) & lc->lang_bit) != 0;
		if (words <= 4) {
			if (words > 1)
				buf_addch(&lc->joined, ' ');
			buf_add(&lc->joined, lc->low.ptr, lc->low.len);
		}
		last_st = st;
		last_end = pos;
	}
	if (words > 1) {
		buf_clear(&lc->low);
		for (size_t i = last_st; i < last_end; i++)
			buf_addch(&lc->low, (s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : (s[i] >= '0' && s[i] <= '9') ? '0' : s[i]);
		v->h[FEAT_H_LAST] = hash32(lc->low.ptr, lc->low.len, 2);
	}
	if (words && words <= 4)
		v->h[FEAT_H_LINE] = hash32(lc->joined.ptr, lc->joined.len, 3);
	b->nwords = words;
	float w = words ? (float)words : 1.0f;
	v->x[FEAT_WORDS] = log1pf((float)words) / 5.0f;
	v->x[FEAT_CAPS] = (float)caps / w;
	v->x[FEAT_STOP] = (float)stops / w;
	v->x[FEAT_SHORT] = words <= 3;
}

static void own_features(struct line_ctx *lc, const struct seg *g, const char *s,
                         struct feat_vec *v, struct base *b)
{
	size_t n = g->len;
	memset(v, 0, sizeof(*v));
	word_features(lc, s, n, v, b);
	struct shape sh = { 0 };
	byte_shape(s, n, &sh);
	float chars = (float)(sh.digits + sh.syms + sh.letters);
	if (chars < 1)
		chars = 1;
	v->x[FEAT_LEN] = log1pf((float)n) / 6.0f;
	v->x[FEAT_END] = (float)ends_sentence(s, n);
	v->x[FEAT_DIGIT] = (float)sh.digits / chars;
	v->x[FEAT_SYM] = (float)sh.syms / chars;
	v->x[FEAT_LINK] = sh.toks ? (float)sh.links / (float)sh.toks : 0;
	v->x[FEAT_PROSE] = (float)classify_is_prose(s, n);
	v->x[FEAT_COMMA] = fminf(1.0f, (float)sh.commas * 5.0f / (float)(b->nwords + 1));
	v->x[FEAT_R_DROP] = (g->hits >> PAT_DROP) & 1;
	v->x[FEAT_R_EDGE] = (g->hits >> PAT_EDGE) & 1;
	v->x[FEAT_R_TAIL] = (g->hits >> PAT_TAIL) & 1;
	v->x[FEAT_R_KEEP] = (g->hits >> PAT_KEEP) & 1;
	v->x[FEAT_R_STRIP] = (g->hits >> PAT_STRIP) & 1;
	v->x[FEAT_DROPPED] = g->decision == CLEAN_DROP && g->why != WHY_CONTEXT;
	v->x[FEAT_CTX_DROPPED] = g->decision == CLEAN_DROP && g->why == WHY_CONTEXT;
	v->x[FEAT_BULLET] = (float)is_bullet(s, n);
	v->x[FEAT_UPPER] = sh.upper >= 2 && !sh.lower;
	v->x[FEAT_BLANK] = g->blank_before;
	b->words = v->x[FEAT_WORDS];
	b->end = v->x[FEAT_END];
	b->stop = v->x[FEAT_STOP];
	b->prose = v->x[FEAT_PROSE];
	b->link = v->x[FEAT_LINK];
	b->dropped = g->decision == CLEAN_DROP;
	b->hash = ((uint64_t)hash32(s, n, 7) << 32) | hash32(s, n, 9);
}

/* ---- the document ---- */

/* The language whose stopwords are the most frequent in the first words. */
static int pick_language(const struct clean_doc *d, const struct feat_stop *stop, struct buf *low)
{
	if (!stop || !stop->nlangs)
		return -1;
	unsigned hits[STOP_MAX_LANGS] = { 0 }, seen = 0;
	for (size_t i = 0; i < d->nsegs && seen < 3000; i++) {
		const struct seg *g = &d->segs[i];
		const char *s = seg_text(d, g);
		size_t pos = 0, st;
		while ((pos = feat_next_word(s, g->len, pos, &st, low)) != 0 && seen++ < 3000) {
			uint32_t m = stop_langs(stop, low->ptr, low->len);
			for (int l = 0; m && l < stop->nlangs; l++)
				hits[l] += (m >> l) & 1;
		}
	}
	int best = -1;
	for (int l = 0; l < stop->nlangs; l++)
		if (hits[l] > 2 && (best < 0 || hits[l] > hits[best]))
			best = l;
	return best;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Lines whose text occurs more than once in the document. */
static int mark_repeats(const struct base *b, size_t n, struct feat_vec *out)
{
	uint64_t *h = malloc(n * sizeof(*h));
	if (!h)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < n; i++)
		h[i] = b[i].hash;
	qsort(h, n, sizeof(*h), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		const uint64_t *p = bsearch(&b[i].hash, h, n, sizeof(*h), cmp_u64);
		out[i].x[FEAT_REPEAT] = (p > h && p[-1] == b[i].hash) || (p + 1 < h + n && p[1] == b[i].hash);
	}
	free(h);
	return CLEAN_OK;
}

static void neighbours(const struct base *b, size_t n, size_t i, struct feat_vec *v)
{
	if (i > 0) {
		const struct base *p = &b[i - 1];
		v->x[FEAT_P_WORDS] = p->words, v->x[FEAT_P_END] = p->end;
		v->x[FEAT_P_STOP] = p->stop, v->x[FEAT_P_PROSE] = p->prose;
		v->x[FEAT_P_LINK] = p->link, v->x[FEAT_P_DROPPED] = p->dropped;
	}
	if (i + 1 < n) {
		const struct base *q = &b[i + 1];
		v->x[FEAT_N_WORDS] = q->words, v->x[FEAT_N_END] = q->end;
		v->x[FEAT_N_STOP] = q->stop, v->x[FEAT_N_PROSE] = q->prose;
		v->x[FEAT_N_LINK] = q->link, v->x[FEAT_N_DROPPED] = q->dropped;
	}
}

/* Means of some base features over [i-r, i+r] without i. */
static void window(const struct base *b, size_t n, size_t i, size_t r, float m[5])
{
	size_t lo = i > r ? i - r : 0, hi = i + r < n ? i + r : n - 1, k = 0;
	memset(m, 0, 5 * sizeof(float));
	for (size_t j = lo; j <= hi; j++) {
		if (j == i)
			continue;
		m[0] += b[j].words, m[1] += b[j].prose, m[2] += b[j].stop;
		m[3] += b[j].end, m[4] += b[j].link;
		k++;
	}
	for (int t = 0; k && t < 5; t++)
		m[t] /= (float)k;
}

/* out[i].x[to] = out[i].x[from] / its largest value in the document. */
static void relative(struct feat_vec *out, size_t n, int from, int to)
{
	float max = 0;
	for (size_t i = 0; i < n; i++)
		max = out[i].x[from] > max ? out[i].x[from] : max;
	for (size_t i = 0; i < n; i++)
		out[i].x[to] = max > 0 ? out[i].x[from] / max : 0;
}

static void context_features(const struct clean_doc *d, const struct base *b, struct feat_vec *out)
{
	size_t n = d->nsegs, total = 0, prose_words = 0;
	for (size_t i = 0; i < n; i++) {
		total += b[i].nwords;
		prose_words += b[i].prose > 0 ? b[i].nwords : 0;
	}
	float dprose = total ? (float)prose_words / (float)total : 0;
	size_t first = n, last = 0, before = 0;
	for (size_t i = 0; i < n; i++)
		if (b[i].prose > 0) {
			first = first < i ? first : i;
			last = i;
		}
	/* distance to the nearest prose line, both ways */
	size_t dist = n;
	for (size_t i = 0; i < n; i++) {
		dist = b[i].prose > 0 ? 0 : dist + 1;
		out[i].x[FEAT_DIST] = (float)dist;
	}
	dist = n;
	for (size_t i = n; i-- > 0;) {
		dist = b[i].prose > 0 ? 0 : dist + 1;
		float dd = fminf(out[i].x[FEAT_DIST], (float)dist);
		out[i].x[FEAT_DIST] = log1pf(fminf(dd, 1000)) / 3.0f;
	}
	size_t bstart = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || (i > 0 && d->segs[i].blank_before)) {
			size_t bw = 0;
			for (size_t j = bstart; j < i; j++)
				bw += b[j].nwords;
			for (size_t j = bstart; j < i; j++)
				out[j].x[FEAT_BLOCK] = log1pf((float)bw) / 6.0f;
			bstart = i;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct feat_vec *v = &out[i];
		float m[5];
		neighbours(b, n, i, v);
		window(b, n, i, 3, m);
		v->x[FEAT_W3_WORDS] = m[0], v->x[FEAT_W3_PROSE] = m[1], v->x[FEAT_W3_STOP] = m[2];
		v->x[FEAT_W3_END] = m[3], v->x[FEAT_W3_LINK] = m[4];
		window(b, n, i, 10, m);
		v->x[FEAT_W10_WORDS] = m[0], v->x[FEAT_W10_PROSE] = m[1], v->x[FEAT_W10_STOP] = m[2];
		window(b, n, i, 25, m);
		v->x[FEAT_W25_WORDS] = m[0], v->x[FEAT_W25_PROSE] = m[1];
		v->x[FEAT_POS] = n > 1 ? (float)i / (float)(n - 1) : 0;
		float cum = total ? (float)before / (float)total : 0;
		float after = total ? (float)(total - before - b[i].nwords) / (float)total : 0;
		v->x[FEAT_CUM] = cum;
		v->x[FEAT_HEAD] = cum < 0.1f;
		v->x[FEAT_TAIL] = after < 0.1f;
		v->x[FEAT_INSIDE] = i >= first && i <= last && first < n;
		v->x[FEAT_D_PROSE] = dprose;
		v->x[FEAT_D_LINES] = log1pf((float)n) / 8.0f;
		v->x[FEAT_D_SHORT] = dprose * v->x[FEAT_SHORT];
		before += b[i].nwords;
	}
	relative(out, n, FEAT_W3_WORDS, FEAT_W3_REL);
	relative(out, n, FEAT_W10_WORDS, FEAT_W10_REL);
	relative(out, n, FEAT_W25_WORDS, FEAT_W25_REL);
}

int feat_doc(const struct clean_doc *d, const struct feat_stop *stop,
             struct feat_vec *out, const char **lang)
{
	*lang = "";
	if (!d->nsegs)
		return CLEAN_OK;
	struct base *b = calloc(d->nsegs, sizeof(*b));
	if (!b)
		return CLEAN_ENOMEM;
	struct line_ctx lc = { .stop = stop };
	buf_init(&lc.low, 0);
	buf_init(&lc.joined, 0);
	int li = pick_language(d, stop, &lc.low);
	lc.lang_bit = li >= 0 ? 1u << li : 0;
	if (li >= 0)
		*lang = stop->langs[li];
	for (size_t i = 0; i < d->nsegs; i++)
		own_features(&lc, &d->segs[i], seg_text(d, &d->segs[i]), &out[i], &b[i]);
	int rc = mark_repeats(b, d->nsegs, out);
	if (!rc)
		context_features(d, b, out);
	buf_release(&lc.low);
	buf_release(&lc.joined);
	free(b);
	return rc;
}
