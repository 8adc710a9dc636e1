/*
 * example.c: a frame of 400 synthetic images from arrays in memory, written as a PNG.
 *   cc example.c $(pkg-config --cflags --libs atlasplot) -o example && ./example out.png
 */
#include <atlasplot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 400
#define S 16

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "example.png";
	static uint8_t pix[N][S][S];
	static double xy[N][2];
	static int32_t labels[N];
	for (int i = 0; i < N; i++) {
		/* a ring of blobs, each image a disc whose size grows with its index */
		double a = 6.283185307179586 * i / N, r = 1 + 0.3 * sin(5 * a);
		xy[i][0] = r * cos(a);
		xy[i][1] = r * sin(a);
		labels[i] = i * 10 / N;
		for (int y = 0; y < S; y++)
			for (int x = 0; x < S; x++)
				pix[i][y][x] = (x - S / 2) * (x - S / 2) + (y - S / 2) * (y - S / 2) < 9 + i % 40 ? 255 : 0;
	}
	ap_error err;
	ap_dataset_desc dd = {
		.images = { pix, "|u1", 3, { N, S, S }, "pix" },
		.positions = { xy, "<f8", 2, { N, 2 }, "xy" },
		.labels = { labels, "<i4", 1, { N }, "labels" },
	};
	ap_dataset *ds = ap_dataset_make(&dd, &err);
	if (!ds) {
		fprintf(stderr, "example: %s\n", err.msg);
		return 1;
	}
	ap_scene_desc sd = { .width = 640, .height = 480, .backend = AP_BACKEND_CPU, .color_by_label = true };
	ap_scene *sc = ap_scene_make(ds, &sd, &err);  /* takes ds over */
	if (!sc) {
		fprintf(stderr, "example: %s\n", err.msg);
		return 1;
	}
	int w, h;
	ap_scene_size(sc, &w, &h);
	size_t bytes = (size_t)w * h * 4;
	uint8_t *rgba = malloc(bytes);
	int rc = !rgba || ap_scene_draw(sc, NULL, rgba, bytes, &err) || ap_png_write(out, rgba, w, h, 0, &err);
	if (rc)
		fprintf(stderr, "example: %s\n", rgba ? err.msg : "out of memory");
	free(rgba);
	ap_scene_free(sc);
	return rc;
}
