#include "app/frames.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "core/dots.h"
#include "core/pal.h"

double frames_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int frames_check_pattern(const char *p, bool need_number, struct ap_err *err)
{
	int convs = 0;
	for (const char *s = p; *s; s++) {
		if (*s != '%')
			continue;
		if (s[1] == '%') {
			s++;
			continue;
		}
		const char *q = s + 1;
		if (*q == '0')
			q++;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q != 'd' || q - s > 4)
			return ap_errf(err, "output pattern '%s': only %%d or %%0Nd (and %%%%) may follow a '%%'", p);
		convs++;
		s = q;
	}
	if (convs > 1)
		return ap_errf(err, "output pattern '%s': more than one %%d", p);
	if (need_number && convs == 0)
		return ap_errf(err, "output '%s': several frames need a pattern with %%d, e.g. frame_%%04d.png", p);
	return 0;
}

int frames_path(const char *pattern, long k, char *buf, size_t len)
{
	/* the pattern was checked: one integer conversion at most, so this is safe */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	int n = snprintf(buf, len, pattern, (int)k);
#pragma GCC diagnostic pop
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

bool frames_path_index(const char *pattern, const char *name, long *k)
{
	/* the digits where the conversion is: past what the pattern writes before it */
	char pre[4096];
	size_t np = 0;
	const char *s = pattern;
	for (; *s && np + 1 < sizeof pre; s++) {
		if (*s == '%' && s[1] == '%')
			pre[np++] = *s++;
		else if (*s == '%')
			break;
		else
			pre[np++] = *s;
	}
	if (*s != '%' || strncmp(name, pre, np))
		return false;
	const char *d = name + np, *e = d;
	while (*e >= '0' && *e <= '9' && e - d < 10)
		e++;
	if (e == d)
		return false;
	long v = strtol(d, NULL, 10);
	char again[4096];
	/* the whole name written again for that number: width, zeros and suffix agree */
	if (frames_path(pattern, v, again, sizeof again) || strcmp(again, name))
		return false;
	*k = v;
	return true;
}

int frames_default_encoders(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > FRAMES_DEFAULT_ENCODERS_CAP ? FRAMES_DEFAULT_ENCODERS_CAP : (int)n;
}

void frames_resolve(struct frames_desc *d)
{
	if (!d->w || !d->h) {
		d->w = FRAMES_DEFAULT_W;
		d->h = FRAMES_DEFAULT_H;
	}
	if (!d->margin_set) {
		d->margin = CAM_DEFAULT_MARGIN;
		d->margin_set = true;
	}
	if (!d->background_set) {
		d->ro.background = FRAMES_DEFAULT_BACKGROUND;
		d->background_set = true;
	}
	if (!d->max_memory)
		d->max_memory = FRAMES_DEFAULT_MAX_MEMORY;
	/* --max-memory caps every file read too (a layout from /dev/zero, a gzip bomb,
	 * a folder's working set, one image's decode), unless a reader's own cap is set */
	if (!d->paths.max_bytes)
		d->paths.max_bytes = d->max_memory;
	if (!d->paths.dir.max_bytes)
		d->paths.dir.max_bytes = d->max_memory;
	if (!d->encoders)
		d->encoders = frames_default_encoders();
	d->draw.coverage = d->ro.alpha == DRAW_DISCARD && !d->plain_discard;
	d->draw.threshold = draw_opts_threshold(&d->ro);
}


/* After loading: per-image tints (NULL unless colour by label), highlights resolved,
 * automatic sprite size, memory estimate checked. */
static int prepare(struct frames_desc *c, const struct ds *d, uint32_t **tint, struct ap_err *err)
{
	size_t n = d->imgs.n;
	*tint = NULL;
	if (!c->sprite.base) {
		int native = (int)(d->imgs.w > d->imgs.h ? d->imgs.w : d->imgs.h);
		c->sprite.base = cam_sprite_auto(c->w, c->h, n, native);
	}
	double lo = c->sprite.min > 0 ? c->sprite.min : CAM_DEFAULT_SPRITE_MIN;
	double hi = c->sprite.max > 0 ? c->sprite.max : CAM_DEFAULT_SPRITE_MAX;
	if (lo > hi)
		return ap_errf(err, "--sprite-min %g is larger than --sprite-max %g", lo, hi);
	if (opts_highlight_resolve(&c->hl, d->labels, n, err) || draw_opts_check(&c->ro, err))
		return -1;

	/* What the work will hold at once: images, atlas (CPU page + GL copy with mips),
	 * frames in flight and one frame's sprite lists. */
	size_t max = c->max_memory;
	double img = (double)n * d->imgs.w * d->imgs.h * d->imgs.c;
	double cell = (double)(d->imgs.w + 8) * (d->imgs.h + 8) * (d->imgs.c == 1 ? 1 : 4);
	double frame = (double)c->w * c->h * 4;
	double need = img + n * cell * 4.0 / 3 + frame * 6 + n * 64.0 + (double)n * 16;
	if (need > (double)max) {
		char a[32], b[32];
		return ap_errf(err, "this needs about %s, more than --max-memory %s (%zu images of %ux%u, frames of %dx%d)",
			       ap_bytes(need, a, sizeof a), ap_bytes((double)max, b, sizeof b), n, d->imgs.w, d->imgs.h,
			       c->w, c->h);
	}

	if (c->color_by_label) {
		if (!d->labels)
			return ap_errf(err, "--color-by label: the data set has no labels (give --labels, or a layout CSV with a label column)");
		uint32_t *t = malloc(n * sizeof *t);
		if (!t)
			return ap_errf(err, "out of memory for %zu colours", n);
		for (size_t i = 0; i < n; i++)
			t[i] = pal_label(d->labels[i], d->nclasses);
		*tint = t;
	}
	return 0;
}

void frames_add_input(struct frames_engine *e, const char *path)
{
	afile_inputs_add(&e->inputs, path);
}

int frames_check_output(const struct frames_engine *e, const char *path, struct ap_err *err)
{
	return afile_inputs_check(&e->inputs, path, err);
}

/* Every file the run reads, to check each output against. */
static void note_inputs(struct frames_engine *e)
{
	const struct ds_paths *p = &e->c->paths;
	for (int i = 0; i < p->nimages; i++)
		frames_add_input(e, p->images[i]);
	for (int i = 0; i < p->nlabels; i++)
		frames_add_input(e, p->labels[i]);
	frames_add_input(e, p->layout);
	frames_add_input(e, p->manifest);
	frames_add_input(e, e->c->text.names);   /* a file, or a list no file is named after */
	for (int i = 0; i < e->c->ninputs; i++)
		frames_add_input(e, e->c->inputs[i]);
}

/* Each image's disc colour for --dots-below: its label's, else its mean colour over the
 * texels its alpha mode draws (a digit's strokes, not its black ground). NULL without
 * dots; -1 when out of memory. */
static int dot_colors(const struct frames_desc *c, const struct ds *d, uint32_t **out, struct ap_err *err)
{
	size_t n = d->imgs.n;
	*out = NULL;
	if (!(c->ro.dots_below > 0))
		return 0;
	uint32_t *col = malloc(n * sizeof *col);
	if (!col)
		return ap_errf(err, "out of memory for %zu disc colours", n);
	if (d->labels) {
		for (size_t i = 0; i < n; i++)
			col[i] = pal_label(d->labels[i], d->nclasses);
	} else {
		static const enum dots_mean how[] = { [DRAW_DISCARD] = DOTS_MEAN_PASSING, [DRAW_BLEND] = DOTS_MEAN_ALPHA,
						      [DRAW_OPAQUE] = DOTS_MEAN_ALL };
		dots_mean_colors(&d->imgs, how[c->ro.alpha], draw_opts_threshold(&c->ro), col);
	}
	*out = col;
	return 0;
}

static bool any_colour(const uint32_t *col, size_t n)
{
	for (size_t i = 0; col && i < n; i++)
		if (!pal_gray(col[i]))
			return true;
	return false;
}

/* The data set's id, which names its cache entry: its files, wherever they are named from. */
static uint64_t dataset_id(const struct ds_paths *p)
{
	uint64_t h = 0x6170636163686531ull;
	char buf[4096];
	for (int i = 0; i < p->nimages + (p->manifest != NULL); i++) {
		const char *path = i < p->nimages ? p->images[i] : p->manifest;
		const char *s = realpath(path, buf) ? buf : path;
		h = hash64(s, strlen(s) + 1, h + (i == p->nimages));
	}
	return h;
}

/* The entry's sections: what draw_parts holds, then the images' record (io/dsig). */
enum { SEC_CELLS, SEC_EXTRA, SEC_INPUTS, NSEC };

/* Before the images are read: the entry's path, and its record of them (the header and
 * that section checked) as the signature to match their files against. An entry that
 * cannot be used is said so once, here, and not looked at again. */
static int cache_begin(struct frames_engine *e, struct ap_err *err)
{
	struct frames_desc *c = e->c;
	if (acache_path(c->cache, dataset_id(&c->paths), e->cache_path, sizeof e->cache_path))
		return ap_errf(err, "--cache '%s': the path is too long", c->cache);
	char note[4096 + 256];
	void *rec;
	size_t bytes;
	int rc = acache_peek(e->cache_path, SEC_INPUTS, &rec, &bytes, note, sizeof note);
	if (rc < 0) {
		e->cache_bad = true;
		if (c->warn)
			c->warn(c->user, note);
	}
	e->sig = dsig_new(rc == 1 ? rec : NULL, rc == 1 ? bytes : 0);
	free(rec);
	if (!e->sig)
		return ap_errf(err, "out of memory");
	c->paths.sig = e->sig;
	return 0;
}

static int cache_fetch(void *user, uint64_t key, struct draw_parts *out)
{
	struct frames_engine *e = user;
	const struct frames_desc *c = e->c;
	char note[4096 + 256];
	if (e->cache_bad)
		return 0;
	double t0 = frames_now();
	int rc = acache_open(e->cache_path, key, &e->entry, note, sizeof note);
	if (rc == 1 && e->entry.nsec != NSEC) {
		acache_close(&e->entry);
		snprintf(note, sizeof note, "cache '%s': not %d sections; building it again", e->cache_path, NSEC);
		rc = -1;
	}
	if (rc < 0 && c->warn)
		c->warn(c->user, note);
	if (rc == 0)
		frames_log(c, "cache: no entry '%s' yet", e->cache_path);
	if (rc != 1)
		return 0;
	*out = (struct draw_parts){ e->entry.sec[SEC_CELLS].p, e->entry.sec[SEC_CELLS].bytes, e->entry.sec[SEC_EXTRA].p,
				    e->entry.sec[SEC_EXTRA].bytes };
	frames_log(c, "cache: mapped and checked '%s' (%.1f MB) in %.1f ms", e->cache_path,
		   (double)e->entry.map_bytes / 1e6, (frames_now() - t0) * 1e3);
	return 1;
}

/* The images were known from the record, but the atlas is to be built after all. */
static int cache_pixels(void *user, struct ap_err *err)
{
	struct frames_engine *e = user;
	double t0 = frames_now();
	if (!e->d.lazy)
		return 0;
	if (ds_load_pixels(&e->d, &e->c->paths, err))
		return -1;
	frames_log(e->c, "images read in %.3f s", frames_now() - t0);
	return 0;
}

/* After the frames: the entry, unless it was mapped (a failure is a warning only), nor
 * when an image file changed since it was read (its record would not hold). */
static void cache_write(struct frames_engine *e)
{
	const struct frames_desc *c = e->c;
	uint64_t key;
	struct draw_parts p;
	if (!e->dr || draw_fetched(e->dr) || !draw_parts_get(e->dr, &key, &p))
		return;
	if (e->sig && !dsig_unchanged(e->sig)) {
		frames_log(c, "cache: an image file changed (or could not be read) while it was used: no entry written");
		return;
	}
	size_t rec_bytes = e->sig ? dsig_bytes(e->sig) : 0;
	uint8_t *rec = malloc(rec_bytes ? rec_bytes : 1);
	if (!rec)
		return;
	if (e->sig)
		dsig_save(e->sig, rec);
	double t0 = frames_now();
	struct acache_section sec[NSEC] = { { p.cells, p.cells_bytes }, { p.extra, p.extra_bytes }, { rec, rec_bytes } };
	struct ap_err werr;
	int rc = acache_write(e->cache_path, key, sec, NSEC, &werr);
	free(rec);
	if (rc) {
		if (c->warn) {
			char line[sizeof werr.msg + 64];
			snprintf(line, sizeof line, "%s (the cache is not written)", werr.msg);
			c->warn(c->user, line);
		}
		return;
	}
	frames_log(c, "cache: wrote '%s' (%.1f MB) in %.3f s", e->cache_path,
		   (double)(p.cells_bytes + p.extra_bytes + rec_bytes) / 1e6, frames_now() - t0);
}

static int open_loaded(struct frames_engine *e, struct ap_err *err);

int frames_open(struct frames_engine *e, struct frames_desc *c, const char *command, struct ap_err *err)
{
	memset(e, 0, sizeof *e);
	e->t_start = frames_now();
	e->c = c;
	e->command = command;
	frames_resolve(c);
	note_inputs(e);
	if (c->cache && *c->cache && cache_begin(e, err))
		goto out_free;
	if (ds_load(&c->paths, &e->d, err))
		goto out_free;
	frames_log(c, "data set loaded in %.3f s%s", frames_now() - e->t_start,
		   e->d.lazy ? " (no image read: the cache knows them)" : "");
	if (e->sig) {
		size_t stated, hashed;
		dsig_counts(e->sig, &stated, &hashed);
		frames_log(c, "cache: %zu image file(s) stated against the entry's record, %zu read and hashed", stated,
			   hashed);
	}
	return open_loaded(e, err);
out_free:
	frames_close(e, -1, NULL);
	return -1;
}

int frames_open_ds(struct frames_engine *e, struct frames_desc *c, struct ds *d, struct ap_err *err)
{
	memset(e, 0, sizeof *e);
	e->t_start = frames_now();
	e->c = c;
	frames_resolve(c);
	e->d = *d;
	memset(d, 0, sizeof *d);
	return open_loaded(e, err);
}

/* Whether a PNG frame is drawn one byte a pixel: nothing in it has colour and no text
 * goes on it (the encoder then reads a quarter of the bytes, and the frame is a quarter
 * of the memory to clear and draw). */
static bool gray_png(struct frames_engine *e)
{
	bool gray = e->png_fmt == PNGIO_GRAY && !e->fig;
	if (gray && !e->said_gray) {
		frames_log(e->c, "gray PNG frames: drawn one byte a pixel");
		e->said_gray = true;
	}
	return gray;
}

/* The session, figure and queue for the data set in e->d (freed on failure). */
static int open_loaded(struct frames_engine *e, struct ap_err *err)
{
	struct frames_desc *c = e->c;
	if (prepare(c, &e->d, &e->tint, err))
		goto out_free;
	c->draw.store = NULL;
	c->draw.content = 0;
	if (c->cache && *c->cache) {
		if (!e->cache_path[0] &&
		    acache_path(c->cache, dataset_id(&c->paths), e->cache_path, sizeof e->cache_path)) {
			ap_errf(err, "--cache '%s': the path is too long", c->cache);
			goto out_free;
		}
		e->store = (struct draw_store){ .fetch = cache_fetch, .pixels = cache_pixels, .user = e };
		c->draw.store = &e->store;
		/* the key from the files' hashes: the same whether the images were read or known */
		if (e->sig && dsig_complete(e->sig))
			c->draw.content = dsig_content(e->sig);
	}
	uint32_t *dots;
	/* mean colours for discs without labels need the pixels, when the cache knew them */
	if (c->ro.dots_below > 0 && !e->d.labels && cache_pixels(e, err))
		goto out_free;
	if (dot_colors(c, &e->d, &dots, err))
		goto out_free;
	c->draw.dot_color = dots;
	double t0 = frames_now();
	e->dr = draw_open(&c->draw, &e->d.imgs, e->d.lay.xy, err);
	c->draw.dot_color = NULL;    /* copied by the session */
	bool coloured_dots = any_colour(dots, e->d.imgs.n);
	free(dots);
	if (!e->dr)
		goto out_free;
	if (draw_warning(e->dr) && c->warn)
		c->warn(c->user, draw_warning(e->dr));
	/* Gray images, no tints, a gray opaque background and gray outlines make gray frames:
	 * say so, and the encoder skips looking at every pixel to find out. */
	uint32_t bg = c->ro.background, ol = c->ro.outline;
	bool gray = pal_gray(bg) && (bg >> 24) == 255;
	bool ol_gray = !ol || (pal_gray(ol) && (ol >> 24) == 255);
	e->png_fmt = e->d.imgs.c == 1 && !e->tint && gray && (ol_gray || !c->hl.n) && !coloured_dots ? PNGIO_GRAY
														: PNGIO_AUTO;
	int max = draw_max_size(e->dr);
	if (c->w > max || c->h > max) {
		ap_errf(err, "--size %dx%d: larger than the %s limit %d", c->w, c->h,
			draw_is_cpu(e->dr) ? "backend's" : "GL", max);
		goto out_free;
	}
	if (c->log) {
		char desc[256];
		const struct atlas *a = draw_atlas(e->dr);
		draw_describe(e->dr, desc, sizeof desc);
		frames_log(c, "%zu images, atlas %u page(s) of %ux%u, %s in %.3f s (%s)", e->d.imgs.n, a->pages,
		      a->page_w, a->page_h, draw_fetched(e->dr) ? "from the cache" : "built", frames_now() - t0, desc);
	}
	/* the legend's images are copied from the loaded pixels (data-set layout: for
	 * animate, frame 0's), so before they go; known from the cache, they are read now */
	if (c->text.legend_images && cache_pixels(e, err))
		goto out_free;
	struct figure_desc fd = { &c->text, c->w, c->h, c->ro.background, e->d.labels, e->d.nclasses,
				  &e->d.imgs, e->d.lay.xy, c->paths.max_bytes, c->warn, c->user };
	if (figure_open(&fd, &e->fig, err))
		goto out_free;
	/* the atlas holds the pixels now: the loaded copy is 55 MB for MNIST */
	ds_drop_pixels(&e->d);
	/* A GL backend reads frame k back while frame k+1 draws: two in flight overlap the
	 * GPU's drawing with the read-back and the copy; more would only hold more frames.
	 * Frames with text stay one at a time: the text goes on after the read-back. */
	e->inflight = 1;
	if (!draw_is_cpu(e->dr) && !e->fig) {
		if (draw_set_inflight(e->dr, FRAMES_GL_INFLIGHT, err))
			goto out_free;
		e->inflight = FRAMES_GL_INFLIGHT;
	}
	/* One encoder thread per spare core keeps up with the renderer, which uses all; the
	 * frames in flight hold buffers of their own. */
	if (!(e->q = outq_new(c->encoders, c->encoders + 2 + e->inflight, (size_t)c->w * c->h * 4, err)))
		goto out_free;
	frames_log(c, "%d PNG encoder thread(s)", c->encoders);
	if (e->d.lay.xy)
		frames_fit(e, e->d.lay.xy);
	/* an automatic backend may have failed one way before it succeeded another */
	err->msg[0] = 0;
	return 0;
out_free:
	frames_close(e, -1, NULL);
	return -1;
}

void frames_fit(struct frames_engine *e, const double *xy)
{
	cam_bounds(xy, e->d.imgs.n, &e->box);
	e->s0 = cam_fit_scale(&e->box, e->c->margin, e->c->w, e->c->h);
}

int frames_tween_set(struct frames_engine *e, const struct draw_tween *tw, struct ap_err *err)
{
	return draw_tween_set(e->dr, tw, err);
}

const double *frames_tween_points(struct frames_engine *e, double t)
{
	return draw_tween_points(e->dr, t);
}

void frames_clamp(struct frames_engine *e, long k, struct cam *cam)
{
	const struct frames_desc *c = e->c;
	if (!c->clamp_camera)
		return;
	struct cam in = *cam;
	bool moved = cam_clamp(&e->box, c->margin, e->s0, c->w, c->h, &in, cam);
	if (k < 0)
		return;
	e->clamp_frames++;
	/* the first one shows what the rule did; the count at the end, how often: a line per
	 * frame would bury the rest of -v under a 600-frame path */
	if (moved && !e->clamp_moved++)
		frames_log(c, "frame %ld: camera (%.9g, %.9g, %.9g) clamped to (%.9g, %.9g, %.9g)", k, in.cx, in.cy,
			   in.zoom, cam->cx, cam->cy, cam->zoom);
}

/* The frame's sprites as the drawing session places them. */
static struct scene_frame scene_of(const struct frames_engine *e, const struct cam *cam)
{
	const struct frames_desc *c = e->c;
	return (struct scene_frame){
		.w = c->w, .h = c->h, .cam = *cam, .s0 = e->s0,
		.sprite = cam_sprite_size(&c->sprite, cam->zoom),
		.tint = e->tint,
		.tint_as_frame = e->d.imgs.c != 1,
		.highlight = c->hl.index, .nhighlight = c->hl.n,
		.highlight_scale = c->highlight_scale,
	};
}

static int flush_pending(struct frames_engine *e, bool write, struct ap_err *err);

/* The scene alone, no text; with start, left in flight (draw_*_start); with gray, one
 * byte a pixel (gray_png). */
static int draw_scene_as(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
			 bool start, bool gray, struct ap_err *err)
{
	if (!start && e->npend && flush_pending(e, true, err))
		return -1;
	struct scene_frame f = scene_of(e, cam);
	struct draw_opts ro = e->c->ro;
	ro.gray_out = gray;
	if (e->opacity_pinned) {
		ro.opacity = e->opacity;
		ro.opacity_auto = false;
	}
	double t0 = frames_now();
	int rc = start ? (xy ? draw_frame_start(e->dr, xy, &f, &ro, rgba, err)
			     : draw_tween_start(e->dr, e->tween_t, &f, &ro, rgba, err))
		       : (xy ? draw_frame(e->dr, xy, &f, &ro, rgba, err)
			     : draw_tween_frame(e->dr, e->tween_t, &f, &ro, rgba, err));
	e->t_render += frames_now() - t0;
	struct draw_stats st;
	draw_stats(e->dr, &st);
	e->draws++;
	e->up_bytes += st.upload_bytes;
	e->up_frames += st.upload_bytes > 0;
	e->presc_bytes += st.presc_bytes;
	e->presc_frames += st.presc_bytes > 0;
	return rc;
}

static int draw_scene(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
		      struct ap_err *err)
{
	return draw_scene_as(e, xy, cam, rgba, false, false, err);
}

static void place_legend(struct frames_engine *e, const double *xy, const struct cam *cam, bool pin)
{
	if (!figure_placing(e->fig))
		return;
	if (!xy)
		xy = frames_tween_points(e, e->tween_t);
	struct cam_view v = { *cam, e->s0, e->c->w, e->c->h };
	figure_place(e->fig, xy, e->d.imgs.n, &v, pin);
}

void frames_pin_legend(struct frames_engine *e, const double *xy, const struct cam *cam)
{
	place_legend(e, xy, cam, true);
}

int frames_pin_opacity(struct frames_engine *e, const double *xy, const struct cam *cam, struct ap_err *err)
{
	const struct frames_desc *c = e->c;
	if (!c->ro.opacity_auto || c->opacity_per_frame)
		return 0;
	struct scene_frame f = scene_of(e, cam);
	if (draw_opacity(e->dr, xy ? xy : frames_tween_points(e, e->tween_t), &f, &c->ro, &e->opacity, err))
		return -1;
	e->opacity_pinned = true;
	frames_log(c, "opacity %.4f for every frame (--opacity auto: frame 0's)", e->opacity);
	return 0;
}

int frames_draw(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
		struct ap_err *err)
{
	if (draw_scene(e, xy, cam, rgba, err))
		return -1;
	if (!e->fig)
		return 0;
	double t0 = frames_now();
	place_legend(e, xy, cam, false);
	int rc = figure_draw(e->fig, rgba, e->fade, err);
	e->t_text += frames_now() - t0;
	return rc;
}

/* A PDF or SVG frame: the scene as a raster, the texts as vectors, written now. */
int frames_write_doc(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path, int kind,
		     uint8_t *buf, struct ap_err *err)
{
	if (draw_scene(e, xy, cam, buf, err))
		return -1;
	place_legend(e, xy, cam, false);
	struct figure_page pg = { path, kind, buf, e->c->w, e->c->h, e->c->text.dpi, e->fade };
	e->frames++;
	return figure_write_doc(e->fig, &pg, err);
}

/* A frame's PNG options and tEXt: the software, its camera, the command line. */
struct png_meta {
	char camtxt[128];
	struct pngio_text text[3];
	struct pngio_wopts wo;
};

static void png_meta(const struct frames_engine *e, const struct cam *cam, struct png_meta *m)
{
	snprintf(m->camtxt, sizeof m->camtxt, "%.9g,%.9g,%.9g", cam->cx, cam->cy, cam->zoom);
	m->text[0] = (struct pngio_text){ "Software", "atlasplot " AP_VERSION };
	m->text[1] = (struct pngio_text){ "Camera", m->camtxt };
	m->text[2] = (struct pngio_text){ "Command", e->command };
	m->wo = (struct pngio_wopts){ .fmt = e->png_fmt, .level = e->c->png_level, .text = m->text,
				      .ntext = e->command ? 3 : 2, .dpi = e->c->text.dpi };
}

/* One frame as a PNG on a stream (render -o -). */
static int emit_stream(struct frames_engine *e, const double *xy, const struct cam *cam, FILE *fp,
		       struct ap_err *err)
{
	size_t bytes = (size_t)e->c->w * e->c->h * 4;
	uint8_t *px = malloc(bytes);
	if (!px)
		return ap_errf(err, "out of memory for a %dx%d frame", e->c->w, e->c->h);
	int rc = frames_draw(e, xy, cam, px, err);
	if (rc == 0) {
		struct png_meta m;
		png_meta(e, cam, &m);
		rc = pngio_write_fp(fp, "-", &(struct pngio_image){ px, (uint32_t)e->c->w, (uint32_t)e->c->h }, &m.wo,
				    err);
	}
	free(px);
	return rc;
}

/* Finish the oldest frame in flight and queue its PNG or hand it to its sink (write), or
 * give its buffer back. */
static int finish_oldest(struct frames_engine *e, bool write, struct ap_err *err)
{
	struct frames_pending p = e->pend[0];
	memmove(e->pend, e->pend + 1, (size_t)--e->npend * sizeof *e->pend);
	double t0 = frames_now();
	uint8_t *px = draw_finish(e->dr, err);
	e->t_collect += frames_now() - t0;
	e->collected++;
	int rc = px ? 0 : -1;
	if (px && write && p.path) {
		struct png_meta m;
		png_meta(e, &p.cam, &m);
		m.wo.gray_in = p.gray;
		rc = outq_submit(e->q, p.buf, p.path, (uint32_t)e->c->w, (uint32_t)e->c->h, &m.wo);
		free(p.path);
		return rc;
	}
	if (px && write)
		rc = p.sink(p.user, px, (size_t)e->c->w * (size_t)e->c->h * 4, err);
	outq_release(e->q, p.buf);
	free(p.path);
	return rc;
}

/* Every frame in flight finished, oldest first: 0, or the first failure's -1 (err set,
 * or empty when a queued write failed and frames_close says how). */
static int flush_pending(struct frames_engine *e, bool write, struct ap_err *err)
{
	int rc = 0;
	while (e->npend) {
		struct ap_err fe = { 0 };
		if (finish_oldest(e, write && rc == 0, &fe) && rc == 0) {
			rc = -1;
			*err = fe;
		}
	}
	return rc;
}

/* Start p's frame on a GL backend and keep it in flight; the oldest is finished once
 * e->inflight are. On failure p's buffer goes back and its path is freed. */
static int keep_pending(struct frames_engine *e, const double *xy, struct frames_pending p, struct ap_err *err)
{
	p.gray = p.path && gray_png(e);
	if (draw_scene_as(e, xy, &p.cam, p.buf, true, p.gray, err)) {
		outq_release(e->q, p.buf);
		free(p.path);
		return -1;
	}
	e->pend[e->npend++] = p;
	e->frames += p.path != NULL;     /* PNG frames, as frames_emit counts them */
	return e->npend < e->inflight ? 0 : finish_oldest(e, true, err);
}

/* A PNG frame left in flight (keep_pending). */
static int emit_started(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path,
			uint8_t *buf, struct ap_err *err)
{
	char *p = strdup(path);
	if (!p) {
		outq_release(e->q, buf);
		return ap_errf(err, "output '%s': out of memory", path);
	}
	return keep_pending(e, xy, (struct frames_pending){ buf, p, *cam, NULL, NULL, false }, err);
}

int frames_to_sink(struct frames_engine *e, const double *xy, const struct cam *cam, frames_sink sink,
		   void *user, struct ap_err *err)
{
	/* the encoders' spare buffers: raw frames are not encoded */
	uint8_t *buf = outq_buffer(e->q);
	if (!buf)
		return ap_errf(err, "out of frame buffers");
	if (e->inflight > 1)
		return keep_pending(e, xy, (struct frames_pending){ buf, NULL, *cam, sink, user, false }, err);
	int rc = frames_draw(e, xy, cam, buf, err);
	if (rc == 0)
		rc = sink(user, buf, (size_t)e->c->w * (size_t)e->c->h * 4, err);
	outq_release(e->q, buf);
	return rc;
}

int frames_sink_flush(struct frames_engine *e, struct ap_err *err)
{
	return flush_pending(e, true, err);
}

int frames_emit(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path,
		struct ap_err *err)
{
	if (frames_check_output(e, path, err))
		return -1;
	double t0 = frames_now();
	uint8_t *buf = outq_buffer(e->q);
	e->t_wait += frames_now() - t0;
	if (!buf)
		return -1;           /* the write error comes from frames_close */
	int kind = figure_doc_kind(path);
	if (kind) {
		int rc = frames_write_doc(e, xy, cam, path, kind, buf, err);
		outq_release(e->q, buf);
		return rc;
	}
	if (e->inflight > 1)
		return emit_started(e, xy, cam, path, buf, err);
	bool gray = gray_png(e);
	if (gray ? draw_scene_as(e, xy, cam, buf, false, true, err) : frames_draw(e, xy, cam, buf, err)) {
		outq_release(e->q, buf);
		return -1;
	}
	struct png_meta m;
	png_meta(e, cam, &m);
	m.wo.gray_in = gray;
	e->frames++;
	return outq_submit(e->q, buf, path, (uint32_t)e->c->w, (uint32_t)e->c->h, &m.wo);
}

int frames_close(struct frames_engine *e, int rc, struct ap_err *err)
{
	if (e->npend) {
		/* a failed run's frames in flight are given back, not written */
		struct ap_err fe = { 0 };
		if (flush_pending(e, rc == 0, &fe) && rc == 0 && fe.msg[0]) {
			if (err)
				*err = fe;
			rc = -1;
		}
	}
	if (e->q) {
		outq_drain(e->q);
		if (e->clamp_frames)
			frames_log(e->c, "--clamp-camera: %zu of %zu frames had their camera moved onto the data",
				   e->clamp_moved, e->clamp_frames);
		if (e->frames) {
			size_t n;
			double enc;
			outq_stats(e->q, &n, &enc);
			double wall = frames_now() - e->t_start;
			frames_log(e->c, "stats frames=%zu render_ms=%.2f encode_ms=%.2f wall_s=%.3f fps=%.2f",
				e->frames, e->t_render * 1e3 / (double)e->frames, n ? enc * 1e3 / (double)n : 0.0,
				wall, (double)e->frames / wall);
			if (e->fig)
				frames_log(e->c, "text_ms=%.2f", e->t_text * 1e3 / (double)e->frames);
		}
		if (e->draws && !draw_is_cpu(e->dr))
			frames_log(e->c, "gl uploads: %zu bytes of sprite data in %zu of %zu frames, %zu bytes of "
				   "prescaled images in %zu", e->up_bytes, e->up_frames, e->draws, e->presc_bytes,
				   e->presc_frames);
		if (e->collected)
			frames_log(e->c, "gl read-back: %zu frames, %d in flight, %.2f ms a frame waiting for them",
				   e->collected, e->inflight, e->t_collect * 1e3 / (double)e->collected);
		struct ap_err qerr;
		if (outq_close(e->q, &qerr) && rc == 0) {
			if (err)
				*err = qerr;
			rc = -1;
		}
	}
	if (rc == 0 && e->c && e->c->draw.store)
		cache_write(e);
	if (e->c) {
		e->c->draw.store = NULL;
		e->c->paths.sig = NULL;
	}
	dsig_free(e->sig);
	figure_close(e->fig);
	draw_close(e->dr);
	acache_close(&e->entry);
	ds_free(&e->d);
	free(e->tint);
	memset(e, 0, sizeof *e);
	return rc;
}

int frames_render_stills(struct frames_desc *c, const struct frames_stills *job, struct ap_err *err)
{
	struct frames_engine e;
	err->msg[0] = 0;
	if (frames_open(&e, c, job->command, err))
		return -1;
	struct cam def;
	cam_default(&e.box, &def);
	if (job->ready)
		job->ready(job->ready_ctx);
	int rc = 0;
	if (job->fp) {
		struct cam cam = job->ncams ? job->cams[0] : def;
		frames_clamp(&e, 0, &cam);
		rc = emit_stream(&e, e.d.lay.xy, &cam, job->fp, err);
		return frames_close(&e, rc, err);
	}
	for (size_t k = 0; k < (job->ncams ? job->ncams : 1) && rc == 0 && !(job->stop && *job->stop); k++) {
		char path[4096];
		if (frames_path(job->out, (long)k, path, sizeof path)) {
			rc = ap_errf(err, "output pattern '%s': the path is too long", job->out);
			break;
		}
		struct cam cam = job->ncams ? job->cams[k] : def;
		frames_clamp(&e, (long)k, &cam);
		rc = frames_emit(&e, e.d.lay.xy, &cam, path, err);
	}
	return frames_close(&e, rc, err);
}
