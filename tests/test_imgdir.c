/*
 * test_imgdir: folders and manifests of PNG/JPEG files. A scratch folder gets PNGs of
 * every colour type (gray, RGB, RGBA, palette, 16-bit; written with libpng here),
 * JPEGs (libjpeg, quality 95), broken files and CSV manifests; the checks cover order,
 * scaled sizes, exact colours through the linear-light filter, alpha, channels, and
 * the exact error of every bad input.
 */
#include "io/imgdir.h"
#include "io/manifest.h"
#include "io/pngio.h"
#include "t.h"
#include "t_files.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

/* ---- scratch files ---- */

static void die(const char *what, const char *path)
{
	fprintf(stderr, "cannot %s %s\n", what, path);
	exit(2);
}

static const char *put(const char *name, const void *data, size_t n)
{
	const char *p = P(name);
	FILE *f = fopen(p, "wb");

	if (!f || fwrite(data, 1, n, f) != n)
		die("write", p);
	fclose(f);
	return p;
}

static const char *put_str(const char *name, const char *s)
{
	return put(name, s, strlen(s));
}

static void sub(const char *name)
{
	if (mkdir(P(name), 0755) != 0)
		die("create", P(name));
}

/* A PNG through libpng: rows of `bits`-deep samples of `ctype`, and a palette if any. */
static void put_png(const char *name, uint32_t w, uint32_t h, int bits, int ctype, const uint8_t *data,
	size_t stride, const png_color *pal, int npal)
{
	const char *p = P(name);
	FILE *f = fopen(p, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);

	if (!f || !png || !info || setjmp(png_jmpbuf(png)))
		die("write", p);
	png_init_io(png, f);
	png_set_IHDR(png, info, w, h, bits, ctype, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		PNG_FILTER_TYPE_DEFAULT);
	if (pal)
		png_set_PLTE(png, info, pal, npal);
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++)
		png_write_row(png, data + y * stride);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	fclose(f);
}

/* RGBA8 -> PNG of the given kind, through pngio. */
static const char *put_rgba(const char *name, const uint8_t *rgba, uint32_t w, uint32_t h, enum pngio_fmt fmt)
{
	struct pngio_wopts o = { .fmt = fmt };
	const char *p = P(name);

	if (pngio_write(p, rgba, w, h, &o, &err) < 0)
		die("write", err.msg);
	return p;
}

static uint8_t *fill(uint32_t w, uint32_t h, uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
	uint8_t *p = malloc((size_t)w * h * 4);

	for (size_t i = 0; i < (size_t)w * h; i++) {
		p[4 * i] = r;
		p[4 * i + 1] = g;
		p[4 * i + 2] = b;
		p[4 * i + 3] = a;
	}
	return p;
}

/* A w×h RGBA gradient, opaque. */
static uint8_t *gradient(uint32_t w, uint32_t h)
{
	uint8_t *p = malloc((size_t)w * h * 4);

	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *q = p + ((size_t)y * w + x) * 4;

			q[0] = (uint8_t)(x * 255 / w);
			q[1] = (uint8_t)(y * 255 / h);
			q[2] = 128;
			q[3] = 255;
		}
	return p;
}

/* A JPEG of quality 95 from 1 (gray), 3 (RGB) or 4 (CMYK, which libjpeg marks as
 * Adobe's: stored inverted, 255 = no ink) channels. */
static const char *put_jpeg(const char *name, const uint8_t *pix, uint32_t w, uint32_t h, int comps)
{
	const char *p = P(name);
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr je;
	FILE *f = fopen(p, "wb");

	if (!f)
		die("write", p);
	ci.err = jpeg_std_error(&je);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = w;
	ci.image_height = h;
	ci.input_components = comps;
	ci.in_color_space = comps == 1 ? JCS_GRAYSCALE : comps == 3 ? JCS_RGB : JCS_CMYK;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 95, TRUE);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < h) {
		JSAMPROW row = (JSAMPROW)(pix + (size_t)ci.next_scanline * w * comps);

		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	fclose(f);
	return p;
}

static uint8_t *rgb_of(const uint8_t *rgba, uint32_t w, uint32_t h)
{
	uint8_t *p = malloc((size_t)w * h * 3);

	for (size_t i = 0; i < (size_t)w * h; i++)
		memcpy(p + 3 * i, rgba + 4 * i, 3);
	return p;
}

/* The first n bytes of src copied to name (a truncated file). */
static void put_head(const char *name, const char *src, long n)
{
	FILE *f = fopen(src, "rb");
	char *buf = malloc((size_t)n);

	if (!f || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("read", src);
	fclose(f);
	put(name, buf, (size_t)n);
	free(buf);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static const uint8_t *px(const struct ap_imgset *s, size_t i, uint32_t x, uint32_t y)
{
	return imgset_pixels(s, i) + ((size_t)y * s->w + x) * s->c;
}

/* Does every pixel of image i equal v (c bytes)? Prints the first that does not. */
static int all_equal(const struct ap_imgset *s, size_t i, const uint8_t *v)
{
	for (uint32_t y = 0; y < imgset_ih(s, i); y++)
		for (uint32_t x = 0; x < imgset_iw(s, i); x++)
			if (memcmp(px(s, i, x, y), v, s->c) != 0) {
				const uint8_t *q = px(s, i, x, y);

				fprintf(stderr, "  image %zu pixel (%u, %u): %u %u %u %u\n", i, x, y, q[0],
					s->c > 1 ? q[1] : 0, s->c > 2 ? q[2] : 0, s->c > 3 ? q[3] : 0);
				return 0;
			}
	return 1;
}

static double srgb_encode(double v)
{
	return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

/* ---- on_skip ---- */

struct skips {
	int n;
	char path[256];
	char msg[512];
};

static void on_skip(void *user, const char *path, const char *msg)
{
	struct skips *s = user;

	s->n++;
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(s->msg, sizeof s->msg, "%s", msg);
}

/* ---- tests ---- */

static char broken_reason[512];

/* coll/: every kind of file, mixed sizes, one broken; also what must be ignored. */
static void make_collection(void)
{
	uint8_t *g;

	sub("coll");
	g = gradient(200, 100);
	put_rgba("coll/a_wide.png", g, 200, 100, PNGIO_RGB);
	free(g);

	g = fill(30, 40, 90, 90, 90, 255);
	put_rgba("coll/b_small.png", g, 30, 40, PNGIO_GRAY);
	free(g);

	{       /* palette, one colour used */
		png_color pal[2] = { { 1, 2, 3 }, { 10, 200, 30 } };
		uint8_t *idx = malloc(100 * 50);

		memset(idx, 1, 100 * 50);
		put_png("coll/c_pal.png", 100, 50, 8, PNG_COLOR_TYPE_PALETTE, idx, 100, pal, 2);
		free(idx);
	}
	{       /* 16-bit RGB, samples v * 257 so they scale to v exactly */
		uint8_t *d = malloc(80 * 120 * 6);

		for (size_t i = 0; i < 80 * 120; i++) {
			d[6 * i] = d[6 * i + 1] = 128;
			d[6 * i + 2] = d[6 * i + 3] = 64;
			d[6 * i + 4] = d[6 * i + 5] = 200;
		}
		put_png("coll/d_16.png", 80, 120, 16, PNG_COLOR_TYPE_RGB, d, 80 * 6, NULL, 0);
		free(d);
	}
	g = fill(320, 240, 200, 100, 50, 255);
	{
		uint8_t *rgb = rgb_of(g, 320, 240);

		put_jpeg("coll/e_photo.jpg", rgb, 320, 240, 3);
		free(rgb);
	}
	free(g);
	{
		uint8_t *gray = malloc(90 * 160);

		memset(gray, 70, 90 * 160);
		put_jpeg("coll/F_UPPER.JPG", gray, 90, 160, 1);
		free(gray);
	}
	g = fill(64, 64, 0, 255, 0, 100);
	put_rgba("coll/g_alpha.png", g, 64, 64, PNGIO_RGBA);
	free(g);
	{
		uint8_t *rgb = malloc(50 * 300 * 3);

		memset(rgb, 33, 50 * 300 * 3);
		put_jpeg("coll/h_tall.jpeg", rgb, 50, 300, 3);
		free(rgb);
	}
	g = gradient(100, 100);
	put_rgba("z_whole.png", g, 100, 100, PNGIO_RGB);
	free(g);
	put_head("coll/z_broken.png", P("z_whole.png"), file_size(P("z_whole.png")) / 2);
	if (pngio_read(P("coll/z_broken.png"), &g, &(uint32_t){ 0 }, &(uint32_t){ 0 }, NULL, &err) == 0)
		die("truncate", "z_broken.png");
	/* pngio's reason, without its "png 'PATH': " */
	snprintf(broken_reason, sizeof broken_reason, "%s", err.msg + strlen("png '") + strlen(P("coll/z_broken.png")) + 3);

	put_str("coll/notes.txt", "not an image");
	put_str("coll/.hidden.png", "hidden, so never read");
	sub("coll/sub.png");
	put_str("coll/sub.png/inner.png", "in a subfolder, so never read");
}

static void test_collection(void)
{
	static const char *const order[] = { "F_UPPER.JPG", "a_wide.png", "b_small.png", "c_pal.png", "d_16.png",
		"e_photo.jpg", "g_alpha.png", "h_tall.jpeg" };
	static const uint16_t ws[] = { 36, 64, 30, 64, 43, 64, 64, 11 }, hs[] = { 64, 32, 40, 32, 64, 48, 64, 64 };
	struct ap_imgset s;
	char **names = NULL;
	struct skips sk = { 0 };
	struct imgdir_opts o = { .on_bad = IMGDIR_SKIP, .on_skip = on_skip, .user = &sk };

	make_collection();

	/* on_bad fail (the default): the broken file's path and pngio's reason */
	CHECK_ERR(imgdir_load(P("coll"), NULL, &s, &names, &err), "images '%s': %s", P("coll/z_broken.png"),
		broken_reason);
	CHECK(s.pix == NULL && s.n == 0 && names == NULL);
	CHECK(strlen(broken_reason) > 0);

	/* on_bad skip: dropped, reported once */
	CHECK_OK(imgdir_load(P("coll"), &o, &s, &names, &err));
	CHECK_EQ_INT(sk.n, 1);
	CHECK_STR(sk.path, P("coll/z_broken.png"));
	{
		char want[600];

		snprintf(want, sizeof want, "images '%s': %s", P("coll/z_broken.png"), broken_reason);
		CHECK_STR(sk.msg, want);
	}
	CHECK_EQ_INT(s.n, 8);
	CHECK_EQ_INT(s.w, 64);
	CHECK_EQ_INT(s.h, 64);
	CHECK_EQ_INT(s.c, 4);
	CHECK(s.iw && s.ih);
	for (size_t i = 0; i < 8 && s.n == 8; i++) {
		CHECK_STR(names[i], order[i]);
		CHECK_EQ_INT(s.iw[i], ws[i]);
		CHECK_EQ_INT(s.ih[i], hs[i]);
	}
	if (s.n == 8) {
		/* palette, 16-bit and gray decode to their exact colours; JPEGs nearly */
		CHECK(all_equal(&s, 3, (const uint8_t[]){ 10, 200, 30, 255 }));
		CHECK(all_equal(&s, 4, (const uint8_t[]){ 128, 64, 200, 255 }));
		CHECK(all_equal(&s, 2, (const uint8_t[]){ 90, 90, 90, 255 }));
		CHECK(all_equal(&s, 6, (const uint8_t[]){ 0, 255, 0, 100 }));
		static const int photo[3] = { 200, 100, 50 };

		for (int k = 0; k < 3; k++) {
			CHECK_NEAR(px(&s, 5, 10, 10)[k], photo[k], 3);
			CHECK_NEAR(px(&s, 0, 5, 60)[k], 70, 2);
			CHECK_NEAR(px(&s, 7, 5, 30)[k], 33, 2);
		}
		CHECK_EQ_INT(px(&s, 5, 10, 10)[3], 255);
		/* the gradient runs left to right, top to bottom */
		CHECK(px(&s, 1, 60, 5)[0] > px(&s, 1, 3, 5)[0] + 200);
		CHECK(px(&s, 1, 5, 30)[1] > px(&s, 1, 5, 1)[1] + 200);
		/* the slot outside an image is zero */
		CHECK(all_equal(&(struct ap_imgset){ .n = 1, .w = s.w, .h = s.h, .c = 4, .pix = (uint8_t *)px(&s, 1, 0, 32),
			.iw = (uint16_t[]){ 64 }, .ih = (uint16_t[]){ 32 } }, 0, (const uint8_t[]){ 0, 0, 0, 0 }));
		CHECK_EQ_INT(px(&s, 2, 30, 0)[3], 0);
	}
	imgdir_names_free(names, s.n);
	imgset_free(&s);

	/* a smaller cell, and no names wanted */
	o.cell = 16;
	sk.n = 0;
	CHECK_OK(imgdir_load(P("coll"), &o, &s, NULL, &err));
	CHECK_EQ_INT(s.n, 8);
	CHECK_EQ_INT(s.w, 16);
	CHECK_EQ_INT(s.h, 16);
	if (s.n == 8) {
		CHECK_EQ_INT(s.iw[1], 16);
		CHECK_EQ_INT(s.ih[1], 8);
		CHECK_EQ_INT(s.iw[7], 3);      /* 50x300 -> 2.67 -> 3 */
		CHECK_EQ_INT(s.ih[7], 16);
	}
	imgset_free(&s);

	o.cell = 2000;
	CHECK_ERR(imgdir_load(P("coll"), &o, &s, NULL, &err), "images '%s': cell size 2000 is too large (at most 1024)",
		P("coll"));
}

/* Constant colours come back exactly; sizes below the cell stay. */
static void test_exact(void)
{
	struct ap_imgset s;
	char **names = NULL;
	uint8_t *g;

	sub("const");
	g = fill(300, 200, 37, 150, 222, 255);
	put_rgba("const/a.png", g, 300, 200, PNGIO_RGB);
	free(g);
	g = fill(97, 61, 1, 254, 128, 255);
	put_rgba("const/b.png", g, 97, 61, PNGIO_RGB);
	free(g);
	g = fill(30, 40, 5, 6, 7, 255);
	put_rgba("const/c.png", g, 30, 40, PNGIO_RGB);
	free(g);
	CHECK_OK(imgdir_load(P("const/"), NULL, &s, &names, &err));
	CHECK_EQ_INT(s.n, 3);
	CHECK_EQ_INT(s.c, 3);
	if (s.n == 3) {
		CHECK_EQ_INT(s.iw[0], 64);
		CHECK_EQ_INT(s.ih[0], 43);
		CHECK_EQ_INT(s.iw[1], 64);
		CHECK_EQ_INT(s.ih[1], 40);
		CHECK_EQ_INT(s.iw[2], 30);
		CHECK_EQ_INT(s.ih[2], 40);
		CHECK(all_equal(&s, 0, (const uint8_t[]){ 37, 150, 222 }));
		CHECK(all_equal(&s, 1, (const uint8_t[]){ 1, 254, 128 }));
		CHECK(all_equal(&s, 2, (const uint8_t[]){ 5, 6, 7 }));
		CHECK_STR(names[2], "c.png");
	}
	imgdir_names_free(names, s.n);
	imgset_free(&s);

	/* every byte value survives the round trip through linear light */
	sub("ramp");
	g = malloc(256 * 2 * 4);
	for (int x = 0; x < 256; x++)
		for (int y = 0; y < 2; y++)
			memcpy(g + (y * 256 + x) * 4, (uint8_t[]){ (uint8_t)x, (uint8_t)x, (uint8_t)x, 255 }, 4);
	/* 256x2 -> 128x1 would mix neighbours; 2x-wide pixels make every 2x2 block constant */
	{
		uint8_t *w2 = malloc(512 * 2 * 4);

		for (int y = 0; y < 2; y++)
			for (int x = 0; x < 512; x++)
				memcpy(w2 + (y * 512 + x) * 4, g + (y * 256 + x / 2) * 4, 4);
		put_rgba("ramp/r.png", w2, 512, 2, PNGIO_GRAY);
		free(w2);
	}
	free(g);
	CHECK_OK(imgdir_load(P("ramp"), &(struct imgdir_opts){ .cell = 256 }, &s, NULL, &err));
	CHECK_EQ_INT(s.c, 1);
	if (s.n == 1) {
		int bad = 0;

		CHECK_EQ_INT(s.iw[0], 256);
		CHECK_EQ_INT(s.ih[0], 1);
		for (int x = 0; x < 256; x++)
			bad += px(&s, 0, (uint32_t)x, 0)[0] != x;
		CHECK_EQ_INT(bad, 0);
	}
	imgset_free(&s);
}

/* The filter works in linear light with exact area weights. */
static void test_linear(void)
{
	struct ap_imgset s;
	uint8_t *g = malloc(128 * 128 * 4);

	sub("checker");
	for (int y = 0; y < 128; y++)
		for (int x = 0; x < 128; x++)
			memset(g + (y * 128 + x) * 4, (x + y) % 2 ? 255 : 0, 3), g[(y * 128 + x) * 4 + 3] = 255;
	put_rgba("checker/c.png", g, 128, 128, PNGIO_GRAY);
	free(g);
	CHECK_OK(imgdir_load(P("checker"), NULL, &s, NULL, &err));
	CHECK_EQ_INT(s.c, 1);
	CHECK_EQ_INT(s.w, 64);
	if (s.n == 1)
		CHECK(all_equal(&s, 0, (const uint8_t[]){ 188 }));
	imgset_free(&s);

	/* 3 px -> 2 px: the middle pixel is split half and half, each output gets 2/3 + 1/3 */
	sub("thirds");
	put_rgba("thirds/t.png", (const uint8_t[]){ 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255 }, 3, 1, PNGIO_GRAY);
	CHECK_OK(imgdir_load(P("thirds"), &(struct imgdir_opts){ .cell = 2 }, &s, NULL, &err));
	if (s.n == 1) {
		int want = (int)lround(255 * srgb_encode(1 / 3.0));

		CHECK_EQ_INT(s.iw[0], 2);
		CHECK_EQ_INT(s.ih[0], 1);
		CHECK_EQ_INT(px(&s, 0, 0, 0)[0], want);
		CHECK_EQ_INT(px(&s, 0, 1, 0)[0], want);
		CHECK_EQ_INT(want, 156);
	}
	imgset_free(&s);
}

/* Premultiplied: a transparent red next to opaque blue does not turn it purple. */
static void test_alpha(void)
{
	struct ap_imgset s;
	uint8_t *g = malloc(128 * 128 * 4);

	sub("alpha");
	for (int y = 0; y < 128; y++)
		for (int x = 0; x < 128; x++)
			memcpy(g + (y * 128 + x) * 4, x % 2 ? (uint8_t[]){ 0, 0, 255, 255 } : (uint8_t[]){ 255, 0, 0, 0 }, 4);
	put_rgba("alpha/a.png", g, 128, 128, PNGIO_RGBA);
	free(g);
	CHECK_OK(imgdir_load(P("alpha"), NULL, &s, NULL, &err));
	CHECK_EQ_INT(s.c, 4);
	if (s.n == 1) {
		const uint8_t *p = px(&s, 0, 17, 33);

		CHECK_EQ_INT(p[0], 0);
		CHECK_EQ_INT(p[1], 0);
		CHECK_EQ_INT(p[2], 255);
		CHECK_NEAR(p[3], 128, 1);
		CHECK(all_equal(&s, 0, p));
	}
	imgset_free(&s);
}

/* Gray JPEGs give a gray set; CMYK ones colour. */
static void test_jpeg(void)
{
	struct ap_imgset s;
	uint8_t *g = malloc(100 * 80 * 4);

	sub("jgray");
	memset(g, 150, 100 * 80);
	put_jpeg("jgray/a.jpg", g, 100, 80, 1);
	put_jpeg("jgray/b.jpg", g, 80, 100, 1);
	CHECK_OK(imgdir_load(P("jgray"), NULL, &s, NULL, &err));
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(s.c, 1);
	CHECK_EQ_INT(s.w, 64);
	CHECK_EQ_INT(s.h, 64);
	if (s.n == 2) {
		CHECK_EQ_INT(s.ih[0], 51);
		CHECK_EQ_INT(s.iw[1], 51);
		CHECK_NEAR(px(&s, 1, 20, 20)[0], 150, 2);
	}
	imgset_free(&s);

	sub("cmyk");
	for (int i = 0; i < 100 * 80; i++)
		memcpy(g + 4 * i, (uint8_t[]){ 255, 128, 255, 255 }, 4);
	put_jpeg("cmyk/c.jpg", g, 100, 80, 4);
	CHECK_OK(imgdir_load(P("cmyk"), NULL, &s, NULL, &err));
	CHECK_EQ_INT(s.c, 3);
	if (s.n == 1) {
		CHECK_NEAR(px(&s, 0, 30, 20)[0], 255, 3);
		CHECK_NEAR(px(&s, 0, 30, 20)[1], 128, 3);
		CHECK_NEAR(px(&s, 0, 30, 20)[2], 255, 3);
	}
	imgset_free(&s);
	free(g);
}

static void test_errors(void)
{
	struct ap_imgset s;
	char **names = NULL;
	uint8_t *g;

	sub("empty");
	put_str("empty/readme.txt", "no images here");
	CHECK_ERR(imgdir_load(P("empty/"), NULL, &s, &names, &err), "images '%s': no PNG or JPEG files", P("empty/"));
	CHECK_ERR(imgdir_load(P("nope"), NULL, &s, &names, &err),
		"images '%s': cannot open folder: no such file or directory", P("nope"));

	sub("notjpeg");
	put_str("notjpeg/x.jpg", "hello, not a jpeg");
	CHECK_ERR(imgdir_load(P("notjpeg"), NULL, &s, NULL, &err), "images '%s': not a JPEG file", P("notjpeg/x.jpg"));
	put_str("notjpeg/a.png", "");
	CHECK_ERR(imgdir_load(P("notjpeg"), NULL, &s, NULL, &err), "images '%s': not a PNG file", P("notjpeg/a.png"));
	/* every file bad, skipped */
	CHECK_ERR(imgdir_load(P("notjpeg"), &(struct imgdir_opts){ .on_bad = IMGDIR_SKIP }, &s, NULL, &err),
		"images '%s': none of the 2 images could be read (skipped)", P("notjpeg"));

	/* a truncated JPEG is an error, not a grey image (and not exit()) */
	sub("badjpeg");
	g = gradient(256, 256);
	{
		uint8_t *rgb = rgb_of(g, 256, 256);

		put_jpeg("whole.jpg", rgb, 256, 256, 3);
		free(rgb);
	}
	free(g);
	put_head("badjpeg/t.jpg", P("whole.jpg"), file_size(P("whole.jpg")) / 2);
	CHECK_ERR(imgdir_load(P("badjpeg"), NULL, &s, NULL, &err), "images '%s': premature end of JPEG file",
		P("badjpeg/t.jpg"));
	/* SOI, then garbage */
	put("badjpeg/t.jpg", "\xff\xd8\xff\x01garbage garbage garbage", 26);
	memset(&err, 0, sizeof err);
	CHECK(imgdir_load(P("badjpeg"), NULL, &s, NULL, &err) < 0);
	{
		char want[300];

		snprintf(want, sizeof want, "images '%s': ", P("badjpeg/t.jpg"));
		CHECK(strncmp(err.msg, want, strlen(want)) == 0 && strlen(err.msg) > strlen(want));
	}

	/* told by content: a PNG named .jpg is read */
	sub("named");
	g = fill(10, 20, 1, 2, 3, 255);
	put_rgba("named/p.jpg", g, 10, 20, PNGIO_RGB);
	free(g);
	CHECK_OK(imgdir_load(P("named"), NULL, &s, NULL, &err));
	CHECK(s.n == 1 && all_equal(&s, 0, (const uint8_t[]){ 1, 2, 3 }));
	imgset_free(&s);

	/* limits, checked from the header before decoding */
	sub("huge");
	{
		uint8_t h[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
			0, 0, 0x9c, 0x40, 0, 0, 0, 10, 8, 2, 0, 0, 0 };

		put("huge/h.png", h, sizeof h);
	}
	CHECK_ERR(imgdir_load(P("huge"), NULL, &s, NULL, &err),
		"images '%s': image 40000x10 is too large (at most 32768 pixels a side)", P("huge/h.png"));
	sub("big");
	g = fill(100, 100, 1, 2, 3, 255);
	put_rgba("big/b.png", g, 100, 100, PNGIO_RGB);
	{
		uint8_t *rgb = rgb_of(g, 100, 100);

		put_jpeg("big/c.jpg", rgb, 100, 100, 3);
		free(rgb);
	}
	free(g);
	CHECK_ERR(imgdir_load(P("big"), &(struct imgdir_opts){ .max_bytes = 39999 }, &s, NULL, &err),
		"images '%s': image 100x100 is too large: decoding needs more than the limit of 39999 bytes",
		P("big/b.png"));
	CHECK_ERR(imgdir_load(P("big"), &(struct imgdir_opts){ .max_bytes = 39999, .on_bad = IMGDIR_SKIP }, &s, NULL,
		&err), "images '%s': none of the 2 images could be read (skipped)", P("big"));
	unlink(P("big/b.png"));
	CHECK_ERR(imgdir_load(P("big"), &(struct imgdir_opts){ .max_bytes = 39999 }, &s, NULL, &err),
		"images '%s': image 100x100 is too large: decoding needs more than the limit of 39999 bytes",
		P("big/c.jpg"));
	CHECK_ERR(imgdir_load(P("big"), &(struct imgdir_opts){ .max_bytes = 10000 }, &s, NULL, &err),
		"images '%s': too large: 1 images in 64x64 cells need more than the limit of 10000 bytes", P("big"));
	CHECK_OK(imgdir_load(P("big"), &(struct imgdir_opts){ .max_bytes = 40000 }, &s, NULL, &err));
	imgset_free(&s);
}

static void test_manifest(void)
{
	struct ap_imgset s;
	double *xy = NULL;
	int32_t *lab = NULL;
	char text[1024];
	uint8_t *g;

	sub("man");
	sub("man/imgs");
	g = fill(200, 100, 10, 20, 30, 255);
	put_rgba("man/imgs/a.png", g, 200, 100, PNGIO_RGB);
	put_rgba("man/imgs/with,comma.png", g, 200, 100, PNGIO_RGB);
	free(g);
	g = fill(20, 40, 40, 50, 60, 255);
	put_rgba("abs.png", g, 20, 40, PNGIO_RGB);
	free(g);
	put_head("man/imgs/broken.png", P("z_whole.png"), file_size(P("z_whole.png")) / 2);

	/* BOM, CRLF, blank lines, columns in any order and case, extra columns, quotes, an absolute path */
	snprintf(text, sizeof text,
		"\xef\xbb\xbf" "label, Path ,X,y,extra\r\n"
		"\r\n"
		"3,imgs/a.png,1.5,-2,zz\r\n"
		"  \r\n"
		"7,%s,0,1e3,\r\n"
		"0,\"imgs/with,comma.png\",-0.25,4,\"q\"\"q\"\r\n", P("abs.png"));
	put_str("man/m.csv", text);
	CHECK_OK(manifest_load(P("man/m.csv"), NULL, &s, &xy, &lab, &err));
	CHECK_EQ_INT(s.n, 3);
	CHECK_EQ_INT(s.c, 3);
	CHECK(lab != NULL);
	if (s.n == 3 && lab) {
		CHECK_NEAR(xy[0], 1.5, 0);
		CHECK_NEAR(xy[1], -2, 0);
		CHECK_NEAR(xy[2], 0, 0);
		CHECK_NEAR(xy[3], 1000, 0);
		CHECK_NEAR(xy[4], -0.25, 0);
		CHECK_NEAR(xy[5], 4, 0);
		CHECK_EQ_INT(lab[0], 3);
		CHECK_EQ_INT(lab[1], 7);
		CHECK_EQ_INT(lab[2], 0);
		CHECK_EQ_INT(s.iw[0], 64);
		CHECK_EQ_INT(s.ih[0], 32);
		CHECK_EQ_INT(s.iw[1], 20);
		CHECK_EQ_INT(s.ih[1], 40);
		CHECK(all_equal(&s, 0, (const uint8_t[]){ 10, 20, 30 }));
		CHECK(all_equal(&s, 1, (const uint8_t[]){ 40, 50, 60 }));
		CHECK(all_equal(&s, 2, (const uint8_t[]){ 10, 20, 30 }));
	}
	free(xy);
	free(lab);
	imgset_free(&s);

	/* no label column: labels NULL; a broken image is fatal, or skipped with its row */
	put_str("man/n.csv", "x,y,path\n1,2,imgs/a.png\n3,4,imgs/broken.png\n5,6,imgs/a.png\n");
	CHECK_ERR(manifest_load(P("man/n.csv"), NULL, &s, &xy, &lab, &err),
		"manifest '%s' line 3: images '%s': %s", P("man/n.csv"), P("man/imgs/broken.png"), broken_reason);
	CHECK(xy == NULL && lab == NULL && s.pix == NULL);
	{
		struct skips sk = { 0 };
		struct imgdir_opts o = { .on_bad = IMGDIR_SKIP, .on_skip = on_skip, .user = &sk };

		lab = (int32_t *)&sk;   /* must become NULL */
		CHECK_OK(manifest_load(P("man/n.csv"), &o, &s, &xy, &lab, &err));
		CHECK(lab == NULL);
		CHECK_EQ_INT(s.n, 2);
		CHECK_EQ_INT(sk.n, 1);
		CHECK_STR(sk.path, P("man/imgs/broken.png"));
		if (s.n == 2) {
			CHECK_NEAR(xy[0], 1, 0);
			CHECK_NEAR(xy[1], 2, 0);
			CHECK_NEAR(xy[2], 5, 0);
			CHECK_NEAR(xy[3], 6, 0);
		}
		free(xy);
		imgset_free(&s);
	}
	/* labels dropped with their row too */
	put_str("man/l.csv", "path,x,y,label\nimgs/broken.png,1,2,9\nimgs/a.png,3,4,5\n");
	CHECK_OK(manifest_load(P("man/l.csv"), &(struct imgdir_opts){ .on_bad = IMGDIR_SKIP }, &s, &xy, &lab,
		&err));
	CHECK(s.n == 1 && lab && lab[0] == 5 && xy[0] == 3 && xy[1] == 4);
	free(xy);
	free(lab);
	imgset_free(&s);

	/* missing file */
	put_str("man/f.csv", "path,x,y\nimgs/missing.png,1,2\n");
	CHECK_ERR(manifest_load(P("man/f.csv"), NULL, &s, &xy, &lab, &err),
		"manifest '%s' line 2: images '%s': cannot open: no such file or directory", P("man/f.csv"),
		P("man/imgs/missing.png"));

	/* bad CSV */
	static const struct {
		const char *csv, *msg;
	} bad[] = {
		{ "path,x,y\nimgs/a.png,1,2\n\nimgs/a.png,abc,2\n", "line 4: expected a number in column 'x', got 'abc'" },
		{ "path,X,y\nimgs/a.png,1,2\nimgs/a.png,,2\n", "line 3: expected a number in column 'X', got ''" },
		{ "path,x,y\nimgs/a.png,1,nan\n", "line 2: y is not finite (nan)" },
		{ "path,x,y\nimgs/a.png,-inf,1\n", "line 2: x is not finite (-inf)" },
		{ "path,x,y,label\nimgs/a.png,1,2,1.5\n",
		  "line 2: expected a whole number from 0 to 2147483647 in column 'label', got '1.5'" },
		{ "path,x,y,label\nimgs/a.png,1,2,-1\n",
		  "line 2: expected a whole number from 0 to 2147483647 in column 'label', got '-1'" },
		{ "path,x,y\nimgs/a.png,1\n", "line 2: expected 3 fields, got 2" },
		{ "path,x,y\n,1,2\n", "line 2: empty path" },
		{ "path,x,y\n\"imgs/a.png,1,2\n", "line 2: unterminated quote" },
		{ "path,x,y\n\"imgs/a.png\"x,1,2\n", "line 2: text after a closing quote" },
		{ "file,x,y\nimgs/a.png,1,2\n", "line 1: header has no column named 'path'" },
		{ "\n\npath,y\nimgs/a.png,1\n", "line 3: header has no column named 'x'" },
		{ "path,x,y,X\nimgs/a.png,1,2,3\n", "line 1: header has two columns named 'x'" },
		{ "path,x,y\n\n", ": no rows" },
		{ "", ": empty file" },
		{ "path,x,y\nimgs/a.png,1,2\x00\n", "line 2: NUL byte (not a text file)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i].csv);

		if (strstr(bad[i].msg, "NUL"))
			n += 2;
		put("man/bad.csv", bad[i].csv, n);
		CHECK_ERR(manifest_load(P("man/bad.csv"), NULL, &s, &xy, &lab, &err), "manifest '%s'%s%s",
			P("man/bad.csv"), bad[i].msg[0] == ':' ? "" : " ", bad[i].msg);
	}
	CHECK_ERR(manifest_load(P("man/none.csv"), NULL, &s, &xy, NULL, &err),
		"manifest '%s': cannot open: no such file or directory", P("man/none.csv"));
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_imgdir.XXXXXX");
	if (!mkdtemp(dir))
		die("create", dir);
	test_collection();
	test_exact();
	test_linear();
	test_alpha();
	test_jpeg();
	test_errors();
	test_manifest();
	if (t_fail == 0) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	} else {
		fprintf(stderr, "files kept in %s\n", dir);
	}
	return t_done();
}
