/*
 * zdef: a fast zlib stream (RFC 1950/1951) for PNG scanlines of scatter-plot frames.
 *
 * Such frames are mostly runs of background between sprites. zlib at level 1 with
 * Z_RLE finds exactly those runs, but pays its general machinery per byte (8 ms for a
 * gray 1080p frame here); this encoder looks only for repeats of the pixel before
 * (distance = bytes per pixel: 1 gray, 3 RGB, 4 RGBA), compares 8 bytes at a time, and
 * codes each block with its own Huffman tables, falling back to stored blocks where
 * they would be smaller (noise), so a stream is never more than a few bytes per 64 KB
 * larger than its input. Pure: no I/O, no allocation after zdef_init.
 *
 *   zdef_init     set up a stream: distance 1..4, at most chunk_max input bytes a block
 *   zdef_block    compress one chunk (one or more deflate blocks) into out
 *   zdef_finish   end the stream (adler32) into out
 *   zdef_bound    the most bytes zdef_block / zdef_finish may write
 *   zdef_compress all of a buffer at once (tests, tools)
 *
 * Usage: zdef_init; for each chunk, zdef_block(z, p, n, hist, last, out) with out having
 * zdef_bound(n) bytes free; then zdef_finish. The first call writes the zlib header.
 * hist: how many bytes before p are the previous chunk's (a repeat may reach back
 * into them, up to the distance); 0 for the first chunk.
 */
#ifndef AP_ZDEF_H
#define AP_ZDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZDEF_MAX_DIST 4
#define ZDEF_LITLEN 286             /* literal/length symbols */

struct zdef {
	unsigned dist;
	size_t chunk_max;
	uint32_t adler;
	bool started, ended;
	uint64_t bits;               /* pending output bits, LSB first */
	unsigned nbits;
	uint16_t *tok;               /* chunk_max tokens: < 256 literal, else 256 + length - 3 */
	uint8_t len_sym[256];        /* length - 3 -> symbol - 257 */
	uint32_t freq[ZDEF_LITLEN];
	uint8_t lens[ZDEF_LITLEN];
	uint16_t codes[ZDEF_LITLEN];
};

/* Returns 0, or -1 when out of memory (z is then safe to zdef_free). */
int zdef_init(struct zdef *z, unsigned dist, size_t chunk_max);
void zdef_free(struct zdef *z);

size_t zdef_bound(size_t n);

/* Compress p[0..n) (n <= chunk_max, p[-hist..0) readable); last ends the deflate data.
 * Returns the bytes written to out. */
size_t zdef_block(struct zdef *z, const uint8_t *p, size_t n, size_t hist, bool last, uint8_t *out);

/* The adler32 trailer (after the last block). Returns the bytes written (at most 8). */
size_t zdef_finish(struct zdef *z, uint8_t *out);

/* The whole of p[0..n) in blocks of chunk bytes: a complete zlib stream into out, which
 * holds zdef_compress_bound(n, chunk) bytes. Returns its length, or 0 when out of memory. */
size_t zdef_compress_bound(size_t n, size_t chunk);
size_t zdef_compress(const uint8_t *p, size_t n, unsigned dist, size_t chunk, uint8_t *out);

/* Adler-32 of p[0..n) continuing from adler (1 to start), as zlib's adler32(). */
uint32_t zdef_adler32(uint32_t adler, const uint8_t *p, size_t n);

/* Code lengths (at most maxbits) for n symbols of frequencies freq, 0 for unused ones:
 * a complete prefix code whenever two or more symbols are used. Exposed for the tests. */
void zdef_lengths(const uint32_t *freq, int n, int maxbits, uint8_t *lens);

#endif
