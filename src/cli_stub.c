/* Commands still to come. */
#include "cli.h"

int cli_animate(int argc, char **argv) { return cli_failf(AP_EXIT_USAGE, "animate: not built yet"); }
int cli_atlas(int argc, char **argv) { return cli_failf(AP_EXIT_USAGE, "atlas: not built yet"); }
int cli_info(int argc, char **argv) { return cli_failf(AP_EXIT_USAGE, "info: not built yet"); }
