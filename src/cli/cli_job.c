/*
 * The commands that are jobs of the public API (render, animate): argv into ap_job_set,
 * one call an option, through the one option loop (cli_getopt); then the run, with
 * the hooks a terminal wants: -v and warning lines on stderr, the progress line, the
 * clean stop on SIGINT and SIGTERM, stdout for -o -.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atlasplot.h>

#include "api/job_opts.h"
#include "cli/cli.h"

struct job_ctx {
	ap_job *j;
	const ap_option *opts;
	size_t n;
	bool dash_out;               /* -o - */
	bool verbose;
};

static int job_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct job_ctx *x = ctx;
	const ap_option *o = NULL;
	for (size_t i = 0; i < x->n && !o; i++)
		if (x->opts[i].key == opt)
			o = &x->opts[i];
	if (!o)
		return 0;
	if (o->letter == 'o')
		x->dash_out = arg && !strcmp(arg, "-");
	if (o->letter == 'v')
		x->verbose = true;
	ap_error e;
	int rc = ap_job_set(x->j, o->name, arg, &e);
	if (rc) {
		ap_errf(err, "%s", e.msg);
		return rc == AP_JOB_USAGE ? -1 : -2;
	}
	return 1;
}

/* The getopt tables of the job's options, with -h: longopts (n + 2 entries) and the
 * short letters. */
static void tables(const ap_option *o, size_t n, struct option *lo, char *so, size_t solen)
{
	size_t at = (size_t)snprintf(so, solen, ":h");
	for (size_t i = 0; i < n; i++) {
		static const int has[] = { no_argument, required_argument, optional_argument };
		lo[i] = (struct option){ o[i].name, has[o[i].arg], NULL, o[i].key };
		if (o[i].letter && at + 3 < solen)
			at += (size_t)snprintf(so + at, solen - at, "%c%s", o[i].letter, o[i].arg ? ":" : "");
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
}

/* The progress line: on a terminal, redrawn at most 4 times a second; with -v, a line
 * every 5 s; with -v, the totals at the end. */
struct progress {
	bool tty, verbose;
	double last;
};

static void on_progress(void *user, const ap_job_progress *p)
{
	struct progress *pr = user;
	if (!pr->tty && !pr->verbose)
		return;
	if (!p->final && p->elapsed - pr->last < (pr->tty ? 0.25 : 5.0))
		goto out;
	pr->last = p->elapsed;
	double rate = p->elapsed > 0 ? (double)p->rendered / p->elapsed : 0;
	long left = p->todo - p->done;
	char eta[32] = "?";
	if (rate > 0)
		snprintf(eta, sizeof eta, "%.0f s", (double)left / rate);
	fprintf(stderr, "%satlasplot: frame %ld/%ld, %.1f frames/s, ETA %s%s", pr->tty ? "\r" : "", p->frame + 1,
		p->total, rate, eta, pr->tty ? "\033[K" : "\n");
	if (p->final && pr->tty)
		fputc('\n', stderr);
out:
	if (p->final && pr->verbose)
		fprintf(stderr, "atlasplot: %zu frame(s) rendered, %ld skipped as done: render %.1f ms/frame, "
			"%.2f s in all\n", p->rendered, p->skipped,
			p->rendered ? p->render_s * 1e3 / (double)p->rendered : 0.0, p->elapsed);
}

struct hook_user {
	struct progress pr;
	struct cli_stop *stop;
};

static void hook_progress(void *user, const ap_job_progress *p)
{
	on_progress(&((struct hook_user *)user)->pr, p);
}

static void hook_ready(void *user)
{
	cli_stop_begin(((struct hook_user *)user)->stop);
}

int cli_job(const char *cmd, int argc, char **argv, const char *command_line)
{
	ap_error e;
	struct ap_err err;
	ap_job *j = ap_job_make(cmd, &e);
	if (!j)
		return cli_failf(AP_EXIT_ERR, "%s", e.msg);
	size_t n;
	const ap_option *opts = ap_job_options(cmd, &n);
	struct option *lo = calloc(n + 2, sizeof *lo);
	char so[64];
	int code = AP_EXIT_OK;
	if (!lo) {
		code = cli_failf(AP_EXIT_ERR, "out of memory");
		goto out;
	}
	tables(opts, n, lo, so, sizeof so);
	/* the environment's switches, read here, once: options given win */
	const char *cache = getenv("ATLASPLOT_CACHE");
	if ((getenv("ATLASPLOT_NO_PRESCALE") && ap_job_set(j, JOB_OPT_NO_PRESCALE, NULL, &e)) ||
	    (cache && *cache && ap_job_set(j, "cache", cache, &e))) {
		code = cli_failf(AP_EXIT_ERR, "%s", e.msg);
		goto out;
	}
	struct job_ctx x = { j, opts, n, false, false };
	const struct cli_parser p = { so, lo, job_opt, &x, NULL, 0 };
	int first, rc = cli_getopt(&p, argc, argv, &first, &err);
	if (rc == CLI_HELP) {
		char *help = ap_job_help(cmd);
		if (help)
			fputs(help, stdout);
		ap_free(help);
		goto out;
	}
	if (rc < 0) {
		code = rc == -2 ? cli_fail(AP_EXIT_ERR, &err) : cli_usage(cmd, &err);
		goto out;
	}
	rc = ap_job_check(j, &e);
	if (rc) {
		ap_errf(&err, "%s", e.msg);
		code = rc == AP_JOB_USAGE ? cli_usage(cmd, &err) : cli_fail(AP_EXIT_ERR, &err);
		goto out;
	}
	bool animate = !strcmp(cmd, "animate");
	if (x.dash_out && isatty(1)) {
		code = cli_failf(AP_EXIT_ERR, animate ? "output '-': stdout is a terminal; pipe the raw frames into ffmpeg or a file"
					     : "output '-': stdout is a terminal; redirect the PNG to a file or a pipe");
		goto out;
	}
	if (x.dash_out && animate)
		signal(SIGPIPE, SIG_IGN);   /* a closed pipe is a write error, not a silent death */
	struct cli_stop stop;
	struct hook_user hu = { { isatty(2), x.verbose, 0 }, &stop };
	ap_job_hooks h = {
		.log = cli_log_line,
		.warn = cli_warn_line,
		.progress = animate ? hook_progress : NULL,
		.ready = hook_ready,
		.user = &hu,
		.stop = cli_stop_init(&stop),
		.out = x.dash_out ? stdout : NULL,
		.command_line = command_line,
	};
	rc = ap_job_run(j, &h, &e);
	int sig = cli_stop_end(&stop);
	if (rc < 0) {
		ap_errf(&err, "%s", e.msg);
		code = rc == AP_JOB_USAGE ? cli_usage(cmd, &err) : cli_fail(AP_EXIT_ERR, &err);
	} else if (sig) {
		code = cli_failf(128 + sig, animate ? "stopped by %s; the frames written are complete, rerun with --resume to finish"
						    : "stopped by %s; the frames written are complete",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
	}
out:
	free(lo);
	ap_job_free(j);
	return code;
}
