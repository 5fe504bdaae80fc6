/* bulk.c: the bulk runner (contract in clean.h, shape in bulk.h). */
#include "bulk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clean.h"
#include "doc.h"
#include "jsonl.h"
#include "reader.h"

/* ---- output names and shards ---- */

static int strip_suffix(struct buf *b, const char *sfx)
{
	size_t k = strlen(sfx);
	if (b->len <= k || strcmp(b->ptr + b->len - k, sfx) || b->ptr[b->len - k - 1] == '/')
		return 0;
	buf_truncate(b, b->len - k);
	return 1;
}

int bulk_out_name(const char *rel, int out_format, struct buf *dst)
{
	static const char *const codecs[] = { ".gz", ".zst", ".zstd" };
	static const char *const containers[] = { ".wet", ".warc", ".jsonl", ".ndjson" };
	buf_clear(dst);
	int rc = buf_addstr(dst, rel);
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (strip_suffix(dst, codecs[i]))
			break;
	int stripped = 0;
	for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++)
		if (strip_suffix(dst, containers[i])) {
			stripped = 1;
			i = (size_t)-1;   /* x.warc.wet: look again */
		}
	if (rc)
		return rc;
	if (out_format == CLEAN_FORMAT_JSONL) {
		if (!stripped)
			strip_suffix(dst, ".txt");
		return buf_addstr(dst, ".jsonl");
	}
	return stripped ? buf_addstr(dst, ".txt") : CLEAN_OK;
}

uint64_t bulk_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* A set of 64-bit hashes: output names already taken in this run. */
struct hset {
	uint64_t *v;
	size_t n, cap;
};

/* Add h; 1 if it was new, 0 if present, -1 on ENOMEM. */
static int hset_add(struct hset *s, uint64_t h)
{
	h |= 1;   /* 0 marks a free cell */
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *v = calloc(cap, sizeof(*v));
		if (!v)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			for (size_t j = s->v[i] % cap; s->v[i]; j = (j + 1) % cap)
				if (!v[j]) {
					v[j] = s->v[i];
					break;
				}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	size_t j = h % s->cap;
	for (; s->v[j]; j = (j + 1) % s->cap)
		if (s->v[j] == h)
			return 0;
	s->v[j] = h;
	s->n++;
	return 1;
}

/* ---- walking the inputs ---- */

struct frame {
	char *dir;
	char **names;
	size_t n, i;
};

struct walker {
	const char *const *args;
	size_t nargs, argi;
	int recursive;
	struct frame *st;
	size_t depth, cap;
	size_t rootlen;        /* length of the current folder argument */
	struct buf path;       /* the input found last */
	const char *rel;       /* its name below its folder, or base name */
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void frame_free(struct frame *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->dir);
}

/* Read a folder's names, sorted, onto the stack. */
static int walk_push(struct walker *w, const char *dir)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		struct frame *st = realloc(w->st, cap * sizeof(*st));
		if (!st)
			return CLEAN_ENOMEM;
		w->st = st;
		w->cap = cap;
	}
	struct frame f = { strdup(dir), NULL, 0, 0 };
	size_t cap = 0;
	DIR *d = f.dir ? opendir(dir) : NULL;
	if (!d) {
		int e = errno;
		free(f.dir);
		errno = e;
		return CLEAN_EIO;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (f.n == cap) {
			cap = cap ? 2 * cap : 64;
			char **names = realloc(f.names, cap * sizeof(*names));
			if (!names)
				break;
			f.names = names;
		}
		if (!(f.names[f.n] = strdup(e->d_name)))
			break;
		f.n++;
	}
	closedir(d);
	qsort(f.names, f.n, sizeof(*f.names), cmp_names);
	w->st[w->depth++] = f;
	return CLEAN_OK;
}

enum { WALK_END = 0, WALK_FILE, WALK_ERROR };

/* The next entry of the folders on the stack. */
static int walk_dir(struct walker *w)
{
	while (w->depth) {
		struct frame *f = &w->st[w->depth - 1];
		if (f->i == f->n) {
			frame_free(f);
			w->depth--;
			continue;
		}
		const char *name = f->names[f->i++];
		buf_clear(&w->path);
		if (buf_addf(&w->path, "%s/%s", f->dir, name))
			return WALK_ERROR;
		w->rel = w->path.ptr + w->rootlen + 1;
		struct stat st;
		if (lstat(w->path.ptr, &st))
			return WALK_ERROR;
		if (S_ISDIR(st.st_mode)) {
			if (walk_push(w, w->path.ptr))
				return WALK_ERROR;
			continue;
		}
		if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && !stat(w->path.ptr, &st) && S_ISREG(st.st_mode)))
			return WALK_FILE;
	}
	return WALK_END;
}

/* The next input: WALK_FILE with w->path and w->rel, WALK_ERROR (errno)
 * about w->path, or WALK_END. */
static int walk_next(struct walker *w)
{
	for (;;) {
		if (w->depth)
			return walk_dir(w);
		if (w->argi == w->nargs)
			return WALK_END;
		const char *arg = w->args[w->argi++];
		buf_clear(&w->path);
		if (buf_addstr(&w->path, arg))
			return WALK_ERROR;
		struct stat st;
		if (w->recursive && strcmp(arg, "-") && !stat(arg, &st) && S_ISDIR(st.st_mode)) {
			while (w->path.len > 1 && w->path.ptr[w->path.len - 1] == '/')
				buf_truncate(&w->path, w->path.len - 1);
			w->rootlen = w->path.len;
			if (walk_push(w, w->path.ptr))
				return WALK_ERROR;
			continue;
		}
		const char *slash = strrchr(arg, '/');
		w->rel = !strcmp(arg, "-") ? "stdin" : slash ? slash + 1 : arg;
		return WALK_FILE;
	}
}

static void walk_init(struct walker *w, const char *const *args, size_t n, int recursive)
{
	memset(w, 0, sizeof(*w));
	w->args = args;
	w->nargs = n;
	w->recursive = recursive;
	buf_init(&w->path, PATH_MAX);
}

static void walk_release(struct walker *w)
{
	while (w->depth)
		frame_free(&w->st[--w->depth]);
	free(w->st);
	buf_release(&w->path);
}

/* ---- inputs, jobs and the run ---- */

/* One input in flight: shared by its jobs, freed by the writer at its end. */
struct input {
	char *path;            /* as walked; "-" is standard input */
	char *rel;             /* output name below outdir, or NULL */
	char *dst, *tmp;       /* output and its temporary file */
	FILE *f;               /* the open temporary file */
	int format;            /* of its reader */
	int first;             /* no document written to f yet */
	int wfail;             /* writing the output failed (reported) */
};

enum { JOB_DOC, JOB_END };

struct job {
	int kind, done, status;
	struct input *in;
	struct rec rec;
	struct buf out;
	char msg[400];
	size_t nlines, nkept, replaced;
	size_t *removed;
};

struct bulk {
	struct clean_ctx *ctx;
	const struct clean_bulk_opts *o;
	struct clean_bulk_stats *st;
	FILE *out;
	int out_first, fatal;
	struct stat out_st;    /* out, when it is a regular file */
	int out_is_file;
	size_t ncat;
	/* the ring */
	struct job *ring;
	size_t cap, head, take, tail;
	int quit;
	pthread_mutex_t m;
	pthread_cond_t work, done;
	pthread_t *threads;
	size_t nthreads;
	/* the feeding side */
	struct walker w;
	struct hset names;
	struct buf name;
	struct clean_reader *r;
	struct input *cur;
	int fed_all;
	uint64_t bytes_closed;
	/* progress */
	struct timespec t0, last;
	unsigned long long bytes_total;
};

static void report(struct bulk *b, int warning, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct bulk *b, int warning, const char *subject, const char *fmt, ...)
{
	void (*cb)(void *, const char *, const char *) = warning ? b->o->on_warning : b->o->on_error;
	if (!cb)
		return;
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cb(b->o->arg, subject, msg);
}

static void input_free(struct input *in)
{
	if (!in)
		return;
	if (in->f) {
		fclose(in->f);
		unlink(in->tmp);
	}
	free(in->path);
	free(in->rel);
	free(in->dst);
	free(in->tmp);
	free(in);
}

/* Where a document is in its input, for messages: "" or "line 3: ". */
static void locate(const struct rec *rec, int format, char *s, size_t n)
{
	if (format == CLEAN_FORMAT_JSONL)
		snprintf(s, n, "line %" PRIu64 ": ", rec->line);
	else if (format == CLEAN_FORMAT_WARC)
		snprintf(s, n, "record at byte %" PRIu64 "%s%s%s: ", rec->offset,
		         rec->id ? " " : "", rec->id ? rec->id : "", "");
	else if (rec->index > 1)
		snprintf(s, n, "document %zu: ", rec->index);
	else
		s[0] = '\0';
}

/* ---- the work of one document (any thread) ---- */

static const char *doc_error(int rc)
{
	switch (rc) {
	case CLEAN_ETOOBIG: return "a line or document is over its size limit (see --max-line, --max-doc)";
	case CLEAN_EBINARY: return "binary file (NUL bytes), not cleaned";
	default: return clean_strerror(rc);
	}
}

static int render(struct bulk *b, struct job *j, const struct clean_doc *d)
{
	buf_clear(&j->out);
	if (b->o->out_format == CLEAN_FORMAT_JSONL)
		return jsonl_render(&j->out, &j->rec, b->o->jsonl_field ? b->o->jsonl_field : "text",
		                    j->in->path, d);
	size_t len;
	const char *text = clean_doc_text(d, &len);
	return buf_add(&j->out, text, len);
}

/* The document's counts into j (not clean_doc_line: with a line model it
 * builds each line's explanation, a tenth of the run). */
static void count(struct bulk *b, struct job *j, const struct clean_doc *d)
{
	j->nlines = clean_doc_nlines(d);
	j->nkept = clean_doc_nkept(d);
	for (size_t k = 0; k < b->ncat; k++)
		j->removed[k] = clean_doc_removed(d, k);
	j->replaced = clean_doc_replaced(d);
}

static void work(struct bulk *b, struct job *j)
{
	const struct rec *rec = &j->rec;
	int html = b->o->html > 0 || (b->o->html == 0 && (rec->html == 1 ||
	           (rec->html == -1 && clean_looks_like_html(rec->body.ptr, rec->body.len))));
	struct clean_doc *d = NULL;
	int rc = html ? clean_html(b->ctx, rec->body.ptr, rec->body.len, rec->url, &d)
	              : clean_text(b->ctx, rec->body.ptr, rec->body.len, &d);
	if (!rc && !(rc = render(b, j, d)))
		count(b, j, d);
	clean_doc_free(d);
	if (rc) {
		char where[200];
		locate(rec, j->in->format, where, sizeof(where));
		j->status = rc;
		snprintf(j->msg, sizeof(j->msg), "%s%s", where, doc_error(rc));
	}
}

static void *worker(void *arg)
{
	struct bulk *b = arg;
	pthread_mutex_lock(&b->m);
	for (;;) {
		while (b->take == b->tail && !b->quit)
			pthread_cond_wait(&b->work, &b->m);
		if (b->take == b->tail)
			break;
		struct job *j = &b->ring[b->take++ % b->cap];
		/* A slot done when fed (an input's end) is the writer's as soon
		 * as it is taken: touch it no more. */
		if (j->done) {
			pthread_cond_signal(&b->done);
			continue;
		}
		pthread_mutex_unlock(&b->m);
		work(b, j);
		pthread_mutex_lock(&b->m);
		j->done = 1;
		pthread_cond_signal(&b->done);
	}
	pthread_mutex_unlock(&b->m);
	return NULL;
}

/* ---- writing, in input order (the calling thread) ---- */

/* Create the folders above path (which is below outdir). */
static int make_parents(const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(tmp, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int output_open(struct bulk *b, struct input *in)
{
	if (in->f || in->wfail)
		return in->f ? 0 : -1;
	int fd = make_parents(in->tmp) ? -1 : open(in->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	in->f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!in->f) {
		report(b, 0, in->path, "cannot write '%s': %s", in->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		in->wfail = 1;
		return -1;
	}
	return 0;
}

static void emit(struct bulk *b, struct input *in, const struct buf *text)
{
	FILE *f = b->o->outdir ? in->f : b->out;
	int *first = b->o->outdir ? &in->first : &b->out_first;
	int bad = !*first && b->o->out_format != CLEAN_FORMAT_JSONL && fwrite("\f\n", 1, 2, f) != 2;
	*first = 0;
	bad = bad || fwrite(text->ptr, 1, text->len, f) != text->len;
	if (!bad)
		return;
	if (!b->o->outdir) {
		b->fatal = CLEAN_EIO;
		return;
	}
	report(b, 0, in->path, "write error on '%s': %s", in->tmp, strerror(errno));
	in->wfail = 1;
}

static void write_doc(struct bulk *b, struct job *j)
{
	struct input *in = j->in;
	if (j->status) {
		report(b, 0, in->path, "%s", j->msg);
		b->st->docs_failed++;
		return;
	}
	if (j->replaced) {
		char where[200];
		locate(&j->rec, in->format, where, sizeof(where));
		report(b, 1, in->path, "%s%zu undecodable bytes replaced by U+FFFD", where, j->replaced);
	}
	if (in->wfail || (b->o->outdir && output_open(b, in)))
		return;
	emit(b, in, &j->out);
	b->st->docs++;
	b->st->lines += j->nlines;
	b->st->kept += j->nkept;
	for (size_t k = 0; b->st->removed && k < b->ncat; k++)
		b->st->removed[k] += j->removed[k];
}

/* Commit the output of an input: close, rename into place. */
static void commit(struct bulk *b, struct input *in)
{
	if (!in->f && output_open(b, in))
		return;
	int bad = ferror(in->f);
	bad |= fclose(in->f);
	in->f = NULL;
	if (bad || rename(in->tmp, in->dst)) {
		report(b, 0, in->path, "%s '%s': %s", bad ? "write error on" : "cannot rename to",
		       bad ? in->tmp : in->dst, strerror(errno));
		unlink(in->tmp);
		in->wfail = 1;
	}
}

static void finish_input(struct bulk *b, struct job *j)
{
	struct input *in = j->in;
	if (j->status)
		report(b, 0, in->path, "%s", j->msg);
	else if (b->o->outdir && !in->wfail && !b->fatal)
		commit(b, in);
	if (j->status || in->wfail)
		b->st->failed++;
	else
		b->st->inputs++;
	input_free(in);
}

static void write_job(struct bulk *b, struct job *j)
{
	if (j->kind == JOB_END)
		finish_input(b, j);
	else if (!b->fatal)
		write_doc(b, j);
}

/* ---- feeding, in input order (the calling thread) ---- */

static int set_path(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int set_path(char **dst, const char *fmt, ...)
{
	char tmp[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(tmp))
		return CLEAN_EINVAL;
	return (*dst = strdup(tmp)) ? CLEAN_OK : CLEAN_ENOMEM;
}

/* The output paths of in; 0, or an error message in msg. */
static int plan_output(struct bulk *b, struct input *in, char *msg, size_t n)
{
	const char *base = strrchr(b->name.ptr, '/');
	base = base ? base + 1 : b->name.ptr;
	int dirlen = (int)(base - b->name.ptr);
	if (set_path(&in->dst, "%s/%s", b->o->outdir, b->name.ptr) ||
	    set_path(&in->tmp, "%s/%.*s.%s.part", b->o->outdir, dirlen, b->name.ptr, base)) {
		snprintf(msg, n, "output file name too long");
		return -1;
	}
	switch (hset_add(&b->names, bulk_hash(in->dst))) {
	case 0:
		snprintf(msg, n, "another input has the same output name '%s'", b->name.ptr);
		return -1;
	case -1:
		snprintf(msg, n, "%s", clean_strerror(CLEAN_ENOMEM));
		return -1;
	}
	struct stat a, o;
	if (!stat(in->path, &a) && !stat(in->dst, &o) && a.st_dev == o.st_dev && a.st_ino == o.st_ino) {
		snprintf(msg, n, "input file is also the output");
		return -1;
	}
	return 0;
}

enum { PICK_END, PICK_OK, PICK_DONE, PICK_OTHER_SHARD, PICK_ERROR };

/* Walk to the next input and decide about it. */
static int pick(struct bulk *b, struct input **out, char *msg, size_t n)
{
	*out = NULL;
	int w = walk_next(&b->w);
	if (w == WALK_END)
		return PICK_END;
	struct input *in = calloc(1, sizeof(*in));
	if (!in || !(in->path = strdup(b->w.path.ptr)) || bulk_out_name(b->w.rel, b->o->out_format, &b->name)) {
		input_free(in);
		b->fatal = CLEAN_ENOMEM;
		return PICK_END;
	}
	in->first = 1;
	*out = in;
	if (w == WALK_ERROR) {
		snprintf(msg, n, "%s", strerror(errno));
		return PICK_ERROR;
	}
	if (b->o->nshards && bulk_hash(b->name.ptr) % b->o->nshards != b->o->shard)
		return PICK_OTHER_SHARD;
	struct stat a;
	if (!b->o->outdir)
		return b->out_is_file && !stat(in->path, &a) && a.st_dev == b->out_st.st_dev &&
		       a.st_ino == b->out_st.st_ino && snprintf(msg, n, "input file is also the output") ? PICK_ERROR : PICK_OK;
	if (plan_output(b, in, msg, n))
		return PICK_ERROR;
	return !b->o->force && access(in->dst, F_OK) == 0 ? PICK_DONE : PICK_OK;
}

static void end_job(struct job *j, struct input *in, int status, const char *msg)
{
	j->kind = JOB_END;
	j->in = in;
	j->status = status;
	j->done = 1;
	snprintf(j->msg, sizeof(j->msg), "%s", msg);
}

static int open_input(struct bulk *b, struct job *j, struct input *in)
{
	const struct clean_opts *co = &b->ctx->opts;
	int rc = clean_reader_open_format(&b->r, in->path, co, b->o->in_format, b->o->jsonl_field);
	if (rc) {
		end_job(j, in, rc, rc == CLEAN_EIO ? strerror(errno) : clean_strerror(rc));
		return 1;
	}
	in->format = reader_format(b->r);
	b->cur = in;
	return 0;
}

static void close_input(struct bulk *b)
{
	b->bytes_closed += reader_raw_pos(b->r);
	clean_reader_free(b->r);
	b->r = NULL;
	b->cur = NULL;
}

/* Fill slot j with the next document or input end; 0 when there is none. */
static int feed(struct bulk *b, struct job *j)
{
	j->kind = JOB_DOC;
	j->done = j->status = 0;
	while (!b->cur) {
		struct input *in;
		char msg[400] = "";
		switch (pick(b, &in, msg, sizeof(msg))) {
		case PICK_END:
			b->fed_all = 1;
			return 0;
		case PICK_DONE:
			b->st->skipped++;
			/* fall through */
		case PICK_OTHER_SHARD:
			input_free(in);
			continue;
		case PICK_ERROR:
			end_job(j, in, CLEAN_EINVAL, msg);
			return 1;
		}
		if (open_input(b, j, in))
			return 1;
	}
	j->in = b->cur;
	int rc = reader_next_rec(b->r, &j->rec);
	if (rc == CLEAN_OK)
		return 1;
	if (rc != CLEAN_EOF && reader_can_go_on(b->r)) {
		j->status = rc;
		j->done = 1;
		snprintf(j->msg, sizeof(j->msg), "%s", clean_reader_error(b->r));
		return 1;
	}
	end_job(j, b->cur, rc == CLEAN_EOF ? 0 : rc, clean_reader_error(b->r));
	close_input(b);
	return 1;
}

/* ---- progress ---- */

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress(struct bulk *b, int force)
{
	if (!b->o->on_progress || b->o->progress_every <= 0)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && since(&b->last, &now) < b->o->progress_every)
		return;
	b->last = now;
	struct clean_bulk_progress p = {
		b->st->docs, b->bytes_closed + (b->r ? reader_raw_pos(b->r) : 0),
		b->bytes_total, since(&b->t0, &now)
	};
	b->o->on_progress(b->o->arg, &p);
}

/* The bytes the run will read, for the ETA: a walk that only stats. */
static void measure(struct bulk *b, const char *const *inputs, size_t n)
{
	struct bulk m = *b;
	struct clean_bulk_stats st = { 0 };
	m.st = &st;
	memset(&m.names, 0, sizeof(m.names));
	buf_init(&m.name, PATH_MAX);
	walk_init(&m.w, inputs, n, b->o->recursive);
	struct input *in;
	char msg[400];
	int p;
	while ((p = pick(&m, &in, msg, sizeof(msg))) != PICK_END) {
		struct stat s;
		if (p == PICK_OK && !stat(in->path, &s) && S_ISREG(s.st_mode))
			b->bytes_total += (unsigned long long)s.st_size;
		input_free(in);
	}
	walk_release(&m.w);
	buf_release(&m.name);
	free(m.names.v);
}

/* ---- setup and the run ---- */

/* The output folder must be neither inside a folder input nor hold one. */
static int check_trees(struct bulk *b, const char *const *inputs, size_t n)
{
	char out[PATH_MAX], in[PATH_MAX];
	if (make_parents(b->o->outdir) || (mkdir(b->o->outdir, 0777) && errno != EEXIST) ||
	    !realpath(b->o->outdir, out)) {
		report(b, 0, b->o->outdir, "cannot create the output folder: %s", strerror(errno));
		return CLEAN_EINVAL;
	}
	size_t ol = strlen(out);
	for (size_t i = 0; b->o->recursive && i < n; i++) {
		struct stat st;
		if (!strcmp(inputs[i], "-") || stat(inputs[i], &st) || !S_ISDIR(st.st_mode) || !realpath(inputs[i], in))
			continue;
		size_t il = strlen(in);
		int nested = (!strncmp(in, out, ol) && (in[ol] == '/' || !in[ol] || ol == 1)) ||
		             (!strncmp(out, in, il) && (out[il] == '/' || il == 1));
		if (nested) {
			report(b, 0, inputs[i], "the output folder '%s' and this input folder overlap", b->o->outdir);
			return CLEAN_EINVAL;
		}
	}
	return CLEAN_OK;
}

static int ring_init(struct bulk *b, unsigned jobs)
{
	b->cap = 2 * (size_t)jobs + 2;
	b->ring = calloc(b->cap, sizeof(*b->ring));
	if (!b->ring)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < b->cap; i++) {
		rec_init(&b->ring[i].rec, b->ctx->opts.max_doc);
		buf_init(&b->ring[i].out, 0);
		b->ring[i].removed = calloc(b->ncat + 1, sizeof(size_t));
		if (!b->ring[i].removed)
			return CLEAN_ENOMEM;
	}
	return CLEAN_OK;
}

static void ring_free(struct bulk *b)
{
	for (size_t i = 0; b->ring && i < b->cap; i++) {
		rec_release(&b->ring[i].rec);
		buf_release(&b->ring[i].out);
		free(b->ring[i].removed);
	}
	free(b->ring);
}

static int start_threads(struct bulk *b, unsigned jobs)
{
	if (jobs < 2)
		return CLEAN_OK;
	b->threads = calloc(jobs, sizeof(*b->threads));
	if (!b->threads)
		return CLEAN_ENOMEM;
	for (; b->nthreads < jobs; b->nthreads++)
		if (pthread_create(&b->threads[b->nthreads], NULL, worker, b))
			return b->nthreads ? CLEAN_OK : CLEAN_ENOMEM;
	return CLEAN_OK;
}

static void stop_threads(struct bulk *b)
{
	pthread_mutex_lock(&b->m);
	b->quit = 1;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->m);
	for (size_t i = 0; i < b->nthreads; i++)
		pthread_join(b->threads[i], NULL);
	free(b->threads);
}

/* Feed, clean (inline with no threads) and write until all is written. */
static void run(struct bulk *b)
{
	for (;;) {
		pthread_mutex_lock(&b->m);
		/* A slot is free again once written and passed by the workers. */
		while (b->head < b->take && b->ring[b->head % b->cap].done) {
			pthread_mutex_unlock(&b->m);
			write_job(b, &b->ring[b->head % b->cap]);
			pthread_mutex_lock(&b->m);
			b->head++;
		}
		int can_feed = !b->fed_all && !b->fatal && b->tail - b->head < b->cap;
		if (!can_feed && b->head == b->tail) {
			pthread_mutex_unlock(&b->m);
			return;
		}
		if (!can_feed) {
			pthread_cond_wait(&b->done, &b->m);
			pthread_mutex_unlock(&b->m);
			continue;
		}
		pthread_mutex_unlock(&b->m);
		progress(b, 0);
		struct job *j = &b->ring[b->tail % b->cap];
		if (!feed(b, j))
			continue;
		if (!b->nthreads && !j->done) {
			work(b, j);
			j->done = 1;
		}
		pthread_mutex_lock(&b->m);
		b->tail++;
		if (!b->nthreads)
			b->take = b->tail;
		pthread_cond_signal(&b->work);
		pthread_mutex_unlock(&b->m);
	}
}

static unsigned pick_jobs(unsigned jobs)
{
	if (jobs)
		return jobs;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int bulk_init(struct bulk *b, struct clean_ctx *ctx, const struct clean_bulk_opts *o,
                     FILE *out, struct clean_bulk_stats *st)
{
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	b->o = o;
	b->st = st;
	b->out = out;
	b->out_first = 1;
	b->ncat = clean_ctx_ncategories(ctx);
	buf_init(&b->name, PATH_MAX);
	pthread_mutex_init(&b->m, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->done, NULL);
	b->out_is_file = out && !fstat(fileno(out), &b->out_st) && S_ISREG(b->out_st.st_mode);
	clock_gettime(CLOCK_MONOTONIC, &b->t0);
	b->last = b->t0;
	jsonl_init();
	return CLEAN_OK;
}

static void bulk_release(struct bulk *b)
{
	input_free(b->cur);
	clean_reader_free(b->r);
	walk_release(&b->w);
	ring_free(b);
	free(b->names.v);
	buf_release(&b->name);
	pthread_mutex_destroy(&b->m);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
}

int clean_bulk_run(struct clean_ctx *ctx, const struct clean_bulk_opts *o,
                   const char *const *inputs, size_t ninputs, FILE *out,
                   struct clean_bulk_stats *st)
{
	struct bulk b;
	if ((o->out_format != CLEAN_FORMAT_TEXT && o->out_format != CLEAN_FORMAT_JSONL && o->out_format) ||
	    (o->nshards && o->shard >= o->nshards) || (!o->outdir && !out))
		return CLEAN_EINVAL;
	bulk_init(&b, ctx, o, out, st);
	walk_init(&b.w, inputs, ninputs, o->recursive);
	unsigned jobs = pick_jobs(o->jobs);
	int rc = o->outdir ? check_trees(&b, inputs, ninputs) : CLEAN_OK;
	if (!rc && o->on_progress && o->progress_every > 0)
		measure(&b, inputs, ninputs);
	if (!rc)
		rc = ring_init(&b, jobs);
	if (!rc)
		rc = start_threads(&b, jobs);
	if (!rc)
		run(&b);
	stop_threads(&b);
	if (!rc)
		progress(&b, 1);
	st->bytes_in = b.bytes_closed + (b.r ? reader_raw_pos(b.r) : 0);
	bulk_release(&b);
	if (!rc && b.fatal)
		rc = b.fatal;
	if (!rc && out && fflush(out))
		rc = CLEAN_EIO;
	return rc;
}
