/*
 * swr_page: the atlas in swr's layout, built once by swr_new. Texels are stored cell
 * by cell, each cell holding all its mip levels (struct swr's cells, lvoff), from the
 * pages atlas_build_page and atlas_downsample make. Not here: the coverage table
 * (swr.c makes it empty, swr_tile.c fills a cell's row when a sprite first needs it).
 */
#include "draw/swr/swr_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct build {
	struct swr *r;
	const struct ap_imgset *s;
	atomic_uint next;
	atomic_bool failed;
};

/* Copy level k of every cell of a page from page layout to cell layout. */
static void scatter(const struct swr *r, uint32_t k, const uint8_t *lv, uint8_t *cells)
{
	const struct atlas *a = &r->a;
	size_t side = a->pitch >> k, row = side * a->channels, stride = (size_t)(a->page_w >> k) * a->channels;
	for (uint32_t cy = 0; cy < a->rows; cy++)
		for (uint32_t cx = 0; cx < a->cols; cx++) {
			uint8_t *dst = cells + ((size_t)cy * a->cols + cx) * r->cell_bytes + r->lvoff[k];
			const uint8_t *src = lv + cy * side * stride + cx * row;
			for (size_t y = 0; y < side; y++)
				memcpy(dst + y * row, src + y * stride, row);
		}
}

static void *build_pages(void *arg)
{
	struct build *b = arg;
	struct swr *r = b->r;
	const struct atlas *a = &r->a;
	uint8_t *lv[2] = { malloc(atlas_level_bytes(a, 0)), malloc(atlas_level_bytes(a, 0)) };
	if (!lv[0] || !lv[1]) {
		atomic_store(&b->failed, true);
		goto out_free_levels;
	}
	for (uint32_t p; (p = atomic_fetch_add(&b->next, 1)) < a->pages;) {
		atlas_build_page(a, b->s, p, lv[0]);
		scatter(r, 0, lv[0], r->cells + p * r->page_bytes);
		for (uint32_t k = 1; k < a->levels; k++) {
			atlas_downsample(a, k - 1, lv[(k - 1) & 1], lv[k & 1]);
			scatter(r, k, lv[k & 1], r->cells + p * r->page_bytes);
		}
	}
out_free_levels:
	free(lv[0]);
	free(lv[1]);
	return NULL;
}

size_t swr_page_layout(struct swr *r)
{
	const struct atlas *a = &r->a;
	r->cell_bytes = 0;
	for (uint32_t k = 0; k < a->levels; k++) {
		r->lvoff[k] = r->cell_bytes;
		r->cell_bytes += (size_t)(a->pitch >> k) * (a->pitch >> k) * a->channels;
	}
	r->page_bytes = (size_t)a->cols * a->rows * r->cell_bytes;
	r->pitch_inv = (((uint64_t)1 << 32) + a->pitch - 1) / a->pitch;
	/* filtering reads the texel right of and the row below the last, with weight 0,
	 * and a shuffled gather 16 bytes: pad */
	size_t pad = 8 * (size_t)a->pitch + 16;
	return a->pages * r->page_bytes + pad;
}

size_t swr_cells_bytes(const struct atlas *a)
{
	struct swr r = { .a = *a };
	return swr_page_layout(&r);
}

const uint8_t *swr_cells(const struct swr *r)
{
	return r->cells;
}

int swr_page_build(struct swr *r, const struct ap_imgset *s)
{
	const struct atlas *a = &r->a;
	size_t bytes = swr_page_layout(r), pad = 8 * (size_t)a->pitch + 16;
	/* each sprite reads a random place: huge pages spare most TLB misses */
	if (posix_memalign((void **)&r->cells, (size_t)2 << 20, bytes))
		return -1;
#ifdef MADV_HUGEPAGE
	madvise(r->cells, bytes, MADV_HUGEPAGE);
#endif
	memset(r->cells + bytes - pad, 0, pad);
	struct build b = { .r = r, .s = s };
	atomic_init(&b.next, 0);
	atomic_init(&b.failed, false);
	swr_run_threads(r->threads, build_pages, &b);
	return atomic_load(&b.failed) ? -1 : 0;
}
