/*
 * imgdir: image collections of any size and aspect as one ap_imgset: a list of PNG and
 * JPEG files (a folder's, or a manifest's: manifest.h) each decoded and downscaled once,
 * as it is read (imgdec, imgscale), so that its longer side is `cell` pixels, aspect
 * kept; images already that small are not upscaled. Only one decoded file is held at a
 * time (a JPEG not even that: it streams by rows).
 *
 * The result is an ap_imgset: slots of w×h = the largest scaled width and height,
 * images at the slot's top-left, their sizes in iw/ih (always set), the rest of a
 * slot zero; c = 4 if any scaled image has alpha below 255, else 1 if every pixel of
 * every image is gray (r == g == b), else 3.
 *
 * Not here: decoding (imgdec), scaling (imgscale), manifest CSVs (manifest), layouts
 * without images (lay_), IDX/NPY arrays (load.h), atlas packing.
 *
 *   imgdir_load            folder -> imgset + file names (sorted by strcmp)
 *   imgdir_names_free      free the names imgdir_load returned
 *   imgdir_batch_load      a list of paths -> imgset (imgdir_load's and manifest_load's core)
 *   imgdir_opts_resolve    zero fields of imgdir_opts -> their defaults, the cell checked
 *
 * struct imgdir_opts, zero value = defaults:
 *   cell       0 -> 64     longest side of a scaled image, 1 .. IMGDIR_CELL_MAX (1024)
 *   on_bad     IMGDIR_FAIL a file that cannot be decoded is an error naming it; or
 *                          IMGDIR_SKIP: it is left out (with its manifest row) and
 *                          on_skip, if set, is told (one call per file)
 *   max_bytes  0 -> 4 GiB  cap on the working set (images × cell² × 4 bytes) and on
 *                          one file's decoded size (width × height × 4), both checked
 *                          before allocating (images = the files found); sides
 *                          over IMGDEC_MAX_SIDE (32768) px are refused too, and PNGs
 *                          over pngio's own decoded-size limit (PNGIO_MAX_BYTES) by pngio
 *   on_skip    NULL        void (*)(void *user, const char *path, const char *msg):
 *                          msg is the error the file would have given under FAIL
 *   user       NULL        passed to on_skip
 *   sig        NULL        or the data set's signature (io/dsig.h): a list of files the
 *                          record knows for their bytes and these options is not read
 *                          at all (its set's shape, which files are kept and the skip
 *                          messages, passed to on_skip as they were, come from it);
 *                          otherwise the files are hashed, read, and the set noted
 *
 * Folder rules (dirlist_read's, shared with `atlasplot diff`): regular files (or links
 * to them) named *.png, *.jpg, *.jpeg (any case), not in subfolders, not hidden (a
 * leading '.', e.g. macOS "._x.jpg"). A file is decoded by its content (imgdec).
 *
 * Errors (one line; on failure every output is zeroed / NULL). A file's errors name
 * the path as opened (folder or manifest folder joined to the name):
 *   images 'DIR/': cannot open folder: no such file or directory
 *   images 'DIR/': no PNG or JPEG files
 *   images 'DIR/': none of the 3 images could be read (skipped)
 *   images 'DIR/': too large: 9000 images in 1024x1024 cells need more than the limit of N bytes
 *   images 'DIR/': cell size 2000 is too large (at most 1024)
 *   images 'DIR/x.jpg': cannot open: permission denied
 *   images 'DIR/x.jpg': not a JPEG file     (neither signature; the kind named is the
 *                                            extension's: PNG, JPEG, or "PNG or JPEG")
 *   images 'DIR/x.jpg': premature end of JPEG file     (libjpeg's reason, lowercased)
 *   images 'DIR/a.png': truncated file                 (pngio's reason)
 *   images 'DIR/a.png': image 40000x10 is too large (at most 32768 pixels a side)
 *   images 'DIR/a.png': image 9000x9000 is too large: decoding needs more than the limit of N bytes
 */
#ifndef AP_IMGDIR_H
#define AP_IMGDIR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/imgset.h"
#include "io/dsig.h"

#define IMGDIR_CELL_DEFAULT 64u
#define IMGDIR_CELL_MAX 1024u

enum imgdir_on_bad {
	IMGDIR_FAIL = 0,
	IMGDIR_SKIP,
};

struct imgdir_opts {
	uint32_t cell;
	enum imgdir_on_bad on_bad;
	size_t max_bytes;
	void (*on_skip)(void *user, const char *path, const char *msg);
	void *user;
	struct dsig *sig;
};

/* Every PNG/JPEG file in dir (see the folder rules above), sorted by name (strcmp),
 * each scaled into *out. o may be NULL (all defaults). *names_out (may be NULL) gets
 * the n file names (without the folder), a malloc'd array of malloc'd strings: free
 * with imgdir_names_free(names, out->n). Free *out with imgset_free. Returns 0 or -1. */
int imgdir_load(const char *dir, const struct imgdir_opts *o, struct ap_imgset *out, char ***names_out,
	struct ap_err *err);

void imgdir_names_free(char **names, size_t n);

/* A list of files to read into one set, by imgdir_load or manifest_load. */
struct imgdir_batch {
	const char *what;       /* subject of set-level errors: "images" or "manifest" */
	const char *src;        /* the folder or manifest, as given */
	char **paths;           /* n files to read */
	size_t n;
	const size_t *lines;    /* the manifest line of each, or NULL */
	uint8_t *kept;          /* out: kept[i] = path i is in the set */
};

/* Read b->paths[0..n) into *out (with o resolved: imgdir_opts_resolve), setting
 * b->kept; a file's error is prefixed with its manifest line when b->lines is set.
 * Returns 0 or -1. */
int imgdir_batch_load(struct imgdir_batch *b, const struct imgdir_opts *o, struct ap_imgset *out,
	struct ap_err *err);

/* *r = *o (or all zero) with zero fields filled with their defaults; a cell over
 * IMGDIR_CELL_MAX is an error "WHAT 'SRC': cell size ...". Returns 0 or -1. */
int imgdir_opts_resolve(const struct imgdir_opts *o, struct imgdir_opts *r, const char *what, const char *src,
	struct ap_err *err);

#endif
