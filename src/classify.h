/*
 * classify.h: rules + context (+ the line model) -> a decision per segment.
 *
 * classify_doc(doc) sets decision, category, rule and why of every segment,
 * in this order of precedence:
 *   1. strip rules cut their spans out of the line (repeatedly, so several
 *      residues go); a line with no letter or digit left is dropped, and so
 *      is one whose cut residue repeats the text left (a caption echoed by
 *      its alt text);
 *   2. a keep rule protects the line from everything below;
 *   3. a drop rule drops the line, unless it is long (over 80 words or
 *      1500 bytes: more than boilerplate, e.g. a whole article on one
 *      line), which no drop, edge or tail rule removes whole;
 *   4. a tail rule in the second half of the document drops its line and
 *      the short, unpunctuated lines after it (link lists), up to the first
 *      line that reads as prose;
 *   5. edge rules and short unpunctuated lines are dropped in the runs of
 *      boilerplate that touch the document's start or end: from the edge
 *      inwards up to the innermost rule hit of the run;
 *   6. a line among the first ones that repeats an earlier line (a title
 *      printed twice) is dropped;
 *   7. the line model, when the context has one and the steps above found
 *      at least 3 boilerplate lines (a whole-page dump, not an extracted
 *      article), scores every line and a sequence pass picks the content
 *      region(s);
 *   8. a title found repeated in step 6 stays once, whatever the model
 *      says (it learnt from gold texts without titles);
 *   9. lines of a category the user keeps are kept whatever the above.
 * Then doc->removed counts the dropped lines per category.
 */
#ifndef CLEAN_CLASSIFY_H
#define CLEAN_CLASSIFY_H

#include <stddef.h>

struct clean_doc;

int classify_doc(struct clean_doc *doc);

/* Word count and whether a line reads as prose (ends in sentence
 * punctuation and has enough words): shared with the line model. */
unsigned classify_words(const char *s, size_t n);

int classify_is_prose(const char *s, size_t n);

#endif
