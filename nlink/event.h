/* event — netlink multicast listeners: a socket that joins groups (link,
 * address and netconf changes of rtnetlink; ruleset changes of nftables)
 * and is read to learn that something changed, and what it concerns (to
 * pass over what concerns nothing of the reader's). What changed is read
 * again from the kernel by whoever reacts, so a lost message (the socket's
 * buffer overran) is as good as any other: it says "look again". */
#ifndef VNET_NLINK_EVENT_H
#define VNET_NLINK_EVENT_H

#include <stdbool.h>

#include "common/err.h"
#include "common/ifname.h"

struct nlmsghdr;

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
/* nl_listener_drain that hands each message to fn (NULL for an overrun:
 * messages were lost, what they said is unknown). */
typedef void (*nl_listener_fn)(void *arg, const struct nlmsghdr *nlh);
int nl_listener_read(struct nl_listener *l, nl_listener_fn fn, void *arg);

/* What an rtnetlink notification of the link, address and netconf groups
 * is about, as a listener needs it to decide whether it cares. */
enum nl_rt_event_kind { NL_RT_EVENT_LINK, NL_RT_EVENT_ADDR, NL_RT_EVENT_NETCONF };
#define NL_NETCONF_ALL	   (-1) /* NETCONFA_IFINDEX_ALL: net.*.conf.all */
#define NL_NETCONF_DEFAULT (-2) /* NETCONFA_IFINDEX_DEFAULT: net.*.conf.default */
struct nl_rt_event {
	enum nl_rt_event_kind kind;
	bool gone;		/* RTM_DELLINK, RTM_DELADDR, RTM_DELNETCONF */
	int ifindex;		/* the interface's; netconf: NL_NETCONF_* for all, default */
	char name[NL_IFNAMSIZ]; /* link: its name now (after a rename, the new one) */
	char alias[128];	/* link: IFLA_IFALIAS */
	int master;		/* link: IFLA_MASTER, 0 for none */
	bool forwarding;	/* netconf: it carries the forwarding setting */
};
/* 0, or -EBADMSG for a message that is none of those or does not read. */
int nl_rt_event_parse(const struct nlmsghdr *nlh, struct nl_rt_event *ev);

#endif
