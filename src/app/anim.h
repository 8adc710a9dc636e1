/*
 * anim: an animation planned and rendered without a command line: the tweened
 * transition of every image from its place in layout A (the data set's layout) to its
 * place in layout B, or a camera move over A, each frame written as a numbered PNG
 * (or handed to a raw-frame sink), and a contact sheet. Progress goes to a callback;
 * a stop flag (set by a signal handler, say) ends the run after the frame in hand.
 *
 * Everything is drawn in A's data units: B is normalised (tween_normalize), optionally
 * Procrustes-aligned onto normalised A, and mapped back through A's inverse
 * normalisation. Frame 0 is then A's own coordinates bit for bit, so it equals a still
 * of A; cameras (cam_from/cam_to/keys) are in A's units. With the default fitted camera
 * and no alignment the end frames are drawn from B's own coordinates, so the last frame
 * equals a still of B too (a fit does not see B's translation and scale; rounding in B'
 * could move a sprite edge by a pixel).
 *
 * struct anim_desc, zero value = defaults (anim_resolve):
 *   to            NULL: the camera moves over A alone; else layout B's file
 *   out           a pattern with one %d or %0Nd; NULL: every frame goes to raw
 *   frames        0: from the duration; else frames of the move
 *   duration      0 -> ANIM_DEFAULT_DURATION (2 s), or the last key's time with keys
 *   fps           0 -> ANIM_DEFAULT_FPS (30)
 *   hold_start, hold_end   seconds of still first and last frames
 *   ease, path_ease        TWEEN_EASE_CUBIC_IN_OUT unless ease_set / path_ease_set
 *   stagger, stagger_by    departures spread over that fraction of the move, in that order
 *   procrustes    align B onto A first
 *   cam_from, cam_to       with cam_from_set / cam_to_set: a van Wijk-Nuij camera move
 *   keys          camera keyframes (zpath_keys), or NULL
 *                 (with f->clamp_camera every frame's camera, fitted, moved or keyed, is
 *                 clamped after interpolation, against A's fit for moves and keys)
 *   sheet         NULL, or the contact sheet's path (ANIM_SHEET_FRAMES frames)
 *   resume        skip frames that exist as complete PNGs of the frame size
 *   shard_k/shard_n, range_a/range_b   only frames k with k % n == K, A <= k < B
 *                 (shard_n 0: all; range_b 0: to the end)
 *   raw, progress, user    sinks for raw frames and progress; stop: checked between frames
 *   ready, ready_ctx       told when every input is read, before the first frame (a CLI
 *                          installs its clean-stop signal handler then)
 */
#ifndef AP_ANIM_H
#define AP_ANIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/frames.h"
#include "core/cam.h"
#include "core/tween.h"
#include "core/zpath.h"

#define ANIM_DEFAULT_FPS 30.0
#define ANIM_DEFAULT_DURATION 2.0
#define ANIM_MAX_FRAMES 10000000L
#define ANIM_MAX_FPS 1000.0
#define ANIM_SHEET_FRAMES 12
#define ANIM_SHEET_COLS 4
#define ANIM_SHEET_TILE_W 480    /* tiles are shrunk by an integer factor to at most this */

/* Where a run stands, for a progress line. */
struct anim_progress {
	long frame, total;           /* the frame just handled (0-based), of all frames */
	long done, todo;             /* frames handled this run, and to handle */
	size_t rendered;
	long skipped;                /* found complete (resume) */
	double elapsed;              /* seconds since the run began */
	double render_s;             /* seconds spent drawing */
	bool final;                  /* the run is over */
};

struct anim_desc {
	const char *to;
	const char *out;
	long frames;
	double duration, fps;
	double hold_start, hold_end;
	enum tween_ease ease, path_ease;
	bool ease_set, path_ease_set;
	double stagger;
	enum tween_order stagger_by;
	bool procrustes;
	bool cam_from_set, cam_to_set;
	struct cam cam_from, cam_to;
	const struct zpath_keys *keys;
	const char *sheet;
	bool resume;
	long shard_k, shard_n;
	long range_a, range_b;
	int (*raw)(void *user, const uint8_t *rgba, size_t bytes, struct ap_err *err);
	void (*progress)(void *user, const struct anim_progress *p);
	void *user;
	volatile sig_atomic_t *stop;
	void (*ready)(void *ctx);    /* or NULL: called once every input is read, before any frame */
	void *ready_ctx;
};

/* The defaults of d, in place. */
void anim_resolve(struct anim_desc *d);

/* Frames in all (move and holds) that d makes: 0, or -1 with err naming the options. */
int anim_count(const struct anim_desc *d, long *total, struct ap_err *err);

/* Render the animation of the data set that f names (f->paths.layout is A). 0, or -1
 * with err set; a stop by d->stop returns 0 with the frames written complete. */
int anim_run(struct anim_desc *d, struct frames_desc *f, const char *command, struct ap_err *err);

#endif
