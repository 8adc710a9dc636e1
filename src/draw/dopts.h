/*
 * dopts: how a frame is drawn, the same for every backend (the cpu compositor and GL):
 * alpha mode, discard threshold, background, highlight outline. No GL type, no backend
 * name: the cpu backend builds against this header alone.
 *
 * Alpha modes (zero value = discard, as the original demo):
 *   discard  texels whose value (gray: the value; RGBA: alpha; RGB: luminance) is below the
 *            threshold are transparent, the rest are drawn as they are, opaque
 *   blend    "over" compositing with alpha = luminance (gray) or the image's alpha
 *   opaque   whole tiles
 * Gray sprites are multiplied by their tint; colour sprites too (white = unchanged).
 *
 * Discs and opacity (off by default; highlights are always drawn as above):
 *   weight   the frame's sprite side S gives the disc weight w (core/dots.h): 1 when
 *            S < dots_below, 0 when S >= fade × dots_below, log(fade × below / S) /
 *            log(fade) between; 0 without dots_below
 *   opacity  a: opacity (0 < a <= 1), or with opacity_auto dots_opacity of the sprites
 *            in view after culling (highlights not counted) and their area S²
 *   disc     centred on the sprite's centre c (its rectangle's), radius R = S / 2 in the
 *            colour the session was given (draw_desc's dot_color: the label's, or the
 *            image's mean); pixel (i, j) with centre p = (i + 1/2, j + 1/2) is covered
 *            by cov = clamp(R − |p − c| + 1/2, 0, 1) (the distance in float), its
 *            source (rgb × cov, cov) × w × a, premultiplied
 *   image    its source as the alpha mode makes it (0 where discard drops a texel,
 *            and outside its rectangle) × (1 − w), × a too in blend mode: discard and
 *            opaque images stay opaque, only their weight fades them
 *   pixel    disc source + image source, composited "over" as blend composites, in
 *            float, stored as every frame (straight alpha, each channel rounded half up
 *            to 8 bits)
 * So w = 1 is discs alone, w = 0 images alone; in between one cross-fade per sprite,
 * later sprites over earlier ones as ever.
 *
 * struct draw_opts, zero value = defaults:
 *   alpha          DRAW_DISCARD
 *   threshold      DRAW_DEFAULT_THRESHOLD (0.5) unless threshold_set (so 0 can be asked for)
 *   background     RGBA8 (pal_); 0 is transparent, the caller's default is its own
 *   outline        0 = contrasting to the background
 *   dots_below     0: no discs; else pixels, at most CAM_SPRITE_LIMIT
 *   dots_fade      0 -> DRAW_DEFAULT_DOTS_FADE (2), from 1 to DRAW_MAX_DOTS_FADE
 *   opacity        0 -> 1; else 0 < opacity <= 1 (needs blend or dots_below)
 *   opacity_auto   false; true: the frame's opacity from its sprites (overrides opacity)
 */
#ifndef AP_DOPTS_H
#define AP_DOPTS_H

#include <stdbool.h>
#include <stdint.h>

enum draw_alpha {
	DRAW_DISCARD = 0,
	DRAW_BLEND,
	DRAW_OPAQUE,
};

#define DRAW_DEFAULT_THRESHOLD 0.5
#define DRAW_DEFAULT_DOTS_FADE 2.0
#define DRAW_MAX_DOTS_FADE 100.0

struct draw_opts {
	enum draw_alpha alpha;
	double threshold;           /* discard threshold in [0,1], when threshold_set */
	bool threshold_set;
	uint32_t background;        /* RGBA8 (pal_), alpha 0 = transparent */
	uint32_t outline;           /* highlight outline RGBA8; 0 = contrasting to background */
	double dots_below;          /* sprites smaller than this many pixels are discs; 0: none */
	double dots_fade;           /* the cross-fade band's top, times dots_below */
	double opacity;             /* every disc's (and in blend mode image's) alpha times this */
	bool opacity_auto;          /* the opacity from the frame's sprites in view */
	/* the frame as one byte a pixel, the R of the RGBA8 it would hold, rows w bytes, at
	 * the start of the same w×h×4 buffer (the rest may be written): for callers that
	 * know every pixel has R = G = B and A = 255 (a gray PNG) */
	bool gray_out;
};

/* Where a frame is drawn: w×h RGBA8 pixels, rows top first. defer: the backend may
 * leave the frame in flight (the GL's read-back ring), to be completed later. */
struct draw_target {
	int w, h;
	uint8_t *rgba;
	bool defer;
	bool gray;                  /* w×h bytes, each pixel's R (draw_opts.gray_out) */
};

/* The one place the threshold's default is resolved. */
static inline double draw_opts_threshold(const struct draw_opts *o)
{
	return o->threshold_set ? o->threshold : DRAW_DEFAULT_THRESHOLD;
}

/* And the cross-fade band's. */
static inline double draw_opts_dots_fade(const struct draw_opts *o)
{
	return o->dots_fade > 0 ? o->dots_fade : DRAW_DEFAULT_DOTS_FADE;
}

#endif
