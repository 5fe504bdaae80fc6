/* jsonl.c: JSON Lines in and out (contract in jsonl.h). */
#include "jsonl.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "doc.h"

int jsonl_is_object(const char *s, size_t n)
{
	json_t *v = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	int ok = v && json_is_object(v);
	json_decref(v);
	return ok;
}

static pthread_once_t jsonl_once = PTHREAD_ONCE_INIT;

static void jsonl_seed(void)
{
	json_object_seed(0);
}

void jsonl_init(void)
{
	pthread_once(&jsonl_once, jsonl_seed);
}

/* Skip the rest of an over-long line without holding it. */
static int skip_line(struct rd_stream *s)
{
	for (;;) {
		const char *p = s->data.ptr + s->start;
		const char *nl = memchr(p, '\n', s->data.len - s->start);
		if (nl) {
			s->start += (size_t)(nl - p) + 1;
			return CLEAN_OK;
		}
		s->start = s->data.len;
		if (s->eof)
			return CLEAN_OK;
		int rc = rd_fill(s);
		if (rc)
			return rc;
	}
}

static int is_blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!memchr(" \t\r\n", s[i], 4))
			return 0;
	return 1;
}

static int bad_line(struct rd_stream *s, uint64_t lineno, int *can_go_on, int rc, const char *why)
{
	snprintf(s->err, sizeof(s->err), "line %" PRIu64 ": %s", lineno, why);
	*can_go_on = 1;
	return rc;
}

/* Take id, url and the document out of the object. */
static int take_fields(struct rec *rec, json_t *obj, const char *field)
{
	json_t *t = json_object_get(obj, field);
	int rc = buf_add(&rec->body, json_string_value(t), json_string_length(t));
	if (rc)
		return rc;
	json_t *id = json_object_get(obj, "id"), *url = json_object_get(obj, "url");
	char num[32];
	if (json_is_string(id))
		rc = rec_set(&rec->id, json_string_value(id), json_string_length(id));
	else if (json_is_integer(id)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
		rc = rec_set(&rec->id, num, strlen(num));
	}
	if (!rc && json_is_string(url))
		rc = rec_set(&rec->url, json_string_value(url), json_string_length(url));
	/* The text now lives in the body: keep the field's place, not its copy. */
	if (!rc && json_object_set_new(obj, field, json_null()))
		rc = CLEAN_ENOMEM;
	return rc;
}

int jsonl_next(struct rd_stream *s, struct rec *rec, const char *field,
               size_t max_doc, uint64_t *lineno, int *can_go_on)
{
	const char *line;
	size_t n;
	int rc;
	do {
		rc = rd_line(s, max_doc, &line, &n);
		++*lineno;
	} while (!rc && is_blank_line(line, n));
	if (rc == CLEAN_EOF)
		--*lineno;
	if (rc == CLEAN_ETOOBIG) {
		rc = skip_line(s);
		return rc ? rc : bad_line(s, *lineno, can_go_on, CLEAN_ETOOBIG, "longer than --max-doc");
	}
	if (rc)
		return rc;
	rec->line = *lineno;
	json_error_t err;
	json_t *obj = json_loadb(line, n, JSON_ALLOW_NUL, &err);
	if (!obj || !json_is_object(obj)) {
		char why[200];
		snprintf(why, sizeof(why), "not a JSON object%s%s", obj ? "" : ": ", obj ? "" : err.text);
		json_decref(obj);
		return bad_line(s, *lineno, can_go_on, CLEAN_EFORMAT, why);
	}
	if (!json_is_string(json_object_get(obj, field))) {
		char why[200];
		snprintf(why, sizeof(why), "no string field '%.100s'", field);
		json_decref(obj);
		return bad_line(s, *lineno, can_go_on, CLEAN_EFORMAT, why);
	}
	rec->json = obj;
	return take_fields(rec, obj, field);
}

static int dump_to_buf(const char *s, size_t n, void *arg)
{
	return buf_add(arg, s, n) ? -1 : 0;
}

static json_t *removed_object(const struct clean_doc *doc)
{
	json_t *o = json_object();
	for (size_t k = 0; o && k < clean_ctx_ncategories(doc->ctx); k++) {
		size_t n = clean_doc_removed(doc, k);
		if (n && json_object_set_new(o, clean_ctx_category(doc->ctx, k), json_integer((json_int_t)n))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* A JSON string, or null when s is NULL or not valid UTF-8. */
static json_t *str_or_null(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	return v ? v : json_null();
}

static json_t *new_object(const struct rec *rec, const char *name)
{
	json_t *o = json_object();
	struct buf id;
	buf_init(&id, 0);
	if (!rec->id && buf_addf(&id, "%s#%zu", name, rec->index)) {
		json_decref(o);
		return NULL;
	}
	if (!o || json_object_set_new(o, "id", str_or_null(rec->id ? rec->id : id.ptr)) ||
	    json_object_set_new(o, "url", str_or_null(rec->url))) {
		json_decref(o);
		o = NULL;
	}
	buf_release(&id);
	return o;
}

int jsonl_render(struct buf *out, struct rec *rec, const char *field,
                 const char *name, const struct clean_doc *doc)
{
	size_t len;
	const char *text = clean_doc_text(doc, &len);
	json_t *o = rec->json ? json_incref(rec->json) : new_object(rec, name);
	const char *key = rec->json ? field : "text";
	json_t *removed = removed_object(doc);
	int rc = CLEAN_ENOMEM;
	if (o && removed && !json_object_set_new(o, key, json_stringn(text, len)) &&
	    !json_object_set_new(o, "removed", removed)) {
		removed = NULL;
		rc = json_dump_callback(o, dump_to_buf, out, JSON_COMPACT) ? CLEAN_ENOMEM : buf_addch(out, '\n');
	}
	json_decref(removed);
	json_decref(o);
	return rc;
}
