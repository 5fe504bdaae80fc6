/* classify.c: rules and context decide each segment (contract in classify.h). */
#define _GNU_SOURCE /* memmem */
#include "classify.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "doc.h"
#include "patterns.h"
#include "model.h"
#include "swar.h"
#include "uprop.h"

/* What the rules said of one segment. */
struct verdict {
	int drop, edge, tail, keep, thread;  /* rule index or -1 */
	unsigned words;
	unsigned char shortline, prose;
};

/* Lines at the top where a repeated title is looked for. */
#define TITLE_WINDOW 8
/* The longest line a drop, edge or tail rule may remove whole. */
#define RULE_MAX_WORDS 80
#define RULE_MAX_BYTES 1500
/* Prose words before the first commenter line of a thread: an article
 * came first (a forum page whose first post starts the page is left). */
#define THREAD_MIN_BEFORE 40
/* Strip passes per line: enough for an alt tail and a credit. */
#define STRIP_PASSES 4

/* Is a character of this category a letter, a digit or a mark? */
static inline int alnum_category(int cat)
{
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
	       (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
}

/* Is the code point at s[*i] a letter or a digit? Advances *i past it.
 * ASCII is decided inline; the rest asks uprop for its category. */
static int next_is_alnum(const char *s, size_t n, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];
	if (c < 0x80) {
		(*i)++;
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	}
	/* an invalid sequence reads as U+FFFD, a symbol: no */
	return alnum_category(uprop_category(uprop_next(s, n, i)));
}

/* ASCII letters and digits, for the fast path of classify_words. */
static const unsigned char ascii_alnum[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* The ASCII letters and digits among eight ASCII bytes, as a mask. */
static inline uint64_t swar_alnum(uint64_t x)
{
	uint64_t y = x | SWAR_ONES * 0x20;  /* letters to lower case */
	return (swar_ge(x, '0') & ~swar_ge(x, '9' + 1)) |
	       (swar_ge(y, 'a') & ~swar_ge(y, 'z' + 1));
}

unsigned classify_words(const char *s, size_t n)
{
	unsigned w = 0;
	int in = 0;
	for (size_t i = 0; i < n;) {
		if (n - i >= 8) {  /* eight ASCII bytes: count the word starts */
			uint64_t x = swar_load(s + i);
			uint64_t high = x & SWAR_HIGH;
			if (!high) {
				uint64_t a = swar_alnum(x), before = a << 8 | (in ? 0x80u : 0);
				w += swar_count(a & ~before);
				in = (int)(a >> 63);
				i += 8;
				continue;
			}
			/* The ASCII lanes below the first byte >= 0x80 in one go
			 * (those above masked to 0, no letter). */
			unsigned k = (unsigned)__builtin_ctzll(high) / 8;
			if (k >= 2) {
				uint64_t a = swar_alnum(x & (((uint64_t)1 << 8 * k) - 1));
				w += swar_count(a & ~(a << 8 | (in ? 0x80u : 0)));
				in = (int)(a >> (8 * k - 1) & 1);
				i += k;
			}
		} else if (n >= 8) {
			/* The last bytes, loaded from s + n - 8 and shifted down
			 * (the lanes past the end read as 0, which is no letter). */
			uint64_t x = swar_load(s + n - 8) >> 8 * (8 - (n - i));
			if (!(x & SWAR_HIGH)) {
				uint64_t a = swar_alnum(x), before = a << 8 | (in ? 0x80u : 0);
				return w + swar_count(a & ~before);
			}
		}
		unsigned char c = (unsigned char)s[i];
		int wb;
		if (c < 0x80) {  /* the common case, as next_is_alnum decides it */
			wb = ascii_alnum[c];
			i++;
		} else if (c >= 0xC2 && c < 0xE0 && n - i >= 2 && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			/* A two-byte character (Latin, Greek, Cyrillic...): the
			 * next most common case, decoded here. */
			wb = alnum_category(uprop_category((int32_t)((c & 0x1Fu) << 6 |
			                                              ((unsigned char)s[i + 1] & 0x3Fu))));
			i += 2;
			/* Inside a word, letters of a block that holds only
			 * letters: no word starts, two bytes at a time. */
			while (wb && n - i >= 2 && uprop_letter_lead((unsigned char)s[i]) &&
			       ((unsigned char)s[i + 1] & 0xC0) == 0x80)
				i += 2;
		} else {
			wb = next_is_alnum(s, n, &i);
		}
		w += wb && !in;
		in = wb;
	}
	return w;
}

/* Byte sets tested on every line: switches, not strchr (a call each). A
 * NUL byte counts as in every set, as it did for strchr, which finds the
 * terminator (normalised text holds none). */
static int is_closer(char c)
{
	switch (c) {
	case '"': case '\'': case ')': case ']': case '\xbb': case '\0':
		return 1;
	default:
		return 0;
	}
}

static int is_stop_mark(char c)
{
	switch (c) {
	case '.': case '!': case '?': case ':': case ';': case '\0':
		return 1;
	default:
		return 0;
	}
}

/* Does the line end like a sentence (., !, ?, …, CJK full stops, or one
 * of them before a closing quote or bracket)? */
static int ends_sentence(const char *s, size_t n)
{
	while (n && is_closer(s[n - 1]))
		n--;
	while (n >= 3 && (!memcmp(s + n - 3, "\xe2\x80\x9d", 3) || !memcmp(s + n - 3, "\xe2\x80\x99", 3)))
		n -= 3;
	if (!n)
		return 0;
	if (is_stop_mark(s[n - 1]))
		return 1;
	if (n >= 3) {
		const char *t = s + n - 3;
		return !memcmp(t, "\xe2\x80\xa6", 3) || !memcmp(t, "\xe3\x80\x82", 3) ||
		       !memcmp(t, "\xef\xbc\x81", 3) || !memcmp(t, "\xef\xbc\x9f", 3);
	}
	return 0;
}

/* classify_is_prose with the word count w = classify_words(s, n) known. */
static int is_prose_words(const char *s, size_t n, unsigned w)
{
	return w >= 20 || (w >= 8 && ends_sentence(s, n)) || (n >= 60 && w <= 3);
}

int classify_is_prose(const char *s, size_t n)
{
	return is_prose_words(s, n, classify_words(s, n));
}

static int has_alnum(const char *s, size_t n)
{
	for (size_t i = 0; i < n;)
		if (next_is_alnum(s, n, &i))
			return 1;
	return 0;
}

/* Cut strip-rule spans out of a segment until none matches. Returns the
 * index of the last strip rule applied, or -1. The hits of the last scan
 * (of the text as it is left) stay in hits[0..*nhits), so that judge need
 * not scan the same text again. */
static int strip_segment(struct clean_doc *d, struct seg *g, const struct pat_pre *pre,
                         struct buf *tmp, struct pat_hit *hits, int *nhits)
{
	const struct pat_set *ps = d->ctx->pat;
	int last = -1;
	*nhits = -1;
	for (int pass = 0; pass < STRIP_PASSES; pass++) {
		const char *s = seg_text(d, g);
		/* The prescan saw the text before any cut. */
		int n = pass == 0 ? pat_scan_pre(ps, pre, (size_t)(g - d->segs), s, g->len,
		                                 hits, PAT_MAX_HITS)
		                  : pat_scan(ps, s, g->len, hits, PAT_MAX_HITS);
		int k = -1;
		for (int i = 0; i < n && k < 0; i++)
			if (pat_rule_action(ps, hits[i].rule) == PAT_STRIP && hits[i].end > hits[i].start)
				k = i;
		if (k < 0) {
			*nhits = n;
			break;
		}
		buf_clear(tmp);
		buf_add(tmp, s, hits[k].start);
		buf_add(tmp, s + hits[k].end, g->len - hits[k].end);
		/* Trim what the cut left at the edges. */
		size_t a = 0, b = tmp->len;
		while (a < b && tmp->ptr[a] == ' ')
			a++;
		while (b > a && tmp->ptr[b - 1] == ' ')
			b--;
		if (doc_set_seg_text(d, g, tmp->ptr + a, b - a))
			return -2;
		last = hits[k].rule;
	}
	return last;
}

/* Did the cut residue repeat the text that is left? Then the line was a
 * caption whose alt text echoes it ("A dry river. Photo: X alt=A dry
 * river. Photo: X>"), and goes whole. */
static int repeated_in_cut(const struct clean_doc *d, const struct seg *g)
{
	const char *orig = d->text.ptr + g->orig_off, *kept = seg_text(d, g);
	if (g->len < 12)
		return 0;
	const char *first = memmem(orig, g->orig_len, kept, g->len);
	if (!first)
		return 0;
	size_t after = (size_t)(first - orig) + g->len;
	return memmem(first + g->len, g->orig_len - after, kept, g->len) != NULL;
}

static void judge(struct clean_doc *d, struct seg *g, const struct pat_pre *pre,
                  struct verdict *v, struct buf *tmp)
{
	const struct pat_set *ps = d->ctx->pat;
	struct pat_hit hits[PAT_MAX_HITS];
	*v = (struct verdict){ .drop = -1, .edge = -1, .tail = -1, .keep = -1, .thread = -1 };
	int n;
	int stripped = strip_segment(d, g, pre, tmp, hits, &n);
	const char *s = seg_text(d, g);
	if (stripped >= 0) {
		g->hits |= 1u << PAT_STRIP;
		g->decision = CLEAN_STRIP;
		g->why = WHY_RULE;
		g->rule = stripped;
		g->category = (int16_t)pat_rule_category(ps, stripped);
		if (!has_alnum(s, g->len) || repeated_in_cut(d, g)) {
			g->decision = CLEAN_DROP;
			return;
		}
	}
	/* The text as strip_segment left it was scanned last there, unless
	 * it stopped after STRIP_PASSES cuts (or a scan failed). */
	if (n < 0)
		n = pat_scan(ps, s, g->len, hits, PAT_MAX_HITS);
	for (int i = 0; i < n; i++) {
		int r = hits[i].rule;
		g->hits |= 1u << pat_rule_action(ps, r);
		switch (pat_rule_action(ps, r)) {
		case PAT_DROP: if (v->drop < 0) v->drop = r; break;
		case PAT_EDGE: if (v->edge < 0) v->edge = r; break;
		case PAT_TAIL: if (v->tail < 0) v->tail = r; break;
		case PAT_KEEP: if (v->keep < 0) v->keep = r; break;
		case PAT_THREAD: if (v->thread < 0) v->thread = r; break;
		default: break;
		}
	}
	v->words = classify_words(s, g->len);
	v->prose = (unsigned char)is_prose_words(s, g->len, v->words);
	v->shortline = v->words <= 6 && !ends_sentence(s, g->len);
	/* A line this long is more than boilerplate (an extractor may put a
	 * whole article on one line): a rule cannot drop it whole. */
	if (v->words > RULE_MAX_WORDS || g->len > RULE_MAX_BYTES)
		v->drop = v->edge = v->tail = v->thread = -1;
}

static void drop(struct clean_doc *d, struct seg *g, int rule, int why, int category)
{
	if (g->decision == CLEAN_DROP)
		return;
	g->decision = CLEAN_DROP;
	g->why = (uint8_t)why;
	g->rule = rule;
	g->category = (int16_t)(rule >= 0 ? pat_rule_category(d->ctx->pat, rule) : category);
}

static int rule_hit(const struct verdict *v)
{
	return v->drop >= 0 ? v->drop : v->edge >= 0 ? v->edge : v->tail >= 0 ? v->tail : v->thread;
}

/* A segment that may belong to a boilerplate run at an edge. */
static int runnable(const struct seg *g, const struct verdict *v)
{
	if (v->keep >= 0)
		return 0;
	return g->decision == CLEAN_DROP || rule_hit(v) >= 0 || v->shortline;
}

/* Drop the run from one edge inwards up to its innermost rule hit. */
static void drop_edge_run(struct clean_doc *d, const struct verdict *v, int from_end)
{
	size_t n = d->nsegs, len = 0;
	while (len < n) {
		size_t i = from_end ? n - 1 - len : len;
		if (!runnable(&d->segs[i], &v[i]))
			break;
		len++;
	}
	size_t inner = 0;
	int found = 0;
	for (size_t k = 0; k < len; k++) {
		size_t i = from_end ? n - 1 - k : k;
		/* A line of symbols only ("—", "|") is dropped by its own rule
		 * but anchors nothing: a dateline above it is article text. */
		const struct seg *g = &d->segs[i];
		if ((rule_hit(&v[i]) >= 0 || g->decision == CLEAN_DROP) &&
		    has_alnum(seg_text(d, g), g->len)) {
			inner = k;
			found = 1;
		}
	}
	for (size_t k = 0; k < len; k++) {
		size_t i = from_end ? n - 1 - k : k;
		int r = rule_hit(&v[i]);
		if (r >= 0)
			drop(d, &d->segs[i], r, WHY_RULE, -1);
		else if (found && k <= inner)
			drop(d, &d->segs[i], -1, WHY_CONTEXT, CAT_CONTEXT);
	}
}

/* Short lines between two dropped lines of one block ("Share this" /
 * Facebook / Twitter / "Email") go with them, in their category. A
 * paragraph break on either side stops this: a heading is set apart. */
static void drop_sandwiched(struct clean_doc *d, const struct verdict *v)
{
	size_t n = d->nsegs;
	for (size_t i = 1; i + 1 < n; i++) {
		const struct seg *before = &d->segs[i - 1];
		if (before->decision != CLEAN_DROP || before->why != WHY_RULE)
			continue;
		size_t j = i;
		while (j < n && d->segs[j].decision != CLEAN_DROP && v[j].shortline &&
		       v[j].keep < 0 && !d->segs[j].blank_before)
			j++;
		if (j == i || j >= n || d->segs[j].blank_before ||
		    d->segs[j].decision != CLEAN_DROP || d->segs[j].why != WHY_RULE)
			continue;
		for (size_t k = i; k < j; k++)
			drop(d, &d->segs[k], -1, WHY_CONTEXT, before->category);
		i = j;
	}
}

/* A tail rule late in the document drops the link list after it. */
static void drop_tails(struct clean_doc *d, const struct verdict *v)
{
	size_t n = d->nsegs, total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].prose ? v[i].words : 0;
	size_t before = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].tail >= 0 && v[i].keep < 0 && before * 5 >= total * 4) {
			drop(d, &d->segs[i], v[i].tail, WHY_RULE, -1);
			for (size_t j = i + 1; j < n && !(v[j].prose && v[j].words >= 15); j++)
				if (v[j].keep < 0)
					drop(d, &d->segs[j], rule_hit(&v[j]), rule_hit(&v[j]) >= 0 ? WHY_RULE : WHY_CONTEXT, CAT_CONTEXT);
		}
		before += v[i].prose ? v[i].words : 0;
	}
}

/* A comment thread: from the first of two or more commenter lines ("12.
 * name says:") after THREAD_MIN_BEFORE prose words (a thread may be
 * much longer than its article) to the end, everything but keep lines goes, by the first commenter line's rule
 * (the model does not take a thread's long comments back). */
static void drop_thread(struct clean_doc *d, const struct verdict *v)
{
	size_t n = d->nsegs, before = 0, first = n;
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].thread >= 0 && before >= THREAD_MIN_BEFORE) {
			if (first == n)
				first = i;
			seen++;
		}
		before += v[i].prose ? v[i].words : 0;
	}
	if (seen < 2)
		return;
	for (size_t i = first; i < n; i++)
		if (v[i].keep < 0)
			drop(d, &d->segs[i], v[first].thread, WHY_RULE, -1);
}

static int same_line(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && strchr(" .:!?", a[an - 1]))
		an--;
	while (bn && strchr(" .:!?", b[bn - 1]))
		bn--;
	return an == bn && an > 0 && !strncasecmp(a, b, an);
}

/* A title printed twice at the top: keep the first. Returns the index of
 * the title kept, or the number of segments when none repeats. */
static size_t drop_title_repeats(struct clean_doc *d)
{
	size_t n = d->nsegs < TITLE_WINDOW ? d->nsegs : TITLE_WINDOW, title = d->nsegs;
	for (size_t i = 1; i < n; i++) {
		struct seg *g = &d->segs[i];
		if (g->decision == CLEAN_DROP)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct seg *h = &d->segs[j];
			if (h->decision != CLEAN_DROP &&
			    same_line(seg_text(d, g), g->len, seg_text(d, h), h->len)) {
				drop(d, g, -1, WHY_TITLE, CAT_TITLE);
				if (title == d->nsegs)
					title = j;
				break;
			}
		}
	}
	return title;
}

static void apply_keeps_and_count(struct clean_doc *d)
{
	const struct pat_set *ps = d->ctx->pat;
	int keep_all = (d->ctx->opts.flags & CLEAN_F_KEEP_ALL) != 0;
	for (size_t i = 0; i < d->nsegs; i++) {
		struct seg *g = &d->segs[i];
		if (g->decision == CLEAN_KEEP)
			continue;
		if (keep_all || (g->category >= 0 && pat_category_keep(ps, g->category))) {
			g->decision = CLEAN_KEEP;
			g->off = g->orig_off;
			g->len = g->orig_len;
			continue;
		}
		if (g->decision == CLEAN_DROP && g->category >= 0)
			d->removed[g->category]++;
	}
}

/* The line model judges whole-page dumps: menus, footers and link lists
 * around an article. A document in which the rules found at least this
 * many boilerplate lines, of at least two categories, is such a page,
 * and the model decides in it. In the others (an extracted article: the
 * output of trafilatura or Readability, a clean file; or a page whose
 * menus no rule knows) the model would often only cost recall on lists
 * and short lines: it decides there only when its document gate, learnt
 * from whole pages and extractor outputs, calls the document a page
 * (gate.h). (Whole-page dumps of the ScrapingHub train pages: median 25
 * such lines; extractor outputs: median 0, 90th percentile 1 to 3.) */
#define MODEL_MIN_EVIDENCE 3

/* Boilerplate found by the steps before the model: the lines dropped,
 * or 0 when they are few and the rules behind them name fewer than two
 * categories (a list of bare links at the end of an article is not a
 * page's menus, share bars and footer). */
static size_t count_dropped(const struct clean_doc *d)
{
	size_t n = 0;
	int first = -1, several = 0;
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct seg *g = &d->segs[i];
		if (g->decision != CLEAN_DROP)
			continue;
		n++;
		if (g->why != WHY_RULE)
			continue;
		if (first < 0)
			first = g->category;
		else if (g->category != first)
			several = 1;
	}
	return several || n >= 2 * MODEL_MIN_EVIDENCE ? n : 0;
}

/* Find the rules that may match each segment in one pass over the
 * document (patterns.h); on failure pre stays invalid and each segment
 * is scanned alone. */
static void prescan(const struct clean_doc *d, struct pat_pre *pre)
{
	struct pat_line *lines = malloc(d->nsegs * sizeof(*lines));
	if (!lines)
		return;
	for (size_t i = 0; i < d->nsegs; i++)
		lines[i] = (struct pat_line){ seg_text(d, &d->segs[i]), d->segs[i].len };
	pat_prescan(d->ctx->pat, lines, d->nsegs, pre);
	free(lines);
}

int classify_doc(struct clean_doc *d)
{
	if (!d->nsegs)
		return CLEAN_OK;
	/* Not calloc: judge sets every verdict. */
	struct verdict *v = malloc(d->nsegs * sizeof(*v));
	if (!v)
		return CLEAN_ENOMEM;
	struct buf tmp;
	buf_init(&tmp, 0);
	struct pat_pre pre = { 0 };
	prescan(d, &pre);
	for (size_t i = 0; i < d->nsegs; i++) {
		struct seg *g = &d->segs[i];
		judge(d, g, &pre, &v[i], &tmp);
		if (v[i].keep >= 0 || g->decision == CLEAN_DROP)
			continue;
		if (v[i].drop >= 0)
			drop(d, g, v[i].drop, WHY_RULE, -1);
	}
	buf_release(&tmp);
	pat_pre_release(&pre);
	drop_sandwiched(d, v);
	drop_tails(d, v);
	drop_thread(d, v);
	drop_edge_run(d, v, 0);
	drop_edge_run(d, v, 1);
	size_t title = drop_title_repeats(d);
	int rc = CLEAN_OK;
	d->evidence = count_dropped(d) >= MODEL_MIN_EVIDENCE;
	if (d->ctx->model && !(d->ctx->opts.flags & CLEAN_F_NO_MODEL))
		rc = model_apply(d, d->ctx->model, d->evidence);
	/* The title stays once: the model learnt from gold texts without
	 * titles, but an archive wants the one the page repeated. */
	if (title < d->nsegs && d->segs[title].why == WHY_MODEL) {
		d->segs[title].decision = CLEAN_KEEP;
		d->segs[title].why = WHY_NONE;
		d->segs[title].category = -1;
	}
	apply_keeps_and_count(d);
	free(v);
	return rc;
}
