#define _GNU_SOURCE  /* memmem */
/* test_learn.c: supervised training (src/learn.h) on a tiny synthetic set:
 * labels by alignment, a deterministic fit, and a model that then tells
 * the article from the menus on a page it did not see. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "doc.h"
#include "learn.h"
#include "model.h"

static const char *const vocab[] = {
	"the", "council", "said", "on", "monday", "that", "new", "rules", "would",
	"apply", "to", "all", "of", "its", "members", "and", "a", "report", "was",
	"published", "in", "march", "after", "months", "study", "river", "water",
	"level", "rose", "because", "heavy", "rain", "fell", "across", "region",
};
#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* One sentence of 12-20 words ending in a full stop. */
static void sentence(struct buf *b, unsigned *seed)
{
	unsigned n = 12 + rnd(seed) % 9;
	for (unsigned i = 0; i < n; i++) {
		const char *w = vocab[rnd(seed) % NVOCAB];
		if (i)
			buf_addf(b, " %s", w);
		else
			buf_addf(b, "%c%s", w[0] - 32, w + 1);
	}
	buf_addstr(b, ".\n");
}

/* A page: menu, article (also appended to gold), footer. */
static void page(struct buf *raw, struct buf *gold, unsigned seed)
{
	static const char *const menu[] = { "Home", "World", "Sport", "Weather", "Contact us", "Log in" };
	buf_clear(raw);
	buf_clear(gold);
	for (size_t i = 0; i < 6; i++)
		buf_addf(raw, "%s\n", menu[(i + seed) % 6]);
	buf_addstr(raw, "\n");
	for (int p = 0; p < 4; p++) {
		size_t at = raw->len;
		sentence(raw, &seed);
		sentence(raw, &seed);
		buf_add(gold, raw->ptr + at, raw->len - at);
		buf_addstr(raw, "\n");
	}
	buf_addstr(raw, "Privacy | Terms | Cookies\nFollow us\nNewsletter\nAbout\n");
}

static struct learn_sup *train(struct clean_ctx *ctx, int ndocs)
{
	struct learn_sup *l;
	ck_assert_int_eq(learn_sup_new(&l, 6), CLEAN_OK);
	struct buf raw, gold;
	buf_init(&raw, 0);
	buf_init(&gold, 0);
	for (int i = 0; i < ndocs; i++) {
		page(&raw, &gold, (unsigned)i * 7919u + 1);
		ck_assert_int_eq(learn_sup_add(l, ctx, raw.ptr, raw.len, gold.ptr, gold.len), CLEAN_OK);
	}
	buf_release(&raw);
	buf_release(&gold);
	return l;
}

static struct clean_ctx *rules_only(void)
{
	struct clean_opts o = { .flags = CLEAN_F_NO_MODEL };
	struct clean_ctx *ctx;
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	return ctx;
}

START_TEST(labels_by_alignment)
{
	struct clean_ctx *ctx = rules_only();
	struct learn_sup *l = train(ctx, 3);
	size_t docs, segs, content;
	learn_sup_counts(l, &docs, &segs, &content);
	ck_assert_uint_eq(docs, 3);
	/* 8 article sentences a page are content; menus and footers not. */
	ck_assert_uint_eq(content, 3 * 8);
	ck_assert_uint_ge(segs, 3 * 8 + 3 * 6);
	learn_sup_free(l);
	clean_ctx_free(ctx);
}
END_TEST

static void fit_text(struct clean_ctx *ctx, struct buf *out, struct model **keep)
{
	struct learn_sup *l = train(ctx, 20);
	struct learn_opts o = { .hash_bits = 6, .cost = 1 };
	struct model *m;
	struct buf err;
	buf_init(&err, 0);
	ck_assert_int_eq(learn_sup_fit(l, &o, &m, &err), CLEAN_OK);
	ck_assert_int_eq(model_write(m, out), CLEAN_OK);
	if (keep)
		*keep = m;
	else
		model_free(m);
	learn_sup_free(l);
	buf_release(&err);
}

START_TEST(deterministic)
{
	struct clean_ctx *ctx = rules_only();
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	fit_text(ctx, &a, NULL);
	fit_text(ctx, &b, NULL);
	ck_assert_uint_gt(a.len, 100);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.ptr, b.ptr, a.len) == 0);
	buf_release(&a);
	buf_release(&b);
	clean_ctx_free(ctx);
}
END_TEST

START_TEST(model_cleans_unseen_page)
{
	struct clean_ctx *ctx = rules_only();
	struct model *m;
	struct buf text, raw, gold;
	buf_init(&text, 0);
	buf_init(&raw, 0);
	buf_init(&gold, 0);
	fit_text(ctx, &text, &m);
	clean_ctx_free(ctx);
	struct clean_opts o = { 0 };
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	model_free(ctx->model);
	ctx->model = m;
	page(&raw, &gold, 424242);
	struct clean_doc *d;
	ck_assert_int_eq(clean_text(ctx, raw.ptr, raw.len, &d), CLEAN_OK);
	size_t len;
	const char *out = clean_doc_text(d, &len);
	/* Every article sentence is kept, no menu or footer line is. */
	for (const char *p = gold.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(memmem(out, len, p, (size_t)(nl - p)));
		p = nl + 1;
	}
	ck_assert_ptr_null(strstr(out, "Weather"));
	ck_assert_ptr_null(strstr(out, "Newsletter"));
	struct clean_line line;
	clean_doc_line(d, 0, &line);
	ck_assert_int_eq(line.decision, CLEAN_DROP);
	ck_assert_ptr_nonnull(line.features);
	ck_assert(line.score < 0);
	clean_doc_free(d);
	clean_ctx_free(ctx);
	buf_release(&text);
	buf_release(&raw);
	buf_release(&gold);
}
END_TEST

START_TEST(nothing_to_learn)
{
	struct learn_sup *l;
	ck_assert_int_eq(learn_sup_new(&l, 0), CLEAN_OK);
	struct learn_opts o = { 0 };
	struct model *m;
	struct buf err;
	buf_init(&err, 0);
	ck_assert_int_eq(learn_sup_fit(l, &o, &m, &err), CLEAN_EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err.ptr, "no training examples");
	buf_release(&err);
	learn_sup_free(l);
}
END_TEST

static Suite *learn_suite(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, labels_by_alignment);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, model_cleans_unseen_page);
	tcase_add_test(tc, nothing_to_learn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(learn_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
