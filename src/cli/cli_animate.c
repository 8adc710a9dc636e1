/*
 * atlasplot animate: the options of app/anim (which plans and renders the animation),
 * the progress line, the raw-frame sink on stdout and the signals that stop a run.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/anim.h"
#include "cli/cli.h"
#include "cli/cli_args.h"
#include "io/load.h"
#include "io/zpath_file.h"

enum {
	OPT_FROM = OPT_COMMAND_BASE, OPT_TO, OPT_FRAMES, OPT_DURATION, OPT_FPS, OPT_HOLD_START,
	OPT_HOLD_END, OPT_EASE, OPT_STAGGER, OPT_STAGGER_BY, OPT_ALIGN, OPT_CAMERA_FROM, OPT_CAMERA_TO,
	OPT_PATH, OPT_PATH_EASE, OPT_CONTACT_SHEET, OPT_RESUME, OPT_SHARD, OPT_RANGE,
	OPT_TITLE_FROM, OPT_TITLE_TO,
};

#define MAX_FRAMES ANIM_MAX_FRAMES

static const char help[] =
	"usage: atlasplot animate --images FILE --from LAYOUT_A [--to LAYOUT_B] [options] -o OUT\n"
	"\n"
	"Render every image flying from its place in LAYOUT_A to its place in LAYOUT_B, or a\n"
	"camera move over LAYOUT_A, as numbered PNG frames or raw RGBA video on stdout.\n"
	"\n"
	"layouts and timing:\n"
	"  --from FILE          the start layout (CSV or NPY, as render's --layout)\n"
	"  --to FILE            the end layout, one row per image; without it only the camera\n"
	"                       moves\n"
	"  --frames N           frames of the move, N >= 1; frame k has t = k/(N-1)\n"
	"  --duration S         seconds at --fps F: round(S*F)+1 frames, frame k at k/F s\n"
	"                       (default %g, or the last --path key's time)\n"
	"  --fps F              frames per second (default %g)\n"
	"  --hold-start S       seconds of still first frames before the move (default 0)\n"
	"  --hold-end S         seconds of still last frames after it (default 0)\n"
	"  --ease NAME          each point's easing (default cubic-in-out): linear,\n"
	"                       {quad,cubic,sine}-{in,out,in-out} or exp-in-out\n"
	"  --stagger F          departures spread over fraction F of the move, 0..1 (default 0)\n"
	"  --stagger-by ORDER   index (default), label, or distance (the farthest leave first)\n"
	"  --align MODE         none (default), or procrustes: rotate, reflect and scale B onto\n"
	"                       A so points travel least (-v prints the mean travel)\n"
	"camera (in LAYOUT_A's data units, as render's --camera):\n"
	"  default              each frame fitted to the box of its points, as render fits\n"
	"  --camera-from CX,CY,Z  start camera (default: A's fit, its box centre, zoom 1)\n"
	"  --camera-to CX,CY,Z  end camera (default: A's fit); the camera follows the van\n"
	"                       Wijk-Nuij path, so a long pan zooms out and back in\n"
	"  --path FILE          keyframes, lines 'time cx cy zoom' (seconds), stretched over\n"
	"                       the move; each segment a van Wijk-Nuij path\n"
	"  --path-ease NAME     time warp of the camera move, per segment (default cubic-in-out)\n"
	"output:\n"
	"  -o, --output OUT     a pattern with one %%d or %%0Nd (frames/frame_%%05d.png), each\n"
	"                       frame written atomically; or - for raw RGBA frames on stdout\n"
	"  --contact-sheet FILE a PNG of %d frames evenly spaced from first to last, %d columns,\n"
	"                       each shrunk by an integer factor to at most %d px wide\n"
	"  --resume             skip frames that exist as complete PNGs of the frame size\n"
	"  --shard K/N          only the frames whose index is K modulo N (0 <= K < N)\n"
	"  --range A:B          only frames A to B-1 (A or B may be left out)\n"
	"  --title-from TEXT    the title at the start (as --title), cross-fading with t into\n"
	"  --title-to TEXT      this one; the legend keeps the corner of frame 0\n"
	"\n"
	"%s"
	"\n"
	"Both layouts are normalised into one frame (centred on their box centre, the longer\n"
	"side scaled to 1) and B is mapped into A's units, so frame 0 is LAYOUT_A exactly and\n"
	"equals `atlasplot render --layout LAYOUT_A` (with --camera CAMERA_FROM, if given) with\n"
	"the same options. With the fitted camera and no --align the last frames are drawn\n"
	"from LAYOUT_B and equal `atlasplot render --layout LAYOUT_B`.\n"
	"\n"
	"Video: -o - writes W*H*4 bytes of RGBA per frame, rows top first, nothing else:\n"
	"  atlasplot animate ... -o - | ffmpeg -f rawvideo -pix_fmt rgba -s WxH -r F -i - \\\n"
	"      -pix_fmt yuv420p out.mp4\n"
	"\n"
	"Stopped by Ctrl-C or SIGTERM, it finishes the frame in hand and the queued writes\n"
	"(no partial files), and exits 130 (SIGINT) or 143 (SIGTERM); --resume carries on.\n"
	"A progress line goes to stderr when it is a terminal, or with -v. The command line\n"
	"kept in each PNG leaves out --shard, --range, --resume, --contact-sheet and -v, so\n"
	"shards and resumed runs write the very bytes of a single full run.\n"
	"\n"
	"examples:\n"
	"  atlasplot animate --images train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz \\\n"
	"      --from umap.npy --to tsne.npy --align procrustes --color-by label --hold-end 1 \\\n"
	"      --contact-sheet sheet.png -o 'frames/frame_%%05d.png'\n"
	"  atlasplot animate --images imgs.npy --from xy.npy --camera-to 3.5,-1,20 --duration 4 \\\n"
	"      --size 1280x720 -o - | ffmpeg -f rawvideo -pix_fmt rgba -s 1280x720 -r 30 -i - \\\n"
	"      -pix_fmt yuv420p zoom.mp4\n"
	"  parallel atlasplot animate ... --shard {}/4 -o 'frames/f_%%05d.png' ::: 0 1 2 3\n";

struct animate_args {
	struct frames_desc c;
	struct anim_desc an;
	const char *from, *out, *path;
	struct zpath_keys keys;
};


static int parse_ease(const char *opt, const char *arg, enum tween_ease *out, struct ap_err *err)
{
	if (tween_ease_parse(arg, out))
		return ap_errf(err, "%s '%s': expected one of %s", opt, arg, tween_ease_names());
	return 0;
}

static int parse_seconds(const char *opt, const char *arg, double *out, struct ap_err *err)
{
	if (opts_double(arg, out) || *out < 0 || *out > 1e6)
		return ap_errf(err, "%s '%s': expected seconds, a number >= 0", opt, arg);
	return 0;
}

/* "K/N" with 0 <= K < N. */
static int parse_shard(const char *s, long *k, long *n)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	unsigned long uk, un;
	if (!slash || (size_t)(slash - s) >= sizeof buf)
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	if (opts_uint(buf, MAX_FRAMES, &uk) || opts_uint(slash + 1, MAX_FRAMES, &un) || uk >= un)
		return -1;
	*k = (long)uk;
	*n = (long)un;
	return 0;
}

/* "A:B", "A:", ":B" with A < B. */
static int parse_range(const char *s, long *a, long *b)
{
	char buf[64];
	const char *colon = strchr(s, ':');
	unsigned long u;
	if (!colon || (size_t)(colon - s) >= sizeof buf)
		return -1;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = 0;
	*a = 0;
	*b = 0;                      /* to the end */
	if (buf[0]) {
		if (opts_uint(buf, MAX_FRAMES, &u))
			return -1;
		*a = (long)u;
	}
	if (colon[1]) {
		if (opts_uint(colon + 1, MAX_FRAMES, &u))
			return -1;
		*b = (long)u;
	}
	return colon[1] && *b <= *a ? -1 : 0;
}

/* The command's own options (cli_parser's opt). */
static int animate_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct animate_args *a = ctx;
	unsigned long u;
	switch (opt) {
	case OPT_FROM:
		a->from = arg;
		return 1;
	case OPT_TO:
		a->an.to = arg;
		return 1;
	case OPT_FRAMES:
		if (opts_uint(arg, MAX_FRAMES, &u) || !u)
			return ap_errf(err, "--frames '%s': expected an integer from 1 to %ld", arg, MAX_FRAMES);
		a->an.frames = (long)u;
		return 1;
	case OPT_DURATION:
		if (opts_double(arg, &a->an.duration) || !(a->an.duration > 0) || a->an.duration > 1e6)
			return ap_errf(err, "--duration '%s': expected seconds, a number > 0", arg);
		return 1;
	case OPT_FPS:
		if (opts_double(arg, &a->an.fps) || !(a->an.fps > 0) || a->an.fps > ANIM_MAX_FPS)
			return ap_errf(err, "--fps '%s': expected a number above 0, at most %g", arg, ANIM_MAX_FPS);
		return 1;
	case OPT_HOLD_START:
		return parse_seconds("--hold-start", arg, &a->an.hold_start, err) ? -1 : 1;
	case OPT_HOLD_END:
		return parse_seconds("--hold-end", arg, &a->an.hold_end, err) ? -1 : 1;
	case OPT_EASE:
		a->an.ease_set = true;   /* else anim_resolve puts the default back */
		return parse_ease("--ease", arg, &a->an.ease, err) ? -1 : 1;
	case OPT_PATH_EASE:
		a->an.path_ease_set = true;
		return parse_ease("--path-ease", arg, &a->an.path_ease, err) ? -1 : 1;
	case OPT_STAGGER:
		if (opts_double(arg, &a->an.stagger) || a->an.stagger < 0 || a->an.stagger > 1)
			return ap_errf(err, "--stagger '%s': expected a fraction from 0 to 1", arg);
		return 1;
	case OPT_STAGGER_BY:
		if (tween_order_parse(arg, &a->an.stagger_by))
			return ap_errf(err, "--stagger-by '%s': expected index, label or distance", arg);
		return 1;
	case OPT_ALIGN: {
		static const char *const align_names[] = { "none", "procrustes" };
		int i = 0;
		if (cli_name_opt("--align", arg, align_names, NAMES_COUNT(align_names), &i, err) < 0)
			return -1;
		a->an.procrustes = i == 1;
		return 1;
	}
	case OPT_CAMERA_FROM:
	case OPT_CAMERA_TO: {
		bool from = opt == OPT_CAMERA_FROM;
		if (opts_camera(arg, from ? &a->an.cam_from : &a->an.cam_to))
			return ap_errf(err, "--camera-%s '%s': expected CX,CY,ZOOM with ZOOM > 0", from ? "from" : "to", arg);
		const char *why = cam_check(from ? &a->an.cam_from : &a->an.cam_to);
		if (why)
			return ap_errf(err, "--camera-%s '%s': %s", from ? "from" : "to", arg, why);
		*(from ? &a->an.cam_from_set : &a->an.cam_to_set) = true;
		return 1;
	}
	case OPT_PATH:
		a->path = arg;
		return 1;
	case OPT_CONTACT_SHEET:
		a->an.sheet = arg;
		return 1;
	case OPT_RESUME:
		a->an.resume = true;
		return 1;
	case OPT_SHARD:
		if (parse_shard(arg, &a->an.shard_k, &a->an.shard_n))
			return ap_errf(err, "--shard '%s': expected K/N with 0 <= K < N, e.g. 0/4", arg);
		return 1;
	case OPT_RANGE:
		if (parse_range(arg, &a->an.range_a, &a->an.range_b))
			return ap_errf(err, "--range '%s': expected A:B, frames A to B-1 with A < B (A or B may be left out)", arg);
		return 1;
	case OPT_TITLE_FROM:
		a->c.text.title = arg;
		return 1;
	case OPT_TITLE_TO:
		a->c.text.title_to = arg;
		return 1;
	case 'o':
		a->out = arg;
		return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct animate_args *a, struct ap_err *err)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "fps", required_argument, NULL, OPT_FPS },
		{ "hold-start", required_argument, NULL, OPT_HOLD_START },
		{ "hold-end", required_argument, NULL, OPT_HOLD_END },
		{ "ease", required_argument, NULL, OPT_EASE },
		{ "stagger", required_argument, NULL, OPT_STAGGER },
		{ "stagger-by", required_argument, NULL, OPT_STAGGER_BY },
		{ "align", required_argument, NULL, OPT_ALIGN },
		{ "camera-from", required_argument, NULL, OPT_CAMERA_FROM },
		{ "camera-to", required_argument, NULL, OPT_CAMERA_TO },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "path-ease", required_argument, NULL, OPT_PATH_EASE },
		{ "contact-sheet", required_argument, NULL, OPT_CONTACT_SHEET },
		{ "resume", no_argument, NULL, OPT_RESUME },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "title-from", required_argument, NULL, OPT_TITLE_FROM },
		{ "title-to", required_argument, NULL, OPT_TITLE_TO },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_parser p = { ":o:vh", longopts, animate_opt, a, &a->c, 0 };
	int first, rc = cli_getopt(&p, argc, argv, &first, err);
	if (rc)
		return rc;
	if (cli_common_check(&a->c, err))
		return -1;
	if (!a->from && !a->c.paths.manifest)
		return ap_errf(err, "missing --from LAYOUT");
	if (a->from && a->c.paths.manifest)
		return ap_errf(err, "--from and --manifest: the manifest's x,y columns are the start layout; give one");
	if (!a->out)
		return ap_errf(err, "missing -o OUT (a pattern like frames/frame_%%05d.png, or - for raw frames on stdout)");
	if (a->an.frames && a->an.duration)
		return ap_errf(err, "--frames and --duration: give one, not both");
	if (a->path && (a->an.cam_from_set || a->an.cam_to_set))
		return ap_errf(err, "--path and --camera-from/--camera-to: give one or the other");
	if (a->an.procrustes && !a->an.to)
		return ap_errf(err, "--align procrustes: needs --to LAYOUT");
	bool to_stdout = !strcmp(a->out, "-");
	if (to_stdout && a->an.resume)
		return ap_errf(err, "--resume needs numbered PNG files, not -o -");
	if (!to_stdout && frames_check_pattern(a->out, false, err))
		return -1;
	return 0;
}

/* The progress line: on a terminal, redrawn at most 4 times a second; with -v, a line
 * every 5 s; with -v, the totals at the end. */
struct progress {
	bool tty, verbose;
	double last;
};

static void on_progress(void *user, const struct anim_progress *p)
{
	struct progress *pr = user;
	if (!pr->tty && !pr->verbose)
		return;
	if (!p->final && p->elapsed - pr->last < (pr->tty ? 0.25 : 5.0))
		goto out;
	pr->last = p->elapsed;
	double rate = p->elapsed > 0 ? (double)p->rendered / p->elapsed : 0;
	long left = p->todo - p->done;
	char eta[32] = "?";
	if (rate > 0)
		snprintf(eta, sizeof eta, "%.0f s", (double)left / rate);
	fprintf(stderr, "%satlasplot: frame %ld/%ld, %.1f frames/s, ETA %s%s", pr->tty ? "\r" : "", p->frame + 1,
		p->total, rate, eta, pr->tty ? "\033[K" : "\n");
	if (p->final && pr->tty)
		fputc('\n', stderr);
out:
	if (p->final && pr->verbose)
		fprintf(stderr, "atlasplot: %zu frame(s) rendered, %ld skipped as done: render %.1f ms/frame, "
			"%.2f s in all\n", p->rendered, p->skipped,
			p->rendered ? p->render_s * 1e3 / (double)p->rendered : 0.0, p->elapsed);
}

/* -o -: raw RGBA on stdout. */
static int raw_stdout(void *user, const uint8_t *rgba, size_t bytes, struct ap_err *err)
{
	(void)user;
	if (fwrite(rgba, 1, bytes, stdout) != bytes)
		return ap_errf(err, "output '-': %s", strerror(errno));
	return 0;
}

/*
 * The "Command" text of the frames: the command line without the options that only
 * choose which frames this process writes or how it talks (--shard, --range, --resume,
 * --contact-sheet, -v), so shards and resumed runs write the very bytes of a full run.
 */
static void frame_command(int argc, char **argv, char *buf, size_t len)
{
	static const char *const with_value[] = { "--shard", "--range", "--contact-sheet" };
	static const char *const flags[] = { "--resume", "--verbose", "-v" };
	char *kept[256];
	int n = 0;
	for (int i = 0; i < argc && n < (int)(sizeof kept / sizeof kept[0]); i++) {
		int drop = 0;            /* tokens to leave out: the option, and its value */
		for (size_t j = 0; j < sizeof with_value / sizeof with_value[0]; j++) {
			size_t l = strlen(with_value[j]);
			if (!strncmp(argv[i], with_value[j], l) && (argv[i][l] == '=' || !argv[i][l]))
				drop = argv[i][l] ? 1 : 2;
		}
		for (size_t j = 0; j < sizeof flags / sizeof flags[0]; j++)
			if (!strcmp(argv[i], flags[j]))
				drop = 1;
		if (drop)
			i += drop - 1;
		else
			kept[n++] = argv[i];
	}
	cli_command_line(n, kept, buf, len);
}

/* Stop between frames on SIGINT or SIGTERM (*sig says which); the handler goes after
 * the first signal, so a second one kills. */
static int animate_until_signal(struct animate_args *a, int argc, char **argv, struct ap_err *err, int *sig)
{
	char cmdline[2048];
	frame_command(argc + 1, argv - 1, cmdline, sizeof cmdline);
	struct cli_stop stop;
	a->an.stop = cli_stop_init(&stop);
	a->an.ready = cli_stop_begin;
	a->an.ready_ctx = &stop;
	struct progress pr = { .tty = isatty(2), .verbose = a->c.verbose > 0 };
	a->an.progress = on_progress;
	a->an.user = &pr;
	int rc = 0;
	bool to_stdout = !strcmp(a->out, "-");
	if (to_stdout && isatty(1))
		rc = ap_errf(err, "output '-': stdout is a terminal; pipe the raw frames into ffmpeg or a file");
	if (rc == 0) {
		if (to_stdout) {
			a->an.raw = raw_stdout;
			signal(SIGPIPE, SIG_IGN);   /* a closed pipe is a write error, not a silent death */
		}
		rc = anim_run(&a->an, &a->c, cmdline, err);
		if (rc == 0 && to_stdout && fflush(stdout))
			rc = ap_errf(err, "output '-': %s", strerror(errno));
	}
	*sig = cli_stop_end(&stop);
	return rc;
}

int cli_animate(int argc, char **argv)
{
	struct animate_args a;
	struct ap_err err;
	memset(&a, 0, sizeof a);
	cli_common_init(&a.c);
	int rc = parse(argc, argv, &a, &err);
	if (rc == CLI_HELP) {
		char common[8192];
		cli_common_help(common, sizeof common);
		printf(help, ANIM_DEFAULT_DURATION, ANIM_DEFAULT_FPS, ANIM_SHEET_FRAMES, ANIM_SHEET_COLS, ANIM_SHEET_TILE_W, common);
		cli_common_free(&a.c);
		return AP_EXIT_OK;
	}
	if (rc < 0) {
		cli_common_free(&a.c);
		return cli_usage("animate", &err);
	}
	if (!a.c.paths.manifest)
		a.c.paths.layout = a.from;
	a.an.out = strcmp(a.out, "-") ? a.out : NULL;
	err.msg[0] = 0;
	int code = AP_EXIT_OK;
	long total;
	if (a.path && zpath_file_load(a.path, &a.keys, &err)) {
		code = cli_fail(AP_EXIT_ERR, &err);
		goto out_free;
	}
	a.an.keys = a.path ? &a.keys : NULL;
	if (a.path)
		a.c.inputs[a.c.ninputs++] = a.path;   /* no frame may overwrite it */
	anim_resolve(&a.an);
	if (anim_count(&a.an, &total, &err)) {
		code = cli_usage("animate", &err);
		goto out_free;
	}
	int sig = 0;
	if (animate_until_signal(&a, argc, argv, &err, &sig))
		code = cli_fail(AP_EXIT_ERR, &err);
	else if (sig)
		code = cli_failf(128 + sig, "stopped by %s; the frames written are complete, rerun with --resume to finish",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
out_free:
	zpath_keys_free(&a.keys);
	cli_common_free(&a.c);
	return code;
}
