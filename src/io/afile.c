#include "io/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/dirlist.h"

/* Create ".BASE.XXXXXX.tmp" beside path with O_EXCL and fill tmp with its name. */
static FILE *open_temp(const char *path, char *tmp, size_t cap)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)tmp;
	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		for (int i = 0; i < 6; i++)
			suffix[i] = digits[(seed >> (10 + 8 * i)) % (sizeof digits - 1)];
		suffix[6] = 0;
		snprintf(tmp, cap, "%.*s.%s.%s.tmp", dirlen, path, path + dirlen, suffix);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			FILE *fp = fdopen(fd, "wb");
			if (!fp) {
				int e = errno;
				close(fd);
				unlink(tmp);
				errno = e;
			}
			return fp;
		}
		if (errno != EEXIST)
			return NULL;
	}
	errno = EEXIST;
	return NULL;
}

int afile_write(const char *path, int (*put)(FILE *fp, void *ctx, struct ap_err *err), void *ctx,
		struct ap_err *err)
{
	size_t cap = strlen(path) + 32;
	char *tmp = malloc(cap);
	int rc = -1;
	if (!tmp)
		return ap_errf(err, "output '%s': out of memory", path);
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		ap_errf(err, "output '%s': not a regular file (a device or FIFO is not replaced)", path);
		goto out_free_tmp;
	}
	FILE *fp = open_temp(path, tmp, cap);
	if (!fp) {
		ap_errf(err, "output '%s': %s", path, strerror(errno));
		goto out_free_tmp;
	}
	if (put(fp, ctx, err)) {
		fclose(fp);
		goto out_unlink;
	}
	errno = 0;
	if (fflush(fp) || ferror(fp)) {
		ap_errf(err, "output '%s': %s", path, errno ? strerror(errno) : "write error");
		fclose(fp);
		goto out_unlink;
	}
	errno = 0;
	if (fclose(fp)) {
		ap_errf(err, "output '%s': %s", path, errno ? strerror(errno) : "write error");
		goto out_unlink;
	}
	if (rename(tmp, path)) {
		ap_errf(err, "output '%s': %s", path, strerror(errno));
		goto out_unlink;
	}
	rc = 0;
	goto out_free_tmp;
out_unlink:
	unlink(tmp);
out_free_tmp:
	free(tmp);
	return rc;
}

void afile_inputs_add(struct afile_inputs *in, const char *path)
{
	struct stat st;
	if (!path || in->n >= AFILE_MAX_INPUTS || stat(path, &st))
		return;
	in->v[in->n].dev = (unsigned long long)st.st_dev;
	in->v[in->n].ino = (unsigned long long)st.st_ino;
	in->v[in->n].path = path;
	in->n++;
}

int afile_inputs_check(const struct afile_inputs *in, const char *out, struct ap_err *err)
{
	struct stat st;
	if (!in->n || stat(out, &st))
		return 0;            /* a new file is no input */
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].dev == (unsigned long long)st.st_dev && in->v[i].ino == (unsigned long long)st.st_ino)
			return ap_errf(err, "output '%s': is the input '%s'; not overwriting it", out, in->v[i].path);
	return 0;
}

size_t afile_remove_stale(const char *dir, bool (*mine)(const char *name, void *ctx), void *ctx)
{
	static const char *const tmp_ext[] = { ".tmp", NULL };
	struct dirlist l;
	size_t removed = 0;
	if (dirlist_read_hidden(dir, tmp_ext, &l))
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		/* ".X.XXXXXX.tmp": the target's name between the dot and the suffix */
		const char *name = l.name[i];
		size_t len = strlen(name);
		if (len < 1 + 1 + 7 + 4 || name[len - 11] != '.')
			continue;
		char target[4096];
		size_t tl = len - 1 - 11;
		if (tl >= sizeof target)
			continue;
		memcpy(target, name + 1, tl);
		target[tl] = 0;
		if (!mine(target, ctx))
			continue;
		char *p = dirlist_join(dir, name);
		if (p && unlink(p) == 0)
			removed++;
		free(p);
	}
	dirlist_free(&l);
	return removed;
}
