#include "core/opts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/txt.h"

int opts_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int opts_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

int opts_size(const char *s, int *w, int *h)
{
	char buf[64];
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	char *x = strchr(buf, 'x');
	if (!x)
		return -1;
	*x = 0;
	unsigned long a, b;
	if (opts_uint(buf, 65535, &a) || opts_uint(x + 1, 65535, &b) || !a || !b)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

int opts_camera(const char *s, struct cam *out)
{
	char buf[256];
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	char *p[3];
	char *save = NULL, *tok = strtok_r(buf, ",", &save);
	int n = 0;
	while (tok && n < 3) {
		p[n++] = tok;
		tok = strtok_r(NULL, ",", &save);
	}
	if (n != 3 || tok)
		return -1;
	struct cam c;
	if (opts_double(p[0], &c.cx) || opts_double(p[1], &c.cy) || opts_double(p[2], &c.zoom) || !(c.zoom > 0))
		return -1;
	*out = c;
	return 0;
}

/* Append image i to a highlight's indices. */
static int highlight_add(struct opts_highlight *h, size_t i)
{
	if (ap_grow((void **)&h->index, &h->cap, h->n + 1, sizeof *h->index))
		return -1;
	h->index[h->n++] = i;
	return 0;
}

int opts_highlight_parse(const char *s, struct opts_highlight *h, struct ap_err *err)
{
	if (!strncmp(s, "label=", 6)) {
		unsigned long v;
		if (opts_uint(s + 6, INT32_MAX, &v))
			return ap_errf(err, "--highlight '%s': expected label=K with K a label number", s);
		h->by_label = 1;
		h->label = (int32_t)v;
		return 0;
	}
	const char *p = s;
	while (*p) {
		char *end;
		if (*p < '0' || *p > '9')
			return ap_errf(err, "--highlight '%s': expected image indices like 3,17,42 or label=K", s);
		unsigned long long v = strtoull(p, &end, 10);
		if (*end && *end != ',')
			return ap_errf(err, "--highlight '%s': expected image indices like 3,17,42 or label=K", s);
		if (highlight_add(h, (size_t)v))
			return ap_errf(err, "--highlight: out of memory");
		p = *end ? end + 1 : end;
	}
	return 0;
}

int opts_highlight_resolve(struct opts_highlight *h, const int32_t *labels, size_t n, struct ap_err *err)
{
	if (h->by_label) {
		if (!labels)
			return ap_errf(err, "--highlight label=%d: the data set has no labels (give --labels)", h->label);
		h->by_label = 0;
		size_t before = h->n;
		int32_t top = -1;
		for (size_t i = 0; i < n; i++) {
			if (labels[i] > top)
				top = labels[i];
			if (labels[i] != h->label)
				continue;
			if (highlight_add(h, i))
				return ap_errf(err, "--highlight: out of memory");
		}
		/* a highlight that marks nothing is a mistake the frame would hide */
		if (h->n == before)
			return ap_errf(err, "--highlight label=%d: no image has that label (labels here are 0 to %d)",
				       h->label, top);
	}
	for (size_t j = 0; j < h->n; j++)
		if (h->index[j] >= n)
			return ap_errf(err, "--highlight: image %zu does not exist (there are %zu images)", h->index[j], n);
	return 0;
}

void opts_highlight_free(struct opts_highlight *h)
{
	free(h->index);
	memset(h, 0, sizeof *h);
}

int opts_cams_add(struct opts_cams *c, const struct cam *cam)
{
	if (ap_grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v))
		return -1;
	c->v[c->n++] = *cam;
	return 0;
}

void opts_cams_free(struct opts_cams *c)
{
	free(c->v);
	memset(c, 0, sizeof *c);
}

int opts_shots_parse(const char *text, size_t len, const char *path, struct opts_cams *cams, struct ap_err *err)
{
	size_t nul = txt_nul_line(text, len), so, eo;
	if (nul)
		return ap_errf(err, "shots '%s' line %zu: NUL byte (not a text file)", path, nul);
	struct txt_lines t;
	txt_init(&t, text, len);
	while (txt_next(&t, &so, &eo)) {
		size_t line = t.line;
		char buf[256];
		size_t l = eo - so;
		if (l >= sizeof buf)
			return ap_errf(err, "shots '%s' line %zu: line too long", path, line);
		memcpy(buf, text + so, l);
		buf[l] = 0;
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		for (char *q = buf; *q; q++)
			if (*q == '\r' || *q == '\t' || *q == ' ')
				*q = ',';
		/* collapse separators: "1 2  3" and "1, 2, 3" read alike */
		char norm[256];
		size_t k = 0;
		for (char *q = buf; *q; q++)
			if (*q != ',' || (k && norm[k - 1] != ','))
				norm[k++] = *q;
		while (k && norm[k - 1] == ',')
			k--;
		norm[k] = 0;
		if (!k)
			continue;
		struct cam c;
		if (opts_camera(norm, &c))
			return ap_errf(err, "shots '%s' line %zu: expected 'CX CY ZOOM' with ZOOM > 0, got '%s'", path,
				       line, norm);
		const char *why = cam_check(&c);
		if (why)
			return ap_errf(err, "shots '%s' line %zu: camera '%s': %s", path, line, norm, why);
		if (opts_cams_add(cams, &c))
			return ap_errf(err, "shots '%s': out of memory", path);
	}
	if (!cams->n)
		return ap_errf(err, "shots '%s': no cameras", path);
	return 0;
}
