/* Commands still to come. */
#include "cli.h"

int cli_animate(int argc, char **argv) { return cli_failf(AP_EXIT_USAGE, "animate: not built yet"); }
