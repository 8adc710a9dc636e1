/*
 * idx: the IDX files of MNIST and its kin (big-endian header: magic 00 00 08 <ndims>,
 * then one uint32 per dimension, then the bytes). Only unsigned-byte IDX3 images and
 * IDX1 labels; the header is checked against the bytes really there before allocating.
 */
#include "io/load.h"

#include <stdlib.h>
#include <string.h>

/* larger sides are a corrupt header, not a data set anyone can plot */
#define IDX_MAX_SIDE 4096
#define IDX3_HEADER 16

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks the magic (00 00 08 ndims) and that the whole header is there. */
static int idx_check_header(const uint8_t *buf, size_t len, unsigned ndims, const char *what,
	const char *path, struct ap_err *err)
{
	size_t hdr = 4 + 4 * (size_t)ndims;

	if (len == 0)
		return ap_errf(err, "%s '%s': empty file", what, path);
	if (len < 4)
		return ap_errf(err, "%s '%s': not an IDX file (only %zu bytes)", what, path, len);
	if (buf[0] || buf[1])
		return ap_errf(err, "%s '%s': not an IDX file (magic %02x %02x %02x %02x, want 00 00 08 %02x)",
			what, path, buf[0], buf[1], buf[2], buf[3], ndims);
	if (buf[2] != 0x08)
		return ap_errf(err, "%s '%s': IDX data type 0x%02x is not supported (need unsigned bytes, 0x08)",
			what, path, buf[2]);
	if (buf[3] != ndims)
		return ap_errf(err, "%s '%s': IDX file has %u dimension%s, need %u (an IDX%u %s file)",
			what, path, buf[3], buf[3] == 1 ? "" : "s", ndims, ndims, what);
	if (len < hdr)
		return ap_errf(err, "%s '%s': truncated: the IDX%u header needs %zu bytes, file has %zu",
			what, path, ndims, hdr, len);
	return 0;
}

int idx_images_geometry(const uint8_t *buf, size_t len, const char *path, struct ap_imgset *out,
	struct ap_err *err)
{
	size_t have, body;
	uint32_t n, rows, cols;

	memset(out, 0, sizeof *out);
	if (idx_check_header(buf, len, 3, "images", path, err) < 0)
		return -1;
	n = be32(buf + 4);
	rows = be32(buf + 8);
	cols = be32(buf + 12);
	if (n == 0)
		return ap_errf(err, "images '%s': no images", path);
	if (rows == 0 || cols == 0 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE)
		return ap_errf(err, "images '%s': image size %ux%u is out of range (1 to %d per side)",
			path, cols, rows, IDX_MAX_SIDE);
	/* n * rows * cols < 2^56: exact in 64 bits, whatever size_t is */
	have = len - IDX3_HEADER;
	if (ap_mul_size((size_t)rows * cols, n, &body) < 0 || body > have)
		return ap_errf(err, "images '%s': truncated: header says %u images of %ux%u (%llu bytes), "
			"file has %zu bytes after the header",
			path, n, cols, rows, (unsigned long long)n * rows * cols, have);
	if (body < have)
		return ap_errf(err, "images '%s': header says %u images of %ux%u (%zu bytes), "
			"file has %zu bytes after the header (%zu extra)",
			path, n, cols, rows, body, have, have - body);
	out->n = n;
	out->w = cols;
	out->h = rows;
	out->c = 1;
	return 0;
}

int idx_parse_images(const struct load_buf *b, struct ap_imgset *out, struct ap_err *err)
{
	uint8_t *buf = b->p, *pix;
	size_t body;

	if (idx_images_geometry(buf, b->len, b->path, out, err) < 0) {
		free(buf);
		return -1;
	}
	/* the pixels are the file minus its header: keep the buffer */
	body = out->n * (size_t)out->w * out->h;
	memmove(buf, buf + IDX3_HEADER, body);
	pix = realloc(buf, body);
	out->pix = pix ? pix : buf;
	return 0;
}

int idx_parse_labels(const struct load_buf *b, int32_t **labels, size_t *n, struct ap_err *err)
{
	uint8_t *buf = b->p;
	size_t len = b->len;
	const char *path = b->path;
	size_t max = b->max_bytes ? b->max_bytes : AP_LOAD_MAX_BYTES;
	int32_t *lab;
	size_t have, count, bytes;
	int rc = -1;

	*labels = NULL;
	*n = 0;
	if (idx_check_header(buf, len, 1, "labels", path, err) < 0)
		goto out_free_buf;
	count = be32(buf + 4);
	have = len - 8;
	if (count == 0) {
		ap_errf(err, "labels '%s': no labels", path);
		goto out_free_buf;
	}
	if (count > have) {
		ap_errf(err, "labels '%s': truncated: header says %zu labels (%zu bytes), "
			"file has %zu bytes after the header", path, count, count, have);
		goto out_free_buf;
	}
	if (count < have) {
		ap_errf(err, "labels '%s': header says %zu labels (%zu bytes), "
			"file has %zu bytes after the header (%zu extra)", path, count, count, have, have - count);
		goto out_free_buf;
	}
	if (ap_mul_size(count, sizeof *lab, &bytes) < 0 || bytes > max) {
		ap_errf(err, "labels '%s': too large: %zu labels need more than the limit of %zu bytes",
			path, count, max);
		goto out_free_buf;
	}
	lab = malloc(bytes);
	if (!lab) {
		ap_errf(err, "labels '%s': out of memory for %zu labels", path, count);
		goto out_free_buf;
	}
	for (size_t i = 0; i < count; i++)
		lab[i] = buf[8 + i];
	*labels = lab;
	*n = count;
	rc = 0;
out_free_buf:
	free(buf);
	return rc;
}

int idx_load_images(const char *path, size_t max_bytes, struct ap_imgset *out, struct ap_err *err)
{
	uint8_t *buf;
	size_t len;

	memset(out, 0, sizeof *out);
	if (load_file(path, max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "images");
	return idx_parse_images(&(struct load_buf){ buf, len, path, max_bytes }, out, err);
}

int idx_load_labels(const char *path, size_t max_bytes, int32_t **labels, size_t *n, struct ap_err *err)
{
	uint8_t *buf;
	size_t len;

	*labels = NULL;
	*n = 0;
	if (load_file(path, max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "labels");
	return idx_parse_labels(&(struct load_buf){ buf, len, path, max_bytes }, labels, n, err);
}
