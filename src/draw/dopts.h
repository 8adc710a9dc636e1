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
 * struct draw_opts, zero value = defaults:
 *   alpha          DRAW_DISCARD
 *   threshold      DRAW_DEFAULT_THRESHOLD (0.5) unless threshold_set (so 0 can be asked for)
 *   background     RGBA8 (pal_); 0 is transparent, the caller's default is its own
 *   outline        0 = contrasting to the background
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

struct draw_opts {
	enum draw_alpha alpha;
	double threshold;           /* discard threshold in [0,1], when threshold_set */
	bool threshold_set;
	uint32_t background;        /* RGBA8 (pal_), alpha 0 = transparent */
	uint32_t outline;           /* highlight outline RGBA8; 0 = contrasting to background */
};

/* Where a frame is drawn: w×h RGBA8 pixels, rows top first. */
struct draw_target {
	int w, h;
	uint8_t *rgba;
};

/* The one place the threshold's default is resolved. */
static inline double draw_opts_threshold(const struct draw_opts *o)
{
	return o->threshold_set ? o->threshold : DRAW_DEFAULT_THRESHOLD;
}

#endif
