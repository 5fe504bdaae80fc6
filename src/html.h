/*
 * html.h: an HTML page to segments, with the main content found in the DOM.
 *
 * html_extract(doc, bytes, len, url) parses the page with gumbo-parser
 * (charset: BOM, <meta charset>/<meta http-equiv>, then uchardet; converted
 * to UTF-8 first), finds the main content and appends it to doc as segments
 * (doc_add_seg) in reading order: one segment a block (heading, paragraph,
 * list item, quote, table row, pre), each normalised with norm_line, with
 * kind and the DOM features of struct seg set. Lines split by <br> are
 * one segment unless they read as a list (a bullet or a number first, or
 * short lines). Blocks outside the main content are not added, nor are
 * photo captions (<figcaption>) or the head and tail of the main content
 * when they are a few short lines or headings before the first and after
 * the last paragraph (the title, byline and date; a "more" list).
 * Metadata found in the page (title, author, date, sitename, language,
 * url) is stored with doc_set_meta. Script, style and svg bodies and
 * comments are left out before parsing (JSON-LD is kept), and the tree is
 * walked iteratively, so nesting depth costs no stack.
 */
#ifndef CLEAN_HTML_H
#define CLEAN_HTML_H

#include <stddef.h>

struct clean_doc;

int html_extract(struct clean_doc *doc, const char *bytes, size_t len,
                 const char *url);
int html_sniff(const char *bytes, size_t len);

#endif
