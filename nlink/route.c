/* route — routes in the main table; see route.h. Owns the RTA_* encoding of
 * add, replace and delete, the dump of the main table (and of one link's
 * routes in every table) and the decoding of
 * RTM_NEWROUTE. Multipath routes are read as their first fields only: vnet
 * makes none. */
#include "nlink/route.h"

#include <linux/rtnetlink.h>
#include <stdio.h>

#include "nlink/internal.h"

static bool route_valid(const struct nl_route *r)
{
	/* A zeroed dst is the default route. */
	bool dflt = r && r->dst.family == 0 && r->dst.len == 0;

	return r && (r->family == AF_INET || r->family == AF_INET6) &&
	       (dflt || r->dst.family == r->family) && r->dst.len <= nl_prefix_bits(&r->dst) &&
	       (!r->gw.family || r->gw.family == r->family) &&
	       (!r->prefsrc.family || r->prefsrc.family == r->family) && r->oif >= 0;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct nl_prefix *p)
{
	mnl_attr_put(nlh, type, nl_prefix_bits(p) / 8, p->a.b);
}

/* The request with its rtmsg and the attributes add and delete share,
 * labelled "route DST" ("route default"). */
static struct nlmsghdr *route_start(struct nl_batch *b, uint16_t type, uint16_t flags,
				    const struct nl_route *r, const char *op)
{
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;
	char dst[NL_PREFIX_STRLEN] = "default";
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (r->dst.len)
		nl_prefix_str(&r->dst, true, dst, sizeof(dst));
	nlh = nl_batch_add(b, type, flags, op, "route %s", dst);
	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_tos = r->tos;
	/* RTNH_F_ONLINK and its kin: what let the kernel accept the route */
	rtm->rtm_flags = r->flags & (RTNH_F_ONLINK | RTNH_F_PERVASIVE);
	/* rtm_table holds 8 bits; RTA_TABLE holds them all. */
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (r->dst.len)
		put_addr(nlh, RTA_DST, &r->dst);
	if (r->gw.family)
		put_addr(nlh, RTA_GATEWAY, &r->gw);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	return nlh;
}

/* What ip route add picks when no scope is given: IPv6 routes are always
 * universe; an IPv4 unicast route without gateway is on-link. */
static uint8_t add_scope(const struct nl_route *r, uint8_t type)
{
	if (r->scope || r->family == AF_INET6)
		return r->scope;
	if (type == RTN_LOCAL)
		return RT_SCOPE_HOST;
	if (type == RTN_UNICAST && !r->gw.family)
		return RT_SCOPE_LINK;
	if (type == RTN_BROADCAST || type == RTN_MULTICAST || type == RTN_ANYCAST)
		return RT_SCOPE_LINK;
	return RT_SCOPE_UNIVERSE;
}

int nl_route_add_msg(struct nl_batch *b, const struct nl_route *r, int how)
{
	uint16_t flags = NLM_F_CREATE | (how == NL_ROUTE_REPLACE ? NLM_F_REPLACE : NLM_F_EXCL);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (!route_valid(r) || (how != NL_ROUTE_ADD && how != NL_ROUTE_REPLACE))
		return -EINVAL;
	nlh = route_start(b, RTM_NEWROUTE, flags, r, how == NL_ROUTE_REPLACE ? "replace" : "add");
	if (!nlh)
		return -ENOBUFS;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_BOOT;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	rtm->rtm_scope = add_scope(r, rtm->rtm_type);
	if (r->prefsrc.family)
		put_addr(nlh, RTA_PREFSRC, &r->prefsrc);
	return 0;
}

int nl_route_del_msg(struct nl_batch *b, const struct nl_route *r)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (!route_valid(r))
		return -EINVAL;
	nlh = route_start(b, RTM_DELROUTE, 0, r, "delete");
	if (!nlh)
		return -ENOBUFS;
	/* Zero protocol and type, and scope "nowhere", match any. */
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_type = r->type;
	rtm->rtm_scope = r->scope ? r->scope : RT_SCOPE_NOWHERE;
	return 0;
}

int nl_route_dump_msg(struct nl_batch *b, int family)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return -EINVAL;
	nlh = nl_batch_add(b, RTM_GETROUTE, NLM_F_DUMP, "list", "routes");
	if (!nlh)
		return -ENOBUFS;
	/* Strict checking lets the kernel filter by table; nl_route_list
	 * still checks each route, as older kernels dump every table. */
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	return 0;
}

int nl_route_dump_dev_msg(struct nl_batch *b, int family, int oif)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if ((family != AF_UNSPEC && family != AF_INET && family != AF_INET6) || oif <= 0)
		return -EINVAL;
	nlh = nl_batch_add(b, RTM_GETROUTE, NLM_F_DUMP, "list", "routes of link #%d", oif);
	if (!nlh)
		return -ENOBUFS;
	/* No table (rtm_table 0, no RTA_TABLE): every table. With strict
	 * checking the kernel keeps only the routes with a next hop through
	 * oif, multipath and nexthop objects included. */
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	return 0;
}

int nl_route_lookup_msg(struct nl_batch *b, const struct nl_prefix *dst)
{
	char a[NL_PREFIX_STRLEN];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (dst->family != AF_INET && dst->family != AF_INET6)
		return -EINVAL;
	nlh = nl_batch_add(b, RTM_GETROUTE, 0, "look up", "route to %s",
			   nl_prefix_str(dst, false, a, sizeof(a)));
	if (!nlh)
		return -ENOBUFS;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dst->family;
	rtm->rtm_dst_len = (uint8_t)nl_prefix_bits(dst);
	/* the FIB entry that matched, with its prefix, not a cloned route */
	rtm->rtm_flags = RTM_F_FIB_MATCH;
	put_addr(nlh, RTA_DST, dst);
	return 0;
}

/* Copies an address attribute of the route's family into p. */
static int get_addr(const struct nlattr *a, uint8_t family, uint8_t len, struct nl_prefix *p)
{
	struct nl_prefix q = {.family = family, .len = len};

	if (!a)
		return 0;
	if (mnl_attr_get_payload_len(a) != nl_prefix_bits(&q) / 8)
		return -EBADMSG;
	memcpy(q.a.b, mnl_attr_get_payload(a), nl_prefix_bits(&q) / 8);
	*p = q;
	return 0;
}

int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *out)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1];
	int err;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWROUTE || nl_tb_parse(nlh, sizeof(*rtm), tb, RTA_MAX) < 0)
		return -EBADMSG;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EAFNOSUPPORT;
	out->family = rtm->rtm_family;
	out->tos = rtm->rtm_tos;
	out->flags = rtm->rtm_flags;
	out->protocol = rtm->rtm_protocol;
	out->scope = rtm->rtm_scope;
	out->type = rtm->rtm_type;
	out->table = nl_tb_u32(tb[RTA_TABLE], rtm->rtm_table);
	out->oif = (int)nl_tb_u32(tb[RTA_OIF], 0);
	out->metric = nl_tb_u32(tb[RTA_PRIORITY], 0);
	out->dst.family = out->family;
	out->dst.len = rtm->rtm_dst_len;
	err = get_addr(tb[RTA_DST], out->family, rtm->rtm_dst_len, &out->dst);
	if (!err)
		err = get_addr(tb[RTA_GATEWAY], out->family, nl_prefix_bits(&out->dst), &out->gw);
	if (!err)
		err = get_addr(tb[RTA_PREFSRC], out->family, nl_prefix_bits(&out->dst),
			       &out->prefsrc);
	return err;
}

/* Other families, and other tables (older kernels dump them all), are not
 * ours to list. */
static int list_parse(const struct nlmsghdr *nlh, void *rec)
{
	const struct nl_route *r = rec;
	int err = nl_route_parse(nlh, rec);

	if (err == -EAFNOSUPPORT || (err == 0 && r->table != RT_TABLE_MAIN))
		return NL_DUMP_SKIP;
	return err;
}

int nl_route_list(struct nl_sock *s, int family, struct nl_route **out, unsigned *n,
		  struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	void *v;
	int err = nl_dump_collect(s, b, nl_route_dump_msg(b, family), sizeof(**out), list_parse, &v,
				  n, e, "routes");

	*out = v;
	return err;
}
