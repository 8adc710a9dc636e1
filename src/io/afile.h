/*
 * afile: a file written atomically, for outputs other than PNG (PDF and SVG figures):
 * the bytes go to a hidden temporary file beside the target (".NAME.XXXXXX.tmp", mode
 * 0666 less the umask) and it is renamed over the target only when every write and the
 * close succeeded; on any failure it is removed and the target is untouched. The same
 * rule as pngio_write (no fsync: atomic against the process dying or the disk filling,
 * not against power loss).
 *
 *   afile_write   open the temporary file, let put fill it, close and rename
 */
#ifndef AP_AFILE_H
#define AP_AFILE_H

#include <stdio.h>

#include "base/err.h"

/* put writes the contents to fp and returns 0, or -1 with err set. Errors of the file
 * itself read "output 'PATH': <reason>". */
int afile_write(const char *path, int (*put)(FILE *fp, void *ctx, struct ap_err *err), void *ctx,
		struct ap_err *err);

#endif
