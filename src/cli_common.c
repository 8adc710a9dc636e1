#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int cli_fail(int code, const struct ap_err *err)
{
	fprintf(stderr, "atlasplot: %s\n", err->msg);
	return code;
}

int cli_failf(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("atlasplot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (code == AP_EXIT_USAGE)
		fputs(" (see 'atlasplot --help')", stderr);
	fputc('\n', stderr);
	return code;
}

int cli_usage(const char *cmd, const struct ap_err *err)
{
	fprintf(stderr, "atlasplot: %s (see 'atlasplot %s --help')\n", err->msg, cmd);
	return AP_EXIT_USAGE;
}
