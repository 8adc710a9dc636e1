/*
 * sess: a drawing session shared by render and animate: the backend (the software
 * compositor, or a GL context with the atlas uploaded once), the per-image atlas places
 * and the reusable scene buffers. Turns (positions, camera, options) into an RGBA frame.
 *
 * Backends: cpu (swr_, on the CPU's cores), osmesa and egl (render_, a GL compute
 * pass). auto takes a GPU through EGL when there is one, else cpu: on a machine without
 * a GPU the GL backends run on Mesa's llvmpipe, about a hundred times slower.
 */
#ifndef AP_SESS_H
#define AP_SESS_H

#include <stdint.h>

#include "core/atlas.h"
#include "draw/gl/glctx.h"
#include "core/imgset.h"
#include "draw/gl/render.h"
#include "core/scene.h"
#include "draw/swr/swr.h"

enum sess_backend {
	SESS_AUTO = 0,
	SESS_CPU,
	SESS_OSMESA,
	SESS_EGL,
};

/* "auto", "cpu", "osmesa", "egl". */
int sess_backend_parse(const char *s, enum sess_backend *out);

/* The largest frame side the cpu backend draws (the PNG reader's limit too). */
#define SESS_CPU_MAX_SIDE 32768

struct sess_opts {
	enum sess_backend backend;
	uint32_t page_size;          /* atlas page side; 0 = 2048 */
	uint32_t pages_per_group;    /* 0 = GL limit; smaller only to test batching */
	int coverage;                /* discard mode: keep each mip level's coverage */
	double threshold;            /* the discard threshold it is kept for */
};

struct sess {
	uint32_t *cell_of, *image_at; /* the atlas order (atlas_order), or NULL */
	struct swr *cpu;             /* the cpu backend, or NULL */
	struct glctx *ctx;           /* the GL backends */
	struct atlas atlas;
	struct render *r;
	struct scene_src src;
	struct scene_out sc;
};

/* xy (imgs->n points, may be NULL): a layout to place the atlas cells by, so that
 * sprites near each other on screen read texels near each other in memory. */
int sess_open(struct sess *s, const struct ap_imgset *imgs, const double *xy, const struct sess_opts *o,
	      struct ap_err *err);
int sess_frame(struct sess *s, const double *xy, const struct scene_frame *f, const struct render_opts *ro,
	       uint8_t *rgba, struct ap_err *err);
void sess_close(struct sess *s);

/* The largest frame side. */
int sess_max_size(const struct sess *s);
/* One line naming the backend: "cpu (2 threads)", "osmesa: llvmpipe ..., 4.5 ...". */
void sess_describe(const struct sess *s, char *buf, size_t len);

#endif
