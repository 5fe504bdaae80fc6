/* render.c: kept segments to text (contract in render.h). */
#include "render.h"

#include "doc.h"

/* HTML blocks are paragraphs of their own, but for list items and table
 * rows that follow one another, which stay on adjacent lines. */
static int breaks_paragraph(const struct seg *prev, const struct seg *g)
{
	if (g->kind == SEG_TEXT)
		return 0;
	if ((g->kind == SEG_ITEM || g->kind == SEG_ROW) && prev && prev->kind == g->kind)
		return 0;
	return 1;
}

int render_doc(struct clean_doc *d)
{
	int para = 0, any = 0, rc = CLEAN_OK;
	const struct seg *prev = NULL;
	buf_clear(&d->out);
	/* Room for every segment and its line ends at once (a hint: it
	 * spares the copies of growing as it goes). */
	(void)buf_grow(&d->out, d->text.len + d->nsegs);
	for (size_t i = 0; i < d->nsegs && !rc; i++) {
		const struct seg *g = &d->segs[i];
		para |= g->blank_before;
		if (g->decision == CLEAN_DROP || g->len == 0)
			continue;
		if (any && (para || breaks_paragraph(prev, g)))
			rc = buf_addch(&d->out, '\n');
		if (!rc)
			rc = buf_add(&d->out, seg_text(d, g), g->len);
		if (!rc)
			rc = buf_addch(&d->out, '\n');
		any = 1;
		para = 0;
		prev = g;
	}
	return rc;
}
