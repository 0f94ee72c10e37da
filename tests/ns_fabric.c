/* Namespace tests of networks that span hosts in static mode (issue 15;
 * hosts as fabrictest.h builds them, no FRR): static peers make one network
 * of two hosts, vnetd repairs its VXLAN port and DHCP table, DHCP stays on
 * its host and leases from three hosts never collide, and the fabric's
 * values are checked before anything changes. ns_evpn has the EVPN tests. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fabrictest.h"
#include "tests/guard.h"
#include "tests/vnettest.h"

START_TEST(static_peers_make_a_network_two_hosts_share)
{
	const char *s;

	ft_hosts(2);
	ck_assert_int_eq(ft_on(1, "fabric set --underlay eth0 --peer 192.168.50.2"), 0);
	ck_assert_int_eq(ft_on(2, "fabric set --underlay eth0 --peer 192.168.50.1"), 0);
	ck_assert_str_eq(ft_out(1, "fabric show"),
			 "fabric: static, underlay eth0, local 192.168.50.1\n"
			 "  peer 192.168.50.2\n");
	/* an MTU the tunnel cannot carry is refused, nothing made */
	ck_assert_int_eq(ft_on(1, "create nat n1 10.60.0.0/24 --vni 100 --mtu 1451 2>/dev/null"),
			 2);
	ck_assert(!th_sh("! ip -n h1 link show n1 >/dev/null 2>&1"));
	/* killed just after its VXLAN port was made: the same create again
	 * finishes it */
	ck_assert_int_eq(
		th_sh("ip netns exec h1 env VNET_KILL_AT=vxlan-made VNET_CONF_DIR=%s/h1/conf "
		      "VNET_RUN_DIR=%s/h1/run %s create nat n1 10.60.0.0/24 --vni 100 "
		      "2>/dev/null",
		      th_tmpdir(), th_tmpdir(), nt_vnet),
		128 + 9);
	for (int k = 1; k <= 2; k++)
		ck_assert_int_eq(ft_on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	/* 1500 less 50: the bridge and its VXLAN port */
	ck_assert_str_eq(th_str("ip -n h1 -j link show n1 | jq -r '.[0].mtu'"), "1450\n");
	ck_assert_str_eq(th_str("ip -n h1 -d -j link show vx-100 | jq -r '.[0] | "
				"[.master, .linkinfo.info_data.id, .linkinfo.info_data.local, "
				".linkinfo.info_data.learning, "
				".linkinfo.info_slave_data.learning] | @tsv'"),
			 "n1\t100\t192.168.50.1\ttrue\ttrue\n");
	ck_assert_str_eq(th_str("ip netns exec h1 bridge fdb show dev vx-100 | grep ^00:00"),
			 "00:00:00:00:00:00 dst 192.168.50.2 self permanent\n");
	ft_guest("g1", 1, "52:54:00:00:00:11", 11);
	ft_guest("g2", 2, "52:54:00:00:00:12", 12);
	ck_assert(ft_ping("g1", "10.60.0.12"));
	ck_assert(ft_ping("g2", "10.60.0.11"));
	s = ft_out(1, "show n1");
	ck_assert_msg(strstr(s, "  span     static, port vx-100, remote MACs ") &&
			      strstr(s, "remote VTEPs 192.168.50.2\n") &&
			      strstr(s, "ports    g1-h\n"),
		      "%s", s);
	/* the fabric cannot go while a network spans hosts; destroy takes the
	 * port along */
	ck_assert_int_eq(ft_on(1, "fabric unset 2>/dev/null"), 4);
	/* the port deleted behind vnet's back: status says so, up repairs */
	ck_assert_int_eq(th_sh("ip -n h1 link del vx-100"), 0);
	s = ft_out(1, "show n1");
	ck_assert_msg(strstr(s, "vxlan vx-100: want present, have absent"), "%s", s);
	ck_assert_int_eq(ft_on(1, "up n1"), 0);
	ck_assert(ft_ping("g2", "10.60.0.11"));
	ck_assert_int_eq(ft_on(1, "destroy n1 2>/dev/null"), 0);
	ck_assert(!th_sh("! ip -n h1 link show vx-100 >/dev/null 2>&1"));
	ck_assert(!th_sh(
		"! ip netns exec h1 nft list set bridge vnet_tunnel tunnels | grep -q vx-100"));
	ck_assert_int_eq(ft_on(1, "fabric unset"), 0);
	ck_assert_int_eq(ft_on(1, "fabric show 2>/dev/null"), 3);
}
END_TEST

START_TEST(vnetd_puts_the_vxlan_port_and_the_dhcp_table_back)
{
	int pid;

	ft_hosts(2);
	for (int k = 1; k <= 2; k++) {
		ck_assert_int_eq(ft_on(k, "fabric set --underlay eth0 --peer 192.168.50.%d", 3 - k),
				 0);
		ck_assert_int_eq(ft_on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	}
	ft_guest("g1", 1, "52:54:00:00:00:11", 11);
	ft_guest("g2", 2, "52:54:00:00:00:12", 12);
	ck_assert(ft_ping("g2", "10.60.0.11"));
	ck_assert_int_eq(
		th_sh("ip netns exec h1 env VNET_CONF_DIR=%s/h1/conf VNET_RUN_DIR=%s/h1/run "
		      "\"$VNETD_BIN\" 2>%s/vnetd.log & echo $! > %s/vnetd.pid",
		      th_tmpdir(), th_tmpdir(), th_tmpdir(), th_tmpdir()),
		0);
	pid = atoi(th_str("cat %s/vnetd.pid", th_tmpdir()));
	ck_assert_int_gt(pid, 0);
	ck_assert(ft_within(30, "grep -q 'vnetd: watching' %s/vnetd.log", th_tmpdir()));
	/* the port deleted: back on the bridge, the guests reach each other */
	ck_assert_int_eq(th_sh("ip -n h1 link del vx-100"), 0);
	ck_assert(ft_within(10,
			    "test \"$(ip -n h1 -j link show vx-100 | jq -r '.[0].master')\" = n1"));
	ck_assert(ft_within(10, "ip netns exec g2 ping -c 1 -W 1 10.60.0.11 >/dev/null 2>&1"));
	/* the DHCP table deleted: made again, the port in its set */
	ck_assert_int_eq(th_sh("ip netns exec h1 nft delete table bridge vnet_tunnel"), 0);
	ck_assert(ft_within(
		10, "ip netns exec h1 nft list set bridge vnet_tunnel tunnels 2>/dev/null | "
		    "grep -q vx-100"));
	kill(pid, SIGTERM);
	ck_assert(ft_within(10, "! test -d /proc/%d || grep -q '^State:.*Z' /proc/%d/status", pid,
			    pid));
}
END_TEST

/* DHCP from many guests on three hosts: GUESTS per host, each a namespace
 * with a veth, udhcpc in all of them at once. */
#define GUESTS 20

/* A host's observer: DHCP requests that came out of the tunnel and passed
 * vnet's table bridge vnet (its priority is after vnet's). */
static void dhcp_observer(int k)
{
	ck_assert_int_eq(th_sh("ip netns exec h%d nft -f - <<'EOF'\n"
			       "table bridge obs {\n"
			       " chain seen_in { type filter hook input priority 100; "
			       "iifname \"vx-100\" udp dport 67 counter; }\n"
			       " chain seen_fw { type filter hook forward priority 100; "
			       "iifname \"vx-100\" udp dport 67 counter; "
			       "oifname \"vx-100\" udp dport 67 counter; }\n"
			       "}\nEOF",
			       k),
			 0);
}

static long dhcp_crossed(int k)
{
	return strtol(th_str("ip netns exec h%d nft list table bridge obs | "
			     "sed -n 's/.*packets \\([0-9]*\\).*/\\1/p' | paste -sd+ | bc",
			     k),
		      NULL, 10);
}

START_TEST(dhcp_stays_on_its_host_and_leases_from_three_hosts_never_collide)
{
	/* each host's slice of .2-.254: 85, 84, 84 addresses */
	static const unsigned lo[] = {0, 2, 87, 171}, hi[] = {0, 86, 170, 254};
	char script[300], seen[256] = {0};
	double t0;
	int n = 0;

	snprintf(script, sizeof(script), "%s/udhcpc.sh", th_tmpdir());
	ck_assert_int_eq(th_sh("printf '#!/bin/sh\\n[ \"$1\" = bound ] && echo \"$ip\" > "
			       "\"$LEASE\"\\nexit 0\\n' > %s && chmod +x %s",
			       script, script),
			 0);
	ft_hosts(FT_HOSTS);
	for (int k = 1; k <= FT_HOSTS; k++) {
		ck_assert_int_eq(ft_on(k,
				       "fabric set --underlay eth0 --index %d --hosts %d%s%s%s%s",
				       k, FT_HOSTS, k != 1 ? " --peer 192.168.50.1" : "",
				       k != 2 ? " --peer 192.168.50.2" : "",
				       k != 3 ? " --peer 192.168.50.3" : "", ""),
				 0);
		ck_assert_int_eq(ft_on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
		dhcp_observer(k);
		for (int i = 1; i <= GUESTS; i++)
			ck_assert_int_eq(
				th_sh("ip netns add d%d-%d && "
				      "ip link add d%d-%d-h netns h%d type veth peer name eth0 "
				      "netns "
				      "d%d-%d && "
				      "ip -n d%d-%d link set eth0 address 52:54:00:0%d:00:%02x && "
				      "ip -n d%d-%d link set eth0 up",
				      k, i, k, i, k, k, i, k, i, k, i, k, i),
				0);
		for (int i = 1; i <= GUESTS; i++)
			ck_assert_int_eq(ft_on(k, "port add n1 d%d-%d-h", k, i), 0);
	}
	t0 = th_now();
	ck_assert_int_eq(
		th_sh("for k in 1 2 3; do for i in $(seq %d); do "
		      "LEASE=%s/lease.$k.$i timeout 30 ip netns exec d$k-$i busybox udhcpc -i eth0 "
		      "-f -q -n -t 10 -T 1 -s %s >/dev/null 2>&1 & done; done; wait",
		      GUESTS, th_tmpdir(), script),
		0);
	fprintf(stderr, "ns_fabric: %d leases from %d hosts in %.0f ms\n", FT_HOSTS * GUESTS,
		FT_HOSTS, (th_now() - t0) * 1000);
	for (int k = 1; k <= FT_HOSTS; k++)
		for (int i = 1; i <= GUESTS; i++) {
			const char *ip =
				th_str("cat %s/lease.%d.%d 2>/dev/null", th_tmpdir(), k, i);
			unsigned last = 0;

			ck_assert_msg(sscanf(ip, "10.60.0.%u", &last) == 1 && last < 256,
				      "guest %d of host %d got no lease", i, k);
			ck_assert_msg(last >= lo[k] && last <= hi[k], "host %d leased 10.60.0.%u",
				      k, last);
			ck_assert_msg(!seen[last], "10.60.0.%u leased twice", last);
			seen[last] = 1;
			n++;
		}
	ck_assert_int_eq(n, FT_HOSTS * GUESTS);
	for (int k = 1; k <= FT_HOSTS; k++)
		ck_assert_int_eq(dhcp_crossed(k), 0);
	ck_assert(!th_sh(
		"ip netns exec h1 nft list set bridge vnet_tunnel tunnels | grep -q vx-100"));
}
END_TEST

START_TEST(fabric_values_are_checked_before_anything_changes)
{
	ft_hosts(1);
	nt_refused(
		2,
		"vnet: underlay name \"e;th0\": may hold only letters, digits, '_', '.' and '-'\n",
		"fabric set --underlay 'e;th0'");
	nt_refused(2, "vnet: --peer 192.168.50.1; ls: not an IPv4 or IPv6 address\n",
		   "fabric set --underlay lo --peer '192.168.50.1; ls'");
	nt_refused(2,
		   "vnet: --frr-vty \"/run/frr x\": may hold only letters, digits, '_', '.', "
		   "'-' and '/', and no '..'\n",
		   "fabric set --underlay lo --frr-vty '/run/frr x'");
	nt_refused(2, "vnet: --index: must be 1..--hosts, and --hosts 1..64\n",
		   "fabric set --underlay lo --index 3 --hosts 2");
	nt_refused(2, "vnet: --asn \"0\": must be a number, 1..4294967295\n",
		   "fabric set --underlay lo --asn 0");
	/* the underlay: absent is not found, the loopback or an interface
	 * without an address a bad value (it said exit 4, conflict) */
	nt_refused(3, "vnet: underlay nosuch: no such interface\n", "fabric set --underlay nosuch");
	nt_refused(2,
		   "vnet: underlay lo: is the loopback: tunnels start from an interface that "
		   "reaches the other hosts\n",
		   "fabric set --underlay lo");
	ck_assert_int_eq(
		th_sh("ip link add bare type veth peer name bare-p && ip link set bare up"), 0);
	nt_refused(2,
		   "vnet: underlay bare: has no global address to start tunnels from (give "
		   "--local)\n",
		   "fabric set --underlay bare");
	nt_refused(2, "vnet: underlay bare: does not hold --local 192.0.2.1\n",
		   "fabric set --underlay bare --local 192.0.2.1");
	nt_refused(4,
		   "vnet: network n1: --vni needs this host's fabric (vnet fabric set "
		   "--underlay IFACE)\n",
		   "create nat n1 10.60.0.0/24 --vni 100");
}
END_TEST

/* The dhcp-range lines of host 1's dnsmasq for n1. */
static const char *dhcp_ranges(void)
{
	return th_str("grep ^dhcp-range= %s/h1/run/dnsmasq/n1.conf", th_tmpdir());
}

START_TEST(fabric_set_again_changes_only_what_it_is_given)
{
	static const char slice[] = "dhcp-range=10.60.0.87,10.60.0.170,255.255.255.0,1h\n";

	ft_hosts(2);
	ck_assert_int_eq(ft_on(1, "fabric set --underlay eth0 --index 2 --hosts 3"), 0);
	ck_assert_int_eq(ft_on(1, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	ck_assert_str_eq(dhcp_ranges(), slice);
	/* another value, the underlay named again: the slice stays (it was
	 * dropped, and the range widened at the next up: two hosts could
	 * lease one address) */
	ck_assert_int_eq(ft_on(1, "fabric set --underlay eth0 --peer 192.168.50.2"), 0);
	ck_assert_str_eq(ft_out(1, "fabric show"),
			 "fabric: static, underlay eth0, local 192.168.50.1, DHCP slice 2 of 3\n"
			 "  peer 192.168.50.2\n");
	ck_assert_int_eq(ft_on(1, "up n1"), 0);
	ck_assert_str_eq(dhcp_ranges(), slice);
	/* its VNI is n1's: another network is refused naming n1 (it said
	 * vx-100 "is not vnet's"), nothing made */
	ck_assert_str_eq(ft_out(1, "create nat n2 10.61.0.0/24 --vni 100 2>&1; echo $?"),
			 "vnet: --vni 100: is used by network n1 (its VXLAN port vx-100)\n4\n");
	ck_assert(!th_sh("! ip -n h1 link show n2 >/dev/null 2>&1"));
	ck_assert_str_eq(th_str("ip -n h1 -j link show vx-100 | jq -r '.[0].master'"), "n1\n");
	/* without --underlay: only the peers change */
	ck_assert_int_eq(ft_on(1, "fabric set --peer 192.168.50.3"), 0);
	ck_assert_str_eq(ft_out(1, "fabric show"),
			 "fabric: static, underlay eth0, local 192.168.50.1, DHCP slice 2 of 3\n"
			 "  peer 192.168.50.3\n");
	ck_assert_str_eq(th_str("ip netns exec h1 bridge fdb show dev vx-100 | grep ^00:00"),
			 "00:00:00:00:00:00 dst 192.168.50.3 self permanent\n");
	/* taken away on purpose only, and not together with a new one */
	nt_refused(2, "vnet: --no-slice: and --index do not go together\n",
		   "fabric set --no-slice --index 1 --hosts 2");
	ck_assert_int_eq(ft_on(1, "fabric set --no-slice --no-peers"), 0);
	ck_assert_str_eq(ft_out(1, "fabric show"),
			 "fabric: static, underlay eth0, local 192.168.50.1\n");
	ck_assert_int_eq(ft_on(1, "up n1"), 0);
	ck_assert_str_eq(dhcp_ranges(), "dhcp-range=10.60.0.2,10.60.0.254,255.255.255.0,1h\n");
	ck_assert_str_eq(th_str("ip netns exec h1 bridge fdb show dev vx-100 | grep ^00:00"), "");
}
END_TEST

/* Host k's IPv6 underlay address fd50::k (the underlay keeps its IPv4
 * one: the fabric says which). */
static void ipv6_underlay(int k)
{
	ck_assert_int_eq(th_sh("ip -n h%d addr add fd50::%d/64 dev eth0 nodad", k, k), 0);
}

START_TEST(static_peers_over_an_ipv6_underlay_carry_guests)
{
	ft_hosts(2);
	for (int k = 1; k <= 2; k++) {
		ipv6_underlay(k);
		ck_assert_int_eq(
			ft_on(k, "fabric set --underlay eth0 --local fd50::%d --peer fd50::%d", k,
			      3 - k),
			0);
		ck_assert_int_eq(ft_on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	}
	/* 1500 less 70 over IPv6; the tunnel from and to the IPv6 addresses */
	ck_assert_str_eq(th_str("ip -n h1 -j link show n1 | jq -r '.[0].mtu'"), "1430\n");
	ck_assert_str_eq(th_str("ip -n h1 -d -j link show vx-100 | jq -r "
				"'.[0].linkinfo.info_data.local6'"),
			 "fd50::1\n");
	ck_assert_str_eq(th_str("ip netns exec h1 bridge fdb show dev vx-100 | grep ^00:00"),
			 "00:00:00:00:00:00 dst fd50::2 self permanent\n");
	ft_guest("g1", 1, "52:54:00:00:00:11", 11);
	ft_guest("g2", 2, "52:54:00:00:00:12", 12);
	ck_assert(ft_within(10, "ip netns exec g1 ping -c 1 -W 1 10.60.0.12 >/dev/null 2>&1"));
	/* a full-size guest packet crosses unfragmented: the MTU fits */
	ck_assert_int_eq(
		th_sh("ip netns exec g1 ping -c 1 -W 2 -M do -s 1402 10.60.0.12 >/dev/null"), 0);
	/* and it went over IPv6: the underlay counted VXLAN in IPv6 */
	ck_assert_int_eq(th_sh("ip netns exec h2 nft add table ip6 obs && "
			       "ip netns exec h2 nft add chain ip6 obs in "
			       "'{ type filter hook input priority 0; }' && "
			       "ip netns exec h2 nft add rule ip6 obs in udp dport 4789 counter && "
			       "ip netns exec g1 ping -c 3 -i 0.2 -W 1 10.60.0.12 >/dev/null && "
			       "ip netns exec h2 nft list chain ip6 obs in | "
			       "grep -Eq 'packets [3-9]|packets [1-9][0-9]'"),
			 0);
	/* EVPN over it is refused: FRR's VTEPs are IPv4 */
	ck_assert_str_eq(ft_out(1, "fabric set --asn 65000 2>&1; echo $?"),
			 "vnet: local address fd50::1: EVPN (--asn) needs an IPv4 one (FRR "
			 "8.4's VTEPs are IPv4 only); static peers work over IPv6\n2\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_fabric");
	TCase *t = tcase_create("hosts");

	tcase_add_checked_fixture(t, ft_setup, ft_teardown);
	tcase_add_test(t, fabric_values_are_checked_before_anything_changes);
	tcase_add_test(t, static_peers_make_a_network_two_hosts_share);
	tcase_add_test(t, fabric_set_again_changes_only_what_it_is_given);
	tcase_add_test(t, static_peers_over_an_ipv6_underlay_carry_guests);
	tcase_add_test(t, dhcp_stays_on_its_host_and_leases_from_three_hosts_never_collide);
	tcase_add_test(t, vnetd_puts_the_vxlan_port_and_the_dhcp_table_back);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_fabric", true);
}
