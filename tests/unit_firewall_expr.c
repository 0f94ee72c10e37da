/* Unit tests of the firewall's rule vocabulary (no kernel): the builders'
 * expressions against what nft(8) emits for the same words, and the terms'
 * text against what nft prints. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "tests/harness.h"
#include "firewall/internal.h"

static struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

#define TERMS(...)                                                                                 \
	((const struct fw_term[]){__VA_ARGS__}),                                                   \
		sizeof((const struct fw_term[]){__VA_ARGS__}) / sizeof(struct fw_term)

/* The expressions of a rule made of terms, as libnftnl prints them, from
 * its first expression on; compares the terms' text too. */
static void
check_rule(const struct fw_term *t, size_t n, const char *text, const char *exprs)
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
 * in an inet table; lookups and nat ranges in the fuller form in which
 * `nft --debug=netlink list` shows the kernel's copy. */
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

START_TEST(forward_and_checksum_builders_emit_what_the_kernel_lists)
{
	check_rule(TERMS({.kind = FW_T_SET, .dir = FW_KEY_IIFNAME, .name = "bridges"},
			 {.kind = FW_T_PORT, .dir = FW_DST, .proto = IPPROTO_UDP, .port = 53},
			 {.kind = FW_T_RETURN}),
		   "iifname @bridges udp dport 53 return",
		   "  [ meta load iifname => reg 1 ]\n"
		   "  [ lookup reg 1 set bridges 0x0 ]\n"
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000011 ]\n"
		   "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00003500 ]\n"
		   "  [ immediate reg 0 return ]\n");
	check_rule(
		TERMS({.kind = FW_T_LOCAL},
		      {.kind = FW_T_DNAT_MAP, .dir = FW_DNAT_ADDR_PORT, .name = "fwd_addr"}),
		"fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @fwd_addr",
		"  [ fib daddr type => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000002 ]\n"
		"  [ meta load nfproto => reg 1 ]\n"
		"  [ cmp eq reg 1 0x00000002 ]\n"
		"  [ payload load 4b @ network header + 16 => reg 1 ]\n"
		"  [ meta load l4proto => reg 9 ]\n"
		"  [ payload load 2b @ transport header + 2 => reg 10 ]\n"
		"  [ lookup reg 1 set fwd_addr dreg 1 0x0 ]\n"
		"  [ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 9 proto_max reg 9 "
		"flags 0x3 ]\n");
	check_rule(TERMS({.kind = FW_T_DNAT_MAP, .dir = FW_DNAT_PORT, .name = "fwd_any"}),
		   "dnat ip to meta l4proto . th dport map @fwd_any",
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ payload load 2b @ transport header + 2 => reg 9 ]\n"
		   "  [ lookup reg 1 set fwd_any dreg 1 0x0 ]\n"
		   "  [ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 9 proto_max reg 9 "
		   "flags 0x3 ]\n");
	check_rule(TERMS({.kind = FW_T_NFPROTO, .proto = AF_INET},
			 {.kind = FW_T_SET, .dir = FW_KEY_OIFNAME, .name = "dhcp_bridges"},
			 {.kind = FW_T_PORTS, .proto = IPPROTO_UDP, .port = 67, .port_max = 68},
			 {.kind = FW_T_CSUM_ZERO}),
		   "meta nfproto ipv4 oifname @dhcp_bridges udp sport 67 udp dport 68 udp checksum "
		   "set 0",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ lookup reg 1 set dhcp_bridges 0x0 ]\n"
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000011 ]\n"
		   "  [ payload load 4b @ transport header + 0 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x44004300 ]\n"
		   "  [ immediate reg 1 0x00000000 ]\n"
		   "  [ payload write reg 1 => 2b @ transport header + 6 csum_type 1 csum_off 6 "
		   "csum_flags 0x0 ]\n");
	check_rule(TERMS({.kind = FW_T_ADDR, .dir = FW_DST, .addr = P("10.0.0.0/24")},
			 {.kind = FW_T_CT_DNAT}, {.kind = FW_T_MASQ}),
		   "ip daddr 10.0.0.0/24 ct status dnat masquerade",
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 3b @ network header + 16 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000000a ]\n"
		   "  [ ct load status => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]\n"
		   "  [ cmp neq reg 1 0x00000000 ]\n"
		   "  [ masq ]\n");
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

static Suite *suite(void)
{
	Suite *s = suite_create("unit_firewall_expr");
	TCase *t = tcase_create("pure");

	tcase_add_test(t, builders_emit_what_nft_emits);
	tcase_add_test(t, forward_and_checksum_builders_emit_what_the_kernel_lists);
	tcase_add_test(t, comment_is_stored_as_nft_stores_it);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_firewall_expr", false);
}
