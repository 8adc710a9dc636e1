#include "io/dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/grow.h"

bool dirlist_has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcasecmp(name + n - e, ext) == 0;
}

char *dirlist_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	int slash = a > 0 && dir[a - 1] != '/';
	char *p = malloc(a + slash + b + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	if (slash)
		p[a] = '/';
	memcpy(p + a + slash, name, b + 1);
	return p;
}

void dirlist_free(struct dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->name[i]);
	free(l->name);
	free(l->bad);
	l->name = NULL;
	l->bad = NULL;
	l->n = 0;
}

/* 1 wanted, 0 not, -1 out of memory, -2 a broken link (*e: why). stat, not d_type: a
 * link to a file counts, and some file systems leave d_type unknown. hidden: the
 * names with a leading '.' instead of those without. */
static int wanted(const char *dir, const char *name, const char *const *exts, bool hidden, int *e)
{
	struct stat st;
	char *p;
	int ext = 0, ok;

	if ((name[0] == '.') != hidden || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (size_t i = 0; exts[i] && !ext; i++)
		ext = dirlist_has_ext(name, exts[i]);
	if (!ext)
		return 0;
	p = dirlist_join(dir, name);
	if (!p)
		return -1;
	ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	/* a link that leads nowhere (or in a loop) is a file the user meant: say so */
	*e = errno;
	if (!ok && (*e == ENOENT || *e == ELOOP) && lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
		ok = -2;
	free(p);
	return ok;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_dir(const char *dir, const char *const *exts, bool hidden, struct dirlist *out)
{
	DIR *dh = opendir(dir);
	size_t cap = 0;
	struct dirent *de;
	int rc;

	*out = (struct dirlist){ 0 };
	if (!dh) {
		out->sys_errno = errno;
		return DIRLIST_OPEN;
	}
	for (;;) {
		errno = 0;
		de = readdir(dh);
		if (!de) {
			if (errno) {
				out->sys_errno = errno;
				rc = DIRLIST_READ;
				goto out_free_names;
			}
			break;
		}
		int e = 0, w = wanted(dir, de->d_name, exts, hidden, &e);

		if (w == -2) {
			out->sys_errno = e;
			out->bad = strdup(de->d_name);
			rc = out->bad ? DIRLIST_BROKEN_LINK : DIRLIST_NOMEM;
			goto out_free_names;
		}
		if (w < 0)
			goto out_oom;
		if (!w)
			continue;
		if (ap_grow((void **)&out->name, &cap, out->n + 1, sizeof *out->name))
			goto out_oom;
		out->name[out->n] = strdup(de->d_name);
		if (!out->name[out->n])
			goto out_oom;
		out->n++;
	}
	closedir(dh);
	if (out->n)
		qsort(out->name, out->n, sizeof *out->name, cmp_names);
	return 0;

out_oom:
	rc = DIRLIST_NOMEM;
out_free_names:
	closedir(dh);
	char *bad = out->bad;
	out->bad = NULL;
	dirlist_free(out);
	out->bad = bad;
	return rc;
}

int dirlist_read(const char *dir, const char *const *exts, struct dirlist *out)
{
	return read_dir(dir, exts, false, out);
}

int dirlist_read_hidden(const char *dir, const char *const *exts, struct dirlist *out)
{
	return read_dir(dir, exts, true, out);
}
