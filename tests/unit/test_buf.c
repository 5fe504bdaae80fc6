/* test_buf.c: the contract of src/buf.h. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"

START_TEST(init_empty)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_ptr_nonnull(b.ptr);
	ck_assert_str_eq(b.ptr, "");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_uint_eq(b.max, BUF_MAX_DEFAULT);   /* 0 means the default */
	buf_clear(&b);                               /* harmless when empty */
	ck_assert_str_eq(b.ptr, "");
	buf_release(&b);
	ck_assert_ptr_nonnull(b.ptr);
	ck_assert_uint_eq(b.max, BUF_MAX_DEFAULT);
}
END_TEST

START_TEST(add_terminates)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(buf_add(&b, "abc", 3), CLEAN_OK);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(b.ptr[3], '\0');
	ck_assert_int_eq(buf_addstr(&b, "de"), CLEAN_OK);
	ck_assert_int_eq(buf_addch(&b, 'f'), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "abcdef");
	ck_assert_uint_lt(b.len, b.cap);
	ck_assert_int_eq(buf_add(&b, "", 0), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "abcdef");
	buf_release(&b);
}
END_TEST

START_TEST(binary_safe)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(buf_add(&b, "a\0b", 3), CLEAN_OK);
	ck_assert_int_eq(buf_addch(&b, '\0'), CLEAN_OK);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.ptr, "a\0b\0", 5);
	buf_release(&b);
}
END_TEST

START_TEST(grows)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(buf_addch(&b, 'a' + i % 26), CLEAN_OK);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_eq(strlen(b.ptr), 10000);
	ck_assert_int_eq(b.ptr[9999], 'a' + 9999 % 26);
	ck_assert_int_eq(buf_grow(&b, 100000), CLEAN_OK);
	ck_assert_uint_ge(b.cap, 110001);
	ck_assert_uint_eq(b.len, 10000);
	buf_release(&b);
}
END_TEST

START_TEST(cap_max)
{
	struct buf b;
	buf_init(&b, 10);
	ck_assert_int_eq(buf_add(&b, "0123456789", 10), CLEAN_OK);   /* exactly max */
	ck_assert_uint_le(b.cap, 11);
	ck_assert_int_eq(buf_addch(&b, 'x'), CLEAN_ETOOBIG);
	ck_assert_str_eq(b.ptr, "0123456789");
	ck_assert_uint_eq(b.len, 10);
	buf_truncate(&b, 5);
	ck_assert_int_eq(buf_add(&b, "abcdef", 6), CLEAN_ETOOBIG);   /* 11 > 10 */
	ck_assert_str_eq(b.ptr, "01234");
	ck_assert_uint_eq(b.len, 5);
	ck_assert_int_eq(buf_addstr(&b, "abcdefgh"), CLEAN_ETOOBIG);
	ck_assert_int_eq(buf_addf(&b, "%s", "abcdefgh"), CLEAN_ETOOBIG);
	ck_assert_str_eq(b.ptr, "01234");
	ck_assert_int_eq(buf_grow(&b, 6), CLEAN_ETOOBIG);
	ck_assert_int_eq(buf_grow(&b, (size_t)-1), CLEAN_ETOOBIG);    /* no overflow */
	ck_assert_int_eq(buf_add(&b, "abcde", 5), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "01234abcde");
	buf_release(&b);
}
END_TEST

START_TEST(cap_on_empty)
{
	struct buf b;
	buf_init(&b, 3);
	ck_assert_int_eq(buf_addstr(&b, "four"), CLEAN_ETOOBIG);
	ck_assert_ptr_nonnull(b.ptr);
	ck_assert_str_eq(b.ptr, "");
	ck_assert_uint_eq(b.len, 0);
	buf_release(&b);
}
END_TEST

START_TEST(addf)
{
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(buf_addf(&b, "%d-%s", 42, "x"), CLEAN_OK);
	ck_assert_int_eq(buf_addf(&b, "%s", ""), CLEAN_OK);
	ck_assert_int_eq(buf_addf(&b, "|%05.1f", 2.5), CLEAN_OK);
	ck_assert_str_eq(b.ptr, "42-x|002.5");
	ck_assert_uint_eq(b.len, strlen("42-x|002.5"));
	/* Longer than any first guess: it must measure, then write. */
	char big[3000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(buf_addf(&b, "<%s>", big), CLEAN_OK);
	ck_assert_uint_eq(b.len, 10 + 2 + 2999);
	ck_assert_int_eq(b.ptr[b.len - 1], '>');
	ck_assert_int_eq(b.ptr[b.len], '\0');
	buf_release(&b);
}
END_TEST

START_TEST(truncate_clear)
{
	struct buf b;
	buf_init(&b, 0);
	buf_addstr(&b, "hello");
	buf_truncate(&b, 2);
	ck_assert_str_eq(b.ptr, "he");
	ck_assert_uint_eq(b.len, 2);
	buf_truncate(&b, 2);
	ck_assert_str_eq(b.ptr, "he");
	size_t cap = b.cap;
	buf_clear(&b);
	ck_assert_str_eq(b.ptr, "");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, cap);      /* memory kept */
	buf_release(&b);
}
END_TEST

START_TEST(detach)
{
	struct buf b;
	size_t len = 99;
	buf_init(&b, 100);
	buf_addstr(&b, "owned");
	char *p = buf_detach(&b, &len);
	ck_assert_str_eq(p, "owned");
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(b.ptr, "");        /* left empty, still usable */
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.max, 100);
	ck_assert_ptr_ne(b.ptr, p);
	free(p);
	buf_addstr(&b, "again");
	ck_assert_str_eq(b.ptr, "again");
	buf_release(&b);
}
END_TEST

START_TEST(detach_empty)
{
	struct buf b;
	buf_init(&b, 0);
	char *p = buf_detach(&b, NULL);     /* len may be NULL */
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "");
	free(p);                            /* malloc'd even when empty */
	buf_release(&b);
}
END_TEST

START_TEST(swap)
{
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 50);
	buf_addstr(&a, "first");
	buf_addstr(&b, "second");
	buf_swap(&a, &b);
	ck_assert_str_eq(a.ptr, "second");
	ck_assert_str_eq(b.ptr, "first");
	ck_assert_uint_eq(a.max, 50);
	buf_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(mem_dup_copies_with_nul)
{
	char *p = mem_dup("ab\0cd", 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_mem_eq(p, "ab\0cd", 5);
	ck_assert_int_eq(p[5], '\0');
	free(p);
	p = mem_dup("", 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p[0], '\0');
	free(p);
	ck_assert_ptr_null(mem_dup("x", SIZE_MAX)); /* n + 1 would overflow */
}
END_TEST

START_TEST(array_growth)
{
	size_t cap = 0;
	int *v = array_grow(NULL, &cap, sizeof(*v), 4);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(cap, 4);
	v[3] = 7;
	v = array_grow(v, &cap, sizeof(*v), 4);
	ck_assert_uint_eq(cap, 8);
	ck_assert_int_eq(v[3], 7);
	/* Overflow: NULL, and the array and its capacity are left alone. */
	size_t huge = SIZE_MAX / 4;
	ck_assert_ptr_null(array_grow(v, &huge, sizeof(*v), 4));
	ck_assert_uint_eq(huge, SIZE_MAX / 4);
	ck_assert_int_eq(v[3], 7);
	free(v);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");
	tcase_add_test(tc, init_empty);
	tcase_add_test(tc, add_terminates);
	tcase_add_test(tc, binary_safe);
	tcase_add_test(tc, grows);
	tcase_add_test(tc, cap_max);
	tcase_add_test(tc, cap_on_empty);
	tcase_add_test(tc, addf);
	tcase_add_test(tc, truncate_clear);
	tcase_add_test(tc, detach);
	tcase_add_test(tc, detach_empty);
	tcase_add_test(tc, swap);
	tcase_add_test(tc, mem_dup_copies_with_nul);
	tcase_add_test(tc, array_growth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
