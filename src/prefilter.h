/*
 * prefilter.h: the literals a regex cannot match without.
 *
 * pf_atoms reads a regex (PCRE2 syntax, compiled as patterns.c compiles
 * it: CASELESS | UTF | UCP) and finds "atoms": byte strings such that
 * every subject the regex matches contains at least one of them, ASCII
 * letters compared without case. Then a fast literal scan of a line for
 * all rules' atoms says which rules can match it at all, and only those
 * are run.
 *
 * The contract, exactly:
 * - If pf_atoms gives n > 0 atoms and a subject holds none of them (ASCII
 *   case-insensitively) and none of the pf_exotic strings, the regex does
 *   not match that subject.
 * - Atoms are at least PF_MIN_ATOM bytes, or one 2-byte character (©);
 *   their ASCII letters are lower
 *   case; any other byte belongs to a character without case (CJK, digits,
 *   punctuation, symbols), so that a byte-exact comparison is right there.
 * - n == 0 means no such set was found: the regex may need the whole line
 *   (".*"), its literals are too short to be selective, or it uses syntax
 *   this reader does not know (then it gives up, never guesses).
 *
 * The pf_exotic strings are the UTF-8 of the characters that PCRE2's
 * caseless matching pairs with a letter that is not one of their own
 * cases: U+017F (long s, matches s), U+212A (Kelvin sign, k), U+212B
 * (Angstrom sign, å) and U+1C80..U+1C88 (old Cyrillic forms of в д о с т
 * ъ ѣ). A subject holding one must be tried with every rule.
 */
#ifndef CLEAN_PREFILTER_H
#define CLEAN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#define PF_MIN_ATOM 3

struct pf_str {
	char *p;             /* malloc'd, NUL-terminated, binary-safe */
	size_t len;
};

/* A set of strings; owned by whoever holds the struct. */
struct pf_set {
	struct pf_str *v;
	size_t n, cap;
};

extern const struct pf_str pf_exotic[];
extern const size_t pf_nexotic;

/* Does code point cp match, caselessly, only its own lower and upper
 * case and pf_exotic characters? Then atoms and heads hold it as the set
 * of its cases; other letters with case end an atom. */
int pf_paired(int32_t cp);
/* Is code point cp (non-ASCII) without case, so that PCRE2 matches it
 * caselessly with itself alone (CJK, digits, punctuation, symbols)? */
int pf_uncased(int32_t cp);

/* The atoms of regex[0..len) into *out (emptied first). 0 on success,
 * with out->n == 0 when there are none; -1 on ENOMEM. */
int pf_atoms(const char *regex, size_t len, struct pf_set *out);
/* Free the strings and the array; the set is left empty and reusable. */
void pf_set_release(struct pf_set *s);

/*
 * Heads. A regex "^C*R" (C a class of characters without case, or none;
 * no '|' outside groups; no (?m)) can only match a line that, after
 * skipping j <= (its run of C characters) characters, starts with one of
 * the strings R's matches start with. pf_heads gives that class as skip
 * (one string a character; empty when there is no class) and those
 * strings as heads (ASCII letters lower case, never empty); heads->n == 0
 * means the regex has no usable heads. 0, or -1 on ENOMEM. The same
 * exotic-character rule as for atoms holds.
 */
int pf_heads(const char *regex, size_t len, struct pf_set *skip,
             struct pf_set *heads);

/* A head gate: the heads of many rules, grouped by skip class, looked up
 * at the start of a line (after each skippable character) by their first
 * bytes, so that a line costs a few hash probes whatever the number of
 * rules. pf_gate_match calls f for every rule that may match the line (a
 * superset: heads are compared by their first 7 bytes), perhaps more
 * than once. Zero the struct first; pf_gate_build after the last add and
 * before matching. */
struct pf_gate_group;
struct pf_gate_root;
struct pf_gate {
	struct pf_gate_group *v;
	size_t n, cap;
	struct pf_gate_root *root; /* made by pf_gate_build */
};
int pf_gate_add(struct pf_gate *g, const struct pf_set *skip,
                const struct pf_set *heads, int rule);
int pf_gate_build(struct pf_gate *g);
void pf_gate_match(const struct pf_gate *g, const char *line, size_t len,
                   void (*f)(void *ctx, int rule), void *ctx);
void pf_gate_release(struct pf_gate *g);

#endif
