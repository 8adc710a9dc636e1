/*
 * afile: every output file, written atomically (PNG frames through pngio_write, PDF and
 * SVG figures): the bytes go to a hidden temporary file beside the target
 * (".NAME.XXXXXX.tmp", mode 0666 less the umask) and it is renamed over the target only
 * when every write and the close succeeded; on any failure it is removed and the target
 * is untouched (no fsync: atomic against the process dying or the disk filling, not
 * against power loss). A target that exists and is not a regular file (a device, a
 * FIFO, or a link to one) is refused, never replaced: as root, -o /dev/null would
 * otherwise replace the device itself.
 *
 *   afile_write          open the temporary file, let put fill it, close and rename
 *   afile_inputs_add     remember an input file (by st_dev/st_ino)
 *   afile_inputs_check   refuse an output that is one of them
 *   afile_remove_stale   remove temporaries that a killed run left, of chosen targets
 */
#ifndef AP_AFILE_H
#define AP_AFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

/* put writes the contents to fp and returns 0, or -1 with err set. Errors of the file
 * itself read "output 'PATH': <reason>". */
int afile_write(const char *path, int (*put)(FILE *fp, void *ctx, struct ap_err *err), void *ctx,
		struct ap_err *err);

/* The files a run reads, so that no output overwrites one: the same file whatever the
 * path's spelling (a link, "./x", another mount of it). Zero value = none. */
#define AFILE_MAX_INPUTS 192
struct afile_inputs {
	size_t n;
	struct {
		unsigned long long dev, ino;
		const char *path;            /* as given; not copied */
	} v[AFILE_MAX_INPUTS];
};
/* Remember path (NULL, a missing file or a full list: nothing). */
void afile_inputs_add(struct afile_inputs *in, const char *path);
/* 0, or -1 with "output 'OUT': is the input 'IN'; not overwriting it". */
int afile_inputs_check(const struct afile_inputs *in, const char *out, struct ap_err *err);

/* In dir, remove each temporary ".X.XXXXXX.tmp" whose target name X mine(X, ctx) claims
 * (the frames this run writes: a temporary of a frame another shard is writing right now
 * is not this run's to remove). Returns how many were removed. */
size_t afile_remove_stale(const char *dir, bool (*mine)(const char *name, void *ctx), void *ctx);

#endif
