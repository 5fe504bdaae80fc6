/*
 * cmd_learn.c: `clean learn`, options and files only; the learning is in
 * the library (learn.h).
 *
 *   clean learn --supervised RAW_DIR GOLD_DIR [RAW_DIR GOLD_DIR...] -o MODEL
 *
 * Every file RAW_DIR/NAME with a GOLD_DIR/NAME is a training pair; pairs
 * are read in byte order of NAME, pair folders in command-line order, so
 * a run is reproducible. Exit status: 0 model written, 1 some pairs could
 * not be read (the model is still written from the others), 2 usage error
 * or nothing to learn from or the model could not be written.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "cmd_learn.h"
#include "doc.h"
#include "learn.h"
#include "model.h"
#include "msg.h"

enum { LEARN_TROUBLE = 2, OPT_HASH_BITS = 256, OPT_COST, OPT_GUARD, OPT_MIN_LINES };

/* Inputs larger than this are not training material. */
#define LEARN_FILE_MAX ((size_t)64 << 20)

struct learn_option {
	struct option opt;
	const char *arg, *help;
};

static const struct learn_option learn_options[] = {
	{ { "supervised", no_argument, NULL, 's' }, NULL, "learn the line model from RAW_DIR GOLD_DIR pairs" },
	{ { "output", required_argument, NULL, 'o' }, "FILE", "write the model to FILE ('-': standard output)" },
	{ { "hash-bits", required_argument, NULL, OPT_HASH_BITS }, "N", "hashed word features in 2^N buckets, 0 for none (default 14)" },
	{ { "cost", required_argument, NULL, OPT_COST }, "C", "inverse regularisation strength (default 1)" },
	{ { "guard", required_argument, NULL, OPT_GUARD }, "SHARE", "leave documents with this share of prose words to the rules (default 0.9)" },
	{ { "min-lines", required_argument, NULL, OPT_MIN_LINES }, "N", "leave documents of fewer than N lines to the rules (default 20)" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "do not print progress" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
};
#define NLEARN_OPTIONS (sizeof(learn_options) / sizeof(learn_options[0]))

static const char synopsis[] = "usage: %s learn --supervised RAW_DIR GOLD_DIR [RAW_DIR GOLD_DIR...] -o MODEL\n";

static void learn_usage(void)
{
	printf(synopsis, msg_prog);
	puts("\nTrain the line model: each RAW_DIR/NAME (a scraped dump) is cleaned\n"
	     "with the rules, its lines are labelled by aligning them to the gold\n"
	     "article text GOLD_DIR/NAME, and a logistic regression with a sequence\n"
	     "pass is fitted and written as a model file for 'clean --model'.\n");
	puts("example: clean learn --supervised dumps/ gold/ -o site.model\n");
	puts("options:");
	for (size_t i = 0; i < NLEARN_OPTIONS; i++) {
		const struct learn_option *o = &learn_options[i];
		char left[64];
		snprintf(left, sizeof(left), "%s%c%s --%s%s%s", o->opt.val < 256 ? "-" : " ",
		         o->opt.val < 256 ? o->opt.val : ' ', o->opt.val < 256 ? "," : " ",
		         o->opt.name, o->arg ? "=" : "", o->arg ? o->arg : "");
		printf("  %-26s %s\n", left, o->help);
	}
	puts("\nexit status: 0 model written, 1 some pairs could not be read (the\n"
	     "model was learnt from the others), 2 usage error or no model written.");
}

static void __attribute__((noreturn, format(printf, 1, 2))) learn_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", msg_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, synopsis, msg_prog);
	fprintf(stderr, "Try '%s learn --help' for more information.\n", msg_prog);
	exit(LEARN_TROUBLE);
}

static double parse_number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		learn_usage_error("invalid value '%s' for --%s", s, opt);
	return v;
}

/* A whole file into b; 0 or -1 with errno set. */
static int slurp(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	buf_clear(b);
	char tmp[65536];
	size_t k;
	int rc = 0;
	while (!rc && (k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (buf_add(b, tmp, k)) {
			errno = EFBIG;
			rc = -1;
		}
	if (!rc && ferror(f))
		rc = -1;
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Add every RAW/NAME, GOLD/NAME pair; returns how many failed, or -1 when
 * the folder cannot be read. */
static int add_pairs(struct learn_sup *l, struct clean_ctx *ctx, const char *raw,
                     const char *gold, int quiet)
{
	struct dirent **names;
	int n = scandir(raw, &names, not_hidden, by_name);
	if (n < 0) {
		errorf(raw, "%s", strerror(errno));
		return -1;
	}
	struct buf rb, gb;
	buf_init(&rb, LEARN_FILE_MAX);
	buf_init(&gb, LEARN_FILE_MAX);
	int failed = 0, used = 0;
	for (int i = 0; i < n; i++) {
		char rp[PATH_MAX], gp[PATH_MAX];
		if (snprintf(rp, sizeof(rp), "%s/%s", raw, names[i]->d_name) >= (int)sizeof(rp) ||
		    snprintf(gp, sizeof(gp), "%s/%s", gold, names[i]->d_name) >= (int)sizeof(gp)) {
			errorf(names[i]->d_name, "file name too long");
			failed++;
		} else if (slurp(gp, &gb)) {
			if (errno != ENOENT) {
				errorf(gp, "%s", strerror(errno));
				failed++;
			}
		} else if (slurp(rp, &rb)) {
			errorf(rp, "%s", strerror(errno));
			failed++;
		} else {
			int rc = learn_sup_add(l, ctx, rb.ptr, rb.len, gb.ptr, gb.len);
			if (rc) {
				errorf(rp, "%s", clean_strerror(rc));
				failed++;
			}
			used += !rc;
		}
		free(names[i]);
	}
	free(names);
	buf_release(&rb);
	buf_release(&gb);
	if (!quiet)
		fprintf(stderr, "%s: learn: %s: %d pairs\n", msg_prog, raw, used);
	return failed;
}

static int write_model(const char *path, const struct model *m)
{
	struct buf out;
	buf_init(&out, 0);
	int rc = buf_addf(&out, "# line model written by clean learn --supervised (format: src/model.h)\n");
	if (!rc)
		rc = model_write(m, &out);
	FILE *f = rc ? NULL : strcmp(path, "-") ? fopen(path, "w") : stdout;
	int bad = !f || fwrite(out.ptr, 1, out.len, f) != out.len;
	if (f && f != stdout && fclose(f))
		bad = 1;
	if (f == stdout && fflush(stdout))
		bad = 1;
	if (bad)
		errorf(path, "%s", rc ? clean_strerror(rc) : strerror(errno));
	buf_release(&out);
	return bad;
}

int cmd_learn(int argc, char **argv)
{
	struct option longopts[NLEARN_OPTIONS + 1];
	for (size_t i = 0; i < NLEARN_OPTIONS; i++)
		longopts[i] = learn_options[i].opt;
	memset(&longopts[NLEARN_OPTIONS], 0, sizeof(longopts[0]));
	struct learn_opts lo = { .hash_bits = 14, .cost = 1, .guard = 0.9, .min_lines = 20 };
	const char *output = NULL;
	int supervised = 0, quiet = 0, ch;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":so:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': supervised = 1; break;
		case 'o': output = optarg; break;
		case 'q': quiet = 1; msg_quiet = 1; break;
		case 'h': learn_usage(); exit(0);
		case OPT_HASH_BITS: lo.hash_bits = (unsigned)parse_number("hash-bits", optarg, 0, MODEL_MAX_HASH_BITS); break;
		case OPT_COST: lo.cost = parse_number("cost", optarg, 1e-6, 1e6); break;
		case OPT_GUARD: lo.guard = parse_number("guard", optarg, 0, 1); break;
		case OPT_MIN_LINES: lo.min_lines = (unsigned)parse_number("min-lines", optarg, 0, 1e6); break;
		case ':': learn_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				learn_usage_error("unknown option '-%c'", optopt);
			learn_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!supervised)
		learn_usage_error("only --supervised learning is implemented so far");
	if (!output)
		learn_usage_error("no output file (-o MODEL)");
	int nargs = argc - optind;
	if (nargs < 2 || nargs % 2)
		learn_usage_error("--supervised needs RAW_DIR GOLD_DIR pairs");
	struct clean_opts co = { .flags = CLEAN_F_NO_MODEL };
	struct clean_ctx *ctx;
	struct learn_sup *l = NULL;
	int rc = clean_ctx_new(&ctx, &co);
	if (!rc && (rc = learn_sup_new(&l, lo.hash_bits)))
		clean_ctx_free(ctx);
	if (rc) {
		errorf(NULL, "cannot set up: %s", clean_strerror(rc));
		return LEARN_TROUBLE;
	}
	int status = 0;
	for (int i = optind; i + 1 < argc; i += 2) {
		int f = add_pairs(l, ctx, argv[i], argv[i + 1], quiet);
		if (f)
			status = 1;
	}
	size_t docs, segs, content;
	learn_sup_counts(l, &docs, &segs, &content);
	if (!quiet)
		fprintf(stderr, "%s: learn: %zu documents, %zu lines, %zu content\n", msg_prog, docs, segs, content);
	struct model *m = NULL;
	struct buf err;
	buf_init(&err, 0);
	rc = learn_sup_fit(l, &lo, &m, &err);
	if (rc) {
		errorf(NULL, "%s", err.ptr);
		status = LEARN_TROUBLE;
	} else if (write_model(output, m)) {
		status = LEARN_TROUBLE;
	}
	buf_release(&err);
	model_free(m);
	learn_sup_free(l);
	clean_ctx_free(ctx);
	return status;
}
