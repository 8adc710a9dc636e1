#include "io/imgscale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* sRGB <-> linear */

static double srgb_decode(double c)
{
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

void imgscale_srgb_init(struct imgscale_srgb *t)
{
	unsigned k = 0;

	for (int i = 0; i < 256; i++) {
		t->lin[i] = (float)srgb_decode(i / 255.0);
		t->thr[i] = i < 255 ? (float)srgb_decode((i + 0.5) / 255.0) : 2.0f;
	}
	for (int i = 0; i <= IMGSCALE_SRGB_BINS; i++) {
		float v = (float)i / IMGSCALE_SRGB_BINS;

		while (v >= t->thr[k])
			k++;
		t->start[i] = (uint8_t)k;
	}
}

/* Linear -> the byte whose sRGB value is nearest (rounding in sRGB, not in linear). A
 * table value comes back as its own byte: the thresholds sit half a step away. The
 * bins are narrower than a byte's step, so the search from a bin's start is short. */
static uint8_t srgb_encode(const struct imgscale_srgb *t, float v)
{
	unsigned k;

	if (!(v > 0))
		return 0;
	if (v >= 1)
		return 255;
	k = t->start[(int)(v * IMGSCALE_SRGB_BINS)];
	while (v >= t->thr[k])
		k++;
	return (uint8_t)k;
}

/* ---- the scaler: box filter with exact area weights, linear light, premultiplied ---- */

/* The size an iw×ih image gets: longer side `cell`, aspect kept, never upscaled. */
static void scaled_size(uint32_t iw, uint32_t ih, uint32_t cell, uint32_t *ow, uint32_t *oh)
{
	uint64_t lo = iw < ih ? iw : ih, hi = iw < ih ? ih : iw, s;

	if (hi <= cell) {
		*ow = iw;
		*oh = ih;
		return;
	}
	s = (2 * lo * cell + hi) / (2 * hi);
	if (s < 1)
		s = 1;
	*ow = iw >= ih ? cell : (uint32_t)s;
	*oh = iw >= ih ? (uint32_t)s : cell;
}

void imgscale_free(struct imgscale *r)
{
	free(r->xj);
	free(r->xf);
	free(r->hrow);
	free(r->acc);
	memset(r, 0, sizeof *r);
}

int imgscale_init(struct imgscale *r, const struct imgscale_srgb *t, uint32_t iw, uint32_t ih, uint32_t cell,
	uint8_t *dst)
{
	memset(r, 0, sizeof *r);
	r->t = t;
	r->iw = iw;
	r->ih = ih;
	r->dst = dst;
	r->stride = (size_t)cell * 4;
	scaled_size(iw, ih, cell, &r->ow, &r->oh);
	r->same = r->ow == iw && r->oh == ih;
	if (r->same)
		return 0;
	r->xj = malloc(iw * sizeof *r->xj);
	r->xf = malloc(2 * (size_t)iw * sizeof *r->xf);
	r->hrow = malloc((r->ow + 1) * 4 * sizeof *r->hrow);
	r->acc = calloc((size_t)(r->oh + 1) * r->ow * 4, sizeof *r->acc);
	if (!r->xj || !r->xf || !r->hrow || !r->acc) {
		imgscale_free(r);
		return -1;
	}
	for (uint32_t x = 0; x < iw; x++) {
		uint64_t left = (uint64_t)x * r->ow, right = left + r->ow;
		uint32_t j = (uint32_t)(left / iw);
		uint64_t edge = (uint64_t)(j + 1) * iw;
		uint64_t a = (right < edge ? right : edge) - left;

		r->xj[x] = j;
		r->xf[2 * x] = a == r->ow ? 1.0f : (float)a / (float)r->ow;
		r->xf[2 * x + 1] = a == r->ow ? 0.0f : (float)(r->ow - a) / (float)r->ow;
	}
	return 0;
}

/* Sum one row across into h, for ch = 1 (gray), 3 (RGB) or 4 (RGBA); inlined for each
 * so that the channel tests drop out of the loop. The sum for the current output
 * column stays in registers and is stored when the column is done (each once). */
static inline __attribute__((always_inline)) void rs_across(const struct imgscale *r, const uint8_t *row,
	int ch, float *h)
{
	const float *lin = r->t->lin, *xf = r->xf;
	const uint32_t *xj = r->xj;
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t cur = 0;

	for (uint32_t x = 0; x < r->iw; x++, row += ch) {
		float f = xf[2 * x], g = xf[2 * x + 1], cr, cg, cb, ca = 1;

		if (ch == 4) {
			ca = row[3] * (1.0f / 255);
			cr = lin[row[0]] * ca;
			cg = lin[row[1]] * ca;
			cb = lin[row[2]] * ca;
		} else if (ch == 3) {
			cr = lin[row[0]];
			cg = lin[row[1]];
			cb = lin[row[2]];
		} else {
			cr = cg = cb = lin[row[0]];
		}
		if (xj[x] != cur) {     /* a column edge between two pixels */
			h[4 * cur] = s0, h[4 * cur + 1] = s1, h[4 * cur + 2] = s2, h[4 * cur + 3] = s3;
			s0 = s1 = s2 = s3 = 0;
			cur++;
		}
		if (g == 0) {
			s0 += cr, s1 += cg, s2 += cb, s3 += ca;
		} else {                /* a column edge inside this pixel */
			h[4 * cur] = s0 + f * cr, h[4 * cur + 1] = s1 + f * cg;
			h[4 * cur + 2] = s2 + f * cb, h[4 * cur + 3] = s3 + f * ca;
			s0 = g * cr, s1 = g * cg, s2 = g * cb, s3 = g * ca;
			cur++;
		}
	}
	h[4 * cur] = s0, h[4 * cur + 1] = s1, h[4 * cur + 2] = s2, h[4 * cur + 3] = s3;
}

/* One input row of iw pixels of ch (1 gray, 3 RGB, 4 RGBA) bytes each. */
void imgscale_push(struct imgscale *r, const uint8_t *row, int ch)
{
	uint32_t iw = r->iw, ow = r->ow, y = r->y++;
	float *h = r->hrow;

	if (r->same) {
		uint8_t *d = r->dst + y * r->stride;

		for (uint32_t x = 0; x < iw; x++, d += 4, row += ch) {
			d[0] = row[0];
			d[1] = row[ch >= 3 ? 1 : 0];
			d[2] = row[ch >= 3 ? 2 : 0];
			d[3] = ch == 4 ? row[3] : 255;
		}
		return;
	}
	if (ch == 4)
		rs_across(r, row, 4, h);
	else if (ch == 3)
		rs_across(r, row, 3, h);
	else
		rs_across(r, row, 1, h);

	uint64_t top = (uint64_t)y * r->oh, bottom = top + r->oh;
	uint32_t j = (uint32_t)(top / r->ih);
	uint64_t edge = (uint64_t)(j + 1) * r->ih;
	uint64_t a = (bottom < edge ? bottom : edge) - top;
	float s = (float)ow / ((float)iw * (float)r->ih);
	float w0 = (float)a * s, w1 = (float)(r->oh - a) * s;
	float *acc = r->acc + (size_t)j * ow * 4;

	for (uint32_t i = 0; i < ow * 4; i++)
		acc[i] += w0 * h[i];
	if (w1 > 0)
		for (uint32_t i = 0; i < ow * 4; i++)
			acc[ow * 4 + i] += w1 * h[i];
}

/* After all ih rows: un-premultiply, encode, write dst. */
void imgscale_finish(struct imgscale *r)
{
	if (r->same)
		return;
	for (uint32_t j = 0; j < r->oh; j++) {
		const float *p = r->acc + (size_t)j * r->ow * 4;
		uint8_t *d = r->dst + j * r->stride;

		for (uint32_t x = 0; x < r->ow; x++, p += 4, d += 4) {
			float a = p[3];
			long ab = lrintf(a * 255);

			if (!(a > 0)) {
				memset(d, 0, 4);
				continue;
			}
			for (int k = 0; k < 3; k++)
				d[k] = srgb_encode(r->t, p[k] / a);
			d[3] = (uint8_t)(ab < 0 ? 0 : ab > 255 ? 255 : ab);
		}
	}
}

