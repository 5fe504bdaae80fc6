/*
 * fuzz_prefilter.c: libFuzzer target for the prefilters (prefilter.h),
 * differential against PCRE2: the input is a regex, a newline, and a
 * subject line. Whenever PCRE2 matches the subject and it holds no exotic
 * character, the subject must hold one of the regex's atoms (if it has
 * any) and pass its head gate (if it has heads); else the target aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_regex.h"
#include "prefilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ASCII-caseless substring, as Hyperscan's caseless literals compare. */
static int contains(const char *s, size_t n, const struct pf_str *a)
{
	for (size_t i = 0; i + a->len <= n; i++) {
		size_t k = 0;
		for (; k < a->len; k++) {
			unsigned char c = (unsigned char)s[i + k];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)a->p[k])
				break;
		}
		if (k == a->len)
			return 1;
	}
	return 0;
}

static void on_rule(void *ctx, int rule)
{
	(void)rule;
	*(int *)ctx = 1;
}

static void check(const char *re, size_t rn, const char *s, size_t n)
{
	struct pf_set a = { 0 }, skip = { 0 }, h = { 0 };
	if (pf_atoms(re, rn, &a))
		abort(); /* ENOMEM is not expected at these sizes */
	int found = a.n == 0;
	for (size_t i = 0; i < a.n && !found; i++)
		found = contains(s, n, &a.v[i]);
	if (!found)
		abort();
	if (pf_heads(re, rn, &skip, &h))
		abort();
	if (h.n) {
		struct pf_gate g = { 0 };
		int got = 0;
		if (pf_gate_add(&g, &skip, &h, 0) || pf_gate_build(&g))
			abort();
		pf_gate_match(&g, s, n, on_rule, &got);
		if (!got)
			abort();
		pf_gate_release(&g);
	}
	pf_set_release(&a);
	pf_set_release(&skip);
	pf_set_release(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_regex x;
	if (!fuzz_regex_split(data, size, &x))
		return 0;
	const char *re = x.re, *s = x.s;
	size_t rn = x.rn, n = x.n;
	int ec;
	pcre2_code *code = fuzz_regex_compile(re, rn, &ec);
	if (!code)
		return 0;
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, 100000);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int m = pcre2_match(code, (PCRE2_SPTR)s, n, 0, 0, md, mc) >= 0;
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	pcre2_code_free(code);
	if (!m)
		return 0;
	for (size_t i = 0; i < pf_nexotic; i++)
		if (contains(s, n, &pf_exotic[i]))
			return 0;
	check(re, rn, s, n);
	return 0;
}
