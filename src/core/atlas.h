/*
 * atlas: packing images into texture-atlas pages, and building those pages with
 * their mip levels. Pure: no GL (the renderer uploads what this builds).
 *
 * Every image gets a cell of pitch P×P texels, P a multiple of 2^K, cells aligned to
 * P, so each texel of mip level k <= K averages texels of one cell only: minified
 * sampling can never bleed a neighbour in. The image sits centred in its cell and its
 * edge texels are extruded to the cell's border, so bilinear filtering at the image's
 * edge reads the image's own colour, not a neighbour's or black. Mip levels are 2×2
 * box averages (rounded), built here so they are the same bytes on every driver.
 *
 * Pages hold cells in rows; all pages have one power-of-two size (a texture array's layers must, and texel centres stay exact):
 * at most page_max×page_max (default 2048), smaller when the data set is small.
 * Gray data sets give 1-channel pages; colour ones 4-channel (RGBA, alpha 255 for RGB).
 */
#ifndef AP_ATLAS_H
#define AP_ATLAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/imgset.h"

#define ATLAS_DEFAULT_PAGE 2048
#define ATLAS_MAX_LEVELS 6
#define ATLAS_MAX_PITCH 32768     /* cells are at most a page */

struct atlas {
	size_t n;                /* images */
	uint32_t slot_w, slot_h; /* the image slot (largest image) */
	uint32_t pitch;          /* P */
	uint32_t levels;         /* mip levels including level 0: K+1 */
	uint32_t cols, rows;     /* cells per page row, rows per page */
	uint32_t page_w, page_h; /* texels */
	uint32_t pages;
	uint32_t channels;       /* 1 or 4 */
	/* Optional placement order (atlas_order): image i in cell cell_of[i], cell c holding
	 * image_at[c]. NULL: image i in cell i. Owned by the caller. */
	const uint32_t *cell_of, *image_at;
};

/* Plan the packing. page_max 0 means ATLAS_DEFAULT_PAGE; it must be at least one cell. */
int atlas_plan(const struct ap_imgset *s, uint32_t page_max, struct atlas *out, struct ap_err *err);

/* A placement that keeps images near each other in xy (n points) near each other in the
 * atlas: cells in Morton order of the points, so the sprites of one screen tile read
 * nearby memory rather than the whole atlas. Fills cell_of and image_at (n each).
 * chunk > 0 keeps each run of chunk images in its own run of cells: GL draws one texture
 * array's pages per pass, so images consecutive in draw order must stay in one array, or
 * the passes multiply (a Morton order over all of them alternates arrays every few
 * sprites). 0: one run. */
void atlas_order(size_t n, const double *xy, size_t chunk, uint32_t *cell_of, uint32_t *image_at);

/* Where image i's top-left texel is: page and level-0 texel position. */
void atlas_place(const struct atlas *a, size_t i, uint32_t *page, uint32_t *x, uint32_t *y);

/* Bytes of one page at one level. */
size_t atlas_level_bytes(const struct atlas *a, uint32_t level);

/* Fill level 0 of page p (atlas_level_bytes(a, 0) bytes). */
void atlas_build_page(const struct atlas *a, const struct ap_imgset *s, uint32_t p, uint8_t *dst);

/* Build level k+1 from level k (dst: atlas_level_bytes(a, k+1) bytes). */
void atlas_downsample(const struct atlas *a, uint32_t k, const uint8_t *src, uint8_t *dst);

/* Cell c (counted over all pages) alone, every level: level k's (P>>k)² texels, in rows
 * of P>>k, at dst + off[k]; the bytes that atlas_build_page and atlas_downsample give
 * that cell of its page (zero for a cell no image fills). For a backend that keeps
 * texels cell by cell and builds them on its own threads. */
void atlas_build_cell(const struct atlas *a, const struct ap_imgset *s, size_t c, uint8_t *dst, const size_t *off);

/*
 * Coverage for the discard test. Box-filtered mip levels dim thin strokes, so a digit
 * drawn at a few pixels would lose most of its texels to the threshold and vanish. For
 * each image and level k this finds the scale a_k by which level k's values must be
 * multiplied so that the share of its cell passing the threshold equals level 0's
 * (alpha-test coverage preservation, Castaño 2010), the scaled threshold falling midway
 * between two values present, as 0.5 does between 127 and 128: a_0 = 1, a_k clamped to
 * [1/16, 16], 1 when nothing passes at level 0. The value tested is the gray value,
 * the alpha of RGBA images, or the luminance of RGB ones. A sprite sampled at LOD l
 * tests value * lerp(a_floor(l), a_ceil(l), frac(l)) against the threshold.
 *
 * Returns a malloc'd table of n × levels floats, by cell (the renderers know a sprite's
 * cell, not its image), or NULL (out of memory).
 */
float *atlas_coverage_table(const struct atlas *a, const struct ap_imgset *s, double threshold);
/* One cell's row of the table from its levels (level k: (pitch >> k)² texels). */
void atlas_coverage_cell(const struct atlas *a, const uint8_t *const *levels, bool has_alpha, double threshold,
			 float *row);
/* A block of texels the discard test reads. */
struct atlas_texels {
	const uint8_t *p;        /* the first texel */
	uint32_t w, h;           /* texels a row, rows */
	size_t stride;           /* texels from a row's start to the next's */
	uint32_t ch;             /* bytes a texel: 1 (gray) or 4 */
	bool has_alpha;          /* 4 bytes: the test reads alpha, not luminance */
};
/* Its parts: the share of a block that passes the threshold, and the scale of another
 * block that keeps that share c0 passing. */
double atlas_pass_fraction(const struct atlas_texels *t, double threshold);
float atlas_coverage_scale(double c0, double threshold, const struct atlas_texels *t);
/* A share of the table's work, so that threads can split it: images [from, to) into a
 * table of n × levels floats the caller owns; and, unless c0 is NULL, into c0 (n floats
 * by cell) the share of each image passing at full size (atlas_pass_fraction). */
struct atlas_cov_rows {
	size_t from, to;         /* images, not cells */
	float *tab;              /* n × levels floats, by cell */
	float *c0;               /* n floats by cell, or NULL */
};
/* Fill job's rows for the images of s in a. 0, or -1 (out of memory). */
int atlas_coverage_rows(const struct atlas *a, const struct ap_imgset *s, double threshold,
			const struct atlas_cov_rows *job);

#endif
