/*
 * buf.h: the one growable byte buffer of libclean.
 *
 * Invariants, after buf_init() and until buf_release():
 *   - ptr is never NULL and ptr[len] == '\0' (an empty buffer points at a
 *     static "" until the first append), so ptr is always a C string, and
 *     binary-safe through len;
 *   - len < cap whenever ptr is allocated; cap never exceeds max + 1;
 *   - max is the size cap: an append that would make len exceed max fails
 *     with CLEAN_ETOOBIG and leaves the buffer as it was. An allocation
 *     failure gives CLEAN_ENOMEM and also leaves it as it was.
 * A struct buf is passed by pointer; functions never reassign the caller's
 * variable (no sds-style returned pointers).
 */
#ifndef CLEAN_BUF_H
#define CLEAN_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include <string.h>

#include "clean.h"

struct buf {
	char *ptr;
	size_t len, cap, max;
};

#define BUF_MAX_DEFAULT ((size_t)1 << 31)

void buf_init(struct buf *b, size_t max);
/* Free the memory; the buffer is then as after buf_init (same max). */
void buf_release(struct buf *b);
/* Forget the contents, keep the memory. */
static inline void buf_clear(struct buf *b) { b->len = 0; if (b->cap) b->ptr[0] = '\0'; }
/* Make room for extra more bytes (plus the NUL). */
int buf_grow(struct buf *b, size_t extra);
/* Append n bytes (binary-safe), a C string, one byte. buf_add and
 * buf_addch are inline while the bytes fit in the memory there is (as
 * cap <= max + 1, they are then within the cap too); buf_add_grown, which
 * grows the buffer first, does the rest: this runs for every line. */
int buf_add_grown(struct buf *b, const void *data, size_t n);
static inline int buf_add(struct buf *b, const void *data, size_t n)
{
	if (n >= b->cap - b->len)   /* also when nothing is allocated: cap == len == 0 */
		return buf_add_grown(b, data, n);
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return CLEAN_OK;
}
int buf_addstr(struct buf *b, const char *s);
static inline int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_add(b, &ch, 1);
}
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Cut to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* Hand the contents to the caller (malloc'd, NUL-terminated; free() it);
 * the buffer is left empty. *len may be NULL. Returns NULL on ENOMEM. */
char *buf_detach(struct buf *b, size_t *len);
/* Swap two buffers' contents. */
void buf_swap(struct buf *a, struct buf *b);

/* The growable arrays of elements (not bytes) share one growth rule:
 * returns v reallocated to twice *cap elements of elem bytes (first when
 * *cap is 0) and sets *cap, or NULL on ENOMEM or overflow, when v and
 * *cap are left as they were. Call it when the array is full. */
void *array_grow(void *v, size_t *cap, size_t elem, size_t first);

/* A malloc'd copy of s[0..n) with a NUL after it (s may hold NULs), or
 * NULL on ENOMEM. The caller frees it. */
char *mem_dup(const char *s, size_t n);

#endif
