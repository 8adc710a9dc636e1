#include "base/names.h"

#include <stdio.h>
#include <string.h>

int names_find(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *names_list(const char *const *names, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && o < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int k = snprintf(buf + o, len - o, "%s%s", sep, names[i]);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	return buf;
}
