/*
 * Helpers for tests of readers: a scratch folder `dir` (the test makes it), one error
 * record `err`, exact-error and success checks, and paths inside the folder.
 */
#ifndef AP_T_FILES_H
#define AP_T_FILES_H

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "t.h"

static char dir[64];
static struct ap_err err;

/* A call that must fail with exactly this message (printf-style, usually with the path). */
#define CHECK_ERR(call, ...) do { \
	char e_[1024]; \
	memset(&err, 0, sizeof err); \
	int rc_ = (call); \
	snprintf(e_, sizeof e_, __VA_ARGS__); \
	CHECK(rc_ < 0); \
	CHECK_STR(err.msg, e_); \
} while (0)

#define CHECK_OK(call) do { \
	memset(&err, 0, sizeof err); \
	int rc_ = (call); \
	if (rc_ != 0) fprintf(stderr, "  error: %s\n", err.msg); \
	CHECK_EQ_INT(rc_, 0); \
} while (0)

/* dir/name, in one of a few rotating buffers. */
static const char *P(const char *name)
{
	static char ring[16][256];
	static int at;
	char *p = ring[at++ % 16];

	snprintf(p, sizeof ring[0], "%s/%s", dir, name);
	return p;
}

#endif
