/* vnettest — see vnettest.h. */
#include "tests/vnettest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

const char *nt_vnet;

void nt_setup_host(void)
{
	static char conf[300], run[300];

	th_netns_setup();
	nt_vnet = getenv("VNET_BIN");
	ck_assert_msg(nt_vnet != NULL, "VNET_BIN is not set");
	snprintf(conf, sizeof(conf), "%s/conf", th_tmpdir());
	snprintf(run, sizeof(run), "%s/run", th_tmpdir());
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	setenv("VNET", nt_vnet, 1); /* for shell lines in tests */
	unsetenv("VNET_NETWORK");   /* the hooks' network: a test names its own */
}

static void must(bool ok, const char *what, const char *path)
{
	ck_assert_msg(ok, "helper setup: %s %s: %s", what, path, strerror(errno));
}

/* dir as an overlay of itself, its upper layer in the test's folder. */
static void overlay(const char *dir, const char *tag)
{
	char up[300], work[300], opts[700];

	snprintf(up, sizeof(up), "%s/ovl-%s-up", th_tmpdir(), tag);
	snprintf(work, sizeof(work), "%s/ovl-%s-work", th_tmpdir(), tag);
	must(mkdir(up, 0755) == 0 && mkdir(work, 0755) == 0, "mkdir", up);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", dir, up, work);
	must(mount("overlay", dir, "overlay", 0, opts) == 0, "overlay on", dir);
}

static void bind(const char *from, const char *to)
{
	must(mkdir(from, 0755) == 0 || errno == EEXIST, "mkdir", from);
	must(mkdir(to, 0755) == 0 || errno == EEXIST, "mkdir", to);
	must(mount(from, to, NULL, MS_BIND, NULL) == 0, "bind onto", to);
}

const char *nt_helper_setup(void)
{
	static const char *dir = "/run/vnet-test-suid";
	static char helper[300], aside[300];
	const char *built = getenv("VNET_BRIDGE_HELPER_BIN");
	struct statvfs fs;

	ck_assert_msg(built != NULL, "VNET_BRIDGE_HELPER_BIN is not set");
	overlay("/etc", "etc");
	/* an overlay of /run hides the mounts under it: the harness's
	 * /run/netns goes aside and comes back */
	snprintf(aside, sizeof(aside), "%s/netns-aside", th_tmpdir());
	must(mkdir(aside, 0755) == 0, "mkdir", aside);
	must(mount("/run/netns", aside, NULL, MS_MOVE, NULL) == 0, "move aside", "/run/netns");
	overlay("/run", "run");
	must(mkdir("/run/netns", 0755) == 0 || errno == EEXIST, "mkdir", "/run/netns");
	must(mount(aside, "/run/netns", NULL, MS_MOVE, NULL) == 0, "move back", "/run/netns");
	bind(getenv("VNET_CONF_DIR"), "/etc/vnet");
	bind(getenv("VNET_RUN_DIR"), "/run/vnet");
	/* the machine's /tmp may be nosuid: a tmpfs of the test's that is not */
	must(mkdir(dir, 0755) == 0, "mkdir", dir);
	must(mount("tmpfs", dir, "tmpfs", MS_NODEV, "mode=0755") == 0, "tmpfs on", dir);
	must(statvfs(dir, &fs) == 0 && !(fs.f_flag & ST_NOSUID), "suid allowed on", dir);
	snprintf(helper, sizeof(helper), "%s/vnet-bridge-helper", dir);
	ck_assert_int_eq(
		th_sh("cp '%s' %s && chown 0:0 %s && chmod 4755 %s", built, helper, helper, helper),
		0);
	setenv("VNET_HELPER", helper, 1);
	return helper;
}

void nt_outside(void)
{
	ck_assert_int_eq(th_sh("ip netns add outside && "
			       "ip link add out0 type veth peer name eth0 netns outside && "
			       "ip addr add 192.0.2.1/24 dev out0 && ip link set out0 up && "
			       "ip -n outside addr add 192.0.2.2/24 dev eth0 && "
			       "ip -n outside link set eth0 up && ip -n outside link set lo up"),
			 0);
}

void nt_setup(void)
{
	nt_setup_host();
	nt_outside();
}

int nt_run(const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_sh("%s %s", nt_vnet, args);
}

/* vnet's stderr for these arguments, malloc'd; *code its exit status. */
static char *verr(int *code, const char *fmt, va_list ap)
{
	char args[1024];

	vsnprintf(args, sizeof(args), fmt, ap);
	return th_err(code, "%s %s", nt_vnet, args);
}

char *nt_err(int *code, const char *fmt, ...)
{
	va_list ap;
	char *err;

	va_start(ap, fmt);
	err = verr(code, fmt, ap);
	va_end(ap);
	return err;
}

const char *nt_says(int *code, const char *fmt, ...)
{
	va_list ap;
	char *err;

	va_start(ap, fmt);
	err = verr(code, fmt, ap);
	va_end(ap);
	return th_keep(err);
}

void nt_guest(const char *name, const char *net, const char *mac, const char *cidr, const char *gw)
{
	ck_assert_int_eq(
		th_sh("ip netns add %s && ip link add %s-h type veth peer name eth0 netns %s "
		      "&& ip -n %s link set lo up",
		      name, name, name, name),
		0);
	if (mac)
		ck_assert_int_eq(th_sh("ip -n %s link set eth0 address %s", name, mac), 0);
	ck_assert_int_eq(th_sh("ip -n %s link set eth0 up", name), 0);
	if (cidr)
		ck_assert_int_eq(th_sh("ip -n %s addr add %s dev eth0 && "
				       "ip -n %s route add default via %s",
				       name, cidr, name, gw),
				 0);
	ck_assert_int_eq(nt_run("port add %s %s-h", net, name), 0);
}

static const char *in(const char *ns, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", ns ? "ip netns exec " : "", ns ? ns : "");
	return buf;
}

bool nt_ping(const char *ns, const char *dst)
{
	char pre[64];

	return th_sh("for i in 1 2 3; do %s ping -c1 -W1 -q %s >/dev/null 2>&1 && exit 0; done; "
		     "exit 1",
		     in(ns, pre, sizeof(pre)), dst) == 0;
}

bool nt_ping_once(const char *ns, const char *dst)
{
	char pre[64];

	return th_sh("%s ping -c1 -W1 -q %s >/dev/null 2>&1", in(ns, pre, sizeof(pre)), dst) == 0;
}

/* What the kernel changes on its own, by timers, in ip -j output: leaves
 * vnet's doing to compare. Left out: the bridges' timers; operstate, the
 * carrier flags of links (LOWER_UP, NO-CARRIER, M-DOWN) and routes
 * (linkdown) and a bridge port's STP state, which follow a link's carrier
 * up to a second late (link watch), while the UP flag vnet sets stays; an
 * IPv6 address's DAD in progress (tentative, optimistic; dadfailed stays: a
 * duplicate is a state, not a moment) and its deprecation; lifetimes
 * counting down (a finite one shows as "finite"), route expiry; and the
 * IPv6 link-local addresses the kernel makes when a link's carrier comes up,
 * with their fe80::/64 kernel routes (vnet makes, moves and deletes no
 * link-local address); a bridge's TSO limits, which the kernel lowers to
 * its ports' as one joins and does not raise when the last one leaves. */
static const char settled[] =
	"def forever: if type == \"number\" and . != 4294967295 then \"finite\" else . end; "
	"walk(if type == \"object\" then "
	"  with_entries(select(.key | (endswith(\"_timer\") or "
	"    IN(\"operstate\", \"tentative\", \"optimistic\", \"deprecated\", \"expires\", "
	"       \"tso_max_size\", \"tso_max_segs\")) | "
	"not)) "
	"  | if (.flags | type) == \"array\" "
	"    then .flags -= [\"LOWER_UP\", \"NO-CARRIER\", \"M-DOWN\", \"linkdown\"] else . end "
	"  | if has(\"info_slave_data\") then del(.info_slave_data.state) else . end "
	"  | if has(\"valid_life_time\") then .valid_life_time |= forever else . end "
	"  | if has(\"preferred_life_time\") then .preferred_life_time |= forever else . end "
	"  | if has(\"addr_info\") then .addr_info |= map(select(.family == \"inet6\" and "
	"    .scope == \"link\" and (.local | startswith(\"fe80:\")) | not)) else . end "
	"  else . end) "
	"| map(select(.dst == \"fe80::/64\" and .protocol == \"kernel\" | not))";

char *nt_snapshot(void)
{
	/* an object's keys in one order; counters count packets, not changes */
	return th_out(NULL,
		      "ip -j -d link | jq -S '%s | map(del(.ifindex))'; ip -j addr | jq -S '%s'; "
		      "ip -j route | jq -S '%s'; ip -6 -j route | jq -S '%s'; "
		      "nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'; "
		      "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding; "
		      "ls -A $VNET_CONF_DIR 2>/dev/null; cat $VNET_CONF_DIR/*.conf 2>/dev/null; "
		      "cat $VNET_RUN_DIR/dnsmasq/* 2>/dev/null",
		      settled, settled, settled, settled);
}

void nt_same_host(const char *before, const char *after)
{
	char a[320], b[320];
	FILE *f;

	if (!strcmp(before, after))
		return;
	snprintf(a, sizeof(a), "%s/before", th_tmpdir());
	snprintf(b, sizeof(b), "%s/after", th_tmpdir());
	f = fopen(a, "w");
	fputs(before, f);
	fclose(f);
	f = fopen(b, "w");
	fputs(after, f);
	fclose(f);
	th_sh("diff -u %s %s >&2", a, b);
	ck_abort_msg("the host changed (diff on stderr)");
}

void nt_outside_count(void)
{
	ck_assert_int_eq(th_sh("ip netns exec outside nft -f - <<'EOF'\n"
			       "table ip watch {\n"
			       "  chain in { type filter hook input priority 0;\n"
			       "    ip saddr 192.0.2.1 icmp type echo-request counter\n"
			       "    ip saddr 10.0.0.0/8 icmp type echo-request counter\n"
			       "  }\n"
			       "}\nEOF"),
			 0);
}

long nt_outside_counter(int rule)
{
	return atol(th_str("ip netns exec outside nft -j list chain ip watch in | "
			   "jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty]"
			   "[%d].packets'",
			   rule));
}

/* The shell line exits with code saying exactly msg, and the host is as it
 * was. */
static void refused(int code, const char *msg, const char *line)
{
	char *before = nt_snapshot(), *after, *err;
	int got;

	err = th_err(&got, "%s", line);
	/* "...": what comes before it starts the text (a usage follows) */
	if (strlen(msg) > 3 && !strcmp(msg + strlen(msg) - 3, "..."))
		ck_assert_msg(!strncmp(err, msg, strlen(msg) - 3), "%s", err);
	else
		ck_assert_str_eq(err, msg);
	ck_assert_int_eq(got, code);
	after = nt_snapshot();
	nt_same_host(before, after);
	free(err);
	free(after);
	free(before);
}

void nt_refused(int code, const char *msg, const char *fmt, ...)
{
	char args[1024], line[1100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s %s", nt_vnet, args);
	refused(code, msg, line);
}

void nt_sh_refused(int code, const char *msg, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	refused(code, msg, line);
}

/* Runs dhclient -6 once in ns, once its link-local address is usable;
 * its script (dhclient passes it no environment of ours) puts the address
 * on the interface (no duplicate detection: the server chose it) and
 * writes what it was handed. Returns "ADDRESS DNS" ("" when it got nothing
 * in 30 s). */
const char *nt_dhcp6(const char *ns)
{
	const char *d = th_tmpdir();
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-dhclient.sh", d, ns);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"#!/bin/sh\ncase \"$reason\" in BOUND6|REBOOT6)\n"
		"  ip -6 addr add \"$new_ip6_address/$new_ip6_prefixlen\" dev \"$interface\" "
		"nodad\n"
		"  printf '%%s %%s\\n' \"$new_ip6_address\" \"$new_dhcp6_name_servers\" "
		"> %s/%s.lease;;\nesac\nexit 0\n",
		d, ns);
	fclose(f);
	ck_assert_int_eq(th_sh("chmod +x %s", path), 0);
	ck_assert_int_eq(th_sh("for i in $(seq 600); do ip -n %s -6 addr show dev eth0 scope link "
			       "| grep -q tentative || exit 0; sleep 0.05; done; exit 1",
			       ns),
			 0);
	return th_str("timeout 30 ip netns exec %s dhclient -6 -1 -v -sf %s -lf %s/%s.leases "
		      "-pf %s/%s.pid eth0 >&2; cat %s/%s.lease 2>/dev/null; "
		      "kill $(cat %s/%s.pid 2>/dev/null) 2>/dev/null; true",
		      ns, path, d, ns, d, ns, d, ns, d, ns);
}
