/* Namespace tests of nlink's links (nlink/link.c): bridges and veths made,
 * moved into another namespace, changed (up, master, MTU, MAC, queue
 * length, alias) and listed, each proved with ip -d -j; and the error
 * paths: errno, the labelled message, the kernel's extended-ACK text, and
 * the per-request results of a batch (nlink/sock.c). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlink/link.h"
#include "tests/nlinktest.h"

/* ---- bridges and veths ---- */

START_TEST(bridge_is_created_with_stp_off_and_forward_delay_zero)
{
	struct nl_bridge_opts o = {.stp = false, .forward_delay = 0};
	json_object *root, *info, *data;
	struct nl_link l;

	OK(nl_bridge_add_msg(B, "isbr", &o));
	OK(nlt_send());
	info = th_jget(nlt_ip_link(&root, "isbr"), "linkinfo");
	data = th_jget(info, "info_data");
	ck_assert_str_eq(th_jstr(info, "info_kind"), "bridge");
	ck_assert_int_eq(th_jint(data, "stp_state"), 0);
	ck_assert_int_eq(th_jint(data, "forward_delay"), 0);
	json_object_put(root);
	OK(nl_link_get(&S, "isbr", &l, &E));
	ck_assert_str_eq(l.kind, "bridge");
	ck_assert(l.bridge.valid);
	ck_assert_uint_eq(l.bridge.stp_state, 0);
	ck_assert_uint_eq(l.bridge.forward_delay, 0);
}
END_TEST

START_TEST(bridge_forward_delay_is_in_centiseconds_as_ip_shows_it)
{
	struct nl_bridge_opts o = {.stp = true, .forward_delay = 1500};
	json_object *root, *data;
	struct nl_link l;

	OK(nl_bridge_add_msg(B, "stpbr", &o));
	OK(nlt_send());
	data = th_jget(th_jget(nlt_ip_link(&root, "stpbr"), "linkinfo"), "info_data");
	ck_assert_int_eq(th_jint(data, "stp_state"), 1);
	ck_assert_int_eq(th_jint(data, "forward_delay"), 1500); /* 15 s */
	json_object_put(root);
	OK(nl_link_get(&S, "stpbr", &l, &E));
	ck_assert_uint_eq(l.bridge.stp_state, 1);
	ck_assert_uint_eq(l.bridge.forward_delay, 1500);
}
END_TEST

START_TEST(bridge_keeps_its_mac_but_only_a_set_mtu_survives_a_joining_port)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
	struct nl_bridge_opts o = {.mtu = 1400, .mac = mac};
	struct nl_link_change big = {.mask = NL_LINK_MTU, .mtu = 9000};
	struct nl_link_change pin = {.mask = NL_LINK_MTU, .mtu = 1400};
	struct nl_link_change join = {.mask = NL_LINK_MASTER};
	struct nl_link l;

	OK(nl_bridge_add_msg(B, "mtubr", &o));
	OK(nl_veth_add_msg(B, "p0", "p1", -1));
	OK(nl_link_change_msg(B, 0, "p0", &big));
	OK(nlt_send());
	join.master = nlt_ifindex("mtubr");
	OK(nl_link_change(&S, "p0", &join, &E));
	OK(nl_link_get(&S, "mtubr", &l, &E));
	ck_assert_mem_eq(l.mac, mac, 6);
	/* IFLA_MTU at creation does not pin: the bridge follows its port. */
	ck_assert_uint_eq(l.mtu, 9000);
	OK(nl_link_change(&S, "mtubr", &pin, &E));
	OK(nl_veth_add_msg(B, "p2", "p3", -1));
	OK(nl_link_change_msg(B, 0, "p2", &big));
	join.master = l.ifindex;
	OK(nl_link_change_msg(B, 0, "p2", &join));
	OK(nlt_send());
	OK(nl_link_get(&S, "mtubr", &l, &E));
	ck_assert_uint_eq(l.mtu, 1400);
	ck_assert(th_sh("ip -j link show mtubr | grep -q '\"mtu\":1400'") == 0);
	ck_assert(th_sh("ip -j link show mtubr | grep -qi '\"address\":\"52:54:00:ab:cd:ef\"'") ==
		  0);
}
END_TEST

START_TEST(veth_pair_is_created_and_each_end_names_the_other)
{
	json_object *root;
	struct nl_link l;

	nlt_veth("v0", "v1");
	ck_assert(th_link_exists("v0"));
	ck_assert(th_link_exists("v1"));
	ck_assert_str_eq(th_jstr(nlt_ip_link(&root, "v0"), "link"), "v1");
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_str_eq(l.kind, "veth");
	ck_assert_int_eq(l.link, nlt_ifindex("v1"));
	ck_assert_int_eq(l.link_netnsid, -1);
	ck_assert_uint_eq(l.max_mtu, 65535);
	ck_assert_uint_eq(l.min_mtu, 68);
}
END_TEST

static int open_other_netns(void)
{
	int fd;

	ck_assert_int_eq(th_sh("ip netns add other"), 0);
	fd = open("/run/netns/other", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(veth_peer_is_created_inside_another_namespace)
{
	int fd = open_other_netns();
	json_object *root;
	struct nl_link l;

	OK(nl_veth_add_msg(B, "v0", "v1", fd));
	OK(nlt_send());
	close(fd);
	ck_assert(th_link_exists("v0"));
	ck_assert(!th_link_exists("v1"));
	root = th_json("ip -n other -j link");
	ck_assert_ptr_nonnull(th_jlink(root, "v1"));
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_int_ge(l.link_netnsid, 0); /* the peer lives elsewhere */
}
END_TEST

START_TEST(link_moves_into_another_namespace_by_change)
{
	int fd = open_other_netns();
	struct nl_link_change c = {.mask = NL_LINK_NETNS, .netns_fd = fd};
	json_object *root;

	nlt_veth("v0", "v1");
	OK(nl_link_change(&S, "v1", &c, &E));
	close(fd);
	ck_assert(!th_link_exists("v1"));
	root = th_json("ip -n other -j link");
	ck_assert_ptr_nonnull(th_jlink(root, "v1"));
	json_object_put(root);
}
END_TEST

/* ---- generic changes ---- */

START_TEST(link_goes_up_and_down)
{
	struct nl_link_change up = {.mask = NL_LINK_UP}, down = {.mask = NL_LINK_DOWN};
	struct nl_link l;

	nlt_veth("v0", "v1");
	OK(nl_link_change(&S, "v0", &up, &E));
	ck_assert(th_sh("ip -j link show v0 | grep -q '\"UP\"'") == 0);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert(l.flags & IFF_UP);
	OK(nl_link_change(&S, "v0", &down, &E));
	ck_assert(th_sh("ip -j link show v0 | grep -q '\"UP\"'") != 0);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert(!(l.flags & IFF_UP));
}
END_TEST

START_TEST(link_takes_a_master_and_leaves_it_with_nomaster)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	json_object *root;
	struct nl_link l;

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	OK(nl_link_change(&S, "v0", &m, &E));
	ck_assert_str_eq(th_jstr(nlt_ip_link(&root, "v0"), "master"), "isbr");
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_int_eq(l.master, m.master);
	ck_assert_str_eq(l.slave_kind, "bridge");
	m.master = 0;
	OK(nl_link_change(&S, "v0", &m, &E));
	ck_assert_ptr_null(th_jstr(nlt_ip_link(&root, "v0"), "master"));
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_int_eq(l.master, 0);
	ck_assert_str_eq(l.slave_kind, "");
}
END_TEST

START_TEST(link_mtu_mac_txqueuelen_and_alias_change_as_asked)
{
	struct nl_link_change c = {.mask = NL_LINK_MTU | NL_LINK_MAC | NL_LINK_TXQLEN |
					   NL_LINK_ALIAS,
				   .mtu = 9000,
				   .mac = {0x52, 0x54, 0x00, 0x01, 0x02, 0x03},
				   .txqlen = 4321,
				   .alias = "vnet:test"};
	struct nl_link_change noalias = {.mask = NL_LINK_ALIAS, .alias = ""};
	json_object *root, *l;
	struct nl_link nl;

	nlt_veth("v0", "v1");
	OK(nl_link_change(&S, "v0", &c, &E));
	l = nlt_ip_link(&root, "v0");
	ck_assert_int_eq(th_jint(l, "mtu"), 9000);
	ck_assert_str_eq(th_jstr(l, "address"), "52:54:00:01:02:03");
	ck_assert_int_eq(th_jint(l, "txqlen"), 4321);
	ck_assert_str_eq(th_jstr(l, "ifalias"), "vnet:test");
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &nl, &E));
	ck_assert_uint_eq(nl.mtu, 9000);
	ck_assert_mem_eq(nl.mac, c.mac, 6);
	ck_assert_uint_eq(nl.txqlen, 4321);
	ck_assert_str_eq(nl.alias, "vnet:test");
	OK(nl_link_change(&S, "v0", &noalias, &E));
	ck_assert_ptr_null(th_jstr(nlt_ip_link(&root, "v0"), "ifalias"));
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &nl, &E));
	ck_assert_str_eq(nl.alias, "");
}
END_TEST

START_TEST(link_list_agrees_with_ip_and_filters_ports_by_master)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	json_object *all;
	struct nl_link *v;
	unsigned n;

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nl_veth_add_msg(B, "v2", "v3", -1));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	OK(nl_link_change_msg(B, 0, "v0", &m));
	OK(nl_link_change_msg(B, 0, "v2", &m));
	OK(nlt_send());
	OK(nl_link_list(&S, 0, &v, &n, &E));
	all = th_json("ip -j link");
	ck_assert_uint_eq(n, json_object_array_length(all));
	for (unsigned i = 0; i < n; i++) {
		json_object *l = th_jlink(all, v[i].name);

		ck_assert_msg(l != NULL, "ip does not show %s", v[i].name);
		ck_assert_int_eq(th_jint(l, "ifindex"), v[i].ifindex);
		ck_assert_int_eq(th_jint(l, "mtu"), (long)v[i].mtu);
	}
	json_object_put(all);
	free(v);
	OK(nl_link_list(&S, m.master, &v, &n, &E));
	ck_assert_uint_eq(n, 2);
	ck_assert(!strcmp(v[0].name, "v0") || !strcmp(v[1].name, "v0"));
	ck_assert(!strcmp(v[0].name, "v2") || !strcmp(v[1].name, "v2"));
	free(v);
}
END_TEST

/* ---- error paths ---- */

START_TEST(creating_an_existing_bridge_is_eexist_and_says_so)
{
	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nlt_send());
	OK(nl_bridge_add_msg(B, "isbr", NULL));
	ck_assert_int_eq(nlt_send(), -EEXIST);
	ck_assert_str_eq(nlt_errline(), "bridge isbr: create: File exists");
}
END_TEST

START_TEST(deleting_a_missing_link_is_enodev)
{
	struct nl_link l;

	ck_assert_int_eq(nl_link_del(&S, "nope0", &E), -ENODEV);
	ck_assert_str_eq(E.obj, "link nope0");
	ck_assert_str_eq(E.op, "delete");
	ck_assert_str_eq(nl_err_str(&E, (char[256]){0}, 256), "link nope0: delete: No such device");
	ck_assert_int_eq(nl_link_get(&S, "nope0", &l, &E), -ENODEV);
	nlt_veth("v0", "v1");
	OK(nl_link_del(&S, "v0", &E));
	ck_assert(!th_link_exists("v0"));
	ck_assert(!th_link_exists("v1")); /* a veth goes in pairs */
}
END_TEST

START_TEST(mtu_above_the_veth_maximum_returns_the_kernels_extack_text)
{
	struct nl_link_change c = {.mask = NL_LINK_MTU, .mtu = 70000};

	nlt_veth("v0", "v1");
	ck_assert_int_eq(nl_link_change(&S, "v0", &c, &E), -EINVAL);
	ck_assert_int_eq(E.kernel, 1);
	ck_assert_msg(strcasestr(E.msg, "mtu greater than device maximum"), "extack: %s", E.msg);
	ck_assert_msg(strstr(nlt_errline(), "link v0: set mtu: Invalid argument: "), "%s",
		      nlt_errline());
	ck_assert(th_sh("ip -j link show v0 | grep -q '\"mtu\":1500'") == 0);
}
END_TEST

START_TEST(batch_of_three_with_a_failing_middle_reports_each_result)
{
	OK(nl_bridge_add_msg(B, "b1", NULL));
	OK(nl_bridge_add_msg(B, "b1", NULL));
	OK(nl_bridge_add_msg(B, "b2", NULL));
	ck_assert_int_eq(nl_batch_send(&S, B, NULL, NULL, &E), -EEXIST);
	ck_assert_int_eq(B->req[0].err, 0);
	ck_assert_int_eq(B->req[1].err, -EEXIST);
	ck_assert_int_eq(B->req[2].err, 0); /* rtnetlink runs each on its own */
	ck_assert(B->req[0].done && B->req[1].done && B->req[2].done);
	ck_assert_str_eq(E.obj, "bridge b1");
	ck_assert_str_eq(E.op, "create");
	ck_assert(th_link_exists("b1"));
	ck_assert(th_link_exists("b2"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_link");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, bridge_is_created_with_stp_off_and_forward_delay_zero);
	tcase_add_test(t, bridge_forward_delay_is_in_centiseconds_as_ip_shows_it);
	tcase_add_test(t, bridge_keeps_its_mac_but_only_a_set_mtu_survives_a_joining_port);
	tcase_add_test(t, veth_pair_is_created_and_each_end_names_the_other);
	tcase_add_test(t, veth_peer_is_created_inside_another_namespace);
	tcase_add_test(t, link_moves_into_another_namespace_by_change);
	tcase_add_test(t, link_goes_up_and_down);
	tcase_add_test(t, link_takes_a_master_and_leaves_it_with_nomaster);
	tcase_add_test(t, link_mtu_mac_txqueuelen_and_alias_change_as_asked);
	tcase_add_test(t, link_list_agrees_with_ip_and_filters_ports_by_master);
	tcase_add_test(t, creating_an_existing_bridge_is_eexist_and_says_so);
	tcase_add_test(t, deleting_a_missing_link_is_enodev);
	tcase_add_test(t, mtu_above_the_veth_maximum_returns_the_kernels_extack_text);
	tcase_add_test(t, batch_of_three_with_a_failing_middle_reports_each_result);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_link", true);
}
