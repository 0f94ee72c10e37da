/* port — attaching an existing interface to a network, and detaching it:
 * the path of `vnet port add/del` and of the qemu hooks, so it stays lean
 * (nlink and the definition store only; no rules, no JSON).
 *
 * Attaching is one send: the port takes the network's MTU, joins the bridge
 * (by the ifindex cached when the network came up) and comes up; its port
 * flags follow (they need the master set); then the bridge and the port are
 * read back: the first confirms the cached index, the second names the
 * port's own limit when it cannot take the network's MTU. Requests of one
 * send are not a transaction, so a partial success is undone. A stale cache
 * (the bridge recreated behind vnet's back) costs one more round trip. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brport.h"
#include "internal.h"
#include "store.h"

struct seen {
	struct nl_link br, port;
};

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct seen *s = data;

	if (idx == 2)
		return nl_link_parse(nlh, &s->br);
	if (idx == 3)
		return nl_link_parse(nlh, &s->port);
	return 0;
}

static int attach_send(struct vn_ctx *c, const struct vn_net *n, int bridx, unsigned mtu,
		       const char *ifname, struct seen *s, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER | NL_LINK_UP,
				    .mtu = mtu, .master = bridx};
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN,
			      .isolated = n->isolate_ports};

	memset(s, 0, sizeof(*s));
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch) || nl_brport_set_msg(c->b, 0, ifname, &p) ||
	    nl_link_get_msg(c->b, 0, n->bridge) || nl_link_get_msg(c->b, 0, ifname))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	return nl_batch_send(&c->rt, c->b, got, s, e);
}

static void detach_quietly(struct vn_ctx *c, const char *ifname)
{
	struct nl_link_change undo = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};

	nl_link_change(&c->rt, ifname, &undo, NULL);
}

/* The outcome of an attach whose bridge was the right one. */
static int finish(struct vn_ctx *c, const char *ifname, const struct seen *s, unsigned mtu,
		  int err, struct nl_err *e)
{
	const struct nl_req *r = c->b->req;

	if (!err)
		return 0;
	if (r[0].err == 0) {
		detach_quietly(c, ifname);
	} else if (r[3].err == 0 && s->port.max_mtu && s->port.max_mtu < mtu) {
		nl_err_set(e, r[0].err, "attach", "port %s", ifname);
		nl_err_kind(e, NL_ERR_INVALID);
		nl_err_msg(e, "cannot take the network's MTU %u (its maximum is %u)", mtu,
			   s->port.max_mtu);
	} else if (r[0].err == -ENODEV) {
		nl_err_kind(e, NL_ERR_NOTFOUND);
	}
	return err;
}

int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	unsigned mtu = 0;
	struct nl_link br;
	struct vn_net n;
	struct seen s;
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)) ||
	    (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	if ((idx = vn_bridge_index_load(c, name, &mtu)) > 0) {
		err = attach_send(c, &n, idx, mtu, ifname, &s, e);
		if (c->b->req[2].err == 0 && s.br.ifindex == idx && vn_link_is_ours(&s.br, name))
			return finish(c, ifname, &s, mtu, err, e);
		if (c->b->req[0].err == 0)
			detach_quietly(c, ifname); /* joined whatever has that index now */
	}
	nl_err_clear(e);
	if ((err = vn_bridge_get(c, &n, &br, e))) {
		if (err == -ENODEV) {
			nl_err_set(e, err, "", "network %s", name);
			nl_err_msg(e, "is down (vnet up %s)", name);
		}
		return err;
	}
	mtu = br.mtu;
	vn_bridge_index_save(c, name, br.ifindex, mtu);
	err = attach_send(c, &n, br.ifindex, mtu, ifname, &s, e);
	return finish(c, ifname, &s, mtu, err, e);
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
	struct nl_link port, br;
	struct vn_net n;
	unsigned mtu;
	int err, idx;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)) ||
	    (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	if ((err = nl_link_get(&c->rt, ifname, &port, e))) {
		if (err == -ENODEV) {
			nl_err_kind(e, NL_ERR_NOTFOUND);
			nl_err_msg(e, "gone already");
		}
		return err;
	}
	idx = vn_bridge_index_load(c, name, &mtu);
	if (!port.master || port.master != idx) {
		/* no cache, or a stale one: ask the kernel */
		if (port.master && vn_bridge_get(c, &n, &br, NULL) == 0)
			idx = br.ifindex;
		if (!port.master || port.master != idx) {
			nl_err_set(e, -ENOENT, "", "interface %s", ifname);
			nl_err_kind(e, NL_ERR_NOTFOUND);
			return nl_err_msg(e, "is not attached to network %s: left as it is", name);
		}
	}
	return nl_link_change(&c->rt, ifname, &ch, e);
}
