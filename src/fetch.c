/*
 * fetch.c: URLs to cleaned documents with the libcurl multi interface.
 * The contract is clean_fetch_run's in clean.h; the design is in fetch.h.
 */
#include "config.h"

#include "fetch.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "clean.h"
#include "decode.h"
#include "feed.h"
#include "jsonl.h"
#include "robots.h"

#define FETCH_DEF_PARALLEL 16
#define FETCH_DEF_PER_HOST 4
#define FETCH_DEF_CONNECT 10.0
#define FETCH_DEF_TIMEOUT 60.0
#define FETCH_DEF_ATTEMPTS 4
#define FETCH_DEF_BACKOFF 1.0
#define FETCH_DEF_RETRY_AFTER 300.0
#define FETCH_DEF_MAX_BODY ((size_t)64 << 20)
#define FETCH_DEF_REDIRECTS 10
/* A robots.txt Crawl-delay is honoured up to this many seconds. */
#define FETCH_MAX_CRAWL_DELAY 30.0
/* Redirects libcurl follows itself for robots.txt (RFC 9309: five). */
#define FETCH_ROBOTS_REDIRECTS 5
/* The longest host key, "scheme://name:port" (names are at most 253). */
#define FETCH_KEY_MAX 320
/* The longest wait in the loop, so progress keeps being reported. */
#define FETCH_MAX_WAIT_MS 250

enum fetch_kind { JOB_PAGE, JOB_LIST, JOB_ROBOTS };
enum robots_state { ROBOTS_UNKNOWN, ROBOTS_FETCHING, ROBOTS_KNOWN };

struct fetch_host;

/* What the last transfer of a job said, apart from the job so that queued
 * jobs stay small. */
struct fetch_said {
	char reason[96];            /* reason phrase of the status line */
	char errbuf[CURL_ERROR_SIZE];
};

struct fetch_job {
	struct fetch_job *next;     /* in a host queue or the delayed list */
	struct fetch_host *host;
	char *given;                /* the URL as given (reports, names) */
	char *url;                  /* the URL to fetch now */
	char *path;                 /* its path and query, for robots.txt */
	char **visited;             /* earlier hops of a redirect chain */
	size_t nvisited;
	int kind;
	unsigned attempt;           /* tries of url so far */
	size_t run_at;              /* slot in run->running while it runs */
	double not_before;          /* monotonic seconds */
	/* while a transfer runs */
	CURL *easy;
	struct buf body;
	int too_big;
	struct fetch_said *said;    /* from the first transfer on, or NULL */
};

struct fetch_host {
	char *key;                  /* scheme://name:port */
	struct fetch_job *head, *tail;
	unsigned active;
	double next_start, delay;
	int robots_state;
	struct robots *robots;
	char robots_why[160];       /* why everything is disallowed, or "" */
	size_t ring_at;             /* index in run->ring, or SIZE_MAX */
};

/* A string-keyed open-addressing hash table (keys owned by the table). */
struct fetch_map {
	char **keys;
	void **vals;
	size_t n, cap;
};

struct fetch_run {
	struct clean_ctx *ctx;
	struct clean_fetch_opts o;  /* defaults filled in */
	struct clean_fetch_stats *st;
	FILE *out, *index;
	CURLM *multi;
	struct fetch_map seen, hosts;
	struct fetch_host **ring;   /* hosts with queued jobs */
	size_t nring, ring_cap, cursor;
	struct fetch_job *delayed;
	struct fetch_job **running; /* transfers under way (parallel slots) */
	size_t pending;             /* jobs not finished */
	unsigned active;
	int fatal;                  /* a clean_status that ends the run */
	char agent[64];             /* robots.txt product token */
	char ua[256];
	double t0, next_progress;
	unsigned long long total, done, failed;
	uint64_t rng;
};

/* ---- small helpers ---- */

static double fetch_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t fetch_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t fetch_fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

void clean_fetch_name(const char *url, char name[33])
{
	uint64_t a = fetch_fnv(url), b = 0x9e3779b97f4a7c15ULL;
	for (const char *s = url; *s; s++) {
		b = (b + (unsigned char)*s) * 0xff51afd7ed558ccdULL;
		b ^= b >> 29;
	}
	a = fetch_mix(a ^ (b >> 7));
	b = fetch_mix(b + a);
	snprintf(name, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

static double fetch_random(struct fetch_run *r)
{
	r->rng = fetch_mix(r->rng + 0x9e3779b97f4a7c15ULL);
	return (double)(r->rng >> 11) / 9007199254740992.0;
}

double fetch_backoff(double backoff, unsigned n, double jitter, double retry_after)
{
	double d = backoff * ldexp(1.0, (int)(n > 30 ? 30 : n) - 1) * (1 + jitter / 4);
	if (d < retry_after)
		d = retry_after;
	return d > 3600 ? 3600 : d;
}

/* ---- the hash table ---- */

static size_t fetch_map_slot(const struct fetch_map *m, const char *key)
{
	size_t i = (size_t)fetch_fnv(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *fetch_map_get(const struct fetch_map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t i = fetch_map_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

static int fetch_map_grow(struct fetch_map *m)
{
	struct fetch_map g = { NULL, NULL, 0, m->cap ? m->cap * 2 : 256 };
	g.keys = calloc(g.cap, sizeof(*g.keys));
	g.vals = calloc(g.cap, sizeof(*g.vals));
	if (!g.keys || !g.vals) {
		free(g.keys);
		free(g.vals);
		return CLEAN_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t k = fetch_map_slot(&g, m->keys[i]);
		g.keys[k] = m->keys[i];
		g.vals[k] = m->vals[i];
	}
	g.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = g;
	return CLEAN_OK;
}

/* Add key (copied) with val; the key must not be there yet. */
static int fetch_map_put(struct fetch_map *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap && fetch_map_grow(m))
		return CLEAN_ENOMEM;
	char *k = strdup(key);
	if (!k)
		return CLEAN_ENOMEM;
	size_t i = fetch_map_slot(m, key);
	m->keys[i] = k;
	m->vals[i] = val;
	m->n++;
	return CLEAN_OK;
}

static void fetch_map_free(struct fetch_map *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] && free_val)
			free_val(m->vals[i]);
		free(m->keys[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- reports ---- */

static void fetch_error(struct fetch_run *r, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fetch_error(struct fetch_run *r, const char *subject, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->o.on_error)
		r->o.on_error(r->o.arg, subject, msg);
}

static void fetch_progress(struct fetch_run *r, double now, int force)
{
	if (!r->o.on_progress || !r->o.progress_every || (!force && now < r->next_progress))
		return;
	r->next_progress = now + r->o.progress_every;
	struct clean_fetch_progress p = {
		r->total, r->done, r->failed, r->active, r->st->bytes, now - r->t0
	};
	r->o.on_progress(r->o.arg, &p);
}

/* ---- jobs ---- */

static void fetch_job_free(struct fetch_job *j)
{
	if (!j)
		return;
	if (j->url != j->given)
		free(j->url);
	free(j->given);
	free(j->path);
	for (size_t i = 0; i < j->nvisited; i++)
		free(j->visited[i]);
	free(j->visited);
	free(j->said);
	buf_release(&j->body);
	free(j);
}

/* The job is over: it leaves the count of pending jobs. */
static void fetch_job_done(struct fetch_run *r, struct fetch_job *j)
{
	r->pending--;
	fetch_job_free(j);
}

/* A page or list fails for good. */
static void fetch_fail(struct fetch_run *r, struct fetch_job *j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fetch_fail(struct fetch_run *r, struct fetch_job *j, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (j->url != j->given && strcmp(j->url, j->given))
		fetch_error(r, j->given, "%s (at %.300s)", msg, j->url);
	else
		fetch_error(r, j->given, "%s", msg);
	r->st->failed++;
	r->failed++;
	fetch_job_done(r, j);
}

static void fetch_ring_add(struct fetch_run *r, struct fetch_host *h)
{
	if (h->ring_at != SIZE_MAX)
		return;
	if (r->nring == r->ring_cap) {
		struct fetch_host **v = array_grow(r->ring, &r->ring_cap, sizeof(*v), 64);
		if (!v) {
			r->fatal = CLEAN_ENOMEM;
			return;
		}
		r->ring = v;
	}
	h->ring_at = r->nring;
	r->ring[r->nring++] = h;
}

static void fetch_ring_remove(struct fetch_run *r, struct fetch_host *h)
{
	size_t i = h->ring_at;
	r->ring[i] = r->ring[--r->nring];
	r->ring[i]->ring_at = i;
	h->ring_at = SIZE_MAX;
}

static void fetch_host_free(void *p)
{
	struct fetch_host *h = p;
	robots_free(h->robots);
	free(h);
}

/*
 * Parse url: its host key ("scheme://name:port") and path with query. On
 * a bad URL, the reason goes to why and CLEAN_EINVAL is returned.
 */
static int fetch_parse_url(const char *url, char *key, size_t ksize, char **path,
                           char *why, size_t wsize)
{
	CURLU *u = curl_url();
	if (!u)
		return CLEAN_ENOMEM;
	char *scheme = NULL, *host = NULL, *port = NULL, *p = NULL, *q = NULL;
	int rc = CLEAN_OK;
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (!uc)
		uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	int web = !uc && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https"));
	if (web)
		uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (!uc && !web) {
		snprintf(why, wsize, "unsupported scheme '%.40s' (only http and https)", scheme);
		rc = CLEAN_EINVAL;
	} else if (uc) {
		snprintf(why, wsize, "invalid URL (%s)", curl_url_strerror(uc));
		rc = CLEAN_EINVAL;
	} else if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ||
	           curl_url_get(u, CURLUPART_PATH, &p, 0)) {
		snprintf(why, wsize, "invalid URL");
		rc = CLEAN_EINVAL;
	} else {
		curl_url_get(u, CURLUPART_QUERY, &q, 0);
		size_t n = strlen(p) + (q ? strlen(q) + 1 : 0) + 1;
		if ((size_t)snprintf(key, ksize, "%s://%s:%s", scheme, host, port) >= ksize) {
			snprintf(why, wsize, "invalid URL (host name too long)");
			rc = CLEAN_EINVAL;
		} else if (!(*path = malloc(n)))
			rc = CLEAN_ENOMEM;
		else
			snprintf(*path, n, "%s%s%s", p, q ? "?" : "", q ? q : "");
		for (char *c = key; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(p);
	curl_free(q);
	curl_url_cleanup(u);
	return rc;
}

static struct fetch_host *fetch_host_get(struct fetch_run *r, const char *key)
{
	struct fetch_host *h = fetch_map_get(&r->hosts, key);
	if (h)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h || fetch_map_put(&r->hosts, key, h)) {
		free(h);
		return NULL;
	}
	h->key = r->hosts.keys[fetch_map_slot(&r->hosts, key)];
	h->delay = r->o.host_delay;
	h->ring_at = SIZE_MAX;
	return h;
}

static void fetch_push(struct fetch_run *r, struct fetch_host *h, struct fetch_job *j, int front)
{
	j->host = h;
	if (front) {
		j->next = h->head;
		h->head = j;
		if (!h->tail)
			h->tail = j;
	} else {
		j->next = NULL;
		if (h->tail)
			h->tail->next = j;
		else
			h->head = j;
		h->tail = j;
	}
	fetch_ring_add(r, h);
}

static struct fetch_job *fetch_job_new(const char *url, int kind)
{
	struct fetch_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->given = strdup(url))) {
		free(j);
		return NULL;
	}
	j->url = j->given;
	j->kind = kind;
	buf_init(&j->body, 0);
	return j;
}

/* Queue the robots.txt of h first in its queue. */
static void fetch_queue_robots(struct fetch_run *r, struct fetch_host *h)
{
	char url[FETCH_KEY_MAX + 16];
	snprintf(url, sizeof(url), "%s/robots.txt", h->key);
	struct fetch_job *j = fetch_job_new(url, JOB_ROBOTS);
	if (!j || !(j->path = strdup("/robots.txt"))) {
		fetch_job_free(j);
		r->fatal = CLEAN_ENOMEM;
		return;
	}
	h->robots_state = ROBOTS_FETCHING;
	r->pending++;
	fetch_push(r, h, j, 1);
}

/*
 * Put job j (counted in pending) on the queue of its URL's host, its
 * robots.txt first when the host is new. A bad URL fails the job.
 */
static void fetch_place(struct fetch_run *r, struct fetch_job *j, int front)
{
	char key[FETCH_KEY_MAX], why[160];
	free(j->path);
	j->path = NULL;
	int rc = fetch_parse_url(j->url, key, sizeof(key), &j->path, why, sizeof(why));
	if (rc == CLEAN_EINVAL) {
		fetch_fail(r, j, "%s", why);
		return;
	}
	struct fetch_host *h = rc ? NULL : fetch_host_get(r, key);
	if (!h) {
		r->fatal = CLEAN_ENOMEM;
		fetch_job_done(r, j);
		return;
	}
	fetch_push(r, h, j, front);
	if (!r->o.no_robots && h->robots_state == ROBOTS_UNKNOWN)
		fetch_queue_robots(r, h);
}

/* The path of url's output file in outdir (and its name), or "". */
static void fetch_out_path(const struct fetch_run *r, const char *url, char *path,
                           size_t size, char name[33])
{
	clean_fetch_name(url, name);
	snprintf(path, size, "%s/%s.txt", r->o.outdir, name);
}

/* A new URL to fetch: counted, deduplicated, skipped when done. */
static int fetch_add(struct fetch_run *r, const char *url, int kind)
{
	if (fetch_map_get(&r->seen, url)) {
		r->st->duplicates++;
		return CLEAN_OK;
	}
	if (fetch_map_put(&r->seen, url, (void *)r))
		return r->fatal = CLEAN_ENOMEM;
	if (kind == JOB_PAGE) {
		r->st->urls++;
		r->total++;
	}
	if (kind == JOB_PAGE && r->o.outdir && !r->o.force) {
		char path[4096], name[33];
		struct stat sb;
		fetch_out_path(r, url, path, sizeof(path), name);
		if (!stat(path, &sb)) {
			r->st->skipped++;
			r->done++;
			return CLEAN_OK;
		}
	}
	struct fetch_job *j = fetch_job_new(url, kind);
	if (!j)
		return r->fatal = CLEAN_ENOMEM;
	r->pending++;
	fetch_place(r, j, 0);
	return r->fatal;
}

/* ---- transfers ---- */

static size_t fetch_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_job *j = arg;
	size_t len = size * n;
	if (buf_add(&j->body, data, len)) {
		j->too_big = 1;
		return 0;    /* abort: CURLE_WRITE_ERROR */
	}
	return len;
}

/* Keep the reason phrase of each status line ("HTTP/1.1 404 Not Found"). */
static size_t fetch_on_header(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_job *j = arg;
	size_t len = size * n;
	if (len > 5 && !memcmp(data, "HTTP/", 5)) {
		const char *p = memchr(data, ' ', len), *end = data + len;
		if (p)
			p = memchr(p + 1, ' ', (size_t)(end - p - 1));
		size_t k = 0;
		if (p)
			for (p++; p < end && *p != '\r' && *p != '\n' && k + 1 < sizeof(j->said->reason); p++)
				j->said->reason[k++] = (unsigned char)*p < 0x20 ? ' ' : *p;
		j->said->reason[k] = '\0';
	}
	return len;
}

static int fetch_start(struct fetch_run *r, struct fetch_job *j)
{
	if (!j->said && !(j->said = malloc(sizeof(*j->said))))
		return CLEAN_ENOMEM;
	CURL *e = curl_easy_init();
	if (!e)
		return CLEAN_ENOMEM;
	int robots = j->kind == JOB_ROBOTS;
	buf_release(&j->body);
	buf_init(&j->body, robots ? ROBOTS_MAX_BYTES : r->o.max_body);
	j->too_big = 0;
	j->said->reason[0] = j->said->errbuf[0] = '\0';
	j->attempt++;
	j->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, j->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->said->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, fetch_on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_USERAGENT, r->ua);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, (long)robots);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_ROBOTS_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(r->o.connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(r->o.timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (!robots)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->o.max_body);
	if (curl_multi_add_handle(r->multi, e)) {
		curl_easy_cleanup(e);
		j->easy = NULL;
		return CLEAN_ENOMEM;
	}
	j->run_at = r->active;
	r->running[r->active++] = j;
	j->host->active++;
	return CLEAN_OK;
}

/* May the head of h start now? */
static int fetch_host_ready(const struct fetch_run *r, const struct fetch_host *h, double now)
{
	if (!h->head || h->active >= r->o.per_host || now < h->next_start)
		return 0;
	return h->robots_state != ROBOTS_FETCHING || h->head->kind == JOB_ROBOTS;
}

static struct fetch_job *fetch_pop(struct fetch_run *r, struct fetch_host *h)
{
	struct fetch_job *j = h->head;
	h->head = j->next;
	if (!h->head) {
		h->tail = NULL;
		fetch_ring_remove(r, h);
	}
	j->next = NULL;
	return j;
}

/* Start what the limits allow, round-robin over the hosts. */
static void fetch_start_ready(struct fetch_run *r, double now)
{
	size_t idle = 0;
	while (r->active < r->o.parallel && r->nring && idle < r->nring && !r->fatal) {
		if (r->cursor >= r->nring)
			r->cursor = 0;
		struct fetch_host *h = r->ring[r->cursor];
		if (!fetch_host_ready(r, h, now)) {
			r->cursor++;
			idle++;
			continue;
		}
		idle = 0;
		struct fetch_job *j = fetch_pop(r, h);
		if (j->kind != JOB_ROBOTS && !robots_allowed(h->robots, j->path)) {
			if (h->robots_why[0])
				fetch_fail(r, j, "not fetched: %s", h->robots_why);
			else
				fetch_fail(r, j, "disallowed by robots.txt");
			continue;
		}
		int rc = fetch_start(r, j);
		if (rc) {
			r->fatal = rc;
			fetch_job_done(r, j);
			return;
		}
		h->next_start = now + h->delay;
		r->cursor++;
	}
}

/* Move the delayed jobs that are due to the front of their host queues. */
static void fetch_wake(struct fetch_run *r, double now)
{
	struct fetch_job **pp = &r->delayed;
	while (*pp) {
		struct fetch_job *j = *pp;
		if (j->not_before > now) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		fetch_push(r, j->host, j, 1);
	}
}

/* Milliseconds until something may start, at most FETCH_MAX_WAIT_MS. */
static long fetch_wait_ms(const struct fetch_run *r, double now)
{
	double t = now + FETCH_MAX_WAIT_MS / 1000.0;
	for (const struct fetch_job *j = r->delayed; j; j = j->next)
		if (j->not_before < t)
			t = j->not_before;
	if (r->active < r->o.parallel)
		for (size_t i = 0; i < r->nring; i++) {
			const struct fetch_host *h = r->ring[i];
			if (h->active < r->o.per_host && h->next_start < t)
				t = h->next_start;
		}
	return t <= now ? 0 : (long)((t - now) * 1000) + 1;
}

/* ---- outcomes ---- */

/* What a finished transfer said. */
struct fetch_result {
	CURLcode code;
	long status;
	curl_off_t retry_after;
	char *type;          /* Content-Type (copied) or NULL */
	char *location;      /* redirect target (copied) or NULL */
	char *final_url;     /* effective URL (copied) or NULL */
};

static char *fetch_info_str(CURL *e, CURLINFO what)
{
	char *s = NULL;
	curl_easy_getinfo(e, what, &s);
	return s ? strdup(s) : NULL;
}

static void fetch_result_free(struct fetch_result *res)
{
	free(res->type);
	free(res->location);
	free(res->final_url);
}

/* Try j again later, or fail it when out of tries. */
static void fetch_retry(struct fetch_run *r, struct fetch_job *j, const char *why,
                        double retry_after)
{
	if (retry_after > r->o.max_retry_after) {
		fetch_fail(r, j, "%s, asked to retry after %.0f s (over the %.0f s limit)", why,
		           retry_after, r->o.max_retry_after);
		return;
	}
	if (j->attempt >= r->o.attempts) {
		fetch_fail(r, j, "%s (gave up after %u attempts)", why, j->attempt);
		return;
	}
	buf_release(&j->body);
	j->not_before = fetch_now() +
	                fetch_backoff(r->o.backoff, j->attempt, fetch_random(r), retry_after);
	j->next = r->delayed;
	r->delayed = j;
	r->st->retries++;
}

/* Is this curl failure worth another try? */
static int fetch_transient(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT: case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR: case CURLE_SEND_ERROR: case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* An HTTP status in words: "HTTP 404 Not Found". */
static void fetch_status_why(const struct fetch_job *j, long status, char *why, size_t size)
{
	const char *phrase = j->said->reason;
	snprintf(why, size, "HTTP %ld%s%s", status, phrase[0] ? " " : "", phrase);
}

/* A curl failure in words: lowercase, no full stop. */
static void fetch_curl_why(const struct fetch_run *r, const struct fetch_job *j, CURLcode c,
                           char *why, size_t size)
{
	if (c == CURLE_OPERATION_TIMEDOUT) {
		int conn = !strncmp(j->said->errbuf, "Connection timed out", 20) ||
		           !strncmp(j->said->errbuf, "Failed to connect", 17);
		snprintf(why, size, "%s timed out after %g s", conn ? "connection" : "transfer",
		         conn ? r->o.connect_timeout : r->o.timeout);
		return;
	}
	snprintf(why, size, "%s", j->said->errbuf[0] ? j->said->errbuf : curl_easy_strerror(c));
	why[0] = (char)tolower((unsigned char)why[0]);
	size_t n = strlen(why);
	while (n && (why[n - 1] == '.' || why[n - 1] == '\n'))
		why[--n] = '\0';
}

static void fetch_robots_known(struct fetch_run *r, struct fetch_host *h, struct robots *rules,
                               const char *why)
{
	robots_free(h->robots);
	h->robots = rules;
	h->robots_state = ROBOTS_KNOWN;
	snprintf(h->robots_why, sizeof(h->robots_why), "%s", why ? why : "");
	double d = robots_crawl_delay(rules);
	if (d > FETCH_MAX_CRAWL_DELAY)
		d = FETCH_MAX_CRAWL_DELAY;
	if (d > h->delay)
		h->delay = d;
}

/* robots.txt is unreachable: RFC 9309 says assume complete disallow. */
static void fetch_robots_unreachable(struct fetch_run *r, struct fetch_job *j, const char *why)
{
	struct robots *none = NULL;
	char msg[160];
	snprintf(msg, sizeof(msg), "robots.txt unreachable (%.120s)", why);
	if (robots_disallow_all(&none))
		r->fatal = CLEAN_ENOMEM;
	fetch_robots_known(r, j->host, none, msg);
	fetch_job_done(r, j);
}

static void fetch_robots_done(struct fetch_run *r, struct fetch_job *j,
                              const struct fetch_result *res)
{
	char why[CURL_ERROR_SIZE + 64];
	struct robots *rules = NULL;
	if (res->code == CURLE_OK && res->status >= 200 && res->status < 300) {
		if (robots_parse(&rules, j->body.ptr, j->body.len, r->agent))
			r->fatal = CLEAN_ENOMEM;
	} else if (res->code == CURLE_WRITE_ERROR && j->too_big) {
		if (robots_parse(&rules, j->body.ptr, j->body.len, r->agent))  /* the first 512 KiB */
			r->fatal = CLEAN_ENOMEM;
	} else if (res->code == CURLE_TOO_MANY_REDIRECTS ||
	           (res->code == CURLE_OK && res->status >= 300 && res->status < 500 &&
	            res->status != 429)) {
		;   /* unavailable: everything allowed */
	} else {
		if (res->code)
			fetch_curl_why(r, j, res->code, why, sizeof(why));
		else
			fetch_status_why(j, res->status, why, sizeof(why));
		if (j->attempt < r->o.attempts && (res->code ? fetch_transient(res->code) : 1) &&
		    res->retry_after <= r->o.max_retry_after) {
			j->not_before = fetch_now() + fetch_backoff(r->o.backoff, j->attempt,
			                                            fetch_random(r), (double)res->retry_after);
			j->next = r->delayed;
			r->delayed = j;
			r->st->retries++;
			return;
		}
		fetch_robots_unreachable(r, j, why);
		return;
	}
	fetch_robots_known(r, j->host, rules, NULL);
	fetch_job_done(r, j);
}

/* Follow a redirect: the job moves to its target's host. */
static void fetch_redirect(struct fetch_run *r, struct fetch_job *j, const char *to)
{
	if (j->nvisited >= r->o.max_redirects) {
		fetch_fail(r, j, "more than %u redirects", r->o.max_redirects);
		return;
	}
	int loop = !strcmp(to, j->url);
	for (size_t i = 0; i < j->nvisited && !loop; i++)
		loop = !strcmp(to, j->visited[i]);
	if (loop) {
		fetch_fail(r, j, "redirect loop back to %.300s", to);
		return;
	}
	char **v = realloc(j->visited, (j->nvisited + 1) * sizeof(*v));
	char *next = strdup(to);
	if (!v || !next) {
		free(next);
		if (v)
			j->visited = v;
		r->fatal = CLEAN_ENOMEM;
		fetch_job_done(r, j);
		return;
	}
	j->visited = v;
	j->visited[j->nvisited++] = j->url == j->given ? strdup(j->url) : j->url;
	if (!j->visited[j->nvisited - 1])
		r->fatal = CLEAN_ENOMEM;
	j->url = next;
	j->attempt = 0;
	buf_release(&j->body);
	fetch_place(r, j, 0);
}

/* ---- lists ---- */

struct fetch_list_ctx {
	struct fetch_run *r;
	unsigned long long n;
};

static int fetch_list_url(void *arg, const char *url, int is_list)
{
	struct fetch_list_ctx *c = arg;
	c->n++;
	return fetch_add(c->r, url, is_list ? JOB_LIST : JOB_PAGE) == CLEAN_ENOMEM ? CLEAN_ENOMEM : 0;
}

/* Queue the URLs of a list; name is for messages, base resolves. */
static int fetch_read_list(struct fetch_run *r, const char *name, const char *base,
                           const char *bytes, size_t len)
{
	struct fetch_list_ctx c = { r, 0 };
	int kind = FEED_PLAIN;
	int rc = feed_parse(bytes, len, base, fetch_list_url, &c, &kind);
	if (rc == CLEAN_ENOMEM)
		return r->fatal = CLEAN_ENOMEM;
	if (rc == CLEAN_EFORMAT)
		fetch_error(r, name, "not a URL list, feed or sitemap");
	else if (rc == CLEAN_ETOOBIG)
		fetch_error(r, name, "list larger than %zu bytes uncompressed", (size_t)FEED_MAX_BYTES);
	else if (rc)
		fetch_error(r, name, "%s", clean_strerror(rc));
	else if (!c.n && r->o.on_warning)
		r->o.on_warning(r->o.arg, name, kind == FEED_PLAIN ? "no URLs in this list"
		                                                   : "no URLs in this feed or sitemap");
	return rc;
}

/* ---- pages ---- */

static json_t *fetch_json_str(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	return v ? v : json_null();
}

static int fetch_write_jsonl(struct fetch_run *r, const struct fetch_job *j, const char *final,
                             const struct clean_doc *doc)
{
	size_t len;
	const char *text = clean_doc_text(doc, &len);
	json_t *o = json_object();
	if (!o)
		return CLEAN_ENOMEM;
	json_t *u = json_string(j->given);
	json_object_set_new(o, "url", u ? u : fetch_json_str(j->url));
	json_object_set_new(o, "final_url", fetch_json_str(final));
	static const char *const keys[] = { "title", "author", "date", "sitename", "language" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_set_new(o, keys[k], fetch_json_str(clean_doc_meta(doc, keys[k])));
	json_object_set_new(o, "text", json_stringn(text, len));
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return CLEAN_ENOMEM;
	int bad = fputs(s, r->out) == EOF || putc('\n', r->out) == EOF;
	free(s);
	return bad ? CLEAN_EIO : CLEAN_OK;
}

/* Write text to path through a temporary file and a rename. */
static int fetch_write_file(const char *dir, const char *path, const char *name,
                            const char *text, size_t len)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(tmp))
		return CLEAN_EINVAL;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return CLEAN_EIO;
	fchmod(fd, 0644);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return CLEAN_EIO;
	}
	int bad = len && fwrite(text, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return CLEAN_EIO;
	}
	return CLEAN_OK;
}

static int fetch_write_dir(struct fetch_run *r, const struct fetch_job *j,
                           const struct clean_doc *doc)
{
	char path[4096], name[33];
	size_t len;
	const char *text = clean_doc_text(doc, &len);
	fetch_out_path(r, j->given, path, sizeof(path), name);
	if (fetch_write_file(r->o.outdir, path, name, text, len)) {
		fetch_error(r, path, "cannot write: %s", strerror(errno));
		return CLEAN_EIO;
	}
	if (fprintf(r->index, "%s.txt\t%s\n", name, j->given) < 0 || fflush(r->index)) {
		fetch_error(r, "index.tsv", "write error: %s", strerror(errno));
		return CLEAN_EIO;
	}
	return CLEAN_OK;
}

/* Clean a fetched page and write it. */
static void fetch_page_done(struct fetch_run *r, struct fetch_job *j, const struct fetch_result *res)
{
	char type[128], charset[64];
	fetch_content_type(res->type, type, sizeof(type), charset, sizeof(charset));
	if (!fetch_type_ok(type)) {
		fetch_fail(r, j, "not text (Content-Type '%s')", type);
		return;
	}
	struct buf conv;
	buf_init(&conv, r->o.max_body * 2 + 16);
	int rc = fetch_recode(j->body.ptr, j->body.len, charset, &conv);
	const char *bytes = rc > 0 ? conv.ptr : j->body.ptr;
	size_t len = rc > 0 ? conv.len : j->body.len;
	int html = r->o.html;
	if (!html)
		html = !strcmp(type, "text/html") || !strcmp(type, "application/xhtml+xml") ? 1
		       : !strcmp(type, "text/plain") ? -1
		       : clean_looks_like_html(bytes, len) ? 1 : -1;
	struct clean_doc *doc = NULL;
	if (rc >= 0)
		rc = html > 0 ? clean_html(r->ctx, bytes, len, res->final_url, &doc)
		              : clean_text(r->ctx, bytes, len, &doc);
	buf_release(&conv);
	if (rc) {
		if (rc == CLEAN_ENOMEM)
			r->fatal = rc;
		fetch_fail(r, j, "%s", clean_strerror(rc < 0 ? -rc : rc));
		return;
	}
	rc = r->o.outdir ? fetch_write_dir(r, j, doc) : fetch_write_jsonl(r, j, res->final_url, doc);
	clean_doc_free(doc);
	if (rc) {
		if (rc == CLEAN_EIO && !r->o.outdir)
			fetch_error(r, NULL, "write error: %s", strerror(errno));
		r->fatal = rc;
		fetch_job_done(r, j);
		return;
	}
	r->st->written++;
	r->done++;
	fetch_job_done(r, j);
}

static void fetch_list_done(struct fetch_run *r, struct fetch_job *j, const struct fetch_result *res)
{
	if (fetch_read_list(r, j->given, res->final_url ? res->final_url : j->url,
	                    j->body.ptr, j->body.len)) {
		r->st->failed++;
		r->failed++;
	}
	fetch_job_done(r, j);
}

/* A page or list transfer ended: retry, redirect, fail or use it. */
static void fetch_done(struct fetch_run *r, struct fetch_job *j, const struct fetch_result *res)
{
	char why[CURL_ERROR_SIZE + 64];
	if ((res->code == CURLE_WRITE_ERROR && j->too_big) || res->code == CURLE_FILESIZE_EXCEEDED) {
		fetch_fail(r, j, "body larger than the %zu-byte limit", r->o.max_body);
	} else if (res->code) {
		fetch_curl_why(r, j, res->code, why, sizeof(why));
		if (fetch_transient(res->code))
			fetch_retry(r, j, why, 0);
		else
			fetch_fail(r, j, "%s", why);
	} else if (res->status >= 300 && res->status < 400 && res->location) {
		fetch_redirect(r, j, res->location);
	} else if (res->status == 429 || res->status >= 500) {
		fetch_status_why(j, res->status, why, sizeof(why));
		fetch_retry(r, j, why, (double)res->retry_after);
	} else if (res->status < 200 || res->status >= 300) {
		fetch_status_why(j, res->status, why, sizeof(why));
		fetch_fail(r, j, "%s", why);
	} else if (j->kind == JOB_LIST) {
		fetch_list_done(r, j, res);
	} else {
		fetch_page_done(r, j, res);
	}
}

/* Collect the transfers that ended. */
static void fetch_collect(struct fetch_run *r)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(r->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		struct fetch_job *j = NULL;
		struct fetch_result res = { m->data.result, 0, 0, NULL, NULL, NULL };
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&j);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &res.status);
		curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &res.retry_after);
		res.type = fetch_info_str(e, CURLINFO_CONTENT_TYPE);
		res.location = fetch_info_str(e, CURLINFO_REDIRECT_URL);
		res.final_url = fetch_info_str(e, CURLINFO_EFFECTIVE_URL);
		curl_multi_remove_handle(r->multi, e);
		curl_easy_cleanup(e);
		j->easy = NULL;
		j->host->active--;
		r->running[j->run_at] = r->running[--r->active];
		r->running[j->run_at]->run_at = j->run_at;
		r->st->bytes += j->body.len;
		if (j->kind == JOB_ROBOTS)
			fetch_robots_done(r, j, &res);
		else
			fetch_done(r, j, &res);
		fetch_result_free(&res);
	}
}

/* ---- content types and charsets ---- */

void fetch_content_type(const char *ct, char *type, size_t tsize, char *charset, size_t csize)
{
	type[0] = charset[0] = '\0';
	if (!ct)
		return;
	size_t k = 0;
	while (isspace((unsigned char)*ct))
		ct++;
	for (; *ct && *ct != ';' && !isspace((unsigned char)*ct); ct++)
		if (k + 1 < tsize)
			type[k++] = (char)tolower((unsigned char)*ct);
	type[k] = '\0';
	const char *p = ct;
	while ((p = strchr(p, ';'))) {
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (strncasecmp(p, "charset", 7))
			continue;
		p += 7;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (isspace((unsigned char)*p) || *p == '"' || *p == '\'')
			p++;
		k = 0;
		while (*p && (isalnum((unsigned char)*p) || strchr("-_:.", *p)) && k + 1 < csize)
			charset[k++] = *p++;
		charset[k] = '\0';
		return;
	}
}

int fetch_type_ok(const char *type)
{
	size_t n = strlen(type);
	return !n || !strncmp(type, "text/", 5) || !strcmp(type, "application/xml") ||
	       !strcmp(type, "application/json") || (n > 4 && !strcmp(type + n - 4, "+xml"));
}

/* The iconv name of a charset label (WHATWG: Latin-1 and ASCII labels
 * are Windows-1252). */
static const char *fetch_iconv_name(const char *label)
{
	static const char *const w1252[] = {
		"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
		"ansi_x3.4-1968", "cp819", "ibm819", "iso_8859-1",
	};
	for (size_t i = 0; i < sizeof(w1252) / sizeof(w1252[0]); i++)
		if (!strcasecmp(label, w1252[i]))
			return "WINDOWS-1252";
	return label;
}

int fetch_recode(const char *body, size_t len, const char *charset, struct buf *out)
{
	int bom = (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3)) ||
	          (len >= 2 && (!memcmp(body, "\xFF\xFE", 2) || !memcmp(body, "\xFE\xFF", 2)));
	if (!charset[0] || bom || !strcasecmp(charset, "utf-8") || !strcasecmp(charset, "utf8") ||
	    utf8_valid(body, len))
		return 0;
	iconv_t cd = iconv_open("UTF-8", fetch_iconv_name(charset));
	if (cd == (iconv_t)-1)
		return 0;
	char *ip = (char *)body;
	size_t il = len;
	int rc = CLEAN_OK;
	while (il > 0 && !rc) {
		if ((rc = buf_grow(out, il * 2 + 16)))
			break;
		char *op = out->ptr + out->len;
		size_t ol = out->cap - out->len - 1;
		size_t n = iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->ptr);
		out->ptr[out->len] = '\0';
		if (n != (size_t)-1 || errno == E2BIG)
			continue;
		rc = buf_add(out, "\xEF\xBF\xBD", 3);   /* EILSEQ, or cut at the end */
		ip++;
		il--;
	}
	iconv_close(cd);
	return rc ? -rc : 1;
}

/* ---- the run ---- */

static void fetch_defaults(struct clean_fetch_opts *o)
{
	if (!o->parallel)
		o->parallel = FETCH_DEF_PARALLEL;
	if (!o->per_host)
		o->per_host = FETCH_DEF_PER_HOST;
	if (!(o->connect_timeout > 0))
		o->connect_timeout = FETCH_DEF_CONNECT;
	if (!(o->timeout > 0))
		o->timeout = FETCH_DEF_TIMEOUT;
	if (!o->attempts)
		o->attempts = FETCH_DEF_ATTEMPTS;
	if (!(o->backoff > 0))
		o->backoff = FETCH_DEF_BACKOFF;
	if (!(o->max_retry_after > 0))
		o->max_retry_after = FETCH_DEF_RETRY_AFTER;
	if (!o->max_body)
		o->max_body = FETCH_DEF_MAX_BODY;
	if (!o->max_redirects)
		o->max_redirects = FETCH_DEF_REDIRECTS;
	if (o->host_delay < 0)
		o->host_delay = 0;
}

/* The product token of a User-Agent: up to the first '/' or blank. */
static void fetch_agent_token(const char *ua, char *tok, size_t size)
{
	size_t k = 0;
	while (ua[k] && ua[k] != '/' && !isspace((unsigned char)ua[k]) && k + 1 < size) {
		tok[k] = ua[k];
		k++;
	}
	tok[k] = '\0';
}

/* Read a list file ("-": standard input) and queue its URLs. */
static void fetch_list_file(struct fetch_run *r, const char *path)
{
	const char *name = strcmp(path, "-") ? path : "(standard input)";
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	int e = errno;
	struct buf b;
	buf_init(&b, FEED_MAX_BYTES);
	int rc = f ? CLEAN_OK : CLEAN_EIO;
	char chunk[65536];
	size_t n;
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_add(&b, chunk, n);
	if (!rc && ferror(f)) {
		e = errno;
		rc = CLEAN_EIO;
	}
	if (f && f != stdin)
		fclose(f);
	if (rc == CLEAN_EIO)
		fetch_error(r, name, "%s", strerror(e));
	else if (rc == CLEAN_ETOOBIG)
		fetch_error(r, name, "list larger than %zu bytes", (size_t)FEED_MAX_BYTES);
	else if (rc)
		r->fatal = rc;
	if (!rc)
		rc = fetch_read_list(r, name, NULL, b.ptr, b.len);
	if (rc && rc != CLEAN_ENOMEM) {
		r->st->failed++;
		r->failed++;
	}
	buf_release(&b);
}

static int fetch_is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static int fetch_open_outdir(struct fetch_run *r)
{
	struct stat sb;
	if (strlen(r->o.outdir) > 4000) {
		fetch_error(r, r->o.outdir, "folder name too long");
		return CLEAN_EINVAL;
	}
	if (mkdir(r->o.outdir, 0777) && errno != EEXIST) {
		fetch_error(r, r->o.outdir, "%s", strerror(errno));
		return CLEAN_EIO;
	}
	if (stat(r->o.outdir, &sb) || !S_ISDIR(sb.st_mode)) {
		fetch_error(r, r->o.outdir, "not a folder");
		return CLEAN_EINVAL;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/index.tsv", r->o.outdir);
	r->index = fopen(path, "a");
	if (!r->index) {
		fetch_error(r, path, "%s", strerror(errno));
		return CLEAN_EIO;
	}
	return CLEAN_OK;
}

/* Queue the inputs: page URLs, then lists. */
static void fetch_inputs(struct fetch_run *r, const char *const *urls, size_t nurls,
                         const char *const *lists, size_t nlists)
{
	for (size_t i = 0; i < nurls && !r->fatal; i++)
		fetch_add(r, urls[i], JOB_PAGE);
	for (size_t i = 0; i < nlists && !r->fatal; i++) {
		if (fetch_is_url(lists[i]))
			fetch_add(r, lists[i], JOB_LIST);
		else
			fetch_list_file(r, lists[i]);
	}
}

static void fetch_loop(struct fetch_run *r)
{
	while (r->pending && !r->fatal) {
		double now = fetch_now();
		fetch_wake(r, now);
		fetch_start_ready(r, now);
		int running = 0;
		if (curl_multi_perform(r->multi, &running)) {
			r->fatal = CLEAN_ENOMEM;
			break;
		}
		fetch_collect(r);
		fetch_progress(r, fetch_now(), 0);
		if (!r->pending || r->fatal)
			break;
		now = fetch_now();
		fetch_wake(r, now);
		fetch_start_ready(r, now);
		long ms = fetch_wait_ms(r, now);
		if (ms > 0 || r->active)
			curl_multi_poll(r->multi, NULL, 0, (int)(ms > 0 ? ms : 1), NULL);
	}
}

/* Abandon what is left after a fatal error (without reports: the run
 * failed as a whole). */
static void fetch_drain(struct fetch_run *r)
{
	for (size_t i = 0; i < r->hosts.cap; i++) {
		struct fetch_host *h = r->hosts.vals[i];
		if (!r->hosts.keys[i])
			continue;
		while (h->head) {
			struct fetch_job *j = h->head;
			h->head = j->next;
			fetch_job_free(j);
		}
	}
	while (r->delayed) {
		struct fetch_job *j = r->delayed;
		r->delayed = j->next;
		fetch_job_free(j);
	}
}

static void fetch_abort_active(struct fetch_run *r)
{
	while (r->active) {
		struct fetch_job *j = r->running[--r->active];
		curl_multi_remove_handle(r->multi, j->easy);
		curl_easy_cleanup(j->easy);
		fetch_job_free(j);
	}
}

int clean_fetch_run(struct clean_ctx *ctx, const struct clean_fetch_opts *opts,
                    const char *const *urls, size_t nurls,
                    const char *const *lists, size_t nlists, FILE *out,
                    struct clean_fetch_stats *stats)
{
	struct fetch_run r;
	memset(&r, 0, sizeof(r));
	memset(stats, 0, sizeof(*stats));
	r.ctx = ctx;
	r.o = *opts;
	r.st = stats;
	r.out = out;
	fetch_defaults(&r.o);
	snprintf(r.ua, sizeof(r.ua), "%s", r.o.user_agent ? r.o.user_agent : "clean/" PACKAGE_VERSION);
	fetch_agent_token(r.ua, r.agent, sizeof(r.agent));
	r.t0 = fetch_now();
	r.rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (r.o.outdir) {
		int rc = fetch_open_outdir(&r);
		if (rc)
			return rc;
	}
	r.running = calloc(r.o.parallel, sizeof(*r.running));
	if (!r.running || curl_global_init(CURL_GLOBAL_DEFAULT)) {
		free(r.running);
		if (r.index)
			fclose(r.index);
		return CLEAN_ENOMEM;
	}
	if (!(r.multi = curl_multi_init())) {
		curl_global_cleanup();
		free(r.running);
		if (r.index)
			fclose(r.index);
		return CLEAN_ENOMEM;
	}
	jsonl_init();
	fetch_inputs(&r, urls, nurls, lists, nlists);
	fetch_loop(&r);
	if (r.fatal) {
		fetch_abort_active(&r);
		fetch_drain(&r);
	}
	fetch_progress(&r, fetch_now(), 1);
	curl_multi_cleanup(r.multi);
	curl_global_cleanup();
	fetch_map_free(&r.seen, NULL);
	fetch_map_free(&r.hosts, fetch_host_free);
	free(r.ring);
	free(r.running);
	if (r.index && fclose(r.index) && !r.fatal) {
		fetch_error(&r, "index.tsv", "write error: %s", strerror(errno));
		r.fatal = CLEAN_EIO;
	}
	return r.fatal;
}
