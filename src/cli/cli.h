/*
 * cli: the subcommands. Each takes the argv after the command name (argv[0] is the
 * command), parses its options with getopt_long, runs, prints any error once as
 * "atlasplot: <msg>" and returns the process exit code:
 *   0 success; 1 an error in the input, the environment or the output; 2 a usage error.
 *   diff: 0 images match, 1 they differ, 2 an error (as cmp(1) and diff(1)).
 */
#ifndef AP_CLI_H
#define AP_CLI_H

#include <stdio.h>

#include "base/err.h"

enum { AP_EXIT_OK = 0, AP_EXIT_ERR = 1, AP_EXIT_USAGE = 2 };

int cli_render(int argc, char **argv);
int cli_animate(int argc, char **argv);
int cli_atlas(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_diff(int argc, char **argv);

/* Print "atlasplot: <msg>" to stderr and return code. */
int cli_fail(int code, const struct ap_err *err);
/* getopt_long's ':' (missing value) or anything else it returned for an option the
 * command does not know, as an error naming the option. Returns -1. */
int cli_bad_option(int opt, char **argv, struct ap_err *err);

/* Print "atlasplot: <msg> (see 'atlasplot CMD --help')" and return AP_EXIT_USAGE. */
int cli_usage(const char *cmd, const struct ap_err *err);
/* Print "atlasplot: <formatted>" (plus a --help hint for usage errors) and return code. */
int cli_failf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
