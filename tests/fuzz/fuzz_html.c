/*
 * fuzz_html.c: libFuzzer target for the HTML extractor (clean_html:
 * charset, depth cap, gumbo, main-content finder, metadata, rendering).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clean_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		struct clean_opts o = { 0 };
		o.max_line = 1 << 20;
		o.max_doc = 4 << 20;
		if (clean_ctx_new(&ctx, &o))
			abort();
	}
	static const char *const keys[] = { "title", "author", "date", "sitename", "language", "url" };
	struct clean_doc *doc = NULL;
	clean_looks_like_html((const char *)data, size);
	int rc = clean_html(ctx, (const char *)data, size, "https://example.com/a/b.html", &doc);
	if (rc == CLEAN_OK) {
		size_t len;
		const char *t = clean_doc_text(doc, &len);
		if (t[len] != '\0' || (len && t[len - 1] != '\n'))
			abort();
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			clean_doc_meta(doc, keys[i]);
	} else if (doc) {
		abort();
	}
	clean_doc_free(doc);
	return 0;
}
