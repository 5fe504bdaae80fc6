/* buf.c: the growable byte buffer; the contract is in buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"

static char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->ptr = buf_empty;
	b->len = b->cap = 0;
	b->max = max ? max : BUF_MAX_DEFAULT;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b, b->max);
}

int buf_grow(struct buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return CLEAN_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return CLEAN_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		return CLEAN_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return CLEAN_OK;
}

void *array_grow(void *v, size_t *cap, size_t elem, size_t first)
{
	size_t n = *cap ? *cap : first / 2 ? first / 2 : 1;
	if (n > SIZE_MAX / 2 / elem)
		return NULL;
	void *p = realloc(v, 2 * n * elem);
	if (p)
		*cap = 2 * n;
	return p;
}

int buf_add_grown(struct buf *b, const void *data, size_t n)
{
	int rc = buf_grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return CLEAN_OK;
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CLEAN_EINVAL;
	int rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return CLEAN_OK;
}

void buf_truncate(struct buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->ptr[n] = '\0';
	}
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;
	if (b->cap) {
		p = b->ptr;
	} else if (!(p = malloc(1))) {
		return NULL;
	} else {
		p[0] = '\0';
	}
	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

void buf_swap(struct buf *a, struct buf *b)
{
	struct buf t = *a;
	*a = *b;
	*b = t;
}

char *mem_dup(const char *s, size_t n)
{
	char *p = n < SIZE_MAX ? malloc(n + 1) : NULL;

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}
