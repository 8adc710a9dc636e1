/* atlasplot render: one or more still frames of a layout. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "app/frames.h"
#include "io/load.h"
#include "app/outq.h"

enum { OPT_CAMERA = OPT_COMMAND_BASE, OPT_LAYOUT_R, OPT_SHOTS };

static const char help[] =
	"usage: atlasplot render --images FILE --layout FILE [options] -o OUT.png\n"
	"\n"
	"Draw every image at its layout coordinate into a PNG frame.\n"
	"\n"
	"  --layout FILE        CSV with x and y columns (a label column is used as labels),\n"
	"                       headerless 'x,y[,label]' rows, or NPY float32/float64 Nx2\n"
	"  --camera CX,CY,Z     centre in data units and zoom (default: the fitted box's\n"
	"                       centre, zoom 1); repeat for several frames, with a %%d in -o\n"
	"  --shots FILE         cameras from a file, one 'CX CY ZOOM' a line ('#' comments),\n"
	"                       after any --camera; frames numbered in that order\n"
	"  -o, --output FILE    the PNG to write (a pattern like f_%%03d.png for several cameras;\n"
	"                       - for one PNG on stdout); written atomically, never over an\n"
	"                       input or a device. Ctrl-C or SIGTERM stops after the frame in\n"
	"                       hand (exit 130 or 143), the frames written complete\n"
	"\n"
	"%s"
	"\n"
	"Camera: the layout's bounding box, padded by the margin, is fitted into the frame,\n"
	"giving s0 pixels per data unit; a camera (CX,CY,Z) puts data point (x,y) at pixel\n"
	"(W/2 + (x-CX)*s0*Z, H/2 - (y-CY)*s0*Z), y up, row 0 at the top.\n"
	"\n"
	"examples:\n"
	"  atlasplot render --images train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz \\\n"
	"      --layout umap.csv --color-by label -o overview.png\n"
	"  atlasplot render --images imgs.npy --layout xy.npy --camera 3.5,-1,8 --sprite 28 -o zoom.png\n"
	"  atlasplot render --images imgs.npy --layout xy.npy --camera 0,0,1 --camera 0,0,4 -o 'z_%%d.png'\n";

struct render_args {
	struct frames_desc c;
	struct opts_cams cams;
	const char *out;
};

static int read_shots(const char *path, struct render_args *a, struct ap_err *err)
{
	uint8_t *buf;
	size_t len;
	if (load_file(path, 16 << 20, &buf, &len, err))
		return ap_err_subject(err, "shots");
	int rc = opts_shots_parse((const char *)buf, len, path, &a->cams, err);
	free(buf);
	if (a->c.ninputs < FRAMES_MAX_INPUTS)
		a->c.inputs[a->c.ninputs++] = path;   /* no frame may overwrite it */
	return rc;
}

static int render_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct render_args *a = ctx;
	switch (opt) {
	case 'o':
		a->out = arg;
		return 1;
	case OPT_LAYOUT_R:
		a->c.paths.layout = arg;
		return 1;
	case OPT_CAMERA: {
		struct cam c;
		if (opts_camera(arg, &c))
			return ap_errf(err, "--camera '%s': expected CX,CY,ZOOM with ZOOM > 0", arg);
		const char *why = cam_check(&c);
		if (why)
			return ap_errf(err, "--camera '%s': %s", arg, why);
		if (opts_cams_add(&a->cams, &c))
			return ap_errf(err, "--camera: out of memory");
		return 1;
	}
	case OPT_SHOTS:
		return read_shots(arg, a, err) ? -2 : 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct render_args *a, struct ap_err *err)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "layout", required_argument, NULL, OPT_LAYOUT_R },
		{ "camera", required_argument, NULL, OPT_CAMERA },
		{ "shots", required_argument, NULL, OPT_SHOTS },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_parser p = { ":o:vh", longopts, render_opt, a, &a->c, 0 };
	int first, rc = cli_getopt(&p, argc, argv, &first, err);
	if (rc)
		return rc;
	if (cli_common_check(&a->c, err))
		return -1;
	if (!a->c.paths.layout && !a->c.paths.manifest)
		return ap_errf(err, "missing --layout FILE");
	if (!a->out)
		return ap_errf(err, "missing -o OUT.png");
	if (!strcmp(a->out, "-")) {
		if (a->cams.n > 1)
			return ap_errf(err, "-o -: stdout takes one frame; several cameras need a pattern like f_%%03d.png");
	} else if (frames_check_pattern(a->out, a->cams.n > 1, err)) {
		return -1;
	}
	return 0;
}

int cli_render(int argc, char **argv)
{
	struct render_args a;
	struct ap_err err;
	memset(&a, 0, sizeof a);
	cli_common_init(&a.c);
	int rc = parse(argc, argv, &a, &err);
	if (rc == CLI_HELP) {
		char common[8192];
		cli_common_help(common, sizeof common);
		printf(help, common);
		cli_common_free(&a.c);
		return AP_EXIT_OK;
	}
	if (rc < 0) {
		cli_common_free(&a.c);
		opts_cams_free(&a.cams);
		return rc == -2 ? cli_fail(AP_EXIT_ERR, &err) : cli_usage("render", &err);
	}
	char cmdline[2048];
	cli_command_line(argc + 1, argv - 1, cmdline, sizeof cmdline);
	bool to_stdout = !strcmp(a.out, "-");
	struct frames_stills job = {
		.out = a.out,
		.command = cmdline,
		.cams = a.cams.v,
		.ncams = a.cams.n,
		.fp = to_stdout ? stdout : NULL,
	};
	struct cli_stop stop;
	job.stop = cli_stop_init(&stop);
	job.ready = cli_stop_begin;
	job.ready_ctx = &stop;
	if (to_stdout && isatty(1))
		rc = ap_errf(&err, "output '-': stdout is a terminal; redirect the PNG to a file or a pipe");
	else
		rc = frames_render_stills(&a.c, &job, &err);
	int sig = cli_stop_end(&stop);
	cli_common_free(&a.c);
	opts_cams_free(&a.cams);
	if (rc)
		return cli_fail(AP_EXIT_ERR, &err);
	if (sig)
		return cli_failf(128 + sig, "stopped by %s; the frames written are complete",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
	return AP_EXIT_OK;
}
