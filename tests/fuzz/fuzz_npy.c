/* NPY: the header parser and the three uses (images, labels, layouts). */
#include "fuzz_common.h"
#include "io/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npy a;
	struct ap_err err;
	npy_parse(data, size, "fuzz", &a, &err);
	const char *p = fuzz_path(data, size);
	if (!p)
		return 0;
	struct ap_imgset s;
	if (load_images(p, FUZZ_MAX_BYTES, &s, &err) == 0)
		imgset_free(&s);
	int32_t *l;
	size_t n;
	if (load_labels(p, FUZZ_MAX_BYTES, &l, &n, &err) == 0)
		free(l);
	struct ap_layout lay;
	if (lay_load(p, FUZZ_MAX_BYTES, &lay, &err) == 0)
		lay_free(&lay);
	return 0;
}
