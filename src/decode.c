/*
 * decode.c: input bytes to valid UTF-8, and mojibake repair; the contract
 * is in decode.h.
 *
 * UTF-8 is checked by hand (it is the common case and must be fast);
 * everything else goes through iconv, with uchardet to name a legacy
 * charset. Conversion errors never abort: the offending bytes become
 * U+FFFD and are counted, so the caller can report how much was lost.
 */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>
#include <utf8proc.h>

#include "clean.h"
#include "swar.h"

static const char decode_fffd[3] = { '\xEF', '\xBF', '\xBD' };

/* Windows-1252 bytes 0x80-0x9F; the five undefined ones keep their C1
 * code point, as browsers do. */
static const uint16_t decode_cp1252_c1[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

unsigned decode_cp1252(unsigned char b)
{
	return b >= 0x80 && b < 0xA0 ? decode_cp1252_c1[b - 0x80] : b;
}

/* ---- UTF-8 ---- */

/*
 * Look at the sequence starting at s[0] (n >= 1). Returns its length and
 * sets *ok when it is a valid character; otherwise returns the length of
 * its maximal invalid subpart (Unicode 3.9: at least 1, the bytes that
 * could begin a valid character), which is what one U+FFFD replaces.
 */
static size_t utf8_scan(const unsigned char *s, size_t n, int *ok)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t need;

	*ok = c < 0x80;
	if (c < 0x80 || c < 0xC2 || c > 0xF4)
		return 1;
	if (c < 0xE0) {
		need = 1;
	} else if (c < 0xF0) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;      /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F;      /* no surrogates */
	} else {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;      /* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F;      /* nothing past U+10FFFF */
	}
	size_t i = 1;
	while (i <= need && i < n && s[i] >= lo && s[i] <= hi) {
		i++;
		lo = 0x80;
		hi = 0xBF;
	}
	*ok = i == need + 1;
	return i;
}

/* The code point of the valid sequence s[0..len). */
static unsigned utf8_cp(const unsigned char *s, size_t len)
{
	static const unsigned char mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	unsigned cp = s[0] & mask[len];
	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3Fu);
	return cp;
}

/* The length of the valid sequence at s[0] (n >= 1) when it is a two-byte
 * one or a three-byte one with no special lead (E0, ED: their second byte
 * has a narrower range), else 0: the common cases of utf8_scan, inline. */
static inline size_t utf8_common(const unsigned char *s, size_t n)
{
	if (s[0] >= 0xC2 && s[0] < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] > 0xE0 && s[0] < 0xF0 && s[0] != 0xED)
		return n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	return 0;
}

/* Are the eight bytes w (swar_load order) four well-formed two-byte
 * characters: leads C2-DF (110xxxxx, not C0 or C1) in the even lanes,
 * continuations (10xxxxxx) in the odd ones? */
static inline int utf8_pairs4(uint64_t w)
{
	const uint64_t lead = 0x00FF00FF00FF00FFull;
	return (w & 0xC0E0C0E0C0E0C0E0ull) == 0x80C080C080C080C0ull &&
	       (((w & lead & SWAR_ONES * 0x1E) + (lead & SWAR_ONES * 0x7F)) & SWAR_HIGH & lead) ==
	       (SWAR_HIGH & lead);
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int ok;

	while (i < n) {
		/* ASCII eight bytes at a time, up to the first byte >= 0x80
		 * (the lanes past the end read as 0). */
		uint64_t w;
		size_t k = swar_load_upto(str, i, n, &w);
		if (k) {
			uint64_t high = w & SWAR_HIGH;
			if (!high) {
				i += k;
				continue;
			}
			i += (size_t)__builtin_ctzll(high) / 8;
		} else if (s[i] < 0x80) {
			i++;
			continue;
		}
		/* Then the run of multibyte characters there: four two-byte
		 * characters (Cyrillic, Greek...) at a time while they last. */
		do {
			if (n - i >= 8 && utf8_pairs4(swar_load(s + i))) {
				i += 8;
				continue;
			}
			k = utf8_common(s + i, n - i);
			if (!k) {
				k = utf8_scan(s + i, n - i, &ok);
				if (!ok)
					return 0;
			}
			i += k;
		} while (i < n && s[i] >= 0x80);
	}
	return 1;
}

/* Append s[0..n) with each maximal invalid subpart replaced by U+FFFD. */
static int decode_replace(const unsigned char *s, size_t n, struct buf *out,
                          size_t *replaced)
{
	size_t i = 0, run = 0;   /* s[run..i) is valid and not yet added */
	int ok, rc;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_scan(s + i, n - i, &ok);
		if (ok) {
			i += k;
			continue;
		}
		if ((rc = buf_add(out, s + run, i - run)) ||
		    (rc = buf_add(out, decode_fffd, 3)))
			return rc;
		*replaced += k;
		i += k;
		run = i;
	}
	return buf_add(out, s + run, n - run);
}

/*
 * Is this mostly UTF-8? Yes when its valid multibyte characters are at
 * least as many as its invalid bytes, or when the only flaw is a character
 * cut at the very end.
 */
static int decode_mostly_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, mb = 0, bad = 0;
	int ok;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_scan(s + i, n - i, &ok);
		if (ok)
			mb++;
		else if (i + k < n || k == 1)
			bad += k;       /* not a valid prefix cut by the end */
		i += k;
	}
	return bad == 0 || mb >= bad;
}

/* ---- iconv ---- */

/*
 * Convert in[0..len) from charset cs with iconv. A byte sequence iconv
 * rejects becomes U+FFFD and unit bytes are skipped (the code unit of the
 * charset: 1, 2 or 4); an incomplete sequence at the end becomes one
 * U+FFFD. CLEAN_ECHARSET when iconv does not know cs.
 */
static int decode_iconv(const char *cs, size_t unit, const char *in, size_t len,
                        struct buf *out, size_t *replaced)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return CLEAN_ECHARSET;
	char tmp[8192];
	char *ip = (char *)in;
	size_t il = len;
	int rc = CLEAN_OK;

	while (il && !rc) {
		char *op = tmp;
		size_t ol = sizeof tmp;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		int err = errno;
		if ((rc = buf_add(out, tmp, (size_t)(op - tmp))) || r != (size_t)-1)
			break;
		if (err == E2BIG)
			continue;
		if (err != EILSEQ && err != EINVAL) {
			rc = CLEAN_ECHARSET;
			break;
		}
		size_t skip = err == EINVAL || unit > il ? il : unit;
		rc = buf_add(out, decode_fffd, 3);
		*replaced += skip;
		ip += skip;
		il -= skip;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return rc;
}

/* ---- the rules of decode_to_utf8 ---- */

struct decode_bom {
	const char *mark;
	size_t len;
	const char *charset;    /* NULL: UTF-8 */
	size_t unit;
};

/* UTF-32 LE before UTF-16 LE: FF FE 00 00 starts with FF FE. */
static const struct decode_bom decode_boms[] = {
	{ "\xEF\xBB\xBF", 3, NULL, 1 },
	{ "\xFF\xFE\0\0", 4, "UTF-32LE", 4 },
	{ "\0\0\xFE\xFF", 4, "UTF-32BE", 4 },
	{ "\xFF\xFE", 2, "UTF-16LE", 2 },
	{ "\xFE\xFF", 2, "UTF-16BE", 2 },
};

static const struct decode_bom *decode_find_bom(const char *in, size_t len)
{
	for (size_t i = 0; i < sizeof decode_boms / sizeof decode_boms[0]; i++) {
		const struct decode_bom *b = &decode_boms[i];
		if (len >= b->len && !memcmp(in, b->mark, b->len))
			return b;
	}
	return NULL;
}

/*
 * BOM-less UTF-16: in the first pairs of bytes, NUL is the high byte of at
 * least half of them (Latin text: every character but a few) and almost
 * never the low byte. Returns the charset name, or NULL.
 */
static const char *decode_sniff_utf16(const unsigned char *s, size_t len)
{
	size_t pairs = (len < 1024 ? len : 1024) / 2, zlo = 0, zhi = 0;

	for (size_t i = 0; i < pairs; i++) {
		int z0 = s[2 * i] == 0, z1 = s[2 * i + 1] == 0;
		zlo += z0 && !z1;
		zhi += z1 && !z0;
	}
	if (pairs && 2 * zhi >= pairs && zlo <= zhi / 8)
		return "UTF-16LE";
	if (pairs && 2 * zlo >= pairs && zhi <= zlo / 8)
		return "UTF-16BE";
	return NULL;
}

/* The iconv name for what uchardet says; Windows-1252 when it has no
 * answer or names Latin-1 (browsers read Latin-1 as Windows-1252 too). */
static const char *decode_detect(const char *in, size_t len, char *name, size_t size)
{
	const char *fallback = "WINDOWS-1252";
	uchardet_t ud = uchardet_new();
	if (!ud)
		return fallback;
	const char *cs = "";
	if (uchardet_handle_data(ud, in, len) == 0) {
		uchardet_data_end(ud);
		cs = uchardet_get_charset(ud);
	}
	int use = cs && *cs && strlen(cs) < size && strcasecmp(cs, "ASCII") &&
	          strcasecmp(cs, "UTF-8") && strcasecmp(cs, "ISO-8859-1");
	if (use)
		memcpy(name, cs, strlen(cs) + 1);
	uchardet_delete(ud);
	return use ? name : fallback;
}

/* Single-byte Latin charsets, which uchardet tells apart poorly on short
 * text (Spanish comes back as ISO-8859-4, French as ISO-8859-2). */
static int decode_is_latin(const char *cs)
{
	static const char *const latin[] = {
		"ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-9",
		"ISO-8859-10", "ISO-8859-13", "ISO-8859-14", "ISO-8859-15",
		"ISO-8859-16", "WINDOWS-1250", "WINDOWS-1254", "WINDOWS-1257",
		"WINDOWS-1258", "MAC-CENTRALEUROPE",
	};
	for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
		if (!strcasecmp(cs, latin[i]))
			return 1;
	return 0;
}

/*
 * How wrong does this decoding look? Counts U+FFFD, C1 controls, and
 * non-ASCII non-letters touching a letter ("Zaż" read as Windows-1252 is
 * "Za¿": a symbol inside a word). Only used to compare two decodings.
 */
static size_t decode_badness(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, bad = 0;
	int prev_letter = 0, prev_odd = 0, ok;

	while (i < n) {
		size_t k = utf8_scan(s + i, n - i, &ok);
		unsigned cp = ok ? utf8_cp(s + i, k) : 0xFFFD;
		utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
		int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		int odd = cp >= 0x80 && !letter;
		if (cp == 0xFFFD || (cp >= 0x80 && cp < 0xA0))
			bad++;
		else if ((odd && prev_letter) || (letter && prev_odd))
			bad++;
		prev_letter = letter;
		prev_odd = odd;
		i += k;
	}
	return bad;
}

/* The charset, cs or Windows-1252, whose decoding looks less wrong; a tie
 * goes to Windows-1252, by far the most common on the web. */
static const char *decode_pick_latin(const char *in, size_t len, const char *cs)
{
	const char *w = "WINDOWS-1252";
	struct buf a, b;
	size_t ra = 0, rb = 0;

	buf_init(&a, 0);
	buf_init(&b, 0);
	if (!decode_iconv(cs, 1, in, len, &a, &ra) &&
	    !decode_iconv(w, 1, in, len, &b, &rb) &&
	    decode_badness(a.ptr, a.len) < decode_badness(b.ptr, b.len))
		w = cs;
	buf_release(&a);
	buf_release(&b);
	return w;
}

/* Rule 4: not valid UTF-8. */
static int decode_legacy(const char *in, size_t len, struct buf *out,
                         size_t *replaced)
{
	const unsigned char *s = (const unsigned char *)in;
	if (decode_mostly_utf8(s, len))
		return decode_replace(s, len, out, replaced);

	char name[64];
	const char *cs = decode_detect(in, len, name, sizeof name);
	if (decode_is_latin(cs))
		cs = decode_pick_latin(in, len, cs);
	size_t start = out->len, rep = 0;
	int rc = decode_iconv(cs, 1, in, len, out, &rep);
	if (rc == CLEAN_OK && utf8_valid(out->ptr + start, out->len - start)) {
		*replaced += rep;
		return CLEAN_OK;
	}
	if (rc != CLEAN_OK && rc != CLEAN_ECHARSET)
		return rc;
	buf_truncate(out, start);
	return decode_replace(s, len, out, replaced);
}

static int decode_rules(const char *in, size_t len, struct buf *out,
                        size_t *replaced)
{
	const struct decode_bom *bom = decode_find_bom(in, len);
	if (bom && bom->charset)
		return decode_iconv(bom->charset, bom->unit, in + bom->len,
		                    len - bom->len, out, replaced);
	if (bom) {
		in += bom->len;
		len -= bom->len;
		return decode_replace((const unsigned char *)in, len, out, replaced);
	}
	if (memchr(in, '\0', len)) {
		const char *cs = decode_sniff_utf16((const unsigned char *)in, len);
		if (!cs)
			return CLEAN_EBINARY;
		return decode_iconv(cs, 2, in, len, out, replaced);
	}
	if (utf8_valid(in, len))
		return buf_add(out, in, len);
	return decode_legacy(in, len, out, replaced);
}

int decode_to_utf8(const char *in, size_t len, struct buf *out, size_t *replaced)
{
	size_t start = out->len, rep = 0;
	int rc = decode_rules(in, len, out, &rep);
	if (rc)
		buf_truncate(out, start);
	else if (replaced)
		*replaced = rep;
	return rc;
}

/* ---- mojibake ---- */

/* The Windows-1252 (or Latin-1) byte that decodes to cp, or -1. Only bytes
 * 0x80-0xFF matter here: mojibake is made of them. */
static int decode_moji_byte(unsigned cp)
{
	if (cp >= 0x80 && cp <= 0xFF)
		return (int)cp;     /* Latin-1, and C1 for the undefined bytes */
	for (int i = 0; i < 32; i++)
		if (decode_cp1252_c1[i] == cp)
			return 0x80 + i;
	return -1;
}

/*
 * Is cp a plausible thing for mojibake to stand for? Two-byte results are
 * limited to the scripts mojibake is seen in (Latin, combining accents,
 * Greek, Cyrillic, Hebrew, Arabic), which keeps an accented capital before
 * a quote mark ("Í»", "ß“") from being taken for mojibake.
 */
static int decode_moji_plausible(unsigned cp, size_t len)
{
	if (len == 2)
		return (cp >= 0xA0 && cp <= 0x24F) || (cp >= 0x300 && cp <= 0x33F) ||
		       (cp >= 0x384 && cp <= 0x3CE) || (cp >= 0x400 && cp <= 0x45F) ||
		       cp == 0x490 || cp == 0x491 || (cp >= 0x5D0 && cp <= 0x5EA) ||
		       (cp >= 0x600 && cp <= 0x6FF);
	if (len == 3)
		return !(cp >= 0x800 && cp <= 0x8FF) && !(cp >= 0xE000 && cp <= 0xF8FF) &&
		       cp != 0xFFFE && cp != 0xFFFF;
	return cp <= 0x3FFFF;
}

/*
 * At s[0] (an UTF-8 0xC3 byte) try one mojibake character: a lead
 * "Â".."ô" (bytes C2-F4) then the continuation characters its byte calls
 * for. On success the repaired bytes are in fix[0..*fixlen) and the return
 * value is the length of the mojibake; 0 otherwise.
 */
static size_t decode_moji_one(const unsigned char *s, size_t n,
                              unsigned char fix[4], size_t *fixlen)
{
	if (n < 2 || s[1] < 0x82 || s[1] > 0xB4)
		return 0;
	fix[0] = (unsigned char)(0xC0 | (s[1] & 0x3F));
	size_t need = fix[0] < 0xE0 ? 2 : fix[0] < 0xF0 ? 3 : 4, i = 2;
	int ok;

	for (size_t k = 1; k < need; k++) {
		if (i >= n || s[i] < 0x80)
			return 0;
		size_t len = utf8_scan(s + i, n - i, &ok);
		int b = ok ? decode_moji_byte(utf8_cp(s + i, len)) : -1;
		if (b < 0x80 || b > 0xBF)
			return 0;
		/* "é" NBSP "»" is French typography, not a CJK character */
		if (need == 3 && k == 1 && b == 0xA0)
			return 0;
		fix[k] = (unsigned char)b;
		i += len;
	}
	if (utf8_scan(fix, need, &ok) != need || !ok ||
	    !decode_moji_plausible(utf8_cp(fix, need), need))
		return 0;
	*fixlen = need;
	return i;
}

/* One pass over s[0..*n): repair in place, shrink *n; returns repairs. */
static size_t decode_moji_pass(char *str, size_t *n)
{
	unsigned char *s = (unsigned char *)str, fix[4];
	size_t r = 0, w = 0, len = *n, fixes = 0, fixlen;

	while (r < len) {
		unsigned char *p = memchr(s + r, 0xC3, len - r);
		size_t k = p ? (size_t)(p - s) : len;
		if (w != r)
			memmove(s + w, s + r, k - r);
		w += k - r;
		r = k;
		if (!p)
			break;
		size_t used = decode_moji_one(s + r, len - r, fix, &fixlen);
		if (used) {
			memcpy(s + w, fix, fixlen);
			w += fixlen;
			r += used;
			fixes++;
		} else {
			s[w++] = s[r++];
		}
	}
	*n = w;
	return fixes;
}

size_t decode_fix_mojibake(struct buf *text)
{
	size_t total = 0, fixes, n = text->len;

	/* Double encoding takes two passes; three is a guard, not a need. */
	for (int pass = 0; pass < 3; pass++) {
		fixes = decode_moji_pass(text->ptr, &n);
		total += fixes;
		if (!fixes)
			break;
	}
	if (total)
		buf_truncate(text, n);
	return total;
}

/* Would decode_fix_mojibake repair anything in s[0..n)? Its first pass
 * repairs at some 0xC3 byte exactly when decode_moji_one takes the text
 * from there as it is. */
static int decode_has_mojibake(const unsigned char *s, size_t n)
{
	unsigned char fix[4];
	size_t fixlen;
	for (const unsigned char *p = s; (p = memchr(p, 0xC3, n - (size_t)(p - s))) != NULL; p++)
		if (decode_moji_one(p, n - (size_t)(p - s), fix, &fixlen))
			return 1;
	return 0;
}

int decode_text(const char *in, size_t len, struct buf *out, const char **text,
                size_t *tlen, size_t *replaced)
{
	if (!decode_find_bom(in, len) && !memchr(in, '\0', len) && utf8_valid(in, len) &&
	    !decode_has_mojibake((const unsigned char *)in, len)) {
		*text = in;
		*tlen = len;
		if (replaced)
			*replaced = 0;
		return CLEAN_OK;
	}
	int rc = decode_to_utf8(in, len, out, replaced);
	if (rc)
		return rc;
	decode_fix_mojibake(out);
	*text = out->ptr;
	*tlen = out->len;
	return CLEAN_OK;
}
