/* warc.c: WARC and WET records (contract in warc.h). */
#include "warc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define WARC_MAX_LINE ((size_t)64 << 10)
#define WARC_MAX_HEAD ((size_t)1 << 20)
#define HTTP_MAX_HEAD ((size_t)256 << 10)

enum warc_type { WT_OTHER, WT_CONVERSION, WT_RESPONSE, WT_RESOURCE };

struct warc_head {
	int type, has_len;
	unsigned long long len;
	int ctype;               /* html value of the WARC Content-Type */
	uint64_t at;             /* offset of the record */
};

static int is_blank(const char *s, size_t n)
{
	return (n == 1 && s[0] == '\n') || (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Trim blanks and the line end around s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (s[*n - 1] == '\n' || s[*n - 1] == '\r' || s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	return s;
}

/* Does header line s[0..n) have this name? Then *v, *vn get the value. */
static int header_is(const char *s, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);
	if (n <= k || s[k] != ':' || strncasecmp(s, name, k))
		return 0;
	*vn = n - k - 1;
	*v = trim(s + k + 1, vn);
	return 1;
}

/* Content-Type value to the html code of warc_http_head. */
static int ctype_html(const char *v, size_t n)
{
	static const struct { const char *t; int html; } types[] = {
		{ "text/html", 1 }, { "application/xhtml+xml", 1 }, { "text/plain", 0 },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t k = strlen(types[i].t);
		if (n >= k && !strncasecmp(v, types[i].t, k) && (n == k || v[k] == ';' || v[k] == ' '))
			return types[i].html;
	}
	return -2;
}

static int parse_type(const char *v, size_t n)
{
	if (n == 10 && !memcmp(v, "conversion", 10))
		return WT_CONVERSION;
	if (n == 8 && !memcmp(v, "response", 8))
		return WT_RESPONSE;
	if (n == 8 && !memcmp(v, "resource", 8))
		return WT_RESOURCE;
	return WT_OTHER;
}

static int parse_len(const char *v, size_t n, unsigned long long *len)
{
	if (!n || n > 19)
		return 0;
	*len = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		*len = *len * 10 + (unsigned)(v[i] - '0');
	}
	return 1;
}

static int header_line(struct warc_head *h, struct rec *rec, const char *s, size_t n)
{
	const char *v;
	size_t vn;
	if (header_is(s, n, "WARC-Type", &v, &vn))
		h->type = parse_type(v, vn);
	else if (header_is(s, n, "Content-Length", &v, &vn))
		h->has_len = parse_len(v, vn, &h->len) ? 1 : -1;
	else if (header_is(s, n, "Content-Type", &v, &vn))
		h->ctype = ctype_html(v, vn);
	else if (header_is(s, n, "WARC-Record-ID", &v, &vn))
		return rec_set(&rec->id, v, vn);
	else if (header_is(s, n, "WARC-Target-URI", &v, &vn)) {
		if (vn >= 2 && v[0] == '<' && v[vn - 1] == '>') {
			v++;
			vn -= 2;
		}
		return rec_set(&rec->url, v, vn);
	}
	return CLEAN_OK;
}

static int truncated(struct rd_stream *s, const struct warc_head *h, const char *what)
{
	snprintf(s->err, sizeof(s->err), "truncated WARC record at byte %llu: %s",
	         (unsigned long long)h->at, what);
	return CLEAN_EFORMAT;
}

/* The version line (after blank lines) and the headers of a record. */
static int read_head(struct rd_stream *s, struct warc_head *h, struct rec *rec)
{
	const char *line;
	size_t n, total = 0;
	int rc;
	do {
		h->at = rd_pos(s);
		rc = rd_line(s, WARC_MAX_LINE, &line, &n);
	} while (!rc && is_blank(line, n));
	if (rc && rc != CLEAN_ETOOBIG)
		return rc;
	if (rc == CLEAN_ETOOBIG || n < 7 || memcmp(line, "WARC/1.", 7)) {
		snprintf(s->err, sizeof(s->err), "not a WARC record at byte %llu (no \"WARC/1.x\" line)",
		         (unsigned long long)h->at);
		return CLEAN_EFORMAT;
	}
	while (!rc) {
		rc = rd_line(s, WARC_MAX_LINE, &line, &n);
		if (rc == CLEAN_EOF)
			return truncated(s, h, "the headers end early");
		if (rc == CLEAN_ETOOBIG || (total += n) > WARC_MAX_HEAD) {
			snprintf(s->err, sizeof(s->err), "WARC record at byte %llu: headers too long",
			         (unsigned long long)h->at);
			return CLEAN_EFORMAT;
		}
		if (rc || is_blank(line, n))
			break;
		rc = header_line(h, rec, line, n);
	}
	if (!rc && h->has_len != 1) {
		snprintf(s->err, sizeof(s->err), "WARC record at byte %llu: %s Content-Length",
		         (unsigned long long)h->at, h->has_len ? "bad" : "no");
		rc = CLEAN_EFORMAT;
	}
	return rc;
}

/* A Content-Encoding value to its WARC_ENC_ code. */
static int coding(const char *v, size_t n)
{
	static const struct { const char *name; int enc; } codings[] = {
		{ "identity", WARC_ENC_IDENTITY }, { "gzip", WARC_ENC_GZIP },
		{ "x-gzip", WARC_ENC_GZIP }, { "deflate", WARC_ENC_DEFLATE },
	};
	for (size_t i = 0; i < sizeof(codings) / sizeof(codings[0]); i++)
		if (n == strlen(codings[i].name) && !strncasecmp(v, codings[i].name, n))
			return codings[i].enc;
	return n ? WARC_ENC_OTHER : WARC_ENC_IDENTITY;
}

size_t warc_http_head(const char *p, size_t n, int *status, int *html,
                      int *chunked, int *encoded)
{
	*status = 0;
	*html = -1;
	*chunked = *encoded = 0;
	if (n < 12 || memcmp(p, "HTTP/", 5))
		return 0;
	size_t i = 0, lim = n < HTTP_MAX_HEAD ? n : HTTP_MAX_HEAD;
	for (int first = 1; i < lim; first = 0) {
		const char *nl = memchr(p + i, '\n', lim - i);
		if (!nl)
			return 0;
		size_t len = (size_t)(nl - (p + i)) + 1;
		const char *s = p + i, *v;
		size_t vn;
		i += len;
		if (first) {
			const char *sp = memchr(s, ' ', len);
			*status = sp && sp + 4 <= nl ? atoi(sp + 1) : 0;
		} else if (is_blank(s, len)) {
			return i;
		} else if (header_is(s, len, "Content-Type", &v, &vn)) {
			*html = ctype_html(v, vn);
		} else if (header_is(s, len, "Transfer-Encoding", &v, &vn)) {
			*chunked = vn >= 7 && !strncasecmp(v + vn - 7, "chunked", 7);
		} else if (header_is(s, len, "Content-Encoding", &v, &vn)) {
			/* Two Content-Encoding headers are two codings: unsupported. */
			int e = coding(v, vn);
			*encoded = *encoded && e ? WARC_ENC_OTHER : *encoded ? *encoded : e;
		}
	}
	return 0;
}

int warc_dechunk(struct buf *b)
{
	size_t in = 0, out = 0;
	for (;;) {
		char *end;
		const char *nl = memchr(b->ptr + in, '\n', b->len - in);
		if (!nl)
			return CLEAN_EFORMAT;
		unsigned long long k = strtoull(b->ptr + in, &end, 16);
		if (end == b->ptr + in)
			return CLEAN_EFORMAT;
		in = (size_t)(nl - b->ptr) + 1;
		if (k == 0)
			break;
		if (k > b->len - in)
			return CLEAN_EFORMAT;
		memmove(b->ptr + out, b->ptr + in, (size_t)k);
		out += (size_t)k;
		in += (size_t)k;
		if (in < b->len && b->ptr[in] == '\r')
			in++;
		if (in < b->len && b->ptr[in] == '\n')
			in++;
	}
	buf_truncate(b, out);
	return CLEAN_OK;
}

/* Does b start with a zlib header (RFC 1950), as HTTP deflate should? */
static int zlib_header(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)b->ptr;
	return b->len >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && (p[0] * 256 + p[1]) % 31 == 0;
}

/* Inflate z's input into out (bounded by out->max), gzip members one
 * after the other; bytes after the last member or stream are ignored. */
static int inflate_all(z_stream *z, int gzip, struct buf *out, char *why, size_t n)
{
	unsigned char chunk[1 << 15];
	for (;;) {
		z->next_out = chunk;
		z->avail_out = sizeof(chunk);
		int zr = inflate(z, Z_NO_FLUSH);
		size_t got = sizeof(chunk) - z->avail_out;
		int rc = got ? buf_add(out, chunk, got) : CLEAN_OK;
		if (rc)
			return rc;
		if (zr == Z_STREAM_END && gzip && z->avail_in >= 2 && z->next_in[0] == 0x1f && z->next_in[1] == 0x8b) {
			if (inflateReset(z) != Z_OK)
				return CLEAN_ENOMEM;
			continue;
		}
		if (zr == Z_STREAM_END)
			return CLEAN_OK;
		if (zr == Z_MEM_ERROR)
			return CLEAN_ENOMEM;
		if (zr == Z_OK)
			continue;
		snprintf(why, n, "%s", zr == Z_BUF_ERROR && !z->avail_in ? "truncated" : z->msg ? z->msg : "corrupt data");
		return CLEAN_EFORMAT;
	}
}

int warc_decode(struct buf *b, int enc, size_t max, char *why, size_t n)
{
	snprintf(why, n, "%s", "");
	if (enc == WARC_ENC_IDENTITY || !b->len)
		return CLEAN_OK;
	if (enc != WARC_ENC_GZIP && enc != WARC_ENC_DEFLATE)
		return CLEAN_EINVAL;
	if (b->len > UINT_MAX) {
		snprintf(why, n, "compressed payload over 4 GiB");
		return CLEAN_EFORMAT;
	}
	z_stream z;
	memset(&z, 0, sizeof(z));
	int bits = enc == WARC_ENC_GZIP ? 16 + MAX_WBITS : zlib_header(b) ? MAX_WBITS : -MAX_WBITS;
	if (inflateInit2(&z, bits) != Z_OK)
		return CLEAN_ENOMEM;
	z.next_in = (unsigned char *)b->ptr;
	z.avail_in = (unsigned)b->len;
	struct buf out;
	buf_init(&out, max);
	int rc = inflate_all(&z, enc == WARC_ENC_GZIP, &out, why, n);
	inflateEnd(&z);
	if (!rc) {
		size_t keep = b->max;
		buf_swap(b, &out);
		b->max = keep > b->max ? keep : b->max;
	}
	buf_release(&out);
	return rc;
}

/* Skip a record: its message, and the caller may go on. */
static int skip_record(struct rd_stream *s, const struct warc_head *h, struct rec *rec,
                       int *can_go_on, int rc, const char *why)
{
	snprintf(s->err, sizeof(s->err), "WARC record at byte %llu%s%s%s: %s",
	         (unsigned long long)h->at, rec->id ? " (" : "", rec->id ? rec->id : "",
	         rec->id ? ")" : "", why);
	*can_go_on = 1;
	return rc;
}

/* Undo the Content-Encoding of a response body; a record that cannot
 * be decoded is skipped (CLEAN_ENOMEM alone is final). */
static int http_decode(struct rd_stream *s, const struct warc_head *h, struct rec *rec,
                       int enc, size_t max_doc, int *can_go_on)
{
	char why[160], msg[240];
	int rc = warc_decode(&rec->body, enc, max_doc, why, sizeof(why));
	if (rc == CLEAN_OK || rc == CLEAN_ENOMEM)
		return rc;
	if (rc == CLEAN_ETOOBIG)
		snprintf(msg, sizeof(msg), "decompressed HTTP payload (Content-Encoding: %s) larger than --max-doc",
		         enc == WARC_ENC_GZIP ? "gzip" : "deflate");
	else
		snprintf(msg, sizeof(msg), "corrupt %s HTTP payload (Content-Encoding): %s",
		         enc == WARC_ENC_GZIP ? "gzip" : "deflate", why);
	return skip_record(s, h, rec, can_go_on, rc, msg);
}

/* A response: cut the HTTP head, de-chunk, decode; 1 if it is a
 * document, 0 to skip (with *rc set when the skip is an error). */
static int http_payload(struct rd_stream *s, const struct warc_head *h, struct rec *rec,
                        size_t max_doc, int *can_go_on, int *rc)
{
	int status, html, chunked, encoded;
	size_t head = warc_http_head(rec->body.ptr, rec->body.len, &status, &html, &chunked, &encoded);
	if (!head || status < 200 || status > 299 || html == -2)
		return 0;
	if (encoded == WARC_ENC_OTHER) {
		*rc = skip_record(s, h, rec, can_go_on, CLEAN_EFORMAT,
		                  "HTTP payload in an unsupported Content-Encoding (gzip and deflate are read)");
		return 0;
	}
	memmove(rec->body.ptr, rec->body.ptr + head, rec->body.len - head);
	buf_truncate(&rec->body, rec->body.len - head);
	if (chunked && warc_dechunk(&rec->body)) {
		*rc = skip_record(s, h, rec, can_go_on, CLEAN_EFORMAT, "malformed chunked HTTP payload");
		return 0;
	}
	if (encoded && (*rc = http_decode(s, h, rec, encoded, max_doc, can_go_on)))
		return 0;
	rec->html = html;
	return 1;
}

/* Read or skip the block; then is it a document? */
static int read_block(struct rd_stream *s, struct warc_head *h, struct rec *rec,
                      size_t max_doc, int *can_go_on, int *is_doc)
{
	int wanted = h->type != WT_OTHER && !(h->type == WT_RESOURCE && h->ctype == -2);
	int big = h->len > max_doc;
	int rc = rd_take(s, wanted && !big ? (size_t)h->len : 0, &rec->body);
	if (!rc && (!wanted || big))
		rc = rd_take(s, (size_t)h->len, NULL);
	if (rc == CLEAN_EOF)
		return truncated(s, h, "the block ends early");
	*is_doc = 0;
	if (rc)
		return rc;
	if (!wanted)
		return CLEAN_OK;
	if (big)
		return skip_record(s, h, rec, can_go_on, CLEAN_ETOOBIG, "larger than --max-doc");
	if (h->type == WT_RESPONSE) {
		*is_doc = http_payload(s, h, rec, max_doc, can_go_on, &rc);
		return rc;
	}
	rec->html = h->type == WT_CONVERSION ? 0 : h->ctype;
	*is_doc = 1;
	return CLEAN_OK;
}

int warc_next(struct rd_stream *s, struct rec *rec, size_t max_doc, int *can_go_on)
{
	for (;;) {
		struct warc_head h = { 0 };
		rec_clear(rec);
		int rc = read_head(s, &h, rec);
		int is_doc = 0;
		if (!rc)
			rc = read_block(s, &h, rec, max_doc, can_go_on, &is_doc);
		rec->offset = h.at;
		if (rc || is_doc)
			return rc;
	}
}
