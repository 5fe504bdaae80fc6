/*
 * uprop.h: the Unicode facts that the per-character scans (segment
 * widths, classify words, line-model features) ask for, faster than a
 * utf8proc call each.
 *
 * uprop_next(s, n, &i) decodes the code point at s[i] and advances i:
 * exactly what utf8proc_iterate gives, with an invalid sequence read as
 * U+FFFD over one byte (the convention of every caller). Well-formed
 * two- and three-byte sequences are decoded inline; the rest goes to
 * utf8proc.
 *
 * uprop_category(cp) and uprop_width(cp) equal utf8proc_category(cp) and
 * utf8proc_charwidth(cp) (a negative width as 0); for the BMP they come
 * from one 64 KB table that utf8proc fills on first use (thread-safe).
 */
#ifndef CLEAN_UPROP_H
#define CLEAN_UPROP_H

#include <stddef.h>
#include <stdint.h>
#include <utf8proc.h>

/* Category in bits 0-4, width in bits 5-6, a BMP code point a byte. */
extern const uint8_t *uprop_bmp;
const uint8_t *uprop_table(void);

static inline int32_t uprop_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str + *i;
	size_t left = n - *i;
	if (s[0] >= 0xC2 && s[0] < 0xE0 && left >= 2 && (s[1] & 0xC0) == 0x80) {
		*i += 2;
		return (int32_t)((s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu));
	}
	if ((s[0] & 0xF0) == 0xE0 && left >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		int32_t cp = (int32_t)((s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu));
		if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
			*i += 3;
			return cp;
		}
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)left, &cp);
	*i += k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

static inline uint8_t uprop_bits(int32_t cp)
{
	const uint8_t *t = __atomic_load_n(&uprop_bmp, __ATOMIC_ACQUIRE);
	if (!t)
		t = uprop_table();
	return t[cp];
}

static inline int uprop_category(int32_t cp)
{
	if (cp >= 0 && cp < 0x10000)
		return uprop_bits(cp) & 31;
	return utf8proc_category(cp);
}

static inline unsigned uprop_width(int32_t cp)
{
	if (cp >= 0 && cp < 0x10000)
		return uprop_bits(cp) >> 5;
	int w = utf8proc_charwidth(cp);
	return w < 0 ? 0 : (unsigned)w;
}

/* Is c the lead byte of a two-byte UTF-8 block whose 64 characters are
 * all letters one column wide? C4-CA: U+0100-U+02BF (Latin Extended-A
 * and B, IPA, modifier letters); D0-D1: U+0400-U+047F (Cyrillic). The
 * scans step through runs of such characters two bytes at a time (no
 * word starts, no width lookups); test_uprop checks the claim against
 * utf8proc. Not C3 (Latin-1): its letters come one at a time among
 * ASCII, where a run costs more than it saves. */
static inline int uprop_letter_lead(unsigned char c)
{
	return (c >= 0xC4 && c <= 0xCA) || c == 0xD0 || c == 0xD1;
}

#endif
