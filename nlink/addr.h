/* addr — IPv4 and IPv6 addresses on links (RTM_NEWADDR/DELADDR/GETADDR). */
#ifndef VNET_NLINK_ADDR_H
#define VNET_NLINK_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ifname.h"
#include "common/prefix.h"
#include "nlink/sock.h"

#define NL_LIFETIME_FOREVER 0xffffffffu

struct nl_ifaddr {
	int ifindex;
	struct nl_prefix addr;		   /* address with its prefix length */
	uint32_t flags;			   /* IFA_F_* (from IFA_FLAGS when present) */
	uint8_t scope;			   /* RT_SCOPE_* */
	uint32_t valid_lft, preferred_lft; /* seconds; NL_LIFETIME_FOREVER */
	char label[NL_IFNAMSIZ];	   /* IPv4 label, "" when none; the kernel
					    * reports the device name for an IPv4
					    * address added without one */
	/* IPv4 broadcast: when adding, family 0 means the subnet's last
	 * address (`brd +`) unless no_broadcast; parsing fills it, or sets
	 * no_broadcast when the address has none, so a copy is exact. */
	struct nl_prefix broadcast;
	bool no_broadcast;
};

/* Add an address. flags, scope and lifetimes are taken from a (a zeroed
 * struct with only ifindex and addr set gives a permanent universe-scope
 * address; lifetimes of 0 are read as forever). NLM_F_EXCL: an address that
 * is already there is -EEXIST. */
int nl_addr_add_msg(struct nl_batch *b, const struct nl_ifaddr *a, const char *ifname);
int nl_addr_del_msg(struct nl_batch *b, const struct nl_ifaddr *a, const char *ifname);

/* Dump addresses of one family (AF_UNSPEC: both) of one link (0: all). */
int nl_addr_dump_msg(struct nl_batch *b, int family, int ifindex);
int nl_addr_parse(const struct nlmsghdr *nlh, struct nl_ifaddr *out);

/* *out is malloc'd; free() it. */
int nl_addr_list(struct nl_sock *s, int family, int ifindex, struct nl_ifaddr **out, unsigned *n,
		 struct nl_err *e);

#endif
