/* fwt — see fwt.h. */
#include "tests/fwt.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/internal.h"

struct nl_prefix fwt_prefix(const char *s)
{
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

struct fw_net fwt_net_a(enum fw_model m)
{
	return (struct fw_net){
		"na", m, "lan0", 2, {fwt_prefix("10.0.1.0/24"), fwt_prefix("fd00:1::/64")}};
}

struct fw_net fwt_net_b(enum fw_model m)
{
	return (struct fw_net){"nb", m, "lan1", 1, {fwt_prefix("10.0.2.0/24")}};
}

long fwt_counter(const char *ns, const char *table, const char *name)
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

long fwt_rejected(const char *chain)
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

void fwt_forward(struct fw_net *n, const char *proto, uint16_t port, const char *guest,
		 uint16_t gport, const char *address)
{
	struct fw_forward *f = &n->forward[n->nforwards++];

	memset(f, 0, sizeof(*f));
	f->proto = strcmp(proto, "udp") ? IPPROTO_TCP : IPPROTO_UDP;
	f->port = port;
	f->guest = fwt_prefix(guest);
	f->guest_port = gport;
	if (address)
		f->address = fwt_prefix(address);
}

struct fw_plan *fwt_build(const struct fw_net *n)
{
	struct fw_plan *p = NULL;
	struct nl_err e;
	char line[300];

	ck_assert_msg(fw_plan_build(n, &p, &e) == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	return p;
}

int fwt_run(const struct fw_net *n, bool remove, struct nl_err *e)
{
	struct fw_plan *p = fwt_build(n);
	struct fw fw;
	char line[300];
	int err;

	ck_assert_msg(fw_open(&fw, e) == 0, "%s", nl_err_str(e, line, sizeof(line)));
	err = remove ? fw_remove(&fw, n, e) : fw_apply(&fw, p, e);
	fw_close(&fw);
	fw_plan_free(p);
	return err;
}

void fwt_must(const struct fw_net *n, bool remove)
{
	struct nl_err e;
	char line[300];

	ck_assert_msg(fwt_run(n, remove, &e) == 0, "%s %s: %s", remove ? "remove" : "apply",
		      n->name, nl_err_str(&e, line, sizeof(line)));
}

void fwt_reapply_keeps(const struct fw_net *n, const char *list)
{
	char *before = th_out(NULL, "%s", list), *after;

	fwt_must(n, false);
	after = th_out(NULL, "%s", list);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}

static bool is_base(const char *chain)
{
	for (unsigned i = 0; i < FW_NBASES; i++)
		if (!strcmp(chain, fw_bases[i].name))
			return true;
	return false;
}

void fwt_check_listing(const struct fw_plan *p)
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
		if (is_base(chain))
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

void fwt_topology(bool two_guests, bool two_nets)
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

bool fwt_ping(const char *ns, const char *addr)
{
	return th_sh("ip netns exec %s ping -c1 -w5 -i0.2 -q %s >/dev/null 2>&1", ns, addr) == 0;
}

void fwt_bridge_nf(bool on)
{
	SH("echo %d > /proc/sys/net/bridge/bridge-nf-call-iptables", on);
	ck_assert_str_eq(th_str("cat /proc/sys/net/bridge/bridge-nf-call-iptables"),
			 on ? "1\n" : "0\n");
}

/* Waits up to 5 s for file path to exist. */
static void wait_for(const char *path)
{
	ck_assert_msg(th_sh("for i in $(seq 50); do [ -e %s ] && exit 0; sleep 0.1; done; exit 1",
			    path) == 0,
		      "%s never came", path);
}

void fwt_serve(const char *ns, const char *proto, unsigned port)
{
	char ready[300];

	snprintf(ready, sizeof(ready), "%s/serve-%s-%s-%u", th_tmpdir(), ns ? ns : "host", proto,
		 port);
	SH("rm -f %s", ready);
	SH("%s%s python3 %s serve %s %u %s %s >/dev/null 2>&1 &", ns ? "ip netns exec " : "",
	   ns ? ns : "", VNET_PROBE, proto, port, ready, ns ? ns : "host");
	wait_for(ready);
}

const char *fwt_ask(const char *ns, const char *proto, const char *host, unsigned port)
{
	return th_str("%s%s python3 %s ask %s %s %u 2>/dev/null", ns ? "ip netns exec " : "",
		      ns ? ns : "", VNET_PROBE, proto, host, port);
}

long fwt_udp_checksum(const char *ns, unsigned dport, const char *trigger)
{
	char ready[300], out[310];
	long sum = -1;

	snprintf(ready, sizeof(ready), "%s/csum-%s-%u", th_tmpdir(), ns, dport);
	snprintf(out, sizeof(out), "%s.out", ready);
	SH("rm -f %s %s && (ip netns exec %s python3 %s csum eth0 %u %s > %s 2>&1 &)", ready, out,
	   ns, VNET_PROBE, dport, ready, out);
	wait_for(ready);
	SH("%s", trigger);
	SH("for i in $(seq 100); do [ -s %s ] && exit 0; sleep 0.1; done; exit 1", out);
	ck_assert_msg(sscanf(th_str("cat %s", out), "%ld", &sum) == 1, "observer: %s",
		      th_str("cat %s", out));
	return sum;
}
