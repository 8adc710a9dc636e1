/*
 * dsig: the record of a data set's image files (dsig.h) and the matching of a run's
 * files against it. The record, as kept (little-endian, every part padded to 8 bytes):
 *   u64 format, u64 batches; then per batch:
 *   u64 opts, files, n; u32 w, h, c, flags (SIZES: iw/ih follow, KEPT: kept follows);
 *   u64 skip bytes; files × { dev, ino, size, mtime_ns, ctime_ns, hash, trusted };
 *   [n × u16 iw, n × u16 ih]; [files × u8 kept]; the skipped files' messages, each
 *   ending in a NUL, in file order.
 */
#include "io/dsig.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/hash.h"

/* Bumped when the record's layout or a hash's input changes. */
#define DSIG_FORMAT 0x3130474953440a01ull
enum { SIZES = 1, KEPT = 2 };
/* files read whole into a buffer below this; mapped above it */
#define READ_MAX ((size_t)4 << 20)

struct file {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint64_t hash, trusted;
};

struct batch {
	uint64_t opts;
	size_t files, n;
	uint32_t w, h, c;
	struct file *f;
	uint16_t *iw, *ih;           /* n, or NULL */
	uint8_t *kept;               /* files, or NULL: all */
	char *skip;                  /* the messages, NUL after each */
	size_t skip_bytes;
	char *paths;                 /* this run's: the files' paths, NUL after each */
	bool noted;                  /* the set is known (matched, or dsig_note'd) */
};

struct dsig {
	int64_t t0_ns;
	struct batch *rec;           /* the record's, pointing into rec_bytes */
	size_t nrec;
	uint8_t *rec_bytes;
	struct batch *b;             /* this run's, owned */
	size_t nb;
	bool all_known, failed;
	size_t stated, hashed;       /* files, for dsig_counts */
	uint8_t *buf;                /* for hashing small files */
	size_t buf_cap;
};

static size_t up8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/* ---- parsing the record ---- */

struct rd {
	const uint8_t *p, *end;
};

static bool take(struct rd *r, void *dst, size_t bytes)
{
	if ((size_t)(r->end - r->p) < bytes)
		return false;
	memcpy(dst, r->p, bytes);
	r->p += bytes;
	return true;
}

/* A part of bytes, padded to 8, as a pointer into the record. */
static const uint8_t *part(struct rd *r, size_t bytes)
{
	const uint8_t *at = r->p;
	if (bytes > SIZE_MAX - 8 || (size_t)(r->end - r->p) < up8(bytes))
		return NULL;
	r->p += up8(bytes);
	return at;
}

static bool parse_batch(struct rd *r, struct batch *b)
{
	uint64_t v[3], skip;
	uint32_t u[4];
	memset(b, 0, sizeof *b);
	if (!take(r, v, sizeof v) || !take(r, u, sizeof u) || !take(r, &skip, sizeof skip))
		return false;
	b->opts = v[0];
	b->files = v[1];
	b->n = v[2];
	b->w = u[0];
	b->h = u[1];
	b->c = u[2];
	/* what no reader makes: a set the checksum passed but nothing would have written */
	if (b->files > (size_t)(r->end - r->p) / sizeof(struct file) || b->n == 0 || b->n > UINT32_MAX ||
	    !b->w || !b->h || b->w > 32768 || b->h > 32768 || (b->c != 1 && b->c != 3 && b->c != 4) ||
	    (u[3] & ~(uint32_t)(SIZES | KEPT)) || skip > (size_t)(r->end - r->p))
		return false;
	/* the record is hashed in its entry, and copied to 8-byte alignment: these are safe */
	if (!(b->f = (struct file *)(uintptr_t)part(r, b->files * sizeof(struct file))))
		return false;
	if (u[3] & SIZES) {
		if (!(b->iw = (uint16_t *)(uintptr_t)part(r, b->n * 2)) || !(b->ih = (uint16_t *)(uintptr_t)part(r, b->n * 2)))
			return false;
	}
	if (u[3] & KEPT) {
		if (!(b->kept = (uint8_t *)(uintptr_t)part(r, b->files)))
			return false;
	}
	/* an image a file kept (a collection's), and a message a file left out */
	size_t k = 0, nul = 0;
	for (size_t i = 0; b->kept && i < b->files; i++)
		k += b->kept[i] != 0;
	if (b->kept && k != b->n)
		return false;
	b->skip_bytes = (size_t)skip;
	if (!(b->skip = (char *)(uintptr_t)part(r, b->skip_bytes)))
		return false;
	for (size_t i = 0; i < b->skip_bytes; i++)
		nul += b->skip[i] == 0;
	if (nul != (b->kept ? b->files - k : 0) || (b->skip_bytes && b->skip[b->skip_bytes - 1]))
		return false;
	b->noted = true;
	return true;
}

static void parse(struct dsig *s, const void *rec, size_t bytes)
{
	uint64_t h[2];
	if (!rec || bytes < sizeof h || bytes % 8 || !(s->rec_bytes = malloc(bytes)))
		return;
	memcpy(s->rec_bytes, rec, bytes);
	struct rd r = { s->rec_bytes, s->rec_bytes + bytes };
	if (!take(&r, h, sizeof h) || h[0] != DSIG_FORMAT || h[1] > bytes / 48 ||
	    !(s->rec = calloc(h[1] ? h[1] : 1, sizeof *s->rec)))
		return;
	for (size_t i = 0; i < h[1]; i++)
		if (!parse_batch(&r, &s->rec[i]))
			return;
	if (r.p != r.end)
		return;
	s->nrec = h[1];
}

struct dsig *dsig_new(const void *rec, size_t bytes)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return dsig_new_at(rec, bytes, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

struct dsig *dsig_new_at(const void *rec, size_t bytes, int64_t t0_ns)
{
	struct dsig *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->t0_ns = t0_ns;
	s->all_known = true;
	parse(s, rec, bytes);
	return s;
}

static void batch_free(struct batch *b)
{
	free(b->f);
	free(b->iw);
	free(b->ih);
	free(b->kept);
	free(b->skip);
	free(b->paths);
}

void dsig_free(struct dsig *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nb; i++)
		batch_free(&s->b[i]);
	free(s->b);
	free(s->rec);
	free(s->rec_bytes);
	free(s->buf);
	free(s);
}

/* ---- files ---- */

static int64_t ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void identity(const struct stat *st, int64_t t0, struct file *f)
{
	f->dev = (uint64_t)st->st_dev;
	f->ino = (uint64_t)st->st_ino;
	f->size = (uint64_t)st->st_size;
	f->mtime_ns = ns(st->st_mtim);
	f->ctime_ns = ns(st->st_ctim);
	f->trusted = f->ctime_ns < t0 - DSIG_RACY_NS && f->mtime_ns < t0 - DSIG_RACY_NS;
}

static bool same_identity(const struct file *a, const struct file *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       a->ctime_ns == b->ctime_ns;
}

/* path's identity (stated on the descriptor read) and the hash of its bytes. false when
 * it cannot be read: the reader will say why. */
static bool hash_file(struct dsig *s, const char *path, struct file *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	s->hashed++;
	if (ok) {
		identity(&st, s->t0_ns, f);
		size_t len = (size_t)st.st_size;
		if (len >= READ_MAX) {
			void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
			ok = m != MAP_FAILED;
			if (ok) {
				f->hash = hash64(m, len, f->size);
				munmap(m, len);
			}
		} else {
			if (len + 1 > s->buf_cap) {
				free(s->buf);
				s->buf_cap = len + 1 > 65536 ? len + 1 : 65536;
				if (!(s->buf = malloc(s->buf_cap)))
					s->buf_cap = 0;
			}
			size_t got = 0;
			ssize_t r = 1;
			while (s->buf && got <= len && (r = read(fd, s->buf + got, s->buf_cap - got)) > 0)
				got += (size_t)r;
			/* the bytes read are the file's, as fstat sized it */
			ok = s->buf && r == 0 && got == len;
			if (ok)
				f->hash = hash64(s->buf, len, f->size);
		}
	}
	close(fd);
	return ok;
}

/* ---- matching and noting ---- */

static struct batch *next_batch(struct dsig *s)
{
	struct batch *b = realloc(s->b, (s->nb + 1) * sizeof *b);
	if (!b)
		return NULL;
	s->b = b;
	b = &s->b[s->nb++];
	memset(b, 0, sizeof *b);
	return b;
}

/* Whether this run's files f (identities stated, hashes of the trusted-and-same taken
 * from the record, others hashed) hold the record's bytes. */
static bool files_match(struct dsig *s, const char *const *paths, const struct batch *rb, struct file *f)
{
	for (size_t i = 0; i < rb->files; i++) {
		struct stat st;
		s->stated++;
		if (stat(paths[i], &st) || !S_ISREG(st.st_mode))
			return false;
		identity(&st, s->t0_ns, &f[i]);
		if (rb->f[i].trusted && same_identity(&f[i], &rb->f[i])) {
			f[i].hash = rb->f[i].hash;
			continue;
		}
		/* not vouched for: its bytes decide (a touched or copied file still matches) */
		if (!hash_file(s, paths[i], &f[i]) || f[i].hash != rb->f[i].hash)
			return false;
	}
	return true;
}

static int copy_known(struct batch *b, const struct batch *rb, struct ap_imgset *out, uint8_t *kept)
{
	b->opts = rb->opts;
	b->n = rb->n;
	b->w = rb->w;
	b->h = rb->h;
	b->c = rb->c;
	b->skip_bytes = rb->skip_bytes;
	if (rb->iw && (!(b->iw = malloc(b->n * 2 + 1)) || !(b->ih = malloc(b->n * 2 + 1))))
		return -1;
	if (rb->kept && !(b->kept = malloc(b->files)))
		return -1;
	if (!(b->skip = malloc(b->skip_bytes + 1)))
		return -1;
	if (rb->iw) {
		memcpy(b->iw, rb->iw, b->n * 2);
		memcpy(b->ih, rb->ih, b->n * 2);
	}
	if (rb->kept)
		memcpy(b->kept, rb->kept, b->files);
	memcpy(b->skip, rb->skip, b->skip_bytes);
	memset(out, 0, sizeof *out);
	out->n = b->n;
	out->w = b->w;
	out->h = b->h;
	out->c = b->c;
	if (b->iw) {
		/* the set's own copies: imgset_free frees them */
		if (!(out->iw = malloc(b->n * 2 + 1)) || !(out->ih = malloc(b->n * 2 + 1))) {
			free(out->iw);
			out->iw = NULL;
			return -1;
		}
		memcpy(out->iw, b->iw, b->n * 2);
		memcpy(out->ih, b->ih, b->n * 2);
	}
	for (size_t i = 0; kept && i < b->files; i++)
		kept[i] = b->kept ? b->kept[i] : 1;
	b->noted = true;
	return 0;
}

int dsig_match(struct dsig *s, const char *const *paths, size_t n, uint64_t opts, struct ap_imgset *out,
	       uint8_t *kept, void (*skipped)(void *user, size_t i, const char *msg), void *user)
{
	size_t k = s->nb;
	struct batch *b = next_batch(s);
	if (!b || !(b->f = calloc(n ? n : 1, sizeof *b->f))) {
		s->failed = true;
		return -1;
	}
	b->files = n;
	b->opts = opts;
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += strlen(paths[i]) + 1;
	if (!(b->paths = malloc(total))) {
		s->failed = true;
		return -1;
	}
	for (size_t i = 0, at = 0; i < n; i++) {
		size_t len = strlen(paths[i]) + 1;
		memcpy(b->paths + at, paths[i], len);
		at += len;
	}
	const struct batch *rb = k < s->nrec ? &s->rec[k] : NULL;
	if (rb && rb->opts == opts && rb->files == n && files_match(s, paths, rb, b->f)) {
		if (copy_known(b, rb, out, kept) < 0) {
			s->failed = true;
			return -1;
		}
		const char *m = b->skip;
		for (size_t i = 0; skipped && b->kept && i < n; i++)
			if (!b->kept[i]) {
				skipped(user, i, m);
				m += strlen(m) + 1;
			}
		return 1;
	}
	if (s->nrec) {
		/* matching: the caller starts again, reading everything (dsig_restart) */
		batch_free(b);
		s->nb--;
		s->all_known = false;
		return 0;
	}
	/* not known: every file's bytes hashed now, before they are read for the set */
	s->all_known = false;
	for (size_t i = 0; i < n; i++)
		if (!hash_file(s, paths[i], &b->f[i])) {
			/* the reader will fail on it, or skip it: a record without it is not kept */
			s->failed = true;
			memset(&b->f[i], 0, sizeof b->f[i]);
		}
	return 0;
}

bool dsig_matching(const struct dsig *s)
{
	return s->nrec > 0;
}

void dsig_restart(struct dsig *s)
{
	for (size_t i = 0; i < s->nb; i++)
		batch_free(&s->b[i]);
	s->nb = 0;
	s->nrec = 0;
	s->all_known = false;
}

void dsig_skip(struct dsig *s, size_t i, const char *msg)
{
	(void)i;
	if (!s->nb)
		return;
	struct batch *b = &s->b[s->nb - 1];
	size_t len = strlen(msg) + 1;
	char *p = realloc(b->skip, b->skip_bytes + len);
	if (!p) {
		s->failed = true;
		return;
	}
	memcpy(p + b->skip_bytes, msg, len);
	b->skip = p;
	b->skip_bytes += len;
}

void dsig_note(struct dsig *s, const struct ap_imgset *set, const uint8_t *kept)
{
	if (!s->nb)
		return;
	struct batch *b = &s->b[s->nb - 1];
	b->n = set->n;
	b->w = set->w;
	b->h = set->h;
	b->c = set->c;
	if (set->iw) {
		if (!(b->iw = malloc(set->n * 2 + 1)) || !(b->ih = malloc(set->n * 2 + 1))) {
			s->failed = true;
			return;
		}
		memcpy(b->iw, set->iw, set->n * 2);
		memcpy(b->ih, set->ih, set->n * 2);
	}
	if (kept) {
		size_t k = 0;
		for (size_t i = 0; i < b->files; i++)
			k += kept[i] != 0;
		if (!(b->kept = malloc(b->files + 1))) {
			s->failed = true;
			return;
		}
		memcpy(b->kept, kept, b->files);
		if (k == b->files) {
			free(b->kept);
			b->kept = NULL;
		}
	}
	b->noted = true;
}

void dsig_counts(const struct dsig *s, size_t *stated, size_t *hashed)
{
	*stated = s->stated;
	*hashed = s->hashed;
}

bool dsig_complete(const struct dsig *s)
{
	return !s->failed && s->nb > 0;
}

bool dsig_known(const struct dsig *s)
{
	return s->all_known && s->nb > 0 && !s->failed;
}

uint64_t dsig_content(const struct dsig *s)
{
	uint64_t h = hash64(&s->nb, sizeof s->nb, DSIG_FORMAT);
	for (size_t k = 0; k < s->nb; k++) {
		const struct batch *b = &s->b[k];
		uint64_t v[7] = { b->opts, b->files, b->n, b->w, b->h, b->c, (b->iw ? SIZES : 0) | (b->kept ? KEPT : 0) };
		h = hash64(v, sizeof v, h);
		for (size_t i = 0; i < b->files; i++)
			h = hash64(&b->f[i].hash, sizeof b->f[i].hash, h);
		if (b->iw) {
			h = hash64(b->iw, b->n * 2, h);
			h = hash64(b->ih, b->n * 2, h);
		}
		if (b->kept)
			h = hash64(b->kept, b->files, h);
	}
	return h;
}

bool dsig_unchanged(const struct dsig *s)
{
	if (s->failed || !s->nb)
		return false;
	for (size_t k = 0; k < s->nb; k++) {
		const struct batch *b = &s->b[k];
		const char *path = b->paths;
		if (!b->noted)
			return false;
		for (size_t i = 0; i < b->files; i++, path += strlen(path) + 1) {
			struct stat st;
			struct file now;
			if (stat(path, &st))
				return false;
			identity(&st, s->t0_ns, &now);
			if (!same_identity(&now, &b->f[i]))
				return false;
		}
	}
	return true;
}

/* ---- the record ---- */

static size_t batch_bytes(const struct batch *b)
{
	return 3 * 8 + 4 * 4 + 8 + b->files * sizeof(struct file) + (b->iw ? 2 * up8(b->n * 2) : 0) +
	       (b->kept ? up8(b->files) : 0) + up8(b->skip_bytes);
}

size_t dsig_bytes(const struct dsig *s)
{
	size_t n = 16;
	for (size_t k = 0; k < s->nb; k++)
		n += batch_bytes(&s->b[k]);
	return n;
}

static uint8_t *put(uint8_t *p, const void *src, size_t bytes)
{
	memcpy(p, src, bytes);
	memset(p + bytes, 0, up8(bytes) - bytes);
	return p + up8(bytes);
}

void dsig_save(const struct dsig *s, uint8_t *dst)
{
	uint64_t h[2] = { DSIG_FORMAT, s->nb };
	uint8_t *p = put(dst, h, sizeof h);
	for (size_t k = 0; k < s->nb; k++) {
		const struct batch *b = &s->b[k];
		uint64_t v[3] = { b->opts, b->files, b->n }, skip = b->skip_bytes;
		uint32_t u[4] = { b->w, b->h, b->c, (b->iw ? SIZES : 0) | (b->kept ? KEPT : 0) };
		p = put(p, v, sizeof v);
		p = put(p, u, sizeof u);
		p = put(p, &skip, sizeof skip);
		p = put(p, b->f, b->files * sizeof *b->f);
		if (b->iw) {
			p = put(p, b->iw, b->n * 2);
			p = put(p, b->ih, b->n * 2);
		}
		if (b->kept)
			p = put(p, b->kept, b->files);
		p = put(p, b->skip ? b->skip : "", b->skip_bytes);
	}
}
