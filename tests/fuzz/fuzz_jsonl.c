/* fuzz_jsonl.c: libFuzzer target for the JSON Lines reader (jsonl.c), format fixed. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader_run(data, size, CLEAN_FORMAT_JSONL);
}
