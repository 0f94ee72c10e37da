/* fdb — forwarding-database entries of bridge ports and VXLAN devices
 * (RTM_*NEIGH, family AF_BRIDGE): appending a remote tunnel end to a VXLAN
 * device's entry (the all-zero MAC for head-end replication of broadcast,
 * unknown unicast and multicast), deleting it, and listing a device's
 * entries. Knows nothing of networks or of which peers a host has. */
#ifndef VNET_NLINK_FDB_H
#define VNET_NLINK_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include "common/prefix.h"
#include "nlink/sock.h"

/* One entry as the kernel reports it. */
struct nl_fdb {
	int ifindex;	      /* the port or device it belongs to */
	int master;	      /* NDA_MASTER: the bridge, for a bridge's entry; 0 */
	uint8_t mac[6];	      /* all zero: the default (flood) entry */
	struct nl_prefix dst; /* NDA_DST, a VXLAN device's remote end; family 0: none */
	uint8_t flags;	      /* NTF_SELF, NTF_MASTER, NTF_EXT_LEARNED... */
	uint16_t state;	      /* NUD_PERMANENT, NUD_NOARP, NUD_REACHABLE... */
};

/* Appends (NLM_F_CREATE|NLM_F_APPEND) remote dst to device ifindex's entry
 * for mac, as `bridge fdb append MAC dev DEV dst DST` (self, permanent):
 * one MAC may have several remotes, which the device floods to each. A
 * remote already there is success, nothing changed. name is for error
 * messages. */
int nl_fdb_append_msg(struct nl_batch *b, int ifindex, const char *name, const uint8_t mac[6],
		      const struct nl_prefix *dst);
/* Deletes remote dst of mac from device ifindex (the other remotes stay). */
int nl_fdb_del_msg(struct nl_batch *b, int ifindex, const char *name, const uint8_t mac[6],
		   const struct nl_prefix *dst);
/* Dump of the entries of device or port ifindex (> 0). */
int nl_fdb_dump_msg(struct nl_batch *b, int ifindex);
/* Dump of the entries of bridge master's ports (the MACs it learnt). */
int nl_fdb_dump_master_msg(struct nl_batch *b, int master);
/* Decodes an RTM_NEWNEIGH of family AF_BRIDGE: 0, or -EBADMSG. */
int nl_fdb_parse(const struct nlmsghdr *nlh, struct nl_fdb *out);
/* The entries of device ifindex; *out malloc'd (free() it). */
int nl_fdb_list(struct nl_sock *s, int ifindex, struct nl_fdb **out, unsigned *n, struct nl_err *e);

#endif
