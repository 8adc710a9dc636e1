/*
 * Replays every kept fuzz input (tests/fuzz/regress/NAME/ and the seeds) through its
 * harness without libFuzzer, under the normal build: `make test` runs it, so a crash
 * once found stays fixed. Usage: replay NAME FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			continue;
		uint8_t *buf = malloc(1 << 22);
		size_t len = buf ? fread(buf, 1, 1 << 22, f) : 0;
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("%d passed, 0 failed\n", n);
	return 0;
}
