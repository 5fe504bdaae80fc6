/* uprop.c: the BMP property table (contract in uprop.h). */
#include "uprop.h"

#include <pthread.h>

static uint8_t table[0x10000];
const uint8_t *uprop_bmp;

static void fill(void)
{
	for (int32_t cp = 0; cp < 0x10000; cp++) {
		int w = utf8proc_charwidth(cp);
		w = w < 0 ? 0 : w > 3 ? 3 : w;
		table[cp] = (uint8_t)(utf8proc_category(cp) | w << 5);
	}
	__atomic_store_n(&uprop_bmp, table, __ATOMIC_RELEASE);
}

/* The table, filled once. */
const uint8_t *uprop_table(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fill);
	return table;
}
