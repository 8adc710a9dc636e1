/*
 * imgscale: the downscaler behind --images and manifests, and the sRGB tables it needs.
 * An iw×ih image becomes at most cell×cell, longer side `cell`, aspect kept, never
 * upscaled. The filter is a box with exact area weights (an output pixel is the mean
 * of the input area it covers, partial pixels weighted by their fraction), in linear
 * light (sRGB decoded with a 256-entry table, encoded back by rounding in sRGB), alpha
 * premultiplied; so a constant colour stays exactly that colour and a black/white
 * checker becomes 188. Rows come one at a time, so a decoder never holds the whole
 * input (a JPEG streams by rows).
 *
 * Not here: decoding (imgdec), where the slots are and how they are packed (imgdir).
 *
 *   imgscale_srgb_init   fill the tables (once per set; read-only after)
 *   imgscale_init        plan one image into a cell×cell RGBA slot (rows cell*4 bytes)
 *   imgscale_push        one input row (1 gray, 3 RGB or 4 RGBA bytes a pixel)
 *   imgscale_finish      after the last row: write the slot
 *   imgscale_free        free what imgscale_init allocated
 */
#ifndef AP_IMGSCALE_H
#define AP_IMGSCALE_H

#include <stddef.h>
#include <stdint.h>

#define IMGSCALE_SRGB_BINS 4096

struct imgscale_srgb {
	float lin[256];         /* byte -> linear light */
	float thr[256];         /* thr[k]: linear value of byte k + 0.5, where rounding goes up; thr[255] > 1 */
	uint8_t start[IMGSCALE_SRGB_BINS + 1];  /* the byte for the linear value i / IMGSCALE_SRGB_BINS */
};

/*
 * In units where an input pixel is ow wide (oh tall), an output pixel is iw wide (ih
 * tall), so overlaps are whole numbers; as input pixels are never smaller than output
 * ones, each overlaps at most two. Across a row, input column x puts the fraction
 * xf[2x] of itself into output column xj[x] and xf[2x+1] into the next (mostly 1 and
 * 0: then it is a plain add); the sums are scaled by ow/iw along with the row weights,
 * which are worked out as rows come.
 */
struct imgscale {
	const struct imgscale_srgb *t;
	uint32_t iw, ih, ow, oh;
	uint32_t y;             /* rows pushed so far */
	uint8_t *dst;           /* ow×oh RGBA, rows `stride` bytes apart */
	size_t stride;
	int same;               /* no scaling: rows are copied */
	uint32_t *xj;
	float *xf;
	float *hrow;            /* one input row summed across: (ow + 1) × 4 */
	float *acc;             /* the output so far: (oh + 1) rows of ow × 4 */
};

void imgscale_srgb_init(struct imgscale_srgb *t);

/* The scaled size is in r->ow, r->oh after this. Returns 0, or -1 out of memory (r
 * then needs no imgscale_free). */
int imgscale_init(struct imgscale *r, const struct imgscale_srgb *t, uint32_t iw, uint32_t ih, uint32_t cell,
	uint8_t *dst);
void imgscale_push(struct imgscale *r, const uint8_t *row, int ch);
void imgscale_finish(struct imgscale *r);
void imgscale_free(struct imgscale *r);

#endif
