/* Namespace tests of --anti-spoof, by traffic: guests are veth namespaces
 * on a network whose ports are bound with `vnet port add --mac --ip`; a
 * guest that lies about its MAC, its IP or the gateway's is cut off (and
 * counted) while an honest neighbour keeps working; a DHCP server in a
 * guest hands out nothing; the rule count does not grow with the ports.
 * Observed with ping, ip neigh, busybox and nft -j, not vnet's word. */
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/vnettest.h"

#define MAC_A "52:54:00:aa:00:01"
#define MAC_B "52:54:00:aa:00:02"

/* a guest namespace on network n1, bound to its MAC and address */
static void bound_guest(const char *name, const char *mac, const char *ip)
{
	ck_assert_int_eq(
		th_sh("ip netns add %s && ip link add %s-h type veth peer name eth0 netns %s && "
		      "ip -n %s link set lo up && ip -n %s link set eth0 address %s && "
		      "ip -n %s link set eth0 up && ip -n %s addr add %s/16 dev eth0",
		      name, name, name, name, name, mac, name, name, ip),
		0);
	ck_assert_int_eq(nt_run("port add n1 %s-h --mac %s --ip %s", name, mac, ip), 0);
}

/* n1 with guests a (10.9.0.10) and b (10.9.0.11), both reaching the
 * gateway and each other. */
static void setup(void)
{
	nt_setup_host();
	ck_assert_int_eq(
		nt_run("create isolated n1 10.9.0.0/16 fd00:9::/64 --anti-spoof --no-dhcp"), 0);
	bound_guest("a", MAC_A, "10.9.0.10");
	bound_guest("b", MAC_B, "10.9.0.11");
	ck_assert(nt_ping("a", "10.9.0.1"));
	ck_assert(nt_ping("b", "10.9.0.1"));
	ck_assert(nt_ping("a", "10.9.0.11"));
}

static long dropped(const char *port)
{
	return atol(th_str("%s show n1 -j | jq -j '.anti_spoof_ports[] | select(.port == \"%s\") "
			   "| .dropped_packets'",
			   nt_vnet, port));
}

START_TEST(a_guest_that_changes_its_mac_is_cut_off_while_its_neighbour_works)
{
	ck_assert_int_eq(dropped("a-h"), 0);
	ck_assert_int_eq(th_sh("ip -n a link set eth0 address 52:54:00:aa:00:99 && "
			       "ip -n a neigh flush all"),
			 0);
	ck_assert(!nt_ping_once("a", "10.9.0.1"));
	ck_assert(!nt_ping_once("a", "10.9.0.11"));
	ck_assert(nt_ping("b", "10.9.0.1"));
	ck_assert_int_gt(dropped("a-h"), 0);
	ck_assert_int_eq(dropped("b-h"), 0);
	/* its own MAC back: it works again */
	ck_assert_int_eq(th_sh("ip -n a link set eth0 address %s", MAC_A), 0);
	ck_assert(nt_ping("a", "10.9.0.1"));
}
END_TEST

START_TEST(a_guest_that_takes_its_neighbours_or_the_gateways_ip_is_cut_off)
{
	static const char *const stolen[] = {"10.9.0.11", "10.9.0.1"};

	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(th_sh("ip -n a addr flush dev eth0 && ip -n a neigh flush all && "
				       "ip -n a addr add %s/16 dev eth0",
				       stolen[i]),
				 0);
		ck_assert(!nt_ping_once("a", i ? "10.9.0.11" : "10.9.0.1"));
		ck_assert(nt_ping("b", "10.9.0.1"));
	}
	ck_assert_int_gt(dropped("a-h"), 0);
	/* an address of its own it was not given is no better */
	ck_assert_int_eq(th_sh("ip -n a addr flush dev eth0 && ip -n a neigh flush all && "
			       "ip -n a addr add 10.9.0.50/16 dev eth0"),
			 0);
	ck_assert(!nt_ping_once("a", "10.9.0.1"));
	ck_assert(nt_ping("b", "10.9.0.11") || nt_ping("b", "10.9.0.1"));
}
END_TEST

/* A MAC or an address another port of the network holds, or a gateway,
 * is not bound to a second port: refused (conflict), naming the holder,
 * and nothing changes; the same binding of the same port again is no
 * change (hooks and the launcher go through the same check). */
START_TEST(a_binding_another_port_holds_or_the_gateways_is_refused)
{
	static const struct {
		const char *args, *msg;
	} clash[] = {
		{"--mac " MAC_B " --ip 10.9.0.12",
		 "MAC 52:54:00:aa:00:02: is bound to port b-h of network n1: not bound"},
		{"--mac 52:54:00:aa:00:03 --ip 10.9.0.11",
		 "address 10.9.0.11: is bound to port b-h of network n1: not bound"},
		{"--mac 52:54:00:aa:00:03 --ip fd00:9::5054:ff:feaa:2",
		 "address [fd00:9::5054:ff:feaa:2]: is bound to port b-h of network n1: not "
		 "bound"},
		{"--mac 52:54:00:aa:00:03 --ip 10.9.0.1",
		 "address 10.9.0.1: is the network's gateway"},
		{"--mac 52:54:00:aa:00:03 --ip fd00:9::1",
		 "address [fd00:9::1]: is the network's gateway"},
	};
	char msg[256], gw[32];

	ck_assert_int_eq(th_sh("ip link add c-h type veth peer name c-g"), 0);
	for (unsigned i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
		snprintf(msg, sizeof(msg), "vnet: %s\n", clash[i].msg);
		nt_refused(4, msg, "port add n1 c-h %s", clash[i].args);
	}
	snprintf(msg, sizeof(msg), "vnet-ifup: c-h: %s\n", clash[0].msg);
	nt_sh_refused(4, msg, "VNET_NETWORK=n1 VNET_MAC=%s $VNET_IFUP c-h", MAC_B);
	/* the bridge's MAC would bind the gateway's link-local address (the
	 * hooks, and dnsmasq's dhcp-script for a lease to it, alike) */
	snprintf(gw, sizeof(gw), "%s", th_str("ip -j link show dev n1 | jq -j '.[0].address'"));
	snprintf(msg, sizeof(msg),
		 "vnet: MAC %s: is bridge n1's, the network's gateway: not bound\n", gw);
	nt_refused(4, msg, "port add n1 c-h --mac %s --ip 10.9.0.12", gw);
	snprintf(msg, sizeof(msg),
		 "vnet-ifup: c-h: MAC %s: is bridge n1's, the network's gateway: not bound\n", gw);
	nt_sh_refused(4, msg, "VNET_NETWORK=n1 VNET_MAC=%s $VNET_IFUP c-h", gw);
	snprintf(msg, sizeof(msg),
		 "vnet-dhcp-script: MAC %s: is bridge n1's, the network's gateway: not bound\n",
		 gw);
	nt_sh_refused(
		4, msg,
		"DNSMASQ_INTERFACE=n1 $(dirname $VNET_IFUP)/vnet-dhcp-script add %s 10.9.0.12", gw);
	ck_assert_int_eq(th_sh("nft list map bridge vnet mac_owner | grep -qi '%s'", gw), 1);
	/* the same port, the same binding: no change, and it still works */
	ck_assert_int_eq(nt_run("port add n1 a-h --mac %s --ip 10.9.0.10", MAC_A), 0);
	ck_assert(nt_ping("a", "10.9.0.11"));
	ck_assert_int_eq(nt_run("port add n1 c-h --mac 52:54:00:aa:00:03 --ip 10.9.0.12"), 0);
}
END_TEST

/* Binding a port again replaces what its record says it had (read by
 * key, not from a dump of every port's): the old address no longer passes
 * and is free for another port; a port that leaves frees its MAC. */
START_TEST(a_new_binding_replaces_the_old_and_frees_what_it_held)
{
	ck_assert_int_eq(nt_run("port add n1 a-h --mac %s --ip 10.9.0.20", MAC_A), 0);
	ck_assert(!nt_ping_once("a", "10.9.0.11"));
	ck_assert_int_eq(th_sh("ip -n a addr flush dev eth0 && ip -n a neigh flush all && "
			       "ip -n a addr add 10.9.0.20/16 dev eth0"),
			 0);
	ck_assert(nt_ping("a", "10.9.0.11"));
	ck_assert_int_eq(th_sh("! nft list set bridge vnet ip4s | grep -q 10.9.0.10 && "
			       "! nft list map bridge vnet ip4_owner | grep -q 10.9.0.10"),
			 0);
	ck_assert_int_eq(th_sh("ip link add c-h type veth peer name c-g"), 0);
	ck_assert_int_eq(nt_run("port add n1 c-h --mac 52:54:00:aa:00:03 --ip 10.9.0.10"), 0);
	ck_assert_int_eq(nt_run("port del b-h"), 0);
	ck_assert_int_eq(th_sh("ip link add d-h type veth peer name d-g"), 0);
	ck_assert_int_eq(nt_run("port add n1 d-h --mac %s --ip 10.9.0.11", MAC_B), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert_str_eq(
		th_str("nft list map bridge vnet mac_owner | grep -o '%s : \"[a-z-]*\"'", MAC_B),
		MAC_B " : \"d-h\"\n");
}
END_TEST

/* A binding whose interface is gone (a tap closed with qemu, no up since)
 * blocks no new one: it goes, its record too, and the new port gets its
 * MAC and address (before, "is bound to port a-h" until vnet up). */
START_TEST(a_binding_of_a_vanished_port_blocks_no_new_one)
{
	ck_assert_int_eq(th_sh("ip link del a-h && ip link add c-h type veth peer name c-g"), 0);
	ck_assert_int_eq(nt_run("port add n1 c-h --mac %s --ip 10.9.0.10", MAC_A), 0);
	ck_assert_str_eq(
		th_str("nft list map bridge vnet mac_owner | grep -o '%s : \"[a-z-]*\"'", MAC_A),
		MAC_A " : \"c-h\"\n");
	ck_assert_int_eq(th_sh("nft list set bridge vnet ip4s | grep -q a-h"), 1);
	ck_assert_str_eq(th_str("ls $VNET_RUN_DIR/spoof | tr '\\n' ' '"), "b-h c-h ");
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
}
END_TEST

/* --mac and --ip bind nothing on a network without --anti-spoof: the
 * command line says so; the hooks and the launcher, which pass a MAC for
 * every network, go on without a binding. */
START_TEST(a_binding_on_a_network_without_anti_spoof_is_refused_on_the_command_line)
{
	ck_assert_int_eq(nt_run("create isolated n3 10.7.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip link add c-h type veth peer name c-g"), 0);
	nt_refused(2,
		   "vnet: network n3: has no --anti-spoof, so --mac and --ip would bind nothing\n",
		   "port add n3 c-h --mac 52:54:00:aa:00:03");
	nt_refused(2,
		   "vnet: network n3: has no --anti-spoof, so --mac and --ip would bind nothing\n",
		   "port add n3 c-h --ip 10.7.0.5");
	ck_assert_int_eq(th_sh("VNET_NETWORK=n3 VNET_MAC=52:54:00:aa:00:03 VNET_IP=10.7.0.5 "
			       "$VNET_IFUP c-h"),
			 0);
	ck_assert_str_eq(th_str("ip -j link show dev c-h | jq -j '.[0].master'"), "n3");
	ck_assert_int_eq(th_sh("nft list set bridge vnet macs | grep -q c-h"), 1);
}
END_TEST

/* show prints each port's binding and drops as -j carries them; a port's
 * name in the table is escaped (anyone with root may add an element). */
START_TEST(show_lists_each_ports_mac_addresses_and_drops)
{
	ck_assert_int_eq(th_sh("nft add element bridge vnet ports \"{ \\\"$(printf 'x\\033')\\\" : "
			       "jump n1-nomac }\""),
			 0);
	ck_assert_str_eq(
		th_str("%s show n1 | sed -n '/^  anti-spoof$/,$p'", nt_vnet),
		"  anti-spoof\n"
		"    a-h: MAC 52:54:00:aa:00:01, addresses 10.9.0.10 fd00:9::5054:ff:feaa:1 "
		"fe80::5054:ff:feaa:1, dropped 0 packets 0 bytes\n"
		"    b-h: MAC 52:54:00:aa:00:02, addresses 10.9.0.11 fd00:9::5054:ff:feaa:2 "
		"fe80::5054:ff:feaa:2, dropped 0 packets 0 bytes\n"
		"    x\\x1b: no MAC yet, addresses -, dropped 0 packets 0 bytes\n");
	ck_assert_str_eq(th_str("%s show n1 -j | jq -c '.anti_spoof_ports[0]'", nt_vnet),
			 "{\"port\":\"a-h\",\"bound\":true,\"mac\":\"52:54:00:aa:00:01\","
			 "\"addresses\":[\"10.9.0.10\",\"fd00:9::5054:ff:feaa:1\","
			 "\"fe80::5054:ff:feaa:1\"],\"dropped_packets\":0,\"dropped_bytes\":0}\n");
}
END_TEST

/* A guest port the table no longer knows (its element of the ports map
 * deleted behind vnet's back) sends as it likes: status names it, so vnetd
 * and up put its binding back; before, show said up (a hostile try). */
START_TEST(an_unfiltered_port_is_named_and_put_back)
{
	ck_assert_int_eq(th_sh("nft delete element bridge vnet ports '{ \"a-h\" }'"), 0);
	/* a now sends from any address */
	ck_assert_int_eq(th_sh("ip -n a addr add 10.9.0.77/16 dev eth0"), 0);
	ck_assert(nt_ping("b", "10.9.0.77"));
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j '.state, \" \", .problems[0].object, \" \", "
				".problems[0].have'",
				nt_vnet),
			 "degraded anti-spoofing of port a-h absent: unfiltered");
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert(!nt_ping_once("b", "10.9.0.77"));
	ck_assert(nt_ping("a", "10.9.0.1"));
}
END_TEST

/* b pings a's 10.9.9.9, an address a was never given: a answers from it.
 * Static neighbours on both sides, so that ARP (whose sender a's binding
 * does not allow either) does not decide it: only the IPv4 source does. */
static bool forged_source_passes(void)
{
	return nt_ping_once("b", "10.9.9.9");
}

static void forge_setup(void)
{
	ck_assert_int_eq(
		th_sh("ip -n a addr add 10.9.9.9/16 dev eth0 && "
		      "ip -n a neigh replace 10.9.0.11 lladdr %s dev eth0 nud permanent && "
		      "ip -n b neigh replace 10.9.9.9 lladdr %s dev eth0 nud permanent",
		      MAC_B, MAC_A),
		0);
	ck_assert(!forged_source_passes());
}

/* The state and first problem show -j says, as one line. */
#define FIRST_PROBLEM                                                                              \
	"%s show n1 -j | jq -j '.state, \" \", .problems[0].object, \": want \", "                 \
	".problems[0].want, \", have \", .problems[0].have'"

/* An element of a known port added by hand (its record does not want it)
 * lets a forged source through: status names it, up deletes it, and
 * nothing else changes. Before, show said up and nothing repaired it. */
START_TEST(an_extra_element_is_named_and_up_takes_it_out)
{
	forge_setup();
	ck_assert_int_eq(th_sh("nft add element bridge vnet ip4s '{ \"a-h\" . 10.9.9.9 }'"), 0);
	ck_assert(nt_ping("b", "10.9.9.9"));
	ck_assert_str_eq(th_str(FIRST_PROBLEM, nt_vnet),
			 "degraded anti-spoofing of port a-h: want no ip4s 10.9.9.9 (vnet up), "
			 "have ip4s 10.9.9.9");
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert(!forged_source_passes());
	ck_assert(nt_ping("a", "10.9.0.11"));
	ck_assert(nt_ping("b", "10.9.0.10"));
}
END_TEST

/* A bound port's MAC element deleted by hand cuts the honest guest off:
 * status names it, up puts it back. */
START_TEST(a_deleted_mac_element_is_named_and_up_puts_it_back)
{
	ck_assert_int_eq(th_sh("nft delete element bridge vnet macs '{ \"a-h\" . " MAC_A " }'"), 0);
	ck_assert_int_eq(th_sh("ip -n a neigh flush all"), 0);
	ck_assert(!nt_ping_once("a", "10.9.0.1"));
	ck_assert(nt_ping("b", "10.9.0.1"));
	ck_assert_str_eq(th_str(FIRST_PROBLEM, nt_vnet),
			 "degraded anti-spoofing of port a-h: want macs " MAC_A
			 " (vnet up), have no macs " MAC_A);
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert(nt_ping("a", "10.9.0.1"));
	ck_assert(nt_ping("a", "10.9.0.11"));
}
END_TEST

extern char **environ;

static pid_t vnetd = -1;

/* vnetd, started here; stopped by the test or its teardown */
static void start_vnetd(void)
{
	char *argv[] = {"/bin/sh", "-c", "exec \"$VNETD_BIN\" 2>>\"$VNETD_LOG\"", NULL};
	char log[320];

	ck_assert_msg(getenv("VNETD_BIN") != NULL, "VNETD_BIN is not set");
	snprintf(log, sizeof(log), "%s/vnetd.log", th_tmpdir());
	setenv("VNETD_LOG", log, 1);
	ck_assert_int_eq(posix_spawn(&vnetd, "/bin/sh", NULL, NULL, argv, environ), 0);
	ck_assert_int_eq(th_sh("for i in $(seq 3000); do grep -q 'vnetd: watching' \"$VNETD_LOG\" "
			       "&& exit 0; sleep 0.01; done; exit 1"),
			 0);
}

static void teardown_vnetd(void)
{
	if (vnetd > 0) {
		kill(vnetd, SIGKILL);
		waitpid(vnetd, NULL, 0);
	}
	vnetd = -1;
	th_netns_teardown();
}

/* Until show says up (20 s at most): 0, else 1. */
#define UNTIL_UP                                                                                   \
	"for i in $(seq 2000); do [ \"$(%s show n1 -j | jq -r .state)\" = up ] && exit 0; "        \
	"sleep 0.01; done; exit 1"

/* vnetd sees the same drift (a ruleset change) and repairs it alone. */
START_TEST(vnetd_takes_out_an_extra_element_and_puts_back_a_deleted_one)
{
	int st;

	forge_setup();
	start_vnetd();
	ck_assert_int_eq(th_sh("nft add element bridge vnet ip4s '{ \"a-h\" . 10.9.9.9 }' && "
			       "nft delete element bridge vnet macs '{ \"b-h\" . " MAC_B " }'"),
			 0);
	ck_assert_int_eq(th_sh(UNTIL_UP, nt_vnet), 0);
	ck_assert_int_eq(th_sh("! nft list set bridge vnet ip4s | grep -q 10.9.9.9"), 0);
	ck_assert(!forged_source_passes());
	ck_assert(nt_ping("b", "10.9.0.1"));
	ck_assert(nt_ping("a", "10.9.0.11"));
	ck_assert_int_eq(th_sh("grep -q 'network n1: repaired .*anti-spoofing of port' "
			       "\"$VNETD_LOG\""),
			 0);
	kill(vnetd, SIGTERM);
	ck_assert_int_eq(waitpid(vnetd, &st, 0), vnetd);
	vnetd = -1;
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* destroy takes the network's binding records along (they stayed in
 * $VNET_RUN_DIR/spoof after it), and only the network's own. */
START_TEST(destroy_takes_the_networks_binding_records)
{
	ck_assert_int_eq(nt_run("create isolated n2 10.8.0.0/24 --anti-spoof --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip link add o-h type veth peer name o-g"), 0);
	ck_assert_int_eq(nt_run("port add n2 o-h --mac 52:54:00:aa:00:09 --ip 10.8.0.9"), 0);
	ck_assert_str_eq(th_str("ls $VNET_RUN_DIR/spoof | tr '\\n' ' '"), "a-h b-h o-h ");
	ck_assert_int_eq(nt_run("destroy n1"), 0);
	ck_assert_str_eq(th_str("ls $VNET_RUN_DIR/spoof | tr '\\n' ' '"), "o-h ");
}
END_TEST

/* A port that vanishes leaves elements behind until the network is
 * repaired (vnetd, or up): status names them. */
START_TEST(a_vanished_ports_elements_go_at_the_repair)
{
	ck_assert_int_eq(th_sh("ip link del a-h"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j '.problems[0].object'", nt_vnet),
			 "anti-spoofing elements of port a-h");
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert_str_eq(th_str("nft -j list set bridge vnet macs | jq -j "
				"'[.nftables[1].set.elem[][\"concat\"][0]] | join(\" \")'"),
			 "b-h");
	/* its record went too: a later a-h gets no binding back */
	ck_assert_str_eq(th_str("ls $VNET_RUN_DIR/spoof | tr '\\n' ' '"), "b-h ");
	ck_assert(nt_ping("b", "10.9.0.1"));
}
END_TEST

START_TEST(a_deleted_table_is_degraded_and_up_puts_it_back_with_the_bindings)
{
	ck_assert_int_eq(th_sh("nft delete table bridge vnet"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "degraded");
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j .state", nt_vnet), "up");
	ck_assert(nt_ping("a", "10.9.0.1"));
	ck_assert(nt_ping("b", "10.9.0.1"));
	/* bound as before: a's MAC only */
	ck_assert_int_eq(th_sh("ip -n a link set eth0 address 52:54:00:aa:00:99 && "
			       "ip -n a neigh flush all"),
			 0);
	ck_assert(!nt_ping_once("a", "10.9.0.1"));
	ck_assert(nt_ping("b", "10.9.0.1"));
}
END_TEST

/* The SLAAC address guest name forms from its MAC (EUI-64), once there. */
static const char *slaac(const char *name)
{
	return th_str(
		"for i in $(seq 100); do a=$(ip -n %s -6 -j addr show dev eth0 scope global "
		"| jq -j '[.[].addr_info[]? | select(.tentative | not) | .local][0] // empty' "
		"2>/dev/null | head -c 40); [ -n \"$a\" ] && echo -n $a && exit 0; "
		"sleep 0.1; done",
		name);
}

/* n1 with an IPv6 /64 too (its dnsmasq sends router advertisements) */
static void setup_ipv6(void)
{
	nt_setup_host();
	ck_assert_int_eq(nt_run("create isolated n1 10.9.0.0/16 fd00:9::/64 --anti-spoof"), 0);
	bound_guest("a", MAC_A, "10.9.0.10");
	bound_guest("b", MAC_B, "10.9.0.11");
}

START_TEST(a_guest_that_takes_its_neighbours_ipv6_address_is_cut_off)
{
	const char *a = slaac("a"), *b = slaac("b");

	ck_assert_str_eq(a, "fd00:9::5054:ff:feaa:1");
	ck_assert_str_eq(b, "fd00:9::5054:ff:feaa:2");
	ck_assert(nt_ping("a", "fd00:9::1"));
	ck_assert(nt_ping("b", "fd00:9::1"));
	ck_assert(nt_ping("a", b));
	/* a takes b's address, then one of its own choosing */
	ck_assert_int_eq(th_sh("ip -n a addr flush dev eth0 scope global && ip -n a -6 neigh flush "
			       "all && ip -n a addr add %s/64 dev eth0 nodad",
			       b),
			 0);
	ck_assert(!nt_ping_once("a", "fd00:9::1"));
	ck_assert_int_eq(th_sh("ip -n a addr flush dev eth0 scope global && "
			       "ip -n a addr add fd00:9::99/64 dev eth0 nodad"),
			 0);
	ck_assert(!nt_ping_once("a", "fd00:9::1"));
	ck_assert(nt_ping("b", "fd00:9::1"));
	ck_assert_int_gt(dropped("a-h"), 0);
}
END_TEST

/* A neighbour advertisement guest ns sends (python3's raw socket: the
 * kernel fills in the checksum), unsolicited with the override flag, to
 * all nodes: it claims target for lladdr. */
static void advertise(const char *ns, const char *target, const char *lladdr)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/na.py", th_tmpdir());
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("import socket, sys\n"
	      "s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)\n"
	      "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)\n"
	      "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, "
	      "socket.if_nametoindex('eth0'))\n"
	      "na = bytes([136, 0, 0, 0, 0x20, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, "
	      "sys.argv[1]) + bytes([2, 1]) + bytes.fromhex(sys.argv[2].replace(':', ''))\n"
	      "for i in range(3):\n"
	      "    s.sendto(na, ('ff02::1', 0, 0, socket.if_nametoindex('eth0')))\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(th_sh("ip netns exec %s python3 %s %s %s", ns, path, target, lladdr), 0);
}

/* What the host (the gateway) or guest ns (NULL: the host) has for
 * address a in its neighbour table. */
static const char *lladdr_of(const char *ns, const char *a)
{
	return th_str("ip %s%s -6 -j neigh show %s | jq -j '.[0].lladdr'", ns ? "-n " : "",
		      ns ? ns : "", a);
}

/* a advertises b's address and the gateway's as its own: neither the
 * gateway's entry for b nor b's for the gateway moves. */
START_TEST(a_forged_neighbour_advertisement_is_dropped)
{
	const char *a = slaac("a"), *b = slaac("b"),
		   *gw_mac = th_str("ip -j link show dev n1 | jq -j '.[0].address'");
	long before;

	ck_assert_str_eq(a, "fd00:9::5054:ff:feaa:1");
	ck_assert(nt_ping(NULL, b));
	ck_assert(nt_ping("b", "fd00:9::1"));
	ck_assert_str_eq(lladdr_of(NULL, b), MAC_B);
	ck_assert_str_eq(lladdr_of("b", "fd00:9::1"), gw_mac);
	before = dropped("a-h");
	advertise("a", b, MAC_A);
	advertise("a", "fd00:9::1", MAC_A);
	ck_assert_str_eq(lladdr_of(NULL, b), MAC_B);
	ck_assert_str_eq(lladdr_of("b", "fd00:9::1"), gw_mac);
	ck_assert_int_ge(dropped("a-h"), before + 6);
	ck_assert(nt_ping(NULL, b));
	/* its own address it may advertise */
	advertise("a", a, MAC_A);
	ck_assert_int_eq(dropped("a-h"), before + 6);
}
END_TEST

/* Neighbour solicitations guest ns forges (python3, AF_PACKET on its
 * eth0, from its own MAC), args "COUNT SRC DST TARGET [LLADDR]": COUNT of
 * them 50 ms apart (-1: until killed) from any source address (::
 * included), to DST's solicited-node group, asking for TARGET, with LLADDR
 * as the source link-layer option. In the background when bg (its pid in
 * forge.pid). */
static void forge(const char *ns, bool bg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void forge(const char *ns, bool bg, const char *fmt, ...)
{
	char path[512], args[256];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);

	snprintf(path, sizeof(path), "%s/forge.py", th_tmpdir());
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("import socket, struct, sys, time\n"
	      "def a6(x): return socket.inet_pton(socket.AF_INET6, x)\n"
	      "def mac(x): return bytes.fromhex(x.replace(':', ''))\n"
	      "def csum(b):\n"
	      "    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))\n"
	      "    while s >> 16: s = (s & 0xffff) + (s >> 16)\n"
	      "    return ~s & 0xffff\n"
	      "count, src, dst, target = int(sys.argv[1]), a6(sys.argv[2]), a6(sys.argv[3]), "
	      "a6(sys.argv[4])\n"
	      "group = a6('ff02::1:ff00:0')[:13] + dst[13:]\n"
	      "body = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + target\n"
	      "if len(sys.argv) > 5: body += bytes([1, 1]) + mac(sys.argv[5])\n"
	      "c = csum(src + group + struct.pack('!I', len(body)) + bytes([0, 0, 0, 58]) + body)\n"
	      "body = body[:2] + struct.pack('!H', c) + body[4:]\n"
	      "ip = struct.pack('!IHBB', 6 << 28, len(body), 58, 255) + src + group\n"
	      "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
	      "s.bind(('eth0', 0))\n"
	      "me = open('/sys/class/net/eth0/address').read().strip()\n"
	      "eth = bytes([0x33, 0x33]) + group[12:] + mac(me) + struct.pack('!H', 0x86dd)\n"
	      "while count != 0:\n"
	      "    s.send(eth + ip + body)\n"
	      "    count -= 1\n"
	      "    time.sleep(0.05)\n",
	      f);
	ck_assert_int_eq(fclose(f), 0);
	if (bg)
		ck_assert_int_eq(th_sh("ip netns exec %s python3 %s %s >/dev/null 2>&1 & "
				       "echo $! > %s/forge.pid",
				       ns, path, args, th_tmpdir()),
				 0);
	else
		ck_assert_msg(th_sh("ip netns exec %s python3 %s %s 2>%s/forge.err", ns, path, args,
				    th_tmpdir()) == 0,
			      "%s %s: %s", path, args, th_str("cat %s/forge.err", th_tmpdir()));
}

/* The link-local address of guest name's eth0, or of bridge n1 (NULL). */
static const char *link_local(const char *name)
{
	return th_str("ip %s%s -6 -j addr show dev %s scope link | "
		      "jq -j '[.[].addr_info[]? | .local // empty][0]'",
		      name ? "-n " : "", name ? name : "", name ? "eth0" : "n1");
}

/* Waits up to 20 s for port's drop counter to reach n. */
static bool drops_reach(const char *port, long n)
{
	for (int i = 0; i < 400; i++) {
		if (dropped(port) >= n)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* a poses as the gateway by its link-local address (neighbour
 * solicitations to b from it, with a's MAC): b does not take a's MAC for
 * the gateway's. */
START_TEST(a_guest_that_sends_from_the_gateways_link_local_address_is_dropped)
{
	char gwll[64], bll[64];
	long before;

	slaac("b");
	snprintf(gwll, sizeof(gwll), "%s", link_local(NULL));
	snprintf(bll, sizeof(bll), "%s", link_local("b"));
	ck_assert_msg(!strncmp(gwll, "fe80::", 6) && !strncmp(bll, "fe80::", 6), "%s %s", gwll,
		      bll);
	before = dropped("a-h");
	forge("a", false, "3 %s %s %s %s", gwll, bll, bll, MAC_A);
	ck_assert(drops_reach("a-h", before + 3));
	ck_assert_msg(strcmp(lladdr_of("b", gwll), MAC_A), "b took a's MAC for the gateway %s",
		      gwll);
	ck_assert(nt_ping("b", "fd00:9::1"));
}
END_TEST

/* b forms its address again (duplicate address detection, 3 solicitations
 * a second apart) while a solicits the same address from :: every 50 ms:
 * b's address is not taken for a duplicate. */
START_TEST(a_guest_cannot_fail_its_neighbours_duplicate_address_detection)
{
	char addr[64];
	long before = dropped("a-h");

	snprintf(addr, sizeof(addr), "%s", slaac("b"));
	forge("a", true, "-1 :: %s %s", addr, addr);
	ck_assert(drops_reach("a-h", before + 3));
	ck_assert_int_eq(th_sh("ip netns exec b sysctl -qw net.ipv6.conf.eth0.dad_transmits=3 && "
			       "ip -n b addr del %s/64 dev eth0 && ip -n b addr add %s/64 dev eth0",
			       addr, addr),
			 0);
	/* until its detection ends, one way or the other */
	for (int i = 0; i < 400 && !th_sh("ip -n b -6 -j addr show dev eth0 | jq -e "
					  "'[.[].addr_info[]? | select(.local == \"%s\") | "
					  ".tentative // false] | any' >/dev/null",
					  addr);
	     i++)
		usleep(50 * 1000);
	th_sh("kill $(cat %s/forge.pid)", th_tmpdir());
	ck_assert_str_eq(th_str("ip -n b -6 -j addr show dev eth0 | jq -j '[.[].addr_info[]? | "
				"select(.local == \"%s\") | (.dadfailed // false), "
				"(.tentative // false)] | map(tostring) | join(\" \")'",
				addr),
			 "false false");
}
END_TEST

/* A DHCP server's reply from another port than 67 does not leave a guest
 * (b listens on 68, a sends to it from 1067), nor does a DHCP request that
 * names another MAC or speaks of another's address (a release of b's
 * lease, as dnsmasq would take it: ciaddr, chaddr, client id, server id). */
START_TEST(a_dhcp_reply_from_another_port_or_a_request_for_another_is_dropped)
{
	long before = dropped("a-h");

	ck_assert_int_eq(
		th_sh("ip netns exec b timeout 60 python3 -c \"\n"
		      "import socket\n"
		      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		      "s.bind(('0.0.0.0', 68))\n"
		      "open('%s/ready', 'w').close()\n"
		      "open('%s/got', 'wb').write(s.recv(100))\n\" >/dev/null 2>&1 & "
		      "echo $! > %s/rx.pid; for i in $(seq 400); do test -e %s/ready && exit 0; "
		      "sleep 0.05; done; exit 1",
		      th_tmpdir(), th_tmpdir(), th_tmpdir(), th_tmpdir()),
		0);
	ck_assert_int_eq(th_sh("ip netns exec a python3 -c \"\n"
			       "import socket\n"
			       "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
			       "s.bind(('10.9.0.10', 1067))\n"
			       "s.sendto(b'offer', ('10.9.0.11', 68))\n\""),
			 0);
	ck_assert(drops_reach("a-h", before + 1));
	th_sh("kill $(cat %s/rx.pid) 2>/dev/null", th_tmpdir());
	ck_assert_int_ne(th_sh("test -s %s/got", th_tmpdir()), 0);
	/* requests: for b's MAC; then a's own MAC, of b's address */
	ck_assert_int_eq(
		th_sh("ip netns exec a python3 -c \"\n"
		      "import socket, struct\n"
		      "def m(x): return bytes.fromhex(x.replace(':', ''))\n"
		      "def q(chaddr, ciaddr):\n"
		      "    b = struct.pack('!BBBBIHH', 1, 1, 6, 0, 7, 0, 0) + "
		      "socket.inet_aton(ciaddr) + bytes(12)\n"
		      "    b += m(chaddr) + bytes(10 + 64 + 128) + bytes([99, 130, 83, 99])\n"
		      "    b += bytes([53, 1, 7, 54, 4]) + socket.inet_aton('10.9.0.1')\n"
		      "    return b + bytes([61, 7, 1]) + m('%s') + bytes([255])\n"
		      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		      "s.bind(('10.9.0.10', 68))\n"
		      "s.sendto(q('%s', '10.9.0.11'), ('10.9.0.1', 67))\n"
		      "s.sendto(q('%s', '10.9.0.11'), ('10.9.0.1', 67))\n\"",
		      MAC_B, MAC_B, MAC_A),
		0);
	ck_assert(drops_reach("a-h", before + 3));
	ck_assert(nt_ping("b", "10.9.0.1"));
}
END_TEST

START_TEST(arp_spoofing_of_the_gateway_fails)
{
	const char *gw_mac = th_str("ip -j link show dev n1 | jq -j '.[0].address'");

	ck_assert_str_eq(th_str("ip -n b -j neigh show 10.9.0.1 | jq -j '.[0].lladdr'"), gw_mac);
	/* a claims the gateway's address, unsolicited (gratuitous ARP) and
	 * as an answer to b */
	ck_assert_int_eq(th_sh("ip -n a addr add 10.9.0.1/32 dev eth0 && "
			       "ip netns exec a busybox arping -U -c 2 -w 2 -I eth0 -s 10.9.0.1 "
			       "10.9.0.1 >/dev/null"),
			 0);
	ck_assert_int_eq(th_sh("ip netns exec a busybox arping -A -c 2 -w 2 -I eth0 -s 10.9.0.1 "
			       "10.9.0.11 >/dev/null"),
			 0);
	ck_assert_str_eq(th_str("ip -n b -j neigh show 10.9.0.1 | jq -j '.[0].lladdr'"), gw_mac);
	ck_assert(nt_ping("b", "10.9.0.1"));
	ck_assert_int_gt(dropped("a-h"), 0);
}
END_TEST

START_TEST(a_dhcp_server_in_a_guest_hands_out_nothing)
{
	char conf[512];

	snprintf(conf, sizeof(conf), "%s/udhcpd.conf", th_tmpdir());
	ck_assert_int_eq(th_sh("printf 'start 10.9.0.100\\nend 10.9.0.110\\ninterface eth0\\n"
			       "lease_file %s/leases\\npidfile %s/udhcpd.pid\\n"
			       "opt router 10.9.0.10\\n' > %s && touch %s/leases",
			       th_tmpdir(), th_tmpdir(), conf, th_tmpdir()),
			 0);
	/* c: a port with no MAC bound, asking for a lease */
	ck_assert_int_eq(th_sh("ip netns add c && ip link add c-h type veth peer name eth0 "
			       "netns c && ip -n c link set eth0 up"),
			 0);
	ck_assert_int_eq(nt_run("port add n1 c-h"), 0);
	ck_assert_int_eq(th_sh("ip netns exec a busybox udhcpd %s", conf), 0);
	/* the server answers (its replies leave a's eth0), nobody gets them */
	ck_assert_int_ne(
		th_sh("ip netns exec c busybox udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true "
		      ">/dev/null 2>&1"),
		0);
	ck_assert_int_ne(
		th_sh("ip netns exec b busybox udhcpc -i eth0 -n -q -t 2 -T 1 -s /bin/true "
		      ">/dev/null 2>&1"),
		0);
	th_sh("kill $(cat %s/udhcpd.pid)", th_tmpdir());
	ck_assert_int_gt(dropped("a-h"), 0);
}
END_TEST

static long rules(void)
{
	return atol(th_str("nft -j list table bridge vnet | jq -j '[.nftables[] | select(.rule)] "
			   "| length'"));
}

START_TEST(the_rule_count_is_the_same_with_1_and_1000_bound_ports)
{
	long one = rules(), many;

	ck_assert_int_gt(one, 10);
	ck_assert_int_eq(
		th_sh("for i in $(seq 1 998); do echo \"link add d$i type veth peer name e$i\"; "
		      "done "
		      "| ip -batch - && for i in $(seq 1 998); do "
		      "$VNET port add n1 d$i --mac $(printf 52:54:00:bb:%%02x:%%02x $((i / 256)) "
		      "$((i %% 256))) --ip 10.9.$((i / 250 + 1)).$((i %% 250 + 2)) || "
		      "exit 1; done"),
		0);
	many = rules();
	ck_assert_int_eq(many, one);
	ck_assert_int_eq(atol(th_str("nft -j list set bridge vnet macs | jq -j "
				     "'.nftables[1].set.elem | length'")),
			 1000);
	ck_assert(nt_ping("b", "10.9.0.1"));
	/* a repair keeps every binding (it took all but 256 ports for vanished) */
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_int_eq(atol(th_str("nft -j list set bridge vnet macs | jq -j "
				     "'.nftables[1].set.elem | length'")),
			 1000);
	/* and status sees them all (it listed 256 ports: the others "gone") */
	ck_assert_str_eq(th_str("%s show n1 -j | jq -j '.state, \" \", (.anti_spoof_ports | "
				"length)'",
				nt_vnet),
			 "up 1000");
}
END_TEST

/* n2 serves DHCP: its leases bind (the dhcp-script of its dnsmasq). */
static void setup_dhcp(void)
{
	nt_setup_host();
	ck_assert_int_eq(nt_run("create isolated n2 10.8.0.0/24 --anti-spoof"), 0);
	ck_assert_int_eq(th_sh("ip netns add c && ip link add c-h type veth peer name eth0 "
			       "netns c && ip -n c link set lo up && ip -n c link set eth0 address "
			       "%s && ip -n c link set eth0 up",
			       MAC_A),
			 0);
	ck_assert_int_eq(nt_run("port add n2 c-h"), 0);
}

START_TEST(a_lease_bound_by_dhcp_passes_soon_after_the_ack)
{
	char script[512];
	long ms;

	/* no MAC known, no lease: an address of its own choosing is dropped */
	ck_assert_int_eq(th_sh("ip -n c addr add 10.8.0.77/24 dev eth0"), 0);
	ck_assert(!nt_ping_once("c", "10.8.0.1"));
	ck_assert_int_eq(th_sh("ip -n c addr flush dev eth0"), 0);
	/* udhcpc's script, on the ACK: the address, then the time until the
	 * gateway answers (a deadline of 10 s, pings of 50 ms) */
	snprintf(script, sizeof(script), "%s/bound.sh", th_tmpdir());
	ck_assert_int_eq(
		th_sh("printf '%%s\n' '#!/bin/sh' '[ \"$1\" = bound ] || exit 0' "
		      "'ip addr add $ip/$mask dev $interface' 't0=$(date +%%s%%N)' "
		      "'for i in $(seq 200); do ping -c1 -W0.05 -q 10.8.0.1 >/dev/null 2>&1 && "
		      "echo $(( ($(date +%%s%%N) - t0) / 1000000 )) > %s/ms && exit 0; done' "
		      "> %s && chmod +x %s",
		      th_tmpdir(), script, script),
		0);
	ck_assert_int_eq(th_sh("ip netns exec c busybox udhcpc -i eth0 -n -q -t 5 -T 2 -s %s "
			       ">/dev/null 2>&1",
			       script),
			 0);
	ms = atol(th_str("cat %s/ms 2>/dev/null || echo -1", th_tmpdir()));
	fprintf(stderr, "# lease bound: the gateway answered %ld ms after the ACK\n", ms);
	ck_assert_int_ge(ms, 0);
	ck_assert(nt_ping("c", "10.8.0.1"));
	ck_assert_str_eq(th_str("%s show n2 -j | jq -j '.anti_spoof_ports[0].bound'", nt_vnet),
			 "true");
	/* bound now to its MAC: another MAC is cut off */
	ck_assert_int_eq(th_sh("ip -n c link set eth0 address 52:54:00:aa:00:98 && "
			       "ip -n c neigh flush all"),
			 0);
	ck_assert(!nt_ping_once("c", "10.8.0.1"));
}
END_TEST

/* n6 serves stateful DHCPv6: a guest's DHCPv6 address is bound like a
 * DHCPv4 lease (its MAC with it), and vnet leases lists it. */
static void setup_dhcp6(void)
{
	nt_setup_host();
	ck_assert_int_eq(nt_run("create isolated n6 10.8.0.0/24 fd00:8::/64 "
				"--dhcp6 fd00:8::100-fd00:8::1ff --anti-spoof"),
			 0);
	ck_assert_int_eq(th_sh("ip netns add c && ip link add c-h type veth peer name eth0 "
			       "netns c && ip -n c link set lo up && ip -n c link set eth0 address "
			       "%s && ip -n c link set eth0 up",
			       MAC_A),
			 0);
	ck_assert_int_eq(nt_run("port add n6 c-h --mac %s", MAC_A), 0);
}

START_TEST(a_dhcpv6_lease_is_bound_and_its_traffic_passes)
{
	char addr[64];

	/* no lease: an address of its own choosing is dropped */
	ck_assert_int_eq(th_sh("ip -n c addr add fd00:8::77/64 dev eth0 nodad"), 0);
	ck_assert(!nt_ping_once("c", "fd00:8::1"));
	ck_assert_int_eq(th_sh("ip -n c addr flush dev eth0 scope global"), 0);
	ck_assert_int_eq(sscanf(nt_dhcp6("c"), "%63s", addr), 1);
	ck_assert_msg(!strncmp(addr, "fd00:8::1", 9) && strlen(addr) == 11, "got %s", addr);
	ck_assert(nt_ping("c", "fd00:8::1"));
	ck_assert_str_eq(th_str("%s show n6 -j | jq -j '.anti_spoof_ports[0] | .mac, \" \", "
				"(.addresses | index(\"%s\") != null)'",
				nt_vnet, addr),
			 MAC_A " true");
	/* vnet leases lists it: a DHCPv6 lease has no MAC, its client's DUID */
	ck_assert_str_eq(th_str("%s leases n6 -j | jq -j '.[] | select(.ip == \"%s\") | "
				".mac, (.duid | length > 0)'",
				nt_vnet, addr),
			 "nulltrue");
	ck_assert_int_eq(
		th_sh("%s leases n6 | grep -q '^-  *%s  *-  *[-0-9]* [:0-9]*  duid [0-9a-f:]*$'",
		      nt_vnet, addr),
		0);
}
END_TEST

/* What nft lists of the table a network makes is the golden file
 * (tests/unit_spoof renders it from the rows). */
START_TEST(nft_lists_the_table_as_its_golden_file)
{
	nt_setup_host();
	ck_assert_int_eq(nt_run("create isolated n1 10.9.0.0/24 --anti-spoof --no-dhcp"), 0);
	ck_assert_str_eq(th_str("nft -s list table bridge vnet"),
			 th_str("cat %s/fw-spoof.nft", FW_GOLDEN_DIR));
	ck_assert_int_eq(nt_run("destroy n1"), 0);
	/* the network's chains and elements go, the table stays */
	ck_assert_int_eq(th_sh("nft list chain bridge vnet n1-spoof 2>/dev/null"), 1);
	ck_assert_int_eq(th_sh("nft list chain bridge vnet prerouting >/dev/null"), 0);
}
END_TEST

/* A network that spans hosts keeps DHCP off its tunnel in a bridge table of
 * its own: creating, repairing or destroying one leaves the other's rules
 * (they shared table bridge vnet and each made it again whole). */
/* A network's state, as show -j says it (th_str's format). */
#define STATE_OF "%s show %s -j | jq -r .state"

START_TEST(a_spanning_network_leaves_anti_spoofing_whole_and_the_other_way_round)
{

	ck_assert_int_eq(th_sh("ip link add ul0 type veth peer name ul1 && "
			       "ip addr add 192.0.2.10/24 dev ul0 nodad && ip link set ul0 up && "
			       "ip link set ul1 up"),
			 0);
	ck_assert_int_eq(nt_run("fabric set --underlay ul0 --peer 192.0.2.11"), 0);
	ck_assert_int_eq(nt_run("create nat v9 10.60.0.0/24 --no-dhcp --vni 200"), 0);
	ck_assert_str_eq(th_str(STATE_OF, nt_vnet, "n1"), "up\n");
	ck_assert_str_eq(th_str(STATE_OF, nt_vnet, "v9"), "up\n");
	/* each repair leaves the other's table as it is */
	ck_assert_int_eq(nt_run("up n1"), 0);
	ck_assert_str_eq(th_str(STATE_OF, nt_vnet, "v9"), "up\n");
	ck_assert_int_eq(nt_run("up v9"), 0);
	ck_assert_str_eq(th_str(STATE_OF, nt_vnet, "n1"), "up\n");
	ck_assert_int_eq(th_sh("nft list chain bridge vnet n1-spoof >/dev/null"), 0);
	ck_assert_int_eq(th_sh("nft list set bridge vnet_tunnel tunnels | grep -q vx-200"), 0);
	ck_assert(nt_ping("a", "10.9.0.11"));
	ck_assert_int_eq(nt_run("destroy v9"), 0);
	ck_assert_str_eq(th_str(STATE_OF, nt_vnet, "n1"), "up\n");
	ck_assert(nt_ping("a", "10.9.0.11"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ns_antispoof");
	TCase *t = tcase_create("spoof");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, a_guest_that_changes_its_mac_is_cut_off_while_its_neighbour_works);
	tcase_add_test(t, a_guest_that_takes_its_neighbours_or_the_gateways_ip_is_cut_off);
	tcase_add_test(t, arp_spoofing_of_the_gateway_fails);
	tcase_add_test(t, a_deleted_table_is_degraded_and_up_puts_it_back_with_the_bindings);
	tcase_add_test(t, a_vanished_ports_elements_go_at_the_repair);
	tcase_add_test(t, an_unfiltered_port_is_named_and_put_back);
	tcase_add_test(t, destroy_takes_the_networks_binding_records);
	tcase_add_test(t, a_dhcp_server_in_a_guest_hands_out_nothing);
	tcase_add_test(t, a_dhcp_reply_from_another_port_or_a_request_for_another_is_dropped);
	tcase_add_test(t, the_rule_count_is_the_same_with_1_and_1000_bound_ports);
	tcase_add_test(t, a_spanning_network_leaves_anti_spoofing_whole_and_the_other_way_round);
	suite_add_tcase(s, t);
	t = tcase_create("drift");
	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, an_extra_element_is_named_and_up_takes_it_out);
	tcase_add_test(t, a_deleted_mac_element_is_named_and_up_puts_it_back);
	suite_add_tcase(s, t);
	t = tcase_create("vnetd");
	tcase_add_checked_fixture(t, setup, teardown_vnetd);
	tcase_add_test(t, vnetd_takes_out_an_extra_element_and_puts_back_a_deleted_one);
	suite_add_tcase(s, t);
	t = tcase_create("binding");
	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, a_binding_another_port_holds_or_the_gateways_is_refused);
	tcase_add_test(t, a_binding_on_a_network_without_anti_spoof_is_refused_on_the_command_line);
	tcase_add_test(t, a_new_binding_replaces_the_old_and_frees_what_it_held);
	tcase_add_test(t, a_binding_of_a_vanished_port_blocks_no_new_one);
	tcase_add_test(t, show_lists_each_ports_mac_addresses_and_drops);
	suite_add_tcase(s, t);
	t = tcase_create("ipv6");
	tcase_add_checked_fixture(t, setup_ipv6, th_netns_teardown);
	tcase_add_test(t, a_guest_that_takes_its_neighbours_ipv6_address_is_cut_off);
	tcase_add_test(t, a_forged_neighbour_advertisement_is_dropped);
	tcase_add_test(t, a_guest_that_sends_from_the_gateways_link_local_address_is_dropped);
	tcase_add_test(t, a_guest_cannot_fail_its_neighbours_duplicate_address_detection);
	suite_add_tcase(s, t);
	t = tcase_create("listing");
	tcase_add_checked_fixture(t, NULL, th_netns_teardown);
	tcase_add_test(t, nft_lists_the_table_as_its_golden_file);
	suite_add_tcase(s, t);
	t = tcase_create("lease");
	tcase_add_checked_fixture(t, setup_dhcp, th_netns_teardown);
	tcase_add_test(t, a_lease_bound_by_dhcp_passes_soon_after_the_ack);
	suite_add_tcase(s, t);
	t = tcase_create("lease6");
	tcase_add_checked_fixture(t, setup_dhcp6, th_netns_teardown);
	tcase_add_test(t, a_dhcpv6_lease_is_bound_and_its_traffic_passes);
	suite_add_tcase(s, t);
	return th_main(s, "ns_antispoof", true);
}
