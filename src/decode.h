/*
 * decode.h: input bytes to UTF-8, and mojibake repair.
 *
 * decode_to_utf8(in, len, out, &replaced) appends the text to out, by these
 * rules, in order:
 *   1. A byte-order mark decides: UTF-8's is dropped (the rest is taken as
 *      UTF-8, rule 4's replacement applying); UTF-16 LE/BE and UTF-32 LE/BE
 *      are converted with iconv (BOM dropped).
 *   2. No BOM but NUL bytes: BOM-less UTF-16 (in the first 1 KiB, NUL is
 *      one byte of at least half the byte pairs, and almost never the
 *      other) is converted; anything else is CLEAN_EBINARY.
 *   3. Valid UTF-8 is taken as is.
 *   4. Otherwise, when the input is mostly not UTF-8 (fewer valid
 *      multibyte characters than invalid bytes), the charset is detected
 *      with uchardet and converted with iconv; Windows-1252 stands in for
 *      Latin-1 and for "no answer". When it is mostly UTF-8 (a cut
 *      multibyte character, stray bytes) or conversion fails, each maximal
 *      invalid sequence (Unicode's rule: a cut character is one) becomes
 *      one U+FFFD.
 * Bytes a converter rejects also become U+FFFD. Every replaced byte is
 * counted: *replaced is set (not added to) on success; replaced may be
 * NULL. Nothing is dropped silently. On failure (CLEAN_EBINARY, or
 * CLEAN_ENOMEM / CLEAN_ETOOBIG from out) out is left as it was.
 * The output is always valid UTF-8 (it may hold U+0000 from UTF-16/32 or a
 * UTF-8 BOM'd file; normalise.h removes it). It does not touch line ends,
 * entities or normal form (that is normalise.h).
 *
 * decode_fix_mojibake(buf) repairs text that was UTF-8, decoded once as
 * Windows-1252 or Latin-1, and encoded to UTF-8 again ("â€™" -> "’",
 * "Ã©" -> "é", "Â£" -> "£", "ðŸ˜€" -> "😀"): a run of characters that map
 * back to Windows-1252 bytes forming one valid multibyte UTF-8 character
 * is replaced by that character. Text encoded twice is repaired by a
 * second pass (at most three). To spare real Latin-1 text ("café", "Fuß“",
 * "AQUÍ»", "voilà »" with NBSP), a two-byte result must lie in Latin,
 * combining accents, Greek, Cyrillic, Hebrew or Arabic, and a three-byte
 * one may not have NBSP as its second character. Text without such runs
 * is left byte-for-byte unchanged (and text without a 0xC3 byte is not
 * even written). In place; returns the number of repairs.
 */
#ifndef CLEAN_DECODE_H
#define CLEAN_DECODE_H

#include <stddef.h>
#include "buf.h"

int decode_to_utf8(const char *in, size_t len, struct buf *out, size_t *replaced);
size_t decode_fix_mojibake(struct buf *text);
/* decode_to_utf8 into out (empty), then decode_fix_mojibake, for a caller
 * that only reads the result: sets *text and *tlen to it. When that
 * would be a copy of the input (valid UTF-8, no BOM, no NUL, nothing to
 * repair: the usual case), *text is in itself and out is not touched. */
int decode_text(const char *in, size_t len, struct buf *out, const char **text,
                size_t *tlen, size_t *replaced);
/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)? */
int utf8_valid(const char *s, size_t n);
/* The code point of a Windows-1252 byte: 0x80-0x9F give the typographic
 * characters (0x96 -> U+2013), the five undefined ones their C1 code
 * point; other bytes are Latin-1. */
unsigned decode_cp1252(unsigned char b);

#endif
