/*
 * factor.h: a regex's literal alternatives factored into a trie.
 *
 * PCRE2 tries the alternatives of a group one after another: a rule
 * "^(home|homepage|home page|menu|...250 phrases...)$" costs about a
 * thousand cycles on every line it fails on. factor_regex rewrites the
 * regex so that the alternatives' leading literal text is shared:
 *
 *     (home|homepage|home page|menu|more)  ->  (home(?:|page| page)|m(?:enu|ore))
 *
 * and PCRE2 compares each character about once.
 *
 * The contract, for a regex compiled as patterns.c compiles it (CASELESS
 * | UTF | UCP), and every subject:
 * - the rewritten regex matches iff the original does, with the same
 *   span (ovector pair 0), unless PCRE2's match limits cut one of them
 *   short (where the original gives up, the rewritten one, which takes
 *   far fewer steps on a list of phrases, may still match);
 * - capturing groups keep their content but may be renumbered, so a
 *   regex that refers to groups (\1, \k<n>, (?1), conditions) is left
 *   alone, and only pair 0 of the ovector may be relied on.
 *
 * Why it is exact: PCRE2 takes the first alternative, in order, with
 * which the rest of the regex matches. The rewrite keeps the order of
 * any two alternatives but those that differ in a literal character at
 * the same offset after a common prefix (compared as caseless PCRE2
 * compares them): these can never both match at one place, so their
 * order cannot matter. An alternative's literal prefix ends at the first
 * piece that is not one plain character (a class, a group, an escape
 * such as \d, a quantified character, a letter whose caseless matches
 * are not known here); the rest is kept as written, its groups factored
 * in turn. Lookbehind is kept as written (its branches must keep their
 * lengths). Syntax this reader does not know ((?x) and other options,
 * \Q, verbs, references) leaves the whole regex as it is.
 */
#ifndef CLEAN_FACTOR_H
#define CLEAN_FACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Rewrite regex[0..len) into out (emptied first). 1: out holds the
 * factored regex, which differs from the original; 0: leave the regex as
 * it is (out is then empty); -1: ENOMEM. */
int factor_regex(const char *regex, size_t len, struct buf *out);

/* The caseless class of code point cp as factor_regex compares literal
 * characters: two characters with the same key match the same
 * characters under PCRE2, two with different keys never match one.
 * -1: not known here; such a character is never factored. */
int32_t factor_key(int32_t cp);

#endif
