/* feat.c: per-segment feature vectors (contract in feat.h). */
#define _GNU_SOURCE  /* memmem */
#include "feat.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "classify.h"
#include "doc.h"
#include "patterns.h"
#include "uprop.h"

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
	switch (uprop_category(c)) {
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
	size_t i = pos;
	utf8proc_int32_t cp = uprop_next(s, n, &i);
	*len = i - pos;
	return cp;
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

/* Word hashes: FNV-1a over the lower-cased code points (digits folded to
 * '0'), finished with a mixer. The line scanner and the stopword parser
 * must hash alike. */
#define WH_BASIS 2166136261u
static inline uint32_t wh_step(uint32_t h, uint32_t c)
{
	return (h ^ c) * 16777619u;
}

static uint32_t wh_final(uint32_t h)
{
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	h *= 0x297a2d39u;
	h ^= h >> 15;
	return h ? h : 1;
}

static uint32_t fold_cp(utf8proc_int32_t c)
{
	if (c < 0x80)
		return (uint32_t)((c >= 'A' && c <= 'Z') ? c | 0x20 : (c >= '0' && c <= '9') ? '0' : c);
	return (uint32_t)utf8proc_tolower(c);
}

/* The hash of the next word at or after pos (slow path, for the stopword
 * lists); returns the offset after it, or 0 when none is left. */
static size_t next_word_hash(const char *s, size_t n, size_t pos, uint32_t *h)
{
	size_t len, st;
	if (!(pos = feat_next_word(s, n, pos, &st, NULL)))
		return 0;
	uint32_t x = WH_BASIS;
	for (size_t i = st; i < pos; i += len)
		x = wh_step(x, fold_cp(cp_at(s, n, i, &len)));
	*h = wh_final(x);
	return pos;
}

/* ---- stopwords ---- */

#define STOP_MAX_LANGS 32
#define STOP_FILTER_BITS 32768

struct stop_entry { uint32_t hash, langs; };

struct feat_stop {
	char langs[STOP_MAX_LANGS][8];
	int nlangs;
	struct stop_entry *tab;   /* open addressing, hash 0 = empty */
	size_t mask;
	/* One bit a hash value (other bits than the table's index): most
	 * words of a line are no stopword, and this 4 KB filter says so
	 * without touching the 64 KB table (stop_langs was feat_doc's
	 * hottest load). */
	uint64_t filter[STOP_FILTER_BITS / 64];
};

static inline uint32_t stop_filter_bit(uint32_t h)
{
	return (h >> 16) & (STOP_FILTER_BITS - 1);
}

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

static inline uint32_t stop_langs(const struct feat_stop *s, uint32_t h)
{
	uint32_t bit = stop_filter_bit(h);
	if (!((s->filter[bit / 64] >> (bit % 64)) & 1))
		return 0;
	const struct stop_entry *e = stop_slot(s, h);
	return e->hash ? e->langs : 0;
}

static int stop_add_line(struct feat_stop *s, const char *p, size_t n, size_t *used)
{
	size_t pos = 0;
	uint32_t h;
	while (pos < n && p[pos] != ' ' && p[pos] != '\t')
		pos++;
	if (pos == 0 || pos >= sizeof(s->langs[0]) || s->nlangs == STOP_MAX_LANGS)
		return -1;
	int li = s->nlangs++;
	memcpy(s->langs[li], p, pos);
	s->langs[li][pos] = '\0';
	while ((pos = next_word_hash(p, n, pos, &h)) != 0) {
		if (*used * 2 >= s->mask)
			return -1;
		struct stop_entry *e = stop_slot(s, h);
		if (!e->hash)
			(*used)++;
		e->hash = h;
		e->langs |= 1u << li;
		s->filter[stop_filter_bit(h) / 64] |= 1ull << (stop_filter_bit(h) % 64);
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
	size_t used = 0, lineno = 0;
	int rc = s->tab ? CLEAN_OK : CLEAN_ENOMEM;
	for (const char *p = text, *end = text + len; !rc && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (n && *p != '#' && stop_add_line(s, p, n, &used)) {
			buf_clear(err);
			buf_addf(err, "%s:%zu: bad stopword line (LANG word...; at most %d languages, 4000 words)",
			         name, lineno, STOP_MAX_LANGS);
			rc = CLEAN_EMODEL;
		}
		p += n + 1;
	}
	if (rc) {
		feat_stop_free(s);
		return rc;
	}
	*out = s;
	return CLEAN_OK;
}

/* ---- one pass over a segment ---- */

/* Character kinds; K_CAP is a capital beyond ASCII (kinds from K_UPPER
 * on are capitals). */
enum { K_SYM = 0, K_SPACE, K_LOWER, K_DIGIT, K_UNDER, K_WORD, K_UPPER, K_CAP };

static unsigned char ascii_kind[128];
static unsigned char ascii_fold[128];   /* as words are hashed */

/* log1pf of the small counts (words, bytes, lines) the features take it
 * of, worked out once: log1p_count(k) == log1pf((float)k), bit for bit. */
#define LOG1P_TABLE 4096
static float log1p_tab[LOG1P_TABLE];

static inline float log1p_count(size_t k)
{
	return k < LOG1P_TABLE ? log1p_tab[k] : log1pf((float)k);
}

static void init_kinds(void)
{
	for (size_t k = 0; k < LOG1P_TABLE; k++)
		log1p_tab[k] = log1pf((float)k);
	for (int c = 0; c < 128; c++)
		ascii_kind[c] = c == ' ' ? K_SPACE : c >= 'a' && c <= 'z' ? K_LOWER :
		                c >= 'A' && c <= 'Z' ? K_UPPER : c >= '0' && c <= '9' ? K_DIGIT :
		                c == '_' ? K_UNDER : K_SYM;
	for (int c = 0; c < 128; c++)
		ascii_fold[c] = (unsigned char)fold_cp(c);
}

static int unicode_kind(utf8proc_int32_t c)
{
	switch (uprop_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return K_CAP;
	case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: return K_WORD;
	case UTF8PROC_CATEGORY_ND: return K_DIGIT;
	case UTF8PROC_CATEGORY_ZS: return K_SPACE;
	default: return K_SYM;
	}
}

/* The tests below run on every token and line: switches, not strchr on
 * a set (a call each). A NUL byte counts as in every set, as it did for
 * strchr, which finds the terminator (normalised text holds none). */
static int is_link_char(char c)
{
	switch (c) {
	case '|': case '>': case '/': case '<': case '-': case '*': case '+': case '\0':
		return 1;
	default:
		return 0;
	}
}

static inline uint32_t load4(const char *p)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return x;
}

/* Token t[0..n) whose first ':' is at t[colon] (colon >= n: none). The
 * scanner asks only about tokens with a byte other than an ASCII letter,
 * digit or '_', the only ones that can be link-like. */
static inline int is_link_token(const char *t, size_t n, size_t colon)
{
	unsigned char c = (unsigned char)t[0];
	if (n == 1)
		return is_link_char((char)c);
	if (c == '@' || c == '#')
		return 1;
	if (n <= 3)   /* », «, ·, ©; •, ›, →, – alone; "://" */
		return (n == 2 && c == 0xc2) || (n == 3 && (c == 0xe2 || (c == ':' && t[1] == '/' && t[2] == '/')));
	if (n > 4) {
		uint32_t head = load4(t), tail = load4(t + n - 4);
		if (head == load4("www.") || tail == load4(".com") || tail == load4(".org"))
			return 1;
	}
	return colon + 2 < n && t[colon + 1] == '/' && t[colon + 2] == '/';
}

struct scanner {
	const struct feat_stop *stop;
	uint16_t *langs;   /* this line's stopword hits per language */
	unsigned long *total;   /* and the document's */
	struct feat_scan *r;
};

/* No stopword list holds a longer word: longer ones skip the lookup. */
#define STOP_MAX_CHARS 12

/* The word whose hash state is wh, wlen code points long, ends. Inlined
 * (as end_token): a call would take the address of scan_line's counters
 * and keep them in memory. */
static inline __attribute__((always_inline)) void
end_word(const struct scanner *sc, struct feat_scan *r, uint32_t wh, unsigned wlen)
{
	uint32_t h = wh_final(wh);
	r->words++;
	if (!r->first)
		r->first = h;
	r->last = h;
	if (r->words <= 4)
		r->line = wh_final(r->line * 31u + h);
	r->text = r->text * 0x9e3779b97f4a7c15ULL + h;
	uint32_t m = sc->stop && wlen <= STOP_MAX_CHARS ? stop_langs(sc->stop, h) : 0;
	for (; m; m &= m - 1) {   /* each language whose list holds the word */
		sc->langs[__builtin_ctz(m)]++;
		sc->total[__builtin_ctz(m)]++;
	}
}

/* The token s[tok..end) ends; colon is where its first ':' is, or at or
 * past end when it has none; odd: it holds a byte other than an ASCII
 * letter, digit or '_' (else it is no link). */
static inline __attribute__((always_inline)) void
end_token(struct feat_scan *r, const char *s, size_t tok, size_t end, size_t colon, int odd)
{
	r->toks++;
	if (odd)
		r->links += (unsigned)is_link_token(s + tok, end - tok, colon - tok);
}

static void scan_line(struct scanner *sc, const char *s, size_t n)
{
	/* Counters and the word's state live in locals so that they stay
	 * in registers. */
	struct feat_scan r;
	memset(&r, 0, sizeof(r));
	size_t tok = 0, colon = n, len;
	int in_tok = 0, in_word = 0, odd = 0;
	uint32_t wh = 0;
	unsigned wlen = 0;   /* code points in the current word */
	for (size_t i = 0; i < n; i += len) {
		if (in_word) {
			/* The common case in one go: more lower-case ASCII
			 * letters of a word, as the general path counts them. */
			size_t j = i;
			while (j < n && (unsigned char)(s[j] - 'a') < 26)
				wh = wh_step(wh, (unsigned char)s[j++]);
			r.lower += (unsigned)(j - i);
			wlen += (unsigned)(j - i);
			i = j;
			if (i >= n)
				break;
		}
		unsigned char c = (unsigned char)s[i];
		utf8proc_int32_t cp = c;
		int k;
		len = 1;
		if (c < 0x80) {
			k = ascii_kind[c];
		} else {
			cp = cp_at(s, n, i, &len);
			k = unicode_kind(cp);
		}
		if (k == K_SPACE) {
			if (in_word)
				end_word(sc, &r, wh, wlen), in_word = 0;
			if (in_tok)
				end_token(&r, s, tok, i, colon, odd);
			in_tok = odd = 0;
			continue;
		}
		if (!in_tok)
			tok = i, colon = n, in_tok = 1;
		odd |= c >= 0x80;
		if (k == K_SYM) {
			if (in_word)
				end_word(sc, &r, wh, wlen), in_word = 0;
			odd = 1;
			r.syms++;
			r.commas += c == ',';
			if (c == ':' && colon == n)
				colon = i;
			continue;
		}
		if (!in_word) {
			in_word = 1;
			wh = WH_BASIS;
			wlen = 0;
			r.caps += k >= K_UPPER;
		}
		r.digits += k == K_DIGIT;
		r.upper += k == K_UPPER;
		r.lower += k == K_LOWER;
		wlen++;
		if (c < 0x80)
			wh = wh_step(wh, ascii_fold[c]);
		else  /* only capitals need the case table */
			wh = wh_step(wh, k == K_CAP || k == K_DIGIT ? fold_cp(cp) : (uint32_t)cp);
	}
	if (in_word)
		end_word(sc, &r, wh, wlen);
	if (in_tok)
		end_token(&r, s, tok, n, colon, odd);
	r.text = r.text * 31 + n;
	*sc->r = r;
}

/* ---- one segment's own features ---- */

/* Per-segment scratch: the base features that neighbours reuse. */
struct base {
	float words, end, stop, prose, link, dropped;
	unsigned nwords;
	uint64_t hash;
};

/* A closing quote or bracket (or NUL: see is_link_char). */
static int is_closer(char c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == '\0';
}

static int ends_sentence(const char *s, size_t n)
{
	while (n && is_closer(s[n - 1]))
		n--;
	while (n >= 2 && (unsigned char)s[n - 2] == 0xc2 && (unsigned char)s[n - 1] == 0xbb)
		n -= 2;
	while (n >= 3 && (unsigned char)s[n - 3] == 0xe2 && (unsigned char)s[n - 2] == 0x80)
		n -= 3;  /* closing quotes */
	if (!n)
		return 0;
	char c = s[n - 1];
	if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';')
		return 1;
	return n >= 3 && (unsigned char)s[n - 3] == 0xe3 && (unsigned char)s[n - 2] == 0x80 &&
	       (unsigned char)s[n - 1] == 0x82;
}

static int is_bullet(const char *s, size_t n)
{
	if (!n)
		return 0;
	if (s[0] == '*' || s[0] == '-' || s[0] == '+' || s[0] == '>' || s[0] == '\0')
		return n > 1 && s[1] == ' ';
	if ((unsigned char)s[0] == 0xe2 || (unsigned char)s[0] == 0xc2)  /* •, ·, w3m's □ ● ◦ ■ */
		return n > 3 && ((unsigned char)s[1] == 0x80 || (unsigned char)s[1] == 0xb7 ||
		                 (unsigned char)s[1] == 0x96 || (unsigned char)s[1] == 0x97);
	if (s[0] == '[')
		return 1;
	size_t i = 0;
	while (i < n && i < 3 && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* "[alt]" or "[file-name]" alone on its line: how w3m and lynx print an
 * image. One bracket pair, not empty. */
static int is_placeholder(const char *s, size_t n)
{
	return n > 2 && s[0] == '[' && s[n - 1] == ']' && !memchr(s + 1, '[', n - 2) &&
	       !memchr(s + 1, ']', n - 2);
}

/* Prose as classify.h means it, with words counted as \w runs. */
static int prose(unsigned words, int end, size_t n)
{
	return words >= 20 || (words >= 8 && end) || (n >= 60 && words <= 3);
}

static void own_features(const struct feat_scan *r, const struct seg *g, const char *s,
                         struct feat_vec *v, struct base *b)
{
	size_t n = g->len;
	float w = r->words ? (float)r->words : 1.0f;
	float chars = (float)(r->digits + r->syms + r->upper + r->lower);
	memset(v, 0, sizeof(*v));
	v->h[FEAT_H_FIRST] = r->first ? wh_final(r->first ^ 0x51u) : 0;
	v->h[FEAT_H_LAST] = r->words > 1 ? wh_final(r->last ^ 0xa3u) : 0;
	v->h[FEAT_H_LINE] = r->words && r->words <= 4 ? r->line : 0;
	v->x[FEAT_WORDS] = log1p_count(r->words) / 5.0f;
	v->x[FEAT_CAPS] = (float)r->caps / w;
	v->x[FEAT_SHORT] = r->words <= 3;
	v->x[FEAT_LEN] = log1p_count(n) / 6.0f;
	v->x[FEAT_END] = (float)ends_sentence(s, n);
	v->x[FEAT_DIGIT] = chars >= 1 ? (float)r->digits / chars : 0;
	v->x[FEAT_SYM] = chars >= 1 ? (float)r->syms / chars : 0;
	v->x[FEAT_LINK] = r->toks ? (float)r->links / (float)r->toks : 0;
	v->x[FEAT_PROSE] = (float)prose(r->words, v->x[FEAT_END] > 0, n);
	float comma = (float)r->commas * 5.0f / (float)(r->words + 1);
	v->x[FEAT_COMMA] = comma < 1.0f ? comma : 1.0f;
	v->x[FEAT_R_DROP] = (g->hits >> PAT_DROP) & 1;
	v->x[FEAT_R_EDGE] = (g->hits >> PAT_EDGE) & 1;
	v->x[FEAT_R_TAIL] = (g->hits >> PAT_TAIL) & 1;
	v->x[FEAT_R_KEEP] = (g->hits >> PAT_KEEP) & 1;
	v->x[FEAT_R_STRIP] = (g->hits >> PAT_STRIP) & 1;
	v->x[FEAT_DROPPED] = g->decision == CLEAN_DROP && g->why != WHY_CONTEXT;
	v->x[FEAT_CTX_DROPPED] = g->decision == CLEAN_DROP && g->why == WHY_CONTEXT;
	v->x[FEAT_BULLET] = (float)is_bullet(s, n);
	v->x[FEAT_UPPER] = r->upper >= 2 && !r->lower;
	v->x[FEAT_BLANK] = g->blank_before;
	v->x[FEAT_IMG] = is_placeholder(s, n);
	b->nwords = r->words;
	b->words = v->x[FEAT_WORDS];
	b->end = v->x[FEAT_END];
	b->prose = v->x[FEAT_PROSE];
	b->link = v->x[FEAT_LINK];
	b->dropped = g->decision == CLEAN_DROP;
	b->hash = r->text;
}

/* ---- the document ---- */

/* The language whose stopwords are the most frequent in the document
 * (at least 3 hits), or -1; total holds the hits of each. */
static int pick_language(const unsigned long *total, int nlangs)
{
	int best = -1;
	for (int l = 0; l < nlangs; l++)
		if (total[l] > 2 && (best < 0 || total[l] > total[best]))
			best = l;
	return best;
}

/* Lines whose text occurs more than once in the document: an open
 * addressing table of the text hashes, counting each up to 2. */
static int mark_repeats(const struct base *b, size_t n, struct feat_vec *out)
{
	size_t cap = 16;
	int shift = 60;
	while (cap < 2 * n)
		cap <<= 1, shift--;
	uint64_t *key = malloc(cap * sizeof(*key));
	unsigned char *cnt = calloc(cap, 1);
	size_t *slot = malloc(n * sizeof(*slot));
	int rc = key && cnt && slot ? CLEAN_OK : CLEAN_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		uint64_t h = b[i].hash;
		size_t k = (size_t)((h * 0x9e3779b97f4a7c15ULL) >> shift) & (cap - 1);
		while (cnt[k] && key[k] != h)
			k = (k + 1) & (cap - 1);
		key[k] = h;
		cnt[k] += cnt[k] < 2;
		slot[i] = k;
	}
	for (size_t i = 0; !rc && i < n; i++)
		out[i].x[FEAT_REPEAT] = cnt[slot[i]] > 1;
	free(key);
	free(cnt);
	free(slot);
	return rc;
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

/* Prefix sums of the base features that windows average. */
enum { W_WORDS, W_PROSE, W_STOP, W_END, W_LINK, W_N };

static void prefix_sums(const struct base *b, size_t n, double (*ps)[W_N])
{
	memset(ps[0], 0, sizeof(ps[0]));
	for (size_t i = 0; i < n; i++) {
		ps[i + 1][W_WORDS] = ps[i][W_WORDS] + b[i].words;
		ps[i + 1][W_PROSE] = ps[i][W_PROSE] + b[i].prose;
		ps[i + 1][W_STOP] = ps[i][W_STOP] + b[i].stop;
		ps[i + 1][W_END] = ps[i][W_END] + b[i].end;
		ps[i + 1][W_LINK] = ps[i][W_LINK] + b[i].link;
	}
}

/* A window [lo, hi] of segments around one, and how many others it
 * holds. */
struct window {
	size_t lo, hi;
	double k;
};

static inline struct window window(size_t n, size_t i, size_t r)
{
	struct window w = { i > r ? i - r : 0, i + r < n ? i + r : n - 1, 0 };
	w.k = (double)(w.hi - w.lo);
	return w;
}

/* The mean of windowed feature t over w without the segment in it whose
 * value is self. */
static inline float mean(double (*ps)[W_N], struct window w, int t, float self)
{
	return w.k > 0 ? (float)((ps[w.hi + 1][t] - ps[w.lo][t] - self) / w.k) : 0;
}

/* out[i].x[FEAT_Wr_REL] = out[i].x[FEAT_Wr_WORDS] / its largest value
 * in the document, for the windows r of 3, 10 and 25. */
static void relative(struct feat_vec *out, size_t n)
{
	float m3 = 0, m10 = 0, m25 = 0;
	for (size_t i = 0; i < n; i++) {
		const float *x = out[i].x;
		m3 = x[FEAT_W3_WORDS] > m3 ? x[FEAT_W3_WORDS] : m3;
		m10 = x[FEAT_W10_WORDS] > m10 ? x[FEAT_W10_WORDS] : m10;
		m25 = x[FEAT_W25_WORDS] > m25 ? x[FEAT_W25_WORDS] : m25;
	}
	for (size_t i = 0; i < n; i++) {
		float *x = out[i].x;
		x[FEAT_W3_REL] = m3 > 0 ? x[FEAT_W3_WORDS] / m3 : 0;
		x[FEAT_W10_REL] = m10 > 0 ? x[FEAT_W10_WORDS] / m10 : 0;
		x[FEAT_W25_REL] = m25 > 0 ? x[FEAT_W25_WORDS] / m25 : 0;
	}
}

static void context_features(const struct clean_doc *d, const struct base *b,
                             double (*ps)[W_N], struct feat_vec *out)
{
	size_t n = d->nsegs, total = 0, prose_words = 0;
	for (size_t i = 0; i < n; i++) {
		total += b[i].nwords;
		prose_words += b[i].prose > 0 ? b[i].nwords : 0;
	}
	float dprose = total ? (float)prose_words / (float)total : 0;
	float dlines = log1p_count(n) / 8.0f;
	float ddropped = 0, dlink = 0;
	for (size_t i = 0; i < n; i++) {
		ddropped += b[i].dropped;
		dlink += b[i].link;
	}
	ddropped /= (float)n;
	dlink /= (float)n;
	float dwrapped = 0;
	for (size_t i = 0; i < n; i++)
		dwrapped += d->segs[i].nlines > 1;
	dwrapped /= (float)n;
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
		/* the nearer, in lines: a whole number, so the table has it */
		size_t dd = (size_t)out[i].x[FEAT_DIST] < dist ? (size_t)out[i].x[FEAT_DIST] : dist;
		out[i].x[FEAT_DIST] = log1p_count(dd < 1000 ? dd : 1000) / 3.0f;
	}
	size_t bstart = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || (i > 0 && d->segs[i].blank_before)) {
			size_t bw = 0;
			for (size_t j = bstart; j < i; j++)
				bw += b[j].nwords;
			float block = log1p_count(bw) / 6.0f;
			for (size_t j = bstart; j < i; j++)
				out[j].x[FEAT_BLOCK] = block;
			bstart = i;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct feat_vec *v = &out[i];
		const struct base *self = &b[i];
		neighbours(b, n, i, v);
		struct window w = window(n, i, 3);
		v->x[FEAT_W3_WORDS] = mean(ps, w, W_WORDS, self->words);
		v->x[FEAT_W3_PROSE] = mean(ps, w, W_PROSE, self->prose);
		v->x[FEAT_W3_STOP] = mean(ps, w, W_STOP, self->stop);
		v->x[FEAT_W3_END] = mean(ps, w, W_END, self->end);
		v->x[FEAT_W3_LINK] = mean(ps, w, W_LINK, self->link);
		w = window(n, i, 10);
		v->x[FEAT_W10_WORDS] = mean(ps, w, W_WORDS, self->words);
		v->x[FEAT_W10_PROSE] = mean(ps, w, W_PROSE, self->prose);
		v->x[FEAT_W10_STOP] = mean(ps, w, W_STOP, self->stop);
		v->x[FEAT_W10_LINK] = mean(ps, w, W_LINK, self->link);
		w = window(n, i, 25);
		v->x[FEAT_W25_WORDS] = mean(ps, w, W_WORDS, self->words);
		v->x[FEAT_W25_PROSE] = mean(ps, w, W_PROSE, self->prose);
		v->x[FEAT_POS] = n > 1 ? (float)i / (float)(n - 1) : 0;
		float cum = total ? (float)before / (float)total : 0;
		float after = total ? (float)(total - before - b[i].nwords) / (float)total : 0;
		v->x[FEAT_CUM] = cum;
		v->x[FEAT_HEAD] = cum < 0.1f;
		v->x[FEAT_TAIL] = after < 0.1f;
		v->x[FEAT_INSIDE] = i >= first && i <= last && first < n;
		v->x[FEAT_D_PROSE] = dprose;
		v->x[FEAT_D_LINES] = dlines;
		v->x[FEAT_D_SHORT] = dprose * v->x[FEAT_SHORT];
		v->x[FEAT_D_DROPPED] = ddropped;
		v->x[FEAT_D_LINK] = dlink;
		v->x[FEAT_D_WRAPPED] = dwrapped;
		before += b[i].nwords;
	}
	relative(out, n);
}

static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

void feat_scan_line(const char *s, size_t n, const struct feat_stop *stop, uint16_t *langs,
                    struct feat_scan *out)
{
	pthread_once(&kinds_once, init_kinds);
	unsigned long total[STOP_MAX_LANGS] = { 0 };
	struct scanner sc = { .stop = stop, .langs = langs, .total = total, .r = out };
	scan_line(&sc, s, n);
}

/* As scan_line hashes a word: capitals other than ASCII ones (and digits)
 * through the case table, other letters as they are. */
uint32_t feat_word_hash(const char *w, size_t n)
{
	uint32_t h = WH_BASIS;
	for (size_t i = 0, len; i < n; i += len) {
		utf8proc_int32_t cp = cp_at(w, n, i, &len);
		int k = cp < 0x80 ? K_SYM : unicode_kind(cp);
		h = wh_step(h, cp < 0x80 || k == K_CAP || k == K_DIGIT ? fold_cp(cp) : (uint32_t)cp);
	}
	return wh_final(h);
}

/* Scan every segment: own features, stopword hits per language. */
static void scan_doc(const struct clean_doc *d, const struct feat_stop *stop, uint16_t *hits,
                     int nl, unsigned long *total, struct feat_vec *out, struct base *b)
{
	struct feat_scan r;
	struct scanner sc = { .stop = stop, .total = total, .r = &r };
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct seg *g = &d->segs[i];
		sc.langs = hits + i * (size_t)nl;
		scan_line(&sc, seg_text(d, g), g->len);
		own_features(&r, g, seg_text(d, g), &out[i], &b[i]);
	}
}

int feat_doc(const struct clean_doc *d, const struct feat_stop *stop,
             struct feat_vec *out, const char **lang)
{
	pthread_once(&kinds_once, init_kinds);
	*lang = "";
	size_t n = d->nsegs;
	if (!n)
		return CLEAN_OK;
	int nl = stop && stop->nlangs ? stop->nlangs : 1;
	struct base *b = calloc(n, sizeof(*b));
	uint16_t *hits = calloc(n * (size_t)nl, sizeof(*hits));
	double (*ps)[W_N] = malloc((n + 1) * sizeof(*ps));
	int rc = b && hits && ps ? CLEAN_OK : CLEAN_ENOMEM;
	if (!rc) {
		unsigned long total[STOP_MAX_LANGS] = { 0 };
		scan_doc(d, stop, hits, nl, total, out, b);
		int li = stop ? pick_language(total, stop->nlangs) : -1;
		if (li >= 0)
			*lang = stop->langs[li];
		for (size_t i = 0; li >= 0 && i < n; i++) {
			float w = b[i].nwords ? (float)b[i].nwords : 1.0f;
			out[i].x[FEAT_STOP] = b[i].stop = (float)hits[i * (size_t)nl + (size_t)li] / w;
		}
		rc = mark_repeats(b, n, out);
	}
	if (!rc) {
		prefix_sums(b, n, ps);
		context_features(d, b, ps, out);
	}
	free(b);
	free(hits);
	free(ps);
	return rc;
}
