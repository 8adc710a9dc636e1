/*
 * job_opts: the options render and animate share (data, frame, sprites, colours,
 * backend), one table and one parser, so both commands (and atlas, info) spell and
 * default them alike. An option is a name and a value string, as the command line
 * gives them; the jobs (api/job.c) and the command line's loop over argv both come here.
 */
#ifndef AP_JOB_OPTS_H
#define AP_JOB_OPTS_H

#include <stdbool.h>

#include <atlasplot.h>

#include "app/frames.h"
#include "base/names.h"

enum {
	OPT_IMAGES = 256, OPT_LABELS, OPT_LAYOUT, OPT_SIZE, OPT_MARGIN, OPT_SPRITE, OPT_GROWTH,
	OPT_SPRITE_MIN, OPT_SPRITE_MAX, OPT_ALPHA, OPT_THRESHOLD, OPT_COLOR_BY, OPT_BACKGROUND,
	OPT_HIGHLIGHT, OPT_HIGHLIGHT_SCALE, OPT_BACKEND, OPT_PAGE_SIZE, OPT_PAGES_PER_ARRAY,
	OPT_PNG_LEVEL, OPT_MAX_MEMORY, OPT_OUTLINE, OPT_MANIFEST, OPT_CELL, OPT_ON_BAD, OPT_COVERAGE,
	OPT_LABEL_NAMES, OPT_LEGEND, OPT_LEGEND_IMAGES, OPT_TITLE, OPT_CAPTION, OPT_FONT_SIZE, OPT_TEXT_COLOR, OPT_DPI, OPT_GPU, OPT_CACHE,
	OPT_CLAMP_CAMERA, OPT_SPRITE_MODE, OPT_DOTS_BELOW, OPT_DOTS_FADE, OPT_OPACITY, OPT_ENCODERS,
	OPT_COMMAND_BASE = 512,      /* command-specific options start here */
};

/* ap_option entries; the key is what the parsers switch on. */
#define JOB_COMMON_OPTS \
	{ "images", AP_ARG_REQUIRED, 0, OPT_IMAGES }, \
	{ "labels", AP_ARG_REQUIRED, 0, OPT_LABELS }, \
	{ "manifest", AP_ARG_REQUIRED, 0, OPT_MANIFEST }, \
	{ "cell", AP_ARG_REQUIRED, 0, OPT_CELL }, \
	{ "on-bad-image", AP_ARG_REQUIRED, 0, OPT_ON_BAD }, \
	{ "size", AP_ARG_REQUIRED, 0, OPT_SIZE }, \
	{ "margin", AP_ARG_REQUIRED, 0, OPT_MARGIN }, \
	{ "clamp-camera", AP_ARG_NONE, 0, OPT_CLAMP_CAMERA }, \
	{ "sprite", AP_ARG_REQUIRED, 0, OPT_SPRITE }, \
	{ "sprite-mode", AP_ARG_REQUIRED, 0, OPT_SPRITE_MODE }, \
	{ "sprite-growth", AP_ARG_REQUIRED, 0, OPT_GROWTH }, \
	{ "sprite-min", AP_ARG_REQUIRED, 0, OPT_SPRITE_MIN }, \
	{ "sprite-max", AP_ARG_REQUIRED, 0, OPT_SPRITE_MAX }, \
	{ "alpha", AP_ARG_REQUIRED, 0, OPT_ALPHA }, \
	{ "threshold", AP_ARG_REQUIRED, 0, OPT_THRESHOLD }, \
	{ "coverage", AP_ARG_REQUIRED, 0, OPT_COVERAGE }, \
	{ "color-by", AP_ARG_REQUIRED, 0, OPT_COLOR_BY }, \
	{ "dots-below", AP_ARG_REQUIRED, 0, OPT_DOTS_BELOW }, \
	{ "dots-fade", AP_ARG_REQUIRED, 0, OPT_DOTS_FADE }, \
	{ "opacity", AP_ARG_REQUIRED, 0, OPT_OPACITY }, \
	{ "background", AP_ARG_REQUIRED, 0, OPT_BACKGROUND }, \
	{ "highlight", AP_ARG_REQUIRED, 0, OPT_HIGHLIGHT }, \
	{ "highlight-scale", AP_ARG_REQUIRED, 0, OPT_HIGHLIGHT_SCALE }, \
	{ "outline", AP_ARG_REQUIRED, 0, OPT_OUTLINE }, \
	{ "backend", AP_ARG_REQUIRED, 0, OPT_BACKEND }, \
	{ "gpu", AP_ARG_REQUIRED, 0, OPT_GPU }, \
	{ "page-size", AP_ARG_REQUIRED, 0, OPT_PAGE_SIZE }, \
	{ "cache", AP_ARG_REQUIRED, 0, OPT_CACHE }, \
	{ "pages-per-array", AP_ARG_REQUIRED, 0, OPT_PAGES_PER_ARRAY }, \
	{ "png-level", AP_ARG_REQUIRED, 0, OPT_PNG_LEVEL }, \
	{ "encoders", AP_ARG_REQUIRED, 0, OPT_ENCODERS }, \
	{ "max-memory", AP_ARG_REQUIRED, 0, OPT_MAX_MEMORY }, \
	{ "label-names", AP_ARG_REQUIRED, 0, OPT_LABEL_NAMES }, \
	{ "legend", AP_ARG_OPTIONAL, 0, OPT_LEGEND }, \
	{ "legend-images", AP_ARG_NONE, 0, OPT_LEGEND_IMAGES }, \
	{ "title", AP_ARG_REQUIRED, 0, OPT_TITLE }, \
	{ "caption", AP_ARG_REQUIRED, 0, OPT_CAPTION }, \
	{ "font-size", AP_ARG_REQUIRED, 0, OPT_FONT_SIZE }, \
	{ "text-color", AP_ARG_REQUIRED, 0, OPT_TEXT_COLOR }, \
	{ "dpi", AP_ARG_REQUIRED, 0, OPT_DPI }, \
	{ "verbose", AP_ARG_NONE, 'v', 'v' }

/* The shared options, JOB_COMMON_OPTS, ended by a zero entry. */
extern const ap_option job_common_opts[];

/* Hidden options: not in any table (so not on the command line), for what the
 * environment switches there (ATLASPLOT_NO_PRESCALE). */
#define JOB_OPT_NO_PRESCALE "no-prescale"

/* The help text of the shared options, defaults included (about 4 KB: give it 8). */
void job_common_help(char *buf, size_t len);

/* 1: handled; 0: not a shared option; -1: bad value (err set). */
int job_common_opt(struct frames_desc *c, int opt, const char *arg, struct ap_err *err);
/* After the last option: 0, or -1 (a usage error, err set) when shared options do not
 * go together (--sprite-growth with another mode, --opacity without --alpha blend or
 * --dots-below, ...). */
int job_common_check(const struct frames_desc *c, struct ap_err *err);
void job_common_free(struct frames_desc *c);

/* An option whose value is one of names (an enum's, in order): *out = its index and 1,
 * or -1 with err listing the names ("--alpha 'x': expected discard, blend or opaque"). */
int job_name_opt(const char *opt, const char *arg, const char *const *names, size_t n, int *out,
		 struct ap_err *err);

/* "512M", "4G", "100000" (K, M, G: powers of 1024; not 0) -> *out bytes: 0, or -1. */
int job_parse_bytes(const char *s, size_t *out);

#endif
