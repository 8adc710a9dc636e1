/*
 * imgdiff: compare two RGBA8 images of the same size (an expected golden frame and an
 * actual one), count and locate the differences, paint a diff image and decide pass or
 * fail. Pure: no libpng, no GL, no allocation; reading the files is pngio's job and
 * reporting is the diff command's.
 *
 * Each pixel is one of: equal; "within" (differs, but no channel by more than the
 * tolerance); "over" (some channel differs by more); or, in aa mode, "aa": over the
 * tolerance but judged anti-aliasing by pixelmatch's test (the pixel sits on an edge
 * in both images: it has both darker and brighter neighbours, and the darkest or the
 * brightest of those is in a flat area in both images). aa pixels are counted apart
 * and do not fail the image. Channels, alpha included, are compared as stored.
 *
 *   imgdiff_compare            fill a result (and optionally a diff image)
 *   imgdiff_begin, _row, _end  the same row by row, for images not held whole
 *   imgdiff_window             a row's band from a ring of IMGDIFF_BAND rows
 *   imgdiff_passed             the pass/fail decision from the options' limits
 *   imgdiff_allowed_pixels     how many "over" pixels the limits allow
 *   imgdiff_side_by_side       expected | actual | diff in one 3w×h image
 *   imgdiff_parse_max_pixels   "N" or "P%" -> the max_pixels fields
 *
 * struct imgdiff_opts, zero value = defaults (the diff command sets its own, see --help):
 *   tolerance        0      per-channel difference that still counts as equal (0..255)
 *   aa               false  treat anti-aliasing differences as "aa", not "over"
 *   max_pixels       0      "over" pixels allowed: a count, or a percentage of the
 *   max_pixels_pct   false  pixels compared when max_pixels_pct
 *   max_rms          0      largest RMS allowed (0..255 scale); 0 = no limit
 *
 * Diff image colours (RGBA, opaque): over 255,0,0 (red); within 255,255,0 (yellow);
 * aa 0,0,255 (blue); everything else the actual frame's luminance faded 70% toward
 * white, so the markers stand out on dark and light frames alike while the picture
 * stays recognisable.
 */
#ifndef AP_IMGDIFF_H
#define AP_IMGDIFF_H

#include <stdbool.h>
#include <stdint.h>

struct imgdiff_opts {
	int tolerance;
	bool aa;
	double max_pixels;
	bool max_pixels_pct;
	double max_rms;
};

struct imgdiff_result {
	uint64_t compared;      /* pixels */
	uint64_t over;          /* beyond the tolerance (aa pixels not included) */
	uint64_t within;        /* differing, every channel within the tolerance */
	uint64_t aa;            /* beyond the tolerance but anti-aliasing (aa mode only) */
	int max_diff;           /* largest channel difference anywhere, 0..255 */
	double rms;             /* over all channels of all pixels, 0..255 */
	double psnr;            /* dB; INFINITY when identical */
	/* The first "over" pixel in row order or, if none, the first differing pixel. */
	bool has_first;
	uint32_t first_x, first_y;
	uint8_t first_expected[4], first_actual[4];
};

/* The two images compared: RGBA8, rows top first, of one size. */
struct imgdiff_pair {
	const uint8_t *expected;   /* w*h*4 bytes: the golden frame */
	const uint8_t *actual;     /* w*h*4 bytes: the frame checked against it */
	uint32_t w, h;             /* pixels */
};

/* Compare p's images under o (NULL: defaults) into res. diff, if not NULL, receives
 * the w*h*4 diff image described above. */
void imgdiff_compare(const struct imgdiff_pair *p, const struct imgdiff_opts *o, struct imgdiff_result *res,
		     uint8_t *diff);

/*
 * Row by row: imgdiff_begin, imgdiff_row for y = 0 .. h-1 in order, imgdiff_end; the
 * result (and the diff rows) are imgdiff_compare's, byte for byte. Row y is judged from
 * a band of rows y-2 .. y+2 of each image (the aa test looks at the neighbours of a
 * neighbour); without aa only row y itself is read. A reader keeps the last
 * IMGDIFF_BAND rows of each image in a ring (row y in slot y % IMGDIFF_BAND), reads
 * two rows ahead, and imgdiff_window picks the band out of it.
 */
#define IMGDIFF_BAND 5
struct imgdiff_rows {
	const uint8_t *expected[IMGDIFF_BAND];   /* rows y-2 .. y+2 (w*4 bytes), NULL outside */
	const uint8_t *actual[IMGDIFF_BAND];
};
struct imgdiff_acc {
	const struct imgdiff_opts *o;
	uint32_t w, h, y;          /* y: the next row */
	uint64_t sq;
	bool first_over;
	struct imgdiff_result res;
};
/* o (NULL: defaults) must outlive the accumulator. */
void imgdiff_begin(struct imgdiff_acc *a, uint32_t w, uint32_t h, const struct imgdiff_opts *o);
/* Row a->y; diff, if not NULL, receives its w*4 bytes of diff image. */
void imgdiff_row(struct imgdiff_acc *a, const struct imgdiff_rows *r, uint8_t *diff);
void imgdiff_end(const struct imgdiff_acc *a, struct imgdiff_result *res);
/* rows[k] = ring's row y-2+k, or NULL outside 0 .. h-1. */
void imgdiff_window(uint32_t y, uint32_t h, const uint8_t *const ring[IMGDIFF_BAND],
		    const uint8_t *rows[IMGDIFF_BAND]);

uint64_t imgdiff_allowed_pixels(const struct imgdiff_opts *o, uint64_t compared);

/* True if the "over" count and the RMS are within the limits of o. */
bool imgdiff_passed(const struct imgdiff_opts *o, const struct imgdiff_result *res);

/* out (3w*h*4 bytes) = expected | actual | diff, side by side. */
void imgdiff_side_by_side(const uint8_t *expected, const uint8_t *actual, const uint8_t *diff,
			  uint32_t w, uint32_t h, uint8_t *out);

/* Parse "N" (a pixel count) or "P%" (0..100, decimals allowed) into o->max_pixels and
 * o->max_pixels_pct. Returns 0, or -1 (o unchanged) when s is neither. */
int imgdiff_parse_max_pixels(const char *s, struct imgdiff_opts *o);

#endif
