#include "app/figure.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/txt.h"
#include "core/pal.h"
#include "io/afile.h"
#include "io/load.h"
#include "text/text.h"

const char *const figure_legend_names[6] = { "none", "auto", "top-left", "top-right", "bottom-left", "bottom-right" };

struct figure {
	struct text *t;
	enum figure_legend legend;
	enum text_corner corner;
	bool pinned;
	const char *title;
	char **names;
	uint32_t *colors;
};

bool figure_wanted(const struct figure_opts *o)
{
	return o->legend != FIGURE_LEGEND_NONE || o->legend_images || (o->title && *o->title) || (o->title_to && *o->title_to) ||
	       (o->caption && *o->caption);
}

int figure_doc_kind(const char *path)
{
	size_t n = strlen(path);
	if (n > 4 && !strcasecmp(path + n - 4, ".pdf"))
		return TEXT_DOC_PDF;
	if (n > 4 && !strcasecmp(path + n - 4, ".svg"))
		return TEXT_DOC_SVG;
	return 0;
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF)? */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], cp, min;
		size_t k;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* One block: the pointer table, then the strings. */
static char **names_block(size_t n, size_t bytes)
{
	return malloc(n * sizeof(char *) + bytes + 1);
}

static int names_from_file(const char *path, size_t need, size_t max_bytes, char ***out, size_t *nout,
			   struct ap_err *err)
{
	uint8_t *buf;
	size_t len;
	if (load_file(path, max_bytes ? max_bytes : (size_t)16 << 20, &buf, &len, err))
		return ap_err_subject(err, "label names");
	int rc = -1;
	size_t nul = txt_nul_line((const char *)buf, len);
	if (nul) {
		ap_errf(err, "label names '%s' line %zu: a NUL byte (not a text file)", path, nul);
		goto out_free;
	}
	struct txt_lines t;
	size_t s, e, n = 0, last = 0;
	txt_init(&t, (const char *)buf, len);
	while (txt_next(&t, &s, &e))
		n++;
	char **v = names_block(n ? n : 1, len);
	if (!v) {
		ap_errf(err, "label names '%s': out of memory", path);
		goto out_free;
	}
	char *p = (char *)(v + (n ? n : 1));
	size_t k = 0;
	txt_init(&t, (const char *)buf, len);
	while (txt_next(&t, &s, &e)) {
		while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t' || buf[e - 1] == '\r'))
			e--;
		if (!utf8_ok(buf + s, e - s)) {
			free(v);
			ap_errf(err, "label names '%s' line %zu: not UTF-8 text", path, t.line);
			goto out_free;
		}
		memcpy(p, buf + s, e - s);
		p[e - s] = 0;
		v[k++] = p;
		p += e - s + 1;
		last = t.line;
	}
	if (n < need) {
		free(v);
		ap_errf(err, "label names '%s' line %zu: no name for label %zu (the file has %zu names, the labels %zu)",
			path, last + 1, n, n, need);
		goto out_free;
	}
	*out = v;
	*nout = n;
	rc = 0;
out_free:
	free(buf);
	return rc;
}

int figure_names(const char *arg, size_t need, size_t max_bytes, char ***out, size_t *nout, struct ap_err *err)
{
	struct stat st;
	*out = NULL;
	*nout = 0;
	if (stat(arg, &st) == 0 || !strchr(arg, ','))
		return names_from_file(arg, need, max_bytes, out, nout, err);
	size_t len = strlen(arg), n = 1;
	if (!utf8_ok((const unsigned char *)arg, len))
		return ap_errf(err, "--label-names: not UTF-8 text");
	for (const char *c = arg; *c; c++)
		n += *c == ',';
	if (n < need)
		return ap_errf(err, "--label-names: %zu names, but the labels have %zu classes", n, need);
	char **v = names_block(n, len);
	if (!v)
		return ap_errf(err, "--label-names: out of memory");
	char *p = (char *)(v + n);
	memcpy(p, arg, len + 1);
	size_t k = 0;
	v[k++] = p;
	for (; *p; p++) {
		if (*p == ',') {
			*p = 0;
			v[k++] = p + 1;
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

static int check_text(const char *opt, const char *s, struct ap_err *err)
{
	if (s && !utf8_ok((const unsigned char *)s, strlen(s)))
		return ap_errf(err, "%s: not UTF-8 text", opt);
	return 0;
}

void figure_representatives(const double *xy, const int32_t *labels, size_t n, int32_t nclasses, size_t *reps)
{
	double *mean = calloc((size_t)nclasses * 3, sizeof *mean), *best = mean + (size_t)nclasses * 2;
	for (int32_t c = 0; c < nclasses; c++)
		reps[c] = SIZE_MAX;
	if (!mean)
		return;
	for (size_t i = 0; i < n; i++) {
		double *m = mean + 2 * (size_t)labels[i];
		m[0] += xy[2 * i], m[1] += xy[2 * i + 1];
		best[labels[i]]++;
	}
	for (int32_t c = 0; c < nclasses; c++)
		if (best[c])
			mean[2 * c] /= best[c], mean[2 * c + 1] /= best[c];
	for (size_t i = 0; i < n; i++) {
		int32_t c = labels[i];
		double dx = xy[2 * i] - mean[2 * c], dy = xy[2 * i + 1] - mean[2 * c + 1], d = dx * dx + dy * dy;
		if (reps[c] == SIZE_MAX || d < best[c]) {
			reps[c] = i;
			best[c] = d;
		}
	}
	free(mean);
}

/* Image i as straight RGBA at its own size, gray multiplied by tint. */
static uint8_t *icon_rgba(const struct ap_imgset *s, size_t i, uint32_t tint, int *w, int *h)
{
	uint32_t iw = imgset_iw(s, i), ih = imgset_ih(s, i);
	uint8_t *out = malloc((size_t)iw * ih * 4);
	if (!out)
		return NULL;
	const uint8_t *src = imgset_pixels(s, i);
	for (uint32_t y = 0; y < ih; y++)
		for (uint32_t x = 0; x < iw; x++) {
			const uint8_t *p = src + ((size_t)y * s->w + x) * s->c;
			uint8_t *q = out + ((size_t)y * iw + x) * 4;
			if (s->c == 1) {
				for (int k = 0; k < 3; k++)
					q[k] = (uint8_t)((p[0] * (tint >> 8 * k & 255) + 127) / 255);
				q[3] = 255;
			} else {
				q[0] = p[0], q[1] = p[1], q[2] = p[2];
				q[3] = s->c == 4 ? p[3] : 255;
			}
		}
	*w = (int)iw;
	*h = (int)ih;
	return out;
}

/* The legend's images, one per class (rgba NULL for a class with no points). */
static int make_icons(const struct figure_desc *d, const uint32_t *colors, struct text_icon **out, struct ap_err *err)
{
	size_t rows = (size_t)d->nclasses;
	struct text_icon *ic = calloc(rows, sizeof *ic);
	size_t *reps = malloc(rows * sizeof *reps);
	*out = ic;
	if (!ic || !reps) {
		free(reps);
		return ap_errf(err, "out of memory");
	}
	figure_representatives(d->xy, d->labels, d->imgs->n, d->nclasses, reps);
	for (size_t c = 0; c < rows; c++) {
		if (reps[c] == SIZE_MAX)
			continue;
		if (!(ic[c].rgba = icon_rgba(d->imgs, reps[c], colors[c], &ic[c].w, &ic[c].h))) {
			free(reps);
			return ap_errf(err, "out of memory");
		}
	}
	free(reps);
	return 0;
}

static void free_icons(struct text_icon *ic, size_t n)
{
	for (size_t i = 0; ic && i < n; i++)
		free((void *)ic[i].rgba);
	free(ic);
}

int figure_open(const struct figure_desc *d, struct figure **out, struct ap_err *err)
{
	const struct figure_opts *o = d->o;
	*out = NULL;
	if (!figure_wanted(o))
		return 0;
	if (check_text("--title", o->title, err) || check_text("--title-to", o->title_to, err) ||
	    check_text("--caption", o->caption, err))
		return -1;
	struct figure *f = calloc(1, sizeof *f);
	if (!f)
		return ap_errf(err, "out of memory");
	f->legend = o->legend_images && !o->legend ? FIGURE_LEGEND_AUTO : o->legend;
	struct text_icon *icons = NULL;
	size_t rows = 0;
	f->title = o->title && *o->title ? o->title : o->title_to;
	char numbers[64][12];
	const char *num[64];
	if (o->legend_images && !d->labels) {
		ap_errf(err, "--legend-images: the data set has no labels (give --labels, or a layout CSV with a label column)");
		goto out_free;
	}
	if (f->legend) {
		if (!d->labels) {
			ap_errf(err, "--legend: the data set has no labels (give --labels, or a layout CSV with a label column)");
			goto out_free;
		}
		rows = (size_t)d->nclasses;
		if (o->names) {
			size_t n;
			if (figure_names(o->names, rows, d->max_bytes, &f->names, &n, err))
				goto out_free;
		} else {
			if (rows > 64) {
				ap_errf(err, "--legend: %zu labels are more than a legend shows (64)", rows);
				goto out_free;
			}
			for (size_t i = 0; i < rows; i++) {
				snprintf(numbers[i], sizeof numbers[i], "%zu", i);
				num[i] = numbers[i];
			}
		}
		if (!(f->colors = malloc(rows * sizeof *f->colors))) {
			ap_errf(err, "out of memory");
			goto out_free;
		}
		for (size_t i = 0; i < rows; i++)
			f->colors[i] = pal_label((int32_t)i, d->nclasses);
		if (o->legend_images && d->imgs && d->imgs->pix && d->xy && make_icons(d, f->colors, &icons, err))
			goto out_free;
	}
	struct text_desc td = {
		.w = d->w, .h = d->h,
		.title = o->title, .title_to = o->title_to, .caption = o->caption,
		.nrows = rows, .names = f->names ? (const char *const *)f->names : num, .colors = f->colors,
		.icons = icons,
		.font_size = o->font_size, .color = o->color, .background = d->background,
		.warn = d->warn, .user = d->user,
	};
	f->t = text_open(&td, err);
	free_icons(icons, rows);
	icons = NULL;
	if (!f->t)
		goto out_free;
	switch (f->legend) {
	case FIGURE_LEGEND_TOP_LEFT: f->corner = TEXT_TOP_LEFT; break;
	case FIGURE_LEGEND_TOP_RIGHT: f->corner = TEXT_TOP_RIGHT; break;
	case FIGURE_LEGEND_BOTTOM_LEFT: f->corner = TEXT_BOTTOM_LEFT; break;
	case FIGURE_LEGEND_BOTTOM_RIGHT: f->corner = TEXT_BOTTOM_RIGHT; break;
	case FIGURE_LEGEND_AUTO: f->corner = TEXT_TOP_RIGHT; break;
	case FIGURE_LEGEND_NONE: f->corner = TEXT_CORNER_NONE; break;
	}
	*out = f;
	return 0;
out_free:
	free_icons(icons, rows);
	figure_close(f);
	return -1;
}

void figure_close(struct figure *f)
{
	if (!f)
		return;
	text_close(f->t);
	free(f->names);
	free(f->colors);
	free(f);
}

bool figure_placing(const struct figure *f)
{
	return f && f->legend == FIGURE_LEGEND_AUTO && !f->pinned;
}

void figure_place(struct figure *f, const double *xy, size_t n, const struct cam_view *v, bool pin)
{
	if (!figure_placing(f))
		return;
	/* matplotlib's order for ties: upper right, upper left, lower left, lower right */
	static const enum text_corner order[4] = { TEXT_TOP_RIGHT, TEXT_TOP_LEFT, TEXT_BOTTOM_LEFT, TEXT_BOTTOM_RIGHT };
	struct text_rect r[4];
	size_t count[4] = { 0 };
	for (int c = 0; c < 4; c++)
		text_legend_rect(f->t, order[c], &r[c]);
	for (size_t i = 0; i < n; i++) {
		double px, py;
		cam_to_screen(v, xy[2 * i], xy[2 * i + 1], &px, &py);
		for (int c = 0; c < 4; c++)
			count[c] += px >= r[c].x && px < r[c].x + r[c].w && py >= r[c].y && py < r[c].y + r[c].h;
	}
	int best = 0;
	for (int c = 1; c < 4; c++)
		if (count[c] < count[best])
			best = c;
	f->corner = order[best];
	f->pinned = pin;
}

int figure_draw(struct figure *f, uint8_t *rgba, double fade, struct ap_err *err)
{
	return text_draw(f->t, rgba, fade, f->corner, err);
}

struct doc_job {
	struct figure *f;
	struct text_page page;
	const char *path;
};

static int put_doc(FILE *fp, void *ctx, struct ap_err *err)
{
	struct doc_job *j = ctx;
	return text_doc_write(j->f ? j->f->t : NULL, &j->page, fp, j->path, err);
}

int figure_write_doc(struct figure *f, const struct figure_page *p, struct ap_err *err)
{
	struct doc_job j = {
		.f = f,
		.page = { .kind = (enum text_doc)p->kind, .rgba = p->rgba, .w = p->w, .h = p->h, .dpi = p->dpi,
			  .fade = p->fade, .legend = f ? f->corner : TEXT_CORNER_NONE, .title = f ? f->title : NULL },
		.path = p->path,
	};
	return afile_write(p->path, put_doc, &j, err);
}
