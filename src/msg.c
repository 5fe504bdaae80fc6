/* msg.c: diagnostics for the CLI (contract in msg.h). */
#include "msg.h"

#include <stdarg.h>
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

void usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s [OPTIONS] [FILE...]\n", msg_prog);
	fprintf(stderr, "Try '%s --help' for more information.\n", msg_prog);
	exit(2);
}
