/*
 * job: the commands render and animate as jobs of the public API (ap_job_*): options
 * set by name and value as the command line spells them (its loop over argv calls
 * ap_job_set), checked together, then run through app/frames and app/anim with the
 * caller's hooks for progress, warnings, the stop flag and stdout. The help texts live
 * here beside the options they describe, their defaults printed from the constants.
 * Nothing here prints, reads the environment or knows of signals or terminals.
 */
#define AP_BUILD_API
#include <atlasplot.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/job_opts.h"
#include "app/anim.h"
#include "app/frames.h"
#include "base/grow.h"
#include "io/load.h"
#include "io/zpath_file.h"

enum job_kind { JOB_RENDER, JOB_ANIMATE };

struct ap_job {
	enum job_kind kind;
	struct frames_desc c;
	const char *out;
	/* render */
	struct opts_cams cams;
	/* animate */
	struct anim_desc an;
	const char *from, *path;
	struct zpath_keys keys;
	bool checked;                /* ap_job_check passed, nothing set since */
	/* a copy of every value set: the caller's strings need not outlive the call */
	char **vals;
	size_t nvals, cap_vals;
	/* the hooks of the run, for the adapters below */
	const ap_job_hooks *h;
};

enum {
	OPT_CAMERA = OPT_COMMAND_BASE, OPT_LAYOUT_R, OPT_SHOTS,
	OPT_FROM, OPT_TO, OPT_FRAMES, OPT_DURATION, OPT_FPS, OPT_HOLD_START,
	OPT_HOLD_END, OPT_EASE, OPT_STAGGER, OPT_STAGGER_BY, OPT_ALIGN, OPT_CAMERA_FROM, OPT_CAMERA_TO,
	OPT_PATH, OPT_PATH_EASE, OPT_CONTACT_SHEET, OPT_RESUME, OPT_SHARD, OPT_RANGE,
	OPT_TITLE_FROM, OPT_TITLE_TO,
};

#define MAX_FRAMES ANIM_MAX_FRAMES

static const ap_option render_opts[] = {
	JOB_COMMON_OPTS,
	{ "layout", AP_ARG_REQUIRED, 0, OPT_LAYOUT_R },
	{ "camera", AP_ARG_REQUIRED, 0, OPT_CAMERA },
	{ "shots", AP_ARG_REQUIRED, 0, OPT_SHOTS },
	{ "output", AP_ARG_REQUIRED, 'o', 'o' },
};

static const ap_option animate_opts[] = {
	JOB_COMMON_OPTS,
	{ "from", AP_ARG_REQUIRED, 0, OPT_FROM },
	{ "to", AP_ARG_REQUIRED, 0, OPT_TO },
	{ "frames", AP_ARG_REQUIRED, 0, OPT_FRAMES },
	{ "duration", AP_ARG_REQUIRED, 0, OPT_DURATION },
	{ "fps", AP_ARG_REQUIRED, 0, OPT_FPS },
	{ "hold-start", AP_ARG_REQUIRED, 0, OPT_HOLD_START },
	{ "hold-end", AP_ARG_REQUIRED, 0, OPT_HOLD_END },
	{ "ease", AP_ARG_REQUIRED, 0, OPT_EASE },
	{ "stagger", AP_ARG_REQUIRED, 0, OPT_STAGGER },
	{ "stagger-by", AP_ARG_REQUIRED, 0, OPT_STAGGER_BY },
	{ "align", AP_ARG_REQUIRED, 0, OPT_ALIGN },
	{ "camera-from", AP_ARG_REQUIRED, 0, OPT_CAMERA_FROM },
	{ "camera-to", AP_ARG_REQUIRED, 0, OPT_CAMERA_TO },
	{ "path", AP_ARG_REQUIRED, 0, OPT_PATH },
	{ "path-ease", AP_ARG_REQUIRED, 0, OPT_PATH_EASE },
	{ "contact-sheet", AP_ARG_REQUIRED, 0, OPT_CONTACT_SHEET },
	{ "resume", AP_ARG_NONE, 0, OPT_RESUME },
	{ "shard", AP_ARG_REQUIRED, 0, OPT_SHARD },
	{ "range", AP_ARG_REQUIRED, 0, OPT_RANGE },
	{ "title-from", AP_ARG_REQUIRED, 0, OPT_TITLE_FROM },
	{ "title-to", AP_ARG_REQUIRED, 0, OPT_TITLE_TO },
	{ "output", AP_ARG_REQUIRED, 'o', 'o' },
};

static const char render_help[] =
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

static const char animate_help[] =
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
	"  default              each frame fitted to the box of its points, as render fits;\n"
	"                       --clamp-camera (below) clamps each frame's camera after the\n"
	"                       move's interpolation, against A's fit\n"
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


static int read_shots(const char *path, ap_job *a, struct ap_err *err)
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
	ap_job *a = ctx;
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


static int animate_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	ap_job *a = ctx;
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
		if (job_name_opt("--align", arg, align_names, NAMES_COUNT(align_names), &i, err) < 0)
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


/* A command's table, and its length. */
static const ap_option *table(const char *command, size_t *n, enum job_kind *kind)
{
	if (command && !strcmp(command, "render")) {
		*n = NAMES_COUNT(render_opts);
		*kind = JOB_RENDER;
		return render_opts;
	}
	if (command && !strcmp(command, "animate")) {
		*n = NAMES_COUNT(animate_opts);
		*kind = JOB_ANIMATE;
		return animate_opts;
	}
	return NULL;
}

const ap_option *ap_job_options(const char *command, size_t *n)
{
	enum job_kind kind;
	return table(command, n, &kind);
}

char *ap_job_help(const char *command)
{
	enum job_kind kind;
	size_t k;
	if (!table(command, &k, &kind))
		return NULL;
	char common[8192];
	job_common_help(common, sizeof common);
	size_t len = strlen(common) + sizeof animate_help + sizeof render_help + 256;
	char *buf = malloc(len);
	if (!buf)
		return NULL;
	if (kind == JOB_RENDER)
		snprintf(buf, len, render_help, common);
	else
		snprintf(buf, len, animate_help, ANIM_DEFAULT_DURATION, ANIM_DEFAULT_FPS, ANIM_SHEET_FRAMES,
			 ANIM_SHEET_COLS, ANIM_SHEET_TILE_W, common);
	return buf;
}

static int fail(ap_error *out, const struct ap_err *e, int rc)
{
	if (out)
		memcpy(out->msg, e->msg, sizeof out->msg);
	return rc;
}

ap_job *ap_job_make(const char *command, ap_error *out)
{
	struct ap_err err;
	enum job_kind kind;
	size_t k;
	if (!table(command, &k, &kind)) {
		ap_errf(&err, "unknown command '%s': expected render or animate", command ? command : "");
		fail(out, &err, -1);
		return NULL;
	}
	ap_job *j = calloc(1, sizeof *j);
	if (!j) {
		ap_errf(&err, "out of memory for a job");
		fail(out, &err, -1);
		return NULL;
	}
	j->kind = kind;
	return j;
}

/* A copy of v that lives as long as the job. */
static const char *keep(ap_job *j, const char *v, struct ap_err *err)
{
	char *s = v ? strdup(v) : NULL;
	if (v && (!s || ap_grow((void **)&j->vals, &j->cap_vals, j->nvals + 1, sizeof *j->vals))) {
		free(s);
		ap_errf(err, "out of memory for an option");
		return NULL;
	}
	if (s)
		j->vals[j->nvals++] = s;
	return s ? s : "";
}

int ap_job_set(ap_job *j, const char *name, const char *value, ap_error *out)
{
	struct ap_err err;
	enum job_kind kind;
	size_t k;
	const ap_option *t = table(j->kind == JOB_RENDER ? "render" : "animate", &k, &kind);
	if (name && !strcmp(name, JOB_OPT_NO_PRESCALE)) {
		j->c.draw.no_prescale = true;
		return 0;
	}
	const ap_option *o = NULL;
	for (size_t i = 0; name && i < k && !o; i++)
		if (!strcmp(t[i].name, name) || (t[i].letter && name[0] == t[i].letter && !name[1]))
			o = &t[i];
	if (!o) {
		ap_errf(&err, "unknown option '%s%s'", name && name[0] && name[1] ? "--" : "-", name ? name : "");
		return fail(out, &err, AP_JOB_USAGE);
	}
	if (o->arg == AP_ARG_REQUIRED && !value) {
		ap_errf(&err, "option '--%s' needs a value", o->name);
		return fail(out, &err, AP_JOB_USAGE);
	}
	if (o->arg == AP_ARG_NONE && value) {
		ap_errf(&err, "option '--%s' takes no value", o->name);
		return fail(out, &err, AP_JOB_USAGE);
	}
	const char *v = value ? keep(j, value, &err) : NULL;
	if (value && !v)
		return fail(out, &err, AP_JOB_FAILED);
	j->checked = false;
	int r = job_common_opt(&j->c, o->key, v, &err);
	if (r == 0)
		r = j->kind == JOB_RENDER ? render_opt(j, o->key, v, &err) : animate_opt(j, o->key, v, &err);
	if (r == 1)
		return 0;
	return fail(out, &err, r == -2 ? AP_JOB_FAILED : AP_JOB_USAGE);
}

/* The checks between render's options. */
static int check_render(ap_job *a, struct ap_err *err)
{
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

/* The checks between animate's options. */
static int check_animate(ap_job *a, struct ap_err *err)
{
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

/* What the options decide together, once: the layouts, the --path keys, the frames. */
static int plan_animate(ap_job *a, struct ap_err *err)
{
	if (!a->c.paths.manifest)
		a->c.paths.layout = a->from;
	a->an.out = strcmp(a->out, "-") ? a->out : NULL;
	zpath_keys_free(&a->keys);
	memset(&a->keys, 0, sizeof a->keys);
	if (a->path && zpath_file_load(a->path, &a->keys, err))
		return AP_JOB_FAILED;
	a->an.keys = a->path ? &a->keys : NULL;
	if (a->path && a->c.ninputs < FRAMES_MAX_INPUTS)
		a->c.inputs[a->c.ninputs++] = a->path;   /* no frame may overwrite it */
	anim_resolve(&a->an);
	long total;
	return anim_count(&a->an, &total, err) ? AP_JOB_USAGE : 0;
}

int ap_job_check(ap_job *j, ap_error *out)
{
	struct ap_err err;
	if (j->checked)
		return 0;
	if (!j->c.paths.nimages && !j->c.paths.manifest) {
		ap_errf(&err, "missing --images FILE (or --manifest FILE)");
		return fail(out, &err, AP_JOB_USAGE);
	}
	if (job_common_check(&j->c, &err))
		return fail(out, &err, AP_JOB_USAGE);
	if ((j->kind == JOB_RENDER ? check_render : check_animate)(j, &err))
		return fail(out, &err, AP_JOB_USAGE);
	int rc = j->kind == JOB_ANIMATE ? plan_animate(j, &err) : 0;
	if (rc)
		return fail(out, &err, rc);
	j->checked = true;
	return 0;
}

/* A skipped image file: a warning naming it, the run goes on. */
static void on_skip(void *user, const char *path, const char *msg)
{
	ap_job *j = user;
	(void)path;
	ap_notef(j->h->warn, j->h->user, "%s (skipped)", msg);
}

static void on_progress(void *user, const struct anim_progress *p)
{
	ap_job *j = user;
	ap_job_progress q = {
		p->frame, p->total, p->done, p->todo, p->rendered, p->skipped, p->elapsed, p->render_s, p->final,
	};
	j->h->progress(j->h->user, &q);
}

static void on_ready(void *user)
{
	ap_job *j = user;
	j->h->ready(j->h->user);
}

/* -o -: raw RGBA frames to the hooks' stream. */
static int raw_out(void *user, const uint8_t *rgba, size_t bytes, struct ap_err *err)
{
	ap_job *j = user;
	if (fwrite(rgba, 1, bytes, j->h->out) != bytes)
		return ap_errf(err, "output '-': %s", strerror(errno));
	return 0;
}

int ap_job_run(ap_job *j, const ap_job_hooks *hooks, ap_error *out)
{
	static const ap_job_hooks none;
	struct ap_err err;
	int rc = ap_job_check(j, out);
	if (rc)
		return rc;
	j->h = hooks ? hooks : &none;
	const ap_job_hooks *h = j->h;
	bool to_stdout = !strcmp(j->out, "-");
	if (to_stdout && !h->out) {
		ap_errf(&err, "output '-': this caller gives no stream to write to");
		return fail(out, &err, AP_JOB_USAGE);
	}
	struct frames_desc *c = &j->c;
	c->log = c->verbose ? h->log : NULL;
	c->warn = h->warn;
	c->user = h->user;
	c->paths.dir.on_skip = h->warn ? on_skip : NULL;
	c->paths.dir.user = j;
	if (j->kind == JOB_RENDER) {
		struct frames_stills job = {
			.out = j->out,
			.command = h->command_line,
			.cams = j->cams.v,
			.ncams = j->cams.n,
			.fp = to_stdout ? h->out : NULL,
			.stop = h->stop,
			.ready = h->ready ? on_ready : NULL,
			.ready_ctx = j,
		};
		rc = frames_render_stills(c, &job, &err);
	} else {
		struct anim_desc *an = &j->an;
		an->stop = h->stop;
		an->ready = h->ready ? on_ready : NULL;
		an->ready_ctx = j;
		an->progress = h->progress ? on_progress : NULL;
		an->raw = to_stdout ? raw_out : NULL;
		an->user = j;
		rc = anim_run(an, c, h->command_line, &err);
		if (rc == 0 && to_stdout && fflush(h->out))
			rc = ap_errf(&err, "output '-': %s", strerror(errno));
	}
	if (rc)
		return fail(out, &err, AP_JOB_FAILED);
	return h->stop && *h->stop ? AP_JOB_STOPPED : 0;
}

void ap_job_free(ap_job *j)
{
	if (!j)
		return;
	job_common_free(&j->c);
	opts_cams_free(&j->cams);
	zpath_keys_free(&j->keys);
	for (size_t i = 0; i < j->nvals; i++)
		free(j->vals[i]);
	free(j->vals);
	free(j);
}
