/* fuzz_reader.c: libFuzzer target for the reader as the CLI uses it: gzip/zstd, format sniffing, text documents split at form-feed lines. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader_run(data, size, CLEAN_FORMAT_AUTO);
}
