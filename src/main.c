/*
 * main.c: the `clean` command, a thin layer over libclean: it parses
 * options, opens inputs and outputs, and prints. Exit status: 0 all inputs
 * cleaned, 1 some inputs failed (the others were cleaned), 2 usage error or
 * fatal setup/output error.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "msg.h"
#include "cmd_learn.h"
#include "cmd_fetch.h"

enum { EXIT_FAIL_SOME = 1, EXIT_TROUBLE = 2 };

enum {
	OPT_NO_DEFAULTS = 256, OPT_LIST_CATS, OPT_ASCII, OPT_NO_REWRAP, OPT_HTML,
	OPT_TEXT, OPT_MAX_LINE, OPT_MAX_DOC, OPT_KEEP_ALL
};

/* Line model options: their own range of codes. */
enum { OPT_MODEL = 768, OPT_NO_MODEL };

/* Bulk mode options (-r, -j, formats): their own range of codes. */
enum {
	OPT_FORMAT = 512, OPT_INPUT_FORMAT, OPT_JSONL_FIELD, OPT_FORCE, OPT_SHARD
};

/* The one option table: getopt_long's entries and the --help text beside
 * each. doc/clean.1 documents the same options (tests/run-errors checks
 * that every option here is in the man page). */
static const struct option_doc options[] = {
	{ { "output-dir", required_argument, NULL, 'o' }, "DIR", "write DIR/NAME for each input FILE instead of standard output" },
	{ { "recursive", no_argument, NULL, 'r' }, NULL, "clean the files in folders and below (bulk mode; with -o: mirror the tree)" },
	{ { "jobs", required_argument, NULL, 'j' }, "N", "clean on N threads (bulk mode; default: all cores)" },
	{ { "format", required_argument, NULL, OPT_FORMAT }, "FMT", "write 'text' (default) or 'jsonl' (id, url, text, removed)" },
	{ { "input-format", required_argument, NULL, OPT_INPUT_FORMAT }, "FMT", "read inputs as 'text', 'jsonl' or 'warc' (default: from content)" },
	{ { "jsonl-field", required_argument, NULL, OPT_JSONL_FIELD }, "NAME", "JSONL field holding the text (default: text)" },
	{ { "force", no_argument, NULL, OPT_FORCE }, NULL, "with -o in bulk mode, redo outputs that exist (default: skip them)" },
	{ { "shard", required_argument, NULL, OPT_SHARD }, "K/N", "clean only shard K (0 to N-1) of N of the inputs (bulk mode)" },
	{ { "patterns", required_argument, NULL, 'p' }, "FILE", "add the rules of a pattern file (may be repeated)" },
	{ { "no-default-patterns", no_argument, NULL, OPT_NO_DEFAULTS }, NULL, "do not load the built-in rules" },
	{ { "model", required_argument, NULL, OPT_MODEL }, "FILE", "judge lines with this line model instead of the built-in one" },
	{ { "no-model", no_argument, NULL, OPT_NO_MODEL }, NULL, "judge lines by the rules alone, without the line model" },
	{ { "keep", required_argument, NULL, 'k' }, "CATS", "keep the lines of these categories (comma-separated, or 'all')" },
	{ { "drop", required_argument, NULL, 'd' }, "CATS", "drop the lines of these categories (the default for all)" },
	{ { "keep-all", no_argument, NULL, OPT_KEEP_ALL }, NULL, "drop nothing, only normalise (with --explain: show the decisions)" },
	{ { "list-categories", no_argument, NULL, OPT_LIST_CATS }, NULL, "list the categories of the loaded rules and exit" },
	{ { "ascii", no_argument, NULL, OPT_ASCII }, NULL, "fold typographic quotes, dashes and ellipses to ASCII" },
	{ { "no-rewrap", no_argument, NULL, OPT_NO_REWRAP }, NULL, "keep hard-wrapped lines as they are" },
	{ { "html", no_argument, NULL, OPT_HTML }, NULL, "read every input as HTML" },
	{ { "text", no_argument, NULL, OPT_TEXT }, NULL, "read every input as text, even if it looks like HTML" },
	{ { "explain", no_argument, NULL, 'e' }, NULL, "print each line with its decision and the rule behind it" },
	{ { "stats", no_argument, NULL, 's' }, NULL, "print removed lines by category to standard error" },
	{ { "max-line", required_argument, NULL, OPT_MAX_LINE }, "BYTES", "longest input line accepted (default 64M)" },
	{ { "max-doc", required_argument, NULL, OPT_MAX_DOC }, "BYTES", "largest input document accepted (default 1G)" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "do not print warnings" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
	{ { "version", no_argument, NULL, 'V' }, NULL, "print the version and exit" },
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

struct cli {
	struct clean_opts opts;
	const char *outdir;
	struct clean_bulk_opts bulk;   /* bulk mode, when bulk_mode */
	int bulk_mode;
	const char **patterns;
	const char *model;      /* --model FILE */
	size_t npatterns;
	const char **cats;      /* "+name" keep or "-name" drop, in order */
	size_t ncats;
	int explain, stats, list_cats, force_html, force_text;
	size_t ndocs, nlines, nkept, *removed;
};

static void usage(void)
{
	printf("usage: %s [OPTIONS] [FILE...]\n\n", msg_prog);
	puts("Clean scraped web text or HTML into archive-ready plain text: boilerplate\n"
	     "lines (share bars, captions, comment prompts, promos, related links,\n"
	     "copyright footers, menus, cookie banners, a repeated title) are removed,\n"
	     "and the rest is normalised (UTF-8, NFC, entities and mojibake repaired,\n"
	     "clean whitespace and paragraphs). With no FILE, or FILE '-', standard\n"
	     "input is read. Documents inside one input are separated by lines holding\n"
	     "only a form feed, and written the same way.\n");
	puts("example: clean page.txt > page.clean.txt\n");
	puts("subcommands (each with its own --help):\n"
	     "  clean learn   train a line model or learn rules from a corpus\n"
	     "  clean fetch   fetch URLs (or feeds, sitemaps) and clean the pages\n");
	puts("options:");
	options_print(options, NOPTIONS, 28);
	puts("\nexit status: 0 all inputs cleaned, 1 some inputs failed (the others\n"
	     "were cleaned), 2 usage error or trouble writing the output.");
}

static unsigned parse_jobs(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v == 0 || v > 1024)
		usage_error("invalid number of jobs '%s' (1 to 1024)", s);
	return (unsigned)v;
}

static int parse_format(const char *opt, const char *s, int input)
{
	if (!strcmp(s, "text"))
		return CLEAN_FORMAT_TEXT;
	if (!strcmp(s, "jsonl"))
		return CLEAN_FORMAT_JSONL;
	if (input && !strcmp(s, "warc"))
		return CLEAN_FORMAT_WARC;
	if (input && !strcmp(s, "auto"))
		return CLEAN_FORMAT_AUTO;
	usage_error("invalid format '%s' for --%s", s, opt);
}

static void parse_shard(const char *s, struct clean_bulk_opts *b)
{
	char *end;
	errno = 0;
	unsigned long k = strtoul(s, &end, 10), n = 0;
	if (!errno && end != s && *end == '/' && isdigit((unsigned char)end[1]))
		n = strtoul(end + 1, &end, 10);
	if (errno || *end || *s == '-' || n == 0 || n > 1000000 || k >= n)
		usage_error("invalid shard '%s' (want K/N with 0 <= K < N)", s);
	b->shard = (unsigned)k;
	b->nshards = (unsigned)n;
}

static void add_list(const char ***list, size_t *n, const char *item)
{
	const char **p = realloc(*list, (*n + 1) * sizeof(**list));
	if (!p) {
		errorf(NULL, "out of memory");
		exit(EXIT_TROUBLE);
	}
	p[(*n)++] = item;
	*list = p;
}

/* Free what parse_args and setup allocated. */
static void cli_release(struct cli *c)
{
	for (size_t i = 0; i < c->ncats; i++)
		free((char *)c->cats[i]);
	free(c->cats);
	free(c->patterns);
	free(c->removed);
}

static void add_categories(struct cli *c, const char *arg, char sign)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy) {
		errorf(NULL, "out of memory");
		exit(EXIT_TROUBLE);
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *item = malloc(strlen(t) + 2);
		if (!item)
			exit(EXIT_TROUBLE);
		item[0] = sign;
		strcpy(item + 1, t);
		add_list(&c->cats, &c->ncats, item);
	}
	free(copy);
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	struct option longopts[NOPTIONS + 1];
	options_getopt(options, NOPTIONS, longopts);
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:p:k:d:esqhVrj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': c->outdir = optarg; break;
		case 'r': c->bulk.recursive = c->bulk_mode = 1; break;
		case 'j': c->bulk.jobs = parse_jobs(optarg); c->bulk_mode = 1; break;
		case OPT_FORMAT: c->bulk.out_format = parse_format("format", optarg, 0); c->bulk_mode = 1; break;
		case OPT_INPUT_FORMAT: c->bulk.in_format = parse_format("input-format", optarg, 1); c->bulk_mode = 1; break;
		case OPT_JSONL_FIELD: c->bulk.jsonl_field = optarg; c->bulk_mode = 1; break;
		case OPT_FORCE: c->bulk.force = c->bulk_mode = 1; break;
		case OPT_SHARD: parse_shard(optarg, &c->bulk); c->bulk_mode = 1; break;
		case 'p': add_list(&c->patterns, &c->npatterns, optarg); break;
		case 'k': add_categories(c, optarg, '+'); break;
		case 'd': add_categories(c, optarg, '-'); break;
		case 'e': c->explain = 1; break;
		case 's': c->stats = 1; break;
		case 'q': msg_quiet = 1; break;
		case 'h': usage(); exit(0);
		case 'V': printf("clean %s\n", clean_version()); exit(0);
		case OPT_NO_DEFAULTS: c->opts.flags |= CLEAN_F_NO_DEFAULTS; break;
		case OPT_MODEL: c->model = optarg; break;
		case OPT_NO_MODEL: c->opts.flags |= CLEAN_F_NO_MODEL; break;
		case OPT_KEEP_ALL: c->opts.flags |= CLEAN_F_KEEP_ALL; break;
		case OPT_LIST_CATS: c->list_cats = 1; break;
		case OPT_ASCII: c->opts.flags |= CLEAN_F_ASCII; break;
		case OPT_NO_REWRAP: c->opts.flags |= CLEAN_F_NO_REWRAP; break;
		case OPT_HTML: c->force_html = 1; c->force_text = 0; break;
		case OPT_TEXT: c->force_text = 1; c->force_html = 0; break;
		case OPT_MAX_LINE: c->opts.max_line = parse_size("max-line", optarg); break;
		case OPT_MAX_DOC: c->opts.max_doc = parse_size("max-doc", optarg); break;
		case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	return optind;
}

/* Build the context: defaults, pattern files, category choices. */
static struct clean_ctx *setup(struct cli *c)
{
	struct clean_ctx *ctx;
	int rc = clean_ctx_new(&ctx, &c->opts);
	if (rc) {
		errorf(NULL, "cannot load the built-in rules: %s", rc == CLEAN_EPATTERN ? "malformed" : clean_strerror(rc));
		exit(EXIT_TROUBLE);
	}
	for (size_t i = 0; i < c->npatterns; i++)
		if (clean_ctx_add_patterns(ctx, c->patterns[i])) {
			errorf(NULL, "%s", clean_ctx_error(ctx));
			exit(EXIT_TROUBLE);
		}
	/* --no-model wins over --model, whatever their order. */
	if (c->model && !(c->opts.flags & CLEAN_F_NO_MODEL) && (rc = clean_ctx_load_model(ctx, c->model))) {
		errorf(NULL, "%s", clean_ctx_error(ctx));
		exit(EXIT_TROUBLE);
	}
	for (size_t i = 0; i < c->ncats; i++)
		if (clean_ctx_set_category(ctx, c->cats[i] + 1, c->cats[i][0] == '+'))
			usage_error("%s (see --list-categories)", clean_ctx_error(ctx));
	c->removed = calloc(clean_ctx_ncategories(ctx), sizeof(*c->removed));
	if (!c->removed)
		exit(EXIT_TROUBLE);
	return ctx;
}

static int write_all(FILE *f, const char *s, size_t n)
{
	return fwrite(s, 1, n, f) == n ? 0 : -1;
}

static int print_explain(FILE *f, const struct clean_doc *d)
{
	static const char mark[] = { '+', '-', '~', ' ' };
	for (size_t i = 0; i < clean_doc_nlines(d); i++) {
		struct clean_line l;
		clean_doc_line(d, i, &l);
		char why[160] = "";
		if (l.category || l.rule)
			snprintf(why, sizeof(why), "%s%s%s", l.category ? l.category : "",
			         l.category && l.rule ? " " : "", l.rule ? l.rule : "");
		/* With the line model: its score and deciding features too. */
		char model[96] = "";
		if (l.features)
			snprintf(model, sizeof(model), "%+6.2f %-40s ", l.score, l.features);
		if (fprintf(f, "%c %6zu %-34s %s| %.*s\n", mark[l.decision & 3], l.lineno, why, model,
		            (int)(l.len > INT_MAX ? INT_MAX : l.len), l.text) < 0)
			return -1;
	}
	return 0;
}

static void count(struct cli *c, const struct clean_ctx *ctx, const struct clean_doc *d)
{
	c->ndocs++;
	c->nlines += clean_doc_nlines(d);
	c->nkept += clean_doc_nkept(d);
	for (size_t k = 0; k < clean_ctx_ncategories(ctx); k++)
		c->removed[k] += clean_doc_removed(d, k);
}

static int clean_one(struct cli *c, struct clean_ctx *ctx, const char *bytes, size_t len,
                     struct clean_doc **d)
{
	int html = c->force_html || (!c->force_text && clean_looks_like_html(bytes, len));
	return html ? clean_html(ctx, bytes, len, NULL, d) : clean_text(ctx, bytes, len, d);
}

static const char *doc_error(int rc, const struct clean_ctx *ctx)
{
	switch (rc) {
	case CLEAN_ETOOBIG: return "a line or document is over its size limit (see --max-line, --max-doc)";
	case CLEAN_EBINARY: return "binary file (NUL bytes), not cleaned";
	default: return clean_strerror(rc);
	}
}

/* Write one cleaned document to f, after a form feed line when it is
 * not the first; a write error sets *wfail. */
static void write_doc(struct cli *c, struct clean_ctx *ctx, FILE *f, struct clean_doc *d,
                      const char *name, int *first, int *wfail)
{
	if (clean_doc_replaced(d))
		warnf(name, "%zu undecodable byte%s replaced by U+FFFD", clean_doc_replaced(d),
		      clean_doc_replaced(d) == 1 ? "" : "s");
	if (!*first && write_all(f, "\f\n", 2))
		*wfail = 1;
	*first = 0;
	size_t tlen;
	const char *text = clean_doc_text(d, &tlen);
	if (c->explain ? print_explain(f, d) : write_all(f, text, tlen))
		*wfail = 1;
	count(c, ctx, d);
}

/* Clean every document of one input into f. Returns 0, or 1 when the
 * input or any of its documents failed; sets *wfail on a write error. */
static int run_input(struct cli *c, struct clean_ctx *ctx, const char *path, FILE *f,
                     int *first, int *wfail)
{
	const char *name = msg_name(path);
	struct clean_reader *r;
	int rc = clean_reader_open(&r, path, &c->opts);
	if (rc) {
		errorf(name, "%s", rc == CLEAN_EIO ? strerror(errno) : clean_strerror(rc));
		return 1;
	}
	const char *bytes;
	size_t len;
	int failed = 0;
	/* A record the reader skips (a bad JSONL line, a corrupt WARC body)
	 * or a document that fails is reported and the input goes on: the
	 * rest of it is not lost. A reader that cannot go on ends it. */
	while (!*wfail && (rc = clean_reader_next(r, &bytes, &len)) != CLEAN_EOF) {
		if (rc) {
			const char *detail = clean_reader_error(r);
			errorf(name, "%s", *detail ? detail : clean_strerror(rc));
			failed = 1;
			if (clean_reader_can_go_on(r))
				continue;
			break;
		}
		struct clean_doc *d;
		rc = clean_one(c, ctx, bytes, len, &d);
		if (rc) {
			errorf(name, "%s", doc_error(rc, ctx));
			failed = 1;
			if (rc == CLEAN_ENOMEM)
				break;
			continue;
		}
		write_doc(c, ctx, f, d, name, first, wfail);
		clean_doc_free(d);
	}
	clean_reader_free(r);
	return failed;
}

/* Is the input the same file as our standard output? (clean f > f) */
static int same_as_stdout(const char *path)
{
	struct stat in, out;
	if (!strcmp(path, "-") || fstat(STDOUT_FILENO, &out) || !S_ISREG(out.st_mode))
		return 0;
	return stat(path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino;
}

static const char *base_name(const char *path)
{
	if (!strcmp(path, "-"))
		return "stdin";
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Clean one input into OUTDIR/NAME through a temporary file renamed into
 * place, so an interrupted run leaves no half-written output. */
static int run_to_dir(struct cli *c, struct clean_ctx *ctx, const char *path)
{
	char dst[PATH_MAX], tmp[PATH_MAX];
	const char *base = base_name(path);
	if (!*base || snprintf(dst, sizeof(dst), "%s/%s", c->outdir, base) >= (int)sizeof(dst) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", c->outdir, base) >= (int)sizeof(tmp)) {
		errorf(msg_name(path), "output file name too long");
		return 1;
	}
	struct stat in, out;
	if (strcmp(path, "-") && stat(path, &in) == 0 && stat(dst, &out) == 0 &&
	    in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
		errorf(msg_name(path), "input file is also the output");
		return 1;
	}
	int fd = mkstemp(tmp);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		errorf(dst, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	int first = 1, wfail = 0;
	int failed = run_input(c, ctx, path, f, &first, &wfail);
	if (fclose(f) != 0)
		wfail = 1;
	if (wfail)
		errorf(dst, "write error: %s", strerror(errno));
	if (failed || wfail || rename(tmp, dst) != 0) {
		if (!failed && !wfail)
			errorf(dst, "%s", strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

static void check_outdir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) {
		errorf(dir, "cannot create the output folder: %s", strerror(errno));
		exit(EXIT_TROUBLE);
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errorf(dir, "not a folder");
		exit(EXIT_TROUBLE);
	}
}

/* Two inputs with the same base name would overwrite each other's output. */
static int seen_base(char **argv, int from, int i)
{
	for (int j = from; j < i; j++)
		if (!strcmp(base_name(argv[j]), base_name(argv[i])))
			return 1;
	return 0;
}

static void print_stats(const struct cli *c, const struct clean_ctx *ctx)
{
	fprintf(stderr, "%s: stats: documents %zu, lines %zu, kept %zu, removed %zu\n",
	        msg_prog, c->ndocs, c->nlines, c->nkept, c->nlines - c->nkept);
	for (size_t k = 0; k < clean_ctx_ncategories(ctx); k++)
		if (c->removed[k])
			fprintf(stderr, "%s: stats: removed %-12s %zu\n", msg_prog,
			        clean_ctx_category(ctx, k), c->removed[k]);
}

/* Bulk mode: a progress bar on a terminal, messages, the summary. */
static int bar_shown;

static void bar_clear(void)
{
	if (bar_shown)
		fputs("\r\033[K", stderr);
	bar_shown = 0;
}

static void on_bulk_error(void *arg, const char *subject, const char *msg)
{
	bar_clear();
	errorf(subject ? msg_name(subject) : NULL, "%s", msg);
}

static void on_bulk_warning(void *arg, const char *subject, const char *msg)
{
	if (!msg_quiet)
		bar_clear();
	warnf(subject ? msg_name(subject) : NULL, "%s", msg);
}

static void on_bulk_progress(void *arg, const struct clean_bulk_progress *p)
{
	double mb = (double)p->bytes_done / 1e6, rate = p->seconds > 0 ? mb / p->seconds : 0;
	char bar[21] = "", eta[400] = "";
	if (p->bytes_total) {
		double f = (double)p->bytes_done / (double)p->bytes_total;
		f = f > 1 ? 1 : f;
		for (int i = 0; i < 20; i++)
			bar[i] = i < (int)(f * 20) ? '#' : '.';
		bar[20] = '\0';
		long left = rate > 0 && f < 1 ? (long)(((double)p->bytes_total / 1e6 - mb) / rate) : 0;
		snprintf(eta, sizeof(eta), " %3.0f%% ETA %ld:%02ld", f * 100, left / 60, left % 60);
	}
	fprintf(stderr, "\r%s%s%s %llu docs %.1f MB %.1f MB/s%s\033[K", bar[0] ? "[" : "", bar,
	        bar[0] ? "]" : "", p->docs, mb, rate, eta);
	bar_shown = 1;
}

static int run_bulk(struct cli *c, struct clean_ctx *ctx, char **inputs, int ninputs)
{
	if (c->explain)
		usage_error("--explain cannot be used in bulk mode (-r, -j, --format...)");
	c->bulk.outdir = c->outdir;
	c->bulk.html = c->force_html ? 1 : c->force_text ? -1 : 0;
	c->bulk.on_error = on_bulk_error;
	c->bulk.on_warning = on_bulk_warning;
	if (isatty(STDERR_FILENO) && !msg_quiet) {
		c->bulk.on_progress = on_bulk_progress;
		c->bulk.progress_every = 0.25;
	}
	struct clean_bulk_stats st = { .removed = c->removed };
	int rc = clean_bulk_run(ctx, &c->bulk, (const char *const *)inputs, (size_t)ninputs, stdout, &st);
	bar_clear();
	if (rc == CLEAN_EIO || (fflush(stdout) || ferror(stdout))) {
		errorf(NULL, "write error: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	if (rc)
		return rc == CLEAN_EINVAL ? EXIT_TROUBLE : (errorf(NULL, "%s", clean_strerror(rc)), EXIT_TROUBLE);
	if (c->stats) {
		fprintf(stderr, "%s: stats: %llu inputs cleaned, %llu skipped (done before), %llu failed, %.1f MB read\n",
		        msg_prog, st.inputs, st.skipped, st.failed, (double)st.bytes_in / 1e6);
		c->ndocs = st.docs;
		c->nlines = st.lines;
		c->nkept = st.kept;
		print_stats(c, ctx);
		if (st.docs_failed)
			fprintf(stderr, "%s: stats: %llu documents failed\n", msg_prog, st.docs_failed);
	}
	return st.failed || st.docs_failed ? EXIT_FAIL_SOME : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "learn"))
		return cmd_learn(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "fetch"))
		return cmd_fetch(argc - 1, argv + 1);
	/* Documents come out a few KiB each: in a 64 KiB buffer, not the
	 * 4 KiB stdio gives a file or a pipe, they take a sixteenth of the
	 * write calls. A terminal keeps its line buffering. (glibc takes
	 * the size only with the memory.) */
	static char outbuf[64 * 1024];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	struct cli c;
	memset(&c, 0, sizeof(c));
	int first_arg = parse_args(&c, argc, argv);
	struct clean_ctx *ctx = setup(&c);
	if (c.list_cats) {
		for (size_t k = 0; k < clean_ctx_ncategories(ctx); k++)
			printf("%s\n", clean_ctx_category(ctx, k));
		clean_ctx_free(ctx);
		cli_release(&c);
		return fclose(stdout) ? EXIT_TROUBLE : 0;
	}
	static char *stdin_only[] = { "-", NULL };
	char **inputs = first_arg < argc ? argv + first_arg : stdin_only;
	int ninputs = first_arg < argc ? argc - first_arg : 1;
	if (c.bulk_mode) {
		int st = run_bulk(&c, ctx, inputs, ninputs);
		if (fclose(stdout) && st != EXIT_TROUBLE) {
			errorf(NULL, "write error: %s", strerror(errno));
			st = EXIT_TROUBLE;
		}
		clean_ctx_free(ctx);
		cli_release(&c);
		return st;
	}
	if (c.outdir)
		check_outdir(c.outdir);
	int status = 0, first = 1, wfail = 0;
	for (int i = 0; i < ninputs && !wfail; i++) {
		if (c.outdir) {
			if (seen_base(inputs, 0, i)) {
				errorf(msg_name(inputs[i]), "another input has the same name; its output would be overwritten");
				status = EXIT_FAIL_SOME;
			} else if (run_to_dir(&c, ctx, inputs[i])) {
				status = EXIT_FAIL_SOME;
			}
		} else if (same_as_stdout(inputs[i])) {
			errorf(msg_name(inputs[i]), "input file is also the output");
			status = EXIT_FAIL_SOME;
		} else if (run_input(&c, ctx, inputs[i], stdout, &first, &wfail)) {
			status = EXIT_FAIL_SOME;
		}
	}
	if (c.stats)
		print_stats(&c, ctx);
	if (fflush(stdout) || ferror(stdout) || wfail) {
		errorf(NULL, "write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	if (fclose(stdout) && status != EXIT_TROUBLE) {
		errorf(NULL, "write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	clean_ctx_free(ctx);
	cli_release(&c);
	return status;
}
