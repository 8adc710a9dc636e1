/*
 * test_dsig: the images' signature on files in a scratch folder: what a record knows
 * without reading, what makes it read a file (a new identity, a file too new to vouch
 * for) and what makes it not know them (other bytes, options, sources), and the record's
 * bytes refused when they do not parse.
 */
#include "io/dsig.h"
#include "t.h"
#include "t_files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *put(const char *name, const char *text)
{
	const char *p = P(name);
	FILE *f = fopen(p, "wb");
	if (!f || fputs(text, f) < 0) {
		fprintf(stderr, "cannot write %s\n", p);
		exit(2);
	}
	fclose(f);
	return p;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* What a source of three files gave: 3 images of mixed sizes, the second left out. */
static const uint16_t IW[2] = { 5, 9 }, IH[2] = { 7, 3 };
static const uint8_t KEPT[3] = { 1, 0, 1 };

static const char *paths[3];
static char told[256];

static void skipped(void *user, size_t i, const char *msg)
{
	(void)user;
	size_t at = strlen(told);
	snprintf(told + at, sizeof told - at, "%zu:%s;", i, msg);
}

/* A record of the source (read with options opts), made by a run that began at t0. */
static uint8_t *record(int64_t t0, uint64_t opts, size_t *bytes, uint64_t *content)
{
	struct dsig *s = dsig_new_at(NULL, 0, t0);
	struct ap_imgset set = { 0 };
	uint8_t kept[3];
	CHECK(!dsig_matching(s));
	CHECK_EQ_INT(dsig_match(s, paths, 3, opts, &set, kept, skipped, NULL), 0);
	dsig_skip(s, 1, "images 'b.png': not a PNG file");
	struct ap_imgset got = { .n = 2, .w = 9, .h = 7, .c = 3, .iw = (uint16_t *)IW, .ih = (uint16_t *)IH };
	dsig_note(s, &got, KEPT);
	size_t stated, hashed;
	dsig_counts(s, &stated, &hashed);
	CHECK_EQ_INT(hashed, 3);         /* every file's bytes, before it is read */
	CHECK(dsig_complete(s) && !dsig_known(s) && dsig_unchanged(s));
	*bytes = dsig_bytes(s);
	uint8_t *rec = malloc(*bytes);
	dsig_save(s, rec);
	*content = dsig_content(s);
	dsig_free(s);
	return rec;
}

/* A run matching the record: 1 (and the shape checked) or 0; *hashed the files it read. */
static int match(const uint8_t *rec, size_t bytes, int64_t t0, uint64_t opts, size_t *hashed, uint64_t *content)
{
	struct dsig *s = dsig_new_at(rec, bytes, t0);
	struct ap_imgset set = { 0 };
	uint8_t kept[3] = { 9, 9, 9 };
	told[0] = 0;
	int rc = dsig_match(s, paths, 3, opts, &set, kept, skipped, NULL);
	size_t stated;
	dsig_counts(s, &stated, hashed);
	if (rc == 1) {
		CHECK(set.n == 2 && set.w == 9 && set.h == 7 && set.c == 3 && !set.pix);
		CHECK(set.iw && !memcmp(set.iw, IW, sizeof IW) && !memcmp(set.ih, IH, sizeof IH));
		CHECK(!memcmp(kept, KEPT, 3));
		CHECK_STR(told, "1:images 'b.png': not a PNG file;");
		CHECK(dsig_known(s) && dsig_complete(s));
		*content = dsig_content(s);
		imgset_free(&set);
	} else {
		CHECK(dsig_matching(s));     /* the caller starts again, reading everything */
		dsig_restart(s);
		CHECK(!dsig_matching(s) && !dsig_known(s));
	}
	dsig_free(s);
	return rc;
}

static void test_dsig(void)
{
	paths[0] = put("a.png", "first file");
	paths[1] = put("b.png", "second");
	paths[2] = put("c.jpg", "third file's bytes");
	int64_t later = now_ns() + (int64_t)3600 * 1000000000;   /* the files are an hour old */
	size_t bytes, hashed;
	uint64_t c0, c1 = 0;
	uint8_t *rec = record(later, 42, &bytes, &c0);

	/* known: nothing read, the same shape, skips told again, the same content */
	CHECK_EQ_INT(match(rec, bytes, later, 42, &hashed, &c1), 1);
	CHECK_EQ_INT(hashed, 0);
	CHECK(c1 == c0);
	/* other options, or the record's bytes damaged: not known */
	CHECK_EQ_INT(match(rec, bytes, later, 43, &hashed, &c1), 0);
	struct dsig *bad = dsig_new_at(rec, bytes - 8, later);
	CHECK(!dsig_matching(bad));      /* a record that does not parse: none */
	dsig_free(bad);

	/* every byte of the record flipped, every length cut: parsed safely (a record that
	 * does not make sense is none), matched safely when it does */
	int parsed = 0;
	for (size_t i = 0; i <= bytes; i++) {
		uint8_t *bad_rec = malloc(bytes);
		memcpy(bad_rec, rec, bytes);
		if (i < bytes)
			bad_rec[i] ^= 0x5a;
		struct dsig *d = dsig_new_at(bad_rec, i < bytes ? bytes : bytes / 2, later);
		if (dsig_matching(d)) {
			struct ap_imgset set = { 0 };
			uint8_t kept[3];
			parsed++;
			if (dsig_match(d, paths, 3, 42, &set, kept, NULL, NULL) == 1)
				imgset_free(&set);
		}
		dsig_free(d);
		free(bad_rec);
	}
	CHECK(parsed > 0);               /* some flips (a hash, a time) still parse */

	/* a touched file: another identity, the same bytes: read, hashed, still known */
	struct timespec t[2] = { { 1000000, 0 }, { 1000000, 0 } };
	CHECK_EQ_INT(utimensat(AT_FDCWD, paths[2], t, 0), 0);
	CHECK_EQ_INT(match(rec, bytes, later, 42, &hashed, &c1), 1);
	CHECK_EQ_INT(hashed, 1);
	CHECK(c1 == c0);

	/* files too new to vouch for (the run began within DSIG_RACY_NS of their ctime):
	 * every one read again, though its identity is the same */
	free(rec);
	rec = record(now_ns(), 42, &bytes, &c0);
	CHECK_EQ_INT(match(rec, bytes, later, 42, &hashed, &c1), 1);
	CHECK_EQ_INT(hashed, 3);

	/* other bytes of the same size, the mtime put back: the ctime moved, so read, and
	 * not known */
	free(rec);
	rec = record(later, 42, &bytes, &c0);
	struct stat st;
	CHECK_EQ_INT(stat(paths[0], &st), 0);
	put("a.png", "FIRST FILE");
	struct timespec back[2] = { st.st_atim, st.st_mtim };
	CHECK_EQ_INT(utimensat(AT_FDCWD, paths[0], back, 0), 0);
	CHECK_EQ_INT(match(rec, bytes, later, 42, &hashed, &c1), 0);
	CHECK_EQ_INT(hashed, 1);
	free(rec);

	/* a file changed after it was noted: the record is not to be kept */
	struct dsig *s = dsig_new_at(NULL, 0, later);
	struct ap_imgset set = { 0 };
	CHECK_EQ_INT(dsig_match(s, paths, 3, 42, &set, NULL, NULL, NULL), 0);
	struct ap_imgset got = { .n = 3, .w = 9, .h = 7, .c = 1 };
	dsig_note(s, &got, NULL);
	CHECK(dsig_unchanged(s));
	put("b.png", "second, longer");
	CHECK(!dsig_unchanged(s));
	/* a second source the record does not have: not known */
	size_t n = dsig_bytes(s);
	rec = malloc(n);
	dsig_save(s, rec);
	dsig_free(s);
	s = dsig_new_at(rec, n, later);
	set = (struct ap_imgset){ 0 };
	CHECK_EQ_INT(dsig_match(s, paths, 2, 42, &set, NULL, NULL, NULL), 0);
	dsig_free(s);
	free(rec);
}

static void rm_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_dsig.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	memset(&err, 0, sizeof err);     /* t_files' record: the signature words no errors */
	test_dsig();
	rm_dir();
	return t_done();
}
