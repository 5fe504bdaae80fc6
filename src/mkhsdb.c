/*
 * mkhsdb.c: a build tool. It compiles the default rules (the rule files
 * named on the command line, in the order embed.sh embeds them) with
 * Hyperscan and writes the serialised database as C source to standard
 * output, for src/patterns.c to load at start-up instead of compiling
 * (which takes seconds for the default set). It is built from patterns.c
 * with PAT_NO_PREBUILT, so it does not depend on its own output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clean.h"
#include "patterns.h"

static int add_file(struct pat_set *ps, const char *path, struct buf *err)
{
	struct buf text;
	buf_init(&text, 0);
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&text, chunk, k))
			return 1;
	fclose(f);
	/* The same name embed.sh gives the file. */
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc = pat_set_add(ps, name, text.ptr, text.len, err);
	buf_release(&text);
	if (rc)
		fprintf(stderr, "mkhsdb: %s\n", err->ptr);
	return rc != 0;
}

int main(int argc, char **argv)
{
	struct pat_set *ps;
	struct buf err, out;
	buf_init(&err, 0);
	buf_init(&out, 0);
	if (pat_set_new(&ps))
		return 1;
	for (int i = 1; i < argc; i++)
		if (add_file(ps, argv[i], &err))
			return 1;
	if (pat_set_compile(ps, &err) || pat_prebuilt_source(ps, &out)) {
		fprintf(stderr, "mkhsdb: cannot compile the rules: %s\n", err.ptr);
		return 1;
	}
	fwrite(out.ptr, 1, out.len, stdout);
	pat_set_free(ps);
	buf_release(&err);
	buf_release(&out);
	return fflush(stdout) || ferror(stdout);
}
