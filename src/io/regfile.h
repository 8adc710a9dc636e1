/*
 * regfile: open a file that must be a regular file, for reading, without blocking.
 * A FIFO that nobody writes would block open(2) forever, and a device may never end:
 * image files and frames checked by --resume go through here, so either is an error
 * naming the file, and a signal always stops the run. Not here: whole-file reads
 * (load_file), where a pipe such as --layout /dev/stdin is a legitimate input.
 */
#ifndef AP_REGFILE_H
#define AP_REGFILE_H

#include <stdio.h>

/* fopen(path, "rb") of a regular file: NULL with errno set when it cannot be opened
 * (EISDIR for a folder), or NULL with errno 0 when it is another kind of file that is not
 * regular (a FIFO, a socket, a device). */
FILE *regfile_open(const char *path);

#endif
