/*
 * cam: camera, fit and sprite-size math, the exact semantics the README documents.
 * Pure: no GL. Screen coordinates are pixels with (0,0) the top-left corner of the
 * frame and y down; pixel (i, j) covers [i, i+1)×[j, j+1). Data y points up.
 *
 *   fit:     the bounding box of the points, padded by margin·(box side) on each side,
 *            scaled uniformly to the largest size that fits the frame, centred:
 *            s0 pixels per data unit (a zero-size side does not count; both zero: 1).
 *   camera:  (cx, cy, zoom); s = s0·zoom; (x, y) -> (W/2 + (x−cx)·s, H/2 − (y−cy)·s).
 *   sprite:  side S = clamp(base·zoom^growth, min, max) pixels, square centred on the
 *            point, covering [px−S/2, px+S/2)×[py−S/2, py+S/2); an image of w×h keeps
 *            its aspect inside it (the longer side spans S).
 */
#ifndef AP_CAM_H
#define AP_CAM_H

#include <stdbool.h>
#include <stddef.h>

struct cam_box {
	double x0, y0, x1, y1;   /* min and max corners */
};

struct cam {
	double cx, cy, zoom;
};

/* Sprite sizing; zero value means: automatic base, growth 0.5, min 1, max 1024. */
struct cam_sprite {
	double base;             /* S at zoom 1; 0 = automatic (cam_sprite_auto) */
	double growth;           /* exponent G; use growth_set to make 0 mean 0 */
	bool growth_set;
	double min, max;         /* 0 = defaults 1 and 1024 */
};

#define CAM_DEFAULT_MARGIN 0.05
#define CAM_DEFAULT_GROWTH 0.5
#define CAM_DEFAULT_SPRITE_MIN 1.0
#define CAM_DEFAULT_SPRITE_MAX 1024.0

/* The bounds of what a camera, a layout and a sprite may be (the CLI refuses values
 * outside them with a usage error naming the option, file or line; the pure code clamps
 * to them, so a caller without the CLI gets no overflow either):
 *   zoom     from CAM_ZOOM_MIN to CAM_ZOOM_MAX (times the fit);
 *   centres and layout coordinates at most CAM_COORD_MAX in magnitude;
 *   sprite sides (S, --sprite-min/-max, highlights) at most CAM_SPRITE_LIMIT pixels,
 *   four times the largest frame side; sizes below CAM_SPRITE_FLOOR draw as that. */
#define CAM_ZOOM_MIN 1e-6
#define CAM_ZOOM_MAX 1e6
#define CAM_COORD_MAX 1e15
#define CAM_SPRITE_LIMIT 65536.0
#define CAM_SPRITE_FLOOR 1e-3

/* NULL when c is within the bounds above, else what is wrong ("zoom must be from ..."). */
const char *cam_check(const struct cam *c);

/* Bounding box of n points (xy interleaved). n must be > 0. */
void cam_bounds(const double *xy, size_t n, struct cam_box *out);

#define CAM_FIT_MAX 1e300

/* s0, pixels per data unit, for the box padded by margin, fitted into w×h; at most
 * CAM_FIT_MAX (a box narrower than any double's precision). */
double cam_fit_scale(const struct cam_box *box, double margin, int w, int h);

/* The default camera: box centre, zoom 1. */
void cam_default(const struct cam_box *box, struct cam *out);

/* What a frame shows: a camera over a fit. */
struct cam_view {
	struct cam cam;          /* centre and zoom */
	double s0;               /* pixels per data unit at zoom 1 (cam_fit_scale) */
	int w, h;                /* the frame, pixels */
};

/* Data to screen, screen to data. */
void cam_to_screen(const struct cam_view *v, double x, double y, double *px, double *py);
void cam_to_data(const struct cam_view *v, double px, double py, double *x, double *y);

/* The automatic base size: 1.5·sqrt(frame area / n), i.e. sprites that would cover
 * the frame about twice over if spread evenly, clamped to [2, native] where native
 * is the image's longer side. */
double cam_sprite_auto(int w, int h, size_t n, int native);

/* S for a zoom; base must already be resolved (non-zero). Always within
 * [CAM_SPRITE_FLOOR, CAM_SPRITE_LIMIT], whatever min and max say. */
double cam_sprite_size(const struct cam_sprite *sp, double zoom);

/* A rectangle on screen, pixels. */
struct cam_rect {
	double x0, y0;           /* top-left corner */
	double w, h;             /* size */
};

/* The drawn rectangle of an iw×ih image in a sprite of side S centred at (px, py). */
struct cam_rect cam_sprite_rect(double px, double py, double S, int iw, int ih);

#endif
