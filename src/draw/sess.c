#include "draw/sess.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sess_backend_parse(const char *s, enum sess_backend *out)
{
	static const char *names[] = { "auto", "cpu", "osmesa", "egl" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum sess_backend)i;
			return 0;
		}
	return -1;
}

static int open_gl(struct sess *s, const struct ap_imgset *imgs, enum glctx_backend b, uint32_t ppg,
		   struct ap_err *err)
{
	if (!(s->ctx = glctx_new(b, err)))
		return -1;
	if (!(s->r = render_new(s->ctx, &s->atlas, imgs, ppg, err)))
		return -1;
	return scene_src_init(&s->src, &s->atlas, imgs, render_pages_per_group(s->r), err);
}

/* A GPU reached through an EGL device, or nothing (no error: auto falls back). */
static int try_gpu(struct sess *s, const struct ap_imgset *imgs, uint32_t ppg)
{
	struct ap_err ignore;
	if (!(s->ctx = glctx_new(GLCTX_EGL_DEVICE, &ignore)))
		return -1;
	if ((s->r = render_new(s->ctx, &s->atlas, imgs, ppg, &ignore)) &&
	    scene_src_init(&s->src, &s->atlas, imgs, render_pages_per_group(s->r), &ignore) == 0)
		return 0;
	render_free(s->r);
	s->r = NULL;
	glctx_free(s->ctx);
	s->ctx = NULL;
	return -1;
}

struct cov_part {
	const struct atlas *a;
	const struct ap_imgset *imgs;
	double threshold;
	struct atlas_cov_rows job;
	int rc;
};

static void *cov_part(void *arg)
{
	struct cov_part *p = arg;
	p->rc = atlas_coverage_rows(p->a, p->imgs, p->threshold, &p->job);
	return NULL;
}

/* atlas_coverage_table, and each image's share passing (c0, n floats), on two
 * threads: 0.3 s of MNIST's start-up otherwise. */
static float *coverage_table(const struct atlas *a, const struct ap_imgset *imgs, double threshold, float *c0)
{
	float *tab = malloc(a->n * a->levels * sizeof *tab);
	if (!tab)
		return NULL;
	struct cov_part half[2] = {
		{ a, imgs, threshold, { 0, a->n / 2, tab, c0 }, 0 },
		{ a, imgs, threshold, { a->n / 2, a->n, tab, c0 }, 0 },
	};
	pthread_t th;
	bool started = pthread_create(&th, NULL, cov_part, &half[1]) == 0;
	cov_part(&half[0]);
	if (started)
		pthread_join(th, NULL);
	else
		cov_part(&half[1]);
	if (half[0].rc || half[1].rc) {
		free(tab);
		return NULL;
	}
	return tab;
}

int sess_open(struct sess *s, const struct ap_imgset *imgs, const double *xy, const struct sess_opts *o,
	      struct ap_err *err)
{
	memset(s, 0, sizeof *s);
	if (atlas_plan(imgs, o->page_size, &s->atlas, err))
		return -1;
	if (xy && imgs->n > 1) {
		s->cell_of = malloc(imgs->n * sizeof *s->cell_of);
		s->image_at = malloc(imgs->n * sizeof *s->image_at);
		if (s->cell_of && s->image_at) {
			/* GL's texture arrays hold at least 2048 layers (GL 4.5) unless fewer are asked for */
			size_t chunk = o->backend == SESS_CPU ? 0 : (size_t)s->atlas.cols * s->atlas.rows *
				       (o->pages_per_group ? o->pages_per_group : 2048);
			atlas_order(imgs->n, xy, chunk, s->cell_of, s->image_at);
			s->atlas.cell_of = s->cell_of;
			s->atlas.image_at = s->image_at;
		}
	}
	int rc;
	switch (o->backend) {
	case SESS_OSMESA:
		rc = open_gl(s, imgs, GLCTX_OSMESA, o->pages_per_group, err);
		break;
	case SESS_EGL:
		rc = open_gl(s, imgs, GLCTX_EGL, o->pages_per_group, err);
		break;
	case SESS_AUTO:
		if (try_gpu(s, imgs, o->pages_per_group) == 0) {
			rc = 0;
			break;
		}
		/* fall through */
	default:
		rc = (s->cpu = swr_new(&s->atlas, imgs, 0, err)) ? 0 : -1;
		if (!rc)
			rc = scene_src_init(&s->src, &s->atlas, imgs, 0, err);
		break;
	}
	if (!rc && o->coverage && s->cpu) {
		rc = swr_coverage(s->cpu, o->threshold, err);
	} else if (!rc && o->coverage) {
		float *c0 = malloc(s->atlas.n * sizeof *c0), *tab = c0 ? coverage_table(&s->atlas, imgs, o->threshold, c0) : NULL;
		if (!tab)
			rc = ap_errf(err, "atlas: out of memory for the coverage table");
		else
			rc = render_set_coverage(s->r, tab, c0, o->threshold, err);
		free(tab);
		free(c0);
	}
	if (rc) {
		sess_close(s);
		return -1;
	}
	return 0;
}

int sess_frame(struct sess *s, const double *xy, const struct scene_frame *f, const struct render_opts *ro,
	       uint8_t *rgba, struct ap_err *err)
{
	struct scene_frame fr = *f;
	fr.sprites_only = s->cpu != NULL;
	if (scene_build(&s->src, xy, &fr, &s->sc, err))
		return -1;
	if (s->cpu)
		return swr_frame(s->cpu, &s->sc, f->w, f->h, ro, rgba, err);
	return render_frame(s->r, &s->sc, f->w, f->h, ro, rgba, err);
}

int sess_max_size(const struct sess *s)
{
	return s->cpu ? SESS_CPU_MAX_SIDE : render_max_size(s->r);
}

void sess_describe(const struct sess *s, char *buf, size_t len)
{
	if (s->cpu) {
		snprintf(buf, len, "cpu: software compositor, %d threads", swr_threads(s->cpu));
		return;
	}
	const char *renderer, *version;
	render_gl_strings(s->r, &renderer, &version);
	snprintf(buf, len, "%s: %s, %s", glctx_backend_name(s->ctx), renderer, version);
}

void sess_close(struct sess *s)
{
	scene_out_free(&s->sc);
	scene_src_free(&s->src);
	swr_free(s->cpu);
	render_free(s->r);
	glctx_free(s->ctx);
	free(s->cell_of);
	free(s->image_at);
	memset(s, 0, sizeof *s);
}
