#include "core/cam.h"

#include <math.h>

#include "base/fnum.h"

const char *cam_check(const struct cam *c)
{
	if (!(c->zoom >= CAM_ZOOM_MIN && c->zoom <= CAM_ZOOM_MAX))
		return "zoom must be from 1e-6 to 1e6";
	if (!(fabs(c->cx) <= CAM_COORD_MAX && fabs(c->cy) <= CAM_COORD_MAX))
		return "centre must be within 1e15 of 0";
	return NULL;
}

void cam_bounds(const double *xy, size_t n, struct cam_box *out)
{
	out->x0 = out->x1 = xy[0];
	out->y0 = out->y1 = xy[1];
	for (size_t i = 1; i < n; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		if (x < out->x0) out->x0 = x;
		if (x > out->x1) out->x1 = x;
		if (y < out->y0) out->y0 = y;
		if (y > out->y1) out->y1 = y;
	}
}

double cam_fit_scale(const struct cam_box *box, double margin, int w, int h)
{
	double bw = box->x1 - box->x0, bh = box->y1 - box->y0;
	double sx = 0, sy = 0;
	if (bw > 0)
		sx = w / (bw * (1 + 2 * margin));
	if (bh > 0)
		sy = h / (bh * (1 + 2 * margin));
	/* a box of a denormal's width would give inf */
	if (sx > 0 && sy > 0)
		return fnum_clamp(sx < sy ? sx : sy, 0, CAM_FIT_MAX);
	if (sx > 0)
		return fnum_clamp(sx, 0, CAM_FIT_MAX);
	if (sy > 0)
		return fnum_clamp(sy, 0, CAM_FIT_MAX);
	return 1.0;
}

void cam_default(const struct cam_box *box, struct cam *out)
{
	out->cx = (box->x0 + box->x1) / 2;
	out->cy = (box->y0 + box->y1) / 2;
	out->zoom = 1;
}

void cam_to_screen(const struct cam_view *v, double x, double y, double *px, double *py)
{
	double s = v->s0 * v->cam.zoom;
	*px = v->w / 2.0 + (x - v->cam.cx) * s;
	*py = v->h / 2.0 - (y - v->cam.cy) * s;
}

void cam_to_data(const struct cam_view *v, double px, double py, double *x, double *y)
{
	double s = v->s0 * v->cam.zoom;
	*x = v->cam.cx + (px - v->w / 2.0) / s;
	*y = v->cam.cy - (py - v->h / 2.0) / s;
}

double cam_sprite_auto(int w, int h, size_t n, int native)
{
	double s = 1.5 * sqrt((double)w * h / (double)(n ? n : 1));
	double hi = native > 2 ? native : 2;
	s = floor(s + 0.5);
	return s < 2 ? 2 : s > hi ? hi : s;
}

const char *const cam_sprite_mode_names[3] = {
	[CAM_SPRITE_POWER] = "power",
	[CAM_SPRITE_ASINH] = "asinh",
	[CAM_SPRITE_CONSTANT] = "constant",
};

double cam_sprite_size(const struct cam_sprite *sp, double zoom)
{
	double g = sp->growth_set ? sp->growth : CAM_DEFAULT_GROWTH;
	double lo = sp->min > 0 ? sp->min : CAM_DEFAULT_SPRITE_MIN;
	double hi = sp->max > 0 ? sp->max : CAM_DEFAULT_SPRITE_MAX;
	double s;
	switch (sp->mode) {
	case CAM_SPRITE_ASINH:
		s = sp->base * (zoom > 1 ? asinh(zoom) / asinh(1.0) : zoom);
		break;
	case CAM_SPRITE_CONSTANT:
		s = sp->base;
		break;
	default:
		s = g == 0 ? sp->base : sp->base * pow(zoom, g);
		break;
	}
	s = s < lo ? lo : s > hi ? hi : s;
	return fnum_clamp(s, CAM_SPRITE_FLOOR, CAM_SPRITE_LIMIT);
}

const char *cam_sprite_check(const struct cam_sprite *sp)
{
	if (!sp->growth_set || sp->mode == CAM_SPRITE_POWER)
		return NULL;
	return sp->mode == CAM_SPRITE_ASINH ? "only --sprite-mode power has a growth exponent, not asinh"
					    : "only --sprite-mode power has a growth exponent, not constant";
}

/* One axis of cam_clamp: the centre c kept within R of the padded box's centre. */
static double clamp_axis(double lo, double hi, double margin, double s, int frame, double c)
{
	double half_box = (hi - lo) * (1 + 2 * margin) / 2, half_frame = frame / (2 * s);
	double mid = (lo + hi) / 2;
	/* zoomed in: the frame inside the box; narrower: the box across the frame's centre
	 * line and wholly on screen, whichever is tighter (both 0 where the sides meet) */
	double r = half_box >= half_frame ? half_box - half_frame : fmin(half_box, half_frame - half_box);
	/* within R: unchanged, so that a camera already on the data keeps its exact bits */
	if (c - mid > r)
		return mid + r;
	if (mid - c > r)
		return mid - r;
	return c;
}

bool cam_clamp(const struct cam_box *box, double margin, double s0, int w, int h, const struct cam *in,
	       struct cam *out)
{
	struct cam c = *in;
	if (!(c.zoom >= 1))
		c.zoom = 1;
	double s = s0 * c.zoom;
	c.cx = clamp_axis(box->x0, box->x1, margin, s, w, c.cx);
	c.cy = clamp_axis(box->y0, box->y1, margin, s, h, c.cy);
	bool moved = c.cx != in->cx || c.cy != in->cy || c.zoom != in->zoom;
	*out = c;
	return moved;
}

struct cam_rect cam_sprite_rect(double px, double py, double S, int iw, int ih)
{
	double w = S, h = S;
	if (iw > ih)
		h = S * ih / iw;
	else if (ih > iw)
		w = S * iw / ih;
	return (struct cam_rect){ .x0 = px - w / 2, .y0 = py - h / 2, .w = w, .h = h };
}
