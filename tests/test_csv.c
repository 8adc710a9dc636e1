/* csv: one line cut into fields, RFC 4180 quoting, the reasons for its errors. */
#include <string.h>

#include "t.h"
#include "base/csv.h"

/* The fields of line joined by '|', each in [brackets]; or "error N". */
static const char *fields(const char *line)
{
	static char out[256];
	char buf[128], *f[8];
	size_t len = strlen(line), k = 0;
	int n;

	memcpy(buf, line, len + 1);
	n = csv_split(buf, buf + len, f, 8);
	if (n < 0) {
		snprintf(out, sizeof out, "error %d", n);
		return out;
	}
	out[0] = 0;
	for (int i = 0; i < n && i < 8; i++)
		k += (size_t)snprintf(out + k, sizeof out - k, "%s[%s]", i ? "|" : "", f[i]);
	return out;
}

int main(void)
{
	CHECK_STR(fields("a,b,c"), "[a]|[b]|[c]");
	CHECK_STR(fields("  a , b\t,\tc  "), "[a]|[b]|[c]");
	CHECK_STR(fields(""), "[]");
	CHECK_STR(fields(","), "[]|[]");
	CHECK_STR(fields("a,,"), "[a]|[]|[]");
	CHECK_STR(fields("a b,c"), "[a b]|[c]");
	/* quoted: commas inside, "" is a quote, spaces inside kept, spaces outside trimmed */
	CHECK_STR(fields("\"a,b\",c"), "[a,b]|[c]");
	CHECK_STR(fields("\"q\"\"q\""), "[q\"q]");
	CHECK_STR(fields(" \" x \" ,y"), "[ x ]|[y]");
	CHECK_STR(fields("\"\",\"\"\"\""), "[]|[\"]");
	CHECK_STR(fields("\"1\",\"2\""), "[1]|[2]");
	/* a quote inside an unquoted field is just a byte */
	CHECK_STR(fields("a\"b,c"), "[a\"b]|[c]");
	/* errors */
	CHECK_STR(fields("\"abc,1"), "error -1");
	CHECK_STR(fields("x,\"abc\"\""), "error -1");
	CHECK_STR(fields("\"abc\"x,1"), "error -2");
	CHECK_STR(fields("\"abc\" x"), "error -2");
	CHECK_STR(csv_why(CSV_UNTERMINATED), "unterminated quote");
	CHECK_STR(csv_why(CSV_AFTER_QUOTE), "text after a closing quote");

	/* more fields than pointers: counted, not stored */
	{
		char buf[] = "1,2,3,4";
		char *f[2] = { NULL, NULL };

		CHECK_EQ_INT(csv_split(buf, buf + strlen(buf), f, 2), 4);
		CHECK_STR(f[0], "1");
		CHECK_STR(f[1], "2");
	}
	/* only [p, e) is read; a NUL goes at e */
	{
		char buf[] = "a,b\r\nzzz";
		char *f[2];

		CHECK_EQ_INT(csv_split(buf, buf + 3, f, 2), 2);
		CHECK_STR(f[1], "b");
		CHECK(buf[3] == 0 && buf[4] == '\n');
	}
	CHECK_EQ_INT(csv_max_fields("a,\"b,c\",d", "a,\"b,c\",d" + 9), 4);
	CHECK_EQ_INT(csv_max_fields("", ""), 1);

	/* quoting for messages: cut at CSV_QUOTE_MAX, unprintable as '?' */
	{
		char q[CSV_QUOTE_MAX + 4], big[100];

		csv_quote(q, sizeof q, "a\tb\x01" "c\xc3\xa9");
		CHECK_STR(q, "a?b?c\xc3\xa9");
		memset(big, 'z', 99);
		big[99] = 0;
		csv_quote(q, sizeof q, big);
		CHECK_EQ_INT(strlen(q), CSV_QUOTE_MAX + 3);
		CHECK(strcmp(q + CSV_QUOTE_MAX, "...") == 0);
	}
	return t_done();
}
