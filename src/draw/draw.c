#include "draw/draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "core/cam.h"
#include "core/dots.h"
#include "draw/swr/swr.h"
#ifndef AP_NO_GL
#include "draw/gl/render.h"
#endif

const char *const draw_backend_names[4] = { "auto", "cpu", "osmesa", "egl" };
const char *const draw_alpha_names[3] = { "discard", "blend", "opaque" };

/* A backend: what draw_ needs of it. */
struct draw_ops {
	int (*frame)(void *be, const struct scene_out *sc, const struct draw_opts *o, const struct draw_target *t,
		     struct ap_err *err);
	int (*dots)(void *be, const uint32_t *cell_color, struct ap_err *err);
	int (*max_size)(const void *be);
	void (*describe)(const void *be, char *buf, size_t len);
	void (*free)(void *be);
	bool bins;                   /* draws from tile lists (scene_build makes them) */
	/* a transition kept resident, or NULL: frames of the CPU's points (draw_frame) */
	void (*tween_set)(void *be, const struct draw_tween *tw, size_t n);
	int (*tween_frame)(void *be, const struct scene_src *src, double t, const struct scene_frame *f,
			   const struct scene_lod *lod, const struct presc_key *key, const struct draw_opts *o,
			   const struct draw_target *tg, struct ap_err *err);
	void (*stats)(const void *be, struct draw_stats *out);
	/* frames left in flight (a target's defer), or NULL: every frame done when drawn */
	int (*set_ring)(void *be, int n, struct ap_err *err);
	int (*collect)(void *be, uint8_t **rgba, struct ap_err *err);
	bool gray;                   /* writes draw_target.gray frames; else draw.c makes them */
};

struct draw {
	uint32_t *cell_of, *image_at; /* the atlas order (atlas_order), or NULL */
	struct atlas atlas;
	struct scene_src src;
	struct scene_out sc;
	const struct draw_ops *ops;
	void *be;
	bool no_prescale;
	bool dots;                   /* the backend has disc colours */
	const struct draw_store *store;
	uint64_t key;                /* of the cpu backend's parts, when store */
	bool fetched;
	uint8_t *extra;              /* draw_parts_get's */
	char warning[256];
	/* the transition (draw_tween_set), and its points at tw_t (draw_tween_points) */
	struct draw_tween tw;
	bool has_tw;
	double *tw_xy, *tw_prog;
	double tw_t;                 /* NaN: tw_xy holds none */
	/* frames started and not finished (draw_*_start), oldest first */
	int inflight_max;            /* 0: 1 */
	struct {
		uint8_t *rgba;
		bool deferred;       /* the backend holds it (collect) */
		bool to_gray;        /* made gray here when collected (gray_out, the backend RGBA) */
		int w, h;
	} fifo[DRAW_MAX_INFLIGHT];
	int fhead, fcount;
};

static int cpu_frame(void *be, const struct scene_out *sc, const struct draw_opts *o, const struct draw_target *t,
		     struct ap_err *err)
{
	return swr_frame(be, sc, o, t, err);
}

static int cpu_max_size(const void *be)
{
	(void)be;
	return DRAW_CPU_MAX_SIDE;
}

static void cpu_describe(const void *be, char *buf, size_t len)
{
	snprintf(buf, len, "cpu: software compositor, %d threads", swr_threads(be));
}

static int cpu_dots(void *be, const uint32_t *cell_color, struct ap_err *err)
{
	return swr_dots(be, cell_color, err);
}

static void cpu_free(void *be)
{
	swr_free(be);
}

static const struct draw_ops cpu_ops = { cpu_frame, cpu_dots, cpu_max_size, cpu_describe, cpu_free, false,
					 NULL, NULL, NULL, NULL, NULL, true };

/* The images' pixels, from the store when the set came without them. */
static int need_pixels(const struct draw_desc *d, const struct ap_imgset *imgs, struct ap_err *err)
{
	if (imgs->pix)
		return 0;
	if (!d->store || !d->store->pixels)
		return ap_errf(err, "images: no pixels");
	return d->store->pixels(d->store->user, err);
}

/* The key of what the cpu backend builds: everything its bytes depend on. */
static uint64_t cpu_key(const struct draw *dr, const struct draw_desc *d, const struct ap_imgset *imgs)
{
	const struct atlas *a = &dr->atlas;
	uint64_t geo[] = { SWR_CACHE_FORMAT, sizeof(void *), imgs->n, imgs->w, imgs->h, imgs->c, a->slot_w,
			   a->slot_h, a->pitch, a->levels, a->cols, a->rows, a->page_w, a->page_h, a->pages,
			   a->channels, d->coverage };
	double thr = d->coverage ? d->threshold : 0;
	uint64_t h = hash64(geo, sizeof geo, 0);
	h = hash64(&thr, sizeof thr, h);
	size_t slot = (size_t)imgs->w * imgs->h * imgs->c;
	if (d->content)
		h = hash64(&d->content, sizeof d->content, h + 2);
	else if (!imgs->part)
		h = hash64(imgs->pix, imgs->n * slot, h);
	for (uint32_t k = 0; !d->content && k < imgs->nparts; k++) {
		size_t to = k + 1 < imgs->nparts ? imgs->part[k + 1].first : imgs->n;
		h = hash64(imgs->part[k].pix, (to - imgs->part[k].first) * slot, h + k);
	}
	if (imgs->iw)
		h = hash64(imgs->iw, imgs->n * sizeof *imgs->iw, h);
	if (imgs->ih)
		h = hash64(imgs->ih, imgs->n * sizeof *imgs->ih, h);
	if (a->cell_of)
		h = hash64(a->cell_of, imgs->n * sizeof *a->cell_of, h + 1);
	return h;
}

static int open_cpu(struct draw *dr, const struct draw_desc *d, const struct ap_imgset *imgs, struct ap_err *err)
{
	struct swr_desc sd = { .portable_gather = d->portable_gather, .coverage = d->coverage, .threshold = d->threshold };
	struct draw_parts p = { 0 };
	if (d->store) {
		dr->store = d->store;
		dr->key = cpu_key(dr, d, imgs);
		if (d->store->fetch(d->store->user, dr->key, &p) == 1) {
			if (p.cells_bytes == swr_cells_bytes(&dr->atlas))
				sd.cells = p.cells;
			else
				snprintf(dr->warning, sizeof dr->warning,
					 "cache: the entry's atlas is %zu bytes, not %zu; building it again",
					 p.cells_bytes, swr_cells_bytes(&dr->atlas));
		}
	}
	if (!sd.cells && need_pixels(d, imgs, err))
		return -1;
	struct swr *r = swr_new(&dr->atlas, imgs, &sd, err);
	if (!r)
		return -1;
	dr->ops = &cpu_ops;
	dr->be = r;
	dr->fetched = sd.cells != NULL;
	if (scene_src_init(&dr->src, &dr->atlas, imgs, 0, err))
		return -1;
	if (d->coverage && swr_coverage(r, d->threshold, err))
		return -1;
	/* what frames made before: a blob that does not fit is only made again */
	if (dr->fetched && p.extra_bytes)
		swr_extra_load(r, p.extra, p.extra_bytes);
	return 0;
}

bool draw_fetched(const struct draw *dr)
{
	return dr->fetched;
}

bool draw_parts_get(struct draw *dr, uint64_t *key, struct draw_parts *out)
{
	if (!dr->store || dr->ops != &cpu_ops)
		return false;
	size_t n = swr_extra_bytes(dr->be);
	free(dr->extra);
	dr->extra = NULL;
	if (n && !(dr->extra = malloc(n)))
		return false;
	if (n)
		swr_extra_save(dr->be, dr->extra);
	*key = dr->key;
	*out = (struct draw_parts){ swr_cells(dr->be), swr_cells_bytes(&dr->atlas), dr->extra, n };
	return true;
}

#ifndef AP_NO_GL
static int gl_frame(void *be, const struct scene_out *sc, const struct draw_opts *o, const struct draw_target *t,
		    struct ap_err *err)
{
	return render_frame(be, sc, o, t, err);
}

static int gl_max_size(const void *be)
{
	return render_max_size(be);
}

static void gl_describe(const void *be, char *buf, size_t len)
{
	render_describe(be, buf, len);
}

static int gl_dots(void *be, const uint32_t *cell_color, struct ap_err *err)
{
	return render_dots(be, cell_color, err);
}

static void gl_free(void *be)
{
	render_free(be);
}

static void gl_tween_set(void *be, const struct draw_tween *tw, size_t n)
{
	if (!tw) {
		render_tween_set(be, NULL);
		return;
	}
	struct render_tween rt = { n, tw->a, tw->b, tw->end, tw->rank, tw->stagger, tw->ease };
	render_tween_set(be, &rt);
}

static int gl_tween_frame(void *be, const struct scene_src *src, double t, const struct scene_frame *f,
			  const struct scene_lod *lod, const struct presc_key *key, const struct draw_opts *o,
			  const struct draw_target *tg, struct ap_err *err)
{
	return render_tween_frame(be, src, t, f, lod, key, o, tg, err);
}

static void gl_stats(const void *be, struct draw_stats *out)
{
	render_stats(be, &out->upload_bytes, &out->presc_bytes);
}

static int gl_set_ring(void *be, int n, struct ap_err *err)
{
	return render_set_ring(be, n, err);
}

static int gl_collect(void *be, uint8_t **rgba, struct ap_err *err)
{
	return render_collect(be, rgba, err);
}

static const struct draw_ops gl_ops = { gl_frame, gl_dots, gl_max_size, gl_describe, gl_free, false,
					gl_tween_set, gl_tween_frame, gl_stats, gl_set_ring, gl_collect, false };

static int open_gl(struct draw *dr, const struct draw_desc *d, const struct ap_imgset *imgs,
		   enum glctx_backend b, struct ap_err *err)
{
	if (need_pixels(d, imgs, err))
		return -1;
	struct render *r = render_open(b, d->gpu_set ? d->gpu : -1, &dr->atlas, imgs, d->pages_per_group, err);
	if (!r)
		return -1;
	dr->ops = &gl_ops;
	dr->be = r;
	if (d->backend == DRAW_EGL && render_software(r)) {
		char desc[160];
		render_describe(r, desc, sizeof desc);
		snprintf(dr->warning, sizeof dr->warning, "--backend egl: no GPU, drawing on a software rasteriser (%s)",
			 desc);
	}
	if (scene_src_init(&dr->src, &dr->atlas, imgs, render_pages_per_group(r), err))
		return -1;
	return d->coverage ? render_coverage(r, imgs, d->threshold, err) : 0;
}

static bool gpu_present(void)
{
	char desc[160];
	struct ap_err ignore;
	return render_probe(GLCTX_EGL_DEVICE, desc, sizeof desc, &ignore) == 0;
}

/* A GPU reached through an EGL device, or nothing (no error: auto falls back). */
static int try_gpu(struct draw *dr, const struct draw_desc *d, const struct ap_imgset *imgs)
{
	struct ap_err ignore;
	if (open_gl(dr, d, imgs, GLCTX_EGL_DEVICE, &ignore) == 0)
		return 0;
	if (dr->be)
		dr->ops->free(dr->be);
	dr->be = NULL;
	dr->ops = NULL;
	scene_src_free(&dr->src);
	return -1;
}
#endif

static int open_backend(struct draw *dr, const struct draw_desc *d, const struct ap_imgset *imgs, struct ap_err *err)
{
	switch (d->backend) {
#ifndef AP_NO_GL
	case DRAW_OSMESA:
		return open_gl(dr, d, imgs, GLCTX_OSMESA, err);
	case DRAW_EGL:
		return open_gl(dr, d, imgs, GLCTX_EGL, err);
	case DRAW_AUTO:
		/* images not read yet are read for a GPU only, not to find out whether there is one */
		if ((imgs->pix || gpu_present()) && try_gpu(dr, d, imgs) == 0)
			return 0;
		return open_cpu(dr, d, imgs, err);
#else
	case DRAW_OSMESA:
	case DRAW_EGL:
		return ap_errf(err, "--backend %s: this atlasplot is built without GL (NO_GL=1)",
			       draw_backend_names[d->backend]);
#endif
	default:
		return open_cpu(dr, d, imgs, err);
	}
}

/* The discs' colours in cell order, as the backends look them up. */
static int set_dots(struct draw *dr, const uint32_t *color, struct ap_err *err)
{
	size_t n = dr->atlas.n;
	uint32_t *cell = malloc(n * sizeof *cell);
	if (!cell)
		return ap_errf(err, "out of memory for %zu disc colours", n);
	for (size_t i = 0; i < n; i++)
		cell[dr->atlas.cell_of ? dr->atlas.cell_of[i] : i] = color[i];
	int rc = dr->ops->dots(dr->be, cell, err);
	free(cell);
	dr->dots = rc == 0;
	return rc;
}

struct draw *draw_open(const struct draw_desc *d, const struct ap_imgset *imgs, const double *xy,
		       struct ap_err *err)
{
	struct draw *dr = calloc(1, sizeof *dr);
	if (!dr) {
		ap_errf(err, "out of memory");
		return NULL;
	}
	dr->no_prescale = d->no_prescale;
	if (atlas_plan(imgs, d->page_size, &dr->atlas, err))
		goto out_close;
	if (xy && imgs->n > 1) {
		dr->cell_of = malloc(imgs->n * sizeof *dr->cell_of);
		dr->image_at = malloc(imgs->n * sizeof *dr->image_at);
		if (dr->cell_of && dr->image_at) {
			/* GL's texture arrays hold at least 2048 layers (GL 4.5) unless fewer are asked for */
			size_t chunk = d->backend == DRAW_CPU ? 0 : (size_t)dr->atlas.cols * dr->atlas.rows *
				       (d->pages_per_group ? d->pages_per_group : 2048);
			atlas_order(imgs->n, xy, chunk, dr->cell_of, dr->image_at);
			dr->atlas.cell_of = dr->cell_of;
			dr->atlas.image_at = dr->image_at;
		}
	}
	if (open_backend(dr, d, imgs, err) || (d->dot_color && set_dots(dr, d->dot_color, err)))
		goto out_close;
	return dr;
out_close:
	draw_close(dr);
	return NULL;
}

/* The frame as the session draws it: f with o's discs and opacity. */
static int frame_of(const struct draw *dr, const struct scene_frame *f, const struct draw_opts *o,
		    struct scene_frame *fr, struct ap_err *err)
{
	if (o->dots_below > 0 && !dr->dots)
		return ap_errf(err, "--dots-below: the session was opened without disc colours");
	*fr = *f;
	fr->sprites_only = !dr->ops->bins;
	fr->no_prescale = fr->no_prescale || dr->no_prescale;
	fr->dots = (struct scene_dots){ .below = o->dots_below, .fade = draw_opts_dots_fade(o), .opacity = o->opacity,
					.opacity_auto = o->opacity_auto, .image_opacity = o->alpha == DRAW_BLEND };
	return 0;
}

/* Place and cull the frame's sprites with o's discs and opacity. */
static int build(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		 struct ap_err *err)
{
	struct scene_frame fr;
	return frame_of(dr, f, o, &fr, err) || scene_build(&dr->src, xy, &fr, &dr->sc, err) ? -1 : 0;
}

/* A w×h RGBA8 frame as gray_out has it, in place: each pixel's R, rows w bytes. */
static void to_gray(uint8_t *rgba, int w, int h)
{
	size_t n = (size_t)w * (size_t)h;
	for (size_t i = 0; i < n; i++)
		rgba[i] = rgba[4 * i];
}

/* A frame the backend drew, done: made gray if asked and the backend could not. */
static int drawn(const struct draw *dr, int rc, const struct draw_opts *o, const struct draw_target *t)
{
	if (rc == 0 && o->gray_out && !dr->ops->gray && !t->defer)
		to_gray(t->rgba, t->w, t->h);
	return rc;
}

static int frame_go(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		    uint8_t *rgba, bool defer, struct ap_err *err)
{
	if (build(dr, xy, f, o, err))
		return -1;
	struct draw_target t = { f->w, f->h, rgba, defer, o->gray_out && dr->ops->gray };
	return drawn(dr, dr->ops->frame(dr->be, &dr->sc, o, &t, err), o, &t);
}

/* Whether a frame may start now, and whether the backend would hold it. */
static int may_start(const struct draw *dr, bool *defer, struct ap_err *err)
{
	int max = dr->inflight_max ? dr->inflight_max : 1;
	if (dr->fcount >= max)
		return ap_errf(err, "draw: %d frames in flight already (draw_finish one first)", dr->fcount);
	*defer = max > 1 && dr->ops->collect;
	return 0;
}

static void started(struct draw *dr, uint8_t *rgba, bool defer, const struct draw_opts *o, const struct scene_frame *f)
{
	int k = (dr->fhead + dr->fcount++) % DRAW_MAX_INFLIGHT;
	dr->fifo[k].rgba = rgba;
	dr->fifo[k].deferred = defer;
	dr->fifo[k].to_gray = defer && o->gray_out && !dr->ops->gray;
	dr->fifo[k].w = f->w;
	dr->fifo[k].h = f->h;
}

/* draw_frame and draw_tween_frame: a frame drawn at once, with none in flight. */
static int none_in_flight(const struct draw *dr, struct ap_err *err)
{
	if (dr->fcount)
		return ap_errf(err, "draw: %d frames in flight (draw_finish them first)", dr->fcount);
	return 0;
}

int draw_frame(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
	       uint8_t *rgba, struct ap_err *err)
{
	return none_in_flight(dr, err) || frame_go(dr, xy, f, o, rgba, false, err) ? -1 : 0;
}

int draw_frame_start(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err)
{
	bool defer = false;
	if (may_start(dr, &defer, err) || frame_go(dr, xy, f, o, rgba, defer, err))
		return -1;
	started(dr, rgba, defer, o, f);
	return 0;
}

int draw_set_inflight(struct draw *dr, int n, struct ap_err *err)
{
	if (n < 1 || n > DRAW_MAX_INFLIGHT)
		return ap_errf(err, "draw: %d frames in flight: expected 1 to %d", n, DRAW_MAX_INFLIGHT);
	if (dr->fcount)
		return ap_errf(err, "draw: %d frames still in flight", dr->fcount);
	if (dr->ops->set_ring && dr->ops->set_ring(dr->be, n, err))
		return -1;
	dr->inflight_max = n;
	return 0;
}

int draw_inflight(const struct draw *dr)
{
	return dr->fcount;
}

uint8_t *draw_finish(struct draw *dr, struct ap_err *err)
{
	if (!dr->fcount) {
		ap_errf(err, "draw: no frame in flight");
		return NULL;
	}
	int k = dr->fhead;
	dr->fhead = (k + 1) % DRAW_MAX_INFLIGHT;
	dr->fcount--;
	if (!dr->fifo[k].deferred)
		return dr->fifo[k].rgba;
	uint8_t *got;
	if (dr->ops->collect(dr->be, &got, err))
		return NULL;
	if (dr->fifo[k].to_gray)
		to_gray(got, dr->fifo[k].w, dr->fifo[k].h);
	return got;
}

int draw_opacity(struct draw *dr, const double *xy, const struct scene_frame *f, const struct draw_opts *o,
		 double *opacity, struct ap_err *err)
{
	if (build(dr, xy, f, o, err))
		return -1;
	*opacity = dr->sc.lod.opacity;
	return 0;
}

int draw_opts_check(const struct draw_opts *o, struct ap_err *err)
{
	if (o->dots_below < 0 || o->dots_below > CAM_SPRITE_LIMIT || !(o->dots_below == o->dots_below))
		return ap_errf(err, "--dots-below %g: expected pixels above 0, at most %g", o->dots_below,
			       CAM_SPRITE_LIMIT);
	if (o->dots_fade && !(o->dots_fade >= 1 && o->dots_fade <= DRAW_MAX_DOTS_FADE))
		return ap_errf(err, "--dots-fade %g: expected a number from 1 to %g", o->dots_fade, DRAW_MAX_DOTS_FADE);
	if (o->opacity && !(o->opacity > 0 && o->opacity <= 1))
		return ap_errf(err, "--opacity %g: expected a number above 0, at most 1, or auto", o->opacity);
	if (o->dots_fade && !(o->dots_below > 0))
		return ap_errf(err, "--dots-fade: needs --dots-below PX");
	if ((o->opacity || o->opacity_auto) && o->alpha != DRAW_BLEND && !(o->dots_below > 0))
		return ap_errf(err, "--opacity: needs --alpha blend or --dots-below (--alpha %s draws images opaque)",
			       draw_alpha_names[o->alpha]);
	return 0;
}

int draw_tween_set(struct draw *dr, const struct draw_tween *tw, struct ap_err *err)
{
	size_t n = dr->src.n;
	dr->has_tw = false;
	dr->tw_t = NAN;
	if (dr->ops->tween_set)
		dr->ops->tween_set(dr->be, NULL, n);
	if (!tw)
		return 0;
	if (!dr->tw_xy) {
		dr->tw_xy = malloc(n * 2 * sizeof *dr->tw_xy);
		dr->tw_prog = malloc(n * sizeof *dr->tw_prog);
		if (!dr->tw_xy || !dr->tw_prog) {
			free(dr->tw_xy);
			free(dr->tw_prog);
			dr->tw_xy = dr->tw_prog = NULL;
			return ap_errf(err, "out of memory for a transition of %zu points", n);
		}
	}
	dr->tw = *tw;
	dr->has_tw = true;
	if (dr->ops->tween_set)
		dr->ops->tween_set(dr->be, tw, n);
	return 0;
}

const double *draw_tween_points(struct draw *dr, double t)
{
	const struct draw_tween *tw = &dr->tw;
	size_t n = dr->src.n;
	/* what tween_lerp_points gives at progress 0 and 1, without the copy */
	if (!(t > 0))
		return tw->a;
	if (t >= 1)
		return tw->end ? tw->end : tw->b;
	if (t == dr->tw_t)
		return dr->tw_xy;
	for (size_t i = 0; i < n; i++)
		dr->tw_prog[i] = tween_progress(t, tw->rank ? tw->rank[i] : 0, tw->stagger, tw->ease);
	tween_lerp_points(tw->a, tw->b, n, dr->tw_prog, 0, dr->tw_xy);
	dr->tw_t = t;
	return dr->tw_xy;
}

struct tween_at {
	struct draw *dr;
	double t;
};

/* Point i at t, as draw_tween_points has it (one point of the same arithmetic). */
static void tween_pos(void *user, size_t i, double xy[2])
{
	const struct tween_at *at = user;
	const struct draw *dr = at->dr;
	const struct draw_tween *tw = &dr->tw;
	if (at->t == dr->tw_t) {
		xy[0] = dr->tw_xy[2 * i];
		xy[1] = dr->tw_xy[2 * i + 1];
		return;
	}
	double p = tween_progress(at->t, tw->rank ? tw->rank[i] : 0, tw->stagger, tw->ease);
	const double *b = at->t >= 1 && tw->end ? tw->end : tw->b;
	tween_lerp_points(tw->a + 2 * i, b + 2 * i, 1, &p, 0, xy);
}

static int tween_go(struct draw *dr, double t, const struct scene_frame *f, const struct draw_opts *o,
		    uint8_t *rgba, bool defer, struct ap_err *err)
{
	if (!dr->has_tw)
		return ap_errf(err, "transition: no plan set (draw_tween_set)");
	if (!dr->ops->tween_frame)
		return frame_go(dr, draw_tween_points(dr, t), f, o, rgba, defer, err);
	struct scene_frame fr;
	if (frame_of(dr, f, o, &fr, err))
		return -1;
	/* what scene_build would make of the frame: its discs and opacity (counting the
	 * sprites in view only for --opacity auto), and the prescaled images' key from the
	 * first sprite it keeps, unless every sprite is a disc */
	struct tween_at at = { dr, t };
	size_t in_view = fr.dots.opacity_auto ? scene_kept(&dr->src, &fr, tween_pos, &at) : 0;
	struct scene_lod lod = scene_lod_of(&fr, in_view);
	struct presc_key key;
	struct scene_sprite s0;
	bool discs_only = lod.on && !(lod.img_alpha > 0);
	bool pre = !fr.no_prescale && !discs_only && scene_first(&dr->src, &fr, tween_pos, &at, &s0) &&
		   scene_sprite_key(&s0, &dr->atlas, &key);
	struct draw_target tg = { f->w, f->h, rgba, defer, o->gray_out && dr->ops->gray };
	return drawn(dr, dr->ops->tween_frame(dr->be, &dr->src, t, &fr, &lod, pre ? &key : NULL, o, &tg, err), o, &tg);
}

int draw_tween_frame(struct draw *dr, double t, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err)
{
	return none_in_flight(dr, err) || tween_go(dr, t, f, o, rgba, false, err) ? -1 : 0;
}

int draw_tween_start(struct draw *dr, double t, const struct scene_frame *f, const struct draw_opts *o,
		     uint8_t *rgba, struct ap_err *err)
{
	bool defer = false;
	if (may_start(dr, &defer, err) || tween_go(dr, t, f, o, rgba, defer, err))
		return -1;
	started(dr, rgba, defer, o, f);
	return 0;
}

void draw_stats(const struct draw *dr, struct draw_stats *out)
{
	*out = (struct draw_stats){ 0 };
	if (dr->ops->stats)
		dr->ops->stats(dr->be, out);
}

const struct atlas *draw_atlas(const struct draw *dr)
{
	return &dr->atlas;
}

int draw_max_size(const struct draw *dr)
{
	return dr->ops->max_size(dr->be);
}

bool draw_is_cpu(const struct draw *dr)
{
	return dr->ops == &cpu_ops;
}

void draw_describe(const struct draw *dr, char *buf, size_t len)
{
	dr->ops->describe(dr->be, buf, len);
}

const char *draw_warning(const struct draw *dr)
{
	return dr->warning[0] ? dr->warning : NULL;
}

int draw_gl_devices(char *buf, size_t len, struct ap_err *err)
{
#ifndef AP_NO_GL
	return render_devices(buf, len, err);
#else
	(void)buf;
	(void)len;
	return ap_errf(err, "built without GL (NO_GL=1)");
#endif
}

int draw_gl_probe(char *buf, size_t len, struct ap_err *err)
{
#ifndef AP_NO_GL
	return render_probe(GLCTX_AUTO, buf, len, err);
#else
	(void)buf;
	(void)len;
	return ap_errf(err, "built without GL (NO_GL=1)");
#endif
}

void draw_close(struct draw *dr)
{
	if (!dr)
		return;
	scene_out_free(&dr->sc);
	scene_src_free(&dr->src);
	if (dr->be)
		dr->ops->free(dr->be);
	free(dr->cell_of);
	free(dr->image_at);
	free(dr->extra);
	free(dr->tw_xy);
	free(dr->tw_prog);
	free(dr);
}
