/*
 * swr: the software compositor, a backend for machines without a GPU. It draws the
 * same scene into the same RGBA8 frame as render_ (shaders/composite.glsl), in C on
 * a few threads, because llvmpipe runs that shader at about a second a frame. It
 * knows only axis-aligned sprite rectangles; it is not a rasteriser.
 *
 * Semantics are the shader's, decided per pixel centre (i + 0.5, j + 0.5): coverage
 * on the float rectangle, texel coordinate tex + (c - rect.xy)·scale clamped to the
 * image's cell, LOD log2(max scale) per sprite, trilinear filtering of the same mip
 * levels (atlas_build_page, atlas_downsample), the alpha modes, tint, the highlight
 * outline, premultiplied compositing over the background, straight-alpha output.
 * Minified sprites of the frame's common scale are drawn from images prescaled to it
 * (presc.h), as the shader draws them too: made as binning first meets them, kept
 * while the scale and threshold stay. Discs and the cross-fade (scene_lod) are drawn
 * in the float path, the image's part of a cross-fade first into a second float tile.
 * At native size on integer pixel positions the output is the image, byte for byte
 * (every filter weight is 0). Elsewhere filtering runs in fixed point (8-bit weights,
 * 8.8 results) and differs from llvmpipe's by a level or two per channel.
 *
 * How: texels are stored cell by cell (an image's levels in a few adjacent cache
 * lines); sprites are binned into tiles of 512×32 pixels; threads take tiles from a
 * shared counter and paint each tile's sprites back to front (later on top, as scene_
 * orders them). When every source is opaque (discard or opaque mode, tints of alpha 255)
 * they write RGBA8 in place; otherwise they composite "over" in a float accumulator.
 * Scene batches and tile lists are not used. Needs GCC or Clang (vector extensions);
 * with GCC on x86-64 and SSSE3, texels are gathered with byte shuffles (unless
 * swr_desc's portable_gather asks for the portable path, for tests).
 */
#ifndef AP_SWR_H
#define AP_SWR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/atlas.h"
#include "base/err.h"
#include "core/imgset.h"
#include "draw/dopts.h"
#include "core/scene.h"

#define SWR_MAX_THREADS 8

struct swr;

/* How the compositor runs; zero value = defaults. */
struct swr_desc {
	int threads;                 /* 0 = the online CPUs, at most SWR_MAX_THREADS */
	bool portable_gather;        /* the portable texel gather even where SSSE3 is there */
	bool four_floats;            /* four floats a pixel even where one would do (see swr_mono) */
	/* NULL: build the cells. Else adopt these swr_cells_bytes(a) bytes (what swr_cells
	 * gave a session of the same atlas and images, e.g. mapped from a cache): read, never
	 * written nor freed; the caller keeps them until swr_free. */
	const uint8_t *cells;
	/* true: with each cell built, its image's share passing threshold at full size, the
	 * prescaled images' coverage needs it (swr_coverage with the same threshold keeps it) */
	bool coverage;
	double threshold;
};

/* Bumped whenever the bytes of swr_cells or swr_extra_save change meaning, so that a
 * key folding it in never matches an older layout. */
#define SWR_CACHE_FORMAT 2

/* The bytes of the atlas a in swr's cell layout, every level, padding included. */
size_t swr_cells_bytes(const struct atlas *a);
/* The session's cells (swr_cells_bytes of its atlas), to keep for swr_desc's cells. */
const uint8_t *swr_cells(const struct swr *r);
/* What else start-up and the first frame make that is worth keeping: the coverage rows
 * made so far and the prescaled images of the last scale (with their discard scales).
 * The bytes swr_extra_save writes (0: nothing to keep). */
size_t swr_extra_bytes(const struct swr *r);
void swr_extra_save(const struct swr *r, uint8_t *dst);
/* Take them back into a session of the same atlas, images and coverage threshold
 * (copied, as frames add to them; but prescaled images kept for every cell are drawn
 * from src where it lies, so src stays until swr_free, as swr_desc's cells do): 0, or
 * -1 when they do not fit it (then nothing is taken) or memory runs out. */
int swr_extra_load(struct swr *r, const uint8_t *src, size_t bytes);

/* Build every page of the atlas a of s, with all its mip levels, in memory (one byte
 * a texel for gray, four for colour; about 4/3 of the pages' size). d may be NULL (the
 * defaults). NULL on failure (out of memory), with err saying why. Free with swr_free. */
struct swr *swr_new(const struct atlas *a, const struct ap_imgset *s, const struct swr_desc *d,
		    struct ap_err *err);
void swr_free(struct swr *r);

/* Scale the discard test per image and LOD to keep each mip level's coverage
 * (atlas_coverage_cell on the levels already built, each cell's when a frame first
 * needs it). */
int swr_coverage(struct swr *r, double threshold, struct ap_err *err);

/* The discs' colours, one RGBA8 per atlas cell (draw/dopts.h), copied: 0, or -1 when
 * out of memory. Before a frame with discs. */
int swr_dots(struct swr *r, const uint32_t *cell_color, struct ap_err *err);

/* Whether the last frame was painted with one float a pixel: frames of gray sources over
 * an opaque gray background that need the float path (discs, blend, translucency).
 * The bytes are those of four floats a pixel; tests compare the two. */
bool swr_mono(const struct swr *r);

/* The threads swr_new and swr_frame use. */
int swr_threads(const struct swr *r);

/* Draw the scene into t: render_frame's contract.
 * The scene may come from scene_src_init with any pages_per_group (0 is fine). */
int swr_frame(struct swr *r, const struct scene_out *sc, const struct draw_opts *o, const struct draw_target *t,
	      struct ap_err *err);

#endif
