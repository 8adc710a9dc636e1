#include "core/zpath.h"
#include "io/zpath_file.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* d3-interpolate's interpolateZoom, run in node on the same views (rho √2 unless said). */
static const struct {
	double v0[3], v1[3], rho, S;
	double at[3][3];         /* t = 0.25, 0.5, 0.75 */
} d3ref[] = {
	{ { 0, 0, 1 }, { 10, 0, 1 }, 0, 4.2401275593296672, {
		{ 0.45249378105604343, 0, 4.2755992275544576 },
		{ 5.0000000000000169, 0, 10.049875621120957 },
		{ 9.5475062189440187, 0, 4.2755992275544870 } } },
	{ { 1, 2, 4 }, { -3, 5, 0.5 }, 0, 2.8724796965003905, {
		{ -0.90998808582835089, 3.4324910643712632, 5.7817630103386763 },
		{ -2.5555555555555536, 4.6666666666666652, 3.4462360931712919 },
		{ -2.9436875501172439, 4.9577656625879332, 1.3637163170573441 } } },
	{ { 2, 3, 1 }, { 2, 3, 8 }, 0, 1.4703872152028206, {
		{ 2, 3, 1.6817928305074290 },
		{ 2, 3, 2.8284271247461898 },
		{ 2, 3, 4.7568284600108841 } } },
	{ { 1, 2, 4 }, { -3, 5, 0.5 }, 1, 3.0241448188627404, {
		{ -1.3261605015242219, 3.7446203761431667, 3.5950692933613158 },
		{ -2.5555555555555558, 4.6666666666666670, 2.1140330656044943 },
		{ -2.9149887485563113, 4.9362415614172335, 1.0510756741167844 } } },
};

static void test_d3(void)
{
	for (size_t k = 0; k < sizeof d3ref / sizeof d3ref[0]; k++) {
		struct zpath p;
		zpath_init(&p, d3ref[k].v0, d3ref[k].v1, d3ref[k].rho);
		CHECK_NEAR(p.S, d3ref[k].S, 1e-12);
		for (int j = 0; j < 3; j++) {
			double v[3];
			zpath_eval(&p, 0.25 * (j + 1), v);
			for (int c = 0; c < 3; c++)
				CHECK_NEAR(v[c], d3ref[k].at[j][c], 1e-12);
		}
		/* Endpoints exactly, also past them. */
		double v[3];
		zpath_eval(&p, 0, v);
		CHECK(memcmp(v, d3ref[k].v0, sizeof v) == 0);
		zpath_eval(&p, -1, v);
		CHECK(memcmp(v, d3ref[k].v0, sizeof v) == 0);
		zpath_eval(&p, 1, v);
		CHECK(memcmp(v, d3ref[k].v1, sizeof v) == 0);
		zpath_eval(&p, 2, v);
		CHECK(memcmp(v, d3ref[k].v1, sizeof v) == 0);
		/* And continuous into them. */
		zpath_eval(&p, 1e-9, v);
		CHECK_NEAR(v[2], d3ref[k].v0[2], 1e-6);
		zpath_eval(&p, 1 - 1e-9, v);
		CHECK_NEAR(v[0], d3ref[k].v1[0], 1e-6);
		CHECK_NEAR(v[2], d3ref[k].v1[2], 1e-6);
	}
}

static void test_shape(void)
{
	/* Progress along the pan only increases; the long pan zooms out mid-way. */
	const double a[3] = { 1, 2, 4 }, b[3] = { -3, 5, 0.5 };
	struct zpath p;
	zpath_init(&p, a, b, 0);
	CHECK(!p.pure_zoom);
	CHECK(p.rho == ZPATH_DEFAULT_RHO);
	CHECK(zpath_duration(&p) == p.S);
	int mono = 1, in_seg = 1;
	double prev = 0;
	for (int i = 1; i <= 1000; i++) {
		double v[3];
		zpath_eval(&p, i / 1000.0, v);
		double u = (v[0] - a[0]) / (b[0] - a[0]);
		double u2 = (v[1] - a[1]) / (b[1] - a[1]);
		if (u < prev - 1e-15)
			mono = 0;
		if (fabs(u - u2) > 1e-12 || u < 0 || u > 1 + 1e-12)
			in_seg = 0;
		prev = u;
	}
	CHECK(mono);
	CHECK(in_seg);

	const double l0[3] = { 0, 0, 1 }, l1[3] = { 50, 0, 2 };
	double mid[3];
	zpath_init(&p, l0, l1, 0);
	zpath_eval(&p, 0.5, mid);
	CHECK(mid[2] > l0[2] && mid[2] > l1[2]);
	/* A bigger rho trades more zooming for less panning. */
	double mid_hi[3];
	zpath_init(&p, l0, l1, 3);
	zpath_eval(&p, 0.5, mid_hi);
	CHECK(mid_hi[2] > mid[2]);
	/* rho below 1e-3 is raised to it, like d3. */
	zpath_init(&p, l0, l1, 1e-9);
	CHECK(p.rho == 1e-3);
}

static void test_pure_zoom(void)
{
	const double a[3] = { 2, 3, 8 }, b[3] = { 2, 3, 0.5 };
	struct zpath p;
	zpath_init(&p, a, b, 0);
	CHECK(p.pure_zoom);
	CHECK_NEAR(p.S, log(16) / sqrt(2), 1e-15);
	int ok = 1;
	for (int i = 1; i < 100; i++) {
		double t = i / 100.0, v[3];
		zpath_eval(&p, t, v);
		if (v[0] != 2 || v[1] != 3 || fabs(v[2] - 8 * pow(0.5 / 8, t)) > 1e-12)
			ok = 0;
	}
	CHECK(ok);

	/* Same view twice: a path of length 0 that stays put. */
	zpath_init(&p, a, a, 0);
	CHECK(p.S == 0);
	double v[3];
	zpath_eval(&p, 0.5, v);
	CHECK(memcmp(v, a, sizeof v) == 0);

	/* Centres a hair apart (relative to the view): the pure-zoom branch. */
	const double c[3] = { 1000, 1000, 1e-3 }, d[3] = { 1000 + 1e-10, 1000, 1e-1 };
	zpath_init(&p, c, d, 0);
	CHECK(p.pure_zoom);
	/* A tiny pan with a big zoom stays finite and matches the pure zoom closely. */
	const double e0[3] = { 0, 0, 1 }, e1[3] = { 1e-5, 0, 100 };
	zpath_init(&p, e0, e1, 0);
	CHECK(!p.pure_zoom);
	CHECK_NEAR(p.S, log(100) / sqrt(2), 1e-6);
	int finite = 1;
	for (int i = 0; i <= 100; i++) {
		zpath_eval(&p, i / 100.0, v);
		if (!isfinite(v[0]) || !isfinite(v[2]) || fabs(v[2] / pow(100, i / 100.0) - 1) > 1e-6)
			finite = 0;
	}
	CHECK(finite);
}

static void test_cam_view(void)
{
	struct cam c = { 3, -4, 2 }, back;
	double v[3];
	zpath_cam_to_view(&c, 100, 800, v);
	CHECK(v[0] == 3 && v[1] == -4 && v[2] == 4);
	zpath_view_to_cam(v, 100, 800, &back);
	CHECK(back.cx == 3 && back.cy == -4 && back.zoom == 2);
}

static void check_parse_err(const char *text, const char *want, int line)
{
	struct zpath_keys k;
	struct ap_err err = { "" };
	int r = zpath_keys_parse(text, strlen(text), "p.txt", &k, &err);
	if (r != -1 || strcmp(err.msg, want) != 0)
		fprintf(stderr, "  (from the case on line %d)\n", line);
	CHECK_EQ_INT(r, -1);
	CHECK_STR(err.msg, want);
	CHECK(k.n == 0 && k.key == NULL);
}
#define PARSE_ERR(text, want) check_parse_err(text, want, __LINE__)

static void test_keys_parse(void)
{
	const char good[] = "\xEF\xBB\xBF# camera tour\r\n"
		"0 0 0 1\r\n"
		"\r\n"
		"  1.5\t10 -2.5  4   # zoom in\n"
		"   \t\n"
		"# a comment line\n"
		"3 1e1 .5 0.25";
	struct zpath_keys k;
	struct ap_err err = { "" };
	CHECK_EQ_INT(zpath_keys_parse(good, sizeof good - 1, "p.txt", &k, &err), 0);
	CHECK_EQ_INT(k.n, 3);
	if (k.n == 3) {
		CHECK(k.key[0].time == 0 && k.key[0].cam.cx == 0 && k.key[0].cam.cy == 0 && k.key[0].cam.zoom == 1);
		CHECK(k.key[1].time == 1.5 && k.key[1].cam.cx == 10 && k.key[1].cam.cy == -2.5 && k.key[1].cam.zoom == 4);
		CHECK(k.key[2].time == 3 && k.key[2].cam.cx == 10 && k.key[2].cam.cy == 0.5 && k.key[2].cam.zoom == 0.25);
	}
	CHECK(k.rho == 0);
	CHECK(zpath_keys_duration(&k) == 3);
	zpath_keys_free(&k);
	CHECK(k.n == 0 && k.key == NULL);

	/* One key; first time above 0; no final newline; not NUL-terminated. */
	const char one[] = "2 1 1 1XXXX";
	CHECK_EQ_INT(zpath_keys_parse(one, 7, "p.txt", &k, &err), 0);
	CHECK_EQ_INT(k.n, 1);
	zpath_keys_free(&k);

	/* Many keys (the array grows). */
	char many[8192] = "";
	for (int i = 0; i < 200; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%d %d 0 1\n", i, i);
	CHECK_EQ_INT(zpath_keys_parse(many, strlen(many), "p.txt", &k, &err), 0);
	CHECK_EQ_INT(k.n, 200);
	CHECK(k.n == 200 && k.key[199].time == 199);
	zpath_keys_free(&k);

	PARSE_ERR("0 0 0 1\n1 0 0 1\nabc\n",
		"path 'p.txt' line 3: expected 4 numbers 'time cx cy zoom', got 'abc'");
	PARSE_ERR("0 0 0 1\n1 0 x2 1\n",
		"path 'p.txt' line 2: expected 4 numbers 'time cx cy zoom', got 'x2'");
	PARSE_ERR("0 0 0 1,\n",
		"path 'p.txt' line 1: expected 4 numbers 'time cx cy zoom', got '1,'");
	PARSE_ERR("0 0 0\n",
		"path 'p.txt' line 1: expected 4 numbers 'time cx cy zoom', got 3");
	PARSE_ERR("# c\n0 0 0 1 5\n",
		"path 'p.txt' line 2: expected 4 numbers 'time cx cy zoom', got 5");
	PARSE_ERR("0 0 nan 1\n", "path 'p.txt' line 1: cy 'nan' is not a finite number");
	PARSE_ERR("inf 0 0 1\n", "path 'p.txt' line 1: time 'inf' is not a finite number");
	PARSE_ERR("0 -1e999 0 1\n", "path 'p.txt' line 1: cx '-1e999' is not a finite number");
	PARSE_ERR("0 0 0 0\n", "path 'p.txt' line 1: zoom '0' must be > 0");
	PARSE_ERR("0 0 0 1\r\n1 0 0 -2\r\n", "path 'p.txt' line 2: zoom '-2' must be > 0");
	PARSE_ERR("-1 0 0 1\n", "path 'p.txt' line 1: time '-1' must be >= 0");
	PARSE_ERR("0 0 0 1\n2 0 0 1\n# x\n\n1.5 0 0 1\n",
		"path 'p.txt' line 5: time '1.5' is not after time '2' on line 2");
	PARSE_ERR("0 0 0 1\n 1.0 0 0 1\n1 0 0 1\n",
		"path 'p.txt' line 3: time '1' is not after time '1.0' on line 2");
	PARSE_ERR("", "path 'p.txt': no keyframes, expected lines 'time cx cy zoom'");
	PARSE_ERR("# nothing\r\n\r\n  \n", "path 'p.txt': no keyframes, expected lines 'time cx cy zoom'");

	/* A NUL byte is refused as the txt reader refuses it, never the end of the text. */
	const char nul[] = "0 0 0 1\n1 0\0 0 1\n";
	CHECK_EQ_INT(zpath_keys_parse(nul, sizeof nul - 1, "p.txt", &k, &err), -1);
	CHECK_STR(err.msg, "path 'p.txt' line 2: NUL byte (not a text file)");
	CHECK(k.n == 0 && k.key == NULL);

	/* An overlong token is quoted cut short. */
	char lng[400];
	memset(lng, '7', 300);
	strcpy(lng + 300, " 0 0 1\n");
	CHECK_EQ_INT(zpath_keys_parse(lng, strlen(lng), "p.txt", &k, &err), -1);
	CHECK(strstr(err.msg, "path 'p.txt' line 1: expected 4 numbers 'time cx cy zoom', got '777") == err.msg);
	CHECK(strstr(err.msg, "...'") != NULL);
}

static void test_keys_load(void)
{
	char path[] = "/tmp/test_zpath_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	const char text[] = "0 0 0 1\n2 5 5 3\n";
	CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fd);
	struct zpath_keys k;
	struct ap_err err = { "" };
	CHECK_EQ_INT(zpath_file_load(path, &k, &err), 0);
	CHECK_EQ_INT(k.n, 2);
	zpath_keys_free(&k);
	unlink(path);
	CHECK_EQ_INT(zpath_file_load("/nonexistent/p.txt", &k, &err), -1);
	CHECK_STR(err.msg, "path '/nonexistent/p.txt': No such file or directory");
	/* 16 MiB and more is refused, a file of exactly 16 MiB too (as before) */
	char big[] = "/tmp/test_zpath_XXXXXX";
	fd = mkstemp(big);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)ZPATH_FILE_MAX) == 0);
	if (fd >= 0)
		close(fd);
	CHECK_EQ_INT(zpath_file_load(big, &k, &err), -1);
	CHECK(strstr(err.msg, "': larger than 16777216 bytes") != NULL);
	unlink(big);
	CHECK_EQ_INT(zpath_file_load("/tmp", &k, &err), -1);
	CHECK_STR(err.msg, "path '/tmp': read error");
	CHECK(k.n == 0 && k.key == NULL);
}

static void test_keys_eval(void)
{
	const char text[] = "0.5 0 0 1\n1 10 0 1\n2.25 10 5 8\n4 -3 1.25 0.3\n";
	struct zpath_keys k;
	struct ap_err err = { "" };
	CHECK_EQ_INT(zpath_keys_parse(text, sizeof text - 1, "p.txt", &k, &err), 0);
	const double s0 = 37.3;
	const int W = 801;
	int exact = 1;
	for (int e = 0; e < TWEEN_EASE_COUNT; e++) {
		for (size_t i = 0; i < k.n; i++) {
			struct cam c;
			zpath_keys_eval(&k, k.key[i].time, s0, W, e, &c);
			if (memcmp(&c, &k.key[i].cam, sizeof c) != 0)
				exact = 0;
		}
	}
	CHECK(exact);
	struct cam c;
	zpath_keys_eval(&k, 0, s0, W, TWEEN_EASE_LINEAR, &c);
	CHECK(memcmp(&c, &k.key[0].cam, sizeof c) == 0);
	zpath_keys_eval(&k, -5, s0, W, TWEEN_EASE_LINEAR, &c);
	CHECK(memcmp(&c, &k.key[0].cam, sizeof c) == 0);
	zpath_keys_eval(&k, 99, s0, W, TWEEN_EASE_LINEAR, &c);
	CHECK(memcmp(&c, &k.key[3].cam, sizeof c) == 0);

	/* Between keys: the van Wijk path of that segment at the eased local time. */
	double v0[3], v1[3], v[3];
	struct zpath p;
	zpath_cam_to_view(&k.key[1].cam, s0, W, v0);
	zpath_cam_to_view(&k.key[2].cam, s0, W, v1);
	zpath_init(&p, v0, v1, 0);
	double t = 1 + 0.25 * 1.25;     /* local 0.25 */
	zpath_eval(&p, 0.25, v);
	zpath_keys_eval(&k, t, s0, W, TWEEN_EASE_LINEAR, &c);
	CHECK_NEAR(c.cx, v[0], 1e-12);
	CHECK_NEAR(c.cy, v[1], 1e-12);
	CHECK_NEAR(c.zoom, W / (s0 * v[2]), 1e-12);
	zpath_eval(&p, 0.0625, v);      /* quad-in of 0.25 */
	zpath_keys_eval(&k, t, s0, W, TWEEN_EASE_QUAD_IN, &c);
	CHECK_NEAR(c.cx, v[0], 1e-12);
	CHECK_NEAR(c.zoom, W / (s0 * v[2]), 1e-12);

	/* The long pan of segment 0 -> 1 (10 units in a 21-unit view) zooms out mid-way. */
	zpath_keys_eval(&k, 0.75, s0, W, TWEEN_EASE_CUBIC_IN_OUT, &c);
	CHECK(c.zoom < 1);
	CHECK_NEAR(c.cx, 5, 1e-9);

	/* Sampled densely, the camera never jumps (continuity across keys). */
	struct cam prev;
	zpath_keys_eval(&k, 0, s0, W, TWEEN_EASE_SINE_IN_OUT, &prev);
	int smooth = 1;
	for (int i = 1; i <= 4000; i++) {
		zpath_keys_eval(&k, i / 1000.0, s0, W, TWEEN_EASE_SINE_IN_OUT, &c);
		if (fabs(c.cx - prev.cx) > 0.05 || fabs(c.cy - prev.cy) > 0.05
			|| fabs(log(c.zoom / prev.zoom)) > 0.05)
			smooth = 0;
		prev = c;
	}
	CHECK(smooth);

	/* rho on the keys reaches the segments. */
	struct cam c_hi;
	k.rho = 3;
	zpath_keys_eval(&k, 0.75, s0, W, TWEEN_EASE_LINEAR, &c_hi);
	k.rho = 0;
	zpath_keys_eval(&k, 0.75, s0, W, TWEEN_EASE_LINEAR, &c);
	CHECK(c_hi.zoom < c.zoom);
	zpath_keys_free(&k);
}

int main(void)
{
	test_d3();
	test_shape();
	test_pure_zoom();
	test_cam_view();
	test_keys_parse();
	test_keys_load();
	test_keys_eval();
	return t_done();
}
