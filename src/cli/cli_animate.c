/*
 * atlasplot animate: an animation (a job of the public API), its frames' "Command"
 * text without the options that only choose which frames a process writes.
 */
#include <string.h>

#include "cli/cli.h"

/*
 * The "Command" text of the frames: the command line without the options that only
 * choose which frames this process writes or how it talks (--shard, --range, --resume,
 * --contact-sheet, -v), so shards and resumed runs write the very bytes of a full run.
 */
static void frame_command(int argc, char **argv, char *buf, size_t len)
{
	static const char *const with_value[] = { "--shard", "--range", "--contact-sheet" };
	static const char *const flags[] = { "--resume", "--verbose", "-v" };
	char *kept[256];
	int n = 0;
	for (int i = 0; i < argc && n < (int)(sizeof kept / sizeof kept[0]); i++) {
		int drop = 0;            /* tokens to leave out: the option, and its value */
		for (size_t j = 0; j < sizeof with_value / sizeof with_value[0]; j++) {
			size_t l = strlen(with_value[j]);
			if (!strncmp(argv[i], with_value[j], l) && (argv[i][l] == '=' || !argv[i][l]))
				drop = argv[i][l] ? 1 : 2;
		}
		for (size_t j = 0; j < sizeof flags / sizeof flags[0]; j++)
			if (!strcmp(argv[i], flags[j]))
				drop = 1;
		if (drop)
			i += drop - 1;
		else
			kept[n++] = argv[i];
	}
	cli_command_line(n, kept, buf, len);
}

int cli_animate(int argc, char **argv)
{
	char cmdline[2048];
	frame_command(argc + 1, argv - 1, cmdline, sizeof cmdline);
	return cli_job("animate", argc, argv, cmdline);
}
