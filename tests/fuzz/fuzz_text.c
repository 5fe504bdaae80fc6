/*
 * fuzz_text.c: libFuzzer target for the text cleaner (clean_text: decode,
 * normalise, segment, rules, model, render). The first byte picks the
 * options so that ASCII folding and no-rewrap are covered too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clean_ctx *ctx[4];

static struct clean_ctx *get_ctx(unsigned i)
{
	if (!ctx[i]) {
		struct clean_opts o = { 0 };
		o.flags = (i & 1 ? CLEAN_F_ASCII : 0) | (i & 2 ? CLEAN_F_NO_REWRAP | CLEAN_F_KEEP_ALL : 0);
		o.max_line = 1 << 20;
		o.max_doc = 4 << 20;
		if (clean_ctx_new(&ctx[i], &o))
			abort();
	}
	return ctx[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct clean_ctx *c = get_ctx(data[0] & 3);
	struct clean_doc *doc = NULL;
	int rc = clean_text(c, (const char *)data + 1, size - 1, &doc);
	if (rc == CLEAN_OK) {
		size_t len;
		const char *t = clean_doc_text(doc, &len);
		/* The contract of clean_doc_text: NUL-terminated, "" or one final
		 * newline. */
		if (t[len] != '\0' || (len && t[len - 1] != '\n'))
			abort();
		for (size_t i = 0, n = clean_doc_nlines(doc); i < n; i++) {
			struct clean_line l;
			clean_doc_line(doc, i, &l);
			if (l.len && !l.text)
				abort();
		}
		clean_doc_replaced(doc);
	} else if (doc) {
		abort(); /* on failure *out stays NULL */
	}
	clean_doc_free(doc);
	return 0;
}
