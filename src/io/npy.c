/*
 * npy: the NumPy .npy header (magic "\x93NUMPY", version, length, then a Python dict
 * literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (70000, 2), }).
 * Parses only what np.save writes; says what the array is and where its bytes are,
 * and leaves it to the caller to decide whether that dtype and shape will do.
 */
#include "io/load.h"

#include <stdio.h>
#include <string.h>

#define NPY_MAX_DIMS 32

struct hdr {
	const char *p, *end;
};

static void skip_ws(struct hdr *h)
{
	while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r'))
		h->p++;
}

static int eat(struct hdr *h, char c)
{
	skip_ws(h);
	if (h->p < h->end && *h->p == c) {
		h->p++;
		return 1;
	}
	return 0;
}

/* A quoted string into dst (NUL-terminated, cut to cap - 1); *n gets its full length. */
static int parse_str(struct hdr *h, char *dst, size_t cap, size_t *n)
{
	const char *s;
	char q;

	skip_ws(h);
	if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
		return -1;
	q = *h->p++;
	s = h->p;
	while (h->p < h->end && *h->p != q)
		h->p++;
	if (h->p >= h->end)
		return -1;
	*n = (size_t)(h->p - s);
	snprintf(dst, cap, "%.*s", (int)(*n < cap ? *n : cap - 1), s);
	/* it may end up quoted in a one-line message */
	for (char *c = dst; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	h->p++;
	return 0;
}

static int parse_bool(struct hdr *h, int *v)
{
	skip_ws(h);
	if (h->end - h->p >= 4 && memcmp(h->p, "True", 4) == 0) {
		h->p += 4;
		*v = 1;
		return 0;
	}
	if (h->end - h->p >= 5 && memcmp(h->p, "False", 5) == 0) {
		h->p += 5;
		*v = 0;
		return 0;
	}
	return -1;
}

/* (), (7,), (7, 28, 28) -- with Python 2's 7L allowed. */
static int parse_shape(struct hdr *h, size_t *dims, int *ndim)
{
	*ndim = 0;
	if (!eat(h, '('))
		return -1;
	for (;;) {
		size_t v = 0;

		if (eat(h, ')'))
			return 0;
		skip_ws(h);
		if (h->p >= h->end || *h->p < '0' || *h->p > '9' || *ndim == NPY_MAX_DIMS)
			return -1;
		while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
			unsigned d = (unsigned)(*h->p++ - '0');

			if (v > (SIZE_MAX - d) / 10)
				return -1;
			v = v * 10 + d;
		}
		if (h->p < h->end && *h->p == 'L')
			h->p++;
		dims[(*ndim)++] = v;
		if (eat(h, ','))
			continue;
		return eat(h, ')') ? 0 : -1;
	}
}

/* "(70000, 2)", as NumPy writes shapes. */
static void shape_str(char *dst, size_t cap, const size_t *dims, int ndim)
{
	size_t at = 0;

	at += (size_t)snprintf(dst, cap, "(");
	for (int i = 0; i < ndim && at < cap; i++)
		at += (size_t)snprintf(dst + at, cap - at, "%s%zu", i ? ", " : "", dims[i]);
	if (at < cap)
		snprintf(dst + at, cap - at, ndim == 1 ? ",)" : ")");
}

/* Item size of a plain number dtype ("<f4", "|u1", "<i8", "|b1", "<c16"), else 0. */
static size_t dtype_size(const char *d)
{
	size_t size = 0;
	const char *p = d + 2;

	if (!d[0] || !strchr("<>|=", d[0]) || !d[1] || !strchr("biufc", d[1]))
		return 0;
	if (*p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		size = size * 10 + (size_t)(*p++ - '0');
	if (*p)
		return 0;
	switch (size) {
	case 1: case 2: case 4: case 8: case 16:
		return size;
	default:
		return 0;
	}
}

static int bad_header(struct ap_err *err, const char *path, const char *why)
{
	return ap_errf(err, "'%s': bad NPY header (%s)", path, why);
}

/* The header dict; descr, fortran and shape are filled in. */
static int parse_dict(struct hdr *h, const char *path, char *descr, size_t descr_cap, int *fortran,
	size_t *dims, int *ndim, struct ap_err *err)
{
	int seen_descr = 0, seen_fortran = 0, seen_shape = 0;

	if (!eat(h, '{'))
		return bad_header(err, path, "expected '{'");
	while (!eat(h, '}')) {
		char key[32];
		size_t n;

		if (parse_str(h, key, sizeof key, &n) < 0)
			return bad_header(err, path, "expected a quoted key");
		if (!eat(h, ':'))
			return bad_header(err, path, "expected ':' after a key");
		if (strcmp(key, "descr") == 0) {
			skip_ws(h);
			if (h->p < h->end && *h->p == '[')
				return ap_errf(err, "'%s': structured dtypes are not supported", path);
			if (parse_str(h, descr, descr_cap, &n) < 0)
				return bad_header(err, path, "'descr' is not a string");
			seen_descr = 1;
		} else if (strcmp(key, "fortran_order") == 0) {
			if (parse_bool(h, fortran) < 0)
				return bad_header(err, path, "'fortran_order' is not True or False");
			seen_fortran = 1;
		} else if (strcmp(key, "shape") == 0) {
			if (parse_shape(h, dims, ndim) < 0)
				return bad_header(err, path, "'shape' is not a tuple of integers");
			seen_shape = 1;
		} else {
			return ap_errf(err, "'%s': bad NPY header (unknown key '%s')", path, key);
		}
		if (!eat(h, ',')) {
			if (!eat(h, '}'))
				return bad_header(err, path, "expected ',' or '}'");
			break;
		}
	}
	if (!seen_descr)
		return bad_header(err, path, "no 'descr'");
	if (!seen_fortran)
		return bad_header(err, path, "no 'fortran_order'");
	if (!seen_shape)
		return bad_header(err, path, "no 'shape'");
	return 0;
}

/* npy_parse up to the data: out filled but for data, *end = where the data start and
 * *bytes = how many the header says there are. */
static int parse_head(const uint8_t *buf, size_t len, const char *path, struct npy *out, size_t *end,
	size_t *bytes_out, struct ap_err *err)
{
	char descr[32], shape[160];
	size_t dims[NPY_MAX_DIMS], start, hlen, count = 1, bytes;
	int fortran = 0, ndim = 0;
	unsigned major;
	struct hdr h;

	memset(out, 0, sizeof *out);
	if (len == 0)
		return ap_errf(err, "'%s': empty file", path);
	if (len < 8 || memcmp(buf, "\x93NUMPY", 6) != 0)
		return ap_errf(err, "'%s': not an NPY file (bad magic)", path);
	major = buf[6];
	if (major < 1 || major > 3)
		return ap_errf(err, "'%s': unsupported NPY version %u.%u", path, buf[6], buf[7]);
	start = major == 1 ? 10 : 12;
	if (len < start)
		return bad_header(err, path, "truncated");
	hlen = major == 1 ? (size_t)buf[8] | (size_t)buf[9] << 8
		: (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
	if (hlen > len - start)
		return ap_errf(err, "'%s': bad NPY header (truncated: says %zu bytes, file has %zu)",
			path, hlen, len - start);
	h.p = (const char *)buf + start;
	h.end = h.p + hlen;
	if (parse_dict(&h, path, descr, sizeof descr, &fortran, dims, &ndim, err) < 0)
		return -1;

	shape_str(shape, sizeof shape, dims, ndim);
	if (strlen(descr) >= sizeof out->descr || !dtype_size(descr))
		return ap_errf(err, "'%s': unsupported dtype '%s' (not a plain number type)", path, descr);
	if (descr[0] == '>' && dtype_size(descr) > 1)
		return ap_errf(err, "'%s': big-endian dtype '%s' is not supported", path, descr);
	if (ndim > 4)
		return ap_errf(err, "'%s': shape %s has %d dimensions, at most 4 are supported", path, shape, ndim);
	/* in one dimension Fortran order is C order */
	if (fortran && ndim > 1)
		return ap_errf(err, "'%s': Fortran-order arrays are not supported (save in C order)", path);
	for (int i = 0; i < ndim; i++)
		if (ap_mul_size(count, dims[i], &count) < 0)
			return ap_errf(err, "'%s': shape %s is too large", path, shape);
	if (ap_mul_size(count, dtype_size(descr), &bytes) < 0)
		return ap_errf(err, "'%s': shape %s is too large", path, shape);
	memcpy(out->descr, descr, strlen(descr) + 1);
	out->ndim = ndim;
	memcpy(out->shape, dims, (size_t)ndim * sizeof dims[0]);
	out->count = count;
	out->itemsize = dtype_size(descr);
	*end = start + hlen;
	*bytes_out = bytes;
	return 0;
}

int npy_parse(const uint8_t *buf, size_t len, const char *path, struct npy *out, struct ap_err *err)
{
	size_t end, bytes, have;
	char shape[160];

	if (parse_head(buf, len, path, out, &end, &bytes, err) < 0)
		return -1;
	have = len - end;
	if (bytes != have) {
		shape_str(shape, sizeof shape, out->shape, out->ndim);
		ap_errf(err, "'%s': shape %s of '%s' needs %zu bytes of data, file has %zu",
			path, shape, out->descr, bytes, have);
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->data = buf + end;
	return 0;
}

size_t npy_header_size(const uint8_t *buf, size_t len)
{
	if (len < 12 || memcmp(buf, "\x93NUMPY", 6) != 0 || buf[6] < 1 || buf[6] > 3)
		return 0;
	if (buf[6] == 1)
		return 10 + ((size_t)buf[8] | (size_t)buf[9] << 8);
	return 12 + ((size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24);
}

size_t npy_claimed_size(const uint8_t *buf, size_t len)
{
	size_t want = npy_header_size(buf, len), end, bytes;
	struct npy a;

	if (len < 12 && (len < 6 ? memcmp(buf, "\x93NUMPY", len) == 0 : memcmp(buf, "\x93NUMPY", 6) == 0))
		return 0;
	if (!want)
		return SIZE_MAX;
	if (len < want)
		return 0;
	if (parse_head(buf, want, "", &a, &end, &bytes, NULL) < 0 || bytes > SIZE_MAX - end)
		return SIZE_MAX;
	return end + bytes;
}

size_t npy_header(char *dst, size_t cap, const char *descr, const size_t *shape, int ndim)
{
	char dict[512];
	size_t at = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);

	for (int i = 0; i < ndim && at < sizeof dict; i++)
		at += (size_t)snprintf(dict + at, sizeof dict - at, "%zu%s", shape[i], ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
	if (at < sizeof dict)
		at += (size_t)snprintf(dict + at, sizeof dict - at, "), }");
	if (at >= sizeof dict)
		return 0;
	/* magic, version 1.0, a 16-bit length, the dict, spaces, '\n': a multiple of 64 */
	size_t total = (10 + at + 1 + 63) / 64 * 64, hlen = total - 10;
	if (total > cap || hlen > 0xffff)
		return 0;
	memcpy(dst, "\x93NUMPY\x01\x00", 8);
	dst[8] = (char)(hlen & 0xff);
	dst[9] = (char)(hlen >> 8);
	memcpy(dst + 10, dict, at);
	memset(dst + 10 + at, ' ', hlen - at - 1);
	dst[total - 1] = '\n';
	return total;
}
