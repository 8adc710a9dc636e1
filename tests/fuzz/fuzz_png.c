/* PNG reading (what diff and --resume read) through pngio_read and pngio_is_valid_size. */
#include "fuzz_common.h"
#include "io/pngio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = fuzz_path(data, size);
	if (!p)
		return 0;
	uint8_t *rgba;
	uint32_t w, h;
	int ch;
	struct ap_err err;
	if (pngio_read(p, &rgba, &w, &h, &ch, &err) == 0) {
		pngio_is_valid_size(p, w, h);
		free(rgba);
	}
	return 0;
}
