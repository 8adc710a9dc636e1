/*
 * atlasplot diff: compare PNG files, or folders of them, against golden references and
 * report one greppable line (or one JSON object) per image. Reading and writing PNGs is
 * pngio's job, the comparison imgdiff's; this file walks folders, picks among alternate
 * baselines, formats the report and maps the outcome to an exit code.
 *
 * Images are compared as they are read, a band of rows at a time (pngio_open and
 * imgdiff_row), so two 16384x16384 files cost a few rows, not 2 GiB; only a diff image,
 * written whole by pngio_write, is held, and it must fit --max-memory. An unreadable
 * ACTUAL is reported before any baseline's error, as when files were read whole.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "api/job_opts.h"
#include "core/imgdiff.h"
#include "io/dirlist.h"
#include "io/pngio.h"

/*
 * Defaults, and why:
 *   tolerance 2    Mesa's llvmpipe and softpipe, different LLVM versions and GPUs round
 *                  blending and texture filtering differently by a unit or two per
 *                  channel; 2 absorbs that, while a sprite that moved, vanished or
 *                  changed colour differs by far more.
 *   max-pixels 0   any pixel beyond the tolerance fails: a golden image is exact, and a
 *                  single wrong sprite in 70 000 is a bug worth seeing.
 *   max-rms none   the pixel count already decides; RMS is for loose comparisons.
 *   aa off         the renderer is deterministic; turn it on for frames from other GPUs.
 */
#define DEF_TOLERANCE 2

static const char usage[] =
	"usage: atlasplot diff EXPECTED ACTUAL [options]\n"
	"\n"
	"Compare PNG images against golden references. EXPECTED and ACTUAL are two PNG files\n"
	"or two folders; with folders, every *.png (in any case: .PNG too) in EXPECTED is\n"
	"compared with the file of the same name in ACTUAL, and files only on one side fail\n"
	"(\"missing in actual\", \"extra in actual\"). If EXPECTED is a file and ACTUAL a\n"
	"folder, ACTUAL/NAME is used.\n"
	"\n"
	"Alternate baselines: NAME.1.png, NAME.2.png, ... beside NAME.png are other accepted\n"
	"renderings (another Mesa version, another GPU); the image passes if it matches any\n"
	"of them, and the report names the one that matched (or came closest). They are not\n"
	"tests of their own.\n"
	"\n"
	"options:\n"
	"  -o, --out PATH         write a diff image for each failing image: in file mode to\n"
	"                         PATH, in folder mode to PATH/NAME_diff.png (PATH is created);\n"
	"                         red: beyond tolerance, yellow: within, blue: anti-aliasing,\n"
	"                         grey: equal (default: no diff images)\n"
	"  -t, --tolerance N      per-channel difference still counted as equal, 0-255\n"
	"                         (default %d: rasteriser rounding across Mesa/LLVM versions)\n"
	"  -p, --max-pixels N|P%%  pixels allowed beyond the tolerance, a count or a percentage\n"
	"                         of the image (default 0: any such pixel fails)\n"
	"  -r, --max-rms R        also fail when the RMS difference (0-255) exceeds R\n"
	"                         (default: no limit)\n"
	"      --aa               don't count anti-aliased edge pixels beyond the tolerance\n"
	"                         (pixelmatch's test; default off)\n"
	"      --side-by-side     diff images show expected | actual | diff\n"
	"      --json             one JSON object per line per image instead of text\n"
	"  -q, --quiet            print failures only\n"
	"      --allow-empty      folders with no PNG files to compare pass (default: an\n"
	"                         error, so that a wrong path cannot pass having compared\n"
	"                         nothing)\n"
	"      --max-memory SIZE  largest diff image held (and interlaced PNG decoded whole);\n"
	"                         images are compared row by row (default %zuG; K, M, G)\n"
	"  -h, --help             this text\n"
	"\n"
	"output, one line per image:\n"
	"  PASS NAME: WxH, N px compared, N over tolerance, N within tolerance, max diff N,\n"
	"      rms X, psnr Y dB[, matched ALT][, type T, expected T]\n"
	"  FAIL NAME: ...same...; first at (X,Y): expected R,G,B,A, actual R,G,B,A[; diff PATH]\n"
	"  FAIL NAME: size WxH, expected WxH | missing in actual | extra in actual\n"
	"A colour-type mismatch (e.g. RGB vs RGBA files) is noted; it fails only if the\n"
	"pixels, compared as RGBA, differ. Folder mode ends with a summary line.\n"
	"\n"
	"exit status: 0 all images match, 1 some differ, 2 an error (unreadable or corrupt\n"
	"PNG, bad usage).\n"
	"\n"
	"examples:\n"
	"  atlasplot diff tests/golden/mnist.png out/mnist.png -o out/mnist_diff.png\n"
	"  atlasplot diff tests/golden out --out out/diff --aa --max-pixels 0.01%%\n"
	"  atlasplot diff golden out --json -q | jq .name\n";

enum { OPT_AA = 256, OPT_SIDE_BY_SIDE, OPT_JSON, OPT_ALLOW_EMPTY, OPT_DIFF_MAX_MEMORY };

struct diff_cfg {
	struct imgdiff_opts opts;
	const char *out;
	bool side_by_side, json, quiet, allow_empty;
	bool out_is_dir;                /* folder mode: out is created with the first diff */
	size_t max_memory;              /* bytes: a diff image, an interlaced PNG */
};

enum verdict { V_PASS = 0, V_FAIL = 1, V_ERROR = 2 };

/* What one image's line says. */
struct report {
	const char *name;
	enum verdict v;
	const char *reason;             /* a failure without a comparison, or NULL */
	const char *baseline;           /* the expected file compared (matched or closest) */
	size_t nexp;                    /* baselines tried: 1 + alternates */
	uint32_t w, h;
	struct imgdiff_result res;
	uint64_t allowed;
	int type, exp_type;             /* channels of the actual and expected files */
	const char *diff;               /* diff image written, or NULL */
};

/* ---- small helpers ---- */

static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const char *type_name(int channels)
{
	static const char *names[] = { "?", "gray", "gray+alpha", "RGB", "RGBA" };
	return channels >= 1 && channels <= 4 ? names[channels] : names[0];
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int parse_tolerance(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 255)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_rms(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0) || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* ---- folder listings ---- */

struct names {
	char **v;
	size_t n, cap;
};

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct names){ 0 };
}

static int names_push(struct names *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(s)))
		return -1;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool names_has(const struct names *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof *l->v, cmp_str);
}

static bool ends_with_png(const char *s)
{
	return dirlist_has_ext(s, ".png");
}

/* The *.png files in dir (any case; not hidden ones), sorted. */
static int list_pngs(const char *dir, struct names *out, struct ap_err *err)
{
	static const char *const exts[] = { ".png", NULL };
	struct dirlist l;
	int rc = dirlist_read(dir, exts, &l);

	if (rc == DIRLIST_NOMEM)
		return ap_errf(err, "folder '%s': out of memory", dir);
	if (rc == DIRLIST_BROKEN_LINK) {
		char why[128];

		snprintf(why, sizeof why, "%s", strerror(l.sys_errno));
		why[0] = (char)tolower((unsigned char)why[0]);
		ap_errf(err, "folder '%s': '%s' is a broken link: %s", dir, l.bad, why);
		dirlist_free(&l);
		return -1;
	}
	if (rc < 0)
		return ap_errf(err, "folder '%s': %s", dir, strerror(l.sys_errno));
	*out = (struct names){ .v = l.name, .n = l.n, .cap = l.n };
	return 0;
}

/* If name is "STEM.N.png" (N digits), the number N and the length of STEM; else -1. */
static long alt_number(const char *name, size_t *stem_len)
{
	size_t n = strlen(name) - 4;      /* without ".png" */
	size_t i = n;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == n || i < 2 || name[i - 1] != '.' || n - i > 9)
		return -1;
	*stem_len = i - 1;
	return strtol(name + i, NULL, 10);
}

/* name is an alternate if it is STEM.N.png and STEM.png is in the list. */
static bool is_alternate(const struct names *l, const char *name)
{
	size_t stem;
	if (alt_number(name, &stem) < 0)
		return false;
	char buf[512];
	if (stem + 5 > sizeof buf)
		return false;
	/* STEM.png spelled as name spells its extension */
	snprintf(buf, sizeof buf, "%.*s%s", (int)stem, name, name + strlen(name) - 4);
	return names_has(l, buf);
}

struct alt {
	long n;
	const char *name;
};

static int cmp_alt(const void *a, const void *b)
{
	const struct alt *x = a, *y = b;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Paths of the baselines for dir/name: dir/name first, then its alternates in numeric
 * order (from l, the listing of dir). */
static int baselines(const char *dir, const struct names *l, const char *name,
		     struct names *out, struct ap_err *err)
{
	size_t len = strlen(name) - 4, nalt = 0;
	struct alt *alts = calloc(l->n + 1, sizeof *alts);
	char *p = strf("%s/%s", dir, name);
	int rc = -1;

	if (!alts || !p || names_push(out, p))
		goto out_free;
	for (size_t i = 0; i < l->n; i++) {
		size_t stem;
		long n = alt_number(l->v[i], &stem);
		if (n >= 0 && stem == len && !strncmp(l->v[i], name, len))
			alts[nalt++] = (struct alt){ n, l->v[i] };
	}
	qsort(alts, nalt, sizeof *alts, cmp_alt);
	for (size_t i = 0; i < nalt; i++) {
		free(p);
		p = strf("%s/%s", dir, alts[i].name);
		if (!p || names_push(out, p))
			goto out_free;
	}
	rc = 0;
out_free:
	free(p);
	free(alts);
	if (rc)
		ap_errf(err, "folder '%s': out of memory", dir);
	return rc;
}

/* ---- reporting ---- */

/* Bytes of a valid UTF-8 sequence at s (not overlong, no surrogates, at most
 * U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;

	if (s[0] >= 0xf5)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) || (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* A JSON string: control characters escaped, valid UTF-8 kept, and any other byte
 * (a file name need not be UTF-8) as the code point of the same value (\u00XX, its
 * Latin-1 reading), so the line always parses. */
static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else if (c < 0x80)
			putchar(c);
		else if ((n = utf8_len((const unsigned char *)s)) != 0) {
			fwrite(s, 1, n, stdout);
			s += n - 1;
		} else
			printf("\\u%04x", c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *val)
{
	printf(",\"%s\":", key);
	if (val)
		json_str(val);
	else
		fputs("null", stdout);
}

static void print_json(const struct report *r, const char *error)
{
	static const char *status[] = { "pass", "fail", "error" };
	printf("{\"name\":");
	json_str(r->name);
	printf(",\"status\":\"%s\"", status[r->v]);
	if (error)
		json_field("error", error);
	if (r->reason)
		json_field("reason", r->reason);
	if (r->baseline) {
		const struct imgdiff_result *s = &r->res;
		json_field("baseline", r->baseline);
		printf(",\"alternates\":%zu,\"width\":%" PRIu32 ",\"height\":%" PRIu32, r->nexp - 1, r->w, r->h);
		printf(",\"compared\":%" PRIu64 ",\"over\":%" PRIu64 ",\"allowed\":%" PRIu64
		       ",\"within\":%" PRIu64 ",\"aa\":%" PRIu64 ",\"max_diff\":%d,\"rms\":%.6f",
		       s->compared, s->over, r->allowed, s->within, s->aa, s->max_diff, s->rms);
		if (isinf(s->psnr))
			printf(",\"psnr\":null");
		else
			printf(",\"psnr\":%.4f", s->psnr);
		json_field("type", type_name(r->type));
		json_field("expected_type", type_name(r->exp_type));
		if (s->has_first)
			printf(",\"first\":{\"x\":%" PRIu32 ",\"y\":%" PRIu32
			       ",\"expected\":[%d,%d,%d,%d],\"actual\":[%d,%d,%d,%d]}",
			       s->first_x, s->first_y, s->first_expected[0], s->first_expected[1],
			       s->first_expected[2], s->first_expected[3], s->first_actual[0],
			       s->first_actual[1], s->first_actual[2], s->first_actual[3]);
		json_field("diff", r->diff);
	}
	puts("}");
}

static void print_text(const struct diff_cfg *c, const struct report *r)
{
	const struct imgdiff_result *s = &r->res;
	printf("%s %s: ", r->v == V_PASS ? "PASS" : "FAIL", r->name);
	if (r->reason) {
		printf("%s\n", r->reason);
		return;
	}
	printf("%" PRIu32 "x%" PRIu32 ", %" PRIu64 " px compared, %" PRIu64 " over tolerance",
	       r->w, r->h, s->compared, s->over);
	if (r->allowed)
		printf(" (allowed %" PRIu64 ")", r->allowed);
	printf(", %" PRIu64 " within tolerance", s->within);
	if (c->opts.aa)
		printf(", %" PRIu64 " aa", s->aa);
	printf(", max diff %d, rms %.3f", s->max_diff, s->rms);
	if (c->opts.max_rms > 0)
		printf(" (max %g)", c->opts.max_rms);
	if (isinf(s->psnr))
		printf(", psnr inf dB");
	else
		printf(", psnr %.2f dB", s->psnr);
	if (r->nexp > 1)
		printf(", %s %s", r->v == V_PASS ? "matched" : "closest", base_name(r->baseline));
	if (r->type != r->exp_type)
		printf(", type %s, expected %s", type_name(r->type), type_name(r->exp_type));
	if (r->v != V_PASS && s->has_first) {
		const uint8_t *e = s->first_expected, *a = s->first_actual;
		printf("; first at (%" PRIu32 ",%" PRIu32 "): expected %d,%d,%d,%d, actual %d,%d,%d,%d",
		       s->first_x, s->first_y, e[0], e[1], e[2], e[3], a[0], a[1], a[2], a[3]);
	}
	if (r->diff)
		printf("; diff %s", r->diff);
	putchar('\n');
}

static void report(const struct diff_cfg *c, const struct report *r)
{
	if (c->quiet && r->v == V_PASS)
		return;
	if (c->json)
		print_json(r, NULL);
	else
		print_text(c, r);
}

/* An image that could not be compared: the error once on stderr (and a JSON record). */
static enum verdict report_error(const struct diff_cfg *c, const char *name,
				 const struct ap_err *err)
{
	if (c->json)
		print_json(&(struct report){ .name = name, .v = V_ERROR }, err->msg);
	fflush(stdout);
	cli_fail(AP_EXIT_USAGE, err);
	return V_ERROR;
}

/* ---- comparing ---- */

static bool closer(const struct imgdiff_result *a, const struct imgdiff_result *b)
{
	return a->over < b->over || (a->over == b->over && a->rms < b->rms);
}

/* Are a and b one file (st_dev, st_ino: also through a link or another spelling)? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A diff image must not replace what it compares: ACTUAL or any baseline. */
static int check_out(const char *path, const struct names *exp, const char *act_path, struct ap_err *err)
{
	if (same_file(path, act_path))
		return ap_errf(err, "output '%s': is the actual image '%s'; not overwriting it", path, act_path);
	for (size_t i = 0; i < exp->n; i++)
		if (same_file(path, exp->v[i]))
			return ap_errf(err, "output '%s': is the expected image '%s'; not overwriting it", path,
				       exp->v[i]);
	return 0;
}

/* ---- reading two images row by row ---- */

/* One PNG read by rows into a ring of IMGDIFF_BAND of them (row y in slot y % BAND). */
struct src {
	const char *path;
	struct pngio_reader *r;
	struct pngio_rinfo in;
	uint8_t *ring;
	uint32_t got;                   /* rows read */
};

static int src_open(struct src *s, const char *path, size_t max, struct ap_err *err)
{
	*s = (struct src){ .path = path };
	if (pngio_open(path, max, &s->r, &s->in, err))
		return -1;
	/* pngio_read's limits, which diff has always applied */
	if (s->in.w > PNGIO_MAX_SIDE || s->in.h > PNGIO_MAX_SIDE ||
	    (size_t)s->in.w * s->in.h > PNGIO_MAX_BYTES / 4)
		return ap_errf(err, "png '%s': image %ux%u is too large (limits: %u px a side, %zu MiB decoded)",
			       path, s->in.w, s->in.h, PNGIO_MAX_SIDE, PNGIO_MAX_BYTES >> 20);
	if (!(s->ring = malloc((size_t)s->in.w * 4 * IMGDIFF_BAND)))
		return ap_errf(err, "png '%s': out of memory", path);
	return 0;
}

static uint8_t *src_slot(const struct src *s, uint32_t y)
{
	return s->ring + (size_t)(y % IMGDIFF_BAND) * s->in.w * 4;
}

static int src_next(struct src *s, struct ap_err *err)
{
	if (pngio_read_row(s->r, src_slot(s, s->got), s->path, err))
		return -1;
	s->got++;
	return 0;
}

/* The rest of the file, read for its errors only. */
static int src_drain(struct src *s, struct ap_err *err)
{
	while (s->got < s->in.h)
		if (src_next(s, err))
			return -1;
	return 0;
}

static void src_close(struct src *s)
{
	pngio_close(s->r);
	free(s->ring);
}

static void src_band(const struct src *s, uint32_t y, const uint8_t *rows[IMGDIFF_BAND])
{
	const uint8_t *ring[IMGDIFF_BAND];
	for (uint32_t k = 0; k < IMGDIFF_BAND; k++)
		ring[k] = s->ring + (size_t)k * s->in.w * 4;
	imgdiff_window(y, s->in.h, ring, rows);
}

/* What stream_pair saw of the two files. */
struct pair {
	struct pngio_rinfo exp, act;
	struct imgdiff_result res;      /* when the sizes agree */
};

/*
 * exp_path against act_path, two rows read ahead of the row judged. out, if not NULL,
 * gets the diff image (w*h*4 bytes) or with side_by_side expected | actual | diff.
 * Returns 0; 1 when the sizes differ (both files still read through, for their
 * errors); -1 with err set, ACTUAL's error first when both files are bad.
 */
static int stream_pair(const struct diff_cfg *c, const char *exp_path, const char *act_path,
		       uint8_t *out, struct pair *pr, struct ap_err *err)
{
	struct src a, e = { .path = exp_path };
	struct ap_err ee = { "" };
	struct imgdiff_acc acc;
	int rc = -1;

	if (src_open(&a, act_path, c->max_memory, err))
		goto out_close;
	pr->act = a.in;
	if (src_open(&e, exp_path, c->max_memory, &ee))
		goto out_exp_failed;
	pr->exp = e.in;
	uint32_t w = a.in.w, h = a.in.h;
	if (e.in.w != w || e.in.h != h) {
		if (src_drain(&a, err))
			goto out_close;
		if (src_drain(&e, &ee))
			goto out_exp_failed;
		rc = 1;
		goto out_close;
	}
	size_t row = (size_t)w * 4, orow = row * (c->side_by_side ? 3 : 1);
	imgdiff_begin(&acc, w, h, &c->opts);
	for (uint32_t y = 0; y < h; y++) {
		struct imgdiff_rows band;
		while (a.got < h && a.got <= y + 2) {
			if (src_next(&a, err))
				goto out_close;
			if (src_next(&e, &ee))
				goto out_exp_failed;
		}
		src_band(&e, y, band.expected);
		src_band(&a, y, band.actual);
		uint8_t *o = out ? out + (size_t)y * orow : NULL;
		if (o && c->side_by_side) {
			memcpy(o, band.expected[2], row);
			memcpy(o + row, band.actual[2], row);
			o += 2 * row;
		}
		imgdiff_row(&acc, &band, o);
	}
	imgdiff_end(&acc, &pr->res);
	rc = 0;
	goto out_close;
out_exp_failed:
	/* as if ACTUAL had been read whole first: its own error wins */
	if (src_drain(&a, err) == 0)
		*err = ee;
out_close:
	src_close(&e);
	src_close(&a);
	return rc;
}

/* The failing comparison of act_path with exp_path again, into a diff image at path. */
static int write_diff(const struct diff_cfg *c, const char *path, uint32_t w, uint32_t h,
		      const char *exp_path, const char *act_path, struct ap_err *err)
{
	uint8_t *img = NULL;
	struct pair pr;
	uint32_t ow = c->side_by_side ? 3 * w : w;
	char *comment = strf("atlasplot diff: expected %s, actual %s", exp_path, act_path);
	const struct pngio_text text[] = { { "Comment", comment ? comment : "atlasplot diff" } };
	const struct pngio_wopts wo = { .text = text, .ntext = 1 };
	uint64_t bytes = (uint64_t)ow * h * 4;     /* sides are at most PNGIO_MAX_SIDE */
	int rc = -1;

	if (bytes > c->max_memory) {
		ap_errf(err, "output '%s': a %" PRIu32 "x%" PRIu32 " diff image needs %" PRIu64 " bytes, more than "
			"the limit of %zu bytes (--max-memory)", path, ow, h, bytes, c->max_memory);
		goto out_free;
	}
	if (!(img = malloc((size_t)bytes))) {
		ap_errf(err, "output '%s': out of memory", path);
		goto out_free;
	}
	if (stream_pair(c, exp_path, act_path, img, &pr, err))
		goto out_free;
	if (c->out_is_dir && mkdir(c->out, 0777) && errno != EEXIST) {
		rc = ap_errf(err, "output '%s': %s", c->out, strerror(errno));
		goto out_free;
	}
	rc = pngio_write(path, img, ow, h, &wo, err);
out_free:
	free(img);
	free(comment);
	return rc;
}

/*
 * Compare act_path with each baseline in exp until one passes; report the match, or
 * the closest same-size baseline, or the size mismatch with the first. diff_path:
 * where a failure's diff image goes, or NULL.
 */
static enum verdict compare_image(const struct diff_cfg *c, const char *name,
				  const struct names *exp, const char *act_path,
				  const char *diff_path)
{
	struct ap_err err = { "" };
	struct report r = { .name = name, .nexp = exp->n, .v = V_ERROR };
	uint32_t w = 0, h = 0, ew0 = 0, eh0 = 0;
	char reason[96];

	for (size_t i = 0; i < exp->n; i++) {
		struct pair pr;
		int rc = stream_pair(c, exp->v[i], act_path, NULL, &pr, &err);
		if (rc < 0)
			goto out_error;
		w = pr.act.w, h = pr.act.h;
		r.type = pr.act.channels;
		if (i == 0)
			ew0 = pr.exp.w, eh0 = pr.exp.h;
		if (rc == 0) {
			bool pass = imgdiff_passed(&c->opts, &pr.res);
			if (!r.baseline || pass || closer(&pr.res, &r.res)) {
				r.baseline = exp->v[i];
				r.res = pr.res;
				r.exp_type = pr.exp.channels;
			}
			if (pass)
				break;
		}
	}

	if (!r.baseline) {
		snprintf(reason, sizeof reason, "size %" PRIu32 "x%" PRIu32 ", expected %" PRIu32 "x%" PRIu32,
			 w, h, ew0, eh0);
		r.reason = reason;
		r.v = V_FAIL;
		report(c, &r);
		return r.v;
	}
	r.w = w;
	r.h = h;
	r.allowed = imgdiff_allowed_pixels(&c->opts, r.res.compared);
	r.v = imgdiff_passed(&c->opts, &r.res) ? V_PASS : V_FAIL;
	if (r.v == V_FAIL && diff_path) {
		if (check_out(diff_path, exp, act_path, &err) ||
		    write_diff(c, diff_path, w, h, r.baseline, act_path, &err)) {
			report(c, &r);
			goto out_error;
		}
		r.diff = diff_path;
	}
	report(c, &r);
	return r.v;
out_error:
	return report_error(c, name, &err);
}

static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strf("%.*s", (int)(s - path), path);
}

/* EXPECTED and ACTUAL files (ACTUAL may be a folder holding a file of the same name). */
static enum verdict run_files(const struct diff_cfg *c, const char *exp, const char *act_arg)
{
	struct ap_err err = { "" };
	struct names list = { 0 }, cands = { 0 };
	char *dir = dir_of(exp);
	char *act = is_dir(act_arg) ? strf("%s/%s", act_arg, base_name(exp)) : strdup(act_arg);
	enum verdict v = V_ERROR;

	if (!dir || !act || names_push(&cands, exp))
		goto out_nomem;
	/* Alternates beside EXPECTED; a folder that can't be listed has none, and the read
	 * of EXPECTED itself then says what is wrong. */
	if (ends_with_png(base_name(exp)) && list_pngs(dir, &list, &err) == 0) {
		struct names all = { 0 };
		int rc = baselines(dir, &list, base_name(exp), &all, &err);
		for (size_t i = 1; rc == 0 && i < all.n; i++)   /* all.v[0] is EXPECTED as dir/NAME */
			rc = names_push(&cands, all.v[i]);
		names_free(&all);
		if (rc)
			goto out_nomem;
	}
	v = compare_image(c, act, &cands, act, c->out);
	goto out_free;
out_nomem:
	ap_errf(&err, "out of memory");
	v = report_error(c, act ? act : act_arg, &err);
out_free:
	names_free(&cands);
	names_free(&list);
	free(act);
	free(dir);
	return v;
}

static enum verdict fail_line(const struct diff_cfg *c, const char *name, const char *reason)
{
	report(c, &(struct report){ .name = name, .v = V_FAIL, .reason = reason });
	return V_FAIL;
}

/* exp_dir/name (and its alternates, from el) against act_dir/name. */
static enum verdict compare_in_dirs(const struct diff_cfg *c, const char *exp_dir,
				    const struct names *el, const char *act_dir, const char *name)
{
	struct ap_err err = { "" };
	struct names cands = { 0 };
	char *act = strf("%s/%s", act_dir, name);
	char *diff = c->out ? strf("%s/%.*s_diff.png", c->out, (int)strlen(name) - 4, name) : NULL;
	enum verdict v;

	if (!act || (c->out && !diff) || baselines(exp_dir, el, name, &cands, &err)) {
		ap_errf(&err, "out of memory");
		v = report_error(c, name, &err);
	} else {
		v = compare_image(c, name, &cands, act, diff);
	}
	names_free(&cands);
	free(diff);
	free(act);
	return v;
}

/* Every test image (not alternate) in EXPECTED against ACTUAL/NAME, plus extras. */
static enum verdict run_dirs(const struct diff_cfg *c, const char *exp_dir, const char *act_dir)
{
	struct ap_err err = { "" };
	struct names el = { 0 }, al = { 0 };
	enum verdict v = V_PASS;
	size_t npass = 0, nfail = 0, nerr = 0;

	if (list_pngs(exp_dir, &el, &err) || list_pngs(act_dir, &al, &err))
		goto out_error;
	if (el.n == 0 && al.n == 0 && !c->allow_empty) {
		ap_errf(&err, "folder '%s': no PNG files to compare (nor in '%s'; --allow-empty to pass)", exp_dir,
			act_dir);
		goto out_error;
	}
	/* Merge the two sorted listings; names on both sides are compared. */
	for (size_t i = 0, j = 0; i < el.n || j < al.n;) {
		int cmp = i == el.n ? 1 : j == al.n ? -1 : strcmp(el.v[i], al.v[j]);
		const char *name = cmp <= 0 ? el.v[i] : al.v[j];
		bool in_exp = cmp <= 0, in_act = cmp >= 0;
		enum verdict one;
		i += in_exp;
		j += in_act;
		if (in_exp && is_alternate(&el, name)) {
			if (!in_act)
				continue;
			in_exp = false;  /* an alternate's name in ACTUAL is no test's output */
		}
		if (!in_act)
			one = fail_line(c, name, "missing in actual");
		else if (!in_exp)
			one = fail_line(c, name, "extra in actual");
		else
			one = compare_in_dirs(c, exp_dir, &el, act_dir, name);
		npass += one == V_PASS;
		nfail += one == V_FAIL;
		nerr += one == V_ERROR;
		if (one > v)
			v = one;
	}
	if (!c->json && !c->quiet) {
		printf("summary: %zu images, %zu passed, %zu failed", npass + nfail + nerr, npass, nfail);
		if (nerr)
			printf(", %zu errors", nerr);
		putchar('\n');
	}
	goto out_free;
out_error:
	v = report_error(c, exp_dir, &err);
out_free:
	names_free(&al);
	names_free(&el);
	return v;
}

static int diff_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct diff_cfg *c = ctx;
	switch (opt) {
	case 'o':
		c->out = arg;
		return 1;
	case 't':
		if (parse_tolerance(arg, &c->opts.tolerance))
			return ap_errf(err, "--tolerance '%s': expected an integer 0-255", arg);
		return 1;
	case 'p':
		if (imgdiff_parse_max_pixels(arg, &c->opts))
			return ap_errf(err, "--max-pixels '%s': expected a pixel count or a "
				       "percentage like 0.5%%", arg);
		return 1;
	case 'r':
		if (parse_rms(arg, &c->opts.max_rms))
			return ap_errf(err, "--max-rms '%s': expected a number >= 0", arg);
		return 1;
	case OPT_AA:
		c->opts.aa = true;
		return 1;
	case OPT_SIDE_BY_SIDE:
		c->side_by_side = true;
		return 1;
	case OPT_JSON:
		c->json = true;
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	case OPT_ALLOW_EMPTY:
		c->allow_empty = true;
		return 1;
	case OPT_DIFF_MAX_MEMORY:
		if (job_parse_bytes(arg, &c->max_memory))
			return ap_errf(err, "--max-memory '%s': expected a size like 512M or 4G", arg);
		return 1;
	}
	return 0;
}

/* CLI_HELP: --help; 0: run; -1: usage error (err set). */
static int parse(int argc, char **argv, struct diff_cfg *c, const char **exp, const char **act,
		 struct ap_err *err)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "max-pixels", required_argument, NULL, 'p' },
		{ "max-rms", required_argument, NULL, 'r' },
		{ "aa", no_argument, NULL, OPT_AA },
		{ "side-by-side", no_argument, NULL, OPT_SIDE_BY_SIDE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "max-memory", required_argument, NULL, OPT_DIFF_MAX_MEMORY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*c = (struct diff_cfg){ .opts = { .tolerance = DEF_TOLERANCE }, .max_memory = FRAMES_DEFAULT_MAX_MEMORY };
	const struct cli_parser p = { ":o:t:p:r:qh", longopts, diff_opt, c, NULL, 2 };
	int first, rc = cli_getopt(&p, argc, argv, &first, err);
	if (rc)
		return rc;
	if (argc - first < 2)
		return ap_errf(err, "diff: expected EXPECTED and ACTUAL");
	*exp = argv[first];
	*act = argv[first + 1];
	if (is_dir(*exp) && !is_dir(*act))
		return ap_errf(err, "diff: '%s' is a folder but '%s' is not", *exp, *act);
	return 0;
}

int cli_diff(int argc, char **argv)
{
	struct diff_cfg c;
	struct ap_err err = { "" };
	const char *exp = NULL, *act = NULL;

	int r = parse(argc, argv, &c, &exp, &act, &err);
	if (r == CLI_HELP) {
		printf(usage, DEF_TOLERANCE, FRAMES_DEFAULT_MAX_MEMORY >> 30);
		return AP_EXIT_OK;
	}
	if (r < 0)
		return cli_usage("diff", &err);
	c.out_is_dir = is_dir(exp);
	enum verdict v = c.out_is_dir ? run_dirs(&c, exp, act) : run_files(&c, exp, act);
	return v == V_PASS ? 0 : v == V_FAIL ? 1 : 2;
}
