/*
 * fetch.h: the fetch engine behind clean_fetch_run (contract in clean.h).
 *
 * One thread drives a libcurl multi handle. Every URL is a job queued on
 * its host (scheme://name:port); a host's robots.txt is a job at the head
 * of its queue, and the host's pages wait until it is judged. Jobs that
 * wait for a retry sit in a delayed list; a redirect moves its job to the
 * queue of the target's host. Pages are cleaned in the same thread when
 * their transfer ends (so a slow page delays the others a little, never
 * a timeout: libcurl's timers are checked against the clock, and cleaning
 * is far faster than the timeouts).
 *
 * The helpers below are the engine's pure parts, exposed for the unit
 * tests.
 */
#ifndef CLEAN_FETCH_H
#define CLEAN_FETCH_H

#include <stddef.h>

#include "buf.h"

/* The media type of a Content-Type value, lowercased, without parameters
 * ("text/html"), and its charset parameter ("" when none), both cut to
 * fit their buffers. A NULL ct gives two empty strings. */
void fetch_content_type(const char *ct, char *type, size_t tsize,
                        char *charset, size_t csize);

/* May a body of this media type be cleaned? "" (none), text/..., XML types
 * (application/xml, .../...+xml) and application/json may. */
int fetch_type_ok(const char *type);

/*
 * The body as UTF-8 for the cleaner, by the HTTP charset: when the body has
 * no BOM, is not valid UTF-8, and charset names a charset iconv knows
 * (Latin-1 and ASCII labels taken as Windows-1252), the body is converted
 * into out (bytes the charset does not define become U+FFFD) and 1 is
 * returned. Otherwise out is untouched and 0 is returned: the cleaner
 * decides. A negative return is a clean_status (CLEAN_ENOMEM,
 * CLEAN_ETOOBIG from out).
 */
int fetch_recode(const char *body, size_t len, const char *charset, struct buf *out);

/* The delay before retry number n (1 for the first), in seconds: backoff *
 * 2^(n-1), times 1 + jitter (0 <= jitter < 1, scaled to at most 25%), at
 * least retry_after, capped at one hour. */
double fetch_backoff(double backoff, unsigned n, double jitter, double retry_after);

#endif
