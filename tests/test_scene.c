/*
 * scene tests: where a frame's sprites land (placement by the camera and the sprite
 * rule), which are culled, their order and flags, and the tile lists and batches the
 * GL pass reads. Positions are chosen so that every rectangle is exact in float.
 */
#include <math.h>
#include <stdlib.h>

#include "core/scene.h"
#include "t.h"

/* n images of iw×ih each on atlas pages page[i] (NULL: all on page 0). */
struct src_rig {
	struct scene_src src;
	uint32_t tex[16], size[16], page[16];
};

static void src_init(struct src_rig *r, size_t n, uint32_t iw, uint32_t ih, const uint32_t *page,
		     uint32_t pages_per_group)
{
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		r->tex[i] = (uint32_t)(i * 16) | (uint32_t)(i * 8) << 16;
		r->size[i] = iw | ih << 16;
		r->page[i] = page ? page[i] : 0;
	}
	r->src = (struct scene_src){ n, r->tex, r->size, r->page, pages_per_group };
}

static bool rect_is(const struct scene_sprite *s, float x0, float y0, float x1, float y1)
{
	bool ok = s->x0 == x0 && s->y0 == y0 && s->x1 == x1 && s->y1 == y1;
	if (!ok)
		fprintf(stderr, "  rect %g,%g..%g,%g, want %g,%g..%g,%g\n", s->x0, s->y0, s->x1, s->y1, x0, y0, x1,
			y1);
	return ok;
}

static void test_placement(void)
{
	struct src_rig r;
	src_init(&r, 3, 10, 10, NULL, 1);
	double xy[] = { 5, 5, 0, 0, -2.5, 1.25 };
	struct scene_frame f = { .w = 100, .h = 80, .cam = { 0, 0, 1 }, .s0 = 2, .sprite = 10, .sprites_only = 1 };
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 3);
	CHECK_EQ_INT(o.culled, 0);
	/* (x, y) -> (W/2 + (x - cx) s, H/2 - (y - cy) s), y up; the sprite centred there */
	CHECK(rect_is(&o.sprites[0], 55, 25, 65, 35));
	CHECK(rect_is(&o.sprites[1], 45, 35, 55, 45));
	CHECK(rect_is(&o.sprites[2], 40, 32.5, 50, 42.5));
	CHECK_EQ_INT(o.sprites[1].tex, 16 | 8 << 16);
	CHECK_EQ_INT(o.sprites[1].size, 10 | 10 << 16);
	CHECK_EQ_INT(o.sprites[1].tint, 0xffffffffu);
	CHECK_EQ_INT(o.sprites[1].page_flags, 0);

	/* zoom 2 about (5, 5): that point at the centre, the others twice as far (s = 4) */
	f.cam = (struct cam){ 5, 5, 2 };
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 3);
	CHECK(rect_is(&o.sprites[0], 45, 35, 55, 45));
	CHECK(rect_is(&o.sprites[1], 25, 55, 35, 65));
	CHECK(rect_is(&o.sprites[2], 15, 50, 25, 60));
	scene_out_free(&o);
}

static void test_aspect(void)
{
	struct src_rig r;
	src_init(&r, 1, 20, 10, NULL, 1);
	double xy[] = { 0, 0 };
	struct scene_frame f = { .w = 100, .h = 80, .cam = { 0, 0, 1 }, .s0 = 1, .sprite = 10, .sprites_only = 1 };
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	/* the longer side spans S, the aspect kept */
	CHECK(rect_is(&o.sprites[0], 45, 37.5, 55, 42.5));
	CHECK_NEAR(scene_scale_x(&o.sprites[0]), 2, 0);
	CHECK_NEAR(scene_scale_y(&o.sprites[0]), 2, 0);
	scene_out_free(&o);
}

static void test_culling(void)
{
	struct src_rig r;
	src_init(&r, 7, 10, 10, NULL, 1);
	/* s0 = 1, camera at the frame centre: a sprite centred at x spans [x + 45, x + 55) */
	double xy[] = {
		0, 0,        /* inside */
		50, 0,       /* [95, 105): half inside */
		55, 0,       /* [100, 110): no pixel centre inside, kept by the one pixel of slack */
		56, 0,       /* [101, 111): outside */
		-56, 0,      /* [-11, -1): outside on the left */
		NAN, 0,      /* not a place */
		0, 1e30,     /* far above */
	};
	struct scene_frame f = { .w = 100, .h = 80, .cam = { 0, 0, 1 }, .s0 = 1, .sprite = 10, .sprites_only = 1 };
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 3);
	CHECK_EQ_INT(o.culled, 4);
	CHECK(rect_is(&o.sprites[0], 45, 35, 55, 45));
	CHECK(rect_is(&o.sprites[1], 95, 35, 105, 45));
	CHECK(rect_is(&o.sprites[2], 100, 35, 110, 45));
	CHECK_EQ_INT(o.sprites[2].tex, 32 | 16 << 16);   /* image 2: kept sprites keep their images */
	scene_out_free(&o);
}

static void test_order_highlight_tint(void)
{
	struct src_rig r;
	src_init(&r, 3, 10, 10, NULL, 1);
	double xy[] = { -20, 0, 0, 0, 20, 0 };
	uint32_t tint[] = { 0xff0000ffu, 0xff00ff00u, 0xffff0000u };
	size_t hl[] = { 1 };
	struct scene_frame f = {
		.w = 100, .h = 80, .cam = { 0, 0, 1 }, .s0 = 1, .sprite = 10, .tint = tint,
		.highlight = hl, .nhighlight = 1, .highlight_scale = 3, .sprites_only = 1, .no_prescale = true,
	};
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 4);
	CHECK(o.no_prescale);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ_INT(o.sprites[i].tint, tint[i]);
		CHECK_EQ_INT(o.sprites[i].page_flags, 0);
	}
	/* the highlight comes last (on top), enlarged by the scale, outlined */
	CHECK(rect_is(&o.sprites[3], 35, 25, 65, 55));
	CHECK_EQ_INT(o.sprites[3].tint, tint[1]);
	CHECK_EQ_INT(o.sprites[3].page_flags >> 16, SCENE_OUTLINE | 2 << 8);  /* width round(30 / 16) */

	/* colour images coloured by label get a frame of the tint instead */
	f.tint_as_frame = 1;
	f.nhighlight = 0;
	f.sprite = 40;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nsprites, 3);
	CHECK_EQ_INT(o.sprites[0].page_flags >> 16, SCENE_FRAME | 3 << 8);    /* round(40 / 16) */
	scene_out_free(&o);
}

/* The sprites of tile (tx, ty) of batch b, topmost first. */
static size_t tile_list(const struct scene_out *o, size_t b, uint32_t tx, uint32_t ty, uint32_t *out)
{
	const uint32_t *off = o->offsets + o->batches[b].off;
	size_t t = (size_t)ty * o->tiles_x + tx, n = off[t + 1] - off[t];
	memcpy(out, o->index + off[t], n * sizeof *out);
	return n;
}

static void test_tiles(void)
{
	struct src_rig r;
	src_init(&r, 2, 8, 8, NULL, 1);
	/* 32×16: tiles of 8 px, 4 × 2. Sprite 0 covers [4, 12) x [4, 12), sprite 1 [10, 18) x [2, 10) */
	double xy[] = { -8, 0, -2, 2 };
	struct scene_frame f = { .w = 32, .h = 16, .cam = { 0, 0, 1 }, .s0 = 1, .sprite = 8 };
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK(rect_is(&o.sprites[0], 4, 4, 12, 12));
	CHECK(rect_is(&o.sprites[1], 10, 2, 18, 10));
	CHECK_EQ_INT(o.tiles_x, 4);
	CHECK_EQ_INT(o.tiles_y, 2);
	CHECK_EQ_INT(o.nbatches, 1);
	uint32_t l[8];
	/* with one pixel of slack: sprite 0 in tiles x 0..1, y 0..1; sprite 1 in x 1..2, y 0..1 */
	CHECK(tile_list(&o, 0, 0, 0, l) == 1 && l[0] == 0);
	CHECK(tile_list(&o, 0, 1, 0, l) == 2 && l[0] == 1 && l[1] == 0);   /* topmost first */
	CHECK(tile_list(&o, 0, 2, 1, l) == 1 && l[0] == 1);
	CHECK(tile_list(&o, 0, 3, 0, l) == 0);
	CHECK(tile_list(&o, 0, 0, 1, l) == 1 && l[0] == 0);
	scene_out_free(&o);
}

static void test_batches(void)
{
	struct src_rig r;
	uint32_t page[] = { 0, 0, 1, 1, 0 };
	src_init(&r, 5, 8, 8, page, 1);   /* one page a texture array: a batch per run of pages */
	double xy[] = { -8, 0, -4, 0, 0, 0, 4, 0, 8, 0 };
	struct scene_frame f = { .w = 32, .h = 16, .cam = { 0, 0, 1 }, .s0 = 1, .sprite = 8 };
	struct scene_out o = { 0 };
	struct ap_err err;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(o.nbatches, 3);
	CHECK(o.batches[0].first == 0 && o.batches[0].count == 2 && o.batches[0].group == 0);
	CHECK(o.batches[1].first == 2 && o.batches[1].count == 2 && o.batches[1].group == 1);
	CHECK(o.batches[2].first == 4 && o.batches[2].count == 1 && o.batches[2].group == 0);
	/* a list bound cuts batches too; a batch always takes one sprite */
	src_init(&r, 5, 8, 8, NULL, 8);
	f.max_entries = 5;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK(o.nbatches >= 2);
	size_t total = 0;
	for (size_t b = 0; b < o.nbatches; b++) {
		CHECK(o.batches[b].count >= 1);
		CHECK_EQ_INT(o.batches[b].first, total);
		total += o.batches[b].count;
	}
	CHECK_EQ_INT(total, 5);
	scene_out_free(&o);
}

/* For a renderer that places sprites itself: scene_first is the sprite scene_build puts
 * first, however many before it are culled, a highlight when every point is; the
 * instances are scene_build's records without rectangles and border widths. */
static const double *first_xy;

static void first_pos(void *user, size_t i, double xy[2])
{
	(*(int *)user)++;
	xy[0] = first_xy[2 * i];
	xy[1] = first_xy[2 * i + 1];
}

static void test_first_and_instances(void)
{
	struct src_rig r;
	src_init(&r, 4, 10, 5, NULL, 1);
	uint32_t tint[4] = { 0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00 };
	size_t hl[2] = { 3, 0 };
	/* 0 and 1 far off the frame; 2 inside */
	double xy[] = { 500, 0, -500, 0, 1, 1, 2, 2 };
	struct scene_frame f = { .w = 100, .h = 80, .cam = { 0, 0, 1 }, .s0 = 2, .sprite = 20, .tint = tint,
				 .tint_as_frame = 1, .highlight = hl, .nhighlight = 2, .sprites_only = 1 };
	struct scene_out o = { 0 };
	struct ap_err err;
	struct scene_sprite s0;
	int calls = 0;
	first_xy = xy;
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK(scene_first(&r.src, &f, first_pos, &calls, &s0));
	CHECK_EQ_INT(calls, 3);                       /* it stops at the first kept */
	CHECK(!memcmp(&s0, &o.sprites[0], sizeof s0));
	CHECK_EQ_INT(s0.page_flags >> 16, SCENE_FRAME | 1 << 8);   /* S 20: a border of 1 */
	/* all points culled: the first highlight, 3, drawn twice as large, may show */
	double far[] = { 500, 0, -500, 0, 0, 500, 32, 0 };    /* 3: [104, 124) culled, [94, 134) not */
	first_xy = far;
	calls = 0;
	CHECK(scene_build(&r.src, far, &f, &o, &err) == 0);
	CHECK(o.nsprites >= 1 && o.sprites[0].page_flags >> 16 == (SCENE_OUTLINE | 3 << 8));
	CHECK(scene_first(&r.src, &f, first_pos, &calls, &s0));
	CHECK(!memcmp(&s0, &o.sprites[0], sizeof s0));
	CHECK_EQ_INT(calls, 5);
	/* the sprites in view, and the discs and opacity scene_build gives them */
	first_xy = xy;
	f.dots = (struct scene_dots){ .below = 30, .opacity_auto = true };
	CHECK(scene_build(&r.src, xy, &f, &o, &err) == 0);
	CHECK_EQ_INT(scene_kept(&r.src, &f, first_pos, &calls), 2);
	CHECK_EQ_INT(o.nbase, 2);
	struct scene_lod lod = scene_lod_of(&f, 2);
	CHECK(o.lod.on && lod.on);
	CHECK(lod.radius == o.lod.radius && lod.dot_alpha == o.lod.dot_alpha && lod.img_alpha == o.lod.img_alpha &&
	      lod.weight == o.lod.weight && lod.opacity == o.lod.opacity);
	CHECK(scene_lod_of(&f, 100000).opacity < lod.opacity);
	f.dots = (struct scene_dots){ 0 };
	double none[] = { 500, 0, -500, 0, 0, 500, 0, -500 };
	first_xy = none;
	CHECK(!scene_first(&r.src, &f, first_pos, &calls, &s0));
	/* the instances: the points, then the highlighted ones */
	CHECK_EQ_INT(scene_inst_count(&r.src, &f), 6);
	struct scene_inst inst[6];
	scene_inst_build(&r.src, &f, inst);
	CHECK_EQ_INT(inst[1].tex, r.tex[1]);
	CHECK_EQ_INT(inst[1].size, 10 | 5 << 16);
	CHECK_EQ_INT(inst[1].tint, tint[1]);
	CHECK_EQ_INT(inst[1].page_flags, SCENE_FRAME << 16);
	CHECK_EQ_INT(inst[4].tex, r.tex[3]);
	CHECK_EQ_INT(inst[4].page_flags, SCENE_OUTLINE << 16);
	CHECK_EQ_INT(inst[5].tint, tint[0]);
	/* the borders: a sixteenth of the side, rounded, 1 to 255 */
	CHECK_EQ_INT(scene_border(8), 1);
	CHECK_EQ_INT(scene_border(24), 2);
	CHECK_EQ_INT(scene_border(23.9), 1);
	CHECK_EQ_INT(scene_border(1e6), 255);
	CHECK_NEAR(scene_highlight_side(&f), 40, 0);
	f.highlight_scale = 1e9;
	CHECK_NEAR(scene_highlight_side(&f), CAM_SPRITE_LIMIT, 0);
	f.tint = NULL;
	CHECK_EQ_INT(scene_frame_flags(&f), 0);
	scene_out_free(&o);
}

int main(void)
{
	test_placement();
	test_aspect();
	test_culling();
	test_order_highlight_tint();
	test_tiles();
	test_batches();
	test_first_and_instances();
	return t_done();
}
