/* atlasplot: render atlas-textured scatter plots of image data sets, headless. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: atlasplot COMMAND [options]\n"
	"\n"
	"Render the atlas-textured scatter plot of an image data set (every image drawn at its\n"
	"2-D embedding coordinate) to PNG, headless, and check frames against golden images.\n"
	"\n"
	"commands:\n"
	"  render   draw one or more frames of a layout to PNG\n"
	"  animate  render a tweened transition between two layouts, or a camera move\n"
	"  atlas    write the texture atlas pages and index.csv (for a web front end)\n"
	"  info     describe a data set, its layout, its atlas and the GL renderer\n"
	"  diff     compare PNG images or folders against golden references\n"
	"  cache    list or clear an atlas cache folder (--cache DIR)\n"
	"  grid     move a layout's points onto a grid of cells, one point a cell\n"
	"\n"
	"  atlasplot COMMAND --help   options of one command\n"
	"  atlasplot --version\n"
	"\n"
	"example:\n"
	"  atlasplot render --images train-images-idx3-ubyte --layout data/mnist_umap.npy \\\n"
	"      --labels train-labels-idx1-ubyte --color-by label -o mnist.png\n";

static const struct {
	const char *name;
	int (*run)(int, char **);
} commands[] = {
	{ "render", cli_render },
	{ "animate", cli_animate },
	{ "atlas", cli_atlas },
	{ "info", cli_info },
	{ "diff", cli_diff },
	{ "cache", cli_cache },
	{ "grid", cli_grid },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return AP_EXIT_USAGE;
	}
	/* a full disk or `ulimit -f` must fail the write, not kill the process */
	signal(SIGXFSZ, SIG_IGN);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return AP_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("atlasplot %s\n", AP_VERSION);
		return AP_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return cli_failf(AP_EXIT_USAGE, "unknown command '%s'", cmd);
}
