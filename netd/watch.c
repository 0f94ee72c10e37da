/* watch — vnetd's ears: the kernel's news of links, addresses, forwarding
 * (rtnetlink) and of the ruleset (nftables), read to learn whether
 * anything changed that concerns a network vnetd keeps; a pass then reads
 * the truth again. Everything else (another program's interfaces, tables
 * and settings) is passed over: a pass reads every kept network, so an
 * event that arms one for nothing costs as much as a repair's look.
 *
 * What concerns a kept network is what its status compares (status.c):
 * its bridge (by name, and by ifindex: renamed away, it is seen too), the
 * addresses on it, its own forwarding and the host's (all, default), its
 * ports (anything the bridge masters, and the names it had: one that
 * leaves it), its VXLAN port and its uplink (by name), and vnet's tables.
 * Names are those of the definitions as the last pass read them (an
 * interface renamed to one of them is seen). A network a command made or
 * brought up since is found by vnet's mark on its bridge, whose creation
 * arms the pass that lists it. When in doubt — a message that does not
 * read, or of a kind not known, an overrun of the socket's buffer (lost
 * messages), no pass yet (no list), a list that could not be read — it
 * counts. */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/event.h"
#include "netd/internal.h"
#include "nlink/event.h"

typedef char ifname_t[NL_IFNAMSIZ];

struct vn_watch {
	struct nl_listener l[VN_WATCH_N];
	bool all;	 /* every message counts (no list) */
	ifname_t *names; /* sorted */
	unsigned nnames;
	int *bridges; /* the kept bridges' ifindexes, sorted */
	unsigned nbridges;
};

struct vn_watch *vn_watch_new(struct nl_err *e)
{
	/* RTM_NEWNETCONF reports ip_forward changes */
	static const unsigned rt_groups[] = {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
					     RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF};
	static const unsigned nf_groups[] = {NFNLGRP_NFTABLES};
	struct vn_watch *w = calloc(1, sizeof(*w));

	if (!w) {
		nl_err_set(e, -ENOMEM, "open", "netlink listeners");
		return NULL;
	}
	w->all = true;
	w->l[VN_WATCH_LINKS].fd = w->l[VN_WATCH_RULES].fd = -1;
	if (nl_listener_open(&w->l[VN_WATCH_LINKS], NETLINK_ROUTE, rt_groups,
			     sizeof(rt_groups) / sizeof(rt_groups[0]), e) ||
	    nl_listener_open(&w->l[VN_WATCH_RULES], NETLINK_NETFILTER, nf_groups,
			     sizeof(nf_groups) / sizeof(nf_groups[0]), e)) {
		vn_watch_free(w);
		return NULL;
	}
	return w;
}

static void forget(struct vn_watch *w)
{
	free(w->names);
	free(w->bridges);
	w->names = NULL;
	w->bridges = NULL;
	w->nnames = w->nbridges = 0;
}

void vn_watch_free(struct vn_watch *w)
{
	for (unsigned i = 0; w && i < VN_WATCH_N; i++)
		nl_listener_close(&w->l[i]);
	if (w)
		forget(w);
	free(w);
}

int vn_watch_fd(const struct vn_watch *w, unsigned i)
{
	return i < VN_WATCH_N ? w->l[i].fd : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int by_index(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void add_name(struct vn_watch *w, const char *name)
{
	if (name[0])
		snprintf(w->names[w->nnames++], NL_IFNAMSIZ, "%s", name);
}

void vn_watch_keep(struct vn_watch *w, const struct vn_kept *k, unsigned n)
{
	size_t room = 0;

	forget(w);
	w->all = true;
	if (!k)
		return;
	for (unsigned i = 0; i < n; i++)
		room += 4 + k[i].ports.n;
	w->names = malloc((room ? room : 1) * sizeof(*w->names));
	w->bridges = malloc((n ? n : 1) * sizeof(*w->bridges));
	if (!w->names || !w->bridges) {
		forget(w); /* everything counts */
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		/* a definition that does not read: its bridge is likely its
		 * name (the default) */
		add_name(w, k[i].name);
		add_name(w, k[i].bridge);
		add_name(w, k[i].uplink);
		add_name(w, k[i].vxlan);
		for (unsigned j = 0; j < k[i].ports.n; j++)
			add_name(w, k[i].ports.name[j]);
		if (k[i].ifindex > 0)
			w->bridges[w->nbridges++] = k[i].ifindex;
	}
	qsort(w->names, w->nnames, sizeof(*w->names), by_name);
	qsort(w->bridges, w->nbridges, sizeof(*w->bridges), by_index);
	w->all = false;
}

static bool named(const struct vn_watch *w, const char *name)
{
	return name[0] && bsearch(name, w->names, w->nnames, sizeof(*w->names), by_name);
}

static bool bridge(const struct vn_watch *w, int ifindex)
{
	return ifindex > 0 &&
	       bsearch(&ifindex, w->bridges, w->nbridges, sizeof(*w->bridges), by_index);
}

/* Whether rtnetlink message nlh (NULL: lost ones) concerns a kept network. */
static bool rt_counts(const struct vn_watch *w, const struct nlmsghdr *nlh)
{
	struct nl_rt_event ev;

	if (!nlh || nl_rt_event_parse(nlh, &ev))
		return true;
	switch (ev.kind) {
	case NL_RT_EVENT_LINK:
		return named(w, ev.name) || bridge(w, ev.ifindex) || bridge(w, ev.master) ||
		       !strncmp(ev.alias, VN_ALIAS_PREFIX, strlen(VN_ALIAS_PREFIX));
	case NL_RT_EVENT_ADDR:
		return bridge(w, ev.ifindex);
	case NL_RT_EVENT_NETCONF:
		/* forwarding: the host's (all; default, which new bridges
		 * take) or a kept bridge's own; a new interface's settings
		 * and an old one's end come with its link's news */
		return ev.forwarding && (ev.ifindex == NL_NETCONF_ALL ||
					 ev.ifindex == NL_NETCONF_DEFAULT || bridge(w, ev.ifindex));
	}
	return true;
}

struct drain {
	const struct vn_watch *w;
	unsigned i;
	bool counts;
};

static void one(void *arg, const struct nlmsghdr *nlh)
{
	struct drain *d = arg;

	if (d->counts || d->w->all)
		d->counts = true;
	else if (d->i == VN_WATCH_LINKS)
		d->counts = rt_counts(d->w, nlh);
	else
		d->counts = !nlh || fw_event_ours(nlh);
}

bool vn_watch_drain(struct vn_watch *w, unsigned i)
{
	struct drain d = {w, i, false};

	if (i >= VN_WATCH_N)
		return false;
	nl_listener_read(&w->l[i], one, &d);
	return d.counts;
}
