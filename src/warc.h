/*
 * warc.h: documents from WARC and WET files (ISO 28500, WARC/1.0 and 1.1).
 *
 * warc_next reads records from a stream until one holds a document:
 *   - blank lines between records are skipped; a record starts with a line
 *     "WARC/1.x", then header lines "Name: value" up to a blank line, then
 *     exactly Content-Length bytes of block (a missing or bad
 *     Content-Length, or a record that does not start with "WARC/1.", is a
 *     final CLEAN_EFORMAT);
 *   - a "conversion" record (WET) is a text document;
 *   - a "response" record is an HTTP response: its status line and headers
 *     are cut off; a 2xx status with Content-Type text/html or
 *     application/xhtml+xml is an HTML document, text/plain a text one, no
 *     Content-Type one to sniff; other statuses and types are skipped; a
 *     chunked body is de-chunked (malformed: a skipped record,
 *     CLEAN_EFORMAT, can go on), then a Content-Encoding gzip, x-gzip or
 *     deflate (zlib or raw) is undone by warc_decode within max_doc bytes
 *     (more: a skipped record, CLEAN_ETOOBIG; corrupt or truncated:
 *     CLEAN_EFORMAT; both can go on); any other Content-Encoding is a
 *     skipped record (CLEAN_EFORMAT, can go on). A skipped record never
 *     hands out part of its document;
 *   - a "resource" record is a document by its own Content-Type, as above;
 *   - other records (warcinfo, request, metadata, revisit) are skipped.
 * WARC-Record-ID and WARC-Target-URI become rec->id and rec->url (angle
 * brackets around the address, as WARC/1.0 writes them, are removed);
 * rec->offset is the record's offset in the decompressed input.
 * A document block over max_doc is skipped with CLEAN_ETOOBIG (can go on);
 * skipped blocks are read through, never held. Input that ends inside a
 * record is a final CLEAN_EFORMAT ("truncated WARC record").
 */
#ifndef CLEAN_WARC_H
#define CLEAN_WARC_H

#include <stddef.h>

#include "reader.h"

int warc_next(struct rd_stream *s, struct rec *rec, size_t max_doc, int *can_go_on);

/* Content codings of an HTTP body. */
enum { WARC_ENC_IDENTITY = 0, WARC_ENC_GZIP, WARC_ENC_DEFLATE, WARC_ENC_OTHER };

/* The HTTP response head at the start of p[0..n): its length (through the
 * blank line), or 0 when there is none. *status gets the status code,
 * *html 1 (HTML), 0 (text/plain), -1 (no Content-Type) or -2 (another
 * type); *chunked whether the body is chunked; *encoded its
 * Content-Encoding, a WARC_ENC_ code (WARC_ENC_OTHER for an unknown
 * coding or more than one). */
size_t warc_http_head(const char *p, size_t n, int *status, int *html,
                      int *chunked, int *encoded);
/* Decode a chunked body in place; CLEAN_EFORMAT when it is malformed. */
int warc_dechunk(struct buf *b);
/* Undo content coding enc (WARC_ENC_GZIP: every gzip member in turn;
 * WARC_ENC_DEFLATE: zlib, or raw deflate without a zlib header) of b in
 * place. CLEAN_ETOOBIG as soon as the output passes max bytes, before
 * more is inflated; CLEAN_EFORMAT for corrupt or truncated data, with
 * the reason in why[0..n); CLEAN_EINVAL for another enc; CLEAN_ENOMEM.
 * On failure b is unchanged. An empty b stays empty. */
int warc_decode(struct buf *b, int enc, size_t max, char *why, size_t n);

#endif
