/*
 * The draw session's transitions (draw_tween_*), on the cpu backend and on GL (osmesa):
 * a frame drawn from the plan and its timeline alone is the frame draw_frame draws of
 * the same points (the same bytes on the cpu backend; on GL within the golden suite's
 * tolerance, and exact for native-size sprites at integer positions); after the first
 * frame a GL frame hands the GL nothing (draw_stats), until the tints, highlights or
 * plan change or the sprite size does (prescaled images, counted apart).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pal.h"
#include "draw/draw.h"
#include "t.h"

/* What a transition's first GL frame uploads for each instance: its start and end as
 * four floats each (and a third position, when the plan has an end layout), a rank,
 * and four words of atlas place, flags and tint. */
#define POS_BYTES (4 * 4)
#define INST_BYTES (2 * POS_BYTES + 4 + 4 * 4)

static uint8_t pattern(size_t i, uint32_t x, uint32_t y, uint32_t c)
{
	return (uint8_t)((i * 37 + x * 11 + y * 5 + c * 71) % 251 + 4);
}

static void imgs_init(struct ap_imgset *s, size_t n, uint32_t side, uint32_t c)
{
	*s = (struct ap_imgset){ .n = n, .w = side, .h = side, .c = c };
	s->pix = malloc(n * side * side * c);
	for (size_t i = 0; i < n; i++)
		for (uint32_t y = 0; y < side; y++)
			for (uint32_t x = 0; x < side; x++)
				for (uint32_t k = 0; k < c; k++)
					s->pix[((i * side + y) * side + x) * c + k] = pattern(i, x, y, k);
}

static uint32_t lcg(uint32_t *st)
{
	*st = *st * 1664525u + 1013904223u;
	return *st >> 8;
}

/* n points in [0, span)², deterministic. */
static double *points(size_t n, double span, uint32_t seed)
{
	double *xy = malloc(n * 2 * sizeof *xy);
	for (size_t i = 0; i < 2 * n; i++)
		xy[i] = (double)lcg(&seed) / (1u << 24) * span;
	return xy;
}

/* The fitted camera of the points xy, as app/frames fits each frame. */
static void fit(struct scene_frame *f, const double *xy, size_t n)
{
	struct cam_box box;
	cam_bounds(xy, n, &box);
	f->s0 = cam_fit_scale(&box, CAM_DEFAULT_MARGIN, f->w, f->h);
	cam_default(&box, &f->cam);
}

#define W 160
#define H 120
#define N 300

struct scene {
	struct ap_imgset s;
	double *a, *b, *end, rank[N];
	uint32_t tint[N];
	size_t hl[3];
	struct draw_tween tw;
};

static void scene_init(struct scene *sc)
{
	imgs_init(&sc->s, N, 12, 1);
	sc->a = points(N, 40, 7);
	sc->b = points(N, 900, 11);          /* another scale, as t-SNE's is */
	sc->end = NULL;
	for (size_t i = 0; i < N; i++) {
		sc->rank[i] = (double)i / (N - 1);
		sc->tint[i] = pal_label((int)(i % 10), 10);
	}
	sc->hl[0] = 5, sc->hl[1] = 77, sc->hl[2] = 250;
	sc->tw = (struct draw_tween){ sc->a, sc->b, NULL, sc->rank, 0.3, TWEEN_EASE_CUBIC_IN_OUT };
}

static void scene_free(struct scene *sc)
{
	free(sc->s.pix);
	free(sc->a);
	free(sc->b);
}

/* Frame k of 10: the plan's points and f for them (fitted, tinted, highlighted). */
static double frame_at(struct draw *dr, struct scene *sc, int k, struct scene_frame *f, double *xy)
{
	double t = k / 9.0;
	memcpy(xy, draw_tween_points(dr, t), N * 2 * sizeof *xy);
	*f = (struct scene_frame){ .w = W, .h = H, .sprite = 8, .tint = sc->tint, .highlight = sc->hl,
				   .nhighlight = 3 };
	fit(f, xy, N);
	return t;
}

static const struct draw_opts discard = { .background = PAL_RGBA(0, 0, 0, 255) };

/* The cpu backend draws a plan's frame as the same bytes as draw_frame of its points. */
static void test_cpu(uint8_t *cpu_frames)
{
	struct scene sc;
	scene_init(&sc);
	struct ap_err err;
	struct draw_desc d = { .backend = DRAW_CPU, .coverage = true, .threshold = 0.5 };
	struct draw *dr = draw_open(&d, &sc.s, sc.a, &err);
	CHECK(dr != NULL);
	if (!dr)
		return;
	uint8_t *px = malloc(W * H * 4), *want = malloc(W * H * 4);
	double *xy = malloc(N * 2 * sizeof *xy);
	CHECK_EQ_INT(draw_tween_frame(dr, 0, &(struct scene_frame){ .w = W, .h = H }, &discard, px, &err), -1);
	CHECK_STR(err.msg, "transition: no plan set (draw_tween_set)");
	CHECK(draw_tween_set(dr, &sc.tw, &err) == 0);
	int same = 0;
	for (int k = 0; k < 10; k++) {
		struct scene_frame f;
		double t = frame_at(dr, &sc, k, &f, xy);
		CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
		CHECK(draw_frame(dr, xy, &f, &discard, want, &err) == 0);
		same += !memcmp(px, want, W * H * 4);
		memcpy(cpu_frames + (size_t)k * W * H * 4, px, W * H * 4);
		struct draw_stats st;
		draw_stats(dr, &st);
		CHECK(st.upload_bytes == 0 && st.presc_bytes == 0);
	}
	CHECK_EQ_INT(same, 10);
	/* the ends are the layouts themselves, bit for bit */
	CHECK(draw_tween_points(dr, 0) == sc.a);
	CHECK(draw_tween_points(dr, 1) == sc.b);
	const double *mid = draw_tween_points(dr, 0.5);
	double p = tween_progress(0.5, sc.rank[100], 0.3, TWEEN_EASE_CUBIC_IN_OUT);
	CHECK(mid[200] == sc.a[200] * (1 - p) + sc.b[200] * p);
	free(px);
	free(want);
	free(xy);
	draw_close(dr);
	scene_free(&sc);
}

#ifndef AP_NO_GL
/* Pixels whose channels differ by more than tol. */
static size_t over(const uint8_t *a, const uint8_t *b, size_t px, int tol)
{
	size_t bad = 0;
	for (size_t i = 0; i < px; i++) {
		int d = 0;
		for (int k = 0; k < 4; k++) {
			int e = abs((int)a[4 * i + k] - (int)b[4 * i + k]);
			d = e > d ? e : d;
		}
		bad += d > tol;
	}
	return bad;
}

/* GL: the same frames as its own draw_frame of the points and as the cpu backend's,
 * within the golden suite's tolerance (2 levels, 0.05% of pixels beyond: here 9), and
 * after the first frame nothing uploaded. */
static void test_gl_resident(const uint8_t *cpu_frames)
{
	struct scene sc;
	scene_init(&sc);
	struct ap_err err;
	struct draw_desc d = { .backend = DRAW_OSMESA, .coverage = true, .threshold = 0.5 };
	struct draw *dr = draw_open(&d, &sc.s, sc.a, &err);
	CHECK(dr != NULL);
	if (!dr) {
		fprintf(stderr, "osmesa: %s\n", err.msg);
		scene_free(&sc);
		return;
	}
	uint8_t *px = malloc(W * H * 4), *want = malloc(W * H * 4);
	double *xy = malloc(N * 2 * sizeof *xy);
	CHECK(draw_tween_set(dr, &sc.tw, &err) == 0);
	size_t worst_old = 0, worst_cpu = 0, worst_still = 0, later_up = 0, later_presc = 0;
	for (int k = 0; k < 10; k++) {
		struct scene_frame f;
		double t = frame_at(dr, &sc, k, &f, xy);
		CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
		struct draw_stats st;
		draw_stats(dr, &st);
		if (k == 0) {
			CHECK_EQ_INT(st.upload_bytes, (N + 3) * INST_BYTES);
			CHECK(st.presc_bytes > N * 4);       /* 12 px images at 8: prescaled, and their scales */
		} else {
			later_up += st.upload_bytes;
			later_presc += st.presc_bytes;
		}
		size_t o = over(px, cpu_frames + (size_t)k * W * H * 4, W * H, 2);
		worst_cpu = o > worst_cpu ? o : worst_cpu;
		CHECK(draw_frame(dr, xy, &f, &discard, want, &err) == 0);
		draw_stats(dr, &st);
		CHECK_EQ_INT(st.upload_bytes, (N + 3) * 32);   /* the still path: every sprite's record */
		o = over(px, want, W * H, 2);
		worst_old = o > worst_old ? o : worst_old;
		o = over(want, cpu_frames + (size_t)k * W * H * 4, W * H, 2);
		worst_still = o > worst_still ? o : worst_still;
	}
	CHECK_EQ_INT(later_up, 0);
	CHECK_EQ_INT(later_presc, 0);
	CHECK(worst_old <= 9);
	/* the cpu backend's frames: no further than GL's still path is from them */
	CHECK(worst_cpu <= worst_still + 2);
	CHECK(worst_still <= 2 * 9);
	fprintf(stderr, "gl transition: at most %zu px beyond 2 levels of draw_frame's, %zu of the cpu backend's "
		"(draw_frame: %zu)\n", worst_old, worst_cpu, worst_still);

	/* new highlights: their instances and positions again, once */
	struct scene_frame f;
	double t = frame_at(dr, &sc, 4, &f, xy);
	size_t hl2[1] = { 9 };
	f.highlight = hl2;
	f.nhighlight = 1;
	struct draw_stats st;
	CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
	draw_stats(dr, &st);
	CHECK_EQ_INT(st.upload_bytes, (N + 1) * INST_BYTES);
	CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
	draw_stats(dr, &st);
	CHECK_EQ_INT(st.upload_bytes, 0);
	/* a larger sprite: the prescaled images of its scale, nothing else */
	f.sprite = 10;
	CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
	draw_stats(dr, &st);
	CHECK_EQ_INT(st.upload_bytes, 0);
	CHECK(st.presc_bytes > 0);
	/* a plan again: its positions and ranks, with the end layout's */
	sc.tw.end = sc.a;
	CHECK(draw_tween_set(dr, &sc.tw, &err) == 0);
	CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
	draw_stats(dr, &st);
	CHECK_EQ_INT(st.upload_bytes, (N + 1) * (3 * POS_BYTES + 4));
	free(px);
	free(want);
	free(xy);
	draw_close(dr);
	scene_free(&sc);
}

#define EW 200
#define EH 120

/* Where image i's pixels differ from the frame's at (x0, y0) (its top-left), within the
 * frame: the count. */
static int copy_errors(const struct ap_imgset *s, size_t i, const uint8_t *px, int x0, int y0)
{
	int bad = 0;
	for (uint32_t y = 0; y < s->h; y++)
		for (uint32_t x = 0; x < s->w; x++) {
			int fx = x0 + (int)x, fy = y0 + (int)y;
			if (fx < 0 || fy < 0 || fx >= EW || fy >= EH)
				continue;
			const uint8_t *p = px + ((size_t)fy * EW + fx) * 4;
			const uint8_t *q = imgset_pixels(s, i) + ((size_t)y * s->w + x) * s->c;
			for (uint32_t k = 0; k < 3; k++)
				bad += p[k] != q[s->c == 1 ? 0 : k];
			bad += p[3] != 255;
		}
	return bad;
}

/* Native-size sprites at integer positions are exact copies: at t = 0, at t = 0.5 of a
 * linear move by even offsets, at t = 1 the end layout (not b); a sprite whose centre is
 * off the frame shows its visible columns; several texture arrays; a camera far from
 * the origins (t-SNE's hundreds of units), zoomed in. */
static void test_gl_exact(void)
{
	struct ap_imgset s;
	imgs_init(&s, 6, 28, 1);
	/* pixel positions: (x, y) drawn at pixel (x - cx) * Z + W / 2, (cy - y) * Z + H / 2 */
	double cx = 731.25, cy = -402.5, Z = 1;
	double pa[12] = { 30, 20, 80, 50, 150, 90, -4, 60, 190, 20, 100, 300 };   /* 3: off the left; 5: culled */
	double pb[12] = { 40, 30, 60, 80, 170, 70, 10, 60, 190, 100, 100, 400 };
	double a[12], b[12], e[12];
	for (int i = 0; i < 6; i++) {
		a[2 * i] = (pa[2 * i] - EW / 2.0) / Z + cx;
		a[2 * i + 1] = cy - (pa[2 * i + 1] - EH / 2.0) / Z;
		b[2 * i] = (pb[2 * i] - EW / 2.0) / Z + cx;
		b[2 * i + 1] = cy - (pb[2 * i + 1] - EH / 2.0) / Z;
		e[2 * i] = b[2 * i] + 2;      /* the end layout: 2 px to the right */
		e[2 * i + 1] = b[2 * i + 1];
	}
	struct ap_err err;
	/* 64×64 pages hold four 28 px images: two pages, one texture array each */
	struct draw_desc d = { .backend = DRAW_OSMESA, .page_size = 64, .pages_per_group = 1 };
	struct draw *dr = draw_open(&d, &s, a, &err);
	CHECK(dr != NULL);
	if (!dr) {
		free(s.pix);
		return;
	}
	CHECK_EQ_INT(draw_atlas(dr)->pages, 2);
	uint8_t *px = malloc(EW * EH * 4);
	struct draw_tween tw = { a, b, e, NULL, 0, TWEEN_EASE_LINEAR };
	CHECK(draw_tween_set(dr, &tw, &err) == 0);
	struct draw_opts o = { .alpha = DRAW_OPAQUE, .background = PAL_RGBA(0, 0, 0, 255) };
	struct scene_frame f = { .w = EW, .h = EH, .cam = { cx, cy, Z }, .s0 = 1, .sprite = 28 };
	static const double ts[3] = { 0, 0.5, 1 };
	for (int j = 0; j < 3; j++) {
		CHECK(draw_tween_frame(dr, ts[j], &f, &o, px, &err) == 0);
		int bad = 0;
		for (int i = 0; i < 5; i++) {
			double x = j == 0 ? pa[2 * i] : j == 1 ? (pa[2 * i] + pb[2 * i]) / 2 : pb[2 * i] + 2;
			double y = j == 0 ? pa[2 * i + 1] : j == 1 ? (pa[2 * i + 1] + pb[2 * i + 1]) / 2 : pb[2 * i + 1];
			bad += copy_errors(&s, (size_t)i, px, (int)x - 14, (int)y - 14);
		}
		CHECK_EQ_INT(bad, 0);
	}
	/* t = 0: sprite 3's columns 18..27 are the frame's columns 0..9 */
	CHECK(draw_tween_frame(dr, 0, &f, &o, px, &err) == 0);
	CHECK_EQ_INT(px[((size_t)46 * EW + 0) * 4], pattern(3, 18, 0, 0));
	CHECK_EQ_INT(px[((size_t)46 * EW + 9) * 4], pattern(3, 27, 0, 0));
	CHECK_EQ_INT(px[((size_t)46 * EW + 10) * 4], 0);
	/* just short of t = 1, b, not the end layout */
	CHECK(draw_tween_frame(dr, 1 - 1e-9, &f, &o, px, &err) == 0);
	CHECK_EQ_INT(copy_errors(&s, 0, px, 40 - 14, 30 - 14), 0);
	/* zoomed 4 times about sprite 0's place at t = 0 (a quad, not a point): its top-left
	 * texel spans 4×4 pixels, the first 2×2 of them its value alone (the cell's border
	 * repeats it) */
	f.cam = (struct cam){ a[0], a[1], 4 };
	f.sprite = 112;
	CHECK(draw_tween_frame(dr, 0, &f, &o, px, &err) == 0);
	CHECK_EQ_INT(px[((size_t)(EH / 2 - 56) * EW + EW / 2 - 56) * 4], pattern(0, 0, 0, 0));
	CHECK_EQ_INT(px[((size_t)(EH / 2 - 55) * EW + EW / 2 - 55) * 4], pattern(0, 0, 0, 0));
	CHECK_EQ_INT(px[((size_t)(EH / 2 - 56) * EW + EW / 2 - 57) * 4], 0);
	CHECK_EQ_INT(px[((size_t)(EH / 2 - 57) * EW + EW / 2 - 56) * 4], 0);
	/* zoom 10^4 hundreds of units from the origin: sprite 0's left edge 0.002 px either
	 * side of pixel 86's centre, which a float of the position alone would put 0.02 px
	 * out (its high and low parts keep it) */
	f.sprite = 28;
	for (int j = 0; j < 2; j++) {
		f.cam = (struct cam){ a[0] - (j ? 0.502 : 0.498) / 1e4, a[1], 1e4 };
		CHECK(draw_tween_frame(dr, 0, &f, &o, px, &err) == 0);
		CHECK_EQ_INT(px[((size_t)(EH / 2) * EW + 86) * 4] != 0, j == 0);
		CHECK(px[((size_t)(EH / 2) * EW + 87) * 4] != 0);
		CHECK_EQ_INT(px[((size_t)(EH / 2) * EW + 85) * 4], 0);
	}
	free(px);
	draw_close(dr);
	free(s.pix);
}

/* Large sprites (quads, not points), colour images in label frames, blending, a
 * camera that culls some: the frames draw_frame draws, within the tolerance. */
static void test_gl_variants(void)
{
	struct ap_imgset s;
	imgs_init(&s, 40, 20, 3);
	double *a = points(40, 10, 3), *b = points(40, 10, 5);
	uint32_t tint[40];
	for (int i = 0; i < 40; i++)
		tint[i] = pal_label(i % 4, 10);
	struct ap_err err;
	struct draw_desc d = { .backend = DRAW_OSMESA };
	struct draw *dr = draw_open(&d, &s, a, &err);
	CHECK(dr != NULL);
	if (!dr)
		goto out_free;
	uint8_t *px = malloc(W * H * 4), *want = malloc(W * H * 4);
	double *xy = malloc(40 * 2 * sizeof *xy);
	struct draw_tween tw = { a, b, NULL, NULL, 0, TWEEN_EASE_SINE_IN_OUT };
	CHECK(draw_tween_set(dr, &tw, &err) == 0);
	static const double sides[3] = { 9, 30, 90 };
	size_t hl[1] = { 3 };
	size_t worst = 0;
	for (int j = 0; j < 3; j++)
		for (int k = 0; k < 5; k++) {
			double t = k / 4.0;
			memcpy(xy, draw_tween_points(dr, t), 40 * 2 * sizeof *xy);
			struct scene_frame f = { .w = W, .h = H, .cam = { 5, 5, 1.6 }, .s0 = 12, .sprite = sides[j],
						 .tint = tint, .tint_as_frame = 1, .highlight = hl, .nhighlight = 1 };
			struct draw_opts o = { .alpha = j == 1 ? DRAW_BLEND : DRAW_DISCARD,
					       .background = PAL_RGBA(20, 30, 40, 255) };
			CHECK(draw_tween_frame(dr, t, &f, &o, px, &err) == 0);
			CHECK(draw_frame(dr, xy, &f, &o, want, &err) == 0);
			size_t n = over(px, want, W * H, 2);
			worst = n > worst ? n : worst;
		}
	CHECK(worst <= 9);
	free(px);
	free(want);
	free(xy);
	draw_close(dr);
out_free:
	free(a);
	free(b);
	free(s.pix);
}

/* Discs and opacity (draw/dopts.h) on the resident path: discs alone, cross-faded,
 * images with an opacity, --opacity auto counted per frame: draw_frame's frames. */
static void test_gl_dots(void)
{
	struct scene sc;
	scene_init(&sc);
	struct ap_err err;
	struct draw_desc d = { .backend = DRAW_OSMESA, .coverage = true, .threshold = 0.5, .dot_color = sc.tint };
	struct draw *dr = draw_open(&d, &sc.s, sc.a, &err);
	CHECK(dr != NULL);
	if (!dr) {
		scene_free(&sc);
		return;
	}
	uint8_t *px = malloc(W * H * 4), *want = malloc(W * H * 4);
	double *xy = malloc(N * 2 * sizeof *xy);
	CHECK(draw_tween_set(dr, &sc.tw, &err) == 0);
	const struct draw_opts opts[] = {
		{ .background = PAL_RGBA(0, 0, 0, 255), .dots_below = 20 },                      /* discs */
		{ .background = PAL_RGBA(0, 0, 0, 255), .dots_below = 6 },                       /* w = log 1.5 / log 2 */
		{ .alpha = DRAW_BLEND, .background = PAL_RGBA(0, 0, 0, 255), .opacity = 0.5 },  /* images at 0.5 */
		{ .alpha = DRAW_BLEND, .background = PAL_RGBA(0, 0, 0, 255), .dots_below = 6, .opacity_auto = true },
	};
	size_t worst = 0;
	for (size_t j = 0; j < sizeof opts / sizeof *opts; j++)
		for (int k = 0; k < 10; k += 3) {
			struct scene_frame f;
			double t = frame_at(dr, &sc, k, &f, xy);
			CHECK(draw_tween_frame(dr, t, &f, &opts[j], px, &err) == 0);
			CHECK(draw_frame(dr, xy, &f, &opts[j], want, &err) == 0);
			size_t n = over(px, want, W * H, 2);
			if (n > 2)
				fprintf(stderr, "dots %zu frame %d: %zu px differ\n", j, k, n);
			worst = n > worst ? n : worst;
		}
	CHECK(worst <= 2);
	/* and a frame with discs really differs from one without */
	struct scene_frame f;
	double t = frame_at(dr, &sc, 5, &f, xy);
	CHECK(draw_tween_frame(dr, t, &f, &opts[0], px, &err) == 0);
	CHECK(draw_tween_frame(dr, t, &f, &discard, want, &err) == 0);
	CHECK(over(px, want, W * H, 2) > 1000);
	free(px);
	free(want);
	free(xy);
	draw_close(dr);
	scene_free(&sc);
}

/* Every curve in the shader as core/tween has it: each frame draw_frame's. */
static void test_gl_eases(void)
{
	struct ap_imgset s;
	imgs_init(&s, 40, 12, 1);
	double *a = points(40, 10, 13), *b = points(40, 10, 17), rank[40];
	for (int i = 0; i < 40; i++)
		rank[i] = i / 39.0;
	struct ap_err err;
	struct draw_desc d = { .backend = DRAW_OSMESA };
	struct draw *dr = draw_open(&d, &s, a, &err);
	CHECK(dr != NULL);
	if (!dr)
		goto out_free;
	uint8_t *px = malloc(W * H * 4), *want = malloc(W * H * 4);
	double *xy = malloc(40 * 2 * sizeof *xy);
	size_t worst = 0;
	for (int e = 0; e < TWEEN_EASE_COUNT; e++) {
		struct draw_tween tw = { a, b, NULL, rank, 0.4, (enum tween_ease)e };
		CHECK(draw_tween_set(dr, &tw, &err) == 0);
		for (double t = 0.15; t < 1; t += 0.3) {
			memcpy(xy, draw_tween_points(dr, t), 40 * 2 * sizeof *xy);
			struct scene_frame f = { .w = W, .h = H, .cam = { 5, 5, 1 }, .s0 = 14, .sprite = 12 };
			CHECK(draw_tween_frame(dr, t, &f, &discard, px, &err) == 0);
			CHECK(draw_frame(dr, xy, &f, &discard, want, &err) == 0);
			size_t n = over(px, want, W * H, 2);
			if (n > 2)
				fprintf(stderr, "ease %s at t %g: %zu px differ\n", tween_ease_name((enum tween_ease)e), t, n);
			worst = n > worst ? n : worst;
		}
	}
	CHECK(worst <= 2);
	free(px);
	free(want);
	free(xy);
	draw_close(dr);
out_free:
	free(a);
	free(b);
	free(s.pix);
}
#endif

/* Frames in flight: started frames finish oldest first, each into its own buffer,
 * with the bytes of the same frame drawn at once; the limits say what is wrong. */
static void test_inflight(enum draw_backend backend)
{
	struct scene sc;
	scene_init(&sc);
	struct ap_err err;
	struct draw_desc d = { .backend = backend, .coverage = true, .threshold = 0.5 };
	struct draw *dr = draw_open(&d, &sc.s, sc.a, &err);
	CHECK(dr != NULL);
	if (!dr)
		return;
	CHECK(draw_tween_set(dr, &sc.tw, &err) == 0);
	enum { K = 10, DEPTH = 3 };
	uint8_t *want = malloc((size_t)K * W * H * 4), *got = calloc((size_t)K, W * H * 4);
	double *xy = malloc(N * 2 * sizeof *xy);
	struct scene_frame f[K];
	double t[K];
	/* even frames from the plan, odd ones from the CPU's points, each at its own camera */
	for (int k = 0; k < K; k++) {
		t[k] = frame_at(dr, &sc, k, &f[k], xy);
		f[k].cam.zoom = 1 + 0.25 * k;
		int rc = k % 2 ? draw_frame(dr, xy, &f[k], &discard, want + (size_t)k * W * H * 4, &err)
			       : draw_tween_frame(dr, t[k], &f[k], &discard, want + (size_t)k * W * H * 4, &err);
		CHECK_EQ_INT(rc, 0);
	}
	CHECK_EQ_INT(draw_set_inflight(dr, 0, &err), -1);
	CHECK_STR(err.msg, "draw: 0 frames in flight: expected 1 to 4");
	CHECK_EQ_INT(draw_set_inflight(dr, 5, &err), -1);
	CHECK_STR(err.msg, "draw: 5 frames in flight: expected 1 to 4");
	CHECK(draw_finish(dr, &err) == NULL);
	CHECK_STR(err.msg, "draw: no frame in flight");
	CHECK_EQ_INT(draw_set_inflight(dr, DEPTH, &err), 0);
	int next = 0, order_ok = 1;
	for (int k = 0; k < K; k++) {
		uint8_t *buf = got + (size_t)k * W * H * 4;
		if (k % 2 == 0) {
			memcpy(xy, draw_tween_points(dr, t[k]), N * 2 * sizeof *xy);
			CHECK_EQ_INT(draw_tween_start(dr, t[k], &f[k], &discard, buf, &err), 0);
		} else {
			memcpy(xy, draw_tween_points(dr, t[k]), N * 2 * sizeof *xy);
			CHECK_EQ_INT(draw_frame_start(dr, xy, &f[k], &discard, buf, &err), 0);
		}
		if (draw_inflight(dr) == DEPTH) {
			CHECK_EQ_INT(draw_frame_start(dr, xy, &f[k], &discard, want, &err), -1);
			CHECK_STR(err.msg, "draw: 3 frames in flight already (draw_finish one first)");
			CHECK_EQ_INT(draw_frame(dr, xy, &f[k], &discard, want, &err), -1);
			CHECK_STR(err.msg, "draw: 3 frames in flight (draw_finish them first)");
			CHECK_EQ_INT(draw_set_inflight(dr, 2, &err), -1);
			CHECK_STR(err.msg, "draw: 3 frames still in flight");
			order_ok &= draw_finish(dr, &err) == got + (size_t)next++ * W * H * 4;
		}
	}
	while (draw_inflight(dr))
		order_ok &= draw_finish(dr, &err) == got + (size_t)next++ * W * H * 4;
	CHECK(order_ok);
	CHECK_EQ_INT(next, K);
	for (int k = 0; k < K; k++)
		CHECK(memcmp(got + (size_t)k * W * H * 4, want + (size_t)k * W * H * 4, W * H * 4) == 0);
	/* the frames differ from each other, so a mixed-up buffer would show */
	CHECK(memcmp(want, want + (size_t)2 * W * H * 4, W * H * 4) != 0);
	/* gray_out, in flight: each frame one byte a pixel, its R (a GL backend reads back
	 * RGBA, and the draw layer makes it gray when the frame is finished) */
	struct draw_opts gray = discard;
	gray.gray_out = true;
	memset(got, 0xee, (size_t)K * W * H * 4);
	for (int k = 0; k < K; k++) {
		uint8_t *buf = got + (size_t)k * W * H * 4;
		memcpy(xy, draw_tween_points(dr, t[k]), N * 2 * sizeof *xy);
		CHECK_EQ_INT(k % 2 ? draw_frame_start(dr, xy, &f[k], &gray, buf, &err)
				   : draw_tween_start(dr, t[k], &f[k], &gray, buf, &err), 0);
		if (draw_inflight(dr) == DEPTH)
			CHECK(draw_finish(dr, &err) != NULL);
	}
	while (draw_inflight(dr))
		CHECK(draw_finish(dr, &err) != NULL);
	int gray_wrong = 0;
	for (int k = 0; k < K; k++) {
		const uint8_t *g = got + (size_t)k * W * H * 4, *w = want + (size_t)k * W * H * 4;
		for (size_t i = 0; i < (size_t)W * H; i++)
			gray_wrong += g[i] != w[4 * i];
		/* the cpu backend writes nothing past it (GL reads back RGBA into the buffer) */
		gray_wrong += backend == DRAW_CPU && g[(size_t)W * H] != 0xee;
	}
	CHECK_EQ_INT(gray_wrong, 0);
	/* back to one at a time */
	CHECK_EQ_INT(draw_set_inflight(dr, 1, &err), 0);
	CHECK_EQ_INT(draw_tween_frame(dr, t[4], &f[4], &gray, got, &err), 0);
	gray_wrong = 0;
	for (size_t i = 0; i < (size_t)W * H; i++)
		gray_wrong += got[i] != want[(size_t)4 * W * H * 4 + 4 * i];
	CHECK_EQ_INT(gray_wrong, 0);
	CHECK_EQ_INT(draw_tween_frame(dr, t[4], &f[4], &discard, got, &err), 0);
	CHECK(memcmp(got, want + (size_t)4 * W * H * 4, W * H * 4) == 0);
	free(want);
	free(got);
	free(xy);
	draw_close(dr);
	scene_free(&sc);
}

int main(void)
{
	uint8_t *cpu_frames = malloc((size_t)10 * W * H * 4);
	test_cpu(cpu_frames);
	test_inflight(DRAW_CPU);
#ifndef AP_NO_GL
	test_inflight(DRAW_OSMESA);
	test_gl_resident(cpu_frames);
	test_gl_exact();
	test_gl_variants();
	test_gl_eases();
	test_gl_dots();
#endif
	free(cpu_frames);
	return t_done();
}
