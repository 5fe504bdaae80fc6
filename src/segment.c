/* segment.c: text to segments, re-joining hard-wrapped lines (segment.h). */
#include "segment.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "doc.h"
#include "normalise.h"

/* One raw line of the input, located before anything is normalised. */
struct rawline {
	size_t off, len;
	unsigned width;      /* display columns after leading spaces */
	unsigned indent;     /* leading spaces */
	unsigned firstword;  /* display columns of the first word */
	unsigned char blank, item, cjk_end, cjk_start;
};

static unsigned char_width(utf8proc_int32_t cp)
{
	int w = utf8proc_charwidth(cp);
	return w < 0 ? 0 : (unsigned)w;
}

/* Decode one code point at s[*i] (valid UTF-8 is guaranteed). */
static utf8proc_int32_t next_cp(const char *s, size_t n, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
	                                      (utf8proc_ssize_t)(n - *i), &cp);
	*i += k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

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

/* Measure a raw line: widths in columns, first word, CJK at its ends. */
static void measure(const char *text, struct rawline *l)
{
	const char *s = text + l->off;
	size_t n = l->len, i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	l->indent = (unsigned)i;
	l->blank = i == n;
	if (l->blank)
		return;
	l->item = (unsigned char)is_item_start(s + i, n - i);
	utf8proc_int32_t cp = 0, first = -1;
	/* The first word, up to its space. */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		/* ASCII is one column: no table lookup on the common path. */
		cp = c < 0x80 ? (utf8proc_int32_t)s[i++] : next_cp(s, n, &i);
		if (first < 0)
			first = cp;
		unsigned w = c < 0x80 ? (c >= 0x20) : char_width(cp);
		l->width += w;
		if (cp == ' ')
			break;
		l->firstword += w;
	}
	/* The rest: runs of ASCII (a column a printable byte) in one go. */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			size_t j = i;
			unsigned w = 0;
			while (j < n && (unsigned char)s[j] < 0x80)
				w += (unsigned char)s[j++] >= 0x20;
			l->width += w;
			cp = (unsigned char)s[j - 1];
			i = j;
		} else {
			cp = next_cp(s, n, &i);
			l->width += char_width(cp);
		}
	}
	/* A CJK line can break anywhere: its "first word" is one character. */
	l->cjk_start = (unsigned char)norm_is_cjk((unsigned)first);
	l->cjk_end = (unsigned char)norm_is_cjk((unsigned)cp);
	if (l->cjk_start)
		l->firstword = char_width(first);
	while (l->width && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--, l->width--;
}

/* The wrap width, or 0 when the text does not look hard-wrapped: at
 * least 8 lines end near the widest one, and they are a fifth of the
 * lines, or half of the lines at least half as wide (a whole-page dump
 * of lynx or w3m is mostly short menu lines around wrapped paragraphs). */
static unsigned wrap_width(const struct rawline *ls, size_t n)
{
	unsigned maxw = 0;
	size_t nonblank = 0, near = 0, wide = 0;
	for (size_t i = 0; i < n; i++)
		if (!ls[i].blank) {
			nonblank++;
			if (ls[i].indent + ls[i].width > maxw)
				maxw = ls[i].indent + ls[i].width;
		}
	if (maxw == 0 || maxw > 132)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ls[i].blank) {
			near += ls[i].indent + ls[i].width + 12 >= maxw;
			wide += 2 * (ls[i].indent + ls[i].width) >= maxw;
		}
	return near >= 8 && (near * 5 >= nonblank || near * 2 >= wide) ? maxw : 0;
}

static int joins_next(const struct rawline *a, const struct rawline *b, unsigned w)
{
	if (a->blank || b->blank || b->item)
		return 0;
	return a->indent + a->width + 1 + b->firstword > w;
}

static int split_lines(const char *text, size_t len, size_t max_line,
                       struct rawline **out, size_t *nout)
{
	size_t cap = 256, n = 0, i = 0;
	struct rawline *ls = malloc(cap * sizeof(*ls));
	if (!ls)
		return CLEAN_ENOMEM;
	while (i < len) {
		/* The line ends at the first \n or \r. */
		const char *nl = memchr(text + i, '\n', len - i);
		size_t j = nl ? (size_t)(nl - text) : len;
		const char *cr = memchr(text + i, '\r', j - i);
		if (cr)
			j = (size_t)(cr - text);
		if (j - i > max_line) {
			free(ls);
			return CLEAN_ETOOBIG;
		}
		if (n == cap) {
			struct rawline *p = realloc(ls, (cap *= 2) * sizeof(*ls));
			if (!p) {
				free(ls);
				return CLEAN_ENOMEM;
			}
			ls = p;
		}
		memset(&ls[n], 0, sizeof(ls[n]));
		ls[n].off = i;
		ls[n].len = j - i;
		measure(text, &ls[n]);
		n++;
		if (j < len && text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	*out = ls;
	*nout = n;
	return CLEAN_OK;
}

/* Normalise lines first..last and join them into one segment. */
static int add_joined(struct clean_doc *d, const char *text, const struct rawline *ls,
                      size_t first, size_t last, unsigned flags, int blank,
                      struct buf *tmp)
{
	unsigned nf = (flags & CLEAN_F_ASCII) ? NORM_ASCII : 0;
	buf_clear(tmp);
	for (size_t k = first; k <= last; k++) {
		size_t before = tmp->len;
		if (k > first && !(ls[k - 1].cjk_end && ls[k].cjk_start))
			if (buf_addch(tmp, ' '))
				return CLEAN_ENOMEM;
		size_t mark = tmp->len;
		int rc = norm_line(text + ls[k].off, ls[k].len, nf, tmp);
		if (rc)
			return rc;
		if (tmp->len == mark)
			buf_truncate(tmp, before);
	}
	if (tmp->len == 0)
		return CLEAN_OK;
	int rc = doc_add_seg(d, tmp->ptr, tmp->len, (uint32_t)(first + 1), SEG_TEXT, blank);
	if (!rc)
		d->segs[d->nsegs - 1].nlines = (uint16_t)(last - first + 1 > 65535 ? 65535 : last - first + 1);
	return rc;
}

int segment_text(struct clean_doc *d, const char *text, size_t len,
                 unsigned flags, size_t max_line)
{
	struct rawline *ls;
	size_t n;
	int rc = split_lines(text, len, max_line, &ls, &n);
	if (rc)
		return rc;
	unsigned w = (flags & CLEAN_F_NO_REWRAP) ? 0 : wrap_width(ls, n);
	struct buf tmp;
	buf_init(&tmp, 0);
	int blank = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (ls[i].blank) {
			blank = 1;
			continue;
		}
		size_t last = i;
		while (w && last + 1 < n && last - i < 200 && joins_next(&ls[last], &ls[last + 1], w))
			last++;
		size_t before = d->nsegs;
		rc = add_joined(d, text, ls, i, last, flags, blank, &tmp);
		if (d->nsegs > before)
			blank = 0;
		else
			blank = 1;
		i = last;
	}
	buf_release(&tmp);
	free(ls);
	return rc;
}
