/* file — modes set explicitly, atomic writes, reads that neither block nor
 * follow links; see file.h. */
#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_one(const char *p, mode_t mode, struct nl_err *e)
{
	if (mkdir(p, mode) == 0)
		return chmod(p, mode) < 0 ? nl_err_set(e, -errno, "set mode of", "folder %s", p)
					  : 0;
	return errno == EEXIST ? 0 : nl_err_set(e, -errno, "create folder", "%s", p);
}

int nl_mkdirs(const char *dir, mode_t mode, struct nl_err *e)
{
	char p[PATH_MAX];
	int err;

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return nl_err_set(e, -ENAMETOOLONG, "create folder", "%.60s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		err = mkdir_one(p, mode, e);
		*s = '/';
		if (err)
			return err;
	}
	return mkdir_one(p, mode, e);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The temporary name of path: hidden beside it (".BASE.tmp"), one per
 * file, so a write killed between its link and its rename leaves one file
 * that the next write of path replaces. */
static int tmp_name(const char *path, char *tmp, size_t n, char *dir, size_t dn)
{
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) : 1;

	if (snprintf(dir, dn, "%.*s", dlen, slash ? (slash == path ? "/" : path) : ".") >= (int)dn)
		return -ENAMETOOLONG;
	if (snprintf(tmp, n, "%.*s.%s.tmp", slash ? (int)(slash + 1 - path) : 0, path,
		     slash ? slash + 1 : path) >= (int)n)
		return -ENAMETOOLONG;
	return 0;
}

/* Opens the file to write: unnamed (O_TMPFILE) where the file system can,
 * so that a kill while it is written leaves nothing; else at tmp. */
static int open_tmp(const char *dir, const char *tmp, mode_t mode, bool *unnamed)
{
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);

	*unnamed = fd >= 0;
	if (fd >= 0)
		return fd;
	unlink(tmp);
	return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

/* Whether path already holds exactly buf (len bytes) with mode, as a
 * regular file of ours that nothing else links to. Opened without
 * following a link or blocking on a FIFO; small files only. */
static bool holds(const char *path, mode_t mode, const void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	bool same = false;
	char *have;

	if (fd < 0)
		return false;
	if (len <= 1 << 20 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    st.st_uid == geteuid() && (st.st_mode & 07777) == mode && (size_t)st.st_size == len &&
	    (have = malloc(len + 1))) {
		/* one byte more than len: a file that grew meanwhile differs */
		same = read(fd, have, len + 1) == (ssize_t)len && !memcmp(have, buf, len);
		free(have);
	}
	close(fd);
	return same;
}

int nl_file_write(const char *path, mode_t mode, const void *buf, size_t len, struct nl_err *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX], self[64];
	bool unnamed;
	int fd, err;

	if (holds(path, mode, buf, len))
		return 0;
	if ((err = tmp_name(path, tmp, sizeof(tmp), dir, sizeof(dir))))
		return nl_err_set(e, err, "write", "%.60s", path);
	if ((fd = open_tmp(dir, tmp, mode, &unnamed)) < 0)
		return nl_err_set(e, -errno, "write", "%s", path);
	err = fchmod(fd, mode) < 0 ? -errno : write_all(fd, buf, len);
	if (!err && unnamed) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		unlink(tmp);
		if (linkat(AT_FDCWD, self, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0)
			err = -errno;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return nl_err_set(e, err, "write", "%s", path);
	}
	return 0;
}

int nl_file_remove(const char *path)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int err = unlink(path) < 0 && errno != ENOENT ? -errno : 0;

	if (tmp_name(path, tmp, sizeof(tmp), dir, sizeof(dir)) == 0)
		unlink(tmp);
	return err;
}

static int refuse(struct nl_err *e, int code, const char *path, const char *why)
{
	nl_err_set(e, code, "read", "%s", path);
	return nl_err_msg(e, "%s", why);
}

int nl_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		 struct nl_err *e)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP)
			return refuse(e, -ELOOP, path, "is a symbolic link");
		return nl_err_set(e, -errno, "read", "%s", path);
	}
	if (fstat(fd, &st) < 0)
		err = nl_err_set(e, -errno, "read", "%s", path);
	else if (!S_ISREG(st.st_mode))
		err = refuse(e, -EINVAL, path, "is not a regular file");
	else if ((flags & NL_FILE_OWNED) && st.st_uid != 0 && st.st_uid != getuid())
		err = refuse(e, -EPERM, path, "is not owned by root");
	else if ((flags & NL_FILE_OWNED) && (st.st_mode & 022))
		err = refuse(e, -EPERM, path, "is writable by others than its owner");
	else if ((size_t)st.st_size > max)
		err = refuse(e, -EFBIG, path, "is too large");
	else if (!(buf = malloc(max + 1)))
		err = nl_err_set(e, -ENOMEM, "read", "%s", path);
	while (!err) {
		ssize_t r = read(fd, buf + got, max + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = nl_err_set(e, -errno, "read", "%s", path);
		else if (r == 0)
			break;
		else if ((got += (size_t)r) > max)
			err = refuse(e, -EFBIG, path, "is too large");
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

const char *nl_escape(const char *s, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (n == 0)
		return buf;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool plain = ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"';

		if (o + (plain ? 1 : 4) >= n)
			break;
		if (plain) {
			buf[o++] = (char)ch;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[ch >> 4];
		buf[o++] = hex[ch & 15];
	}
	buf[o] = '\0';
	return buf;
}
