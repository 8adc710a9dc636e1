#include "draw/swr/swr.h"

#include "base/grow.h"
#include "core/pal.h"
#include "core/presc.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define THR_UNSET 0xffffu

/* A prescaled image's state: not made, being made by a thread, made. */
enum { PRE_NONE, PRE_BUSY, PRE_DONE };

/* The unit of work, a tile of 32 rows by 512 columns: small enough to balance dense
 * clusters between threads and to keep a float accumulator in L2 (256 KiB), large
 * enough that few sprites straddle two tiles and pay their setup twice (measured on
 * MNIST: 16 and 64 rows are slower). */
#define STRIP_LOG2 5
#define STRIP (1 << STRIP_LOG2)
#define TILE_W_LOG2 9
#define TILE_W (1 << TILE_W_LOG2)

/* Filtered values are 8.8 fixed point: texel byte × 256, so 255 is 65280. */
#define ONE88 65280

/* Filtering runs on 8 lanes of 16 bits (GCC/Clang vector extensions: SSE2 on x86-64,
 * NEON on ARM, plain code elsewhere). A lane is one pixel's channel. */
#define LANES 8
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x4 __attribute__((vector_size(8)));
typedef uint8_t u8x8 __attribute__((vector_size(8)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));

#define INLINE static inline __attribute__((always_inline))

/* With GCC on x86-64, a CPU with SSSE3 gathers 8 lanes' texel pairs of a row with
 * one byte shuffle (pshufb) where they lie within 16 bytes, as they mostly do for the
 * two levels trilinear filtering reads. Elsewhere, or when they do not, 16 loads. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SHUFFLE 1
typedef uint8_t u8x16 __attribute__((vector_size(16)));
#else
#define SHUFFLE 0
#endif

/* The shader's LOD for a sprite of scale sx, sy (texels per pixel). */
struct lod {
	int la, fl;                  /* the first level sampled, the second's weight 0..255 */
	float frac;                  /* the LOD's fraction and whole part, as the shader has them */
	int lfloor;
	float halfw;                 /* the clamp's margin */
};

/* A sprite as a tile sees it: the scene's record and the pixels it covers. */
struct item {
	struct scene_sprite s;
	int32_t ix0, ix1, iy0, iy1;
	uint32_t pre;                /* its cell, when drawn from a prescaled image; else NO_PRE */
};

#define NO_PRE UINT32_MAX
#define SPAN 5                       /* ints of binning's record of a sprite */

struct tls {
	int32_t *xo[2];              /* per mip level and lane: left texel's byte offset in a cell row */
	uint16_t *xf[2];             /* per mip level and lane: weight of the right texel, 0..255 */
	int32_t yo[2][STRIP + LANES];   /* per mip level and row: top texel row's offset in the level */
	uint16_t yf[2][STRIP + LANES];  /* per mip level and row: weight of the next row */
	uint16_t *val[2];            /* per mip level and lane: filtered values of one row, 8.8 */
#if SHUFFLE
	u8x16 *mask[2];              /* per mip level and LANES lanes: where their pairs lie */
#endif
	float *acc;                  /* a tile of premultiplied RGBA (float path) */
	float msx, msy;              /* the last sprite scale and what it gave */
	struct lod mlod;
};

struct swr {
	struct atlas a;
	float *cov;                  /* n × levels coverage scales, as atlas_coverage_table's,
	                              * each cell's row made by cov_row on first use; NULL: no
	                              * coverage scaling */
	_Atomic uint8_t *cov_state;  /* per cell: its row made yet (PRE_* states) */
	/* Per cell, its scaled discard threshold as 8.8 (THR_UNSET until a sprite needs it)
	 * for the threshold and LOD in key: a transition's frames share them, and the table
	 * is 2 bytes a cell where cov is a cache line. */
	_Atomic uint16_t *thr_cell;
	struct {
		float thr, frac;
		int lfloor;
	} key;
	double cov_thr;              /* the threshold cov was made for */
	/* Sprites of the frame's common scale when minified, drawn from their images
	 * prescaled to it (presc.h) as binning first meets them: the scale and threshold
	 * they were made for, and per cell the texels, their state and discard threshold. */
	struct {
		bool on;                 /* this frame draws from them */
		bool made;               /* key and thr are what the images were made for */
		struct presc_key key;
		float thr;
		uint8_t *texels;
		_Atomic uint8_t *state;
		float *thr_f;            /* the coverage-scaled threshold, and as 8.8 */
		uint16_t *thr88;
		size_t cap;              /* bytes texels holds */
	} pre;
	int has_alpha;
	int threads;
	bool ssse3;
	/* Texels are stored cell by cell, each cell holding all its levels (level k at
	 * lvoff[k], rows of pitch >> k texels): one sprite's texels are a few adjacent
	 * cache lines instead of a line per texel row scattered over a page. */
	uint8_t *cells;              /* page after page, cols × rows cells each */
	size_t cell_bytes, page_bytes, lvoff[ATLAS_MAX_LEVELS];
	uint64_t pitch_inv;          /* ceil(2^32 / pitch) */
	struct tls t[SWR_MAX_THREADS];
	int tw;                      /* frame width the scratch holds */
	/* binning, reused across frames */
	int32_t *span;               /* per sprite SPAN: first and one past last column, row; prescaled cell */
	size_t cap_span;
	uint32_t *tile_off;          /* per tile: its first item */
	size_t cap_off;
	uint32_t *cnt;               /* per binning chunk and tile: count, then cursor */
	size_t cap_cnt;
	struct item *items;          /* tile after tile, each in draw order */
	size_t cap_items;
};

/* What one frame's threads share. */
struct job {
	struct swr *r;
	int w, h, tiles_x, ntiles;
	uint8_t *rgba;
	bool fast;                   /* every source is opaque: write RGBA8 in place */
	enum draw_alpha mode;
	int ch;
	uint32_t thr88;              /* discard: keep values (gray, alpha) >= this */
	float thr;
	float bg[4], ol[4];          /* premultiplied */
	uint32_t bg8, ol8;           /* as the frame stores them */
	atomic_int next;
};

/* One tile: columns [xa, xb), rows [ya, yb). */
struct tile {
	int xa, xb, ya, yb;
};

/* One sprite clipped to one tile, for the pixel loops. */
struct sp {
	int ix0, ix1, y0, y1;        /* covered columns, rows in this tile */
	int ia, ib, ry0, ry1;        /* columns, rows inside the outline (all when none) */
	int nl, la, fl;              /* mip levels sampled (1 or 2), the first, weight of the second */
	float sx, sy, halfw;         /* texels per pixel, the clamp's margin */
	uint32_t cellx, celly;       /* the cell's first texel column, row */
	const uint8_t *texels;       /* the cell */
	bool white;
	bool shuf;                   /* gather with a shuffle: t->mask holds it */
	float k[3];                  /* fast path: 8.8 value to output byte, tint included */
	float tint[4];               /* float path: tint rgb × tint alpha, tint alpha */
	uint32_t border8;            /* outline or label frame: as the frame stores it */
	float frac;                  /* the LOD's fraction and whole part, as the shader has them */
	int lfloor;
	float thr;                   /* discard: this sprite's threshold (coverage-scaled) */
	uint32_t thr88;
	float border[4];             /* premultiplied */
	/* drawn from its prescaled image: the texels of the first pixel's top-left
	 * neighbour, the row length, and the fixed weights of the right and lower ones */
	const uint8_t *pre_top;
	size_t pre_row;
	uint16_t pfx, pfy;
};

/* RGBA8 pixels as r | g << 8 | b << 16 | a << 24, stored in that byte order. */
INLINE void put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

INLINE uint32_t get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
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
	if (a < 0.5f / 255.0f)
		return 0;               /* what stores as transparent is transparent black */
	return pack(unorm8(acc[0] * m), unorm8(acc[1] * m), unorm8(acc[2] * m), unorm8(a));
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
		scatter(r, 0, lv[0], r->cells + p * r->page_bytes);
		for (uint32_t k = 1; k < a->levels; k++) {
			atlas_downsample(a, k - 1, lv[(k - 1) & 1], lv[k & 1]);
			scatter(r, k, lv[k & 1], r->cells + p * r->page_bytes);
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
#if SHUFFLE
	r->ssse3 = __builtin_cpu_supports("ssse3") && !getenv("ATLASPLOT_SWR_NO_SHUFFLE");
#endif
	for (uint32_t k = 0; k < a->levels; k++) {
		r->lvoff[k] = r->cell_bytes;
		r->cell_bytes += (size_t)(a->pitch >> k) * (a->pitch >> k) * a->channels;
	}
	r->page_bytes = (size_t)a->cols * a->rows * r->cell_bytes;
	r->pitch_inv = (((uint64_t)1 << 32) + a->pitch - 1) / a->pitch;
	/* filtering reads the texel right of and the row below the last, with weight 0,
	 * and a shuffled gather 16 bytes: pad */
	size_t pad = 8 * (size_t)a->pitch + 16, bytes = a->pages * r->page_bytes + pad;
	/* each sprite reads a random place: huge pages spare most TLB misses */
	if (posix_memalign((void **)&r->cells, (size_t)2 << 20, bytes))
		goto out_oom;
#ifdef MADV_HUGEPAGE
	madvise(r->cells, bytes, MADV_HUGEPAGE);
#endif
	memset(r->cells + bytes - pad, 0, pad);
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

static void free_scratch(struct swr *r);

/* Cell i's coverage row, made on first use: a frame drawn from prescaled images never
 * reads the table, and a zoom reads a few cells of it (making all 70,000 MNIST rows up
 * front was a third of the start-up's CPU time). */
static const float *cov_row(const struct swr *r, size_t i)
{
	const struct atlas *a = &r->a;
	_Atomic uint8_t *st = &r->cov_state[i];
	uint8_t v = atomic_load_explicit(st, memory_order_acquire);
	if (v == PRE_NONE && atomic_compare_exchange_strong(st, &v, PRE_BUSY)) {
		size_t per_page = (size_t)a->cols * a->rows;
		const uint8_t *cell = r->cells + i / per_page * r->page_bytes + i % per_page * r->cell_bytes;
		const uint8_t *lv[ATLAS_MAX_LEVELS];
		for (uint32_t k = 0; k < a->levels; k++)
			lv[k] = cell + r->lvoff[k];
		atlas_coverage_cell(a, lv, r->has_alpha, r->cov_thr, r->cov + i * a->levels);
		atomic_store_explicit(st, PRE_DONE, memory_order_release);
	}
	while (atomic_load_explicit(st, memory_order_acquire) != PRE_DONE)
		;                    /* another thread is making it: a few microseconds */
	return r->cov + i * a->levels;
}

int swr_coverage(struct swr *r, double threshold, struct ap_err *err)
{
	free(r->cov);
	free(r->thr_cell);
	free((void *)r->cov_state);
	r->thr_cell = NULL;
	r->cov_state = NULL;
	if (!(r->cov = malloc(r->a.n * r->a.levels * sizeof *r->cov)) ||
	    !(r->thr_cell = malloc(r->a.n * sizeof *r->thr_cell)) ||
	    !(r->cov_state = malloc(r->a.n * sizeof *r->cov_state)))
		return ap_errf(err, "swr: out of memory for the coverage table");
	for (size_t i = 0; i < r->a.n; i++)
		atomic_init(&r->cov_state[i], PRE_NONE);
	r->key.thr = -1;             /* no key: swr_frame sets one */
	r->cov_thr = threshold;
	r->pre.made = false;         /* prescaled thresholds: made again */
	return 0;
}

void swr_free(struct swr *r)
{
	if (!r)
		return;
	free(r->cov);
	free((void *)r->cov_state);
	free(r->thr_cell);
	free(r->pre.texels);
	free((void *)r->pre.state);
	free(r->pre.thr_f);
	free(r->pre.thr88);
	free(r->cells);
	free_scratch(r);
	free(r->span);
	free(r->cnt);
	free(r->tile_off);
	free(r->items);
	free(r);
}

int swr_threads(const struct swr *r)
{
	return r->threads;
}

/* ---- sampling ---- */

/* The first pixel whose centre i + 0.5 is >= v, in [0, n]: a sprite covers the
 * columns [first_centre(x0), first_centre(x1)), as the shader's float test does. */
static int first_centre(float v, int n)
{
	double x = (double)v - 0.5;
	if (!(x > 0))
		return 0;
	if (x >= n)
		return n;
	int i = (int)x;
	return i + (i < x);
}

/* Bilinear filtering of 8 lanes: p and q hold the left texel in their low byte and
 * the right one in their high byte, for the top and bottom row. 8-bit weights, the
 * horizontal result rounded to 8 bits, the vertical one kept in 8.8: a weight of 0
 * gives the texel exactly. */
INLINE u16x8 bilerp(u16x8 p, u16x8 q, u16x8 f, uint16_t fy)
{
	u16x8 f1 = 256 - f;
	u16x8 top = ((p & 255) * f1 + (p >> 8) * f + 128) >> 8;
	u16x8 bot = ((q & 255) * f1 + (q >> 8) * f + 128) >> 8;
	return top * (uint16_t)(256 - fy) + bot * fy;
}

/* Texel p and the one ch bytes to its right, as low and high byte. */
INLINE uint16_t pair(const uint8_t *p, int ch)
{
	if (ch > 1)
		return (uint16_t)(p[0] | p[ch] << 8);
	uint16_t v;
	memcpy(&v, p, 2);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = (uint16_t)(v >> 8 | v << 8);
#endif
	return v;
}

INLINE u16x8 gather(const uint8_t *r, const int32_t *xo, int ch)
{
	return (u16x8){ pair(r + xo[0], ch), pair(r + xo[1], ch), pair(r + xo[2], ch), pair(r + xo[3], ch),
			pair(r + xo[4], ch), pair(r + xo[5], ch), pair(r + xo[6], ch), pair(r + xo[7], ch) };
}

#if SHUFFLE
/* The 16 bytes holding 8 lanes' pairs (from xo[0] on), and the pairs themselves
 * (mask from setup_shuffle). */
INLINE u8x16 load16(const uint8_t *r, const int32_t *xo)
{
	u8x16 v;
	memcpy(&v, r + xo[0], sizeof v);
	return v;
}

INLINE u16x8 shuffled(u8x16 v, u8x16 mask)
{
	return (u16x8)__builtin_shuffle(v, mask);
}

/* Masks for shuffled(), if every block's pairs lie within 16 bytes. */
static bool setup_shuffle(struct tls *t, const struct sp *p, int lanes, int ch)
{
	for (int l = 0; l < p->nl; l++)
		for (int b = 0; b < lanes; b += LANES) {
			const int32_t *xo = t->xo[l] + b;
			if (xo[LANES - 1] + ch - xo[0] > 15)
				return false;
			i32x4 lo, hi;
			memcpy(&lo, xo, sizeof lo);
			memcpy(&hi, xo + 4, sizeof hi);
			/* the low halves of the offsets from the first: lane k's pair is d, d + ch */
			u16x8 d = __builtin_shuffle((u16x8)(lo - xo[0]), (u16x8)(hi - xo[0]),
						    (u16x8){ 0, 2, 4, 6, 8, 10, 12, 14 });
			t->mask[l][b / LANES] = (u8x16)(d | (d + (uint16_t)ch) << 8);
		}
	return true;
}
#endif

static uint32_t threshold88(float thr);

/* ---- compositing one row of one sprite ---- */

/* Opaque sources, gray pages: write over what is there. */
static void fast_gray(const struct job *j, const struct sp *p, const uint16_t *v, int n, uint8_t *dst)
{
	uint32_t thr = j->mode == DRAW_DISCARD ? p->thr88 : 0;
	if (p->white) {
		for (int i = 0; i < n; i++) {
			uint32_t c = (uint32_t)((v[i] + 128) >> 8) * 0x010101u | 0xff000000u;
			put(dst + 4 * i, v[i] >= thr ? c : get(dst + 4 * i));
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		float x = (float)v[i];
		uint32_t c = pack((uint32_t)(x * p->k[0] + 0.5f), (uint32_t)(x * p->k[1] + 0.5f),
				  (uint32_t)(x * p->k[2] + 0.5f), 255);
		put(dst + 4 * i, v[i] >= thr ? c : get(dst + 4 * i));
	}
}

/* Whether a colour texel passes the discard test: its alpha, or its luminance. Near
 * the threshold, the luminance of texel bytes is computed as the shader's is. */
static bool covers(const struct job *j, const struct sp *p, const uint16_t *v)
{
	if (j->r->has_alpha)
		return v[3] >= p->thr88;
	float lum = (0.2126f * (float)v[0] + 0.7152f * (float)v[1] + 0.0722f * (float)v[2]) * (1.0f / ONE88);
	if (lum < p->thr - 1e-5f || lum > p->thr + 1e-5f)
		return lum > p->thr;
	float r = (float)v[0] / ONE88, g = (float)v[1] / ONE88, b = (float)v[2] / ONE88;
	return !(0.2126f * r + 0.7152f * g + 0.0722f * b < p->thr);
}

static void fast_rgba(const struct job *j, const struct sp *p, const uint16_t *v, int n, uint8_t *dst)
{
	bool discard = j->mode == DRAW_DISCARD;
	for (int i = 0; i < n; i++, v += 4) {
		if (discard && !covers(j, p, v))
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

/* acc = src + (1 - src alpha) acc, premultiplied RGBA. */
INLINE void over4(float *acc, f32x4 src)
{
	f32x4 d;
	memcpy(&d, acc, sizeof d);
	d = src + d * (1 - src[3]);
	memcpy(acc, &d, sizeof d);
}

/* Any sources: premultiplied "over" into the float tile. The shader's source:
 *   discard, opaque  (rgb × tint rgb, 1) × tint alpha   (discard: if it passes)
 *   blend            (col × al, al) × tint alpha, col = tint rgb (gray) or rgb × tint rgb,
 *                    al = the value (gray), the image's alpha or 1 (RGB) */
INLINE void over_row(const struct job *j, const struct sp *p, const uint16_t *v, int n, float *acc, int ch)
{
	const float s = 1.0f / ONE88;
	f32x4 tint = { p->tint[0], p->tint[1], p->tint[2], p->tint[3] };  /* rgb premultiplied */
	bool blend = j->mode == DRAW_BLEND, discard = j->mode == DRAW_DISCARD;
	bool has_alpha = j->r->has_alpha;
	for (int i = 0; i < n; i++, acc += 4) {
		const uint16_t *x = v + i * ch;
		f32x4 c;
		if (ch == 1) {
			float r = (float)x[0] * s;
			if (blend) {
				c = tint * r;
			} else {
				if (discard && x[0] < p->thr88)
					continue;
				c = tint * (f32x4){ r, r, r, 1 };
			}
		} else {
			f32x4 rgb = { (float)x[0] * s, (float)x[1] * s, (float)x[2] * s, 1 };
			if (blend) {
				c = tint * rgb * (has_alpha ? (float)x[3] * s : 1.0f);
			} else {
				if (discard && !covers(j, p, x))
					continue;
				c = tint * rgb;
			}
		}
		over4(acc, c);
	}
}

static void outline_span(const struct job *j, const struct sp *p, int n, uint8_t *dst, float *acc)
{
	for (int i = 0; i < n; i++) {
		if (j->fast)
			put(dst + 4 * i, p->border8);
		else
			over(acc + 4 * i, p->border);
	}
}

/* ---- one sprite in one tile ---- */

static void lod_of(const struct swr *r, float sx, float sy, struct lod *d)
{
	float lod = log2f(sx > sy ? sx : sy), top = (float)(r->a.levels - 1);
	lod = lod > 0 ? lod : 0;     /* and NaN to 0 */
	lod = lod < top ? lod : top;
	int la = (int)lod, fl = (int)((lod - (float)la) * 256.0f + 0.5f);
	if (fl >= 256) {
		la++;
		fl = 0;
	}
	d->la = la;
	d->fl = fl;
	d->frac = lod - floorf(lod);
	d->lfloor = (int)floorf(lod);
	d->halfw = 0.5f * (float)(1 << (int)ceilf(lod));
}

/* Sprites of one frame mostly share their scale: remember the last one's LOD. */
static void setup_lod(const struct job *j, struct tls *t, struct sp *p)
{
	if (p->sx != t->msx || p->sy != t->msy) {
		t->msx = p->sx;
		t->msy = p->sy;
		lod_of(j->r, p->sx, p->sy, &t->mlod);
	}
	p->la = t->mlod.la;
	p->fl = t->mlod.fl;
	p->frac = t->mlod.frac;
	p->lfloor = t->mlod.lfloor;
	p->nl = p->fl ? 2 : 1;
	p->halfw = t->mlod.halfw;
}

/* The shader's texel coordinates along one axis, for the pixels from i0 on (n of
 * them, a multiple of 4): per level, the left (top) texel's index in the cell and the
 * next texel's weight. Coordinates are clamped into the cell, so even pixels past
 * the sprite give valid indices. */
static void setup_axis(float tex, float rect0, float scale, int i0, int n, uint32_t cell, float lo, float hi,
		       const struct sp *p, int32_t *const off[2], uint16_t *const wt[2])
{
	f32x4 vlo = { lo, lo, lo, lo }, vhi = { hi, hi, hi, hi };
	float s[2];
	int first[2];
	for (int l = 0; l < p->nl; l++) {
		/* 256 (t / 2^lv - 0.5) + 0.5: 8 bits of fraction, rounded (lv < 8) */
		s[l] = (float)(256 >> (p->la + l));
		first[l] = (int)(cell >> (p->la + l));
	}
	for (int i = 0; i < n; i += 4) {
		i32x4 idx = (i32x4){ 0, 1, 2, 3 } + (i0 + i);
		f32x4 x = tex + ((__builtin_convertvector(idx, f32x4) + 0.5f) - rect0) * scale;
		i32x4 below = x < vlo, above = x > vhi;
		x = (f32x4)(((i32x4)x & ~below) | ((i32x4)vlo & below));
		x = (f32x4)(((i32x4)x & ~above) | ((i32x4)vhi & above));
		for (int l = 0; l < 2 && l < p->nl; l++) {
			i32x4 U = __builtin_convertvector(x * s[l] - 127.5f, i32x4);
			i32x4 o = (U >> 8) - first[l];
			u16x4 f = __builtin_convertvector(U & 255, u16x4);
			memcpy(off[l] + i, &o, sizeof o);
			memcpy(wt[l] + i, &f, sizeof f);
		}
	}
}

/* Columns inside the outline and rows of this tile, per level; returns the lanes. */
static int setup_texels(const struct job *j, struct tls *t, const struct item *it, const struct sp *p)
{
	uint32_t pitch = j->r->a.pitch;
	int ch = j->ch, n = p->ib - p->ia, cols = (n + LANES - 1) / LANES * LANES;
	setup_axis((float)(it->s.tex & 0xffff), it->s.x0, p->sx, p->ia, cols, p->cellx,
		   (float)p->cellx + p->halfw, (float)(p->cellx + pitch) - p->halfw, p, t->xo, t->xf);
	setup_axis((float)(it->s.tex >> 16), it->s.y0, p->sy, p->ry0, (p->ry1 - p->ry0 + 3) / 4 * 4, p->celly,
		   (float)p->celly + p->halfw, (float)(p->celly + pitch) - p->halfw, p,
		   (int32_t *const[2]){ t->yo[0], t->yo[1] }, (uint16_t *const[2]){ t->yf[0], t->yf[1] });
	if (ch == 1)
		return cols;
	/* one lane per channel */
	int lanes = (n * ch + LANES - 1) / LANES * LANES;
	for (int l = 0; l < p->nl; l++) {
		int32_t *xo = t->xo[l];
		uint16_t *xf = t->xf[l];
		for (int i = n; i-- > 0;)
			for (int k = ch; k-- > 0;) {
				xo[i * ch + k] = xo[i] * ch + k;
				xf[i * ch + k] = xf[i];
			}
		for (int i = n * ch; i < lanes; i++) {
			xo[i] = 0;
			xf[i] = 0;
		}
	}
	return lanes;
}

/* v / pitch for a texel coordinate (v < 2^16), by multiplying: exact for pitches
 * below 2^16. A division per use costs more than the rest of a sprite's setup. */
INLINE uint32_t cell_of(const struct swr *r, uint32_t v)
{
	return (uint32_t)((uint64_t)v * r->pitch_inv >> 32);
}

/* A sprite's cell, counted over all pages. */
INLINE size_t cell_index(const struct swr *r, const struct scene_sprite *s)
{
	return (size_t)(s->page_flags & 0xffff) * r->a.cols * r->a.rows +
	       (size_t)cell_of(r, s->tex >> 16) * r->a.cols + cell_of(r, s->tex & 0xffff);
}

/* The first texel of a sprite's cell. */
INLINE const uint8_t *cell_texels(const struct swr *r, const struct scene_sprite *s)
{
	assert((s->page_flags & 0xffff) < r->a.pages);
	return r->cells + cell_index(r, s) * r->cell_bytes;
}

static void setup_sprite(const struct job *j, const struct item *it, const struct tile *tl, struct sp *p)
{
	const struct scene_sprite *s = &it->s;
	const struct swr *r = j->r;
	p->ix0 = p->ia = it->ix0 > tl->xa ? it->ix0 : tl->xa;
	p->ix1 = p->ib = it->ix1 < tl->xb ? it->ix1 : tl->xb;
	p->y0 = p->ry0 = it->iy0 > tl->ya ? it->iy0 : tl->ya;
	p->y1 = p->ry1 = it->iy1 < tl->yb ? it->iy1 : tl->yb;
	uint32_t c = s->tint;
	if (s->page_flags >> 16 & (SCENE_OUTLINE | SCENE_FRAME)) {
		/* a highlight's outline, or a label frame in the tint around an untinted image */
		if (s->page_flags >> 16 & SCENE_OUTLINE) {
			p->border8 = j->ol8;
			memcpy(p->border, j->ol, sizeof p->border);
		} else {
			pal_premul(c | 0xff000000u, p->border);
			float ta = (float)(c >> 24) / 255.0f;
			for (int k = 0; k < 4; k++)
				p->border[k] *= ta;
			p->border8 = store(p->border);
			c = 0xffffffffu;
		}
		float w = (float)(s->page_flags >> 24 & 255);
		int a = first_centre(s->x0 + w, j->w), b = first_centre(s->x1 - w, j->w);
		p->ia = a < p->ix0 ? p->ix0 : a;
		p->ib = b > p->ix1 ? p->ix1 : b < p->ia ? p->ia : b;
		p->ry0 = first_centre(s->y0 + w, j->h);
		p->ry1 = first_centre(s->y1 - w, j->h);
	}
	p->white = (c & 0xffffff) == 0xffffff;
	if (!j->fast) {
		float ta = (float)(c >> 24 & 255) / 255.0f;
		for (int k = 0; k < 3; k++)
			p->tint[k] = (float)(c >> 8 * k & 255) / 255.0f * ta;
		p->tint[3] = ta;
	} else {
		for (int k = 0; k < 3; k++)
			p->k[k] = (float)(c >> 8 * k & 255) * (1.0f / ONE88);
	}
	p->texels = cell_texels(r, &it->s);
	p->cellx = cell_of(r, s->tex & 0xffff) * r->a.pitch;
	p->celly = cell_of(r, s->tex >> 16) * r->a.pitch;
	p->sx = scene_scale_x(s);
	p->sy = scene_scale_y(s);
}

/* The lanes of a and b interleaved: a0 b0 a1 b1 a2 b2 a3 b3 (lo) and a4 b4 ... (hi). */
#ifdef __clang__
#define ZIP_LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define ZIP_HI(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#else
#define ZIP_LO(a, b) __builtin_shuffle(a, b, (u16x8){ 0, 8, 1, 9, 2, 10, 3, 11 })
#define ZIP_HI(a, b) __builtin_shuffle(a, b, (u16x8){ 4, 12, 5, 13, 6, 14, 7, 15 })
#endif

/* Eight opaque gray pixels, white tint: write those that pass the threshold. */
INLINE void put8_white(uint8_t *dst, u16x8 v, uint16_t thr)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	u16x8 g = (v + 128) >> 8, keep = (u16x8)(v >= thr);
	u16x8 rg = g | g << 8, ba = g | 0xff00;
	u16x8 c[2] = { ZIP_LO(rg, ba), ZIP_HI(rg, ba) }, m[2] = { ZIP_LO(keep, keep), ZIP_HI(keep, keep) };
	for (int h = 0; h < 2; h++) {
		u16x8 old;
		memcpy(&old, dst + 16 * h, sizeof old);
		old = (c[h] & m[h]) | (old & ~m[h]);
		memcpy(dst + 16 * h, &old, sizeof old);
	}
#else
	for (int i = 0; i < LANES; i++)
		if (v[i] >= thr)
			put(dst + 4 * i, (uint32_t)((v[i] + 128) >> 8) * 0x010101u | 0xff000000u);
#endif
}

enum kind {
	K_WHITE,                     /* opaque gray, white tint: write */
	K_TINT,                      /* opaque gray, tinted: write */
	K_RGBA,                      /* opaque colour: write */
	K_FLOAT,                     /* anything: composite in float */
};

INLINE u16x8 widen8(const uint8_t *p)
{
	u8x8 v;
	memcpy(&v, p, sizeof v);
	return __builtin_convertvector(v, u16x8);
}

/* 8 lanes of a prescaled image's row pair: bilinear at one offset for all, as bilerp. */
INLINE u16x8 lerp_pre(const uint8_t *a, const uint8_t *b, int ch, uint16_t fx, uint16_t fy)
{
	u16x8 f = (u16x8){ 0 } + fx, f1 = 256 - f;
	u16x8 top = (widen8(a) * f1 + widen8(a + ch) * f + 128) >> 8;
	u16x8 bot = (widen8(b) * f1 + widen8(b + ch) * f + 128) >> 8;
	return top * (uint16_t)(256 - fy) + bot * fy;
}

/* Per lane and level: texel offsets, weights, shuffle masks (struct tls's, held in
 * locals: the frame writes could alias them, for all the compiler knows). */
struct lanes {
	const int32_t *xo[2];
	const uint16_t *xf[2];
#if SHUFFLE
	const u8x16 *mask[2];
#endif
};

/* Trilinear filtering of 8 lanes: rows a0, a1 of the first level, b0, b1 of the
 * second (nl == 2), lanes from b on. */
INLINE u16x8 tri8(const struct lanes *t, const uint8_t *a0, const uint8_t *a1, const uint8_t *b0,
		  const uint8_t *b1, uint16_t fa, uint16_t fb, int fl, int b, int ch, int nl, bool shuf)
{
	u16x8 f, v, p0, p1;
	memcpy(&f, t->xf[0] + b, sizeof f);
#if SHUFFLE
	if (shuf) {
		u8x16 ra0 = load16(a0, t->xo[0] + b), ra1 = load16(a1, t->xo[0] + b);
		u8x16 rb0 = ra0, rb1 = ra1;
		if (nl == 2) {
			rb0 = load16(b0, t->xo[1] + b);
			rb1 = load16(b1, t->xo[1] + b);
		}
		p0 = shuffled(ra0, t->mask[0][b / LANES]);
		p1 = shuffled(ra1, t->mask[0][b / LANES]);
		v = bilerp(p0, p1, f, fa);
		if (nl == 2) {
			memcpy(&f, t->xf[1] + b, sizeof f);
			u16x8 w = bilerp(shuffled(rb0, t->mask[1][b / LANES]), shuffled(rb1, t->mask[1][b / LANES]), f, fb);
			v = ((v + 128) >> 8) * (uint16_t)(256 - fl) + ((w + 128) >> 8) * (uint16_t)fl;
		}
		return v;
	}
#endif
	p0 = gather(a0, t->xo[0] + b, ch);
	p1 = gather(a1, t->xo[0] + b, ch);
	v = bilerp(p0, p1, f, fa);
	if (nl == 2) {
		memcpy(&f, t->xf[1] + b, sizeof f);
		p0 = gather(b0, t->xo[1] + b, ch);
		p1 = gather(b1, t->xo[1] + b, ch);
		u16x8 w = bilerp(p0, p1, f, fb);
		v = ((v + 128) >> 8) * (uint16_t)(256 - fl) + ((w + 128) >> 8) * (uint16_t)fl;
	}
	return v;
}

/* The sprite's rows inside the outline: filter (trilinear, or its prescaled image),
 * composite. Inlined for each channel count, level count, kind and filter, so that
 * the loops carry no tests of them. */
INLINE void rows_kernel(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes,
			const struct tile *tl, int ch, int nl, enum kind kind, bool shuf, bool pre)
{
	const struct swr *r = j->r;
	const uint8_t *base[2] = { NULL, NULL };
	size_t row[2] = { 0, 0 };
	for (int l = 0; l < nl && !pre; l++) {
		int lv = p->la + l;
		base[l] = p->texels + r->lvoff[lv];
		row[l] = (size_t)(r->a.pitch >> lv) * (size_t)ch;
	}
	uint16_t thr = (uint16_t)(j->mode == DRAW_DISCARD ? p->thr88 : 0), *val = t->val[0];
	int full = kind == K_WHITE ? n / LANES * LANES : 0;
	struct lanes ln = { { t->xo[0], t->xo[1] }, { t->xf[0], t->xf[1] },
#if SHUFFLE
			    { t->mask[0], t->mask[1] },
#endif
	};
	int fl = p->fl;
	uint8_t *dst = j->rgba + ((size_t)p->ry0 * (size_t)j->w + (size_t)p->ia) * 4;
	for (int k = 0; k < p->ry1 - p->ry0; k++, dst += (size_t)j->w * 4) {
		const uint8_t *a0, *a1, *b0 = NULL, *b1 = NULL;
		uint16_t fa = 0, fb = 0;
		if (pre) {
			a0 = p->pre_top + (size_t)k * p->pre_row;
			a1 = a0 + p->pre_row;
		} else {
			/* at the cell's last row the next one has weight 0: reading it is harmless */
			a0 = base[0] + (size_t)t->yo[0][k] * row[0];
			a1 = a0 + row[0];
			b0 = nl == 2 ? base[1] + (size_t)t->yo[1][k] * row[1] : a0;
			b1 = b0 + row[1];
			fa = t->yf[0][k];
			fb = t->yf[1][k];
		}
		for (int b = 0; b < lanes; b += LANES) {
			u16x8 v = pre ? lerp_pre(a0 + b, a1 + b, ch, p->pfx, p->pfy)
				      : tri8(&ln, a0, a1, b0, b1, fa, fb, fl, b, ch, nl, shuf);
			if (b < full)
				put8_white(dst + 4 * b, v, thr);
			else
				memcpy(val + b, &v, sizeof v);
		}
		if (kind == K_WHITE) {
			if (full < n)
				fast_gray(j, p, val + full, n - full, dst + 4 * full);
		} else if (kind == K_TINT)
			fast_gray(j, p, val, n, dst);
		else if (kind == K_RGBA)
			fast_rgba(j, p, val, n, dst);
		else
			over_row(j, p, val, n, t->acc + ((size_t)(p->ry0 + k - tl->ya) * TILE_W + (size_t)(p->ia - tl->xa)) * 4, ch);
	}
}

#define ROWS_GRAY(shuf, pre) do { \
	enum kind kind = !j->fast ? K_FLOAT : p->white ? K_WHITE : K_TINT; \
	bool two = p->nl == 2; \
	if (kind == K_WHITE) \
		two ? rows_kernel(j, t, p, n, lanes, tl, 1, 2, K_WHITE, shuf, pre) \
		    : rows_kernel(j, t, p, n, lanes, tl, 1, 1, K_WHITE, shuf, pre); \
	else if (kind == K_TINT) \
		two ? rows_kernel(j, t, p, n, lanes, tl, 1, 2, K_TINT, shuf, pre) \
		    : rows_kernel(j, t, p, n, lanes, tl, 1, 1, K_TINT, shuf, pre); \
	else \
		two ? rows_kernel(j, t, p, n, lanes, tl, 1, 2, K_FLOAT, shuf, pre) \
		    : rows_kernel(j, t, p, n, lanes, tl, 1, 1, K_FLOAT, shuf, pre); \
} while (0)

#if SHUFFLE
__attribute__((target("ssse3")))
static void rows_gray_shuffled(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
	ROWS_GRAY(true, false);
}
#endif

static void rows_gray(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
#if SHUFFLE
	if (p->shuf) {
		rows_gray_shuffled(j, t, p, n, lanes, tl);
		return;
	}
#endif
	ROWS_GRAY(false, false);
}

/* From the prescaled image: one level, no gather. */
static void rows_gray_pre(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
	ROWS_GRAY(false, true);
}

#define ROWS_RGBA(shuf, pre) do { \
	bool two = p->nl == 2; \
	if (j->fast) \
		two ? rows_kernel(j, t, p, n, lanes, tl, 4, 2, K_RGBA, shuf, pre) \
		    : rows_kernel(j, t, p, n, lanes, tl, 4, 1, K_RGBA, shuf, pre); \
	else \
		two ? rows_kernel(j, t, p, n, lanes, tl, 4, 2, K_FLOAT, shuf, pre) \
		    : rows_kernel(j, t, p, n, lanes, tl, 4, 1, K_FLOAT, shuf, pre); \
} while (0)

#if SHUFFLE
__attribute__((target("ssse3")))
static void rows_rgba_shuffled(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
	ROWS_RGBA(true, false);
}
#endif

static void rows_rgba(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
#if SHUFFLE
	if (p->shuf) {
		rows_rgba_shuffled(j, t, p, n, lanes, tl);
		return;
	}
#endif
	ROWS_RGBA(false, false);
}

static void rows_rgba_pre(const struct job *j, struct tls *t, const struct sp *p, int n, int lanes, const struct tile *tl)
{
	ROWS_RGBA(false, true);
}

/* Where the sprite's first pixel reads its prescaled image, and the weights of the
 * texels right of and below it: the same for every pixel, one texel a pixel. The
 * image's texel t (border included) is centred at x0 + t - 0.5. */
static void setup_pre(const struct job *j, const struct item *it, struct sp *p, size_t cell)
{
	const struct swr *r = j->r;
	p->nl = 1;                   /* one level: the dispatch on nl takes the smaller kernel */
	p->fl = 0;
	p->pre_row = (size_t)r->pre.key.w * (size_t)j->ch;
	/* 256 (t - 0.5), as setup_axis; t >= 1 inside the sprite: no clamping */
	int32_t ux = (int32_t)(((float)p->ia + 0.5f - it->s.x0 + 1.0f) * 256.0f - 127.5f);
	int32_t uy = (int32_t)(((float)p->ry0 + 0.5f - it->s.y0 + 1.0f) * 256.0f - 127.5f);
	p->pfx = (uint16_t)(ux & 255);
	p->pfy = (uint16_t)(uy & 255);
	p->pre_top = r->pre.texels + cell * r->pre.key.slot + (size_t)(uy >> 8) * p->pre_row +
		     (size_t)(ux >> 8) * (size_t)j->ch;
}

static void draw_sprite(const struct job *j, struct tls *t, const struct item *it, const struct tile *tl)
{
	struct sp p;
	setup_sprite(j, it, tl, &p);
	if (p.ix0 >= p.ix1)
		return;
	/* rows inside the outline, in this tile */
	p.ry0 = p.ry0 > p.y0 ? p.ry0 : p.y0;
	p.ry1 = p.ry1 < p.y1 ? p.ry1 : p.y1;
	p.ry1 = p.ry1 > p.ry0 ? p.ry1 : p.ry0;
	if (it->s.page_flags >> 16 & (SCENE_OUTLINE | SCENE_FRAME))
		for (int y = p.y0; y < p.y1; y++) {
			uint8_t *dst = j->rgba + ((size_t)y * (size_t)j->w + (size_t)p.ix0) * 4;
			float *acc = j->fast ? NULL : t->acc + ((size_t)(y - tl->ya) * TILE_W + (size_t)(p.ix0 - tl->xa)) * 4;
			bool inside = y >= p.ry0 && y < p.ry1;
			int left = inside ? p.ia - p.ix0 : p.ix1 - p.ix0, right = p.ib - p.ix0;
			outline_span(j, &p, left, dst, acc);
			if (inside)
				outline_span(j, &p, p.ix1 - p.ib, dst + 4 * right, acc ? acc + 4 * right : NULL);
		}
	int n = p.ib - p.ia;
	if (n <= 0 || p.ry0 >= p.ry1)
		return;
	p.thr = j->thr;
	p.thr88 = j->thr88;
	struct swr *r = j->r;
	if (it->pre != NO_PRE) {
		size_t cell = it->pre;
		if (j->mode == DRAW_DISCARD && r->cov) {
			p.thr = r->pre.thr_f[cell];
			p.thr88 = r->pre.thr88[cell];
		}
		setup_pre(j, it, &p, cell);
		int lanes = (n * j->ch + LANES - 1) / LANES * LANES;
		if (j->ch == 1)
			rows_gray_pre(j, t, &p, n, lanes, tl);
		else
			rows_rgba_pre(j, t, &p, n, lanes, tl);
		return;
	}
	setup_lod(j, t, &p);
	if (j->mode == DRAW_DISCARD && j->r->cov) {
		/* the shader's coverage scale: mix of the two levels' by the LOD's fraction */
		size_t img = cell_index(r, &it->s);
		/* colour without alpha tests luminance in float: it needs thr, not thr88 */
		bool cached = (j->ch == 1 || r->has_alpha) && p.lfloor == r->key.lfloor && p.frac == r->key.frac &&
			      j->thr == r->key.thr;
		uint16_t v = cached ? atomic_load_explicit(&r->thr_cell[img], memory_order_relaxed) : THR_UNSET;
		if (v != THR_UNSET) {
			p.thr88 = v;
		} else {
			const float *c = cov_row(r, img);
			int la = p.lfloor, lb = la + 1 < (int)r->a.levels ? la + 1 : la;
			p.thr = j->thr / (c[la] + (c[lb] - c[la]) * p.frac);
			p.thr88 = threshold88(p.thr);
			if (cached)
				atomic_store_explicit(&r->thr_cell[img], (uint16_t)p.thr88, memory_order_relaxed);
		}
	}
	int lanes = setup_texels(j, t, it, &p);
#if SHUFFLE
	p.shuf = j->r->ssse3 && setup_shuffle(t, &p, lanes, j->ch);
#endif
	if (j->ch == 1)
		rows_gray(j, t, &p, n, lanes, tl);
	else
		rows_rgba(j, t, &p, n, lanes, tl);
}

/* ---- tiles and threads ---- */

/* Sprites ahead of the one drawn whose texels to ask the cache for: an atlas is far
 * larger than the cache, and a sprite's texels are a few lines it waits for. */
#define PREFETCH 4

/* The two levels the last sprite used, most likely this one's too: one range, as a
 * cell keeps its levels in order. */
static void prefetch(const struct job *j, const struct tls *t, const struct item *it)
{
	const struct swr *r = j->r;
	if (it->pre != NO_PRE) {
		uintptr_t from = (uintptr_t)(r->pre.texels + it->pre * r->pre.key.slot), to = from + r->pre.key.slot;
		for (uintptr_t a = from & ~(uintptr_t)63; a < to; a += 64)
			__builtin_prefetch((const void *)a);
		if (r->cov)
			__builtin_prefetch((const void *)&r->pre.thr88[it->pre]);
		return;
	}
	int la = t->mlod.la, lb = la + 2 < (int)r->a.levels ? la + 2 : (int)r->a.levels;
	const uint8_t *c = cell_texels(r, &it->s);
	uintptr_t from = (uintptr_t)(c + r->lvoff[la]), to = (uintptr_t)c + (lb < (int)r->a.levels ? r->lvoff[lb] : r->cell_bytes);
	for (uintptr_t a = from & ~(uintptr_t)63; a < to; a += 64)
		__builtin_prefetch((const void *)a);
	if (r->thr_cell)
		__builtin_prefetch((const void *)&r->thr_cell[cell_index(r, &it->s)]);
}

/* The float path: the columns each tile row's sprites touch, so that clearing and
 * converting the accumulator cost what is drawn, not the tile. */
static void touched(const struct job *j, uint32_t e0, uint32_t e1, const struct tile *tl, int *lo, int *hi)
{
	for (int y = tl->ya; y < tl->yb; y++) {
		lo[y - tl->ya] = tl->xb;
		hi[y - tl->ya] = tl->xa;
	}
	for (uint32_t e = e0; e < e1; e++) {
		const struct item *it = &j->r->items[e];
		int y0 = it->iy0 > tl->ya ? it->iy0 : tl->ya, y1 = it->iy1 < tl->yb ? it->iy1 : tl->yb;
		int x0 = it->ix0 > tl->xa ? it->ix0 : tl->xa, x1 = it->ix1 < tl->xb ? it->ix1 : tl->xb;
		for (int y = y0; y < y1; y++) {
			lo[y - tl->ya] = x0 < lo[y - tl->ya] ? x0 : lo[y - tl->ya];
			hi[y - tl->ya] = x1 > hi[y - tl->ya] ? x1 : hi[y - tl->ya];
		}
	}
}

/* The accumulator as the shader stores it: straight alpha, RGBA8. */
static void store_span(const float *acc, int n, uint8_t *dst)
{
	for (int i = 0; i < n; i++, acc += 4) {
		f32x4 c;
		memcpy(&c, acc, sizeof c);
		float a = c[3], m = a > 0 && a < 1 ? 1 / a : 1;
		if (a < 0.5f / 255.0f) {
			put(dst + 4 * i, 0);    /* transparent black, as the shader stores it */
			continue;
		}
		c *= (f32x4){ m, m, m, 1 };
		/* premultiplied sums of non-negative terms: >= 0; after dividing, maybe > 1 */
		i32x4 b = __builtin_convertvector(c * 255.0f + 0.5f, i32x4);
		put(dst + 4 * i, pack((uint32_t)(b[0] < 255 ? b[0] : 255), (uint32_t)(b[1] < 255 ? b[1] : 255),
				      (uint32_t)(b[2] < 255 ? b[2] : 255), (uint32_t)(b[3] < 255 ? b[3] : 255)));
	}
}

static void do_tile(struct job *j, struct tls *t, int k)
{
	struct tile tl = { .xa = k % j->tiles_x * TILE_W, .ya = k / j->tiles_x * STRIP };
	tl.xb = tl.xa + TILE_W < j->w ? tl.xa + TILE_W : j->w;
	tl.yb = tl.ya + STRIP < j->h ? tl.ya + STRIP : j->h;
	size_t stride = (size_t)j->w * 4, tw = (size_t)(tl.xb - tl.xa);
	uint8_t *rows = j->rgba + (size_t)tl.ya * stride + (size_t)tl.xa * 4;
	const struct swr *r = j->r;
	uint32_t e0 = r->tile_off[k], e1 = r->tile_off[k + 1];
	int lo[STRIP], hi[STRIP];
	if (j->fast) {
		for (size_t i = 0; i < tw; i++)
			put(rows + 4 * i, j->bg8);
		for (int y = tl.ya + 1; y < tl.yb; y++)
			memcpy(rows + (size_t)(y - tl.ya) * stride, rows, tw * 4);
	} else {
		touched(j, e0, e1, &tl, lo, hi);
		for (int y = tl.ya; y < tl.yb; y++)
			for (int x = lo[y - tl.ya]; x < hi[y - tl.ya]; x++)
				memcpy(t->acc + ((size_t)(y - tl.ya) * TILE_W + (size_t)(x - tl.xa)) * 4, j->bg, sizeof j->bg);
	}
	for (uint32_t e = e0; e < e1; e++) {
		if (e + PREFETCH < e1)
			prefetch(j, t, &r->items[e + PREFETCH]);
		draw_sprite(j, t, &r->items[e], &tl);
	}
	if (!j->fast)
		for (int y = tl.ya; y < tl.yb; y++) {
			uint8_t *row = j->rgba + (size_t)y * stride;
			int a = lo[y - tl.ya], b = hi[y - tl.ya] > a ? hi[y - tl.ya] : a;
			for (int x = tl.xa; x < a; x++)
				put(row + 4 * x, j->bg8);
			store_span(t->acc + ((size_t)(y - tl.ya) * TILE_W + (size_t)(a - tl.xa)) * 4, b - a, row + 4 * a);
			for (int x = b; x < tl.xb; x++)
				put(row + 4 * x, j->bg8);
		}
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
	t->msx = t->msy = -1;        /* nothing memoised: the atlas may have changed */
	for (int k; (k = atomic_fetch_add(&j->next, 1)) < j->ntiles;)
		do_tile(j, t, k);
	return NULL;
}

static void free_scratch(struct swr *r)
{
	for (int i = 0; i < SWR_MAX_THREADS; i++) {
		struct tls *t = &r->t[i];
		for (int l = 0; l < 2; l++) {
			free(t->xo[l]);
			free(t->xf[l]);
			free(t->val[l]);
		}
		free(t->acc);
#if SHUFFLE
		free(t->mask[0]);
		free(t->mask[1]);
#endif
		memset(t, 0, sizeof *t);
	}
	r->tw = 0;
}

static int alloc_scratch(struct swr *r, int w)
{
	if (w <= r->tw)
		return 0;
	free_scratch(r);
	size_t lanes = (size_t)w * 4 + 4 * LANES;
	for (int i = 0; i < r->threads; i++) {
		struct tls *t = &r->t[i];
		bool ok = true;
		for (int l = 0; l < 2; l++) {
			ok &= (t->xo[l] = malloc(lanes * sizeof *t->xo[l])) != NULL;
			ok &= (t->xf[l] = malloc(lanes * sizeof *t->xf[l])) != NULL;
			ok &= (t->val[l] = malloc(lanes * sizeof *t->val[l])) != NULL;
		}
		ok &= (t->acc = malloc((size_t)TILE_W * STRIP * 4 * sizeof *t->acc)) != NULL;
#if SHUFFLE
		for (int l = 0; l < 2; l++)
			ok &= (t->mask[l] = malloc(lanes / LANES * sizeof *t->mask[l])) != NULL;
#endif
		if (!ok) {
			free_scratch(r);
			return -1;
		}
	}
	r->tw = w;
	return 0;
}

/* ---- prescaled images ---- */

/* Whether this frame draws from prescaled images, and for which scale: the first
 * sprite's, which most share, if minified and small enough. Made again when the scale
 * or the threshold changes. 0, or -1 when out of memory. */
static int pre_key(struct swr *r, const struct scene_out *sc, float thr)
{
	r->pre.on = false;
	struct presc_key key;
	if (!scene_prescale_key(sc, &r->a, &key))
		return 0;
	r->pre.on = true;
	if (r->pre.made && key.sx == r->pre.key.sx && key.sy == r->pre.key.sy && thr == r->pre.thr)
		return 0;
	/* the kernel reads 16 bytes from a row's texels on */
	size_t n = r->a.n, bytes = key.slot * n + 64;
	if (presc_reserve(&r->pre.texels, &r->pre.cap, bytes) ||
	    (!r->pre.state && !(r->pre.state = malloc(n))) ||
	    (!r->pre.thr_f && !(r->pre.thr_f = malloc(n * sizeof *r->pre.thr_f))) ||
	    (!r->pre.thr88 && !(r->pre.thr88 = malloc(n * sizeof *r->pre.thr88))))
		goto oom;
	for (size_t i = 0; i < n; i++)
		atomic_init(&r->pre.state[i], PRE_NONE);
	r->pre.key = key;
	r->pre.thr = thr;
	r->pre.made = true;
	return 0;
oom:
	r->pre.on = r->pre.made = false;
	return -1;
}

/* Whether sprite s is drawn from a prescaled image. */
INLINE bool pre_match(const struct swr *r, const struct scene_sprite *s)
{
	return r->pre.on && presc_match(&r->pre.key, scene_scale_x(s), scene_scale_y(s));
}

/* Make the prescaled image of sprite s's cell unless made: the first thread to claim
 * it makes it, one that meets it being made waits (microseconds). */
static void pre_make(struct swr *r, const struct scene_sprite *s, size_t cell)
{
	_Atomic uint8_t *st = &r->pre.state[cell];
	uint8_t v = atomic_load_explicit(st, memory_order_acquire);
	if (v == PRE_DONE)
		return;
	if (v == PRE_NONE && atomic_compare_exchange_strong(st, &v, PRE_BUSY)) {
		const struct atlas *a = &r->a;
		uint32_t ch = a->channels, ox = (s->tex & 0xffff) - cell_of(r, s->tex & 0xffff) * a->pitch;
		uint32_t oy = (s->tex >> 16) - cell_of(r, s->tex >> 16) * a->pitch;
		uint32_t iw = s->size & 0xffff, ih = s->size >> 16;
		const uint8_t *c = cell_texels(r, s);
		int k = r->pre.key.k;
		/* the image's share passing at full size, kept by the prescaled image */
		double c0 = r->cov ? (float)atlas_pass_fraction(c + ((size_t)oy * a->pitch + ox) * ch, iw, ih, a->pitch, ch,
							 r->has_alpha, r->cov_thr) : -1;   /* as a float, as the GL renderer gets it */
		float scale = presc_image(&r->pre.key, c + r->lvoff[k], a->pitch >> k, ch, ox, oy, iw, ih, c0, r->cov_thr,
					  r->has_alpha, r->pre.texels + cell * r->pre.key.slot);
		if (r->cov) {
			r->pre.thr_f[cell] = r->pre.thr / scale;
			r->pre.thr88[cell] = (uint16_t)threshold88(r->pre.thr_f[cell]);
		}
		atomic_store_explicit(st, PRE_DONE, memory_order_release);
		return;
	}
	while (atomic_load_explicit(st, memory_order_acquire) != PRE_DONE)
		;
}

/* Binning: the pixels every sprite covers, and per tile the sprites touching it in
 * draw order, copied so that a tile reads its sprites in sequence. Two passes over
 * chunks of the sprite array, on all threads: count per chunk and tile, then fill
 * from each chunk's own cursor, so that the order is kept. */
struct binning {
	struct swr *r;
	const struct scene_out *sc;
	int w, h, tiles_x, ntiles, nchunks;
	uint32_t outline;            /* its alpha decides whether outlines are opaque */
	atomic_int next;
	atomic_bool translucent;     /* some source is not opaque */
};

static void chunk(const struct binning *b, int c, size_t *i0, size_t *i1)
{
	size_t n = b->sc->nsprites;
	*i0 = n * (size_t)c / (size_t)b->nchunks;
	*i1 = n * (size_t)(c + 1) / (size_t)b->nchunks;
}

static void *bin_count(void *arg)
{
	struct binning *b = arg;
	struct swr *r = b->r;
	for (int c; (c = atomic_fetch_add(&b->next, 1)) < b->nchunks;) {
		size_t i0, i1;
		chunk(b, c, &i0, &i1);
		uint32_t *cnt = r->cnt + (size_t)c * (size_t)b->ntiles;
		memset(cnt, 0, (size_t)b->ntiles * sizeof *cnt);
		bool translucent = false;
		for (size_t i = i0; i < i1; i++) {
			const struct scene_sprite *s = &b->sc->sprites[i];
			int32_t *sp = r->span + SPAN * i;
			sp[0] = first_centre(s->x0, b->w);
			sp[1] = first_centre(s->x1, b->w);
			sp[2] = first_centre(s->y0, b->h);
			sp[3] = first_centre(s->y1, b->h);
			if (sp[0] >= sp[1] || sp[2] >= sp[3]) {
				sp[3] = sp[2];
				continue;
			}
			for (int ty = sp[2] >> STRIP_LOG2; ty <= (sp[3] - 1) >> STRIP_LOG2; ty++)
				for (int tx = sp[0] >> TILE_W_LOG2; tx <= (sp[1] - 1) >> TILE_W_LOG2; tx++)
					cnt[ty * b->tiles_x + tx]++;
			sp[4] = (int32_t)NO_PRE;
			if (pre_match(r, s)) {
				sp[4] = (int32_t)cell_index(r, s);
				pre_make(r, s, (size_t)sp[4]);
			}
			translucent |= (s->tint >> 24) != 255 ||
				       ((s->page_flags >> 16 & SCENE_OUTLINE) && (b->outline >> 24) != 255);
		}
		if (translucent)
			atomic_store(&b->translucent, true);
	}
	return NULL;
}

static void *bin_fill(void *arg)
{
	struct binning *b = arg;
	struct swr *r = b->r;
	for (int c; (c = atomic_fetch_add(&b->next, 1)) < b->nchunks;) {
		size_t i0, i1;
		chunk(b, c, &i0, &i1);
		uint32_t *cur = r->cnt + (size_t)c * (size_t)b->ntiles;
		for (size_t i = i0; i < i1; i++) {
			const int32_t *sp = r->span + SPAN * i;
			if (sp[2] >= sp[3])
				continue;
			struct item it = { b->sc->sprites[i], sp[0], sp[1], sp[2], sp[3], (uint32_t)sp[4] };
			for (int ty = sp[2] >> STRIP_LOG2; ty <= (sp[3] - 1) >> STRIP_LOG2; ty++)
				for (int tx = sp[0] >> TILE_W_LOG2; tx <= (sp[1] - 1) >> TILE_W_LOG2; tx++)
					r->items[cur[ty * b->tiles_x + tx]++] = it;
		}
	}
	return NULL;
}

/* Returns whether some source is translucent, or -1 when out of memory. */
static int bin(struct swr *r, const struct scene_out *sc, int w, int h, uint32_t outline)
{
	struct binning b = { .r = r, .sc = sc, .w = w, .h = h, .tiles_x = (w + TILE_W - 1) / TILE_W,
			     .nchunks = sc->nsprites < 4096 ? 1 : r->threads, .outline = outline };
	b.ntiles = b.tiles_x * ((h + STRIP - 1) / STRIP);
	size_t n = sc->nsprites, ns = (size_t)b.ntiles;
	if (ap_grow((void **)&r->span, &r->cap_span, SPAN * n, sizeof *r->span) ||
	    ap_grow((void **)&r->tile_off, &r->cap_off, ns + 1, sizeof *r->tile_off) ||
	    ap_grow((void **)&r->cnt, &r->cap_cnt, (size_t)b.nchunks * ns, sizeof *r->cnt))
		return -1;
	atomic_init(&b.next, 0);
	atomic_init(&b.translucent, false);
	run_threads(b.nchunks, bin_count, &b);
	/* tile k's items: chunk 0's, then chunk 1's, ... */
	uint64_t total = 0;
	for (size_t k = 0; k < ns; k++) {
		r->tile_off[k] = (uint32_t)total;
		for (int c = 0; c < b.nchunks; c++) {
			uint32_t *cnt = r->cnt + (size_t)c * ns + k, m = *cnt;
			*cnt = (uint32_t)total;
			total += m;
		}
		if (total > UINT32_MAX)
			return -1;
	}
	r->tile_off[ns] = (uint32_t)total;
	if (ap_grow((void **)&r->items, &r->cap_items, (size_t)total, sizeof *r->items))
		return -1;
	atomic_store(&b.next, 0);
	run_threads(b.nchunks, bin_fill, &b);
	return atomic_load(&b.translucent);
}

/* The least 8.8 value that passes the shader's test value >= threshold, in float:
 * for the value of a texel byte t, v / 65280 rounds to the float t / 255 does. */
static uint32_t threshold88(float thr)
{
	if (!(thr > 0))
		return 0;            /* (NaN too: no value is below it) */
	double c = ceil((double)thr * ONE88);
	uint32_t v = c < 0 ? 0 : c > ONE88 + 1 ? ONE88 + 1 : (uint32_t)c;
	while (v > 0 && (float)(v - 1) / ONE88 >= thr)
		v--;
	while (v <= ONE88 && (float)v / ONE88 < thr)
		v++;
	return v;
}

int swr_frame(struct swr *r, const struct scene_out *sc, int w, int h, const struct draw_opts *o,
	      uint8_t *rgba, struct ap_err *err)
{
	if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
		return ap_errf(err, "frame %dx%d: outside 1..65535", w, h);
	uint32_t ol = pal_outline(o->outline, o->background);
	struct job j = {
		.r = r, .w = w, .h = h, .rgba = rgba,
		.mode = o->alpha, .ch = (int)r->a.channels,
		.thr = (float)draw_opts_threshold(o),
	};
	j.tiles_x = (w + TILE_W - 1) / TILE_W;
	j.ntiles = j.tiles_x * ((h + STRIP - 1) / STRIP);
	j.thr88 = threshold88(j.thr);
	pal_premul(o->background, j.bg);
	j.bg8 = store(j.bg);
	pal_premul(ol, j.ol);
	j.ol8 = store(j.ol);
	atomic_init(&j.next, 0);
	int translucent;
	/* before binning, which makes the prescaled images it meets */
	if (pre_key(r, sc, j.thr))
		return ap_errf(err, "swr: out of memory for %zu prescaled images", sc->nsprites);
	if (alloc_scratch(r, w) || (translucent = bin(r, sc, w, h, ol)) < 0)
		return ap_errf(err, "swr: out of memory for a %dx%d frame of %zu sprites", w, h, sc->nsprites);
	if (r->thr_cell && o->alpha == DRAW_DISCARD && sc->nsprites) {
		/* the key: the first sprite's LOD, which most share */
		struct lod d;
		lod_of(r, scene_scale_x(&sc->sprites[0]), scene_scale_y(&sc->sprites[0]), &d);
		if (d.lfloor != r->key.lfloor || d.frac != r->key.frac || j.thr != r->key.thr) {
			for (size_t i = 0; i < r->a.n; i++)
				atomic_init(&r->thr_cell[i], THR_UNSET);
			r->key.thr = j.thr;
			r->key.frac = d.frac;
			r->key.lfloor = d.lfloor;
		}
	}
	/* every source opaque: painting may overwrite */
	j.fast = o->alpha != DRAW_BLEND && !translucent;
	struct worker wk = { .j = &j };
	atomic_init(&wk.id, 0);
	run_threads(r->threads < j.ntiles ? r->threads : j.ntiles, work, &wk);
	return 0;
}
