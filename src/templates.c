/*
 * templates.c: line templates, their per-source document counts, the
 * counts file and the rules learnt from it (contracts in templates.h).
 */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "clean.h"
#include "decode.h"
#include "doc.h"
#include "html.h"
#include "segment.h"
#include "templates.h"

#define TPL_MIN_LETTERS 2
/* A rule's comment lists sources until it is this long (a pattern file
 * line may hold 4096 bytes). */
#define TPL_COMMENT_MAX 1024

struct tpl_ent {
	char *tpl;          /* NULL: free slot */
	uint64_t hash, docs, last;
	uint32_t src, len;
};

struct tpl_src {
	char *name;
	uint64_t docs;
};

struct tpl_table {
	struct tpl_ent *ents;
	size_t cap, n;              /* cap: a power of two */
	struct tpl_src *srcs;
	size_t nsrc, srccap;
	uint32_t *srcslot;          /* source index + 1, 0 free */
	size_t slotcap;             /* a power of two */
	size_t max;
	unsigned max_words;
	uint64_t docs, serial;
	struct buf scratch;
};

/* ---- templates ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ascii_punct(unsigned char c)
{
	return c < 0x80 && c > ' ' && c != 0x7f && !(c >= '0' && c <= '9') &&
	       !((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int tpl_is_url(const char *w, size_t n)
{
	if (memmem(w, n, "://", 3))
		return 1;
	size_t i = 0;
	while (i < n && strchr("([<\"'", w[i]))
		i++;
	return n - i > 4 && !strncasecmp(w + i, "www.", 4);
}

static int tpl_is_email(const char *w, size_t n)
{
	const char *at = memchr(w, '@', n);
	if (!at || at == w)
		return 0;
	size_t rest = n - (size_t)(at + 1 - w);
	const char *dot = memchr(at + 1, '.', rest);
	return dot && dot > at + 1 && (size_t)(dot - w) + 1 < n;
}

/* Length of a run of 1-4 digits at s[0..n), or 0. */
static size_t digit_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	return i >= 1 && i <= 4 ? i : 0;
}

static int tpl_is_date(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 3; part++) {
		size_t k = digit_run(s + i, n - i);
		if (!k)
			return 0;
		i += k;
		if (part < 2) {
			if (i >= n || !strchr("-/.", s[i]))
				return 0;
			i++;
		}
	}
	return i == n;
}

static int add_folded(struct buf *out, const char *w, size_t n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < n;) {
		unsigned char c = (unsigned char)w[i];
		if (is_digit(w[i])) {
			while (i < n && is_digit(w[i]))
				i++;
			rc = buf_add(out, "\\d", 2);
		} else if (c == '\\') {
			rc = buf_add(out, "\\\\", 2);
			i++;
		} else if (c < 0x80) {
			rc = buf_addch(out, c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
			                                      (utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0) { /* not valid UTF-8: keep the byte */
				rc = buf_addch(out, c);
				i++;
				continue;
			}
			/* lower case only where it maps back (not U+0130 to 'i',
			 * which PCRE2's caseless matching would not match) */
			utf8proc_int32_t lower = utf8proc_tolower(cp);
			if (utf8proc_toupper(lower) != cp)
				lower = cp;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t e = utf8proc_encode_char(lower, enc);
			rc = buf_add(out, enc, (size_t)e);
			i += (size_t)k;
		}
	}
	return rc;
}

static int add_word(struct buf *out, const char *w, size_t n)
{
	if (tpl_is_url(w, n))
		return buf_add(out, "\\u", 2);
	if (tpl_is_email(w, n))
		return buf_add(out, "\\e", 2);
	size_t a = 0, z = n;
	while (a < z && is_ascii_punct((unsigned char)w[a]))
		a++;
	while (z > a && is_ascii_punct((unsigned char)w[z - 1]))
		z--;
	if (z > a && tpl_is_date(w + a, z - a)) {
		int rc = add_folded(out, w, a);
		if (!rc)
			rc = buf_add(out, "\\t", 2);
		return rc ? rc : add_folded(out, w + z, n - z);
	}
	return add_folded(out, w, n);
}

int tpl_normalise(const char *s, size_t n, struct buf *out)
{
	size_t start = out->len, i = 0;
	int rc = 0;
	while (!rc && i < n) {
		while (i < n && is_space(s[i]))
			i++;
		size_t w = i;
		while (i < n && !is_space(s[i]))
			i++;
		if (i == w)
			break;
		if (out->len > start)
			rc = buf_addch(out, ' ');
		if (!rc)
			rc = add_word(out, s + w, i - w);
	}
	if (rc)
		buf_truncate(out, start);
	return rc;
}

static const char *tpl_class_regex(char c)
{
	switch (c) {
	case 'd': return "[0-9]+";
	case 't': return "[0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{1,4}";
	case 'u': case 'e': return "[^ ]+";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

int tpl_regex(const char *t, size_t n, struct buf *out)
{
	size_t start = out->len;
	int rc = buf_addch(out, '^');
	for (size_t i = 0; !rc && i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		const char *cls = c == '\\' && i + 1 < n ? tpl_class_regex(t[i + 1]) : NULL;
		if (cls) {
			rc = buf_addstr(out, cls);
			i++;
		} else if (is_ascii_punct(c)) {
			rc = buf_addch(out, '\\');
			if (!rc)
				rc = buf_addch(out, c);
		} else {
			rc = buf_addch(out, c);
		}
	}
	if (!rc)
		rc = buf_addch(out, '$');
	if (rc)
		buf_truncate(out, start);
	return rc;
}

unsigned tpl_words(const char *t, size_t n)
{
	unsigned w = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i] != ' ' && (i == 0 || t[i - 1] == ' '))
			w++;
	return w;
}

static size_t tpl_letters(const char *t, size_t n)
{
	size_t letters = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		if (c == '\\') {
			i += 2;
		} else if (c < 0x80) {
			letters += (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
			i++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
			                                      (utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0) {
				i++;
				continue;
			}
			utf8proc_category_t cat = utf8proc_category(cp);
			letters += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
			i += (size_t)k;
		}
	}
	return letters;
}

int tpl_eligible(const char *t, size_t n, unsigned max_words)
{
	if (n == 0 || n > TPL_MAX_BYTES)
		return 0;
	unsigned w = tpl_words(t, n);
	return w >= 1 && w <= max_words && tpl_letters(t, n) >= TPL_MIN_LETTERS;
}

/* ---- the table ---- */

static uint64_t tpl_hash(uint32_t src, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ src;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

int tpl_table_new(struct tpl_table **out, size_t max, unsigned max_words)
{
	struct tpl_table *t = calloc(1, sizeof(*t));
	*out = NULL;
	if (!t)
		return CLEAN_ENOMEM;
	t->max = max ? max : TPL_DEFAULT_MAX_ENTRIES;
	t->max_words = max_words ? max_words : 20;
	buf_init(&t->scratch, 0);
	*out = t;
	return CLEAN_OK;
}

void tpl_table_free(struct tpl_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		free(t->ents[i].tpl);
	for (size_t i = 0; i < t->nsrc; i++)
		free(t->srcs[i].name);
	free(t->ents);
	free(t->srcs);
	free(t->srcslot);
	buf_release(&t->scratch);
	free(t);
}

static int ent_grow(struct tpl_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct tpl_ent *e = calloc(cap, sizeof(*e));
	if (!e)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->ents[i].tpl)
			continue;
		size_t j = t->ents[i].hash & (cap - 1);
		while (e[j].tpl)
			j = (j + 1) & (cap - 1);
		e[j] = t->ents[i];
	}
	free(t->ents);
	t->ents = e;
	t->cap = cap;
	return CLEAN_OK;
}

/* The entry of (src, s[0..n)), added with zero counts when new. */
static int ent_get(struct tpl_table *t, uint32_t src, const char *s, size_t n,
                   struct tpl_ent **out)
{
	uint64_t h = tpl_hash(src, s, n);
	for (size_t j = t->cap ? h & (t->cap - 1) : 0; t->cap; j = (j + 1) & (t->cap - 1)) {
		struct tpl_ent *e = &t->ents[j];
		if (!e->tpl)
			break;
		if (e->hash == h && e->src == src && e->len == n && !memcmp(e->tpl, s, n)) {
			*out = e;
			return CLEAN_OK;
		}
	}
	if (t->n + t->nsrc >= t->max || n > UINT32_MAX)
		return CLEAN_ETOOBIG;
	if ((t->n + 1) * 4 > t->cap * 3 && ent_grow(t))
		return CLEAN_ENOMEM;
	char *copy = mem_dup(s, n);
	if (!copy)
		return CLEAN_ENOMEM;
	size_t j = h & (t->cap - 1);
	while (t->ents[j].tpl)
		j = (j + 1) & (t->cap - 1);
	t->ents[j] = (struct tpl_ent){ .tpl = copy, .hash = h, .src = src, .len = (uint32_t)n };
	t->n++;
	*out = &t->ents[j];
	return CLEAN_OK;
}

static int slot_grow(struct tpl_table *t)
{
	size_t cap = t->slotcap ? t->slotcap * 2 : 64;
	uint32_t *s = calloc(cap, sizeof(*s));
	if (!s)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < t->nsrc; i++) {
		const char *name = t->srcs[i].name;
		size_t j = tpl_hash(0, name, strlen(name)) & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->srcslot);
	t->srcslot = s;
	t->slotcap = cap;
	return CLEAN_OK;
}

/* Source names: control bytes become '?', and a name is cut to
 * TPL_MAX_SOURCE bytes at a character boundary. */
static char *src_name_dup(const char *name)
{
	size_t n = strlen(name);
	if (n > TPL_MAX_SOURCE) {
		n = TPL_MAX_SOURCE;
		while (n && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	char *s = strndup(name, n);
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return s;
}

/* The index of a source (its name cleaned as src_name_dup does). */
static int src_get(struct tpl_table *t, const char *raw, uint32_t *out)
{
	char *name = src_name_dup(raw);
	if (!name)
		return CLEAN_ENOMEM;
	uint64_t h = tpl_hash(0, name, strlen(name));
	for (size_t j = t->slotcap ? h & (t->slotcap - 1) : 0; t->slotcap;
	     j = (j + 1) & (t->slotcap - 1)) {
		uint32_t k = t->srcslot[j];
		if (!k)
			break;
		if (!strcmp(t->srcs[k - 1].name, name)) {
			free(name);
			*out = k - 1;
			return CLEAN_OK;
		}
	}
	int rc = CLEAN_OK;
	if (t->n + t->nsrc >= t->max || t->nsrc >= UINT32_MAX - 1)
		rc = CLEAN_ETOOBIG;
	else if ((t->nsrc + 1) * 2 > t->slotcap && slot_grow(t))
		rc = CLEAN_ENOMEM;
	else if (t->nsrc == t->srccap) {
		struct tpl_src *s = array_grow(t->srcs, &t->srccap, sizeof(*s), 16);
		if (!s)
			rc = CLEAN_ENOMEM;
		else
			t->srcs = s;
	}
	if (rc) {
		free(name);
		return rc;
	}
	size_t j = h & (t->slotcap - 1);
	while (t->srcslot[j])
		j = (j + 1) & (t->slotcap - 1);
	t->srcslot[j] = (uint32_t)t->nsrc + 1;
	t->srcs[t->nsrc] = (struct tpl_src){ .name = name };
	*out = (uint32_t)t->nsrc++;
	return CLEAN_OK;
}

/* A new document of a source. */
static int doc_begin(struct tpl_table *t, const char *source, uint32_t *src)
{
	int rc = src_get(t, source, src);
	if (!rc) {
		t->srcs[*src].docs++;
		t->docs++;
		t->serial++;
	}
	return rc;
}

static int line_add(struct tpl_table *t, uint32_t src, const char *s, size_t n)
{
	buf_clear(&t->scratch);
	int rc = tpl_normalise(s, n, &t->scratch);
	if (rc || !tpl_eligible(t->scratch.ptr, t->scratch.len, t->max_words))
		return rc;
	struct tpl_ent *e;
	rc = ent_get(t, src, t->scratch.ptr, t->scratch.len, &e);
	if (!rc && e->last != t->serial) {
		e->last = t->serial;
		e->docs++;
	}
	return rc;
}

int tpl_add_lines(struct tpl_table *t, const char *source,
                  const char *const *lines, const size_t *lens, size_t n)
{
	uint32_t src;
	int rc = doc_begin(t, source, &src);
	for (size_t i = 0; !rc && i < n; i++)
		rc = line_add(t, src, lines[i], lens[i]);
	return rc;
}

/* The segments of a document, as clean_text or clean_html makes them. */
static int tpl_segment(struct clean_doc *d, const struct clean_ctx *ctx,
                       const char *bytes, size_t len, int html, const char *url)
{
	if (len > ctx->opts.max_doc)
		return CLEAN_ETOOBIG;
	if (html)
		return html_extract(d, bytes, len, url);
	struct buf text;
	buf_init(&text, 0);
	int rc = decode_to_utf8(bytes, len, &text, &d->replaced);
	if (!rc) {
		decode_fix_mojibake(&text);
		rc = segment_text(d, text.ptr, text.len, ctx->opts.flags, ctx->opts.max_line);
	}
	buf_release(&text);
	return rc;
}

int tpl_add_doc(struct tpl_table *t, const struct clean_ctx *ctx,
                const char *source, const char *bytes, size_t len, int html,
                const char *url)
{
	struct clean_doc *d;
	int rc = doc_new(&d, ctx);
	if (rc)
		return rc;
	rc = tpl_segment(d, ctx, bytes, len, html, url);
	uint32_t src;
	if (!rc)
		rc = doc_begin(t, source, &src);
	for (size_t i = 0; !rc && i < d->nsegs; i++)
		rc = line_add(t, src, seg_text(d, &d->segs[i]), d->segs[i].len);
	clean_doc_free(d);
	return rc;
}

int tpl_url_host(const char *url, struct buf *out)
{
	buf_clear(out);
	const char *p = strstr(url, "://");
	if (!p)
		return CLEAN_EINVAL;
	p += 3;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	size_t h = 0;
	if (n && p[0] == '[') { /* IPv6 literal */
		const char *close = memchr(p, ']', n);
		h = close ? (size_t)(close - p) + 1 : n;
	} else {
		while (h < n && p[h] != ':')
			h++;
	}
	if (!h)
		return CLEAN_EINVAL;
	for (size_t i = 0; i < h; i++) {
		char c = p[i];
		int rc = buf_addch(out, c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (rc)
			return rc;
	}
	return CLEAN_OK;
}

void tpl_table_stats(const struct tpl_table *t, size_t *sources,
                     uint64_t *docs, size_t *templates)
{
	*sources = t->nsrc;
	*docs = t->docs;
	*templates = t->n;
}

/* ---- counts file ---- */

struct tpl_sorted {
	const struct tpl_ent **ents;
	uint32_t *rank;             /* source index -> rank by name */
	uint32_t *byrank;           /* rank -> source index */
};

static const struct tpl_table *sort_table;

static int by_src_name(const void *a, const void *b)
{
	return strcmp(sort_table->srcs[*(const uint32_t *)a].name,
	              sort_table->srcs[*(const uint32_t *)b].name);
}

static int tpl_cmp(const struct tpl_ent *x, const struct tpl_ent *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->tpl, y->tpl, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static const uint32_t *sort_rank;

static int by_src_tpl(const void *a, const void *b)
{
	const struct tpl_ent *x = *(const struct tpl_ent *const *)a;
	const struct tpl_ent *y = *(const struct tpl_ent *const *)b;
	if (x->src != y->src)
		return sort_rank[x->src] < sort_rank[y->src] ? -1 : 1;
	return tpl_cmp(x, y);
}

static int by_tpl_src(const void *a, const void *b)
{
	const struct tpl_ent *x = *(const struct tpl_ent *const *)a;
	const struct tpl_ent *y = *(const struct tpl_ent *const *)b;
	int c = tpl_cmp(x, y);
	if (c || x->src == y->src)
		return c;
	return sort_rank[x->src] < sort_rank[y->src] ? -1 : 1;
}

static void sorted_free(struct tpl_sorted *s)
{
	free(s->ents);
	free(s->rank);
	free(s->byrank);
}

/* Sources ranked by name and the entries in the order cmp gives. Not
 * thread-safe (qsort has no argument pointer in C11). */
static int sorted_make(const struct tpl_table *t, int (*cmp)(const void *, const void *),
                       struct tpl_sorted *s)
{
	s->ents = malloc((t->n ? t->n : 1) * sizeof(*s->ents));
	s->rank = malloc((t->nsrc ? t->nsrc : 1) * sizeof(*s->rank));
	s->byrank = malloc((t->nsrc ? t->nsrc : 1) * sizeof(*s->byrank));
	if (!s->ents || !s->rank || !s->byrank) {
		sorted_free(s);
		return CLEAN_ENOMEM;
	}
	for (size_t i = 0; i < t->nsrc; i++)
		s->byrank[i] = (uint32_t)i;
	sort_table = t;
	qsort(s->byrank, t->nsrc, sizeof(*s->byrank), by_src_name);
	for (size_t i = 0; i < t->nsrc; i++)
		s->rank[s->byrank[i]] = (uint32_t)i;
	size_t k = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->ents[i].tpl)
			s->ents[k++] = &t->ents[i];
	sort_rank = s->rank;
	qsort(s->ents, k, sizeof(*s->ents), cmp);
	return CLEAN_OK;
}

/* The header and the source lines of a counts file. */
static int counts_head_sorted(const struct tpl_table *t, const struct tpl_sorted *s,
                              struct buf *out)
{
	int rc = buf_addstr(out, "clean-counts\t1\n");
	for (size_t i = 0; !rc && i < t->nsrc; i++) {
		const struct tpl_src *src = &t->srcs[s->byrank[i]];
		rc = buf_addf(out, "source\t%llu\t%s\n", (unsigned long long)src->docs, src->name);
	}
	return rc;
}

static int counts_head(const struct tpl_table *t, struct buf *out)
{
	struct tpl_sorted s;
	int rc = sorted_make(t, by_src_tpl, &s);
	if (rc)
		return rc;
	rc = counts_head_sorted(t, &s, out);
	sorted_free(&s);
	return rc;
}

int tpl_write_counts(const struct tpl_table *t, struct buf *out)
{
	struct tpl_sorted s;
	int rc = sorted_make(t, by_src_tpl, &s);
	if (rc)
		return rc;
	rc = counts_head_sorted(t, &s, out);
	for (size_t i = 0; !rc && i < t->n; i++) {
		const struct tpl_ent *e = s.ents[i];
		rc = buf_addf(out, "tpl\t%llu\t%s\t%s\n", (unsigned long long)e->docs,
		              t->srcs[e->src].name, e->tpl);
	}
	sorted_free(&s);
	return rc;
}

/* One line of a counts file, split at tabs into at most 4 fields (the
 * last one takes the rest). */
struct tpl_line {
	const char *f[4];
	size_t len[4];
	int nf;
};

static void split_fields(const char *s, size_t n, struct tpl_line *l)
{
	l->nf = 0;
	size_t i = 0;
	while (l->nf < 4) {
		const char *tab = l->nf < 3 ? memchr(s + i, '\t', n - i) : NULL;
		size_t end = tab ? (size_t)(tab - s) : n;
		l->f[l->nf] = s + i;
		l->len[l->nf++] = end - i;
		if (!tab)
			break;
		i = end + 1;
	}
}

static int valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp == 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

static int parse_count(const char *s, size_t n, uint64_t *v)
{
	if (!n || n > 20)
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]) || *v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

/* Check one line (lineno > 1); *what says why it is bad. add: also count
 * it into t. */
static int counts_line(struct tpl_table *t, const char *s, size_t n, int add,
                       const char **what)
{
	struct tpl_line l;
	uint64_t v;
	split_fields(s, n, &l);
	int is_src = l.nf == 3 && l.len[0] == 6 && !memcmp(l.f[0], "source", 6);
	int is_tpl = l.nf == 4 && l.len[0] == 3 && !memcmp(l.f[0], "tpl", 3);
	*what = "not a source or tpl line";
	if (!is_src && !is_tpl)
		return CLEAN_EFORMAT;
	*what = "bad count";
	if (parse_count(l.f[1], l.len[1], &v))
		return CLEAN_EFORMAT;
	*what = "empty name or template";
	if (!l.len[2] || (is_tpl && !l.len[3]) || memchr(l.f[2], '\0', l.len[2]))
		return CLEAN_EFORMAT;
	*what = "not valid UTF-8";
	if (!valid_utf8(s, n))
		return CLEAN_EFORMAT;
	if (!add)
		return CLEAN_OK;
	char name[4096];
	*what = "source name too long";
	if (l.len[2] >= sizeof(name))
		return CLEAN_EFORMAT;
	memcpy(name, l.f[2], l.len[2]);
	name[l.len[2]] = '\0';
	uint32_t src;
	struct tpl_ent *e;
	int rc = src_get(t, name, &src);
	if (!rc && is_src) {
		t->srcs[src].docs += v;
		t->docs += v;
	} else if (!rc && !(rc = ent_get(t, src, l.f[3], l.len[3], &e))) {
		e->docs += v;
	}
	*what = clean_strerror(rc);
	return rc;
}

/* One pass over a counts file: check it (add 0) or count it (add 1). */
static int counts_pass(struct tpl_table *t, const char *name, const char *text,
                       size_t len, int add, struct buf *err)
{
	size_t lineno = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *s = text + i;
		size_t n = end - i;
		const char *what = NULL;
		int rc = CLEAN_OK;
		lineno++;
		i = end + 1;
		if (n && s[n - 1] == '\r')
			n--;
		if (lineno == 1) {
			if (n != 14 || memcmp(s, "clean-counts\t1", 14)) {
				rc = CLEAN_EFORMAT;
				what = "not a counts file (no 'clean-counts<TAB>1' header)";
			}
		} else if (n && s[0] != '#') {
			rc = counts_line(t, s, n, add, &what);
		}
		if (rc) {
			buf_clear(err);
			buf_addf(err, "%s:%zu: %s", name, lineno, what);
			return rc == CLEAN_ENOMEM || rc == CLEAN_ETOOBIG ? rc : CLEAN_EFORMAT;
		}
	}
	if (!lineno) {
		buf_clear(err);
		buf_addf(err, "%s: empty counts file", name);
		return CLEAN_EFORMAT;
	}
	return CLEAN_OK;
}

int tpl_read_counts(struct tpl_table *t, const char *name, const char *text,
                    size_t len, struct buf *err)
{
	int rc = counts_pass(t, name, text, len, 0, err);
	return rc ? rc : counts_pass(t, name, text, len, 1, err);
}

/* ---- rules ---- */

static int is_rule(const struct tpl_table *t, const struct tpl_ent *e,
                   const struct tpl_rule_opts *o)
{
	uint64_t total = t->srcs[e->src].docs;
	return e->docs >= o->min_docs && (double)e->docs >= o->min_share * (double)total &&
	       tpl_eligible(e->tpl, e->len, o->max_words);
}

/* The rule of entries ents[0..n) (one template): comment, then rule. */
static int emit_rule(const struct tpl_table *t, const struct tpl_ent *const *ents,
                     size_t n, struct buf *out)
{
	size_t start = out->len, i;
	int rc = buf_addch(out, '#');
	for (i = 0; !rc && i < n && out->len - start < TPL_COMMENT_MAX; i++)
		rc = buf_addf(out, "%s %s %llu/%llu", i ? "," : "", t->srcs[ents[i]->src].name,
		              (unsigned long long)ents[i]->docs,
		              (unsigned long long)t->srcs[ents[i]->src].docs);
	if (!rc && i < n)
		rc = buf_addf(out, " and %zu more sources", n - i);
	if (!rc)
		rc = buf_addstr(out, "\nlearned drop ");
	if (!rc)
		rc = tpl_regex(ents[0]->tpl, ents[0]->len, out);
	return rc ? rc : buf_addch(out, '\n');
}

int tpl_write_rules(const struct tpl_table *t, const struct tpl_rule_opts *o,
                    struct buf *out, size_t *nrules)
{
	struct tpl_sorted s;
	size_t rules = 0;
	int rc = sorted_make(t, by_tpl_src, &s);
	if (rc)
		return rc;
	/* keep the qualifying entries, in order */
	size_t k = 0;
	for (size_t i = 0; i < t->n; i++)
		if (is_rule(t, s.ents[i], o))
			s.ents[k++] = s.ents[i];
	for (size_t i = 0; !rc && i < k;) {
		size_t j = i + 1;
		while (j < k && !tpl_cmp(s.ents[i], s.ents[j]))
			j++;
		rc = emit_rule(t, s.ents + i, j - i, out);
		rules++;
		i = j;
	}
	sorted_free(&s);
	if (nrules)
		*nrules = rules;
	return rc;
}

/* ---- streaming merge ---- */

#define TPL_MAX_LINE 8192

/* One input of a merge: its current tpl record, or eof. */
struct tpl_in {
	FILE *f;
	const char *name;
	size_t lineno;
	struct buf line, prev;      /* current record; the one before (order check) */
	struct tpl_line l;
	uint64_t count;
	int is_src, eof;
};

static int in_fail(struct tpl_in *in, struct buf *err, const char *what)
{
	buf_clear(err);
	buf_addf(err, "%s:%zu: %s", in->name, in->lineno, what);
	return CLEAN_EFORMAT;
}

/* Read the next record of in (comments and blank lines skipped). */
static int in_next(struct tpl_in *in, struct buf *err)
{
	for (;;) {
		int c;
		buf_clear(&in->line);
		while ((c = getc(in->f)) != EOF && c != '\n')
			if (buf_addch(&in->line, c))
				return in_fail(in, err, "line too long");
		if (ferror(in->f)) {
			buf_clear(err);
			buf_addf(err, "%s: %s", in->name, strerror(errno));
			return CLEAN_EIO;
		}
		if (c == EOF && !in->line.len) {
			in->eof = 1;
			return in->lineno ? CLEAN_OK : in_fail(in, err, "empty counts file");
		}
		in->lineno++;
		if (in->line.len && in->line.ptr[in->line.len - 1] == '\r')
			buf_truncate(&in->line, in->line.len - 1);
		const char *s = in->line.ptr, *what;
		size_t n = in->line.len;
		if (in->lineno == 1) {
			if (n != 14 || memcmp(s, "clean-counts\t1", 14))
				return in_fail(in, err, "not a counts file (no 'clean-counts<TAB>1' header)");
			continue;
		}
		if (!n || s[0] == '#')
			continue;
		if (counts_line(NULL, s, n, 0, &what))
			return in_fail(in, err, what);
		split_fields(s, n, &in->l);
		parse_count(in->l.f[1], in->l.len[1], &in->count);
		in->is_src = in->l.nf == 3;
		return CLEAN_OK;
	}
}

static int field_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* Order of two tpl records: source, then template. */
static int rec_cmp(const struct tpl_line *a, const struct tpl_line *b)
{
	int c = field_cmp(a->f[2], a->len[2], b->f[2], b->len[2]);
	return c ? c : field_cmp(a->f[3], a->len[3], b->f[3], b->len[3]);
}

/* The index of a source already in t, or -1. */
static long src_find(const struct tpl_table *t, const char *name, size_t n)
{
	uint64_t h = tpl_hash(0, name, n);
	for (size_t j = t->slotcap ? h & (t->slotcap - 1) : 0; t->slotcap;
	     j = (j + 1) & (t->slotcap - 1)) {
		uint32_t k = t->srcslot[j];
		if (!k)
			break;
		const char *s = t->srcs[k - 1].name;
		if (strlen(s) == n && !memcmp(s, name, n))
			return (long)k - 1;
	}
	return -1;
}

/* Phase 1: the header and source lines of every input, summed into t. */
static int merge_sources(struct tpl_table *t, struct tpl_in *in, size_t n, struct buf *err)
{
	int rc = CLEAN_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		while (!(rc = in_next(&in[i], err)) && !in[i].eof && in[i].is_src) {
			char name[TPL_MAX_SOURCE + 1];
			uint32_t src;
			if (in[i].l.len[2] > TPL_MAX_SOURCE)
				return in_fail(&in[i], err, "source name too long");
			memcpy(name, in[i].l.f[2], in[i].l.len[2]);
			name[in[i].l.len[2]] = '\0';
			if ((rc = src_get(t, name, &src)))
				return rc;
			t->srcs[src].docs += in[i].count;
			t->docs += in[i].count;
		}
	}
	return rc;
}

/* Advance an input past its current tpl record, checking the order. */
static int merge_advance(struct tpl_in *in, struct buf *err)
{
	struct tpl_line before;
	buf_swap(&in->line, &in->prev);
	split_fields(in->prev.ptr, in->prev.len, &before);
	int rc = in_next(in, err);
	if (rc || in->eof)
		return rc;
	if (in->is_src)
		return in_fail(in, err, "source line after tpl lines");
	if (rec_cmp(&before, &in->l) >= 0)
		return in_fail(in, err, "not in order (sorted by source, then template)");
	return CLEAN_OK;
}

/* One merged record: written to out, kept in t when it is a rule. */
static int merge_emit(struct tpl_table *t, const struct tpl_line *l, uint64_t docs,
                      const struct tpl_rule_opts *keep, FILE *out)
{
	long src = src_find(t, l->f[2], l->len[2]);
	if (src < 0)
		return CLEAN_EFORMAT;
	if (out)
		fprintf(out, "tpl\t%llu\t%s\t%.*s\n", (unsigned long long)docs, t->srcs[src].name,
		        (int)l->len[3], l->f[3]);
	struct tpl_ent probe = { .tpl = (char *)l->f[3], .docs = docs, .src = (uint32_t)src,
	                         .len = (uint32_t)l->len[3] };
	struct tpl_ent *e;
	if (!keep || l->len[3] > TPL_MAX_BYTES || !is_rule(t, &probe, keep))
		return CLEAN_OK;
	int rc = ent_get(t, (uint32_t)src, l->f[3], l->len[3], &e);
	if (!rc)
		e->docs = docs;
	return rc;
}

/* Phase 2: the k-way merge of the inputs' tpl records. */
static int merge_tpls(struct tpl_table *t, struct tpl_in *in, size_t n,
                      const struct tpl_rule_opts *keep, FILE *out, size_t *merged,
                      struct buf *err)
{
	for (size_t i = 0; i < n; i++)
		if (!in[i].eof && in[i].is_src)
			return in_fail(&in[i], err, "source line after tpl lines");
	for (;;) {
		size_t min = n;
		for (size_t i = 0; i < n; i++)
			if (!in[i].eof && (min == n || rec_cmp(&in[i].l, &in[min].l) < 0))
				min = i;
		if (min == n)
			return CLEAN_OK;
		struct tpl_line key = in[min].l; /* in[min] stays put until the end */
		uint64_t docs = 0;
		int rc = CLEAN_OK;
		for (size_t i = 0; !rc && i < n; i++) {
			if (in[i].eof || (i != min && rec_cmp(&in[i].l, &key)))
				continue;
			if (docs > UINT64_MAX - in[i].count)
				rc = in_fail(&in[i], err, "count overflows");
			docs += in[i].count;
			if (!rc && i != min)
				rc = merge_advance(&in[i], err);
		}
		if (!rc && (rc = merge_emit(t, &key, docs, keep, out)) == CLEAN_EFORMAT)
			rc = in_fail(&in[min], err, "template of a source with no source line");
		if (!rc)
			rc = merge_advance(&in[min], err);
		if (rc)
			return rc;
		(*merged)++;
	}
}

int tpl_merge(struct tpl_table *t, FILE *const *files, const char *const *names,
              size_t n, const struct tpl_rule_opts *keep, FILE *out, size_t *merged,
              struct buf *err)
{
	struct tpl_in *in = calloc(n ? n : 1, sizeof(*in));
	if (!in)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		in[i].f = files[i];
		in[i].name = names[i];
		buf_init(&in[i].line, TPL_MAX_LINE);
		buf_init(&in[i].prev, TPL_MAX_LINE);
	}
	*merged = 0;
	int rc = merge_sources(t, in, n, err);
	if (!rc && out) {
		struct buf head;
		buf_init(&head, 0);
		rc = counts_head(t, &head);
		if (!rc)
			fwrite(head.ptr, 1, head.len, out);
		buf_release(&head);
	}
	if (!rc)
		rc = merge_tpls(t, in, n, keep, out, merged, err);
	if (rc == CLEAN_ENOMEM || rc == CLEAN_ETOOBIG) {
		buf_clear(err);
		buf_addstr(err, clean_strerror(rc));
	}
	for (size_t i = 0; i < n; i++) {
		buf_release(&in[i].line);
		buf_release(&in[i].prev);
	}
	free(in);
	return rc;
}
