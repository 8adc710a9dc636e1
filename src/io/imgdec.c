#include "io/imgdec.h"

#include "io/dirlist.h"
#include "io/pngio.h"
#include "io/regfile.h"

#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <jerror.h>

static int sys_err(struct ap_err *err, const char *what, const char *path, const char *doing, int e)
{
	char why[128];

	snprintf(why, sizeof why, "%s", strerror(e));
	why[0] = (char)tolower((unsigned char)why[0]);
	return ap_errf(err, "%s '%s': %s: %s", what, path, doing, why);
}

/* Why a w×h image is refused before decoding, or 0 if it is not. */
static int size_reason(char *msg, size_t cap, uint32_t w, uint32_t h, size_t max)
{
	if (w == 0 || h == 0)
		snprintf(msg, cap, "image %ux%u has no pixels", w, h);
	else if (w > IMGDEC_MAX_SIDE || h > IMGDEC_MAX_SIDE)
		snprintf(msg, cap, "image %ux%u is too large (at most %u pixels a side)", w, h, IMGDEC_MAX_SIDE);
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

/* head: the file's first `got` bytes, which start with the PNG signature. Rows stream
 * from pngio through the scaler: only one decoded row is held. */
static int decode_png(const char *path, const uint8_t *head, size_t got, struct imgdec_slot *d,
	struct ap_err *err)
{
	char why[160];
	struct pngio_reader *p = NULL;
	struct pngio_rinfo in;
	uint8_t *row = NULL;
	struct imgscale r;
	int rc = -1, scaling = 0;

	/* IHDR is the first chunk: refuse a huge image before pngio allocates it */
	if (got >= 24 && memcmp(head + 12, "IHDR", 4) == 0
			&& size_reason(why, sizeof why, be32(head + 16), be32(head + 20), d->max) < 0)
		return ap_errf(err, "images '%s': %s", path, why);
	if (pngio_open(path, d->max < PNGIO_MAX_BYTES ? d->max : PNGIO_MAX_BYTES, &p, &in, err) < 0)
		return png_err(err, path);
	if (size_reason(why, sizeof why, in.w, in.h, d->max) < 0) {
		ap_errf(err, "images '%s': %s", path, why);
		goto out_close;
	}
	if ((uint64_t)in.w * in.h > PNGIO_MAX_BYTES / 4) {
		ap_errf(err, "images '%s': image %ux%u is too large (limits: %u px a side, %zu MiB decoded)",
			path, in.w, in.h, PNGIO_MAX_SIDE, PNGIO_MAX_BYTES >> 20);
		goto out_close;
	}
	row = malloc((size_t)in.w * 4);
	if (!row || imgscale_init(&r, d->t, in.w, in.h, d->cell, d->dst) < 0) {
		ap_errf(err, "images '%s': out of memory scaling a %ux%u image", path, in.w, in.h);
		goto out_close;
	}
	scaling = 1;
	for (uint32_t y = 0; y < in.h; y++) {
		if (pngio_read_row(p, row, path, err) < 0) {
			png_err(err, path);
			goto out_close;
		}
		imgscale_push(&r, row, 4);
	}
	imgscale_finish(&r);
	d->ow = r.ow;
	d->oh = r.oh;
	rc = 0;
out_close:
	if (scaling)
		imgscale_free(&r);
	free(row);
	pngio_close(p);
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
	struct imgscale rs;
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
static int jpeg_run(struct jdec *j, FILE *fp, struct imgdec_slot *d)
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
	/* libjpeg's own working memory (a progressive image's coefficients, 2 bytes a
	 * pixel and component) within the same limit: it fails rather than go past it */
	ci->mem->max_memory_to_use = d->max > LONG_MAX ? LONG_MAX : (long)d->max;
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
	if (!j->row || imgscale_init(&j->rs, d->t, ci->output_width, ci->output_height, d->cell, d->dst) < 0) {
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
		imgscale_push(&j->rs, j->row, ci->out_color_space == JCS_GRAYSCALE ? 1 : 3);
	}
	jpeg_finish_decompress(ci);
	imgscale_finish(&j->rs);
	d->ow = j->rs.ow;
	d->oh = j->rs.oh;
	return 0;
}

static int decode_jpeg(FILE *fp, const char *path, struct imgdec_slot *d, struct ap_err *err)
{
	struct jdec *j = calloc(1, sizeof *j);
	int rc;

	if (!j)
		return ap_errf(err, "images '%s': out of memory", path);
	rc = jpeg_run(j, fp, d);
	if (rc < 0 && j->je.pub.msg_code == JERR_NO_BACKING_STORE)
		ap_errf(err, "images '%s': image %ux%u is too large: decoding needs more than the limit of %zu bytes",
			path, j->cinfo.image_width, j->cinfo.image_height, d->max);
	else if (rc < 0)
		ap_errf(err, "images '%s': %s", path, j->je.msg[0] ? j->je.msg : "cannot decode");
	if (j->created)
		jpeg_destroy_decompress(&j->cinfo);
	imgscale_free(&j->rs);
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
int imgdec_file(const char *path, struct imgdec_slot *d, struct ap_err *err)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t head[24];
	size_t got;
	int rc;
	FILE *fp = regfile_open(path);

	if (!fp && !errno)
		return ap_errf(err, "images '%s': not a regular file", path);
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

/* ---- sizes from headers ---- */

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* The first SOFn's size, walking the markers from SOI (a seek per segment). */
static int jpeg_size(int fd, uint32_t *w, uint32_t *h)
{
	off_t at = 2;
	uint8_t m[9];

	for (int seg = 0; seg < 4096; seg++) {
		if (pread(fd, m, 4, at) != 4 || m[0] != 0xff)
			return -1;
		if (m[1] == 0xff) {                     /* fill byte */
			at++;
			continue;
		}
		if (m[1] == 0x01 || (m[1] >= 0xd0 && m[1] <= 0xd7)) {
			at += 2;                        /* no length */
			continue;
		}
		if (m[1] == 0xd9 || m[1] == 0xda)       /* EOI, SOS: no frame header before */
			return -1;
		if (m[1] >= 0xc0 && m[1] <= 0xcf && m[1] != 0xc4 && m[1] != 0xc8 && m[1] != 0xcc) {
			if (pread(fd, m, 9, at) != 9)
				return -1;
			*h = be16(m + 5);
			*w = be16(m + 7);
			return *w && *h ? 0 : -1;       /* a height of 0 comes later (DNL) */
		}
		at += 2 + (off_t)be16(m + 2);
	}
	return -1;
}

int imgdec_probe(const char *path, size_t max, uint32_t *w, uint32_t *h, struct ap_err *err)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t head[24];
	struct stat st;
	char why[160];
	int rc = -1;
	/* never waits on a FIFO: what is not a regular file is left to imgdec_file */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	*w = *h = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head) {
		if (memcmp(head, png_sig, 8) == 0 && memcmp(head + 12, "IHDR", 4) == 0) {
			*w = be32(head + 16);
			*h = be32(head + 20);
			rc = 0;
		} else if (head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
			rc = jpeg_size(fd, w, h);
		}
	}
	close(fd);
	if (rc < 0 || !*w || !*h) {
		*w = *h = 0;
		return 0;
	}
	if (size_reason(why, sizeof why, *w, *h, max) < 0)
		return ap_errf(err, "images '%s': %s", path, why);
	return 0;
}

uint64_t imgdec_version(void)
{
	return (uint64_t)IMGDEC_FORMAT << 48 ^ (uint64_t)png_access_version_number() << 16 ^ (uint64_t)JPEG_LIB_VERSION
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
	       ^ (uint64_t)LIBJPEG_TURBO_VERSION_NUMBER << 24
#endif
		;
}
