#include "base/txt.h"

#include <string.h>

size_t txt_nul_line(const char *buf, size_t len)
{
	const char *nul = memchr(buf, 0, len);
	if (!nul)
		return 0;
	size_t line = 1;
	for (const char *q = buf; q < nul; q++)
		line += *q == '\n';
	return line;
}

void txt_init(struct txt_lines *t, const char *buf, size_t len)
{
	*t = (struct txt_lines){ .buf = buf, .len = len };
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		t->pos = 3;
}

bool txt_next(struct txt_lines *t, size_t *s, size_t *e)
{
	while (t->pos < t->len) {
		const char *p = t->buf + t->pos, *nl = memchr(p, '\n', t->len - t->pos);
		size_t a = t->pos, b = nl ? (size_t)(nl - t->buf) : t->len;
		t->line++;
		t->pos = nl ? b + 1 : t->len;
		if (b > a && t->buf[b - 1] == '\r')
			b--;
		while (a < b && (t->buf[a] == ' ' || t->buf[a] == '\t' || t->buf[a] == '\r'))
			a++;
		if (a < b) {
			*s = a;
			*e = b;
			return true;
		}
	}
	return false;
}
