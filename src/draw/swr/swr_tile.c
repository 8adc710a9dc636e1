/*
 * swr_tile: painting a frame's tiles, the stage that reads what swr_page built and
 * swr_bin binned. Threads take tiles from the job's counter; a tile is cleared to the
 * background, its sprites painted back to front (setup per sprite, then its rows by
 * a kernel inlined per channel count, level count, kind and filter), and in the float
 * path stored as RGBA8. Not here: which sprites a tile holds (swr_bin.c), the frame's
 * job (swr_frame).
 */
#include "draw/swr/swr_priv.h"

#include "core/pal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	float *acc;                  /* float path: the tile it composites into */
	bool alpha_plane;            /* mono: acc is the image tile, its alpha IMG_PLANE floats on */
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

/* Pixel i of a frame row as it is stored: RGBA8, or in a gray frame its R. */
INLINE void put_px(bool gray, uint8_t *row, int i, uint32_t v)
{
	if (gray)
		row[i] = (uint8_t)v;
	else
		put(row + 4 * i, v);
}

INLINE uint32_t get_px(bool gray, const uint8_t *row, int i)
{
	return gray ? row[i] : get(row + 4 * i);
}

/* Bytes a pixel of the frame. */
INLINE int frame_bpp(const struct job *j)
{
	return j->gray ? 1 : 4;
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
uint32_t swr_store(const float acc[4])
{
	float a = acc[3], m = a > 0 && a < 1 ? 1 / a : 1;
	if (a < 0.5f / 255.0f)
		return 0;               /* what stores as transparent is transparent black */
	return pack(unorm8(acc[0] * m), unorm8(acc[1] * m), unorm8(acc[2] * m), unorm8(a));
}

/* Cell i's coverage row, made on first use: a frame drawn from prescaled images never
 * reads the table, and a zoom reads a few cells of it (making all 70,000 MNIST rows up
 * front was a third of the start-up's CPU time). */
static const float *cov_row(const struct swr *r, size_t i)
{
	const struct atlas *a = &r->a;
	_Atomic uint8_t *st = &r->cov_state[i];
	if (once_claim(st)) {
		size_t per_page = (size_t)a->cols * a->rows;
		const uint8_t *cell = r->cells + i / per_page * r->page_bytes + i % per_page * r->cell_bytes;
		const uint8_t *lv[ATLAS_MAX_LEVELS];
		for (uint32_t k = 0; k < a->levels; k++)
			lv[k] = cell + r->lvoff[k];
		atlas_coverage_cell(a, lv, r->has_alpha, r->cov_thr, r->cov + i * a->levels);
		once_done(st);
	}
	return r->cov + i * a->levels;
}

/* ---- sampling ---- */

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

/* ---- compositing one row of one sprite ---- */

/* Opaque sources, gray pages: write over what is there. */
static void fast_gray(const struct job *j, const struct sp *p, const uint16_t *v, int n, uint8_t *dst)
{
	uint32_t thr = j->mode == DRAW_DISCARD ? p->thr88 : 0;
	if (p->white) {
		for (int i = 0; i < n; i++) {
			uint32_t c = (uint32_t)((v[i] + 128) >> 8) * 0x010101u | 0xff000000u;
			put_px(j->gray, dst, i, v[i] >= thr ? c : get_px(j->gray, dst, i));
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		float x = (float)v[i];
		uint32_t c = pack((uint32_t)(x * p->k[0] + 0.5f), (uint32_t)(x * p->k[1] + 0.5f),
				  (uint32_t)(x * p->k[2] + 0.5f), 255);
		put_px(j->gray, dst, i, v[i] >= thr ? c : get_px(j->gray, dst, i));
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
		put_px(j->gray, dst, i, pack((uint32_t)((float)v[0] * p->k[0] + 0.5f), (uint32_t)((float)v[1] * p->k[1] + 0.5f),
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

/* A mono frame's image tile (a cross-fade's, t->img) has an alpha that is not 1: its
 * values, then IMG_PLANE floats on, their alphas. */
#define IMG_PLANE ((size_t)TILE_W * STRIP)

/* Floats a pixel of the float tile: premultiplied RGBA, or in a mono frame (swr_frame)
 * one, the value its equal R, G and B would have: its alpha is 1 throughout. */
INLINE int acc_floats(const struct job *j)
{
	return j->mono ? 1 : 4;
}

/* over_row of gray sources in a mono tile, four pixels at a time: each lane the first
 * (and with an alpha plane, the last) lane of over_row's "over". A group past n keeps
 * those pixels; v holds whole groups of LANES, acc a quarter of its room. */
INLINE void over_row_mono(const struct job *j, const struct sp *p, const uint16_t *v, int n, float *acc)
{
	const float s = 1.0f / ONE88;
	bool blend = j->mode == DRAW_BLEND, discard = j->mode == DRAW_DISCARD;
	const f32x4 one = { 1, 1, 1, 1 };
	const i32x4 lane = { 0, 1, 2, 3 };
	float t0 = p->tint[0], t3 = p->tint[3];
	for (int i = 0; i < n; i += 4) {
		uint16_t x[4];
		memcpy(x, v + i, sizeof x);
		i32x4 xi = { x[0], x[1], x[2], x[3] };
		f32x4 r = __builtin_convertvector(xi, f32x4) * s, c0, c3, d, a;
		/* as over_row's c = tint × r (blend) or tint × (r, r, r, 1) */
		c0 = t0 * r;
		c3 = blend ? t3 * r : (f32x4){ t3, t3, t3, t3 };
		i32x4 keep = lane + i >= n;
		if (discard)
			keep |= xi < (int32_t)p->thr88;
		memcpy(&d, acc + i, sizeof d);
		d = (f32x4)(((i32x4)d & keep) | ((i32x4)(c0 + d * (one - c3)) & ~keep));
		memcpy(acc + i, &d, sizeof d);
		if (p->alpha_plane) {
			memcpy(&a, acc + IMG_PLANE + i, sizeof a);
			a = (f32x4)(((i32x4)a & keep) | ((i32x4)(c3 + a * (one - c3)) & ~keep));
			memcpy(acc + IMG_PLANE + i, &a, sizeof a);
		}
	}
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
		if (j->fast) {
			put_px(j->gray, dst, i, p->border8);
		} else if (j->mono) {
			acc[i] = p->border[0] + (1 - p->border[3]) * acc[i];  /* over's first channel */
			if (p->alpha_plane)
				acc[IMG_PLANE + i] = p->border[3] + (1 - p->border[3]) * acc[IMG_PLANE + i];
		} else {
			over(acc + 4 * i, p->border);
		}
	}
}

/* ---- one sprite in one tile ---- */

void swr_lod(const struct swr *r, float sx, float sy, struct lod *d)
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
		swr_lod(j->r, p->sx, p->sy, &t->mlod);
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


/* share: the image's alpha factor (scene_lod's img_alpha), 1 but for sprites with SCENE_DOT. */
static void setup_sprite(const struct job *j, const struct item *it, const struct tile *tl, float *acc, float share,
			 struct sp *p)
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
			p->border8 = swr_store(p->border);
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
	p->acc = acc;
	p->alpha_plane = false;
	if (!j->fast) {
		float ta = (float)(c >> 24 & 255) / 255.0f;
		for (int k = 0; k < 3; k++)
			p->tint[k] = (float)(c >> 8 * k & 255) / 255.0f * ta * share;
		p->tint[3] = ta * share;
		if (s->page_flags >> 16 & (SCENE_OUTLINE | SCENE_FRAME))
			for (int k = 0; k < 4; k++)
				p->border[k] *= share;
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

/* Eight opaque gray pixels, white tint, of a gray frame: write those that pass. */
INLINE void put8_white_gray(uint8_t *dst, u16x8 v, uint16_t thr)
{
	u16x8 g = (v + 128) >> 8, keep = (u16x8)(v >= thr);
	u8x8 old, g8 = __builtin_convertvector(g, u8x8), k8 = __builtin_convertvector(keep, u8x8);
	memcpy(&old, dst, sizeof old);
	old = (g8 & k8) | (old & ~k8);
	memcpy(dst, &old, sizeof old);
}

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
	int bpp = frame_bpp(j);
	uint8_t *dst = j->rgba + ((size_t)p->ry0 * (size_t)j->w + (size_t)p->ia) * (size_t)bpp;
	for (int k = 0; k < p->ry1 - p->ry0; k++, dst += (size_t)j->w * (size_t)bpp) {
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
			if (b < full && j->gray)
				put8_white_gray(dst + b, v, thr);
			else if (b < full)
				put8_white(dst + 4 * b, v, thr);
			else
				memcpy(val + b, &v, sizeof v);
		}
		float *acc = kind == K_FLOAT ? p->acc + ((size_t)(p->ry0 + k - tl->ya) * TILE_W + (size_t)(p->ia - tl->xa)) *
							       acc_floats(j)
					     : NULL;
		if (kind == K_WHITE) {
			if (full < n)
				fast_gray(j, p, val + full, n - full, dst + (size_t)bpp * full);
		} else if (kind == K_TINT) {
			fast_gray(j, p, val, n, dst);
		} else if (kind == K_RGBA) {
			fast_rgba(j, p, val, n, dst);
		} else if (j->mono) {         /* (a mono frame has gray pages: ch is 1) */
			over_row_mono(j, p, val, n, acc);
		} else {
			over_row(j, p, val, n, acc, ch);
		}
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
	p->pre_row = (size_t)r->pre.c.key.w * (size_t)j->ch;
	/* 256 (t - 0.5), as setup_axis; t >= 1 inside the sprite: no clamping */
	int32_t ux = (int32_t)(((float)p->ia + 0.5f - it->s.x0 + 1.0f) * 256.0f - 127.5f);
	int32_t uy = (int32_t)(((float)p->ry0 + 0.5f - it->s.y0 + 1.0f) * 256.0f - 127.5f);
	p->pfx = (uint16_t)(ux & 255);
	p->pfy = (uint16_t)(uy & 255);
	p->pre_top = r->pre.c.texels + cell * r->pre.c.key.slot + (size_t)(uy >> 8) * p->pre_row +
		     (size_t)(ux >> 8) * (size_t)j->ch;
}

/* The sprite's image (with its outline or label frame), composited into acc (float
 * path) with its alpha times share. */
static void draw_image(const struct job *j, struct tls *t, const struct item *it, const struct tile *tl, float *acc,
		       float share)
{
	struct sp p;
	setup_sprite(j, it, tl, acc, share, &p);
	p.alpha_plane = j->mono && acc == t->img;
	if (p.ix0 >= p.ix1)
		return;
	/* rows inside the outline, in this tile */
	p.ry0 = p.ry0 > p.y0 ? p.ry0 : p.y0;
	p.ry1 = p.ry1 < p.y1 ? p.ry1 : p.y1;
	p.ry1 = p.ry1 > p.ry0 ? p.ry1 : p.ry0;
	if (it->s.page_flags >> 16 & (SCENE_OUTLINE | SCENE_FRAME))
		for (int y = p.y0; y < p.y1; y++) {
			uint8_t *dst = j->rgba + ((size_t)y * (size_t)j->w + (size_t)p.ix0) * (size_t)frame_bpp(j);
			float *fa = j->fast ? NULL : acc + ((size_t)(y - tl->ya) * TILE_W + (size_t)(p.ix0 - tl->xa)) * acc_floats(j);
			bool inside = y >= p.ry0 && y < p.ry1;
			int left = inside ? p.ia - p.ix0 : p.ix1 - p.ix0, right = p.ib - p.ix0;
			outline_span(j, &p, left, dst, fa);
			if (inside)
				outline_span(j, &p, p.ix1 - p.ib, dst + (size_t)frame_bpp(j) * right,
					     fa ? fa + (size_t)acc_floats(j) * right : NULL);
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
			p.thr88 = r->pre.thr88[cell];
			/* the float threshold only where luminance is tested (colour without
			 * alpha): elsewhere its load was a cache miss a sprite, a tenth of
			 * this function's time in a transition */
			if (j->ch != 1 && !r->has_alpha)
				p.thr = r->pre.thr_f[cell];
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
			p.thr88 = swr_threshold88(p.thr);
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

/* ---- discs ---- */

/* Square roots of 4 lanes, each as sqrtf rounds it. */
INLINE f32x4 sqrt4(f32x4 q)
{
#if defined(__SSE__)
	return __builtin_ia32_sqrtps(q);
#else
	return (f32x4){ sqrtf(q[0]), sqrtf(q[1]), sqrtf(q[2]), sqrtf(q[3]) };
#endif
}

/* The coverage clamped to [0, 1] as draw_disc's masks clamp it (NaN and -0 to +0). */
INLINE f32x4 clamp01(f32x4 v)
{
#if defined(__SSE__)
	return __builtin_ia32_minps(__builtin_ia32_maxps(v, (f32x4){ 0, 0, 0, 0 }), (f32x4){ 1, 1, 1, 1 });
#else
	const f32x4 zero = { 0, 0, 0, 0 }, one = { 1, 1, 1, 1 };
	i32x4 pos = v > zero, full = v > one;
	return (f32x4)(((i32x4)v & pos & ~full) | ((i32x4)one & full));
#endif
}

/* draw_disc in a mono tile: four pixels' first lanes of its "over"s at once, in
 * groups aligned to 4 pixels (a group loaded where an earlier disc had stored an
 * overlapping one would wait on a failed store forwarding). A group's pixels outside
 * [x0, x1) keep their values (the formula may give them a rounding's worth of coverage
 * there, and draw_disc does not draw them): the first and last group's masks are the
 * same on every row. A group stays in its tile's row, and in bounds, as TILE_W is a
 * multiple of 4 and a mono tile uses a quarter of acc. */
INLINE void disc_mono_rows(struct tls *t, const struct tile *tl, int x0, int x1, int y0, int y1, float cx, float cy,
			   float e, float a, float v, bool opaque, bool img)
{
	int g0 = tl->xa + ((x0 - tl->xa) & ~3), glast = tl->xa + ((x1 - 1 - tl->xa) & ~3);
	const i32x4 lane = { 0, 1, 2, 3 };
	const f32x4 one = { 1, 1, 1, 1 };
	i32x4 keep0 = (lane + g0 < x0) | (lane + g0 >= x1), keep1 = (lane + glast < x0) | (lane + glast >= x1);
	for (int y = y0; y < y1; y++) {
		float dy = (float)y + 0.5f - cy, dy2 = dy * dy;
		size_t at = (size_t)(y - tl->ya) * TILE_W + (size_t)(g0 - tl->xa);
		float *acc = t->acc + at;
		const float *im = t->img + at;
		for (int x = g0; x <= glast; x += 4, acc += 4, im += 4) {
			f32x4 dx = __builtin_convertvector(lane + x, f32x4) + 0.5f - cx, d;
			f32x4 cov = clamp01(e - sqrt4(dx * dx + dy2));
			if (!opaque)
				cov *= a;       /* (× 1 is exact: the opaque case skips it) */
			memcpy(&d, acc, sizeof d);
			f32x4 o;
			if (img) {
				/* the cross-fade: the image's value and alpha added to the disc's */
				f32x4 iv, ia;
				memcpy(&iv, im, sizeof iv);
				memcpy(&ia, im + IMG_PLANE, sizeof ia);
				o = (v * cov + iv) + d * (one - (cov + ia));
			} else {
				o = v * cov + d * (one - cov);
			}
			i32x4 keep = x == g0 ? keep0 : x == glast ? keep1 : (i32x4){ 0, 0, 0, 0 };
			d = (f32x4)(((i32x4)d & keep) | ((i32x4)o & ~keep));
			memcpy(acc, &d, sizeof d);
		}
	}
}

static void disc_mono(struct tls *t, const struct tile *tl, int x0, int x1, int y0, int y1, float cx, float cy,
		      float e, float a, float v, bool img)
{
	if (x0 >= x1)
		return;
	if (img)
		disc_mono_rows(t, tl, x0, x1, y0, y1, cx, cy, e, a, v, false, true);
	else if (a == 1)
		disc_mono_rows(t, tl, x0, x1, y0, y1, cx, cy, e, a, v, true, false);
	else
		disc_mono_rows(t, tl, x0, x1, y0, y1, cx, cy, e, a, v, false, false);
}

/* A sprite's disc (draw/dopts.h), clipped to the tile, over acc; with img, the image's
 * part of the cross-fade (a tile like acc, zero where the image puts nothing) added to
 * the disc's before compositing, so that each pixel is one "over" of their sum.
 * Four pixels' coverage at a time and no test on it: where a disc's edge falls in a
 * row varies from row to row, and the branches that skipped its outside and stored its
 * inside were mispredicted about as often as they saved work. An opaque inside
 * composites exactly as a store (acc × (1 - 1) adds 0). */
static void draw_disc(const struct job *j, struct tls *t, const struct item *it, const struct tile *tl,
		      const float *img)
{
	const struct scene_sprite *s = &it->s;
	int x0 = it->ix0 > tl->xa ? it->ix0 : tl->xa, x1 = it->ix1 < tl->xb ? it->ix1 : tl->xb;
	int y0 = it->iy0 > tl->ya ? it->iy0 : tl->ya, y1 = it->iy1 < tl->yb ? it->iy1 : tl->yb;
	float cx = 0.5f * (s->x0 + s->x1), cy = 0.5f * (s->y0 + s->y1), e = j->lod.radius + 0.5f;
	float a = j->lod.dot_alpha;
	uint32_t c = j->r->dots[cell_index(j->r, s)];
	/* the shader's unorm colour, alpha 1; times coverage × the disc's share */
	f32x4 col = { (float)(c & 255) / 255.0f, (float)(c >> 8 & 255) / 255.0f, (float)(c >> 16 & 255) / 255.0f, 1 };
	const f32x4 one = { 1, 1, 1, 1 };
	if (j->mono) {
		disc_mono(t, tl, x0, x1, y0, y1, cx, cy, e, a, col[0], img != NULL);
		return;
	}
	for (int y = y0; y < y1; y++) {
		float dy = (float)y + 0.5f - cy, dy2 = dy * dy;
		size_t at = ((size_t)(y - tl->ya) * TILE_W + (size_t)(x0 - tl->xa)) * 4;
		float *acc = t->acc + at;
		const float *im = img ? img + at : NULL;
		for (int x = x0; x < x1; x += 4) {
			f32x4 dx = __builtin_convertvector((i32x4){ 0, 1, 2, 3 } + x, f32x4) + 0.5f - cx;
			f32x4 cov = clamp01(e - sqrt4(dx * dx + dy2)) * a;
			int n = x1 - x < 4 ? x1 - x : 4;
			if (n == 4 && !im) {
				/* the source's alpha is cov (col's is 1): four independent "over"s */
				f32x4 k = one - cov, d[4];
				memcpy(d, acc, sizeof d);
				d[0] = col * cov[0] + d[0] * k[0];
				d[1] = col * cov[1] + d[1] * k[1];
				d[2] = col * cov[2] + d[2] * k[2];
				d[3] = col * cov[3] + d[3] * k[3];
				memcpy(acc, d, sizeof d);
				acc += 16;
				continue;
			}
			for (int k = 0; k < n; k++, acc += 4) {
				f32x4 src = col * cov[k];
				if (im) {
					f32x4 v;
					memcpy(&v, im, sizeof v);
					src += v;
					im += 4;
				}
				over4(acc, src);
			}
		}
	}
}

/* A tile's part of the box [x0, x1) × [y0, y1) of t->img, cleared. */
static void clear_img(const struct job *j, struct tls *t, const struct item *it, const struct tile *tl)
{
	int x0 = it->ix0 > tl->xa ? it->ix0 : tl->xa, x1 = it->ix1 < tl->xb ? it->ix1 : tl->xb;
	int y0 = it->iy0 > tl->ya ? it->iy0 : tl->ya, y1 = it->iy1 < tl->yb ? it->iy1 : tl->yb;
	if (x0 >= x1)
		return;
	for (int y = y0; y < y1; y++) {
		size_t at = (size_t)(y - tl->ya) * TILE_W + (size_t)(x0 - tl->xa);
		if (j->mono) {
			memset(t->img + at, 0, (size_t)(x1 - x0) * sizeof *t->img);
			memset(t->img + IMG_PLANE + at, 0, (size_t)(x1 - x0) * sizeof *t->img);
		} else {
			memset(t->img + at * 4, 0, (size_t)(x1 - x0) * 4 * sizeof *t->img);
		}
	}
}

/* One sprite: an image as ever, or as the frame's discs and opacity say. */
static void draw_sprite(const struct job *j, struct tls *t, const struct item *it, const struct tile *tl)
{
	const struct scene_lod *l = &j->lod;
	if (!(it->s.page_flags >> 16 & SCENE_DOT)) {
		draw_image(j, t, it, tl, t->acc, 1);
		return;
	}
	if (!(l->dot_alpha > 0)) {
		draw_image(j, t, it, tl, t->acc, l->img_alpha);
		return;
	}
	if (!(l->img_alpha > 0)) {
		draw_disc(j, t, it, tl, NULL);
		return;
	}
	/* binning gave the disc's box; the image covers its own rectangle, inside it */
	clear_img(j, t, it, tl);
	struct item im = *it;
	im.ix0 = first_centre(it->s.x0, j->w);
	im.ix1 = first_centre(it->s.x1, j->w);
	im.iy0 = first_centre(it->s.y0, j->h);
	im.iy1 = first_centre(it->s.y1, j->h);
	draw_image(j, t, &im, tl, t->img, l->img_alpha);
	draw_disc(j, t, it, tl, t->img);
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
	if (!swr_has_image(&j->lod, &it->s))
		return;
	if (it->pre != NO_PRE) {
		uintptr_t from = (uintptr_t)(r->pre.c.texels + it->pre * r->pre.c.key.slot), to = from + r->pre.c.key.slot;
		for (uintptr_t a = from & ~(uintptr_t)63; a < to; a += 64)
			__builtin_prefetch((const void *)a);
		if (r->cov) {
			__builtin_prefetch((const void *)&r->pre.thr88[it->pre]);
			if (j->ch != 1 && !r->has_alpha)
				__builtin_prefetch((const void *)&r->pre.thr_f[it->pre]);
		}
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

/* The accumulator as the shader stores it: straight alpha, RGBA8 (gray: its R). */
static void store_span(const float *acc, int n, uint8_t *dst, bool gray)
{
	for (int i = 0; i < n; i++, acc += 4) {
		f32x4 c;
		memcpy(&c, acc, sizeof c);
		float a = c[3], m = a > 0 && a < 1 ? 1 / a : 1;
		if (a < 0.5f / 255.0f) {
			put_px(gray, dst, i, 0);    /* transparent black, as the shader stores it */
			continue;
		}
		c *= (f32x4){ m, m, m, 1 };
		/* premultiplied sums of non-negative terms: >= 0; after dividing, maybe > 1 */
		i32x4 b = __builtin_convertvector(c * 255.0f + 0.5f, i32x4);
		put_px(gray, dst, i, pack((uint32_t)(b[0] < 255 ? b[0] : 255), (uint32_t)(b[1] < 255 ? b[1] : 255),
					  (uint32_t)(b[2] < 255 ? b[2] : 255), (uint32_t)(b[3] < 255 ? b[3] : 255)));
	}
}

/* n pixels of RGBA8 colour c, four at a time; in a gray frame its R. */
static void fill8(uint8_t *dst, int n, uint32_t c, bool gray)
{
	if (gray) {
		memset(dst, (int)(c & 255), (size_t)(n > 0 ? n : 0));
		return;
	}
	uint8_t q[16];
	for (int k = 0; k < 4; k++)
		put(q + 4 * k, c);
	int i = 0;
	for (; i + 4 <= n; i += 4)
		memcpy(dst + 4 * i, q, sizeof q);
	for (; i < n; i++)
		put(dst + 4 * i, c);
}

/* store_span of a mono tile: its alpha of 1 divides nothing. */
static void store_mono(const float *acc, int n, uint8_t *dst, bool gray)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		f32x4 c;
		memcpy(&c, acc + i, sizeof c);
		i32x4 b = __builtin_convertvector(c * 255.0f + 0.5f, i32x4);
		for (int k = 0; k < 4; k++) {
			uint32_t v = (uint32_t)(b[k] < 255 ? b[k] : 255);
			put_px(gray, dst, i + k, v * 0x010101u | 0xff000000u);
		}
	}
	for (; i < n; i++) {
		int32_t b = (int32_t)(acc[i] * 255.0f + 0.5f);
		uint32_t v = (uint32_t)(b < 255 ? b : 255);
		put_px(gray, dst, i, v * 0x010101u | 0xff000000u);
	}
}

static void do_tile(struct job *j, struct tls *t, int k)
{
	struct tile tl = { .xa = k % j->tiles_x * TILE_W, .ya = k / j->tiles_x * STRIP };
	tl.xb = tl.xa + TILE_W < j->w ? tl.xa + TILE_W : j->w;
	tl.yb = tl.ya + STRIP < j->h ? tl.ya + STRIP : j->h;
	size_t bpp = (size_t)frame_bpp(j), stride = (size_t)j->w * bpp, tw = (size_t)(tl.xb - tl.xa);
	uint8_t *rows = j->rgba + (size_t)tl.ya * stride + (size_t)tl.xa * bpp;
	const struct swr *r = j->r;
	uint32_t e0 = r->tile_off[k], e1 = r->tile_off[k + 1];
	int lo[STRIP], hi[STRIP];
	if (j->fast) {
		fill8(rows, (int)tw, j->bg8, j->gray);
		for (int y = tl.ya + 1; y < tl.yb; y++)
			memcpy(rows + (size_t)(y - tl.ya) * stride, rows, tw * bpp);
	} else {
		touched(j, e0, e1, &tl, lo, hi);
		for (int y = tl.ya; y < tl.yb; y++)
			for (int x = lo[y - tl.ya]; x < hi[y - tl.ya]; x++) {
				size_t at = (size_t)(y - tl.ya) * TILE_W + (size_t)(x - tl.xa);
				if (j->mono)
					t->acc[at] = j->bg[0];
				else
					memcpy(t->acc + at * 4, j->bg, sizeof j->bg);
			}
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
			fill8(row + bpp * (size_t)tl.xa, a - tl.xa, j->bg8, j->gray);
			const float *acc = t->acc + ((size_t)(y - tl.ya) * TILE_W + (size_t)(a - tl.xa)) * acc_floats(j);
			if (j->mono)
				store_mono(acc, b - a, row + bpp * (size_t)a, j->gray);
			else
				store_span(acc, b - a, row + bpp * (size_t)a, j->gray);
			fill8(row + bpp * (size_t)b, tl.xb - b, j->bg8, j->gray);
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

void swr_tile_paint(struct job *j)
{
	struct worker wk = { .j = j };
	atomic_init(&wk.id, 0);
	swr_run_threads(j->r->threads < j->ntiles ? j->r->threads : j->ntiles, work, &wk);
}

void swr_tile_free(struct swr *r)
{
	for (int i = 0; i < SWR_MAX_THREADS; i++) {
		struct tls *t = &r->t[i];
		for (int l = 0; l < 2; l++) {
			free(t->xo[l]);
			free(t->xf[l]);
			free(t->val[l]);
		}
		free(t->acc);
		free(t->img);
#if SHUFFLE
		free(t->mask[0]);
		free(t->mask[1]);
#endif
		memset(t, 0, sizeof *t);
	}
	r->tw = 0;
}

int swr_tile_alloc(struct swr *r, int w)
{
	if (w <= r->tw)
		return 0;
	swr_tile_free(r);
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
		ok &= (t->img = malloc((size_t)TILE_W * STRIP * 4 * sizeof *t->img)) != NULL;
#if SHUFFLE
		for (int l = 0; l < 2; l++)
			ok &= (t->mask[l] = malloc(lanes / LANES * sizeof *t->mask[l])) != NULL;
#endif
		if (!ok) {
			swr_tile_free(r);
			return -1;
		}
	}
	r->tw = w;
	return 0;
}

/* The least 8.8 value that passes the shader's test value >= threshold, in float:
 * for the value of a texel byte t, v / 65280 rounds to the float t / 255 does. */
uint32_t swr_threshold88(float thr)
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
