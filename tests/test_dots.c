/*
 * dots tests: the disc weight of the cross-fade band at its ends and middle, the
 * density-aware opacity worked out by hand, the images' mean colours, and what
 * scene_build makes of them for a frame (which sprites carry SCENE_DOT, the shares).
 */
#include <math.h>
#include <stdlib.h>

#include "core/dots.h"
#include "core/scene.h"
#include "t.h"

static void test_weight(void)
{
	/* below 8, fade 2: discs up to 8, images from 16 */
	CHECK(dots_weight(4, 8, 2) == 1);
	CHECK(dots_weight(7.999, 8, 2) == 1);
	CHECK(dots_weight(8, 8, 2) == 1);                    /* the band's foot: log 2 / log 2 */
	CHECK(dots_weight(16, 8, 2) == 0);
	CHECK(dots_weight(400, 8, 2) == 0);
	CHECK_NEAR(dots_weight(8 * sqrt(2), 8, 2), 0.5, 1e-15);   /* the middle, in log S */
	CHECK_NEAR(dots_weight(12, 8, 2), log(16.0 / 12) / log(2), 1e-15);
	CHECK_NEAR(dots_weight(12, 8, 2), 0.415037499, 1e-9);
	/* fade 4: the middle at 16 */
	CHECK_NEAR(dots_weight(16, 8, 4), 0.5, 1e-15);
	/* fade 1: a hard switch */
	CHECK(dots_weight(7.9, 8, 1) == 1);
	CHECK(dots_weight(8, 8, 1) == 0);
	/* off */
	CHECK(dots_weight(1, 0, 2) == 0);
	CHECK(dots_weight(NAN, 8, 2) == 0);
}

static void test_opacity(void)
{
	/* 70,000 sprites of 8 px over 1920x1080, a quarter covered:
	 * 0.25 * 2073600 / (70000 * 64) = 518400 / 4480000 */
	CHECK_NEAR(dots_opacity(1920, 1080, 70000, 8, 0.25), 518400.0 / 4480000.0, 1e-15);
	CHECK_NEAR(dots_opacity(1920, 1080, 70000, 8, 0.25), 0.115714286, 1e-9);
	/* few sprites: 1 at most */
	CHECK(dots_opacity(1920, 1080, 1000, 8, 0.25) == 1);
	CHECK(dots_opacity(100, 100, 1, 50, 1) == 1);        /* 10000 / 2500 = 4, clamped */
	CHECK_NEAR(dots_opacity(100, 100, 16, 50, 1), 0.25, 1e-15);
	/* many: floored at 1/255 */
	CHECK(dots_opacity(100, 100, 1000000, 10, 0.25) == 1.0 / 255);
	/* nothing in view */
	CHECK(dots_opacity(100, 100, 0, 10, 0.25) == 1);
	CHECK(dots_opacity(100, 100, 10, 0, 0.25) == 1);
}

static void test_mean_colors(void)
{
	/* gray 2x2: a stroke of 255, 200 on black */
	uint8_t g[8] = { 0, 255, 200, 0, 100, 100, 100, 100 };
	struct ap_imgset s = { .n = 2, .w = 2, .h = 2, .c = 1, .pix = g };
	uint32_t out[2];
	dots_mean_colors(&s, DOTS_MEAN_ALL, 0.5, out);
	CHECK_EQ_INT(out[0], 0xff000000u | 114u * 0x010101u);   /* 455 / 4 = 113.75 */
	CHECK_EQ_INT(out[1], 0xff000000u | 100u * 0x010101u);
	dots_mean_colors(&s, DOTS_MEAN_PASSING, 0.5, out);
	CHECK_EQ_INT(out[0], 0xff000000u | 228u * 0x010101u);   /* (255 + 200) / 2 = 227.5 */
	CHECK_EQ_INT(out[1], 0xff000000u | 100u * 0x010101u);   /* none passes: all */
	dots_mean_colors(&s, DOTS_MEAN_ALPHA, 0.5, out);
	/* (255^2 + 200^2) / 455 = 230.8 */
	CHECK_EQ_INT(out[0], 0xff000000u | 231u * 0x010101u);
	CHECK_EQ_INT(out[1], 0xff000000u | 100u * 0x010101u);
	/* RGBA 1x2: a red opaque texel and a blue faint one */
	uint8_t c[8] = { 255, 0, 0, 255, 0, 0, 255, 51 };
	struct ap_imgset t = { .n = 1, .w = 1, .h = 2, .c = 4, .pix = c };
	dots_mean_colors(&t, DOTS_MEAN_ALPHA, 0.5, out);
	/* weights 255 and 51: r = 255 * 255 / 306 = 212.5, b = 255 * 51 / 306 = 42.5 */
	CHECK_EQ_INT(out[0], 0xff000000u | 43u << 16 | 213u);
	dots_mean_colors(&t, DOTS_MEAN_PASSING, 0.5, out);
	CHECK_EQ_INT(out[0], 0xff0000ffu);
	/* RGB: luminance tests */
	uint8_t r[6] = { 0, 255, 0, 0, 0, 255 };            /* green passes (0.7152), blue not */
	struct ap_imgset u = { .n = 1, .w = 2, .h = 1, .c = 3, .pix = r };
	dots_mean_colors(&u, DOTS_MEAN_PASSING, 0.5, out);
	CHECK_EQ_INT(out[0], 0xff00ff00u);
	dots_mean_colors(&u, DOTS_MEAN_ALPHA, 0.5, out);     /* RGB blends opaque: all count */
	CHECK_EQ_INT(out[0], 0xff000000u | 128u << 16 | 128u << 8);
	/* images of their own sizes: only their texels */
	uint8_t m[8] = { 10, 250, 90, 90, 50, 7, 7, 7 };
	uint16_t iw[2] = { 1, 2 }, ih[2] = { 2, 1 };
	struct ap_imgset v = { .n = 2, .w = 2, .h = 2, .c = 1, .pix = m, .iw = iw, .ih = ih };
	dots_mean_colors(&v, DOTS_MEAN_ALL, 0.5, out);
	CHECK_EQ_INT(out[0], 0xff000000u | 50u * 0x010101u);    /* 10 and 90 */
	CHECK_EQ_INT(out[1], 0xff000000u | 29u * 0x010101u);    /* 50 and 7: 28.5 */
}

/* Three sprites, one highlighted: the frame's shares, and the flags on those in view. */
static void test_scene_lod(void)
{
	uint32_t tex[3] = { 0, 16, 32 }, size[3] = { 10 | 10 << 16, 10 | 10 << 16, 10 | 10 << 16 }, page[3] = { 0 };
	struct scene_src src = { 3, tex, size, page, 1 };
	double xy[] = { 10, 10, 50, 30, 2000, 30 };          /* the third is off the frame */
	size_t hl = 0;
	struct scene_frame f = { .w = 100, .h = 80, .cam = { 50, 40, 1 }, .s0 = 1, .sprite = 12, .highlight = &hl,
				 .nhighlight = 1, .sprites_only = 1 };
	struct scene_out o = { 0 };
	struct ap_err err;
	/* off: nothing flagged */
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 3);
	CHECK_EQ_INT(o.nbase, 2);
	CHECK(!o.lod.on);
	for (size_t k = 0; k < o.nsprites; k++)
		CHECK(!(o.sprites[k].page_flags >> 16 & SCENE_DOT));
	/* the middle of the band, auto opacity of the 2 in view: 0.25 * 8000 / (2 * 144) > 1 */
	f.dots = (struct scene_dots){ .below = 12 / sqrt(2), .fade = 2, .opacity_auto = true, .image_opacity = true };
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK(o.lod.on);
	CHECK_NEAR(o.lod.weight, 0.5, 1e-12);
	CHECK(o.lod.opacity == 1);
	CHECK(o.lod.radius == 6);
	CHECK_NEAR(o.lod.dot_alpha, 0.5, 1e-7);
	CHECK_NEAR(o.lod.img_alpha, 0.5, 1e-7);
	CHECK(o.sprites[0].page_flags >> 16 & SCENE_DOT);
	CHECK(o.sprites[1].page_flags >> 16 & SCENE_DOT);
	CHECK(!(o.sprites[2].page_flags >> 16 & SCENE_DOT));  /* the highlight */
	CHECK(o.sprites[2].page_flags >> 16 & SCENE_OUTLINE);
	/* a smaller coverage target: 0.01 * 8000 / 288 */
	f.dots.coverage = 0.01;
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK_NEAR(o.lod.opacity, 80.0 / 288, 1e-12);
	CHECK_NEAR(o.lod.dot_alpha, 0.5 * 80.0 / 288, 1e-7);
	CHECK_NEAR(o.lod.img_alpha, 0.5 * 80.0 / 288, 1e-7);
	/* discard and opaque images keep their alpha: only the weight fades them */
	f.dots.image_opacity = false;
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK_NEAR(o.lod.img_alpha, 0.5, 1e-7);
	/* images alone at full opacity: nothing to flag, the plain path */
	f.dots = (struct scene_dots){ .below = 4, .fade = 2, .opacity = 0.3 };
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK(!o.lod.on);
	CHECK(o.lod.img_alpha == 1);
	f.dots.image_opacity = true;
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK(o.lod.on);
	CHECK(o.lod.dot_alpha == 0);
	CHECK_NEAR(o.lod.img_alpha, 0.3, 1e-7);
	/* discs alone: nothing is prescaled */
	f.dots = (struct scene_dots){ .below = 20 };
	CHECK(scene_build(&src, xy, &f, &o, &err) == 0);
	CHECK(o.lod.img_alpha == 0);
	CHECK(o.lod.dot_alpha == 1);
	struct atlas a = { 0 };
	struct presc_key key;
	CHECK(!scene_prescale_key(&o, &a, &key));
	scene_out_free(&o);
}

int main(void)
{
	test_weight();
	test_opacity();
	test_mean_colors();
	test_scene_lod();
	return t_done();
}
