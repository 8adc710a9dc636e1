/* imgdiff: counts, first pixel, RMS/PSNR, anti-aliasing detection, diff colours, limits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/imgdiff.h"
#include "t.h"

#define W 16
#define H 12

static void fill(uint8_t *img, uint8_t r, uint8_t g, uint8_t b)
{
	for (int i = 0; i < W * H; i++) {
		img[4 * i] = r;
		img[4 * i + 1] = g;
		img[4 * i + 2] = b;
		img[4 * i + 3] = 255;
	}
}

static uint8_t *px(uint8_t *img, int x, int y)
{
	return img + (y * W + x) * 4;
}

static void set(uint8_t *img, int x, int y, uint8_t v)
{
	uint8_t *p = px(img, x, y);
	p[0] = p[1] = p[2] = v;
	p[3] = 255;
}

/* A white square on black, from x0 to the right edge, with a one-pixel grey
 * anti-aliased column at x0 - 1 of value aa_val. */
static void edge(uint8_t *img, int x0, uint8_t aa_val)
{
	fill(img, 0, 0, 0);
	for (int y = 0; y < H; y++) {
		for (int x = x0; x < W; x++)
			set(img, x, y, 255);
		set(img, x0 - 1, y, aa_val);
	}
}

static void test_identical(void)
{
	uint8_t a[W * H * 4], b[W * H * 4], d[W * H * 4];
	struct imgdiff_result r;
	fill(a, 10, 20, 30);
	memcpy(b, a, sizeof a);
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, NULL, &r, d);
	CHECK_EQ_INT(r.compared, W * H);
	CHECK_EQ_INT(r.over, 0);
	CHECK_EQ_INT(r.within, 0);
	CHECK_EQ_INT(r.aa, 0);
	CHECK_EQ_INT(r.max_diff, 0);
	CHECK_NEAR(r.rms, 0, 0);
	CHECK(isinf(r.psnr) && r.psnr > 0);
	CHECK(!r.has_first);
	CHECK(imgdiff_passed(&(struct imgdiff_opts){ 0 }, &r));
	/* Unchanged pixels: luminance faded toward white, opaque grey. */
	double y = 10 * 0.29889531 + 20 * 0.58662247 + 30 * 0.11448223;
	uint8_t g = (uint8_t)lround(255 - (255 - y) * 0.3);
	CHECK_EQ_INT(d[0], g);
	CHECK_EQ_INT(d[1], g);
	CHECK_EQ_INT(d[2], g);
	CHECK_EQ_INT(d[3], 255);
}

static void test_one_pixel(void)
{
	uint8_t a[W * H * 4], b[W * H * 4], d[W * H * 4];
	struct imgdiff_result r;
	struct imgdiff_opts o = { .tolerance = 2 };
	fill(a, 100, 100, 100);
	memcpy(b, a, sizeof a);

	/* Beyond the tolerance: red, counted, reported as first. */
	px(b, 5, 3)[1] = 110;
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK_EQ_INT(r.over, 1);
	CHECK_EQ_INT(r.within, 0);
	CHECK_EQ_INT(r.max_diff, 10);
	CHECK_NEAR(r.rms, sqrt(100.0 / (W * H * 4)), 1e-12);
	CHECK_NEAR(r.psnr, 20 * log10(255 / sqrt(100.0 / (W * H * 4))), 1e-9);
	CHECK(r.has_first);
	CHECK_EQ_INT(r.first_x, 5);
	CHECK_EQ_INT(r.first_y, 3);
	CHECK_EQ_INT(r.first_expected[1], 100);
	CHECK_EQ_INT(r.first_actual[1], 110);
	CHECK(memcmp(px(d, 5, 3), (uint8_t[]){ 255, 0, 0, 255 }, 4) == 0);
	CHECK(!imgdiff_passed(&o, &r));
	o.max_pixels = 1;
	CHECK(imgdiff_passed(&o, &r));
	o.max_pixels = 0;

	/* Within the tolerance: yellow, passes. */
	px(b, 5, 3)[1] = 102;
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK_EQ_INT(r.over, 0);
	CHECK_EQ_INT(r.within, 1);
	CHECK_EQ_INT(r.max_diff, 2);
	CHECK(r.has_first);
	CHECK(memcmp(px(d, 5, 3), (uint8_t[]){ 255, 255, 0, 255 }, 4) == 0);
	CHECK(imgdiff_passed(&o, &r));
	/* ... but a max-rms limit below its RMS fails it. */
	o.max_rms = 0.01;
	CHECK(!imgdiff_passed(&o, &r));
	o.max_rms = 1;
	CHECK(imgdiff_passed(&o, &r));

	/* Alpha counts as a channel. */
	o = (struct imgdiff_opts){ 0 };
	memcpy(b, a, sizeof a);
	px(b, 0, 0)[3] = 0;
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, NULL);
	CHECK_EQ_INT(r.over, 1);
	CHECK_EQ_INT(r.max_diff, 255);

	/* The first pixel reported is the first over the tolerance, not an earlier
	 * within-tolerance one. */
	o.tolerance = 5;
	memcpy(b, a, sizeof a);
	px(b, 1, 0)[0] = 103;
	px(b, 7, 2)[2] = 50;
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, NULL);
	CHECK_EQ_INT(r.over, 1);
	CHECK_EQ_INT(r.within, 1);
	CHECK_EQ_INT(r.first_x, 7);
	CHECK_EQ_INT(r.first_y, 2);
}

static void test_shifted(void)
{
	uint8_t a[W * H * 4], b[W * H * 4];
	struct imgdiff_result r;
	struct imgdiff_opts o = { .tolerance = 2, .aa = true };
	/* A hard-edged square moved right by one pixel: two columns change, and a
	 * hard edge is not anti-aliasing even in aa mode. */
	fill(a, 0, 0, 0);
	fill(b, 0, 0, 0);
	for (int y = 4; y < 8; y++)
		for (int x = 4; x < 8; x++) {
			set(a, x, y, 200);
			set(b, x + 1, y, 200);
		}
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, NULL);
	CHECK_EQ_INT(r.over, 8);
	CHECK_EQ_INT(r.aa, 0);
	CHECK_EQ_INT(r.first_x, 4);
	CHECK_EQ_INT(r.first_y, 4);
	CHECK_EQ_INT(r.max_diff, 200);
	CHECK(!imgdiff_passed(&o, &r));
}

static void test_aa(void)
{
	uint8_t a[W * H * 4], b[W * H * 4], d[W * H * 4];
	struct imgdiff_result r;
	struct imgdiff_opts o = { .tolerance = 2 };
	/* The same edge rasterised with different coverage in its anti-aliased column. */
	edge(a, 8, 64);
	edge(b, 8, 192);
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK_EQ_INT(r.over, H);
	CHECK_EQ_INT(r.aa, 0);
	o.aa = true;
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK_EQ_INT(r.over, 0);
	CHECK_EQ_INT(r.aa, H);
	CHECK(memcmp(px(d, 7, 5), (uint8_t[]){ 0, 0, 255, 255 }, 4) == 0);
	CHECK(imgdiff_passed(&o, &r));

	/* A stray pixel in a flat area is not anti-aliasing. */
	edge(b, 8, 64);
	set(b, 2, 5, 128);
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK_EQ_INT(r.over, 1);
	CHECK_EQ_INT(r.aa, 0);
	CHECK(memcmp(px(d, 2, 5), (uint8_t[]){ 255, 0, 0, 255 }, 4) == 0);
}

static void test_side_by_side(void)
{
	uint8_t a[W * H * 4], b[W * H * 4], d[W * H * 4], s[3 * W * H * 4];
	fill(a, 1, 1, 1);
	fill(b, 2, 2, 2);
	fill(d, 3, 3, 3);
	imgdiff_side_by_side(a, b, d, W, H, s);
	CHECK_EQ_INT(s[(5 * 3 * W + 0) * 4], 1);
	CHECK_EQ_INT(s[(5 * 3 * W + W) * 4], 2);
	CHECK_EQ_INT(s[(5 * 3 * W + 2 * W + W - 1) * 4], 3);
}

static void test_parse_max_pixels(void)
{
	struct imgdiff_opts o = { 0 };
	struct imgdiff_result r = { .compared = 1000, .over = 5 };
	CHECK_EQ_INT(imgdiff_parse_max_pixels("12", &o), 0);
	CHECK_NEAR(o.max_pixels, 12, 0);
	CHECK(!o.max_pixels_pct);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("0.5%", &o), 0);
	CHECK_NEAR(o.max_pixels, 0.5, 0);
	CHECK(o.max_pixels_pct);
	CHECK_EQ_INT(imgdiff_allowed_pixels(&o, 1000), 5);
	CHECK(imgdiff_passed(&o, &r));
	r.over = 6;
	CHECK(!imgdiff_passed(&o, &r));
	CHECK_EQ_INT(imgdiff_parse_max_pixels("100%", &o), 0);
	CHECK_EQ_INT(imgdiff_allowed_pixels(&o, 1000), 1000);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("0%", &o), 0);
	CHECK_EQ_INT(imgdiff_allowed_pixels(&o, 1000), 0);

	o = (struct imgdiff_opts){ .max_pixels = 7 };
	CHECK_EQ_INT(imgdiff_parse_max_pixels("101%", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("-1", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("-1%", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("1.5", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("%", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("5%%", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("abc", &o), -1);
	CHECK_EQ_INT(imgdiff_parse_max_pixels("3 ", &o), -1);
	CHECK_NEAR(o.max_pixels, 7, 0);
	CHECK(!o.max_pixels_pct);
}

/* Row by row through a ring of IMGDIFF_BAND rows, read two ahead (as the diff command
 * reads files): the same result and diff rows as the whole-image compare, aa included. */
static void test_stream(void)
{
	uint8_t a[W * H * 4], b[W * H * 4], d[W * H * 4], ds[W * H * 4];
	uint8_t ra[IMGDIFF_BAND][W * 4], rb[IMGDIFF_BAND][W * 4];
	const uint8_t *ringa[IMGDIFF_BAND], *ringb[IMGDIFF_BAND];
	struct imgdiff_opts o = { .tolerance = 2, .aa = true };
	struct imgdiff_result r, rs;
	struct imgdiff_acc acc;
	uint32_t seed = 7;

	edge(a, 8, 128);
	edge(b, 9, 100);
	for (int i = 0; i < 40; i++) {          /* some noise too, away from the edge */
		seed = seed * 1103515245u + 12345u;
		set(b, (int)(seed >> 16) % 5, (int)(seed >> 8) % H, (uint8_t)(seed >> 24));
	}
	imgdiff_compare(&(struct imgdiff_pair){ a, b, W, H }, &o, &r, d);
	CHECK(r.aa > 0 && r.over > 0);
	for (int k = 0; k < IMGDIFF_BAND; k++)
		ringa[k] = ra[k], ringb[k] = rb[k];
	imgdiff_begin(&acc, W, H, &o);
	uint32_t got = 0;
	for (uint32_t y = 0; y < H; y++) {
		struct imgdiff_rows band;
		for (; got < H && got <= y + 2; got++) {
			memcpy(ra[got % IMGDIFF_BAND], a + got * W * 4, W * 4);
			memcpy(rb[got % IMGDIFF_BAND], b + got * W * 4, W * 4);
		}
		imgdiff_window(y, H, ringa, band.expected);
		imgdiff_window(y, H, ringb, band.actual);
		imgdiff_row(&acc, &band, ds + y * W * 4);
	}
	imgdiff_end(&acc, &rs);
	CHECK(memcmp(&r, &rs, sizeof r) == 0);
	CHECK(memcmp(d, ds, sizeof d) == 0);
}

int main(void)
{
	test_identical();
	test_one_pixel();
	test_shifted();
	test_aa();
	test_side_by_side();
	test_stream();
	test_parse_max_pixels();
	return t_done();
}
