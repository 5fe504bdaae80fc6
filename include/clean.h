/*
 * clean.h: the public interface of libclean, which turns scraped web text
 * and HTML into archive-ready plain text.
 *
 * Ownership, once for the whole API:
 *   - a `const T *` parameter is borrowed: the library reads it during the
 *     call and keeps no pointer to it;
 *   - an object returned through `T **out` by a function named *_new,
 *     *_open or clean_text/clean_html belongs to the caller, who releases
 *     it with the matching *_free (and every *_free(NULL) does nothing);
 *   - a `const char *` returned by an accessor points into the object it
 *     was read from and lives as long as that object.
 *
 * Errors: every fallible call returns an enum clean_status; CLEAN_OK is 0.
 * clean_strerror() gives its text; clean_ctx_error() and
 * clean_reader_error() give the detail of the last failure (file, line).
 * The library never prints and never exits.
 *
 * Threads: a struct clean_ctx is immutable once built (patterns added), so
 * any number of threads may call clean_text() with the same context at
 * once. A document or a reader belongs to one thread at a time.
 */
#ifndef CLEAN_H
#define CLEAN_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum clean_status {
	CLEAN_OK = 0,
	CLEAN_EOF,         /* a reader has no more documents */
	CLEAN_ENOMEM,      /* out of memory */
	CLEAN_EIO,         /* read or write failed (errno is set) */
	CLEAN_EBINARY,     /* input looks binary (NUL bytes, not UTF-16/32) */
	CLEAN_ETOOBIG,     /* a line or document is over its limit */
	CLEAN_EPATTERN,    /* a pattern file is malformed */
	CLEAN_EMODEL,      /* a model file is malformed */
	CLEAN_EINVAL,      /* an argument is invalid */
	CLEAN_EFORMAT,     /* input in a container format is malformed */
	CLEAN_ECHARSET     /* the input charset cannot be converted */
};

/* Option flags (struct clean_opts.flags). */
enum {
	CLEAN_F_ASCII = 1u << 0,       /* fold typographic quotes, dashes, ellipses */
	CLEAN_F_NO_DEFAULTS = 1u << 1, /* do not load the embedded pattern set */
	CLEAN_F_NO_REWRAP = 1u << 2,   /* keep hard-wrapped lines as they are */
	CLEAN_F_KEEP_ALL = 1u << 3,    /* judge lines (for --explain) but drop none */
	CLEAN_F_NO_MODEL = 1u << 4     /* rules and context only, no line model */
};

/* Options of a context. Zero-initialise, then set what you need; a zero
 * limit means the default (given beside it). */
struct clean_opts {
	unsigned flags;
	size_t max_line;   /* longest input line in bytes; default 64 MiB */
	size_t max_doc;    /* largest document in bytes; default 1 GiB */
};

#define CLEAN_DEFAULT_MAX_LINE ((size_t)64 << 20)
#define CLEAN_DEFAULT_MAX_DOC ((size_t)1 << 30)

struct clean_ctx;
struct clean_doc;
struct clean_reader;

const char *clean_strerror(int status);
const char *clean_version(void);

/* Build a context: options copied, the embedded patterns loaded (unless
 * CLEAN_F_NO_DEFAULTS). On failure *out is NULL. */
int clean_ctx_new(struct clean_ctx **out, const struct clean_opts *opts);
void clean_ctx_free(struct clean_ctx *ctx);

/* Add the rules of a pattern file (format: patterns/README.md). The rules
 * are compiled before this returns; a malformed file is rejected whole with
 * CLEAN_EPATTERN and clean_ctx_error() names the file and line. Not to be
 * called while other threads clean with the context. */
int clean_ctx_add_patterns(struct clean_ctx *ctx, const char *path);
/* The same from memory; name is used in messages and --explain. */
int clean_ctx_add_patterns_mem(struct clean_ctx *ctx, const char *name,
                               const char *text, size_t len);

/* Keep (keep != 0) or drop the lines of a category, by name ("share",
 * "caption", ...); "all" names every category. Unknown names give
 * CLEAN_EINVAL. By default every category is dropped. */
int clean_ctx_set_category(struct clean_ctx *ctx, const char *name, int keep);

/* Load a line model file (format: patterns/README.md) in place of the
 * embedded one. */
int clean_ctx_load_model(struct clean_ctx *ctx, const char *path);

/* Detail of the context's last failure, or "" . */
const char *clean_ctx_error(const struct clean_ctx *ctx);

/* Category names, for --stats and --help: ids run from 0 to n-1. */
size_t clean_ctx_ncategories(const struct clean_ctx *ctx);
const char *clean_ctx_category(const struct clean_ctx *ctx, size_t id);

/* Clean one document of scraped text (any charset; see decode.h for the
 * rules). On success *out holds the judged and rendered document. */
int clean_text(struct clean_ctx *ctx, const char *bytes, size_t len,
               struct clean_doc **out);
/* Clean one HTML page: the main content is found in the DOM, then judged
 * and rendered like text. url may be NULL. */
int clean_html(struct clean_ctx *ctx, const char *bytes, size_t len,
               const char *url, struct clean_doc **out);
/* Does the start of this input look like HTML? */
int clean_looks_like_html(const char *bytes, size_t len);

/* The cleaned text: valid UTF-8, NFC, LF line ends, paragraphs separated
 * by one blank line, one final newline; "" when nothing is kept. */
const char *clean_doc_text(const struct clean_doc *doc, size_t *len);
void clean_doc_free(struct clean_doc *doc);

/* Metadata of a document (NULL when unknown): "title", "author", "date",
 * "sitename", "language", "url". */
const char *clean_doc_meta(const struct clean_doc *doc, const char *key);

enum clean_decision {
	CLEAN_KEEP = 0,   /* kept as it is */
	CLEAN_DROP,       /* removed whole */
	CLEAN_STRIP,      /* kept with residue cut out of it */
	CLEAN_BLANK       /* a blank line (paragraph break) */
};

/* One judged line, for --explain: the view of a document's decisions. */
struct clean_line {
	const char *text;       /* the line as read (decoded, normalised) */
	size_t len;
	size_t lineno;          /* first input line it came from, 1-based */
	enum clean_decision decision;
	const char *category;   /* why it was dropped or stripped, or NULL */
	const char *rule;       /* "FILE:LINE" of the deciding rule, or a
	                           short reason such as "model" or "title" */
	double score;           /* model score (log-odds of content), 0 if none */
	const char *features;   /* the deciding features, or NULL */
};

size_t clean_doc_nlines(const struct clean_doc *doc);
void clean_doc_line(const struct clean_doc *doc, size_t i,
                    struct clean_line *out);
/* Lines whose decision is not CLEAN_DROP: what counting clean_doc_line's
 * decisions gives, without building the explanations. */
size_t clean_doc_nkept(const struct clean_doc *doc);

/* Lines removed for category id (clean_ctx_category) in this document. */
size_t clean_doc_removed(const struct clean_doc *doc, size_t category);
/* Input bytes that could not be decoded and were replaced by U+FFFD. */
size_t clean_doc_replaced(const struct clean_doc *doc);

/* A reader yields the documents of one input: a plain text file is one
 * document, or several separated by lines holding only a form feed.
 * path "-" is standard input. Memory is bounded by the largest document. */
int clean_reader_open(struct clean_reader **out, const char *path,
                      const struct clean_opts *opts);
/* The next document: *bytes is valid until the next call. CLEAN_EOF at
 * the end. */
int clean_reader_next(struct clean_reader *r, const char **bytes,
                      size_t *len);
const char *clean_reader_error(const struct clean_reader *r);
void clean_reader_free(struct clean_reader *r);

/* Input and output formats. gzip and zstd inputs are decompressed
 * whatever the format (every gzip member, every zstd frame). */
enum clean_format {
	CLEAN_FORMAT_AUTO = 0, /* from the content: "WARC/1." is WARC, a first
	                          line holding a JSON object is JSONL, the
	                          rest is text */
	CLEAN_FORMAT_TEXT,     /* documents separated by form-feed lines */
	CLEAN_FORMAT_JSONL,    /* one JSON object a line; the document is a
	                          string field ("text"), the others are kept */
	CLEAN_FORMAT_WARC      /* WARC or WET: conversion, response and
	                          resource records with a text or HTML
	                          payload are documents; the rest is skipped */
};

/* As clean_reader_open, with the format fixed (or CLEAN_FORMAT_AUTO) and
 * the JSONL field of the document (NULL: "text"). */
int clean_reader_open_format(struct clean_reader **out, const char *path,
                             const struct clean_opts *opts, int format,
                             const char *jsonl_field);
/* The format of an open reader, detected or fixed. */
int clean_reader_format(const struct clean_reader *r);
/* Metadata of the document clean_reader_next gave last: "id" (WARC-Record-ID
 * or the JSONL "id"), "url" (WARC-Target-URI or the JSONL "url"), "html"
 * ("1" when its container says HTML, "0" text); NULL when unknown. */
const char *clean_reader_meta(const struct clean_reader *r, const char *key);
/* After clean_reader_next failed: nonzero when only one record was bad
 * (a JSONL line that is no JSON object, a WARC record over max_doc): it
 * was skipped and the next call goes on. Other failures are final. */
int clean_reader_can_go_on(const struct clean_reader *r);

/*
 * Bulk cleaning: many inputs through one context on several threads.
 *
 * Inputs are files ("-" is standard input) and, with recursive, folders,
 * walked in byte order of names (symbolic links to folders are not
 * followed). Each input is read by one reader (format detected per input
 * unless in_format fixes it) and its documents are cleaned by `jobs`
 * worker threads; results are written in input order, so the output does
 * not depend on jobs. At most 2 * jobs + 2 documents are in memory.
 *
 * Without outdir, every document goes to out: text separated by form-feed
 * lines, or one JSON object a line. With outdir, each input file has its
 * own output file: a folder input's files keep their path below the
 * folder, other inputs their base name; the name loses a .gz, .zst or
 * .zstd suffix and then, for text output, a .warc, .wet, .jsonl or
 * .ndjson suffix is replaced by .txt; for JSONL output, .txt or those
 * suffixes are replaced by .jsonl (added when none). Each output is
 * written to OUTPUT.part and renamed into place when its input is done,
 * so an output that exists is complete: such inputs are skipped unless
 * force. An input that fails leaves no output (a rerun tries it again).
 * The output folder must not be inside a folder input, nor hold one.
 *
 * Failures are reported through on_error (subject: the input's name, msg
 * its reason) in input order and counted: an input that cannot be read
 * or is corrupt (the documents before the damage are written to out, but
 * with outdir the input leaves no output) counts in failed; a document
 * the cleaner rejects (binary, too big) is left out, counts in
 * docs_failed, and the rest of its input is processed.
 *
 * clean_bulk_run returns CLEAN_OK when it got through all inputs (look
 * at the stats for failures), CLEAN_EINVAL for unusable options (said
 * through on_error), CLEAN_EIO when writing to out failed, CLEAN_ENOMEM.
 */
struct clean_bulk_progress {
	unsigned long long docs;        /* documents written */
	unsigned long long bytes_done;  /* input bytes read (compressed) */
	unsigned long long bytes_total; /* all inputs' sizes; 0 if unknown */
	double seconds;                 /* since the start */
};

struct clean_bulk_opts {
	unsigned jobs;              /* worker threads; 0: one per online CPU */
	int in_format;              /* enum clean_format; AUTO: per input */
	int out_format;             /* CLEAN_FORMAT_TEXT (0 too) or _JSONL */
	const char *jsonl_field;    /* NULL: "text" */
	const char *outdir;         /* NULL: all to out */
	int recursive;              /* walk folder inputs */
	int force;                  /* redo outputs that exist */
	int html;                   /* 1 all HTML, -1 all text, 0 by content */
	unsigned shard, nshards;    /* only inputs whose output path hashes to
	                               shard mod nshards (nshards 0: all) */
	double progress_every;      /* seconds between on_progress; 0 never */
	void (*on_error)(void *arg, const char *subject, const char *msg);
	void (*on_warning)(void *arg, const char *subject, const char *msg);
	void (*on_progress)(void *arg, const struct clean_bulk_progress *p);
	void *arg;
};

struct clean_bulk_stats {
	unsigned long long inputs;      /* inputs cleaned */
	unsigned long long skipped;     /* inputs whose output existed */
	unsigned long long failed;      /* inputs that failed */
	unsigned long long docs, docs_failed, lines, kept;
	unsigned long long bytes_in;    /* input bytes read */
	size_t *removed;                /* set by the caller to NULL or to
	                                   clean_ctx_ncategories() zeros: lines
	                                   removed by category */
};

int clean_bulk_run(struct clean_ctx *ctx, const struct clean_bulk_opts *opts,
                   const char *const *inputs, size_t ninputs, FILE *out,
                   struct clean_bulk_stats *stats);

/*
 * Fetching: URLs to cleaned documents over HTTP(S) with libcurl.
 *
 * clean_fetch_run fetches every URL of urls (in order of first sight;
 * an exact duplicate counts once, in stats->duplicates) and of the lists
 * named in lists (a file path, "-" for standard input, or an http(s) URL
 * of a list), cleans each page and writes it out. A list is a plain URL
 * list, an RSS or Atom feed, a sitemap or a sitemap index, gzipped or not;
 * the sitemaps named by a sitemap index are fetched and read in turn.
 *
 * Transfers: at most parallel at once, per_host at once on one host
 * (scheme, name and port), and host_delay seconds between the starts of
 * two transfers on one host (a robots.txt Crawl-delay raises it, up to
 * 30 s). Only http and https are used, redirects included; at most
 * max_redirects redirects are followed, each one scheduled as a new
 * transfer (so its host's limits and robots.txt apply), and a redirect
 * back to a URL already visited fails at once ("redirect loop"). Bodies
 * are asked for compressed (every encoding libcurl knows) and a body
 * that grows past max_body bytes, decoded, is abandoned.
 *
 * Retries: a transfer that times out, cannot connect, breaks off, or gets
 * HTTP 429 or 5xx is tried again, up to attempts tries in all, after
 * backoff seconds, doubled each time (plus up to 25% jitter), or after
 * the server's Retry-After when it asks for longer. A Retry-After over
 * max_retry_after fails the URL at once.
 *
 * robots.txt (unless no_robots) is fetched once per host before its first
 * page and judged by robots.h for the product token of user_agent (up to
 * its first '/'): a 4xx answer allows everything; a 5xx or a network
 * failure, after the retries, allows nothing (RFC 9309).
 *
 * Pages: a 2xx answer is cleaned with clean_html when its Content-Type
 * says HTML (or is missing and the body looks like HTML), else with
 * clean_text, or as html says. A charset in the Content-Type is used
 * when the body is not valid UTF-8 (a BOM or valid UTF-8 win over it, as
 * in clean_html). Bodies whose type is not text, XML or JSON fail.
 *
 * Output: without outdir, one JSON object a line to out: "url" (as
 * given), "final_url" (after redirects), "title", "author", "date",
 * "sitename", "language" (null when unknown), "text". With outdir, each
 * page's text goes to outdir/NAME.txt, NAME being clean_fetch_name(url)
 * of the URL as given, written to a temporary file and renamed into place,
 * and a line "NAME.txt<TAB>URL" is added to outdir/index.tsv; a URL whose
 * file exists is skipped (counted in skipped) unless force, so a rerun
 * resumes. Outputs are written as pages complete, not in input order.
 *
 * Every URL is written, skipped, or reported through on_error (subject:
 * the URL as given, or the list's name; msg: the reason) and counted in
 * failed. clean_fetch_run returns CLEAN_OK when it got through all URLs
 * (see stats), CLEAN_EINVAL for unusable options (said through
 * on_error), CLEAN_EIO when writing out or outdir failed (said through
 * on_error), CLEAN_ENOMEM. It calls curl_global_init and
 * curl_global_cleanup, so no other thread may use libcurl meanwhile.
 * Memory: about parallel * max_body for bodies, plus the URLs.
 */
struct clean_fetch_progress {
	unsigned long long total;      /* URLs known so far */
	unsigned long long done;       /* written or skipped */
	unsigned long long failed;
	unsigned long long active;     /* transfers running */
	unsigned long long bytes;      /* body bytes received (decoded) */
	double seconds;                /* since the start */
};

struct clean_fetch_opts {
	unsigned parallel;          /* transfers at once; 0: 16 */
	unsigned per_host;          /* at once on one host; 0: 4 */
	double host_delay;          /* seconds between starts on a host */
	double connect_timeout;     /* seconds; 0: 10 */
	double timeout;             /* seconds for one whole transfer; 0: 60 */
	unsigned attempts;          /* tries per URL; 0: 4 */
	double backoff;             /* seconds before the first retry; 0: 1 */
	double max_retry_after;     /* longest Retry-After waited; 0: 300 */
	size_t max_body;            /* bytes; 0: 64 MiB */
	unsigned max_redirects;     /* 0: 10 */
	const char *user_agent;     /* NULL: "clean/VERSION" */
	int no_robots;              /* do not fetch or honour robots.txt */
	int html;                   /* 1 all HTML, -1 all text, 0 by type */
	const char *outdir;         /* NULL: JSONL to out */
	int force;                  /* with outdir: redo files that exist */
	double progress_every;      /* seconds between on_progress; 0 never */
	void (*on_error)(void *arg, const char *subject, const char *msg);
	void (*on_warning)(void *arg, const char *subject, const char *msg);
	void (*on_progress)(void *arg, const struct clean_fetch_progress *p);
	void *arg;
};

struct clean_fetch_stats {
	unsigned long long urls;        /* distinct URLs */
	unsigned long long written;     /* cleaned and written */
	unsigned long long skipped;     /* output existed */
	unsigned long long failed;      /* URLs and lists that failed */
	unsigned long long duplicates;  /* repeated URLs left out */
	unsigned long long retries;     /* transfers tried again */
	unsigned long long bytes;       /* body bytes received (decoded) */
};

int clean_fetch_run(struct clean_ctx *ctx, const struct clean_fetch_opts *opts,
                    const char *const *urls, size_t nurls,
                    const char *const *lists, size_t nlists, FILE *out,
                    struct clean_fetch_stats *stats);

/* The output name of a URL without its ".txt": 32 lowercase hex digits
 * of a 128-bit hash of the URL's bytes (not cryptographic; stable across
 * versions and machines). name must hold 33 bytes. */
void clean_fetch_name(const char *url, char name[33]);

#ifdef __cplusplus
}
#endif
#endif
