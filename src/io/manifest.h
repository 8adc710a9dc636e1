/*
 * manifest: a CSV that lists image paths with their coordinates -> imgset + xy (+
 * labels), in file order. The first non-blank line is a header naming columns path, x
 * and y, and maybe label (any order, any case; other columns ignored). Paths are
 * relative to the CSV's folder unless they start with '/'. Fields are cut by csv_split
 * ("quoted" fields may hold commas; "" is a quote); lines by txt (CRLF, a UTF-8 BOM,
 * blank lines); spaces around fields are trimmed; gzip through load_file. Numbers
 * through strtod: keep the C locale. Labels are whole numbers 0 to INT32_MAX. The
 * images are read by imgdir_batch_load, with imgdir's options, rules and errors.
 *
 * Not here: decoding and scaling (imgdec, imgscale), folders (imgdir), layouts
 * without images (lay_).
 *
 * Errors (one line; on failure every output is zeroed / NULL):
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
 *   manifest 'm.csv' line 4: images 'imgs/a.png': <any image error in imgdir.h>
 *   manifest 'm.csv': <set-level errors as imgdir's, e.g. cell size 2000 is too large (at most 1024)>
 */
#ifndef AP_MANIFEST_H
#define AP_MANIFEST_H

#include <stdint.h>

#include "base/err.h"
#include "core/imgset.h"
#include "io/imgdir.h"

/* The images csv names, in row order, with their coordinates. o may be NULL (all
 * defaults). *xy gets n×2 doubles (x0 y0 x1 y1 ...), *labels (may be NULL) n labels
 * or NULL when there is no label column; a skipped image drops its row from both.
 * Free them with free(), *out with imgset_free. Returns 0 or -1. */
int manifest_load(const char *csv, const struct imgdir_opts *o, struct ap_imgset *out, double **xy,
	int32_t **labels, struct ap_err *err);

#endif
