/* Namespace tests of the firewall layer, what the models do to traffic:
 * in a fresh namespace per test (the "host"), a bridge per network, veth
 * "guests" in namespaces of their own and an "outside" namespace routed via
 * the host; proved with ping and with counters in observer tables. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fwt.h"

static void bridge(const char *br, const char *addr4, const char *addr6)
{
	SH("ip link add name %s type bridge && ip link set %s up", br, br);
	SH("ip addr add %s dev %s", addr4, br);
	if (addr6)
		SH("ip addr add %s dev %s nodad", addr6, br);
}

static void guest(const char *ns, const char *br, const char *addr4, const char *addr6)
{
	SH("ip netns add %s", ns);
	SH("ip link add %s-h type veth peer name eth0 netns %s", ns, ns);
	SH("ip link set %s-h master %s up", ns, br);
	SH("ip -n %s link set lo up && ip -n %s link set eth0 up", ns, ns);
	SH("ip -n %s addr add %s dev eth0", ns, addr4);
	SH("ip -n %s route add default via %s", ns, !strcmp(br, "lan0") ? "10.0.1.1" : "10.0.2.1");
	if (addr6) {
		SH("ip -n %s addr add %s dev eth0 nodad", ns, addr6);
		SH("ip -n %s -6 route add default via fd00:1::1", ns);
	}
}

/* lan0 with g1 (and g2), lan1 with g3 when two_nets, and the outside
 * (198.51.100.2, fd00:99::2) behind up0; forwarding on in the host. */
static void topology(bool two_guests, bool two_nets)
{
	bridge("lan0", "10.0.1.1/24", "fd00:1::1/64");
	guest("g1", "lan0", "10.0.1.11/24", "fd00:1::11/64");
	if (two_guests)
		guest("g2", "lan0", "10.0.1.12/24", NULL);
	if (two_nets) {
		bridge("lan1", "10.0.2.1/24", NULL);
		guest("g3", "lan1", "10.0.2.13/24", NULL);
	}
	SH("ip netns add out");
	SH("ip link add up0 type veth peer name eth0 netns out && ip link set up0 up");
	SH("ip addr add 198.51.100.1/24 dev up0 && ip addr add fd00:99::1/64 dev up0 nodad");
	SH("ip -n out link set lo up && ip -n out link set eth0 up");
	SH("ip -n out addr add 198.51.100.2/24 dev eth0 && ip -n out addr add fd00:99::2/64 dev "
	   "eth0 nodad");
	SH("ip -n out route add 10.0.0.0/8 via 198.51.100.1");
	SH("ip -n out -6 route add fd00::/16 via fd00:99::1");
	SH("echo 1 > /proc/sys/net/ipv4/ip_forward");
	SH("echo 1 > /proc/sys/net/ipv6/conf/all/forwarding");
}

/* Whether a ping from namespace ns gets an answer within 5 s; it probes
 * every 0.2 s, so neighbour discovery on fresh links (IPv6 needs a moment)
 * cannot decide the outcome. */
static bool ping(const char *ns, const char *addr)
{
	return th_sh("ip netns exec %s ping -c1 -w5 -i0.2 -q %s >/dev/null 2>&1", ns, addr) == 0;
}

/* Counts, in the outside, packets from the host's and from g1's address. */
static void observe_outside(void)
{
	SH("ip netns exec out nft -f - <<'EOF'\n"
	   "table ip obs {\n"
	   "	counter from_host {}\n"
	   "	counter from_guest {}\n"
	   "	chain seen {\n"
	   "		type filter hook input priority 0;\n"
	   "		ip saddr 198.51.100.1 counter name from_host\n"
	   "		ip saddr 10.0.1.11 counter name from_guest\n"
	   "	}\n"
	   "}\n"
	   "EOF");
}

START_TEST(nat_guest_reaches_outside_with_host_source)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(fwt_counter("out", "ip obs", "from_host"), 1);
	ck_assert_int_eq(fwt_counter("out", "ip obs", "from_guest"), 0);
}
END_TEST

START_TEST(nat_outside_cannot_open_connection_to_guest)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	topology(false, false);
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_msg(!ping("out", "10.0.1.11"), "outside opened a connection to a NAT guest");
	ck_assert_msg(!ping("out", "fd00:1::11"), "outside opened an IPv6 connection to a guest");
	ck_assert_int_ge(fwt_rejected("na-in"), 2);
}
END_TEST

START_TEST(routed_forwards_both_ways_keeping_source)
{
	struct fw_net n = fwt_net_a(FW_ROUTED);

	topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(fwt_counter("out", "ip obs", "from_guest"), 1);
	ck_assert_int_eq(fwt_counter("out", "ip obs", "from_host"), 0);
	ck_assert_msg(ping("out", "10.0.1.11"), "outside cannot reach a routed guest");
	ck_assert_msg(ping("g1", "fd00:99::2"), "guest cannot reach the outside over IPv6");
	ck_assert_msg(ping("out", "fd00:1::11"), "outside cannot reach a guest over IPv6");
}
END_TEST

START_TEST(isolated_forwards_nothing_while_ip_forward_is_on)
{
	struct fw_net n = fwt_net_a(FW_ISOLATED);
	char *fwd;

	topology(false, false);
	apply(&n);
	fwd = th_out(NULL, "cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(fwd, "1\n");
	free(fwd);
	ck_assert_msg(!ping("g1", "198.51.100.2"), "isolated guest reached the outside");
	ck_assert_msg(!ping("out", "10.0.1.11"), "outside reached an isolated guest");
	ck_assert_msg(!ping("g1", "fd00:99::2"), "isolated guest reached the outside (IPv6)");
	ck_assert_int_ge(fwt_rejected("na-out"), 2);
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(ping("g1", "10.0.1.1"), "isolated guest cannot reach the host");
}
END_TEST

/* Counts guest-to-guest packets on lan0 in the forward hook before
 * (priority -10) and after (priority 10) our table. */
static void observe_intra(void)
{
	SH("nft -f - <<'EOF'\n"
	   "table inet obs {\n"
	   "	counter before {}\n"
	   "	counter after {}\n"
	   "	chain early {\n"
	   "		type filter hook forward priority -10;\n"
	   "		iifname \"lan0\" oifname \"lan0\" counter name before\n"
	   "	}\n"
	   "	chain late {\n"
	   "		type filter hook forward priority 10;\n"
	   "		iifname \"lan0\" oifname \"lan0\" counter name after\n"
	   "	}\n"
	   "}\n"
	   "EOF");
}

static const enum fw_model all_models[] = {FW_ISOLATED, FW_ROUTED, FW_NAT, FW_BRIDGED};

START_TEST(guests_of_one_bridge_reach_each_other_in_every_model)
{
	struct fw_net n = fwt_net_a(all_models[_i]);
	char *nf;

	topology(true, false);
	nf = th_out(NULL, "cat /proc/sys/net/bridge/bridge-nf-call-iptables");
	ck_assert_msg(!strcmp(nf, "1\n"), "bridge-nf-call-iptables is %s", nf);
	free(nf);
	observe_intra();
	apply(&n);
	ck_assert_msg(ping("g1", "10.0.1.12"), "guests of one bridge cannot reach each other");
	/* br_netfilter showed the bridged packets to the forward hook, and
	 * our table let them through. */
	ck_assert_int_ge(fwt_counter(NULL, "inet obs", "before"), 1);
	ck_assert_int_ge(fwt_counter(NULL, "inet obs", "after"), 1);
}
END_TEST

START_TEST(isolate_ports_drops_guest_to_guest_in_forward)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	n.isolate_ports = true;
	topology(true, false);
	observe_intra();
	apply(&n);
	ck_assert_msg(!ping("g1", "10.0.1.12"),
		      "guests of an isolating network reached each other");
	ck_assert_int_ge(fwt_counter(NULL, "inet obs", "before"), 1);
	ck_assert_int_eq(fwt_counter(NULL, "inet obs", "after"), 0);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
}
END_TEST

START_TEST(nat_networks_cannot_reach_each_other)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_NAT);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!ping("g1", "10.0.2.13"), "NAT network reached another NAT network");
	ck_assert_int_ge(fwt_rejected("nb-in"), 1);
	ck_assert_msg(!ping("g3", "10.0.1.11"), "NAT network reached another NAT network");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(ping("g1", "198.51.100.2") && ping("g3", "198.51.100.2"),
		      "NAT guests cannot reach the outside");
}
END_TEST

START_TEST(nat_guest_reaches_routed_network_not_back)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(ping("g1", "10.0.2.13"), "NAT guest cannot reach a routed network");
	ck_assert_msg(!ping("g3", "10.0.1.11"), "routed guest opened a connection into NAT");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
}
END_TEST

START_TEST(isolated_guest_cannot_reach_routed_network)
{
	struct fw_net a = fwt_net_a(FW_ISOLATED), b = fwt_net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!ping("g1", "10.0.2.13"), "isolated guest reached a routed network");
	ck_assert_int_ge(fwt_rejected("na-out"), 1); /* nb-in let it pass, na-out did not */
	ck_assert_msg(!ping("g3", "10.0.1.11"), "routed guest reached an isolated network");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(ping("g3", "198.51.100.2"), "routed guest cannot reach the outside");
}
END_TEST

START_TEST(routed_networks_reach_each_other)
{
	struct fw_net a = fwt_net_a(FW_ROUTED), b = fwt_net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(ping("g1", "10.0.2.13") && ping("g3", "10.0.1.11"),
		      "routed networks cannot reach each other");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_firewall_traffic");
	TCase *t = tcase_create("ns");

	tcase_add_checked_fixture(t, th_netns_setup, th_netns_teardown);
	tcase_add_test(t, nat_guest_reaches_outside_with_host_source);
	tcase_add_test(t, nat_outside_cannot_open_connection_to_guest);
	tcase_add_test(t, routed_forwards_both_ways_keeping_source);
	tcase_add_test(t, isolated_forwards_nothing_while_ip_forward_is_on);
	tcase_add_loop_test(t, guests_of_one_bridge_reach_each_other_in_every_model, 0,
			    sizeof(all_models) / sizeof(all_models[0]));
	tcase_add_test(t, isolate_ports_drops_guest_to_guest_in_forward);
	tcase_add_test(t, nat_networks_cannot_reach_each_other);
	tcase_add_test(t, nat_guest_reaches_routed_network_not_back);
	tcase_add_test(t, isolated_guest_cannot_reach_routed_network);
	tcase_add_test(t, routed_networks_reach_each_other);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_firewall_traffic", true);
}
