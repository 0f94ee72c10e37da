/* expr — the rule vocabulary: short builders that append nftables
 * expressions to a libnftnl rule (expr.c), and the term, a rule's words as
 * data (term.c).
 *
 * Each builder emits what nft(8) emits for the same words (checked in
 * tests/unit_firewall.c against `nft --debug=netlink`), including the
 * `meta nfproto` dependency an inet table needs before an ip/ip6 payload,
 * so `nft list` prints our rules as ordinary nft text. Where the kernel
 * lists an expression back in a fuller form than nft sent (a lookup's
 * flags, a nat range's upper registers), the builder emits that form, so
 * what the kernel lists is what vnet sent (a rule is recognised by the
 * digest in its user data, not by that listing: read.c). A term holds one word of a rule (a match,
 * a statement or the verdict); fw_term_build() turns it into expressions and fw_term_str() into nft
 * text, from one table, so the two never disagree. No parsing of rule text, no sockets. */
#ifndef VNET_FIREWALL_EXPR_H
#define VNET_FIREWALL_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/prefix.h"

struct nftnl_rule;

#define FW_NAMESIZ 32 /* chain, map and interface names in terms */

/* Which end of a packet: iifname/saddr/sport or oifname/daddr/dport. */
enum fw_dir { FW_SRC, FW_DST };

/* Keys a verdict map or a set can be looked up with. */
enum fw_key { FW_KEY_IIFNAME, FW_KEY_OIFNAME, FW_KEY_IP_SADDR, FW_KEY_IP6_SADDR };

/* What a DNAT map is keyed by: the protocol and destination port, or the
 * IPv4 destination address too. */
enum fw_dnat_key { FW_DNAT_PORT, FW_DNAT_ADDR_PORT, FW_DNAT_PORT6, FW_DNAT_ADDR_PORT6 };

/* ct state bits (NF_CT_STATE_BIT). */
#define FW_CT_INVALID	  1u
#define FW_CT_ESTABLISHED 2u
#define FW_CT_RELATED	  4u
#define FW_CT_NEW	  8u
#define FW_CT_UNTRACKED	  64u

/* Builders: each appends the expressions for a few words of nft to r and
 * returns 0, -ENOMEM, or -EINVAL for a value nft could not express. */
int fw_match_ifname(struct nftnl_rule *r, enum fw_dir d, bool neq, const char *name);
/* ip/ip6 saddr/daddr PREFIX, with the family's nfproto dependency. */
int fw_match_addr(struct nftnl_rule *r, enum fw_dir d, bool neq, const struct nl_prefix *p);
/* ct state STATES: true when any of the FW_CT_* bits is set. */
int fw_match_ct_state(struct nftnl_rule *r, uint32_t states);
/* ct status dnat: the connection's destination was translated. */
int fw_match_ct_dnat(struct nftnl_rule *r);
/* meta nfproto ipv4|ipv6 (family AF_INET or AF_INET6) */
int fw_match_nfproto(struct nftnl_rule *r, uint8_t family);
/* iifname/oifname @SET */
int fw_match_set(struct nftnl_rule *r, enum fw_key key, const char *set);
/* fib daddr type local: addressed to the host itself. */
int fw_match_local(struct nftnl_rule *r);
/* meta l4proto PROTO */
int fw_match_l4proto(struct nftnl_rule *r, uint8_t proto);
/* tcp/udp sport/dport PORT (meta l4proto, then the transport header). */
int fw_match_port(struct nftnl_rule *r, enum fw_dir d, uint8_t proto, uint16_t port);
/* tcp/udp sport SPORT tcp/udp dport DPORT, in one load, as nft does. */
int fw_match_ports(struct nftnl_rule *r, uint8_t proto, uint16_t sport, uint16_t dport);
/* KEY vmap @MAP */
int fw_vmap(struct nftnl_rule *r, enum fw_key key, const char *map);
int fw_counter(struct nftnl_rule *r);
/* verdict: NF_ACCEPT, NF_DROP, NFT_RETURN, or NFT_JUMP to chain. */
int fw_verdict(struct nftnl_rule *r, int verdict, const char *chain);

/* The primitives the builders above are made of, for rule rows elsewhere in
 * firewall/ (spoof.c): a new expression of TYPE appended to r (NULL when out
 * of memory); a payload or meta KEY load into a register (reg 1 for meta);
 * reg 1 == DATA; reg 1 &= MASK. */
struct nftnl_expr *fw_expr_add(struct nftnl_rule *r, const char *type);
int fw_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len, uint32_t reg);
int fw_expr_meta(struct nftnl_rule *r, uint32_t key);
int fw_expr_cmp_eq(struct nftnl_rule *r, const void *data, uint32_t len);
int fw_expr_cmp_neq(struct nftnl_rule *r, const void *data, uint32_t len);
int fw_expr_mask(struct nftnl_rule *r, const void *m, uint32_t len);
/* reject: ICMP(v6) port unreachable, as iptables' REJECT and nft's default. */
int fw_reject(struct nftnl_rule *r);
/* masquerade, to ports pmin-pmax when pmin is not 0. */
int fw_masquerade(struct nftnl_rule *r, uint16_t pmin, uint16_t pmax);
/* dnat ip/ip6 to ADDR (its length ignored), :PORT when port is not 0. */
int fw_dnat(struct nftnl_rule *r, const struct nl_prefix *addr, uint16_t port);
/* dnat ip to [ip daddr . ]meta l4proto . th dport map @MAP: the map
 * gives the address and port. */
int fw_dnat_map(struct nftnl_rule *r, enum fw_dnat_key key, const char *map);
/* udp checksum set 0 (IPv4's "no checksum"); the rule must have matched
 * udp before. */
int fw_udp_csum_zero(struct nftnl_rule *r);
/* comment "TEXT" (rule user data, as nft stores it). */
int fw_comment(struct nftnl_rule *r, const char *text);

enum fw_term_kind {
	FW_T_IFNAME,   /* dir, neq, name */
	FW_T_ADDR,     /* dir, neq, addr */
	FW_T_CT_STATE, /* states */
	FW_T_L4PROTO,  /* proto */
	FW_T_PORT,     /* dir, proto, port */
	FW_T_VMAP,     /* key, name = map */
	FW_T_COUNTER,
	FW_T_ACCEPT,
	FW_T_DROP,
	FW_T_REJECT,
	FW_T_RETURN,
	FW_T_JUMP, /* name = chain */
	FW_T_MASQ, /* port..port_max, or none when port is 0 */
	FW_T_DNAT, /* addr, port */
	FW_T_CT_DNAT,
	FW_T_NFPROTO, /* proto = AF_INET or AF_INET6 */
	FW_T_SET,     /* key (dir), name = set */
	FW_T_LOCAL,
	FW_T_PORTS,	/* proto, port = sport, port_max = dport */
	FW_T_DNAT_MAP,	/* dnat key (dir), name = map */
	FW_T_CSUM_ZERO, /* udp checksum set 0 */
	FW_T_NKINDS
};

struct fw_term {
	uint8_t kind;  /* enum fw_term_kind */
	uint8_t dir;   /* enum fw_dir; fw_key for VMAP and SET; fw_dnat_key for DNAT_MAP */
	bool neq;      /* != */
	uint8_t proto; /* IPPROTO_* */
	uint16_t port, port_max;
	uint32_t states;
	struct nl_prefix addr;
	char name[FW_NAMESIZ];
};

/* Appends t's expressions to r. */
int fw_term_build(struct nftnl_rule *r, const struct fw_term *t);
/* t as nft prints it ("ip daddr != 10.0.0.0/24"); returns the length that
 * was needed, like snprintf. */
int fw_term_str(const struct fw_term *t, char *buf, size_t n);

#endif
