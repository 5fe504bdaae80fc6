/*
 * html.c: an HTML page to segments, keeping the main content only; the
 * contract is in html.h.
 *
 * The work is done in five steps, each a short pass over flat arrays:
 *   1. bytes to UTF-8 (html_to_utf8): BOM or valid UTF-8 as is, else the
 *      charset named in a <meta> of the first 4 KiB, else decode_to_utf8
 *      (uchardet);
 *   2. a pre-pass (html_prepass) that leaves out what gumbo would spend
 *      time on for nothing: the bodies of scripts and styles, comments,
 *      and, as a guard against absurd nesting (gumbo spends time
 *      proportional to the depth on every start tag), start tags nested
 *      deeper than HTML_MAX_DEPTH;
 *   3. one iterative walk over the gumbo tree (explicit stack) that drops
 *      invisible and chrome elements, reads the metadata, and flattens the
 *      body into an array of elements (struct html_node, in document
 *      order, so a subtree is a contiguous range) and an array of text
 *      blocks (struct html_block: the inline text of one block element);
 *   4. scoring: every block is judged content-like ("good") or
 *      boilerplate-like ("bad") from its length, punctuation and link
 *      density (the items of a teaser list are boilerplate whatever their
 *      text); sums go up the tree; the main content is the element with
 *      the highest good - bad balance, and its siblings that are content
 *      too are taken with it (pages split into several sections); when
 *      that is too little, or a small part of <main>, the whole page (or
 *      the whole <main>) less its boilerplate-like subtrees is kept;
 *   5. the edges of the main content are trimmed (html_trim: the title,
 *      byline and date before the first paragraph, short lines after the
 *      last; and the page's title anywhere at the head), and the kept
 *      blocks become segments, each normalised with norm_line (lines
 *      split by <br> joined unless they read as a list).
 * The JSON-LD articleBody, when much longer than what the DOM gave, is
 * taken instead (a page whose body is filled in by script).
 *
 * Costs: memory is linear in the page; time is linear but for gumbo.
 */
#define _GNU_SOURCE /* strcasestr */
#include "html.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>
#include <jansson.h>

#include "clean.h"
#include "buf.h"
#include "decode.h"
#include "doc.h"
#include "normalise.h"

/* Start tags nested deeper than this are dropped before parsing. */
#define HTML_MAX_DEPTH 512
/* How far into the page a <meta> charset is looked for. */
#define HTML_PRESCAN 4096

/* ---- growable arrays ---- */

static int html_reserve(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return CLEAN_OK;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return CLEAN_ENOMEM;
	*p = q;
	*cap = n;
	return CLEAN_OK;
}

/* ---- sniffing ---- */

static int html_prefix_ci(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && !strncasecmp(s, pre, k);
}

/* A case-insensitive memmem for an ASCII needle that starts with a
 * non-letter ("<meta", "-->"), so the first byte can be found with memchr. */
static const char *html_find_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	const char *end = s + n, *p = s;
	while (p + k <= end && (p = memchr(p, needle[0], (size_t)(end - p) - k + 1))) {
		if (!strncasecmp(p, needle, k))
			return p;
		p++;
	}
	return NULL;
}

/*
 * Does the input look like HTML? True when, after a BOM and white space,
 * it starts with a doctype, a comment or one of the usual top tags, or
 * when its first KiB holds <html, <head, <body, <meta or <div.
 */
int html_sniff(const char *bytes, size_t len)
{
	static const char *const starts[] = {
		"<!doctype html", "<html", "<head", "<body", "<!--", "<meta",
		"<title", "<div", "<p>", "<?xml"
	};
	static const char *const inside[] = {
		"<html", "<head", "<body", "<meta ", "<div", "<p>", "<br"
	};
	size_t i = 0;
	if (len >= 3 && !memcmp(bytes, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n\f", bytes[i]))
		i++;
	for (size_t k = 0; k < sizeof(starts) / sizeof(*starts); k++)
		if (html_prefix_ci(bytes + i, len - i, starts[k]))
			return 1;
	size_t n = len < 1024 ? len : 1024;
	for (size_t k = 0; k < sizeof(inside) / sizeof(*inside); k++)
		if (html_find_ci(bytes, n, inside[k]))
			return 1;
	return 0;
}

/* ---- charset ---- */

/*
 * The charset a <meta charset=X> or <meta http-equiv=Content-Type
 * content="...; charset=X"> in the first HTML_PRESCAN bytes names, copied
 * to name (NUL-terminated); "" when there is none.
 */
static void html_meta_charset(const char *s, size_t len, char *name, size_t size)
{
	size_t n = len < HTML_PRESCAN ? len : HTML_PRESCAN;
	const char *end = s + n, *p = s;
	name[0] = '\0';
	while ((p = html_find_ci(p, (size_t)(end - p), "<meta")) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		const char *tend = gt ? gt : end;
		const char *c = p, *hit = NULL;
		p += 5;
		for (; c < tend && (c = memchr(c, '=', (size_t)(tend - c))); c++) {
			const char *q = c;      /* "charset" before the '=' */
			while (q > p && isspace((unsigned char)q[-1]))
				q--;
			if (q - p >= 7 && !strncasecmp(q - 7, "charset", 7)) {
				hit = c;
				break;
			}
		}
		if (!hit)
			continue;
		c = hit;
		while (c < tend && strchr(" \t\r\n=\"'", *c))
			c++;
		size_t k = 0;
		while (c < tend && k + 1 < size &&
		       (isalnum((unsigned char)*c) || strchr("-_:.", *c)))
			name[k++] = *c++;
		name[k] = '\0';
		if (k)
			return;
	}
}

/* The iconv name for a charset label, with the WHATWG aliases that
 * matter: Latin-1 and ASCII labels mean Windows-1252, GB2312 and GBK
 * mean GB18030, EUC-KR means CP949. */
static const char *html_iconv_name(const char *label)
{
	static const char *const map[][2] = {
		{ "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
		{ "latin1", "WINDOWS-1252" }, { "latin-1", "WINDOWS-1252" },
		{ "us-ascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
		{ "iso-8859-9", "WINDOWS-1254" }, { "gb2312", "GB18030" },
		{ "gbk", "GB18030" }, { "euc-kr", "CP949" }, { "x-sjis", "SHIFT_JIS" },
		{ "tis-620", "CP874" }, { "windows-874", "CP874" }
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (!strcasecmp(label, map[i][0]))
			return map[i][1];
	return label;
}

static int html_is_utf8_label(const char *label)
{
	return !strcasecmp(label, "utf-8") || !strcasecmp(label, "utf8") ||
	       !strncasecmp(label, "utf-16", 6) || !strcasecmp(label, "unicode");
}

/*
 * Convert in[0..len) from charset cs to UTF-8, appending to out. A byte
 * sequence that cs does not define becomes U+FFFD, one a byte, counted in
 * *replaced. Returns CLEAN_ECHARSET when iconv does not know cs.
 */
static int html_iconv(const char *cs, const char *in, size_t len, struct buf *out,
                      size_t *replaced)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return CLEAN_ECHARSET;
	char *ip = (char *)in;
	size_t il = len;
	int rc = CLEAN_OK;
	while (il > 0 && !rc) {
		rc = buf_grow(out, il * 2 + 16);
		if (rc)
			break;
		char *op = out->ptr + out->len;
		size_t ol = out->cap - out->len - 1;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->ptr);
		out->ptr[out->len] = '\0';
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		rc = buf_add(out, "\xEF\xBF\xBD", 3);
		(*replaced)++;
		ip++;
		il--;
		if (errno == EINVAL) {     /* cut sequence at the end */
			*replaced += il;
			il = 0;
		}
	}
	iconv_close(cd);
	return rc;
}

/*
 * The page as UTF-8 in out. A BOM, or bytes that are valid UTF-8, decide
 * first (pages often declare a charset they are not in, and valid UTF-8
 * with multibyte characters is almost never anything else); then a
 * declared charset; then decode_to_utf8's detection.
 */
static int html_to_utf8(const char *in, size_t len, struct buf *out, size_t *replaced)
{
	char label[40];
	int bom = (len >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3)) ||
	          (len >= 2 && (!memcmp(in, "\xFF\xFE", 2) || !memcmp(in, "\xFE\xFF", 2)));
	if (bom || utf8_valid(in, len))
		return decode_to_utf8(in, len, out, replaced);
	html_meta_charset(in, len, label, sizeof(label));
	if (label[0] && !html_is_utf8_label(label)) {
		size_t start = out->len;
		*replaced = 0;
		int rc = html_iconv(html_iconv_name(label), in, len, out, replaced);
		if (rc != CLEAN_ECHARSET)
			return rc;
		buf_truncate(out, start);
	}
	return decode_to_utf8(in, len, out, replaced);
}

/* ---- nesting guard ---- */

/* Elements whose content is raw text: no tags inside to count. */
static const char *const html_rawtext[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes", "plaintext", NULL
};

/* Elements that do not nest when written open-ended: void elements and
 * those whose end tag is implied by a sibling. */
static const char *const html_flat[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "param", "source", "track", "wbr", "p", "li", "dt", "dd",
	"option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
	"rb", "rt", "rp", "keygen", "basefont", "bgsound", "frame", NULL
};

static int html_in_list(const char *const *list, const char *name, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncasecmp(*list, name, n))
			return 1;
	return 0;
}

/* Skip a tag from s[i] == '<' to just past its '>', honouring quoted
 * attribute values. */
static size_t html_skip_tag(const char *s, size_t len, size_t i)
{
	char q = 0;
	for (i++; i < len; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return len;
}

/* Is the start tag s[0..n) a <script> of JSON-LD (kept for the metadata)? */
static int html_is_ld_json(const char *s, size_t n)
{
	return html_find_ci(s, n, "ld+json") != NULL;
}

/*
 * The pre-pass over s[0..len), a light tokenizer that counts open
 * elements, copying s to out without:
 *   - start tags (and their end tags) nested deeper than HTML_MAX_DEPTH;
 *   - the bodies of <script> (but JSON-LD), <style> and <svg>, and
 *     comments: never shown as text, they are most of the bytes of a page
 *     today (60% of the ScrapingHub set), and gumbo reads them a character
 *     at a time. (An <svg> inside an <svg> ends the skip early; what
 *     follows is parsed, and dropped with the element as before.)
 * The tags themselves stay, so the tree is the same.
 */
static int html_prepass(const char *s, size_t len, struct buf *out)
{
	const char *svg_close = s;     /* NULL once no "</svg" is left */
	size_t depth = 0, i = 0, from = 0;
	int rc = CLEAN_OK;
	while (i < len && !rc) {
		const char *lt = memchr(s + i, '<', len - i);
		if (!lt)
			break;
		i = (size_t)(lt - s);
		size_t start = i, n = 0;
		int end = i + 1 < len && s[i + 1] == '/';
		if (html_prefix_ci(s + i, len - i, "<!--")) {
			const char *e = html_find_ci(s + i + 4, len - i - 4, "-->");
			i = e ? (size_t)(e - s) + 3 : len;
			rc = buf_add(out, s + from, start - from);
			from = i;
			continue;
		}
		const char *name = s + i + 1 + end;
		while (name + n < s + len && isalnum((unsigned char)name[n]))
			n++;
		if (!n || !isalpha((unsigned char)name[0])) {
			i = html_skip_tag(s, len, i);
			continue;
		}
		i = html_skip_tag(s, len, i);
		int drop = 0;
		if (end) {
			if (!html_in_list(html_flat, name, n) && depth > 0)
				drop = depth-- > HTML_MAX_DEPTH;
		} else if (html_in_list(html_rawtext, name, n) ||
		           (html_in_list((const char *const[]){ "svg", NULL }, name, n) &&
		            s[i - 2] != '/' && svg_close &&
		            (svg_close = html_find_ci(s + i, len - i, "</svg")))) {
			char close[16] = "</";
			memcpy(close + 2, name, n < 12 ? n : 12);
			close[2 + (n < 12 ? n : 12)] = '\0';
			const char *e = html_find_ci(s + i, len - i, close);
			size_t body = i;
			i = e ? (size_t)(e - s) : len;
			if ((html_in_list((const char *const[]){ "script", NULL }, name, n) &&
			     !html_is_ld_json(s + start, body - start)) ||
			    html_in_list((const char *const[]){ "style", "svg", NULL }, name, n)) {
				rc = buf_add(out, s + from, body - from);
				from = i;
			}
			continue;
		} else if (!html_in_list(html_flat, name, n) && s[i - 2] != '/') {
			drop = ++depth > HTML_MAX_DEPTH;
		}
		if (drop) {
			rc = buf_add(out, s + from, start - from);
			from = i;
		}
	}
	if (!rc)
		rc = buf_add(out, s + from, len - from);
	return rc;
}

/* ---- flattened page ---- */

enum {
	HN_POSITIVE = 1 << 0,  /* article, main, itemprop=articleBody, role=main */
	HN_PRUNED = 1 << 1,    /* boilerplate-like subtree: not output */
	HN_SOFT = 1 << 2,      /* form, header, noscript: boilerplate unless
	                          big (some sites serve the page for crawlers
	                          in a <noscript>) */
	HN_CAPTION = 1 << 3,   /* a <figcaption> or inside one: not output */
	HN_TEASER = 1 << 4,    /* an item of a teaser list or inside one */
	HN_CAPCLASS = 1 << 5   /* its class says caption: HN_CAPTION if short */
};

struct html_node {
	int parent;            /* index in nodes, -1 for the first */
	uint32_t end;          /* one past the last node of the subtree */
	uint32_t blk0, blk1;   /* the subtree's blocks: [blk0, blk1) */
	uint16_t tag;          /* GumboTag */
	uint16_t depth;
	int8_t hint;           /* class/id: +1 content-like, -1 boilerplate-like */
	uint8_t flags;
	uint32_t cls;          /* hash of the tag and class attribute */
	float good, bad;       /* content and boilerplate weight of the subtree */
	float text, link;      /* characters, and characters inside links */
};

struct html_block {
	size_t off, len;       /* raw text in html_page.text */
	int owner;             /* innermost block element */
	float chars, link;     /* characters (CJK count 2), in links */
	uint16_t depth;
	uint8_t kind;          /* enum seg_kind */
	uint8_t keep;
	int8_t hint;           /* the nearest class/id hint on the way up */
	uint16_t punct;        /* sentence punctuation: , . ! ? and CJK ones */
	uint8_t lead_link;     /* its first character is inside a link */
};

struct html_meta {
	char *v[META_N];
	char *title;           /* <title>, used when there is no og:title */
	char *canonical;       /* <link rel=canonical>, preferred to og:url */
	char *ld_body;         /* longest JSON-LD articleBody */
	int article;           /* the page says it is an article: og:type,
	                          a JSON-LD headline, an <article> */
};

/* Pages repeat their class values: the hints of the last values seen,
 * by a 64-bit hash of the value (distinct values that collide are too
 * unlikely to matter). */
#define HTML_HINT_CACHE 512
struct html_hint_cache {
	uint64_t key[HTML_HINT_CACHE];   /* 0: empty */
	int8_t pos[HTML_HINT_CACHE], neg[HTML_HINT_CACHE];
};

struct html_page {
	struct html_node *nodes;
	size_t nnodes, ncap;
	struct html_block *blocks;
	size_t nblocks, bcap;
	struct buf text;       /* raw block texts, '&' escaped for norm_line */
	/* the inline text being gathered */
	size_t cur_off;
	float cur_chars, cur_link;
	uint16_t cur_punct;
	uint8_t cur_lead_link;
	int pending_space;
	struct html_meta meta;
	struct html_hint_cache hints;
	int main;              /* the first <main> or role=main node, or -1 */
};

struct html_frame {
	const GumboNode *g;
	unsigned child;
	int node;              /* its html_node, or -1 if none made */
	int owner;             /* innermost block element (for its text) */
	uint8_t kind;          /* segment kind of text inside */
	uint8_t in_link, in_pre, block;
	int8_t hint;           /* nearest hint */
};

/* ---- element classes ---- */

static int html_is_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD:
	case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
	case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FORM:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER:
	case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR: case GUMBO_TAG_HTML:
	case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
	case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
	case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_LEGEND: case GUMBO_TAG_LISTING: case GUMBO_TAG_PLAINTEXT:
	case GUMBO_TAG_XMP: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_FRAMESET:
		return 1;
	default:
		return 0;
	}
}

/* Elements never shown as text, or always page chrome. */
static int html_is_dropped(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH:
	case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS:
	case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_TEXTAREA:
	case GUMBO_TAG_INPUT: case GUMBO_TAG_DATALIST: case GUMBO_TAG_MAP:
	case GUMBO_TAG_APPLET: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_FRAMESET:
		return 1;
	default:
		return 0;
	}
}

static int html_kind(GumboTag t, int inherited)
{
	switch (t) {
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
		return SEG_HEADING;
	case GUMBO_TAG_LI: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
		return SEG_ITEM;
	case GUMBO_TAG_BLOCKQUOTE:
		return SEG_QUOTE;
	case GUMBO_TAG_TR:
		return SEG_ROW;
	case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP:
	case GUMBO_TAG_PLAINTEXT:
		return SEG_PRE;
	case GUMBO_TAG_P:
		return inherited == SEG_QUOTE ? SEG_QUOTE : SEG_PARA;
	default:
		return inherited;
	}
}

static const char *html_attr(const GumboElement *el, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);
	return a ? a->value : NULL;
}

/* Does the inline style hide the element (display:none, visibility:hidden)? */
static int html_style_hidden(const char *style)
{
	char flat[256];
	size_t k = 0;
	for (const char *p = style; *p && k + 1 < sizeof(flat); p++)
		if (!isspace((unsigned char)*p))
			flat[k++] = (char)tolower((unsigned char)*p);
	flat[k] = '\0';
	return strstr(flat, "display:none") || strstr(flat, "visibility:hidden");
}

/* Is the element a segment of a streamed page (React's server rendering
 * sends each late part as <div hidden id="S:N">, and a script moves it
 * into its place at once): hidden in the source, shown on the page. */
static int html_is_streamed(const GumboElement *el)
{
	const char *id = html_attr(el, "id");
	return id && id[0] == 'S' && id[1] == ':' && isdigit((unsigned char)id[2]);
}

static int html_is_hidden(const GumboElement *el)
{
	const char *v;
	if (gumbo_get_attribute(&el->attributes, "hidden") && !html_is_streamed(el))
		return 1;
	if ((v = html_attr(el, "aria-hidden")) && !strcasecmp(v, "true"))
		return 1;
	if ((v = html_attr(el, "style")) && html_style_hidden(v))
		return 1;
	return 0;
}

/* Class/id words that mark content, and boilerplate. Long words match
 * inside a token ("sidebar-left"), short ones only as the whole token or
 * its start. */
static const char *const html_pos_words[] = {
	"article", "content", "entry", "post", "story", "body", "text",
	"artikel", "articulo", "articolo", "contenu", "inhalt", "contenido",
	"conteudo", "contenuto", "tresc", NULL
};
static const char *const html_neg_words[] = {
	"menu", "footer", "header", "sidebar", "comment", "share", "sharing",
	"social", "related", "promo", "cookie", "newsletter", "breadcrumb",
	"subscribe", "widget", "popup", "modal", "banner", "sponsor",
	"masthead", "pagination", "pager", "signup", "login", "advert",
	"disqus", "outbrain", "taboola", "recommend", "navbar", "navigation",
	"toolbar", "byline", "copyright", "consent", "gdpr", "trending",
	"popular", "newsfeed", "dropdown", "offcanvas", "overlay", "signature",
	/* the same in other languages: comments, share, related, ads */
	"kommentar", "komentar", "commentaire", "reactie", "teilen",
	"partage", "compartir", "compartilh", "condivid", "udostepnij",
	"relacionad", "correlat", "powiazane", "verwandt", "gerelateerd",
	"similaire", "aehnlich", "werbung", "anzeige", "publicidad",
	"pubblicit", "reklam", "anuncio", "meistgelesen", "masleido",
	"populaire", "popularne", NULL
};
static const char *const html_neg_short[] = {
	"nav", "ad", "ads", "adv", "tags", "tag", "skip", "share", "author",
	"meta", "hidden", "print", "rss", "follow", "more", "teaser", "promo",
	NULL
};

static int html_token_hint(const char *t, size_t n)
{
	char w[64];
	if (n >= sizeof(w))
		n = sizeof(w) - 1;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)t[i]);
	w[n] = '\0';
	for (const char *const *p = html_neg_short; *p; p++)
		if (!strcmp(w, *p))
			return -1;
	for (const char *const *p = html_neg_words; *p; p++)
		if (strstr(w, *p))
			return -1;
	for (const char *const *p = html_pos_words; *p; p++)
		if (strstr(w, *p))
			return 1;
	return 0;
}

/* The hint of a class or id value: -1 when some token is boilerplate-like
 * and none content-like, +1 the other way round, else 0. */
static void html_value_hint(const char *v, int *pos, int *neg)
{
	while (*v) {
		while (*v && !isalnum((unsigned char)*v))
			v++;
		const char *s = v;
		while (isalnum((unsigned char)*v))
			v++;
		if (v > s) {
			int h = html_token_hint(s, (size_t)(v - s));
			*pos |= h > 0;
			*neg |= h < 0;
		}
	}
}

static void html_value_hint_cached(struct html_hint_cache *c, const char *v, int *pos,
                                   int *neg)
{
	uint64_t h = 1469598103934665603u;
	for (const char *p = v; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h |= 1;
	size_t k = (size_t)(h >> 40) % HTML_HINT_CACHE;
	if (c->key[k] != h) {
		int p = 0, n = 0;
		html_value_hint(v, &p, &n);
		c->key[k] = h;
		c->pos[k] = (int8_t)p;
		c->neg[k] = (int8_t)n;
	}
	*pos |= c->pos[k];
	*neg |= c->neg[k];
}

static int html_hint(struct html_hint_cache *c, const GumboElement *el)
{
	int pos = 0, neg = 0;
	const char *v;
	if ((v = html_attr(el, "class")))
		html_value_hint_cached(c, v, &pos, &neg);
	if ((v = html_attr(el, "id")))
		html_value_hint(v, &pos, &neg);
	return pos == neg ? 0 : pos ? 1 : -1;
}

/* ---- metadata ---- */

static void html_meta_put(struct html_meta *m, int key, const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (m->v[key] || !n)
		return;
	m->v[key] = strndup(v, n);
}

static void html_meta_puts(struct html_meta *m, int key, const char *v)
{
	if (v)
		html_meta_put(m, key, v, strlen(v));
}

/* A JSON-LD author: a string, an object with a name, or an array. */
static const char *html_ld_name(const json_t *a)
{
	if (json_is_array(a))
		a = json_array_get(a, 0);
	if (json_is_string(a))
		return json_string_value(a);
	if (json_is_object(a))
		return json_string_value(json_object_get(a, "name"));
	return NULL;
}

/* Read a JSON-LD object and the objects it holds (@graph, arrays), down
 * to a small depth: JSON-LD that matters is shallow. */
static void html_ld_walk(struct html_meta *m, const json_t *j, int depth)
{
	if (depth > 4)
		return;
	if (json_is_array(j)) {
		size_t i;
		json_t *e;
		json_array_foreach(j, i, e)
			html_ld_walk(m, e, depth + 1);
		return;
	}
	if (!json_is_object(j))
		return;
	const char *body = json_string_value(json_object_get(j, "articleBody"));
	if (body && (!m->ld_body || strlen(body) > strlen(m->ld_body))) {
		free(m->ld_body);
		m->ld_body = strdup(body);
	}
	if (body || json_object_get(j, "headline")) {
		m->article = 1;
		html_meta_puts(m, META_AUTHOR, html_ld_name(json_object_get(j, "author")));
		html_meta_puts(m, META_DATE,
		               json_string_value(json_object_get(j, "datePublished")));
		html_meta_puts(m, META_SITENAME, html_ld_name(json_object_get(j, "publisher")));
	}
	html_ld_walk(m, json_object_get(j, "@graph"), depth + 1);
	html_ld_walk(m, json_object_get(j, "mainEntity"), depth + 1);
}

static void html_ld_json(struct html_meta *m, const GumboNode *script)
{
	const GumboVector *c = &script->v.element.children;
	if (c->length != 1)
		return;
	const GumboNode *t = c->data[0];
	if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_CDATA &&
	    t->type != GUMBO_NODE_WHITESPACE)
		return;
	json_error_t err;
	json_t *j = json_loads(t->v.text.text, JSON_DECODE_ANY, &err);
	if (!j)
		return;
	html_ld_walk(m, j, 0);
	json_decref(j);
}

static const char *html_text_child(const GumboNode *n)
{
	const GumboVector *c = &n->v.element.children;
	for (unsigned i = 0; i < c->length; i++) {
		const GumboNode *t = c->data[i];
		if (t->type == GUMBO_NODE_TEXT)
			return t->v.text.text;
	}
	return NULL;
}

/* What an element tells about the page: <title>, <meta>, <link
 * rel=canonical>, <time>, JSON-LD, <html lang>. */
static void html_read_meta(struct html_meta *m, const GumboNode *n, int in_body)
{
	const GumboElement *el = &n->v.element;
	const char *p, *c;
	switch (el->tag) {
	case GUMBO_TAG_HTML:
		html_meta_puts(m, META_LANGUAGE, html_attr(el, "lang"));
		break;
	case GUMBO_TAG_ARTICLE:
		m->article = 1;
		break;
	case GUMBO_TAG_TITLE:
		if (!in_body && !m->title && (c = html_text_child(n)))
			m->title = strdup(c);
		break;
	case GUMBO_TAG_META:
		c = html_attr(el, "content");
		if (!c)
			break;
		p = html_attr(el, "property");
		if (!p)
			p = html_attr(el, "name");
		if (!p)
			p = html_attr(el, "itemprop");
		if (!p)
			break;
		if (!strcasecmp(p, "og:type") && !strncasecmp(c, "article", 7))
			m->article = 1;
		if (!strcasecmp(p, "og:title"))
			html_meta_puts(m, META_TITLE, c);
		else if (!strcasecmp(p, "og:site_name"))
			html_meta_puts(m, META_SITENAME, c);
		else if ((!strcasecmp(p, "author") || !strcasecmp(p, "article:author") ||
		          !strcasecmp(p, "dc.creator")) && strncmp(c, "http", 4))
			html_meta_puts(m, META_AUTHOR, c);
		else if (!strcasecmp(p, "article:published_time") ||
		         !strcasecmp(p, "datePublished") || !strcasecmp(p, "date") ||
		         !strcasecmp(p, "dc.date") || !strcasecmp(p, "pubdate"))
			html_meta_puts(m, META_DATE, c);
		else if (!strcasecmp(p, "og:url"))
			html_meta_puts(m, META_URL, c);
		break;
	case GUMBO_TAG_LINK:
		if ((p = html_attr(el, "rel")) && !strcasecmp(p, "canonical") && !m->canonical &&
		    (c = html_attr(el, "href")))
			m->canonical = strdup(c);
		break;
	case GUMBO_TAG_TIME:
		if (in_body)
			html_meta_puts(m, META_DATE, html_attr(el, "datetime"));
		break;
	case GUMBO_TAG_SCRIPT:
		if ((p = html_attr(el, "type")) && !strcasecmp(p, "application/ld+json"))
			html_ld_json(m, n);
		break;
	default:
		break;
	}
}

/* ---- the walk: DOM to nodes and blocks ---- */

static int html_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Sentence punctuation: ASCII , . ! ? ; and the CJK full stop, comma and
 * enumeration comma (E3 80 81/82, EF BC 8C). */
static int html_punct(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];
	if (c == ',' || c == '.' || c == '!' || c == '?' || c == ';')
		return 1;
	if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0x81 || s[i + 2] == 0x82))
		return 1;
	return c == 0xEF && i + 2 < n && s[i + 1] == 0xBC && s[i + 2] == 0x8C;
}

/*
 * Append the text of a text node to the block being gathered. Outside
 * <pre>, a run of white space is one pending space, written only before
 * the next visible character of the same block: so inline elements join
 * with exactly the spaces the source has. '&' is written as "&amp;"
 * because gumbo has already decoded references and norm_line decodes
 * them again.
 */
static int html_add_text(struct html_page *pg, const char *text, const struct html_frame *f)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	int rc = CLEAN_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = s[i];
		if (!f->in_pre && html_is_space(c)) {
			pg->pending_space = 1;
			continue;
		}
		if (c == '\r')
			continue;
		if (pg->pending_space && pg->text.len > pg->cur_off)
			rc = buf_addch(&pg->text, ' ');
		pg->pending_space = 0;
		if (!rc)
			rc = c == '&' ? buf_add(&pg->text, "&amp;", 5) : buf_addch(&pg->text, c);
		if ((c & 0xC0) != 0x80 && !html_is_space(c)) {
			float w = c >= 0xE3 && c <= 0xED ? 2.0f : 1.0f;
			if (pg->cur_chars == 0)
				pg->cur_lead_link = f->in_link;
			pg->cur_chars += w;
			if (f->in_link)
				pg->cur_link += w;
		}
		pg->cur_punct += html_punct(s, i, n);
	}
	return rc;
}

/* End the block being gathered, if it holds anything visible; it belongs
 * to the innermost block element of frame f. br tells that a <br> ended
 * it (so no paragraph break follows). */
static int html_flush(struct html_page *pg, const struct html_frame *f, int br)
{
	size_t len = pg->text.len - pg->cur_off;
	int rc = CLEAN_OK;
	if (pg->cur_chars > 0) {
		rc = html_reserve((void **)&pg->blocks, &pg->bcap, pg->nblocks + 1,
		                  sizeof(*pg->blocks));
		if (rc)
			return rc;
		struct html_block *b = &pg->blocks[pg->nblocks++];
		memset(b, 0, sizeof(*b));
		b->off = pg->cur_off;
		b->len = len;
		b->owner = f->owner;
		b->chars = pg->cur_chars;
		b->link = pg->cur_link;
		b->punct = pg->cur_punct;
		b->lead_link = pg->cur_lead_link;
		b->kind = f->in_pre ? SEG_PRE : f->kind;
		b->hint = f->hint;
		b->depth = f->owner >= 0 ? pg->nodes[f->owner].depth : 0;
		b->keep = br;   /* reused below as "ended by <br>" until output */
		pg->cur_off = pg->text.len;
	} else {
		buf_truncate(&pg->text, pg->cur_off);
	}
	pg->cur_chars = pg->cur_link = 0;
	pg->cur_punct = 0;
	pg->cur_lead_link = 0;
	pg->pending_space = 0;
	return rc;
}

static const GumboVector *html_children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return &n->v.element.children;
}

/* Does the class name the element a caption (of a photo, a video)? The
 * sites without <figcaption> mark their captions this way; it is taken
 * for one only when short (html_p.caption_text), not a wrapper. */
static int html_is_caption(const GumboElement *el)
{
	const char *v = html_attr(el, "class");
	return v && strcasestr(v, "caption");
}

/* Make the html_node of element g, child of frame up. */
static int html_new_node(struct html_page *pg, const struct html_frame *up,
                         const GumboNode *g, int hint, int *idx)
{
	const GumboElement *el = &g->v.element;
	int rc = html_reserve((void **)&pg->nodes, &pg->ncap, pg->nnodes + 1,
	                      sizeof(*pg->nodes));
	if (rc)
		return rc;
	struct html_node *n = &pg->nodes[pg->nnodes];
	memset(n, 0, sizeof(*n));
	n->parent = up->node;
	n->tag = (uint16_t)el->tag;
	n->depth = up->node >= 0 && pg->nodes[up->node].depth < UINT16_MAX ?
	           (uint16_t)(pg->nodes[up->node].depth + 1) : 0;
	n->hint = (int8_t)hint;
	n->blk0 = (uint32_t)pg->nblocks;
	const char *v = html_attr(el, "class");
	n->cls = 2166136261u ^ el->tag;
	for (; v && *v; v++)
		n->cls = (n->cls ^ (unsigned char)*v) * 16777619u;
	int is_main = el->tag == GUMBO_TAG_MAIN ||
	              ((v = html_attr(el, "role")) && !strcasecmp(v, "main"));
	if (is_main && pg->main < 0)
		pg->main = (int)pg->nnodes;
	if (is_main || el->tag == GUMBO_TAG_ARTICLE ||
	    ((v = html_attr(el, "itemprop")) && !strcasecmp(v, "articleBody")))
		n->flags |= HN_POSITIVE;
	if (el->tag == GUMBO_TAG_FORM || el->tag == GUMBO_TAG_HEADER ||
	    el->tag == GUMBO_TAG_NOSCRIPT ||
	    ((v = html_attr(el, "role")) && !strcasecmp(v, "banner")))
		n->flags |= HN_SOFT;
	if (el->tag == GUMBO_TAG_FIGCAPTION ||
	    (up->node >= 0 && (pg->nodes[up->node].flags & HN_CAPTION)))
		n->flags |= HN_CAPTION;
	else if (html_is_caption(el))
		n->flags |= HN_CAPCLASS;
	if (n->flags & HN_POSITIVE)
		n->hint = 1;
	*idx = (int)pg->nnodes++;
	return CLEAN_OK;
}

/* Is the element left out with its subtree? */
static int html_skip(const GumboNode *g)
{
	const GumboElement *el = &g->v.element;
	const char *v;
	if (g->type == GUMBO_NODE_TEMPLATE || html_is_dropped(el->tag) || html_is_hidden(el))
		return 1;
	if (el->tag == GUMBO_TAG_TITLE || el->tag == GUMBO_TAG_META ||
	    el->tag == GUMBO_TAG_LINK || el->tag == GUMBO_TAG_BASE)
		return 1;
	v = html_attr(el, "role");
	return v && (!strcasecmp(v, "navigation") || !strcasecmp(v, "contentinfo") ||
	             !strcasecmp(v, "complementary") || !strcasecmp(v, "dialog") ||
	             !strcasecmp(v, "menu") || !strcasecmp(v, "menubar"));
}

struct html_stack {
	struct html_frame *f;
	size_t n, cap;
};

/* Enter element g below frame up: read its metadata, then unless it is
 * skipped give it a node and push its frame. */
static int html_enter(struct html_page *pg, struct html_stack *st, const GumboNode *g,
                      int in_body)
{
	const struct html_frame *up = &st->f[st->n - 1];
	GumboTag tag = g->v.element.tag;
	int rc = CLEAN_OK;
	html_read_meta(&pg->meta, g, in_body);
	if (html_skip(g))
		return CLEAN_OK;
	if (tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR)
		return html_flush(pg, up, tag == GUMBO_TAG_BR);
	if ((tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) && pg->text.len > pg->cur_off) {
		pg->pending_space = 0;
		rc = buf_add(&pg->text, " | ", 3);
	}
	/* a boilerplate-like inline element is made a block of its own, so
	 * that pruning it takes exactly its text */
	int hint = html_hint(&pg->hints, &g->v.element);
	int block = html_is_block(tag) || tag == GUMBO_TAG_NOSCRIPT ||
	            (tag != GUMBO_TAG_A && hint < 0);
	if (!rc && block)
		rc = html_flush(pg, up, 0);
	if (rc)
		return rc;
	rc = html_reserve((void **)&st->f, &st->cap, st->n + 1, sizeof(*st->f));
	if (rc)
		return rc;
	up = &st->f[st->n - 1];
	struct html_frame *f = &st->f[st->n];
	int idx;
	if ((rc = html_new_node(pg, up, g, hint, &idx)))
		return rc;
	f->g = g;
	f->child = 0;
	f->node = idx;
	f->owner = block ? idx : up->owner;
	f->kind = (uint8_t)html_kind(tag, up->kind);
	f->in_link = up->in_link || tag == GUMBO_TAG_A;
	f->in_pre = up->in_pre || html_kind(tag, 0) == SEG_PRE;
	f->block = (uint8_t)block;
	f->hint = pg->nodes[idx].hint ? pg->nodes[idx].hint : up->hint;
	st->n++;
	return CLEAN_OK;
}

static int html_leave(struct html_page *pg, struct html_stack *st)
{
	struct html_frame *f = &st->f[st->n - 1];
	int rc = f->block ? html_flush(pg, f, 0) : CLEAN_OK;
	if (f->node >= 0) {
		pg->nodes[f->node].end = (uint32_t)pg->nnodes;
		pg->nodes[f->node].blk1 = (uint32_t)pg->nblocks;
	}
	st->n--;
	return rc;
}

/* Walk the tree from the document node, depth first with an explicit
 * stack; text in <head> is not gathered. */
static int html_walk(struct html_page *pg, const GumboNode *root)
{
	struct html_stack st = { 0 };
	int rc = html_reserve((void **)&st.f, &st.cap, 64, sizeof(*st.f));
	if (rc)
		return rc;
	memset(&st.f[0], 0, sizeof(st.f[0]));
	st.f[0].g = root;
	st.f[0].node = st.f[0].owner = -1;
	st.f[0].kind = SEG_PARA;
	st.n = 1;
	int in_head = 0;
	while (st.n && !rc) {
		struct html_frame *f = &st.f[st.n - 1];
		const GumboVector *c = html_children(f->g);
		if (f->child >= c->length) {
			if (f->g->type == GUMBO_NODE_ELEMENT && f->g->v.element.tag == GUMBO_TAG_HEAD)
				in_head = 0;
			if (st.n == 1) {
				rc = html_flush(pg, f, 0);
				st.n = 0;
			} else {
				rc = html_leave(pg, &st);
			}
			continue;
		}
		const GumboNode *g = c->data[f->child++];
		switch (g->type) {
		case GUMBO_NODE_TEXT: case GUMBO_NODE_CDATA: case GUMBO_NODE_WHITESPACE:
			if (!in_head)
				rc = html_add_text(pg, g->v.text.text, f);
			break;
		case GUMBO_NODE_ELEMENT: case GUMBO_NODE_TEMPLATE:
			if (g->v.element.tag == GUMBO_TAG_HEAD)
				in_head = 1;
			rc = html_enter(pg, &st, g, !in_head);
			break;
		default:
			break;
		}
	}
	free(st.f);
	return rc;
}

/* ---- scoring ---- */

/* Tuning knobs, fixed: tuned on the training parts of the benchmarks only
 * (ScrapingHub split.tsv train, WCXB ids <= 0700). */
static const struct html_params {
	float min_good;        /* non-link characters of a content-like block */
	float min_good_punct;  /* ... when it has sentence punctuation */
	float max_ld;          /* link density above which a block is boilerplate */
	float punct_bonus;     /* weight of a punctuation mark */
	float short_bad;       /* weight of the text of a short block */
	float beta;            /* weight of boilerplate against content */
	float prune_share;     /* a hinted subtree is pruned below this share of content */
	float sib_share;       /* a sibling joins with this share of the best's content */
	float sib_bad;         /* ... and at most this bad/good ratio */
	float out_ld;          /* kept blocks' link density limit */
	float ld_fallback;     /* JSON-LD body wins when this much longer */
	float pos_bonus;       /* factor for article/main/articleBody */
	float weak;            /* less content kept than this: whole page mode */
	float weak_main;       /* ... or less than this, and less than */
	float main_share;      /* ... this share of the text of <main> */
	unsigned lead_blocks;  /* at most this many blocks are trimmed at the head */
	float lead_chars;      /* ... with at most this many characters */
	unsigned tail_blocks;  /* the same at the tail */
	float tail_chars;
	float br_line;         /* <br> lines shorter than this on average stay lines */
	float teaser_link;     /* a teaser has at least this many link characters, */
	float teaser_text;     /* ... at most this many characters, */
	float teaser_ld;       /* ... and at least this link density */
	float caption_text;    /* an element classed a caption is one up to this size */
	unsigned title_blocks; /* the title is looked for in this many first blocks */
} html_p = {
	.title_blocks = 3,
	.caption_text = 300,
	.teaser_link = 20, .teaser_text = 400, .teaser_ld = 0.15f,
	.lead_blocks = 8, .lead_chars = 400, .tail_blocks = 8, .tail_chars = 400,
	.br_line = 40,
	.weak = 300, .weak_main = 1000, .main_share = 0.25f,
	.min_good = 50, .min_good_punct = 20, .max_ld = 0.5f, .punct_bonus = 5,
	.short_bad = 0.5f, .beta = 0.7f, .prune_share = 0.5f, .sib_share = 0.15f,
	.sib_bad = 0.5f, .out_ld = 0.7f, .ld_fallback = 2.0f, .pos_bonus = 1.5f
};

/* The content and boilerplate weight of one block; flags are its
 * owner's (HN_PRUNED: all boilerplate; HN_TEASER: never content). */
static void html_block_weight(const struct html_block *b, int flags, float *good, float *bad)
{
	float nonlink = b->chars - b->link;
	float ld = b->chars > 0 ? b->link / b->chars : 0;
	*good = *bad = 0;
	if (flags & HN_PRUNED) {
		*bad = b->chars;
	} else if (flags & HN_TEASER) {
		*bad = b->link + html_p.short_bad * nonlink;
	} else if (b->kind == SEG_HEADING) {
		*bad = b->link;
	} else if (ld <= html_p.max_ld && (nonlink >= html_p.min_good ||
	           (nonlink >= html_p.min_good_punct && b->punct > 0))) {
		*good = nonlink + html_p.punct_bonus * (b->punct < 20 ? b->punct : 20);
		*bad = b->link;
	} else {
		*bad = b->link + html_p.short_bad * nonlink;
	}
}

/* Sum the blocks' weights up the tree (children come after parents, so a
 * backward sweep sees every child before its parent). */
static void html_sum(struct html_page *pg)
{
	for (size_t i = 0; i < pg->nnodes; i++) {
		struct html_node *n = &pg->nodes[i];
		n->good = n->bad = n->text = n->link = 0;
	}
	for (size_t i = 0; i < pg->nblocks;) {
		/* lines split by <br> are weighed as the one paragraph they are */
		struct html_block u = pg->blocks[i];
		while (i + 1 < pg->nblocks && (pg->blocks[i].keep & 1) &&
		       pg->blocks[i + 1].owner == u.owner) {
			i++;
			u.chars += pg->blocks[i].chars;
			u.link += pg->blocks[i].link;
			u.punct = (uint16_t)(u.punct + pg->blocks[i].punct);
		}
		i++;
		if (u.owner < 0)
			continue;
		struct html_node *n = &pg->nodes[u.owner];
		float g, bad;
		html_block_weight(&u, n->flags, &g, &bad);
		n->good += g;
		n->bad += bad;
		n->text += u.chars;
		n->link += u.link;
	}
	for (size_t i = pg->nnodes; i-- > 1;) {
		struct html_node *n = &pg->nodes[i];
		if (n->parent < 0)
			continue;
		struct html_node *p = &pg->nodes[n->parent];
		p->good += n->good;
		p->bad += n->bad;
		p->text += n->text;
		p->link += n->link;
	}
}

/* Does block b end in a cut: "..." or U+2026 (a summary cut short)? */
static int html_ends_cut(const struct html_page *pg, const struct html_block *b)
{
	const char *s = pg->text.ptr + b->off;
	size_t n = b->len;
	while (n && (s[n - 1] == ' ' || s[n - 1] == ']' || s[n - 1] == ')'))
		n--;
	return (n >= 3 && !memcmp(s + n - 3, "...", 3)) ||
	       (n >= 3 && !memcmp(s + n - 3, "\xE2\x80\xA6", 3));
}

/* Is node n shaped like a teaser: short, with a headline link and a
 * summary or a date besides? The headline is one of its first two
 * blocks, a link of its own; or the item starts with a link and its
 * summary is cut short. A link inside a sentence (a digest of news) is
 * not a headline. */
static int html_teaser_shape(const struct html_page *pg, const struct html_node *n)
{
	if (n->link < html_p.teaser_link || n->text > html_p.teaser_text ||
	    n->link < html_p.teaser_ld * n->text || n->blk1 == n->blk0)
		return 0;
	const struct html_block *first = &pg->blocks[n->blk0];
	if (first->lead_link && html_ends_cut(pg, &pg->blocks[n->blk1 - 1]))
		return 1;
	for (uint32_t b = n->blk0; b < n->blk0 + 2 && b + 1 < n->blk1; b++) {
		const struct html_block *k = &pg->blocks[b];
		if (k->link >= html_p.teaser_link && k->link >= 0.8f * k->chars)
			return 1;
	}
	return 0;
}

/*
 * Mark the teaser lists: runs of at least three sibling elements with the
 * same tag and class that are all teaser-shaped (the "more stories" and
 * "related articles" boxes, whose summaries read as content one by one).
 * Their text is weighed as boilerplate, so a list of teasers does not beat
 * the article it sits next to; a page made only of teasers falls back to
 * the whole-page mode.
 */
static void html_mark_teasers(struct html_page *pg)
{
	for (size_t i = 0; i < pg->nnodes; i++) {
		const struct html_node *p = &pg->nodes[i];
		uint32_t run0 = 0, nrun = 0;
		for (uint32_t c = (uint32_t)i + 1; c <= p->end; ) {
			const struct html_node *n = c < p->end ? &pg->nodes[c] : NULL;
			if (n && nrun && n->cls == pg->nodes[run0].cls && html_teaser_shape(pg, n)) {
				nrun++;
			} else {
				for (uint32_t k = run0; nrun >= 3 && k < c; k = pg->nodes[k].end)
					pg->nodes[k].flags |= HN_TEASER;
				run0 = c;
				nrun = n && html_teaser_shape(pg, n);
			}
			if (!n)
				break;
			c = n->end;
		}
	}
}

/* Mark boilerplate-like subtrees (class/id hint, <form>, <header>) that
 * hold less than limit of content; marks go down the tree. Returns the
 * content weight the marks take. */
static float html_prune_below(struct html_page *pg, float limit)
{
	float taken = 0;
	for (size_t i = 0; i < pg->nnodes; i++) {
		struct html_node *n = &pg->nodes[i];
		if (n->parent >= 0)
			n->flags |= pg->nodes[n->parent].flags & (HN_TEASER | HN_CAPTION);
		if ((n->flags & HN_CAPCLASS) && n->text <= html_p.caption_text)
			n->flags |= HN_CAPTION;
		if (n->parent >= 0 && (pg->nodes[n->parent].flags & HN_PRUNED)) {
			n->flags |= HN_PRUNED;
		} else if ((n->hint < 0 || (n->flags & HN_SOFT)) && n->good < limit) {
			n->flags |= HN_PRUNED;
			taken += n->good;
		}
	}
	return taken;
}

/*
 * Prune the subtrees that hold less than a share of the page's content.
 * Some sites put a boilerplate-like word in the class of every content
 * box (a page builder's "widget" around each paragraph); when the marks
 * take most of the content and leave too little for a main text (see
 * html_p.weak), they are no signal, and only
 * the marked subtrees without any content-like block are pruned.
 */
static void html_prune(struct html_page *pg)
{
	float total = 0;
	for (size_t i = 0; i < pg->nnodes; i++)
		if (pg->nodes[i].parent < 0)
			total += pg->nodes[i].good;
	html_mark_teasers(pg);
	float taken = html_prune_below(pg, html_p.prune_share * total);
	if (total - taken >= html_p.weak || taken <= total - taken)
		return;
	for (size_t i = 0; i < pg->nnodes; i++)
		pg->nodes[i].flags &= (uint8_t)~HN_PRUNED;
	html_prune_below(pg, 1);
}

static float html_node_score(const struct html_node *n)
{
	float s = n->good - html_p.beta * n->bad;
	if ((n->flags & HN_POSITIVE) && s > 0)
		s *= html_p.pos_bonus;
	return s;
}

/* The element with the best content balance, or -1. */
static int html_best(const struct html_page *pg)
{
	int best = -1;
	float top = 0;
	for (size_t i = 0; i < pg->nnodes; i++) {
		const struct html_node *n = &pg->nodes[i];
		if ((n->flags & HN_PRUNED) || !html_is_block((GumboTag)n->tag))
			continue;
		float s = html_node_score(n);
		if (best < 0 || s > top) {
			best = (int)i;
			top = s;
		}
	}
	return best;
}

/* Is a sibling of the best element content too: much content and little
 * boilerplate, or the same tag and class as the best one (the posts of a
 * thread, the sections of a long page) and some content? */
static int html_sibling_ok(const struct html_node *c, const struct html_node *best)
{
	if (c->flags & HN_PRUNED)
		return 0;
	if (c->cls == best->cls && c->good > 0 && c->bad <= c->good)
		return 1;
	return c->good > 0 && c->good >= html_p.sib_share * best->good &&
	       c->bad <= html_p.sib_bad * c->good;
}

static void html_keep_range(struct html_page *pg, uint32_t b0, uint32_t b1)
{
	for (uint32_t i = b0; i < b1; i++)
		pg->blocks[i].keep |= 2;
}

/* Mark the blocks of the main content: the best element, and those of its
 * siblings (and of its parent's own text) that look like content. */
static void html_select(struct html_page *pg)
{
	int best = html_best(pg);
	if (best < 0)
		return;
	const struct html_node *b = &pg->nodes[best];
	if (b->parent < 0) {
		html_keep_range(pg, b->blk0, b->blk1);
		return;
	}
	const struct html_node *p = &pg->nodes[b->parent];
	uint32_t cursor = p->blk0;
	for (uint32_t i = (uint32_t)b->parent + 1; i < p->end; i = pg->nodes[i].end) {
		const struct html_node *c = &pg->nodes[i];
		for (; cursor < c->blk0; cursor++) {      /* the parent's own text */
			float g, bad;
			html_block_weight(&pg->blocks[cursor], p->flags, &g, &bad);
			if (g > bad)
				pg->blocks[cursor].keep |= 2;
		}
		if ((int)i == best || html_sibling_ok(c, b))
			html_keep_range(pg, c->blk0, c->blk1);
		cursor = c->blk1;
	}
}

/* ---- output ---- */

/* Is a block of the main content dropped all the same? */
static int html_drop_block(const struct html_page *pg, const struct html_block *b)
{
	if (b->owner >= 0 && (pg->nodes[b->owner].flags & (HN_PRUNED | HN_CAPTION)))
		return 1;
	return b->chars > 0 && b->link / b->chars > html_p.out_ld;
}

/* Normalise s[0..n) and add it as a segment with the block's features. */
static int html_emit(struct clean_doc *doc, struct buf *tmp, const char *s, size_t n,
                     const struct html_block *b, unsigned flags, int blank)
{
	buf_clear(tmp);
	int rc = norm_line(s, n, flags, tmp);
	if (rc || !tmp->len)
		return rc;
	rc = doc_add_seg(doc, tmp->ptr, tmp->len, 0, b ? b->kind : SEG_PARA,
	                 blank);
	if (rc)
		return rc;
	struct seg *g = &doc->segs[doc->nsegs - 1];
	g->lineno = 0;
	if (b) {
		g->link_density = b->chars > 0 ? b->link / b->chars : 0;
		g->depth = b->depth;
		g->class_hint = b->hint;
	}
	return CLEAN_OK;
}

/* A block to segments: one a line for <pre>, else one. */
static int html_emit_block(struct clean_doc *doc, struct buf *tmp, const char *s, size_t n,
                           const struct html_block *b, unsigned flags, int blank)
{
	if (b->kind != SEG_PRE)
		return html_emit(doc, tmp, s, n, b, flags, blank);
	int rc = CLEAN_OK;
	while (n && !rc) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) : n;
		rc = html_emit(doc, tmp, s, k, b, flags | NORM_KEEP_INDENT, blank);
		blank = 0;
		s += k;
		n -= k;
		if (n) {
			s++;
			n--;
		}
	}
	return rc;
}

/* Text of JSON-LD articleBody, one segment a line. '&' is escaped as in
 * the DOM path, since JSON strings hold no references to decode. */
static int html_emit_ld(struct clean_doc *doc, struct buf *tmp, const char *s,
                        unsigned flags)
{
	struct buf line;
	int rc = CLEAN_OK;
	buf_init(&line, 0);
	while (*s && !rc) {
		size_t k = strcspn(s, "\n");
		buf_clear(&line);
		for (size_t i = 0; i < k && !rc; i++)
			rc = s[i] == '&' ? buf_add(&line, "&amp;", 5) : buf_addch(&line, s[i]);
		if (!rc)
			rc = html_emit(doc, tmp, line.ptr, line.len, NULL, flags, 1);
		s += k + (s[k] == '\n');
	}
	buf_release(&line);
	return rc;
}

/*
 * Too little content-like text was found: a product grid, a listing, a
 * page of short items. Keep every block outside the pruned subtrees (the
 * dropped elements, <nav> among them, are gone already), inside the
 * page's <main> if it has one with some text; returns the characters
 * kept.
 */
static float html_weak(struct html_page *pg)
{
	float kept = 0;
	size_t b0 = 0, b1 = pg->nblocks;
	if (pg->main >= 0 && pg->nodes[pg->main].text >= html_p.weak) {
		b0 = pg->nodes[pg->main].blk0;
		b1 = pg->nodes[pg->main].blk1;
	}
	for (size_t i = 0; i < pg->nblocks; i++) {
		struct html_block *b = &pg->blocks[i];
		b->keep &= 1;
		if (i >= b0 && i < b1 &&
		    (b->owner < 0 || !(pg->nodes[b->owner].flags & HN_PRUNED))) {
			b->keep |= 4;
			kept += b->chars;
		}
	}
	return kept;
}

/* The blocks from i up to the end of its paragraph: lines split by <br>
 * are one paragraph. Sets *u to their sum, returns one past the last. */
static size_t html_unit(const struct html_page *pg, size_t i, struct html_block *u)
{
	*u = pg->blocks[i];
	while (i + 1 < pg->nblocks && (pg->blocks[i].keep & 1) &&
	       pg->blocks[i + 1].owner == u->owner) {
		i++;
		u->chars += pg->blocks[i].chars;
		u->link += pg->blocks[i].link;
		u->punct = (uint16_t)(u->punct + pg->blocks[i].punct);
	}
	return i + 1;
}

/*
 * The edges of the main content. At the head: the title, the byline, the
 * date, a kicker, a photo credit; at the tail: a "more stories" heading
 * with its short links, a "tell us what you think". Kept blocks before the
 * first content-like paragraph (see html_block_weight), and after the
 * last, that are headings or too short to be content are let go, as long
 * as they are few and short together (a page of short lines is not
 * trimmed). Returns CLEAN_ENOMEM, or CLEAN_OK.
 */
static int html_trim(struct html_page *pg)
{
	struct unit { size_t b0, b1; float chars; int content; } *u = NULL;
	size_t nu = 0, cap = 0;
	int rc = CLEAN_OK;
	for (size_t i = 0; i < pg->nblocks && !rc;) {
		struct html_block sum;
		size_t j = html_unit(pg, i, &sum);
		if ((pg->blocks[i].keep & 2) && !html_drop_block(pg, &pg->blocks[i]) &&
		    !(rc = html_reserve((void **)&u, &cap, nu + 1, sizeof(*u)))) {
			float g, bad;
			html_block_weight(&sum, sum.owner >= 0 ?
			                  pg->nodes[sum.owner].flags & HN_TEASER : 0, &g, &bad);
			u[nu].b0 = i;
			u[nu].b1 = j;
			u[nu].chars = sum.chars;
			u[nu++].content = g > 0 && sum.kind != SEG_HEADING;
		}
		i = j;
	}
	size_t first = 0, last = nu;
	while (first < nu && !u[first].content)
		first++;
	while (last > first && !u[last - 1].content)
		last--;
	if (!rc && first < nu) {
		float c = 0;
		for (size_t k = 0; k < first; k++)
			c += u[k].chars;
		if (first <= html_p.lead_blocks && c <= html_p.lead_chars)
			for (size_t k = 0; k < first; k++)
				for (size_t i = u[k].b0; i < u[k].b1; i++)
					pg->blocks[i].keep &= (uint8_t)~2;
		c = 0;
		for (size_t k = last; k < nu; k++)
			c += u[k].chars;
		if (nu - last <= html_p.tail_blocks && c <= html_p.tail_chars)
			for (size_t k = last; k < nu; k++)
				for (size_t i = u[k].b0; i < u[k].b1; i++)
					pg->blocks[i].keep &= (uint8_t)~2;
	}
	free(u);
	return rc;
}

static float html_ld_chars(const char *s)
{
	float n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80 && !html_is_space((unsigned char)*s);
	return n;
}

/* Is block b output: kept as main content and not dropped, or kept by
 * the whole-page mode? */
static int html_out_block(const struct html_page *pg, const struct html_block *b)
{
	return ((b->keep & 2) && !html_drop_block(pg, b)) || (b->keep & 4);
}

/* Do the <br>-split lines of blocks [i, j) read as a list (a bullet or a
 * number at the start of a line, or lines too short for running text:
 * an address, a verse, a table of prices), so that they stay lines? */
static int html_list_lines(const struct html_page *pg, size_t i, size_t j)
{
	float chars = 0;
	for (size_t k = i; k < j; k++) {
		const struct html_block *b = &pg->blocks[k];
		const unsigned char *s = (const unsigned char *)pg->text.ptr + b->off;
		size_t n = b->len;
		while (n && *s == ' ')
			s++, n--;
		chars += b->chars;
		if (n && strchr("-*+>#", s[0]))
			return 1;
		if (n >= 2 && (s[0] == 0xC2 && (s[1] == 0xB7 || s[1] == 0xBB)))  /* · » */
			return 1;
		if (n >= 3 && s[0] == 0xE2 &&
		    ((s[1] == 0x80 && (s[2] == 0xA2 || s[2] == 0x93 || s[2] == 0x94)) ||
		     s[1] == 0x96 || s[1] == 0x97 || s[1] == 0x9C || s[1] == 0x9D))
			return 1;   /* • – — ▪ ▶ ● ✓ ✔ ❯ */
		size_t d = 0;
		while (d < n && isdigit(s[d]))
			d++;
		if (d && d < 3 && d < n && (s[d] == '.' || s[d] == ')'))
			return 1;
	}
	return chars < html_p.br_line * (float)(j - i);
}

/* Is the content kept a small part of the page's <main> (one box of a
 * listing, a pricing table, a product page), so that the whole-page mode
 * does better? */
static int html_small_in_main(const struct html_page *pg, float kept)
{
	return pg->main >= 0 && kept < html_p.weak_main &&
	       kept < html_p.main_share * pg->nodes[pg->main].text;
}

/* Is s[0..n) the page's title, or the title less a " | Site" part: at
 * least 10 bytes that the title starts with? Case and the '&' escape
 * aside (s is raw block text). */
static int html_is_title(const struct html_meta *m, const char *s, size_t n)
{
	const char *t = m->v[META_TITLE] ? m->v[META_TITLE] : m->title;
	if (!t || n < 10)
		return 0;
	while (*t && html_is_space((unsigned char)*t))
		t++;
	size_t i = 0;
	for (; i < n && *t; i++, t++) {
		if (s[i] == '&' && !strncmp(s + i, "&amp;", 5))
			i += 4;
		if (tolower((unsigned char)s[i]) != tolower((unsigned char)*t))
			return 0;
	}
	return i == n;
}

/*
 * Let go of the page's title at the head of the output: it is metadata
 * (META_TITLE), and a reader of the text has it there, not in the body.
 * Only among the first html_p.title_blocks blocks output (a "skip to
 * content" or a breadcrumb may come first), so that a title said again
 * in the text stays.
 */
static void html_drop_title(struct html_page *pg)
{
	unsigned seen = 0;
	for (size_t i = 0; i < pg->nblocks && seen < html_p.title_blocks; i++) {
		struct html_block *b = &pg->blocks[i];
		if (!html_out_block(pg, b))
			continue;
		seen++;
		if (b->chars <= 150 && html_is_title(&pg->meta, pg->text.ptr + b->off, b->len)) {
			b->keep &= 1;
			return;
		}
	}
}

static int html_output(struct clean_doc *doc, struct html_page *pg)
{
	unsigned flags = doc->ctx && (doc->ctx->opts.flags & CLEAN_F_ASCII) ? NORM_ASCII : 0;
	struct buf tmp;
	float kept = 0;
	int rc = CLEAN_OK;
	for (size_t i = 0; i < pg->nblocks; i++) {
		struct html_block *b = &pg->blocks[i];
		if ((b->keep & 2) && !html_drop_block(pg, b))
			kept += b->chars;
	}
	if (kept < html_p.weak || html_small_in_main(pg, kept))
		kept = html_weak(pg);
	else if (pg->meta.article)
		rc = html_trim(pg);
	html_drop_title(pg);
	buf_init(&tmp, 0);
	if (!rc && pg->meta.ld_body &&
	    html_ld_chars(pg->meta.ld_body) > html_p.ld_fallback * kept + 200) {
		rc = html_emit_ld(doc, &tmp, pg->meta.ld_body, flags);
		buf_release(&tmp);
		return rc;
	}
	struct buf joined;
	buf_init(&joined, 0);
	int brk = 0;
	for (size_t i = 0; i < pg->nblocks && !rc;) {
		struct html_block u;
		size_t j = html_unit(pg, i, &u);
		if (j - i > 1 && u.kind != SEG_PRE && !html_list_lines(pg, i, j)) {
			/* lines split by <br> in running text: one paragraph */
			buf_clear(&joined);
			for (size_t k = i; k < j && !rc; k++)
				if (html_out_block(pg, &pg->blocks[k]) &&
				    !(rc = joined.len ? buf_addch(&joined, ' ') : CLEAN_OK))
					rc = buf_add(&joined, pg->text.ptr + pg->blocks[k].off,
					             pg->blocks[k].len);
			if (!rc && joined.len)
				rc = html_emit(doc, &tmp, joined.ptr, joined.len, &u, flags, 1);
			brk = 0;
			i = j;
			continue;
		}
		for (; i < j && !rc; i++) {
			struct html_block *b = &pg->blocks[i];
			int by_br = b->keep & 1;
			if (html_out_block(pg, b))
				rc = html_emit_block(doc, &tmp, pg->text.ptr + b->off, b->len, b,
				                     flags, !brk);
			brk = by_br;
		}
	}
	buf_release(&joined);
	buf_release(&tmp);
	return rc;
}

/* ---- the whole ---- */

static int html_put_meta(struct clean_doc *doc, struct html_meta *m, const char *url)
{
	int rc = CLEAN_OK;
	if (!m->v[META_TITLE] && m->title)
		html_meta_puts(m, META_TITLE, m->title);
	if (m->canonical) {
		free(m->v[META_URL]);
		m->v[META_URL] = NULL;
		html_meta_puts(m, META_URL, m->canonical);
	}
	if (!m->v[META_URL] && url)
		html_meta_puts(m, META_URL, url);
	for (int k = 0; k < META_N && !rc; k++) {
		if (!m->v[k])
			continue;
		struct buf t;
		buf_init(&t, 0);
		rc = norm_line(m->v[k], strcspn(m->v[k], "\n"), 0, &t);
		if (!rc && t.len)
			rc = doc_set_meta(doc, k, t.ptr, t.len);
		buf_release(&t);
	}
	return rc;
}

static void html_page_free(struct html_page *pg)
{
	free(pg->nodes);
	free(pg->blocks);
	buf_release(&pg->text);
	for (int k = 0; k < META_N; k++)
		free(pg->meta.v[k]);
	free(pg->meta.title);
	free(pg->meta.canonical);
	free(pg->meta.ld_body);
}

int html_extract(struct clean_doc *doc, const char *bytes, size_t len, const char *url)
{
	struct buf utf8, capped;
	struct html_page pg;
	size_t replaced = 0;
	memset(&pg, 0, sizeof(pg));
	pg.main = -1;
	buf_init(&pg.text, 0);
	buf_init(&utf8, 0);
	buf_init(&capped, 0);
	int rc = html_to_utf8(bytes, len, &utf8, &replaced);
	if (!rc)
		rc = html_prepass(utf8.ptr, utf8.len, &capped);
	buf_release(&utf8);
	if (!rc) {
		doc->replaced += replaced;
		GumboOutput *out = gumbo_parse_with_options(&kGumboDefaultOptions, capped.ptr,
		                                            capped.len);
		if (!out) {
			rc = CLEAN_ENOMEM;
		} else {
			rc = html_walk(&pg, out->document);
			gumbo_destroy_output(&kGumboDefaultOptions, out);
		}
	}
	buf_release(&capped);
	if (!rc) {
		html_sum(&pg);
		html_prune(&pg);
		html_sum(&pg);
		html_select(&pg);
		rc = html_output(doc, &pg);
	}
	if (!rc)
		rc = html_put_meta(doc, &pg.meta, url);
	html_page_free(&pg);
	return rc;
}
