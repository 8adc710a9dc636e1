/* Manifests through manifest_load: the CSV is the input, in a scratch folder that holds
 * one small PNG (a.png) for its rows to name; an odd-sized input reads with
 * --on-bad-image skip. Inputs with a '/' are passed over: a row naming /dev/stdin
 * (or a FIFO) would wait for input, which is no finding. */
#include "fuzz_common.h"
#include "io/manifest.h"
#include "io/pngio.h"

#include <string.h>

static char dir[] = "/tmp/fuzz_manifest.XXXXXX", csv[64], png[64];

/* The scratch folder goes at exit (a replay in make test leaves nothing behind). */
static void cleanup(void)
{
	unlink(csv);
	unlink(png);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct ap_imgset set;
	struct ap_err err;
	double *xy;
	int32_t *labels;

	if (!ready) {
		static const uint8_t px[4 * 3 * 4] = { 255, 0, 0, 255, 0, 255, 0, 128 };
		if (!mkdtemp(dir))
			return 0;
		atexit(cleanup);
		snprintf(png, sizeof png, "%s/a.png", dir);
		snprintf(csv, sizeof csv, "%s/m.csv", dir);
		if (pngio_write(png, px, 4, 3, NULL, &err))
			return 0;
		ready = 1;
	}
	(void)fuzz_path;
	if (memchr(data, '/', size))
		return 0;
	FILE *f = fopen(csv, "wb");
	if (!f)
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	struct imgdir_opts o = { .cell = 8, .max_bytes = FUZZ_MAX_BYTES,
				 .on_bad = size % 2 ? IMGDIR_SKIP : IMGDIR_FAIL };
	if (manifest_load(csv, &o, &set, &xy, &labels, &err) == 0) {
		imgset_free(&set);
		free(xy);
		free(labels);
	}
	return 0;
}
