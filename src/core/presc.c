#include "core/presc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnum.h"
#include "core/atlas.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif


#define MAX_SIDE PRESC_MAX_SIDE

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* One output texel along an axis: the level's texels from first on, and their weights. */
struct taps {
	uint32_t first;
	int n;
	float w[PRESC_MAX_TAPS];
};

void presc_size(uint32_t iw, uint32_t ih, float sx, float sy, uint32_t *w, uint32_t *h)
{
	*w = (uint32_t)ceil((double)iw / sx) + 2;
	*h = (uint32_t)ceil((double)ih / sy) + 2;
}

int presc_level(float sx, float sy, uint32_t levels)
{
	float lo = sx < sy ? sx : sy, hi = sx > sy ? sx : sy;
	if (!(lo >= 1) || !(hi > 1))
		return -1;
	int k = (int)fnum_long(floorf(log2f(lo)), 0, 31);
	k = k < (int)levels - 1 ? k : (int)levels - 1;
	/* taps: up to ceil(scale at level k) + 1 */
	if (hi / (float)(1 << k) >= PRESC_MAX_TAPS - 2)
		return -1;
	return k;
}

/* Output texel t: the image's [t s, min((t + 1) s, len)) in level-0 texels (first
 * texel at off), read at level k, each texel weighted by its overlap. */
static void axis(uint32_t off, uint32_t len, float s, int k, uint32_t t, struct taps *tp)
{
	double scale = 1.0 / (double)(1u << k);
	double a = ((double)off + (double)t * s) * scale;
	double b = ((double)off + fmin((double)(t + 1) * s, (double)len)) * scale;
	double total = b - a;
	tp->first = (uint32_t)floor(a);
	tp->n = 0;
	for (uint32_t u = tp->first; (double)u < b && tp->n < PRESC_MAX_TAPS; u++) {
		double lo = fmax(a, (double)u), hi = fmin(b, (double)u + 1);
		tp->w[tp->n++] = (float)((hi - lo) / total);
	}
}

/* What presc_build computes from the geometry alone: every output texel's taps. */
struct presc_plan {
	uint32_t ow, oh, u0, u1;         /* output texels inside the border; level columns read */
	struct taps tx[MAX_SIDE], ty[MAX_SIDE];
};

/* false when the output is larger than a plan holds (the caller checks before). */
static bool plan(const struct presc_src *src, int k, float sx, float sy, struct presc_plan *p)
{
	uint32_t w, h;
	presc_size(src->iw, src->ih, sx, sy, &w, &h);
	p->ow = w - 2;
	p->oh = h - 2;
	if (p->ow > MAX_SIDE || p->oh > MAX_SIDE)
		return false;
	for (uint32_t t = 0; t < p->ow; t++)
		axis(src->ox, src->iw, sx, k, t, &p->tx[t]);
	for (uint32_t r = 0; r < p->oh; r++)
		axis(src->oy, src->ih, sy, k, r, &p->ty[r]);
	p->u0 = p->tx[0].first;
	p->u1 = p->tx[p->ow - 1].first + (uint32_t)p->tx[p->ow - 1].n;
	return true;
}

typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x4 __attribute__((vector_size(16)));

/* n (4 or 8) texel bytes as floats, exactly (GCC makes a conversion a lane of a vector
 * conversion of bytes, without SSE2's unpacking) */
static inline void bytes_to_floats(const uint8_t *p, int n, f32x4 *lo, f32x4 *hi)
{
#if defined(__SSE2__)
	__m128i b = n == 8 ? _mm_loadl_epi64((const __m128i *)(const void *)p) : _mm_cvtsi32_si128((int)rd32(p));
	__m128i z = _mm_setzero_si128(), w = _mm_unpacklo_epi8(b, z);
	*lo = (f32x4)_mm_cvtepi32_ps(_mm_unpacklo_epi16(w, z));
	*hi = (f32x4)_mm_cvtepi32_ps(_mm_unpackhi_epi16(w, z));
#else
	for (int i = 0; i < 4; i++) {
		(*lo)[i] = p[i];
		(*hi)[i] = n == 8 ? p[4 + i] : 0;
	}
#endif
}

/* Output rows a group: one lane each. */
#define GROUP 8
#define MAX_COLS ((MAX_SIDE * (PRESC_MAX_TAPS - 2) + 2) * 4)
typedef int32_t i32x8 __attribute__((vector_size(32)));

/* The rows' weighted sum of ty's level rows, over the row bytes [b0, b1), into col:
 * 8 bytes a step, then 4, each lane adding its terms in the order the plain loop does
 * (the same floats); the last step's missing bytes are read as 0, its sums up to the
 * next multiple of 4 written. */
static void column_sums(const uint8_t *lv, size_t row, const struct taps *ty, size_t b0, size_t b1, float *col)
{
	for (size_t j = b0; j < b1;) {
		size_t left = b1 - j;
		int step = left >= 8 ? 8 : 4;
		f32x4 lo = { 0 }, hi = { 0 };
		for (int i = 0; i < ty->n; i++) {
			const uint8_t *p = lv + (size_t)(ty->first + (uint32_t)i) * row + j;
			uint8_t part[4] = { 0 };
			if (left < 4) {
				/* byte by byte: a call for 1 to 3 bytes costs more than they do */
				part[0] = p[0];
				part[1] = left > 1 ? p[1] : 0;
				part[2] = left > 2 ? p[2] : 0;
			}
			f32x4 a, b;
			bytes_to_floats(left < 4 ? part : p, step, &a, &b);
			lo += ty->w[i] * a;
			hi += ty->w[i] * b;
		}
		memcpy(col + (j - b0), &lo, sizeof lo);
		if (step == 8)
			memcpy(col + (j - b0) + 4, &hi, sizeof hi);
		j += (size_t)step;
	}
}

/* by_col[j] lane r = col[r][j], for j < cols (4 at a time: col's rows hold sums up to
 * the next multiple of 4). */
static void by_column(float (*col)[MAX_COLS + 4], size_t cols, f32x8 *by_col)
{
#if defined(__SSE2__)
	for (size_t j = 0; j < cols; j += 4)
		for (int h = 0; h < 2; h++) {
			__m128 a = _mm_loadu_ps(col[4 * h] + j), b = _mm_loadu_ps(col[4 * h + 1] + j);
			__m128 c = _mm_loadu_ps(col[4 * h + 2] + j), d = _mm_loadu_ps(col[4 * h + 3] + j);
			_MM_TRANSPOSE4_PS(a, b, c, d);
			float *at = (float *)&by_col[j] + 4 * h;
			_mm_storeu_ps(at, a);
			_mm_storeu_ps(at + 8, b);
			_mm_storeu_ps(at + 16, c);
			_mm_storeu_ps(at + 24, d);
		}
#else
	for (size_t j = 0; j < cols; j++)
		for (int r = 0; r < 8; r++)
			by_col[j][r] = col[r][j];
#endif
}


/* A group of output rows at once: each row's column sums (along its row, as the plain
 * loop's), kept by column, so that every output texel is a few taps of whole columns
 * for all the rows of the group (a texel at a time, its taps' loop was most of an
 * image's cost). Each lane adds its terms as the plain loop does: the same floats. */
static void build(const struct presc_plan *p, const struct presc_src *src, uint8_t *dst, uint32_t stride)
{
	uint32_t ch = src->ch, ow = p->ow, oh = p->oh, u0 = p->u0, w = ow + 2, h = oh + 2;
	size_t cols = (size_t)(p->u1 - u0) * ch, row = (size_t)stride * ch;
	const struct taps *tx = p->tx;
	float col[GROUP][MAX_COLS + 4];
	f32x8 by_col[MAX_COLS + 4];
	for (uint32_t r0 = 0; r0 < oh; r0 += GROUP) {
		uint32_t nr = oh - r0 < GROUP ? oh - r0 : GROUP;
		for (uint32_t r = 0; r < GROUP; r++) {
			if (r < nr)
				column_sums(src->lv, (size_t)src->side * ch, &p->ty[r0 + r], (size_t)u0 * ch,
					    (size_t)p->u1 * ch, col[r]);
			else
				memset(col[r], 0, (cols + 4) * sizeof col[r][0]);
		}
		by_column(col, cols, by_col);
		for (uint32_t t = 0; t < ow; t++)
			for (uint32_t c = 0; c < ch; c++) {
				f32x8 v = { 0 };
				const f32x8 *at = &by_col[(size_t)(tx[t].first - u0) * ch + c];
				for (int i = 0; i < tx[t].n; i++)
					v += tx[t].w[i] * at[(size_t)i * ch];
				i32x8 q = __builtin_convertvector(v + 0.5f, i32x8);
				uint8_t *d = dst + (size_t)(r0 + 1) * row + (size_t)(t + 1) * ch + c;
				for (uint32_t r = 0; r < nr; r++)
					d[r * row] = (uint8_t)q[r];
			}
	}
	for (uint32_t r = 0; r < oh; r++) {
		/* the border: the first and last texel again */
		uint8_t *d = dst + (size_t)(r + 1) * row;
		memcpy(d, d + ch, ch);
		memcpy(d + (size_t)(w - 1) * ch, d + (size_t)(w - 2) * ch, ch);
	}
	memcpy(dst, dst + row, (size_t)w * ch);
	memcpy(dst + (size_t)(h - 1) * row, dst + (size_t)(h - 2) * row, (size_t)w * ch);
}

void presc_build(const struct presc_src *src, int k, float sx, float sy, uint8_t *dst, uint32_t stride)
{
	struct presc_plan p;
	if (plan(src, k, sx, sy, &p))
		build(&p, src, dst, stride);
	/* else: the caller checks; nothing sensible to write */
}

bool presc_choose(float sx0, float sy0, const struct atlas *a, struct presc_key *key)
{
	uint32_t levels = a->levels, slot_w = a->slot_w, slot_h = a->slot_h, ch = a->channels;
	size_t n = a->n;
	float sx = roundf(sx0 / PRESC_STEP) * PRESC_STEP, sy = roundf(sy0 / PRESC_STEP) * PRESC_STEP;
	int k = presc_level(sx, sy, levels);
	if (k < 0)
		return false;
	uint32_t w, h;
	presc_size(slot_w, slot_h, sx, sy, &w, &h);
	size_t slot = (size_t)w * h * ch;
	if (w - 2 > PRESC_MAX_SIDE || h - 2 > PRESC_MAX_SIDE || slot * n > PRESC_MAX_BYTES)
		return false;
	*key = (struct presc_key){ .sx = sx, .sy = sy, .k = k, .iw = slot_w, .ih = slot_h, .w = w, .h = h,
				   .slot = slot };
	return true;
}

bool presc_match(const struct presc_key *key, float sx, float sy)
{
	return fabsf(sx - key->sx) <= PRESC_STEP && fabsf(sy - key->sy) <= PRESC_STEP;
}

void presc_dims(const struct presc_key *key, uint32_t iw, uint32_t ih, uint32_t *w, uint32_t *h)
{
	if (iw == key->iw && ih == key->ih) {
		*w = key->w;
		*h = key->h;
	} else {
		presc_size(iw, ih, key->sx, key->sy, w, h);
	}
}

/* The discard test's scale of a prescaled image in dst (see presc_image). */
static float coverage(const struct presc_key *key, const struct presc_src *src, double c0, double threshold,
		      bool has_alpha, const uint8_t *dst)
{
	if (c0 < 0)
		return 1;
	uint32_t w, h, ch = src->ch;
	presc_dims(key, src->iw, src->ih, &w, &h);
	/* inside the border */
	struct atlas_texels t = { .p = dst + (size_t)(key->w + 1) * ch, .w = w - 2, .h = h - 2, .stride = key->w,
				  .ch = ch, .has_alpha = has_alpha };
	return atlas_coverage_scale(c0, threshold, &t);
}

float presc_image(const struct presc_key *key, const struct presc_src *src, double c0, double threshold,
		  bool has_alpha, uint8_t *dst)
{
	presc_build(src, key->k, key->sx, key->sy, dst, key->w);
	return coverage(key, src, c0, threshold, has_alpha, dst);
}

float presc_cache_image(struct presc_cache *c, const struct presc_src *src, double c0, double threshold,
			bool has_alpha, size_t cell)
{
	const struct presc_key *key = &c->key;
	uint8_t *dst = presc_cache_slot(c, cell);
	struct presc_plan *p = c->plan, own;
	/* most images have the geometry of the first: its plan is made once, by whichever
	 * thread meets it first */
	if (p && once_claim(&c->plan_state)) {
		c->plan_ok = plan(src, key->k, key->sx, key->sy, p);
		c->plan_src = *src;
		once_done(&c->plan_state);
	}
	const struct presc_src *ps = &c->plan_src;
	if (!p || !c->plan_ok || ps->iw != src->iw || ps->ih != src->ih || ps->ox != src->ox || ps->oy != src->oy) {
		p = &own;
		if (!plan(src, key->k, key->sx, key->sy, p))
			p = NULL;
	}
	if (p)
		build(p, src, dst, key->w);
	return coverage(key, src, c0, threshold, has_alpha, dst);
}

int presc_cache_use(struct presc_cache *c, const struct presc_key *key, double thr, size_t n, size_t pad)
{
	if (c->made && c->n == n && key->sx == c->key.sx && key->sy == c->key.sy && thr == c->thr)
		return 0;
	c->made = false;
	size_t bytes = key->slot * n + pad;
	if (bytes > c->cap || c->adopted) {
		/* a store that grows loses its contents: the images are made again anyway */
		if (!c->adopted)
			free(c->texels);
		c->adopted = false;
		c->cap = 0;
		if (!(c->texels = calloc(1, bytes)))
			return -1;
		c->cap = bytes;
	}
	if (n > c->n) {
		free(c->scale);
		free((void *)c->state);
		c->scale = malloc(n * sizeof *c->scale);
		c->state = malloc(n * sizeof *c->state);
		c->n = 0;
		if (!c->scale || !c->state)
			return -1;
	}
	c->n = n;
	for (size_t i = 0; i < n; i++)
		once_reset(&c->state[i]);
	atomic_init(&c->done, 0);
	if (!c->plan)
		c->plan = malloc(sizeof *c->plan);  /* none: each image plans its own */
	once_reset(&c->plan_state);
	c->key = *key;
	c->thr = thr;
	c->made = true;
	return 1;
}

void presc_cache_reset(struct presc_cache *c)
{
	c->made = false;
}

void presc_cache_adopt(struct presc_cache *c, const uint8_t *texels)
{
	if (!c->adopted)
		free(c->texels);
	c->texels = (uint8_t *)texels;
	c->cap = 0;
	c->adopted = true;
}

void presc_cache_free(struct presc_cache *c)
{
	free(c->plan);
	if (!c->adopted)
		free(c->texels);
	free(c->scale);
	free((void *)c->state);
	memset(c, 0, sizeof *c);
}
