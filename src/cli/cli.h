/*
 * cli: the subcommands. Each takes the argv after the command name (argv[0] is the
 * command), parses its options with getopt_long, runs, prints any error once as
 * "atlasplot: <msg>" and returns the process exit code:
 *   0 success; 1 an error in the input, the environment or the output; 2 a usage error.
 *   diff: 0 images match, 1 they differ, 2 an error (as cmp(1) and diff(1)).
 */
#ifndef AP_CLI_H
#define AP_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <atlasplot.h>

#include "app/frames.h"
#include "base/err.h"

enum { AP_EXIT_OK = 0, AP_EXIT_ERR = 1, AP_EXIT_USAGE = 2 };

int cli_render(int argc, char **argv);
int cli_animate(int argc, char **argv);
int cli_atlas(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_cache(int argc, char **argv);
int cli_grid(int argc, char **argv);

/* render and animate: the job of the public API named cmd, its options from argv;
 * command_line is the frames' "Command" text. */
int cli_job(const char *cmd, int argc, char **argv, const char *command_line);

/* atlas and info: the shared options' frames_desc, with what only a command line sets
 * (the warnings on stderr, the environment's switches); free with job_common_free. */
void cli_common_init(struct frames_desc *c);
/* The getopt table of two option tables (each ended by a NULL name) and -h, in out
 * (CLI_MAX_OPTS entries). */
#define CLI_MAX_OPTS 96
void cli_longopts(const ap_option *a, const ap_option *b, struct option *out);

/* "Software", "Command" tEXt values: argv joined by spaces, cut to len. */
void cli_command_line(int argc, char **argv, char *buf, size_t len);

/* The log and warning callbacks of the commands: "atlasplot: LINE" and "atlasplot:
 * warning: LINE" on stderr. */
void cli_log_line(void *user, const char *line);
void cli_warn_line(void *user, const char *line);

/* Print "atlasplot: <msg>" to stderr and return code. */
int cli_fail(int code, const struct ap_err *err);

/*
 * The option loop of every command. Each option getopt_long finds goes to the shared
 * options (cli_common_opt) when common is set, then to opt, which returns 1 (taken),
 * 0 (not an option of this command), -1 (a bad value: a usage error) or -2 (a failure
 * that is not the user's spelling, such as an unreadable --shots file); err says why.
 * -h/--help, a missing value and an unknown option are handled here, and so is a
 * command with shared options (common set) but no --images or --manifest, and shared
 * options that disagree (job_common_check).
 */
struct cli_parser {
	const char *shortopts;       /* with a leading ':' and 'h' */
	const struct option *longopts;
	int (*opt)(void *ctx, int opt, const char *arg, struct ap_err *err);
	void *ctx;
	struct frames_desc *common;  /* the shared options' home, or NULL */
	int max_args;                /* operands allowed after the options */
};
enum { CLI_HELP = 1 };
/* 0 with the operands at argv[*first .. argc); CLI_HELP; -1 a usage error; -2 another
 * error (err set for both). */
int cli_getopt(const struct cli_parser *p, int argc, char **argv, int *first, struct ap_err *err);

/*
 * A clean stop: between cli_stop_begin and cli_stop_end, SIGINT and SIGTERM set the
 * flag cli_stop_init returns (the run stops between frames, its writes finish); the
 * handler goes after the first signal, so a second one kills, and a signal the parent
 * ignores (nohup, a background job's SIGINT) stays ignored. Before cli_stop_begin a
 * signal kills as usual: a run begins it through its ready callback, once its inputs
 * are read, so that one waiting on a FIFO or a pipe is still stopped by the first
 * signal (nothing is written by then). cli_stop_end returns the signal that came, or 0.
 */
struct cli_stop {
	struct sigaction old_int, old_term;
	bool on;
};
volatile sig_atomic_t *cli_stop_init(struct cli_stop *s);
void cli_stop_begin(void *s);    /* s: the struct cli_stop; a ready callback */
int cli_stop_end(struct cli_stop *s);

/* Print "atlasplot: <msg> (see 'atlasplot CMD --help')" and return AP_EXIT_USAGE. */
int cli_usage(const char *cmd, const struct ap_err *err);
/* Print "atlasplot: <formatted>" (plus a --help hint for usage errors) and return code. */
int cli_failf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
