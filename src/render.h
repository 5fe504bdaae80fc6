/*
 * render.h: the kept segments to the cleaned text.
 *
 * render_doc(doc) writes doc->out from the segments not dropped, in order:
 * each segment's (possibly stripped) text on its own line; a blank line
 * between two kept segments when a paragraph break stood anywhere between
 * them in the input (or the later one is an HTML block), so runs of blank
 * lines become one; no blank line at the start; one final newline unless
 * nothing is kept, when the text is empty.
 */
#ifndef CLEAN_RENDER_H
#define CLEAN_RENDER_H

struct clean_doc;

int render_doc(struct clean_doc *doc);

#endif
