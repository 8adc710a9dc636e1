/*
 * pngio: PNG files in and out. Frames are always RGBA8, rows top first, stride w*4;
 * the writer picks the smallest lossless colour type unless told, the reader (libpng)
 * turns any PNG into RGBA8. Level 1, the default, is written by zdef.h (a deflate made
 * for frames of runs, about 3x zlib's speed); levels 2..9 by libpng and zlib.
 *
 * Writes are atomic: the PNG goes to a hidden temporary file in the target's folder
 * (".NAME.XXXXXX.tmp") and is renamed over the target only when every write, flush
 * and close succeeded; on any failure the temporary file is removed and the target is
 * untouched. (Atomic against the process dying or the disk filling, not against power
 * loss: there is no fsync, which would cost more than the encode for animation frames.)
 * A process that may hit `ulimit -f` should ignore SIGXFSZ so the write fails with
 * EFBIG instead of killing it; that is the caller's job.
 *
 * Thread-safe: no shared state, so several writers may encode at once (outq does).
 *
 * Not here: image comparison (imgdiff_), anything GL.
 *
 *   pngio_write            RGBA8 -> PNG file, atomically
 *   pngio_write_fp         RGBA8 -> PNG on an open stream (a pipe, stdout)
 *   pngio_read             any PNG file -> RGBA8 (malloc'd)
 *   pngio_is_valid_size    is this a complete, decodable PNG of this size?
 *   pngio_open             a PNG to read row by row, as RGBA8, within a memory limit
 *   pngio_read_row         its next row
 *   pngio_close            close it
 *
 * Reading skips text and the other ancillary chunks unread and caps any chunk libpng
 * keeps, so a chunk's claimed length never becomes an allocation.
 *
 * struct pngio_wopts, zero value = defaults:
 *   fmt    PNGIO_AUTO   GRAY if every pixel has r==g==b and a==255, else RGB if every
 *                       a==255, else RGBA; or force PNGIO_GRAY (uses r), _RGB, _RGBA
 *   level  0 -> 1       1: zdef; 2..9: zlib's level (pngio.c has the measurements)
 *   text   NULL, 0      key/value pairs written as uncompressed tEXt chunks before the
 *                       image data (keys 1..79 Latin-1 characters, e.g. "Software")
 *   dpi    0            no pHYs chunk; > 0: a pHYs chunk of that many pixels per inch
 *                       (as pixels per metre, rounded)
 *   gray_in false       true: the pixels are w*h gray bytes, not RGBA8 (fmt must be GRAY)
 */
#ifndef AP_PNGIO_H
#define AP_PNGIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* Refused when reading, before allocating: larger sides or decoded sizes. */
#define PNGIO_MAX_SIDE 32768u
#define PNGIO_MAX_BYTES ((size_t)1 << 30)

enum pngio_fmt { PNGIO_AUTO = 0, PNGIO_GRAY, PNGIO_RGB, PNGIO_RGBA };

struct pngio_text {
	const char *key;
	const char *value;
};

#define PNGIO_DEFAULT_LEVEL 1

struct pngio_wopts {
	enum pngio_fmt fmt;
	int level;
	const struct pngio_text *text;
	size_t ntext;
	double dpi;
	bool gray_in;
};

/* Write rgba (w*h*4 bytes) to path atomically. o may be NULL (all defaults). Returns 0,
 * or -1 with err = "output 'PATH': <reason>" and no file at path changed. */
int pngio_write(const char *path, const uint8_t *rgba, uint32_t w, uint32_t h,
		const struct pngio_wopts *o, struct ap_err *err);

/* Encode to an open stream and fflush it (the stream stays open); name is used in
 * errors ("output 'NAME': ..."). Returns 0 or -1. */
struct pngio_image {
	const uint8_t *rgba;     /* w×h RGBA8, rows top first */
	uint32_t w, h;
};
int pngio_write_fp(FILE *fp, const char *name, const struct pngio_image *im, const struct pngio_wopts *o,
		   struct ap_err *err);

/* Read any PNG (gray, gray+alpha, palette, tRNS, 1-16 bit, RGB, RGBA, interlaced) into a
 * malloc'd RGBA8 buffer (*rgba, free with free()). 16-bit samples are scaled to 8.
 * *channels_out (may be NULL) gets what the file holds: 1 gray, 2 gray+alpha (or gray
 * with tRNS), 3 RGB (or a palette), 4 RGBA (or a palette or RGB with tRNS).
 * Returns 0, or -1 with err = "png 'PATH': <reason>" and *rgba NULL. */
int pngio_read(const char *path, uint8_t **rgba, uint32_t *w, uint32_t *h, int *channels_out,
	       struct ap_err *err);

/* True if path is a PNG of exactly w×h that decodes to its IEND chunk (a truncated or
 * corrupt file is false). Allocates one row, not the image. */
bool pngio_is_valid_size(const char *path, uint32_t w, uint32_t h);

/* Row by row: only a row is held (a whole image when interlaced, if it fits max_bytes;
 * 0 = PNGIO_MAX_BYTES), so a reader of a large PNG never holds it decoded. */
struct pngio_reader;
struct pngio_rinfo {
	uint32_t w, h;
	int channels;            /* as pngio_read's *channels_out */
	bool interlaced;
};
/* Open path and read up to the image data. Returns 0 with *r to close, or -1 with err
 * = "png 'PATH': <reason>" and *r NULL. */
int pngio_open(const char *path, size_t max_bytes, struct pngio_reader **r, struct pngio_rinfo *info,
	       struct ap_err *err);
/* The next of the h rows (w*4 bytes of RGBA8); after the last, the file's end is read
 * too (so a file cut after its pixels is an error). path names the file in errors.
 * Returns 0 or -1. */
int pngio_read_row(struct pngio_reader *r, uint8_t *row, const char *path, struct ap_err *err);
/* May be NULL. */
void pngio_close(struct pngio_reader *r);

#endif
