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
 *
 *   clean learn [--min-docs N] [--min-share S] CORPUS... [-o RULES] [--counts FILE]
 *   clean learn --merge COUNTS... [-o RULES] [--counts FILE]
 *
 * Unsupervised (templates.h): every document of every CORPUS (a file, or
 * a folder walked recursively in byte order of names, hidden names left
 * out) is read with clean_reader (text, JSONL, WARC; gzip or zstd). Its
 * source is the host of its URL (JSONL "url", WARC-Target-URI) or else
 * the name of the folder that holds the file ("-" for standard input;
 * "site/p1.txt" and "shard2/site/p9.txt" are both of source "site", so
 * shards of a corpus keep its sources). The rules go to -o, the
 * counts to --counts; with --merge the inputs are counts files, summed.
 * Exit status: 0 written, 1 some inputs could not be read (the rest were
 * learnt from), 2 usage error, nothing learnt, the template cap reached,
 * or an output could not be written.
 */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>
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
#include "templates.h"

enum { LEARN_TROUBLE = 2, OPT_HASH_BITS = 256, OPT_COST, OPT_GUARD, OPT_MIN_LINES, OPT_NO_GATE, OPT_GATE_MARGIN, OPT_GATE_MAX_DROP, OPT_GATE_MIN_SHORT,
       OPT_COUNTS, OPT_MERGE, OPT_MIN_DOCS, OPT_MIN_SHARE, OPT_MAX_WORDS, OPT_MAX_TEMPLATES };

/* Inputs larger than this are not training material. */
#define LEARN_FILE_MAX ((size_t)64 << 20)

static const struct option_doc learn_options[] = {
	{ { "supervised", no_argument, NULL, 's' }, NULL, "learn the line model from RAW_DIR GOLD_DIR pairs" },
	{ { "output", required_argument, NULL, 'o' }, "FILE", "write the model or the rules to FILE ('-': standard output)" },
	{ { "hash-bits", required_argument, NULL, OPT_HASH_BITS }, "N", "hashed word features in 2^N buckets, 0 for none (default 14)" },
	{ { "cost", required_argument, NULL, OPT_COST }, "C", "inverse regularisation strength (default 1)" },
	{ { "guard", required_argument, NULL, OPT_GUARD }, "SHARE", "leave documents with this share of prose words to the rules (default 0.9)" },
	{ { "min-lines", required_argument, NULL, OPT_MIN_LINES }, "N", "leave documents of fewer than N lines to the rules (default 20)" },
	{ { "no-gate", no_argument, NULL, OPT_NO_GATE }, NULL, "fit no document gate: only the rules' evidence calls the model" },
	{ { "gate-margin", required_argument, NULL, OPT_GATE_MARGIN }, "F1", "the gate calls a page one where the model adds more F1 than this (default 0.02)" },
	{ { "gate-max-drop", required_argument, NULL, OPT_GATE_MAX_DROP }, "SHARE", "the gate stays shut where the model would drop more of the words, 0: tuned (default 0.7)" },
	{ { "gate-min-short", required_argument, NULL, OPT_GATE_MIN_SHORT }, "SHARE", "and where fewer of the lines are short (default 0.05)" },
	{ { "counts", required_argument, NULL, OPT_COUNTS }, "FILE", "unsupervised: write the template counts to FILE" },
	{ { "merge", no_argument, NULL, OPT_MERGE }, NULL, "unsupervised: the inputs are counts files to sum" },
	{ { "min-docs", required_argument, NULL, OPT_MIN_DOCS }, "N", "a rule's line is in N documents or more (default 3)" },
	{ { "min-share", required_argument, NULL, OPT_MIN_SHARE }, "SHARE", "and in this share of its source's (default 0.3)" },
	{ { "max-words", required_argument, NULL, OPT_MAX_WORDS }, "N", "longer lines are prose, never rules (default 20)" },
	{ { "max-templates", required_argument, NULL, OPT_MAX_TEMPLATES }, "N", "fail past N templates in memory (default 4194304)" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "do not print progress" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
};
#define NLEARN_OPTIONS (sizeof(learn_options) / sizeof(learn_options[0]))

static const char synopsis[] = "usage: %1$s learn --supervised RAW_DIR GOLD_DIR [RAW_DIR GOLD_DIR...] -o MODEL\n"
                               "       %1$s learn [--min-docs N] [--min-share S] CORPUS... [-o RULES] [--counts FILE]\n"
                               "       %1$s learn --merge COUNTS... [-o RULES] [--counts FILE]\n";

static void learn_usage(void)
{
	printf(synopsis, msg_prog);
	puts("\nTrain the line model: each RAW_DIR/NAME (a scraped dump) is cleaned\n"
	     "with the rules, its lines are labelled by aligning them to the gold\n"
	     "article text GOLD_DIR/NAME, and a logistic regression with a sequence\n"
	     "pass is fitted and written as a model file for 'clean --model'.\n");
	puts("Without --supervised, learn rules from repetition: the lines of each\n"
	     "CORPUS (files, folders, JSONL or WARC) become templates (case folded,\n"
	     "digits, dates, URLs and e-mail addresses abstracted), counted by the\n"
	     "documents of their source (URL host, else folder) they occur in; the\n"
	     "short ones in enough of a source's documents become 'learned drop'\n"
	     "rules for 'clean --patterns'. --counts writes the counts instead (or\n"
	     "too), and --merge sums counts files of shards: same rules as one run.\n");
	puts("example: clean learn --supervised dumps/ gold/ -o site.model");
	puts("         clean learn dumps/ -o site.rules\n");
	puts("options:");
	options_print(learn_options, NLEARN_OPTIONS, 26);
	puts("\nexit status: 0 model written, 1 some pairs could not be read (the\n"
	     "model was learnt from the others), 2 usage error or no model written.\n"
	     "Unsupervised: 0 written, 1 some inputs could not be read, 2 usage\n"
	     "error, nothing learnt, too many templates, or no output written.");
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
	int to_stdout = !strcmp(path, "-");
	FILE *f = rc ? NULL : to_stdout ? stdout : fopen(path, "w");
	int bad = !f || fwrite(out.ptr, 1, out.len, f) != out.len;
	if (f && (to_stdout ? fflush(stdout) != 0 : fclose(f) != 0))
		bad = 1;
	if (bad)
		errorf(path, "%s", rc ? clean_strerror(rc) : strerror(errno));
	buf_release(&out);
	return bad;
}

/* ---- unsupervised: templates.h ---- */

struct unsup {
	struct tpl_table *t;
	struct clean_ctx *ctx;
	struct buf src, file;
	int failed, fatal, quiet;
	unsigned long long inputs;
};

/* The name of the folder that holds path (its last component). */
static int folder_source(const char *path, struct buf *out)
{
	buf_clear(out);
	if (!strcmp(path, "-"))
		return buf_addstr(out, "-");
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	while (n > 1 && path[n - 1] == '/')
		n--;
	struct buf dir;
	buf_init(&dir, PATH_MAX);
	int rc = slash ? buf_add(&dir, path, n ? n : 1) : buf_addstr(&dir, ".");
	const char *base = dir.ptr, *last = strrchr(dir.ptr, '/');
	if (last && last[1])
		base = last + 1;
	char real[PATH_MAX];
	if (!rc && (!strcmp(base, ".") || !strcmp(base, "..")) && realpath(dir.ptr, real)) {
		last = strrchr(real, '/');
		base = last && last[1] ? last + 1 : real;
	}
	if (!rc)
		rc = buf_addstr(out, base);
	buf_release(&dir);
	return rc;
}

/* A document's source: its URL's host, else the file's folder. */
static int doc_source(struct unsup *u, struct clean_reader *r)
{
	const char *url = clean_reader_meta(r, "url");
	if (url && !tpl_url_host(url, &u->src))
		return CLEAN_OK;
	return buf_addstr(&u->src, u->file.ptr);
}

/* Count every document of one input file. */
static void learn_file(struct unsup *u, const char *path)
{
	struct clean_opts co = { 0 };
	struct clean_reader *r;
	int rc = clean_reader_open(&r, path, &co);
	if (rc) {
		errorf(msg_name(path), "%s", rc == CLEAN_EIO ? strerror(errno) : clean_strerror(rc));
		u->failed = 1;
		return;
	}
	u->inputs++;
	if (folder_source(path, &u->file))
		u->fatal = CLEAN_ENOMEM;
	const char *bytes;
	size_t len;
	while (!u->fatal && (rc = clean_reader_next(r, &bytes, &len)) != CLEAN_EOF) {
		if (rc) {
			errorf(msg_name(path), "%s", clean_reader_error(r)[0] ? clean_reader_error(r) : clean_strerror(rc));
			u->failed = 1;
			if (clean_reader_can_go_on(r))
				continue;
			break;
		}
		const char *html = clean_reader_meta(r, "html");
		int is_html = html ? *html == '1' : clean_looks_like_html(bytes, len);
		buf_clear(&u->src);
		rc = doc_source(u, r);
		if (!rc)
			rc = tpl_add_doc(u->t, u->ctx, u->src.ptr, bytes, len, is_html,
			                 clean_reader_meta(r, "url"));
		if (rc == CLEAN_ETOOBIG || rc == CLEAN_ENOMEM) {
			u->fatal = rc;
		} else if (rc) {
			errorf(msg_name(path), "%s", clean_strerror(rc));
			u->failed = 1;
		}
	}
	clean_reader_free(r);
}

static void learn_path(struct unsup *u, const char *path);

static void learn_dir(struct unsup *u, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, not_hidden, by_name);
	if (n < 0) {
		errorf(dir, "%s", strerror(errno));
		u->failed = 1;
		return;
	}
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];
		if (snprintf(p, sizeof(p), "%s/%s", dir, names[i]->d_name) >= (int)sizeof(p)) {
			errorf(names[i]->d_name, "file name too long");
			u->failed = 1;
		} else if (!u->fatal) {
			learn_path(u, p);
		}
		free(names[i]);
	}
	free(names);
}

static void learn_path(struct unsup *u, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode))
		learn_dir(u, path);
	else
		learn_file(u, path);
}

static int write_out(const char *path, const struct buf *out)
{
	int to_stdout = !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	int bad = !f || fwrite(out->ptr, 1, out->len, f) != out->len;
	if (to_stdout ? fflush(stdout) != 0 : f && fclose(f))
		bad = 1;
	if (bad)
		errorf(msg_name(path), "%s", strerror(errno));
	return bad;
}

/* Write the rules and/or the counts; 0 or 2. ntpl: templates counted. */
static int unsup_write(struct unsup *u, const struct tpl_rule_opts *ro,
                       const char *rules, const char *counts, size_t ntpl)
{
	struct buf out;
	buf_init(&out, 0);
	size_t nsrc, nrules = 0, in_table;
	uint64_t docs;
	tpl_table_stats(u->t, &nsrc, &docs, &in_table);
	int rc = 0, bad = 0;
	if (counts) {
		rc = tpl_write_counts(u->t, &out);
		bad = rc || write_out(counts, &out);
	}
	if (!bad && rules) {
		buf_clear(&out);
		rc = buf_addf(&out, "# rules learnt by clean learn from %llu documents of %zu sources\n"
		              "# (min-docs %llu, min-share %g, max-words %u; format: patterns/README.md)\n",
		              (unsigned long long)docs, nsrc, (unsigned long long)ro->min_docs,
		              ro->min_share, ro->max_words);
		if (!rc)
			rc = tpl_write_rules(u->t, ro, &out, &nrules);
		bad = rc || write_out(rules, &out);
	}
	if (rc)
		errorf(NULL, "cannot write: %s", clean_strerror(rc));
	if (!bad && !u->quiet)
		fprintf(stderr, "%s: learn: %llu documents, %zu sources, %zu templates, %zu rules\n",
		        msg_prog, (unsigned long long)docs, nsrc, ntpl, nrules);
	buf_release(&out);
	return bad ? LEARN_TROUBLE : 0;
}

/* --merge: stream the counts files (tpl_merge), the merged counts straight
 * to counts; 0, 1 (some files unreadable) or 2. *ntpl: merged templates. */
static int merge_files(struct unsup *u, char **inputs, int n, const struct tpl_rule_opts *ro,
                       const char *rules, const char *counts, size_t *ntpl)
{
	FILE **files = calloc((size_t)n, sizeof(*files));
	const char **names = calloc((size_t)n, sizeof(*names));
	FILE *out = NULL;
	int status = 0, k = 0;
	if (!files || !names) {
		errorf(NULL, "%s", clean_strerror(CLEAN_ENOMEM));
		status = LEARN_TROUBLE;
	}
	for (int i = 0; !status && i < n; i++) {
		FILE *f = strcmp(inputs[i], "-") ? fopen(inputs[i], "r") : stdin;
		if (!f) {
			errorf(msg_name(inputs[i]), "%s", strerror(errno));
			u->failed = 1;
			continue;
		}
		files[k] = f;
		names[k++] = msg_name(inputs[i]);
	}
	if (!status && counts && !(out = strcmp(counts, "-") ? fopen(counts, "w") : stdout)) {
		errorf(msg_name(counts), "%s", strerror(errno));
		status = LEARN_TROUBLE;
	}
	struct buf err;
	buf_init(&err, 0);
	int rc = status ? 0 : tpl_merge(u->t, files, names, (size_t)k, rules ? ro : NULL, out, ntpl, &err);
	if (rc) {
		errorf(NULL, "%s", err.ptr);
		status = LEARN_TROUBLE;
	}
	if (out && (out == stdout ? fflush(out) != 0 : fclose(out) != 0)) {
		errorf(msg_name(counts), "%s", strerror(errno));
		status = LEARN_TROUBLE;
	}
	for (int i = 0; i < k; i++)
		if (files[i] != stdin)
			fclose(files[i]);
	buf_release(&err);
	free(files);
	free(names);
	return status;
}

static int learn_unsup(char **inputs, int n, const struct tpl_rule_opts *ro, size_t max,
                       int merge, const char *rules, const char *counts, int quiet)
{
	struct unsup u = { .quiet = quiet };
	struct clean_opts co = { .flags = CLEAN_F_NO_MODEL | CLEAN_F_NO_DEFAULTS };
	buf_init(&u.src, 0);
	buf_init(&u.file, merge ? 0 : PATH_MAX);
	int rc = tpl_table_new(&u.t, max, ro->max_words);
	if (!rc && !merge)
		rc = clean_ctx_new(&u.ctx, &co);
	size_t nsrc = 0, ntpl = 0, merged = 0;
	uint64_t docs = 0;
	if (!rc && merge && merge_files(&u, inputs, n, ro, rules, counts, &merged) == LEARN_TROUBLE)
		u.fatal = -1;
	for (int i = 0; !rc && !merge && !u.fatal && i < n; i++)
		learn_path(&u, inputs[i]);
	if (!rc)
		tpl_table_stats(u.t, &nsrc, &docs, &ntpl);
	if (merge) {
		ntpl = merged;
		counts = NULL; /* written as merged */
	}
	int status = u.failed;
	if (rc) {
		errorf(NULL, "cannot set up: %s", clean_strerror(rc));
		status = LEARN_TROUBLE;
	} else if (u.fatal == CLEAN_ETOOBIG) {
		errorf(NULL, "more than %zu templates: learn in shards with --counts and --merge, or raise --max-templates",
		       max ? max : TPL_DEFAULT_MAX_ENTRIES);
		status = LEARN_TROUBLE;
	} else if (u.fatal > 0) {
		errorf(NULL, "%s", clean_strerror(u.fatal));
		status = LEARN_TROUBLE;
	} else if (u.fatal) {
		status = LEARN_TROUBLE;
	} else if (!docs) {
		errorf(NULL, "no documents to learn from");
		status = LEARN_TROUBLE;
	} else if (unsup_write(&u, ro, rules, counts, ntpl)) {
		status = LEARN_TROUBLE;
	}
	tpl_table_free(u.t);
	clean_ctx_free(u.ctx);
	buf_release(&u.src);
	buf_release(&u.file);
	return status;
}

int cmd_learn(int argc, char **argv)
{
	msg_set_usage("learn", synopsis);
	struct option longopts[NLEARN_OPTIONS + 1];
	options_getopt(learn_options, NLEARN_OPTIONS, longopts);
	struct learn_opts lo = { .hash_bits = 14, .cost = 1, .guard = 0.9, .min_lines = 20,
	                        .gate = 1, .gate_margin = 0.02,
	                        .gate_max_drop = 0.7, .gate_min_short = 0.05 };
	struct tpl_rule_opts ro = { .min_docs = 3, .min_share = 0.3, .max_words = 20 };
	const char *output = NULL, *counts = NULL;
	size_t max_templates = 0;
	int supervised = 0, merge = 0, quiet = 0, ch;
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
		case OPT_NO_GATE: lo.gate = 0; break;
		case OPT_GATE_MARGIN: lo.gate_margin = parse_number("gate-margin", optarg, 0, 1); break;
		case OPT_GATE_MAX_DROP: lo.gate_max_drop = parse_number("gate-max-drop", optarg, 0, 1); break;
		case OPT_GATE_MIN_SHORT: lo.gate_min_short = parse_number("gate-min-short", optarg, 0, 1); break;
		case OPT_COUNTS: counts = optarg; break;
		case OPT_MERGE: merge = 1; break;
		case OPT_MIN_DOCS: ro.min_docs = (uint64_t)parse_number("min-docs", optarg, 1, 1e15); break;
		case OPT_MIN_SHARE: ro.min_share = parse_number("min-share", optarg, 0, 1); break;
		case OPT_MAX_WORDS: ro.max_words = (unsigned)parse_number("max-words", optarg, 1, 1000); break;
		case OPT_MAX_TEMPLATES: max_templates = (size_t)parse_number("max-templates", optarg, 1, 1e12); break;
		case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!supervised) {
		if (!output && !counts)
			usage_error("no output file (-o RULES or --counts FILE)");
		if (optind == argc)
			usage_error(merge ? "no counts files to merge" : "no corpus to learn from");
		return learn_unsup(argv + optind, argc - optind, &ro, max_templates, merge,
		                   output, counts, quiet);
	}
	if (merge || counts)
		usage_error("--merge and --counts are for unsupervised learning");
	if (!output)
		usage_error("no output file (-o MODEL)");
	int nargs = argc - optind;
	if (nargs < 2 || nargs % 2)
		usage_error("--supervised needs RAW_DIR GOLD_DIR pairs");
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
