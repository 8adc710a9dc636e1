/*
 * swr: the compositor's entry points (swr.h). swr_new builds the pages (swr_page.c);
 * swr_frame sets up one frame's job (threshold, colours, the prescaled images' and the
 * coverage thresholds' keys), bins (swr_bin.c) and paints it (swr_tile.c). Not here:
 * any pixel.
 */
#include "draw/swr/swr_priv.h"

#include "core/pal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void swr_run_threads(int n, void *(*fn)(void *), void *arg)
{
	pthread_t th[SWR_MAX_THREADS];
	int started = 0;
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, fn, arg) == 0)
			started++;
	fn(arg);                     /* a thread that did not start leaves its work to the others */
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

struct swr *swr_new(const struct atlas *a, const struct ap_imgset *s, const struct swr_desc *d,
		    struct ap_err *err)
{
	struct swr *r = calloc(1, sizeof *r);
	if (!r) {
		ap_errf(err, "swr: out of memory");
		return NULL;
	}
	r->a = *a;
	r->has_alpha = s->c == 4;
	int threads = d ? d->threads : 0;
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	r->threads = threads > SWR_MAX_THREADS ? SWR_MAX_THREADS : threads;
	r->four_floats = d && d->four_floats;
#if SHUFFLE
	r->ssse3 = __builtin_cpu_supports("ssse3") && !(d && d->portable_gather);
#endif
	if (d && d->cells) {
		swr_page_layout(r);
		r->cells = (uint8_t *)d->cells;
		r->cells_adopted = true;
	} else {
		if (d && d->coverage && (r->c0 = malloc((a->n ? a->n : 1) * sizeof *r->c0)))
			r->c0_thr = d->threshold;
		if (swr_page_build(r, s))
			goto out_oom;
	}
	return r;
out_oom:
	ap_errf(err, "swr: out of memory for %u atlas page(s) of %ux%u", a->pages, a->page_w, a->page_h);
	swr_free(r);
	return NULL;
}

int swr_coverage(struct swr *r, double threshold, struct ap_err *err)
{
	free(r->cov);
	free(r->thr_cell);
	free((void *)r->cov_state);
	r->thr_cell = NULL;
	r->cov_state = NULL;
	if (!(r->cov = malloc(r->a.n * r->a.levels * sizeof *r->cov)) ||
	    !(r->thr_cell = malloc(r->a.n * sizeof *r->thr_cell)) ||
	    !(r->cov_state = malloc(r->a.n * sizeof *r->cov_state)))
		return ap_errf(err, "swr: out of memory for the coverage table");
	for (size_t i = 0; i < r->a.n; i++)
		once_reset(&r->cov_state[i]);
	r->key.thr = -1;             /* no key: swr_frame sets one */
	r->cov_thr = threshold;
	if (r->c0 && r->c0_thr != threshold) {
		free(r->c0);
		r->c0 = NULL;
	}
	presc_cache_reset(&r->pre.c); /* prescaled thresholds: made again */
	return 0;
}

int swr_dots(struct swr *r, const uint32_t *cell_color, struct ap_err *err)
{
	free(r->dots);
	if (!(r->dots = malloc(r->a.n * sizeof *r->dots)))
		return ap_errf(err, "swr: out of memory for %zu disc colours", r->a.n);
	memcpy(r->dots, cell_color, r->a.n * sizeof *r->dots);
	r->dots_gray = true;
	for (size_t i = 0; i < r->a.n; i++)
		r->dots_gray &= pal_gray(r->dots[i]);
	return 0;
}

void swr_free(struct swr *r)
{
	if (!r)
		return;
	free(r->dots);
	free(r->cov);
	free((void *)r->cov_state);
	free(r->thr_cell);
	free(r->c0);
	presc_cache_free(&r->pre.c);
	free(r->pre.thr_f);
	free(r->pre.thr88);
	if (!r->cells_adopted)
		free(r->cells);
	swr_tile_free(r);
	free(r->span);
	free(r->cnt);
	free(r->tile_off);
	free(r->items);
	free(r->pre_at);
	free(r);
}

bool swr_mono(const struct swr *r)
{
	return r->last_mono;
}

int swr_threads(const struct swr *r)
{
	return r->threads;
}

int swr_frame(struct swr *r, const struct scene_out *sc, const struct draw_opts *o, const struct draw_target *t,
	      struct ap_err *err)
{
	int w = t->w, h = t->h;
	uint8_t *rgba = t->rgba;
	if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
		return ap_errf(err, "frame %dx%d: outside 1..65535", w, h);
	uint32_t ol = pal_outline(o->outline, o->background);
	struct job j = {
		.r = r, .w = w, .h = h, .rgba = rgba, .gray = t->gray,
		.mode = o->alpha, .ch = (int)r->a.channels,
		.thr = (float)draw_opts_threshold(o), .lod = sc->lod,
	};
	if (sc->lod.on && sc->lod.dot_alpha > 0 && !r->dots)
		return ap_errf(err, "swr: a frame with discs, but no disc colours");
	j.tiles_x = (w + TILE_W - 1) / TILE_W;
	j.ntiles = j.tiles_x * ((h + STRIP - 1) / STRIP);
	j.thr88 = swr_threshold88(j.thr);
	pal_premul(o->background, j.bg);
	j.bg8 = swr_store(j.bg);
	pal_premul(ol, j.ol);
	j.ol8 = swr_store(j.ol);
	atomic_init(&j.next, 0);
	int flags;
	/* before binning, which makes the prescaled images it meets */
	if (swr_pre_key(r, sc, j.thr))
		return ap_errf(err, "swr: out of memory for %zu prescaled images", sc->nsprites);
	if (swr_tile_alloc(r, w) || (flags = swr_bin(r, sc, w, h, ol)) < 0)
		return ap_errf(err, "swr: out of memory for a %dx%d frame of %zu sprites", w, h, sc->nsprites);
	if (r->thr_cell && o->alpha == DRAW_DISCARD && sc->nsprites) {
		/* the key: the first sprite's LOD, which most share */
		struct lod d;
		swr_lod(r, scene_scale_x(&sc->sprites[0]), scene_scale_y(&sc->sprites[0]), &d);
		if (d.lfloor != r->key.lfloor || d.frac != r->key.frac || j.thr != r->key.thr) {
			for (size_t i = 0; i < r->a.n; i++)
				atomic_init(&r->thr_cell[i], THR_UNSET);
			r->key.thr = j.thr;
			r->key.frac = d.frac;
			r->key.lfloor = d.lfloor;
		}
	}
	/* every source opaque: painting may overwrite (a disc's edge is not) */
	j.fast = o->alpha != DRAW_BLEND && !(flags & SWR_BIN_TRANSLUCENT) && !sc->lod.on;
	/* Gray sources over an opaque gray background keep a float pixel's R, G and B
	 * equal, and its alpha 1: x + (1 - x) is 1 in float for every x in [0, 2] (every
	 * float of [0, 1] was tried; above 1, 1 - x is exact), so "over" never moves it.
	 * Then one float a pixel is the same arithmetic as four, a quarter of the work for
	 * discs and blending (a cross-fade's image tile, whose alpha is not 1, keeps it in
	 * a plane of its own). */
	j.mono = !r->four_floats && !j.fast && j.ch == 1 && !(flags & SWR_BIN_COLOURED) && j.bg[3] == 1 && pal_gray(j.bg8) &&
		 pal_gray(j.ol8) && (!(sc->lod.on && sc->lod.dot_alpha > 0) || r->dots_gray);
	r->last_mono = j.mono;
	swr_tile_paint(&j);
	return 0;
}
