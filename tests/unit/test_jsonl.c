/* test_jsonl.c: the contract of src/jsonl.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "jsonl.h"

static char path[64];

static struct clean_reader *open_text(const char *s, const char *field)
{
	strcpy(path, "/tmp/test_jsonl.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	struct clean_reader *r;
	ck_assert_int_eq(clean_reader_open_format(&r, path, NULL, CLEAN_FORMAT_AUTO, field), CLEAN_OK);
	unlink(path);
	ck_assert_int_eq(clean_reader_format(r), CLEAN_FORMAT_JSONL);
	return r;
}

START_TEST(is_object)
{
	ck_assert(jsonl_is_object("{}", 2));
	ck_assert(jsonl_is_object("{\"a\": [1, 2]}", 13));
	ck_assert(!jsonl_is_object("[]", 2));
	ck_assert(!jsonl_is_object("{", 1));
	ck_assert(!jsonl_is_object("{} {}", 5));
}
END_TEST

START_TEST(lines)
{
	struct clean_reader *r = open_text(
		"{\"id\":\"a\",\"url\":\"http://a/\",\"text\":\"One.\\n\"}\n"
		"\n"
		"{\"id\":7,\"text\":\"Two \\u00e9.\"}\n"
		"{\"text\":3}\n"
		"[1]\n"
		"{\"text\":\"Four.\"}", NULL);
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "One.\n");
	ck_assert_str_eq(clean_reader_meta(r, "id"), "a");
	ck_assert_str_eq(clean_reader_meta(r, "url"), "http://a/");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "Two \xc3\xa9.");
	ck_assert_str_eq(clean_reader_meta(r, "id"), "7");
	ck_assert_ptr_null(clean_reader_meta(r, "url"));
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert(clean_reader_can_go_on(r));
	ck_assert_str_eq(clean_reader_error(r), "line 4: no string field 'text'");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EFORMAT);
	ck_assert_str_eq(clean_reader_error(r), "line 5: not a JSON object");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);   /* no final newline */
	ck_assert_str_eq(s, "Four.");
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_EOF);
	clean_reader_free(r);
}
END_TEST

START_TEST(other_field)
{
	struct clean_reader *r = open_text("{\"body\":\"B.\",\"text\":\"T.\"}\n", "body");
	const char *s;
	size_t n;
	ck_assert_int_eq(clean_reader_next(r, &s, &n), CLEAN_OK);
	ck_assert_str_eq(s, "B.");
	clean_reader_free(r);
}
END_TEST

/* Render through the library: clean the text, then jsonl_render. */
static void render(struct rec *rec, const char *field, const char *text, struct buf *out)
{
	struct clean_opts o = { 0 };
	o.flags = CLEAN_F_NO_DEFAULTS;
	struct clean_ctx *ctx;
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	struct clean_doc *d;
	ck_assert_int_eq(clean_text(ctx, text, strlen(text), &d), CLEAN_OK);
	ck_assert_int_eq(jsonl_render(out, rec, field, "in.txt", d), CLEAN_OK);
	clean_doc_free(d);
	clean_ctx_free(ctx);
}

START_TEST(render_new)
{
	struct rec rec;
	struct buf out;
	rec_init(&rec, 0);
	buf_init(&out, 0);
	rec.index = 3;
	render(&rec, "text", "A line \"quoted\".\n", &out);
	ck_assert_str_eq(out.ptr, "{\"id\":\"in.txt#3\",\"url\":null,\"text\":\"A line \\\"quoted\\\".\\n\",\"removed\":{}}\n");
	buf_clear(&out);
	rec_set(&rec.id, "<urn:x>", 7);
	rec_set(&rec.url, "http://u/", 9);
	render(&rec, "text", "Hi.\n", &out);
	ck_assert_str_eq(out.ptr, "{\"id\":\"<urn:x>\",\"url\":\"http://u/\",\"text\":\"Hi.\\n\",\"removed\":{}}\n");
	rec_release(&rec);
	buf_release(&out);
}
END_TEST

START_TEST(render_pass_through)
{
	struct clean_reader *r = open_text("{\"z\":1,\"body\":\"Hi.\",\"a\":[true]}\n", "body");
	struct rec rec;
	rec_init(&rec, 0);
	ck_assert_int_eq(reader_next_rec(r, &rec), CLEAN_OK);
	struct buf out;
	buf_init(&out, 0);
	render(&rec, "body", rec.body.ptr, &out);
	ck_assert_str_eq(out.ptr, "{\"z\":1,\"body\":\"Hi.\\n\",\"a\":[true],\"removed\":{}}\n");
	rec_release(&rec);
	buf_release(&out);
	clean_reader_free(r);
}
END_TEST

static Suite *jsonl_suite(void)
{
	Suite *s = suite_create("jsonl");
	TCase *tc = tcase_create("jsonl");
	tcase_add_test(tc, is_object);
	tcase_add_test(tc, lines);
	tcase_add_test(tc, other_field);
	tcase_add_test(tc, render_new);
	tcase_add_test(tc, render_pass_through);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonl_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
