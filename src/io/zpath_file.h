/*
 * zpath_file: a --path keyframe file read from disk (through load_file, so a .gz works
 * too) and handed to zpath_keys_parse, which owns the format and its line errors. Only
 * the file's own errors are worded here, as they were when core read the file itself:
 *   path 'p.txt': No such file or directory      (strerror, as it spells it)
 *   path 'p.txt': read error                     (also for a folder)
 *   path 'p.txt': larger than 16777216 bytes
 *   path 'p.txt': out of memory
 *   path 'p.txt': corrupt gzip data (...)        (load_file's reason)
 * Not here: the format, the camera path (core/zpath).
 */
#ifndef AP_ZPATH_FILE_H
#define AP_ZPATH_FILE_H

#include "base/err.h"
#include "core/zpath.h"

/* Largest keyframe file read, in bytes (files of this size and more are refused). */
#define ZPATH_FILE_MAX ((size_t)16 << 20)

/* Read path and parse it into *out (free with zpath_keys_free). Returns 0, or -1 with
 * err set and *out empty. */
int zpath_file_load(const char *path, struct zpath_keys *out, struct ap_err *err);

#endif
