/* Namespace tests of the firewall layer: each test runs in a fresh network
 * namespace (the "host"), with a bridge per network, veth "guests" in
 * namespaces of their own and an "outside" namespace routed via the host.
 * What the kernel holds is read with `nft`, what the models do is proved
 * with ping and with counters in observer tables (never with vnet's own
 * reading). */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fw.h"
#include "harness.h"
#include "internal.h"

#define SH(...) ck_assert_msg(th_sh(__VA_ARGS__) == 0, "failed: " __VA_ARGS__)

static struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

/* Network A on bridge lan0 (10.0.1.0/24, fd00:1::/64), network B on lan1
 * (10.0.2.0/24). Guests g1 and g2 live on lan0, g3 on lan1. */
static struct fw_net
net_a(enum fw_model m)
{
	return (struct fw_net){"na", m, "lan0", 2, {P("10.0.1.0/24"), P("fd00:1::/64")}};
}

static struct fw_net net_b(enum fw_model m)
{
	return (struct fw_net){"nb", m, "lan1", 1, {P("10.0.2.0/24")}};
}

static void bridge(const char *br, const char *addr4, const char *addr6)
{
	SH("ip link add name %s type bridge && ip link set %s up", br, br);
	SH("ip addr add %s dev %s", addr4, br);
	if (addr6)
		SH("ip addr add %s dev %s nodad", addr6, br);
}

static void guest(const char *ns, const char *br, const char *addr4, const char *addr6)
{
	SH("ip netns add %s", ns);
	SH("ip link add %s-h type veth peer name eth0 netns %s", ns, ns);
	SH("ip link set %s-h master %s up", ns, br);
	SH("ip -n %s link set lo up && ip -n %s link set eth0 up", ns, ns);
	SH("ip -n %s addr add %s dev eth0", ns, addr4);
	SH("ip -n %s route add default via %s", ns, !strcmp(br, "lan0") ? "10.0.1.1" : "10.0.2.1");
	if (addr6) {
		SH("ip -n %s addr add %s dev eth0 nodad", ns, addr6);
		SH("ip -n %s -6 route add default via fd00:1::1", ns);
	}
}

/* lan0 with g1 (and g2), lan1 with g3 when two_nets, and the outside
 * (198.51.100.2, fd00:99::2) behind up0; forwarding on in the host. */
static void topology(bool two_guests, bool two_nets)
{
	bridge("lan0", "10.0.1.1/24", "fd00:1::1/64");
	guest("g1", "lan0", "10.0.1.11/24", "fd00:1::11/64");
	if (two_guests)
		guest("g2", "lan0", "10.0.1.12/24", NULL);
	if (two_nets) {
		bridge("lan1", "10.0.2.1/24", NULL);
		guest("g3", "lan1", "10.0.2.13/24", NULL);
	}
	SH("ip netns add out");
	SH("ip link add up0 type veth peer name eth0 netns out && ip link set up0 up");
	SH("ip addr add 198.51.100.1/24 dev up0 && ip addr add fd00:99::1/64 dev up0 nodad");
	SH("ip -n out link set lo up && ip -n out link set eth0 up");
	SH("ip -n out addr add 198.51.100.2/24 dev eth0 && ip -n out addr add fd00:99::2/64 dev "
	   "eth0 nodad");
	SH("ip -n out route add 10.0.0.0/8 via 198.51.100.1");
	SH("ip -n out -6 route add fd00::/16 via fd00:99::1");
	SH("echo 1 > /proc/sys/net/ipv4/ip_forward");
	SH("echo 1 > /proc/sys/net/ipv6/conf/all/forwarding");
}

/* Whether a ping from namespace ns gets an answer within 5 s; it probes
 * every 0.2 s, so neighbour discovery on fresh links (IPv6 needs a moment)
 * cannot decide the outcome. */
static bool ping(const char *ns, const char *addr)
{
	return th_sh("ip netns exec %s ping -c1 -w5 -i0.2 -q %s >/dev/null 2>&1", ns, addr) == 0;
}

/* Counts, in the outside, packets from the host's and from g1's address. */
static void observe_outside(void)
{
	SH("ip netns exec out nft -f - <<'EOF'\n"
	   "table ip obs {\n"
	   "	counter from_host {}\n"
	   "	counter from_guest {}\n"
	   "	chain seen {\n"
	   "		type filter hook input priority 0;\n"
	   "		ip saddr 198.51.100.1 counter name from_host\n"
	   "		ip saddr 10.0.1.11 counter name from_guest\n"
	   "	}\n"
	   "}\n"
	   "EOF");
}

/* Packets of named counter `name` in table `table` ("ip obs"); ns NULL
 * means the host. */
static long counter(const char *ns, const char *table, const char *name)
{
	json_object *o = th_json("%s%s nft -j list counter %s %s", ns ? "ip netns exec " : "",
				 ns ? ns : "", table, name);
	json_object *items, *c;
	long packets = -1;

	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(items, i), "counter", &c))
			packets = th_jint(c, "packets");
	json_object_put(o);
	ck_assert_int_ge(packets, 0);
	return packets;
}

/* Packets counted by the `counter reject` rule of one of our chains. */
static long rejected(const char *chain)
{
	json_object *o = th_json("nft -j list chain inet vnet %s", chain);
	json_object *items, *rule, *exprs, *c;
	long packets = -1;

	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(items, i), "rule",
					       &rule) ||
		    !json_object_object_get_ex(rule, "expr", &exprs))
			continue;
		for (size_t k = 0; k < json_object_array_length(exprs); k++)
			if (json_object_object_get_ex(json_object_array_get_idx(exprs, k),
						      "counter", &c))
				packets = th_jint(c, "packets");
	}
	json_object_put(o);
	ck_assert_int_ge(packets, 0);
	return packets;
}

static struct fw_plan *build(const struct fw_net *n)
{
	struct fw_plan *p = NULL;
	struct nl_err e;
	char line[300];

	ck_assert_msg(fw_plan_build(n, &p, &e) == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	return p;
}

/* Applies (remove = false) or removes network n; returns the result and
 * fills e. */
static int run(const struct fw_net *n, bool remove, struct nl_err *e)
{
	struct fw_plan *p = build(n);
	struct fw fw;
	char line[300];
	int err;

	ck_assert_msg(fw_open(&fw, e) == 0, "%s", nl_err_str(e, line, sizeof(line)));
	err = remove ? fw_remove(&fw, n, e) : fw_apply(&fw, p, e);
	fw_close(&fw);
	fw_plan_free(p);
	return err;
}

static void must(const struct fw_net *n, bool remove)
{
	struct nl_err e;
	char line[300];

	ck_assert_msg(run(n, remove, &e) == 0, "%s %s: %s", remove ? "remove" : "apply", n->name,
		      nl_err_str(&e, line, sizeof(line)));
}

#define apply(n)      must(n, false)
#define remove_net(n) must(n, true)

/* The kernel's table, as nft lists it without counters, equals the plan's
 * text; and by nft's JSON, our chains and rules are the plan's. */
static void check_listing(const struct fw_plan *p)
{
	char *text = fw_plan_render(p), *listed = th_out(NULL, "nft -s list table inet vnet");
	json_object *o = th_json("nft -j list table inet vnet");
	json_object *items, *x;
	unsigned rules = 0, chains = 0, want_chains = 0;

	ck_assert_str_eq(listed, text);
	ck_assert(json_object_object_get_ex(o, "nftables", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		bool rule = json_object_object_get_ex(it, "rule", &x);
		const char *chain;

		if (!rule && !json_object_object_get_ex(it, "chain", &x))
			continue;
		chain = th_jstr(x, rule ? "chain" : "name");
		if (!strcmp(chain, "forward") || !strcmp(chain, "postrouting"))
			continue;
		if (rule)
			rules++;
		else
			chains++;
	}
	for (const char *s = text; (s = strstr(s, "\tchain ")); s++)
		want_chains++;
	ck_assert_uint_eq(rules, fw_plan_rule_count(p));
	ck_assert_uint_eq(chains, want_chains - FW_NBASES);
	json_object_put(o);
	free(listed);
	free(text);
}

static const struct variant {
	enum fw_model model;
	bool isolate_ports;
	bool v6;
} variants[] = {
	{FW_ISOLATED, false, false}, {FW_ROUTED, false, false}, {FW_ROUTED, false, true},
	{FW_NAT, false, true},	     {FW_NAT, true, false},	{FW_BRIDGED, false, false},
};

START_TEST(listing_equals_the_plan_for_each_model)
{
	struct fw_net n = net_a(variants[_i].model);
	struct fw_plan *p;

	n.isolate_ports = variants[_i].isolate_ports;
	n.nsubnets = variants[_i].v6 ? 2 : 1;
	p = build(&n);
	apply(&n);
	check_listing(p);
	fw_plan_free(p);
}
END_TEST

START_TEST(apply_twice_leaves_the_same_ruleset)
{
	struct fw_net n = net_a(FW_NAT);
	char *once, *twice;

	apply(&n);
	once = th_out(NULL, "nft list ruleset");
	apply(&n);
	twice = th_out(NULL, "nft list ruleset");
	ck_assert_str_eq(twice, once);
	free(once);
	free(twice);
}
END_TEST

START_TEST(nat_guest_reaches_outside_with_host_source)
{
	struct fw_net n = net_a(FW_NAT);

	topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(counter("out", "ip obs", "from_host"), 1);
	ck_assert_int_eq(counter("out", "ip obs", "from_guest"), 0);
}
END_TEST

START_TEST(nat_outside_cannot_open_connection_to_guest)
{
	struct fw_net n = net_a(FW_NAT);

	topology(false, false);
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_msg(!ping("out", "10.0.1.11"), "outside opened a connection to a NAT guest");
	ck_assert_msg(!ping("out", "fd00:1::11"), "outside opened an IPv6 connection to a guest");
	ck_assert_int_ge(rejected("na-in"), 2);
}
END_TEST

START_TEST(routed_forwards_both_ways_keeping_source)
{
	struct fw_net n = net_a(FW_ROUTED);

	topology(false, false);
	observe_outside();
	apply(&n);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
	ck_assert_int_ge(counter("out", "ip obs", "from_guest"), 1);
	ck_assert_int_eq(counter("out", "ip obs", "from_host"), 0);
	ck_assert_msg(ping("out", "10.0.1.11"), "outside cannot reach a routed guest");
	ck_assert_msg(ping("g1", "fd00:99::2"), "guest cannot reach the outside over IPv6");
	ck_assert_msg(ping("out", "fd00:1::11"), "outside cannot reach a guest over IPv6");
}
END_TEST

START_TEST(isolated_forwards_nothing_while_ip_forward_is_on)
{
	struct fw_net n = net_a(FW_ISOLATED);
	char *fwd;

	topology(false, false);
	apply(&n);
	fwd = th_out(NULL, "cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(fwd, "1\n");
	free(fwd);
	ck_assert_msg(!ping("g1", "198.51.100.2"), "isolated guest reached the outside");
	ck_assert_msg(!ping("out", "10.0.1.11"), "outside reached an isolated guest");
	ck_assert_msg(!ping("g1", "fd00:99::2"), "isolated guest reached the outside (IPv6)");
	ck_assert_int_ge(rejected("na-out"), 2);
	ck_assert_int_ge(rejected("na-in"), 1);
	ck_assert_msg(ping("g1", "10.0.1.1"), "isolated guest cannot reach the host");
}
END_TEST

/* Counts guest-to-guest packets on lan0 in the forward hook before
 * (priority -10) and after (priority 10) our table. */
static void observe_intra(void)
{
	SH("nft -f - <<'EOF'\n"
	   "table inet obs {\n"
	   "	counter before {}\n"
	   "	counter after {}\n"
	   "	chain early {\n"
	   "		type filter hook forward priority -10;\n"
	   "		iifname \"lan0\" oifname \"lan0\" counter name before\n"
	   "	}\n"
	   "	chain late {\n"
	   "		type filter hook forward priority 10;\n"
	   "		iifname \"lan0\" oifname \"lan0\" counter name after\n"
	   "	}\n"
	   "}\n"
	   "EOF");
}

static const enum fw_model all_models[] = {FW_ISOLATED, FW_ROUTED, FW_NAT, FW_BRIDGED};

START_TEST(guests_of_one_bridge_reach_each_other_in_every_model)
{
	struct fw_net n = net_a(all_models[_i]);
	char *nf;

	topology(true, false);
	nf = th_out(NULL, "cat /proc/sys/net/bridge/bridge-nf-call-iptables");
	ck_assert_msg(!strcmp(nf, "1\n"), "bridge-nf-call-iptables is %s", nf);
	free(nf);
	observe_intra();
	apply(&n);
	ck_assert_msg(ping("g1", "10.0.1.12"), "guests of one bridge cannot reach each other");
	/* br_netfilter showed the bridged packets to the forward hook, and
	 * our table let them through. */
	ck_assert_int_ge(counter(NULL, "inet obs", "before"), 1);
	ck_assert_int_ge(counter(NULL, "inet obs", "after"), 1);
}
END_TEST

START_TEST(isolate_ports_drops_guest_to_guest_in_forward)
{
	struct fw_net n = net_a(FW_NAT);

	n.isolate_ports = true;
	topology(true, false);
	observe_intra();
	apply(&n);
	ck_assert_msg(!ping("g1", "10.0.1.12"),
		      "guests of an isolating network reached each other");
	ck_assert_int_ge(counter(NULL, "inet obs", "before"), 1);
	ck_assert_int_eq(counter(NULL, "inet obs", "after"), 0);
	ck_assert_msg(ping("g1", "198.51.100.2"), "guest cannot reach the outside");
}
END_TEST

START_TEST(nat_networks_cannot_reach_each_other)
{
	struct fw_net a = net_a(FW_NAT), b = net_b(FW_NAT);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!ping("g1", "10.0.2.13"), "NAT network reached another NAT network");
	ck_assert_int_ge(rejected("nb-in"), 1);
	ck_assert_msg(!ping("g3", "10.0.1.11"), "NAT network reached another NAT network");
	ck_assert_int_ge(rejected("na-in"), 1);
	ck_assert_msg(ping("g1", "198.51.100.2") && ping("g3", "198.51.100.2"),
		      "NAT guests cannot reach the outside");
}
END_TEST

START_TEST(nat_guest_reaches_routed_network_not_back)
{
	struct fw_net a = net_a(FW_NAT), b = net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(ping("g1", "10.0.2.13"), "NAT guest cannot reach a routed network");
	ck_assert_msg(!ping("g3", "10.0.1.11"), "routed guest opened a connection into NAT");
	ck_assert_int_ge(rejected("na-in"), 1);
}
END_TEST

START_TEST(isolated_guest_cannot_reach_routed_network)
{
	struct fw_net a = net_a(FW_ISOLATED), b = net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(!ping("g1", "10.0.2.13"), "isolated guest reached a routed network");
	ck_assert_int_ge(rejected("na-out"), 1); /* nb-in let it pass, na-out did not */
	ck_assert_msg(!ping("g3", "10.0.1.11"), "routed guest reached an isolated network");
	ck_assert_int_ge(rejected("na-in"), 1);
	ck_assert_msg(ping("g3", "198.51.100.2"), "routed guest cannot reach the outside");
}
END_TEST

START_TEST(routed_networks_reach_each_other)
{
	struct fw_net a = net_a(FW_ROUTED), b = net_b(FW_ROUTED);

	topology(false, true);
	apply(&a);
	apply(&b);
	ck_assert_msg(ping("g1", "10.0.2.13") && ping("g3", "10.0.1.11"),
		      "routed networks cannot reach each other");
}
END_TEST

START_TEST(refused_plan_names_the_rule_and_changes_nothing)
{
	struct fw_net n = net_a(FW_NAT);
	struct fw_plan *p = build(&n);
	struct fw fw;
	struct nl_err e;
	char *before, *after, line[400];
	int err;

	apply(&n);
	before = th_out(NULL, "nft -a list ruleset");
	ck_assert_int_eq(fw_plan_add_jump_for_test(p, "nowhere"), 0);
	ck_assert_int_eq(fw_open(&fw, &e), 0);
	err = fw_apply(&fw, p, &e);
	fw_close(&fw);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(err == -ENOENT, "%d: %s", err, line);
	ck_assert_msg(strstr(line, "rule 4 of chain na-in (jump nowhere): add: "), "%s", line);
	ck_assert_msg(e.attr != 0, "the kernel pointed at no attribute: %s", line);
	ck_assert_msg(!e.msg[0] || e.kernel, "%s", line);
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	fw_plan_free(p);
}
END_TEST

static const char foreign[] = "nft -f - <<'EOF'\n"
			      "table ip other {\n"
			      "	chain input {\n"
			      "		type filter hook input priority 0; policy accept;\n"
			      "		tcp dport 22 accept\n"
			      "	}\n"
			      "	chain forward {\n"
			      "		type filter hook forward priority -5; policy drop;\n"
			      "		ip saddr 10.0.1.0/24 counter accept\n"
			      "	}\n"
			      "	chain postrouting {\n"
			      "		type nat hook postrouting priority 50; policy accept;\n"
			      "		oifname \"up0\" masquerade\n"
			      "	}\n"
			      "}\n"
			      "EOF";

START_TEST(foreign_table_stays_identical_across_apply_and_remove)
{
	struct fw_net n = net_a(FW_NAT);
	char *before, *applied, *removed;

	SH("%s", foreign);
	before = th_out(NULL, "nft -a list table ip other");
	apply(&n);
	applied = th_out(NULL, "nft -a list table ip other");
	remove_net(&n);
	removed = th_out(NULL, "nft -a list table ip other");
	ck_assert_str_eq(applied, before);
	ck_assert_str_eq(removed, before);
	free(before);
	free(applied);
	free(removed);
}
END_TEST

START_TEST(remove_leaves_nothing_of_the_network)
{
	struct fw_net a = net_a(FW_NAT), b = net_b(FW_ROUTED);
	struct fw_plan *pb = build(&b);
	char *listed;

	apply(&a);
	apply(&b);
	remove_net(&a);
	listed = th_out(NULL, "nft -j list table inet vnet");
	ck_assert_msg(!strstr(listed, "na-") && !strstr(listed, "lan0") &&
			      !strstr(listed, "10.0.1.0"),
		      "left of network na: %s", listed);
	check_listing(pb); /* the other network is whole */
	free(listed);
	fw_plan_free(pb);
}
END_TEST

START_TEST(removing_an_absent_or_half_present_network_succeeds)
{
	struct fw_net a = net_a(FW_NAT), b = net_b(FW_ROUTED);
	struct fw_plan *pb = build(&b);
	char *before, *after;

	remove_net(&a); /* no table at all: nothing is made */
	after = th_out(NULL, "nft list ruleset");
	ck_assert_str_eq(after, "");
	free(after);
	apply(&b);
	before = th_out(NULL, "nft -a list ruleset");
	remove_net(&a); /* table without the network */
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(after);
	apply(&a); /* half present: an element and a chain gone */
	SH("nft delete element inet vnet to_bridge '{ \"lan0\" }'");
	SH("nft flush chain inet vnet na-in && nft delete chain inet vnet na-in");
	remove_net(&a);
	check_listing(pb);
	free(before);
	fw_plan_free(pb);
}
END_TEST

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted and joined again (in place). */
static char *sorted_lines(char *text)
{
	char *lines[512], *copy = strdup(text), *save = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(copy);
	for (char *l = strtok_r(copy, "\n", &save); l && n < 512; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), by_line);
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		strcat(strcat(text, lines[i]), "\n");
	free(copy);
	return text;
}

START_TEST(deleted_base_chain_is_repaired_by_apply)
{
	struct fw_net n = net_a(FW_NAT);
	struct fw_plan *p = build(&n);
	char *text = fw_plan_render(p), *listed;

	apply(&n);
	SH("nft flush chain inet vnet forward && nft delete chain inet vnet forward");
	apply(&n);
	/* Recreated, forward now comes last in nft's listing. */
	listed = th_out(NULL, "nft -s list table inet vnet");
	ck_assert_str_eq(sorted_lines(listed), sorted_lines(text));
	free(listed);
	free(text);
	fw_plan_free(p);
}
END_TEST

START_TEST(table_of_our_name_not_ours_is_refused)
{
	struct fw_net n = net_a(FW_NAT);
	struct nl_err e;
	char *before, *after, line[300];

	SH("nft add table inet vnet && nft add chain inet vnet mine");
	before = th_out(NULL, "nft -a list ruleset");
	ck_assert_int_eq(run(&n, false, &e), -EEXIST);
	ck_assert_int_eq(e.kind, NL_ERR_CONFLICT);
	ck_assert_msg(strstr(nl_err_str(&e, line, sizeof(line)), "table inet vnet"), "%s", line);
	ck_assert_int_eq(run(&n, true, &e), -EEXIST);
	after = th_out(NULL, "nft -a list ruleset");
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* Without CAP_NET_ADMIN the kernel refuses a batch at its begin marker
 * and answers nothing else: the send must fail, not wait forever. */
static int unprivileged_apply(void)
{
	struct fw_net n = net_a(FW_NAT);
	struct nl_batch *b = nl_batch_new();
	struct fw_plan *p = NULL;
	struct nl_err e;
	struct fw fw;
	int err;

	alarm(10);
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	if (!b || fw_plan_build(&n, &p, NULL) || fw_open(&fw, NULL) || fw_batch_apply(b, p, NULL))
		return 11;
	err = nl_batch_send(&fw.s, b, NULL, NULL, &e);
	if (err != -EPERM || strcmp(e.obj, "nftables transaction"))
		return 12;
	err = fw_apply(&fw, p, &e);
	fw_close(&fw);
	fw_plan_free(p);
	nl_batch_free(b);
	return err == -EPERM ? 0 : 13;
}

START_TEST(batch_refused_as_a_whole_fails_without_waiting)
{
	pid_t pid = fork();
	int st = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(unprivileged_apply());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "the unprivileged apply hung (signal %d)", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_firewall");
	TCase *t = tcase_create("ns");

	tcase_add_checked_fixture(t, th_netns_setup, th_netns_teardown);
	tcase_add_loop_test(t, listing_equals_the_plan_for_each_model, 0,
			    sizeof(variants) / sizeof(variants[0]));
	tcase_add_test(t, apply_twice_leaves_the_same_ruleset);
	tcase_add_test(t, nat_guest_reaches_outside_with_host_source);
	tcase_add_test(t, nat_outside_cannot_open_connection_to_guest);
	tcase_add_test(t, routed_forwards_both_ways_keeping_source);
	tcase_add_test(t, isolated_forwards_nothing_while_ip_forward_is_on);
	tcase_add_loop_test(t, guests_of_one_bridge_reach_each_other_in_every_model, 0,
			    sizeof(all_models) / sizeof(all_models[0]));
	tcase_add_test(t, isolate_ports_drops_guest_to_guest_in_forward);
	tcase_add_test(t, nat_networks_cannot_reach_each_other);
	tcase_add_test(t, nat_guest_reaches_routed_network_not_back);
	tcase_add_test(t, isolated_guest_cannot_reach_routed_network);
	tcase_add_test(t, routed_networks_reach_each_other);
	tcase_add_test(t, refused_plan_names_the_rule_and_changes_nothing);
	tcase_add_test(t, foreign_table_stays_identical_across_apply_and_remove);
	tcase_add_test(t, remove_leaves_nothing_of_the_network);
	tcase_add_test(t, removing_an_absent_or_half_present_network_succeeds);
	tcase_add_test(t, deleted_base_chain_is_repaired_by_apply);
	tcase_add_test(t, table_of_our_name_not_ours_is_refused);
	tcase_add_test(t, batch_refused_as_a_whole_fails_without_waiting);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_firewall", true);
}
