/*
 * normalise.h: one line of text to its archive form.
 *
 * norm_line(s, n, flags, out) appends to out the normalised form of the
 * line s[0..n), which is valid UTF-8 holding no '\n' (an invalid byte
 * still gives U+FFFD, never invalid output). Rules, in order:
 *   1. HTML character references are decoded: named ones (the HTML 4 set
 *      of libxml2, &amp; &nbsp; &eacute; ..., also without the ';' for the
 *      common &amp &lt &gt &quot &nbsp), decimal &#NNN; and hex &#xHH;
 *      (their ';' may be missing, as browsers allow). A numeric reference
 *      to NUL, a surrogate or past U+10FFFF becomes U+FFFD; &#128;-&#159;
 *      are read as Windows-1252, as browsers do (&#150; is "–"). Anything
 *      else after '&' is left as it is. Decoding is done once: "&amp;lt;"
 *      becomes "&lt;". What a reference gives then goes through rules 2-5
 *      like any character (&nbsp; is a space, &#8203; is removed).
 *   2. Removed: C0 controls but the whitespace ones (tab, LF, VT, FF, CR,
 *      which count as spaces so words never run together), DEL, C1
 *      controls, zero-width characters (U+200B-U+200D, U+2060, U+FEFF),
 *      the soft hyphen U+00AD, bidi marks (U+200E, U+200F, U+202A-U+202E,
 *      U+2066-U+2069).
 *   3. Those whitespace controls, NBSP and every other space separator
 *      (Unicode Zs), and U+2028/U+2029, become ' '; a run of spaces becomes
 *      one; leading and trailing spaces are removed. NORM_KEEP_INDENT keeps
 *      the leading ones, one ' ' for each space character, uncollapsed;
 *      a line of nothing but spaces still becomes empty.
 *   4. The result is in Unicode NFC (utf8proc; called only when the line
 *      holds a character NFC could change).
 *   5. With NORM_ASCII: typographic quotes, dashes, ellipsis, bullets and
 *      the like fold to ASCII (’ ‘ ‚ ′ ‹ › -> ', “ ” „ ″ « » -> ",
 *      ‐ – — ― − -> -, … -> ..., • ‣ ◦ ● -> *, ligatures ﬁ ﬂ -> fi fl).
 * ASCII input without '&', controls or double spaces takes a fast path.
 * Returns CLEAN_OK, or CLEAN_ENOMEM / CLEAN_ETOOBIG from the buffer, which
 * is then left as it was.
 */
#ifndef CLEAN_NORMALISE_H
#define CLEAN_NORMALISE_H

#include <stddef.h>
#include "buf.h"

enum {
	NORM_ASCII = 1u << 0,
	NORM_KEEP_INDENT = 1u << 1
};

int norm_line(const char *s, size_t n, unsigned flags, struct buf *out);

/* Is the code point a CJK ideograph, kana or CJK punctuation or fullwidth
 * form (Chinese, Japanese: written
 * without spaces, so wrapped lines of them join without one)? Hangul is
 * not: Korean puts spaces between words. */
int norm_is_cjk(unsigned cp);

/* Is c the first byte of a two-byte UTF-8 sequence whose 64 characters
 * norm_line keeps as they are, whatever the flags (kept, NFC-stable with
 * combining class 0, never folded)? Internal; here for the unit tests. */
int norm_stable_lead(unsigned char c);

#endif
