#include "io/acache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "io/afile.h"
#include "io/dirlist.h"

#define ALIGN 4096
static const char magic[8] = { 'A', 'P', 'C', 'A', 'C', 'H', 'E', '\n' };

/* The header as stored (little-endian machines write and read it as it is: the key
 * holds sizeof(void *) and the version, so another ABI's entry is another key). */
struct hdr {
	char magic[8];
	uint32_t version, nsec;
	uint64_t key, file_bytes;
	struct {
		uint64_t off, bytes, hash;
	} sec[ACACHE_MAX_SECTIONS];
	uint64_t hdr_hash;           /* hash64 of everything above */
};

static uint64_t hdr_hash(const struct hdr *h)
{
	return hash64(h, offsetof(struct hdr, hdr_hash), 0);
}

/* ---- section sums: hash64 of chunks, on every core ---- */

#define CHUNK ((size_t)4 << 20)
#define MAX_THREADS 8

struct sum {
	const uint8_t *p;
	size_t bytes, chunks;
	uint64_t seed, *h;
	atomic_size_t next;
};

static void *sum_chunks(void *arg)
{
	struct sum *s = arg;
	for (size_t j; (j = atomic_fetch_add(&s->next, 1)) < s->chunks;) {
		size_t at = j * CHUNK, n = s->bytes - at < CHUNK ? s->bytes - at : CHUNK;
		s->h[j] = hash64(s->p + at, n, s->seed + j);
	}
	return NULL;
}

/* A section's checksum: the hash of its 4 MiB chunks' hashes, taken on all cores (one
 * core reads memory at about half the speed two do). */
static uint64_t section_sum(const void *p, size_t bytes, uint64_t seed)
{
	uint64_t one[1];
	struct sum s = { .p = p, .bytes = bytes, .chunks = bytes ? (bytes - 1) / CHUNK + 1 : 0, .seed = seed, .h = one };
	atomic_init(&s.next, 0);
	if (s.chunks > 1 && !(s.h = malloc(s.chunks * sizeof *s.h)))
		return hash64(p, bytes, seed) ^ 1;   /* never matches: the entry is rebuilt */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus, started = 0;
	pthread_t th[MAX_THREADS];
	for (size_t i = 1; i < threads && i < s.chunks; i++)
		if (pthread_create(&th[started], NULL, sum_chunks, &s) == 0)
			started++;
	sum_chunks(&s);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	uint64_t h = hash64(s.h, s.chunks * sizeof *s.h, seed);
	if (s.h != one)
		free(s.h);
	return h;
}

int acache_path(const char *dir, uint64_t id, char *buf, size_t len)
{
	size_t n = strlen(dir);
	int k = snprintf(buf, len, "%s%s%016" PRIx64 ACACHE_EXT, dir, n && dir[n - 1] == '/' ? "" : "/", id);
	return k < 0 || (size_t)k >= len ? -1 : 0;
}

/* Why the header h of a file of size bytes (or its sections at base) is not usable:
 * NULL when it is. */
static const char *check(const struct hdr *h, size_t size, const uint8_t *base, char *why, size_t len)
{
	if (size < sizeof *h || memcmp(h->magic, magic, sizeof magic))
		return "not a cache entry";
	if (h->version != ACACHE_VERSION) {
		snprintf(why, len, "made by another version of the format (%u, this is %u)", h->version,
			 ACACHE_VERSION);
		return why;
	}
	if (h->hdr_hash != hdr_hash(h) || h->nsec > ACACHE_MAX_SECTIONS)
		return "its header is corrupt";
	if (h->file_bytes != size) {
		snprintf(why, len, "truncated (%zu bytes, expected %" PRIu64 ")", size, h->file_bytes);
		return why;
	}
	for (uint32_t i = 0; i < h->nsec; i++)
		if (h->sec[i].off > size || h->sec[i].bytes > size - h->sec[i].off)
			return "its header is corrupt";
	if (!base)
		return NULL;
	for (uint32_t i = 0; i < h->nsec; i++)
		if (section_sum(base + h->sec[i].off, h->sec[i].bytes, h->key + i) != h->sec[i].hash)
			return "corrupt (a section's checksum does not match)";
	return NULL;
}

static void fill(struct acache *c, const struct hdr *h)
{
	c->key = h->key;
	c->nsec = h->nsec;
	for (uint32_t i = 0; i < h->nsec; i++)
		c->sec[i] = (struct acache_section){ (uint8_t *)c->map + h->sec[i].off, h->sec[i].bytes };
}

/* The entry at path opened and its header read and checked, for acache_open and
 * acache_peek: *fd < 0 when there is none; else *fd is open (the caller closes it), *h
 * and *size are read, and the result is NULL, or what is wrong with the entry. */
static const char *open_entry(const char *path, int *fd, struct hdr *h, size_t *size, char *why, size_t wlen)
{
	struct stat st;
	const char *bad = NULL;
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode))
		bad = "not a regular file";
	else if (pread(*fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
		memset(h, 0, sizeof *h);
	*size = bad ? 0 : (size_t)st.st_size;
	return bad ? bad : check(h, *size, NULL, why, wlen);
}

int acache_open(const char *path, uint64_t key, struct acache *c, char *note, size_t len)
{
	memset(c, 0, sizeof *c);
	int fd;
	struct hdr h;
	char why[160];
	size_t size;
	const char *bad = open_entry(path, &fd, &h, &size, why, sizeof why);
	if (fd < 0)
		return 0;
	if (bad)
		goto out_close;
	if (h.key != key) {
		bad = "made for other inputs or options";
		goto out_close;
	}
	/* populated: the checks read every page now, and the frame most of them next */
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED) {
		snprintf(why, sizeof why, "cannot be mapped (%s)", strerror(errno));
		bad = why;
		goto out_close;
	}
	if ((bad = check(&h, size, m, why, sizeof why))) {
		munmap(m, size);
		goto out_close;
	}
	c->map = m;
	c->map_bytes = size;
	fill(c, &h);
out_close:
	close(fd);
	if (bad)
		snprintf(note, len, "cache '%s': %s; building it again", path, bad);
	return bad ? -1 : 1;
}

int acache_peek(const char *path, uint32_t sec, void **out, size_t *bytes, char *note, size_t len)
{
	*out = NULL;
	*bytes = 0;
	int fd;
	struct hdr h;
	char why[160];
	size_t size;
	void *buf = NULL;
	const char *bad = open_entry(path, &fd, &h, &size, why, sizeof why);
	if (fd < 0)
		return 0;
	if (bad)
		goto out_close;
	if (sec >= h.nsec) {
		bad = "its header is corrupt";
		goto out_close;
	}
	size_t n = (size_t)h.sec[sec].bytes;
	if (!(buf = malloc(n ? n : 1)) || pread(fd, buf, n, (off_t)h.sec[sec].off) != (ssize_t)n) {
		snprintf(why, sizeof why, "cannot be read (%s)", buf ? strerror(errno) : "out of memory");
		bad = why;
		goto out_close;
	}
	if (section_sum(buf, n, h.key + sec) != h.sec[sec].hash) {
		bad = "corrupt (a section's checksum does not match)";
		goto out_close;
	}
	*out = buf;
	*bytes = n;
	buf = NULL;
out_close:
	free(buf);
	close(fd);
	if (bad)
		snprintf(note, len, "cache '%s': %s; building it again", path, bad);
	return bad ? -1 : 1;
}

void acache_close(struct acache *c)
{
	if (c->map)
		munmap(c->map, c->map_bytes);
	memset(c, 0, sizeof *c);
}

struct put {
	const struct hdr *h;
	const struct acache_section *sec;
};

static int zeros(FILE *fp, size_t n)
{
	static const uint8_t z[ALIGN];
	for (; n; n -= n < ALIGN ? n : ALIGN)
		if (fwrite(z, 1, n < ALIGN ? n : ALIGN, fp) != (n < ALIGN ? n : ALIGN))
			return -1;
	return 0;
}

static int put_entry(FILE *fp, void *ctx, struct ap_err *err)
{
	const struct put *p = ctx;
	size_t at = sizeof *p->h;
	if (fwrite(p->h, sizeof *p->h, 1, fp) != 1)
		goto out_write;
	for (uint32_t i = 0; i < p->h->nsec; i++) {
		if (zeros(fp, p->h->sec[i].off - at) ||
		    (p->sec[i].bytes && fwrite(p->sec[i].p, p->sec[i].bytes, 1, fp) != 1))
			goto out_write;
		at = p->h->sec[i].off + p->sec[i].bytes;
	}
	return 0;
out_write:
	return ap_errf(err, "cache: write failed (%s)", strerror(errno));
}

int acache_write(const char *path, uint64_t key, const struct acache_section *sec, uint32_t nsec,
		 struct ap_err *err)
{
	if (nsec > ACACHE_MAX_SECTIONS)
		return ap_errf(err, "cache: %u sections, at most %d", nsec, ACACHE_MAX_SECTIONS);
	struct hdr h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, magic, sizeof magic);
	h.version = ACACHE_VERSION;
	h.nsec = nsec;
	h.key = key;
	uint64_t at = ALIGN;
	for (uint32_t i = 0; i < nsec; i++) {
		h.sec[i].off = at;
		h.sec[i].bytes = sec[i].bytes;
		h.sec[i].hash = section_sum(sec[i].p, sec[i].bytes, key + i);
		at = (at + sec[i].bytes + ALIGN - 1) / ALIGN * ALIGN;
	}
	h.file_bytes = nsec ? h.sec[nsec - 1].off + h.sec[nsec - 1].bytes : sizeof h;
	h.hdr_hash = hdr_hash(&h);
	/* the folder: made when missing (its parent must exist) */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0777) && errno != EEXIST)
			return ap_errf(err, "cache '%s': %s", dir, strerror(errno));
	}
	struct put p = { &h, sec };
	return afile_write(path, put_entry, &p, err);
}

static const char *const exts[] = { ACACHE_EXT, NULL };

int acache_list(const char *dir, void (*line)(void *user, const char *text), void *user, struct ap_err *err)
{
	struct dirlist l;
	if (dirlist_read(dir, exts, &l))
		return ap_errf(err, "cache '%s': cannot list it (%s)", dir, strerror(l.sys_errno));
	for (size_t i = 0; i < l.n; i++) {
		char *path = dirlist_join(dir, l.name[i]), why[160], text[512];
		struct hdr h;
		memset(&h, 0, sizeof h);
		struct stat st;
		const char *bad = "cannot be read";
		int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
				memset(&h, 0, sizeof h);
			bad = check(&h, (size_t)st.st_size, NULL, why, sizeof why);
		}
		if (fd >= 0)
			close(fd);
		snprintf(text, sizeof text, "%s  %.1f MB  version %u  %s", l.name[i],
			 fd >= 0 ? (double)st.st_size / 1e6 : 0.0, h.version, bad ? bad : "ok");
		line(user, text);
		free(path);
	}
	int n = (int)l.n;
	dirlist_free(&l);
	return n;
}

/* A temporary of an entry: ".NAME.apc.XXXXXX.tmp". */
static bool is_temp(const char *name)
{
	return name[0] == '.' && strstr(name, ACACHE_EXT ".") && dirlist_has_ext(name, ".tmp");
}

int acache_clear(const char *dir, struct ap_err *err)
{
	static const char *const tmp[] = { ".tmp", NULL };
	struct dirlist l, t;
	if (dirlist_read(dir, exts, &l))
		return ap_errf(err, "cache '%s': cannot list it (%s)", dir, strerror(l.sys_errno));
	if (dirlist_read_hidden(dir, tmp, &t))
		t = (struct dirlist){ 0 };
	int n = 0, rc = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct dirlist *d = pass ? &t : &l;
		for (size_t i = 0; i < d->n; i++) {
			if (pass && !is_temp(d->name[i]))
				continue;
			char *path = dirlist_join(dir, d->name[i]);
			if (path && unlink(path) == 0)
				n++;
			else if (!rc)
				rc = ap_errf(err, "cache '%s': cannot remove '%s' (%s)", dir, d->name[i],
					     path ? strerror(errno) : "out of memory");
			free(path);
		}
	}
	dirlist_free(&l);
	dirlist_free(&t);
	return rc ? -1 : n;
}
