/* atlasplot cache: list or clear an atlas cache folder (io/acache.h's entries). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "api/job_opts.h"
#include "io/acache.h"

static const char cache_help[] =
	"usage: atlasplot cache --list DIR | --clear DIR\n"
	"\n"
	"The atlas cache of --cache DIR (or $ATLASPLOT_CACHE): one entry a data set, NAME.apc,\n"
	"holding the cpu backend's atlas pages with their mip levels, what the first frames\n"
	"made (coverage rows, prescaled images) and a record of the image files (each one's\n"
	"identity and the hash of its bytes), mapped by the next run with the same images and\n"
	"options instead of built; when the files are unchanged, none is read. An entry from\n"
	"another version, truncated, corrupt or made for other inputs is never used: the run\n"
	"builds the atlas again and says so.\n"
	"\n"
	"  --list DIR     each entry: name, size, format version, and ok or why it is unusable\n"
	"  --clear DIR    remove every entry (and temporaries of killed writers)\n"
	"  -h, --help     this help\n";

enum { OPT_LIST = OPT_COMMAND_BASE, OPT_CLEAR };

struct cache_args {
	const char *list, *clear;
};

static int cache_opt(void *ctx, int opt, const char *arg, struct ap_err *err)
{
	struct cache_args *a = ctx;
	(void)err;
	if (opt == OPT_LIST)
		a->list = arg;
	else if (opt == OPT_CLEAR)
		a->clear = arg;
	else
		return 0;
	return 1;
}

static void print_line(void *user, const char *text)
{
	(void)user;
	printf("%s\n", text);
}

int cli_cache(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", required_argument, NULL, OPT_LIST },
		{ "clear", required_argument, NULL, OPT_CLEAR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cache_args a = { 0 };
	struct cli_parser p = { ":h", longopts, cache_opt, &a, NULL, 0 };
	struct ap_err err;
	int first, rc = cli_getopt(&p, argc, argv, &first, &err);
	if (rc == CLI_HELP) {
		fputs(cache_help, stdout);
		return AP_EXIT_OK;
	}
	if (rc < 0)
		return rc == -1 ? cli_usage("cache", &err) : cli_fail(AP_EXIT_ERR, &err);
	if (!a.list == !a.clear) {
		ap_errf(&err, "cache: give one of --list DIR or --clear DIR");
		return cli_usage("cache", &err);
	}
	if (a.list) {
		int n = acache_list(a.list, print_line, NULL, &err);
		if (n < 0)
			return cli_fail(AP_EXIT_ERR, &err);
		printf("%d entr%s\n", n, n == 1 ? "y" : "ies");
		return AP_EXIT_OK;
	}
	int n = acache_clear(a.clear, &err);
	if (n < 0)
		return cli_fail(AP_EXIT_ERR, &err);
	printf("removed %d file%s\n", n, n == 1 ? "" : "s");
	return AP_EXIT_OK;
}
