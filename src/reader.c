/* reader.c: documents from files and stdin (contract in reader.h). */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <jansson.h>

#include "jsonl.h"
#include "warc.h"

#define READ_CHUNK (64 * 1024)
#define RAW_CHUNK (128 * 1024)
#define SNIFF_LINE ((size_t)1 << 20)

/* Decompressor state: the raw bytes read from fd and the codec's stream. */
struct rd_codec_state {
	unsigned char in[RAW_CHUNK];
	size_t in_pos, in_len;
	int raw_eof;
	int in_frame;           /* inside a gzip member or zstd frame */
	uint64_t frame_at;      /* raw offset where that member started */
	z_stream gz;
	ZSTD_DStream *zs;
};

struct clean_reader {
	struct rd_stream s;
	int format, fatal, can_go_on;
	size_t max_line, max_doc;
	size_t scanned;       /* text: bytes of data checked for separators */
	size_t line_len;      /* text: length of the line at the scan point */
	uint64_t checked;     /* text: stream offset up to which line lengths
	                         were checked */
	size_t ndocs;
	int skipping;         /* text: passing over a document over max_doc */
	int skip_bol;         /* text, skipping: the byte before data[start]
	                         (discarded) was a newline */
	uint64_t lineno;      /* JSONL: lines read */
	char *field;          /* JSONL: the document field */
	struct rec rec;       /* the document handed out last */
	int lend;             /* text: hand documents out in place (below) */
	const char *lent;     /* text, lend: the document handed out last, in
	                         s.data (valid until the next read), or NULL */
	size_t lent_len;
};

/* ---- records ---- */

void rec_init(struct rec *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, max);
	r->html = -1;
}

void rec_clear(struct rec *r)
{
	buf_clear(&r->body);
	free(r->id);
	free(r->url);
	r->id = r->url = NULL;
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
	r->html = -1;
	r->index = 0;
	r->line = r->offset = 0;
}

void rec_release(struct rec *r)
{
	rec_clear(r);
	buf_release(&r->body);
}

int rec_set(char **field, const char *s, size_t n)
{
	char *p = mem_dup(s, n);
	if (!p)
		return CLEAN_ENOMEM;
	free(*field);
	*field = p;
	return CLEAN_OK;
}

/* ---- detection ---- */

int rd_sniff_codec(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] == 0x1f && s[1] == 0x8b)
		return RD_GZIP;
	if (n >= 4 && s[0] == 0x28 && s[1] == 0xb5 && s[2] == 0x2f && s[3] == 0xfd)
		return RD_ZSTD;
	return RD_PLAIN;
}

int rd_sniff_format(const char *s, size_t n, int eof)
{
	if (n >= 7 && !memcmp(s, "WARC/1.", 7))
		return CLEAN_FORMAT_WARC;
	size_t i = n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < n && memchr(" \t\r\n", s[i], 4))
		i++;
	if (i == n || s[i] != '{')
		return CLEAN_FORMAT_TEXT;
	const char *nl = memchr(s + i, '\n', n - i);
	if (!nl && !eof)
		return n - i >= SNIFF_LINE ? CLEAN_FORMAT_JSONL : CLEAN_FORMAT_TEXT;
	size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
	return jsonl_is_object(s + i, len) ? CLEAN_FORMAT_JSONL : CLEAN_FORMAT_TEXT;
}

/* ---- raw input and decompression ---- */

static int raw_read(struct rd_stream *s, void *dst, size_t n, size_t *got)
{
	ssize_t k;
	do
		k = read(s->fd, dst, n);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		snprintf(s->err, sizeof(s->err), "%s", strerror(errno));
		return CLEAN_EIO;
	}
	*got = (size_t)k;
	s->raw_in += (size_t)k;
	return CLEAN_OK;
}

/* Refill the compressed input when it is used up. */
static int raw_more(struct rd_stream *s)
{
	struct rd_codec_state *z = s->z;
	if (z->in_pos < z->in_len || z->raw_eof)
		return CLEAN_OK;
	size_t got;
	int rc = raw_read(s, z->in, RAW_CHUNK, &got);
	if (rc)
		return rc;
	z->in_pos = 0;
	z->in_len = got;
	z->raw_eof = got == 0;
	return CLEAN_OK;
}

static uint64_t raw_off(const struct rd_stream *s)
{
	return s->raw_in - (s->z->in_len - s->z->in_pos);
}

/* A new gzip member must start with the magic; bytes after the last
 * member that are not one are an error, not silently ignored. */
static int gz_member_start(struct rd_stream *s)
{
	struct rd_codec_state *z = s->z;
	if (z->in_len - z->in_pos == 1 && !z->raw_eof) {
		z->in[0] = z->in[z->in_pos];
		z->in_pos = 0;
		size_t got;
		int rc = raw_read(s, z->in + 1, RAW_CHUNK - 1, &got);
		if (rc)
			return rc;
		z->in_len = 1 + got;
	}
	if (rd_sniff_codec(z->in + z->in_pos, z->in_len - z->in_pos) != RD_GZIP) {
		snprintf(s->err, sizeof(s->err), "trailing garbage after the gzip data at byte %llu",
		         (unsigned long long)raw_off(s));
		return CLEAN_EFORMAT;
	}
	z->frame_at = raw_off(s);
	z->in_frame = 1;
	return inflateReset(&z->gz) == Z_OK ? CLEAN_OK : CLEAN_ENOMEM;
}

static int gz_step(struct rd_stream *s, char *dst, size_t cap, size_t *got)
{
	struct rd_codec_state *z = s->z;
	if (!z->in_frame) {
		int rc = gz_member_start(s);
		if (rc)
			return rc;
	}
	z->gz.next_in = z->in + z->in_pos;
	z->gz.avail_in = (uInt)(z->in_len - z->in_pos);
	z->gz.next_out = (unsigned char *)dst;
	z->gz.avail_out = (uInt)cap;
	int zr = inflate(&z->gz, Z_NO_FLUSH);
	z->in_pos = z->in_len - z->gz.avail_in;
	*got = cap - z->gz.avail_out;
	if (zr == Z_STREAM_END)
		z->in_frame = 0;
	else if (zr != Z_OK && zr != Z_BUF_ERROR) {
		snprintf(s->err, sizeof(s->err), "corrupt gzip data in the member at byte %llu: %s",
		         (unsigned long long)z->frame_at, z->gz.msg ? z->gz.msg : "inflate failed");
		return zr == Z_MEM_ERROR ? CLEAN_ENOMEM : CLEAN_EFORMAT;
	}
	return CLEAN_OK;
}

static int zstd_step(struct rd_stream *s, char *dst, size_t cap, size_t *got)
{
	struct rd_codec_state *z = s->z;
	if (!z->in_frame)
		z->frame_at = raw_off(s);
	ZSTD_inBuffer in = { z->in + z->in_pos, z->in_len - z->in_pos, 0 };
	ZSTD_outBuffer out = { dst, cap, 0 };
	size_t zr = ZSTD_decompressStream(z->zs, &out, &in);
	z->in_pos += in.pos;
	*got = out.pos;
	if (ZSTD_isError(zr)) {
		snprintf(s->err, sizeof(s->err), "corrupt zstd data in the frame at byte %llu: %s",
		         (unsigned long long)z->frame_at, ZSTD_getErrorName(zr));
		return CLEAN_EFORMAT;
	}
	z->in_frame = zr != 0;
	return CLEAN_OK;
}

/* Decompress up to cap bytes into dst; *got 0 means the end. */
static int codec_read(struct rd_stream *s, char *dst, size_t cap, size_t *got)
{
	struct rd_codec_state *z = s->z;
	for (;;) {
		int rc = raw_more(s);
		if (rc)
			return rc;
		if (z->in_pos == z->in_len && z->raw_eof) {
			/* Flush what the codec holds, then check it ended whole. */
			if (s->codec == RD_ZSTD && z->in_frame && (rc = zstd_step(s, dst, cap, got)))
				return rc;
			else if (s->codec == RD_ZSTD && z->in_frame && *got)
				return CLEAN_OK;
			*got = 0;
			if (z->in_frame) {
				snprintf(s->err, sizeof(s->err), "truncated %s data: the member at byte %llu ends early",
				         s->codec == RD_GZIP ? "gzip" : "zstd", (unsigned long long)z->frame_at);
				return CLEAN_EFORMAT;
			}
			return CLEAN_OK;
		}
		rc = s->codec == RD_GZIP ? gz_step(s, dst, cap, got) : zstd_step(s, dst, cap, got);
		if (rc || *got)
			return rc;
	}
}

static int codec_init(struct rd_stream *s, int codec)
{
	s->codec = codec;
	if (codec == RD_PLAIN)
		return CLEAN_OK;
	s->z = calloc(1, sizeof(*s->z));
	if (!s->z)
		return CLEAN_ENOMEM;
	if (codec == RD_GZIP)
		return inflateInit2(&s->z->gz, 16 + MAX_WBITS) == Z_OK ? CLEAN_OK : CLEAN_ENOMEM;
	s->z->zs = ZSTD_createDStream();
	return s->z->zs && !ZSTD_isError(ZSTD_initDStream(s->z->zs)) ? CLEAN_OK : CLEAN_ENOMEM;
}

static void codec_free(struct rd_stream *s)
{
	if (!s->z)
		return;
	if (s->codec == RD_GZIP)
		inflateEnd(&s->z->gz);
	ZSTD_freeDStream(s->z->zs);
	free(s->z);
	s->z = NULL;
}

/* ---- the buffered stream ---- */

int rd_fill(struct rd_stream *s)
{
	if (s->start) {
		memmove(s->data.ptr, s->data.ptr + s->start, s->data.len - s->start);
		buf_truncate(&s->data, s->data.len - s->start);
		s->offset += s->start;
		s->start = 0;
	}
	if (s->eof)
		return CLEAN_OK;
	int rc = buf_grow(&s->data, READ_CHUNK);
	if (rc)
		return rc;
	size_t got;
	char *dst = s->data.ptr + s->data.len;
	rc = s->codec == RD_PLAIN ? raw_read(s, dst, READ_CHUNK, &got) : codec_read(s, dst, READ_CHUNK, &got);
	if (rc)
		return rc;
	s->eof = got == 0;
	s->data.len += got;
	s->data.ptr[s->data.len] = '\0';
	return CLEAN_OK;
}

int rd_need(struct rd_stream *s, size_t n)
{
	while (s->data.len - s->start < n && !s->eof) {
		int rc = rd_fill(s);
		if (rc)
			return rc;
	}
	return CLEAN_OK;
}

int rd_line(struct rd_stream *s, size_t max, const char **line, size_t *len)
{
	size_t scanned = 0;
	for (;;) {
		const char *p = s->data.ptr + s->start;
		size_t avail = s->data.len - s->start;
		const char *nl = memchr(p + scanned, '\n', avail - scanned);
		if (nl || (s->eof && avail)) {
			*len = nl ? (size_t)(nl - p) + 1 : avail;
			if (*len > max)
				return CLEAN_ETOOBIG;
			*line = p;
			s->start += *len;
			return CLEAN_OK;
		}
		if (s->eof)
			return CLEAN_EOF;
		if (avail > max)
			return CLEAN_ETOOBIG;
		scanned = avail;
		int rc = rd_fill(s);
		if (rc)
			return rc;
	}
}

int rd_take(struct rd_stream *s, size_t n, struct buf *dst)
{
	while (n) {
		size_t avail = s->data.len - s->start;
		if (!avail) {
			if (s->eof)
				return CLEAN_EOF;
			int rc = rd_fill(s);
			if (rc)
				return rc;
			continue;
		}
		size_t k = avail < n ? avail : n;
		if (dst) {
			int rc = buf_add(dst, s->data.ptr + s->start, k);
			if (rc)
				return rc;
		}
		s->start += k;
		n -= k;
	}
	return CLEAN_OK;
}

/* Open the file and pick the codec from its first bytes. */
static int stream_open(struct rd_stream *s, const char *path, size_t max)
{
	buf_init(&s->data, max);
	if (!strcmp(path, "-")) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0)
			return CLEAN_EIO;
		s->own_fd = 1;
		struct stat st;
		if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return CLEAN_EIO;
		}
	}
	int rc = buf_grow(&s->data, READ_CHUNK);
	size_t got = 0;
	if (!rc)
		rc = raw_read(s, s->data.ptr, 4, &got);
	while (!rc && got && got < 4) {
		size_t more;
		rc = raw_read(s, s->data.ptr + got, 4 - got, &more);
		if (!more)
			break;
		got += more;
	}
	if (rc)
		return rc;
	int codec = rd_sniff_codec((unsigned char *)s->data.ptr, got);
	if ((rc = codec_init(s, codec)))
		return rc;
	if (codec == RD_PLAIN) {
		s->data.len = got;
		s->data.ptr[got] = '\0';
		s->eof = got == 0;
	} else {
		memcpy(s->z->in, s->data.ptr, got);
		s->z->in_len = got;
	}
	return CLEAN_OK;
}

static void stream_close(struct rd_stream *s)
{
	codec_free(s);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	buf_release(&s->data);
}

/* ---- the reader ---- */

static int detect_format(struct clean_reader *r)
{
	struct rd_stream *s = &r->s;
	int rc = rd_need(s, 16);
	while (!rc && !s->eof && s->data.len < SNIFF_LINE + 16) {
		const char *p = s->data.ptr;
		size_t i = 0;
		while (i < s->data.len && memchr(" \t\r\n\xef\xbb\xbf", p[i], 7))
			i++;
		if (i < s->data.len && (p[i] != '{' || memchr(p + i, '\n', s->data.len - i)))
			break;
		rc = rd_fill(s);
	}
	if (rc)
		return rc;
	r->format = rd_sniff_format(s->data.ptr, s->data.len, s->eof);
	return CLEAN_OK;
}

int clean_reader_open_format(struct clean_reader **out, const char *path,
                             const struct clean_opts *opts, int format,
                             const char *jsonl_field)
{
	*out = NULL;
	struct clean_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return CLEAN_ENOMEM;
	r->max_line = opts && opts->max_line ? opts->max_line : CLEAN_DEFAULT_MAX_LINE;
	r->max_doc = opts && opts->max_doc ? opts->max_doc : CLEAN_DEFAULT_MAX_DOC;
	rec_init(&r->rec, r->max_doc);
	r->s.fd = -1;
	r->field = strdup(jsonl_field ? jsonl_field : "text");
	int rc = r->field ? stream_open(&r->s, path, r->max_doc + READ_CHUNK) : CLEAN_ENOMEM;
	r->format = format;
	/* A read failure while detecting is the first document's failure. */
	if (!rc && format == CLEAN_FORMAT_AUTO && (r->fatal = detect_format(r))) {
		r->format = CLEAN_FORMAT_TEXT;
		if (!r->s.err[0])
			snprintf(r->s.err, sizeof(r->s.err), "%s", r->fatal == CLEAN_EIO ? strerror(errno) : clean_strerror(r->fatal));
	}
	if (rc) {
		int saved = errno;
		clean_reader_free(r);
		errno = saved;
		return rc;
	}
	*out = r;
	return CLEAN_OK;
}

int clean_reader_open(struct clean_reader **out, const char *path,
                      const struct clean_opts *opts)
{
	return clean_reader_open_format(out, path, opts, CLEAN_FORMAT_AUTO, NULL);
}

void clean_reader_free(struct clean_reader *r)
{
	if (!r)
		return;
	stream_close(&r->s);
	rec_release(&r->rec);
	free(r->field);
	free(r);
}

const char *clean_reader_error(const struct clean_reader *r)
{
	return r->s.err;
}

int clean_reader_format(const struct clean_reader *r)
{
	return r->format;
}

int reader_format(const struct clean_reader *r)
{
	return r->format;
}

int clean_reader_can_go_on(const struct clean_reader *r)
{
	return r->can_go_on;
}

int reader_can_go_on(const struct clean_reader *r)
{
	return r->can_go_on;
}

uint64_t reader_raw_pos(const struct clean_reader *r)
{
	return r->s.raw_in;
}

const char *clean_reader_meta(const struct clean_reader *r, const char *key)
{
	if (!strcmp(key, "id"))
		return r->rec.id;
	if (!strcmp(key, "url"))
		return r->rec.url;
	if (!strcmp(key, "html"))
		return r->rec.html < 0 ? NULL : r->rec.html ? "1" : "0";
	return NULL;
}

/* ---- text: documents separated by form-feed lines ---- */

size_t reader_find_sep(const char *s, size_t n, int bol, size_t *seplen)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = memchr(s + i, '\f', n - i);
		if (!p)
			break;
		i = (size_t)(p - s);
		if (i > 0 ? s[i - 1] != '\n' : !bol)
			continue;
		size_t k = i + 1;
		if (k < n && s[k] == '\r')
			k++;
		if (k == n || s[k] == '\n') {
			*seplen = k < n ? k + 1 - i : k - i;
			return i;
		}
	}
	*seplen = 0;
	return n;
}

/* The bytes after the last \n or \r of s[0..n) (n when there is none). */
static size_t tail_len(const char *s, size_t n)
{
	size_t k = n;
	while (k && s[k - 1] != '\n' && s[k - 1] != '\r')
		k--;
	return n - k;
}

/* Check the longest line in the bytes not checked yet. */
static int check_lines(struct clean_reader *r)
{
	const char *s = r->s.data.ptr;
	size_t from = (size_t)(r->checked - r->s.offset);
	r->checked = r->s.offset + r->s.data.len;
	size_t end = r->s.data.len;
	if (end - from <= r->max_line - r->line_len) {
		/* No line in so few bytes can pass the limit (the usual case:
		 * a read is far below it), so only the last one's length is
		 * needed, not every line's end. */
		size_t t = tail_len(s + from, end - from);
		r->line_len = t == end - from ? r->line_len + t : t;
		return CLEAN_OK;
	}
	for (size_t i = from; i < end;) {
		/* The run up to the next \n or \r, found with memchr. */
		const char *nl = memchr(s + i, '\n', end - i);
		size_t j = nl ? (size_t)(nl - s) : end;
		const char *cr = memchr(s + i, '\r', j - i);
		if (cr)
			j = (size_t)(cr - s);
		/* line_len <= max_line here: a longer one failed before. */
		if (j - i > r->max_line - r->line_len) {
			snprintf(r->s.err, sizeof(r->s.err), "a line is longer than %zu bytes (see --max-line)", r->max_line);
			return CLEAN_ETOOBIG;
		}
		if (j == end) {
			r->line_len += j - i;
			break;
		}
		r->line_len = 0;
		i = j + 1;
	}
	return CLEAN_OK;
}

/* The document at data[start] of an uncompressed input has grown past
 * max_doc: from now on it is passed over, not kept (reading on costs no
 * more than the input's size). All but the last 3 bytes are let go (enough for
 * a separator that straddles the next read), and whether the byte before
 * them was a newline is kept for the separator test. */
static void text_start_skip(struct clean_reader *r)
{
	struct rd_stream *s = &r->s;
	size_t keep = 3;
	r->skipping = 1;
	if (s->data.len - s->start > keep) {
		size_t at = s->data.len - keep;
		r->skip_bol = s->data.ptr[at - 1] == '\n';
		s->start = at;
		if (r->scanned < at)
			r->scanned = at;
	}
}

/* End the pass over an oversized document: drop data[start, end) and
 * report it; the input goes on with the next document. */
static int text_end_skip(struct clean_reader *r, size_t end)
{
	struct rd_stream *s = &r->s;
	s->start = end;
	r->scanned = end;
	r->skipping = 0;
	r->ndocs++;
	r->can_go_on = 1;
	snprintf(s->err, sizeof(s->err), "document %zu is larger than %zu bytes (see --max-doc)", r->ndocs,
	         r->max_doc);
	return CLEAN_ETOOBIG;
}

static int text_fill(struct clean_reader *r)
{
	struct rd_stream *s = &r->s;
	if (!r->skipping && s->data.len - s->start > r->max_doc && s->codec != RD_PLAIN) {
		/* Compressed: passing over the rest could mean inflating a
		 * bomb to the end, so the input stops here. */
		snprintf(s->err, sizeof(s->err), "a document is larger than %zu bytes (see --max-doc)", r->max_doc);
		return CLEAN_ETOOBIG;
	}
	if (r->skipping || s->data.len - s->start > r->max_doc)
		text_start_skip(r);
	size_t start = s->start;
	int rc = rd_fill(s);
	if (rc)
		return rc;
	r->scanned -= start;
	return check_lines(r);
}

static int text_hand_out(struct clean_reader *r, struct rec *rec, size_t len, size_t seplen)
{
	struct rd_stream *s = &r->s;
	int rc = CLEAN_ETOOBIG;
	if (len <= r->max_doc && r->lend) {
		/* In place: the bytes stay where they are until the next
		 * read, which only the next call makes. */
		r->lent = s->data.ptr + s->start;
		r->lent_len = len;
		rc = CLEAN_OK;
	} else if (len <= r->max_doc) {
		rc = buf_add(&rec->body, s->data.ptr + s->start, len);
	}
	if (rc && rc != CLEAN_ETOOBIG)
		return rc;
	s->start += len + seplen;
	r->scanned = s->start;
	if (rc) {
		/* The whole document is in hand, so it can be passed over and
		 * the input go on. (One still growing past the limit in
		 * text_fill cannot: that ends the input.) */
		snprintf(s->err, sizeof(s->err), "document %zu is larger than %zu bytes (see --max-doc)",
		         r->ndocs + 1, r->max_doc);
		r->ndocs++;
		r->can_go_on = 1;
	}
	return rc;
}

static int text_next(struct clean_reader *r, struct rec *rec)
{
	struct rd_stream *s = &r->s;
	int rc = check_lines(r);
	if (rc)
		return rc;
	for (;;) {
		/* Rescan a little before the scan point: a separator may straddle. */
		size_t from = r->scanned > s->start + 2 ? r->scanned - 2 : s->start;
		size_t seplen;
		int bol = from == s->start ? !r->skipping || r->skip_bol : s->data.ptr[from - 1] == '\n';
		size_t at = reader_find_sep(s->data.ptr + from, s->data.len - from, bol, &seplen);
		int complete = seplen && (from + at + seplen < s->data.len || s->eof);
		if (complete && r->skipping)
			return text_end_skip(r, from + at + seplen);
		if (complete)
			return text_hand_out(r, rec, from + at - s->start, seplen);
		r->scanned = s->data.len;
		if (s->eof) {
			if (r->skipping)
				return text_end_skip(r, s->data.len);
			if (s->start >= s->data.len)
				return CLEAN_EOF;
			return text_hand_out(r, rec, s->data.len - s->start, 0);
		}
		if ((rc = text_fill(r)))
			return rc;
	}
}

int reader_next_rec(struct clean_reader *r, struct rec *rec)
{
	rec_clear(rec);
	if (r->fatal)
		return r->fatal;
	r->can_go_on = 0;
	r->s.err[0] = '\0';
	int rc;
	switch (r->format) {
	case CLEAN_FORMAT_WARC:
		rc = warc_next(&r->s, rec, r->max_doc, &r->can_go_on);
		break;
	case CLEAN_FORMAT_JSONL:
		rc = jsonl_next(&r->s, rec, r->field, r->max_doc, &r->lineno, &r->can_go_on);
		break;
	default:
		rc = text_next(r, rec);
		break;
	}
	if (rc == CLEAN_OK)
		rec->index = ++r->ndocs;
	else if (!r->can_go_on)
		r->fatal = rc;
	if (rc && rc != CLEAN_EOF && !r->s.err[0])
		snprintf(r->s.err, sizeof(r->s.err), "%s", rc == CLEAN_EIO ? strerror(errno) : clean_strerror(rc));
	return rc;
}

/* A text document is lent in place, not copied: *bytes need only last
 * until the next call (clean.h). reader_next_rec, whose records outlive
 * it (bulk.c), always copies. */
int clean_reader_next(struct clean_reader *r, const char **bytes, size_t *len)
{
	r->lend = 1;
	r->lent = NULL;
	int rc = reader_next_rec(r, &r->rec);
	r->lend = 0;
	if (rc)
		return rc;
	*bytes = r->lent ? r->lent : r->rec.body.ptr;
	*len = r->lent ? r->lent_len : r->rec.body.len;
	return CLEAN_OK;
}
