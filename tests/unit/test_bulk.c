/* test_bulk.c: clean_bulk_run (clean.h) and the helpers of src/bulk.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "bulk.h"

START_TEST(out_names)
{
	static const struct { const char *in; int fmt; const char *out; } cases[] = {
		{ "a.txt", CLEAN_FORMAT_TEXT, "a.txt" },
		{ "a.txt.gz", CLEAN_FORMAT_TEXT, "a.txt" },
		{ "d/a.zst", CLEAN_FORMAT_TEXT, "d/a" },
		{ "cc.warc.wet.gz", CLEAN_FORMAT_TEXT, "cc.txt" },
		{ "cc.warc.gz", CLEAN_FORMAT_TEXT, "cc.txt" },
		{ "x.jsonl.zstd", CLEAN_FORMAT_TEXT, "x.txt" },
		{ "README", CLEAN_FORMAT_TEXT, "README" },
		{ "a.txt", CLEAN_FORMAT_JSONL, "a.jsonl" },
		{ "a.jsonl", CLEAN_FORMAT_JSONL, "a.jsonl" },
		{ "cc.warc.wet.gz", CLEAN_FORMAT_JSONL, "cc.jsonl" },
		{ "README", CLEAN_FORMAT_JSONL, "README.jsonl" },
		{ ".gz", CLEAN_FORMAT_TEXT, ".gz" },          /* never an empty name */
		{ "d/.wet", CLEAN_FORMAT_TEXT, "d/.wet" },
	};
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(bulk_out_name(cases[i].in, cases[i].fmt, &b), CLEAN_OK);
		ck_assert_str_eq(b.ptr, cases[i].out);
	}
	buf_release(&b);
}
END_TEST

START_TEST(hash)
{
	ck_assert_uint_eq(bulk_hash(""), 14695981039346656037u);
	ck_assert_uint_ne(bulk_hash("a.txt"), bulk_hash("b.txt"));
}
END_TEST

static char dir[64];
static int nerrors;
static char last_error[600];

static void on_error(void *arg, const char *subject, const char *msg)
{
	nerrors++;
	snprintf(last_error, sizeof(last_error), "%s: %s", subject ? subject : "", msg);
}

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static struct clean_ctx *ctx_new(void)
{
	struct clean_opts o = { 0 };
	o.flags = CLEAN_F_NO_DEFAULTS;
	struct clean_ctx *ctx;
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	return ctx;
}

/* Run over dir/in into a memory stream; returns what was written. */
static char *run(struct clean_bulk_opts *o, struct clean_bulk_stats *st)
{
	char in[128], *mem = NULL;
	size_t len = 0;
	snprintf(in, sizeof(in), "%s/in", dir);
	const char *inputs[] = { in };
	FILE *out = open_memstream(&mem, &len);
	struct clean_ctx *ctx = ctx_new();
	memset(st, 0, sizeof(*st));
	o->recursive = 1;
	o->on_error = on_error;
	ck_assert_int_eq(clean_bulk_run(ctx, o, inputs, 1, out, st), CLEAN_OK);
	fclose(out);
	clean_ctx_free(ctx);
	return mem;
}

static void setup(void)
{
	strcpy(dir, "/tmp/test_bulk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char p[128];
	snprintf(p, sizeof(p), "%s/in", dir);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/in/sub", dir);
	mkdir(p, 0777);
	put("in/b.txt", "Bee one.\n\f\nBee two.\n");
	put("in/a.txt", "Ay.\n");
	put("in/sub/c.txt", "Sea.\n");
	nerrors = 0;
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(order_any_jobs)
{
	struct clean_bulk_opts o = { 0 };
	struct clean_bulk_stats st;
	for (unsigned j = 1; j <= 4; j++) {
		o.jobs = j;
		char *s = run(&o, &st);
		/* Names in byte order, documents in input order. */
		ck_assert_str_eq(s, "Ay.\n\f\nBee one.\n\f\nBee two.\n\f\nSea.\n");
		ck_assert_uint_eq(st.inputs, 3);
		ck_assert_uint_eq(st.docs, 4);
		free(s);
	}
	ck_assert_int_eq(nerrors, 0);
}
END_TEST

START_TEST(outdir_resume)
{
	char out[128], p[160];
	snprintf(out, sizeof(out), "%s/out", dir);
	struct clean_bulk_opts o = { 0 };
	o.outdir = out;
	o.jobs = 2;
	struct clean_bulk_stats st;
	free(run(&o, &st));
	ck_assert_uint_eq(st.inputs, 3);
	snprintf(p, sizeof(p), "%s/sub/c.txt", out);
	ck_assert_int_eq(access(p, F_OK), 0);
	free(run(&o, &st));
	ck_assert_uint_eq(st.inputs, 0);
	ck_assert_uint_eq(st.skipped, 3);
	o.force = 1;
	free(run(&o, &st));
	ck_assert_uint_eq(st.inputs, 3);
}
END_TEST

START_TEST(shards_partition)
{
	char out[128];
	snprintf(out, sizeof(out), "%s/out", dir);
	struct clean_bulk_opts o = { 0 };
	o.outdir = out;
	o.nshards = 2;
	struct clean_bulk_stats st;
	unsigned long long total = 0;
	for (o.shard = 0; o.shard < 2; o.shard++) {
		free(run(&o, &st));
		total += st.inputs + st.skipped;
	}
	ck_assert_uint_eq(total, 3);
}
END_TEST

START_TEST(failures_counted)
{
	put("in/bad.txt", "");
	char p[128];
	snprintf(p, sizeof(p), "%s/in/bad.txt", dir);
	FILE *f = fopen(p, "w");
	fwrite("abc\0def\0\1\2", 1, 10, f);
	fclose(f);
	struct clean_bulk_opts o = { 0 };
	o.jobs = 2;
	struct clean_bulk_stats st;
	free(run(&o, &st));
	ck_assert_int_eq(nerrors, 1);
	ck_assert_ptr_nonnull(strstr(last_error, "bad.txt: binary file"));
	ck_assert_uint_eq(st.docs_failed, 1);
	ck_assert_uint_eq(st.docs, 4);
}
END_TEST

START_TEST(overlap_refused)
{
	char out[128], in[128];
	snprintf(out, sizeof(out), "%s/in/sub/out", dir);
	snprintf(in, sizeof(in), "%s/in", dir);
	const char *inputs[] = { in };
	struct clean_bulk_opts o = { 0 };
	o.outdir = out;
	o.recursive = 1;
	o.on_error = on_error;
	struct clean_bulk_stats st = { 0 };
	struct clean_ctx *ctx = ctx_new();
	ck_assert_int_eq(clean_bulk_run(ctx, &o, inputs, 1, NULL, &st), CLEAN_EINVAL);
	ck_assert_ptr_nonnull(strstr(last_error, "overlap"));
	clean_ctx_free(ctx);
}
END_TEST

static Suite *bulk_suite(void)
{
	Suite *s = suite_create("bulk");
	TCase *tc = tcase_create("bulk");
	tcase_add_test(tc, out_names);
	tcase_add_test(tc, hash);
	suite_add_tcase(s, tc);
	TCase *run_tc = tcase_create("run");
	tcase_add_checked_fixture(run_tc, setup, teardown);
	tcase_add_test(run_tc, order_any_jobs);
	tcase_add_test(run_tc, outdir_resume);
	tcase_add_test(run_tc, shards_partition);
	tcase_add_test(run_tc, failures_counted);
	tcase_add_test(run_tc, overlap_refused);
	suite_add_tcase(s, run_tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bulk_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
