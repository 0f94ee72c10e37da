/* hostcheck — what must be true of the host before a network is created:
 * its subnets overlap no other vnet network and no address or non-default
 * route of the host (as libvirt refuses them), its bridge name is free, a
 * bridged network's uplink exists and is free. One send reads the host's
 * links, addresses and routes together. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "nlink/addr.h"
#include "netd/internal.h"
#include "nlink/route.h"
#include "netd/store.h"

struct host {
	struct nl_link *links;
	struct nl_ifaddr *addrs;
	struct nl_route *routes;
	unsigned nlinks, naddrs, nroutes, cap[3];
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

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct host *h = data;

	switch (idx) {
	case 0:
		if (grow((void **)&h->links, &h->cap[0], h->nlinks, sizeof(*h->links)))
			return -ENOMEM;
		return nl_link_parse(nlh, &h->links[h->nlinks++]);
	case 1:
		if (grow((void **)&h->addrs, &h->cap[1], h->naddrs, sizeof(*h->addrs)))
			return -ENOMEM;
		return nl_addr_parse(nlh, &h->addrs[h->naddrs++]);
	default:
		if (grow((void **)&h->routes, &h->cap[2], h->nroutes, sizeof(*h->routes)))
			return -ENOMEM;
		if (nl_route_parse(nlh, &h->routes[h->nroutes]) == 0 &&
		    h->routes[h->nroutes].table == 254 /* RT_TABLE_MAIN */)
			h->nroutes++;
		return 0;
	}
}

static const char *ifname_of(const struct host *h, int ifindex)
{
	for (unsigned i = 0; i < h->nlinks; i++)
		if (h->links[i].ifindex == ifindex)
			return h->links[i].name;
	return "?";
}

static const struct nl_link *link_named(const struct host *h, const char *name)
{
	for (unsigned i = 0; i < h->nlinks; i++)
		if (!strcmp(h->links[i].name, name))
			return &h->links[i];
	return NULL;
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
static int check_subnet(const struct host *h, const struct nl_prefix *s, int ours, struct nl_err *e)
{
	char a[NL_PREFIX_STRLEN], obj[NL_PREFIX_STRLEN + 8];

	for (unsigned i = 0; i < h->naddrs; i++) {
		const struct nl_ifaddr *x = &h->addrs[i];

		if (x->ifindex == ours || !nl_prefix_overlaps(s, &x->addr))
			continue;
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, subnet_obj(s, obj, sizeof(obj)),
			       "overlaps address %s on %s",
			       nl_prefix_str(&x->addr, true, a, sizeof(a)),
			       ifname_of(h, x->ifindex));
	}
	for (unsigned i = 0; i < h->nroutes; i++) {
		const struct nl_route *r = &h->routes[i];

		if (r->dst.len == 0 || r->family != s->family || (ours && r->oif == ours) ||
		    !nl_prefix_overlaps(s, &r->dst))
			continue;
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, subnet_obj(s, obj, sizeof(obj)),
			       "overlaps route %s%s%s", nl_prefix_str(&r->dst, true, a, sizeof(a)),
			       r->oif ? " dev " : "", r->oif ? ifname_of(h, r->oif) : "");
	}
	return 0;
}

static int check_links(const struct vn_ctx *c, const struct host *h, const struct vn_net *n,
		       struct nl_err *e)
{
	const struct nl_link *l = link_named(h, n->bridge), *up;
	char obj[64];

	if (l && !vn_bridge_is_ours(c, n, l)) {
		snprintf(obj, sizeof(obj), "bridge %s", n->bridge);
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
			       "an interface of that name exists and is not vnet's");
	}
	if (n->model != VN_BRIDGED)
		return 0;
	snprintf(obj, sizeof(obj), "uplink %s", n->uplink);
	if (!(up = link_named(h, n->uplink)))
		return nl_fail(e, -ENODEV, NL_ERR_INVALID, obj, "no such interface");
	if (up->flags & IFF_LOOPBACK || !strcmp(up->kind, "bridge"))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "cannot be a loopback or bridge interface");
	if (up->master && (!l || up->master != l->ifindex))
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			       "is already enslaved to another interface");
	return 0;
}

/* Other vnet networks: neither their bridge, uplink nor subnets. */
static int check_networks(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct vn_store_entry *v;
	unsigned cnt;
	char obj[64], a[NL_PREFIX_STRLEN];
	int err = vn_store_list(c->conf_dir, &v, &cnt, e);

	for (unsigned i = 0; !err && i < cnt; i++) {
		const struct vn_net *o = &v[i].net;

		if (v[i].err || !strcmp(o->name, n->name))
			continue;
		if (!strcmp(o->bridge, n->bridge) ||
		    (n->uplink[0] && !strcmp(o->uplink, n->uplink))) {
			bool br = !strcmp(o->bridge, n->bridge);

			snprintf(obj, sizeof(obj), "%s %s", br ? "bridge" : "uplink",
				 br ? n->bridge : n->uplink);
			err = nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "is used by network %s",
				      o->name);
		}
		for (unsigned j = 0; !err && j < n->nsubnets; j++)
			for (unsigned k = 0; !err && k < o->nsubnets; k++)
				if (nl_prefix_overlaps(&n->subnet[j].prefix, &o->subnet[k].prefix))
					err = nl_fail(
						e, -EEXIST, NL_ERR_CONFLICT,
						subnet_obj(&n->subnet[j].prefix, obj, sizeof(obj)),
						"overlaps subnet %s of network %s",
						nl_prefix_str(&o->subnet[k].prefix, true, a,
							      sizeof(a)),
						o->name);
	}
	free(v);
	return err;
}

int vn_check_host(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct host h = {0};
	const struct nl_link *l;
	int err, ours = 0;

	if ((err = check_networks(c, n, e)))
		return err;
	nl_batch_reset(c->b);
	if (nl_link_dump_msg(c->b, 0) || nl_addr_dump_msg(c->b, AF_UNSPEC, 0) ||
	    nl_route_dump_msg(c->b, AF_UNSPEC))
		return nl_err_set(e, -ENOBUFS, "read", "host interfaces");
	err = vn_send(c, NULL, got, &h, e);
	if (!err)
		err = check_links(c, &h, n, e);
	if (!err && (l = link_named(&h, n->bridge)))
		ours = l->ifindex; /* check_links made sure it is ours */
	for (unsigned i = 0; !err && i < n->nsubnets; i++)
		err = check_subnet(&h, &n->subnet[i].prefix, ours, e);
	free(h.links);
	free(h.addrs);
	free(h.routes);
	return err;
}
