/*
 * swr_keep: what a cache keeps of a session besides its cells (swr.h's swr_extra_*):
 * the coverage rows made so far and the prescaled images of the last scale, so that a
 * run mapping a cache entry draws its first frame as fast as the others. One blob: a
 * header, then for each part present a flag a cell (made or not) and its values.
 * Loading copies them into the session's own stores (which later frames change), and
 * checks every size against the session first: a blob that does not fit is refused
 * whole. Not here: the cells (swr_page.c), files (io/acache.c).
 */
#include "draw/swr/swr_priv.h"

#include <stdlib.h>
#include <string.h>

enum { KEEP_COV = 1, KEEP_PRE = 2 };

struct keep_hdr {
	uint32_t format, flags;
	uint64_t n;
	uint32_t levels, k;
	double cov_thr, pre_thr;
	float sx, sy;
	uint32_t iw, ih, w, h;
	uint64_t slot;
};

static size_t up8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static bool cov_kept(const struct swr *r)
{
	return r->cov != NULL;
}

static bool pre_kept(const struct swr *r)
{
	return r->pre.c.made && r->pre.c.n == r->a.n;
}

static size_t cov_bytes(const struct swr *r)
{
	return up8(r->a.n) + up8(r->a.n * r->a.levels * sizeof(float));
}

/* The texels have the kernel's pad after them (PRE_PAD), so that a session can draw
 * from them where they are mapped. */
#define PRE_PAD 64

static size_t pre_bytes(const struct swr *r, size_t slot)
{
	return up8(r->a.n) + up8(r->a.n * sizeof(float)) + up8(r->a.n * slot) + PRE_PAD;
}

size_t swr_extra_bytes(const struct swr *r)
{
	if (!cov_kept(r) && !pre_kept(r))
		return 0;
	return sizeof(struct keep_hdr) + (cov_kept(r) ? cov_bytes(r) : 0) +
	       (pre_kept(r) ? pre_bytes(r, r->pre.c.key.slot) : 0);
}

static bool made(const _Atomic uint8_t *st)
{
	return atomic_load(st) == ONCE_DONE;
}

void swr_extra_save(const struct swr *r, uint8_t *dst)
{
	size_t n = r->a.n;
	struct keep_hdr h;
	memset(&h, 0, sizeof h);     /* the padding too: shards write the same bytes */
	h.format = SWR_CACHE_FORMAT;
	h.flags = (cov_kept(r) ? KEEP_COV : 0) | (pre_kept(r) ? KEEP_PRE : 0);
	h.n = n;
	h.levels = r->a.levels;
	h.cov_thr = r->cov_thr;
	if (pre_kept(r)) {
		const struct presc_cache *c = &r->pre.c;
		h.pre_thr = c->thr;
		h.sx = c->key.sx;
		h.sy = c->key.sy;
		h.k = (uint32_t)c->key.k;
		h.iw = c->key.iw;
		h.ih = c->key.ih;
		h.w = c->key.w;
		h.h = c->key.h;
		h.slot = c->key.slot;
	}
	memcpy(dst, &h, sizeof h);
	uint8_t *p = dst + sizeof h;
	if (h.flags & KEEP_COV) {
		memset(p, 0, cov_bytes(r));
		for (size_t i = 0; i < n; i++)
			if ((p[i] = made(&r->cov_state[i])))
				memcpy(p + up8(n) + i * h.levels * sizeof(float), r->cov + i * h.levels,
				       h.levels * sizeof(float));
		p += cov_bytes(r);
	}
	if (h.flags & KEEP_PRE) {
		const struct presc_cache *c = &r->pre.c;
		memset(p, 0, pre_bytes(r, h.slot));
		float *scale = (float *)(p + up8(n));
		uint8_t *tex = p + up8(n) + up8(n * sizeof(float));
		for (size_t i = 0; i < n; i++)
			if ((p[i] = made(&c->state[i]))) {
				scale[i] = c->scale[i];
				memcpy(tex + i * h.slot, presc_cache_slot(c, i), h.slot);
			}
	}
}

static int load_pre(struct swr *r, const struct keep_hdr *h, const uint8_t *p)
{
	size_t n = r->a.n;
	struct presc_key key = { .sx = h->sx, .sy = h->sy, .k = (int)h->k, .iw = h->iw, .ih = h->ih,
				 .w = h->w, .h = h->h, .slot = h->slot };
	struct presc_cache *c = &r->pre.c;
	/* the pad: swr_pre_key's, the kernel's overread */
	if (presc_cache_use(c, &key, h->pre_thr, n, 64) < 0 ||
	    (r->cov && !r->pre.thr_f && !(r->pre.thr_f = malloc(n * sizeof *r->pre.thr_f))) ||
	    (r->cov && !r->pre.thr88 && !(r->pre.thr88 = malloc(n * sizeof *r->pre.thr88)))) {
		presc_cache_reset(c);
		return -1;
	}
	const float *scale = (const float *)(p + up8(n));
	const uint8_t *tex = p + up8(n) + up8(n * sizeof(float));
	size_t made = 0;
	for (size_t i = 0; i < n; i++)
		made += p[i] != 0;
	/* every image there: drawn from where it lies (mapped), nothing to add to it */
	if (made == n)
		presc_cache_adopt(c, tex);
	else
		memcpy(c->texels, tex, n * h->slot);
	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			continue;
		/* as pre_make leaves them (swr_bin.c) */
		if (r->cov) {
			r->pre.thr_f[i] = (float)c->thr / scale[i];
			r->pre.thr88[i] = (uint16_t)swr_threshold88(r->pre.thr_f[i]);
		}
		presc_cache_done(c, i, scale[i]);
	}
	return 0;
}

int swr_extra_load(struct swr *r, const uint8_t *src, size_t bytes)
{
	struct keep_hdr h;
	size_t n = r->a.n;
	if (bytes < sizeof h)
		return -1;
	memcpy(&h, src, sizeof h);
	if (h.format != SWR_CACHE_FORMAT || h.n != n || h.levels != r->a.levels || (h.flags & ~3u))
		return -1;
	bool cov = h.flags & KEEP_COV, pre = h.flags & KEEP_PRE;
	if (cov && (!r->cov || h.cov_thr != r->cov_thr))
		return -1;
	if (pre && (h.iw != r->a.slot_w || h.ih != r->a.slot_h || h.k >= r->a.levels || !h.slot ||
		    h.slot > PRESC_MAX_BYTES / (n ? n : 1) ||
		    h.slot != (size_t)h.w * h.h * r->a.channels))
		return -1;
	if (bytes != sizeof h + (cov ? cov_bytes(r) : 0) + (pre ? pre_bytes(r, h.slot) : 0))
		return -1;
	const uint8_t *p = src + sizeof h;
	if (cov) {
		for (size_t i = 0; i < n; i++)
			if (p[i]) {
				memcpy(r->cov + i * h.levels, p + up8(n) + i * h.levels * sizeof(float),
				       h.levels * sizeof(float));
				once_done(&r->cov_state[i]);
			}
		p += cov_bytes(r);
	}
	return pre ? load_pre(r, &h, p) : 0;
}
