/*
 * segment.h: decoded text to segments.
 *
 * segment_text(doc, text, len, flags) splits valid UTF-8 text into lines
 * (ends: LF, CRLF, CR), normalises each with norm_line and appends the
 * non-blank ones to doc as SEG_TEXT segments. Blank lines (empty once
 * normalised) are not segments: they set blank_before on the next one.
 *
 * Unless CLEAN_F_NO_REWRAP, hard-wrapped paragraphs (lynx or w3m -dump at a
 * fixed width) are re-joined into one segment: the text counts as wrapped
 * when at least a fifth of its lines (and 8 or more) end within 12 columns
 * of the widest line and that is at most 132 columns; then a line joins the
 * next when the next line's first word would not have fitted on it and the
 * next line is no list item. Lines of CJK script join with no space.
 *
 * Also unless CLEAN_F_NO_REWRAP, in a fixed-width rendering (wrapped as
 * above, or so once its one or two widest lines are left out) side-by-side
 * columns (w3m's table cells) are split: a run of lines on which one
 * display column is blank, 4 or more of them with prose on both sides
 * (2 with a gap of 3 or more spaces, few with gaps inside a side: not a
 * data table), becomes the left column's lines, a blank line, the right
 * column's lines; each column re-wraps at its own width. Linear in the
 * text; lines with tabs or control characters are never split.
 * A line longer than max_line bytes fails with CLEAN_ETOOBIG.
 */
#ifndef CLEAN_SEGMENT_H
#define CLEAN_SEGMENT_H

#include <stddef.h>

struct clean_doc;

int segment_text(struct clean_doc *doc, const char *text, size_t len,
                 unsigned flags, size_t max_line);

/* One raw line of the input, located and measured before anything is
 * normalised (internal; here for the unit tests). */
struct segment_line {
	size_t off, len;
	size_t lineno;       /* 0-based line of the input it comes from */
	unsigned colw;       /* a column piece: its column's wrap width */
	unsigned width;      /* display columns after leading spaces */
	unsigned indent;     /* leading spaces */
	unsigned firstword;  /* display columns of the first word */
	unsigned char blank, item, cjk_end, cjk_start;
	unsigned char printable; /* every byte is 0x20-0x7E (set before measuring) */
};

/*
 * Measure the line text[l->off..+l->len) into *l, whose measures are 0:
 * indent, the leading spaces and tabs; blank, nothing else; width, the
 * display columns after the indent (uprop_width: a printable ASCII byte
 * is one, a control none) less trailing spaces and tabs; firstword, the
 * columns before the first ' ' (a CJK first character is a word); item,
 * it starts a list item; cjk_start and cjk_end, the first character and
 * the last (a trailing space counts) are CJK (norm_is_cjk). When
 * l->printable is set it is trusted: the line is measured without
 * looking at each byte.
 */
void segment_measure(const char *text, struct segment_line *l);


/*
 * The end of the line from s[i] in s[0..n): the first '\n' or '\r' from
 * i, or n. *printable is set to whether the bytes in between are all
 * printable ASCII (0x20-0x7E). Eight bytes at a time: the test for the
 * end and the test for printable are the same one until a byte fails it.
 */
size_t segment_line_end(const char *s, size_t i, size_t n, unsigned char *printable);

/*
 * The wrap widths of lines ls[0..n): into *w the width the text is
 * hard-wrapped at, or 0 when it does not look wrapped: W, the widest
 * nonblank line (indent and width), is at most 132 and at least 8 lines
 * end within 12 columns of it, and they are a fifth of the nonblank
 * lines or half of those at least W / 2 wide. Into *fw the width of a
 * fixed-width rendering: *w, or when that is 0 the same test at the
 * second widest width, then the third (w3m lets a table row that cannot
 * shrink overflow its width), or 0.
 */
void segment_wrap_widths(const struct segment_line *ls, size_t n, unsigned *w, unsigned *fw);

#endif
