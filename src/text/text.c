#include "text/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#define LEGEND_MAX_SHARE 0.5         /* the legend box takes at most half the frame's width */
#define BOX_ALPHA 0.6

/* A laid-out line of text and the size it was given. */
struct line {
	PangoLayout *lay;
	double px;                   /* font size, pixels */
	int lw, lh;                  /* logical width and height, pixels (rounded up) */
};

struct text {
	struct text_desc d;
	PangoFontMap *fm;
	PangoContext *pc;
	cairo_surface_t *scratch;    /* frame-sized, for text_draw; made on first use */
	double pad;                  /* frame margin, pixels */
	struct line title, title_to, caption;
	double title_band, caption_band;
	struct line *rows;
	cairo_surface_t **icons;     /* nrows, NULL entries for swatches; NULL without icons */
	double lpx, row_h, swatch, inner;
	double box_w, box_h;
	double fg[4], box[4];        /* text and legend box colours, straight RGBA 0..1 */
};

double text_font_size(int w, int h)
{
	double f = fmin(h / 45.0, w / 64.0);
	return f < 9 ? 9 : floor(f + 0.5);
}

#define warnf(t, ...) ap_notef((t)->d.warn, (t)->d.user, __VA_ARGS__)

static void rgba_of(uint32_t c, double out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = (c >> (8 * i) & 255) / 255.0;
}

/* (Re)lay out a line at px pixels, maxw pixels wide at most (0: no limit, else cut
 * with an ellipsis). */
static void set_line(struct text *t, struct line *l, const char *s, double px, int maxw)
{
	if (!l->lay)
		l->lay = pango_layout_new(t->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, "DejaVu Sans");
	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	pango_layout_set_font_description(l->lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_single_paragraph_mode(l->lay, TRUE);
	pango_layout_set_text(l->lay, s, -1);
	pango_layout_set_width(l->lay, maxw > 0 ? maxw * PANGO_SCALE : -1);
	pango_layout_set_ellipsize(l->lay, maxw > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	PangoRectangle log;
	pango_layout_get_extents(l->lay, NULL, &log);
	l->px = px;
	l->lw = (int)ceil((double)log.width / PANGO_SCALE);
	l->lh = (int)ceil((double)log.height / PANGO_SCALE);
}

/* A title or caption: as large as asked, else shrunk to fit the width, else cut. */
static void fit_line(struct text *t, struct line *l, const char *opt, const char *s, double px)
{
	int avail = (int)floor(t->d.w - 2 * t->pad);
	set_line(t, l, s, px, 0);
	if (l->lw <= avail)
		return;
	double want = px;
	double fit = floor(px * avail / l->lw);
	if (fit >= TEXT_MIN_PX) {
		set_line(t, l, s, fit, 0);
		while (l->lw > avail && fit > TEXT_MIN_PX)
			set_line(t, l, s, --fit, 0);
		if (l->lw <= avail) {
			warnf(t, "%s '%s': too wide for a %d px frame at %g px, shrunk to %g px", opt, s, t->d.w, want, fit);
			return;
		}
	}
	set_line(t, l, s, TEXT_MIN_PX, avail);
	warnf(t, "%s '%s': too wide for a %d px frame even at %g px, cut to fit", opt, s, t->d.w, TEXT_MIN_PX);
}

static void legend_metrics(struct text *t, double px)
{
	t->lpx = px;
	t->row_h = ceil(px * 1.35);
	/* an image needs the room a swatch does not: MNIST digits read at 31 px, not 19 */
	t->swatch = t->d.icons ? t->row_h - 2 : round(px * 0.8);
	t->inner = round(px * 0.5);
	int maxw = 0;
	for (size_t i = 0; i < t->d.nrows; i++) {
		set_line(t, &t->rows[i], t->d.names[i], px, 0);
		maxw = t->rows[i].lw > maxw ? t->rows[i].lw : maxw;
	}
	t->box_w = 2 * t->inner + t->swatch + t->inner + maxw;
	t->box_h = 2 * t->inner + (double)t->d.nrows * t->row_h;
}

/* The legend: as large as asked, else shrunk to the height left between title and
 * caption, and names cut to half the frame's width. */
static void fit_legend(struct text *t, double px)
{
	double avail_h = t->d.h - 2 * t->pad - t->title_band - t->caption_band;
	double avail_w = fmin(t->d.w * LEGEND_MAX_SHARE, t->d.w - 2 * t->pad);
	legend_metrics(t, px);
	if (t->box_h > avail_h) {
		double fit = floor(px * avail_h / t->box_h);
		fit = fit < TEXT_MIN_PX ? TEXT_MIN_PX : fit;
		legend_metrics(t, fit);
		while (t->box_h > avail_h && fit > TEXT_MIN_PX)
			legend_metrics(t, --fit);
		warnf(t, "--legend: %zu rows do not fit a %d px high frame at %g px, shrunk to %g px", t->d.nrows,
		      t->d.h, px, fit);
		if (t->box_h > avail_h)
			warnf(t, "--legend: %zu rows do not fit a %d px high frame even at %g px: drawn over the title or caption",
			      t->d.nrows, t->d.h, fit);
	}
	if (t->box_w > avail_w) {
		int maxw = (int)floor(avail_w - 3 * t->inner - t->swatch);
		maxw = maxw < 1 ? 1 : maxw;
		for (size_t i = 0; i < t->d.nrows; i++)
			set_line(t, &t->rows[i], t->d.names[i], t->lpx, maxw);
		t->box_w = 3 * t->inner + t->swatch + maxw;
		warnf(t, "--legend: names too wide for a %d px frame at %g px, cut to fit", t->d.w, t->lpx);
	}
}

/* The weights of source pixels [0, n) over destination pixel j of m (area overlap,
 * sums to 1): a box filter, for shrinking and growing alike. */
static void box_span(int n, int m, int j, int *lo, int *hi, double *wt)
{
	double a = (double)j * n / m, b = (double)(j + 1) * n / m;
	*lo = (int)floor(a);
	*hi = (int)ceil(b);
	if (*hi > n)
		*hi = n;
	for (int i = *lo; i < *hi; i++)
		wt[i - *lo] = (fmin(b, i + 1) - fmax(a, i)) * m / n;
}

/* An icon fitted (aspect kept, centred) in a square of side px, on a transparent
 * ground, premultiplied ARGB32: the same bytes on every run. */
static cairo_surface_t *icon_surface(const struct text_icon *ic, int px)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
	if (cairo_surface_status(s)) {
		cairo_surface_destroy(s);
		return NULL;
	}
	double k = fmin((double)px / ic->w, (double)px / ic->h);
	int dw = (int)fmax(1, round(ic->w * k)), dh = (int)fmax(1, round(ic->h * k));
	int ox = (px - dw) / 2, oy = (px - dh) / 2;
	double *wx = malloc(((size_t)ic->w + 2) * sizeof *wx), *wy = malloc(((size_t)ic->h + 2) * sizeof *wy);
	if (!wx || !wy) {
		free(wx);
		free(wy);
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_surface_flush(s);
	uint8_t *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	memset(data, 0, (size_t)stride * px);
	for (int y = 0; y < dh; y++) {
		int y0, y1;
		box_span(ic->h, dh, y, &y0, &y1, wy);
		for (int x = 0; x < dw; x++) {
			int x0, x1;
			box_span(ic->w, dw, x, &x0, &x1, wx);
			double acc[4] = { 0 };
			for (int sy = y0; sy < y1; sy++)
				for (int sx = x0; sx < x1; sx++) {
					const uint8_t *p = ic->rgba + ((size_t)sy * ic->w + sx) * 4;
					double w = wx[sx - x0] * wy[sy - y0], a = p[3] * w;
					acc[0] += p[0] * a, acc[1] += p[1] * a, acc[2] += p[2] * a, acc[3] += a;
				}
			uint32_t A = (uint32_t)fmin(255, round(acc[3]));
			uint32_t R = (uint32_t)fmin(A, round(acc[0] / 255)), G = (uint32_t)fmin(A, round(acc[1] / 255)),
				 B = (uint32_t)fmin(A, round(acc[2] / 255));
			((uint32_t *)(data + (size_t)(oy + y) * stride))[ox + x] = A << 24 | R << 16 | G << 8 | B;
		}
	}
	free(wx);
	free(wy);
	cairo_surface_mark_dirty(s);
	return s;
}

static int make_icons(struct text *t, struct ap_err *err)
{
	if (!(t->icons = calloc(t->d.nrows, sizeof *t->icons)))
		return ap_errf(err, "text: out of memory");
	int px = (int)t->swatch;
	for (size_t i = 0; i < t->d.nrows; i++) {
		const struct text_icon *ic = &t->d.icons[i];
		if (!ic->rgba || ic->w < 1 || ic->h < 1 || px < 1)
			continue;
		if (!(t->icons[i] = icon_surface(ic, px)))
			return ap_errf(err, "text: cannot make a %dx%d image", px, px);
	}
	return 0;
}

struct text *text_open(const struct text_desc *d, struct ap_err *err)
{
	struct text *t = calloc(1, sizeof *t);
	if (!t) {
		ap_errf(err, "text: out of memory");
		return NULL;
	}
	t->d = *d;
	/* a configuration of our own that knows one file: no system font matching */
	FcConfig *fc = FcConfigCreate();
	if (!fc || !FcConfigAppFontAddFile(fc, (const FcChar8 *)TEXT_FONT_FILE)) {
		if (fc)
			FcConfigDestroy(fc);
		ap_errf(err, "font '%s': cannot be loaded (install fonts-dejavu-core)", TEXT_FONT_FILE);
		goto out_free;
	}
	t->fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (!t->fm) {
		FcConfigDestroy(fc);
		ap_errf(err, "text: Pango has no FreeType font map");
		goto out_free;
	}
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(t->fm), fc);
	FcConfigDestroy(fc);             /* the font map holds its own reference */
	t->pc = pango_font_map_create_context(t->fm);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(t->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(t->pc, FALSE);
	pango_context_set_base_dir(t->pc, PANGO_DIRECTION_LTR);

	double f = d->font_size > 0 ? d->font_size : text_font_size(d->w, d->h);
	t->pad = round(f * 0.6);
	if (d->title && *d->title) {
		fit_line(t, &t->title, "--title", d->title, f * TEXT_TITLE_SCALE);
		t->title_band = t->title.lh;
	}
	if (d->title_to && *d->title_to) {
		fit_line(t, &t->title_to, "--title-to", d->title_to, f * TEXT_TITLE_SCALE);
		t->title_band = fmax(t->title_band, t->title_to.lh);
	}
	if (t->title_band)
		t->title_band += t->pad * 0.5;
	if (d->caption && *d->caption) {
		double cpx = fmax(f * TEXT_CAPTION_SCALE, fmin(f, 8));
		fit_line(t, &t->caption, "--caption", d->caption, cpx);
		t->caption_band = t->caption.lh + t->pad * 0.5;
	}
	if (d->nrows) {
		if (!(t->rows = calloc(d->nrows, sizeof *t->rows))) {
			ap_errf(err, "text: out of memory");
			goto out_free;
		}
		fit_legend(t, f);
		if (d->icons && make_icons(t, err))
			goto out_free;
	}
	t->d.icons = NULL;               /* the caller's: not kept */
	uint32_t bg = d->background;
	double lum = ((bg & 255) * 0.2126 + (bg >> 8 & 255) * 0.7152 + (bg >> 16 & 255) * 0.0722) / 255;
	bool light = (bg >> 24) >= 128 && lum > 0.5;
	uint32_t fg = d->color ? d->color : light ? 0xff000000u : 0xffffffffu;
	rgba_of(fg, t->fg);
	double fl = t->fg[0] * 0.2126 + t->fg[1] * 0.7152 + t->fg[2] * 0.0722;
	double b = fl > 0.5 ? 0 : 1;     /* the box contrasts with the text */
	t->box[0] = t->box[1] = t->box[2] = b;
	t->box[3] = BOX_ALPHA;
	return t;
out_free:
	text_close(t);
	return NULL;
}

static void line_free(struct line *l)
{
	if (l->lay)
		g_object_unref(l->lay);
}

void text_close(struct text *t)
{
	if (!t)
		return;
	line_free(&t->title);
	line_free(&t->title_to);
	line_free(&t->caption);
	for (size_t i = 0; t->rows && i < t->d.nrows; i++)
		line_free(&t->rows[i]);
	free(t->rows);
	for (size_t i = 0; t->icons && i < t->d.nrows; i++)
		if (t->icons[i])
			cairo_surface_destroy(t->icons[i]);
	free(t->icons);
	if (t->scratch)
		cairo_surface_destroy(t->scratch);
	if (t->pc)
		g_object_unref(t->pc);
	if (t->fm)
		g_object_unref(t->fm);
	free(t);
}

void text_legend_rect(const struct text *t, enum text_corner c, struct text_rect *r)
{
	memset(r, 0, sizeof *r);
	if (!t->d.nrows || c == TEXT_CORNER_NONE)
		return;
	r->w = t->box_w;
	r->h = t->box_h;
	bool left = c == TEXT_TOP_LEFT || c == TEXT_BOTTOM_LEFT, top = c == TEXT_TOP_LEFT || c == TEXT_TOP_RIGHT;
	r->x = left ? t->pad : t->d.w - t->pad - r->w;
	r->y = top ? t->pad + t->title_band : t->d.h - t->pad - t->caption_band - r->h;
	if (r->y < 0)
		r->y = 0;
	if (r->x < 0)
		r->x = 0;
}

static void show_line(cairo_t *cr, const struct line *l, double x, double y, const double c[4], double alpha)
{
	if (alpha <= 0)
		return;
	cairo_set_source_rgba(cr, c[0], c[1], c[2], c[3] * alpha);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l->lay);
}

/* Everything, in frame pixels, on any cairo_t (an image or a document page). */
static void paint(const struct text *t, cairo_t *cr, double fade, enum text_corner corner)
{
	double w = t->d.w, h = t->d.h;
	fade = fade < 0 ? 0 : fade > 1 ? 1 : fade;
	if (t->title.lay)
		show_line(cr, &t->title, round((w - t->title.lw) / 2), t->pad, t->fg, t->title_to.lay ? 1 - fade : 1);
	if (t->title_to.lay)
		show_line(cr, &t->title_to, round((w - t->title_to.lw) / 2), t->pad, t->fg, t->title.lay ? fade : 1);
	if (t->caption.lay)
		show_line(cr, &t->caption, round((w - t->caption.lw) / 2), h - t->pad - t->caption.lh, t->fg, 1);
	struct text_rect r;
	text_legend_rect(t, corner, &r);
	if (!r.w)
		return;
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_set_source_rgba(cr, t->box[0], t->box[1], t->box[2], t->box[3]);
	cairo_fill(cr);
	for (size_t i = 0; i < t->d.nrows; i++) {
		double y = r.y + t->inner + (double)i * t->row_h;
		double sy = y + round((t->row_h - t->swatch) / 2);
		double c[4];
		rgba_of(t->d.colors[i], c);
		if (t->icons && t->icons[i]) {
			/* at whole pixels, unfiltered: the box filter made it this size */
			double ix = round(r.x + t->inner), iy = round(sy);
			cairo_rectangle(cr, ix, iy, t->swatch, t->swatch);
			cairo_set_source_surface(cr, t->icons[i], ix, iy);
			cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
		} else {
			cairo_rectangle(cr, r.x + t->inner, sy, t->swatch, t->swatch);
			cairo_set_source_rgba(cr, c[0], c[1], c[2], 1);
		}
		cairo_fill(cr);
		double ty = y + round((t->row_h - t->rows[i].lh) / 2);
		show_line(cr, &t->rows[i], r.x + 2 * t->inner + t->swatch, ty, t->fg, 1);
	}
}

/* The pixel rectangles text_draw touches: title band, caption band, legend box. */
static int dirty_rects(const struct text *t, enum text_corner corner, int out[3][4])
{
	int n = 0, w = t->d.w, h = t->d.h;
	double r[3][4] = { { 0 } };
	if (t->title_band)
		memcpy(r[n++], (double[4]){ 0, 0, w, t->pad + t->title_band + 2 }, sizeof r[0]);
	if (t->caption_band)
		memcpy(r[n++], (double[4]){ 0, h - t->pad - t->caption_band - 2, w, t->pad + t->caption_band + 2 },
		       sizeof r[0]);
	struct text_rect lr;
	text_legend_rect(t, corner, &lr);
	if (lr.w)
		memcpy(r[n++], (double[4]){ lr.x - 1, lr.y - 1, lr.w + 2, lr.h + 2 }, sizeof r[0]);
	for (int i = 0; i < n; i++) {
		int x0 = (int)floor(r[i][0]), y0 = (int)floor(r[i][1]);
		int x1 = (int)ceil(r[i][0] + r[i][2]), y1 = (int)ceil(r[i][1] + r[i][3]);
		out[i][0] = x0 < 0 ? 0 : x0;
		out[i][1] = y0 < 0 ? 0 : y0;
		out[i][2] = x1 > w ? w : x1;
		out[i][3] = y1 > h ? h : y1;
	}
	return n;
}

/* RGBA8 straight <-> cairo ARGB32 premultiplied (native-endian words), for a rectangle. */
static void to_cairo(const uint8_t *rgba, int w, uint8_t *data, int stride, const int r[4])
{
	for (int y = r[1]; y < r[3]; y++) {
		const uint8_t *s = rgba + ((size_t)y * w + r[0]) * 4;
		uint32_t *d = (uint32_t *)(data + (size_t)y * stride) + r[0];
		for (int x = r[0]; x < r[2]; x++, s += 4) {
			uint32_t a = s[3];
			uint32_t R = (s[0] * a + 127) / 255, G = (s[1] * a + 127) / 255, B = (s[2] * a + 127) / 255;
			*d++ = a << 24 | R << 16 | G << 8 | B;
		}
	}
}

static void from_cairo(const uint8_t *data, int stride, uint8_t *rgba, int w, const int r[4])
{
	for (int y = r[1]; y < r[3]; y++) {
		const uint32_t *s = (const uint32_t *)(data + (size_t)y * stride) + r[0];
		uint8_t *d = rgba + ((size_t)y * w + r[0]) * 4;
		for (int x = r[0]; x < r[2]; x++, d += 4) {
			uint32_t p = *s++, a = p >> 24;
			if (a == 255) {
				d[0] = (uint8_t)(p >> 16);
				d[1] = (uint8_t)(p >> 8);
				d[2] = (uint8_t)p;
			} else if (a) {
				d[0] = (uint8_t)(((p >> 16 & 255) * 255 + a / 2) / a);
				d[1] = (uint8_t)(((p >> 8 & 255) * 255 + a / 2) / a);
				d[2] = (uint8_t)(((p & 255) * 255 + a / 2) / a);
			} else {
				d[0] = d[1] = d[2] = 0;
			}
			d[3] = (uint8_t)a;
		}
	}
}

int text_draw(struct text *t, uint8_t *rgba, double fade, enum text_corner legend, struct ap_err *err)
{
	int w = t->d.w, h = t->d.h;
	if (!t->scratch) {
		t->scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
		if (cairo_surface_status(t->scratch)) {
			cairo_surface_destroy(t->scratch);
			t->scratch = NULL;
			return ap_errf(err, "text: cannot make a %dx%d surface", w, h);
		}
	}
	int rects[3][4];
	int n = dirty_rects(t, legend, rects);
	if (!n)
		return 0;
	cairo_surface_flush(t->scratch);
	uint8_t *data = cairo_image_surface_get_data(t->scratch);
	int stride = cairo_image_surface_get_stride(t->scratch);
	for (int i = 0; i < n; i++)
		to_cairo(rgba, w, data, stride, rects[i]);
	cairo_surface_mark_dirty(t->scratch);
	cairo_t *cr = cairo_create(t->scratch);
	for (int i = 0; i < n; i++)
		cairo_rectangle(cr, rects[i][0], rects[i][1], rects[i][2] - rects[i][0], rects[i][3] - rects[i][1]);
	cairo_clip(cr);
	paint(t, cr, fade, legend);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_flush(t->scratch);
	if (st)
		return ap_errf(err, "text: %s", cairo_status_to_string(st));
	for (int i = 0; i < n; i++)
		from_cairo(data, stride, rgba, w, rects[i]);
	return 0;
}

/* ---- documents ---- */

struct sink {
	FILE *fp;
	int err;                     /* errno of the first failed write */
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	errno = 0;
	if (fwrite(data, 1, len, s->fp) != len) {
		if (!s->err)
			s->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int text_doc_write(struct text *t, const struct text_page *p, FILE *fp, const char *name, struct ap_err *err)
{
	double dpi = p->dpi > 0 ? p->dpi : TEXT_DEFAULT_DPI;
	double pw = p->w * 72.0 / dpi, ph = p->h * 72.0 / dpi;
	struct sink s = { fp, 0 };
	int rc = -1;
	bool opaque = true;
	size_t npix = (size_t)p->w * p->h;
	for (size_t i = 0; i < npix && opaque; i++)
		opaque = p->rgba[i * 4 + 3] == 255;
	cairo_surface_t *img = cairo_image_surface_create(opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32, p->w, p->h);
	cairo_surface_t *doc = NULL;
	if (cairo_surface_status(img)) {
		ap_errf(err, "output '%s': cannot make a %dx%d image", name, p->w, p->h);
		goto out_free;
	}
	int all[4] = { 0, 0, p->w, p->h };
	cairo_surface_flush(img);
	to_cairo(p->rgba, p->w, cairo_image_surface_get_data(img), cairo_image_surface_get_stride(img), all);
	cairo_surface_mark_dirty(img);
	if (p->kind == TEXT_DOC_PDF) {
		doc = cairo_pdf_surface_create_for_stream(sink_write, &s, pw, ph);
		cairo_pdf_surface_set_metadata(doc, CAIRO_PDF_METADATA_CREATOR, "atlasplot");
		if (p->title && *p->title)
			cairo_pdf_surface_set_metadata(doc, CAIRO_PDF_METADATA_TITLE, p->title);
	} else {
		doc = cairo_svg_surface_create_for_stream(sink_write, &s, pw, ph);
		cairo_svg_surface_set_document_unit(doc, CAIRO_SVG_UNIT_PT);
	}
	cairo_t *cr = cairo_create(doc);
	cairo_scale(cr, 72.0 / dpi, 72.0 / dpi);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
	cairo_paint(cr);
	if (t)
		paint(t, cr, p->fade, p->legend);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(doc);
	if (!st)
		st = cairo_surface_status(doc);
	if (s.err) {
		ap_errf(err, "output '%s': %s", name, strerror(s.err));
		goto out_free;
	}
	if (st) {
		ap_errf(err, "output '%s': %s", name, cairo_status_to_string(st));
		goto out_free;
	}
	rc = 0;
out_free:
	if (doc)
		cairo_surface_destroy(doc);
	cairo_surface_destroy(img);
	return rc;
}
