#include "core/imgdiff.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_EQUAL, K_WITHIN, K_AA, K_OVER };

static const uint8_t kind_color[][4] = {
	[K_WITHIN] = { 255, 255, 0, 255 },
	[K_AA] = { 0, 0, 255, 255 },
	[K_OVER] = { 255, 0, 0, 255 },
};

/* Fraction of the way from white to the pixel's luminance that the diff image keeps. */
#define DIFF_FADE 0.3

/* Luminance (YIQ's Y, as pixelmatch) after compositing over white. */
static double luma(const uint8_t *p)
{
	double r = p[0], g = p[1], b = p[2];
	if (p[3] < 255) {
		double a = p[3] / 255.0;
		r = 255 + (r - 255) * a;
		g = 255 + (g - 255) * a;
		b = 255 + (b - 255) * a;
	}
	return r * 0.29889531 + g * 0.58662247 + b * 0.11448223;
}

static double luma_delta(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 4) ? luma(a) - luma(b) : 0;
}

/* The 3×3 window around (x, y), clipped to the image. */
struct win {
	uint32_t x0, y0, x1, y1;
	int edge;               /* 1 if the window is clipped: counts as one equal sibling */
};

static struct win window(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct win v = {
		.x0 = x ? x - 1 : 0, .y0 = y ? y - 1 : 0,
		.x1 = x + 1 < w ? x + 1 : x, .y1 = y + 1 < h ? y + 1 : y,
	};
	v.edge = v.x0 == x || v.x1 == x || v.y0 == y || v.y1 == y;
	return v;
}

/* Rows y-2 .. y+2 of one image (NULL outside it): all that the aa test of row y reads. */
struct band {
	const uint8_t *const *row;
	uint32_t y, w, h;
};

static const uint8_t *at(const struct band *b, uint32_t x, uint32_t y)
{
	return b->row[y + 2 - b->y] + (size_t)x * 4;
}

/* More than two of the 8 neighbours exactly equal to (x, y): a flat area. */
static bool has_many_siblings(const struct band *img, uint32_t x, uint32_t y)
{
	struct win v = window(x, y, img->w, img->h);
	const uint8_t *c = at(img, x, y);
	int same = v.edge;
	for (uint32_t yy = v.y0; yy <= v.y1; yy++)
		for (uint32_t xx = v.x0; xx <= v.x1; xx++) {
			if ((xx == x && yy == y) || memcmp(c, at(img, xx, yy), 4))
				continue;
			if (++same > 2)
				return true;
		}
	return false;
}

/* pixelmatch's antialiased(): (x, y) in img has darker and brighter neighbours, at most
 * two equal ones, and its darkest or its brightest neighbour is in a flat area of both
 * img and other, so the pixel is the soft edge between two flat regions. */
static bool antialiased(const struct band *img, const struct band *other, uint32_t x, uint32_t y)
{
	struct win v = window(x, y, img->w, img->h);
	const uint8_t *c = at(img, x, y);
	int same = v.edge;
	double min = 0, max = 0;
	uint32_t minx = 0, miny = 0, maxx = 0, maxy = 0;

	for (uint32_t yy = v.y0; yy <= v.y1; yy++)
		for (uint32_t xx = v.x0; xx <= v.x1; xx++) {
			if (xx == x && yy == y)
				continue;
			double d = luma_delta(c, at(img, xx, yy));
			if (d == 0) {
				if (++same > 2)
					return false;
			} else if (d < min) {
				min = d, minx = xx, miny = yy;
			} else if (d > max) {
				max = d, maxx = xx, maxy = yy;
			}
		}
	if (min == 0 || max == 0)
		return false;
	return (has_many_siblings(img, minx, miny) && has_many_siblings(other, minx, miny)) ||
	       (has_many_siblings(img, maxx, maxy) && has_many_siblings(other, maxx, maxy));
}

static void paint_faded(uint8_t *d, const uint8_t *a)
{
	double v = 255 - (255 - luma(a)) * DIFF_FADE;
	uint8_t g = (uint8_t)lround(v);
	d[0] = d[1] = d[2] = g;
	d[3] = 255;
}

void imgdiff_begin(struct imgdiff_acc *a, uint32_t w, uint32_t h, const struct imgdiff_opts *o)
{
	static const struct imgdiff_opts defaults = { 0 };
	if (!o)
		o = &defaults;
	assert(o->tolerance >= 0 && o->tolerance <= 255);
	*a = (struct imgdiff_acc){ .o = o, .w = w, .h = h, .res = { .compared = (uint64_t)w * h } };
}

void imgdiff_row(struct imgdiff_acc *acc, const struct imgdiff_rows *r, uint8_t *diff)
{
	const struct imgdiff_opts *o = acc->o;
	struct imgdiff_result *res = &acc->res;
	uint32_t w = acc->w, y = acc->y;
	const struct band eb = { r->expected, y, w, acc->h }, ab = { r->actual, y, w, acc->h };
	const uint8_t *erow = r->expected[2], *arow = r->actual[2];

	assert(y < acc->h && erow && arow);
	for (uint32_t x = 0; x < w; x++) {
		size_t i = (size_t)x * 4;
		const uint8_t *e = erow + i, *a = arow + i;
		int md = 0;
		for (int c = 0; c < 4; c++) {
			int d = abs(e[c] - a[c]);
			acc->sq += (uint64_t)(d * d);
			if (d > md)
				md = d;
		}
		enum kind k = K_EQUAL;
		if (md > res->max_diff)
			res->max_diff = md;
		if (md == 0)
			k = K_EQUAL;
		else if (md <= o->tolerance)
			k = K_WITHIN, res->within++;
		else if (o->aa && (antialiased(&eb, &ab, x, y) || antialiased(&ab, &eb, x, y)))
			k = K_AA, res->aa++;
		else
			k = K_OVER, res->over++;

		if (k != K_EQUAL && (!res->has_first || (k == K_OVER && !acc->first_over))) {
			res->has_first = true;
			acc->first_over = k == K_OVER;
			res->first_x = x;
			res->first_y = y;
			memcpy(res->first_expected, e, 4);
			memcpy(res->first_actual, a, 4);
		}
		if (!diff)
			continue;
		if (k == K_EQUAL)
			paint_faded(diff + i, a);
		else
			memcpy(diff + i, kind_color[k], 4);
	}
	acc->y++;
}

void imgdiff_end(const struct imgdiff_acc *a, struct imgdiff_result *res)
{
	*res = a->res;
	res->rms = res->compared ? sqrt((double)a->sq / ((double)res->compared * 4)) : 0;
	res->psnr = res->rms > 0 ? 20 * log10(255 / res->rms) : INFINITY;
}

void imgdiff_window(uint32_t y, uint32_t h, const uint8_t *const ring[IMGDIFF_BAND],
		    const uint8_t *rows[IMGDIFF_BAND])
{
	for (int k = 0; k < IMGDIFF_BAND; k++) {
		int64_t yy = (int64_t)y - 2 + k;
		rows[k] = yy >= 0 && yy < h ? ring[yy % IMGDIFF_BAND] : NULL;
	}
}

void imgdiff_compare(const struct imgdiff_pair *p, const struct imgdiff_opts *o, struct imgdiff_result *res,
		     uint8_t *diff)
{
	struct imgdiff_acc acc;
	size_t stride = (size_t)p->w * 4;

	imgdiff_begin(&acc, p->w, p->h, o);
	for (uint32_t y = 0; y < p->h; y++) {
		struct imgdiff_rows r;
		for (int k = 0; k < IMGDIFF_BAND; k++) {
			int64_t yy = (int64_t)y - 2 + k;
			bool in = yy >= 0 && yy < p->h;
			r.expected[k] = in ? p->expected + (size_t)yy * stride : NULL;
			r.actual[k] = in ? p->actual + (size_t)yy * stride : NULL;
		}
		imgdiff_row(&acc, &r, diff ? diff + (size_t)y * stride : NULL);
	}
	imgdiff_end(&acc, res);
}

uint64_t imgdiff_allowed_pixels(const struct imgdiff_opts *o, uint64_t compared)
{
	if (o->max_pixels_pct)
		return (uint64_t)floor(o->max_pixels / 100.0 * (double)compared);
	return (uint64_t)o->max_pixels;
}

bool imgdiff_passed(const struct imgdiff_opts *o, const struct imgdiff_result *res)
{
	if (res->over > imgdiff_allowed_pixels(o, res->compared))
		return false;
	return !(o->max_rms > 0 && res->rms > o->max_rms);
}

void imgdiff_side_by_side(const uint8_t *expected, const uint8_t *actual, const uint8_t *diff,
			  uint32_t w, uint32_t h, uint8_t *out)
{
	size_t row = (size_t)w * 4;
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *d = out + (size_t)y * row * 3;
		memcpy(d, expected + y * row, row);
		memcpy(d + row, actual + y * row, row);
		memcpy(d + 2 * row, diff + y * row, row);
	}
}

int imgdiff_parse_max_pixels(const char *s, struct imgdiff_opts *o)
{
	char *end;
	size_t n = strlen(s);

	if (!n || !isdigit((unsigned char)s[0]))
		return -1;
	if (s[n - 1] == '%') {
		errno = 0;
		double p = strtod(s, &end);
		if (errno || end != s + n - 1 || !(p >= 0 && p <= 100))
			return -1;
		o->max_pixels = p;
		o->max_pixels_pct = true;
		return 0;
	}
	if (strspn(s, "0123456789") != n)
		return -1;
	errno = 0;
	unsigned long long c = strtoull(s, &end, 10);
	if (errno)
		return -1;
	o->max_pixels = (double)c;
	o->max_pixels_pct = false;
	return 0;
}
