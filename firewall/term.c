/* term — a rule's words as data: each kind's builder and its nft text side
 * by side in one table, so the two never disagree; see expr.h. */
#include "firewall/expr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

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
	static const char *const key[] = {"iifname", "oifname", "ip saddr", "ip6 saddr"};

	return snprintf(buf, n, "%s vmap @%s", key[t->dir % 4], t->name);
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

static int b_ct_dnat(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_match_ct_dnat(r);
}

static int b_nfproto(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_nfproto(r, t->proto);
}

static int s_nfproto(const struct fw_term *t, char *buf, size_t n)
{
	return snprintf(buf, n, "meta nfproto %s", t->proto == AF_INET6 ? "ipv6" : "ipv4");
}

static int b_set(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_set(r, t->dir, t->name);
}

static int s_set(const struct fw_term *t, char *buf, size_t n)
{
	return snprintf(buf, n, "%s @%s", t->dir == FW_KEY_IIFNAME ? "iifname" : "oifname",
			t->name);
}

static int b_local(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_match_local(r);
}

static int b_ports(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_match_ports(r, t->proto, t->port, t->port_max);
}

static int s_ports(const struct fw_term *t, char *buf, size_t n)
{
	char p[8];

	return snprintf(buf, n, "%s sport %u %s dport %u", proto_name(t->proto, p, sizeof(p)),
			t->port, proto_name(t->proto, p, sizeof(p)), t->port_max);
}

static int b_dnat_map(struct nftnl_rule *r, const struct fw_term *t)
{
	return fw_dnat_map(r, t->dir, t->name);
}

static int s_dnat_map(const struct fw_term *t, char *buf, size_t n)
{
	bool v6 = t->dir == FW_DNAT_PORT6 || t->dir == FW_DNAT_ADDR_PORT6;

	return snprintf(buf, n, "dnat %s to %smeta l4proto . th dport map @%s", v6 ? "ip6" : "ip",
			t->dir == FW_DNAT_ADDR_PORT    ? "ip daddr . "
			: t->dir == FW_DNAT_ADDR_PORT6 ? "ip6 daddr . "
						       : "",
			t->name);
}

static int b_csum_zero(struct nftnl_rule *r, const struct fw_term *t)
{
	(void)t;
	return fw_udp_csum_zero(r);
}

static const struct {
	int (*build)(struct nftnl_rule *r, const struct fw_term *t);
	int (*str)(const struct fw_term *t, char *buf, size_t n); /* NULL: the word */
	const char *word;
} kinds[FW_T_NKINDS] = {
	[FW_T_IFNAME] = {b_ifname, s_ifname, NULL},
	[FW_T_ADDR] = {b_addr, s_addr, NULL},
	[FW_T_CT_STATE] = {b_ct, s_ct, NULL},
	[FW_T_L4PROTO] = {b_l4, s_l4, NULL},
	[FW_T_PORT] = {b_port, s_port, NULL},
	[FW_T_VMAP] = {b_vmap, s_vmap, NULL},
	[FW_T_COUNTER] = {b_counter, NULL, "counter"},
	[FW_T_ACCEPT] = {b_accept, NULL, "accept"},
	[FW_T_DROP] = {b_drop, NULL, "drop"},
	[FW_T_REJECT] = {b_reject, NULL, "reject"},
	[FW_T_RETURN] = {b_return, NULL, "return"},
	[FW_T_JUMP] = {b_jump, s_jump, NULL},
	[FW_T_MASQ] = {b_masq, s_masq, NULL},
	[FW_T_DNAT] = {b_dnat, s_dnat, NULL},
	[FW_T_CT_DNAT] = {b_ct_dnat, NULL, "ct status dnat"},
	[FW_T_NFPROTO] = {b_nfproto, s_nfproto, NULL},
	[FW_T_SET] = {b_set, s_set, NULL},
	[FW_T_LOCAL] = {b_local, NULL, "fib daddr type local"},
	[FW_T_PORTS] = {b_ports, s_ports, NULL},
	[FW_T_DNAT_MAP] = {b_dnat_map, s_dnat_map, NULL},
	[FW_T_CSUM_ZERO] = {b_csum_zero, NULL, "udp checksum set 0"},
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
