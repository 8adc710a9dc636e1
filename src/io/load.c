/*
 * load: images and labels from whichever file the user names, read once and told apart
 * by content (after any gunzip): NPY ("\x93NUMPY") here, IDX (00 00 ..) by idx_parse_.
 */
#include "io/load.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NPY_MAX_SIDE 4096

enum fmt { FMT_IDX, FMT_NPY, FMT_UNKNOWN };

/* Very short files go to the IDX reader, which says what is wrong with them. */
static enum fmt sniff(const uint8_t *b, size_t n)
{
	if (n >= 6 && memcmp(b, "\x93NUMPY", 6) == 0)
		return FMT_NPY;
	if (n < 4 || (b[0] == 0 && b[1] == 0))
		return FMT_IDX;
	return FMT_UNKNOWN;
}

static void shape_str(char *dst, size_t cap, const struct npy *a)
{
	size_t at = (size_t)snprintf(dst, cap, "(");

	for (int i = 0; i < a->ndim && at < cap; i++)
		at += (size_t)snprintf(dst + at, cap - at, "%s%zu", i ? ", " : "", a->shape[i]);
	if (at < cap)
		snprintf(dst + at, cap - at, a->ndim == 1 ? ",)" : ")");
}

int images_check(const struct npy *a, const char *path, struct ap_err *err)
{
	char shape[160];

	shape_str(shape, sizeof shape, a);
	if (a->descr[1] != 'u' || a->itemsize != 1)
		return ap_errf(err, "images '%s': unsupported dtype '%s' (need uint8 pixels, '|u1')", path, a->descr);
	if (!(a->ndim == 3 || (a->ndim == 4 && (a->shape[3] == 1 || a->shape[3] == 3 || a->shape[3] == 4))))
		return ap_errf(err, "images '%s': expected shape (N, H, W) or (N, H, W, C) with C 1, 3 or 4, got %s",
			path, shape);
	if (a->shape[0] == 0)
		return ap_errf(err, "images '%s': no images", path);
	if (a->shape[1] == 0 || a->shape[2] == 0 || a->shape[2] > NPY_MAX_SIDE || a->shape[1] > NPY_MAX_SIDE)
		return ap_errf(err, "images '%s': image size %zux%zu is out of range (1 to %d per side)",
			path, a->shape[2], a->shape[1], NPY_MAX_SIDE);
	return 0;
}

/* NPY uint8 images from buf, which it takes over (frees, or keeps as the pixels). */
static int npy_images(uint8_t *buf, size_t len, const char *path, struct ap_imgset *out, struct ap_err *err)
{
	uint8_t *pix;
	struct npy a;
	int rc = -1;

	if (npy_parse(buf, len, path, &a, err) < 0) {
		ap_err_subject(err, "images");
		goto out_free_buf;
	}
	if (images_check(&a, path, err))
		goto out_free_buf;
	/* the pixels are the file minus its header: keep the buffer */
	memmove(buf, a.data, a.count);
	pix = realloc(buf, a.count);
	out->pix = pix ? pix : buf;
	buf = NULL;
	out->n = a.shape[0];
	out->h = (uint32_t)a.shape[1];
	out->w = (uint32_t)a.shape[2];
	out->c = (uint32_t)(a.ndim == 4 ? a.shape[3] : 1);
	rc = 0;
out_free_buf:
	free(buf);
	return rc;
}

int load_images(const char *path, size_t max_bytes, struct ap_imgset *out, struct ap_err *err)
{
	uint8_t *buf;
	size_t len;

	memset(out, 0, sizeof *out);
	if (load_file(path, max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "images");
	switch (sniff(buf, len)) {
	case FMT_NPY:
		return npy_images(buf, len, path, out, err);
	case FMT_IDX:
		return idx_parse_images(&(struct load_buf){ buf, len, path, max_bytes }, out, err);
	default:
		ap_errf(err, "images '%s': unknown format (starts with %02x %02x %02x %02x; "
			"expected IDX3 or NPY)", path, buf[0], buf[1], buf[2], buf[3]);
		free(buf);
		return -1;
	}
}

/* ---- mapped ---- */

/* One file mapped whole (read-only), and where its pixels are. */
struct mapped {
	uint8_t *p;
	size_t len, off;
	struct ap_imgset g;          /* n, w, h, c */
};

/* path mapped, if it is a regular, uncompressed IDX3 or NPY file that load_images takes
 * (its checks, run on the mapping: only the header's page is read). */
static bool map_one(const char *path, size_t max, struct mapped *m)
{
	memset(m, 0, sizeof *m);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 8 &&
		  (unsigned long long)st.st_size <= max;
	if (ok) {
		m->len = (size_t)st.st_size;
		m->p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
		ok = m->p != MAP_FAILED;
		if (!ok)
			m->p = NULL;
	}
	close(fd);
	if (!ok)
		return false;
	struct npy a;
	switch (sniff(m->p, m->len)) {
	case FMT_NPY:
		ok = npy_parse(m->p, m->len, path, &a, NULL) == 0 && images_check(&a, path, NULL) == 0;
		if (ok) {
			m->off = (size_t)(a.data - m->p);
			m->g = (struct ap_imgset){ .n = a.shape[0], .w = (uint32_t)a.shape[2], .h = (uint32_t)a.shape[1],
						   .c = (uint32_t)(a.ndim == 4 ? a.shape[3] : 1) };
		}
		break;
	case FMT_IDX:
		ok = idx_images_geometry(m->p, m->len, path, &m->g, NULL) == 0;
		m->off = 16;
		break;
	default:
		ok = false;
	}
	if (!ok) {
		munmap(m->p, m->len);
		m->p = NULL;
	}
	return ok;
}

bool load_images_map(const char *const *paths, int n, size_t max_bytes, struct ap_imgset *out,
		     struct load_map *map)
{
	struct mapped m;
	size_t max = max_bytes ? max_bytes : AP_LOAD_MAX_BYTES, total = 0, bytes;
	struct imgset_part *part = NULL;

	memset(out, 0, sizeof *out);
	memset(map, 0, sizeof *map);
	if (n <= 0 || n > LOAD_MAP_MAX || (n > 1 && !(part = malloc((size_t)n * sizeof *part))))
		return false;
	map->part = part;
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	for (int i = 0; i < n; i++) {
		if (!map_one(paths[i], max, &m))
			goto out_unmap;
		map->addr[i] = m.p;
		map->len[i] = m.len;
		map->n = i + 1;
		if (i == 0) {
			*out = m.g;
			out->pix = m.p + m.off;
		} else if (m.g.w != out->w || m.g.h != out->h || m.g.c != out->c || total > SIZE_MAX - m.g.n) {
			goto out_unmap;
		}
		if (part)
			part[i] = (struct imgset_part){ total, m.p + m.off };
		total += m.g.n;
	}
	if (ap_mul_size(total, (size_t)out->w * out->h * out->c, &bytes) < 0)
		goto out_unmap;
	out->n = total;
	out->part = part;
	out->nparts = part ? (uint32_t)n : 0;
	return true;
out_unmap:
	load_unmap(map);
	memset(out, 0, sizeof *out);
	return false;
}

void load_unmap(struct load_map *map)
{
	for (int i = 0; i < map->n; i++)
		munmap(map->addr[i], map->len[i]);
	free(map->part);
	memset(map, 0, sizeof *map);
}

/* One little-endian integer of an NPY labels array, widened. */
static int npy_label(const struct npy *a, size_t i, const char *path, int32_t *out, struct ap_err *err)
{
	const uint8_t *p = a->data + i * a->itemsize;
	uint64_t u = 0;

	for (size_t k = 0; k < a->itemsize; k++)
		u |= (uint64_t)p[k] << (8 * k);
	if (a->descr[1] == 'i' && (p[a->itemsize - 1] & 0x80)) {
		/* sign-extend, then say how negative */
		int64_t v = (int64_t)(u | (a->itemsize < 8 ? ~(uint64_t)0 << (8 * a->itemsize) : 0));

		return ap_errf(err, "labels '%s': label at index %zu is negative (%lld)", path, i, (long long)v);
	}
	if (u > INT32_MAX)
		return ap_errf(err, "labels '%s': label at index %zu is too large (%llu, the limit is %d)",
			path, i, (unsigned long long)u, INT32_MAX);
	*out = (int32_t)u;
	return 0;
}

int labels_from_array(const struct npy *a, const char *path, size_t max_bytes, int32_t **labels, size_t *n,
	struct ap_err *err)
{
	size_t max = max_bytes ? max_bytes : AP_LOAD_MAX_BYTES, bytes;
	int32_t *lab;
	char shape[160];

	*labels = NULL;
	*n = 0;
	shape_str(shape, sizeof shape, a);
	if ((a->descr[1] != 'i' && a->descr[1] != 'u') || a->itemsize > 8)
		return ap_errf(err, "labels '%s': unsupported dtype '%s' (need an integer array)", path, a->descr);
	if (a->ndim != 1)
		return ap_errf(err, "labels '%s': expected shape (N,), got %s", path, shape);
	if (a->count == 0)
		return ap_errf(err, "labels '%s': no labels", path);
	if (ap_mul_size(a->count, sizeof *lab, &bytes) < 0 || bytes > max)
		return ap_errf(err, "labels '%s': too large: %zu labels need more than the limit of %zu bytes",
			path, a->count, max);
	lab = malloc(bytes);
	if (!lab)
		return ap_errf(err, "labels '%s': out of memory for %zu labels", path, a->count);
	for (size_t i = 0; i < a->count; i++) {
		if (npy_label(a, i, path, &lab[i], err) < 0) {
			free(lab);
			return -1;
		}
	}
	*labels = lab;
	*n = a->count;
	return 0;
}

/* NPY integer labels from buf, which it frees. */
static int npy_labels(uint8_t *buf, size_t len, const char *path, size_t max_bytes, int32_t **labels,
	size_t *n, struct ap_err *err)
{
	struct npy a;
	int rc = -1;

	if (npy_parse(buf, len, path, &a, err) < 0)
		ap_err_subject(err, "labels");
	else
		rc = labels_from_array(&a, path, max_bytes, labels, n, err);
	free(buf);
	return rc;
}

int load_labels(const char *path, size_t max_bytes, int32_t **labels, size_t *n, struct ap_err *err)
{
	uint8_t *buf;
	size_t len;

	*labels = NULL;
	*n = 0;
	if (load_file(path, max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "labels");
	switch (sniff(buf, len)) {
	case FMT_NPY:
		return npy_labels(buf, len, path, max_bytes, labels, n, err);
	case FMT_IDX:
		return idx_parse_labels(&(struct load_buf){ buf, len, path, max_bytes }, labels, n, err);
	default:
		ap_errf(err, "labels '%s': unknown format (starts with %02x %02x %02x %02x; "
			"expected IDX1 or NPY)", path, buf[0], buf[1], buf[2], buf[3]);
		free(buf);
		return -1;
	}
}
