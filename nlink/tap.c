/* tap — tap devices through /dev/net/tun; see tap.h. Owns the TUNSET*
 * ioctls. Links made here are ordinary links afterwards: up, master, MTU and
 * the rest go through link.c. */
#include "nlink/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TUN_DEV "/dev/net/tun"

static void close_all(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
}

/* Opens /dev/net/tun and attaches it to tap name (creating the tap, or one
 * more queue of it); the kernel's choice of name comes back in name. */
static int attach(char name[NL_IFNAMSIZ], short flags, int *fd)
{
	struct ifreq ifr;
	int err = 0;

	*fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = flags;
	memcpy(ifr.ifr_name, name, strnlen(name, NL_IFNAMSIZ - 1));
	if (ioctl(*fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(*fd);
		*fd = -1;
		return err;
	}
	memcpy(name, ifr.ifr_name, NL_IFNAMSIZ - 1);
	name[NL_IFNAMSIZ - 1] = '\0';
	return 0;
}

/* Owner, group, then persistence, like ip tuntap: persistence last, so a
 * failure before it leaves no tap behind once the fds are closed. */
static int configure(int fd, const struct nl_tap_opts *o, const char **op)
{
	if (o->owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)o->owner) < 0) {
		*op = "set owner";
		return -errno;
	}
	if (o->group != (gid_t)-1 && ioctl(fd, TUNSETGROUP, (unsigned long)o->group) < 0) {
		*op = "set group";
		return -errno;
	}
	if (o->persist && ioctl(fd, TUNSETPERSIST, 1UL) < 0) {
		*op = "set persist";
		return -errno;
	}
	return 0;
}

static int check_args(const char *name, const struct nl_tap_opts *o, const int *fds, unsigned nfds,
		      struct nl_err *e)
{
	size_t len = strnlen(name, NL_IFNAMSIZ);

	if (!o || !fds || nfds == 0 || (!o->multi_queue && nfds != 1)) {
		nl_err_set(e, -EINVAL, "create", "tap %s", name);
		nl_err_msg(e, "%s", "one fd, or with multi_queue one or more");
		nl_err_kind(e, NL_ERR_INVALID);
		return -EINVAL;
	}
	if (len >= NL_IFNAMSIZ) {
		nl_err_set(e, -EINVAL, "create", "tap %.*s", NL_IFNAMSIZ - 1, name);
		nl_err_msg(e, "%s", "name must be at most 15 bytes");
		nl_err_kind(e, NL_ERR_INVALID);
		return -EINVAL;
	}
	/* "" and patterns such as "tap%d" are the kernel's to fill in. */
	if (len == 0 || strchr(name, '%'))
		return 0;
	return nl_ifname_check(name, "tap", e);
}

int nl_tap_open(char name[NL_IFNAMSIZ], const struct nl_tap_opts *o, int *fds, unsigned nfds,
		struct nl_err *e)
{
	short flags = IFF_TAP | IFF_NO_PI;
	const char *op = "create";
	unsigned opened = 0;
	int err = check_args(name, o, fds, nfds, e);

	if (err)
		return err;
	if (o->vnet_hdr)
		flags |= IFF_VNET_HDR;
	if (o->multi_queue)
		flags |= IFF_MULTI_QUEUE;
	/* The first attach fixes the name (exclusive: a tap of that name that
	 * appeared meanwhile is refused, not taken over); the other queues
	 * join it. */
	for (; opened < nfds; opened++) {
		short f = opened == 0 && o->exclusive ? flags | IFF_TUN_EXCL : flags;

		err = attach(name, f, &fds[opened]);
		if (err) {
			op = opened ? "open queue" : "create";
			goto out;
		}
	}
	err = configure(fds[0], o, &op);
out:
	if (err) {
		close_all(fds, opened);
		nl_err_set(e, err, op, "tap %s", name[0] ? name : "(new)");
	}
	return err;
}

int nl_tap_set_persist(int fd, const char *name, bool on, struct nl_err *e)
{
	if (ioctl(fd, TUNSETPERSIST, on ? 1UL : 0UL) < 0)
		return nl_err_set(e, -errno, on ? "set persist" : "clear persist", "tap %s", name);
	return 0;
}

int nl_tap_delete(const char *name, struct nl_err *e)
{
	char n[NL_IFNAMSIZ];
	int fd = -1, err = nl_ifname_check(name, "tap", e);

	if (err)
		return err;
	/* TUNSETIFF would create a missing tap: look first. */
	if (if_nametoindex(name) == 0)
		return nl_err_set(e, -ENODEV, "delete", "tap %s", name);
	snprintf(n, sizeof(n), "%s", name);
	/* The queue mode must match the tap's; try single, then multi. */
	err = attach(n, IFF_TAP | IFF_NO_PI, &fd);
	if (err == -EINVAL)
		err = attach(n, IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE, &fd);
	if (err == 0 && ioctl(fd, TUNSETPERSIST, 0UL) < 0)
		err = -errno;
	/* Closing the last fd of a tap that is not persistent removes it. */
	if (fd >= 0)
		close(fd);
	if (err)
		nl_err_set(e, err, "delete", "tap %s", name);
	if (err == -EINVAL)
		nl_err_msg(e, "%s", "not a tap device");
	return err;
}
