/* Namespace tests of `vnet forward`, --isolate-ports and the DHCP reply
 * checksum through the real `vnet` binary (and its dnsmasq), proved by
 * traffic: tests/probe.py servers in guest namespaces that answer with who
 * they are and whom they saw, ping, and a packet-socket observer. The
 * test's namespace is the host:
 *
 *   guest g1 (10.0.0.11) ─┐                      outside (192.0.2.2)
 *   guest g2 (10.0.0.12) ─┴─ bridge ── host ── out0 192.0.2.1
 *
 * Bad input is refused with its value named, and changes nothing: the
 * definition files, dnsmasq's config and the ruleset stay byte for byte. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fwt.h"
#include "tests/vnettest.h"

/* A guest namespace on net with address addr (/24) routed via gw, or with
 * no address when addr is NULL. */
static void guest(const char *name, const char *net, const char *addr, const char *gw)
{
	char cidr[32];

	snprintf(cidr, sizeof(cidr), "%s/24", addr ? addr : "");
	nt_guest(name, net, NULL, addr ? cidr : NULL, gw);
}

/* nat network lan (10.0.0.0/24, DHCP) with g1 and g2, g1 serving tcp 80. */
static void lan(const char *options)
{
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 %s", options), 0);
	guest("g1", "lan", "10.0.0.11", "10.0.0.1");
	guest("g2", "lan", "10.0.0.12", "10.0.0.1");
	fwt_serve("g1", "tcp", 80);
}

START_TEST(forward_is_live_persistent_and_reaches_the_guest_from_everywhere)
{
	lan("");
	ck_assert_int_eq(nt_run("forward add lan tcp 8080 10.0.0.11:80"), 0);
	ck_assert_str_eq(fwt_ask("outside", "tcp", "192.0.2.1", 8080), "g1 192.0.2.2\n");
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "192.0.2.1", 8080), "g1 192.0.2.1\n");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "192.0.2.1", 8080), "g1 10.0.0.1\n");
	ck_assert_str_eq(
		th_str("%s forward list lan -j | jq -c .", nt_vnet),
		"[{\"proto\":\"tcp\",\"port\":8080,\"address\":null,\"guest\":\"10.0.0.11\","
		"\"guest_port\":80}]\n");
	ck_assert_str_eq(th_str("%s forward list lan", nt_vnet),
			 "PROTO PORT  ADDRESS         GUEST\n"
			 "tcp   8080  *               10.0.0.11:80\n");
	/* kept in the definition: a network brought down and up has it */
	ck_assert_int_eq(nt_run("down lan"), 0);
	ck_assert_str_eq(fwt_ask("outside", "tcp", "192.0.2.1", 8080), "");
	ck_assert_int_eq(nt_run("up lan"), 0);
	ck_assert_int_eq(nt_run("port add lan g1-h"), 0);
	ck_assert_int_eq(nt_run("port add lan g2-h"), 0);
	ck_assert_str_eq(fwt_ask("outside", "tcp", "192.0.2.1", 8080), "g1 192.0.2.2\n");
	ck_assert_int_eq(nt_run("forward del lan tcp 8080"), 0);
	ck_assert_str_eq(fwt_ask("outside", "tcp", "192.0.2.1", 8080), "");
	ck_assert_str_eq(th_str("%s forward list lan -j | jq -c .", nt_vnet), "[]\n");
	ck_assert_str_eq(th_str("grep -c forward %s/conf/lan.conf", th_tmpdir()), "0\n");
}
END_TEST

START_TEST(forward_with_an_address_listens_there_only)
{
	lan("--no-dhcp");
	ck_assert_int_eq(nt_run("forward add lan tcp 8080 10.0.0.11:80 --address 192.0.2.1"), 0);
	ck_assert_str_eq(fwt_ask("outside", "tcp", "192.0.2.1", 8080), "g1 192.0.2.2\n");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.0.1", 8080), "");
	ck_assert_str_eq(th_str("%s forward list lan -j | jq -r '.[0].address'", nt_vnet),
			 "192.0.2.1\n");
	ck_assert_int_eq(nt_run("forward del lan tcp 8080 --address 192.0.2.1"), 0);
	ck_assert_str_eq(th_str("nft list map inet vnet fwd_addr | grep -c elements"), "0\n");
}
END_TEST

START_TEST(destroy_takes_the_network_s_forwards_along)
{
	lan("--no-dhcp");
	ck_assert_int_eq(nt_run("forward add lan udp 5353 10.0.0.11:53"), 0);
	ck_assert_int_eq(nt_run("destroy lan"), 0);
	ck_assert_str_eq(th_str("nft list map inet vnet fwd_any | grep -c elements"), "0\n");
}
END_TEST

static const struct bad {
	const char *args;
	int code;
	const char *says;
} bads[] = {
	{"forward add lan tcp 0 10.0.0.11:80", 2, "port 0: must be 1..65535"},
	{"forward add lan tcp 65536 10.0.0.11:80", 2, "port 65536: must be 1..65535"},
	{"forward add lan tcp 8080 10.0.0.11:0", 2, "port 0: must be 1..65535"},
	{"forward add lan sctp 8080 10.0.0.11:80", 2, "protocol sctp"},
	{"forward add rt tcp 8080 10.1.0.11:80", 2, "network rt: is not a NAT network"},
	{"forward add lan tcp 8080 10.9.0.11:80", 2, "10.9.0.11: is outside the network"},
	{"forward add lan tcp 8080 10.0.0.1:80", 2, "10.0.0.1: is the gateway"},
	{"forward add lan tcp 8080 10.0.0.11:80 --address fd00::1", 2,
	 "address fd00::1: must be IPv4, as the guest's"},
	{"forward add lan tcp 2222 10.0.0.12:22", 4, "tcp port 2222: is forwarded already"},
	{"forward add nat2 tcp 2222 10.2.0.11:22", 4, "forwarded already by network lan"},
	{"forward add nope tcp 1 10.0.0.11:1", 3, "network nope"},
	{"forward del lan udp 9", 3, "udp port 9: is not forwarded"},
	{"forward add lan tcp 8080", 2, "add needs NAME tcp|udp HOSTPORT GUESTIP:PORT"},
};

/* What a refusal must leave alone. */
static char *state(void)
{
	return th_out(NULL, "cd %s && cat conf/*.conf run/dnsmasq/*.conf 2>&1; nft list ruleset",
		      th_tmpdir());
}

START_TEST(bad_forward_is_refused_naming_the_value_and_changes_nothing)
{
	char *before, *after, *said;
	int code = -1;

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24"), 0);
	ck_assert_int_eq(nt_run("create routed rt 10.1.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create nat nat2 10.2.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("forward add lan tcp 2222 10.0.0.11:22"), 0);
	before = state();
	said = th_out(&code, "%s %s 2>&1", nt_vnet, bads[_i].args);
	ck_assert_msg(code == bads[_i].code, "exit %d: %s", code, said);
	ck_assert_msg(strstr(said, bads[_i].says), "%s", said);
	after = state();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	free(said);
}
END_TEST

static const bool bridge_nf[] = {true, false};

/* Guests of an --isolate-ports network cannot reach each other, not even
 * through the gateway, but reach the gateway and the outside. */
START_TEST(isolated_ports_keep_guests_apart_also_via_the_gateway)
{
	fwt_bridge_nf(bridge_nf[_i]);
	lan("--isolate-ports --no-dhcp");
	ck_assert_str_eq(th_str("ip -d -j link show g1-h | jq '.[0].linkinfo.info_slave_data."
				"isolated'"),
			 "true\n");
	ck_assert_msg(fwt_ping("g1", "10.0.0.1"), "guest cannot reach the gateway");
	ck_assert_msg(fwt_ping("g1", "192.0.2.2"), "guest cannot reach the outside");
	ck_assert_msg(!fwt_ping("g2", "10.0.0.11"), "isolated guests reached each other");
	SH("ip -n g1 route add 10.0.0.12/32 via 10.0.0.1 && "
	   "ip -n g2 route add 10.0.0.11/32 via 10.0.0.1");
	ck_assert_msg(!fwt_ping("g2", "10.0.0.11"), "isolated guests met via the gateway");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.0.11", 80), "");
	ck_assert_msg(fwt_ping("g2", "10.0.0.1"), "guest cannot reach the gateway");
}
END_TEST

/* The contrast: without --isolate-ports both ways work. */
START_TEST(plain_network_lets_guests_meet_directly_and_via_the_gateway)
{
	fwt_bridge_nf(bridge_nf[_i]);
	lan("--no-dhcp");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.0.11", 80), "g1 10.0.0.12\n");
	SH("ip -n g1 route add 10.0.0.12/32 via 10.0.0.1 && "
	   "ip -n g2 route add 10.0.0.11/32 via 10.0.0.1");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.0.11", 80), "g1 10.0.0.12\n");
}
END_TEST

/* dnsmasq's offer, seen on the guest's side by a packet socket, carries
 * UDP checksum 0; udhcpc takes the lease. */
START_TEST(dhcp_offer_reaches_the_guest_with_a_zero_udp_checksum)
{
	char run[400];

	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24 --zero-dhcp-checksum"), 0);
	guest("g1", "lan", NULL, NULL);
	snprintf(run, sizeof(run),
		 "ip netns exec g1 busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s /bin/true >&2");
	ck_assert_int_eq(fwt_udp_checksum("g1", 68, run), 0);
	ck_assert_str_eq(th_str("nft list set inet vnet dhcp_bridges | grep -o '\"lan\"'"),
			 "\"lan\"\n");
	ck_assert_int_eq(nt_run("create nat quiet 10.5.0.0/24 --no-dhcp"), 0);
	ck_assert_str_eq(th_str("nft list set inet vnet dhcp_bridges | grep -c quiet"), "0\n");
	/* not asked for, not done: it breaks NICs without checksum offload */
	ck_assert_int_eq(nt_run("create nat plain 10.6.0.0/24"), 0);
	ck_assert_str_eq(th_str("nft list set inet vnet dhcp_bridges | grep -c plain"), "0\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_services_fw");
	TCase *t = tcase_create("ns");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, forward_is_live_persistent_and_reaches_the_guest_from_everywhere);
	tcase_add_test(t, forward_with_an_address_listens_there_only);
	tcase_add_test(t, destroy_takes_the_network_s_forwards_along);
	tcase_add_loop_test(t, bad_forward_is_refused_naming_the_value_and_changes_nothing, 0,
			    sizeof(bads) / sizeof(bads[0]));
	tcase_add_loop_test(t, isolated_ports_keep_guests_apart_also_via_the_gateway, 0, 2);
	tcase_add_loop_test(t, plain_network_lets_guests_meet_directly_and_via_the_gateway, 0, 2);
	tcase_add_test(t, dhcp_offer_reaches_the_guest_with_a_zero_udp_checksum);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_services_fw", true);
}
