/* vxlan — a network that spans hosts: its VXLAN port on the bridge (the
 * apply walk's "vxlan" step, its status and its removal), the MTU that fits
 * the underlay, and the static peers' forwarding entries.
 *
 * The port is vx-VNI, marked "vnet:NAME" like the bridge (in the send that
 * creates it: a kill cannot come between), enslaved, up, at the bridge's
 * MTU. With EVPN (the fabric has an AS) FRR's zebra learns the bridge's
 * MACs and installs the remote ones and the remote tunnel ends itself: the
 * device and the port do not learn, and the port suppresses ARP and ND
 * that the bridge can answer from what EVPN told it. Without an AS the
 * peers are static: an all-zero MAC entry per peer (head-end replication of
 * broadcast, unknown unicast and multicast) and learning on, so remote MACs
 * are learned from what arrives. DHCP never crosses the tunnel: the port
 * is in table bridge vnet_tunnel's set (firewall/tunnel.c). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewall/fw.h"
#include "netd/fabric.h"
#include "netd/frr.h"
#include "netd/internal.h"
#include "netd/store.h"
#include "nlink/brport.h"
#include "nlink/fdb.h"

static const uint8_t ZERO[6];

void vn_vxlan_name(const struct vn_net *n, char name[NL_IFNAMSIZ])
{
	snprintf(name, NL_IFNAMSIZ, "vx-%u", n->vni);
}

static int need_fabric(struct vn_ctx *c, const struct vn_net *n, struct vn_fabric *f,
		       struct nl_err *e)
{
	int err = vn_fabric_load(c->conf_dir, f, e);
	char obj[64];

	if (err == -ENOENT) {
		snprintf(obj, sizeof(obj), "network %s", n->name);
		return nl_fail(e, -ENOENT, NL_ERR_CONFLICT, obj,
			       "--vni needs this host's fabric (vnet fabric set --underlay IFACE)");
	}
	return err;
}

/* The tunnel's overhead: outer Ethernet is not counted, so 50 bytes over an
 * IPv4 underlay (IP 20, UDP 8, VXLAN 8, inner Ethernet 14), 70 over IPv6. */
static unsigned overhead(const struct vn_fabric *f)
{
	return f->local.family == AF_INET6 ? 70 : 50;
}

int vn_vxlan_fit(struct vn_ctx *c, struct vn_net *n, struct nl_err *e)
{
	struct vn_fabric f;
	struct nl_sock *rt;
	struct nl_link u;
	unsigned max;
	char obj[64];
	int err;

	if (!n->vni)
		return 0;
	if ((err = need_fabric(c, n, &f, e)) || (err = vn_rt(c, &rt, e)) ||
	    (err = nl_link_get(rt, f.underlay, &u, e)))
		return err;
	max = u.mtu > overhead(&f) ? u.mtu - overhead(&f) : 0;
	if (n->mtu_auto) {
		n->mtu = max;
		n->mtu_auto = false;
	}
	snprintf(obj, sizeof(obj), "MTU %u", n->mtu);
	if (n->mtu > max || n->mtu < VN_MTU_MIN)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "does not fit the underlay: %s's MTU %u less %u for VXLAN is %u",
			       f.underlay, u.mtu, overhead(&f), max);
	return 0;
}

static bool is_ours(const struct nl_link *l, const struct vn_net *n)
{
	char alias[64];

	snprintf(alias, sizeof(alias), VN_ALIAS_PREFIX "%s", n->name);
	return !strcmp(l->kind, "vxlan") && !strcmp(l->alias, alias);
}

/* 0 and *l when the port exists and is ours; -ENODEV when absent; -EEXIST
 * (conflict) when a link of its name is not ours. */
static int port_get(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l, struct nl_err *e)
{
	char name[NL_IFNAMSIZ], obj[64];
	struct nl_sock *rt;
	int err;

	vn_vxlan_name(n, name);
	if ((err = vn_rt(c, &rt, e)))
		return err;
	err = nl_link_get(rt, name, l, e);
	if (err == -ENODEV)
		nl_err_clear(e);
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "interface %s", name);
	if (is_ours(l, n))
		return 0;
	/* another network's port: the index refuses its VNI first, unless
	 * that network's definition is gone (its name, checked, from the
	 * mark) */
	if (!strcmp(l->kind, "vxlan") &&
	    !strncmp(l->alias, VN_ALIAS_PREFIX, strlen(VN_ALIAS_PREFIX)) &&
	    !vn_name_check(l->alias + strlen(VN_ALIAS_PREFIX), NULL))
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "is network %s's (--vni %u)",
			       l->alias + strlen(VN_ALIAS_PREFIX), n->vni);
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "exists and is not vnet's");
}

/* Whether the port as it is serves fabric f (else it is made again). */
static bool port_fits(const struct nl_link *l, const struct vn_net *n, const struct vn_fabric *f)
{
	return l->vxlan.valid && l->vxlan.vni == n->vni &&
	       nl_prefix_equal(&l->vxlan.local, &f->local) && l->vxlan.learning == !f->asn;
}

/* Enslaved, up, the bridge's MTU, its port's flags: one batch, every
 * message idempotent. */
static int port_configure(struct vn_run *r, const struct vn_fabric *f, const char *name, bool make,
			  struct nl_err *e)
{
	char alias[64];
	struct nl_vxlan_opts o = {
		.vni = r->n->vni, .local = f->local, .learning = !f->asn, .mtu = r->mtu};
	struct nl_link_change ch = {.mask = NL_LINK_MASTER | NL_LINK_UP | NL_LINK_ALIAS |
					    (r->mtu ? NL_LINK_MTU : 0),
				    .master = r->br.ifindex,
				    .mtu = r->mtu,
				    .alias = alias};
	struct nl_brport p = {.mask = NL_BRPORT_LEARNING | NL_BRPORT_NEIGH_SUPPRESS,
			      .learning = !f->asn,
			      .neigh_suppress = f->asn != 0};
	struct nl_batch *b = r->c->b;

	snprintf(alias, sizeof(alias), VN_ALIAS_PREFIX "%s", r->n->name);
	nl_batch_reset(b);
	if ((make && nl_vxlan_add_msg(b, name, &o)) || nl_link_change_msg(b, 0, name, &ch) ||
	    nl_brport_set_msg(b, 0, name, &p))
		return nl_err_set(e, -EINVAL, "configure", "vxlan %s", name);
	return vn_send(r->c, NULL, NULL, NULL, e);
}

/* Static peers: an all-zero entry per peer, none for another address. */
static int static_peers(struct vn_ctx *c, const struct nl_link *l, const struct vn_fabric *f,
			struct nl_err *e)
{
	struct nl_fdb *v = NULL;
	struct nl_sock *rt;
	unsigned n = 0;
	int err;

	if (f->asn)
		return 0;
	if ((err = vn_rt(c, &rt, e)) || (err = nl_fdb_list(rt, l->ifindex, &v, &n, e)))
		return err;
	nl_batch_reset(c->b);
	for (unsigned i = 0; i < n && !err; i++) {
		bool peer = false;

		for (unsigned k = 0; k < f->npeers; k++)
			peer |= nl_prefix_equal(&v[i].dst, &f->peer[k]);
		if (!memcmp(v[i].mac, ZERO, 6) && v[i].dst.family && !peer)
			err = nl_fdb_del_msg(c->b, l->ifindex, l->name, ZERO, &v[i].dst);
	}
	for (unsigned k = 0; k < f->npeers && !err; k++)
		err = nl_fdb_append_msg(c->b, l->ifindex, l->name, ZERO, &f->peer[k]);
	free(v);
	if (err)
		return nl_err_set(e, err, "configure", "peers of vxlan %s", l->name);
	return c->b->n ? vn_send(c, NULL, NULL, NULL, e) : 0;
}

int vn_vxlan_step(struct vn_run *r, struct nl_err *e)
{
	char name[NL_IFNAMSIZ];
	struct vn_fabric f;
	struct nl_link l;
	struct nl_sock *rt;
	struct fw *fw;
	int err;

	if (!r->n->vni)
		return 0;
	vn_vxlan_name(r->n, name);
	if ((err = need_fabric(r->c, r->n, &f, e)))
		return err;
	err = port_get(r->c, r->n, &l, e);
	if (!err && !port_fits(&l, r->n, &f)) {
		/* another fabric since: made again */
		if ((err = vn_rt(r->c, &rt, e)) || (err = nl_link_del(rt, name, e)))
			return err;
		err = -ENODEV;
	}
	if (err && err != -ENODEV)
		return err;
	if ((err = port_configure(r, &f, name, err == -ENODEV, e)))
		return err;
	r->made_vxlan = true;
	vn_kill_point(r->c, "vxlan-made");
	if ((err = vn_rt(r->c, &rt, e)) || (err = nl_link_get(rt, name, &l, e)) ||
	    (err = vn_fw(r->c, &fw, e)) || (err = fw_tunnel_add(fw, name, e)))
		return err;
	/* up (not create): FRR given vnet's lines again when it lost them,
	 * best effort: the network runs without FRR, vnet doctor says why;
	 * once per command (up --all) or vnetd pass, whatever the networks */
	if (r->repair && f.asn && !r->c->frr_given) {
		unsigned done;

		vn_frr_give(r->c, &f, &done, NULL);
		r->c->frr_given = true;
	}
	return static_peers(r->c, &l, &f, e);
}

void vn_vxlan_undo(struct vn_run *r)
{
	if (r->made_vxlan && r->fresh)
		vn_vxlan_remove(r->c, r->n, NULL);
}

int vn_vxlan_remove(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct fw *fw;
	struct nl_sock *rt;
	struct nl_link l;
	int err;

	if (!n->vni)
		return 0;
	err = port_get(c, n, &l, e);
	if (err == -EEXIST) {
		nl_err_clear(e);
		return 0; /* not ours: neither is its name in the set */
	}
	if (err && err != -ENODEV)
		return err;
	/* out of the set even when the port is gone already */
	vn_vxlan_name(n, l.name);
	if ((err = vn_fw(c, &fw, e)) || (err = fw_tunnel_del(fw, l.name, e)))
		return err;
	if (!l.ifindex || (err = vn_rt(c, &rt, e)))
		return err;
	nl_batch_reset(c->b);
	if (nl_link_del_msg(c->b, l.ifindex, l.name))
		return nl_err_set(e, -EINVAL, "delete", "vxlan %s", l.name);
	return vn_send(c, NULL, NULL, NULL, e);
}

static void add(struct vn_vxlan_seen *s, const char *want, const char *have, const char *obj)
{
	if (s->n >= sizeof(s->p) / sizeof(s->p[0]))
		return;
	snprintf(s->p[s->n].want, sizeof(s->p[0].want), "%s", want);
	snprintf(s->p[s->n].have, sizeof(s->p[0].have), "%s", have);
	snprintf(s->p[s->n].object, sizeof(s->p[0].object), "%s", obj);
	s->n++;
}

/* The remote tunnel ends (the all-zero entries) and the remote MACs (the
 * other entries with a remote end) of the port. */
static void remotes(struct vn_ctx *c, const struct nl_link *l, struct vn_span *sp)
{
	struct nl_fdb *v = NULL;
	struct nl_sock *rt;
	unsigned n = 0;

	if (vn_rt(c, &rt, NULL) || nl_fdb_list(rt, l->ifindex, &v, &n, NULL))
		return;
	for (unsigned i = 0; i < n; i++) {
		if (!v[i].dst.family)
			continue;
		if (memcmp(v[i].mac, ZERO, 6))
			sp->remote_macs++;
		else if (sp->nremotes < VN_SPAN_REMOTES)
			sp->remote[sp->nremotes++] = v[i].dst;
	}
	free(v);
}

void vn_vxlan_status(struct vn_ctx *c, const struct vn_net *n, const struct nl_link *br,
		     struct vn_span *sp, struct vn_vxlan_seen *s)
{
	char obj[64], want[64];
	struct vn_fabric f;
	struct nl_link l;
	struct nl_err e;
	bool dhcp_kept;
	struct fw *fw;
	int err;

	memset(s, 0, sizeof(*s));
	memset(sp, 0, sizeof(*sp));
	if (!n->vni)
		return;
	sp->vni = n->vni;
	vn_vxlan_name(n, sp->port);
	snprintf(obj, sizeof(obj), "vxlan %s", sp->port);
	if (vn_fabric_load(c->conf_dir, &f, &e)) {
		add(s, "present", "none (vnet fabric set)", "fabric of this host");
		return;
	}
	snprintf(sp->mode, sizeof(sp->mode), "%s", vn_fabric_mode(&f));
	err = port_get(c, n, &l, &e);
	if (err) {
		add(s, "present", err == -ENODEV ? "absent" : "not vnet's", obj);
		return;
	}
	if (!port_fits(&l, n, &f))
		add(s, "as the fabric says", "another VNI, address or learning", obj);
	snprintf(want, sizeof(want), "on bridge %s", n->bridge);
	if (l.master != br->ifindex)
		add(s, want, "elsewhere", obj);
	if (!(l.flags & IFF_UP))
		add(s, "up", "down", obj);
	if (vn_fw(c, &fw, &e) == 0 && fw_tunnel_check(fw, &dhcp_kept, &e) == 0 && !dhcp_kept)
		add(s, "DHCP kept off the tunnels", "absent or changed",
		    "table bridge vnet_tunnel");
	remotes(c, &l, sp);
}

int vn_vxlan_fabric_changed(struct vn_ctx *c, const struct vn_fabric *f, struct nl_err *e)
{
	struct vn_store_entry *v = NULL;
	unsigned n = 0;
	int err;

	if ((err = vn_store_list(c->conf_dir, &v, &n, e)))
		return err;
	for (unsigned i = 0; i < n && !err; i++) {
		struct nl_link l;

		if (v[i].err || !v[i].net.vni)
			continue;
		/* a running network's static peers follow at once; the rest at
		 * its next up (vnetd's repair sees the port no longer fits) */
		if (port_get(c, &v[i].net, &l, NULL) == 0 && port_fits(&l, &v[i].net, f))
			err = static_peers(c, &l, f, e);
	}
	free(v);
	return err;
}
