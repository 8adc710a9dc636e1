/*
 * imgdec: one PNG or JPEG file decoded and scaled (imgscale) into one slot. The format
 * is told by content (PNG signature or JPEG SOI), so a PNG named .jpg works. PNG goes
 * through pngio/libpng (gray, palette, 16-bit, alpha), JPEG through libjpeg-turbo
 * (gray, YCbCr, CMYK) row by row. A JPEG's EXIF orientation is not applied; a JPEG
 * with corrupt or missing data (which libjpeg would draw as grey) is an error, not a
 * grey image. A size is refused before anything that big is allocated.
 *
 * Errors name the file as "images 'PATH': ..." (see imgdir.h for the list).
 * Not here: folders, manifests, packing slots into a set (imgdir, manifest).
 */
#ifndef AP_IMGDEC_H
#define AP_IMGDEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "io/imgscale.h"

/* Longest side decoded, in pixels. */
#define IMGDEC_MAX_SIDE 32768u

struct imgdec_slot {
	const struct imgscale_srgb *t;
	uint32_t cell;
	size_t max;             /* cap on one file's decoded RGBA bytes */
	uint8_t *dst;           /* the slot: cell×cell RGBA */
	uint32_t ow, oh;        /* out: the scaled size */
};

/* Decode path into d->dst and set d->ow, d->oh. Returns 0 or -1 (err set). */
int imgdec_file(const char *path, struct imgdec_slot *d, struct ap_err *err);

/* The size path's header gives (a PNG's IHDR, a JPEG's first SOFn: a few reads, no
 * decoding), to plan the work before decoding: *w, *h, or 0, 0 when the header cannot
 * tell (imgdec_file will then say what is wrong). Returns -1 (err set, as imgdec_file
 * would word it) when that size is refused: a side over IMGDEC_MAX_SIDE, or more than
 * max bytes decoded. */
int imgdec_probe(const char *path, size_t max, uint32_t *w, uint32_t *h, struct ap_err *err);

/* What decides the pixels a file decodes to besides its bytes and the slot: the
 * decoders' versions (libpng's at run time, libjpeg's as built) and IMGDEC_FORMAT,
 * which goes up whenever imgdec's or imgscale's output changes for the same input.
 * For keys of what was decoded (io/dsig). */
#define IMGDEC_FORMAT 1
uint64_t imgdec_version(void);

#endif
