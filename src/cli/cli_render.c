/* atlasplot render: one or more still frames of a layout (a job of the public API). */
#include "cli/cli.h"

int cli_render(int argc, char **argv)
{
	char cmdline[2048];
	cli_command_line(argc + 1, argv - 1, cmdline, sizeof cmdline);
	return cli_job("render", argc, argv, cmdline);
}
