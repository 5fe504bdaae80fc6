/*
 * factor.c: a regex's literal alternatives factored into a trie (factor.h).
 *
 * One pass of recursive descent reads each alternation into its
 * alternatives, each a literal prefix (characters, with their place in
 * the regex and their caseless key) and a tail (the rest, as text, its
 * groups already rewritten); the alternation is then written out again
 * as a trie of the prefixes. The reader knows just enough syntax to find
 * groups, classes, escapes and quantifiers, and gives up on the whole
 * regex at anything else. (prefilter.c reads regexes too, but into sets
 * of strings, which keep neither the text nor the order of alternatives
 * that this rewrite needs.)
 */
#include "factor.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "prefilter.h" /* pf_paired, pf_uncased */

/* Groups nested deeper than this: give up. */
#define FC_MAX_DEPTH 64

/* One literal character of an alternative's prefix. */
struct fc_char {
	size_t off, len;     /* its text in the regex (an escape with its '\') */
	int32_t key;         /* factor_key */
};

/* An alternative: its literal prefix, characters first..first + nlit
 * of the parser's chars (consecutive in the regex too), and the rest. */
struct fc_alt {
	size_t first, nlit;
	struct buf tail;     /* the rest, rewritten */
};

struct fc_parser {
	const char *s;
	size_t i, n;
	size_t max;          /* the size cap of every buffer */
	struct fc_char *chars; /* the literal prefixes of all alternatives */
	size_t nchars, capchars;
	int verbatim;        /* inside a lookbehind: factor nothing */
	int depth;
	int fail;            /* syntax not known here, or a buffer cap hit */
	int nomem;
};

/*
 * A letter's key is its lower case. It is -1 (the character then ends a
 * literal prefix) for controls, for letters with a third caseless match
 * (the Kelvin sign matches k, the long s s, the Angstrom sign å: the
 * signs and the long s have no key, so k, s and å may keep theirs), and
 * for İ and ı, whose Unicode cases are ASCII letters PCRE2 does not pair
 * them with.
 */
int32_t factor_key(int32_t cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return -1;
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (pf_uncased(cp))
		return cp;
	if (!pf_paired(cp))
		return -1;
	int32_t lo = utf8proc_tolower(cp), up = utf8proc_toupper(cp);
	if (lo < 0x80 || up < 0x80 || utf8proc_tolower(up) != lo ||
	    utf8proc_toupper(lo) != up)
		return -1;
	return lo;
}

static void fc_add(struct fc_parser *p, struct buf *b, const char *s, size_t n)
{
	int rc = buf_add(b, s, n);
	if (rc == CLEAN_ENOMEM)
		p->nomem = 1;
	else if (rc)
		p->fail = 1;
}

static int fc_peek(const struct fc_parser *p, size_t k)
{
	return p->i + k < p->n ? (unsigned char)p->s[p->i + k] : -1;
}

/* Does a quantifier follow? ('{' may be a literal: taken as one anyway.) */
static int fc_quantified(const struct fc_parser *p)
{
	int c = fc_peek(p, 0);
	return c == '?' || c == '*' || c == '+' || c == '{';
}

/* Past the UTF-8 character at p->i: its code point, or -1 and fail. */
static int32_t fc_next_cp(struct fc_parser *p)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p->s + p->i,
	                                      (utf8proc_ssize_t)(p->n - p->i), &cp);
	if (k <= 0) {
		p->fail = 1;
		return -1;
	}
	p->i += (size_t)k;
	return cp;
}

/* Is ASCII c not a literal by itself outside a class? ('(', '[', '\\',
 * '|' and ')' are read before this is asked; ']' and '}' are literals to
 * PCRE2, but rare: taken as syntax, they end a literal prefix.) */
static int fc_special(int c)
{
	switch (c) {
	case '.': case '^': case '$': case '?': case '*': case '+':
	case '{': case '}': case ']': case '\0':
		return 1;
	default:
		return 0;
	}
}

static int fc_isalnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* After "[:" in a class: past the name and its ":]". */
static void fc_posix(struct fc_parser *p)
{
	if (fc_peek(p, 0) == '^')
		p->i++;
	while (fc_peek(p, 0) >= 'a' && fc_peek(p, 0) <= 'z')
		p->i++;
	if (fc_peek(p, 0) != ':' || fc_peek(p, 1) != ']')
		p->fail = 1;
	else
		p->i += 2;
}

/* After '[': past the class's closing ']'. */
static void fc_class(struct fc_parser *p)
{
	if (fc_peek(p, 0) == '^')
		p->i++;
	if (fc_peek(p, 0) == ']')
		p->i++; /* a ']' first is a member */
	while (!p->fail) {
		int c = fc_peek(p, 0);
		if (c < 0) {
			p->fail = 1;
			return;
		}
		p->i++;
		if (c == ']')
			return;
		if (c == '\\') {
			int e = fc_peek(p, 0);
			if (e < 0 || e == 'Q' || e == 'E' || e == 'c')
				p->fail = 1; /* \c eats the next character */
			p->i++;
		} else if (c == '[' && fc_peek(p, 0) == ':') {
			p->i++;
			fc_posix(p);
		} else if (c == '[' && (fc_peek(p, 0) == '.' || fc_peek(p, 0) == '=')) {
			p->fail = 1;
		}
	}
}

/* After '\': 1 for a literal character (*cp), 0 for another escape. */
static int fc_escape(struct fc_parser *p, int32_t *cp)
{
	int c = fc_peek(p, 0);
	if (c < 0) {
		p->fail = 1;
		return 0;
	}
	if (c >= 0x80) {
		*cp = fc_next_cp(p);
		return !p->fail;
	}
	p->i++;
	if (!fc_isalnum(c)) {
		*cp = c;
		return 1;
	}
	/* Classes, assertions, controls; their {...} or hex digits, if
	 * any, are copied as they come. */
	if (strchr("bBdDwWsShHvVRXAzZGKNntrfeapPx", c))
		return 0;
	p->fail = 1; /* references, \Q...\E, \c, \o, octal, \g, \k */
	return 0;
}

/* After "(?" and the name's opening '<', '\'' or "P<": past the name
 * and its closing '>' or '\''. */
static void fc_name(struct fc_parser *p, int close)
{
	size_t start = p->i;
	while (fc_peek(p, 0) >= 0 && (fc_isalnum(fc_peek(p, 0)) || fc_peek(p, 0) == '_'))
		p->i++;
	if (p->i == start || fc_peek(p, 0) != close)
		p->fail = 1;
	else
		p->i++;
}

static void fc_alternation(struct fc_parser *p, struct buf *out);

/* After '(': the kind of group, past its opener; 1 for a lookbehind. */
static int fc_group_kind(struct fc_parser *p)
{
	int c = fc_peek(p, 1);
	if (fc_peek(p, 0) == '*') {
		p->fail = 1; /* verbs, (*pla:...) */
		return 0;
	}
	if (fc_peek(p, 0) != '?')
		return 0;
	if (c == ':' || c == '>' || c == '=' || c == '!') {
		p->i += 2;
		return 0;
	}
	if (c == '<' && (fc_peek(p, 2) == '=' || fc_peek(p, 2) == '!')) {
		p->i += 3;
		return 1;
	}
	if (c == '<' || c == '\'') {
		p->i += 2;
		fc_name(p, c == '<' ? '>' : '\'');
	} else if (c == 'P' && fc_peek(p, 2) == '<') {
		p->i += 3;
		fc_name(p, '>');
	} else {
		p->fail = 1; /* options, comments, conditions, recursion, (?| */
	}
	return 0;
}

/* After '(': the group, up to and past its ')', rewritten into out. */
static void fc_group(struct fc_parser *p, struct buf *out)
{
	size_t start = p->i - 1;
	int behind = fc_group_kind(p);

	if (p->fail)
		return;
	if (++p->depth > FC_MAX_DEPTH) {
		p->fail = 1;
		return;
	}
	fc_add(p, out, p->s + start, p->i - start);
	p->verbatim += behind;
	fc_alternation(p, out);
	p->verbatim -= behind;
	p->depth--;
	if (p->fail || p->nomem)
		return;
	if (fc_peek(p, 0) != ')') {
		p->fail = 1;
		return;
	}
	p->i++;
	fc_add(p, out, ")", 1);
}

/* Append the character from off to p->i to a's literal prefix, which
 * ends the parser's chars. */
static void fc_lit_add(struct fc_parser *p, struct fc_alt *a, size_t off, int32_t key)
{
	if (p->nchars == p->capchars) {
		struct fc_char *v = array_grow(p->chars, &p->capchars, sizeof(*v), 256);
		if (!v) {
			p->nomem = 1;
			return;
		}
		p->chars = v;
	}
	if (a->nlit == 0)
		a->first = p->nchars;
	p->chars[p->nchars++] = (struct fc_char){ off, p->i - off, key };
	a->nlit++;
}

/* Character k of a's literal prefix. */
static const struct fc_char *fc_lit(const struct fc_parser *p, const struct fc_alt *a,
                                    size_t k)
{
	return &p->chars[a->first + k];
}

/* The text of a's literal characters from..to. */
static void fc_emit_lit(struct fc_parser *p, const struct fc_alt *a, size_t from,
                        size_t to, struct buf *out)
{
	if (from < to) {
		size_t off = fc_lit(p, a, from)->off;
		const struct fc_char *last = fc_lit(p, a, to - 1);
		fc_add(p, out, p->s + off, last->off + last->len - off);
	}
}

/* One alternative, up to '|', ')' or the end: its literal prefix onto
 * the parser's chars, the rest into a->tail. */
static void fc_concat(struct fc_parser *p, struct fc_alt *a)
{
	int lit = !p->verbatim;

	while (!p->fail && !p->nomem && p->i < p->n) {
		size_t start = p->i;
		int c = (unsigned char)p->s[p->i];
		int32_t cp = c, key;
		int plain = 0;

		if (c == '|' || c == ')')
			break;
		p->i++;
		if (c == '(') {
			lit = 0;
			fc_group(p, &a->tail);
			continue;
		}
		if (c == '[') {
			fc_class(p);
		} else if (c == '\\') {
			plain = fc_escape(p, &cp);
		} else if (c >= 0x80) {
			p->i--;
			cp = fc_next_cp(p);
			plain = 1;
		} else {
			plain = !fc_special(c);
		}
		if (p->fail)
			break;
		if (lit && plain && (key = factor_key(cp)) >= 0 && !fc_quantified(p)) {
			fc_lit_add(p, a, start, key);
			continue;
		}
		lit = 0;
		fc_add(p, &a->tail, p->s + start, p->i - start);
	}
}

/* Alternative a's text from its literal character d on. */
static void fc_emit_rest(struct fc_parser *p, const struct fc_alt *a, size_t d,
                         struct buf *out)
{
	fc_emit_lit(p, a, d, a->nlit, out);
	fc_add(p, out, a->tail.ptr, a->tail.len);
}

static void fc_emit(struct fc_parser *p, struct fc_alt **v, size_t n, size_t d,
                    struct buf *out);

/* Alternatives v[0..n), whose first d + 1 literal characters match
 * alike: their common prefix from d on, then the rest as a group. */
static void fc_emit_group(struct fc_parser *p, struct fc_alt **v, size_t n,
                          size_t d, struct buf *out)
{
	size_t end = d + 1, min = SIZE_MAX;

	if (n == 1) {
		fc_emit_rest(p, v[0], d, out);
		return;
	}
	for (size_t k = 0; k < n; k++)
		min = v[k]->nlit < min ? v[k]->nlit : min;
	for (; end < min; end++) {
		size_t k = 1;
		while (k < n && fc_lit(p, v[k], end)->key == fc_lit(p, v[0], end)->key)
			k++;
		if (k < n)
			break;
	}
	fc_emit_lit(p, v[0], d, end, out);
	fc_add(p, out, "(?:", 3);
	fc_emit(p, v, n, end, out);
	fc_add(p, out, ")", 1);
}

/*
 * Alternatives v[0..n), which share their first d literal characters,
 * from character d on, as a trie. An alternative with no literal
 * character past d may match wherever the others do, so the others keep
 * their order around it; between two such, the rest are grouped by
 * their character d, in the order each group first occurs: alternatives
 * of different groups never match at one place, those of one group keep
 * their order.
 */
static void fc_emit(struct fc_parser *p, struct fc_alt **v, size_t n, size_t d,
                    struct buf *out)
{
	struct fc_alt **g = malloc(n * sizeof(*g));
	char *done = calloc(n, 1);
	size_t i = 0;
	int first = 1;

	if (!g || !done)
		p->nomem = 1;
	while (i < n && !p->fail && !p->nomem) {
		if (!first)
			fc_add(p, out, "|", 1);
		first = 0;
		if (v[i]->nlit == d) {
			fc_emit_rest(p, v[i], d, out);
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && v[j]->nlit > d)
			j++;
		for (size_t k = i, m; k < j; k++) {
			if (done[k])
				continue;
			m = 0;
			for (size_t l = k; l < j; l++)
				if (!done[l] && fc_lit(p, v[l], d)->key == fc_lit(p, v[k], d)->key) {
					g[m++] = v[l];
					done[l] = 1;
				}
			if (k > i)
				fc_add(p, out, "|", 1);
			fc_emit_group(p, g, m, d, out);
		}
		i = j;
	}
	free(g);
	free(done);
}

/* An alternation, up to ')' or the end, rewritten into out. */
static void fc_alternation(struct fc_parser *p, struct buf *out)
{
	struct fc_alt *v = NULL, **ix = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		if (n == cap) {
			struct fc_alt *w = array_grow(v, &cap, sizeof(*w), 8);
			if (!w) {
				p->nomem = 1;
				break;
			}
			v = w;
		}
		v[n] = (struct fc_alt){ 0 };
		buf_init(&v[n].tail, p->max);
		fc_concat(p, &v[n++]);
		if (p->fail || p->nomem || fc_peek(p, 0) != '|')
			break;
		p->i++;
	}
	if (!p->fail && !p->nomem) {
		ix = malloc(n * sizeof(*ix));
		if (!ix)
			p->nomem = 1;
		for (size_t k = 0; ix && k < n; k++)
			ix[k] = &v[k];
		if (ix)
			fc_emit(p, ix, n, 0, out);
	}
	for (size_t k = 0; k < n; k++)
		buf_release(&v[k].tail);
	free(ix);
	free(v);
}

int factor_regex(const char *regex, size_t len, struct buf *out)
{
	/* Each "(?:...)" the trie adds comes with an alternative of at
	 * least one byte; the cap only guards against a mistake. */
	struct fc_parser p = { .s = regex, .n = len, .max = 8 * len + 64 };

	buf_clear(out);
	fc_alternation(&p, out);
	free(p.chars);
	if (!p.fail && !p.nomem && p.i != p.n)
		p.fail = 1; /* an unbalanced ')' */
	if (p.nomem) {
		buf_clear(out);
		return -1;
	}
	if (p.fail || (out->len == len && !memcmp(out->ptr, regex, len))) {
		buf_clear(out);
		return 0;
	}
	return 1;
}
