/*
 * atlasplot animate: the tweened transition of every image from its place in one
 * layout to its place in another, or a camera move over one layout, rendered to
 * numbered PNG frames or a raw RGBA stream.
 *
 * Everything is drawn in LAYOUT_A's data units: B is normalised (tween_normalize),
 * optionally Procrustes-aligned onto normalised A, and mapped back through A's inverse
 * normalisation. Frame 0 is then A's own coordinates bit for bit, so it equals
 * `render --layout A`; cameras (--camera-from/--camera-to/--path) are in A's units.
 * With the default fitted camera and no --align the end frames are drawn from B's own
 * coordinates, so the last frame equals `render --layout B` too (a fit does not see
 * B's translation and scale; rounding in B' could move a sprite edge by a pixel).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "app/frames.h"
#include "io/pngio.h"
#include "io/zpath_file.h"
#include "core/tween.h"
#include "core/zpath.h"

enum {
	OPT_FROM = OPT_COMMAND_BASE, OPT_TO, OPT_FRAMES, OPT_DURATION, OPT_FPS, OPT_HOLD_START,
	OPT_HOLD_END, OPT_EASE, OPT_STAGGER, OPT_STAGGER_BY, OPT_ALIGN, OPT_CAMERA_FROM, OPT_CAMERA_TO,
	OPT_PATH, OPT_PATH_EASE, OPT_CONTACT_SHEET, OPT_RESUME, OPT_SHARD, OPT_RANGE,
};

#define DEFAULT_FPS 30.0
#define DEFAULT_DURATION 2.0
#define MAX_FRAMES 10000000L
#define MAX_FPS 1000.0
#define SHEET_FRAMES 12
#define SHEET_COLS 4
#define SHEET_TILE_W 480         /* tiles are shrunk by an integer factor to at most this */
#define SHEET_GAP 2
#define SHEET_GAP_RGBA 0x80, 0x80, 0x80, 0xff

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
	"                       (default 2, or the last --path key's time)\n"
	"  --fps F              frames per second (default 30)\n"
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
	struct cli_common c;
	const char *from, *to, *out, *path, *sheet;
	long frames;                 /* 0: from the duration */
	double duration;             /* 0: unset */
	double fps;
	double hold_start, hold_end;
	enum tween_ease ease, path_ease;
	double stagger;
	enum tween_order stagger_by;
	bool procrustes;
	bool cam_from_set, cam_to_set;
	struct cam cam_from, cam_to;
	bool resume;
	long shard_k, shard_n;       /* shard_n 0: no shard */
	long range_a, range_b;       /* range_b -1: to the end */
};

enum cam_mode { CAM_FIT, CAM_MOVE, CAM_PATH };

/* The animation once the data is loaded. */
struct anim {
	const struct animate_args *a;
	struct frames_engine e;
	size_t n;
	struct ap_layout b;          /* LAYOUT_B as loaded; xy NULL without --to */
	double *bp;                  /* B in A's units: where the points end */
	double *rank, *prog, *xy;
	enum cam_mode mode;
	struct cam cam0, cam1;
	struct zpath zp;
	struct zpath_keys keys;
	double path_time;            /* seconds the keys span */
	long nframes, hold0, hold1, total;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

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
	*b = -1;
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
	return *b >= 0 && *b <= *a ? -1 : 0;
}

/* The command's own options; 0 handled, -1 bad value, 1 not one of them. */
static int parse_own(struct animate_args *a, int opt, const char *arg, struct ap_err *err)
{
	unsigned long u;
	switch (opt) {
	case OPT_FROM:
		a->from = arg;
		return 0;
	case OPT_TO:
		a->to = arg;
		return 0;
	case OPT_FRAMES:
		if (opts_uint(arg, MAX_FRAMES, &u) || !u)
			return ap_errf(err, "--frames '%s': expected an integer from 1 to %ld", arg, MAX_FRAMES);
		a->frames = (long)u;
		return 0;
	case OPT_DURATION:
		if (opts_double(arg, &a->duration) || !(a->duration > 0) || a->duration > 1e6)
			return ap_errf(err, "--duration '%s': expected seconds, a number > 0", arg);
		return 0;
	case OPT_FPS:
		if (opts_double(arg, &a->fps) || !(a->fps > 0) || a->fps > MAX_FPS)
			return ap_errf(err, "--fps '%s': expected a number above 0, at most %g", arg, MAX_FPS);
		return 0;
	case OPT_HOLD_START:
		return parse_seconds("--hold-start", arg, &a->hold_start, err);
	case OPT_HOLD_END:
		return parse_seconds("--hold-end", arg, &a->hold_end, err);
	case OPT_EASE:
		return parse_ease("--ease", arg, &a->ease, err);
	case OPT_PATH_EASE:
		return parse_ease("--path-ease", arg, &a->path_ease, err);
	case OPT_STAGGER:
		if (opts_double(arg, &a->stagger) || a->stagger < 0 || a->stagger > 1)
			return ap_errf(err, "--stagger '%s': expected a fraction from 0 to 1", arg);
		return 0;
	case OPT_STAGGER_BY:
		if (tween_order_parse(arg, &a->stagger_by))
			return ap_errf(err, "--stagger-by '%s': expected index, label or distance", arg);
		return 0;
	case OPT_ALIGN:
		if (!strcmp(arg, "none"))
			a->procrustes = false;
		else if (!strcmp(arg, "procrustes"))
			a->procrustes = true;
		else
			return ap_errf(err, "--align '%s': expected none or procrustes", arg);
		return 0;
	case OPT_CAMERA_FROM:
	case OPT_CAMERA_TO: {
		bool from = opt == OPT_CAMERA_FROM;
		if (opts_camera(arg, from ? &a->cam_from : &a->cam_to))
			return ap_errf(err, "--camera-%s '%s': expected CX,CY,ZOOM with ZOOM > 0", from ? "from" : "to", arg);
		*(from ? &a->cam_from_set : &a->cam_to_set) = true;
		return 0;
	}
	case OPT_PATH:
		a->path = arg;
		return 0;
	case OPT_CONTACT_SHEET:
		a->sheet = arg;
		return 0;
	case OPT_RESUME:
		a->resume = true;
		return 0;
	case OPT_SHARD:
		if (parse_shard(arg, &a->shard_k, &a->shard_n))
			return ap_errf(err, "--shard '%s': expected K/N with 0 <= K < N, e.g. 0/4", arg);
		return 0;
	case OPT_RANGE:
		if (parse_range(arg, &a->range_a, &a->range_b))
			return ap_errf(err, "--range '%s': expected A:B, frames A to B-1 with A < B (A or B may be left out)", arg);
		return 0;
	case 'o':
		a->out = arg;
		return 0;
	}
	return 1;
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
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	optind = 1;
	opterr = 0;
	int opt;
	while ((opt = getopt_long(argc, argv, ":o:vh", longopts, NULL)) != -1) {
		int r = cli_common_opt(&a->c, opt, optarg, err);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (opt == 'h')
			return 1;
		if (opt == ':')
			return cli_bad_option(opt, argv, err);
		r = parse_own(a, opt, optarg, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return cli_bad_option(opt, argv, err);
	}
	if (optind < argc)
		return ap_errf(err, "unexpected argument '%s'", argv[optind]);
	if (!a->c.paths.nimages && !a->c.paths.manifest)
		return ap_errf(err, "missing --images FILE (or --manifest FILE)");
	if (!a->from && !a->c.paths.manifest)
		return ap_errf(err, "missing --from LAYOUT");
	if (a->from && a->c.paths.manifest)
		return ap_errf(err, "--from and --manifest: the manifest's x,y columns are the start layout; give one");
	if (!a->out)
		return ap_errf(err, "missing -o OUT (a pattern like frames/frame_%%05d.png, or - for raw frames on stdout)");
	if (a->frames && a->duration)
		return ap_errf(err, "--frames and --duration: give one, not both");
	if (a->path && (a->cam_from_set || a->cam_to_set))
		return ap_errf(err, "--path and --camera-from/--camera-to: give one or the other");
	if (a->procrustes && !a->to)
		return ap_errf(err, "--align procrustes: needs --to LAYOUT");
	bool to_stdout = !strcmp(a->out, "-");
	if (to_stdout && a->resume)
		return ap_errf(err, "--resume needs numbered PNG files, not -o -");
	if (!to_stdout && frames_check_pattern(a->out, false, err))
		return -1;
	return 0;
}

/* Frame counts: the move, the holds, the whole. */
static int plan_frames(struct anim *an, struct ap_err *err)
{
	const struct animate_args *a = an->a;
	double fps = a->fps;
	if (a->frames) {
		an->nframes = a->frames;
	} else {
		double d = a->duration ? a->duration : a->path ? an->path_time : DEFAULT_DURATION;
		double n = floor(d * fps + 0.5) + 1;
		if (n > (double)MAX_FRAMES)
			return ap_errf(err, "--duration %g at --fps %g: more than %ld frames", d, fps, MAX_FRAMES);
		an->nframes = (long)n;
	}
	double h0 = floor(a->hold_start * fps + 0.5), h1 = floor(a->hold_end * fps + 0.5);
	if ((double)an->nframes + h0 + h1 > (double)MAX_FRAMES)
		return ap_errf(err, "%ld frames and holds of %g + %g frames: more than %ld frames", an->nframes,
			       h0, h1, MAX_FRAMES);
	an->hold0 = (long)h0;
	an->hold1 = (long)h1;
	an->total = an->nframes + an->hold0 + an->hold1;
	if (strcmp(a->out, "-") && frames_check_pattern(a->out, an->total > 1, err))
		return -1;
	return 0;
}

/*
 * The end positions in A's units: B normalised, aligned onto normalised A if asked,
 * then through A's inverse normalisation. Also the stagger ranks.
 */
static int plan_transition(struct anim *an, struct ap_err *err)
{
	const struct animate_args *a = an->a;
	size_t n = an->n;
	const double *xa = an->e.d.lay.xy;
	double *na = malloc(n * 2 * sizeof *na), *nb = malloc(n * 2 * sizeof *nb);
	an->bp = malloc(n * 2 * sizeof *an->bp);
	an->xy = malloc(n * 2 * sizeof *an->xy);
	an->prog = malloc(n * sizeof *an->prog);
	an->rank = calloc(n, sizeof *an->rank);
	int rc = -1;
	if (!na || !nb || !an->bp || !an->xy || !an->prog || !an->rank) {
		ap_errf(err, "out of memory for %zu points", n);
		goto out_free;
	}
	double tfa[4], tfb[4];
	tween_normalize(xa, n, na, tfa);
	tween_normalize(an->b.xy, n, nb, tfb);
	double before = tween_mean_travel(na, nb, n);
	if (a->procrustes) {
		double m[6];
		tween_procrustes(na, nb, n, m);
		tween_apply(m, nb, n, nb);
		if (a->c.verbose)
			fprintf(stderr, "atlasplot: mean travel %.4f before alignment, %.4f after procrustes "
				"(scale %.4f, %s); units: the normalised box\n", before, tween_mean_travel(na, nb, n),
				sqrt(fabs(m[0] * m[4] - m[1] * m[3])),
				m[0] * m[4] - m[1] * m[3] < 0 ? "reflected" : "not reflected");
	} else if (a->c.verbose) {
		fprintf(stderr, "atlasplot: mean travel %.4f; units: the normalised box\n", before);
	}
	for (size_t i = 0; i < n; i++) {
		an->bp[2 * i] = nb[2 * i] / tfa[2] + tfa[0];
		an->bp[2 * i + 1] = nb[2 * i + 1] / tfa[2] + tfa[1];
	}
	if (a->stagger > 0) {
		if (a->stagger_by == TWEEN_ORDER_LABEL && !an->e.d.labels) {
			ap_errf(err, "--stagger-by label: the data set has no labels (give --labels, or a layout CSV with a label column)");
			goto out_free;
		}
		if (tween_stagger_ranks(a->stagger_by, na, nb, an->e.d.labels, n, an->rank, err))
			goto out_free;
	}
	rc = 0;
out_free:
	free(na);
	free(nb);
	return rc;
}

static void plan_camera(struct anim *an)
{
	const struct animate_args *a = an->a;
	struct frames_engine *e = &an->e;
	if (a->path) {
		an->mode = CAM_PATH;
		return;
	}
	if (!a->cam_from_set && !a->cam_to_set) {
		an->mode = CAM_FIT;
		return;
	}
	/* s0 stays A's fit from here on: the cameras are in A's units. */
	an->mode = CAM_MOVE;
	struct cam def;
	cam_default(&e->box, &def);
	an->cam0 = a->cam_from_set ? a->cam_from : def;
	an->cam1 = a->cam_to_set ? a->cam_to : def;
	double v0[3], v1[3];
	zpath_cam_to_view(&an->cam0, e->s0, a->c.w, v0);
	zpath_cam_to_view(&an->cam1, e->s0, a->c.w, v1);
	zpath_init(&an->zp, v0, v1, 0);
}

static double frame_t(const struct anim *an, long k)
{
	long j = k - an->hold0;
	if (j <= 0)
		return 0;
	if (j >= an->nframes - 1)
		return 1;
	return (double)j / (double)(an->nframes - 1);
}

/* Positions and camera of frame k. Ends are exact: A at t = 0, B' (or B) at t = 1. */
static const double *frame_state(struct anim *an, long k, struct cam *cam)
{
	const struct animate_args *a = an->a;
	double t = frame_t(an, k);
	const double *xy = an->e.d.lay.xy;
	if (an->bp && t >= 1) {
		/* B' is B moved and scaled, which a fit does not see: draw B's own numbers.
		 * Not when aligned: then B' is also turned. */
		xy = an->mode == CAM_FIT && !a->procrustes ? an->b.xy : an->bp;
	} else if (an->bp && t > 0) {
		tween_progress_all(t, an->rank, an->n, a->stagger, a->ease, an->prog);
		tween_lerp_points(an->e.d.lay.xy, an->bp, an->n, an->prog, 0, an->xy);
		xy = an->xy;
	}
	switch (an->mode) {
	case CAM_FIT:
		frames_fit(&an->e, xy);
		cam_default(&an->e.box, cam);
		break;
	case CAM_MOVE:
		if (t <= 0) {
			*cam = an->cam0;
		} else if (t >= 1) {
			*cam = an->cam1;
		} else {
			double v[3];
			zpath_eval(&an->zp, tween_ease(a->path_ease, t), v);
			zpath_view_to_cam(v, an->e.s0, a->c.w, cam);
		}
		break;
	case CAM_PATH:
		zpath_keys_eval(&an->keys, t * an->path_time, an->e.s0, a->c.w, a->path_ease, cam);
		break;
	}
	return xy;
}

/* ---- contact sheet ---- */

static void sheet_tile(const uint8_t *src, int w, int h, int f, uint8_t *dst, int dst_w, int x0, int y0)
{
	int tw = w / f, th = h / f;
	unsigned ff = (unsigned)(f * f);
	for (int ty = 0; ty < th; ty++) {
		for (int tx = 0; tx < tw; tx++) {
			unsigned sum[4] = { 0, 0, 0, 0 };
			for (int y = ty * f; y < ty * f + f; y++) {
				const uint8_t *p = src + ((size_t)y * w + (size_t)tx * f) * 4;
				for (int x = 0; x < f * 4; x++)
					sum[x & 3] += p[x];
			}
			uint8_t *q = dst + ((size_t)(y0 + ty) * dst_w + x0 + tx) * 4;
			for (int c = 0; c < 4; c++)
				q[c] = (uint8_t)((sum[c] + ff / 2) / ff);
		}
	}
}

/* Renders its frames itself, so it shows the whole animation whatever --shard,
 * --range or --resume left out. */
static int write_sheet(struct anim *an, struct ap_err *err)
{
	const struct cli_common *c = &an->a->c;
	int count = an->total < SHEET_FRAMES ? (int)an->total : SHEET_FRAMES;
	int cols = count < SHEET_COLS ? count : SHEET_COLS;
	int rows = (count + cols - 1) / cols;
	int f = (c->w + SHEET_TILE_W - 1) / SHEET_TILE_W;
	if (f > c->h)
		f = c->h;            /* a very wide, flat frame keeps one row */
	int tw = c->w / f, th = c->h / f;
	int sw = cols * tw + (cols + 1) * SHEET_GAP, sh = rows * th + (rows + 1) * SHEET_GAP;
	uint8_t *frame = malloc((size_t)c->w * c->h * 4), *sheet = malloc((size_t)sw * sh * 4);
	int rc = -1;
	if (!frame || !sheet) {
		ap_errf(err, "contact sheet '%s': out of memory", an->a->sheet);
		goto out_free;
	}
	double t_render = an->e.t_render;   /* -v's render time is the animation's */
	static const uint8_t gap[4] = { SHEET_GAP_RGBA };
	for (size_t i = 0; i < (size_t)sw * sh; i++)
		memcpy(sheet + i * 4, gap, 4);
	for (int i = 0; i < count; i++) {
		long k = count == 1 ? 0 : (long)floor((double)i * (double)(an->total - 1) / (count - 1) + 0.5);
		struct cam cam;
		const double *xy = frame_state(an, k, &cam);
		if (frames_draw(&an->e, xy, &cam, frame, err))
			goto out_free;
		sheet_tile(frame, c->w, c->h, f, sheet, sw, SHEET_GAP + (i % cols) * (tw + SHEET_GAP),
			   SHEET_GAP + (i / cols) * (th + SHEET_GAP));
	}
	an->e.t_render = t_render;
	struct pngio_text text[1] = { { "Software", "atlasplot " AP_VERSION } };
	struct pngio_wopts wo = { .level = c->png_level, .text = text, .ntext = 1 };
	rc = pngio_write(an->a->sheet, sheet, (uint32_t)sw, (uint32_t)sh, &wo, err);
out_free:
	free(frame);
	free(sheet);
	return rc;
}

/* ---- the frame loop ---- */

struct progress {
	bool tty, verbose;
	double t0, last;
	long done, todo;             /* frames handled this run, and to handle */
	size_t rendered;
	long skipped;
};

static void progress_show(struct progress *p, long k, long total, bool final)
{
	if (!p->tty && !p->verbose)
		return;
	double now = frames_now();
	if (!final && now - p->last < (p->tty ? 0.25 : 5.0))
		return;
	p->last = now;
	double el = now - p->t0;
	double rate = el > 0 ? (double)p->rendered / el : 0;
	long left = p->todo - p->done;
	char eta[32] = "?";
	if (rate > 0)
		snprintf(eta, sizeof eta, "%.0f s", (double)left / rate);
	fprintf(stderr, "%satlasplot: frame %ld/%ld, %.1f frames/s, ETA %s%s", p->tty ? "\r" : "", k + 1, total,
		rate, eta, p->tty ? "\033[K" : "\n");
	if (final && p->tty)
		fputc('\n', stderr);
}

static long count_todo(long lo, long hi, long shard_k, long shard_n)
{
	if (hi <= lo)
		return 0;
	if (!shard_n)
		return hi - lo;
	long first = lo + ((shard_k - lo % shard_n) % shard_n + shard_n) % shard_n;
	return first >= hi ? 0 : (hi - 1 - first) / shard_n + 1;
}

/* 0; -1 with err set; or 1 when a queued write failed, which frames_close reports. */
static int run_frames(struct anim *an, struct ap_err *err)
{
	const struct animate_args *a = an->a;
	const struct cli_common *c = &a->c;
	bool to_stdout = !strcmp(a->out, "-");
	size_t frame_bytes = (size_t)c->w * c->h * 4;
	uint8_t *raw = NULL;
	if (to_stdout && !(raw = malloc(frame_bytes)))
		return ap_errf(err, "out of memory for a %dx%d frame", c->w, c->h);
	long lo = a->range_a, hi = a->range_b < 0 || a->range_b > an->total ? an->total : a->range_b;
	struct progress p = {
		.tty = isatty(2), .verbose = c->verbose > 0, .t0 = frames_now(),
		.todo = count_todo(lo, hi, a->shard_k, a->shard_n),
	};
	p.last = p.t0;
	int rc = 0;
	long last = lo;
	for (long k = lo; k < hi && rc == 0 && !stop_signal; k++) {
		if (a->shard_n && k % a->shard_n != a->shard_k)
			continue;
		char path[4096];
		if (!to_stdout && frames_path(a->out, k, path, sizeof path)) {
			rc = ap_errf(err, "output pattern '%s': the path is too long", a->out);
			break;
		}
		p.done++;
		last = k;
		if (a->resume && pngio_is_valid_size(path, (uint32_t)c->w, (uint32_t)c->h)) {
			p.skipped++;
			continue;
		}
		struct cam cam;
		const double *xy = frame_state(an, k, &cam);
		if (to_stdout) {
			rc = frames_draw(&an->e, xy, &cam, raw, err);
			if (rc == 0 && fwrite(raw, 1, frame_bytes, stdout) != frame_bytes)
				rc = ap_errf(err, "output '-': %s", strerror(errno));
		} else if (frames_emit(&an->e, xy, &cam, path, err)) {
			/* an empty record: a queued write failed, and frames_close will say how */
			rc = err->msg[0] ? -1 : 1;
		}
		p.rendered++;
		progress_show(&p, k, an->total, false);
	}
	if (rc == 0 && to_stdout && fflush(stdout))
		rc = ap_errf(err, "output '-': %s", strerror(errno));
	if (p.done)
		progress_show(&p, last, an->total, true);
	if (c->verbose)
		fprintf(stderr, "atlasplot: %zu frame(s) rendered, %ld skipped as done: render %.1f ms/frame, "
			"%.2f s in all\n", p.rendered, p.skipped,
			p.rendered ? an->e.t_render * 1e3 / (double)p.rendered : 0.0, frames_now() - p.t0);
	free(raw);
	return rc;
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

static void animate_free(struct anim *an)
{
	lay_free(&an->b);
	zpath_keys_free(&an->keys);
	free(an->bp);
	free(an->rank);
	free(an->prog);
	free(an->xy);
}

static int animate(struct anim *an, struct cli_common *c, const char *command, struct ap_err *err)
{
	const struct animate_args *a = an->a;
	if (!strcmp(a->out, "-") && isatty(1))
		return ap_errf(err, "output '-': stdout is a terminal; pipe the raw frames into ffmpeg or a file");
	if (!c->paths.manifest)
		c->paths.layout = a->from;
	if (frames_open(&an->e, c, command, err))
		return -1;
	/* frames_close reports a failed write only into an empty record, and opening may
	 * have left one (an EGL attempt before the OSMesa fallback). */
	err->msg[0] = 0;
	an->n = an->e.d.imgs.n;
	int rc = 0;
	if (a->to && (rc = ds_load_layout(a->to, an->n, c->paths.max_bytes, &an->b, err)) == 0)
		rc = plan_transition(an, err);
	if (rc == 0) {
		plan_camera(an);
		if (!strcmp(a->out, "-"))
			signal(SIGPIPE, SIG_IGN);   /* a closed pipe is a write error, not a silent death */
		rc = run_frames(an, err);
	}
	if (rc == 0 && a->sheet && !stop_signal)
		rc = write_sheet(an, err);
	if (frames_close(&an->e, rc < 0 ? rc : 0, err))
		return -1;
	return rc ? ap_errf(err, "output '%s': a frame could not be written", a->out) : 0;
}

/* Stop between frames on SIGINT or SIGTERM (*sig says which); the handler goes after
 * the first signal, so a second one kills. */
static int animate_until_signal(struct anim *an, struct cli_common *c, int argc, char **argv, struct ap_err *err,
				int *sig)
{
	char cmdline[2048];
	frame_command(argc + 1, argv - 1, cmdline, sizeof cmdline);
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	/* a signal the parent ignores (nohup, a background job's SIGINT) stays ignored */
	sigaction(SIGINT, NULL, &old_int);
	sigaction(SIGTERM, NULL, &old_term);
	if (old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	if (old_term.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &sa, NULL);
	int rc = animate(an, c, cmdline, err);
	*sig = stop_signal;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

int cli_animate(int argc, char **argv)
{
	struct animate_args a;
	struct ap_err err;
	memset(&a, 0, sizeof a);
	cli_common_init(&a.c);
	a.fps = DEFAULT_FPS;
	a.ease = TWEEN_EASE_CUBIC_IN_OUT;
	a.path_ease = TWEEN_EASE_CUBIC_IN_OUT;
	a.range_b = -1;
	int rc = parse(argc, argv, &a, &err);
	if (rc > 0) {
		printf(help, SHEET_FRAMES, SHEET_COLS, SHEET_TILE_W, cli_common_help);
		cli_common_free(&a.c);
		return AP_EXIT_OK;
	}
	if (rc < 0) {
		cli_common_free(&a.c);
		return cli_usage("animate", &err);
	}
	struct anim an;
	memset(&an, 0, sizeof an);
	an.a = &a;
	err.msg[0] = 0;
	int code = AP_EXIT_OK;
	if (a.path && zpath_file_load(a.path, &an.keys, &err)) {
		code = cli_fail(AP_EXIT_ERR, &err);
		goto out_free;
	}
	an.path_time = a.path ? zpath_keys_duration(&an.keys) : 0;
	if (plan_frames(&an, &err)) {
		code = cli_usage("animate", &err);
		goto out_free;
	}
	int sig = 0;
	if (animate_until_signal(&an, &a.c, argc, argv, &err, &sig))
		code = cli_fail(AP_EXIT_ERR, &err);
	else if (sig)
		code = cli_failf(128 + sig, "stopped by %s; the frames written are complete, rerun with --resume to finish",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
out_free:
	animate_free(&an);
	cli_common_free(&a.c);
	return code;
}
