/* feed.c: URL lists, feeds and sitemaps; the contract is in feed.h. */
#include "feed.h"

#include <ctype.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <zlib.h>

#include "clean.h"

/* ---- gzip ---- */

int feed_gunzip(const char *in, size_t len, size_t max, struct buf *out)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return CLEAN_ENOMEM;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	size_t left = len - zs.avail_in;
	int rc = CLEAN_OK;
	for (;;) {
		if (out->len >= max) {
			rc = CLEAN_ETOOBIG;
			break;
		}
		size_t room = max - out->len < 65536 ? max - out->len : 65536;
		if ((rc = buf_grow(out, room)))
			break;
		zs.next_out = (Bytef *)out->ptr + out->len;
		zs.avail_out = (uInt)room;
		int z = inflate(&zs, Z_NO_FLUSH);
		out->len += room - zs.avail_out;
		out->ptr[out->len] = '\0';
		if (z == Z_STREAM_END) {
			if (!zs.avail_in && left) {     /* more than 4 GiB in */
				zs.avail_in = (uInt)(left > UINT32_MAX ? UINT32_MAX : left);
				left -= zs.avail_in;
			}
			if (!zs.avail_in)
				break;
			if (inflateReset(&zs) != Z_OK) {   /* next member */
				rc = CLEAN_EFORMAT;
				break;
			}
		} else if (z == Z_BUF_ERROR && !zs.avail_in && left) {
			zs.avail_in = (uInt)(left > UINT32_MAX ? UINT32_MAX : left);
			left -= zs.avail_in;
		} else if (z != Z_OK) {
			rc = z == Z_MEM_ERROR ? CLEAN_ENOMEM : CLEAN_EFORMAT;
			break;
		}
	}
	inflateEnd(&zs);
	return rc;
}

/* ---- one URL ---- */

struct feed_ctx {
	feed_url_fn cb;
	void *arg;
	const char *base;
	int stop;
};

/* Trim s[0..n), resolve it against base, and hand it on. */
static int feed_emit(struct feed_ctx *f, const char *s, size_t n, const xmlChar *base, int is_list)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n || f->stop)
		return f->stop;
	char *url = strndup(s, n);
	if (!url)
		return f->stop = CLEAN_ENOMEM;
	xmlChar *abs = base ? xmlBuildURI((const xmlChar *)url, base) : NULL;
	f->stop = f->cb(f->arg, abs ? (const char *)abs : url, is_list);
	xmlFree(abs);
	free(url);
	return f->stop;
}

/* ---- plain lists ---- */

static int feed_plain(struct feed_ctx *f, const char *s, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && !f->stop) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len, k = i;
		while (k < end && isspace((unsigned char)s[k]))
			k++;
		if (k < end && s[k] != '#')
			feed_emit(f, s + k, end - k, (const xmlChar *)f->base, 0);
		i = end + 1;
	}
	return f->stop;
}

/* ---- XML ---- */

static int feed_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

static const xmlNode *feed_child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (feed_is(c, name))
			return c;
	return NULL;
}

/* Hand on the text of n. */
static void feed_text(struct feed_ctx *f, xmlNode *n, int is_list)
{
	xmlChar *t = xmlNodeGetContent(n);
	xmlChar *base = xmlNodeGetBase(n->doc, n);
	if (t)
		feed_emit(f, (const char *)t, strlen((const char *)t), base, is_list);
	xmlFree(base);
	xmlFree(t);
}

/* The link of an RSS item: <link>, else a permalink <guid>. */
static void feed_rss_item(struct feed_ctx *f, xmlNode *item)
{
	xmlNode *link = (xmlNode *)feed_child(item, "link");
	if (link) {
		feed_text(f, link, 0);
		return;
	}
	xmlNode *guid = (xmlNode *)feed_child(item, "guid");
	if (!guid)
		return;
	xmlChar *perma = xmlGetProp(guid, (const xmlChar *)"isPermaLink");
	int no = perma && !xmlStrcasecmp(perma, (const xmlChar *)"false");
	xmlFree(perma);
	if (!no)
		feed_text(f, guid, 0);
}

/* The first alternate link of an Atom entry. */
static void feed_atom_entry(struct feed_ctx *f, xmlNode *entry)
{
	for (xmlNode *c = entry->children; c; c = c->next) {
		if (!feed_is(c, "link"))
			continue;
		xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
		int alt = !rel || !xmlStrcmp(rel, (const xmlChar *)"alternate");
		xmlFree(rel);
		xmlChar *href = alt ? xmlGetProp(c, (const xmlChar *)"href") : NULL;
		if (href) {
			xmlChar *base = xmlNodeGetBase(c->doc, c);
			feed_emit(f, (const char *)href, strlen((const char *)href), base, 0);
			xmlFree(base);
			xmlFree(href);
			return;
		}
	}
}

/* The <loc> of a sitemap's url or sitemap element. */
static void feed_loc(struct feed_ctx *f, xmlNode *n, int is_list)
{
	xmlNode *loc = (xmlNode *)feed_child(n, "loc");
	if (loc)
		feed_text(f, loc, is_list);
}

/* Visit every element named item below root, in document order, without
 * recursion (feeds can nest deeply), and without descending into one. */
static void feed_walk(struct feed_ctx *f, xmlNode *root, const char *item, int kind)
{
	xmlNode *n = root->children;
	while (n && !f->stop) {
		if (feed_is(n, item)) {
			if (kind == FEED_RSS)
				feed_rss_item(f, n);
			else if (kind == FEED_ATOM)
				feed_atom_entry(f, n);
			else
				feed_loc(f, n, kind == FEED_SITEMAP_INDEX);
		} else if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && !n->next && n != root)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
}

static int feed_xml(struct feed_ctx *f, const char *s, size_t len, int *kind)
{
	xmlInitParser();
	int opts = XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
	           XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	if (len > INT32_MAX)
		return CLEAN_ETOOBIG;
	xmlDoc *doc = xmlReadMemory(s, (int)len, f->base, NULL, opts);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		xmlFreeDoc(doc);
		return CLEAN_EFORMAT;
	}
	static const struct { const char *root, *item; int kind; } kinds[] = {
		{ "rss", "item", FEED_RSS }, { "RDF", "item", FEED_RSS },
		{ "feed", "entry", FEED_ATOM }, { "urlset", "url", FEED_SITEMAP },
		{ "sitemapindex", "sitemap", FEED_SITEMAP_INDEX },
	};
	int rc = CLEAN_EFORMAT;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!feed_is(root, kinds[i].root))
			continue;
		*kind = kinds[i].kind;
		feed_walk(f, root, kinds[i].item, kinds[i].kind);
		rc = f->stop;
		break;
	}
	xmlFreeDoc(doc);
	return rc;
}

static int feed_looks_xml(const char *s, size_t len)
{
	size_t i = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i < len && s[i] == '<';
}

int feed_parse(const char *bytes, size_t len, const char *base,
               feed_url_fn cb, void *arg, int *kind)
{
	struct feed_ctx f = { cb, arg, base, 0 };
	struct buf plain;
	int k = FEED_PLAIN, rc = CLEAN_OK;
	buf_init(&plain, FEED_MAX_BYTES);
	if (len >= 2 && (unsigned char)bytes[0] == 0x1f && (unsigned char)bytes[1] == 0x8b) {
		rc = feed_gunzip(bytes, len, FEED_MAX_BYTES, &plain);
		bytes = plain.ptr;
		len = plain.len;
	}
	if (!rc)
		rc = feed_looks_xml(bytes, len) ? feed_xml(&f, bytes, len, &k)
		                                : feed_plain(&f, bytes, len);
	buf_release(&plain);
	if (kind)
		*kind = k;
	return rc;
}

const char *feed_kind_name(int kind)
{
	switch (kind) {
	case FEED_RSS: return "RSS feed";
	case FEED_ATOM: return "Atom feed";
	case FEED_SITEMAP: return "sitemap";
	case FEED_SITEMAP_INDEX: return "sitemap index";
	default: return "plain list";
	}
}
