/* zdef: code lengths (optimal, limited, complete), and zlib streams that inflate back to
 * their input for runs, noise, tiny and chunked inputs at every distance. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "t.h"
#include "io/zdef.h"

/* Kraft sum in units of 2^-15: 32768 for a complete code. */
static long kraft(const uint8_t *lens, int n)
{
	long k = 0;
	for (int s = 0; s < n; s++)
		if (lens[s])
			k += 1L << (15 - lens[s]);
	return k;
}

static void test_lengths(void)
{
	uint8_t lens[ZDEF_LITLEN];
	/* by hand: frequencies 1 1 2 4 -> a tree of depths 3 3 2 1 */
	zdef_lengths((const uint32_t[]){ 1, 1, 2, 4 }, 4, 15, lens);
	CHECK(lens[0] == 3 && lens[1] == 3 && lens[2] == 2 && lens[3] == 1);
	/* unused symbols get no code; two used ones get one bit each */
	zdef_lengths((const uint32_t[]){ 0, 9, 0, 0, 1 }, 5, 15, lens);
	CHECK(lens[0] == 0 && lens[1] == 1 && lens[2] == 0 && lens[3] == 0 && lens[4] == 1);
	zdef_lengths((const uint32_t[]){ 0, 0, 5 }, 3, 15, lens);
	CHECK(lens[0] == 0 && lens[1] == 0 && lens[2] == 1);
	/* equal frequencies, 256 of them: 8 bits each */
	uint32_t f[ZDEF_LITLEN];
	for (int s = 0; s < 256; s++)
		f[s] = 1000;
	zdef_lengths(f, 256, 15, lens);
	int bad = 0;
	for (int s = 0; s < 256; s++)
		bad += lens[s] != 8;
	CHECK_EQ_INT(bad, 0);
	/* Fibonacci frequencies make a 29-deep optimal tree: limited to 15 (and 7), still
	 * complete, and never a shorter code for a rarer symbol */
	uint32_t a = 1, b = 1;
	for (int s = 0; s < 30; s++) {
		f[s] = a;
		uint32_t c = a + b;
		a = b;
		b = c;
	}
	zdef_lengths(f, 30, 15, lens);
	int longest = 0, order = 0;
	for (int s = 0; s < 30; s++) {
		longest = lens[s] > longest ? lens[s] : longest;
		order += s && lens[s] > lens[s - 1];
	}
	CHECK_EQ_INT(longest, 15);
	CHECK_EQ_INT(order, 0);
	CHECK_EQ_INT(kraft(lens, 30), 32768);
	zdef_lengths(f, 19, 7, lens);
	longest = 0;
	for (int s = 0; s < 19; s++)
		longest = lens[s] > longest ? lens[s] : longest;
	CHECK_EQ_INT(longest, 7);
	CHECK_EQ_INT(kraft(lens, 19), 1L << 15);
	/* random frequencies over the whole alphabet: complete, within 15 bits */
	uint32_t x = 12345;
	for (int round = 0; round < 20; round++) {
		for (int s = 0; s < ZDEF_LITLEN; s++) {
			x = x * 1103515245u + 12345u;
			f[s] = (x >> 16) % 7 == 0 ? 0 : (x >> 8) % (1u << (round % 20));
		}
		f[0] = f[1] = 1;
		zdef_lengths(f, ZDEF_LITLEN, 15, lens);
		longest = 0;
		for (int s = 0; s < ZDEF_LITLEN; s++) {
			longest = lens[s] > longest ? lens[s] : longest;
			bad += (f[s] != 0) != (lens[s] != 0);
		}
		bad += longest > 15 || kraft(lens, ZDEF_LITLEN) != 32768;
	}
	CHECK_EQ_INT(bad, 0);
}

/* Inflates (zlib checks the adler32) to exactly p[0..n)? */
static bool round_trip(const uint8_t *p, size_t n, unsigned dist, size_t chunk, size_t *m)
{
	size_t cap = zdef_compress_bound(n, chunk);
	uint8_t *s = malloc(cap), *back = malloc(n + 16);
	uLongf got = n + 16;
	*m = s ? zdef_compress(p, n, dist, chunk, s) : 0;
	bool ok = s && back && *m && *m <= cap && uncompress(back, &got, s, *m) == Z_OK && got == n &&
		  memcmp(back, p, n) == 0;
	free(s);
	free(back);
	return ok;
}

static void test_streams(void)
{
	size_t n = 300000, m = 0;
	uint8_t *p = calloc(n, 1);
	/* all background: runs of 258 */
	CHECK(round_trip(p, n, 1, n, &m));
	CHECK(m < 2000);
	/* tiny inputs at every distance, one block and one byte a block */
	int bad = 0;
	for (unsigned d = 1; d <= ZDEF_MAX_DIST; d++)
		for (size_t k = 0; k <= 9; k++) {
			uint8_t t[9] = { 7, 7, 7, 7, 7, 7, 1, 7, 7 };
			bad += !round_trip(t, k, d, 64, &m) || !round_trip(t, k, d, 1, &m);
		}
	CHECK_EQ_INT(bad, 0);
	/* noise: stored blocks, a few bytes of overhead per 64 KB */
	uint32_t x = 99;
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		p[i] = (uint8_t)(x >> 24);
	}
	CHECK(round_trip(p, n, 3, 131072, &m));
	/* 131072-byte chunks: 65535 + 65535 + 2, twice, then 37856: 7 stored blocks of 5
	 * header bytes; the zlib header and adler32 */
	CHECK_EQ_INT(m, n + 7 * 5 + 2 + 4);
	/* frame-like rows: a filter byte, background, sprites of runs and noise, in every
	 * distance and chunk size, runs crossing the chunk boundaries */
	for (size_t i = 0; i < n; i++) {
		size_t col = i % 1000;
		x = x * 1664525u + 1013904223u;
		p[i] = col == 0 ? 0 : col < 400 ? 30 : col < 500 ? (uint8_t)(x >> 28) : col < 700 ? (uint8_t)(col / 3 * 3 % 7) : 30;
	}
	static const size_t chunks[] = { 1, 2, 3, 5, 100, 999, 65535, 65536, 70001, 300000 };
	for (unsigned d = 1; d <= ZDEF_MAX_DIST; d++)
		for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			size_t len = chunks[c] < 10 ? 20000 : n;   /* tiny chunks on a shorter input */
			bool ok = round_trip(p, len, d, chunks[c], &m);
			bad += !ok;
			if (!ok)
				fprintf(stderr, "round trip failed: dist %u, chunk %zu\n", d, chunks[c]);
		}
	CHECK_EQ_INT(bad, 0);
	round_trip(p, n, 1, 131072, &m);
	CHECK(m < n / 2);          /* the runs were found */
	/* every byte value, every run length 1..300 */
	size_t k = 0;
	for (int v = 0; v < 256 && k < n; v++)
		for (int r = 1; r <= 300 && k + (size_t)r < n; r += 7)
			for (int i = 0; i < r; i++)
				p[k++] = (uint8_t)(v ^ (r & 1));
	CHECK(round_trip(p, k, 1, 131072, &m));
	CHECK(round_trip(p, k, 4, 4096, &m));
	free(p);
}

/* Adler-32 against zlib's: lengths around the vector step and the reduction run, every
 * alignment, all-255 bytes (the largest sums), continued from a previous value. */
static void test_adler(void)
{
	size_t n = 3 * 5536 + 40;
	uint8_t *p = malloc(n + 16);
	uint32_t x = 5;
	for (size_t i = 0; i < n + 16; i++) {
		x = x * 1664525u + 1013904223u;
		p[i] = (uint8_t)(x >> 24);
	}
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 33, 5535, 5536, 5537, 11072, 11073 };
	int bad = 0;
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
		for (size_t off = 0; off < 16; off++) {
			bad += zdef_adler32(1, p + off, lens[k]) != (uint32_t)adler32(1, p + off, (uInt)lens[k]);
			bad += zdef_adler32(0x12345678u % 65521u << 16 | 777, p + off, lens[k]) !=
			       (uint32_t)adler32(0x12345678u % 65521u << 16 | 777, p + off, (uInt)lens[k]);
		}
	CHECK_EQ_INT(bad, 0);
	memset(p, 255, n);
	CHECK_EQ_INT(zdef_adler32(1, p, n), (uint32_t)adler32(1, p, (uInt)n));
	CHECK_EQ_INT(zdef_adler32(0xfff0fff0u, p, n), (uint32_t)adler32(0xfff0fff0u, p, (uInt)n));
	free(p);
}

int main(void)
{
	test_adler();
	test_lengths();
	test_streams();
	return t_done();
}
