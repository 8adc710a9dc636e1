/*
 * load: the file readers for images, labels and layouts (IDX, NPY, CSV; .gz through
 * zlib). Pure: no GL. Every reader checks what a header claims against the bytes
 * really there and against max_bytes before allocating, so no file makes it allocate
 * more than that; errors name the file (and line, for CSV).
 * Readers' errors start with their subject and the quoted path ("images 'a.idx': ...",
 * "labels '...'", "layout 'u.csv' line 17: ..."); those of load_file and npy_parse,
 * which do not know what the file is for, start with the quoted path alone, for the
 * caller to put a subject in front. On failure every output is zeroed / NULL.
 *
 * Prefixes: idx_ (IDX1/IDX3 ubyte, raw or gzip), npy_ (NumPy .npy v1-v3), lay_ (layouts).
 */
#ifndef AP_LOAD_H
#define AP_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/imgset.h"

/* Default cap on what one file may make a reader allocate. */
#define AP_LOAD_MAX_BYTES ((size_t)4 << 30)

/* Read a whole file, gunzipping it when it starts with the gzip magic (1f 8b; several
 * members are joined, trailing zero padding is ignored). max_bytes caps the
 * (decompressed) size; 0 means AP_LOAD_MAX_BYTES. *out has a NUL byte after its *len
 * bytes, so text parsers can stop on it. Free *out with free(). */
int load_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len, struct ap_err *err);

/* Why load_file failed, for a caller that words its own errors (a file format whose
 * messages were fixed before it read through load_file). */
enum load_fail {
	LOAD_FAIL_NONE = 0,
	LOAD_FAIL_OPEN,          /* open failed: sys_errno says why */
	LOAD_FAIL_READ,          /* fstat or read failed: sys_errno says why */
	LOAD_FAIL_DIR,           /* the path is a folder */
	LOAD_FAIL_SIZE,          /* over max_bytes (as stored, or decompressed) */
	LOAD_FAIL_MEMORY,
	LOAD_FAIL_DATA,          /* corrupt or truncated gzip */
};
struct load_why {
	enum load_fail fail;
	int sys_errno;
};
/* load_file, also saying why it failed in *why (LOAD_FAIL_NONE on success). */
int load_file_why(const char *path, size_t max_bytes, uint8_t **out, size_t *len, struct load_why *why,
	struct ap_err *err);

/* IDX3 unsigned-byte images (magic 0x00000803), raw or .gz -> gray imgset. The header
 * must match the file size exactly; 1 to 4096 pixels per side. Free with imgset_free. */
int idx_load_images(const char *path, size_t max_bytes, struct ap_imgset *out, struct ap_err *err);
/* IDX1 unsigned-byte labels (magic 0x00000801), raw or .gz. Free *labels with free(). */
int idx_load_labels(const char *path, size_t max_bytes, int32_t **labels, size_t *n, struct ap_err *err);
/* The same from a file already in memory (load_file's buffer, after any gunzip), so a
 * caller that looked at its first bytes need not read it again. buf must come from
 * malloc and is taken over either way: freed, or kept as the pixels. path only names
 * the file in errors; max_bytes caps the labels array. */
struct load_buf {
	uint8_t *p;              /* from malloc; taken over by the parser */
	size_t len;
	const char *path;        /* names the file in errors */
	size_t max_bytes;        /* caps what the parser allocates; 0 = AP_LOAD_MAX_BYTES */
};
int idx_parse_images(const struct load_buf *b, struct ap_imgset *out, struct ap_err *err);
/* idx_parse_images' checks alone, on len bytes of a whole file that stay the caller's:
 * out gets n, w, h, c (pix NULL; the pixels are the bytes from 16 on). */
int idx_images_geometry(const uint8_t *buf, size_t len, const char *path, struct ap_imgset *out,
	struct ap_err *err);
int idx_parse_labels(const struct load_buf *b, int32_t **labels, size_t *n, struct ap_err *err);

/* Images from any supported file: IDX3 (raw/.gz) or NPY uint8 N×H×W, N×H×W×3, N×H×W×4
 * (or ×1), told apart by content; the file is read once, so pipes work. */
int load_images(const char *path, size_t max_bytes, struct ap_imgset *out, struct ap_err *err);
/* Images of several files as one set, their pixels mapped from the files rather than
 * read and copied (MAP_PRIVATE, read-only: the page cache's pages, shared, nothing
 * allocated or copied): each path a regular, uncompressed IDX3 or NPY file that
 * load_images would take (the same checks, max_bytes the same cap), all of one size and
 * channel count. Several files make a set in parts (imgset's part: read it through
 * imgset_pixels). Free with load_unmap, not imgset_free. Returns false, with nothing
 * held, when any file is not like that (a pipe, gzip, a bad or mismatched file, no
 * memory): then read them with load_images, which says what is wrong. A file truncated
 * while mapped makes its pages unreadable (SIGBUS): hold the mapping only while the
 * atlas is built from it. */
#define LOAD_MAP_MAX 64
struct load_map {
	int n;
	void *addr[LOAD_MAP_MAX];
	size_t len[LOAD_MAP_MAX];
	struct imgset_part *part;    /* the set's parts, when n > 1 */
};
bool load_images_map(const char *const *paths, int n, size_t max_bytes, struct ap_imgset *out,
	struct load_map *map);
void load_unmap(struct load_map *map);

/* Labels from IDX1 (raw/.gz) or an NPY integer array of shape (N,) (any int/uint width;
 * each value must be 0 to INT32_MAX). The format is told by content, not by name. */
int load_labels(const char *path, size_t max_bytes, int32_t **labels, size_t *n, struct ap_err *err);

/* A parsed .npy: dtype descr (e.g. "<f4", "|u1"), shape, and a pointer into the buffer. */
struct npy {
	char descr[8];
	int ndim;
	size_t shape[4];
	size_t count;            /* product of shape */
	size_t itemsize;
	const uint8_t *data;     /* points into the buffer passed to npy_parse */
};
/* Parse an NPY buffer (v1.0, 2.0, 3.0). Rejects Fortran order, big-endian multi-byte
 * dtypes, dtypes other than plain numbers (b, i, u, f, c), ndim > 4, and shapes that
 * disagree with the buffer length (too few or too many bytes). path only names the
 * file in errors. The data are little-endian (or single bytes). */
int npy_parse(const uint8_t *buf, size_t len, const char *path, struct npy *out, struct ap_err *err);
/* For load_file's gunzip, from the first len bytes of an NPY: npy_header_size the
 * bytes up to the data (0 while fewer than 12 are there, or not NPY); npy_claimed_size
 * the whole size the header gives (0 while it cannot tell yet, SIZE_MAX when the bytes
 * are not an NPY header npy_parse would take). */
size_t npy_header_size(const uint8_t *buf, size_t len);
size_t npy_claimed_size(const uint8_t *buf, size_t len);
/* The header np.save writes (version 1.0) for a C-order array of descr and shape: the
 * dict padded with spaces and a newline so that the data start at a multiple of 64
 * bytes. Returns its length, or 0 when it needs more than cap bytes (128 plus 24 a
 * dimension always do). */
size_t npy_header(char *dst, size_t cap, const char *descr, const size_t *shape, int ndim);

struct ap_layout {
	size_t n;
	double *xy;              /* n*2: x0 y0 x1 y1 ... */
	int32_t *label;          /* n, or NULL when the file has no label column */
};
void lay_free(struct ap_layout *l);

/* Layout from CSV (header naming x and y, other columns allowed, "label" kept; or
 * headerless rows of 2 or 3 numbers, the third being a label) or NPY float32/float64
 * N×2; NPY is told by its magic, anything else is read as CSV. The first non-blank line
 * is a header when none of its fields is a number; names match case-insensitively.
 * Labels are whole numbers 0 to INT32_MAX. Rejects NaN/Inf, empty files, ragged rows.
 * Accepts CRLF, a UTF-8 BOM, blank lines, spaces around fields and "quoted" fields,
 * which may hold commas ("" is a quote; csv_split's dialect, as in manifests); errors
 * for an unterminated quote and for text after a closing quote. strtod reads the
 * numbers: keep the C locale. */
int lay_load(const char *path, size_t max_bytes, struct ap_layout *out, struct ap_err *err);

/* Write l atomically (io/afile) as NPY float64 N×2 (little-endian; labels are left
 * out) when path ends in ".npy" (any case), else as CSV: a header "x,y" (",label" when
 * l has labels), then one row a point, each number in the shortest form that strtod
 * reads back to the same double. lay_load reads either back exactly. */
int lay_write(const char *path, const struct ap_layout *l, struct ap_err *err);

/* The checks and conversions of the NPY readers for an array already in memory (a
 * struct npy that a caller fills for its own array: the public API's arrays), with the
 * same messages, path naming the array. images_check: uint8, N×H×W or N×H×W×C (C 1, 3,
 * 4), 1 to 4096 per side (the caller then borrows or copies a->data). labels_from_array:
 * any integer width, each 0 to INT32_MAX, into a malloc'd array. lay_from_array:
 * float32 or float64 N×2, finite, at most 1e15 in magnitude, into out->xy. */
int images_check(const struct npy *a, const char *path, struct ap_err *err);
int labels_from_array(const struct npy *a, const char *path, size_t max_bytes, int32_t **labels, size_t *n,
	struct ap_err *err);
int lay_from_array(const struct npy *a, const char *path, size_t max_bytes, struct ap_layout *out,
	struct ap_err *err);

#endif
