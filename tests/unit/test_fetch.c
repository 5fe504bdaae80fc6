/* test_fetch.c: the pure parts of the fetch engine (src/fetch.h) and
 * clean_fetch_run's accounting of URLs that need no network. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "fetch.h"

START_TEST(content_type)
{
	char t[32], cs[16];
	fetch_content_type("Text/HTML; Charset=\"ISO-8859-1\"", t, sizeof(t), cs, sizeof(cs));
	ck_assert_str_eq(t, "text/html");
	ck_assert_str_eq(cs, "ISO-8859-1");
	fetch_content_type("  application/xhtml+xml ;foo=bar; charset = utf-8 ", t, sizeof(t), cs, sizeof(cs));
	ck_assert_str_eq(t, "application/xhtml+xml");
	ck_assert_str_eq(cs, "utf-8");
	fetch_content_type("text/plain", t, sizeof(t), cs, sizeof(cs));
	ck_assert_str_eq(t, "text/plain");
	ck_assert_str_eq(cs, "");
	fetch_content_type(NULL, t, sizeof(t), cs, sizeof(cs));
	ck_assert_str_eq(t, "");
	fetch_content_type("text/html; charset=a-very-long-charset-name-indeed", t, sizeof(t), cs, sizeof(cs));
	ck_assert_uint_eq(strlen(cs), sizeof(cs) - 1);
	ck_assert(fetch_type_ok(""));
	ck_assert(fetch_type_ok("text/html"));
	ck_assert(fetch_type_ok("application/rss+xml"));
	ck_assert(fetch_type_ok("application/xml"));
	ck_assert(!fetch_type_ok("image/png"));
	ck_assert(!fetch_type_ok("application/pdf"));
	ck_assert(!fetch_type_ok("application/octet-stream"));
}
END_TEST

START_TEST(recode)
{
	struct buf b;
	buf_init(&b, 0);
	/* Latin-1 by the header: converted (as Windows-1252). */
	ck_assert_int_eq(fetch_recode("caf\xe9 \x93q\x94", 8, "iso-8859-1", &b), 1);
	ck_assert_str_eq(b.ptr, "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d");
	buf_clear(&b);
	/* Valid UTF-8 wins over a wrong header. */
	ck_assert_int_eq(fetch_recode("caf\xc3\xa9", 5, "iso-8859-1", &b), 0);
	ck_assert_uint_eq(b.len, 0);
	/* A header saying UTF-8 over Latin-1 bytes: left to the cleaner. */
	ck_assert_int_eq(fetch_recode("caf\xe9", 4, "utf-8", &b), 0);
	/* No charset, an unknown one, a BOM: left alone. */
	ck_assert_int_eq(fetch_recode("caf\xe9", 4, "", &b), 0);
	ck_assert_int_eq(fetch_recode("caf\xe9", 4, "no-such-charset", &b), 0);
	ck_assert_int_eq(fetch_recode("\xff\xfex\0", 4, "iso-8859-1", &b), 0);
	/* Bytes the charset lacks become U+FFFD. */
	ck_assert_int_eq(fetch_recode("a\x82\xff", 3, "shift_jis", &b), 1);
	ck_assert_ptr_nonnull(strstr(b.ptr, "\xef\xbf\xbd"));
	/* The cap of out holds. */
	struct buf small;
	buf_init(&small, 4);
	ck_assert_int_eq(fetch_recode("\xe9\xe9\xe9\xe9\xe9", 5, "latin1", &small), -CLEAN_ETOOBIG);
	buf_release(&small);
	buf_release(&b);
}
END_TEST

START_TEST(backoff)
{
	ck_assert(fetch_backoff(1, 1, 0, 0) == 1);
	ck_assert(fetch_backoff(1, 2, 0, 0) == 2);
	ck_assert(fetch_backoff(1, 3, 0, 0) == 4);
	ck_assert(fetch_backoff(0.5, 3, 0.999, 0) < 2.5);
	ck_assert(fetch_backoff(0.5, 3, 0.999, 0) > 2.4);
	ck_assert(fetch_backoff(1, 1, 0, 7) == 7);
	ck_assert(fetch_backoff(1, 1000, 0, 0) == 3600);
}
END_TEST

START_TEST(names)
{
	char a[33], b[33], c[33];
	clean_fetch_name("http://example.com/", a);
	clean_fetch_name("http://example.com/", b);
	clean_fetch_name("http://example.com", c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_uint_eq(strlen(a), 32);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 32);
	/* Stable across versions: outputs of old runs are found again. */
	clean_fetch_name("", a);
	clean_fetch_name("", b);
	ck_assert_str_eq(a, b);
}
END_TEST

/* Failures said through on_error, one "SUBJECT: MSG" a line. */
static void on_error(void *arg, const char *subject, const char *msg)
{
	buf_addf(arg, "%s: %s\n", subject ? subject : "-", msg);
}

START_TEST(accounting)
{
	struct clean_ctx *ctx;
	struct clean_opts co = { 0 };
	ck_assert_int_eq(clean_ctx_new(&ctx, &co), CLEAN_OK);
	struct buf err;
	buf_init(&err, 0);
	struct clean_fetch_opts fo = { .on_error = on_error, .arg = &err, .no_robots = 1 };
	const char *urls[] = { "ftp://x.example/", "not a url", "ftp://x.example/", "file:///etc/passwd" };
	char dir[] = "/tmp/test_fetch.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char list[300];
	snprintf(list, sizeof(list), "%s/list.txt", dir);
	FILE *f = fopen(list, "w");
	fputs("# a list\ngopher://g.example/\n\n", f);
	fclose(f);
	const char *lists[] = { list, "/nonexistent/list" };
	struct clean_fetch_stats st;
	FILE *out = tmpfile();
	ck_assert_int_eq(clean_fetch_run(ctx, &fo, urls, 4, lists, 2, out, &st), CLEAN_OK);
	ck_assert_uint_eq(st.urls, 4);
	ck_assert_uint_eq(st.duplicates, 1);
	ck_assert_uint_eq(st.written, 0);
	ck_assert_uint_eq(st.failed, 5);   /* 4 URLs and the missing list */
	ck_assert_ptr_nonnull(strstr(err.ptr, "ftp://x.example/: unsupported scheme 'ftp'"));
	ck_assert_ptr_nonnull(strstr(err.ptr, "not a url: invalid URL"));
	ck_assert_ptr_nonnull(strstr(err.ptr, "file:///etc/passwd: unsupported scheme"));
	ck_assert_ptr_nonnull(strstr(err.ptr, "gopher://g.example/: unsupported scheme"));
	ck_assert_ptr_nonnull(strstr(err.ptr, "/nonexistent/list: No such file"));
	ck_assert_int_eq(ftell(out), 0);
	fclose(out);
	/* An output folder that is a file: unusable. */
	buf_clear(&err);
	fo.outdir = list;
	ck_assert_int_eq(clean_fetch_run(ctx, &fo, urls, 1, NULL, 0, NULL, &st), CLEAN_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.ptr, "not a folder"));
	unlink(list);
	rmdir(dir);
	buf_release(&err);
	clean_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *t = tcase_create("fetch");
	tcase_add_test(t, content_type);
	tcase_add_test(t, recode);
	tcase_add_test(t, backoff);
	tcase_add_test(t, names);
	tcase_add_test(t, accounting);
	tcase_set_timeout(t, 30);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
