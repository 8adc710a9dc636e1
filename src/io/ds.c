#include "io/ds.h"
#include "io/manifest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ds_add_path(const char **list, int *n, const char *path, const char *what, struct ap_err *err)
{
	if (*n >= DS_MAX_FILES)
		return ap_errf(err, "too many %s files (at most %d)", what, DS_MAX_FILES);
	list[(*n)++] = path;
	return 0;
}

static int load_all_labels(const struct ds_paths *p, int32_t **out, size_t *n, struct ap_err *err)
{
	*out = NULL;
	*n = 0;
	for (int i = 0; i < p->nlabels; i++) {
		int32_t *l;
		size_t m;
		if (load_labels(p->labels[i], p->max_bytes, &l, &m, err))
			goto out_fail;
		int32_t *all = realloc(*out, (*n + m) * sizeof *all);
		if (!all) {
			free(l);
			ap_errf(err, "labels '%s': out of memory", p->labels[i]);
			goto out_fail;
		}
		memcpy(all + *n, l, m * sizeof *l);
		free(l);
		*out = all;
		*n += m;
	}
	return 0;
out_fail:
	free(*out);
	*out = NULL;
	return -1;
}

/* A layout or labels that must have one entry per image, from files or from arrays. */
static int check_rows(const char *name, size_t rows, size_t n, struct ap_err *err)
{
	return rows == n ? 0 : ap_errf(err, "layout '%s': %zu rows, but there are %zu images", name, rows, n);
}

static int check_labels(const char *name, size_t m, size_t n, struct ap_err *err)
{
	return m == n ? 0 : ap_errf(err, "labels '%s': %zu labels, but there are %zu images", name, m, n);
}

int ds_load_layout(const char *path, size_t n, size_t max_bytes, struct ap_layout *out, struct ap_err *err)
{
	if (lay_load(path, max_bytes, out, err))
		return -1;
	if (check_rows(path, out->n, n, err)) {
		lay_free(out);
		return -1;
	}
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The image files' bytes alone decide their pixels: no options to sign. */
#define FILES_OPTS 0x6964786e7079ull

/* Whether sig knows the set of these files (then its shape is in out). A file over the
 * cap is left to the reader, whose error it is: the cap is no part of the set. */
static bool known_files(struct dsig *sig, const char *const *paths, int n, size_t max_bytes,
			struct ap_imgset *out)
{
	size_t max = max_bytes ? max_bytes : AP_LOAD_MAX_BYTES;
	for (int i = 0; sig && i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0 && (unsigned long long)st.st_size > max)
			return false;
	}
	return sig && dsig_match(sig, paths, (size_t)n, FILES_OPTS, out, NULL, NULL, NULL) == 1;
}

/* IDX/NPY files (or folders) one after the other, read and appended. */
static int read_each(const char *const *paths, int n, const struct ds_paths *p, const struct imgdir_opts *dir,
		     struct ap_imgset *out, struct ap_err *err)
{
	for (int i = 0; i < n; i++) {
		struct ap_imgset s;
		if (is_dir(paths[i]) ? imgdir_load(paths[i], dir, &s, NULL, err) : load_images(paths[i], p->max_bytes, &s, err))
			return -1;
		if (i == 0) {
			*out = s;
		} else if (imgset_append(out, &s, paths[i], err)) {
			imgset_free(&s);
			return -1;
		}
	}
	return 0;
}

/* The --images into d->imgs: files alone are one source, mapped rather than read when
 * they can be; with folders among them each argument is a source. 1 when sig is being
 * matched and does not know a source (then d may hold some shapes, to be freed). */
static int load_sources(const struct ds_paths *p, struct dsig *sig, struct ds *d, struct ap_err *err)
{
	struct imgdir_opts dir = p->dir;
	bool dirs = false;
	dir.sig = sig;
	for (int i = 0; i < p->nimages; i++)
		dirs |= is_dir(p->images[i]);
	if (!dirs) {
		if (known_files(sig, p->images, p->nimages, p->max_bytes, &d->imgs))
			return 0;
		if (sig && dsig_matching(sig))
			return 1;
		if (!load_images_map(p->images, p->nimages, p->max_bytes, &d->imgs, &d->map) &&
		    read_each(p->images, p->nimages, p, &dir, &d->imgs, err))
			return -1;
		if (sig)
			dsig_note(sig, &d->imgs, NULL);
		return 0;
	}
	for (int i = 0; i < p->nimages; i++) {
		struct ap_imgset s;
		int rc = 0;
		if (is_dir(p->images[i]))
			rc = imgdir_load(p->images[i], &dir, &s, NULL, err);
		else if (known_files(sig, &p->images[i], 1, p->max_bytes, &s))
			rc = 0;
		else if (sig && dsig_matching(sig))
			rc = 1;
		else if ((rc = load_images(p->images[i], p->max_bytes, &s, err)) == 0 && sig)
			dsig_note(sig, &s, NULL);
		if (rc)
			return rc;
		if (i == 0) {
			d->imgs = s;
		} else if (imgset_append(&d->imgs, &s, p->images[i], err)) {
			imgset_free(&s);
			return -1;
		}
	}
	return 0;
}

static int load_manifest(const struct ds_paths *p, struct dsig *sig, struct ds *d, struct ap_err *err)
{
	struct imgdir_opts dir = p->dir;
	dir.sig = sig;
	if (p->nimages || p->layout)
		return ap_errf(err, "manifest '%s': gives the images and the layout; drop --images and --layout",
			       p->manifest);
	int rc = manifest_load(p->manifest, &dir, &d->imgs, &d->lay.xy, &d->labels, err);
	if (rc)
		return rc;
	d->lay.n = d->imgs.n;
	return 0;
}

/* Labels non-negative; nclasses the largest + 1. */
static int count_classes(struct ds *d, struct ap_err *err)
{
	if (!d->labels)
		return 0;
	for (size_t i = 0; i < d->imgs.n; i++) {
		if (d->labels[i] < 0)
			return ap_errf(err, "label %d of image %zu is negative", d->labels[i], i);
		if ((int64_t)d->labels[i] + 1 > d->nclasses)
			d->nclasses = (int64_t)d->labels[i] + 1;
	}
	return 0;
}

/* ds_load with sig matching or noting the images (NULL: neither); 1 as load_sources. */
static int load(const struct ds_paths *p, struct dsig *sig, struct ds *d, struct ap_err *err)
{
	int rc;
	memset(d, 0, sizeof *d);
	if (p->manifest) {
		if ((rc = load_manifest(p, sig, d, err)))
			goto out_free;
		goto labels;
	}
	if (p->nimages == 0)
		return ap_errf(err, "no images: give --images FILE");
	if ((rc = load_sources(p, sig, d, err)))
		goto out_free;
	rc = -1;
	if (p->layout && ds_load_layout(p->layout, d->imgs.n, p->max_bytes, &d->lay, err))
		goto out_free;
labels:;
	rc = -1;
	size_t n = d->imgs.n;
	if (p->nlabels) {
		size_t m;
		free(d->labels);        /* --labels wins over a manifest's label column */
		d->labels = NULL;
		if (load_all_labels(p, &d->labels, &m, err))
			goto out_free;
		if (check_labels(p->labels[p->nlabels - 1], m, n, err))
			goto out_free;
	} else if (d->lay.label) {
		d->labels = d->lay.label;
		d->lay.label = NULL;
	}
	if (count_classes(d, err))
		goto out_free;
	d->lazy = !d->imgs.pix;
	return 0;
out_free:
	ds_free(d);
	return rc;
}

int ds_load(const struct ds_paths *p, struct ds *d, struct ap_err *err)
{
	int rc = load(p, p->sig, d, err);
	if (rc == 1) {
		/* a source the record does not know: all of them read, and noted */
		dsig_restart(p->sig);
		rc = load(p, p->sig, d, err);
	}
	return rc;
}

int ds_load_pixels(struct ds *d, const struct ds_paths *p, struct ap_err *err)
{
	if (d->imgs.pix || !d->lazy)
		return 0;
	struct ds r;
	memset(&r, 0, sizeof r);
	/* the skipped files were told when the record was matched */
	struct ds_paths q = *p;
	q.dir.on_skip = NULL;
	int rc = q.manifest ? load_manifest(&q, NULL, &r, err) : load_sources(&q, NULL, &r, err);
	if (rc == 0) {
		const struct ap_imgset *a = &d->imgs, *b = &r.imgs;
		bool same = a->n == b->n && a->w == b->w && a->h == b->h && a->c == b->c && !a->iw == !b->iw &&
			    (!a->iw || (!memcmp(a->iw, b->iw, a->n * 2) && !memcmp(a->ih, b->ih, a->n * 2)));
		if (same) {
			d->imgs.pix = r.imgs.pix;
			d->imgs.part = r.imgs.part;
			d->imgs.nparts = r.imgs.nparts;
			d->map = r.map;
			r.imgs.pix = NULL;
			r.imgs.part = NULL;
			r.map = (struct load_map){ 0 };
			d->lazy = false;
		} else {
			rc = ap_errf(err, "images '%s': changed while being read; run again",
				     p->manifest ? p->manifest : p->images[0]);
		}
	}
	ds_free(&r);
	return rc;
}

int ds_from_arrays(const struct ds_arrays *a, struct ds *d, struct ap_err *err)
{
	memset(d, 0, sizeof *d);
	if (images_check(&a->images, a->images_name, err))
		return -1;
	const struct npy *im = &a->images;
	d->imgs = (struct ap_imgset){ .n = im->shape[0], .w = (uint32_t)im->shape[2], .h = (uint32_t)im->shape[1],
				      .c = (uint32_t)(im->ndim == 4 ? im->shape[3] : 1), .pix = (uint8_t *)im->data };
	d->borrowed = true;
	size_t n = d->imgs.n;
	if (a->has_layout) {
		if (lay_from_array(&a->layout, a->layout_name, a->max_bytes, &d->lay, err))
			goto out_free;
		if (check_rows(a->layout_name, d->lay.n, n, err))
			goto out_free;
	}
	if (a->has_labels) {
		size_t m;
		if (labels_from_array(&a->labels, a->labels_name, a->max_bytes, &d->labels, &m, err))
			goto out_free;
		if (check_labels(a->labels_name, m, n, err))
			goto out_free;
	}
	if (count_classes(d, err))
		goto out_free;
	return 0;
out_free:
	ds_free(d);
	return -1;
}

void ds_drop_pixels(struct ds *d)
{
	if (!d->borrowed && !d->map.n)
		free(d->imgs.pix);
	load_unmap(&d->map);
	d->imgs.pix = NULL;
	d->imgs.part = NULL;
	d->imgs.nparts = 0;
}

void ds_free(struct ds *d)
{
	ds_drop_pixels(d);
	imgset_free(&d->imgs);
	free(d->labels);
	lay_free(&d->lay);
	memset(d, 0, sizeof *d);
}
