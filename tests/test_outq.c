/*
 * outq: frames written on worker threads land as files with their pixels; when
 * several fail, the error reported is the earliest frame's, whichever thread
 * finished first (a later frame that fails fast must not mask an earlier one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/outq.h"
#include "io/pngio.h"
#include "t.h"

static char dir[64];

static void fill(uint8_t *px, uint32_t w, uint32_t h, uint32_t seed)
{
	/* noise, so the encoder has real work and the big frame is slow */
	uint32_t s = seed * 2654435761u + 1;
	for (size_t i = 0; i < (size_t)w * h * 4; i++) {
		s = s * 1664525u + 1013904223u;
		px[i] = (i & 3) == 3 ? 255 : (uint8_t)(s >> 24);
	}
}

static void test_writes(void)
{
	struct ap_err err;
	struct outq *q = outq_new(2, 3, 16 * 8 * 4, &err);
	CHECK(q != NULL);
	if (!q)
		return;
	char path[128];
	for (int k = 0; k < 5; k++) {
		uint8_t *b = outq_buffer(q);
		CHECK(b != NULL);
		fill(b, 16, 8, (uint32_t)k);
		snprintf(path, sizeof path, "%s/w_%d.png", dir, k);
		CHECK_EQ_INT(outq_submit(q, b, path, 16, 8, NULL), 0);
	}
	CHECK_EQ_INT(outq_close(q, &err), 0);
	uint8_t want[16 * 8 * 4];
	for (int k = 0; k < 5; k++) {
		snprintf(path, sizeof path, "%s/w_%d.png", dir, k);
		uint8_t *got;
		uint32_t w, h;
		int ch;
		fill(want, 16, 8, (uint32_t)k);
		if (pngio_read(path, &got, &w, &h, &ch, &err)) {
			CHECK(!"frame readable");
			fprintf(stderr, "  %s\n", err.msg);
			continue;
		}
		CHECK_EQ_INT(w, 16);
		CHECK_EQ_INT(h, 8);
		CHECK(memcmp(got, want, sizeof want) == 0);
		free(got);
		unlink(path);
	}
}

/* Frame 0 is big and fails only at its rename (its target is a non-empty folder);
 * frame 1 is tiny and fails at once (its folder does not exist). */
static void test_earliest_error(void)
{
	enum { BW = 1200, BH = 1200 };
	char busy[96], inside[128], want[160], late[128];
	snprintf(busy, sizeof busy, "%s/busy", dir);
	snprintf(inside, sizeof inside, "%s/keep", busy);
	snprintf(late, sizeof late, "%s/nodir/late.png", dir);
	snprintf(want, sizeof want, "output '%s': ", busy);
	CHECK_EQ_INT(mkdir(busy, 0700), 0);
	FILE *f = fopen(inside, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	for (int round = 0; round < 3; round++) {
		struct ap_err err;
		struct outq *q = outq_new(2, 3, (size_t)BW * BH * 4, &err);
		CHECK(q != NULL);
		if (!q)
			break;
		uint8_t *b = outq_buffer(q);
		fill(b, BW, BH, 7);
		CHECK_EQ_INT(outq_submit(q, b, busy, BW, BH, NULL), 0);
		b = outq_buffer(q);
		fill(b, 4, 4, 8);
		outq_submit(q, b, late, 4, 4, NULL);
		memset(&err, 0, sizeof err);
		CHECK_EQ_INT(outq_close(q, &err), -1);
		CHECK(strncmp(err.msg, want, strlen(want)) == 0);
		if (strncmp(err.msg, want, strlen(want)))
			fprintf(stderr, "  got '%s'\n", err.msg);
	}
	unlink(inside);
	rmdir(busy);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/ap_outq_XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_writes();
	test_earliest_error();
	rmdir(dir);
	return t_done();
}
