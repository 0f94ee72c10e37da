/* port — attaching an existing interface to a network, and detaching it:
 * the path of `vnet port add/del` and of the qemu hooks, so it stays lean
 * (nlink and the definition store only; no rules, no JSON).
 *
 * Attaching is one send: the port takes the network's MTU, joins the bridge
 * (by the ifindex cached when the network came up) and comes up; its port
 * flags follow (they need the master set); then the bridge is read back,
 * which confirms the cached index. Requests of one send are not a
 * transaction, so a partial success is undone. Failures and a stale cache
 * (the bridge recreated behind vnet's back) cost more round trips: the port
 * is read to name its own limit when it cannot take the network's MTU.
 * The kernel is the record of a network's ports (their master is its
 * bridge): `vnet show`, `vnet port del` and the ifdown hook read it there,
 * so attaching writes no state file.
 *
 * The tuner's profile (vn_tune_auto_profile(), measured by bench/offload)
 * rides in the same change message: its txqueuelen, when it sets one. Its
 * knobs need no message today: GSO on is what every new link has, a tap's
 * TSO is qemu's (TUNSETOFFLOAD after the hook ran) and GRO is left, so the
 * profile changes nothing on a tap and attaching sends nothing more for it.
 * A profile that turned a knob off would need an ethtool send here;
 * tests/ns_hooks.c fails when the profile starts asking for one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brport.h"
#include "internal.h"
#include "store.h"
#include "tune.h"

/* The bridge, the third request of an attach. */
static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	return idx == 2 ? nl_link_parse(nlh, data) : 0;
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

/* The cache (or what the slow path read) in one send: the port's change,
 * its flags, and the bridge read back by its index. */
static int attach_send(struct vn_ctx *c, const struct vn_bridge_cache *bc, const char *ifname,
		       struct nl_link *br, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER | NL_LINK_UP,
				    .mtu = bc->mtu, .master = bc->ifindex};
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN,
			      .isolated = bc->isolate};
	unsigned txqlen = vn_tune_auto_profile()->txqueuelen;

	if (txqlen) {
		ch.mask |= NL_LINK_TXQLEN;
		ch.txqlen = txqlen;
	}
	memset(br, 0, sizeof(*br));
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch) || nl_brport_set_msg(c->b, 0, ifname, &p) ||
	    nl_link_get_msg(c->b, bc->ifindex, NULL))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	return nl_batch_send(&c->rt, c->b, got, br, e);
}

static void detach_quietly(struct vn_ctx *c, const char *ifname)
{
	struct nl_link_change undo = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};

	nl_link_change(&c->rt, ifname, &undo, NULL);
}

/* The outcome of an attach whose bridge was the right one. */
static int finish(struct vn_ctx *c, const char *ifname, unsigned mtu, int err, struct nl_err *e)
{
	int changed = c->b->req[0].err;
	struct nl_link port;

	if (!err)
		return 0;
	if (changed == 0) {
		detach_quietly(c, ifname);
	} else if (changed == -ENODEV) {
		nl_err_kind(e, NL_ERR_NOTFOUND);
	} else if (get_link(c, ifname, &port, NULL) == 0 && port.max_mtu && port.max_mtu < mtu) {
		nl_err_set(e, changed, "attach", "port %s", ifname);
		nl_err_kind(e, NL_ERR_INVALID);
		nl_err_msg(e, "cannot take the network's MTU %u (its maximum is %u)", mtu,
			   port.max_mtu);
	}
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

	if (!err && (err = vn_bridge_get(c, n, &br, e)) == -ENODEV) {
		nl_err_set(e, err, "", "network %s", name);
		nl_err_msg(e, "is down (vnet up %s)", name);
	}
	if (!err) {
		*bc = (struct vn_bridge_cache){br.ifindex, br.mtu, n->isolate_ports};
		vn_bridge_cache_save(c, name, bc);
	}
	free(n);
	return err;
}

int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	struct vn_bridge_cache bc;
	struct nl_link br;
	int err;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_name_check(name, e)) ||
	    (err = vn_lock(c, e)))
		return err;
	/* The cache holds only what a running network of ours wrote; the
	 * bridge read back in the same send confirms it is still that one. */
	if (vn_bridge_cache_load(c, name, &bc) > 0) {
		err = attach_send(c, &bc, ifname, &br, e);
		if (c->b->req[2].err == 0 && br.ifindex == bc.ifindex && vn_link_is_ours(&br, name))
			return finish(c, ifname, bc.mtu, err, e);
		if (c->b->req[0].err == 0)
			detach_quietly(c, ifname); /* joined whatever has that index now */
	}
	nl_err_clear(e);
	if ((err = slow_path(c, name, &bc, e)))
		return err;
	err = attach_send(c, &bc, ifname, &br, e);
	return finish(c, ifname, bc.mtu, err, e);
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

int vn_port_del(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};
	struct nl_link port;
	int err;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)))
		return err;
	if ((err = nl_link_get(&c->rt, ifname, &port, e))) {
		if (err == -ENODEV)
			nl_err_kind(e, NL_ERR_NOTFOUND);
		return err;
	}
	if ((err = owner_of(c, &port, net, e)))
		return err;
	return nl_link_change(&c->rt, ifname, &ch, e);
}

int vn_port_release(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};
	struct vn_bridge_cache bc;
	struct nl_link port, br;
	struct vn_net n;
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_name_check(name, e)) ||
	    (err = vn_lock(c, e)))
		return err;
	if ((err = get_link(c, ifname, &port, e))) {
		if (err == -ENODEV) {
			nl_err_kind(e, NL_ERR_NOTFOUND);
			nl_err_msg(e, "gone already");
		}
		return err;
	}
	idx = vn_bridge_cache_load(c, name, &bc);
	if (!port.master || port.master != idx) {
		/* no cache, or a stale one: the definition names the bridge */
		if ((err = vn_store_load(c->conf_dir, name, &n, e)))
			return err;
		if (port.master && vn_bridge_get(c, &n, &br, NULL) == 0)
			idx = br.ifindex;
		if (!port.master || port.master != idx) {
			nl_err_set(e, -ENOENT, "", "interface %s", ifname);
			nl_err_kind(e, NL_ERR_NOTFOUND);
			return nl_err_msg(e, "is not attached to network %s: left as it is", name);
		}
	}
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch))
		return nl_err_set(e, -ENOBUFS, "release", "port %s", ifname);
	return nl_batch_send(&c->rt, c->b, NULL, NULL, e);
}
