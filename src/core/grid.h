/*
 * grid: a layout's points moved onto a grid of C×R cells, one point a cell at most,
 * keeping neighbourhoods (the "t-SNE grid" of image embeddings), and a score of how
 * well a second layout keeps the first one's nearest neighbours. Pure: no I/O.
 * Not a renderer: the result is a layout like any other (grid_cells_xy).
 *
 *   grid_resolve     the zero-default desc made concrete for n points (shape, method)
 *   grid_assign      each point's cell: exact, heuristic or random
 *   grid_cells_xy    cells as layout coordinates: cell (col, row) -> (col, -row)
 *   grid_cost        the assignment's cost, the sum of the squared distances below
 *   grid_lap         exact rectangular linear assignment of a dense cost matrix
 *   grid_knn         the k nearest neighbours of every point, exactly
 *   grid_knn_kept    the neighbourhood score of layout b against layout a
 *
 * The problem: the layout is scaled uniformly (its aspect kept) and centred so that its
 * bounding box fits the box of the cell centres, cell (c, r) having its centre at
 * (c + 1/2, r + 1/2), rows counted downwards as data y points up (a side of the grid
 * with one cell does not count in the fit). Point i in cell c costs the squared
 * distance between the point so placed and the cell's centre; the assignment minimises
 * the sum. A layout already on the grid (x = col, y = -row, filling the grid's extent)
 * is placed on the centres exactly and so maps to itself.
 *
 * Methods (the default, auto: exact up to GRID_AUTO_EXACT_MAX points, heuristic above):
 *   exact       the optimum: grid_lap on the n × C·R cost matrix, refused when that has
 *               more than GRID_EXACT_MAX_ENTRIES entries or the grid more than
 *               GRID_EXACT_MAX_CELLS cells;
 *   heuristic   a hierarchical split: the cells are halved across the longer side of
 *               the block, again and again, and the points sorted along that axis go to
 *               the halves in order, as many to each as the points that lie on that side
 *               but never more than it has cells (so every block has room for its points,
 *               and empty cells go where the layout is sparse); each block of at most
 *               GRID_BLOCK_CELLS cells is then solved exactly, its points' box stretched
 *               onto its cells when they fill it (kept as placed when there is room to
 *               spare, as that says where the empty cells go). O(n log² n) for the split
 *               and O(B³) for each of the n/B blocks. Re-solving windows shifted across
 *               the seams (with the places of the whole grid) was tried: it lowered the
 *               cost and the neighbourhood score both, so it is not done;
 *   random      a shuffle of the cells (a fixed seed: the same every run): the baseline.
 * Every method is deterministic: the same input gives the same cells.
 */
#ifndef AP_GRID_H
#define AP_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum grid_method { GRID_AUTO = 0, GRID_EXACT, GRID_HEURISTIC, GRID_RANDOM, GRID_METHOD_COUNT };

/* The bounds: cells in all (every index fits a uint32_t; the random method keeps 4
 * bytes a cell), the exact solver's cost matrix (8 bytes an entry) and its cells (its
 * search keeps 33 bytes a cell), the largest layout auto solves exactly. */
#define GRID_MAX_CELLS ((size_t)1 << 24)
#define GRID_EXACT_MAX_ENTRIES ((size_t)1 << 24)
#define GRID_EXACT_MAX_CELLS ((size_t)1 << 20)
#define GRID_AUTO_EXACT_MAX 2000
/* The heuristic's blocks: the most cells solved exactly at once. */
#define GRID_BLOCK_CELLS 512
/* The neighbours grid_knn_kept compares by default. */
#define GRID_SCORE_K 10

/* What to make; zero value: the squarest grid with room for the points, method auto. */
struct grid_desc {
	size_t cols, rows;       /* 0: from the other one, or both the squarest */
	enum grid_method method;
};

/* "auto", "exact", "heuristic", "random" (static strings, in enum order). */
extern const char *const grid_method_names[GRID_METHOD_COUNT];

/* 0 when a grid of cols × rows has at least one and at most GRID_MAX_CELLS cells;
 * else -1 with "grid CxR: ..." in err. */
int grid_check_shape(size_t cols, size_t rows, struct ap_err *err);

/* Fill out from d for n points (n > 0): cols and rows (both 0: cols = ceil(sqrt(n)),
 * rows = ceil(n / cols); one 0: as few as make room), the method (auto resolved).
 * Refuses a grid over GRID_MAX_CELLS, one with fewer cells than points, and exact
 * over its limits ("grid CxR ..." and "method exact: ..." in err). */
int grid_resolve(const struct grid_desc *d, size_t n, struct grid_desc *out, struct ap_err *err);

/* cell[i] = row * cols + col of point i, xy interleaved (n points, finite); d resolved.
 * 0, or -1 with err set (out of memory). */
int grid_assign(const double *xy, size_t n, const struct grid_desc *d, uint32_t *cell, struct ap_err *err);

/* The layout of the cells: xy[2i] = col, xy[2i+1] = -row (+0 for row 0). */
void grid_cells_xy(const uint32_t *cell, size_t n, size_t cols, double *xy);

/* The sum over points of the squared distance (in cell units) between each point,
 * placed as above, and its cell's centre. */
double grid_cost(const double *xy, size_t n, const struct grid_desc *d, const uint32_t *cell);

/*
 * Exact linear assignment: each of nr rows gets its own column of nc (nr <= nc), the
 * sum of cost[r * nc + col4row[r]] as small as it can be (finite costs). The shortest
 * augmenting path method of Jonker and Volgenant without their initialisation, as
 * Crouse (2016) gives it for rectangular problems (scipy's linear_sum_assignment):
 * one row at a time joins along a Dijkstra search over reduced costs; ties go to
 * the lowest column, so the result is deterministic. O(nr² nc) at worst; memory
 * O(nc) besides the matrix. Returns 0, or -1 when out of memory.
 */
int grid_lap(const double *cost, size_t nr, size_t nc, uint32_t *col4row);

/* nn[i*k ..] = the k points nearest to point i (itself excluded), nearest first, equal
 * distances by lower index; exact (a bucket grid searched ring by ring, expected
 * O(n k) for spread points; many points at one place make it quadratic). k < n.
 * 0, or -1 with err set. */
int grid_knn(const double *xy, size_t n, size_t k, uint32_t *nn, struct ap_err *err);

/* The mean over points of the share of each one's k nearest neighbours in a that are
 * also among its k nearest in b (each as grid_knn, ties by index; k is cut to n - 1,
 * and a single point scores 1). 1 when b is a and for any b that keeps a's order of
 * distances; about k/n for an unrelated b. 0, or -1 with err set. */
int grid_knn_kept(const double *a, const double *b, size_t n, size_t k, double *score, struct ap_err *err);

#endif
