/*
 * hash: a fast 64-bit hash of bytes (the XXH64 construction: four lanes of
 * multiply-rotate over 32-byte blocks, then an avalanche), for cache keys and
 * checksums, at several GB/s a core. Not cryptographic: it detects corruption and
 * changed inputs, not an adversary. Chain parts by passing one's hash as the next seed.
 */
#ifndef AP_HASH_H
#define AP_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t n, uint64_t seed);

#endif
