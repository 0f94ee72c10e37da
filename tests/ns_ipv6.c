/* Namespace tests of IPv6 networks: guests (veth namespaces) that make
 * their own address from the router advertisements of vnet's dnsmasq
 * (SLAAC: the kernel does it on a veth with accept_ra=1 while its namespace
 * does not forward), per model what crosses to and from the outside
 * (2001:db8:2::2, with a route to every guest prefix through the host, so
 * that only vnet's rules decide), stateful DHCPv6 (ISC dhclient) with a
 * static host and its AAAA name, the refusal to turn on IPv6 forwarding
 * where it would cost the host routes learned from router advertisements,
 * and the command line's two subnets. The observers' own addresses skip
 * duplicate address detection (nodad); the guests' wait for it to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/vnettest.h"

/* The outside over IPv6 too, routing the guests' prefix to the host, and
 * counting echo requests from the host's out0 (rule 0: masqueraded) and from
 * the guests' prefix (rule 1). */
static void setup(void)
{
	nt_setup();
	ck_assert_int_eq(th_sh("ip addr add 2001:db8:2::1/64 dev out0 nodad && "
			       "ip -n outside addr add 2001:db8:2::2/64 dev eth0 nodad && "
			       "ip -n outside route add fd00:1::/64 via 2001:db8:2::1"),
			 0);
	ck_assert_int_eq(th_sh("ip netns exec outside nft -f - <<'EOF'\n"
			       "table ip6 watch {\n"
			       "  chain in { type filter hook input priority 0;\n"
			       "    ip6 saddr 2001:db8:2::1 icmpv6 type echo-request counter\n"
			       "    ip6 saddr fd00:1::/64 icmpv6 type echo-request counter\n"
			       "  }\n"
			       "}\nEOF"),
			 0);
}

static long seen_from(int rule)
{
	return atol(th_str("ip netns exec outside nft -j list chain ip6 watch in | "
			   "jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty]"
			   "[%d].packets'",
			   rule));
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The guest's global address in prefix (as "fd00:1::"), once it is no
 * longer tentative: waits up to 30 s from the port's attachment; the time
 * it took goes to the log. "" when none came. */
static const char *slaac_address(const char *ns, const char *prefix)
{
	double t0 = now();
	const char *a = th_str(
		"for i in $(seq 600); do a=$(ip -n %s -j -6 addr show dev eth0 scope global | "
		"jq -r '.[].addr_info[] | select((.tentative // false) == false) | .local' | "
		"grep '^%s' | head -1); [ -n \"$a\" ] && { printf %%s \"$a\"; exit 0; }; "
		"sleep 0.05; done",
		ns, prefix);

	fprintf(stderr, "SLAAC address %s of %s after %.2f s\n", a[0] ? a : "(none)", ns,
		now() - t0);
	return a;
}

/* A guest namespace whose eth0 takes router advertisements (the defaults
 * of a new namespace: accept_ra=1, forwarding off), attached to net. */
static void guest(const char *name, const char *net)
{
	ck_assert_str_eq(th_str("ip netns exec %s sysctl -n net.ipv6.conf.all.forwarding "
				"net.ipv6.conf.default.accept_ra 2>/dev/null || "
				"(ip netns add %s && ip netns exec %s sysctl -n "
				"net.ipv6.conf.all.forwarding net.ipv6.conf.default.accept_ra)",
				name, name, name),
			 "0\n1\n");
	ck_assert_int_eq(th_sh("ip link add %s-h type veth peer name eth0 netns %s && "
			       "ip -n %s link set lo up && ip -n %s link set eth0 up",
			       name, name, name, name),
			 0);
	ck_assert_int_eq(nt_run("port add %s %s-h", net, name), 0);
}

static bool ping6(const char *ns, const char *dst)
{
	return th_sh("for i in 1 2 3; do ip netns exec %s ping -6 -c1 -W1 -q %s >/dev/null 2>&1 "
		     "&& exit 0; done; exit 1",
		     ns, dst) == 0;
}

START_TEST(routed_guest_gets_slaac_address_and_is_reached_both_ways_with_its_own)
{
	const char *a;

	ck_assert_int_eq(nt_run("create routed r6 10.0.0.0/24 fd00:1::/64"), 0);
	guest("g1", "r6");
	a = slaac_address("g1", "fd00:1::");
	ck_assert_str_ne(a, "");
	/* the default route came with the advertisement */
	ck_assert_str_eq(th_str("ip -n g1 -6 -j route show default | jq -r '.[0].protocol'"),
			 "ra\n");
	ck_assert_str_eq(th_str("sysctl -n net.ipv6.conf.all.forwarding"), "1\n");
	ck_assert(ping6("g1", "2001:db8:2::2"));
	ck_assert_int_gt(seen_from(1), 0);
	ck_assert_int_eq(seen_from(0), 0);
	ck_assert(ping6("outside", a));
}
END_TEST

/* NAT66: out with the host's address (though the outside has a route
 * back to the guests' prefix), in nothing new. */
START_TEST(nat_guest_gets_slaac_address_reaches_outside_as_the_host_and_is_not_reached)
{
	const char *a;

	ck_assert_int_eq(nt_run("create nat n6 fd00:1::/64 10.0.0.0/24"), 0);
	guest("g1", "n6");
	a = slaac_address("g1", "fd00:1::");
	ck_assert_str_ne(a, "");
	ck_assert(ping6("g1", "2001:db8:2::2"));
	ck_assert_int_gt(seen_from(0), 0);
	ck_assert_int_eq(seen_from(1), 0);
	ck_assert(!ping6("outside", a));
}
END_TEST

/* IPv6 only; no default route is advertised (nothing is forwarded), and
 * nothing crosses even with one added by hand. */
START_TEST(isolated_ipv6_only_guest_gets_slaac_address_and_nothing_crosses)
{
	const char *a;

	ck_assert_int_eq(nt_run("create isolated i6 fd00:1::/64"), 0);
	guest("g1", "i6");
	a = slaac_address("g1", "fd00:1::");
	ck_assert_str_ne(a, "");
	ck_assert(ping6("g1", "fd00:1::1"));
	ck_assert_str_eq(th_str("ip -n g1 -6 route show default"), "");
	ck_assert_int_eq(th_sh("ip -n g1 -6 route add default via fd00:1::1"), 0);
	/* the host forwards IPv6 (as a routed network of its own would turn
	 * on): only the isolated network's rules stop the guest */
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv6.conf.all.forwarding=1"), 0);
	ck_assert(!ping6("g1", "2001:db8:2::2"));
	ck_assert(!ping6("outside", a));
	ck_assert_int_eq(seen_from(1), 0);
}
END_TEST

START_TEST(stateful_dhcpv6_hands_out_the_range_and_static_hosts_with_aaaa_names)
{
	char want[64];
	unsigned last;
	const char *got;

	ck_assert_int_eq(nt_run("create routed d6 10.0.0.0/24 fd00:1::/64 "
				"--dhcp6 fd00:1::100-fd00:1::1ff"),
			 0);
	ck_assert_str_eq(th_str("$VNET show d6 -j | jq -c '.dhcp6'"),
			 "{\"start\":\"fd00:1::100\",\"end\":\"fd00:1::1ff\"}\n");
	guest("g1", "d6");
	got = nt_dhcp6("g1");
	ck_assert_msg(sscanf(got, "fd00:1::%x ", &last) == 1 && last >= 0x100 && last <= 0x1ff,
		      "%s", got);
	ck_assert_str_eq(strchr(got, ' '), " fd00:1::1\n");
	snprintf(want, sizeof(want), "%.*s", (int)strcspn(got, " "), got);
	ck_assert(ping6("g1", "fd00:1::1"));
	/* a static host: its MAC gets its address, its name answers AAAA */
	ck_assert_int_eq(nt_run("host add d6 52:54:00:00:00:02 10.0.0.50 fd00:1::50 web"), 0);
	ck_assert_str_eq(th_str("$VNET show d6 -j | jq -c '.hosts'"),
			 "[{\"mac\":\"52:54:00:00:00:02\",\"ip\":\"10.0.0.50\","
			 "\"ip6\":\"fd00:1::50\",\"hostname\":\"web\"}]\n");
	ck_assert_int_eq(th_sh("ip netns add g2 && ip netns exec g2 true"), 0);
	ck_assert_int_eq(th_sh("ip netns exec g2 true && ip link add g2-h type veth peer name "
			       "eth0 netns g2 && ip -n g2 link set eth0 address 52:54:00:00:00:02 "
			       "&& ip -n g2 link set lo up && ip -n g2 link set eth0 up && "
			       "$VNET port add d6 g2-h"),
			 0);
	ck_assert_str_eq(nt_dhcp6("g2"), "fd00:1::50 fd00:1::1\n");
	ck_assert_str_eq(th_str("ip netns exec g1 busybox nslookup -type=AAAA web.d6.internal "
				"fd00:1::1 | grep -c 'fd00:1::50'"),
			 "1\n");
}
END_TEST

/* A route learned from a router advertisement on an interface that takes
 * them with accept_ra=1: forwarding would make it expire. Refused, naming
 * the interface and the fix, nothing changed; with accept_ra=2, or without
 * such a route (every other test here: a fresh namespace's interfaces all
 * have accept_ra=1), the network comes up. */
START_TEST(ipv6_forwarding_refused_only_where_ra_routes_would_expire)
{
	ck_assert_int_eq(th_sh("ip -6 route add 2001:db8:9::/64 via fe80::1 dev out0 proto ra"), 0);
	nt_refused(4,
		   "vnet: interface out0: holds routes learned from IPv6 router advertisements "
		   "(2001:db8:9::/64 via fe80::1) with accept_ra=1, which IPv6 forwarding would "
		   "make it ignore (the routes expire): set net.ipv6.conf.out0.accept_ra=2 first\n",
		   "create routed r6 fd00:1::/64");
	/* an IPv4-only network does not forward IPv6 */
	ck_assert_int_eq(nt_run("create routed r4 10.0.0.0/24"), 0);
	ck_assert_int_eq(th_sh("sysctl -qw net.ipv6.conf.out0.accept_ra=2"), 0);
	ck_assert_int_eq(nt_run("create routed r6 fd00:1::/64"), 0);
	ck_assert_str_eq(th_str("sysctl -n net.ipv6.conf.all.forwarding"), "1\n");
}
END_TEST

START_TEST(two_subnets_in_either_order_and_their_options)
{
	ck_assert_int_eq(nt_run("create routed a fd00:1::/64 10.0.0.0/24 --gateway6 fd00:1::fe"),
			 0);
	ck_assert_str_eq(th_str("$VNET show a -j | jq -c '[.subnets, .gateway, .gateway6, "
				".dhcp6]'"),
			 "[[\"10.0.0.0/24\",\"fd00:1::/64\"],\"10.0.0.1\",\"fd00:1::fe\","
			 "\"slaac\"]\n");
	ck_assert_str_eq(th_str("$VNET show a | grep subnet"),
			 "  subnet   10.0.0.0/24  gateway 10.0.0.1  dhcp 10.0.0.2-10.0.0.254\n"
			 "  subnet   fd00:1::/64  gateway fd00:1::fe  dhcp slaac\n");
	/* the same again, in the other order: nothing to change */
	ck_assert_int_eq(nt_run("create routed a 10.0.0.0/24 fd00:1::/64 --gateway6 fd00:1::fe"),
			 0);
	nt_refused(2,
		   "vnet: subnet 10.1.0.0/24: a network takes one IPv4 and one IPv6 subnet, not "
		   "two IPv4\n",
		   "create routed b 10.0.0.0/24 10.1.0.0/24");
	nt_refused(2, "vnet: --gateway: the network has no IPv4 subnet\n",
		   "create routed b fd00:2::/64 --gateway 10.0.0.1");
	nt_refused(2,
		   "vnet: subnet fd00:2::/56: SLAAC needs a /64: give a DHCPv6 range (--dhcp6 "
		   "START-END) or --no-dhcp\n",
		   "create routed b fd00:2::/56");
	nt_refused(2,
		   "vnet: address [fd00:1::5]: guests make their own addresses there (SLAAC): a "
		   "static IPv6 host needs a DHCPv6 range (--dhcp6)\n",
		   "host add a 52:54:00:00:00:05 10.0.0.5 fd00:1::5");
}
END_TEST

/* A TCP server on [::]:port in ns that answers each connection with
 * "NS PEER" (the address it saw); ready once it listens. */
static void serve6(const char *ns, unsigned port)
{
	const char *d = th_tmpdir();

	ck_assert_int_eq(
		th_sh("ip netns exec %s python3 -c '\n"
		      "import socket, sys\n"
		      "s = socket.socket(socket.AF_INET6)\n"
		      "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
		      "s.bind((\"::\", %u)); s.listen(8); open(sys.argv[1], \"w\").close()\n"
		      "while True:\n"
		      "    c, p = s.accept(); c.sendall((\"%s \" + p[0] + \"\\n\").encode()); "
		      "c.close()\n"
		      "' %s/serve-%s >/dev/null 2>&1 &\n"
		      "for i in $(seq 200); do [ -e %s/serve-%s ] && exit 0; sleep 0.05; done; "
		      "exit 1",
		      ns, port, ns, d, ns, d, ns),
		0);
}

/* What a TCP connection from ns (NULL: the host) to [addr]:port is
 * answered ("" for nothing in 3 s). */
static const char *ask6(const char *ns, const char *addr, unsigned port)
{
	return th_str("%s%s python3 -c '\n"
		      "import socket\n"
		      "c = socket.create_connection((\"%s\", %u), timeout=3)\n"
		      "print(c.recv(200).decode(), end=\"\")\n"
		      "' 2>/dev/null",
		      ns ? "ip netns exec " : "", ns ? ns : "", addr, port);
}

/* A port forward into an IPv6 guest ([ADDRESS]:PORT), from the outside,
 * from the host itself and from another guest (hairpin, masqueraded);
 * beside an IPv4 forward of the same port, each to its own family. */
START_TEST(ipv6_port_forward_reaches_the_guest_from_everywhere)
{
	const char *a, *b;
	char to[96], want[160];

	ck_assert_int_eq(nt_run("create nat n6 10.0.0.0/24 fd00:1::/64"), 0);
	guest("g1", "n6");
	guest("g2", "n6");
	a = slaac_address("g1", "fd00:1::");
	b = slaac_address("g2", "fd00:1::");
	ck_assert(a[0] && b[0]);
	serve6("g1", 80);
	snprintf(to, sizeof(to), "[%s]:80", a);
	ck_assert_int_eq(nt_run("forward add n6 tcp 8080 %s", to), 0);
	ck_assert_int_eq(th_sh("ip -n g2 addr add 10.0.0.12/24 dev eth0 && "
			       "ip -n g2 route add default via 10.0.0.1 && "
			       "ip netns exec g2 python3 -c '\n"
			       "import socket, sys\n"
			       "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, "
			       "socket.SO_REUSEADDR, 1)\n"
			       "s.bind((\"0.0.0.0\", 80)); s.listen(8)\n"
			       "while True:\n"
			       "    c, p = s.accept(); c.sendall(b\"g2v4\\n\"); c.close()\n"
			       "' >/dev/null 2>&1 &"),
			 0);
	ck_assert_int_eq(nt_run("forward add n6 tcp 8080 10.0.0.12:80"), 0);
	ck_assert_str_eq(ask6("outside", "2001:db8:2::1", 8080), "g1 2001:db8:2::2\n");
	ck_assert_str_eq(ask6(NULL, "2001:db8:2::1", 8080), "g1 2001:db8:2::1\n");
	ck_assert_str_eq(ask6("g2", "2001:db8:2::1", 8080), "g1 fd00:1::1\n");
	ck_assert_str_eq(ask6("outside", "192.0.2.1", 8080), "g2v4\n");
	snprintf(want, sizeof(want), "  forward  tcp 8080 -> [%s]:80\n", a);
	ck_assert_str_eq(th_str("$VNET show n6 | grep forward | head -1"), want);
	snprintf(want, sizeof(want), "to = [%s]:80\n", a);
	ck_assert_str_eq(th_str("grep '^to = \\[' %s/conf/n6.conf", th_tmpdir()), want);
	/* del takes the port's forwards of both families */
	ck_assert_int_eq(nt_run("forward del n6 tcp 8080"), 0);
	ck_assert_str_eq(ask6("outside", "2001:db8:2::1", 8080), "");
	nt_refused(2,
		   "vnet: fd00:1::5:80: must be ADDRESS:PORT, as in 10.0.0.5:80 or [fd00::5]:80\n",
		   "forward add n6 tcp 8080 fd00:1::5:80");
	nt_refused(2,
		   "vnet: [10.0.0.5]:80: an IPv6 address goes in brackets, an IPv4 one without\n",
		   "forward add n6 tcp 8080 [10.0.0.5]:80");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_ipv6");
	TCase *t = tcase_create("ipv6");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, routed_guest_gets_slaac_address_and_is_reached_both_ways_with_its_own);
	tcase_add_test(t,
		       nat_guest_gets_slaac_address_reaches_outside_as_the_host_and_is_not_reached);
	tcase_add_test(t, isolated_ipv6_only_guest_gets_slaac_address_and_nothing_crosses);
	tcase_add_test(t, stateful_dhcpv6_hands_out_the_range_and_static_hosts_with_aaaa_names);
	tcase_add_test(t, ipv6_forwarding_refused_only_where_ra_routes_would_expire);
	tcase_add_test(t, two_subnets_in_either_order_and_their_options);
	tcase_add_test(t, ipv6_port_forward_reaches_the_guest_from_everywhere);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_ipv6", true);
}
