/* IDX images and labels (raw or gzip), through load_images / load_labels. */
#include "fuzz_common.h"
#include "io/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_path(data, size);
	if (!p)
		return 0;
	struct ap_imgset s;
	struct ap_err err;
	if (idx_load_images(p, FUZZ_MAX_BYTES, &s, &err) == 0)
		imgset_free(&s);
	int32_t *l;
	size_t n;
	if (idx_load_labels(p, FUZZ_MAX_BYTES, &l, &n, &err) == 0)
		free(l);
	return 0;
}
