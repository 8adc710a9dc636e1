#include "base/csv.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

int csv_max_fields(const char *p, const char *e)
{
	int n = 1;

	while ((p = memchr(p, ',', (size_t)(e - p))) != NULL) {
		p++;
		n++;
	}
	return n;
}

/* The quoted field that starts after the '"' at *pp: unquoted into place at *pp, *pp
 * left after the closing quote. The unquoted text is never longer than the quoted,
 * so writing behind the reader is safe. */
static int unquote(char **pp, char *e, char **wend)
{
	char *p = *pp, *w = p;

	for (;;) {
		if (p >= e)
			return CSV_UNTERMINATED;
		if (*p == '"' && p + 1 < e && p[1] == '"') {
			*w++ = '"';
			p += 2;
		} else if (*p == '"') {
			p++;
			break;
		} else {
			*w++ = *p++;
		}
	}
	*pp = p;
	*wend = w;
	return 0;
}

int csv_split(char *p, char *e, char **f, int maxf)
{
	int n = 0;

	for (;;) {
		char *start, *w;

		while (p < e && is_space(*p))
			p++;
		if (p < e && *p == '"') {
			start = ++p;
			if (unquote(&p, e, &w) < 0)
				return CSV_UNTERMINATED;
			while (p < e && is_space(*p))
				p++;
			if (p < e && *p != ',')
				return CSV_AFTER_QUOTE;
		} else {
			start = p;
			while (p < e && *p != ',')
				p++;
			w = p;
			while (w > start && is_space(w[-1]))
				w--;
		}
		int last = p >= e;

		*w = 0;
		if (n < maxf)
			f[n] = start;
		n++;
		if (last)
			return n;
		p++;
	}
}

const char *csv_why(int code)
{
	return code == CSV_UNTERMINATED ? "unterminated quote" : "text after a closing quote";
}

void csv_quote(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s), k = n > CSV_QUOTE_MAX ? CSV_QUOTE_MAX : n, i;

	if (k > cap - 4)
		k = cap - 4;
	for (i = 0; i < k; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) || (s[i] & 0x80) ? s[i] : '?';
	if (k < n)
		memcpy(dst + i, "...", 3), i += 3;
	dst[i] = 0;
}
