#include "base/hash.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull
#define Q1 0x9E3779B1u
#define Q2 0x85EBCA77u
#define Q3 0xC2B2AE3Du

#define STRIPE 64
#define STRIPES 16                   /* a block: 1 KiB */
#define LANES 8

/* splitmix64 outputs: the keys, seeded per call (lane j of stripe s takes key s + j;
 * the scramble and the merge take 16 + j) */
static const uint64_t secret[STRIPES + LANES] = {
	0x517cfd11808c03c3ull, 0x6b771da49afccda9ull, 0xdae44ad4dfa43bccull, 0x7c9794a18cadcaebull,
	0xb8c91dab283a2174ull, 0x6987bad027ba2d0full, 0x8be0673d92dfac1aull, 0xfca07746d08a1a50ull,
	0x1672660803531239ull, 0x7062ada43b8e092dull, 0xbf3d87691ed82a25ull, 0x191bbff747fc7354ull,
	0x5413e37f8a0983e4ull, 0x85eb81021c8362b8ull, 0x96ba5e63383df3c8ull, 0xc1926c5c6d7a4bc5ull,
	0x48c0f52c1c1792eeull, 0x8e78b0d3b5988908ull, 0x639611e39547bcccull, 0x81763a94b019245full,
	0xfcf69fc34bbfe96full, 0xa12d7dc165f272f5ull, 0x7de52592f17c20dfull, 0xb8ee10f29582e0a8ull,
};

static inline uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t round64(uint64_t acc, uint64_t in)
{
	return rotl(acc + in * P2, 31) * P1;
}

static inline uint64_t merge(uint64_t h, uint64_t v)
{
	return (h ^ round64(0, v)) * P1 + P4;
}

static uint64_t avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

/* Inputs under a stripe: XXH64's tail rounds. */
static uint64_t hash_short(const uint8_t *p, size_t n, uint64_t seed)
{
	const uint8_t *end = p + n;
	uint64_t h = seed + P5 + (uint64_t)n;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ round64(0, rd64(p)), 27) * P1 + P4;
	for (; p < end; p++)
		h = rotl(h ^ (*p * P5), 11) * P1;
	return avalanche(h);
}

/* One stripe into the accumulators, with keys k[0..7]. */
static inline void stripe(uint64_t *acc, const uint8_t *p, const uint64_t *k)
{
#if defined(__SSE2__)
	for (int j = 0; j < LANES; j += 2) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(acc + j));
		__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + 8 * j));
		__m128i x = _mm_xor_si128(d, _mm_loadu_si128((const __m128i *)(const void *)(k + j)));
		__m128i prod = _mm_mul_epu32(x, _mm_srli_epi64(x, 32));
		a = _mm_add_epi64(a, _mm_add_epi64(_mm_shuffle_epi32(d, _MM_SHUFFLE(1, 0, 3, 2)), prod));
		_mm_storeu_si128((__m128i *)(void *)(acc + j), a);
	}
#else
	for (int j = 0; j < LANES; j++) {
		uint64_t x = rd64(p + 8 * j) ^ k[j];
		acc[j] += rd64(p + 8 * (j ^ 1)) + (x & 0xffffffffu) * (x >> 32);
	}
#endif
}

static inline void scramble(uint64_t *acc, const uint64_t *k)
{
	for (int j = 0; j < LANES; j++) {
		uint64_t a = acc[j];
		a ^= a >> 47;
		a ^= k[j];
		acc[j] = a * Q1;
	}
}

static uint64_t hash_long(const uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t k[STRIPES + LANES];
	for (int i = 0; i < STRIPES + LANES; i++)
		k[i] = secret[i] + (i & 1 ? 0 - seed : seed);
	uint64_t acc[LANES] = { Q3, P1, P2, P3, P4, Q2, P5, Q1 };
	size_t whole = (n - 1) / STRIPE, s = 0;      /* the last stripe is taken apart */
	const uint8_t *q = p;
	for (; whole - s >= STRIPES; s += STRIPES, q += STRIPES * STRIPE) {
		for (int t = 0; t < STRIPES; t++)
			stripe(acc, q + t * STRIPE, k + t);
		scramble(acc, k + STRIPES);
	}
	for (int t = 0; s < whole; s++, t++, q += STRIPE)
		stripe(acc, q, k + t);
	/* the last 64 bytes, overlapping what came before when n is not a multiple */
	stripe(acc, p + n - STRIPE, k + 9);
	uint64_t h = (uint64_t)n * P1;
	for (int j = 0; j < LANES; j++)
		h = merge(h, acc[j] ^ k[STRIPES + j]);
	return avalanche(h);
}

uint64_t hash64(const void *data, size_t n, uint64_t seed)
{
	return n < STRIPE ? hash_short(data, n, seed) : hash_long(data, n, seed);
}
