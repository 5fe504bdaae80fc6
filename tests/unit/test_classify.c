/* Unit tests for classify.h: each precedence step of the contract, seen
 * through the public API (clean_text and the per-line view). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "classify.h"

#include <utf8proc.h>

static struct clean_ctx *ctx;

/* A test's own rules, so these tests do not move with the default set. */
static const char rules[] =
	"# test rules\n"
	"share drop ^share: .*$\n"
	"caption strip \\s*photo: [a-z ]+$\n"
	"nav edge ^(home|menu)$\n"
	"related tail ^you may also like$\n"
	"qa keep ^q: \n"
	"qa drop ^q: never$\n";

#define P1 "The city council approved the new budget on Tuesday after a long debate."
#define P2 "Critics said the plan would raise property taxes for many families in town."
#define P3 "The mayor defended the decision and said it would pay off within a decade."

static void setup(void)
{
	struct clean_opts o = { .flags = CLEAN_F_NO_DEFAULTS | CLEAN_F_NO_MODEL };
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	ck_assert_int_eq(clean_ctx_add_patterns_mem(ctx, "t.rules", rules, strlen(rules)), CLEAN_OK);
}

static void teardown(void)
{
	clean_ctx_free(ctx);
}

static struct clean_doc *run(const char *text)
{
	struct clean_doc *d;
	ck_assert_int_eq(clean_text(ctx, text, strlen(text), &d), CLEAN_OK);
	return d;
}

static struct clean_line line(const struct clean_doc *d, size_t i)
{
	struct clean_line l;
	ck_assert_uint_lt(i, clean_doc_nlines(d));
	clean_doc_line(d, i, &l);
	return l;
}

static const char *out(const struct clean_doc *d)
{
	return clean_doc_text(d, NULL);
}

START_TEST(drop_rule)
{
	struct clean_doc *d = run(P1 "\nShare: X, Facebook\n" P2 "\n");
	ck_assert_str_eq(out(d), P1 "\n" P2 "\n");
	struct clean_line l = line(d, 1);
	ck_assert_int_eq(l.decision, CLEAN_DROP);
	ck_assert_str_eq(l.category, "share");
	ck_assert_str_eq(l.rule, "t.rules:2");
	clean_doc_free(d);
}
END_TEST

START_TEST(strip_rule)
{
	struct clean_doc *d = run(P1 "\nThe hall was full. Photo: jane doe\n" P2 "\n");
	ck_assert_str_eq(out(d), P1 "\nThe hall was full.\n" P2 "\n");
	ck_assert_int_eq(line(d, 1).decision, CLEAN_STRIP);
	/* The explain view shows the line as it was. */
	ck_assert_str_eq(line(d, 1).text, "The hall was full. Photo: jane doe");
	clean_doc_free(d);
}
END_TEST

START_TEST(strip_to_nothing_drops)
{
	struct clean_doc *d = run(P1 "\nPhoto: jane doe\n" P2 "\n");
	ck_assert_str_eq(out(d), P1 "\n" P2 "\n");
	ck_assert_int_eq(line(d, 1).decision, CLEAN_DROP);
	clean_doc_free(d);
}
END_TEST

START_TEST(keep_overrides_drop)
{
	struct clean_doc *d = run(P1 "\nQ: never\n" P2 "\n");
	ck_assert_str_eq(out(d), P1 "\nQ: never\n" P2 "\n");
	clean_doc_free(d);
}
END_TEST

START_TEST(edge_only_at_edges)
{
	struct clean_doc *d = run("Home\nMenu\n" P1 "\nHome\n" P2 "\nMenu\n");
	ck_assert_str_eq(out(d), P1 "\nHome\n" P2 "\n");
	clean_doc_free(d);
}
END_TEST

START_TEST(context_run_at_edge)
{
	/* "Sections" has no rule but sits between the edge and a rule hit. */
	struct clean_doc *d = run("Home\nSections\nMenu\nTitle of it\n\n" P1 "\n");
	ck_assert_str_eq(out(d), "Title of it\n\n" P1 "\n");
	ck_assert_str_eq(line(d, 1).category, "context");
	clean_doc_free(d);
}
END_TEST

START_TEST(tail_drops_link_list)
{
	struct clean_doc *d = run(P1 "\n" P2 "\n" P3 "\nYou may also like\nBudget vote delayed\nNew library opens\n");
	ck_assert_str_eq(out(d), P1 "\n" P2 "\n" P3 "\n");
	clean_doc_free(d);
}
END_TEST

START_TEST(tail_early_is_not_a_tail)
{
	struct clean_doc *d = run(P1 "\nYou may also like\nBudget vote delayed\n" P2 "\n" P3 "\n");
	/* The tail line itself is kept in the middle, and so is what follows. */
	ck_assert_str_eq(out(d), P1 "\nYou may also like\nBudget vote delayed\n" P2 "\n" P3 "\n");
	clean_doc_free(d);
}
END_TEST

START_TEST(title_repeat)
{
	struct clean_doc *d = run("Budget passes\n\nBudget passes.\n\n" P1 "\n");
	ck_assert_str_eq(out(d), "Budget passes\n\n" P1 "\n");
	ck_assert_str_eq(line(d, 1).category, "title");
	clean_doc_free(d);
}
END_TEST

START_TEST(sandwich_between_drops)
{
	struct clean_doc *d = run(P1 "\n\nShare: this\nFacebook\nTwitter\nShare: email\n\n" P2 "\n");
	ck_assert_str_eq(out(d), P1 "\n\n" P2 "\n");
	ck_assert_str_eq(line(d, 2).category, "share");
	clean_doc_free(d);
}
END_TEST

START_TEST(kept_category)
{
	ck_assert_int_eq(clean_ctx_set_category(ctx, "share", 1), CLEAN_OK);
	struct clean_doc *d = run(P1 "\nShare: X, Facebook\n");
	ck_assert_str_eq(out(d), P1 "\nShare: X, Facebook\n");
	clean_doc_free(d);
	ck_assert_int_eq(clean_ctx_set_category(ctx, "nosuch", 1), CLEAN_EINVAL);
}
END_TEST

START_TEST(removed_counts)
{
	struct clean_doc *d = run(P1 "\nShare: a\n\n" P2 "\n\nShare: b\n");
	size_t total = 0;
	for (size_t k = 0; k < clean_ctx_ncategories(ctx); k++)
		if (!strcmp(clean_ctx_category(ctx, k), "share"))
			total = clean_doc_removed(d, k);
	ck_assert_uint_eq(total, 2);
	/* clean_doc_nkept counts the lines clean_doc_line calls not dropped. */
	size_t kept = 0;
	for (size_t i = 0; i < clean_doc_nlines(d); i++)
		kept += line(d, i).decision != CLEAN_DROP;
	ck_assert_uint_eq(clean_doc_nkept(d), kept);
	ck_assert_uint_eq(clean_doc_nkept(d), clean_doc_nlines(d) - 2);
	clean_doc_free(d);
}
END_TEST

START_TEST(words_and_prose)
{
	static const char *const w3 = "one, two — three", *const w0 = "— | —", *const w2 = "café naïve";
	ck_assert_uint_eq(classify_words(w3, strlen(w3)), 3);
	ck_assert_uint_eq(classify_words(w0, strlen(w0)), 0);
	ck_assert_uint_eq(classify_words(w2, strlen(w2)), 2);
	ck_assert(classify_is_prose(P1, strlen(P1)));
	ck_assert(!classify_is_prose("Related articles", 16));
}
END_TEST

/* classify_words a character at a time through utf8proc (an invalid
 * byte reads as U+FFFD, a symbol): the reference for its fast paths. */
static unsigned words_ref(const char *s, size_t n)
{
	unsigned w = 0;
	int in = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			cp = 0xFFFD;
			k = 1;
		}
		i += (size_t)k;
		int cat = utf8proc_category(cp);
		int wb = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
		         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
		w += wb && !in;
		in = wb;
	}
	return w;
}

/* Random mixes of ASCII, two-, three- and four-byte characters and
 * broken sequences: the ASCII words and the inline two-byte decoding
 * count what the reference does. */
START_TEST(words_match_reference)
{
	static const char *const atoms[] = {
		"a", "Zq", "7", " ", ",", "-", "\xc3\xa9", "\xd0\xbe", "\xcc\x81", "\xc2\xa0",
		"\xc2\xbb", "\xe2\x80\x94", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xf0\x9d\x90\x80",
		"\xc3", "\x80", "\xdf", "\xd1\x8f", "\xc4\x81", "\xca\xbf", "\xd2\x82",
	};
	char text[96];
	unsigned seed = 3;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0, want;
		seed = seed * 1103515245u + 12345u;
		want = (seed >> 16) % 48;
		while (len < want) {
			seed = seed * 1103515245u + 12345u;
			const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
			memcpy(text + len, a, strlen(a));
			len += strlen(a);
		}
		ck_assert_uint_eq(classify_words(text, len), words_ref(text, len));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, drop_rule);
	tcase_add_test(tc, words_match_reference);
	tcase_add_test(tc, strip_rule);
	tcase_add_test(tc, strip_to_nothing_drops);
	tcase_add_test(tc, keep_overrides_drop);
	tcase_add_test(tc, edge_only_at_edges);
	tcase_add_test(tc, context_run_at_edge);
	tcase_add_test(tc, tail_drops_link_list);
	tcase_add_test(tc, tail_early_is_not_a_tail);
	tcase_add_test(tc, title_repeat);
	tcase_add_test(tc, sandwich_between_drops);
	tcase_add_test(tc, kept_category);
	tcase_add_test(tc, removed_counts);
	tcase_add_test(tc, words_and_prose);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
