/*
 * atlasplot.h: draw every image of a data set at its 2-D layout coordinate, in memory,
 * with the same pixels as the atlasplot command line. Link with libatlasplot
 * (`pkg-config --cflags --libs atlasplot`).
 *
 * WHAT IT DOES
 *   - a data set (ap_dataset) from caller-owned arrays (uint8 images N×H×W or N×H×W×C with
 *     C 1, 3 or 4; float32/float64 positions N×2; any-width integer labels N) or from the
 *     files the command line reads (IDX, NPY, CSV, folders of PNG/JPEG)
 *   - a scene (ap_scene): the data set with a backend opened and its atlas built once,
 *     then any number of frames for a camera, drawn into the caller's RGBA buffer
 *   - transition frames between the data set's layout A and a layout B (what
 *     `atlasplot animate --to B` draws for its frame at time t), with animate's
 *     --stagger, --stagger-by, --camera-from/--camera-to, --path-ease and the title
 *     cross-fade (--title-from is title, --title-to title_to)
 *   - the text layer: title, caption, legend, label names (as --title, --legend, ...)
 *   - discs for sprites too small to be seen (--dots-below, --dots-fade) and the
 *     density-aware opacity (--opacity A, auto, auto-frame): a still works out its own
 *     auto opacity, transition frames frame 0's (t = 0), as animate does
 *   - PNG files, or PNG bytes in memory, from an RGBA buffer; a scene's still as a PNG,
 *     PDF or SVG file (ap_scene_write), texts as vectors in the documents
 *
 * WHAT IT DOES NOT
 *   - parse command lines, print, read the environment, install signal handlers, or
 *     keep any global state: every error comes back in the caller's ap_error
 *   - write numbered frame folders or contact sheets (the command line does)
 *   - copy the images when it can borrow them: they need to live only until
 *     ap_scene_make returns (the atlas holds its own copy of the pixels from then on)
 *
 * STEP BY STEP
 *   1. describe the data: ap_dataset_desc d = {0}; d.images = (ap_array){ pix, "|u1", 3,
 *      { n, 28, 28 } }; d.positions = (ap_array){ xy, "<f8", 2, { n, 2 } };
 *      ap_error err; ap_dataset *ds = ap_dataset_make(&d, &err);  (NULL: err.msg says why)
 *   2. describe the scene, zero meaning every default: ap_scene_desc s = {0}; s.width =
 *      800; s.height = 600; s.backend = AP_BACKEND_CPU;
 *      ap_scene *sc = ap_scene_make(ds, &s, &err);  (ds is taken over, made or not)
 *   3. draw: uint8_t *rgba = malloc(800 * 600 * 4); ap_scene_draw(sc, NULL, rgba,
 *      800 * 600 * 4, &err);  (NULL camera: the fitted one; 0 ok, -1 err.msg says why)
 *   4. ap_png_write("out.png", rgba, 800, 600, &err); ap_scene_free(sc);
 *
 * DEFAULTS (zero in a desc), the command line's:
 *   width × height 1920 × 1080, margin 0.05 (margin_set makes 0 mean 0), sprite automatic
 *   (1.5·sqrt(area / images), at most the image size), sprite_mode power,
 *   sprite_growth 0.5 unless sprite_growth_set, sprite_min 1, sprite_max 1024,
 *   clamp_camera off (cameras as given), alpha discard, threshold 0.5
 *   unless threshold_set, coverage kept (coverage_plain false), background opaque black
 *   unless background_set (then 0 is transparent), outline and text colour contrasting,
 *   highlight_scale 2, legend none, backend auto (a GPU through EGL, else cpu), page_size
 *   2048, max_memory 4 GiB, png_level 1, transition ease cubic-in-out, no discs
 *   (dots_below 0; dots_fade 2), opacity 1.
 *
 * ERRORS: actions return 0 or -1, constructors a handle or NULL, with one lowercase line
 *   in err->msg (err may be NULL). The messages are the command line's for the same
 *   fault, the array's name standing where the file's would: "layout 'xy': x at index 3
 *   is not finite (nan)", "labels 'labels': 9 labels, but there are 10 images".
 *
 * THREADS: one scene per thread. Different scenes may be used on different threads at
 *   once; one scene must not be. The cpu backend uses every core for each frame itself.
 *
 * Colours are RGBA8 packed as r | g << 8 | b << 16 | a << 24 (ap_color_parse reads
 * "RRGGBB", "RRGGBBAA" and "none" as --background does).
 *
 * JOBS: everything the commands `atlasplot render` and `atlasplot animate` do, files in
 *   and files out, by their options' names: ap_job_make("animate"), then ap_job_set(job,
 *   "contact-sheet", "sheet.png") for each option as the command line spells it (without
 *   the dashes; a flag's value NULL; a repeatable one, such as "images" or "camera", set
 *   again), then ap_job_run. The command line is a loop over argv on these calls, so
 *   every option it has is here with its meaning, checks and messages; ap_job_options
 *   lists them and ap_job_help gives the text of `atlasplot CMD --help`.
 *
 * FUNCTIONS
 *   ap_dataset_make, ap_dataset_count, ap_dataset_free
 *   ap_scene_make, ap_scene_size, ap_scene_draw, ap_scene_set_transition,
 *   ap_scene_draw_transition, ap_scene_write, ap_scene_free
 *   ap_job_make, ap_job_options, ap_job_help, ap_job_set, ap_job_check, ap_job_run,
 *   ap_job_free
 *   ap_grid
 *   ap_png_write, ap_png_encode, ap_free, ap_color_parse, ap_version
 */
#ifndef ATLASPLOT_H
#define ATLASPLOT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(AP_BUILD_API) && defined(__GNUC__)
#define AP_API __attribute__((visibility("default")))
#else
#define AP_API
#endif

#define AP_MAX_DIMS 8

typedef struct ap_dataset ap_dataset;
typedef struct ap_scene ap_scene;

typedef struct ap_error {
	char msg[512];
} ap_error;

/* An array in C order. dtype is numpy's type string ("|u1", "<f4", "<f8", "<i4", "<i8",
 * ...); name stands for the file's name in errors (NULL: "array"). ndim 0: no array;
 * -1: a 0-d array (a scalar, refused with the shape message). */
typedef struct ap_array {
	const void *data;
	const char *dtype;
	int ndim;
	size_t shape[AP_MAX_DIMS];
	const char *name;
} ap_array;

/* Arrays, or files (as --images, --labels, --layout), not both for one part. */
typedef struct ap_dataset_desc {
	ap_array images, positions, labels;
	const char *images_path, *labels_path, *layout_path;
	size_t max_bytes;            /* what one file or array may take; 0 -> 4 GiB */
} ap_dataset_desc;

typedef enum ap_backend {
	AP_BACKEND_AUTO = 0,
	AP_BACKEND_CPU,
	AP_BACKEND_OSMESA,
	AP_BACKEND_EGL,
} ap_backend;

typedef enum ap_alpha {
	AP_ALPHA_DISCARD = 0,
	AP_ALPHA_BLEND,
	AP_ALPHA_OPAQUE,
} ap_alpha;

/* The command line's --sprite-mode names in order: how the sprite side follows the zoom. */
typedef enum ap_sprite_mode {
	AP_SPRITE_POWER = 0,         /* sprite · zoom^sprite_growth */
	AP_SPRITE_ASINH,             /* sprite · asinh(zoom)/asinh(1) above zoom 1, sprite · zoom below */
	AP_SPRITE_CONSTANT,          /* sprite at every zoom */
} ap_sprite_mode;

typedef enum ap_legend {
	AP_LEGEND_NONE = 0,
	AP_LEGEND_AUTO,
	AP_LEGEND_TOP_LEFT,
	AP_LEGEND_TOP_RIGHT,
	AP_LEGEND_BOTTOM_LEFT,
	AP_LEGEND_BOTTOM_RIGHT,
} ap_legend;

/* --opacity: a number (opacity), or worked out from the sprites in view. */
typedef enum ap_opacity {
	AP_OPACITY_FIXED = 0,        /* the opacity field (0: 1) */
	AP_OPACITY_AUTO,             /* per still; transitions keep frame 0's */
	AP_OPACITY_AUTO_FRAME,       /* per frame, transitions too */
} ap_opacity;

/* The command line's --ease names in order, after the default. */
typedef enum ap_ease {
	AP_EASE_DEFAULT = 0,         /* cubic-in-out */
	AP_EASE_LINEAR,
	AP_EASE_QUAD_IN,
	AP_EASE_QUAD_OUT,
	AP_EASE_QUAD_IN_OUT,
	AP_EASE_CUBIC_IN,
	AP_EASE_CUBIC_OUT,
	AP_EASE_CUBIC_IN_OUT,
	AP_EASE_SINE_IN,
	AP_EASE_SINE_OUT,
	AP_EASE_SINE_IN_OUT,
	AP_EASE_EXP_IN_OUT,
} ap_ease;

/* Each field is the command-line option of the same name (--sprite-min: sprite_min). */
typedef struct ap_scene_desc {
	int width, height;
	double margin;
	bool margin_set;
	double sprite;               /* 0: automatic */
	double sprite_growth;
	bool sprite_growth_set;
	double sprite_min, sprite_max;
	ap_alpha alpha;
	double threshold;
	bool threshold_set;
	bool coverage_plain;         /* --coverage plain */
	bool color_by_label;         /* --color-by label */
	uint32_t background;
	bool background_set;
	uint32_t outline;
	const char *highlight;       /* "3,17,42" or "label=K", or NULL */
	double highlight_scale;
	const char *title, *caption;
	ap_legend legend;
	const char *label_names;     /* a file of names, or "cat,dog,..." */
	double font_size;
	uint32_t text_color;
	double dpi;
	ap_backend backend;
	int gpu;
	bool gpu_set;
	uint32_t page_size;
	size_t max_memory;
	void (*warn)(void *user, const char *line);   /* NULL: warnings dropped */
	void *user;
	const char *title_to;        /* --title-to: transitions cross-fade title into it */
	bool clamp_camera;           /* --clamp-camera: every camera drawn is kept on the data */
	ap_sprite_mode sprite_mode;  /* sprite_growth_set is refused with another than power */
	double dots_below;           /* --dots-below PX: smaller sprites are discs; 0: none */
	double dots_fade;            /* --dots-fade F; 0: 2 */
	double opacity;              /* --opacity A, 0 < A <= 1; 0: 1 */
	ap_opacity opacity_auto;     /* --opacity auto or auto-frame (opacity is then unused) */
} ap_scene_desc;

/* zoom 0 (or a NULL camera): the fitted camera, the layout's box centred at zoom 1. */
typedef struct ap_camera {
	double cx, cy, zoom;
} ap_camera;

/* The command line's --stagger-by names in order. */
typedef enum ap_order {
	AP_ORDER_INDEX = 0,
	AP_ORDER_LABEL,              /* needs labels */
	AP_ORDER_DISTANCE,           /* the farthest leave first */
} ap_order;

/* Layout B for transition frames, in A's order (as animate --to B), and the rest of
 * animate's move options, each named as its option (--camera-from: camera_from). */
typedef struct ap_transition_desc {
	ap_array to;
	ap_ease ease;
	bool procrustes;             /* --align procrustes */
	double stagger;              /* 0..1: departures spread over that fraction of the move */
	ap_order stagger_by;
	/* zoom 0: A's fit. Either one given: the van Wijk-Nuij camera move from camera_from
	 * to camera_to over the frames drawn with a NULL camera, time-warped by path_ease */
	ap_camera camera_from, camera_to;
	ap_ease path_ease;
} ap_transition_desc;

AP_API ap_dataset *ap_dataset_make(const ap_dataset_desc *d, ap_error *err);
AP_API size_t ap_dataset_count(const ap_dataset *ds);
AP_API void ap_dataset_free(ap_dataset *ds);

/* Takes ds over (freed with the scene, or now when it fails). */
AP_API ap_scene *ap_scene_make(ap_dataset *ds, const ap_scene_desc *d, ap_error *err);
AP_API void ap_scene_size(const ap_scene *s, int *width, int *height);
/* One frame into rgba (bytes >= width × height × 4). */
AP_API int ap_scene_draw(ap_scene *s, const ap_camera *cam, uint8_t *rgba, size_t bytes, ap_error *err);
/* Plan transitions to d->to (replacing an earlier plan). */
AP_API int ap_scene_set_transition(ap_scene *s, const ap_transition_desc *d, ap_error *err);
/* The frame at time t in [0, 1]: A at 0, B at 1, eased in between. cam NULL (or zoom 0):
 * each frame fitted to its own positions, as animate does without cameras. */
AP_API int ap_scene_draw_transition(ap_scene *s, double t, const ap_camera *cam, uint8_t *rgba, size_t bytes,
				    ap_error *err);
/* The still for cam as a file, as `atlasplot render -o path` writes it, atomically:
 * format "png", "pdf" or "svg" (NULL: from path's extension, .pdf, .svg, else PNG). A
 * PDF or SVG has the scene as a raster and the texts (title, caption, legend) as
 * vectors, so they stay sharp and searchable. */
AP_API int ap_scene_write(ap_scene *s, const ap_camera *cam, const char *path, const char *format,
			  ap_error *err);
AP_API void ap_scene_free(ap_scene *s);

/*
 * Jobs. What ap_job_set, ap_job_check and ap_job_run return besides 0:
 *   AP_JOB_FAILED  an input, the environment or an output failed (exit 1 on the command line)
 *   AP_JOB_USAGE   a bad option value, a missing or conflicting option (exit 2)
 *   AP_JOB_STOPPED the hooks' stop flag was set: the run ended after the frame in hand,
 *                  every frame written complete (ap_job_run only)
 */
typedef struct ap_job ap_job;
enum { AP_JOB_FAILED = -1, AP_JOB_USAGE = -2, AP_JOB_STOPPED = 1 };

/* An option: its name without the dashes, whether it takes a value, its one-letter
 * form ('o' for "output", 'v' for "verbose"; 0 none), and its key: a number unique
 * among the command's options (the letter when it has one, else 256 and up), what
 * getopt_long may be told to return for it. */
typedef enum ap_arg { AP_ARG_NONE = 0, AP_ARG_REQUIRED, AP_ARG_OPTIONAL } ap_arg;
typedef struct ap_option {
	const char *name;
	ap_arg arg;
	int letter;
	int key;
} ap_option;

/* Where an animation stands, for a progress line. */
typedef struct ap_job_progress {
	long frame, total;           /* the frame just handled (0-based), of all frames */
	long done, todo;             /* frames handled this run, and to handle */
	size_t rendered;
	long skipped;                /* found complete (resume) */
	double elapsed;              /* seconds since the run began */
	double render_s;             /* seconds spent drawing */
	bool final;                  /* the run is over */
} ap_job_progress;

/* What a run tells and where it writes, every field optional (zero: none). */
typedef struct ap_job_hooks {
	void (*log)(void *user, const char *line);    /* progress and timings, given "verbose" */
	void (*warn)(void *user, const char *line);   /* a text shrunk, an image skipped, ... */
	void (*progress)(void *user, const ap_job_progress *p);   /* animate, after each frame */
	void (*ready)(void *user);   /* every input read, before the first frame is drawn */
	void *user;
	volatile sig_atomic_t *stop; /* set (by a signal handler, say): stop between frames */
	FILE *out;                   /* where "-o -" writes (render's PNG, animate's raw RGBA
	                              * frames); NULL: "-" is refused */
	const char *command_line;    /* the PNGs' "Command" text; NULL: the command's name */
} ap_job_hooks;

/* command "render" or "animate"; NULL when it is neither or memory is short. */
AP_API ap_job *ap_job_make(const char *command, ap_error *err);
/* The command's options, *n of them; NULL for another command. */
AP_API const ap_option *ap_job_options(const char *command, size_t *n);
/* The text `atlasplot CMD --help` prints; NULL for another command. Free with ap_free. */
AP_API char *ap_job_help(const char *command);
/* One option, as the command line gives it: name as ap_job_options lists it ("sprite",
 * "o" or "output"), value NULL for a flag or an optional value left out. */
AP_API int ap_job_set(ap_job *j, const char *name, const char *value, ap_error *err);
/* The checks between options (a required one missing, two that exclude each other, a
 * --path file): what ap_job_run does first. */
AP_API int ap_job_check(ap_job *j, ap_error *err);
/* Run: load, draw and write every frame. h may be NULL. */
AP_API int ap_job_run(ap_job *j, const ap_job_hooks *h, ap_error *err);
AP_API void ap_job_free(ap_job *j);

/* Grids (`atlasplot grid`): every point of a layout on its own cell of cols × rows,
 * keeping neighbourhoods. Zero fields: the squarest grid with room for the points
 * (one of cols, rows given: as few of the other as make room), method auto (exact up to
 * 2,000 points, the hierarchical heuristic above). */
typedef enum ap_grid_method {
	AP_GRID_AUTO = 0,
	AP_GRID_EXACT,
	AP_GRID_HEURISTIC,
	AP_GRID_RANDOM,
} ap_grid_method;
typedef struct ap_grid_desc {
	size_t cols, rows;
	ap_grid_method method;
} ap_grid_desc;
/* xy: N×2 float32 or float64. out: N×2 doubles, cell (col, row) as (col, -row), a layout
 * like any other. score (or NULL): the share of each point's 10 nearest neighbours in
 * xy that stay among its 10 nearest in the grid. cols, rows (or NULL): the grid made. */
AP_API int ap_grid(const ap_array *xy, const ap_grid_desc *d, double *out, size_t out_len, double *score,
		   size_t *cols, size_t *rows, ap_error *err);

/* PNG of an RGBA buffer (level 0 -> 1), written atomically to path, or into *out (free
 * it with ap_free). */
AP_API int ap_png_write(const char *path, const uint8_t *rgba, int width, int height, int level, ap_error *err);
AP_API int ap_png_encode(const uint8_t *rgba, int width, int height, int level, void **out, size_t *len,
			 ap_error *err);
AP_API void ap_free(void *p);
/* "RRGGBB", "RRGGBBAA" or "none" (0) -> *out: 0, or -1. */
AP_API int ap_color_parse(const char *s, uint32_t *out);
AP_API const char *ap_version(void);

#ifdef __cplusplus
}
#endif

#endif
