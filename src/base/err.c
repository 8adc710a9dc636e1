#include "base/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int ap_errf(struct ap_err *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int ap_err_prefix(struct ap_err *err, const char *fmt, ...)
{
	if (err) {
		char pre[256], old[sizeof err->msg];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(pre, sizeof pre, fmt, ap);
		va_end(ap);
		memcpy(old, err->msg, sizeof old);
		size_t n = strlen(pre);
		if (n > sizeof err->msg - 3)
			n = sizeof err->msg - 3;
		memcpy(err->msg, pre, n);
		memcpy(err->msg + n, ": ", 2);
		size_t room = sizeof err->msg - n - 3;
		size_t m = strnlen(old, room);
		memcpy(err->msg + n + 2, old, m);
		err->msg[n + 2 + m] = '\0';
	}
	return -1;
}

int ap_err_subject(struct ap_err *err, const char *what)
{
	if (err) {
		char old[sizeof err->msg];
		memcpy(old, err->msg, sizeof old);
		ap_errf(err, "%s %s", what, old);
	}
	return -1;
}

int ap_mul_size(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}
