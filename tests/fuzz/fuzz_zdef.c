/* zdef round trip: the bytes after the first two, compressed in chunks of a size and at a
 * distance the first two choose, must inflate (zlib) to themselves, adler32 included. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "zdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned dist = 1 + data[0] % ZDEF_MAX_DIST;
	size_t chunk = 1 + (size_t)data[1] * 61;
	const uint8_t *p = data + 2;
	size_t n = size - 2, cap = 0;
	if (chunk < n / 64)
		chunk = n / 64;              /* at most 64 blocks: keeps the runs fast */
	for (size_t at = 0; at < n || at == 0; at += chunk)
		cap += zdef_bound(chunk);
	uint8_t *out = malloc(cap + 8), *back = malloc(n + 1);
	struct zdef z;
	if (!out || !back || zdef_init(&z, dist, chunk))
		abort();
	size_t m = 0, at = 0;
	do {
		size_t k = n - at < chunk ? n - at : chunk;
		m += zdef_block(&z, p + at, k, at < ZDEF_MAX_DIST ? at : ZDEF_MAX_DIST, at + k == n, out + m);
		at += k;
	} while (at < n);
	m += zdef_finish(&z, out + m);
	uLongf got = n + 1;
	if (m > cap + 8 || uncompress(back, &got, out, m) != Z_OK || got != n || memcmp(back, p, n))
		abort();
	zdef_free(&z);
	free(out);
	free(back);
	return 0;
}
