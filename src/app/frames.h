/*
 * frames: the frame loop the commands share: load the data set, open a drawing
 * session, render frames (positions + camera) and hand them to the encoder threads,
 * with output paths from a printf-style pattern and PNG metadata.
 */
#ifndef AP_FRAMES_H
#define AP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli_args.h"
#include "app/outq.h"

struct frames_job {
	struct cli_common *c;
	const char *out;             /* path or pattern with one %d / %0Nd */
	const char *command;         /* for the PNG's tEXt */
};

/* The pattern must hold exactly one integer conversion (%d, %0Nd) when need_number,
 * and no other '%' but '%%'. */
int frames_check_pattern(const char *pattern, bool need_number, struct ap_err *err);
/* Expand the pattern for frame k (or copy it when it has no conversion). */
int frames_path(const char *pattern, long k, char *buf, size_t len);

/* An open engine: data, session, fit, encoder queue. */
struct frames_engine {
	struct cli_common *c;
	struct ds d;
	struct sess s;
	uint32_t *tint;
	struct cam_box box;
	double s0;
	struct outq *q;
	const char *command;
	double t_start;              /* when frames_open began (load included) */
	enum pngio_fmt png_fmt;      /* GRAY when nothing in the scene has colour */
	double t_render, t_wait;     /* seconds, for -v */
	size_t frames;
};

/* Load the data set (layout from c->paths.layout, may be NULL for animate, which
 * brings its own) and open the session. */
int frames_open(struct frames_engine *e, struct cli_common *c, const char *command, struct ap_err *err);
/* Fit s0 to the box of xy (n points). */
void frames_fit(struct frames_engine *e, const double *xy);
/* Render positions xy with camera cam into a buffer and queue it for path. */
int frames_emit(struct frames_engine *e, const double *xy, const struct cam *cam, const char *path,
		struct ap_err *err);
/* Render into a caller's buffer, no file. */
int frames_draw(struct frames_engine *e, const double *xy, const struct cam *cam, uint8_t *rgba,
		struct ap_err *err);
/* Wait for the writes; free everything. rc_so_far != 0 keeps the first error. */
int frames_close(struct frames_engine *e, int rc_so_far, struct ap_err *err);

/* render: one frame per camera (the default camera when ncams == 0). */
int frames_render_stills(const struct frames_job *job, const struct cam *cams, int ncams, struct ap_err *err);

double frames_now(void);

#endif
