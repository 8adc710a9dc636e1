/* Pure parts: camera/fit/sprite math, atlas packing, padding and mip levels, palette. */
#include <stdlib.h>
#include <string.h>

#include "core/atlas.h"
#include "core/cam.h"
#include "core/opts.h"
#include "core/pal.h"
#include "t.h"

static void test_fit(void)
{
	struct cam_box b = { 0, 0, 10, 5 };
	/* padded box 11 x 5.5; frame 220x100: min(220/11, 100/5.5) = 18.18.. */
	CHECK_NEAR(cam_fit_scale(&b, 0.05, 220, 100), 100 / 5.5, 1e-12);
	CHECK_NEAR(cam_fit_scale(&b, 0, 100, 100), 10, 1e-12);
	struct cam_box line = { 0, 3, 10, 3 };        /* zero height does not count */
	CHECK_NEAR(cam_fit_scale(&line, 0, 100, 50), 10, 1e-12);
	struct cam_box dot = { 2, 3, 2, 3 };
	CHECK_NEAR(cam_fit_scale(&dot, 0.05, 100, 50), 1, 0);
	struct cam c;
	cam_default(&b, &c);
	CHECK_NEAR(c.cx, 5, 0);
	CHECK_NEAR(c.cy, 2.5, 0);
	CHECK_NEAR(c.zoom, 1, 0);
	double xy[] = { 1, 2, -3, 7, 4, -1 };
	struct cam_box bb;
	cam_bounds(xy, 3, &bb);
	CHECK(bb.x0 == -3 && bb.x1 == 4 && bb.y0 == -1 && bb.y1 == 7);
}

static void test_screen(void)
{
	struct cam_view v = { .cam = { 10, 20, 2 }, .s0 = 3, .w = 100, .h = 50 };
	double px, py, x, y;
	cam_to_screen(&v, 11, 21, &px, &py);
	CHECK_NEAR(px, 56, 1e-12);                   /* 50 + 1*6 */
	CHECK_NEAR(py, 19, 1e-12);                   /* 25 - 1*6: y up */
	cam_to_data(&v, px, py, &x, &y);
	CHECK_NEAR(x, 11, 1e-12);
	CHECK_NEAR(y, 21, 1e-12);
}

static void test_sprite(void)
{
	struct cam_sprite sp = { .base = 8 };
	CHECK_NEAR(cam_sprite_size(&sp, 1), 8, 0);
	CHECK_NEAR(cam_sprite_size(&sp, 4), 16, 1e-12);      /* growth 0.5 by default */
	sp.growth_set = true;
	sp.growth = 0;
	CHECK_NEAR(cam_sprite_size(&sp, 4), 8, 0);
	sp.growth = 1;
	CHECK_NEAR(cam_sprite_size(&sp, 4), 32, 1e-12);
	sp.max = 20;
	CHECK_NEAR(cam_sprite_size(&sp, 4), 20, 0);
	sp.min = 6;
	CHECK_NEAR(cam_sprite_size(&sp, 0.25), 6, 0);
	CHECK_NEAR(cam_sprite_auto(1920, 1080, 70000, 28), 8, 0);
	CHECK_NEAR(cam_sprite_auto(100, 100, 4, 28), 28, 0);
	struct cam_rect r = cam_sprite_rect(50, 40, 20, 20, 10);
	CHECK(r.x0 == 40 && r.y0 == 35 && r.w == 20 && r.h == 10);
	r = cam_sprite_rect(50, 40, 20, 5, 10);
	CHECK(r.x0 == 45 && r.y0 == 30 && r.w == 10 && r.h == 20);
	r = cam_sprite_rect(50, 40, 20, 7, 7);       /* square: the whole sprite */
	CHECK(r.x0 == 40 && r.y0 == 30 && r.w == 20 && r.h == 20);
}

/* Sprite modes: the curves of core/cam.h at zooms worked out by hand. */
static void test_sprite_modes(void)
{
	struct cam_sprite pw = { .base = 8 };                  /* the zero mode: power, G 0.5 */
	CHECK_NEAR(cam_sprite_size(&pw, 4), 16, 1e-12);
	CHECK_NEAR(cam_sprite_size(&pw, 0.25), 4, 1e-12);
	struct cam_sprite as = { .mode = CAM_SPRITE_ASINH, .base = 8 };
	CHECK_NEAR(cam_sprite_size(&as, 1), 8, 0);              /* base is the size at zoom 1 */
	/* asinh(4) = ln(4 + sqrt 17) = 2.0947125472611012, asinh(1) = 0.881373587019543 */
	CHECK_NEAR(cam_sprite_size(&as, 4), 8 * 2.0947125472611012 / 0.881373587019543, 1e-12);
	CHECK_NEAR(cam_sprite_size(&as, 4), 19.013163798970567, 1e-12);
	/* asinh(1000) = 7.600902709541988: a x1000 zoom, sprites 8.6 times larger */
	CHECK_NEAR(cam_sprite_size(&as, 1000), 68.99142721301858, 1e-11);
	CHECK_NEAR(cam_sprite_size(&as, 0.5), 4, 0);            /* linear below zoom 1 */
	CHECK_NEAR(cam_sprite_size(&as, 0.05), 1, 0);           /* 0.4, raised to --sprite-min 1 */
	as.max = 12;
	CHECK_NEAR(cam_sprite_size(&as, 4), 12, 0);
	struct cam_sprite co = { .mode = CAM_SPRITE_CONSTANT, .base = 8 };
	CHECK_NEAR(cam_sprite_size(&co, 0.01), 8, 0);
	CHECK_NEAR(cam_sprite_size(&co, 1), 8, 0);
	CHECK_NEAR(cam_sprite_size(&co, 1e6), 8, 0);
	co.max = 5;
	CHECK_NEAR(cam_sprite_size(&co, 3), 5, 0);
	co.max = 0;
	co.min = 10;
	CHECK_NEAR(cam_sprite_size(&co, 3), 10, 0);
	CHECK_STR(cam_sprite_mode_names[CAM_SPRITE_POWER], "power");
	CHECK_STR(cam_sprite_mode_names[CAM_SPRITE_ASINH], "asinh");
	CHECK_STR(cam_sprite_mode_names[CAM_SPRITE_CONSTANT], "constant");
	/* only power has an exponent */
	CHECK(cam_sprite_check(&pw) == NULL);
	pw.growth_set = true;
	CHECK(cam_sprite_check(&pw) == NULL);
	CHECK(cam_sprite_check(&as) == NULL);
	as.growth_set = true;
	CHECK_STR(cam_sprite_check(&as), "only --sprite-mode power has a growth exponent, not asinh");
	co.growth_set = true;
	CHECK_STR(cam_sprite_check(&co), "only --sprite-mode power has a growth exponent, not constant");
}

/* cam_clamp(box, margin, s0, w, h, in) == want exactly, and whether it moved. */
static void check_clamp(const struct cam_box *b, double margin, int w, int h, struct cam in, struct cam want,
			int line)
{
	double s0 = cam_fit_scale(b, margin, w, h);
	struct cam out;
	bool moved = cam_clamp(b, margin, s0, w, h, &in, &out);
	bool same = in.cx == want.cx && in.cy == want.cy && in.zoom == want.zoom;
	if (out.cx == want.cx && out.cy == want.cy && out.zoom == want.zoom && moved == !same) {
		t_pass++;
	} else {
		t_fail++;
		fprintf(stderr, "FAIL %s:%d: clamp (%.17g, %.17g, %.17g) -> (%.17g, %.17g, %.17g) moved %d, want "
			"(%.17g, %.17g, %.17g) moved %d\n", __FILE__, line, in.cx, in.cy, in.zoom, out.cx, out.cy,
			out.zoom, moved, want.cx, want.cy, want.zoom, !same);
	}
}
#define CLAMP(b, m, w, h, cx, cy, z, wcx, wcy, wz) \
	check_clamp(b, m, w, h, (struct cam){ cx, cy, z }, (struct cam){ wcx, wcy, wz }, __LINE__)

static void test_clamp(void)
{
	/* box 10 x 5, margin 0, frame 200 x 100: s0 = 20 on both axes, so at zoom 1 the
	 * frame is the box and only its centre (5, 2.5) is allowed */
	struct cam_box b = { 0, 0, 10, 5 };
	CHECK_NEAR(cam_fit_scale(&b, 0, 200, 100), 20, 0);
	CLAMP(&b, 0, 200, 100, 5, 2.5, 1, 5, 2.5, 1);             /* the fit: unchanged */
	CLAMP(&b, 0, 200, 100, 5, 2.5, 0.5, 5, 2.5, 1);           /* zoomed out below the fit */
	CLAMP(&b, 0, 200, 100, 1, 1, 1e-6, 5, 2.5, 1);
	CLAMP(&b, 0, 200, 100, 50, -7, 1, 5, 2.5, 1);
	/* zoom 2: s = 40, the frame shows 5 x 2.5 units: cx in [2.5, 7.5], cy in [1.25, 3.75] */
	CLAMP(&b, 0, 200, 100, -100, 2.5, 2, 2.5, 2.5, 2);        /* panned off the left */
	CLAMP(&b, 0, 200, 100, 100, 2.5, 2, 7.5, 2.5, 2);         /* the right */
	CLAMP(&b, 0, 200, 100, 5, 100, 2, 5, 3.75, 2);            /* the top */
	CLAMP(&b, 0, 200, 100, 5, -100, 2, 5, 1.25, 2);           /* the bottom */
	CLAMP(&b, 0, 200, 100, 9, -3, 2, 7.5, 1.25, 2);           /* a corner */
	CLAMP(&b, 0, 200, 100, 7.5, 3.75, 2, 7.5, 3.75, 2);       /* on the edge: kept */
	CLAMP(&b, 0, 200, 100, 6, 3, 2, 6, 3, 2);                 /* inside: kept */
	/* zoomed in past an edge, x16: s = 320, half frame 0.3125 x 0.15625 units */
	CLAMP(&b, 0, 200, 100, 9.9, 0.1, 16, 9.6875, 0.15625, 16);

	/* margin 0.25: the padded box is 12 x 3 around (4, 1); frame 120 x 60: s0 = 10 (x
	 * binds). At zoom 1 the box is narrower than the frame in y (30 px of 60): the
	 * whole padded box stays on screen, cy in [1 - 1.5, 1 + 1.5] */
	struct cam_box n = { 0, 0, 8, 2 };
	CHECK_NEAR(cam_fit_scale(&n, 0.25, 120, 60), 10, 0);
	CLAMP(&n, 0.25, 120, 60, 4, 10, 1, 4, 2.5, 1);
	CLAMP(&n, 0.25, 120, 60, 4, -10, 1, 4, -0.5, 1);
	CLAMP(&n, 0.25, 120, 60, 9, 2, 1, 4, 2, 1);               /* x binds: centred */
	/* zoom 2: E = F in y (R = 0); zoom 4: zoomed in, cx in [-0.5, 8.5], cy in [0.25, 1.75] */
	CLAMP(&n, 0.25, 120, 60, 4, 2, 2, 4, 1, 2);
	CLAMP(&n, 0.25, 120, 60, 20, 20, 4, 8.5, 1.75, 4);
	CLAMP(&n, 0.25, 120, 60, -20, -20, 4, -0.5, 0.25, 4);
	/* continuous through E = F: near zoom 2 the allowed range is near 0 on both sides */
	struct cam lo_z = { 4, 9, 2 * (1 - 1e-9) }, hi_z = { 4, 9, 2 * (1 + 1e-9) }, o1, o2;
	cam_clamp(&n, 0.25, 10, 120, 60, &lo_z, &o1);
	cam_clamp(&n, 0.25, 10, 120, 60, &hi_z, &o2);
	CHECK_NEAR(o1.cy, 1, 1e-8);
	CHECK_NEAR(o2.cy, 1, 1e-8);

	/* a box of zero width (points on a vertical line x = 3), frame 100 x 100: s0 = 25
	 * from y alone; the line stays on the frame's centre line, cx = 3 at every zoom */
	struct cam_box v = { 3, 0, 3, 4 };
	CHECK_NEAR(cam_fit_scale(&v, 0, 100, 100), 25, 0);
	CLAMP(&v, 0, 100, 100, 10, 2, 1, 3, 2, 1);
	CLAMP(&v, 0, 100, 100, -10, 2, 1, 3, 2, 1);
	CLAMP(&v, 0, 100, 100, 3, 2, 4, 3, 2, 4);                 /* zoom 4: cy in [0.5, 3.5] */
	CLAMP(&v, 0, 100, 100, 3.5, 2, 4, 3, 2, 4);
	CLAMP(&v, 0, 100, 100, 4, 0.1, 4, 3, 0.5, 4);
	CLAMP(&v, 0, 100, 100, 4, 3.6, 4, 3, 3.5, 4);
	/* one point: s0 = 1, the point stays at the centre */
	struct cam_box dot = { 2, 3, 2, 3 };
	CLAMP(&dot, 0.05, 100, 50, 100, 3, 1, 2, 3, 1);
	CLAMP(&dot, 0.05, 100, 50, 2, -40, 1, 2, 3, 1);
	CLAMP(&dot, 0.05, 100, 50, 2, 3, 1, 2, 3, 1);
	/* a box much narrower than the frame: 10 x 1, frame 200 x 100, s0 = 20 (x binds);
	 * in y the box is 20 px of 100 at zoom 1: it must cross the centre line (R = P/2 =
	 * 0.5, cy in [0, 1]), though it would still be on screen up to 2.5 from its centre */
	struct cam_box thin = { 0, 0, 10, 1 };
	CHECK_NEAR(cam_fit_scale(&thin, 0, 200, 100), 20, 0);
	CLAMP(&thin, 0, 200, 100, 5, 10, 1, 5, 1, 1);
	CLAMP(&thin, 0, 200, 100, 5, -0.25, 1, 5, 0, 1);
	CLAMP(&thin, 0, 200, 100, 5, 0.75, 1, 5, 0.75, 1);        /* kept */
	/* zoom 4 (s = 80): the box is 80 px of 100, on screen within F/(2s) - P/2 = 0.125 of
	 * its centre, tighter than P/2: cy in [0.375, 0.625] */
	CLAMP(&thin, 0, 200, 100, 5, 0.9, 4, 5, 0.625, 4);
	CLAMP(&thin, 0, 200, 100, 5, 0.1, 4, 5, 0.375, 4);
	/* the out-of-place form: out may be in */
	struct cam c = { 100, 100, 0.5 };
	CHECK(cam_clamp(&b, 0, 20, 200, 100, &c, &c));
	CHECK(c.cx == 5 && c.cy == 2.5 && c.zoom == 1);
}

static void test_atlas_plan(void)
{
	struct ap_imgset s = { .n = 70000, .w = 28, .h = 28, .c = 1 };
	struct atlas a;
	CHECK_EQ_INT(atlas_plan(&s, 0, &a, NULL), 0);
	CHECK_EQ_INT(a.pitch, 32);
	CHECK_EQ_INT(a.levels, 6);
	CHECK_EQ_INT(a.cols, 64);
	CHECK_EQ_INT(a.rows, 64);
	CHECK_EQ_INT(a.pages, 18);                 /* ceil(70000 / 4096) */
	CHECK_EQ_INT(a.channels, 1);
	uint32_t p, x, y;
	atlas_place(&a, 4096 + 65, &p, &x, &y);
	CHECK(p == 1 && x == 32 + 2 && y == 32 + 2);
	struct ap_imgset small = { .n = 5, .w = 28, .h = 28, .c = 3 };
	CHECK_EQ_INT(atlas_plan(&small, 0, &a, NULL), 0);
	CHECK(a.page_w * a.page_h >= 5 * 32 * 32 && a.page_w <= 128 && a.page_h <= 128);
	CHECK_EQ_INT(a.pages, 1);
	CHECK_EQ_INT(a.channels, 4);
	struct ap_imgset big = { .n = 1, .w = 3000, .h = 10, .c = 1 };
	struct ap_err err;
	CHECK_EQ_INT(atlas_plan(&big, 2048, &a, &err), -1);
	CHECK_STR(err.msg, "atlas: images of 3000x10 need cells of 3008 texels, more than the page size 2048");
}

/* Cells of distinct constant colours: no mip level may mix two cells. */
static void test_atlas_no_bleed(void)
{
	struct ap_imgset s = { .n = 16, .w = 28, .h = 28, .c = 1 };
	s.pix = malloc(16 * 28 * 28);
	for (size_t i = 0; i < 16; i++)
		for (size_t k = 0; k < 28 * 28; k++)
			s.pix[i * 784 + k] = (uint8_t)(10 + 15 * i);
	struct atlas a;
	CHECK_EQ_INT(atlas_plan(&s, 128, &a, NULL), 0);
	CHECK_EQ_INT(a.page_w, 128);
	uint8_t *lv[ATLAS_MAX_LEVELS];
	lv[0] = malloc(atlas_level_bytes(&a, 0));
	atlas_build_page(&a, &s, 0, lv[0]);
	int bad = 0;
	for (uint32_t k = 0; k < a.levels; k++) {
		if (k > 0) {
			lv[k] = malloc(atlas_level_bytes(&a, k));
			atlas_downsample(&a, k - 1, lv[k - 1], lv[k]);
		}
		uint32_t w = a.page_w >> k, h = a.page_h >> k, cell = a.pitch >> k;
		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++) {
				size_t i = (size_t)(y / cell) * a.cols + x / cell;
				if (lv[k][(size_t)y * w + x] != 10 + 15 * i)
					bad++;
			}
	}
	CHECK_EQ_INT(bad, 0);
	for (uint32_t k = 0; k < a.levels; k++)
		free(lv[k]);
	free(s.pix);
}

/* Edge texels extrude to the cell border. */
static void test_atlas_extrude(void)
{
	struct ap_imgset s = { .n = 1, .w = 4, .h = 4, .c = 1 };
	uint8_t px[16];
	for (int i = 0; i < 16; i++)
		px[i] = (uint8_t)(i * 10 + 1);
	s.pix = px;
	struct atlas a;
	CHECK_EQ_INT(atlas_plan(&s, 0, &a, NULL), 0);
	uint8_t *pg = malloc(atlas_level_bytes(&a, 0));
	atlas_build_page(&a, &s, 0, pg);
	uint32_t p, x, y;
	atlas_place(&a, 0, &p, &x, &y);
	CHECK_EQ_INT(pg[y * a.page_w + x], 1);                          /* image's own texel */
	CHECK_EQ_INT(pg[(y + 3) * a.page_w + x + 3], 151);
	CHECK_EQ_INT(pg[0], 1);                                         /* cell corner: extruded */
	CHECK_EQ_INT(pg[(a.pitch - 1) * a.page_w + a.pitch - 1], 151);
	free(pg);
}

/* Coverage scales: a thin line fades under box filtering; its scale brings it back. */
/* Morton order of the points on a 4x4 grid; with chunks, each run of images keeps its run of cells. */
static void test_atlas_order(void)
{
	static const int morton[16][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 2, 0 }, { 3, 0 }, { 2, 1 }, { 3, 1 },
					   { 0, 2 }, { 1, 2 }, { 0, 3 }, { 1, 3 }, { 2, 2 }, { 3, 2 }, { 2, 3 }, { 3, 3 } };
	double xy[32];
	int rank[16];                /* image i sits at morton[rank[i]] */
	for (int i = 0; i < 16; i++) {
		rank[i] = (i * 7 + 3) % 16;
		xy[2 * i] = morton[rank[i]][0] * 2.5 - 1;
		xy[2 * i + 1] = morton[rank[i]][1] * 2.5 + 4;
	}
	uint32_t cell_of[16], image_at[16];
	atlas_order(16, xy, 0, cell_of, image_at);
	int bad = 0;
	for (int c = 0; c < 16; c++)
		bad += rank[image_at[c]] != c || cell_of[image_at[c]] != (uint32_t)c;
	CHECK_EQ_INT(bad, 0);
	atlas_order(16, xy, 5, cell_of, image_at);
	bad = 0;
	for (int c = 0; c < 16; c++) {
		uint32_t i = image_at[c];
		bad += i / 5 != (uint32_t)c / 5 || cell_of[i] != (uint32_t)c;
		/* in Morton order inside its chunk */
		if (c % 5 && c > 0)
			bad += rank[image_at[c - 1]] > rank[i];
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(image_at[15], 15);   /* the last chunk: one image */
}

/* The radix sort against the order its comment promises: Morton code, ties by index
 * (a qsort of the same keys), on points with many equal codes. */
static uint64_t spread_ref(uint32_t v)
{
	uint64_t x = 0;
	for (int b = 0; b < 16; b++)
		x |= (uint64_t)(v >> b & 1) << (2 * b);
	return x;
}

struct ref_key {
	uint64_t key;
	uint32_t i;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref_key *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key ? 1 : (x->i > y->i) - (x->i < y->i);
}

static void test_atlas_order_sort(void)
{
	enum { N = 5000 };
	static double xy[2 * N];
	static uint32_t cell_of[N], image_at[N];
	static struct ref_key ref[N];
	uint32_t r = 1;
	for (int i = 0; i < N; i++) {
		r = r * 1103515245u + 12345u;
		/* 40 distinct x and y values: codes repeat, ties decide */
		xy[2 * i] = (r >> 8) % 40 * 0.25;
		xy[2 * i + 1] = (r >> 20) % 40 * -1.5;
	}
	double x0 = 0, x1 = 39 * 0.25, y0 = 39 * -1.5, y1 = 0;
	for (int i = 0; i < N; i++) {
		uint32_t gx = (uint32_t)((xy[2 * i] - x0) * (65535 / (x1 - x0)));
		uint32_t gy = (uint32_t)((xy[2 * i + 1] - y0) * (65535 / (y1 - y0)));
		ref[i] = (struct ref_key){ spread_ref(gx) | spread_ref(gy) << 1, (uint32_t)i };
	}
	qsort(ref, N, sizeof *ref, cmp_ref);
	atlas_order(N, xy, 0, cell_of, image_at);
	int bad = 0;
	for (int c = 0; c < N; c++)
		bad += image_at[c] != ref[c].i || cell_of[ref[c].i] != (uint32_t)c;
	CHECK_EQ_INT(bad, 0);
}

/* atlas_build_cell gives each cell the bytes of its page's levels: gray and colour, an
 * atlas order, the empty cells after the last image. */
static void test_atlas_build_cell(void)
{
	for (int colour = 0; colour < 2; colour++) {
		enum { N = 11 };
		uint32_t c = colour ? 4 : 1, w = colour ? 9 : 13, h = colour ? 7 : 13;
		uint8_t *pix = malloc((size_t)N * w * h * c);
		uint32_t r = 7;
		for (size_t i = 0; i < (size_t)N * w * h * c; i++) {
			r = r * 1103515245u + 12345u;
			pix[i] = (uint8_t)(r >> 16);
		}
		struct ap_imgset s = { .n = N, .w = w, .h = h, .c = c, .pix = pix };
		struct atlas a;
		struct ap_err err;
		CHECK(atlas_plan(&s, 64, &a, &err) == 0);
		uint32_t cell_of[N], image_at[N];
		for (uint32_t i = 0; i < N; i++) {
			cell_of[i] = (i * 5 + 3) % N;
			image_at[cell_of[i]] = i;
		}
		a.cell_of = cell_of;
		a.image_at = image_at;
		uint32_t P = a.pitch, ch = a.channels;
		size_t off[ATLAS_MAX_LEVELS + 1] = { 0 };
		for (uint32_t k = 0; k < a.levels; k++)
			off[k + 1] = off[k] + (size_t)(P >> k) * (P >> k) * ch;
		uint8_t *lv[ATLAS_MAX_LEVELS], *cell = malloc(off[a.levels]);
		for (uint32_t k = 0; k < a.levels; k++)
			lv[k] = malloc(atlas_level_bytes(&a, k));
		int bad = 0, cells = 0;
		for (uint32_t p = 0; p < a.pages; p++) {
			atlas_build_page(&a, &s, p, lv[0]);
			for (uint32_t k = 1; k < a.levels; k++)
				atlas_downsample(&a, k - 1, lv[k - 1], lv[k]);
			for (uint32_t cy = 0; cy < a.rows; cy++)
				for (uint32_t cx = 0; cx < a.cols; cx++, cells++) {
					size_t at = (size_t)p * a.cols * a.rows + (size_t)cy * a.cols + cx;
					atlas_build_cell(&a, &s, at, cell, off);
					for (uint32_t k = 0; k < a.levels; k++) {
						size_t side = P >> k, stride = (size_t)(a.page_w >> k) * ch;
						for (size_t y = 0; y < side; y++)
							bad += memcmp(cell + off[k] + y * side * ch,
								      lv[k] + (cy * side + y) * stride + cx * side * ch,
								      side * ch) != 0;
					}
				}
		}
		CHECK(cells > N);            /* empty cells were compared too */
		CHECK_EQ_INT(bad, 0);
		for (uint32_t k = 0; k < a.levels; k++)
			free(lv[k]);
		free(cell);
		free(pix);
	}
}

/* The block count's 16-byte steps and masked last step against a texel at a time, for
 * widths around the step, odd strides, thresholds on and between values. */
static void test_pass_fraction_block(void)
{
	uint8_t *p = malloc(300 * 300);
	uint32_t r = 3;
	for (int i = 0; i < 300 * 300; i++) {
		r = r * 1103515245u + 12345u;
		p[i] = (uint8_t)((r >> 16) % 4 == 0 ? 0 : r >> 20);
	}
	static const double thr[] = { 0, 0.001, 0.5, 127.5 / 255, 128.0 / 255, 0.99, 1 };
	int bad = 0, checked = 0;
	for (uint32_t w = 1; w <= 290; w += w < 40 ? 1 : 23)
		for (uint32_t h = 1; h <= 290; h += h < 3 ? 1 : 67)
			for (size_t k = 0; k < sizeof thr / sizeof *thr; k++) {
				size_t stride = w + 3, pass = 0;
				if ((size_t)(h - 1) * stride + w > 300 * 300)
					continue;
				for (uint32_t y = 0; y < h; y++)
					for (uint32_t x = 0; x < w; x++)
						pass += p[y * stride + x] >= thr[k] * 255;
				struct atlas_texels t = { .p = p, .w = w, .h = h, .stride = stride, .ch = 1 };
				bad += atlas_pass_fraction(&t, thr[k]) != (double)pass / ((double)w * h);
				checked++;
			}
	CHECK(checked > 500);
	CHECK_EQ_INT(bad, 0);
	free(p);
}

/* atlas_coverage_scale's searches against a value at a time (its first form), on
 * blocks of few values and of many, with empty runs of values, and shares from none
 * to all. */
static float ref_scale(double c0, double threshold, const uint8_t *p, size_t nk)
{
	double T = threshold * 255;
	if (!(c0 > 0) || !(T > 0))
		return 1;
	uint32_t hist[256] = { 0 };
	for (size_t i = 0; i < nk; i++)
		if (p[i])
			hist[p[i]]++;
	size_t m = (size_t)(c0 * (double)nk + 0.5);
	if (m == 0)
		m = 1;
	int v = 255;
	for (size_t seen = hist[255]; seen < m && v > 0; seen += hist[--v])
		;
	int below = v - 1;
	while (below > 0 && !hist[below])
		below--;
	double mid = below < 0 ? v / 2.0 : (v + below) / 2.0;
	double alpha = mid > 0 ? T / mid : 16;
	return (float)(alpha < 1.0 / 16 ? 1.0 / 16 : alpha > 16 ? 16 : alpha);
}

static void test_coverage_search(void)
{
	uint8_t p[4096];
	uint32_t r = 11;
	int bad = 0, n = 0;
	for (int trial = 0; trial < 3000; trial++) {
		size_t nk = 1 + (size_t)(trial * 37 % 600);
		/* few distinct values, spread or bunched, many zeros */
		int spread = 1 + trial % 9, base = trial % 256;
		for (size_t i = 0; i < nk; i++) {
			r = r * 1103515245u + 12345u;
			p[i] = (r >> 16) % 3 == 0 ? 0 : (uint8_t)(base + (int)((r >> 20) % 7) * spread * (1 + trial % 5));
		}
		double c0 = (trial % 11) / 10.0, thr = 0.1 + (trial % 7) * 0.13;
		struct atlas_texels t = { .p = p, .w = (uint32_t)nk, .h = 1, .stride = nk, .ch = 1 };
		bad += atlas_coverage_scale(c0, thr, &t) != ref_scale(c0, thr, p, nk);
		n++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(n, 3000);
}

static void test_coverage(void)
{
	struct ap_imgset s = { .n = 2, .w = 28, .h = 28, .c = 1 };
	s.pix = calloc(2 * 28 * 28, 1);
	for (int y = 4; y < 24; y++)
		s.pix[y * 28 + 14] = 255;                 /* image 0: a 1-px line of 20 texels */
	struct atlas a;
	CHECK_EQ_INT(atlas_plan(&s, 0, &a, NULL), 0);
	float *tab = atlas_coverage_table(&a, &s, 0.5);
	CHECK(tab != NULL);
	CHECK(tab[0] == 1.0f);                            /* level 0: as it is */
	/* level 2 (8x8): the line is 4x4 averages of 255 and zeros, 64 at best; 20/1024 of
	 * 64 texels is one texel, so the scaled threshold falls midway between 64 and the
	 * next value present below it, 32 where the line ends halfway into a block */
	CHECK_NEAR(tab[2], 127.5 / 48, 1e-6);    /* the line's ends give 32 */
	CHECK(tab[a.levels - 1] <= 16.0f);
	for (uint32_t k = 0; k < a.levels; k++)
		CHECK(tab[a.levels + k] == 1.0f);          /* image 1 is blank: nothing to keep */
	/* the same rows in two shares, with each image's share passing at full size */
	float *two = malloc(a.n * a.levels * sizeof *two), c0[2];
	CHECK_EQ_INT(atlas_coverage_rows(&a, &s, 0.5, &(struct atlas_cov_rows){ .from = 1, .to = 2, .tab = two, .c0 = c0 }), 0);
	CHECK_EQ_INT(atlas_coverage_rows(&a, &s, 0.5, &(struct atlas_cov_rows){ .from = 0, .to = 1, .tab = two, .c0 = c0 }), 0);
	CHECK(memcmp(two, tab, a.n * a.levels * sizeof *two) == 0);
	CHECK_NEAR(c0[0], 20.0 / (28 * 28), 1e-7);
	CHECK(c0[1] == 0.0f);
	free(two);
	free(tab);
	free(s.pix);
}

/* A block of texels inside a larger one reads rows stride texels apart; the same
 * texels packed give the same share and the same scale. */
static void test_texel_block(void)
{
	uint8_t big[6 * 10] = { 0 }, packed[4 * 3];
	for (int y = 0; y < 3; y++)
		for (int x = 0; x < 4; x++)
			packed[y * 4 + x] = big[(y + 2) * 10 + x + 1] = (uint8_t)(y * 4 + x < 5 ? 200 : 40);
	struct atlas_texels in = { .p = big + 2 * 10 + 1, .w = 4, .h = 3, .stride = 10, .ch = 1 };
	struct atlas_texels alone = { .p = packed, .w = 4, .h = 3, .stride = 4, .ch = 1 };
	CHECK_NEAR(atlas_pass_fraction(&in, 0.5), 5.0 / 12, 1e-12);
	CHECK(atlas_pass_fraction(&alone, 0.5) == atlas_pass_fraction(&in, 0.5));
	CHECK(atlas_coverage_scale(0.5, 0.5, &in) == atlas_coverage_scale(0.5, 0.5, &alone));
	CHECK(atlas_coverage_scale(-1, 0.5, &in) == 1.0f);   /* nothing passed at level 0 */
	/* four bytes a texel: alpha, or the luminance when there is none */
	uint8_t rgba[2 * 4] = { 255, 255, 255, 10, 0, 0, 0, 250 };
	struct atlas_texels c = { .p = rgba, .w = 2, .h = 1, .ch = 4, .has_alpha = true };
	CHECK_NEAR(atlas_pass_fraction(&c, 0.5), 0.5, 0);
	c.has_alpha = false;
	CHECK_NEAR(atlas_pass_fraction(&c, 0.5), 0.5, 0);
}

static void test_pal_opts(void)
{
	CHECK_EQ_INT(pal_label(0, 10), PAL_RGBA(0x1f, 0x77, 0xb4, 255));
	CHECK_EQ_INT(pal_label(9, 10), PAL_RGBA(0x17, 0xbe, 0xcf, 255));
	CHECK_EQ_INT(pal_label(1, 12), PAL_RGBA(0xae, 0xc7, 0xe8, 255));
	uint32_t c;
	CHECK(pal_parse("ff8000", &c) == 0 && c == PAL_RGBA(255, 128, 0, 255));
	CHECK(pal_parse("#00000080", &c) == 0 && c == PAL_RGBA(0, 0, 0, 128));
	CHECK(pal_parse("none", &c) == 0 && c == 0);
	CHECK(pal_parse("12345", &c) == -1);
	CHECK(pal_parse("gg0000", &c) == -1);
	int w, h;
	CHECK(opts_size("1920x1080", &w, &h) == 0 && w == 1920 && h == 1080);
	CHECK(opts_size("0x10", &w, &h) == -1);
	CHECK(opts_size("10x", &w, &h) == -1);
	CHECK(opts_size("-5x10", &w, &h) == -1);
	struct cam cm;
	CHECK(opts_camera("1.5,-2,4", &cm) == 0 && cm.cx == 1.5 && cm.cy == -2 && cm.zoom == 4);
	CHECK(opts_camera("1,2,0", &cm) == -1);
	CHECK(opts_camera("1,2", &cm) == -1);
	CHECK(opts_camera("1,2,3,4", &cm) == -1);
	CHECK(opts_camera("1,nan,3", &cm) == -1);
	struct opts_highlight hl = { 0 };
	struct ap_err err;
	CHECK(opts_highlight_parse("3,17,42", &hl, &err) == 0 && hl.n == 3 && hl.index[2] == 42);
	CHECK(opts_highlight_resolve(&hl, NULL, 40, &err) == -1);
	CHECK_STR(err.msg, "--highlight: image 42 does not exist (there are 40 images)");
	opts_highlight_free(&hl);
	int32_t labels[] = { 1, 0, 1, 2 };
	CHECK(opts_highlight_parse("label=1", &hl, &err) == 0);
	CHECK(opts_highlight_resolve(&hl, labels, 4, &err) == 0 && hl.n == 2 && hl.index[0] == 0 && hl.index[1] == 2);
	opts_highlight_free(&hl);
	CHECK(opts_highlight_parse("3,x", &hl, &err) == -1);
	CHECK_STR(err.msg, "--highlight '3,x': expected image indices like 3,17,42 or label=K");
	opts_highlight_free(&hl);

	/* shot lists: lines as txt gives them (BOM, CRLF, blank lines, their numbers) */
	struct opts_cams cams = { 0 };
	static const char shots[] = "\xef\xbb\xbf# two\r\n\r\n  1 2 3\r\n\t\n4, 5, 6 # c\n";
	CHECK(opts_shots_parse(shots, sizeof shots - 1, "s.txt", &cams, &err) == 0);
	CHECK(cams.n == 2 && cams.v[1].cx == 4 && cams.v[1].zoom == 6);
	/* --camera then --shots then --camera: one list, in order */
	CHECK(opts_cams_add(&cams, &(struct cam){ 7, 8, 9 }) == 0);
	CHECK(opts_shots_parse(shots, sizeof shots - 1, "s.txt", &cams, &err) == 0);
	CHECK(cams.n == 5 && cams.v[2].cx == 7 && cams.v[3].cx == 1 && cams.v[4].zoom == 6);
	opts_cams_free(&cams);
	static const char bad[] = "1 2 3\n\n4 5 0\n";
	CHECK(opts_shots_parse(bad, sizeof bad - 1, "s.txt", &cams, &err) == -1);
	CHECK_STR(err.msg, "shots 's.txt' line 3: expected 'CX CY ZOOM' with ZOOM > 0, got '4,5,0'");
	opts_cams_free(&cams);
	static const char nul[] = "1 2 3\n4 5\0 6\n";
	CHECK(opts_shots_parse(nul, sizeof nul - 1, "s.txt", &cams, &err) == -1);
	CHECK_STR(err.msg, "shots 's.txt' line 2: NUL byte (not a text file)");
	CHECK(cams.n == 0);
	opts_cams_free(&cams);
	/* a label nobody has is an error, not an empty highlight */
	int32_t some[] = { 0, 3, 3 };
	CHECK(opts_highlight_parse("label=9", &hl, &err) == 0);
	CHECK(opts_highlight_resolve(&hl, some, 3, &err) == -1);
	CHECK_STR(err.msg, "--highlight label=9: no image has that label (labels here are 0 to 3)");
	opts_highlight_free(&hl);
}

int main(void)
{
	test_fit();
	test_screen();
	test_sprite();
	test_sprite_modes();
	test_clamp();
	test_atlas_plan();
	test_atlas_no_bleed();
	test_atlas_extrude();
	test_atlas_order();
	test_atlas_order_sort();
	test_atlas_build_cell();
	test_pass_fraction_block();
	test_coverage();
	test_coverage_search();
	test_texel_block();
	test_pal_opts();
	return t_done();
}
