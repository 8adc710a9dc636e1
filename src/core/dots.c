#include "core/dots.h"

#include <math.h>

double dots_weight(double S, double below, double fade)
{
	if (!(below > 0))
		return 0;
	if (S < below)
		return 1;
	double top = below * fade;
	if (!(S < top))
		return 0;
	/* below <= S < top: fade > 1 here */
	return log(top / S) / log(fade);
}

double dots_opacity(int w, int h, size_t n, double S, double coverage)
{
	double area = (double)n * S * S;
	if (!(area > 0))
		return 1;
	double a = coverage * (double)w * (double)h / area;
	return a > 1 ? 1 : a < DOTS_OPACITY_MIN ? DOTS_OPACITY_MIN : a;
}

/* The weight of a texel whose tested byte (gray value or alpha) is v: integers. */
static void byte_weights(enum dots_mean how, double threshold, uint32_t wt[256])
{
	for (uint32_t v = 0; v < 256; v++)
		wt[v] = how == DOTS_MEAN_PASSING ? (float)v / 255.0f >= (float)threshold : how == DOTS_MEAN_ALPHA ? v : 1;
}

/* Channel sums weighted, their weight; rounded half up. */
static uint32_t mean_of(const uint64_t sum[3], uint64_t wsum, const uint64_t all[3], uint64_t n)
{
	uint32_t out = 0xff000000u;
	for (int k = 0; k < 3; k++) {
		uint64_t s = wsum ? sum[k] : all[k], d = wsum ? wsum : n;
		out |= (uint32_t)(d ? (2 * s + d) / (2 * d) : 0) << 8 * k;
	}
	return out;
}

/* Gray images: a texel adds its weight, its weighted value and its value, from
 * tables (MNIST's 55 million texels in about 30 ms). */
static uint32_t mean_gray(const uint8_t *px, uint32_t iw, uint32_t ih, uint32_t stride, const uint32_t *wt,
			  const uint32_t *wv)
{
	uint64_t sw = 0, sv = 0, all = 0;
	for (uint32_t y = 0; y < ih; y++) {
		const uint8_t *p = px + (size_t)y * stride;
		uint32_t rw = 0, rv = 0, ra = 0;   /* a row: at most 4096 × 65280, no overflow */
		for (uint32_t x = 0; x < iw; x++) {
			rw += wt[p[x]];
			rv += wv[p[x]];
			ra += p[x];
		}
		sw += rw;
		sv += rv;
		all += ra;
	}
	uint64_t sum[3] = { sv, sv, sv }, a3[3] = { all, all, all };
	return mean_of(sum, sw, a3, (uint64_t)iw * ih);
}

void dots_mean_colors(const struct ap_imgset *s, enum dots_mean how, double threshold, uint32_t *out)
{
	uint32_t wt[256], wv[256], c = s->c;
	byte_weights(how, threshold, wt);
	for (uint32_t v = 0; v < 256; v++)
		wv[v] = wt[v] * v;
	for (size_t i = 0; i < s->n; i++) {
		if (c == 1) {
			out[i] = mean_gray(imgset_pixels(s, i), imgset_iw(s, i), imgset_ih(s, i), s->w, wt, wv);
			continue;
		}
		uint32_t iw = imgset_iw(s, i), ih = imgset_ih(s, i);
		const uint8_t *px = imgset_pixels(s, i);
		uint64_t sum[3] = { 0, 0, 0 }, all[3] = { 0, 0, 0 }, wsum = 0;
		for (uint32_t y = 0; y < ih; y++) {
			const uint8_t *p = px + (size_t)y * s->w * c;
			for (uint32_t x = 0; x < iw; x++, p += c) {
				uint32_t w;
				if (c == 1)
					w = wt[p[0]];
				else if (c == 4)
					w = wt[p[3]];
				else if (how == DOTS_MEAN_PASSING)    /* RGB: the luminance, in float as the renderers */
					w = 0.2126f * (float)p[0] / 255.0f + 0.7152f * (float)p[1] / 255.0f +
					    0.0722f * (float)p[2] / 255.0f >= (float)threshold;
				else
					w = 1;
				for (uint32_t k = 0; k < 3; k++) {
					uint32_t v = p[c == 1 ? 0 : k];
					sum[k] += (uint64_t)w * v;
					all[k] += v;
				}
				wsum += w;
			}
		}
		out[i] = mean_of(sum, wsum, all, (uint64_t)iw * ih);
	}
}
