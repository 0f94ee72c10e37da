/* Namespace tests of the engine through the real `vnet` binary. The test's
 * own (private) namespace is the "host"; guests and the outside are
 * namespaces joined to it by veth pairs:
 *
 *   guest g1 (10.0.0.2) ─┐                      outside (192.0.2.2)
 *   guest g2 (10.0.0.3) ─┴─ bridge ── host ── out0 192.0.2.1
 *
 * Every claim is checked with independent observers (ip -j, nft, ping). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *vnet;

static void setup(void)
{
	static char conf[300], run[300];

	th_netns_setup();
	vnet = getenv("VNET_BIN");
	ck_assert_msg(vnet != NULL, "VNET_BIN is not set");
	snprintf(conf, sizeof(conf), "%s/conf", th_tmpdir());
	snprintf(run, sizeof(run), "%s/run", th_tmpdir());
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	/* the outside: reachable from the host, with no route to any guest */
	ck_assert_int_eq(th_sh("ip netns add outside && "
			       "ip link add out0 type veth peer name eth0 netns outside && "
			       "ip addr add 192.0.2.1/24 dev out0 && ip link set out0 up && "
			       "ip -n outside addr add 192.0.2.2/24 dev eth0 && "
			       "ip -n outside link set eth0 up && ip -n outside link set lo up"),
			 0);
}

/* Runs vnet; returns its exit status. */
__attribute__((format(printf, 1, 2))) static int V(const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_sh("%s %s", vnet, args);
}

/* Runs vnet and returns its stderr (malloc'd); *code gets the exit status. */
__attribute__((format(printf, 2, 3))) static char *Verr(int *code, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_out(code, "%s %s 2>&1 >/dev/null", vnet, args);
}

/* A guest namespace on network net with address addr/len and gateway gw. */
static void guest(const char *name, const char *net, const char *addr, const char *gw)
{
	ck_assert_int_eq(th_sh("ip netns add %s && ip link add %s-h type veth peer name eth0 netns %s && "
			       "ip -n %s addr add %s dev eth0 && ip -n %s link set eth0 up && "
			       "ip -n %s link set lo up && ip -n %s route add default via %s",
			       name, name, name, name, addr, name, name, name, gw),
			 0);
	ck_assert_int_eq(V("port add %s %s-h", net, name), 0);
}

/* A port may forward only after the kernel's link watch saw its carrier,
 * up to a second after it came up: a path that must work gets three tries.
 * A path that must not work gets one (callers first prove the guest's port
 * forwards, so a "no" is never the port's slow start). */
static bool ping(const char *ns, const char *dst)
{
	return th_sh("for i in 1 2 3; do ip netns exec %s ping -c1 -W1 -q %s >/dev/null 2>&1 "
		     "&& exit 0; done; exit 1",
		     ns, dst) == 0;
}

static bool ping_once(const char *ns, const char *dst)
{
	return th_sh("ip netns exec %s ping -c1 -W1 -q %s >/dev/null 2>&1", ns, dst) == 0;
}

static bool ping_host(const char *dst)
{
	return th_sh("ping -c1 -W1 -q %s >/dev/null 2>&1", dst) == 0;
}

/* Counts, in the outside namespace, packets arriving from saddr. */
static void outside_count(void)
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

static long outside_counter(int rule)
{
	json_object *o = th_json("ip netns exec outside nft -j list chain ip watch in");
	json_object *arr, *it, *expr, *c;
	long n = -1;
	int seen = 0;

	json_object_object_get_ex(o, "nftables", &arr);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		it = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(it, "rule", &it))
			continue;
		json_object_object_get_ex(it, "expr", &expr);
		for (size_t k = 0; k < json_object_array_length(expr); k++)
			if (json_object_object_get_ex(json_object_array_get_idx(expr, k), "counter",
						      &c) &&
			    seen++ == rule)
				n = th_jint(c, "packets");
	}
	json_object_put(o);
	return n;
}

START_TEST(nat_guest_reaches_outside_with_host_source)
{
	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	guest("g1", "isbr", "10.0.0.2/24", "10.0.0.1");
	outside_count();
	ck_assert(ping("g1", "192.0.2.2"));
	ck_assert_int_ge(outside_counter(0), 1); /* from the host's address */
	ck_assert_int_eq(outside_counter(1), 0); /* never from the guest's */
	/* and nothing new comes in, even with a route to the guests */
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(!ping_once("outside", "10.0.0.2"));
}
END_TEST

START_TEST(routed_guest_keeps_its_source_both_ways)
{
	ck_assert_int_eq(V("create routed rt0 10.0.0.0/24 --no-dhcp"), 0);
	guest("g1", "rt0", "10.0.0.2/24", "10.0.0.1");
	outside_count();
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(ping("g1", "192.0.2.2"));
	ck_assert_int_eq(outside_counter(0), 0);
	ck_assert_int_ge(outside_counter(1), 1);
	ck_assert(ping("outside", "10.0.0.2"));
}
END_TEST

START_TEST(isolated_forwards_nothing_while_ip_forward_is_on)
{
	ck_assert_int_eq(V("create nat other 10.9.0.0/24 --no-dhcp"), 0);
	ck_assert_str_eq(th_str("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	ck_assert_int_eq(V("create isolated iso 10.0.0.0/24 --no-dhcp"), 0);
	guest("g1", "iso", "10.0.0.2/24", "10.0.0.1");
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/24 via 192.0.2.1"), 0);
	ck_assert(ping("g1", "10.0.0.1"));	/* the host */
	ck_assert(!ping_once("g1", "192.0.2.2"));	/* not out */
	ck_assert(!ping_once("outside", "10.0.0.2"));	/* not in */
}
END_TEST

static const char *const models[] = {"isolated", "routed", "nat"};

START_TEST(two_guests_of_one_network_reach_each_other)
{
	ck_assert_int_eq(V("create %s lan 10.0.0.0/24 --no-dhcp", models[_i]), 0);
	guest("g1", "lan", "10.0.0.2/24", "10.0.0.1");
	guest("g2", "lan", "10.0.0.3/24", "10.0.0.1");
	ck_assert_str_eq(th_str("cat /proc/sys/net/bridge/bridge-nf-call-iptables"), "1\n");
	ck_assert(ping("g1", "10.0.0.3"));
	ck_assert(ping("g2", "10.0.0.2"));
}
END_TEST

START_TEST(isolated_ports_keep_guests_apart_but_reach_gateway)
{
	ck_assert_int_eq(V("create nat lan 10.0.0.0/24 --no-dhcp --isolate-ports"), 0);
	guest("g1", "lan", "10.0.0.2/24", "10.0.0.1");
	guest("g2", "lan", "10.0.0.3/24", "10.0.0.1");
	ck_assert(ping("g1", "10.0.0.1"));
	ck_assert(ping("g2", "10.0.0.1"));
	ck_assert(!ping_once("g1", "10.0.0.3"));
	ck_assert(ping("g2", "192.0.2.2"));
}
END_TEST

/* The host's uplink "up0" to a LAN namespace (198.51.100.0/24, with a
 * default route through it and an IPv6 address). */
static void lan(void)
{
	ck_assert_int_eq(th_sh("ip netns add lan && ip link add up0 type veth peer name eth0 netns lan && "
			       "ip -n lan addr add 198.51.100.2/24 dev eth0 && "
			       "ip -n lan addr add 2001:db8::2/64 dev eth0 nodad && "
			       "ip -n lan link set eth0 up && ip link set up0 up && "
			       "ip addr add 198.51.100.1/24 dev up0 && "
			       "ip addr add 2001:db8::1/64 dev up0 nodad && "
			       "ip route add default via 198.51.100.2 dev up0 metric 50 && "
			       "ip -n lan addr add 203.0.113.9/32 dev lo && ip -n lan link set lo up"),
			 0);
}

static const char *addr_on(const char *dev, const char *family)
{
	static char buf[256];
	const char *s = th_str("ip -%s -j addr show dev %s scope global | "
			       "jq -r '.[0].addr_info[0].local // empty'",
			       family, dev);

	snprintf(buf, sizeof(buf), "%s", s);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

START_TEST(bridged_moves_addresses_and_keeps_connectivity)
{
	const char *mac_before, *mac_br;

	lan();
	mac_before = th_str("ip -j link show up0 | jq -r '.[0].address'");
	ck_assert(ping_host("203.0.113.9")); /* through the default route */
	ck_assert_int_eq(V("create bridged lan0 --uplink up0"), 0);
	ck_assert_str_eq(addr_on("lan0", "4"), "198.51.100.1");
	ck_assert_str_eq(addr_on("lan0", "6"), "2001:db8::1");
	ck_assert_str_eq(addr_on("up0", "4"), "");
	mac_br = th_str("ip -j link show lan0 | jq -r '.[0].address'");
	ck_assert_str_eq(mac_br, mac_before);
	ck_assert_str_eq(th_str("ip -j route show default | jq -r '.[0].dev'"), "lan0\n");
	ck_assert_str_eq(th_str("ip -j link show up0 | jq -r '.[0].master'"), "lan0\n");
	ck_assert(ping_host("203.0.113.9"));
	ck_assert(ping_host("2001:db8::2"));
	ck_assert_int_eq(V("destroy lan0"), 0);
	ck_assert_str_eq(addr_on("up0", "4"), "198.51.100.1");
	ck_assert_str_eq(addr_on("up0", "6"), "2001:db8::1");
	ck_assert_str_eq(th_str("ip -j route show default | jq -r '.[0].dev, .[0].metric'"),
			 "up0\n50\n");
	ck_assert_int_ne(th_sh("ip link show lan0 >/dev/null 2>&1"), 0);
	ck_assert(ping_host("203.0.113.9"));
}
END_TEST

/* Everything an observer sees of the host namespace that vnet could touch. */
static char *snapshot(void)
{
	/* timers of bridges tick: not a change */
	return th_out(NULL, "ip -j -d link | jq -S 'map(del(.ifindex)) | walk(if type == \"object\" "
			    "then with_entries(select(.key | endswith(\"_timer\") | not)) else . end)'; "
			    "ip -j addr; ip -j route; "
			    "ip -6 -j route; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward "
			    "/proc/sys/net/ipv6/conf/all/forwarding; ls -A $VNET_CONF_DIR 2>/dev/null");
}

/* Fails the test with a diff on stderr when the host changed. */
static void same_host(const char *before, const char *after)
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

START_TEST(same_create_again_changes_nothing_and_other_is_conflict)
{
	char *before, *after, *err;
	int code;

	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24"), 0);
	before = snapshot();
	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --gateway 10.0.0.1"), 0);
	after = snapshot();
	same_host(before, after);
	free(after);
	err = Verr(&code, "create nat isbr 10.1.0.0/24");
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(err, "vnet: network isbr: exists with subnet 10.0.0.0/24, not 10.1.0.0/24\n");
	free(err);
	err = Verr(&code, "create routed isbr 10.0.0.0/24");
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(err, "vnet: network isbr: exists with model nat, not routed\n");
	after = snapshot();
	same_host(before, after);
	free(err);
	free(after);
	free(before);
}
END_TEST

static const struct {
	const char *setup; /* shell, run first */
	const char *args;
	int code;
	const char *msg;
} refused[] = {
	{"", "create nat a 10.0.0.1/24",
	 2, "vnet: 10.0.0.1/24: has host bits set: did you mean 10.0.0.0/24 --gateway 10.0.0.1?\n"},
	{"ip link add name fb type bridge", "create nat fb 10.0.0.0/24",
	 4, "vnet: bridge fb: an interface of that name exists and is not vnet's\n"},
	{"ip link add name xx type bridge", "create nat a 10.0.0.0/24 --bridge xx",
	 4, "vnet: bridge xx: an interface of that name exists and is not vnet's\n"},
	{"ip addr add 10.0.5.1/16 dev out0", "create nat a 10.0.0.0/24",
	 4, "vnet: subnet 10.0.0.0/24: overlaps address 10.0.5.1/16 on out0\n"},
	{"ip route add 10.7.0.0/16 via 192.0.2.2", "create routed a 10.7.1.0/24",
	 4, "vnet: subnet 10.7.1.0/24: overlaps route 10.7.0.0/16 dev out0\n"},
	{"$VNET create nat one 10.0.0.0/16 --no-dhcp", "create isolated two 10.0.3.0/24",
	 4, "vnet: subnet 10.0.3.0/24: overlaps subnet 10.0.0.0/16 of network one\n"},
	{"$VNET create nat one 10.0.0.0/16 --no-dhcp", "create isolated two 10.9.0.0/24 --bridge one",
	 4, "vnet: bridge one: is used by network one\n"},
	{"", "create nat a 10.0.0.0/33", 2, "vnet: subnet 10.0.0.0/33: prefix length must be 0..32\n"},
	{"", "create nat a 300.1.2.0/24", 2,
	 "vnet: subnet 300.1.2.0/24: not an IPv4 or IPv6 address\n"},
	{"", "create nat a ''", 2, "vnet: nat network a: needs a SUBNET, as in 10.0.0.0/24\n"},
	{"", "create nat a", 2, "vnet: nat network a: needs a SUBNET, as in 10.0.0.0/24\n"},
	{"", "create nat abcdefghijklmnop 10.0.0.0/24", 2,
	 "vnet: network name \"abcdefghijklmnop\": must be 1..15 characters\n"},
	{"", "create nat 'a b' 10.0.0.0/24", 2,
	 "vnet: network name \"a b\": may hold only letters, digits, '_', '.' and '-'\n"},
	{"", "create mesh a 10.0.0.0/24", 2,
	 "vnet: model \"mesh\": must be isolated, routed, nat or bridged\n"},
	{"", "create nat a 10.0.0.0/24 --gateway 10.1.0.1", 2,
	 "vnet: gateway 10.1.0.1: outside the subnet 10.0.0.0/24\n"},
	{"", "create bridged a", 2, "vnet: bridged network: needs --uplink IFACE\n"},
	{"", "create bridged a --uplink nosuch0", 2, "vnet: uplink nosuch0: no such interface\n"},
	{"", "create nat a 10.0.0.0/24 --colour red", 2,
	 "vnet: create: unknown option --colour (see vnet help create)\n"},
	{"", "create nat a 10.0.0.0/24 --mtu 20", 2, "vnet: MTU 20: must be 68..65535\n"},
	{"", "destroy nosuch", 3, "vnet: network nosuch: no such network\n"},
	{"", "up nosuch", 3, "vnet: network nosuch: no such network\n"},
	{"", "frobnicate", 2, "vnet: unknown command frobnicate (see vnet --help)\n"},
};

START_TEST(bad_input_is_refused_naming_the_value_and_changes_nothing)
{
	char *before, *after, *err;
	int code;

	setenv("VNET", vnet, 1);
	if (refused[_i].setup[0])
		ck_assert_int_eq(th_sh("%s", refused[_i].setup), 0);
	before = snapshot();
	err = Verr(&code, "%s", refused[_i].args);
	ck_assert_str_eq(err, refused[_i].msg);
	ck_assert_int_eq(code, refused[_i].code);
	after = snapshot();
	same_host(before, after);
	free(err);
	free(after);
	free(before);
}
END_TEST

static const char *const steps[] = {"bridge", "configure", "forwarding", "rules", "services"};

START_TEST(failed_create_rolls_back_every_step)
{
	char *before, *after, *err;
	int code;

	before = snapshot();
	setenv("VNET_FAIL_STEP", steps[_i], 1);
	err = Verr(&code, "create nat isbr 10.0.0.0/24");
	unsetenv("VNET_FAIL_STEP");
	ck_assert_int_eq(code, 1);
	ck_assert_msg(strstr(err, "failure injected"), "%s", err);
	after = snapshot();
	same_host(before, after);
	ck_assert_str_eq(th_str("pgrep -c -f '[d]nsmasq --conf-file=%s/'", th_tmpdir()), "0\n");
	/* and the same create then works */
	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24"), 0);
	free(err);
	free(after);
	free(before);
}
END_TEST

static const char *const bridged_steps[] = {"bridge", "configure", "uplink", "uplink-half"};

START_TEST(failed_bridged_create_gives_the_uplink_back)
{
	char *before, *after, *err;
	int code;

	lan();
	before = snapshot();
	setenv("VNET_FAIL_STEP", bridged_steps[_i], 1);
	err = Verr(&code, "create bridged lan0 --uplink up0");
	unsetenv("VNET_FAIL_STEP");
	ck_assert_int_eq(code, 1);
	ck_assert_msg(strstr(err, "failure injected"), "%s", err);
	after = snapshot();
	same_host(before, after);
	ck_assert(ping_host("203.0.113.9"));
	free(err);
	free(after);
	free(before);
}
END_TEST

START_TEST(up_restores_a_network_after_down_and_drift)
{
	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	guest("g1", "isbr", "10.0.0.2/24", "10.0.0.1");
	ck_assert(ping("g1", "192.0.2.2"));
	ck_assert_int_eq(V("down isbr"), 0);
	ck_assert_int_ne(th_sh("ip link show isbr >/dev/null 2>&1"), 0);
	ck_assert(!ping_once("g1", "192.0.2.2"));
	ck_assert_int_eq(V("up isbr"), 0);
	ck_assert_int_eq(V("port add isbr g1-h"), 0);
	ck_assert(ping("g1", "192.0.2.2"));
	/* drift: the bridge deleted behind vnet's back */
	ck_assert_int_eq(th_sh("ip link del isbr"), 0);
	ck_assert(!ping_once("g1", "192.0.2.2"));
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r .state", vnet), "down\n");
	ck_assert_int_eq(V("up isbr"), 0);
	ck_assert_int_eq(V("port add isbr g1-h"), 0);
	ck_assert(ping("g1", "192.0.2.2"));
	/* drift: the table deleted behind vnet's back (masquerade gone) */
	ck_assert_int_eq(th_sh("nft delete table inet vnet"), 0);
	ck_assert(!ping_once("g1", "192.0.2.2"));
	ck_assert_int_eq(V("up isbr"), 0);
	ck_assert(ping("g1", "192.0.2.2"));
}
END_TEST

START_TEST(up_all_brings_back_every_network_in_a_fresh_namespace)
{
	ck_assert_int_eq(V("create nat one 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(V("create isolated two 10.1.0.0/24 --no-dhcp"), 0);
	/* a reboot: a new namespace knows nothing, the definitions remain */
	ck_assert_int_eq(th_sh("ip netns add fresh && ip netns exec fresh %s up --all", vnet), 0);
	ck_assert_str_eq(th_str("ip -n fresh -j addr show one | jq -r '.[0].addr_info[0].local'"),
			 "10.0.0.1\n");
	ck_assert_str_eq(th_str("ip -n fresh -j addr show two | jq -r '.[0].addr_info[0].local'"),
			 "10.1.0.1\n");
	ck_assert_str_eq(th_str("ip netns exec fresh cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	ck_assert_int_eq(th_sh("ip netns exec fresh nft list chain inet vnet one-out >/dev/null"), 0);
	ck_assert_str_eq(th_str("ip netns exec fresh %s list -j | jq -r '.[].state'", vnet),
			 "up\nup\n");
}
END_TEST

START_TEST(destroy_releases_and_names_attached_ports)
{
	char *err;
	int code;

	ck_assert_int_eq(V("create routed rt0 10.0.0.0/24 --no-dhcp"), 0);
	guest("g1", "rt0", "10.0.0.2/24", "10.0.0.1");
	guest("g2", "rt0", "10.0.0.3/24", "10.0.0.1");
	err = Verr(&code, "destroy rt0");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(err, "vnet: network rt0: released ports g1-h, g2-h (they stay, detached)\n");
	ck_assert_int_eq(th_sh("ip link show g1-h >/dev/null"), 0);
	ck_assert_str_eq(th_str("ip -j link show g1-h | jq -r '.[0].master // \"none\"'"), "none\n");
	ck_assert_int_ne(th_sh("ip link show rt0 >/dev/null 2>&1"), 0);
	ck_assert_str_eq(th_str("nft -j list table inet vnet | jq -r '[.nftables[].chain.name // empty | select(startswith(\"rt0\"))] | length'"),
			 "0\n");
	ck_assert_int_ne(th_sh("test -e $VNET_CONF_DIR/rt0.conf"), 0);
	free(err);
	err = Verr(&code, "destroy rt0");
	ck_assert_int_eq(code, 3);
	free(err);
}
END_TEST

START_TEST(list_names_a_corrupt_file_and_lists_the_rest)
{
	char *err;
	int code;

	ck_assert_int_eq(V("create nat one 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("echo 'not = ini' > $VNET_CONF_DIR/bad.conf"), 0);
	ck_assert_str_eq(th_str("%s list -j 2>/dev/null | jq -r '.[].name'", vnet), "one\n");
	err = Verr(&code, "list");
	ck_assert_int_eq(code, 0);
	ck_assert_msg(strstr(err, "bad.conf:1"), "%s", err);
	free(err);
}
END_TEST

START_TEST(show_json_has_the_contract_fields)
{
	json_object *o;

	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --dhcp 10.0.0.100-10.0.0.150 --mtu 1400"), 0);
	guest("g1", "isbr", "10.0.0.2/24", "10.0.0.1");
	o = th_json("%s show isbr -j", vnet);
	ck_assert_str_eq(th_jstr(o, "name"), "isbr");
	ck_assert_str_eq(th_jstr(o, "model"), "nat");
	ck_assert_str_eq(th_jstr(o, "bridge"), "isbr");
	ck_assert_str_eq(th_jstr(o, "gateway"), "10.0.0.1");
	ck_assert_int_eq(th_jint(o, "mtu"), 1400);
	ck_assert_str_eq(th_jstr(o, "state"), "up");
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(o, "subnets")),
			 "[ \"10.0.0.0\\/24\" ]");
	ck_assert_str_eq(th_jstr(json_object_object_get(o, "dhcp"), "start"), "10.0.0.100");
	ck_assert_ptr_null(json_object_object_get(o, "uplink"));
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(
				 json_object_object_get(o, "ports"), 0)),
			 "g1-h");
	json_object_put(o);
	ck_assert_int_eq(V("forward add isbr tcp 8080 10.0.0.2:80"), 0);
	o = th_json("%s show isbr -j", vnet);
	ck_assert_str_eq(json_object_to_json_string(json_object_object_get(o, "forwards")),
			 "[ { \"proto\": \"tcp\", \"port\": 8080, \"guest\": \"10.0.0.2\", "
			 "\"guest_port\": 80, \"address\": null } ]");
	/* the bridge kept its MTU and gave it to the port */
	ck_assert_str_eq(th_str("ip -j link show g1-h | jq .[0].mtu"), "1400\n");
	json_object_put(o);
}
END_TEST

START_TEST(bridge_mac_is_stable_and_mtu_pinned_when_ports_join)
{
	const char *mac1, *mac2;

	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	mac1 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_int_eq(th_sh("ip link add small mtu 1300 type veth peer name small-p && "
			       "ip link set small master isbr"), 0);
	ck_assert_str_eq(th_str("ip -j link show isbr | jq .[0].mtu"), "1500\n");
	mac2 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_str_eq(mac1, mac2);
	ck_assert_int_eq(V("destroy isbr"), 0);
	ck_assert_int_eq(V("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	mac2 = th_str("ip -j link show isbr | jq -r .[0].address");
	ck_assert_str_eq(mac1, mac2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_netd");
	TCase *t = tcase_create("models");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, nat_guest_reaches_outside_with_host_source);
	tcase_add_test(t, routed_guest_keeps_its_source_both_ways);
	tcase_add_test(t, isolated_forwards_nothing_while_ip_forward_is_on);
	tcase_add_loop_test(t, two_guests_of_one_network_reach_each_other, 0, 3);
	tcase_add_test(t, isolated_ports_keep_guests_apart_but_reach_gateway);
	tcase_add_test(t, bridged_moves_addresses_and_keeps_connectivity);
	suite_add_tcase(s, t);

	t = tcase_create("lifecycle");
	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, same_create_again_changes_nothing_and_other_is_conflict);
	tcase_add_loop_test(t, bad_input_is_refused_naming_the_value_and_changes_nothing, 0,
			    sizeof(refused) / sizeof(refused[0]));
	tcase_add_loop_test(t, failed_create_rolls_back_every_step, 0,
			    sizeof(steps) / sizeof(steps[0]));
	tcase_add_loop_test(t, failed_bridged_create_gives_the_uplink_back, 0,
			    sizeof(bridged_steps) / sizeof(bridged_steps[0]));
	tcase_add_test(t, up_restores_a_network_after_down_and_drift);
	tcase_add_test(t, up_all_brings_back_every_network_in_a_fresh_namespace);
	tcase_add_test(t, destroy_releases_and_names_attached_ports);
	tcase_add_test(t, list_names_a_corrupt_file_and_lists_the_rest);
	tcase_add_test(t, show_json_has_the_contract_fields);
	tcase_add_test(t, bridge_mac_is_stable_and_mtu_pinned_when_ports_join);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_netd", true);
}
