/*
 * fuzz_feed.c: libFuzzer target for the URL-list reader of clean fetch
 * (feed_parse: plain lists, RSS, Atom, sitemaps, gzip), with a base URL
 * so that relative links are resolved.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_url(void *arg, const char *url, int is_list)
{
	size_t *n = arg;
	if (!url || strlen(url) > (size_t)64 << 20)
		abort();
	(void)is_list;
	return ++*n > 100000; /* stop absurd lists early, as a caller may */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	int kind = -1;
	feed_parse((const char *)data, size, "https://example.com/dir/feed.xml", on_url, &n, &kind);
	if (kind >= 0)
		feed_kind_name(kind);
	return 0;
}
