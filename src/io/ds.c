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

static int load_manifest(const struct ds_paths *p, struct ds *d, struct ap_err *err)
{
	if (p->nimages || p->layout)
		return ap_errf(err, "manifest '%s': gives the images and the layout; drop --images and --layout",
			       p->manifest);
	if (manifest_load(p->manifest, &p->dir, &d->imgs, &d->lay.xy, &d->labels, err))
		return -1;
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

int ds_load(const struct ds_paths *p, struct ds *d, struct ap_err *err)
{
	memset(d, 0, sizeof *d);
	if (p->manifest) {
		if (load_manifest(p, d, err))
			goto out_free;
		goto labels;
	}
	if (p->nimages == 0)
		return ap_errf(err, "no images: give --images FILE");
	bool dirs = false;
	for (int i = 0; i < p->nimages; i++)
		dirs |= is_dir(p->images[i]);
	/* IDX and NPY files are mapped, not read; anything else, or any doubt, is read */
	int first = !dirs && load_images_map(p->images, p->nimages, p->max_bytes, &d->imgs, &d->map) ? p->nimages : 0;
	for (int i = first; i < p->nimages; i++) {
		struct ap_imgset s;
		int rc = is_dir(p->images[i]) ? imgdir_load(p->images[i], &p->dir, &s, NULL, err)
					      : load_images(p->images[i], p->max_bytes, &s, err);
		if (rc)
			goto out_free;
		if (i == 0) {
			d->imgs = s;
		} else if (imgset_append(&d->imgs, &s, p->images[i], err)) {
			imgset_free(&s);
			goto out_free;
		}
	}
	if (p->layout && ds_load_layout(p->layout, d->imgs.n, p->max_bytes, &d->lay, err))
		goto out_free;
labels:;
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
	return 0;
out_free:
	ds_free(d);
	return -1;
}

int ds_from_arrays(const struct ds_arrays *a, struct ds *d, struct ap_err *err)
{
	memset(d, 0, sizeof *d);
	if (images_check(&a->images, a->images_name, err))
		return -1;
	const struct npy *im = &a->images;
	d->imgs = (struct ap_imgset){ im->shape[0], (uint32_t)im->shape[2], (uint32_t)im->shape[1],
				      (uint32_t)(im->ndim == 4 ? im->shape[3] : 1), (uint8_t *)im->data, NULL, NULL };
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
	if (!d->borrowed && !d->map.addr)
		free(d->imgs.pix);
	load_unmap(&d->map);
	d->imgs.pix = NULL;
}

void ds_free(struct ds *d)
{
	ds_drop_pixels(d);
	imgset_free(&d->imgs);
	free(d->labels);
	lay_free(&d->lay);
	memset(d, 0, sizeof *d);
}
