#include "core/grid.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cam.h"

#define NONE UINT32_MAX

const char *const grid_method_names[GRID_METHOD_COUNT] = {
	[GRID_AUTO] = "auto",
	[GRID_EXACT] = "exact",
	[GRID_HEURISTIC] = "heuristic",
	[GRID_RANDOM] = "random",
};

int grid_check_shape(size_t cols, size_t rows, struct ap_err *err)
{
	size_t cells;
	if (!cols || !rows)
		return ap_errf(err, "grid %zux%zu: no cells", cols, rows);
	if (ap_mul_size(cols, rows, &cells) < 0 || cells > GRID_MAX_CELLS)
		return ap_errf(err, "grid %zux%zu: more than the limit of %zu cells", cols, rows, GRID_MAX_CELLS);
	return 0;
}

static size_t div_up(size_t a, size_t b)
{
	return a / b + (a % b != 0);
}

int grid_resolve(const struct grid_desc *d, size_t n, struct grid_desc *out, struct ap_err *err)
{
	assert(n > 0);
	*out = *d;
	if (!out->cols && !out->rows) {
		size_t c = (size_t)sqrt((double)n);
		while (c * c < n)
			c++;
		while (c > 1 && (c - 1) * (c - 1) >= n)
			c--;
		out->cols = c;
	}
	if (!out->rows)
		out->rows = div_up(n, out->cols);
	else if (!out->cols)
		out->cols = div_up(n, out->rows);
	if (grid_check_shape(out->cols, out->rows, err))
		return -1;
	size_t cells = out->cols * out->rows, entries;
	if (cells < n)
		return ap_errf(err, "grid %zux%zu has %zu cells, fewer than the %zu points",
			out->cols, out->rows, cells, n);
	bool entries_fit = ap_mul_size(n, cells, &entries) == 0 && entries <= GRID_EXACT_MAX_ENTRIES;
	bool cells_fit = cells <= GRID_EXACT_MAX_CELLS;
	if (out->method == GRID_AUTO)
		out->method = entries_fit && cells_fit && n <= GRID_AUTO_EXACT_MAX ? GRID_EXACT : GRID_HEURISTIC;
	if (out->method == GRID_EXACT && !entries_fit)
		return ap_errf(err, "method exact: %zu points by %zu cells, more than the limit of %zu cost entries "
			"(the heuristic has no such limit)", n, cells, GRID_EXACT_MAX_ENTRIES);
	if (out->method == GRID_EXACT && !cells_fit)
		return ap_errf(err, "method exact: %zu cells, more than the limit of %zu (the heuristic has no such "
			"limit)", cells, GRID_EXACT_MAX_CELLS);
	return 0;
}

/* Where the layout goes in the grid's units: scaled by s about its box centre (mx, my)
 * onto the centre of the grid (hx, hy), rows downwards. */
struct place {
	double mx, my, s, hx, hy;
};

static struct place place_of(const double *xy, size_t n, size_t cols, size_t rows)
{
	struct cam_box b;
	struct place p = { 0, 0, INFINITY, 0.5 * (double)cols, 0.5 * (double)rows };
	cam_bounds(xy, n, &b);
	p.mx = 0.5 * (b.x0 + b.x1);
	p.my = 0.5 * (b.y0 + b.y1);
	/* a side of one cell does not constrain the scale (that axis collapses anyway); a
	 * side narrower than a double can scale to a cell does not either */
	double sx = (double)(cols - 1) / (b.x1 - b.x0), sy = (double)(rows - 1) / (b.y1 - b.y0);
	if (cols > 1 && b.x1 > b.x0 && isfinite(sx))
		p.s = sx;
	if (rows > 1 && b.y1 > b.y0 && isfinite(sy) && sy < p.s)
		p.s = sy;
	if (!isfinite(p.s))
		p.s = 0;
	return p;
}

static void place_point(const struct place *p, double x, double y, double *gx, double *gy)
{
	*gx = p->hx + (x - p->mx) * p->s;
	*gy = p->hy - (y - p->my) * p->s;
}

static double cell_d2(double gx, double gy, size_t col, size_t row)
{
	double dx = gx - ((double)col + 0.5), dy = gy - ((double)row + 0.5);
	return dx * dx + dy * dy;
}

double grid_cost(const double *xy, size_t n, const struct grid_desc *d, const uint32_t *cell)
{
	struct place p = place_of(xy, n, d->cols, d->rows);
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		double gx, gy;
		place_point(&p, xy[2 * i], xy[2 * i + 1], &gx, &gy);
		sum += cell_d2(gx, gy, cell[i] % d->cols, cell[i] / d->cols);
	}
	return sum;
}

void grid_cells_xy(const uint32_t *cell, size_t n, size_t cols, double *xy)
{
	for (size_t i = 0; i < n; i++) {
		xy[2 * i] = (double)(cell[i] % cols);
		double row = (double)(cell[i] / cols);
		xy[2 * i + 1] = row > 0 ? -row : 0.0;   /* +0, not -0: the same bytes as a 0 read back */
	}
}

/* ---- exact assignment -------------------------------------------------------------- */

int grid_lap(const double *cost, size_t nr, size_t nc, uint32_t *col4row)
{
	assert(nr <= nc && nc < NONE);
	if (!nr)
		return 0;
	double *u = calloc(nr, sizeof *u), *v = calloc(nc, sizeof *v), *spc = malloc(nc * sizeof *spc);
	uint32_t *path = malloc(nc * sizeof *path), *row4col = malloc(nc * sizeof *row4col);
	uint32_t *remaining = malloc(nc * sizeof *remaining), *seen_rows = malloc(nr * sizeof *seen_rows);
	uint8_t *sc = malloc(nc);
	int rc = -1;
	if (!u || !v || !spc || !path || !row4col || !remaining || !seen_rows || !sc)
		goto out_free;
	for (size_t j = 0; j < nc; j++)
		row4col[j] = NONE;
	for (size_t i = 0; i < nr; i++)
		col4row[i] = NONE;
	for (size_t cur = 0; cur < nr; cur++) {
		/* Dijkstra over the reduced costs from row cur to the nearest free column */
		double minval = 0;
		size_t nrem = nc, nseen = 0;
		uint32_t i = (uint32_t)cur, sink = NONE;
		for (size_t it = 0; it < nc; it++) {
			remaining[it] = (uint32_t)(nc - it - 1);
			spc[it] = INFINITY;
		}
		memset(sc, 0, nc);
		while (sink == NONE) {
			size_t index = 0;
			double lowest = INFINITY;
			const double *ci = cost + (size_t)i * nc;
			double ui = u[i];
			seen_rows[nseen++] = i;
			for (size_t it = 0; it < nrem; it++) {
				uint32_t j = remaining[it];
				double r = minval + ci[j] - ui - v[j];
				if (r < spc[j]) {
					path[j] = i;
					spc[j] = r;
				}
				if (spc[j] < lowest || (spc[j] == lowest && row4col[j] == NONE)) {
					lowest = spc[j];
					index = it;
				}
			}
			minval = lowest;
			uint32_t j = remaining[index];
			if (row4col[j] == NONE)
				sink = j;
			else
				i = row4col[j];
			sc[j] = 1;
			remaining[index] = remaining[--nrem];
		}
		/* the dual update keeps every reduced cost non-negative */
		u[cur] += minval;
		for (size_t s = 1; s < nseen; s++) {
			uint32_t r = seen_rows[s];
			u[r] += minval - spc[col4row[r]];
		}
		for (size_t j = 0; j < nc; j++)
			if (sc[j])
				v[j] -= minval - spc[j];
		/* augment along the path back to row cur */
		uint32_t j = sink;
		for (;;) {
			uint32_t r = path[j];
			row4col[j] = r;
			uint32_t t = col4row[r];
			col4row[r] = j;
			j = t;
			if (r == cur)
				break;
		}
	}
	rc = 0;
out_free:
	free(u);
	free(v);
	free(spc);
	free(path);
	free(row4col);
	free(remaining);
	free(seen_rows);
	free(sc);
	return rc;
}

/* ---- blocks of cells solved exactly (the exact method is the one block of the grid) -- */

struct solver {
	const double *p;         /* the points in grid units, interleaved */
	size_t cols, rows;
	uint32_t *cell;          /* the result, per point */
	double *cost;            /* a block's matrix */
	uint32_t *bcell, *asg;   /* a block's cells and its points' columns */
	struct key { double v; uint32_t i; } *keys;
};

/* The map x -> x*ax + bx, y -> y*ay + by that stretches the box of pts onto the centres
 * of the cells [c0,c1)×[r0,r1), each axis on its own (a side of one cell, or of points
 * all on one line, goes to the block's middle). */
static void stretch(const struct solver *s, const uint32_t *pts, size_t npts, size_t c0, size_t c1, size_t r0,
		    size_t r1, double m[4])
{
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
	for (size_t i = 0; i < npts; i++) {
		double gx = s->p[2 * (size_t)pts[i]], gy = s->p[2 * (size_t)pts[i] + 1];
		x0 = fmin(x0, gx);
		x1 = fmax(x1, gx);
		y0 = fmin(y0, gy);
		y1 = fmax(y1, gy);
	}
	size_t w = c1 - c0, h = r1 - r0;
	m[0] = w > 1 && x1 > x0 ? (double)(w - 1) / (x1 - x0) : 0;
	m[2] = h > 1 && y1 > y0 ? (double)(h - 1) / (y1 - y0) : 0;
	m[1] = (double)c0 + 0.5 * (double)w - m[0] * 0.5 * (x0 + x1);
	m[3] = (double)r0 + 0.5 * (double)h - m[2] * 0.5 * (y0 + y1);
}

/* Solve npts points (pts) over the cells [c0,c1)×[r0,r1), which are at least as many,
 * the points placed as they are, or, with local set and no cell to spare, stretched
 * onto the block (a block with room to spare keeps the places, which say where the
 * empty cells should go). */
static int solve_block(struct solver *s, const uint32_t *pts, size_t npts, size_t c0, size_t c1, size_t r0,
		       size_t r1, bool local)
{
	size_t nc = 0;
	double m[4] = { 1, 0, 1, 0 };
	for (size_t r = r0; r < r1; r++)
		for (size_t c = c0; c < c1; c++)
			s->bcell[nc++] = (uint32_t)(r * s->cols + c);
	assert(npts <= nc);
	if (local && npts == nc)
		stretch(s, pts, npts, c0, c1, r0, r1, m);
	for (size_t i = 0; i < npts; i++) {
		double gx = s->p[2 * (size_t)pts[i]] * m[0] + m[1], gy = s->p[2 * (size_t)pts[i] + 1] * m[2] + m[3];
		double *row = s->cost + i * nc;
		for (size_t j = 0; j < nc; j++)
			row[j] = cell_d2(gx, gy, s->bcell[j] % s->cols, s->bcell[j] / s->cols);
	}
	if (grid_lap(s->cost, npts, nc, s->asg))
		return -1;
	for (size_t i = 0; i < npts; i++)
		s->cell[pts[i]] = s->bcell[s->asg[i]];
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The hierarchical split (see the header): pts[0..n) into [c0,c1)×[r0,r1). */
static int split(struct solver *s, uint32_t *pts, size_t n, size_t c0, size_t c1, size_t r0, size_t r1)
{
	size_t w = c1 - c0, h = r1 - r0;
	if (!n)
		return 0;
	if (w * h <= GRID_BLOCK_CELLS)
		return solve_block(s, pts, n, c0, c1, r0, r1, true);
	int ax = w >= h ? 0 : 1;
	size_t lo = ax ? r0 : c0, hi = ax ? r1 : c1, mid = lo + (hi - lo) / 2;
	size_t ka = (mid - lo) * (ax ? w : h), kb = w * h - ka;
	for (size_t i = 0; i < n; i++)
		s->keys[i] = (struct key){ s->p[2 * (size_t)pts[i] + ax], pts[i] };
	qsort(s->keys, n, sizeof *s->keys, key_cmp);
	/* as many as lie before the cut, as far as both halves have room */
	size_t na = 0;
	for (size_t i = 0; i < n; i++) {
		pts[i] = s->keys[i].i;
		if (s->keys[i].v < (double)mid)
			na = i + 1;
	}
	if (na > ka)
		na = ka;
	if (n - na > kb)
		na = n - kb;
	if (ax)
		return split(s, pts, na, c0, c1, r0, mid) ? -1 : split(s, pts + na, n - na, c0, c1, mid, r1);
	return split(s, pts, na, c0, mid, r0, r1) ? -1 : split(s, pts + na, n - na, mid, c1, r0, r1);
}

/* splitmix64: a fixed stream, so the random baseline is the same every run */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int shuffle(uint32_t *cell, size_t n, size_t cells)
{
	uint32_t *perm = malloc(cells * sizeof *perm);
	uint64_t state = 15;
	if (!perm)
		return -1;
	for (size_t c = 0; c < cells; c++)
		perm[c] = (uint32_t)c;
	for (size_t c = 0; c < n; c++) {
		size_t k = c + (size_t)(mix(&state) % (cells - c));
		uint32_t t = perm[c];
		perm[c] = perm[k];
		perm[k] = t;
		cell[c] = perm[c];
	}
	free(perm);
	return 0;
}

int grid_assign(const double *xy, size_t n, const struct grid_desc *d, uint32_t *cell, struct ap_err *err)
{
	size_t cells = d->cols * d->rows;
	assert(n > 0 && n <= cells && cells <= GRID_MAX_CELLS && d->method != GRID_AUTO);
	if (d->method == GRID_RANDOM)
		return shuffle(cell, n, cells) ? ap_errf(err, "grid: out of memory for %zu cells", cells) : 0;
	bool exact = d->method == GRID_EXACT;
	struct solver s = { .cols = d->cols, .rows = d->rows, .cell = cell };
	struct place pl = place_of(xy, n, d->cols, d->rows);
	size_t bcells = exact ? cells : GRID_BLOCK_CELLS, bpts = exact ? n : GRID_BLOCK_CELLS;
	double *p = malloc(2 * n * sizeof *p);
	uint32_t *pts = malloc(n * sizeof *pts);
	int rc = -1;
	s.cost = malloc(bpts * bcells * sizeof *s.cost);
	s.bcell = malloc(bcells * sizeof *s.bcell);
	s.asg = malloc(bpts * sizeof *s.asg);
	s.keys = exact ? NULL : malloc(n * sizeof *s.keys);
	if (!p || !pts || !s.cost || !s.bcell || !s.asg || (!exact && !s.keys))
		goto out_free;
	for (size_t i = 0; i < n; i++) {
		place_point(&pl, xy[2 * i], xy[2 * i + 1], &p[2 * i], &p[2 * i + 1]);
		pts[i] = (uint32_t)i;
	}
	s.p = p;
	rc = exact ? solve_block(&s, pts, n, 0, d->cols, 0, d->rows, false) : split(&s, pts, n, 0, d->cols, 0, d->rows);
out_free:
	if (rc)
		ap_errf(err, "grid: out of memory for %zu points", n);
	free(p);
	free(pts);
	free(s.cost);
	free(s.bcell);
	free(s.asg);
	free(s.keys);
	return rc;
}

/* ---- nearest neighbours ------------------------------------------------------------ */

/* Points bucketed on a regular grid of about two points a bucket over their box. */
struct buckets {
	double x0, y0, side;
	size_t gx, gy;
	uint32_t *start;         /* gx*gy + 1 offsets into ord */
	uint32_t *ord;           /* point indices, bucket by bucket */
};

static size_t bucket_of(const struct buckets *b, double v, double v0, size_t g)
{
	double f = (v - v0) / b->side;
	size_t k = f > 0 ? (size_t)f : 0;
	return k < g ? k : g - 1;
}

static int buckets_make(const double *xy, size_t n, struct buckets *b)
{
	struct cam_box box;
	cam_bounds(xy, n, &box);
	double w = box.x1 - box.x0, h = box.y1 - box.y0, nb = (double)(n / 2 ? n / 2 : 1);
	double side = w > 0 && h > 0 ? sqrt(w / nb * h) : 0;
	/* a long thin box: no more buckets along a side than the target count */
	side = fmax(side, fmax(w, h) / nb);
	if (!(side > 0) || !isfinite(side))
		side = 1;
	b->x0 = box.x0;
	b->y0 = box.y0;
	b->side = side;
	b->gx = (size_t)fmin(w / side, nb) + 1;
	b->gy = (size_t)fmin(h / side, nb) + 1;
	size_t nbk = b->gx * b->gy;
	b->start = calloc(nbk + 1, sizeof *b->start);
	b->ord = malloc(n * sizeof *b->ord);
	if (!b->start || !b->ord)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t k = bucket_of(b, xy[2 * i + 1], b->y0, b->gy) * b->gx + bucket_of(b, xy[2 * i], b->x0, b->gx);
		b->start[k + 1]++;
	}
	for (size_t k = 0; k < nbk; k++)
		b->start[k + 1] += b->start[k];
	/* fill in index order, so each bucket lists its points by index */
	uint32_t *fill = malloc(nbk * sizeof *fill);
	if (!fill)
		return -1;
	memcpy(fill, b->start, nbk * sizeof *fill);
	for (size_t i = 0; i < n; i++) {
		size_t k = bucket_of(b, xy[2 * i + 1], b->y0, b->gy) * b->gx + bucket_of(b, xy[2 * i], b->x0, b->gx);
		b->ord[fill[k]++] = (uint32_t)i;
	}
	free(fill);
	return 0;
}

struct near {
	double d2;
	uint32_t i;
};

/* Insert (d2, j) into best[0..*cnt) kept sorted by (d2, index), at most k long. */
static void near_add(struct near *best, size_t *cnt, size_t k, double d2, uint32_t j)
{
	size_t at = *cnt;
	if (at == k) {
		if (d2 > best[k - 1].d2 || (d2 == best[k - 1].d2 && j > best[k - 1].i))
			return;
		at = k - 1;
	} else {
		(*cnt)++;
	}
	while (at > 0 && (best[at - 1].d2 > d2 || (best[at - 1].d2 == d2 && best[at - 1].i > j))) {
		best[at] = best[at - 1];
		at--;
	}
	best[at] = (struct near){ d2, j };
}

static void scan_bucket(const struct buckets *b, const double *xy, size_t bx, size_t by, uint32_t self,
			struct near *best, size_t *cnt, size_t k)
{
	size_t bk = by * b->gx + bx;
	double px = xy[2 * (size_t)self], py = xy[2 * (size_t)self + 1];
	for (uint32_t t = b->start[bk]; t < b->start[bk + 1]; t++) {
		uint32_t j = b->ord[t];
		if (j == self)
			continue;
		double dx = xy[2 * (size_t)j] - px, dy = xy[2 * (size_t)j + 1] - py;
		near_add(best, cnt, k, dx * dx + dy * dy, j);
	}
}

static void knn_one(const struct buckets *b, const double *xy, uint32_t self, size_t k, struct near *best)
{
	double px = xy[2 * (size_t)self], py = xy[2 * (size_t)self + 1];
	size_t bx = bucket_of(b, px, b->x0, b->gx), by = bucket_of(b, py, b->y0, b->gy), cnt = 0;
	/* slack for a point that rounding put in the bucket beside its own */
	double slack = b->side * 1e-9;
	for (size_t r = 0;; r++) {
		size_t xa = bx >= r ? bx - r : 0, xb = bx + r < b->gx ? bx + r : b->gx - 1;
		size_t ya = by >= r ? by - r : 0, yb = by + r < b->gy ? by + r : b->gy - 1;
		for (size_t y = ya; y <= yb; y++) {
			if (y + r == by || y == by + r) {
				for (size_t x = xa; x <= xb; x++)
					scan_bucket(b, xy, x, y, self, best, &cnt, k);
				continue;
			}
			/* a row inside the ring: only its two ends are new */
			if (bx >= r)
				scan_bucket(b, xy, bx - r, y, self, best, &cnt, k);
			if (r > 0 && bx + r < b->gx)
				scan_bucket(b, xy, bx + r, y, self, best, &cnt, k);
		}
		/* every point not yet seen lies beyond the block's unclipped sides */
		double reach = INFINITY;
		if (bx >= r + 1)
			reach = fmin(reach, px - (b->x0 + (double)(bx - r) * b->side));
		if (bx + r + 1 < b->gx)
			reach = fmin(reach, b->x0 + (double)(bx + r + 1) * b->side - px);
		if (by >= r + 1)
			reach = fmin(reach, py - (b->y0 + (double)(by - r) * b->side));
		if (by + r + 1 < b->gy)
			reach = fmin(reach, b->y0 + (double)(by + r + 1) * b->side - py);
		if (reach == INFINITY)
			break;
		reach -= slack;
		if (cnt == k && reach > 0 && best[k - 1].d2 < reach * reach)
			break;
	}
}

int grid_knn(const double *xy, size_t n, size_t k, uint32_t *nn, struct ap_err *err)
{
	assert(k > 0 && k < n && n < NONE);
	struct buckets b = { 0 };
	struct near *best = malloc(k * sizeof *best);
	int rc = -1;
	if (!best || buckets_make(xy, n, &b)) {
		ap_errf(err, "neighbours: out of memory for %zu points", n);
		goto out_free;
	}
	for (size_t i = 0; i < n; i++) {
		knn_one(&b, xy, (uint32_t)i, k, best);
		for (size_t t = 0; t < k; t++)
			nn[i * k + t] = best[t].i;
	}
	rc = 0;
out_free:
	free(best);
	free(b.start);
	free(b.ord);
	return rc;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

int grid_knn_kept(const double *a, const double *b, size_t n, size_t k, double *score, struct ap_err *err)
{
	size_t entries;
	if (k >= n)
		k = n - 1;
	if (k == 0) {
		*score = 1;
		return 0;
	}
	if (ap_mul_size(n, k * sizeof(uint32_t), &entries) < 0)
		return ap_errf(err, "neighbours: %zu points by %zu is too many", n, k);
	uint32_t *na = malloc(entries), *nb = malloc(entries);
	int rc = -1;
	if (!na || !nb) {
		ap_errf(err, "neighbours: out of memory for %zu points", n);
		goto out_free;
	}
	if (grid_knn(a, n, k, na, err) || grid_knn(b, n, k, nb, err))
		goto out_free;
	uint64_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t *x = na + i * k, *y = nb + i * k;
		qsort(x, k, sizeof *x, u32_cmp);
		qsort(y, k, sizeof *y, u32_cmp);
		for (size_t s = 0, t = 0; s < k && t < k; ) {
			if (x[s] == y[t]) {
				kept++;
				s++;
				t++;
			} else if (x[s] < y[t]) {
				s++;
			} else {
				t++;
			}
		}
	}
	*score = (double)kept / ((double)n * (double)k);
	rc = 0;
out_free:
	free(na);
	free(nb);
	return rc;
}
