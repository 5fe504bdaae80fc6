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

#define MSG_FMT(a, b) __attribute__((format(printf, a, b)))

extern int msg_quiet;
extern const char *msg_prog;

/* The name to show for an input path ("-" is standard input). */
const char *msg_name(const char *path);
void errorf(const char *subject, const char *fmt, ...) MSG_FMT(2, 3);
void warnf(const char *subject, const char *fmt, ...) MSG_FMT(2, 3);
/* A usage error: the message, the synopsis, the hint; exits 2. */
void usage_error(const char *fmt, ...) MSG_FMT(1, 2) __attribute__((noreturn));

#endif
