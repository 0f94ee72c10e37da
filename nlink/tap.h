/* tap — tap devices through /dev/net/tun (TUNSETIFF with IFF_TAP|IFF_NO_PI,
 * optional IFF_VNET_HDR and IFF_MULTI_QUEUE; TUNSETPERSIST; owner, group).
 * A tap that is not persistent vanishes with its last file descriptor. */
#ifndef VNET_NLINK_TAP_H
#define VNET_NLINK_TAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/ifname.h"

struct nl_tap_opts {
	bool vnet_hdr;
	bool multi_queue;
	bool persist;
	bool exclusive; /* IFF_TUN_EXCL: refuse (EBUSY) a tap of that name that exists */
	uid_t owner;	/* (uid_t)-1: leave unset */
	gid_t group;	/* (gid_t)-1: leave unset */
};

/* Opens (creating if needed) tap name; "" or a pattern such as "tap%d" lets
 * the kernel choose, and the chosen name is written to name. With
 * multi_queue, nfds queues are opened (fds[0..nfds-1]); else nfds is 1.
 * Returns 0 and the fds, or -errno with e naming the tap. */
int nl_tap_open(char name[NL_IFNAMSIZ], const struct nl_tap_opts *o, int *fds, unsigned nfds,
		struct nl_err *e);

/* Turns persistence on or off through an open fd of the tap. */
int nl_tap_set_persist(int fd, const char *name, bool on, struct nl_err *e);

/* Delete a persistent tap by name (opens it, clears TUNSETPERSIST). */
int nl_tap_delete(const char *name, struct nl_err *e);

#endif
