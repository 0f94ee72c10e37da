/* port — attaching an existing interface to a network, and detaching it:
 * the path of `vnet port add/del` and of the qemu hooks, so it stays lean
 * (nlink, the bridge cache and, when that is missing, the definition; no
 * rules, no JSON).
 *
 * Attaching is two sends. The first reads the port and the bridge of the
 * index cached when the network came up (confirming the cache): what the
 * port is decides before anything changes, so a loopback, a bridge, a port
 * of another master or one that cannot take the network's MTU is refused
 * and left as it was. The second gives the port the network's MTU, makes
 * it join and come up, and sets its port flags (they need the master set);
 * requests of one send are not a transaction, so a partial success is put
 * back. A stale or missing cache costs the definition and one more read.
 * The kernel is the record of a network's ports (their master is its
 * bridge): `vnet show`, `vnet port del` and the ifdown hook read it there,
 * so attaching writes no state file. A bridged network's uplink is never a
 * port command's: it goes back only with its network.
 *
 * The tuner's profile (vn_tune_auto_profile(), measured by bench/offload)
 * rides in the change message: its txqueuelen, when it sets one. Its knobs
 * need no message today: GSO on is what every new link has, a tap's TSO is
 * qemu's (TUNSETOFFLOAD after the hook ran) and GRO is left, so the profile
 * changes nothing on a tap and attaching sends nothing more for it. A
 * profile that turned a knob off would need an ethtool send here;
 * tests/ns_hooks.c fails when the profile starts asking for one. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brport.h"
#include "internal.h"
#include "store.h"
#include "tune.h"

/* What an attach reads first: the port, and the bridge of the cached index. */
struct seen {
	struct nl_link pre, br;
};

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct seen *s = data;

	return nl_link_parse(nlh, idx == 0 ? &s->pre : &s->br);
}

/* One link, read through the context's batch. */
static int get_link(struct vn_ctx *c, const char *name, struct nl_link *l, struct nl_err *e)
{
	memset(l, 0, sizeof(*l));
	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, 0, name))
		return nl_err_set(e, -ENOBUFS, "get", "link %s", name);
	return nl_batch_send(&c->rt, c->b, vn_got_link, l, e);
}

/* Puts the port back as it was: MTU, master, up or down (the kernel
 * applies a change's MTU before it refuses its master). */
static void restore(struct vn_ctx *c, const char *ifname, const struct nl_link *pre)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER |
					    (pre->flags & IFF_UP ? NL_LINK_UP : NL_LINK_DOWN),
				    .mtu = pre->mtu, .master = pre->master};

	nl_link_change(&c->rt, ifname, &ch, NULL);
}

static int refuse(struct nl_err *e, const char *ifname, int kind, const char *why)
{
	int code = kind == NL_ERR_CONFLICT ? -EBUSY : -EINVAL;

	nl_err_set(e, code, "", "interface %s", ifname);
	nl_err_kind(e, kind);
	nl_err_msg(e, "%s", why);
	return code;
}

/* Whether the port, as it is, may join bridge bc at all: refused before
 * anything changes. */
static int acceptable(const struct nl_link *pre, const struct vn_bridge_cache *bc,
		      const char *ifname, struct nl_err *e)
{
	if (pre->flags & IFF_LOOPBACK)
		return refuse(e, ifname, NL_ERR_INVALID, "is a loopback: it cannot be a port");
	if (!strcmp(pre->kind, "bridge"))
		return refuse(e, ifname, NL_ERR_INVALID, "is a bridge: it cannot be a port");
	if (pre->master && pre->master != bc->ifindex)
		return refuse(e, ifname, NL_ERR_CONFLICT,
			      "is a port of another master: vnet takes no interface from it");
	if (pre->max_mtu && pre->max_mtu < bc->mtu) {
		nl_err_set(e, -EINVAL, "attach", "port %s", ifname);
		nl_err_kind(e, NL_ERR_INVALID);
		return nl_err_msg(e, "cannot take the network's MTU %u (its maximum is %u)", bc->mtu,
				  pre->max_mtu);
	}
	return 0;
}

/* The port's change and its flags, in one send; a partial success is
 * undone (requests of one send are not a transaction). */
static int attach(struct vn_ctx *c, const struct vn_bridge_cache *bc, const char *ifname,
		  const struct nl_link *pre, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER | NL_LINK_UP,
				    .mtu = bc->mtu, .master = bc->ifindex};
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN,
			      .isolated = bc->isolate};
	unsigned txqlen = vn_tune_auto_profile()->txqueuelen;
	int err;

	if (txqlen) {
		ch.mask |= NL_LINK_TXQLEN;
		ch.txqlen = txqlen;
	}
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch) || nl_brport_set_msg(c->b, 0, ifname, &p))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	if ((err = nl_batch_send(&c->rt, c->b, NULL, NULL, e)))
		restore(c, ifname, pre);
	return err;
}

/* Without a (valid) cache: the definition names the bridge, the kernel
 * gives its index and MTU, and the cache is written for the next port. */
static int slow_path(struct vn_ctx *c, const char *name, struct vn_bridge_cache *bc,
		     struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	struct nl_link br;
	int err = n ? vn_store_load(c->conf_dir, name, n, e)
		    : nl_err_set(e, -ENOMEM, "attach", "network %s", name);

	if (!err)
		err = vn_bridge_running(c, n, &br, e);
	if (!err) {
		*bc = (struct vn_bridge_cache){br.ifindex, br.mtu, n->isolate_ports, ""};
		snprintf(bc->uplink, sizeof(bc->uplink), "%s", n->uplink);
		vn_bridge_cache_save(c, name, bc);
	}
	free(n);
	return err;
}

int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	struct vn_bridge_cache bc;
	struct seen s = {0};
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_name_check(name, e)) ||
	    (err = vn_lock(c, e)))
		return err;
	/* One send reads the port and the bridge of the cached index (only a
	 * running network of ours writes the cache; the read confirms it is
	 * still that bridge); a second makes the change. */
	idx = vn_bridge_cache_load(c, name, &bc);
	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, 0, ifname) || (idx > 0 && nl_link_get_msg(c->b, idx, NULL)))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	err = nl_batch_send(&c->rt, c->b, got, &s, e);
	if (c->b->req[0].err) {
		if (c->b->req[0].err == -ENODEV)
			nl_err_kind(e, NL_ERR_NOTFOUND);
		return err;
	}
	nl_err_clear(e);
	if (idx <= 0 || s.br.ifindex != idx || !vn_link_is_ours(&s.br, name))
		if ((err = slow_path(c, name, &bc, e)))
			return err;
	if ((err = acceptable(&s.pre, &bc, ifname, e)))
		return err;
	return attach(c, &bc, ifname, &s.pre, e);
}

/* The vnet network whose bridge is port's master, by the bridge's alias. */
static int owner_of(struct vn_ctx *c, const struct nl_link *port, char net[NL_IFNAMSIZ],
		    struct nl_err *e)
{
	struct nl_link m = {0};
	size_t plen = strlen(VN_ALIAS_PREFIX);
	int err = 0;

	if (port->master) {
		nl_batch_reset(c->b);
		if (nl_link_get_msg(c->b, port->master, port->name))
			return nl_err_set(e, -ENOBUFS, "get master", "port %s", port->name);
		err = nl_batch_send(&c->rt, c->b, vn_got_link, &m, e);
	}
	if (err)
		return err;
	if (!strcmp(m.kind, "bridge") && !strncmp(m.alias, VN_ALIAS_PREFIX, plen)) {
		snprintf(net, NL_IFNAMSIZ, "%.15s", m.alias + plen);
		return 0;
	}
	nl_err_set(e, -ENOENT, "", "interface %s", port->name);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "is not attached to a vnet network");
}

/* Released and down, unless it is a bridged network's uplink: that one
 * goes back (with its addresses) only with its network. */
static int release(struct vn_ctx *c, const char *net, const char *uplink, const char *ifname,
		   struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};

	if (!strcmp(uplink, ifname)) {
		nl_err_set(e, -EBUSY, "", "interface %s", ifname);
		nl_err_kind(e, NL_ERR_CONFLICT);
		nl_err_msg(e, "is the uplink of bridged network %s: `vnet destroy %s` gives it back",
			   net, net);
		return -EBUSY;
	}
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch))
		return nl_err_set(e, -ENOBUFS, "release", "port %s", ifname);
	return nl_batch_send(&c->rt, c->b, NULL, NULL, e);
}

int vn_port_del(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct nl_err *e)
{
	struct nl_link port;
	struct vn_net *n;
	int err;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)))
		return err;
	if ((err = get_link(c, ifname, &port, e))) {
		if (err == -ENODEV)
			nl_err_kind(e, NL_ERR_NOTFOUND);
		return err;
	}
	if ((err = owner_of(c, &port, net, e)))
		return err;
	n = malloc(sizeof(*n));
	err = n ? vn_store_load(c->conf_dir, net, n, e) : nl_err_set(e, -ENOMEM, "release", "port %s", ifname);
	if (!err)
		err = release(c, net, n->uplink, ifname, e);
	free(n);
	return err;
}

/* The port and the bridge of the cached index, in one send. */
static int got_two(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	return nl_link_parse(nlh, (struct nl_link *)data + idx);
}

int vn_port_release(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	struct vn_bridge_cache bc;
	struct nl_link l[2] = {0}, br; /* the port, the cached bridge */
	struct vn_net n;
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_name_check(name, e)) ||
	    (err = vn_lock(c, e)))
		return err;
	idx = vn_bridge_cache_load(c, name, &bc);
	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, 0, ifname) || (idx > 0 && nl_link_get_msg(c->b, idx, NULL)))
		return nl_err_set(e, -ENOBUFS, "get", "link %s", ifname);
	err = nl_batch_send(&c->rt, c->b, got_two, l, e);
	if (c->b->req[0].err == -ENODEV) {
		nl_err_set(e, -ENODEV, "get", "link %s", ifname);
		nl_err_kind(e, NL_ERR_NOTFOUND);
		return nl_err_msg(e, "gone already");
	}
	if (c->b->req[0].err)
		return err;
	if (!l[0].master || l[0].master != idx || !vn_link_is_ours(&l[1], name)) {
		/* no cache, or a stale one: the definition names the bridge */
		if ((err = vn_store_load(c->conf_dir, name, &n, e)))
			return err;
		idx = l[0].master && vn_bridge_get(c, &n, &br, NULL) == 0 ? br.ifindex : -1;
		if (l[0].master != idx) {
			nl_err_set(e, -ENOENT, "", "interface %s", ifname);
			nl_err_kind(e, NL_ERR_NOTFOUND);
			return nl_err_msg(e, "is not attached to network %s: left as it is", name);
		}
		snprintf(bc.uplink, sizeof(bc.uplink), "%s", n.uplink);
	}
	return release(c, name, bc.uplink, ifname, e);
}
