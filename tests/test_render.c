/*
 * Render tests on small synthetic data sets: exact pixels at computed places.
 * The camera is set so that s0 = 1 and data (x, y) lands at pixel (x, h - y), so a
 * sprite of the image's own size centred on an integer position is an exact copy.
 */
#include <stdlib.h>

#include "draw/gl/glctx.h"
#include "core/pal.h"
#include "draw/gl/render.h"
#include "core/scene.h"
#include "t.h"

struct rig {
	struct glctx *ctx;
	struct ap_imgset s;
	struct atlas a;
	struct render *r;
	struct scene_src src;
	struct scene_out sc;
	int w, h;
	uint8_t *px;
};

static struct glctx *ctx;

static uint8_t pattern(size_t i, uint32_t x, uint32_t y, uint32_t c)
{
	return (uint8_t)((i * 37 + x * 11 + y * 5 + c * 71) % 251 + 4);
}

/* n gray (c=1) or colour images of iw×ih with distinct patterns. */
static void rig_init(struct rig *g, size_t n, uint32_t iw, uint32_t ih, uint32_t c, int w, int h,
		     uint32_t page, uint32_t per_group)
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
	struct ap_err err;
	if (atlas_plan(&g->s, page, &g->a, &err) || !(g->r = render_new(ctx, &g->a, &g->s, per_group, &err)) ||
	    scene_src_init(&g->src, &g->a, &g->s, render_pages_per_group(g->r), &err)) {
		fprintf(stderr, "rig: %s\n", err.msg);
		exit(1);
	}
}

static void rig_free(struct rig *g)
{
	scene_out_free(&g->sc);
	scene_src_free(&g->src);
	render_free(g->r);
	free(g->s.pix);
	free(g->px);
}

/* Draw with sprites centred at pixel positions pos (n×2). */
static int rig_draw(struct rig *g, const double *pos, double S, const uint32_t *tint, const struct draw_opts *o,
		    const size_t *hl, size_t nhl)
{
	double *xy = malloc(g->s.n * 2 * sizeof *xy);
	for (size_t i = 0; i < g->s.n; i++) {
		xy[2 * i] = pos[2 * i];
		xy[2 * i + 1] = g->h - pos[2 * i + 1];
	}
	struct scene_frame f = {
		.w = g->w, .h = g->h, .cam = { g->w / 2.0, g->h / 2.0, 1 }, .s0 = 1, .sprite = S,
		.tint = tint, .highlight = hl, .nhighlight = nhl,
	};
	struct ap_err err;
	struct draw_target t = { g->w, g->h, g->px };
	int rc = scene_build(&g->src, xy, &f, &g->sc, &err) || render_frame(g->r, &g->sc, o, &t, &err);
	if (rc)
		fprintf(stderr, "draw: %s\n", err.msg);
	free(xy);
	return rc;
}

static const uint8_t *at(const struct rig *g, int x, int y)
{
	return g->px + ((size_t)y * g->w + x) * 4;
}

/* Count pixels of the frame region where image i (its pixel (ix, iy)) should be, that differ. */
static int copy_errors(const struct rig *g, size_t i, int x0, int y0)
{
	int bad = 0;
	for (uint32_t y = 0; y < g->s.h; y++)
		for (uint32_t x = 0; x < g->s.w; x++) {
			int fx = x0 + (int)x, fy = y0 + (int)y;
			if (fx < 0 || fy < 0 || fx >= g->w || fy >= g->h)
				continue;
			const uint8_t *p = at(g, fx, fy);
			const uint8_t *q = imgset_pixels(&g->s, i) + ((size_t)y * g->s.w + x) * g->s.c;
			for (uint32_t k = 0; k < 3; k++)
				if (p[k] != q[g->s.c == 1 ? 0 : k])
					bad++;
			if (p[3] != 255)
				bad++;
		}
	return bad;
}

static const struct draw_opts opaque = { .alpha = DRAW_OPAQUE, .background = PAL_RGBA(0, 0, 0, 255) };

static void test_native_copy(void)
{
	struct rig g;
	rig_init(&g, 3, 28, 28, 1, 120, 80, 0, 0);
	double pos[] = { 30, 20, 80, 50, 100, 20 };
	CHECK(rig_draw(&g, pos, 28, NULL, &opaque, NULL, 0) == 0);
	CHECK_EQ_INT(copy_errors(&g, 0, 16, 6), 0);          /* first row at the top */
	CHECK_EQ_INT(copy_errors(&g, 1, 66, 36), 0);
	/* sprite 2 overlaps 1? no: 2 is at x 86..114, y 6..34; 1 at 66..94, 36..64 */
	CHECK_EQ_INT(copy_errors(&g, 2, 86, 6), 0);
	CHECK_EQ_INT(at(&g, 15, 6)[0], 0);                   /* just outside: background */
	CHECK_EQ_INT(at(&g, 44, 6)[0], 0);
	CHECK_EQ_INT(at(&g, 16, 5)[0], 0);
	rig_free(&g);
	/* colour images, and a non-square one keeping its aspect */
	rig_init(&g, 2, 20, 10, 3, 64, 48, 0, 0);
	double pos2[] = { 20, 10, 40, 30 };
	CHECK(rig_draw(&g, pos2, 20, NULL, &opaque, NULL, 0) == 0);
	CHECK_EQ_INT(copy_errors(&g, 0, 10, 5), 0);
	CHECK_EQ_INT(copy_errors(&g, 1, 30, 25), 0);
	CHECK_EQ_INT(at(&g, 10, 4)[0], 0);
	CHECK_EQ_INT(at(&g, 10, 15)[0], 0);
	rig_free(&g);
}

static void test_edges(void)
{
	struct rig g;
	rig_init(&g, 4, 28, 28, 1, 100, 60, 0, 0);
	/* centres 4 px from each edge: only 18 of 28 columns/rows are visible */
	double pos[] = { 4, 30, 96, 30, 50, 4, 50, 56 };
	struct draw_opts o = opaque;
	for (int k = 0; k < 4; k++) {
		double p[8];
		for (int j = 0; j < 8; j++)
			p[j] = -1000;               /* others far away: culled */
		p[2 * k] = pos[2 * k];
		p[2 * k + 1] = pos[2 * k + 1];
		CHECK(rig_draw(&g, p, 28, NULL, &o, NULL, 0) == 0);
		CHECK_EQ_INT(g.sc.nsprites, 1);
		CHECK_EQ_INT(copy_errors(&g, (size_t)k, (int)pos[2 * k] - 14, (int)pos[2 * k + 1] - 14), 0);
	}
	/* the visible part really is drawn: the left sprite's column 10 is the frame's column 0 */
	CHECK_EQ_INT(at(&g, 0, 30 - 14)[0], 0);                 /* last draw was the bottom one */
	double p[8] = { 4, 30, -1000, -1000, -1000, -1000, -1000, -1000 };
	CHECK(rig_draw(&g, p, 28, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 0, 16)[0], pattern(0, 10, 0, 0));
	rig_free(&g);
}

static void test_alpha_modes(void)
{
	struct rig g;
	rig_init(&g, 1, 4, 1, 1, 8, 4, 0, 0);
	g.s.pix[0] = 127;
	g.s.pix[1] = 128;
	g.s.pix[2] = 0;
	g.s.pix[3] = 255;
	/* the atlas was built from the pattern: rebuild with these values */
	render_free(g.r);
	struct ap_err err;
	g.r = render_new(ctx, &g.a, &g.s, 0, &err);
	double pos[] = { 4, 2.5 };   /* 4x1 image in a sprite of 4: rect [2,6)x[2,3), row 2 */
	struct draw_opts o = { .alpha = DRAW_DISCARD, .background = PAL_RGBA(10, 20, 30, 255) };
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 2, 2)[0], 10);                  /* 127 < 0.5: discarded */
	CHECK_EQ_INT(at(&g, 3, 2)[0], 128);                 /* 128 >= 0.5: drawn as is */
	CHECK_EQ_INT(at(&g, 3, 2)[2], 128);
	CHECK_EQ_INT(at(&g, 5, 2)[1], 255);
	CHECK_EQ_INT(at(&g, 2, 1)[0], 10);
	o.threshold = 0;
	o.threshold_set = 1;
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 4, 2)[0], 0);                   /* threshold 0: even black is drawn */
	/* blend: alpha = luminance, colour white: out = v + (1 - v) * bg */
	o.alpha = DRAW_BLEND;
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	for (int x = 0; x < 4; x++) {
		double v = g.s.pix[x] / 255.0;
		int want[3] = { (int)((v + (1 - v) * 10 / 255.0) * 255 + 0.5), (int)((v + (1 - v) * 20 / 255.0) * 255 + 0.5),
				(int)((v + (1 - v) * 30 / 255.0) * 255 + 0.5) };
		for (int k = 0; k < 3; k++)
			CHECK_NEAR(at(&g, 2 + x, 2)[k], want[k], 1);
	}
	/* opaque: the whole tile, black included */
	o.alpha = DRAW_OPAQUE;
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 2, 2)[0], 127);
	CHECK_EQ_INT(at(&g, 4, 2)[0], 0);
	/* transparent background: alpha 0 outside, 255 inside */
	o.background = 0;
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 0, 0)[3], 0);
	CHECK_EQ_INT(at(&g, 4, 2)[3], 255);
	/* blend on transparent: alpha = v, colour white (straight alpha) */
	o.alpha = DRAW_BLEND;
	CHECK(rig_draw(&g, pos, 4, NULL, &o, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 3, 2)[3], 128);
	CHECK_NEAR(at(&g, 3, 2)[0], 255, 1);
	CHECK_EQ_INT(at(&g, 4, 2)[3], 0);
	rig_free(&g);
}

static void test_tint_order_cull(void)
{
	struct rig g;
	rig_init(&g, 3, 8, 8, 1, 40, 20, 0, 0);
	for (size_t k = 0; k < 3 * 64; k++)
		g.s.pix[k] = 255;
	g.s.pix[64 + 9] = 128;      /* image 1, pixel (1,1) */
	render_free(g.r);
	g.r = render_new(ctx, &g.a, &g.s, 0, NULL);
	uint32_t tint[3] = { pal_label(0, 10), pal_label(1, 10), pal_label(2, 10) };
	double pos[] = { 10, 10, 14, 10, 1000, 10 };    /* 1 overlaps 0 and is on top; 2 culled */
	struct draw_opts o = { .alpha = DRAW_DISCARD, .background = PAL_RGBA(0, 0, 0, 255) };
	CHECK(rig_draw(&g, pos, 8, tint, &o, NULL, 0) == 0);
	CHECK_EQ_INT(g.sc.nsprites, 2);
	CHECK_EQ_INT(g.sc.culled, 1);
	const uint8_t *p = at(&g, 7, 8);                      /* only sprite 0: tab10 blue */
	CHECK(p[0] == 0x1f && p[1] == 0x77 && p[2] == 0xb4);
	p = at(&g, 12, 8);                                    /* both: the later, orange, on top */
	CHECK(p[0] == 0xff && p[1] == 0x7f && p[2] == 0x0e);
	p = at(&g, 11, 7);                                    /* orange times 128/255 */
	CHECK_NEAR(p[0], 128, 1);
	CHECK_NEAR(p[1], 0x7f * 128 / 255.0, 1);
	CHECK_NEAR(p[2], 0x0e * 128 / 255.0, 1);
	/* highlight image 0: drawn on top, twice the size, white outline */
	size_t hl[] = { 0 };
	CHECK(rig_draw(&g, pos, 8, tint, &o, hl, 1) == 0);
	p = at(&g, 2, 2);                                     /* corner of the 16 px square at 2..18 */
	CHECK(p[0] == 255 && p[1] == 255 && p[2] == 255);
	p = at(&g, 12, 8);                                    /* inside: blue again, on top of orange */
	CHECK(p[0] == 0x1f && p[1] == 0x77 && p[2] == 0xb4);
	rig_free(&g);
}

static void test_zoom_minify(void)
{
	struct rig g;
	rig_init(&g, 1, 8, 8, 1, 40, 40, 0, 0);
	memset(g.s.pix, 0, 64);
	for (int y = 2; y < 6; y++)
		for (int x = 2; x < 6; x++)
			g.s.pix[y * 8 + x] = 255;
	render_free(g.r);
	g.r = render_new(ctx, &g.a, &g.s, 0, NULL);
	double pos[] = { 20, 20 };
	CHECK(rig_draw(&g, pos, 16, NULL, &opaque, NULL, 0) == 0);   /* magnified 2x: block at 16..24 */
	int inner = 0, outer = 0;
	for (int y = 12; y < 28; y++)
		for (int x = 12; x < 28; x++) {
			int v = at(&g, x, y)[0];
			if (x >= 17 && x < 23 && y >= 17 && y < 23)
				inner += v != 255;
			if (x < 15 || x >= 25 || y < 15 || y >= 25)
				outer += v != 0;
		}
	CHECK_EQ_INT(inner, 0);
	CHECK_EQ_INT(outer, 0);
	/* minified to 4 px: the 2x2 centre is the block's mean through the mip levels */
	CHECK(rig_draw(&g, pos, 4, NULL, &opaque, NULL, 0) == 0);
	CHECK_EQ_INT(at(&g, 19, 19)[0], 255);
	CHECK_EQ_INT(at(&g, 18, 18)[0], 0);       /* corner: black texels only */
	rig_free(&g);
}

static void test_pages_and_arrays(void)
{
	struct rig g;
	/* 32-texel cells in 64x64 pages: 4 per page, 10 images = 3 pages, one page per array */
	rig_init(&g, 10, 28, 28, 1, 320, 40, 64, 1);
	CHECK_EQ_INT(g.a.pages, 3);
	double pos[20];
	for (int i = 0; i < 10; i++) {
		pos[2 * i] = 16 + 30 * i;
		pos[2 * i + 1] = 20;
	}
	CHECK(rig_draw(&g, pos, 28, NULL, &opaque, NULL, 0) == 0);
	CHECK_EQ_INT(g.sc.nbatches, 3);
	int bad = 0;
	for (int i = 0; i < 10; i++)
		bad += copy_errors(&g, (size_t)i, 2 + 30 * i, 6);
	CHECK_EQ_INT(bad, 0);
	rig_free(&g);
}

/* A software rasteriser never passes as a GPU: by its GL_RENDERER, and in practice on
 * Mesa's software EGL device (the one this machine has without a GPU). */
static void test_device_rules(void)
{
	CHECK(glctx_renderer_is_software("llvmpipe (LLVM 15.0.6, 256 bits)"));
	CHECK(glctx_renderer_is_software("softpipe"));
	CHECK(glctx_renderer_is_software("Mesa X11 SWRast"));
	CHECK(glctx_renderer_is_software("Microsoft Basic Render Driver (Software)"));
	CHECK(glctx_renderer_is_software(NULL));
	CHECK(!glctx_renderer_is_software("NVIDIA H100 80GB HBM3/PCIe/SSE2"));
	CHECK(!glctx_renderer_is_software("AMD Radeon RX 7900 XTX (radeonsi, navi31, LLVM 15.0.6)"));
	struct ap_err err;
	struct glctx *dev = glctx_new(GLCTX_EGL_DEVICE, &err);
	CHECK(!dev || !glctx_software(dev));          /* a GPU, or none */
	if (!dev)
		CHECK(strstr(err.msg, "gl: egl: ") == err.msg);
	glctx_free(dev);
	/* each device asked for by number: taken only when it is not software */
	for (int i = 0; i < 4; i++) {
		struct glctx *c = glctx_new_gpu(GLCTX_EGL_DEVICE, i, &err);
		CHECK(!c || !glctx_software(c));
		glctx_free(c);
	}
	char buf[2048];
	int n = glctx_list(buf, sizeof buf, &err);
	if (n > 0)
		CHECK(strstr(buf, "device 0: ") == buf);
	/* GLCTX_EGL without a GPU: Mesa's surfaceless platform, which says it is software */
	struct glctx *egl = glctx_new(GLCTX_EGL, &err);
	if (egl && !strcmp(glctx_backend_name(egl), "egl-surfaceless"))
		CHECK(glctx_software(egl));
	glctx_free(egl);
}

int main(void)
{
	struct ap_err err;
	ctx = glctx_new(GLCTX_OSMESA, &err);
	if (!ctx) {
		fprintf(stderr, "%s\n", err.msg);
		return t_done() + 1;
	}
	test_native_copy();
	test_edges();
	test_alpha_modes();
	test_tint_order_cull();
	test_zoom_minify();
	test_pages_and_arrays();
	glctx_free(ctx);
	test_device_rules();
	return t_done();
}
