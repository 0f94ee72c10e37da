/* link — rtnetlink links: bridges, veth pairs, generic changes (up/down,
 * master, MTU, MAC, txqueuelen, alias), delete, get and dump.
 *
 * Builders append one message to a batch and name the link by its name when
 * ifindex is 0 (the kernel looks it up), so a caller can create a link and
 * change it in the same send. Convenience calls (nl_link_get, nl_link_list)
 * build, send and decode in one go. Taps come from tap.h, bridge-port flags
 * from brport.h. */
#ifndef VNET_NLINK_LINK_H
#define VNET_NLINK_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ifname.h"
#include "common/prefix.h"
#include "nlink/sock.h"

/* A link as the kernel reports it. */
struct nl_link {
	int ifindex;
	char name[NL_IFNAMSIZ];
	char kind[16];	     /* IFLA_INFO_KIND: "bridge", "veth", "tun"...; "" for none */
	char slave_kind[16]; /* IFLA_INFO_SLAVE_KIND: "bridge" for a bridge port */
	char alias[128];     /* IFLA_IFALIAS */
	int master;	     /* ifindex of the master, 0 for none */
	unsigned flags;	     /* IFF_UP, IFF_RUNNING... */
	unsigned mtu, min_mtu, max_mtu;
	unsigned txqlen;
	uint8_t mac[6];
	bool has_mac;
	int link_netnsid; /* IFLA_LINK_NETNSID, -1 when absent */
	int link;	  /* IFLA_LINK (a veth's peer), 0 when absent */
	/* Bridge-port state, when slave_kind is "bridge" (IFLA_INFO_SLAVE_DATA). */
	struct {
		bool valid;
		bool isolated, hairpin, learning, unicast_flood, neigh_suppress;
	} port;
	/* Bridge attributes, when kind is "bridge" (IFLA_INFO_DATA). */
	struct {
		bool valid;
		unsigned stp_state;
		unsigned forward_delay; /* in centiseconds (USER_HZ), as ip -d shows */
	} bridge;
	/* VXLAN attributes, when kind is "vxlan" (IFLA_INFO_DATA). */
	struct {
		bool valid;
		uint32_t vni;
		struct nl_prefix local; /* family 0: none */
		uint16_t dstport;	/* host order */
		bool learning;
	} vxlan;
};

/* A set of changes to one link. Only the fields named in mask are sent. */
enum {
	NL_LINK_UP = 1u << 0,
	NL_LINK_DOWN = 1u << 1,
	NL_LINK_MASTER = 1u << 2, /* master = ifindex; 0 releases (nomaster) */
	NL_LINK_MTU = 1u << 3,
	NL_LINK_MAC = 1u << 4,
	NL_LINK_TXQLEN = 1u << 5,
	NL_LINK_ALIAS = 1u << 6, /* alias = text; "" removes it */
	NL_LINK_NETNS = 1u << 7, /* netns_fd: move the link into that namespace */
};

struct nl_link_change {
	unsigned mask;
	int master;
	unsigned mtu;
	uint8_t mac[6];
	unsigned txqlen;
	const char *alias;
	int netns_fd;
};

struct nl_bridge_opts {
	bool stp;		/* default false */
	unsigned forward_delay; /* centiseconds; default 0 */
	unsigned mtu;		/* 0: the kernel's default. Set at creation it is
				 * not pinned: the bridge still follows its ports
				 * until an NL_LINK_MTU change pins it. */
	const uint8_t *mac;	/* NULL: random */
};

/* Create a bridge (NLM_F_CREATE|NLM_F_EXCL). o may be NULL for defaults. */
int nl_bridge_add_msg(struct nl_batch *b, const char *name, const struct nl_bridge_opts *o);

/* A VXLAN device: VNI, the local underlay address (the tunnels' source),
 * UDP destination port, and whether it learns remote MACs from what it
 * receives (off when a control plane, EVPN, installs them). */
#define NL_VXLAN_PORT	 4789 /* IANA's */
#define NL_VXLAN_VNI_MAX 16777215u
struct nl_vxlan_opts {
	uint32_t vni;		/* 1..NL_VXLAN_VNI_MAX */
	struct nl_prefix local; /* a plain address; family 0: none */
	uint16_t dstport;	/* 0: NL_VXLAN_PORT */
	bool learning;
	unsigned mtu; /* 0: the kernel's */
};

/* Create a VXLAN device (NLM_F_CREATE|NLM_F_EXCL). */
int nl_vxlan_add_msg(struct nl_batch *b, const char *name, const struct nl_vxlan_opts *o);

/* Create a veth pair; the peer goes into namespace peer_netns_fd when >= 0. */
int nl_veth_add_msg(struct nl_batch *b, const char *name, const char *peer, int peer_netns_fd);

/* Apply a change to the link with this ifindex, or, when ifindex is 0, the
 * link called name. name is used in error messages either way. */
int nl_link_change_msg(struct nl_batch *b, int ifindex, const char *name,
		       const struct nl_link_change *c);

int nl_link_del_msg(struct nl_batch *b, int ifindex, const char *name);

/* RTM_GETLINK for one link (by ifindex, or by name when 0); the reply is
 * decoded with nl_link_parse. */
int nl_link_get_msg(struct nl_batch *b, int ifindex, const char *name);

/* RTM_GETLINK dump of all links; master > 0 asks the kernel to return only
 * that bridge's ports. */
int nl_link_dump_msg(struct nl_batch *b, int master);

/* Decodes an RTM_NEWLINK message. Returns 0 or -EBADMSG. */
int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *out);

/* Get one link by name. -ENODEV when there is none. */
int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *out, struct nl_err *e);

/* The ifindex of link name, asked without a netlink round trip (an
 * ioctl on the socket), so that one send can read the link and what is
 * kept by its ifindex (its addresses, its routes); -ENODEV when there is
 * none. The name may go to another link after the answer: whoever reads
 * the link by that index checks its name. */
int nl_link_index(struct nl_sock *s, const char *name);

/* All links (master > 0: that bridge's ports). *out is malloc'd; free() it. */
int nl_link_list(struct nl_sock *s, int master, struct nl_link **out, unsigned *n,
		 struct nl_err *e);

/* Send-and-wait wrappers for the common single changes. */
int nl_link_change(struct nl_sock *s, const char *name, const struct nl_link_change *c,
		   struct nl_err *e);
int nl_link_del(struct nl_sock *s, const char *name, struct nl_err *e);

#endif
