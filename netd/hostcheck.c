/* hostcheck — what must be true of the host before a network is created:
 * its subnets overlap no other vnet network and no address or non-default
 * route of the host (as libvirt refuses them), its bridge name is free, a
 * bridged network's uplink exists and is free. Other networks come from
 * the index (index.c); the host's bridge and uplink are read by name, its
 * addresses and routes in one dump each. And, before IPv6 forwarding is
 * turned on, that no interface would lose routes learned from router
 * advertisements (vn_check_ra). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "nlink/addr.h"
#include "netd/internal.h"
#include "nlink/route.h"
#include "nlink/sysctl.h"
#include "netd/store.h"

struct host {
	struct nl_link br, up; /* by name: the bridge's, the uplink's (ifindex 0: none) */
	struct nl_ifaddr *addrs;
	struct nl_route *routes;
	unsigned naddrs, nroutes, cap[2];
	bool bridged;
};

static int grow(void **v, unsigned *cap, unsigned n, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, (*cap = *cap ? *cap * 2 : 32) * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	return 0;
}

/* The answers: the bridge (and a bridged network's uplink) got by name,
 * then the dumps of addresses and routes. */
static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct host *h = data;
	unsigned dumps = h->bridged ? 2 : 1;

	if (idx < dumps)
		return nl_link_parse(nlh, idx == 0 ? &h->br : &h->up);
	if (idx == dumps) {
		if (grow((void **)&h->addrs, &h->cap[0], h->naddrs, sizeof(*h->addrs)))
			return -ENOMEM;
		return nl_addr_parse(nlh, &h->addrs[h->naddrs++]);
	}
	if (grow((void **)&h->routes, &h->cap[1], h->nroutes, sizeof(*h->routes)))
		return -ENOMEM;
	if (nl_route_parse(nlh, &h->routes[h->nroutes]) == 0 &&
	    h->routes[h->nroutes].table == 254 /* RT_TABLE_MAIN */)
		h->nroutes++;
	return 0;
}

/* The name of a link named in a refusal: read then, by its index. */
static const char *ifname_of(struct vn_ctx *c, int ifindex, char buf[NL_IFNAMSIZ])
{
	struct nl_link l = {0};

	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, ifindex, NULL) || vn_send(c, NULL, vn_got_link, &l, NULL))
		return "?";
	snprintf(buf, NL_IFNAMSIZ, "%s", l.name);
	return buf;
}

/* "subnet 10.0.0.0/24", what an overlap names */
static const char *subnet_obj(const struct nl_prefix *s, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];

	snprintf(buf, n, "subnet %s", nl_prefix_str(s, true, a, sizeof(a)));
	return buf;
}

/* ours: the ifindex of a bridge this network left behind (a create killed
 * halfway), whose addresses and routes are not a conflict. */
static int check_subnet(struct vn_ctx *c, const struct host *h, const struct nl_prefix *s, int ours,
			struct nl_err *e)
{
	char a[NL_PREFIX_STRLEN], obj[NL_PREFIX_STRLEN + 8], name[NL_IFNAMSIZ];

	for (unsigned i = 0; i < h->naddrs; i++) {
		const struct nl_ifaddr *x = &h->addrs[i];

		if (x->ifindex == ours || !nl_prefix_overlaps(s, &x->addr))
			continue;
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, subnet_obj(s, obj, sizeof(obj)),
			       "overlaps address %s on %s",
			       nl_prefix_str(&x->addr, true, a, sizeof(a)),
			       ifname_of(c, x->ifindex, name));
	}
	for (unsigned i = 0; i < h->nroutes; i++) {
		const struct nl_route *r = &h->routes[i];

		if (r->dst.len == 0 || r->family != s->family || (ours && r->oif == ours) ||
		    !nl_prefix_overlaps(s, &r->dst))
			continue;
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, subnet_obj(s, obj, sizeof(obj)),
			       "overlaps route %s%s%s", nl_prefix_str(&r->dst, true, a, sizeof(a)),
			       r->oif ? " dev " : "", r->oif ? ifname_of(c, r->oif, name) : "");
	}
	return 0;
}

static int check_links(const struct vn_ctx *c, const struct host *h, const struct vn_net *n,
		       struct nl_err *e)
{
	const struct nl_link *l = h->br.ifindex ? &h->br : NULL, *up;
	char obj[64];

	if (l && !vn_bridge_is_ours(c, n, l)) {
		snprintf(obj, sizeof(obj), "bridge %s", n->bridge);
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
			       "an interface of that name exists and is not vnet's");
	}
	if (n->model != VN_BRIDGED)
		return 0;
	snprintf(obj, sizeof(obj), "uplink %s", n->uplink);
	if (!(up = h->up.ifindex ? &h->up : NULL))
		return nl_fail(e, -ENODEV, NL_ERR_INVALID, obj, "no such interface");
	if (up->flags & IFF_LOOPBACK || !strcmp(up->kind, "bridge"))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "cannot be a loopback or bridge interface");
	if (up->master && (!l || up->master != l->ifindex))
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			       "is already enslaved to another interface");
	return 0;
}

/* Whether network name runs: its run record reads. */
static bool runs(const struct vn_ctx *c, const char *name)
{
	struct vn_net *ran = malloc(sizeof(*ran));
	bool yes = ran && vn_run_record_load(c, name, ran, NULL) == 0;

	free(ran);
	return yes;
}

/* Whether o may keep n from coming up: not when n runs and o never did (a
 * definition written beside a running network is the newcomer: its own
 * up or create is refused, not the repair of the one that runs). Asked
 * only of a network that collides. */
static bool blocks(const struct vn_ctx *c, const struct vn_net *n, const char *o, int *n_runs)
{
	if (*n_runs < 0)
		*n_runs = runs(c, n->name);
	return !*n_runs || runs(c, o);
}

/* Other vnet networks (the index of their definitions): neither their
 * bridge, uplink, subnets nor VNI. */
static int check_networks(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct vn_index_entry *v;
	unsigned cnt;
	char obj[64], a[NL_PREFIX_STRLEN];
	int err = vn_index_load(c, &v, &cnt, e), n_runs = -1;

	for (unsigned i = 0; !err && i < cnt; i++) {
		const struct vn_index_entry *o = &v[i];

		if (!strcmp(o->name, n->name))
			continue;
		if (!strcmp(o->bridge, n->bridge) ||
		    (n->uplink[0] && !strcmp(o->uplink, n->uplink))) {
			bool br = !strcmp(o->bridge, n->bridge);

			snprintf(obj, sizeof(obj), "%s %s", br ? "bridge" : "uplink",
				 br ? n->bridge : n->uplink);
			err = nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "is used by network %s",
				      o->name);
		}
		if (!err && n->vni && o->vni == n->vni) {
			snprintf(obj, sizeof(obj), "--vni %u", n->vni);
			err = nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
				      "is used by network %s (its VXLAN port vx-%u)", o->name,
				      n->vni);
		}
		for (unsigned j = 0; !err && j < n->nsubnets; j++)
			for (unsigned k = 0; !err && k < o->nsubnets; k++)
				if (nl_prefix_overlaps(&n->subnet[j].prefix, &o->subnet[k]))
					err = nl_fail(
						e, -EEXIST, NL_ERR_CONFLICT,
						subnet_obj(&n->subnet[j].prefix, obj, sizeof(obj)),
						"overlaps subnet %s of network %s",
						nl_prefix_str(&o->subnet[k], true, a, sizeof(a)),
						o->name);
		if (err && !blocks(c, n, o->name, &n_runs)) {
			nl_err_clear(e);
			err = 0;
		}
	}
	free(v);
	return err;
}

/* The one family of n's subnets, or AF_UNSPEC when it has both: the
 * dumps read no other. */
static int family_of(const struct vn_net *n)
{
	int f = n->nsubnets ? n->subnet[0].prefix.family : AF_UNSPEC;

	for (unsigned i = 1; i < n->nsubnets; i++)
		if (n->subnet[i].prefix.family != f)
			return AF_UNSPEC;
	return f;
}

int vn_check_host(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	/* ENOENT: a route dump of one family finds no main table (a fresh
	 * namespace), which holds no route then */
	static const int ok[] = {-ENODEV, -ENOENT, 0};
	struct host h = {.bridged = n->model == VN_BRIDGED};
	int err, fam = family_of(n);

	if ((err = check_networks(c, n, e)))
		return err;
	/* the two names, then the host's addresses and main-table routes of
	 * the subnets' families (none without a subnet): these grow with the
	 * host's (and vnet's other networks') addresses and routes, as
	 * libvirt's and Incus's reads of /proc/net/route do; the kernel has
	 * no filter that leaves vnet's own out (README, Benchmarks) */
	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, 0, n->bridge) ||
	    (h.bridged && nl_link_get_msg(c->b, 0, n->uplink)) ||
	    (n->nsubnets && (nl_addr_dump_msg(c->b, fam, 0) || nl_route_dump_msg(c->b, fam))))
		return nl_err_set(e, -ENOBUFS, "read", "host interfaces");
	err = vn_send(c, ok, got, &h, e);
	if (!err)
		err = check_links(c, &h, n, e);
	/* check_links made sure a bridge of that name is ours */
	for (unsigned i = 0; !err && i < n->nsubnets; i++)
		err = check_subnet(c, &h, &n->subnet[i].prefix, h.br.ifindex, e);
	free(h.addrs);
	free(h.routes);
	return err;
}

/* The first route learned from a router advertisement on each interface
 * (at most 8 interfaces: the first one refuses). */
struct ra_routes {
	struct nl_route r[8];
	unsigned n;
};

static int got_ra_route(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct ra_routes *ra = data;
	struct nl_route r;

	(void)idx;
	if (nl_route_parse(nlh, &r) || r.family != AF_INET6 || r.protocol != RTPROT_RA || !r.oif ||
	    ra->n >= sizeof(ra->r) / sizeof(ra->r[0]))
		return 0;
	for (unsigned i = 0; i < ra->n; i++)
		if (ra->r[i].oif == r.oif)
			return 0;
	ra->r[ra->n++] = r;
	return 0;
}

int vn_check_ra(struct vn_ctx *c, struct nl_err *e)
{
	char dev[NL_IFNAMSIZ], key[96], v[16], obj[NL_IFNAMSIZ + 16], dst[NL_PREFIX_STRLEN],
		gw[NL_PREFIX_STRLEN];
	struct ra_routes ra = {.n = 0};
	int err;

	nl_batch_reset(c->b);
	if (nl_route_dump_msg(c->b, AF_INET6))
		return nl_err_set(e, -ENOBUFS, "read", "IPv6 routes");
	if ((err = vn_send(c, NULL, got_ra_route, &ra, e)))
		return err;
	for (unsigned i = 0; i < ra.n; i++) {
		const struct nl_route *r = &ra.r[i];

		ifname_of(c, r->oif, dev);
		snprintf(key, sizeof(key), "ipv6/conf/%s/accept_ra", dev);
		if (nl_sysctl_read(key, v, sizeof(v), NULL) || strcmp(v, "1"))
			continue;
		snprintf(obj, sizeof(obj), "interface %s", dev);
		return nl_fail(
			e, -EBUSY, NL_ERR_CONFLICT, obj,
			"holds routes learned from IPv6 router advertisements (%s%s%s) "
			"with accept_ra=1, which IPv6 forwarding would make it ignore (the "
			"routes expire): set net.ipv6.conf.%s.accept_ra=2 first",
			r->dst.len ? nl_prefix_str(&r->dst, true, dst, sizeof(dst)) : "default",
			r->gw.family ? " via " : "",
			r->gw.family ? nl_prefix_str(&r->gw, false, gw, sizeof(gw)) : "", dev);
	}
	return 0;
}
