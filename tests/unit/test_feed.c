/* test_feed.c: URL lists, feeds and sitemaps (src/feed.h) and robots.txt
 * rules (src/robots.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "clean.h"
#include "feed.h"
#include "robots.h"

/* The URLs a list gave, one a line, "L " before lists. */
struct got {
	struct buf b;
	int stop_after;
	int n;
};

static int collect(void *arg, const char *url, int is_list)
{
	struct got *g = arg;
	buf_addf(&g->b, "%s%s\n", is_list ? "L " : "", url);
	return ++g->n == g->stop_after ? 42 : 0;
}

static const char *parse(const char *in, size_t len, const char *base, int *kind, int *rc)
{
	static struct got g;
	buf_release(&g.b);
	buf_init(&g.b, 0);
	g.n = 0;
	g.stop_after = 0;
	*rc = feed_parse(in, len, base, collect, &g, kind);
	return g.b.ptr;
}

START_TEST(plain_list)
{
	int kind = -1, rc;
	const char *in = "\xEF\xBB\xBF# comment\n  http://a.example/1  \n\n\thttps://b.example/2\r\nrel/3\n";
	ck_assert_str_eq(parse(in, strlen(in), NULL, &kind, &rc),
	                 "http://a.example/1\nhttps://b.example/2\nrel/3\n");
	ck_assert_int_eq(rc, CLEAN_OK);
	ck_assert_int_eq(kind, FEED_PLAIN);
	ck_assert_str_eq(parse(in, strlen(in), "http://base.example/dir/list.txt", &kind, &rc),
	                 "http://a.example/1\nhttps://b.example/2\nhttp://base.example/dir/rel/3\n");
	ck_assert_str_eq(parse("", 0, NULL, &kind, &rc), "");
	ck_assert_int_eq(rc, CLEAN_OK);
}
END_TEST

START_TEST(rss)
{
	int kind = -1, rc;
	const char *in =
		"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>T</title>"
		"<link>http://site.example/</link>"
		"<item><title>A</title><link> http://site.example/a </link></item>"
		"<item><guid>http://site.example/b</guid></item>"
		"<item><guid isPermaLink=\"false\">tag:x</guid></item>"
		"<item><link><![CDATA[http://site.example/c?x=1&y=2]]></link></item>"
		"<item><link>/d</link></item>"
		"</channel></rss>";
	ck_assert_str_eq(parse(in, strlen(in), "http://site.example/feed", &kind, &rc),
	                 "http://site.example/a\nhttp://site.example/b\n"
	                 "http://site.example/c?x=1&y=2\nhttp://site.example/d\n");
	ck_assert_int_eq(kind, FEED_RSS);
	ck_assert_int_eq(rc, CLEAN_OK);
	/* RSS 1.0 (RDF): items beside the channel. */
	const char *rdf =
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
		"<channel><link>http://r.example/</link></channel>"
		"<item rdf:about=\"http://r.example/1\"><link>http://r.example/1</link></item></rdf:RDF>";
	ck_assert_str_eq(parse(rdf, strlen(rdf), NULL, &kind, &rc), "http://r.example/1\n");
	ck_assert_int_eq(kind, FEED_RSS);
}
END_TEST

START_TEST(atom)
{
	int kind = -1, rc;
	const char *in =
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://a.example/blog/\">"
		"<link href=\"http://a.example/\"/>"
		"<entry><link rel=\"edit\" href=\"http://a.example/edit/1\"/>"
		"<link rel=\"alternate\" href=\"post-1\"/><link href=\"http://a.example/other\"/></entry>"
		"<entry><link href=\"http://a.example/2\"/></entry>"
		"<entry><title>no link</title></entry></feed>";
	ck_assert_str_eq(parse(in, strlen(in), NULL, &kind, &rc),
	                 "http://a.example/blog/post-1\nhttp://a.example/2\n");
	ck_assert_int_eq(kind, FEED_ATOM);
}
END_TEST

static const char sitemap[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
	"<url><loc>http://s.example/1</loc><lastmod>2024-01-01</lastmod></url>"
	"<url><loc>\n  http://s.example/2?a=1&amp;b=2\n</loc></url>"
	"<url><priority>1</priority></url></urlset>";

START_TEST(sitemaps)
{
	int kind = -1, rc;
	ck_assert_str_eq(parse(sitemap, strlen(sitemap), NULL, &kind, &rc),
	                 "http://s.example/1\nhttp://s.example/2?a=1&b=2\n");
	ck_assert_int_eq(kind, FEED_SITEMAP);
	const char *idx =
		"<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
		"<sitemap><loc>http://s.example/a.xml</loc></sitemap>"
		"<sitemap><loc>/b.xml.gz</loc></sitemap></sitemapindex>";
	ck_assert_str_eq(parse(idx, strlen(idx), "http://s.example/index.xml", &kind, &rc),
	                 "L http://s.example/a.xml\nL http://s.example/b.xml.gz\n");
	ck_assert_int_eq(kind, FEED_SITEMAP_INDEX);
}
END_TEST

/* gzip data of s, two members when split. */
static size_t gz(const char *s, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)s;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t k = cap - z.avail_out;
	deflateEnd(&z);
	return k;
}

START_TEST(gzipped)
{
	unsigned char z[4096];
	size_t n = strlen(sitemap), h = n / 2;
	size_t k = gz(sitemap, h, z, sizeof(z));
	k += gz(sitemap + h, n - h, z + k, sizeof(z) - k);
	int kind = -1, rc;
	ck_assert_str_eq(parse((const char *)z, k, NULL, &kind, &rc),
	                 "http://s.example/1\nhttp://s.example/2?a=1&b=2\n");
	ck_assert_int_eq(rc, CLEAN_OK);
	ck_assert_int_eq(kind, FEED_SITEMAP);
	/* Cut short: an error, not a crash. */
	parse((const char *)z, 20, NULL, &kind, &rc);
	ck_assert_int_ne(rc, CLEAN_OK);
	/* Past the cap. */
	struct buf b;
	buf_init(&b, 0);
	ck_assert_int_eq(feed_gunzip((const char *)z, k, 100, &b), CLEAN_ETOOBIG);
	buf_release(&b);
}
END_TEST

START_TEST(bad_xml)
{
	int kind, rc;
	const char *html = "<html><body><a href=\"http://x.example/\">x</a></body></html>";
	parse(html, strlen(html), NULL, &kind, &rc);
	ck_assert_int_eq(rc, CLEAN_EFORMAT);
	parse("<<<", 3, NULL, &kind, &rc);
	ck_assert_int_eq(rc, CLEAN_EFORMAT);
	/* An external entity is not fetched nor substituted. */
	const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	                  "<urlset><url><loc>http://e.example/&e;</loc></url></urlset>";
	const char *got = parse(xxe, strlen(xxe), NULL, &kind, &rc);
	ck_assert_ptr_null(strstr(got, "root:"));
	/* Broken but recoverable: the URLs before the damage. */
	const char *cut = "<urlset><url><loc>http://c.example/1</loc></url><url><loc>http://c";
	ck_assert_str_eq(parse(cut, strlen(cut), NULL, &kind, &rc), "http://c.example/1\nhttp://c\n");
}
END_TEST

START_TEST(stop)
{
	static struct got g;
	buf_init(&g.b, 0);
	g.stop_after = 1;
	ck_assert_int_eq(feed_parse(sitemap, strlen(sitemap), NULL, collect, &g, NULL), 42);
	ck_assert_str_eq(g.b.ptr, "http://s.example/1\n");
	buf_release(&g.b);
}
END_TEST

/* ---- robots.txt ---- */

static struct robots *rob(const char *txt, const char *agent)
{
	struct robots *r = NULL;
	ck_assert_int_eq(robots_parse(&r, txt, strlen(txt), agent), CLEAN_OK);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(robots_groups)
{
	const char *txt =
		"# comment\n"
		"User-agent: other\nDisallow: /\n\n"
		"User-agent: *\nDisallow: /private\nAllow: /private/ok\n\n"
		"user-agent: Clean\nuser-agent: second\nDISALLOW: /mine # why\nCrawl-delay: 2.5\n"
		"Sitemap: http://x.example/sitemap.xml\n";
	struct robots *r = rob(txt, "clean");
	/* Only the group naming us applies. */
	ck_assert(robots_allowed(r, "/private/x"));
	ck_assert(!robots_allowed(r, "/mine"));
	ck_assert(!robots_allowed(r, "/mine/deeper?q=1"));
	ck_assert(robots_allowed(r, "/min"));
	ck_assert(robots_allowed(r, ""));
	ck_assert(robots_crawl_delay(r) == 2.5);
	robots_free(r);
	r = rob(txt, "somebot");
	ck_assert(!robots_allowed(r, "/private"));
	ck_assert(!robots_allowed(r, "/private/x"));
	ck_assert(robots_allowed(r, "/private/ok/y"));
	ck_assert(robots_allowed(r, "/mine"));
	ck_assert(robots_crawl_delay(r) == 0);
	robots_free(r);
	/* The product token of a User-agent line is before '/'. */
	r = rob("User-agent: clean/2.0\nDisallow: /a\n", "CLEAN");
	ck_assert(!robots_allowed(r, "/a"));
	robots_free(r);
	/* A group for us without rules allows all, whatever "*" says. */
	r = rob("User-agent: *\nDisallow: /\nUser-agent: clean\n", "clean");
	ck_assert(robots_allowed(r, "/x"));
	robots_free(r);
	/* Groups for us are merged. */
	r = rob("User-agent: clean\nDisallow: /a\nUser-agent: x\nDisallow: /b\nUser-agent: clean\nDisallow: /c\n", "clean");
	ck_assert(!robots_allowed(r, "/a") && robots_allowed(r, "/b") && !robots_allowed(r, "/c"));
	robots_free(r);
}
END_TEST

START_TEST(robots_matching)
{
	struct robots *r = rob(
		"User-agent: *\n"
		"Disallow: /*.pdf$\n"
		"Disallow: /search\n"
		"Allow: /search/about\n"
		"Disallow: /x*y\n"
		"Allow: /page\nDisallow: /page\n"     /* a tie goes to Allow */
		"Disallow: /%7Etilde\n"
		"Disallow: /caf%c3%a9\n"
		"Disallow:\n", "clean");
	ck_assert(!robots_allowed(r, "/doc.pdf"));
	ck_assert(!robots_allowed(r, "/a/b/doc.pdf"));
	ck_assert(robots_allowed(r, "/doc.pdf?x=1"));
	ck_assert(robots_allowed(r, "/doc.pdfx"));
	ck_assert(!robots_allowed(r, "/search?q=a"));
	ck_assert(robots_allowed(r, "/search/about"));
	ck_assert(!robots_allowed(r, "/xay"));
	ck_assert(!robots_allowed(r, "/x/long/y/z"));
	ck_assert(robots_allowed(r, "/xa"));
	ck_assert(robots_allowed(r, "/page"));
	ck_assert(!robots_allowed(r, "/~tilde"));
	ck_assert(!robots_allowed(r, "/%7etilde/x"));
	ck_assert(!robots_allowed(r, "/caf\xc3\xa9"));
	ck_assert(!robots_allowed(r, "/caf%C3%a9"));
	ck_assert(robots_allowed(r, "/CAF%C3%A9"));
	ck_assert(robots_allowed(r, "/robots.txt"));
	ck_assert(robots_allowed(r, "/other"));
	robots_free(r);
}
END_TEST

START_TEST(robots_odd)
{
	/* No groups, garbage, rules before any User-agent, CRLF, NUL bytes. */
	struct robots *r = rob("Disallow: /\r\n", "clean");
	ck_assert(robots_allowed(r, "/"));
	robots_free(r);
	r = rob("\x01\x02 garbage\n:::\nUser-agent *\n", "clean");
	ck_assert(robots_allowed(r, "/a"));
	robots_free(r);
	const char crlf[] = "User-agent: *\r\nDisallow: /a\r\n";
	r = rob(crlf, "clean");
	ck_assert(!robots_allowed(r, "/a"));
	robots_free(r);
	r = NULL;
	ck_assert_int_eq(robots_parse(&r, "User-agent: *\n\0Disallow: /n\n", 29, "clean"), CLEAN_OK);
	robots_free(r);
	ck_assert(robots_allowed(NULL, "/x"));
	ck_assert_int_eq(robots_disallow_all(&r), CLEAN_OK);
	ck_assert(!robots_allowed(r, "/"));
	ck_assert(robots_allowed(r, "/robots.txt"));
	robots_free(r);
	robots_free(NULL);
	/* A pathological pattern stays linear enough. */
	char path[4096];
	struct buf pat;
	buf_init(&pat, 0);
	buf_addstr(&pat, "User-agent: *\nDisallow: /");
	for (int i = 0; i < 500; i++)
		buf_addstr(&pat, "*a");
	buf_addstr(&pat, "b\n");
	r = rob(pat.ptr, "clean");
	buf_release(&pat);
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	ck_assert(robots_allowed(r, path));
	robots_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("feed");
	TCase *t = tcase_create("feed");
	tcase_add_test(t, plain_list);
	tcase_add_test(t, rss);
	tcase_add_test(t, atom);
	tcase_add_test(t, sitemaps);
	tcase_add_test(t, gzipped);
	tcase_add_test(t, bad_xml);
	tcase_add_test(t, stop);
	tcase_add_test(t, robots_groups);
	tcase_add_test(t, robots_matching);
	tcase_add_test(t, robots_odd);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
