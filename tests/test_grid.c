/* core/grid: the exact assignment against brute force, the grid's shape and limits, a
 * layout on a grid mapping to itself, valid and deterministic heuristic and random
 * assignments, nearest neighbours against brute force and the score; and the layout
 * writer (io/lay) the command writes the grid with. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grid.h"
#include "io/load.h"
#include "t_files.h"

static uint64_t rng = 88172645463325252u;

static double unit(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* ---- grid_lap ------------------------------------------------------------------------ */

/* The least sum over injective row -> column maps, by trying them all. */
static double brute_lap(const double *cost, size_t nr, size_t nc, size_t row, uint8_t *used, double sum)
{
	if (row == nr)
		return sum;
	double best = INFINITY;
	for (size_t j = 0; j < nc; j++) {
		if (used[j])
			continue;
		used[j] = 1;
		double s = brute_lap(cost, nr, nc, row + 1, used, sum + cost[row * nc + j]);
		used[j] = 0;
		if (s < best)
			best = s;
	}
	return best;
}

/* col4row is injective into [0, nc); returns its sum. */
static double lap_sum(const double *cost, size_t nr, size_t nc, const uint32_t *col4row, int *valid)
{
	uint8_t used[16] = { 0 };
	double sum = 0;
	*valid = 1;
	for (size_t i = 0; i < nr; i++) {
		if (col4row[i] >= nc || used[col4row[i]])
			*valid = 0;
		else
			used[col4row[i]] = 1;
		sum += cost[i * nc + (col4row[i] < nc ? col4row[i] : 0)];
	}
	return sum;
}

static void test_lap_brute(void)
{
	double cost[8 * 8];
	uint32_t asg[8];
	uint8_t used[8];
	int bad = 0, invalid = 0, cases = 0;
	for (size_t nc = 1; nc <= 7; nc++)
		for (size_t nr = 1; nr <= nc; nr++)
			for (int rep = 0; rep < 12; rep++) {
				/* small integers (many ties, exact sums), or any doubles */
				for (size_t i = 0; i < nr * nc; i++)
					cost[i] = rep % 2 ? floor(unit() * 5) : unit() * 100 - 20;
				memset(used, 0, sizeof used);
				double want = brute_lap(cost, nr, nc, 0, used, 0);
				CHECK_EQ_INT(grid_lap(cost, nr, nc, asg), 0);
				int valid;
				double got = lap_sum(cost, nr, nc, asg, &valid);
				invalid += !valid;
				bad += rep % 2 ? got != want : fabs(got - want) > 1e-9;
				cases++;
			}
	CHECK_EQ_INT(invalid, 0);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(cases, 28 * 12);

	/* a known case: the anti-diagonal is the only optimum */
	const double c3[9] = { 9, 9, 1, 9, 1, 9, 1, 9, 9 };
	CHECK_EQ_INT(grid_lap(c3, 3, 3, asg), 0);
	CHECK(asg[0] == 2 && asg[1] == 1 && asg[2] == 0);
	/* all costs equal: still a valid assignment, the same each time */
	const double flat[12] = { 0 };
	uint32_t again[3];
	CHECK_EQ_INT(grid_lap(flat, 3, 4, asg), 0);
	CHECK_EQ_INT(grid_lap(flat, 3, 4, again), 0);
	int valid;
	lap_sum(flat, 3, 4, asg, &valid);
	CHECK(valid);
	CHECK(memcmp(asg, again, sizeof again) == 0);
}

/* ---- shape and limits ------------------------------------------------------------------ */

static void check_shape(size_t n, size_t cols, size_t rows, size_t want_c, size_t want_r)
{
	struct grid_desc d = { .cols = cols, .rows = rows }, out;
	CHECK_OK(grid_resolve(&d, n, &out, &err));
	CHECK_EQ_INT(out.cols, want_c);
	CHECK_EQ_INT(out.rows, want_r);
}

static void test_resolve(void)
{
	check_shape(1, 0, 0, 1, 1);
	check_shape(2, 0, 0, 2, 1);
	check_shape(4, 0, 0, 2, 2);
	check_shape(5, 0, 0, 3, 2);
	check_shape(7, 0, 0, 3, 3);
	check_shape(2000, 0, 0, 45, 45);
	check_shape(2025, 0, 0, 45, 45);
	check_shape(2026, 0, 0, 46, 45);
	check_shape(70000, 0, 0, 265, 265);
	check_shape(70000, 100, 0, 100, 700);
	check_shape(70001, 100, 0, 100, 701);
	check_shape(70000, 0, 3, 23334, 3);
	check_shape(10, 20, 30, 20, 30);

	struct grid_desc d = { 0 }, out;
	CHECK_OK(grid_resolve(&d, GRID_AUTO_EXACT_MAX, &out, &err));
	CHECK_EQ_INT(out.method, GRID_EXACT);
	CHECK_OK(grid_resolve(&d, GRID_AUTO_EXACT_MAX + 1, &out, &err));
	CHECK_EQ_INT(out.method, GRID_HEURISTIC);
	/* auto leaves a matrix over the limit to the heuristic, even for few points */
	d = (struct grid_desc){ .cols = 4096, .rows = 4096 };
	CHECK_OK(grid_resolve(&d, 2, &out, &err));
	CHECK_EQ_INT(out.method, GRID_HEURISTIC);
	d.method = GRID_RANDOM;
	CHECK_OK(grid_resolve(&d, 2, &out, &err));
	CHECK_EQ_INT(out.method, GRID_RANDOM);

	d = (struct grid_desc){ .cols = 10, .rows = 10 };
	CHECK_ERR(grid_resolve(&d, 101, &out, &err), "grid 10x10 has 100 cells, fewer than the 101 points");
	d = (struct grid_desc){ .cols = 4097, .rows = 4096 };
	CHECK_ERR(grid_resolve(&d, 5, &out, &err), "grid 4097x4096: more than the limit of 16777216 cells");
	d = (struct grid_desc){ .rows = 1 };
	CHECK_ERR(grid_resolve(&d, GRID_MAX_CELLS + 1, &out, &err),
		  "grid 16777217x1: more than the limit of 16777216 cells");
	CHECK_ERR(grid_check_shape(0, 5, &err), "grid 0x5: no cells");
	CHECK_ERR(grid_check_shape(SIZE_MAX, 2, &err), "grid 18446744073709551615x2: more than the limit of 16777216 cells");
	CHECK_OK(grid_check_shape(4096, 4096, &err));
	d = (struct grid_desc){ .method = GRID_EXACT };
	CHECK_ERR(grid_resolve(&d, 4097, &out, &err), "method exact: 4097 points by 4160 cells, more than the limit "
		  "of 16777216 cost entries (the heuristic has no such limit)");
	d.cols = 4096;
	CHECK_OK(grid_resolve(&d, 4096, &out, &err));
	CHECK_EQ_INT(out.rows, 1);
	d = (struct grid_desc){ .cols = 1024, .rows = 1025, .method = GRID_EXACT };
	CHECK_ERR(grid_resolve(&d, 8, &out, &err), "method exact: 1049600 cells, more than the limit of 1048576 "
		  "(the heuristic has no such limit)");
	d.rows = 1024;
	CHECK_OK(grid_resolve(&d, 8, &out, &err));
	d.method = GRID_AUTO;
	CHECK_OK(grid_resolve(&d, 8, &out, &err));
	CHECK_EQ_INT(out.method, GRID_EXACT);
	d.rows = 1025;
	CHECK_OK(grid_resolve(&d, 8, &out, &err));
	CHECK_EQ_INT(out.method, GRID_HEURISTIC);

	CHECK_STR(grid_method_names[GRID_HEURISTIC], "heuristic");
}

/* ---- assignments ------------------------------------------------------------------------ */

static int assign(const double *xy, size_t n, size_t cols, size_t rows, enum grid_method m, uint32_t *cell)
{
	struct grid_desc d = { .cols = cols, .rows = rows, .method = m }, out;
	if (grid_resolve(&d, n, &out, &err))
		return -1;
	return grid_assign(xy, n, &out, cell, &err);
}

/* Every point in its own cell of the grid. */
static int valid_cells(const uint32_t *cell, size_t n, size_t cells)
{
	uint8_t *used = calloc(cells, 1);
	int ok = used != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		if (cell[i] >= cells || used[cell[i]])
			ok = 0;
		else
			used[cell[i]] = 1;
	}
	free(used);
	return ok;
}

/* Points at (col, -row) of a cols×rows grid (filled up to n, in a shuffled order) map
 * to their own cells, whatever the scale and offset of the layout. */
static void test_identity(size_t cols, size_t rows, size_t n, enum grid_method m, double scale, double dx)
{
	double *xy = malloc(2 * n * sizeof *xy);
	uint32_t *want = malloc(n * sizeof *want), *cell = malloc(n * sizeof *cell);
	for (size_t i = 0; i < n; i++)
		want[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t k = (size_t)(unit() * (double)(i + 1));
		uint32_t t = want[i];
		want[i] = want[k];
		want[k] = t;
	}
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = (double)(want[i] % cols) * scale + dx;
		xy[2 * i + 1] = -(double)(want[i] / cols) * scale + dx;
	}
	CHECK_OK(assign(xy, n, cols, rows, m, cell));
	size_t wrong = 0;
	for (size_t i = 0; i < n; i++)
		wrong += cell[i] != want[i];
	CHECK_EQ_INT(wrong, 0);
	struct grid_desc d = { .cols = cols, .rows = rows, .method = m };
	if (scale == 1)
		CHECK(grid_cost(xy, n, &d, cell) == 0);
	free(xy);
	free(want);
	free(cell);
}

/* Try every injective map of n points into the cells: the least grid_cost. */
static double brute_grid(const double *xy, size_t n, const struct grid_desc *d, uint32_t *cell, size_t at,
			 uint8_t *used)
{
	size_t cells = d->cols * d->rows;
	if (at == n)
		return grid_cost(xy, n, d, cell);
	double best = INFINITY;
	for (size_t c = 0; c < cells; c++) {
		if (used[c])
			continue;
		used[c] = 1;
		cell[at] = (uint32_t)c;
		double s = brute_grid(xy, n, d, cell, at + 1, used);
		used[c] = 0;
		if (s < best)
			best = s;
	}
	return best;
}

static void test_exact_brute(void)
{
	static const size_t shapes[][3] = { { 3, 2, 6 }, { 3, 2, 5 }, { 3, 3, 7 }, { 4, 2, 6 }, { 1, 5, 4 }, { 5, 1, 5 } };
	int bad = 0;
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (int rep = 0; rep < 4; rep++) {
			size_t cols = shapes[s][0], rows = shapes[s][1], n = shapes[s][2];
			double xy[2 * 9];
			uint32_t cell[9], scratch[9];
			uint8_t used[16] = { 0 };
			for (size_t i = 0; i < 2 * n; i++)
				xy[i] = unit() * 10 - 3;
			struct grid_desc d = { cols, rows, GRID_EXACT };
			CHECK_OK(grid_assign(xy, n, &d, cell, &err));
			CHECK(valid_cells(cell, n, cols * rows));
			double want = brute_grid(xy, n, &d, scratch, 0, used);
			double got = grid_cost(xy, n, &d, cell);
			if (fabs(got - want) > 1e-9 * (1 + want)) {
				fprintf(stderr, "  %zux%zu, %zu points: cost %.12g, brute force %.12g\n", cols, rows, n, got, want);
				bad++;
			}
		}
	CHECK_EQ_INT(bad, 0);
}

/* A clustered layout like an embedding's: blobs of different sizes and a few outliers. */
static double *clusters(size_t n)
{
	double *xy = malloc(2 * n * sizeof *xy);
	for (size_t i = 0; i < n; i++) {
		size_t c = i % 7;
		double r = sqrt(unit()) * (0.5 + (double)c * 0.3), a = unit() * 6.283185307179586;
		xy[2 * i] = (double)(c % 3) * 4 + r * cos(a) + (i % 97 == 0 ? 30 : 0);
		xy[2 * i + 1] = (double)(c / 3) * 3.5 + r * sin(a);
	}
	return xy;
}

static void test_valid(void)
{
	size_t n = 1000;
	double *xy = clusters(n);
	uint32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	static const size_t shapes[][2] = { { 0, 0 }, { 40, 40 }, { 1000, 1 }, { 1, 1000 }, { 7, 0 }, { 60, 50 } };
	for (int m = GRID_HEURISTIC; m <= GRID_RANDOM; m++)
		for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
			struct grid_desc d = { shapes[s][0], shapes[s][1], (enum grid_method)m }, r;
			CHECK_OK(grid_resolve(&d, n, &r, &err));
			CHECK_OK(grid_assign(xy, n, &r, a, &err));
			CHECK(valid_cells(a, n, r.cols * r.rows));
			CHECK_OK(grid_assign(xy, n, &r, b, &err));
			CHECK(memcmp(a, b, n * sizeof *a) == 0);
		}
	/* the heuristic's cost is far below the random one's, and keeps neighbours */
	struct grid_desc d = { 35, 35, GRID_HEURISTIC };
	double score_h, score_r, *g = malloc(2 * n * sizeof *g);
	CHECK_OK(grid_assign(xy, n, &d, a, &err));
	double cost_h = grid_cost(xy, n, &d, a);
	grid_cells_xy(a, n, d.cols, g);
	CHECK_OK(grid_knn_kept(xy, g, n, 10, &score_h, &err));
	d.method = GRID_RANDOM;
	CHECK_OK(grid_assign(xy, n, &d, b, &err));
	grid_cells_xy(b, n, d.cols, g);
	CHECK_OK(grid_knn_kept(xy, g, n, 10, &score_r, &err));
	CHECK(cost_h < grid_cost(xy, n, &d, b));
	CHECK(score_h > 0.3);
	CHECK(score_r < 0.02);
	/* all points at one place, and on one line: valid, no NaN */
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = 5;
		xy[2 * i + 1] = i % 2 ? 7 : 7 + (double)i * 1e-3;
	}
	for (int line = 0; line < 2; line++) {
		d = (struct grid_desc){ 40, 40, GRID_HEURISTIC };
		CHECK_OK(grid_assign(xy, n, &d, a, &err));
		CHECK(valid_cells(a, n, 1600));
		CHECK(isfinite(grid_cost(xy, n, &d, a)));
		for (size_t i = 0; i < n; i++)
			xy[2 * i + 1] = 7;
	}
	d = (struct grid_desc){ 3, 3, GRID_EXACT };
	CHECK_OK(grid_assign(xy, 9, &d, a, &err));
	CHECK(valid_cells(a, 9, 9));
	/* one point */
	d = (struct grid_desc){ 1, 1, GRID_HEURISTIC };
	CHECK_OK(grid_assign(xy, 1, &d, a, &err));
	CHECK_EQ_INT(a[0], 0);
	free(xy);
	free(g);
	free(a);
	free(b);
}

static void test_cells_xy(void)
{
	const uint32_t cell[4] = { 0, 4, 5, 11 };
	double xy[8];
	grid_cells_xy(cell, 4, 5, xy);
	CHECK(xy[0] == 0 && xy[1] == 0 && !signbit(xy[1]));
	CHECK(xy[2] == 4 && xy[3] == 0 && !signbit(xy[3]));
	CHECK(xy[4] == 0 && xy[5] == -1);
	CHECK(xy[6] == 1 && xy[7] == -2);
}

/* ---- neighbours ------------------------------------------------------------------------- */

struct cand {
	double d2;
	uint32_t i;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->d2 != y->d2)
		return x->d2 < y->d2 ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static size_t knn_mismatches(const double *xy, size_t n, size_t k)
{
	uint32_t *nn = malloc(n * k * sizeof *nn);
	struct cand *c = malloc(n * sizeof *c);
	size_t bad = 0;
	CHECK_OK(grid_knn(xy, n, k, nn, &err));
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			double dx = xy[2 * j] - xy[2 * i], dy = xy[2 * j + 1] - xy[2 * i + 1];
			c[m++] = (struct cand){ dx * dx + dy * dy, (uint32_t)j };
		}
		qsort(c, m, sizeof *c, cand_cmp);
		for (size_t t = 0; t < k; t++)
			bad += nn[i * k + t] != c[t].i;
	}
	free(nn);
	free(c);
	return bad;
}

static void test_knn(void)
{
	size_t n = 700;
	double *xy = clusters(n);
	CHECK_EQ_INT(knn_mismatches(xy, n, 10), 0);
	CHECK_EQ_INT(knn_mismatches(xy, 40, 39), 0);
	/* a lattice: ties everywhere, broken by index */
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = (double)(i % 23);
		xy[2 * i + 1] = (double)(i / 23 % 11);   /* several points on each place */
	}
	CHECK_EQ_INT(knn_mismatches(xy, n, 10), 0);
	/* a line, and a far outlier */
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = unit();
		xy[2 * i + 1] = 0;
	}
	xy[0] = 1e6;
	CHECK_EQ_INT(knn_mismatches(xy, n, 10), 0);
	CHECK_EQ_INT(knn_mismatches(xy, 2, 1), 0);

	/* the score: 1 for itself and for a scaled, shifted copy; 0 for a pairing that
	 * swaps the two ends of a line of four */
	double s, *g = clusters(n), *b = malloc(2 * n * sizeof *b);
	for (size_t i = 0; i < 2 * n; i++)
		b[i] = g[i] * 3 + 100;
	CHECK_OK(grid_knn_kept(g, g, n, 10, &s, &err));
	CHECK(s == 1);
	CHECK_OK(grid_knn_kept(g, b, n, 10, &s, &err));
	CHECK(s == 1);
	const double l1[8] = { 0, 0, 1, 0, 3, 0, 6, 0 }, l2[8] = { 0, 0, 10, 0, 1, 0, 11, 0 };
	/* k = 1: 0->1, 1->0, 2->1, 3->2 in l1; 0->2, 1->3, 2->0, 3->1 in l2 */
	CHECK_OK(grid_knn_kept(l1, l2, 4, 1, &s, &err));
	CHECK(s == 0);
	/* k = 2: l1 {1,2} {0,2} {1,0} {2,1} (point 2's tie at 3 goes to index 0); l2 {2,1}
	 * {3,2} {0,1} {1,2}: 2 + 1 + 2 + 2 of 8 */
	CHECK_OK(grid_knn_kept(l1, l2, 4, 2, &s, &err));
	CHECK(s == 0.875);
	CHECK_OK(grid_knn_kept(l1, l2, 1, 10, &s, &err));
	CHECK(s == 1);
	/* k is cut to n - 1: every other point is a neighbour */
	CHECK_OK(grid_knn_kept(l1, l2, 4, 10, &s, &err));
	CHECK(s == 1);
	free(xy);
	free(g);
	free(b);
}

/* ---- the layout writer ------------------------------------------------------------------- */

static void test_write(void)
{
	const double xy[6] = { 0, 0, 12, -3, 0.1, -1e-300 };
	const int32_t lab[3] = { 7, 0, 2147483647 };
	struct ap_layout l = { 3, (double *)xy, NULL }, back;
	char buf[256];

	/* the NPY header numpy 1.24's np.save writes: dict, spaces, newline, data at 128 */
	size_t shape[2] = { 3, 2 };
	size_t hl = npy_header(buf, sizeof buf, "<f8", shape, 2);
	const char want[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } ";
	CHECK_EQ_INT(hl, 128);
	CHECK(memcmp(buf, want, sizeof want - 1) == 0 && buf[127] == '\n' && buf[126] == ' ');
	size_t one = 70000;
	CHECK_EQ_INT(npy_header(buf, sizeof buf, "<u1", &one, 1), 128);
	CHECK(memcmp(buf + 10, "{'descr': '<u1', 'fortran_order': False, 'shape': (70000,), }", 61) == 0);
	CHECK_EQ_INT(npy_header(buf, 100, "<f8", shape, 2), 0);

	CHECK_OK(lay_write(P("g.npy"), &l, &err));
	CHECK_OK(lay_load(P("g.npy"), 0, &back, &err));
	CHECK(back.n == 3 && memcmp(back.xy, xy, sizeof xy) == 0 && !back.label);
	lay_free(&back);
	FILE *f = fopen(P("g.npy"), "rb");
	size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	CHECK_EQ_INT(got, 128 + 48);
	CHECK(buf[128 + 8] == 0 && (uint8_t)buf[128 + 23] == 0x40);   /* 12.0 little-endian: 00 .. 00 28 40 */

	l.label = (int32_t *)lab;
	CHECK_OK(lay_write(P("g.csv"), &l, &err));
	f = fopen(P("g.csv"), "rb");
	got = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[got] = 0;
	CHECK_STR(buf, "x,y,label\n0,0,7\n12,-3,0\n0.1,-1e-300,2147483647\n");
	CHECK_OK(lay_load(P("g.csv"), 0, &back, &err));
	CHECK(back.n == 3 && memcmp(back.xy, xy, sizeof xy) == 0 && back.label && back.label[2] == 2147483647);
	lay_free(&back);
	l.label = NULL;
	CHECK_OK(lay_write(P("G.CSV"), &l, &err));
	CHECK_OK(lay_load(P("G.CSV"), 0, &back, &err));
	CHECK(back.n == 3 && !back.label);
	lay_free(&back);
	CHECK_ERR(lay_write(P("none/g.npy"), &l, &err), "output '%s': No such file or directory", P("none/g.npy"));
	unlink(P("g.npy"));
	unlink(P("g.csv"));
	unlink(P("G.CSV"));
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/ap_test_grid_XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	test_lap_brute();
	test_resolve();
	test_exact_brute();
	test_identity(7, 5, 35, GRID_EXACT, 1, 0);
	test_identity(7, 5, 33, GRID_EXACT, 2.5, -40);   /* the last row part full */
	test_identity(40, 30, 1200, GRID_HEURISTIC, 1, 0);
	test_identity(40, 30, 1200, GRID_EXACT, 0.01, 3);
	test_identity(61, 47, 61 * 47 - 20, GRID_HEURISTIC, 1, 0);
	test_identity(1, 9, 9, GRID_HEURISTIC, 1, 0);
	test_identity(700, 1, 700, GRID_HEURISTIC, 1, 0);
	test_valid();
	test_cells_xy();
	test_knn();
	test_write();
	rmdir(dir);
	return t_done();
}
