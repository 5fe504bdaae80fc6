/*
 * normalise.c: one line of text to its archive form; the contract is in
 * normalise.h.
 *
 * norm_line runs on every line of every document, so it has three speeds:
 *   - plain ASCII (no '&', controls or double spaces) is copied as is;
 *   - otherwise one pass decodes characters and references, drops, spaces
 *     and folds them, and appends the result;
 *   - only when that result holds a character that NFC could change is
 *     utf8proc called on it.
 * Folding (rule 5) is done in the single pass, before NFC: no folded
 * character composes or decomposes, and the folds are ASCII, so the order
 * does not change the result.
 */
#include "normalise.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <utf8proc.h>

#include "clean.h"
#include "decode.h"
#include "uprop.h"
#include "swar.h"

/* Byte classes: plain ASCII is copied in runs; the rest looked at. */
enum { NORM_B_PLAIN = 0, NORM_B_SPACE, NORM_B_OTHER };

/* 0x21-0x7E but '&' are plain; ' ' is a space; the rest is other. */
static const unsigned char norm_bytes[256] = {
	[0 ... 0x1F] = NORM_B_OTHER,
	[' '] = NORM_B_SPACE,
	['&'] = NORM_B_OTHER,
	[0x7F ... 0xFF] = NORM_B_OTHER,
};

/* What a character becomes by rules 2 and 3. */
enum { NORM_KEEP = 0, NORM_DROP, NORM_SPACE };

static int norm_class(unsigned cp)
{
	if (cp < 0x20)
		return cp == '\t' || (cp >= '\n' && cp <= '\r') ? NORM_SPACE : NORM_DROP;
	if (cp < 0x7F)
		return cp == ' ' ? NORM_SPACE : NORM_KEEP;
	if (cp < 0xA0)
		return NORM_DROP;                   /* DEL, C1 */
	if (cp < 0x1680)
		return cp == 0xA0 ? NORM_SPACE : cp == 0xAD ? NORM_DROP : NORM_KEEP;
	if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
		return NORM_SPACE;
	if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	    cp == 0x2060 || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
		return NORM_DROP;
	return NORM_KEEP;
}

/*
 * Characters that NFC leaves alone whatever surrounds them: quick-check
 * "yes" and combining class 0. A line made only of these (and ASCII) is
 * already NFC, so utf8proc is skipped: that covers Latin-1/Latin
 * Extended, Cyrillic, Arabic letters, punctuation, symbols, kana, CJK,
 * Hangul syllables and emoji (the singletons Ω K Å 〈 〉 ⫝̸ are left out).
 */
static int norm_nfc_stable(unsigned cp)
{
	return cp < 0x300 || (cp >= 0x400 && cp <= 0x482) ||
	       (cp >= 0x48A && cp <= 0x52F) || (cp >= 0x620 && cp <= 0x64A) ||
	       (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20C0) ||
	       (cp >= 0x2100 && cp <= 0x2BFF && cp != 0x2126 && cp != 0x212A &&
	        cp != 0x212B && cp != 0x2329 && cp != 0x232A && cp != 0x2ADC) ||
	       (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x3000 && cp <= 0x3029) ||
	       (cp >= 0x3030 && cp <= 0x3098) || (cp >= 0x309B && cp <= 0x30FF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xFF01 && cp <= 0xFFEE);
}

int norm_is_cjk(unsigned cp)
{
	if (cp < 0x2E80)
		return 0;   /* the common case in one test */
	return (cp >= 0x2E80 && cp <= 0x2FDF) ||   /* CJK radicals */
	       (cp >= 0x3000 && cp <= 0x303F) ||   /* CJK punctuation: 、。「」 */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* hiragana, katakana */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||   /* katakana extension */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility */
	       (cp >= 0xFF01 && cp <= 0xFF9F) ||   /* fullwidth forms, halfwidth katakana */
	       (cp >= 0x20000 && cp <= 0x3134F);   /* extensions B-G */
}

/* ---- rule 5: ASCII folding ---- */

struct norm_fold {
	unsigned cp;
	const char *ascii;
};

/* Sorted by code point, for bsearch. */
static const struct norm_fold norm_folds[] = {
	{ 0x00AB, "\"" }, { 0x00B4, "'" }, { 0x00BB, "\"" }, { 0x02BC, "'" },
	{ 0x02C6, "^" }, { 0x02DC, "~" },
	{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "-" }, { 0x2015, "-" }, { 0x2018, "'" }, { 0x2019, "'" },
	{ 0x201A, "'" }, { 0x201B, "'" }, { 0x201C, "\"" }, { 0x201D, "\"" },
	{ 0x201E, "\"" }, { 0x201F, "\"" }, { 0x2022, "*" }, { 0x2023, "*" },
	{ 0x2024, "." }, { 0x2025, ".." }, { 0x2026, "..." }, { 0x2032, "'" },
	{ 0x2033, "\"" }, { 0x2035, "'" }, { 0x2036, "\"" }, { 0x2039, "'" },
	{ 0x203A, "'" }, { 0x2043, "-" }, { 0x2044, "/" }, { 0x2212, "-" },
	{ 0x2219, "*" }, { 0x25AA, "*" }, { 0x25CF, "*" }, { 0x25E6, "*" },
	{ 0xFB00, "ff" }, { 0xFB01, "fi" }, { 0xFB02, "fl" }, { 0xFB03, "ffi" },
	{ 0xFB04, "ffl" },
};

static int norm_fold_cmp(const void *key, const void *elem)
{
	unsigned cp = *(const unsigned *)key, e = ((const struct norm_fold *)elem)->cp;
	return cp < e ? -1 : cp > e;
}

static const char *norm_fold(unsigned cp)
{
	if (cp < 0xAB || cp > 0xFB04)
		return NULL;
	const struct norm_fold *f = bsearch(&cp, norm_folds,
	                                    sizeof norm_folds / sizeof norm_folds[0],
	                                    sizeof norm_folds[0], norm_fold_cmp);
	return f ? f->ascii : NULL;
}

/* ---- rule 1: character references ---- */

/* A numeric reference's value as rule 1 reads it. */
static unsigned norm_numeric_cp(unsigned long v)
{
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	if (v >= 0x80 && v <= 0x9F)
		return decode_cp1252((unsigned char)v);
	return (unsigned)v;
}

/* "&#..." at s[0..n): the length of the reference, 0 if none. */
static size_t norm_numeric(const char *s, size_t n, unsigned *cp)
{
	int hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
	size_t i = hex ? 3 : 2, digits = 0;
	unsigned long v = 0;

	for (; i < n; i++, digits++) {
		int d;
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		v = v * (hex ? 16 : 10) + (unsigned)d;
		if (v > 0x110000)
			v = 0x110000;   /* saturate: any overflow is out of range */
	}
	if (!digits)
		return 0;
	*cp = norm_numeric_cp(v);
	return i < n && s[i] == ';' ? i + 1 : i;
}

static int norm_alnum(unsigned char c)
{
	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
}

/* "&name;" or one of the common five without ';'. */
static size_t norm_named(const char *s, size_t n, unsigned *cp)
{
	static const char *const bare[] = { "amp", "lt", "gt", "quot", "nbsp" };
	char name[32];
	size_t i = 1;

	while (i < n && i < sizeof name && norm_alnum((unsigned char)s[i]))
		i++;
	size_t len = i - 1;
	if (!len || len >= sizeof name)
		return 0;
	memcpy(name, s + 1, len);
	name[len] = '\0';
	if (i < n && s[i] == ';') {
		const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
		if (e) {
			*cp = e->value;
			return i + 1;
		}
		return 0;
	}
	for (size_t k = 0; k < sizeof bare / sizeof bare[0]; k++)
		if (!strcmp(name, bare[k])) {
			*cp = htmlEntityLookup((const xmlChar *)name)->value;
			return i;
		}
	return 0;
}

/* The reference at s[0] == '&': its length and value, or 0. */
static size_t norm_entity(const char *s, size_t n, unsigned *cp)
{
	if (n > 1 && s[1] == '#')
		return norm_numeric(s, n, cp);
	return norm_named(s, n, cp);
}

/* ---- the general path ---- */

/* The general path's output goes through a small stage, so that a
 * character costs a copy, not a buffer call. */
struct norm_state {
	struct buf *out;
	size_t start;       /* out->len when the line began */
	unsigned flags;
	int pending;        /* a space is due before the next character */
	int any;            /* a non-space character has been written */
	int nfc;            /* something NFC might change was written */
	size_t nstage;
	char stage[256];
};

static int norm_flush(struct norm_state *st)
{
	int rc = buf_add(st->out, st->stage, st->nstage);
	st->nstage = 0;
	return rc;
}

/* Append p[0..k) (k >= 1 for text, or a lone ' '). */
static int norm_raw(struct norm_state *st, const char *p, size_t k)
{
	int rc;
	if (st->nstage + k > sizeof st->stage && (rc = norm_flush(st)))
		return rc;
	if (k > sizeof st->stage)
		return buf_add(st->out, p, k);
	memcpy(st->stage + st->nstage, p, k);
	st->nstage += k;
	return CLEAN_OK;
}

/* Append non-space text, after the space that is due. */
static int norm_put(struct norm_state *st, const char *p, size_t k)
{
	if (st->pending && st->any) {
		int rc = norm_raw(st, " ", 1);
		if (rc)
			return rc;
	}
	st->pending = 0;
	st->any = 1;
	return norm_raw(st, p, k);
}

static size_t norm_encode(unsigned cp, char *u)
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (char)(0xF0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	u[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One character through rules 2, 3 and 5. */
static int norm_emit(struct norm_state *st, unsigned cp)
{
	switch (norm_class(cp)) {
	case NORM_DROP:
		return CLEAN_OK;
	case NORM_SPACE:
		if ((st->flags & NORM_KEEP_INDENT) && !st->any)
			return norm_raw(st, " ", 1);
		st->pending = 1;
		return CLEAN_OK;
	}
	if (cp >= 0x80 && (st->flags & NORM_ASCII)) {
		const char *f = norm_fold(cp);
		if (f)
			return norm_put(st, f, strlen(f));
	}
	char u[4];
	if (!norm_nfc_stable(cp))
		st->nfc = 1;
	return norm_put(st, u, norm_encode(cp, u));
}

/* The character at s[0] (a byte >= 0x80); a bad sequence reads as U+FFFD
 * over its maximal invalid subpart (the input should be valid, but one bad
 * byte must not make the output invalid). */
static size_t norm_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF, v;
	size_t need;

	*cp = 0xFFFD;
	if (c < 0xC2 || c > 0xF4)
		return 1;
	need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
	v = c & (0x3F >> need);
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (size_t i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return i;
		v = v << 6 | (s[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

/* Rule 4 on out[start..len): NFC through utf8proc, stack memory for the
 * usual line. */
static int norm_nfc(struct buf *out, size_t start)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_int32_t stack[512], *cps = stack;
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)out->ptr + start;
	utf8proc_ssize_t len = (utf8proc_ssize_t)(out->len - start);

	utf8proc_ssize_t m = utf8proc_decompose(s, len, cps, 512, opt);
	if (m > 512) {
		if (!(cps = malloc((size_t)m * sizeof *cps)))
			return CLEAN_ENOMEM;
		m = utf8proc_decompose(s, len, cps, m, opt);
	}
	int rc = CLEAN_OK;
	if (m >= 0) {   /* the text is valid UTF-8, so this holds */
		m = utf8proc_reencode(cps, m, opt);
		if (m >= 0) {
			buf_truncate(out, start);
			rc = buf_add(out, cps, (size_t)m);
		}
	}
	if (cps != stack)
		free(cps);
	return rc;
}

/* The length of the non-ASCII character at u[i] when it is copied as it
 * is (kept, not folded, NFC-stable), or 0. */
static inline size_t norm_simple(const unsigned char *u, size_t i, size_t n,
                                 unsigned flags)
{
	unsigned cp;
	size_t k;

	if (u[i] >= 0xC2 && u[i] < 0xE0 && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
		cp = (u[i] & 0x1Fu) << 6 | (u[i + 1] & 0x3Fu);
		k = 2;
		if (cp > 0xAD && cp < 0x300 && (cp != 0xB4 && cp != 0xBB && cp != 0x2BC &&
		                                cp != 0x2C6 && cp != 0x2DC))
			return k;       /* Latin letters: the common case */
		if ((cp >= 0x400 && cp <= 0x482) || (cp >= 0x48A && cp <= 0x52F))
			return k;       /* Cyrillic letters: kept, stable, never folded */
	} else {
		k = norm_decode(u + i, n - i, &cp);
	}
	if (cp == 0xFFFD || norm_class(cp) != NORM_KEEP || !norm_nfc_stable(cp) ||
	    ((flags & NORM_ASCII) && norm_fold(cp)))
		return 0;
	return k;
}

int norm_stable_lead(unsigned char c)
{
	/* The letter leads but CA (U+0280-U+02BF, where some modifier
	 * letters are not kept as they are: test_normalise's
	 * stable_leads_kept_in_runs fails with it): C4-C9 and D0-D1. */
	return uprop_letter_lead(c) && c != 0xCA;
}

/* The end of the run from u[i] of plain ASCII and simple characters, with
 * single spaces between them (never first: a space may be due), which the
 * general path copies in one piece. */
static size_t norm_run(const unsigned char *u, size_t i, size_t n, unsigned flags)
{
	size_t k, start = i;
	for (;;) {
		while (i < n && norm_bytes[u[i]] == NORM_B_PLAIN)
			i++;
		if (i >= n)
			return i;
		if (u[i] >= 0x80 && (k = norm_simple(u, i, n, flags))) {
			i += k;
			/* The letters after it, two bytes at a time while they
			 * are of a block norm_simple takes whole. */
			while (n - i >= 2 && norm_stable_lead(u[i]) && (u[i + 1] & 0xC0) == 0x80)
				i += 2;
			continue;
		}
		if (u[i] != ' ' || i == start || i + 1 >= n)
			return i;
		if (norm_bytes[u[i + 1]] == NORM_B_PLAIN)
			i += 2;
		else if (u[i + 1] >= 0x80 && (k = norm_simple(u, i + 1, n, flags)))
			i += 1 + k;
		else
			return i;
	}
}

static int norm_slow(const char *s, size_t n, unsigned flags, struct buf *out)
{
	struct norm_state st;   /* field by field: no need to clear the stage */
	st.out = out;
	st.start = out->len;
	st.flags = flags;
	st.pending = st.any = st.nfc = 0;
	st.nstage = 0;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int rc = CLEAN_OK;

	while (i < n && !rc) {
		unsigned cp;
		size_t adv = 0, j = norm_run(u, i, n, flags);
		if (j > i) {
			rc = norm_put(&st, s + i, j - i);
			i = j;
			continue;
		}
		if (u[i] == '&')
			adv = norm_entity(s + i, n - i, &cp);
		if (!adv && u[i] < 0x80) {
			cp = u[i];
			adv = 1;
		} else if (!adv) {
			adv = norm_decode(u + i, n - i, &cp);
		}
		rc = norm_emit(&st, cp);
		i += adv;
	}
	if (!rc)
		rc = norm_flush(&st);
	if (!rc && !st.any)
		buf_truncate(out, st.start);    /* only indentation: blank */
	if (!rc && st.nfc)
		rc = norm_nfc(out, st.start);
	if (rc)
		buf_truncate(out, st.start);
	return rc;
}

/* ---- the fast path ---- */

/* The high bit of each byte of w that is not plain or ' ': >= 0x80, a
 * control, DEL or '&'. */
static inline uint64_t norm_odd8(uint64_t w)
{
	uint64_t below = ~((w & ~SWAR_HIGH) + SWAR_ONES * 0x60) & SWAR_HIGH;
	return (w & SWAR_HIGH) | below | swar_eq(w, 0x7F) | swar_eq(w, '&');
}

/*
 * Is s[0..n) plain ASCII already in its normal form: no byte but 0x20-0x7E,
 * no '&', no two spaces in a row, no space at the ends (at the start only
 * with NORM_KEEP_INDENT)? Eight bytes at a time (swar.h).
 */
static int norm_is_plain(const unsigned char *s, size_t n, unsigned flags)
{
	size_t i = 0;

	if (n == 0)
		return 1;
	if (s[n - 1] == ' ')
		return 0;       /* so a space is never the last byte below */
	if (flags & NORM_KEEP_INDENT)
		while (s[i] == ' ')
			i++;
	else if (s[0] == ' ')
		return 0;
	uint64_t last = 0;      /* the last byte of the previous word was ' ' */
	for (; n - i >= 8; i += 8) {
		uint64_t w = swar_load(s + i);
		uint64_t sp = swar_eq(w, ' ');
		if (norm_odd8(w) || (sp & sp >> 8) || (last && (sp & 0x80)))
			return 0;
		last = sp >> 63;
	}
	if (last && i < n && s[i] == ' ')
		return 0;
	for (; i < n; i++) {
		unsigned b = norm_bytes[s[i]];
		if (b == NORM_B_OTHER || (b == NORM_B_SPACE && s[i + 1] == ' '))
			return 0;
	}
	return 1;
}

int norm_line(const char *s, size_t n, unsigned flags, struct buf *out)
{
	if (norm_is_plain((const unsigned char *)s, n, flags))
		return buf_add(out, s, n);
	return norm_slow(s, n, flags, out);
}
