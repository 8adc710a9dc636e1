/*
 * sess: a drawing session shared by render and animate: the GL context, the atlas
 * uploaded once, the per-image atlas places and the reusable scene buffers. Turns
 * (positions, camera, options) into an RGBA frame.
 */
#ifndef AP_SESS_H
#define AP_SESS_H

#include <stdint.h>

#include "atlas.h"
#include "glctx.h"
#include "imgset.h"
#include "render.h"
#include "scene.h"

struct sess_opts {
	enum glctx_backend backend;
	uint32_t page_size;          /* atlas page side; 0 = 2048 */
	uint32_t pages_per_group;    /* 0 = GL limit; smaller only to test batching */
};

struct sess {
	struct glctx *ctx;
	struct atlas atlas;
	struct render *r;
	struct scene_src src;
	struct scene_out sc;
};

int sess_open(struct sess *s, const struct ap_imgset *imgs, const struct sess_opts *o, struct ap_err *err);
int sess_frame(struct sess *s, const double *xy, const struct scene_frame *f, const struct render_opts *ro,
	       uint8_t *rgba, struct ap_err *err);
void sess_close(struct sess *s);

#endif
