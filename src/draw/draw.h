/*
 * draw: a drawing session, the one door to the backends. It plans the atlas, opens
 * the backend (the cpu compositor, or GL with the atlas uploaded once) and turns
 * (positions, scene_frame, draw_opts) into an RGBA frame. Callers never ask which
 * backend they have: a small table of functions in draw.c dispatches to it.
 *
 * Backends: cpu (draw/swr, on the CPU's cores), osmesa and egl (draw/gl, instanced
 * sprites drawn into a framebuffer). auto takes a GPU through EGL when there is one, else cpu: on a machine without
 * a GPU the GL backends run on Mesa's llvmpipe, about a hundred times slower. A build
 * with NO_GL=1 (AP_NO_GL) has the cpu backend only.
 *
 * struct draw_desc, zero value = defaults:
 *   backend          DRAW_AUTO
 *   page_size        0 -> ATLAS_DEFAULT_PAGE (2048), atlas page side, a power of two
 *   pages_per_group  0 -> the GL limit; smaller only to test batching
 *   coverage         false: the plain discard test; true: keep each mip level's coverage
 *                    for threshold (the resolved one: draw_opts_threshold)
 *   no_prescale      false; true: never draw from prescaled images (comparisons)
 *   portable_gather  false; true: the cpu backend's portable texel gather (tests)
 *   gpu_set, gpu     false: the first EGL device that is a GPU; true: device gpu, which
 *                    must be one (auto and egl; shards pick one each)
 *   store            NULL: the cpu backend builds its atlas every time; else where what it
 *                    builds at start-up may be found (struct draw_store)
 *   dot_color        NULL: frames may not ask for discs; else each image's disc colour,
 *                    RGBA8 in data-set order (copied; draw/dopts.h's rule)
 *   content          0: the store's key hashes the images' pixels; else a hash of what
 *                    decides them (their files' bytes and how they were read: io/dsig),
 *                    taken instead, so that images known without reading them have a key
 * Transitions (draw_tween_*): a plan set once, the points' start and end positions
 * (and departure ranks, stagger, ease), and each frame drawn from its timeline t alone.
 * The cpu backend tweens on the CPU and draws as draw_frame does; the GL backends keep
 * the plan resident (uploaded by the first frame) and place, ease and cull the sprites
 * in the vertex shader: a frame hands the GL a few uniforms and no buffer, except the
 * prescaled images when the sprite size changes (a camera zoom), counted apart
 * (draw_stats).
 * Not here: where sprites go (core/scene), files, the frame loop (app/).
 */
#ifndef AP_DRAW_H
#define AP_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/atlas.h"
#include "core/imgset.h"
#include "core/scene.h"
#include "core/tween.h"
#include "draw/dopts.h"

enum draw_backend {
	DRAW_AUTO = 0,
	DRAW_CPU,
	DRAW_OSMESA,
	DRAW_EGL,
};

/* The backends' names, in enum order ("auto", "cpu", "osmesa", "egl"), for name tables. */
extern const char *const draw_backend_names[4];

/* The alpha modes' names, in enum draw_alpha's order ("discard", "blend", "opaque"). */
extern const char *const draw_alpha_names[3];

/* The largest frame side the cpu backend draws (the PNG reader's limit too). */
#define DRAW_CPU_MAX_SIDE 32768

/* What the cpu backend builds at start-up, as a store keeps it: its atlas in swr's cell
 * layout with every mip level (cells, the bulk, adopted as they are: mapped, not
 * copied), and the coverage rows and prescaled images that frames made (extra, copied
 * in). Opaque bytes to everyone but draw/. */
struct draw_parts {
	const void *cells;
	size_t cells_bytes;
	const void *extra;
	size_t extra_bytes;
};

/* A store of draw_parts, by a key draw_ computes from everything they depend on: the
 * images (their bytes, or desc's content) and sizes, the atlas plan (page size, cells,
 * channels, levels), the atlas order from the layout, coverage and its threshold, and
 * the layout's format. fetch returns 1 with out filled (the bytes stay valid until
 * draw_close), or 0. pixels (may be NULL) fills in the pixels of the set draw_open was
 * given without them (pix NULL, its shape known: the store was expected to hold its
 * atlas), when they are needed after all (no entry, a GL backend): 0, or -1 with err. */
struct draw_store {
	int (*fetch)(void *user, uint64_t key, struct draw_parts *out);
	int (*pixels)(void *user, struct ap_err *err);
	void *user;
};

struct draw_desc {
	enum draw_backend backend;
	uint32_t page_size;
	uint32_t pages_per_group;
	bool coverage;
	double threshold;
	bool no_prescale;
	bool portable_gather;
	bool gpu_set;
	int gpu;
	const struct draw_store *store;
	const uint32_t *dot_color;
	uint64_t content;
};

struct draw;

/* Open a session for imgs. xy (imgs->n points, may be NULL): a layout to place the atlas
 * cells by, so that sprites near each other on screen read texels near each other in
 * memory. imgs->pix may be NULL when d has a store with pixels and a content. NULL on
 * failure, with err saying why. */
struct draw *draw_open(const struct draw_desc *d, const struct ap_imgset *imgs, const double *xy,
		       struct ap_err *err);
/* Draw positions xy (n×2 data units) as f says into rgba (f->w × f->h × 4 bytes). */
int draw_frame(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
	       uint8_t *rgba, struct ap_err *err);
void draw_close(struct draw *dr);

/* What draw_frame would take as the frame's opacity (draw/dopts.h; opacity_auto's value
 * for these sprites in view): an animation computes it once, for one frame, and draws
 * every frame with it, so that a video does not flicker. */
int draw_opacity(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		 double *opacity, struct ap_err *err);

/* 0, or -1 with err naming the option, when o asks for what cannot be drawn:
 * --opacity without --alpha blend or --dots-below (discard and opaque images are drawn
 * opaque: it would change nothing), --dots-fade without --dots-below, a value out of
 * its range. */
int draw_opts_check(const struct draw_opts *o, struct ap_err *err);

/* A transition: point i (of the session's n) moves from a[i] to b[i] (n×2 data units
 * each) with progress tween_progress(t, rank[i], stagger, ease), the positions
 * tween_lerp_points makes; at t >= 1 it is at end[i] when end is given (B's own
 * coordinates, for a camera fitted to them). rank NULL: all 0. The arrays are
 * borrowed until the next draw_tween_set or draw_close. */
struct draw_tween {
	const double *a, *b, *end;
	const double *rank;
	double stagger;
	enum tween_ease ease;
};

/* Set the plan the next draw_tween_ calls draw (NULL: none). 0, or -1 with err set
 * (out of memory). */
int draw_tween_set(struct draw *dr, const struct draw_tween *tw, struct ap_err *err);
/* The plan's points at timeline t (n×2), worked out on the CPU (for a fit, a legend);
 * valid until the next draw_tween_ call. The plan must be set. */
const double *draw_tween_points(struct draw *dr, double t);
/* Draw the plan at t as f and o say: the frame draw_frame draws of draw_tween_points
 * (dr, t), the same bytes on the cpu backend; on GL the positions are worked out in
 * float, camera-relative (a few 1e-4 px from the CPU's at 1080p, whatever the zoom). f's
 * tints and highlights may change between frames (GL uploads them again then). */
int draw_tween_frame(struct draw *dr, double t, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err);

/* Frames in flight. After draw_set_inflight(dr, n), up to n frames may be started and not
 * yet finished: draw_frame_start and draw_tween_start start one into rgba (and, on a GL
 * backend, return with its read-back still on its way, into a ring of pixel-pack
 * buffers behind fences, so that the next frame draws while this one is read back);
 * draw_finish completes the oldest started and returns its rgba, NULL with err on
 * failure (or when none is in flight). The cpu backend draws each frame when it starts:
 * finish only hands its rgba back. n = 1 (the default) is every frame done when started.
 * draw_frame and draw_tween_frame want none in flight. */
#define DRAW_MAX_INFLIGHT 4
int draw_set_inflight(struct draw *dr, int n, struct ap_err *err);
/* Frames started and not finished. */
int draw_inflight(const struct draw *dr);
int draw_frame_start(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err);
int draw_tween_start(struct draw *dr, double t, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err);
uint8_t *draw_finish(struct draw *dr, struct ap_err *err);

/* What the last frame (draw_frame or draw_tween_frame) handed the GL: upload_bytes of
 * buffers (sprite records, or a plan's positions, ranks and instances) and presc_bytes
 * of prescaled images and their discard scales. All 0 on the cpu backend. */
struct draw_stats {
	size_t upload_bytes;
	size_t presc_bytes;
};
void draw_stats(const struct draw *dr, struct draw_stats *out);

/* Whether the session took its atlas from desc's store. */
bool draw_fetched(const struct draw *dr);
/* What a store should keep of this session, after its frames (the extra parts grow
 * with them): true with key and out (valid until draw_close), or false when there is
 * nothing to keep (not the cpu backend, no store, out of memory). */
bool draw_parts_get(struct draw *dr, uint64_t *key, struct draw_parts *out);

/* The atlas the session planned. */
const struct atlas *draw_atlas(const struct draw *dr);
/* The largest frame side. */
int draw_max_size(const struct draw *dr);
/* Whether the backend is the cpu compositor. */
bool draw_is_cpu(const struct draw *dr);
/* One line naming the backend: "cpu: software compositor, 2 threads", "osmesa: llvmpipe ...". */
void draw_describe(const struct draw *dr, char *buf, size_t len);
/* NULL, or a one-line warning about the session for the caller to show: --backend egl
 * that found no GPU and draws on a software rasteriser. */
const char *draw_warning(const struct draw *dr);
/* The EGL devices seen, a line each: "device N: RENDERER: taken (a GPU)" or why it is
 * not taken (a software rasteriser, a failure); their count, or -1 with err saying why
 * none can be listed (atlasplot info). */
int draw_gl_devices(char *buf, size_t len, struct ap_err *err);
/* What --backend osmesa/egl would use, as draw_describe names it, or -1 with err
 * saying why there is none (atlasplot info). */
int draw_gl_probe(char *buf, size_t len, struct ap_err *err);

#endif
