/*
 * msg.h: the CLI's diagnostics (the library never prints).
 *
 * Every message reads "clean: SUBJECT: what went wrong" on stderr, where
 * SUBJECT is a file name, "(standard input)" for "-", or absent. Messages
 * are lowercase with no full stop; subjects taken from input are escaped
 * (control bytes shown as \xNN). warnf is silenced by msg_quiet.
 */
#ifndef CLEAN_MSG_H
#define CLEAN_MSG_H

#include <getopt.h>
#include <stddef.h>

#define MSG_FMT(a, b) __attribute__((format(printf, a, b)))

extern int msg_quiet;
extern const char *msg_prog;

/* The name to show for an input path ("-" is standard input). */
const char *msg_name(const char *path);
void errorf(const char *subject, const char *fmt, ...) MSG_FMT(2, 3);
void warnf(const char *subject, const char *fmt, ...) MSG_FMT(2, 3);
/* A usage error: the message, the synopsis, the hint; exits 2. The
 * synopsis (a printf format taking the program name as its only argument,
 * "%1$s" where repeated) and the subcommand named in the hint are those of
 * the main command until msg_set_usage sets a subcommand's. */
void usage_error(const char *fmt, ...) MSG_FMT(1, 2) __attribute__((noreturn));
void msg_set_usage(const char *subcommand, const char *synopsis);

/* Option values, checked: a usage error names the option when they are
 * bad. parse_size takes a byte count with an optional K, M or G suffix
 * (powers of 1024), greater than 0; parse_number a number in [lo, hi]. */
size_t parse_size(const char *opt, const char *s);
double parse_number(const char *opt, const char *s, double lo, double hi);

/* One command-line option: getopt_long's entry and its --help text, so
 * that each command keeps one table for both. */
struct option_doc {
	struct option opt;
	const char *arg, *help;   /* the argument's name (NULL if none) */
};

/* The getopt_long table of n options into out (n + 1 entries, the last
 * all zero). */
void options_getopt(const struct option_doc *o, size_t n, struct option *out);
/* Print the options as --help lists them, the help text from column
 * width + 3. */
void options_print(const struct option_doc *o, size_t n, int width);

#endif
