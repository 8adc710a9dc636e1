#include "core/tween.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"

static const char *const ease_names[TWEEN_EASE_COUNT] = {
	[TWEEN_EASE_LINEAR] = "linear",
	[TWEEN_EASE_QUAD_IN] = "quad-in",
	[TWEEN_EASE_QUAD_OUT] = "quad-out",
	[TWEEN_EASE_QUAD_IN_OUT] = "quad-in-out",
	[TWEEN_EASE_CUBIC_IN] = "cubic-in",
	[TWEEN_EASE_CUBIC_OUT] = "cubic-out",
	[TWEEN_EASE_CUBIC_IN_OUT] = "cubic-in-out",
	[TWEEN_EASE_SINE_IN] = "sine-in",
	[TWEEN_EASE_SINE_OUT] = "sine-out",
	[TWEEN_EASE_SINE_IN_OUT] = "sine-in-out",
	[TWEEN_EASE_EXP_IN_OUT] = "exp-in-out",
};

static const char *const order_names[TWEEN_ORDER_COUNT] = {
	[TWEEN_ORDER_INDEX] = "index",
	[TWEEN_ORDER_LABEL] = "label",
	[TWEEN_ORDER_DISTANCE] = "distance",
};

int tween_ease_parse(const char *name, enum tween_ease *out)
{
	int i = names_find(ease_names, TWEEN_EASE_COUNT, name);
	if (i < 0)
		return -1;
	*out = (enum tween_ease)i;
	return 0;
}

const char *tween_ease_name(enum tween_ease e)
{
	return (unsigned)e < TWEEN_EASE_COUNT ? ease_names[e] : "?";
}

const char *tween_ease_names(void)
{
	/* Kept in step with ease_names by the test. */
	return "linear, quad-in, quad-out, quad-in-out, cubic-in, cubic-out, cubic-in-out, "
		"sine-in, sine-out, sine-in-out, exp-in-out";
}

/* d3-ease's tpmt: 2^(−10x) rescaled so that tpmt(0) = 1 and tpmt(1) = 0 exactly. */
static double tpmt(double x)
{
	return (pow(2, -10 * x) - 0.0009765625) * 1.0009775171065494;
}

double tween_ease(enum tween_ease e, double t)
{
	/* Also catches NaN, which fails both comparisons of a plain clamp. */
	if (!(t > 0))
		return 0;
	if (t >= 1)
		return 1;
	switch (e) {
	case TWEEN_EASE_LINEAR:
		return t;
	case TWEEN_EASE_QUAD_IN:
		return t * t;
	case TWEEN_EASE_QUAD_OUT:
		return t * (2 - t);
	case TWEEN_EASE_QUAD_IN_OUT:
		t *= 2;
		if (t <= 1)
			return t * t / 2;
		t -= 1;
		return (t * (2 - t) + 1) / 2;
	case TWEEN_EASE_CUBIC_IN:
		return t * t * t;
	case TWEEN_EASE_CUBIC_OUT:
		t -= 1;
		return t * t * t + 1;
	case TWEEN_EASE_CUBIC_IN_OUT:
		t *= 2;
		if (t <= 1)
			return t * t * t / 2;
		t -= 2;
		return (t * t * t + 2) / 2;
	case TWEEN_EASE_SINE_IN:
		return 1 - cos(t * M_PI_2);
	case TWEEN_EASE_SINE_OUT:
		return sin(t * M_PI_2);
	case TWEEN_EASE_SINE_IN_OUT:
		return (1 - cos(M_PI * t)) / 2;
	case TWEEN_EASE_EXP_IN_OUT:
		t *= 2;
		return (t <= 1 ? tpmt(1 - t) : 2 - tpmt(t - 1)) / 2;
	case TWEEN_EASE_COUNT:
		break;
	}
	assert(!"tween_ease: bad enum value");
	return t;
}

void tween_normalize(const double *xy, size_t n, double *out_xy, double out_tf[4])
{
	if (n == 0) {
		out_tf[0] = 0, out_tf[1] = 0, out_tf[2] = 1, out_tf[3] = 0;
		return;
	}
	double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
	for (size_t i = 1; i < n; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
		y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
	}
	/* Halving before adding keeps huge coordinates from overflowing. */
	double cx = x0 / 2 + x1 / 2, cy = y0 / 2 + y1 / 2;
	double w = x1 - x0, h = y1 - y0;
	double extent = w > h ? w : h;
	double scale = extent > 0 ? 1 / extent : 1;
	for (size_t i = 0; i < n; i++) {
		out_xy[2 * i] = (xy[2 * i] - cx) * scale;
		out_xy[2 * i + 1] = (xy[2 * i + 1] - cy) * scale;
	}
	out_tf[0] = cx, out_tf[1] = cy, out_tf[2] = scale, out_tf[3] = extent;
}

static void centroid(const double *xy, size_t n, double c[2])
{
	double sx = 0, sy = 0;
	for (size_t i = 0; i < n; i++)
		sx += xy[2 * i], sy += xy[2 * i + 1];
	c[0] = sx / (double)n, c[1] = sy / (double)n;
}

/*
 * For 2×2 the SVD of the cross-covariance H = Σ b'_i a'_iᵀ need not be formed: every
 * orthogonal R is a rotation [c −s; s c] or a reflection [c s; s −c], and
 * Σ a'·R b' is then P·c + Q·s, maximised at (c, s) = (P, Q)/hypot(P, Q) with value
 * hypot(P, Q). The two hypots are σ1 + σ2 and |σ1 − σ2| of H, so taking the larger
 * is exactly the SVD solution R = V Uᵀ, with s = (σ1 + σ2)/Σ|b'|².
 */
void tween_procrustes(const double *a, const double *b, size_t n, double m[6])
{
	m[0] = 1, m[1] = 0, m[2] = 0, m[3] = 0, m[4] = 1, m[5] = 0;
	if (n == 0)
		return;
	double ca[2], cb[2];
	centroid(a, n, ca);
	centroid(b, n, cb);
	double sxx = 0, sxy = 0, syx = 0, syy = 0, bb = 0;
	for (size_t i = 0; i < n; i++) {
		double ax = a[2 * i] - ca[0], ay = a[2 * i + 1] - ca[1];
		double bx = b[2 * i] - cb[0], by = b[2 * i + 1] - cb[1];
		sxx += ax * bx, sxy += ax * by, syx += ay * bx, syy += ay * by;
		bb += bx * bx + by * by;
	}
	double rp = sxx + syy, rq = syx - sxy;     /* rotation */
	double fp = sxx - syy, fq = sxy + syx;     /* reflection */
	double rv = hypot(rp, rq), fv = hypot(fp, fq);
	double r00 = 1, r01 = 0, r10 = 0, r11 = 1, s = 1;
	if (bb > 0 && (rv > 0 || fv > 0)) {
		if (rv >= fv) {
			r00 = rp / rv, r01 = -rq / rv, r10 = rq / rv, r11 = rp / rv;
			s = rv / bb;
		} else {
			r00 = fp / fv, r01 = fq / fv, r10 = fq / fv, r11 = -fp / fv;
			s = fv / bb;
		}
	}
	m[0] = s * r00, m[1] = s * r01, m[3] = s * r10, m[4] = s * r11;
	m[2] = ca[0] - (m[0] * cb[0] + m[1] * cb[1]);
	m[5] = ca[1] - (m[3] * cb[0] + m[4] * cb[1]);
}

void tween_apply(const double m[6], const double *xy, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		out[2 * i] = m[0] * x + m[1] * y + m[2];
		out[2 * i + 1] = m[3] * x + m[4] * y + m[5];
	}
}

double tween_mean_travel(const double *a, const double *b, size_t n)
{
	if (n == 0)
		return 0;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += hypot(b[2 * i] - a[2 * i], b[2 * i + 1] - a[2 * i + 1]);
	return sum / (double)n;
}

int tween_order_parse(const char *name, enum tween_order *out)
{
	int i = names_find(order_names, TWEEN_ORDER_COUNT, name);
	if (i < 0)
		return -1;
	*out = (enum tween_order)i;
	return 0;
}

const char *tween_order_name(enum tween_order o)
{
	return (unsigned)o < TWEEN_ORDER_COUNT ? order_names[o] : "?";
}

static int cmp_i32(const void *pa, const void *pb)
{
	int32_t x = *(const int32_t *)pa, y = *(const int32_t *)pb;
	return (x > y) - (x < y);
}

/* Travel distance and index, sorted longest first, then by index (a total order,
 * so qsort's instability cannot show). */
struct travel {
	double d;
	size_t i;
};

static int cmp_travel(const void *pa, const void *pb)
{
	const struct travel *x = pa, *y = pb;
	if (x->d != y->d)
		return x->d > y->d ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int ranks_by_label(const int32_t *label, size_t n, double *rank, struct ap_err *err)
{
	int32_t *u = malloc(n * sizeof *u);
	if (!u)
		return ap_errf(err, "stagger: out of memory for %zu labels", n);
	memcpy(u, label, n * sizeof *u);
	qsort(u, n, sizeof *u, cmp_i32);
	size_t nu = 0;
	for (size_t i = 0; i < n; i++)
		if (nu == 0 || u[i] != u[nu - 1])
			u[nu++] = u[i];
	for (size_t i = 0; i < n; i++) {
		const int32_t *hit = bsearch(&label[i], u, nu, sizeof *u, cmp_i32);
		size_t k = (size_t)(hit - u);
		rank[i] = nu > 1 ? (double)k / (double)(nu - 1) : 0;
	}
	free(u);
	return 0;
}

static int ranks_by_distance(const double *a, const double *b, size_t n, double *rank,
	struct ap_err *err)
{
	struct travel *tr = malloc(n * sizeof *tr);
	if (!tr)
		return ap_errf(err, "stagger: out of memory for %zu points", n);
	for (size_t i = 0; i < n; i++) {
		tr[i].d = hypot(b[2 * i] - a[2 * i], b[2 * i + 1] - a[2 * i + 1]);
		tr[i].i = i;
	}
	qsort(tr, n, sizeof *tr, cmp_travel);
	for (size_t k = 0; k < n; k++)
		rank[tr[k].i] = n > 1 ? (double)k / (double)(n - 1) : 0;
	free(tr);
	return 0;
}

int tween_stagger_ranks(enum tween_order by, const struct tween_points *p, double *rank, struct ap_err *err)
{
	size_t n = p->n;
	const double *a = p->a, *b = p->b;
	const int32_t *label = p->label;
	if (n == 0)
		return 0;
	switch (by) {
	case TWEEN_ORDER_INDEX:
		for (size_t i = 0; i < n; i++)
			rank[i] = n > 1 ? (double)i / (double)(n - 1) : 0;
		return 0;
	case TWEEN_ORDER_LABEL:
		if (!label)
			return ap_errf(err, "stagger by label: the layout has no labels");
		return ranks_by_label(label, n, rank, err);
	case TWEEN_ORDER_DISTANCE:
		assert(a && b);
		return ranks_by_distance(a, b, n, rank, err);
	case TWEEN_ORDER_COUNT:
		break;
	}
	assert(!"tween_stagger_ranks: bad enum value");
	return ap_errf(err, "stagger: unknown order %d", (int)by);
}

double tween_progress(double t, double rank, double stagger, enum tween_ease e)
{
	/* The ends are decided before any arithmetic so they are exact. */
	if (!(t > 0))
		return 0;
	if (t >= 1)
		return 1;
	double f = stagger > 0 ? (stagger < 1 ? stagger : 1) : 0;
	double r = rank > 0 ? (rank < 1 ? rank : 1) : 0;
	double start = f * r;
	if (f >= 1)
		return t >= start ? 1 : 0;
	return tween_ease(e, (t - start) / (1 - f));
}

void tween_progress_all(double t, const double *rank, size_t n, double stagger,
	enum tween_ease e, double *progress)
{
	for (size_t i = 0; i < n; i++)
		progress[i] = tween_progress(t, rank[i], stagger, e);
}

void tween_lerp_points(const double *a, const double *b, size_t n,
	const double *progress_or_null, double t_uniform, double *out)
{
	for (size_t i = 0; i < n; i++) {
		double p = progress_or_null ? progress_or_null[i] : t_uniform;
		double ax = a[2 * i], ay = a[2 * i + 1], bx = b[2 * i], by = b[2 * i + 1];
		if (!(p > 0)) {
			out[2 * i] = ax, out[2 * i + 1] = ay;
		} else if (p >= 1) {
			out[2 * i] = bx, out[2 * i + 1] = by;
		} else {
			out[2 * i] = ax * (1 - p) + bx * p;
			out[2 * i + 1] = ay * (1 - p) + by * p;
		}
	}
}
