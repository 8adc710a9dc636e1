/* CSV layouts through lay_load. */
#include "fuzz_common.h"
#include "io/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_path(data, size);
	if (!p)
		return 0;
	struct ap_layout lay;
	struct ap_err err;
	if (lay_load(p, FUZZ_MAX_BYTES, &lay, &err) == 0)
		lay_free(&lay);
	return 0;
}
