/*
 * lay: 2-D layouts (one x, y per image, maybe a label) from CSV or NPY. The CSV reader
 * works on the whole file in memory with strtod, line by line; a first line in which no
 * field is a number is the header. Fields are cut by csv_split (quoted fields may hold
 * commas); not a general CSV parser beyond that: a field cannot span lines.
 */
#include "io/load.h"
#include "io/afile.h"
#include "base/csv.h"
#include "base/txt.h"
#include "core/cam.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct csv {
	const char *path;
	size_t line;            /* 1-based */
	int nfields;            /* fields per row */
	int cx, cy, cl;         /* column of x, y and label; cl = -1 without labels */
	char nx[CSV_QUOTE_MAX + 4], ny[CSV_QUOTE_MAX + 4], nl[CSV_QUOTE_MAX + 4];  /* their names */
	char **f;               /* the fields of the line at hand (nfields of them after the first) */
	size_t max;             /* cap on what the rows may allocate */
	struct ap_layout *out;
	size_t cap;             /* rows allocated */
};

void lay_free(struct ap_layout *l)
{
	if (!l)
		return;
	free(l->xy);
	free(l->label);
	memset(l, 0, sizeof *l);
}

/* A whole field as a number; csv_split left it trimmed and NUL-terminated. */
static int parse_num(const char *s, double *v)
{
	char *end;

	if (!*s || *s == ' ' || *s == '\t')
		return -1;
	*v = strtod(s, &end);
	return *end ? -1 : 0;
}

static const char *nonfinite_str(double v)
{
	return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/* csv_split into c->f, with its errors worded as a layout's. */
static int split(struct csv *c, char *p, char *e, int maxf, struct ap_err *err)
{
	int n = csv_split(p, e, c->f, maxf);

	if (n < 0)
		return ap_errf(err, "layout '%s' line %zu: %s", c->path, c->line, csv_why(n));
	return n;
}

/* Decides whether the first line is a header; if so, finds x, y and label in it. */
static int csv_first_line(struct csv *c, char *p, char *e, int *is_header, struct ap_err *err)
{
	static const char *const names[3] = { "x", "y", "label" };
	int *cols[3] = { &c->cx, &c->cy, &c->cl };
	char *dst[3] = { c->nx, c->ny, c->nl };
	int max = csv_max_fields(p, e);
	double v;

	c->f = malloc((size_t)max * sizeof *c->f);
	if (!c->f)
		return ap_errf(err, "layout '%s': out of memory", c->path);
	c->nfields = split(c, p, e, max, err);
	if (c->nfields < 0)
		return -1;
	*is_header = 1;
	for (int i = 0; i < c->nfields; i++)
		if (parse_num(c->f[i], &v) == 0)
			*is_header = 0;
	if (!*is_header) {
		if (c->nfields != 2 && c->nfields != 3)
			return ap_errf(err, "layout '%s' line %zu: expected 2 or 3 fields (x, y and maybe a label), got %d",
				c->path, c->line, c->nfields);
		c->cx = 0;
		c->cy = 1;
		c->cl = c->nfields == 3 ? 2 : -1;
		strcpy(c->nx, "x");
		strcpy(c->ny, "y");
		strcpy(c->nl, "label");
		return 0;
	}

	c->cx = c->cy = c->cl = -1;
	for (int i = 0; i < c->nfields; i++) {
		for (int k = 0; k < 3; k++) {
			if (strcasecmp(c->f[i], names[k]) != 0)
				continue;
			if (*cols[k] >= 0)
				return ap_errf(err, "layout '%s' line %zu: header has two columns named '%s'",
					c->path, c->line, names[k]);
			*cols[k] = i;
			csv_quote(dst[k], CSV_QUOTE_MAX + 4, c->f[i]);
		}
	}
	if (c->cx < 0 || c->cy < 0)
		return ap_errf(err, "layout '%s' line %zu: header has no column named '%s'",
			c->path, c->line, c->cx < 0 ? "x" : "y");
	return 0;
}

static int csv_grow(struct csv *c, struct ap_err *err)
{
	size_t row = 2 * sizeof(double) + (c->cl >= 0 ? sizeof(int32_t) : 0);
	size_t limit = c->max / row, ncap = c->cap ? c->cap * 2 : 1024;
	double *xy;
	int32_t *lab;

	if (c->cap >= limit)
		return ap_errf(err, "layout '%s' line %zu: too large: the rows need more than the limit of %zu bytes",
			c->path, c->line, c->max);
	if (ncap > limit)
		ncap = limit;
	xy = realloc(c->out->xy, ncap * 2 * sizeof *xy);
	if (!xy)
		goto out_oom;
	c->out->xy = xy;
	if (c->cl >= 0) {
		lab = realloc(c->out->label, ncap * sizeof *lab);
		if (!lab)
			goto out_oom;
		c->out->label = lab;
	}
	c->cap = ncap;
	return 0;
out_oom:
	return ap_errf(err, "layout '%s' line %zu: out of memory for %zu rows", c->path, c->line, ncap);
}

static int csv_number(struct csv *c, const char *s, const char *name, double *v, struct ap_err *err)
{
	char q[CSV_QUOTE_MAX + 4];

	if (parse_num(s, v) < 0) {
		csv_quote(q, sizeof q, s);
		return ap_errf(err, "layout '%s' line %zu: expected a number in column '%s', got '%s'",
			c->path, c->line, name, q);
	}
	if (!isfinite(*v))
		return ap_errf(err, "layout '%s' line %zu: %s is not finite (%s)",
			c->path, c->line, name, nonfinite_str(*v));
	if (fabs(*v) > CAM_COORD_MAX)
		return ap_errf(err, "layout '%s' line %zu: %s %g is beyond 1e15 in magnitude",
			c->path, c->line, name, *v);
	return 0;
}

/* The row whose fields are in c->f. */
static int csv_values(struct csv *c, struct ap_err *err)
{
	size_t n = c->out->n;
	double v;

	if (n == c->cap && csv_grow(c, err) < 0)
		return -1;
	if (csv_number(c, c->f[c->cx], c->nx, &c->out->xy[2 * n], err) < 0 ||
	    csv_number(c, c->f[c->cy], c->ny, &c->out->xy[2 * n + 1], err) < 0)
		return -1;
	if (c->cl >= 0) {
		const char *s = c->f[c->cl];

		if (parse_num(s, &v) < 0 || !(v >= 0 && v <= INT32_MAX) || v != floor(v)) {
			char q[CSV_QUOTE_MAX + 4];

			csv_quote(q, sizeof q, s);
			return ap_errf(err, "layout '%s' line %zu: expected a whole number from 0 to %d "
				"in column '%s', got '%s'", c->path, c->line, INT32_MAX, c->nl, q);
		}
		c->out->label[n] = (int32_t)v;
	}
	c->out->n = n + 1;
	return 0;
}

static int csv_row(struct csv *c, char *p, char *e, struct ap_err *err)
{
	int nf = split(c, p, e, c->nfields, err);

	if (nf < 0)
		return -1;
	if (nf != c->nfields)
		return ap_errf(err, "layout '%s' line %zu: expected %d fields, got %d",
			c->path, c->line, c->nfields, nf);
	return csv_values(c, err);
}

/* buf is changed: fields are cut out in place. */
static int lay_csv(char *buf, size_t len, const char *path, size_t max, struct ap_layout *out,
	struct ap_err *err)
{
	struct csv c = { .path = path, .max = max, .out = out };
	struct txt_lines t;
	size_t so, eo, nul = txt_nul_line(buf, len);
	int have_first = 0, is_header = 0, rc = -1;

	if (len == 0)
		return ap_errf(err, "layout '%s': empty file", path);
	if (nul)
		return ap_errf(err, "layout '%s' line %zu: NUL byte (not a text file)", path, nul);
	txt_init(&t, buf, len);
	while (txt_next(&t, &so, &eo)) {
		char *s = buf + so, *e = buf + eo;

		c.line = t.line;
		if (!have_first) {
			have_first = 1;
			if (csv_first_line(&c, s, e, &is_header, err) < 0)
				goto out_free_fields;
			/* a first line of numbers is a row, already split */
			if (!is_header && csv_values(&c, err) < 0)
				goto out_free_fields;
			continue;
		}
		if (csv_row(&c, s, e, err) < 0)
			goto out_free_fields;
	}
	if (out->n == 0) {
		ap_errf(err, "layout '%s': no rows", path);
		goto out_free_fields;
	}
	rc = 0;
out_free_fields:
	free(c.f);
	return rc;
}

static int lay_npy(const uint8_t *buf, size_t len, const char *path, size_t max, struct ap_layout *out,
	struct ap_err *err)
{
	struct npy a;

	if (npy_parse(buf, len, path, &a, err) < 0)
		return ap_err_subject(err, "layout");
	return lay_from_array(&a, path, max, out, err);
}

int lay_from_array(const struct npy *a, const char *path, size_t max, struct ap_layout *out, struct ap_err *err)
{
	size_t n, bytes;

	if (!max)
		max = AP_LOAD_MAX_BYTES;
	if (a->descr[1] != 'f' || (a->itemsize != 4 && a->itemsize != 8))
		return ap_errf(err, "layout '%s': unsupported dtype '%s' (need float32 '<f4' or float64 '<f8')",
			path, a->descr);
	if (a->ndim != 2 || a->shape[1] != 2) {
		char shape[160];
		size_t at = (size_t)snprintf(shape, sizeof shape, "(");

		for (int i = 0; i < a->ndim && at < sizeof shape; i++)
			at += (size_t)snprintf(shape + at, sizeof shape - at, "%s%zu", i ? ", " : "", a->shape[i]);
		if (at < sizeof shape)
			snprintf(shape + at, sizeof shape - at, a->ndim == 1 ? ",)" : ")");
		return ap_errf(err, "layout '%s': expected shape (N, 2), got %s", path, shape);
	}
	n = a->shape[0];
	if (n == 0)
		return ap_errf(err, "layout '%s': no rows", path);
	if (ap_mul_size(n, 2 * sizeof(double), &bytes) < 0 || bytes > max)
		return ap_errf(err, "layout '%s': too large: %zu rows need more than the limit of %zu bytes",
			path, n, max);
	out->xy = malloc(bytes);
	if (!out->xy)
		return ap_errf(err, "layout '%s': out of memory for %zu rows", path, n);
	for (size_t i = 0; i < 2 * n; i++) {
		const uint8_t *p = a->data + i * a->itemsize;
		uint64_t u = 0;
		double v;

		for (size_t k = 0; k < a->itemsize; k++)
			u |= (uint64_t)p[k] << (8 * k);
		if (a->itemsize == 4) {
			uint32_t u32 = (uint32_t)u;
			float f;

			memcpy(&f, &u32, sizeof f);
			v = f;
		} else {
			memcpy(&v, &u, sizeof v);
		}
		if (!isfinite(v)) {
			lay_free(out);
			return ap_errf(err, "layout '%s': %c at index %zu is not finite (%s)",
				path, i % 2 ? 'y' : 'x', i / 2, nonfinite_str(v));
		}
		if (fabs(v) > CAM_COORD_MAX) {
			lay_free(out);
			return ap_errf(err, "layout '%s': %c at index %zu is %g, beyond 1e15 in magnitude",
				path, i % 2 ? 'y' : 'x', i / 2, v);
		}
		out->xy[i] = v;
	}
	out->n = n;
	return 0;
}

int lay_load(const char *path, size_t max_bytes, struct ap_layout *out, struct ap_err *err)
{
	size_t max = max_bytes ? max_bytes : AP_LOAD_MAX_BYTES, len;
	uint8_t *buf = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (load_file(path, max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "layout");
	if (len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0)
		rc = lay_npy(buf, len, path, max, out, err);
	else
		rc = lay_csv((char *)buf, len, path, max, out, err);
	free(buf);
	if (rc < 0) {
		lay_free(out);
		return rc;
	}
	/* the CSV arrays grew by doubling */
	if (out->n) {
		double *xy = realloc(out->xy, out->n * 2 * sizeof *xy);
		int32_t *lab = out->label ? realloc(out->label, out->n * sizeof *lab) : NULL;

		if (xy)
			out->xy = xy;
		if (lab)
			out->label = lab;
	}
	return 0;
}

/* The shortest "%.Ng" that strtod turns back into v. */
static void put_num(FILE *fp, double v)
{
	char buf[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, fp);
}

static int put_csv(FILE *fp, void *ctx, struct ap_err *err)
{
	const struct ap_layout *l = ctx;

	(void)err;
	fputs(l->label ? "x,y,label\n" : "x,y\n", fp);
	for (size_t i = 0; i < l->n; i++) {
		put_num(fp, l->xy[2 * i]);
		fputc(',', fp);
		put_num(fp, l->xy[2 * i + 1]);
		if (l->label) {
			char lab[16];

			snprintf(lab, sizeof lab, ",%ld", (long)l->label[i]);
			fputs(lab, fp);
		}
		fputc('\n', fp);
	}
	return 0;
}

static int put_npy(FILE *fp, void *ctx, struct ap_err *err)
{
	const struct ap_layout *l = ctx;
	size_t shape[2] = { l->n, 2 };
	char head[256];
	size_t hl = npy_header(head, sizeof head, "<f8", shape, 2);

	(void)err;
	fwrite(head, 1, hl, fp);
	for (size_t i = 0; i < 2 * l->n; i++) {
		uint8_t b[8];
		uint64_t u;

		memcpy(&u, &l->xy[i], sizeof u);
		for (int k = 0; k < 8; k++)
			b[k] = (uint8_t)(u >> (8 * k));
		fwrite(b, 1, sizeof b, fp);
	}
	return 0;
}

int lay_write(const char *path, const struct ap_layout *l, struct ap_err *err)
{
	size_t len = strlen(path);
	bool npy = len >= 4 && strcasecmp(path + len - 4, ".npy") == 0;

	return afile_write(path, npy ? put_npy : put_csv, (void *)l, err);
}
