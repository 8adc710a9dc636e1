/*
 * frames: the frame loop the commands share, callable without a command line: load the
 * data set, open a drawing session (draw_), render frames (positions + camera) and
 * hand them to the encoder threads (outq_), with output paths from a printf-style
 * pattern and PNG metadata. It prints nothing (-v lines go to desc->log, if set) and
 * installs no signal handler: a caller that writes to files of limited size ignores
 * SIGXFSZ, so that `ulimit -f` fails a write instead of killing the process.
 *
 * struct frames_desc, zero value = defaults (frames_resolve fills them, in one place):
 *   paths            the files (io/ds.h); paths.layout may be NULL for animate
 *   w, h             0 -> FRAMES_DEFAULT_W x FRAMES_DEFAULT_H (1920x1080)
 *   margin           CAM_DEFAULT_MARGIN (0.05) unless margin_set
 *   clamp_camera     false; true: every frame's camera kept on the data (cam_clamp
 *                    against the box and scale of that frame's fit, after any
 *                    interpolation), through frames_clamp, which logs what it moved
 *   sprite           mode 0 -> power; base 0 -> automatic (cam_sprite_auto); min, max
 *                    0 -> CAM_DEFAULT_*
 *   ro               draw options (draw/dopts.h); background FRAMES_DEFAULT_BACKGROUND
 *                    (opaque black) unless background_set (then 0 is transparent); with
 *                    dots_below each image's disc is its label's colour (as --color-by
 *                    label's), or without labels its mean colour over the texels the
 *                    alpha mode draws (core/dots.h)
 *   opacity_per_frame  false: an animation with ro.opacity_auto draws every frame with
 *                    its frame 0's opacity (frames_pin_opacity); true: each its own
 *   color_by_label   false; true: gray sprites tinted by their label's colour
 *   plain_discard    false: discard keeps each mip level's coverage; true: plain test
 *   hl               images drawn on top, enlarged (core/opts.h); highlight_scale 0 -> 2
 *   draw             the session (draw/draw.h); coverage and threshold are set here
 *   png_level        0 -> 1 (io/pngio.h)
 *   max_memory       0 -> FRAMES_DEFAULT_MAX_MEMORY (4 GiB): work estimated to need more
 *                    is refused before anything is allocated for it; also the default
 *                    of paths.max_bytes and paths.dir.max_bytes (what one file read,
 *                    one decoded image or a folder's working set may take)
 *   encoders         0 -> frames_default_encoders(): a PNG encoder thread per online CPU,
 *                    at most FRAMES_DEFAULT_ENCODERS_CAP; at most FRAMES_MAX_ENCODERS
 *   inputs, ninputs  files read besides paths (shots, keyframes): like every input,
 *                    no output may be one of them (same st_dev/st_ino)
 *   log, user        NULL: quiet; else called with each progress or timing line
 *   text             title, caption, legend, label names, dpi (app/figure.h); zero: none,
 *                    and no Cairo call at all; PDF and SVG outputs by -o's extension
 *   warn             NULL: quiet; else called with each warning (a text shrunk or cut, a
 *                    software renderer under --backend egl, a cache entry not used),
 *                    shown without -v
 *   cache            NULL: no atlas cache; else a folder: the cpu backend maps its atlas
 *                    (and the first frames' coverage rows and prescaled images) from the
 *                    data set's entry there (io/acache.h) when one was made for the same
 *                    inputs and options, and writes it after the frames when not
 */
#ifndef AP_FRAMES_H
#define AP_FRAMES_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/figure.h"
#include "app/outq.h"
#include "core/cam.h"
#include "core/opts.h"
#include "draw/draw.h"
#include "io/acache.h"
#include "io/afile.h"
#include "io/ds.h"
#include "io/dsig.h"

/* PNG frames a GL backend keeps in flight (draw_set_inflight) */
#define FRAMES_GL_INFLIGHT 2
#define FRAMES_DEFAULT_W 1920
#define FRAMES_DEFAULT_H 1080
#define FRAMES_DEFAULT_BACKGROUND 0xff000000u
#define FRAMES_DEFAULT_MAX_MEMORY ((size_t)4 << 30)
/* The encoders --encoders may ask for, and the default's cap: more than the cap only
 * pays when frames draw faster than a few ms (a GPU) and encode slower (RGB, levels
 * above 1), and each holds a frame's buffer. */
#define FRAMES_MAX_ENCODERS 64
#define FRAMES_DEFAULT_ENCODERS_CAP 8
#define FRAMES_MAX_INPUTS 8

struct frames_desc {
	struct ds_paths paths;
	int w, h;
	double margin;
	bool margin_set;
	bool clamp_camera;
	struct cam_sprite sprite;
	struct draw_opts ro;
	bool opacity_per_frame;
	bool background_set;
	bool color_by_label;
	bool plain_discard;
	struct opts_highlight hl;
	double highlight_scale;
	struct draw_desc draw;
	int png_level;
	size_t max_memory;
	int encoders;
	const char *inputs[FRAMES_MAX_INPUTS];   /* other files read (shots, keyframes) */
	int ninputs;
	int verbose;                 /* the caller's; frames_ looks at log only */
	void (*log)(void *user, const char *line);
	void (*warn)(void *user, const char *line);
	void *user;
	struct figure_opts text;
	const char *cache;
};

/* One line to d->log, if set (printf-style, no newline). */
#define frames_log(d, ...) ap_notef((d)->log, (d)->user, __VA_ARGS__)

/* The defaults of a desc, in place (idempotent). */
void frames_resolve(struct frames_desc *d);
/* The encoders' default: the online CPUs, 1 to FRAMES_DEFAULT_ENCODERS_CAP. */
int frames_default_encoders(void);

/* The pattern must hold exactly one integer conversion (%d, %0Nd) when need_number,
 * and no other '%' but '%%'. */
int frames_check_pattern(const char *pattern, bool need_number, struct ap_err *err);
/* Expand the pattern for frame k (or copy it when it has no conversion). */
int frames_path(const char *pattern, long k, char *buf, size_t len);
/* Whether name is what a checked pattern with one conversion writes for some frame;
 * *k gets that frame. */
bool frames_path_index(const char *pattern, const char *name, long *k);

/* Where raw frames go (animate -o -): 0, or -1 with err. */
typedef int (*frames_sink)(void *user, const uint8_t *rgba, size_t bytes, struct ap_err *err);

/* An open engine: data, session, fit, encoder queue. */
struct frames_engine {
	struct frames_desc *c;
	struct ds d;
	struct draw *dr;
	uint32_t *tint;
	struct cam_box box;
	double s0;
	struct outq *q;
	const char *command;
	double t_start;              /* when frames_open began (load included) */
	enum pngio_fmt png_fmt;      /* GRAY when nothing in the scene has colour */
	double t_render, t_wait;     /* seconds, for -v */
	size_t frames;
	size_t draws;                /* frames drawn, and what they handed a GL (draw_stats), for -v */
	size_t up_bytes, up_frames, presc_bytes, presc_frames;
	struct afile_inputs inputs;  /* every file read: no output may be one of them */
	struct figure *fig;          /* NULL without text options */
	double fade;                 /* the title's cross-fade for the next frame (anim) */
	double tween_t;              /* the transition's timeline for the next frame drawn with xy NULL */
	bool opacity_pinned;         /* every frame drawn with opacity (frames_pin_opacity) */
	double opacity;
	double t_text;               /* seconds, for -v */
	size_t clamp_frames;         /* frames whose camera frames_clamp saw (--clamp-camera) */
	size_t clamp_moved;          /* and of them, those it moved */
	struct draw_store store;     /* the cache, when c->cache */
	struct acache entry;         /* the entry mapped, or none */
	char cache_path[4096];
	bool cache_bad;              /* the entry cannot be used (said once): not opened again */
	struct dsig *sig;            /* the images' signature, when c->cache (io/dsig.h) */
	/* PNG frames of a GL backend on their way back (draw/draw.h's frames in flight),
	 * oldest first, with what their files need; at most inflight (1: none kept) */
	struct frames_pending {
		uint8_t *buf;
		char *path;          /* a PNG's; NULL: a raw frame for sink */
		struct cam cam;
		frames_sink sink;
		void *user;
		bool gray;           /* drawn one byte a pixel (a gray PNG's) */
	} pend[DRAW_MAX_INFLIGHT];
	int npend, inflight;
	size_t collected;
	double t_collect;            /* seconds waiting for read-backs, for -v */
	bool said_gray;              /* -v has said that PNG frames are drawn gray */
};

/* Resolve c's defaults, load the data set (layout from c->paths.layout, may be NULL for
 * animate, which brings its own) and open the session. command: the PNGs' "Command"
 * text, or NULL. */
int frames_open(struct frames_engine *e, struct frames_desc *c, const char *command, struct ap_err *err);
/* frames_open for a data set already in memory (ds_from_arrays), which it takes over
 * whether it succeeds or not; c->paths is not read, and no file is an input. */
int frames_open_ds(struct frames_engine *e, struct frames_desc *c, struct ds *d, struct ap_err *err);
/* Fit s0 to the box of xy (n points). */
void frames_fit(struct frames_engine *e, const double *xy);
/* A transition (draw/draw.h's draw_tween, its arrays borrowed) that the frames drawn
 * with xy NULL show, each at e->tween_t: kept resident by a GL backend, so that such a
 * frame hands it no positions. NULL: none. */
int frames_tween_set(struct frames_engine *e, const struct draw_tween *tw, struct ap_err *err);
/* Its points at t, worked out on the CPU (for a fit): draw_tween_points. */
const double *frames_tween_points(struct frames_engine *e, double t);
/* With c->clamp_camera, *cam kept on the data: cam_clamp against e's fit (its box and
 * s0, so frames_fit first when the frame has its own). Frame k >= 0 is counted for -v,
 * which logs the first camera moved and, at frames_close, how many were; k < 0 (a
 * contact sheet's tile, the legend's frame 0) clamps without counting. */
void frames_clamp(struct frames_engine *e, long k, struct cam *cam);
/* Another file the run reads (a second layout), that no output may overwrite. */
void frames_add_input(struct frames_engine *e, const char *path);
/* 0, or -1 when path is one of the run's inputs (frames_emit checks its own paths). */
int frames_check_output(const struct frames_engine *e, const char *path, struct ap_err *err);
/* Render positions xy (or, NULL, the transition at e->tween_t) with camera cam into a
 * buffer and queue it for path. The same xy below; a legend placed by the frame (not
 * pinned) needs positions. */
int frames_emit(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path,
		struct ap_err *err);
/* A PDF or SVG frame (kind: figure_doc_kind), the scene as a raster and the texts as
 * vectors, written now and atomically; buf: a frame-size scratch buffer. */
int frames_write_doc(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path, int kind,
		     uint8_t *buf, struct ap_err *err);
/* Render into a caller's buffer, no file. */
int frames_draw(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
		struct ap_err *err);
/* Render a raw frame for sink: handed over now, or on a GL backend once read back, while
 * later frames draw (frames_sink_flush hands over the rest, in order; frames_close
 * drops them unless it is flushing a successful run). */
int frames_to_sink(struct frames_engine *e, const double *xy, const struct cam *cam, frames_sink sink,
		   void *user, struct ap_err *err);
int frames_sink_flush(struct frames_engine *e, struct ap_err *err);
/* Choose the legend's corner from this frame and keep it for the others (anim). */
void frames_pin_legend(struct frames_engine *e, const double *xy, const struct cam *cam);
/* The opacity --opacity auto gives this frame (xy NULL: the transition at e->tween_t),
 * kept for every frame drawn from now on
 * (anim: frame 0's, so that a video does not flicker and shards agree); nothing unless
 * ro.opacity_auto and not opacity_per_frame. */
int frames_pin_opacity(struct frames_engine *e, const double *xy, const struct cam *cam, struct ap_err *err);
/* Wait for the writes; free everything. rc_so_far != 0 keeps the first error. */
int frames_close(struct frames_engine *e, int rc_so_far, struct ap_err *err);

/* render: one frame per camera (the default camera when ncams == 0), to out (a path,
 * or a pattern with one %d when there are several). */
struct frames_stills {
	const char *out;             /* path or pattern; ignored with fp */
	const char *command;         /* for the PNG's tEXt, or NULL */
	const struct cam *cams;
	size_t ncams;
	FILE *fp;                    /* or: one PNG to this stream (render -o -) */
	volatile sig_atomic_t *stop; /* set: stop after the frame in hand, writes finished */
	void (*ready)(void *ctx);    /* or NULL: called once the inputs are read, before any frame */
	void *ready_ctx;
};
int frames_render_stills(struct frames_desc *c, const struct frames_stills *job, struct ap_err *err);

double frames_now(void);

#endif
