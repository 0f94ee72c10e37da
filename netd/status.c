/* status — what runs of a network, compared with what its definition
 * wants, read from the kernel (never from a cache): every object vnet owns
 * for it — the bridge (present, vnet's mark, up, MTU), the gateways'
 * addresses, forwarding where the model needs it (the host's and the
 * bridge's own), the network's part of the ruleset by content (fw_check,
 * which also names the base chains in vnet's table that are not vnet's),
 * dnsmasq alive, a bridged network's uplink enslaved with its addresses
 * moved. Up when all hold; down when nothing of it runs (no bridge, and no
 * record that it should run); degraded otherwise, with one problem per
 * object. One read per kind of
 * object: the bridge, its ports and addresses in one send, the table in
 * another, up to four sysctls, one /proc look-up. */
#include <errno.h>
#include <stddef.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "netd/dnsmasq.h"
#include "firewall/fw.h"
#include "firewall/spoof.h"
#include "netd/internal.h"
#include "netd/store.h"
#include "nlink/sysctl.h"

#define MAX_MOVED 64

struct seen {
	const struct vn_net *n;
	struct vn_ports *ports;
	unsigned addrs_found; /* gateways, as bits */
	bool uplink_found;
	unsigned nmoved;
	struct nl_prefix moved[MAX_MOVED]; /* the uplink's addresses, to be on the bridge */
	bool moved_found[MAX_MOVED];
};

static void seen_link(struct seen *s, const struct nl_link *l)
{
	if (!strcmp(l->name, s->n->uplink))
		s->uplink_found = true;
	else if (!strcmp(l->kind, "vxlan") && s->n->vni)
		; /* the network's own port, not a guest's */
	else if (s->ports->n < VN_MAX_PORTS)
		snprintf(s->ports->name[s->ports->n++], NL_IFNAMSIZ, "%s", l->name);
}

static void seen_addr(struct seen *s, const struct nl_ifaddr *a)
{
	for (unsigned i = 0; i < s->n->nsubnets; i++)
		if (nl_prefix_equal(&a->addr, &s->n->subnet[i].gateway))
			s->addrs_found |= 1u << i;
	for (unsigned i = 0; i < s->nmoved; i++)
		if (nl_prefix_equal(&a->addr, &s->moved[i]))
			s->moved_found[i] = true;
}

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct nl_ifaddr a;
	struct nl_link l;

	if (idx == 0 && nl_link_parse(nlh, &l) == 0)
		seen_link(data, &l);
	else if (idx == 1 && nl_addr_parse(nlh, &a) == 0)
		seen_addr(data, &a);
	return 0;
}

__attribute__((format(printf, 4, 5))) static void problem(struct vn_status *st, const char *want,
							  const char *have, const char *objfmt, ...)
{
	struct vn_problem *p;
	va_list ap;

	st->state = VN_STATE_DEGRADED;
	if (st->nproblems >= VN_PROBLEMS)
		return;
	p = &st->problem[st->nproblems++];
	va_start(ap, objfmt);
	vsnprintf(p->object, sizeof(p->object), objfmt, ap);
	va_end(ap);
	snprintf(p->want, sizeof(p->want), "%s", want);
	snprintf(p->have, sizeof(p->have), "%s", have);
	if (st->nproblems == 1)
		snprintf(st->why, sizeof(st->why), "%s: want %s, have %s", p->object, p->want,
			 p->have);
}

/* The bridge as read: vnet's mark, up, the pinned MTU. */
static void check_bridge(struct vn_ctx *c, struct vn_status *st, const struct nl_link *br)
{
	const struct vn_net *n = &st->net;
	struct vn_bridge_cache bc;
	char want[64], have[64];
	unsigned mtu = n->mtu;

	/* ours by the intent written before the create, not yet marked */
	snprintf(want, sizeof(want), VN_ALIAS_PREFIX "%s", n->name);
	if (!vn_link_is_ours(br, n->name))
		problem(st, want, br->alias[0] ? br->alias : "none", "alias of bridge %s",
			n->bridge);
	if (!(br->flags & IFF_UP))
		problem(st, "up", "down", "bridge %s", n->bridge);
	if (!mtu && vn_bridge_cache_load(c, n->name, &bc))
		mtu = bc.mtu; /* bridged: the uplink's, as pinned */
	if (mtu && br->mtu != mtu) {
		snprintf(want, sizeof(want), "%u", mtu);
		snprintf(have, sizeof(have), "%u", br->mtu);
		problem(st, want, have, "MTU of bridge %s", n->bridge);
	}
}

/* Ports, gateways and (bridged) the uplink with its moved addresses, in
 * one send. */
static int check_links(struct vn_ctx *c, const struct vn_view *v, struct vn_status *st,
		       const struct nl_link *br, struct nl_err *e)
{
	const struct vn_net *n = &st->net;
	struct seen *s = calloc(1, sizeof(*s));
	char a[NL_PREFIX_STRLEN];
	int err = s ? 0 : nl_err_set(e, -ENOMEM, "read", "network %s", n->name);

	if (!err) {
		s->n = n;
		s->ports = &st->ports;
		if (n->model == VN_BRIDGED)
			vn_uplink_moved_addrs(c, n->name, s->moved, MAX_MOVED, &s->nmoved);
	}
	for (unsigned i = 0; !err && v && i < v->nlinks; i++)
		if (v->links[i].master == br->ifindex)
			seen_link(s, &v->links[i]);
	for (unsigned i = 0; !err && v && i < v->naddrs; i++)
		if (v->addrs[i].ifindex == br->ifindex)
			seen_addr(s, &v->addrs[i]);
	if (!err && !v) {
		nl_batch_reset(c->b);
		if (nl_link_dump_msg(c->b, br->ifindex) ||
		    nl_addr_dump_msg(c->b, AF_UNSPEC, br->ifindex))
			err = nl_err_set(e, -ENOBUFS, "read", "network %s", n->name);
		else
			err = vn_send(c, NULL, got, s, e);
	}
	for (unsigned i = 0; !err && i < n->nsubnets; i++)
		if (!(s->addrs_found & (1u << i)))
			problem(st, nl_prefix_str(&n->subnet[i].gateway, true, a, sizeof(a)),
				"absent", "gateway address of bridge %s", n->bridge);
	if (!err && n->model == VN_BRIDGED && !s->uplink_found)
		problem(st, "enslaved to its bridge", "not enslaved", "uplink %s", n->uplink);
	for (unsigned i = 0; !err && i < s->nmoved; i++)
		if (!s->moved_found[i])
			problem(st, nl_prefix_str(&s->moved[i], true, a, sizeof(a)), "absent",
				"moved address of uplink %s on bridge %s", n->uplink, n->bridge);
	free(s);
	return err;
}

/* The host's forwarding and the bridge's own, for each family the network
 * has (IPv4 forwards what the bridge receives only when both say 1; IPv6
 * off on the bridge makes the host no router on that link). The bridge's
 * key named as sysctl(8) names it: a dot in the name is a '/'. */
static void check_forwarding(struct vn_status *st)
{
	static const char *const key[2] = {"ipv4/ip_forward", "ipv6/conf/all/forwarding"};

	for (unsigned f = 0; f < 2; f++) {
		bool want = false;
		char v[16] = "", bkey[64], name[NL_IFNAMSIZ];

		for (unsigned i = 0; i < st->net.nsubnets; i++)
			want |= st->net.subnet[i].prefix.family == (f ? AF_INET6 : AF_INET);
		if (!want)
			continue;
		if (nl_sysctl_read(key[f], v, sizeof(v), NULL) || strcmp(v, "1"))
			problem(st, "1", v[0] ? v : "unreadable", "sysctl net.%s",
				f ? "ipv6.conf.all.forwarding" : "ipv4.ip_forward");
		v[0] = '\0';
		vn_bridge_forward_key(st->net.bridge, f, bkey, sizeof(bkey));
		snprintf(name, sizeof(name), "%s", st->net.bridge);
		for (char *p = strchr(name, '.'); p; p = strchr(p, '.'))
			*p = '/';
		if (nl_sysctl_read(bkey, v, sizeof(v), NULL) || strcmp(v, "1"))
			problem(st, "1", v[0] ? v : "unreadable",
				"sysctl net.%s.conf.%s.forwarding", f ? "ipv6" : "ipv4", name);
	}
}

static void check_vxlan(struct vn_ctx *c, struct vn_status *st, const struct nl_link *br)
{
	struct vn_vxlan_seen s;

	vn_vxlan_status(c, &st->net, br, &st->span, &s);
	for (unsigned i = 0; i < s.n; i++)
		problem(st, s.p[i].want, s.p[i].have, "%s", s.p[i].object);
}

static int check_rules(struct vn_ctx *c, const struct vn_view *v, struct vn_status *st,
		       struct nl_err *e)
{
	struct fw_health *h = malloc(sizeof(*h));
	struct fw_plan *plan = NULL;
	struct fw_net f;
	struct fw *fw;
	int err = h ? 0 : nl_err_set(e, -ENOMEM, "check", "rules of network %s", st->net.name);

	vn_fw_net_of(&st->net, &f);
	if (!err && v && !v->fw) {
		err = v->fw_err;
		if (e)
			*e = v->fw_e;
	} else if (!err && v) {
		if (!(err = fw_plan_build(&f, &plan, e)))
			err = fw_check_in(v->fw, plan, h, e);
	} else if (!err && !(err = vn_fw(c, &fw, e)) && !(err = fw_plan_build(&f, &plan, e))) {
		err = fw_check(fw, plan, h, e);
	}
	for (unsigned i = 0; !err && i < h->n; i++)
		problem(st, h->problem[i].want, h->problem[i].have, "%s", h->problem[i].object);
	fw_plan_free(plan);
	free(h);
	return err;
}

/* A port that vanished (a tap closed with qemu) leaves its elements in
 * table bridge vnet: a repair takes them out. */
static void check_spoof_ports(struct vn_status *st)
{
	char vx[NL_IFNAMSIZ] = "";

	/* every guest port on the bridge is filtered: one the table does not
	 * know sends as it likes (the tunnel carries other hosts' guests,
	 * each filtered at its own host) */
	if (st->net.vni)
		vn_vxlan_name(&st->net, vx);
	for (unsigned k = 0; k < st->ports.n; k++) {
		bool known = !strcmp(st->ports.name[k], vx);

		for (unsigned i = 0; i < st->nspoof && !known; i++)
			known = !strcmp(st->ports.name[k], st->spoof[i].ifname);
		if (!known)
			problem(st, "filtered (vnet up)", "absent: unfiltered",
				"anti-spoofing of port %s", st->ports.name[k]);
	}
	for (unsigned i = 0; i < st->nspoof; i++) {
		bool there = false;

		for (unsigned k = 0; k < st->ports.n && !there; k++)
			there = !strcmp(st->ports.name[k], st->spoof[i].ifname);
		if (!there)
			problem(st, "absent (the port is gone)", "present",
				"anti-spoofing elements of port %s", st->spoof[i].ifname);
	}
}

/* The definition, or (orphan) the run record of a network whose definition
 * is gone or unreadable; orphan gets why. */
static int load(struct vn_ctx *c, const char *name, struct vn_status *st, char *orphan, size_t n,
		struct nl_err *e)
{
	int err = vn_store_load(c->conf_dir, name, &st->net, e);

	if (!err)
		return 0;
	if (vn_name_check(name, NULL) || vn_run_record_load(c, name, &st->net, NULL))
		return err;
	snprintf(orphan, n, "%s", err == -ENOENT ? "gone" : "unreadable");
	nl_err_clear(e);
	return 0;
}

/* The bridge of n as the view holds it (vn_bridge_get's answers). */
static int bridge_in(const struct vn_ctx *c, const struct vn_view *v, const struct vn_net *n,
		     struct nl_link *l)
{
	for (unsigned i = 0; i < v->nlinks; i++)
		if (!strcmp(v->links[i].name, n->bridge)) {
			*l = v->links[i];
			return vn_bridge_is_ours(c, n, l) ? 0 : -EEXIST;
		}
	return -ENODEV;
}

int vn_view_read(struct vn_ctx *c, struct vn_view **out, struct nl_err *e)
{
	struct vn_view *v = calloc(1, sizeof(*v));
	struct nl_sock *rt;
	struct fw *fw;
	int err = v ? vn_rt(c, &rt, e) : nl_err_set(e, -ENOMEM, "read", "networks");

	if (!err)
		err = nl_link_list(rt, 0, &v->links, &v->nlinks, e);
	if (!err)
		err = nl_addr_list(rt, AF_UNSPEC, 0, &v->addrs, &v->naddrs, e);
	/* the ruleset's read failing (without root) is each network's to say */
	if (!err && (v->fw_err = vn_fw(c, &fw, &v->fw_e)) == 0)
		v->fw_err = fw_snapshot(fw, &v->fw, &v->fw_e);
	if (err) {
		vn_view_free(v);
		return err;
	}
	*out = v;
	return 0;
}

void vn_view_free(struct vn_view *v)
{
	if (!v)
		return;
	free(v->links);
	free(v->addrs);
	fw_snapshot_free(v->fw);
	free(v);
}

int vn_show(struct vn_ctx *c, const char *name, struct vn_status *st, struct nl_err *e)
{
	return vn_show_in(c, NULL, name, st, e);
}

int vn_show_in(struct vn_ctx *c, const struct vn_view *v, const char *name, struct vn_status *st,
	       struct nl_err *e)
{
	return vn_show_def(c, v, name, NULL, st, e);
}

int vn_show_def(struct vn_ctx *c, const struct vn_view *v, const char *name,
		const struct vn_net *def, struct vn_status *st, struct nl_err *e)
{
	char orphan[16] = "";
	struct nl_link br;
	struct vn_net ran;
	unsigned wants;
	int err;

	/* all but the anti-spoofing ports, 700 KiB of which nspoof say what
	 * is set: a list of 1,000 networks zeroed them 1,000 times */
	memset(st, 0, offsetof(struct vn_status, spoof));
	if (def)
		st->net = *def;
	else if ((err = load(c, name, st, orphan, sizeof(orphan), e)))
		return err;
	if (orphan[0])
		problem(st, "present", orphan,
			"definition of network %s (vnet destroy %s tears it down)", name, name);
	wants = vn_model_wants(st->net.model);
	err = v ? bridge_in(c, v, &st->net, &br) : vn_bridge_get(c, &st->net, &br, e);
	if (err == -ENODEV) {
		nl_err_clear(e);
		/* nothing runs; unless it was brought up and not taken down */
		if (vn_run_record_load(c, name, &ran, NULL) == 0)
			problem(st, "present", "absent", "bridge %s", st->net.bridge);
		else if (!st->nproblems)
			st->state = VN_STATE_DOWN;
		return 0;
	}
	if (err == -EEXIST) {
		nl_err_clear(e);
		problem(st, "vnet's", "an interface that is not vnet's", "bridge %s",
			st->net.bridge);
		return 0;
	}
	if (err)
		return err;
	st->ifindex = br.ifindex;
	if (!st->nproblems)
		st->state = VN_STATE_UP;
	check_bridge(c, st, &br);
	check_vxlan(c, st, &br);
	if ((err = check_links(c, v, st, &br, e)))
		return err;
	if (wants & W_FORWARD)
		check_forwarding(st);
	if ((wants & W_RULES) && (err = check_rules(c, v, st, e))) {
		if (e->kind != NL_ERR_PERM)
			return err;
		nl_err_clear(e); /* reading it needs root: the rest still tells */
		st->unchecked |= VN_UNCHECKED_RULES;
	} else if ((wants & W_RULES) && st->net.anti_spoof) {
		struct fw_spoof_diff *d = NULL;
		unsigned nd = 0;
		char want[80];
		bool whole;

		if ((err = vn_spoof_status(c, st, &whole, &d, &nd, e)))
			return err;
		if (!whole)
			problem(st, "its rules (vnet up)", "absent or other rules",
				"anti-spoofing chains of network %s in table bridge vnet", name);
		check_spoof_ports(st);
		/* what a port's binding record wants, element by element */
		for (unsigned i = 0; i < nd; i++) {
			snprintf(want, sizeof(want), "%s (vnet up)", d[i].want);
			problem(st, want, d[i].have, "anti-spoofing of port %s", d[i].ifname);
		}
		free(d);
	}
	if ((wants & W_SERVICES) && vn_net_has_dhcp(&st->net) &&
	    !(st->dnsmasq = vn_dnsmasq_pid(c, name))) {
		if (nl_privileged())
			problem(st, "running", "not running (vnet restart-services)",
				"dnsmasq of network %s", name);
		else /* root's process: only root sees whose namespace it is in */
			st->unchecked |= VN_UNCHECKED_DNSMASQ;
	}
	return 0;
}
