#include "sess.h"

#include <string.h>

int sess_open(struct sess *s, const struct ap_imgset *imgs, const struct sess_opts *o, struct ap_err *err)
{
	memset(s, 0, sizeof *s);
	if (atlas_plan(imgs, o->page_size, &s->atlas, err))
		return -1;
	if (!(s->ctx = glctx_new(o->backend, err)))
		return -1;
	if (!(s->r = render_new(s->ctx, &s->atlas, imgs, o->pages_per_group, err)))
		goto out_close;
	if (scene_src_init(&s->src, &s->atlas, imgs, render_pages_per_group(s->r), err))
		goto out_close;
	return 0;
out_close:
	sess_close(s);
	return -1;
}

int sess_frame(struct sess *s, const double *xy, const struct scene_frame *f, const struct render_opts *ro,
	       uint8_t *rgba, struct ap_err *err)
{
	if (scene_build(&s->src, xy, f, &s->sc, err))
		return -1;
	return render_frame(s->r, &s->sc, f->w, f->h, ro, rgba, err);
}

void sess_close(struct sess *s)
{
	scene_out_free(&s->sc);
	scene_src_free(&s->src);
	render_free(s->r);
	glctx_free(s->ctx);
	memset(s, 0, sizeof *s);
}
