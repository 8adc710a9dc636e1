/*
 * zpath: camera moves. The van Wijk & Nuij (2003) "smooth and efficient zooming and
 * panning" path between two views, as d3-interpolate's interpolateZoom computes it,
 * and keyframe files that chain such paths. Pure: no GL, no I/O (io/zpath_file reads
 * the keyframe file and hands its text to zpath_keys_parse). Not the camera itself:
 * cam_ maps data to pixels, this only says where the camera is at a given time.
 *
 *   view:    (ux, uy, w): centre and visible width in data units.
 *   camera:  struct cam (cx, cy, zoom), s = s0·zoom pixels per data unit, so a frame
 *            frame_w pixels wide shows w = frame_w/(s0·zoom) data units.
 *
 *   zpath_init(&p, v0, v1, rho)        plan the path; p.S is its length
 *   zpath_eval(&p, t, v)               the view at t in [0,1]
 *   zpath_cam_to_view / _view_to_cam   convert given s0 and frame_w
 *   zpath_keys_parse / _free           "time cx cy zoom" keyframe text
 *   zpath_keys_eval(keys, time, ...)   the camera at a time, in seconds
 *
 * Differences from d3, none visible in the result: r = log(sqrt(b²+1) − b) is
 * computed as −asinh(b), which is the same number without the cancellation that
 * sends it to −inf for a small pan with a large zoom; cosh/sinh/tanh come from
 * <math.h> (d3's exp-based tanh overflows to NaN on long paths); and "the centres
 * coincide" means closer than 1e-6 of the narrower view's width rather than d3's
 * absolute 1e-6, since views here are in data units, not pixels. Endpoints snap:
 * t <= 0 gives v0 and t >= 1 gives v1 exactly.
 */
#ifndef AP_ZPATH_H
#define AP_ZPATH_H

#include <stddef.h>

#include "core/cam.h"
#include "base/err.h"
#include "core/tween.h"

/* d3's default rho, the trade-off between zooming and panning (larger zooms out more). */
#define ZPATH_DEFAULT_RHO 1.4142135623730951

/* A planned path; fill with zpath_init. */
struct zpath {
	double v0[3], v1[3];     /* the end views, returned exactly at t = 0 and 1 */
	double rho;              /* as used: the argument, or the default, at least 1e-3 */
	double S;                /* path length, >= 0 (d3's S; d3's duration is S·rho/√2 s) */
	/* private */
	double dx, dy, d1, r0, s_signed;
	int pure_zoom;
};

/* Plan the path from view v0 to view v1. Widths are clamped to [1e-150, 1e150] and
 * centres to ±1e150, and a path whose arithmetic would still leave double range is a
 * straight pan with a geometric zoom, so any input gives finite views.
 * rho <= 0 means ZPATH_DEFAULT_RHO; like d3, rho is at least 1e-3.
 * Pure zoom (centres coincide): S = |log(w1/w0)|/rho, w(t) = w0·(w1/w0)^t. */
void zpath_init(struct zpath *p, const double v0[3], const double v1[3], double rho);

/* The view at t (clamped to [0,1]). */
void zpath_eval(const struct zpath *p, double t, double out[3]);

/* d3's recommended duration in seconds: S·rho/√2 (so S seconds at the default rho). */
double zpath_duration(const struct zpath *p);

/* Camera <-> view for a frame frame_w pixels wide at s0 pixels per data unit at zoom 1. */
void zpath_cam_to_view(const struct cam *c, double s0, int frame_w, double view[3]);
void zpath_view_to_cam(const double view[3], double s0, int frame_w, struct cam *c);

struct zpath_key {
	double time;             /* seconds */
	struct cam cam;
	size_t line;             /* in the file, for messages */
};

/* A key's time is at most this many seconds (as --duration). */
#define ZPATH_MAX_TIME 1e6

/* Keyframes, times strictly increasing from >= 0. Free with zpath_keys_free. */
struct zpath_keys {
	size_t n;
	struct zpath_key *key;
	double rho;              /* for every segment; 0 = ZPATH_DEFAULT_RHO */
	const char *path;        /* the file, for messages (the parser's argument, not copied) */
};

/* Parse a keyframe file held in text[0..len): one key per line, "time cx cy zoom",
 * whitespace separated; '#' starts a comment; lines as txt_next gives them (blank
 * lines, CRLF and a UTF-8 BOM are fine; a NUL byte is refused). path names the file
 * in errors:
 *   path 'p.txt' line 3: expected 4 numbers 'time cx cy zoom', got 'abc'
 *   path 'p.txt' line 3: expected 4 numbers 'time cx cy zoom', got 3
 *   path 'p.txt' line 3: cx 'nan' is not a finite number
 *   path 'p.txt' line 3: zoom '0' must be > 0
 *   path 'p.txt' line 1: time '-1' must be >= 0
 *   path 'p.txt' line 3: time '1e300' must be at most 1e6 seconds
 *   path 'p.txt' line 3: cx '1e300' must be within 1e15 of 0
 *   path 'p.txt' line 3: zoom '1e300' must be from 1e-6 to 1e6
 *   path 'p.txt' line 4: time '1.5' is not after time '2' on line 3
 *   path 'p.txt': no keyframes, expected lines 'time cx cy zoom'
 *   path 'p.txt' line 2: NUL byte (not a text file)
 * Returns 0 with *out filled (rho 0), or -1 with err set and *out empty. */
int zpath_keys_parse(const char *text, size_t len, const char *path, struct zpath_keys *out,
	struct ap_err *err);

void zpath_keys_free(struct zpath_keys *keys);

/* Time of the last key: how long the move lasts. */
double zpath_keys_duration(const struct zpath_keys *keys);

/* The camera at time (seconds). Before the first key, the first camera; after the last,
 * the last; at a key's time, that key's camera exactly. Between keys k and k+1 the van
 * Wijk path between their views, at segment-local time u = (time − t_k)/(t_k+1 − t_k)
 * warped by tween_ease(ease, u) (the --path-ease option). keys->n must be > 0. */
void zpath_keys_eval(const struct zpath_keys *keys, double time, double s0, int frame_w,
	enum tween_ease ease, struct cam *out);

#endif
