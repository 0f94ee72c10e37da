/* event — netlink multicast listeners: a socket that joins groups (link,
 * address and netconf changes of rtnetlink; ruleset changes of nftables)
 * and is only read to learn that something changed. What changed is read
 * again from the kernel by whoever reacts, so a lost message (the socket's
 * buffer overran) is as good as any other: it says "look again". */
#ifndef VNET_NLINK_EVENT_H
#define VNET_NLINK_EVENT_H

#include "common/err.h"

struct nl_listener {
	int fd;
	int proto;
};

/* Opens a non-blocking socket of proto joined to groups (RTNLGRP_*,
 * NFNLGRP_*; n of them). */
int nl_listener_open(struct nl_listener *l, int proto, const unsigned *groups, unsigned n,
		     struct nl_err *e);
void nl_listener_close(struct nl_listener *l);
/* Reads everything pending without blocking; returns how many datagrams
 * arrived (an overrun counts as one), 0 when none. */
int nl_listener_drain(struct nl_listener *l);

#endif
