/* test_uprop.c: the contract of src/uprop.h, checked exhaustively
 * against utf8proc. */
#include <check.h>
#include <stdlib.h>

#include "uprop.h"

/* utf8proc_iterate with the callers' convention for invalid input. */
static int32_t reference_next(const unsigned char *s, size_t n, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate(s + *i, (utf8proc_ssize_t)(n - *i), &cp);
	*i += k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

/* Compared in plain C, asserting only on a mismatch: each ck_assert
 * marks a point through Check's pipe, which made 17 million of them take
 * most of a minute. */
static void check_bytes(const unsigned char *s, size_t n)
{
	size_t i = 0, j = 0;
	int32_t a = uprop_next((const char *)s, n, &i), b = reference_next(s, n, &j);
	if (a != b || i != j)
		ck_abort_msg("uprop_next on %zu bytes %02x %02x %02x %02x: U+%04X after %zu, utf8proc U+%04X after %zu",
		             n, s[0], n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0,
		             (unsigned)a, i, (unsigned)b, j);
}

/* Every sequence of one to three bytes (the fast paths), and every
 * lead byte with three continuation bytes or too few bytes. */
START_TEST(next_matches_utf8proc)
{
	unsigned char s[4];
	for (unsigned a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		check_bytes(s, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			check_bytes(s, 2);
			for (unsigned c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				check_bytes(s, 3);
			}
		}
		s[1] = s[2] = s[3] = 0x80;
		check_bytes(s, 4);
		s[1] = s[2] = s[3] = 0xBF;
		check_bytes(s, 4);
	}
}
END_TEST

START_TEST(properties_match_utf8proc)
{
	for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
		int w = utf8proc_charwidth(cp);
		unsigned want = w < 0 ? 0u : (unsigned)w;
		if ((int)uprop_category(cp) != (int)utf8proc_category(cp) || uprop_width(cp) != want)
			ck_abort_msg("U+%04X: category %d width %u, utf8proc %d %u", (unsigned)cp,
			             (int)uprop_category(cp), (unsigned)uprop_width(cp),
			             (int)utf8proc_category(cp), want);
	}
}
END_TEST

/* Every character under a letter lead is a letter one column wide, as
 * the scans that step through them two bytes at a time assume. */
START_TEST(letter_leads_are_narrow_letters)
{
	unsigned leads = 0;
	for (unsigned c = 0xC2; c < 0xE0; c++) {
		if (!uprop_letter_lead((unsigned char)c))
			continue;
		leads++;
		for (unsigned t = 0x80; t < 0xC0; t++) {
			int32_t cp = (int32_t)((c & 0x1F) << 6 | (t & 0x3F));
			utf8proc_category_t k = utf8proc_category(cp);
			int letter = k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
			             k == UTF8PROC_CATEGORY_LT || k == UTF8PROC_CATEGORY_LM ||
			             k == UTF8PROC_CATEGORY_LO;
			if (!letter || utf8proc_charwidth(cp) != 1)
				ck_abort_msg("U+%04X under lead %02X: category %d width %d", (unsigned)cp,
				             c, (int)k, utf8proc_charwidth(cp));
		}
	}
	ck_assert_uint_eq(leads, 9);
}
END_TEST

static Suite *uprop_suite(void)
{
	Suite *s = suite_create("uprop");
	TCase *tc = tcase_create("uprop");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, next_matches_utf8proc);
	tcase_add_test(tc, properties_match_utf8proc);
	tcase_add_test(tc, letter_leads_are_narrow_letters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(uprop_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
