/* brport — bridge-port flags (IFLA_PROTINFO / IFLA_BRPORT_*): isolated,
 * hairpin, learning, unicast flood, neighbour suppression. By ifindex the message goes to family
 * AF_BRIDGE (RTM_SETLINK, IFLA_PROTINFO); by name (ifindex 0) it goes as
 * RTM_NEWLINK with IFLA_INFO_SLAVE_DATA, because the kernel's AF_BRIDGE
 * handler looks the port up by ifi_index only. Either way it only works once
 * the port has its master; it may follow the enslaving message in the same
 * batch. Reading them back: struct nl_link's port. */
#ifndef VNET_NLINK_BRPORT_H
#define VNET_NLINK_BRPORT_H

#include <stdbool.h>

#include "nlink/sock.h"

enum {
	NL_BRPORT_ISOLATED = 1u << 0,
	NL_BRPORT_HAIRPIN = 1u << 1,
	NL_BRPORT_LEARNING = 1u << 2,
	NL_BRPORT_UNICAST_FLOOD = 1u << 3,
	/* the bridge answers ARP and ND from its neighbour entries instead of
	 * flooding them to the port (a VXLAN port under EVPN) */
	NL_BRPORT_NEIGH_SUPPRESS = 1u << 4,
};

struct nl_brport {
	unsigned mask; /* which of the flags below to set */
	bool isolated, hairpin, learning, unicast_flood, neigh_suppress;
};

/* Port by ifindex, or by name when ifindex is 0. */
int nl_brport_set_msg(struct nl_batch *b, int ifindex, const char *name, const struct nl_brport *p);
int nl_brport_set(struct nl_sock *s, const char *name, const struct nl_brport *p, struct nl_err *e);

#endif
