/* Namespace tests of the firewall layer's port forwards, DHCP and DNS to
 * the host, and the DHCP reply checksum, proved by traffic (tests/probe.py
 * servers that answer with who they are and whom they saw, and a
 * packet-socket observer), in fwt's topology. Forwards are tested with
 * br_netfilter passing bridged frames to the IP hooks and without. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fwt.h"

/* na (NAT, lan0) forwarding tcp 8080 -> g1:80 and udp 5353 -> g1:53 on
 * every host address, tcp 8081 -> g1:81 on 198.51.100.1 only. */
static struct fw_net forwarding(void)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	fwt_forward(&n, "tcp", 8080, "10.0.1.11", 80, NULL);
	fwt_forward(&n, "udp", 5353, "10.0.1.11", 53, NULL);
	fwt_forward(&n, "tcp", 8081, "10.0.1.11", 81, "198.51.100.1");
	return n;
}

static const bool bridge_nf[] = {true, false};

/* The topology with g2, na applied, g1 serving tcp 80 and udp 53. */
static void setup_forwards(bool nf)
{
	struct fw_net n = forwarding();

	fwt_topology(true, false);
	fwt_bridge_nf(nf);
	apply(&n);
	fwt_serve("g1", "tcp", 80);
	fwt_serve("g1", "udp", 53);
}

START_TEST(forward_reaches_the_guest_from_outside_keeping_the_source)
{
	setup_forwards(bridge_nf[_i]);
	ck_assert_str_eq(fwt_ask("out", "tcp", "198.51.100.1", 8080), "g1 198.51.100.2\n");
	ck_assert_str_eq(fwt_ask("out", "udp", "198.51.100.1", 5353), "g1 198.51.100.2\n");
	/* what is not forwarded still cannot get in */
	ck_assert_str_eq(fwt_ask("out", "tcp", "10.0.1.11", 80), "");
}
END_TEST

START_TEST(forward_reaches_the_guest_from_the_host_on_its_own_addresses)
{
	setup_forwards(bridge_nf[_i]);
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "198.51.100.1", 8080), "g1 198.51.100.1\n");
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "10.0.1.1", 8080), "g1 10.0.1.1\n");
	ck_assert_str_eq(fwt_ask(NULL, "udp", "198.51.100.1", 5353), "g1 198.51.100.1\n");
	/* loopback is not forwarded (it would need route_localnet) */
	fwt_serve(NULL, "tcp", 8080);
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "127.0.0.1", 8080), "host 127.0.0.1\n");
}
END_TEST

/* Hairpin: g2 reaches g1 through the host's forwarded port; g1 sees the
 * host's bridge address, so its answer goes back through the host. */
START_TEST(forward_reaches_the_guest_from_another_guest_through_the_host)
{
	setup_forwards(bridge_nf[_i]);
	ck_assert_str_eq(fwt_ask("g2", "tcp", "198.51.100.1", 8080), "g1 10.0.1.1\n");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.1.1", 8080), "g1 10.0.1.1\n");
	ck_assert_str_eq(fwt_ask("g2", "udp", "198.51.100.1", 5353), "g1 10.0.1.1\n");
	/* and straight, guest to guest, nothing is translated */
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.1.11", 80), "g1 10.0.1.12\n");
}
END_TEST

START_TEST(forward_on_one_address_listens_there_only)
{
	setup_forwards(bridge_nf[_i]);
	fwt_serve("g1", "tcp", 81);
	ck_assert_str_eq(fwt_ask("out", "tcp", "198.51.100.1", 8081), "g1 198.51.100.2\n");
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "198.51.100.1", 8081), "g1 198.51.100.1\n");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "198.51.100.1", 8081), "g1 10.0.1.1\n");
	/* another address of the host: nothing forwarded, nothing listens */
	ck_assert_str_eq(fwt_ask("out", "tcp", "10.0.1.1", 8081), "");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.1.1", 8081), "");
	ck_assert_str_eq(fwt_ask(NULL, "tcp", "10.0.1.1", 8081), "");
}
END_TEST

/* Forwarding the DHCP and DNS ports takes them from the outside, never
 * from the guests: what a guest sends to the host on those ports stays
 * with the host. */
START_TEST(guests_dhcp_and_dns_stay_with_the_host_even_when_forwarded)
{
	struct fw_net n = fwt_net_a(FW_NAT);

	fwt_forward(&n, "udp", 53, "10.0.1.11", 53, NULL);
	fwt_forward(&n, "tcp", 53, "10.0.1.11", 53, NULL);
	fwt_forward(&n, "udp", 67, "10.0.1.11", 67, NULL);
	fwt_topology(true, false);
	fwt_bridge_nf(bridge_nf[_i]);
	apply(&n);
	fwt_serve(NULL, "udp", 53);
	fwt_serve(NULL, "tcp", 53);
	fwt_serve(NULL, "udp", 67);
	fwt_serve("g1", "udp", 53);
	ck_assert_str_eq(fwt_ask("g2", "udp", "10.0.1.1", 53), "host 10.0.1.12\n");
	ck_assert_str_eq(fwt_ask("g2", "tcp", "10.0.1.1", 53), "host 10.0.1.12\n");
	ck_assert_str_eq(fwt_ask("g2", "udp", "10.0.1.1", 67), "host 10.0.1.12\n");
	ck_assert_str_eq(fwt_ask("g2", "udp", "198.51.100.1", 53), "host 10.0.1.12\n");
	ck_assert_str_eq(fwt_ask("out", "udp", "198.51.100.1", 53), "g1 198.51.100.2\n");
}
END_TEST

/* An isolated network forwards nothing, but its guests' DHCP and DNS
 * reach the host: no chain of ours hooks input. */
START_TEST(isolated_guests_reach_dhcp_and_dns_on_the_host)
{
	struct fw_net n = fwt_net_a(FW_ISOLATED);
	const char *hooks;

	n.dhcp = true;
	fwt_topology(false, false);
	fwt_bridge_nf(bridge_nf[_i]);
	apply(&n);
	hooks = th_str("nft -j list chains inet | jq -r '.nftables[].chain | select(.table == "
		       "\"vnet\") | .hook // empty' | sort -u | tr '\\n' ' '");
	ck_assert_str_eq(hooks, "forward output postrouting prerouting ");
	fwt_serve(NULL, "udp", 53);
	fwt_serve(NULL, "tcp", 53);
	fwt_serve(NULL, "udp", 67);
	ck_assert_str_eq(fwt_ask("g1", "udp", "10.0.1.1", 53), "host 10.0.1.11\n");
	ck_assert_str_eq(fwt_ask("g1", "tcp", "10.0.1.1", 53), "host 10.0.1.11\n");
	ck_assert_str_eq(fwt_ask("g1", "udp", "10.0.1.1", 67), "host 10.0.1.11\n");
	ck_assert_msg(!fwt_ping("g1", "198.51.100.2"), "isolated guest reached the outside");
}
END_TEST

/* A DHCP reply the host sends into a network with DHCP leaves with UDP
 * checksum 0 ("none", valid for IPv4), whatever offload left in it; into
 * a network without, untouched. Observed on the guest's side of the wire
 * with a packet socket, which sees the field as it arrived. */
START_TEST(dhcp_reply_reaches_the_guest_with_a_zero_udp_checksum)
{
	struct fw_net n = fwt_net_a(FW_NAT);
	char send[300];
	long sum;

	n.dhcp = _i == 0;
	fwt_topology(false, false);
	apply(&n);
	snprintf(send, sizeof(send), "python3 %s send 10.0.1.1 67 10.0.1.11 68", VNET_PROBE);
	sum = fwt_udp_checksum("g1", 68, send);
	if (n.dhcp)
		ck_assert_int_eq(sum, 0);
	else
		ck_assert_int_ne(sum, 0);
	/* other UDP from the host keeps its checksum */
	snprintf(send, sizeof(send), "python3 %s send 10.0.1.1 5000 10.0.1.11 6000", VNET_PROBE);
	ck_assert_int_ne(fwt_udp_checksum("g1", 6000, send), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_forward");
	TCase *t = tcase_create("ns");

	tcase_add_checked_fixture(t, th_netns_setup, th_netns_teardown);
	tcase_add_loop_test(t, forward_reaches_the_guest_from_outside_keeping_the_source, 0, 2);
	tcase_add_loop_test(t, forward_reaches_the_guest_from_the_host_on_its_own_addresses, 0, 2);
	tcase_add_loop_test(t, forward_reaches_the_guest_from_another_guest_through_the_host, 0, 2);
	tcase_add_loop_test(t, forward_on_one_address_listens_there_only, 0, 2);
	tcase_add_loop_test(t, guests_dhcp_and_dns_stay_with_the_host_even_when_forwarded, 0, 2);
	tcase_add_loop_test(t, isolated_guests_reach_dhcp_and_dns_on_the_host, 0, 2);
	tcase_add_loop_test(t, dhcp_reply_reaches_the_guest_with_a_zero_udp_checksum, 0, 2);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_forward", true);
}
