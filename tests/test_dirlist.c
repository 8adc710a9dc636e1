/* dirlist: which files of a folder are listed, in what order, and its error codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "io/dirlist.h"

static char dir[] = "/tmp/test_dirlist_XXXXXX";

static void touch(const char *name)
{
	char *p = dirlist_join(dir, name);
	FILE *f = p ? fopen(p, "w") : NULL;

	CHECK(f != NULL);
	if (f)
		fclose(f);
	free(p);
}

int main(void)
{
	static const char *const img[] = { ".png", ".jpg", ".jpeg", NULL };
	static const char *const png[] = { ".png", NULL };
	struct dirlist l;
	char *p;

	CHECK(mkdtemp(dir) != NULL);
	touch("b.png");
	touch("A.PNG");
	touch("c.JpEg");
	touch("d.txt");
	touch(".hidden.png");
	touch(".png");
	p = dirlist_join(dir, "sub.png");
	CHECK(mkdir(p, 0777) == 0);
	free(p);
	p = dirlist_join(dir, "link.png");
	CHECK(symlink("b.png", p) == 0);
	free(p);
	/* a link to nothing, or a loop, under a wanted name is an error naming it */
	p = dirlist_join(dir, "dangling.png");
	CHECK(symlink("nope.png", p) == 0);
	CHECK_EQ_INT(dirlist_read(dir, img, &l), DIRLIST_BROKEN_LINK);
	CHECK(l.bad && !strcmp(l.bad, "dangling.png") && l.sys_errno == ENOENT && l.n == 0);
	dirlist_free(&l);
	CHECK(l.bad == NULL);
	CHECK(unlink(p) == 0);
	CHECK(symlink("dangling.png", p) == 0);
	CHECK_EQ_INT(dirlist_read(dir, img, &l), DIRLIST_BROKEN_LINK);
	CHECK(l.bad && !strcmp(l.bad, "dangling.png") && l.sys_errno == ELOOP);
	dirlist_free(&l);
	CHECK(unlink(p) == 0);
	free(p);
	/* one not named like an image is none of our business */
	p = dirlist_join(dir, "dangling.txt");
	CHECK(symlink("nope.txt", p) == 0);
	free(p);

	CHECK_EQ_INT(dirlist_read(dir, img, &l), 0);
	CHECK_EQ_INT(l.n, 4);
	if (l.n == 4) {
		CHECK_STR(l.name[0], "A.PNG");
		CHECK_STR(l.name[1], "b.png");
		CHECK_STR(l.name[2], "c.JpEg");
		CHECK_STR(l.name[3], "link.png");
	}
	dirlist_free(&l);
	CHECK(l.name == NULL && l.n == 0);

	CHECK_EQ_INT(dirlist_read(dir, png, &l), 0);
	CHECK_EQ_INT(l.n, 3);
	dirlist_free(&l);

	p = dirlist_join(dir, "nope");
	CHECK_EQ_INT(dirlist_read(p, png, &l), DIRLIST_OPEN);
	CHECK_EQ_INT(l.sys_errno, ENOENT);
	CHECK(l.name == NULL && l.n == 0);
	free(p);

	CHECK(dirlist_has_ext("x.PNG", ".png"));
	CHECK(!dirlist_has_ext(".png", ".png"));
	CHECK(!dirlist_has_ext("xpng", ".png"));
	p = dirlist_join("a/", "b");
	CHECK_STR(p, "a/b");
	free(p);
	p = dirlist_join("a", "b");
	CHECK_STR(p, "a/b");
	free(p);

	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return t_done();
}
