#include "io/pngio.h"

#include "io/afile.h"
#include "io/regfile.h"
#include "io/zdef.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Encoder settings, measured on 1920×1080 MNIST frames (70,000 8-px sprites: the gray
 * overview, the same coloured by label, a gray zoom ×8), libpng 1.6.39 / zlib 1.2.13,
 * one core, best of 5:
 *
 *                       gray overview     RGB overview      gray zoom
 *   level 1, default, NONE   11.0 ms 161 KB    26.4 ms 327 KB    26.6 ms 474 KB
 *   level 1, default, UP     12.7 ms 198 KB    37.3 ms 443 KB    29.3 ms 582 KB
 *   level 1, Z_RLE, NONE      9.1 ms 137 KB    27.1 ms 401 KB    16.6 ms 419 KB
 *   level 1, Z_RLE, UP       10.7 ms 178 KB    31.4 ms 462 KB    19.3 ms 533 KB
 *   level 1, default, PAETH  17.5 ms 198 KB    47.9 ms 449 KB    36.2 ms 562 KB
 *   (level 2 is level 1 again; libpng's per-row filter choice costs 2.5× for nothing)
 *
 * Scatter frames are mostly runs of background between sprites, which filters only
 * break up: no filter, Z_RLE for gray (fastest and smallest), the default strategy for
 * colour (Z_RLE's files grow there for no speed).
 */
#define ENC_FILTER PNG_FILTER_NONE
#define ENC_ZBUF_SIZE (64 * 1024)

/* One stream and the first reason it failed; shared by libpng's I/O and error hooks. */
struct io {
	FILE *fp;
	char msg[256];
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct io *io = png_get_error_ptr(png);
	if (!io->msg[0])
		snprintf(io->msg, sizeof io->msg, "%s", msg);
	png_longjmp(png, 1);
}

/* Warnings (e.g. "iCCP: known incorrect sRGB profile") say nothing about our pixels. */
static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void fail_errno(png_structp png, struct io *io, const char *fallback)
{
	snprintf(io->msg, sizeof io->msg, "%s", errno ? strerror(errno) : fallback);
	png_error(png, io->msg);
}

static void write_fn(png_structp png, png_bytep data, size_t n)
{
	struct io *io = png_get_io_ptr(png);
	errno = 0;
	if (fwrite(data, 1, n, io->fp) != n)
		fail_errno(png, io, "write error");
}

static void flush_fn(png_structp png)
{
	struct io *io = png_get_io_ptr(png);
	errno = 0;
	if (fflush(io->fp))
		fail_errno(png, io, "write error");
}

static void read_fn(png_structp png, png_bytep data, size_t n)
{
	struct io *io = png_get_io_ptr(png);
	errno = 0;
	if (fread(data, 1, n, io->fp) != n) {
		if (ferror(io->fp))
			fail_errno(png, io, "read error");
		png_error(png, "truncated file");
	}
}

/* ---- writing ---- */

/* Is every pixel opaque, is every pixel gray (r == g == b)? In blocks, four pixels a
 * step where SSE2 is there: the scalar loop was 3 ms of a 7 ms gray 1080p encode. */
static enum pngio_fmt detect_fmt(const uint8_t *p, size_t npix)
{
	bool gray = true;
	for (size_t i = 0; i < npix;) {
		size_t end = npix - i < 4096 ? npix : i + 4096;
		uint32_t opaque = 0xff000000u, differ = 0;
#ifdef __SSE2__
		__m128i vo = _mm_set1_epi32(-1), vd = _mm_setzero_si128();
		for (; i + 4 <= end; i += 4) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 4 * i));
			vo = _mm_and_si128(vo, v);
			vd = _mm_or_si128(vd, _mm_xor_si128(v, _mm_srli_epi32(v, 8)));
		}
		uint32_t lo[4], ld[4];
		_mm_storeu_si128((__m128i *)(void *)lo, vo);
		_mm_storeu_si128((__m128i *)(void *)ld, vd);
		for (int k = 0; k < 4; k++)
			opaque &= lo[k], differ |= ld[k];
#endif
		for (; i < end; i++) {
			const uint8_t *q = p + 4 * i;
			uint32_t v = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
			opaque &= v;
			differ |= v ^ v >> 8;
		}
		/* r | g << 8 | b << 16 | a << 24: r^g and g^b in the low two bytes */
		if ((opaque & 0xff000000u) != 0xff000000u)
			return PNGIO_RGBA;
		gray = gray && !(differ & 0xffffu);
	}
	return gray ? PNGIO_GRAY : PNGIO_RGB;
}

/* The red byte of each RGBA pixel (r == g == b), 16 a step where SSE2 is there. */
static void to_gray(const uint8_t *s, uint8_t *d, uint32_t w)
{
	uint32_t x = 0;
#ifdef __SSE2__
	const __m128i m = _mm_set1_epi32(0xff);
	for (; x + 16 <= w; x += 16) {
		const __m128i *q = (const __m128i *)(const void *)(s + 4 * (size_t)x);
		__m128i a = _mm_and_si128(_mm_loadu_si128(q), m), b = _mm_and_si128(_mm_loadu_si128(q + 1), m);
		__m128i c = _mm_and_si128(_mm_loadu_si128(q + 2), m), e = _mm_and_si128(_mm_loadu_si128(q + 3), m);
		__m128i v = _mm_packus_epi16(_mm_packs_epi32(a, b), _mm_packs_epi32(c, e));
		_mm_storeu_si128((__m128i *)(void *)(d + x), v);
	}
#endif
	for (; x < w; x++)
		d[x] = s[4 * (size_t)x];
}

/*
 * Level 1, the default, does not go through libpng and zlib's deflate: zdef.h finds the
 * same runs as Z_RLE but without zlib's general machinery. Same frames as the table
 * above, this machine, one core, best of 7, gray ones written as gray:
 *
 *                       gray overview     RGB overview      gray zoom
 *   libpng, Z_RLE / default  11.0 ms 155 KB    31.2 ms 360 KB    24.0 ms 623 KB
 *   zdef                      3.4 ms 155 KB     9.9 ms 447 KB     9.1 ms 623 KB
 *
 * (RGB files are a quarter larger: zdef repeats only the pixel before, zlib's default
 * strategy also finds colours seen further back. Levels 2..9 go through zlib.)
 * Same filter (none), same chunks: signature, IHDR, tEXt, IDAT, IEND.
 */
#define FAST_CHUNK (128 * 1024)      /* scanline bytes a deflate block, about */

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A chunk whose data sits at buf + 8, with 4 bytes free after it. */
static bool put_chunk(FILE *fp, const char *type, uint8_t *buf, size_t n)
{
	be32(buf, (uint32_t)n);
	memcpy(buf + 4, type, 4);
	be32(buf + 8 + n, (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + 4, (uInt)(n + 4)));
	return fwrite(buf, 1, n + 12, fp) == n + 12;
}

static int write_fast(FILE *fp, const uint8_t *rgba, uint32_t w, uint32_t h, enum pngio_fmt fmt,
		      const struct pngio_wopts *o, char *msg, size_t cap)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const uint8_t ctype[] = { [PNGIO_GRAY] = 0, [PNGIO_RGB] = 2, [PNGIO_RGBA] = 6 };
	size_t bpp = fmt == PNGIO_GRAY ? 1 : fmt == PNGIO_RGB ? 3 : 4;
	size_t rowlen = 1 + (size_t)w * bpp;
	size_t rows = FAST_CHUNK / rowlen ? FAST_CHUNK / rowlen : 1;
	size_t chunk = rows * rowlen, textmax = 0;
	for (size_t i = 0; o && i < o->ntext; i++) {
		size_t t = strlen(o->text[i].key) + 1 + strlen(o->text[i].value);
		textmax = t > textmax ? t : textmax;
	}
	struct zdef z;
	uint8_t *in = malloc(ZDEF_MAX_DIST + chunk);
	size_t outcap = 12 + (zdef_bound(chunk) > textmax ? zdef_bound(chunk) : textmax) + 8;
	uint8_t *out = malloc(outcap);
	int rc = -1;
	errno = 0;
	if (zdef_init(&z, (unsigned)bpp, chunk) || !in || !out) {
		snprintf(msg, cap, "out of memory");
		goto out_free;
	}
	if (fwrite(sig, 1, sizeof sig, fp) != sizeof sig)
		goto out_io;
	be32(out + 8, w);
	be32(out + 12, h);
	memcpy(out + 16, (uint8_t[]){ 8, ctype[fmt], 0, 0, 0 }, 5);   /* depth, type, deflate, filters, no interlace */
	if (!put_chunk(fp, "IHDR", out, 13))
		goto out_io;
	if (o && o->dpi > 0) {
		uint32_t ppm = (uint32_t)(o->dpi / 0.0254 + 0.5);
		be32(out + 8, ppm);
		be32(out + 12, ppm);
		out[16] = 1;                       /* unit: metre */
		if (!put_chunk(fp, "pHYs", out, 9))
			goto out_io;
	}
	for (size_t i = 0; o && i < o->ntext; i++) {
		size_t k = strlen(o->text[i].key), v = strlen(o->text[i].value);
		memcpy(out + 8, o->text[i].key, k + 1);
		memcpy(out + 9 + k, o->text[i].value, v);
		if (!put_chunk(fp, "tEXt", out, k + 1 + v))
			goto out_io;
	}
	uint8_t *data = in + ZDEF_MAX_DIST, tail[ZDEF_MAX_DIST];
	size_t done = 0;
	for (uint32_t y = 0; y < h;) {
		uint32_t y1 = h - y < rows ? h : y + (uint32_t)rows;
		uint8_t *d = data;
		bool gray_in = o && o->gray_in;
		for (; y < y1; y++) {
			const uint8_t *s = rgba + (size_t)y * w * (gray_in ? 1 : 4);
			*d++ = 0;                      /* filter: none */
			if (gray_in)
				memcpy(d, s, w);
			else if (bpp == 4)
				memcpy(d, s, (size_t)w * 4);
			else if (bpp == 3)
				for (uint32_t x = 0; x < w; x++)
					memcpy(d + 3 * (size_t)x, s + 4 * (size_t)x, 3);
			else
				to_gray(s, d, w);
			d += (size_t)w * bpp;
		}
		size_t n = (size_t)(d - data), hist = done < ZDEF_MAX_DIST ? done : ZDEF_MAX_DIST;
		memcpy(data - hist, tail + ZDEF_MAX_DIST - hist, hist);
		size_t m = zdef_block(&z, data, n, hist, y == h, out + 8);
		if (y == h)
			m += zdef_finish(&z, out + 8 + m);
		if (m && !put_chunk(fp, "IDAT", out, m))
			goto out_io;
		/* the stream's last bytes, for the next block's repeats */
		if (n >= ZDEF_MAX_DIST) {
			memcpy(tail, data + n - ZDEF_MAX_DIST, ZDEF_MAX_DIST);
		} else {
			memmove(tail, tail + n, ZDEF_MAX_DIST - n);
			memcpy(tail + ZDEF_MAX_DIST - n, data, n);
		}
		done += n;
	}
	if (!put_chunk(fp, "IEND", out, 0))
		goto out_io;
	rc = 0;
	goto out_free;
out_io:
	snprintf(msg, cap, "%s", errno ? strerror(errno) : "write error");
out_free:
	zdef_free(&z);
	free(out);
	free(in);
	return rc;
}

/* The libpng part, alone in its own function so that nothing local to the function
 * calling setjmp changes between setjmp and longjmp. row holds one converted row. */
static int encode(png_structp png, png_infop info, const uint8_t *rgba, uint32_t w, uint32_t h,
		  enum pngio_fmt fmt, int level, const struct pngio_wopts *o, uint8_t *row,
		  png_textp text)
{
	static const int ctype[] = {
		[PNGIO_GRAY] = PNG_COLOR_TYPE_GRAY,
		[PNGIO_RGB] = PNG_COLOR_TYPE_RGB,
		[PNGIO_RGBA] = PNG_COLOR_TYPE_RGB_ALPHA,
	};
	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_compression_level(png, level);
	if (fmt == PNGIO_GRAY && level <= 2)
		png_set_compression_strategy(png, Z_RLE);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, ENC_FILTER);
	png_set_compression_buffer_size(png, ENC_ZBUF_SIZE);
	png_set_IHDR(png, info, w, h, 8, ctype[fmt], PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
	if (o && o->ntext) {
		for (size_t i = 0; i < o->ntext; i++) {
			text[i] = (png_text){ .compression = PNG_TEXT_COMPRESSION_NONE,
					      .key = (png_charp)o->text[i].key,
					      .text = (png_charp)o->text[i].value };
		}
		png_set_text(png, info, text, (int)o->ntext);
	}
	if (o && o->dpi > 0) {
		png_uint_32 ppm = (png_uint_32)(o->dpi / 0.0254 + 0.5);
		png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	}
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++) {
		if (o && o->gray_in) {
			png_write_row(png, rgba + (size_t)y * w);
			continue;
		}
		const uint8_t *s = rgba + (size_t)y * w * 4;
		if (fmt == PNGIO_RGBA) {
			png_write_row(png, s);
			continue;
		}
		if (fmt == PNGIO_GRAY) {
			for (uint32_t x = 0; x < w; x++)
				row[x] = s[4 * x];
		} else {
			for (uint32_t x = 0; x < w; x++)
				memcpy(row + 3 * (size_t)x, s + 4 * (size_t)x, 3);
		}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	return 0;
}

int pngio_write_fp(FILE *fp, const char *name, const struct pngio_image *im, const struct pngio_wopts *o,
		   struct ap_err *err)
{
	const uint8_t *rgba = im->rgba;
	uint32_t w = im->w, h = im->h;
	struct io io = { .fp = fp };
	png_structp png = NULL;
	png_infop info = NULL;
	uint8_t *row = NULL;
	png_textp text = NULL;
	int rc = -1;

	assert(rgba && w && h);
	enum pngio_fmt fmt = o ? o->fmt : PNGIO_AUTO;
	int level = o && o->level ? o->level : PNGIO_DEFAULT_LEVEL;
	assert(fmt >= PNGIO_AUTO && fmt <= PNGIO_RGBA && level >= 1 && level <= 9);
	assert(!(o && o->gray_in) || fmt == PNGIO_GRAY);
	if (fmt == PNGIO_AUTO)
		fmt = detect_fmt(rgba, (size_t)w * h);
	if (level == 1) {
		if (write_fast(fp, rgba, w, h, fmt, o, io.msg, sizeof io.msg)) {
			ap_errf(err, "output '%s': %s", name, io.msg);
			return -1;
		}
		errno = 0;
		if (fflush(fp))
			return ap_errf(err, "output '%s': %s", name, errno ? strerror(errno) : "write error");
		return 0;
	}

	row = malloc((size_t)w * 3);
	text = o && o->ntext ? calloc(o->ntext, sizeof *text) : NULL;
	if (!row || (o && o->ntext && !text)) {
		ap_errf(err, "output '%s': out of memory", name);
		goto out_free;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &io, on_error, on_warning);
	info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		ap_errf(err, "output '%s': out of memory", name);
		goto out_destroy_png;
	}
	png_set_write_fn(png, &io, write_fn, flush_fn);
	if (encode(png, info, rgba, w, h, fmt, level, o, row, text)) {
		ap_errf(err, "output '%s': %s", name, io.msg);
		goto out_destroy_png;
	}
	errno = 0;
	if (fflush(fp)) {
		ap_errf(err, "output '%s': %s", name, errno ? strerror(errno) : "write error");
		goto out_destroy_png;
	}
	rc = 0;
out_destroy_png:
	png_destroy_write_struct(&png, &info);
out_free:
	free(text);
	free(row);
	return rc;
}

struct png_put {
	const char *path;
	struct pngio_image im;
	const struct pngio_wopts *o;
};

static int put_png(FILE *fp, void *ctx, struct ap_err *err)
{
	const struct png_put *p = ctx;
	return pngio_write_fp(fp, p->path, &p->im, p->o, err);
}

int pngio_write(const char *path, const uint8_t *rgba, uint32_t w, uint32_t h,
		const struct pngio_wopts *o, struct ap_err *err)
{
	struct png_put p = { path, { rgba, w, h }, o };
	return afile_write(path, put_png, &p, err);
}

/* ---- reading ---- */

struct rd {
	struct io io;
	png_structp png;
	png_infop info;
	bool keep;              /* decode into pix, or through one row and discard */
	uint32_t want_w, want_h; /* if nonzero, stop at the header when the size differs */
	uint8_t *pix;
	png_bytep *rows;
	uint32_t w, h;
	int channels;
};

/* Limits set before png_read_info, so that no chunk makes libpng allocate much: text
 * and the other chunks we never look at are skipped unread (a tEXt claiming 1 GiB
 * cost 1 GiB), what it still keeps (iCCP, unknown chunks) is capped at
 * READ_CHUNK_MAX bytes or max, and the sides are our own checks' (libpng's 1e6 px
 * limit would refuse frames we write). */
#define READ_CHUNK_MAX ((size_t)8 << 20)
static void read_limits(png_structp png, size_t max)
{
	static const png_byte skip[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0eXIf\0pCAL\0sCAL\0hIST\0tIME\0";

	png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
	png_set_chunk_malloc_max(png, max < READ_CHUNK_MAX ? max : READ_CHUNK_MAX);
	png_set_chunk_cache_max(png, 128);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skip, (int)(sizeof skip - 1) / 5);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_sig_bytes(png, 8);
}

/* Channels the file holds, counting tRNS as alpha and a palette as RGB. */
static int file_channels(int ctype, bool trns)
{
	switch (ctype) {
	case PNG_COLOR_TYPE_GRAY: return trns ? 2 : 1;
	case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
	case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
	default: return trns ? 4 : 3;  /* RGB, palette */
	}
}

/* Everything between png_read_info and png_read_end; see encode about setjmp. */
static int decode(struct rd *r)
{
	png_structp png = r->png;
	png_infop info = r->info;

	if (setjmp(png_jmpbuf(png)))
		return -1;
	read_limits(png, PNGIO_MAX_BYTES);
	png_read_info(png, info);

	r->w = png_get_image_width(png, info);
	r->h = png_get_image_height(png, info);
	if (r->w > PNGIO_MAX_SIDE || r->h > PNGIO_MAX_SIDE ||
	    (size_t)r->w * r->h > PNGIO_MAX_BYTES / 4) {
		snprintf(r->io.msg, sizeof r->io.msg,
			 "image %ux%u is too large (limits: %u px a side, %zu MiB decoded)",
			 r->w, r->h, PNGIO_MAX_SIDE, PNGIO_MAX_BYTES >> 20);
		return -1;
	}
	if (r->want_w && (r->w != r->want_w || r->h != r->want_h)) {
		snprintf(r->io.msg, sizeof r->io.msg, "size %ux%u, expected %ux%u",
			 r->w, r->h, r->want_w, r->want_h);
		return -1;
	}
	int ctype = png_get_color_type(png, info);
	bool trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
	r->channels = file_channels(ctype, trns);

	png_set_expand(png);            /* palette -> RGB, gray < 8 bit -> 8, tRNS -> alpha */
	png_set_scale_16(png);
	png_set_gray_to_rgb(png);
	if (!(ctype & PNG_COLOR_MASK_ALPHA) && !trns)
		png_set_filler(png, 0xff, PNG_FILLER_AFTER);
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	size_t stride = (size_t)r->w * 4;
	if (png_get_rowbytes(png, info) != stride)
		png_error(png, "unsupported pixel format");

	if (r->keep) {
		r->pix = malloc(stride * r->h);
		r->rows = malloc(r->h * sizeof *r->rows);
		if (!r->pix || !r->rows)
			png_error(png, "out of memory");
		for (uint32_t y = 0; y < r->h; y++)
			r->rows[y] = r->pix + y * stride;
		png_read_image(png, r->rows);
	} else {
		r->pix = malloc(stride);
		if (!r->pix)
			png_error(png, "out of memory");
		for (int pass = 0; pass < passes; pass++)
			for (uint32_t y = 0; y < r->h; y++)
				png_read_row(png, r->pix, NULL);
	}
	png_read_end(png, NULL);
	return 0;
}

/* A PNG to read, never blocking on a FIFO or a device (regfile); NULL with msg set. */
static FILE *open_png(const char *path, char *msg, size_t cap)
{
	FILE *fp = regfile_open(path);
	if (!fp)
		snprintf(msg, cap, "%s", errno ? strerror(errno) : "not a regular file (a FIFO, socket or device)");
	return fp;
}

/* Open, check the signature, decode. On failure r->io.msg says why. */
static int read_png(const char *path, struct rd *r)
{
	uint8_t sig[8];
	int rc = -1;

	r->io.fp = open_png(path, r->io.msg, sizeof r->io.msg);
	if (!r->io.fp)
		return -1;
	size_t got = fread(sig, 1, sizeof sig, r->io.fp);
	if (got != sizeof sig && ferror(r->io.fp)) {
		snprintf(r->io.msg, sizeof r->io.msg, "%s", strerror(errno));
		goto out_close;
	}
	if (got != sizeof sig || png_sig_cmp(sig, 0, sizeof sig)) {
		snprintf(r->io.msg, sizeof r->io.msg, "not a PNG file");
		goto out_close;
	}
	r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r->io, on_error, on_warning);
	r->info = r->png ? png_create_info_struct(r->png) : NULL;
	if (!r->info) {
		snprintf(r->io.msg, sizeof r->io.msg, "out of memory");
		goto out_destroy_png;
	}
	png_set_read_fn(r->png, &r->io, read_fn);
	rc = decode(r);
out_destroy_png:
	png_destroy_read_struct(&r->png, &r->info, NULL);
	free(r->rows);
	r->rows = NULL;
	if (rc || !r->keep) {
		free(r->pix);
		r->pix = NULL;
	}
out_close:
	fclose(r->io.fp);
	return rc;
}

int pngio_read(const char *path, uint8_t **rgba, uint32_t *w, uint32_t *h, int *channels_out,
	       struct ap_err *err)
{
	struct rd r = { .keep = true };

	*rgba = NULL;
	if (read_png(path, &r))
		return ap_errf(err, "png '%s': %s", path, r.io.msg);
	*rgba = r.pix;
	*w = r.w;
	*h = r.h;
	if (channels_out)
		*channels_out = r.channels;
	return 0;
}

bool pngio_is_valid_size(const char *path, uint32_t w, uint32_t h)
{
	struct rd r = { .keep = false, .want_w = w, .want_h = h };

	return w && h && read_png(path, &r) == 0;
}

/* ---- reading row by row ---- */

struct pngio_reader {
	struct rd r;
	size_t max;
	uint32_t y;             /* rows handed out */
	int passes;
	uint8_t *whole;         /* an interlaced image, decoded at once (within max) */
};

/* png_read_info and the transforms; see encode about setjmp. */
static int rdr_start(struct pngio_reader *p)
{
	struct rd *r = &p->r;

	if (setjmp(png_jmpbuf(r->png)))
		return -1;
	read_limits(r->png, p->max);
	png_read_info(r->png, r->info);
	r->w = png_get_image_width(r->png, r->info);
	r->h = png_get_image_height(r->png, r->info);
	int ctype = png_get_color_type(r->png, r->info);
	bool trns = png_get_valid(r->png, r->info, PNG_INFO_tRNS) != 0;
	r->channels = file_channels(ctype, trns);
	png_set_expand(r->png);
	png_set_scale_16(r->png);
	png_set_gray_to_rgb(r->png);
	if (!(ctype & PNG_COLOR_MASK_ALPHA) && !trns)
		png_set_filler(r->png, 0xff, PNG_FILLER_AFTER);
	p->passes = png_set_interlace_handling(r->png);
	png_read_update_info(r->png, r->info);
	if (png_get_rowbytes(r->png, r->info) != (size_t)r->w * 4)
		png_error(r->png, "unsupported pixel format");
	return 0;
}

int pngio_open(const char *path, size_t max_bytes, struct pngio_reader **out, struct pngio_rinfo *info,
	       struct ap_err *err)
{
	struct pngio_reader *p = calloc(1, sizeof *p);
	uint8_t sig[8];

	*out = NULL;
	if (!p)
		return ap_errf(err, "png '%s': out of memory", path);
	p->max = max_bytes ? max_bytes : PNGIO_MAX_BYTES;
	p->r.io.fp = open_png(path, p->r.io.msg, sizeof p->r.io.msg);
	if (!p->r.io.fp)
		goto out_fail;
	size_t got = fread(sig, 1, sizeof sig, p->r.io.fp);
	if (got != sizeof sig && ferror(p->r.io.fp)) {
		snprintf(p->r.io.msg, sizeof p->r.io.msg, "%s", strerror(errno));
		goto out_fail;
	}
	if (got != sizeof sig || png_sig_cmp(sig, 0, sizeof sig)) {
		snprintf(p->r.io.msg, sizeof p->r.io.msg, "not a PNG file");
		goto out_fail;
	}
	p->r.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &p->r.io, on_error, on_warning);
	p->r.info = p->r.png ? png_create_info_struct(p->r.png) : NULL;
	if (!p->r.info) {
		snprintf(p->r.io.msg, sizeof p->r.io.msg, "out of memory");
		goto out_fail;
	}
	png_set_read_fn(p->r.png, &p->r.io, read_fn);
	if (rdr_start(p) < 0)
		goto out_fail;
	*info = (struct pngio_rinfo){ p->r.w, p->r.h, p->r.channels, p->passes > 1 };
	*out = p;
	return 0;
out_fail:
	ap_errf(err, "png '%s': %s", path, p->r.io.msg);
	pngio_close(p);
	return -1;
}

/* The next row into row (or from the whole image); see encode about setjmp. */
static int rdr_row(struct pngio_reader *p, uint8_t *row)
{
	struct rd *r = &p->r;
	size_t stride = (size_t)r->w * 4;

	if (setjmp(png_jmpbuf(r->png)))
		return -1;
	if (p->passes > 1 && !p->whole) {
		/* interlaced rows come in seven passes: all of them are needed for any row */
		if ((uint64_t)stride * r->h > p->max)
			png_error(r->png, "interlaced image too large to decode within the memory limit");
		p->whole = malloc(stride * r->h);
		r->rows = malloc(r->h * sizeof *r->rows);
		if (!p->whole || !r->rows)
			png_error(r->png, "out of memory");
		for (uint32_t y = 0; y < r->h; y++)
			r->rows[y] = p->whole + y * stride;
		png_read_image(r->png, r->rows);
	}
	if (p->whole)
		memcpy(row, p->whole + p->y * stride, stride);
	else
		png_read_row(r->png, row, NULL);
	if (p->y + 1 == r->h)
		png_read_end(r->png, NULL);
	return 0;
}

int pngio_read_row(struct pngio_reader *p, uint8_t *row, const char *path, struct ap_err *err)
{
	assert(p->y < p->r.h);
	if (rdr_row(p, row) < 0)
		return ap_errf(err, "png '%s': %s", path, p->r.io.msg);
	p->y++;
	return 0;
}

void pngio_close(struct pngio_reader *p)
{
	if (!p)
		return;
	if (p->r.png)
		png_destroy_read_struct(&p->r.png, &p->r.info, NULL);
	free(p->r.rows);
	free(p->whole);
	if (p->r.io.fp)
		fclose(p->r.io.fp);
	free(p);
}
