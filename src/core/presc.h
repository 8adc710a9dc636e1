/*
 * presc: an image prefiltered to the size a frame draws it at, the level of detail the
 * cpu backend uses for minified sprites that share one scale (an overview, a
 * transition: 70,000 MNIST digits at 8 px).
 *
 * Trilinear filtering reads two mip levels a pixel, through per-pixel texel offsets
 * and weights. A prescaled image instead has one texel a pixel: texel t is the area
 * average of the image over [t·s, (t+1)·s) (s the scale, texels of the image per pixel),
 * so that a sprite is drawn by bilinear filtering at one fixed sub-pixel offset, its
 * rows read in sequence, from a store of ~100 bytes an image that fits the cache.
 * The average is taken from the largest mip level that is still at least as fine as
 * the output (an exact area average of it), and it is at least as sharp as trilinear
 * filtering, which blends that level with the next, coarser one.
 *
 * The prescaled image has a border of one texel repeating its edges, as the shader
 * clamps coordinates into the image: texel t of the image is at t + 1.
 */
#ifndef AP_PRESC_H
#define AP_PRESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/once.h"

struct atlas;
struct presc_plan;

/* Taps of one output texel along an axis, at most: the scale at the level read is < 4;
 * and output texels along an axis, at most, border excluded (check presc_size). */
#define PRESC_MAX_SIDE 64
#define PRESC_MAX_TAPS 6

/* A prescaled image of iw×ih texels at scale sx, sy: w×h texels, border included. */
void presc_size(uint32_t iw, uint32_t ih, float sx, float sy, uint32_t *w, uint32_t *h);

/* The mip level to average from, of levels: the largest whose scale is >= 1 on both
 * axes. Returns -1 when even the last level needs PRESC_MAX_TAPS or more taps, or the
 * image is not minified on both axes (sx, sy >= 1, one > 1): draw it as it is. */
int presc_level(float sx, float sy, uint32_t levels);

/* An image in one mip level of its atlas cell, as presc_build reads it. */
struct presc_src {
	const uint8_t *lv;           /* the cell's level (which one: presc_build's k) */
	uint32_t side;               /* texels a row of lv */
	uint32_t ch;                 /* bytes a texel */
	uint32_t ox, oy;             /* the image's first texel in the cell, in level-0 texels */
	uint32_t iw, ih;             /* the image's size, in level-0 texels */
};

/* Prescale src's image at scale sx, sy from mip level k of its cell (src->lv). dst
 * gets w×h texels (presc_size) in rows of stride texels (>= w). */
void presc_build(const struct presc_src *src, int k, float sx, float sy, uint8_t *dst, uint32_t stride);

/* Scales are rounded to this step for the key: sprites of one size differ in their
 * rectangles' last bits, frame to frame, which must not make the images again. A
 * sprite within a step of the key is drawn with its own rectangle; the image's size
 * differs from it by iw·step/scale² pixels at most (< 0.01 for images under 160 texels). */
#define PRESC_STEP (1.0f / 4096)
/* Prescaled images of all cells take this at most: 70,000 MNIST digits at 16 px, 23 MB. */
#define PRESC_MAX_BYTES ((size_t)48 << 20)

/* What a frame's prescaled images are made for. */
struct presc_key {
	float sx, sy;                /* the scale, rounded to PRESC_STEP */
	int k;                       /* the mip level averaged */
	uint32_t iw, ih, w, h;       /* the atlas slot's size, and its prescaled texels */
	size_t slot;                 /* bytes an image takes */
};

/*
 * The prescaled images of one key, a slot per atlas cell, each made the first time a
 * frame needs it and kept while the key and the threshold stay: the one store both
 * renderers keep (the cpu backend's binning threads race for cells through once_claim;
 * GL makes them on the CPU before an upload). Zero value = empty.
 */
struct presc_cache {
	bool made;                   /* key and thr hold for the slots */
	struct presc_key key;
	double thr;                  /* the discard threshold the scales are for */
	size_t n;                    /* cells */
	uint8_t *texels;             /* n slots of key.slot bytes, then padding */
	size_t cap;                  /* bytes texels holds */
	bool adopted;                /* texels are someone else's, every slot made: never written */
	float *scale;                /* per cell: its discard test's coverage scale */
	_Atomic uint8_t *state;      /* per cell: once_ state */
	atomic_size_t done;          /* cells made */
	/* the taps of the geometry the first image made had (most share it), made once */
	struct presc_plan *plan;
	struct presc_src plan_src;
	bool plan_ok;
	_Atomic uint8_t plan_state;
};

/* Make c hold key's images of n cells for threshold thr, with pad bytes after the
 * last slot (a kernel's overread): 0 when it already does (what is made stays), 1 when
 * it was emptied for them, -1 when out of memory (then c is empty). */
int presc_cache_use(struct presc_cache *c, const struct presc_key *key, double thr, size_t n, size_t pad);
/* Take texels (n slots of the key's, then the pad, kept by the caller) as the store of
 * a cache that presc_cache_use just made for them, every cell's image there: nothing is
 * written into them (a new key or threshold gets a store of its own). */
void presc_cache_adopt(struct presc_cache *c, const uint8_t *texels);
/* Forget what was made (the coverage it was made for changed). */
void presc_cache_reset(struct presc_cache *c);
void presc_cache_free(struct presc_cache *c);

/* true: the caller makes cell's image now (into presc_cache_slot) and calls
 * presc_cache_done; false: it is made (waited for, if another thread was making it). */
static inline bool presc_cache_claim(struct presc_cache *c, size_t cell)
{
	return once_claim(&c->state[cell]);
}

static inline uint8_t *presc_cache_slot(const struct presc_cache *c, size_t cell)
{
	return c->texels + cell * c->key.slot;
}

static inline void presc_cache_done(struct presc_cache *c, size_t cell, float scale)
{
	c->scale[cell] = scale;
	atomic_fetch_add_explicit(&c->done, 1, memory_order_relaxed);
	once_done(&c->state[cell]);
}

/* The key for a frame whose first sprite (most share its scale) has scale sx0, sy0,
 * for the images of atlas a (its n, slot, channels and levels): false when its sprites
 * are drawn as they are (not minified, too large, too many). */
bool presc_choose(float sx0, float sy0, const struct atlas *a, struct presc_key *key);

/* Whether a sprite of scale sx, sy is drawn from the key's images. */
bool presc_match(const struct presc_key *key, float sx, float sy);

/* The texels of an iw×ih image's prescaled image under key. */
void presc_dims(const struct presc_key *key, uint32_t iw, uint32_t ih, uint32_t *w, uint32_t *h);

/* Make one image's prescaled image (presc_build at the key, from src->lv at the key's
 * level k, rows of the key's w) into dst, and return the scale of its discard test
 * that keeps the share c0 of the full-size image passing the threshold
 * (atlas_coverage_scale; has_alpha as atlas_texels'); 1 when c0 < 0 (no coverage
 * scaling). */
float presc_image(const struct presc_key *key, const struct presc_src *src, double c0, double threshold,
		  bool has_alpha, uint8_t *dst);
/* presc_image into cell's slot of c, from the taps c keeps for the geometry (image size
 * and place in its cell) that most images share: the same bytes, without working the
 * taps out again for each of 70,000 images. */
float presc_cache_image(struct presc_cache *c, const struct presc_src *src, double c0, double threshold,
			bool has_alpha, size_t cell);

#endif
