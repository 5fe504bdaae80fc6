/*
 * patterns.c: rule files parsed into a pat_set, matched in one pass.
 *
 * Matching has two engines. Hyperscan (HAVE_HYPERSCAN) scans a line once
 * for every rule it can compile and reports which rules may match; PCRE2
 * then runs each reported rule on the line to confirm it and to measure
 * the leftmost span. Rules Hyperscan cannot compile exactly are given to
 * it as prefilters (a superset of the matches), and rules it cannot take
 * at all are run by PCRE2 on every line. Because every hit is decided by
 * PCRE2, the results are the same with or without Hyperscan; Hyperscan
 * only skips the rules that cannot match. Hits are rare (most lines match
 * nothing), so confirming them all costs little.
 *
 * PCRE2 runs with match limits, so a catastrophic user regex ends in a
 * limit error, which counts as "no match": a run never hangs on a rule.
 *
 * Per-thread state (Hyperscan scratch, PCRE2 match data, the candidate
 * list) is kept in thread-local storage and freed when the thread exits;
 * the main thread's copy lives until the process exits.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"  /* HAVE_HYPERSCAN */
#endif
#include "patterns.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "clean.h"

/* The longest rule-file line, in bytes, without its newline. */
#define PAT_MAX_LINE 4096
/* The longest category name. */
#define PAT_MAX_CATNAME 64
/* PCRE2 limits: backtracking steps, recursion depth, heap (KiB). */
#define PAT_MATCH_LIMIT 200000
#define PAT_DEPTH_LIMIT 10000
#define PAT_HEAP_LIMIT 8192

static const char *const pat_action_names[PAT_NACTIONS] = {
	"drop", "strip", "edge", "tail", "keep"
};

static const char *const pat_builtin_cats[CAT_NBUILTIN] = {
	"title", "context", "model", "dom", "empty"
};

/* How a rule is run. */
enum pat_engine {
	PAT_ENG_HS = 0,    /* Hyperscan exact; PCRE2 measures the span */
	PAT_ENG_PREFILTER, /* Hyperscan prefilter; PCRE2 confirms */
	PAT_ENG_PCRE       /* PCRE2 alone, on every line */
};

struct pat_rule {
	int action;
	int category;
	int engine;          /* enum pat_engine, set by pat_set_compile */
	char *regex;         /* NUL-terminated, as written in the file */
	char *where;         /* "file:line" */
	pcre2_code *code;
};

struct pat_set {
	struct pat_rule *rules;
	size_t nrules, caprules;
	size_t ncompiled;    /* rules [0, ncompiled) are matched by pat_scan */
	char **cats;
	unsigned char *keep;
	size_t ncats, capcats;
	int *always;         /* rules run by PCRE2 on every line, ascending */
	size_t nalways;
	pcre2_match_context *mctx;
#ifdef HAVE_HYPERSCAN
	/* One database a compiled block of rules: the default set is one
	 * block (loaded prebuilt when it can be), each later file another,
	 * so adding a small user file never recompiles the defaults. */
	struct pat_block {
		size_t first, n;
		hs_database_t *db;
	} *blocks;
	size_t nblocks;
	unsigned long serial; /* changes with the blocks, for scratch caches */
#endif
};

/* ---- per-thread state ---- */

struct pat_tls {
	pcre2_match_data *md;
	int *cand;           /* candidate rule ids of one scan */
	size_t ncand, capcand;
#ifdef HAVE_HYPERSCAN
	hs_scratch_t *scratch;
	unsigned long serial; /* the db the scratch was last grown for */
#endif
};

static pthread_key_t pat_tls_key;
static pthread_once_t pat_tls_once = PTHREAD_ONCE_INIT;
static int pat_tls_key_ok;
static __thread struct pat_tls *pat_tls_cur;

static void pat_tls_free(void *p)
{
	struct pat_tls *t = p;

	if (!t)
		return;
	pcre2_match_data_free(t->md);
	free(t->cand);
#ifdef HAVE_HYPERSCAN
	hs_free_scratch(t->scratch);
#endif
	free(t);
}

static void pat_tls_init_key(void)
{
	pat_tls_key_ok = pthread_key_create(&pat_tls_key, pat_tls_free) == 0;
}

/* This thread's state, created on first use; NULL on ENOMEM. */
static struct pat_tls *pat_tls_get(void)
{
	struct pat_tls *t = pat_tls_cur;

	if (t)
		return t;
	pthread_once(&pat_tls_once, pat_tls_init_key);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->md = pcre2_match_data_create(1, NULL);
	if (!t->md) {
		free(t);
		return NULL;
	}
	/* The key's destructor frees t when the thread exits. */
	if (pat_tls_key_ok)
		pthread_setspecific(pat_tls_key, t);
	pat_tls_cur = t;
	return t;
}

/* Room for n candidates. */
static int pat_tls_reserve(struct pat_tls *t, size_t n)
{
	if (n <= t->capcand)
		return 0;
	int *p = realloc(t->cand, n * sizeof(*p));
	if (!p)
		return -1;
	t->cand = p;
	t->capcand = n;
	return 0;
}

/* ---- errors ---- */

/* Append s[0..n) to err, at most 48 bytes, control bytes as \xNN. */
static void pat_quote(struct buf *err, const char *s, size_t n)
{
	if (n > 48)
		n = 48;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\')
			buf_addf(err, "\\x%02x", c);
		else
			buf_addch(err, c);
	}
}

/* Start a message "name:line: " in err (which may be NULL). */
static void pat_errat(struct buf *err, const char *name, size_t line)
{
	if (!err)
		return;
	buf_clear(err);
	buf_addf(err, "%s:%zu: ", name, line);
}

/* ---- categories ---- */

static int pat_category_intern(struct pat_set *ps, const char *name,
                               size_t n);

int pat_set_new(struct pat_set **out)
{
	struct pat_set *ps = calloc(1, sizeof(*ps));

	*out = NULL;
	if (!ps)
		return CLEAN_ENOMEM;
	ps->mctx = pcre2_match_context_create(NULL);
	if (!ps->mctx) {
		free(ps);
		return CLEAN_ENOMEM;
	}
	pcre2_set_match_limit(ps->mctx, PAT_MATCH_LIMIT);
	pcre2_set_depth_limit(ps->mctx, PAT_DEPTH_LIMIT);
	pcre2_set_heap_limit(ps->mctx, PAT_HEAP_LIMIT);
	ps->capcats = CAT_NBUILTIN + 16;
	ps->cats = malloc(ps->capcats * sizeof(*ps->cats));
	ps->keep = calloc(ps->capcats, 1);
	if (!ps->cats || !ps->keep)
		goto nomem;
	for (int i = 0; i < CAT_NBUILTIN; i++) {
		const char *c = pat_builtin_cats[i];
		if (pat_category_intern(ps, c, strlen(c)) != i)
			goto nomem;
	}
	*out = ps;
	return CLEAN_OK;
nomem:
	pat_set_free(ps);
	return CLEAN_ENOMEM;
}

size_t pat_ncategories(const struct pat_set *ps)
{
	return ps->ncats;
}

const char *pat_category_name(const struct pat_set *ps, int id)
{
	if (id < 0 || (size_t)id >= ps->ncats)
		return NULL;
	return ps->cats[id];
}

static int pat_category_idn(const struct pat_set *ps, const char *name,
                            size_t n)
{
	for (size_t i = 0; i < ps->ncats; i++)
		if (strlen(ps->cats[i]) == n && !memcmp(ps->cats[i], name, n))
			return (int)i;
	return -1;
}

int pat_category_id(const struct pat_set *ps, const char *name)
{
	return pat_category_idn(ps, name, strlen(name));
}

int pat_category_keep(const struct pat_set *ps, int id)
{
	if (id < 0 || (size_t)id >= ps->ncats)
		return 0;
	return ps->keep[id];
}

void pat_category_set_keep(struct pat_set *ps, int id, int keep)
{
	if (id >= 0 && (size_t)id < ps->ncats)
		ps->keep[id] = keep != 0;
}

/* Id of category name[0..n), registered if new; -1 on ENOMEM. */
static int pat_category_intern(struct pat_set *ps, const char *name, size_t n)
{
	int id = pat_category_idn(ps, name, n);

	if (id >= 0)
		return id;
	if (ps->ncats == ps->capcats) {
		size_t cap = ps->capcats * 2;
		char **c = realloc(ps->cats, cap * sizeof(*c));
		if (!c)
			return -1;
		ps->cats = c;
		unsigned char *k = realloc(ps->keep, cap);
		if (!k)
			return -1;
		memset(k + ps->capcats, 0, cap - ps->capcats);
		ps->keep = k;
		ps->capcats = cap;
	}
	char *s = malloc(n + 1);
	if (!s)
		return -1;
	memcpy(s, name, n);
	s[n] = '\0';
	ps->cats[ps->ncats] = s;
	ps->keep[ps->ncats] = 0;
	return (int)ps->ncats++;
}

/* Forget categories registered after the first n (a rejected file). */
static void pat_category_truncate(struct pat_set *ps, size_t n)
{
	while (ps->ncats > n)
		free(ps->cats[--ps->ncats]);
}

/* ---- rules ---- */

static void pat_rule_release(struct pat_rule *r)
{
	free(r->regex);
	free(r->where);
	pcre2_code_free(r->code);
}

/* Drop rules added after the first n. */
static void pat_rules_truncate(struct pat_set *ps, size_t n)
{
	while (ps->nrules > n)
		pat_rule_release(&ps->rules[--ps->nrules]);
	if (ps->ncompiled > n)
		ps->ncompiled = n;
}

void pat_set_free(struct pat_set *ps)
{
	if (!ps)
		return;
	pat_rules_truncate(ps, 0);
	free(ps->rules);
	pat_category_truncate(ps, 0);
	free(ps->cats);
	free(ps->keep);
	free(ps->always);
	pcre2_match_context_free(ps->mctx);
#ifdef HAVE_HYPERSCAN
	for (size_t i = 0; i < ps->nblocks; i++)
		hs_free_database(ps->blocks[i].db);
	free(ps->blocks);
#endif
	free(ps);
}

size_t pat_nrules(const struct pat_set *ps)
{
	return ps->nrules;
}

int pat_rule_action(const struct pat_set *ps, int rule)
{
	if (rule < 0 || (size_t)rule >= ps->nrules)
		return -1;
	return ps->rules[rule].action;
}

int pat_rule_category(const struct pat_set *ps, int rule)
{
	if (rule < 0 || (size_t)rule >= ps->nrules)
		return -1;
	return ps->rules[rule].category;
}

const char *pat_rule_where(const struct pat_set *ps, int rule)
{
	if (rule < 0 || (size_t)rule >= ps->nrules)
		return NULL;
	return ps->rules[rule].where;
}

/* ---- parsing ---- */

static int pat_isblank(char c)
{
	return c == ' ' || c == '\t';
}

/* One whitespace-separated field of s[*i..n); *i moves past it. */
static void pat_field(const char *s, size_t n, size_t *i,
                      const char **f, size_t *flen)
{
	while (*i < n && pat_isblank(s[*i]))
		(*i)++;
	*f = s + *i;
	while (*i < n && !pat_isblank(s[*i]))
		(*i)++;
	*flen = (size_t)(s + *i - *f);
}

static int pat_valid_catname(const char *s, size_t n)
{
	if (n == 0 || n > PAT_MAX_CATNAME)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int pat_action_of(const char *s, size_t n)
{
	for (int a = 0; a < PAT_NACTIONS; a++)
		if (strlen(pat_action_names[a]) == n &&
		    !memcmp(pat_action_names[a], s, n))
			return a;
	return -1;
}

static char *pat_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int pat_rules_reserve(struct pat_set *ps)
{
	if (ps->nrules < ps->caprules)
		return 0;
	size_t cap = ps->caprules ? ps->caprules * 2 : 64;
	struct pat_rule *r = realloc(ps->rules, cap * sizeof(*r));
	if (!r)
		return -1;
	ps->rules = r;
	ps->caprules = cap;
	return 0;
}

/* Compile a rule's regex with PCRE2; on error, "bad regex: ..." in err. */
static int pat_compile_pcre(struct pat_rule *r, size_t rlen, struct buf *err)
{
	int ec;
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP |
	                PCRE2_MATCH_INVALID_UTF;

	r->code = pcre2_compile((PCRE2_SPTR)r->regex, rlen, opts, &ec, &off,
	                        NULL);
	if (r->code)
		return CLEAN_OK;
	if (ec == PCRE2_ERROR_NOMEMORY)
		return CLEAN_ENOMEM;
	if (err) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", ec);
		buf_addf(err, "bad regex: %s at offset %zu", (char *)msg,
		         (size_t)off);
	}
	return CLEAN_EPATTERN;
}

/* Parse one non-blank, non-comment line s[0..n) into a new rule. */
static int pat_parse_rule(struct pat_set *ps, const char *name, size_t lineno,
                          const char *s, size_t n, struct buf *err)
{
	const char *cat, *act, *re;
	size_t catlen, actlen, i = 0;

	pat_field(s, n, &i, &cat, &catlen);
	pat_field(s, n, &i, &act, &actlen);
	while (i < n && pat_isblank(s[i]))
		i++;
	re = s + i;
	size_t relen = n - i;
	while (relen && pat_isblank(re[relen - 1]))
		relen--;

	pat_errat(err, name, lineno);
	if (!pat_valid_catname(cat, catlen)) {
		if (err) {
			buf_addstr(err, "bad category name '");
			pat_quote(err, cat, catlen);
			buf_addstr(err, "' (want [a-z0-9_-]+)");
		}
		return CLEAN_EPATTERN;
	}
	if (actlen == 0) {
		if (err)
			buf_addstr(err, "missing action and regex");
		return CLEAN_EPATTERN;
	}
	int action = pat_action_of(act, actlen);
	if (action < 0) {
		if (err) {
			buf_addstr(err, "unknown action '");
			pat_quote(err, act, actlen);
			buf_addstr(err, "'");
		}
		return CLEAN_EPATTERN;
	}
	if (relen == 0) {
		if (err)
			buf_addstr(err, "missing regex");
		return CLEAN_EPATTERN;
	}
	if (memchr(re, '\0', relen)) {
		if (err)
			buf_addstr(err, "NUL byte in regex");
		return CLEAN_EPATTERN;
	}
	if (pat_rules_reserve(ps) < 0)
		return CLEAN_ENOMEM;
	struct pat_rule r = { .action = action, .engine = PAT_ENG_PCRE };
	r.category = pat_category_intern(ps, cat, catlen);
	r.regex = pat_strndup(re, relen);
	size_t wlen = strlen(name) + 24;
	r.where = malloc(wlen);
	if (r.category < 0 || !r.regex || !r.where) {
		pat_rule_release(&r);
		return CLEAN_ENOMEM;
	}
	snprintf(r.where, wlen, "%s:%zu", name, lineno);
	int rc = pat_compile_pcre(&r, relen, err);
	if (rc) {
		pat_rule_release(&r);
		return rc;
	}
	ps->rules[ps->nrules++] = r;
	if (err)
		buf_clear(err);
	return CLEAN_OK;
}

/* Parse line s[0..n) (no newline); blank and '#' lines add nothing. */
static int pat_parse_line(struct pat_set *ps, const char *name, size_t lineno,
                          const char *s, size_t n, struct buf *err)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n > PAT_MAX_LINE) {
		pat_errat(err, name, lineno);
		if (err)
			buf_addf(err, "line too long (over %d bytes)",
			         PAT_MAX_LINE);
		return CLEAN_EPATTERN;
	}
	size_t i = 0;
	while (i < n && pat_isblank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return CLEAN_OK;
	return pat_parse_rule(ps, name, lineno, s + i, n - i, err);
}

int pat_set_add(struct pat_set *ps, const char *name, const char *text,
                size_t len, struct buf *err)
{
	size_t nrules0 = ps->nrules, ncats0 = ps->ncats, lineno = 0;
	const char *p = text, *end = text + len;
	int rc = CLEAN_OK;

	if (!name)
		name = "(patterns)";
	while (p < end && rc == CLEAN_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		rc = pat_parse_line(ps, name, ++lineno, p, (size_t)(eol - p),
		                    err);
		p = nl ? nl + 1 : end;
	}
	if (rc != CLEAN_OK) {
		if (rc == CLEAN_ENOMEM && err) {
			pat_errat(err, name, lineno);
			buf_addstr(err, "out of memory");
		}
		pat_rules_truncate(ps, nrules0);
		pat_category_truncate(ps, ncats0);
	}
	return rc;
}

/* ---- compiling ---- */

#ifdef HAVE_HYPERSCAN
#define PAT_HS_FLAGS (HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_UCP | \
                      HS_FLAG_SINGLEMATCH)

/* Can Hyperscan take rule r with these flags? A cheap first sorting;
 * hs_compile_multi has the last word. */
static int pat_hs_accepts(const struct pat_rule *r, unsigned flags)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *ce = NULL;

	if (hs_expression_info(r->regex, flags, &info, &ce) != HS_SUCCESS) {
		hs_free_compile_error(ce);
		return 0;
	}
	free(info);
	return 1;
}

/* Pick the engine of rules [first, first + n): exact, prefilter, or
 * PCRE2 alone. */
static void pat_hs_sort_rules(struct pat_set *ps, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		struct pat_rule *r = &ps->rules[i];
		if (pat_hs_accepts(r, PAT_HS_FLAGS))
			r->engine = PAT_ENG_HS;
		else if (pat_hs_accepts(r, PAT_HS_FLAGS | HS_FLAG_PREFILTER))
			r->engine = PAT_ENG_PREFILTER;
		else
			r->engine = PAT_ENG_PCRE;
	}
}

/* One attempt at the database of rules [first, first + n) not left to
 * PCRE2, into *db (NULL when none is needed). On a compile error blamed
 * on one expression, that rule is demoted one engine and 1 is returned
 * (try again); 0 on success or when Hyperscan cannot be used at all
 * (everything stays with PCRE2); -1 on ENOMEM. */
static int pat_hs_try(struct pat_set *ps, size_t first, size_t n,
                      hs_database_t **db)
{
	size_t m = 0;
	const char **exprs = malloc(n * sizeof(*exprs) + 1);
	unsigned *flags = malloc(n * sizeof(*flags) + 1);
	unsigned *ids = malloc(n * sizeof(*ids) + 1);
	hs_compile_error_t *ce = NULL;
	int rc = 0;

	*db = NULL;
	if (!exprs || !flags || !ids) {
		rc = -1;
		goto out;
	}
	for (size_t i = first; i < first + n; i++) {
		struct pat_rule *r = &ps->rules[i];
		if (r->engine == PAT_ENG_PCRE)
			continue;
		exprs[m] = r->regex;
		flags[m] = PAT_HS_FLAGS;
		if (r->engine == PAT_ENG_PREFILTER)
			flags[m] |= HS_FLAG_PREFILTER;
		ids[m++] = (unsigned)i;
	}
	if (m == 0)
		goto out;
	if (hs_compile_multi(exprs, flags, ids, (unsigned)m, HS_MODE_BLOCK,
	                     NULL, db, &ce) == HS_SUCCESS)
		goto out;
	*db = NULL;
	if (ce && ce->expression >= 0 && (size_t)ce->expression < m) {
		ps->rules[ids[ce->expression]].engine++;
		rc = 1;
	} else {
		/* Not one rule's fault: leave the block to PCRE2. */
		for (size_t i = first; i < first + n; i++)
			ps->rules[i].engine = PAT_ENG_PCRE;
	}
	hs_free_compile_error(ce);
out:
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

/* FNV-1a over the regexes of rules [0, n): says whether a prebuilt
 * database was made from exactly these rules. */
static unsigned long long pat_rules_hash(const struct pat_set *ps, size_t n)
{
	unsigned long long h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		for (const char *c = ps->rules[i].regex;; c++) {
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
			if (!*c)
				break;
		}
	return h;
}

#ifndef PAT_NO_PREBUILT
/* The default set's database, made at build time by src/mkhsdb: it
 * defines pat_prebuilt_hash, pat_prebuilt_nrules, pat_prebuilt_engines[]
 * and pat_prebuilt_db[] (pat_prebuilt_dblen bytes). */
#include "patterns_hsdb.inc"

/* Load the prebuilt database when rules [0, n) are the ones it was made
 * from and this CPU can run it; 1 if loaded. */
static int pat_hs_prebuilt(struct pat_set *ps, size_t n, hs_database_t **db)
{
	if (n != pat_prebuilt_nrules || pat_prebuilt_dblen == 0 ||
	    pat_rules_hash(ps, n) != pat_prebuilt_hash)
		return 0;
	if (hs_deserialize_database((const char *)pat_prebuilt_db,
	                            pat_prebuilt_dblen, db) != HS_SUCCESS) {
		*db = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		ps->rules[i].engine = pat_prebuilt_engines[i];
	return 1;
}
#else
static int pat_hs_prebuilt(struct pat_set *ps, size_t n, hs_database_t **db)
{
	(void)ps, (void)n, (void)db;
	return 0;
}
#endif

/* Compile rules [ncompiled, nrules) into one more block. */
static int pat_hs_compile(struct pat_set *ps)
{
	static unsigned long serials;
	size_t first = ps->ncompiled, n = ps->nrules - first;
	hs_database_t *db = NULL;
	int rc = 0;

	if (n == 0)
		return CLEAN_OK;
	struct pat_block *b = realloc(ps->blocks, (ps->nblocks + 1) * sizeof(*b));
	if (!b)
		return CLEAN_ENOMEM;
	ps->blocks = b;
	if (first != 0 || !pat_hs_prebuilt(ps, n, &db)) {
		pat_hs_sort_rules(ps, first, n);
		while ((rc = pat_hs_try(ps, first, n, &db)) == 1)
			;
	}
	if (rc < 0)
		return CLEAN_ENOMEM;
	ps->blocks[ps->nblocks++] = (struct pat_block){ first, n, db };
	ps->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	return CLEAN_OK;
}

int pat_prebuilt_source(const struct pat_set *ps, struct buf *out)
{
	char *bytes = NULL;
	size_t len = 0;
	int rc = CLEAN_OK;

	if (ps->nblocks && ps->blocks[0].db &&
	    hs_serialize_database(ps->blocks[0].db, &bytes, &len) != HS_SUCCESS)
		return CLEAN_ENOMEM;
	size_t n = ps->nblocks ? ps->blocks[0].n : 0;
	rc |= buf_addf(out, "/* generated by src/mkhsdb: do not edit */\n"
	               "static const unsigned long long pat_prebuilt_hash = %lluull;\n"
	               "static const size_t pat_prebuilt_nrules = %zu;\n"
	               "static const unsigned char pat_prebuilt_engines[] = {",
	               pat_rules_hash(ps, n), n);
	for (size_t i = 0; i < n; i++)
		rc |= buf_addf(out, "%s%d,", i % 32 ? "" : "\n", ps->rules[i].engine);
	rc |= buf_addstr(out, " 0 };\nstatic const size_t pat_prebuilt_dblen = ");
	rc |= buf_addf(out, "%zu;\nstatic const unsigned char pat_prebuilt_db[] __attribute__((aligned(8))) = {", len);
	for (size_t i = 0; i < len && !rc; i++)
		rc |= buf_addf(out, "%s%u,", i % 24 ? "" : "\n", (unsigned char)bytes[i]);
	rc |= buf_addstr(out, " 0 };\n");
	free(bytes);
	return rc ? CLEAN_ENOMEM : CLEAN_OK;
}
#endif

/* List the rules PCRE2 must try on every line. */
static int pat_list_always(struct pat_set *ps)
{
	size_t n = 0;

	free(ps->always);
	ps->always = malloc(ps->nrules * sizeof(*ps->always) + 1);
	ps->nalways = 0;
	if (!ps->always)
		return CLEAN_ENOMEM;
	for (size_t i = 0; i < ps->nrules; i++)
		if (ps->rules[i].engine == PAT_ENG_PCRE)
			ps->always[n++] = (int)i;
	ps->nalways = n;
	return CLEAN_OK;
}

int pat_set_compile(struct pat_set *ps, struct buf *err)
{
	int rc;

	if (err)
		buf_clear(err);
	for (size_t i = ps->ncompiled; i < ps->nrules; i++) {
		/* JIT is an optimisation: without it PCRE2 interprets. */
		pcre2_jit_compile(ps->rules[i].code, PCRE2_JIT_COMPLETE);
		ps->rules[i].engine = PAT_ENG_PCRE;
	}
#ifdef HAVE_HYPERSCAN
	rc = pat_hs_compile(ps);
	if (rc == CLEAN_OK)
		rc = pat_list_always(ps);
#else
	rc = pat_list_always(ps);
#endif
	if (rc != CLEAN_OK) {
		if (err)
			buf_addstr(err, "out of memory compiling patterns");
		return rc;
	}
	ps->ncompiled = ps->nrules;
	return CLEAN_OK;
}

/* ---- matching ---- */

#ifdef HAVE_HYPERSCAN
static int pat_hs_on_match(unsigned int id, unsigned long long from,
                           unsigned long long to, unsigned int flags,
                           void *ctx)
{
	struct pat_tls *t = ctx;

	(void)from;
	(void)to;
	(void)flags;
	/* SINGLEMATCH: each id comes once, so ncand <= rules in the db. */
	t->cand[t->ncand++] = (int)id;
	return 0;
}

/* Candidates from Hyperscan into t->cand; -1 on failure. */
static int pat_hs_candidates(const struct pat_set *ps, struct pat_tls *t,
                             const char *line, size_t len)
{
	if (t->serial != ps->serial || !t->scratch) {
		/* One scratch grown to fit every block's database. */
		for (size_t i = 0; i < ps->nblocks; i++)
			if (ps->blocks[i].db &&
			    hs_alloc_scratch(ps->blocks[i].db, &t->scratch) != HS_SUCCESS)
				return -1;
		t->serial = ps->serial;
	}
	if (len > 0xffffffffu)
		return -1;
	for (size_t i = 0; i < ps->nblocks; i++) {
		if (!ps->blocks[i].db)
			continue;
		if (hs_scan(ps->blocks[i].db, line, (unsigned)len, 0, t->scratch,
		            pat_hs_on_match, t) != HS_SUCCESS)
			return -1;
	}
	return 0;
}
#endif

#ifdef HAVE_HYPERSCAN
/* Sort the candidate ids ascending (there are few: insertion sort). */
static void pat_sort_ids(int *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int v = a[i];
		size_t j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}
#endif

/* Merge the sorted "always" list into the sorted candidates. */
static void pat_merge_always(const struct pat_set *ps, struct pat_tls *t)
{
	size_t i = t->ncand, j = ps->nalways, k = t->ncand + ps->nalways;

	t->ncand = k;
	while (j > 0) {
		if (i > 0 && t->cand[i - 1] > ps->always[j - 1])
			t->cand[--k] = t->cand[--i];
		else
			t->cand[--k] = ps->always[--j];
	}
}

/* Run rule r with PCRE2: 1 and the span on a match, 0 on none (a limit
 * hit counts as none), -1 on ENOMEM. */
static int pat_confirm(const struct pat_set *ps, struct pat_tls *t, int r,
                       const char *line, size_t len, struct pat_hit *hit)
{
	int rc = pcre2_match(ps->rules[r].code, (PCRE2_SPTR)line, len, 0, 0,
	                     t->md, ps->mctx);

	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
		hit->rule = r;
		hit->start = ov[0];
		hit->end = ov[1];
		return 1;
	}
	if (rc == PCRE2_ERROR_NOMEMORY)
		return -1;
	return 0;
}

int pat_scan(const struct pat_set *ps, const char *line, size_t len,
             struct pat_hit *hits, int max)
{
	struct pat_tls *t = pat_tls_get();
	int n = 0;

	if (!t || pat_tls_reserve(t, ps->ncompiled + 1) < 0)
		return -1;
	t->ncand = 0;
#ifdef HAVE_HYPERSCAN
	if (pat_hs_candidates(ps, t, line, len) < 0)
		return -1;
	pat_sort_ids(t->cand, t->ncand);
#endif
	pat_merge_always(ps, t);
	for (size_t i = 0; i < t->ncand && n < max; i++) {
		int rc = pat_confirm(ps, t, t->cand[i], line, len, &hits[n]);
		if (rc < 0)
			return -1;
		n += rc;
	}
	return n;
}

/* ---- the embedded default set ---- */

const struct pat_embedded pat_defaults[] = {
#include "patterns_default.inc"
};
const size_t pat_ndefaults = sizeof(pat_defaults) / sizeof(pat_defaults[0]);
