/*
 * load_file: a whole file in memory, gunzipped when it starts with the gzip magic
 * (1f 8b). Sizes are checked against the cap before anything that big is allocated:
 * the file size up front, and for gzip every step of the growing output buffer; an
 * IDX or NPY header's size stops the inflating as soon as the data pass it (a gzip
 * bomb behind a small header costs the header's size, not the bomb's).
 */
#include "io/load.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* deflate expands at most about 1032:1, so a gzip trailer claiming more is lying */
#define DEFLATE_MAX_RATIO 1032
/* zlib counts in uInt; hand it at most this much at a time */
#define ZCHUNK ((size_t)1 << 30)
#define MIN_CAP ((size_t)64 << 10)
/* an IDX header of 4 dimensions */
#define IDX_HEADER_MAX 20

static int sys_err(struct ap_err *err, const char *path, const char *doing, int e)
{
	char what[128];

	snprintf(what, sizeof what, "%s", strerror(e));
	what[0] = (char)tolower((unsigned char)what[0]);
	return ap_errf(err, "'%s': %s: %s", path, doing, what);
}

static int too_large(struct ap_err *err, const char *path, size_t max, const char *how)
{
	return ap_errf(err, "'%s': too large: over the limit of %zu bytes%s", path, max, how);
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Reads fd to its end; cap is the first guess at its size (a regular file's size, so
 * that reading it takes one allocation). The buffer gets a NUL after the data. */
static int read_fd(int fd, const char *path, size_t cap, size_t max, uint8_t **out, size_t *outlen,
	struct load_why *why, struct ap_err *err)
{
	size_t len = 0;
	uint8_t *buf, *nbuf;
	ssize_t r;

	cap = min_size(cap, max);
	buf = malloc(cap + 1);
	if (!buf) {
		why->fail = LOAD_FAIL_MEMORY;
		return ap_errf(err, "'%s': out of memory reading %zu bytes", path, cap);
	}
	for (;;) {
		if (len == cap) {
			/* full: read one byte into the spare slot before growing for nothing */
			do
				r = read(fd, buf + len, 1);
			while (r < 0 && errno == EINTR);
			if (r == 0)
				break;
			if (r < 0)
				goto out_read_error;
			if (cap >= max) {
				free(buf);
				why->fail = LOAD_FAIL_SIZE;
				return too_large(err, path, max, "");
			}
			len++;
			cap = cap < max / 2 ? (cap < MIN_CAP ? MIN_CAP : cap * 2) : max;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				free(buf);
				why->fail = LOAD_FAIL_MEMORY;
				return ap_errf(err, "'%s': out of memory reading %zu bytes", path, cap);
			}
			buf = nbuf;
			continue;
		}
		r = read(fd, buf + len, min_size(cap - len, ZCHUNK));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out_read_error;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;

out_read_error:
	why->fail = LOAD_FAIL_READ;
	why->sys_errno = errno;
	free(buf);
	return sys_err(err, path, "cannot read", why->sys_errno);
}

static size_t le32(const uint8_t *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static bool is_npy(const uint8_t *p, size_t n)
{
	return n >= 1 && p[0] == 0x93;
}

/* The whole size the data's first n bytes say it has, when they are an IDX header
 * (00 00 08 ndims, then ndims big-endian sizes) or an NPY one: 0 while they cannot
 * tell (yet), SIZE_MAX when they are something else or overflow. */
static size_t claimed_size(const uint8_t *p, size_t n)
{
	size_t hdr, body = 1;

	if (is_npy(p, n))
		return npy_claimed_size(p, n);
	if (n < 4)
		return 0;
	if (p[0] || p[1] || p[2] != 0x08 || p[3] < 1 || p[3] > 4)
		return SIZE_MAX;
	hdr = 4 + 4 * (size_t)p[3];
	if (n < hdr)
		return 0;
	for (unsigned i = 0; i < p[3]; i++) {
		const uint8_t *d = p + 4 + 4 * i;
		size_t v = (size_t)d[0] << 24 | (size_t)d[1] << 16 | (size_t)d[2] << 8 | d[3];

		if (ap_mul_size(body, v, &body) < 0)
			return SIZE_MAX;
	}
	return body > SIZE_MAX - hdr ? SIZE_MAX : hdr + body;
}

/* Inflates one or more concatenated gzip members (trailing zero padding is allowed, as
 * gzip(1) allows it). The output gets a NUL after the data. */
static int gunzip(const uint8_t *in, size_t inlen, const char *path, size_t max, uint8_t **out,
	size_t *outlen, struct load_why *why, struct ap_err *err)
{
	z_stream zs;
	size_t cap, bound, len = 0, fed = 0, claimed = 0;
	uint8_t *buf, *nbuf;
	int ret, rc = -1;

	/* first guess: the trailer's size (mod 2^32), if deflate could have produced it */
	cap = inlen >= 4 ? le32(in + inlen - 4) : 0;
	if (ap_mul_size(inlen, DEFLATE_MAX_RATIO, &bound) < 0)
		bound = SIZE_MAX - 1;
	cap = min_size(min_size(cap, bound), max) + 1;
	if (cap < MIN_CAP)
		cap = min_size(MIN_CAP, max + 1);

	why->fail = LOAD_FAIL_DATA;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return ap_errf(err, "'%s': cannot start the gzip decoder", path);
	buf = malloc(cap + 1);
	if (!buf) {
		why->fail = LOAD_FAIL_MEMORY;
		ap_errf(err, "'%s': out of memory decompressing %zu bytes", path, cap);
		goto out_end;
	}
	for (;;) {
		size_t room;

		if (zs.avail_in == 0 && fed < inlen) {
			size_t k = min_size(inlen - fed, ZCHUNK);

			zs.next_in = (Bytef *)(in + fed);
			zs.avail_in = (uInt)k;
			fed += k;
		}
		if (len == cap) {
			/* cap never exceeds max + 1, so this only fails once past the limit */
			cap = cap <= max / 2 ? cap * 2 : max + 1;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				why->fail = LOAD_FAIL_MEMORY;
				ap_errf(err, "'%s': out of memory decompressing %zu bytes", path, cap);
				goto out_free_buf;
			}
			buf = nbuf;
		}
		room = min_size(cap - len, ZCHUNK);
		/* the header first, then no more than one byte past what it gives */
		if (!claimed) {
			size_t want = is_npy(buf, len) && npy_header_size(buf, len) ? npy_header_size(buf, len)
										   : IDX_HEADER_MAX;
			if (len < want)
				room = min_size(room, want - len);
		}
		else if (claimed && claimed != SIZE_MAX)
			room = min_size(room, claimed + 1 - len);
		zs.next_out = buf + len;
		zs.avail_out = (uInt)room;
		ret = inflate(&zs, Z_NO_FLUSH);
		len += room - zs.avail_out;
		if (len > max) {
			why->fail = LOAD_FAIL_SIZE;
			too_large(err, path, max, " when decompressed");
			goto out_free_buf;
		}
		/* a header that gives the size ends the inflating once the data pass it */
		if (!claimed)
			claimed = claimed_size(buf, len);
		if (claimed && claimed != SIZE_MAX && len > claimed) {
			why->fail = LOAD_FAIL_DATA;
			ap_errf(err, "'%s': more data than its %s header gives (%zu bytes), when decompressed",
				path, is_npy(buf, len) ? "NPY" : "IDX", claimed);
			goto out_free_buf;
		}
		if (ret == Z_STREAM_END) {
			size_t used = fed - zs.avail_in;
			const uint8_t *rest = in + used;

			if (used == inlen || all_zero(rest, inlen - used))
				break;
			if (inlen - used >= 2 && rest[0] == 0x1f && rest[1] == 0x8b) {
				/* another member: inflateReset keeps next_in and avail_in */
				inflateReset(&zs);
				continue;
			}
			ap_errf(err, "'%s': corrupt gzip data (garbage after the compressed data)", path);
			goto out_free_buf;
		}
		if (ret == Z_MEM_ERROR) {
			why->fail = LOAD_FAIL_MEMORY;
			ap_errf(err, "'%s': out of memory in the gzip decoder", path);
			goto out_free_buf;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			ap_errf(err, "'%s': corrupt gzip data (%s)", path, zs.msg ? zs.msg : "bad stream");
			goto out_free_buf;
		}
		/* inflate stops short only for want of input or of room; no input left is the end */
		if (zs.avail_in == 0 && fed == inlen && zs.avail_out != 0) {
			ap_errf(err, "'%s': truncated gzip data", path);
			goto out_free_buf;
		}
	}
	if (cap > len + len / 8 + MIN_CAP) {
		nbuf = realloc(buf, len + 1);
		if (nbuf)
			buf = nbuf;
	}
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	buf = NULL;
	why->fail = LOAD_FAIL_NONE;
	rc = 0;
out_free_buf:
	free(buf);
out_end:
	inflateEnd(&zs);
	return rc;
}

int load_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len, struct ap_err *err)
{
	return load_file_why(path, max_bytes, out, len, NULL, err);
}

int load_file_why(const char *path, size_t max_bytes, uint8_t **out, size_t *len, struct load_why *why,
	struct ap_err *err)
{
	struct load_why none;
	struct stat st;
	uint8_t *raw = NULL;
	size_t rawlen = 0, max = max_bytes ? max_bytes : AP_LOAD_MAX_BYTES, hint = MIN_CAP;
	int fd, rc = -1;

	*out = NULL;
	*len = 0;
	if (!why)
		why = &none;
	*why = (struct load_why){ 0 };
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = (struct load_why){ LOAD_FAIL_OPEN, errno };
		return sys_err(err, path, "cannot open", why->sys_errno);
	}
	if (fstat(fd, &st) < 0) {
		*why = (struct load_why){ LOAD_FAIL_READ, errno };
		sys_err(err, path, "cannot stat", why->sys_errno);
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = (struct load_why){ LOAD_FAIL_DIR, EISDIR };
		ap_errf(err, "'%s': is a directory", path);
		goto out_close;
	}
	if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > max) {
			why->fail = LOAD_FAIL_SIZE;
			ap_errf(err, "'%s': too large: over the limit of %zu bytes (file is %lld bytes)",
				path, max, (long long)st.st_size);
			goto out_close;
		}
		hint = (size_t)st.st_size;
	}
	if (read_fd(fd, path, hint, max, &raw, &rawlen, why, err) < 0)
		goto out_close;
	if (rawlen >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
		rc = gunzip(raw, rawlen, path, max, out, len, why, err);
		free(raw);
	} else {
		*out = raw;
		*len = rawlen;
		rc = 0;
	}
out_close:
	close(fd);
	return rc;
}
