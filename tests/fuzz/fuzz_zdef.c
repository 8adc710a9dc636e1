/* zdef round trip: the bytes after the first two, compressed in chunks of a size and at a
 * distance the first two choose, must inflate (zlib) to themselves, adler32 included. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/zdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned dist = 1 + data[0] % ZDEF_MAX_DIST;
	size_t chunk = 1 + (size_t)data[1] * 61;
	const uint8_t *p = data + 2;
	size_t n = size - 2;
	if (chunk < n / 64)
		chunk = n / 64;              /* at most 64 blocks: keeps the runs fast */
	size_t cap = zdef_compress_bound(n, chunk);
	uint8_t *out = malloc(cap), *back = malloc(n + 1);
	size_t m = out ? zdef_compress(p, n, dist, chunk, out) : 0;
	if (!out || !back || !m)
		abort();
	uLongf got = n + 1;
	if (m > cap || uncompress(back, &got, out, m) != Z_OK || got != n || memcmp(back, p, n))
		abort();
	free(out);
	free(back);
	return 0;
}
