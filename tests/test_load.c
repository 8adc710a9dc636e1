/*
 * test_load: the readers (load_file, IDX, NPY, CSV/NPY layouts) and imgset_append, on
 * files written into a scratch folder: good files with their values checked, and every
 * bad file with the exact one-line error it must give.
 */
#include "io/load.h"
#include "t.h"
#include "t_files.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- scratch files ---- */

static const char *put(const char *name, const void *data, size_t n)
{
	const char *p = P(name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, n, f) != n) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(2);
	}
	fclose(f);
	return p;
}

static const char *put_str(const char *name, const char *s)
{
	return put(name, s, strlen(s));
}

static const char *put_gz(const char *name, const void *data, size_t n)
{
	const char *p = P(name);
	gzFile f = gzopen(p, "wb");

	if (!f || gzwrite(f, data, (unsigned)n) != (int)n) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(2);
	}
	gzclose(f);
	return p;
}

static uint8_t *get(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long sz;

	if (!f)
		exit(2);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	b = malloc((size_t)sz + 1);
	if (!b || fread(b, 1, (size_t)sz, f) != (size_t)sz)
		exit(2);
	fclose(f);
	*n = (size_t)sz;
	return b;
}

/* ---- byte builders ---- */

struct bb {
	uint8_t *p;
	size_t n;
};

static void bb_put(struct bb *b, const void *d, size_t n)
{
	b->p = realloc(b->p, b->n + n + 1);
	if (!b->p)
		exit(2);
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void bb_be32(struct bb *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	bb_put(b, x, 4);
}

static void bb_free(struct bb *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

/* IDX3: header, then `body` pixel bytes with value (i * 7) & 255. */
static struct bb idx3(uint32_t n, uint32_t rows, uint32_t cols, size_t body)
{
	struct bb b = { 0 };
	uint8_t magic[4] = { 0, 0, 8, 3 };

	bb_put(&b, magic, 4);
	bb_be32(&b, n);
	bb_be32(&b, rows);
	bb_be32(&b, cols);
	for (size_t i = 0; i < body; i++) {
		uint8_t v = (uint8_t)(i * 7);

		bb_put(&b, &v, 1);
	}
	return b;
}

static struct bb idx1(uint32_t n, const uint8_t *vals, size_t body)
{
	struct bb b = { 0 };
	uint8_t magic[4] = { 0, 0, 8, 1 };

	bb_put(&b, magic, 4);
	bb_be32(&b, n);
	bb_put(&b, vals, body);
	return b;
}

/* An NPY file as np.save writes it: the dict padded with spaces to a multiple of 64. */
static struct bb npy(int major, const char *dict, const void *data, size_t n)
{
	struct bb b = { 0 };
	size_t pre = major == 1 ? 10 : 12, hlen = strlen(dict) + 1;
	uint8_t v[6] = { (uint8_t)major, 0 };

	hlen += (64 - (pre + hlen) % 64) % 64;
	bb_put(&b, "\x93NUMPY", 6);
	v[2] = (uint8_t)hlen;
	v[3] = (uint8_t)(hlen >> 8);
	bb_put(&b, v, 2 + (major == 1 ? 2 : 4));
	bb_put(&b, dict, strlen(dict));
	for (size_t i = strlen(dict) + 1; i < hlen; i++)
		bb_put(&b, " ", 1);
	bb_put(&b, "\n", 1);
	bb_put(&b, data, n);
	return b;
}

static const char *put_npy(const char *name, const char *dict, const void *data, size_t n)
{
	struct bb b = npy(1, dict, data, n);
	const char *p = put(name, b.p, b.n);

	bb_free(&b);
	return p;
}

/* ---- load_file ---- */

static void test_load_file(void)
{
	uint8_t *buf, *gz;
	size_t len, gzlen;
	const char *p;
	char big[300000];

	p = put_str("plain.txt", "hello");
	CHECK_OK(load_file(p, 0, &buf, &len, &err));
	CHECK_EQ_INT(len, 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ_INT(buf[5], 0);
	free(buf);

	p = put("empty", "", 0);
	CHECK_OK(load_file(p, 0, &buf, &len, &err));
	CHECK_EQ_INT(len, 0);
	free(buf);

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	p = put_gz("big.gz", big, sizeof big);
	CHECK_OK(load_file(p, 0, &buf, &len, &err));
	CHECK_EQ_INT(len, sizeof big);
	CHECK(buf && memcmp(buf, big, sizeof big) == 0);
	CHECK_EQ_INT(buf[len], 0);
	free(buf);
	/* exactly at the cap is fine, one byte under is not */
	CHECK_OK(load_file(p, sizeof big, &buf, &len, &err));
	free(buf);
	CHECK_ERR(load_file(p, sizeof big - 1, &buf, &len, &err),
		"'%s': too large: over the limit of %zu bytes when decompressed", p, sizeof big - 1);
	CHECK(buf == NULL);

	/* a lying size in the trailer must not make it allocate that much, and is caught */
	gz = get(p, &gzlen);
	gz[gzlen - 1] = 0xff;
	p = put("isize.gz", gz, gzlen);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': corrupt gzip data (incorrect length check)", p);
	gz[gzlen - 1] ^= 0xff;
	gz[gzlen - 8] ^= 0x55;
	p = put("crc.gz", gz, gzlen);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': corrupt gzip data (incorrect data check)", p);
	gz[gzlen - 8] ^= 0x55;
	p = put("cut.gz", gz, gzlen / 2);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': truncated gzip data", p);
	p = put("magic-only.gz", gz, 2);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': truncated gzip data", p);
	p = put("header-only.gz", gz, 10);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': truncated gzip data", p);
	gz[3] = 0xe0;  /* reserved flag bits */
	p = put("flags.gz", gz, gzlen);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': corrupt gzip data (unknown header flags set)", p);
	gz[3] = 0;
	gz[2] = 7;  /* not deflate */
	p = put("method.gz", gz, gzlen);
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': corrupt gzip data (unknown compression method)", p);
	gz[2] = 8;

	/* two members are one file (as gzip -c a b); zero padding after is fine; garbage is not */
	{
		struct bb two = { 0 };
		uint8_t *one;
		size_t onelen;

		one = get(put_gz("half.gz", "abc", 3), &onelen);
		bb_put(&two, one, onelen);
		bb_put(&two, one, onelen);
		p = put("two.gz", two.p, two.n);
		CHECK_OK(load_file(p, 0, &buf, &len, &err));
		CHECK_EQ_INT(len, 6);
		CHECK(memcmp(buf, "abcabc", 6) == 0);
		free(buf);
		bb_put(&two, "\0\0\0\0", 4);
		p = put("padded.gz", two.p, two.n);
		CHECK_OK(load_file(p, 0, &buf, &len, &err));
		CHECK_EQ_INT(len, 6);
		free(buf);
		bb_put(&two, "junk", 4);
		p = put("junk.gz", two.p, two.n);
		CHECK_ERR(load_file(p, 0, &buf, &len, &err),
			"'%s': corrupt gzip data (garbage after the compressed data)", p);
		bb_free(&two);
		free(one);
	}
	free(gz);

	p = put("twenty", "01234567890123456789", 20);
	CHECK_ERR(load_file(p, 10, &buf, &len, &err), "'%s': too large: over the limit of 10 bytes (file is 20 bytes)", p);
	CHECK_OK(load_file(p, 20, &buf, &len, &err));
	free(buf);
	p = P("missing");
	CHECK_ERR(load_file(p, 0, &buf, &len, &err), "'%s': cannot open: no such file or directory", p);
	CHECK_ERR(load_file(dir, 0, &buf, &len, &err), "'%s': is a directory", dir);
}

/* ---- IDX ---- */

static void test_idx_images(void)
{
	struct ap_imgset s = { 0 };
	struct bb b = idx3(3, 5, 4, 60);
	const char *p;

	p = put("img.idx", b.p, b.n);
	CHECK_OK(idx_load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.n, 3);
	CHECK_EQ_INT(s.w, 4);
	CHECK_EQ_INT(s.h, 5);
	CHECK_EQ_INT(s.c, 1);
	CHECK(s.iw == NULL && s.ih == NULL);
	CHECK_EQ_INT(imgset_pixels(&s, 0)[0], 0);
	CHECK_EQ_INT(imgset_pixels(&s, 0)[1], 7);
	CHECK_EQ_INT(imgset_pixels(&s, 2)[19], (59 * 7) & 255);
	imgset_free(&s);
	CHECK(s.pix == NULL && s.n == 0);

	p = put_gz("img.idx.gz", b.p, b.n);
	CHECK_OK(idx_load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.n, 3);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[3], (23 * 7) & 255);
	imgset_free(&s);
	/* load_images tells IDX by content, raw or gzipped */
	CHECK_OK(load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.n, 3);
	CHECK_EQ_INT(s.w, 4);
	imgset_free(&s);
	CHECK_OK(load_images(P("img.idx"), 0, &s, &err));
	CHECK_EQ_INT(imgset_pixels(&s, 2)[19], (59 * 7) & 255);
	imgset_free(&s);

	/* the cap applies to the file */
	CHECK_ERR(idx_load_images(P("img.idx"), 50, &s, &err),
		"images '%s': too large: over the limit of 50 bytes (file is 76 bytes)", P("img.idx"));
	CHECK(s.pix == NULL);

	/* truncated and corrupt .gz */
	{
		size_t n;
		uint8_t *gz = get(p, &n);

		p = put("cut.idx.gz", gz, n - 10);
		CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': truncated gzip data", p);
		CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': truncated gzip data", p);
		gz[n - 6] ^= 1;
		p = put("crc.idx.gz", gz, n);
		CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': corrupt gzip data (incorrect data check)", p);
		CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': corrupt gzip data (incorrect data check)", p);
		free(gz);
	}

	/* wrong magic, type, dimensions */
	p = put("png.idx", "\x89PNG\r\n\x1a\n\0\0\0\0\0\0\0\0", 16);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': not an IDX file (magic 89 50 4e 47, want 00 00 08 03)", p);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': unknown format (starts with 89 50 4e 47; expected IDX3 or NPY)", p);
	p = put("float.idx", "\0\0\x0d\x03\0\0\0\1\0\0\0\1\0\0\0\1\0\0\0\0", 20);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': IDX data type 0x0d is not supported (need unsigned bytes, 0x08)", p);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': IDX data type 0x0d is not supported (need unsigned bytes, 0x08)", p);
	p = put("labels-as-images.idx", "\0\0\x08\x01\0\0\0\1\7", 9);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': IDX file has 1 dimension, need 3 (an IDX3 images file)", p);
	p = put("short.idx", "\0\0\x08", 3);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': not an IDX file (only 3 bytes)", p);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': not an IDX file (only 3 bytes)", p);
	p = put("empty.idx", "", 0);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': empty file", p);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': empty file", p);
	p = P("missing.idx");
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': cannot open: no such file or directory", p);
	CHECK_ERR(load_images(dir, 0, &s, &err), "images '%s': is a directory", dir);
	p = put("hdr.idx", b.p, 10);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': truncated: the IDX3 header needs 16 bytes, file has 10", p);
	bb_free(&b);

	/* what the header claims against the bytes there */
	b = idx3(60000, 28, 28, 1000);
	p = put("trunc.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': truncated: header says 60000 images of "
		"28x28 (47040000 bytes), file has 1000 bytes after the header", p);
	bb_free(&b);
	b = idx3(0x80000000u, 28, 28, 1000);
	p = put("huge-n.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': truncated: header says 2147483648 images of "
		"28x28 (1683627180032 bytes), file has 1000 bytes after the header", p);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': truncated: header says 2147483648 images of "
		"28x28 (1683627180032 bytes), file has 1000 bytes after the header", p);
	bb_free(&b);
	b = idx3(0xffffffffu, 4096, 4096, 0);
	p = put("max-all.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': truncated: header says 4294967295 images of "
		"4096x4096 (72057594021150720 bytes), file has 0 bytes after the header", p);
	bb_free(&b);
	b = idx3(2, 2, 2, 10);
	p = put("extra.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': header says 2 images of 2x2 (8 bytes), "
		"file has 10 bytes after the header (2 extra)", p);
	bb_free(&b);
	b = idx3(10, 0, 0, 0);
	p = put("zero-size.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': image size 0x0 is out of range (1 to 4096 per side)", p);
	bb_free(&b);
	b = idx3(10, 28, 0, 0);
	p = put("zero-w.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': image size 0x28 is out of range (1 to 4096 per side)", p);
	bb_free(&b);
	b = idx3(1, 65535, 65535, 100);
	p = put("huge-side.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': image size 65535x65535 is out of range (1 to 4096 per side)", p);
	bb_free(&b);
	b = idx3(1, 4097, 1, 4097);
	p = put("4097.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err),
		"images '%s': image size 1x4097 is out of range (1 to 4096 per side)", p);
	bb_free(&b);
	b = idx3(1, 4096, 1, 4096);
	p = put("4096.idx", b.p, b.n);
	CHECK_OK(idx_load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.h, 4096);
	imgset_free(&s);
	bb_free(&b);
	b = idx3(0, 28, 28, 0);
	p = put("none.idx", b.p, b.n);
	CHECK_ERR(idx_load_images(p, 0, &s, &err), "images '%s': no images", p);
	CHECK(s.pix == NULL && s.n == 0);
	bb_free(&b);
}

static void test_idx_labels(void)
{
	uint8_t vals[5] = { 0, 9, 3, 255, 7 };
	struct bb b = idx1(5, vals, 5);
	int32_t *lab = NULL;
	size_t n = 0;
	const char *p;

	p = put("lab.idx", b.p, b.n);
	CHECK_OK(idx_load_labels(p, 0, &lab, &n, &err));
	CHECK_EQ_INT(n, 5);
	CHECK(lab && lab[0] == 0 && lab[1] == 9 && lab[2] == 3 && lab[3] == 255 && lab[4] == 7);
	free(lab);
	p = put_gz("lab.idx.gz", b.p, b.n);
	CHECK_OK(idx_load_labels(p, 0, &lab, &n, &err));
	CHECK_EQ_INT(n, 5);
	CHECK(lab && lab[3] == 255);
	free(lab);
	CHECK_OK(load_labels(p, 0, &lab, &n, &err));
	CHECK_EQ_INT(n, 5);
	CHECK(lab && lab[4] == 7);
	free(lab);
	bb_free(&b);

	b = idx1(60000, vals, 5);
	p = put("lab-trunc.idx", b.p, b.n);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err), "labels '%s': truncated: header says 60000 labels "
		"(60000 bytes), file has 5 bytes after the header", p);
	CHECK(lab == NULL && n == 0);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': truncated: header says 60000 labels "
		"(60000 bytes), file has 5 bytes after the header", p);
	bb_free(&b);
	b = idx1(3, vals, 5);
	p = put("lab-extra.idx", b.p, b.n);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err), "labels '%s': header says 3 labels (3 bytes), "
		"file has 5 bytes after the header (2 extra)", p);
	bb_free(&b);
	b = idx1(0, vals, 0);
	p = put("lab-none.idx", b.p, b.n);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err), "labels '%s': no labels", p);
	bb_free(&b);
	b = idx3(1, 2, 2, 4);
	p = put("images-as-labels.idx", b.p, b.n);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err),
		"labels '%s': IDX file has 3 dimensions, need 1 (an IDX1 labels file)", p);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err),
		"labels '%s': IDX file has 3 dimensions, need 1 (an IDX1 labels file)", p);
	bb_free(&b);
	p = put("lab-bad.idx", "\0\0\x08\x02\0\0\0\0", 8);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err),
		"labels '%s': IDX file has 2 dimensions, need 1 (an IDX1 labels file)", p);
	p = put("lab-hdr.idx", "\0\0\x08\x01\0\0", 6);
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err),
		"labels '%s': truncated: the IDX1 header needs 8 bytes, file has 6", p);
	p = put_str("lab.txt", "1\n2\n3\n");
	CHECK_ERR(idx_load_labels(p, 0, &lab, &n, &err),
		"labels '%s': not an IDX file (magic 31 0a 32 0a, want 00 00 08 01)", p);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err),
		"labels '%s': unknown format (starts with 31 0a 32 0a; expected IDX1 or NPY)", p);
	p = P("missing-lab.idx");
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': cannot open: no such file or directory", p);
}

/* ---- NPY ---- */

static void test_npy_parse(void)
{
	struct npy a;
	struct bb b;
	uint8_t data[48] = { 0 };
	const char *p = "mem.npy";

	b = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", data, 24);
	CHECK_EQ_INT(b.n % 64, 24);
	CHECK_OK(npy_parse(b.p, b.n, p, &a, &err));
	CHECK_STR(a.descr, "<f4");
	CHECK_EQ_INT(a.ndim, 2);
	CHECK_EQ_INT(a.shape[0], 3);
	CHECK_EQ_INT(a.shape[1], 2);
	CHECK_EQ_INT(a.count, 6);
	CHECK_EQ_INT(a.itemsize, 4);
	CHECK(a.data == b.p + 128);
	/* one byte short, one byte over */
	CHECK_ERR(npy_parse(b.p, b.n - 1, p, &a, &err),
		"'mem.npy': shape (3, 2) of '<f4' needs 24 bytes of data, file has 23");
	bb_put(&b, "x", 1);
	CHECK_ERR(npy_parse(b.p, b.n, p, &a, &err),
		"'mem.npy': shape (3, 2) of '<f4' needs 24 bytes of data, file has 25");
	CHECK_ERR(npy_parse(b.p, 40, p, &a, &err),
		"'mem.npy': bad NPY header (truncated: says 118 bytes, file has 30)");
	CHECK_ERR(npy_parse(b.p, 9, p, &a, &err), "'mem.npy': bad NPY header (truncated)");
	b.p[0] = 'x';
	CHECK_ERR(npy_parse(b.p, b.n, p, &a, &err), "'mem.npy': not an NPY file (bad magic)");
	CHECK_ERR(npy_parse(b.p, 0, p, &a, &err), "'mem.npy': empty file");
	CHECK_ERR(npy_parse((const uint8_t *)"\x93NUMP", 5, p, &a, &err), "'mem.npy': not an NPY file (bad magic)");
	b.p[0] = 0x93;
	b.p[6] = 4;
	CHECK_ERR(npy_parse(b.p, b.n, p, &a, &err), "'mem.npy': unsupported NPY version 4.0");
	bb_free(&b);

	/* v2 and v3 headers, double quotes, Python 2 longs, keys in any order, a scalar */
	b = npy(2, "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"|u1\"}", data, 6);
	CHECK_OK(npy_parse(b.p, b.n, p, &a, &err));
	CHECK_EQ_INT(a.count, 6);
	CHECK_STR(a.descr, "|u1");
	bb_free(&b);
	b = npy(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data, 8);
	CHECK_OK(npy_parse(b.p, b.n, p, &a, &err));
	CHECK_EQ_INT(a.ndim, 0);
	CHECK_EQ_INT(a.count, 1);
	bb_free(&b);
	/* 1-D Fortran order is C order */
	b = npy(1, "{'descr': '<i2', 'fortran_order': True, 'shape': (3,), }", data, 6);
	CHECK_OK(npy_parse(b.p, b.n, p, &a, &err));
	CHECK_EQ_INT(a.ndim, 1);
	bb_free(&b);

	/* each bad header */
	struct { const char *dict; const char *msg; } bad[] = {
		{ "'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", "bad NPY header (expected '{')" },
		{ "{descr: '<f4'}", "bad NPY header (expected a quoted key)" },
		{ "{'descr' '<f4'}", "bad NPY header (expected ':' after a key)" },
		{ "{'descr': <f4}", "bad NPY header ('descr' is not a string)" },
		{ "{'descr': '<f4', 'fortran_order': 0, 'shape': (3, 2)}",
			"bad NPY header ('fortran_order' is not True or False)" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': [3, 2]}",
			"bad NPY header ('shape' is not a tuple of integers)" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (3, -2)}",
			"bad NPY header ('shape' is not a tuple of integers)" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
			"bad NPY header ('shape' is not a tuple of integers)" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2)", "bad NPY header (expected ',' or '}')" },
		{ "{'descr': '<f4', 'fortran_order': False}", "bad NPY header (no 'shape')" },
		{ "{'descr': '<f4', 'shape': (3, 2)}", "bad NPY header (no 'fortran_order')" },
		{ "{'fortran_order': False, 'shape': (3, 2)}", "bad NPY header (no 'descr')" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), 'x': 1}",
			"bad NPY header (unknown key 'x')" },
		{ "{'fortran\n_order': False}", "bad NPY header (unknown key 'fortran?_order')" },
		{ "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}",
			"structured dtypes are not supported" },
		{ "{'descr': '<U10', 'fortran_order': False, 'shape': (3,)}",
			"unsupported dtype '<U10' (not a plain number type)" },
		{ "{'descr': '|O', 'fortran_order': False, 'shape': (3,)}",
			"unsupported dtype '|O' (not a plain number type)" },
		{ "{'descr': '<f3', 'fortran_order': False, 'shape': (3,)}",
			"unsupported dtype '<f3' (not a plain number type)" },
		{ "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (3,)}",
			"unsupported dtype '<M8[ns]' (not a plain number type)" },
		{ "{'descr': '>f4', 'fortran_order': False, 'shape': (3, 2)}",
			"big-endian dtype '>f4' is not supported" },
		{ "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2)}",
			"Fortran-order arrays are not supported (save in C order)" },
		{ "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1)}",
			"shape (1, 1, 1, 1, 1) has 5 dimensions, at most 4 are supported" },
		{ "{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}",
			"shape (4294967296, 4294967296, 4294967296) is too large" },
		{ "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,)}",
			"shape (4611686018427387904,) is too large" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 2)}",
			"shape (1000000000, 2) of '<f4' needs 8000000000 bytes of data, file has 24" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b = npy(1, bad[i].dict, data, 24);
		CHECK_ERR(npy_parse(b.p, b.n, p, &a, &err), "'mem.npy': %s", bad[i].msg);
		bb_free(&b);
	}
	/* big-endian single bytes are fine */
	b = npy(1, "{'descr': '>u1', 'fortran_order': False, 'shape': (3,)}", data, 3);
	CHECK_OK(npy_parse(b.p, b.n, p, &a, &err));
	bb_free(&b);
}

static void test_npy_images(void)
{
	struct ap_imgset s = { 0 };
	uint8_t px[2 * 3 * 4 * 4];
	const char *p;
	struct bb b;

	for (size_t i = 0; i < sizeof px; i++)
		px[i] = (uint8_t)(i * 3 + 1);
	p = put_npy("gray.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }", px, 24);
	CHECK_OK(load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(s.w, 4);
	CHECK_EQ_INT(s.h, 3);
	CHECK_EQ_INT(s.c, 1);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[0], px[12]);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[11], px[23]);
	imgset_free(&s);
	p = put_npy("rgb.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4, 3), }", px, 72);
	CHECK_OK(load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(s.c, 3);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[35], px[71]);
	imgset_free(&s);
	b = npy(2, "{'descr': '<u1', 'fortran_order': False, 'shape': (2, 3, 4, 4), }", px, 96);
	p = put_gz("rgba.npy.gz", b.p, b.n);
	bb_free(&b);
	CHECK_OK(load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.c, 4);
	CHECK_EQ_INT(imgset_pixels(&s, 0)[5], px[5]);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[47], px[95]);
	imgset_free(&s);
	p = put_npy("gray1.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4, 1), }", px, 24);
	CHECK_OK(load_images(p, 0, &s, &err));
	CHECK_EQ_INT(s.c, 1);
	imgset_free(&s);

	p = put_npy("f4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': unsupported dtype '<f4' (need uint8 pixels, '|u1')", p);
	p = put_npy("i1.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3, 4), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': unsupported dtype '|i1' (need uint8 pixels, '|u1')", p);
	p = put_npy("be.npy", "{'descr': '>u2', 'fortran_order': False, 'shape': (2, 3, 2), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': big-endian dtype '>u2' is not supported", p);
	p = put_npy("2d.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 6), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': expected shape (N, H, W) or (N, H, W, C) with C 1, 3 or 4, got (4, 6)", p);
	p = put_npy("c2.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 2, 2), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': expected shape (N, H, W) or (N, H, W, C) with C 1, 3 or 4, got (2, 3, 2, 2)", p);
	p = put_npy("0.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 28, 28), }", px, 0);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': no images", p);
	p = put_npy("wide.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 5000), }", NULL, 0);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': shape (1, 1, 5000) of '|u1' needs 5000 bytes of data, file has 0", p);
	{
		uint8_t *row = calloc(5000, 1);

		p = put_npy("wide.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 5000), }", row, 5000);
		CHECK_ERR(load_images(p, 0, &s, &err),
			"images '%s': image size 5000x1 is out of range (1 to 4096 per side)", p);
		free(row);
	}
	p = put_npy("hw0.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 0, 4), }", NULL, 0);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': image size 4x0 is out of range (1 to 4096 per side)", p);
	p = put_npy("fortran.npy", "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 4), }", px, 24);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': Fortran-order arrays are not supported (save in C order)", p);
	p = put_npy("short.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }", px, 20);
	CHECK_ERR(load_images(p, 0, &s, &err),
		"images '%s': shape (2, 3, 4) of '|u1' needs 24 bytes of data, file has 20", p);
	p = put_npy("badhdr.npy", "{'descr': '|u1', 'fortran_order': False}", px, 20);
	CHECK_ERR(load_images(p, 0, &s, &err), "images '%s': bad NPY header (no 'shape')", p);
	CHECK(s.pix == NULL && s.n == 0);
}

static void test_npy_labels(void)
{
	int64_t i8[4] = { 0, 7, 2147483647, 3 };
	uint8_t u1[3] = { 9, 0, 255 };
	uint16_t u2[2] = { 65535, 1 };
	int32_t *lab = NULL;
	size_t n = 0;
	const char *p;

	p = put_npy("i8.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", i8, sizeof i8);
	CHECK_OK(load_labels(p, 0, &lab, &n, &err));
	CHECK_EQ_INT(n, 4);
	CHECK(lab && lab[1] == 7 && lab[2] == 2147483647 && lab[3] == 3);
	free(lab);
	p = put_npy("u1.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", u1, sizeof u1);
	CHECK_OK(load_labels(p, 0, &lab, &n, &err));
	CHECK_EQ_INT(n, 3);
	CHECK(lab && lab[0] == 9 && lab[2] == 255);
	free(lab);
	p = put_npy("u2.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", u2, sizeof u2);
	CHECK_OK(load_labels(p, 0, &lab, &n, &err));
	CHECK(lab && lab[0] == 65535 && lab[1] == 1);
	free(lab);

	i8[2] = -5;
	p = put_npy("neg.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", i8, sizeof i8);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': label at index 2 is negative (-5)", p);
	CHECK(lab == NULL && n == 0);
	{
		int8_t neg1[2] = { 1, -128 };

		p = put_npy("neg1.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", neg1, 2);
		CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': label at index 1 is negative (-128)", p);
	}
	i8[2] = 2147483648LL;
	p = put_npy("big.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", i8, sizeof i8);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err),
		"labels '%s': label at index 2 is too large (2147483648, the limit is 2147483647)", p);
	p = put_npy("f4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", i8, 8);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': unsupported dtype '<f4' (need an integer array)", p);
	p = put_npy("b1.npy", "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", i8, 2);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': unsupported dtype '|b1' (need an integer array)", p);
	p = put_npy("2d.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", u1, 2);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': expected shape (N,), got (2, 1)", p);
	p = put_npy("0.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }", NULL, 0);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': no labels", p);
	p = put_npy("be.npy", "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", i8, 8);
	CHECK_ERR(load_labels(p, 0, &lab, &n, &err), "labels '%s': big-endian dtype '>i4' is not supported", p);
}

/* ---- layouts ---- */

static void test_lay_csv_good(void)
{
	struct ap_layout l = { 0 };
	const char *p;

	p = put_str("h.csv", "x,y\n1,2\n-3.5,4e2\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 2);
	CHECK(l.label == NULL);
	CHECK_NEAR(l.xy[0], 1, 0);
	CHECK_NEAR(l.xy[1], 2, 0);
	CHECK_NEAR(l.xy[2], -3.5, 0);
	CHECK_NEAR(l.xy[3], 400, 0);
	lay_free(&l);
	CHECK(l.xy == NULL && l.n == 0);

	/* any order, other columns, a label, spaces, CRLF, a BOM, blank lines, no final newline */
	p = put_str("mixed.csv", "\xef\xbb\xbf  id , Y ,name, x ,Label\r\n\r\n"
		"0, 10 ,cat, 0.5 ,3\r\n   \r\n1,11,\"dog\",1.5,4\r\n2,12,,2.5,0");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 3);
	CHECK(l.label != NULL);
	CHECK_NEAR(l.xy[0], 0.5, 0);
	CHECK_NEAR(l.xy[1], 10, 0);
	CHECK_NEAR(l.xy[4], 2.5, 0);
	CHECK_NEAR(l.xy[5], 12, 0);
	CHECK(l.label && l.label[0] == 3 && l.label[1] == 4 && l.label[2] == 0);
	lay_free(&l);

	/* quoted header names, as some tools write them */
	p = put_str("quoted.csv", "\"x\",\"y\"\n\"1\",\"2\"\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 1);
	CHECK_NEAR(l.xy[1], 2, 0);
	lay_free(&l);

	/* quoted fields may hold commas, "" is a quote */
	p = put_str("qcomma.csv", "name,\"x\",y\n\"cat, big\",1,2\n\"say \"\"hi\"\"\", \"3\" ,4\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 2);
	CHECK_NEAR(l.xy[0], 1, 0);
	CHECK_NEAR(l.xy[2], 3, 0);
	CHECK_NEAR(l.xy[3], 4, 0);
	lay_free(&l);

	/* pandas' unnamed index column */
	p = put_str("pandas.csv", ",x,y\n0,1.0,2.0\n1,3.0,4.0\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 2);
	CHECK_NEAR(l.xy[2], 3, 0);
	lay_free(&l);

	p = put_str("nohdr2.csv", "1,2\n3,4\n\n5,6\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 3);
	CHECK(l.label == NULL);
	CHECK_NEAR(l.xy[5], 6, 0);
	lay_free(&l);

	p = put_str("nohdr3.csv", "\r\n1,2,7\r\n3,4,8.0\r\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 2);
	CHECK(l.label && l.label[0] == 7 && l.label[1] == 8);
	lay_free(&l);

	p = put_str("crlf.csv", "x,y\r\n1,2\r\n");
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 1);
	lay_free(&l);

	p = put_gz("lay.csv.gz", "x,y\n1,2\n", 8);
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 1);
	lay_free(&l);

	/* many rows: the arrays grow */
	{
		struct bb b = { 0 };
		char row[64];

		bb_put(&b, "y,x,label\n", 10);
		for (int i = 0; i < 5000; i++) {
			int k = snprintf(row, sizeof row, "%d.25,%d,%d\n", i, -i, i % 10);

			bb_put(&b, row, (size_t)k);
		}
		p = put("many.csv", b.p, b.n);
		bb_free(&b);
		CHECK_OK(lay_load(p, 0, &l, &err));
		CHECK_EQ_INT(l.n, 5000);
		CHECK_NEAR(l.xy[2 * 4999], -4999, 0);
		CHECK_NEAR(l.xy[2 * 4999 + 1], 4999.25, 0);
		CHECK(l.label && l.label[4999] == 9);
		lay_free(&l);
	}

	/* a 1.5 MiB line is read whole */
	{
		size_t pad = 3 << 19;
		char *s = malloc(pad + 64);
		int k = sprintf(s, "x,y,pad\n1,2,");

		memset(s + k, '7', pad);
		strcpy(s + k + pad, "\n3,4,5\n");
		p = put_str("longline.csv", s);
		free(s);
		CHECK_OK(lay_load(p, 0, &l, &err));
		CHECK_EQ_INT(l.n, 2);
		CHECK_NEAR(l.xy[3], 4, 0);
		lay_free(&l);
	}
}

static void test_lay_csv_bad(void)
{
	struct ap_layout l = { 0 };
	const char *p;

	p = put_str("noy.csv", "x,z\n1,2\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 1: header has no column named 'y'", p);
	CHECK(l.xy == NULL && l.n == 0);
	p = put_str("nox.csv", "\n\na,b,label\n1,2,3\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 3: header has no column named 'x'", p);
	p = put_str("twox.csv", "x,y,X\n1,2,3\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 1: header has two columns named 'x'", p);
	p = put_str("abc.csv", "x,y\n1,2\n1, abc \n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 3: expected a number in column 'y', got 'abc'", p);
	p = put_str("abc2.csv", "1,2\n1 2,3\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a number in column 'x', got '1 2'", p);
	p = put_str("Xabc.csv", "X,Y\n1,2\nfoo,2\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 3: expected a number in column 'X', got 'foo'", p);
	p = put_str("emptyfield.csv", "x,y\n1,\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a number in column 'y', got ''", p);
	p = put_str("emptyfield2.csv", "1,2\n,3\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a number in column 'x', got ''", p);
	p = put_str("nan.csv", "x,y\n1,2\nnan,3\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 3: x is not finite (nan)", p);
	p = put_str("inf.csv", "1,2\n3,-Infinity\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: y is not finite (-inf)", p);
	p = put_str("overflow.csv", "1,2\n1e999,0\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: x is not finite (inf)", p);
	p = put_str("far.csv", "1,2\n3,-1e308\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: y -1e+308 is beyond 1e15 in magnitude", p);
	p = put_str("firstnan.csv", "NaN,1\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 1: x is not finite (nan)", p);
	p = put_str("ragged.csv", "x,y,label\n1,2,3\n\n4,5\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 4: expected 3 fields, got 2", p);
	p = put_str("unterm.csv", "x,y\n1,\"2\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: unterminated quote", p);
	p = put_str("afterq.csv", "\"x\"z,y\n1,2\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 1: text after a closing quote", p);
	p = put_str("qragged.csv", "x,y\n\"1,5\",2\n3,\"4,5\",6\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a number in column 'x', got '1,5'", p);
	p = put_str("ragged2.csv", "1,2\n3,4,5\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected 2 fields, got 3", p);
	p = put_str("four.csv", "1,2,3,4\n");
	CHECK_ERR(lay_load(p, 0, &l, &err),
		"layout '%s' line 1: expected 2 or 3 fields (x, y and maybe a label), got 4", p);
	p = put_str("one.csv", "1\n");
	CHECK_ERR(lay_load(p, 0, &l, &err),
		"layout '%s' line 1: expected 2 or 3 fields (x, y and maybe a label), got 1", p);
	p = put_str("lab.csv", "1,2,3\n1,2,2.5\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a whole number from 0 to "
		"2147483647 in column 'label', got '2.5'", p);
	p = put_str("labneg.csv", "x,y,label\n1,2,-1\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a whole number from 0 to "
		"2147483647 in column 'label', got '-1'", p);
	p = put_str("labbig.csv", "x,y,label\n1,2,2147483648\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a whole number from 0 to "
		"2147483647 in column 'label', got '2147483648'", p);
	p = put_str("labtext.csv", "x,y,label\n1,2,cat\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a whole number from 0 to "
		"2147483647 in column 'label', got 'cat'", p);
	p = put("empty.csv", "", 0);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': empty file", p);
	p = put_str("blank.csv", "\xef\xbb\xbf\r\n  \n\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': no rows", p);
	p = put_str("hdronly.csv", "x,y\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': no rows", p);
	p = put("nul.csv", "x,y\n1,2\n3\0,4\n", 13);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 3: NUL byte (not a text file)", p);
	p = put_str("bin.csv", "\x89PNG\r\n\x1a\n");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 1: header has no column named 'x'", p);
	p = P("missing.csv");
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': cannot open: no such file or directory", p);
	p = put_str("cap.csv", "x,y\n1,2\n");
	CHECK_ERR(lay_load(p, 4, &l, &err), "layout '%s': too large: over the limit of 4 bytes (file is 8 bytes)", p);

	/* a 2 MiB line of junk: a clear error quoting its start, no silent cut */
	{
		size_t pad = 2 << 20;
		char *s = malloc(pad + 64);
		int k = sprintf(s, "x,y\n1,");

		memset(s + k, 'a', pad);
		strcpy(s + k + pad, "\n");
		p = put_str("longjunk.csv", s);
		free(s);
		CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected a number in column 'y', got "
			"'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'", p);
	}
	/* a long line of numbers with one more field at its end is ragged, not cut */
	{
		size_t pad = 3 << 19;
		char *s = malloc(pad + 64);
		int k = sprintf(s, "1,2\n3,");

		memset(s + k, '4', pad);
		strcpy(s + k + pad, ",5\n");
		p = put_str("longragged.csv", s);
		free(s);
		CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s' line 2: expected 2 fields, got 3", p);
	}
	CHECK(l.xy == NULL && l.label == NULL && l.n == 0);
}

static void test_lay_npy(void)
{
	struct ap_layout l = { 0 };
	float f4[6] = { 1, 2, -3.5f, 4, 5, 6 };
	double f8[4] = { 0.25, -123456789.125, 7, 8 }; /* f8 only: not a float32 */
	const char *p;

	p = put_npy("f4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", f4, sizeof f4);
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 3);
	CHECK(l.label == NULL);
	CHECK_NEAR(l.xy[2], -3.5, 0);
	CHECK_NEAR(l.xy[5], 6, 0);
	lay_free(&l);
	p = put_npy("f8.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);
	CHECK_OK(lay_load(p, 0, &l, &err));
	CHECK_EQ_INT(l.n, 2);
	CHECK_NEAR(l.xy[0], 0.25, 0);
	CHECK_NEAR(l.xy[1], -123456789.125, 0);
	CHECK_NEAR(l.xy[3], 8, 0);
	lay_free(&l);
	{
		struct bb b = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);

		p = put_gz("f8.npy.gz", b.p, b.n);
		bb_free(&b);
		CHECK_OK(lay_load(p, 0, &l, &err));
		CHECK_EQ_INT(l.n, 2);
		lay_free(&l);
	}

	p = put_npy("i8.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);
	CHECK_ERR(lay_load(p, 0, &l, &err),
		"layout '%s': unsupported dtype '<i8' (need float32 '<f4' or float64 '<f8')", p);
	p = put_npy("f2.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", f8, 8);
	CHECK_ERR(lay_load(p, 0, &l, &err),
		"layout '%s': unsupported dtype '<f2' (need float32 '<f4' or float64 '<f8')", p);
	p = put_npy("3col.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f4, sizeof f4);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': expected shape (N, 2), got (2, 3)", p);
	p = put_npy("flat.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4, sizeof f4);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': expected shape (N, 2), got (6,)", p);
	p = put_npy("none.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2), }", NULL, 0);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': no rows", p);
	p = put_npy("ft.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", f4, sizeof f4);
	CHECK_ERR(lay_load(p, 0, &l, &err),
		"layout '%s': Fortran-order arrays are not supported (save in C order)", p);
	p = put_npy("be.npy", "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': big-endian dtype '>f8' is not supported", p);
	p = put_npy("short.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", f8, sizeof f8);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': shape (3, 2) of '<f8' needs 48 bytes of data, file has 32", p);
	{
		/* 224 bytes of file, 320 bytes of doubles */
		float rows[40] = { 0 };

		p = put_npy("cap.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (20, 2), }", rows, sizeof rows);
		CHECK_ERR(lay_load(p, 300, &l, &err),
			"layout '%s': too large: 20 rows need more than the limit of 300 bytes", p);
		CHECK_OK(lay_load(p, 320, &l, &err));
		lay_free(&l);
	}
	f4[3] = (float)NAN;
	p = put_npy("nan.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", f4, sizeof f4);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': y at index 1 is not finite (nan)", p);
	f8[2] = -INFINITY;
	p = put_npy("inf.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': x at index 1 is not finite (-inf)", p);
	CHECK(l.xy == NULL && l.n == 0);
	f8[2] = 1e300;
	p = put_npy("far.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8, sizeof f8);
	CHECK_ERR(lay_load(p, 0, &l, &err), "layout '%s': x at index 1 is 1e+300, beyond 1e15 in magnitude", p);
	CHECK(l.xy == NULL && l.n == 0);
}

/* ---- imgset ---- */

static struct ap_imgset mkset(size_t n, uint32_t w, uint32_t h, uint32_t c, uint8_t v)
{
	struct ap_imgset s = { .n = n, .w = w, .h = h, .c = c };

	s.pix = malloc(n * w * h * c);
	memset(s.pix, v, n * w * h * c);
	return s;
}

static void test_imgset(void)
{
	struct ap_imgset a = { 0 }, b = mkset(2, 3, 2, 1, 5), c;

	/* into an empty set: moved */
	CHECK_OK(imgset_append(&a, &b, "b", &err));
	CHECK_EQ_INT(a.n, 2);
	CHECK_EQ_INT(a.w, 3);
	CHECK(b.pix == NULL && b.n == 0);
	c = mkset(3, 3, 2, 1, 9);
	CHECK_OK(imgset_append(&a, &c, "c", &err));
	CHECK_EQ_INT(a.n, 5);
	CHECK_EQ_INT(imgset_pixels(&a, 1)[5], 5);
	CHECK_EQ_INT(imgset_pixels(&a, 2)[0], 9);
	CHECK_EQ_INT(imgset_pixels(&a, 4)[5], 9);
	CHECK(c.pix == NULL && c.n == 0);

	/* mismatches leave both sets alone */
	c = mkset(1, 32, 32, 3, 1);
	CHECK_ERR(imgset_append(&a, &c, "rgb.npy", &err),
		"images 'rgb.npy': 32x32 RGB images do not match the earlier 3x2 gray images");
	CHECK_EQ_INT(a.n, 5);
	CHECK_EQ_INT(c.n, 1);
	imgset_free(&c);
	c = mkset(1, 3, 2, 4, 1);
	CHECK_ERR(imgset_append(&a, &c, "x.npy", &err),
		"images 'x.npy': 3x2 RGBA images do not match the earlier 3x2 gray images");
	imgset_free(&c);

	/* per-image sizes: made up for the images that had none */
	c = mkset(2, 3, 2, 1, 7);
	c.iw = malloc(2 * sizeof *c.iw);
	c.ih = malloc(2 * sizeof *c.ih);
	c.iw[0] = 1; c.ih[0] = 2; c.iw[1] = 3; c.ih[1] = 1;
	CHECK_OK(imgset_append(&a, &c, "c", &err));
	CHECK_EQ_INT(a.n, 7);
	CHECK(a.iw && a.ih);
	CHECK_EQ_INT(imgset_iw(&a, 0), 3);
	CHECK_EQ_INT(imgset_ih(&a, 4), 2);
	CHECK_EQ_INT(imgset_iw(&a, 5), 1);
	CHECK_EQ_INT(imgset_ih(&a, 6), 1);
	CHECK_EQ_INT(imgset_pixels(&a, 6)[0], 7);

	/* an empty source is a no-op */
	c = (struct ap_imgset){ 0 };
	CHECK_OK(imgset_append(&a, &c, "empty", &err));
	CHECK_EQ_INT(a.n, 7);
	imgset_free(&a);
	CHECK(a.pix == NULL && a.iw == NULL && a.n == 0);
	imgset_free(NULL);
}

/* Through a pipe, as with `--images <(zcat ...)`: the file is read once, not peeked at. */
static void test_pipe(void)
{
	struct ap_imgset s = { 0 };
	struct bb b = idx3(2, 3, 3, 18);
	int fd[2];
	char path[64];

	if (access("/dev/fd/0", F_OK) != 0 || pipe(fd) != 0)
		return;
	CHECK_EQ_INT(write(fd[1], b.p, b.n), (long long)b.n);
	close(fd[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
	CHECK_OK(load_images(path, 0, &s, &err));
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(imgset_pixels(&s, 1)[8], (17 * 7) & 255);
	imgset_free(&s);
	close(fd[0]);
	bb_free(&b);
}

/* The buffer readers take their buffer over, in success and in failure. */
static void test_idx_parse(void)
{
	struct ap_imgset s;
	struct bb b = idx3(1, 2, 2, 4);
	uint8_t vals[2] = { 4, 2 };
	int32_t *lab;
	size_t n;

	CHECK_OK(idx_parse_images(&(struct load_buf){ b.p, b.n, "mem", 0 }, &s, &err));
	CHECK_EQ_INT(s.n, 1);
	CHECK_EQ_INT(imgset_pixels(&s, 0)[3], 21);
	imgset_free(&s);
	b = idx3(1, 2, 2, 3);
	CHECK_ERR(idx_parse_images(&(struct load_buf){ b.p, b.n, "mem", 0 }, &s, &err),
		"images 'mem': truncated: header says 1 images of 2x2 (4 bytes), file has 3 bytes after the header");
	b = idx1(2, vals, 2);
	CHECK_OK(idx_parse_labels(&(struct load_buf){ b.p, b.n, "mem", 0 }, &lab, &n, &err));
	CHECK(n == 2 && lab[0] == 4 && lab[1] == 2);
	free(lab);
	b = idx1(2, vals, 2);
	CHECK_ERR(idx_parse_labels(&(struct load_buf){ b.p, b.n, "mem", 4 }, &lab, &n, &err),
		"labels 'mem': too large: 2 labels need more than the limit of 4 bytes");
	CHECK(lab == NULL && n == 0);
}

/* An IDX3 file of n w×h images whose bytes come from seed (no period a misplaced copy
 * could hide in). */
static const char *put_idx_random(const char *name, uint32_t n, uint32_t w, uint32_t h, uint32_t seed)
{
	struct bb b = idx3(n, h, w, 0);
	size_t bytes = (size_t)n * w * h;
	uint8_t *px = malloc(bytes);
	if (!px)
		exit(2);
	for (size_t i = 0; i < bytes; i++) {
		seed = seed * 1103515245u + 12345u;
		px[i] = (uint8_t)(seed >> 16);
	}
	bb_put(&b, px, bytes);           /* at once: a byte a call reallocates a byte a call */
	free(px);
	const char *p = put(name, b.p, b.n);
	bb_free(&b);
	return p;
}

/* The same images as load_images and imgset_append give, or false. */
static int mapped_as_read(const char *const *paths, int n)
{
	struct ap_imgset m, r = { 0 }, s;
	struct load_map map;
	if (!load_images_map(paths, n, 0, &m, &map))
		return 0;
	/* a file a part, each part where its file is mapped */
	int same = map.n == n && (n == 1 ? !m.part : m.part && m.nparts == (uint32_t)n);
	for (int i = 0; i < n; i++) {
		CHECK_OK(load_images(paths[i], 0, &s, &err));
		if (i == 0)
			r = s;
		else
			CHECK_OK(imgset_append(&r, &s, paths[i], &err));
	}
	same &= m.n == r.n && m.w == r.w && m.h == r.h && m.c == r.c && !m.iw && m.pix == imgset_pixels(&m, 0);
	size_t slot = (size_t)r.w * r.h * r.c;
	for (size_t i = 0; i < r.n; i++)
		same &= memcmp(imgset_pixels(&m, i), imgset_pixels(&r, i), slot) == 0;
	imgset_free(&r);
	load_unmap(&map);
	CHECK(map.n == 0 && map.part == NULL);
	return same;
}

static void test_map(void)
{
	/* files of every size in every order; an NPY among IDX files; one file alone */
	const char *a = put_idx_random("m_a.idx", 3, 28, 28, 1), *b = put_idx_random("m_b.idx", 2000, 28, 28, 2);
	const char *c = put_idx_random("m_c.idx", 5, 28, 28, 3);
	uint8_t px[7 * 28 * 28];
	for (size_t i = 0; i < sizeof px; i++)
		px[i] = (uint8_t)(i * 131 + i / 977);
	const char *d = put_npy("m_d.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (7, 28, 28), }", px,
				sizeof px);
	CHECK(mapped_as_read((const char *[]){ b, a, c }, 3));
	CHECK(mapped_as_read((const char *[]){ a, b, c }, 3));
	CHECK(mapped_as_read((const char *[]){ a, c, d, b }, 4));
	CHECK(mapped_as_read((const char *[]){ d, b }, 2));
	CHECK(mapped_as_read((const char *[]){ b }, 1));
	CHECK(mapped_as_read((const char *[]){ d }, 1));

	/* anything it would not take is left to load_images, which says what is wrong */
	struct ap_imgset m;
	struct load_map map;
	struct bb raw = idx3(2, 3, 3, 18), cut = idx3(2, 3, 3, 17);
	const char *gz = put_gz("m_gz.idx.gz", raw.p, raw.n), *short_ = put("m_cut.idx", cut.p, cut.n);
	const char *other = put_idx_random("m_other.idx", 2, 20, 28, 4);
	CHECK(!load_images_map((const char *[]){ a, gz }, 2, 0, &m, &map));
	CHECK(!load_images_map((const char *[]){ short_ }, 1, 0, &m, &map));
	CHECK(!load_images_map((const char *[]){ a, other }, 2, 0, &m, &map));
	CHECK(!load_images_map((const char *[]){ a, P("m_none.idx") }, 2, 0, &m, &map));
	CHECK(!load_images_map((const char *[]){ dir }, 1, 0, &m, &map));
	/* the cap, as load_file's: the file's size against it before anything is mapped */
	CHECK(!load_images_map((const char *[]){ b }, 1, 2000 * 28 * 28, &m, &map));
	CHECK(load_images_map((const char *[]){ b }, 1, 2000 * 28 * 28 + 16, &m, &map));
	load_unmap(&map);
	CHECK(m.pix && map.n == 0);
	CHECK(!load_images_map((const char *[]){ a }, 0, 0, &m, &map));
	bb_free(&raw);
	bb_free(&cut);

	/* a pipe is read, never mapped */
	int fd[2];
	char path[64];
	if (access("/dev/fd/0", F_OK) == 0 && pipe(fd) == 0) {
		struct bb p = idx3(2, 3, 3, 18);
		CHECK_EQ_INT(write(fd[1], p.p, p.n), (long long)p.n);
		close(fd[1]);
		snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
		CHECK(!load_images_map((const char *[]){ path }, 1, 0, &m, &map));
		CHECK_OK(load_images(path, 0, &m, &err));      /* and still all there to read */
		CHECK_EQ_INT(m.n, 2);
		imgset_free(&m);
		close(fd[0]);
		bb_free(&p);
	}
}

static void rm_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_load.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_load_file();
	test_idx_images();
	test_idx_labels();
	test_npy_parse();
	test_npy_images();
	test_npy_labels();
	test_lay_csv_good();
	test_lay_csv_bad();
	test_lay_npy();
	test_imgset();
	test_pipe();
	test_idx_parse();
	test_map();
	rm_dir();
	return t_done();
}
