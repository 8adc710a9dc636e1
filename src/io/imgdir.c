/*
 * imgdir: folders and manifests of PNG/JPEG files -> one imgset of cell-sized images.
 * Every file is decoded and scaled into a cell×cell RGBA slot of one working buffer as
 * it is read; at the end the slots are packed, in place, to the final slot size and
 * channel count. The scaler takes rows one at a time, so a JPEG is never held whole.
 */
#include "io/imgdir.h"

#include "io/dirlist.h"
#include "io/load.h"
#include "io/pngio.h"
#include "base/csv.h"
#include "base/txt.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jpeglib.h>
#include <jerror.h>

static int sys_err(struct ap_err *err, const char *what, const char *path, const char *doing, int e)
{
	char why[128];

	snprintf(why, sizeof why, "%s", strerror(e));
	why[0] = (char)tolower((unsigned char)why[0]);
	return ap_errf(err, "%s '%s': %s: %s", what, path, doing, why);
}

/* ---- sRGB <-> linear ---- */

#define SRGB_BINS 4096

struct srgb {
	float lin[256];         /* byte -> linear light */
	float thr[256];         /* thr[k]: linear value of byte k + 0.5, where rounding goes up; thr[255] > 1 */
	uint8_t start[SRGB_BINS + 1];  /* the byte for the linear value i / SRGB_BINS */
};

static double srgb_decode(double c)
{
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static void srgb_init(struct srgb *t)
{
	unsigned k = 0;

	for (int i = 0; i < 256; i++) {
		t->lin[i] = (float)srgb_decode(i / 255.0);
		t->thr[i] = i < 255 ? (float)srgb_decode((i + 0.5) / 255.0) : 2.0f;
	}
	for (int i = 0; i <= SRGB_BINS; i++) {
		float v = (float)i / SRGB_BINS;

		while (v >= t->thr[k])
			k++;
		t->start[i] = (uint8_t)k;
	}
}

/* Linear -> the byte whose sRGB value is nearest (rounding in sRGB, not in linear). A
 * table value comes back as its own byte: the thresholds sit half a step away. The
 * bins are narrower than a byte's step, so the search from a bin's start is short. */
static uint8_t srgb_encode(const struct srgb *t, float v)
{
	unsigned k;

	if (!(v > 0))
		return 0;
	if (v >= 1)
		return 255;
	k = t->start[(int)(v * SRGB_BINS)];
	while (v >= t->thr[k])
		k++;
	return (uint8_t)k;
}

/* ---- the scaler: box filter with exact area weights, linear light, premultiplied ---- */

/* The size an iw×ih image gets: longer side `cell`, aspect kept, never upscaled. */
static void scaled_size(uint32_t iw, uint32_t ih, uint32_t cell, uint32_t *ow, uint32_t *oh)
{
	uint64_t lo = iw < ih ? iw : ih, hi = iw < ih ? ih : iw, s;

	if (hi <= cell) {
		*ow = iw;
		*oh = ih;
		return;
	}
	s = (2 * lo * cell + hi) / (2 * hi);
	if (s < 1)
		s = 1;
	*ow = iw >= ih ? cell : (uint32_t)s;
	*oh = iw >= ih ? (uint32_t)s : cell;
}

/*
 * In units where an input pixel is ow wide (oh tall), an output pixel is iw wide (ih
 * tall), so overlaps are whole numbers; as input pixels are never smaller than output
 * ones, each overlaps at most two. Across a row, input column x puts the fraction
 * xf[2x] of itself into output column xj[x] and xf[2x+1] into the next (mostly 1 and
 * 0: then it is a plain add); the sums are scaled by ow/iw along with the row weights,
 * which are worked out as rows come.
 */
struct rs {
	const struct srgb *t;
	uint32_t iw, ih, ow, oh;
	uint32_t y;             /* rows pushed so far */
	uint8_t *dst;           /* ow×oh RGBA, rows `stride` bytes apart */
	size_t stride;
	int same;               /* no scaling: rows are copied */
	uint32_t *xj;
	float *xf;
	float *hrow;            /* one input row summed across: (ow + 1) × 4 */
	float *acc;             /* the output so far: (oh + 1) rows of ow × 4 */
};

static void rs_free(struct rs *r)
{
	free(r->xj);
	free(r->xf);
	free(r->hrow);
	free(r->acc);
	memset(r, 0, sizeof *r);
}

static int rs_init(struct rs *r, const struct srgb *t, uint32_t iw, uint32_t ih, uint32_t cell,
	uint8_t *dst, size_t stride)
{
	memset(r, 0, sizeof *r);
	r->t = t;
	r->iw = iw;
	r->ih = ih;
	r->dst = dst;
	r->stride = stride;
	scaled_size(iw, ih, cell, &r->ow, &r->oh);
	r->same = r->ow == iw && r->oh == ih;
	if (r->same)
		return 0;
	r->xj = malloc(iw * sizeof *r->xj);
	r->xf = malloc(2 * (size_t)iw * sizeof *r->xf);
	r->hrow = malloc((r->ow + 1) * 4 * sizeof *r->hrow);
	r->acc = calloc((size_t)(r->oh + 1) * r->ow * 4, sizeof *r->acc);
	if (!r->xj || !r->xf || !r->hrow || !r->acc) {
		rs_free(r);
		return -1;
	}
	for (uint32_t x = 0; x < iw; x++) {
		uint64_t left = (uint64_t)x * r->ow, right = left + r->ow;
		uint32_t j = (uint32_t)(left / iw);
		uint64_t edge = (uint64_t)(j + 1) * iw;
		uint64_t a = (right < edge ? right : edge) - left;

		r->xj[x] = j;
		r->xf[2 * x] = a == r->ow ? 1.0f : (float)a / (float)r->ow;
		r->xf[2 * x + 1] = a == r->ow ? 0.0f : (float)(r->ow - a) / (float)r->ow;
	}
	return 0;
}

/* Sum one row across into h, for ch = 1 (gray), 3 (RGB) or 4 (RGBA); inlined for each
 * so that the channel tests drop out of the loop. The sum for the current output
 * column stays in registers and is stored when the column is done (each once). */
static inline __attribute__((always_inline)) void rs_across(const struct rs *r, const uint8_t *row, int ch,
	float *h)
{
	const float *lin = r->t->lin, *xf = r->xf;
	const uint32_t *xj = r->xj;
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t cur = 0;

	for (uint32_t x = 0; x < r->iw; x++, row += ch) {
		float f = xf[2 * x], g = xf[2 * x + 1], cr, cg, cb, ca = 1;

		if (ch == 4) {
			ca = row[3] * (1.0f / 255);
			cr = lin[row[0]] * ca;
			cg = lin[row[1]] * ca;
			cb = lin[row[2]] * ca;
		} else if (ch == 3) {
			cr = lin[row[0]];
			cg = lin[row[1]];
			cb = lin[row[2]];
		} else {
			cr = cg = cb = lin[row[0]];
		}
		if (xj[x] != cur) {     /* a column edge between two pixels */
			h[4 * cur] = s0, h[4 * cur + 1] = s1, h[4 * cur + 2] = s2, h[4 * cur + 3] = s3;
			s0 = s1 = s2 = s3 = 0;
			cur++;
		}
		if (g == 0) {
			s0 += cr, s1 += cg, s2 += cb, s3 += ca;
		} else {                /* a column edge inside this pixel */
			h[4 * cur] = s0 + f * cr, h[4 * cur + 1] = s1 + f * cg;
			h[4 * cur + 2] = s2 + f * cb, h[4 * cur + 3] = s3 + f * ca;
			s0 = g * cr, s1 = g * cg, s2 = g * cb, s3 = g * ca;
			cur++;
		}
	}
	h[4 * cur] = s0, h[4 * cur + 1] = s1, h[4 * cur + 2] = s2, h[4 * cur + 3] = s3;
}

/* One input row of iw pixels of ch (1 gray, 3 RGB, 4 RGBA) bytes each. */
static void rs_push(struct rs *r, const uint8_t *row, int ch)
{
	uint32_t iw = r->iw, ow = r->ow, y = r->y++;
	float *h = r->hrow;

	if (r->same) {
		uint8_t *d = r->dst + y * r->stride;

		for (uint32_t x = 0; x < iw; x++, d += 4, row += ch) {
			d[0] = row[0];
			d[1] = row[ch >= 3 ? 1 : 0];
			d[2] = row[ch >= 3 ? 2 : 0];
			d[3] = ch == 4 ? row[3] : 255;
		}
		return;
	}
	if (ch == 4)
		rs_across(r, row, 4, h);
	else if (ch == 3)
		rs_across(r, row, 3, h);
	else
		rs_across(r, row, 1, h);

	uint64_t top = (uint64_t)y * r->oh, bottom = top + r->oh;
	uint32_t j = (uint32_t)(top / r->ih);
	uint64_t edge = (uint64_t)(j + 1) * r->ih;
	uint64_t a = (bottom < edge ? bottom : edge) - top;
	float s = (float)ow / ((float)iw * (float)r->ih);
	float w0 = (float)a * s, w1 = (float)(r->oh - a) * s;
	float *acc = r->acc + (size_t)j * ow * 4;

	for (uint32_t i = 0; i < ow * 4; i++)
		acc[i] += w0 * h[i];
	if (w1 > 0)
		for (uint32_t i = 0; i < ow * 4; i++)
			acc[ow * 4 + i] += w1 * h[i];
}

/* After all ih rows: un-premultiply, encode, write dst. */
static void rs_finish(struct rs *r)
{
	if (r->same)
		return;
	for (uint32_t j = 0; j < r->oh; j++) {
		const float *p = r->acc + (size_t)j * r->ow * 4;
		uint8_t *d = r->dst + j * r->stride;

		for (uint32_t x = 0; x < r->ow; x++, p += 4, d += 4) {
			float a = p[3];
			long ab = lrintf(a * 255);

			if (!(a > 0)) {
				memset(d, 0, 4);
				continue;
			}
			for (int k = 0; k < 3; k++)
				d[k] = srgb_encode(r->t, p[k] / a);
			d[3] = (uint8_t)(ab < 0 ? 0 : ab > 255 ? 255 : ab);
		}
	}
}

/* ---- decoding one file into one slot ---- */

struct one {
	const struct srgb *t;
	uint32_t cell;
	size_t max;             /* cap on one file's decoded RGBA bytes */
	uint8_t *dst;           /* the slot: cell×cell RGBA */
	uint32_t ow, oh;        /* out: the scaled size */
};

/* Why a w×h image is refused before decoding, or 0 if it is not. */
static int size_reason(char *msg, size_t cap, uint32_t w, uint32_t h, size_t max)
{
	if (w == 0 || h == 0)
		snprintf(msg, cap, "image %ux%u has no pixels", w, h);
	else if (w > IMGDIR_MAX_SIDE || h > IMGDIR_MAX_SIDE)
		snprintf(msg, cap, "image %ux%u is too large (at most %u pixels a side)", w, h, IMGDIR_MAX_SIDE);
	else if ((uint64_t)w * h * 4 > max)
		snprintf(msg, cap, "image %ux%u is too large: decoding needs more than the limit of %zu bytes",
			w, h, max);
	else
		return 0;
	return -1;
}

/* The reason in pngio's "png 'PATH': reason", under our subject. */
static int png_err(struct ap_err *err, const char *path)
{
	char old[sizeof err->msg];
	const char *why = old;
	size_t n = strlen(path);

	if (!err)
		return -1;
	memcpy(old, err->msg, sizeof old);
	if (strncmp(old, "png '", 5) == 0 && strncmp(old + 5, path, n) == 0 && strncmp(old + 5 + n, "': ", 3) == 0)
		why = old + 5 + n + 3;
	return ap_errf(err, "images '%s': %s", path, why);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* head: the file's first `got` bytes, which start with the PNG signature. */
static int decode_png(const char *path, const uint8_t *head, size_t got, struct one *d, struct ap_err *err)
{
	char why[160];
	uint8_t *rgba = NULL;
	uint32_t w, h;
	struct rs r;
	int rc = -1;

	/* IHDR is the first chunk: refuse a huge image before pngio allocates it */
	if (got >= 24 && memcmp(head + 12, "IHDR", 4) == 0
			&& size_reason(why, sizeof why, be32(head + 16), be32(head + 20), d->max) < 0)
		return ap_errf(err, "images '%s': %s", path, why);
	if (pngio_read(path, &rgba, &w, &h, NULL, err) < 0)
		return png_err(err, path);
	if (size_reason(why, sizeof why, w, h, d->max) < 0) {
		ap_errf(err, "images '%s': %s", path, why);
		goto out_free_rgba;
	}
	if (rs_init(&r, d->t, w, h, d->cell, d->dst, (size_t)d->cell * 4) < 0) {
		ap_errf(err, "images '%s': out of memory scaling a %ux%u image", path, w, h);
		goto out_free_rgba;
	}
	for (uint32_t y = 0; y < h; y++)
		rs_push(&r, rgba + (size_t)y * w * 4, 4);
	rs_finish(&r);
	d->ow = r.ow;
	d->oh = r.oh;
	rs_free(&r);
	rc = 0;
out_free_rgba:
	free(rgba);
	return rc;
}

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
};

struct jdec {
	struct jpeg_decompress_struct cinfo;
	struct jerr je;
	int created;
	struct rs rs;
	uint8_t *row;
};

static void jpeg_fail(j_common_ptr cinfo)
{
	struct jerr *e = (struct jerr *)cinfo->err;

	if (!e->msg[0])
		cinfo->err->format_message(cinfo, e->msg);
	e->msg[0] = (char)tolower((unsigned char)e->msg[0]);
	longjmp(e->jb, 1);
}

/* Warnings that mean the pixels are wrong (libjpeg fills what it lost with grey) end
 * the decode; the others (junk between markers, an odd JFIF version, a bad ICC
 * profile) say nothing about the pixels. Traces (level >= 0) are dropped. */
static void jpeg_message(j_common_ptr cinfo, int level)
{
	switch (level < 0 ? cinfo->err->msg_code : -1) {
	case JWRN_ARITH_BAD_CODE:
	case JWRN_BOGUS_PROGRESSION:
	case JWRN_HIT_MARKER:
	case JWRN_HUFF_BAD_CODE:
	case JWRN_JPEG_EOF:
	case JWRN_MUST_RESYNC:
	case JWRN_NOT_SEQUENTIAL:
		jpeg_fail(cinfo);
		break;
	default:
		if (level < 0)
			cinfo->err->num_warnings++;
		break;
	}
}

static void jpeg_silent(j_common_ptr cinfo)
{
	(void)cinfo;
}

/* Adobe CMYK is stored inverted (255 = no ink); others plainly. In place: RGB fits. */
static void cmyk_to_rgb(uint8_t *row, uint32_t w, int inverted)
{
	for (uint32_t x = 0; x < w; x++) {
		unsigned c = row[4 * x], m = row[4 * x + 1], yy = row[4 * x + 2], k = row[4 * x + 3];

		if (!inverted) {
			c = 255 - c;
			m = 255 - m;
			yy = 255 - yy;
			k = 255 - k;
		}
		row[3 * x] = (uint8_t)((c * k + 127) / 255);
		row[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
		row[3 * x + 2] = (uint8_t)((yy * k + 127) / 255);
	}
}

/* Only j's fields change after setjmp, and j lives in the caller, so they are
 * still right when libjpeg jumps back here. On -1, j->je.msg says why. */
static int jpeg_run(struct jdec *j, FILE *fp, struct one *d)
{
	struct jpeg_decompress_struct *ci = &j->cinfo;

	ci->err = jpeg_std_error(&j->je.pub);
	j->je.pub.error_exit = jpeg_fail;
	j->je.pub.emit_message = jpeg_message;
	j->je.pub.output_message = jpeg_silent;
	if (setjmp(j->je.jb))
		return -1;
	jpeg_create_decompress(ci);
	j->created = 1;
	jpeg_stdio_src(ci, fp);
	jpeg_read_header(ci, TRUE);
	if (size_reason(j->je.msg, sizeof j->je.msg, ci->image_width, ci->image_height, d->max) < 0)
		return -1;
	switch (ci->jpeg_color_space) {
	case JCS_GRAYSCALE:
		ci->out_color_space = JCS_GRAYSCALE;
		break;
	case JCS_CMYK:
	case JCS_YCCK:
		ci->out_color_space = JCS_CMYK;
		break;
	default:
		ci->out_color_space = JCS_RGB;
		break;
	}
	jpeg_start_decompress(ci);
	j->row = malloc((size_t)ci->output_width * ci->output_components);
	if (!j->row || rs_init(&j->rs, d->t, ci->output_width, ci->output_height, d->cell, d->dst,
			(size_t)d->cell * 4) < 0) {
		snprintf(j->je.msg, sizeof j->je.msg, "out of memory scaling a %ux%u image",
			ci->output_width, ci->output_height);
		return -1;
	}
	while (ci->output_scanline < ci->output_height) {
		JSAMPROW rows[1] = { j->row };

		if (jpeg_read_scanlines(ci, rows, 1) != 1) {
			snprintf(j->je.msg, sizeof j->je.msg, "premature end of JPEG file");
			return -1;
		}
		if (ci->out_color_space == JCS_CMYK)
			cmyk_to_rgb(j->row, ci->output_width, ci->saw_Adobe_marker);
		rs_push(&j->rs, j->row, ci->out_color_space == JCS_GRAYSCALE ? 1 : 3);
	}
	jpeg_finish_decompress(ci);
	rs_finish(&j->rs);
	d->ow = j->rs.ow;
	d->oh = j->rs.oh;
	return 0;
}

static int decode_jpeg(FILE *fp, const char *path, struct one *d, struct ap_err *err)
{
	struct jdec *j = calloc(1, sizeof *j);
	int rc;

	if (!j)
		return ap_errf(err, "images '%s': out of memory", path);
	rc = jpeg_run(j, fp, d);
	if (rc < 0)
		ap_errf(err, "images '%s': %s", path, j->je.msg[0] ? j->je.msg : "cannot decode");
	if (j->created)
		jpeg_destroy_decompress(&j->cinfo);
	rs_free(&j->rs);
	free(j->row);
	free(j);
	return rc;
}

/* What a file should have been, by its name, for "not a ... file". */
static const char *kind_by_name(const char *path)
{
	if (dirlist_has_ext(path, ".png"))
		return "PNG";
	if (dirlist_has_ext(path, ".jpg") || dirlist_has_ext(path, ".jpeg"))
		return "JPEG";
	return "PNG or JPEG";
}

/* Decode path (PNG or JPEG, told by content) and scale it into d->dst. */
static int decode_file(const char *path, struct one *d, struct ap_err *err)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t head[24];
	size_t got;
	int rc;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return sys_err(err, "images", path, "cannot open", errno);
	got = fread(head, 1, sizeof head, fp);
	if (got < sizeof head && ferror(fp)) {
		rc = sys_err(err, "images", path, "cannot read", errno);
		fclose(fp);
		return rc;
	}
	if (got >= 8 && memcmp(head, png_sig, 8) == 0) {
		fclose(fp);
		return decode_png(path, head, got, d, err);
	}
	if (got >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
		rewind(fp);
		rc = decode_jpeg(fp, path, d, err);
		fclose(fp);
		return rc;
	}
	fclose(fp);
	return ap_errf(err, "images '%s': not a %s file", path, kind_by_name(path));
}

/* ---- a list of files -> imgset ---- */

struct batch {
	const char *what;       /* subject of set-level errors: "images" or "manifest" */
	const char *src;        /* the folder or manifest, as given */
	char **paths;           /* n files to read */
	size_t n;
	const size_t *lines;    /* the manifest line of each, or NULL */
	uint8_t *kept;          /* out: kept[i] = path i is in the set */
};

/* Move image i's RGBA from its cell×cell slot to the final w×h×c slot, in place:
 * every byte moves down or stays, and images go in order, so nothing unread is hit. */
static void pack(uint8_t *pix, size_t n, uint32_t cell, uint32_t w, uint32_t h, uint32_t c,
	const uint16_t *iw, const uint16_t *ih)
{
	size_t from = (size_t)cell * cell * 4, to = (size_t)w * h * c;

	for (size_t i = 0; i < n; i++) {
		for (uint32_t y = 0; y < h; y++) {
			const uint8_t *s = pix + i * from + (size_t)y * cell * 4;
			uint8_t *d = pix + i * to + (size_t)y * w * c;

			for (uint32_t x = 0; x < w; x++, s += 4, d += c) {
				uint8_t px[4] = { 0, 0, 0, 0 };

				if (x < iw[i] && y < ih[i])
					memcpy(px, s, 4);
				for (uint32_t k = 0; k < c; k++)
					d[k] = px[k];
			}
		}
	}
}

/* Does the ow×oh image at slot (stride cell*4) have alpha below 255, or colour? */
static void scan(const uint8_t *slot, uint32_t cell, uint32_t ow, uint32_t oh, int *alpha, int *colour)
{
	for (uint32_t y = 0; y < oh; y++) {
		const uint8_t *p = slot + (size_t)y * cell * 4;

		for (uint32_t x = 0; x < ow; x++, p += 4) {
			*alpha |= p[3] != 255;
			*colour |= p[0] != p[1] || p[1] != p[2];
		}
	}
}

static int load_batch(struct batch *b, const struct imgdir_opts *o, struct ap_imgset *out, struct ap_err *err)
{
	size_t slot = (size_t)o->cell * o->cell * 4, bytes, k = 0, fit;
	uint32_t w = 0, h = 0, c;
	int alpha = 0, colour = 0;
	struct srgb *t = NULL;
	uint16_t *iw = NULL, *ih = NULL;
	uint8_t *pix = NULL;
	struct ap_err e;

	if (ap_mul_size(b->n, slot, &bytes) < 0 || bytes > o->max_bytes)
		return ap_errf(err, "%s '%s': too large: %zu images in %ux%u cells need more than the limit of %zu bytes",
			b->what, b->src, b->n, o->cell, o->cell, o->max_bytes);
	t = malloc(sizeof *t);
	iw = malloc(b->n * sizeof *iw);
	ih = malloc(b->n * sizeof *ih);
	pix = malloc(bytes);
	if (!t || !iw || !ih || !pix) {
		ap_errf(err, "%s '%s': out of memory for %zu images in %ux%u cells", b->what, b->src, b->n,
			o->cell, o->cell);
		goto out_free;
	}
	srgb_init(t);
	for (size_t i = 0; i < b->n; i++) {
		struct one d = { .t = t, .cell = o->cell, .max = o->max_bytes, .dst = pix + k * slot };

		b->kept[i] = 0;
		if (decode_file(b->paths[i], &d, &e) < 0) {
			if (b->lines)
				ap_err_prefix(&e, "manifest '%s' line %zu", b->src, b->lines[i]);
			if (o->on_bad != IMGDIR_SKIP) {
				if (err)
					*err = e;
				goto out_free;
			}
			if (o->on_skip)
				o->on_skip(o->user, b->paths[i], e.msg);
			continue;
		}
		scan(d.dst, o->cell, d.ow, d.oh, &alpha, &colour);
		iw[k] = (uint16_t)d.ow;
		ih[k] = (uint16_t)d.oh;
		w = d.ow > w ? d.ow : w;
		h = d.oh > h ? d.oh : h;
		b->kept[i] = 1;
		k++;
	}
	if (k == 0) {
		ap_errf(err, "%s '%s': none of the %zu images could be read (skipped)", b->what, b->src, b->n);
		goto out_free;
	}
	c = alpha ? 4 : colour ? 3 : 1;
	pack(pix, k, o->cell, w, h, c, iw, ih);
	fit = k * w * h * c;
	out->pix = realloc(pix, fit);
	if (!out->pix)
		out->pix = pix;
	out->n = k;
	out->w = w;
	out->h = h;
	out->c = c;
	out->iw = iw;
	out->ih = ih;
	free(t);
	return 0;

out_free:
	free(pix);
	free(ih);
	free(iw);
	free(t);
	return -1;
}

/* Zero fields of o filled with their defaults; the cell checked. */
static int resolve_opts(const struct imgdir_opts *o, struct imgdir_opts *r, const char *what, const char *src,
	struct ap_err *err)
{
	struct imgdir_opts zero = { 0 };

	*r = o ? *o : zero;
	if (!r->cell)
		r->cell = IMGDIR_CELL_DEFAULT;
	if (!r->max_bytes)
		r->max_bytes = AP_LOAD_MAX_BYTES;
	if (r->cell > IMGDIR_CELL_MAX)
		return ap_errf(err, "%s '%s': cell size %u is too large (at most %u)", what, src, r->cell,
			IMGDIR_CELL_MAX);
	return 0;
}

/* ---- folders ---- */

void imgdir_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names of the image files in dir, sorted; dirlist's codes in imgdir's words. */
static int list_dir(const char *dir, char ***names_out, size_t *n_out, struct ap_err *err)
{
	static const char *const exts[] = { ".png", ".jpg", ".jpeg", NULL };
	struct dirlist l;
	int rc = dirlist_read(dir, exts, &l);

	if (rc == DIRLIST_OPEN)
		return sys_err(err, "images", dir, "cannot open folder", l.sys_errno);
	if (rc == DIRLIST_READ)
		return sys_err(err, "images", dir, "cannot read folder", l.sys_errno);
	if (rc < 0)
		return ap_errf(err, "images '%s': out of memory listing the folder", dir);
	if (l.n == 0) {
		dirlist_free(&l);
		return ap_errf(err, "images '%s': no PNG or JPEG files", dir);
	}
	*names_out = l.name;
	*n_out = l.n;
	return 0;
}

int imgdir_load(const char *dir, const struct imgdir_opts *o, struct ap_imgset *out, char ***names_out,
	struct ap_err *err)
{
	struct imgdir_opts opts;
	struct batch b = { .what = "images", .src = dir };
	char **names = NULL;
	size_t n = 0, k = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (names_out)
		*names_out = NULL;
	if (resolve_opts(o, &opts, "images", dir, err) < 0)
		return -1;
	if (list_dir(dir, &names, &n, err) < 0)
		return -1;
	b.n = n;
	b.paths = calloc(n, sizeof *b.paths);
	b.kept = malloc(n);
	if (!b.paths || !b.kept)
		goto out_oom;
	for (size_t i = 0; i < n; i++)
		if (!(b.paths[i] = dirlist_join(dir, names[i])))
			goto out_oom;
	if (load_batch(&b, &opts, out, err) < 0)
		goto out_free;
	/* the names of the images kept, in place */
	for (size_t i = 0; i < n; i++) {
		if (b.kept[i])
			names[k++] = names[i];
		else
			free(names[i]);
	}
	n = k;
	if (names_out) {
		*names_out = names;
		names = NULL;
	}
	rc = 0;
	goto out_free;

out_oom:
	ap_errf(err, "images '%s': out of memory", dir);
out_free:
	imgdir_names_free(b.paths, b.paths ? b.n : 0);
	free(b.kept);
	imgdir_names_free(names, n);
	return rc;
}

/* ---- manifests ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

struct mani {
	const char *path;
	size_t line;
	int nfields;
	int cp, cx, cy, cl;     /* columns of path, x, y, label (-1: none) */
	char nx[CSV_QUOTE_MAX + 4], ny[CSV_QUOTE_MAX + 4], nl[CSV_QUOTE_MAX + 4];  /* their names as written */
	char **f;               /* nfields field pointers */
	size_t n, cap;
	char **rel;             /* paths as written (pointing into the buffer) */
	size_t *lines;
	double *xy;
	int32_t *label;
};

/* csv_split into m->f, with its errors worded as a manifest's. */
static int split(struct mani *m, char *p, char *e, int maxf, struct ap_err *err)
{
	int n = csv_split(p, e, m->f, maxf);

	if (n < 0)
		return ap_errf(err, "manifest '%s' line %zu: %s", m->path, m->line, csv_why(n));
	return n;
}

static int mani_header(struct mani *m, char *p, char *e, struct ap_err *err)
{
	static const char *const names[4] = { "path", "x", "y", "label" };
	int *cols[4] = { &m->cp, &m->cx, &m->cy, &m->cl };
	char *dst[4] = { NULL, m->nx, m->ny, m->nl };
	int max = csv_max_fields(p, e), n;

	m->f = malloc((size_t)max * sizeof *m->f);
	if (!m->f)
		return ap_errf(err, "manifest '%s': out of memory", m->path);
	n = split(m, p, e, max, err);
	if (n < 0)
		return -1;
	m->nfields = n;
	m->cp = m->cx = m->cy = m->cl = -1;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			if (strcasecmp(m->f[i], names[k]) != 0)
				continue;
			if (*cols[k] >= 0)
				return ap_errf(err, "manifest '%s' line %zu: header has two columns named '%s'",
					m->path, m->line, names[k]);
			*cols[k] = i;
			if (dst[k])
				csv_quote(dst[k], CSV_QUOTE_MAX + 4, m->f[i]);
		}
	}
	for (int k = 0; k < 3; k++)
		if (*cols[k] < 0)
			return ap_errf(err, "manifest '%s' line %zu: header has no column named '%s'",
				m->path, m->line, names[k]);
	return 0;
}

static int mani_number(struct mani *m, const char *s, const char *name, double *v, struct ap_err *err)
{
	char q[CSV_QUOTE_MAX + 4], *end;

	if (!*s || is_space(*s) || (*v = strtod(s, &end), *end)) {
		csv_quote(q, sizeof q, s);
		return ap_errf(err, "manifest '%s' line %zu: expected a number in column '%s', got '%s'",
			m->path, m->line, name, q);
	}
	if (!isfinite(*v))
		return ap_errf(err, "manifest '%s' line %zu: %s is not finite (%s)", m->path, m->line, name,
			isnan(*v) ? "nan" : *v > 0 ? "inf" : "-inf");
	return 0;
}

static int mani_row(struct mani *m, char *p, char *e, struct ap_err *err)
{
	size_t i = m->n;
	double v;
	int n;

	n = split(m, p, e, m->nfields, err);
	if (n < 0)
		return -1;
	if (n != m->nfields)
		return ap_errf(err, "manifest '%s' line %zu: expected %d fields, got %d", m->path, m->line,
			m->nfields, n);
	if (!m->f[m->cp][0])
		return ap_errf(err, "manifest '%s' line %zu: empty path", m->path, m->line);
	if (mani_number(m, m->f[m->cx], m->nx, &m->xy[2 * i], err) < 0 ||
	    mani_number(m, m->f[m->cy], m->ny, &m->xy[2 * i + 1], err) < 0)
		return -1;
	if (m->cl >= 0) {
		const char *s = m->f[m->cl];
		char *end = (char *)s;

		v = *s && !is_space(*s) ? strtod(s, &end) : NAN;
		if (!(v >= 0 && v <= INT32_MAX) || v != floor(v) || *end) {
			char q[CSV_QUOTE_MAX + 4];

			csv_quote(q, sizeof q, s);
			return ap_errf(err, "manifest '%s' line %zu: expected a whole number from 0 to %d in column '%s', got '%s'",
				m->path, m->line, INT32_MAX, m->nl, q);
		}
		m->label[i] = (int32_t)v;
	}
	m->rel[i] = m->f[m->cp];
	m->lines[i] = m->line;
	m->n = i + 1;
	return 0;
}

/* Parse the whole manifest (buf is changed: fields are cut out in place). */
static int mani_parse(struct mani *m, char *buf, size_t len, struct ap_err *err)
{
	struct txt_lines t;
	size_t so, eo, nul = txt_nul_line(buf, len);
	int have_header = 0;

	if (len == 0)
		return ap_errf(err, "manifest '%s': empty file", m->path);
	if (nul)
		return ap_errf(err, "manifest '%s' line %zu: NUL byte (not a text file)", m->path, nul);
	m->cap = 1;
	for (const char *q = buf; q < buf + len; q++)
		m->cap += *q == '\n';
	m->rel = malloc(m->cap * sizeof *m->rel);
	m->lines = malloc(m->cap * sizeof *m->lines);
	m->xy = malloc(m->cap * 2 * sizeof *m->xy);
	m->label = malloc(m->cap * sizeof *m->label);
	if (!m->rel || !m->lines || !m->xy || !m->label)
		return ap_errf(err, "manifest '%s': out of memory for %zu rows", m->path, m->cap);
	txt_init(&t, buf, len);
	while (txt_next(&t, &so, &eo)) {
		char *s = buf + so, *e = buf + eo;

		m->line = t.line;
		if (!have_header) {
			have_header = 1;
			if (mani_header(m, s, e, err) < 0)
				return -1;
			continue;
		}
		if (mani_row(m, s, e, err) < 0)
			return -1;
	}
	if (m->n == 0)
		return ap_errf(err, "manifest '%s': no rows", m->path);
	return 0;
}

/* The manifest's folder joined to a relative path; an absolute one as it is. */
static char *mani_join(const char *csv, const char *rel)
{
	const char *slash = strrchr(csv, '/');
	size_t a = slash && rel[0] != '/' ? (size_t)(slash - csv) + 1 : 0, b = strlen(rel);
	char *p = malloc(a + b + 1);

	if (!p)
		return NULL;
	memcpy(p, csv, a);
	memcpy(p + a, rel, b + 1);
	return p;
}

int imgdir_load_manifest(const char *csv, const struct imgdir_opts *o, struct ap_imgset *out, double **xy,
	int32_t **labels, struct ap_err *err)
{
	struct imgdir_opts opts;
	struct mani m = { .path = csv };
	struct batch b = { .what = "manifest", .src = csv };
	uint8_t *buf = NULL;
	size_t len, k = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*xy = NULL;
	if (labels)
		*labels = NULL;
	if (resolve_opts(o, &opts, "manifest", csv, err) < 0)
		return -1;
	if (load_file(csv, opts.max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "manifest");
	if (mani_parse(&m, (char *)buf, len, err) < 0)
		goto out_free;
	b.n = m.n;
	b.lines = m.lines;
	b.paths = calloc(m.n, sizeof *b.paths);
	b.kept = malloc(m.n);
	if (!b.paths || !b.kept) {
		ap_errf(err, "manifest '%s': out of memory", csv);
		goto out_free;
	}
	for (size_t i = 0; i < m.n; i++) {
		if (!(b.paths[i] = mani_join(csv, m.rel[i]))) {
			ap_errf(err, "manifest '%s': out of memory", csv);
			goto out_free;
		}
	}
	if (load_batch(&b, &opts, out, err) < 0)
		goto out_free;
	for (size_t i = 0; i < m.n; i++) {
		if (!b.kept[i])
			continue;
		m.xy[2 * k] = m.xy[2 * i];
		m.xy[2 * k + 1] = m.xy[2 * i + 1];
		m.label[k] = m.label[i];
		k++;
	}
	*xy = m.xy;
	m.xy = NULL;
	if (labels && m.cl >= 0) {
		*labels = m.label;
		m.label = NULL;
	}
	rc = 0;

out_free:
	imgdir_names_free(b.paths, b.paths ? b.n : 0);
	free(b.kept);
	free(m.f);
	free(m.rel);
	free(m.lines);
	free(m.xy);
	free(m.label);
	free(buf);
	return rc;
}
