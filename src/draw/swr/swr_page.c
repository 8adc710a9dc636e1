/*
 * swr_page: the atlas in swr's layout, built once by swr_new. Texels are stored cell
 * by cell, each cell holding all its mip levels (struct swr's cells, lvoff), the bytes
 * of the pages atlas_build_page and atlas_downsample make, built a cell at a time
 * (atlas_build_cell). Not here: the coverage table
 * (swr.c makes it empty, swr_tile.c fills a cell's row when a sprite first needs it).
 */
#include "draw/swr/swr_priv.h"

#include <stdlib.h>
#include <string.h>

struct build {
	struct swr *r;
	const struct ap_imgset *s;
	atomic_size_t next;
};

/* Cells a claim: a few hundred KiB written in sequence */
#define CHUNK 256
#define AHEAD 4

/* Each cell built where it lives, level after level (through page-sized buffers, then
 * copied cell by cell, was twice the memory traffic) */
static void *build_cells(void *arg)
{
	struct build *b = arg;
	struct swr *r = b->r;
	const struct atlas *a = &r->a;
	size_t cells = (size_t)a->pages * a->cols * a->rows;
	uint32_t ox = (a->pitch - a->slot_w) / 2, oy = (a->pitch - a->slot_h) / 2, ch = a->channels;
	size_t slot = (size_t)b->s->w * b->s->h * b->s->c;
	for (size_t first; (first = atomic_fetch_add(&b->next, CHUNK)) < cells;)
		for (size_t c = first; c < first + CHUNK && c < cells; c++) {
			uint8_t *cell = r->cells + c * r->cell_bytes;
			/* the cells' images, in the atlas order, lie all over the set: ask for one
			 * ahead (its first lines a cell would otherwise wait for) */
			if (c + AHEAD < a->n && b->s->pix) {
				const uint8_t *next = imgset_pixels(b->s, a->image_at ? a->image_at[c + AHEAD] : c + AHEAD);
				for (size_t at = 0; at < slot; at += 64)
					__builtin_prefetch(next + at);
			}
			atlas_build_cell(a, b->s, c, cell, r->lvoff);
			if (!r->c0 || c >= a->n)
				continue;
			/* while the cell is in the cache: the first frame's prescaled images need it */
			size_t i = a->image_at ? a->image_at[c] : c;
			struct atlas_texels img = { .p = cell + ((size_t)oy * a->pitch + ox) * ch, .w = imgset_iw(b->s, i),
						    .h = imgset_ih(b->s, i), .stride = a->pitch, .ch = ch,
						    .has_alpha = r->has_alpha };
			r->c0[c] = (float)atlas_pass_fraction(&img, r->c0_thr);
		}
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
	/* aligned for a kernel that gives huge pages unasked (THP "always"). Not asked for
	 * with MADV_HUGEPAGE: on this project's machine a fresh 2 MB page often costs a
	 * compaction or the host's faulting in (a cold 1080p MNIST still 0.13 s against 0.10 s
	 * in make bench, where numpy runs between ours), while frames gained nothing
	 * measurable (8.0 against 8.1 ms) */
	if (posix_memalign((void **)&r->cells, (size_t)2 << 20, bytes))
		return -1;
	memset(r->cells + bytes - pad, 0, pad);
	struct build b = { .r = r, .s = s };
	atomic_init(&b.next, 0);
	swr_run_threads(r->threads, build_cells, &b);
	return 0;
}
