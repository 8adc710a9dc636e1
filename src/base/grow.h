/*
 * grow: the capacity-doubling realloc behind the lists a renderer keeps from frame to
 * frame (scene's sprites and tile lists, swr's spans and items): after the first frames
 * they stop allocating. The capacity starts at 1024 elements and doubles; a size whose
 * bytes would overflow is refused rather than wrapped.
 */
#ifndef AP_GROW_H
#define AP_GROW_H

#include <stdint.h>
#include <stdlib.h>

/* Make *p hold at least need elements of elem bytes (*cap: how many it holds). Returns
 * 0, or -1 with *p and *cap unchanged. */
static inline int ap_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 1024;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return -1;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

#endif
