/* Namespace tests for nlink: each test runs in a fresh network namespace
 * (harness fixture), makes links, addresses, routes, taps, port flags,
 * sysctls and features through nlink, and proves each with an observer that
 * is not nlink: ip -j (-d), ethtool -k, /proc/sys/net. Also the error paths:
 * errno, the labelled message, the kernel's extended-ACK text, and the
 * per-request results of a batch. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlink/addr.h"
#include "nlink/brport.h"
#include "nlink/ethtool.h"
#include "tests/harness.h"
#include "nlink/link.h"
#include "nlink/route.h"
#include "nlink/sysctl.h"
#include "nlink/tap.h"

static struct nl_sock S;
static struct nl_batch *B;
static struct nl_err E;

static void sock_setup(void)
{
	ck_assert_int_eq(nl_sock_open(&S, NETLINK_ROUTE, &E), 0);
	B = nl_batch_new();
	ck_assert_ptr_nonnull(B);
}

static void sock_teardown(void)
{
	nl_batch_free(B);
	nl_sock_close(&S);
}

static const char *errline(void)
{
	static char buf[512];

	return nl_err_str(&E, buf, sizeof(buf));
}

#define OK(call)                                                                                   \
	do {                                                                                       \
		int r_ = (call);                                                                   \
		ck_assert_msg(r_ == 0, "%s: %d (%s)", #call, r_, errline());                       \
	} while (0)

/* Sends B and empties it for the next step. */
static int send_b(void)
{
	int r = nl_batch_send(&S, B, NULL, NULL, &E);

	nl_batch_reset(B);
	return r;
}

static void sh_ok(const char *cmd)
{
	ck_assert_msg(th_sh("%s", cmd) == 0, "%s", cmd);
}

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

static bool jbool(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	ck_assert_msg(v != NULL, "no \"%s\" in %s", key, o ? json_object_to_json_string(o) : "-");
	return json_object_get_boolean(v);
}

/* ip -d -j link show NAME; *root is the document to put. */
static json_object *ip_link(json_object **root, const char *name)
{
	json_object *l;

	*root = th_json("ip -d -j link show dev %s", name);
	l = th_jlink(*root, name);
	ck_assert_msg(l != NULL, "ip does not show %s", name);
	return l;
}

static bool link_exists(const char *name)
{
	json_object *all = th_json("ip -j link");
	bool found = th_jlink(all, name) != NULL;

	json_object_put(all);
	return found;
}

static int ifindex(const char *name)
{
	int i = (int)if_nametoindex(name);

	ck_assert_msg(i > 0, "no link %s", name);
	return i;
}

static void make_veth(const char *a, const char *b)
{
	OK(nl_veth_add_msg(B, a, b, -1));
	OK(send_b());
}

/* ---- bridges and veths ---- */

START_TEST(bridge_is_created_with_stp_off_and_forward_delay_zero)
{
	struct nl_bridge_opts o = {.stp = false, .forward_delay = 0};
	json_object *root, *info, *data;
	struct nl_link l;

	OK(nl_bridge_add_msg(B, "isbr", &o));
	OK(send_b());
	info = jget(ip_link(&root, "isbr"), "linkinfo");
	data = jget(info, "info_data");
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
	OK(send_b());
	data = jget(jget(ip_link(&root, "stpbr"), "linkinfo"), "info_data");
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
	OK(send_b());
	join.master = ifindex("mtubr");
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
	OK(send_b());
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

	make_veth("v0", "v1");
	ck_assert(link_exists("v0"));
	ck_assert(link_exists("v1"));
	ck_assert_str_eq(th_jstr(ip_link(&root, "v0"), "link"), "v1");
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_str_eq(l.kind, "veth");
	ck_assert_int_eq(l.link, ifindex("v1"));
	ck_assert_int_eq(l.link_netnsid, -1);
	ck_assert_uint_eq(l.max_mtu, 65535);
	ck_assert_uint_eq(l.min_mtu, 68);
}
END_TEST

static int open_other_netns(void)
{
	int fd;

	sh_ok("ip netns add other");
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
	OK(send_b());
	close(fd);
	ck_assert(link_exists("v0"));
	ck_assert(!link_exists("v1"));
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

	make_veth("v0", "v1");
	OK(nl_link_change(&S, "v1", &c, &E));
	close(fd);
	ck_assert(!link_exists("v1"));
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

	make_veth("v0", "v1");
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
	OK(send_b());
	m.master = ifindex("isbr");
	OK(nl_link_change(&S, "v0", &m, &E));
	ck_assert_str_eq(th_jstr(ip_link(&root, "v0"), "master"), "isbr");
	json_object_put(root);
	OK(nl_link_get(&S, "v0", &l, &E));
	ck_assert_int_eq(l.master, m.master);
	ck_assert_str_eq(l.slave_kind, "bridge");
	m.master = 0;
	OK(nl_link_change(&S, "v0", &m, &E));
	ck_assert_ptr_null(th_jstr(ip_link(&root, "v0"), "master"));
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

	make_veth("v0", "v1");
	OK(nl_link_change(&S, "v0", &c, &E));
	l = ip_link(&root, "v0");
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
	ck_assert_ptr_null(th_jstr(ip_link(&root, "v0"), "ifalias"));
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
	OK(send_b());
	m.master = ifindex("isbr");
	OK(nl_link_change_msg(B, 0, "v0", &m));
	OK(nl_link_change_msg(B, 0, "v2", &m));
	OK(send_b());
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

/* ---- bridge ports ---- */

static void assert_port(const char *name, bool iso, bool hairpin, bool learning, bool flood)
{
	json_object *root, *sd;
	struct nl_link l;

	sd = jget(jget(ip_link(&root, name), "linkinfo"), "info_slave_data");
	ck_assert_int_eq(jbool(sd, "isolated"), iso);
	ck_assert_int_eq(jbool(sd, "hairpin"), hairpin);
	ck_assert_int_eq(jbool(sd, "learning"), learning);
	ck_assert_int_eq(jbool(sd, "flood"), flood);
	json_object_put(root);
	OK(nl_link_get(&S, name, &l, &E));
	ck_assert(l.port.valid);
	ck_assert_int_eq(l.port.isolated, iso);
	ck_assert_int_eq(l.port.hairpin, hairpin);
	ck_assert_int_eq(l.port.learning, learning);
	ck_assert_int_eq(l.port.unicast_flood, flood);
}

static const struct nl_brport all_flags_flipped = {
	.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN | NL_BRPORT_LEARNING |
		NL_BRPORT_UNICAST_FLOOD,
	.isolated = true,
	.hairpin = true,
	.learning = false,
	.unicast_flood = false,
};

START_TEST(port_flags_by_name_apply_in_the_batch_that_creates_and_enslaves)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(send_b());
	m.master = ifindex("isbr");
	/* One batch: make the port, enslave it, set its flags, all by name. */
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nl_link_change_msg(B, 0, "v0", &m));
	OK(nl_brport_set_msg(B, 0, "v0", &all_flags_flipped));
	OK(send_b());
	assert_port("v0", true, true, false, false);
}
END_TEST

START_TEST(port_flags_by_index_go_as_af_bridge_right_after_enslaving)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	struct nl_brport back = {
		.mask = all_flags_flipped.mask, .learning = true, .unicast_flood = true};
	int port;

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(send_b());
	m.master = ifindex("isbr");
	port = ifindex("v0");
	OK(nl_link_change_msg(B, port, NULL, &m));
	OK(nl_brport_set_msg(B, port, "v0", &all_flags_flipped));
	OK(send_b());
	assert_port("v0", true, true, false, false);
	OK(nl_brport_set_msg(B, port, "v0", &back));
	OK(send_b());
	assert_port("v0", false, false, true, true);
}
END_TEST

START_TEST(port_flags_change_back_and_only_the_masked_ones_change)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	struct nl_brport iso_off = {.mask = NL_BRPORT_ISOLATED, .isolated = false};

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(send_b());
	m.master = ifindex("isbr");
	OK(nl_link_change(&S, "v0", &m, &E));
	assert_port("v0", false, false, true, true); /* the kernel's defaults */
	OK(nl_brport_set(&S, "v0", &all_flags_flipped, &E));
	assert_port("v0", true, true, false, false);
	OK(nl_brport_set(&S, "v0", &iso_off, &E));
	assert_port("v0", false, true, false, false);
}
END_TEST

/* ---- taps ---- */

static const struct nl_tap_opts tap_defaults = {.owner = (uid_t)-1, .group = (gid_t)-1};

static json_object *tap_info(json_object **root, const char *name)
{
	json_object *li = jget(ip_link(root, name), "linkinfo");

	ck_assert_str_eq(th_jstr(li, "info_kind"), "tun");
	return jget(li, "info_data");
}

START_TEST(tap_is_persistent_with_vnet_hdr_and_owner_until_deleted)
{
	struct nl_tap_opts o = tap_defaults;
	char name[NL_IFNAMSIZ] = "vtap0";
	json_object *root, *d;
	int fd;

	o.vnet_hdr = true;
	o.persist = true;
	o.owner = 1234;
	o.group = 4321;
	OK(nl_tap_open(name, &o, &fd, 1, &E));
	ck_assert_str_eq(name, "vtap0");
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	d = tap_info(&root, "vtap0");
	ck_assert_str_eq(th_jstr(d, "type"), "tap");
	ck_assert(!jbool(d, "pi"));
	ck_assert(jbool(d, "vnet_hdr"));
	ck_assert(!jbool(d, "multi_queue"));
	ck_assert(jbool(d, "persist"));
	ck_assert_int_eq(th_jint(d, "user"), 1234);
	ck_assert_int_eq(th_jint(d, "group"), 4321);
	json_object_put(root);
	close(fd);
	ck_assert(link_exists("vtap0")); /* persistent: outlives its fd */
	OK(nl_tap_delete("vtap0", &E));
	ck_assert(!link_exists("vtap0"));
	ck_assert_int_eq(nl_tap_delete("vtap0", &E), -ENODEV);
	ck_assert_str_eq(errline(), "tap vtap0: delete: No such device");
}
END_TEST

START_TEST(tap_multi_queue_opens_two_queues_and_vanishes_with_them)
{
	struct nl_tap_opts o = tap_defaults;
	char name[NL_IFNAMSIZ] = "mq%d";
	json_object *root, *d;
	int fds[2];

	o.multi_queue = true;
	OK(nl_tap_open(name, &o, fds, 2, &E));
	ck_assert_str_eq(name, "mq0"); /* the kernel filled in the pattern */
	ck_assert_int_ne(fds[0], fds[1]);
	d = tap_info(&root, "mq0");
	ck_assert(jbool(d, "multi_queue"));
	ck_assert(!jbool(d, "persist"));
	ck_assert(!jbool(d, "vnet_hdr"));
	ck_assert_int_eq(th_jint(d, "numqueues"), 2);
	json_object_put(root);
	close(fds[0]);
	ck_assert(link_exists("mq0"));
	close(fds[1]);
	ck_assert(!link_exists("mq0"));
}
END_TEST

static int count_fds(void)
{
	char *out = th_out(NULL, "ls /proc/%d/fd | wc -l", (int)getpid());
	int n = atoi(out);

	free(out);
	return n;
}

START_TEST(tap_open_failing_on_a_later_queue_closes_the_queues_it_opened)
{
	/* A multi-queue tap takes at most 256 queues: the 257th fails. */
	enum { N = 257 };
	struct nl_tap_opts o = tap_defaults;
	char name[NL_IFNAMSIZ] = "mqfail";
	int fds[N], before = count_fds();

	o.multi_queue = true;
	ck_assert_int_eq(nl_tap_open(name, &o, fds, N, &E), -E2BIG);
	ck_assert_str_eq(E.op, "open queue");
	ck_assert_int_eq(count_fds(), before);
	ck_assert(!link_exists("mqfail"));
}
END_TEST

START_TEST(tap_delete_refuses_what_is_not_a_tap)
{
	make_veth("v0", "v1");
	ck_assert_int_eq(nl_tap_delete("v0", &E), -EINVAL);
	ck_assert_str_eq(errline(), "tap v0: delete: not a tap device");
	ck_assert(link_exists("v0"));
}
END_TEST

/* ---- error paths ---- */

START_TEST(creating_an_existing_bridge_is_eexist_and_says_so)
{
	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(send_b());
	OK(nl_bridge_add_msg(B, "isbr", NULL));
	ck_assert_int_eq(send_b(), -EEXIST);
	ck_assert_str_eq(errline(), "bridge isbr: create: File exists");
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
	make_veth("v0", "v1");
	OK(nl_link_del(&S, "v0", &E));
	ck_assert(!link_exists("v0"));
	ck_assert(!link_exists("v1")); /* a veth goes in pairs */
}
END_TEST

START_TEST(mtu_above_the_veth_maximum_returns_the_kernels_extack_text)
{
	struct nl_link_change c = {.mask = NL_LINK_MTU, .mtu = 70000};

	make_veth("v0", "v1");
	ck_assert_int_eq(nl_link_change(&S, "v0", &c, &E), -EINVAL);
	ck_assert_int_eq(E.kernel, 1);
	ck_assert_msg(strcasestr(E.msg, "mtu greater than device maximum"), "extack: %s", E.msg);
	ck_assert_msg(strstr(errline(), "link v0: set mtu: Invalid argument: "), "%s", errline());
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
	ck_assert(link_exists("b1"));
	ck_assert(link_exists("b2"));
}
END_TEST

/* ---- addresses ---- */

static struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

/* The addr_info entry of dev with this local address. */
static json_object *
ip_addr(json_object **root, const char *dev, const char *local)
{
	json_object *info;

	*root = th_json("ip -j addr show dev %s", dev);
	info = jget(json_object_array_get_idx(*root, 0), "addr_info");
	for (size_t i = 0; info && i < json_object_array_length(info); i++) {
		json_object *a = json_object_array_get_idx(info, i);

		if (!strcmp(th_jstr(a, "local"), local))
			return a;
	}
	ck_abort_msg("ip shows no %s on %s", local, dev);
	return NULL;
}

START_TEST(ipv4_address_is_added_with_broadcast_label_and_lifetimes)
{
	struct nl_ifaddr a = {
		.addr = P("10.1.2.3/24"), .valid_lft = 600, .preferred_lft = 300, .label = "v0:gw"};
	json_object *root, *j;
	struct nl_ifaddr *v;
	unsigned n;

	make_veth("v0", "v1");
	a.ifindex = ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(send_b());
	j = ip_addr(&root, "v0", "10.1.2.3");
	ck_assert_int_eq(th_jint(j, "prefixlen"), 24);
	ck_assert_str_eq(th_jstr(j, "broadcast"), "10.1.2.255");
	ck_assert_str_eq(th_jstr(j, "label"), "v0:gw");
	ck_assert_int_le(th_jint(j, "valid_life_time"), 600);
	ck_assert_int_gt(th_jint(j, "valid_life_time"), 590);
	ck_assert_int_le(th_jint(j, "preferred_life_time"), 300);
	json_object_put(root);
	OK(nl_addr_list(&S, AF_INET, a.ifindex, &v, &n, &E));
	ck_assert_uint_eq(n, 1);
	ck_assert(nl_prefix_equal(&v[0].addr, &a.addr));
	ck_assert_str_eq(v[0].label, "v0:gw");
	ck_assert_uint_le(v[0].valid_lft, 600);
	ck_assert_uint_gt(v[0].valid_lft, 590);
	ck_assert_uint_le(v[0].preferred_lft, 300);
	free(v);
	OK(nl_addr_add_msg(B, &a, "v0"));
	ck_assert_int_eq(send_b(), -EEXIST);
	/* This kernel adds its own words: "ipv4: Address already assigned". */
	ck_assert_msg(!strncmp(errline(), "address 10.1.2.3/24 on v0: add: File exists", 43), "%s",
		      errline());
}
END_TEST

START_TEST(ipv6_address_is_added_with_flags_and_lifetimes)
{
	struct nl_ifaddr a = {.addr = P("fd00::1/64"),
			      .flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE,
			      .valid_lft = 600,
			      .preferred_lft = 300};
	struct nl_ifaddr p = {.addr = P("fd00:1::1/64"), .flags = IFA_F_NODAD};
	json_object *root, *j;
	struct nl_ifaddr *v;
	unsigned n, seen = 0;

	make_veth("v0", "v1");
	a.ifindex = p.ifindex = ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(nl_addr_add_msg(B, &p, "v0"));
	OK(send_b());
	j = ip_addr(&root, "v0", "fd00::1");
	ck_assert(jbool(j, "nodad"));
	ck_assert(jbool(j, "noprefixroute"));
	ck_assert_int_le(th_jint(j, "valid_life_time"), 600);
	ck_assert_int_gt(th_jint(j, "valid_life_time"), 590);
	json_object_put(root);
	j = ip_addr(&root, "v0", "fd00:1::1");
	ck_assert_ptr_null(jget(j, "dynamic")); /* no lifetimes: permanent */
	ck_assert_ptr_null(jget(j, "noprefixroute"));
	json_object_put(root);
	OK(nl_addr_list(&S, AF_INET6, a.ifindex, &v, &n, &E));
	for (unsigned i = 0; i < n; i++) {
		if (nl_prefix_equal(&v[i].addr, &a.addr)) {
			ck_assert_uint_eq(v[i].flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE),
					  IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
			ck_assert_uint_le(v[i].preferred_lft, 300);
			seen++;
		}
		if (nl_prefix_equal(&v[i].addr, &p.addr)) {
			ck_assert(v[i].flags & IFA_F_PERMANENT);
			ck_assert_uint_eq(v[i].valid_lft, NL_LIFETIME_FOREVER);
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 2);
	free(v);
}
END_TEST

START_TEST(address_list_agrees_with_ip_and_delete_removes_one)
{
	const char *addrs[] = {"10.1.2.3/24", "10.1.3.3/24", "fd00::3/64"};
	struct nl_ifaddr a = {0}, *v;
	json_object *root, *info;
	unsigned n;

	make_veth("v0", "v1");
	a.ifindex = ifindex("v0");
	for (unsigned i = 0; i < 3; i++) {
		a.addr = P(addrs[i]);
		a.flags = IFA_F_NODAD;
		OK(nl_addr_add_msg(B, &a, "v0"));
	}
	OK(send_b());
	OK(nl_addr_list(&S, AF_UNSPEC, a.ifindex, &v, &n, &E));
	root = th_json("ip -j addr show dev v0");
	info = jget(json_object_array_get_idx(root, 0), "addr_info");
	ck_assert_uint_eq(n, json_object_array_length(info)); /* fe80:: stays off: link down */
	for (unsigned i = 0; i < n; i++) {
		char s[NL_PREFIX_STRLEN];
		json_object *j = json_object_array_get_idx(info, i);

		nl_prefix_str(&v[i].addr, false, s, sizeof(s));
		ck_assert_str_eq(th_jstr(j, "local"), s);
		ck_assert_int_eq(th_jint(j, "prefixlen"), v[i].addr.len);
	}
	json_object_put(root);
	free(v);
	a.addr = P("10.1.3.3/24");
	OK(nl_addr_del_msg(B, &a, "v0"));
	OK(send_b());
	ck_assert(th_sh("ip -j addr show dev v0 | grep -q 10.1.3.3") != 0);
	ck_assert(th_sh("ip -j addr show dev v0 | grep -q 10.1.2.3") == 0);
	OK(nl_addr_list(&S, AF_INET, 0, &v, &n, &E));
	ck_assert_uint_eq(n, 2); /* 127.0.0.1 and 10.1.2.3 */
	free(v);
}
END_TEST

/* ---- routes ---- */

/* v0 up with 10.1.2.3/24, its peer up too so the link has carrier. */
static void routed_veth(void)
{
	struct nl_link_change up = {.mask = NL_LINK_UP};
	struct nl_ifaddr a = {.addr = P("10.1.2.3/24")};

	make_veth("v0", "v1");
	a.ifindex = ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(nl_link_change_msg(B, 0, "v0", &up));
	OK(nl_link_change_msg(B, 0, "v1", &up));
	OK(send_b());
}

static json_object *ip_route(json_object **root, const char *dst)
{
	*root = th_json("ip -d -j route show table main"); /* -d: shows proto boot */
	for (size_t i = 0; i < json_object_array_length(*root); i++) {
		json_object *r = json_object_array_get_idx(*root, i);

		if (!strcmp(th_jstr(r, "dst"), dst))
			return r;
	}
	return NULL;
}

START_TEST(route_is_added_replaced_and_deleted_with_gateway_metric_and_protocol)
{
	struct nl_route r = {.family = AF_INET,
			     .dst = P("10.9.0.0/16"),
			     .gw = P("10.1.2.254"),
			     .metric = 50,
			     .protocol = RTPROT_STATIC};
	json_object *root, *j;

	routed_veth();
	r.oif = ifindex("v0");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	OK(send_b());
	j = ip_route(&root, "10.9.0.0/16");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.254");
	ck_assert_str_eq(th_jstr(j, "dev"), "v0");
	ck_assert_int_eq(th_jint(j, "metric"), 50);
	ck_assert_str_eq(th_jstr(j, "protocol"), "static");
	json_object_put(root);
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	ck_assert_int_eq(send_b(), -EEXIST);
	ck_assert_str_eq(errline(), "route 10.9.0.0/16: add: File exists");

	r.gw = P("10.1.2.253");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_REPLACE));
	OK(send_b());
	j = ip_route(&root, "10.9.0.0/16");
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.253");
	json_object_put(root);
	ck_assert(th_sh("test $(ip -j route | grep -o 10.9.0.0/16 | wc -l) = 1") == 0);

	OK(nl_route_del_msg(B, &r));
	OK(send_b());
	ck_assert_ptr_null(ip_route(&root, "10.9.0.0/16"));
	json_object_put(root);
	OK(nl_route_del_msg(B, &r));
	ck_assert_int_eq(send_b(), -ESRCH);
}
END_TEST

START_TEST(default_and_on_link_routes_get_the_scopes_ip_would_give)
{
	struct nl_route dflt = {.family = AF_INET, .gw = P("10.1.2.254")};
	struct nl_route onlink = {.family = AF_INET, .dst = P("10.7.0.0/16")};
	json_object *root, *j;

	routed_veth();
	onlink.oif = ifindex("v0");
	OK(nl_route_add_msg(B, &dflt, NL_ROUTE_ADD));
	OK(nl_route_add_msg(B, &onlink, NL_ROUTE_ADD));
	OK(send_b());
	j = ip_route(&root, "default");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.254");
	ck_assert_str_eq(th_jstr(j, "protocol"), "boot");
	json_object_put(root);
	j = ip_route(&root, "10.7.0.0/16");
	ck_assert_str_eq(th_jstr(j, "scope"), "link");
	json_object_put(root);
}
END_TEST

START_TEST(route_list_agrees_with_ip_for_the_main_table)
{
	struct nl_route r = {.family = AF_INET,
			     .dst = P("10.9.0.0/16"),
			     .gw = P("10.1.2.254"),
			     .metric = 7,
			     .protocol = RTPROT_STATIC};
	struct nl_route r6 = {.family = AF_INET6, .dst = P("fd09::/64"), .metric = 9};
	json_object *root;
	struct nl_route *v;
	unsigned n;

	routed_veth();
	r6.oif = ifindex("v0");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	OK(nl_route_add_msg(B, &r6, NL_ROUTE_ADD));
	OK(send_b());
	OK(nl_route_list(&S, AF_INET, &v, &n, &E));
	root = th_json("ip -j -4 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	for (unsigned i = 0; i < n; i++) {
		char dst[NL_PREFIX_STRLEN];
		json_object *j;

		ck_assert_uint_eq(v[i].table, RT_TABLE_MAIN);
		nl_prefix_str(&v[i].dst, true, dst, sizeof(dst));
		j = json_object_array_get_idx(root, i);
		ck_assert_str_eq(th_jstr(j, "dst"), v[i].dst.len ? dst : "default");
		if (!strcmp(dst, "10.9.0.0/16")) {
			ck_assert_uint_eq(v[i].metric, 7);
			ck_assert_uint_eq(v[i].protocol, RTPROT_STATIC);
			ck_assert(nl_prefix_equal(&v[i].gw, &r.gw));
		}
	}
	json_object_put(root);
	free(v);
	OK(nl_route_list(&S, AF_INET6, &v, &n, &E));
	root = th_json("ip -j -6 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	json_object_put(root);
	free(v);
	/* Both families at once; the local table's routes stay out. */
	OK(nl_route_list(&S, AF_UNSPEC, &v, &n, &E));
	root = th_json("ip -j route show table all");
	ck_assert_uint_lt(n, json_object_array_length(root));
	json_object_put(root);
	root = th_json("ip -j -4 route show table main");
	n -= (unsigned)json_object_array_length(root);
	json_object_put(root);
	root = th_json("ip -j -6 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	json_object_put(root);
	free(v);
}
END_TEST

/* ---- sysctl ---- */

START_TEST(sysctl_writes_and_reads_ip_forward_of_this_namespace)
{
	char buf[16], *seen;

	OK(nl_sysctl_write("ipv4.ip_forward", "1", &E));
	seen = th_out(NULL, "cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(seen, "1\n");
	free(seen);
	OK(nl_sysctl_read("ipv4/ip_forward", buf, sizeof(buf), &E));
	ck_assert_str_eq(buf, "1");
	OK(nl_sysctl_write("ipv4/ip_forward", "0", &E));
	OK(nl_sysctl_read("ipv4.ip_forward", buf, sizeof(buf), &E));
	ck_assert_str_eq(buf, "0");
	ck_assert_int_eq(nl_sysctl_write("ipv4.no_such_key", "1", &E), -ENOENT);
	ck_assert_str_eq(errline(),
			 "sysctl net.ipv4.no_such_key: write: No such file or directory");
	ck_assert_int_eq(nl_sysctl_write("ipv4.ip_forward", "x", &E), -EINVAL);
	ck_assert_str_eq(errline(), "sysctl net.ipv4.ip_forward: write: Invalid argument");
}
END_TEST

/* ---- ethtool ---- */

/* "on" or "off" for a feature line of ethtool -k (indented or not). */
static char *ethtool_k(const char *dev, const char *name)
{
	return th_out(NULL, "ethtool -k %s | sed -n 's/^[[:space:]]*%s: \\([a-z]*\\).*/\\1/p'", dev,
		      name);
}

static void assert_k(const char *dev, const char *name, const char *want)
{
	char *got = ethtool_k(dev, name);

	ck_assert_msg(!strncmp(got, want, strlen(want)) && got[strlen(want)] == '\n',
		      "ethtool -k %s: %s is \"%s\", want %s", dev, name, got, want);
	free(got);
}

START_TEST(ethtool_features_turn_off_and_on_as_ethtool_k_shows)
{
	const char *names[] = {"tx-generic-segmentation", "rx-gro", "tx-tcp-segmentation"};
	bool off_on_off[] = {false, true, false}, on_off_on[] = {true, false, true};
	struct nl_ethtool et;
	struct nl_features f;

	make_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	OK(nl_ethtool_features_set(&et, "v0", names, off_on_off, 3, &E));
	assert_k("v0", "generic-segmentation-offload", "off");
	assert_k("v0", "generic-receive-offload", "on");
	assert_k("v0", "tx-tcp-segmentation", "off");
	OK(nl_ethtool_features_get(&et, "v0", &f, &E));
	ck_assert(!nl_features_find(&f, "tx-generic-segmentation")->active);
	ck_assert(nl_features_find(&f, "rx-gro")->active);
	ck_assert(!nl_features_find(&f, "tx-tcp-segmentation")->wanted);
	OK(nl_ethtool_features_set(&et, "v0", names, on_off_on, 3, &E));
	assert_k("v0", "generic-segmentation-offload", "on");
	assert_k("v0", "generic-receive-offload", "off");
	assert_k("v0", "tx-tcp-segmentation", "on");
	assert_k("v0", "tx-scatter-gather", "on"); /* not named: untouched */
	nl_ethtool_close(&et);
}
END_TEST

START_TEST(ethtool_features_get_agrees_with_ethtool_k_on_fixed_and_active)
{
	struct nl_ethtool et;
	struct nl_features f;
	const struct nl_feature *lo, *sg;

	make_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	OK(nl_ethtool_features_get(&et, "v0", &f, &E));
	ck_assert_uint_gt(f.n, 40);
	lo = nl_features_find(&f, "loopback");
	sg = nl_features_find(&f, "tx-scatter-gather");
	ck_assert(lo && sg);
	ck_assert(lo->fixed && !lo->active);
	ck_assert(!sg->fixed && sg->active);
	ck_assert(th_sh("ethtool -k v0 | grep -q '^loopback: off \\[fixed\\]'") == 0);
	ck_assert(th_sh("ethtool -k v0 | grep -q '^\\s*tx-scatter-gather: on$'") == 0);
	ck_assert_ptr_null(nl_features_find(&f, "no-such-feature"));
	nl_ethtool_close(&et);
}
END_TEST

START_TEST(ethtool_refuses_unknown_and_fixed_features_and_reports_one_that_did_not_take)
{
	const char *unknown[] = {"rx-gro", "no-such-feature"}, *fixed[] = {"loopback"};
	const char *sg[] = {"tx-scatter-gather"}, *tso[] = {"tx-tcp-segmentation"};
	bool on2[] = {true, true}, on[] = {true}, off[] = {false};
	struct nl_ethtool et;

	make_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", unknown, on2, 2, &E), -EINVAL);
	ck_assert_str_eq(errline(), "link v0: set features: unknown feature no-such-feature");
	assert_k("v0", "generic-receive-offload", "off"); /* nothing was changed */
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", fixed, on, 1, &E), -EOPNOTSUPP);
	ck_assert_str_eq(errline(), "link v0: set features: feature loopback is fixed off");
	/* Without scatter-gather the kernel keeps TSO off whatever is asked. */
	OK(nl_ethtool_features_set(&et, "v0", sg, off, 1, &E));
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", tso, on, 1, &E), -EOPNOTSUPP);
	ck_assert_str_eq(errline(), "link v0: set features: feature tx-tcp-segmentation stays off");
	assert_k("v0", "tx-tcp-segmentation", "off");
	ck_assert_int_eq(nl_ethtool_features_set(&et, "nope0", tso, on, 1, &E), -ENODEV);
	nl_ethtool_close(&et);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, th_netns_setup, th_netns_teardown);
	tcase_add_checked_fixture(t, sock_setup, sock_teardown);
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
	tcase_add_test(t, port_flags_by_name_apply_in_the_batch_that_creates_and_enslaves);
	tcase_add_test(t, port_flags_by_index_go_as_af_bridge_right_after_enslaving);
	tcase_add_test(t, port_flags_change_back_and_only_the_masked_ones_change);
	tcase_add_test(t, tap_is_persistent_with_vnet_hdr_and_owner_until_deleted);
	tcase_add_test(t, tap_multi_queue_opens_two_queues_and_vanishes_with_them);
	tcase_add_test(t, tap_open_failing_on_a_later_queue_closes_the_queues_it_opened);
	tcase_add_test(t, tap_delete_refuses_what_is_not_a_tap);
	tcase_add_test(t, creating_an_existing_bridge_is_eexist_and_says_so);
	tcase_add_test(t, deleting_a_missing_link_is_enodev);
	tcase_add_test(t, mtu_above_the_veth_maximum_returns_the_kernels_extack_text);
	tcase_add_test(t, batch_of_three_with_a_failing_middle_reports_each_result);
	tcase_add_test(t, ipv4_address_is_added_with_broadcast_label_and_lifetimes);
	tcase_add_test(t, ipv6_address_is_added_with_flags_and_lifetimes);
	tcase_add_test(t, address_list_agrees_with_ip_and_delete_removes_one);
	tcase_add_test(t, route_is_added_replaced_and_deleted_with_gateway_metric_and_protocol);
	tcase_add_test(t, default_and_on_link_routes_get_the_scopes_ip_would_give);
	tcase_add_test(t, route_list_agrees_with_ip_for_the_main_table);
	tcase_add_test(t, sysctl_writes_and_reads_ip_forward_of_this_namespace);
	tcase_add_test(t, ethtool_features_turn_off_and_on_as_ethtool_k_shows);
	tcase_add_test(t, ethtool_features_get_agrees_with_ethtool_k_on_fixed_and_active);
	tcase_add_test(
		t, ethtool_refuses_unknown_and_fixed_features_and_reports_one_that_did_not_take);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink", true);
}
