/* test_decode.c: the rules of src/decode.h, one test each. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "decode.h"

/* Decode in[0..len) and compare with want; returns the replaced count. */
static size_t check_decode(const char *in, size_t len, const char *want)
{
	struct buf out;
	size_t rep = 12345;
	buf_init(&out, 0);
	ck_assert_int_eq(decode_to_utf8(in, len, &out, &rep), CLEAN_OK);
	ck_assert_uint_eq(out.len, strlen(want));
	ck_assert_mem_eq(out.ptr, want, out.len);
	ck_assert(utf8_valid(out.ptr, out.len));
	buf_release(&out);
	return rep;
}

#define DECODE(lit, want) check_decode(lit, sizeof(lit) - 1, want)

/* ---- utf8_valid ---- */

START_TEST(valid_accepts)
{
	ck_assert(utf8_valid("", 0));
	ck_assert(utf8_valid("plain ascii, longer than eight bytes", 36));
	ck_assert(utf8_valid("caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x98\x80", 14));
	ck_assert(utf8_valid("\xF4\x8F\xBF\xBF", 4));          /* U+10FFFF */
	ck_assert(utf8_valid("\xED\x9F\xBF", 3));              /* U+D7FF */
	ck_assert(utf8_valid("\0", 1));
}
END_TEST

START_TEST(valid_rejects)
{
	ck_assert(!utf8_valid("\xC0\xAF", 2));                 /* overlong '/' */
	ck_assert(!utf8_valid("\xC1\xBF", 2));
	ck_assert(!utf8_valid("\xE0\x9F\xBF", 3));             /* overlong */
	ck_assert(!utf8_valid("\xF0\x8F\xBF\xBF", 4));         /* overlong */
	ck_assert(!utf8_valid("\xED\xA0\x80", 3));             /* surrogate */
	ck_assert(!utf8_valid("\xF4\x90\x80\x80", 4));         /* > U+10FFFF */
	ck_assert(!utf8_valid("\xF5\x80\x80\x80", 4));
	ck_assert(!utf8_valid("\x80", 1));                     /* stray continuation */
	ck_assert(!utf8_valid("abc\xE2\x80", 5));              /* cut */
	ck_assert(!utf8_valid("abcdefghijklmnop\xFF", 17));    /* after the fast path */
	ck_assert(!utf8_valid("abcdefg\xC3", 8));              /* cut at a word edge */
}
END_TEST

/* Well-formed UTF-8 by Unicode's table 3-7, a byte sequence at a time:
 * the reference for utf8_valid's eight-byte fast path. */
static int valid_ref(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], lo = 0x80, hi = 0xBF;
		size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 :
		              c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
		if (need == 9)
			return 0;
		lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n || s[i + k] < lo || s[i + k] > hi)
				return 0;
			lo = 0x80;
			hi = 0xBF;
		}
		i += need + 1;
	}
	return 1;
}

/* Random mixes of ASCII runs and valid and broken sequences, at every
 * length and offset around the eight-byte steps. */
START_TEST(valid_matches_reference)
{
	static const char *const atoms[] = {
		"a", "bcdefgh", " ", "\xC3\xA9", "\xD0\xBE", "\xE2\x80\x99", "\xF0\x9F\x98\x80",
		"\xE0\xA0\x80", "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF",
		"\xD0\xBE\xD1\x8F\xCE\xB1\xDF\xBF", /* four two-byte characters */
		"\x80", "\xC3", "\xE2\x80", "\xED\xA0\x80", "\xC0\xAF", "\xF5", "\xFF", "\xC1\xBF",
	};
	unsigned char text[96];
	unsigned seed = 7;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0, want;
		seed = seed * 1103515245u + 12345u;
		want = (seed >> 16) % 48;
		while (len < want) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 64;
			/* mostly valid atoms, a broken one now and then */
			const char *a = atoms[r < 60 ? r % 11 : 11 + r % 8];
			memcpy(text + len, a, strlen(a));
			len += strlen(a);
		}
		for (size_t off = 0; off < 3 && off <= len; off++)
			ck_assert_int_eq(!!utf8_valid((const char *)text + off, len - off),
			                 valid_ref(text + off, len - off));
	}
}
END_TEST

/* decode_text gives what decode_to_utf8 then decode_fix_mojibake do,
 * without a copy when that would be the input itself. */
START_TEST(text_as_decode_then_repair)
{
	static const struct { const char *s; size_t n; int view; } cases[] = {
		{ "plain ascii text\nline two", 25, 1 },
		{ "caf\xC3\xA9 na\xC3\xAFve \xD0\xBE", 16, 1 },     /* real UTF-8 with 0xC3 */
		{ "it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s", 11, 0 },  /* mojibake of "it's" */
		{ "caf\xC3\x83\xC2\xA9", 7, 0 },                     /* mojibake of "cafe'" */
		{ "\xEF\xBB\xBF" "bom", 6, 0 },
		{ "caf\xE9 latin-1", 13, 0 },
		{ "cut \xE2\x80", 6, 0 },
		{ "h\0i\0", 4, 0 },                                 /* UTF-16 LE */
		{ "", 0, 1 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct buf ref, out;
		size_t rep_ref = 99, rep = 77, tlen;
		const char *t;
		buf_init(&ref, 0);
		buf_init(&out, 0);
		int rc = decode_to_utf8(cases[k].s, cases[k].n, &ref, &rep_ref);
		if (!rc)
			decode_fix_mojibake(&ref);
		ck_assert_int_eq(decode_text(cases[k].s, cases[k].n, &out, &t, &tlen, &rep), rc);
		if (!rc) {
			ck_assert_uint_eq(tlen, ref.len);
			ck_assert_mem_eq(t, ref.ptr, tlen);
			ck_assert_uint_eq(rep, rep_ref);
			ck_assert_int_eq(t == cases[k].s, cases[k].view);
		}
		buf_release(&ref);
		buf_release(&out);
	}
}
END_TEST

/* ---- rule 1: BOMs ---- */

START_TEST(bom_utf8_dropped)
{
	ck_assert_uint_eq(DECODE("\xEF\xBB\xBFhi \xC3\xA9", "hi \xC3\xA9"), 0);
	/* A BOM'd file with a stray byte stays UTF-8: U+FFFD, not a charset guess. */
	ck_assert_uint_eq(DECODE("\xEF\xBB\xBF" "a\xFF" "b", "a\xEF\xBF\xBD" "b"), 1);
}
END_TEST

START_TEST(bom_utf16)
{
	ck_assert_uint_eq(DECODE("\xFF\xFEh\0i\0\xE9\0", "hi\xC3\xA9"), 0);
	ck_assert_uint_eq(DECODE("\xFE\xFF\0h\0i\x20\x19", "hi\xE2\x80\x99"), 0);
	/* A surrogate pair: U+1F600. */
	ck_assert_uint_eq(DECODE("\xFF\xFE\x3D\xD8\x00\xDE", "\xF0\x9F\x98\x80"), 0);
}
END_TEST

START_TEST(bom_utf16_bad)
{
	/* A lone surrogate and an odd last byte: each one U+FFFD, counted. */
	ck_assert_uint_eq(DECODE("\xFF\xFE" "a\0\x00\xDC" "b\0c", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD"), 3);
}
END_TEST

START_TEST(bom_utf32)
{
	ck_assert_uint_eq(DECODE("\xFF\xFE\0\0h\0\0\0\x00\xF6\x01\0", "h\xF0\x9F\x98\x80"), 0);
	ck_assert_uint_eq(DECODE("\0\0\xFE\xFF\0\0\0h\0\0\0i", "hi"), 0);
}
END_TEST

/* ---- rule 2: NULs ---- */

START_TEST(utf16_without_bom)
{
	ck_assert_uint_eq(DECODE("h\0e\0l\0l\0o\0 \0\xE9\0", "hello \xC3\xA9"), 0);
	ck_assert_uint_eq(DECODE("\0h\0e\0l\0l\0o\x04\x10", "hello\xD0\x90"), 0);
}
END_TEST

START_TEST(binary_nul)
{
	static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\x01\0";
	struct buf out;
	size_t rep = 7;
	buf_init(&out, 0);
	buf_addstr(&out, "kept");
	ck_assert_int_eq(decode_to_utf8(png, sizeof png - 1, &out, &rep), CLEAN_EBINARY);
	ck_assert_str_eq(out.ptr, "kept");      /* left as it was */
	ck_assert_int_eq(decode_to_utf8("text\0more text here", 19, &out, &rep), CLEAN_EBINARY);
	ck_assert_str_eq(out.ptr, "kept");
	buf_release(&out);
}
END_TEST

/* ---- rule 3: UTF-8 ---- */

START_TEST(utf8_passthrough)
{
	static const char s[] = "Gr\xC3\xBC\xC3\x9F" "e \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\r\n";
	ck_assert_uint_eq(check_decode(s, sizeof s - 1, s), 0);
	ck_assert_uint_eq(DECODE("", ""), 0);
}
END_TEST

START_TEST(appends)
{
	struct buf out;
	buf_init(&out, 0);
	buf_addstr(&out, "x");
	ck_assert_int_eq(decode_to_utf8("yz", 2, &out, NULL), CLEAN_OK);
	ck_assert_str_eq(out.ptr, "xyz");
	buf_release(&out);
}
END_TEST

START_TEST(too_big)
{
	struct buf out;
	buf_init(&out, 4);
	ck_assert_int_eq(decode_to_utf8("hello", 5, &out, NULL), CLEAN_ETOOBIG);
	ck_assert_uint_eq(out.len, 0);
	/* cp1252 "é" grows from 1 byte to 2: the cap applies to the output */
	ck_assert_int_eq(decode_to_utf8("caf\xE9\xE9", 5, &out, NULL), CLEAN_ETOOBIG);
	ck_assert_uint_eq(out.len, 0);
	buf_release(&out);
}
END_TEST

/* ---- rule 4: legacy charsets and U+FFFD ---- */

START_TEST(cp1252)
{
	/* Curly quotes and an en dash are 0x80-0x9F bytes: Windows-1252, not Latin-1. */
	ck_assert_uint_eq(DECODE("\x93" "Caf\xE9 cr\xE8me\x94 \x96 na\xEFve r\xE9sum\xE9",
	                         "\xE2\x80\x9C" "Caf\xC3\xA9 cr\xC3\xA8me\xE2\x80\x9D \xE2\x80\x93 "
	                         "na\xC3\xAFve r\xC3\xA9sum\xC3\xA9"), 0);
	ck_assert_uint_eq(DECODE("caf\xE9", "caf\xC3\xA9"), 0);
	ck_assert_uint_eq(DECODE("Price: 5\x80 \xA3" "3", "Price: 5\xE2\x82\xAC \xC2\xA3" "3"), 0);
}
END_TEST

START_TEST(latin_guess)
{
	/* uchardet calls this ISO-8859-4 ("Espaņa"); Windows-1252 reads it right. */
	ck_assert_uint_eq(DECODE("El ni\xF1o comi\xF3 pi\xF1" "a en Espa\xF1" "a",
	                         "El niño comió piña en España"), 0);
	/* Polish in Windows-1250: read as Windows-1252 it would be "Za¿ó³æ". */
	ck_assert_uint_eq(DECODE("Za\xBF\xF3\xB3\xE6 g\xEA\x9Cl\xB9 ja\x9F\xF1, \x9F" "d\x9F" "b\xB3o, "
	                         "\x9Cwi\xEAto\x9C\xE6",
	                         "Zażółć gęślą jaźń, źdźbło, świętość"), 0);
	/* Czech in ISO-8859-2. */
	ck_assert_uint_eq(DECODE("D\xECkuji, \xBE" "e jste p\xF8i\xB9li. P\xF8\xEDli\xB9 \xBElu\xBBou\xE8k\xFD "
	                         "k\xF9\xF2 \xFAp\xECl \xEF\xE1" "belsk\xE9 \xF3" "dy.",
	                         "Děkuji, že jste přišli. Příliš žluťoučký kůň úpěl ďábelské ódy."), 0);
}
END_TEST

START_TEST(koi8r)
{
	/* "Привет, как дела? Это тест кодировки." twice, in KOI8-R */
	static const char k[] =
		"\xf0\xd2\xc9\xd7\xc5\xd4, \xcb\xc1\xcb \xc4\xc5\xcc\xc1? \xfc\xd4\xcf "
		"\xd4\xc5\xd3\xd4 \xcb\xcf\xc4\xc9\xd2\xcf\xd7\xcb\xc9. "
		"\xf0\xd2\xc9\xd7\xc5\xd4, \xcb\xc1\xcb \xc4\xc5\xcc\xc1? \xfc\xd4\xcf "
		"\xd4\xc5\xd3\xd4 \xcb\xcf\xc4\xc9\xd2\xcf\xd7\xcb\xc9.";
	const char *want =
		"Привет, как дела? Это тест кодировки. Привет, как дела? Это тест кодировки.";
	ck_assert_uint_eq(check_decode(k, sizeof k - 1, want), 0);
}
END_TEST

START_TEST(shift_jis)
{
	/* "日本語のテキストです。これはテストです。" in Shift_JIS */
	static const char sj[] =
		"\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x65\x83\x4c\x83\x58\x83\x67"
		"\x82\xc5\x82\xb7\x81\x42\x82\xb1\x82\xea\x82\xcd\x83\x65\x83\x58"
		"\x83\x67\x82\xc5\x82\xb7\x81\x42";
	ck_assert_uint_eq(check_decode(sj, sizeof sj - 1,
	                               "日本語のテキストです。これはテストです。"), 0);
}
END_TEST

START_TEST(cut_multibyte)
{
	/* A UTF-8 document cut inside its last character: one U+FFFD for the
	 * two bytes, both counted; not read as Windows-1252. */
	ck_assert_uint_eq(DECODE("it\xE2\x80\x99s done \xE2\x80", "it\xE2\x80\x99s done \xEF\xBF\xBD"), 2);
	ck_assert_uint_eq(DECODE("abc\xE2\x80", "abc\xEF\xBF\xBD"), 2);
}
END_TEST

START_TEST(stray_bytes_in_utf8)
{
	/* Mostly UTF-8: each invalid byte is U+FFFD, all counted. */
	ck_assert_uint_eq(DECODE("\xC3\xA9t\xC3\xA9 \xFF \xC3\xA0 \xC0\xAF \xE2\x82\xAC",
	                         "\xC3\xA9t\xC3\xA9 \xEF\xBF\xBD \xC3\xA0 "
	                         "\xEF\xBF\xBD\xEF\xBF\xBD \xE2\x82\xAC"), 3);
	/* A surrogate encoded in UTF-8 (CESU): not valid, replaced. */
	ck_assert_uint_eq(DECODE("\xC3\xA9\xC3\xA9\xC3\xA9\xED\xA0\x80",
	                         "\xC3\xA9\xC3\xA9\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"), 3);
}
END_TEST

START_TEST(cp1252_undefined_byte)
{
	/* 0x81 is undefined in Windows-1252: U+FFFD, counted. */
	ck_assert_uint_eq(DECODE("caf\xE9 \x81", "caf\xC3\xA9 \xEF\xBF\xBD"), 1);
}
END_TEST

START_TEST(replaced_may_be_null)
{
	struct buf out;
	buf_init(&out, 0);
	ck_assert_int_eq(decode_to_utf8("a\xE2\x82\xAC\xFF", 5, &out, NULL), CLEAN_OK);
	ck_assert_str_eq(out.ptr, "a\xE2\x82\xAC\xEF\xBF\xBD");
	buf_release(&out);
}
END_TEST

/* ---- decode_cp1252 ---- */

START_TEST(cp1252_table)
{
	ck_assert_uint_eq(decode_cp1252(0x41), 0x41);
	ck_assert_uint_eq(decode_cp1252(0x80), 0x20AC);
	ck_assert_uint_eq(decode_cp1252(0x96), 0x2013);
	ck_assert_uint_eq(decode_cp1252(0x9F), 0x178);
	ck_assert_uint_eq(decode_cp1252(0x81), 0x81);
	ck_assert_uint_eq(decode_cp1252(0xE9), 0xE9);
}
END_TEST

/* ---- decode_fix_mojibake ---- */

/* Repair in and compare with want; returns the repairs. */
static size_t check_moji(const char *in, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	buf_addstr(&b, in);
	size_t n = decode_fix_mojibake(&b);
	ck_assert_str_eq(b.ptr, want);
	ck_assert_uint_eq(b.len, strlen(want));
	buf_release(&b);
	return n;
}

START_TEST(moji_repairs)
{
	ck_assert_uint_eq(check_moji("it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s", "it\xE2\x80\x99s"), 1);  /* â€™ */
	ck_assert_uint_eq(check_moji("caf\xC3\x83\xC2\xA9", "caf\xC3\xA9"), 1);                     /* Ã© */
	ck_assert_uint_eq(check_moji("\xC3\x82\xC2\xA3" "5", "\xC2\xA3" "5"), 1);                    /* Â£ */
	ck_assert_uint_eq(check_moji("\xC3\xA2\xE2\x82\xAC\xC5\x93quote\xC3\xA2\xE2\x82\xAC\xC2\x9D",
	                             "\xE2\x80\x9Cquote\xE2\x80\x9D"), 2);  /* â€œ...â€<U+009D> */
	ck_assert_uint_eq(check_moji("M\xC3\x83\xC2\xBCller \xC3\x83\xC5\xB8",
	                             "M\xC3\xBCller \xC3\x9F"), 2);          /* Ã¼, ÃŸ */
	ck_assert_uint_eq(check_moji("\xC3\x90\xC5\xB8\xC3\x91\xE2\x82\xAC\xC3\x90\xC2\xB8",
	                             "\xD0\x9F\xD1\x80\xD0\xB8"), 3);        /* Cyrillic "При" */
	ck_assert_uint_eq(check_moji("\xC3\xB0\xC5\xB8\xCB\x9C\xE2\x82\xAC", "\xF0\x9F\x98\x80"), 1); /* emoji */
	ck_assert_uint_eq(check_moji("\xC3\x83\xC2\xA0 la", "\xC3\xA0 la"), 1);                  /* Ã NBSP */
	ck_assert_uint_eq(check_moji("Å‚Ä…", "łą"), 2);                       /* Polish */
}
END_TEST

START_TEST(moji_double)
{
	/* ’ encoded twice: Ã¢â‚¬â„¢ -> â€™ -> ’ */
	ck_assert_uint_eq(check_moji("it\xC3\x83\xC2\xA2\xC3\xA2\xE2\x80\x9A\xC2\xAC\xC3\xA2\xE2\x80\x9E\xC2\xA2s",
	                             "it\xE2\x80\x99s"), 4);
	ck_assert_uint_eq(check_moji("cafÃƒÂ©", "café"), 3);
}
END_TEST

START_TEST(moji_leaves_real_text)
{
	static const char *const real[] = {
		"", "plain ASCII text, nothing to see",
		"café", "naïve", "résumé", "Fuß“ und „Straße“", "Äpfel, Öl, Übermaß",
		"À bientôt, ça va? Où est l’hôtel?", "« voilà\xC2\xA0» dit-il",
		"café\xC2\xA0»", "Zażółć gęślą jaźń", "AQUÍ» y ESPAÑA”", "Ñandú",
		"CAFÉ’S", "AVÓ”", "BLÖ»", "São Paulo", "Â", "Ã", "â€", "×2", "price 5×€",
		"already fixed: it’s “fine” — ok…", "日本語", "😀",
	};
	for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
		ck_assert_uint_eq(check_moji(real[i], real[i]), 0);
}
END_TEST

START_TEST(moji_mixed)
{
	/* Real accents beside mojibake: only the mojibake changes. */
	ck_assert_uint_eq(check_moji("café and cafÃ©, naïve", "café and café, naïve"), 1);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("utf8_valid");
	tcase_add_test(tc, valid_accepts);
	tcase_add_test(tc, valid_rejects);
	tcase_add_test(tc, valid_matches_reference);
	tcase_add_test(tc, text_as_decode_then_repair);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode_to_utf8");
	tcase_add_test(tc, bom_utf8_dropped);
	tcase_add_test(tc, bom_utf16);
	tcase_add_test(tc, bom_utf16_bad);
	tcase_add_test(tc, bom_utf32);
	tcase_add_test(tc, utf16_without_bom);
	tcase_add_test(tc, binary_nul);
	tcase_add_test(tc, utf8_passthrough);
	tcase_add_test(tc, appends);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, cp1252);
	tcase_add_test(tc, latin_guess);
	tcase_add_test(tc, koi8r);
	tcase_add_test(tc, shift_jis);
	tcase_add_test(tc, cut_multibyte);
	tcase_add_test(tc, stray_bytes_in_utf8);
	tcase_add_test(tc, cp1252_undefined_byte);
	tcase_add_test(tc, replaced_may_be_null);
	tcase_add_test(tc, cp1252_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("mojibake");
	tcase_add_test(tc, moji_repairs);
	tcase_add_test(tc, moji_double);
	tcase_add_test(tc, moji_leaves_real_text);
	tcase_add_test(tc, moji_mixed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
