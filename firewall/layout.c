/* layout — the fixed part of table inet vnet, as data: its maps and sets
 * (what keys and what data their elements hold, and those keys and data in
 * bytes) and its base chains with their rules. See plan.h for the layout
 * and why. */
#include "firewall/internal.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* nft's datatype numbers (its src/datatype.h); a concatenation packs them
 * 6 bits a part. Without the key's byte order nft lists interface names as
 * "". */
enum {
	DT_IPV4_ADDR = 7,
	DT_IPV6_ADDR = 8,
	DT_INET_PROTO = 12,
	DT_INET_SERVICE = 13,
	DT_IFNAME = 41
};
#define CAT2(a, b)    (((a) << 6) | (b))
#define CAT3(a, b, c) CAT2(CAT2(a, b), c)
/* A forward's data: the guest's address and port, a register each (an
 * IPv6 address four). */
#define ADDR_PORT  FW_DATA_ADDR_PORT, CAT2(DT_IPV4_ADDR, DT_INET_SERVICE), 2 * NFT_REG32_SIZE
#define ADDR6_PORT FW_DATA_ADDR_PORT, CAT2(DT_IPV6_ADDR, DT_INET_SERVICE), 5 * NFT_REG32_SIZE

const struct fw_map_def fw_maps[FW_NMAPS] = {
	[FW_MAP_TO_BRIDGE] = {"to_bridge", "ifname : verdict", DT_IFNAME, NL_IFNAMSIZ, 1, false,
			      FW_DATA_VERDICT},
	[FW_MAP_FROM_BRIDGE] = {"from_bridge", "ifname : verdict", DT_IFNAME, NL_IFNAMSIZ, 1, false,
				FW_DATA_VERDICT},
	[FW_MAP_NAT_V4] = {"nat_v4", "ipv4_addr : verdict", DT_IPV4_ADDR, 4, 2, true,
			   FW_DATA_VERDICT},
	[FW_MAP_NAT_V6] = {"nat_v6", "ipv6_addr : verdict", DT_IPV6_ADDR, 16, 2, true,
			   FW_DATA_VERDICT},
	[FW_MAP_BRIDGES] = {"bridges", "ifname", DT_IFNAME, NL_IFNAMSIZ, 1, false, FW_DATA_NONE},
	[FW_MAP_DHCP] = {"dhcp_bridges", "ifname", DT_IFNAME, NL_IFNAMSIZ, 1, false, FW_DATA_NONE},
	[FW_MAP_FWD_ANY] = {"fwd_any", "inet_proto . inet_service : ipv4_addr . inet_service",
			    CAT2(DT_INET_PROTO, DT_INET_SERVICE), 8, 0, false, ADDR_PORT},
	[FW_MAP_FWD_ADDR] = {"fwd_addr",
			     "ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service",
			     CAT3(DT_IPV4_ADDR, DT_INET_PROTO, DT_INET_SERVICE), 12, 0, false,
			     ADDR_PORT},
	[FW_MAP_FWD6_ANY] = {"fwd6_any", "inet_proto . inet_service : ipv6_addr . inet_service",
			     CAT2(DT_INET_PROTO, DT_INET_SERVICE), 8, 0, false, ADDR6_PORT},
	[FW_MAP_FWD6_ADDR] = {"fwd6_addr",
			      "ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service",
			      CAT3(DT_IPV6_ADDR, DT_INET_PROTO, DT_INET_SERVICE), 24, 0, false,
			      ADDR6_PORT},
};

/* clang-format off */
#define B1(a)	       {1, {a}}
#define B2(a, b)       {2, {a, b}}
#define B3(a, b, c)    {3, {a, b, c}}
#define B4(a, b, c, d) {4, {a, b, c, d}}
#define BT(k)	       {.kind = FW_T_##k}
#define BVMAP(k, m)    {.kind = FW_T_VMAP, .dir = FW_KEY_##k, .name = m}
#define BSET(k, s)     {.kind = FW_T_SET, .dir = FW_KEY_##k, .name = s}
#define BPORT(p, n)    {.kind = FW_T_PORT, .dir = FW_DST, .proto = IPPROTO_##p, .port = n}
#define BDNAT(k, m)    {.kind = FW_T_DNAT_MAP, .dir = FW_DNAT_##k, .name = m}
#define LOOPBACK       {.kind = FW_T_ADDR, .dir = FW_DST, .addr = {AF_INET, 8, .a.b = {127}}}
#define LOOPBACK6      {.kind = FW_T_ADDR, .dir = FW_DST, .addr = {AF_INET6, 128, .a.b = {[15] = 1}}}
#define DHCP_REPLY     {.kind = FW_T_PORTS, .proto = IPPROTO_UDP, .port = 67, .port_max = 68}
#define IPV4	       {.kind = FW_T_NFPROTO, .proto = AF_INET}

const struct fw_base_def fw_bases[FW_NBASES] = {
	{"forward", "filter", NF_INET_FORWARD, 0,
	 "type filter hook forward priority filter; policy accept;", 2,
	 {B1(BVMAP(OIFNAME, "to_bridge")), B1(BVMAP(IIFNAME, "from_bridge"))}},
	{"postrouting", "nat", NF_INET_POST_ROUTING, 100,
	 "type nat hook postrouting priority srcnat; policy accept;", 2,
	 {B1(BVMAP(IP_SADDR, "nat_v4")), B1(BVMAP(IP6_SADDR, "nat_v6"))}},
	/* DHCP, DHCPv6 and DNS from guests to the host are never forwarded
	 * away. */
	{"prerouting", "nat", NF_INET_PRE_ROUTING, -100,
	 "type nat hook prerouting priority dstnat; policy accept;", 8,
	 {B3(BSET(IIFNAME, "bridges"), BPORT(UDP, 53), BT(RETURN)),
	  B3(BSET(IIFNAME, "bridges"), BPORT(TCP, 53), BT(RETURN)),
	  B3(BSET(IIFNAME, "bridges"), BPORT(UDP, 67), BT(RETURN)),
	  B3(BSET(IIFNAME, "bridges"), BPORT(UDP, 547), BT(RETURN)),
	  B2(BT(LOCAL), BDNAT(ADDR_PORT, "fwd_addr")),
	  B2(BT(LOCAL), BDNAT(PORT, "fwd_any")),
	  B2(BT(LOCAL), BDNAT(ADDR_PORT6, "fwd6_addr")),
	  B2(BT(LOCAL), BDNAT(PORT6, "fwd6_any"))}},
	/* The host's own connections to its addresses, but loopback. */
	{"output", "nat", NF_INET_LOCAL_OUT, -100,
	 "type nat hook output priority -100; policy accept;", 6,
	 {B2(LOOPBACK, BT(RETURN)),
	  B2(BT(LOCAL), BDNAT(ADDR_PORT, "fwd_addr")),
	  B2(BT(LOCAL), BDNAT(PORT, "fwd_any")),
	  B2(LOOPBACK6, BT(RETURN)),
	  B2(BT(LOCAL), BDNAT(ADDR_PORT6, "fwd6_addr")),
	  B2(BT(LOCAL), BDNAT(PORT6, "fwd6_any"))}},
	{"checksum", "filter", NF_INET_LOCAL_OUT, 0,
	 "type filter hook output priority filter; policy accept;", 1,
	 {B4(IPV4, BSET(OIFNAME, "dhcp_bridges"), DHCP_REPLY, BT(CSUM_ZERO))}},
};
/* clang-format on */

void fw_base_rule(unsigned i, unsigned k, struct fw_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->chain = (uint8_t)i;
	r->pos = k + 1;
	r->nterms = fw_bases[i].rule[k].nterms;
	memcpy(r->term, fw_bases[i].rule[k].term, sizeof(fw_bases[i].rule[k].term));
}

/* Appends a part of len bytes at out + n: in 32-bit registers of its own
 * (zero-padded; an IPv6 address fills four) when regs, else packed.
 * Returns the new length. */
static size_t put_part(uint8_t *out, size_t n, const void *part, size_t len, bool regs)
{
	size_t room = regs ? (len + NFT_REG32_SIZE - 1) / NFT_REG32_SIZE * NFT_REG32_SIZE : len;

	memset(out + n, 0, room);
	memcpy(out + n, part, len);
	return n + room;
}

static size_t put_port(uint8_t *out, size_t n, uint16_t port, bool regs)
{
	uint8_t be[2] = {(uint8_t)(port >> 8), (uint8_t)port};

	return put_part(out, n, be, sizeof(be), regs);
}

size_t fw_elem_key(const struct fw_elem *el, bool regs, uint8_t *out)
{
	size_t n = 0;

	switch (el->map) {
	case FW_MAP_NAT_V4:
		return put_part(out, 0, el->prefix.a.b, 4, false);
	case FW_MAP_NAT_V6:
		return put_part(out, 0, el->prefix.a.b, 16, false);
	case FW_MAP_FWD_ADDR:
	case FW_MAP_FWD6_ADDR:
		n = put_part(out, 0, el->prefix.a.b, el->map == FW_MAP_FWD6_ADDR ? 16 : 4, regs);
		/* fall through */
	case FW_MAP_FWD_ANY:
	case FW_MAP_FWD6_ANY:
		n = put_part(out, n, &el->proto, 1, regs);
		return put_port(out, n, el->port, regs);
	default:
		memset(out, 0, NL_IFNAMSIZ);
		memcpy(out, el->ifname, strnlen(el->ifname, NL_IFNAMSIZ - 1));
		return NL_IFNAMSIZ;
	}
}

static bool map_v6(uint8_t map)
{
	return map == FW_MAP_FWD6_ANY || map == FW_MAP_FWD6_ADDR;
}

size_t fw_elem_data(const struct fw_elem *el, uint8_t *out)
{
	size_t n = put_part(out, 0, el->to.a.b, map_v6(el->map) ? 16 : 4, true);

	return put_port(out, n, el->to_port, true);
}

static void get_addr(struct nl_prefix *p, const uint8_t *reg, bool v6)
{
	*p = (struct nl_prefix){.family = v6 ? AF_INET6 : AF_INET, .len = v6 ? 128 : 32};
	memcpy(p->a.b, reg, v6 ? 16 : 4);
}

static uint16_t get_port(const uint8_t *reg)
{
	return (uint16_t)(reg[0] << 8 | reg[1]);
}

bool fw_elem_decode(struct fw_elem *el, const uint8_t *k, uint32_t klen, const uint8_t *d,
		    uint32_t dlen)
{
	bool v6 = map_v6(el->map);
	unsigned alen = v6 ? 16 : 4,
		 off = el->map == FW_MAP_FWD_ADDR || el->map == FW_MAP_FWD6_ADDR ? alen : 0;

	if (!k || !d || klen < off + 2 * NFT_REG32_SIZE || dlen < alen + NFT_REG32_SIZE)
		return false;
	if (off)
		get_addr(&el->prefix, k, v6);
	el->proto = k[off];
	el->port = get_port(k + off + NFT_REG32_SIZE);
	get_addr(&el->to, d, v6);
	el->to_port = get_port(d + alen);
	return true;
}

bool fw_elem_owned(const struct fw_plan *p, const struct fw_elem *el)
{
	if (fw_maps[el->map].data != FW_DATA_ADDR_PORT)
		return false;
	for (unsigned i = 0; i < p->nsubnets; i++)
		if (p->subnet[i].family == el->to.family &&
		    nl_prefix_contains(&p->subnet[i], &el->to))
			return true;
	return false;
}

static bool same_addr(const struct nl_prefix *x, const struct nl_prefix *y)
{
	return x->family == y->family && !memcmp(x->a.b, y->a.b, x->family == AF_INET6 ? 16 : 4);
}

bool fw_elem_same_key(const struct fw_elem *x, const struct fw_elem *y)
{
	if (x->map != y->map)
		return false;
	switch (x->map) {
	case FW_MAP_NAT_V4:
	case FW_MAP_NAT_V6:
		return nl_prefix_equal(&x->prefix, &y->prefix);
	case FW_MAP_FWD_ADDR:
	case FW_MAP_FWD6_ADDR:
		if (!same_addr(&x->prefix, &y->prefix))
			return false;
		/* fall through */
	case FW_MAP_FWD_ANY:
	case FW_MAP_FWD6_ANY:
		return x->proto == y->proto && x->port == y->port;
	default:
		return !strcmp(x->ifname, y->ifname);
	}
}

bool fw_elem_equal(const struct fw_elem *x, const struct fw_elem *y)
{
	if (!fw_elem_same_key(x, y))
		return false;
	if (fw_maps[x->map].data == FW_DATA_VERDICT)
		return !strcmp(x->chain, y->chain);
	if (fw_maps[x->map].data == FW_DATA_ADDR_PORT)
		return same_addr(&x->to, &y->to) && x->to_port == y->to_port;
	return true;
}
