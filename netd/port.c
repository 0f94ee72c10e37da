/* port — attaching an existing interface to a network, and detaching it:
 * the path of `vnet port add/del`, of the qemu hooks and of the launcher's
 * taps, so it stays lean (nlink, the bridge cache and, when that is
 * missing, the definition; no rules, no JSON).
 *
 * Never the host's own NIC. An interface that holds a global address
 * (scope universe or site, IPv4 or IPv6) or is the device of a route in any
 * table but the local one (save the fe80::/64 and multicast ff00::/8 routes
 * the kernel gives every up IPv6 link) carries the host's traffic, which
 * enslaving would cut: attaching refuses it, naming the address or the
 * route. Only a bridged network's uplink (uplink.c) puts such a NIC on a
 * bridge, on purpose, moving its addresses. Detaching takes one that got
 * onto a vnet bridge some other way off it, but never sets it down.
 *
 * Attaching reads, then changes once. The first send reads the port by the
 * ifindex an ioctl gave (so that every read is of one link), the bridge of
 * the index cached when the network came up (confirming the cache), and
 * the port's addresses (a dump the kernel filters by ifindex). A down link
 * has no route through it (the kernel flushes them when it goes down and
 * refuses new ones; an IPv4 address keeps only its local-table route), so
 * only an up port costs a second read: its routes in every table (a dump
 * the kernel filters by device). Neither read grows with the host's other
 * addresses and routes, and a socket runs one dump at a time, so the two
 * cannot share a send. qemu's tap is new and down: an ioctl and two sends,
 * as before the check. What the port is decides before anything changes,
 * so a loopback, a bridge, a port of another master, a bridged network's
 * uplink, the host's NIC or one that cannot take the network's MTU is
 * refused and left as it was. The change gives the port the network's
 * MTU, makes it join and come up, and sets its port flags (they need the
 * master set); requests of one send are not a transaction, so a partial
 * success is put back. A stale or missing cache costs the definition and
 * one more read.
 *
 * Detaching decides by the kernel's truth, never by the network the
 * environment or a mapping names now: the port's master, when it is a
 * bridge whose alias is vnet:NAME, is network NAME's; anything else is left
 * as it is. It reads the port and its addresses, then its master (and its
 * routes, when it is up), then changes. The kernel is the record of a
 * network's ports, so attaching writes no state file. A bridged network's
 * uplink (the cache names it, else the record of what runs, else the
 * definition) is never a port command's: it goes back only with its
 * network.
 *
 * The tuner's profile (vt_auto_profile(), measured by bench/offload)
 * rides in the change message: its txqueuelen, when it sets one. Its knobs
 * need no message today: GSO on is what every new link has, a tap's TSO is
 * qemu's (TUNSETOFFLOAD after the hook ran) and GRO is left, so the profile
 * changes nothing on a tap and attaching sends nothing more for it. A
 * profile that turned a knob off would need an ethtool send here;
 * tests/ns_hooks.c fails when the profile starts asking for one. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/brport.h"
#include "netd/internal.h"
#include "nlink/route.h"
#include "netd/store.h"
#include "tune/tune.h"

/* What the port path reads of a port: the link, a bridge (attaching: the
 * cached one; detaching: the port's master), and what of the host goes
 * through the port: its first global address, its first route that is not
 * the kernel's own. The request index of each read says whose a reply is
 * (-1: not in this send). */
struct seen {
	int ifindex;
	struct nl_link port, br;
	struct nl_ifaddr addr; /* addr.family 0: none */
	struct nl_route route; /* family 0: none */
	int iport, ibr, iaddr, iroute;
};

/* Whether route r through the port is the host's: any but the local
 * table's and the two the kernel gives every up IPv6 link. */
static bool hosts_route(const struct nl_route *r)
{
	static const struct nl_prefix ll = {.family = AF_INET6, .len = 64, .a.b = {0xfe, 0x80}},
				      mc = {.family = AF_INET6, .len = 8, .a.b = {0xff}};

	if (r->table == RT_TABLE_LOCAL)
		return false;
	return !(r->family == AF_INET6 && r->protocol == RTPROT_KERNEL &&
		 (nl_prefix_equal(&r->dst, &ll) ||
		  (r->type == RTN_MULTICAST && nl_prefix_equal(&r->dst, &mc))));
}

static int got_addr(const struct nlmsghdr *nlh, struct seen *s)
{
	struct nl_ifaddr a;
	int err = nl_addr_parse(nlh, &a);

	if (err)
		return err == -EAFNOSUPPORT ? 0 : err;
	/* universe or site; link and host scopes reach no other host */
	if (a.ifindex == s->ifindex && a.scope < RT_SCOPE_LINK && !s->addr.addr.family)
		s->addr = a;
	return 0;
}

static int got_route(const struct nlmsghdr *nlh, struct seen *s)
{
	struct nl_route r;
	int err = nl_route_parse(nlh, &r);

	if (err)
		return err == -EAFNOSUPPORT ? 0 : err;
	/* the kernel kept the port's routes; a multipath one names no oif (a
	 * kernel without strict checking, before 4.20, sends every route: then
	 * a multipath route elsewhere refuses the port too) */
	if ((r.oif == s->ifindex || (!r.oif && r.type == RTN_UNICAST)) && hosts_route(&r) &&
	    !s->route.family)
		s->route = r;
	return 0;
}

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct seen *s = data;
	int i = (int)idx;

	if (i == s->iport)
		return nl_link_parse(nlh, &s->port);
	if (i == s->ibr)
		return nl_link_parse(nlh, &s->br);
	if (i == s->iaddr)
		return got_addr(nlh, s);
	return i == s->iroute ? got_route(nlh, s) : 0;
}

static int gone(struct nl_err *e, const char *ifname)
{
	nl_err_set(e, -ENODEV, "get", "link %s", ifname);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return -ENODEV;
}

/* The first read: the port, bridge br when br > 0 (its failure is the
 * caller's to judge: s->br stays zeroed), and the port's addresses. */
static int read_port(struct vn_ctx *c, const char *ifname, int br, struct seen *s, struct nl_err *e)
{
	struct nl_req *req = c->b->req;
	struct nl_sock *rt;
	int err;

	*s = (struct seen){.iport = 0, .ibr = -1, .iaddr = -1, .iroute = -1};
	if ((err = vn_rt(c, &rt, e)))
		return err;
	if ((s->ifindex = nl_link_index(rt, ifname)) <= 0)
		return s->ifindex == -ENODEV ? gone(e, ifname)
					     : nl_err_set(e, s->ifindex, "get", "link %s", ifname);
	nl_batch_reset(c->b);
	err = nl_link_get_msg(c->b, s->ifindex, ifname);
	if (!err && br > 0) {
		s->ibr = (int)c->b->n;
		err = nl_link_get_msg(c->b, br, NULL);
	}
	if (!err) {
		s->iaddr = (int)c->b->n;
		err = nl_addr_dump_msg(c->b, AF_UNSPEC, s->ifindex);
	}
	if (err)
		return nl_err_set(e, err, "get", "link %s", ifname);
	err = vn_send(c, NULL, got, s, e);
	/* gone, or renamed, since the ioctl */
	if (req[0].err == -ENODEV || (!req[0].err && strcmp(s->port.name, ifname)))
		return gone(e, ifname);
	if (req[0].err)
		return err;
	if (req[s->iaddr].err)
		return nl_err_set(e, req[s->iaddr].err, "list", "addresses of %s", ifname);
	nl_err_clear(e);
	return 0;
}

/* The second read, when one is needed: bridge br (br > 0), and the port's
 * routes when it is up and holds no global address (that alone decides). */
static int read_more(struct vn_ctx *c, struct seen *s, int br, struct nl_err *e)
{
	bool routes = (s->port.flags & IFF_UP) && !s->addr.addr.family;
	int err = 0;

	if (br <= 0 && !routes)
		return 0;
	s->iport = s->ibr = s->iaddr = s->iroute = -1;
	nl_batch_reset(c->b);
	if (br > 0) {
		s->ibr = (int)c->b->n;
		err = nl_link_get_msg(c->b, br, NULL);
	}
	if (!err && routes) {
		s->iroute = (int)c->b->n;
		err = nl_route_dump_dev_msg(c->b, AF_UNSPEC, s->ifindex);
	}
	if (err)
		return nl_err_set(e, err, "get", "link %s", s->port.name);
	return vn_send(c, NULL, got, s, e);
}

/* Puts the port back as it was: MTU, master, up or down (the kernel
 * applies a change's MTU before it refuses its master). */
static void restore(struct vn_ctx *c, const char *ifname, const struct nl_link *pre)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER |
					    (pre->flags & IFF_UP ? NL_LINK_UP : NL_LINK_DOWN),
				    .mtu = pre->mtu,
				    .master = pre->master};
	struct nl_sock *rt;

	if (!vn_rt(c, &rt, NULL))
		nl_link_change(rt, ifname, &ch, NULL);
}

/* Whether the port, as it is, may join bridge bc of network name at all:
 * refused before anything changes. */
static int acceptable(const struct nl_link *pre, const struct vn_bridge_cache *bc, const char *name,
		      const char *ifname, struct nl_err *e)
{
	char obj[NL_IFNAMSIZ + 16];

	snprintf(obj, sizeof(obj), "interface %s", ifname);
	if (pre->flags & IFF_LOOPBACK)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "is a loopback: it cannot be a port");
	if (!strcmp(pre->kind, "bridge"))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "is a bridge: it cannot be a port");
	if (pre->master && pre->master != bc->ifindex)
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			       "is a port of another master: vnet takes no interface from it");
	/* its port flags are not a guest's (isolated, it would cut the LAN off) */
	if (!strcmp(bc->uplink, ifname))
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			       "is the uplink of bridged network %s: it is on the bridge already",
			       name);
	if (pre->max_mtu && pre->max_mtu < bc->mtu) {
		nl_err_set(e, -EINVAL, "attach", "port %s", ifname);
		nl_err_kind(e, NL_ERR_INVALID);
		return nl_err_msg(e, "cannot take the network's MTU %u (its maximum is %u)",
				  bc->mtu, pre->max_mtu);
	}
	return 0;
}

/* "default via 192.0.2.1", "198.51.100.0/24 table 100" */
static const char *route_str(const struct nl_route *r, char *buf, size_t n)
{
	char dst[NL_PREFIX_STRLEN] = "default", gw[NL_PREFIX_STRLEN] = "", table[24] = "";

	if (r->dst.len)
		nl_prefix_str(&r->dst, true, dst, sizeof(dst));
	if (r->gw.family)
		nl_prefix_str(&r->gw, false, gw, sizeof(gw));
	if (r->table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " table %u", r->table);
	snprintf(buf, n, "%s%s%s%s", dst, gw[0] ? " via " : "", gw, table);
	return buf;
}

/* Refuses the host's NIC: a global address, or a route of the host. */
static int not_the_hosts(const struct seen *s, const char *ifname, struct nl_err *e)
{
	char what[160], p[NL_PREFIX_STRLEN * 2 + 24], obj[NL_IFNAMSIZ + 16];

	if (s->addr.addr.family)
		snprintf(what, sizeof(what), "holds the host's address %s (and its routes)",
			 nl_prefix_str(&s->addr.addr, true, p, sizeof(p)));
	else if (s->route.family)
		snprintf(what, sizeof(what), "is the device of the host's route %s",
			 route_str(&s->route, p, sizeof(p)));
	else
		return 0;
	snprintf(obj, sizeof(obj), "interface %s", ifname);
	return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
		       "%s: enslaving it would cut the host off; use a bridged network "
		       "(vnet create bridged NAME --uplink %s) to put a NIC on a bridge",
		       what, ifname);
}

/* The port's change and its flags, in one send, by the index that was
 * read; a partial success is undone (requests of one send are not a
 * transaction). */
static int attach(struct vn_ctx *c, const struct vn_bridge_cache *bc, const char *ifname,
		  const struct nl_link *pre, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER | NL_LINK_UP,
				    .mtu = bc->mtu,
				    .master = bc->ifindex};
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN,
			      .isolated = bc->isolate};
	unsigned txqlen = vt_auto_profile()->txqueuelen;
	int err;

	if (txqlen) {
		ch.mask |= NL_LINK_TXQLEN;
		ch.txqlen = txqlen;
	}
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, pre->ifindex, ifname, &ch) ||
	    nl_brport_set_msg(c->b, pre->ifindex, ifname, &p))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	if ((err = vn_send(c, NULL, NULL, NULL, e)))
		restore(c, ifname, pre);
	return err;
}

/* Without a (valid) cache: the definition names the bridge, the kernel
 * gives its index and MTU, and the cache is written for the next port. */
static int slow_path(struct vn_ctx *c, const char *name, struct vn_bridge_cache *bc,
		     struct nl_link *br, struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	int err = n ? vn_store_load(c->conf_dir, name, n, e)
		    : nl_err_set(e, -ENOMEM, "attach", "network %s", name);

	if (!err)
		err = vn_bridge_running(c, n, br, e);
	if (!err) {
		*bc = (struct vn_bridge_cache){br->ifindex, br->mtu, n->isolate_ports, "",
					       n->anti_spoof};
		snprintf(bc->uplink, sizeof(bc->uplink), "%s", n->uplink);
		vn_bridge_cache_save(c, name, bc);
	}
	free(n);
	return err;
}

int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	return vn_port_add_bound(c, name, ifname, NULL, e);
}

int vn_port_add_bound(struct vn_ctx *c, const char *name, const char *ifname,
		      const struct vn_bind *b, struct nl_err *e)
{
	char obj[NL_IFNAMSIZ + 16];
	struct vn_bridge_cache bc;
	struct seen s;
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_name_check(name, e)) ||
	    (err = vn_lock(c, e)))
		return err;
	/* only a running network of ours writes the cache; the read confirms
	 * it is still that bridge */
	idx = vn_bridge_cache_load(c, name, &bc);
	if ((err = read_port(c, ifname, idx, &s, e)))
		return err;
	if (idx <= 0 || s.br.ifindex != idx || !vn_link_is_ours(&s.br, name))
		if ((err = slow_path(c, name, &bc, &s.br, e)))
			return err;
	if ((err = acceptable(&s.port, &bc, name, ifname, e)) || (err = read_more(c, &s, 0, e)) ||
	    (err = not_the_hosts(&s, ifname, e)))
		return err;
	if (b && b->refuse_unbound && !bc.spoof && (b->has_mac || b->naddrs)) {
		snprintf(obj, sizeof(obj), "network %s", name);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "has no --anti-spoof, so --mac and --ip would bind nothing");
	}
	/* bound before it joins: it never sends unfiltered */
	if (bc.spoof && (err = vn_spoof_bind(c, name, &s.br, ifname, b, e)))
		return err;
	if ((err = attach(c, &bc, ifname, &s.port, e)) && bc.spoof)
		vn_spoof_unbind(c, ifname, NULL);
	return err;
}

int vn_port_network(struct vn_ctx *c, const char *name, char net[NL_IFNAMSIZ], struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	char obj[NL_IFNAMSIZ + 24];
	struct nl_sock *rt;
	struct nl_link br;
	int err = n ? nl_ifname_safe_check(name, "network or bridge", e)
		    : nl_err_set(e, -ENOMEM, "resolve", "network %s", name);

	if (err || !(err = vn_store_load(c->conf_dir, name, n, e)) || err != -ENOENT) {
		if (!err)
			snprintf(net, NL_IFNAMSIZ, "%s", name);
		free(n);
		return err;
	}
	snprintf(obj, sizeof(obj), "bridge %s", name);
	if (!(err = vn_rt(c, &rt, e)) && (err = nl_link_get(rt, name, &br, e)) == -ENODEV)
		err = nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
			      "is neither a network nor a network's bridge (vnet list)");
	else if (!err && (!vn_link_network(&br, net) || vn_store_load(c->conf_dir, net, n, NULL) ||
			  strcmp(n->bridge, name)))
		err = nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			      "is not a vnet network's: vnet attaches only to its own");
	free(n);
	return err;
}

/* The uplink of network net (its bridge has index br; "" when it has
 * none): the cache names it while the network runs, else the record of
 * what runs, else the definition. Without any of them vnet cannot tell,
 * and takes nothing. */
static int uplink_of(struct vn_ctx *c, const char *net, int br, const char *ifname,
		     char uplink[NL_IFNAMSIZ], struct nl_err *e)
{
	struct vn_bridge_cache bc;
	char obj[NL_IFNAMSIZ + 16];
	struct vn_net *n;
	int err;

	if (vn_bridge_cache_load(c, net, &bc) == br) {
		memcpy(uplink, bc.uplink, NL_IFNAMSIZ);
		return 0;
	}
	if (!(n = malloc(sizeof(*n))))
		return nl_err_set(e, -ENOMEM, "release", "port %s", ifname);
	if ((err = vn_run_record_load(c, net, n, NULL)))
		err = vn_store_load(c->conf_dir, net, n, NULL);
	if (!err)
		snprintf(uplink, NL_IFNAMSIZ, "%s", n->uplink);
	free(n);
	snprintf(obj, sizeof(obj), "interface %s", ifname);
	if (err)
		return nl_fail(
			e, -EBUSY, NL_ERR_CONFLICT, obj,
			"is on the bridge of network %s, which has no definition nor record: "
			"left as it is (it could be its uplink; `vnet destroy %s`)",
			net, net);
	return 0;
}

static bool spoofed(struct vn_ctx *c, const char *net)
{
	struct vn_bridge_cache bc;
	struct vn_net *n;
	bool on;

	if (vn_bridge_cache_load(c, net, &bc) > 0)
		return bc.spoof;
	if (!(n = malloc(sizeof(*n))))
		return true;
	on = vn_run_record_load(c, net, n, NULL) && vn_store_load(c->conf_dir, net, n, NULL)
		     ? true /* unknown: look */
		     : n->anti_spoof;
	free(n);
	return on;
}

/* Takes ifname off the vnet bridge it is on (*net gets its network), and
 * down unless it carries the host's addresses or routes. */
static int detach(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};
	char uplink[NL_IFNAMSIZ], obj[NL_IFNAMSIZ + 16];
	struct seen s;
	int err;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)) ||
	    (err = read_port(c, ifname, 0, &s, e)) ||
	    (s.port.master && (err = read_more(c, &s, s.port.master, e))))
		return err;
	snprintf(obj, sizeof(obj), "interface %s", ifname);
	if (!s.port.master)
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
			       "is not attached to a vnet network: left as it is");
	if (!vn_link_network(&s.br, net))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
			       "is a port of %s, not of a vnet bridge: left as it is",
			       s.br.name[0] ? s.br.name : "another master");
	if ((err = uplink_of(c, net, s.br.ifindex, ifname, uplink, e)))
		return err;
	if (!strcmp(uplink, ifname))
		return nl_fail(
			e, -EBUSY, NL_ERR_CONFLICT, obj,
			"is the uplink of bridged network %s: `vnet destroy %s` gives it back", net,
			net);
	if (s.addr.addr.family || s.route.family)
		ch.mask = NL_LINK_MASTER; /* the host's NIC: back to the host, up */
	nl_batch_reset(c->b);
	if ((err = nl_link_change_msg(c->b, s.ifindex, ifname, &ch)))
		return nl_err_set(e, err, "release", "port %s", ifname);
	if ((err = vn_send(c, NULL, NULL, NULL, e)))
		return err == -ENODEV ? gone(e, ifname) : err;
	/* off a network with anti-spoofing: its elements go (a bridge cache
	 * says so; without one, the definition) */
	return spoofed(c, net) ? vn_spoof_unbind(c, ifname, e) : 0;
}

int vn_port_del(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct nl_err *e)
{
	return detach(c, ifname, net, e);
}

int vn_port_release(struct vn_ctx *c, const char *ifname, struct nl_err *e)
{
	char net[NL_IFNAMSIZ];
	int err = detach(c, ifname, net, e);

	if (err == -ENODEV && e && e->kind == NL_ERR_NOTFOUND)
		nl_err_msg(e, "gone already");
	return err;
}
