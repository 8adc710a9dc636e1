/* atlasplot grid: a layout's points moved onto a grid of cells (core/grid), written as
 * a layout that render and animate read. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "api/job_opts.h"
#include "base/names.h"
#include "core/grid.h"
#include "core/opts.h"
#include "io/afile.h"
#include "io/load.h"

enum { OPT_LAYOUT_G = OPT_COMMAND_BASE, OPT_COLS, OPT_ROWS, OPT_METHOD, OPT_SCORE };

static const char help[] =
	"usage: atlasplot grid --layout FILE [--cols C] [--rows R] [--method M] [--score] -o OUT\n"
	"\n"
	"Move every point of a layout onto its own cell of a C x R grid, keeping neighbours\n"
	"together (a \"t-SNE grid\"), and write the cells as a layout: cell (col, row) is the\n"
	"point (col, -row), so the grid keeps the layout's orientation (y up). Cells left\n"
	"over stay empty. The layout is scaled (its aspect kept) onto the grid's cell centres\n"
	"and the sum of squared distances from each point to its cell is minimised.\n"
	"\n"
	"  --layout FILE        the layout, as for render (CSV or NPY); its labels, if any,\n"
	"                       go into a CSV output's label column\n"
	"  --cols C, --rows R   the grid (default: the squarest with room for every point,\n"
	"                       C = ceil(sqrt(N)), R = ceil(N / C); one given: the other as\n"
	"                       small as fits); at most %zu cells in all\n"
	"  --method M           auto, exact, heuristic or random (default auto: exact up to\n"
	"                       %d points, heuristic above). exact: the optimal assignment\n"
	"                       (Jonker-Volgenant shortest augmenting paths; at most %zu\n"
	"                       points x cells, %zu cells). heuristic: the cells halved again\n"
	"                       and again with the points sorted into the halves, then each\n"
	"                       block of at most %d cells solved exactly, its points\n"
	"                       stretched over it. random: a fixed shuffle, the baseline\n"
	"  --score              print the share of each point's %d nearest neighbours in the\n"
	"                       layout that are among its %d nearest in the grid (ties by\n"
	"                       index), the mean over points, on stdout\n"
	"  -o, --output OUT     NPY float64 N x 2 (OUT.npy) or CSV with x,y[,label] (OUT.csv);\n"
	"                       written atomically, never over the layout\n"
	"  -v, --verbose        the grid, method, cost and time on stderr\n"
	"  -h, --help           this help\n"
	"\n"
	"A contact sheet without overlap: render the grid with --sprite-growth 1 and --sprite\n"
	"the grid's pitch, min(W / (C - 1), H / (R - 1)) / (1 + 2 * margin) pixels for a WxH\n"
	"frame (3.72 for 265 x 265 cells in 1080x1080 with the default margin).\n"
	"\n"
	"examples:\n"
	"  atlasplot grid --layout data/mnist_umap.npy --score -o grid.npy\n"
	"  atlasplot render --images imgs.npy --layout grid.npy --sprite 3.72 --sprite-growth 1 \\\n"
	"      -o grid.png --size 1080x1080\n"
	"  atlasplot animate --images imgs.npy --from data/mnist_umap.npy --to grid.npy \\\n"
	"      -o 'f_%%03d.png' --frames 60\n";

struct grid_args {
	const char *layout, *out;
	struct grid_desc d;
	bool score, verbose;
};

static int side_opt(const char *opt, const char *arg, size_t *out, struct ap_err *err)
{
	unsigned long u;
	if (opts_uint(arg, GRID_MAX_CELLS, &u) || !u)
		return ap_errf(err, "%s '%s': expected an integer from 1 to %zu", opt, arg, GRID_MAX_CELLS);
	*out = u;
	return 1;
}

static int grid_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct grid_args *a = ctx;
	int m;
	switch (opt) {
	case 'o':
		a->out = arg;
		return 1;
	case 'v':
		a->verbose = true;
		return 1;
	case OPT_LAYOUT_G:
		a->layout = arg;
		return 1;
	case OPT_COLS:
		return side_opt("--cols", arg, &a->d.cols, err);
	case OPT_ROWS:
		return side_opt("--rows", arg, &a->d.rows, err);
	case OPT_METHOD:
		if (job_name_opt("--method", arg, grid_method_names, GRID_METHOD_COUNT, &m, err) < 0)
			return -1;
		a->d.method = (enum grid_method)m;
		return 1;
	case OPT_SCORE:
		a->score = true;
		return 1;
	}
	return 0;
}

static bool ends_with(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);
	return n > e && strcasecmp(s + n - e, ext) == 0;
}

static int parse(int argc, char **argv, struct grid_args *a, struct ap_err *err)
{
	static const struct option longopts[] = {
		{ "layout", required_argument, NULL, OPT_LAYOUT_G },
		{ "cols", required_argument, NULL, OPT_COLS },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "score", no_argument, NULL, OPT_SCORE },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_parser p = { ":o:vh", longopts, grid_opt, a, NULL, 0 };
	int first, rc = cli_getopt(&p, argc, argv, &first, err);
	if (rc)
		return rc;
	if (!a->layout)
		return ap_errf(err, "missing --layout FILE");
	if (!a->out)
		return ap_errf(err, "missing -o GRID.npy (or GRID.csv)");
	if (!ends_with(a->out, ".npy") && !ends_with(a->out, ".csv"))
		return ap_errf(err, "-o '%s': expected a name ending in .npy or .csv", a->out);
	if (a->d.cols && a->d.rows && grid_check_shape(a->d.cols, a->d.rows, err))
		return -1;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Load, assign, write; the layout and err are the caller's. */
static int run(const struct grid_args *a, struct ap_layout *lay, struct ap_err *err)
{
	struct afile_inputs in = { 0 };
	struct grid_desc d;
	struct ap_layout g = { 0 };
	uint32_t *cell = NULL;
	int rc = -1;
	double t0 = now_s();
	if (lay_load(a->layout, 0, lay, err))
		return -1;
	afile_inputs_add(&in, a->layout);
	if (afile_inputs_check(&in, a->out, err))
		return -1;
	if (grid_resolve(&a->d, lay->n, &d, err))
		return ap_err_prefix(err, "layout '%s'", a->layout);
	double t1 = now_s();
	cell = malloc(lay->n * sizeof *cell);
	g.xy = malloc(lay->n * 2 * sizeof *g.xy);
	if (!cell || !g.xy) {
		ap_errf(err, "grid: out of memory for %zu points", lay->n);
		goto out_free;
	}
	if (grid_assign(lay->xy, lay->n, &d, cell, err))
		goto out_free;
	double t2 = now_s();
	g.n = lay->n;
	g.label = lay->label;
	grid_cells_xy(cell, g.n, d.cols, g.xy);
	if (a->verbose) {
		size_t cells = d.cols * d.rows;
		double cost = grid_cost(lay->xy, lay->n, &d, cell);
		fprintf(stderr, "atlasplot: grid: %zu points on %zux%zu cells (%zu empty), method %s: "
			"cost %.6g (%.4g a point), %.3f s (layout read in %.3f s)\n", g.n, d.cols, d.rows,
			cells - g.n, grid_method_names[d.method], cost, cost / (double)g.n, t2 - t1, t1 - t0);
	}
	if (a->score) {
		double score;
		if (grid_knn_kept(lay->xy, g.xy, g.n, GRID_SCORE_K, &score, err))
			goto out_free;
		printf("score: %.4f (share of each point's %d nearest neighbours in the layout kept among "
		       "its %d nearest in the grid)\n", score, GRID_SCORE_K, GRID_SCORE_K);
		if (a->verbose)
			fprintf(stderr, "atlasplot: score in %.3f s\n", now_s() - t2);
	}
	rc = lay_write(a->out, &g, err);
out_free:
	g.label = NULL;
	lay_free(&g);
	free(cell);
	return rc;
}

int cli_grid(int argc, char **argv)
{
	struct grid_args a = { 0 };
	struct ap_err err;
	int rc = parse(argc, argv, &a, &err);
	if (rc == CLI_HELP) {
		printf(help, GRID_MAX_CELLS, GRID_AUTO_EXACT_MAX, GRID_EXACT_MAX_ENTRIES, GRID_EXACT_MAX_CELLS, GRID_BLOCK_CELLS,
		       GRID_SCORE_K, GRID_SCORE_K);
		return AP_EXIT_OK;
	}
	if (rc < 0)
		return rc == -2 ? cli_fail(AP_EXIT_ERR, &err) : cli_usage("grid", &err);
	struct ap_layout lay = { 0 };
	rc = run(&a, &lay, &err);
	lay_free(&lay);
	return rc ? cli_fail(AP_EXIT_ERR, &err) : AP_EXIT_OK;
}
