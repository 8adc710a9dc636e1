/*
 * cam: camera, fit and sprite-size math, the exact semantics the README documents.
 * Pure: no GL. Screen coordinates are pixels with (0,0) the top-left corner of the
 * frame and y down; pixel (i, j) covers [i, i+1)×[j, j+1). Data y points up.
 *
 *   fit:     the bounding box of the points, padded by margin·(box side) on each side,
 *            scaled uniformly to the largest size that fits the frame, centred:
 *            s0 pixels per data unit (a zero-size side does not count; both zero: 1).
 *   camera:  (cx, cy, zoom); s = s0·zoom; (x, y) -> (W/2 + (x−cx)·s, H/2 − (y−cy)·s).
 *   sprite:  side S = clamp(f(zoom), min, max) pixels, square centred on the point,
 *            covering [px−S/2, px+S/2)×[py−S/2, py+S/2); an image of w×h keeps its
 *            aspect inside it (the longer side spans S). f by the sprite's mode:
 *              power (the zero value)  base·zoom^growth
 *              asinh                   base·asinh(zoom)/asinh(1) above zoom 1, base·zoom
 *                                      below: regl-scatterplot's default pointScaleMode
 *                                      ('asinh'), base being the size at zoom 1; it grows
 *                                      like the logarithm of the zoom, so a ×1000 zoom
 *                                      makes sprites 8.6 times larger, not 31 (power 0.5)
 *              constant                base, at every zoom
 *            Only power has an exponent: a growth given with another mode is refused
 *            (cam_sprite_check), as a user who set one expects it to act.
 *   clamp:   (--clamp-camera) a camera kept on the data, cam_clamp(box, margin, s0, w,
 *            h): zoom' = max(zoom, 1), never smaller than the fit; then on each axis,
 *            with P the padded box's side (side·(1 + 2·margin), the box the fit uses),
 *            m its centre ((x0 + x1)/2, the default camera's), F the frame's side in
 *            pixels, s = s0·zoom' and E = P·s the box's side on screen, the centre is
 *            kept within R of m:
 *              E >= F (zoomed in): R = P/2 − F/(2s), so the frame stays inside the
 *                      padded box: no empty space beyond the margin on that axis;
 *              E <  F (the box narrower than the frame): R = min(P/2, F/(2s) − P/2),
 *                      so the padded box covers the frame's centre line and stays
 *                      wholly on screen: the data is never lost nor pushed to an edge.
 *            R shrinks to 0 as E reaches F from either side, so the allowed centres
 *            change continuously with the zoom and a clamped camera path does not jump.
 *            (The centre line alone, R = P/2 when E < F, jumps from P/2 to 0 there and
 *            lets half the box leave the frame; the frame alone lets the box sit on the
 *            frame's edge.) A centre within R is kept as it is,
 *            bit for bit; one outside moves to m ± R. A zero side (all points on a
 *            line) has P = 0: the points stay within the frame.
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

/* How S follows the zoom (the table above); 0 is the default. */
enum cam_sprite_mode {
	CAM_SPRITE_POWER = 0,
	CAM_SPRITE_ASINH,
	CAM_SPRITE_CONSTANT,
};
/* The --sprite-mode names, in the enum's order. */
extern const char *const cam_sprite_mode_names[3];

/* Sprite sizing; zero value means: power mode, automatic base, growth 0.5, min 1, max 1024. */
struct cam_sprite {
	double base;             /* S at zoom 1; 0 = automatic (cam_sprite_auto) */
	double growth;           /* exponent G (power mode); use growth_set to make 0 mean 0 */
	bool growth_set;
	double min, max;         /* 0 = defaults 1 and 1024 */
	enum cam_sprite_mode mode;   /* last, so positional initialisers of the rest still hold */
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

/* NULL when sp's fields agree, else what is wrong with its growth ("only --sprite-mode
 * power has a growth exponent, not asinh"). */
const char *cam_sprite_check(const struct cam_sprite *sp);

/* in clamped onto the data (the rule above) into out (which may be in): box is the
 * fit's box of points (unpadded, as cam_fit_scale takes it), s0 the fit's scale.
 * Returns whether out differs from in. */
bool cam_clamp(const struct cam_box *box, double margin, double s0, int w, int h, const struct cam *in,
	       struct cam *out);

/* A rectangle on screen, pixels. */
struct cam_rect {
	double x0, y0;           /* top-left corner */
	double w, h;             /* size */
};

/* The drawn rectangle of an iw×ih image in a sprite of side S centred at (px, py). */
struct cam_rect cam_sprite_rect(double px, double py, double S, int iw, int ih);

#endif
