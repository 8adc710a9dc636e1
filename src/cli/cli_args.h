/*
 * cli_args: the options render and animate share (data, frame, sprites, colours,
 * backend), one table and one parser, so both commands spell and default them alike.
 */
#ifndef AP_CLI_ARGS_H
#define AP_CLI_ARGS_H

#include <getopt.h>
#include <stdbool.h>

#include "app/frames.h"
#include "base/names.h"

enum {
	OPT_IMAGES = 256, OPT_LABELS, OPT_LAYOUT, OPT_SIZE, OPT_MARGIN, OPT_SPRITE, OPT_GROWTH,
	OPT_SPRITE_MIN, OPT_SPRITE_MAX, OPT_ALPHA, OPT_THRESHOLD, OPT_COLOR_BY, OPT_BACKGROUND,
	OPT_HIGHLIGHT, OPT_HIGHLIGHT_SCALE, OPT_BACKEND, OPT_PAGE_SIZE, OPT_PAGES_PER_ARRAY,
	OPT_PNG_LEVEL, OPT_MAX_MEMORY, OPT_OUTLINE, OPT_MANIFEST, OPT_CELL, OPT_ON_BAD, OPT_COVERAGE,
	OPT_LABEL_NAMES, OPT_LEGEND, OPT_LEGEND_IMAGES, OPT_TITLE, OPT_CAPTION, OPT_FONT_SIZE, OPT_TEXT_COLOR, OPT_DPI, OPT_GPU, OPT_CACHE,
	OPT_DOTS_BELOW, OPT_DOTS_FADE, OPT_OPACITY,
	OPT_COMMAND_BASE = 512,      /* command-specific options start here */
};

#define CLI_COMMON_LONGOPTS \
	{ "images", required_argument, NULL, OPT_IMAGES }, \
	{ "labels", required_argument, NULL, OPT_LABELS }, \
	{ "manifest", required_argument, NULL, OPT_MANIFEST }, \
	{ "cell", required_argument, NULL, OPT_CELL }, \
	{ "on-bad-image", required_argument, NULL, OPT_ON_BAD }, \
	{ "size", required_argument, NULL, OPT_SIZE }, \
	{ "margin", required_argument, NULL, OPT_MARGIN }, \
	{ "sprite", required_argument, NULL, OPT_SPRITE }, \
	{ "sprite-growth", required_argument, NULL, OPT_GROWTH }, \
	{ "sprite-min", required_argument, NULL, OPT_SPRITE_MIN }, \
	{ "sprite-max", required_argument, NULL, OPT_SPRITE_MAX }, \
	{ "alpha", required_argument, NULL, OPT_ALPHA }, \
	{ "threshold", required_argument, NULL, OPT_THRESHOLD }, \
	{ "coverage", required_argument, NULL, OPT_COVERAGE }, \
	{ "color-by", required_argument, NULL, OPT_COLOR_BY }, \
	{ "dots-below", required_argument, NULL, OPT_DOTS_BELOW }, \
	{ "dots-fade", required_argument, NULL, OPT_DOTS_FADE }, \
	{ "opacity", required_argument, NULL, OPT_OPACITY }, \
	{ "background", required_argument, NULL, OPT_BACKGROUND }, \
	{ "highlight", required_argument, NULL, OPT_HIGHLIGHT }, \
	{ "highlight-scale", required_argument, NULL, OPT_HIGHLIGHT_SCALE }, \
	{ "outline", required_argument, NULL, OPT_OUTLINE }, \
	{ "backend", required_argument, NULL, OPT_BACKEND }, \
	{ "gpu", required_argument, NULL, OPT_GPU }, \
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE }, \
	{ "cache", required_argument, NULL, OPT_CACHE }, \
	{ "pages-per-array", required_argument, NULL, OPT_PAGES_PER_ARRAY }, \
	{ "png-level", required_argument, NULL, OPT_PNG_LEVEL }, \
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY }, \
	{ "label-names", required_argument, NULL, OPT_LABEL_NAMES }, \
	{ "legend", optional_argument, NULL, OPT_LEGEND }, \
	{ "legend-images", no_argument, NULL, OPT_LEGEND_IMAGES }, \
	{ "title", required_argument, NULL, OPT_TITLE }, \
	{ "caption", required_argument, NULL, OPT_CAPTION }, \
	{ "font-size", required_argument, NULL, OPT_FONT_SIZE }, \
	{ "text-color", required_argument, NULL, OPT_TEXT_COLOR }, \
	{ "dpi", required_argument, NULL, OPT_DPI }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }

/* The help text of the shared options, defaults included (about 4 KB: give it 8). */
void cli_common_help(char *buf, size_t len);

/* The zero desc, with what only a command line sets: the warning for skipped images,
 * and the environment's switches (read here, once). */
void cli_common_init(struct frames_desc *c);
/* 1: handled; 0: not a shared option; -1: bad value (err set). */
int cli_common_opt(struct frames_desc *c, int opt, const char *arg, struct ap_err *err);
/* After the options: 0, or -1 (a usage error, err set) when shared options do not go
 * together (--opacity without --alpha blend or --dots-below, ...). */
int cli_common_check(const struct frames_desc *c, struct ap_err *err);
void cli_common_free(struct frames_desc *c);

/* An option whose value is one of names (an enum's, in order): *out = its index and 1,
 * or -1 with err listing the names ("--alpha 'x': expected discard, blend or opaque"). */
int cli_name_opt(const char *opt, const char *arg, const char *const *names, size_t n, int *out,
		 struct ap_err *err);

/* "512M", "4G", "100000" (K, M, G: powers of 1024; not 0) -> *out bytes: 0, or -1. */
int cli_parse_bytes(const char *s, size_t *out);

/* "Software", "Command" tEXt values. */
void cli_command_line(int argc, char **argv, char *buf, size_t len);

#endif
