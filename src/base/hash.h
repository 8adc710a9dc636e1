/*
 * hash: a fast 64-bit hash of bytes, for cache keys and checksums. Not cryptographic:
 * it detects corruption and changed inputs, not an adversary. Chain parts by passing
 * one's hash as the next seed.
 *
 * Below 64 bytes it is the XXH64 construction (multiply-rotate rounds, then an
 * avalanche). From 64 bytes on, XXH3's: eight 64-bit accumulators take 64-byte stripes,
 * each lane adding its neighbour's word and the product of its word's two halves after
 * a keyed xor (a 32×32 -> 64 multiply, two a step in SSE2), the keys moving one word a
 * stripe so that no two stripes of a 1 KiB block are interchangeable, the accumulators
 * scrambled after every block; about 20 GB/s a core from the cache, the memory's speed
 * beyond it (the XXH64 construction gave 5 GB/s there, 14 from the cache). The SSE2 path
 * and the plain one compute the same values, so an entry hashed on one machine checks
 * on another.
 */
#ifndef AP_HASH_H
#define AP_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t n, uint64_t seed);

#endif
