/*
 * opts: parsing of option values shared by the commands ("1920x1080", "cx,cy,zoom",
 * index lists). Pure; each returns 0 or -1 and leaves the message to the caller,
 * which knows the option's name.
 */
#ifndef AP_OPTS_H
#define AP_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/cam.h"
#include "base/err.h"

/* A finite number, the whole string. */
int opts_double(const char *s, double *out);
/* A non-negative integer, the whole string, at most max. */
int opts_uint(const char *s, unsigned long max, unsigned long *out);
/* "WxH", both 1..65535. */
int opts_size(const char *s, int *w, int *h);
/* "CX,CY,Z" with Z > 0. */
int opts_camera(const char *s, struct cam *out);

/* A list of cameras (--camera, --shots), grown by ap_grow; zero value = empty. */
struct opts_cams {
	struct cam *v;
	size_t n, cap;
};
/* Append one; 0, or -1 (out of memory). */
int opts_cams_add(struct opts_cams *c, const struct cam *cam);
void opts_cams_free(struct opts_cams *c);

/* A shot list: one camera a line, "CX CY ZOOM" or "CX,CY,ZOOM"; '#' comments; lines as
 * txt_next gives them (blank lines, CRLF, a UTF-8 BOM; a NUL byte is refused). Appends
 * to *cams, errors name the file and line. */
int opts_shots_parse(const char *text, size_t len, const char *path, struct opts_cams *cams, struct ap_err *err);

/* --highlight: "3,17,42" (image indices) or "label=K". */
struct opts_highlight {
	size_t *index;
	size_t n, cap;
	int by_label;
	int32_t label;
};
int opts_highlight_parse(const char *s, struct opts_highlight *out, struct ap_err *err);
/* Turn a label selection into indices; check indices are < n. */
int opts_highlight_resolve(struct opts_highlight *h, const int32_t *labels, size_t n, struct ap_err *err);
void opts_highlight_free(struct opts_highlight *h);

#endif
