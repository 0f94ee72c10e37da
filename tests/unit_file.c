/* Unit tests of common/file.c's writes: a write that would change nothing
 * leaves the file as it is (the same inode), and every other write
 * replaces it whole: other bytes, another mode, a file of another owner,
 * a link, a FIFO, a file linked elsewhere. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "tests/harness.h"

static char dir[] = "/tmp/vnet-unit.XXXXXX", path[64];

static void setup(void)
{
	strcpy(dir, "/tmp/vnet-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
}

static void teardown(void)
{
	th_sh("rm -rf %s", dir);
}

/* An open file of what path names now (so its inode cannot be reused by
 * the next write), to ask later whether path still names it. */
static int hold(void)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Whether path still names the file held (and lets it go). */
static bool same(int fd)
{
	struct stat a, b;

	ck_assert_int_eq(fstat(fd, &a), 0);
	ck_assert_int_eq(lstat(path, &b), 0);
	close(fd);
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Writes text with mode; the file then holds it, regular, ours, with that
 * mode. */
static void put(const char *text, mode_t mode)
{
	struct stat st;
	char *have = NULL;
	size_t len;

	ck_assert_int_eq(nl_file_write(path, mode, text, strlen(text), NULL), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, mode);
	ck_assert_int_eq(st.st_uid, geteuid());
	ck_assert_int_eq(nl_file_read(path, 4096, 0, &have, &len, NULL), 0);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert(!memcmp(have, text, len));
	free(have);
}

START_TEST(the_same_bytes_and_mode_write_nothing)
{
	int fd;

	put("a = 1\n", 0644);
	fd = hold();
	put("a = 1\n", 0644);
	ck_assert(same(fd));
	/* empty files too */
	put("", 0644);
	fd = hold();
	put("", 0644);
	ck_assert(same(fd));
}
END_TEST

START_TEST(other_bytes_or_another_mode_replace_it)
{
	int fd;

	put("a = 1\n", 0644);
	fd = hold();
	put("a = 2\n", 0644);
	ck_assert(!same(fd));
	fd = hold();
	put("a = 2\nb = 3\n", 0644); /* longer */
	ck_assert(!same(fd));
	fd = hold();
	put("a = 2\n", 0644); /* shorter */
	ck_assert(!same(fd));
	fd = hold();
	put("a = 2\n", 0600); /* another mode */
	ck_assert(!same(fd));
	ck_assert_int_eq(chmod(path, 0666), 0); /* changed behind it */
	fd = hold();
	put("a = 2\n", 0600);
	ck_assert(!same(fd));
}
END_TEST

START_TEST(what_is_not_a_plain_file_of_ours_is_replaced)
{
	char other[80];

	/* a link to a file with the very bytes: replaced by a file, the
	 * target untouched */
	snprintf(other, sizeof(other), "%s/target", dir);
	ck_assert_int_eq(th_sh("printf 'a = 1\\n' >%s && chmod 644 %s && ln -s %s %s", other, other,
			       other, path),
			 0);
	put("a = 1\n", 0644);
	ck_assert_int_eq(th_sh("test ! -L %s && test \"$(cat %s)\" = 'a = 1'", path, other), 0);
	/* a file with another name too: the write leaves the other name's */
	ck_assert_int_eq(th_sh("rm %s && ln %s %s", path, other, path), 0);
	put("a = 1\n", 0644);
	ck_assert_int_ne(th_sh("test %s -ef %s", path, other), 0);
	/* a FIFO: never opened blocking, replaced */
	ck_assert_int_eq(th_sh("rm %s && mkfifo -m 644 %s", path, path), 0);
	put("", 0644);
	/* another owner's file with the very bytes and mode: made ours */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		put("", 0644);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_file");
	TCase *t = tcase_create("write");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, the_same_bytes_and_mode_write_nothing);
	tcase_add_test(t, other_bytes_or_another_mode_replace_it);
	tcase_add_test(t, what_is_not_a_plain_file_of_ours_is_replaced);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_file", false);
}
