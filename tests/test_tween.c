#include "core/tween.h"
#include "t.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* d3-ease v3 at t = 0, 0.25, 0.5, 0.75, 1 (computed with d3's own formulas in node). */
static const struct {
	const char *name;
	double v[5];
} d3ref[] = {
	{ "linear", { 0, 0.25, 0.5, 0.75, 1 } },
	{ "quad-in", { 0, 0.0625, 0.25, 0.5625, 1 } },
	{ "quad-out", { 0, 0.4375, 0.75, 0.9375, 1 } },
	{ "quad-in-out", { 0, 0.125, 0.5, 0.875, 1 } },
	{ "cubic-in", { 0, 0.015625, 0.125, 0.421875, 1 } },
	{ "cubic-out", { 0, 0.578125, 0.875, 0.984375, 1 } },
	{ "cubic-in-out", { 0, 0.0625, 0.5, 0.9375, 1 } },
	{ "sine-in", { 0, 0.076120467488713262, 0.29289321881345243, 0.61731656763491016, 1 } },
	{ "sine-out", { 0, 0.38268343236508978, 0.70710678118654746, 0.92387953251128674, 1 } },
	{ "sine-in-out", { 0, 0.14644660940672621, 0.49999999999999994, 0.85355339059327373, 1 } },
	{ "exp-in-out", { 0, 0.015151515151515152, 0.5, 0.98484848484848486, 1 } },
};

/* Deterministic uniform in [-1, 1) (xorshift64*), so failures reproduce. */
static double rnd(uint64_t *s)
{
	*s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0 * 2 - 1;
}

static void test_ease(void)
{
	size_t nref = sizeof d3ref / sizeof d3ref[0];
	CHECK_EQ_INT(nref, TWEEN_EASE_COUNT);
	char names[512] = "";
	for (size_t k = 0; k < nref; k++) {
		enum tween_ease e = TWEEN_EASE_COUNT;
		CHECK_EQ_INT(tween_ease_parse(d3ref[k].name, &e), 0);
		CHECK_STR(tween_ease_name(e), d3ref[k].name);
		for (int j = 0; j < 5; j++)
			CHECK_NEAR(tween_ease(e, j * 0.25), d3ref[k].v[j], 1e-12);
		/* The ends exactly, also past them. */
		CHECK(tween_ease(e, 0) == 0.0 && tween_ease(e, 1) == 1.0);
		CHECK(tween_ease(e, -3) == 0.0 && tween_ease(e, 7) == 1.0);
		CHECK(tween_ease(e, NAN) == 0.0);
		int mono = 1;
		double prev = 0;
		for (int i = 1; i <= 1000; i++) {
			double v = tween_ease(e, i / 1000.0);
			if (v < prev)
				mono = 0;
			prev = v;
		}
		CHECK(mono);
		if (k)
			strcat(names, ", ");
		strcat(names, d3ref[k].name);
	}
	CHECK_STR(tween_ease_names(), names);
	enum tween_ease e = TWEEN_EASE_QUAD_IN;
	CHECK_EQ_INT(tween_ease_parse("cubic", &e), -1);
	CHECK_EQ_INT(tween_ease_parse("", &e), -1);
	CHECK_EQ_INT(tween_ease_parse("Linear", &e), -1);
	CHECK_EQ_INT(e, TWEEN_EASE_QUAD_IN);
	CHECK_STR(tween_ease_name(TWEEN_EASE_COUNT), "?");
	CHECK_EQ_INT(TWEEN_EASE_LINEAR, 0);
}

static void test_normalize(void)
{
	/* Box [2,6]×[-1,1]: centre (4,0), longer side 4. */
	const double xy[] = { 2, -1, 6, 1, 3, 0.5, 5, 0 };
	double out[8], tf[4];
	tween_normalize(xy, 4, out, tf);
	CHECK(tf[0] == 4 && tf[1] == 0 && tf[2] == 0.25 && tf[3] == 4);
	const double want[] = { -0.5, -0.25, 0.5, 0.25, -0.25, 0.125, 0.25, 0 };
	CHECK(memcmp(out, want, sizeof want) == 0);

	/* Tall box: the height decides. In place. */
	double tall[] = { 0, 0, 1, 10, 0.5, 5 };
	tween_normalize(tall, 3, tall, tf);
	CHECK(tf[0] == 0.5 && tf[1] == 5 && tf[2] == 0.1 && tf[3] == 10);
	CHECK_NEAR(tall[1], -0.5, 1e-15);
	CHECK_NEAR(tall[3], 0.5, 1e-15);
	CHECK_NEAR(tall[2], 0.05, 1e-15);

	/* Zero-width box: the other side. */
	double col[] = { 3, 1, 3, 5 };
	tween_normalize(col, 2, col, tf);
	CHECK(tf[0] == 3 && tf[1] == 3 && tf[2] == 0.25 && tf[3] == 4);
	CHECK(col[0] == 0 && col[1] == -0.5 && col[2] == 0 && col[3] == 0.5);

	/* One point, all equal: scale 1, centred. */
	double one[] = { 7, -2 };
	tween_normalize(one, 1, one, tf);
	CHECK(tf[0] == 7 && tf[1] == -2 && tf[2] == 1 && tf[3] == 0);
	CHECK(one[0] == 0 && one[1] == 0);
	double same[] = { 1, 1, 1, 1, 1, 1 };
	tween_normalize(same, 3, same, tf);
	CHECK(tf[2] == 1 && same[0] == 0 && same[5] == 0);

	tween_normalize(NULL, 0, NULL, tf);
	CHECK(tf[0] == 0 && tf[1] == 0 && tf[2] == 1 && tf[3] == 0);
}

static void test_procrustes(void)
{
	enum { N = 200 };
	static double b[2 * N], a[2 * N], back[2 * N];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 2 * N; i++)
		b[i] = rnd(&seed) * 0.5;
	/* a = s·R·b + t with R a reflection (det −1): rotate 0.7 rad, then flip y. */
	for (int flip = 0; flip < 2; flip++) {
		double th = 0.7, s = 1.7, tx = 0.3, ty = -1.2;
		double c = cos(th), sn = sin(th);
		double R[4] = { c, -sn, sn, c };
		if (flip)
			R[2] = -R[2], R[3] = -R[3];
		for (int i = 0; i < N; i++) {
			double x = b[2 * i], y = b[2 * i + 1];
			a[2 * i] = s * (R[0] * x + R[1] * y) + tx;
			a[2 * i + 1] = s * (R[2] * x + R[3] * y) + ty;
		}
		double m[6];
		tween_procrustes(a, b, N, m);
		CHECK_NEAR(m[0], s * R[0], 1e-9);
		CHECK_NEAR(m[1], s * R[1], 1e-9);
		CHECK_NEAR(m[3], s * R[2], 1e-9);
		CHECK_NEAR(m[4], s * R[3], 1e-9);
		CHECK_NEAR(m[2], tx, 1e-9);
		CHECK_NEAR(m[5], ty, 1e-9);
		double det = m[0] * m[4] - m[1] * m[3];
		CHECK_NEAR(det, flip ? -s * s : s * s, 1e-9);
		CHECK(tween_mean_travel(a, b, N) > 0.5);
		tween_apply(m, b, N, back);
		CHECK_NEAR(tween_mean_travel(a, back, N), 0, 1e-9);
	}

	/* With noise the fit is still the best similarity: nudging its angle, scale or
	 * shift (keeping it a similarity) makes the residual worse. */
	for (int i = 0; i < 2 * N; i++)
		a[i] += rnd(&seed) * 0.05;
	double m[6], best = 0, worse = INFINITY;
	tween_procrustes(a, b, N, m);
	tween_apply(m, b, N, back);
	for (int i = 0; i < 2 * N; i++)
		best += (back[i] - a[i]) * (back[i] - a[i]);
	double sc = sqrt(m[0] * m[0] + m[3] * m[3]), ang = atan2(m[3], m[0]);
	double flip = m[0] * m[4] - m[1] * m[3] < 0 ? -1 : 1;
	for (int k = 0; k < 4; k++) {
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			double d = sgn * 1e-3;
			double s2 = sc + (k == 0) * d, a2 = ang + (k == 1) * d;
			double m2[6] = { s2 * cos(a2), -flip * s2 * sin(a2), m[2] + (k == 2) * d,
				s2 * sin(a2), flip * s2 * cos(a2), m[5] + (k == 3) * d };
			tween_apply(m2, b, N, back);
			double r = 0;
			for (int i = 0; i < 2 * N; i++)
				r += (back[i] - a[i]) * (back[i] - a[i]);
			worse = r < worse ? r : worse;
		}
	}
	CHECK(best < worse);

	/* Degenerate b (one repeated point): translation only. */
	const double a2[] = { 0, 0, 2, 0, 0, 2 };
	const double b2[] = { 5, 5, 5, 5, 5, 5 };
	tween_procrustes(a2, b2, 3, m);
	CHECK(m[0] == 1 && m[1] == 0 && m[3] == 0 && m[4] == 1);
	CHECK_NEAR(m[2], 2.0 / 3 - 5, 1e-15);
	CHECK_NEAR(m[5], 2.0 / 3 - 5, 1e-15);
	tween_procrustes(NULL, NULL, 0, m);
	CHECK(m[0] == 1 && m[1] == 0 && m[2] == 0 && m[3] == 0 && m[4] == 1 && m[5] == 0);

	const double p[] = { 0, 0, 1, 1 }, q[] = { 3, 4, 1, 1 };
	CHECK_NEAR(tween_mean_travel(p, q, 2), 2.5, 1e-15);
	CHECK(tween_mean_travel(p, q, 0) == 0);
}

static void test_ranks(void)
{
	struct ap_err err = { "" };
	double r[6];
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_INDEX, &(struct tween_points){ 5, NULL, NULL, NULL }, r, &err), 0);
	CHECK(r[0] == 0 && r[1] == 0.25 && r[2] == 0.5 && r[3] == 0.75 && r[4] == 1);
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_INDEX, &(struct tween_points){ 1, NULL, NULL, NULL }, r, &err), 0);
	CHECK(r[0] == 0);

	const int32_t lab[] = { 7, -1, 3, 7, 3, -1 };
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_LABEL, &(struct tween_points){ 6, NULL, NULL, lab }, r, &err), 0);
	CHECK(r[0] == 1 && r[1] == 0 && r[2] == 0.5 && r[3] == 1 && r[4] == 0.5 && r[5] == 0);
	const int32_t one[] = { 4, 4, 4 };
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_LABEL, &(struct tween_points){ 3, NULL, NULL, one }, r, &err), 0);
	CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0);
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_LABEL, &(struct tween_points){ 3, NULL, NULL, NULL }, r, &err), -1);
	CHECK_STR(err.msg, "stagger by label: the layout has no labels");

	/* Travels 1, 3, 0, 3, 2: longest first, the tie 1 before 3 by index. */
	const double a[] = { 0, 0, 0, 0, 0, 0, 1, 1, 5, 5 };
	const double b[] = { 1, 0, 0, 3, 0, 0, 1, -2, 5, 7 };
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_DISTANCE, &(struct tween_points){ 5, a, b, NULL }, r, &err), 0);
	CHECK(r[1] == 0 && r[3] == 0.25 && r[4] == 0.5 && r[0] == 0.75 && r[2] == 1);

	enum tween_order o = TWEEN_ORDER_COUNT;
	CHECK_EQ_INT(tween_order_parse("distance", &o), 0);
	CHECK_EQ_INT(o, TWEEN_ORDER_DISTANCE);
	CHECK_STR(tween_order_name(TWEEN_ORDER_LABEL), "label");
	CHECK_EQ_INT(tween_order_parse("random", &o), -1);
}

static void test_progress(void)
{
	const double staggers[] = { 0, 0.1, 0.3, 0.5, 0.77, 0.999, 1, -1, 2 };
	int ends_ok = 1, mono_ok = 1, in_range = 1;
	for (size_t si = 0; si < sizeof staggers / sizeof staggers[0]; si++) {
		for (int ri = 0; ri <= 97; ri++) {
			double rank = ri / 97.0;
			for (int e = 0; e < TWEEN_EASE_COUNT; e++) {
				double f = staggers[si];
				if (tween_progress(0, rank, f, e) != 0.0 || tween_progress(1, rank, f, e) != 1.0)
					ends_ok = 0;
				double prev = 0;
				for (int i = 0; i <= 64; i++) {
					double p = tween_progress(i / 64.0, rank, f, e);
					if (p < prev)
						mono_ok = 0;
					if (p < 0 || p > 1)
						in_range = 0;
					prev = p;
				}
			}
		}
	}
	CHECK(ends_ok);
	CHECK(mono_ok);
	CHECK(in_range);
	/* f = 0.5: rank 0 moves over [0, 0.5], rank 1 over [0.5, 1]. */
	CHECK_NEAR(tween_progress(0.25, 0, 0.5, TWEEN_EASE_LINEAR), 0.5, 1e-15);
	CHECK(tween_progress(0.5, 0, 0.5, TWEEN_EASE_LINEAR) == 1);
	CHECK(tween_progress(0.5, 1, 0.5, TWEEN_EASE_LINEAR) == 0);
	CHECK_NEAR(tween_progress(0.75, 1, 0.5, TWEEN_EASE_LINEAR), 0.5, 1e-15);
	CHECK_NEAR(tween_progress(0.5, 0.5, 0.5, TWEEN_EASE_LINEAR), 0.5, 1e-15);
	CHECK_NEAR(tween_progress(0.5, 0.5, 0.5, TWEEN_EASE_CUBIC_IN), 0.125, 1e-15);
	/* No stagger: the ease itself. */
	CHECK_NEAR(tween_progress(0.25, 0.7, 0, TWEEN_EASE_QUAD_OUT), 0.4375, 1e-15);
	/* f = 1: a jump at t = rank. */
	CHECK(tween_progress(0.49, 0.5, 1, TWEEN_EASE_LINEAR) == 0);
	CHECK(tween_progress(0.5, 0.5, 1, TWEEN_EASE_LINEAR) == 1);

	const double rank[] = { 0, 0.5, 1 };
	double p[3];
	tween_progress_all(0.5, rank, 3, 0.5, TWEEN_EASE_LINEAR, p);
	CHECK(p[0] == 1 && p[2] == 0);
	CHECK_NEAR(p[1], 0.5, 1e-15);
}

static void test_lerp(void)
{
	enum { N = 64 };
	static double a[2 * N], b[2 * N], out[2 * N], prog[N];
	uint64_t seed = 42;
	for (int i = 0; i < 2 * N; i++) {
		a[i] = rnd(&seed) * 1e3;
		b[i] = rnd(&seed) * 1e-3;
	}
	a[0] = -0.0;     /* a·1 + b·0 would turn −0 into +0 */
	b[3] = -0.0;
	a[5] = 1e308, b[5] = -1e308;

	tween_lerp_points(a, b, N, NULL, 0, out);
	CHECK(memcmp(out, a, sizeof a) == 0);
	tween_lerp_points(a, b, N, NULL, 1, out);
	CHECK(memcmp(out, b, sizeof b) == 0);

	/* Through the whole pipeline: frame 0 and the last frame, any rank and stagger. */
	double rank[N];
	struct ap_err err;
	CHECK_EQ_INT(tween_stagger_ranks(TWEEN_ORDER_DISTANCE, &(struct tween_points){ N, a, b, NULL }, rank, &err), 0);
	for (int e = 0; e < TWEEN_EASE_COUNT; e++) {
		tween_progress_all(0, rank, N, 0.4, e, prog);
		tween_lerp_points(a, b, N, prog, 0.5, out);
		CHECK(memcmp(out, a, sizeof a) == 0);
		tween_progress_all(1, rank, N, 0.4, e, prog);
		tween_lerp_points(a, b, N, prog, 0.5, out);
		CHECK(memcmp(out, b, sizeof b) == 0);
	}

	/* Midway, and per point. */
	const double pa[] = { 0, 0, 10, 10 }, pb[] = { 2, 4, 20, 0 }, pp[] = { 0.5, 0.25 };
	double o[4];
	tween_lerp_points(pa, pb, 2, pp, 0.9, o);
	CHECK(o[0] == 1 && o[1] == 2 && o[2] == 12.5 && o[3] == 7.5);
	tween_lerp_points(pa, pb, 2, NULL, 0.5, o);
	CHECK(o[0] == 1 && o[1] == 2 && o[2] == 15 && o[3] == 5);

	/* In place over a. */
	double ip[4];
	memcpy(ip, pa, sizeof ip);
	tween_lerp_points(ip, pb, 2, NULL, 1, ip);
	CHECK(memcmp(ip, pb, sizeof ip) == 0);
}

int main(void)
{
	test_ease();
	test_normalize();
	test_procrustes();
	test_ranks();
	test_progress();
	test_lerp();
	return t_done();
}
