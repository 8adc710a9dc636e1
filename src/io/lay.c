/*
 * lay: 2-D layouts (one x, y per image, maybe a label) from CSV or NPY. The CSV reader
 * works on the whole file in memory with strtod, line by line; a first line in which no
 * field is a number is the header. Not a general CSV parser: no quoted commas.
 */
#include "io/load.h"
#include "base/txt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* how much of a bad field an error message quotes */
#define QUOTE_MAX 40

struct csv {
	const char *path;
	size_t line;            /* 1-based */
	int nfields;            /* fields per row */
	int cx, cy, cl;         /* column of x, y and label; cl = -1 without labels */
	char nx[QUOTE_MAX + 4], ny[QUOTE_MAX + 4], nl[QUOTE_MAX + 4];  /* their names */
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

/* s[0..n) for a message: at most QUOTE_MAX bytes then "...", unprintable bytes as '?'. */
static void quote(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = n > QUOTE_MAX ? QUOTE_MAX : n, i;

	if (k > cap - 4)
		k = cap - 4;
	for (i = 0; i < k; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) || (s[i] & 0x80) ? s[i] : '?';
	if (k < n)
		memcpy(dst + i, "...", 3), i += 3;
	dst[i] = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The field [*s, *e) without surrounding spaces and double quotes. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
	if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"')
		(*s)++, (*e)--;
}

/* A whole field as a number. The buffer ends in a NUL and every field ends in a byte
 * strtod stops at, so strtod stays inside it. */
static int parse_num(const char *s, const char *e, double *v)
{
	char *end;

	trim(&s, &e);
	if (s == e || is_space(*s))
		return -1;
	*v = strtod(s, &end);
	return end == e ? 0 : -1;
}

static int count_fields(const char *p, const char *e)
{
	int n = 1;

	while ((p = memchr(p, ',', (size_t)(e - p))) != NULL) {
		p++;
		n++;
	}
	return n;
}

static const char *nonfinite_str(double v)
{
	return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/* Decides whether the first line is a header; if so, finds x, y and label in it. */
static int csv_first_line(struct csv *c, const char *p, const char *e, int *is_header, struct ap_err *err)
{
	const char *fs = p;
	double v;
	int i = 0;

	c->nfields = count_fields(p, e);
	*is_header = 1;
	for (;;) {
		const char *comma = memchr(fs, ',', (size_t)(e - fs));
		const char *fe = comma ? comma : e;

		if (parse_num(fs, fe, &v) == 0)
			*is_header = 0;
		if (!comma)
			break;
		fs = comma + 1;
	}
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
	for (fs = p; ; i++) {
		const char *comma = memchr(fs, ',', (size_t)(e - fs));
		const char *fe = comma ? comma : e, *s = fs;
		static const char *const names[3] = { "x", "y", "label" };
		int *cols[3] = { &c->cx, &c->cy, &c->cl };
		char *dst[3] = { c->nx, c->ny, c->nl };

		trim(&s, &fe);
		for (int k = 0; k < 3; k++) {
			size_t n = strlen(names[k]);

			if ((size_t)(fe - s) != n || strncasecmp(s, names[k], n) != 0)
				continue;
			if (*cols[k] >= 0)
				return ap_errf(err, "layout '%s' line %zu: header has two columns named '%s'",
					c->path, c->line, names[k]);
			*cols[k] = i;
			quote(dst[k], QUOTE_MAX + 4, s, (size_t)(fe - s));
		}
		if (!comma)
			break;
		fs = comma + 1;
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

static int csv_number(struct csv *c, const char *s, const char *e, const char *name, double *v,
	struct ap_err *err)
{
	char q[QUOTE_MAX + 4];

	if (parse_num(s, e, v) < 0) {
		trim(&s, &e);
		quote(q, sizeof q, s, (size_t)(e - s));
		return ap_errf(err, "layout '%s' line %zu: expected a number in column '%s', got '%s'",
			c->path, c->line, name, q);
	}
	if (!isfinite(*v))
		return ap_errf(err, "layout '%s' line %zu: %s is not finite (%s)",
			c->path, c->line, name, nonfinite_str(*v));
	return 0;
}

static int csv_row(struct csv *c, const char *p, const char *e, struct ap_err *err)
{
	const char *fs = p;
	size_t n = c->out->n;
	int nf = count_fields(p, e);
	double v;

	if (nf != c->nfields)
		return ap_errf(err, "layout '%s' line %zu: expected %d fields, got %d",
			c->path, c->line, c->nfields, nf);
	if (n == c->cap && csv_grow(c, err) < 0)
		return -1;
	for (int i = 0; ; i++) {
		const char *comma = memchr(fs, ',', (size_t)(e - fs));
		const char *fe = comma ? comma : e;

		if (i == c->cx && csv_number(c, fs, fe, c->nx, &c->out->xy[2 * n], err) < 0)
			return -1;
		if (i == c->cy && csv_number(c, fs, fe, c->ny, &c->out->xy[2 * n + 1], err) < 0)
			return -1;
		if (i == c->cl) {
			if (parse_num(fs, fe, &v) < 0 || !(v >= 0 && v <= INT32_MAX) || v != floor(v)) {
				char q[QUOTE_MAX + 4];

				trim(&fs, &fe);
				quote(q, sizeof q, fs, (size_t)(fe - fs));
				return ap_errf(err, "layout '%s' line %zu: expected a whole number from 0 to %d "
					"in column '%s', got '%s'", c->path, c->line, INT32_MAX, c->nl, q);
			}
			c->out->label[n] = (int32_t)v;
		}
		if (!comma)
			break;
		fs = comma + 1;
	}
	c->out->n = n + 1;
	return 0;
}

static int lay_csv(const char *buf, size_t len, const char *path, size_t max, struct ap_layout *out,
	struct ap_err *err)
{
	struct csv c = { .path = path, .max = max, .out = out };
	struct txt_lines t;
	size_t so, eo, nul = txt_nul_line(buf, len);
	int have_first = 0, is_header = 0;

	if (len == 0)
		return ap_errf(err, "layout '%s': empty file", path);
	if (nul)
		return ap_errf(err, "layout '%s' line %zu: NUL byte (not a text file)", path, nul);
	txt_init(&t, buf, len);
	while (txt_next(&t, &so, &eo)) {
		const char *s = buf + so, *e = buf + eo;

		c.line = t.line;
		if (!have_first) {
			have_first = 1;
			if (csv_first_line(&c, s, e, &is_header, err) < 0)
				return -1;
			if (is_header)
				continue;
		}
		if (csv_row(&c, s, e, err) < 0)
			return -1;
	}
	if (out->n == 0)
		return ap_errf(err, "layout '%s': no rows", path);
	return 0;
}

static int lay_npy(const uint8_t *buf, size_t len, const char *path, size_t max, struct ap_layout *out,
	struct ap_err *err)
{
	struct npy a;
	size_t n, bytes;

	if (npy_parse(buf, len, path, &a, err) < 0)
		return ap_err_subject(err, "layout");
	if (a.descr[1] != 'f' || (a.itemsize != 4 && a.itemsize != 8))
		return ap_errf(err, "layout '%s': unsupported dtype '%s' (need float32 '<f4' or float64 '<f8')",
			path, a.descr);
	if (a.ndim != 2 || a.shape[1] != 2) {
		char shape[160];
		size_t at = (size_t)snprintf(shape, sizeof shape, "(");

		for (int i = 0; i < a.ndim && at < sizeof shape; i++)
			at += (size_t)snprintf(shape + at, sizeof shape - at, "%s%zu", i ? ", " : "", a.shape[i]);
		if (at < sizeof shape)
			snprintf(shape + at, sizeof shape - at, a.ndim == 1 ? ",)" : ")");
		return ap_errf(err, "layout '%s': expected shape (N, 2), got %s", path, shape);
	}
	n = a.shape[0];
	if (n == 0)
		return ap_errf(err, "layout '%s': no rows", path);
	if (ap_mul_size(n, 2 * sizeof(double), &bytes) < 0 || bytes > max)
		return ap_errf(err, "layout '%s': too large: %zu rows need more than the limit of %zu bytes",
			path, n, max);
	out->xy = malloc(bytes);
	if (!out->xy)
		return ap_errf(err, "layout '%s': out of memory for %zu rows", path, n);
	for (size_t i = 0; i < 2 * n; i++) {
		const uint8_t *p = a.data + i * a.itemsize;
		uint64_t u = 0;
		double v;

		for (size_t k = 0; k < a.itemsize; k++)
			u |= (uint64_t)p[k] << (8 * k);
		if (a.itemsize == 4) {
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
		rc = lay_csv((const char *)buf, len, path, max, out, err);
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
