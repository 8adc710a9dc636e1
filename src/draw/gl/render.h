/*
 * render: the only module that draws. It uploads an atlas once (texture arrays of
 * mipmapped pages) and turns a scene (sprites binned into tiles) into an RGBA8 frame
 * with one compute pass per scene batch. It never decides where sprites go: that is
 * cam_ and scene_, which are pure.
 *
 * Alpha modes (zero value = discard, as the original demo):
 *   discard  texels whose value (gray: the value; RGBA: alpha; RGB: luminance) is below the
 *            threshold are transparent, the rest are drawn as they are, opaque
 *   blend    "over" compositing with alpha = luminance (gray) or the image's alpha
 *   opaque   whole tiles
 * Gray sprites are multiplied by their tint; colour sprites too (white = unchanged).
 */
#ifndef AP_RENDER_H
#define AP_RENDER_H

#include <stdint.h>

#include "core/atlas.h"
#include "base/err.h"
#include "draw/gl/glctx.h"
#include "core/imgset.h"
#include "core/scene.h"

enum render_alpha {
	RENDER_DISCARD = 0,
	RENDER_BLEND,
	RENDER_OPAQUE,
};

struct render_opts {
	enum render_alpha alpha;
	double threshold;           /* discard threshold in [0,1]; use threshold_set for 0 */
	int threshold_set;
	uint32_t background;        /* RGBA8 (pal_), alpha 0 = transparent */
	uint32_t outline;           /* highlight outline RGBA8; 0 = contrasting to background */
};

#define RENDER_DEFAULT_THRESHOLD 0.5

struct render;

/* Upload the atlas of s (planned as a). pages_per_group 0 = the GL limit. */
struct render *render_new(struct glctx *ctx, const struct atlas *a, const struct ap_imgset *s,
			  uint32_t pages_per_group, struct ap_err *err);
void render_free(struct render *r);

/* Upload table (atlas_coverage_table, n × levels floats; the caller keeps it) to scale
 * the discard test per image and LOD, and keep c0 (atlas_coverage_rows', n floats)
 * for prescaled images; both made for threshold. NULL: the plain test. */
int render_set_coverage(struct render *r, const float *table, const float *c0, double threshold,
			struct ap_err *err);

/* Pages one texture array holds (for scene_src_init). */
uint32_t render_pages_per_group(const struct render *r);
/* The largest frame side the GL allows. */
int render_max_size(const struct render *r);
/* GL_RENDERER and GL_VERSION. */
void render_gl_strings(const struct render *r, const char **renderer, const char **version);

/* Draw the scene into rgba (w*h*4 bytes, rows top first). */
int render_frame(struct render *r, const struct scene_out *sc, int w, int h,
		 const struct render_opts *o, uint8_t *rgba, struct ap_err *err);

#endif
