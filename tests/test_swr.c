/*
 * swr tests on small synthetic data sets: exact pixels at computed places, then the
 * same scenes drawn by the GL renderer (OSMesa) and compared channel by channel.
 * The camera is set so that s0 = 1 and data (x, y) lands at pixel (x, h - y), so a
 * sprite of the image's own size centred on an integer position is an exact copy.
 */
#include <math.h>
#include <stdlib.h>

#include "core/scene.h"
#include "draw/swr/swr.h"
#include "t.h"
#ifndef AP_NO_GL   /* a NO_GL=1 build (tests/sh_nogl.sh) leaves out the GL comparison */
#include "draw/gl/glctx.h"
#include "draw/gl/render.h"
#endif

struct rig {
	struct ap_imgset s;
	struct atlas a;
	struct swr *r;
	struct scene_src src;
	struct scene_out sc;
	int w, h;
	uint8_t *px;
	struct scene_dots dots;      /* the frames' discs and opacity (zero: off) */
	bool gray;                   /* draw one byte a pixel (draw_target.gray) */
};

static uint8_t pattern(size_t i, uint32_t x, uint32_t y, uint32_t c)
{
	return (uint8_t)((i * 37 + x * 11 + y * 5 + c * 71) % 251 + 4);
}

/* n images of iw×ih×c, pixels from pattern() unless the caller fills s.pix after. */
static void rig_init(struct rig *g, size_t n, uint32_t iw, uint32_t ih, uint32_t c, int w, int h)
{
	memset(g, 0, sizeof *g);
	g->s = (struct ap_imgset){ .n = n, .w = iw, .h = ih, .c = c };
	g->s.pix = malloc(n * iw * ih * c);
	for (size_t i = 0; i < n; i++)
		for (uint32_t y = 0; y < ih; y++)
			for (uint32_t x = 0; x < iw; x++)
				for (uint32_t k = 0; k < c; k++)
					g->s.pix[((i * ih + y) * iw + x) * c + k] = pattern(i, x, y, k);
	g->w = w;
	g->h = h;
	g->px = malloc((size_t)w * h * 4);
}

/* Plan and build the atlas: after the pixels are final. */
static void rig_build(struct rig *g, int threads)
{
	struct ap_err err;
	struct swr_desc d = { .threads = threads };
	if (atlas_plan(&g->s, 0, &g->a, &err) || !(g->r = swr_new(&g->a, &g->s, &d, &err)) ||
	    scene_src_init(&g->src, &g->a, &g->s, 0, &err)) {
		fprintf(stderr, "rig: %s\n", err.msg);
		exit(1);
	}
}

static void rig_free(struct rig *g)
{
	scene_out_free(&g->sc);
	scene_src_free(&g->src);
	swr_free(g->r);
	free(g->s.pix);
	free(g->s.iw);
	free(g->s.ih);
	free(g->px);
}

static void frame_of(const struct rig *g, const double *pos, double S, const uint32_t *tint, const size_t *hl,
		     size_t nhl, double *xy, struct scene_frame *f)
{
	for (size_t i = 0; i < g->s.n; i++) {
		xy[2 * i] = pos[2 * i];
		xy[2 * i + 1] = g->h - pos[2 * i + 1];
	}
	*f = (struct scene_frame){
		.w = g->w, .h = g->h, .cam = { g->w / 2.0, g->h / 2.0, 1 }, .s0 = 1, .sprite = S,
		.tint = tint, .highlight = hl, .nhighlight = nhl, .dots = g->dots,
	};
}

/* Draw with sprites centred at pixel positions pos (n×2). */
static int rig_draw(struct rig *g, const double *pos, double S, const uint32_t *tint, const struct draw_opts *o,
		    const size_t *hl, size_t nhl)
{
	double *xy = malloc(g->s.n * 2 * sizeof *xy);
	struct scene_frame f;
	frame_of(g, pos, S, tint, hl, nhl, xy, &f);
	struct ap_err err;
	struct draw_target t = { g->w, g->h, g->px, false, g->gray };
	int rc = scene_build(&g->src, xy, &f, &g->sc, &err) || swr_frame(g->r, &g->sc, o, &t, &err);
	if (rc)
		fprintf(stderr, "draw: %s\n", err.msg);
	free(xy);
	return rc;
}

static const uint8_t *at(const struct rig *g, int x, int y)
{
	return g->px + ((size_t)y * g->w + x) * 4;
}

static bool is_rgba(const uint8_t *p, uint8_t r, uint8_t gr, uint8_t b, uint8_t a)
{
	return p[0] == r && p[1] == gr && p[2] == b && p[3] == a;
}

/* Pixels of the frame that differ from what expect() says; reports the first. */
static int count_wrong(const struct rig *g, const char *what, void (*expect)(const struct rig *, int, int, uint8_t *, void *),
		       void *arg)
{
	int wrong = 0;
	for (int y = 0; y < g->h; y++)
		for (int x = 0; x < g->w; x++) {
			uint8_t e[4];
			const uint8_t *p = at(g, x, y);
			expect(g, x, y, e, arg);
			if (memcmp(p, e, 4) && wrong++ == 0)
				fprintf(stderr, "%s: pixel (%d, %d) is %u,%u,%u,%u, expected %u,%u,%u,%u\n", what, x, y,
					p[0], p[1], p[2], p[3], e[0], e[1], e[2], e[3]);
		}
	return wrong;
}

/* ---- exact pixels ---- */

struct copies {
	const double *pos;
	uint32_t bg;
};

/* The image's own texels where a sprite covers, later sprites on top; else background. */
static void expect_copies(const struct rig *g, int x, int y, uint8_t *e, void *arg)
{
	const struct copies *c = arg;
	uint32_t bg = c->bg;
	uint8_t a = (uint8_t)(bg >> 24);
	e[0] = a ? (uint8_t)bg : 0;
	e[1] = a ? (uint8_t)(bg >> 8) : 0;
	e[2] = a ? (uint8_t)(bg >> 16) : 0;
	e[3] = a;
	for (size_t i = 0; i < g->s.n; i++) {
		int x0 = (int)c->pos[2 * i] - (int)g->s.w / 2, y0 = (int)c->pos[2 * i + 1] - (int)g->s.h / 2;
		if (x < x0 || y < y0 || x >= x0 + (int)g->s.w || y >= y0 + (int)g->s.h)
			continue;
		const uint8_t *src = imgset_pixels(&g->s, i) + ((size_t)(y - y0) * g->s.w + (size_t)(x - x0)) * g->s.c;
		for (int k = 0; k < 3; k++)
			e[k] = src[g->s.c == 1 ? 0 : k];
		e[3] = 255;
	}
}

static void test_native_copy(void)
{
	static const uint32_t chans[] = { 1, 3, 4 };
	for (int t = 0; t < 3; t++) {
		struct rig g;
		rig_init(&g, 3, 28, 28, chans[t], 120, 80);
		rig_build(&g, t + 1);
		double pos[] = { 20, 20, 60, 40, 95, 55 };
		struct copies c = { pos, 0xff000000u };
		struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = c.bg };
		CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
		CHECK_EQ_INT(count_wrong(&g, "native opaque", expect_copies, &c), 0);
		/* the first image row at the top */
		CHECK(at(&g, 6, 6)[0] == pattern(0, 0, 0, 0));
		CHECK(at(&g, 6, 33)[0] == pattern(0, 0, 27, 0));
		/* discard with threshold 0 draws every texel */
		o = (struct draw_opts){ .alpha = DRAW_DISCARD, .threshold_set = 1, .background = c.bg };
		CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
		CHECK_EQ_INT(count_wrong(&g, "native discard", expect_copies, &c), 0);
		rig_free(&g);
	}
}

static void test_edges(void)
{
	struct rig g;
	rig_init(&g, 4, 28, 28, 1, 100, 70);
	rig_build(&g, 2);
	/* cut by the left, right, top and bottom edge */
	double pos[] = { 3, 35, 97, 30, 50, 2, 40, 68 };
	struct copies c = { pos, 0xff302010u };
	struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = c.bg };
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(count_wrong(&g, "edges", expect_copies, &c), 0);
	CHECK_EQ_INT(g.sc.culled, 0);
	rig_free(&g);
}

static void test_threshold(void)
{
	struct rig g;
	rig_init(&g, 1, 28, 28, 1, 40, 40);
	for (uint32_t y = 0; y < 28; y++)
		for (uint32_t x = 0; x < 28; x++)
			g.s.pix[y * 28 + x] = x < 14 ? 127 : 128;
	rig_build(&g, 1);
	double pos[] = { 20, 20 };
	struct draw_opts o = { .alpha = DRAW_DISCARD, .background = 0xff302010u };
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 6, 6), 0x10, 0x20, 0x30, 255));     /* 127 < 0.5: background */
	CHECK(is_rgba(at(&g, 19, 20), 0x10, 0x20, 0x30, 255));
	CHECK(is_rgba(at(&g, 20, 20), 128, 128, 128, 255));     /* 128 >= 0.5: drawn */
	CHECK(is_rgba(at(&g, 33, 33), 128, 128, 128, 255));
	o.threshold_set = 1;
	o.threshold = 128 / 255.0;
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 19, 20), 0x10, 0x20, 0x30, 255));
	CHECK(is_rgba(at(&g, 20, 20), 128, 128, 128, 255));
	o.threshold = 0.51;
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 20), 0x10, 0x20, 0x30, 255));
	rig_free(&g);
}

/* The shader's arithmetic for one gray texel v over bg, in double. */
static void blend_one(uint8_t v, uint32_t tint, uint32_t bg, uint8_t *e)
{
	double a = v / 255.0, ta = (tint >> 24) / 255.0, ba = (bg >> 24) / 255.0, acc[4];
	for (int k = 0; k < 3; k++)
		acc[k] = (tint >> 8 * k & 255) / 255.0 * a * ta + (1 - a * ta) * (bg >> 8 * k & 255) / 255.0 * ba;
	acc[3] = a * ta + (1 - a * ta) * ba;
	if (acc[3] < 0.5 / 255) {           /* stored as transparent black */
		memset(e, 0, 4);
		return;
	}
	for (int k = 0; k < 3; k++)
		e[k] = (uint8_t)floor((acc[3] > 0 && acc[3] < 1 ? acc[k] / acc[3] : acc[k]) * 255 + 0.5);
	e[3] = (uint8_t)floor(acc[3] * 255 + 0.5);
}

static void test_blend(void)
{
	static const uint8_t vals[] = { 0, 1, 37, 64, 100, 128, 200, 254, 255 };
	static const uint32_t bgs[] = { 0xff1e140au, 0x00000000u, 0x80406080u };
	static const uint32_t tints[] = { 0xffffffffu, 0xff0080ffu, 0x80ffffffu, 0x4020c060u };
	struct rig g;
	rig_init(&g, 1, 9, 1, 1, 20, 10);
	memcpy(g.s.pix, vals, sizeof vals);
	rig_build(&g, 1);
	/* a 9×1 image at native size: x0 = 10.5 - 4.5, y0 = 5.5 - 0.5 */
	double pos[] = { 10.5, 5.5 };
	int wrong = 0;
	for (int b = 0; b < 3; b++)
		for (int t = 0; t < 4; t++) {
			struct draw_opts o = { .alpha = DRAW_BLEND, .background = bgs[b] };
			CHECK(rig_draw(&g, pos, 9, &tints[t], &o, NULL, 0) == 0);
			for (int i = 0; i < 9; i++) {
				uint8_t e[4];
				const uint8_t *p = at(&g, 6 + i, 5);
				blend_one(vals[i], tints[t], bgs[b], e);
				if (memcmp(p, e, 4) && wrong++ == 0)
					fprintf(stderr, "blend v=%u tint %08x bg %08x: %u,%u,%u,%u, expected %u,%u,%u,%u\n",
						vals[i], tints[t], bgs[b], p[0], p[1], p[2], p[3], e[0], e[1], e[2], e[3]);
			}
			uint8_t e[4];
			blend_one(0, 0, bgs[b], e);
			CHECK(memcmp(at(&g, 2, 2), e, 4) == 0);  /* background alone */
		}
	CHECK_EQ_INT(wrong, 0);
	rig_free(&g);
}

static void test_opaque_tint_none(void)
{
	struct rig g;
	rig_init(&g, 2, 28, 28, 1, 80, 40);
	memset(g.s.pix, 0, 28 * 28);           /* image 0: black */
	rig_build(&g, 2);
	double pos[] = { 20, 20, 60, 20 };
	struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = 0 };
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 20), 0, 0, 0, 255));     /* black texels drawn */
	CHECK(is_rgba(at(&g, 2, 2), 0, 0, 0, 0));         /* background 'none' */
	CHECK(is_rgba(at(&g, 40, 20), 0, 0, 0, 0));
	o.alpha = DRAW_DISCARD;
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 20), 0, 0, 0, 0));       /* discarded */
	/* tints: value × tint / 255, rounded; no ties can occur */
	uint32_t tint[2] = { 0xff00ff00u, 0xff0080ffu };
	o.alpha = DRAW_OPAQUE;
	CHECK(rig_draw(&g, pos, 28, tint, &o, NULL, 0) == 0);
	int wrong = 0;
	for (uint32_t y = 0; y < 28; y++)
		for (uint32_t x = 0; x < 28; x++) {
			uint32_t v = pattern(1, x, y, 0);
			const uint8_t *p = at(&g, 46 + (int)x, 6 + (int)y);
			wrong += !is_rgba(p, (uint8_t)((v * 255 * 2 + 255) / 510), (uint8_t)((v * 128 * 2 + 255) / 510), 0, 255);
		}
	CHECK_EQ_INT(wrong, 0);
	CHECK(is_rgba(at(&g, 20, 20), 0, 0, 0, 255));
	rig_free(&g);
}

static void test_order_cull(void)
{
	struct rig g;
	rig_init(&g, 3, 28, 28, 1, 80, 50);
	memset(g.s.pix, 50, 28 * 28);
	memset(g.s.pix + 28 * 28, 200, 28 * 28);
	rig_build(&g, 2);
	double pos[] = { 30, 25, 40, 25, -100, 25 };
	struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = 0xff000000u };
	CHECK(rig_draw(&g, pos, 28, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 25), 50, 50, 50, 255));
	CHECK(is_rgba(at(&g, 35, 25), 200, 200, 200, 255));  /* the later image on top */
	CHECK(is_rgba(at(&g, 60, 25), 0, 0, 0, 255));
	CHECK_EQ_INT(g.sc.culled, 1);                         /* image 2 is off the frame */
	/* a highlighted sprite comes last: on top */
	size_t hl = 0;
	CHECK(rig_draw(&g, pos, 14, NULL, &o, &hl, 1) == 0);
	CHECK(at(&g, 35, 25)[0] != 200);
	/* nothing visible: all background */
	double away[] = { -50, 25, 200, 25, 40, -60 };
	CHECK(rig_draw(&g, away, 28, NULL, &o, NULL, 0) == 0);
	int bg = 0;
	for (int y = 0; y < g.h; y++)
		for (int x = 0; x < g.w; x++)
			bg += is_rgba(at(&g, x, y), 0, 0, 0, 255);
	CHECK_EQ_INT(bg, g.w * g.h);
	rig_free(&g);
}

static void test_outline(void)
{
	struct rig g;
	rig_init(&g, 1, 28, 28, 1, 100, 100);
	memset(g.s.pix, 100, 28 * 28);
	rig_build(&g, 2);
	double pos[] = { 50, 50 };
	size_t hl = 0;
	/* S = 28: the highlight is 56 px with an outline of floor(56 / 16 + 0.5) = 4 */
	struct draw_opts o = { .alpha = DRAW_DISCARD, .threshold_set = 1, .background = 0xff000000u };
	for (int pass = 0; pass < 2; pass++) {
		CHECK(rig_draw(&g, pos, 28, NULL, &o, &hl, 1) == 0);
		uint8_t ol = pass == 0 ? 255 : 0;    /* default: white on dark, black on light */
		int ring = 0, inner = 0, outside = 0;
		for (int y = 0; y < g.h; y++)
			for (int x = 0; x < g.w; x++) {
				const uint8_t *p = at(&g, x, y);
				bool in = x >= 22 && x < 78 && y >= 22 && y < 78;
				bool core = x >= 26 && x < 74 && y >= 26 && y < 74;
				if (!in)
					outside += p[0] == (uint8_t)o.background;
				else if (!core)
					ring += is_rgba(p, ol, ol, ol, 255);
				else
					inner += is_rgba(p, 100, 100, 100, 255);
			}
		CHECK_EQ_INT(ring, 56 * 56 - 48 * 48);
		CHECK_EQ_INT(inner, 48 * 48);
		CHECK_EQ_INT(outside, 100 * 100 - 56 * 56);
		o.background = 0xffe0e0e0u;
	}
	o.outline = 0xff0000ffu;
	CHECK(rig_draw(&g, pos, 28, NULL, &o, &hl, 1) == 0);
	CHECK(is_rgba(at(&g, 22, 50), 255, 0, 0, 255));
	CHECK(is_rgba(at(&g, 25, 50), 255, 0, 0, 255));
	CHECK(is_rgba(at(&g, 26, 50), 100, 100, 100, 255));
	rig_free(&g);
}

/* Deterministic uniform in [0, 1) (xorshift64*). */
static double rnd(uint64_t *s)
{
	*s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* One thread or five: the same bytes (5000 sprites: binning runs in chunks too). */
static void test_threads(void)
{
	enum { N = 5000, W = 200, H = 150 };
	struct rig g;
	rig_init(&g, N, 12, 12, 1, W, H);
	rig_build(&g, 1);
	double *pos = malloc(N * 2 * sizeof *pos);
	uint64_t seed = 7;
	for (int i = 0; i < N; i++) {
		pos[2 * i] = rnd(&seed) * (W + 20) - 10;
		pos[2 * i + 1] = rnd(&seed) * (H + 20) - 10;
	}
	struct ap_err err;
	struct swr *one = g.r, *five = swr_new(&g.a, &g.s, &(struct swr_desc){ .threads = 5 }, &err);
	CHECK_EQ_INT(swr_threads(five), 5);
	uint8_t *ref = malloc((size_t)W * H * 4);
	for (int m = 0; m < 3; m++) {
		struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = 0xff102030u };
		g.r = one;
		CHECK(rig_draw(&g, pos, 5.3 + m * 3, NULL, &o, NULL, 0) == 0);
		memcpy(ref, g.px, (size_t)W * H * 4);
		g.r = five;
		CHECK(rig_draw(&g, pos, 5.3 + m * 3, NULL, &o, NULL, 0) == 0);
		CHECK(memcmp(ref, g.px, (size_t)W * H * 4) == 0);
	}
	/* discs, and images cross-faded into them */
	uint32_t *col = malloc(N * sizeof *col);
	for (int i = 0; i < N; i++)
		col[i] = 0xff000000u | (uint32_t)(rnd(&seed) * 0xffffff);
	CHECK(swr_dots(one, col, &err) == 0 && swr_dots(five, col, &err) == 0);
	for (int k = 0; k < 2; k++) {
		struct draw_opts o = { .alpha = DRAW_BLEND, .background = 0xff102030u };
		g.dots = (struct scene_dots){ .below = k ? 5 : 20, .fade = 2, .opacity_auto = true, .image_opacity = true };
		g.r = one;
		CHECK(rig_draw(&g, pos, 7.5, NULL, &o, NULL, 0) == 0);
		memcpy(ref, g.px, (size_t)W * H * 4);
		g.r = five;
		CHECK(rig_draw(&g, pos, 7.5, NULL, &o, NULL, 0) == 0);
		CHECK(memcmp(ref, g.px, (size_t)W * H * 4) == 0);
	}
	g.dots = (struct scene_dots){ 0 };
	free(col);
	g.r = one;
	swr_free(five);
	free(ref);
	free(pos);
	rig_free(&g);
}

/* Coverage-scaled discard: the per-cell thresholds remembered across frames give the
 * bytes a fresh renderer gives, as the scale, the threshold and a highlight change. */
static void test_coverage_memo(void)
{
	enum { N = 300, W = 160, H = 120 };
	struct rig g;
	rig_init(&g, N, 24, 24, 1, W, H);
	for (size_t i = 0; i < N * 24 * 24; i++)       /* strokes on black, as digits */
		g.s.pix[i] = g.s.pix[i] > 150 ? g.s.pix[i] : 0;
	rig_build(&g, 2);
	struct ap_err err;
	CHECK(swr_coverage(g.r, DRAW_DEFAULT_THRESHOLD, &err) == 0);
	double *pos = malloc(N * 2 * sizeof *pos);
	uint64_t seed = 11;
	for (int i = 0; i < N; i++) {
		pos[2 * i] = rnd(&seed) * (W + 10) - 5;
		pos[2 * i + 1] = rnd(&seed) * (H + 10) - 5;
	}
	static const struct { double S, thr; size_t hl; } steps[] = {
		{ 7.7, 0.5, N }, { 7.7, 0.5, N }, { 11.3, 0.5, N }, { 7.7, 0.5, 3 }, { 7.7, 0.3, N }, { 4.2, 0.3, 7 },
	};
	uint8_t *ref = malloc((size_t)W * H * 4);
	struct swr *kept = g.r;
	for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
		struct draw_opts o = { .alpha = DRAW_DISCARD, .background = 0xff000000u, .threshold_set = true,
					 .threshold = steps[k].thr };
		size_t hl = steps[k].hl;
		g.r = kept;
		CHECK(rig_draw(&g, pos, steps[k].S, NULL, &o, hl < N ? &hl : NULL, hl < N) == 0);
		memcpy(ref, g.px, (size_t)W * H * 4);
		struct swr *fresh = swr_new(&g.a, &g.s, &(struct swr_desc){ .threads = 2 }, &err);
		CHECK(fresh && swr_coverage(fresh, DRAW_DEFAULT_THRESHOLD, &err) == 0);
		g.r = fresh;
		CHECK(rig_draw(&g, pos, steps[k].S, NULL, &o, hl < N ? &hl : NULL, hl < N) == 0);
		CHECK(memcmp(ref, g.px, (size_t)W * H * 4) == 0);
		swr_free(fresh);
	}
	g.r = kept;
	free(ref);
	free(pos);
	rig_free(&g);
}

/* Minified sprites sharing a scale are drawn from prescaled images: at scale 2 on
 * integer corners each pixel is exactly a level-1 texel, the rounded mean of a 2×2
 * block of the image; off the grid, the same images bilinearly at one offset. */
static void test_prescaled(void)
{
	enum { N = 6, W = 64, H = 40 };
	struct rig g;
	rig_init(&g, N, 16, 16, 1, W, H);
	rig_build(&g, 2);
	double pos[2 * N];
	for (int i = 0; i < N; i++) {
		pos[2 * i] = 6 + 10 * i;      /* 8 px sprites from x = 2 + 10 i */
		pos[2 * i + 1] = 20;
	}
	struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = 0xff000000u };
	CHECK(rig_draw(&g, pos, 8, NULL, &o, NULL, 0) == 0);
	int bad = 0;
	for (int i = 0; i < N; i++)
		for (int y = 0; y < 8; y++)
			for (int x = 0; x < 8; x++) {
				int sum = 2;
				for (int k = 0; k < 4; k++)
					sum += pattern((size_t)i, (uint32_t)(2 * x + k % 2), (uint32_t)(2 * y + k / 2), 0);
				uint8_t v = (uint8_t)(sum / 4);
				bad += !is_rgba(at(&g, 2 + 10 * i + x, 16 + y), v, v, v, 255);
			}
	CHECK_EQ_INT(bad, 0);
	/* half a pixel right and up: sprites cover x 2.5..10.5, y 15.5..23.5, each pixel the
	 * mean of four neighbouring texels, edges repeated */
	for (int i = 0; i < N; i++) {
		pos[2 * i] += 0.5;
		pos[2 * i + 1] -= 0.5;    /* frame_of flips y */
	}
	CHECK(rig_draw(&g, pos, 8, NULL, &o, NULL, 0) == 0);
	bad = 0;
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++) {
			/* pixel (x, y) of sprite 0 sits between texels x - 1, x and y - 1, y */
			int t[2][2];
			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++) {
					int tx = x - 1 + dx < 0 ? 0 : x - 1 + dx, ty = y - 1 + dy < 0 ? 0 : y - 1 + dy, sum = 2;
					for (int k = 0; k < 4; k++)
						sum += pattern(0, (uint32_t)(2 * tx + k % 2), (uint32_t)(2 * ty + k / 2), 0);
					t[dy][dx] = sum / 4;
				}
			/* 8-bit weights of 128: rows rounded to 8 bits, then mixed in 8.8 */
			int top = (t[0][0] * 128 + t[0][1] * 128 + 128) >> 8, bot = (t[1][0] * 128 + t[1][1] * 128 + 128) >> 8;
			int v = (top * 128 + bot * 128 + 128) >> 8;
			bad += !is_rgba(at(&g, 2 + x, 15 + y), (uint8_t)v, (uint8_t)v, (uint8_t)v, 255);
		}
	CHECK_EQ_INT(bad, 0);
	rig_free(&g);
}

/* ---- discs ---- */

/* Every image's disc in colour c. */
static void rig_dots(struct rig *g, uint32_t c)
{
	uint32_t *col = malloc(g->s.n * sizeof *col);
	struct ap_err err;
	for (size_t i = 0; i < g->s.n; i++)
		col[i] = c;
	CHECK(swr_dots(g->r, col, &err) == 0);
	free(col);
}

/* The rule of draw/dopts.h, written out: a disc of side S centred at (cx, cy) in colour
 * col (opaque) with share a, plus the image's source img (premultiplied, NULL: none), over
 * an opaque background bg, stored. The distance in float, as the rule says. */
static void expect_disc(int x, int y, double cx, double cy, double S, uint32_t col, double a, const double *img,
			uint32_t bg, uint8_t *e)
{
	float dx = (float)x + 0.5f - (float)cx, dy = (float)y + 0.5f - (float)cy;
	float cov = (float)(S / 2) + 0.5f - sqrtf(dx * dx + dy * dy);
	double c = cov < 0 ? 0 : cov > 1 ? 1 : cov, src[4];
	for (int k = 0; k < 4; k++)
		src[k] = (k < 3 ? (col >> 8 * k & 255) / 255.0 : 1.0) * c * a + (img ? img[k] : 0);
	for (int k = 0; k < 3; k++)
		e[k] = (uint8_t)floor((src[k] + (1 - src[3]) * (bg >> 8 * k & 255) / 255.0) * 255 + 0.5);
	e[3] = 255;
}

struct disc_case {
	double cx, cy, S;
	uint32_t col, bg;
	double a;
};

static void expect_disc_px(const struct rig *g, int x, int y, uint8_t *e, void *arg)
{
	(void)g;
	const struct disc_case *d = arg;
	expect_disc(x, y, d->cx, d->cy, d->S, d->col, d->a, NULL, d->bg, e);
}

/* A disc of side S at an integer centre and at a half-integer one: every pixel of the
 * frame as the rule computes it, whatever the alpha mode, the image or its size. */
static void test_disc_pixels(void)
{
	static const struct { double cx, cy, S; } cases[] = {
		{ 20, 20, 9 }, { 20, 20, 10 }, { 20.5, 15.5, 9 }, { 20.5, 15.5, 6 }, { 17.25, 21.75, 7.5 }, { 20, 20, 1 },
		{ 2, 38, 12 },
	};
	struct rig g;
	rig_init(&g, 1, 28, 28, 1, 40, 40);
	rig_build(&g, 2);
	rig_dots(&g, 0xff2080c0u);
	g.dots = (struct scene_dots){ .below = 100, .fade = 2 };
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
		for (int m = 0; m < 3; m++) {
			double pos[] = { cases[k].cx, cases[k].cy };
			struct disc_case d = { cases[k].cx, cases[k].cy, cases[k].S, 0xff2080c0u, 0xff102030u, 1 };
			struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = d.bg };
			CHECK(rig_draw(&g, pos, d.S, NULL, &o, NULL, 0) == 0);
			char what[64];
			snprintf(what, sizeof what, "disc S=%g at %g,%g, alpha %d", d.S, d.cx, d.cy, m);
			CHECK_EQ_INT(count_wrong(&g, what, expect_disc_px, &d), 0);
		}
	/* at a half-integer centre the distances to pixel centres are whole: S = 6 gives
	 * coverage 1/2 at distance 3, 1 at 2.5 (the pixel beside), 0 at 3.5 */
	double pos[] = { 20.5, 15.5 };
	struct draw_opts o = { .alpha = DRAW_DISCARD, .background = 0xff000000u };
	rig_dots(&g, 0xffffffffu);
	CHECK(rig_draw(&g, pos, 6, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 15), 255, 255, 255, 255));
	CHECK(is_rgba(at(&g, 23, 15), 128, 128, 128, 255));   /* 0.5 × 255 = 127.5, rounded up */
	CHECK(is_rgba(at(&g, 17, 15), 128, 128, 128, 255));
	CHECK(is_rgba(at(&g, 20, 12), 128, 128, 128, 255));
	CHECK(is_rgba(at(&g, 24, 15), 0, 0, 0, 255));
	CHECK(is_rgba(at(&g, 22, 15), 255, 255, 255, 255));
	/* a transparent background: straight alpha, the disc's colour at its coverage */
	o.background = 0;
	CHECK(rig_draw(&g, pos, 6, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 23, 15), 255, 255, 255, 128));
	CHECK(is_rgba(at(&g, 24, 15), 0, 0, 0, 0));
	/* opacity: the disc's share times it */
	g.dots.opacity = 0.5;
	o.background = 0xff000000u;
	CHECK(rig_draw(&g, pos, 6, NULL, &o, NULL, 0) == 0);
	CHECK(is_rgba(at(&g, 20, 15), 128, 128, 128, 255));
	CHECK(is_rgba(at(&g, 23, 15), 64, 64, 64, 255));       /* 0.25 × 255 = 63.75 */
	rig_free(&g);
}

/* The cross-fade band: at S = below the disc alone, at fade × below the image alone (the
 * very bytes of a frame without discs), at below × sqrt(fade) half of each, one "over"
 * of their sum. */
static void test_fade_band(void)
{
	struct rig g;
	rig_init(&g, 2, 16, 16, 1, 64, 40);
	memset(g.s.pix, 200, 16 * 16);
	for (size_t i = 16 * 16; i < 2 * 16 * 16; i++)
		g.s.pix[i] = i % 3 ? 30 : 240;      /* image 1: strokes and gaps */
	rig_build(&g, 2);
	rig_dots(&g, 0xff2080c0u);
	uint8_t *plain = malloc((size_t)g.w * g.h * 4);
	double pos[] = { 16, 20, 44, 20 };
	for (int m = 0; m < 3; m++) {
		struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = 0xff102030u };
		/* below 4, fade 4: discs up to 4, images from 16, half and half at 8 */
		g.dots = (struct scene_dots){ 0 };
		CHECK(rig_draw(&g, pos, 16, NULL, &o, NULL, 0) == 0);
		memcpy(plain, g.px, (size_t)g.w * g.h * 4);
		g.dots = (struct scene_dots){ .below = 4, .fade = 4 };
		CHECK(rig_draw(&g, pos, 16, NULL, &o, NULL, 0) == 0);
		CHECK(memcmp(plain, g.px, (size_t)g.w * g.h * 4) == 0);
		CHECK(!g.sc.lod.on);
		CHECK(g.sc.lod.weight == 0);
		g.dots.below = 16;
		CHECK(rig_draw(&g, pos, 16, NULL, &o, NULL, 0) == 0);
		CHECK(g.sc.lod.weight == 1);
		struct disc_case d = { 16, 20, 16, 0xff2080c0u, o.background, 1 };
		int wrong = 0;
		for (int y = 0; y < g.h; y++)
			for (int x = 0; x < 30; x++) {
				uint8_t e[4];
				expect_disc_px(&g, x, y, e, &d);
				wrong += memcmp(at(&g, x, y), e, 4) != 0;
			}
		CHECK_EQ_INT(wrong, 0);
		/* the middle: S = 16 with below 8, fade 4 */
		g.dots = (struct scene_dots){ .below = 8, .fade = 4 };
		CHECK(rig_draw(&g, pos, 16, NULL, &o, NULL, 0) == 0);
		CHECK(g.sc.lod.weight == 0.5);
		wrong = 0;
		for (int y = 0; y < g.h; y++)
			for (int x = 0; x < 30; x++) {
				/* image 0 is 200 everywhere: drawn by every mode; in blend, white at
				 * alpha 200/255 (gray blends its tint by its value) */
				bool in = x >= 8 && x < 24 && y >= 12 && y < 28;
				double v = 200 / 255.0, al = m == DRAW_BLEND ? v : 1, rgb = m == DRAW_BLEND ? al : v;
				double img[4] = { rgb * 0.5, rgb * 0.5, rgb * 0.5, al * 0.5 };
				uint8_t e[4];
				expect_disc(x, y, 16, 20, 16, 0xff2080c0u, 0.5, in ? img : NULL, o.background, e);
				if (memcmp(at(&g, x, y), e, 4) && wrong++ == 0)
					fprintf(stderr, "fade alpha %d: (%d, %d) is %u,%u,%u, expected %u,%u,%u\n", m, x, y,
						at(&g, x, y)[0], at(&g, x, y)[1], at(&g, x, y)[2], e[0], e[1], e[2]);
			}
		CHECK_EQ_INT(wrong, 0);
		/* image 1 in discard mode: its dropped texels show the disc's half alone */
		if (m == DRAW_DISCARD) {
			/* texel (x, y) of image 1 is i = 256 + 16 y + x: 240 (kept) when i % 3 == 0 */
			int px = 44 - 8 + 1, py = 20 - 8 + 2, i = 256 + 16 * 2 + 1;
			uint8_t e[4];
			double v = 240 / 255.0, img[4] = { v * 0.5, v * 0.5, v * 0.5, 0.5 };
			expect_disc(px, py, 44, 20, 16, 0xff2080c0u, 0.5, i % 3 ? NULL : img, o.background, e);
			CHECK(memcmp(at(&g, px, py), e, 4) == 0);
			expect_disc(px + 1, py, 44, 20, 16, 0xff2080c0u, 0.5, (i + 1) % 3 ? NULL : img, o.background, e);
			CHECK(memcmp(at(&g, px + 1, py), e, 4) == 0);
		}
	}
	free(plain);
	rig_free(&g);
}

/* Highlights are drawn as images, outlined, over discs; the frame's opacity leaves them. */
static void test_disc_highlight(void)
{
	struct rig g;
	rig_init(&g, 2, 16, 16, 1, 64, 40);
	memset(g.s.pix, 100, 2 * 16 * 16);
	rig_build(&g, 2);
	rig_dots(&g, 0xff0000ffu);
	g.dots = (struct scene_dots){ .below = 10, .opacity = 0.5 };
	double pos[] = { 16, 20, 44, 20 };
	size_t hl = 1;
	struct draw_opts o = { .alpha = DRAW_DISCARD, .threshold_set = true, .background = 0xff000000u };
	CHECK(rig_draw(&g, pos, 8, NULL, &o, &hl, 1) == 0);
	CHECK_EQ_INT(g.sc.nbase, 2);
	CHECK_EQ_INT(g.sc.nsprites, 3);
	CHECK(g.sc.sprites[0].page_flags >> 16 & SCENE_DOT);
	CHECK(!(g.sc.sprites[2].page_flags >> 16 & SCENE_DOT));
	CHECK(is_rgba(at(&g, 16, 20), 128, 0, 0, 255));          /* a red disc at half */
	/* the highlight: 16 px, outline floor(16 / 16 + 0.5) = 1, the image inside */
	CHECK(is_rgba(at(&g, 36, 12), 255, 255, 255, 255));
	CHECK(is_rgba(at(&g, 44, 20), 100, 100, 100, 255));
	rig_free(&g);
}

/* The portable gather gives the same bytes as the shuffled one, on every path. */
static void test_portable_gather(void)
{
	static const struct { enum draw_alpha alpha; double S; } cases[] = {
		{ DRAW_BLEND, 11.3 }, { DRAW_DISCARD, 7.7 }, { DRAW_OPAQUE, 19.5 }, { DRAW_DISCARD, 40 },
	};
	static const uint32_t chans[] = { 1, 3, 4 };
	for (int k = 0; k < 3; k++) {
		struct rig g;
		rig_init(&g, 200, 24, 24, chans[k], 160, 120);
		rig_build(&g, 2);
		double *pos = malloc(200 * 2 * sizeof *pos);
		uint64_t seed = 5 + (uint64_t)k;
		for (int i = 0; i < 200; i++) {
			pos[2 * i] = rnd(&seed) * 180 - 10;
			pos[2 * i + 1] = rnd(&seed) * 140 - 10;
		}
		uint8_t *one = malloc((size_t)160 * 120 * 4);
		struct ap_err err;
		struct swr_desc portable = { .threads = 2, .portable_gather = true };
		struct swr *plain = swr_new(&g.a, &g.s, &portable, &err), *fast = g.r;
		for (int c = 0; c < 4; c++) {
			struct draw_opts o = { .alpha = cases[c].alpha, .background = 0xff102030u };
			g.r = fast;
			CHECK(rig_draw(&g, pos, cases[c].S, NULL, &o, NULL, 0) == 0);
			memcpy(one, g.px, (size_t)160 * 120 * 4);
			g.r = plain;
			CHECK(rig_draw(&g, pos, cases[c].S, NULL, &o, NULL, 0) == 0);
			CHECK(memcmp(one, g.px, (size_t)160 * 120 * 4) == 0);
		}
		g.r = fast;
		swr_free(plain);
		free(one);
		free(pos);
		rig_free(&g);
	}
}

/* What mono rests on: "over" an alpha of 1 leaves 1, x + (1 - x) == 1 in float. Every
 * float of [0, 1] passes (tried once, 0.9 s); here every 997th bit pattern, which
 * covers every exponent, and [1, 2], where 1 - x is exact. */
static void test_over_keeps_one(void)
{
	int bad = 0;
	for (uint32_t u = 0; u <= 0x40000000u; u += u < 0x3f800000u ? 997 : 4093) {
		float x;
		memcpy(&x, &u, sizeof x);
		volatile float k = 1.0f - x, sum = x + k;
		bad += sum != 1.0f;
	}
	CHECK_EQ_INT(bad, 0);
}

/* Gray frames in the float path are painted with one float a pixel (swr_mono): the
 * very bytes of four, for discs of every size and share at any subpixel centre (their
 * rows' first and last groups of 4 straddle the sprite and the tile edges), blending,
 * translucent tints, highlights with a translucent outline, a cross-fade (its image
 * tile's alpha in a plane of its own); and four floats where a colour or a
 * transparent background rules one out. */
static void test_mono(void)
{
	enum { N = 300, W = 600, H = 90 };    /* two tiles across, three strips */
	static const struct {
		double S, below, opacity;
		enum draw_alpha alpha;
		uint32_t bg, tint, outline;
		bool mono;
	} cases[] = {
		{ 9.3, 100, 0, DRAW_DISCARD, 0xff404040u, 0, 0, true },           /* discs, opaque */
		{ 4.1, 100, 0.6, DRAW_DISCARD, 0xffffffffu, 0, 0, true },         /* discs at 0.6 */
		{ 31.7, 100, 0.35, DRAW_BLEND, 0xff000000u, 0, 0, true },         /* large, blended */
		{ 1.2, 100, 0, DRAW_OPAQUE, 0xff7f7f7fu, 0, 0, true },            /* smaller than a pixel */
		{ 14.5, 0, 0, DRAW_BLEND, 0xff202020u, 0, 0x80c0c0c0u, true },    /* images blended */
		{ 11, 0, 0, DRAW_DISCARD, 0xff101010u, 0x80909090u, 0, true },    /* translucent gray tints */
		{ 9.3, 100, 0, DRAW_DISCARD, 0xff102030u, 0, 0, false },          /* a colour background */
		{ 9.3, 100, 0, DRAW_DISCARD, 0x40404040u, 0, 0, false },          /* a translucent one */
		{ 14.5, 0, 0, DRAW_BLEND, 0xff202020u, 0x80ff9090u, 0, false },   /* coloured tints */
		{ 8, 6, 0, DRAW_DISCARD, 0xff000000u, 0, 0, true },               /* a cross-fade */
	};
	struct rig g;
	rig_init(&g, N, 16, 16, 1, W, H);
	rig_build(&g, 2);
	struct ap_err err;
	struct swr *one = g.r, *four = swr_new(&g.a, &g.s, &(struct swr_desc){ .threads = 2, .four_floats = true }, &err);
	uint32_t *col = malloc(N * sizeof *col), *tint = malloc(N * sizeof *tint);
	double *pos = malloc(N * 2 * sizeof *pos);
	uint8_t *want = malloc((size_t)W * H * 4);
	uint64_t seed = 11;
	for (int i = 0; i < N; i++) {
		uint32_t v = (uint32_t)(rnd(&seed) * 256) & 255;
		col[i] = 0xff000000u | v * 0x010101u;
		pos[2 * i] = rnd(&seed) * (W + 40) - 20;
		pos[2 * i + 1] = rnd(&seed) * (H + 40) - 20;
	}
	CHECK(four && swr_dots(one, col, &err) == 0 && swr_dots(four, col, &err) == 0);
	size_t hl[] = { 3, 17 };
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		g.dots = (struct scene_dots){ .below = cases[k].below, .fade = 2, .opacity = cases[k].opacity };
		for (int i = 0; i < N; i++)
			tint[i] = cases[k].tint ? cases[k].tint : 0xffffffffu;
		struct draw_opts o = { .alpha = cases[k].alpha, .background = cases[k].bg, .outline = cases[k].outline };
		g.r = four;
		CHECK(rig_draw(&g, pos, cases[k].S, tint, &o, hl, 2) == 0);
		CHECK(!swr_mono(four));
		memcpy(want, g.px, (size_t)W * H * 4);
		g.r = one;
		CHECK(rig_draw(&g, pos, cases[k].S, tint, &o, hl, 2) == 0);
		if (swr_mono(one) != cases[k].mono || memcmp(want, g.px, (size_t)W * H * 4)) {
			fprintf(stderr, "mono case %zu: mono %d (expected %d), bytes %s\n", k, swr_mono(one), cases[k].mono,
				memcmp(want, g.px, (size_t)W * H * 4) ? "differ" : "equal");
			CHECK(0);
		}
	}
	/* a disc colour that is not gray, even one never drawn, rules mono out */
	col[N - 1] = 0xff0000ffu;
	CHECK(swr_dots(one, col, &err) == 0);
	g.dots = (struct scene_dots){ .below = 100, .fade = 2 };
	struct draw_opts o = { .background = 0xff000000u };
	CHECK(rig_draw(&g, pos, 9.3, NULL, &o, NULL, 0) == 0);
	CHECK(!swr_mono(one));
	g.dots = (struct scene_dots){ 0 };
	swr_free(four);
	free(col);
	free(tint);
	free(pos);
	free(want);
	rig_free(&g);
}

/* A gray target holds each pixel's R of the RGBA8 frame, whatever the path: opaque
 * images written in place (white and tinted), the float path in one float a pixel or
 * four, discs, a cross-fade, outlines, a translucent background, frame widths that are
 * not a multiple of 4 or 8. */
static void test_gray_target(void)
{
	enum { N = 300, W = 603, H = 77 };
	static const struct {
		double S, below, opacity;
		enum draw_alpha alpha;
		uint32_t bg, tint;
	} cases[] = {
		{ 8, 0, 0, DRAW_DISCARD, 0xff000000u, 0 },            /* fast, white: 8 lanes at once */
		{ 13.7, 0, 0, DRAW_OPAQUE, 0xff303030u, 0xff808080u },  /* fast, tinted */
		{ 9.3, 100, 0, DRAW_DISCARD, 0xff404040u, 0 },         /* discs, mono */
		{ 9.3, 100, 0.5, DRAW_BLEND, 0xff102030u, 0 },         /* discs, four floats */
		{ 8, 6, 0, DRAW_DISCARD, 0xff000000u, 0 },             /* a cross-fade */
		{ 14.5, 0, 0, DRAW_BLEND, 0x80202020u, 0x80ff9090u },  /* translucent: R of straight alpha */
	};
	struct rig g;
	rig_init(&g, N, 16, 16, 1, W, H);
	rig_build(&g, 2);
	struct ap_err err;
	uint32_t *col = malloc(N * sizeof *col), *tint = malloc(N * sizeof *tint);
	double *pos = malloc(N * 2 * sizeof *pos);
	uint8_t *want = malloc((size_t)W * H * 4);
	uint64_t seed = 23;
	for (int i = 0; i < N; i++) {
		col[i] = 0xff000000u | ((uint32_t)(rnd(&seed) * 256) & 255) * 0x010101u;
		pos[2 * i] = rnd(&seed) * (W + 40) - 20;
		pos[2 * i + 1] = rnd(&seed) * (H + 40) - 20;
	}
	CHECK(swr_dots(g.r, col, &err) == 0);
	size_t hl[] = { 5, 40 };
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		g.dots = (struct scene_dots){ .below = cases[k].below, .fade = 2, .opacity = cases[k].opacity };
		for (int i = 0; i < N; i++)
			tint[i] = cases[k].tint ? cases[k].tint : 0xffffffffu;
		struct draw_opts o = { .alpha = cases[k].alpha, .background = cases[k].bg };
		g.gray = false;
		CHECK(rig_draw(&g, pos, cases[k].S, tint, &o, hl, 2) == 0);
		memcpy(want, g.px, (size_t)W * H * 4);
		memset(g.px, 0xee, (size_t)W * H * 4);
		g.gray = true;
		CHECK(rig_draw(&g, pos, cases[k].S, tint, &o, hl, 2) == 0);
		size_t wrong = 0, first = 0;
		for (size_t i = 0; i < (size_t)W * H; i++)
			if (g.px[i] != want[4 * i] && wrong++ == 0)
				first = i;
		if (wrong)
			fprintf(stderr, "gray target case %zu: %zu px wrong, first (%zu, %zu): %u, expected %u\n", k, wrong,
				first % W, first / W, g.px[first], want[4 * first]);
		CHECK(wrong == 0);
		/* nothing past the gray frame written */
		CHECK(g.px[(size_t)W * H] == 0xee && g.px[(size_t)W * H * 4 - 1] == 0xee);
	}
	g.gray = false;
	g.dots = (struct scene_dots){ 0 };
	free(col);
	free(tint);
	free(pos);
	free(want);
	rig_free(&g);
}

/* ---- the same scenes through the GL renderer ---- */
#ifndef AP_NO_GL

static struct glctx *ctx;

/* A digit-like disc, a ramp and noise: edges, smooth parts and the worst case. */
static void fill_mixed(struct ap_imgset *s, uint64_t seed)
{
	for (size_t i = 0; i < s->n; i++)
		for (uint32_t y = 0; y < s->h; y++)
			for (uint32_t x = 0; x < s->w; x++)
				for (uint32_t k = 0; k < s->c; k++) {
					double dx = x - s->w / 2.0 + 0.5, dy = y - s->h / 2.0 + 0.5, r = s->w / 3.0;
					uint8_t v;
					switch (i % 3) {
					case 0: v = dx * dx + dy * dy < r * r ? 255 : 0; break;
					case 1: v = (uint8_t)((x * 255 / s->w + y * 37 + k * 50) & 255); break;
					default: v = (uint8_t)(rnd(&seed) * 256); break;
					}
					s->pix[((i * s->h + y) * s->w + x) * s->c + k] = v;
				}
}

struct cross {
	const char *name;
	uint32_t iw, ih, c;
	bool mixed_sizes;
};

/* Largest channel difference between swr and GL for one scene. */
static int cross_diff(struct rig *g, struct render *gl, const double *pos, double S, const uint32_t *tint,
		      const struct draw_opts *o, const size_t *hl, size_t nhl, uint8_t *ref)
{
	double *xy = malloc(g->s.n * 2 * sizeof *xy);
	struct scene_frame f;
	frame_of(g, pos, S, tint, hl, nhl, xy, &f);
	struct ap_err err;
	int d = -1;
	struct draw_target tr = { g->w, g->h, ref }, ts = { g->w, g->h, g->px };
	if (scene_build(&g->src, xy, &f, &g->sc, &err) || render_frame(gl, &g->sc, o, &tr, &err) ||
	    swr_frame(g->r, &g->sc, o, &ts, &err)) {
		fprintf(stderr, "cross: %s\n", err.msg);
		goto out;
	}
	d = 0;
	size_t worst = 0;
	for (size_t i = 0; i < (size_t)g->w * g->h * 4; i++) {
		const uint8_t *p = g->px + i / 4 * 4, *q = ref + i / 4 * 4;
		int e = abs(g->px[i] - ref[i]);
		/* the colour of a nearly transparent pixel is a quotient of tiny numbers (of
		 * none at alpha 0): compare it premultiplied */
		if (i % 4 < 3 && (p[3] < 16 || q[3] < 16))
			e = abs(g->px[i] * p[3] - ref[i] * q[3]) / 255;
		if (e > d) {
			d = e;
			worst = i;
		}
	}
	if (d > 0)
		fprintf(stderr, "  S=%g alpha %d: max difference %d at (%zu, %zu) channel %zu: swr %u, gl %u\n", S,
			(int)o->alpha, d, worst / 4 % (size_t)g->w, worst / 4 / (size_t)g->w, worst % 4, g->px[worst],
			ref[worst]);
out:
	free(xy);
	return d;
}

static void test_against_gl(void)
{
	static const struct cross sets[] = {
		{ "gray 28x28", 28, 28, 1, false },
		{ "rgb 20x20", 20, 20, 3, false },
		{ "rgba 16x12", 16, 12, 4, false },
		{ "gray mixed sizes", 24, 24, 1, true },
	};
	struct ap_err err;
	if (!ctx) {
		fprintf(stderr, "swr: no OSMesa context, GL cross-check skipped\n");
		return;
	}
	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
		const struct cross *cs = &sets[k];
		size_t n = 48;
		struct rig g;
		rig_init(&g, n, cs->iw, cs->ih, cs->c, 160, 120);
		fill_mixed(&g.s, 11 + k);
		if (cs->mixed_sizes) {
			g.s.iw = malloc(n * sizeof *g.s.iw);
			g.s.ih = malloc(n * sizeof *g.s.ih);
			for (size_t i = 0; i < n; i++) {
				g.s.iw[i] = (uint16_t)(cs->iw - i % 5 * 3);
				g.s.ih[i] = (uint16_t)(cs->ih - i % 7 * 2);
			}
		}
		rig_build(&g, 2);
		struct render *gl = render_new(ctx, &g.a, &g.s, 0, &err);
		if (!gl) {
			fprintf(stderr, "%s: %s\n", cs->name, err.msg);
			CHECK(gl != NULL);
			rig_free(&g);
			continue;
		}
		uint8_t *ref = malloc((size_t)g.w * g.h * 4);
		double *pos = malloc(n * 2 * sizeof *pos);
		uint32_t *tint = malloc(n * sizeof *tint);
		uint64_t seed = 99 + k;
		fprintf(stderr, "%s\n", cs->name);
		/* native size on integer centres: identical, whatever the alpha mode */
		for (size_t i = 0; i < n; i++) {
			pos[2 * i] = 10 + (double)(i % 8) * 19;
			pos[2 * i + 1] = 10 + (double)(i / 8) * 19;
			tint[i] = 0xff000000u | (uint32_t)(rnd(&seed) * 0xffffff);
		}
		size_t hl[2] = { 3, 17 };
		double native = cs->iw > cs->ih ? cs->iw : cs->ih;
		/* (images smaller than the slot are scaled to it: not native, nearly equal) */
		int tolerance = cs->mixed_sizes ? 2 : 0;
		uint32_t *col = malloc(n * sizeof *col);
		for (size_t i = 0; i < n; i++)
			col[i] = 0xff000000u | (uint32_t)(rnd(&seed) * 0xffffff);
		CHECK(swr_dots(g.r, col, &err) == 0);
		CHECK(render_dots(gl, col, &err) == 0);
		for (int m = 0; m < 3; m++) {
			struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = 0xff203040u };
			CHECK(cross_diff(&g, gl, pos, native, NULL, &o, NULL, 0, ref) <= tolerance);
			CHECK(cross_diff(&g, gl, pos, native, tint, &o, NULL, 0, ref) <= tolerance);
			/* native images cross-faded with their discs (w = 0.51): the discard test too */
			g.dots = (struct scene_dots){ .below = native * 0.7, .fade = 2 };
			CHECK(cross_diff(&g, gl, pos, native, tint, &o, NULL, 0, ref) <= 2);
			g.dots = (struct scene_dots){ 0 };
		}
		/* fractional places, minified, magnified, some tints translucent, highlights */
		for (size_t i = 0; i < n; i++) {
			pos[2 * i] = rnd(&seed) * 170 - 5;
			pos[2 * i + 1] = rnd(&seed) * 130 - 5;
			if (i % 4 == 0)
				tint[i] = (tint[i] & 0xffffff) | (uint32_t)(64 + i) << 24;
		}
		static const double sizes[] = { 8, 13, 5.5, 40.5 };
		for (int si = 0; si < 4; si++)
			for (int m = DRAW_BLEND; m <= DRAW_OPAQUE; m++) {
				struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = si == 2 ? 0 : 0xff203040u };
				CHECK(cross_diff(&g, gl, pos, sizes[si], NULL, &o, NULL, 0, ref) <= 2);
				CHECK(cross_diff(&g, gl, pos, sizes[si], tint, &o, hl, 2, ref) <= 2);
			}
		/* discs, cross-fades and opacity, tints and highlights; discard only for discs
		 * alone (filtered texels near the threshold flip the test, as above) */
		static const struct { double S; struct scene_dots d; } lods[] = {
			{ 8, { .below = 100 } }, { 5.5, { .below = 100, .opacity = 0.3 } },
			{ 11.3, { .below = 8, .fade = 4 } }, { 13, { .below = 8, .fade = 2, .opacity_auto = true } },
			{ 8, { .below = 4, .opacity = 0.4, .image_opacity = true } }, { 40.5, { .below = 30, .fade = 2 } },
		};
		for (size_t li = 0; li < sizeof lods / sizeof *lods; li++)
			for (int m = lods[li].d.below == 100 ? DRAW_DISCARD : DRAW_BLEND; m <= DRAW_OPAQUE; m++) {
				g.dots = lods[li].d;
				g.dots.image_opacity = g.dots.image_opacity && m == DRAW_BLEND;
				struct draw_opts o = { .alpha = (enum draw_alpha)m, .background = li == 1 ? 0 : 0xff203040u };
				CHECK(cross_diff(&g, gl, pos, lods[li].S, NULL, &o, NULL, 0, ref) <= 2);
				CHECK(cross_diff(&g, gl, pos, lods[li].S, tint, &o, hl, 2, ref) <= 2);
			}
		g.dots = (struct scene_dots){ 0 };
		free(col);
		free(tint);
		free(pos);
		free(ref);
		render_free(gl);
		rig_free(&g);
	}
}

#endif

int main(void)
{
	test_native_copy();
	test_edges();
	test_threshold();
	test_blend();
	test_opaque_tint_none();
	test_order_cull();
	test_outline();
	test_threads();
	test_portable_gather();
	test_coverage_memo();
	test_prescaled();
	test_disc_pixels();
	test_fade_band();
	test_disc_highlight();
	test_over_keeps_one();
	test_mono();
	test_gray_target();
#ifndef AP_NO_GL
	struct ap_err err;
	if (!(ctx = glctx_new(GLCTX_OSMESA, &err)))
		fprintf(stderr, "%s\n", err.msg);
	test_against_gl();
	glctx_free(ctx);
#endif
	return t_done();
}
