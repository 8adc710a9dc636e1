#include "swr.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rows per unit of work: small enough to balance dense clusters between threads and
 * keep a float strip in L2, large enough that few sprites straddle two strips. */
#define STRIP 16

/* Filtered values are 8.8 fixed point: texel byte × 256, so 255 is 65280. */
#define ONE88 65280

/* One column of a sprite at one mip level: byte offset of the left texel, step to
 * the right one (0 at the page's last column: clamp to edge), weight of the right. */
struct col {
	int32_t o, d, f;
};

struct tls {
	struct col *col[2];          /* per mip level, frame width entries */
	int32_t *val[2];             /* filtered texels of one row, 4 per pixel */
	float *acc;                  /* STRIP rows of premultiplied RGBA (general path) */
};

struct swr {
	struct atlas a;
	int has_alpha;
	int threads;
	/* Texels are stored cell by cell, each cell holding all its levels (level k at
	 * lvoff[k], rows of pitch >> k texels): one sprite's texels are a few adjacent
	 * cache lines instead of a line per texel row scattered over a page. */
	uint8_t **mem;               /* per page: cols × rows cells */
	size_t cell_bytes, lvoff[ATLAS_MAX_LEVELS];
	struct tls t[SWR_MAX_THREADS];
	int tw;                      /* frame width the scratch holds */
	/* binning, reused across frames */
	int32_t *span;               /* per sprite: first and one past last column, row */
	size_t cap_span;
	uint32_t *strip_off, *strip_idx;
	size_t cap_off, cap_idx;
};

/* What one frame's threads share. */
struct job {
	struct swr *r;
	const struct scene_out *sc;
	int w, h, nstrips;
	uint8_t *rgba;
	bool fast;                   /* every source is opaque: write RGBA8 in place */
	enum render_alpha mode;
	int ch;
	int32_t thr88;               /* gray discard: keep values >= this */
	float thr;
	float bg[4], ol[4];          /* premultiplied */
	uint32_t bg8, ol8;           /* as the frame stores them */
	atomic_int next;
};

/* Per sprite, for the pixel loops. */
struct sp {
	int ix0, ix1;                /* covered columns */
	int ia, ib;                  /* columns inside the outline (all when none) */
	int nl;                      /* mip levels sampled: 1 or 2 */
	int fl;                      /* weight of the second level, 0..255 */
	bool white;
	float k[3];                  /* fast path: 8.8 value to output byte, tint included */
	float tint[4];               /* tint rgb × tint alpha, tint alpha */
};

static void put(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t pack(uint32_t r, uint32_t g, uint32_t b, uint32_t a)
{
	return r | g << 8 | b << 16 | a << 24;
}

static uint32_t unorm8(float v)
{
	v = v < 0 ? 0 : v > 1 ? 1 : v;
	return (uint32_t)(v * 255.0f + 0.5f);
}

/* A premultiplied accumulator as the shader stores it: straight alpha, RGBA8. */
static uint32_t store(const float acc[4])
{
	float a = acc[3], m = a > 0 && a < 1 ? 1 / a : 1;
	return pack(unorm8(acc[0] * m), unorm8(acc[1] * m), unorm8(acc[2] * m), unorm8(a));
}

static void premul(uint32_t c, float out[4])
{
	float a = (c >> 24 & 255) / 255.0f;
	out[0] = (c & 255) / 255.0f * a;
	out[1] = (c >> 8 & 255) / 255.0f * a;
	out[2] = (c >> 16 & 255) / 255.0f * a;
	out[3] = a;
}

/* render.c's rule for outline 0: white on dark or transparent, black on light. */
static uint32_t outline_colour(uint32_t outline, uint32_t bg)
{
	if (outline)
		return outline;
	if (!(bg >> 24))
		return 0xffffffffu;
	float lum = 0.2126f * (bg & 255) + 0.7152f * (bg >> 8 & 255) + 0.0722f * (bg >> 16 & 255);
	return lum < 128 ? 0xffffffffu : 0xff000000u;
}

/* ---- atlas pages ---- */

struct build {
	struct swr *r;
	const struct ap_imgset *s;
	atomic_uint next;
	atomic_bool failed;
};

/* Copy level k of every cell of a page from page layout to cell layout. */
static void scatter(const struct swr *r, uint32_t k, const uint8_t *lv, uint8_t *cells)
{
	const struct atlas *a = &r->a;
	size_t side = a->pitch >> k, row = side * a->channels, stride = (size_t)(a->page_w >> k) * a->channels;
	for (uint32_t cy = 0; cy < a->rows; cy++)
		for (uint32_t cx = 0; cx < a->cols; cx++) {
			uint8_t *dst = cells + ((size_t)cy * a->cols + cx) * r->cell_bytes + r->lvoff[k];
			const uint8_t *src = lv + cy * side * stride + cx * row;
			for (size_t y = 0; y < side; y++)
				memcpy(dst + y * row, src + y * stride, row);
		}
}

static void *build_pages(void *arg)
{
	struct build *b = arg;
	struct swr *r = b->r;
	const struct atlas *a = &r->a;
	uint8_t *lv[2] = { malloc(atlas_level_bytes(a, 0)), malloc(atlas_level_bytes(a, 0)) };
	if (!lv[0] || !lv[1]) {
		atomic_store(&b->failed, true);
		goto out_free_levels;
	}
	for (uint32_t p; (p = atomic_fetch_add(&b->next, 1)) < a->pages;) {
		atlas_build_page(a, b->s, p, lv[0]);
		scatter(r, 0, lv[0], r->mem[p]);
		for (uint32_t k = 1; k < a->levels; k++) {
			atlas_downsample(a, k - 1, lv[(k - 1) & 1], lv[k & 1]);
			scatter(r, k, lv[k & 1], r->mem[p]);
		}
	}
out_free_levels:
	free(lv[0]);
	free(lv[1]);
	return NULL;
}

/* Run fn on n threads, the caller being one of them. */
static void run_threads(int n, void *(*fn)(void *), void *arg)
{
	pthread_t th[SWR_MAX_THREADS];
	int started = 0;
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, fn, arg) == 0)
			started++;
	fn(arg);                     /* a thread that did not start leaves its work to the others */
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

struct swr *swr_new(const struct atlas *a, const struct ap_imgset *s, int threads, struct ap_err *err)
{
	struct swr *r = calloc(1, sizeof *r);
	if (!r) {
		ap_errf(err, "swr: out of memory");
		return NULL;
	}
	r->a = *a;
	r->has_alpha = s->c == 4;
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	r->threads = threads > SWR_MAX_THREADS ? SWR_MAX_THREADS : threads;
	for (uint32_t k = 0; k < a->levels; k++) {
		r->lvoff[k] = r->cell_bytes;
		r->cell_bytes += (size_t)(a->pitch >> k) * (a->pitch >> k) * a->channels;
	}
	if (!(r->mem = calloc(a->pages, sizeof *r->mem)))
		goto out_oom;
	for (uint32_t p = 0; p < a->pages; p++)
		if (!(r->mem[p] = malloc((size_t)a->cols * a->rows * r->cell_bytes)))
			goto out_oom;
	struct build b = { .r = r, .s = s };
	atomic_init(&b.next, 0);
	atomic_init(&b.failed, false);
	run_threads(r->threads, build_pages, &b);
	if (atomic_load(&b.failed))
		goto out_oom;
	return r;
out_oom:
	ap_errf(err, "swr: out of memory for %u atlas page(s) of %ux%u", a->pages, a->page_w, a->page_h);
	swr_free(r);
	return NULL;
}

static void free_scratch(struct swr *r)
{
	for (int i = 0; i < SWR_MAX_THREADS; i++) {
		struct tls *t = &r->t[i];
		free(t->col[0]);
		free(t->col[1]);
		free(t->val[0]);
		free(t->val[1]);
		free(t->acc);
		memset(t, 0, sizeof *t);
	}
	r->tw = 0;
}

void swr_free(struct swr *r)
{
	if (!r)
		return;
	if (r->mem)
		for (uint32_t p = 0; p < r->a.pages; p++)
			free(r->mem[p]);
	free(r->mem);
	free_scratch(r);
	free(r->span);
	free(r->strip_off);
	free(r->strip_idx);
	free(r);
}

int swr_threads(const struct swr *r)
{
	return r->threads;
}

/* ---- sampling ---- */

/* The columns (or rows) whose centres lie in [lo, hi), within [0, n). */
static void centres(float lo, float hi, int n, int *i0, int *i1)
{
	double a = ceil((double)lo - 0.5), b = ceil((double)hi - 0.5);
	a = a < 0 ? 0 : a > n ? n : a;
	b = b < a ? a : b > n ? n : b;
	*i0 = (int)a;
	*i1 = (int)b;
}

/* Texel coordinate t (level 0 units) at level lv to the left (top) texel relative to
 * the cell starting at texel cell, its 8-bit weight, and whether a next texel exists
 * in the cell: the clamp to the cell leaves that one a weight of 0 anyway. */
static void texel_pos(float t, int lv, uint32_t cell, uint32_t side, int *i, int *d, int *f)
{
	float u = t * (1.0f / (float)(1 << lv)) - 0.5f;
	int32_t U = (int32_t)(u * 256.0f + 0.5f);
	*i = (U >> 8) - (int)(cell >> lv);
	*f = U & 255;
	*d = (uint32_t)*i + 1 < side;
	assert(*i >= 0 && (uint32_t)*i < side && (*d || !*f));
}

static void sample_gray(const struct col *c, int n, const uint8_t *r0, const uint8_t *r1, int fy, int32_t *out)
{
	for (int i = 0; i < n; i++) {
		int o = c[i].o, d = c[i].d, f = c[i].f;
		int32_t top = (r0[o] << 8) + (r0[o + d] - r0[o]) * f;
		int32_t bot = (r1[o] << 8) + (r1[o + d] - r1[o]) * f;
		out[i] = ((top << 8) + (bot - top) * fy + 128) >> 8;
	}
}

static void sample_rgba(const struct col *c, int n, const uint8_t *r0, const uint8_t *r1, int fy, int32_t *out)
{
	for (int i = 0; i < n; i++) {
		int o = c[i].o, d = c[i].d, f = c[i].f;
		for (int k = 0; k < 4; k++) {
			int32_t top = (r0[o + k] << 8) + (r0[o + d + k] - r0[o + k]) * f;
			int32_t bot = (r1[o + k] << 8) + (r1[o + d + k] - r1[o + k]) * f;
			out[4 * i + k] = ((top << 8) + (bot - top) * fy + 128) >> 8;
		}
	}
}

static void lerp_levels(int32_t *a, const int32_t *b, int n, int f)
{
	for (int i = 0; i < n; i++)
		a[i] = ((a[i] << 8) + (b[i] - a[i]) * f + 128) >> 8;
}

/* ---- compositing one row of one sprite ---- */

/* Opaque sources, gray pages: write over what is there. */
static void fast_gray(const struct job *j, const struct sp *p, const int32_t *v, int n, uint8_t *dst)
{
	bool discard = j->mode == RENDER_DISCARD;
	int32_t thr = j->thr88;
	if (p->white) {
		for (int i = 0; i < n; i++) {
			if (discard && v[i] < thr)
				continue;
			put(dst + 4 * i, (uint32_t)((v[i] + 128) >> 8) * 0x010101u | 0xff000000u);
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		if (discard && v[i] < thr)
			continue;
		float x = (float)v[i];
		put(dst + 4 * i, pack((uint32_t)(x * p->k[0] + 0.5f), (uint32_t)(x * p->k[1] + 0.5f),
				      (uint32_t)(x * p->k[2] + 0.5f), 255));
	}
}

/* The value the discard test reads, in [0, 1]. */
static float coverage(const struct job *j, const int32_t *v)
{
	if (j->r->has_alpha)
		return (float)v[3] * (1.0f / ONE88);
	return (0.2126f * (float)v[0] + 0.7152f * (float)v[1] + 0.0722f * (float)v[2]) * (1.0f / ONE88);
}

static void fast_rgba(const struct job *j, const struct sp *p, const int32_t *v, int n, uint8_t *dst)
{
	bool discard = j->mode == RENDER_DISCARD;
	for (int i = 0; i < n; i++, v += 4) {
		if (discard && coverage(j, v) < j->thr)
			continue;
		put(dst + 4 * i, pack((uint32_t)((float)v[0] * p->k[0] + 0.5f), (uint32_t)((float)v[1] * p->k[1] + 0.5f),
				      (uint32_t)((float)v[2] * p->k[2] + 0.5f), 255));
	}
}

static void over(float *acc, const float src[4])
{
	float k = 1 - src[3];
	acc[0] = src[0] + k * acc[0];
	acc[1] = src[1] + k * acc[1];
	acc[2] = src[2] + k * acc[2];
	acc[3] = src[3] + k * acc[3];
}

/* Any sources: premultiplied "over" into the float strip. */
static void over_row(const struct job *j, const struct sp *p, const int32_t *v, int n, float *acc)
{
	bool gray = j->ch == 1, has_alpha = j->r->has_alpha;
	const float *t = p->tint, s = 1.0f / ONE88;
	for (int i = 0; i < n; i++, acc += 4) {
		const int32_t *x = gray ? v + i : v + 4 * i;
		float r = (float)x[0] * s, g = gray ? r : (float)x[1] * s, b = gray ? r : (float)x[2] * s;
		float src[4];
		if (j->mode == RENDER_BLEND) {
			float al = gray ? r : has_alpha ? (float)x[3] * s : 1.0f;
			if (gray)
				r = g = b = 1.0f;
			src[0] = r * al * t[0];
			src[1] = g * al * t[1];
			src[2] = b * al * t[2];
			src[3] = al * t[3];
		} else {
			if (j->mode == RENDER_DISCARD && (gray ? r : coverage(j, x)) < j->thr)
				continue;
			src[0] = r * t[0];
			src[1] = g * t[1];
			src[2] = b * t[2];
			src[3] = t[3];
		}
		over(acc, src);
	}
}

static void outline_span(const struct job *j, int n, uint8_t *dst, float *acc)
{
	for (int i = 0; i < n; i++) {
		if (j->fast)
			put(dst + 4 * i, j->ol8);
		else
			over(acc + 4 * i, j->ol);
	}
}

/* ---- one sprite in one strip ---- */

static void setup_sprite(const struct job *j, const struct scene_sprite *s, const int32_t *span, struct sp *p)
{
	p->ix0 = span[0];
	p->ix1 = span[1];
	p->ia = p->ix0;
	p->ib = p->ix1;
	if (s->page_flags >> 16 & SCENE_OUTLINE) {
		float w = (float)(s->page_flags >> 24 & 255);
		int ia, ib, unused;
		centres(s->x0 + w, s->x1, j->w, &ia, &unused);
		centres(s->x0, s->x1 - w, j->w, &unused, &ib);
		p->ia = ia < p->ix0 ? p->ix0 : ia;
		p->ib = ib > p->ix1 ? p->ix1 : ib < p->ia ? p->ia : ib;
	}
	uint32_t c = s->tint;
	float ta = (c >> 24 & 255) / 255.0f;
	for (int k = 0; k < 3; k++) {
		float tc = (c >> 8 * k & 255) / 255.0f;
		p->tint[k] = tc * ta;
		p->k[k] = (float)(c >> 8 * k & 255) * (1.0f / ONE88);
	}
	p->tint[3] = ta;
	p->white = (c & 0xffffff) == 0xffffff;
}

/* Which mip levels, and the columns' texel positions at each. */
static void setup_levels(const struct job *j, const struct scene_sprite *s, struct sp *p, struct tls *t,
			 float sx, float sy, int *la, float *halfw)
{
	const struct atlas *a = &j->r->a;
	float lod = log2f(fmaxf(sx, sy));
	lod = fminf(fmaxf(lod, 0.0f), (float)(a->levels - 1));
	*halfw = 0.5f * exp2f(ceilf(lod));
	*la = (int)lod;
	p->fl = (int)((lod - (float)*la) * 256.0f + 0.5f);
	if (p->fl >= 256) {
		(*la)++;
		p->fl = 0;
	}
	p->nl = p->fl ? 2 : 1;
	uint32_t tx = s->tex & 0xffff, cell = tx / a->pitch * a->pitch;
	float lo = (float)cell + *halfw, hi = (float)(cell + a->pitch) - *halfw;
	for (int l = 0; l < p->nl; l++) {
		int lv = *la + l;
		struct col *c = t->col[l];
		for (int i = p->ia; i < p->ib; i++) {
			float x = (float)tx + (((float)i + 0.5f) - s->x0) * sx;
			x = fminf(fmaxf(x, lo), hi);
			int xi, d, f;
			texel_pos(x, lv, cell, a->pitch >> lv, &xi, &d, &f);
			c[i - p->ia] = (struct col){ xi * j->ch, d * j->ch, f };
		}
	}
}

static void draw_sprite(const struct job *j, struct tls *t, const struct scene_sprite *s, const int32_t *span,
			int ya, int yb)
{
	const struct atlas *a = &j->r->a;
	int y0 = span[2] > ya ? span[2] : ya, y1 = span[3] < yb ? span[3] : yb;
	struct sp p;
	setup_sprite(j, s, span, &p);
	bool outlined = s->page_flags >> 16 & SCENE_OUTLINE;
	int ry0 = y0, ry1 = y1;      /* rows inside the outline */
	if (outlined) {
		float w = (float)(s->page_flags >> 24 & 255);
		int unused;
		centres(s->y0 + w, s->y1, j->h, &ry0, &unused);
		centres(s->y0, s->y1 - w, j->h, &unused, &ry1);
	}
	float sx = (float)(s->size & 0xffff) / (s->x1 - s->x0);
	float sy = (float)(s->size >> 16) / (s->y1 - s->y0);
	int la;
	float halfw;
	setup_levels(j, s, &p, t, sx, sy, &la, &halfw);
	uint32_t tx = s->tex & 0xffff, ty = s->tex >> 16, cell = ty / a->pitch * a->pitch;
	uint32_t page = s->page_flags & 0xffff;
	float lo = (float)cell + halfw, hi = (float)(cell + a->pitch) - halfw;
	assert(page < a->pages);
	const uint8_t *texels = j->r->mem[page] +
		((size_t)(ty / a->pitch) * a->cols + tx / a->pitch) * j->r->cell_bytes;
	int n = p.ib - p.ia;
	for (int y = y0; y < y1; y++) {
		uint8_t *dst = j->rgba + ((size_t)y * j->w + (size_t)p.ix0) * 4;
		float *acc = j->fast ? NULL : t->acc + ((size_t)(y - ya) * j->w + (size_t)p.ix0) * 4;
		if (outlined && (y < ry0 || y >= ry1)) {
			outline_span(j, p.ix1 - p.ix0, dst, acc);
			continue;
		}
		if (outlined) {
			int left = p.ia - p.ix0;
			outline_span(j, left, dst, acc);
			outline_span(j, p.ix1 - p.ib, dst + 4 * (p.ib - p.ix0), acc ? acc + 4 * (p.ib - p.ix0) : NULL);
			dst += 4 * left;
			if (acc)
				acc += 4 * left;
		}
		if (n <= 0)
			continue;
		float yt = (float)ty + (((float)y + 0.5f) - s->y0) * sy;
		yt = fminf(fmaxf(yt, lo), hi);
		for (int l = 0; l < p.nl; l++) {
			int lv = la + l, yi, d, f;
			size_t row = (size_t)(a->pitch >> lv) * (size_t)j->ch;
			texel_pos(yt, lv, cell, a->pitch >> lv, &yi, &d, &f);
			const uint8_t *r0 = texels + j->r->lvoff[lv] + (size_t)yi * row;
			const uint8_t *r1 = r0 + (size_t)d * row;
			if (j->ch == 1)
				sample_gray(t->col[l], n, r0, r1, f, t->val[l]);
			else
				sample_rgba(t->col[l], n, r0, r1, f, t->val[l]);
		}
		if (p.nl == 2)
			lerp_levels(t->val[0], t->val[1], n * j->ch, p.fl);
		if (!j->fast)
			over_row(j, &p, t->val[0], n, acc);
		else if (j->ch == 1)
			fast_gray(j, &p, t->val[0], n, dst);
		else
			fast_rgba(j, &p, t->val[0], n, dst);
	}
}

/* ---- strips and threads ---- */

static void do_strip(struct job *j, struct tls *t, int k)
{
	int ya = k * STRIP, yb = ya + STRIP < j->h ? ya + STRIP : j->h;
	size_t w = (size_t)j->w;
	if (j->fast) {
		for (int y = ya; y < yb; y++) {
			uint8_t *row = j->rgba + (size_t)y * w * 4;
			for (size_t x = 0; x < w; x++)
				put(row + 4 * x, j->bg8);
		}
	} else {
		for (size_t i = 0; i < (size_t)(yb - ya) * w; i++)
			memcpy(t->acc + 4 * i, j->bg, sizeof j->bg);
	}
	const struct swr *r = j->r;
	for (uint32_t e = r->strip_off[k]; e < r->strip_off[k + 1]; e++) {
		uint32_t i = r->strip_idx[e];
		draw_sprite(j, t, &j->sc->sprites[i], r->span + 4 * (size_t)i, ya, yb);
	}
	if (!j->fast)
		for (size_t i = 0; i < (size_t)(yb - ya) * w; i++)
			put(j->rgba + ((size_t)ya * w + i) * 4, store(t->acc + 4 * i));
}

struct worker {
	struct job *j;
	atomic_int id;
};

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct job *j = wk->j;
	struct tls *t = &j->r->t[atomic_fetch_add(&wk->id, 1)];
	for (int k; (k = atomic_fetch_add(&j->next, 1)) < j->nstrips;)
		do_strip(j, t, k);
	return NULL;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static int alloc_scratch(struct swr *r, int w)
{
	if (w <= r->tw)
		return 0;
	free_scratch(r);
	for (int i = 0; i < r->threads; i++) {
		struct tls *t = &r->t[i];
		t->col[0] = malloc((size_t)w * sizeof *t->col[0]);
		t->col[1] = malloc((size_t)w * sizeof *t->col[1]);
		t->val[0] = malloc((size_t)w * 4 * sizeof *t->val[0]);
		t->val[1] = malloc((size_t)w * 4 * sizeof *t->val[1]);
		t->acc = malloc((size_t)w * STRIP * 4 * sizeof *t->acc);
		if (!t->col[0] || !t->col[1] || !t->val[0] || !t->val[1] || !t->acc) {
			free_scratch(r);
			return -1;
		}
	}
	r->tw = w;
	return 0;
}

/* Covered pixels of every sprite, and per strip the sprites touching it, in order. */
static int bin(struct swr *r, struct job *j)
{
	const struct scene_out *sc = j->sc;
	size_t n = sc->nsprites, ns = (size_t)j->nstrips;
	if (grow((void **)&r->span, &r->cap_span, 4 * n, sizeof *r->span) ||
	    grow((void **)&r->strip_off, &r->cap_off, ns + 1, sizeof *r->strip_off))
		return -1;
	uint32_t *off = r->strip_off;
	memset(off, 0, (ns + 1) * sizeof *off);
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const struct scene_sprite *s = &sc->sprites[i];
		int32_t *sp = r->span + 4 * i;
		centres(s->x0, s->x1, j->w, &sp[0], &sp[1]);
		centres(s->y0, s->y1, j->h, &sp[2], &sp[3]);
		if (sp[0] >= sp[1] || sp[2] >= sp[3]) {
			sp[3] = sp[2];
			continue;
		}
		for (int k = sp[2] / STRIP; k <= (sp[3] - 1) / STRIP; k++)
			off[k + 1]++;
		total += (size_t)((sp[3] - 1) / STRIP - sp[2] / STRIP + 1);
		if ((s->tint >> 24) != 255)
			j->fast = false;
	}
	if (grow((void **)&r->strip_idx, &r->cap_idx, total, sizeof *r->strip_idx))
		return -1;
	for (size_t k = 0; k < ns; k++)
		off[k + 1] += off[k];
	/* fill, using off[k] as the cursor of strip k, then shift back */
	for (size_t i = 0; i < n; i++) {
		const int32_t *sp = r->span + 4 * i;
		if (sp[2] >= sp[3])
			continue;
		for (int k = sp[2] / STRIP; k <= (sp[3] - 1) / STRIP; k++)
			r->strip_idx[off[k]++] = (uint32_t)i;
	}
	for (size_t k = ns; k > 0; k--)
		off[k] = off[k - 1];
	off[0] = 0;
	return 0;
}

int swr_frame(struct swr *r, const struct scene_out *sc, int w, int h, const struct render_opts *o,
	      uint8_t *rgba, struct ap_err *err)
{
	if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
		return ap_errf(err, "frame %dx%d: outside 1..65535", w, h);
	struct job j = {
		.r = r, .sc = sc, .w = w, .h = h, .rgba = rgba,
		.nstrips = (h + STRIP - 1) / STRIP,
		.mode = o->alpha, .ch = (int)r->a.channels,
		.thr = (float)(o->threshold_set ? o->threshold : RENDER_DEFAULT_THRESHOLD),
	};
	double thr88 = ceil((double)j.thr * ONE88);
	j.thr88 = thr88 < 0 ? 0 : thr88 > ONE88 + 1 ? ONE88 + 1 : (int32_t)thr88;
	premul(o->background, j.bg);
	j.bg8 = store(j.bg);
	uint32_t ol = outline_colour(o->outline, o->background);
	premul(ol, j.ol);
	j.ol8 = store(j.ol);
	j.fast = o->alpha != RENDER_BLEND && (ol >> 24) == 255;
	atomic_init(&j.next, 0);
	if (alloc_scratch(r, w) || bin(r, &j))
		return ap_errf(err, "swr: out of memory for a %dx%d frame of %zu sprites", w, h, sc->nsprites);
	struct worker wk = { .j = &j };
	atomic_init(&wk.id, 0);
	int nt = r->threads < j.nstrips ? r->threads : j.nstrips;
	run_threads(nt, work, &wk);
	return 0;
}
