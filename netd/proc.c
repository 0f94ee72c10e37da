/* proc — is this pid the process vnet started; see proc.h. */
#include "netd/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int vn_proc_pidfd(int pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int vn_proc_signal(int fd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

bool vn_proc_ended(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return r == 1;
}

/* Reads /proc/PID/what (NUL terminated); its length, or -1. */
static ssize_t proc_read(int pid, const char *what, char *buf, size_t n)
{
	char path[64];
	ssize_t got = 0, r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((size_t)got < n - 1 && (r = read(fd, buf + got, n - 1 - (size_t)got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			got = -1;
			break;
		}
		got += r;
	}
	close(fd);
	if (got >= 0)
		buf[got] = '\0';
	return got;
}

/* The name (field 2) is in parentheses and may hold spaces and ')'
 * itself: it ends at the last ')'. */
int vn_proc_stat(int pid, char *state, unsigned long long *start)
{
	char buf[1024], *s, *end;

	if (proc_read(pid, "stat", buf, sizeof(buf)) <= 0 || !(s = strrchr(buf, ')')))
		return -1;
	s++;
	for (unsigned field = 3; field <= 22; field++) {
		s += strspn(s, " ");
		if (!*s)
			return -1;
		if (field == 3 && state)
			*state = *s;
		if (field == 22) {
			errno = 0;
			*start = strtoull(s, &end, 10);
			return end == s || errno || (*end != ' ' && *end) ? -1 : 0;
		}
		s += strcspn(s, " ");
	}
	return -1;
}

bool vn_proc_fd_is(int pid, int fd, const char *path)
{
	char link[64], to[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", pid, fd);
	n = readlink(link, to, sizeof(to) - 1);
	if (n <= 0)
		return false;
	to[n] = '\0';
	return !strcmp(to, path);
}

static bool cmd_is(const struct vn_proc_id *id, int pid)
{
	char buf[sizeof(id->cmd) + 1];
	ssize_t n = proc_read(pid, "cmdline", buf, sizeof(buf));

	return id->len && n == (ssize_t)id->len && !memcmp(buf, id->cmd, id->len);
}

static bool in_our_netns(int pid)
{
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Real and effective uid root (before the process drops it) or uid. */
static bool uid_ok(uid_t uid, int pid)
{
	char buf[2048], *s;
	unsigned long r, eff;

	if (proc_read(pid, "status", buf, sizeof(buf)) <= 0 || !(s = strstr(buf, "\nUid:")) ||
	    sscanf(s, "\nUid: %lu %lu", &r, &eff) != 2)
		return false;
	return (r == 0 || r == uid) && (eff == 0 || eff == uid);
}

/* The uid of id's user; root's (0) when there is no such user, which then
 * adds nothing. */
static uid_t user_uid(const struct vn_proc_id *id)
{
	struct passwd *pw = id->user ? getpwnam(id->user) : NULL;

	return pw ? pw->pw_uid : 0;
}

/* vn_proc_grab, with id's user as uid. Opened before the checks: a signal
 * sent through it reaches the process checked, or none. */
static int grab_as(const struct vn_proc_id *id, uid_t uid, struct vn_proc *p)
{
	unsigned long long start;
	char state = 0;
	int fd = p->pid > 0 ? vn_proc_pidfd(p->pid) : -1;

	if (fd < 0)
		return -1;
	if (vn_proc_stat(p->pid, &state, &start) < 0 || state == 'Z' || state == 'X' ||
	    (p->start ? start != p->start : !uid_ok(uid, p->pid)) || !cmd_is(id, p->pid) ||
	    !in_our_netns(p->pid)) {
		close(fd);
		return -1;
	}
	p->start = start;
	return fd;
}

int vn_proc_grab(const struct vn_proc_id *id, struct vn_proc *p)
{
	return grab_as(id, p->start ? 0 : user_uid(id), p);
}

int vn_proc_scan(const struct vn_proc_id *id, struct vn_proc *p)
{
	DIR *d = opendir("/proc");
	uid_t uid = user_uid(id);
	struct dirent *de;
	int fd = -1;

	while (d && fd < 0 && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		/* the command line first: it rules out nearly all, cheaply */
		if (*end || pid <= 0 || pid == getpid() || !cmd_is(id, (int)pid))
			continue;
		*p = (struct vn_proc){.pid = (int)pid};
		fd = grab_as(id, uid, p);
	}
	if (d)
		closedir(d);
	return fd;
}
