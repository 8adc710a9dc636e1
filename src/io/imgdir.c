/*
 * imgdir: a list of PNG/JPEG files -> one imgset of cell-sized images, and the folder
 * front end. Every file is decoded and scaled (imgdec) into a cell×cell RGBA slot of one
 * working buffer as it is read; at the end the slots are packed, in place, to the final
 * slot size and channel count.
 */
#include "io/imgdir.h"

#include "base/hash.h"
#include "io/dirlist.h"
#include "io/imgdec.h"
#include "io/load.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sys_err(struct ap_err *err, const char *what, const char *path, const char *doing, int e)
{
	char why[128];

	snprintf(why, sizeof why, "%s", strerror(e));
	why[0] = (char)tolower((unsigned char)why[0]);
	return ap_errf(err, "%s '%s': %s: %s", what, path, doing, why);
}

/* Move image i's RGBA from its cell×cell slot to the final w×h×c slot, in place:
 * every byte moves down or stays, and images go in order, so nothing unread is hit. */
static void pack(uint8_t *pix, size_t n, uint32_t cell, uint32_t w, uint32_t h, uint32_t c,
	const uint16_t *iw, const uint16_t *ih)
{
	size_t from = (size_t)cell * cell * 4, to = (size_t)w * h * c;

	for (size_t i = 0; i < n; i++) {
		for (uint32_t y = 0; y < h; y++) {
			const uint8_t *s = pix + i * from + (size_t)y * cell * 4;
			uint8_t *d = pix + i * to + (size_t)y * w * c;

			for (uint32_t x = 0; x < w; x++, s += 4, d += c) {
				uint8_t px[4] = { 0, 0, 0, 0 };

				if (x < iw[i] && y < ih[i])
					memcpy(px, s, 4);
				for (uint32_t k = 0; k < c; k++)
					d[k] = px[k];
			}
		}
	}
}

/* Does the ow×oh image at slot (stride cell*4) have alpha below 255, or colour? */
static void scan(const uint8_t *slot, uint32_t cell, uint32_t ow, uint32_t oh, int *alpha, int *colour)
{
	for (uint32_t y = 0; y < oh; y++) {
		const uint8_t *p = slot + (size_t)y * cell * 4;

		for (uint32_t x = 0; x < ow; x++, p += 4) {
			*alpha |= p[3] != 255;
			*colour |= p[0] != p[1] || p[1] != p[2];
		}
	}
}

/*
 * The cell the slots need, from the files' headers before any decoding: the longest
 * scaled side, which is o->cell unless every image is smaller (images are never
 * upscaled, so a smaller cell that still holds each image whole scales none of them
 * differently). A file whose header cannot tell counts as o->cell. The first file
 * whose header's size is refused gives -1 with err set, for the caller to fail with
 * before any file is decoded (under IMGDIR_SKIP decoding leaves it out, as before);
 * *cell is set either way.
 */
static int plan_cell(struct imgdir_batch *b, const struct imgdir_opts *o, uint32_t *cell, struct ap_err *err)
{
	struct ap_err e;

	int rc = 0;

	*cell = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t w, h, side;

		if (imgdec_probe(b->paths[i], o->max_bytes, &w, &h, &e) < 0) {
			*cell = o->cell;
			if (o->on_bad == IMGDIR_SKIP || rc)
				continue;
			if (b->lines)
				ap_err_prefix(&e, "manifest '%s' line %zu", b->src, b->lines[i]);
			if (err)
				*err = e;
			rc = -1;
			continue;
		}
		side = !w ? o->cell : w > h ? w : h;
		if (side > o->cell)
			side = o->cell;
		if (side > *cell)
			*cell = side;
	}
	if (!*cell)
		*cell = o->cell;
	return rc;
}

static int decode_batch(struct imgdir_batch *b, const struct imgdir_opts *ro, struct ap_imgset *out,
	struct ap_err *err);

/* The options that change the set the same files give, for the signature. */
static uint64_t sig_opts(const struct imgdir_opts *o)
{
	uint64_t v[4] = { o->cell, (uint64_t)o->on_bad, o->max_bytes, imgdec_version() };
	return hash64(v, sizeof v, 0x696d67646972ull);
}

struct replay {
	const struct imgdir_batch *b;
	const struct imgdir_opts *o;
};

/* A known set's files left out, told as decoding them told it. */
static void replay_skip(void *user, size_t i, const char *msg)
{
	const struct replay *r = user;
	if (r->o->on_skip)
		r->o->on_skip(r->o->user, r->b->paths[i], msg);
}

int imgdir_batch_load(struct imgdir_batch *b, const struct imgdir_opts *ro, struct ap_imgset *out,
	struct ap_err *err)
{
	if (ro->sig) {
		struct replay r = { b, ro };
		if (dsig_match(ro->sig, (const char *const *)b->paths, b->n, sig_opts(ro), out, b->kept, replay_skip,
			       &r) == 1)
			return 0;
		if (dsig_matching(ro->sig))
			return 1;
	}
	return decode_batch(b, ro, out, err);
}

static int decode_batch(struct imgdir_batch *b, const struct imgdir_opts *ro, struct ap_imgset *out,
	struct ap_err *err)
{
	struct imgdir_opts planned = *ro, *o = &planned;
	size_t slot, bytes, k = 0, fit;
	uint32_t w = 0, h = 0, c;
	int alpha = 0, colour = 0;
	struct imgscale_srgb *t = NULL;
	uint16_t *iw = NULL, *ih = NULL;
	uint8_t *pix = NULL;
	struct ap_err e, refused;

	/* the working set first, then any one file's size: both before decoding */
	int planned_rc = plan_cell(b, ro, &o->cell, &refused);
	slot = (size_t)o->cell * o->cell * 4;
	if (ap_mul_size(b->n, slot, &bytes) < 0 || bytes > o->max_bytes)
		return ap_errf(err, "%s '%s': too large: %zu images in %ux%u cells need more than the limit of %zu bytes",
			b->what, b->src, b->n, o->cell, o->cell, o->max_bytes);
	if (planned_rc < 0) {
		if (err)
			*err = refused;
		return -1;
	}
	t = malloc(sizeof *t);
	iw = malloc(b->n * sizeof *iw);
	ih = malloc(b->n * sizeof *ih);
	pix = malloc(bytes);
	if (!t || !iw || !ih || !pix) {
		ap_errf(err, "%s '%s': out of memory for %zu images in %ux%u cells", b->what, b->src, b->n,
			o->cell, o->cell);
		goto out_free;
	}
	imgscale_srgb_init(t);
	for (size_t i = 0; i < b->n; i++) {
		struct imgdec_slot d = { .t = t, .cell = o->cell, .max = o->max_bytes, .dst = pix + k * slot };

		b->kept[i] = 0;
		if (imgdec_file(b->paths[i], &d, &e) < 0) {
			if (b->lines)
				ap_err_prefix(&e, "manifest '%s' line %zu", b->src, b->lines[i]);
			if (o->on_bad != IMGDIR_SKIP) {
				if (err)
					*err = e;
				goto out_free;
			}
			if (o->on_skip)
				o->on_skip(o->user, b->paths[i], e.msg);
			if (o->sig)
				dsig_skip(o->sig, i, e.msg);
			continue;
		}
		scan(d.dst, o->cell, d.ow, d.oh, &alpha, &colour);
		iw[k] = (uint16_t)d.ow;
		ih[k] = (uint16_t)d.oh;
		w = d.ow > w ? d.ow : w;
		h = d.oh > h ? d.oh : h;
		b->kept[i] = 1;
		k++;
	}
	if (k == 0) {
		ap_errf(err, "%s '%s': none of the %zu images could be read (skipped)", b->what, b->src, b->n);
		goto out_free;
	}
	c = alpha ? 4 : colour ? 3 : 1;
	pack(pix, k, o->cell, w, h, c, iw, ih);
	fit = k * w * h * c;
	out->pix = realloc(pix, fit);
	if (!out->pix)
		out->pix = pix;
	out->n = k;
	out->w = w;
	out->h = h;
	out->c = c;
	out->iw = iw;
	out->ih = ih;
	free(t);
	if (o->sig)
		dsig_note(o->sig, out, b->kept);
	return 0;

out_free:
	free(pix);
	free(ih);
	free(iw);
	free(t);
	return -1;
}

/* Zero fields of o filled with their defaults; the cell checked. */
int imgdir_opts_resolve(const struct imgdir_opts *o, struct imgdir_opts *r, const char *what, const char *src,
	struct ap_err *err)
{
	struct imgdir_opts zero = { 0 };

	*r = o ? *o : zero;
	if (!r->cell)
		r->cell = IMGDIR_CELL_DEFAULT;
	if (!r->max_bytes)
		r->max_bytes = AP_LOAD_MAX_BYTES;
	if (r->cell > IMGDIR_CELL_MAX)
		return ap_errf(err, "%s '%s': cell size %u is too large (at most %u)", what, src, r->cell,
			IMGDIR_CELL_MAX);
	return 0;
}

/* ---- folders ---- */

void imgdir_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names of the image files in dir, sorted; dirlist's codes in imgdir's words. */
static int list_dir(const char *dir, char ***names_out, size_t *n_out, struct ap_err *err)
{
	static const char *const exts[] = { ".png", ".jpg", ".jpeg", NULL };
	struct dirlist l;
	int rc = dirlist_read(dir, exts, &l);

	if (rc == DIRLIST_OPEN)
		return sys_err(err, "images", dir, "cannot open folder", l.sys_errno);
	if (rc == DIRLIST_READ)
		return sys_err(err, "images", dir, "cannot read folder", l.sys_errno);
	if (rc == DIRLIST_BROKEN_LINK) {
		char *path = dirlist_join(dir, l.bad);

		rc = path ? sys_err(err, "images", path, "broken link", l.sys_errno)
			  : ap_errf(err, "images '%s': out of memory listing the folder", dir);
		free(path);
		dirlist_free(&l);
		return rc;
	}
	if (rc < 0)
		return ap_errf(err, "images '%s': out of memory listing the folder", dir);
	if (l.n == 0) {
		dirlist_free(&l);
		return ap_errf(err, "images '%s': no PNG or JPEG files", dir);
	}
	*names_out = l.name;
	*n_out = l.n;
	return 0;
}

int imgdir_load(const char *dir, const struct imgdir_opts *o, struct ap_imgset *out, char ***names_out,
	struct ap_err *err)
{
	struct imgdir_opts opts;
	struct imgdir_batch b = { .what = "images", .src = dir };
	char **names = NULL;
	size_t n = 0, k = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (names_out)
		*names_out = NULL;
	if (imgdir_opts_resolve(o, &opts, "images", dir, err) < 0)
		return -1;
	if (list_dir(dir, &names, &n, err) < 0)
		return -1;
	b.n = n;
	b.paths = calloc(n, sizeof *b.paths);
	b.kept = malloc(n);
	if (!b.paths || !b.kept)
		goto out_oom;
	for (size_t i = 0; i < n; i++)
		if (!(b.paths[i] = dirlist_join(dir, names[i])))
			goto out_oom;
	if ((rc = imgdir_batch_load(&b, &opts, out, err)) != 0)
		goto out_free;
	/* the names of the images kept, in place */
	for (size_t i = 0; i < n; i++) {
		if (b.kept[i])
			names[k++] = names[i];
		else
			free(names[i]);
	}
	n = k;
	if (names_out) {
		*names_out = names;
		names = NULL;
	}
	rc = 0;
	goto out_free;

out_oom:
	ap_errf(err, "images '%s': out of memory", dir);
out_free:
	imgdir_names_free(b.paths, b.paths ? b.n : 0);
	free(b.kept);
	imgdir_names_free(names, n);
	return rc;
}

