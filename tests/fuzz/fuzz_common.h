/*
 * The fuzz harnesses feed libFuzzer's bytes to the real entry points (which take a
 * path) through an in-memory file, so gzip detection and every reader run as in use.
 * Built by `make fuzz` (clang -fsanitize=fuzzer,address,undefined); each input found
 * to crash is kept in tests/fuzz/regress/NAME/ and replayed by `make test`.
 */
#ifndef AP_FUZZ_COMMON_H
#define AP_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Write data to a memory file and return its /proc path (static buffer), or NULL. */
static const char *fuzz_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz", 0);
		if (fd < 0)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return NULL;
	return path;
}

/* A small cap, so a header that claims gigabytes is refused, not allocated. */
#define FUZZ_MAX_BYTES ((size_t)64 << 20)

#endif
