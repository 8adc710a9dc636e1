#include "core/scene.h"

#include "base/fnum.h"
#include "base/grow.h"
#include "core/dots.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPAN_MAX (1L << 30)

int scene_src_init(struct scene_src *src, const struct atlas *a, const struct ap_imgset *s,
		   uint32_t pages_per_group, struct ap_err *err)
{
	memset(src, 0, sizeof *src);
	src->n = s->n;
	src->tex = malloc(s->n * sizeof *src->tex);
	src->size = malloc(s->n * sizeof *src->size);
	src->page = malloc(s->n * sizeof *src->page);
	if (!src->tex || !src->size || !src->page) {
		scene_src_free(src);
		return ap_errf(err, "scene: out of memory for %zu sprites", s->n);
	}
	for (size_t i = 0; i < s->n; i++) {
		uint32_t page, x, y;
		atlas_place(a, i, &page, &x, &y);
		src->tex[i] = x | y << 16;
		src->size[i] = imgset_iw(s, i) | imgset_ih(s, i) << 16;
		src->page[i] = page;
	}
	src->pages_per_group = pages_per_group ? pages_per_group : UINT32_MAX;
	return 0;
}

void scene_src_free(struct scene_src *src)
{
	free(src->tex);
	free(src->size);
	free(src->page);
	memset(src, 0, sizeof *src);
}

void scene_out_free(struct scene_out *o)
{
	free(o->sprites);
	free(o->index);
	free(o->offsets);
	free(o->batches);
	free(o->counts);
	free(o->range);
	memset(o, 0, sizeof *o);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem, struct ap_err *err)
{
	if (ap_grow(p, cap, need, elem))
		return ap_errf(err, "scene: out of memory (%zu elements of %zu bytes for one frame's sprite lists)",
			       need, elem);
	return 0;
}

#define GROW(ptr, cap, need, err) grow((void **)&(ptr), &(cap), (need), sizeof *(ptr), (err))

/* The pixel columns whose centres lie in [a, b): first and one past last; far outside
 * the frame (or NaN) clamped to ±2^30, which culls the same. */
static void pixel_span(double a, double b, long *i0, long *i1)
{
	*i0 = fnum_long(ceil(a - 0.5), -SPAN_MAX, SPAN_MAX);
	*i1 = fnum_long(ceil(b - 0.5), -SPAN_MAX, SPAN_MAX);
}

/* Image i's sprite of side S centred at pixel (px, py) with flags, and its tile range
 * r (tile x0, y0, x1, y1, inclusive; NULL: not wanted): false when it is culled. */
static bool place(const struct scene_src *src, const struct scene_frame *f, size_t i, double px, double py, double S,
		  uint32_t flags, struct scene_sprite *out, int32_t r[4])
{
	uint32_t iw = src->size[i] & 0xffff, ih = src->size[i] >> 16;
	S = fnum_clamp(S, 0, CAM_SPRITE_LIMIT);   /* what cam_sprite_size gives; callers may not */
	struct cam_rect rc = cam_sprite_rect(px, py, S, (int)iw, (int)ih);
	*out = (struct scene_sprite){
		.x0 = (float)rc.x0, .y0 = (float)rc.y0, .x1 = (float)(rc.x0 + rc.w), .y1 = (float)(rc.y0 + rc.h),
		.tex = src->tex[i], .size = src->size[i],
		.page_flags = src->page[i] | flags << 16,
		.tint = f->tint ? f->tint[i] : 0xffffffffu,
	};
	long ix0, ix1, iy0, iy1;
	pixel_span(out->x0, out->x1, &ix0, &ix1);
	pixel_span(out->y0, out->y1, &iy0, &iy1);
	/* one pixel of slack either way: the shader decides exactly, in float */
	ix0--, iy0--, ix1++, iy1++;
	if (ix0 < 0) ix0 = 0;
	if (iy0 < 0) iy0 = 0;
	if (ix1 > f->w) ix1 = f->w;
	if (iy1 > f->h) iy1 = f->h;
	if (!(rc.w > 0 && rc.h > 0) || ix0 >= ix1 || iy0 >= iy1 || !isfinite(rc.x0) || !isfinite(rc.y0))
		return false;
	if (!r)
		return true;
	r[0] = (int32_t)(ix0 / SCENE_TILE);
	r[1] = (int32_t)(iy0 / SCENE_TILE);
	r[2] = (int32_t)((ix1 - 1) / SCENE_TILE);
	r[3] = (int32_t)((iy1 - 1) / SCENE_TILE);
	return true;
}

/* Append one sprite; culled ones are not added. Returns 1 if added. */
static int add_sprite(const struct scene_src *src, const struct scene_frame *f, struct scene_out *o,
		      size_t i, double px, double py, double S, uint32_t flags)
{
	size_t k = o->nsprites;
	/* a frame of sprites only is not binned: no tile ranges */
	if (!place(src, f, i, px, py, S, flags, &o->sprites[k], f->sprites_only ? NULL : o->range + 4 * k)) {
		o->culled++;
		return 0;
	}
	o->nsprites++;
	return 1;
}

static size_t entries_of(const int32_t *r)
{
	return (size_t)(r[2] - r[0] + 1) * (size_t)(r[3] - r[1] + 1);
}

/* Counting sort of one batch's sprites into tiles, topmost first. */
static int bin_batch(struct scene_out *o, struct scene_batch *b, size_t tiles, struct ap_err *err)
{
	size_t total = 0;
	for (size_t k = b->first; k < b->first + b->count; k++)
		total += entries_of(o->range + 4 * k);
	if (GROW(o->index, o->cap_index, o->nindex + total, err) ||
	    GROW(o->offsets, o->cap_offsets, b->off + tiles + 1, err) ||
	    GROW(o->counts, o->cap_counts, tiles, err))
		return -1;
	uint32_t *cnt = o->counts;
	memset(cnt, 0, tiles * sizeof *cnt);
	for (size_t k = b->first; k < b->first + b->count; k++) {
		const int32_t *r = o->range + 4 * k;
		for (int32_t ty = r[1]; ty <= r[3]; ty++)
			for (int32_t tx = r[0]; tx <= r[2]; tx++)
				cnt[(size_t)ty * o->tiles_x + (size_t)tx]++;
	}
	uint32_t *off = o->offsets + b->off;
	uint32_t acc = (uint32_t)o->nindex;
	for (size_t t = 0; t < tiles; t++) {
		off[t] = acc;
		acc += cnt[t];
		cnt[t] = off[t];
	}
	off[tiles] = acc;
	for (size_t k = b->first + b->count; k-- > b->first;) {
		const int32_t *r = o->range + 4 * k;
		for (int32_t ty = r[1]; ty <= r[3]; ty++)
			for (int32_t tx = r[0]; tx <= r[2]; tx++)
				o->index[cnt[(size_t)ty * o->tiles_x + (size_t)tx]++] = (uint32_t)k;
	}
	o->nindex = acc;
	return 0;
}

struct scene_lod scene_lod_of(const struct scene_frame *f, size_t in_view)
{
	const struct scene_dots *d = &f->dots;
	double S = fnum_clamp(f->sprite, 0, CAM_SPRITE_LIMIT);   /* as add_sprite has it */
	double w = dots_weight(S, d->below, d->fade);
	double a = d->opacity_auto ? dots_opacity(f->w, f->h, in_view, S, d->coverage > 0 ? d->coverage
										      : DOTS_OPACITY_COVERAGE)
		   : d->opacity > 0 ? fnum_clamp(d->opacity, DOTS_OPACITY_MIN, 1) : 1;
	struct scene_lod lod = {
		.radius = (float)(S / 2), .dot_alpha = (float)(w * a),
		.img_alpha = (float)((1 - w) * (d->image_opacity ? a : 1)), .weight = w, .opacity = a,
	};
	lod.on = w > 0 || lod.img_alpha < 1;
	return lod;
}

/* The frame's discs and opacity; the sprites in view flagged when they are not drawn as
 * plain images. */
static void set_lod(const struct scene_frame *f, struct scene_out *o)
{
	o->lod = scene_lod_of(f, o->nbase);
	if (o->lod.on)
		for (size_t k = 0; k < o->nbase; k++)
			o->sprites[k].page_flags |= (uint32_t)SCENE_DOT << 16;
}

int scene_build(const struct scene_src *src, const double *xy, const struct scene_frame *f,
		struct scene_out *o, struct ap_err *err)
{
	size_t cap = src->n + f->nhighlight;
	if (GROW(o->sprites, o->cap_sprites, cap, err))
		return -1;
	if (GROW(o->range, o->cap_range, 4 * cap, err))
		return -1;
	o->nsprites = o->nindex = o->nbatches = o->culled = 0;
	o->no_prescale = f->no_prescale;
	o->tiles_x = (uint32_t)((f->w + SCENE_TILE - 1) / SCENE_TILE);
	o->tiles_y = (uint32_t)((f->h + SCENE_TILE - 1) / SCENE_TILE);
	size_t tiles = (size_t)o->tiles_x * o->tiles_y;

	double s = f->s0 * f->cam.zoom;
	double hx = f->w / 2.0 - f->cam.cx * s, hy = f->h / 2.0 + f->cam.cy * s;
	uint32_t frame = scene_frame_flags(f);
	for (size_t i = 0; i < src->n; i++)
		add_sprite(src, f, o, i, hx + xy[2 * i] * s, hy - xy[2 * i + 1] * s, f->sprite, frame);
	o->nbase = o->nsprites;
	set_lod(f, o);
	double HS = scene_highlight_side(f);
	uint32_t outline = SCENE_OUTLINE | scene_border(HS) << 8;
	for (size_t j = 0; j < f->nhighlight; j++) {
		size_t i = f->highlight[j];
		add_sprite(src, f, o, i, hx + xy[2 * i] * s, hy - xy[2 * i + 1] * s, HS, outline);
	}

	if (f->sprites_only)
		return 0;
	/* Cut into batches: one texture array's pages, and a bounded list size. */
	size_t max_entries = f->max_entries ? f->max_entries : SCENE_DEFAULT_MAX_ENTRIES;
	size_t k = 0;
	do {
		if (GROW(o->batches, o->cap_batches, o->nbatches + 1, err))
			return -1;
		struct scene_batch *b = &o->batches[o->nbatches];
		b->first = k;
		b->count = 0;
		b->group = k < o->nsprites ? (o->sprites[k].page_flags & 0xffff) / src->pages_per_group : 0;
		b->off = o->nbatches * (tiles + 1);
		size_t entries = 0;
		while (k < o->nsprites) {
			uint32_t g = (o->sprites[k].page_flags & 0xffff) / src->pages_per_group;
			size_t e = entries_of(o->range + 4 * k);
			if (g != b->group || (b->count && entries + e > max_entries))
				break;
			entries += e;
			b->count++;
			k++;
		}
		o->nbatches++;
		if (bin_batch(o, b, tiles, err))
			return -1;
	} while (k < o->nsprites);
	return 0;
}

uint32_t scene_border(double S)
{
	return fnum_u32(floor(S / 16 + 0.5), 1, 255);
}

uint32_t scene_frame_flags(const struct scene_frame *f)
{
	return f->tint && f->tint_as_frame ? SCENE_FRAME | scene_border(f->sprite) << 8 : 0;
}

double scene_highlight_side(const struct scene_frame *f)
{
	double hs = f->highlight_scale > 0 ? f->highlight_scale : SCENE_DEFAULT_HIGHLIGHT_SCALE;
	return fnum_clamp(f->sprite * hs, 0, CAM_SPRITE_LIMIT);
}

bool scene_first(const struct scene_src *src, const struct scene_frame *f, scene_pos_fn pos, void *user,
		 struct scene_sprite *out)
{
	double s = f->s0 * f->cam.zoom;
	double hx = f->w / 2.0 - f->cam.cx * s, hy = f->h / 2.0 + f->cam.cy * s;
	double HS = scene_highlight_side(f);
	uint32_t frame = scene_frame_flags(f), outline = SCENE_OUTLINE | scene_border(HS) << 8;
	for (size_t k = 0; k < src->n + f->nhighlight; k++) {
		bool hl = k >= src->n;
		size_t i = hl ? f->highlight[k - src->n] : k;
		double xy[2];
		pos(user, i, xy);
		if (place(src, f, i, hx + xy[0] * s, hy - xy[1] * s, hl ? HS : f->sprite, hl ? outline : frame, out, NULL))
			return true;
	}
	return false;
}

size_t scene_kept(const struct scene_src *src, const struct scene_frame *f, scene_pos_fn pos, void *user)
{
	double s = f->s0 * f->cam.zoom;
	double hx = f->w / 2.0 - f->cam.cx * s, hy = f->h / 2.0 + f->cam.cy * s;
	uint32_t frame = scene_frame_flags(f);
	size_t kept = 0;
	for (size_t i = 0; i < src->n; i++) {
		double xy[2];
		struct scene_sprite sp;
		pos(user, i, xy);
		kept += place(src, f, i, hx + xy[0] * s, hy - xy[1] * s, f->sprite, frame, &sp, NULL);
	}
	return kept;
}

size_t scene_inst_count(const struct scene_src *src, const struct scene_frame *f)
{
	return src->n + f->nhighlight;
}

void scene_inst_build(const struct scene_src *src, const struct scene_frame *f, struct scene_inst *out)
{
	uint32_t frame = f->tint && f->tint_as_frame ? SCENE_FRAME : 0;
	for (size_t k = 0; k < src->n + f->nhighlight; k++) {
		size_t i = k < src->n ? k : f->highlight[k - src->n];
		out[k] = (struct scene_inst){
			.tex = src->tex[i], .size = src->size[i],
			.page_flags = src->page[i] | (k < src->n ? frame : SCENE_OUTLINE) << 16,
			.tint = f->tint ? f->tint[i] : 0xffffffffu,
		};
	}
}

bool scene_sprite_key(const struct scene_sprite *s0, const struct atlas *a, struct presc_key *key)
{
	return presc_choose(scene_scale_x(s0), scene_scale_y(s0), a, key);
}

bool scene_prescale_key(const struct scene_out *sc, const struct atlas *a, struct presc_key *key)
{
	if (!sc->nsprites || sc->no_prescale || (sc->lod.on && !(sc->lod.img_alpha > 0)))
		return false;
	return scene_sprite_key(&sc->sprites[0], a, key);
}
