/*
 * presc tests: the level of detail of minified sprites. Prescaled texels are area
 * averages computed here by hand; the key's rounding and matching at exact scales.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/atlas.h"
#include "core/presc.h"
#include "t.h"

static void test_sizes_levels(void)
{
	uint32_t w, h;
	presc_size(28, 28, 3.5f, 3.5f, &w, &h);
	CHECK_EQ_INT(w, 10);
	CHECK_EQ_INT(h, 10);
	presc_size(28, 20, 3, 3, &w, &h);
	CHECK_EQ_INT(w, 12);                 /* ceil(9.33) + 2 */
	CHECK_EQ_INT(h, 9);
	CHECK_EQ_INT(presc_level(3.5f, 3.5f, 6), 1);
	CHECK_EQ_INT(presc_level(2, 2, 6), 1);
	CHECK_EQ_INT(presc_level(1.9f, 1.5f, 6), 0);
	CHECK_EQ_INT(presc_level(1, 1, 6), -1);         /* native: drawn as it is */
	CHECK_EQ_INT(presc_level(0.5f, 2, 6), -1);      /* magnified on one axis */
	CHECK_EQ_INT(presc_level(40, 40, 3), -1);       /* level 2 still 10 texels a pixel */
	CHECK_EQ_INT(presc_level(12, 12, 3), 2);        /* 3 at level 2 */
}

/* What presc_choose reads of an atlas: n images of a slot of ch bytes, its levels. */
static struct atlas images(uint32_t levels, uint32_t slot, uint32_t ch, size_t n)
{
	return (struct atlas){ .n = n, .slot_w = slot, .slot_h = slot, .levels = levels, .channels = ch };
}

static void test_key(void)
{
	struct presc_key k;
	struct atlas gray = images(6, 28, 1, 70000), rgba = images(6, 28, 4, 70000);
	CHECK(presc_choose(3.5f + 1e-6f, 3.5f - 1e-6f, &gray, &k));
	CHECK(k.sx == 3.5f && k.sy == 3.5f);
	CHECK_EQ_INT(k.k, 1);
	CHECK_EQ_INT(k.w, 10);
	CHECK_EQ_INT((int)k.slot, 100);
	CHECK(presc_match(&k, 3.5f + 2e-4f, 3.5f));
	CHECK(!presc_match(&k, 3.5f + 3e-4f, 3.5f));
	CHECK(!presc_choose(1, 1, &gray, &k));
	/* 16 px sprites of 70,000 RGBA images: 18×18×4 each, over PRESC_MAX_BYTES */
	CHECK(!presc_choose(1.75f, 1.75f, &rgba, &k));
	CHECK(presc_choose(1.75f, 1.75f, &gray, &k));
	uint32_t w, h;
	presc_dims(&k, 28, 28, &w, &h);
	CHECK_EQ_INT(w, 18);
	presc_dims(&k, 14, 7, &w, &h);
	CHECK_EQ_INT(w, 10);
	CHECK_EQ_INT(h, 6);
}

/* Scale 2 from level 0: each texel the mean of a 2×2 block; the border repeats. */
static void test_build_blocks(void)
{
	uint8_t img[8 * 8], out[6 * 6];
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
			img[y * 8 + x] = (uint8_t)(x * 16 + y * 2);
	memset(out, 0xee, sizeof out);
	presc_build(&(struct presc_src){ .lv = img, .side = 8, .ch = 1, .iw = 8, .ih = 8 }, 0, 2, 2, out, 6);
	int bad = 0;
	for (int r = 0; r < 6; r++)
		for (int t = 0; t < 6; t++) {
			int tt = t == 0 ? 0 : t == 5 ? 3 : t - 1, rr = r == 0 ? 0 : r == 5 ? 3 : r - 1;
			bad += out[r * 6 + t] != 32 * tt + 4 * rr + 9;
		}
	CHECK_EQ_INT(bad, 0);
}

/* Scale 3 read at level 1 (1.5 texels a pixel there): overlaps of 1 and 1/2 texel. */
static void test_build_fractional(void)
{
	uint8_t lv[6 * 6], out[6 * 6];
	for (int v = 0; v < 6; v++)
		for (int u = 0; u < 6; u++)
			lv[v * 6 + u] = (uint8_t)(u * 10);
	presc_build(&(struct presc_src){ .lv = lv, .side = 6, .ch = 1, .iw = 12, .ih = 12 }, 1, 3, 3, out, 6);
	static const uint8_t want[4] = { 3, 17, 33, 47 };   /* 5/1.5, 25/1.5, 50/1.5, 70/1.5 */
	int bad = 0;
	for (int r = 1; r <= 4; r++)
		for (int t = 1; t <= 4; t++)
			bad += out[r * 6 + t] != want[t - 1];
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(out[6 * 2 + 0], 3);      /* left border */
	CHECK_EQ_INT(out[6 * 2 + 5], 47);     /* right border */
	/* an image in a cell at an offset, RGBA: a constant stays constant */
	uint8_t cell[16 * 16 * 4], o4[9 * 8 * 4];   /* 9 x 8 texels at stride 9 */
	for (int i = 0; i < 16 * 16; i++)
		memcpy(cell + 4 * i, (uint8_t[]){ 200, 100, 50, 255 }, 4);
	struct presc_src at = { .lv = cell, .side = 16, .ch = 4, .ox = 2, .oy = 3, .iw = 11, .ih = 9 };
	presc_build(&at, 0, 1.75f, 1.5f, o4, 9);
	uint32_t w, h;
	presc_size(11, 9, 1.75f, 1.5f, &w, &h);
	CHECK_EQ_INT(w, 9);
	CHECK_EQ_INT(h, 8);
	bad = 0;
	for (uint32_t i = 0; i < w * h; i++)
		bad += memcmp(o4 + 4 * i, (uint8_t[]){ 200, 100, 50, 255 }, 4) != 0;
	CHECK_EQ_INT(bad, 0);
}

static void test_image_coverage(void)
{
	struct presc_key k;
	struct atlas one = images(4, 8, 1, 1);
	CHECK(presc_choose(2, 2, &one, &k));
	CHECK_EQ_INT(k.k, 1);                 /* one texel a pixel at level 1 */
	/* a one-texel-wide stroke: 8 of 64 texels pass at full size (c0 = 1/8); level 1
	 * holds a column of 128s, the box mean of 255 and 0 */
	uint8_t lv1[4 * 4] = { 0 }, out[6 * 6];
	for (int v = 0; v < 4; v++)
		lv1[v * 4 + 1] = 128;
	struct presc_src src = { .lv = lv1, .side = 4, .ch = 1, .iw = 8, .ih = 8 };
	CHECK(presc_image(&k, &src, -1, 0.5, false, out) == 1.0f);
	/* 2 of 16 must pass: the threshold goes midway between 128 and 0, 64, so the
	 * scale is 127.5 / 64 */
	float sc = presc_image(&k, &src, 1.0 / 8, 0.5, false, out);
	CHECK(out[1 * 6 + 2] == 128);
	CHECK(fabsf(sc - 127.5f / 64) < 1e-6f);
	/* the image presc_image makes is presc_build's at the key's level and width */
	uint8_t again[6 * 6];
	presc_build(&src, k.k, k.sx, k.sy, again, k.w);
	CHECK(memcmp(again, out, sizeof out) == 0);
}

/* presc_build as a texel at a time in the documented order, each output texel the
 * overlap-weighted sum of its column sums: the reference the 8-lane column sums must
 * give byte for byte. */
static void ref_taps(uint32_t off, uint32_t len, float s, int k, uint32_t t, uint32_t *first, int *n, float *w)
{
	double scale = 1.0 / (double)(1u << k), a = ((double)off + (double)t * s) * scale;
	double b = ((double)off + fmin((double)(t + 1) * s, (double)len)) * scale;
	*first = (uint32_t)floor(a);
	*n = 0;
	for (uint32_t u = *first; (double)u < b && *n < PRESC_MAX_TAPS; u++)
		w[(*n)++] = (float)((fmin(b, (double)u + 1) - fmax(a, (double)u)) / (b - a));
}

static void ref_build(const struct presc_src *src, int k, float sx, float sy, uint8_t *dst, uint32_t stride)
{
	uint32_t w, h, ch = src->ch;
	presc_size(src->iw, src->ih, sx, sy, &w, &h);
	for (uint32_t r = 0; r < h - 2; r++) {
		uint32_t yf;
		int yn;
		float yw[PRESC_MAX_TAPS];
		ref_taps(src->oy, src->ih, sy, k, r, &yf, &yn, yw);
		for (uint32_t t = 0; t < w - 2; t++) {
			uint32_t xf;
			int xn;
			float xw[PRESC_MAX_TAPS];
			ref_taps(src->ox, src->iw, sx, k, t, &xf, &xn, xw);
			for (uint32_t c = 0; c < ch; c++) {
				float v = 0;
				for (int i = 0; i < xn; i++) {
					float col = 0;
					for (int j = 0; j < yn; j++)
						col += yw[j] * src->lv[((size_t)(yf + (uint32_t)j) * src->side + xf + (uint32_t)i) * ch + c];
					v += xw[i] * col;
				}
				dst[((size_t)(r + 1) * stride + t + 1) * ch + c] = (uint8_t)(v + 0.5f);
			}
		}
	}
}

static void test_build_reference(void)
{
	static uint8_t lv[64 * 64 * 4], a[66 * 66 * 4], b[66 * 66 * 4];
	uint32_t r = 5;
	for (size_t i = 0; i < sizeof lv; i++) {
		r = r * 1103515245u + 12345u;
		lv[i] = (uint8_t)(r >> 16);
	}
	static const float scales[] = { 1.25f, 1.5f, 2, 2.75f, 3.5f, 5.25f, 7 };
	int bad = 0, built = 0;
	for (uint32_t ch = 1; ch <= 4; ch += 3)
		for (uint32_t iw = 9; iw <= 60; iw += 17)
			for (size_t si = 0; si < sizeof scales / sizeof *scales; si++)
				for (size_t sj = 0; sj < sizeof scales / sizeof *scales; sj += 2) {
					float sx = scales[si], sy = scales[sj];
					int k = presc_level(sx, sy, 4);
					if (k < 0)
						continue;
					uint32_t ih = iw - 3, w, h, ox = 2, oy = 1;
					struct presc_src src = { .lv = lv, .side = 64 >> k, .ch = ch, .ox = ox, .oy = oy,
								 .iw = iw, .ih = ih };
					presc_size(iw, ih, sx, sy, &w, &h);
					memset(a, 0, sizeof a);
					memset(b, 0, sizeof b);
					presc_build(&src, k, sx, sy, a, w);
					ref_build(&src, k, sx, sy, b, w);
					/* inside the border, which presc_build copies from its edges */
					for (uint32_t y = 1; y + 1 < h; y++)
						bad += memcmp(a + ((size_t)y * w + 1) * ch, b + ((size_t)y * w + 1) * ch,
							      (size_t)(w - 2) * ch) != 0;
					built++;
				}
	CHECK(built > 40);
	CHECK_EQ_INT(bad, 0);
}

/* presc_cache_image: the plan made once for the first geometry gives presc_image's bytes,
 * for that geometry and for others met after it. */
static void test_cache_image(void)
{
	struct atlas at = images(4, 12, 1, 3);
	struct presc_key key;
	CHECK(presc_choose(2.5f, 2.5f, &at, &key));
	struct presc_cache c = { 0 };
	CHECK(presc_cache_use(&c, &key, 0.5, 3, 16) == 1);
	static uint8_t lv[8 * 8 * 3];
	for (size_t i = 0; i < sizeof lv; i++)
		lv[i] = (uint8_t)(i * 37 + 11);
	struct presc_src geo[3] = {
		{ .lv = lv, .side = 8, .ch = 1, .ox = 2, .oy = 2, .iw = 12, .ih = 12 },
		{ .lv = lv + 64, .side = 8, .ch = 1, .ox = 2, .oy = 2, .iw = 12, .ih = 12 },
		{ .lv = lv + 128, .side = 8, .ch = 1, .ox = 3, .oy = 2, .iw = 9, .ih = 12 },   /* its own plan */
	};
	int bad = 0;
	for (size_t i = 0; i < 3; i++) {
		uint8_t want[64 * 64];
		memset(want, 0, key.slot);
		float s_want = presc_image(&key, &geo[i], 0.25, 0.5, false, want);
		float s_got = presc_cache_image(&c, &geo[i], 0.25, 0.5, false, i);
		bad += memcmp(presc_cache_slot(&c, i), want, key.slot) != 0 || s_got != s_want;
	}
	CHECK_EQ_INT(bad, 0);
	presc_cache_free(&c);
}

int main(void)
{
	test_build_reference();
	test_cache_image();
	test_sizes_levels();
	test_key();
	test_build_blocks();
	test_build_fractional();
	test_image_coverage();
	return t_done();
}
