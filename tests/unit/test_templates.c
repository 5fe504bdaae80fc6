/* test_templates.c: line templates (src/templates.h): normalisation rules
 * one by one, the regex a template becomes, counting by distinct
 * documents, the counts file round trip and its errors, and merging. */
#define _GNU_SOURCE /* fmemopen, open_memstream */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "patterns.h"
#include "templates.h"

static struct buf tb;

static const char *tpl(const char *line)
{
	buf_clear(&tb);
	ck_assert_int_eq(tpl_normalise(line, strlen(line), &tb), CLEAN_OK);
	return tb.ptr;
}

START_TEST(test_normalise)
{
	buf_init(&tb, 0);
	/* case, spaces */
	ck_assert_str_eq(tpl("  Home \t  World  News "), "home world news");
	ck_assert_str_eq(tpl("ÉCOLE Über"), "école über");
	ck_assert_str_eq(tpl(""), "");
	/* digit runs */
	ck_assert_str_eq(tpl("Page 3 of 12"), "page \\d of \\d");
	ck_assert_str_eq(tpl("Covid19 10:30"), "covid\\d \\d:\\d");
	/* dates, with their punctuation */
	ck_assert_str_eq(tpl("Posted 2024-05-01, by"), "posted \\t, by");
	ck_assert_str_eq(tpl("(1.5.2024)"), "(\\t)");
	ck_assert_str_eq(tpl("12/31/99"), "\\t");
	ck_assert_str_eq(tpl("1.5"), "\\d.\\d");
	/* URLs and e-mail addresses */
	ck_assert_str_eq(tpl("See https://Example.com/a?b=1 now"), "see \\u now");
	ck_assert_str_eq(tpl("(www.example.org)"), "\\u");
	ck_assert_str_eq(tpl("Mail: Editor@Site.example."), "mail: \\e");
	ck_assert_str_eq(tpl("@handle a@b"), "@handle a@b");
	/* a backslash is escaped */
	ck_assert_str_eq(tpl("C:\\dir"), "c:\\\\dir");
	buf_release(&tb);
}
END_TEST

static const char *regex(const char *t)
{
	buf_clear(&tb);
	ck_assert_int_eq(tpl_regex(t, strlen(t), &tb), CLEAN_OK);
	return tb.ptr;
}

START_TEST(test_regex)
{
	buf_init(&tb, 0);
	ck_assert_str_eq(regex("home | world"), "^home \\| world$");
	ck_assert_str_eq(regex("page \\d of \\d."), "^page [0-9]+ of [0-9]+\\.$");
	ck_assert_str_eq(regex("(\\t)"), "^\\([0-9]{1,4}[-/.][0-9]{1,4}[-/.][0-9]{1,4}\\)$");
	ck_assert_str_eq(regex("see \\u or \\e"), "^see [^ ]+ or [^ ]+$");
	ck_assert_str_eq(regex("c:\\\\dir"), "^c\\:\\\\dir$");
	ck_assert_str_eq(regex("über"), "^über$");
	buf_release(&tb);
}
END_TEST

/* The contract of tpl_regex: the rule made from a line's template, read
 * as a pattern file, matches that line. */
START_TEST(test_regex_matches_line)
{
	static const char *const lines[] = {
		"Home | World News", "ÉCOLE Über Straße", "İstanbul ΣΟΦΙΑ", "C:\\dir [x] (y) {z} ^$.*+?#",
		"Posted 2024-05-01, by", "See https://Example.com/a?b=1 now", "Mail: Editor@Site.example.",
		"Page 3 of 12", "(1.5.2024)", "首页 | 新闻", "Tab\tand  spaces",
	};
	struct buf t, rule, err;
	buf_init(&t, 0);
	buf_init(&rule, 0);
	buf_init(&err, 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct pat_set *ps;
		struct pat_hit hits[4];
		buf_clear(&t);
		buf_clear(&rule);
		ck_assert_int_eq(tpl_normalise(lines[i], strlen(lines[i]), &t), CLEAN_OK);
		buf_addstr(&rule, "learned drop ");
		ck_assert_int_eq(tpl_regex(t.ptr, t.len, &rule), CLEAN_OK);
		ck_assert_int_eq(pat_set_new(&ps), CLEAN_OK);
		ck_assert_msg(!pat_set_add(ps, "r", rule.ptr, rule.len, &err), "%s: %s", rule.ptr, err.ptr);
		ck_assert_int_eq(pat_set_compile(ps, &err), CLEAN_OK);
		/* the line as the matcher sees it: spaces collapsed */
		const char *line = i == 10 ? "Tab and spaces" : lines[i];
		ck_assert_msg(pat_scan(ps, line, strlen(line), hits, 4) == 1, "%s does not match %s", rule.ptr, line);
		pat_set_free(ps);
	}
	buf_release(&t);
	buf_release(&rule);
	buf_release(&err);
}
END_TEST

START_TEST(test_eligible)
{
	ck_assert(tpl_eligible("home", 4, 20));
	ck_assert(!tpl_eligible("a", 1, 20));
	ck_assert(!tpl_eligible("\\d", 2, 20));
	ck_assert(!tpl_eligible("", 0, 20));
	ck_assert(tpl_eligible("首页", strlen("首页"), 20));
	const char *words = "one two three four five six";
	ck_assert_uint_eq(tpl_words(words, strlen(words)), 6);
	ck_assert(tpl_eligible(words, strlen(words), 6));
	ck_assert(!tpl_eligible(words, strlen(words), 5));
}
END_TEST

START_TEST(test_url_host)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(tpl_url_host("https://user@News.Example.com:8080/a/b?c", &b), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "news.example.com");
	ck_assert_int_eq(tpl_url_host("http://x.org", &b), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "x.org");
	ck_assert_int_eq(tpl_url_host("no-url", &b), CLEAN_EINVAL);
	ck_assert_int_eq(tpl_url_host("http:///path", &b), CLEAN_EINVAL);
	buf_release(&b);
}
END_TEST

/* A document of three lines: menu, a per-document line, footer. */
static void add3(struct tpl_table *t, const char *src, const char *mid)
{
	const char *lines[] = { "Home | News", mid, "Home | News", "Copyright 2024 Site" };
	size_t lens[4];
	for (int i = 0; i < 4; i++)
		lens[i] = strlen(lines[i]);
	ck_assert_int_eq(tpl_add_lines(t, src, lines, lens, 4), CLEAN_OK);
}

static void counts(const struct tpl_table *t, struct buf *out)
{
	buf_clear(out);
	ck_assert_int_eq(tpl_write_counts(t, out), CLEAN_OK);
}

START_TEST(test_counts)
{
	struct tpl_table *t;
	struct buf out;
	buf_init(&out, 0);
	ck_assert_int_eq(tpl_table_new(&t, 0, 0), CLEAN_OK);
	add3(t, "b.example", "Story one is here");
	add3(t, "b.example", "Story two is here");
	add3(t, "a.example", "Page 1 of 9");
	add3(t, "a.example", "Page 2 of 9");
	counts(t, &out);
	/* a line twice in a document counts once; sorted by source, template */
	ck_assert_str_eq(out.ptr,
	                 "clean-counts\t1\n"
	                 "source\t2\ta.example\n"
	                 "source\t2\tb.example\n"
	                 "tpl\t2\ta.example\tcopyright \\d site\n"
	                 "tpl\t2\ta.example\thome | news\n"
	                 "tpl\t2\ta.example\tpage \\d of \\d\n"
	                 "tpl\t2\tb.example\tcopyright \\d site\n"
	                 "tpl\t2\tb.example\thome | news\n"
	                 "tpl\t1\tb.example\tstory one is here\n"
	                 "tpl\t1\tb.example\tstory two is here\n");
	/* round trip: read into a new table, write the same bytes */
	struct tpl_table *u;
	struct buf err, again;
	buf_init(&err, 0);
	buf_init(&again, 0);
	ck_assert_int_eq(tpl_table_new(&u, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_read_counts(u, "c", out.ptr, out.len, &err), CLEAN_OK);
	counts(u, &again);
	ck_assert_str_eq(again.ptr, out.ptr);
	/* rules: in 2 docs of 2; "story" lines are in 1 */
	struct tpl_rule_opts ro = { .min_docs = 2, .min_share = 0.5, .max_words = 20 };
	size_t n;
	buf_clear(&again);
	ck_assert_int_eq(tpl_write_rules(u, &ro, &again, &n), CLEAN_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(again.ptr,
	                 "# a.example 2/2, b.example 2/2\n"
	                 "learned drop ^copyright [0-9]+ site$\n"
	                 "# a.example 2/2, b.example 2/2\n"
	                 "learned drop ^home \\| news$\n"
	                 "# a.example 2/2\n"
	                 "learned drop ^page [0-9]+ of [0-9]+$\n");
	ro.min_docs = 3;
	buf_clear(&again);
	ck_assert_int_eq(tpl_write_rules(u, &ro, &again, &n), CLEAN_OK);
	ck_assert_uint_eq(n, 0);
	tpl_table_free(u);
	tpl_table_free(t);
	buf_release(&out);
	buf_release(&err);
	buf_release(&again);
}
END_TEST

START_TEST(test_merge)
{
	/* two shards summed give the counts of one run */
	struct tpl_table *one, *s1, *s2, *m;
	struct buf a, b, c, err;
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&c, 0);
	buf_init(&err, 0);
	ck_assert_int_eq(tpl_table_new(&one, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&s1, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&s2, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&m, 0, 0), CLEAN_OK);
	const char *mids[] = { "Alpha story", "Beta story", "Gamma story", "Delta story", "Epsilon" };
	for (int i = 0; i < 5; i++) {
		const char *src = i % 2 ? "y" : "x";
		add3(one, src, mids[i]);
		add3(i < 3 ? s1 : s2, src, mids[i]);
	}
	counts(s1, &a);
	counts(s2, &b);
	ck_assert_int_eq(tpl_read_counts(m, "s2", b.ptr, b.len, &err), CLEAN_OK);
	ck_assert_int_eq(tpl_read_counts(m, "s1", a.ptr, a.len, &err), CLEAN_OK);
	counts(m, &c);
	counts(one, &a);
	ck_assert_str_eq(c.ptr, a.ptr);
	ck_assert(strstr(c.ptr, "source\t3\tx\n"));
	ck_assert(strstr(c.ptr, "tpl\t3\tx\thome | news\n"));
	tpl_table_free(one);
	tpl_table_free(s1);
	tpl_table_free(s2);
	tpl_table_free(m);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&err);
}
END_TEST

START_TEST(test_stream_merge)
{
	/* tpl_merge over streams: the counts of the sum, and the rules of the
	 * sum with only the rules held in memory */
	struct tpl_table *s1, *s2, *one, *m;
	struct buf a, b, want, err, rules, want_rules;
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&want, 0);
	buf_init(&err, 0);
	buf_init(&rules, 0);
	buf_init(&want_rules, 0);
	ck_assert_int_eq(tpl_table_new(&s1, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&s2, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&one, 0, 0), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&m, 0, 0), CLEAN_OK);
	const char *mids[] = { "Alpha story", "Beta story", "Gamma story", "Delta story", "Epsilon" };
	for (int i = 0; i < 5; i++) {
		const char *src = i % 2 ? "y" : i == 4 ? "z" : "x";
		add3(one, src, mids[i]);
		add3(i < 2 ? s1 : s2, src, mids[i]);
	}
	counts(s1, &a);
	counts(s2, &b);
	counts(one, &want);
	FILE *in[2] = { fmemopen(a.ptr, a.len, "r"), fmemopen(b.ptr, b.len, "r") };
	const char *names[2] = { "a", "b" };
	char *got = NULL;
	size_t gotlen = 0, merged = 0;
	FILE *out = open_memstream(&got, &gotlen);
	struct tpl_rule_opts ro = { .min_docs = 2, .min_share = 0.5, .max_words = 20 };
	ck_assert_int_eq(tpl_merge(m, in, names, 2, &ro, out, &merged, &err), CLEAN_OK);
	fclose(out);
	ck_assert_str_eq(got, want.ptr);
	ck_assert_uint_eq(merged, 11);
	size_t src, ntpl;
	uint64_t docs;
	tpl_table_stats(m, &src, &docs, &ntpl);
	ck_assert_uint_eq(docs, 5);
	ck_assert_uint_eq(ntpl, 4); /* the rules only: 2 templates in x and y */
	ck_assert_int_eq(tpl_write_rules(m, &ro, &rules, NULL), CLEAN_OK);
	ck_assert_int_eq(tpl_write_rules(one, &ro, &want_rules, NULL), CLEAN_OK);
	ck_assert_str_eq(rules.ptr, want_rules.ptr);
	fclose(in[0]);
	fclose(in[1]);
	free(got);
	/* out of order */
	const char *bad = "clean-counts\t1\nsource\t1\tx\ntpl\t1\tx\tb\ntpl\t1\tx\ta\n";
	in[0] = fmemopen((void *)bad, strlen(bad), "r");
	ck_assert_int_eq(tpl_merge(m, in, names, 1, NULL, NULL, &merged, &err), CLEAN_EFORMAT);
	ck_assert_str_eq(err.ptr, "a:4: not in order (sorted by source, then template)");
	fclose(in[0]);
	tpl_table_free(s1);
	tpl_table_free(s2);
	tpl_table_free(one);
	tpl_table_free(m);
	buf_release(&a);
	buf_release(&b);
	buf_release(&want);
	buf_release(&err);
	buf_release(&rules);
	buf_release(&want_rules);
}
END_TEST

static int bad_counts(const char *text, const char *want)
{
	struct tpl_table *t;
	struct buf err, out;
	buf_init(&err, 0);
	buf_init(&out, 0);
	ck_assert_int_eq(tpl_table_new(&t, 0, 0), CLEAN_OK);
	int rc = tpl_read_counts(t, "f", text, strlen(text), &err);
	ck_assert_str_eq(err.ptr, want);
	/* nothing of a bad file is added */
	counts(t, &out);
	ck_assert_str_eq(out.ptr, "clean-counts\t1\n");
	tpl_table_free(t);
	buf_release(&err);
	buf_release(&out);
	return rc;
}

START_TEST(test_counts_errors)
{
	ck_assert_int_eq(bad_counts("clean-counts\t2\n", "f:1: not a counts file (no 'clean-counts<TAB>1' header)"), CLEAN_EFORMAT);
	ck_assert_int_eq(bad_counts("", "f: empty counts file"), CLEAN_EFORMAT);
	ck_assert_int_eq(bad_counts("clean-counts\t1\nsource\t1\tx\ntpl\tx\tx\thome\n", "f:3: bad count"), CLEAN_EFORMAT);
	ck_assert_int_eq(bad_counts("clean-counts\t1\nsource\t1\tx\nfoo\t1\tx\n", "f:3: not a source or tpl line"), CLEAN_EFORMAT);
	ck_assert_int_eq(bad_counts("clean-counts\t1\nsource\t99999999999999999999\tx\n", "f:2: bad count"), CLEAN_EFORMAT);
	ck_assert_int_eq(bad_counts("clean-counts\t1\ntpl\t1\tx\t\n", "f:2: empty name or template"), CLEAN_EFORMAT);
	/* comments and CRLF are fine */
	struct tpl_table *t;
	struct buf err;
	buf_init(&err, 0);
	ck_assert_int_eq(tpl_table_new(&t, 0, 0), CLEAN_OK);
	const char *ok = "clean-counts\t1\r\n# a comment\r\nsource\t1\tx\r\n";
	ck_assert_int_eq(tpl_read_counts(t, "f", ok, strlen(ok), &err), CLEAN_OK);
	tpl_table_free(t);
	buf_release(&err);
}
END_TEST

START_TEST(test_cap)
{
	/* the cap is an error, never a silent pruning */
	struct tpl_table *t;
	ck_assert_int_eq(tpl_table_new(&t, 3, 0), CLEAN_OK);
	const char *lines[] = { "one line", "two line", "three line" };
	size_t lens[] = { 8, 8, 10 };
	ck_assert_int_eq(tpl_add_lines(t, "s", lines, lens, 2), CLEAN_OK);
	ck_assert_int_eq(tpl_add_lines(t, "s", lines, lens, 3), CLEAN_ETOOBIG);
	tpl_table_free(t);
}
END_TEST

START_TEST(test_add_doc)
{
	/* whole documents are decoded and segmented like clean_text */
	struct clean_opts o = { .flags = CLEAN_F_NO_MODEL | CLEAN_F_NO_DEFAULTS };
	struct clean_ctx *ctx;
	struct tpl_table *t;
	struct buf out;
	buf_init(&out, 0);
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	ck_assert_int_eq(tpl_table_new(&t, 0, 0), CLEAN_OK);
	const char *doc = "Home\r\n\r\n  Log\xc2\xa0in  \nLog in\n";
	ck_assert_int_eq(tpl_add_doc(t, ctx, "s", doc, strlen(doc), 0, NULL), CLEAN_OK);
	counts(t, &out);
	ck_assert_str_eq(out.ptr, "clean-counts\t1\nsource\t1\ts\ntpl\t1\ts\thome\ntpl\t1\ts\tlog in\n");
	tpl_table_free(t);
	clean_ctx_free(ctx);
	buf_release(&out);
}
END_TEST

static Suite *templates_suite(void)
{
	Suite *s = suite_create("templates");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_normalise);
	tcase_add_test(tc, test_regex);
	tcase_add_test(tc, test_regex_matches_line);
	tcase_add_test(tc, test_eligible);
	tcase_add_test(tc, test_url_host);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_stream_merge);
	tcase_add_test(tc, test_counts_errors);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_add_doc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(templates_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
