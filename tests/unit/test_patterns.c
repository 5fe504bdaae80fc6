/* test_patterns.c: unit tests of the rule parser and matcher (patterns.h). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clean.h"
#include "patterns.h"

static struct pat_set *ps;
static struct buf err;

static void setup(void)
{
	ck_assert_int_eq(pat_set_new(&ps), CLEAN_OK);
	buf_init(&err, 0);
}

static void teardown(void)
{
	pat_set_free(ps);
	buf_release(&err);
}

static int add(const char *name, const char *text)
{
	return pat_set_add(ps, name, text, strlen(text), &err);
}

static int scan(const char *line, struct pat_hit *hits)
{
	return pat_scan(ps, line, strlen(line), hits, PAT_MAX_HITS);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

START_TEST(builtin_categories)
{
	ck_assert_uint_eq(pat_ncategories(ps), CAT_NBUILTIN);
	ck_assert_int_eq(pat_category_id(ps, "title"), CAT_TITLE);
	ck_assert_int_eq(pat_category_id(ps, "context"), CAT_CONTEXT);
	ck_assert_int_eq(pat_category_id(ps, "model"), CAT_MODEL);
	ck_assert_int_eq(pat_category_id(ps, "dom"), CAT_DOM);
	ck_assert_int_eq(pat_category_id(ps, "empty"), CAT_EMPTY);
	ck_assert_str_eq(pat_category_name(ps, CAT_DOM), "dom");
	ck_assert_int_eq(pat_category_id(ps, "share"), -1);
	ck_assert_ptr_null(pat_category_name(ps, 99));
	pat_set_free(NULL);
}
END_TEST

START_TEST(registry_and_keep)
{
	ck_assert_int_eq(add("a.rules", "share drop ^x$\nads drop ^y$\nshare edge ^z$\n"), CLEAN_OK);
	ck_assert_uint_eq(pat_nrules(ps), 3);
	ck_assert_uint_eq(pat_ncategories(ps), CAT_NBUILTIN + 2);
	int share = pat_category_id(ps, "share");
	ck_assert_int_eq(share, CAT_NBUILTIN);
	ck_assert_int_eq(pat_rule_category(ps, 0), share);
	ck_assert_int_eq(pat_rule_category(ps, 2), share);
	ck_assert_int_eq(pat_rule_action(ps, 2), PAT_EDGE);
	ck_assert_str_eq(pat_rule_where(ps, 1), "a.rules:2");
	ck_assert_int_eq(pat_category_keep(ps, share), 0);
	pat_category_set_keep(ps, share, 1);
	ck_assert_int_eq(pat_category_keep(ps, share), 1);
	ck_assert_int_eq(pat_category_keep(ps, share + 1), 0);
	pat_category_set_keep(ps, 1000, 1); /* out of range: ignored */
	ck_assert_int_eq(pat_category_keep(ps, 1000), 0);
}
END_TEST

START_TEST(comments_blank_lines_and_fields)
{
	const char *t = "# a comment\n\n   \n\t# indented comment\r\n"
	                "x\tkeep\t  ^a b$  \r\nx strip [ ]b\n";
	ck_assert_int_eq(add("c.rules", t), CLEAN_OK);
	ck_assert_uint_eq(pat_nrules(ps), 2);
	ck_assert_str_eq(pat_rule_where(ps, 0), "c.rules:5");
	ck_assert_int_eq(pat_rule_action(ps, 0), PAT_KEEP);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	struct pat_hit h[PAT_MAX_HITS];
	ck_assert_int_eq(scan("A B", h), 2); /* trailing blanks trimmed */
	ck_assert_int_eq(scan("a b ", h), 1); /* strip " b" */
	ck_assert_int_eq(h[0].rule, 1);
	ck_assert_uint_eq(h[0].start, 1);
	ck_assert_uint_eq(h[0].end, 3);
}
END_TEST

START_TEST(unknown_action)
{
	ck_assert_int_eq(add("u.rules", "share drop ^a$\n\nshare dorp ^b$\n"),
	                 CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "u.rules:3: unknown action 'dorp'");
	ck_assert_uint_eq(pat_nrules(ps), 0); /* nothing of the file added */
	ck_assert_int_eq(pat_category_id(ps, "share"), -1);
}
END_TEST

START_TEST(bad_regex)
{
	ck_assert_int_eq(add("b.rules", "ok drop ^a$\nx drop ^(abc$\n"),
	                 CLEAN_EPATTERN);
	ck_assert_msg(!strncmp(err.ptr, "b.rules:2: bad regex: ", 22), "%s", err.ptr);
	ck_assert_msg(strstr(err.ptr, " at offset 6") != NULL, "%s", err.ptr);
	ck_assert_uint_eq(pat_nrules(ps), 0);
	ck_assert_int_eq(pat_category_id(ps, "ok"), -1);
	/* A regex that is factored (factor.h) is still reported as written. */
	ck_assert_int_eq(add("b.rules", "x drop ^(home|homepage|home page) x{2,1}$\n"), CLEAN_EPATTERN);
	ck_assert_msg(strstr(err.ptr, " at offset 32") != NULL, "%s", err.ptr);
}
END_TEST

START_TEST(malformed_lines)
{
	ck_assert_int_eq(add("m", "Share drop ^a$\n"), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "m:1: bad category name 'Share' (want [a-z0-9_-]+)");
	ck_assert_int_eq(add("m", "share\n"), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "m:1: missing action and regex");
	ck_assert_int_eq(add("m", "share drop   \n"), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "m:1: missing regex");
	ck_assert_int_eq(add("m", "a drop ^a$\nshare dr\x01p x\n"), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "m:2: unknown action 'dr\\x01p'");
	ck_assert_int_eq(pat_set_add(ps, "m", "a drop a\0b", 10, &err), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "m:1: NUL byte in regex");
	ck_assert_int_eq(add("m", "a drop ^a$\nb drop ^b$\n"), CLEAN_OK);
	ck_assert_uint_eq(pat_nrules(ps), 2);
}
END_TEST

START_TEST(line_limit)
{
	size_t n = 4096 + 1;
	char *t = malloc(n + 32);
	strcpy(t, "a drop ^a$\nx drop ");
	size_t off = strlen(t);
	memset(t + off, 'y', n - 7);
	strcpy(t + off + n - 7, "\n");
	ck_assert_int_eq(add("long", t), CLEAN_EPATTERN);
	ck_assert_str_eq(err.ptr, "long:2: line too long (over 4096 bytes)");
	/* exactly the limit is fine */
	t[off + n - 8] = '\n';
	t[off + n - 7] = '\0';
	ck_assert_int_eq(add("long", t), CLEAN_OK);
	free(t);
	/* no final newline, and NULL err */
	ck_assert_int_eq(pat_set_add(ps, "n", "a drop ^z$", 10, NULL), CLEAN_OK);
	ck_assert_int_eq(pat_set_add(ps, "n", "a nope ^z$", 10, NULL), CLEAN_EPATTERN);
}
END_TEST

START_TEST(scan_drop_and_strip)
{
	const char *t =
		"share drop ^ *(share|tweet)[ :.!]*$\n"
		"caption strip [ ]*\\balt=[^>]*> *$\n"
		"caption strip  (?<=[.!?]) +photo *: *[^.:<>=]+?( +alt=.*)? *$\n"
		"tags drop ^(#[^ #]+ *){2,}$\n";
	ck_assert_int_eq(add("s.rules", t), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	struct pat_hit h[PAT_MAX_HITS];
	ck_assert_int_eq(scan("SHARE:", h), 1);
	ck_assert_int_eq(h[0].rule, 0);
	ck_assert_uint_eq(h[0].start, 0);
	ck_assert_uint_eq(h[0].end, 6);
	ck_assert_int_eq(scan("Share this with your friends, she said.", h), 0);
	const char *cap = "Launched in 2022. Photo: Shutterstock alt=Launched in 2022. Photo: Shutterstock>";
	ck_assert_int_eq(scan(cap, h), 2);
	ck_assert_int_eq(h[0].rule, 1); /* rule order */
	ck_assert_uint_eq(h[0].start, 37);
	ck_assert_uint_eq(h[0].end, strlen(cap));
	ck_assert_int_eq(h[1].rule, 2);
	ck_assert_uint_eq(h[1].start, 17);
	ck_assert_uint_eq(h[1].end, strlen(cap));
	ck_assert_int_eq(scan("#China #narrows #gap", h), 1);
	ck_assert_int_eq(scan("#1 seed wins", h), 0);
	/* max limits the hits, in rule order */
	ck_assert_int_eq(pat_scan(ps, cap, strlen(cap), h, 1), 1);
	ck_assert_int_eq(h[0].rule, 1);
	/* Unicode case folding */
	ck_assert_int_eq(add("u", "x drop ^à lire aussi$\n"), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	ck_assert_int_eq(scan("À LIRE AUSSI", h), 1);
	ck_assert_int_eq(h[0].rule, 4);
}
END_TEST

START_TEST(pcre_only_rule)
{
	/* a backreference: Hyperscan cannot run it, PCRE2 does */
	ck_assert_int_eq(add("p", "a drop ^a$\nrep strip \\b(\\w+) \\1\\b\nb drop ^b$\n"), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	struct pat_hit h[PAT_MAX_HITS];
	ck_assert_int_eq(scan("this is is a test", h), 1);
	ck_assert_int_eq(h[0].rule, 1);
	ck_assert_uint_eq(h[0].start, 5);
	ck_assert_uint_eq(h[0].end, 10);
	ck_assert_int_eq(scan("this is a test", h), 0);
	ck_assert_int_eq(scan("b", h), 1);
	ck_assert_int_eq(h[0].rule, 2);
}
END_TEST

START_TEST(catastrophic_regex)
{
	ck_assert_int_eq(add("cat", "x drop (a+)+$\ny drop ^(\\w+\\s?)*$\nz drop b$\n"), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	size_t n = 20000;
	char *line = malloc(n + 2);
	memset(line, 'a', n);
	line[n] = '!';
	line[n + 1] = '\0';
	struct pat_hit h[PAT_MAX_HITS];
	double t0 = now();
	ck_assert_int_eq(pat_scan(ps, line, n + 1, h, PAT_MAX_HITS), 0);
	line = realloc(line, n + 3);
	memcpy(line + n, "!b", 3);
	ck_assert_int_eq(pat_scan(ps, line, n + 2, h, PAT_MAX_HITS), 1);
	ck_assert_int_eq(h[0].rule, 2);
	ck_assert_msg(now() - t0 < 2.0, "took %.2f s", now() - t0);
	free(line);
}
END_TEST

START_TEST(recompile_and_empty)
{
	struct pat_hit h[PAT_MAX_HITS];
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	ck_assert_int_eq(scan("anything", h), 0);
	ck_assert_int_eq(add("r", "a drop ^a$\n"), CLEAN_OK);
	ck_assert_int_eq(scan("a", h), 0); /* not compiled yet */
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	ck_assert_int_eq(scan("a", h), 1);
	ck_assert_int_eq(add("r", "b drop ^b$\n"), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	ck_assert_int_eq(scan("b", h), 1);
	ck_assert_int_eq(h[0].rule, 1);
	ck_assert_int_eq(scan("", h), 0);
}
END_TEST

static void *scan_many(void *arg)
{
	const struct pat_set *set = arg;
	struct pat_hit h[PAT_MAX_HITS];
	long bad = 0;

	for (int i = 0; i < 2000; i++) {
		const char *l = (i & 1) ? "Share:" : "said so is is true";
		int want = (i & 1) ? 0 : 1;
		int n = pat_scan(set, l, strlen(l), h, PAT_MAX_HITS);
		if (n != 1 || h[0].rule != want)
			bad++;
	}
	return (void *)bad;
}

START_TEST(threads)
{
	pthread_t t[4];
	ck_assert_int_eq(add("t", "a drop ^share:$\nb strip \\b(\\w+) \\1\\b\n"), CLEAN_OK);
	ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, scan_many, ps), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		ck_assert_int_eq((long)bad, 0);
	}
}
END_TEST

/* ---- the default set ---- */

static struct pat_set *defset;

static void load_defaults(void)
{
	struct buf e;
	buf_init(&e, 0);
	ck_assert_int_eq(pat_set_new(&defset), CLEAN_OK);
	for (size_t i = 0; i < pat_ndefaults; i++) {
		int rc = pat_set_add(defset, pat_defaults[i].name,
		                     pat_defaults[i].text, pat_defaults[i].len, &e);
		ck_assert_msg(rc == CLEAN_OK, "%s", e.ptr);
	}
	ck_assert_int_eq(pat_set_compile(defset, &e), CLEAN_OK);
	buf_release(&e);
}

static void free_defaults(void)
{
	pat_set_free(defset);
}

/* The action of the first drop/edge/tail/strip/keep hit, or -1. */
static int first_action(const char *line, int action)
{
	struct pat_hit h[PAT_MAX_HITS];
	int n = pat_scan(defset, line, strlen(line), h, PAT_MAX_HITS);
	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++)
		if (pat_rule_action(defset, h[i].rule) == action)
			return 1;
	return 0;
}

struct want { const char *line; int action; };

static const struct want must_match[] = {
	{ "Share: X · Facebook · LinkedIn", PAT_DROP },
	{ "Share this article", PAT_DROP },
	{ "Tweet", PAT_DROP },
	{ "Pin it", PAT_DROP },
	{ "Copy link", PAT_DROP },
	{ "facebook twitter print email", PAT_DROP },
	{ "Share on Facebook (Opens in new window)", PAT_DROP },
	{ "#China #narrows #gap #years #initial #ChatGPT #shock", PAT_DROP },
	{ "Leave a Reply", PAT_TAIL },
	{ "Leave a Comment", PAT_TAIL },
	{ "12 Comments", PAT_TAIL },
	{ "Your email address will not be published. Required fields are marked *", PAT_DROP },
	{ "Post Comment", PAT_DROP },
	{ "Cancel reply", PAT_DROP },
	{ "Subscribe to our newsletter", PAT_DROP },
	{ "Explore more about the global AI landscape and the impact of technological advancements on our blog. Subscribe to our newsletter for the latest insights and analysis.", PAT_DROP },
	{ "Sign up for our daily newsletter", PAT_DROP },
	{ "Download our app", PAT_DROP },
	{ "You may also like", PAT_TAIL },
	{ "Related Articles", PAT_TAIL },
	{ "Read more", PAT_TAIL },
	{ "More stories", PAT_TAIL },
	{ "Read more: Tencent profit falls as rivals gain", PAT_DROP },
	{ "Copyright © 2025 Example Media Ltd. All rights reserved.", PAT_DROP },
	{ "Copyright (c) 2025. Example Publishers Ltd. All rights reserved.", PAT_DROP },
	{ "This article originally appeared in the Example Post.", PAT_DROP },
	{ "Reprinted with permission", PAT_DROP },
	{ "finance.yahoo.com", PAT_EDGE },
	{ "We use cookies to improve your experience on our site.", PAT_DROP },
	{ "Accept all cookies", PAT_DROP },
	{ "Advertisement", PAT_DROP },
	{ "Sponsored", PAT_DROP },
	{ "Skip to content", PAT_DROP },
	{ "Home", PAT_EDGE },
	{ "Menu", PAT_EDGE },
	{ "Back to top", PAT_DROP },
	{ "Photo: Gene J. Puskar", PAT_DROP },
	{ "Image 2 of 5", PAT_DROP },
	{ "Launched in 2022. Photo: Shutterstock alt=Launched in 2022. Photo: Shutterstock>", PAT_STRIP },
	{ "Protesters gathered outside (Photo by Jane Doe/Getty Images)", PAT_STRIP },
	{ "Q: Is China falling behind in AI?", PAT_KEEP },
	/* other languages */
	{ "Teilen", PAT_DROP },
	{ "Das könnte Sie auch interessieren", PAT_TAIL },
	{ "Alle Rechte vorbehalten.", PAT_DROP },
	{ "Partager", PAT_DROP },
	{ "Tous droits réservés", PAT_DROP },
	{ "À lire aussi", PAT_TAIL },
	{ "Compartir", PAT_DROP },
	{ "© 2024 Diario Ejemplo. Todos los derechos reservados.", PAT_DROP },
	{ "Te puede interesar", PAT_TAIL },
	{ "Compartilhar", PAT_DROP },
	{ "Todos os direitos reservados", PAT_DROP },
	{ "Leia também", PAT_TAIL },
	{ "Condividi", PAT_DROP },
	{ "Tutti i diritti riservati", PAT_DROP },
	{ "Leggi anche", PAT_TAIL },
	{ "Udostępnij", PAT_DROP },
	{ "Wszelkie prawa zastrzeżone", PAT_DROP },
	{ "Czytaj także", PAT_TAIL },
	{ "分享", PAT_DROP },
	{ "相关文章", PAT_TAIL },
	{ "版权所有 © 2024 示例网", PAT_DROP },
	{ "関連記事", PAT_TAIL },
	{ "シェア", PAT_DROP },
	{ "広告", PAT_DROP },
};

/* Real prose (seeds 000-004 and invented sentences) that no drop, edge or
 * tail rule may touch. */
static const char *const must_not_drop[] = {
	"Facebook shares fell 5% after the report.",
	"Q: Is China falling behind in AI?",
	"A: Leading experts suggest China is currently behind the US in developing frontier AI models, but is making rapid progress.",
	"The answer from a top AI scientist present at the gathering was surprisingly blunt: “Below 20 percent,” said Justin Lin.",
	"So in Silicon Valley and Washington, the question now being asked is the same as the one discussed in China three years ago: Are we losing the AI race?",
	"Moonshot AI and MiniMax’s new models helped put them back on the board, which they never fully left.",
	"Other companies in adjacent industries now looked to create their own open-source models.",
	"Did you know? China’s Qwen models overtook Meta’s Llama as the most-downloaded open model on Hugging Face in September 2024.",
	"Pro Tip: Keep an eye on the regulatory landscape.",
	"Recent Developments: IPOs and Acquisitions",
	"The Open-Source Strategy: A Divergent Path",
	"Copyright law in the EU is being rewritten for the age of AI.",
	"Readers can subscribe to the print edition for $5 a month, the company said.",
	"Share prices rose after the announcement.",
	"Sign up for the Disney+ bundle using the same email as your Hulu account",
	"He left a comment on the post, then deleted it.",
	"Related parties must disclose their holdings.",
	"Home prices in the region rose 4% last year.",
	"Photos of the event were shared widely on social media.",
	"Advertisement revenue fell for the third quarter in a row.",
	"The company uses cookies baked in its own kitchen.",
	"Das Thema mit dem höchsten Potenzial wird seit Jahren intensiv diskutiert: Die elektronische Patientenakte (ePA)",
	"Hong Kong",
	"FAQ",
};

START_TEST(defaults_compile)
{
	ck_assert_uint_ge(pat_ndefaults, 5);
	ck_assert_uint_ge(pat_nrules(defset), 150);
	ck_assert_int_ge(pat_category_id(defset, "share"), CAT_NBUILTIN);
	ck_assert_int_ge(pat_category_id(defset, "caption"), CAT_NBUILTIN);
}
END_TEST

START_TEST(defaults_must_match)
{
	const struct want *w = &must_match[_i];
	ck_assert_msg(first_action(w->line, w->action),
	              "'%s' not matched by a rule of action %d", w->line, w->action);
}
END_TEST

START_TEST(defaults_must_not_drop)
{
	const char *line = must_not_drop[_i];
	ck_assert_msg(!first_action(line, PAT_DROP) && !first_action(line, PAT_TAIL) &&
	              !first_action(line, PAT_STRIP),
	              "'%s' matched", line);
}
END_TEST

static Suite *patterns_suite(void)
{
	Suite *s = suite_create("patterns");
	TCase *tc = tcase_create("parse_scan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, builtin_categories);
	tcase_add_test(tc, registry_and_keep);
	tcase_add_test(tc, comments_blank_lines_and_fields);
	tcase_add_test(tc, unknown_action);
	tcase_add_test(tc, bad_regex);
	tcase_add_test(tc, malformed_lines);
	tcase_add_test(tc, line_limit);
	tcase_add_test(tc, scan_drop_and_strip);
	tcase_add_test(tc, pcre_only_rule);
	tcase_add_test(tc, catastrophic_regex);
	tcase_add_test(tc, recompile_and_empty);
	tcase_add_test(tc, threads);
	suite_add_tcase(s, tc);

	TCase *td = tcase_create("defaults");
	/* Compiling the default set with Hyperscan takes seconds: once. */
	tcase_add_unchecked_fixture(td, load_defaults, free_defaults);
	tcase_set_timeout(td, 120);
	tcase_add_test(td, defaults_compile);
	tcase_add_loop_test(td, defaults_must_match, 0,
	                    sizeof(must_match) / sizeof(must_match[0]));
	tcase_add_loop_test(td, defaults_must_not_drop, 0,
	                    sizeof(must_not_drop) / sizeof(must_not_drop[0]));
	suite_add_tcase(s, td);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(patterns_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
