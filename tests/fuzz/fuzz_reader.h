/*
 * fuzz_reader.h: the body shared by the reader targets. The input is put
 * in a memory file (memfd) and read through the public reader, so codec
 * and format sniffing, buffering and the container parser all run as they
 * do on a real file. Small limits keep each run fast.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clean.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_reader_run(const uint8_t *data, size_t size, int format)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	struct clean_opts o = { 0 };
	o.max_line = 64 << 10;
	/* The last byte picks a small --max-doc now and then, so that
	 * documents over the limit (passed over or fatal) are reached. */
	o.max_doc = size && data[size - 1] < 64 ? 16 + (size_t)data[size - 1] * 64 : 256 << 10;
	struct clean_reader *r;
	if (clean_reader_open_format(&r, path, &o, format, NULL))
		return 0;
	/* Bound the work per input: a tiny gzip member can hold many
	 * documents. */
	for (int n = 0; n < 10000; n++) {
		const char *bytes;
		size_t len;
		int rc = clean_reader_next(r, &bytes, &len);
		if (rc == CLEAN_EOF)
			break;
		if (rc) {
			if (!*clean_reader_error(r))
				abort(); /* every failure says why */
			if (!clean_reader_can_go_on(r))
				break;
			continue;
		}
		if (len > o.max_doc)
			abort();
		clean_reader_meta(r, "id");
		clean_reader_meta(r, "url");
		clean_reader_meta(r, "html");
	}
	clean_reader_format(r);
	clean_reader_free(r);
	return 0;
}
