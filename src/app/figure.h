/*
 * figure: what makes a frame report-ready, between the frame loop and the text layer
 * (text/): the label names (--label-names, a file or a comma list), the legend's
 * corner (auto: the one whose box covers the fewest of this frame's sprite centres),
 * the title's cross-fade, and PDF/SVG outputs chosen by the path's extension, written
 * atomically (io/afile). A run with no text options opens no figure, and its frames
 * cost nothing extra: no Cairo call at all.
 *
 * struct figure_opts, zero value = defaults (frames_desc.text):
 *   names       NULL: the label numbers; a path to a file of one name per line (UTF-8,
 *               blank lines skipped), or, when no such file exists and it has a comma,
 *               the names themselves ("cat,dog")
 *   legend      FIGURE_LEGEND_NONE; AUTO or a corner
 *   legend_images  false: swatches; true: each row shows its class's image nearest the
 *               class's centroid in the layout at open (gray images multiplied by the
 *               label's colour, colour images as they are); implies AUTO when legend
 *               is NONE
 *   title, title_to, caption   NULL: none (title_to: animate's cross-fade target)
 *   font_size   0 -> text_font_size (the legend's; title 1.5x, caption 0.8x)
 *   color       0 -> white on dark or transparent backgrounds, black on light ones
 *   dpi         0 -> TEXT_DEFAULT_DPI (96) for PDF/SVG page sizes; PNGs get a pHYs
 *               chunk only when it is set
 *
 *   figure_wanted     does o ask for any text?
 *   figure_doc_kind   0 for a PNG path, else TEXT_DOC_PDF or TEXT_DOC_SVG
 *   figure_names      the names of --label-names
 *   figure_representatives  each class's image nearest its centroid (legend_images)
 *   figure_open       lay the texts out for a frame size and a data set's labels
 *   figure_place      choose the legend's corner from a frame's sprites (unless pinned)
 *   figure_placing    whether figure_place would look at them
 *   figure_draw       the texts over an RGBA frame
 *   figure_write_doc  a frame as a PDF or SVG file, texts as vectors (f may be NULL)
 */
#ifndef AP_FIGURE_H
#define AP_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/cam.h"
#include "core/imgset.h"

enum figure_legend {
	FIGURE_LEGEND_NONE = 0,
	FIGURE_LEGEND_AUTO,
	FIGURE_LEGEND_TOP_LEFT,
	FIGURE_LEGEND_TOP_RIGHT,
	FIGURE_LEGEND_BOTTOM_LEFT,
	FIGURE_LEGEND_BOTTOM_RIGHT,
};

/* "none", "auto", "top-left", "top-right", "bottom-left", "bottom-right", in enum order. */
extern const char *const figure_legend_names[6];

struct figure_opts {
	const char *names;
	enum figure_legend legend;
	bool legend_images;
	const char *title, *title_to, *caption;
	double font_size;
	uint32_t color;
	double dpi;
};

bool figure_wanted(const struct figure_opts *o);
int figure_doc_kind(const char *path);

/* The names of arg (figure_opts.names), at least need of them: *names is one malloc'd
 * block (free it), *n how many. Errors: "label names 'F' line 9: ...", "--label-names:
 * 2 names, but the labels have 10 classes". */
int figure_names(const char *arg, size_t need, size_t max_bytes, char ***names, size_t *n, struct ap_err *err);

struct figure;

struct figure_desc {
	const struct figure_opts *o;
	int w, h;
	uint32_t background;
	const int32_t *labels;       /* NULL: no legend possible */
	int32_t nclasses;
	const struct ap_imgset *imgs; /* with their pixels, for legend_images (read in figure_open) */
	const double *xy;            /* the layout the representatives are chosen in */
	size_t max_bytes;            /* for the names file */
	void (*warn)(void *user, const char *line);
	void *user;
};

/* The image of each class (reps[c], nclasses of them) whose point in xy (n points) is
 * nearest the mean of its class's points, the lowest index on ties; SIZE_MAX for a
 * class with no points. */
void figure_representatives(const double *xy, const int32_t *labels, size_t n, int32_t nclasses, size_t *reps);

/* *out NULL (and 0) when d->o asks for no text. */
int figure_open(const struct figure_desc *d, struct figure **out, struct ap_err *err);
void figure_close(struct figure *f);

/* Choose the legend's corner from the sprite centres xy (n points) seen through v, for
 * AUTO; pin: keep it for every later frame (an animation's legend stays put). */
void figure_place(struct figure *f, const double *xy, size_t n, const struct cam_view *v, bool pin);
/* Whether figure_place would read the points (an AUTO legend not pinned). */
bool figure_placing(const struct figure *f);

/* fade: the title's cross-fade, 0..1. */
int figure_draw(struct figure *f, uint8_t *rgba, double fade, struct ap_err *err);

struct figure_page {
	const char *path;
	int kind;                    /* figure_doc_kind(path) */
	const uint8_t *rgba;
	int w, h;
	double dpi, fade;
};
int figure_write_doc(struct figure *f, const struct figure_page *p, struct ap_err *err);

#endif
