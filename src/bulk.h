/*
 * bulk.h: many inputs on several threads, in order (the public side is
 * clean_bulk_run in clean.h, which states the behaviour).
 *
 * Shape: the calling thread walks the inputs, reads their documents into
 * a ring of 2 * jobs + 2 slots and writes finished slots in ring order;
 * `jobs` worker threads clean the slots (with one job the calling thread
 * cleans them itself, so -j 1 costs no threads). A slot holds one
 * document, or the end of an input (with the input's failure, if any),
 * so outputs are opened, written, and committed (temp file renamed) by
 * the one writing thread in input order. Memory is the ring: every slot
 * keeps the buffers of the largest document it held.
 */
#ifndef CLEAN_BULK_H
#define CLEAN_BULK_H

#include <stdint.h>

#include "buf.h"

/* The output name for input name rel (see clean.h): compression suffix
 * off, container suffix to .txt (text) or .jsonl (JSONL). */
int bulk_out_name(const char *rel, int out_format, struct buf *dst);

/* The shard hash of an output name (64-bit FNV-1a). */
uint64_t bulk_hash(const char *s);

#endif
