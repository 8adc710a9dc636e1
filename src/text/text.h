/*
 * text: the report layer drawn over a finished frame (whichever backend drew it): a
 * title (cross-fading into a second one), a caption, and a legend box with one row per
 * label (a swatch in its colour, or an image, and its name); and the frame as a PDF or SVG document,
 * its raster embedded once at its pixel size (nearest-neighbour, lossless) with the
 * text as vectors. Through Cairo and Pango, with one font file loaded explicitly
 * (TEXT_FONT_FILE, DejaVu Sans from Debian's fonts-dejavu-core) into a private
 * fontconfig configuration, hinting off, grayscale antialiasing: the same inputs give
 * the same pixels on every machine with that font file. Glyphs the font lacks (CJK,
 * say) are drawn as Pango's hex boxes.
 *
 * The only code that includes a Cairo, Pango or fontconfig header (scripts/layers.sh).
 * A handle holds its own font map and context, no globals: use one handle from one
 * thread at a time.
 *
 * struct text_desc, zero value = defaults:
 *   w, h          the frame, pixels (required)
 *   title, title_to, caption   NULL: none; title_to cross-fades from title (fade 0..1)
 *   nrows, names, colors       the legend's rows (0: no legend); colours 0xAABBGGRR
 *   icons         NULL: a swatch of each row's colour; else nrows images (straight RGBA,
 *                 rows top first; rgba NULL: that row's swatch) drawn instead, a row high,
 *                 box-filtered to fit once in text_open (the caller may free them after)
 *   font_size     0 -> text_font_size(w, h): the legend's text in pixels; the title is
 *                 TEXT_TITLE_SCALE times it, the caption TEXT_CAPTION_SCALE
 *   color         0 -> white on a dark (or transparent) background, black on a light one
 *   background    the frame's background, 0xAABBGGRR (0: transparent)
 *   warn, user    a text that does not fit is shrunk (down to TEXT_MIN_PX) or cut, and
 *                 one line says so here (may be NULL)
 *
 *   text_open          lay the texts out once for the frame size (fits, shrinks, cuts)
 *   text_legend_rect   where the legend box goes in a corner
 *   text_draw          draw over an RGBA frame in place
 *   text_doc_write     the frame (and the texts, t may be NULL) as a PDF or SVG stream
 *
 * Not here: files and their names (the caller opens the stream), names files, where
 * the sprites are (app/figure picks the corner), which frames get text.
 */
#ifndef AP_TEXT_H
#define AP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

#define TEXT_FONT_FILE "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define TEXT_MIN_PX 6.0
#define TEXT_TITLE_SCALE 1.5
#define TEXT_CAPTION_SCALE 0.8
#define TEXT_DEFAULT_DPI 96.0

enum text_corner { TEXT_CORNER_NONE = 0, TEXT_TOP_LEFT, TEXT_TOP_RIGHT, TEXT_BOTTOM_LEFT, TEXT_BOTTOM_RIGHT };
enum text_doc { TEXT_DOC_PDF = 1, TEXT_DOC_SVG };

struct text_icon {
	const uint8_t *rgba;
	int w, h;
};

struct text_desc {
	int w, h;
	const char *title, *title_to, *caption;
	size_t nrows;
	const char *const *names;
	const uint32_t *colors;
	const struct text_icon *icons;
	double font_size;
	uint32_t color;
	uint32_t background;
	void (*warn)(void *user, const char *line);
	void *user;
};

struct text_rect {
	double x, y, w, h;
};

struct text;

/* The default legend text size for a frame: h/45, at most w/64, at least 9 px
 * (24 px at 1920x1080, 9 px at 320x180). */
double text_font_size(int w, int h);

/* NULL on failure (the font file missing, out of memory), with err saying why. */
struct text *text_open(const struct text_desc *d, struct ap_err *err);
void text_close(struct text *t);

/* The legend box in corner c, in frame pixels (inside the margins, below the title and
 * above the caption); all zero without a legend. */
void text_legend_rect(const struct text *t, enum text_corner c, struct text_rect *r);

/* Draw the texts over rgba (w*h*4, straight alpha, rows top first) in place; fade is
 * the title's cross-fade (0: title, 1: title_to), legend the corner (NONE: no legend). */
int text_draw(struct text *t, uint8_t *rgba, double fade, enum text_corner legend, struct ap_err *err);

/* The frame rgba (w x h) as a document of w*72/dpi x h*72/dpi points on fp, with t's
 * texts over it when t is not NULL. name only names the output in errors
 * ("output 'NAME': ..."). */
struct text_page {
	enum text_doc kind;
	const uint8_t *rgba;
	int w, h;
	double dpi;                  /* 0 -> TEXT_DEFAULT_DPI */
	double fade;
	enum text_corner legend;
	const char *title;           /* the document's title metadata, or NULL */
};
int text_doc_write(struct text *t, const struct text_page *p, FILE *fp, const char *name, struct ap_err *err);

#endif
