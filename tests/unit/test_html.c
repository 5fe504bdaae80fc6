/* test_html.c: the contract of src/html.h. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "buf.h"
#include "doc.h"
#include "html.h"
#include "patterns.h"

static struct clean_ctx ctx;

static void setup(void)
{
	memset(&ctx, 0, sizeof(ctx));
	buf_init(&ctx.err, 0);
	ck_assert_int_eq(pat_set_new(&ctx.pat), CLEAN_OK);
}

static void teardown(void)
{
	pat_set_free(ctx.pat);
	buf_release(&ctx.err);
}

/* Run html_extract on s[0..n); the status goes to *rc. */
static struct clean_doc *extract_n(const char *s, size_t n, int *rc)
{
	struct clean_doc *d;
	ck_assert_int_eq(doc_new(&d, &ctx), CLEAN_OK);
	*rc = html_extract(d, s, n, "http://example.org/page");
	return d;
}

static struct clean_doc *extract(const char *s)
{
	int rc;
	struct clean_doc *d = extract_n(s, strlen(s), &rc);
	ck_assert_int_eq(rc, CLEAN_OK);
	return d;
}

/* The segment texts joined by '\n' (static buffer: one at a time). */
static const char *joined(const struct clean_doc *d)
{
	static char out[65536];
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < d->nsegs; i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s", i ? "\n" : "",
		                      seg_text(d, &d->segs[i]));
	return out;
}

static const struct seg *find_seg(const struct clean_doc *d, const char *text)
{
	for (size_t i = 0; i < d->nsegs; i++)
		if (!strcmp(seg_text(d, &d->segs[i]), text))
			return &d->segs[i];
	return NULL;
}

#define PARA1 "The committee met on Tuesday to discuss the budget, and it agreed on most points."
#define PARA2 "Members said the new plan, which starts next year, would cut costs by a tenth."
#define PARA3 "A final vote is expected in the spring, after a public consultation of some weeks."

START_TEST(main_content_wins)
{
	struct clean_doc *d = extract(
	        "<html><body>"
	        "<div class=\"menu\"><a href=/>Home</a> <a href=/news>News</a> <a href=/about>About us</a></div>"
	        "<nav><ul><li><a href=/a>Politics</a></li><li><a href=/b>Sport</a></li></ul></nav>"
	        "<div class=\"sidebar\"><h3>Popular</h3><p><a href=/x>Ten things you did not know about cats</a></p>"
	        "<p>Sign up for our newsletter to get the news first, every day.</p></div>"
	        "<div class=\"article-body\"><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></div>"
	        "<div class=\"related\"><a href=/r1>Budget talks stall</a> <a href=/r2>Costs rise again</a></div>"
	        "<footer><p>Copyright 2024 Example Media. All rights reserved, everywhere.</p></footer>"
	        "</body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3);
	ck_assert_uint_eq(d->segs[0].kind, SEG_PARA);
	ck_assert_int_eq(d->segs[0].class_hint, 1);
	clean_doc_free(d);
}
END_TEST

START_TEST(inline_spacing)
{
	struct clean_doc *d = extract(
	        "<p>Hello <b>big</b>world, it is <i>a</i> <a href=x>test</a>"
	        "<span> of</span><em>spacing</em> &amp; entities like &amp;lt; here.</p>");
	ck_assert_str_eq(joined(d),
	                 "Hello bigworld, it is a test ofspacing & entities like &lt; here.");
	clean_doc_free(d);
}
END_TEST

/* <br> lines of running text are one paragraph; lines that read as a
 * list (a bullet or a number first, or short lines) stay lines. */
START_TEST(br_splits)
{
	struct clean_doc *d = extract("<div><p>" PARA1 "<br>" PARA2 "<br/>  " PARA3 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 " " PARA2 " " PARA3);
	ck_assert_uint_eq(d->nsegs, 1);
	ck_assert_int_eq(d->segs[0].blank_before, 1);
	clean_doc_free(d);
	d = extract("<div><p>" PARA1 "<br>- " PARA2 "<br>- " PARA3 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\n- " PARA2 "\n- " PARA3);
	ck_assert_int_eq(d->segs[0].blank_before, 1);
	ck_assert_int_eq(d->segs[1].blank_before, 0);
	clean_doc_free(d);
	d = extract("<div><p>" PARA1 "<br>\xe2\x80\xa2 " PARA2 "</p><p>" PARA3
	            "<br>2. " PARA2 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\n\xe2\x80\xa2 " PARA2 "\n" PARA3 "\n2. " PARA2);
	clean_doc_free(d);
	d = extract("<div><p>" PARA1 "</p><p>Example Media<br>1 Main Street<br>Springfield</p>"
	            "<p>" PARA2 " " PARA3 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\nExample Media\n1 Main Street\nSpringfield\n"
	                 PARA2 " " PARA3);
	clean_doc_free(d);
	/* a quotation mark first is not a bullet */
	d = extract("<div><p>\xe2\x80\x9c" PARA1 "<br>" PARA2 "</p><p>" PARA3 "</p></div>");
	ck_assert_str_eq(joined(d), "\xe2\x80\x9c" PARA1 " " PARA2 "\n" PARA3);
	clean_doc_free(d);
}
END_TEST

#define ARTICLE(x) "<p>" PARA1 x "</p><p>" PARA2 x "</p><p>" PARA3 x "</p><p>" PARA1 \
	" " PARA2 "</p>"

/* The title, byline and date at the head of the main content, and a
 * "more stories" list at its tail, are let go; short lines between
 * paragraphs are not. */
START_TEST(edges_trimmed)
{
	struct clean_doc *d = extract(
	        "<html><body><article><h1>Budget agreed after long talks</h1>"
	        "<div>By Jane Roe</div><div><time>May 1, 2024</time></div>"
	        ARTICLE("") "<p>Short line in between.</p>" ARTICLE(" Again.")
	        "<h3>More stories</h3><ul><li>Costs rise <a href=/a>again</a></li>"
	        "<li>Talks <a href=/b>stall</a></li></ul></article></body></html>");
	const char *t = joined(d);
	ck_assert_ptr_null(strstr(t, "Budget agreed"));
	ck_assert_ptr_null(strstr(t, "Jane Roe"));
	ck_assert_ptr_null(strstr(t, "May 1"));
	ck_assert_ptr_null(strstr(t, "More stories"));
	ck_assert_ptr_null(strstr(t, "stall"));
	ck_assert_ptr_nonnull(strstr(t, "Short line in between."));
	ck_assert(!strncmp(t, PARA1, strlen(PARA1)));
	clean_doc_free(d);
}
END_TEST

/* Edges are trimmed on pages that say they are articles (an <article>,
 * og:type article, a JSON-LD headline) only: the heading of a service or
 * listing page is its content. */
START_TEST(edges_kept_off_articles)
{
	static const char *const heads[] = {
		"<html><head><meta property=\"og:type\" content=\"article\"></head><body><div>",
		"<html><head><script type=\"application/ld+json\">{\"headline\": \"x\"}"
		"</script></head><body><div>",
		"<html><head><meta property=\"og:type\" content=\"website\"></head><body><div>"
	};
	for (int i = 0; i < 3; i++) {
		char page[4096];
		snprintf(page, sizeof(page), "%s<h1>Pricing plans</h1>" ARTICLE("")
		         "</div></body></html>", heads[i]);
		struct clean_doc *d = extract(page);
		ck_assert_int_eq(strstr(joined(d), "Pricing plans") != NULL, i == 2);
		clean_doc_free(d);
	}
}
END_TEST

/* A long run of short lines at the head is not trimmed: it is not a
 * title and a byline. */
START_TEST(long_head_kept)
{
	struct buf b;
	buf_init(&b, 0);
	buf_addstr(&b, "<article>");
	for (int i = 0; i < 12; i++)
		buf_addstr(&b, "<div>A short line</div>");
	buf_addstr(&b, ARTICLE("") "</article>");
	struct clean_doc *d = extract(b.ptr);
	ck_assert(!strncmp(joined(d), "A short line\n", 13));
	clean_doc_free(d);
	buf_release(&b);
}
END_TEST

/* Photo captions (<figcaption>) are not article text. */
START_TEST(figcaption_dropped)
{
	struct clean_doc *d = extract(
	        "<article>" ARTICLE("") "<figure><img src=a.jpg><figcaption>The committee "
	        "at work, on Tuesday, in the town hall. <span>Photo: Jane Roe</span>"
	        "</figcaption></figure>" ARTICLE(" Again.") "</article>");
	ck_assert_ptr_null(strstr(joined(d), "town hall"));
	ck_assert_ptr_null(strstr(joined(d), "Jane Roe"));
	ck_assert_ptr_nonnull(strstr(joined(d), PARA3 " Again."));
	clean_doc_free(d);
}
END_TEST

/* The pre-pass leaves out script and style bodies, comments and svg
 * bodies, but not JSON-LD, and not the text after an <svg/> or an <svg>
 * that is never closed. */
START_TEST(prepass_strips)
{
	struct clean_doc *d = extract(
	        "<html><head><script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
	        "\"headline\": \"H\", \"author\": {\"name\": \"Jane Roe\"}}</script>"
	        "<script>var s = '<p>not text</p>'; // </scr + ipt></script></head>"
	        "<body><div><p>" PARA1 "<!-- a comment <p>not text</p> --></p>"
	        "<svg viewBox=\"0 0 1 1\"><text>icon</text></svg><p>" PARA2 "</p>"
	        "<svg class=x /><p>" PARA3 "</p><style>p::after { content: '<p>x</p>' }</style>"
	        "<svg><text>never closed</text><p>" PARA1 "</p></div></body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3 "\n" PARA1);
	ck_assert_str_eq(d->meta[META_AUTHOR], "Jane Roe");
	clean_doc_free(d);
}
END_TEST

/* Class and id hints are read in other languages than English. */
START_TEST(hints_other_languages)
{
	static const char *const neg[] = {
		"kommentare", "teilen-leiste", "partage", "compartir", "noticias-relacionadas",
		"articoli-correlati", "powiazane"
	};
	for (size_t i = 0; i < sizeof(neg) / sizeof(*neg); i++) {
		char page[4096];
		snprintf(page, sizeof(page), "<div class=\"inhalt\">" ARTICLE("")
		         "<div class=\"%s\"><p>Some text of this box, long enough to be a "
		         "paragraph, with punctuation.</p></div></div>", neg[i]);
		struct clean_doc *d = extract(page);
		ck_assert_msg(!strstr(joined(d), "this box"), "class %s", neg[i]);
		ck_assert_int_eq(d->segs[0].class_hint, 1);
		clean_doc_free(d);
	}
}
END_TEST

START_TEST(lists)
{
	struct clean_doc *d = extract("<div><p>" PARA1 "</p><ul><li>first item</li>"
	                              "<li>second <b>item</b></li></ul><p>" PARA2 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\nfirst item\nsecond item\n" PARA2);
	const struct seg *s = find_seg(d, "second item");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->kind, SEG_ITEM);
	clean_doc_free(d);
}
END_TEST

START_TEST(tables)
{
	struct clean_doc *d = extract("<div><p>" PARA1 "</p><table><tr><th>Year</th><th>Cost</th></tr>"
	                              "<tr><td>2023</td><td>10</td></tr><tr><td></td><td>x</td></tr>"
	                              "</table><p>" PARA2 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\nYear | Cost\n2023 | 10\nx\n" PARA2);
	const struct seg *s = find_seg(d, "2023 | 10");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->kind, SEG_ROW);
	clean_doc_free(d);
}
END_TEST

START_TEST(headings_quotes_pre)
{
	struct clean_doc *d = extract("<article><h2>The plan</h2><p>" PARA1 "</p>"
	                              "<blockquote><p>" PARA2 "</p></blockquote>"
	                              "<pre>int x;\n  return x;</pre><p>" PARA3 "</p></article>");
	ck_assert_str_eq(joined(d), "The plan\n" PARA1 "\n" PARA2 "\nint x;\n  return x;\n" PARA3);
	ck_assert_uint_eq(find_seg(d, "The plan")->kind, SEG_HEADING);
	ck_assert_uint_eq(find_seg(d, PARA2)->kind, SEG_QUOTE);
	ck_assert_uint_eq(find_seg(d, "  return x;")->kind, SEG_PRE);
	clean_doc_free(d);
}
END_TEST

START_TEST(scripts_styles_dropped)
{
	struct clean_doc *d = extract(
	        "<html><head><style>p { color: red }</style></head><body><div><p>" PARA1
	        "<script>var x = 'secret script';</script></p><style>.a{}</style>"
	        "<noscript>Enable JavaScript</noscript><template><p>tmpl</p></template>"
	        "<svg><text>svg text</text></svg><p>" PARA2 "</p></div></body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2);
	clean_doc_free(d);
}
END_TEST

START_TEST(hidden_dropped)
{
	struct clean_doc *d = extract(
	        "<div><p>" PARA1 "</p><p hidden>hidden attribute</p>"
	        "<div aria-hidden=\"true\"><p>aria hidden text is here, and long enough.</p></div>"
	        "<div style=\"color: red; display : none\"><p>display none text, long enough.</p></div>"
	        "<p>" PARA2 "</p></div>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2);
	clean_doc_free(d);
}
END_TEST

START_TEST(metadata)
{
	struct clean_doc *d = extract(
	        "<html lang=\"de\"><head><title>Page title | Site</title>"
	        "<meta property=\"og:title\" content=\"The real title\">"
	        "<meta property=\"og:site_name\" content=\"Example Site\">"
	        "<meta name=\"author\" content=\"Jane Roe\">"
	        "<meta property=\"article:published_time\" content=\"2024-05-01T10:00:00Z\">"
	        "<link rel=\"canonical\" href=\"https://example.org/a\"></head>"
	        "<body><p>" PARA1 "</p></body></html>");
	ck_assert_str_eq(d->meta[META_TITLE], "The real title");
	ck_assert_str_eq(d->meta[META_SITENAME], "Example Site");
	ck_assert_str_eq(d->meta[META_AUTHOR], "Jane Roe");
	ck_assert_str_eq(d->meta[META_DATE], "2024-05-01T10:00:00Z");
	ck_assert_str_eq(d->meta[META_LANGUAGE], "de");
	ck_assert_str_eq(d->meta[META_URL], "https://example.org/a");
	clean_doc_free(d);
}
END_TEST

START_TEST(metadata_fallbacks)
{
	struct clean_doc *d = extract(
	        "<html><head><title> Only &amp; title </title>"
	        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
	        "\"@graph\":[{\"@type\":\"NewsArticle\",\"headline\":\"H\","
	        "\"author\":[{\"@type\":\"Person\",\"name\":\"John Doe\"}],"
	        "\"datePublished\":\"2023-01-02\"}]}</script></head>"
	        "<body><p>" PARA1 " <time datetime=\"2020-01-01\">then</time></p></body></html>");
	ck_assert_str_eq(d->meta[META_TITLE], "Only & title");
	ck_assert_str_eq(d->meta[META_AUTHOR], "John Doe");
	ck_assert_str_eq(d->meta[META_DATE], "2023-01-02");
	ck_assert_str_eq(d->meta[META_URL], "http://example.org/page");
	ck_assert_ptr_null(d->meta[META_LANGUAGE]);
	clean_doc_free(d);
}
END_TEST

START_TEST(json_ld_body_fallback)
{
	/* The DOM holds a teaser only; the JSON-LD body is much longer. */
	char page[8192];
	snprintf(page, sizeof(page),
	         "<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
	         "\"articleBody\":\"%s\\n%s\\n%s\\n%s\\n%s\"}</script></head>"
	         "<body><div id=app><p>Loading the story, please wait a moment.</p></div></body></html>",
	         PARA1, PARA2, PARA3, PARA1, PARA2);
	struct clean_doc *d = extract(page);
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3 "\n" PARA1 "\n" PARA2);
	clean_doc_free(d);
}
END_TEST

START_TEST(charset_from_meta)
{
	/* windows-1252: e9 is é, 93/94 are curly quotes, 80 is the euro sign */
	const char page[] = "<html><head><meta http-equiv=\"Content-Type\" "
	                    "content=\"text/html; charset=windows-1252\"></head><body><p>"
	                    "Caf\xe9 prices rose by \x80" "2, \x93quite a lot\x94, said the owner today."
	                    "</p></body></html>";
	struct clean_doc *d = extract(page);
	ck_assert_str_eq(joined(d), "Café prices rose by €2, “quite a lot”, said the owner today.");
	clean_doc_free(d);

	const char page2[] = "<meta charset=\"iso-8859-1\"><p>Gr\xfc\xdf" "e aus K\xf6ln, "
	                     "wo es heute regnet und morgen auch.</p>";
	d = extract(page2);
	ck_assert_str_eq(joined(d), "Grüße aus Köln, wo es heute regnet und morgen auch.");
	clean_doc_free(d);
}
END_TEST

START_TEST(utf8_bom)
{
	struct clean_doc *d = extract("\xEF\xBB\xBF<p>" PARA1 "</p>");
	ck_assert_str_eq(joined(d), PARA1);
	clean_doc_free(d);
}
END_TEST

/* A page of depth nested <tag>s around a paragraph. */
static char *deep_page(const char *tag, size_t depth, size_t *n)
{
	size_t tl = strlen(tag), k = 0;
	char *s = malloc(depth * (tl + 2) + sizeof(PARA1) + 16);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < depth; i++) {
		s[k++] = '<';
		memcpy(s + k, tag, tl);
		k += tl;
		s[k++] = '>';
	}
	memcpy(s + k, "<p>" PARA1 "</p>", sizeof("<p>" PARA1 "</p>") - 1);
	k += sizeof("<p>" PARA1 "</p>") - 1;
	*n = k;
	return s;
}

START_TEST(deep_nesting)
{
	static const char *const tags[] = { "div", "span", "b", "table" };
	for (size_t t = 0; t < sizeof(tags) / sizeof(*tags); t++) {
		size_t n;
		int rc;
		char *s = deep_page(tags[t], 100000, &n);
		struct clean_doc *d = extract_n(s, n, &rc);
		ck_assert_int_eq(rc, CLEAN_OK);
		ck_assert_ptr_nonnull(strstr(joined(d), "budget"));
		clean_doc_free(d);
		free(s);
	}
}
END_TEST

START_TEST(very_deep_nesting)
{
	size_t n;
	int rc;
	char *s = deep_page("div", 1000000, &n);
	struct clean_doc *d = extract_n(s, n, &rc);
	ck_assert_int_eq(rc, CLEAN_OK);
	ck_assert_ptr_nonnull(strstr(joined(d), "budget"));
	clean_doc_free(d);
	free(s);
}
END_TEST

START_TEST(empty_input)
{
	int rc;
	struct clean_doc *d = extract_n("", 0, &rc);
	ck_assert_int_eq(rc, CLEAN_OK);
	ck_assert_uint_eq(d->nsegs, 0);
	clean_doc_free(d);
	d = extract("<html><head></head><body>  \n </body></html>");
	ck_assert_uint_eq(d->nsegs, 0);
	clean_doc_free(d);
}
END_TEST

START_TEST(non_html_bytes)
{
	static const char bin[] = "\x00\x01\x02\xff\xfe\x00PK\x03\x04\x00\x00";
	int rc;
	struct clean_doc *d = extract_n(bin, sizeof(bin) - 1, &rc);
	ck_assert_int_eq(rc, CLEAN_EBINARY);
	ck_assert_uint_eq(d->nsegs, 0);
	clean_doc_free(d);

	/* invalid UTF-8 without NULs: converted, never crashes */
	char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(0x80 + (i * 37) % 0x7f);
	d = extract_n(junk, sizeof(junk), &rc);
	ck_assert_int_eq(rc, CLEAN_OK);
	for (size_t i = 0; i < d->nsegs; i++)
		ck_assert_ptr_null(strchr(seg_text(d, &d->segs[i]), '\n'));
	clean_doc_free(d);

	/* plain text is one paragraph */
	d = extract("just some words, no markup at all in here, and that is fine.");
	ck_assert_str_eq(joined(d), "just some words, no markup at all in here, and that is fine.");
	clean_doc_free(d);
}
END_TEST

START_TEST(sniff)
{
	ck_assert(html_sniff("<!DOCTYPE html><html>", 21));
	ck_assert(html_sniff("\xEF\xBB\xBF  <HTML>", 11));
	ck_assert(html_sniff("some text\n<div>x</div>", 22));
	ck_assert(!html_sniff("plain text, a < b and c > d", 27));
	ck_assert(!html_sniff("", 0));
}
END_TEST

START_TEST(features)
{
	struct clean_doc *d = extract("<div class=\"content\"><p>" PARA1 "</p><p>" PARA2
	                              " <a href=x>a link in the text</a></p></div>");
	ck_assert_uint_eq(d->nsegs, 2);
	ck_assert(d->segs[0].link_density == 0);
	ck_assert(d->segs[1].link_density > 0.1 && d->segs[1].link_density < 0.5);
	ck_assert_uint_gt(d->segs[0].depth, 0);
	clean_doc_free(d);
}
END_TEST

#define TEASER "<li><a href=/t>A headline of another story on the site</a>" \
	"<p>A summary of that other story, long enough to read as a paragraph of text, " \
	"with commas, and a full stop at the end.</p></li>"

/* A box of teasers (headline link and summary) beside the article does
 * not win, even with more text than the article. */
START_TEST(teaser_list_loses)
{
	struct clean_doc *d = extract(
	        "<html><body><div>"
	        "<div><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p>"
	        "<p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></div>"
	        "<ul>" TEASER TEASER TEASER TEASER TEASER TEASER "</ul>"
	        "</div></body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3 "\n" PARA1 "\n" PARA2 "\n" PARA3);
	clean_doc_free(d);
}
END_TEST

/* A boilerplate-like class on every content box (a page builder's
 * "widget") does not empty the page. */
START_TEST(hint_on_every_box)
{
	struct clean_doc *d = extract(
	        "<html><body>"
	        "<div class=\"widget\"><p>" PARA1 "</p></div>"
	        "<div class=\"widget\"><p>" PARA2 "</p></div>"
	        "<div class=\"widget\"><p>" PARA3 "</p></div>"
	        "<div class=\"widget\"><p>" PARA1 "</p></div>"
	        "</body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3 "\n" PARA1);
	clean_doc_free(d);
}
END_TEST

/* A streamed segment (<div hidden id="S:N">, shown by script) is
 * content; another hidden element is not. */
START_TEST(streamed_segment_shown)
{
	struct clean_doc *d = extract(
	        "<html><body><div hidden><p>A hidden paragraph that nobody sees on the page, ever.</p></div>"
	        "<div hidden id=\"S:0\"><p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></div>"
	        "</body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3);
	clean_doc_free(d);
}
END_TEST

/* The title heading at the head is metadata, not text. */
START_TEST(title_heading_dropped)
{
	struct clean_doc *d = extract(
	        "<html><head><title>The budget plan of the committee | Example News</title></head>"
	        "<body><div><h1>The budget plan of the committee</h1>"
	        "<p>" PARA1 "</p><p>" PARA2 "</p><p>" PARA3 "</p></div></body></html>");
	ck_assert_str_eq(joined(d), PARA1 "\n" PARA2 "\n" PARA3);
	clean_doc_free(d);
}
END_TEST

static Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, main_content_wins);
	tcase_add_test(tc, inline_spacing);
	tcase_add_test(tc, br_splits);
	tcase_add_test(tc, edges_trimmed);
	tcase_add_test(tc, long_head_kept);
	tcase_add_test(tc, edges_kept_off_articles);
	tcase_add_test(tc, figcaption_dropped);
	tcase_add_test(tc, hints_other_languages);
	tcase_add_test(tc, prepass_strips);
	tcase_add_test(tc, lists);
	tcase_add_test(tc, tables);
	tcase_add_test(tc, headings_quotes_pre);
	tcase_add_test(tc, scripts_styles_dropped);
	tcase_add_test(tc, hidden_dropped);
	tcase_add_test(tc, metadata);
	tcase_add_test(tc, metadata_fallbacks);
	tcase_add_test(tc, json_ld_body_fallback);
	tcase_add_test(tc, charset_from_meta);
	tcase_add_test(tc, utf8_bom);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, very_deep_nesting);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, non_html_bytes);
	tcase_add_test(tc, sniff);
	tcase_add_test(tc, features);
	tcase_add_test(tc, teaser_list_loses);
	tcase_add_test(tc, hint_on_every_box);
	tcase_add_test(tc, streamed_segment_shown);
	tcase_add_test(tc, title_heading_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(html_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
