#include "io/regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *regfile_open(const char *path)
{
	/* O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	int bad = fstat(fd, &st) < 0 ? errno : S_ISREG(st.st_mode) ? -1 : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (bad >= 0) {
		close(fd);
		errno = bad;
		return NULL;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}
