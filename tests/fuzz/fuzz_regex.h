/*
 * fuzz_regex.h: the input of the regex targets (fuzz_prefilter,
 * fuzz_factor): a regex, a newline, then a subject line, compiled with
 * the options patterns.c gives every rule.
 */
#ifndef FUZZ_REGEX_H
#define FUZZ_REGEX_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define FUZZ_REGEX_OPTS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

struct fuzz_regex {
	const char *re, *s;   /* the regex re[0..rn), the subject s[0..n) */
	size_t rn, n;
};

/* Split data into x; 0 when it holds no newline or is too large to be
 * worth a run (4 KB). */
static int fuzz_regex_split(const uint8_t *data, size_t size, struct fuzz_regex *x)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || size > 4096)
		return 0;
	x->re = (const char *)data;
	x->rn = (size_t)(nl - data);
	x->s = (const char *)nl + 1;
	x->n = size - x->rn - 1;
	return 1;
}

/* re[0..rn) compiled as a rule is, or NULL; *ec is PCRE2's error code. */
static pcre2_code *fuzz_regex_compile(const char *re, size_t rn, int *ec)
{
	PCRE2_SIZE off;
	return pcre2_compile((PCRE2_SPTR)re, rn, FUZZ_REGEX_OPTS, ec, &off, NULL);
}
#endif
