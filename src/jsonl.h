/*
 * jsonl.h: documents from JSON Lines, and JSON Lines out (jansson).
 *
 * Input: one JSON object a line. Blank lines are skipped. The document is
 * the string value of `field` ("text"); a line that is not a JSON object,
 * or whose field is missing or not a string, is skipped with
 * CLEAN_EFORMAT (can go on), as is a line over max_doc bytes with
 * CLEAN_ETOOBIG. "id" (a string or an integer) and "url" (a string)
 * become rec->id and rec->url; the object is kept in rec->json with the
 * field set to null, so that the output passes the other fields through
 * in their order.
 *
 * Output (jsonl_render): one compact JSON object and '\n'. For a JSONL
 * input it is the input object with the field set to the cleaned text;
 * otherwise {"id": ID, "url": URL, "text": TEXT} where ID is rec->id or
 * "NAME#N" (input name, document number) and URL is rec->url or null.
 * Both get "removed": {CATEGORY: LINES, ...} for the categories that
 * removed lines, in category order.
 */
#ifndef CLEAN_JSONL_H
#define CLEAN_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"

/* Is s[0..n) one JSON object? */
int jsonl_is_object(const char *s, size_t n);

int jsonl_next(struct rd_stream *s, struct rec *rec, const char *field,
               size_t max_doc, uint64_t *lineno, int *can_go_on);

/* Must run once before threads use jansson (seeds its hash function). */
void jsonl_init(void);

int jsonl_render(struct buf *out, struct rec *rec, const char *field,
                 const char *name, const struct clean_doc *doc);

#endif
