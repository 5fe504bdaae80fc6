/*
 * fuzz_patterns.c: libFuzzer target for the pattern-file reader
 * (clean_ctx_add_patterns_mem). A file that compiles is then run over a
 * small fixed document, so the rules' matching (PCRE2 with its limits,
 * Hyperscan where built) is exercised too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
	"Home | News | Sport | Weather\n"
	"Share on Facebook Share on Twitter\n\n"
	"The council met on Tuesday to discuss the new budget, which\n"
	"raises spending on schools by four per cent.\n\n"
	"Photo: John Smith/Reuters\n"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n"
	"Copyright 2024 Example Media. All rights reserved.\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clean_opts o = { 0 };
	o.flags = CLEAN_F_NO_DEFAULTS | CLEAN_F_NO_MODEL;
	struct clean_ctx *ctx;
	if (clean_ctx_new(&ctx, &o))
		abort();
	int rc = clean_ctx_add_patterns_mem(ctx, "fuzz.rules", (const char *)data, size);
	if (rc == CLEAN_OK) {
		struct clean_doc *doc = NULL;
		if (clean_text(ctx, sample, sizeof(sample) - 1, &doc) == CLEAN_OK) {
			for (size_t i = 0, n = clean_doc_nlines(doc); i < n; i++) {
				struct clean_line l;
				clean_doc_line(doc, i, &l);
			}
		}
		clean_doc_free(doc);
	} else if (!*clean_ctx_error(ctx) && rc == CLEAN_EPATTERN) {
		abort(); /* a rejected file always says where */
	}
	clean_ctx_free(ctx);
	return 0;
}
