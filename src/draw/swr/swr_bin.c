/*
 * swr_bin: binning, the stage between the scene and the tiles. Per frame: the pixels
 * every sprite covers and, per tile, the sprites touching it in draw order; and the
 * images prescaled to the frame's common scale (presc.h), made as binning first meets
 * a sprite that needs one. Not here: drawing them (swr_tile.c).
 */
#include "draw/swr/swr_priv.h"

#include "base/grow.h"
#include "core/pal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- prescaled images ---- */

/* Whether this frame draws from prescaled images, and for which scale: the first
 * sprite's, which most share, if minified and small enough. Made again when the scale
 * or the threshold changes. 0, or -1 when out of memory. */
int swr_pre_key(struct swr *r, const struct scene_out *sc, float thr)
{
	r->pre.on = false;
	struct presc_key key;
	if (!scene_prescale_key(sc, &r->a, &key))
		return 0;
	r->pre.on = true;
	size_t n = r->a.n;
	/* the kernel reads 16 bytes from a row's texels on */
	int rc = presc_cache_use(&r->pre.c, &key, thr, n, 64);
	if (rc == 1 && ((!r->pre.thr_f && !(r->pre.thr_f = malloc(n * sizeof *r->pre.thr_f))) ||
			(!r->pre.thr88 && !(r->pre.thr88 = malloc(n * sizeof *r->pre.thr88)))))
		rc = -1;
	if (rc < 0) {
		presc_cache_reset(&r->pre.c);
		r->pre.on = false;
		return -1;
	}
	return 0;
}

/* Whether sprite s is drawn from a prescaled image. */
INLINE bool pre_match(const struct swr *r, const struct scene_sprite *s)
{
	return r->pre.on && presc_match(&r->pre.c.key, scene_scale_x(s), scene_scale_y(s));
}

/* Make the prescaled image of sprite s's cell unless made: the first thread to claim
 * it makes it, one that meets it being made waits (microseconds). */
static void pre_make(struct swr *r, const struct scene_sprite *s, size_t cell)
{
	struct presc_cache *pc = &r->pre.c;
	if (presc_cache_claim(pc, cell)) {
		const struct atlas *a = &r->a;
		uint32_t ch = a->channels, ox = (s->tex & 0xffff) - cell_of(r, s->tex & 0xffff) * a->pitch;
		uint32_t oy = (s->tex >> 16) - cell_of(r, s->tex >> 16) * a->pitch;
		uint32_t iw = s->size & 0xffff, ih = s->size >> 16;
		const uint8_t *c = cell_texels(r, s);
		int k = pc->key.k;
		/* the image's share passing at full size, kept by the prescaled image */
		struct atlas_texels img = { .p = c + ((size_t)oy * a->pitch + ox) * ch, .w = iw, .h = ih,
					    .stride = a->pitch, .ch = ch, .has_alpha = r->has_alpha };
		/* as a float, as the GL renderer gets it */
		double c0 = !r->cov ? -1 : r->c0 ? r->c0[cell] : (float)atlas_pass_fraction(&img, r->cov_thr);
		struct presc_src src = { .lv = c + r->lvoff[k], .side = a->pitch >> k, .ch = ch, .ox = ox, .oy = oy,
					 .iw = iw, .ih = ih };
		float scale = presc_cache_image(pc, &src, c0, r->cov_thr, r->has_alpha, cell);
		if (r->cov) {
			r->pre.thr_f[cell] = (float)pc->thr / scale;
			r->pre.thr88[cell] = (uint16_t)swr_threshold88(r->pre.thr_f[cell]);
		}
		presc_cache_done(pc, cell, scale);
	}
}

/* Many sprites' prescaled images are made before binning, in cell order: marked from
 * the sprites (per cell, a sprite that needs it), then made a run of cells at a time on
 * every thread, so that the atlas is read and the store written in sequence rather
 * than in the sprites' order all over both (most of a first frame's time was waiting
 * for those cache lines). Binning then finds them made. */
#define PRE_ALL_MIN 4096
#define PRE_RUN 512

struct pre_all {
	struct swr *r;
	const struct scene_out *sc;
	atomic_size_t next;
};

static void *pre_run(void *arg)
{
	struct pre_all *p = arg;
	struct swr *r = p->r;
	size_t n = r->a.n;
	for (size_t c0; (c0 = atomic_fetch_add(&p->next, PRE_RUN)) < n;)
		for (size_t c = c0; c < c0 + PRE_RUN && c < n; c++)
			if (r->pre_at[c] != UINT32_MAX)
				pre_make(r, &p->sc->sprites[r->pre_at[c]], c);
	return NULL;
}

static int pre_make_all(struct swr *r, const struct scene_out *sc)
{
	size_t n = r->a.n, marked = 0;
	if (!r->pre.on || sc->nsprites < PRE_ALL_MIN || atomic_load(&r->pre.c.done) == n)
		return 0;
	if (ap_grow((void **)&r->pre_at, &r->cap_pre_at, n, sizeof *r->pre_at))
		return -1;
	memset(r->pre_at, 0xff, n * sizeof *r->pre_at);
	for (size_t i = 0; i < sc->nsprites; i++) {
		const struct scene_sprite *s = &sc->sprites[i];
		if (!pre_match(r, s))
			continue;
		size_t c = cell_index(r, s);
		if (r->pre_at[c] == UINT32_MAX && atomic_load_explicit(&r->pre.c.state[c], memory_order_relaxed) != ONCE_DONE) {
			r->pre_at[c] = (uint32_t)i;
			marked++;
		}
	}
	if (marked < PRE_ALL_MIN)
		return 0;            /* few: binning makes them as it meets them */
	struct pre_all p = { .r = r, .sc = sc };
	atomic_init(&p.next, 0);
	swr_run_threads(r->threads, pre_run, &p);
	return 0;
}

/* ---- binning ---- */

/* Binning: the pixels every sprite covers, and per tile the sprites touching it in
 * draw order, copied so that a tile reads its sprites in sequence. Two passes over
 * chunks of the sprite array, on all threads: count per chunk and tile, then fill
 * from each chunk's own cursor, so that the order is kept. */
struct binning {
	struct swr *r;
	const struct scene_out *sc;
	int w, h, tiles_x, ntiles, nchunks;
	uint32_t outline;            /* its alpha decides whether outlines are opaque */
	atomic_int next;
	atomic_int flags;            /* SWR_BIN_* */
};

static void chunk(const struct binning *b, int c, size_t *i0, size_t *i1)
{
	size_t n = b->sc->nsprites;
	*i0 = n * (size_t)c / (size_t)b->nchunks;
	*i1 = n * (size_t)(c + 1) / (size_t)b->nchunks;
}

static void *bin_count(void *arg)
{
	struct binning *b = arg;
	struct swr *r = b->r;
	for (int c; (c = atomic_fetch_add(&b->next, 1)) < b->nchunks;) {
		size_t i0, i1;
		chunk(b, c, &i0, &i1);
		uint32_t *cnt = r->cnt + (size_t)c * (size_t)b->ntiles;
		const struct scene_lod *lod = &b->sc->lod;
		memset(cnt, 0, (size_t)b->ntiles * sizeof *cnt);
		bool translucent = false, coloured = false;
		/* the last sprite's sides and image size, and whether it matched the prescaled
		 * images: a frame's sprites mostly share them, and the match costs a call and
		 * two divisions */
		float last_w = NAN, last_h = NAN;
		uint32_t last_size = 0;
		bool last_match = false;
		for (size_t i = i0; i < i1; i++) {
			const struct scene_sprite *s = &b->sc->sprites[i];
			int32_t *sp = r->span + SPAN * i;
			float x0 = s->x0, y0 = s->y0, x1 = s->x1, y1 = s->y1;
			if (swr_has_disc(lod, s))
				swr_disc_box(s, lod->radius, &x0, &y0, &x1, &y1);
			sp[0] = first_centre(x0, b->w);
			sp[1] = first_centre(x1, b->w);
			sp[2] = first_centre(y0, b->h);
			sp[3] = first_centre(y1, b->h);
			if (sp[0] >= sp[1] || sp[2] >= sp[3]) {
				sp[3] = sp[2];
				continue;
			}
			for (int ty = sp[2] >> STRIP_LOG2; ty <= (sp[3] - 1) >> STRIP_LOG2; ty++)
				for (int tx = sp[0] >> TILE_W_LOG2; tx <= (sp[1] - 1) >> TILE_W_LOG2; tx++)
					cnt[ty * b->tiles_x + tx]++;
			sp[4] = (int32_t)NO_PRE;
			if (swr_has_image(lod, s) && r->pre.on) {
				float w = s->x1 - s->x0, h = s->y1 - s->y0;
				if (!(w == last_w && h == last_h && s->size == last_size)) {
					last_w = w, last_h = h, last_size = s->size;
					last_match = pre_match(r, s);
				}
				if (last_match) {
					sp[4] = (int32_t)cell_index(r, s);
					pre_make(r, s, (size_t)sp[4]);
				}
			}
			translucent |= (s->tint >> 24) != 255 ||
				       ((s->page_flags >> 16 & SCENE_OUTLINE) && (b->outline >> 24) != 255);
			coloured |= !pal_gray(s->tint);
		}
		atomic_fetch_or(&b->flags, (translucent ? SWR_BIN_TRANSLUCENT : 0) | (coloured ? SWR_BIN_COLOURED : 0));
	}
	return NULL;
}

static void *bin_fill(void *arg)
{
	struct binning *b = arg;
	struct swr *r = b->r;
	for (int c; (c = atomic_fetch_add(&b->next, 1)) < b->nchunks;) {
		size_t i0, i1;
		chunk(b, c, &i0, &i1);
		uint32_t *cur = r->cnt + (size_t)c * (size_t)b->ntiles;
		for (size_t i = i0; i < i1; i++) {
			const int32_t *sp = r->span + SPAN * i;
			if (sp[2] >= sp[3])
				continue;
			struct item it = { b->sc->sprites[i], sp[0], sp[1], sp[2], sp[3], (uint32_t)sp[4] };
			for (int ty = sp[2] >> STRIP_LOG2; ty <= (sp[3] - 1) >> STRIP_LOG2; ty++)
				for (int tx = sp[0] >> TILE_W_LOG2; tx <= (sp[1] - 1) >> TILE_W_LOG2; tx++)
					r->items[cur[ty * b->tiles_x + tx]++] = it;
		}
	}
	return NULL;
}

/* Returns SWR_BIN_* flags, or -1 when out of memory. */
int swr_bin(struct swr *r, const struct scene_out *sc, int w, int h, uint32_t outline)
{
	struct binning b = { .r = r, .sc = sc, .w = w, .h = h, .tiles_x = (w + TILE_W - 1) / TILE_W,
			     .nchunks = sc->nsprites < 4096 ? 1 : r->threads, .outline = outline };
	b.ntiles = b.tiles_x * ((h + STRIP - 1) / STRIP);
	size_t n = sc->nsprites, ns = (size_t)b.ntiles;
	if (pre_make_all(r, sc) ||
	    ap_grow((void **)&r->span, &r->cap_span, SPAN * n, sizeof *r->span) ||
	    ap_grow((void **)&r->tile_off, &r->cap_off, ns + 1, sizeof *r->tile_off) ||
	    ap_grow((void **)&r->cnt, &r->cap_cnt, (size_t)b.nchunks * ns, sizeof *r->cnt))
		return -1;
	atomic_init(&b.next, 0);
	atomic_init(&b.flags, 0);
	swr_run_threads(b.nchunks, bin_count, &b);
	/* tile k's items: chunk 0's, then chunk 1's, ... */
	uint64_t total = 0;
	for (size_t k = 0; k < ns; k++) {
		r->tile_off[k] = (uint32_t)total;
		for (int c = 0; c < b.nchunks; c++) {
			uint32_t *cnt = r->cnt + (size_t)c * ns + k, m = *cnt;
			*cnt = (uint32_t)total;
			total += m;
		}
		if (total > UINT32_MAX)
			return -1;
	}
	r->tile_off[ns] = (uint32_t)total;
	if (ap_grow((void **)&r->items, &r->cap_items, (size_t)total, sizeof *r->items))
		return -1;
	atomic_store(&b.next, 0);
	swr_run_threads(b.nchunks, bin_fill, &b);
	return atomic_load(&b.flags);
}
