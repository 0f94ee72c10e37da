/* engine — the operations front ends call: create, destroy, up, down, port
 * add/del, show. Each mutating one takes the lock first. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "brport.h"
#include "internal.h"
#include "store.h"

const char *vn_state_name(enum vn_state s)
{
	return s == VN_STATE_UP ? "up" : s == VN_STATE_DEGRADED ? "degraded" : "down";
}

static int conflict(struct nl_err *e, const char *name, const char *diff)
{
	nl_err_set(e, -EEXIST, "", "network %s", name);
	nl_err_kind(e, NL_ERR_CONFLICT);
	return nl_err_msg(e, "exists with %s", diff);
}

int vn_create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e)
{
	struct vn_run r = {.c = c, .n = n};
	struct vn_net have;
	char diff[200];
	int err;

	*existed = false;
	if ((err = vn_lock(c, e)))
		return err;
	err = vn_store_load(c->conf_dir, n->name, &have, e);
	if (!err) {
		if (!vn_net_same(&have, n, diff, sizeof(diff)))
			return conflict(e, n->name, diff);
		*existed = true;
		return vn_apply(&r, e); /* converge: restores what is missing */
	}
	if (err != -ENOENT)
		return err;
	nl_err_clear(e);
	if ((err = vn_check_host(c, n, e)) || (err = vn_store_save(c->conf_dir, n, e)))
		return err;
	if ((err = vn_apply(&r, e)))
		vn_store_forget(c->conf_dir, n->name, NULL);
	return err;
}

int vn_up(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	struct vn_net n;
	struct vn_run r = {.c = c, .n = &n};
	int err;

	if ((err = vn_lock(c, e)) || (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	return vn_apply(&r, e);
}

int vn_down(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e)
{
	struct vn_net n;
	int err;

	if ((err = vn_lock(c, e)) || (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	return vn_teardown(c, &n, released, e);
}

int vn_destroy(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e)
{
	int err = vn_down(c, name, released, e);

	return err ? err : vn_store_forget(c->conf_dir, name, e);
}

int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e)
{
	struct nl_link_change ch = {.mask = NL_LINK_MTU | NL_LINK_MASTER | NL_LINK_UP};
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN};
	struct nl_link br;
	struct vn_net n;
	int err;

	if ((err = nl_ifname_check(ifname, NULL, e)) || (err = vn_lock(c, e)) ||
	    (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	if ((err = vn_bridge_get(c, &n, &br, e))) {
		if (err == -ENODEV) {
			nl_err_set(e, err, "", "network %s", name);
			nl_err_msg(e, "is down (vnet up %s)", name);
		}
		return err;
	}
	ch.mtu = br.mtu;
	ch.master = br.ifindex;
	p.isolated = n.isolate_ports;
	nl_batch_reset(c->b);
	if (nl_link_change_msg(c->b, 0, ifname, &ch) || nl_brport_set_msg(c->b, 0, ifname, &p))
		return nl_err_set(e, -ENOBUFS, "attach", "port %s", ifname);
	err = nl_batch_send(&c->rt, c->b, NULL, NULL, e);
	if (err && c->b->req[0].err == 0) {
		/* Requests of one send are not a transaction: undo the enslaving. */
		struct nl_link_change undo = {.mask = NL_LINK_MASTER | NL_LINK_DOWN};

		nl_link_change(&c->rt, ifname, &undo, NULL);
	}
	return err;
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
