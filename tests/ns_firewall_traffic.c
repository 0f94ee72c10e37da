/* Namespace tests of the firewall layer, what the models do to traffic:
 * in a fresh namespace per test (the "host"), a bridge per network, veth
 * "guests" in namespaces of their own and an "outside" namespace routed via
 * the host; proved with ping and with counters in observer tables. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fwt.h"

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

	fwt_topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(fwt_ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(fwt_counter("out", "ip obs", "from_host"), 1);
	ck_assert_int_eq(fwt_counter("out", "ip obs", "from_guest"), 0);
}
END_TEST

START_TEST(nat_outside_cannot_open_connection_to_guest)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	fwt_topology(false, false);
	apply(&n);
	ck_assert_msg(fwt_ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_msg(!fwt_ping("out", "10.0.1.11"), "outside opened a connection to a NAT guest");
	ck_assert_msg(!fwt_ping("out", "fd00:1::11"),
		      "outside opened an IPv6 connection to a guest");
	ck_assert_int_ge(fwt_rejected("na-in"), 2);
	/* A rule that counted packets is still the one vnet wants: applying
	 * again keeps it, handle and counter. */
	fwt_reapply_keeps(&n, "nft -a list table inet vnet");
}
END_TEST

START_TEST(routed_forwards_both_ways_keeping_source)
{
	struct fw_net n = fwt_net_a(FW_ROUTED);

	fwt_topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(fwt_ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(fwt_counter("out", "ip obs", "from_guest"), 1);
	ck_assert_int_eq(fwt_counter("out", "ip obs", "from_host"), 0);
	ck_assert_msg(fwt_ping("out", "10.0.1.11"), "outside cannot reach a routed guest");
	ck_assert_msg(fwt_ping("g1", "fd00:99::2"), "guest cannot reach the outside over IPv6");
	ck_assert_msg(fwt_ping("out", "fd00:1::11"), "outside cannot reach a guest over IPv6");
}
END_TEST

START_TEST(isolated_forwards_nothing_while_ip_forward_is_on)
{
	struct fw_net n = fwt_net_a(FW_ISOLATED);
	char *fwd;

	fwt_topology(false, false);
	apply(&n);
	fwd = th_out(NULL, "cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(fwd, "1\n");
	free(fwd);
	ck_assert_msg(!fwt_ping("g1", "198.51.100.2"), "isolated guest reached the outside");
	ck_assert_msg(!fwt_ping("out", "10.0.1.11"), "outside reached an isolated guest");
	ck_assert_msg(!fwt_ping("g1", "fd00:99::2"), "isolated guest reached the outside (IPv6)");
	ck_assert_int_ge(fwt_rejected("na-out"), 2);
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(fwt_ping("g1", "10.0.1.1"), "isolated guest cannot reach the host");
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

	fwt_topology(true, false);
	nf = th_out(NULL, "cat /proc/sys/net/bridge/bridge-nf-call-iptables");
	ck_assert_msg(!strcmp(nf, "1\n"), "bridge-nf-call-iptables is %s", nf);
	free(nf);
	observe_intra();
	apply(&n);
	ck_assert_msg(fwt_ping("g1", "10.0.1.12"), "guests of one bridge cannot reach each other");
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
	fwt_topology(true, false);
	apply(&n);
	/* counted from here: what the guests sent before the rules were in
	 * (IPv6 neighbour discovery, MLD) passed, as it should */
	observe_intra();
	ck_assert_msg(!fwt_ping("g1", "10.0.1.12"),
		      "guests of an isolating network reached each other");
	ck_assert_int_ge(fwt_counter(NULL, "inet obs", "before"), 1);
	ck_assert_int_eq(fwt_counter(NULL, "inet obs", "after"), 0);
	ck_assert_msg(fwt_ping("g1", "198.51.100.2"), "guest cannot reach the outside");
}
END_TEST

static const bool bridge_nf[] = {true, false};

/* Guests that route to each other through the gateway meet in the host's
 * forward path (iif = oif = the bridge), bridge port isolation or not. */
START_TEST(isolate_ports_drops_guest_to_guest_via_the_gateway)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	n.isolate_ports = _i < 2;
	fwt_topology(true, false);
	fwt_bridge_nf(bridge_nf[_i % 2]);
	apply(&n);
	SH("ip -n g1 route add 10.0.1.12/32 via 10.0.1.1 && "
	   "ip -n g2 route add 10.0.1.11/32 via 10.0.1.1");
	ck_assert_msg(fwt_ping("g1", "10.0.1.12") == !n.isolate_ports,
		      n.isolate_ports ? "isolated guests met via the gateway"
				      : "guests cannot meet via the gateway");
	ck_assert_msg(fwt_ping("g1", "10.0.1.1"), "guest cannot reach the gateway");
	ck_assert_msg(fwt_ping("g2", "198.51.100.2"), "guest cannot reach the outside");
}
END_TEST

START_TEST(nat_networks_cannot_reach_each_other)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_NAT);

	fwt_topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!fwt_ping("g1", "10.0.2.13"), "NAT network reached another NAT network");
	ck_assert_int_ge(fwt_rejected("nb-in"), 1);
	ck_assert_msg(!fwt_ping("g3", "10.0.1.11"), "NAT network reached another NAT network");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(fwt_ping("g1", "198.51.100.2") && fwt_ping("g3", "198.51.100.2"),
		      "NAT guests cannot reach the outside");
}
END_TEST

START_TEST(nat_guest_reaches_routed_network_not_back)
{
	struct fw_net a = fwt_net_a(FW_NAT), b = fwt_net_b(FW_ROUTED);

	fwt_topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(fwt_ping("g1", "10.0.2.13"), "NAT guest cannot reach a routed network");
	ck_assert_msg(!fwt_ping("g3", "10.0.1.11"), "routed guest opened a connection into NAT");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
}
END_TEST

START_TEST(isolated_guest_cannot_reach_routed_network)
{
	struct fw_net a = fwt_net_a(FW_ISOLATED), b = fwt_net_b(FW_ROUTED);

	fwt_topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!fwt_ping("g1", "10.0.2.13"), "isolated guest reached a routed network");
	ck_assert_int_ge(fwt_rejected("na-out"), 1); /* nb-in let it pass, na-out did not */
	ck_assert_msg(!fwt_ping("g3", "10.0.1.11"), "routed guest reached an isolated network");
	ck_assert_int_ge(fwt_rejected("na-in"), 1);
	ck_assert_msg(fwt_ping("g3", "198.51.100.2"), "routed guest cannot reach the outside");
}
END_TEST

START_TEST(routed_networks_reach_each_other)
{
	struct fw_net a = fwt_net_a(FW_ROUTED), b = fwt_net_b(FW_ROUTED);

	fwt_topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(fwt_ping("g1", "10.0.2.13") && fwt_ping("g3", "10.0.1.11"),
		      "routed networks cannot reach each other");
}
END_TEST

/* Applies n with another's change between the read and the write (chain
 * na-nat flushed there, races times); returns fw_apply's result. */
static int apply_raced(const struct fw_net *n, unsigned races, unsigned *left)
{
	struct fw_plan *p = fwt_build(n);
	struct nl_err e;
	char line[300];
	struct fw fw;
	int err;

	ck_assert_msg(fw_open(&fw, &e) == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	fw.race = "na-nat";
	fw.race_times = races;
	err = fw_apply(&fw, p, &e);
	*left = fw.race_times;
	fw_close(&fw);
	fw_plan_free(p);
	return err;
}

/* The guest's traffic leaves with the host's source: na-nat is whole. */
static void masqueraded(void)
{
	ck_assert_msg(fwt_ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(fwt_counter("out", "ip obs", "from_host"), 1);
	ck_assert_int_eq(fwt_counter("out", "ip obs", "from_guest"), 0);
}

/* A forward added while another flushes na-nat between vnet's read (which
 * found the chain whole) and its write: the write names the generation it
 * read, the kernel refuses it (ERESTART), vnet reads and writes again and
 * the chain is filled again. Without the generation the forward went in
 * and the flush stayed: the guest left with its own source. */
START_TEST(apply_raced_by_another_change_reads_again_and_converges)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	unsigned left;

	fwt_topology(false, false);
	observe_outside();
	apply(&n);
	fwt_forward(&n, "tcp", 8080, "10.0.1.11", 80, NULL);
	ck_assert_int_eq(apply_raced(&n, 1, &left), 0);
	ck_assert_uint_eq(left, 0); /* the change was made */
	masqueraded();
	ck_assert_int_eq(th_sh("nft list map inet vnet fwd_any | grep -q '8080 : 10.0.1.11 . 80'"),
			 0);
}
END_TEST

/* Raced at every try: refused after FW_TRIES, nothing of the write in;
 * the next apply converges. */
START_TEST(apply_raced_at_every_try_gives_up_and_the_next_converges)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	unsigned left;

	fwt_topology(false, false);
	observe_outside();
	apply(&n);
	fwt_forward(&n, "tcp", 8080, "10.0.1.11", 80, NULL);
	ck_assert_int_eq(apply_raced(&n, FW_TRIES + 1, &left), -EAGAIN);
	ck_assert_uint_eq(left, 1);
	ck_assert_int_ne(th_sh("nft list map inet vnet fwd_any | grep -q 8080"), 0);
	apply(&n);
	masqueraded();
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
	tcase_add_loop_test(t, isolate_ports_drops_guest_to_guest_via_the_gateway, 0, 4);
	tcase_add_test(t, nat_networks_cannot_reach_each_other);
	tcase_add_test(t, nat_guest_reaches_routed_network_not_back);
	tcase_add_test(t, isolated_guest_cannot_reach_routed_network);
	tcase_add_test(t, routed_networks_reach_each_other);
	tcase_add_test(t, apply_raced_by_another_change_reads_again_and_converges);
	tcase_add_test(t, apply_raced_at_every_try_gives_up_and_the_next_converges);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_firewall_traffic", true);
}
