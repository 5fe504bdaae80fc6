/* test_prefilter.c: unit tests of the literal and head prefilters
 * (prefilter.h), and of their soundness against PCRE2 itself: whenever
 * PCRE2 matches, the prefilter must let the line through. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <utf8proc.h>

#include "clean.h"
#include "patterns.h"
#include "prefilter.h"

/* Does set s hold exactly the string x? */
static int has(const struct pf_set *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].len == strlen(x) && memcmp(s->v[i].p, x, s->v[i].len) == 0)
			return 1;
	return 0;
}

static void atoms(const char *re, struct pf_set *out)
{
	ck_assert_int_eq(pf_atoms(re, strlen(re), out), 0);
}

START_TEST(atoms_of_literals_and_alternations)
{
	struct pf_set s = { 0 };
	atoms("^ *(Share|tweet) this$", &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(has(&s, " this") || (has(&s, "share this") && has(&s, "tweet this")));
	atoms("(?<=[.!?]) +(photo|image): [^ ]+$", &s);
	ck_assert(has(&s, "photo: ") && has(&s, "image: "));
	/* A two-letter alternative is too weak to gate on. */
	atoms("^(ad|advertisement)$", &s);
	ck_assert_uint_eq(s.n, 0);
	/* Nothing to hold on to. */
	atoms("^.*$", &s);
	ck_assert_uint_eq(s.n, 0);
	atoms("\\d+ comments", &s);
	ck_assert(has(&s, " comments"));
	/* A Latin letter with case gives both cases. */
	atoms("^à lire aussi$", &s);
	ck_assert(has(&s, "à lire aussi") && has(&s, "À lire aussi"));
	/* Cyrillic letters pair their cases too. */
	atoms("все права", &s);
	ck_assert(has(&s, "все права") && has(&s, "ВСЕ ПРАВА") && has(&s, "Все права"));
	/* Greek too, but for the letters with a third form (ς σ Σ, µ μ Μ). */
	atoms("όλα τα", &s);
	ck_assert(has(&s, "όλα τα") && has(&s, "ΌΛΑ ΤΑ"));
	atoms("σμσμσμ", &s);
	ck_assert_uint_eq(s.n, 0);
	/* CJK has no case. */
	atoms("版权所有", &s);
	ck_assert(has(&s, "版权所有"));
	pf_set_release(&s);
}
END_TEST

START_TEST(atoms_give_up_on_unknown_syntax)
{
	struct pf_set s = { 0 };
	const char *odd[] = { "(share)\\1", "(?x) share this", "(*UTF)share this",
	                      "(?(1)share|tweet)", "share\\Q(x)\\E", "(?P=n)share" };
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		atoms(odd[i], &s);
		ck_assert_msg(s.n == 0, "%s gave atoms", odd[i]);
	}
	pf_set_release(&s);
}
END_TEST

START_TEST(heads_of_anchored_rules)
{
	struct pf_set skip = { 0 }, h = { 0 };
	const char *re = "^[ *•]*(Share|tweet)( this)?[ :]*$";
	ck_assert_int_eq(pf_heads(re, strlen(re), &skip, &h), 0);
	ck_assert_uint_eq(skip.n, 3);
	ck_assert(has(&skip, "•") && has(&skip, " "));
	ck_assert(has(&h, "share") && has(&h, "tweet") && has(&h, "share t"));
	/* Not anchored, or not wholly: no heads. */
	const char *none[] = { "share", "^a|b", "(?m)^share", "^.*share", "^\\w+ shares" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ck_assert_int_eq(pf_heads(none[i], strlen(none[i]), &skip, &h), 0);
		ck_assert_msg(h.n == 0, "%s gave heads", none[i]);
	}
	pf_set_release(&skip);
	pf_set_release(&h);
}
END_TEST

static void on_rule(void *ctx, int rule)
{
	((int *)ctx)[rule] = 1;
}

START_TEST(digit_heads)
{
	struct pf_set skip = { 0 }, h = { 0 };
	struct pf_gate g = { 0 };
	const char *re = "^[ *]*(\\d+ *)?(shares|likes)$";
	ck_assert_int_eq(pf_heads(re, strlen(re), &skip, &h), 0);
	ck_assert_uint_gt(h.n, 0);
	ck_assert_int_eq(pf_gate_add(&g, &skip, &h, 0), 0);
	ck_assert_int_eq(pf_gate_build(&g), 0);
	/* Unicode digits too: \d is \p{Nd} under UCP. */
	const char *pass[] = { "12 shares", "* 3 likes", "\xd9\xa1\xd9\xa2 shares", "Shares" };
	for (size_t i = 0; i < 4; i++) {
		int got = 0;
		pf_gate_match(&g, pass[i], strlen(pass[i]), on_rule, &got);
		ck_assert_msg(got, "'%s' not let through", pass[i]);
	}
	int got = 0;
	pf_gate_match(&g, "Twelve shares", 13, on_rule, &got);
	ck_assert(!got);
	pf_gate_release(&g);
	pf_set_release(&skip);
	pf_set_release(&h);
}
END_TEST

/* One gate of many rules finds every rule that a gate of that rule alone
 * finds: the root table of all groups' keys, and the lengths indexed by
 * two and three first bytes, drop nothing. Heads share starts here. */
START_TEST(gate_of_many_finds_what_each_finds)
{
	const char *re[] = {
		"^(ab|abc|abcdefgh|abd)x", "^[ *]*(abcd|abcdef|ab)$", "^[ *•]*(abx|abcdefg)",
		"^ *(q|qu|que|ques|quest)", "^(-|—) *(abcde|b)", "^[ *]*\\d+ *(ab|cd)",
	};
	const char *lines[] = {
		"ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
		"ABD x", "* abcdef", " * • abx", "•abcdefg", "q", "  ques", "QUESTION",
		"- abcde", "— b", "*- abcde", "12 ab", "* 3cd", "\xd9\xa1 ab", "x", "",
	};
	size_t nre = sizeof(re) / sizeof(re[0]), nl = sizeof(lines) / sizeof(lines[0]);
	struct pf_gate all = { 0 }, one[6] = { { 0 } };
	struct pf_set skip = { 0 }, h = { 0 };
	for (size_t i = 0; i < nre; i++) {
		ck_assert_int_eq(pf_heads(re[i], strlen(re[i]), &skip, &h), 0);
		ck_assert_uint_gt(h.n, 0);
		ck_assert_int_eq(pf_gate_add(&all, &skip, &h, (int)i), 0);
		ck_assert_int_eq(pf_gate_add(&one[i], &skip, &h, 0), 0);
		ck_assert_int_eq(pf_gate_build(&one[i]), 0);
	}
	ck_assert_int_eq(pf_gate_build(&all), 0);
	int found = 0;
	for (size_t l = 0; l < nl; l++) {
		int got[6] = { 0 };
		pf_gate_match(&all, lines[l], strlen(lines[l]), on_rule, got);
		for (size_t i = 0; i < nre; i++) {
			int alone = 0;
			pf_gate_match(&one[i], lines[l], strlen(lines[l]), on_rule, &alone);
			ck_assert_msg(!alone || got[i], "'%s': rule %zu missed", lines[l], i);
			found += alone;
		}
	}
	ck_assert_int_gt(found, 20);
	for (size_t i = 0; i < nre; i++)
		pf_gate_release(&one[i]);
	pf_gate_release(&all);
	pf_set_release(&skip);
	pf_set_release(&h);
}
END_TEST

START_TEST(gate_finds_heads_after_bullets)
{
	struct pf_set skip = { 0 }, h = { 0 };
	struct pf_gate g = { 0 };
	const char *re[] = { "^[ *•-]*(share|tweet)$", "^(-|—) *more$", "^ *q: " };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pf_heads(re[i], strlen(re[i]), &skip, &h), 0);
		ck_assert_uint_gt(h.n, 0);
		ck_assert_int_eq(pf_gate_add(&g, &skip, &h, i), 0);
	}
	ck_assert_int_eq(pf_gate_build(&g), 0);
	struct { const char *line; int want[3]; } cases[] = {
		{ "Share", { 1, 0, 0 } },
		{ " * • TWEET", { 1, 0, 0 } },
		{ "- more", { 0, 1, 0 } },   /* "-" is a head, after no bullet */
		{ "* - more", { 0, 0, 0 } }, /* "*" is not rule 1's bullet */
		{ "  Q: why?", { 0, 0, 1 } },
		{ "The share price", { 0, 0, 0 } },
		{ "", { 0, 0, 0 } },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int got[3] = { 0, 0, 0 };
		pf_gate_match(&g, cases[c].line, strlen(cases[c].line), on_rule, got);
		for (int i = 0; i < 3; i++)
			if (cases[c].want[i])
				ck_assert_msg(got[i], "'%s' missed rule %d", cases[c].line, i);
		if (c >= 5)
			ck_assert(!got[0] && !got[1] && !got[2]);
	}
	pf_gate_release(&g);
	pf_set_release(&skip);
	pf_set_release(&h);
}
END_TEST

/* pf_paired's promise, checked against this PCRE2: a paired letter
 * matches (caselessly) no character with case other than its own lower
 * and upper case and the exotic ones. */
static int is_exotic_cp(int32_t x)
{
	for (size_t i = 0; i < pf_nexotic; i++) {
		utf8proc_int32_t cp;
		utf8proc_iterate((const utf8proc_uint8_t *)pf_exotic[i].p,
		                 (utf8proc_ssize_t)pf_exotic[i].len, &cp);
		if (cp == x)
			return 1;
	}
	return 0;
}

START_TEST(paired_letters_match_pcre2)
{
	static int32_t cased[32768];
	size_t nc = 0;
	/* Caseless matching relates only characters that have a case
	 * mapping or are one: the candidates. */
	static unsigned char is_case[0x110000];
	for (int32_t x = 0x41; x < 0x110000; x++) {
		int32_t l = utf8proc_tolower(x), u = utf8proc_toupper(x), t = utf8proc_totitle(x);
		if (l != x || u != x || t != x)
			is_case[x] = is_case[l] = is_case[u] = is_case[t] = 1;
	}
	for (int32_t x = 0x41; x < 0x110000 && nc < 32768; x++)
		if (is_case[x]) {
			cased[nc++] = x;
			/* Anything in a case relation is never "uncased". */
			ck_assert_msg(x < 0x80 || !pf_uncased(x), "U+%04X uncased", (unsigned)x);
		}
	ck_assert_uint_lt(nc, 32768);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int npaired = 0;
	for (int32_t cp = 0x80; cp < 0x3000; cp++) {
		if (!pf_paired(cp))
			continue;
		npaired++;
		unsigned char pat[4], u[4];
		utf8proc_ssize_t k = utf8proc_encode_char(cp, pat);
		int ec;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile(pat, (size_t)k, PCRE2_CASELESS | PCRE2_UTF |
		                               PCRE2_UCP, &ec, &off, NULL);
		ck_assert_ptr_nonnull(re);
		for (size_t i = 0; i < nc; i++) {
			int32_t x = cased[i];
			if (x == cp || x == utf8proc_tolower(cp) || x == utf8proc_toupper(cp) ||
			    is_exotic_cp(x))
				continue;
			utf8proc_ssize_t n = utf8proc_encode_char(x, u);
			ck_assert_msg(pcre2_match(re, u, (size_t)n, 0, 0, md, NULL) < 0,
			              "U+%04X also matches U+%04X", (unsigned)cp, (unsigned)x);
		}
		pcre2_code_free(re);
	}
	ck_assert_int_gt(npaired, 900);
	pcre2_match_data_free(md);
}
END_TEST

/* ---- soundness: every PCRE2 match passes the prefilters ---- */

/* ASCII-caseless substring test, as the literal database compares. */
static int contains(const char *s, size_t n, const struct pf_str *a)
{
	for (size_t i = 0; i + a->len <= n; i++) {
		size_t k = 0;
		while (k < a->len) {
			unsigned char c = (unsigned char)s[i + k];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)a->p[k])
				break;
			k++;
		}
		if (k == a->len)
			return 1;
	}
	return 0;
}

static int exotic(const char *s, size_t n)
{
	for (size_t i = 0; i < pf_nexotic; i++)
		if (contains(s, n, &pf_exotic[i]))
			return 1;
	return 0;
}

/* Check one regex against one subject; returns 1 if PCRE2 matched. */
static int check_sound(const char *re, const char *s)
{
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, strlen(re),
	                                 PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP |
	                                 PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	ck_assert_msg(code != NULL, "bad test regex %s", re);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t n = strlen(s);
	int m = pcre2_match(code, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	if (!m || exotic(s, n))
		return m;
	struct pf_set a = { 0 }, skip = { 0 }, h = { 0 };
	ck_assert_int_eq(pf_atoms(re, strlen(re), &a), 0);
	int found = a.n == 0;
	for (size_t i = 0; i < a.n && !found; i++)
		found = contains(s, n, &a.v[i]);
	ck_assert_msg(found, "atoms of %s miss '%s'", re, s);
	ck_assert_int_eq(pf_heads(re, strlen(re), &skip, &h), 0);
	if (h.n) {
		struct pf_gate g = { 0 };
		int got = 0;
		ck_assert_int_eq(pf_gate_add(&g, &skip, &h, 0), 0);
		ck_assert_int_eq(pf_gate_build(&g), 0);
		pf_gate_match(&g, s, n, on_rule, &got);
		ck_assert_msg(got, "heads of %s miss '%s'", re, s);
		pf_gate_release(&g);
	}
	pf_set_release(&a);
	pf_set_release(&skip);
	pf_set_release(&h);
	return 1;
}

static const char *const regexes[] = {
	"^[ *•·-]*(share|share this|tweet)[ :.!]*$",
	"^ *(q|a|question)\\s*[:.]",
	"^[ *•·-]*(\\d+ *)?(views?|reads?)$",
	"^[ *•·-]*[(\\[]?(advertisement|ad|pr)[)\\]]?$",
	"^[^\\n]*\\b(all rights reserved|tous droits réservés)\\b",
	"(?<=[.!?]) +(photo|image) *: *[^.]+$",
	"[ ]*\\balt=(\"[^\"]*\"|[^>]*) */?> *$",
	"^[ *•-]*(à lire aussi|lire aussi|über uns|ÉDITION)$",
	"^(?:follow|suivez)-?(us|nous)? on (x|facebook)$",
	"^[ *]*skip(ping)? (to )?(main )?content$",
	"^(#[^ #]+ *){2,}$",
	"^(k|s)ale?$",
	"^[ *]*(\\d+ *)?(shares|likes)$",
	"^©|^copyright",
	"^[ *]*(ⓒ|copyright) *\\d+$",
	"^(русский|главная|все права защищены)$",
	"^(όλα τα δικαιώματα|αρχική)$",
};

static const char *const subjects[] = {
	"Share", "• SHARE THIS:", " - tweet", "Q: what now?", "question. yes",
	"12 views", "Reads", "[Advertisement]", "(AD)", "PR",
	"© 2024 Foo. All Rights Reserved.", "Tous droits réservés",
	"It rained. Photo: AP", "A dog alt=\"a dog\" >", "À LIRE AUSSI",
	"* lire aussi", "ÜBER UNS", "édition", "Follow us on X", "suivez-nous on facebook",
	"Skip to main content", "#one #two", "ſale", "Kale", "ſhare", "KALE",
	"© me", "COPYRIGHT 2020", "12 Shares", "\xd9\xa1 likes", "ⓒ 2020", "Ⓒ 2020", "Русский", "ГЛАВНАЯ", "Все Права Защищены", "ΌΛΑ ΤΑ ΔΙΚΑΙΏΜΑΤΑ", "Αρχική", "ΑΡΧΙΚΉ", "The share price rose", "", "•",
};

START_TEST(prefilters_are_sound)
{
	int matched = 0;
	for (size_t r = 0; r < sizeof(regexes) / sizeof(regexes[0]); r++)
		for (size_t s = 0; s < sizeof(subjects) / sizeof(subjects[0]); s++)
			matched += check_sound(regexes[r], subjects[s]);
	ck_assert_int_gt(matched, 25); /* the cases do exercise matches */
}
END_TEST

/* The default rules: the gated pat_scan and the one-pass prescan give
 * what PCRE2 alone gives, on lines made to hit many rules. */
static const char *const lines[] = {
	"Share this article", "• Facebook · Twitter · LinkedIn", "Advertisement",
	"Photo: Getty Images", "Leave a Reply", "Copyright © 2024 Foo Media",
	"You may also like", "Subscribe to our newsletter", "We use cookies",
	"Home | News | Sport", "à lire aussi", "Q: Why?", "A dry river. Photo: X alt=A dry river>",
	"The council met on Tuesday to discuss the budget.", "12 comments",
	"finance.yahoo.com", "#climate #weather", "ſhare", "Compartir en Facebook",
	"分享到微信", "Read more", "", "   ",
};

/* Rule r's regex, read back from the embedded file its "file:line"
 * names, compiled by PCRE2 as patterns.c compiles it. */
static pcre2_code *rule_code(const struct pat_set *ps, int r)
{
	const char *where = pat_rule_where(ps, r), *colon = strrchr(where, ':');
	long line = atol(colon + 1);
	for (size_t i = 0; i < pat_ndefaults; i++) {
		if (strlen(pat_defaults[i].name) != (size_t)(colon - where) ||
		    memcmp(pat_defaults[i].name, where, (size_t)(colon - where)))
			continue;
		const char *p = pat_defaults[i].text;
		for (long k = 1; k < line; k++)
			p = strchr(p, '\n') + 1;
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\r' || p[n - 1] == '\t'))
			n--;
		for (int field = 0; field < 2; field++) { /* CATEGORY ACTION */
			while (*p == ' ' || *p == '\t')
				p++, n--;
			while (*p != ' ' && *p != '\t')
				p++, n--;
		}
		while (*p == ' ' || *p == '\t')
			p++, n--;
		int ec;
		PCRE2_SIZE off;
		return pcre2_compile((PCRE2_SPTR)p, n, PCRE2_CASELESS | PCRE2_UTF |
		                     PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	}
	return NULL;
}

START_TEST(defaults_gated_equal_pcre)
{
	struct pat_set *ps;
	struct buf err;
	buf_init(&err, 0);
	ck_assert_int_eq(pat_set_new(&ps), CLEAN_OK);
	for (size_t i = 0; i < pat_ndefaults; i++)
		ck_assert_int_eq(pat_set_add(ps, pat_defaults[i].name, pat_defaults[i].text,
		                             pat_defaults[i].len, &err), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	size_t n = sizeof(lines) / sizeof(lines[0]);
	struct pat_line pl[sizeof(lines) / sizeof(lines[0])];
	for (size_t i = 0; i < n; i++)
		pl[i] = (struct pat_line){ lines[i], strlen(lines[i]) };
	struct pat_pre pre = { 0 };
	ck_assert_int_eq(pat_prescan(ps, pl, n, &pre), 0);
	size_t nr = pat_nrules(ps);
	pcre2_code **code = calloc(nr, sizeof(*code));
	for (size_t r = 0; r < nr; r++) {
		code[r] = rule_code(ps, (int)r);
		ck_assert_ptr_nonnull(code[r]);
	}
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		struct pat_hit a[PAT_MAX_HITS], b[PAT_MAX_HITS];
		int na = pat_scan(ps, lines[i], strlen(lines[i]), a, PAT_MAX_HITS);
		int nb = pat_scan_pre(ps, &pre, i, lines[i], strlen(lines[i]), b, PAT_MAX_HITS);
		int nc = 0;
		for (size_t r = 0; r < nr && nc < PAT_MAX_HITS; r++)
			if (pcre2_match(code[r], (PCRE2_SPTR)lines[i], strlen(lines[i]), 0, 0, md, NULL) >= 0) {
				ck_assert_msg(nc < na && a[nc].rule == (int)r,
				              "'%s': rule %s missed", lines[i], pat_rule_where(ps, (int)r));
				nc++;
			}
		ck_assert_int_eq(na, nc);
		ck_assert_int_eq(na, nb);
		for (int k = 0; k < na; k++)
			ck_assert_int_eq(a[k].rule, b[k].rule);
		total += na;
	}
	for (size_t r = 0; r < nr; r++)
		pcre2_code_free(code[r]);
	free(code);
	pcre2_match_data_free(md);
	ck_assert_int_gt(total, 15);
	pat_pre_release(&pre);
	pat_set_free(ps);
	buf_release(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prefilter");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, atoms_of_literals_and_alternations);
	tcase_add_test(tc, atoms_give_up_on_unknown_syntax);
	tcase_add_test(tc, heads_of_anchored_rules);
	tcase_add_test(tc, gate_finds_heads_after_bullets);
	tcase_add_test(tc, gate_of_many_finds_what_each_finds);
	tcase_add_test(tc, digit_heads);
	tcase_add_test(tc, paired_letters_match_pcre2);
	tcase_add_test(tc, prefilters_are_sound);
	tcase_add_test(tc, defaults_gated_equal_pcre);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
