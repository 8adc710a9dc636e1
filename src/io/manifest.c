#include "io/manifest.h"

#include "io/load.h"
#include "base/csv.h"
#include "base/txt.h"
#include "core/cam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

struct mani {
	const char *path;
	size_t line;
	int nfields;
	int cp, cx, cy, cl;     /* columns of path, x, y, label (-1: none) */
	char nx[CSV_QUOTE_MAX + 4], ny[CSV_QUOTE_MAX + 4], nl[CSV_QUOTE_MAX + 4];  /* their names as written */
	char **f;               /* nfields field pointers */
	size_t n, cap;
	char **rel;             /* paths as written (pointing into the buffer) */
	size_t *lines;
	double *xy;
	int32_t *label;
};

/* csv_split into m->f, with its errors worded as a manifest's. */
static int split(struct mani *m, char *p, char *e, int maxf, struct ap_err *err)
{
	int n = csv_split(p, e, m->f, maxf);

	if (n < 0)
		return ap_errf(err, "manifest '%s' line %zu: %s", m->path, m->line, csv_why(n));
	return n;
}

static int mani_header(struct mani *m, char *p, char *e, struct ap_err *err)
{
	static const char *const names[4] = { "path", "x", "y", "label" };
	int *cols[4] = { &m->cp, &m->cx, &m->cy, &m->cl };
	char *dst[4] = { NULL, m->nx, m->ny, m->nl };
	int max = csv_max_fields(p, e), n;

	m->f = malloc((size_t)max * sizeof *m->f);
	if (!m->f)
		return ap_errf(err, "manifest '%s': out of memory", m->path);
	n = split(m, p, e, max, err);
	if (n < 0)
		return -1;
	m->nfields = n;
	m->cp = m->cx = m->cy = m->cl = -1;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++) {
			if (strcasecmp(m->f[i], names[k]) != 0)
				continue;
			if (*cols[k] >= 0)
				return ap_errf(err, "manifest '%s' line %zu: header has two columns named '%s'",
					m->path, m->line, names[k]);
			*cols[k] = i;
			if (dst[k])
				csv_quote(dst[k], CSV_QUOTE_MAX + 4, m->f[i]);
		}
	}
	for (int k = 0; k < 3; k++)
		if (*cols[k] < 0)
			return ap_errf(err, "manifest '%s' line %zu: header has no column named '%s'",
				m->path, m->line, names[k]);
	return 0;
}

static int mani_number(struct mani *m, const char *s, const char *name, double *v, struct ap_err *err)
{
	char q[CSV_QUOTE_MAX + 4], *end;

	if (!*s || is_space(*s) || (*v = strtod(s, &end), *end)) {
		csv_quote(q, sizeof q, s);
		return ap_errf(err, "manifest '%s' line %zu: expected a number in column '%s', got '%s'",
			m->path, m->line, name, q);
	}
	if (!isfinite(*v))
		return ap_errf(err, "manifest '%s' line %zu: %s is not finite (%s)", m->path, m->line, name,
			isnan(*v) ? "nan" : *v > 0 ? "inf" : "-inf");
	if (fabs(*v) > CAM_COORD_MAX)
		return ap_errf(err, "manifest '%s' line %zu: %s %g is beyond 1e15 in magnitude", m->path, m->line,
			name, *v);
	return 0;
}

static int mani_row(struct mani *m, char *p, char *e, struct ap_err *err)
{
	size_t i = m->n;
	double v;
	int n;

	n = split(m, p, e, m->nfields, err);
	if (n < 0)
		return -1;
	if (n != m->nfields)
		return ap_errf(err, "manifest '%s' line %zu: expected %d fields, got %d", m->path, m->line,
			m->nfields, n);
	if (!m->f[m->cp][0])
		return ap_errf(err, "manifest '%s' line %zu: empty path", m->path, m->line);
	if (mani_number(m, m->f[m->cx], m->nx, &m->xy[2 * i], err) < 0 ||
	    mani_number(m, m->f[m->cy], m->ny, &m->xy[2 * i + 1], err) < 0)
		return -1;
	if (m->cl >= 0) {
		const char *s = m->f[m->cl];
		char *end = (char *)s;

		v = *s && !is_space(*s) ? strtod(s, &end) : NAN;
		if (!(v >= 0 && v <= INT32_MAX) || v != floor(v) || *end) {
			char q[CSV_QUOTE_MAX + 4];

			csv_quote(q, sizeof q, s);
			return ap_errf(err, "manifest '%s' line %zu: expected a whole number from 0 to %d in column '%s', got '%s'",
				m->path, m->line, INT32_MAX, m->nl, q);
		}
		m->label[i] = (int32_t)v;
	}
	m->rel[i] = m->f[m->cp];
	m->lines[i] = m->line;
	m->n = i + 1;
	return 0;
}

/* Parse the whole manifest (buf is changed: fields are cut out in place). */
static int mani_parse(struct mani *m, char *buf, size_t len, struct ap_err *err)
{
	struct txt_lines t;
	size_t so, eo, nul = txt_nul_line(buf, len);
	int have_header = 0;

	if (len == 0)
		return ap_errf(err, "manifest '%s': empty file", m->path);
	if (nul)
		return ap_errf(err, "manifest '%s' line %zu: NUL byte (not a text file)", m->path, nul);
	m->cap = 1;
	for (const char *q = buf; q < buf + len; q++)
		m->cap += *q == '\n';
	m->rel = malloc(m->cap * sizeof *m->rel);
	m->lines = malloc(m->cap * sizeof *m->lines);
	m->xy = malloc(m->cap * 2 * sizeof *m->xy);
	m->label = malloc(m->cap * sizeof *m->label);
	if (!m->rel || !m->lines || !m->xy || !m->label)
		return ap_errf(err, "manifest '%s': out of memory for %zu rows", m->path, m->cap);
	txt_init(&t, buf, len);
	while (txt_next(&t, &so, &eo)) {
		char *s = buf + so, *e = buf + eo;

		m->line = t.line;
		if (!have_header) {
			have_header = 1;
			if (mani_header(m, s, e, err) < 0)
				return -1;
			continue;
		}
		if (mani_row(m, s, e, err) < 0)
			return -1;
	}
	if (m->n == 0)
		return ap_errf(err, "manifest '%s': no rows", m->path);
	return 0;
}

/* The manifest's folder joined to a relative path; an absolute one as it is. */
static char *mani_join(const char *csv, const char *rel)
{
	const char *slash = strrchr(csv, '/');
	size_t a = slash && rel[0] != '/' ? (size_t)(slash - csv) + 1 : 0, b = strlen(rel);
	char *p = malloc(a + b + 1);

	if (!p)
		return NULL;
	memcpy(p, csv, a);
	memcpy(p + a, rel, b + 1);
	return p;
}

int manifest_load(const char *csv, const struct imgdir_opts *o, struct ap_imgset *out, double **xy,
	int32_t **labels, struct ap_err *err)
{
	struct imgdir_opts opts;
	struct mani m = { .path = csv };
	struct imgdir_batch b = { .what = "manifest", .src = csv };
	uint8_t *buf = NULL;
	size_t len, k = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*xy = NULL;
	if (labels)
		*labels = NULL;
	if (imgdir_opts_resolve(o, &opts, "manifest", csv, err) < 0)
		return -1;
	if (load_file(csv, opts.max_bytes, &buf, &len, err) < 0)
		return ap_err_subject(err, "manifest");
	if (mani_parse(&m, (char *)buf, len, err) < 0)
		goto out_free;
	b.n = m.n;
	b.lines = m.lines;
	b.paths = calloc(m.n, sizeof *b.paths);
	b.kept = malloc(m.n);
	if (!b.paths || !b.kept) {
		ap_errf(err, "manifest '%s': out of memory", csv);
		goto out_free;
	}
	for (size_t i = 0; i < m.n; i++) {
		if (!(b.paths[i] = mani_join(csv, m.rel[i]))) {
			ap_errf(err, "manifest '%s': out of memory", csv);
			goto out_free;
		}
	}
	if ((rc = imgdir_batch_load(&b, &opts, out, err)) != 0)
		goto out_free;
	for (size_t i = 0; i < m.n; i++) {
		if (!b.kept[i])
			continue;
		m.xy[2 * k] = m.xy[2 * i];
		m.xy[2 * k + 1] = m.xy[2 * i + 1];
		m.label[k] = m.label[i];
		k++;
	}
	*xy = m.xy;
	m.xy = NULL;
	if (labels && m.cl >= 0) {
		*labels = m.label;
		m.label = NULL;
	}
	rc = 0;

out_free:
	imgdir_names_free(b.paths, b.paths ? b.n : 0);
	free(b.kept);
	free(m.f);
	free(m.rel);
	free(m.lines);
	free(m.xy);
	free(m.label);
	free(buf);
	return rc;
}
