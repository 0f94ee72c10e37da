/* fabrictest — see fabrictest.h. */
#include "tests/fabrictest.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/guard.h"
#include "tests/vnettest.h"

int ft_frr_pid[FT_HOSTS + 1][2];

/* Runs vnet on host k; its exit status. */
int ft_on(int k, const char *fmt, ...)
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
const char *ft_out(int k, const char *fmt, ...)
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
bool ft_within(double secs, const char *fmt, ...)
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
void ft_hosts(int n)
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
long ft_outside_from(int k)
{
	const char *s = th_str("ip netns exec out nft list chain ip count in | "
			       "sed -n 's/.*saddr 192.168.50.%d .* packets \\([0-9]*\\).*/\\1/p'",
			       k);

	return strtol(s, NULL, 10);
}

/* Guest name (namespace) on host k, network net: MAC mac, address
 * 10.60.0.last/24, default route via the gateway. */
void ft_guest(const char *name, int k, const char *mac, int last)
{
	ck_assert_int_eq(th_sh("ip netns add %s 2>/dev/null; "
			       "ip link add %s-h netns h%d type veth peer name eth0 netns %s && "
			       "ip -n %s link set eth0 address %s && "
			       "ip -n %s addr add 10.60.0.%d/24 dev eth0 && "
			       "ip -n %s link set eth0 up && ip -n %s link set lo up && "
			       "ip -n %s route add default via 10.60.0.1",
			       name, name, k, name, name, mac, name, last, name, name, name),
			 0);
	ck_assert_int_eq(ft_on(k, "port add n1 %s-h", name), 0);
}

/* A reply within 20 s: ping sends one a second until the first comes back
 * (a fresh guest's ARP through a tunnel on a loaded machine can take more
 * than the one second a single ping waits) */
bool ft_ping(const char *from, const char *to)
{
	return th_sh("ip netns exec %s ping -c 1 -w 20 %s >/dev/null 2>&1", from, to) == 0;
}

/* ---- FRR ---- */

void ft_frr_dir(int k, char *buf, size_t n)
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
void ft_frr_start(int k, bool router)
{
	char ns[16];

	snprintf(ns, sizeof(ns), "h%d", k);
	ft_frr_start_in(k, ns, router);
}

void ft_frr_start_in(int k, const char *netns, bool router)
{
	static const char *const daemons[] = {"zebra", "bgpd"};
	char dir[300], in[64] = "";

	ft_frr_dir(k, dir, sizeof(dir));
	ck_assert_int_eq(th_sh("mkdir -p %s && printf '%s' > %s/bgpd.conf && : > %s/zebra.conf && "
			       "chown -R frr:frr %s",
			       dir, router ? "router bgp 65000\\n timers bgp 3 9\\n" : "", dir, dir,
			       dir),
			 0);
	if (netns)
		snprintf(in, sizeof(in), "ip netns exec %s ", netns);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(th_sh("%s/usr/lib/frr/%s -d -z %s/zserv.api "
				       "--vty_socket %s -i %s/%s.pid -f %s/%s.conf 2>/dev/null",
				       in, daemons[i], dir, dir, dir, daemons[i], dir, daemons[i]),
				 0);
		ck_assert(ft_within(20, "test -S %s/%s.vty", dir, daemons[i]));
		ft_frr_pid[k][i] = read_pid(dir, daemons[i]);
		ck_assert_int_gt(ft_frr_pid[k][i], 0);
	}
}

/* Stops host k's daemons (SIGTERM, then whatever it takes) and removes
 * what they leave in /var/tmp/frr. */
void ft_frr_stop(int k)
{
	for (int i = 0; i < 2; i++) {
		int pid = ft_frr_pid[k][i];

		if (pid <= 0)
			continue;
		kill(pid, SIGTERM);
		if (!ft_within(10, "! test -d /proc/%d || grep -q '^State:.*Z' /proc/%d/status",
			       pid, pid))
			kill(pid, SIGKILL);
		th_sh("rm -rf /var/tmp/frr/%s.%d", i ? "bgpd" : "zebra", pid);
		ft_frr_pid[k][i] = 0;
	}
}

void ft_frr_stop_all(void)
{
	for (int k = 1; k <= FT_HOSTS; k++)
		ft_frr_stop(k);
}

static int vnetd_pid[FT_HOSTS + 1];

const char *ft_vnetd_log(int k)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/vnetd-h%d.log", th_tmpdir(), k);
	return path;
}

void ft_vnetd_start(int k)
{
	ck_assert_int_eq(
		th_sh("ip netns exec h%d env VNET_CONF_DIR=%s/h%d/conf VNET_RUN_DIR=%s/h%d/run "
		      "\"$VNETD_BIN\" 2>%s & echo $! > %s/vnetd-h%d.pid",
		      k, th_tmpdir(), k, th_tmpdir(), k, ft_vnetd_log(k), th_tmpdir(), k),
		0);
	vnetd_pid[k] = atoi(th_str("cat %s/vnetd-h%d.pid", th_tmpdir(), k));
	ck_assert_int_gt(vnetd_pid[k], 0);
	ck_assert(ft_within(30, "grep -q 'vnetd: watching' %s", ft_vnetd_log(k)));
}

static void vnetd_stop_all(void)
{
	for (int k = 1; k <= FT_HOSTS; k++) {
		int pid = vnetd_pid[k];

		if (pid <= 0)
			continue;
		kill(pid, SIGTERM);
		if (!ft_within(10, "! test -d /proc/%d || grep -q '^State:.*Z' /proc/%d/status",
			       pid, pid))
			kill(pid, SIGKILL);
		vnetd_pid[k] = 0;
	}
}

void ft_setup_frr(void)
{
	memset(ft_frr_pid, 0, sizeof(ft_frr_pid));
	memset(vnetd_pid, 0, sizeof(vnetd_pid));
	/* a test killed before its teardown leaves daemons' folders of pids
	 * that are gone: none of them holds anything */
	th_sh("for d in /var/tmp/frr/zebra.* /var/tmp/frr/bgpd.*; do "
	      "test -d \"$d\" && ! test -d /proc/${d##*.} && rm -rf \"$d\"; done; true");
}

void ft_setup(void)
{
	nt_setup_host();
	ft_setup_frr();
}

void ft_teardown(void)
{
	vnetd_stop_all();
	ft_frr_stop_all();
	th_netns_teardown();
}
