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
 * counts.
 *
 * News names the networks it concerns (vn_watch_take): a link, an address
 * or a bridge's forwarding belongs to the network whose name, bridge or
 * port it is; vnetd then looks at those alone. News of the host's
 * forwarding, of vnet's tables (shared by all), of vnet's mark on a link
 * no kept network has, and whatever is in doubt, is news for every
 * network. */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/event.h"
#include "netd/internal.h"
#include "nlink/event.h"

/* A name or a bridge's ifindex, and the kept network it belongs to. */
struct named {
	char name[NL_IFNAMSIZ];
	unsigned net;
};
struct indexed {
	int ifindex;
	unsigned net;
};

struct vn_watch {
	struct nl_listener l[VN_WATCH_N];
	bool all;	     /* every message counts (no list) */
	struct named *names; /* sorted by name */
	unsigned nnames;
	struct indexed *bridges; /* the kept bridges, sorted by ifindex */
	unsigned nbridges;
	unsigned nnets; /* kept networks */
	bool *hit;	/* per kept network: news of it since vn_watch_take */
	bool whole;	/* ... news of no one network, or in doubt */
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
	free(w->hit);
	w->names = NULL;
	w->bridges = NULL;
	w->hit = NULL;
	w->nnames = w->nbridges = w->nnets = 0;
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
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static int by_index(const void *a, const void *b)
{
	int x = ((const struct indexed *)a)->ifindex, y = ((const struct indexed *)b)->ifindex;

	return (x > y) - (x < y);
}

static void add_name(struct vn_watch *w, const char *name, unsigned net)
{
	if (!name[0])
		return;
	snprintf(w->names[w->nnames].name, NL_IFNAMSIZ, "%s", name);
	w->names[w->nnames++].net = net;
}

void vn_watch_keep(struct vn_watch *w, const struct vn_kept *k, unsigned n)
{
	size_t room = 0;

	forget(w);
	w->all = w->whole = true;
	if (!k)
		return;
	for (unsigned i = 0; i < n; i++)
		room += 4 + k[i].ports.n;
	w->names = malloc((room ? room : 1) * sizeof(*w->names));
	w->bridges = malloc((n ? n : 1) * sizeof(*w->bridges));
	w->hit = calloc(n ? n : 1, sizeof(*w->hit));
	if (!w->names || !w->bridges || !w->hit) {
		forget(w); /* everything counts */
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		/* a definition that does not read: its bridge is likely its
		 * name (the default) */
		add_name(w, k[i].name, i);
		add_name(w, k[i].bridge, i);
		add_name(w, k[i].uplink, i);
		add_name(w, k[i].vxlan, i);
		for (unsigned j = 0; j < k[i].ports.n; j++)
			add_name(w, k[i].ports.name[j], i);
		if (k[i].ifindex > 0)
			w->bridges[w->nbridges++] = (struct indexed){k[i].ifindex, i};
	}
	qsort(w->names, w->nnames, sizeof(*w->names), by_name);
	qsort(w->bridges, w->nbridges, sizeof(*w->bridges), by_index);
	w->nnets = n;
	w->all = w->whole = false;
}

/* Marks the networks that own name (several may: a port one had, another
 * has now); whether any does. */
static bool named(struct vn_watch *w, const char *name)
{
	struct named key, *f;
	size_t lo, hi;

	if (!name[0])
		return false;
	snprintf(key.name, sizeof(key.name), "%s", name);
	if (!(f = bsearch(&key, w->names, w->nnames, sizeof(*w->names), by_name)))
		return false;
	lo = hi = (size_t)(f - w->names);
	while (lo > 0 && !strcmp(w->names[lo - 1].name, name))
		lo--;
	while (hi + 1 < w->nnames && !strcmp(w->names[hi + 1].name, name))
		hi++;
	for (size_t i = lo; i <= hi; i++)
		w->hit[w->names[i].net] = true;
	return true;
}

/* Marks the network whose bridge has ifindex; whether there is one. */
static bool bridge(struct vn_watch *w, int ifindex)
{
	struct indexed key = {ifindex, 0}, *f;

	if (ifindex <= 0 ||
	    !(f = bsearch(&key, w->bridges, w->nbridges, sizeof(*w->bridges), by_index)))
		return false;
	w->hit[f->net] = true;
	return true;
}

/* Whether rtnetlink message nlh (NULL: lost ones) concerns a kept network:
 * the networks it names are marked, or (it names none of them for sure)
 * the whole. */
static bool rt_counts(struct vn_watch *w, const struct nlmsghdr *nlh)
{
	struct nl_rt_event ev;
	bool mine, known;

	if (!nlh || nl_rt_event_parse(nlh, &ev))
		return w->whole = true;
	switch (ev.kind) {
	case NL_RT_EVENT_LINK:
		/* each test marks what it finds: no short cut */
		mine = named(w, ev.name);
		known = bridge(w, ev.ifindex);
		known |= bridge(w, ev.master);
		/* vnet's mark on what is neither a kept bridge nor on one: a
		 * network a command brought up, which a list finds */
		if (!known && !strncmp(ev.alias, VN_ALIAS_PREFIX, strlen(VN_ALIAS_PREFIX)))
			return w->whole = true;
		return mine || known;
	case NL_RT_EVENT_ADDR:
		return bridge(w, ev.ifindex);
	case NL_RT_EVENT_NETCONF:
		/* forwarding: the host's (all; default, which new bridges
		 * take: every network) or a kept bridge's own; a new
		 * interface's settings and an old one's end come with its
		 * link's news */
		if (!ev.forwarding)
			return false;
		if (ev.ifindex == NL_NETCONF_ALL || ev.ifindex == NL_NETCONF_DEFAULT)
			return w->whole = true;
		return bridge(w, ev.ifindex);
	}
	return w->whole = true;
}

struct drain {
	struct vn_watch *w;
	unsigned i;
	bool counts;
};

static void one(void *arg, const struct nlmsghdr *nlh)
{
	struct drain *d = arg;

	if (d->w->all || (d->i == VN_WATCH_RULES && (!nlh || fw_event_ours(nlh))))
		d->counts = d->w->whole = true; /* rules: no one network's */
	else if (d->i == VN_WATCH_LINKS && rt_counts(d->w, nlh))
		d->counts = true;
}

bool vn_watch_drain(struct vn_watch *w, unsigned i)
{
	struct drain d = {w, i, false};

	if (i >= VN_WATCH_N)
		return false;
	nl_listener_read(&w->l[i], one, &d);
	return d.counts;
}

bool vn_watch_take(struct vn_watch *w, bool *hit, unsigned n)
{
	bool whole = w->all || w->whole || n != w->nnets;

	for (unsigned i = 0; !whole && i < n; i++)
		hit[i] |= w->hit[i];
	if (w->hit)
		memset(w->hit, 0, w->nnets * sizeof(*w->hit));
	w->whole = w->all;
	return whole;
}
