/* Unit tests for segment.h: line splitting, blank lines, re-wrapping. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "doc.h"
#include "segment.h"
#include "normalise.h"
#include "uprop.h"

static struct clean_ctx *ctx;
static struct clean_doc *doc;

static void setup(void)
{
	struct clean_opts o = { .flags = CLEAN_F_NO_DEFAULTS };
	ck_assert_int_eq(clean_ctx_new(&ctx, &o), CLEAN_OK);
	ck_assert_int_eq(doc_new(&doc, ctx), CLEAN_OK);
}

static void teardown(void)
{
	clean_doc_free(doc);
	clean_ctx_free(ctx);
}

static int seg(const char *text, unsigned flags)
{
	return segment_text(doc, text, strlen(text), flags, 1 << 20);
}

static const char *text_of(size_t i)
{
	return seg_text(doc, &doc->segs[i]);
}

START_TEST(line_ends)
{
	ck_assert_int_eq(seg("a one\r\nb two\rc three\nd four", 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 4);
	ck_assert_str_eq(text_of(0), "a one");
	ck_assert_str_eq(text_of(1), "b two");
	ck_assert_str_eq(text_of(2), "c three");
	ck_assert_str_eq(text_of(3), "d four");
	ck_assert_uint_eq(doc->segs[3].lineno, 4);
}
END_TEST

START_TEST(blank_lines_mark_paragraphs)
{
	ck_assert_int_eq(seg("first\n\n  \n\u200b\nsecond\nthird\n", 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 3);
	ck_assert_int_eq(doc->segs[0].blank_before, 0);
	ck_assert_int_eq(doc->segs[1].blank_before, 1);
	ck_assert_int_eq(doc->segs[2].blank_before, 0);
	ck_assert_uint_eq(doc->segs[1].lineno, 5);
}
END_TEST

START_TEST(lines_are_normalised)
{
	ck_assert_int_eq(seg("  Fish &amp;\tchips  \n", 0), CLEAN_OK);
	ck_assert_str_eq(text_of(0), "Fish & chips");
}
END_TEST

START_TEST(line_limit)
{
	ck_assert_int_eq(segment_text(doc, "short\nmuch longer line\n", 22, 0, 8), CLEAN_ETOOBIG);
}
END_TEST

/* A paragraph hard-wrapped at 40 columns, repeated to look like a dump. */
static const char wrapped[] =
	"The council approved the budget after a\n"
	"debate that lasted most of the night,\n"
	"with members arguing over school funding\n"
	"and road repairs.\n"
	"\n";

START_TEST(rewrap_joins_wrapped_paragraphs)
{
	char text[4096] = "";
	for (int i = 0; i < 4; i++)
		strcat(text, wrapped);
	ck_assert_int_eq(seg(text, 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 4);
	ck_assert_str_eq(text_of(0), "The council approved the budget after a debate that "
	                 "lasted most of the night, with members arguing over school "
	                 "funding and road repairs.");
	ck_assert_uint_eq(doc->segs[0].nlines, 4);
}
END_TEST

START_TEST(no_rewrap_flag)
{
	char text[4096] = "";
	for (int i = 0; i < 4; i++)
		strcat(text, wrapped);
	ck_assert_int_eq(seg(text, CLEAN_F_NO_REWRAP), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 16);
}
END_TEST

START_TEST(rewrap_keeps_list_items_and_short_lines)
{
	char text[4096] = "";
	for (int i = 0; i < 4; i++)
		strcat(text, wrapped);
	strcat(text, "Short line.\nAnother short one.\n* an item\n* another item\n");
	ck_assert_int_eq(seg(text, 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 8);
	ck_assert_str_eq(text_of(4), "Short line.");
	ck_assert_str_eq(text_of(6), "* an item");
}
END_TEST

START_TEST(unwrapped_text_untouched)
{
	ck_assert_int_eq(seg("one line\ntwo line\nthree line\n", 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 3);
}
END_TEST

START_TEST(rewrap_cjk_without_space)
{
	/* 20 double-width characters a line: 40 columns, broken mid-text. */
	const char *line = "日本の首都である東京は世界でも有数の大都市で";
	char text[8192] = "";
	for (int i = 0; i < 10; i++) {
		strcat(text, line);
		strcat(text, "\n");
	}
	ck_assert_int_eq(seg(text, 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 1);
	ck_assert_ptr_null(strchr(text_of(0), ' '));
}
END_TEST

/* Eight prose lines wrapped at 64 columns: the dump looks fixed-width. */
#define PROSE64 \
	"The city council met on Monday evening to hear the report on the\n" \
	"state of the old river bridge, which has carried traffic across\n" \
	"the water for more than eighty years and now shows deep cracks in\n" \
	"two of its four piers, according to the engineers who surveyed it\n" \
	"during the summer and who recommended that the council close the\n" \
	"bridge to all heavy vehicles at once and plan for a full rebuild.\n" \
	"The council agreed with the engineers and asked the city manager\n" \
	"to come back next month with a plan and an estimate of the costs.\n"

START_TEST(columns_emitted_column_by_column)
{
	/* w3m's two table cells side by side, the gutter at column 34. */
	const char *text = PROSE64 "\n"
		"The council voted on Monday to    Other news\n"
		"close the old bridge for two      The ferry will stop for the\n"
		"years while engineers rebuild     winter from next week, the\n"
		"its piers and deck.               harbour said on Friday.\n";
	ck_assert_int_eq(seg(text, 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 4);
	ck_assert_str_eq(text_of(1), "The council voted on Monday to close the old bridge for two "
	                             "years while engineers rebuild its piers and deck.");
	ck_assert_uint_eq(doc->segs[1].lineno, 10);
	ck_assert_str_eq(text_of(2), "Other news");
	ck_assert_int_eq(doc->segs[2].blank_before, 1);
	ck_assert_uint_eq(doc->segs[2].lineno, 10);
	ck_assert_str_eq(text_of(3), "The ferry will stop for the winter from next week, the "
	                             "harbour said on Friday.");
	ck_assert_uint_eq(doc->segs[3].lineno, 11);
}
END_TEST

START_TEST(double_space_in_prose_untouched)
{
	const char *text = PROSE64 "\n"
		"The bridge opened in 1938.  It was widened in 1962 and again in\n"
		"1990, when a footpath was added on the north side of the deck so\n"
		"that people could walk across.  The footpath will stay open for\n"
		"now, the council said, while the engineers look at it again.\n";
	ck_assert_int_eq(seg(text, 0), CLEAN_OK);
	ck_assert_uint_eq(doc->nsegs, 2);
	ck_assert_str_eq(text_of(1), "The bridge opened in 1938. It was widened in 1962 and again in "
	                             "1990, when a footpath was added on the north side of the deck so "
	                             "that people could walk across. The footpath will stay open for "
	                             "now, the council said, while the engineers look at it again.");
}
END_TEST

/* segment_measure as it was before its ASCII fast paths: a character at
 * a time, the reference the fast paths must agree with. */
static void measure_ref(const char *text, struct segment_line *l)
{
	const char *s = text + l->off;
	size_t n = l->len, i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	l->indent = (unsigned)i;
	l->blank = i == n;
	if (l->blank)
		return;
	int32_t cp = 0, first = -1;
	int in_first = 1;
	while (i < n) {
		cp = uprop_next(s, n, &i);
		if (first < 0)
			first = cp;
		unsigned w = cp < 0x80 ? cp >= 0x20 : uprop_width(cp);
		l->width += w;
		if (cp == ' ')
			in_first = 0;
		if (in_first)
			l->firstword += w;
	}
	l->cjk_start = (unsigned char)norm_is_cjk((unsigned)first);
	l->cjk_end = (unsigned char)norm_is_cjk((unsigned)cp);
	if (l->cjk_start)
		l->firstword = uprop_width(first);
	while (l->width && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--, l->width--;
}

/* Random lines of ASCII, controls, spaces, tabs and 2-, 3- and 4-byte
 * characters, at every length around the 8-byte steps: the fast paths
 * give what the reference does. */
START_TEST(measure_matches_reference)
{
	static const char *const atoms[] = {
		"a", "Z", "7", " ", " ", "\t", "\x01", "\x7f", ".", "\xc3\xa9",
		"\xd0\xbe", "\xe4\xb8\xad", "\xe2\x80\x94", "\xf0\x9f\x98\x80", "\xcc\x81",
		"\xd1\x8f", "\xd0\xbe\xd0\xbe", "\xc4\x81", "\xca\xbf", "\xd2\x83",
	};
	char text[128];
	unsigned seed = 1;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0, want;
		seed = seed * 1103515245u + 12345u;
		want = (seed >> 16) % 40;
		while (len < want) {
			seed = seed * 1103515245u + 12345u;
			const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
			memcpy(text + 3 + len, a, strlen(a));
			len += strlen(a);
		}
		struct segment_line got = { .off = 3, .len = len }, ref = got;
		segment_measure(text, &got);
		measure_ref(text, &ref);
		ck_assert_uint_eq(got.indent, ref.indent);
		ck_assert_uint_eq(got.blank, ref.blank);
		ck_assert_uint_eq(got.width, ref.width);
		ck_assert_uint_eq(got.firstword, ref.firstword);
		ck_assert_uint_eq(got.cjk_start, ref.cjk_start);
		ck_assert_uint_eq(got.cjk_end, ref.cjk_end);
	}
}
END_TEST

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* Lines of printable ASCII (spaces, list markers, punctuation) measured
 * with printable set: what the slow path and the reference give. */
START_TEST(printable_measure_matches_slow_path)
{
	static const char *const atoms[] = {
		"a", "Z", "7", " ", " ", "  ", ".", "* ", "- ", "1. ", "12) ", "&", "~",
	};
	char text[128];
	unsigned seed = 7, bad = 0;
	for (int iter = 0; iter < 50000; iter++) {
		size_t len = 0, want = next_rand(&seed) % 48;
		while (len < want) {
			const char *a = atoms[next_rand(&seed) % (sizeof atoms / sizeof atoms[0])];
			memcpy(text + 3 + len, a, strlen(a));
			len += strlen(a);
		}
		struct segment_line fast = { .off = 3, .len = len, .printable = 1 };
		struct segment_line slow = { .off = 3, .len = len }, ref = slow;
		segment_measure(text, &fast);
		segment_measure(text, &slow);
		measure_ref(text, &ref);
		fast.printable = 0;
		bad += memcmp(&fast, &slow, sizeof fast) != 0 || fast.width != ref.width ||
		       fast.firstword != ref.firstword || fast.indent != ref.indent ||
		       fast.blank != ref.blank;
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* segment_line_end against a byte at a time, from every start in random
 * text of printable bytes, line ends, controls and bytes >= 0x7F. */
START_TEST(line_end_matches_reference)
{
	static const char bytes[] = "ab c.&\n\r\t\x01\x7f\x80\xc3\xa9\xff";
	char text[96];
	unsigned seed = 11, bad = 0;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = next_rand(&seed) % sizeof text;
		int odd = next_rand(&seed) % 4;   /* how often a byte is not a letter */
		for (size_t k = 0; k < n; k++)
			text[k] = next_rand(&seed) % 8 < (unsigned)odd
			          ? bytes[next_rand(&seed) % (sizeof bytes - 1)] : 'x';
		for (size_t i = 0; i <= n; i++) {
			size_t j = i;
			unsigned char pr = 1, got_pr;
			for (; j < n && text[j] != '\n' && text[j] != '\r'; j++)
				pr &= (unsigned char)text[j] >= 0x20 && (unsigned char)text[j] < 0x7F;
			size_t got = segment_line_end(text, i, n, &got_pr);
			bad += got != j || got_pr != pr;
		}
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* The wrap widths as they were worked out before segment_wrap_widths:
 * two passes over the lines for each width tried. */
static unsigned wrap_below_ref(const struct segment_line *ls, size_t n, unsigned cap)
{
	unsigned maxw = 0;
	size_t nonblank = 0, near = 0, wide = 0;
	for (size_t i = 0; i < n; i++)
		if (!ls[i].blank) {
			nonblank++;
			unsigned lw = ls[i].indent + ls[i].width;
			if (lw > maxw && lw <= cap)
				maxw = lw;
		}
	if (maxw == 0 || maxw > 132)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ls[i].blank) {
			near += ls[i].indent + ls[i].width + 12 >= maxw;
			wide += 2 * (ls[i].indent + ls[i].width) >= maxw;
		}
	return near >= 8 && (near * 5 >= nonblank || near * 2 >= wide) ? maxw : 0;
}

static unsigned fixed_ref(const struct segment_line *ls, size_t n)
{
	unsigned top[3] = { 0, 0, 0 };
	for (size_t i = 0; i < n; i++) {
		unsigned lw = ls[i].blank ? 0 : ls[i].indent + ls[i].width;
		if (lw <= top[2] || lw == top[0] || lw == top[1])
			continue;
		top[2] = lw;
		for (int k = 2; k > 0 && top[k] > top[k - 1]; k--) {
			unsigned t = top[k];
			top[k] = top[k - 1];
			top[k - 1] = t;
		}
	}
	unsigned w = 0;
	for (int k = 1; !w && k < 3 && top[k]; k++)
		w = wrap_below_ref(ls, n, top[k]);
	return w;
}

/* Random documents of lines around a width (some blank, some far wider,
 * some narrow): segment_wrap_widths gives what the passes did. */
START_TEST(wrap_widths_match_reference)
{
	struct segment_line ls[64];
	unsigned seed = 5, bad = 0, nwrapped = 0, nfixed = 0;
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = next_rand(&seed) % 64;
		unsigned around = next_rand(&seed) % 150, spread = 1 + next_rand(&seed) % 40;
		for (size_t i = 0; i < n; i++) {
			unsigned r = next_rand(&seed) % 16, lw;
			if (r == 0)
				lw = 133 + next_rand(&seed) % 100;
			else if (r < 4)
				lw = next_rand(&seed) % (around + 1);
			else
				lw = around > spread ? around - next_rand(&seed) % spread : around;
			memset(&ls[i], 0, sizeof ls[i]);
			ls[i].blank = next_rand(&seed) % 6 == 0;
			ls[i].indent = ls[i].blank || !lw ? 0 : next_rand(&seed) % (lw < 4 ? lw : 4);
			ls[i].width = ls[i].blank ? 0 : lw - ls[i].indent;
		}
		unsigned w, fw, rw = wrap_below_ref(ls, n, (unsigned)-1);
		unsigned rfw = rw ? rw : fixed_ref(ls, n);
		segment_wrap_widths(ls, n, &w, &fw);
		bad += w != rw || fw != rfw;
		nwrapped += rw != 0;
		nfixed += !rw && rfw;
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_gt(nwrapped, 1000);   /* both kinds are tried */
	ck_assert_uint_gt(nfixed, 1000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, line_ends);
	tcase_add_test(tc, blank_lines_mark_paragraphs);
	tcase_add_test(tc, lines_are_normalised);
	tcase_add_test(tc, line_limit);
	tcase_add_test(tc, rewrap_joins_wrapped_paragraphs);
	tcase_add_test(tc, no_rewrap_flag);
	tcase_add_test(tc, rewrap_keeps_list_items_and_short_lines);
	tcase_add_test(tc, unwrapped_text_untouched);
	tcase_add_test(tc, rewrap_cjk_without_space);
	tcase_add_test(tc, columns_emitted_column_by_column);
	tcase_add_test(tc, double_space_in_prose_untouched);
	tcase_add_test(tc, measure_matches_reference);
	tcase_add_test(tc, printable_measure_matches_slow_path);
	tcase_add_test(tc, line_end_matches_reference);
	tcase_add_test(tc, wrap_widths_match_reference);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
