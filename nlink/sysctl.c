/* sysctl — network sysctls under /proc/sys/net; see sysctl.h. Owns the key
 * to path translation and the error wording. /proc/sys/net is per network
 * namespace, so this reads and writes the caller's namespace only. */
#include "nlink/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SYSCTL_ROOT "/proc/sys/net/"

/* Fills path and the dotted name for messages ("net.ipv4.ip_forward").
 * A key with a '/' is a path already, so its dots stay (interface names
 * such as eth0.100 have them); a dotted key has '.' for '/'. */
static int key_paths(const char *key, char *path, size_t np, char *dotted, size_t nd,
		     struct nl_err *e, const char *op)
{
	bool slashed = strchr(key, '/') != NULL;
	size_t root = strlen(SYSCTL_ROOT);
	int n = snprintf(path, np, SYSCTL_ROOT "%s", key);

	snprintf(dotted, nd, "net.%s", key);
	for (char *p = dotted; *p; p++)
		if (*p == '/')
			*p = '.';
	if (!key[0] || key[0] == '/' || key[0] == '.' || strstr(key, "..") || n < 0 ||
	    (size_t)n >= np) {
		nl_err_set(e, -EINVAL, op, "sysctl %s", dotted);
		nl_err_msg(e, "%s", "not a sysctl key under net");
		nl_err_kind(e, NL_ERR_INVALID);
		return -EINVAL;
	}
	for (char *p = path + root; !slashed && *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

/* Reads the whole value: integer sysctls answer only a read at offset 0, so
 * it must be one read into a buffer big enough for any value under net. */
int nl_sysctl_read(const char *key, char *buf, size_t n, struct nl_err *e)
{
	char path[256], dotted[128], val[4096];
	ssize_t len = -1;
	int fd, err = key_paths(key, path, sizeof(path), dotted, sizeof(dotted), e, "read");

	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		len = read(fd, val, sizeof(val) - 1);
	if (len < 0)
		err = nl_err_set(e, -errno, "read", "sysctl %s", dotted);
	if (fd >= 0)
		close(fd);
	if (err)
		return err;
	while (len > 0 && val[len - 1] == '\n')
		len--;
	/* A value that does not fit is an error, not a shorter value. */
	if ((size_t)len >= n || (size_t)len == sizeof(val) - 1)
		return nl_err_set(e, -EOVERFLOW, "read", "sysctl %s", dotted);
	memcpy(buf, val, (size_t)len);
	buf[len] = '\0';
	return 0;
}

int nl_sysctl_write(const char *key, const char *value, struct nl_err *e)
{
	char path[256], dotted[128];
	size_t len = strlen(value);
	ssize_t w = 0;
	int fd, err = key_paths(key, path, sizeof(path), dotted, sizeof(dotted), e, "write");

	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		w = write(fd, value, len);
	if (fd < 0 || w < 0)
		err = nl_err_set(e, -errno, "write", "sysctl %s", dotted);
	else if ((size_t)w != len)
		err = nl_err_set(e, -EIO, "write", "sysctl %s", dotted);
	if (fd >= 0 && close(fd) < 0 && !err)
		err = nl_err_set(e, -errno, "write", "sysctl %s", dotted);
	return err;
}
