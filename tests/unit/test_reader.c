/* test_reader.c: the contract of src/reader.h (codecs, formats, text). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "clean.h"
#include "reader.h"

static char path[64];

/* Write n bytes to a fresh temporary file (path). */
static void put_file(const void *s, size_t n)
{
	strcpy(path, "/tmp/test_reader.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, n), (ssize_t)n);
	close(fd);
}

/* Append one gzip member holding s to b. */
static void gz_member(struct buf *b, const char *s)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	unsigned char out[4096];
	z.next_in = (unsigned char *)s;
	z.avail_in = (uInt)strlen(s);
	z.next_out = out;
	z.avail_out = sizeof(out);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	buf_add(b, out, sizeof(out) - z.avail_out);
	deflateEnd(&z);
}

/* All documents of the file at path, joined with '|'. */
static int read_all(int format, struct buf *got, char *err, size_t errlen)
{
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open_format(&r, path, NULL, format, NULL), CLEAN_OK);
	const char *s;
	size_t n;
	int rc;
	buf_clear(got);
	while ((rc = clean_reader_next(r, &s, &n)) == CLEAN_OK || clean_reader_can_go_on(r)) {
		if (rc)
			continue;
		if (got->len)
			buf_addch(got, '|');
		buf_add(got, s, n);
	}
	snprintf(err, errlen, "%s", clean_reader_error(r));
	clean_reader_free(r);
	unlink(path);
	return rc;
}

/* clean_reader_next lends text documents in place (no copy): each is
 * right until the next call, across the reads that cut documents in
 * two, and the same as reader_next_rec's copies. */
START_TEST(text_lent_in_place)
{
	struct buf in;
	buf_init(&in, 0);
	unsigned seed = 11;
	for (int k = 0; k < 300; k++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 16) % 3000;
		if (k)
			buf_add(&in, "\f\n", 2);
		for (size_t i = 0; i < n; i++)
			buf_addch(&in, i % 61 == 60 ? '\n' : 'a' + (int)((k + i) % 26));
		buf_addch(&in, '\n');   /* the separator is a line of its own */
	}
	put_file(in.ptr, in.len);
	struct clean_reader *r, *c;
	struct rec rec;
	rec_init(&rec, 0);
	ck_assert_int_eq(clean_reader_open(&r, path, NULL), CLEAN_OK);
	ck_assert_int_eq(clean_reader_open(&c, path, NULL), CLEAN_OK);
	const char *doc;
	size_t n, docs = 0, at = 0;
	while (clean_reader_next(r, &doc, &n) == CLEAN_OK) {
		ck_assert_int_eq(reader_next_rec(c, &rec), CLEAN_OK);
		ck_assert_uint_eq(n, rec.body.len);
		ck_assert_mem_eq(doc, rec.body.ptr, n);
		ck_assert_mem_eq(doc, in.ptr + at, n);
		at += n + 2;
		docs++;
	}
	ck_assert_int_eq(reader_next_rec(c, &rec), CLEAN_EOF);
	ck_assert_uint_eq(docs, 300);
	rec_release(&rec);
	clean_reader_free(r);
	clean_reader_free(c);
	unlink(path);
	buf_release(&in);
}
END_TEST

START_TEST(sniff_codec)
{
	ck_assert_int_eq(rd_sniff_codec((const unsigned char *)"\x1f\x8b\x08", 3), RD_GZIP);
	ck_assert_int_eq(rd_sniff_codec((const unsigned char *)"\x28\xb5\x2f\xfd", 4), RD_ZSTD);
	ck_assert_int_eq(rd_sniff_codec((const unsigned char *)"\x28\xb5\x2f", 3), RD_PLAIN);
	ck_assert_int_eq(rd_sniff_codec((const unsigned char *)"\x1f", 1), RD_PLAIN);
	ck_assert_int_eq(rd_sniff_codec((const unsigned char *)"", 0), RD_PLAIN);
}
END_TEST

START_TEST(sniff_format)
{
	ck_assert_int_eq(rd_sniff_format("WARC/1.0\r\n", 10, 0), CLEAN_FORMAT_WARC);
	ck_assert_int_eq(rd_sniff_format("WARC/1.1\r\n", 10, 1), CLEAN_FORMAT_WARC);
	ck_assert_int_eq(rd_sniff_format("WARC/2", 6, 1), CLEAN_FORMAT_TEXT);
	ck_assert_int_eq(rd_sniff_format("{\"text\":\"a\"}\n{", 14, 0), CLEAN_FORMAT_JSONL);
	ck_assert_int_eq(rd_sniff_format("\xef\xbb\xbf {\"a\":1}", 11, 1), CLEAN_FORMAT_JSONL);
	/* A brace that starts no JSON object is text. */
	ck_assert_int_eq(rd_sniff_format("{not json}\nmore", 15, 0), CLEAN_FORMAT_TEXT);
	ck_assert_int_eq(rd_sniff_format("[1,2]\n", 6, 1), CLEAN_FORMAT_TEXT);
	ck_assert_int_eq(rd_sniff_format("Hello\n", 6, 1), CLEAN_FORMAT_TEXT);
	/* A first line not seen whole yet: text until it is. */
	ck_assert_int_eq(rd_sniff_format("{\"a\":", 5, 0), CLEAN_FORMAT_TEXT);
	ck_assert_int_eq(rd_sniff_format("", 0, 1), CLEAN_FORMAT_TEXT);
}
END_TEST

START_TEST(find_sep)
{
	size_t sl;
	ck_assert_uint_eq(reader_find_sep("a\n\f\nb", 5, 1, &sl), 2);
	ck_assert_uint_eq(sl, 2);
	ck_assert_uint_eq(reader_find_sep("a\n\f\r\nb", 6, 1, &sl), 2);
	ck_assert_uint_eq(sl, 3);
	ck_assert_uint_eq(reader_find_sep("a\f\nb", 4, 1, &sl), 4);   /* not at a line start */
	ck_assert_uint_eq(sl, 0);
	ck_assert_uint_eq(reader_find_sep("\f", 1, 1, &sl), 0);       /* at the very end */
	ck_assert_uint_eq(sl, 1);
	ck_assert_uint_eq(reader_find_sep("\fx\n", 3, 1, &sl), 3);    /* not alone on its line */
}
END_TEST

START_TEST(plain_docs)
{
	struct buf got;
	char err[320];
	buf_init(&got, 0);
	put_file("one\n\f\ntwo\n\f\nthree\n", 19);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "one\n|two\n|three\n");
	put_file("", 0);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "");
	buf_release(&got);
}
END_TEST

START_TEST(gzip_members)
{
	struct buf gz, got;
	char err[320];
	buf_init(&gz, 0);
	buf_init(&got, 0);
	gz_member(&gz, "one\n\f\n");
	gz_member(&gz, "two\n\f\nthr");
	gz_member(&gz, "ee\n");
	put_file(gz.ptr, gz.len);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "one\n|two\n|three\n");
	/* Cut short: an error, not a quiet end. */
	put_file(gz.ptr, gz.len - 5);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, "truncated gzip data"));
	/* Garbage after the last member. */
	buf_add(&gz, "junk", 4);
	put_file(gz.ptr, gz.len);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, "trailing garbage"));
	buf_release(&gz);
	buf_release(&got);
}
END_TEST

START_TEST(gzip_corrupt)
{
	struct buf gz, got;
	char err[320];
	buf_init(&gz, 0);
	buf_init(&got, 0);
	gz_member(&gz, "one one one one\n\f\ntwo\n\f\n");
	size_t second = gz.len;
	gz_member(&gz, "two\n");
	memset(gz.ptr + second + 10, 0xff, 4);   /* an invalid block type */
	put_file(gz.ptr, gz.len);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, "corrupt gzip data in the member at byte"));
	/* What came before is kept (a separator is final once the reader has
	 * seen past it). */
	ck_assert_str_eq(got.ptr, "one one one one\n");
	buf_release(&gz);
	buf_release(&got);
}
END_TEST

START_TEST(zstd_frames)
{
	char z[512];
	size_t a = ZSTD_compress(z, sizeof(z), "one\n\f\ntw", 8, 3);
	size_t b = ZSTD_compress(z + a, sizeof(z) - a, "o\n", 2, 3);
	ck_assert(!ZSTD_isError(a) && !ZSTD_isError(b));
	struct buf got;
	char err[320];
	buf_init(&got, 0);
	put_file(z, a + b);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "one\n|two\n");
	put_file(z, a + b - 3);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err, "zstd data"));
	buf_release(&got);
}
END_TEST

START_TEST(format_override)
{
	struct buf got;
	char err[320];
	buf_init(&got, 0);
	put_file("{\"text\":\"a\"}\n", 13);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_TEXT, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "{\"text\":\"a\"}\n");
	put_file("{\"text\":\"a\"}\n", 13);
	ck_assert_int_eq(read_all(CLEAN_FORMAT_AUTO, &got, err, sizeof(err)), CLEAN_EOF);
	ck_assert_str_eq(got.ptr, "a");
	buf_release(&got);
}
END_TEST

START_TEST(limits)
{
	struct clean_opts o = { 0 };
	o.max_doc = 10;
	put_file("0123456789abcdef\n", 17);
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open(&r, path, &o), CLEAN_OK);
	const char *s;
	size_t n;
	/* The one document is over the limit: passed over, then the end. */
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_ETOOBIG);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EOF);
	clean_reader_free(r);
	unlink(path);
	ck_assert_int_eq(clean_reader_open(&r, "/nonexistent/x", NULL), CLEAN_EIO);
	ck_assert_ptr_null(r);
}
END_TEST

static Suite *reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, sniff_codec);
	tcase_add_test(tc, text_lent_in_place);
	tcase_add_test(tc, sniff_format);
	tcase_add_test(tc, find_sep);
	tcase_add_test(tc, plain_docs);
	tcase_add_test(tc, gzip_members);
	tcase_add_test(tc, gzip_corrupt);
	tcase_add_test(tc, zstd_frames);
	tcase_add_test(tc, format_override);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reader_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
