/*
 * pal: label colours (matplotlib's tab10, and tab20 when there are more than ten
 * labels) and colour parsing. Colours are packed RGBA8 as 0xAABBGGRR, the byte
 * order of an RGBA pixel in memory on little-endian machines and of GLSL's
 * unpackUnorm4x8.
 */
#ifndef AP_PAL_H
#define AP_PAL_H

#include <stdbool.h>
#include <stdint.h>

#define PAL_RGBA(r, g, b, a) ((uint32_t)(r) | (uint32_t)(g) << 8 | (uint32_t)(b) << 16 | (uint32_t)(a) << 24)

/* Colour of label (>= 0) among nlabels distinct labels: tab10 up to 10, tab20 up to 20,
 * then tab20 cycled. */
uint32_t pal_label(int32_t label, int64_t nlabels);

/* Whether c has R = G = B (whatever its alpha). */
static inline bool pal_gray(uint32_t c)
{
	return (c & 255) == (c >> 8 & 255) && (c & 255) == (c >> 16 & 255);
}

/* The colour premultiplied by its alpha, as floats 0..1. */
void pal_premul(uint32_t c, float out[4]);

/* A highlight outline: c when set, else one that contrasts with the background bg
 * (white on dark or transparent, black on light). */
uint32_t pal_outline(uint32_t c, uint32_t bg);

/* "RRGGBB", "#RRGGBB", "RRGGBBAA" or "none" (transparent). 0 ok, -1 bad. */
int pal_parse(const char *s, uint32_t *out);

#endif
