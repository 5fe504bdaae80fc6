/* test_normalise.c: the rules of src/normalise.h, one test each. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "normalise.h"

#include <utf8proc.h>

static void check_norm(const char *in, size_t n, unsigned flags, const char *want)
{
	struct buf out;
	buf_init(&out, 0);
	ck_assert_int_eq(norm_line(in, n, flags, &out), CLEAN_OK);
	ck_assert_str_eq(out.ptr, want);
	ck_assert_uint_eq(out.len, strlen(want));
	buf_release(&out);
}

#define NORM(in, want) check_norm(in, sizeof(in) - 1, 0, want)
#define NORMF(in, flags, want) check_norm(in, sizeof(in) - 1, flags, want)

/* ---- the fast path ---- */

START_TEST(plain_ascii)
{
	NORM("", "");
	NORM("Hello, world.", "Hello, world.");
	NORM("a b c", "a b c");
	NORM("x", "x");
}
END_TEST

START_TEST(appends)
{
	struct buf out;
	buf_init(&out, 0);
	buf_addstr(&out, "1|");
	ck_assert_int_eq(norm_line("plain", 5, 0, &out), CLEAN_OK);
	ck_assert_int_eq(norm_line(" caf\xC3\xA9  ", 9, 0, &out), CLEAN_OK);
	ck_assert_str_eq(out.ptr, "1|plaincaf\xC3\xA9");
	buf_release(&out);
}
END_TEST

/* ---- rule 1: references ---- */

START_TEST(entities_named)
{
	NORM("a &amp; b", "a & b");
	NORM("&lt;p&gt; &quot;q&quot; &apos;", "<p> \"q\" '");
	NORM("caf&eacute; &copy; 2024 &euro;5 &mdash; x", "caf\xC3\xA9 \xC2\xA9 2024 \xE2\x82\xAC" "5 \xE2\x80\x94 x");
	NORM("&frac12; &sup2;", "\xC2\xBD \xC2\xB2");
	NORM("AT&amp;T &amp AT&T", "AT&T & AT&T");       /* bare &amp decodes */
	NORM("&lt &gt &quot", "< > \"");
	NORM("&eacute &copy", "&eacute &copy");          /* others need ';' */
	NORM("&nosuch; & ;&", "&nosuch; & ;&");
	NORM("&ampx", "&ampx");
}
END_TEST

START_TEST(entities_once)
{
	NORM("&amp;lt;", "&lt;");
	NORM("&amp;amp;", "&amp;");
	NORM("&#38;#60;", "&#60;");
}
END_TEST

START_TEST(entities_numeric)
{
	NORM("&#65;&#x42;&#X43;&#x1F600;", "ABC\xF0\x9F\x98\x80");
	NORM("&#233;t&#xe9;", "\xC3\xA9t\xC3\xA9");
	NORM("&#65 &#x42", "A B");                       /* ';' may be missing */
	NORM("&#; &#x; &#q", "&#; &#x; &#q");            /* no digits: literal */
}
END_TEST

START_TEST(entities_cp1252)
{
	NORM("1&#150;2", "1\xE2\x80\x93" "2");              /* en dash */
	NORM("&#147;q&#148; &#128; &#x92;", "\xE2\x80\x9Cq\xE2\x80\x9D \xE2\x82\xAC \xE2\x80\x99");
	NORM("a&#129;b", "ab");                            /* undefined: C1, removed */
}
END_TEST

START_TEST(entities_invalid)
{
	NORM("&#0;", "\xEF\xBF\xBD");
	NORM("&#xD800;", "\xEF\xBF\xBD");
	NORM("&#xDFFF;", "\xEF\xBF\xBD");
	NORM("&#x110000;", "\xEF\xBF\xBD");
	NORM("&#99999999999999999999999;", "\xEF\xBF\xBD");
	NORM("&#x10FFFF;", "\xF4\x8F\xBF\xBF");
}
END_TEST

START_TEST(entities_then_rules)
{
	NORM("a&nbsp;&nbsp;b&nbsp;", "a b");
	NORM("a&#8203;b&shy;c&#x200E;d", "abcd");
	NORM("a&#9;&#10;b", "a b");
	NORM("&#1;&#127;x", "x");
}
END_TEST

/* ---- rule 2: removed characters ---- */

START_TEST(controls)
{
	NORM("a\x01" "b\x1B" "c\x7F" "d", "abcd");
	NORM("a\xC2\x80" "b\xC2\x9F" "c\xC2\x85" "d", "abcd");   /* C1 */
	NORM("\0x", "x");
	NORM("a\tb", "a b");                              /* tab is a space */
	NORM("a\rb\r", "a b");                            /* CR, VT, FF too */
	NORM("a\vb\fc", "a b c");
}
END_TEST

START_TEST(zero_width)
{
	NORM("a\xE2\x80\x8B" "b\xE2\x80\x8C" "c\xE2\x80\x8D" "d\xE2\x81\xA0" "e\xEF\xBB\xBF" "f", "abcdef");
	NORM("\xEF\xBB\xBFstart", "start");
	NORM("soft\xC2\xADhyphen", "softhyphen");
	NORM("a \xE2\x80\x8B b", "a b");                  /* removed, then collapsed */
}
END_TEST

START_TEST(bidi)
{
	NORM("\xE2\x80\x8E" "a\xE2\x80\x8F" "b\xE2\x80\xAA" "c\xE2\x80\xAE" "d\xE2\x81\xA6" "e\xE2\x81\xA9", "abcde");
}
END_TEST

/* ---- rule 3: spaces ---- */

START_TEST(spaces)
{
	NORM("a\xC2\xA0" "b", "a b");                     /* NBSP */
	NORM("a\xE2\x80\x83" "b\xE2\x80\xAF" "c\xE3\x80\x80" "d\xE1\x9A\x80" "e", "a b c d e");
	NORM("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", "a b c");   /* U+2028/9 */
	NORM("a \t \xC2\xA0  b", "a b");
	NORM("a  b", "a b");
}
END_TEST

START_TEST(trim)
{
	NORM("  lead", "lead");
	NORM("trail  ", "trail");
	NORM(" \t both \xC2\xA0", "both");
	NORM("   ", "");
	NORM("\xE2\x80\x8B", "");
	NORM(" ", "");
}
END_TEST

START_TEST(keep_indent)
{
	NORMF("    code  here  ", NORM_KEEP_INDENT, "    code here");
	NORMF("\tx", NORM_KEEP_INDENT, " x");
	NORMF("  \xC2\xA0y", NORM_KEEP_INDENT, "   y");
	NORMF("    ", NORM_KEEP_INDENT, "");
	NORMF("  plain", NORM_KEEP_INDENT, "  plain");
	NORMF("  plain  x", NORM_KEEP_INDENT, "  plain x");
	NORMF("  plain ", NORM_KEEP_INDENT, "  plain");
}
END_TEST

/* ---- rule 4: NFC ---- */

START_TEST(nfc)
{
	NORM("cafe\xCC\x81", "caf\xC3\xA9");               /* e + U+0301 */
	NORM("A\xCC\x8A" "ngstr\xC3\xB6m", "\xC3\x85ngstr\xC3\xB6m");
	NORM("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C");   /* jamo -> 한 */
	NORM("\xE2\x84\xAB", "\xC3\x85");                  /* Kelvin/Angstrom singleton */
	NORM("\xEF\xAC\x81", "\xEF\xAC\x81");              /* NFC keeps ligatures */
	NORM("\xE3\x81\x8B\xE3\x82\x99", "\xE3\x81\x8C");   /* か + dakuten -> が */
	NORM("\xD0\x98\xCC\x86", "\xD0\x99");              /* Cyrillic Й */
	NORM("e\xCC\x81  e\xCC\x81", "\xC3\xA9 \xC3\xA9"); /* with collapsing */
}
END_TEST

START_TEST(long_nfc_line)
{
	/* More than the 512 code points norm_nfc keeps on the stack. */
	struct buf in, want;
	buf_init(&in, 0);
	buf_init(&want, 0);
	for (int i = 0; i < 700; i++) {
		buf_addstr(&in, "e\xCC\x81 ");
		buf_addstr(&want, i ? " \xC3\xA9" : "\xC3\xA9");
	}
	check_norm(in.ptr, in.len, 0, want.ptr);
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* ---- rule 5: ASCII folding ---- */

START_TEST(ascii_fold)
{
	NORMF("\xE2\x80\x9Cit\xE2\x80\x99s\xE2\x80\x9D", NORM_ASCII, "\"it's\"");
	NORMF("\xE2\x80\x98q\xE2\x80\x99 \xE2\x80\x9Eq\xE2\x80\x9C", NORM_ASCII, "'q' \"q\"");
	NORMF("1\xE2\x80\x93" "2 \xE2\x80\x94 x\xE2\x88\x92" "y", NORM_ASCII, "1-2 - x-y");
	NORMF("wait\xE2\x80\xA6", NORM_ASCII, "wait...");
	NORMF("\xE2\x80\xA2 item", NORM_ASCII, "* item");
	NORMF("\xC2\xAB oui \xC2\xBB \xE2\x80\xB9n\xE2\x80\xBA", NORM_ASCII, "\" oui \" 'n'");
	NORMF("\xEF\xAC\x81nd", NORM_ASCII, "find");
	NORMF("caf\xC3\xA9 \xE2\x82\xAC", NORM_ASCII, "caf\xC3\xA9 \xE2\x82\xAC");  /* letters stay */
	NORM("\xE2\x80\x9Cit\xE2\x80\x99s\xE2\x80\x9D", "\xE2\x80\x9Cit\xE2\x80\x99s\xE2\x80\x9D");  /* off */
	NORMF("&#150;&rsquo;", NORM_ASCII, "-'");      /* references fold too */
}
END_TEST

/* ---- robustness and errors ---- */

START_TEST(invalid_utf8)
{
	NORM("a\xFF" "b", "a\xEF\xBF\xBD" "b");
	NORM("a\xE2\x80", "a\xEF\xBF\xBD");
}
END_TEST

START_TEST(too_big)
{
	struct buf out;
	buf_init(&out, 8);
	buf_addstr(&out, "12345");
	ck_assert_int_eq(norm_line("abcdef", 6, 0, &out), CLEAN_ETOOBIG);
	ck_assert_str_eq(out.ptr, "12345");
	ck_assert_int_eq(norm_line("caf\xC3\xA9  x", 8, 0, &out), CLEAN_ETOOBIG);
	ck_assert_str_eq(out.ptr, "12345");                /* left as it was */
	ck_assert_int_eq(norm_line("a  b", 4, 0, &out), CLEAN_OK);
	ck_assert_str_eq(out.ptr, "12345a b");
	buf_release(&out);
}
END_TEST

START_TEST(not_nul_terminated)
{
	/* Only s[0..n) is read. */
	check_norm("ab  &amp;cd", 5, 0, "ab &");
	check_norm("x&#65;", 3, 0, "x&#");
	check_norm("x&#65;", 5, 0, "xA");
	check_norm("a&amp;", 4, 0, "a&am");
	check_norm("caf\xC3\xA9", 4, 0, "caf\xEF\xBF\xBD");   /* cut: U+FFFD */
}
END_TEST

/* ---- norm_is_cjk ---- */

START_TEST(cjk)
{
	ck_assert(norm_is_cjk(0x65E5));      /* 日 */
	ck_assert(norm_is_cjk(0x3042));      /* あ */
	ck_assert(norm_is_cjk(0x30AB));      /* カ */
	ck_assert(norm_is_cjk(0x3400));
	ck_assert(norm_is_cjk(0x20000));
	ck_assert(norm_is_cjk(0xFF76));      /* halfwidth カ */
	ck_assert(!norm_is_cjk(0xD55C));     /* 한: Korean uses spaces */
	ck_assert(!norm_is_cjk('a'));
	ck_assert(!norm_is_cjk(0xE9));
	ck_assert(norm_is_cjk(0x3002));      /* 。: a wrapped line may end in it */
	ck_assert(norm_is_cjk(0xFF01));      /* fullwidth ！ */
}
END_TEST

/* Every two-byte character past U+00AD (none of them is dropped or a
 * space) after a letter it may compose with, twice over (the second
 * time after a space: inside a run of the general path): the output is
 * the input in NFC, whether the character took the inline fast path
 * (Latin, Cyrillic) or the general one. */
START_TEST(two_byte_characters_as_nfc)
{
	static const char *const bases[] = { "e", "\xd0\xb5" /* Cyrillic e */ };
	for (unsigned cp = 0xAE; cp < 0x800; cp++) {
		char u[2] = { (char)(0xC0 | cp >> 6), (char)(0x80 | (cp & 0x3F)) };
		for (size_t b = 0; b < 2; b++) {
			char in[32];
			size_t bl = strlen(bases[b]), n = 0;
			for (int twice = 0; twice < 2; twice++) {
				memcpy(in + n, bases[b], bl);
				n += bl;
				memcpy(in + n, u, 2);
				n += 2;
				in[n++] = ' ';
			}
			in[n++] = 'y';
			in[n] = '\0';
			utf8proc_uint8_t *want = NULL;
			ck_assert(utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)n, &want,
			                       UTF8PROC_STABLE | UTF8PROC_COMPOSE) >= 0);
			check_norm(in, n, 0, (const char *)want);
			free(want);
		}
	}
}
END_TEST

/* Every character of a stable lead, in runs after a letter that takes
 * norm_simple's path, comes out as it went in (it is its own NFC) with
 * and without NORM_ASCII. */
START_TEST(stable_leads_kept_in_runs)
{
	unsigned leads = 0, bad = 0;
	for (unsigned c = 0xC2; c < 0xE0; c++) {
		if (!norm_stable_lead((unsigned char)c))
			continue;
		leads++;
		for (unsigned t = 0x80; t < 0xC0; t++) {
			/* "a" "é" then the character three times, a space, it again */
			char in[16] = { 'a', '\xc3', '\xa9', (char)c, (char)t, (char)c, (char)t,
			                (char)c, (char)t, ' ', (char)c, (char)t };
			utf8proc_uint8_t *want = NULL;
			ck_assert(utf8proc_map((const utf8proc_uint8_t *)in, 12, &want,
			                       UTF8PROC_STABLE | UTF8PROC_COMPOSE) >= 0);
			for (unsigned flags = 0; flags <= NORM_ASCII; flags += NORM_ASCII) {
				struct buf out;
				buf_init(&out, 0);
				bad += norm_line(in, 12, flags, &out) != CLEAN_OK ||
				       out.len != 12 || memcmp(out.ptr, in, 12) != 0 ||
				       memcmp(want, in, 12) != 0;
				buf_release(&out);
			}
			free(want);
		}
	}
	ck_assert_uint_gt(leads, 0);
	ck_assert_uint_eq(bad, 0);
}
END_TEST

static Suite *normalise_suite(void)
{
	Suite *s = suite_create("normalise");
	TCase *tc = tcase_create("norm_line");
	tcase_add_test(tc, plain_ascii);
	tcase_add_test(tc, two_byte_characters_as_nfc);
	tcase_add_test(tc, stable_leads_kept_in_runs);
	tcase_add_test(tc, appends);
	tcase_add_test(tc, entities_named);
	tcase_add_test(tc, entities_once);
	tcase_add_test(tc, entities_numeric);
	tcase_add_test(tc, entities_cp1252);
	tcase_add_test(tc, entities_invalid);
	tcase_add_test(tc, entities_then_rules);
	tcase_add_test(tc, controls);
	tcase_add_test(tc, zero_width);
	tcase_add_test(tc, bidi);
	tcase_add_test(tc, spaces);
	tcase_add_test(tc, trim);
	tcase_add_test(tc, keep_indent);
	tcase_add_test(tc, nfc);
	tcase_add_test(tc, long_nfc_line);
	tcase_add_test(tc, ascii_fold);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, not_nul_terminated);
	tcase_add_test(tc, cjk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(normalise_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
