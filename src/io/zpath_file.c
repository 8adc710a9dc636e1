#include "io/zpath_file.h"

#include <stdlib.h>
#include <string.h>

#include "io/load.h"

int zpath_file_load(const char *path, struct zpath_keys *out, struct ap_err *err)
{
	struct load_why why;
	uint8_t *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	/* - 1: a file of exactly ZPATH_FILE_MAX bytes was refused before load_file read it too */
	if (load_file_why(path, ZPATH_FILE_MAX - 1, &buf, &len, &why, err) < 0) {
		switch (why.fail) {
		case LOAD_FAIL_OPEN:
			return ap_errf(err, "path '%s': %s", path, strerror(why.sys_errno));
		case LOAD_FAIL_READ:
		case LOAD_FAIL_DIR:
			return ap_errf(err, "path '%s': read error", path);
		case LOAD_FAIL_SIZE:
			return ap_errf(err, "path '%s': larger than %zu bytes", path, ZPATH_FILE_MAX);
		case LOAD_FAIL_MEMORY:
			return ap_errf(err, "path '%s': out of memory", path);
		default:
			return ap_err_subject(err, "path");
		}
	}
	rc = zpath_keys_parse((const char *)buf, len, path, out, err);
	free(buf);
	return rc;
}
