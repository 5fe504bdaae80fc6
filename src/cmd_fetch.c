/*
 * cmd_fetch.c: `clean fetch`, options and printing only; the fetching is
 * in the library (clean_fetch_run in clean.h, src/fetch.c).
 *
 *   clean fetch [OPTIONS] URL... | -i LIST
 *
 * Exit status: 0 every URL was written (or skipped: done before), 1 some
 * URLs or lists failed (each said on standard error; the others were
 * written), 2 usage error or a fatal setup or output error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "cmd_fetch.h"
#include "msg.h"

enum { FETCH_TROUBLE = 2 };

enum {
	OPT_PER_HOST = 256, OPT_DELAY, OPT_CONNECT_TIMEOUT, OPT_TIMEOUT, OPT_RETRIES,
	OPT_BACKOFF, OPT_MAX_RETRY_AFTER, OPT_MAX_SIZE, OPT_MAX_REDIRECTS, OPT_USER_AGENT,
	OPT_NO_ROBOTS, OPT_HTML, OPT_TEXT, OPT_FORCE, OPT_NO_MODEL, OPT_ASCII
};

static const struct option_doc fetch_options[] = {
	{ { "output-dir", required_argument, NULL, 'o' }, "DIR", "write each page to DIR/HASH.txt (default: JSON lines to standard output)" },
	{ { "input", required_argument, NULL, 'i' }, "LIST", "fetch the URLs of LIST: a file ('-' standard input) or URL holding a URL list, RSS, Atom, sitemap or sitemap index, gzipped or not (may be repeated)" },
	{ { "parallel", required_argument, NULL, 'j' }, "N", "transfers at once (default 16)" },
	{ { "per-host", required_argument, NULL, OPT_PER_HOST }, "N", "transfers at once on one host (default 4)" },
	{ { "delay", required_argument, NULL, OPT_DELAY }, "SECONDS", "wait between transfers on one host (default 0; robots.txt Crawl-delay can raise it)" },
	{ { "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, "SECONDS", "give up connecting after this long (default 10)" },
	{ { "timeout", required_argument, NULL, OPT_TIMEOUT }, "SECONDS", "give up a transfer after this long in all (default 60)" },
	{ { "retries", required_argument, NULL, OPT_RETRIES }, "N", "retry timeouts, broken connections, HTTP 429 and 5xx N times (default 3)" },
	{ { "backoff", required_argument, NULL, OPT_BACKOFF }, "SECONDS", "wait before the first retry, doubled each time (default 1)" },
	{ { "max-retry-after", required_argument, NULL, OPT_MAX_RETRY_AFTER }, "SECONDS", "fail when Retry-After asks for longer (default 300)" },
	{ { "max-size", required_argument, NULL, OPT_MAX_SIZE }, "BYTES", "abandon bodies larger than this, decoded (default 64M)" },
	{ { "max-redirects", required_argument, NULL, OPT_MAX_REDIRECTS }, "N", "follow at most N redirects (1 to 100, default 10)" },
	{ { "user-agent", required_argument, NULL, OPT_USER_AGENT }, "STRING", "send this User-Agent; robots.txt is read for its first word (default clean/VERSION)" },
	{ { "no-robots", no_argument, NULL, OPT_NO_ROBOTS }, NULL, "do not fetch or honour robots.txt" },
	{ { "force", no_argument, NULL, OPT_FORCE }, NULL, "with -o, fetch again URLs whose file exists (default: skip them)" },
	{ { "html", no_argument, NULL, OPT_HTML }, NULL, "clean every page as HTML" },
	{ { "text", no_argument, NULL, OPT_TEXT }, NULL, "clean every page as text" },
	{ { "patterns", required_argument, NULL, 'p' }, "FILE", "add the rules of a pattern file (may be repeated)" },
	{ { "no-model", no_argument, NULL, OPT_NO_MODEL }, NULL, "judge lines by the rules alone, without the line model" },
	{ { "ascii", no_argument, NULL, OPT_ASCII }, NULL, "fold typographic quotes, dashes and ellipses to ASCII" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "no progress bar, warnings or summary (failures are still reported)" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
};
#define NFETCH_OPTIONS (sizeof(fetch_options) / sizeof(fetch_options[0]))

static const char synopsis[] = "usage: %s fetch [OPTIONS] URL... | -i LIST\n";

/* The state the library's callbacks print with. */
struct fetch_cli {
	int bar;                /* a progress bar is on screen */
	int tty;
};

static void fetch_usage(void)
{
	printf(synopsis, msg_prog);
	puts("\nFetch web pages over HTTP(S) and clean each one like 'clean' does\n"
	     "(HTML by its Content-Type or content): many transfers at once, a few per\n"
	     "host, with timeouts, retries with backoff (honouring Retry-After), a size\n"
	     "limit and robots.txt. Each page goes to DIR/HASH.txt with -o (a rerun\n"
	     "skips the URLs already done; DIR/index.tsv maps names to URLs), or as\n"
	     "one JSON object a line (url, final_url, title, author, date, sitename,\n"
	     "language, text) to standard output. Every URL that fails is reported\n"
	     "with its reason.\n");
	puts("example: clean fetch -o pages -i https://example.org/sitemap.xml\n");
	puts("options:");
	options_print(fetch_options, NFETCH_OPTIONS, 32);
	puts("\nexit status: 0 every URL written (or done before), 1 some URLs or lists\n"
	     "failed (the others were written), 2 usage error or trouble writing.");
}

static void fetch_clear_bar(struct fetch_cli *c)
{
	if (c->bar) {
		fputs("\r\033[K", stderr);
		c->bar = 0;
	}
}

static void fetch_on_error(void *arg, const char *subject, const char *msg)
{
	fetch_clear_bar(arg);
	errorf(subject, "%s", msg);
}

static void fetch_on_warning(void *arg, const char *subject, const char *msg)
{
	fetch_clear_bar(arg);
	warnf(subject, "%s", msg);
}

static void fetch_on_progress(void *arg, const struct clean_fetch_progress *p)
{
	struct fetch_cli *c = arg;
	unsigned long long end = p->done + p->failed;
	int width = 30, fill = p->total ? (int)(width * end / p->total) : 0;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[width] = '\0';
	fprintf(stderr, "\r\033[K%s: fetch: [%s] %llu/%llu done, %llu failed, %llu active, %.1f MB, %.0f s",
	        msg_prog, bar, end, p->total, p->failed, p->active, (double)p->bytes / 1e6, p->seconds);
	c->bar = 1;
}

static struct clean_ctx *fetch_ctx(unsigned flags, const char **patterns, size_t npatterns)
{
	struct clean_opts co = { .flags = flags };
	struct clean_ctx *ctx;
	int rc = clean_ctx_new(&ctx, &co);
	if (rc) {
		errorf(NULL, "cannot set up: %s", clean_strerror(rc));
		exit(FETCH_TROUBLE);
	}
	for (size_t i = 0; i < npatterns; i++) {
		rc = clean_ctx_add_patterns(ctx, patterns[i]);
		if (rc) {
			const char *detail = clean_ctx_error(ctx);
			errorf(NULL, "%s", detail[0] ? detail : clean_strerror(rc));
			clean_ctx_free(ctx);
			exit(FETCH_TROUBLE);
		}
	}
	return ctx;
}

int cmd_fetch(int argc, char **argv)
{
	msg_set_usage("fetch", synopsis);
	struct option longopts[NFETCH_OPTIONS + 1];
	options_getopt(fetch_options, NFETCH_OPTIONS, longopts);
	struct clean_fetch_opts fo = { .attempts = 4 };
	const char **lists = calloc((size_t)argc, sizeof(*lists));
	const char **patterns = calloc((size_t)argc, sizeof(*patterns));
	size_t nlists = 0, npatterns = 0;
	unsigned flags = 0;
	int quiet = 0, ch;
	if (!lists || !patterns) {
		errorf(NULL, "out of memory");
		return FETCH_TROUBLE;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:i:j:p:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': fo.outdir = optarg; break;
		case 'i': lists[nlists++] = optarg; break;
		case 'j': fo.parallel = (unsigned)parse_number("parallel", optarg, 1, 1024); break;
		case 'p': patterns[npatterns++] = optarg; break;
		case 'q': quiet = 1; msg_quiet = 1; break;
		case 'h': fetch_usage(); exit(0);
		case OPT_PER_HOST: fo.per_host = (unsigned)parse_number("per-host", optarg, 1, 1024); break;
		case OPT_DELAY: fo.host_delay = parse_number("delay", optarg, 0, 3600); break;
		case OPT_CONNECT_TIMEOUT: fo.connect_timeout = parse_number("connect-timeout", optarg, 0.001, 86400); break;
		case OPT_TIMEOUT: fo.timeout = parse_number("timeout", optarg, 0.001, 86400); break;
		case OPT_RETRIES: fo.attempts = 1 + (unsigned)parse_number("retries", optarg, 0, 100); break;
		case OPT_BACKOFF: fo.backoff = parse_number("backoff", optarg, 0.001, 3600); break;
		case OPT_MAX_RETRY_AFTER: fo.max_retry_after = parse_number("max-retry-after", optarg, 0.001, 86400); break;
		case OPT_MAX_SIZE: fo.max_body = parse_size("max-size", optarg); break;
		case OPT_MAX_REDIRECTS: fo.max_redirects = (unsigned)parse_number("max-redirects", optarg, 1, 100); break;
		case OPT_USER_AGENT: fo.user_agent = optarg; break;
		case OPT_NO_ROBOTS: fo.no_robots = 1; break;
		case OPT_FORCE: fo.force = 1; break;
		case OPT_HTML: fo.html = 1; break;
		case OPT_TEXT: fo.html = -1; break;
		case OPT_NO_MODEL: flags |= CLEAN_F_NO_MODEL; break;
		case OPT_ASCII: flags |= CLEAN_F_ASCII; break;
		case ':': usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc && !nlists)
		usage_error("no URL to fetch (give URLs or -i LIST)");
	if (fo.user_agent && (!fo.user_agent[0] || strpbrk(fo.user_agent, "\r\n")))
		usage_error("invalid User-Agent '%s'", fo.user_agent);
	struct fetch_cli cli = { 0, isatty(STDERR_FILENO) };
	fo.on_error = fetch_on_error;
	fo.on_warning = fetch_on_warning;
	if (cli.tty && !quiet) {
		fo.on_progress = fetch_on_progress;
		fo.progress_every = 0.2;
	}
	fo.arg = &cli;
	struct clean_ctx *ctx = fetch_ctx(flags, patterns, npatterns);
	struct clean_fetch_stats st;
	int rc = clean_fetch_run(ctx, &fo, (const char *const *)argv + optind, (size_t)(argc - optind),
	                         lists, nlists, stdout, &st);
	fetch_clear_bar(&cli);
	clean_ctx_free(ctx);
	free(lists);
	free(patterns);
	int status = st.failed ? 1 : 0;
	if (rc) {
		if (rc != CLEAN_EIO && rc != CLEAN_EINVAL)
			errorf(NULL, "fetch: %s", clean_strerror(rc));
		status = FETCH_TROUBLE;
	}
	if (fclose(stdout) && status != FETCH_TROUBLE) {
		errorf(NULL, "write error: %s", strerror(errno));
		status = FETCH_TROUBLE;
	}
	if (!quiet)
		fprintf(stderr, "%s: fetch: %llu URLs: %llu written, %llu skipped, %llu failed"
		        " (%llu duplicates, %llu retries, %.1f MB)\n", msg_prog, st.urls, st.written,
		        st.skipped, st.failed, st.duplicates, st.retries, (double)st.bytes / 1e6);
	return status;
}
