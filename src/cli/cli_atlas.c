/* atlasplot atlas and info: the atlas pages as files, and a description of a data set. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "api/job_opts.h"
#include "app/frames.h"
#include "io/pngio.h"
#include "draw/draw.h"

enum { OPT_OUT_DIR = OPT_COMMAND_BASE, OPT_LAYOUT_I, OPT_SPRITE_TABLE };

/* info --sprite-table: zooms 2^(k/STEPS) for k from LO to HI, 1/4 to 1024 */
#define TABLE_STEPS 16
#define TABLE_LO (-2 * TABLE_STEPS)
#define TABLE_HI (10 * TABLE_STEPS)

static const char atlas_help[] =
	"usage: atlasplot atlas --images FILE [--page-size N] -o DIR\n"
	"\n"
	"Write the texture atlas atlasplot draws from: DIR/page_000.png, page_001.png, ...\n"
	"(level 0 of each page; gray or RGBA) and DIR/index.csv with one row per image:\n"
	"image,page,x,y,w,h (texel rectangle of the image in its page, y down) - the form\n"
	"a web front end such as three.js consumes. DIR is created if missing.\n"
	"\n"
	"  --images FILE        as for render; repeatable\n"
	"  --page-size N        page side, a power of two (default 2048)\n"
	"  -o, --output DIR     folder for the pages and index.csv\n"
	"\n"
	"example:\n"
	"  atlasplot atlas --images t10k-images-idx3-ubyte -o atlas/\n";

static const char info_help[] =
	"usage: atlasplot info --images FILE [--labels FILE] [--layout FILE] [--backend NAME]\n"
	"       atlasplot info --images FILE --sprite-table [--sprite S] [--size WxH] ...\n"
	"\n"
	"Describe a data set: images, labels, layout bounds and fit, atlas pages, the\n"
	"backend in use and the GL renderer and version.\n"
	"\n"
	"  --sprite-table       instead, print the sprite side S in pixels of each\n"
	"                       --sprite-mode (power, asinh, constant) at zooms %g to %g,\n"
	"                       %d a doubling, for the sprite options given (--sprite,\n"
	"                       --sprite-growth, --sprite-min, --sprite-max; an automatic\n"
	"                       --sprite from the data set and --size, as render has it)\n"
	"\n"
	"examples:\n"
	"  atlasplot info --images train-images-idx3-ubyte --layout data/mnist_umap.npy\n"
	"  atlasplot info --images train-images-idx3-ubyte --sprite-table --sprite-max 64\n";

struct atlas_args {
	struct frames_desc *c;
	const char **out;
	int want_out;                /* atlas: -o DIR; info: --layout, --sprite-table */
	bool *table;
};

static int atlas_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct atlas_args *a = ctx;
	(void)err;
	if (opt == 'o' && a->want_out) {
		*a->out = arg;
		return 1;
	}
	if (opt == OPT_LAYOUT_I && !a->want_out) {
		a->c->paths.layout = arg;
		return 1;
	}
	if (opt == OPT_SPRITE_TABLE && !a->want_out) {
		*a->table = true;
		return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct frames_desc *c, const char **out, int want_out, bool *table,
		 struct ap_err *err)
{
	static const ap_option own[] = {
		{ "layout", AP_ARG_REQUIRED, 0, OPT_LAYOUT_I },
		{ "sprite-table", AP_ARG_NONE, 0, OPT_SPRITE_TABLE },
		{ "output", AP_ARG_REQUIRED, 'o', 'o' },
		{ NULL, 0, 0, 0 },
	};
	struct option longopts[CLI_MAX_OPTS];
	cli_longopts(job_common_opts, own, longopts);
	struct atlas_args a = { c, out, want_out, table };
	const struct cli_parser p = { ":o:vh", longopts, atlas_opt, &a, c, 0 };
	int first, rc = cli_getopt(&p, argc, argv, &first, err);
	if (rc)
		return rc;
	if (want_out && !*out)
		return ap_errf(err, "missing -o DIR");
	return 0;
}

static int write_pages(const struct ds *d, const struct atlas *a, const char *dir, struct ap_err *err)
{
	int rc = 0;
	size_t n0 = atlas_level_bytes(a, 0);
	uint8_t *page = malloc(n0), *rgba = malloc((size_t)a->page_w * a->page_h * 4);
	char path[4096];
	FILE *f = NULL;
	if (!page || !rgba) {
		rc = ap_errf(err, "atlas: out of memory for a page");
		goto out_free;
	}
	for (uint32_t p = 0; p < a->pages && !rc; p++) {
		atlas_build_page(a, &d->imgs, p, page);
		for (size_t i = 0; i < (size_t)a->page_w * a->page_h; i++) {
			if (a->channels == 1) {
				rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = page[i];
				rgba[4 * i + 3] = 255;
			} else {
				memcpy(rgba + 4 * i, page + 4 * i, 4);
			}
		}
		snprintf(path, sizeof path, "%s/page_%03u.png", dir, p);
		struct pngio_wopts wo = { .fmt = a->channels == 1 ? PNGIO_GRAY : PNGIO_RGBA, .level = 6 };
		rc = pngio_write(path, rgba, a->page_w, a->page_h, &wo, err);
	}
	if (rc)
		goto out_free;
	char tmp[4096];
	snprintf(path, sizeof path, "%s/index.csv", dir);
	snprintf(tmp, sizeof tmp, "%s/.index.csv.tmp", dir);
	if (!(f = fopen(tmp, "w"))) {
		rc = ap_errf(err, "output '%s': %s", path, strerror(errno));
		goto out_free;
	}
	fprintf(f, "image,page,x,y,w,h\n");
	for (size_t i = 0; i < d->imgs.n; i++) {
		uint32_t pg, x, y;
		atlas_place(a, i, &pg, &x, &y);
		fprintf(f, "%zu,%u,%u,%u,%u,%u\n", i, pg, x, y, imgset_iw(&d->imgs, i), imgset_ih(&d->imgs, i));
	}
	int bad = ferror(f);
	if (fclose(f) || bad) {
		rc = ap_errf(err, "output '%s': %s", path, strerror(errno ? errno : EIO));
		remove(tmp);
	} else if (rename(tmp, path)) {
		rc = ap_errf(err, "output '%s': %s", path, strerror(errno));
		remove(tmp);
	}
out_free:
	free(page);
	free(rgba);
	return rc;
}

int cli_atlas(int argc, char **argv)
{
	struct frames_desc c;
	struct ap_err err;
	const char *out = NULL;
	bool table = false;
	cli_common_init(&c);
	int rc = parse(argc, argv, &c, &out, 1, &table, &err);
	if (rc == CLI_HELP) {
		fputs(atlas_help, stdout);
		return AP_EXIT_OK;
	}
	if (rc < 0)
		return cli_usage("atlas", &err);
	frames_resolve(&c);
	struct ds d;
	struct atlas a;
	if (ds_load(&c.paths, &d, &err))
		return cli_fail(AP_EXIT_ERR, &err);
	rc = atlas_plan(&d.imgs, c.draw.page_size, &a, &err);
	if (!rc && mkdir(out, 0777) && errno != EEXIST)
		rc = ap_errf(&err, "output '%s': %s", out, strerror(errno));
	if (!rc)
		rc = write_pages(&d, &a, out, &err);
	ds_free(&d);
	job_common_free(&c);
	return rc ? cli_fail(AP_EXIT_ERR, &err) : AP_EXIT_OK;
}

/* info --sprite-table: the numbers cam_sprite_size gives each mode, the sprite options
 * resolved as frames_ resolves them. */
static void print_sprite_table(const struct frames_desc *c, const struct ds *d)
{
	struct cam_sprite sp = c->sprite;
	if (!sp.base) {
		int native = (int)(d->imgs.w > d->imgs.h ? d->imgs.w : d->imgs.h);
		sp.base = cam_sprite_auto(c->w, c->h, d->imgs.n, native);
	}
	printf("# sprite side S in pixels by zoom: --sprite %g%s --sprite-min %g --sprite-max %g, power's "
	       "--sprite-growth %g\n", sp.base, c->sprite.base ? "" : " (auto)",
	       sp.min > 0 ? sp.min : CAM_DEFAULT_SPRITE_MIN, sp.max > 0 ? sp.max : CAM_DEFAULT_SPRITE_MAX,
	       sp.growth_set ? sp.growth : CAM_DEFAULT_GROWTH);
	printf("zoom");
	for (size_t m = 0; m < NAMES_COUNT(cam_sprite_mode_names); m++)
		printf(" %s", cam_sprite_mode_names[m]);
	printf("\n");
	for (int k = TABLE_LO; k <= TABLE_HI; k++) {
		double zoom = exp2((double)k / TABLE_STEPS);
		printf("%.9g", zoom);
		for (size_t m = 0; m < NAMES_COUNT(cam_sprite_mode_names); m++) {
			sp.mode = (enum cam_sprite_mode)m;
			/* the table shows every mode: power's exponent is not an error here */
			printf(" %.9g", cam_sprite_size(&sp, zoom));
		}
		printf("\n");
	}
}

int cli_info(int argc, char **argv)
{
	struct frames_desc c;
	struct ap_err err;
	const char *unused = NULL;
	bool table = false;
	cli_common_init(&c);
	int rc = parse(argc, argv, &c, &unused, 0, &table, &err);
	if (rc == CLI_HELP) {
		printf(info_help, exp2((double)TABLE_LO / TABLE_STEPS), exp2((double)TABLE_HI / TABLE_STEPS), TABLE_STEPS);
		return AP_EXIT_OK;
	}
	if (rc < 0)
		return cli_usage("info", &err);
	frames_resolve(&c);
	struct ds d;
	if (ds_load(&c.paths, &d, &err))
		return cli_fail(AP_EXIT_ERR, &err);
	if (table) {
		print_sprite_table(&c, &d);
		ds_free(&d);
		job_common_free(&c);
		return AP_EXIT_OK;
	}
	printf("images:   %zu of %ux%u, %s\n", d.imgs.n, d.imgs.w, d.imgs.h,
	       d.imgs.c == 1 ? "gray" : d.imgs.c == 3 ? "RGB" : "RGBA");
	if (d.labels) {
		/* only the first 32 classes are listed: labels go up to INT32_MAX */
		size_t count[32] = { 0 };
		for (size_t i = 0; i < d.imgs.n; i++)
			if (d.labels[i] < 32)
				count[d.labels[i]]++;
		printf("labels:   %lld classes:", (long long)d.nclasses);
		for (int32_t k = 0; k < d.nclasses && k < 32; k++)
			printf(" %d:%zu", k, count[k]);
		printf("%s\n", d.nclasses > 32 ? " ..." : "");
	} else {
		printf("labels:   none\n");
	}
	if (d.lay.xy) {
		struct cam_box b;
		cam_bounds(d.lay.xy, d.lay.n, &b);
		double s0 = cam_fit_scale(&b, c.margin, c.w, c.h);
		printf("layout:   %zu points, x %.6g .. %.6g, y %.6g .. %.6g\n", d.lay.n, b.x0, b.x1, b.y0, b.y1);
		printf("fit:      %dx%d, margin %g: s0 %.6g px per unit, centre %.6g,%.6g\n", c.w, c.h, c.margin, s0,
		       (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
	}
	struct atlas a;
	if (atlas_plan(&d.imgs, c.draw.page_size, &a, &err)) {
		ds_free(&d);
		return cli_fail(AP_EXIT_ERR, &err);
	}
	printf("atlas:    %u page(s) of %ux%u, %u channel(s), cells of %u texels, %u mip levels\n", a.pages,
	       a.page_w, a.page_h, a.channels, a.pitch, a.levels);
	char desc[256];
	struct draw *dr = draw_open(&c.draw, &d.imgs, NULL, &err);
	ds_free(&d);
	if (!dr)
		return cli_fail(AP_EXIT_ERR, &err);
	draw_describe(dr, desc, sizeof desc);
	bool cpu = draw_is_cpu(dr);
	draw_close(dr);
	printf("backend:  %s\n", desc);
	if (cpu) {
		/* what --backend osmesa/egl would use */
		if (draw_gl_probe(desc, sizeof desc, &err) == 0)
			printf("gl:       %s\n", desc);
		else
			printf("gl:       none (%s)\n", err.msg);
	}
	char devs[2048];
	int ndev = draw_gl_devices(devs, sizeof devs, &err);
	if (ndev < 0)
		printf("egl:      no devices (%s)\n", err.msg);
	else
		printf("egl:      %d device%s\n", ndev, ndev == 1 ? "" : "s");
	for (char *line = devs, *nl; ndev > 0 && line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = 0;
		printf("  %s\n", line);
	}
	job_common_free(&c);
	return AP_EXIT_OK;
}
