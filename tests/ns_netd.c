/* Namespace tests of the engine through the real `vnet` binary. The test's
 * own (private) namespace is the "host"; guests and the outside are
 * namespaces joined to it by veth pairs:
 *
 *   guest g1 (10.0.0.2) ─┐                      outside (192.0.2.2)
 *   guest g2 (10.0.0.3) ─┴─ bridge ── host ── out0 192.0.2.1
 *
 * Every claim is checked with independent observers (ip -j, nft, ping). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

START_TEST(nat_guest_reaches_outside_with_host_source)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	nt_guest("g1", "isbr", NULL, "10.0.0.2/24", "10.0.0.1");
	nt_outside_count();
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_ge(nt_outside_counter(0), 1); /* from the host's address */
	ck_assert_int_eq(nt_outside_counter(1), 0); /* never from the guest's */
	/* and nothing new comes in, even with a route to the guests */
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(!nt_ping_once("outside", "10.0.0.2"));
}
END_TEST

START_TEST(routed_guest_keeps_its_source_both_ways)
{
	ck_assert_int_eq(nt_run("create routed rt0 10.0.0.0/24 --no-dhcp"), 0);
	nt_guest("g1", "rt0", NULL, "10.0.0.2/24", "10.0.0.1");
	nt_outside_count();
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_eq(nt_outside_counter(0), 0);
	ck_assert_int_ge(nt_outside_counter(1), 1);
	ck_assert(nt_ping("outside", "10.0.0.2"));
}
END_TEST

START_TEST(isolated_forwards_nothing_while_ip_forward_is_on)
{
	ck_assert_int_eq(nt_run("create nat other 10.9.0.0/24 --no-dhcp"), 0);
	ck_assert_str_eq(th_str("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	ck_assert_int_eq(nt_run("create isolated iso 10.0.0.0/24 --no-dhcp"), 0);
	nt_guest("g1", "iso", NULL, "10.0.0.2/24", "10.0.0.1");
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(nt_ping("g1", "10.0.0.1"));		 /* the host */
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));	 /* not out */
	ck_assert(!nt_ping_once("outside", "10.0.0.2")); /* not in */
}
END_TEST

static const char *const models[] = {"isolated", "routed", "nat"};

START_TEST(two_guests_of_one_network_reach_each_other)
{
	ck_assert_int_eq(nt_run("create %s lan 10.0.0.0/24 --no-dhcp", models[_i]), 0);
	nt_guest("g1", "lan", NULL, "10.0.0.2/24", "10.0.0.1");
	nt_guest("g2", "lan", NULL, "10.0.0.3/24", "10.0.0.1");
	ck_assert_str_eq(th_str("cat /proc/sys/net/bridge/bridge-nf-call-iptables"), "1\n");
	ck_assert(nt_ping("g1", "10.0.0.3"));
	ck_assert(nt_ping("g2", "10.0.0.2"));
}
END_TEST

START_TEST(isolated_ports_keep_guests_apart_but_reach_gateway)
{
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --no-dhcp --isolate-ports"), 0);
	nt_guest("g1", "lan", NULL, "10.0.0.2/24", "10.0.0.1");
	nt_guest("g2", "lan", NULL, "10.0.0.3/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "10.0.0.1"));
	ck_assert(nt_ping("g2", "10.0.0.1"));
	ck_assert(!nt_ping_once("g1", "10.0.0.3"));
	ck_assert(nt_ping("g2", "192.0.2.2"));
}
END_TEST

/* The host's uplink "up0" to a LAN namespace (198.51.100.0/24, with a
 * default route through it and an IPv6 address). */
static void lan(void)
{
	ck_assert_int_eq(
		th_sh("ip netns add lan && ip link add up0 type veth peer name eth0 netns lan && "
		      "ip -n lan addr add 198.51.100.2/24 dev eth0 && "
		      "ip -n lan addr add 2001:db8::2/64 dev eth0 nodad && "
		      "ip -n lan link set eth0 up && ip link set up0 up && "
		      "ip addr add 198.51.100.1/24 dev up0 && "
		      "ip addr add 2001:db8::1/64 dev up0 nodad && "
		      "ip route add default via 198.51.100.2 dev up0 metric 50 && "
		      "ip -n lan addr add 203.0.113.9/32 dev lo && ip -n lan link set lo up"),
		0);
}

static const char *addr_on(const char *dev, const char *family)
{
	static char buf[256];
	const char *s = th_str("ip -%s -j addr show dev %s scope global | "
			       "jq -r '.[0].addr_info[0].local // empty'",
			       family, dev);

	snprintf(buf, sizeof(buf), "%s", s);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

START_TEST(bridged_moves_addresses_and_keeps_connectivity)
{
	const char *mac_before, *mac_br;

	lan();
	mac_before = th_str("ip -j link show up0 | jq -r '.[0].address'");
	ck_assert(nt_ping(NULL, "203.0.113.9")); /* through the default route */
	ck_assert_int_eq(nt_run("create bridged lan0 --uplink up0"), 0);
	ck_assert_str_eq(addr_on("lan0", "4"), "198.51.100.1");
	ck_assert_str_eq(addr_on("lan0", "6"), "2001:db8::1");
	ck_assert_str_eq(addr_on("up0", "4"), "");
	mac_br = th_str("ip -j link show lan0 | jq -r '.[0].address'");
	ck_assert_str_eq(mac_br, mac_before);
	ck_assert_str_eq(th_str("ip -j route show default | jq -r '.[0].dev'"), "lan0\n");
	ck_assert_str_eq(th_str("ip -j link show up0 | jq -r '.[0].master'"), "lan0\n");
	ck_assert(nt_ping(NULL, "203.0.113.9"));
	ck_assert(nt_ping(NULL, "2001:db8::2"));
	ck_assert_int_eq(nt_run("destroy lan0"), 0);
	ck_assert_str_eq(addr_on("up0", "4"), "198.51.100.1");
	ck_assert_str_eq(addr_on("up0", "6"), "2001:db8::1");
	ck_assert_str_eq(th_str("ip -j route show default | jq -r '.[0].dev, .[0].metric'"),
			 "up0\n50\n");
	ck_assert_int_ne(th_sh("ip link show lan0 >/dev/null 2>&1"), 0);
	ck_assert(nt_ping(NULL, "203.0.113.9"));
}
END_TEST

START_TEST(same_create_again_changes_nothing_and_other_is_conflict)
{
	char *before, *after;

	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	before = nt_snapshot();
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --gateway 10.0.0.1"), 0);
	after = nt_snapshot();
	nt_same_host(before, after);
	free(after);
	free(before);
	nt_refused(4, "vnet: network isbr: exists with subnet 10.0.0.0/24, not 10.1.0.0/24\n",
		   "create nat isbr 10.1.0.0/24");
	nt_refused(4, "vnet: network isbr: exists with model nat, not routed\n",
		   "create routed isbr 10.0.0.0/24");
}
END_TEST

static const struct {
	const char *setup; /* shell, run first */
	const char *args;
	int code;
	const char *msg;
} refused[] = {
	{"", "create nat a 10.0.0.1/24", 2,
	 "vnet: 10.0.0.1/24: has host bits set: did you mean 10.0.0.0/24 --gateway 10.0.0.1?\n"},
	{"ip link add name fb type bridge", "create nat fb 10.0.0.0/24", 4,
	 "vnet: bridge fb: an interface of that name exists and is not vnet's\n"},
	{"ip link add name xx type bridge", "create nat a 10.0.0.0/24 --bridge xx", 4,
	 "vnet: bridge xx: an interface of that name exists and is not vnet's\n"},
	{"ip addr add 10.0.5.1/16 dev out0", "create nat a 10.0.0.0/24", 4,
	 "vnet: subnet 10.0.0.0/24: overlaps address 10.0.5.1/16 on out0\n"},
	{"ip route add 10.7.0.0/16 via 192.0.2.2", "create routed a 10.7.1.0/24", 4,
	 "vnet: subnet 10.7.1.0/24: overlaps route 10.7.0.0/16 dev out0\n"},
	/* inside the subnet: an address, a route, an IPv6 address (the dumps
	 * read the subnets' families) */
	{"ip addr add 10.6.0.9/32 dev out0", "create nat a 10.6.0.0/24", 4,
	 "vnet: subnet 10.6.0.0/24: overlaps address 10.6.0.9/32 on out0\n"},
	{"ip route add 10.5.3.0/25 via 192.0.2.2", "create routed a 10.5.0.0/16", 4,
	 "vnet: subnet 10.5.0.0/16: overlaps route 10.5.3.0/25 dev out0\n"},
	{"ip -6 addr add fd09::5/64 dev out0 nodad", "create routed a fd09::/64 --no-dhcp", 4,
	 "vnet: subnet fd09::/64: overlaps address fd09::5/64 on out0\n"},
	{"$VNET create nat one 10.0.0.0/16 --no-dhcp", "create isolated two 10.0.3.0/24", 4,
	 "vnet: subnet 10.0.3.0/24: overlaps subnet 10.0.0.0/16 of network one\n"},
	{"$VNET create nat one 10.0.0.0/16 --no-dhcp",
	 "create isolated two 10.9.0.0/24 --bridge one", 4,
	 "vnet: bridge one: is used by network one\n"},
	{"", "create nat a 10.0.0.0/33", 2,
	 "vnet: subnet 10.0.0.0/33: prefix length must be 0..32\n"},
	{"", "create nat a 300.1.2.0/24", 2,
	 "vnet: subnet 300.1.2.0/24: not an IPv4 or IPv6 address\n"},
	{"", "create nat a ''", 2, "vnet: nat network a: needs a SUBNET, as in 10.0.0.0/24\n"},
	{"", "create nat a", 2, "vnet: nat network a: needs a SUBNET, as in 10.0.0.0/24\n"},
	{"", "create nat abcdefghijklmnop 10.0.0.0/24", 2,
	 "vnet: network name \"abcdefghijklmnop\": must be 1..15 characters\n"},
	{"", "create nat 'a b' 10.0.0.0/24", 2,
	 "vnet: network name \"a b\": may hold only letters, digits, '_', '.' and '-'\n"},
	{"", "create mesh a 10.0.0.0/24", 2,
	 "vnet: model \"mesh\": must be isolated, routed, nat or bridged\n"},
	{"", "create nat a 10.0.0.0/24 --gateway 10.1.0.1", 2,
	 "vnet: gateway 10.1.0.1: outside the subnet 10.0.0.0/24\n"},
	{"", "create bridged a", 2, "vnet: bridged network: needs --uplink IFACE\n"},
	{"", "create bridged a --uplink nosuch0", 2, "vnet: uplink nosuch0: no such interface\n"},
	{"", "create nat a 10.0.0.0/24 --colour red", 2,
	 "vnet create: unknown option --colour\nusage: vnet create isolated|routed|nat NAME ..."},
	{"", "create nat a 10.0.0.0/24 --mtu 20", 2, "vnet: MTU 20: must be 68..65535\n"},
	{"", "destroy nosuch", 3, "vnet: network nosuch: no such network\n"},
	{"", "up nosuch", 3, "vnet: network nosuch: no such network\n"},
	{"", "frobnicate", 2, "vnet: unknown command frobnicate (see vnet --help)\n"},
};

START_TEST(bad_input_is_refused_naming_the_value_and_changes_nothing)
{
	if (refused[_i].setup[0])
		ck_assert_int_eq(th_sh("%s", refused[_i].setup), 0);
	nt_refused(refused[_i].code, refused[_i].msg, "%s", refused[_i].args);
}
END_TEST

static const char *const steps[] = {"bridge", "configure", "forwarding", "rules", "services"};

START_TEST(failed_create_rolls_back_every_step)
{
	char *before, *after, *err;
	int code;

	before = nt_snapshot();
	setenv("VNET_FAIL_STEP", steps[_i], 1);
	err = nt_err(&code, "create nat isbr 10.0.0.0/24");
	unsetenv("VNET_FAIL_STEP");
	ck_assert_int_eq(code, 1);
	ck_assert_msg(strstr(err, "failure injected"), "%s", err);
	after = nt_snapshot();
	nt_same_host(before, after);
	ck_assert_str_eq(th_str("pgrep -c -f '[d]nsmasq --conf-file=%s/'", th_tmpdir()), "0\n");
	/* and the same create then works */
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	free(err);
	free(after);
	free(before);
}
END_TEST

static const char *const bridged_steps[] = {"bridge", "configure", "uplink", "uplink-half",
					    "uplink-moved"};

START_TEST(failed_bridged_create_gives_the_uplink_back)
{
	char *before, *after, *err;
	int code;

	lan();
	before = nt_snapshot();
	setenv("VNET_FAIL_STEP", bridged_steps[_i], 1);
	err = nt_err(&code, "create bridged lan0 --uplink up0");
	unsetenv("VNET_FAIL_STEP");
	ck_assert_int_eq(code, 1);
	ck_assert_msg(strstr(err, "failure injected"), "%s", err);
	after = nt_snapshot();
	nt_same_host(before, after);
	ck_assert(nt_ping(NULL, "203.0.113.9"));
	free(err);
	free(after);
	free(before);
}
END_TEST

START_TEST(up_restores_a_network_after_down_and_drift)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	nt_guest("g1", "isbr", NULL, "10.0.0.2/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_eq(nt_run("down isbr"), 0);
	ck_assert_int_ne(th_sh("ip link show isbr >/dev/null 2>&1"), 0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_int_eq(nt_run("port add isbr g1-h"), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	/* drift: the bridge deleted behind vnet's back */
	ck_assert_int_eq(th_sh("ip link del isbr"), 0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	/* honest: it should run, and does not */
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r '.state, .problems[0].object'", nt_vnet),
			 "degraded\nbridge isbr\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_int_eq(nt_run("port add isbr g1-h"), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	/* drift: the table deleted behind vnet's back (masquerade gone) */
	ck_assert_int_eq(th_sh("nft delete table inet vnet"), 0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r '.state, .problems[0].object'", nt_vnet),
			 "degraded\ntable inet vnet\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
}
END_TEST

START_TEST(up_all_brings_back_every_network_in_a_fresh_namespace)
{
	ck_assert_int_eq(nt_run("create nat one 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create isolated two 10.1.0.0/24 --no-dhcp"), 0);
	/* a reboot: a new namespace knows nothing, the definitions remain */
	ck_assert_int_eq(th_sh("ip netns add fresh && ip netns exec fresh %s up --all", nt_vnet),
			 0);
	ck_assert_str_eq(th_str("ip -n fresh -j addr show one | jq -r '.[0].addr_info[0].local'"),
			 "10.0.0.1\n");
	ck_assert_str_eq(th_str("ip -n fresh -j addr show two | jq -r '.[0].addr_info[0].local'"),
			 "10.1.0.1\n");
	ck_assert_str_eq(th_str("ip netns exec fresh cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	ck_assert_int_eq(th_sh("ip netns exec fresh nft list chain inet vnet one-out >/dev/null"),
			 0);
	ck_assert_str_eq(th_str("ip netns exec fresh %s list -j | jq -r '.[].state'", nt_vnet),
			 "up\nup\n");
}
END_TEST

START_TEST(destroy_releases_and_names_attached_ports)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run("create routed rt0 10.0.0.0/24 --no-dhcp"), 0);
	nt_guest("g1", "rt0", NULL, "10.0.0.2/24", "10.0.0.1");
	nt_guest("g2", "rt0", NULL, "10.0.0.3/24", "10.0.0.1");
	err = nt_err(&code, "destroy rt0");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err,
			 "vnet: network rt0: released ports g1-h, g2-h (they stay, detached)\n");
	ck_assert_int_eq(th_sh("ip link show g1-h >/dev/null"), 0);
	ck_assert_str_eq(th_str("ip -j link show g1-h | jq -r '.[0].master // \"none\"'"),
			 "none\n");
	ck_assert_int_ne(th_sh("ip link show rt0 >/dev/null 2>&1"), 0);
	ck_assert_str_eq(th_str("nft -j list table inet vnet | jq -r '[.nftables[].chain.name // "
				"empty | select(startswith(\"rt0\"))] | length'"),
			 "0\n");
	ck_assert_int_ne(th_sh("test -e $VNET_CONF_DIR/rt0.conf"), 0);
	free(err);
	err = nt_err(&code, "destroy rt0");
	ck_assert_int_eq(code, 3);
	free(err);
}
END_TEST

START_TEST(list_names_a_corrupt_file_and_lists_the_rest)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat one 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("echo 'not = ini' > $VNET_CONF_DIR/bad.conf"), 0);
	ck_assert_str_eq(th_str("%s list -j 2>/dev/null | jq -r '.[].name'", nt_vnet), "one\n");
	err = nt_err(&code, "list");
	ck_assert_int_eq(code, 0);
	ck_assert_msg(strstr(err, "bad.conf:1"), "%s", err);
	free(err);
}
END_TEST

START_TEST(show_json_has_the_contract_fields)
{
	json_object *o;

	ck_assert_int_eq(
		nt_run("create nat isbr 10.0.0.0/24 --dhcp 10.0.0.100-10.0.0.150 --mtu 1400"), 0);
	nt_guest("g1", "isbr", NULL, "10.0.0.2/24", "10.0.0.1");
	o = th_json("%s show isbr -j", nt_vnet);
	ck_assert_str_eq(th_jstr(o, "name"), "isbr");
	ck_assert_str_eq(th_jstr(o, "model"), "nat");
	ck_assert_str_eq(th_jstr(o, "bridge"), "isbr");
	ck_assert_str_eq(th_jstr(o, "gateway"), "10.0.0.1");
	ck_assert_int_eq(th_jint(o, "mtu"), 1400);
	ck_assert_str_eq(th_jstr(o, "state"), "up");
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(o, "subnets")),
			 "[ \"10.0.0.0\\/24\" ]");
	ck_assert_str_eq(th_jstr(json_object_object_get(o, "dhcp"), "start"), "10.0.0.100");
	ck_assert_ptr_null(json_object_object_get(o, "uplink"));
	ck_assert_str_eq(json_object_get_string(
				 json_object_array_get_idx(json_object_object_get(o, "ports"), 0)),
			 "g1-h");
	json_object_put(o);
	ck_assert_int_eq(nt_run("forward add isbr tcp 8080 10.0.0.2:80"), 0);
	o = th_json("%s show isbr -j", nt_vnet);
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(o, "forwards")),
			 "[ { \"proto\": \"tcp\", \"port\": 8080, \"guest\": \"10.0.0.2\", "
			 "\"guest_port\": 80, \"address\": null } ]");
	/* the bridge kept its MTU and gave it to the port */
	ck_assert_str_eq(th_str("ip -j link show g1-h | jq .[0].mtu"), "1400\n");
	json_object_put(o);
}
END_TEST

START_TEST(bridge_mac_is_stable_and_mtu_pinned_when_ports_join)
{
	const char *mac1, *mac2;

	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	mac1 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_int_eq(th_sh("ip link add small mtu 1300 type veth peer name small-p && "
			       "ip link set small master isbr"),
			 0);
	ck_assert_str_eq(th_str("ip -j link show isbr | jq .[0].mtu"), "1500\n");
	mac2 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_str_eq(mac1, mac2);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	mac2 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_str_eq(mac1, mac2);
}
END_TEST

/* A route the kernel took only with its flags (onlink) moves with them,
 * and a bridged network the uplink was taken out of comes back, by `up`,
 * without forgetting what it had moved. */
START_TEST(bridged_keeps_route_flags_and_survives_its_uplink_taken_out)
{
	lan();
	ck_assert_int_eq(th_sh("ip route add 10.77.0.0/16 via 172.16.0.1 dev up0 onlink"), 0);
	ck_assert_int_eq(nt_run("create bridged lan0 --uplink up0"), 0);
	ck_assert_str_eq(th_str("ip -j route show 10.77.0.0/16 | jq -r '.[0].dev, .[0].flags[0]'"),
			 "lan0\nonlink\n");
	ck_assert_int_eq(th_sh("ip link set up0 nomaster"), 0);
	ck_assert_str_eq(th_str("%s show lan0 -j | jq -r .state", nt_vnet), "degraded\n");
	ck_assert_int_eq(nt_run("up lan0"), 0);
	ck_assert_str_eq(th_str("ip -j link show up0 | jq -r '.[0].master'"), "lan0\n");
	ck_assert(nt_ping(NULL, "203.0.113.9"));
	ck_assert_int_eq(nt_run("destroy lan0"), 0);
	ck_assert_str_eq(th_str("ip -4 -j addr show dev up0 | jq -r '.[0].addr_info[0].local'"),
			 "198.51.100.1\n");
	ck_assert_str_eq(th_str("ip -j route show default | jq -r '.[0].dev'"), "up0\n");
	ck_assert_str_eq(th_str("ip -j route show 10.77.0.0/16 | jq -r '.[0].dev, .[0].flags[0]'"),
			 "up0\nonlink\n");
	ck_assert(nt_ping(NULL, "203.0.113.9"));
}
END_TEST

START_TEST(same_create_again_keeps_hosts_and_forwards)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_int_eq(nt_run("host add isbr 52:54:00:12:34:57 10.0.0.57 web"), 0);
	ck_assert_int_eq(nt_run("forward add isbr tcp 8080 10.0.0.57:80"), 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_str_eq(th_str("nft list map inet vnet fwd_any | grep -c 8080"), "1\n");
	ck_assert_str_eq(th_str("cat $VNET_RUN_DIR/dnsmasq/isbr.hosts"),
			 "52:54:00:12:34:57,10.0.0.57,web\n");
}
END_TEST

/* What cannot be a port is refused and left as it was: a loopback, a
 * bridge, a port of another master, a bridged network's uplink. */
START_TEST(port_commands_refuse_what_is_not_a_guests_and_change_nothing)
{
	lan();
	ck_assert_int_eq(nt_run("create bridged lan0 --uplink up0"), 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp --mtu 9000"), 0);
	ck_assert_int_eq(nt_run("create isolated iso 10.1.0.0/24 --no-dhcp"), 0);
	nt_refused(2, "vnet: interface lo: is a loopback: it cannot be a port\n",
		   "port add iso lo");
	nt_refused(2, "vnet: interface isbr: is a bridge: it cannot be a port\n",
		   "port add iso isbr");
	nt_refused(4,
		   "vnet: interface up0: is a port of another master: "
		   "vnet takes no interface from it\n",
		   "port add iso up0");
	nt_refused(4,
		   "vnet: interface up0: is the uplink of bridged network lan0: "
		   "`vnet destroy lan0` gives it back\n",
		   "port del up0");
}
END_TEST

/* Nothing of a network is left in the run folder once it is gone, even
 * when its bridge went first, or its name went to a link not vnet's. */
START_TEST(destroy_and_failed_create_leave_no_runtime_file)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run("create nat one 10.0.0.0/24"), 0);
	ck_assert_int_eq(th_sh("ip link del one"), 0);
	ck_assert_int_eq(nt_run("destroy one"), 0);
	ck_assert_int_eq(nt_run("create nat two 10.0.0.0/24"), 0);
	ck_assert_int_eq(th_sh("ip link del two && ip link add two type bridge"), 0);
	ck_assert_int_eq(nt_run("destroy two"), 0);
	ck_assert_int_eq(th_sh("ip link show two >/dev/null"), 0); /* not ours: left */
	ck_assert_int_ne(th_sh("test -e $VNET_CONF_DIR/two.conf"), 0);
	err = nt_err(&code, "create nat three 10.3.0.0/24");
	ck_assert_int_eq(code, 0);
	free(err);
	ck_assert_int_eq(nt_run("destroy three"), 0);
	setenv("VNET_DNSMASQ", "/bin/false", 1);
	err = nt_err(&code, "create nat four 10.4.0.0/24");
	unsetenv("VNET_DNSMASQ");
	ck_assert_int_eq(code, 1);
	free(err);
	ck_assert_str_eq(th_str("ls -A $VNET_RUN_DIR | grep -v -e '^lock$' -e '^index$'; ls -A "
				"$VNET_RUN_DIR/dnsmasq"),
			 "dnsmasq\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_netd");
	TCase *t = tcase_create("models");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, nat_guest_reaches_outside_with_host_source);
	tcase_add_test(t, routed_guest_keeps_its_source_both_ways);
	tcase_add_test(t, isolated_forwards_nothing_while_ip_forward_is_on);
	tcase_add_loop_test(t, two_guests_of_one_network_reach_each_other, 0, 3);
	tcase_add_test(t, isolated_ports_keep_guests_apart_but_reach_gateway);
	tcase_add_test(t, bridged_moves_addresses_and_keeps_connectivity);
	suite_add_tcase(s, t);

	t = tcase_create("lifecycle");
	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, same_create_again_changes_nothing_and_other_is_conflict);
	tcase_add_loop_test(t, bad_input_is_refused_naming_the_value_and_changes_nothing, 0,
			    sizeof(refused) / sizeof(refused[0]));
	tcase_add_loop_test(t, failed_create_rolls_back_every_step, 0,
			    sizeof(steps) / sizeof(steps[0]));
	tcase_add_loop_test(t, failed_bridged_create_gives_the_uplink_back, 0,
			    sizeof(bridged_steps) / sizeof(bridged_steps[0]));
	tcase_add_test(t, up_restores_a_network_after_down_and_drift);
	tcase_add_test(t, up_all_brings_back_every_network_in_a_fresh_namespace);
	tcase_add_test(t, destroy_releases_and_names_attached_ports);
	tcase_add_test(t, list_names_a_corrupt_file_and_lists_the_rest);
	tcase_add_test(t, show_json_has_the_contract_fields);
	tcase_add_test(t, bridge_mac_is_stable_and_mtu_pinned_when_ports_join);
	tcase_add_test(t, bridged_keeps_route_flags_and_survives_its_uplink_taken_out);
	tcase_add_test(t, same_create_again_keeps_hosts_and_forwards);
	tcase_add_test(t, port_commands_refuse_what_is_not_a_guests_and_change_nothing);
	tcase_add_test(t, destroy_and_failed_create_leave_no_runtime_file);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_netd", true);
}
