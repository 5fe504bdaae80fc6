/*
 * fuzz_factor.c: libFuzzer target for the alternation factoring
 * (factor.h), differential against PCRE2: the input is a regex, a
 * newline, and a subject line. When factor_regex rewrites the regex,
 * the rewritten regex must compile iff the original does, and match the
 * subject iff the original does, with the same span; else the target
 * aborts. Subjects on which either regex hits a match limit are skipped
 * (there the factored one may match where the original gave up).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "factor.h"
#include "fuzz_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int limited(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	       rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY;
}

/* Match s[0..n) with both; abort if they disagree. */
static void compare(pcre2_code *a, pcre2_code *b, const char *s, size_t n)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, 100000);
	pcre2_set_depth_limit(mc, 10000);
	pcre2_match_data *ma = pcre2_match_data_create(1, NULL);
	pcre2_match_data *mb = pcre2_match_data_create(1, NULL);
	int ra = pcre2_match(a, (PCRE2_SPTR)s, n, 0, 0, ma, mc);
	int rb = pcre2_match(b, (PCRE2_SPTR)s, n, 0, 0, mb, mc);
	if (!limited(ra) && !limited(rb)) {
		PCRE2_SIZE *oa = pcre2_get_ovector_pointer(ma);
		PCRE2_SIZE *ob = pcre2_get_ovector_pointer(mb);
		if ((ra >= 0) != (rb >= 0))
			abort();
		if (ra >= 0 && (oa[0] != ob[0] || oa[1] != ob[1]))
			abort();
	}
	pcre2_match_data_free(ma);
	pcre2_match_data_free(mb);
	pcre2_match_context_free(mc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_regex x;
	if (!fuzz_regex_split(data, size, &x))
		return 0;
	int ec;
	pcre2_code *a = fuzz_regex_compile(x.re, x.rn, &ec);
	struct buf f;
	buf_init(&f, BUF_MAX_DEFAULT);
	int rc = factor_regex(x.re, x.rn, &f);
	if (rc < 0)
		abort(); /* ENOMEM is not expected at these sizes */
	if (rc == 1) {
		pcre2_code *b = fuzz_regex_compile(f.ptr, f.len, &ec);
		/* Never a bad regex made good (patterns.c compiles the
		 * factored one first); only deeper nesting may fail where
		 * the original compiled. */
		if (b && !a)
			abort();
		if (!b && a && ec != PCRE2_ERROR_PARENTHESES_NEST_TOO_DEEP)
			abort();
		if (a && b)
			compare(a, b, x.s, x.n);
		pcre2_code_free(b);
	}
	buf_release(&f);
	pcre2_code_free(a);
	return 0;
}
