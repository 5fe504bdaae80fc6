/*
 * html_driver.c: run html_extract on pages, for measuring it.
 *
 *   html_driver [-m] FILE            segments of FILE, one a line, to stdout
 *   html_driver -o DIR FILE...       DIR/ID.txt for each FILE (ID is its
 *                                    name without .html/.html.gz); then
 *                                    pages, bytes and pages/second (of
 *                                    html_extract alone) to stderr
 * FILE may be gzip-compressed. -m also prints the metadata, as KEY: VALUE
 * lines, before the text. Exit status: 0, 1 if a page failed, 2 on usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "clean.h"
#include "buf.h"
#include "doc.h"
#include "html.h"
#include "patterns.h"

static int read_file(const char *path, struct buf *b)
{
	gzFile f = gzopen(path, "rb");
	char tmp[65536];
	int n;
	if (!f)
		return -1;
	while ((n = gzread(f, tmp, sizeof(tmp))) > 0)
		if (buf_add(b, tmp, (size_t)n))
			break;
	gzclose(f);
	return n < 0 ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void page_id(const char *path, char *id, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(id, size, "%s", base);
	char *dot = strstr(id, ".html");
	if (dot)
		*dot = '\0';
}

static void print_doc(FILE *out, const struct clean_doc *d, int meta)
{
	static const char *const names[META_N] = {
		"title", "author", "date", "sitename", "language", "url"
	};
	if (meta)
		for (int k = 0; k < META_N; k++)
			fprintf(out, "%s: %s\n", names[k], d->meta[k] ? d->meta[k] : "");
	for (size_t i = 0; i < d->nsegs; i++)
		fprintf(out, "%s\n", seg_text(d, &d->segs[i]));
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int meta = 0, i = 1, status = 0;
	struct clean_ctx ctx;
	double spent = 0;
	size_t bytes = 0, pages = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-m"))
			meta = 1;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else
			break;
	}
	if (i >= argc || (!dir && argc - i != 1)) {
		fprintf(stderr, "usage: html_driver [-m] FILE | -o DIR FILE...\n");
		return 2;
	}
	memset(&ctx, 0, sizeof(ctx));
	buf_init(&ctx.err, 0);
	if (pat_set_new(&ctx.pat))
		return 2;
	for (; i < argc; i++) {
		struct buf in;
		struct clean_doc *d;
		buf_init(&in, 0);
		if (read_file(argv[i], &in) || doc_new(&d, &ctx)) {
			fprintf(stderr, "html_driver: %s: cannot read\n", argv[i]);
			status = 1;
			buf_release(&in);
			continue;
		}
		double t0 = now();
		int rc = html_extract(d, in.ptr, in.len, NULL);
		spent += now() - t0;
		bytes += in.len;
		pages++;
		if (rc) {
			fprintf(stderr, "html_driver: %s: error %d\n", argv[i], rc);
			status = 1;
		}
		FILE *out = stdout;
		if (dir) {
			char id[256], path[4096];
			page_id(argv[i], id, sizeof(id));
			snprintf(path, sizeof(path), "%s/%s.txt", dir, id);
			out = fopen(path, "w");
			if (!out) {
				fprintf(stderr, "html_driver: %s: %s\n", path, strerror(errno));
				return 2;
			}
		}
		print_doc(out, d, meta);
		if (dir)
			fclose(out);
		clean_doc_free(d);
		buf_release(&in);
	}
	if (dir)
		fprintf(stderr, "pages=%zu bytes=%zu seconds=%.3f pages/s=%.1f MB/s=%.2f\n", pages,
		        bytes, spent, spent > 0 ? pages / spent : 0,
		        spent > 0 ? bytes / spent / 1e6 : 0);
	pat_set_free(ctx.pat);
	buf_release(&ctx.err);
	return status;
}
