#include "app/anim.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/afile.h"
#include "io/ds.h"
#include "io/pngio.h"

#define SHEET_GAP 2
#define SHEET_GAP_RGBA 0x80, 0x80, 0x80, 0xff

enum cam_mode { CAM_FIT, CAM_MOVE, CAM_PATH };

/* The animation once the data is loaded. */
struct anim {
	const struct anim_desc *a;
	struct frames_desc *c;
	struct frames_engine e;
	size_t n;
	struct ap_layout b;          /* LAYOUT_B as loaded; xy NULL without --to */
	double *bp;                  /* B in A's units: where the points end */
	double *rank;
	enum cam_mode mode;
	struct cam cam0, cam1;
	struct zpath zp;
	double path_time;            /* seconds the keys span */
	long nframes, hold0, hold1, total;
};

void anim_resolve(struct anim_desc *d)
{
	if (!d->fps)
		d->fps = ANIM_DEFAULT_FPS;
	if (!d->ease_set) {
		d->ease = TWEEN_EASE_CUBIC_IN_OUT;
		d->ease_set = true;
	}
	if (!d->path_ease_set) {
		d->path_ease = TWEEN_EASE_CUBIC_IN_OUT;
		d->path_ease_set = true;
	}
}

static bool stopped(const struct anim_desc *a)
{
	return a->stop && *a->stop;
}

/* Frame counts: the move, the holds, the whole. */
static int plan_frames(struct anim *an, struct ap_err *err)
{
	const struct anim_desc *a = an->a;
	double fps = a->fps;
	if (a->frames) {
		an->nframes = a->frames;
	} else {
		double d = a->duration ? a->duration : a->keys ? an->path_time : ANIM_DEFAULT_DURATION;
		double n = floor(d * fps + 0.5) + 1;
		if (n > (double)ANIM_MAX_FRAMES && !a->duration && a->keys) {
			const struct zpath_key *last = &a->keys->key[a->keys->n - 1];
			return ap_errf(err, "path '%s' line %zu: time %g at --fps %g: more than %ld frames",
				       a->keys->path ? a->keys->path : "-", last->line, d, fps, ANIM_MAX_FRAMES);
		}
		if (n > (double)ANIM_MAX_FRAMES)
			return ap_errf(err, "--duration %g at --fps %g: more than %ld frames", d, fps, ANIM_MAX_FRAMES);
		an->nframes = (long)n;
	}
	double h0 = floor(a->hold_start * fps + 0.5), h1 = floor(a->hold_end * fps + 0.5);
	if ((double)an->nframes + h0 + h1 > (double)ANIM_MAX_FRAMES)
		return ap_errf(err, "%ld frames and holds of %g + %g frames: more than %ld frames", an->nframes,
			       h0, h1, ANIM_MAX_FRAMES);
	an->hold0 = (long)h0;
	an->hold1 = (long)h1;
	an->total = an->nframes + an->hold0 + an->hold1;
	if (a->out && frames_check_pattern(a->out, an->total > 1, err))
		return -1;
	return 0;
}

/*
 * The end positions in A's units: B normalised, aligned onto normalised A if asked,
 * then through A's inverse normalisation. Also the stagger ranks.
 */
static int plan_transition(struct anim *an, struct ap_err *err)
{
	const struct anim_desc *a = an->a;
	size_t n = an->n;
	const double *xa = an->e.d.lay.xy;
	double *na = malloc(n * 2 * sizeof *na), *nb = malloc(n * 2 * sizeof *nb);
	an->bp = malloc(n * 2 * sizeof *an->bp);
	an->rank = calloc(n, sizeof *an->rank);
	int rc = -1;
	if (!na || !nb || !an->bp || !an->rank) {
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
		frames_log(an->c, "mean travel %.4f before alignment, %.4f after procrustes "
				"(scale %.4f, %s); units: the normalised box", before, tween_mean_travel(na, nb, n),
				sqrt(fabs(m[0] * m[4] - m[1] * m[3])),
				m[0] * m[4] - m[1] * m[3] < 0 ? "reflected" : "not reflected");
	} else {
		frames_log(an->c, "mean travel %.4f; units: the normalised box", before);
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
		struct tween_points pts = { n, na, nb, an->e.d.labels };
		if (tween_stagger_ranks(a->stagger_by, &pts, an->rank, err))
			goto out_free;
	}
	rc = 0;
out_free:
	free(na);
	free(nb);
	return rc;
}

/* The transition for the draw session, which a GL backend keeps resident. */
static int plan_tween(struct anim *an, struct ap_err *err)
{
	/* B' is B moved and scaled, which a fit does not see: at t = 1 draw B's own numbers.
	 * Not when aligned: then B' is also turned. */
	const double *end = an->mode == CAM_FIT && !an->a->procrustes ? an->b.xy : NULL;
	struct draw_tween tw = { an->e.d.lay.xy, an->bp, end, an->rank, an->a->stagger, an->a->ease };
	return frames_tween_set(&an->e, &tw, err);
}

static void plan_camera(struct anim *an)
{
	const struct anim_desc *a = an->a;
	struct frames_engine *e = &an->e;
	if (a->keys) {
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
	zpath_cam_to_view(&an->cam0, e->s0, an->c->w, v0);
	zpath_cam_to_view(&an->cam1, e->s0, an->c->w, v1);
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

/* Positions and camera of frame k: the positions, or NULL for the transition at the
 * engine's tween_t. Ends are exact: A at t = 0, B' (or B) at t = 1.
 * With --clamp-camera the camera is clamped last, after the interpolation, so a clamped
 * path stays continuous; count: a frame of the run (not a sheet's tile), for -v. */
static const double *frame_state(struct anim *an, long k, struct cam *cam, bool count)
{
	const struct anim_desc *a = an->a;
	double t = frame_t(an, k);
	const double *xy = an->e.d.lay.xy;
	an->e.fade = t;
	an->e.tween_t = t;
	if (an->bp)
		xy = NULL;
	switch (an->mode) {
	case CAM_FIT:
		/* the tweened points' box, on the CPU: the one per-point job a frame does here */
		frames_fit(&an->e, xy ? xy : frames_tween_points(&an->e, t));
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
			zpath_view_to_cam(v, an->e.s0, an->c->w, cam);
		}
		break;
	case CAM_PATH:
		zpath_keys_eval(a->keys, t * an->path_time, an->e.s0, an->c->w, a->path_ease, cam);
		break;
	}
	frames_clamp(&an->e, count ? k : -1, cam);
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
	if (frames_check_output(&an->e, an->a->sheet, err))
		return -1;
	const struct frames_desc *c = an->c;
	int count = an->total < ANIM_SHEET_FRAMES ? (int)an->total : ANIM_SHEET_FRAMES;
	int cols = count < ANIM_SHEET_COLS ? count : ANIM_SHEET_COLS;
	int rows = (count + cols - 1) / cols;
	int f = (c->w + ANIM_SHEET_TILE_W - 1) / ANIM_SHEET_TILE_W;
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
		const double *xy = frame_state(an, k, &cam, false);
		if (frames_draw(&an->e, xy, &cam, frame, err))
			goto out_free;
		sheet_tile(frame, c->w, c->h, f, sheet, sw, SHEET_GAP + (i % cols) * (tw + SHEET_GAP),
			   SHEET_GAP + (i / cols) * (th + SHEET_GAP));
	}
	an->e.t_render = t_render;
	struct pngio_text text[1] = { { "Software", "atlasplot " AP_VERSION } };
	struct pngio_wopts wo = { .level = c->png_level, .text = text, .ntext = 1, .dpi = c->text.dpi };
	int kind = figure_doc_kind(an->a->sheet);
	if (kind) {
		struct figure_page pg = { an->a->sheet, kind, sheet, sw, sh, c->text.dpi, 0 };
		rc = figure_write_doc(NULL, &pg, err);
	} else {
		rc = pngio_write(an->a->sheet, sheet, (uint32_t)sw, (uint32_t)sh, &wo, err);
	}
out_free:
	free(frame);
	free(sheet);
	return rc;
}

/* ---- the frame loop ---- */

static long count_todo(long lo, long hi, long shard_k, long shard_n)
{
	if (hi <= lo)
		return 0;
	if (!shard_n)
		return hi - lo;
	long first = lo + ((shard_k - lo % shard_n) % shard_n + shard_n) % shard_n;
	return first >= hi ? 0 : (hi - 1 - first) / shard_n + 1;
}

/* The frames this run handles: [lo, hi), and of them those of its shard. */
struct stale {
	const char *base;            /* the pattern's file name part */
	long lo, hi, shard_k, shard_n;
};

static bool stale_mine(const char *name, void *ctx)
{
	const struct stale *s = ctx;
	long k;
	return frames_path_index(s->base, name, &k) && k >= s->lo && k < s->hi &&
	       (!s->shard_n || k % s->shard_n == s->shard_k);
}

/* --resume after a kill: the temporaries its frames left are removed, not kept forever;
 * those of frames another shard writes are not this run's. Frames spread over folders
 * by the pattern (a %d before the last '/') are left alone. */
static void remove_stale(const struct anim *an, long lo, long hi)
{
	const struct anim_desc *a = an->a;
	const char *slash = strrchr(a->out, '/');
	if (slash && memchr(a->out, '%', (size_t)(slash - a->out)))
		return;
	char dir[4096] = ".";
	if (slash) {
		size_t n = (size_t)(slash - a->out);
		if (n >= sizeof dir)
			return;
		memcpy(dir, a->out, n);
		dir[n] = 0;
		if (!n)
			strcpy(dir, "/");
	}
	struct stale s = { slash ? slash + 1 : a->out, lo, hi, a->shard_k, a->shard_n };
	size_t n = afile_remove_stale(dir, stale_mine, &s);
	if (n)
		frames_log(an->c, "removed %zu stale temporary file(s) of this run's frames in '%s'", n, dir);
}

/* 0; -1 with err set; or 1 when a queued write failed, which frames_close reports. */
static int run_frames(struct anim *an, struct ap_err *err)
{
	const struct anim_desc *a = an->a;
	const struct frames_desc *c = an->c;
	bool to_raw = !a->out;
	long lo = a->range_a, hi = a->range_b <= 0 || a->range_b > an->total ? an->total : a->range_b;
	if (a->resume && a->out)
		remove_stale(an, lo, hi);
	double t0 = frames_now();
	struct anim_progress p = { .total = an->total, .todo = count_todo(lo, hi, a->shard_k, a->shard_n) };
	int rc = 0;
	for (long k = lo; k < hi && rc == 0 && !stopped(a); k++) {
		if (a->shard_n && k % a->shard_n != a->shard_k)
			continue;
		char path[4096];
		if (!to_raw && frames_path(a->out, k, path, sizeof path)) {
			rc = ap_errf(err, "output pattern '%s': the path is too long", a->out);
			break;
		}
		p.done++;
		p.frame = k;
		if (a->resume && pngio_is_valid_size(path, (uint32_t)c->w, (uint32_t)c->h)) {
			p.skipped++;
			continue;
		}
		struct cam cam;
		const double *xy = frame_state(an, k, &cam, true);
		if (to_raw) {
			rc = frames_to_sink(&an->e, xy, &cam, a->raw, a->user, err);
		} else if (frames_emit(&an->e, xy, &cam, path, err)) {
			/* an empty record: a queued write failed, and frames_close will say how */
			rc = err->msg[0] ? -1 : 1;
		}
		p.rendered++;
		if (a->progress) {
			p.elapsed = frames_now() - t0;
			p.render_s = an->e.t_render;
			a->progress(a->user, &p);
		}
	}
	/* the raw frames still being read back (GL): complete ones, even when stopped */
	if (to_raw && rc == 0)
		rc = frames_sink_flush(&an->e, err);
	if (a->progress && p.done) {
		p.elapsed = frames_now() - t0;
		p.render_s = an->e.t_render;
		p.final = true;
		a->progress(a->user, &p);
	}
	return rc;
}

int anim_count(const struct anim_desc *d, long *total, struct ap_err *err)
{
	struct anim an;
	memset(&an, 0, sizeof an);
	an.a = d;
	an.path_time = d->keys ? zpath_keys_duration(d->keys) : 0;
	if (plan_frames(&an, err))
		return -1;
	*total = an.total;
	return 0;
}

static void anim_free(struct anim *an)
{
	lay_free(&an->b);
	free(an->bp);
	free(an->rank);
}

int anim_run(struct anim_desc *a, struct frames_desc *c, const char *command, struct ap_err *err)
{
	struct anim an;
	memset(&an, 0, sizeof an);
	anim_resolve(a);
	an.a = a;
	an.c = c;
	an.path_time = a->keys ? zpath_keys_duration(a->keys) : 0;
	if (plan_frames(&an, err))
		return -1;
	if (frames_open(&an.e, c, command, err))
		return -1;
	/* frames_close reports a failed write only into an empty record, and opening may
	 * have left one (an EGL attempt before the OSMesa fallback). */
	err->msg[0] = 0;
	an.n = an.e.d.imgs.n;
	frames_add_input(&an.e, a->to);
	/* before a minute of frames, not after */
	int rc = a->sheet ? frames_check_output(&an.e, a->sheet, err) : 0;
	if (rc == 0 && a->to && (rc = ds_load_layout(a->to, an.n, c->paths.max_bytes, &an.b, err)) == 0)
		rc = plan_transition(&an, err);
	if (rc == 0) {
		plan_camera(&an);
		if (an.bp)
			rc = plan_tween(&an, err);
	}
	if (rc == 0) {
		/* the legend's corner and the opacity from frame 0, whichever frames this run draws */
		struct cam cam;
		const double *xy = frame_state(&an, 0, &cam, false);
		if (an.e.fig)
			frames_pin_legend(&an.e, xy, &cam);
		rc = frames_pin_opacity(&an.e, xy, &cam, err);
	}
	if (rc == 0) {
		if (a->ready)
			a->ready(a->ready_ctx);
		rc = run_frames(&an, err);
	}
	if (rc == 0 && a->sheet && !stopped(a))
		rc = write_sheet(&an, err);
	if (frames_close(&an.e, rc < 0 ? rc : 0, err))
		rc = -1;
	else if (rc)
		rc = ap_errf(err, "output '%s': a frame could not be written", a->out ? a->out : "-");
	anim_free(&an);
	return rc;
}
