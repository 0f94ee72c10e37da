/* Unit tests of the firewall layer (no kernel): each model's plan rendered
 * against its golden file, rule and element counts, plan checks, forward
 * elements, and the batches decoded back (the rule builders are
 * unit_firewall_expr's).
 *
 * Golden files live in tests/golden/fw-*.nft; VNET_UPDATE_GOLDEN=1 rewrites
 * them from the current renderer (then review the diff). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "tests/harness.h"
#include "firewall/internal.h"
#include "firewall/testing.h"

static struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

static struct fw_plan *
plan(const struct fw_net *n)
{
	struct fw_plan *p = NULL;
	struct nl_err e;
	char line[300];
	int err = fw_plan_build(n, &p, &e);

	ck_assert_msg(err == 0, "%s", nl_err_str(&e, line, sizeof(line)));
	return p;
}

/* --- golden files ----------------------------------------------------- */

/* A forward; address NULL: every address of the host. */
static struct fw_forward F(uint8_t proto, uint16_t port, const char *guest, uint16_t gport,
			   const char *address) {
	struct fw_forward f = {.proto = proto, .port = port, .guest_port = gport};

	f.guest = P(guest);
	if (address)
		f.address = P(address);
	return f;
}

static const struct golden {
	const char *file;
	struct fw_net net;
	const char *subnets[2];
	unsigned rules, elems;
	bool forwards; /* the three of add_forwards() */
} goldens[] = {
	{"fw-isolated.nft", {"iso", FW_ISOLATED, "iso0", .dhcp = true}, {"192.168.100.0/24"}, 3, 4},
	{"fw-routed.nft", {"rt", FW_ROUTED, "rt0"}, {"10.10.0.0/24"}, 5, 3},
	{"fw-routed-ipv6.nft",
	 {"rt6", FW_ROUTED, "rt6br", .dhcp = true},
	 {"10.20.0.0/24", "fd00:20::/64"},
	 7,
	 4},
	{"fw-nat.nft", {"default", FW_NAT, "virbr0", .dhcp = true}, {"192.168.122.0/24"}, 12, 5},
	{"fw-nat-ipv6.nft",
	 {"nat6", FW_NAT, "nat6br", .dhcp = true},
	 {"10.30.0.0/24", "fd00:30::/64"},
	 19,
	 6},
	{"fw-nat-isolate-ports.nft",
	 {"natiso", FW_NAT, "natiso0", .isolate_ports = true},
	 {"192.168.50.0/25"},
	 12,
	 4},
	{"fw-nat-forwards.nft",
	 {"web", FW_NAT, "web0", .dhcp = true},
	 {"10.77.0.0/24"},
	 12,
	 8,
	 true},
	{"fw-bridged.nft", {"lan", FW_BRIDGED, "br-lan", .dhcp = true}, {"192.168.1.0/24"}, 0, 0},
};

/* Two forwards on every address (listed sorted as nft sorts them) and one
 * on a single address. */
static void add_forwards(struct fw_net *n)
{
	n->forward[n->nforwards++] = F(IPPROTO_TCP, 8080, "10.77.0.10", 80, NULL);
	n->forward[n->nforwards++] = F(IPPROTO_UDP, 5353, "10.77.0.11", 53, NULL);
	n->forward[n->nforwards++] = F(IPPROTO_TCP, 2222, "10.77.0.10", 22, "198.51.100.1");
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

START_TEST(plan_renders_its_golden_file)
{
	const struct golden *g = &goldens[_i];
	struct fw_net n = g->net;
	struct fw_plan *p;
	char path[512], *text, *want;

	for (unsigned i = 0; i < 2 && g->subnets[i]; i++)
		n.subnet[n.nsubnets++] = P(g->subnets[i]);
	if (g->forwards)
		add_forwards(&n);
	p = plan(&n);
	text = fw_plan_render(p);
	ck_assert_ptr_nonnull(text);
	snprintf(path, sizeof(path), "%s/%s", FW_GOLDEN_DIR, g->file);
	if (getenv("VNET_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(text, f);
		fclose(f);
	}
	want = slurp(path);
	ck_assert_msg(want != NULL, "cannot read %s", path);
	ck_assert_msg(!strcmp(text, want), "%s differs; got:\n%s", g->file, text);
	ck_assert_uint_eq(fw_plan_rule_count(p), g->rules);
	ck_assert_uint_eq(p->nelems, g->elems);
	free(want);
	free(text);
	fw_plan_free(p);
}
END_TEST

/* --- plans ---------------------------------------------------------- */

static const struct bad {
	struct fw_net net;
	const char *subnets[2];
	const char *says;
} bads[] = {
	{{"", FW_NAT, "b0"}, {NULL}, "network name \"\": must be 1..15 bytes"},
	{{"-x", FW_NAT, "b0"}, {NULL}, "must not start with"},
	{{"a b", FW_NAT, "b0"}, {NULL}, "may hold only"},
	{{"ok", FW_NAT, "a/b"}, {NULL}, "bridge"},
	{{"ok", FW_NAT, "b0"}, {"10.0.0.1/24"}, "subnet 10.0.0.1/24 of network ok: must be"},
	{{"ok", FW_NAT, "b0"}, {"10.0.0.0/24", "10.1.0.0/24"}, "takes one IPv4 subnet"},
	{{"ok", (enum fw_model)9, "b0"}, {NULL}, "unknown model"},
};

START_TEST(plan_refuses_bad_networks_naming_the_value)
{
	struct fw_net n = bads[_i].net;
	struct fw_plan *p = (struct fw_plan *)1;
	struct nl_err e;
	char line[300];

	for (unsigned i = 0; i < 2 && bads[_i].subnets[i]; i++)
		n.subnet[n.nsubnets++] = P(bads[_i].subnets[i]);
	ck_assert_int_eq(fw_plan_build(&n, &p, &e), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(e.kind, NL_ERR_INVALID);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(strstr(line, bads[_i].says), "%s", line);
}
END_TEST

static const struct bad_forward {
	enum fw_model model;
	struct fw_forward f;
	const char *address; /* listen on, or NULL */
	int code;
	const char *says;
} bad_forwards[] = {
	{FW_ROUTED,
	 {IPPROTO_TCP, 80, .guest_port = 80},
	 NULL,
	 -EINVAL,
	 "of network ok: the network is not nat: port forwards go into NAT guests"},
	{FW_NAT,
	 {IPPROTO_TCP, 80, .guest_port = 80},
	 NULL,
	 -EINVAL,
	 "guest address 10.9.0.5 is outside the network's subnets"},
	{FW_NAT, {IPPROTO_UDP, 0, .guest_port = 80}, NULL, -EINVAL, "port 0 must be 1..65535"},
	{FW_NAT, {IPPROTO_UDP, 80, .guest_port = 0}, NULL, -EINVAL, "port 0 must be 1..65535"},
	{FW_NAT,
	 {IPPROTO_ICMP, 80, .guest_port = 80},
	 NULL,
	 -EINVAL,
	 "protocol 1 must be tcp or udp"},
	{FW_NAT,
	 {IPPROTO_TCP, 80, .guest_port = 80},
	 "fd00::1",
	 -EINVAL,
	 "address fd00::1 must be IPv4"},
	{FW_NAT,
	 {IPPROTO_TCP, 22, .guest_port = 2},
	 NULL,
	 -EEXIST,
	 "forward tcp 22 of network ok: is there twice"},
};

START_TEST(bad_forward_is_refused_naming_the_value)
{
	const struct bad_forward *b = &bad_forwards[_i];
	struct fw_net n = {"ok", b->model, "b0", 1, {P("10.0.0.0/24")}};
	struct fw_plan *p = NULL;
	struct nl_err e;
	char line[300];

	n.forward[n.nforwards++] = F(IPPROTO_TCP, 22, "10.0.0.2", 22, NULL);
	n.forward[n.nforwards] = b->f;
	n.forward[n.nforwards].guest = P(b->code == -EEXIST	      ? "10.0.0.3"
					 : strstr(b->says, "outside") ? "10.9.0.5"
								      : "10.0.0.4");
	if (b->address)
		n.forward[n.nforwards].address = P(b->address);
	n.nforwards++;
	ck_assert_int_eq(fw_plan_build(&n, &p, &e), b->code);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(e.kind, b->code == -EEXIST ? NL_ERR_CONFLICT : NL_ERR_INVALID);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(strstr(line, b->says), "%s", line);
}
END_TEST

START_TEST(forward_elements_are_keyed_by_listener)
{
	struct fw_net n = {"web", FW_NAT, "web0", 1, {P("10.77.0.0/24")}};
	struct fw_plan *p;
	char text[128];

	add_forwards(&n);
	p = plan(&n);
	ck_assert_uint_eq(p->nelems, 4 + 3); /* no dhcp_bridges element */
	fw_elem_str(&p->elem[4], text, sizeof(text));
	ck_assert_str_eq(text, "tcp . 8080 : 10.77.0.10 . 80");
	ck_assert_int_eq(p->elem[4].map, FW_MAP_FWD_ANY);
	fw_elem_str(&p->elem[6], text, sizeof(text));
	ck_assert_str_eq(text, "198.51.100.1 . tcp . 2222 : 10.77.0.10 . 22");
	ck_assert_int_eq(p->elem[6].map, FW_MAP_FWD_ADDR);
	ck_assert(fw_elem_owned(p, &p->elem[6]));
	ck_assert(!fw_elem_owned(p, &p->elem[0]));
	p->elem[6].to = P("10.78.0.1");
	ck_assert(!fw_elem_owned(p, &p->elem[6]));
	ck_assert(fw_elem_same_key(&p->elem[6], &(struct fw_elem){.map = FW_MAP_FWD_ADDR,
								  .prefix = P("198.51.100.1"),
								  .proto = IPPROTO_TCP,
								  .port = 2222}));
	fw_plan_free(p);
}
END_TEST

START_TEST(routed_with_more_subnets_has_two_rules_each)
{
	struct fw_net n = {"multi",
			   FW_ROUTED,
			   "m0",
			   3,
			   {P("10.1.0.0/24"), P("10.2.0.0/16"), P("fd00:3::/64")}};
	struct fw_plan *p = plan(&n);

	ck_assert_uint_eq(fw_plan_rule_count(p), 3 + 2 * 3);
	ck_assert_uint_eq(p->nchains, 2);
	ck_assert_uint_eq(p->nelems, 3);
	fw_plan_free(p);
}
END_TEST

/* A rule knows its chain by its place among the plan's chains, which
 * are numbered without gaps: an isolated network has no NET-nat; a nat
 * network with only IPv6 has one (NAT66: tcp, udp, the rest). */
START_TEST(rules_know_their_chain_by_place)
{
	struct fw_net n = {"c", FW_NAT, "c0", 1, {P("fd00:7::/64")}};
	struct fw_plan *p = plan(&n);

	ck_assert_uint_eq(p->nchains, 3);
	ck_assert_str_eq(p->chain[1], "c-out");
	ck_assert_uint_eq(fw_plan_chain_rules(p, 0), 4);
	ck_assert_uint_eq(fw_plan_chain_rules(p, 1), 2);
	ck_assert_uint_eq(fw_plan_chain_rules(p, 2), 4);
	fw_plan_free(p);
	n.model = FW_ISOLATED;
	p = plan(&n);
	ck_assert_uint_eq(p->nchains, 2);
	ck_assert_str_eq(p->chain[1], "c-out");
	n.model = FW_NAT;
	fw_plan_free(p);
	n.subnet[0] = P("10.7.0.0/24");
	p = plan(&n);
	ck_assert_uint_eq(p->nchains, 3);
	ck_assert_str_eq(p->chain[2], "c-nat");
	ck_assert_uint_eq(fw_plan_chain_rules(p, 0), 4);
	ck_assert_uint_eq(fw_plan_chain_rules(p, 2), 6);
	for (unsigned i = 1; i < p->nrules; i++)
		ck_assert_uint_le(p->rule[i - 1].chain, p->rule[i].chain);
	fw_plan_free(p);
}
END_TEST

START_TEST(remove_plan_covers_every_model)
{
	struct fw_net n = {"gone", FW_BRIDGED, "g0", 2, {P("10.9.0.0/24"), P("fd00:9::/64")}};
	struct fw_plan *p = NULL;

	ck_assert_int_eq(fw_plan_build_all(&n, &p, NULL), 0);
	ck_assert_uint_eq(p->nrules, 0);
	ck_assert_uint_eq(p->nchains, 3);
	ck_assert_str_eq(p->chain[0], "gone-in");
	ck_assert_str_eq(p->chain[1], "gone-out");
	ck_assert_str_eq(p->chain[2], "gone-nat");
	/* the bridge in both verdict maps and both sets, both subnets */
	ck_assert_uint_eq(p->nelems, 6);
	ck_assert_int_eq(p->elem[2].map, FW_MAP_NAT_V4);
	ck_assert_int_eq(p->elem[3].map, FW_MAP_NAT_V6);
	ck_assert_int_eq(p->elem[5].map, FW_MAP_DHCP);
	fw_plan_free(p);
}
END_TEST

START_TEST(test_jump_goes_before_the_reject)
{
	struct fw_net n = {"j", FW_ISOLATED, "j0"};
	struct fw_plan *p = plan(&n);
	char line[200];

	ck_assert_int_eq(fw_plan_add_jump_for_test(p, "nowhere"), 0);
	ck_assert_uint_eq(fw_plan_rule_count(p), 4);
	fw_rule_str(&p->rule[1], line, sizeof(line));
	ck_assert_str_eq(line, "jump nowhere");
	ck_assert_uint_eq(p->rule[1].pos, 2);
	ck_assert_uint_eq(p->rule[2].pos, 3);
	fw_plan_free(p);
	n.model = FW_BRIDGED;
	p = plan(&n);
	ck_assert_int_eq(fw_plan_add_jump_for_test(p, "nowhere"), -EINVAL);
	fw_plan_free(p);
}
END_TEST

/* --- batches ---------------------------------------------------------- */

static uint16_t msg_type(const struct nl_batch *b, unsigned i)
{
	uint16_t t = nl_batch_msg(b, i)->nlmsg_type;

	return t < NLMSG_MIN_TYPE || t == NFNL_MSG_BATCH_BEGIN || t == NFNL_MSG_BATCH_END
		       ? t
		       : (uint16_t)(t & 0xff);
}

/* Counts the messages of each type in b[from, to). */
static unsigned count(const struct nl_batch *b, unsigned from, unsigned to, uint16_t type)
{
	unsigned k = 0;

	for (unsigned i = from; i < to; i++)
		k += msg_type(b, i) == type;
	return k;
}

START_TEST(apply_batch_is_one_transaction_without_exclusive_creates)
{
	struct fw_net n = {"n1", FW_NAT, "lan0", 1, {P("10.0.1.0/24")}, .dhcp = true};
	struct fw_plan *p = plan(&n);
	struct nl_batch *b = nl_batch_new();
	unsigned skel = 1 + FW_NMAPS + 2 * FW_NBASES + 19, mine = 2 * 3 + 12 + 5;

	ck_assert_int_eq(fw_batch_apply(b, p, NULL, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 1 + skel + mine + 1);
	ck_assert_uint_eq(msg_type(b, 0), NFNL_MSG_BATCH_BEGIN);
	ck_assert_uint_eq(msg_type(b, 1), NFT_MSG_NEWTABLE);
	ck_assert_uint_eq(count(b, 2, 2 + FW_NMAPS, NFT_MSG_NEWSET), FW_NMAPS);
	ck_assert_uint_eq(count(b, 1, 1 + skel, NFT_MSG_NEWCHAIN), FW_NBASES);
	ck_assert_uint_eq(count(b, 1, 1 + skel, NFT_MSG_DELRULE), FW_NBASES);
	ck_assert_uint_eq(count(b, 1, 1 + skel, NFT_MSG_NEWRULE), 19);
	ck_assert_uint_eq(count(b, 1 + skel, b->n, NFT_MSG_NEWCHAIN), 3);
	ck_assert_uint_eq(count(b, 1 + skel, b->n, NFT_MSG_DELRULE), 3);
	ck_assert_uint_eq(count(b, 1 + skel, b->n, NFT_MSG_NEWRULE), 12);
	ck_assert_uint_eq(count(b, 1 + skel, b->n, NFT_MSG_NEWSETELEM), 5);
	ck_assert_uint_eq(msg_type(b, b->n - 1), NFNL_MSG_BATCH_END);
	for (unsigned i = 0; i < b->n; i++) {
		const struct nlmsghdr *m = nl_batch_msg(b, i);

		ck_assert_msg(!(m->nlmsg_flags & NLM_F_EXCL), "message %u is exclusive", i);
		ck_assert_int_eq(!!(m->nlmsg_flags & NLM_F_ACK), i != 0 && i != b->n - 1);
	}
	ck_assert_str_eq(b->req[1 + skel + 6].obj, "rule 1 of chain n1-in");
	ck_assert_str_eq(b->req[1 + skel + 6].op, "add");
	ck_assert_str_eq(b->req[b->n - 6].obj, "map to_bridge element \"lan0\"");
	ck_assert_str_eq(b->req[b->n - 4].obj, "map nat_v4 element 10.0.1.0/24");
	ck_assert_str_eq(b->req[b->n - 2].obj, "set dhcp_bridges element \"lan0\"");
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

/* Each rule sent carries, in its user data, the digest its plan rule
 * has (what a read compares): different rules have different ones, and
 * equal rules ("counter reject" in -in and -out) the same. Its request is
 * tagged with its place in the plan, a base rule's with nothing. */
START_TEST(each_rule_sent_is_marked_with_its_digest_and_tagged)
{
	struct fw_net n = {"n1", FW_NAT, "lan0", 2, {P("10.0.1.0/24"), P("fd00:1::/64")}};
	struct fw_plan *p = plan(&n);
	struct nl_batch *b = nl_batch_new();
	uint8_t d[FW_PLAN_RULES][FW_DIGEST_LEN], mark[FW_DIGEST_LEN];
	unsigned k = 0;

	ck_assert_int_eq(fw_batch_apply(b, p, NULL, NULL), 0);
	nl_batch_finish(b);
	for (unsigned i = 0; i < 2 + FW_NMAPS + 2 * FW_NBASES + 19; i++)
		ck_assert_int_eq(b->req[i].tag, 0);
	/* after the begin marker and the skeleton (table, maps, base chains
	 * flushed, their 19 rules) */
	for (unsigned i = 2 + FW_NMAPS + 2 * FW_NBASES + 19; i < b->n; i++) {
		struct nftnl_rule *r;
		const void *ud;
		uint32_t len = 0;

		if (msg_type(b, i) != NFT_MSG_NEWRULE)
			continue;
		ck_assert_ptr_nonnull(r = nftnl_rule_alloc());
		ck_assert_int_eq(nftnl_rule_nlmsg_parse(nl_batch_msg(b, i), r), 0);
		ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
		ck_assert_msg(fw_rule_mark(ud, len, mark), "rule %u is not marked", k);
		ck_assert_int_eq(b->req[i].tag, FW_TAG_RULE(k));
		ck_assert_int_eq(fw_rule_digest(&p->rule[k], d[k]), 0);
		ck_assert_mem_eq(mark, d[k], FW_DIGEST_LEN);
		for (unsigned j = 0; j < k; j++) {
			char x[200], y[200];

			fw_rule_str(&p->rule[j], x, sizeof(x));
			fw_rule_str(&p->rule[k], y, sizeof(y));
			ck_assert_int_eq(!memcmp(d[j], d[k], FW_DIGEST_LEN), !strcmp(x, y));
		}
		nftnl_rule_free(r);
		k++;
	}
	ck_assert_uint_eq(k, p->nrules);
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

/* With what a read found: only what is missing or differs goes. */
START_TEST(apply_batch_sends_only_what_the_read_found_missing)
{
	struct fw_net n = {"n1", FW_NAT, "lan0", 1, {P("10.0.1.0/24")}};
	struct fw_plan *p;
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = calloc(1, sizeof(*f));

	n.forward[n.nforwards++] = F(IPPROTO_TCP, 80, "10.0.1.5", 8080, NULL);
	p = plan(&n);
	f->present = f->ours = f->skeleton = true;
	/* A new network: its chains are created, never flushed. */
	ck_assert_int_eq(fw_batch_apply(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 1 + 3 + 12 + 5 + 1);
	ck_assert_uint_eq(count(b, 0, b->n, NFT_MSG_DELRULE), 0);
	ck_assert_str_eq(b->req[1].obj, "chain n1-in");
	/* Whole chains, the forward there, another forward stale. */
	for (unsigned c = 0; c < 3; c++)
		f->chain[c] = FW_CHAIN_WHOLE;
	f->elem[f->nelems++] = p->elem[4];
	f->elem[f->nelems] = p->elem[4];
	f->elem[f->nelems++].port = 81;
	nl_batch_reset(b);
	ck_assert_int_eq(fw_batch_apply(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 1 + 1 + 4 + 1);
	ck_assert_uint_eq(msg_type(b, 1), NFT_MSG_DELSETELEM);
	ck_assert_str_eq(b->req[1].obj, "map fwd_any element tcp . 81");
	ck_assert_uint_eq(count(b, 2, b->n, NFT_MSG_NEWSETELEM), 4);
	/* A chain that differs is flushed and filled again. */
	f->chain[1] = FW_CHAIN_DIFFERS;
	nl_batch_reset(b);
	ck_assert_int_eq(fw_batch_apply(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(count(b, 0, b->n, NFT_MSG_DELRULE), 1);
	ck_assert_uint_eq(count(b, 0, b->n, NFT_MSG_NEWRULE), 2);
	free(f);
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

/* Removal deletes only what the read found of the network, and adds
 * nothing (an add would collide with another network's element of the
 * same key): references first, then elements, then the chains there. */
START_TEST(remove_batch_deletes_only_what_was_found_and_adds_nothing)
{
	struct fw_net n = {"n1", FW_ROUTED, "lan0", 1, {P("10.0.1.0/24")}};
	struct fw_plan *p = NULL;
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = calloc(1, sizeof(*f));
	static const uint16_t adds[] = {NFT_MSG_NEWTABLE, NFT_MSG_NEWSET, NFT_MSG_NEWCHAIN,
					NFT_MSG_NEWSETELEM, NFT_MSG_NEWRULE};

	ck_assert_int_eq(fw_plan_build_all(&n, &p, NULL), 0);
	/* nothing found: nothing sent but the markers */
	ck_assert_int_eq(fw_batch_remove(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 2);
	/* all of it, a forward, an element of another key and a rule that
	 * jump to its chains */
	for (unsigned c = 0; c < 3; c++)
		f->chain[c] = FW_CHAIN_WHOLE;
	for (unsigned k = 0; k < 5; k++)
		f->del[k] = true;
	f->elem[f->nelems++] = (struct fw_elem){.map = FW_MAP_FWD_ANY,
						.proto = IPPROTO_UDP,
						.port = 53,
						.to = P("10.0.1.9"),
						.to_port = 53};
	f->raw[f->nraw++] = (struct fw_raw_elem){.map = FW_MAP_NAT_V4, .klen = 4, .key = {10, 99}};
	f->ref[f->nrefs++] = (struct fw_ref_rule){.handle = 7, .chain = "mine"};
	nl_batch_reset(b);
	ck_assert_int_eq(fw_batch_remove(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 1 + 1 + 5 + 1 + 1 + 3 + 1);
	for (unsigned i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		ck_assert_uint_eq(count(b, 0, b->n, adds[i]), 0);
	ck_assert_uint_eq(msg_type(b, 1), NFT_MSG_DELRULE);
	ck_assert_str_eq(b->req[1].obj, "rule handle 7 of chain mine");
	ck_assert_uint_eq(count(b, 2, 9, NFT_MSG_DELSETELEM), 7);
	ck_assert_str_eq(b->req[7].obj, "map nat_v4 element 10.99.0.0");
	ck_assert_str_eq(b->req[8].obj, "map fwd_any element udp . 53");
	ck_assert_uint_eq(count(b, 9, 12, NFT_MSG_DELCHAIN), 3);
	ck_assert_str_eq(b->req[9].obj, "chain n1-in");
	ck_assert_str_eq(b->req[9].op, "delete");
	ck_assert_uint_eq(msg_type(b, b->n - 1), NFNL_MSG_BATCH_END);
	/* half there: what is, only */
	memset(f, 0, sizeof(*f));
	f->chain[1] = FW_CHAIN_WHOLE;
	f->del[3] = true;
	nl_batch_reset(b);
	ck_assert_int_eq(fw_batch_remove(b, p, f, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 4);
	ck_assert_str_eq(b->req[1].obj, "set bridges element \"lan0\"");
	ck_assert_str_eq(b->req[2].obj, "chain n1-out");
	free(f);
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

START_TEST(batch_too_full_fails_clearly)
{
	struct fw_net n = {"n1", FW_NAT, "lan0", 1, {P("10.0.1.0/24")}};
	struct fw_plan *p = plan(&n);
	struct nl_batch *b = nl_batch_new();
	struct nl_err e;
	char line[300];

	while (b->n < NL_BATCH_MAX - 20)
		ck_assert_ptr_nonnull(nl_batch_add(b, 0x10, 0, "x", "filler"));
	ck_assert_int_eq(fw_batch_apply(b, p, NULL, &e), -EMSGSIZE);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(strstr(line, "nftables batch: build: more objects than one batch holds"),
		      "%s", line);
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_firewall");
	TCase *t = tcase_create("pure");

	tcase_add_loop_test(t, plan_renders_its_golden_file, 0,
			    sizeof(goldens) / sizeof(goldens[0]));
	tcase_add_loop_test(t, plan_refuses_bad_networks_naming_the_value, 0,
			    sizeof(bads) / sizeof(bads[0]));
	tcase_add_loop_test(t, bad_forward_is_refused_naming_the_value, 0,
			    sizeof(bad_forwards) / sizeof(bad_forwards[0]));
	tcase_add_test(t, forward_elements_are_keyed_by_listener);
	tcase_add_test(t, routed_with_more_subnets_has_two_rules_each);
	tcase_add_test(t, rules_know_their_chain_by_place);
	tcase_add_test(t, remove_plan_covers_every_model);
	tcase_add_test(t, test_jump_goes_before_the_reject);
	tcase_add_test(t, apply_batch_is_one_transaction_without_exclusive_creates);
	tcase_add_test(t, each_rule_sent_is_marked_with_its_digest_and_tagged);
	tcase_add_test(t, apply_batch_sends_only_what_the_read_found_missing);
	tcase_add_test(t, remove_batch_deletes_only_what_was_found_and_adds_nothing);
	tcase_add_test(t, batch_too_full_fails_clearly);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_firewall", false);
}
