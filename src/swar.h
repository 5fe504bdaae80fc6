/*
 * swar.h: eight bytes at a time in a uint64_t ("SIMD within a register"),
 * for the scans that run over every byte of the input.
 *
 * swar_load gives the bytes in little-endian lane order whatever the CPU:
 * byte k of the text is bits 8k..8k+7, so "the byte before" is the lane
 * below (mask << 8). A mask has the high bit of a lane set where a test
 * holds and nothing else. swar_ge wants lanes below 0x80 (ASCII): test
 * the high bits of the word first.
 */
#ifndef CLEAN_SWAR_H
#define CLEAN_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull

static inline uint64_t swar_load(const void *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* The lanes equal to c (exact: no carries between lanes). */
static inline uint64_t swar_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (SWAR_ONES * c);
	return ~(((x & ~SWAR_HIGH) + ~SWAR_HIGH) | x) & SWAR_HIGH;
}

/* The lanes >= c, for w without high bits and c <= 0x80: a lane plus
 * 0x80 - c stays below 0x100, and reaches 0x80 exactly when it is >= c. */
static inline uint64_t swar_ge(uint64_t w, unsigned char c)
{
	return (w + SWAR_ONES * (unsigned char)(0x80 - c)) & SWAR_HIGH;
}

/* The number of lanes set in mask m. */
static inline unsigned swar_count(uint64_t m)
{
	return (unsigned)(((m >> 7) * SWAR_ONES) >> 56);
}

/* Up to eight bytes of s[0..n) from s[i] (i < n), the lanes past the
 * end reading as 0, into *w; returns how many bytes w holds (8, or n - i
 * at the end), or 0 when n < 8 (then nothing is loaded). The last bytes
 * are loaded from s + n - 8 and shifted down: nothing outside s is read. */
static inline size_t swar_load_upto(const char *s, size_t i, size_t n, uint64_t *w)
{
	if (n - i >= 8) {
		*w = swar_load(s + i);
		return 8;
	}
	if (n < 8)
		return 0;
	*w = swar_load(s + n - 8) >> (8 * (8 - (n - i)));
	return n - i;
}

#endif
