/*
 * fuzz_model.c: libFuzzer target for the line-model reader (model_parse).
 * A model that parses is written out again (model_write), and what is
 * written must parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "clean.h"
#include "buf.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err, out;
	struct model *m = NULL, *m2 = NULL;
	buf_init(&err, 4096);
	buf_init(&out, (size_t)1 << 30);
	int rc = model_parse(&m, "fuzz.model", (const char *)data, size, &err);
	if (rc == CLEAN_OK) {
		if (model_write(m, &out) != CLEAN_OK)
			abort();
		if (model_parse(&m2, "rewritten.model", out.ptr, out.len, &err) != CLEAN_OK)
			abort();
	} else if (m) {
		abort();
	}
	model_free(m);
	model_free(m2);
	buf_release(&out);
	buf_release(&err);
	return 0;
}
