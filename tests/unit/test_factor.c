/* test_factor.c: unit tests of the alternation factoring (factor.h): the
 * shapes it writes, the regexes it leaves alone, and, above all, that the
 * factored regex matches what the original matches, with the same span,
 * on tricky hand-made cases, on every string up to a few characters over
 * each case's alphabet, and on every default rule. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <utf8proc.h>

#include "clean.h"
#include "factor.h"
#include "patterns.h"

#define OPTS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

/* factor_regex(re): its result, and the factored text in *out. */
static int factor(const char *re, struct buf *out)
{
	return factor_regex(re, strlen(re), out);
}

static void expect(const char *re, const char *want)
{
	struct buf b;
	buf_init(&b, BUF_MAX_DEFAULT);
	ck_assert_int_eq(factor(re, &b), want ? 1 : 0);
	ck_assert_str_eq(b.ptr, want ? want : "");
	buf_release(&b);
}

START_TEST(shapes)
{
	expect("home|homepage|home page|menu|more", "home(?:|page| page)|m(?:enu|ore)");
	/* Order within a first character is kept, across them it may go. */
	expect("(ab|c|a)", "(a(?:b|)|c)");
	expect("(ab|Ac|a)", "(a(?:b|c|))");
	/* An alternative that is not literal from its start is a barrier. */
	expect("(ab|\\d|ac)", NULL);
	expect("(ab|x|\\d|ac|ad)", "(ab|x|\\d|a(?:c|d))");
	/* Literal prefixes end at quantifiers, classes, groups, escapes. */
	expect("(colou?r|color)", "(colo(?:u?r|r))");
	expect("(more on this (story|topic)|more (stories|news))",
	       "(more (?:on this (story|topic)|(stories|news)))");
	expect("(search\\.\\.\\.|search …|search)", "(search(?:\\.\\.\\.| …|))");
	/* Letters are grouped by case, CJK as they are. */
	expect("(À propos|à la une|分享|分享到)", "(À (?:propos|la une)|分享(?:|到))");
	/* Lookbehind branches keep their lengths. */
	expect("(?<=ab|ac)x", NULL);
	expect("(?<=ab|ac)(xy|xz)", "(?<=ab|ac)(x(?:y|z))");
	/* Nothing to factor. */
	expect("^share this$", NULL);
	expect("(a|b|c)", NULL);
}
END_TEST

START_TEST(gives_up_on_unknown_syntax)
{
	static const char *const res[] = {
		"(?i)(ab|ac)", "(?-i:ab|ac)", "(?x)(ab | ac)", "(ab|ac)\\1",
		"(?<n>ab|ac)\\k<n>", "\\Q(ab|ac)\\E", "(*UTF)(ab|ac)", "(?|(ab)|(ac))",
		"(?(1)ab|ac)", "(ab|ac)(?1)", "(?#(ab|ac))", "(ab|ac", "ab|ac)",
		"[[:alpha:](ab|ac)", "\\c(ab|ac)", "(ab|ac)\\", "[ab",
		"\xff(ab|ac)", "(?R)|ab|ac", "(?P=n)ab|ac",
	};
	struct buf b;
	buf_init(&b, BUF_MAX_DEFAULT);
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++)
		ck_assert_msg(factor(res[i], &b) == 0 && b.len == 0, "%s", res[i]);
	buf_release(&b);
}
END_TEST

static pcre2_code *compile(const char *re, size_t n, int jit)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, n, OPTS, &ec, &off, NULL);
	ck_assert_msg(c != NULL, "does not compile: %.*s", (int)n, re);
	if (jit)
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

/* The two regexes agree on subject s: same result, same span. */
static void agree(pcre2_code *a, pcre2_code *b, pcre2_match_data *ma,
                  pcre2_match_data *mb, const char *re, const char *s, size_t n)
{
	int ra = pcre2_match(a, (PCRE2_SPTR)s, n, 0, 0, ma, NULL);
	int rb = pcre2_match(b, (PCRE2_SPTR)s, n, 0, 0, mb, NULL);
	PCRE2_SIZE *oa = pcre2_get_ovector_pointer(ma), *ob = pcre2_get_ovector_pointer(mb);
	ck_assert_msg((ra >= 0) == (rb >= 0), "%s on '%.*s': %d, factored %d", re, (int)n, s, ra, rb);
	if (ra >= 0)
		ck_assert_msg(oa[0] == ob[0] && oa[1] == ob[1],
		              "%s on '%.*s': span %zu-%zu, factored %zu-%zu", re, (int)n, s,
		              (size_t)oa[0], (size_t)oa[1], (size_t)ob[0], (size_t)ob[1]);
}

struct pair {
	pcre2_code *a, *b;
	pcre2_match_data *ma, *mb;
	const char *re;
	int matched;
};

/* Factor re, compile both forms (the original twice if it stays). */
static void pair_init(struct pair *p, const char *re, size_t n, int jit)
{
	struct buf f;
	buf_init(&f, BUF_MAX_DEFAULT);
	int rc = factor_regex(re, n, &f);
	ck_assert_int_ge(rc, 0);
	p->a = compile(re, n, jit);
	p->b = rc ? compile(f.ptr, f.len, jit) : compile(re, n, jit);
	p->ma = pcre2_match_data_create(16, NULL);
	p->mb = pcre2_match_data_create(16, NULL);
	p->re = re;
	buf_release(&f);
}

static void pair_check(struct pair *p, const char *s, size_t n)
{
	agree(p->a, p->b, p->ma, p->mb, p->re, s, n);
	p->matched += pcre2_match(p->a, (PCRE2_SPTR)s, n, 0, 0, p->ma, NULL) >= 0;
}

static void pair_release(struct pair *p)
{
	pcre2_code_free(p->a);
	pcre2_code_free(p->b);
	pcre2_match_data_free(p->ma);
	pcre2_match_data_free(p->mb);
}

/* Hand-made cases: shared prefixes, alternatives whose order decides the
 * span, case variants, the Kelvin sign and the long s, empty
 * alternatives, nested groups, quantifiers, lookaround. */
static const char *const tricky[] = {
	"home|homepage|home page",
	"^(home|homepage|home page)$",
	"(a|ab)(c|bcd)",
	"(ab|a)(c|bcd)",
	"(ab|c|a)(c|bcd)",
	"(Ab|aB|AB|a)(c|bcd)",
	"(ab|A|abc)(bcd|de?)",
	"(AB|a|ab)(c|bcd)",
	"(ab|x|abc)(bcd|de?)",
	"(aB|x|Ab|a|ab)(c|bcd)?",
	"(k|\\x{212A}|ka|kb)(a|b)?",
	"(K|\xE2\x84\xAA" "a|ka|\xE2\x84\xAA|kb)a?",
	"(s|\xC5\xBFt|st|S)t?",
	"(st|\xC5\xBF|s|ss)t",
	"(å|Å|\xE2\x84\xAB|åx|ÅX)x?",
	"(İa|ia|ıa|Ia|ia)a?",
	"(σα|Σβ|ςγ|σ|Σ)(α|β)?",
	"(é|É|èx|éa|ÉA)a?",
	"(|a|ab)c",
	"(a||ab)(c|bc)",
	"x(a|)y|x(|a)z",
	"((ab|ac)d|a(b|c)e|abf)",
	"(a(b|c)|a(b|c)d)(d|de)?",
	"(colou?r|colo|col)(ur|r)?",
	"(ab+|ab|a)(b|bc)?",
	"(a{2}|aa|a)(a|ab)?",
	"([ab]x|ax|a)(x|y)?",
	"(^ab|a|^ac)(b|c)?",
	"abc|abd|ab|a",
	"(ab(?=c)|ab|a)(b|bc)?",
	"(?=ab|ac)(a|ab)",
	"(?>ab|a)b",
	"(?>a|ab)b",
	"(?<n>ab|ac|a)(c|b)?",
	"(a\\||a\\(|a|a\\.)(\\||\\(|b)?",
	"^[ *•·-]*(\\d+\\. *)?(home|homepage|home page|menu|more|m)[ :.!]*$",
	"(分享|分享到|版权|版)(到|权)?",
	"(ab|ac)+",
	"(?:ab|ac|a)*?c",
};

/* Characters the generated subjects are made of: those of the regex,
 * their cases, and the characters that match a letter without being one
 * of its cases. */
static size_t alphabet(const char *re, int32_t *v, size_t max)
{
	static const int32_t extra[] = { 0x212A, 0x17F, 0x212B, 'b', 'c', 'd', ' ' };
	size_t n = 0;
	utf8proc_ssize_t k;
	int32_t cp;
	for (const char *p = re; *p; p += k) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
		ck_assert_int_gt(k, 0);
		if (cp < 0x80 && strchr("()|?*+{}[]\\^$.:<>=!", cp))
			continue;
		int32_t c3[3] = { cp, utf8proc_tolower(cp), utf8proc_toupper(cp) };
		for (int i = 0; i < 3; i++) {
			size_t j = 0;
			while (j < n && v[j] != c3[i])
				j++;
			if (j == n && n < max)
				v[n++] = c3[i];
		}
	}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]) && n < max; i++) {
		size_t j = 0;
		while (j < n && v[j] != extra[i])
			j++;
		if (j == n)
			v[n++] = extra[i];
	}
	return n;
}

/* Every string of up to len characters of v[0..n), to p. */
static void every_string(struct pair *p, const int32_t *v, size_t n, size_t len)
{
	size_t total = 1;
	for (size_t i = 0; i < len; i++)
		total *= n + 1; /* n + 1: "no character" */
	for (size_t t = 0; t < total; t++) {
		char s[64];
		size_t sl = 0, x = t;
		for (size_t i = 0; i < len; i++, x /= n + 1)
			if (x % (n + 1))
				sl += (size_t)utf8proc_encode_char(v[x % (n + 1) - 1],
				                                   (utf8proc_uint8_t *)s + sl);
		pair_check(p, s, sl);
	}
}

static void near_strings(struct pair *p, const char *re, size_t rn);

static void tricky_cases(int jit)
{
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		struct pair p = { 0 };
		int32_t v[24];
		size_t n = alphabet(tricky[i], v, 24);
		pair_init(&p, tricky[i], strlen(tricky[i]), jit);
		every_string(&p, v, n, n <= 12 ? 4 : 3);
		near_strings(&p, tricky[i], strlen(tricky[i]));
		ck_assert_msg(p.matched > 0, "no subject matched %s", tricky[i]);
		pair_release(&p);
	}
}

START_TEST(tricky_cases_agree)
{
	tricky_cases(0);
	tricky_cases(1);
}
END_TEST

/* factor_key against PCRE2 itself: over the letters with a key, two
 * match each other caselessly iff they have the same key. */
START_TEST(keys_match_pcre2)
{
	int32_t *v = malloc(0x3000 * sizeof(*v));
	size_t n = 0;
	for (int32_t cp = 'A'; cp < 0x3000; cp++)
		if (factor_key(cp) >= 0 && utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
		    utf8proc_category(cp) <= UTF8PROC_CATEGORY_LT)
			v[n++] = cp;
	ck_assert_uint_gt(n, 1000);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	for (size_t i = 0; i < n; i++) {
		char a[8], b[8];
		utf8proc_ssize_t la = utf8proc_encode_char(v[i], (utf8proc_uint8_t *)a);
		pcre2_code *c = compile(a, (size_t)la, 1);
		for (size_t j = 0; j < n; j++) {
			utf8proc_ssize_t lb = utf8proc_encode_char(v[j], (utf8proc_uint8_t *)b);
			int m = pcre2_match(c, (PCRE2_SPTR)b, (size_t)lb, 0, PCRE2_ANCHORED, md, NULL) >= 0;
			ck_assert_msg(m == (factor_key(v[i]) == factor_key(v[j])),
			              "U+%04X U+%04X: match %d, keys %d %d", v[i], v[j], m,
			              factor_key(v[i]), factor_key(v[j]));
		}
		pcre2_code_free(c);
	}
	/* The signs and the long s have no key; İ and ı neither. */
	ck_assert_int_lt(factor_key(0x212A), 0);
	ck_assert_int_lt(factor_key(0x212B), 0);
	ck_assert_int_lt(factor_key(0x17F), 0);
	ck_assert_int_lt(factor_key(0x130), 0);
	ck_assert_int_lt(factor_key(0x131), 0);
	pcre2_match_data_free(md);
	free(v);
}
END_TEST

/* The regex of the default rule on line s[0..n) of a rule file. */
static int rule_regex(const char *s, size_t n, const char **re, size_t *rn)
{
	size_t i = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	for (int field = 0; field < 2; field++) { /* CATEGORY ACTION */
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	}
	*re = s + i;
	*rn = n - i;
	return 1;
}

/* Pieces of the rule's own text (runs between its syntax characters),
 * whole and in other cases, joined and framed: strings near its
 * matches. */
static void near_strings(struct pair *p, const char *re, size_t rn)
{
	static const char *const pre[] = { "", "• ", "1. ", "- ", "x " };
	static const char *const mid[] = { "", " ", " | ", ": ", ", " };
	static const char *const post[] = { "", ".", " »", "!", " x" };
	const char *piece[512];
	size_t plen[512], np = 0;
	for (size_t i = 0; i < rn && np < 512;) {
		size_t j = i;
		while (j < rn && !strchr("()|?*+{}[]\\^$", re[j]))
			j++;
		if (j > i) {
			piece[np] = re + i;
			plen[np++] = j - i;
		}
		i = j + 1;
	}
	unsigned long rng = 12345;
	char s[1024];
	for (size_t t = 0; t < 6 * np + 200; t++) {
		size_t sl = 0;
		rng = rng * 6364136223846793005UL + 1442695040888963407UL;
		const char *a = pre[(rng >> 33) % 5];
		memcpy(s, a, strlen(a));
		sl += strlen(a);
		int parts = 1 + (int)((rng >> 40) % 3);
		for (int k = 0; k < parts && np; k++) {
			size_t x = t < np && k == 0 ? t : (rng >> (13 + 7 * k)) % np;
			if (k) {
				a = mid[(rng >> (20 + k)) % 5];
				memcpy(s + sl, a, strlen(a));
				sl += strlen(a);
			}
			if (sl + plen[x] + 8 > sizeof(s))
				break;
			memcpy(s + sl, piece[x], plen[x]);
			if ((rng >> 50) % 3 == 1)
				for (size_t c = sl; c < sl + plen[x]; c++)
					s[c] = (char)(s[c] >= 'a' && s[c] <= 'z' ? s[c] - 32 : s[c]);
			sl += plen[x];
		}
		a = post[(rng >> 55) % 5];
		memcpy(s + sl, a, strlen(a));
		sl += strlen(a);
		pair_check(p, s, sl);
		pair_check(p, s, sl > 2 ? sl - 2 : 0); /* cut: prefixes of matches */
	}
}

START_TEST(default_rules_agree)
{
	static const char *const lines[] = {
		"Share this article", "• Facebook · Twitter · LinkedIn", "Advertisement",
		"Home", "Homepage", "home page", "HOME PAGE", "Home | News | Sport",
		"Sign in / Register", "Privacy Policy | Terms of Use | Cookie Policy",
		"© 2024 Foo Media. All rights reserved.", "You may also like",
		"Read more: The council met on Tuesday", "More on this story",
		"Already a subscriber? Log in", "à lire aussi", "ſhare", "\xE2\x84\xAAontakt",
		"The council met on Tuesday to discuss the budget.", "", "分享到微信",
	};
	size_t nrules = 0, nfactored = 0;
	int matched = 0;
	for (size_t f = 0; f < pat_ndefaults; f++) {
		const char *s = pat_defaults[f].text, *end = s + pat_defaults[f].len;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s)), *re;
			size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s), rn;
			struct buf b;
			buf_init(&b, BUF_MAX_DEFAULT);
			if (rule_regex(s, n, &re, &rn)) {
				nrules++;
				if (factor_regex(re, rn, &b) == 1) {
					struct pair p = { 0 };
					char *copy = strndup(re, rn);
					pair_init(&p, copy, rn, 1);
					for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
						pair_check(&p, lines[i], strlen(lines[i]));
					near_strings(&p, re, rn);
					matched += p.matched;
					nfactored++;
					pair_release(&p);
					free(copy);
				}
			}
			buf_release(&b);
			s += n + 1;
		}
	}
	/* Most default rules are phrase lists, and the strings do hit them. */
	ck_assert_uint_gt(nfactored, nrules / 2);
	ck_assert_int_gt(matched, 1000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("factor");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, shapes);
	tcase_add_test(tc, gives_up_on_unknown_syntax);
	tcase_add_test(tc, tricky_cases_agree);
	tcase_add_test(tc, keys_match_pcre2);
	tcase_add_test(tc, default_rules_agree);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
