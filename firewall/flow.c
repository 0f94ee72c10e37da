/* flow — a flow run through the foreign chains of its hook (see fw.h).
 * Each rule's expressions run on a register file whose every byte is
 * known or not: loads put what the flow makes known (its interfaces,
 * addresses, protocol, port, ct state), a bitwise mask makes the bits it
 * clears known, and a compare says yes (all bits it reads known and
 * equal), no (a known bit differs) or maybe. A chain is walked as the
 * kernel walks it: a sure accept ends it, a sure drop too, a jump walks
 * the target and comes back, a goto does not, a return ends the chain.
 * A hit's rule text is xtext.c's. */
#include "firewall/inspect.h"

#include <arpa/inet.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "common/file.h"

enum tri { NO, MAYBE, YES };

/* What the flow makes known, for chains of one family. An address the
 * flow leaves unknown is the far side's ("remote"): a rule that matches
 * only given far addresses (a block list) is not the network's traffic. */
struct pkt {
	const struct fw_flow *f;
	bool l2;			  /* a bridge chain: iif/oif are ports (unknown) */
	uint8_t nh[40], nhk[40], nhr[40]; /* network header: bytes, known bits, remote */
	uint8_t th[4], thk[4];		  /* transport header */
};

struct regs {
	uint8_t v[REGS], k[REGS], r[REGS];
};

static void put(struct regs *g, unsigned off, unsigned len, const uint8_t *v, const uint8_t *k,
		const uint8_t *r)
{
	unsigned end = (off + len + 3) / 4 * 4; /* the kernel zeroes the last word */

	if (end > REGS)
		return;
	memset(g->v + off, 0, end - off);
	memset(g->k + off, 0xff, end - off);
	memset(g->r + off, 0, end - off);
	memcpy(g->v + off, v, len);
	memcpy(g->k + off, k, len);
	if (r)
		memcpy(g->r + off, r, len);
}

static void set_prefix(uint8_t *v, uint8_t *k, uint8_t *r, const struct nl_prefix *p, bool v6)
{
	unsigned n = v6 ? 16 : 4;

	memset(r, !p->family, n);
	for (unsigned i = 0; i < n && p->family; i++) {
		unsigned bits = p->len > i * 8 ? p->len - i * 8 : 0;

		k[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
		v[i] = p->a.b[i] & k[i];
	}
}

static void pkt_init(struct pkt *p, const struct fw_flow *f, bool l2)
{
	bool v6 = f->nfproto == NFPROTO_IPV6;

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->l2 = l2;
	if (f->l4proto) {
		p->nh[v6 ? 6 : 9] = f->l4proto;
		p->nhk[v6 ? 6 : 9] = 0xff;
	}
	set_prefix(p->nh + (v6 ? 8 : 12), p->nhk + (v6 ? 8 : 12), p->nhr + (v6 ? 8 : 12), &f->src,
		   v6);
	set_prefix(p->nh + (v6 ? 24 : 16), p->nhk + (v6 ? 24 : 16), p->nhr + (v6 ? 24 : 16),
		   &f->dst, v6);
	if (f->dport) {
		p->th[2] = (uint8_t)(f->dport >> 8);
		p->th[3] = (uint8_t)f->dport;
		p->thk[2] = p->thk[3] = 0xff;
	}
}

/* A name into v (NL_IFNAMSIZ bytes, zero padded), known when given. */
static void name_val(const char *name, bool known, uint8_t *v, uint8_t *k)
{
	memset(k, known && name[0] ? 0xff : 0, NL_IFNAMSIZ);
	memset(v, 0, NL_IFNAMSIZ);
	memcpy(v, name, strnlen(name, NL_IFNAMSIZ - 1));
}

static void load_meta(struct regs *g, const struct pkt *p, const struct x *x)
{
	uint8_t v[NL_IFNAMSIZ] = {0}, k[NL_IFNAMSIZ] = {0};
	const struct fw_flow *f = p->f;
	uint32_t n = 0;
	uint16_t proto = htons(f->nfproto == NFPROTO_IPV6 ? 0x86dd : 0x0800);

	switch (x->key) {
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		name_val(x->key == NFT_META_IIFNAME ? f->iif : f->oif, !p->l2, v, k);
		break;
	case NFT_META_BRI_IIFNAME:
	case NFT_META_BRI_OIFNAME:
		name_val(x->key == NFT_META_BRI_IIFNAME ? f->iif : f->oif, p->l2, v, k);
		break;
	case NFT_META_IIF:
	case NFT_META_OIF:
		n = (uint32_t)(x->key == NFT_META_IIF ? f->iifindex : f->oifindex);
		memcpy(v, &n, 4);
		memset(k, n && !p->l2 ? 0xff : 0, 4);
		break;
	case NFT_META_NFPROTO:
		v[0] = p->l2 ? NFPROTO_BRIDGE : f->nfproto;
		k[0] = 0xff;
		break;
	case NFT_META_L4PROTO:
		v[0] = f->l4proto;
		k[0] = f->l4proto ? 0xff : 0;
		break;
	case NFT_META_PROTOCOL:
		memcpy(v, &proto, 2);
		k[0] = k[1] = 0xff;
		break;
	}
	put(g, x->dreg, x->len, v, k, NULL);
}

static void load(struct regs *g, const struct pkt *p, const struct x *x)
{
	uint8_t v[DATASZ] = {0}, k[DATASZ] = {0}, r[DATASZ] = {0};
	const uint8_t *hv = NULL, *hk = NULL, *hr = NULL;
	size_t hlen = 0;

	if (x->kind == X_META) {
		load_meta(g, p, x);
		return;
	}
	if (x->kind == X_CT && x->key == NFT_CT_STATE) {
		memcpy(v, &p->f->ctstate, 4);
		memset(k, 0xff, 4);
	} else if (x->kind == X_PAYLOAD && x->key == NFT_PAYLOAD_NETWORK_HEADER) {
		hv = p->nh, hk = p->nhk, hr = p->nhr, hlen = sizeof(p->nh);
	} else if (x->kind == X_PAYLOAD && x->key == NFT_PAYLOAD_TRANSPORT_HEADER) {
		hv = p->th, hk = p->thk, hlen = sizeof(p->th);
	} else if (x->kind == X_IMM) {
		memcpy(v, x->data, x->len);
		memset(k, 0xff, x->len);
	}
	for (unsigned i = 0; hv && i < x->len && x->off + i < hlen; i++) {
		v[i] = hv[x->off + i];
		k[i] = hk[x->off + i];
		r[i] = hr ? hr[x->off + i] : 0;
	}
	put(g, x->dreg, x->len, v, k, r);
}

static void bitwise(struct regs *g, const struct x *x)
{
	for (unsigned i = 0; i < x->len; i++) {
		uint8_t v = g->v[x->sreg + i], k = g->k[x->sreg + i];

		g->v[x->dreg + i] = (uint8_t)((v & x->mask[i]) ^ x->xor [i]);
		g->k[x->dreg + i] = (uint8_t)(k | ~x->mask[i]);
		g->r[x->dreg + i] = g->r[x->sreg + i];
	}
}

static enum tri compare(const struct regs *g, const struct x *x)
{
	bool differ = false, all = true, none = true, remote = x->len > 0;
	int d;

	for (unsigned i = 0; i < x->len; i++) {
		uint8_t k = g->k[x->sreg + i];

		differ |= ((g->v[x->sreg + i] ^ x->data[i]) & k) != 0;
		all &= k == 0xff;
		none &= k == 0 || g->r[x->sreg + i];
		remote &= g->r[x->sreg + i] != 0;
	}
	/* "ip daddr 203.0.113.0/24" where the flow goes anywhere: only some
	 * of it, a block list; "!=" still may take all of it */
	if (x->key == NFT_CMP_EQ && remote && none)
		return NO;
	if (x->key == NFT_CMP_EQ || x->key == NFT_CMP_NEQ) {
		enum tri eq = differ ? NO : all ? YES : MAYBE;

		return x->key == NFT_CMP_EQ ? eq : (enum tri)(YES - eq);
	}
	if (!all)
		return MAYBE;
	d = memcmp(g->v + x->sreg, x->data, x->len);
	switch (x->key) {
	case NFT_CMP_LT:
		return d < 0 ? YES : NO;
	case NFT_CMP_LTE:
		return d <= 0 ? YES : NO;
	case NFT_CMP_GT:
		return d > 0 ? YES : NO;
	default:
		return d >= 0 ? YES : NO;
	}
}

/* A lookup: decided when the set is read and every bit of the key is
 * known; a set of far addresses (a block list) is not the flow's. *el
 * gets a verdict map's element. */
static enum tri lookup(const struct fw_ruleset *rs, const struct regs *g, const struct x *x,
		       const struct xelem **el)
{
	const struct xset *set = &rs->set[x->set];
	bool remote = true;
	enum tri t;

	for (unsigned i = 0; i < set->klen; i++)
		remote &= g->r[x->sreg + i] && !g->k[x->sreg + i];
	if (remote && !x->inv && !x->vmap)
		return NO;
	if (!set->usable)
		return MAYBE;
	t = (enum tri)fw_set_lookup(rs, set, g->v + x->sreg, g->k + x->sreg, el);
	if (t != YES)
		*el = NULL; /* a verdict map's element only when surely that one */
	return x->inv ? (enum tri)(YES - t) : t;
}

/* Whether rule r matches the packets of p: surely, maybe or not. *vm
 * gets the element of the verdict map that decides its verdict. */
static enum tri matches(const struct fw_ruleset *rs, const struct xrule *r, const struct pkt *p,
			const struct xelem **vm)
{
	struct regs g;
	enum tri t = YES, c;

	*vm = NULL;
	memset(&g, 0, sizeof(g));
	for (unsigned i = 0; i < r->n && r->first + i < rs->nx; i++) {
		const struct x *x = &rs->x[r->first + i];
		const struct xelem *el = NULL;

		switch (x->kind) {
		case X_BITWISE:
			bitwise(&g, x);
			break;
		case X_CMP:
			if ((c = compare(&g, x)) == NO)
				return NO;
			t = c < t ? c : t;
			break;
		case X_LOOKUP:
			if ((c = lookup(rs, &g, x, &el)) == NO)
				return NO;
			t = c < t ? c : t;
			if (x->vmap)
				*vm = el;
			break;
		case X_MAYBE:
			memset(&g, 0, sizeof(g));
			t = MAYBE;
			break;
		default:
			load(&g, p, x);
		}
	}
	return t;
}

/* ---- the walk ---- */

struct walk {
	const struct fw_ruleset *rs;
	struct pkt p;
	struct fw_hit *hit;
	unsigned max, n;
	unsigned base;	      /* the base chain being walked */
	bool uncertain;	      /* an accept, return or jump on the way may have been taken */
	bool via_docker_user; /* the walk passed through chain DOCKER-USER: an accept
				 put first there is seen before what follows */
};

enum end { FELL, ACCEPTED, DROPPED };

static bool iptables_table(const struct xchain *c)
{
	static const char *const names[] = {"filter", "nat", "mangle", "raw", "security"};
	bool upper = true;

	for (const char *s = c->name; *s; s++)
		upper &= (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '_';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(c->table, names[i]))
			return (c->family == NFPROTO_IPV4 || c->family == NFPROTO_IPV6) && upper;
	return false;
}

static void hit(struct walk *w, unsigned chain, const struct xrule *r, bool sure)
{
	const struct xchain *b = &w->rs->chain[w->base];
	struct fw_hit *h;

	if (w->n++ >= w->max)
		return;
	h = &w->hit[w->n - 1];
	memset(h, 0, sizeof(*h));
	h->family = b->family;
	h->legacy = b->legacy;
	h->iptables = !b->legacy && iptables_table(b);
	h->docker_user = b->docker_user && w->via_docker_user;
	h->policy = !r;
	h->sure = sure && !w->uncertain;
	h->reject = r && r->verdict == V_REJECT;
	h->hook = b->hook;
	h->prio = b->prio;
	h->handle = r ? r->handle : 0;
	nl_escape(b->table, h->table, sizeof(h->table));
	nl_escape(b->name, h->base, sizeof(h->base));
	nl_escape(w->rs->chain[chain].name, h->chain, sizeof(h->chain));
	if (r)
		fw_xrule_text(w->rs, r, b->family, h->text, sizeof(h->text));
}

static enum end walk(struct walk *w, unsigned c, unsigned depth)
{
	const struct xchain *ch = &w->rs->chain[c];

	if (depth > 16) {
		w->uncertain = true;
		return FELL;
	}
	if (!strcmp(ch->name, "DOCKER-USER"))
		w->via_docker_user = true;
	for (unsigned i = 0; i < w->rs->nrule; i++) {
		const struct xrule *r = &w->rs->rule[i];
		const struct xelem *vm;
		uint8_t verdict;
		const char *target;
		enum tri t;
		enum end e;
		int to;

		if (r->chain != c || (t = matches(w->rs, r, &w->p, &vm)) == NO)
			continue;
		verdict = vm ? vm->verdict : r->verdict;
		target = vm ? vm->chain : r->target;
		switch (verdict) {
		case V_ACCEPT:
		case V_RETURN:
			if (t == YES)
				return verdict == V_ACCEPT ? ACCEPTED : FELL;
			w->uncertain = true;
			break;
		case V_DROP:
		case V_REJECT:
			hit(w, c, r, t == YES);
			if (t == YES)
				return DROPPED;
			break;
		case V_JUMP:
		case V_GOTO:
			to = fw_chain_find(w->rs, ch->family, ch->legacy, ch->table, target);
			if (to < 0)
				break; /* an iptables target such as LOG: goes on */
			w->uncertain |= t != YES;
			e = walk(w, (unsigned)to, depth + 1);
			if (t == YES && (e != FELL || verdict == V_GOTO))
				return e;
			w->uncertain |= e != FELL;
			break;
		case V_OTHER:
			w->uncertain = true;
			break;
		}
	}
	return FELL;
}

static bool sees(const struct xchain *c, const struct fw_flow *f, bool *l2)
{
	*l2 = c->family == NFPROTO_BRIDGE;
	if (!c->base || c->hook != f->hook)
		return false;
	if (*l2)
		return f->l2;
	return f->l3 && (c->family == NFPROTO_INET || c->family == f->nfproto);
}

unsigned fw_inspect_flow(const struct fw_ruleset *rs, const struct fw_flow *f, struct fw_hit *hits,
			 unsigned max)
{
	struct walk w = {.rs = rs, .hit = hits, .max = max};
	bool l2;

	for (unsigned c = 0; c < rs->nchain; c++) {
		if (!sees(&rs->chain[c], f, &l2))
			continue;
		pkt_init(&w.p, f, l2);
		w.base = c;
		w.uncertain = false;
		w.via_docker_user = false;
		if (walk(&w, c, 0) == FELL && rs->chain[c].drop)
			hit(&w, c, NULL, true);
	}
	return w.n;
}
