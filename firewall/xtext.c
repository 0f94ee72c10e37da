/* xtext — a foreign rule (struct xrule) as nft says it, for the hits of
 * `vnet doctor` (flow.c): its matches from the loads they compare, a
 * lookup with the field it looks up, then the verdict; what vnet does not
 * model as the name of the expression. iptables-legacy's rules keep the
 * line iptables printed. */
#include "firewall/inspect.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "common/file.h"

struct src {
	uint8_t kind, key, off, len;
	bool masked;
	uint8_t mask[DATASZ];
};

static void cat(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

static const char *op_str(uint8_t op)
{
	static const char *const ops[] = {
		[NFT_CMP_EQ] = "",     [NFT_CMP_NEQ] = "!= ", [NFT_CMP_LT] = "< ",
		[NFT_CMP_LTE] = "<= ", [NFT_CMP_GT] = "> ",   [NFT_CMP_GTE] = ">= "};

	return op < sizeof(ops) / sizeof(ops[0]) ? ops[op] : "? ";
}

static void name_term(char *buf, size_t n, const char *what, const struct x *c)
{
	char name[NL_IFNAMSIZ + 1] = "", esc[4 * NL_IFNAMSIZ + 1];
	bool prefix = c->len < NL_IFNAMSIZ && !memchr(c->data, 0, c->len);

	memcpy(name, c->data, c->len < NL_IFNAMSIZ ? c->len : NL_IFNAMSIZ);
	cat(buf, n, "%s %s\"%s%s\" ", what, op_str(c->key), nl_escape(name, esc, sizeof(esc)),
	    prefix ? "*" : "");
}

static void addr_term(char *buf, size_t n, const struct src *s, const struct x *c, bool v6)
{
	uint8_t a[16] = {0};
	unsigned bits = 0, full = v6 ? 128 : 32;
	char text[INET6_ADDRSTRLEN];

	for (unsigned i = 0; i < c->len && i < (v6 ? 16u : 4u); i++) {
		uint8_t m = s->masked ? s->mask[i] : 0xff;

		a[i] = c->data[i];
		bits += (unsigned)__builtin_popcount(m);
	}
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, text, sizeof(text));
	cat(buf, n, "%s %s %s%s", v6 ? "ip6" : "ip", s->off == (v6 ? 8 : 12) ? "saddr" : "daddr",
	    op_str(c->key), text);
	if (bits < full)
		cat(buf, n, "/%u", bits);
	cat(buf, n, " ");
}

static void state_term(char *buf, size_t n, const struct src *s, const struct x *c)
{
	static const char *const names[] = {"invalid", "established", "related", "new", "",
					    "",	       "untracked"};
	uint32_t bits = 0, zero = 0;
	bool in = c->key == NFT_CMP_NEQ, first = true;

	memcpy(&bits, s->masked ? s->mask : c->data, 4);
	if (!s->masked || memcmp(c->data, &zero, 4))
		in = c->key == NFT_CMP_EQ; /* ct state == value */
	cat(buf, n, "ct state %s", in ? "" : "!= ");
	for (unsigned i = 0; i < 7; i++)
		if (bits & (1u << i) && names[i][0]) {
			cat(buf, n, "%s%s", first ? "" : ",", names[i]);
			first = false;
		}
	cat(buf, n, " ");
}

static const char *proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 ? "icmp" : p == 58 ? "icmpv6" : NULL;
}

/* Text state: the layer 4 protocol a following port match names, as nft
 * says "tcp dport 22" for "meta l4proto tcp" and "th dport 22". */
struct text {
	char *buf;
	size_t n;
	uint8_t family;
	const char *proto;
};

static void term(struct text *t, const struct src *s, const struct x *c, bool nh_later,
		 bool th_later)
{
	char *buf = t->buf;
	size_t n = t->n;
	uint16_t port = (uint16_t)(c->data[0] << 8 | c->data[1]);
	bool v6 = t->family == NFPROTO_IPV6 ||
		  (t->family != NFPROTO_IPV4 && (s->off == 8 || s->off == 24));
	bool eq = c->key == NFT_CMP_EQ;

	if (s->kind == X_META && (s->key == NFT_META_IIFNAME || s->key == NFT_META_OIFNAME))
		name_term(buf, n, s->key == NFT_META_IIFNAME ? "iifname" : "oifname", c);
	else if (s->kind == X_META &&
		 (s->key == NFT_META_BRI_IIFNAME || s->key == NFT_META_BRI_OIFNAME))
		name_term(buf, n, s->key == NFT_META_BRI_IIFNAME ? "meta ibrname" : "meta obrname",
			  c);
	else if (s->kind == X_META && s->key == NFT_META_L4PROTO && eq && th_later &&
		 proto_name(c->data[0]))
		t->proto = proto_name(c->data[0]); /* said with the port */
	else if (s->kind == X_META && s->key == NFT_META_L4PROTO)
		cat(buf, n, "meta l4proto %s%u ", op_str(c->key), c->data[0]);
	else if (s->kind == X_META && s->key == NFT_META_NFPROTO && eq && nh_later)
		; /* implied by the address match that follows */
	else if (s->kind == X_META && s->key == NFT_META_NFPROTO)
		cat(buf, n, "meta nfproto %s%s ", op_str(c->key),
		    c->data[0] == NFPROTO_IPV6	 ? "ipv6"
		    : c->data[0] == NFPROTO_IPV4 ? "ipv4"
						 : "?");
	else if (s->kind == X_CT && s->key == NFT_CT_STATE)
		state_term(buf, n, s, c);
	else if (s->kind == X_PAYLOAD && s->key == NFT_PAYLOAD_NETWORK_HEADER &&
		 (s->off == 12 || s->off == 16 || s->off == 8 || s->off == 24))
		addr_term(buf, n, s, c, v6);
	else if (s->kind == X_PAYLOAD && s->key == NFT_PAYLOAD_TRANSPORT_HEADER && s->len == 2)
		cat(buf, n, "%s %s %s%u ", t->proto ? t->proto : "th",
		    s->off == 2 ? "dport" : "sport", op_str(c->key), port);
	else
		cat(buf, n, "%s%s ",
		    s->kind == X_META ? "meta"
		    : s->kind == X_CT ? "ct"
				      : "payload",
		    c->key == NFT_CMP_NEQ ? " !=" : "");
}

/* What a register holds, as nft names it, for a lookup's text. */
static const char *field(const struct src *s, uint8_t family)
{
	bool v6 =
		family == NFPROTO_IPV6 || (family != NFPROTO_IPV4 && (s->off == 8 || s->off == 24));

	if (s->kind == X_META)
		return s->key == NFT_META_IIFNAME   ? "iifname "
		       : s->key == NFT_META_OIFNAME ? "oifname "
		       : s->key == NFT_META_L4PROTO ? "meta l4proto "
						    : "meta ";
	if (s->kind == X_CT)
		return s->key == NFT_CT_STATE ? "ct state " : "ct ";
	if (s->kind == X_PAYLOAD && s->key == NFT_PAYLOAD_NETWORK_HEADER)
		return s->off == 12 || s->off == 8    ? (v6 ? "ip6 saddr " : "ip saddr ")
		       : s->off == 16 || s->off == 24 ? (v6 ? "ip6 daddr " : "ip daddr ")
						      : "";
	if (s->kind == X_PAYLOAD && s->key == NFT_PAYLOAD_TRANSPORT_HEADER)
		return s->off == 2 ? "th dport " : "th sport ";
	return "";
}

/* Whether a payload load of base comes after expression i of r. */
static bool later(const struct fw_ruleset *rs, const struct xrule *r, unsigned i, uint8_t base)
{
	for (unsigned k = i + 1; k < r->n && r->first + k < rs->nx; k++)
		if (rs->x[r->first + k].kind == X_PAYLOAD && rs->x[r->first + k].key == base)
			return true;
	return false;
}

void fw_xrule_text(const struct fw_ruleset *rs, const struct xrule *r, uint8_t family, char *buf,
		   size_t n)
{
	static const char *const verdicts[] = {"",     "accept", "drop",   "reject",
					       "jump", "goto",	 "return", "..."};
	struct text t = {buf, n, family, NULL};
	struct src reg[REGS / 4];
	char esc[4 * NAMESZ];
	bool vmap = false;

	buf[0] = '\0';
	if (r->line) {
		nl_escape(r->line, buf, n);
		return;
	}
	memset(reg, 0, sizeof(reg));
	for (unsigned i = 0; i < r->n && r->first + i < rs->nx; i++) {
		const struct x *x = &rs->x[r->first + i];

		if (x->kind == X_MAYBE) {
			cat(buf, n, "%s ", nl_escape(x->what, esc, sizeof(esc)));
		} else if (x->kind == X_LOOKUP) {
			/* anonymous sets are named __setN and __mapN by nft */
			vmap |= x->vmap;
			cat(buf, n, "%s%s%s%s%s ", field(&reg[x->sreg / 4], family),
			    x->vmap ? "vmap " : "", x->inv ? "!= " : "",
			    strncmp(x->what, "__", 2) ? "@" : "",
			    strncmp(x->what, "__", 2) ? nl_escape(x->what, esc, sizeof(esc))
						      : "{ ... }");
		} else if (x->kind == X_CMP) {
			term(&t, &reg[x->sreg / 4], x, later(rs, r, i, NFT_PAYLOAD_NETWORK_HEADER),
			     later(rs, r, i, NFT_PAYLOAD_TRANSPORT_HEADER));
		} else if (x->kind == X_BITWISE) {
			reg[x->dreg / 4] = reg[x->sreg / 4];
			reg[x->dreg / 4].masked = true;
			memcpy(reg[x->dreg / 4].mask, x->mask, DATASZ);
		} else {
			reg[x->dreg / 4] =
				(struct src){x->kind, x->key, x->off, x->len, false, {0}};
		}
	}
	if (!vmap)
		cat(buf, n, "%s", verdicts[r->verdict]);
	if (r->verdict == V_JUMP || r->verdict == V_GOTO)
		cat(buf, n, " %s", nl_escape(r->target, esc, sizeof(esc)));
}
