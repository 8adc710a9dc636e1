/*
 * dots: the level of detail by sprite size and the density-aware opacity, as numbers.
 * Pure. draw/dopts.h states the drawing rule these feed; core/scene applies them to a
 * frame; the backends draw the discs.
 *
 *   weight   a frame's sprites of side S are discs when S < below, images when S >=
 *            fade × below, and both in between, the disc with weight
 *            w = log(fade × below / S) / log(fade), the image with 1 − w: linear in
 *            log S, so a zoom at a steady rate fades at a steady rate (S grows as a
 *            power of the zoom). fade = 1: a hard switch at below.
 *   opacity  deepscatter's optimal_alpha: the alpha at which n sprites of area S²
 *            spread over a w×h frame would cover a share `coverage` of it,
 *            coverage × w × h / (n × S²), within [1/255, 1] (1 when n or S is 0).
 *   colour   an image's mean colour over the texels its alpha mode draws, weighted
 *            as drawn: a white-on-black digit's mean over all its texels is nearly
 *            black, the colour of its background, not of its strokes.
 * Not here: which sprites are in view (scene_build counts them), drawing.
 */
#ifndef AP_DOTS_H
#define AP_DOTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/imgset.h"

/* What a share of the frame the sprites of --opacity auto cover at that opacity. */
#define DOTS_OPACITY_COVERAGE 0.25
#define DOTS_OPACITY_MIN (1.0 / 255.0)

/* The disc's weight for sprites of side S: 1 below `below`, 0 from fade × below on, and
 * 0 whenever below <= 0 (no discs). fade >= 1. */
double dots_weight(double S, double below, double fade);

/* The opacity of n sprites of side S in a w×h frame (the formula above). */
double dots_opacity(int w, int h, size_t n, double S, double coverage);

/* Which texels an image's mean colour is over, and how each counts. */
enum dots_mean {
	DOTS_MEAN_ALL = 0,           /* every texel once (--alpha opaque) */
	DOTS_MEAN_PASSING,           /* those passing the discard test value >= threshold */
	DOTS_MEAN_ALPHA,             /* every texel weighted by its alpha (--alpha blend):
	                              * gray: its value, RGBA: its alpha, RGB: 1 */
};

/* Each image's mean colour into out (s->n of them), opaque RGBA8 (pal_ packing), each
 * channel rounded half up: over the image's own iw×ih texels as `how` says; over all
 * of them when none counts (an empty image). The value a discard test compares is the
 * gray value, the alpha of RGBA or the luminance (0.2126, 0.7152, 0.0722) of RGB, over
 * 255, as the renderers test it. */
void dots_mean_colors(const struct ap_imgset *s, enum dots_mean how, double threshold, uint32_t *out);

#endif
