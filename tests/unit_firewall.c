/* Unit tests of the firewall layer (no kernel): each model's plan rendered
 * against its golden file, rule counts, the rule builders' expressions
 * against what nft(8) emits for the same words, plan checks, and the
 * batches decoded back.
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

#include "harness.h"
#include "internal.h"

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

static const struct golden {
	const char *file;
	struct fw_net net;
	const char *subnets[2];
	unsigned rules;
} goldens[] = {
	{"fw-isolated.nft", {"iso", FW_ISOLATED, "iso0"}, {"192.168.100.0/24"}, 3},
	{"fw-routed.nft", {"rt", FW_ROUTED, "rt0"}, {"10.10.0.0/24"}, 5},
	{"fw-routed-ipv6.nft", {"rt6", FW_ROUTED, "rt6br"}, {"10.20.0.0/24", "fd00:20::/64"}, 7},
	{"fw-nat.nft", {"default", FW_NAT, "virbr0"}, {"192.168.122.0/24"}, 10},
	{"fw-nat-isolate-ports.nft",
	 {"natiso", FW_NAT, "natiso0", .isolate_ports = true},
	 {"192.168.50.0/25"},
	 10},
	{"fw-bridged.nft", {"lan", FW_BRIDGED, "br-lan"}, {"192.168.1.0/24"}, 0},
};

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
	free(want);
	free(text);
	fw_plan_free(p);
}
END_TEST

/* --- builders against nft's own expressions -------------------------- */

#define TERMS(...)                                                                                 \
	((const struct fw_term[]){__VA_ARGS__}),                                                   \
		sizeof((const struct fw_term[]){__VA_ARGS__}) / sizeof(struct fw_term)

/* The expressions of a rule made of terms, as libnftnl prints them, from
 * its first expression on; compares the terms' text too. */
static void check_rule(const struct fw_term *t, size_t n, const char *text, const char *exprs)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct fw_rule ru = {.nterms = (unsigned)n};
	char buf[4096], line[512];

	ck_assert_ptr_nonnull(r);
	memcpy(ru.term, t, n * sizeof(*t));
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(fw_term_build(r, &t[i]), 0);
	nftnl_rule_snprintf(buf, sizeof(buf), r, NFTNL_OUTPUT_DEFAULT, 0);
	ck_assert_ptr_nonnull(strstr(buf, "  ["));
	ck_assert_str_eq(strstr(buf, "  ["), exprs);
	fw_rule_str(&ru, line, sizeof(line));
	ck_assert_str_eq(line, text);
	nftnl_rule_free(r);
}

/* Expected texts: `nft --debug=netlink` (nftables 1.0.6) for the same rule
 * in an inet table. */
START_TEST(builders_emit_what_nft_emits)
{
	check_rule(
		TERMS({.kind = FW_T_IFNAME, .dir = FW_SRC, .name = "lan0"}, {.kind = FW_T_ACCEPT}),
		"iifname \"lan0\" accept",
		"  [ meta load iifname => reg 1 ]\n"
		"  [ cmp eq reg 1 0x306e616c 0x00000000 0x00000000 0x00000000 ]\n"
		"  [ immediate reg 0 accept ]\n");
	check_rule(TERMS({.kind = FW_T_ADDR, .dir = FW_DST, .addr = P("10.0.0.0/24")},
			 {.kind = FW_T_CT_STATE, .states = FW_CT_ESTABLISHED | FW_CT_RELATED},
			 {.kind = FW_T_RETURN}),
		   "ip daddr 10.0.0.0/24 ct state established,related return",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 3b @ network header + 16 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000000a ]\n"
		   "  [ ct load state => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
		   "  [ cmp neq reg 1 0x00000000 ]\n"
		   "  [ immediate reg 0 return ]\n");
	check_rule(TERMS({.kind = FW_T_ADDR, .dir = FW_DST, .addr = P("10.0.0.128/25")},
			 {.kind = FW_T_RETURN}),
		   "ip daddr 10.0.0.128/25 return",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x80ffffff ) ^ 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0x8000000a ]\n"
		   "  [ immediate reg 0 return ]\n");
	check_rule(TERMS({.kind = FW_T_ADDR, .dir = FW_SRC, .neq = true, .addr = P("fd00:1::/60")},
			 {.kind = FW_T_RETURN}),
		   "ip6 saddr != fd00:1::/60 return",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000000a ]\n"
		   "  [ payload load 16b @ network header + 8 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0xffffffff 0xf0ffffff 0x00000000 0x00000000 ) ^ "
		   "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
		   "  [ cmp neq reg 1 0x010000fd 0x00000000 0x00000000 0x00000000 ]\n"
		   "  [ immediate reg 0 return ]\n");
	check_rule(TERMS({.kind = FW_T_L4PROTO, .proto = IPPROTO_TCP},
			 {.kind = FW_T_ADDR, .dir = FW_DST, .neq = true, .addr = P("10.0.0.0/24")},
			 {.kind = FW_T_MASQ, .port = 1024, .port_max = 65535}),
		   "meta l4proto tcp ip daddr != 10.0.0.0/24 masquerade to :1024-65535",
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000006 ]\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 3b @ network header + 16 => reg 1 ]\n"
		   "  [ cmp neq reg 1 0x0000000a ]\n"
		   "  [ immediate reg 1 0x00000004 ]\n"
		   "  [ immediate reg 2 0x0000ffff ]\n"
		   "  [ masq proto_min reg 1 proto_max reg 2 flags 0x2 ]\n");
	check_rule(TERMS({.kind = FW_T_PORT, .dir = FW_DST, .proto = IPPROTO_TCP, .port = 22},
			 {.kind = FW_T_DNAT, .addr = P("10.0.0.5"), .port = 2222}),
		   "tcp dport 22 dnat ip to 10.0.0.5:2222",
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000006 ]\n"
		   "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00001600 ]\n"
		   "  [ immediate reg 1 0x0500000a ]\n"
		   "  [ immediate reg 2 0x0000ae08 ]\n"
		   "  [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]\n");
	check_rule(TERMS({.kind = FW_T_COUNTER}, {.kind = FW_T_REJECT}), "counter reject",
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ reject type 2 code 1 ]\n");
	check_rule(TERMS({.kind = FW_T_VMAP, .dir = FW_KEY_IP_SADDR, .name = "nat_v4"}),
		   "ip saddr vmap @nat_v4",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		   "  [ lookup reg 1 set nat_v4 dreg 0 0x0 ]\n");
	check_rule(TERMS({.kind = FW_T_IFNAME, .dir = FW_DST, .neq = true, .name = "eth0"},
			 {.kind = FW_T_JUMP, .name = "n1-in"}),
		   "oifname != \"eth0\" jump n1-in",
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ cmp neq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]\n"
		   "  [ immediate reg 0 jump -> n1-in ]\n");
}
END_TEST

START_TEST(comment_is_stored_as_nft_stores_it)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char buf[1024];
	char longer[200];

	ck_assert_int_eq(fw_counter(r), 0);
	ck_assert_int_eq(fw_verdict(r, NF_ACCEPT, NULL), 0);
	ck_assert_int_eq(fw_comment(r, "hello"), 0);
	nftnl_rule_snprintf(buf, sizeof(buf), r, NFTNL_OUTPUT_DEFAULT, 0);
	ck_assert_msg(strstr(buf, "userdata = { \\x00\\x06hello\\x00 }"), "%s", buf);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_int_eq(fw_comment(r, longer), -EINVAL);
	ck_assert_int_eq(fw_verdict(r, NFT_JUMP, NULL), -EINVAL);
	nftnl_rule_free(r);
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
	ck_assert_uint_eq(p->nelems, 2);
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
	ck_assert_uint_eq(p->nelems, 3); /* the bridge twice, the IPv4 subnet */
	ck_assert_int_eq(p->elem[2].map, FW_MAP_NAT_V4);
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

START_TEST(apply_batch_is_one_transaction_without_exclusive_creates)
{
	struct fw_net n = {"n1", FW_NAT, "lan0", 1, {P("10.0.1.0/24")}};
	struct fw_plan *p = plan(&n);
	struct nl_batch *b = nl_batch_new();
	static const uint16_t want[] = {NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWTABLE, NFT_MSG_NEWSET,
					NFT_MSG_NEWSET,	      NFT_MSG_NEWSET,	NFT_MSG_NEWCHAIN,
					NFT_MSG_DELRULE,      NFT_MSG_NEWRULE,	NFT_MSG_NEWRULE,
					NFT_MSG_NEWCHAIN,     NFT_MSG_DELRULE,	NFT_MSG_NEWRULE,
					NFT_MSG_NEWCHAIN,     NFT_MSG_DELRULE,	NFT_MSG_NEWCHAIN,
					NFT_MSG_DELRULE,      NFT_MSG_NEWCHAIN, NFT_MSG_DELRULE};
	unsigned nw = sizeof(want) / sizeof(want[0]);

	ck_assert_int_eq(fw_batch_apply(b, p, true, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, nw + 10 + 3 + 1);
	for (unsigned i = 0; i < b->n; i++) {
		const struct nlmsghdr *m = nl_batch_msg(b, i);

		if (i < nw)
			ck_assert_msg(msg_type(b, i) == want[i], "message %u: type %u", i,
				      msg_type(b, i));
		ck_assert_msg(!(m->nlmsg_flags & NLM_F_EXCL), "message %u is exclusive", i);
		ck_assert_int_eq(!!(m->nlmsg_flags & NLM_F_ACK), i != 0 && i != b->n - 1);
	}
	for (unsigned i = nw; i < nw + 10; i++)
		ck_assert_uint_eq(msg_type(b, i), NFT_MSG_NEWRULE);
	for (unsigned i = nw + 10; i < nw + 13; i++)
		ck_assert_uint_eq(msg_type(b, i), NFT_MSG_NEWSETELEM);
	ck_assert_uint_eq(msg_type(b, b->n - 1), NFNL_MSG_BATCH_END);
	ck_assert_str_eq(b->req[nw].obj, "rule 1 of chain n1-in");
	ck_assert_str_eq(b->req[nw].op, "add");
	ck_assert_str_eq(b->req[nw + 10].obj, "map to_bridge element \"lan0\"");
	ck_assert_str_eq(b->req[nw + 12].obj, "map nat_v4 element 10.0.1.0/24");
	/* Without the skeleton (read intact), only the network's objects. */
	nl_batch_reset(b);
	ck_assert_int_eq(fw_batch_apply(b, p, false, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 1 + 6 + 10 + 3 + 1);
	ck_assert_uint_eq(msg_type(b, 1), NFT_MSG_NEWCHAIN);
	ck_assert_str_eq(b->req[1].obj, "chain n1-in");
	nl_batch_free(b);
	fw_plan_free(p);
}
END_TEST

START_TEST(remove_batch_ensures_then_deletes_elements_before_chains)
{
	struct fw_net n = {"n1", FW_ROUTED, "lan0", 1, {P("10.0.1.0/24")}};
	struct fw_plan *p = NULL;
	struct nl_batch *b = nl_batch_new();
	static const uint16_t want[] = {
		NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWTABLE,	  NFT_MSG_NEWSET,     NFT_MSG_NEWSET,
		NFT_MSG_NEWSET,	      NFT_MSG_NEWCHAIN,	  NFT_MSG_NEWCHAIN,   NFT_MSG_NEWCHAIN,
		NFT_MSG_NEWSETELEM,   NFT_MSG_NEWSETELEM, NFT_MSG_NEWSETELEM, NFT_MSG_DELSETELEM,
		NFT_MSG_DELSETELEM,   NFT_MSG_DELSETELEM, NFT_MSG_DELCHAIN,   NFT_MSG_DELCHAIN,
		NFT_MSG_DELCHAIN,     NFNL_MSG_BATCH_END};

	ck_assert_int_eq(fw_plan_build_all(&n, &p, NULL), 0);
	ck_assert_int_eq(fw_batch_remove(b, p, NULL), 0);
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < b->n; i++)
		ck_assert_msg(msg_type(b, i) == want[i], "message %u: type %u", i, msg_type(b, i));
	ck_assert_str_eq(b->req[14].obj, "chain n1-in");
	ck_assert_str_eq(b->req[14].op, "delete");
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
	ck_assert_int_eq(fw_batch_apply(b, p, true, &e), -EMSGSIZE);
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
	tcase_add_test(t, builders_emit_what_nft_emits);
	tcase_add_test(t, comment_is_stored_as_nft_stores_it);
	tcase_add_loop_test(t, plan_refuses_bad_networks_naming_the_value, 0,
			    sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(t, routed_with_more_subnets_has_two_rules_each);
	tcase_add_test(t, remove_plan_covers_every_model);
	tcase_add_test(t, test_jump_goes_before_the_reject);
	tcase_add_test(t, apply_batch_is_one_transaction_without_exclusive_creates);
	tcase_add_test(t, remove_batch_ensures_then_deletes_elements_before_chains);
	tcase_add_test(t, batch_too_full_fails_clearly);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_firewall", false);
}
