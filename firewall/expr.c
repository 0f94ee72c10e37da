/* expr — rule builders and terms; see expr.h. */
#include "firewall/expr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

/* Appends a new expression of the given type to r; NULL when out of memory. */
static struct nftnl_expr *add(struct nftnl_rule *r, const char *type)
{
	struct nftnl_expr *x = nftnl_expr_alloc(type);

	if (x)
		nftnl_rule_add_expr(r, x);
	return x;
}

static int meta_load_to(struct nftnl_rule *r, uint32_t key, uint32_t reg)
{
	struct nftnl_expr *x = add(r, "meta");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, reg);
	return 0;
}

static int meta_load(struct nftnl_rule *r, uint32_t key)
{
	return meta_load_to(r, key, NFT_REG_1);
}

static int payload_load_to(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len,
			   uint32_t reg)
{
	struct nftnl_expr *x = add(r, "payload");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, reg);
	return 0;
}

static int payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	return payload_load_to(r, base, off, len, NFT_REG_1);
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

/* ct KEY & bits != 0 */
static int ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits)
{
	struct nftnl_expr *x = add(r, "ct");
	uint32_t zero = 0;
	int err;

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	if ((err = mask(r, &bits, sizeof(bits))))
		return err;
	return cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

int fw_match_ct_state(struct nftnl_rule *r, uint32_t states)
{
	return ct_bits(r, NFT_CT_STATE, states);
}

int fw_match_ct_dnat(struct nftnl_rule *r)
{
	return ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT);
}

int fw_match_nfproto(struct nftnl_rule *r, uint8_t family)
{
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	return meta_eq(r, NFT_META_NFPROTO, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
}

/* A lookup in set (sreg 1), with the flags the kernel lists back, and a
 * destination register for a map. */
static int lookup(struct nftnl_rule *r, const char *set, bool map, uint32_t dreg)
{
	struct nftnl_expr *x = add(r, "lookup");

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	if (map)
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG, dreg);
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, 0);
	return nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, set) < 0 ? -ENOMEM : 0;
}

int fw_match_set(struct nftnl_rule *r, enum fw_key key, const char *set)
{
	int err;

	if (key != FW_KEY_IIFNAME && key != FW_KEY_OIFNAME)
		return -EINVAL;
	err = meta_load(r, key == FW_KEY_IIFNAME ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	return err ? err : lookup(r, set, false, 0);
}

int fw_match_local(struct nftnl_rule *r)
{
	struct nftnl_expr *x = add(r, "fib");
	uint32_t local = RTN_LOCAL;

	if (!x)
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	return cmp(r, NFT_CMP_EQ, &local, sizeof(local));
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

int fw_match_ports(struct nftnl_rule *r, uint8_t proto, uint16_t sport, uint16_t dport)
{
	uint16_t be[2] = {htons(sport), htons(dport)};
	int err;

	if ((err = fw_match_l4proto(r, proto)) ||
	    (err = payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4)))
		return err;
	return cmp(r, NFT_CMP_EQ, be, sizeof(be));
}

int fw_vmap(struct nftnl_rule *r, enum fw_key key, const char *map)
{
	int err;

	if (key == FW_KEY_IP_SADDR) {
		if ((err = meta_eq(r, NFT_META_NFPROTO, NFPROTO_IPV4)) ||
		    (err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4)))
			return err;
	} else if (key == FW_KEY_IP6_SADDR) {
		if ((err = meta_eq(r, NFT_META_NFPROTO, NFPROTO_IPV6)) ||
		    (err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16)))
			return err;
	} else if ((err = meta_load(r,
				    key == FW_KEY_IIFNAME ? NFT_META_IIFNAME : NFT_META_OIFNAME))) {
		return err;
	}
	return lookup(r, map, true, NFT_REG_VERDICT);
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

int fw_dnat_map(struct nftnl_rule *r, enum fw_dnat_key key, const char *map)
{
	/* The key's parts go to consecutive 32-bit registers from reg 1; the
	 * map puts address and port back into reg 1 and the next (IPv6: the
	 * address fills reg 1's four, the port follows, where nft puts it). */
	bool v6 = key == FW_DNAT_PORT6 || key == FW_DNAT_ADDR_PORT6;
	uint32_t reg = NFT_REG_1, next = NFT_REG32_01, port = v6 ? NFT_REG_2 : NFT_REG32_01;
	struct nftnl_expr *x;
	int err = 0;

	if (key == FW_DNAT_ADDR_PORT) {
		if ((err = meta_eq(r, NFT_META_NFPROTO, NFPROTO_IPV4)) ||
		    (err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4)))
			return err;
		reg = NFT_REG32_01;
		next = NFT_REG32_02;
	} else if (key == FW_DNAT_ADDR_PORT6) {
		if ((err = meta_eq(r, NFT_META_NFPROTO, NFPROTO_IPV6)) ||
		    (err = payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16)))
			return err;
		reg = NFT_REG_2;
		next = NFT_REG32_05;
	}
	if ((err = meta_load_to(r, NFT_META_L4PROTO, reg)) ||
	    (err = payload_load_to(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, next)) ||
	    (err = lookup(r, map, true, NFT_REG_1)))
		return err;
	if (!(x = add(r, "nat")))
		return -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, port);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MAX, port);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FLAGS,
			   NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	return 0;
}

int fw_udp_csum_zero(struct nftnl_rule *r)
{
	static const uint16_t zero;
	struct nftnl_expr *x;
	int err = immediate(r, NFT_REG_1, &zero, sizeof(zero));

	if (err)
		return err;
	if (!(x = add(r, "payload")))
		return -ENOMEM;
	/* The checksum field of the UDP header, with an internet-checksum
	 * fixup of that same field (what nft asks for); the value written
	 * last is the 0. */
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 6);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_INET);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 6);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_FLAGS, 0);
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

struct nftnl_expr *fw_expr_add(struct nftnl_rule *r, const char *type)
{
	return add(r, type);
}

int fw_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len, uint32_t reg)
{
	return payload_load_to(r, base, off, len, reg);
}

int fw_expr_meta(struct nftnl_rule *r, uint32_t key)
{
	return meta_load(r, key);
}

int fw_expr_cmp_eq(struct nftnl_rule *r, const void *data, uint32_t len)
{
	return cmp(r, NFT_CMP_EQ, data, len);
}

int fw_expr_cmp_neq(struct nftnl_rule *r, const void *data, uint32_t len)
{
	return cmp(r, NFT_CMP_NEQ, data, len);
}

int fw_expr_mask(struct nftnl_rule *r, const void *m, uint32_t len)
{
	return mask(r, m, len);
}
