/* segment.c: text to segments, re-joining hard-wrapped lines (segment.h). */
#include "segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "doc.h"
#include "normalise.h"
#include "swar.h"
#include "uprop.h"

static int is_item_start(const char *s, size_t n)
{
	if (n >= 2 && (s[0] == '*' || s[0] == '-' || s[0] == '+' || s[0] == '#') && s[1] == ' ')
		return 1;
	if (n >= 4 && !memcmp(s, "\xe2\x80\xa2", 3)) /* bullet */
		return 1;
	size_t i = 0;
	while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* swar_load_upto, or 0 when the bytes hold one >= 0x80 (the caller then
 * goes a character at a time). */
static inline size_t load_ascii(const char *s, size_t i, size_t n, uint64_t *x)
{
	size_t k = swar_load_upto(s, i, n, x);
	return *x & SWAR_HIGH ? 0 : k;
}

/* The width of the ASCII run from s[*i] (a printable byte a column),
 * advancing *i to its end. */
static unsigned ascii_width(const char *s, size_t n, size_t *i)
{
	unsigned w = 0;
	size_t j = *i, k;
	uint64_t x;
	while (j < n && (k = load_ascii(s, j, n, &x)) != 0) {
		w += swar_count(swar_ge(x, 0x20));
		j += k;
	}
	while (j < n && (unsigned char)s[j] < 0x80)
		w += (unsigned char)s[j++] >= 0x20;
	*i = j;
	return w;
}

/* segment_measure of a line of printable ASCII: a column a byte, no CJK,
 * so only the indent, the first space and the trailing spaces are
 * looked for. */
/* The indent (spaces and tabs), blank and item of line s[0..n); returns
 * the indent's length (n for a blank line). */
static size_t measure_start(const char *s, size_t n, struct segment_line *l)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	l->indent = (unsigned)i;
	l->blank = i == n;
	if (!l->blank)
		l->item = (unsigned char)is_item_start(s + i, n - i);
	return i;
}

static void measure_printable(const char *s, size_t n, struct segment_line *l)
{
	size_t i = measure_start(s, n, l), j;
	if (l->blank)
		return;
	const char *sp = memchr(s + i, ' ', n - i);
	j = sp ? (size_t)(sp - s) : n;
	l->firstword = (unsigned)(j - i);
	while (s[n - 1] == ' ')   /* s[i] is not a space */
		n--;
	l->width = (unsigned)(n - i);
}

void segment_measure(const char *text, struct segment_line *l)
{
	if (l->printable) {
		measure_printable(text + l->off, l->len, l);
		return;
	}
	const char *s = text + l->off;
	size_t n = l->len, i = measure_start(s, n, l), k;
	if (l->blank)
		return;
	/* The first character (not a space: the indent is past). */
	unsigned char c = (unsigned char)s[i];
	utf8proc_int32_t cp = c < 0x80 ? (utf8proc_int32_t)s[i++] : uprop_next(s, n, &i);
	utf8proc_int32_t first = cp;
	unsigned w = c < 0x80 ? (c >= 0x20) : uprop_width(cp);
	l->width += w;
	l->firstword += w;
	/* The rest of the first word, up to its space, eight ASCII bytes
	 * at a time where it can. */
	while (i < n && cp != ' ') {
		uint64_t x;
		if ((k = load_ascii(s, i, n, &x)) != 0) {
			uint64_t sp = swar_eq(x, ' '), pr = swar_ge(x, 0x20);
			if (!sp) {
				w = swar_count(pr);
				l->width += w;
				l->firstword += w;
				i += k;
				cp = (unsigned char)s[i - 1];
				continue;
			}
			/* The lanes below the first space, then the space. */
			uint64_t below = (sp & -sp) - 1;
			w = swar_count(pr & below);
			l->width += w + 1;
			l->firstword += w;
			i += (size_t)__builtin_ctzll(sp) / 8 + 1;
			cp = ' ';
			break;
		}
		c = (unsigned char)s[i];
		cp = c < 0x80 ? (utf8proc_int32_t)s[i++] : uprop_next(s, n, &i);
		w = c < 0x80 ? (c >= 0x20) : uprop_width(cp);
		l->width += w;
		if (cp != ' ')
			l->firstword += w;
	}
	/* The rest: runs of ASCII (a column a printable byte) in one go. */
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			l->width += ascii_width(s, n, &i);
			cp = (unsigned char)s[i - 1];
		} else if (n - i >= 2 && uprop_letter_lead((unsigned char)s[i]) &&
		           ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			/* A run of letters a column each (Cyrillic, Latin
			 * Extended), two bytes at a time, not one by one. */
			do {
				i += 2;
				l->width++;
			} while (n - i >= 2 && uprop_letter_lead((unsigned char)s[i]) &&
			         ((unsigned char)s[i + 1] & 0xC0) == 0x80);
			cp = 0x100;   /* none of them is CJK */
		} else {
			cp = uprop_next(s, n, &i);
			l->width += uprop_width(cp);
		}
	}
	/* A CJK line can break anywhere: its "first word" is one character. */
	l->cjk_start = first >= 0x2E80 && norm_is_cjk((unsigned)first);
	l->cjk_end = cp >= 0x2E80 && norm_is_cjk((unsigned)cp);
	if (l->cjk_start)
		l->firstword = uprop_width(first);
	while (l->width && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--, l->width--;
}

/* The widest wrap width. */
#define WRAP_MAX 132

/* Is the text wrapped at maxw: at least 8 of its nonblank lines end
 * near maxw, and they are a fifth of the lines, or half of the wide
 * lines (a whole-page dump of lynx or w3m is mostly short menu lines
 * around wrapped paragraphs)? */
static int wrapped(size_t near, size_t wide, size_t nonblank)
{
	return near >= 8 && (near * 5 >= nonblank || near * 2 >= wide);
}

void segment_wrap_widths(const struct segment_line *ls, size_t n, unsigned *w, unsigned *fw)
{
	/* The three widest line widths, distinct, widest first, and how
	 * many lines have each width (all past 132 in one count: no wrap
	 * width is wider). */
	unsigned top[3] = { 0, 0, 0 };
	size_t nonblank = 0, count[WRAP_MAX + 2] = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (ls[i].blank)
			continue;
		nonblank++;
		unsigned lw = ls[i].indent + ls[i].width;
		count[lw <= WRAP_MAX ? lw : WRAP_MAX + 1]++;
		if (lw <= top[2] || lw == top[0] || lw == top[1])
			continue;
		top[2] = lw;
		for (int k = 2; k > 0 && top[k] > top[k - 1]; k--) {
			unsigned t = top[k];
			top[k] = top[k - 1];
			top[k - 1] = t;
		}
	}
	*w = *fw = 0;
	if (!top[0] || (top[0] > WRAP_MAX && top[1] > WRAP_MAX && top[2] > WRAP_MAX))
		return;
	/* From the top: count[v] becomes the lines at least v wide. */
	for (int v = WRAP_MAX; v >= 0; v--)
		count[v] += count[v + 1];
	for (int k = 0; k < 3 && top[k] && !*fw; k++)
		if (top[k] <= WRAP_MAX &&
		    wrapped(count[top[k] > 12 ? top[k] - 12 : 0], count[(top[k] + 1) / 2], nonblank))
			*fw = top[k];
	if (*fw == top[0])
		*w = *fw;
}

static int joins_next(const struct segment_line *a, const struct segment_line *b, unsigned w)
{
	if (a->blank || b->blank || b->item)
		return 0;
	if (a->colw)
		w = a->colw;
	return a->indent + a->width + 1 + b->firstword > w;
}

/* The lanes of w (any bytes) that are not printable ASCII: >= 0x7F or
 * below ' '. */
static inline uint64_t swar_unprintable(uint64_t w)
{
	uint64_t x = w & ~SWAR_HIGH;
	return (w | ~(x + SWAR_ONES * 0x60) | (x + SWAR_ONES)) & SWAR_HIGH;
}

size_t segment_line_end(const char *s, size_t i, size_t n, unsigned char *printable)
{
	*printable = 1;
	for (; n - i >= 8; i += 8) {
		uint64_t m = swar_unprintable(swar_load(s + i));
		if (!m)
			continue;
		/* the lowest lane is the first byte */
		size_t j = i + (size_t)__builtin_ctzll(m) / 8;
		if (s[j] == '\n' || s[j] == '\r')
			return j;
		*printable = 0;
		for (i = j + 1; n - i >= 8; i += 8) {
			uint64_t w = swar_load(s + i);
			if ((m = swar_eq(w, '\n') | swar_eq(w, '\r')) != 0)
				return i + (size_t)__builtin_ctzll(m) / 8;
		}
		break;
	}
	for (; i < n && s[i] != '\n' && s[i] != '\r'; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
			*printable = 0;
	return i;
}

static int split_lines(const char *text, size_t len, size_t max_line,
                       struct segment_line **out, size_t *nout)
{
	size_t cap = 256, n = 0, i = 0;
	/* Not calloc: each entry is cleared as it is filled. */
	struct segment_line *ls = malloc(cap * sizeof(*ls));
	if (!ls)
		return CLEAN_ENOMEM;
	while (i < len) {
		unsigned char printable;
		size_t j = segment_line_end(text, i, len, &printable);
		if (j - i > max_line) {
			free(ls);
			return CLEAN_ETOOBIG;
		}
		if (n == cap) {
			struct segment_line *p = realloc(ls, (cap *= 2) * sizeof(*ls));
			if (!p) {
				free(ls);
				return CLEAN_ENOMEM;
			}
			ls = p;
		}
		ls[n] = (struct segment_line){ .off = i, .len = j - i, .lineno = n,
		                               .printable = printable };
		segment_measure(text, &ls[n]);
		n++;
		if (j < len && text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	*out = ls;
	*nout = n;
	return CLEAN_OK;
}

/* Normalise lines first..last and join them into one segment, written
 * straight to the document's text (nothing when they normalise to
 * nothing). */
static int add_joined(struct clean_doc *d, const char *text, const struct segment_line *ls,
                      size_t first, size_t last, unsigned flags, int blank)
{
	unsigned nf = (flags & CLEAN_F_ASCII) ? NORM_ASCII : 0;
	struct buf *t = &d->text;
	size_t start = t->len;
	int rc = CLEAN_OK;
	for (size_t k = first; k <= last && !rc; k++) {
		size_t before = t->len;
		if (k > first && !(ls[k - 1].cjk_end && ls[k].cjk_start) && (rc = buf_addch(t, ' ')))
			break;
		size_t mark = t->len;
		rc = norm_line(text + ls[k].off, ls[k].len, nf, t);
		if (!rc && t->len == mark)
			buf_truncate(t, before);
	}
	if (!rc && t->len > start) {
		rc = doc_end_seg(d, start, (uint32_t)(ls[first].lineno + 1), SEG_TEXT, blank);
		if (!rc)
			d->segs[d->nsegs - 1].nlines = (uint16_t)(last - first + 1 > 65535 ? 65535 : last - first + 1);
	}
	if (rc)
		buf_truncate(t, start);
	return rc;
}

/*
 * Side-by-side columns. w3m -dump lays a layout table's cells side by
 * side, so one line can hold an article line and a sidebar line. A
 * column block is a run of lines in a wrapped dump on which one display
 * column (the gutter) is blank, with enough lines holding prose on both
 * sides of it; it is emitted as column 1's pieces, a blank line, then
 * column 2's pieces, each column re-wrapped at its own width.
 */
#define OCC_COLS 192 /* occupancy bits: wrapped text is at most 132 wide */
#define COL_MIN 16   /* no gutter left of this column */
#define COL_SPAN 300 /* a block is at most this many lines */

struct colblock {
	size_t first, last; /* lines of the block */
	unsigned col;       /* the gutter: column col - 1 is blank, col starts column 2 */
};

static int occ_at(const uint64_t *occ, unsigned c)
{
	return c < OCC_COLS && (occ[c >> 6] >> (c & 63) & 1);
}

/* Into out, the columns c >= COL_MIN of occ that start text after 3
 * blank columns (c - 1, c - 2, c - 3). */
static void gap_starts(const uint64_t *occ, uint64_t out[3])
{
	for (int k = 0; k < 3; k++) {
		/* bit c of (occ << s) is column c - s */
		uint64_t s1 = occ[k] << 1 | (k ? occ[k - 1] >> 63 : 0);
		uint64_t s2 = occ[k] << 2 | (k ? occ[k - 1] >> 62 : 0);
		uint64_t s3 = occ[k] << 3 | (k ? occ[k - 1] >> 61 : 0);
		out[k] = occ[k] & ~(s1 | s2 | s3);
	}
	out[0] &= ~(((uint64_t)1 << COL_MIN) - 1);
}

/* Whether any of columns [0, c) of occ is set. */
static int any_below(const uint64_t *occ, unsigned c)
{
	for (unsigned k = 0; k < c >> 6; k++)
		if (occ[k])
			return 1;
	return (c & 63) && (occ[c >> 6] & (((uint64_t)1 << (c & 63)) - 1));
}

/* Set occ (OCC_COLS bits) to the display columns of line l that hold a
 * visible character. Returns 0, or -1 for a line with a tab or a control
 * character or wider than OCC_COLS (its columns are not known). */
static int line_occ(const char *text, const struct segment_line *l, uint64_t occ[3])
{
	const char *s = text + l->off;
	size_t i = 0;
	unsigned col = 0;
	occ[0] = occ[1] = occ[2] = 0;
	while (i < l->len) {
		unsigned char c = (unsigned char)s[i];
		utf8proc_int32_t cp = c < 0x80 ? (utf8proc_int32_t)s[i++] : uprop_next(s, l->len, &i);
		if (cp < 0x20 || cp == 0x7f)
			return -1;
		unsigned w = c < 0x80 ? 1 : uprop_width(cp);
		if (col + w > OCC_COLS)
			return -1;
		for (unsigned k = 0; cp != ' ' && k < w; k++)
			occ[(col + k) >> 6] |= (uint64_t)1 << ((col + k) & 63);
		col += w;
	}
	return 0;
}

/* The occupancy of recent lines: a block's growth reads the lines after
 * its start, and the next start's growth reads them again. */
#define OCC_CACHE 512
struct occcache {
	size_t line[OCC_CACHE]; /* line + 1, or 0 for an empty slot */
	int rc[OCC_CACHE];
	uint64_t occ[OCC_CACHE][3];
};

/* line_occ of ls[j], through the cache c; *occ points into it. */
static int cached_occ(struct occcache *c, const char *text, const struct segment_line *ls,
                      size_t j, const uint64_t **occ)
{
	size_t k = j % OCC_CACHE;
	if (c->line[k] != j + 1) {
		c->rc[k] = line_occ(text, &ls[j], c->occ[k]);
		c->line[k] = j + 1;
	}
	*occ = c->occ[k];
	return c->rc[k];
}

/* Width (first to last visible column) of columns [from, to) of occ, and
 * in *gap whether a run of 3 or more blank columns lies inside it. */
static unsigned span_of(const uint64_t *occ, unsigned from, unsigned to, int *gap)
{
	unsigned first = to, last = 0, run = 0;
	*gap = 0;
	for (unsigned c = from; c < to; c++) {
		if (!occ_at(occ, c)) {
			run++;
			continue;
		}
		if (first == to)
			first = c;
		else if (run >= 3)
			*gap = 1;
		last = c;
		run = 0;
	}
	return first == to ? 0 : last - first + 1;
}

/* Tallies of a candidate block, to judge it (block_ok). */
struct coltally {
	size_t split, wide, table; /* lines with text both sides; gap >= 3; gaps inside a piece */
	size_t left, right;        /* summed piece widths over the split lines */
};

/* The extent of a block from line i at gutter c: the lines where column
 * c - 1 is blank (3 blank lines, a line crossing the gutter or COL_SPAN
 * lines end it). Returns its last non-blank line (a column can go on
 * alone after the other ends), with *lines the non-blank lines in it and
 * *reach the last line looked at. */
static size_t block_extent(struct occcache *oc, const char *text, const struct segment_line *ls,
                           size_t n, size_t i, unsigned c, size_t *lines, size_t *reach)
{
	size_t last = i, blanks = 0, j;
	const uint64_t *occ;
	*lines = 0;
	for (j = i; j < n && j - i < COL_SPAN; j++) {
		if (ls[j].blank) {
			if (++blanks >= 3)
				break;
			continue;
		}
		blanks = 0;
		if (cached_occ(oc, text, ls, j, &occ) || occ_at(occ, c - 1))
			break;
		last = j;
		++*lines;
	}
	*reach = j > i ? j - 1 : i;
	return last;
}

/* Tally lines i..last (inside one block_extent) at gutter c into *t. */
static void tally_block(struct occcache *oc, const char *text, const struct segment_line *ls,
                        size_t i, size_t last, unsigned c, struct coltally *t)
{
	const uint64_t *occ;
	for (size_t j = i; j <= last; j++) {
		if (ls[j].blank || cached_occ(oc, text, ls, j, &occ))
			continue;
		int lgap, rgap;
		unsigned lw = span_of(occ, 0, c - 1, &lgap);
		unsigned rw = span_of(occ, c, OCC_COLS, &rgap);
		if (!lw || !rw)
			continue;
		t->split++;
		t->wide += !occ_at(occ, c - 2) && !occ_at(occ, c - 3);
		t->table += lgap || rgap;
		t->left += lw;
		t->right += rw;
	}
}

/* A block is columns of prose: 4 or more lines with text both sides,
 * 2 of them with a gap of 3 or more, few pieces with gaps of their own
 * (a data table), and pieces wide enough on average. */
static int block_ok(const struct coltally *t)
{
	return t->split >= 4 && t->wide >= 2 && t->table * 4 <= t->split &&
	       t->left >= 15 * t->split && t->right >= 10 * t->split;
}

/* The column blocks of ls[0..n), in order, into *out (*nout of them).
 * Linear: a gutter column is grown over a line at most once (seen[c] is
 * past the last line its growth looked at). */
static int find_blocks(const char *text, const struct segment_line *ls, size_t n,
                       struct colblock **out, size_t *nout)
{
	size_t cap = 0, nb = 0, seen[OCC_COLS] = { 0 };
	struct colblock *b = NULL;
	struct occcache *oc = calloc(1, sizeof(*oc));
	const uint64_t *occ;
	if (!oc)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (ls[i].blank || cached_occ(oc, text, ls, i, &occ))
			continue;
		uint64_t starts[3];
		gap_starts(occ, starts);
		for (unsigned c = COL_MIN; c < OCC_COLS; c++) {
			if (!(starts[c >> 6] >> (c & 63) & 1)) {
				if (!(starts[c >> 6] >> (c & 63)))
					c |= 63; /* no more in this word */
				continue;
			}
			if (i < seen[c] || !any_below(occ, c - 3))
				continue;
			struct coltally t = { 0 };
			size_t lines, reach, last = block_extent(oc, text, ls, n, i, c, &lines, &reach);
			seen[c] = reach + 1;
			if (lines < 4)
				continue;
			tally_block(oc, text, ls, i, last, c, &t);
			if (!block_ok(&t))
				continue;
			if (nb == cap) {
				struct colblock *p = realloc(b, (cap = cap ? 2 * cap : 16) * sizeof(*b));
				if (!p) {
					free(b);
					free(oc);
					return CLEAN_ENOMEM;
				}
				b = p;
			}
			b[nb++] = (struct colblock){ i, last, c };
			i = last;
			break;
		}
	}
	free(oc);
	*out = b;
	*nout = nb;
	return CLEAN_OK;
}

/* Byte offset in line l where display column c starts (l->len if the
 * line is narrower). */
static size_t col_byte(const char *text, const struct segment_line *l, unsigned c)
{
	const char *s = text + l->off;
	size_t i = 0;
	unsigned col = 0;
	while (i < l->len && col < c) {
		unsigned char ch = (unsigned char)s[i];
		utf8proc_int32_t cp = ch < 0x80 ? (utf8proc_int32_t)s[i++] : uprop_next(s, l->len, &i);
		col += ch < 0x80 ? 1 : uprop_width(cp);
	}
	return i;
}

/* Bytes [from, to) of line l as a measured line of its own. */
static void make_piece(const char *text, const struct segment_line *l, size_t from, size_t to,
                       struct segment_line *p)
{
	memset(p, 0, sizeof(*p));
	p->off = l->off + from;
	p->len = to - from;
	p->lineno = l->lineno;
	segment_measure(text, p);
}

/* Append block b of ls to out (at *k): its left pieces, a blank line, its
 * right pieces, a blank line. Each column re-wraps at its widest piece;
 * the right one at least at the rest of the width fw (a sidebar of short
 * headlines does not show its cell's width). */
static void emit_block(const char *text, const struct segment_line *ls, const struct colblock *b,
                       unsigned fw, struct segment_line *out, size_t *k)
{
	for (int side = 0; side < 2; side++) {
		size_t start = *k;
		unsigned w = side == 0 || fw <= b->col ? 0 : fw - b->col;
		for (size_t j = b->first; j <= b->last; j++) {
			size_t cut = col_byte(text, &ls[j], b->col);
			if (side == 0)
				make_piece(text, &ls[j], 0, cut, &out[*k]);
			else
				make_piece(text, &ls[j], cut, ls[j].len, &out[*k]);
			if (!out[*k].blank && out[*k].indent + out[*k].width > w)
				w = out[*k].indent + out[*k].width;
			(*k)++;
		}
		for (size_t j = start; j < *k; j++)
			out[j].colw = w;
		memset(&out[*k], 0, sizeof(out[*k]));
		out[*k].blank = 1;
		out[*k].lineno = ls[b->last].lineno;
		(*k)++;
	}
}

/* The lines of ls[0..n) (a fixed-width rendering fw columns wide) with
 * their column blocks split, into *out (*nout lines); *out is NULL when
 * there are none. */
static int split_columns(const char *text, const struct segment_line *ls, size_t n,
                         unsigned fw, struct segment_line **out, size_t *nout)
{
	struct colblock *b;
	size_t nb;
	*out = NULL;
	int rc = find_blocks(text, ls, n, &b, &nb);
	if (rc || nb == 0)
		return rc;
	struct segment_line *o = malloc((2 * n + 2 * nb) * sizeof(*o));
	if (!o) {
		free(b);
		return CLEAN_ENOMEM;
	}
	size_t k = 0, next = 0;
	for (size_t i = 0; i < n; i++) {
		if (next < nb && b[next].first == i) {
			emit_block(text, ls, &b[next], fw, o, &k);
			i = b[next++].last;
		} else {
			o[k++] = ls[i];
		}
	}
	free(b);
	*out = o;
	*nout = k;
	return CLEAN_OK;
}

int segment_text(struct clean_doc *d, const char *text, size_t len,
                 unsigned flags, size_t max_line)
{
	struct segment_line *ls;
	size_t n;
	int rc = split_lines(text, len, max_line, &ls, &n);
	if (rc || n == 0) {
		if (!rc)
			free(ls);
		return rc;
	}
	unsigned w = 0, fw = 0;
	if (!(flags & CLEAN_F_NO_REWRAP))
		segment_wrap_widths(ls, n, &w, &fw);
	struct segment_line *cols = NULL;
	if (fw && (rc = split_columns(text, ls, n, fw, &cols, &n)) != CLEAN_OK) {
		free(ls);
		return rc;
	}
	if (cols) {
		free(ls);
		ls = cols;
	}
	/* The normalised text is rarely longer than the input (a NUL ends
	 * each segment where a line end was): room for it at once spares
	 * the copies of growing there line by line. Only a hint: an append
	 * that finds no room grows the buffer as usual. */
	(void)buf_grow(&d->text, len + 64);
	(void)doc_reserve_segs(d, n);   /* at most a segment a line */
	int blank = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (ls[i].blank) {
			blank = 1;
			continue;
		}
		size_t last = i;
		while ((w || ls[last].colw) && last + 1 < n && last - i < 200 && joins_next(&ls[last], &ls[last + 1], w))
			last++;
		size_t before = d->nsegs;
		rc = add_joined(d, text, ls, i, last, flags, blank);
		if (d->nsegs > before)
			blank = 0;
		else
			blank = 1;
		i = last;
	}
	free(ls);
	return rc;
}
