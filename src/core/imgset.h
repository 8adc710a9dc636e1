/*
 * imgset: the images of a data set, in data-set order, each in a slot of w×h×c bytes
 * (c = 1 gray, 3 RGB, 4 RGBA; rows top first). Images smaller than the slot (a folder
 * of photos of mixed aspect) record their own size in iw/ih and sit at the slot's
 * top-left corner; when iw is NULL every image fills its slot.
 * Read pixels through imgset_pixels: a set mapped from several files is in parts.
 * Not a loader: idx_, npy_ and the folder reader fill it.
 */
#ifndef AP_IMGSET_H
#define AP_IMGSET_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* A run of images whose pixels lie apart from the others' (each file of a set mapped
 * where it lies: io/load_images_map): the set's images from first on, at pix. */
struct imgset_part {
	size_t first;
	const uint8_t *pix;
};

struct ap_imgset {
	size_t n;
	uint32_t w, h, c;
	uint8_t *pix;           /* n * w * h * c bytes; with parts, the first part's */
	uint16_t *iw, *ih;      /* per-image size, or NULL */
	const struct imgset_part *part;   /* NULL: all at pix; else nparts runs, by first */
	uint32_t nparts;
};

static inline const uint8_t *imgset_pixels(const struct ap_imgset *s, size_t i)
{
	size_t slot = (size_t)s->w * s->h * s->c;
	if (s->part) {
		uint32_t k = s->nparts - 1;
		while (k > 0 && s->part[k].first > i)
			k--;
		return s->part[k].pix + (i - s->part[k].first) * slot;
	}
	return s->pix + i * slot;
}
static inline uint32_t imgset_iw(const struct ap_imgset *s, size_t i) { return s->iw ? s->iw[i] : s->w; }
static inline uint32_t imgset_ih(const struct ap_imgset *s, size_t i) { return s->ih ? s->ih[i] : s->h; }

void imgset_free(struct ap_imgset *s);

/* Append src to dst (src is consumed and zeroed). Sizes and channels must match;
 * the error names `what` (e.g. the file src came from). Two sets without pixels (pix
 * NULL: their shapes known, the pixels not read) append as shapes. */
int imgset_append(struct ap_imgset *dst, struct ap_imgset *src, const char *what, struct ap_err *err);

#endif
