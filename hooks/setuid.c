/* setuid — the helper's way from setuid root to euid 0 with CAP_NET_ADMIN
 * alone; see setuid.h. */
#include "hooks/setuid.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int fail(char *why, size_t n, const char *what)
{
	int err = errno ? -errno : -EPERM;

	snprintf(why, n, "%s: %s", what, strerror(-err));
	return err;
}

/* Who called: the ids the kernel gave, before any of them changes. */
static int record(struct vh_caller *who, char *why, size_t n)
{
	int k = getgroups(0, NULL);

	who->uid = getuid();
	who->gid = getgid();
	who->ngroups = 0;
	who->groups = NULL;
	if (k < 0 || !(who->groups = calloc((size_t)k + 1, sizeof(gid_t))))
		return fail(why, n, "read the caller's groups");
	if ((k = getgroups(k, who->groups)) < 0)
		return fail(why, n, "read the caller's groups");
	who->ngroups = (unsigned)k;
	return 0;
}

/* 0, 1 and 2 open, so that no file the helper opens is taken for one. */
static int stdio_open(char *why, size_t n)
{
	for (int fd = 0; fd < 3; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if ((nfd = open("/dev/null", O_RDWR)) != fd) {
			if (nfd >= 0)
				close(nfd);
			errno = EBADF;
			return fail(why, n, "open /dev/null for a closed standard stream");
		}
	}
	return 0;
}

/* Every uid, gid and group root's: the caller can no longer signal it,
 * and what it writes is root's. */
static int become_root(char *why, size_t n)
{
	if (setgroups(0, NULL) < 0)
		return fail(why, n, "drop the caller's groups");
	if (setresgid(0, 0, 0) < 0)
		return fail(why, n, "set gid 0");
	if (setresuid(0, 0, 0) < 0)
		return fail(why, n, "set uid 0");
	return 0;
}

/* CAP_NET_ADMIN, permitted and effective; nothing else anywhere. */
static int keep_net_admin(char *why, size_t n)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {{0}};

	/* the bounding set first: dropping needs CAP_SETPCAP, still held */
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return fail(why, n, "drop the bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return fail(why, n, "clear the ambient set");
	d[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted = CAP_TO_MASK(CAP_NET_ADMIN);
	d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective = CAP_TO_MASK(CAP_NET_ADMIN);
	if (syscall(SYS_capset, &h, d) < 0)
		return fail(why, n, "keep CAP_NET_ADMIN alone");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(why, n, "set no_new_privs");
	return 0;
}

int vh_setuid_enter(struct vh_caller *who, char *why, size_t n)
{
	int err;

	errno = 0;
	if ((err = record(who, why, n)))
		return err;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(why, n, "turn core dumps off");
	if (clearenv() != 0 || setenv("PATH", SAFE_PATH, 1) != 0)
		return fail(why, n, "clear the environment");
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if ((err = stdio_open(why, n)))
		return err;
	if (geteuid() != 0) {
		snprintf(why, n,
			 "must run setuid root (`vnet hooks install` installs it so): its euid "
			 "is %u",
			 (unsigned)geteuid());
		return -EPERM;
	}
	if ((err = become_root(why, n)) || (err = keep_net_admin(why, n)))
		return err;
	umask(022);
	if (chdir("/") < 0)
		return fail(why, n, "change to /");
	return 0;
}
