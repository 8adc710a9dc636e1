#include "core/atlas.h"

#include "base/fnum.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint32_t roundup(uint32_t v, uint32_t m)
{
	return (v + m - 1) / m * m;
}

int atlas_plan(const struct ap_imgset *s, uint32_t page_max, struct atlas *out, struct ap_err *err)
{
	memset(out, 0, sizeof *out);
	if (!page_max)
		page_max = ATLAS_DEFAULT_PAGE;
	if (s->n == 0)
		return ap_errf(err, "atlas: no images");
	uint32_t m = (s->w > s->h ? s->w : s->h) + 2;
	/* The deepest mip level whose alignment wastes at most a quarter of a side. */
	uint32_t k = ATLAS_MAX_LEVELS - 1;
	while (k > 0 && roundup(m, 1u << k) * 4 > m * 5)
		k--;
	uint32_t pitch = roundup(m, 1u << k);
	/* Power-of-two pages, so texel centres stay exact in normalised coordinates. */
	uint32_t side = 1;
	while (side < page_max && side * 2 <= page_max)
		side *= 2;
	if (pitch > side)
		return ap_errf(err, "atlas: images of %ux%u need cells of %u texels, more than the page size %u",
			       s->w, s->h, pitch, side);
	uint32_t page_w = side, page_h = side;
	/* A small data set: shrink the page, the longer side first, keeping it near square. */
	for (;;) {
		bool w_ok = page_w > pitch && (size_t)(page_w / 2 / pitch) * (page_h / pitch) >= s->n;
		bool h_ok = page_h > pitch && (size_t)(page_w / pitch) * (page_h / 2 / pitch) >= s->n;
		if (w_ok && (page_w >= page_h || !h_ok))
			page_w /= 2;
		else if (h_ok)
			page_h /= 2;
		else
			break;
	}
	uint32_t cols = page_w / pitch, rows = page_h / pitch;
	out->n = s->n;
	out->slot_w = s->w;
	out->slot_h = s->h;
	out->pitch = pitch;
	out->levels = k + 1;
	out->cols = cols;
	out->rows = rows;
	out->page_w = page_w;
	out->page_h = page_h;
	out->pages = (uint32_t)((s->n + (size_t)cols * rows - 1) / ((size_t)cols * rows));
	out->channels = s->c == 1 ? 1 : 4;
	return 0;
}

static uint64_t spread(uint32_t v)
{
	uint64_t x = v;
	x = (x | x << 16) & 0x0000ffff0000ffffull;
	x = (x | x << 8) & 0x00ff00ff00ff00ffull;
	x = (x | x << 4) & 0x0f0f0f0f0f0f0f0full;
	x = (x | x << 2) & 0x3333333333333333ull;
	x = (x | x << 1) & 0x5555555555555555ull;
	return x;
}

/* An image and its Morton code: 16 bits of x and of y, interleaved. */
struct keyed {
	uint32_t key, i;
};

/* Sort k[0..n) by key, ties in the order given (a stable LSD radix sort, 8 bits a pass;
 * qsort took a tenth of a warm MNIST start-up). tmp holds n entries. */
static void sort_keyed(struct keyed *k, struct keyed *tmp, size_t n)
{
	for (int shift = 0; shift < 32; shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(k[i].key >> shift & 255) + 1]++;
		if (count[(k[0].key >> shift & 255) + 1] == n)
			continue;        /* every key has this byte: the pass would keep the order */
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			tmp[count[k[i].key >> shift & 255]++] = k[i];
		memcpy(k, tmp, n * sizeof *k);
	}
}

void atlas_order(size_t n, const double *xy, size_t chunk, uint32_t *cell_of, uint32_t *image_at)
{
	double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
	for (size_t i = 1; i < n; i++) {
		x0 = xy[2 * i] < x0 ? xy[2 * i] : x0;
		x1 = xy[2 * i] > x1 ? xy[2 * i] : x1;
		y0 = xy[2 * i + 1] < y0 ? xy[2 * i + 1] : y0;
		y1 = xy[2 * i + 1] > y1 ? xy[2 * i + 1] : y1;
	}
	double sx = x1 > x0 ? 65535 / (x1 - x0) : 0, sy = y1 > y0 ? 65535 / (y1 - y0) : 0;
	struct keyed *k = malloc(2 * n * sizeof *k);
	if (!k) {                    /* no memory for a better order: the plain one */
		for (size_t i = 0; i < n; i++)
			cell_of[i] = image_at[i] = (uint32_t)i;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		/* a denormal span makes the scale inf, and 0·inf NaN: clamped */
		uint32_t gx = fnum_u32((xy[2 * i] - x0) * sx, 0, 65535), gy = fnum_u32((xy[2 * i + 1] - y0) * sy, 0, 65535);
		k[i] = (struct keyed){ (uint32_t)(spread(gx) | spread(gy) << 1), (uint32_t)i };
	}
	if (!chunk || chunk > n)
		chunk = n;
	for (size_t c = 0; c < n; c += chunk)
		sort_keyed(k + c, k + n, n - c < chunk ? n - c : chunk);
	for (size_t c = 0; c < n; c++) {
		image_at[c] = k[c].i;
		cell_of[k[c].i] = (uint32_t)c;
	}
	free(k);
}

void atlas_place(const struct atlas *a, size_t i, uint32_t *page, uint32_t *x, uint32_t *y)
{
	size_t per_page = (size_t)a->cols * a->rows;
	if (a->cell_of)
		i = a->cell_of[i];
	size_t cell = i % per_page;
	*page = (uint32_t)(i / per_page);
	*x = (uint32_t)(cell % a->cols) * a->pitch + (a->pitch - a->slot_w) / 2;
	*y = (uint32_t)(cell / a->cols) * a->pitch + (a->pitch - a->slot_h) / 2;
}

size_t atlas_level_bytes(const struct atlas *a, uint32_t level)
{
	return (size_t)(a->page_w >> level) * (a->page_h >> level) * a->channels;
}

static void texel(const struct ap_imgset *s, const uint8_t *img, uint32_t iw, uint32_t ih,
		  long x, long y, uint32_t channels, uint8_t *dst)
{
	x = x < 0 ? 0 : x >= (long)iw ? (long)iw - 1 : x;
	y = y < 0 ? 0 : y >= (long)ih ? (long)ih - 1 : y;
	const uint8_t *p = img + ((size_t)y * s->w + (size_t)x) * s->c;
	if (channels == 1) {
		dst[0] = p[0];
	} else if (s->c == 1) {
		dst[0] = dst[1] = dst[2] = p[0];
		dst[3] = 255;
	} else {
		dst[0] = p[0];
		dst[1] = p[1];
		dst[2] = p[2];
		dst[3] = s->c == 4 ? p[3] : 255;
	}
}

/* A gray cell's row: the image row at l, its first and last texel repeated into the
 * margins; 16 bytes a store where the row's shape allows (libc's memset and memcpy for
 * runs of 2 and 28 bytes cost more than the bytes: a third of the atlas's start-up). */
static void gray_row(uint8_t *row, const uint8_t *src, uint32_t l, uint32_t iw, uint32_t P)
{
	typedef uint8_t u8x16 __attribute__((vector_size(16)));
	uint32_t r = l + iw;
	if (iw >= 16 && l <= 16 && P - r <= 16 && l + 16 <= P) {
		/* the fills first: where they overlap (P < 32) the image covers it */
		u8x16 first = (u8x16){ 0 } + src[0], last = (u8x16){ 0 } + src[iw - 1];
		memcpy(row + P - 16, &last, 16);
		memcpy(row, &first, 16);
		for (uint32_t x = 0; x + 16 < iw; x += 16)
			memcpy(row + l + x, src + x, 16);
		memcpy(row + r - 16, src + iw - 16, 16);
		return;
	}
	memset(row, src[0], l);
	memcpy(row + l, src, iw);
	memset(row + r, src[iw - 1], P - r);
}

/* Image i's cell, edges extruded, into dst with a row stride of stride texels. */
static void build_cell(const struct atlas *a, const struct ap_imgset *s, size_t i, uint8_t *dst, size_t stride)
{
	uint32_t P = a->pitch, ch = a->channels;
	long ox = (long)(a->pitch - a->slot_w) / 2, oy = (long)(a->pitch - a->slot_h) / 2;
	long iw = (long)imgset_iw(s, i), ih = (long)imgset_ih(s, i);
	const uint8_t *img = imgset_pixels(s, i);
	if (ch == 1 && ox >= 0 && ox + iw <= (long)P) {
		/* the image inside its cell, as the plan makes it: no texel map */
		for (uint32_t y = 0; y < P; y++) {
			long sy = (long)y - oy;
			sy = sy < 0 ? 0 : sy >= ih ? ih - 1 : sy;
			gray_row(dst + (size_t)y * stride, img + (size_t)sy * s->w, (uint32_t)ox, (uint32_t)iw, P);
		}
		return;
	}
	uint32_t xmap[ATLAS_MAX_PITCH];
	for (uint32_t x = 0; x < P; x++) {
		long sx = (long)x - ox;
		xmap[x] = (uint32_t)(sx < 0 ? 0 : sx >= iw ? iw - 1 : sx);
	}
	for (uint32_t y = 0; y < P; y++) {
		long sy = (long)y - oy;
		sy = sy < 0 ? 0 : sy >= ih ? ih - 1 : sy;
		const uint8_t *src = img + (size_t)sy * s->w * s->c;
		uint8_t *row = dst + (size_t)y * stride * ch;
		if (ch == 1) {
			/* the image row, its first and last texel repeated into the margins */
			long l = ox < 0 ? 0 : ox > (long)P ? (long)P : ox;
			long r = ox + iw > (long)P ? (long)P : ox + iw;
			memset(row, src[xmap[0]], (size_t)l);
			if (r > l)
				memcpy(row + l, src + xmap[l], (size_t)(r - l));
			long m = r > l ? r : l;
			memset(row + m, src[xmap[P - 1]], (size_t)((long)P - m));
			continue;
		}
		for (uint32_t x = 0; x < P; x++)
			texel(s, src, (uint32_t)iw, 1, (long)xmap[x], 0, ch, row + (size_t)x * ch);
	}
}

void atlas_build_page(const struct atlas *a, const struct ap_imgset *s, uint32_t p, uint8_t *dst)
{
	size_t per_page = (size_t)a->cols * a->rows;
	size_t first = (size_t)p * per_page;
	memset(dst, 0, atlas_level_bytes(a, 0));
	for (size_t c = first; c < s->n && c < first + per_page; c++) {
		size_t i = a->image_at ? a->image_at[c] : c;
		uint32_t page, ix, iy;
		atlas_place(a, i, &page, &ix, &iy);
		uint32_t cx = ix - (a->pitch - a->slot_w) / 2, cy = iy - (a->pitch - a->slot_h) / 2;
		build_cell(a, s, i, dst + ((size_t)cy * a->page_w + cx) * a->channels, a->page_w);
	}
}

void atlas_downsample(const struct atlas *a, uint32_t k, const uint8_t *src, uint8_t *dst)
{
	uint32_t sw = a->page_w >> k, dw = a->page_w >> (k + 1), dh = a->page_h >> (k + 1);
	uint32_t ch = a->channels;
	typedef uint16_t u16x8 __attribute__((vector_size(16)));
	typedef uint8_t u8x8 __attribute__((vector_size(8)));
	for (uint32_t y = 0; y < dh; y++) {
		const uint8_t *r0 = src + (size_t)(2 * y) * sw * ch, *r1 = r0 + (size_t)sw * ch;
		uint8_t *d = dst + (size_t)y * dw * ch;
		uint32_t x = 0;
		if (ch == 1)
			/* 8 texels a step: each 16-bit lane holds a pair (a whole MNIST atlas's
			 * levels took a fifth of the start-up a texel at a time) */
			for (; x + 8 <= dw; x += 8) {
				u16x8 p, q;
				memcpy(&p, r0 + 2 * x, sizeof p);
				memcpy(&q, r1 + 2 * x, sizeof q);
				u16x8 sum = (p & 255) + (p >> 8) + (q & 255) + (q >> 8) + 2;
				u8x8 v = __builtin_convertvector(sum >> 2, u8x8);
				memcpy(d + x, &v, sizeof v);
			}
		for (; x < dw; x++)
			for (uint32_t c = 0; c < ch; c++) {
				size_t o = (size_t)(2 * x) * ch + c;
				d[(size_t)x * ch + c] = (uint8_t)((r0[o] + r0[o + ch] + r1[o] + r1[o + ch] + 2) / 4);
			}
	}
}

/* A gray block of side 8, 4 or 2 (its rows back to back) halved as atlas_downsample
 * halves it: each row's texel pairs summed in 16-bit lanes, and two rows' lanes added
 * as the wider words holding them (a lane's sum stays under 1024: nothing carries into
 * the next), so that the last levels of a cell, a texel at a time, do not cost as much
 * as the first (they did: a fifth of the atlas's start-up). */
static void halve_small(const uint8_t *src, uint32_t side, uint8_t *dst)
{
	typedef uint16_t u16x8 __attribute__((vector_size(16)));
	typedef uint32_t u32x4 __attribute__((vector_size(16)));
	typedef uint64_t u64x2 __attribute__((vector_size(16)));
	if (side == 2) {
		dst[0] = (uint8_t)((src[0] + src[1] + src[2] + src[3] + 2) / 4);
		return;
	}
	if (side == 4) {
		/* 32-bit words: row 0's two pairs, row 1's, row 2's, row 3's */
		u16x8 p;
		memcpy(&p, src, sizeof p);
		u32x4 w = (u32x4)((p & 255) + (p >> 8));
		uint32_t rows[2] = { w[0] + w[1], w[2] + w[3] };
		for (int y = 0; y < 2; y++)
			for (int x = 0; x < 2; x++)
				dst[2 * y + x] = (uint8_t)(((rows[y] >> (16 * x) & 0xffff) + 2) >> 2);
		return;
	}
	/* side 8: an output row from 16 bytes, 64-bit words of two rows' four pairs */
	for (uint32_t y = 0; y < 4; y++) {
		u16x8 p;
		memcpy(&p, src + 16 * y, sizeof p);
		u64x2 w = (u64x2)((p & 255) + (p >> 8));
		uint64_t sum = w[0] + w[1];
		for (int x = 0; x < 4; x++)
			dst[4 * y + x] = (uint8_t)(((sum >> (16 * x) & 0xffff) + 2) >> 2);
	}
}

void atlas_build_cell(const struct atlas *a, const struct ap_imgset *s, size_t c, uint8_t *dst, const size_t *off)
{
	uint32_t P = a->pitch;
	if (c >= s->n) {
		for (uint32_t k = 0; k < a->levels; k++)
			memset(dst + off[k], 0, (size_t)(P >> k) * (P >> k) * a->channels);
		return;
	}
	build_cell(a, s, a->image_at ? a->image_at[c] : c, dst + off[0], P);
	/* a one-cell page: the same box filter */
	struct atlas one = *a;
	one.page_w = one.page_h = P;
	for (uint32_t k = 1; k < a->levels; k++) {
		uint32_t side = P >> (k - 1);
		if (a->channels == 1 && side <= 8)
			halve_small(dst + off[k - 1], side, dst + off[k]);
		else
			atlas_downsample(&one, k - 1, dst + off[k - 1], dst + off[k]);
	}
}

/* The value the discard test looks at, of one texel of a page or cell buffer. */
static uint8_t test_value(const uint8_t *t, uint32_t channels, bool has_alpha)
{
	if (channels == 1)
		return t[0];
	if (has_alpha)
		return t[3];
	return (uint8_t)(0.2126 * t[0] + 0.7152 * t[1] + 0.0722 * t[2] + 0.5);
}

/* How many of the n bytes at p are >= t: the gray level 0 test, 16 bytes a step
 * (a texel at a time was 4% of a whole MNIST transition). */
static size_t count_at_least(const uint8_t *p, size_t n, double t)
{
	if (t <= 0)
		return n;
	if (t > 255)
		return 0;
	typedef uint8_t u8x16 __attribute__((vector_size(16)));
	uint8_t t8 = (uint8_t)ceil(t);
	size_t k = 0, count = 0;
	while (n - k >= 16) {
		u8x16 acc = { 0 };
		/* at most 255 steps before a lane's count could wrap */
		for (size_t steps = 0; steps < 255 && n - k >= 16; steps++, k += 16) {
			u8x16 v;
			memcpy(&v, p + k, sizeof v);
			acc -= (u8x16)(v >= t8);
		}
		for (int i = 0; i < 16; i++)
			count += acc[i];
	}
	for (; k < n; k++)
		count += p[k] >= t8;
	return count;
}

/* count_at_least over a gray block of rows 16 or more wide, 16 bytes a step: a row's
 * last step overlaps the one before, its lanes already counted masked off, and the
 * lanes' counts are summed once per 255 steps (a row at a time was a fifth of a cold
 * MNIST still's CPU time). */
static size_t count_block_at_least(const uint8_t *p, uint32_t w, uint32_t h, size_t stride, double t)
{
	typedef uint8_t u8x16 __attribute__((vector_size(16)));
	if (t <= 0)
		return (size_t)w * h;
	if (t > 255)
		return 0;
	uint8_t t8 = (uint8_t)ceil(t);
	uint32_t whole = w / 16, rem = w % 16, per_row = whole + (rem != 0);
	u8x16 tail, acc = { 0 };
	for (int i = 0; i < 16; i++)
		tail[i] = i >= 16 - (int)rem ? 255 : 0;
	size_t count = 0;
	uint32_t steps = 0;
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = p + y * stride;
		for (uint32_t k = 0; k < whole; k++) {
			u8x16 v;
			memcpy(&v, row + 16 * k, sizeof v);
			acc -= (u8x16)(v >= t8);
		}
		if (rem) {
			u8x16 v;
			memcpy(&v, row + w - 16, sizeof v);
			acc -= (u8x16)(v >= t8) & tail;
		}
		if ((steps += per_row) > 255 - per_row || y + 1 == h) {
			for (int i = 0; i < 16; i++)
				count += acc[i];
			acc = (u8x16){ 0 };
			steps = 0;
		}
	}
	return count;
}

double atlas_pass_fraction(const struct atlas_texels *t, double threshold)
{
	double T = threshold * 255;
	uint32_t w = t->w, h = t->h, ch = t->ch;
	size_t pass = 0;
	if (ch == 1 && w >= 16 && w <= 255 * 16)
		return (double)count_block_at_least(t->p, w, h, t->stride, T) / ((double)w * h);
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = t->p + y * t->stride * ch;
		if (ch == 1)
			pass += count_at_least(row, w, T);
		else
			for (uint32_t x = 0; x < w; x++)
				pass += test_value(row + x * ch, ch, t->has_alpha) >= T;
	}
	return (double)pass / ((double)w * h);
}

/* A gray block of at most this many texels is searched by counting, not by histogram. */
#define SMALL_BLOCK 256

static void hist_search(const struct atlas_texels *t, size_t m, int *v_out, int *below_out);

/* The 16 byte lanes' sum (SSE2's sum of absolute differences from 0). */
static inline size_t sum_lanes(__attribute__((vector_size(16))) uint8_t acc)
{
#if defined(__SSE2__)
	__m128i s = _mm_sad_epu8((__m128i)acc, _mm_setzero_si128());
	return (size_t)_mm_cvtsi128_si32(s) + (size_t)_mm_extract_epi16(s, 4);
#else
	size_t n = 0;
	for (int i = 0; i < 16; i++)
		n += acc[i];
	return n;
#endif
}

/* hist_search's v and below for a small gray block: the block copied into 16-byte
 * vectors (zeros after it, which no count takes), v found by halving [1, 255] on how
 * many values are at least a candidate, below as the largest value under v: some 20
 * vector steps for a prescaled image instead of a 256-slot histogram. */
static void small_block_search(const struct atlas_texels *t, size_t m, int *v_out, int *below_out)
{
	typedef uint8_t u8x16 __attribute__((vector_size(16)));
	u8x16 q[SMALL_BLOCK / 16];
	uint8_t *b = (uint8_t *)q;
	size_t nk = (size_t)t->w * t->h, nv = (nk + 15) / 16;
	for (uint32_t y = 0; y < t->h; y++)
		memcpy(b + (size_t)y * t->w, t->p + (size_t)y * t->stride, t->w);
	memset(b + nk, 0, nv * 16 - nk);
	/* the largest v in [1, 255] with at least m values >= v, if there is one */
	int lo = 0, hi = 255;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		u8x16 acc = { 0 };
		for (size_t k = 0; k < nv; k++)
			acc -= (u8x16)(q[k] >= (uint8_t)mid);
		size_t count = sum_lanes(acc);
		if (count >= m)
			lo = mid;
		else
			hi = mid - 1;
	}
	/* (16 lanes count at most 16 texels each: no lane wraps) */
	int v = lo;
	u8x16 top = { 0 };
	for (size_t k = 0; k < nv; k++) {
		u8x16 x = q[k] & (u8x16)(q[k] < (uint8_t)v), gt = (u8x16)(x > top);
		top = (x & gt) | (top & ~gt);
	}
	int below = 0;
	for (int i = 0; i < 16; i++)
		below = top[i] > below ? top[i] : below;
	*v_out = v;
	*below_out = v == 0 ? -1 : below;
}

float atlas_coverage_scale(double c0, double threshold, const struct atlas_texels *t)
{
	double T = threshold * 255;
	if (!(c0 > 0) || !(T > 0))
		return 1;
	size_t nk = (size_t)t->w * t->h;
	size_t m = (size_t)(c0 * (double)nk + 0.5);
	if (m == 0)
		m = 1;               /* something passed at level 0: keep at least a texel */
	/* v: the m-th largest value; the threshold goes midway between it and the next
	 * smaller value present, as 0.5 lies between 127 and 128, so that filtering's last
	 * bit does not decide */
	int v, below;
	if (t->ch == 1 && nk <= SMALL_BLOCK)
		small_block_search(t, m, &v, &below);
	else
		hist_search(t, m, &v, &below);
	double mid = below < 0 ? v / 2.0 : (v + below) / 2.0;
	double alpha = mid > 0 ? T / mid : 16;
	return (float)(alpha < 1.0 / 16 ? 1.0 / 16 : alpha > 16 ? 16 : alpha);
}

/* v: the m-th largest value of a block's non-zero ones (0 when fewer); below: the
 * largest present under v (0 when none, -1 when v is 0). A histogram of the values. */
static void hist_search(const struct atlas_texels *t, size_t m, int *v_out, int *below_out)
{
	const uint8_t *texels = t->p;
	uint32_t w = t->w, h = t->h, ch = t->ch;
	size_t stride = t->stride;
	bool has_alpha = t->has_alpha;
	/* 0 is never looked at below, and most texels are 0: counting them would chain
	 * every increment through one slot. Each value also counts in its sixteenth, so
	 * that the searches below step over empty runs 16 values at a time (a value at a
	 * time was a third of a prescaled image's cost). */
	uint32_t hist[256], coarse[16];
	memset(hist, 0, sizeof hist);
	memset(coarse, 0, sizeof coarse);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t v = test_value(texels + (y * stride + x) * ch, ch, has_alpha);
			if (v) {
				hist[v]++;
				coarse[v >> 4]++;
			}
		}
	int v = 0, b = 15;
	size_t seen = 0;
	while (b > 0 && seen + coarse[b] < m)
		seen += coarse[b--];
	if (seen + coarse[b] >= m)
		for (v = 16 * b + 15; v > 0; v--)
			if ((seen += hist[v]) >= m)
				break;
	/* below: the largest value present under v, in v's sixteenth or a lower one; 0 when none */
	int below = v - 1;
	while (below > 0 && (below & 15) != 15 && !hist[below])
		below--;
	if (below > 0 && !hist[below]) {
		int c = below >> 4;          /* below is its sixteenth's top: the others under it */
		while (c > 0 && !coarse[c])
			c--;
		below = 16 * c + 15;
		while (below > 0 && !hist[below])
			below--;
	}
	*v_out = v;
	*below_out = below;
}

void atlas_coverage_cell(const struct atlas *a, const uint8_t *const *levels, bool has_alpha, double threshold,
			 float *row)
{
	uint32_t P = a->pitch;
	/* a whole cell's rows are contiguous: one run */
	struct atlas_texels whole = { .p = levels[0], .w = P * P, .h = 1, .ch = a->channels, .has_alpha = has_alpha };
	double c0 = atlas_pass_fraction(&whole, threshold);
	row[0] = 1;
	for (uint32_t k = 1; k < a->levels; k++) {
		struct atlas_texels lv = { .p = levels[k], .w = P >> k, .h = P >> k, .stride = P >> k,
					   .ch = a->channels, .has_alpha = has_alpha };
		row[k] = atlas_coverage_scale(c0, threshold, &lv);
	}
}

int atlas_coverage_rows(const struct atlas *a, const struct ap_imgset *s, double threshold,
			const struct atlas_cov_rows *job)
{
	float *tab = job->tab, *c0 = job->c0;
	uint32_t P = a->pitch, ch = a->channels, L = a->levels;
	const uint8_t *levels[ATLAS_MAX_LEVELS];
	size_t off[ATLAS_MAX_LEVELS + 1] = { 0 };
	for (uint32_t k = 0; k < L; k++)
		off[k + 1] = off[k] + (size_t)(P >> k) * (P >> k) * ch;
	uint8_t *buf = malloc(off[L]);
	if (!buf)
		return -1;
	/* a one-cell atlas: the same box filter as the pages */
	struct atlas one = *a;
	one.n = 1;
	one.cols = one.rows = 1;
	one.page_w = one.page_h = P;
	one.pages = 1;
	for (uint32_t k = 0; k < L; k++)
		levels[k] = buf + off[k];
	for (size_t i = job->from; i < job->to; i++) {
		build_cell(a, s, i, buf, P);
		for (uint32_t k = 1; k < L; k++)
			atlas_downsample(&one, k - 1, buf + off[k - 1], buf + off[k]);
		size_t cell = a->cell_of ? a->cell_of[i] : i;
		atlas_coverage_cell(a, levels, s->c == 4, threshold, tab + cell * L);
		if (c0) {
			size_t ox = (P - a->slot_w) / 2, oy = (P - a->slot_h) / 2;
			struct atlas_texels img = { .p = buf + (oy * P + ox) * ch, .w = imgset_iw(s, i),
						    .h = imgset_ih(s, i), .stride = P, .ch = ch, .has_alpha = s->c == 4 };
			c0[cell] = (float)atlas_pass_fraction(&img, threshold);
		}
	}
	free(buf);
	return 0;
}

float *atlas_coverage_table(const struct atlas *a, const struct ap_imgset *s, double threshold)
{
	float *tab = malloc(a->n * a->levels * sizeof *tab);
	if (tab && atlas_coverage_rows(a, s, threshold, &(struct atlas_cov_rows){ .to = a->n, .tab = tab })) {
		free(tab);
		tab = NULL;
	}
	return tab;
}
