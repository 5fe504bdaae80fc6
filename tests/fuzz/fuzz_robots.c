/*
 * fuzz_robots.c: libFuzzer target for the robots.txt reader (robots_parse)
 * and its matcher (robots_allowed with '*' and '$' patterns). The input's
 * last line is the path asked about; the rest is the robots.txt.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t cut = size;
	while (cut > 0 && s[cut - 1] != '\n')
		cut--;
	char *path = malloc(size - cut + 2);
	if (!path)
		return 0;
	path[0] = '/';
	memcpy(path + 1, s + cut, size - cut);
	path[size - cut + 1] = '\0';
	struct robots *r = NULL;
	if (robots_parse(&r, s, cut, "clean") == CLEAN_OK) {
		robots_allowed(r, path);
		robots_allowed(r, path + 1);
		robots_allowed(r, "/robots.txt");
		robots_crawl_delay(r);
	}
	robots_free(r);
	free(path);
	return 0;
}
