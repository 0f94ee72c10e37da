/* spoof — table bridge vnet as data: its sets, its chains and the rows of
 * a network's two chains, each term's builder beside its nft text (as
 * term.c does for table inet vnet: the rendering cannot disagree with the
 * bytes sent); see spoof.h for the layout and why. The transactions are
 * spoof_io.c's. */
#include "firewall/expr.h"
#include "firewall/spoof_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>

/* nft's datatype numbers (its src/datatype.h), 6 bits a part. */
enum { DT_ETHER = 9, DT_IPV4 = 7, DT_IPV6 = 8, DT_IFNAME = 41 };
#define CAT2(a, b)    (((a) << 6) | (b))
#define CAT3(a, b, c) CAT2(CAT2(a, b), c)

const struct sp_set sp_sets[SP_NSETS] = {
	[SP_PORTS] = {"ports", "map", "ifname : verdict", DT_IFNAME, 16, SP_DATA_VERDICT},
	[SP_MACS] = {"macs", "set", "ifname . ether_addr", CAT2(DT_IFNAME, DT_ETHER), 24, 0},
	[SP_ARPS] = {"arps", "set", "ifname . ipv4_addr . ether_addr",
		     CAT3(DT_IFNAME, DT_IPV4, DT_ETHER), 28, 0},
	[SP_IP4S] = {"ip4s", "set", "ifname . ipv4_addr", CAT2(DT_IFNAME, DT_IPV4), 20, 0},
	[SP_IP6S] = {"ip6s", "set", "ifname . ipv6_addr", CAT2(DT_IFNAME, DT_IPV6), 32, 0},
	[SP_DROPS] = {"drops", "map", "ifname : counter", DT_IFNAME, 16, SP_DATA_COUNTER},
	/* network . MAC or address : the port that holds it */
	[SP_MACOWN] = {"mac_owner", "map", "ifname . ether_addr : ifname",
		       CAT2(DT_IFNAME, DT_ETHER), 24, SP_DATA_IFNAME},
	[SP_IP4OWN] = {"ip4_owner", "map", "ifname . ipv4_addr : ifname", CAT2(DT_IFNAME, DT_IPV4),
		       20, SP_DATA_IFNAME},
	[SP_IP6OWN] = {"ip6_owner", "map", "ifname . ipv6_addr : ifname", CAT2(DT_IFNAME, DT_IPV6),
		       32, SP_DATA_IFNAME},
};

/* What a lookup is keyed by: the loads, each into its 32-bit register. */
enum { K_MAC, K_ARP, K_ARPMAC, K_IP4, K_IP6, K_NA, K_CHADDR, K_CIADDR };
static const struct {
	const char *text;
	unsigned nloads;
	struct {
		uint32_t base, off, len, reg;
	} load[2];
} keys[] = {
	[K_MAC] = {"iifname . ether saddr", 1, {{NFT_PAYLOAD_LL_HEADER, 6, 6, NFT_REG_2}}},
	[K_ARP] = {"iifname . arp saddr ip . arp saddr ether",
		   2,
		   {{NFT_PAYLOAD_NETWORK_HEADER, 14, 4, NFT_REG_2},
		    {NFT_PAYLOAD_NETWORK_HEADER, 8, 6, NFT_REG32_05}}},
	[K_ARPMAC] = {"iifname . arp saddr ether",
		      1,
		      {{NFT_PAYLOAD_NETWORK_HEADER, 8, 6, NFT_REG_2}}},
	[K_IP4] = {"iifname . ip saddr", 1, {{NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_2}}},
	[K_IP6] = {"iifname . ip6 saddr", 1, {{NFT_PAYLOAD_NETWORK_HEADER, 8, 16, NFT_REG_2}}},
	/* an NA's or NS's target: after type, code, checksum and flags (or
	 * reserved) */
	[K_NA] = {"iifname . @th,64,128", 1, {{NFT_PAYLOAD_TRANSPORT_HEADER, 8, 16, NFT_REG_2}}},
	/* a DHCP request's client hardware address (chaddr: the UDP header,
	 * then 28 bytes of BOOTP) and the address it asks about (ciaddr) */
	[K_CHADDR] = {"iifname . @th,288,48",
		      1,
		      {{NFT_PAYLOAD_TRANSPORT_HEADER, 36, 6, NFT_REG_2}}},
	[K_CIADDR] = {"iifname . @th,160,32",
		      1,
		      {{NFT_PAYLOAD_TRANSPORT_HEADER, 20, 4, NFT_REG_2}}},
};

/* A term of a row. ETHER is printed, DEP is the dependency nft adds
 * before a payload of that protocol (meta protocol) and hides when it
 * lists the rule. */
enum {
	S_ETHER,
	S_DEP,
	S_LOOKUP,
	S_ADDR,
	S_ARPIP0,
	S_SPORT,
	S_DPORT,
	S_PORTS,
	S_CIADDR_SET,
	S_ICMP6,
	S_L4,
	S_GOTO,
	S_RETURN,
	S_DROP,
	S_VMAP,
	S_OBJMAP
};

struct sterm {
	uint8_t kind, key;
	bool neq;
	uint16_t v, v2;
	const char *name;
	const char *addr; /* S_ADDR: "0.0.0.0", "::", "fe80::/10" */
};

#define SP_TERMS 5
struct srow {
	uint8_t chain; /* SP_CH_* */
	unsigned nterms;
	struct sterm t[SP_TERMS];
};

/* clang-format off */
#define R(c, ...) {c, sizeof((struct sterm[]){__VA_ARGS__}) / sizeof(struct sterm), {__VA_ARGS__}}
#define DEP(p)	       {.kind = S_DEP, .v = ETH_P_##p}
#define ETHER(p)       {.kind = S_ETHER, .v = ETH_P_##p}
#define IN(k, s)       {.kind = S_LOOKUP, .key = K_##k, .name = s}
#define NOT_IN(k, s)   {.kind = S_LOOKUP, .key = K_##k, .name = s, .neq = true}
#define SADDR(a)       {.kind = S_ADDR, .addr = a}
#define UDP_SPORT(p)   {.kind = S_SPORT, .v = p}
#define UDP_DPORT(p)   {.kind = S_DPORT, .v = p}
#define CIADDR_SET     {.kind = S_CIADDR_SET}
#define UDP_PORTS(s, d) {.kind = S_PORTS, .v = s, .v2 = d}
#define ICMP6(t)       {.kind = S_ICMP6, .v = t}
#define ICMP6_ANY      {.kind = S_L4, .v = IPPROTO_ICMPV6}
#define TO_DROPPED     {.kind = S_GOTO, .name = SP_DROPPED}
#define RETURN	       {.kind = S_RETURN}

static const struct srow rows[] = {
	/* NET-spoof: the port's MAC is bound; its frames come from it */
	R(SP_CH_SPOOF, NOT_IN(MAC, "macs"), TO_DROPPED),
	R(SP_CH_SPOOF, DEP(ARP), IN(ARP, "arps"), RETURN),
	/* an ARP probe (RFC 5227) asks from 0.0.0.0, with the port's MAC */
	R(SP_CH_SPOOF, DEP(ARP), {.kind = S_ARPIP0}, IN(ARPMAC, "macs"), RETURN),
	R(SP_CH_SPOOF, ETHER(ARP), TO_DROPPED),
	/* a DHCP or DHCPv6 server in a guest: from the server's port, or to
	 * a client's from any other */
	R(SP_CH_SPOOF, UDP_SPORT(67), TO_DROPPED),
	R(SP_CH_SPOOF, UDP_SPORT(547), TO_DROPPED),
	R(SP_CH_SPOOF, UDP_DPORT(68), TO_DROPPED),
	R(SP_CH_SPOOF, UDP_DPORT(546), TO_DROPPED),
	/* a DHCP request speaks for the port's own MAC, and of no address
	 * but the port's (a release of a neighbour's lease is not its) */
	R(SP_CH_SPOOF, UDP_DPORT(67), NOT_IN(CHADDR, "macs"), TO_DROPPED),
	R(SP_CH_SPOOF, UDP_DPORT(67), CIADDR_SET, NOT_IN(CIADDR, "ip4s"), TO_DROPPED),
	R(SP_CH_SPOOF, DEP(IP), IN(IP4, "ip4s"), RETURN),
	R(SP_CH_SPOOF, DEP(IP), SADDR("0.0.0.0"), UDP_PORTS(68, 67), RETURN),
	R(SP_CH_SPOOF, ICMP6(134), TO_DROPPED),
	R(SP_CH_SPOOF, ICMP6(137), TO_DROPPED),
	R(SP_CH_SPOOF, ICMP6(136), NOT_IN(NA, "ip6s"), TO_DROPPED),
	/* its own addresses, its link-local one among them */
	R(SP_CH_SPOOF, DEP(IPV6), IN(IP6, "ip6s"), RETURN),
	/* duplicate address detection of its own addresses (RFC 4862), and
	 * MLD reports before it has one (RFC 3810) */
	R(SP_CH_SPOOF, DEP(IPV6), SADDR("::"), ICMP6(135), IN(NA, "ip6s"), RETURN),
	R(SP_CH_SPOOF, DEP(IPV6), SADDR("::"), ICMP6(143), RETURN),
	R(SP_CH_SPOOF, TO_DROPPED),
	/* NET-nomac: until a MAC is bound, only asking for an address (a
	 * request that names one is a renewal or a release: not its) */
	R(SP_CH_NOMAC, UDP_DPORT(67), CIADDR_SET, TO_DROPPED),
	R(SP_CH_NOMAC, DEP(IP), SADDR("0.0.0.0"), UDP_PORTS(68, 67), RETURN),
	R(SP_CH_NOMAC, DEP(IPV6), SADDR("fe80::/10"), UDP_PORTS(546, 547), RETURN),
	R(SP_CH_NOMAC, ICMP6(133), RETURN),
	R(SP_CH_NOMAC, DEP(IPV6), SADDR("::"), ICMP6(135), RETURN),
	R(SP_CH_NOMAC, TO_DROPPED),
};

/* the table's own chains */
static const struct srow base_rows[] = {
	R(SP_CH_PREROUTING, {.kind = S_VMAP, .name = "ports"}),
	R(SP_CH_DROPPED, {.kind = S_OBJMAP, .name = "drops"}),
	R(SP_CH_DROPPED, {.kind = S_DROP}),
};
/* clang-format on */

#define NROWS	   (sizeof(rows) / sizeof(rows[0]))
#define NBASE_ROWS (sizeof(base_rows) / sizeof(base_rows[0]))

static int ether_type(struct nftnl_rule *r, uint16_t type)
{
	uint16_t be = htons(type);
	int err = fw_expr_payload(r, NFT_PAYLOAD_LL_HEADER, 12, 2, NFT_REG_1);

	return err ? err : fw_expr_cmp_eq(r, &be, 2);
}

static int l4(struct nftnl_rule *r, uint8_t proto)
{
	int err = fw_expr_meta(r, NFT_META_L4PROTO);

	return err ? err : fw_expr_cmp_eq(r, &proto, 1);
}

static int lookup(struct nftnl_rule *r, const struct sterm *t)
{
	struct nftnl_expr *x;
	int err = fw_expr_meta(r, NFT_META_IIFNAME);

	for (unsigned i = 0; !err && i < keys[t->key].nloads; i++)
		err = fw_expr_payload(r, keys[t->key].load[i].base, keys[t->key].load[i].off,
				      keys[t->key].load[i].len, keys[t->key].load[i].reg);
	if (err || !(x = fw_expr_add(r, "lookup")))
		return err ? err : -ENOMEM;
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, t->neq ? NFT_LOOKUP_F_INV : 0);
	return nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, t->name) < 0 ? -ENOMEM : 0;
}

/* ip/ip6 saddr ADDR[/LEN]: the bytes the prefix covers, masked when it
 * does not end on a byte, as nft does */
static int saddr(struct nftnl_rule *r, const struct sterm *t)
{
	struct nl_prefix p;
	uint8_t m[16] = {0}, v[16] = {0};
	unsigned bytes;
	int err;

	if (nl_prefix_parse(t->addr, NL_PREFIX_PLAIN, "address", &p, NULL))
		return -EINVAL;
	/* a whole-byte prefix loads its bytes, any other the whole address */
	bytes = p.len % 8 ? nl_prefix_bits(&p) / 8 : p.len / 8;
	if ((err = fw_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, p.family == AF_INET6 ? 8 : 12,
				   bytes, NFT_REG_1)))
		return err;
	for (unsigned i = 0; i < p.len; i++)
		m[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (unsigned i = 0; i < bytes; i++)
		v[i] = p.a.b[i] & m[i];
	if (p.len % 8 && (err = fw_expr_mask(r, m, bytes)))
		return err;
	return fw_expr_cmp_eq(r, v, bytes);
}

static int term_build(struct nftnl_rule *r, const struct sterm *t)
{
	struct nftnl_expr *x;
	uint16_t be[2] = {htons(t->v), htons(t->v2)};
	uint8_t zero[4] = {0}, type = (uint8_t)t->v;
	int err;

	switch (t->kind) {
	case S_ETHER:
		return ether_type(r, t->v);
	case S_DEP: /* as nft: the frame's protocol, not a load */
		if ((err = fw_expr_meta(r, NFT_META_PROTOCOL)))
			return err;
		return fw_expr_cmp_eq(r, be, 2);
	case S_LOOKUP:
		return lookup(r, t);
	case S_ADDR:
		return saddr(r, t);
	case S_ARPIP0:
		err = fw_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 14, 4, NFT_REG_1);
		return err ? err : fw_expr_cmp_eq(r, zero, 4);
	case S_SPORT:
	case S_DPORT:
	case S_PORTS:
		if ((err = l4(r, IPPROTO_UDP)) ||
		    (err = fw_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER,
					   t->kind == S_DPORT ? 2 : 0, t->kind == S_PORTS ? 4 : 2,
					   NFT_REG_1)))
			return err;
		return fw_expr_cmp_eq(r, be, t->kind == S_PORTS ? 4 : 2);
	case S_CIADDR_SET:
		err = fw_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 20, 4, NFT_REG_1);
		return err ? err : fw_expr_cmp_neq(r, zero, 4);
	case S_ICMP6:
		if ((err = l4(r, IPPROTO_ICMPV6)) ||
		    (err = fw_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1)))
			return err;
		return fw_expr_cmp_eq(r, &type, 1);
	case S_L4:
		return l4(r, (uint8_t)t->v);
	case S_GOTO:
		return fw_verdict(r, NFT_GOTO, t->name);
	case S_RETURN:
		return fw_verdict(r, NFT_RETURN, NULL);
	case S_DROP:
		return fw_verdict(r, NF_DROP, NULL);
	case S_VMAP:
		if ((err = fw_expr_meta(r, NFT_META_IIFNAME)) || !(x = fw_expr_add(r, "lookup")))
			return err ? err : -ENOMEM;
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, 0);
		return nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, t->name) < 0 ? -ENOMEM : 0;
	case S_OBJMAP:
		if ((err = fw_expr_meta(r, NFT_META_IIFNAME)) || !(x = fw_expr_add(r, "objref")))
			return err ? err : -ENOMEM;
		nftnl_expr_set_u32(x, NFTNL_EXPR_OBJREF_SET_SREG, NFT_REG_1);
		return nftnl_expr_set_str(x, NFTNL_EXPR_OBJREF_SET_NAME, t->name) < 0 ? -ENOMEM : 0;
	}
	return -EINVAL;
}

static const char *ether_name(uint16_t v)
{
	return v == ETH_P_ARP ? "arp" : v == ETH_P_IP ? "ip" : "ip6";
}

static const char *icmp6_name(uint16_t v)
{
	switch (v) {
	case 133:
		return "nd-router-solicit";
	case 134:
		return "nd-router-advert";
	case 135:
		return "nd-neighbor-solicit";
	case 137:
		return "nd-redirect";
	case 143:
		return "mld2-listener-report";
	default:
		return "nd-neighbor-advert";
	}
}

/* the term as nft lists it; "" for a dependency nft hides */
static int term_str(const struct sterm *t, char *buf, size_t n)
{
	switch (t->kind) {
	case S_ETHER:
		return snprintf(buf, n, "ether type %s", ether_name(t->v));
	case S_DEP:
		return snprintf(buf, n, "%s", "");
	case S_LOOKUP:
		return snprintf(buf, n, "%s %s@%s", keys[t->key].text, t->neq ? "!= " : "",
				t->name);
	case S_ADDR:
		return snprintf(buf, n, "%s saddr %s", strchr(t->addr, ':') ? "ip6" : "ip",
				t->addr);
	case S_ARPIP0:
		return snprintf(buf, n, "arp saddr ip 0.0.0.0");
	case S_SPORT:
		return snprintf(buf, n, "udp sport %u", t->v);
	case S_DPORT:
		return snprintf(buf, n, "udp dport %u", t->v);
	case S_CIADDR_SET:
		return snprintf(buf, n, "@th,160,32 != 0x0");
	case S_PORTS:
		return snprintf(buf, n, "udp sport %u udp dport %u", t->v, t->v2);
	case S_ICMP6:
		return snprintf(buf, n, "icmpv6 type %s", icmp6_name(t->v));
	case S_L4:
		return snprintf(buf, n, "meta l4proto ipv6-icmp");
	case S_GOTO:
		return snprintf(buf, n, "goto %s", t->name);
	case S_RETURN:
		return snprintf(buf, n, "return");
	case S_DROP:
		return snprintf(buf, n, "drop");
	case S_VMAP:
		return snprintf(buf, n, "iifname vmap @%s", t->name);
	case S_OBJMAP:
		return snprintf(buf, n, "counter name iifname map @%s", t->name);
	}
	return snprintf(buf, n, "?");
}

static const struct srow *row_of(unsigned i, bool base)
{
	return base ? &base_rows[i] : &rows[i];
}

unsigned sp_nrows(bool base)
{
	return base ? NBASE_ROWS : NROWS;
}

uint8_t sp_row_chain(unsigned i, bool base)
{
	return row_of(i, base)->chain;
}

int sp_row_build(struct nftnl_rule *r, unsigned i, bool base, uint8_t d[FW_DIGEST_LEN])
{
	const struct srow *rw = row_of(i, base);
	int err = 0;

	for (unsigned k = 0; k < rw->nterms && !err; k++)
		err = term_build(r, &rw->t[k]);
	return err ? err : fw_rule_seal(r, d);
}

int sp_row_digest(unsigned i, bool base, uint8_t d[FW_DIGEST_LEN])
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = r ? sp_row_build(r, i, base, d) : -ENOMEM;

	if (r)
		nftnl_rule_free(r);
	return err;
}

int sp_row_str(unsigned i, bool base, char *buf, size_t n)
{
	const struct srow *rw = row_of(i, base);
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < rw->nterms && len < n; k++) {
		char w[96];

		if (!term_str(&rw->t[k], w, sizeof(w)) || !w[0])
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? " " : "", w);
	}
	return (int)len;
}

void sp_chain_name(const char *net, uint8_t ch, char *buf, size_t n)
{
	static const char *const fixed[] = {
		[SP_CH_PREROUTING] = "prerouting", [SP_CH_DROPPED] = SP_DROPPED};

	if (ch == SP_CH_SPOOF || ch == SP_CH_NOMAC)
		snprintf(buf, n, "%s-%s", net, ch == SP_CH_SPOOF ? "spoof" : "nomac");
	else
		snprintf(buf, n, "%s", fixed[ch]);
}

unsigned fw_spoof_rule_count(void)
{
	return NROWS;
}

/* Appends a chain's block to the text. */
static void render_chain(FILE *f, const char *net, uint8_t ch, bool base)
{
	char name[SP_NAMESIZ], text[256];

	sp_chain_name(net, ch, name, sizeof(name));
	fprintf(f, "\n\tchain %s {\n", name);
	if (ch == SP_CH_PREROUTING)
		fprintf(f, "\t\ttype filter hook prerouting priority filter; policy accept;\n");
	for (unsigned i = 0; i < sp_nrows(base); i++) {
		if (sp_row_chain(i, base) != ch)
			continue;
		sp_row_str(i, base, text, sizeof(text));
		fprintf(f, "\t\t%s\n", text);
	}
	fprintf(f, "\t}\n");
}

char *fw_spoof_render(const char *net)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "table bridge %s {\n\tcomment \"%s\"\n", SP_TABLE, SP_COMMENT);
	for (unsigned s = 0; s < SP_NSETS; s++)
		fprintf(f, "%s\t%s %s {\n\t\ttype %s\n\t}\n", s ? "\n" : "", sp_sets[s].kind,
			sp_sets[s].name, sp_sets[s].type);
	render_chain(f, net, SP_CH_PREROUTING, true);
	render_chain(f, net, SP_CH_DROPPED, true);
	render_chain(f, net, SP_CH_SPOOF, false);
	render_chain(f, net, SP_CH_NOMAC, false);
	fprintf(f, "}\n");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
