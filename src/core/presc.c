#include "core/presc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/fnum.h"
#include "core/atlas.h"


#define MAX_SIDE PRESC_MAX_SIDE

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

void presc_build(const struct presc_src *src, int k, float sx, float sy, uint8_t *dst, uint32_t stride)
{
	const uint8_t *lv = src->lv;
	uint32_t side = src->side, ch = src->ch, ox = src->ox, oy = src->oy, iw = src->iw, ih = src->ih;
	uint32_t w, h;
	presc_size(iw, ih, sx, sy, &w, &h);
	uint32_t ow = w - 2, oh = h - 2;
	struct taps tx[MAX_SIDE], ty;
	if (ow > MAX_SIDE || oh > MAX_SIDE)
		return;              /* the caller checks; nothing sensible to write */
	for (uint32_t t = 0; t < ow; t++)
		axis(ox, iw, sx, k, t, &tx[t]);
	uint32_t u0 = tx[0].first, u1 = tx[ow - 1].first + (uint32_t)tx[ow - 1].n;
	float col[(MAX_SIDE * (PRESC_MAX_TAPS - 2) + 2) * 4];
	size_t row = (size_t)stride * ch;
	for (uint32_t r = 0; r < oh; r++) {
		/* the rows' weighted sum over the columns used, then each column's taps */
		axis(oy, ih, sy, k, r, &ty);
		for (uint32_t u = u0; u < u1; u++)
			for (uint32_t c = 0; c < ch; c++) {
				float v = 0;
				for (int i = 0; i < ty.n; i++)
					v += ty.w[i] * lv[((size_t)(ty.first + (uint32_t)i) * side + u) * ch + c];
				col[(u - u0) * ch + c] = v;
			}
		uint8_t *d = dst + (size_t)(r + 1) * row;
		for (uint32_t t = 0; t < ow; t++)
			for (uint32_t c = 0; c < ch; c++) {
				float v = 0;
				for (int i = 0; i < tx[t].n; i++)
					v += tx[t].w[i] * col[(tx[t].first + (uint32_t)i - u0) * ch + c];
				d[(t + 1) * ch + c] = (uint8_t)(v + 0.5f);
			}
		/* the border: the first and last texel again */
		memcpy(d, d + ch, ch);
		memcpy(d + (size_t)(w - 1) * ch, d + (size_t)(w - 2) * ch, ch);
	}
	memcpy(dst, dst + row, (size_t)w * ch);
	memcpy(dst + (size_t)(h - 1) * row, dst + (size_t)(h - 2) * row, (size_t)w * ch);
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

float presc_image(const struct presc_key *key, const struct presc_src *src, double c0, double threshold,
		  bool has_alpha, uint8_t *dst)
{
	presc_build(src, key->k, key->sx, key->sy, dst, key->w);
	if (c0 < 0)
		return 1;
	uint32_t w, h, ch = src->ch;
	presc_dims(key, src->iw, src->ih, &w, &h);
	/* inside the border */
	struct atlas_texels t = { .p = dst + (size_t)(key->w + 1) * ch, .w = w - 2, .h = h - 2, .stride = key->w,
				  .ch = ch, .has_alpha = has_alpha };
	return atlas_coverage_scale(c0, threshold, &t);
}

int presc_cache_use(struct presc_cache *c, const struct presc_key *key, double thr, size_t n, size_t pad)
{
	if (c->made && c->n == n && key->sx == c->key.sx && key->sy == c->key.sy && thr == c->thr)
		return 0;
	c->made = false;
	size_t bytes = key->slot * n + pad;
	if (bytes > c->cap) {
		/* a store that grows loses its contents: the images are made again anyway */
		free(c->texels);
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
	c->key = *key;
	c->thr = thr;
	c->made = true;
	return 1;
}

void presc_cache_reset(struct presc_cache *c)
{
	c->made = false;
}

void presc_cache_free(struct presc_cache *c)
{
	free(c->texels);
	free(c->scale);
	free((void *)c->state);
	memset(c, 0, sizeof *c);
}
