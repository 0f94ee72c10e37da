/* Namespace tests of honest status: each drift of an object vnet owns
 * (made behind vnet's back with ip, nft, sysctl, kill) makes `vnet show`
 * and `vnet list` say degraded, naming that object in `problems`, while
 * guests' NAT traffic is broken; `vnet up` repairs it and traffic flows.
 * That covers the bridge's own forwarding, the policy, hook and priority
 * of vnet's base chains, and a base chain in vnet's table that is not
 * vnet's (up deletes it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

static const struct {
	const char *drift;  /* shell, behind vnet's back */
	const char *object; /* the problem it makes */
	bool breaks_nat;    /* guests' NAT traffic stops */
} drifts[] = {
	{"nft flush ruleset", "table inet vnet", true},
	{"nft delete table inet vnet", "table inet vnet", true},
	{"nft delete element inet vnet nat_v4 '{ 10.0.0.0/24 }'", "map nat_v4 element 10.0.0.0/24",
	 true},
	{"nft flush chain inet vnet isbr-nat", "chain isbr-nat", true},
	{"nft flush chain inet vnet isbr-out", "chain isbr-out", false},
	{"nft delete element inet vnet from_bridge '{ \"isbr\" }'",
	 "map from_bridge element \"isbr\"", false},
	{"nft delete element inet vnet fwd_any '{ tcp . 8080 }'", "map fwd_any element tcp . 8080",
	 false},
	{"sysctl -qw net.ipv4.ip_forward=0", "sysctl net.ipv4.ip_forward", true},
	/* the kernel forwards what the bridge receives only when the
	 * bridge's own forwarding says so too */
	{"sysctl -qw net.ipv4.conf.isbr.forwarding=0", "sysctl net.ipv4.conf.isbr.forwarding",
	 true},
	/* vnet's base chains: their policy, their hook */
	{"nft chain inet vnet forward '{ policy drop; }'", "chain forward", true},
	{"nft delete chain inet vnet checksum && nft add chain inet vnet checksum "
	 "'{ type filter hook input priority 0; }'",
	 "chain checksum", false},
	/* a base chain in vnet's table that is not vnet's */
	{"nft add chain inet vnet evil '{ type filter hook forward priority -5; policy drop; }'",
	 "chain evil", true},
	{"ip link set isbr mtu 1400", "MTU of bridge isbr", false},
	{"ip link set isbr down", "bridge isbr", true},
	{"ip addr flush dev isbr", "gateway address of bridge isbr", true},
	{"ip link del isbr", "bridge isbr", true},
	{"kill -9 $($VNET show isbr -j | jq .dnsmasq_pid)", "dnsmasq of network isbr", false},
	/* the network's own key with another verdict (the table is vnet's) */
	{"nft delete element inet vnet to_bridge '{ \"isbr\" }' && "
	 "nft add element inet vnet to_bridge '{ \"isbr\" : accept }'",
	 "map to_bridge element \"isbr\"", false},
	{"nft delete element inet vnet nat_v4 '{ 10.0.0.0/24 }' && "
	 "nft add element inet vnet nat_v4 '{ 10.0.0.0/24 : drop }'",
	 "map nat_v4 element 10.0.0.0/24", true},
};

/* vnet list (one read of the host for every network) says of network
 * name, the i-th it lists, what vnet show (its own reads) says. */
static void list_says_what_show_says(const char *name, unsigned i)
{
	char *list = th_out(NULL, "$VNET list -j | jq -c '.[%u]'", i);
	char *show = th_out(NULL, "$VNET show %s -j | jq -c .", name);

	ck_assert_str_eq(list, show);
	free(list);
	free(show);
}

START_TEST(each_drift_is_named_and_up_repairs_it)
{
	char *out;

	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_int_eq(nt_run("forward add isbr tcp 8080 10.0.0.2:80"), 0);
	nt_guest("g1", "isbr", NULL, "10.0.0.2/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	ck_assert_int_eq(th_sh("%s", drifts[_i].drift), 0);
	if (drifts[_i].breaks_nat)
		ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	out = th_out(NULL, "$VNET show isbr -j | jq -r '.state, .problems[].object'");
	ck_assert_msg(!strncmp(out, "degraded\n", 9), "%s", out);
	ck_assert_msg(strstr(out, drifts[_i].object), "%s: no \"%s\" in\n%s", drifts[_i].drift,
		      drifts[_i].object, out);
	free(out);
	ck_assert_str_eq(th_str("$VNET list -j | jq -r '.[0].state'"), "degraded\n");
	list_says_what_show_says("isbr", 0);
	ck_assert_int_eq(th_sh("$VNET show isbr | grep -q '^  problem  %s'", drifts[_i].object), 0);
	/* show works and says so: exit 0 */
	ck_assert_int_eq(nt_run("show isbr >/dev/null"), 0);
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_int_eq(
		th_sh("ip link show g1-h | grep -q 'master isbr' || $VNET port add isbr g1-h"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	ck_assert(nt_ping("g1", "192.0.2.2"));
}
END_TEST

/* The network's own key in a dispatch map with another verdict than its
 * jump: status says what is there, up replaces it, destroy takes it (it
 * said "absent", up failed with "File exists", destroy left it and every
 * later create failed). */
START_TEST(its_key_with_another_verdict_is_named_replaced_and_taken)
{
	static const char swap[] = "nft delete element inet vnet to_bridge '{ \"isbr\" }' && "
				   "nft add element inet vnet to_bridge '{ \"isbr\" : accept }'";

	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("%s", swap), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -r '.problems[] | .want + \" / \" + "
				".have'"),
			 "jump isbr-in / accept\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -r .state"), "up\n");
	ck_assert_int_eq(th_sh("%s", swap), 0);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_int_ne(th_sh("nft list map inet vnet to_bridge | grep -q isbr"), 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -r .state"), "up\n");
}
END_TEST

/* Drifts of several networks at once, among them an interval of another
 * network holding a subnet whose own element went and a stray forward:
 * list, which reads the host once for all, says of each what show says. */
START_TEST(list_says_of_each_network_what_show_says)
{
	static const char *const names[] = {"a", "b", "c", "d"};

	ck_assert_int_eq(nt_run("create nat a 10.0.1.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create nat b 10.0.2.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create nat c 10.0.3.128/25 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create routed d 10.0.4.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("forward add b tcp 8080 10.0.2.5:80"), 0);
	ck_assert_int_eq(nt_run("forward add c tcp 8081 10.0.3.135:80"), 0);
	nt_guest("g1", "d", NULL, "10.0.4.2/24", "10.0.4.1");
	ck_assert_int_eq(th_sh("nft flush chain inet vnet a-in"), 0);
	ck_assert_int_eq(th_sh("nft delete element inet vnet fwd_any '{ tcp . 8080 }'"), 0);
	ck_assert_int_eq(
		th_sh("nft add element inet vnet fwd_any '{ tcp . 9090 : 10.0.2.9 . 90 }'"), 0);
	ck_assert_int_eq(th_sh("nft delete element inet vnet nat_v4 '{ 10.0.3.128/25 }'"), 0);
	ck_assert_int_eq(th_sh("nft add element inet vnet nat_v4 '{ 10.0.3.0/24 : jump a-nat }'"),
			 0);
	ck_assert_int_eq(th_sh("nft delete element inet vnet to_bridge '{ \"d\" }' && "
			       "nft add element inet vnet to_bridge '{ \"d\" : jump a-in }'"),
			 0);
	ck_assert_int_eq(th_sh("ip addr flush dev d"), 0);
	for (unsigned i = 0; i < 4; i++)
		list_says_what_show_says(names[i], i);
	ck_assert_str_eq(th_str("$VNET list -j | jq -r '[.[].state] | join(\" \")'"),
			 "degraded degraded degraded degraded\n");
}
END_TEST

/* What up repairs of vnet's table is as nft lists it: the forward chain's
 * policy accept, no chain that is not vnet's. */
START_TEST(up_puts_back_the_base_chains_and_takes_out_a_foreign_one)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp 2>/dev/null"), 0);
	ck_assert_int_eq(
		th_sh("nft chain inet vnet forward '{ policy drop; }' && "
		      "nft add chain inet vnet evil "
		      "'{ type filter hook forward priority -5; policy drop; }' && "
		      "nft add chain inet vnet evil2 '{ type nat hook postrouting priority 0; }'"),
		0);
	ck_assert_str_eq(
		th_str("$VNET show isbr -j | jq -r '.problems[] | .object + \": \" + .have'"),
		"chain forward: policy drop\n"
		"chain evil: filter hook forward priority -5, policy drop\n"
		"chain evil2: nat hook postrouting priority 0, policy accept\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_str_eq(th_str("nft list table inet vnet | grep -E '^\tchain |policy' | "
				"grep -vE '^\tchain isbr-'"),
			 "\tchain forward {\n"
			 "\t\ttype filter hook forward priority filter; policy accept;\n"
			 "\tchain postrouting {\n"
			 "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			 "\tchain prerouting {\n"
			 "\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
			 "\tchain output {\n"
			 "\t\ttype nat hook output priority -100; policy accept;\n"
			 "\tchain checksum {\n"
			 "\t\ttype filter hook output priority filter; policy accept;\n");
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
}
END_TEST

/* A host whose new interfaces do not forward (default.forwarding=0, the
 * host's own forwarding on): create turns the bridge's on, and its guests
 * get out. */
START_TEST(create_turns_on_the_bridge_s_own_forwarding)
{
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv4.ip_forward=1 && "
			       "sysctl -qw net.ipv4.conf.default.forwarding=0"),
			 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp 2>/dev/null"), 0);
	ck_assert_str_eq(th_str("sysctl -n net.ipv4.conf.isbr.forwarding"), "1\n");
	nt_guest("g1", "isbr", NULL, "10.0.0.2/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	/* the rollback of a repair turns off only what it turned on */
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv4.conf.isbr.forwarding=0"), 0);
	ck_assert_int_ne(th_sh("VNET_FAIL_STEP=services $VNET up isbr 2>/dev/null"), 0);
	ck_assert_str_eq(th_str("sysctl -n net.ipv4.conf.isbr.forwarding net.ipv4.ip_forward"),
			 "0\n1\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_str_eq(th_str("sysctl -n net.ipv4.conf.isbr.forwarding net.ipv4.ip_forward"),
			 "1\n1\n");
	ck_assert(nt_ping("g1", "192.0.2.2"));
}
END_TEST

/* IPv6: the bridge's own forwarding too (off, the host is no router on
 * that link: its neighbour advertisements lose the router flag, it takes
 * router advertisements there), named and repaired; the guest reaches the
 * outside over IPv6 after. */
START_TEST(ipv6_bridge_forwarding_is_named_and_repaired)
{
	ck_assert_int_eq(th_sh("ip addr add 2001:db8:2::1/64 dev out0 nodad && "
			       "ip -n outside addr add 2001:db8:2::2/64 dev eth0 nodad && "
			       "ip -n outside route add fd00:1::/64 via 2001:db8:2::1 && "
			       "sysctl -qw net.ipv6.conf.all.forwarding=1"),
			 0);
	ck_assert_int_eq(nt_run("create routed isbr fd00:1::/64 --no-dhcp"), 0);
	nt_guest("g1", "isbr", NULL, "fd00:1::2/64 nodad", "fd00:1::1");
	ck_assert(nt_ping("g1", "2001:db8:2::2"));
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv6.conf.isbr.forwarding=0"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -r '.state, .problems[].object'"),
			 "degraded\nsysctl net.ipv6.conf.isbr.forwarding\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_str_eq(th_str("sysctl -n net.ipv6.conf.isbr.forwarding"), "1\n");
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"), "\"up\"\n[]\n");
	ck_assert(nt_ping("g1", "2001:db8:2::2"));
}
END_TEST

/* Down is down: nothing of it runs, nothing is a problem. */
START_TEST(down_network_is_down_without_problems)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("down isbr"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -c '.state, .problems'"),
			 "\"down\"\n[]\n");
}
END_TEST

/* create says what vnet doctor would: NAT with no way out. */
START_TEST(nat_create_without_default_route_warns)
{
	char *err;
	int code;

	err = nt_err(&code, "create nat isbr 10.0.0.0/24 --no-dhcp");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err,
			 "vnet: warning: this host has no IPv4 default route: the guests of NAT "
			 "network isbr reach nothing beyond it (vnet doctor isbr)\n");
	free(err);
	ck_assert_int_eq(th_sh("ip route add default via 192.0.2.2"), 0);
	err = nt_err(&code, "create nat other 10.1.0.0/24 --no-dhcp");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err, "");
	free(err);
	err = nt_err(&code, "create routed third 10.2.0.0/24 --no-dhcp");
	ck_assert_str_eq(err, "");
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_status");
	TCase *t = tcase_create("drift");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_loop_test(t, each_drift_is_named_and_up_repairs_it, 0,
			    sizeof(drifts) / sizeof(drifts[0]));
	tcase_add_test(t, up_puts_back_the_base_chains_and_takes_out_a_foreign_one);
	tcase_add_test(t, its_key_with_another_verdict_is_named_replaced_and_taken);
	tcase_add_test(t, create_turns_on_the_bridge_s_own_forwarding);
	tcase_add_test(t, ipv6_bridge_forwarding_is_named_and_repaired);
	tcase_add_test(t, down_network_is_down_without_problems);
	tcase_add_test(t, list_says_of_each_network_what_show_says);
	tcase_add_test(t, nat_create_without_default_route_warns);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_status", true);
}
