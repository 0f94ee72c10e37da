/* expr — rule builders and terms; see expr.h. */
#include "expr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>

#include <string.h>

/* Appends a new expression of the given type to r; NULL when out of memory. */
static struct nftnl_expr *add(struct nftnl_rule *r, const char *type)
{
	struct nftnl_expr *x = nftnl_expr_alloc(type);

	if (x)
		nftnl_rule_add_expr(r, x);
	return x;
}

static int meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *x = add(r, "meta");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return 0;
}

static int payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *x = add(r, "payload");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	return 0;
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *x = add(r, "cmp");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	return nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len) < 0 ? -ENOMEM : 0;
}

/* reg 1 = (reg 1 & mask) ^ 0 */
static int mask(struct nftnl_rule *r, const void *m, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *x = add(r, "bitwise");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
	if (nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, m, len) < 0 ||
	    nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, zero, len) < 0)
		return -ENOMEM;
	return 0;
}

static int immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *x = add(r, "immediate");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, reg);
	return nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, data, len) < 0 ? -ENOMEM : 0;
}

static int meta_eq(struct nftnl_rule *r, uint32_t key, uint8_t value)
{
	int err = meta_load(r, key);

	return err ? err : cmp(r, NFT_CMP_EQ, &value, 1);
}

int fw_match_ifname(struct nftnl_rule *r, enum fw_dir d, bool neq, const char *name)
{
	char buf[16] = {0}; /* IFNAMSIZ, NUL padded: an exact name, as nft */
	int err;

	if (strlen(name) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, name, strlen(name));
	err = meta_load(r, d == FW_SRC ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	return err ? err : cmp(r, neq ? NFT_CMP_NEQ : NFT_CMP_EQ, buf, sizeof(buf));
}

int fw_match_addr(struct nftnl_rule *r, enum fw_dir d, bool neq, const struct nl_prefix *p)
{
	bool v6 = p->family == AF_INET6;
	unsigned size = v6 ? 16 : 4;
	uint32_t off = v6 ? (d == FW_SRC ? 8 : 24) : (d == FW_SRC ? 12 : 16);
	uint8_t m[16] = {0}, v[16] = {0};
	int err;

	if ((p->family != AF_INET && !v6) || p->len == 0 || p->len > size * 8)
		return -EINVAL;
	if ((err = meta_eq(r, NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4)))
		return err;
	/* Like nft: a whole-byte prefix loads just its bytes; any other
	 * loads the address and masks it. */
	if (p->len % 8 == 0) {
		err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, p->len / 8);
		return err ? err : cmp(r, neq ? NFT_CMP_NEQ : NFT_CMP_EQ, p->a.b, p->len / 8);
	}
	for (unsigned i = 0; i < p->len; i++)
		m[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (unsigned i = 0; i < size; i++)
		v[i] = p->a.b[i] & m[i];
	if ((err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, size)) ||
	    (err = mask(r, m, size)))
		return err;
	return cmp(r, neq ? NFT_CMP_NEQ : NFT_CMP_EQ, v, size);
}

int fw_match_ct_state(struct nftnl_rule *r, uint32_t states)
{
	struct nftnl_expr *x = add(r, "ct");
	uint32_t zero = 0;
	int err;

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	if ((err = mask(r, &states, sizeof(states))))
		return err;
	return cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

int fw_match_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	return meta_eq(r, NFT_META_L4PROTO, proto);
}

int fw_match_port(struct nftnl_rule *r, enum fw_dir d, uint8_t proto, uint16_t port)
{
	uint16_t be = htons(port);
	int err;

	/* Source and destination port are the first two fields of TCP, UDP,
	 * SCTP and DCCP alike. */
	if ((err = fw_match_l4proto(r, proto)) ||
	    (err = payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, d == FW_SRC ? 0 : 2, 2)))
		return err;
	return cmp(r, NFT_CMP_EQ, &be, sizeof(be));
}

int fw_vmap(struct nftnl_rule *r, enum fw_key key, const char *map)
{
	struct nftnl_expr *x;
	int err;

	if (key == FW_KEY_IP_SADDR) {
		if ((err = meta_eq(r, NFT_META_NFPROTO, NFPROTO_IPV4)) ||
		    (err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4)))
			return err;
	} else if ((err = meta_load(r,
				    key == FW_KEY_IIFNAME ? NFT_META_IIFNAME : NFT_META_OIFNAME))) {
		return err;
	}
	if (!(x = add(r, "lookup")))
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, 0); /* as nft */
	return nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, map) < 0 ? -ENOMEM : 0;
}

int fw_counter(struct nftnl_rule *r)
{
	return add(r, "counter") ? 0 : -ENOMEM;
}

int fw_verdict(struct nftnl_rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *x;

	if ((verdict == NFT_JUMP || verdict == NFT_GOTO) != (chain != NULL))
		return -EINVAL;
	if (!(x = add(r, "immediate")))
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain && nftnl_expr_set_str(x, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		return -ENOMEM;
	return 0;
}

int fw_reject(struct nftnl_rule *r)
{
	struct nftnl_expr *x = add(r, "reject");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
	nftnl_expr_set_u8(x, NFTNL_EXPR_REJECT_CODE, NFT_REJECT_ICMPX_PORT_UNREACH);
	return 0;
}

int fw_masquerade(struct nftnl_rule *r, uint16_t pmin, uint16_t pmax)
{
	uint16_t lo = htons(pmin), hi = htons(pmax);
	struct nftnl_expr *x;
	int err;

	if (pmin &&
	    ((err = immediate(r, NFT_REG_1, &lo, 2)) || (err = immediate(r, NFT_REG_2, &hi, 2))))
		return err;
	if (!(x = add(r, "masq")))
		return -ENOMEM;
	if (pmin) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
		nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_MASQ_REG_PROTO_MAX, NFT_REG_2);
	}
	return 0;
}

int fw_dnat(struct nftnl_rule *r, const struct nl_prefix *addr, uint16_t port)
{
	bool v6 = addr->family == AF_INET6;
	uint16_t be = htons(port);
	struct nftnl_expr *x;
	int err;

	if (addr->family != AF_INET && !v6)
		return -EINVAL;
	if ((err = immediate(r, NFT_REG_1, addr->a.b, v6 ? 16 : 4)) ||
	    (port && (err = immediate(r, NFT_REG_2, &be, 2))))
		return err;
	if (!(x = add(r, "nat")))
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	if (port) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
		nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	}
	return 0;
}

int fw_comment(struct nftnl_rule *r, const char *text)
{
	struct nftnl_udata_buf *u;
	int err = -ENOMEM;

	if (strlen(text) >= NFTNL_UDATA_COMMENT_MAXLEN)
		return -EINVAL;
	if (!(u = nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 2)))
		return -ENOMEM;
	if (nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, text) &&
	    nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				nftnl_udata_buf_len(u)) == 0)
		err = 0;
	nftnl_udata_buf_free(u);
	return err;
}

/* --- terms: one row per kind, builder and text side by side --- */

static const char *proto_name(uint8_t p, char *buf, size_t n)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, n, "%u", p);
	return buf;
}

/* An address as nft prints it: no length when it is a single address. */
static const char *addr_str(const struct nl_prefix *p, char *buf, size_t n)
{
	return nl_prefix_str(p, p->len < nl_prefix_bits(p), buf, n);
}

static int b_ifname(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_ifname(r, t->dir, t->neq, t->name);
}

static int s_ifname(const struct fw_term *t, char *buf, size_t n)
{
	return snprintf(buf, n, "%s %s\"%s\"", t->dir == FW_SRC ? "iifname" : "oifname",
			t->neq ? "!= " : "", t->name);
}

static int b_addr(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_addr(r, t->dir, t->neq, &t->addr);
}

static int s_addr(const struct fw_term *t, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];

	return snprintf(buf, n, "%s %s %s%s", t->addr.family == AF_INET6 ? "ip6" : "ip",
			t->dir == FW_SRC ? "saddr" : "daddr", t->neq ? "!= " : "",
			addr_str(&t->addr, a, sizeof(a)));
}

static int b_ct(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_ct_state(r, t->states);
}

static int s_ct(const struct fw_term *t, char *buf, size_t n)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} st[] = {{FW_CT_INVALID, "invalid"},
		  {FW_CT_ESTABLISHED, "established"},
		  {FW_CT_RELATED, "related"},
		  {FW_CT_NEW, "new"},
		  {FW_CT_UNTRACKED, "untracked"}};
	char names[64] = "";

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		if (!(t->states & st[i].bit))
			continue;
		if (names[0])
			strcat(names, ",");
		strcat(names, st[i].name);
	}
	return snprintf(buf, n, "ct state %s", names);
}

static int b_l4(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_l4proto(r, t->proto);
}

static int s_l4(const struct fw_term *t, char *buf, size_t n)
{
	char p[8];

	return snprintf(buf, n, "meta l4proto %s", proto_name(t->proto, p, sizeof(p)));
}

static int b_port(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_port(r, t->dir, t->proto, t->port);
}

static int s_port(const struct fw_term *t, char *buf, size_t n)
{
	char p[8];

	return snprintf(buf, n, "%s %s %u", proto_name(t->proto, p, sizeof(p)),
			t->dir == FW_SRC ? "sport" : "dport", t->port);
}

static int b_vmap(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_vmap(r, t->dir, t->name);
}

static int s_vmap(const struct fw_term *t, char *buf, size_t n)
{
	static const char *const key[] = {"iifname", "oifname", "ip saddr"};

	return snprintf(buf, n, "%s vmap @%s", key[t->dir % 3], t->name);
}

static int b_counter(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_counter(r);
}

static int b_accept(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_verdict(r, NF_ACCEPT, NULL);
}

static int b_drop(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_verdict(r, NF_DROP, NULL);
}

static int b_reject(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_reject(r);
}

static int b_return(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_verdict(r, NFT_RETURN, NULL);
}

static int b_jump(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_verdict(r, NFT_JUMP, t->name);
}

static int s_jump(const struct fw_term *t, char *buf, size_t n)
{
	return snprintf(buf, n, "jump %s", t->name);
}

static int b_masq(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_masquerade(r, t->port, t->port_max);
}

static int s_masq(const struct fw_term *t, char *buf, size_t n)
{
	if (!t->port)
		return snprintf(buf, n, "masquerade");
	if (t->port == t->port_max)
		return snprintf(buf, n, "masquerade to :%u", t->port);
	return snprintf(buf, n, "masquerade to :%u-%u", t->port, t->port_max);
}

static int b_dnat(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_dnat(r, &t->addr, t->port);
}

static int s_dnat(const struct fw_term *t, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];
	bool v6 = t->addr.family == AF_INET6;

	nl_prefix_str(&t->addr, false, a, sizeof(a));
	if (!t->port)
		return snprintf(buf, n, "dnat %s to %s", v6 ? "ip6" : "ip", a);
	return snprintf(buf, n, v6 ? "dnat ip6 to [%s]:%u" : "dnat ip to %s:%u", a, t->port);
}

static const struct {
	int (*build)(struct nftnl_rule *r, const struct fw_term *t);
	int (*str)(const struct fw_term *t, char *buf, size_t n); /* NULL: the word */
	const char *word;
} kinds[FW_T_NKINDS] = {
	[FW_T_IFNAME] = {b_ifname, s_ifname, NULL},    [FW_T_ADDR] = {b_addr, s_addr, NULL},
	[FW_T_CT_STATE] = {b_ct, s_ct, NULL},	       [FW_T_L4PROTO] = {b_l4, s_l4, NULL},
	[FW_T_PORT] = {b_port, s_port, NULL},	       [FW_T_VMAP] = {b_vmap, s_vmap, NULL},
	[FW_T_COUNTER] = {b_counter, NULL, "counter"}, [FW_T_ACCEPT] = {b_accept, NULL, "accept"},
	[FW_T_DROP] = {b_drop, NULL, "drop"},	       [FW_T_REJECT] = {b_reject, NULL, "reject"},
	[FW_T_RETURN] = {b_return, NULL, "return"},    [FW_T_JUMP] = {b_jump, s_jump, NULL},
	[FW_T_MASQ] = {b_masq, s_masq, NULL},	       [FW_T_DNAT] = {b_dnat, s_dnat, NULL},
};

int fw_term_build(struct nftnl_rule *r, const struct fw_term *t)
{
	if (t->kind >= FW_T_NKINDS)
		return -EINVAL;
	return kinds[t->kind].build(r, t);
}

int fw_term_str(const struct fw_term *t, char *buf, size_t n)
{
	if (t->kind >= FW_T_NKINDS)
		return snprintf(buf, n, "?");
	if (!kinds[t->kind].str)
		return snprintf(buf, n, "%s", kinds[t->kind].word);
	return kinds[t->kind].str(t, buf, n);
}
