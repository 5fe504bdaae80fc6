/* test_warc.c: the contract of src/warc.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "warc.h"

static char path[64];

/* Append a record of this type and block to b. */
static void record(struct buf *b, const char *type, const char *uri, const char *block)
{
	buf_addf(b, "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\n"
	         "WARC-Record-ID: <urn:uuid:%zu>\r\nContent-Length: %zu\r\n\r\n%s\r\n\r\n",
	         type, uri, b->len, strlen(block), block);
}

static struct clean_reader *open_buf(const struct buf *b)
{
	strcpy(path, "/tmp/test_warc.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b->ptr, b->len), (ssize_t)b->len);
	close(fd);
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open(&r, path, NULL), CLEAN_OK);
	unlink(path);
	ck_assert_int_eq(clean_reader_format(r), CLEAN_FORMAT_WARC);
	return r;
}

START_TEST(http_head)
{
	int st, html, ch, enc;
	const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	                "Transfer-Encoding: chunked\r\n\r\nbody";
	ck_assert_uint_eq(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), strlen(h) - 4);
	ck_assert_int_eq(st, 200);
	ck_assert_int_eq(html, 1);
	ck_assert_int_eq(ch, 1);
	ck_assert_int_eq(enc, 0);
	h = "HTTP/1.0 404 Not Found\nContent-Type: image/png\nContent-Encoding: gzip\n\n";
	ck_assert_uint_eq(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), strlen(h));
	ck_assert_int_eq(st, 404);
	ck_assert_int_eq(html, -2);
	ck_assert_int_eq(enc, 1);
	h = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n";
	ck_assert_uint_gt(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), 0);
	ck_assert_int_eq(html, -1);
	ck_assert_uint_eq(warc_http_head("HTTP/1.1 200 OK\r\n", 17, &st, &html, &ch, &enc), 0);
	ck_assert_uint_eq(warc_http_head("GET / HTTP/1.1\r\n\r\n", 18, &st, &html, &ch, &enc), 0);
}
END_TEST

START_TEST(dechunk)
{
	struct buf b;
	buf_init(&b, 0);
	buf_addstr(&b, "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
	ck_assert_int_eq(warc_dechunk(&b), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "hello, world");
	buf_clear(&b);
	buf_addstr(&b, "ff\r\nshort");
	ck_assert_int_eq(warc_dechunk(&b), CLEAN_EFORMAT);
	buf_release(&b);
}
END_TEST

START_TEST(records)
{
	struct buf b;
	buf_init(&b, 0);
	record(&b, "warcinfo", "", "software: test\r\n");
	record(&b, "conversion", "http://a.example/", "Text of a.\n");
	record(&b, "request", "http://b.example/", "GET / HTTP/1.1\r\n\r\n");
	record(&b, "response", "<http://b.example/>",
	       "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>");
	record(&b, "response", "http://c.example/", "HTTP/1.1 301 Moved\r\n\r\n");
	record(&b, "response", "http://d.example/", "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG");
	record(&b, "metadata", "http://d.example/", "x: y\r\n");
	struct clean_reader *r = open_buf(&b);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "Text of a.\n");
	ck_assert_str_eq(clean_reader_meta(r, "url"), "http://a.example/");
	ck_assert_ptr_nonnull(strstr(clean_reader_meta(r, "id"), "urn:uuid:"));
	ck_assert_str_eq(clean_reader_meta(r, "html"), "0");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "<p>Hi</p>");
	ck_assert_str_eq(clean_reader_meta(r, "url"), "http://b.example/");   /* <> removed */
	ck_assert_str_eq(clean_reader_meta(r, "html"), "1");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EOF);
	clean_reader_free(r);
	buf_release(&b);
}
END_TEST

START_TEST(truncated)
{
	struct buf b;
	buf_init(&b, 0);
	record(&b, "conversion", "http://a.example/", "Text of a.\n");
	record(&b, "conversion", "http://b.example/", "Text of b, cut short.\n");
	buf_truncate(&b, b.len - 15);
	struct clean_reader *r = open_buf(&b);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert(!clean_reader_can_go_on(r));
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "truncated WARC record at byte"));
	clean_reader_free(r);
	buf_release(&b);
}
END_TEST

START_TEST(too_big_skipped)
{
	struct buf b;
	buf_init(&b, 0);
	record(&b, "conversion", "http://a.example/", "A long text, longer than the limit.\n");
	record(&b, "conversion", "http://b.example/", "Short.\n");
	strcpy(path, "/tmp/test_warc.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_eq(write(fd, b.ptr, b.len), (ssize_t)b.len);
	close(fd);
	struct clean_opts o = { 0 };
	o.max_doc = 20;
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open(&r, path, &o), CLEAN_OK);
	unlink(path);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_ETOOBIG);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "Short.\n");
	clean_reader_free(r);
	buf_release(&b);
}
END_TEST

START_TEST(not_warc)
{
	struct buf b;
	buf_init(&b, 0);
	record(&b, "conversion", "http://a.example/", "A.\n");
	buf_addstr(&b, "garbage here\r\n");
	struct clean_reader *r = open_buf(&b);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "not a WARC record"));
	clean_reader_free(r);
	buf_release(&b);
}
END_TEST

static Suite *warc_suite(void)
{
	Suite *s = suite_create("warc");
	TCase *tc = tcase_create("warc");
	tcase_add_test(tc, http_head);
	tcase_add_test(tc, dechunk);
	tcase_add_test(tc, records);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, too_big_skipped);
	tcase_add_test(tc, not_warc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(warc_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
