/*
 * acache: the atlas cache's file format, one entry a data set in a folder: what a
 * drawing session builds at start-up (draw/draw.h's draw_store) kept as opaque
 * sections, so that the next run maps it instead of building it. An entry is
 * "NAME.apc" (NAME 16 hex digits, the data set's id), a 4 KiB header then sections
 * aligned to 4 KiB:
 *   magic "APCACHE\n", version ACACHE_VERSION, the key (a hash of the inputs and of
 *   every option that changes what is built), the file's size, per section its offset,
 *   size and checksum (hash64 of its 4 MiB chunks' hash64s, taken on all cores), and the
 *   hash64 of the header before it.
 * acache_open trusts nothing: a wrong magic or version, a header or section hash that
 * does not match, a size that is not the file's (truncated), or another key, and the
 * entry is not used, with a note saying which. Sections are checked when opened (the
 * checksums run at memory speed), mapped private and read-only, shared with every process that
 * maps the same entry. Written through afile_write (temporary file, rename), so shards
 * writing one entry at once each leave a whole file and a reader keeps the one it
 * mapped. Not here: what the sections hold (draw/), when to use the cache (app/).
 *
 *   acache_path   the entry's path for a data set's id
 *   acache_peek   read and check one section of an entry, before its key is known
 *   acache_open   map and check an entry
 *   acache_close  unmap it
 *   acache_write  write an entry atomically
 *   acache_list   describe the entries of a folder, a line each
 *   acache_clear  remove them (and temporaries that killed writers left)
 */
#ifndef AP_ACACHE_H
#define AP_ACACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ACACHE_VERSION 2
#define ACACHE_MAX_SECTIONS 8
#define ACACHE_EXT ".apc"

struct acache_section {
	const void *p;
	size_t bytes;
};

/* An open entry; zero value = none. */
struct acache {
	void *map;
	size_t map_bytes;
	uint64_t key;
	uint32_t nsec;
	struct acache_section sec[ACACHE_MAX_SECTIONS];
};

/* dir/NAME.apc for id into buf: 0, or -1 when it does not fit. */
int acache_path(const char *dir, uint64_t id, char *buf, size_t len);
/* 1: c holds the entry at path, made for key; 0: there is none; -1: there is one that
 * cannot be used, and note says why in a line ("cache 'P': truncated (...)"). */
int acache_open(const char *path, uint64_t key, struct acache *c, char *note, size_t len);
void acache_close(struct acache *c);
/* Section sec of the entry at path, read (not mapped) and checked with the header, before
 * the key is known (the record the key is computed from): 1 with *out malloc'd (*bytes),
 * 0 when there is no entry, -1 when it cannot be used (note says why, as acache_open's). */
int acache_peek(const char *path, uint32_t sec, void **out, size_t *bytes, char *note, size_t len);
/* Write an entry of nsec sections for key to path: 0, or -1 with err set. The folder
 * is made if missing (one level). */
int acache_write(const char *path, uint64_t key, const struct acache_section *sec, uint32_t nsec,
		 struct ap_err *err);
/* Call line for each entry of dir ("NAME.apc  123.4 MB  version 1  ok", or why it is
 * not usable): their count, or -1 with err set (the folder cannot be read). */
int acache_list(const char *dir, void (*line)(void *user, const char *text), void *user, struct ap_err *err);
/* Remove dir's entries and stale temporaries: how many, or -1 with err set. */
int acache_clear(const char *dir, struct ap_err *err);

#endif
