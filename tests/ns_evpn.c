/* Namespace tests of networks that span hosts with BGP EVPN (issue 15):
 * hosts as fabrictest.h builds them, each with FRR's zebra and bgpd that
 * the test starts (`timers bgp 3 9` where the test writes a router) and
 * stops; BGP sessions and MACs waited for as FRR and the kernel show them.
 * Every guest of three hosts reaches every other (IPv4 and IPv6) and leaves
 * through its own host's NAT; a moved guest is reached again within 2 s; a
 * host whose FRR stops is withdrawn and comes back (vnetd gives the FRR
 * that starts again vnet's lines); fabric set converges
 * and unset removes only vnet's lines. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fabrictest.h"
#include "tests/guard.h"
#include "tests/vnettest.h"

static bool established(int k, int peers)
{
	char dir[300];

	ft_frr_dir(k, dir, sizeof(dir));
	return ft_within(
		30,
		"test $(ip netns exec h%d vtysh --vty_socket %s -c 'show bgp summary json' | "
		"jq '[.l2VpnEvpn.peers[]? | select(.state == \"Established\")] | length') "
		"-ge %d",
		k, dir, peers);
}

/* Host k's fabric: AS 65000, the other hosts of 1..n as peers. */
static int fabric(int k, int n)
{
	char dir[300], peers[256] = "";
	size_t len = 0;

	ft_frr_dir(k, dir, sizeof(dir));
	for (int p = 1; p <= n; p++)
		if (p != k)
			len += (size_t)snprintf(peers + len, sizeof(peers) - len,
						" --peer 192.168.50.%d", p);
	return ft_on(k,
		     "fabric set --underlay eth0 --asn 65000%s --frr-vty %s --index %d --hosts %d",
		     peers, dir, k, n);
}

/* Whether host k's VXLAN port knows mac behind a remote end. */
static bool remote_mac(int k, const char *mac, double secs)
{
	return ft_within(secs, "ip netns exec h%d bridge fdb show dev vx-100 | grep -q '^%s dst'",
			 k, mac);
}

static long rss_kib(int pid)
{
	return strtol(th_str("awk '/^VmRSS/ {print $2}' /proc/%d/status", pid), NULL, 10);
}

/* Three hosts with FRR, their fabric and network n1 with a guest each;
 * vnetd on host vnetd_host (0: none) from before there is a fabric. */
static void evpn_network(int vnetd_host)
{
	static const char *const mac[] = {"", "52:54:00:00:00:11", "52:54:00:00:00:12",
					  "52:54:00:00:00:13"};
	char g[8];
	double t0;

	ft_hosts(FT_HOSTS);
	if (vnetd_host)
		ft_vnetd_start(vnetd_host);
	for (int k = 1; k <= FT_HOSTS; k++)
		ft_frr_start(k, k != 3);
	for (int k = 1; k <= FT_HOSTS; k++)
		ck_assert_int_eq(fabric(k, FT_HOSTS), 0);
	for (int k = 1; k <= FT_HOSTS; k++)
		ck_assert(established(k, FT_HOSTS - 1));
	t0 = th_now();
	for (int k = 1; k <= FT_HOSTS; k++)
		ck_assert_int_eq(
			ft_on(k, "create nat n1 10.60.0.0/24 fd60::/64 --vni 100 2>/dev/null"), 0);
	for (int k = 1; k <= FT_HOSTS; k++) {
		snprintf(g, sizeof(g), "g%d", k);
		ft_guest(g, k, mac[k], 10 + k);
		ck_assert_int_eq(th_sh("ip -n g%d addr add fd60::%d/64 dev eth0 nodad", k, 10 + k),
				 0);
	}
	ck_assert(ft_within(30, "ip netns exec g1 ping -c 1 -W 1 10.60.0.13 >/dev/null 2>&1"));
	fprintf(stderr, "ns_evpn: first ping g1 -> g3 %.0f ms after the first create\n",
		(th_now() - t0) * 1000);
	for (int k = 1; k <= FT_HOSTS; k++)
		fprintf(stderr, "ns_evpn: FRR RSS on h%d: zebra %ld KiB, bgpd %ld KiB\n", k,
			rss_kib(ft_frr_pid[k][0]), rss_kib(ft_frr_pid[k][1]));
}

START_TEST(evpn_three_hosts_every_guest_reaches_every_other_and_leaves_by_its_own_host)
{
	const char *s;

	evpn_network(0);
	for (int a = 1; a <= FT_HOSTS; a++)
		for (int b = 1; b <= FT_HOSTS; b++) {
			char ga[8], ip[16];

			if (a == b)
				continue;
			snprintf(ga, sizeof(ga), "g%d", a);
			snprintf(ip, sizeof(ip), "10.60.0.%d", 10 + b);
			ck_assert_msg(ft_ping(ga, ip), "%s cannot reach %s", ga, ip);
			/* IPv6 too (neighbour discovery crosses the tunnel) */
			ck_assert_msg(ft_within(10,
						"ip netns exec %s ping -6 -c 1 -W 1 fd60::%d "
						">/dev/null 2>&1",
						ga, 10 + b),
				      "%s cannot reach fd60::%d", ga, 10 + b);
		}
	/* the gateway is every host's own: each guest leaves through its own
	 * host's NAT */
	for (int k = 1; k <= FT_HOSTS; k++) {
		char ga[8];

		snprintf(ga, sizeof(ga), "g%d", k);
		ck_assert(ft_ping(ga, "192.168.50.100"));
		ck_assert_int_ge(ft_outside_from(k), 1);
	}
	/* the remote MACs are EVPN's (installed, not learned), the gateway's
	 * never among them */
	ck_assert(remote_mac(1, "52:54:00:00:00:13", 10));
	ck_assert(!th_sh("ip netns exec h1 bridge fdb show dev vx-100 | "
			 "grep '^52:54:00:00:00:13 dst' | grep -q extern_learn"));
	ck_assert_int_ne(th_sh("ip netns exec h1 bridge fdb show dev vx-100 | grep -q \"^$(ip -n "
			       "h1 -j link show n1 | jq -r '.[0].address') dst\""),
			 0);
	s = ft_out(1, "show n1");
	ck_assert_msg(strstr(s, "  span     evpn, port vx-100, remote MACs ") &&
			      (strstr(s, "remote VTEPs 192.168.50.2 192.168.50.3\n") ||
			       strstr(s, "remote VTEPs 192.168.50.3 192.168.50.2\n")),
		      "%s", s);
	s = ft_out(1, "fabric show");
	ck_assert_msg(strstr(s, "  peer 192.168.50.2  BGP Established\n"), "%s", s);
}
END_TEST

START_TEST(evpn_guest_moved_to_another_host_is_reached_again_within_2_s)
{
	double t0, took;

	evpn_network(0);
	ck_assert(ft_ping("g3", "10.60.0.11"));
	ck_assert(remote_mac(3, "52:54:00:00:00:11", 10));
	/* g1 leaves host 1 and comes back on host 2 with its MAC and
	 * address, announcing itself as a migrated guest does */
	ck_assert_int_eq(th_sh("ip -n h1 link del g1-h && ip netns del g1"), 0);
	t0 = th_now();
	ft_guest("g1", 2, "52:54:00:00:00:11", 11);
	th_sh("ip netns exec g1 busybox arping -U -c 1 -I eth0 10.60.0.11 >/dev/null 2>&1");
	ck_assert(ft_within(10, "ip netns exec g3 ping -c 1 -W 1 10.60.0.11 >/dev/null 2>&1"));
	took = th_now() - t0;
	fprintf(stderr, "ns_evpn: moved guest reached again after %.0f ms\n", took * 1000);
	ck_assert_msg(took < 2.0, "moved guest reached after %.1f s", took);
	ck_assert(ft_within(10, "ip netns exec h3 bridge fdb show dev vx-100 | "
				"grep -q '^52:54:00:00:00:11 dst 192.168.50.2 '"));
}
END_TEST

/* vnet doctor's findings about the fabric on host k, one a line. */
static const char *fabric_findings(int k)
{
	return ft_out(k, "doctor n1 | grep -E '^n1 \\[(fabric|frr|bgp-peer|evpn-vni)\\]' | "
			 "sed 's/: .*//'");
}

START_TEST(evpn_host_whose_frr_stops_is_withdrawn_and_comes_back)
{
	double t0;

	/* vnetd finds FRR's folder through the fabric set after it started */
	evpn_network(3);
	ck_assert(remote_mac(1, "52:54:00:00:00:13", 10));
	for (int k = 1; k <= FT_HOSTS; k++)
		ck_assert_str_eq(fabric_findings(k), "");
	ft_frr_stop(3);
	/* doctor: host 3 reaches no FRR, host 1's session to it goes down */
	ck_assert_str_eq(fabric_findings(3), "n1 [frr] FRR (vtysh)\n");
	ck_assert(ft_within(30,
			    "ip netns exec h1 env VNET_CONF_DIR=%s/h1/conf VNET_RUN_DIR=%s/h1/run "
			    "%s doctor n1 | grep -q '^n1 \\[bgp-peer\\] BGP peer 192.168.50.3: '",
			    th_tmpdir(), th_tmpdir(), nt_vnet));
	/* the hold time (9 s) passes: host 3's MACs are withdrawn, the others
	 * still reach each other */
	ck_assert(ft_within(30, "! ip netns exec h1 bridge fdb show dev vx-100 | "
				"grep -q '^52:54:00:00:00:13 dst'"));
	ck_assert(ft_ping("g1", "10.60.0.12"));
	ck_assert(ft_ping("g2", "10.60.0.11"));
	/* FRR back with an empty configuration: vnetd on host 3 sees its
	 * sockets made again and gives it vnet's lines (no fabric set):
	 * reachable again */
	t0 = th_now();
	ft_frr_start(3, false);
	ck_assert(established(3, FT_HOSTS - 1));
	ck_assert(ft_within(30, "ip netns exec g1 ping -c 1 -W 1 10.60.0.13 >/dev/null 2>&1"));
	fprintf(stderr, "ns_evpn: FRR restarted empty on h3: g1 reaches g3 again after %.0f ms\n",
		(th_now() - t0) * 1000);
	ck_assert(ft_within(10, "grep -q '^vnetd: FRR: gave it vnet.s lines again' %s",
			    ft_vnetd_log(3)));
	ck_assert_str_eq(fabric_findings(1), "");
	ck_assert_str_eq(fabric_findings(3), "");
}
END_TEST

/* The lines of router bgp 65000 in host k's running configuration. */
static const char *router_lines(int k)
{
	char dir[300];

	ft_frr_dir(k, dir, sizeof(dir));
	return th_str("ip netns exec h%d vtysh --vty_socket %s -c 'show running-config' | "
		      "sed -n '/^router bgp/,/^exit/p'",
		      k, dir);
}

START_TEST(evpn_fabric_set_converges_and_unset_removes_only_its_lines)
{
	static const char first[] = "router bgp 65000\n"
				    " bgp router-id 192.168.50.1\n"
				    " timers bgp 3 9\n"
				    " neighbor 192.168.50.2 remote-as 65000\n"
				    " !\n"
				    " address-family l2vpn evpn\n"
				    "  neighbor 192.168.50.2 activate\n"
				    "  advertise-all-vni\n"
				    " exit-address-family\n"
				    "exit\n";
	char dir[300];

	ft_hosts(2);
	ft_frr_start(1, true);
	ft_frr_start(2, false);
	ft_frr_dir(1, dir, sizeof(dir));
	ck_assert_int_eq(ft_on(1,
			       "fabric set --underlay eth0 --asn 65000 --peer 192.168.50.2 "
			       "--frr-vty %s",
			       dir),
			 0);
	ck_assert_str_eq(router_lines(1), first);
	/* FRR loses vnet's lines (as when it starts again without them): vnet
	 * up of a network that spans hosts gives them back */
	ck_assert_int_eq(ft_on(1, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	ck_assert_int_eq(
		th_sh("ip netns exec h1 vtysh --vty_socket %s -c 'configure terminal' "
		      "-c 'router bgp 65000' -c 'no neighbor 192.168.50.2' "
		      "-c 'address-family l2vpn evpn' -c 'no advertise-all-vni' >/dev/null",
		      dir),
		0);
	ck_assert_str_ne(router_lines(1), first);
	ck_assert_int_eq(ft_on(1, "up n1"), 0);
	ck_assert_str_eq(router_lines(1), first);
	ck_assert_int_eq(ft_on(1, "destroy n1 2>/dev/null"), 0);
	/* another peer: the first one's lines go, the new one's come */
	ck_assert_int_eq(ft_on(1,
			       "fabric set --underlay eth0 --asn 65000 --peer 192.168.50.3 "
			       "--frr-vty %s",
			       dir),
			 0);
	ck_assert_str_eq(router_lines(1), "router bgp 65000\n"
					  " bgp router-id 192.168.50.1\n"
					  " timers bgp 3 9\n"
					  " neighbor 192.168.50.3 remote-as 65000\n"
					  " !\n"
					  " address-family l2vpn evpn\n"
					  "  neighbor 192.168.50.3 activate\n"
					  "  advertise-all-vni\n"
					  " exit-address-family\n"
					  "exit\n");
	/* another AS than FRR's router, which is not vnet's: refused */
	ck_assert_int_eq(
		ft_on(1, "fabric set --underlay eth0 --asn 65001 --frr-vty %s 2>/dev/null", dir),
		4);
	ck_assert_int_eq(ft_on(1, "fabric unset"), 0);
	ck_assert_str_eq(router_lines(1), "router bgp 65000\n"
					  " timers bgp 3 9\n"
					  "exit\n");
	/* where vnet made the router, it takes it away whole, and another AS
	 * is then its to choose */
	ft_frr_dir(2, dir, sizeof(dir));
	ck_assert_int_eq(ft_on(2,
			       "fabric set --underlay eth0 --asn 65000 --peer 192.168.50.1 "
			       "--frr-vty %s",
			       dir),
			 0);
	ck_assert_int_eq(ft_on(2, "fabric set --asn 65002 --no-peers"), 0);
	ck_assert_str_eq(router_lines(2), "router bgp 65002\n"
					  " bgp router-id 192.168.50.2\n"
					  " !\n"
					  " address-family l2vpn evpn\n"
					  "  advertise-all-vni\n"
					  " exit-address-family\n"
					  "exit\n");
	ck_assert_int_eq(ft_on(2, "fabric unset"), 0);
	ck_assert_str_eq(router_lines(2), "");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_evpn");
	TCase *t = tcase_create("hosts");

	tcase_add_checked_fixture(t, ft_setup, ft_teardown);
	tcase_add_test(t, evpn_fabric_set_converges_and_unset_removes_only_its_lines);
	tcase_add_test(t,
		       evpn_three_hosts_every_guest_reaches_every_other_and_leaves_by_its_own_host);
	tcase_add_test(t, evpn_guest_moved_to_another_host_is_reached_again_within_2_s);
	tcase_add_test(t, evpn_host_whose_frr_stops_is_withdrawn_and_comes_back);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_evpn", true);
}
