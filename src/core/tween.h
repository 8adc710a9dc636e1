/*
 * tween: the pure math of a transition between two layouts of the same points —
 * easing, normalisation, Procrustes alignment, per-point stagger and interpolation.
 * No GL, no I/O, no globals; points are interleaved x0 y0 x1 y1 ... doubles.
 * Not a renderer and not a camera: zpath_ moves the camera.
 *
 *   tween_ease_parse(name, &e)          "cubic-in-out" -> TWEEN_EASE_CUBIC_IN_OUT
 *   tween_ease(e, t)                     d3-ease curves, t clamped to [0,1]
 *   tween_normalize(xy, n, out, tf)      centre on the box centre, longer side -> 1
 *   tween_procrustes(a, b, n, m)         m maps b onto a (rotation/reflection, scale, shift)
 *   tween_apply(m, xy, n, out)           apply a 2×3 affine
 *   tween_mean_travel(a, b, n)           mean distance between matching points
 *   tween_stagger_ranks(by, p, rank)     each point's departure rank in [0,1]
 *   tween_progress(t, rank, f, e)        a point's eased progress at timeline t
 *   tween_lerp_points(a, b, n, p, t, o)  a + (b − a)·p, exact at p = 0 and p = 1
 *
 * Exactness: tween_ease(e, 0) == 0, tween_ease(e, 1) == 1, tween_progress(0, ...) == 0,
 * tween_progress(1, ...) == 1 and tween_lerp_points returns a (or b) bit for bit at
 * p = 0 (or 1), so the first frame of an animation is the start layout and the last
 * frame the end layout exactly.
 */
#ifndef AP_TWEEN_H
#define AP_TWEEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Easing curves, the d3-ease definitions. Zero is linear (no easing). */
enum tween_ease {
	TWEEN_EASE_LINEAR = 0,
	TWEEN_EASE_QUAD_IN,
	TWEEN_EASE_QUAD_OUT,
	TWEEN_EASE_QUAD_IN_OUT,
	TWEEN_EASE_CUBIC_IN,
	TWEEN_EASE_CUBIC_OUT,
	TWEEN_EASE_CUBIC_IN_OUT,
	TWEEN_EASE_SINE_IN,
	TWEEN_EASE_SINE_OUT,
	TWEEN_EASE_SINE_IN_OUT,
	TWEEN_EASE_EXP_IN_OUT,
	TWEEN_EASE_COUNT
};

/* "linear", "quad-in", ..., "exp-in-out" -> *out. Returns 0, or -1 for an unknown
 * name (the caller reports it, listing tween_ease_names()). */
int tween_ease_parse(const char *name, enum tween_ease *out);

/* The name of e ("cubic-in-out"); "?" for an out-of-range value. */
const char *tween_ease_name(enum tween_ease e);

/* All names, comma separated: "linear, quad-in, ..., exp-in-out" (static string). */
const char *tween_ease_names(void);

/* Eased value of t, t clamped to [0,1]; exactly 0 at t <= 0 and 1 at t >= 1. */
double tween_ease(enum tween_ease e, double t);

/* Centre n points on their bounding-box centre and scale them uniformly so the box's
 * longer side becomes 1 (so the box fits [-0.5,0.5]²). A box with one zero side uses
 * the other; a single point, or all points equal, gets scale 1. out_xy may be xy.
 * out_tf = { cx, cy, scale, extent }: out = (p − c)·scale, extent is the longer side
 * before scaling (0 when degenerate); p = out/scale + c undoes it. n = 0: {0,0,1,0}. */
void tween_normalize(const double *xy, size_t n, double *out_xy, double out_tf[4]);

/* Orthogonal Procrustes with reflection and scale: the m that minimises
 * sum |s·R·b_i + t − a_i|² over orthogonal R (det +1 or −1), s >= 0 and t.
 * m is the row-major 2×3 affine [s·R | t]:
 *   x' = m[0]·x + m[1]·y + m[2],   y' = m[3]·x + m[4]·y + m[5].
 * When b has no spread, or a and b are uncorrelated (the optimum would be s = 0,
 * collapsing b), m is the pure translation moving b's centroid onto a's. n = 0: identity. */
void tween_procrustes(const double *a, const double *b, size_t n, double m[6]);

/* out_i = m applied to xy_i; out may be xy. */
void tween_apply(const double m[6], const double *xy, size_t n, double *out);

/* Mean Euclidean distance |b_i − a_i|; 0 for n = 0. */
double tween_mean_travel(const double *a, const double *b, size_t n);

/* What orders the points' departures when the transition is staggered. Zero is index. */
enum tween_order {
	TWEEN_ORDER_INDEX = 0,   /* rank i/(n−1) */
	TWEEN_ORDER_LABEL,       /* same label, same rank; labels ascending, k/(nlabels−1) */
	TWEEN_ORDER_DISTANCE,    /* longest travel |b_i − a_i| leaves first; ties by index */
	TWEEN_ORDER_COUNT
};

/* "index", "label", "distance" -> *out; 0, or -1 for an unknown name. */
int tween_order_parse(const char *name, enum tween_order *out);
const char *tween_order_name(enum tween_order o);

/* The points a stagger orders: n of them, label needed for TWEEN_ORDER_LABEL, a and b
 * (start and end, n×2) for TWEEN_ORDER_DISTANCE; the others may be NULL. */
struct tween_points {
	size_t n;
	const double *a, *b;
	const int32_t *label;
};

/* rank[i] in [0,1] for each of p's points (0 leaves first), in the order by. A single
 * point (or a single label) gets rank 0. Returns 0, or -1 with err set (no labels for
 * the label order, out of memory). */
int tween_stagger_ranks(enum tween_order by, const struct tween_points *p, double *rank, struct ap_err *err);

/* Progress of a point with this rank at timeline t in [0,1], stagger fraction f in
 * [0,1] (both clamped): it moves during [f·rank, f·rank + (1 − f)],
 *   local = clamp((t − f·rank)/(1 − f), 0, 1),  progress = tween_ease(e, local).
 * Exactly 0 at t <= 0 and 1 at t >= 1 for every rank and f. f = 1 makes each point
 * jump at t = rank. */
double tween_progress(double t, double rank, double stagger, enum tween_ease e);

/* progress[i] = tween_progress(t, rank[i], stagger, e) for n points. */
void tween_progress_all(double t, const double *rank, size_t n, double stagger,
	enum tween_ease e, double *progress);

/* out_i = a_i + (b_i − a_i)·p_i with p_i = progress[i], or t_uniform for every point
 * when progress is NULL. p <= 0 copies a_i and p >= 1 copies b_i exactly; in between
 * a·(1 − p) + b·p. out may be a or b. */
void tween_lerp_points(const double *a, const double *b, size_t n,
	const double *progress_or_null, double t_uniform, double *out);

#endif
