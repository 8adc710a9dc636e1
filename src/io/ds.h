/*
 * ds: a data set as the commands see it: images, optional labels and a layout,
 * loaded from the files named on the command line and checked against each other
 * (counts agree, labels non-negative). Pure: no GL. An --images path that is a folder
 * is read as a collection of PNG/JPEG files; a manifest gives images, layout and labels.
 */
#ifndef AP_DS_H
#define AP_DS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "io/dsig.h"
#include "io/imgdir.h"
#include "core/imgset.h"
#include "io/load.h"

#define DS_MAX_FILES 64

struct ds_paths {
	const char *images[DS_MAX_FILES];
	int nimages;
	const char *labels[DS_MAX_FILES];
	int nlabels;
	const char *layout;          /* may be NULL for commands that need no layout */
	const char *manifest;        /* CSV path,x,y[,label]: images and layout in one */
	size_t max_bytes;            /* per file; 0 = AP_LOAD_MAX_BYTES */
	struct imgdir_opts dir;      /* folders and manifests: cell size, bad files */
	struct dsig *sig;            /* NULL, or the images' signature (io/dsig.h): sources it
	                              * knows are not read (ds's lazy), the others are noted */
};

struct ds {
	struct ap_imgset imgs;
	int32_t *labels;             /* imgs.n values, or NULL */
	int64_t nclasses;            /* largest label + 1 (2^31 for a label of INT32_MAX) */
	struct ap_layout lay;
	bool borrowed;               /* imgs.pix is the caller's (ds_from_arrays): not freed */
	struct load_map map;         /* imgs.pix mapped from the files (load_images_map), or none */
	bool lazy;                   /* the shape from ds_paths' sig, no pixel read: ds_load_pixels */
};

/* A data set from arrays in memory (the public API's), checked as ds_load checks files
 * and with its messages, each array named by its name ("images 'xy': ..."). The images
 * are borrowed, not copied: they must stay until the session is open (draw_open copies
 * them into the atlas); labels and layout are converted into arrays of their own.
 * has_layout, has_labels false: none. */
struct ds_arrays {
	struct npy images, layout, labels;
	bool has_layout, has_labels;
	const char *images_name, *layout_name, *labels_name;
	size_t max_bytes;            /* 0 = AP_LOAD_MAX_BYTES */
};
int ds_from_arrays(const struct ds_arrays *a, struct ds *out, struct ap_err *err);

/* Add a path to a list, refusing more than DS_MAX_FILES. */
int ds_add_path(const char **list, int *n, const char *path, const char *what, struct ap_err *err);

int ds_load(const struct ds_paths *p, struct ds *out, struct ap_err *err);
/* The pixels of a lazy data set (ds_load that p->sig knew): read now, as ds_load would
 * have read them; an error when they are not the shape the signature gave. 0 at once
 * when d has its pixels. */
int ds_load_pixels(struct ds *d, const struct ds_paths *p, struct ap_err *err);
/* Load only the layout at path and check it has n rows (for a second layout). */
int ds_load_layout(const char *path, size_t n, size_t max_bytes, struct ap_layout *out, struct ap_err *err);
/* Let the pixels go (the atlas holds them now): freed, unmapped, or forgotten when
 * borrowed; imgs.pix NULL after, the sizes kept. */
void ds_drop_pixels(struct ds *d);
void ds_free(struct ds *d);

#endif
