/*
 * example.c: 400 synthetic images from arrays in memory: a titled still with a legend
 * as PNG and PDF, and the middle frame of a move to a second layout.
 *   cc example.c $(pkg-config --cflags --libs atlasplot) -lm -o example
 *   ./example out   (writes out.png, out.pdf and out_t50.png)
 */
#include <atlasplot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 400
#define S 16

static int fail(const char *msg)
{
	fprintf(stderr, "example: %s\n", msg);
	return 1;
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "example";
	static uint8_t pix[N][S][S];
	static double ring[N][2], line[N][2];
	static int32_t labels[N];
	for (int i = 0; i < N; i++) {
		/* a ring of blobs, each image a disc whose size grows with its index */
		double a = 6.283185307179586 * i / N, r = 1 + 0.3 * sin(5 * a);
		ring[i][0] = r * cos(a);
		ring[i][1] = r * sin(a);
		line[i][0] = i % 40;          /* the second layout: a 40 x 10 grid */
		line[i][1] = -(i / 40);
		labels[i] = i * 10 / N;
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++)
				pix[i][y][x] = (x - S / 2) * (x - S / 2) + (y - S / 2) * (y - S / 2) < 9 + i % 40 ? 255 : 0;
	}
	ap_error err;
	ap_dataset_desc dd = {
		.images = { pix, "|u1", 3, { N, S, S }, "pix" },
		.positions = { ring, "<f8", 2, { N, 2 }, "ring" },
		.labels = { labels, "<i4", 1, { N }, "labels" },
	};
	ap_dataset *ds = ap_dataset_make(&dd, &err);
	if (!ds)
		return fail(err.msg);
	ap_scene_desc sd = {
		.width = 640, .height = 480, .backend = AP_BACKEND_CPU, .color_by_label = true,
		.title = "Blobs on a ring", .legend = AP_LEGEND_AUTO, .label_names = "a,b,c,d,e,f,g,h,i,j",
	};
	ap_scene *sc = ap_scene_make(ds, &sd, &err);  /* takes ds over */
	if (!sc)
		return fail(err.msg);
	char path[4096];
	int rc = 0;
	/* the still, fitted (a NULL camera): the texts are vectors in the PDF */
	snprintf(path, sizeof path, "%s.png", out);
	rc = rc || ap_scene_write(sc, NULL, path, NULL, &err);
	snprintf(path, sizeof path, "%s.pdf", out);
	rc = rc || ap_scene_write(sc, NULL, path, NULL, &err);
	/* half-way to the grid, departures staggered by label, into a buffer of our own */
	ap_transition_desc td = {
		.to = { line, "<f8", 2, { N, 2 }, "grid" },
		.stagger = 0.5,
		.stagger_by = AP_ORDER_LABEL,
	};
	rc = rc || ap_scene_set_transition(sc, &td, &err);
	int w, h;
	ap_scene_size(sc, &w, &h);
	size_t bytes = (size_t)w * h * 4;
	uint8_t *rgba = rc ? NULL : malloc(bytes);
	snprintf(path, sizeof path, "%s_t50.png", out);
	if (!rc && !rgba) {
		ap_scene_free(sc);
		return fail("out of memory");
	}
	rc = rc || ap_scene_draw_transition(sc, 0.5, NULL, rgba, bytes, &err) ||
	     ap_png_write(path, rgba, w, h, 0, &err);
	free(rgba);
	ap_scene_free(sc);
	return rc ? fail(err.msg) : 0;
}
