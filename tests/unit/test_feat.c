/* Unit tests for feat.h: the word hash and the line scan, against
 * slow references written a code point at a time from the contract. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "feat.h"

/* ---- references ---- */

static int ref_decode(const char *s, size_t n, size_t i, int32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
	*cp = k > 0 ? c : 0xFFFD;
	return k > 0 ? (int)k : 1;
}

enum { R_SPACE, R_SYM, R_WORD };

static int ref_class(int32_t c)
{
	if (c == ' ')
		return R_SPACE;
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ? R_WORD : R_SYM;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_ZS:
		return R_SPACE;
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return R_WORD;
	default:
		return R_SYM;
	}
}

static int ref_capital(int32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	int k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

static int ref_link(const char *t, size_t n)
{
	const char *colon = memchr(t, ':', n);
	unsigned char c = (unsigned char)t[0];
	if (n == 1)
		return strchr("|></-*+", c) != NULL;
	if ((n == 2 && c == 0xc2) || (n == 3 && c == 0xe2) || c == '@' || c == '#')
		return 1;
	if (n > 4 && (!memcmp(t, "www.", 4) || !memcmp(t + n - 4, ".com", 4) || !memcmp(t + n - 4, ".org", 4)))
		return 1;
	return colon && (size_t)(t + n - colon) > 2 && colon[1] == '/' && colon[2] == '/';
}

static uint32_t ref_final(uint32_t h)
{
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	h *= 0x297a2d39u;
	h ^= h >> 15;
	return h ? h : 1;
}

/* FNV-1a over the folded code points, as feat.h states it. */
static uint32_t ref_word_hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n;) {
		int32_t c;
		i += (size_t)ref_decode(w, n, i, &c);
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		else if (c >= '0' && c <= '9')
			c = '0';
		else if (c >= 0x80 && (ref_capital(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_ND))
			c = utf8proc_tolower(c);
		h = (h ^ (uint32_t)c) * 16777619u;
	}
	return ref_final(h);
}

static void ref_scan(const char *s, size_t n, struct feat_scan *r)
{
	memset(r, 0, sizeof(*r));
	size_t word = 0, tok = 0;
	int in_word = 0, in_tok = 0;
	for (size_t i = 0, len; i <= n; i += len) {
		int32_t c = 0;
		int k = R_SPACE;
		len = 1;
		if (i < n) {
			len = (size_t)ref_decode(s, n, i, &c);
			k = ref_class(c);
		}
		if (in_word && k != R_WORD) {
			uint32_t h = ref_word_hash(s + word, i - word);
			r->words++;
			r->first = r->first ? r->first : h;
			r->last = h;
			if (r->words <= 4)
				r->line = ref_final(r->line * 31u + h);
			r->text = r->text * 0x9e3779b97f4a7c15ULL + h;
			in_word = 0;
		}
		if (in_tok && k == R_SPACE) {
			r->toks++;
			r->links += (unsigned)ref_link(s + tok, i - tok);
			in_tok = 0;
		}
		if (i == n)
			break;
		if (k != R_SPACE && !in_tok)
			tok = i, in_tok = 1;
		if (k == R_WORD && !in_word) {
			word = i, in_word = 1;
			r->caps += (unsigned)ref_capital(c);
		}
		r->syms += k == R_SYM;
		r->commas += c == ',';
		r->upper += c >= 'A' && c <= 'Z';
		r->lower += c >= 'a' && c <= 'z';
		r->digits += (c >= '0' && c <= '9') || (c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_ND);
	}
	r->text = r->text * 31 + n;
}

/* ---- random text ---- */

static const char *const pieces[] = {
	"a", "e", "t", "Z", "Q", "0", "7", "_", " ", " ", " ", "  ", ",", ".", ":", "/", "//",
	"-", "|", ">", "@", "#", "*", "www.", ".com", ".org", "http://", "\t", "'",
	"\xc3\xa9", "\xc3\x89", "\xd0\x96", "\xd0\xb6", "\xd9\xa3", "\xe2\x85\xa0",
	"\xc2\xa0", "\xe3\x80\x80", "\xcc\x81", "\xc2\xbb", "\xe2\x80\xa2", "\xe2\x80\x94",
	"\xf0\x9d\x90\x80", "\xff", "\x80", "\xe2\x80", "\0", "\xe4\xb8\xad",
};

static size_t random_text(char *buf, size_t cap, unsigned *seed)
{
	size_t n = 0, want = (size_t)rand_r(seed) % (cap / 8);
	while (n < want) {
		const char *p = pieces[rand_r(seed) % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t k = *p ? strlen(p) : 1;
		if (rand_r(seed) % 3 == 0)
			p = "abcdefghijklmnopqrstuvwxyz" + rand_r(seed) % 20, k = 1 + (size_t)rand_r(seed) % 6;
		memcpy(buf + n, p, k);
		n += k;
	}
	return n;
}

static void check_scan(const char *s, size_t n)
{
	struct feat_scan a, b;
	/* at the end of a heap block, so that a read past it would show */
	char *copy = malloc(n ? n : 1);
	memcpy(copy, s, n);
	feat_scan_line(copy, n, NULL, NULL, &a);
	ref_scan(copy, n, &b);
	free(copy);
	ck_assert_uint_eq(a.words, b.words);
	ck_assert_uint_eq(a.caps, b.caps);
	ck_assert_uint_eq(a.digits, b.digits);
	ck_assert_uint_eq(a.syms, b.syms);
	ck_assert_uint_eq(a.upper, b.upper);
	ck_assert_uint_eq(a.lower, b.lower);
	ck_assert_uint_eq(a.commas, b.commas);
	ck_assert_uint_eq(a.toks, b.toks);
	ck_assert_uint_eq(a.links, b.links);
	ck_assert_uint_eq(a.first, b.first);
	ck_assert_uint_eq(a.last, b.last);
	ck_assert_uint_eq(a.line, b.line);
	ck_assert(a.text == b.text);
}

START_TEST(scan_matches_reference)
{
	static const char *const lines[] = {
		"", " ", "a", "Hello, World: see http://example.org/x now",
		"www.example.com | Home > News", "@user #tag - * +", "\xc2\xbb Next \xe2\x80\xa2",
		"\xd0\x96\xd0\xb8\xd0\xb7\xd0\xbd\xd1\x8c  \xe2\x80\x94 Caf\xc3\xa9 12:30",
		"a_b C3PO 2024-01-01 x:/y ://z", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		"Language: en", "\xc2\xa0\xc2\xa0word\xe3\x80\x80" "end",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check_scan(lines[i], strlen(lines[i]));
	char buf[512];
	unsigned seed = 42;
	for (int i = 0; i < 20000; i++)
		check_scan(buf, random_text(buf, sizeof(buf), &seed));
}
END_TEST

/* Words cut out of random text, the hash against the reference. */
START_TEST(word_hash_matches_reference)
{
	char buf[512];
	unsigned seed = 7;
	for (int i = 0; i < 2000; i++) {
		size_t n = random_text(buf, sizeof(buf), &seed), pos = 0, start;
		while ((pos = feat_next_word(buf, n, pos, &start, NULL)) != 0) {
			ck_assert_uint_eq(feat_word_hash(buf + start, pos - start),
			                  ref_word_hash(buf + start, pos - start));
			ck_assert_uint_ne(feat_word_hash(buf + start, pos - start), 0);
		}
	}
	ck_assert_uint_eq(feat_word_hash("Caf\xc3\x89", 5), feat_word_hash("caf\xc3\xa9", 5));
	ck_assert_uint_eq(feat_word_hash("A1984", 5), feat_word_hash("a0000", 5));
	ck_assert_uint_ne(feat_word_hash("the", 3), feat_word_hash("then", 4));
}
END_TEST

/* The stopword hits per language, lists chosen by the words' hashes. */
START_TEST(scan_counts_stopwords)
{
	static const char list[] = "# test\nen the of and\nde der die und the\n";
	struct feat_stop *stop;
	struct buf err;
	buf_init(&err, 1024);
	ck_assert_int_eq(feat_stop_parse(&stop, "list", list, sizeof(list) - 1, &err), 0);
	uint16_t langs[2] = { 0, 0 };
	struct feat_scan r;
	const char *line = "The Cat of THE hat, and der Hund: theory";
	feat_scan_line(line, strlen(line), stop, langs, &r);
	ck_assert_uint_eq(langs[0], 4);
	ck_assert_uint_eq(langs[1], 3);
	ck_assert_uint_eq(r.words, 9);
	ck_assert_uint_eq(r.caps, 4);
	feat_stop_free(stop);
	buf_release(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("feat");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, scan_matches_reference);
	tcase_add_test(tc, word_hash_matches_reference);
	tcase_add_test(tc, scan_counts_stopwords);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
