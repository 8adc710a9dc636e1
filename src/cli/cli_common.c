#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#include "api/job_opts.h"

/* The one flag a signal handler may set: the only global, as signals have no argument. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

volatile sig_atomic_t *cli_stop_init(struct cli_stop *s)
{
	memset(s, 0, sizeof *s);
	stop_signal = 0;
	return &stop_signal;
}

void cli_stop_begin(void *arg)
{
	struct cli_stop *s = arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, NULL, &s->old_int);
	sigaction(SIGTERM, NULL, &s->old_term);
	if (s->old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	if (s->old_term.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &sa, NULL);
	s->on = true;
}

int cli_stop_end(struct cli_stop *s)
{
	if (!s->on)
		return 0;
	sigaction(SIGINT, &s->old_int, NULL);
	sigaction(SIGTERM, &s->old_term, NULL);
	s->on = false;
	return stop_signal;
}

int cli_fail(int code, const struct ap_err *err)
{
	fprintf(stderr, "atlasplot: %s\n", err->msg);
	return code;
}

int cli_failf(int code, const char *fmt, ...)
{
	struct ap_err err;
	va_list ap;
	va_start(ap, fmt);
	char raw[sizeof err.msg];
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	ap_escape(err.msg, sizeof err.msg, raw);
	fprintf(stderr, "atlasplot: %s%s\n", err.msg, code == AP_EXIT_USAGE ? " (see 'atlasplot --help')" : "");
	return code;
}

int cli_usage(const char *cmd, const struct ap_err *err)
{
	fprintf(stderr, "atlasplot: %s (see 'atlasplot %s --help')\n", err->msg, cmd);
	return AP_EXIT_USAGE;
}

/* getopt_long's ':' (missing value) or anything else it returned for an option the
 * command does not know, as an error naming the option. */
static int bad_option(int opt, char **argv, struct ap_err *err)
{
	if (opt == ':')
		return ap_errf(err, "option '%s' needs a value", argv[optind - 1]);
	return ap_errf(err, "unknown option '%s'", argv[optind - 1]);
}

int cli_getopt(const struct cli_parser *p, int argc, char **argv, int *first, struct ap_err *err)
{
	optind = 1;
	opterr = 0;
	int opt, li = -1;
	while ((opt = getopt_long(argc, argv, p->shortopts, p->longopts, &li)) != -1) {
		if (opt == 'h')
			return CLI_HELP;
		if (opt == ':' || opt == '?')
			return bad_option(opt, argv, err);
		/* an optional value may also come as the next word (--legend top-left) */
		const char *arg = optarg;
		if (!arg && li >= 0 && p->longopts[li].has_arg == optional_argument && optind < argc &&
		    argv[optind][0] != '-')
			arg = argv[optind++];
		li = -1;
		int r = p->common ? job_common_opt(p->common, opt, arg, err) : 0;
		if (r == 0)
			r = p->opt ? p->opt(p->ctx, opt, arg, err) : 0;
		if (r < 0)
			return r;
		if (r == 0)
			return bad_option(opt, argv, err);
	}
	if (argc - optind > p->max_args)
		return ap_errf(err, "unexpected argument '%s'", argv[optind + p->max_args]);
	if (p->common && !p->common->paths.nimages && !p->common->paths.manifest)
		return ap_errf(err, "missing --images FILE (or --manifest FILE)");
	if (p->common && job_common_check(p->common, err))
		return -1;
	*first = optind;
	return 0;
}

void cli_command_line(int argc, char **argv, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int i = 0; i < argc && o + 1 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len)
		buf[len - 1] = 0;
}

static void warn_skip(void *user, const char *path, const char *msg)
{
	(void)user;
	(void)path;
	fprintf(stderr, "atlasplot: warning: %s (skipped)\n", msg);
}

void cli_warn_line(void *user, const char *line)
{
	(void)user;
	fprintf(stderr, "atlasplot: warning: %s\n", line);
}

void cli_log_line(void *user, const char *line)
{
	(void)user;
	fprintf(stderr, "atlasplot: %s\n", line);
}

void cli_common_init(struct frames_desc *c)
{
	memset(c, 0, sizeof *c);
	c->paths.dir.on_skip = warn_skip;
	c->warn = cli_warn_line;
	c->draw.no_prescale = getenv("ATLASPLOT_NO_PRESCALE") != NULL;
}

void cli_longopts(const ap_option *a, const ap_option *b, struct option *out)
{
	static const int has[] = { no_argument, required_argument, optional_argument };
	const ap_option *tables[2] = { a, b };
	size_t n = 0;
	for (int k = 0; k < 2; k++)
		for (const ap_option *t = tables[k]; t && t->name && n + 2 < CLI_MAX_OPTS; t++)
			out[n++] = (struct option){ t->name, has[t->arg], NULL, t->key };
	out[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}
