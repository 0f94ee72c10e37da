/* Namespace tests of `vnet doctor`: each condition that breaks guest
 * networking is staged in the test's namespace (with nft, iptables,
 * iptables-legacy, sysctl, ip, a python socket) and must be found, named
 * (check, network, object) and, where traffic proves it, shown to break
 * it; a clean host finds nothing that breaks a network (exit 0, notes
 * allowed); --fix with Docker's DOCKER-USER chain makes guest NAT traffic
 * flow again. The host is the test's own namespace (tests/vnettest.h):
 *
 *   guest g1 (10.0.0.2) ─┐                      outside (192.0.2.2)
 *   guest g2 (10.0.0.3) ─┴─ bridge ── host ── out0 192.0.2.1 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

/* A NAT network isbr with a default route out, and guest g1. */
static void nat_host(const char *net, bool dhcp)
{
	ck_assert_int_eq(nt_run("create nat %s 10.0.0.0/24%s", net, dhcp ? "" : " --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip route add default via 192.0.2.2"), 0);
	nt_guest("g1", net, NULL, "10.0.0.2/24", "10.0.0.1");
}

static int doctor(const char *args)
{
	return nt_run("doctor %s >/dev/null", args);
}

/* Whether `vnet doctor -j` has a finding of check for network net whose
 * object holds obj (none of the three may hold a single quote). */
static bool found(const char *check, const char *net, const char *obj)
{
	return th_sh("$VNET doctor -j | jq -e --arg c '%s' --arg n '%s' --arg o '%s' "
		     "'[.findings[] | select(.check == $c and .network == $n and "
		     "(.object | contains($o)))] | length > 0' >/dev/null",
		     check, net, obj) == 0;
}

static long nfindings(void)
{
	return atol(th_str("$VNET doctor -j | jq '.findings | length'"));
}

/* A DOCKER-USER chain the packet never passes before the drop (FORWARD
 * does not jump to it, or rejects first): an accept there would save
 * nothing, so the fix is a command for FORWARD itself, not --fix (which
 * added two rules that changed nothing, and still found the drop). */
START_TEST(docker_user_not_reached_before_the_drop_gets_no_fix)
{
	static const char *const stage[] = {
		"iptables-nft -N DOCKER-USER && iptables-nft -P FORWARD DROP",
		"iptables-nft -N DOCKER-USER && iptables-nft -N X && iptables-nft -A X -j REJECT "
		"&& "
		"iptables-nft -A FORWARD -i isbr -j X && iptables-nft -A FORWARD -j DOCKER-USER && "
		"iptables-nft -P FORWARD DROP",
	};

	nat_host("isbr", false);
	ck_assert_int_eq(th_sh("%s", stage[_i]), 0);
	ck_assert_int_eq(doctor(""), 1);
	/* the drop the packet meets before DOCKER-USER (all of them when
	 * nothing jumps there; else X's reject: what comes back to the guest
	 * passes DOCKER-USER before the policy, and --fix does save that) */
	ck_assert_int_eq(
		th_sh("$VNET doctor -j | jq -e '[.findings[] | select(%s) | .fix] | "
		      "length >= 1 and all(startswith(\"iptables-nft -I FORWARD -i isbr\"))'",
		      _i ? ".object | contains(\" X \")" : "true"),
		0);
	if (!_i) {
		th_sh("$VNET doctor --fix >/dev/null 2>&1");
		ck_assert_str_eq(th_str("iptables-nft -S DOCKER-USER 2>&1"), "-N DOCKER-USER\n");
	}
}
END_TEST

/* The doctor's JSON, shown in the log when an assertion fails. */
static const char *report(void)
{
	return th_str("$VNET doctor -j | jq -c .findings");
}

START_TEST(clean_nat_network_with_default_route_finds_nothing)
{
	nat_host("isbr", true);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_eq(doctor(""), 0);
	ck_assert_int_eq(doctor("isbr"), 0);
	ck_assert_str_eq(th_str("$VNET doctor -j | jq -c '.findings, .fixed, (.notes | type)'"),
			 "[]\n[]\n\"array\"\n");
	/* what br_netfilter means for the network is a note */
	ck_assert_str_eq(th_str("$VNET doctor -j | jq -r '.notes[] | select(.check == "
				"\"br-netfilter\") | .network'"),
			 "isbr\n");
	ck_assert_int_eq(
		th_sh("$VNET doctor | tail -1 | grep -q '^0 findings that break a network'"), 0);
	/* reading iptables-legacy made no legacy table */
	ck_assert_str_eq(th_str("cat /proc/net/ip_tables_names 2>/dev/null"), "");
}
END_TEST

static const char *const docker_prog[] = {"iptables-nft", "iptables-legacy"};
static const char *const docker_obj[] = {
	"chain ip filter FORWARD (hook forward, priority 0, policy drop)",
	"chain FORWARD of iptables-legacy (table filter, policy DROP)"};

START_TEST(docker_forward_drop_is_found_and_fix_makes_nat_traffic_flow)
{
	const char *ipt = docker_prog[_i];
	char *before, *after, fixed[512];

	nat_host("isbr", false);
	nt_guest("g2", "isbr", NULL, "10.0.0.3/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "192.0.2.2"));
	/* as Docker stages it */
	ck_assert_int_eq(th_sh("%s -N DOCKER-USER && %s -I FORWARD -j DOCKER-USER && "
			       "%s -P FORWARD DROP",
			       ipt, ipt, ipt),
			 0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert(!nt_ping_once("g1", "10.0.0.3")); /* br_netfilter */
	before = nt_snapshot();
	ck_assert_int_eq(doctor(""), 1);
	after = nt_snapshot();
	nt_same_host(before, after); /* without --fix it changes nothing */
	ck_assert_msg(found("forward-drop", "isbr", docker_obj[_i]), "%s", report());
	ck_assert_msg(found("br-netfilter", "isbr", docker_obj[_i]), "%s", report());
	ck_assert_int_eq(nfindings(), 2);
	ck_assert_int_eq(
		th_sh("$VNET doctor -j | jq -e '.findings[0].fix | "
		      "startswith(\"vnet doctor --fix isbr (runs %s -I DOCKER-USER -i isbr\")'",
		      ipt),
		0);

	ck_assert_int_eq(th_sh("$VNET doctor --fix -j >%s/fix.json", th_tmpdir()), 0);
	snprintf(fixed, sizeof(fixed),
		 "%s -I DOCKER-USER -i isbr -m comment --comment vnet:isbr -j ACCEPT\n"
		 "%s -I DOCKER-USER -o isbr -m comment --comment vnet:isbr -j ACCEPT\n",
		 ipt, ipt);
	ck_assert_str_eq(th_str("jq -r '.fixed[].added' %s/fix.json", th_tmpdir()), fixed);
	ck_assert_str_eq(th_str("jq -c .findings %s/fix.json", th_tmpdir()), "[]\n");
	/* iptables still reads its table: vnet's rules are iptables' own */
	ck_assert_str_eq(th_str("%s -S DOCKER-USER 2>&1", ipt),
			 "-N DOCKER-USER\n"
			 "-A DOCKER-USER -o isbr -m comment --comment \"vnet:isbr\" -j ACCEPT\n"
			 "-A DOCKER-USER -i isbr -m comment --comment \"vnet:isbr\" -j ACCEPT\n");
	ck_assert_int_eq(th_sh("%s -S >/dev/null", ipt), 0);
	nt_outside_count();
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_ge(nt_outside_counter(0), 1); /* NATed to the host's address */
	ck_assert(nt_ping("g1", "10.0.0.3"));
	/* once is enough */
	ck_assert_str_eq(th_str("$VNET doctor --fix -j | jq -c .fixed"), "[]\n");
	ck_assert_int_eq(doctor(""), 0);
	free(before);
	free(after);
}
END_TEST

START_TEST(plain_iptables_forward_drop_gets_a_command_to_run)
{
	const char *fix;
	char *before, *after;

	nat_host("isbr", false);
	ck_assert_int_eq(th_sh("iptables-nft -P FORWARD DROP"), 0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert_msg(found("forward-drop", "isbr", docker_obj[0]), "%s", report());
	fix = th_str("$VNET doctor -j | jq -r '.findings[0].fix'");
	ck_assert_str_eq(fix, "iptables-nft -I FORWARD -i isbr -j ACCEPT && "
			      "iptables-nft -I FORWARD -o isbr -j ACCEPT\n");
	/* no DOCKER-USER: --fix adds nothing */
	before = nt_snapshot();
	ck_assert_int_eq(doctor("--fix"), 1);
	after = nt_snapshot();
	nt_same_host(before, after);
	ck_assert_int_eq(th_sh("%s", fix), 0);
	ck_assert_int_eq(doctor(""), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	free(before);
	free(after);
}
END_TEST

START_TEST(nft_drop_rule_is_named_by_table_chain_and_handle)
{
	char obj[256];
	long handle;

	nat_host("isbr", false);
	ck_assert_int_eq(
		th_sh("nft -f - <<'EOF'\n"
		      "table inet filter {\n"
		      "  chain forward { type filter hook forward priority 10; policy accept;\n"
		      "    ct state invalid drop\n"
		      "    iifname \"other0\" drop\n"
		      "    oifname \"docker0\" reject\n"
		      "    ip saddr 10.9.0.0/16 drop\n"
		      "    iifname \"isbr\" ip saddr 10.0.0.0/24 drop\n"
		      "  }\n"
		      "}\nEOF"),
		0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	handle = atol(th_str("nft -a -j list chain inet filter forward | "
			     "jq '[.nftables[] | .rule? // empty][-1].handle'"));
	snprintf(obj, sizeof(obj),
		 "rule handle %ld of chain inet filter forward (hook forward, priority 10): ",
		 handle);
	ck_assert_msg(found("forward-drop", "isbr", obj), "%s", report());
	/* the rules that match other interfaces, other sources or invalid
	 * packets only are not the network's: one rule, two findings (the
	 * traffic out, and between guests through br_netfilter) */
	ck_assert_str_eq(th_str("$VNET doctor -j | jq -r '[.findings[].object] | unique | length'"),
			 "1\n");
	ck_assert_int_eq(
		th_sh("$VNET doctor -j | jq -e '.findings[0].object | "
		      "endswith(\"iifname \\\"isbr\\\" ip saddr 10.0.0.0/24 drop\")' >/dev/null"),
		0);
	ck_assert_int_eq(nfindings(), 2);
}
END_TEST

START_TEST(foreign_input_drop_of_dhcp_and_dns_is_found)
{
	nat_host("isbr", true);
	ck_assert_int_eq(th_sh("nft -f - <<'EOF'\n"
			       "table inet host {\n"
			       "  chain input { type filter hook input priority 0; policy drop;\n"
			       "    iifname \"lo\" accept\n"
			       "    ct state established,related accept\n"
			       "    iifname \"docker0\" udp dport 53 accept\n"
			       "    tcp dport 22 accept\n"
			       "  }\n"
			       "}\nEOF"),
			 0);
	ck_assert(!nt_ping_once("g1", "10.0.0.1")); /* the host: its input drops */
	ck_assert_msg(found("input-drop", "isbr",
			    "chain inet host input (hook input, priority 0, policy drop)"),
		      "%s", report());
	ck_assert_int_eq(th_sh("$VNET doctor -j | jq -e '.findings[0].effect | "
			       "contains(\"DHCP requests (udp 67)\") and "
			       "contains(\"DNS queries to 10.0.0.1 (udp 53)\")' >/dev/null"),
			 0);
	ck_assert_int_eq(nfindings(), 1);
	/* the fix it gives lets DHCP and DNS in */
	ck_assert_int_eq(th_sh("%s", th_str("$VNET doctor -j | jq -r '.findings[0].fix'")), 0);
	ck_assert_int_eq(doctor(""), 0);
	ck_assert_int_eq(
		th_sh("nft list chain inet host input | grep -q 'iifname \"isbr\" udp dport "
		      "67 accept'"),
		0);
}
END_TEST

START_TEST(firewalld_reject_says_what_to_run)
{
	nat_host("isbr", true);
	/* the shape of firewalld's chains: established (a set) and loopback
	 * accepted, invalid dropped, a block list, zones through a verdict
	 * map, the rest rejected; its input lets DHCP and DNS over udp in */
	ck_assert_int_eq(
		th_sh("nft -f - <<'EOF'\n"
		      "table inet firewalld {\n"
		      "  set blk { type ipv4_addr; flags interval; elements = { 10.9.0.0/16 } }\n"
		      "  chain zone_public { reject; }\n"
		      "  chain zone_trusted { accept; }\n"
		      "  map zones { type ifname : verdict; elements = { \"eth9\" : jump "
		      "zone_public } }\n"
		      "  chain filter_FORWARD { type filter hook forward priority filter + 10;\n"
		      "    ct state { established, related } accept\n"
		      "    iifname \"lo\" accept\n"
		      "    ct state invalid drop\n"
		      "    ip saddr @blk drop\n"
		      "    iifname vmap @zones\n"
		      "    reject with icmpx admin-prohibited\n"
		      "  }\n"
		      "  chain filter_INPUT { type filter hook input priority filter + 10;\n"
		      "    ct state { established, related } accept\n"
		      "    iifname { \"lo\", \"isbr\" } udp dport { 53, 67 } accept\n"
		      "    reject with icmpx admin-prohibited\n"
		      "  }\n"
		      "}\nEOF"),
		0);
	ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert_msg(
		found("forward-drop", "isbr",
		      "of chain inet firewalld filter_FORWARD (hook forward, priority 10): reject"),
		"%s", report());
	/* the sets decide: replies are accepted, the block list is not the
	 * network's, DNS over udp is let in and over tcp not */
	ck_assert_str_eq(
		th_str("$VNET doctor -j | jq -r '.findings[] | .check + \": \" + .effect'"),
		"forward-drop: drops its guests' new connections out via out0\n"
		"br-netfilter: drops IPv4 traffic between its guests, which br_netfilter passes "
		"through the forward hook (net.bridge.bridge-nf-call-iptables=1)\n"
		"input-drop: drops its guests' DNS queries to 10.0.0.1 (tcp 53)\n");
	ck_assert_str_eq(
		th_str("$VNET doctor -j | jq -r '.findings[0].fix'"),
		"firewall-cmd --zone=trusted --add-interface=isbr && firewall-cmd --permanent "
		"--zone=trusted --add-interface=isbr\n");
	/* firewalld is not Docker: --fix adds nothing */
	ck_assert_int_eq(doctor("--fix"), 1);
	ck_assert_str_eq(th_str("$VNET doctor --fix -j | jq -c .fixed"), "[]\n");
	/* what firewall-cmd --zone=trusted --add-interface=isbr does, in short */
	ck_assert_int_eq(
		th_sh("nft add element inet firewalld zones '{ \"isbr\" : jump zone_trusted }' "
		      "&& nft insert rule inet firewalld filter_INPUT iifname isbr accept"),
		0);
	ck_assert_int_eq(doctor(""), 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
}
END_TEST

START_TEST(forward_drop_between_guests_through_br_netfilter_is_found)
{
	nat_host("lan", false);
	nt_guest("g2", "lan", NULL, "10.0.0.3/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "10.0.0.3"));
	/* a firewall that lets the network out and its replies in, and
	 * drops the rest: guest-to-guest traffic too, as br_netfilter routes
	 * it through this hook */
	ck_assert_int_eq(th_sh("nft -f - <<'EOF'\n"
			       "table ip f {\n"
			       "  chain fw { type filter hook forward priority 0; policy drop;\n"
			       "    iifname \"lan\" oifname != \"lan\" accept\n"
			       "    oifname \"lan\" ct state established,related accept\n"
			       "  }\n"
			       "}\nEOF"),
			 0);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert(!nt_ping_once("g1", "10.0.0.3"));
	ck_assert_msg(found("br-netfilter", "lan",
			    "chain ip f fw (hook forward, priority 0, policy drop)"),
		      "%s", report());
	ck_assert_int_eq(nfindings(), 1);
	/* without br_netfilter's hook, nothing to find, and guests meet */
	ck_assert_int_eq(th_sh("sysctl -qw net.bridge.bridge-nf-call-iptables=0"), 0);
	ck_assert_int_eq(doctor(""), 0);
	ck_assert(nt_ping("g1", "10.0.0.3"));
	ck_assert_str_eq(th_str("$VNET doctor -j | jq '[.notes[] | select(.check == "
				"\"br-netfilter\")] | length'"),
			 "0\n");
}
END_TEST

START_TEST(bridge_family_forward_drop_is_found)
{
	nat_host("lan", false);
	nt_guest("g2", "lan", NULL, "10.0.0.3/24", "10.0.0.1");
	ck_assert(nt_ping("g1", "10.0.0.3"));
	ck_assert_int_eq(th_sh("nft add table bridge f && nft add chain bridge f fw "
			       "'{ type filter hook forward priority 0; policy drop; }'"),
			 0);
	ck_assert(!nt_ping_once("g1", "10.0.0.3"));
	ck_assert_msg(found("forward-drop", "lan",
			    "chain bridge f fw (hook forward, priority 0, policy drop)"),
		      "%s", report());
	ck_assert_int_eq(th_sh("$VNET doctor -j | jq -e '.findings[0].effect | "
			       "contains(\"frames between its guests on bridge lan\")' >/dev/null"),
			 0);
}
END_TEST

/* Host conditions, staged on a NAT network isbr with guest g1 (g1-h). */
static const struct {
	const char *stage;
	const char *check;
	const char *object;
	const char *effect; /* a part of it */
	bool breaks_nat;    /* g1 no longer reaches the outside */
} staged[] = {
	{"sysctl -qw net.ipv4.ip_forward=0", "ip-forward", "sysctl net.ipv4.ip_forward=0",
	 "the host forwards nothing", true},
	{"sysctl -qw net.ipv4.conf.all.rp_filter=1 && ip route add 10.0.0.0/25 dev out0",
	 "rp-filter", "sysctl net.ipv4.conf.isbr.rp_filter=1 (strict)",
	 "from its guests in 10.0.0.0/25: the route back to them (10.0.0.0/25 dev out0)", true},
	{"ip link add out1 type veth peer name o1 && ip link set out1 up && ip link set o1 up && "
	 "ip addr add 198.51.100.1/24 dev out1 && "
	 "ip route add default via 198.51.100.2 dev out1 metric 500 && "
	 "sysctl -qw net.ipv4.conf.out1.rp_filter=1",
	 "rp-filter", "sysctl net.ipv4.conf.out1.rp_filter=1 (strict)",
	 "the default route back to the senders leaves by out0", false},
	{"ip route del default", "default-route", "IPv4 default route: none",
	 "reach only the networks the host has routes to", false},
	{"ip link set g1-h mtu 1400", "mtu", "port g1-h of bridge isbr: MTU 1400, bridge MTU 1500",
	 "frames of more than 1400 bytes to g1-h are dropped", false},
};

START_TEST(each_host_condition_is_found_and_named)
{
	nat_host("isbr", false);
	ck_assert(nt_ping("g1", "192.0.2.2"));
	ck_assert_int_eq(doctor(""), 0);
	ck_assert_int_eq(th_sh("%s", staged[_i].stage), 0);
	if (staged[_i].breaks_nat)
		ck_assert(!nt_ping_once("g1", "192.0.2.2"));
	ck_assert_int_eq(doctor(""), 1);
	ck_assert_msg(found(staged[_i].check, "isbr", staged[_i].object), "%s", report());
	ck_assert_int_eq(th_sh("$VNET doctor -j | jq -e --arg e '%s' '.findings[0].effect | "
			       "contains($e)' >/dev/null",
			       staged[_i].effect),
			 0);
	ck_assert_int_eq(nfindings(), 1);
}
END_TEST

START_TEST(router_advertisements_stopped_by_forwarding_are_found)
{
	/* create refuses IPv6 forwarding while an interface takes RAs */
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv6.conf.default.accept_ra=2 "
			       "net.ipv6.conf.out0.accept_ra=2"),
			 0);
	ck_assert_int_eq(nt_run("create routed r6 fd00:1::/64 --no-dhcp"), 0);
	ck_assert_int_eq(doctor(""), 0);
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv6.conf.out0.accept_ra=1 && "
			       "ip -6 route add 2001:db8:9::/64 via fe80::1 dev out0 proto ra"),
			 0);
	ck_assert_int_eq(doctor(""), 1);
	ck_assert_msg(
		found("accept-ra", "r6",
		      "interface out0: accept_ra=1, route 2001:db8:9::/64 via fe80::1 learned "
		      "from a router advertisement"),
		"%s", report());
	ck_assert_str_eq(
		th_str("$VNET doctor -j | jq -r '.findings[0].fix'"),
		"sysctl -w net.ipv6.conf.out0.accept_ra=2 (takes them while forwarding)\n");
}
END_TEST

START_TEST(wildcard_dns_socket_that_blocks_dnsmasq_is_found)
{
	char *pid;

	nat_host("isbr", true);
	ck_assert_int_eq(th_sh("kill $($VNET show isbr -j | jq .dnsmasq_pid) && "
			       "while [ \"$($VNET show isbr -j | jq .dnsmasq_pid)\" != null ]; do "
			       "sleep 0.05; done"),
			 0);
	/* on every address, with a name that needs escaping */
	ck_assert_int_eq(th_sh("python3 -c '\n"
			       "import ctypes, os, signal, socket, sys\n"
			       "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
			       "s.bind((\"0.0.0.0\", 53))\n"
			       "ctypes.CDLL(None).prctl(15, b\"dns\\x22x\", 0, 0, 0)\n"
			       "if os.fork(): sys.exit(0)\n"
			       "open(\"%s/pid\", \"w\").write(str(os.getpid()))\n"
			       "os.close(1); os.close(2)\n"
			       "while True: signal.pause()\n"
			       "' && while [ ! -s %s/pid ]; do sleep 0.05; done",
			       th_tmpdir(), th_tmpdir()),
			 0);
	pid = th_out(NULL, "cat %s/pid", th_tmpdir());
	ck_assert_int_ne(nt_run("restart-services isbr 2>/dev/null"), 0);
	ck_assert_int_eq(doctor(""), 1);
	ck_assert_msg(
		found("port-busy", "isbr", th_str("printf 'udp *:53, pid %s (dns\\\\x22x)'", pid)),
		"%s", report());
	ck_assert_int_eq(th_sh("kill %s", pid), 0);
	ck_assert_int_eq(th_sh("while kill -0 %s 2>/dev/null; do sleep 0.05; done", pid), 0);
	ck_assert_int_eq(nt_run("restart-services isbr"), 0);
	ck_assert_int_eq(doctor(""), 0);
	free(pid);
}
END_TEST

START_TEST(one_network_is_looked_at_by_name)
{
	int code;
	char *err;

	ck_assert_int_eq(nt_run("create nat a 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create nat b 10.1.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip route add default via 192.0.2.2"), 0);
	ck_assert_int_eq(th_sh("nft add table ip f && nft add chain ip f fw "
			       "'{ type filter hook forward priority 0; }' && "
			       "nft add rule ip f fw iifname a drop"),
			 0);
	ck_assert_int_eq(doctor("b"), 0);
	ck_assert_int_eq(doctor("a"), 1);
	ck_assert_str_eq(th_str("$VNET doctor -j | jq -r '[.findings[].network] | unique[]'"),
			 "a\n");
	err = nt_err(&code, "doctor nosuch");
	ck_assert_str_eq(err, "vnet: network nosuch: no such network\n");
	ck_assert_int_eq(code, 3);
	free(err);
	ck_assert_int_eq(doctor("a b 2>/dev/null"), 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_doctor");
	TCase *t = tcase_create("firewall");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, clean_nat_network_with_default_route_finds_nothing);
	tcase_add_loop_test(t, docker_forward_drop_is_found_and_fix_makes_nat_traffic_flow, 0, 2);
	tcase_add_test(t, plain_iptables_forward_drop_gets_a_command_to_run);
	tcase_add_loop_test(t, docker_user_not_reached_before_the_drop_gets_no_fix, 0, 2);
	tcase_add_test(t, nft_drop_rule_is_named_by_table_chain_and_handle);
	tcase_add_test(t, foreign_input_drop_of_dhcp_and_dns_is_found);
	tcase_add_test(t, firewalld_reject_says_what_to_run);
	tcase_add_test(t, forward_drop_between_guests_through_br_netfilter_is_found);
	tcase_add_test(t, bridge_family_forward_drop_is_found);
	suite_add_tcase(s, t);

	t = tcase_create("host");
	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_loop_test(t, each_host_condition_is_found_and_named, 0,
			    sizeof(staged) / sizeof(staged[0]));
	tcase_add_test(t, router_advertisements_stopped_by_forwarding_are_found);
	tcase_add_test(t, wildcard_dns_socket_that_blocks_dnsmasq_is_found);
	tcase_add_test(t, one_network_is_looked_at_by_name);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_doctor", true);
}
