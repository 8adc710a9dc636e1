/* pngio: round trips, colour types, tEXt, atomic writes and their failures, corrupt,
 * truncated and oversized files, and the other PNG flavours the reader accepts. */
#include <dirent.h>
#include <png.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "io/pngio.h"
#include "t.h"

static char dir[64];

static const char *at(const char *name)
{
	static char buf[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*len + 1);
	if (fread(b, 1, *len, f) != *len)
		*len = 0;
	fclose(f);
	return b;
}

static void spit(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	fwrite(b, 1, len, f);
	fclose(f);
}

/* Number of entries in dir other than . and .. */
static int count_entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static uint8_t *make(uint32_t w, uint32_t h, int kind)
{
	uint8_t *p = malloc((size_t)w * h * 4);
	for (uint32_t i = 0; i < w * h; i++) {
		uint8_t v = (uint8_t)(i * 37 + i / w * 11);
		p[4 * i] = v;
		p[4 * i + 1] = kind >= 3 ? (uint8_t)(v ^ 0x5a) : v;
		p[4 * i + 2] = kind >= 3 ? (uint8_t)(v + 77) : v;
		p[4 * i + 3] = kind == 4 ? (uint8_t)(i * 13) : 255;
	}
	return p;
}

static int ihdr_color_type(const char *path)
{
	size_t len = 0;
	uint8_t *b = slurp(path, &len);
	int t = b && len > 25 ? b[25] : -1;
	free(b);
	return t;
}

static void test_round_trip(void)
{
	static const struct { int kind, channels, ctype; } cases[] = {
		{ 1, 1, 0 }, { 3, 3, 2 }, { 4, 4, 6 },
	};
	struct ap_err err = { "" };
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		uint8_t *src = make(33, 17, cases[c].kind), *back = NULL;
		uint32_t w = 0, h = 0;
		int ch = 0;
		CHECK_EQ_INT(pngio_write(at("rt.png"), src, 33, 17, NULL, &err), 0);
		CHECK_EQ_INT(ihdr_color_type(at("rt.png")), cases[c].ctype);
		CHECK_EQ_INT(pngio_read(at("rt.png"), &back, &w, &h, &ch, &err), 0);
		CHECK_EQ_INT(w, 33);
		CHECK_EQ_INT(h, 17);
		CHECK_EQ_INT(ch, cases[c].channels);
		CHECK(back && memcmp(src, back, 33 * 17 * 4) == 0);
		CHECK(pngio_is_valid_size(at("rt.png"), 33, 17));
		CHECK(!pngio_is_valid_size(at("rt.png"), 33, 16));
		free(back);
		free(src);
	}

	/* Forced formats: gray pixels stored as RGBA, RGBA stored as gray (r used). */
	uint8_t *src = make(8, 8, 1), *back = NULL;
	uint32_t w, h;
	int ch;
	CHECK_EQ_INT(pngio_write(at("f.png"), src, 8, 8, &(struct pngio_wopts){ .fmt = PNGIO_RGBA, .level = 9 }, &err), 0);
	CHECK_EQ_INT(ihdr_color_type(at("f.png")), 6);
	CHECK_EQ_INT(pngio_read(at("f.png"), &back, &w, &h, &ch, &err), 0);
	CHECK(back && memcmp(src, back, 8 * 8 * 4) == 0);
	free(back);
	free(src);
	src = make(8, 8, 4);
	CHECK_EQ_INT(pngio_write(at("f.png"), src, 8, 8, &(struct pngio_wopts){ .fmt = PNGIO_GRAY }, &err), 0);
	CHECK_EQ_INT(ihdr_color_type(at("f.png")), 0);
	CHECK_EQ_INT(pngio_read(at("f.png"), &back, &w, &h, NULL, &err), 0);
	CHECK(back && back[4 * 5] == src[4 * 5] && back[4 * 5 + 2] == src[4 * 5] && back[4 * 5 + 3] == 255);
	free(back);
	free(src);
	unlink(at("rt.png"));
	unlink(at("f.png"));
}

static void test_text(void)
{
	struct ap_err err = { "" };
	uint8_t *src = make(4, 4, 3);
	const struct pngio_text text[] = {
		{ "Software", "atlasplot 0.1.0" },
		{ "Comment", "atlasplot render -o a.png" },
	};
	CHECK_EQ_INT(pngio_write(at("t.png"), src, 4, 4, &(struct pngio_wopts){ .text = text, .ntext = 2 }, &err), 0);

	FILE *f = fopen(at("t.png"), "rb");
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	png_textp got = NULL;
	int n = 0;
	if (!setjmp(png_jmpbuf(png))) {
		png_init_io(png, f);
		png_read_info(png, info);
		png_get_text(png, info, &got, &n);
	}
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK_STR(got[0].key, "Software");
		CHECK_STR(got[0].text, "atlasplot 0.1.0");
		CHECK_EQ_INT(got[0].compression, PNG_TEXT_COMPRESSION_NONE);
		CHECK_STR(got[1].key, "Comment");
		CHECK_STR(got[1].text, "atlasplot render -o a.png");
	}
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);

	size_t len = 0;
	uint8_t *b = slurp(at("t.png"), &len);
	static const char want[] = "tEXtSoftware\0atlasplot 0.1.0";
	bool found = false;
	for (size_t i = 0; b && i + sizeof want - 1 <= len && !found; i++)
		found = memcmp(b + i, want, sizeof want - 1) == 0;
	CHECK(found);
	free(b);
	free(src);
	unlink(at("t.png"));
}

static void test_atomic(void)
{
	struct ap_err err = { "" };
	char want[512];
	uint8_t *src = make(64, 64, 4);

	CHECK_EQ_INT(count_entries(), 0);
	CHECK_EQ_INT(pngio_write(at("a.png"), src, 64, 64, NULL, &err), 0);
	CHECK_EQ_INT(count_entries(), 1);
	/* Overwriting replaces the file and leaves nothing else. */
	CHECK_EQ_INT(pngio_write(at("a.png"), src, 32, 32, NULL, &err), 0);
	CHECK_EQ_INT(count_entries(), 1);
	CHECK(pngio_is_valid_size(at("a.png"), 32, 32));

	CHECK_EQ_INT(pngio_write(at("nope/a.png"), src, 8, 8, NULL, &err), -1);
	snprintf(want, sizeof want, "output '%s/nope/a.png': No such file or directory", dir);
	CHECK_STR(err.msg, want);

	/* A write that fails midway (file size limit, SIGXFSZ ignored as the CLI does)
	 * reports the error, removes its temporary file and keeps the old target. */
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1000;
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	int rc = pngio_write(at("a.png"), src, 64, 64, NULL, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	CHECK_EQ_INT(rc, -1);
	snprintf(want, sizeof want, "output '%s/a.png': File too large", dir);
	CHECK_STR(err.msg, want);
	CHECK_EQ_INT(count_entries(), 1);
	CHECK(pngio_is_valid_size(at("a.png"), 32, 32));

	/* Same through a stream. */
	FILE *f = fopen("/dev/full", "wb");
	if (f) {
		CHECK_EQ_INT(pngio_write_fp(f, "/dev/full", &(struct pngio_image){ src, 64, 64 }, NULL, &err), -1);
		CHECK_STR(err.msg, "output '/dev/full': No space left on device");
		fclose(f);
	}
	unlink(at("a.png"));
	free(src);
}

static void expect_read_error(const char *name, const char *why)
{
	struct ap_err err = { "" };
	char want[512];
	uint8_t *p = (uint8_t *)"x";
	uint32_t w, h;
	CHECK_EQ_INT(pngio_read(at(name), &p, &w, &h, NULL, &err), -1);
	CHECK(p == NULL);
	snprintf(want, sizeof want, "png '%s': %s", at(name), why);
	CHECK_STR(err.msg, want);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void test_corrupt(void)
{
	struct ap_err err = { "" };
	uint8_t *src = make(40, 30, 3);
	size_t len = 0;
	CHECK_EQ_INT(pngio_write(at("good.png"), src, 40, 30, NULL, &err), 0);
	uint8_t *b = slurp(at("good.png"), &len);

	expect_read_error("missing.png", "No such file or directory");
	spit(at("empty.png"), b, 0);
	expect_read_error("empty.png", "not a PNG file");
	spit(at("text.png"), (const uint8_t *)"hello, world\n", 13);
	expect_read_error("text.png", "not a PNG file");

	/* Cut inside the image data, and just before IEND. */
	spit(at("cut.png"), b, len / 2);
	expect_read_error("cut.png", "truncated file");
	CHECK(!pngio_is_valid_size(at("cut.png"), 40, 30));
	spit(at("noend.png"), b, len - 12);
	expect_read_error("noend.png", "truncated file");
	CHECK(!pngio_is_valid_size(at("noend.png"), 40, 30));
	CHECK(pngio_is_valid_size(at("good.png"), 40, 30));

	/* A flipped byte in the IDAT chunk's CRC (the 4 bytes before IEND's 12). */
	b[len - 13] ^= 0xff;
	spit(at("crc.png"), b, len);
	expect_read_error("crc.png", "IDAT: CRC error");
	CHECK(!pngio_is_valid_size(at("crc.png"), 40, 30));
	b[len - 13] ^= 0xff;

	/* An IHDR claiming 40000×10, with a correct CRC: refused before allocating. */
	put32(b + 16, 40000);
	put32(b + 20, 10);
	put32(b + 29, (uint32_t)crc32(0, b + 12, 17));
	spit(at("wide.png"), b, len);
	expect_read_error("wide.png", "image 40000x10 is too large (limits: 32768 px a side, 1024 MiB decoded)");
	put32(b + 16, 30000);
	put32(b + 20, 30000);
	put32(b + 29, (uint32_t)crc32(0, b + 12, 17));
	spit(at("big.png"), b, len);
	expect_read_error("big.png", "image 30000x30000 is too large (limits: 32768 px a side, 1024 MiB decoded)");

	free(b);
	free(src);
	const char *names[] = { "good.png", "empty.png", "text.png", "cut.png", "noend.png",
				"crc.png", "wide.png", "big.png" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(at(names[i]));
}

/* Write a PNG with libpng directly, in a format pngio never writes. */
static void write_raw(const char *path, uint32_t w, uint32_t h, int depth, int ctype,
		      const uint8_t *data, const png_color *pal, int npal, const uint8_t *trns,
		      int ntrns, const png_color_16 *trns_color, int interlace)
{
	FILE *f = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (!setjmp(png_jmpbuf(png))) {
		png_init_io(png, f);
		png_set_IHDR(png, info, w, h, depth, ctype, interlace, 0, 0);
		if (pal)
			png_set_PLTE(png, info, pal, npal);
		if (trns || trns_color)
			png_set_tRNS(png, info, trns, ntrns, trns_color);
		png_write_info(png, info);
		size_t stride = png_get_rowbytes(png, info);
		png_bytep rows[16];
		for (uint32_t y = 0; y < h; y++)
			rows[y] = (png_bytep)data + y * stride;
		png_write_image(png, rows);
		png_write_end(png, info);
	}
	png_destroy_write_struct(&png, &info);
	fclose(f);
}

static void expect_pixel(const char *name, uint32_t x, int want_ch, const uint8_t want[4])
{
	struct ap_err err = { "" };
	uint8_t *p = NULL;
	uint32_t w = 0, h = 0;
	int ch = 0;
	CHECK_EQ_INT(pngio_read(at(name), &p, &w, &h, &ch, &err), 0);
	CHECK_EQ_INT(ch, want_ch);
	if (p && x < w) {
		uint8_t *q = p + x * 4;
		if (memcmp(q, want, 4)) {
			fprintf(stderr, "%s pixel %u: %u,%u,%u,%u\n", name, x, q[0], q[1], q[2], q[3]);
			t_fail++;
		} else {
			t_pass++;
		}
	}
	free(p);
	unlink(at(name));
}

static void test_flavours(void)
{
	/* 16-bit RGB: big-endian samples scaled to 8 bits. */
	const uint8_t rgb16[] = { 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00, 0xff, 0xff };
	write_raw(at("rgb16.png"), 2, 1, 16, PNG_COLOR_TYPE_RGB, rgb16, NULL, 0, NULL, 0, NULL, 0);
	expect_pixel("rgb16.png", 0, 3, (const uint8_t[]){ 255, 128, 0, 255 });

	/* Gray + alpha. */
	const uint8_t ga[] = { 10, 20, 30, 40 };
	write_raw(at("ga.png"), 2, 1, 8, PNG_COLOR_TYPE_GRAY_ALPHA, ga, NULL, 0, NULL, 0, NULL, 0);
	expect_pixel("ga.png", 1, 2, (const uint8_t[]){ 30, 30, 30, 40 });

	/* Palette with tRNS, 4 bits per pixel. */
	const png_color pal[] = { { 255, 0, 0 }, { 0, 0, 255 } };
	const uint8_t alpha[] = { 128 };
	const uint8_t pix[] = { 0x01 };
	write_raw(at("pal.png"), 2, 1, 4, PNG_COLOR_TYPE_PALETTE, pix, pal, 2, alpha, 1, NULL, 0);
	expect_pixel("pal.png", 0, 4, (const uint8_t[]){ 255, 0, 0, 128 });
	write_raw(at("pal.png"), 2, 1, 4, PNG_COLOR_TYPE_PALETTE, pix, pal, 2, alpha, 1, NULL, 0);
	expect_pixel("pal.png", 1, 4, (const uint8_t[]){ 0, 0, 255, 255 });
	write_raw(at("pal3.png"), 2, 1, 4, PNG_COLOR_TYPE_PALETTE, pix, pal, 2, NULL, 0, NULL, 0);
	expect_pixel("pal3.png", 1, 3, (const uint8_t[]){ 0, 0, 255, 255 });

	/* 1-bit gray, and gray with a transparent colour. */
	const uint8_t bits[] = { 0x40 };
	write_raw(at("g1.png"), 2, 1, 1, PNG_COLOR_TYPE_GRAY, bits, NULL, 0, NULL, 0, NULL, 0);
	expect_pixel("g1.png", 1, 1, (const uint8_t[]){ 255, 255, 255, 255 });
	const uint8_t g8[] = { 7, 9 };
	png_color_16 key = { .gray = 7 };
	write_raw(at("gt.png"), 2, 1, 8, PNG_COLOR_TYPE_GRAY, g8, NULL, 0, NULL, 0, &key, 0);
	expect_pixel("gt.png", 0, 2, (const uint8_t[]){ 7, 7, 7, 0 });

	/* Interlaced RGBA: every pixel back in place, also through the row-only check. */
	uint8_t *src = make(9, 9, 4);
	write_raw(at("adam7.png"), 9, 9, 8, PNG_COLOR_TYPE_RGB_ALPHA, src, NULL, 0, NULL, 0, NULL,
		  PNG_INTERLACE_ADAM7);
	struct ap_err err = { "" };
	uint8_t *p = NULL;
	uint32_t w = 0, h = 0;
	CHECK_EQ_INT(pngio_read(at("adam7.png"), &p, &w, &h, NULL, &err), 0);
	CHECK(p && w == 9 && h == 9 && memcmp(p, src, 9 * 9 * 4) == 0);
	CHECK(pngio_is_valid_size(at("adam7.png"), 9, 9));
	free(p);
	free(src);
	unlink(at("adam7.png"));
}

/* gray_in: w×h gray bytes write the very file their RGBA8 form (r = g = b) writes as
 * GRAY, at zdef's level and through zlib, with tEXt. */
static void test_gray_in(void)
{
	struct ap_err err = { "" };
	struct pngio_text t[] = { { "Software", "atlasplot test" } };
	for (int level = 1; level <= 9; level += 5) {
		enum { W = 301, H = 97 };
		uint8_t *rgba = malloc((size_t)W * H * 4), *gray = malloc((size_t)W * H);
		for (size_t i = 0; i < (size_t)W * H; i++) {
			/* runs and noise: both of zdef's codings */
			gray[i] = (uint8_t)(i % 700 < 400 ? 17 : (i * 2654435761u) >> 24);
			memset(rgba + 4 * i, gray[i], 3);
			rgba[4 * i + 3] = 255;
		}
		struct pngio_wopts o = { .fmt = PNGIO_GRAY, .level = level, .text = t, .ntext = 1 };
		CHECK_EQ_INT(pngio_write(at("a.png"), rgba, W, H, &o, &err), 0);
		o.gray_in = true;
		CHECK_EQ_INT(pngio_write(at("b.png"), gray, W, H, &o, &err), 0);
		size_t na = 0, nb = 0;
		uint8_t *a = slurp(at("a.png"), &na), *b = slurp(at("b.png"), &nb);
		CHECK(a && b && na == nb && na > 100 && memcmp(a, b, na) == 0);
		free(a);
		free(b);
		free(rgba);
		free(gray);
		unlink(at("a.png"));
		unlink(at("b.png"));
	}
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_pngio.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	test_round_trip();
	test_text();
	test_atomic();
	test_corrupt();
	test_flavours();
	test_gray_in();
	CHECK_EQ_INT(count_entries(), 0);
	rmdir(dir);
	return t_done();
}
