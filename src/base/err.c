#include "base/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t ap_escape(char *dst, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (; *s && o + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f) {
			dst[o++] = (char)c;
			continue;
		}
		if (o + 5 >= cap)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	if (cap)
		dst[o] = 0;
	return o;
}

int ap_errf(struct ap_err *err, const char *fmt, ...)
{
	if (err) {
		char raw[sizeof err->msg];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(raw, sizeof raw, fmt, ap);
		va_end(ap);
		/* file names with a newline or an escape sequence would split the one line or
		 * reach the terminal raw */
		ap_escape(err->msg, sizeof err->msg, raw);
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

void ap_notef(void (*fn)(void *user, const char *line), void *user, const char *fmt, ...)
{
	if (!fn)
		return;
	char raw[512], line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	ap_escape(line, sizeof line, raw);
	fn(user, line);
}

const char *ap_bytes(double bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	if (u == 0 || bytes >= 10) {
		snprintf(buf, len, "%.0f %s", bytes, unit[u]);
		return buf;
	}
	snprintf(buf, len, "%.1f", bytes);
	size_t n = strlen(buf);
	if (n >= 2 && !strcmp(buf + n - 2, ".0"))
		buf[n - 2] = 0;
	snprintf(buf + strlen(buf), len - strlen(buf), " %s", unit[u]);
	return buf;
}

int ap_mul_size(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}
