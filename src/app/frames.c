#include "app/frames.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int frames_open(struct frames_engine *e, struct cli_common *c, const char *command, struct ap_err *err)
{
	memset(e, 0, sizeof *e);
	e->t_start = frames_now();
	e->c = c;
	e->command = command;
	/* a full disk or `ulimit -f` must fail the write, not kill the process */
	signal(SIGXFSZ, SIG_IGN);
	if (ds_load(&c->paths, &e->d, err))
		return -1;
	if (cli_common_prepare(c, &e->d, &e->tint, err))
		goto out_free;
	double t0 = frames_now();
	if (sess_open(&e->s, &e->d.imgs, e->d.lay.xy, &c->so, err))
		goto out_free;
	/* Gray images, no tints, a gray opaque background and gray outlines make gray frames:
	 * say so, and the encoder skips looking at every pixel to find out. */
	uint32_t bg = c->ro.background, ol = c->ro.outline;
	bool gray = (bg & 255) == (bg >> 8 & 255) && (bg & 255) == (bg >> 16 & 255) && (bg >> 24) == 255;
	bool ol_gray = !ol || ((ol & 255) == (ol >> 8 & 255) && (ol & 255) == (ol >> 16 & 255) && (ol >> 24) == 255);
	e->png_fmt = e->d.imgs.c == 1 && !e->tint && gray && (ol_gray || !c->hl.n) ? PNGIO_GRAY : PNGIO_AUTO;
	/* the atlas holds the pixels now: the loaded copy is 55 MB for MNIST */
	free(e->d.imgs.pix);
	e->d.imgs.pix = NULL;
	if (c->w > sess_max_size(&e->s) || c->h > sess_max_size(&e->s)) {
		ap_errf(err, "--size %dx%d: larger than the %s limit %d", c->w, c->h, e->s.cpu ? "backend's" : "GL",
			sess_max_size(&e->s));
		goto out_free;
	}
	if (c->verbose) {
		char desc[256];
		sess_describe(&e->s, desc, sizeof desc);
		fprintf(stderr, "atlasplot: %zu images, atlas %u page(s) of %ux%u, built in %.2f s (%s)\n",
			e->d.imgs.n, e->s.atlas.pages, e->s.atlas.page_w, e->s.atlas.page_h, frames_now() - t0, desc);
	}
	/* One encoder thread per spare core keeps up with the renderer, which uses all. */
	if (!(e->q = outq_new(2, 4, (size_t)c->w * c->h * 4, err)))
		goto out_free;
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

int frames_draw(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
		struct ap_err *err)
{
	struct cli_common *c = e->c;
	struct scene_frame f = {
		.w = c->w, .h = c->h, .cam = *cam, .s0 = e->s0,
		.sprite = cam_sprite_size(&c->sprite, cam->zoom),
		.tint = e->tint,
		.tint_as_frame = e->d.imgs.c != 1,
		.highlight = c->hl.index, .nhighlight = c->hl.n,
		.highlight_scale = c->highlight_scale,
	};
	double t0 = frames_now();
	int rc = sess_frame(&e->s, xy, &f, &c->ro, rgba, err);
	e->t_render += frames_now() - t0;
	return rc;
}

int frames_emit(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path,
		struct ap_err *err)
{
	double t0 = frames_now();
	uint8_t *buf = outq_buffer(e->q);
	e->t_wait += frames_now() - t0;
	if (!buf)
		return -1;           /* the write error comes from frames_close */
	if (frames_draw(e, xy, cam, buf, err)) {
		outq_release(e->q, buf);
		return -1;
	}
	char camtxt[128];
	snprintf(camtxt, sizeof camtxt, "%.9g,%.9g,%.9g", cam->cx, cam->cy, cam->zoom);
	struct pngio_text text[3] = {
		{ "Software", "atlasplot " AP_VERSION },
		{ "Camera", camtxt },
		{ "Command", e->command },
	};
	struct pngio_wopts wo = { .fmt = e->png_fmt, .level = e->c->png_level, .text = text,
				  .ntext = e->command ? 3 : 2 };
	e->frames++;
	return outq_submit(e->q, buf, path, (uint32_t)e->c->w, (uint32_t)e->c->h, &wo);
}

int frames_close(struct frames_engine *e, int rc, struct ap_err *err)
{
	if (e->q) {
		outq_drain(e->q);
		if (e->c->verbose && e->frames) {
			size_t n;
			double enc;
			outq_stats(e->q, &n, &enc);
			double wall = frames_now() - e->t_start;
			fprintf(stderr, "atlasplot: stats frames=%zu render_ms=%.2f encode_ms=%.2f wall_s=%.3f fps=%.2f\n",
				e->frames, e->t_render * 1e3 / (double)e->frames, n ? enc * 1e3 / (double)n : 0.0,
				wall, (double)e->frames / wall);
		}
		struct ap_err qerr;
		if (outq_close(e->q, &qerr) && rc == 0) {
			if (err)
				*err = qerr;
			rc = -1;
		}
	}
	sess_close(&e->s);
	ds_free(&e->d);
	free(e->tint);
	memset(e, 0, sizeof *e);
	return rc;
}

int frames_render_stills(const struct frames_job *job, const struct cam *cams, int ncams, struct ap_err *err)
{
	struct frames_engine e;
	err->msg[0] = 0;
	if (frames_open(&e, job->c, job->command, err))
		return -1;
	struct cam def;
	cam_default(&e.box, &def);
	int rc = 0;
	for (int k = 0; k < (ncams ? ncams : 1) && rc == 0; k++) {
		char path[4096];
		if (frames_path(job->out, k, path, sizeof path)) {
			rc = ap_errf(err, "output pattern '%s': the path is too long", job->out);
			break;
		}
		rc = frames_emit(&e, e.d.lay.xy, ncams ? &cams[k] : &def, path, err);
	}
	return frames_close(&e, rc, err);
}
