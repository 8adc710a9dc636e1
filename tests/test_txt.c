/* txt: lines as the CSV readers take them, with their numbers. */
#include <string.h>

#include "t.h"
#include "base/txt.h"

/* All the lines of buf joined by '|', each as "NUMBER:TEXT". */
static const char *lines(const char *buf, size_t len)
{
	static char out[256];
	struct txt_lines t;
	size_t s, e, k = 0;
	out[0] = 0;
	txt_init(&t, buf, len);
	while (txt_next(&t, &s, &e) && k < sizeof out - 32)
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%zu:%.*s", k ? "|" : "", t.line, (int)(e - s), buf + s);
	return out;
}

int main(void)
{
	static const char a[] = "\xef\xbb\xbfx,y\r\n\r\n  1,2 \n\t\n\r3,4";
	CHECK_STR(lines(a, sizeof a - 1), "1:x,y|3:1,2 |5:3,4");
	static const char b[] = "\n\n";
	CHECK_STR(lines(b, sizeof b - 1), "");
	static const char c[] = "one\ntwo\n";
	CHECK_STR(lines(c, sizeof c - 1), "1:one|2:two");
	CHECK_STR(lines("", 0), "");
	static const char bom_only[] = "\xef\xbb\xbf";
	CHECK_STR(lines(bom_only, 3), "");
	/* a BOM only counts at the start */
	static const char d[] = "a\n\xef\xbb\xbf" "b";
	CHECK_STR(lines(d, sizeof d - 1), "1:a|2:\xef\xbb\xbf" "b");
	static const char nul[] = "a\nb\nc\0d\n";
	CHECK_EQ_INT(txt_nul_line(nul, sizeof nul - 1), 3);
	CHECK_EQ_INT(txt_nul_line(c, sizeof c - 1), 0);
	CHECK_EQ_INT(txt_nul_line("\0", 1), 1);
	return t_done();
}
