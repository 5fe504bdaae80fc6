/* msg.c: diagnostics for the CLI (contract in msg.h). */
#include "msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int msg_quiet;
const char *msg_prog = "clean";

const char *msg_name(const char *path)
{
	return strcmp(path, "-") ? path : "(standard input)";
}

/* Write s with control bytes escaped, so a hostile file name cannot
 * drive the terminal. */
static void put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

static void vmsg(const char *subject, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", msg_prog);
	if (subject) {
		put_escaped(subject);
		fputs(": ", stderr);
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void errorf(const char *subject, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(subject, fmt, ap);
	va_end(ap);
}

void warnf(const char *subject, const char *fmt, ...)
{
	if (msg_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vmsg(subject, fmt, ap);
	va_end(ap);
}

static const char *usage_sub = "";
static const char *usage_synopsis = "usage: %1$s [OPTIONS] [FILE...]\n";

void msg_set_usage(const char *subcommand, const char *synopsis)
{
	usage_sub = subcommand;
	usage_synopsis = synopsis;
}

void usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
	/* The synopsis is one of the program's own constant strings. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, usage_synopsis, msg_prog);
#pragma GCC diagnostic pop
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n", msg_prog,
	        *usage_sub ? " " : "", usage_sub);
	exit(2);
}

size_t parse_size(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (errno || end == s || *end || v == 0 || *s == '-' || v > (SIZE_MAX >> shift) >> 2)
		usage_error("invalid size '%s' for --%s", s, opt);
	return (size_t)v << shift;
}

double parse_number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		usage_error("invalid value '%s' for --%s", s, opt);
	return v;
}

void options_getopt(const struct option_doc *o, size_t n, struct option *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = o[i].opt;
	memset(&out[n], 0, sizeof(out[n]));
}

void options_print(const struct option_doc *o, size_t n, int width)
{
	for (size_t i = 0; i < n; i++, o++) {
		char left[64];
		int short_opt = o->opt.val > 0 && o->opt.val < 256;
		snprintf(left, sizeof(left), "%s%c%s --%s%s%s", short_opt ? "-" : " ",
		         short_opt ? o->opt.val : ' ', short_opt ? "," : " ",
		         o->opt.name, o->arg ? "=" : "", o->arg ? o->arg : "");
		printf("  %-*s %s\n", width, left, o->help);
	}
}
