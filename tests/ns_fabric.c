/* Namespace tests of networks that span hosts (issue 15): namespaces h1..h3
 * are hosts on one underlay bridge (ul, in the test's namespace; host K is
 * 192.168.50.K on its eth0), each with its own vnet folders; namespace out
 * (192.168.50.100, every host's default route) is the outside. Guests are
 * namespaces gK whose eth0 pairs with gK-h on a host. In EVPN mode the test
 * starts FRR's zebra and bgpd per host itself (a folder of user frr,
 * `timers bgp 3 9` where the test writes a router), waits for BGP sessions
 * and MACs as FRR and the kernel show them, and stops every daemon it
 * started. Static mode needs no FRR. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/guard.h"
#include "tests/vnettest.h"

#define NHOSTS 3

static int frr_pid[NHOSTS + 1][2]; /* zebra, bgpd of host k */

/* Runs vnet on host k; its exit status. */
__attribute__((format(printf, 2, 3))) static int on(int k, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_sh(
		"ip netns exec h%d env VNET_CONF_DIR=%s/h%d/conf VNET_RUN_DIR=%s/h%d/run %s %s", k,
		th_tmpdir(), k, th_tmpdir(), k, nt_vnet, args);
}

/* vnet's stdout on host k (the harness's string). */
__attribute__((format(printf, 2, 3))) static const char *on_out(int k, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_str(
		"ip netns exec h%d env VNET_CONF_DIR=%s/h%d/conf VNET_RUN_DIR=%s/h%d/run %s %s", k,
		th_tmpdir(), k, th_tmpdir(), k, nt_vnet, args);
}

/* Whether the shell line succeeds within secs (tried every 50 ms). */
__attribute__((format(printf, 2, 3))) static bool within(double secs, const char *fmt, ...)
{
	char line[1024];
	double end = th_now() + secs;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	do {
		if (th_sh("%s", line) == 0)
			return true;
		usleep(50 * 1000);
	} while (th_now() < end);
	return false;
}

static void host(int k)
{
	ck_assert_int_eq(th_sh("ip netns add h%d && ip -n h%d link set lo up && "
			       "ip link add ul%d type veth peer name eth0 netns h%d && "
			       "ip link set ul%d master ul up && "
			       "ip -n h%d addr add 192.168.50.%d/24 dev eth0 && "
			       "ip -n h%d link set eth0 up && "
			       "ip -n h%d route add default via 192.168.50.100",
			       k, k, k, k, k, k, k, k, k),
			 0);
}

/* The underlay, the outside (counting echo requests by source) and hosts
 * 1..n. */
static void hosts(int n)
{
	ck_assert_int_eq(th_sh("ip link add ul type bridge && ip link set ul up && "
			       "ip netns add out && ip -n out link set lo up && "
			       "ip link add ulo type veth peer name eth0 netns out && "
			       "ip link set ulo master ul up && "
			       "ip -n out addr add 192.168.50.100/24 dev eth0 && "
			       "ip -n out link set eth0 up && "
			       "ip netns exec out nft add table ip count && "
			       "ip netns exec out nft add chain ip count in "
			       "'{ type filter hook input priority 0; }'"),
			 0);
	for (int k = 1; k <= n; k++) {
		host(k);
		ck_assert_int_eq(th_sh("ip netns exec out nft add rule ip count in ip saddr "
				       "192.168.50.%d icmp type echo-request counter",
				       k),
				 0);
	}
}

/* Echo requests out saw from host k's address. */
static long outside_from(int k)
{
	const char *s = th_str("ip netns exec out nft list chain ip count in | "
			       "sed -n 's/.*saddr 192.168.50.%d .* packets \\([0-9]*\\).*/\\1/p'",
			       k);

	return strtol(s, NULL, 10);
}

/* Guest name (namespace) on host k, network net: MAC mac, address
 * 10.60.0.last/24, default route via the gateway. */
static void guest(const char *name, int k, const char *mac, int last)
{
	ck_assert_int_eq(th_sh("ip netns add %s 2>/dev/null; "
			       "ip link add %s-h netns h%d type veth peer name eth0 netns %s && "
			       "ip -n %s link set eth0 address %s && "
			       "ip -n %s addr add 10.60.0.%d/24 dev eth0 && "
			       "ip -n %s link set eth0 up && ip -n %s link set lo up && "
			       "ip -n %s route add default via 10.60.0.1",
			       name, name, k, name, name, mac, name, last, name, name, name),
			 0);
	ck_assert_int_eq(on(k, "port add n1 %s-h", name), 0);
}

static bool ping(const char *from, const char *to)
{
	return th_sh("ip netns exec %s ping -c 1 -W 1 %s >/dev/null 2>&1", from, to) == 0;
}

/* ---- static mode ---- */

START_TEST(static_peers_make_a_network_two_hosts_share)
{
	const char *s;

	hosts(2);
	ck_assert_int_eq(on(1, "fabric set --underlay eth0 --peer 192.168.50.2"), 0);
	ck_assert_int_eq(on(2, "fabric set --underlay eth0 --peer 192.168.50.1"), 0);
	ck_assert_str_eq(on_out(1, "fabric show"),
			 "fabric: static, underlay eth0, local 192.168.50.1\n"
			 "  peer 192.168.50.2\n");
	/* an MTU the tunnel cannot carry is refused, nothing made */
	ck_assert_int_eq(on(1, "create nat n1 10.60.0.0/24 --vni 100 --mtu 1451 2>/dev/null"), 2);
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
		ck_assert_int_eq(on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	/* 1500 less 50: the bridge and its VXLAN port */
	ck_assert_str_eq(th_str("ip -n h1 -j link show n1 | jq -r '.[0].mtu'"), "1450\n");
	ck_assert_str_eq(th_str("ip -n h1 -d -j link show vx-100 | jq -r '.[0] | "
				"[.master, .linkinfo.info_data.id, .linkinfo.info_data.local, "
				".linkinfo.info_data.learning, "
				".linkinfo.info_slave_data.learning] | @tsv'"),
			 "n1\t100\t192.168.50.1\ttrue\ttrue\n");
	ck_assert_str_eq(th_str("ip netns exec h1 bridge fdb show dev vx-100 | grep ^00:00"),
			 "00:00:00:00:00:00 dst 192.168.50.2 self permanent\n");
	guest("g1", 1, "52:54:00:00:00:11", 11);
	guest("g2", 2, "52:54:00:00:00:12", 12);
	ck_assert(ping("g1", "10.60.0.12"));
	ck_assert(ping("g2", "10.60.0.11"));
	s = on_out(1, "show n1");
	ck_assert_msg(strstr(s, "  span     static, port vx-100, remote MACs ") &&
			      strstr(s, "remote VTEPs 192.168.50.2\n") &&
			      strstr(s, "ports    g1-h\n"),
		      "%s", s);
	/* the fabric cannot go while a network spans hosts; destroy takes the
	 * port along */
	ck_assert_int_eq(on(1, "fabric unset 2>/dev/null"), 4);
	/* the port deleted behind vnet's back: status says so, up repairs */
	ck_assert_int_eq(th_sh("ip -n h1 link del vx-100"), 0);
	s = on_out(1, "show n1");
	ck_assert_msg(strstr(s, "vxlan vx-100: want present, have absent"), "%s", s);
	ck_assert_int_eq(on(1, "up n1"), 0);
	ck_assert(ping("g2", "10.60.0.11"));
	ck_assert_int_eq(on(1, "destroy n1 2>/dev/null"), 0);
	ck_assert(!th_sh("! ip -n h1 link show vx-100 >/dev/null 2>&1"));
	ck_assert(!th_sh("! ip netns exec h1 nft list set bridge vnet tunnels | grep -q vx-100"));
	ck_assert_int_eq(on(1, "fabric unset"), 0);
	ck_assert_int_eq(on(1, "fabric show 2>/dev/null"), 3);
}
END_TEST

START_TEST(vnetd_puts_the_vxlan_port_and_the_dhcp_table_back)
{
	int pid;

	hosts(2);
	for (int k = 1; k <= 2; k++) {
		ck_assert_int_eq(on(k, "fabric set --underlay eth0 --peer 192.168.50.%d", 3 - k),
				 0);
		ck_assert_int_eq(on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
	}
	guest("g1", 1, "52:54:00:00:00:11", 11);
	guest("g2", 2, "52:54:00:00:00:12", 12);
	ck_assert(ping("g2", "10.60.0.11"));
	ck_assert_int_eq(
		th_sh("ip netns exec h1 env VNET_CONF_DIR=%s/h1/conf VNET_RUN_DIR=%s/h1/run "
		      "\"$VNETD_BIN\" 2>%s/vnetd.log & echo $! > %s/vnetd.pid",
		      th_tmpdir(), th_tmpdir(), th_tmpdir(), th_tmpdir()),
		0);
	pid = atoi(th_str("cat %s/vnetd.pid", th_tmpdir()));
	ck_assert_int_gt(pid, 0);
	ck_assert(within(30, "grep -q 'vnetd: watching' %s/vnetd.log", th_tmpdir()));
	/* the port deleted: back on the bridge, the guests reach each other */
	ck_assert_int_eq(th_sh("ip -n h1 link del vx-100"), 0);
	ck_assert(
		within(10, "test \"$(ip -n h1 -j link show vx-100 | jq -r '.[0].master')\" = n1"));
	ck_assert(within(10, "ip netns exec g2 ping -c 1 -W 1 10.60.0.11 >/dev/null 2>&1"));
	/* the DHCP table deleted: made again, the port in its set */
	ck_assert_int_eq(th_sh("ip netns exec h1 nft delete table bridge vnet"), 0);
	ck_assert(within(10, "ip netns exec h1 nft list set bridge vnet tunnels 2>/dev/null | "
			     "grep -q vx-100"));
	kill(pid, SIGTERM);
	ck_assert(
		within(10, "! test -d /proc/%d || grep -q '^State:.*Z' /proc/%d/status", pid, pid));
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
	hosts(NHOSTS);
	for (int k = 1; k <= NHOSTS; k++) {
		ck_assert_int_eq(on(k, "fabric set --underlay eth0 --index %d --hosts %d%s%s%s%s",
				    k, NHOSTS, k != 1 ? " --peer 192.168.50.1" : "",
				    k != 2 ? " --peer 192.168.50.2" : "",
				    k != 3 ? " --peer 192.168.50.3" : "", ""),
				 0);
		ck_assert_int_eq(on(k, "create nat n1 10.60.0.0/24 --vni 100 2>/dev/null"), 0);
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
			ck_assert_int_eq(on(k, "port add n1 d%d-%d-h", k, i), 0);
	}
	t0 = th_now();
	ck_assert_int_eq(
		th_sh("for k in 1 2 3; do for i in $(seq %d); do "
		      "LEASE=%s/lease.$k.$i timeout 30 ip netns exec d$k-$i busybox udhcpc -i eth0 "
		      "-f -q -n -t 10 -T 1 -s %s >/dev/null 2>&1 & done; done; wait",
		      GUESTS, th_tmpdir(), script),
		0);
	fprintf(stderr, "ns_fabric: %d leases from %d hosts in %.0f ms\n", NHOSTS * GUESTS, NHOSTS,
		(th_now() - t0) * 1000);
	for (int k = 1; k <= NHOSTS; k++)
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
	ck_assert_int_eq(n, NHOSTS * GUESTS);
	for (int k = 1; k <= NHOSTS; k++)
		ck_assert_int_eq(dhcp_crossed(k), 0);
	ck_assert(!th_sh("ip netns exec h1 nft list set bridge vnet tunnels | grep -q vx-100"));
}
END_TEST

/* ---- EVPN ---- */

static void frr_dir(int k, char *buf, size_t n)
{
	snprintf(buf, n, "%s/frr%d", th_tmpdir(), k);
}

static int read_pid(const char *dir, const char *daemon)
{
	const char *s = th_str("cat %s/%s.pid 2>/dev/null", dir, daemon);

	return atoi(s);
}

/* zebra and bgpd on host k; router: bgpd's file has `router bgp 65000`
 * with `timers bgp 3 9` (vnet adds to it), else it is empty (vnet makes
 * the router; the hold time is the peers' 9 s, the smaller wins). */
static void frr_start(int k, bool router)
{
	static const char *const daemons[] = {"zebra", "bgpd"};
	char dir[300];

	frr_dir(k, dir, sizeof(dir));
	ck_assert_int_eq(th_sh("mkdir -p %s && printf '%s' > %s/bgpd.conf && : > %s/zebra.conf && "
			       "chown -R frr:frr %s",
			       dir, router ? "router bgp 65000\\n timers bgp 3 9\\n" : "", dir, dir,
			       dir),
			 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(th_sh("ip netns exec h%d /usr/lib/frr/%s -d -z %s/zserv.api "
				       "--vty_socket %s -i %s/%s.pid -f %s/%s.conf 2>/dev/null",
				       k, daemons[i], dir, dir, dir, daemons[i], dir, daemons[i]),
				 0);
		ck_assert(within(20, "test -S %s/%s.vty", dir, daemons[i]));
		frr_pid[k][i] = read_pid(dir, daemons[i]);
		ck_assert_int_gt(frr_pid[k][i], 0);
	}
}

/* Stops host k's daemons (SIGTERM, then whatever it takes) and removes
 * what they leave in /var/tmp/frr. */
static void frr_stop(int k)
{
	for (int i = 0; i < 2; i++) {
		int pid = frr_pid[k][i];

		if (pid <= 0)
			continue;
		kill(pid, SIGTERM);
		if (!within(10, "! test -d /proc/%d || grep -q '^State:.*Z' /proc/%d/status", pid,
			    pid))
			kill(pid, SIGKILL);
		th_sh("rm -rf /var/tmp/frr/%s.%d", i ? "bgpd" : "zebra", pid);
		frr_pid[k][i] = 0;
	}
}

static void frr_stop_all(void)
{
	for (int k = 1; k <= NHOSTS; k++)
		frr_stop(k);
}

static void setup(void)
{
	nt_setup_host();
	memset(frr_pid, 0, sizeof(frr_pid));
	/* a test killed before its teardown leaves daemons' folders of pids
	 * that are gone: none of them holds anything */
	th_sh("for d in /var/tmp/frr/zebra.* /var/tmp/frr/bgpd.*; do "
	      "test -d \"$d\" && ! test -d /proc/${d##*.} && rm -rf \"$d\"; done; true");
}

static void teardown(void)
{
	frr_stop_all();
	th_netns_teardown();
}

static bool established(int k, int peers)
{
	char dir[300];

	frr_dir(k, dir, sizeof(dir));
	return within(30,
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

	frr_dir(k, dir, sizeof(dir));
	for (int p = 1; p <= n; p++)
		if (p != k)
			len += (size_t)snprintf(peers + len, sizeof(peers) - len,
						" --peer 192.168.50.%d", p);
	return on(k, "fabric set --underlay eth0 --asn 65000%s --frr-vty %s --index %d --hosts %d",
		  peers, dir, k, n);
}

/* Whether host k's VXLAN port knows mac behind a remote end. */
static bool remote_mac(int k, const char *mac, double secs)
{
	return within(secs, "ip netns exec h%d bridge fdb show dev vx-100 | grep -q '^%s dst'", k,
		      mac);
}

static long rss_kib(int pid)
{
	return strtol(th_str("awk '/^VmRSS/ {print $2}' /proc/%d/status", pid), NULL, 10);
}

static void evpn_network(void)
{
	static const char *const mac[] = {"", "52:54:00:00:00:11", "52:54:00:00:00:12",
					  "52:54:00:00:00:13"};
	char g[8];
	double t0;

	hosts(NHOSTS);
	for (int k = 1; k <= NHOSTS; k++)
		frr_start(k, k != 3);
	for (int k = 1; k <= NHOSTS; k++)
		ck_assert_int_eq(fabric(k, NHOSTS), 0);
	for (int k = 1; k <= NHOSTS; k++)
		ck_assert(established(k, NHOSTS - 1));
	t0 = th_now();
	for (int k = 1; k <= NHOSTS; k++)
		ck_assert_int_eq(
			on(k, "create nat n1 10.60.0.0/24 fd60::/64 --vni 100 2>/dev/null"), 0);
	for (int k = 1; k <= NHOSTS; k++) {
		snprintf(g, sizeof(g), "g%d", k);
		guest(g, k, mac[k], 10 + k);
		ck_assert_int_eq(th_sh("ip -n g%d addr add fd60::%d/64 dev eth0 nodad", k, 10 + k),
				 0);
	}
	ck_assert(within(30, "ip netns exec g1 ping -c 1 -W 1 10.60.0.13 >/dev/null 2>&1"));
	fprintf(stderr, "ns_fabric: first ping g1 -> g3 %.0f ms after the first create\n",
		(th_now() - t0) * 1000);
	for (int k = 1; k <= NHOSTS; k++)
		fprintf(stderr, "ns_fabric: FRR RSS on h%d: zebra %ld KiB, bgpd %ld KiB\n", k,
			rss_kib(frr_pid[k][0]), rss_kib(frr_pid[k][1]));
}

START_TEST(evpn_three_hosts_every_guest_reaches_every_other_and_leaves_by_its_own_host)
{
	const char *s;

	evpn_network();
	for (int a = 1; a <= NHOSTS; a++)
		for (int b = 1; b <= NHOSTS; b++) {
			char ga[8], ip[16];

			if (a == b)
				continue;
			snprintf(ga, sizeof(ga), "g%d", a);
			snprintf(ip, sizeof(ip), "10.60.0.%d", 10 + b);
			ck_assert_msg(ping(ga, ip), "%s cannot reach %s", ga, ip);
			/* IPv6 too (neighbour discovery crosses the tunnel) */
			ck_assert_msg(within(10,
					     "ip netns exec %s ping -6 -c 1 -W 1 fd60::%d "
					     ">/dev/null 2>&1",
					     ga, 10 + b),
				      "%s cannot reach fd60::%d", ga, 10 + b);
		}
	/* the gateway is every host's own: each guest leaves through its own
	 * host's NAT */
	for (int k = 1; k <= NHOSTS; k++) {
		char ga[8];

		snprintf(ga, sizeof(ga), "g%d", k);
		ck_assert(ping(ga, "192.168.50.100"));
		ck_assert_int_ge(outside_from(k), 1);
	}
	/* the remote MACs are EVPN's (installed, not learned), the gateway's
	 * never among them */
	ck_assert(remote_mac(1, "52:54:00:00:00:13", 10));
	ck_assert(!th_sh("ip netns exec h1 bridge fdb show dev vx-100 | "
			 "grep '^52:54:00:00:00:13 dst' | grep -q extern_learn"));
	ck_assert_int_ne(th_sh("ip netns exec h1 bridge fdb show dev vx-100 | grep -q \"^$(ip -n "
			       "h1 -j link show n1 | jq -r '.[0].address') dst\""),
			 0);
	s = on_out(1, "show n1");
	ck_assert_msg(strstr(s, "  span     evpn, port vx-100, remote MACs ") &&
			      (strstr(s, "remote VTEPs 192.168.50.2 192.168.50.3\n") ||
			       strstr(s, "remote VTEPs 192.168.50.3 192.168.50.2\n")),
		      "%s", s);
	s = on_out(1, "fabric show");
	ck_assert_msg(strstr(s, "  peer 192.168.50.2  BGP Established\n"), "%s", s);
}
END_TEST

START_TEST(evpn_guest_moved_to_another_host_is_reached_again_within_2_s)
{
	double t0, took;

	evpn_network();
	ck_assert(ping("g3", "10.60.0.11"));
	ck_assert(remote_mac(3, "52:54:00:00:00:11", 10));
	/* g1 leaves host 1 and comes back on host 2 with its MAC and
	 * address, announcing itself as a migrated guest does */
	ck_assert_int_eq(th_sh("ip -n h1 link del g1-h && ip netns del g1"), 0);
	t0 = th_now();
	guest("g1", 2, "52:54:00:00:00:11", 11);
	th_sh("ip netns exec g1 busybox arping -U -c 1 -I eth0 10.60.0.11 >/dev/null 2>&1");
	ck_assert(within(10, "ip netns exec g3 ping -c 1 -W 1 10.60.0.11 >/dev/null 2>&1"));
	took = th_now() - t0;
	fprintf(stderr, "ns_fabric: moved guest reached again after %.0f ms\n", took * 1000);
	ck_assert_msg(took < 2.0, "moved guest reached after %.1f s", took);
	ck_assert(within(10, "ip netns exec h3 bridge fdb show dev vx-100 | "
			     "grep -q '^52:54:00:00:00:11 dst 192.168.50.2 '"));
}
END_TEST

/* vnet doctor's findings about the fabric on host k, one a line. */
static const char *fabric_findings(int k)
{
	return on_out(k, "doctor n1 | grep -E '^n1 \\[(fabric|frr|bgp-peer|evpn-vni)\\]' | "
			 "sed 's/: .*//'");
}

START_TEST(evpn_host_whose_frr_stops_is_withdrawn_and_comes_back)
{
	evpn_network();
	ck_assert(remote_mac(1, "52:54:00:00:00:13", 10));
	for (int k = 1; k <= NHOSTS; k++)
		ck_assert_str_eq(fabric_findings(k), "");
	frr_stop(3);
	/* doctor: host 3 reaches no FRR, host 1's session to it goes down */
	ck_assert_str_eq(fabric_findings(3), "n1 [frr] FRR (vtysh)\n");
	ck_assert(within(30,
			 "ip netns exec h1 env VNET_CONF_DIR=%s/h1/conf VNET_RUN_DIR=%s/h1/run "
			 "%s doctor n1 | grep -q '^n1 \\[bgp-peer\\] BGP peer 192.168.50.3: '",
			 th_tmpdir(), th_tmpdir(), nt_vnet));
	/* the hold time (9 s) passes: host 3's MACs are withdrawn, the others
	 * still reach each other */
	ck_assert(within(30, "! ip netns exec h1 bridge fdb show dev vx-100 | "
			     "grep -q '^52:54:00:00:00:13 dst'"));
	ck_assert(ping("g1", "10.60.0.12"));
	ck_assert(ping("g2", "10.60.0.11"));
	/* FRR back, vnet's lines given again: reachable again */
	frr_start(3, false);
	ck_assert_int_eq(fabric(3, NHOSTS), 0);
	ck_assert(established(3, NHOSTS - 1));
	ck_assert(within(30, "ip netns exec g1 ping -c 1 -W 1 10.60.0.13 >/dev/null 2>&1"));
	ck_assert_str_eq(fabric_findings(1), "");
	ck_assert_str_eq(fabric_findings(3), "");
}
END_TEST

/* The lines of router bgp 65000 in host k's running configuration. */
static const char *router_lines(int k)
{
	char dir[300];

	frr_dir(k, dir, sizeof(dir));
	return th_str("ip netns exec h%d vtysh --vty_socket %s -c 'show running-config' | "
		      "sed -n '/^router bgp/,/^exit/p'",
		      k, dir);
}

START_TEST(evpn_fabric_set_converges_and_unset_removes_only_its_lines)
{
	char dir[300];

	hosts(2);
	frr_start(1, true);
	frr_start(2, false);
	frr_dir(1, dir, sizeof(dir));
	ck_assert_int_eq(on(1,
			    "fabric set --underlay eth0 --asn 65000 --peer 192.168.50.2 "
			    "--frr-vty %s",
			    dir),
			 0);
	ck_assert_str_eq(router_lines(1), "router bgp 65000\n"
					  " bgp router-id 192.168.50.1\n"
					  " timers bgp 3 9\n"
					  " neighbor 192.168.50.2 remote-as 65000\n"
					  " !\n"
					  " address-family l2vpn evpn\n"
					  "  neighbor 192.168.50.2 activate\n"
					  "  advertise-all-vni\n"
					  " exit-address-family\n"
					  "exit\n");
	/* another peer: the first one's lines go, the new one's come */
	ck_assert_int_eq(on(1,
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
		on(1, "fabric set --underlay eth0 --asn 65001 --frr-vty %s 2>/dev/null", dir), 4);
	ck_assert_int_eq(on(1, "fabric unset"), 0);
	ck_assert_str_eq(router_lines(1), "router bgp 65000\n"
					  " timers bgp 3 9\n"
					  "exit\n");
	/* where vnet made the router, it takes it away whole, and another AS
	 * is then its to choose */
	frr_dir(2, dir, sizeof(dir));
	ck_assert_int_eq(on(2,
			    "fabric set --underlay eth0 --asn 65000 --peer 192.168.50.1 "
			    "--frr-vty %s",
			    dir),
			 0);
	ck_assert_int_eq(on(2, "fabric set --underlay eth0 --asn 65002 --frr-vty %s", dir), 0);
	ck_assert_str_eq(router_lines(2), "router bgp 65002\n"
					  " bgp router-id 192.168.50.2\n"
					  " !\n"
					  " address-family l2vpn evpn\n"
					  "  advertise-all-vni\n"
					  " exit-address-family\n"
					  "exit\n");
	ck_assert_int_eq(on(2, "fabric unset"), 0);
	ck_assert_str_eq(router_lines(2), "");
}
END_TEST

START_TEST(fabric_values_are_checked_before_anything_changes)
{
	hosts(1);
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
	nt_refused(4,
		   "vnet: underlay lo: has no global address to start tunnels from (give "
		   "--local)\n",
		   "fabric set --underlay lo");
	nt_refused(4,
		   "vnet: network n1: --vni needs this host's fabric (vnet fabric set "
		   "--underlay IFACE)\n",
		   "create nat n1 10.60.0.0/24 --vni 100");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_fabric");
	TCase *t = tcase_create("hosts");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, fabric_values_are_checked_before_anything_changes);
	tcase_add_test(t, static_peers_make_a_network_two_hosts_share);
	tcase_add_test(t, dhcp_stays_on_its_host_and_leases_from_three_hosts_never_collide);
	tcase_add_test(t, vnetd_puts_the_vxlan_port_and_the_dhcp_table_back);
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
	return th_main(suite(), "ns_fabric", true);
}
