/* route — routes in the main table (add, delete, replace, dump): gateway,
 * device, metric, protocol, scope; and the dump of one link's routes in
 * every table. */
#ifndef VNET_NLINK_ROUTE_H
#define VNET_NLINK_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/prefix.h"
#include "nlink/sock.h"

struct nl_route {
	uint8_t family;		  /* AF_INET, AF_INET6 */
	struct nl_prefix dst;	  /* len 0 for the default route */
	struct nl_prefix gw;	  /* family 0 when there is no gateway */
	struct nl_prefix prefsrc; /* family 0 when none */
	int oif;		  /* 0 when none */
	uint32_t metric;	  /* RTA_PRIORITY */
	uint8_t protocol;	  /* RTPROT_*; 0 means RTPROT_BOOT when adding */
	uint8_t scope;		  /* RT_SCOPE_*; adding: 0 = universe, or link when no gateway */
	uint8_t type;		  /* RTN_*; 0 means RTN_UNICAST when adding */
	uint32_t table;		  /* 0 means RT_TABLE_MAIN when adding */
	uint32_t flags;		  /* rtm_flags: RTNH_F_ONLINK... (kept when a route moves) */
	uint8_t tos;		  /* rtm_tos (IPv4) */
};

enum { NL_ROUTE_ADD = 0, NL_ROUTE_REPLACE = 1 };

int nl_route_add_msg(struct nl_batch *b, const struct nl_route *r, int how);
int nl_route_del_msg(struct nl_batch *b, const struct nl_route *r);
/* Dump routes of one family (AF_UNSPEC: both) of the main table. */
int nl_route_dump_msg(struct nl_batch *b, int family);
/* Dump the routes of every table, local included, whose next hop (or one
 * of them) goes through link oif: the kernel filters (strict checking), so
 * the answer does not grow with the host's other routes. Other families
 * (AF_UNSPEC: multicast routing too) are for the parser to pass over. */
int nl_route_dump_dev_msg(struct nl_batch *b, int family, int oif);
/* A FIB lookup of dst (RTM_GETROUTE with RTM_F_FIB_MATCH, no dump): the
 * reply is the route that matched, prefix length and all (a default route
 * has length 0); ENETUNREACH when none does. */
int nl_route_lookup_msg(struct nl_batch *b, const struct nl_prefix *dst);
int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *out);
/* Main-table routes only; *out is malloc'd; free() it. */
int nl_route_list(struct nl_sock *s, int family, struct nl_route **out, unsigned *n,
		  struct nl_err *e);

#endif
