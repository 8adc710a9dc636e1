/*
 * scene: one frame's sprites on screen, culled and binned into screen tiles for the
 * renderer. Pure: no GL. This is where the per-sprite work happens on the CPU, once
 * per frame, so the GPU (or llvmpipe, which pays per primitive) never draws a
 * primitive per sprite: the renderer runs one compute pass in which each tile's
 * pixels walk that tile's list, front to back, and stop when they are opaque.
 *
 * A sprite covers pixel (i, j) when its rectangle [x0, x1)×[y0, y1) contains the
 * pixel centre (i + 0.5, j + 0.5). Binning is conservative by one pixel; the shader
 * makes the exact test with the same float rectangle, so the CPU and GPU agree.
 *
 * Sprites are kept in data-set order (later on top), highlighted ones appended last.
 * Tile lists hold sprite indices back to front reversed, i.e. topmost first. A frame
 * whose lists would exceed max_entries, or whose sprites span more atlas pages than
 * one texture array holds, is cut into batches of consecutive sprites; the renderer
 * runs one pass per batch, topmost batch first.
 */
#ifndef AP_SCENE_H
#define AP_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/atlas.h"
#include "core/cam.h"
#include "base/err.h"
#include "core/imgset.h"
#include "core/presc.h"

#define SCENE_TILE 8
#define SCENE_DEFAULT_MAX_ENTRIES ((size_t)1 << 24)
#define SCENE_DEFAULT_HIGHLIGHT_SCALE 2.0
#define SCENE_MAX_HIGHLIGHT_SCALE 100.0  /* the CLI's bound; a highlight's side is clamped to CAM_SPRITE_LIMIT */

/* Sprite flags: a highlight's outline; a label frame (colour sprites coloured by label
 * keep their colours and get a border in the tint colour instead); drawn as the frame's
 * level of detail and opacity say (scene_lod: a disc, the image, or both cross-faded). */
enum { SCENE_OUTLINE = 1, SCENE_FRAME = 2, SCENE_DOT = 4 };

/* The renderer's sprite record: std430 layout, 32 bytes. */
struct scene_sprite {
	float x0, y0, x1, y1;    /* drawn rectangle, pixels, x1/y1 exclusive */
	uint32_t tex;            /* image's top-left texel: x | y << 16 */
	uint32_t size;           /* image size in texels: w | h << 16 */
	uint32_t page_flags;     /* atlas page | flags << 16 (flags: SCENE_OUTLINE/FRAME | width << 8) */
	uint32_t tint;           /* RGBA8 colour multiplier */
};

/* A sprite's texels per pixel, as the renderers filter by them. */
static inline float scene_scale_x(const struct scene_sprite *s)
{
	return (float)(s->size & 0xffff) / (s->x1 - s->x0);
}

static inline float scene_scale_y(const struct scene_sprite *s)
{
	return (float)(s->size >> 16) / (s->y1 - s->y0);
}

/* What does not change from frame to frame: where each image lives in the atlas. */
struct scene_src {
	size_t n;
	uint32_t *tex, *size;
	uint32_t *page;
	uint32_t pages_per_group;   /* atlas pages one texture array holds */
};

int scene_src_init(struct scene_src *src, const struct atlas *a, const struct ap_imgset *s,
		   uint32_t pages_per_group, struct ap_err *err);
void scene_src_free(struct scene_src *src);

/* A frame's discs and opacity (draw/dopts.h states the rule, core/dots.h the numbers);
 * zero value = off: every sprite an image, drawn as it is. */
struct scene_dots {
	double below;               /* sprites of side S below this are discs; 0: none */
	double fade;                /* and cross-fade into images up to fade × below (>= 1) */
	double opacity;             /* 0 = 1 */
	bool opacity_auto;          /* dots_opacity of the sprites in view instead */
	bool image_opacity;         /* images take the opacity too (blend); discs always do */
	double coverage;            /* auto's target; 0 = DOTS_OPACITY_COVERAGE */
};

/* What scene_build made of it for the frame: one state for all its sprites but the
 * highlights, which are drawn as images, as without these options. */
struct scene_lod {
	bool on;                    /* sprites [0, nbase) carry SCENE_DOT */
	float radius;               /* their disc's radius, S / 2 */
	float dot_alpha;            /* the disc's share, w × opacity (0: no disc) */
	float img_alpha;            /* the image's, (1 − w) × (opacity if images take it) */
	double weight, opacity;     /* w, and the opacity (auto's value when auto) */
};

struct scene_frame {
	int w, h;
	struct cam cam;
	double s0;                  /* fit scale */
	double sprite;              /* S, pixels */
	const uint32_t *tint;       /* per image RGBA8, or NULL for white */
	int tint_as_frame;          /* draw tints as label frames (colour images) */
	const size_t *highlight;    /* image indices drawn on top, enlarged */
	size_t nhighlight;
	double highlight_scale;     /* 0 = SCENE_DEFAULT_HIGHLIGHT_SCALE */
	size_t max_entries;         /* 0 = SCENE_DEFAULT_MAX_ENTRIES */
	int sprites_only;           /* place and cull only: no batches, no tile lists */
	bool no_prescale;           /* draw every sprite from the mip levels (comparisons) */
	struct scene_dots dots;
};

struct scene_batch {
	size_t first, count;        /* sprites [first, first + count) */
	uint32_t group;             /* texture array holding their pages */
	size_t off;                 /* this batch's tile offsets: offsets + off, tiles + 1 values */
};

/* The frame, reusable across frames (buffers grow, never shrink). */
struct scene_out {
	struct scene_sprite *sprites;
	size_t nsprites, cap_sprites;
	uint32_t *index;            /* sprite indices, per tile, topmost first */
	size_t nindex, cap_index;
	uint32_t *offsets;          /* per batch: tiles + 1 prefix offsets into index */
	size_t cap_offsets;
	struct scene_batch *batches;
	size_t nbatches, cap_batches;
	uint32_t tiles_x, tiles_y;
	size_t culled;
	size_t nbase;               /* sprites before the highlights: those in view */
	struct scene_lod lod;
	bool no_prescale;           /* the frame's no_prescale */
	/* scratch */
	uint32_t *counts;
	size_t cap_counts;
	int32_t *range;             /* per sprite: tile x0, y0, x1, y1 (inclusive) */
	size_t cap_range;
};

/* Build the frame for positions xy (n×2 data units, n == src->n). */
int scene_build(const struct scene_src *src, const double *xy, const struct scene_frame *f,
		struct scene_out *out, struct ap_err *err);
void scene_out_free(struct scene_out *out);

/* The prescaled images a frame of sc (its sprites drawn at the first one's scale) is
 * drawn from, for both renderers: false when its sprites are not minified enough, their
 * images would not fit PRESC_MAX_BYTES, they are all discs, or the frame asked for
 * no_prescale. */
bool scene_prescale_key(const struct scene_out *sc, const struct atlas *a, struct presc_key *key);
/* The same for a frame whose first sprite is s0. */
bool scene_sprite_key(const struct scene_sprite *s0, const struct atlas *a, struct presc_key *key);

/* The border of a sprite of side S, pixels: a label frame's for the frame's S, an
 * outline's for a highlight's side. */
uint32_t scene_border(double S);
/* The flags scene_build gives f's sprites that are not highlights (a label frame and
 * its width, or none). */
uint32_t scene_frame_flags(const struct scene_frame *f);
/* A highlight's side in f: S times the highlight scale, clamped to CAM_SPRITE_LIMIT. */
double scene_highlight_side(const struct scene_frame *f);

/*
 * For a renderer that keeps a transition's sprites resident and places them itself,
 * frame by frame (draw/gl): what scene_build would make of them, without the positions.
 */

/* Point i's position, data units, into xy[0], xy[1]. */
typedef void (*scene_pos_fn)(void *user, size_t i, double xy[2]);

/* The first sprite scene_build keeps of frame f, its points placed by pos (called for
 * the points in scene_build's order until one is kept: most frames, only the first):
 * false when it culls them all. What scene_prescale_key chooses by. */
bool scene_first(const struct scene_src *src, const struct scene_frame *f, scene_pos_fn pos, void *user,
		 struct scene_sprite *out);

/* The sprites scene_build keeps of frame f but its highlights, its points placed by pos
 * (scene_out's nbase): what --opacity auto counts. */
size_t scene_kept(const struct scene_src *src, const struct scene_frame *f, scene_pos_fn pos, void *user);
/* The discs and opacity scene_build gives frame f when in_view of its points are kept. */
struct scene_lod scene_lod_of(const struct scene_frame *f, size_t in_view);

/* A sprite without its rectangle: scene_sprite's last four words, the flags' border
 * width 0 (it follows the frame's S: scene_border). */
struct scene_inst {
	uint32_t tex, size, page_flags, tint;
};

/* The instances of f's sprites, in scene_build's order: image k for k < src->n, then
 * the highlighted images again (SCENE_OUTLINE). */
size_t scene_inst_count(const struct scene_src *src, const struct scene_frame *f);
void scene_inst_build(const struct scene_src *src, const struct scene_frame *f, struct scene_inst *out);

#endif
