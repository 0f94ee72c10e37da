/* link — rtnetlink links; see link.h. Owns the IFLA_* encoding of bridge,
 * VXLAN and veth creation, link changes, delete, get and dump, and the decoding of
 * RTM_NEWLINK into struct nl_link. Bridge-port flags are brport.c's, taps
 * tap.c's. */
#include "nlink/link.h"

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "nlink/internal.h"

#define ALIAS_MAX 255 /* IFALIASZ - 1 */

int nl_name_ok(const char *name)
{
	return name && name[0] && strlen(name) < NL_IFNAMSIZ;
}

const char *nl_link_obj(char *buf, size_t n, int ifindex, const char *name)
{
	if (name && name[0])
		snprintf(buf, n, "link %s", name);
	else
		snprintf(buf, n, "link #%d", ifindex);
	return buf;
}

struct nlmsghdr *nl_ifi_start(struct nl_batch *b, uint16_t type, uint16_t flags, uint8_t family,
			      int ifindex, const char *name, const char *op, const char *obj)
{
	struct nlmsghdr *nlh = nl_batch_add(b, type, flags, op, "%s", obj);
	struct ifinfomsg *ifi;

	if (!nlh)
		return NULL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = family;
	ifi->ifi_index = ifindex;
	if (ifindex == 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

int nl_bridge_add_msg(struct nl_batch *b, const char *name, const struct nl_bridge_opts *o)
{
	static const struct nl_bridge_opts defaults;
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;
	char obj[64];

	if (!nl_name_ok(name))
		return -EINVAL;
	o = o ? o : &defaults;
	snprintf(obj, sizeof(obj), "bridge %s", name);
	nlh = nl_ifi_start(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0, name, "create",
			   obj);
	if (!nlh)
		return -ENOBUFS;
	/* IFLA_MTU at creation sets the MTU without pinning it: the bridge
	 * still follows its ports until an NL_LINK_MTU change pins it. */
	if (o->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, o->mtu);
	if (o->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, o->mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The kernel applies the delay before the STP state, and only checks
	 * its 2..30 s range while STP is on. Unit: clock_t (USER_HZ = 100). */
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, o->forward_delay);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, o->stp ? 1 : 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

static bool vxlan_valid(const char *name, const struct nl_vxlan_opts *o)
{
	if (!nl_name_ok(name) || !o || !o->vni || o->vni > NL_VXLAN_VNI_MAX)
		return false;
	if (o->local.family && o->local.family != AF_INET && o->local.family != AF_INET6)
		return false;
	return true;
}

int nl_vxlan_add_msg(struct nl_batch *b, const char *name, const struct nl_vxlan_opts *o)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;
	char obj[64];

	if (!vxlan_valid(name, o))
		return -EINVAL;
	snprintf(obj, sizeof(obj), "vxlan %s", name);
	nlh = nl_ifi_start(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0, name, "create",
			   obj);
	if (!nlh)
		return -ENOBUFS;
	if (o->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, o->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, o->vni);
	if (o->local.family == AF_INET)
		mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, 4, &o->local.a.v4);
	else if (o->local.family == AF_INET6)
		mnl_attr_put(nlh, IFLA_VXLAN_LOCAL6, 16, &o->local.a.v6);
	/* network order, like every port the kernel keeps */
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(o->dstport ? o->dstport : NL_VXLAN_PORT));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, o->learning ? 1 : 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

int nl_veth_add_msg(struct nl_batch *b, const char *name, const char *peer, int peer_netns_fd)
{
	struct nlattr *info, *data, *p;
	struct nlmsghdr *nlh;
	char obj[64];

	if (!nl_name_ok(name) || !nl_name_ok(peer))
		return -EINVAL;
	snprintf(obj, sizeof(obj), "veth %s/%s", name, peer);
	nlh = nl_ifi_start(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0, name, "create",
			   obj);
	if (!nlh)
		return -ENOBUFS;
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is described like a link of its own: an ifinfomsg, then
	 * its attributes, inside VETH_INFO_PEER. */
	p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

#define NL_LINK_ALL                                                                                \
	(NL_LINK_UP | NL_LINK_DOWN | NL_LINK_MASTER | NL_LINK_MTU | NL_LINK_MAC | NL_LINK_TXQLEN | \
	 NL_LINK_ALIAS | NL_LINK_NETNS)

/* The operation named in error reports: the one change, or "change". */
static const char *change_op(const struct nl_link_change *c)
{
	static const struct {
		unsigned bit;
		const char *op;
	} ops[] = {
		{NL_LINK_UP, "set up"},
		{NL_LINK_DOWN, "set down"},
		{NL_LINK_MTU, "set mtu"},
		{NL_LINK_MAC, "set address"},
		{NL_LINK_TXQLEN, "set txqueuelen"},
		{NL_LINK_ALIAS, "set alias"},
		{NL_LINK_NETNS, "set netns"},
	};

	if (c->mask == NL_LINK_MASTER)
		return c->master ? "set master" : "set nomaster";
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (c->mask == ops[i].bit)
			return ops[i].op;
	return "change";
}

static int change_valid(int ifindex, const char *name, const struct nl_link_change *c)
{
	if (!c || (c->mask & ~NL_LINK_ALL) || ifindex < 0)
		return 0;
	if ((c->mask & NL_LINK_UP) && (c->mask & NL_LINK_DOWN))
		return 0;
	if ((c->mask & NL_LINK_ALIAS) && c->alias && strlen(c->alias) > ALIAS_MAX)
		return 0;
	if ((c->mask & NL_LINK_NETNS) && c->netns_fd < 0)
		return 0;
	return ifindex > 0 || nl_name_ok(name);
}

int nl_link_change_msg(struct nl_batch *b, int ifindex, const char *name,
		       const struct nl_link_change *c)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	char obj[64];

	if (!change_valid(ifindex, name, c))
		return -EINVAL;
	nl_link_obj(obj, sizeof(obj), ifindex, name);
	/* RTM_NEWLINK without NLM_F_CREATE changes a link and never makes one:
	 * a missing link is -ENODEV. */
	nlh = nl_ifi_start(b, RTM_NEWLINK, 0, AF_UNSPEC, ifindex, name, change_op(c), obj);
	if (!nlh)
		return -ENOBUFS;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (c->mask & (NL_LINK_UP | NL_LINK_DOWN)) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = (c->mask & NL_LINK_UP) ? IFF_UP : 0;
	}
	if (c->mask & NL_LINK_MASTER)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)c->master);
	if (c->mask & NL_LINK_MTU)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->mask & NL_LINK_MAC)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, c->mac);
	if (c->mask & NL_LINK_TXQLEN)
		mnl_attr_put_u32(nlh, IFLA_TXQLEN, c->txqlen);
	/* Without its NUL, like ip: an empty alias is a zero-length attribute,
	 * which the kernel reads as "remove". */
	if (c->mask & NL_LINK_ALIAS)
		mnl_attr_put(nlh, IFLA_IFALIAS, c->alias ? strlen(c->alias) : 0,
			     c->alias ? c->alias : "");
	if (c->mask & NL_LINK_NETNS)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)c->netns_fd);
	return 0;
}

int nl_link_del_msg(struct nl_batch *b, int ifindex, const char *name)
{
	char obj[64];

	if (ifindex < 0 || (ifindex == 0 && !nl_name_ok(name)))
		return -EINVAL;
	nl_link_obj(obj, sizeof(obj), ifindex, name);
	if (!nl_ifi_start(b, RTM_DELLINK, 0, AF_UNSPEC, ifindex, name, "delete", obj))
		return -ENOBUFS;
	return 0;
}

int nl_link_get_msg(struct nl_batch *b, int ifindex, const char *name)
{
	struct nlmsghdr *nlh;
	char obj[64];

	if (ifindex < 0 || (ifindex == 0 && !nl_name_ok(name)))
		return -EINVAL;
	nl_link_obj(obj, sizeof(obj), ifindex, name);
	nlh = nl_ifi_start(b, RTM_GETLINK, 0, AF_UNSPEC, ifindex, name, "get", obj);
	if (!nlh)
		return -ENOBUFS;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return 0;
}

int nl_link_dump_msg(struct nl_batch *b, int master)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (master > 0)
		nlh = nl_batch_add(b, RTM_GETLINK, NLM_F_DUMP, "list", "ports of link #%d", master);
	else
		nlh = nl_batch_add(b, RTM_GETLINK, NLM_F_DUMP, "list", "links");
	if (!nlh)
		return -ENOBUFS;
	/* Strict checking: the header must be all zero, filters go in
	 * attributes. */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return 0;
}

static void parse_port(const struct nlattr *data, struct nl_link *out)
{
	const struct nlattr *tb[IFLA_BRPORT_MAX + 1];

	if (nl_tb_nested(data, tb, IFLA_BRPORT_MAX) < 0)
		return;
	out->port.valid = true;
	out->port.isolated = nl_tb_u8(tb[IFLA_BRPORT_ISOLATED], 0);
	out->port.hairpin = nl_tb_u8(tb[IFLA_BRPORT_MODE], 0);
	out->port.learning = nl_tb_u8(tb[IFLA_BRPORT_LEARNING], 0);
	out->port.unicast_flood = nl_tb_u8(tb[IFLA_BRPORT_UNICAST_FLOOD], 0);
	out->port.neigh_suppress = nl_tb_u8(tb[IFLA_BRPORT_NEIGH_SUPPRESS], 0);
}

static void parse_vxlan(const struct nlattr *data, struct nl_link *out)
{
	const struct nlattr *tb[IFLA_VXLAN_MAX + 1];

	if (nl_tb_nested(data, tb, IFLA_VXLAN_MAX) < 0)
		return;
	out->vxlan.valid = true;
	out->vxlan.vni = nl_tb_u32(tb[IFLA_VXLAN_ID], 0);
	if (tb[IFLA_VXLAN_LOCAL] && mnl_attr_get_payload_len(tb[IFLA_VXLAN_LOCAL]) == 4) {
		out->vxlan.local.family = AF_INET;
		out->vxlan.local.len = 32;
		memcpy(&out->vxlan.local.a.v4, mnl_attr_get_payload(tb[IFLA_VXLAN_LOCAL]), 4);
	} else if (tb[IFLA_VXLAN_LOCAL6] && mnl_attr_get_payload_len(tb[IFLA_VXLAN_LOCAL6]) == 16) {
		out->vxlan.local.family = AF_INET6;
		out->vxlan.local.len = 128;
		memcpy(&out->vxlan.local.a.v6, mnl_attr_get_payload(tb[IFLA_VXLAN_LOCAL6]), 16);
	}
	if (tb[IFLA_VXLAN_PORT] && mnl_attr_validate(tb[IFLA_VXLAN_PORT], MNL_TYPE_U16) == 0)
		out->vxlan.dstport = ntohs(mnl_attr_get_u16(tb[IFLA_VXLAN_PORT]));
	out->vxlan.learning = nl_tb_u8(tb[IFLA_VXLAN_LEARNING], 0);
}

static void parse_bridge(const struct nlattr *data, struct nl_link *out)
{
	const struct nlattr *tb[IFLA_BR_MAX + 1];

	if (nl_tb_nested(data, tb, IFLA_BR_MAX) < 0)
		return;
	out->bridge.valid = true;
	out->bridge.stp_state = nl_tb_u32(tb[IFLA_BR_STP_STATE], 0);
	/* Reported in clock_t like ip -d shows it: centiseconds. */
	out->bridge.forward_delay = nl_tb_u32(tb[IFLA_BR_FORWARD_DELAY], 0);
}

static int parse_linkinfo(const struct nlattr *nest, struct nl_link *out)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (nl_tb_nested(nest, tb, IFLA_INFO_MAX) < 0)
		return -EBADMSG;
	nl_tb_str(out->kind, sizeof(out->kind), tb[IFLA_INFO_KIND]);
	nl_tb_str(out->slave_kind, sizeof(out->slave_kind), tb[IFLA_INFO_SLAVE_KIND]);
	/* The data attributes are typed by the kind named next to them. */
	if (tb[IFLA_INFO_DATA] && !strcmp(out->kind, "bridge"))
		parse_bridge(tb[IFLA_INFO_DATA], out);
	if (tb[IFLA_INFO_DATA] && !strcmp(out->kind, "vxlan"))
		parse_vxlan(tb[IFLA_INFO_DATA], out);
	if (tb[IFLA_INFO_SLAVE_DATA] && !strcmp(out->slave_kind, "bridge"))
		parse_port(tb[IFLA_INFO_SLAVE_DATA], out);
	return 0;
}

int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	memset(out, 0, sizeof(*out));
	out->link_netnsid = -1;
	if (nlh->nlmsg_type != RTM_NEWLINK || nl_tb_parse(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0)
		return -EBADMSG;
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	nl_tb_str(out->name, sizeof(out->name), tb[IFLA_IFNAME]);
	nl_tb_str(out->alias, sizeof(out->alias), tb[IFLA_IFALIAS]);
	out->master = (int)nl_tb_u32(tb[IFLA_MASTER], 0);
	out->mtu = nl_tb_u32(tb[IFLA_MTU], 0);
	out->min_mtu = nl_tb_u32(tb[IFLA_MIN_MTU], 0);
	out->max_mtu = nl_tb_u32(tb[IFLA_MAX_MTU], 0);
	out->txqlen = nl_tb_u32(tb[IFLA_TXQLEN], 0);
	out->link = (int)nl_tb_u32(tb[IFLA_LINK], 0);
	out->link_netnsid = (int)nl_tb_u32(tb[IFLA_LINK_NETNSID], (uint32_t)-1);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == ETH_ALEN) {
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), ETH_ALEN);
		out->has_mac = true;
	}
	if (tb[IFLA_LINKINFO])
		return parse_linkinfo(tb[IFLA_LINKINFO], out);
	return 0;
}

static int get_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	(void)idx;
	return nl_link_parse(nlh, data);
}

int nl_link_get(struct nl_sock *s, const char *name, struct nl_link *out, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err = nl_ifname_check(name, NULL, e);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	err = nl_send_one(s, b, nl_link_get_msg(b, 0, name), get_cb, out, e, "get", "link %s",
			  name);
	if (!err && out->ifindex == 0)
		err = nl_err_set(e, -ENODEV, "get", "link %s", name);
	return err;
}

int nl_link_index(struct nl_sock *s, const char *name)
{
	struct ifreq ifr = {0};

	if (!nl_name_ok(name))
		return -EINVAL;
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	/* Any socket answers SIOCGIFINDEX in its namespace (the kernel hands
	 * an ioctl the family does not know to the devices' code). */
	if (ioctl(mnl_socket_get_fd(s->mnl), SIOCGIFINDEX, &ifr) < 0)
		return errno == ENODEV ? -ENODEV : -errno;
	return ifr.ifr_ifindex;
}

static int list_parse(const struct nlmsghdr *nlh, void *rec)
{
	return nl_link_parse(nlh, rec);
}

int nl_link_list(struct nl_sock *s, int master, struct nl_link **out, unsigned *n, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	void *v;
	int err = nl_dump_collect(s, b, nl_link_dump_msg(b, master), sizeof(**out), list_parse, &v,
				  n, e, "links");

	*out = v;
	return err;
}

int nl_link_change(struct nl_sock *s, const char *name, const struct nl_link_change *c,
		   struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err;

	if (!c)
		return nl_err_set(e, -EINVAL, "change", "link %s", name ? name : "");
	if ((err = nl_ifname_check(name, NULL, e)))
		return err;
	return nl_send_one(s, b, nl_link_change_msg(b, 0, name, c), NULL, NULL, e, change_op(c),
			   "link %s", name);
}

int nl_link_del(struct nl_sock *s, const char *name, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err = nl_ifname_check(name, NULL, e);

	if (err)
		return err;
	return nl_send_one(s, b, nl_link_del_msg(b, 0, name), NULL, NULL, e, "delete", "link %s",
			   name);
}
