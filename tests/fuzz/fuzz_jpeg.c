/* Image files as a folder or manifest reads them: imgdec_probe (the size from the
 * header), then imgdec_file (JPEG through libjpeg, PNG through pngio's row reader, told
 * by content) into one small cell. */
#include "fuzz_common.h"
#include "io/imgdec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct imgscale_srgb t;
	static uint8_t cell[16 * 16 * 4];
	static int ready;
	const char *p = fuzz_path(data, size);
	struct ap_err err;

	if (!p)
		return 0;
	if (!ready) {
		imgscale_srgb_init(&t);
		ready = 1;
	}
	uint32_t w, h;
	imgdec_probe(p, FUZZ_MAX_BYTES, &w, &h, &err);
	struct imgdec_slot d = { .t = &t, .cell = 16, .max = FUZZ_MAX_BYTES, .dst = cell };
	if (imgdec_file(p, &d, &err) == 0 && (d.ow > 16 || d.oh > 16 || !d.ow || !d.oh))
		abort();
	return 0;
}
