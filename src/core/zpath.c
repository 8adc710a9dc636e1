#include "core/zpath.h"
#include "base/fnum.h"
#include "base/txt.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Widths and centres clamped so that the path's arithmetic stays finite whatever the
 * views: their squares and products must not overflow. */
#define W_MIN 1e-150
#define W_MAX 1e150

static void clamp_view(const double in[3], double out[3])
{
	out[0] = fnum_clamp(in[0], -W_MAX, W_MAX);
	out[1] = fnum_clamp(in[1], -W_MAX, W_MAX);
	out[2] = fnum_clamp(in[2], W_MIN, W_MAX);
}

void zpath_init(struct zpath *p, const double v0_in[3], const double v1_in[3], double rho)
{
	double v0[3], v1[3];
	memset(p, 0, sizeof *p);
	clamp_view(v0_in, v0);
	clamp_view(v1_in, v1);
	memcpy(p->v0, v0, sizeof p->v0);
	memcpy(p->v1, v1, sizeof p->v1);
	if (!(rho > 0))
		rho = ZPATH_DEFAULT_RHO;
	if (rho < 1e-3)
		rho = 1e-3;
	p->rho = rho;
	double w0 = v0[2], w1 = v1[2], rho2 = rho * rho, rho4 = rho2 * rho2;
	double wmin = w0 < w1 ? w0 : w1;
	p->dx = v1[0] - v0[0];
	p->dy = v1[1] - v0[1];
	double d2 = p->dx * p->dx + p->dy * p->dy;
	if (d2 < 1e-12 * wmin * wmin) {
		p->pure_zoom = 1;
		p->s_signed = log(w1 / w0) / rho;
	} else {
		double d1 = sqrt(d2);
		double b0 = (w1 * w1 - w0 * w0 + rho4 * d2) / (2 * w0 * rho2 * d1);
		double b1 = (w1 * w1 - w0 * w0 - rho4 * d2) / (2 * w1 * rho2 * d1);
		/* log(sqrt(b² + 1) − b) == −asinh(b), without the cancellation. */
		double r0 = -asinh(b0), r1 = -asinh(b1);
		p->d1 = d1;
		p->r0 = r0;
		p->s_signed = (r1 - r0) / rho;
	}
	if (!isfinite(p->s_signed) || !isfinite(p->r0)) {
		/* beyond double range: a straight pan with a geometric zoom */
		p->pure_zoom = 1;
		p->s_signed = (log(w1) - log(w0)) / rho;
	}
	p->S = fabs(p->s_signed);
}

void zpath_eval(const struct zpath *p, double t, double out[3])
{
	if (!(t > 0)) {
		memcpy(out, p->v0, sizeof p->v0);
		return;
	}
	if (t >= 1) {
		memcpy(out, p->v1, sizeof p->v1);
		return;
	}
	double rho = p->rho, w0 = p->v0[2];
	double s = t * p->s_signed;
	if (p->pure_zoom) {
		out[0] = p->v0[0] + t * p->dx;
		out[1] = p->v0[1] + t * p->dy;
		out[2] = w0 * exp(rho * s);
		return;
	}
	double r0 = p->r0, coshr0 = cosh(r0);
	double u = w0 / (rho * rho * p->d1) * (coshr0 * tanh(rho * s + r0) - sinh(r0));
	out[0] = p->v0[0] + u * p->dx;
	out[1] = p->v0[1] + u * p->dy;
	out[2] = w0 * coshr0 / cosh(rho * s + r0);
}

double zpath_duration(const struct zpath *p)
{
	return p->S * p->rho / ZPATH_DEFAULT_RHO;
}

void zpath_cam_to_view(const struct cam *c, double s0, int frame_w, double view[3])
{
	assert(s0 > 0 && frame_w > 0);
	view[0] = c->cx;
	view[1] = c->cy;
	view[2] = fnum_clamp(frame_w / (s0 * c->zoom), W_MIN, W_MAX);
}

void zpath_view_to_cam(const double view[3], double s0, int frame_w, struct cam *c)
{
	assert(s0 > 0 && frame_w > 0);
	c->cx = view[0];
	c->cy = view[1];
	c->zoom = fnum_clamp(frame_w / (s0 * fnum_clamp(view[2], W_MIN, W_MAX)), 1e-300, 1e300);
}

/* ---- keyframe files ---- */

static const char *const field_names[4] = { "time", "cx", "cy", "zoom" };

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* A token, copied NUL-terminated so strtod cannot read past it. */
struct tok {
	char s[128];
	size_t n;
	int too_long;
};

static void tok_set(struct tok *t, const char *p, size_t n)
{
	t->too_long = n >= sizeof t->s;
	if (t->too_long)
		n = sizeof t->s - 4;
	memcpy(t->s, p, n);
	strcpy(t->s + n, t->too_long ? "..." : "");
	t->n = n;
}

static int parse_number(const struct tok *t, double *out)
{
	char *end;
	if (t->too_long)
		return -1;
	*out = strtod(t->s, &end);
	/* A NUL inside the token ends strtod early; that is not a number either. */
	return end != t->s && end == t->s + t->n ? 0 : -1;
}

/* One line (no '\n', comment already cut): 0 and no key when blank, 1 with a key,
 * -1 with err set. Order is checked by the caller. */
static int parse_line(const char *p, size_t n, const char *path, size_t line,
	struct zpath_key *key, struct ap_err *err)
{
	double v[4];
	int count = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && is_blank(p[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && !is_blank(p[i]))
			i++;
		struct tok t;
		tok_set(&t, p + start, i - start);
		double x;
		if (parse_number(&t, &x) < 0)
			return ap_errf(err, "path '%s' line %zu: expected 4 numbers 'time cx cy zoom', got '%s'",
				path, line, t.s);
		if (count < 4) {
			if (!isfinite(x))
				return ap_errf(err, "path '%s' line %zu: %s '%s' is not a finite number",
					path, line, field_names[count], t.s);
			if (count == 0 && x < 0)
				return ap_errf(err, "path '%s' line %zu: time '%s' must be >= 0", path, line, t.s);
			if (count == 3 && !(x > 0))
				return ap_errf(err, "path '%s' line %zu: zoom '%s' must be > 0", path, line, t.s);
			if (count == 0 && x > ZPATH_MAX_TIME)
				return ap_errf(err, "path '%s' line %zu: time '%s' must be at most 1e6 seconds",
					path, line, t.s);
			if ((count == 1 || count == 2) && fabs(x) > CAM_COORD_MAX)
				return ap_errf(err, "path '%s' line %zu: %s '%s' must be within 1e15 of 0",
					path, line, field_names[count], t.s);
			if (count == 3 && !(x >= CAM_ZOOM_MIN && x <= CAM_ZOOM_MAX))
				return ap_errf(err, "path '%s' line %zu: zoom '%s' must be from 1e-6 to 1e6",
					path, line, t.s);
			v[count] = x;
		}
		count++;
	}
	if (count == 0)
		return 0;
	if (count != 4)
		return ap_errf(err, "path '%s' line %zu: expected 4 numbers 'time cx cy zoom', got %d",
			path, line, count);
	key->line = line;
	key->time = v[0];
	key->cam.cx = v[1];
	key->cam.cy = v[2];
	key->cam.zoom = v[3];
	return 1;
}

/* The first token of a line, for quoting a time as the file wrote it. */
static void first_token(const char *p, size_t n, struct tok *t)
{
	size_t i = 0;
	while (i < n && is_blank(p[i]))
		i++;
	size_t start = i;
	while (i < n && !is_blank(p[i]))
		i++;
	tok_set(t, p + start, i - start);
}

int zpath_keys_parse(const char *text, size_t len, const char *path, struct zpath_keys *out,
	struct ap_err *err)
{
	memset(out, 0, sizeof *out);
	if (!path)
		path = "-";
	out->path = path;
	size_t nul = txt_nul_line(text, len);
	if (nul)
		return ap_errf(err, "path '%s' line %zu: NUL byte (not a text file)", path, nul);
	size_t cap = 0, line, prev_line = 0, so, eo;
	const char *prev_p = NULL;
	size_t prev_n = 0;
	struct txt_lines t;
	txt_init(&t, text, len);
	while (txt_next(&t, &so, &eo)) {
		const char *p = text + so;
		const char *hash = memchr(p, '#', eo - so);
		size_t n = hash ? (size_t)(hash - p) : eo - so;
		line = t.line;
		struct zpath_key key;
		int r = parse_line(p, n, path, line, &key, err);
		if (r < 0)
			goto out_free_keys;
		if (r > 0) {
			if (out->n && !(key.time > out->key[out->n - 1].time)) {
				struct tok now, before;
				first_token(p, n, &now);
				first_token(prev_p, prev_n, &before);
				ap_errf(err, "path '%s' line %zu: time '%s' is not after time '%s' on line %zu",
					path, line, now.s, before.s, prev_line);
				goto out_free_keys;
			}
			if (out->n == cap) {
				size_t ncap = cap ? 2 * cap : 16;
				struct zpath_key *k = realloc(out->key, ncap * sizeof *k);
				if (!k) {
					ap_errf(err, "path '%s': out of memory", path);
					goto out_free_keys;
				}
				out->key = k;
				cap = ncap;
			}
			out->key[out->n++] = key;
			prev_p = p, prev_n = n, prev_line = line;
		}
	}
	if (out->n == 0) {
		ap_errf(err, "path '%s': no keyframes, expected lines 'time cx cy zoom'", path);
		goto out_free_keys;
	}
	return 0;

out_free_keys:
	zpath_keys_free(out);
	return -1;
}

void zpath_keys_free(struct zpath_keys *keys)
{
	free(keys->key);
	keys->key = NULL;
	keys->n = 0;
}

double zpath_keys_duration(const struct zpath_keys *keys)
{
	return keys->n ? keys->key[keys->n - 1].time : 0;
}

void zpath_keys_eval(const struct zpath_keys *keys, double time, double s0, int frame_w,
	enum tween_ease ease, struct cam *out)
{
	assert(keys->n > 0);
	const struct zpath_key *k = keys->key;
	size_t n = keys->n;
	if (!(time > k[0].time)) {
		*out = k[0].cam;
		return;
	}
	if (time >= k[n - 1].time) {
		*out = k[n - 1].cam;
		return;
	}
	/* The segment [k[lo].time, k[lo+1].time) holding time. */
	size_t lo = 0, hi = n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (k[mid].time <= time)
			lo = mid;
		else
			hi = mid;
	}
	double u = tween_ease(ease, (time - k[lo].time) / (k[lo + 1].time - k[lo].time));
	/* Camera -> view -> camera is not exact; the ends must be. */
	if (u <= 0) {
		*out = k[lo].cam;
		return;
	}
	if (u >= 1) {
		*out = k[lo + 1].cam;
		return;
	}
	double v0[3], v1[3], v[3];
	struct zpath zp;
	zpath_cam_to_view(&k[lo].cam, s0, frame_w, v0);
	zpath_cam_to_view(&k[lo + 1].cam, s0, frame_w, v1);
	zpath_init(&zp, v0, v1, keys->rho);
	zpath_eval(&zp, u, v);
	zpath_view_to_cam(v, s0, frame_w, out);
}
