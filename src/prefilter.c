/*
 * prefilter.c: the literals a regex cannot match without (prefilter.h).
 *
 * The idea is the one of Russ Cox's trigram-index note and RE2's
 * prefilter: walk the regex and give every node one of two facts.
 *
 *   exact  the set of all strings the node can match, when it is small
 *          ("share" -> {share}; (a|b)c -> {ac, bc}; x? -> {"", x});
 *   match  a set of atoms one of which every match contains, or none
 *          known ("any": .*, \d+, a class of many characters).
 *
 * Concatenation multiplies exact sets while they stay small and else
 * keeps the more selective side's atoms (each side's atoms are a valid
 * necessary condition; we keep one, an OR, never an AND). Alternation
 * unites. A repeat that may be absent knows nothing; one that must be
 * present keeps its atoms. An exact set turns into atoms only if all its
 * strings are selective enough (pf_atom_ok); else it is "any".
 *
 * Soundness comes first: anything unknown (backreferences, verbs, (?x),
 * conditionals) gives up on the whole regex, and a character that has
 * case outside ASCII (é, ß) is treated as unknown, because PCRE2's
 * caseless sets for it are not a byte-compare away.
 */
#define _GNU_SOURCE /* memmem */
#include "prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"

/* Bounds that keep the sets small: beyond them an exact set becomes
 * atoms (still right, less exact). */
#define PF_EXACT_MAX 256
#define PF_STR_MAX 64
/* A class of more characters than this is "any". */
#define PF_CLASS_MAX 6
/* Heads sets may be larger: their strings are short. */
#define PF_HEADS_MAX 2048
/* Heads are looked up by this many first bytes; longer ones are cut. */
#define PF_HEAD_MAX 7

const struct pf_str pf_exotic[] = {
	{ "\xC5\xBF", 2 },     /* U+017F LATIN SMALL LETTER LONG S */
	{ "\xE2\x84\xAA", 3 }, /* U+212A KELVIN SIGN */
	{ "\xE2\x84\xAB", 3 }, /* U+212B ANGSTROM SIGN, matches å */
	/* U+1C80..U+1C88, old Cyrillic letter forms: match в д о с т ъ ѣ */
	{ "\xE1\xB2\x80", 3 }, { "\xE1\xB2\x81", 3 }, { "\xE1\xB2\x82", 3 },
	{ "\xE1\xB2\x83", 3 }, { "\xE1\xB2\x84", 3 }, { "\xE1\xB2\x85", 3 },
	{ "\xE1\xB2\x86", 3 }, { "\xE1\xB2\x87", 3 }, { "\xE1\xB2\x88", 3 },
};
const size_t pf_nexotic = sizeof(pf_exotic) / sizeof(pf_exotic[0]);

struct pf_info {
	int exact;          /* 1: set is every string the node can match */
	struct pf_set set;  /* else the atoms; n == 0 means "any" */
};

struct pf_parser {
	const unsigned char *s;
	size_t i, n;
	int fail;           /* syntax this reader does not know */
	int nomem;
	int depth;          /* groups open */
	int top_alt;        /* a '|' outside every group */
	int multiline;      /* (?m): ^ is not only the line's start */
	int heads;          /* reading for heads: see pf_unknown */
};

/* In heads mode a string may end in PF_MARK, "then something not known";
 * heads are cut there. 0xFF never occurs in UTF-8. */
#define PF_MARK '\xff'
/* Heads mode: \d, one byte of [0-9] or any non-ASCII byte (a superset of
 * the Unicode digits \d matches under UCP); also ends what is known. */
#define PF_DIGIT '\xfe'

/* Where the known part of a heads-mode string ends: its first mark. */
static size_t pf_stop(const struct pf_str *x)
{
	for (size_t i = 0; i < x->len; i++)
		if (x->p[i] == PF_MARK || x->p[i] == PF_DIGIT)
			return i;
	return x->len;
}


/* ---- sets ---- */

void pf_set_release(struct pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].p);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int pf_set_has(const struct pf_set *s, const char *p, size_t len)
{
	if (len == 0) {
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].len == 0)
				return 1;
		return 0;
	}
	/* Two bytes before a call of memcmp: the strings of a set often
	 * share a start (heads), seldom also an end. */
	char last = p[len - 1];
	for (size_t i = 0; i < s->n; i++) {
		const struct pf_str *x = &s->v[i];
		if (x->len == len && x->p[len - 1] == last && x->p[0] == p[0] &&
		    memcmp(x->p, p, len) == 0)
			return 1;
	}
	return 0;
}

/* Add a copy of p[0..len) unless already there; -1 on ENOMEM. */
static int pf_set_add(struct pf_set *s, const char *p, size_t len)
{
	if (pf_set_has(s, p, len))
		return 0;
	if (s->n == s->cap) {
		struct pf_str *v = array_grow(s->v, &s->cap, sizeof(*v), 8);
		if (!v)
			return -1;
		s->v = v;
	}
	char *c = mem_dup(p, len);
	if (!c)
		return -1;
	s->v[s->n++] = (struct pf_str){ c, len };
	return 0;
}

static void pf_info_any(struct pf_info *a)
{
	pf_set_release(&a->set);
	a->exact = 0;
}

/* An exact {p[0..len)}; returns -1 on ENOMEM. */
static int pf_info_lit(struct pf_info *a, const char *p, size_t len)
{
	a->exact = 1;
	a->set = (struct pf_set){ 0 };
	return pf_set_add(&a->set, p, len);
}

/* Does a contain b? */
static int pf_contains(const struct pf_str *a, const struct pf_str *b)
{
	return b->len <= a->len && memmem(a->p, a->len, b->p, b->len) != NULL;
}

/* Is v[i] redundant: does it contain another atom (the shorter one, or
 * the earlier of equal ones)? */
static int pf_redundant(const struct pf_set *s, size_t i)
{
	for (size_t j = 0; j < s->n; j++)
		if (j != i && pf_contains(&s->v[i], &s->v[j]) &&
		    (s->v[i].len > s->v[j].len || j < i))
			return 1;
	return 0;
}

/* Drop every atom that contains another: the shorter one is enough.
 * Marks first, frees after. A marked atom no longer counts as contained
 * (its len is SIZE_MAX), which loses nothing: what contains it contains
 * the atom it contains too (sets hold no duplicates). */
static void pf_minimise(struct pf_set *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (pf_redundant(s, i))
			s->v[i].len = SIZE_MAX; /* mark */
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].len == SIZE_MAX)
			free(s->v[i].p);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* Is x selective enough to gate on: PF_MIN_ATOM bytes, or one non-ASCII
 * character of two bytes (©, «: rare in prose, unlike "ad")? */
static int pf_atom_ok(const struct pf_str *x)
{
	return x->len >= PF_MIN_ATOM || (x->len == 2 && (x->p[0] & 0x80));
}

/* Turn an exact set into atoms (or "any" if a string is too short). */
static void pf_to_match(struct pf_info *a)
{
	if (!a->exact)
		return;
	a->exact = 0;
	for (size_t i = 0; i < a->set.n; i++)
		if (!pf_atom_ok(&a->set.v[i])) {
			pf_set_release(&a->set);
			return;
		}
	pf_minimise(&a->set);
}

/* The shortest atom's length: the more, the fewer lines pass. */
static size_t pf_weakest(const struct pf_set *s)
{
	size_t m = SIZE_MAX;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].len < m)
			m = s->v[i].len;
	return m;
}

/* Of two atom sets (a AND b hold), keep the more selective in a. */
static void pf_keep_better(struct pf_info *a, struct pf_info *b)
{
	int take_b;
	if (!b->set.n)
		take_b = 0;
	else if (!a->set.n)
		take_b = 1;
	else if (pf_weakest(&a->set) != pf_weakest(&b->set))
		take_b = pf_weakest(&b->set) > pf_weakest(&a->set);
	else
		take_b = b->set.n < a->set.n;
	if (take_b) {
		struct pf_set t = a->set;
		a->set = b->set;
		b->set = t;
	}
}

/* ---- combining facts; each consumes b into a ---- */

/* Heads mode: cut every string to at most k bytes and a mark ("then
 * something"), which keeps it a valid start and the set small. */
static int pf_cut_all(struct pf_set *s, size_t k)
{
	struct pf_set out = { 0 };
	char tmp[PF_HEAD_MAX + 1];
	for (size_t i = 0; i < s->n; i++) {
		const struct pf_str *x = &s->v[i];
		size_t len = pf_stop(x);
		int cut = len < x->len || len > k;
		if (len > k)
			len = k;
		memcpy(tmp, x->p, len);
		if (len == 0 && x->len && x->p[0] == PF_DIGIT)
			tmp[len++] = PF_DIGIT; /* a digit head stays one */
		else if (cut)
			tmp[len++] = PF_MARK;
		if (pf_set_add(&out, tmp, len)) {
			pf_set_release(&out);
			return -1;
		}
	}
	pf_set_release(s);
	*s = out;
	return 0;
}

/* cur = cur followed by b, both exact: 0, or 1 (cur left as it was)
 * when the product would be too big; -1 on ENOMEM. */
static int pf_cross(struct pf_info *cur, const struct pf_info *b, int heads)
{
	struct pf_set out = { 0 };
	char tmp[2 * PF_STR_MAX];
	size_t open = 0;

	for (size_t i = 0; i < cur->set.n; i++)
		open += !heads || pf_stop(&cur->set.v[i]) == cur->set.v[i].len;
	if (open * b->set.n + (cur->set.n - open) > (heads ? PF_HEADS_MAX : PF_EXACT_MAX))
		return heads ? pf_cut_all(&cur->set, 2) : 1;
	for (size_t i = 0; i < cur->set.n; i++)
		for (size_t j = 0; j < b->set.n; j++) {
			const struct pf_str *x = &cur->set.v[i], *y = &b->set.v[j];
			size_t len = x->len + y->len;
			if (len > PF_STR_MAX) {
				pf_set_release(&out);
				return heads ? pf_cut_all(&cur->set, 2) : 1;
			}
			memcpy(tmp, x->p, x->len);
			memcpy(tmp + x->len, y->p, y->len);
			if (heads && pf_stop(x) < x->len)
				len = x->len; /* nothing after the mark counts */
			else if (heads && len > PF_HEAD_MAX) {
				tmp[PF_HEAD_MAX] = PF_MARK; /* longer heads add nothing */
				len = PF_HEAD_MAX + 1;
			}
			if (pf_set_add(&out, tmp, len)) {
				pf_set_release(&out);
				return -1;
			}
		}
	pf_set_release(&cur->set);
	cur->set = out;
	return 0;
}

/* Fold the exact run cur into the atoms a holds (a AND cur); cur is
 * consumed. */
static void pf_settle(struct pf_info *a, struct pf_info *cur)
{
	pf_to_match(cur);
	pf_keep_better(a, cur);
	pf_set_release(&cur->set);
	a->exact = 0;
}

static int pf_alt(struct pf_info *a, struct pf_info *b, int heads)
{
	size_t max = heads ? PF_HEADS_MAX : PF_EXACT_MAX;
	if (heads && a->exact && b->exact && a->set.n + b->set.n > max &&
	    (pf_cut_all(&a->set, 2) || pf_cut_all(&b->set, 2)))
		return -1;
	if (!(a->exact && b->exact && a->set.n + b->set.n <= max)) {
		pf_to_match(a);
		pf_to_match(b);
		if (!a->set.n || !b->set.n) {
			pf_info_any(a);
			pf_set_release(&b->set);
			return 0;
		}
	}
	for (size_t i = 0; i < b->set.n; i++)
		if (pf_set_add(&a->set, b->set.v[i].p, b->set.v[i].len))
			return -1;
	pf_set_release(&b->set);
	return 0; /* redundant atoms are dropped once, at the end (pf_atoms) */
}

/* Heads mode: a{min,max} starts with a string of a then maybe more:
 * {x MARK} (and "" when min is 0). */
static int pf_repeat_heads(struct pf_info *a, long min)
{
	struct pf_set out = { 0 };
	char tmp[PF_STR_MAX + 1];
	int rc = 0;
	for (size_t i = 0; i < a->set.n && rc == 0; i++) {
		const struct pf_str *x = &a->set.v[i];
		memcpy(tmp, x->p, x->len);
		tmp[x->len] = PF_MARK;
		rc = pf_set_add(&out, tmp, x->len + 1);
	}
	if (rc == 0 && min == 0)
		rc = pf_set_add(&out, "", 0);
	pf_set_release(&a->set);
	a->set = out;
	return rc;
}

/* a{min,max} (max < 0: no bound). */
static int pf_repeat(struct pf_info *a, long min, long max, int heads)
{
	if (heads && a->exact && max != 1 && a->set.n < PF_EXACT_MAX)
		return pf_repeat_heads(a, min);
	if (min == 0) {
		if (max == 1 && a->exact && a->set.n < PF_EXACT_MAX)
			return pf_set_add(&a->set, "", 0);
		pf_info_any(a);
		return 0;
	}
	if (!(min == 1 && max == 1))
		pf_to_match(a);
	return 0;
}

/* ---- reading the regex ---- */

static int pf_peek(const struct pf_parser *p, size_t k)
{
	return p->i + k < p->n ? p->s[p->i + k] : -1;
}

/* Decode the UTF-8 character at p->i (invalid bytes: one byte, -1). */
static int32_t pf_next_cp(struct pf_parser *p)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate(p->s + p->i, (utf8proc_ssize_t)(p->n - p->i), &cp);
	if (k <= 0) {
		p->i++;
		return -1;
	}
	p->i += (size_t)k;
	return cp;
}

int pf_uncased(int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM:
	case UTF8PROC_CATEGORY_SC: case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_SO: case UTF8PROC_CATEGORY_ZS:
		return utf8proc_tolower(cp) == cp && utf8proc_toupper(cp) == cp &&
		       utf8proc_totitle(cp) == cp;
	default:
		return 0;
	}
}

static void pf_unknown(struct pf_parser *p, struct pf_info *a);

/* Does cp pair its cases regularly: are its caseless matches under
 * PCRE2 exactly itself, its lower and its upper case, and pf_exotic
 * characters? Checked against every cased code point with PCRE2 10.42
 * (test_prefilter does it again): letters of Latin-1 Supplement, Latin
 * Extended-A/B and Additional, Greek, Cyrillic, and circled letters (ⓒ);
 * not the long s (matches s), the DŽ/LJ/NJ/DZ digraphs (three cases
 * each), Ṡ ṡ ẛ (match each other), ẞ, nor the Greek letters with a third
 * form (pf_greek_odd). */
/* The Greek letters PCRE2 pairs with a third form (β ϐ, σ ς, μ µ, ω Ω
 * ohm sign...): these end an atom. */
static int pf_greek_odd(int32_t cp)
{
	static const char odd[] = "\x92\x95\x98\x99\x9a\x9c\xa0\xa1\xa3\xa6\xa9"
	                          "\xb2\xb5\xb8\xb9\xba\xbc\xc0\xc1\xc2\xc3\xc6\xc9";
	return cp >= 0x3D0 || (cp >= 0x380 && memchr(odd, (int)(cp - 0x300), sizeof(odd) - 1));
}

int pf_paired(int32_t cp)
{
	if (cp >= 0x24B6 && cp <= 0x24E9)
		return 1;
	int range = (cp >= 0xC0 && cp <= 0x24F && cp != 0x17F &&
	             !(cp >= 0x1C4 && cp <= 0x1CC) && !(cp >= 0x1F1 && cp <= 0x1F3)) ||
	            (cp >= 0x370 && cp <= 0x3FF && !pf_greek_odd(cp)) ||
	            (cp >= 0x400 && cp <= 0x52F) ||
	            (cp >= 0x1E00 && cp <= 0x1EFF && cp != 0x1E60 && cp != 0x1E61 &&
	             cp != 0x1E9B && cp != 0x1E9E);
	if (!range)
		return 0;
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL;
}

/* The exact set of such a letter's cases (ASCII ones lower case). */
static void pf_case_variants(struct pf_parser *p, struct pf_info *a, int32_t cp)
{
	int32_t v[3] = { cp, utf8proc_tolower(cp), utf8proc_toupper(cp) };
	a->exact = 1;
	for (int i = 0; i < 3; i++) {
		char u[4];
		int32_t c = v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i];
		utf8proc_ssize_t k = utf8proc_encode_char(c, (utf8proc_uint8_t *)u);
		if (k > 0 && pf_set_add(&a->set, u, (size_t)k))
			p->nomem = 1;
	}
}

/* The fact for one literal character. */
static void pf_char(struct pf_parser *p, struct pf_info *a, int32_t cp)
{
	char u[4];
	a->exact = 0;
	a->set = (struct pf_set){ 0 };
	if (cp < 0)
		return; /* invalid UTF-8: PCRE2 rejects it anyway */
	if (cp < 0x80) {
		u[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		if (pf_info_lit(a, u, 1))
			p->nomem = 1;
	} else if (pf_uncased(cp)) {
		utf8proc_ssize_t k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)u);
		if (pf_info_lit(a, u, (size_t)k))
			p->nomem = 1;
	} else if (pf_paired(cp)) {
		pf_case_variants(p, a, cp);
	} else {
		pf_unknown(p, a);
	}
}

static void pf_empty(struct pf_parser *p, struct pf_info *a)
{
	if (pf_info_lit(a, "", 0))
		p->nomem = 1;
}

/* Something not known (a character with case, \d, a wide class): "any"
 * for atoms; for heads, the exact {MARK}, so that the strings before it
 * still count as the start of a match. */
static void pf_unknown(struct pf_parser *p, struct pf_info *a)
{
	a->exact = 0;
	a->set = (struct pf_set){ 0 };
	if (p->heads) {
		char m = PF_MARK;
		if (pf_info_lit(a, &m, 1))
			p->nomem = 1;
	}
}

/* Skip a {...} argument (\p{L}, \x{263a}); 0 if there is none. */
static int pf_skip_braces(struct pf_parser *p)
{
	if (pf_peek(p, 0) != '{')
		return 0;
	while (p->i < p->n && p->s[p->i] != '}')
		p->i++;
	if (p->i >= p->n)
		p->fail = 1;
	else
		p->i++;
	return 1;
}

static int pf_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* \x.. after the x: the code point, or -1 (then p->fail). */
static int32_t pf_hex(struct pf_parser *p)
{
	int32_t v = 0;
	if (pf_peek(p, 0) == '{') {
		p->i++;
		int k = 0;
		while (pf_peek(p, 0) >= 0 && pf_hexval(pf_peek(p, 0)) >= 0 && k < 6) {
			v = v * 16 + pf_hexval(pf_peek(p, 0));
			p->i++, k++;
		}
		if (pf_peek(p, 0) != '}' || k == 0) {
			p->fail = 1;
			return -1;
		}
		p->i++;
		return v;
	}
	for (int k = 0; k < 2 && pf_peek(p, 0) >= 0 && pf_hexval(pf_peek(p, 0)) >= 0; k++)
		v = v * 16 + pf_hexval(p->s[p->i++]);
	return v;
}

/* The control character of a one-letter escape, or -1. */
static int pf_ctl(int c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'e': return 0x1b;
	case 'a': return 0x07;
	default: return -1;
	}
}

/* After a backslash outside a class. */
static void pf_escape(struct pf_parser *p, struct pf_info *a)
{
	a->exact = 0;
	a->set = (struct pf_set){ 0 };
	if (p->i >= p->n) {
		p->fail = 1;
		return;
	}
	int c = p->s[p->i];
	if (c >= 0x80) {
		pf_char(p, a, pf_next_cp(p));
		return;
	}
	p->i++;
	if (c == 'd' && p->heads) {
		char d = PF_DIGIT;
		if (pf_info_lit(a, &d, 1))
			p->nomem = 1;
		return;
	}
	if (strchr("dDwWsShHvVRX", c)) {
		pf_unknown(p, a); /* one character of a class */
		return;
	}
	if (c == 'p' || c == 'P' || c == 'N') {
		if (!pf_skip_braces(p) && c != 'N')
			p->i++; /* \pL */
		pf_unknown(p, a);
		return;
	}
	if (strchr("bBAzZGKE", c)) {
		pf_empty(p, a); /* zero width */
		return;
	}
	if (c == 'x') {
		int32_t cp = pf_hex(p);
		if (!p->fail)
			pf_char(p, a, cp);
		return;
	}
	if (pf_ctl(c) >= 0) {
		pf_char(p, a, pf_ctl(c));
		return;
	}
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		p->fail = 1; /* backreferences, \Q, \c, \o, \g...: not known here */
		return;
	}
	pf_char(p, a, c);
}

/* One member of a class at p->i: 1 and *cp for a plain character, 0 for
 * something wider (\d, [:alpha:]), -1 at the end of the regex. */
static int pf_class_member(struct pf_parser *p, int32_t *cp)
{
	int c = pf_peek(p, 0);
	if (c < 0)
		return -1;
	if (c == '[' && pf_peek(p, 1) == ':') {
		p->i += 2;
		while (p->i + 1 < p->n && !(p->s[p->i] == ':' && p->s[p->i + 1] == ']'))
			p->i++;
		if (p->i + 1 >= p->n)
			return -1;
		p->i += 2;
		return 0;
	}
	if (c != '\\') {
		*cp = pf_next_cp(p);
		return *cp >= 0;
	}
	p->i++;
	c = pf_peek(p, 0);
	if (c < 0)
		return -1;
	if (c >= 0x80) {
		*cp = pf_next_cp(p);
		return *cp >= 0;
	}
	p->i++;
	if (c == 'p' || c == 'P' || c == 'N') {
		if (!pf_skip_braces(p) && c != 'N')
			p->i++;
		return 0;
	}
	if (c == 'x') {
		*cp = pf_hex(p);
		return *cp >= 0;
	}
	if (pf_ctl(c) >= 0) {
		*cp = pf_ctl(c);
		return 1;
	}
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 0; /* \d, \w, \b (backspace here)...: wider or odd */
	*cp = c;
	return 1;
}

/* After '[': a small class of plain ASCII characters is exact, any
 * other class is "any" (one character we know nothing of). */
static void pf_class(struct pf_parser *p, struct pf_info *a)
{
	int neg = 0, wide = 0, first = 1;
	unsigned char chars[PF_CLASS_MAX];
	size_t nchars = 0;

	a->exact = 0;
	a->set = (struct pf_set){ 0 };
	if (pf_peek(p, 0) == '^')
		neg = 1, p->i++;
	for (;; first = 0) {
		int32_t cp = 0;
		if (pf_peek(p, 0) == ']' && !first) {
			p->i++;
			break;
		}
		int k = pf_class_member(p, &cp);
		if (k < 0 || p->fail) {
			p->fail = 1;
			return;
		}
		if (pf_peek(p, 0) == '-' && pf_peek(p, 1) != ']' && pf_peek(p, 1) >= 0) {
			p->i++; /* a range: wide, whatever its end */
			int32_t end;
			if (pf_class_member(p, &end) < 0) {
				p->fail = 1;
				return;
			}
			wide = 1;
			continue;
		}
		if (k == 0 || cp >= 0x80 || nchars == PF_CLASS_MAX) {
			wide = 1;
			continue;
		}
		unsigned char lc = (unsigned char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		if (!memchr(chars, lc, nchars))
			chars[nchars++] = lc;
	}
	if (neg || wide || nchars == 0) {
		pf_unknown(p, a);
		return;
	}
	a->exact = 1;
	for (size_t i = 0; i < nchars; i++)
		if (pf_set_add(&a->set, (const char *)&chars[i], 1))
			p->nomem = 1;
}

static void pf_parse_alt(struct pf_parser *p, struct pf_info *a);

/* Skip to and past the character `end` (a group name's '>'). */
static void pf_skip_to(struct pf_parser *p, int end)
{
	while (p->i < p->n && p->s[p->i] != end)
		p->i++;
	if (p->i >= p->n)
		p->fail = 1;
	else
		p->i++;
}

/* After "(?": the group's kind. Returns 1 for a group whose content
 * counts, 0 for a zero-width one (lookaround, option setting, comment). */
static int pf_group_kind(struct pf_parser *p)
{
	int c = pf_peek(p, 0);
	if (c == ':' || c == '>' || c == '|') {
		p->i++;
		return 1;
	}
	if (c == '=' || c == '!') {
		p->i++;
		return 0;
	}
	if (c == '<' && (pf_peek(p, 1) == '=' || pf_peek(p, 1) == '!')) {
		p->i += 2;
		return 0;
	}
	if (c == '<' || c == '\'' || (c == 'P' && pf_peek(p, 1) == '<')) {
		p->i += c == 'P' ? 2 : 1;
		pf_skip_to(p, c == '\'' ? '\'' : '>');
		return 1;
	}
	if (c == '#') {
		pf_skip_to(p, ')');
		p->i--; /* leave the ')' for the caller */
		return 0;
	}
	/* Option letters: (?i) (?-i) (?i:...). (?x) changes the syntax. */
	while (pf_peek(p, 0) > 0 && strchr("imnsUJ-^", pf_peek(p, 0))) {
		p->multiline |= pf_peek(p, 0) == 'm';
		p->i++;
	}
	if (pf_peek(p, 0) == ':') {
		p->i++;
		return 1;
	}
	if (pf_peek(p, 0) != ')')
		p->fail = 1;
	return 0;
}

/* After '(': the group, up to and past its ')'. */
static void pf_group(struct pf_parser *p, struct pf_info *a)
{
	int counts = 1;
	if (pf_peek(p, 0) == '*') {
		p->fail = 1; /* (*VERB) */
		a->exact = 0;
		a->set = (struct pf_set){ 0 };
		return;
	}
	if (pf_peek(p, 0) == '?') {
		p->i++;
		counts = pf_group_kind(p);
	}
	if (p->fail) {
		a->exact = 0;
		a->set = (struct pf_set){ 0 };
		return;
	}
	if (pf_peek(p, 0) == ')' && !counts) {
		p->i++;
		pf_empty(p, a);
		return;
	}
	p->depth++;
	pf_parse_alt(p, a);
	p->depth--;
	if (pf_peek(p, 0) != ')')
		p->fail = 1;
	else
		p->i++;
	if (!counts) {
		pf_set_release(&a->set);
		pf_empty(p, a);
	}
}

static void pf_atom(struct pf_parser *p, struct pf_info *a)
{
	int c = p->s[p->i];
	switch (c) {
	case '(':
		p->i++;
		pf_group(p, a);
		return;
	case '[':
		p->i++;
		pf_class(p, a);
		return;
	case '\\':
		p->i++;
		pf_escape(p, a);
		return;
	case '.':
		p->i++;
		pf_unknown(p, a);
		return;
	case '^':
	case '$':
		p->i++;
		pf_empty(p, a);
		return;
	case '*':
	case '+':
	case '?':
		p->fail = 1; /* a quantifier with nothing to repeat */
		a->exact = 0;
		a->set = (struct pf_set){ 0 };
		return;
	default:
		pf_char(p, a, pf_next_cp(p));
	}
}

/* A {n}, {n,} or {n,m} quantifier at p->i into *min, *max (-1: none);
 * 0 if the '{' is a literal. */
static int pf_braces(struct pf_parser *p, long *min, long *max)
{
	size_t j = p->i + 1;
	long a = 0, b = -1;
	if (j >= p->n || p->s[j] < '0' || p->s[j] > '9') {
		if (j < p->n && p->s[j] == ',')
			p->fail = 1; /* {,m}: its meaning depends on the version */
		return 0;
	}
	for (; j < p->n && p->s[j] >= '0' && p->s[j] <= '9'; j++)
		a = a < 100000 ? a * 10 + (p->s[j] - '0') : a;
	if (j < p->n && p->s[j] == ',') {
		j++;
		if (j < p->n && p->s[j] >= '0' && p->s[j] <= '9')
			for (b = 0; j < p->n && p->s[j] >= '0' && p->s[j] <= '9'; j++)
				b = b < 100000 ? b * 10 + (p->s[j] - '0') : b;
	} else {
		b = a;
	}
	if (j >= p->n || p->s[j] != '}') {
		p->fail = 1; /* "{2x": literal to PCRE2, but rare; give up */
		return 0;
	}
	p->i = j + 1;
	*min = a;
	*max = b;
	return 1;
}

/* An atom and its quantifiers. */
static void pf_piece(struct pf_parser *p, struct pf_info *a)
{
	pf_atom(p, a);
	while (!p->fail && p->i < p->n) {
		long min, max;
		int c = p->s[p->i];
		if (c == '?')
			min = 0, max = 1;
		else if (c == '*')
			min = 0, max = -1;
		else if (c == '+')
			min = 1, max = -1;
		else if (c != '{' || !pf_braces(p, &min, &max))
			break;
		if (c != '{')
			p->i++;
		if (pf_peek(p, 0) == '?' || pf_peek(p, 0) == '+')
			p->i++; /* lazy or possessive: same strings */
		if (pf_repeat(a, min, max, p->heads))
			p->nomem = 1;
	}
}

/* A concatenation. Exact pieces are multiplied into a run (cur) while
 * it stays small; an inexact piece, or a run grown too big, is settled:
 * of all the atom sets met, the most selective is kept. */
static void pf_parse_concat(struct pf_parser *p, struct pf_info *a)
{
	struct pf_info cur;
	int settled = 0;

	a->exact = 0;
	a->set = (struct pf_set){ 0 };
	pf_empty(p, &cur);
	while (!p->fail && !p->nomem && p->i < p->n && p->s[p->i] != '|' &&
	       p->s[p->i] != ')') {
		struct pf_info b;
		pf_piece(p, &b);
		int rc = b.exact ? pf_cross(&cur, &b, p->heads) : 1;
		if (rc < 0)
			p->nomem = 1;
		if (rc == 1) {
			pf_settle(a, &cur);
			settled = 1;
			if (b.exact) {
				cur = b; /* a new run starts with b */
				continue;
			}
			pf_keep_better(a, &b);
			pf_empty(p, &cur);
		}
		pf_set_release(&b.set);
	}
	if (!settled) {
		*a = cur;
		return;
	}
	pf_settle(a, &cur);
}

static void pf_parse_alt(struct pf_parser *p, struct pf_info *a)
{
	pf_parse_concat(p, a);
	while (!p->fail && !p->nomem && pf_peek(p, 0) == '|') {
		struct pf_info b;
		p->top_alt |= p->depth == 0;
		p->i++;
		pf_parse_concat(p, &b);
		if (pf_alt(a, &b, p->heads))
			p->nomem = 1;
		pf_set_release(&b.set);
	}
}

int pf_atoms(const char *regex, size_t len, struct pf_set *out)
{
	struct pf_parser p = { .s = (const unsigned char *)regex, .n = len };
	struct pf_info a;

	pf_set_release(out);
	pf_parse_alt(&p, &a);
	if (p.i != p.n)
		p.fail = 1; /* an unbalanced ')' */
	if (!p.fail && !p.nomem && a.exact)
		pf_to_match(&a); /* minimises too */
	else if (!p.fail && !p.nomem)
		pf_minimise(&a.set);
	if (p.fail || p.nomem) {
		pf_set_release(&a.set);
		return p.nomem ? -1 : 0;
	}
	*out = a.set;
	return 0;
}

/* ---- heads of anchored regexes ---- */

/* After '^': a run class "C*" (a class of plain characters, or one
 * character, starred) into skip; no class leaves skip empty. Returns 0,
 * or 1 when the class has a letter or a range (no gate), -1 on ENOMEM. */
static int pf_skip_class(struct pf_parser *p, struct pf_set *skip)
{
	size_t at = p->i;
	int32_t cp;

	if (pf_peek(p, 0) == '[' && pf_peek(p, 1) != '^') {
		p->i++;
		for (int first = 1;; first = 0) {
			if (pf_peek(p, 0) == ']' && !first) {
				p->i++;
				break;
			}
			if (pf_class_member(p, &cp) != 1 || p->fail ||
			    (pf_peek(p, 0) == '-' && pf_peek(p, 1) != ']'))
				return 1;
			char u[4];
			utf8proc_ssize_t k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)u);
			if ((cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) ||
			    (cp >= 0x80 && !pf_uncased(cp)) || k <= 0)
				return 1;
			if (pf_set_add(skip, u, (size_t)k))
				return -1;
		}
	} else if (pf_peek(p, 0) == ' ' && pf_peek(p, 1) == '*') {
		p->i++;
		if (pf_set_add(skip, " ", 1))
			return -1;
	}
	if (skip->n && pf_peek(p, 0) == '*') {
		p->i++;
		if (pf_peek(p, 0) == '?' || pf_peek(p, 0) == '+')
			p->i++;
		return 0;
	}
	pf_set_release(skip); /* not a starred class: no skipping */
	p->i = at;
	return 0;
}

int pf_heads(const char *regex, size_t len, struct pf_set *skip,
             struct pf_set *heads)
{
	struct pf_parser p = { .s = (const unsigned char *)regex, .n = len };
	struct pf_info a;

	pf_set_release(skip);
	pf_set_release(heads);
	/* The whole regex first: ^ must anchor all of it. Heads mode only
	 * because its sets stay small: this pass checks the syntax. */
	p.heads = 1;
	pf_parse_alt(&p, &a);
	pf_set_release(&a.set);
	if (p.nomem)
		return -1;
	if (p.fail || p.i != p.n || p.top_alt || p.multiline || len == 0 || regex[0] != '^')
		return 0;
	p = (struct pf_parser){ .s = (const unsigned char *)regex, .i = 1, .n = len };
	int rc = pf_skip_class(&p, skip);
	if (rc)
		return rc < 0 ? -1 : 0;
	p.heads = 1;
	pf_parse_alt(&p, &a);
	if (p.nomem || p.fail || !a.exact) {
		pf_set_release(&a.set);
		pf_set_release(skip);
		return p.nomem ? -1 : 0;
	}
	/* Cut each string at its mark; an empty head gates nothing, a digit
	 * head stays as the one byte PF_DIGIT. */
	for (size_t i = 0; i < a.set.n; i++) {
		struct pf_str *x = &a.set.v[i];
		size_t e = pf_stop(x);
		x->len = e == 0 && x->len && x->p[0] == PF_DIGIT ? 1 : e;
		if (x->len > PF_HEAD_MAX)
			x->len = PF_HEAD_MAX;
		x->p[x->len] = '\0';
		if (x->len == 0) {
			pf_set_release(&a.set);
			pf_set_release(skip);
			return 0;
		}
	}
	*heads = a.set;
	return 0;
}

/* ---- the head gate ---- */

/* Heads are looked up by their first PF_HEAD_MAX bytes (or all, if
 * shorter): a key is its length (1..7) above the bytes. */

struct pf_gate_pair {
	uint64_t key;
	int rule;
};

struct pf_gate_slot {
	uint64_t key;        /* 0: empty */
	size_t first, n;     /* rules: pairs[first .. first + n) */
};

struct pf_gate_group {
	struct pf_set skip;
	unsigned char ascii[128]; /* ascii[c]: c is a skip character */
	struct pf_gate_pair *pairs;
	size_t npairs, cappairs;
	struct pf_gate_slot *tab;
	size_t tabmask;
	/* Quick rejection: the first byte of every 1-byte head, as bits; and
	 * for the first two bytes of the longer ones, the lengths of the keys
	 * that start so (bit k: a key of k bytes), so a line costs a probe a
	 * length that can match. */
	unsigned char one[256 / 8];
	unsigned char lens[65536];
	unsigned char two[256 / 8]; /* first bytes of the longer keys */
	/* The same as lens for the keys of 3 bytes or more, by a hash of
	 * their first three bytes (pf_hash3): most probes stop here. */
	unsigned char lens3[1 << 16];
};

/* Every line is probed at its start by every group: the root group holds
 * the keys of all groups (and no skip set), so that takes one probe;
 * skipfirst[c] says that c may begin a skip character of some group, and
 * only then are the groups probed past it one by one. */
struct pf_gate_root {
	struct pf_gate_group all;
	unsigned char skipfirst[256];
};

static unsigned char pf_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint64_t pf_key(const unsigned char *s, size_t k)
{
	uint64_t key = (uint64_t)k << 56;
	for (size_t i = 0; i < k; i++)
		key |= (uint64_t)pf_lower(s[i]) << (8 * i);
	return key;
}

/* The lens3 slot of the (lower-cased) bytes a b c. */
static size_t pf_hash3(unsigned a, unsigned b, unsigned c)
{
	uint32_t x = a | b << 8 | c << 16;
	return (x * 0x9E3779B1u) >> 16;
}

static size_t pf_hash(uint64_t key, size_t mask)
{
	key ^= key >> 29;
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

static int pf_same_set(const struct pf_set *a, const struct pf_set *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!pf_set_has(b, a->v[i].p, a->v[i].len))
			return 0;
	return 1;
}

/* The group of this skip set, made if new; NULL on ENOMEM. */
static struct pf_gate_group *pf_gate_group(struct pf_gate *g, const struct pf_set *skip)
{
	for (size_t i = 0; i < g->n; i++)
		if (pf_same_set(&g->v[i].skip, skip))
			return &g->v[i];
	if (g->n == g->cap) {
		struct pf_gate_group *v = array_grow(g->v, &g->cap, sizeof(*v), 4);
		if (!v)
			return NULL;
		g->v = v;
	}
	struct pf_gate_group *gr = &g->v[g->n];
	memset(gr, 0, sizeof(*gr));
	for (size_t i = 0; i < skip->n; i++) {
		if (pf_set_add(&gr->skip, skip->v[i].p, skip->v[i].len)) {
			pf_set_release(&gr->skip);
			return NULL;
		}
		if (skip->v[i].len == 1)
			gr->ascii[(unsigned char)skip->v[i].p[0] & 127] = 1;
	}
	g->n++;
	return gr;
}

/* Append the pair (key, rule) to gr. */
static int pf_gate_pair(struct pf_gate_group *gr, uint64_t key, int rule)
{
	if (gr->npairs == gr->cappairs) {
		struct pf_gate_pair *v = array_grow(gr->pairs, &gr->cappairs, sizeof(*v), 64);
		if (!v)
			return -1;
		gr->pairs = v;
	}
	gr->pairs[gr->npairs++] = (struct pf_gate_pair){ key, rule };
	return 0;
}

/* A digit head: every first byte \d can start with. */
static int pf_gate_add_digit(struct pf_gate_group *gr, int rule)
{
	for (unsigned b = '0'; b <= 0xff; b = b == '9' ? 0x80 : b + 1) {
		unsigned char c = (unsigned char)b;
		if (pf_gate_pair(gr, pf_key(&c, 1), rule))
			return -1;
		gr->one[c / 8] |= (unsigned char)(1u << (c % 8));
	}
	return 0;
}

int pf_gate_add(struct pf_gate *g, const struct pf_set *skip,
                const struct pf_set *heads, int rule)
{
	struct pf_gate_group *gr = pf_gate_group(g, skip);
	if (!gr)
		return -1;
	for (size_t i = 0; i < heads->n; i++) {
		size_t k = heads->v[i].len < PF_HEAD_MAX ? heads->v[i].len : PF_HEAD_MAX;
		if (k == 1 && heads->v[i].p[0] == PF_DIGIT) {
			if (pf_gate_add_digit(gr, rule))
				return -1;
			continue;
		}
		const unsigned char *h = (const unsigned char *)heads->v[i].p;
		if (pf_gate_pair(gr, pf_key(h, k), rule))
			return -1;
		if (k == 1)
			gr->one[h[0] / 8] |= (unsigned char)(1u << (h[0] % 8));
		else {
			gr->lens[(h[0] << 8) | h[1]] |= (unsigned char)(1u << k);
			gr->two[h[0] / 8] |= (unsigned char)(1u << (h[0] % 8));
		}
	}
	return 0;
}

static int pf_pair_cmp(const void *a, const void *b)
{
	const struct pf_gate_pair *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* Sort a group's pairs, drop repeats, and index the keys. */
static int pf_group_build(struct pf_gate_group *gr)
{
	size_t m = 0, keys = 0;
	qsort(gr->pairs, gr->npairs, sizeof(*gr->pairs), pf_pair_cmp);
	for (size_t i = 0; i < gr->npairs; i++)
		if (m == 0 || pf_pair_cmp(&gr->pairs[m - 1], &gr->pairs[i]) != 0) {
			keys += m == 0 || gr->pairs[m - 1].key != gr->pairs[i].key;
			gr->pairs[m++] = gr->pairs[i];
		}
	gr->npairs = m;
	memset(gr->lens3, 0, sizeof(gr->lens3));
	for (size_t i = 0; i < m; i++) {
		uint64_t key = gr->pairs[i].key;
		unsigned k = (unsigned)(key >> 56);
		if (k >= 3)
			gr->lens3[pf_hash3(key & 255, (key >> 8) & 255, (key >> 16) & 255)] |=
				(unsigned char)(1u << k);
	}
	size_t size = 16;
	while (size < 2 * keys)
		size *= 2;
	free(gr->tab);
	gr->tab = calloc(size, sizeof(*gr->tab));
	if (!gr->tab)
		return -1;
	gr->tabmask = size - 1;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && gr->pairs[j].key == gr->pairs[i].key)
			j++;
		size_t h = pf_hash(gr->pairs[i].key, gr->tabmask);
		while (gr->tab[h].key)
			h = (h + 1) & gr->tabmask;
		gr->tab[h] = (struct pf_gate_slot){ gr->pairs[i].key, i, j - i };
		i = j;
	}
	return 0;
}

/* Add gr's keys and skip characters to the root. */
static int pf_root_add(struct pf_gate_root *root, const struct pf_gate_group *gr)
{
	struct pf_gate_group *all = &root->all;
	for (size_t i = 0; i < gr->npairs; i++)
		if (pf_gate_pair(all, gr->pairs[i].key, gr->pairs[i].rule))
			return -1;
	for (size_t i = 0; i < sizeof(all->one); i++) {
		all->one[i] |= gr->one[i];
		all->two[i] |= gr->two[i];
	}
	for (size_t i = 0; i < sizeof(all->lens); i++)
		all->lens[i] |= gr->lens[i];
	for (size_t i = 0; i < gr->skip.n; i++)
		root->skipfirst[(unsigned char)gr->skip.v[i].p[0]] = 1;
	return 0;
}

static void pf_group_release(struct pf_gate_group *gr)
{
	pf_set_release(&gr->skip);
	free(gr->pairs);
	free(gr->tab);
}

int pf_gate_build(struct pf_gate *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (pf_group_build(&g->v[i]))
			return -1;
	if (g->root) {
		pf_group_release(&g->root->all);
		free(g->root);
	}
	g->root = g->n ? calloc(1, sizeof(*g->root)) : NULL;
	if (g->n && !g->root)
		return -1;
	for (size_t i = 0; i < g->n; i++)
		if (pf_root_add(g->root, &g->v[i]))
			return -1;
	return g->n ? pf_group_build(&g->root->all) : 0;
}

void pf_gate_release(struct pf_gate *g)
{
	for (size_t i = 0; i < g->n; i++)
		pf_group_release(&g->v[i]);
	if (g->root)
		pf_group_release(&g->root->all);
	free(g->root);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* Call f for the rule of the slot of key, if any. */
static void pf_group_lookup(const struct pf_gate_group *gr, uint64_t key,
                            void (*f)(void *, int), void *ctx)
{
	for (size_t h = pf_hash(key, gr->tabmask); gr->tab[h].key; h = (h + 1) & gr->tabmask)
		if (gr->tab[h].key == key) {
			for (size_t i = 0; i < gr->tab[h].n; i++)
				f(ctx, gr->pairs[gr->tab[h].first + i].rule);
			return;
		}
}

/* The rules whose heads may begin s[0..len). */
static void pf_group_probe(const struct pf_gate_group *gr, const unsigned char *s,
                           size_t len, void (*f)(void *, int), void *ctx)
{
	if (len == 0)
		return;
	unsigned c0 = pf_lower(s[0]);
	if (gr->one[c0 / 8] & (1u << (c0 % 8)))
		pf_group_lookup(gr, pf_key(s, 1), f, ctx);
	if (len < 2)
		return;
	if (!(gr->two[c0 / 8] & (1u << (c0 % 8))))
		return;
	unsigned c1 = pf_lower(s[1]);
	unsigned lens = gr->lens[(c0 << 8) | c1];
	if (!lens)
		return;
	uint64_t bytes = c0 | (uint64_t)c1 << 8;
	if (lens & (1u << 2))
		pf_group_lookup(gr, bytes | (uint64_t)2 << 56, f, ctx);
	if (len < 3 || !(lens >> 3))
		return;
	unsigned c2 = pf_lower(s[2]);
	lens &= gr->lens3[pf_hash3(c0, c1, c2)];
	bytes |= (uint64_t)c2 << 16;
	for (size_t k = 3; k <= PF_HEAD_MAX && k <= len && (lens >> k); k++) {
		if (k > 3)
			bytes |= (uint64_t)pf_lower(s[k - 1]) << (8 * (k - 1));
		if (lens & (1u << k))
			pf_group_lookup(gr, bytes | (uint64_t)k << 56, f, ctx);
	}
}

/* Bytes of the skip character at s, or 0 if s does not start with one. */
static size_t pf_skip_one(const struct pf_gate_group *gr, const unsigned char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return gr->ascii[s[0]];
	for (size_t i = 0; i < gr->skip.n; i++) {
		const struct pf_str *c = &gr->skip.v[i];
		if (c->len > 1 && c->len <= len && memcmp(s, c->p, c->len) == 0)
			return c->len;
	}
	return 0;
}

void pf_gate_match(const struct pf_gate *g, const char *line, size_t len,
                   void (*f)(void *ctx, int rule), void *ctx)
{
	const unsigned char *s = (const unsigned char *)line;
	if (!g->root)
		return;
	/* At the line's start, all groups at once; past skip characters,
	 * each group that has them. */
	pf_group_probe(&g->root->all, s, len, f, ctx);
	if (len == 0 || !g->root->skipfirst[s[0]])
		return;
	for (size_t i = 0; i < g->n; i++) {
		const struct pf_gate_group *gr = &g->v[i];
		size_t pos = 0, k;
		while ((k = pf_skip_one(gr, s + pos, len - pos)) != 0) {
			pos += k;
			pf_group_probe(gr, s + pos, len - pos, f, ctx);
		}
	}
}
