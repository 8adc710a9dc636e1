#include "api/job_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "core/pal.h"
#include "text/text.h"

/* The help of the shared options; the defaults come from the constants that define them. */
static const char common_help[] =
	"data:\n"
	"  --images FILE|DIR/   images: IDX3 ubyte (raw or .gz), NPY uint8 NxHxW[x3|x4], or a\n"
	"                       folder of PNG and JPEG files (sorted by name); repeat to\n"
	"                       concatenate, in the order given\n"
	"  --manifest FILE      CSV with columns path,x,y[,label] (paths relative to it):\n"
	"                       images and layout in one, instead of --images and --layout\n"
	"  --cell PX            folder and manifest images are downscaled once, in linear\n"
	"                       light, to this size on their longer side (default %u)\n"
	"  --on-bad-image MODE  fail (default: a file that cannot be decoded is an error) or\n"
	"                       skip (warn, naming it, and leave it out)\n"
	"  --labels FILE        labels: IDX1 ubyte (raw or .gz) or NPY integers; repeatable;\n"
	"                       default: the layout CSV's 'label' column, if any\n"
	"frame and camera:\n"
	"  --size WxH           frame size in pixels (default %dx%d)\n"
	"  --margin M           fit padding, fraction of the box on each side (default %g)\n"
	"  --clamp-camera       keep every camera on the data (default: off): zoom at least\n"
	"                       1 (the fit), the frame inside the padded box when zoomed in,\n"
	"                       and, where the box is narrower than the frame, the box on\n"
	"                       screen and across the frame's centre line\n"
	"sprites:\n"
	"  --sprite S|auto      sprite side in pixels at zoom 1 (default auto:\n"
	"                       1.5*sqrt(frame area / images), at most the image size)\n"
	"  --sprite-mode MODE   how the side follows the zoom Z: %s (the default: S * Z^G),\n"
	"                       asinh (S * asinh(Z)/asinh(1) above zoom 1, S * Z below:\n"
	"                       regl-scatterplot's curve) or constant (S)\n"
	"  --sprite-growth G    power's exponent: side = S * zoom^G (default %g; 0 constant,\n"
	"                       1 like an object)\n"
	"  --sprite-min PX      smallest side (default %g)\n"
	"  --sprite-max PX      largest side (default %g; every side at most %g)\n"
	"  --alpha MODE         discard (default; texels below the threshold are transparent),\n"
	"                       blend (gradual transparency) or opaque (whole tiles)\n"
	"  --threshold T        discard threshold on luminance or alpha, 0..1 (default %g)\n"
	"  --coverage MODE      keep (default: minified sprites keep the share of texels that\n"
	"                       pass the threshold at full size, so small digits do not fade\n"
	"                       away) or plain (the plain test on filtered values, as the\n"
	"                       original demo)\n"
	"  --color-by label     multiply gray sprites by their label's tab10/tab20 colour\n"
	"  --dots-below PX      sprites smaller than PX pixels are drawn as antialiased discs\n"
	"                       of their side, in their label's colour (without labels: the\n"
	"                       image's mean colour); highlights stay images (default: off)\n"
	"  --dots-fade F        between PX and F*PX discs and images cross-fade (default %g;\n"
	"                       1: a hard switch)\n"
	"  --opacity A|auto     discs' (and with --alpha blend images') alpha times A, 0 < A\n"
	"                       <= 1 (default 1); auto: from the sprites in view and their\n"
	"                       area, so that dense overviews do not saturate (animate: one\n"
	"                       value for all frames, frame 0's; auto-frame: each frame's)\n"
	"  --background COLOR   RRGGBB, RRGGBBAA or none for a transparent PNG (default %06x)\n"
	"  --highlight LIST     image indices (3,17,42) or label=K: drawn on top, enlarged,\n"
	"                       outlined\n"
	"  --highlight-scale F  enlargement of highlighted sprites (default %g, at most %g)\n"
	"  --outline COLOR      highlight outline (default: white, or black on light backgrounds)\n"
	"figures (text over the frame; -o NAME.pdf or NAME.svg for vector text):\n"
	"  --title TEXT         a title at the top (UTF-8)\n"
	"  --caption TEXT       a smaller caption at the bottom\n"
	"  --legend [WHERE]     a box with each label's colour and name: auto (the default\n"
	"                       when given alone: the corner over the fewest sprites),\n"
	"                       top-left, top-right, bottom-left, bottom-right or none\n"
	"  --legend-images      in each legend row, the class's image nearest its centroid\n"
	"                       (gray ones in the label's colour) instead of a swatch;\n"
	"                       implies --legend\n"
	"  --label-names FILE|A,B,...  the legend's names in label order: a file of one name\n"
	"                       a line, or a comma list (default: the label numbers)\n"
	"  --font-size PX       the legend's text size (default: the frame's height / 45, at\n"
	"                       most its width / 64, at least 9; title x%g, caption x%g)\n"
	"  --text-color COLOR   RRGGBB[AA] (default: white, or black on light backgrounds)\n"
	"  --dpi N              physical size: PDF/SVG pages of pixels*72/N points (default\n"
	"                       %g); PNGs get a pHYs chunk when given\n"
	"engine:\n"
	"  --backend NAME       auto (default: a GPU through EGL if there is one, else cpu),\n"
	"                       cpu (the built-in software compositor, all cores), osmesa or\n"
	"                       egl (instanced sprites in GL; without a GPU, Mesa's llvmpipe)\n"
	"  --gpu N              EGL device N (atlasplot info lists them; default: the first\n"
	"                       that is not a software rasteriser)\n"
	"  --page-size N        atlas page side, a power of two (default %d)\n"
	"  --pages-per-array N  GL: atlas pages one texture array holds (default: as many as\n"
	"                       the GL allows; fewer only to test drawing in batches)\n"
	"  --cache DIR          keep the cpu backend's atlas (mip levels, first frame's\n"
	"                       prescaled images) in DIR, one entry a data set, and map it\n"
	"                       on the next run (default: off, or $ATLASPLOT_CACHE)\n"
	"  --png-level N        PNG compression 1..9 (default %d: fastest; 2..9: zlib's\n"
	"                       levels, smaller and slower)\n"
	"  --encoders N         threads encoding and writing PNG frames while the next one\n"
	"                       draws, 1..%d (default: one per online CPU, at most %d)\n"
	"  --max-memory SIZE    refuse work estimated to need more (default %zuG; K, M, G suffixes)\n"
	"  -v, --verbose        progress and timings on stderr\n"
	"  -h, --help           this help\n";

void job_common_help(char *buf, size_t len)
{
	uint32_t bg = FRAMES_DEFAULT_BACKGROUND;
	snprintf(buf, len, common_help, IMGDIR_CELL_DEFAULT, FRAMES_DEFAULT_W, FRAMES_DEFAULT_H, CAM_DEFAULT_MARGIN,
		 cam_sprite_mode_names[CAM_SPRITE_POWER], CAM_DEFAULT_GROWTH, CAM_DEFAULT_SPRITE_MIN, CAM_DEFAULT_SPRITE_MAX, CAM_SPRITE_LIMIT, DRAW_DEFAULT_THRESHOLD,
		 DRAW_DEFAULT_DOTS_FADE, (unsigned)((bg & 0xff) << 16 | (bg >> 8 & 0xff) << 8 | (bg >> 16 & 0xff)), SCENE_DEFAULT_HIGHLIGHT_SCALE,
		 SCENE_MAX_HIGHLIGHT_SCALE, TEXT_TITLE_SCALE, TEXT_CAPTION_SCALE, TEXT_DEFAULT_DPI,
		 ATLAS_DEFAULT_PAGE, PNGIO_DEFAULT_LEVEL, FRAMES_MAX_ENCODERS, FRAMES_DEFAULT_ENCODERS_CAP,
		 FRAMES_DEFAULT_MAX_MEMORY >> 30);
}

const ap_option job_common_opts[] = { JOB_COMMON_OPTS, { NULL, 0, 0, 0 } };

void job_common_free(struct frames_desc *c)
{
	opts_highlight_free(&c->hl);
}

static int parse_bytes(const char *s, size_t *out)
{
	char buf[64];
	size_t n = strlen(s);
	if (!n || n >= sizeof buf)
		return -1;
	strcpy(buf, s);
	size_t mul = 1;
	switch (buf[n - 1]) {
	case 'K': case 'k': mul = (size_t)1 << 10; break;
	case 'M': case 'm': mul = (size_t)1 << 20; break;
	case 'G': case 'g': mul = (size_t)1 << 30; break;
	}
	if (mul > 1)
		buf[n - 1] = 0;
	unsigned long v;
	if (opts_uint(buf, (unsigned long)(SIZE_MAX / mul), &v) || !v)
		return -1;
	*out = v * mul;
	return 0;
}

int job_name_opt(const char *opt, const char *arg, const char *const *names, size_t n, int *out,
		    struct ap_err *err)
{
	int i = names_find(names, n, arg);
	if (i < 0) {
		char list[128];
		return ap_errf(err, "%s '%s': expected %s", opt, arg, names_list(names, n, list, sizeof list));
	}
	*out = i;
	return 1;
}

static int positive(const char *opt, const char *arg, double *out, struct ap_err *err)
{
	if (opts_double(arg, out) || !(*out > 0))
		return ap_errf(err, "%s '%s': expected a positive number", opt, arg);
	return 0;
}

/* A sprite side: positive, at most CAM_SPRITE_LIMIT pixels. */
static int sprite_px(const char *opt, const char *arg, double *out, struct ap_err *err)
{
	if (positive(opt, arg, out, err))
		return -1;
	if (*out > CAM_SPRITE_LIMIT)
		return ap_errf(err, "%s '%s': at most %g pixels", opt, arg, CAM_SPRITE_LIMIT);
	return 0;
}

static const char *const on_bad_names[] = { [IMGDIR_FAIL] = "fail", [IMGDIR_SKIP] = "skip" };
static const char *const coverage_names[] = { "keep", "plain" };
static const char *const color_by_names[] = { "label", "none" };

int job_common_opt(struct frames_desc *c, int opt, const char *arg, struct ap_err *err)
{
	unsigned long u;
	double d;
	int i = 0;
	switch (opt) {
	case OPT_IMAGES:
		return ds_add_path(c->paths.images, &c->paths.nimages, arg, "--images", err) ? -1 : 1;
	case OPT_LABELS:
		return ds_add_path(c->paths.labels, &c->paths.nlabels, arg, "--labels", err) ? -1 : 1;
	case OPT_MANIFEST:
		c->paths.manifest = arg;
		return 1;
	case OPT_CELL:
		if (opts_uint(arg, IMGDIR_CELL_MAX, &u) || u < 2)
			return ap_errf(err, "--cell '%s': expected pixels from 2 to %u", arg, IMGDIR_CELL_MAX);
		c->paths.dir.cell = (uint32_t)u;
		return 1;
	case OPT_ON_BAD:
		return job_name_opt("--on-bad-image", arg, on_bad_names, NAMES_COUNT(on_bad_names),
				    (int *)&c->paths.dir.on_bad, err);
	case OPT_SIZE:
		if (opts_size(arg, &c->w, &c->h))
			return ap_errf(err, "--size '%s': expected WxH, e.g. 1920x1080", arg);
		return 1;
	case OPT_MARGIN:
		if (opts_double(arg, &c->margin) || c->margin < 0 || c->margin > 10)
			return ap_errf(err, "--margin '%s': expected a number from 0 to 10", arg);
		c->margin_set = true;
		return 1;
	case OPT_CLAMP_CAMERA:
		c->clamp_camera = true;
		return 1;
	case OPT_SPRITE_MODE:
		return job_name_opt("--sprite-mode", arg, cam_sprite_mode_names, NAMES_COUNT(cam_sprite_mode_names),
				    (int *)&c->sprite.mode, err);
	case OPT_SPRITE:
		if (!strcmp(arg, "auto")) {
			c->sprite.base = 0;
			return 1;
		}
		return sprite_px("--sprite", arg, &c->sprite.base, err) ? -1 : 1;
	case OPT_GROWTH:
		if (opts_double(arg, &d) || d < 0 || d > 4)
			return ap_errf(err, "--sprite-growth '%s': expected a number from 0 to 4", arg);
		c->sprite.growth = d;
		c->sprite.growth_set = true;
		return 1;
	case OPT_SPRITE_MIN:
		return sprite_px("--sprite-min", arg, &c->sprite.min, err) ? -1 : 1;
	case OPT_SPRITE_MAX:
		return sprite_px("--sprite-max", arg, &c->sprite.max, err) ? -1 : 1;
	case OPT_ALPHA:
		return job_name_opt("--alpha", arg, draw_alpha_names, NAMES_COUNT(draw_alpha_names),
				    (int *)&c->ro.alpha, err);
	case OPT_THRESHOLD:
		if (opts_double(arg, &d) || d < 0 || d > 1)
			return ap_errf(err, "--threshold '%s': expected a number from 0 to 1", arg);
		c->ro.threshold = d;
		c->ro.threshold_set = 1;
		return 1;
	case OPT_COVERAGE:
		if (job_name_opt("--coverage", arg, coverage_names, NAMES_COUNT(coverage_names), &i, err) < 0)
			return -1;
		c->plain_discard = i == 1;
		return 1;
	case OPT_COLOR_BY:
		if (job_name_opt("--color-by", arg, color_by_names, NAMES_COUNT(color_by_names), &i, err) < 0)
			return -1;
		c->color_by_label = i == 0;
		return 1;
	case OPT_DOTS_BELOW:
		return sprite_px("--dots-below", arg, &c->ro.dots_below, err) ? -1 : 1;
	case OPT_DOTS_FADE:
		if (opts_double(arg, &d) || d < 1 || d > DRAW_MAX_DOTS_FADE)
			return ap_errf(err, "--dots-fade '%s': expected a number from 1 to %g", arg, DRAW_MAX_DOTS_FADE);
		c->ro.dots_fade = d;
		return 1;
	case OPT_OPACITY:
		c->ro.opacity = 0;
		c->ro.opacity_auto = !strcmp(arg, "auto") || !strcmp(arg, "auto-frame");
		c->opacity_per_frame = !strcmp(arg, "auto-frame");
		if (c->ro.opacity_auto)
			return 1;
		if (opts_double(arg, &d) || !(d > 0) || d > 1)
			return ap_errf(err, "--opacity '%s': expected a number above 0, at most 1, auto or auto-frame", arg);
		c->ro.opacity = d;
		return 1;
	case OPT_BACKGROUND:
		if (pal_parse(arg, &c->ro.background))
			return ap_errf(err, "--background '%s': expected RRGGBB, RRGGBBAA or none", arg);
		c->background_set = true;
		return 1;
	case OPT_OUTLINE:
		if (pal_parse(arg, &c->ro.outline) || !c->ro.outline)
			return ap_errf(err, "--outline '%s': expected RRGGBB or RRGGBBAA", arg);
		return 1;
	case OPT_HIGHLIGHT:
		return opts_highlight_parse(arg, &c->hl, err) ? -1 : 1;
	case OPT_HIGHLIGHT_SCALE:
		if (positive("--highlight-scale", arg, &c->highlight_scale, err))
			return -1;
		if (c->highlight_scale > SCENE_MAX_HIGHLIGHT_SCALE)
			return ap_errf(err, "--highlight-scale '%s': at most %g", arg, SCENE_MAX_HIGHLIGHT_SCALE);
		return 1;
	case OPT_BACKEND:
		return job_name_opt("--backend", arg, draw_backend_names, NAMES_COUNT(draw_backend_names),
				(int *)&c->draw.backend, err);
	case OPT_GPU:
		if (opts_uint(arg, 15, &u))
			return ap_errf(err, "--gpu '%s': expected an EGL device number from 0 to 15 (atlasplot info lists them)", arg);
		c->draw.gpu = (int)u;
		c->draw.gpu_set = true;
		return 1;
	case OPT_CACHE:
		if (!*arg)
			return ap_errf(err, "--cache '': expected a folder");
		c->cache = arg;
		return 1;
	case OPT_PAGE_SIZE:
		if (opts_uint(arg, 16384, &u) || u < 16 || (u & (u - 1)))
			return ap_errf(err, "--page-size '%s': expected a power of two from 16 to 16384", arg);
		c->draw.page_size = (uint32_t)u;
		return 1;
	case OPT_PAGES_PER_ARRAY:
		if (opts_uint(arg, 65535, &u) || !u)
			return ap_errf(err, "--pages-per-array '%s': expected a positive integer", arg);
		c->draw.pages_per_group = (uint32_t)u;
		return 1;
	case OPT_PNG_LEVEL:
		if (opts_uint(arg, 9, &u) || !u)
			return ap_errf(err, "--png-level '%s': expected 1 to 9", arg);
		c->png_level = (int)u;
		return 1;
	case OPT_ENCODERS:
		if (opts_uint(arg, FRAMES_MAX_ENCODERS, &u) || !u)
			return ap_errf(err, "--encoders '%s': expected 1 to %d", arg, FRAMES_MAX_ENCODERS);
		c->encoders = (int)u;
		return 1;
	case OPT_MAX_MEMORY:
		if (parse_bytes(arg, &c->max_memory))
			return ap_errf(err, "--max-memory '%s': expected a size like 512M or 4G", arg);
		return 1;
	case OPT_LABEL_NAMES:
		c->text.names = arg;
		return 1;
	case OPT_LEGEND:
		if (!arg) {
			c->text.legend = FIGURE_LEGEND_AUTO;
			return 1;
		}
		return job_name_opt("--legend", arg, figure_legend_names, NAMES_COUNT(figure_legend_names),
				    (int *)&c->text.legend, err);
	case OPT_LEGEND_IMAGES:
		c->text.legend_images = true;
		return 1;
	case OPT_TITLE:
		c->text.title = arg;
		return 1;
	case OPT_CAPTION:
		c->text.caption = arg;
		return 1;
	case OPT_FONT_SIZE:
		if (opts_double(arg, &d) || d < 1 || d > 1000)
			return ap_errf(err, "--font-size '%s': expected pixels from 1 to 1000", arg);
		c->text.font_size = d;
		return 1;
	case OPT_TEXT_COLOR:
		if (pal_parse(arg, &c->text.color) || !c->text.color)
			return ap_errf(err, "--text-color '%s': expected RRGGBB or RRGGBBAA", arg);
		return 1;
	case OPT_DPI:
		if (opts_double(arg, &d) || d < 1 || d > 10000)
			return ap_errf(err, "--dpi '%s': expected a number from 1 to 10000", arg);
		c->text.dpi = d;
		return 1;
	case 'v':
		c->verbose++;            /* the job's log hook is taken when this is set */
		return 1;
	}
	return 0;
}

int job_common_check(const struct frames_desc *c, struct ap_err *err)
{
	const char *why = cam_sprite_check(&c->sprite);
	if (why)
		return ap_errf(err, "--sprite-growth %g: %s", c->sprite.growth, why);
	return draw_opts_check(&c->ro, err);
}

int job_parse_bytes(const char *s, size_t *out)
{
	return parse_bytes(s, out);
}
