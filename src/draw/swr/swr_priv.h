/*
 * swr_priv.h: what the software compositor's files share, and nothing outside
 * src/draw/swr/ includes (the interface is swr.h). Its stages, one file each:
 *   swr.c       swr_new, swr_coverage, swr_free; swr_frame sets up a frame's job
 *   swr_page.c  atlas pages into cell layout, every level (once, in swr_new)
 *   swr_bin.c   binning sprites into tiles, and the prescaled images it meets
 *   swr_tile.c  painting the tiles: threads, one sprite in one tile, its rows
 * Helpers more than one stage calls in its loops are here as always_inline
 * functions, so that splitting the files cost no call.
 */
#ifndef AP_SWR_PRIV_H
#define AP_SWR_PRIV_H

#include "draw/swr/swr.h"

#include "core/presc.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define THR_UNSET 0xffffu

/* A prescaled image's state: not made, being made by a thread, made. */

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
	float *img;                  /* the same, for the image's part of a cross-fade */
	float msx, msy;              /* the last sprite scale and what it gave */
	struct lod mlod;
};

struct swr {
	struct atlas a;
	float *cov;                  /* n × levels coverage scales, as atlas_coverage_table's,
	                              * each cell's row made by cov_row on first use; NULL: no
	                              * coverage scaling */
	_Atomic uint8_t *cov_state;  /* per cell: its row made yet (once_ states) */
	/* Per cell, its scaled discard threshold as 8.8 (THR_UNSET until a sprite needs it)
	 * for the threshold and LOD in key: a transition's frames share them, and the table
	 * is 2 bytes a cell where cov is a cache line. */
	_Atomic uint16_t *thr_cell;
	struct {
		float thr, frac;
		int lfloor;
	} key;
	double cov_thr;              /* the threshold cov was made for */
	float *c0;                   /* per cell: its image's share passing c0_thr at full size,
	                              * made with the cells (swr_desc's coverage), or NULL */
	double c0_thr;
	/* Sprites of the frame's common scale when minified, drawn from their images
	 * prescaled to it (presc.h) as binning first meets them: the scale and threshold
	 * they were made for, and per cell the texels, their state and discard threshold. */
	uint32_t *dots;              /* per cell: its disc's colour, RGBA8; or NULL */
	bool dots_gray;              /* every disc colour has R = G = B */
	bool four_floats;            /* swr_desc's: never mono */
	bool last_mono;              /* swr_mono */
	struct {
		bool on;                 /* this frame draws from them */
		struct presc_cache c;    /* the images, their key and threshold */
		float *thr_f;            /* the coverage-scaled threshold, and as 8.8 */
		uint16_t *thr88;
	} pre;
	int has_alpha;
	int threads;
	bool ssse3;
	/* Texels are stored cell by cell, each cell holding all its levels (level k at
	 * lvoff[k], rows of pitch >> k texels): one sprite's texels are a few adjacent
	 * cache lines instead of a line per texel row scattered over a page. */
	uint8_t *cells;              /* page after page, cols × rows cells each */
	bool cells_adopted;          /* swr_desc's cells: not ours to free */
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
	uint32_t *pre_at;            /* per cell: a sprite whose prescaled image to make first */
	size_t cap_pre_at;
};

/* What one frame's threads share. */
struct job {
	struct swr *r;
	int w, h, tiles_x, ntiles;
	uint8_t *rgba;
	bool fast;                   /* every source is opaque: write RGBA8 in place */
	bool gray;                   /* the frame is one byte a pixel, R (draw_target.gray) */
	bool mono;                   /* float path, gray sources over an opaque gray background:
	                              * R, G and B stay equal and alpha 1, so one float a pixel */
	enum draw_alpha mode;
	int ch;
	uint32_t thr88;              /* discard: keep values (gray, alpha) >= this */
	float thr;
	float bg[4], ol[4];          /* premultiplied */
	uint32_t bg8, ol8;           /* as the frame stores them */
	struct scene_lod lod;        /* the frame's discs and opacity */
	atomic_int next;
};

/* The first pixel whose centre i + 0.5 is >= v, in [0, n]: a sprite covers the
 * columns [first_centre(x0), first_centre(x1)), as the shader's float test does. */
static inline int first_centre(float v, int n)
{
	double x = (double)v - 0.5;
	if (!(x > 0))
		return 0;
	if (x >= n)
		return n;
	int i = (int)x;
	return i + (i < x);
}

/* The square whose pixels a sprite's disc may cover: its centre ± (R + 1/2). */
static inline void swr_disc_box(const struct scene_sprite *s, float radius, float *x0, float *y0, float *x1,
				float *y1)
{
	float cx = 0.5f * (s->x0 + s->x1), cy = 0.5f * (s->y0 + s->y1), e = radius + 0.5f;
	*x0 = cx - e;
	*y0 = cy - e;
	*x1 = cx + e;
	*y1 = cy + e;
}

/* Whether sprite s has a disc in this frame, and an image. */
static inline bool swr_has_disc(const struct scene_lod *l, const struct scene_sprite *s)
{
	return (s->page_flags >> 16 & SCENE_DOT) && l->dot_alpha > 0;
}

static inline bool swr_has_image(const struct scene_lod *l, const struct scene_sprite *s)
{
	return !(s->page_flags >> 16 & SCENE_DOT) || l->img_alpha > 0;
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

/* swr.c: run fn on n threads, the caller being one of them. */
void swr_run_threads(int n, void *(*fn)(void *), void *arg);

/* swr_page.c: lay out and build r->cells from s for r->a, on r->threads threads. 0, or
 * -1 when out of memory. */
int swr_page_build(struct swr *r, const struct ap_imgset *s);
/* swr_page.c: lay out r->cells for r->a (cell_bytes, lvoff, ...); its bytes. */
size_t swr_page_layout(struct swr *r);

/* swr_bin.c: whether this frame draws from prescaled images, and for which scale
 * (made again when it or thr changes). 0, or -1 when out of memory. */
int swr_pre_key(struct swr *r, const struct scene_out *sc, float thr);
/* swr_bin.c: bin sc's sprites into the tiles of a w×h frame, making the prescaled
 * images they need; outline is the outline's colour. A sprite with a disc covers the
 * disc's square (swr_disc_box). Returns SWR_BIN_* flags, or -1 when out of memory. */
enum {
	SWR_BIN_TRANSLUCENT = 1,     /* some source is not opaque */
	SWR_BIN_COLOURED = 2,        /* some sprite's tint (or label frame) is not gray */
};
int swr_bin(struct swr *r, const struct scene_out *sc, int w, int h, uint32_t outline);

/* swr_tile.c: paint every tile of j's frame, on up to r->threads threads. */
void swr_tile_paint(struct job *j);
/* swr_tile.c: per-thread scratch for frames w wide: 0, or -1 when out of memory. */
int swr_tile_alloc(struct swr *r, int w);
void swr_tile_free(struct swr *r);
/* swr_tile.c: the shader's LOD for a sprite of scale sx, sy. */
void swr_lod(const struct swr *r, float sx, float sy, struct lod *d);
/* swr_tile.c: the least 8.8 value passing the discard test value >= thr. */
uint32_t swr_threshold88(float thr);
/* swr_tile.c: a premultiplied colour as the shader stores it: straight alpha, RGBA8. */
uint32_t swr_store(const float acc[4]);

#endif
