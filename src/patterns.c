/*
 * patterns.c: rule files parsed into a pat_set, matched in one pass.
 *
 * Every hit is decided by PCRE2 (which also measures the leftmost span);
 * everything else only picks the rules worth running on a line, so the
 * results are the same whatever picks them. Three gates, cheapest first
 * (prefilter.c finds what they need in each regex):
 *
 *   heads  a rule "^C*R" can only match a line that starts (after a run
 *          of C) with one of R's first few bytes: a hash probe or two a
 *          line for all such rules (PAT_ENG_HEAD; most rules);
 *   atoms  a rule whose every match holds one of a set of literals is
 *          tried only on lines holding one: one Hyperscan literal scan
 *          of the document for all such rules (PAT_ENG_LIT);
 *   regex  the rest go to Hyperscan whole (exact, or as a prefilter when
 *          it cannot run them exactly) or, failing that, to PCRE2 on
 *          every line.
 *
 * pat_prescan runs the literal and regex scans over a whole document at
 * once: per line, Hyperscan's start-up cost dominated for short lines.
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
#include "factor.h"
#include "prefilter.h"

/* The longest rule-file line, in bytes, without its newline. */
#define PAT_MAX_LINE 4096
/* The longest category name. */
#define PAT_MAX_CATNAME 64
/* PCRE2 limits: backtracking steps, recursion depth, heap (KiB). */
#define PAT_MATCH_LIMIT 200000
#define PAT_DEPTH_LIMIT 10000
#define PAT_HEAP_LIMIT 8192

static const char *const pat_action_names[PAT_NACTIONS] = {
	"drop", "strip", "edge", "tail", "keep", "thread"
};

static const char *const pat_builtin_cats[CAT_NBUILTIN] = {
	"title", "context", "model", "dom", "empty"
};

/* How a rule is run. */
enum pat_engine {
	PAT_ENG_HS = 0,    /* Hyperscan exact; PCRE2 measures the span */
	PAT_ENG_PREFILTER, /* Hyperscan prefilter; PCRE2 confirms */
	PAT_ENG_PCRE,      /* PCRE2 alone, on every line */
	PAT_ENG_LIT,       /* gated by its literals (prefilter.c); PCRE2 confirms */
	PAT_ENG_HEAD       /* gated by its heads (prefilter.c); PCRE2 confirms */
};

struct pat_rule {
	int action;
	int category;
	int engine;          /* enum pat_engine, set by pat_set_compile */
	char *regex;         /* NUL-terminated, as written in the file */
	char *where;         /* "file:line" */
	pcre2_code *code;
	int jit;             /* JIT-compiled: pat_confirm calls it directly */
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
		hs_database_t *db;    /* the rules not gated by literals, or NULL */
		hs_database_t *litdb; /* the literals of the LIT rules, or NULL */
		struct pf_gate gate;  /* the heads of the HEAD rules */
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
	unsigned *seen;      /* seen[r] == stamp: r is in cand already */
	unsigned stamp;
	const struct pat_set *ps; /* of the scan in progress */
	struct pat_pre *pre; /* of the prescan in progress, or NULL */
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
	free(t->seen);
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

/* Room for n candidates (and their seen marks). */
static int pat_tls_reserve(struct pat_tls *t, size_t n)
{
	if (n <= t->capcand)
		return 0;
	int *p = realloc(t->cand, n * sizeof(*p));
	if (!p)
		return -1;
	t->cand = p;
	unsigned *q = realloc(t->seen, n * sizeof(*q));
	if (!q)
		return -1;
	memset(q, 0, n * sizeof(*q));
	t->seen = q;
	t->stamp = 0;
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
	char *s = mem_dup(name, n);
	if (!s)
		return -1;
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
	for (size_t i = 0; i < ps->nblocks; i++) {
		hs_free_database(ps->blocks[i].db);
		hs_free_database(ps->blocks[i].litdb);
		pf_gate_release(&ps->blocks[i].gate);
	}
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

#define PAT_PCRE_OPTS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | \
                       PCRE2_MATCH_INVALID_UTF)

/*
 * Compile a rule's regex with PCRE2; on error, "bad regex: ..." in err.
 * What is compiled is the regex with its literal alternatives factored
 * (factor.h): the same matches and spans, with fewer alternatives tried.
 * The rule keeps its regex as written, for the gates, Hyperscan and the
 * messages. The regex as written is compiled when there is nothing to
 * factor, or when the factored one does not compile: a mistake in the
 * rule, whose message and offset must then be about the user's text
 * (factoring never makes a bad regex good: tests/fuzz/fuzz_factor
 * checks), or nesting too deep for PCRE2.
 */
static int pat_compile_pcre(struct pat_rule *r, size_t rlen, struct buf *err)
{
	int ec;
	PCRE2_SIZE off;
	struct buf f;

	buf_init(&f, BUF_MAX_DEFAULT);
	int rc = factor_regex(r->regex, rlen, &f);
	r->code = NULL;
	if (rc == 1)
		r->code = pcre2_compile((PCRE2_SPTR)f.ptr, f.len, PAT_PCRE_OPTS,
		                        &ec, &off, NULL);
	buf_release(&f);
	if (rc < 0)
		return CLEAN_ENOMEM;
	if (!r->code)
		r->code = pcre2_compile((PCRE2_SPTR)r->regex, rlen, PAT_PCRE_OPTS,
		                        &ec, &off, NULL);
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
	r.regex = mem_dup(re, relen);
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
/* The rules' database is scanned a line at a time or a document at a
 * time (NUL-separated lines, see pat_prescan). MULTILINE makes ^ and $
 * hold at line ends there, so every match of a line is found in the
 * document too; what else it finds (a [^x]+ run over two lines) only adds
 * candidates, which PCRE2 turns down. */
#define PAT_HS_FLAGS (HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_UCP | \
                      HS_FLAG_MULTILINE)
/* The literal id that says "this line holds a character PCRE2 folds onto
 * an ASCII letter": every gated rule is a candidate. */
#define PAT_ID_EXOTIC 0xfffffff0u

/* Escapes whose meaning a document-wide scan would change. */
static int pat_needs_line(const char *re)
{
	return strstr(re, "\\A") || strstr(re, "\\z") || strstr(re, "\\Z") ||
	       strstr(re, "\\G");
}

/* Can Hyperscan take rule r with these flags? A cheap first sorting;
 * hs_compile_multi has the last word. */
static int pat_hs_accepts(const struct pat_rule *r, unsigned flags)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *ce = NULL;

	if (pat_needs_line(r->regex) ||
	    hs_expression_info(r->regex, flags, &info, &ce) != HS_SUCCESS) {
		hs_free_compile_error(ce);
		return 0;
	}
	free(info);
	return 1;
}

/* Pick the engine of the rules [first, first + n) not gated by literals:
 * exact, prefilter, or PCRE2 alone. */
static void pat_hs_sort_rules(struct pat_set *ps, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		struct pat_rule *r = &ps->rules[i];
		if (r->engine == PAT_ENG_LIT || r->engine == PAT_ENG_HEAD)
			continue;
		if (pat_hs_accepts(r, PAT_HS_FLAGS))
			r->engine = PAT_ENG_HS;
		else if (pat_hs_accepts(r, PAT_HS_FLAGS | HS_FLAG_PREFILTER))
			r->engine = PAT_ENG_PREFILTER;
		else
			r->engine = PAT_ENG_PCRE;
	}
}

/* One attempt at the database of rules [first, first + n) left to
 * Hyperscan, into *db (NULL when none is needed). On a compile error blamed
 * on one expression, that rule is demoted one engine and 1 is returned
 * (try again); 0 on success or when Hyperscan cannot be used at all
 * (those rules stay with PCRE2); -1 on ENOMEM. */
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
		if (r->engine >= PAT_ENG_PCRE)
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
		/* Not one rule's fault: leave them to PCRE2. */
		for (size_t i = first; i < first + n; i++)
			if (ps->rules[i].engine < PAT_ENG_PCRE)
				ps->rules[i].engine = PAT_ENG_PCRE;
	}
	hs_free_compile_error(ce);
out:
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

/* Append a copy of x to all, and id beside it in (*ids)[]. */
static int pat_lit_add(struct pf_set *all, unsigned **ids, size_t *capids,
                       const struct pf_str *x, unsigned id)
{
	if (all->n == all->cap) {
		struct pf_str *v = array_grow(all->v, &all->cap, sizeof(*v), 64);
		if (!v)
			return -1;
		all->v = v;
	}
	if (all->n == *capids) {
		unsigned *d = array_grow(*ids, capids, sizeof(*d), 64);
		if (!d)
			return -1;
		*ids = d;
	}
	char *p = mem_dup(x->p, x->len);
	if (!p)
		return -1;
	all->v[all->n] = (struct pf_str){ p, x->len };
	(*ids)[all->n++] = id;
	return 0;
}

/* Gate rule i by its literals if it has any: appends them to *all, with
 * the rule's id beside each in (*ids)[...]; 0, or -1 on ENOMEM. */
static int pat_lit_gather(struct pat_set *ps, size_t i, struct pf_set *all,
                          unsigned **ids, size_t *capids)
{
	struct pat_rule *r = &ps->rules[i];
	struct pf_set atoms = { 0 };
	int rc = 0;

	if (pat_needs_line(r->regex) || r->engine == PAT_ENG_HEAD)
		return 0;
	if (pf_atoms(r->regex, strlen(r->regex), &atoms))
		return -1;
	for (size_t k = 0; k < atoms.n && rc == 0; k++)
		rc = pat_lit_add(all, ids, capids, &atoms.v[k], (unsigned)i);
	if (atoms.n)
		r->engine = PAT_ENG_LIT;
	pf_set_release(&atoms);
	return rc;
}

/* Are rule r's heads weak (one of at most 2 bytes, or a digit: many lines
 * start so) while it has literals of 4 bytes or more, which a line holds
 * more rarely? 1 if so, 0 if not, -1 on ENOMEM. */
static int pat_heads_weak(const struct pat_rule *r, const struct pf_set *heads)
{
	struct pf_set atoms = { 0 };
	int weak = 0;

	for (size_t k = 0; k < heads->n; k++)
		weak |= heads->v[k].len <= 2;
	if (!weak)
		return 0;
	if (pf_atoms(r->regex, strlen(r->regex), &atoms))
		return -1;
	for (size_t k = 0; k < atoms.n && weak; k++)
		weak = atoms.v[k].len >= 4;
	weak = weak && atoms.n > 0;
	pf_set_release(&atoms);
	return weak;
}

/* The head gate of rules [first, first + n): with choose, every rule with
 * heads joins it and becomes PAT_ENG_HEAD; without (the engines came
 * prebuilt), the PAT_ENG_HEAD rules join it. 0, or -1 on ENOMEM. */
static int pat_gate_rules(struct pat_set *ps, size_t first, size_t n,
                          struct pf_gate *gate, int choose)
{
	struct pf_set skip = { 0 }, heads = { 0 };
	int rc = 0;

	for (size_t i = first; i < first + n && rc == 0; i++) {
		struct pat_rule *r = &ps->rules[i];
		if (!choose && r->engine != PAT_ENG_HEAD)
			continue;
		if (pat_needs_line(r->regex) ||
		    (rc = pf_heads(r->regex, strlen(r->regex), &skip, &heads)) < 0)
			continue;
		if (heads.n == 0) {
			if (r->engine == PAT_ENG_HEAD)
				r->engine = PAT_ENG_PCRE; /* cannot happen: same rules */
			continue;
		}
		if (choose && pat_heads_weak(r, &heads) > 0)
			continue; /* its literals pick fewer lines */
		rc = pf_gate_add(gate, &skip, &heads, (int)i);
		r->engine = PAT_ENG_HEAD;
	}
	pf_set_release(&skip);
	pf_set_release(&heads);
	if (rc == 0)
		rc = pf_gate_build(gate);
	return rc;
}

/* The literals of every gated rule of [first, first + n), and the exotic
 * characters, as one literal database in *litdb (NULL if no rule has
 * literals). Returns 0, or -1 on ENOMEM; if Hyperscan fails, no rule of
 * the block is gated. */
static int pat_lit_compile(struct pat_set *ps, size_t first, size_t n,
                           hs_database_t **litdb)
{
	struct pf_set all = { 0 };
	unsigned *ids = NULL, *flags = NULL;
	const char **exprs = NULL;
	size_t *lens = NULL, capids = 0;
	hs_compile_error_t *ce = NULL;
	int rc = 0;

	*litdb = NULL;
	for (size_t i = first; i < first + n && rc == 0; i++)
		rc = pat_lit_gather(ps, i, &all, &ids, &capids);
	int gated = all.n > 0;
	for (size_t i = first; i < first + n; i++)
		gated |= ps->rules[i].engine == PAT_ENG_HEAD;
	for (size_t k = 0; k < pf_nexotic && rc == 0 && gated; k++) {
		if (pat_lit_add(&all, &ids, &capids, &pf_exotic[k], PAT_ID_EXOTIC))
			rc = -1;
	}
	size_t m = all.n;
	if (rc == 0 && m > 0) {
		exprs = malloc(m * sizeof(*exprs));
		lens = malloc(m * sizeof(*lens));
		flags = malloc(m * sizeof(*flags));
		if (!exprs || !lens || !flags)
			rc = -1;
	}
	for (size_t k = 0; k < m && rc == 0; k++) {
		exprs[k] = all.v[k].p;
		lens[k] = all.v[k].len;
		flags[k] = HS_FLAG_CASELESS;
	}
	if (rc == 0 && m > 0 &&
	    hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)m, HS_MODE_BLOCK,
	                         NULL, litdb, &ce) != HS_SUCCESS) {
		*litdb = NULL;
		for (size_t i = first; i < first + n; i++)
			if (ps->rules[i].engine == PAT_ENG_LIT || ps->rules[i].engine == PAT_ENG_HEAD)
				ps->rules[i].engine = PAT_ENG_PCRE;
		hs_free_compile_error(ce);
	}
	pf_set_release(&all);
	free(ids);
	free(exprs);
	free(lens);
	free(flags);
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
/* The default set's databases, made at build time by src/mkhsdb: it
 * defines pat_prebuilt_hash, pat_prebuilt_nrules, pat_prebuilt_engines[],
 * pat_prebuilt_db[] (pat_prebuilt_dblen bytes) and pat_prebuilt_litdb[]
 * (pat_prebuilt_litdblen bytes). */
#include "patterns_hsdb.inc"

/* A serialised database, or NULL for none (len 0) or on failure. */
static int pat_hs_load(const unsigned char *bytes, size_t len, hs_database_t **db)
{
	*db = NULL;
	if (len == 0)
		return 1;
	if (hs_deserialize_database((const char *)bytes, len, db) == HS_SUCCESS)
		return 1;
	*db = NULL;
	return 0;
}

/* Load the prebuilt databases when rules [0, n) are the ones they were
 * made from and this CPU can run them; 1 if loaded. */
static int pat_hs_prebuilt(struct pat_set *ps, size_t n, hs_database_t **db,
                           hs_database_t **litdb)
{
	if (n != pat_prebuilt_nrules || pat_rules_hash(ps, n) != pat_prebuilt_hash)
		return 0;
	if (!pat_hs_load(pat_prebuilt_db, pat_prebuilt_dblen, db))
		return 0;
	if (!pat_hs_load(pat_prebuilt_litdb, pat_prebuilt_litdblen, litdb)) {
		hs_free_database(*db);
		*db = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		ps->rules[i].engine = pat_prebuilt_engines[i];
	return 1;
}
#else
static int pat_hs_prebuilt(struct pat_set *ps, size_t n, hs_database_t **db,
                           hs_database_t **litdb)
{
	(void)ps, (void)n, (void)db, (void)litdb;
	return 0;
}
#endif

/* Compile rules [ncompiled, nrules) into one more block. */
static int pat_hs_compile(struct pat_set *ps)
{
	static unsigned long serials;
	size_t first = ps->ncompiled, n = ps->nrules - first;
	hs_database_t *db = NULL, *litdb = NULL;
	struct pf_gate gate = { 0 };
	int rc = 0;

	if (n == 0)
		return CLEAN_OK;
	struct pat_block *b = realloc(ps->blocks, (ps->nblocks + 1) * sizeof(*b));
	if (!b)
		return CLEAN_ENOMEM;
	ps->blocks = b;
	if (first != 0 || !pat_hs_prebuilt(ps, n, &db, &litdb)) {
		rc = pat_gate_rules(ps, first, n, &gate, 1);
		if (rc == 0)
			rc = pat_lit_compile(ps, first, n, &litdb);
		if (rc == 0) {
			pat_hs_sort_rules(ps, first, n);
			while ((rc = pat_hs_try(ps, first, n, &db)) == 1)
				;
		}
	} else {
		rc = pat_gate_rules(ps, first, n, &gate, 0);
	}
	if (rc < 0) {
		hs_free_database(litdb);
		hs_free_database(db);
		pf_gate_release(&gate);
		return CLEAN_ENOMEM;
	}
	ps->blocks[ps->nblocks++] = (struct pat_block){ first, n, db, litdb, gate };
	ps->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	return CLEAN_OK;
}

/* "static const unsigned char NAME[] = {...};" of db's serialised bytes
 * (none for NULL), and its length as NAMElen. */
static int pat_db_source(struct buf *out, const char *name, const hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	int rc = 0;

	if (db && hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return -1;
	rc |= buf_addf(out, "static const size_t %slen = %zu;\n", name, len);
	rc |= buf_addf(out, "static const unsigned char %s[] __attribute__((aligned(8))) = {", name);
	for (size_t i = 0; i < len && !rc; i++)
		rc |= buf_addf(out, "%s%u,", i % 24 ? "" : "\n", (unsigned char)bytes[i]);
	rc |= buf_addstr(out, " 0 };\n");
	free(bytes);
	return rc;
}

int pat_prebuilt_source(const struct pat_set *ps, struct buf *out)
{
	int rc = CLEAN_OK;
	size_t n = ps->nblocks ? ps->blocks[0].n : 0;

	rc |= buf_addf(out, "/* generated by src/mkhsdb: do not edit */\n"
	               "static const unsigned long long pat_prebuilt_hash = %lluull;\n"
	               "static const size_t pat_prebuilt_nrules = %zu;\n"
	               "static const unsigned char pat_prebuilt_engines[] = {",
	               pat_rules_hash(ps, n), n);
	for (size_t i = 0; i < n; i++)
		rc |= buf_addf(out, "%s%d,", i % 32 ? "" : "\n", ps->rules[i].engine);
	rc |= buf_addstr(out, " 0 };\n");
	rc |= pat_db_source(out, "pat_prebuilt_db", n ? ps->blocks[0].db : NULL);
	rc |= pat_db_source(out, "pat_prebuilt_litdb", n ? ps->blocks[0].litdb : NULL);
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
		ps->rules[i].jit =
			pcre2_jit_compile(ps->rules[i].code, PCRE2_JIT_COMPLETE) == 0;
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

/* A new scan: no candidates, none seen. */
static void pat_cand_reset(struct pat_tls *t)
{
	t->ncand = 0;
	if (++t->stamp == 0) {
		memset(t->seen, 0, t->capcand * sizeof(*t->seen));
		t->stamp = 1;
	}
}

/* Add rule r to the candidates, once. */
static void pat_cand_add(struct pat_tls *t, int r)
{
	if (t->seen[r] == t->stamp)
		return;
	t->seen[r] = t->stamp;
	t->cand[t->ncand++] = r;
}

#ifdef HAVE_HYPERSCAN
/* Every rule gated by literals: the line holds a character that PCRE2
 * folds onto an ASCII letter, which the literal scan does not. */
static void pat_cand_all_lit(const struct pat_set *ps, struct pat_tls *t)
{
	for (size_t r = 0; r < ps->ncompiled; r++)
		if (ps->rules[r].engine == PAT_ENG_LIT || ps->rules[r].engine == PAT_ENG_HEAD)
			pat_cand_add(t, (int)r);
}

static int pat_hs_on_match(unsigned int id, unsigned long long from,
                           unsigned long long to, unsigned int flags,
                           void *ctx)
{
	struct pat_tls *t = ctx;

	(void)from;
	(void)to;
	(void)flags;
	if (id == PAT_ID_EXOTIC)
		pat_cand_all_lit(t->ps, t);
	else
		pat_cand_add(t, (int)id);
	return 0;
}

/* Grow this thread's scratch to fit every database of ps. */
static int pat_hs_scratch(const struct pat_set *ps, struct pat_tls *t)
{
	if (t->serial == ps->serial && t->scratch)
		return 0;
	for (size_t i = 0; i < ps->nblocks; i++) {
		const struct pat_block *b = &ps->blocks[i];
		if ((b->db && hs_alloc_scratch(b->db, &t->scratch) != HS_SUCCESS) ||
		    (b->litdb && hs_alloc_scratch(b->litdb, &t->scratch) != HS_SUCCESS))
			return -1;
	}
	t->serial = ps->serial;
	return 0;
}

/* Scan text[0..len) with every database of ps, calling on_match. */
static void pat_gate_on_match(void *ctx, int rule)
{
	pat_cand_add(ctx, rule);
}

static int pat_hs_scan_all(const struct pat_set *ps, struct pat_tls *t,
                           const char *text, size_t len,
                           match_event_handler on_match, void *ctx)
{
	if (pat_hs_scratch(ps, t) < 0 || len > 0xffffffffu)
		return -1;
	for (size_t i = 0; i < ps->nblocks; i++) {
		const struct pat_block *b = &ps->blocks[i];
		if (b->litdb && hs_scan(b->litdb, text, (unsigned)len, 0, t->scratch,
		                        on_match, ctx) != HS_SUCCESS)
			return -1;
		if (b->db && hs_scan(b->db, text, (unsigned)len, 0, t->scratch,
		                     on_match, ctx) != HS_SUCCESS)
			return -1;
	}
	return 0;
}
#endif

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

/* Run rule r with PCRE2: 1 and the span on a match, 0 on none (a limit
 * hit counts as none), -1 on ENOMEM. */
static int pat_confirm(const struct pat_set *ps, struct pat_tls *t, int r,
                       const char *line, size_t len, struct pat_hit *hit)
{
	/* pcre2_jit_match is what pcre2_match runs for a JIT-compiled code
	 * (whose subjects it need not check: MATCH_INVALID_UTF), less
	 * pcre2_match's checks of its arguments, which cost a third of a
	 * typical call that fails. */
	int rc = ps->rules[r].jit
	         ? pcre2_jit_match(ps->rules[r].code, (PCRE2_SPTR)line, len, 0, 0,
	                           t->md, ps->mctx)
	         : pcre2_match(ps->rules[r].code, (PCRE2_SPTR)line, len, 0, 0,
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

/* Add the rules PCRE2 tries on every line, sort, and confirm each
 * candidate on the line. */
static int pat_confirm_all(const struct pat_set *ps, struct pat_tls *t,
                           const char *line, size_t len,
                           struct pat_hit *hits, int max)
{
	int n = 0;

	for (size_t i = 0; i < ps->nalways; i++)
		pat_cand_add(t, ps->always[i]);
	pat_sort_ids(t->cand, t->ncand);
	for (size_t i = 0; i < t->ncand && n < max; i++) {
		int rc = pat_confirm(ps, t, t->cand[i], line, len, &hits[n]);
		if (rc < 0)
			return -1;
		n += rc;
	}
	return n;
}

int pat_scan(const struct pat_set *ps, const char *line, size_t len,
             struct pat_hit *hits, int max)
{
	struct pat_tls *t;

	if (ps->ncompiled == 0)
		return 0;
	t = pat_tls_get();
	if (!t || pat_tls_reserve(t, ps->ncompiled + 1) < 0)
		return -1;
	pat_cand_reset(t);
	t->ps = ps;
#ifdef HAVE_HYPERSCAN
	if (pat_hs_scan_all(ps, t, line, len, pat_hs_on_match, t) < 0)
		return -1;
	for (size_t i = 0; i < ps->nblocks; i++)
		pf_gate_match(&ps->blocks[i].gate, line, len, pat_gate_on_match, t);
#endif
	return pat_confirm_all(ps, t, line, len, hits, max);
}

/* ---- many lines at once ---- */

void pat_pre_release(struct pat_pre *pre)
{
	free(pre->bits);
	free(pre->start);
	free(pre->joined);
	memset(pre, 0, sizeof(*pre));
}

#ifdef HAVE_HYPERSCAN
struct pat_pre_ctx {
	struct pat_pre *pre;
	size_t exotic;       /* the bit that stands for PAT_ID_EXOTIC */
	size_t line;         /* the line pf_gate_match is on */
};

static void pat_pre_set(struct pat_pre *pre, size_t line, size_t bit)
{
	pre->bits[line * pre->words + bit / 64] |= 1ull << (bit % 64);
}

static void pat_pre_on_head(void *ctx, int rule)
{
	struct pat_pre_ctx *c = ctx;
	pat_pre_set(c->pre, c->line, (size_t)rule);
}

/* The line holding byte e of the joined text (the last start <= e). */
static size_t pat_pre_line(const struct pat_pre *pre, size_t e)
{
	size_t lo = 0, hi = pre->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (pre->start[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int pat_pre_on_match(unsigned int id, unsigned long long from,
                            unsigned long long to, unsigned int flags,
                            void *ctx)
{
	struct pat_pre_ctx *c = ctx;
	struct pat_pre *pre = c->pre;

	(void)from;
	(void)flags;
	if (to == 0)
		return 0;
	size_t line = pat_pre_line(pre, (size_t)to - 1);
	pat_pre_set(pre, line, id == PAT_ID_EXOTIC ? c->exotic : id);
	return 0;
}

/* Room in pre for n lines of words bit words and joined bytes. */
static int pat_pre_reserve(struct pat_pre *pre, size_t n, size_t words,
                           size_t bytes)
{
	if (n && words > SIZE_MAX / sizeof(uint64_t) / n)
		return -1;
	if (n * words > pre->capbits) {
		uint64_t *b = realloc(pre->bits, n * words * sizeof(*b));
		if (!b)
			return -1;
		pre->bits = b;
		pre->capbits = n * words;
	}
	if (n > pre->capstart) {
		size_t *s = realloc(pre->start, n * sizeof(*s));
		if (!s)
			return -1;
		pre->start = s;
		pre->capstart = n;
	}
	if (bytes > pre->capjoined) {
		char *j = realloc(pre->joined, bytes);
		if (!j)
			return -1;
		pre->joined = j;
		pre->capjoined = bytes;
	}
	return 0;
}
#endif

int pat_prescan(const struct pat_set *ps, const struct pat_line *lines,
                size_t n, struct pat_pre *pre)
{
	pre->valid = 0;
	pre->n = 0;
#ifdef HAVE_HYPERSCAN
	struct pat_tls *t = pat_tls_get();
	size_t bytes = 1, words = (ps->ncompiled + 1 + 63) / 64;

	if (!t || n == 0 || ps->ncompiled == 0)
		return t ? 0 : -1; /* nothing to find: pat_scan_pre falls back */
	for (size_t i = 0; i < n; i++)
		bytes += lines[i].len + 1;
	if (pat_pre_reserve(pre, n, words, bytes) < 0)
		return -1;
	/* One text, the lines '\n'-separated, so that ^ and $ hold at each
	 * line's ends under MULTILINE. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		pre->start[i] = k;
		memcpy(pre->joined + k, lines[i].s, lines[i].len);
		k += lines[i].len;
		pre->joined[k++] = '\n';
	}
	pre->n = n;
	pre->words = words;
	memset(pre->bits, 0, n * words * sizeof(*pre->bits));
	struct pat_pre_ctx c = { pre, ps->ncompiled, 0 };
	if (pat_hs_scan_all(ps, t, pre->joined, k, pat_pre_on_match, &c) < 0) {
		pre->n = 0;
		return -1;
	}
	for (size_t b = 0; b < ps->nblocks; b++)
		if (ps->blocks[b].gate.n)
			for (c.line = 0; c.line < n; c.line++)
				pf_gate_match(&ps->blocks[b].gate, lines[c.line].s,
				              lines[c.line].len, pat_pre_on_head, &c);
	pre->serial = ps->serial;
	pre->valid = 1;
#else
	(void)ps, (void)lines, (void)n;
#endif
	return 0;
}

int pat_scan_pre(const struct pat_set *ps, const struct pat_pre *pre,
                 size_t i, const char *line, size_t len,
                 struct pat_hit *hits, int max)
{
#ifdef HAVE_HYPERSCAN
	struct pat_tls *t;

	if (!pre->valid || i >= pre->n || pre->serial != ps->serial)
		return pat_scan(ps, line, len, hits, max);
	t = pat_tls_get();
	if (!t || pat_tls_reserve(t, ps->ncompiled + 1) < 0)
		return -1;
	pat_cand_reset(t);
	const uint64_t *b = pre->bits + i * pre->words;
	for (size_t w = 0; w < pre->words; w++)
		for (uint64_t x = b[w]; x; x &= x - 1) {
			size_t r = w * 64 + (size_t)__builtin_ctzll(x);
			if (r == ps->ncompiled)
				pat_cand_all_lit(ps, t);
			else
				pat_cand_add(t, (int)r);
		}
	return pat_confirm_all(ps, t, line, len, hits, max);
#else
	(void)pre, (void)i;
	return pat_scan(ps, line, len, hits, max);
#endif
}

/* ---- the embedded default set ---- */

const struct pat_embedded pat_defaults[] = {
#include "patterns_default.inc"
};
const size_t pat_ndefaults = sizeof(pat_defaults) / sizeof(pat_defaults[0]);
