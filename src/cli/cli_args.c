#include "cli/cli_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pal.h"

#define DEFAULT_MAX_MEMORY ((size_t)4 << 30)

const char cli_common_help[] =
	"data:\n"
	"  --images FILE|DIR/   images: IDX3 ubyte (raw or .gz), NPY uint8 NxHxW[x3|x4], or a\n"
	"                       folder of PNG and JPEG files (sorted by name); repeat to\n"
	"                       concatenate, in the order given\n"
	"  --manifest FILE      CSV with columns path,x,y[,label] (paths relative to it):\n"
	"                       images and layout in one, instead of --images and --layout\n"
	"  --cell PX            folder and manifest images are downscaled once, in linear\n"
	"                       light, to this size on their longer side (default 64)\n"
	"  --on-bad-image MODE  fail (default: a file that cannot be decoded is an error) or\n"
	"                       skip (warn, naming it, and leave it out)\n"
	"  --labels FILE        labels: IDX1 ubyte (raw or .gz) or NPY integers; repeatable;\n"
	"                       default: the layout CSV's 'label' column, if any\n"
	"frame and camera:\n"
	"  --size WxH           frame size in pixels (default 1920x1080)\n"
	"  --margin M           fit padding, fraction of the box on each side (default 0.05)\n"
	"sprites:\n"
	"  --sprite S|auto      sprite side in pixels at zoom 1 (default auto:\n"
	"                       1.5*sqrt(frame area / images), at most the image size)\n"
	"  --sprite-growth G    side = S * zoom^G (default 0.5; 0 constant, 1 like an object)\n"
	"  --sprite-min PX      smallest side (default 1)\n"
	"  --sprite-max PX      largest side (default 1024)\n"
	"  --alpha MODE         discard (default; texels below the threshold are transparent),\n"
	"                       blend (gradual transparency) or opaque (whole tiles)\n"
	"  --threshold T        discard threshold on luminance or alpha, 0..1 (default 0.5)\n"
	"  --coverage MODE      keep (default: minified sprites keep the share of texels that\n"
	"                       pass the threshold at full size, so small digits do not fade\n"
	"                       away) or plain (the plain test on filtered values, as the\n"
	"                       original demo)\n"
	"  --color-by label     multiply gray sprites by their label's tab10/tab20 colour\n"
	"  --background COLOR   RRGGBB, RRGGBBAA or none for a transparent PNG (default 000000)\n"
	"  --highlight LIST     image indices (3,17,42) or label=K: drawn on top, enlarged,\n"
	"                       outlined\n"
	"  --highlight-scale F  enlargement of highlighted sprites (default 2)\n"
	"  --outline COLOR      highlight outline (default: white, or black on light backgrounds)\n"
	"engine:\n"
	"  --backend NAME       auto (default: a GPU through EGL if there is one, else cpu),\n"
	"                       cpu (the built-in software compositor, all cores), osmesa or\n"
	"                       egl (a GL compute pass; on Mesa's llvmpipe without a GPU)\n"
	"  --page-size N        atlas page side, a power of two (default 2048)\n"
	"  --png-level N        PNG compression 1..9 (default 1: fastest; 2..9: zlib's\n"
	"                       levels, smaller and slower)\n"
	"  --max-memory SIZE    refuse work estimated to need more (default 4G; K, M, G suffixes)\n"
	"  -v, --verbose        progress and timings on stderr\n"
	"  -h, --help           this help\n";

/* A skipped image file: one warning line, the rest of the run goes on. */
static void warn_skip(void *user, const char *path, const char *msg)
{
	(void)user;
	(void)path;
	fprintf(stderr, "atlasplot: warning: %s (skipped)\n", msg);
}

void cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof *c);
	c->paths.dir.on_skip = warn_skip;
	c->w = 1920;
	c->h = 1080;
	c->margin = CAM_DEFAULT_MARGIN;
	c->ro.background = PAL_RGBA(0, 0, 0, 255);
}

void cli_common_free(struct cli_common *c)
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

static int positive(const char *opt, const char *arg, double *out, struct ap_err *err)
{
	if (opts_double(arg, out) || !(*out > 0))
		return ap_errf(err, "%s '%s': expected a positive number", opt, arg);
	return 0;
}

int cli_common_opt(struct cli_common *c, int opt, const char *arg, struct ap_err *err)
{
	unsigned long u;
	double d;
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
		if (!strcmp(arg, "fail"))
			c->paths.dir.on_bad = IMGDIR_FAIL;
		else if (!strcmp(arg, "skip"))
			c->paths.dir.on_bad = IMGDIR_SKIP;
		else
			return ap_errf(err, "--on-bad-image '%s': expected fail or skip", arg);
		return 1;
	case OPT_SIZE:
		if (opts_size(arg, &c->w, &c->h))
			return ap_errf(err, "--size '%s': expected WxH, e.g. 1920x1080", arg);
		return 1;
	case OPT_MARGIN:
		if (opts_double(arg, &c->margin) || c->margin < 0 || c->margin > 10)
			return ap_errf(err, "--margin '%s': expected a number from 0 to 10", arg);
		c->margin_set = true;
		return 1;
	case OPT_SPRITE:
		if (!strcmp(arg, "auto")) {
			c->sprite.base = 0;
			c->sprite_given = false;
			return 1;
		}
		if (positive("--sprite", arg, &c->sprite.base, err))
			return -1;
		c->sprite_given = true;
		return 1;
	case OPT_GROWTH:
		if (opts_double(arg, &d) || d < 0 || d > 4)
			return ap_errf(err, "--sprite-growth '%s': expected a number from 0 to 4", arg);
		c->sprite.growth = d;
		c->sprite.growth_set = true;
		return 1;
	case OPT_SPRITE_MIN:
		return positive("--sprite-min", arg, &c->sprite.min, err) ? -1 : 1;
	case OPT_SPRITE_MAX:
		return positive("--sprite-max", arg, &c->sprite.max, err) ? -1 : 1;
	case OPT_ALPHA:
		if (!strcmp(arg, "discard"))
			c->ro.alpha = RENDER_DISCARD;
		else if (!strcmp(arg, "blend"))
			c->ro.alpha = RENDER_BLEND;
		else if (!strcmp(arg, "opaque"))
			c->ro.alpha = RENDER_OPAQUE;
		else
			return ap_errf(err, "--alpha '%s': expected discard, blend or opaque", arg);
		return 1;
	case OPT_THRESHOLD:
		if (opts_double(arg, &d) || d < 0 || d > 1)
			return ap_errf(err, "--threshold '%s': expected a number from 0 to 1", arg);
		c->ro.threshold = d;
		c->ro.threshold_set = 1;
		return 1;
	case OPT_COVERAGE:
		if (!strcmp(arg, "keep"))
			c->plain_discard = false;
		else if (!strcmp(arg, "plain"))
			c->plain_discard = true;
		else
			return ap_errf(err, "--coverage '%s': expected keep or plain", arg);
		return 1;
	case OPT_COLOR_BY:
		if (!strcmp(arg, "label"))
			c->color_by_label = true;
		else if (!strcmp(arg, "none"))
			c->color_by_label = false;
		else
			return ap_errf(err, "--color-by '%s': expected label or none", arg);
		return 1;
	case OPT_BACKGROUND:
		if (pal_parse(arg, &c->ro.background))
			return ap_errf(err, "--background '%s': expected RRGGBB, RRGGBBAA or none", arg);
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
		return 1;
	case OPT_BACKEND:
		if (sess_backend_parse(arg, &c->so.backend))
			return ap_errf(err, "--backend '%s': expected auto, cpu, osmesa or egl", arg);
		return 1;
	case OPT_PAGE_SIZE:
		if (opts_uint(arg, 16384, &u) || u < 16 || (u & (u - 1)))
			return ap_errf(err, "--page-size '%s': expected a power of two from 16 to 16384", arg);
		c->so.page_size = (uint32_t)u;
		return 1;
	case OPT_PAGES_PER_ARRAY:
		if (opts_uint(arg, 65535, &u) || !u)
			return ap_errf(err, "--pages-per-array '%s': expected a positive integer", arg);
		c->so.pages_per_group = (uint32_t)u;
		return 1;
	case OPT_PNG_LEVEL:
		if (opts_uint(arg, 9, &u) || !u)
			return ap_errf(err, "--png-level '%s': expected 1 to 9", arg);
		c->png_level = (int)u;
		return 1;
	case OPT_MAX_MEMORY:
		if (parse_bytes(arg, &c->max_memory))
			return ap_errf(err, "--max-memory '%s': expected a size like 512M or 4G", arg);
		return 1;
	case 'v':
		c->verbose++;
		return 1;
	}
	return 0;
}

int cli_common_prepare(struct cli_common *c, const struct ds *d, uint32_t **tint, struct ap_err *err)
{
	size_t n = d->imgs.n;
	*tint = NULL;
	if (!c->sprite_given) {
		int native = (int)(d->imgs.w > d->imgs.h ? d->imgs.w : d->imgs.h);
		c->sprite.base = cam_sprite_auto(c->w, c->h, n, native);
	}
	double lo = c->sprite.min > 0 ? c->sprite.min : CAM_DEFAULT_SPRITE_MIN;
	double hi = c->sprite.max > 0 ? c->sprite.max : CAM_DEFAULT_SPRITE_MAX;
	if (lo > hi)
		return ap_errf(err, "--sprite-min %g is larger than --sprite-max %g", lo, hi);
	if (opts_highlight_resolve(&c->hl, d->labels, n, err))
		return -1;
	c->so.coverage = c->ro.alpha == RENDER_DISCARD && !c->plain_discard;
	c->so.threshold = c->ro.threshold_set ? c->ro.threshold : RENDER_DEFAULT_THRESHOLD;

	/* What the work will hold at once: images, atlas (CPU page + GL copy with mips),
	 * frames in flight and one frame's sprite lists. */
	size_t max = c->max_memory ? c->max_memory : DEFAULT_MAX_MEMORY;
	double img = (double)n * d->imgs.w * d->imgs.h * d->imgs.c;
	double cell = (double)(d->imgs.w + 8) * (d->imgs.h + 8) * (d->imgs.c == 1 ? 1 : 4);
	double frame = (double)c->w * c->h * 4;
	double need = img + n * cell * 4.0 / 3 + frame * 6 + n * 64.0 + (double)n * 16;
	if (need > (double)max)
		return ap_errf(err, "this needs about %.0f MiB, more than --max-memory %.0f MiB "
			       "(%zu images of %ux%u, frames of %dx%d)", need / (1 << 20), (double)max / (1 << 20),
			       n, d->imgs.w, d->imgs.h, c->w, c->h);

	if (c->color_by_label) {
		if (!d->labels)
			return ap_errf(err, "--color-by label: the data set has no labels (give --labels, or a layout CSV with a label column)");
		uint32_t *t = malloc(n * sizeof *t);
		if (!t)
			return ap_errf(err, "out of memory for %zu colours", n);
		for (size_t i = 0; i < n; i++)
			t[i] = pal_label(d->labels[i], d->nclasses);
		*tint = t;
	}
	return 0;
}

void cli_command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int i = 0; i < argc && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len)
		buf[len - 1] = 0;
}
