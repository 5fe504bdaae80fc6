/* robots.c: robots.txt rules for one user agent; the contract is in robots.h. */
#include "robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clean.h"
#include "buf.h"

struct robots_rule {
	char *pat;      /* normalised; may end in '$' */
	size_t len;
	int allow;
};

struct robots_set {
	struct robots_rule *v;
	size_t n, cap;
	double delay;
};

struct robots {
	struct robots_set rules;
	int none;       /* allow nothing (robots.txt unreachable) */
};

/* Parser state: the rules of groups naming the agent and of "*" groups. */
struct robots_parser {
	const char *agent;
	struct robots_set mine, star;
	int found_mine, found_star;
	int in_mine, in_star;   /* the current group applies */
	int after_agent;        /* the last field was User-agent */
};

static int robots_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int robots_unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* s[0..n) with percent-escapes normalised, appended to out. */
static int robots_norm(const char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = CLEAN_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;
		if (c == '%' && i + 2 < n && (hi = robots_hex(s[i + 1])) >= 0 && (lo = robots_hex(s[i + 2])) >= 0) {
			int v = hi * 16 + lo;
			i += 2;
			if (robots_unreserved(v)) {
				rc = buf_addch(out, v);
				continue;
			}
			c = (unsigned char)v;
		} else if (c > 0x20 && c < 0x7f) {
			rc = buf_addch(out, c);
			continue;
		}
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
		rc = buf_add(out, esc, 3);
	}
	return rc;
}

static int robots_add(struct robots_set *set, const char *val, size_t n, int allow)
{
	if (set->n == set->cap) {
		struct robots_rule *v = array_grow(set->v, &set->cap, sizeof(*v), 16);
		if (!v)
			return CLEAN_ENOMEM;
		set->v = v;
	}
	struct buf b;
	buf_init(&b, ROBOTS_MAX_LINE * 3);
	int rc = robots_norm(val, n, &b);
	size_t len = b.len;
	char *pat = rc ? NULL : buf_detach(&b, NULL);
	buf_release(&b);
	if (!pat)
		return rc ? rc : CLEAN_ENOMEM;
	set->v[set->n++] = (struct robots_rule){ pat, len, allow };
	return CLEAN_OK;
}

static void robots_set_free(struct robots_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i].pat);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* Does the User-agent value v[0..n) name agent? Its product token is
 * what comes before a '/' or a space. */
static int robots_names(const char *agent, const char *v, size_t n)
{
	size_t k = 0;
	while (k < n && v[k] != '/' && v[k] != ' ' && v[k] != '\t')
		k++;
	return k && strlen(agent) == k && !strncasecmp(agent, v, k);
}

static void robots_user_agent(struct robots_parser *p, const char *v, size_t n)
{
	if (!p->after_agent)
		p->in_mine = p->in_star = 0;
	p->after_agent = 1;
	if (n == 1 && v[0] == '*')
		p->in_star = p->found_star = 1;
	else if (robots_names(p->agent, v, n))
		p->in_mine = p->found_mine = 1;
}

static void robots_delay(struct robots_parser *p, const char *v)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || !(d > 0) || d > 86400)
		return;
	if (p->in_mine && d > p->mine.delay)
		p->mine.delay = d;
	if (p->in_star && d > p->star.delay)
		p->star.delay = d;
}

/* One line (comment already cut, trimmed, NUL-terminated in place). */
static int robots_line(struct robots_parser *p, char *line)
{
	char *colon = strchr(line, ':');
	if (!colon)
		return CLEAN_OK;
	char *key = line, *v = colon + 1, *k_end = colon;
	while (k_end > key && isspace((unsigned char)k_end[-1]))
		k_end--;
	*k_end = '\0';
	while (isspace((unsigned char)*v))
		v++;
	size_t n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		v[--n] = '\0';
	if (!strcasecmp(key, "user-agent")) {
		robots_user_agent(p, v, n);
		return CLEAN_OK;
	}
	int allow = !strcasecmp(key, "allow");
	if (!allow && strcasecmp(key, "disallow")) {
		if (!strcasecmp(key, "crawl-delay")) {
			p->after_agent = 0;
			robots_delay(p, v);
		}
		return CLEAN_OK;
	}
	p->after_agent = 0;
	if (!n)
		return CLEAN_OK;
	int rc = CLEAN_OK;
	if (p->in_mine)
		rc = robots_add(&p->mine, v, n, allow);
	if (!rc && p->in_star)
		rc = robots_add(&p->star, v, n, allow);
	return rc;
}

int robots_parse(struct robots **out, const char *txt, size_t len, const char *agent)
{
	*out = NULL;
	struct robots_parser p;
	memset(&p, 0, sizeof(p));
	p.agent = agent;
	if (len > ROBOTS_MAX_BYTES)
		len = ROBOTS_MAX_BYTES;
	char line[ROBOTS_MAX_LINE + 1];
	int rc = CLEAN_OK;
	for (size_t i = 0; i < len && !rc;) {
		const char *nl = memchr(txt + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - txt) : len, n = end - i;
		const char *hash = memchr(txt + i, '#', n);
		if (hash)
			n = (size_t)(hash - (txt + i));
		if (n <= ROBOTS_MAX_LINE) {
			memcpy(line, txt + i, n);
			line[n] = '\0';
			for (size_t k = 0; k < n; k++)     /* CR and NUL end nothing */
				if (line[k] == '\r' || line[k] == '\0')
					line[k] = ' ';
			rc = robots_line(&p, line);
		}
		i = end + 1;
	}
	struct robots *r = rc ? NULL : calloc(1, sizeof(*r));
	if (r) {
		if (p.found_mine) {
			r->rules = p.mine;
			p.mine = (struct robots_set){ 0 };
		} else if (p.found_star) {
			r->rules = p.star;
			p.star = (struct robots_set){ 0 };
		}
	}
	robots_set_free(&p.mine);
	robots_set_free(&p.star);
	if (!r)
		return rc ? rc : CLEAN_ENOMEM;
	*out = r;
	return CLEAN_OK;
}

int robots_disallow_all(struct robots **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return CLEAN_ENOMEM;
	(*out)->none = 1;
	return CLEAN_OK;
}

/* Does pattern p[0..pn) match s[0..sn) from its start (to its end when
 * p ends in '$')? '*' is any run of bytes; one backtrack point is enough
 * for patterns whose only wildcard is '*'. */
static int robots_match(const char *p, size_t pn, const char *s, size_t sn)
{
	int anchored = pn && p[pn - 1] == '$';
	if (anchored)
		pn--;
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi == pn && !anchored) {
			return 1;
		} else if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

int robots_allowed(const struct robots *r, const char *path)
{
	if (!path[0])
		path = "/";
	if (!r || !strcmp(path, "/robots.txt"))
		return 1;
	if (r->none)
		return 0;
	struct buf b;
	buf_init(&b, 0);
	if (robots_norm(path, strlen(path), &b)) {
		buf_release(&b);
		return 1;   /* out of memory: the rules cannot be applied */
	}
	size_t best = 0;
	int allow = 1, any = 0;
	for (size_t i = 0; i < r->rules.n; i++) {
		const struct robots_rule *rule = &r->rules.v[i];
		if (!robots_match(rule->pat, rule->len, b.ptr, b.len))
			continue;
		if (!any || rule->len > best || (rule->len == best && rule->allow)) {
			allow = rule->allow;
			best = rule->len;
			any = 1;
		}
	}
	buf_release(&b);
	return allow;
}

double robots_crawl_delay(const struct robots *r)
{
	return r ? r->rules.delay : 0;
}

void robots_free(struct robots *r)
{
	if (!r)
		return;
	robots_set_free(&r->rules);
	free(r);
}
