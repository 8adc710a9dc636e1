/* hash64: what a checksum and a key must do, around the short and stripe paths' edges. */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/hash.h"

static uint8_t buf[4096 + 64];

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Every single-bit change of n bytes changes the hash, and no two of them collide with
 * the original (n * 8 hashes; a collision among 64-bit values is not expected). */
static int bit_flips_missed(size_t n)
{
	fill(buf, n, (uint32_t)n);
	uint64_t h0 = hash64(buf, n, 7);
	int missed = 0;
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			buf[i] ^= (uint8_t)(1u << b);
			missed += hash64(buf, n, 7) == h0;
			buf[i] ^= (uint8_t)(1u << b);
		}
	return missed;
}

static void test_bits(void)
{
	static const size_t sizes[] = { 1, 7, 8, 31, 63, 64, 65, 127, 128, 1023, 1024, 1025, 2049, 4096 };
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
		CHECK_EQ_INT(bit_flips_missed(sizes[k]), 0);
}

static void test_order_and_length(void)
{
	/* two 64-byte stripes of one 1 KiB block swapped: another hash (the keys move a
	 * word a stripe); and two whole blocks swapped */
	fill(buf, 4096, 3);
	uint64_t h0 = hash64(buf, 4096, 0);
	uint8_t tmp[1024];
	memcpy(tmp, buf + 64, 64);
	memcpy(buf + 64, buf + 320, 64);
	memcpy(buf + 320, tmp, 64);
	CHECK(hash64(buf, 4096, 0) != h0);
	fill(buf, 4096, 3);
	memcpy(tmp, buf, 1024);
	memcpy(buf, buf + 1024, 1024);
	memcpy(buf + 1024, tmp, 1024);
	CHECK(hash64(buf, 4096, 0) != h0);
	/* zeros of every length from 0 to 300 hash apart: the length counts */
	memset(buf, 0, 301);
	int same = 0;
	for (size_t a = 0; a <= 300; a++)
		for (size_t b = 0; b < a; b++)
			same += hash64(buf, a, 0) == hash64(buf, b, 0);
	CHECK_EQ_INT(same, 0);
	/* the seed counts, on both paths */
	fill(buf, 200, 9);
	CHECK(hash64(buf, 20, 1) != hash64(buf, 20, 2));
	CHECK(hash64(buf, 200, 1) != hash64(buf, 200, 2));
}

static void test_alignment(void)
{
	/* the same bytes at any address hash the same */
	fill(buf, 3000, 5);
	uint64_t h = hash64(buf, 3000, 11);
	int differ = 0;
	for (size_t off = 1; off < 64; off++) {
		memmove(buf + off, buf + off - 1, 3000);
		differ += hash64(buf + off, 3000, 11) != h;
	}
	CHECK_EQ_INT(differ, 0);
}

int main(void)
{
	test_bits();
	test_order_and_length();
	test_alignment();
	return t_done();
}
