/*
 * err: one error record per call chain. A function that fails fills it with one
 * lowercase line naming the subject first ("layout 'u.csv' line 17: ...") and returns
 * a negative value; main prints it once as "atlasplot: <msg>".
 */
#ifndef AP_ERR_H
#define AP_ERR_H

#include <stddef.h>

struct ap_err {
	char msg[512];
};

/* s into dst (cap bytes, NUL-terminated, cut short if need be) with each control byte
 * (below 0x20, and 0x7f) written as \xNN, so that a message stays one line and sends
 * nothing raw to a terminal. Bytes from 0x80 up (UTF-8) are kept. Returns the length. */
size_t ap_escape(char *dst, size_t cap, const char *s);

/* Format into err (if non-NULL) and return -1, so callers can `return ap_errf(...)`.
 * Control bytes in the result are escaped (ap_escape). */
int ap_errf(struct ap_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Put "<what> " in front of a message that starts with a quoted path ("'f.npy': ..."),
 * naming what the file was for: "images 'f.npy': ...". Returns -1. */
int ap_err_subject(struct ap_err *err, const char *what);

/* Prefix the message already in err with "<prefix>: " (for adding context upward). */
int ap_err_prefix(struct ap_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Format one line (escaped as ap_errf's) and hand it to fn(user, line), if fn is set:
 * the log and warning callbacks of the layers that may not print. */
void ap_notef(void (*fn)(void *user, const char *line), void *user, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A size for a message in the unit that reads best: "900 bytes", "1.5 KiB", "48 MiB",
 * "4 GiB" (two significant digits below 10, whole numbers above). Returns buf. */
const char *ap_bytes(double bytes, char *buf, size_t len);

/* Overflow-checked multiply for sizes read from files: returns 0 and sets *out, or -1. */
int ap_mul_size(size_t a, size_t b, size_t *out);

#endif
