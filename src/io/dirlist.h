/*
 * dirlist: the files of one folder that a command reads (--images DIR/ and
 * `atlasplot diff`'s folder mode): regular files or links to them, not hidden (no
 * leading '.', so macOS "._x.png" stays out), not in subfolders, whose names end in
 * one of a set of extensions, matched in any case (A.PNG is a PNG for both commands),
 * sorted by strcmp. Names only, without the folder. A wanted name that is a broken or
 * looping symbolic link is an error naming it (left out, it would only show up later
 * as a count that does not match); other non-regular files (FIFOs, sockets, devices,
 * folders) are left out, as nothing in them is an image to read.
 *
 * Not here: what an empty folder means (an error for imgdir, nothing to compare for
 * diff) and the wording of errors: each caller words its own from the code and errno.
 *
 *   dirlist_read      list a folder
 *   dirlist_read_hidden  list its hidden files (temporaries)
 *   dirlist_free      free a listing
 *   dirlist_has_ext   the extension test, for names that come from elsewhere
 *   dirlist_join      dir + "/" + name
 */
#ifndef AP_DIRLIST_H
#define AP_DIRLIST_H

#include <stdbool.h>
#include <stddef.h>

enum dirlist_error {
	DIRLIST_OPEN = -1,           /* opendir failed: sys_errno says why */
	DIRLIST_READ = -2,           /* readdir failed: sys_errno says why */
	DIRLIST_NOMEM = -3,
	DIRLIST_BROKEN_LINK = -4,    /* a wanted name is a link to nothing or a loop: bad, sys_errno */
};

struct dirlist {
	char **name;                 /* n malloc'd names, in a malloc'd array */
	size_t n;
	int sys_errno;               /* after DIRLIST_OPEN, DIRLIST_READ, DIRLIST_BROKEN_LINK */
	char *bad;                   /* after DIRLIST_BROKEN_LINK: its name; free with dirlist_free */
};

/* The wanted files of dir; exts is a NULL-terminated list such as { ".png", NULL }.
 * Returns 0 (n may be 0) or a negative enum dirlist_error with the list empty. Free
 * with dirlist_free. */
int dirlist_read(const char *dir, const char *const *exts, struct dirlist *out);
/* The same rules for the hidden names only (a leading '.'; "." and ".." left out): the
 * temporary files of io/afile, for a resumed run to remove its stale ones. */
int dirlist_read_hidden(const char *dir, const char *const *exts, struct dirlist *out);
void dirlist_free(struct dirlist *l);

/* name is longer than ext and ends in it, in any case. */
bool dirlist_has_ext(const char *name, const char *ext);

/* dir + "/" + name (no doubled slash); NULL when out of memory. Free with free(). */
char *dirlist_join(const char *dir, const char *name);

#endif
