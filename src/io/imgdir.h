/*
 * imgdir: image collections of any size and aspect: a folder of PNG and JPEG files, or
 * a manifest CSV that lists image paths with their coordinates. Each file is decoded
 * (PNG through pngio/libpng: gray, palette, 16-bit, alpha; JPEG through libjpeg-turbo:
 * gray, YCbCr, CMYK) and downscaled once, as it is read, so that its longer side is
 * `cell` pixels, aspect kept; images already that small are not upscaled. The filter
 * is a box with exact area weights (an output pixel is the mean of the input area it
 * covers, partial pixels weighted by their fraction), in linear light (sRGB decoded
 * with a 256-entry table, encoded back by rounding in sRGB), alpha premultiplied; so
 * a constant colour stays exactly that colour and a black/white checker becomes 188.
 * Only one decoded file is held at a time (a JPEG not even that: it streams by rows).
 *
 * The result is an ap_imgset: slots of w×h = the largest scaled width and height,
 * images at the slot's top-left, their sizes in iw/ih (always set), the rest of a
 * slot zero; c = 4 if any scaled image has alpha below 255, else 1 if every pixel of
 * every image is gray (r == g == b), else 3.
 *
 * Not here: layouts without images (lay_), IDX/NPY arrays (load.h), atlas packing.
 *
 *   imgdir_load            folder -> imgset + file names (sorted by strcmp)
 *   imgdir_load_manifest   CSV path,x,y[,label] -> imgset + xy (+ labels), file order
 *   imgdir_names_free      free the names imgdir_load returned
 *
 * struct imgdir_opts, zero value = defaults:
 *   cell       0 -> 64     longest side of a scaled image, 1 .. IMGDIR_CELL_MAX (1024)
 *   on_bad     IMGDIR_FAIL a file that cannot be decoded is an error naming it; or
 *                          IMGDIR_SKIP: it is left out (with its manifest row) and
 *                          on_skip, if set, is told (one call per file)
 *   max_bytes  0 -> 4 GiB  cap on the working set (images × cell² × 4 bytes) and on
 *                          one file's decoded size (width × height × 4), both checked
 *                          before allocating (images = the files found); sides
 *                          over 32768 px are refused too, and PNGs over pngio's own
 *                          decoded-size limit (PNGIO_MAX_BYTES) by pngio
 *   on_skip    NULL        void (*)(void *user, const char *path, const char *msg):
 *                          msg is the error the file would have given under FAIL
 *   user       NULL        passed to on_skip
 *
 * Folder rules (dirlist_read's, shared with `atlasplot diff`): regular files (or links
 * to them) named *.png, *.jpg, *.jpeg (any case), not in subfolders, not hidden (a
 * leading '.', e.g. macOS "._x.jpg"). A file is decoded by its content (PNG signature or JPEG SOI), so a PNG named .jpg works.
 * A JPEG's EXIF orientation is not applied; a JPEG with corrupt or missing data (which
 * libjpeg would draw as grey) is an error, not a grey image.
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
 *   manifest 'm.csv': cannot open: no such file or directory
 *   manifest 'm.csv': empty file
 *   manifest 'm.csv': no rows
 *   manifest 'm.csv' line 1: header has no column named 'path'      (or 'x', 'y')
 *   manifest 'm.csv' line 1: header has two columns named 'x'
 *   manifest 'm.csv' line 4: expected a number in column 'x', got 'abc'
 *   manifest 'm.csv' line 4: x is not finite (nan)
 *   manifest 'm.csv' line 4: expected a whole number from 0 to 2147483647 in column 'label', got '1.5'
 *   manifest 'm.csv' line 4: expected 3 fields, got 2
 *   manifest 'm.csv' line 4: empty path
 *   manifest 'm.csv' line 4: unterminated quote          (or: text after a closing quote)
 *   manifest 'm.csv' line 4: NUL byte (not a text file)
 *   manifest 'm.csv' line 4: images 'imgs/a.png': <any image error above>
 */
#ifndef AP_IMGDIR_H
#define AP_IMGDIR_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/imgset.h"

#define IMGDIR_CELL_DEFAULT 64u
#define IMGDIR_CELL_MAX 1024u
#define IMGDIR_MAX_SIDE 32768u

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
};

/* Every PNG/JPEG file in dir (see the folder rules above), sorted by name (strcmp),
 * each scaled into *out. o may be NULL (all defaults). *names_out (may be NULL) gets
 * the n file names (without the folder), a malloc'd array of malloc'd strings: free
 * with imgdir_names_free(names, out->n). Free *out with imgset_free. Returns 0 or -1. */
int imgdir_load(const char *dir, const struct imgdir_opts *o, struct ap_imgset *out, char ***names_out,
	struct ap_err *err);

/* The images a CSV names, in row order, with their coordinates. The first non-blank
 * line is a header naming columns path, x and y, and maybe label (any order, any
 * case; other columns ignored). Paths are relative to the CSV's folder unless they
 * start with '/'. Fields may be "quoted" (then they may hold commas; "" is a quote).
 * Accepts CRLF, a UTF-8 BOM, blank lines, spaces around fields; gzip through
 * load_file. Numbers through strtod: keep the C locale. Labels are whole numbers 0 to
 * INT32_MAX. *xy gets n×2 doubles (x0 y0 x1 y1 ...), *labels (may be NULL) n labels
 * or NULL when there is no label column; a skipped image drops its row from both.
 * Free them with free(). Returns 0 or -1. */
int imgdir_load_manifest(const char *csv, const struct imgdir_opts *o, struct ap_imgset *out, double **xy,
	int32_t **labels, struct ap_err *err);

void imgdir_names_free(char **names, size_t n);

#endif
