/*
 * reader.h: byte sources, decompression, input formats and document
 * boundaries (the public side is clean_reader_* in clean.h).
 *
 * A reader reads a file or standard input in chunks. Its first bytes pick
 * the codec: gzip (1f 8b; every member of a multi-member file, one after
 * the other, as `zcat` does), zstd (28 b5 2f fd; every frame), else plain.
 * The first decompressed bytes pick the format unless the caller fixes it:
 *   - WARC when the input starts with "WARC/1." (warc.h: WARC and WET);
 *   - JSONL when the first line, after blanks and a UTF-8 BOM, is a JSON
 *     object (jsonl.h), or starts with '{' and is longer than 1 MiB;
 *   - text otherwise: all of it is one document, or its parts separated by
 *     lines that hold only a form feed ("\f\n", "\f\r\n" or "\f" at the
 *     end), the separator that bench/make-corpus and `clean` itself write.
 * Memory is bounded by the largest document: a document over max_doc
 * bytes, or a text line over max_line bytes, fails with CLEAN_ETOOBIG as
 * soon as the limit is passed, before the rest is read.
 *
 * Errors are final (every later call returns the same status) except a
 * malformed or oversized record of a container (a JSONL line that is not
 * an object, a WARC record over max_doc): it is skipped, the call returns
 * CLEAN_EFORMAT or CLEAN_ETOOBIG, and reader_can_go_on() is true.
 * Corrupt or truncated compressed data and a truncated WARC record are
 * final. The detail of every failure is in clean_reader_error().
 */
#ifndef CLEAN_READER_H
#define CLEAN_READER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clean.h"

struct json_t;

/* Position of the first document separator in s[0..n), or n when none;
 * *seplen receives its length (0 when none). bol says whether s[0] starts
 * a line. */
size_t reader_find_sep(const char *s, size_t n, int bol, size_t *seplen);

enum rd_codec { RD_PLAIN = 0, RD_GZIP, RD_ZSTD };

/* Which codec do these first bytes of a file announce? */
int rd_sniff_codec(const unsigned char *s, size_t n);
/* Which format (CLEAN_FORMAT_TEXT, _JSONL or _WARC) do these first
 * decompressed bytes announce? eof says s is the whole input. */
int rd_sniff_format(const char *s, size_t n, int eof);

/*
 * A decompressed, buffered byte stream. The unread bytes are
 * data.ptr[start..data.len); parsers consume them by advancing start.
 * rd_fill() appends at least one more chunk (moving the unread bytes to
 * the front first, so pointers into data die), or sets eof.
 */
struct rd_stream {
	int fd, own_fd, codec, eof;
	struct buf data;
	size_t start;
	uint64_t offset;        /* decompressed offset of data.ptr[0] */
	uint64_t raw_in;        /* bytes read from fd so far */
	struct rd_codec_state *z;
	char err[320];
};

int rd_fill(struct rd_stream *s);
/* Make n unread bytes available (fewer only at eof). */
int rd_need(struct rd_stream *s, size_t n);
/* The next line, its '\n' included (none at the very end): *line points
 * into data and is valid until the next rd_ call. CLEAN_EOF at the end;
 * CLEAN_ETOOBIG when the line passes max bytes. */
int rd_line(struct rd_stream *s, size_t max, const char **line, size_t *len);
/* Consume n bytes, appending them to dst (or dropping them when dst is
 * NULL). CLEAN_EOF when the input ends first (after consuming the rest). */
int rd_take(struct rd_stream *s, size_t n, struct buf *dst);
static inline uint64_t rd_pos(const struct rd_stream *s)
{
	return s->offset + s->start;
}

/* One document of an input, with what its container said about it. */
struct rec {
	struct buf body;        /* the document bytes */
	char *id, *url;         /* record id and address, or NULL */
	int html;               /* 1 HTML, 0 text, -1 unknown (sniff it) */
	size_t index;           /* 1-based document number in the input */
	uint64_t line;          /* JSONL: 1-based line number */
	uint64_t offset;        /* WARC: decompressed offset of the record */
	struct json_t *json;    /* JSONL: the object (its other fields) */
};

void rec_init(struct rec *r, size_t max);
/* Forget the metadata (and json); keep the body's memory. */
void rec_clear(struct rec *r);
void rec_release(struct rec *r);
int rec_set(char **field, const char *s, size_t n);

/* The next document of a reader into rec (cleared first). */
int reader_next_rec(struct clean_reader *r, struct rec *rec);
/* After a failed reader_next_rec: can the next call go on? */
int reader_can_go_on(const struct clean_reader *r);
int reader_format(const struct clean_reader *r);
/* Bytes read from the file so far (compressed), for progress. */
uint64_t reader_raw_pos(const struct clean_reader *r);

#endif
