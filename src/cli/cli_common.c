#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

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

int cli_bad_option(int opt, char **argv, struct ap_err *err)
{
	if (opt == ':')
		return ap_errf(err, "option '%s' needs a value", argv[optind - 1]);
	return ap_errf(err, "unknown option '%s'", argv[optind - 1]);
}
