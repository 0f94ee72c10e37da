/* Unit tests of nlink's address and route requests (no kernel involved):
 * what the builders put in a message (addresses, flags, lifetimes,
 * broadcast; route flags, table, scope, protocol), decoded back with
 * libmnl's own attribute parser, and the parsers run on what a builder
 * made. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/route.h"
#include "tests/nlinktest.h"

static void assert_addr(const struct nlattr *a, const char *text)
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
	struct nlt_tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a, "isbr"), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, RTM_NEWADDR);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_str_eq(B->req[0].obj, "address 10.1.2.3/24 on isbr");
	ck_assert_str_eq(B->req[0].op, "add");
	ifa = mnl_nlmsg_get_payload(m);
	ck_assert_uint_eq(ifa->ifa_family, AF_INET);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 24);
	ck_assert_uint_eq(ifa->ifa_index, 3);
	t = nlt_msg_attrs(m, sizeof(*ifa));
	assert_addr(t.a[IFA_LOCAL], "10.1.2.3");
	assert_addr(t.a[IFA_ADDRESS], "10.1.2.3");
	assert_addr(t.a[IFA_BROADCAST], "10.1.2.255");
	ck_assert_uint_eq(nlt_u32(t.a[IFA_FLAGS]), IFA_F_NOPREFIXROUTE);
	ck_assert_str_eq(nlt_str(t.a[IFA_LABEL]), "isbr:gw");
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
	struct nlt_tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a31, NULL), 0);
	ck_assert_int_eq(nl_addr_add_msg(B, &a32, NULL), 0);
	nl_batch_finish(B);
	ck_assert_str_eq(B->req[0].obj, "address 10.0.0.0/31 on #3");
	for (unsigned i = 0; i < 2; i++) {
		t = nlt_msg_attrs(nl_batch_msg(B, i), sizeof(struct ifaddrmsg));
		ck_assert_ptr_null(t.a[IFA_BROADCAST]);
		ck_assert_ptr_null(t.a[IFA_CACHEINFO]);
		ck_assert_ptr_null(t.a[IFA_LABEL]);
		ck_assert_uint_eq(nlt_u32(t.a[IFA_FLAGS]), 0);
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
	struct nlt_tb t;

	ck_assert_int_eq(nl_addr_add_msg(B, &a, "v0"), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(((const struct ifaddrmsg *)mnl_nlmsg_get_payload(m))->ifa_family,
			  AF_INET6);
	ck_assert_uint_eq(((const struct ifaddrmsg *)mnl_nlmsg_get_payload(m))->ifa_flags,
			  IFA_F_NODAD); /* the low byte; IFA_FLAGS has all */
	t = nlt_msg_attrs(m, sizeof(struct ifaddrmsg));
	assert_addr(t.a[IFA_ADDRESS], "fd00::1");
	ck_assert_ptr_null(t.a[IFA_LOCAL]);
	ck_assert_ptr_null(t.a[IFA_BROADCAST]);
	ck_assert_ptr_null(t.a[IFA_LABEL]);
	ck_assert_uint_eq(nlt_u32(t.a[IFA_FLAGS]), IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
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
	ck_assert_int_eq(nl_addr_parse(nlt_only_msg(), &back), 0);
	ck_assert(nl_prefix_equal(&back.addr, &a.addr));
	ck_assert_int_eq(back.ifindex, 4);
	ck_assert_uint_eq(back.flags, IFA_F_NODAD);
	ck_assert_uint_eq(back.valid_lft, 600);
	ck_assert_uint_eq(back.preferred_lft, 60);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_addr_dump_msg(B, AF_INET6, 4), 0);
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ifa = mnl_nlmsg_get_payload(nlt_only_msg());
	ck_assert_uint_eq(ifa->ifa_family, AF_INET6);
	ck_assert_uint_eq(ifa->ifa_index, 4);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 0);
	ck_assert_int_eq(nl_addr_dump_msg(B, AF_PACKET, 0), -EINVAL);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_addr_del_msg(B, &a, "v0"), 0);
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_type, RTM_DELADDR);
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
	struct nlt_tb t;

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
	t = nlt_msg_attrs(nl_batch_msg(B, 0), sizeof(*rtm));
	ck_assert_uint_eq(nlt_u32(t.a[RTA_TABLE]), RT_TABLE_MAIN);
	assert_addr(t.a[RTA_DST], "10.9.0.0");
	assert_addr(t.a[RTA_GATEWAY], "10.1.2.254");
	assert_addr(t.a[RTA_PREFSRC], "10.1.2.3");
	ck_assert_uint_eq(nlt_u32(t.a[RTA_OIF]), 3);
	ck_assert_uint_eq(nlt_u32(t.a[RTA_PRIORITY]), 50);
}
END_TEST

START_TEST(route_defaults_follow_ip_route_and_delete_matches_any_protocol)
{
	struct nl_route dev4 = {.family = AF_INET, .dst = P("10.9.0.0/16"), .oif = 3};
	struct nl_route dflt6 = {.family = AF_INET6, .gw = P("fd00::fe"), .oif = 3};
	const struct rtmsg *rtm;
	struct nlt_tb t;

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
	t = nlt_msg_attrs(nl_batch_msg(B, 1), sizeof(*rtm));
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
	struct nlt_tb t;

	ck_assert_int_eq(nl_route_add_msg(B, &r, NL_ROUTE_REPLACE), 0);
	ck_assert_int_eq(nl_route_parse(nlt_only_msg(), &back), 0);
	ck_assert(nl_prefix_equal(&back.dst, &r.dst));
	ck_assert(nl_prefix_equal(&back.gw, &r.gw));
	ck_assert_uint_eq(back.prefsrc.family, 0);
	ck_assert_int_eq(back.oif, 7);
	ck_assert_uint_eq(back.metric, 300);
	ck_assert_uint_eq(back.protocol, RTPROT_STATIC);
	ck_assert_uint_eq(back.table, RT_TABLE_MAIN);

	nl_batch_reset(B);
	ck_assert_int_eq(nl_route_dump_msg(B, AF_UNSPEC), 0);
	ck_assert_uint_eq(nlt_only_msg()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	rtm = mnl_nlmsg_get_payload(nlt_only_msg());
	ck_assert_uint_eq(rtm->rtm_scope, 0); /* strict dump: only table filters */
	ck_assert_uint_eq(rtm->rtm_type, 0);
	t = nlt_msg_attrs(nlt_only_msg(), sizeof(*rtm));
	ck_assert_uint_eq(nlt_u32(t.a[RTA_TABLE]), RT_TABLE_MAIN);
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_nlink_addr_route");
	TCase *t = tcase_create("builders");

	tcase_add_checked_fixture(t, nlt_batch_setup, nlt_batch_teardown);
	tcase_add_test(t, addr_v4_has_local_address_broadcast_flags_label_and_lifetimes);
	tcase_add_test(
		t, addr_v4_point_to_point_sizes_have_no_broadcast_and_forever_needs_no_cacheinfo);
	tcase_add_test(t, addr_v6_has_address_flags_and_lifetimes_but_no_v4_fields);
	tcase_add_test(t, addr_parse_reads_back_an_add_and_dump_filters_by_family_and_index);
	tcase_add_test(t, route_add_and_replace_differ_in_flags_and_carry_every_field);
	tcase_add_test(t, route_defaults_follow_ip_route_and_delete_matches_any_protocol);
	tcase_add_test(t, route_parse_reads_back_an_add_and_dump_asks_for_the_main_table);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_nlink_addr_route", false);
}
