/* Unit tests of nlink's link requests (no kernel involved): what the
 * builders of links (bridge, VXLAN, veth, change, get, dump, delete), bridge
 * ports and forwarding entries put in a message, decoded back with libmnl's own attribute parser;
 * the parser run on what a builder made; and the checks that refuse bad
 * input (names, sysctl keys, tap queues) before anything is built. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>

#include "common/ifname.h"
#include "nlink/addr.h"
#include "nlink/brport.h"
#include "nlink/ethtool.h"
#include "nlink/fdb.h"
#include "nlink/genl.h"
#include "nlink/link.h"
#include "nlink/route.h"
#include "nlink/sysctl.h"
#include "nlink/tap.h"
#include "tests/nlinktest.h"

static const struct ifinfomsg *ifi_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

START_TEST(bridge_create_carries_kind_stp_forward_delay_mtu_and_mac)
{
	struct nl_bridge_opts o = {.stp = false, .forward_delay = 0, .mtu = 1400, .mac = MAC};
	struct nlmsghdr *m;
	struct nlt_tb t, info, data;

	ck_assert_int_eq(nl_bridge_add_msg(B, "isbr", &o), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_int_eq(ifi_of(m)->ifi_index, 0);
	ck_assert_str_eq(B->req[0].obj, "bridge isbr");
	ck_assert_str_eq(B->req[0].op, "create");
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "isbr");
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_MTU]), 1400);
	ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[IFLA_ADDRESS]), 6);
	ck_assert_mem_eq(mnl_attr_get_payload(t.a[IFLA_ADDRESS]), MAC, 6);
	info = nlt_nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_str_eq(nlt_str(info.a[IFLA_INFO_KIND]), "bridge");
	data = nlt_nest_attrs(info.a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_STP_STATE]), 0);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_FORWARD_DELAY]), 0);
	ck_assert_uint_eq(data.count, 2);
}
END_TEST

START_TEST(bridge_create_with_stp_and_delay_in_centiseconds_and_defaults)
{
	struct nl_bridge_opts o = {.stp = true, .forward_delay = 1500};
	struct nlt_tb t, data;

	ck_assert_int_eq(nl_bridge_add_msg(B, "xb", &o), 0);
	ck_assert_int_eq(nl_bridge_add_msg(B, "yb", NULL), 0);
	nl_batch_finish(B);
	t = nlt_msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_MTU]);
	ck_assert_ptr_null(t.a[IFLA_ADDRESS]);
	data = nlt_nest_attrs(nlt_nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_STP_STATE]), 1);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_FORWARD_DELAY]), 1500);
	t = nlt_msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	data = nlt_nest_attrs(nlt_nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_STP_STATE]), 0);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_BR_FORWARD_DELAY]), 0);
}
END_TEST

/* The VETH_INFO_PEER payload: an ifinfomsg, then the peer's attributes. */
static struct nlt_tb peer_attrs(const struct nlattr *peer)
{
	const struct ifinfomsg *pi = mnl_attr_get_payload(peer);
	size_t hl = MNL_ALIGN(sizeof(*pi));

	ck_assert(peer->nla_type & NLA_F_NESTED);
	ck_assert_uint_ge(mnl_attr_get_payload_len(peer), hl);
	ck_assert_int_eq(pi->ifi_index, 0);
	ck_assert_uint_eq(pi->ifi_family, AF_UNSPEC);
	return nlt_payload_attrs((const char *)pi + hl, mnl_attr_get_payload_len(peer) - hl);
}

START_TEST(veth_nests_peer_ifinfomsg_name_and_netns_fd)
{
	struct nlt_tb t, info, data, peer;

	ck_assert_int_eq(nl_veth_add_msg(B, "v0", "v1", 7), 0);
	ck_assert_int_eq(nl_veth_add_msg(B, "v2", "v3", -1), 0);
	nl_batch_finish(B);
	ck_assert_str_eq(B->req[0].obj, "veth v0/v1");
	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	t = nlt_msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "v0");
	ck_assert_ptr_null(t.a[IFLA_NET_NS_FD]); /* the peer moves, not v0 */
	info = nlt_nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_str_eq(nlt_str(info.a[IFLA_INFO_KIND]), "veth");
	data = nlt_nest_attrs(info.a[IFLA_INFO_DATA]);
	peer = peer_attrs(data.a[VETH_INFO_PEER]);
	ck_assert_str_eq(nlt_str(peer.a[IFLA_IFNAME]), "v1");
	ck_assert_uint_eq(nlt_u32(peer.a[IFLA_NET_NS_FD]), 7);
	ck_assert_uint_eq(peer.count, 2);

	t = nlt_msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	data = nlt_nest_attrs(nlt_nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	peer = peer_attrs(data.a[VETH_INFO_PEER]);
	ck_assert_str_eq(nlt_str(peer.a[IFLA_IFNAME]), "v3");
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
	struct nlt_tb t;

	ck_assert_int_eq(nl_link_change_msg(B, 0, "veth0", c), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK); /* never creates */
	ck_assert_str_eq(B->req[0].obj, "link veth0");
	ck_assert_str_eq(B->req[0].op, changes[_i].op);
	ck_assert_uint_eq(ifi_of(m)->ifi_flags, changes[_i].flags);
	ck_assert_uint_eq(ifi_of(m)->ifi_change, changes[_i].change);
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "veth0");
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
		ck_assert_uint_eq(nlt_u32(t.a[changes[_i].attr]), changes[_i].val);
	}
}
END_TEST

START_TEST(link_change_by_index_sends_no_name_and_combines_fields)
{
	struct nl_link_change c = {
		.mask = NL_LINK_UP | NL_LINK_MTU | NL_LINK_MASTER, .mtu = 1280, .master = 3};
	struct nlmsghdr *m;
	struct nlt_tb t;

	ck_assert_int_eq(nl_link_change_msg(B, 12, "tap0", &c), 0);
	m = nlt_only_msg();
	ck_assert_int_eq(ifi_of(m)->ifi_index, 12);
	ck_assert_str_eq(B->req[0].obj, "link tap0");
	ck_assert_str_eq(B->req[0].op, "change");
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_IFNAME]); /* with an index it would rename */
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_MTU]), 1280);
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_MASTER]), 3);
	ck_assert_uint_eq(ifi_of(m)->ifi_flags, IFF_UP);
	ck_assert_uint_eq(t.count, 2);
}
END_TEST

START_TEST(link_get_dump_and_delete_requests)
{
	struct nlt_tb t;

	ck_assert_int_eq(nl_link_get_msg(B, 0, "isbr"), 0);
	ck_assert_int_eq(nl_link_dump_msg(B, 3), 0);
	ck_assert_int_eq(nl_link_dump_msg(B, 0), 0);
	ck_assert_int_eq(nl_link_del_msg(B, 0, "veth0"), 0);
	nl_batch_finish(B);

	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_type, RTM_GETLINK);
	ck_assert_uint_eq(nl_batch_msg(B, 0)->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_str_eq(B->req[0].op, "get");
	t = nlt_msg_attrs(nl_batch_msg(B, 0), sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "isbr");
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_EXT_MASK]), RTEXT_FILTER_SKIP_STATS);

	ck_assert_uint_eq(nl_batch_msg(B, 1)->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_int_eq(ifi_of(nl_batch_msg(B, 1))->ifi_index, 0); /* strict: no index */
	t = nlt_msg_attrs(nl_batch_msg(B, 1), sizeof(struct ifinfomsg));
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_MASTER]), 3);
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_EXT_MASK]), RTEXT_FILTER_SKIP_STATS);
	t = nlt_msg_attrs(nl_batch_msg(B, 2), sizeof(struct ifinfomsg));
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
	ck_assert_int_eq(nl_link_parse(nlt_only_msg(), &l), 0);
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
	ck_assert_int_eq(nl_link_parse(nlt_only_msg(), &l), -EBADMSG);
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
	struct nlt_tb t, pi;

	ck_assert_int_eq(nl_brport_set_msg(B, 4, "tap0", &p), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_SETLINK);
	ck_assert_uint_eq(ifi_of(m)->ifi_family, AF_BRIDGE);
	ck_assert_int_eq(ifi_of(m)->ifi_index, 4);
	ck_assert_str_eq(B->req[0].obj, "link tap0");
	ck_assert_str_eq(B->req[0].op, "set port flags");
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_uint_eq(t.count, 1);
	pi = nlt_nest_attrs(t.a[IFLA_PROTINFO]);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_ISOLATED]), 1);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_MODE]), 1);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_LEARNING]), 0);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_UNICAST_FLOOD]), 0);
	ck_assert_uint_eq(pi.count, 4);
}
END_TEST

START_TEST(brport_by_name_is_newlink_with_slave_data_of_the_masked_flags)
{
	struct nl_brport p = {.mask = NL_BRPORT_LEARNING, .learning = true, .isolated = true};
	struct nlmsghdr *m;
	struct nlt_tb t, info, sd;

	ck_assert_int_eq(nl_brport_set_msg(B, 0, "tap0", &p), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(ifi_of(m)->ifi_family, AF_UNSPEC);
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "tap0");
	info = nlt_nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_ptr_null(info.a[IFLA_INFO_KIND]); /* a change, not a new link */
	sd = nlt_nest_attrs(info.a[IFLA_INFO_SLAVE_DATA]);
	ck_assert_uint_eq(nlt_u8(sd.a[IFLA_BRPORT_LEARNING]), 1);
	ck_assert_uint_eq(sd.count, 1); /* isolated is not in the mask */
}
END_TEST

START_TEST(brport_neigh_suppress_is_its_own_flag)
{
	struct nl_brport p = {.mask = NL_BRPORT_NEIGH_SUPPRESS | NL_BRPORT_LEARNING,
			      .neigh_suppress = true};
	struct nlt_tb t, pi;

	ck_assert_int_eq(nl_brport_set_msg(B, 9, "vx7", &p), 0);
	t = nlt_msg_attrs(nlt_only_msg(), sizeof(struct ifinfomsg));
	pi = nlt_nest_attrs(t.a[IFLA_PROTINFO]);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_NEIGH_SUPPRESS]), 1);
	ck_assert_uint_eq(nlt_u8(pi.a[IFLA_BRPORT_LEARNING]), 0);
	ck_assert_uint_eq(pi.count, 2);
}
END_TEST

/* ---- VXLAN devices and their forwarding entries ---- */

START_TEST(vxlan_create_carries_vni_local_port_and_learning)
{
	struct nl_vxlan_opts o = {.vni = 4097, .local = P("192.0.2.1"), .mtu = 1450};
	struct nlmsghdr *m;
	struct nlt_tb t, info, data;

	ck_assert_int_eq(nl_vxlan_add_msg(B, "vx4097", &o), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_str_eq(B->req[0].obj, "vxlan vx4097");
	t = nlt_msg_attrs(m, sizeof(struct ifinfomsg));
	ck_assert_str_eq(nlt_str(t.a[IFLA_IFNAME]), "vx4097");
	ck_assert_uint_eq(nlt_u32(t.a[IFLA_MTU]), 1450);
	info = nlt_nest_attrs(t.a[IFLA_LINKINFO]);
	ck_assert_str_eq(nlt_str(info.a[IFLA_INFO_KIND]), "vxlan");
	data = nlt_nest_attrs(info.a[IFLA_INFO_DATA]);
	ck_assert_uint_eq(nlt_u32(data.a[IFLA_VXLAN_ID]), 4097);
	ck_assert_uint_eq(mnl_attr_get_payload_len(data.a[IFLA_VXLAN_LOCAL]), 4);
	ck_assert_mem_eq(mnl_attr_get_payload(data.a[IFLA_VXLAN_LOCAL]), "\xc0\x00\x02\x01", 4);
	ck_assert_uint_eq(mnl_attr_get_u16(data.a[IFLA_VXLAN_PORT]), htons(4789));
	ck_assert_uint_eq(nlt_u8(data.a[IFLA_VXLAN_LEARNING]), 0);
	ck_assert_uint_eq(data.count, 4);
}
END_TEST

START_TEST(vxlan_over_ipv6_learning_and_another_port)
{
	struct nl_vxlan_opts o = {
		.vni = 1, .local = P("2001:db8::1"), .dstport = 8472, .learning = true};
	struct nlt_tb t, data;

	ck_assert_int_eq(nl_vxlan_add_msg(B, "vx1", &o), 0);
	t = nlt_msg_attrs(nlt_only_msg(), sizeof(struct ifinfomsg));
	ck_assert_ptr_null(t.a[IFLA_MTU]);
	data = nlt_nest_attrs(nlt_nest_attrs(t.a[IFLA_LINKINFO]).a[IFLA_INFO_DATA]);
	ck_assert_ptr_null(data.a[IFLA_VXLAN_LOCAL]);
	ck_assert_uint_eq(mnl_attr_get_payload_len(data.a[IFLA_VXLAN_LOCAL6]), 16);
	ck_assert_uint_eq(mnl_attr_get_u16(data.a[IFLA_VXLAN_PORT]), htons(8472));
	ck_assert_uint_eq(nlt_u8(data.a[IFLA_VXLAN_LEARNING]), 1);
}
END_TEST

static const uint8_t ZERO[6];

START_TEST(fdb_append_is_self_permanent_with_mac_and_dst)
{
	struct nl_prefix dst = P("192.0.2.7");
	struct nlmsghdr *m;
	const struct ndmsg *ndm;
	struct nlt_tb t;

	ck_assert_int_eq(nl_fdb_append_msg(B, 12, "vx7", ZERO, &dst), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWNEIGH);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND);
	ck_assert_str_eq(B->req[0].obj, "fdb vx7 dst 192.0.2.7");
	ndm = mnl_nlmsg_get_payload(m);
	ck_assert_uint_eq(ndm->ndm_family, AF_BRIDGE);
	ck_assert_int_eq(ndm->ndm_ifindex, 12);
	ck_assert_uint_eq(ndm->ndm_state, NUD_NOARP | NUD_PERMANENT);
	ck_assert_uint_eq(ndm->ndm_flags, NTF_SELF);
	t = nlt_msg_attrs(m, sizeof(*ndm));
	ck_assert_mem_eq(mnl_attr_get_payload(t.a[NDA_LLADDR]), ZERO, 6);
	ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[NDA_DST]), 4);
	ck_assert_mem_eq(mnl_attr_get_payload(t.a[NDA_DST]), &dst.a.v4, 4);
	ck_assert_uint_eq(t.count, 2);
}
END_TEST

START_TEST(fdb_delete_and_dump_and_parse_read_back)
{
	struct nl_prefix dst = P("2001:db8::7");
	const struct ndmsg *ndm;
	struct nl_fdb f;

	ck_assert_int_eq(nl_fdb_del_msg(B, 3, "vx7", MAC, &dst), 0);
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_type, RTM_DELNEIGH);
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	/* a delete message has the shape of an entry: parse it back */
	nlt_only_msg()->nlmsg_type = RTM_NEWNEIGH;
	ck_assert_int_eq(nl_fdb_parse(nlt_only_msg(), &f), 0);
	ck_assert_int_eq(f.ifindex, 3);
	ck_assert_mem_eq(f.mac, MAC, 6);
	ck_assert(nl_prefix_equal(&f.dst, &dst));
	ck_assert_uint_eq(f.flags, NTF_SELF);
	nl_batch_reset(B);
	ck_assert_int_eq(nl_fdb_dump_msg(B, 3), 0);
	ndm = mnl_nlmsg_get_payload(nlt_only_msg());
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(ndm->ndm_family, AF_BRIDGE);
	ck_assert_int_eq(ndm->ndm_ifindex, 3);
}
END_TEST

/* ---- checks ---- */

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
	ck_assert_int_eq(nl_vxlan_add_msg(B, "vx0", &(struct nl_vxlan_opts){.vni = 0}), -EINVAL);
	ck_assert_int_eq(nl_vxlan_add_msg(B, "vx0", &(struct nl_vxlan_opts){.vni = 1u << 24}),
			 -EINVAL);
	ck_assert_int_eq(nl_vxlan_add_msg(B, "", &(struct nl_vxlan_opts){.vni = 1}), -EINVAL);
	ck_assert_int_eq(nl_fdb_append_msg(B, 0, "vx0", MAC, &(struct nl_prefix){0}), -EINVAL);
	ck_assert_int_eq(nl_fdb_append_msg(B, 3, "vx0", MAC, &(struct nl_prefix){0}), -EINVAL);
	ck_assert_int_eq(nl_fdb_dump_msg(B, 0), -EINVAL);
	ck_assert_int_eq(nl_addr_add_msg(B, &a, "x"), -EINVAL); /* no ifindex, no family */
	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_ADD), -EINVAL);
	ck_assert_int_eq(nl_ethtool_features_set_msg(B, 20, "v0", names, on, 1), -EINVAL);
	ck_assert_int_eq(nl_genl_family_msg(B, ""), -EINVAL);
	ck_assert_uint_eq(nl_batch_finish(B), 0);
	ck_assert_uint_eq(B->n, 0);
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
	Suite *s = suite_create("unit_nlink_link");
	TCase *t = tcase_create("builders");

	tcase_add_checked_fixture(t, nlt_batch_setup, nlt_batch_teardown);
	tcase_add_test(t, bridge_create_carries_kind_stp_forward_delay_mtu_and_mac);
	tcase_add_test(t, bridge_create_with_stp_and_delay_in_centiseconds_and_defaults);
	tcase_add_test(t, veth_nests_peer_ifinfomsg_name_and_netns_fd);
	tcase_add_loop_test(t, link_change_sends_exactly_the_field_its_mask_names, 0,
			    sizeof(changes) / sizeof(changes[0]));
	tcase_add_test(t, link_change_by_index_sends_no_name_and_combines_fields);
	tcase_add_test(t, link_get_dump_and_delete_requests);
	tcase_add_test(t, link_parse_reads_back_what_a_create_says);
	tcase_add_test(t, brport_by_index_is_af_bridge_setlink_with_nested_protinfo);
	tcase_add_test(t, brport_by_name_is_newlink_with_slave_data_of_the_masked_flags);
	tcase_add_test(t, brport_neigh_suppress_is_its_own_flag);
	tcase_add_test(t, vxlan_create_carries_vni_local_port_and_learning);
	tcase_add_test(t, vxlan_over_ipv6_learning_and_another_port);
	tcase_add_test(t, fdb_append_is_self_permanent_with_mac_and_dst);
	tcase_add_test(t, fdb_delete_and_dump_and_parse_read_back);
	tcase_add_test(t, builders_refuse_bad_input_and_leave_the_batch_untouched);
	tcase_add_test(t, sysctl_keys_translate_dots_and_errors_name_the_key);
	tcase_add_test(t, tap_open_refuses_several_fds_without_multi_queue);
	tcase_add_test(t, checks_refuse_bad_input_even_without_an_error_record);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_nlink_link", false);
}
