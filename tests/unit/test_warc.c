/* test_warc.c: the contract of src/warc.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

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

/* Append a response record: HTTP head, then body[0..n) (binary). */
static void response(struct buf *b, const char *uri, const char *head, const void *body, size_t n)
{
	buf_addf(b, "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
	         "WARC-Record-ID: <urn:uuid:%zu>\r\nContent-Length: %zu\r\n\r\n%s",
	         uri, b->len, strlen(head) + n, head);
	buf_add(b, body, n);
	buf_addstr(b, "\r\n\r\n");
}

/* s compressed: gzip (bits 16 + 15), zlib (15) or raw deflate (-15). */
static void squeeze(struct buf *dst, const char *s, size_t n, int bits)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	buf_grow(dst, deflateBound(&z, n) + 64);
	z.next_in = (unsigned char *)s;
	z.avail_in = (unsigned)n;
	z.next_out = (unsigned char *)dst->ptr + dst->len;
	z.avail_out = (unsigned)(dst->cap - dst->len - 1);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	dst->len += z.total_out;
	dst->ptr[dst->len] = '\0';
	deflateEnd(&z);
}

/* A reader over the bytes of b written to a temporary file (gone once
 * open), with --max-doc max_doc (0: the default); it must be WARC. */
static struct clean_reader *open_buf_max(const struct buf *b, size_t max_doc)
{
	struct clean_opts o = { 0 };
	o.max_doc = max_doc;
	strcpy(path, "/tmp/test_warc.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b->ptr, b->len), (ssize_t)b->len);
	close(fd);
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open(&r, path, &o), CLEAN_OK);
	unlink(path);
	ck_assert_int_eq(clean_reader_format(r), CLEAN_FORMAT_WARC);
	return r;
}

static struct clean_reader *open_buf(const struct buf *b)
{
	return open_buf_max(b, 0);
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
	ck_assert_int_eq(enc, WARC_ENC_GZIP);
	h = "HTTP/1.1 200 OK\r\nContent-Encoding: DEFLATE\r\n\r\n";
	ck_assert_uint_gt(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), 0);
	ck_assert_int_eq(enc, WARC_ENC_DEFLATE);
	h = "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n";
	ck_assert_uint_gt(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), 0);
	ck_assert_int_eq(enc, WARC_ENC_OTHER);
	h = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Encoding: gzip\r\n\r\n";
	ck_assert_uint_gt(warc_http_head(h, strlen(h), &st, &html, &ch, &enc), 0);
	ck_assert_int_eq(enc, WARC_ENC_OTHER);
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

START_TEST(decode)
{
	const char *text = "<p>Hello, compressed world.</p>";
	struct buf b;
	char why[160];
	int bits[] = { 16 + MAX_WBITS, MAX_WBITS, -MAX_WBITS };
	buf_init(&b, 0);
	for (int i = 0; i < 3; i++) {
		buf_clear(&b);
		squeeze(&b, text, strlen(text), bits[i]);
		ck_assert_int_eq(warc_decode(&b, i ? WARC_ENC_DEFLATE : WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_OK);
		ck_assert_str_eq(b.ptr, text);
	}
	/* Two gzip members are read one after the other. */
	buf_clear(&b);
	squeeze(&b, "one ", 4, 16 + MAX_WBITS);
	squeeze(&b, "two", 3, 16 + MAX_WBITS);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "one two");
	/* Empty stays empty; an unknown coding is EINVAL. */
	buf_clear(&b);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_OK);
	ck_assert_uint_eq(b.len, 0);
	buf_addstr(&b, "x");
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_OTHER, 1000, why, sizeof(why)), CLEAN_EINVAL);
	buf_release(&b);
}
END_TEST

START_TEST(decode_bad)
{
	struct buf b, big;
	char why[160];
	buf_init(&b, 0);
	buf_init(&big, 0);
	/* A bomb: 4 MiB of 'a' stops at the limit and leaves b as it was. */
	char kib[1024];
	memset(kib, 'a', sizeof(kib));
	for (int i = 0; i < 4 << 10; i++)
		buf_add(&big, kib, sizeof(kib));
	ck_assert_uint_eq(big.len, (size_t)4 << 20);
	squeeze(&b, big.ptr, big.len, 16 + MAX_WBITS);
	size_t zlen = b.len;
	ck_assert_uint_lt(zlen, 10000);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1 << 20, why, sizeof(why)), CLEAN_ETOOBIG);
	ck_assert_uint_eq(b.len, zlen);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 4 << 20, why, sizeof(why)), CLEAN_OK);
	ck_assert_uint_eq(b.len, (size_t)4 << 20);
	/* Corrupt, truncated, and not compressed at all. */
	buf_clear(&b);
	squeeze(&b, "<p>Some text to squeeze.</p>", 28, 16 + MAX_WBITS);
	zlen = b.len;
	memset(b.ptr + 10, 0xff, 4);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_EFORMAT);
	ck_assert_uint_eq(b.len, zlen);
	ck_assert_str_ne(why, "");
	buf_clear(&b);
	squeeze(&b, "<p>Some text to squeeze.</p>", 28, 16 + MAX_WBITS);
	buf_truncate(&b, b.len - 6);
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_EFORMAT);
	ck_assert_str_eq(why, "truncated");
	buf_clear(&b);
	buf_addstr(&b, "<p>plain, not gzip</p>");
	ck_assert_int_eq(warc_decode(&b, WARC_ENC_GZIP, 1000, why, sizeof(why)), CLEAN_EFORMAT);
	ck_assert_str_eq(b.ptr, "<p>plain, not gzip</p>");
	buf_release(&b);
	buf_release(&big);
}
END_TEST

/* Responses gzip-encoded, chunked, both, corrupt, over the limit, and in
 * an unknown coding: the good ones are read, each bad one is skipped
 * with its reason and the reader goes on. */
START_TEST(encoded_responses)
{
	const char *html = "<p>Gzipped page.</p>";
	struct buf b, z, big;
	buf_init(&b, 0);
	buf_init(&z, 0);
	buf_init(&big, 0);
	const char *gz = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n";
	squeeze(&z, html, strlen(html), 16 + MAX_WBITS);
	response(&b, "http://gz.example/", gz, z.ptr, z.len);
	const char *ch = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
	                 "6\r\nChunky\r\n7\r\n bacon.\r\n0\r\n\r\n";
	response(&b, "http://chunked.example/", ch, "", 0);
	/* gzip, then chunked in two pieces */
	struct buf body;
	buf_init(&body, 0);
	size_t half = z.len / 2;
	buf_addf(&body, "%zx\r\n", half);
	buf_add(&body, z.ptr, half);
	buf_addf(&body, "\r\n%zx\r\n", z.len - half);
	buf_add(&body, z.ptr + half, z.len - half);
	buf_addstr(&body, "\r\n0\r\n\r\n");
	response(&b, "http://both.example/",
	         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n",
	         body.ptr, body.len);
	memset(z.ptr + 10, 0xff, 4);
	response(&b, "http://corrupt.example/", gz, z.ptr, z.len);
	for (int i = 0; i < 1 << 16; i++)
		buf_addstr(&big, "<p>again</p>");
	buf_clear(&z);
	squeeze(&z, big.ptr, big.len, 16 + MAX_WBITS);
	response(&b, "http://bomb.example/", gz, z.ptr, z.len);
	response(&b, "http://br.example/", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\n", "xx", 2);
	record(&b, "conversion", "http://last.example/", "Last.\n");
	struct clean_reader *r = open_buf_max(&b, 100000);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, html);
	ck_assert_str_eq(clean_reader_meta(r, "html"), "1");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "Chunky bacon.");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, html);
	ck_assert_str_eq(clean_reader_meta(r, "url"), "http://both.example/");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "corrupt gzip HTTP payload"));
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "(<urn:uuid:"));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_ETOOBIG);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "larger than --max-doc"));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_ptr_nonnull(strstr(clean_reader_error(r), "unsupported Content-Encoding"));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "Last.\n");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EOF);
	clean_reader_free(r);
	buf_release(&b);
	buf_release(&z);
	buf_release(&big);
	buf_release(&body);
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
	struct clean_reader *r = open_buf_max(&b, 20);
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
	tcase_add_test(tc, decode);
	tcase_add_test(tc, decode_bad);
	tcase_add_test(tc, encoded_responses);
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
