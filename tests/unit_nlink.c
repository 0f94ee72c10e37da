/* Unit tests: every nlink builder's message decoded back with libmnl's own
 * attribute parser (no kernel involved), the parsers run on what the
 * builders made, and the checks that refuse bad input before anything is
 * built. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/brport.h"
#include "nlink/ethtool.h"
#include "nlink/genl.h"
#include "tests/harness.h"
#include "nlink/link.h"
#include "nlink/route.h"
#include "nlink/sysctl.h"
#include "nlink/tap.h"

#define NT 128

/* Attributes of a message or of a nest, by type, as libmnl parses them. */
struct tb {
	const struct nlattr *a[NT];
	unsigned count, dups;
};

static int tb_cb(const struct nlattr *a, void *data)
{
	struct tb *t = data;
	uint16_t type = mnl_attr_get_type(a);

	ck_assert_uint_lt(type, NT);
	t->dups += t->a[type] != NULL;
	t->a[type] = a;
	t->count++;
	return MNL_CB_OK;
}

static struct tb msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen)
{
	struct tb t = {0};

	ck_assert_int_eq(mnl_attr_parse(nlh, (unsigned)hdrlen, tb_cb, &t), MNL_CB_OK);
	ck_assert_uint_eq(t.dups, 0);
	return t;
}

/* A nest must carry NLA_F_NESTED: strict kernel policies insist on it. */
static struct tb nest_attrs(const struct nlattr *nest)
{
	struct tb t = {0};

	ck_assert_ptr_nonnull(nest);
	ck_assert_msg(nest->nla_type & NLA_F_NESTED, "nest %u lacks NLA_F_NESTED",
		      mnl_attr_get_type(nest));
	ck_assert_int_eq(mnl_attr_parse_nested(nest, tb_cb, &t), MNL_CB_OK);
	return t;
}

static uint32_t u32_of(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_U32), 0);
	return mnl_attr_get_u32(a);
}

static uint8_t u8_of(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_U8), 0);
	return mnl_attr_get_u8(a);
}

static const char *str_of(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), 0);
	return mnl_attr_get_str(a);
}

static struct nl_batch *B;

static void batch_setup(void)
{
	B = nl_batch_new();
	ck_assert_ptr_nonnull(B);
}

static void batch_teardown(void)
{
	nl_batch_free(B);
}

/* The only message of the batch, finished. */
static struct nlmsghdr *only_msg(void)
{
	nl_batch_finish(B);
	ck_assert_uint_eq(B->n, 1);
	return nl_batch_msg(B, 0);
}

static const struct ifinfomsg *ifi_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

START_TEST(bridge_create_carries_kind_stp_forward_delay_mtu_and_mac)
{
	struct nl_bridge_opts o = {.stp = false, .forward_delay = 0, .mtu = 1400, .mac = MAC};
	struct nlmsghdr *m;
	struct tb t, info, data;

	ck_assert_int_eq(nl_bridge_add_msg(B, "isbr", &o), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_int_eq(ifi_of(m)->ifi_index, 0);
	ck_assert_str_eq(B->req[0].obj, "bridge isbr");
	ck_assert_str_eq(B->req[0].op, "create");
	t = msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(str_of(t.a[IFLA_IFNAME]), "isbr");
	ck_assert_uint_eq(u32_of(t.a[IFLA_MTU]), 1400);
	ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[IFLA_ADDRESS]), 6);
	ck_assert_mem_eq(mnl_attr_get_payload(t.a[IFLA_ADDRESS]), MAC, 6);
	info = nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_str_eq(str_of(info.a[IFLA_INFO_KIND]), "bridge");
	data = nest_attrs(info.a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_STP_STATE]), 0);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_FORWARD_DELAY]), 0);
	ck_assert_uint_eq(data.count, 2);
}
END_TEST

START_TEST(bridge_create_with_stp_and_delay_in_centiseconds_and_defaults)
{
	struct nl_bridge_opts o = {.stp = true, .forward_delay = 1500};
	struct tb t, data;

	ck_assert_int_eq(nl_bridge_add_msg(B, "xb", &o), 0);
	ck_assert_int_eq(nl_bridge_add_msg(B, "yb", NULL), 0);
	nl_batch_finish(B);
	t = msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_MTU]);
	ck_assert_ptr_null(t.a[IFLA_ADDRESS]);
	data = nest_attrs(nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_STP_STATE]), 1);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_FORWARD_DELAY]), 1500);
	t = msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	data = nest_attrs(nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_STP_STATE]), 0);
	ck_assert_uint_eq(u32_of(data.a[IFLA_BR_FORWARD_DELAY]), 0);
}
END_TEST

/* The VETH_INFO_PEER payload: an ifinfomsg, then the peer's attributes. */
static struct tb peer_attrs(const struct nlattr *peer)
{
	const struct ifinfomsg *pi = mnl_attr_get_payload(peer);
	struct tb t = {0};
	size_t hl = MNL_ALIGN(sizeof(*pi));

	ck_assert(peer->nla_type & NLA_F_NESTED);
	ck_assert_uint_ge(mnl_attr_get_payload_len(peer), hl);
	ck_assert_int_eq(pi->ifi_index, 0);
	ck_assert_uint_eq(pi->ifi_family, AF_UNSPEC);
	ck_assert_int_eq(mnl_attr_parse_payload((const char *)pi + hl,
						mnl_attr_get_payload_len(peer) - hl, tb_cb, &t),
			 MNL_CB_OK);
	return t;
}

START_TEST(veth_nests_peer_ifinfomsg_name_and_netns_fd)
{
	struct tb t, info, data, peer;

	ck_assert_int_eq(nl_veth_add_msg(B, "v0", "v1", 7), 0);
	ck_assert_int_eq(nl_veth_add_msg(B, "v2", "v3", -1), 0);
	nl_batch_finish(B);
	ck_assert_str_eq(B->req[0].obj, "veth v0/v1");
	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	t = msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_str_eq(str_of(t.a[IFLA_IFNAME]), "v0");
	ck_assert_ptr_null(t.a[IFLA_NET_NS_FD]); /* the peer moves, not v0 */
	info = nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_str_eq(str_of(info.a[IFLA_INFO_KIND]), "veth");
	data = nest_attrs(info.a[IFLA_INFO_DATA]);
	peer = peer_attrs(data.a[VETH_INFO_PEER]);
	ck_assert_str_eq(str_of(peer.a[IFLA_IFNAME]), "v1");
	ck_assert_uint_eq(u32_of(peer.a[IFLA_NET_NS_FD]), 7);
	ck_assert_uint_eq(peer.count, 2);

	t = msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	data = nest_attrs(nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	peer = peer_attrs(data.a[VETH_INFO_PEER]);
	ck_assert_str_eq(str_of(peer.a[IFLA_IFNAME]), "v3");
	ck_assert_ptr_null(peer.a[IFLA_NET_NS_FD]);
}
END_TEST

static const struct {
	struct nl_link_change c;
	uint16_t attr; /* the one attribute besides IFLA_IFNAME; 0: none */
	uint32_t val;  /* its u32 value, where it is one */
	const char *op;
	unsigned flags, change; /* ifi_flags, ifi_change */
} changes[] = {
	{{.mask = NL_LINK_UP}, 0, 0, "set up", IFF_UP, IFF_UP},
	{{.mask = NL_LINK_DOWN}, 0, 0, "set down", 0, IFF_UP},
	{{.mask = NL_LINK_MASTER, .master = 9}, IFLA_MASTER, 9, "set master", 0, 0},
	{{.mask = NL_LINK_MASTER, .master = 0}, IFLA_MASTER, 0, "set nomaster", 0, 0},
	{{.mask = NL_LINK_MTU, .mtu = 9000}, IFLA_MTU, 9000, "set mtu", 0, 0},
	{{.mask = NL_LINK_MAC, .mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56}},
	 IFLA_ADDRESS,
	 0,
	 "set address",
	 0,
	 0},
	{{.mask = NL_LINK_TXQLEN, .txqlen = 5000}, IFLA_TXQLEN, 5000, "set txqueuelen", 0, 0},
	{{.mask = NL_LINK_ALIAS, .alias = "vnet:isolated:isbr"},
	 IFLA_IFALIAS,
	 0,
	 "set alias",
	 0,
	 0},
	{{.mask = NL_LINK_ALIAS, .alias = ""}, IFLA_IFALIAS, 0, "set alias", 0, 0},
	{{.mask = NL_LINK_NETNS, .netns_fd = 5}, IFLA_NET_NS_FD, 5, "set netns", 0, 0},
};

START_TEST(link_change_sends_exactly_the_field_its_mask_names)
{
	const struct nl_link_change *c = &changes[_i].c;
	struct nlmsghdr *m;
	struct tb t;

	ck_assert_int_eq(nl_link_change_msg(B, 0, "veth0", c), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK); /* never creates */
	ck_assert_str_eq(B->req[0].obj, "link veth0");
	ck_assert_str_eq(B->req[0].op, changes[_i].op);
	ck_assert_uint_eq(ifi_of(m)->ifi_flags, changes[_i].flags);
	ck_assert_uint_eq(ifi_of(m)->ifi_change, changes[_i].change);
	t = msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(str_of(t.a[IFLA_IFNAME]), "veth0");
	ck_assert_uint_eq(t.count, changes[_i].attr ? 2 : 1);
	if (!changes[_i].attr)
		return;
	if (changes[_i].attr == IFLA_ADDRESS) {
		ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[IFLA_ADDRESS]), 6);
		ck_assert_mem_eq(mnl_attr_get_payload(t.a[IFLA_ADDRESS]), c->mac, 6);
	} else if (changes[_i].attr == IFLA_IFALIAS) {
		/* No NUL: an empty alias is a zero-length attribute (removal). */
		ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[IFLA_IFALIAS]), strlen(c->alias));
		ck_assert_mem_eq(mnl_attr_get_payload(t.a[IFLA_IFALIAS]), c->alias,
				 strlen(c->alias));
	} else {
		ck_assert_uint_eq(u32_of(t.a[changes[_i].attr]), changes[_i].val);
	}
}
END_TEST

START_TEST(link_change_by_index_sends_no_name_and_combines_fields)
{
	struct nl_link_change c = {
		.mask = NL_LINK_UP | NL_LINK_MTU | NL_LINK_MASTER, .mtu = 1280, .master = 3};
	struct nlmsghdr *m;
	struct tb t;

	ck_assert_int_eq(nl_link_change_msg(B, 12, "tap0", &c), 0);
	m = only_msg();
	ck_assert_int_eq(ifi_of(m)->ifi_index, 12);
	ck_assert_str_eq(B->req[0].obj, "link tap0");
	ck_assert_str_eq(B->req[0].op, "change");
	t = msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_IFNAME]); /* with an index it would rename */
	ck_assert_uint_eq(u32_of(t.a[IFLA_MTU]), 1280);
	ck_assert_uint_eq(u32_of(t.a[IFLA_MASTER]), 3);
	ck_assert_uint_eq(ifi_of(m)->ifi_flags, IFF_UP);
	ck_assert_uint_eq(t.count, 2);
}
END_TEST

START_TEST(builders_refuse_bad_input_and_leave_the_batch_untouched)
{
	struct nl_link_change updown = {.mask = NL_LINK_UP | NL_LINK_DOWN};
	struct nl_link_change nons = {.mask = NL_LINK_NETNS, .netns_fd = -1};
	struct nl_link_change mtu = {.mask = NL_LINK_MTU, .mtu = 1500};
	struct nl_brport none = {0};
	struct nl_ifaddr a = {0};
	struct nl_route r = {0};
	const char *names[] = {"this-feature-name-is-longer-than-32-bytes"};
	bool on[] = {true};

	ck_assert_int_eq(nl_link_change_msg(B, 0, "x", &updown), -EINVAL);
	ck_assert_int_eq(nl_link_change_msg(B, 0, "x", &nons), -EINVAL);
	ck_assert_int_eq(nl_link_change_msg(B, 0, NULL, &mtu), -EINVAL);
	ck_assert_int_eq(nl_link_change_msg(B, 0, "abcdefghijklmnop", &mtu), -EINVAL);
	ck_assert_int_eq(nl_bridge_add_msg(B, "", NULL), -EINVAL);
	ck_assert_int_eq(nl_veth_add_msg(B, "v0", NULL, -1), -EINVAL);
	ck_assert_int_eq(nl_link_del_msg(B, 0, NULL), -EINVAL);
	ck_assert_int_eq(nl_brport_set_msg(B, 3, NULL, &none), -EINVAL);
	ck_assert_int_eq(nl_addr_add_msg(B, &a, "x"), -EINVAL); /* no ifindex, no family */
	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_ADD), -EINVAL);
	ck_assert_int_eq(nl_ethtool_features_set_msg(B, 20, "v0", names, on, 1), -EINVAL);
	ck_assert_int_eq(nl_genl_family_msg(B, ""), -EINVAL);
	ck_assert_uint_eq(nl_batch_finish(B), 0);
	ck_assert_uint_eq(B->n, 0);
}
END_TEST

START_TEST(link_get_dump_and_delete_requests)
{
	struct tb t;

	ck_assert_int_eq(nl_link_get_msg(B, 0, "isbr"), 0);
	ck_assert_int_eq(nl_link_dump_msg(B, 3), 0);
	ck_assert_int_eq(nl_link_dump_msg(B, 0), 0);
	ck_assert_int_eq(nl_link_del_msg(B, 0, "veth0"), 0);
	nl_batch_finish(B);

	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_type, RTM_GETLINK);
	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_str_eq(B->req[0].op, "get");
	t = msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_str_eq(str_of(t.a[IFLA_IFNAME]), "isbr");
	ck_assert_uint_eq(u32_of(t.a[IFLA_EXT_MASK]), RTEXT_FILTER_SKIP_STATS);

	ck_assert_uint_eq(nl_batch_msg(B, 1)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_int_eq(ifi_of(nl_batch_msg(B, 1))->ifi_index, 0); /* strict: no index */
	t = msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	ck_assert_uint_eq(u32_of(t.a[IFLA_MASTER]), 3);
	ck_assert_uint_eq(u32_of(t.a[IFLA_EXT_MASK]), RTEXT_FILTER_SKIP_STATS);
	t = msg_attrs(nl_batch_msg(B, 2), sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_MASTER]);

	ck_assert_uint_eq(nl_batch_msg(B, 3)->nlmsg_type, RTM_DELLINK);
	ck_assert_str_eq(B->req[3].obj, "link veth0");
	ck_assert_str_eq(B->req[3].op, "delete");
}
END_TEST

START_TEST(link_parse_reads_back_what_a_create_says)
{
	struct nl_bridge_opts o = {.forward_delay = 200, .mtu = 1400, .mac = MAC};
	struct nl_link l;

	ck_assert_int_eq(nl_bridge_add_msg(B, "isbr", &o), 0);
	ck_assert_int_eq(nl_link_parse(only_msg(), &l), 0);
	ck_assert_str_eq(l.name, "isbr");
	ck_assert_str_eq(l.kind, "bridge");
	ck_assert_uint_eq(l.mtu, 1400);
	ck_assert(l.has_mac);
	ck_assert_mem_eq(l.mac, MAC, 6);
	ck_assert(l.bridge.valid);
	ck_assert_uint_eq(l.bridge.forward_delay, 200);
	ck_assert_uint_eq(l.bridge.stp_state, 0);
	ck_assert(!l.port.valid);
	ck_assert_int_eq(l.link_netnsid, -1);
	nl_batch_reset(B);
	ck_assert_int_eq(nl_link_get_msg(B, 0, "x"), 0); /* not an RTM_NEWLINK */
	ck_assert_int_eq(nl_link_parse(only_msg(), &l), -EBADMSG);
}
END_TEST

START_TEST(brport_by_index_is_af_bridge_setlink_with_nested_protinfo)
{
	struct nl_brport p = {.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN | NL_BRPORT_LEARNING |
				      NL_BRPORT_UNICAST_FLOOD,
			      .isolated = true,
			      .hairpin = true,
			      .learning = false,
			      .unicast_flood = false};
	struct nlmsghdr *m;
	struct tb t, pi;

	ck_assert_int_eq(nl_brport_set_msg(B, 4, "tap0", &p), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_SETLINK);
	ck_assert_uint_eq(ifi_of(m)->ifi_family, AF_BRIDGE);
	ck_assert_int_eq(ifi_of(m)->ifi_index, 4);
	ck_assert_str_eq(B->req[0].obj, "link tap0");
	ck_assert_str_eq(B->req[0].op, "set port flags");
	t = msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_uint_eq(t.count, 1);
	pi = nest_attrs(t.a[IFLA_PROTINFO]);
	ck_assert_uint_eq(u8_of(pi.a[IFLA_BRPORT_ISOLATED]), 1);
	ck_assert_uint_eq(u8_of(pi.a[IFLA_BRPORT_MODE]), 1);
	ck_assert_uint_eq(u8_of(pi.a[IFLA_BRPORT_LEARNING]), 0);
	ck_assert_uint_eq(u8_of(pi.a[IFLA_BRPORT_UNICAST_FLOOD]), 0);
	ck_assert_uint_eq(pi.count, 4);
}
END_TEST

START_TEST(brport_by_name_is_newlink_with_slave_data_of_the_masked_flags)
{
	struct nl_brport p = {.mask = NL_BRPORT_LEARNING, .learning = true, .isolated = true};
	struct nlmsghdr *m;
	struct tb t, info, sd;

	ck_assert_int_eq(nl_brport_set_msg(B, 0, "tap0", &p), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(ifi_of(m)->ifi_family, AF_UNSPEC);
	t = msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(str_of(t.a[IFLA_IFNAME]), "tap0");
	info = nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_ptr_null(info.a[IFLA_INFO_KIND]); /* a change, not a new link */
	sd = nest_attrs(info.a[IFLA_INFO_SLAVE_DATA]);
	ck_assert_uint_eq(u8_of(sd.a[IFLA_BRPORT_LEARNING]), 1);
	ck_assert_uint_eq(sd.count, 1); /* isolated is not in the mask */
}
END_TEST

static struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

static void
assert_addr(const struct nlattr *a, const char *text)
{
	struct nl_prefix p = P(text);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(mnl_attr_get_payload_len(a), nl_prefix_bits(&p) / 8);
	ck_assert_mem_eq(mnl_attr_get_payload(a), p.a.b, nl_prefix_bits(&p) / 8);
}

START_TEST(addr_v4_has_local_address_broadcast_flags_label_and_lifetimes)
{
	struct nl_ifaddr a = {.ifindex = 3,
			      .addr = P("10.1.2.3/24"),
			      .flags = IFA_F_NOPREFIXROUTE,
			      .valid_lft = 600,
			      .preferred_lft = 300,
			      .label = "isbr:gw"};
	const struct ifaddrmsg *ifa;
	const struct ifa_cacheinfo *ci;
	struct nlmsghdr *m;
	struct tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a, "isbr"), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWADDR);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_str_eq(B->req[0].obj, "address 10.1.2.3/24 on isbr");
	ck_assert_str_eq(B->req[0].op, "add");
	ifa = mnl_nlmsg_get_payload(m);
	ck_assert_uint_eq(ifa->ifa_family, AF_INET);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 24);
	ck_assert_uint_eq(ifa->ifa_index, 3);
	t = msg_attrs(m, sizeof(*ifa));
	assert_addr(t.a[IFA_LOCAL], "10.1.2.3");
	assert_addr(t.a[IFA_ADDRESS], "10.1.2.3");
	assert_addr(t.a[IFA_BROADCAST], "10.1.2.255");
	ck_assert_uint_eq(u32_of(t.a[IFA_FLAGS]), IFA_F_NOPREFIXROUTE);
	ck_assert_str_eq(str_of(t.a[IFA_LABEL]), "isbr:gw");
	ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[IFA_CACHEINFO]), sizeof(*ci));
	ci = mnl_attr_get_payload(t.a[IFA_CACHEINFO]);
	ck_assert_uint_eq(ci->ifa_valid, 600);
	ck_assert_uint_eq(ci->ifa_prefered, 300);
}
END_TEST

START_TEST(addr_v4_point_to_point_sizes_have_no_broadcast_and_forever_needs_no_cacheinfo)
{
	struct nl_ifaddr a31 = {.ifindex = 3, .addr = P("10.0.0.0/31")};
	struct nl_ifaddr a32 = {.ifindex = 3, .addr = P("10.0.0.9/32")};
	struct tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a31, NULL), 0);
	ck_assert_int_eq(nl_addr_add_msg(B, &a32, NULL), 0);
	nl_batch_finish(B);
	ck_assert_str_eq(B->req[0].obj, "address 10.0.0.0/31 on #3");
	for (unsigned i = 0; i < 2; i++) {
		t = msg_attrs(nl_batch_msg(B, i), sizeof(struct ifaddrmsg));
		ck_assert_ptr_null(t.a[IFA_BROADCAST]);
		ck_assert_ptr_null(t.a[IFA_CACHEINFO]);
		ck_assert_ptr_null(t.a[IFA_LABEL]);
		ck_assert_uint_eq(u32_of(t.a[IFA_FLAGS]), 0);
	}
}
END_TEST

START_TEST(addr_v6_has_address_flags_and_lifetimes_but_no_v4_fields)
{
	struct nl_ifaddr a = {.ifindex = 4,
			      .addr = P("fd00::1/64"),
			      .flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE,
			      .valid_lft = 600,
			      .label = "ignored"};
	const struct ifa_cacheinfo *ci;
	struct nlmsghdr *m;
	struct tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a, "v0"), 0);
	m = only_msg();
	ck_assert_uint_eq(((const struct ifaddrmsg *)mnl_nlmsg_get_payload(m))->ifa_family,
			  AF_INET6);
	ck_assert_uint_eq(((const struct ifaddrmsg *)mnl_nlmsg_get_payload(m))->ifa_flags,
			  IFA_F_NODAD); /* the low byte; IFA_FLAGS has all */
	t = msg_attrs(m, sizeof(struct ifaddrmsg));
	assert_addr(t.a[IFA_ADDRESS], "fd00::1");
	ck_assert_ptr_null(t.a[IFA_LOCAL]);
	ck_assert_ptr_null(t.a[IFA_BROADCAST]);
	ck_assert_ptr_null(t.a[IFA_LABEL]);
	ck_assert_uint_eq(u32_of(t.a[IFA_FLAGS]), IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	ci = mnl_attr_get_payload(t.a[IFA_CACHEINFO]);
	ck_assert_uint_eq(ci->ifa_valid, 600);
	ck_assert_uint_eq(ci->ifa_prefered, NL_LIFETIME_FOREVER); /* 0 reads as forever */
}
END_TEST

START_TEST(addr_parse_reads_back_an_add_and_dump_filters_by_family_and_index)
{
	struct nl_ifaddr a = {.ifindex = 4,
			      .addr = P("fd00::1/64"),
			      .flags = IFA_F_NODAD,
			      .valid_lft = 600,
			      .preferred_lft = 60};
	const struct ifaddrmsg *ifa;
	struct nl_ifaddr back;

	ck_assert_int_eq(nl_addr_add_msg(B, &a, "v0"), 0);
	ck_assert_int_eq(nl_addr_parse(only_msg(), &back), 0);
	ck_assert(nl_prefix_equal(&back.addr, &a.addr));
	ck_assert_int_eq(back.ifindex, 4);
	ck_assert_uint_eq(back.flags, IFA_F_NODAD);
	ck_assert_uint_eq(back.valid_lft, 600);
	ck_assert_uint_eq(back.preferred_lft, 60);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_addr_dump_msg(B, AF_INET6, 4), 0);
	ck_assert_uint_eq(only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ifa = mnl_nlmsg_get_payload(only_msg());
	ck_assert_uint_eq(ifa->ifa_family, AF_INET6);
	ck_assert_uint_eq(ifa->ifa_index, 4);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 0);
	ck_assert_int_eq(nl_addr_dump_msg(B, AF_PACKET, 0), -EINVAL);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_addr_del_msg(B, &a, "v0"), 0);
	ck_assert_uint_eq(only_msg()->nlmsg_type, RTM_DELADDR);
	ck_assert_str_eq(B->req[0].op, "delete");
}
END_TEST

START_TEST(route_add_and_replace_differ_in_flags_and_carry_every_field)
{
	struct nl_route r = {.family = AF_INET,
			     .dst = P("10.9.0.0/16"),
			     .gw = P("10.1.2.254"),
			     .prefsrc = P("10.1.2.3"),
			     .oif = 3,
			     .metric = 50,
			     .protocol = RTPROT_STATIC};
	const struct rtmsg *rtm;
	struct tb t;

	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_ADD), 0);
	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_REPLACE), 0);
	nl_batch_finish(B);
	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_uint_eq(nl_batch_msg(B, 1)->nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
	ck_assert_str_eq(B->req[0].obj, "route 10.9.0.0/16");
	ck_assert_str_eq(B->req[0].op, "add");
	ck_assert_str_eq(B->req[1].op, "replace");
	rtm = mnl_nlmsg_get_payload(nl_batch_msg(B, 0));
	ck_assert_uint_eq(rtm->rtm_family, AF_INET);
	ck_assert_uint_eq(rtm->rtm_dst_len, 16);
	ck_assert_uint_eq(rtm->rtm_table, RT_TABLE_MAIN);
	ck_assert_uint_eq(rtm->rtm_protocol, RTPROT_STATIC);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm->rtm_type, RTN_UNICAST);
	t = msg_attrs(nl_batch_msg(B, 0), sizeof(*rtm));
	ck_assert_uint_eq(u32_of(t.a[RTA_TABLE]), RT_TABLE_MAIN);
	assert_addr(t.a[RTA_DST], "10.9.0.0");
	assert_addr(t.a[RTA_GATEWAY], "10.1.2.254");
	assert_addr(t.a[RTA_PREFSRC], "10.1.2.3");
	ck_assert_uint_eq(u32_of(t.a[RTA_OIF]), 3);
	ck_assert_uint_eq(u32_of(t.a[RTA_PRIORITY]), 50);
}
END_TEST

START_TEST(route_defaults_follow_ip_route_and_delete_matches_any_protocol)
{
	struct nl_route dev4 = {.family = AF_INET, .dst = P("10.9.0.0/16"), .oif = 3};
	struct nl_route dflt6 = {.family = AF_INET6, .gw = P("fd00::fe"), .oif = 3};
	const struct rtmsg *rtm;
	struct tb t;

	ck_assert_int_eq(nl_route_add_msg(B, &dev4, NL_ROUTE_ADD), 0);
	ck_assert_int_eq(nl_route_add_msg(B, &dflt6, NL_ROUTE_ADD), 0);
	ck_assert_int_eq(nl_route_del_msg(B, &dev4), 0);
	nl_batch_finish(B);
	rtm = mnl_nlmsg_get_payload(nl_batch_msg(B, 0));
	ck_assert_uint_eq(rtm->rtm_protocol, RTPROT_BOOT);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_LINK); /* no gateway: on-link */
	rtm = mnl_nlmsg_get_payload(nl_batch_msg(B, 1));
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm->rtm_dst_len, 0);
	ck_assert_str_eq(B->req[1].obj, "route default");
	t = msg_attrs(nl_batch_msg(B, 1), sizeof(*rtm));
	ck_assert_ptr_null(t.a[RTA_DST]);
	ck_assert_ptr_null(t.a[RTA_PRIORITY]);
	assert_addr(t.a[RTA_GATEWAY], "fd00::fe");
	ck_assert_uint_eq(nl_batch_msg(B, 2)->nlmsg_type, RTM_DELROUTE);
	rtm = mnl_nlmsg_get_payload(nl_batch_msg(B, 2));
	ck_assert_uint_eq(rtm->rtm_protocol, 0);
	ck_assert_uint_eq(rtm->rtm_type, 0);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	ck_assert_str_eq(B->req[2].op, "delete");
}
END_TEST

START_TEST(route_parse_reads_back_an_add_and_dump_asks_for_the_main_table)
{
	struct nl_route r = {.family = AF_INET6,
			     .dst = P("fd01::/64"),
			     .gw = P("fd00::fe"),
			     .oif = 7,
			     .metric = 300,
			     .protocol = RTPROT_STATIC};
	const struct rtmsg *rtm;
	struct nl_route back;
	struct tb t;

	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_REPLACE), 0);
	ck_assert_int_eq(nl_route_parse(only_msg(), &back), 0);
	ck_assert(nl_prefix_equal(&back.dst, &r.dst));
	ck_assert(nl_prefix_equal(&back.gw, &r.gw));
	ck_assert_uint_eq(back.prefsrc.family, 0);
	ck_assert_int_eq(back.oif, 7);
	ck_assert_uint_eq(back.metric, 300);
	ck_assert_uint_eq(back.protocol, RTPROT_STATIC);
	ck_assert_uint_eq(back.table, RT_TABLE_MAIN);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_route_dump_msg(B, AF_UNSPEC), 0);
	ck_assert_uint_eq(only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	rtm = mnl_nlmsg_get_payload(only_msg());
	ck_assert_uint_eq(rtm->rtm_scope, 0); /* strict dump: only table filters */
	ck_assert_uint_eq(rtm->rtm_type, 0);
	t = msg_attrs(only_msg(), sizeof(*rtm));
	ck_assert_uint_eq(u32_of(t.a[RTA_TABLE]), RT_TABLE_MAIN);
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

static const struct genlmsghdr *genl_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

START_TEST(genl_family_request_names_the_family)
{
	struct nlmsghdr *m;
	struct tb t;

	ck_assert_int_eq(nl_genl_family_msg(B, "ethtool"), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, GENL_ID_CTRL);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(genl_of(m)->cmd, CTRL_CMD_GETFAMILY);
	ck_assert_uint_eq(genl_of(m)->version, 1);
	t = msg_attrs(m, sizeof(struct genlmsghdr));
	ck_assert_str_eq(str_of(t.a[CTRL_ATTR_FAMILY_NAME]), "ethtool");
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

START_TEST(ethtool_get_names_the_device_and_asks_for_verbose_bitsets)
{
	struct nlmsghdr *m;
	struct tb t, hdr;

	ck_assert_int_eq(nl_ethtool_features_get_msg(B, 27, "v0"), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, 27);
	ck_assert_uint_eq(genl_of(m)->cmd, ETHTOOL_MSG_FEATURES_GET);
	ck_assert_uint_eq(genl_of(m)->version, ETHTOOL_GENL_VERSION);
	t = msg_attrs(m, sizeof(struct genlmsghdr));
	hdr = nest_attrs(t.a[ETHTOOL_A_FEATURES_HEADER]);
	ck_assert_str_eq(str_of(hdr.a[ETHTOOL_A_HEADER_DEV_NAME]), "v0");
	ck_assert_ptr_null(hdr.a[ETHTOOL_A_HEADER_FLAGS]); /* not compact: names come back */
}
END_TEST

START_TEST(ethtool_set_lists_named_bits_with_value_only_for_on_and_no_nomask)
{
	const char *names[] = {"rx-gro", "tx-tcp-segmentation", "tx-generic-segmentation"};
	bool on[] = {true, false, true};
	const struct nlattr *bit;
	struct nlmsghdr *m;
	struct tb t, hdr, wanted;
	unsigned i = 0;

	ck_assert_int_eq(nl_ethtool_features_set_msg(B, 27, "v0", names, on, 3), 0);
	m = only_msg();
	ck_assert_uint_eq(m->nlmsg_type, 27);
	ck_assert_uint_eq(genl_of(m)->cmd, ETHTOOL_MSG_FEATURES_SET);
	ck_assert_str_eq(B->req[0].obj, "link v0");
	ck_assert_str_eq(B->req[0].op, "set features");
	t = msg_attrs(m, sizeof(struct genlmsghdr));
	hdr = nest_attrs(t.a[ETHTOOL_A_FEATURES_HEADER]);
	ck_assert_str_eq(str_of(hdr.a[ETHTOOL_A_HEADER_DEV_NAME]), "v0");
	wanted = nest_attrs(t.a[ETHTOOL_A_FEATURES_WANTED]);
	ck_assert_ptr_null(wanted.a[ETHTOOL_A_BITSET_NOMASK]); /* only named bits change */
	ck_assert_ptr_null(wanted.a[ETHTOOL_A_BITSET_VALUE]);
	ck_assert_uint_eq(wanted.count, 1);
	mnl_attr_for_each_nested(
		bit, nest_attrs(t.a[ETHTOOL_A_FEATURES_WANTED]).a[ETHTOOL_A_BITSET_BITS])
	{
		struct tb b = nest_attrs(bit);

		ck_assert_uint_lt(i, 3);
		ck_assert_uint_eq(mnl_attr_get_type(bit), ETHTOOL_A_BITSET_BITS_BIT);
		ck_assert_str_eq(str_of(b.a[ETHTOOL_A_BITSET_BIT_NAME]), names[i]);
		ck_assert_ptr_null(b.a[ETHTOOL_A_BITSET_BIT_INDEX]);
		ck_assert_int_eq(b.a[ETHTOOL_A_BITSET_BIT_VALUE] != NULL, on[i]);
		if (on[i])
			ck_assert_uint_eq(mnl_attr_get_payload_len(b.a[ETHTOOL_A_BITSET_BIT_VALUE]),
					  0);
		i++;
	}
	ck_assert_uint_eq(i, 3);
}
END_TEST

START_TEST(sysctl_keys_translate_dots_and_errors_name_the_key)
{
	char buf[64], line[256];
	struct nl_err e;

	/* Reading is harmless in any namespace; nothing here writes. */
	ck_assert_int_eq(nl_sysctl_read("ipv4.ip_forward", buf, sizeof(buf), &e), 0);
	ck_assert(!strcmp(buf, "0") || !strcmp(buf, "1"));
	ck_assert_int_eq(nl_sysctl_read("ipv4/ip_forward", buf, sizeof(buf), &e), 0);
	ck_assert_int_eq(nl_sysctl_read("ipv4.no_such_key", buf, sizeof(buf), &e), -ENOENT);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)),
			 "sysctl net.ipv4.no_such_key: read: No such file or directory");
	ck_assert_int_eq(nl_sysctl_read("../../etc/passwd", buf, sizeof(buf), &e), -EINVAL);
	ck_assert_int_eq(e.kind, NL_ERR_INVALID);
	ck_assert_int_eq(nl_sysctl_write("", "1", &e), -EINVAL);
	ck_assert_int_eq(nl_sysctl_read("ipv4.ip_forward", buf, 2, &e), 0);
	ck_assert_int_eq(nl_sysctl_read("ipv4.ip_local_port_range", buf, 4, &e), -EOVERFLOW);
}
END_TEST

START_TEST(tap_open_refuses_several_fds_without_multi_queue)
{
	struct nl_tap_opts o = {.owner = (uid_t)-1, .group = (gid_t)-1};
	char name[NL_IFNAMSIZ] = "tapx";
	int fds[2] = {-1, -1};
	struct nl_err e;

	ck_assert_int_eq(nl_tap_open(name, &o, fds, 2, &e), -EINVAL);
	ck_assert_int_eq(e.kind, NL_ERR_INVALID);
	ck_assert_int_eq(fds[0], -1);
	ck_assert_int_eq(nl_tap_open(name, &o, fds, 0, &e), -EINVAL);
}
END_TEST

START_TEST(checks_refuse_bad_input_even_without_an_error_record)
{
	struct nl_prefix p;

	/* nl_err_msg returns e->code, which is 0 when e is NULL. */
	ck_assert_int_eq(nl_prefix_parse("300.1.2.3/24", NL_PREFIX_NEED_LEN, NULL, &p, NULL),
			 -EINVAL);
	ck_assert_int_eq(nl_ifname_check("a/b", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nl_sysctl_read("../x", (char[8]){0}, 8, NULL), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_nlink");
	TCase *t = tcase_create("builders");

	tcase_add_checked_fixture(t, batch_setup, batch_teardown);
	tcase_add_test(t, bridge_create_carries_kind_stp_forward_delay_mtu_and_mac);
	tcase_add_test(t, bridge_create_with_stp_and_delay_in_centiseconds_and_defaults);
	tcase_add_test(t, veth_nests_peer_ifinfomsg_name_and_netns_fd);
	tcase_add_loop_test(t, link_change_sends_exactly_the_field_its_mask_names, 0,
			    sizeof(changes) / sizeof(changes[0]));
	tcase_add_test(t, link_change_by_index_sends_no_name_and_combines_fields);
	tcase_add_test(t, builders_refuse_bad_input_and_leave_the_batch_untouched);
	tcase_add_test(t, link_get_dump_and_delete_requests);
	tcase_add_test(t, link_parse_reads_back_what_a_create_says);
	tcase_add_test(t, brport_by_index_is_af_bridge_setlink_with_nested_protinfo);
	tcase_add_test(t, brport_by_name_is_newlink_with_slave_data_of_the_masked_flags);
	tcase_add_test(t, addr_v4_has_local_address_broadcast_flags_label_and_lifetimes);
	tcase_add_test(
		t, addr_v4_point_to_point_sizes_have_no_broadcast_and_forever_needs_no_cacheinfo);
	tcase_add_test(t, addr_v6_has_address_flags_and_lifetimes_but_no_v4_fields);
	tcase_add_test(t, addr_parse_reads_back_an_add_and_dump_filters_by_family_and_index);
	tcase_add_test(t, route_add_and_replace_differ_in_flags_and_carry_every_field);
	tcase_add_test(t, route_defaults_follow_ip_route_and_delete_matches_any_protocol);
	tcase_add_test(t, route_parse_reads_back_an_add_and_dump_asks_for_the_main_table);
	tcase_add_test(t, genl_family_request_names_the_family);
	tcase_add_test(t, ethtool_get_names_the_device_and_asks_for_verbose_bitsets);
	tcase_add_test(t, ethtool_set_lists_named_bits_with_value_only_for_on_and_no_nomask);
	tcase_add_test(t, sysctl_keys_translate_dots_and_errors_name_the_key);
	tcase_add_test(t, tap_open_refuses_several_fds_without_multi_queue);
	tcase_add_test(t, checks_refuse_bad_input_even_without_an_error_record);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_nlink", false);
}
