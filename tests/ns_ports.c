/* Namespace tests of the port path on a real host's terms (vnet port
 * add/del, vnet-ifup, vnet-ifdown): an interface that carries the host's
 * addresses or routes is never enslaved nor set down, and ifdown releases a
 * port from whatever vnet bridge it is on, whatever network the
 * environment or `vnet map` names now. What happened is read with ip -j,
 * never taken from vnet's word. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/route.h"
#include "tests/vnettest.h"

static const char *ifup, *ifdown;

/* No outside namespace: the tests give the host its own NICs. */
static void setup(void)
{
	nt_setup_host();
	ifup = getenv("VNET_IFUP");
	ifdown = getenv("VNET_IFDOWN");
	ck_assert_msg(ifup && ifdown, "VNET_IFUP or VNET_IFDOWN is not set");
}

/* A host NIC: veth name up (its peer NAMEp up too), carrying what the
 * shell line then gives it. */
static void nic(const char *name, const char *then)
{
	ck_assert_int_eq(th_sh("ip link add %s type veth peer name %sp && ip link set %sp up && "
			       "ip link set %s up%s%s",
			       name, name, name, name, then[0] ? " && " : "", then),
			 0);
}

static const char *master_of(const char *name)
{
	return th_str("ip -j link show dev %s | jq -j '.[0].master // \"\"'", name);
}

static bool is_up(const char *name)
{
	return !strcmp(
		th_str("ip -j link show dev %s | jq -j '.[0].flags | index(\"UP\") != null'", name),
		"true");
}

/* What a refusal of name says. */
static const char *cut_off(const char *prog, const char *name, const char *what)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "%s: interface %s: %s: enslaving it would cut the host off; use a bridged "
		 "network (vnet create bridged NAME --uplink %s) to put a NIC on a bridge\n",
		 prog, name, what, name);
	return buf;
}

START_TEST(a_nic_with_the_hosts_address_and_default_route_is_refused_and_kept)
{
	const char *why = "holds the host's address 192.0.2.5/24 (and its routes)";

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp --mtu 9000"), 0);
	nic("up0", "ip addr add 192.0.2.5/24 dev up0 && ip route add default via 192.0.2.1");
	nt_refused(4, cut_off("vnet", "up0", why), "port add lan up0");
	nt_sh_refused(4, cut_off("vnet-ifup", "up0", why), "VNET_NETWORK=lan %s up0", ifup);
	/* not on a vnet bridge: ifdown leaves it (up, addressed) as it is */
	nt_sh_refused(0,
		      "vnet-ifdown: interface up0: is not attached to a vnet network: "
		      "left as it is\n",
		      "VNET_NETWORK=lan %s up0", ifdown);
	ck_assert(is_up("up0"));
	ck_assert_str_eq(master_of("up0"), "");
}
END_TEST

START_TEST(a_nic_with_only_a_global_ipv6_address_is_refused)
{
	const char *why = "holds the host's address 2001:db8:5::5/64 (and its routes)";

	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	nic("v6", "ip addr add 2001:db8:5::5/64 dev v6 nodad");
	nt_refused(4, cut_off("vnet", "v6", why), "port add lan v6");
	nt_sh_refused(4, cut_off("vnet-ifup", "v6", why), "VNET_NETWORK=lan %s v6", ifup);
	/* the same, down: its address stays, and so does the refusal */
	ck_assert_int_eq(th_sh("ip link set v6 down && ip addr add 192.0.2.9/24 dev v6"), 0);
	nt_refused(4,
		   cut_off("vnet", "v6", "holds the host's address 192.0.2.9/24 (and its routes)"),
		   "port add lan v6");
}
END_TEST

START_TEST(a_nic_that_only_carries_a_route_is_refused)
{
	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	nic("rt0", "ip route add 198.51.100.0/24 dev rt0");
	nt_refused(4, cut_off("vnet", "rt0", "is the device of the host's route 198.51.100.0/24"),
		   "port add lan rt0");
	nt_sh_refused(
		4, cut_off("vnet-ifup", "rt0", "is the device of the host's route 198.51.100.0/24"),
		"VNET_NETWORK=lan %s rt0", ifup);
	/* another table, IPv6, a gateway */
	nic("rt1", "ip -6 route add default via fe80::1 dev rt1 table 100");
	nt_refused(4,
		   cut_off("vnet", "rt1",
			   "is the device of the host's route default via fe80::1 table 100"),
		   "port add lan rt1");
}
END_TEST

/* A new tap, and an up veth with only its link-local fe80:: address and the
 * kernel's routes for it (fe80::/64, ff00::/8, the local table's), join. */
START_TEST(a_plain_tap_or_veth_is_accepted)
{
	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip tuntap add dev vif0 mode tap"), 0);
	ck_assert_int_eq(nt_run("port add lan vif0"), 0);
	ck_assert_str_eq(master_of("vif0"), "lan");
	nic("pl0", "");
	/* waits for the kernel's link-local address and its route */
	ck_assert_int_eq(th_sh("for i in $(seq 100); do "
			       "ip -6 -j route show fe80::/64 dev pl0 | grep -q fe80 && "
			       "ip -6 -j addr show dev pl0 scope link | grep -q fe80 && exit 0; "
			       "sleep 0.1; done; exit 1"),
			 0);
	ck_assert_int_eq(th_sh("VNET_NETWORK=lan %s pl0", ifup), 0);
	ck_assert_str_eq(master_of("pl0"), "lan");
	ck_assert(is_up("pl0"));
}
END_TEST

/* Counts routes by device: [0] through link idx, [1] any other. */
struct by_dev {
	int idx;
	unsigned n[2];
};

static int count(const struct nlmsghdr *nlh, unsigned i, void *data)
{
	struct by_dev *d = data;
	struct nl_route r;

	(void)i;
	if (nl_route_parse(nlh, &r) == 0)
		d->n[r.oif == d->idx ? 0 : 1]++;
	return 0;
}

/* The kernel filters a link's route dump: a host with many routes costs
 * the read nothing more. */
START_TEST(the_route_dump_of_a_link_reads_only_that_links_routes)
{
	struct nl_batch *b = nl_batch_new();
	struct nl_sock s;
	struct nl_err e;
	struct by_dev d = {0};

	nic("many", "for i in $(seq 200); do echo route add 10.$((i / 250)).$((i % 250)).0/24 "
		    "dev many; done | ip -b -");
	nic("one", "ip route add 198.51.100.0/24 dev one");
	ck_assert_int_eq(nl_sock_open(&s, NETLINK_ROUTE, &e), 0);
	d.idx = (int)if_nametoindex("one");
	ck_assert_int_eq(nl_route_dump_dev_msg(b, AF_UNSPEC, d.idx), 0);
	ck_assert_int_eq(nl_batch_send(&s, b, count, &d, &e), 0);
	ck_assert_uint_eq(d.n[1], 0);
	/* its own, and the kernel's for an up link (fe80::/64, ff00::/8, local) */
	ck_assert_uint_ge(d.n[0], 1);
	ck_assert_uint_le(d.n[0], 8);
	nl_sock_close(&s);
	nl_batch_free(b);
}
END_TEST

/* ifup with VNET_NETWORK=a; ifdown with no network chosen, with another
 * one, and after `vnet map` changed: released and down each time. */
START_TEST(ifdown_releases_from_the_real_bridge_whatever_network_is_chosen)
{
	ck_assert_int_eq(nt_run("create isolated a 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create isolated b 10.1.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip tuntap add dev vif0 mode tap"), 0);
	for (int round = 0; round < 3; round++) {
		const char *env[] = {"", "VNET_NETWORK=b", ""};

		if (round == 2)
			ck_assert_int_eq(nt_run("map a 'vif*'"), 0);
		ck_assert_int_eq(th_sh("%s %s vif0", round == 2 ? "" : "VNET_NETWORK=a", ifup), 0);
		ck_assert_str_eq(master_of("vif0"), "a");
		ck_assert(is_up("vif0"));
		if (round == 2)
			ck_assert_int_eq(nt_run("map b 'vif*'"), 0);
		ck_assert_str_eq(th_str("{ %s %s vif0; } 2>&1; echo $?", env[round], ifdown),
				 "0\n");
		ck_assert_str_eq(master_of("vif0"), "");
		ck_assert(!is_up("vif0"));
	}
	/* `vnet port del` decides by the kernel too, with the network's
	 * cache and definition gone (the record of what runs says the rest) */
	ck_assert_int_eq(th_sh("VNET_NETWORK=a %s vif0", ifup), 0);
	ck_assert_int_eq(
		th_sh("rm -f $VNET_RUN_DIR/a.ifindex && mv $VNET_CONF_DIR/a.conf %s/", th_tmpdir()),
		0);
	ck_assert_int_eq(nt_run("port del vif0"), 0);
	ck_assert_str_eq(master_of("vif0"), "");
}
END_TEST

START_TEST(ifdown_of_a_gone_interface_or_a_foreign_bridges_port_changes_nothing)
{
	char *err;
	int code;

	err = th_err(&code, "%s vif9", ifdown);
	ck_assert_str_eq(err, "vnet-ifdown: link vif9: get: gone already\n");
	ck_assert_int_eq(code, 0);
	free(err);
	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(
		th_sh("ip link add other type bridge && ip tuntap add dev vif1 mode tap && "
		      "ip link set vif1 master other up"),
		0);
	nt_sh_refused(0,
		      "vnet-ifdown: interface vif1: is a port of other, not of a vnet bridge: "
		      "left as it is\n",
		      "VNET_NETWORK=lan %s vif1", ifdown);
	/* a foreign bridge that says it is vnet's, with a name that is no
	 * network's: still not ours */
	ck_assert_int_eq(th_sh("ip link set other alias 'vnet:../x'"), 0);
	nt_sh_refused(0,
		      "vnet-ifdown: interface vif1: is a port of other, not of a vnet bridge: "
		      "left as it is\n",
		      "%s vif1", ifdown);
	nt_refused(3,
		   "vnet: interface vif1: is a port of other, not of a vnet bridge: "
		   "left as it is\n",
		   "port del vif1");
	ck_assert_str_eq(master_of("vif1"), "other");
	ck_assert(is_up("vif1"));
}
END_TEST

/* A bridged network's uplink: never released by ifdown or port del (with
 * or without the bridge cache), and not attached again as a guest's port. */
START_TEST(a_bridged_networks_uplink_is_never_released_nor_added)
{
	const char *msg = "interface up0: is the uplink of bridged network lan0: "
			  "`vnet destroy lan0` gives it back\n";
	char buf[256];

	nic("up0", "ip addr add 198.51.100.1/24 dev up0 && "
		   "ip route add default via 198.51.100.2 dev up0");
	ck_assert_int_eq(nt_run("create bridged lan0 --uplink up0"), 0);
	snprintf(buf, sizeof(buf), "vnet-ifdown: %s", msg);
	nt_sh_refused(4, buf, "%s up0", ifdown);
	ck_assert_int_eq(th_sh("rm -f $VNET_RUN_DIR/lan0.ifindex"), 0);
	nt_sh_refused(4, buf, "VNET_NETWORK=lan0 %s up0", ifdown);
	snprintf(buf, sizeof(buf), "vnet: %s", msg);
	nt_refused(4, buf, "port del up0");
	nt_refused(4,
		   "vnet: interface up0: is the uplink of bridged network lan0: "
		   "it is on the bridge already\n",
		   "port add lan0 up0");
	ck_assert_str_eq(master_of("up0"), "lan0");
	ck_assert(is_up("up0"));
}
END_TEST

/* A host NIC someone put on a vnet bridge by hand: ifdown takes it off the
 * bridge (that gives the host its NIC back) but never sets it down. */
START_TEST(ifdown_releases_a_hand_enslaved_host_nic_but_leaves_it_up)
{
	ck_assert_int_eq(nt_run("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	nic("up0", "ip addr add 192.0.2.5/24 dev up0 && ip link set up0 master lan && "
		   "ip route add default via 192.0.2.1 dev up0");
	ck_assert_int_eq(th_sh("%s up0", ifdown), 0);
	ck_assert_str_eq(master_of("up0"), "");
	ck_assert(is_up("up0"));
	ck_assert_str_eq(th_str("ip -4 -j addr show dev up0 | jq -j '.[0].addr_info[0].local'"),
			 "192.0.2.5");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ns_ports");
	TCase *add = tcase_create("add"), *release = tcase_create("release");

	tcase_add_checked_fixture(add, setup, th_netns_teardown);
	tcase_add_test(add, a_nic_with_the_hosts_address_and_default_route_is_refused_and_kept);
	tcase_add_test(add, a_nic_with_only_a_global_ipv6_address_is_refused);
	tcase_add_test(add, a_nic_that_only_carries_a_route_is_refused);
	tcase_add_test(add, a_plain_tap_or_veth_is_accepted);
	tcase_add_test(add, the_route_dump_of_a_link_reads_only_that_links_routes);
	suite_add_tcase(s, add);
	tcase_add_checked_fixture(release, setup, th_netns_teardown);
	tcase_add_test(release, ifdown_releases_from_the_real_bridge_whatever_network_is_chosen);
	tcase_add_test(release,
		       ifdown_of_a_gone_interface_or_a_foreign_bridges_port_changes_nothing);
	tcase_add_test(release, a_bridged_networks_uplink_is_never_released_nor_added);
	tcase_add_test(release, ifdown_releases_a_hand_enslaved_host_nic_but_leaves_it_up);
	suite_add_tcase(s, release);
	return th_main(s, "ns_ports", true);
}
