/* clean.c: the context and the pipeline entry points of libclean. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "doc.h"
#include "decode.h"
#include "segment.h"
#include "patterns.h"
#include "classify.h"
#include "model.h"
#include "render.h"
#include "html.h"

const char *clean_version(void)
{
	return PACKAGE_VERSION;
}

const char *clean_strerror(int status)
{
	switch (status) {
	case CLEAN_OK: return "success";
	case CLEAN_EOF: return "end of input";
	case CLEAN_ENOMEM: return "out of memory";
	case CLEAN_EIO: return "input/output error";
	case CLEAN_EBINARY: return "binary file (NUL bytes)";
	case CLEAN_ETOOBIG: return "input over its size limit";
	case CLEAN_EPATTERN: return "malformed pattern file";
	case CLEAN_EMODEL: return "malformed model file";
	case CLEAN_EINVAL: return "invalid argument";
	case CLEAN_EFORMAT: return "malformed input";
	case CLEAN_ECHARSET: return "cannot convert the input charset";
	default: return "unknown error";
	}
}

int clean_ctx_new(struct clean_ctx **out, const struct clean_opts *opts)
{
	*out = NULL;
	struct clean_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return CLEAN_ENOMEM;
	if (opts)
		c->opts = *opts;
	if (!c->opts.max_line)
		c->opts.max_line = CLEAN_DEFAULT_MAX_LINE;
	if (!c->opts.max_doc)
		c->opts.max_doc = CLEAN_DEFAULT_MAX_DOC;
	buf_init(&c->err, 4096);
	int rc = pat_set_new(&c->pat);
	for (size_t i = 0; !rc && !(c->opts.flags & CLEAN_F_NO_DEFAULTS) && i < pat_ndefaults; i++)
		rc = pat_set_add(c->pat, pat_defaults[i].name, pat_defaults[i].text,
		                 pat_defaults[i].len, &c->err);
	if (!rc)
		rc = pat_set_compile(c->pat, &c->err);
	if (!rc && !(c->opts.flags & CLEAN_F_NO_MODEL))
		rc = model_default(&c->model, &c->err);
	if (rc) {
		clean_ctx_free(c);
		return rc;
	}
	*out = c;
	return CLEAN_OK;
}

void clean_ctx_free(struct clean_ctx *c)
{
	if (!c)
		return;
	pat_set_free(c->pat);
	model_free(c->model);
	buf_release(&c->err);
	free(c);
}

const char *clean_ctx_error(const struct clean_ctx *c)
{
	return c->err.ptr;
}

int clean_ctx_add_patterns_mem(struct clean_ctx *c, const char *name,
                               const char *text, size_t len)
{
	buf_clear(&c->err);
	int rc = pat_set_add(c->pat, name, text, len, &c->err);
	return rc ? rc : pat_set_compile(c->pat, &c->err);
}

/* Pattern files are small: read whole, capped at 16 MiB. */
#define PATTERN_FILE_MAX (16u << 20)

/* Read a small data file whole into b (capped by b->max); what names it
 * in messages. */
static int read_data_file(struct clean_ctx *c, const char *path, const char *what,
                          struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? CLEAN_EIO : CLEAN_OK;
	struct stat st;
	if (!rc && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		rc = CLEAN_EIO;
	}
	while (!rc) {
		rc = buf_grow(b, 65536);
		ssize_t k = rc ? 0 : read(fd, b->ptr + b->len, 65536);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			rc = CLEAN_EIO;
		if (k <= 0)
			break;
		b->len += (size_t)k;
		b->ptr[b->len] = '\0';
	}
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (rc == CLEAN_EIO)
		ctx_errorf(c, "%s: %s", path, strerror(saved));
	else if (rc == CLEAN_ETOOBIG)
		ctx_errorf(c, "%s: %s file larger than 16 MiB", path, what);
	return rc;
}

int clean_ctx_add_patterns(struct clean_ctx *c, const char *path)
{
	struct buf b;
	buf_init(&b, PATTERN_FILE_MAX);
	int rc = read_data_file(c, path, "pattern", &b);
	if (!rc)
		rc = clean_ctx_add_patterns_mem(c, path, b.ptr, b.len);
	buf_release(&b);
	return rc;
}

int clean_ctx_load_model(struct clean_ctx *c, const char *path)
{
	struct buf b;
	buf_init(&b, PATTERN_FILE_MAX);
	int rc = read_data_file(c, path, "model", &b);
	struct model *m = NULL;
	if (!rc) {
		buf_clear(&c->err);
		rc = model_parse(&m, path, b.ptr, b.len, &c->err);
	}
	buf_release(&b);
	if (rc)
		return rc;
	model_free(c->model);
	c->model = m;
	return CLEAN_OK;
}

int clean_ctx_set_category(struct clean_ctx *c, const char *name, int keep)
{
	size_t n = pat_ncategories(c->pat);
	if (!strcmp(name, "all")) {
		for (size_t i = 0; i < n; i++)
			pat_category_set_keep(c->pat, (int)i, keep);
		return CLEAN_OK;
	}
	int id = pat_category_id(c->pat, name);
	if (id < 0) {
		ctx_errorf(c, "unknown category '%s'", name);
		return CLEAN_EINVAL;
	}
	pat_category_set_keep(c->pat, id, keep);
	return CLEAN_OK;
}

size_t clean_ctx_ncategories(const struct clean_ctx *c)
{
	return pat_ncategories(c->pat);
}

const char *clean_ctx_category(const struct clean_ctx *c, size_t id)
{
	return id < pat_ncategories(c->pat) ? pat_category_name(c->pat, (int)id) : NULL;
}

/* Judge and render a document whose segments are in place. */
static int finish(struct clean_doc *d, struct clean_doc **out)
{
	int rc = classify_doc(d);
	if (!rc)
		rc = render_doc(d);
	if (rc) {
		clean_doc_free(d);
		return rc;
	}
	*out = d;
	return CLEAN_OK;
}

int clean_text(struct clean_ctx *c, const char *bytes, size_t len,
               struct clean_doc **out)
{
	*out = NULL;
	if (len > c->opts.max_doc)
		return CLEAN_ETOOBIG;
	struct clean_doc *d;
	int rc = doc_new(&d, c);
	if (rc)
		return rc;
	struct buf text;
	const char *t;
	size_t tlen;
	buf_init(&text, 0);
	rc = decode_text(bytes, len, &text, &t, &tlen, &d->replaced);
	if (!rc)
		rc = segment_text(d, t, tlen, c->opts.flags, c->opts.max_line);
	buf_release(&text);
	if (rc) {
		clean_doc_free(d);
		return rc;
	}
	return finish(d, out);
}

int clean_html(struct clean_ctx *c, const char *bytes, size_t len,
               const char *url, struct clean_doc **out)
{
	*out = NULL;
	if (len > c->opts.max_doc)
		return CLEAN_ETOOBIG;
	struct clean_doc *d;
	int rc = doc_new(&d, c);
	if (rc)
		return rc;
	rc = html_extract(d, bytes, len, url);
	if (rc) {
		clean_doc_free(d);
		return rc;
	}
	return finish(d, out);
}

int clean_looks_like_html(const char *bytes, size_t len)
{
	return html_sniff(bytes, len);
}
