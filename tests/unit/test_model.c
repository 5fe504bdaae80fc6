/* test_model.c: the model file format, scoring and the sequence pass of
 * src/model.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "feat.h"
#include "model.h"

#define HEAD "clean-model 1 words end\n"
#define TAIL "prior 0.5\nstay 0.9 0.9\n"

/* Parse text; return the status and leave the message in err. */
static int parse(const char *text, struct model **m, struct buf *err)
{
	buf_clear(err);
	return model_parse(m, "t.model", text, strlen(text), err);
}

static void check_error(const char *text, const char *want)
{
	struct buf err;
	buf_init(&err, 0);
	struct model *m = (struct model *)1;
	ck_assert_int_eq(parse(text, &m, &err), CLEAN_EMODEL);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err.ptr, want);
	buf_release(&err);
}

START_TEST(parse_errors_have_line_numbers)
{
	check_error("", "t.model:1: not a model file (no 'clean-model VERSION' header)");
	check_error("# c\nprior 0.5\n", "t.model:2: not a model file (no 'clean-model VERSION' header)");
	check_error("clean-model 2\n", "t.model:1: unsupported model version '2'");
	check_error("clean-model 1 nosuch\n", "t.model:1: unknown feature 'nosuch'");
	check_error(HEAD "\n# x\nfrobnicate 1\n", "t.model:4: unknown directive 'frobnicate'");
	check_error(HEAD "intercept 1x\n", "t.model:2: bad number '1x'");
	check_error(HEAD "intercept\n", "t.model:2: missing number");
	check_error(HEAD "weight caps 1\n", "t.model:2: feature not in the header 'caps'");
	check_error(HEAD "prior 1.5\n", "t.model:2: bad number '1.5'");
	check_error(HEAD "h 1 0.5\n", "t.model:2: 'h' before 'hash'");
	check_error(HEAD "hash 4\nh 16 0.5\n", "t.model:3: bad number '16'");
	check_error(HEAD "hash 30\n", "t.model:2: bad number '30'");
	check_error(HEAD "prior 0.5\n", "t.model:3: 'prior' and 'stay' are required");
}
END_TEST

START_TEST(scores)
{
	struct buf err;
	buf_init(&err, 0);
	struct model *m;
	ck_assert_int_eq(parse(HEAD TAIL "intercept 1\nweight words 2\nweight end -0.5\noffset 0.25\n"
	                       "hash 4\nh 3 0.5\n", &m, &err), CLEAN_OK);
	struct feat_vec v;
	memset(&v, 0, sizeof(v));
	ck_assert_double_eq_tol(model_score(m, &v), 1.25, 1e-9);
	v.x[FEAT_WORDS] = 0.5f;
	v.x[FEAT_END] = 1;
	ck_assert_double_eq_tol(model_score(m, &v), 1.75, 1e-9);
	v.h[FEAT_H_FIRST] = 3u << 28;  /* bucket 3 of 2^4 */
	ck_assert_double_eq_tol(model_score(m, &v), 2.25, 1e-9);
	model_free(m);
	buf_release(&err);
}
END_TEST

START_TEST(write_then_parse)
{
	struct buf err, out;
	buf_init(&err, 0);
	buf_init(&out, 0);
	struct model *m, *m2;
	ck_assert_int_eq(parse(HEAD TAIL "intercept -0.5\nweight words 1.5\nhash 3\nh 7 -2\n", &m, &err), CLEAN_OK);
	ck_assert_int_eq(model_write(m, &out), CLEAN_OK);
	ck_assert_int_eq(model_parse(&m2, "w.model", out.ptr, out.len, &err), CLEAN_OK);
	struct feat_vec v;
	memset(&v, 0, sizeof(v));
	v.x[FEAT_WORDS] = 0.3f;
	v.h[FEAT_H_LAST] = 7u << 29;
	ck_assert_double_eq_tol(model_score(m, &v), model_score(m2, &v), 1e-6);
	ck_assert_double_eq_tol(model_score(m2, &v), -0.5 + 0.45 - 2, 1e-6);
	model_free(m);
	model_free(m2);
	buf_release(&err);
	buf_release(&out);
}
END_TEST

START_TEST(default_model_loads)
{
	struct buf err;
	buf_init(&err, 0);
	struct model *m = NULL;
	ck_assert_int_eq(model_default(&m, &err), CLEAN_OK);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(m->stop);
	model_free(m);
	buf_release(&err);
}
END_TEST

static void run_viterbi(double stay, const double *s, const unsigned char *force,
                        size_t n, const char *want)
{
	struct buf err;
	buf_init(&err, 0);
	struct model *m;
	char text[128];
	snprintf(text, sizeof(text), "clean-model 1\nprior 0.5\nstay %g %g\n", stay, stay);
	ck_assert_int_eq(parse(text, &m, &err), CLEAN_OK);
	unsigned char state[16];
	char got[17];
	ck_assert_int_eq(model_viterbi(m, s, force, n, state), CLEAN_OK);
	for (size_t i = 0; i < n; i++)
		got[i] = state[i] ? 'C' : 'b';
	got[n] = '\0';
	ck_assert_str_eq(got, want);
	model_free(m);
	buf_release(&err);
}

START_TEST(viterbi_toy)
{
	static const double s[] = { -4, -4, 3, 3, -0.5, 3, 3, -4, 1, -4 };
	/* Without smoothing the path follows the signs of the scores. */
	run_viterbi(0.5, s, NULL, 10, "bbCCbCCbCb");
	/* Sticky states: the weak dip stays content, the lone line goes. */
	run_viterbi(0.95, s, NULL, 10, "bbCCCCCbbb");
	/* A forced line is content whatever its score. */
	static const unsigned char force[10] = { [0] = 1 };
	run_viterbi(0.5, s, force, 10, "CbCCbCCbCb");
	run_viterbi(0.5, s, NULL, 0, "");
}
END_TEST

/* model_states: a line the rules dropped (a strongly negative "ad"
 * between two paragraphs) does not break the content run around it, and
 * the scores come back as given. */
START_TEST(states_skip_rule_drops)
{
	struct buf err;
	buf_init(&err, 0);
	struct model *m;
	ck_assert_int_eq(parse("clean-model 1\nprior 0.5\nstay 0.9 0.9\n", &m, &err), CLEAN_OK);
	double s[7] = { -4, 1.5, -6, 1.5, -6, 1.5, -4 };
	struct feat_vec fv[7];
	memset(fv, 0, sizeof(fv));
	fv[2].x[FEAT_DROPPED] = fv[4].x[FEAT_DROPPED] = 1;
	unsigned char state[7];
	ck_assert_int_eq(model_states(m, s, NULL, fv, 7, state), CLEAN_OK);
	for (size_t i = 1; i < 6; i++)
		ck_assert_int_eq(state[i], 1);
	ck_assert_int_eq(state[0] + state[6], 0);
	ck_assert(s[2] == -6 && s[4] == -6);
	/* Without the rules' drops the strong negatives split the run. */
	memset(fv, 0, sizeof(fv));
	ck_assert_int_eq(model_states(m, s, NULL, fv, 7, state), CLEAN_OK);
	ck_assert_int_eq(state[2], 0);
	model_free(m);
	buf_release(&err);
}
END_TEST

/* The document gate: parsed, written back, and a model without one never
 * opens it (the rules' evidence alone calls the model). */
START_TEST(gate_parse_write_score)
{
	check_error(HEAD "gate nosuch 1\n", "t.model:2: unknown gate figure 'nosuch'");
	struct buf err, out;
	buf_init(&err, 0);
	buf_init(&out, 0);
	struct model *m, *m2;
	ck_assert_int_eq(parse(HEAD TAIL "gate-bias -1\ngate short 4\n", &m, &err), CLEAN_OK);
	ck_assert_int_eq(model_write(m, &out), CLEAN_OK);
	ck_assert_int_eq(model_parse(&m2, "w.model", out.ptr, out.len, &err), CLEAN_OK);
	ck_assert_int_eq(m2->has_gate, 1);
	float x[GATE_N] = { 0 };
	x[GATE_SHORT] = 0.5f;
	ck_assert_double_eq_tol(gate_score(m2->gate_w, m2->gate_bias, x), 1, 1e-9);
	/* 20 short lines, all content by score and state: a page by this gate */
	struct feat_vec fv[20];
	double s[20];
	unsigned char state[20];
	memset(fv, 0, sizeof(fv));
	for (size_t i = 0; i < 20; i++)
		fv[i].x[FEAT_SHORT] = 1, s[i] = 1, state[i] = 1;
	ck_assert_int_eq(model_gate(m2, fv, s, state, 20), 1);
	model_free(m);
	model_free(m2);
	ck_assert_int_eq(parse(HEAD TAIL, &m, &err), CLEAN_OK);
	ck_assert_int_eq(model_gate(m, fv, s, state, 20), 0);
	model_free(m);
	buf_release(&err);
	buf_release(&out);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parse_errors_have_line_numbers);
	tcase_add_test(tc, scores);
	tcase_add_test(tc, write_then_parse);
	tcase_add_test(tc, default_model_loads);
	tcase_add_test(tc, viterbi_toy);
	tcase_add_test(tc, states_skip_rule_drops);
	tcase_add_test(tc, gate_parse_write_score);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
