/*
 * imgset: freeing and concatenating image sets. The loaders fill them; this file only
 * owns their memory.
 */
#include "core/imgset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void imgset_free(struct ap_imgset *s)
{
	if (!s)
		return;
	free(s->pix);
	free(s->iw);
	free(s->ih);
	memset(s, 0, sizeof *s);
}

static const char *channels_name(uint32_t c)
{
	switch (c) {
	case 1: return "gray";
	case 3: return "RGB";
	case 4: return "RGBA";
	default: return "odd-channel";
	}
}

/* Per-image sizes of s into iw/ih (which hold at least s->n entries). */
static void fill_sizes(uint16_t *iw, uint16_t *ih, const struct ap_imgset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		iw[i] = (uint16_t)imgset_iw(s, i);
		ih[i] = (uint16_t)imgset_ih(s, i);
	}
}

int imgset_append(struct ap_imgset *dst, struct ap_imgset *src, const char *what, struct ap_err *err)
{
	size_t total, slot, bytes;
	uint16_t *iw = NULL, *ih = NULL;
	uint8_t *pix;

	if (src->n == 0) {
		imgset_free(src);
		return 0;
	}
	if (dst->n == 0) {
		imgset_free(dst);
		*dst = *src;
		memset(src, 0, sizeof *src);
		return 0;
	}
	if (src->w != dst->w || src->h != dst->h || src->c != dst->c)
		return ap_errf(err, "images '%s': %ux%u %s images do not match the earlier %ux%u %s images",
			what, src->w, src->h, channels_name(src->c), dst->w, dst->h, channels_name(dst->c));
	if (ap_mul_size((size_t)dst->w * dst->h, dst->c, &slot) < 0 || dst->n > SIZE_MAX - src->n
			|| ap_mul_size(dst->n + src->n, slot, &bytes) < 0)
		return ap_errf(err, "images '%s': too many images", what);
	total = dst->n + src->n;

	/* allocate everything before changing dst, so a failure leaves both sets as they were */
	if (dst->iw || dst->ih || src->iw || src->ih) {
		iw = malloc(total * sizeof *iw);
		ih = malloc(total * sizeof *ih);
		if (!iw || !ih)
			goto out_free_sizes;
		fill_sizes(iw, ih, dst);
		fill_sizes(iw + dst->n, ih + dst->n, src);
	}
	assert(!dst->pix == !src->pix && !dst->part && !src->part);
	if (dst->pix) {
		pix = realloc(dst->pix, bytes);
		if (!pix)
			goto out_free_sizes;
		memcpy(pix + dst->n * slot, src->pix, src->n * slot);
		dst->pix = pix;
	}
	dst->n = total;
	if (iw) {
		free(dst->iw);
		free(dst->ih);
		dst->iw = iw;
		dst->ih = ih;
	}
	imgset_free(src);
	return 0;

out_free_sizes:
	free(iw);
	free(ih);
	return ap_errf(err, "images '%s': out of memory appending %zu images", what, src->n);
}
