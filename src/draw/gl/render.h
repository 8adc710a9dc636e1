/*
 * render: the GL backend, as the rest of draw/ sees it: no GL type here, so including
 * this header brings no GL header with it (make layers checks). It uploads an atlas once
 * (texture arrays of mipmapped pages) and turns a scene's sprites (placed and culled,
 * not binned) into an RGBA8 frame: instanced points or quads drawn in order into a
 * framebuffer, one draw per run of sprites of one texture array and shader variant,
 * with the semantics of draw/dopts.h. It never decides where sprites go: that is cam_ and scene_, which are
 * pure. glctx_ (draw/gl/glctx.h, GL types) makes the contexts; only draw/gl/ sees it.
 *
 * A transition (render_tween_*) is kept resident instead: the points' start and end,
 * as floats relative to each layout's box centre (a high and a low part, so that a
 * position is exact to ~1e-14 of the layout's extent), their departure ranks and the
 * sprites' atlas places and tints, uploaded by its first frame. A frame sets uniforms
 * (t, the camera relative to each origin, pixels per unit, the sprite sides) and the
 * vertex shader eases (core/tween's formulas in float), lerps, projects and culls. It
 * draws points for sprites up to 64 px, into a viewport padded by half that, so that a
 * point whose centre is off the frame still shows its visible part.
 */
#ifndef AP_RENDER_H
#define AP_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/atlas.h"
#include "core/imgset.h"
#include "core/presc.h"
#include "core/scene.h"
#include "core/tween.h"
#include "draw/dopts.h"

enum glctx_backend {
	GLCTX_AUTO = 0,          /* EGL device (GPU) if present, else OSMesa, else EGL surfaceless */
	GLCTX_OSMESA,
	GLCTX_EGL,               /* a GPU's EGL device, else Mesa's surfaceless platform */
	GLCTX_EGL_DEVICE,        /* a GPU's EGL device only */
};

struct glctx;
struct render;

/* A context of the backend's kind, the atlas of s (planned as a) uploaded into it and,
 * when coverage, the discard test scaled per image and LOD for threshold. The render
 * owns the context. pages_per_group 0 = the GL limit. NULL on failure, err saying why. */
struct render *render_open(enum glctx_backend backend, int gpu, const struct atlas *a, const struct ap_imgset *s,
			   uint32_t pages_per_group, struct ap_err *err);
/* The same in a context the caller keeps (tests share one across many atlases). */
struct render *render_new(struct glctx *ctx, const struct atlas *a, const struct ap_imgset *s,
			  uint32_t pages_per_group, struct ap_err *err);
void render_free(struct render *r);

/* Scale the discard test per image and LOD to keep each mip level's coverage for
 * threshold (atlas_coverage_rows, computed here on two threads). */
int render_coverage(struct render *r, const struct ap_imgset *s, double threshold, struct ap_err *err);

/* The discs' colours, one RGBA8 per atlas cell (draw/dopts.h), uploaded. Before a
 * frame with discs. */
int render_dots(struct render *r, const uint32_t *cell_color, struct ap_err *err);

/* Pages one texture array holds (for scene_src_init). */
uint32_t render_pages_per_group(const struct render *r);
/* The largest frame side the GL allows. */
int render_max_size(const struct render *r);
/* One line: "osmesa: llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa 22.3.6". */
void render_describe(const struct render *r, char *buf, size_t len);
/* Whether the GL is a software rasteriser (llvmpipe): what --backend egl warns of. */
bool render_software(const struct render *r);
/* The EGL devices, a line each with why each was taken or not (glctx_list). */
int render_devices(char *buf, size_t len, struct ap_err *err);
/* What a GL context of the backend's kind would be, described as render_describe does,
 * without uploading anything (atlasplot info). */
int render_probe(enum glctx_backend backend, char *buf, size_t len, struct ap_err *err);

/* Read-backs in flight: with n >= 2 (at most RENDER_MAX_RING), a frame whose target says
 * defer is left on its way: its pixels go into a pixel-pack buffer behind a fence, the
 * call returns, and render_collect waits for the oldest such frame and copies it into
 * its target, so that frame k+1 draws while frame k is read back. n = 1 (the default):
 * every frame is read into its target before the call returns. Not while frames are in
 * flight. */
#define RENDER_MAX_RING 4
#define RENDER_COLLECT_TRIES 60  /* seconds a read-back may take */
int render_set_ring(struct render *r, int n, struct ap_err *err);
/* Frames left in flight, not yet collected. */
int render_inflight(const struct render *r);
/* Wait for the oldest frame in flight and copy it into its target: 0 with *rgba its
 * target's pixels, or -1 with err (none in flight, a failed wait or map). */
int render_collect(struct render *r, uint8_t **rgba, struct ap_err *err);

/* Draw the scene into t. */
int render_frame(struct render *r, const struct scene_out *sc, const struct draw_opts *o,
		 const struct draw_target *t, struct ap_err *err);

/* A transition of n points: from a to b (n×2 data units), at t >= 1 at end when given,
 * with tween_progress(t, rank[i] or 0, stagger, ease): draw/draw.h's draw_tween. */
struct render_tween {
	size_t n;
	const double *a, *b, *end;
	const double *rank;
	double stagger;
	enum tween_ease ease;
};

/* Keep tw (borrowed until the next call or render_free; NULL: none) for the frames
 * that follow; the first of them uploads it. */
void render_tween_set(struct render *r, const struct render_tween *tw);
/* Draw the transition at timeline t as scene_build would place it for f (src: the
 * images' atlas places; f's tints and highlights, uploaded again when they change),
 * with the frame's discs and opacity lod (scene_lod_of), the sprites of key's scale
 * from the prescaled images (key NULL: none), into tg. */
int render_tween_frame(struct render *r, const struct scene_src *src, double t, const struct scene_frame *f,
		       const struct scene_lod *lod, const struct presc_key *key, const struct draw_opts *o,
		       const struct draw_target *tg, struct ap_err *err);

/* Bytes the last frame handed the GL: buffers (sprite records; a transition's
 * positions, ranks and instances) and prescaled images with their discard scales. */
void render_stats(const struct render *r, size_t *upload, size_t *presc);

#endif
