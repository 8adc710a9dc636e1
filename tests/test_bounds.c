/*
 * bounds tests: no value reaches an assertion or an out-of-range float to integer
 * conversion in the pure code, whatever a caller without the CLI passes (camera moves
 * to 1e300, zooms of 1e-300, sprites of 1e300, NaN positions, denormal layouts); and
 * the CLI's bounds (cam_check, keyframe files) name what is out of range. Run under
 * make check-asan (clang, -fsanitize=float-cast-overflow) the casts are checked too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnum.h"
#include "core/atlas.h"
#include "core/cam.h"
#include "core/presc.h"
#include "core/scene.h"
#include "core/zpath.h"
#include "t.h"

static void test_fnum(void)
{
	CHECK_EQ_INT(fnum_long(NAN, -5, 5), -5);
	CHECK_EQ_INT(fnum_long(INFINITY, -5, 5), 5);
	CHECK_EQ_INT(fnum_long(-1e300, -5, 5), -5);
	CHECK_EQ_INT(fnum_long(3.9, -5, 5), 3);
	CHECK_EQ_INT(fnum_u32(1e20, 0, 255), 255);
	CHECK(fnum_clamp(NAN, 1, 2) == 1);
}

static bool view_finite(const double v[3])
{
	return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]) && v[2] > 0;
}

static void test_zpath_extremes(void)
{
	static const double views[][3] = {
		{ 0, 0, 1 }, { 1e300, 5, 1 }, { 5, 5, 1e-300 }, { 5, 5, 1e300 }, { -1e308, 1e308, 1e-320 },
		{ 0, 0, INFINITY }, { 0, 0, 0 }, { 0, 0, -1 },
	};
	size_t nv = sizeof views / sizeof views[0];
	int bad = 0;
	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j < nv; j++) {
			struct zpath p;
			zpath_init(&p, views[i], views[j], 0);
			bad += !isfinite(p.S);
			for (int k = 0; k <= 4; k++) {
				double v[3];
				zpath_eval(&p, k / 4.0, v);
				bad += !view_finite(v);
				struct cam c;
				zpath_view_to_cam(v, 1.0, 64, &c);
				bad += !(c.zoom > 0 && isfinite(c.zoom));
			}
		}
	CHECK_EQ_INT(bad, 0);
	/* ordinary views keep their exact ends */
	struct zpath p;
	double a[3] = { 1, 2, 4 }, b[3] = { -3, 5, 0.5 }, v[3];
	zpath_init(&p, a, b, 0);
	zpath_eval(&p, 1, v);
	CHECK(v[0] == -3 && v[1] == 5 && v[2] == 0.5);
	/* a camera of zoom 1e-300 at a fit of 1e300 still gives a view */
	struct cam c = { 0, 0, 1e-300 };
	zpath_cam_to_view(&c, 1e300, 64, v);
	CHECK(view_finite(v));
}

static void test_cam_bounds(void)
{
	CHECK(cam_check(&(struct cam){ 1e15, -1e15, 1e6 }) == NULL);
	CHECK(cam_check(&(struct cam){ 0, 0, 1e-6 }) == NULL);
	CHECK_STR(cam_check(&(struct cam){ 0, 0, 1e300 }), "zoom must be from 1e-6 to 1e6");
	CHECK_STR(cam_check(&(struct cam){ 0, 0, 1e-300 }), "zoom must be from 1e-6 to 1e6");
	CHECK_STR(cam_check(&(struct cam){ 0, 0, NAN }), "zoom must be from 1e-6 to 1e6");
	CHECK_STR(cam_check(&(struct cam){ 1e300, 0, 1 }), "centre must be within 1e15 of 0");
	struct cam_sprite sp = { .base = 1e20, .max = 1e30 };
	CHECK(cam_sprite_size(&sp, 1) == CAM_SPRITE_LIMIT);
	sp = (struct cam_sprite){ .base = 1e-300, .min = 1e-300 };
	CHECK(cam_sprite_size(&sp, 1) == CAM_SPRITE_FLOOR);
	struct cam_box box = { 0, 0, 1e-320, 0 };
	double s0 = cam_fit_scale(&box, 0.05, 64, 48);
	CHECK(isfinite(s0) && s0 > 0);
}

/* Sprites anywhere, of any size, through scene_build: culled or placed, never UB. */
static void test_scene_extremes(void)
{
	uint32_t tex[4] = { 0 }, size[4], page[4] = { 0 };
	for (int i = 0; i < 4; i++)
		size[i] = 10 | 10 << 16;
	struct scene_src src = { 4, tex, size, page, 1 };
	double xy[8] = { 1e300, -1e300, NAN, 0, 0, 0, 1e-300, 1e15 };
	size_t hl[2] = { 2, 3 };
	uint32_t tint[4] = { 0xff0000ffu, 0xff00ff00u, 0xffff0000u, 0xffffffffu };
	static const double zooms[] = { 1e-300, 1, 1e300, NAN };
	static const double sprites[] = { 1e-300, 8, 1e20, 1e300, INFINITY };
	struct scene_out o = { 0 };
	struct ap_err err;
	int bad = 0;
	for (size_t z = 0; z < sizeof zooms / sizeof zooms[0]; z++)
		for (size_t k = 0; k < sizeof sprites / sizeof sprites[0]; k++) {
			struct scene_frame f = { .w = 64, .h = 48, .cam = { 0, 0, zooms[z] }, .s0 = 1e300,
						 .sprite = sprites[k], .highlight = hl, .nhighlight = 2,
						 .highlight_scale = 1e12, .tint = tint, .tint_as_frame = 1 };
			bad += scene_build(&src, xy, &f, &o, &err) != 0;
			for (size_t s = 0; s < o.nsprites; s++)
				bad += !(o.sprites[s].x1 - o.sprites[s].x0 <= (float)CAM_SPRITE_LIMIT);
		}
	CHECK_EQ_INT(bad, 0);
	scene_out_free(&o);
	/* the atlas order of a layout whose span is a denormal, or overflows */
	double tiny[6] = { 0, 0, 1e-320, 0, 5e-321, 1e-320 }, wide[6] = { -1e308, 0, 1e308, 1, 0, -1e308 };
	uint32_t cell[3], at[3];
	atlas_order(3, tiny, 0, cell, at);
	CHECK(cell[at[0]] == 0 && cell[at[1]] == 1 && cell[at[2]] == 2);
	atlas_order(3, wide, 0, cell, at);
	CHECK(cell[at[0]] == 0 && cell[at[1]] == 1 && cell[at[2]] == 2);
	/* a scale of inf: no prescaled level, no overflow */
	CHECK_EQ_INT(presc_level(INFINITY, INFINITY, 5), -1);
}

static const char *parse_err(const char *text)
{
	static struct ap_err err;
	struct zpath_keys k;
	err.msg[0] = 0;
	if (zpath_keys_parse(text, strlen(text), "p.txt", &k, &err) == 0)
		zpath_keys_free(&k);
	return err.msg;
}

static void test_keyframe_bounds(void)
{
	CHECK_STR(parse_err("0 5 5 1\n1e300 5 5 1\n"), "path 'p.txt' line 2: time '1e300' must be at most 1e6 seconds");
	CHECK_STR(parse_err("0 5 5 1\n1 5 5 1e300\n"), "path 'p.txt' line 2: zoom '1e300' must be from 1e-6 to 1e6");
	CHECK_STR(parse_err("0 5 5 1e-300\n"), "path 'p.txt' line 1: zoom '1e-300' must be from 1e-6 to 1e6");
	CHECK_STR(parse_err("0 1e300 5 1\n"), "path 'p.txt' line 1: cx '1e300' must be within 1e15 of 0");
	CHECK_STR(parse_err("0 5 -1e16 1\n"), "path 'p.txt' line 1: cy '-1e16' must be within 1e15 of 0");
	CHECK_STR(parse_err("0 1e15 -1e15 1e-6\n1e6 0 0 1e6\n"), "");
	struct zpath_keys k;
	struct ap_err err;
	const char *t = "0 5 5 1\n\n2 5 5 2\n";
	CHECK(zpath_keys_parse(t, strlen(t), "p.txt", &k, &err) == 0 && k.n == 2 && k.key[1].line == 3 &&
	      !strcmp(k.path, "p.txt"));
	zpath_keys_free(&k);
}

int main(void)
{
	test_fnum();
	test_zpath_extremes();
	test_cam_bounds();
	test_scene_extremes();
	test_keyframe_bounds();
	return t_done();
}
