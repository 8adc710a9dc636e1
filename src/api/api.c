/*
 * api: the public C API (include/atlasplot.h) over the frame loop: a data set from
 * arrays (io/ds_from_arrays) or files (ds_load), a scene that is an open frames engine
 * (app/frames_open_ds), transition frames planned as app/anim plans them. Only the
 * functions marked AP_API are exported from libatlasplot.so; nothing here prints or
 * reads the environment. Not here: option strings (the Python package and the command
 * line each have their own), files of frames (app/anim).
 */
#define AP_BUILD_API
#include <atlasplot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/figure.h"
#include "app/frames.h"
#include "core/cam.h"
#include "core/grid.h"
#include "core/pal.h"
#include "core/tween.h"
#include "core/zpath.h"
#include "io/ds.h"
#include "io/load.h"
#include "io/pngio.h"

struct ap_dataset {
	struct ds d;
};

struct ap_scene {
	struct frames_desc c;
	struct frames_engine e;
	bool fit_a;                  /* e's fit is layout A's (a transition refits) */
	bool legend_pinned;
	bool opacity0_set;           /* a transition's frame 0 opacity, worked out (--opacity auto) */
	double opacity0;
	char *title, *title_to, *caption, *names;
	/* the transition's plan (anim's plan_transition and plan_camera) */
	struct ap_layout b;
	double *bp, *rank;
	enum tween_ease ease, path_ease;
	bool procrustes;
	double stagger;
	bool move;                   /* a camera move from cam0 to cam1 along zp */
	struct cam cam0, cam1;
	struct zpath zp;
};

static int fail(ap_error *out, const struct ap_err *e)
{
	if (out)
		memcpy(out->msg, e->msg, sizeof out->msg);
	return -1;
}

/* An ap_array as a parsed NPY, so that io/ checks it with its file messages. */
static int as_npy(const ap_array *a, const char *what, struct npy *out, struct ap_err *err)
{
	const char *name = a->name ? a->name : "array";
	memset(out, 0, sizeof *out);
	const char *t = a->dtype ? a->dtype : "";
	size_t len = strlen(t);
	char kind = len >= 2 ? t[1] : 0;
	long size = len >= 3 ? strtol(t + 2, NULL, 10) : 0;
	if (len < 3 || len >= sizeof out->descr || !strchr("<>|=", t[0]) || !strchr("biufc", kind) || size < 1 ||
	    size > 16)
		return ap_errf(err, "%s '%s': unsupported dtype '%s' (not a plain number type)", what, name, t);
	if (t[0] == '>' && size > 1)
		return ap_errf(err, "%s '%s': big-endian dtype '%s' is not supported", what, name, t);
	if (a->ndim < -1 || a->ndim == 0 || a->ndim > 4) {
		char shape[160];
		size_t at = (size_t)snprintf(shape, sizeof shape, "(");
		for (int i = 0; i < a->ndim && i < AP_MAX_DIMS && at < sizeof shape; i++)
			at += (size_t)snprintf(shape + at, sizeof shape - at, "%s%zu", i ? ", " : "", a->shape[i]);
		if (at < sizeof shape)
			snprintf(shape + at, sizeof shape - at, ")");
		return ap_errf(err, "%s '%s': shape %s has %d dimensions, at most 4 are supported", what, name, shape,
			       a->ndim);
	}
	memcpy(out->descr, t, len + 1);
	out->descr[0] = '<';
	out->ndim = a->ndim < 0 ? 0 : a->ndim;
	out->itemsize = (size_t)size;
	out->count = 1;
	for (int i = 0; i < out->ndim; i++) {
		out->shape[i] = a->shape[i];
		if (ap_mul_size(out->count, a->shape[i], &out->count))
			return ap_errf(err, "%s '%s': shape is too large", what, name);
	}
	if (out->count && !a->data)
		return ap_errf(err, "%s '%s': no data", what, name);
	out->data = a->data;
	return 0;
}

ap_dataset *ap_dataset_make(const ap_dataset_desc *d, ap_error *out_err)
{
	struct ap_err err = { "" };
	ap_dataset *ds = calloc(1, sizeof *ds);
	if (!ds) {
		ap_errf(&err, "out of memory for a data set");
		goto out_fail;
	}
	if (d->images_path) {
		struct ds_paths p = { .nimages = 1, .layout = d->layout_path, .max_bytes = d->max_bytes };
		p.images[0] = d->images_path;
		if (d->labels_path)
			p.labels[p.nlabels++] = d->labels_path;
		if (ds_load(&p, &ds->d, &err))
			goto out_fail;
		return ds;
	}
	if (!d->images.ndim) {
		ap_errf(&err, "no images: give --images FILE");
		goto out_fail;
	}
	struct ds_arrays a = {
		.images_name = d->images.name ? d->images.name : "array",
		.layout_name = d->positions.name ? d->positions.name : "array",
		.labels_name = d->labels.name ? d->labels.name : "array",
		.max_bytes = d->max_bytes,
	};
	if (as_npy(&d->images, "images", &a.images, &err))
		goto out_fail;
	a.has_layout = d->positions.ndim != 0;
	a.has_labels = d->labels.ndim != 0;
	if (a.has_layout && as_npy(&d->positions, "layout", &a.layout, &err))
		goto out_fail;
	if (a.has_labels && as_npy(&d->labels, "labels", &a.labels, &err))
		goto out_fail;
	if (ds_from_arrays(&a, &ds->d, &err))
		goto out_fail;
	return ds;
out_fail:
	free(ds);
	fail(out_err, &err);
	return NULL;
}

size_t ap_dataset_count(const ap_dataset *ds)
{
	return ds->d.imgs.n;
}

void ap_dataset_free(ap_dataset *ds)
{
	if (!ds)
		return;
	ds_free(&ds->d);
	free(ds);
}

static int range(const char *opt, double v, double lo, double hi, struct ap_err *err)
{
	if (!(v >= lo && v <= hi))
		return ap_errf(err, "%s '%g': expected a number from %g to %g", opt, v, lo, hi);
	return 0;
}

static int sprite_px(const char *opt, double v, struct ap_err *err)
{
	if (!(v > 0))
		return ap_errf(err, "%s '%g': expected a positive number", opt, v);
	if (v > CAM_SPRITE_LIMIT)
		return ap_errf(err, "%s '%g': at most %g pixels", opt, v, CAM_SPRITE_LIMIT);
	return 0;
}

static int dup_str(const char *s, char **out, struct ap_err *err)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return ap_errf(err, "out of memory");
	return 0;
}

/* The desc as the command line's options would set a frames_desc, with their checks. */
static int scene_desc(ap_scene *s, const ap_scene_desc *d, struct ap_err *err)
{
	struct frames_desc *c = &s->c;
	if (d->width < 0 || d->height < 0 || d->width > DRAW_CPU_MAX_SIDE || d->height > DRAW_CPU_MAX_SIDE ||
	    (!d->width != !d->height))
		return ap_errf(err, "--size '%dx%d': expected WxH, e.g. 1920x1080", d->width, d->height);
	c->w = d->width;
	c->h = d->height;
	if (d->margin_set && range("--margin", d->margin, 0, 10, err))
		return -1;
	c->margin = d->margin;
	c->margin_set = d->margin_set;
	if (d->sprite && sprite_px("--sprite", d->sprite, err))
		return -1;
	c->sprite.base = d->sprite;
	if (d->sprite_growth_set && range("--sprite-growth", d->sprite_growth, 0, 4, err))
		return -1;
	c->sprite.growth = d->sprite_growth;
	c->sprite.growth_set = d->sprite_growth_set;
	if ((d->sprite_min && sprite_px("--sprite-min", d->sprite_min, err)) ||
	    (d->sprite_max && sprite_px("--sprite-max", d->sprite_max, err)))
		return -1;
	c->sprite.min = d->sprite_min;
	c->sprite.max = d->sprite_max;
	if ((unsigned)d->sprite_mode > AP_SPRITE_CONSTANT)
		return ap_errf(err, "--sprite-mode %d: expected power, asinh or constant", (int)d->sprite_mode);
	c->sprite.mode = (enum cam_sprite_mode)d->sprite_mode;
	const char *why = cam_sprite_check(&c->sprite);
	if (why)
		return ap_errf(err, "--sprite-growth %g: %s", c->sprite.growth, why);
	c->clamp_camera = d->clamp_camera;
	if ((unsigned)d->alpha > AP_ALPHA_OPAQUE)
		return ap_errf(err, "--alpha %d: expected discard, blend or opaque", (int)d->alpha);
	c->ro.alpha = (enum draw_alpha)d->alpha;
	if (d->threshold_set && range("--threshold", d->threshold, 0, 1, err))
		return -1;
	c->ro.threshold = d->threshold;
	c->ro.threshold_set = d->threshold_set;
	c->plain_discard = d->coverage_plain;
	c->color_by_label = d->color_by_label;
	c->ro.background = d->background;
	c->background_set = d->background_set;
	c->ro.outline = d->outline;
	if (d->highlight && opts_highlight_parse(d->highlight, &c->hl, err))
		return -1;
	if (d->highlight_scale) {
		if (!(d->highlight_scale > 0))
			return ap_errf(err, "--highlight-scale '%g': expected a positive number", d->highlight_scale);
		if (d->highlight_scale > SCENE_MAX_HIGHLIGHT_SCALE)
			return ap_errf(err, "--highlight-scale '%g': at most %g", d->highlight_scale,
				       SCENE_MAX_HIGHLIGHT_SCALE);
	}
	c->highlight_scale = d->highlight_scale;
	if ((unsigned)d->legend > AP_LEGEND_BOTTOM_RIGHT)
		return ap_errf(err, "--legend %d: expected none, auto, top-left, top-right, bottom-left or bottom-right",
			       (int)d->legend);
	c->text.legend = (enum figure_legend)d->legend;
	if (dup_str(d->title, &s->title, err) || dup_str(d->title_to, &s->title_to, err) ||
	    dup_str(d->caption, &s->caption, err) || dup_str(d->label_names, &s->names, err))
		return -1;
	c->text.title = s->title;
	c->text.title_to = s->title_to;
	c->text.caption = s->caption;
	c->text.names = s->names;
	if (d->font_size && range("--font-size", d->font_size, 1, 1000, err))
		return -1;
	c->text.font_size = d->font_size;
	c->text.color = d->text_color;
	if (d->dpi && range("--dpi", d->dpi, 1, 10000, err))
		return -1;
	c->text.dpi = d->dpi;
	if ((unsigned)d->backend > AP_BACKEND_EGL)
		return ap_errf(err, "--backend %d: expected auto, cpu, osmesa or egl", (int)d->backend);
	c->draw.backend = (enum draw_backend)d->backend;
	if (d->gpu_set && (d->gpu < 0 || d->gpu > 15))
		return ap_errf(err, "--gpu '%d': expected an EGL device number from 0 to 15 (atlasplot info lists them)",
			       d->gpu);
	c->draw.gpu = d->gpu;
	c->draw.gpu_set = d->gpu_set;
	uint32_t ps = d->page_size;
	if (ps && (ps < 16 || ps > 16384 || (ps & (ps - 1))))
		return ap_errf(err, "--page-size '%u': expected a power of two from 16 to 16384", ps);
	c->draw.page_size = ps;
	if (d->dots_below && sprite_px("--dots-below", d->dots_below, err))
		return -1;
	c->ro.dots_below = d->dots_below;
	if (d->dots_fade && range("--dots-fade", d->dots_fade, 1, DRAW_MAX_DOTS_FADE, err))
		return -1;
	c->ro.dots_fade = d->dots_fade;
	if ((unsigned)d->opacity_auto > AP_OPACITY_AUTO_FRAME)
		return ap_errf(err, "--opacity %d: expected a number above 0, at most 1, auto or auto-frame",
			       (int)d->opacity_auto);
	if (!d->opacity_auto && d->opacity && !(d->opacity > 0 && d->opacity <= 1))
		return ap_errf(err, "--opacity '%g': expected a number above 0, at most 1, auto or auto-frame",
			       d->opacity);
	c->ro.opacity = d->opacity_auto ? 0 : d->opacity;
	c->ro.opacity_auto = d->opacity_auto != AP_OPACITY_FIXED;
	c->opacity_per_frame = d->opacity_auto == AP_OPACITY_AUTO_FRAME;
	c->max_memory = d->max_memory;
	c->warn = d->warn;
	c->user = d->user;
	/* frames are handed back, not encoded: one idle encoder thread */
	c->encoders = 1;
	return 0;
}

static void scene_plan_free(ap_scene *s)
{
	if (s->e.dr)
		frames_tween_set(&s->e, NULL, NULL);   /* it borrows what goes now */
	lay_free(&s->b);
	free(s->bp);
	free(s->rank);
	s->bp = s->rank = NULL;
	s->move = false;
}

void ap_scene_free(ap_scene *s)
{
	if (!s)
		return;
	if (s->e.c)
		frames_close(&s->e, 0, NULL);
	scene_plan_free(s);
	opts_highlight_free(&s->c.hl);
	free(s->title);
	free(s->title_to);
	free(s->caption);
	free(s->names);
	free(s);
}

ap_scene *ap_scene_make(ap_dataset *ds, const ap_scene_desc *d, ap_error *out_err)
{
	struct ap_err err = { "" };
	static const ap_scene_desc zero;
	ap_scene *s = calloc(1, sizeof *s);
	if (!s) {
		ap_errf(&err, "out of memory for a scene");
		goto out_fail;
	}
	if (scene_desc(s, d ? d : &zero, &err))
		goto out_fail;
	if (!ds->d.lay.xy) {
		ap_errf(&err, "missing --layout FILE");
		goto out_fail;
	}
	int rc = frames_open_ds(&s->e, &s->c, &ds->d, &err);
	free(ds);
	ds = NULL;
	if (rc) {
		memset(&s->e, 0, sizeof s->e);
		goto out_fail;
	}
	s->fit_a = true;
	return s;
out_fail:
	ap_dataset_free(ds);
	ap_scene_free(s);
	fail(out_err, &err);
	return NULL;
}

void ap_scene_size(const ap_scene *s, int *w, int *h)
{
	*w = s->c.w;
	*h = s->c.h;
}

static int check_buffer(const ap_scene *s, size_t bytes, struct ap_err *err)
{
	size_t need = (size_t)s->c.w * s->c.h * 4;
	if (bytes < need)
		return ap_errf(err, "buffer of %zu bytes: a %dx%d frame needs %zu", bytes, s->c.w, s->c.h, need);
	return 0;
}

/* A given camera (checked as --camera is), or none (NULL or zoom 0). */
static int given_camera(const ap_camera *cam, struct cam *out, struct ap_err *err)
{
	if (!cam || cam->zoom == 0)
		return 0;
	*out = (struct cam){ cam->cx, cam->cy, cam->zoom };
	const char *why = cam_check(out);
	if (why)
		return ap_errf(err, "--camera '%g,%g,%g': %s", cam->cx, cam->cy, cam->zoom, why);
	return 1;
}

static void fit_a(ap_scene *s)
{
	if (!s->fit_a)
		frames_fit(&s->e, s->e.d.lay.xy);
	s->fit_a = true;
}

int ap_scene_draw(ap_scene *s, const ap_camera *camera, uint8_t *rgba, size_t bytes, ap_error *out_err)
{
	struct ap_err err = { "" };
	struct cam cam;
	int given = given_camera(camera, &cam, &err);
	if (given < 0 || check_buffer(s, bytes, &err))
		return fail(out_err, &err);
	fit_a(s);
	if (!given)
		cam_default(&s->e.box, &cam);
	frames_clamp(&s->e, -1, &cam);
	s->e.fade = 0;
	s->e.opacity_pinned = false;     /* a still works out its own */
	if (frames_draw(&s->e, s->e.d.lay.xy, &cam, rgba, &err))
		return fail(out_err, &err);
	return 0;
}

int ap_scene_set_transition(ap_scene *s, const ap_transition_desc *d, ap_error *out_err)
{
	struct ap_err err = { "" };
	struct npy a;
	size_t n = s->e.d.imgs.n;
	scene_plan_free(s);
	s->opacity0_set = false;         /* frame 0 of this transition's */
	if ((unsigned)d->ease > AP_EASE_EXP_IN_OUT) {
		ap_errf(&err, "--ease %d: expected one of %s", (int)d->ease, tween_ease_names());
		goto out_fail;
	}
	if ((unsigned)d->path_ease > AP_EASE_EXP_IN_OUT) {
		ap_errf(&err, "--path-ease %d: expected one of %s", (int)d->path_ease, tween_ease_names());
		goto out_fail;
	}
	if (!(d->stagger >= 0 && d->stagger <= 1)) {
		ap_errf(&err, "--stagger '%g': expected a fraction from 0 to 1", d->stagger);
		goto out_fail;
	}
	if ((unsigned)d->stagger_by > AP_ORDER_DISTANCE) {
		ap_errf(&err, "--stagger-by %d: expected index, label or distance", (int)d->stagger_by);
		goto out_fail;
	}
	if (d->stagger > 0 && d->stagger_by == AP_ORDER_LABEL && !s->e.d.labels) {
		ap_errf(&err, "--stagger-by label: the data set has no labels (give --labels, or a layout CSV with a label column)");
		goto out_fail;
	}
	struct cam c[2] = { { 0 } };
	const ap_camera *given[2] = { &d->camera_from, &d->camera_to };
	for (int k = 0; k < 2; k++) {
		if (given[k]->zoom == 0)
			continue;
		c[k] = (struct cam){ given[k]->cx, given[k]->cy, given[k]->zoom };
		const char *why = cam_check(&c[k]);
		if (why) {
			ap_errf(&err, "--camera-%s '%g,%g,%g': %s", k ? "to" : "from", given[k]->cx, given[k]->cy,
				given[k]->zoom, why);
			goto out_fail;
		}
	}
	s->ease = d->ease == AP_EASE_DEFAULT ? TWEEN_EASE_CUBIC_IN_OUT : (enum tween_ease)(d->ease - 1);
	s->path_ease = d->path_ease == AP_EASE_DEFAULT ? TWEEN_EASE_CUBIC_IN_OUT : (enum tween_ease)(d->path_ease - 1);
	s->procrustes = d->procrustes;
	s->stagger = d->stagger;
	const char *name = d->to.name ? d->to.name : "array";
	if (as_npy(&d->to, "layout", &a, &err) || lay_from_array(&a, name, s->c.paths.max_bytes, &s->b, &err))
		goto out_fail;
	if (s->b.n != n) {
		ap_errf(&err, "layout '%s': %zu rows, but there are %zu images", name, s->b.n, n);
		goto out_fail;
	}
	double *na = malloc(n * 2 * sizeof *na), *nb = malloc(n * 2 * sizeof *nb);
	s->bp = malloc(n * 2 * sizeof *s->bp);
	s->rank = calloc(n, sizeof *s->rank);
	if (!na || !nb || !s->bp || !s->rank) {
		free(na);
		free(nb);
		ap_errf(&err, "out of memory for %zu points", n);
		goto out_fail;
	}
	/* app/anim's plan_transition: B normalised, maybe aligned, in A's units */
	double tfa[4], tfb[4];
	tween_normalize(s->e.d.lay.xy, n, na, tfa);
	tween_normalize(s->b.xy, n, nb, tfb);
	if (s->procrustes) {
		double m[6];
		tween_procrustes(na, nb, n, m);
		tween_apply(m, nb, n, nb);
	}
	for (size_t i = 0; i < n; i++) {
		s->bp[2 * i] = nb[2 * i] / tfa[2] + tfa[0];
		s->bp[2 * i + 1] = nb[2 * i + 1] / tfa[2] + tfa[1];
	}
	if (s->stagger > 0) {
		struct tween_points pts = { n, na, nb, s->e.d.labels };
		if (tween_stagger_ranks((enum tween_order)d->stagger_by, &pts, s->rank, &err)) {
			free(na);
			free(nb);
			goto out_fail;
		}
	}
	free(na);
	free(nb);
	/* anim's plan_camera: the cameras in A's units, s0 A's fit */
	if (d->camera_from.zoom != 0 || d->camera_to.zoom != 0) {
		struct cam def;
		fit_a(s);
		cam_default(&s->e.box, &def);
		s->cam0 = d->camera_from.zoom != 0 ? c[0] : def;
		s->cam1 = d->camera_to.zoom != 0 ? c[1] : def;
		double v0[3], v1[3];
		zpath_cam_to_view(&s->cam0, s->e.s0, s->c.w, v0);
		zpath_cam_to_view(&s->cam1, s->e.s0, s->c.w, v1);
		zpath_init(&s->zp, v0, v1, 0);
		s->move = true;
	}
	/* for the draw session, which a GL backend keeps resident; at t = 1 a fitted
	 * camera frames B's own numbers (anim's plan_tween) */
	struct draw_tween tw = { s->e.d.lay.xy, s->bp, !s->move && !s->procrustes ? s->b.xy : NULL, s->rank,
				 s->stagger, s->ease };
	if (frames_tween_set(&s->e, &tw, &err))
		goto out_fail;
	return 0;
out_fail:
	scene_plan_free(s);
	return fail(out_err, &err);
}

int ap_scene_draw_transition(ap_scene *s, double t, const ap_camera *camera, uint8_t *rgba, size_t bytes,
			     ap_error *out_err)
{
	struct ap_err err = { "" };
	struct cam cam;
	int given = given_camera(camera, &cam, &err);
	if (given < 0 || check_buffer(s, bytes, &err))
		return fail(out_err, &err);
	if (!s->bp) {
		ap_errf(&err, "transition: no layout B (ap_scene_set_transition first)");
		return fail(out_err, &err);
	}
	if (!(t >= 0 && t <= 1)) {
		ap_errf(&err, "transition: t %g is not in [0, 1]", t);
		return fail(out_err, &err);
	}
	const double *xa = s->e.d.lay.xy, *xy = NULL;
	fit_a(s);
	/* frame 0's camera, clamped as animate clamps it */
	struct cam c0;
	cam_default(&s->e.box, &c0);
	struct cam pin = given ? cam : s->move ? s->cam0 : c0;
	frames_clamp(&s->e, -1, &pin);
	const struct cam *cam0 = &pin;
	if (s->e.fig && !s->legend_pinned) {
		/* animate pins the legend's corner from frame 0 */
		frames_pin_legend(&s->e, xa, cam0);
		s->legend_pinned = true;
	}
	/* and the opacity (--opacity auto), frame 0's whichever frame comes first */
	s->e.opacity_pinned = false;
	if (!s->opacity0_set && frames_pin_opacity(&s->e, xa, cam0, &err))
		return fail(out_err, &err);
	if (s->e.opacity_pinned) {
		s->opacity0 = s->e.opacity;
		s->opacity0_set = true;
	}
	if (s->opacity0_set) {
		s->e.opacity = s->opacity0;
		s->e.opacity_pinned = true;
	}
	/* the plan's end is B's own numbers, for a fitted camera: a given one is in A's units */
	if (t >= 1 && given && !s->move && !s->procrustes)
		xy = s->bp;
	s->e.tween_t = t;
	if (!given && s->move) {
		if (t <= 0) {
			cam = s->cam0;
		} else if (t >= 1) {
			cam = s->cam1;
		} else {
			double v[3];
			zpath_eval(&s->zp, tween_ease(s->path_ease, t), v);
			zpath_view_to_cam(v, s->e.s0, s->c.w, &cam);
		}
	} else if (!given) {
		frames_fit(&s->e, xy ? xy : frames_tween_points(&s->e, t));
		s->fit_a = false;
		cam_default(&s->e.box, &cam);
	}
	/* after the interpolation, as animate clamps */
	frames_clamp(&s->e, -1, &cam);
	s->e.fade = t;
	if (frames_draw(&s->e, xy, &cam, rgba, &err))
		return fail(out_err, &err);
	return 0;
}

static const struct pngio_text software = { "Software", "atlasplot " AP_VERSION };

int ap_scene_write(ap_scene *s, const ap_camera *camera, const char *path, const char *format, ap_error *out_err)
{
	struct ap_err err = { "" };
	struct cam cam;
	int kind = 0;
	if (!path || !*path) {
		ap_errf(&err, "output: no path");
		return fail(out_err, &err);
	}
	if (format) {
		char ext[8];
		if (strcasecmp(format, "png") && strlen(format) < sizeof ext - 2) {
			snprintf(ext, sizeof ext, "x.%s", format);
			kind = figure_doc_kind(ext);
		}
		if (strcasecmp(format, "png") && !kind) {
			ap_errf(&err, "format '%s': expected png, pdf or svg", format);
			return fail(out_err, &err);
		}
	} else {
		kind = figure_doc_kind(path);
	}
	int given = given_camera(camera, &cam, &err);
	if (given < 0)
		return fail(out_err, &err);
	size_t bytes = (size_t)s->c.w * s->c.h * 4;
	uint8_t *buf = malloc(bytes);
	if (!buf) {
		ap_errf(&err, "out of memory for a %dx%d frame", s->c.w, s->c.h);
		return fail(out_err, &err);
	}
	fit_a(s);
	if (!given)
		cam_default(&s->e.box, &cam);
	frames_clamp(&s->e, -1, &cam);
	s->e.fade = 0;
	s->e.opacity_pinned = false;     /* a still works out its own */
	int rc;
	if (kind) {
		rc = frames_write_doc(&s->e, s->e.d.lay.xy, &cam, path, kind, buf, &err);
	} else {
		struct pngio_wopts o = { .level = 1, .text = &software, .ntext = 1 };
		rc = frames_draw(&s->e, s->e.d.lay.xy, &cam, buf, &err);
		if (rc == 0)
			rc = pngio_write(path, buf, (uint32_t)s->c.w, (uint32_t)s->c.h, &o, &err);
	}
	free(buf);
	return rc ? fail(out_err, &err) : 0;
}

static int png_args(const uint8_t *rgba, int w, int h, int level, struct ap_err *err)
{
	if (!rgba || w < 1 || h < 1 || (uint32_t)w > PNGIO_MAX_SIDE || (uint32_t)h > PNGIO_MAX_SIDE)
		return ap_errf(err, "png: a %dx%d image is out of range (1 to %u per side)", w, h, PNGIO_MAX_SIDE);
	if (level < 0 || level > 9)
		return ap_errf(err, "--png-level '%d': expected 1 to 9", level);
	return 0;
}

int ap_png_write(const char *path, const uint8_t *rgba, int w, int h, int level, ap_error *out_err)
{
	struct ap_err err = { "" };
	struct pngio_wopts o = { .level = level, .text = &software, .ntext = 1 };
	if (png_args(rgba, w, h, level, &err) || pngio_write(path, rgba, (uint32_t)w, (uint32_t)h, &o, &err))
		return fail(out_err, &err);
	return 0;
}

int ap_png_encode(const uint8_t *rgba, int w, int h, int level, void **out, size_t *len, ap_error *out_err)
{
	struct ap_err err = { "" };
	struct pngio_wopts o = { .level = level, .text = &software, .ntext = 1 };
	char *buf = NULL;
	size_t n = 0;
	*out = NULL;
	*len = 0;
	if (png_args(rgba, w, h, level, &err))
		return fail(out_err, &err);
	FILE *fp = open_memstream(&buf, &n);
	if (!fp) {
		ap_errf(&err, "png: out of memory");
		return fail(out_err, &err);
	}
	int rc = pngio_write_fp(fp, "memory", &(struct pngio_image){ rgba, (uint32_t)w, (uint32_t)h }, &o, &err);
	if (fclose(fp) && rc == 0)
		rc = ap_errf(&err, "png: out of memory");
	if (rc) {
		free(buf);
		return fail(out_err, &err);
	}
	*out = buf;
	*len = n;
	return 0;
}

void ap_free(void *p)
{
	free(p);
}

int ap_grid(const ap_array *xy, const ap_grid_desc *d, double *out, size_t out_len, double *score, size_t *cols,
	    size_t *rows, ap_error *out_err)
{
	struct ap_err err;
	struct npy a;
	struct ap_layout lay = { 0 };
	uint32_t *cell = NULL;
	const char *name = xy->name ? xy->name : "array";
	int rc = -1;
	if (as_npy(xy, "layout", &a, &err) || lay_from_array(&a, name, 0, &lay, &err))
		goto out;
	if ((unsigned)d->method >= GRID_METHOD_COUNT) {
		ap_errf(&err, "--method %d: expected one of auto, exact, heuristic, random", (int)d->method);
		goto out;
	}
	struct grid_desc g, want = { d->cols, d->rows, (enum grid_method)d->method };
	if ((want.cols && want.rows && grid_check_shape(want.cols, want.rows, &err)) ||
	    grid_resolve(&want, lay.n, &g, &err)) {
		ap_err_prefix(&err, "layout '%s'", name);
		goto out;
	}
	if (!out || out_len < lay.n * 2) {
		ap_errf(&err, "grid: out holds %zu doubles, the grid needs %zu", out ? out_len : 0, lay.n * 2);
		goto out;
	}
	if (!(cell = malloc(lay.n * sizeof *cell))) {
		ap_errf(&err, "grid: out of memory for %zu points", lay.n);
		goto out;
	}
	if (grid_assign(lay.xy, lay.n, &g, cell, &err))
		goto out;
	grid_cells_xy(cell, lay.n, g.cols, out);
	if (score && grid_knn_kept(lay.xy, out, lay.n, GRID_SCORE_K, score, &err))
		goto out;
	if (cols)
		*cols = g.cols;
	if (rows)
		*rows = g.rows;
	rc = 0;
out:
	free(cell);
	lay_free(&lay);
	return rc ? fail(out_err, &err) : 0;
}

int ap_color_parse(const char *s, uint32_t *out)
{
	return s && pal_parse(s, out) == 0 ? 0 : -1;
}

const char *ap_version(void)
{
	return AP_VERSION;
}
