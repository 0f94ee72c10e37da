/* inspect — the tables vnet does not own, read for `vnet doctor` (see fw.h):
 * every chain and rule of every other table in one nftables dump, and the
 * iptables-legacy rules nftables cannot see, from the text of
 * `iptables-legacy -S`, in the same form. A flow (the packets of one kind
 * of a network's traffic) is then run through each base chain of its hook:
 * the rules' expressions are emulated on a register file whose bytes are
 * known or unknown, so that each match says yes, no or maybe (flow.c);
 * lookups go to the sets' elements (sets.c). What is not modelled (xt
 * matches but comment, limits, fib, ...) says maybe: a drop behind it is
 * still reported, an accept behind it saves nothing. Owns no socket and
 * changes nothing. */
#include "firewall/inspect.h"
#include "firewall/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "common/file.h"

void *fw_push(struct fw_ruleset *rs, void **arr, unsigned *n, unsigned *cap, size_t size)
{
	unsigned c = *cap ? *cap * 2 : 32;
	void *p;

	if (*n >= *cap) {
		if (!(p = realloc(*arr, (size_t)c * size))) {
			rs->nomem = true;
			return NULL;
		}
		*arr = p;
		*cap = c;
	}
	p = (char *)*arr + (size_t)(*n)++ * size;
	memset(p, 0, size);
	return p;
}

#define PUSH(rs, arr, n, cap)                                                                      \
	fw_push((rs), (void **)&(rs)->arr, &(rs)->n, &(rs)->cap, sizeof(*(rs)->arr))

void fw_ruleset_free(struct fw_ruleset *rs)
{
	if (!rs)
		return;
	for (unsigned i = 0; i < rs->nrule; i++)
		free(rs->rule[i].line);
	free(rs->chain);
	free(rs->rule);
	free(rs->x);
	free(rs->set);
	free(rs->elem);
	free(rs);
}

int fw_chain_find(const struct fw_ruleset *rs, uint8_t family, bool legacy, const char *table,
		  const char *name)
{
	for (unsigned i = 0; i < rs->nchain; i++) {
		const struct xchain *c = &rs->chain[i];

		if (c->family == family && c->legacy == legacy && !strcmp(c->table, table) &&
		    !strcmp(c->name, name))
			return (int)i;
	}
	return -1;
}

bool fw_inspect_has_chain(const struct fw_ruleset *rs, uint8_t family, bool legacy,
			  const char *table, const char *chain)
{
	return fw_chain_find(rs, family, legacy, table, chain) >= 0;
}

int fw_chain_of(struct fw_ruleset *rs, uint8_t family, bool legacy, const char *table,
		const char *name)
{
	int i = fw_chain_find(rs, family, legacy, table, name);
	struct xchain *c;

	if (i >= 0 || !(c = PUSH(rs, chain, nchain, capchain)))
		return i;
	c->family = family;
	c->legacy = legacy;
	snprintf(c->table, sizeof(c->table), "%s", table);
	snprintf(c->name, sizeof(c->name), "%s", name);
	return (int)rs->nchain - 1;
}

struct xrule *fw_rule_new(struct fw_ruleset *rs, unsigned c)
{
	struct xrule *r = PUSH(rs, rule, nrule, caprule);

	if (r) {
		r->chain = c;
		r->first = rs->nx;
	}
	return r;
}

struct x *fw_x_new(struct fw_ruleset *rs, struct xrule *r, uint8_t kind)
{
	struct x *x;

	if (r->n > MAXEXPR || !(x = PUSH(rs, x, nx, capx)))
		return NULL;
	if (++r->n > MAXEXPR) {
		x->kind = X_MAYBE;
		snprintf(x->what, sizeof(x->what), "...");
		return NULL;
	}
	x->kind = kind;
	return x;
}

void fw_x_maybe(struct fw_ruleset *rs, struct xrule *r, const char *what)
{
	struct x *x = fw_x_new(rs, r, X_MAYBE);

	if (x)
		snprintf(x->what, sizeof(x->what), "%s", what);
}

void fw_mark_docker(struct fw_ruleset *rs)
{
	for (unsigned i = 0; i < rs->nchain; i++) {
		struct xchain *c = &rs->chain[i];

		c->docker_user =
			fw_inspect_has_chain(rs, c->family, c->legacy, c->table, "DOCKER-USER");
	}
}

/* A register number as the kernel places it: a byte offset, or -1. */
static int reg_off(uint32_t r)
{
	if (r <= NFT_REG_4)
		return (int)(r * NFT_REG_SIZE);
	if (r >= NFT_REG32_00 && r <= NFT_REG32_15)
		return (int)((r - NFT_REG32_00) * NFT_REG32_SIZE + NFT_REG_SIZE);
	return -1;
}

/* ---- the nftables dump ---- */

struct reading {
	struct fw_ruleset *rs;
	struct xrule *r;
	uint8_t family; /* of the rule being read */
	const char *table;
	unsigned ours; /* which of vnet's own tables the dump saw (OURS_*) */
};

/* Places x's registers; one out of range makes x a maybe. Always true:
 * the expression is taken care of. */
static bool regs_ok(struct x *x, const struct nftnl_expr *e, uint16_t sattr, uint16_t dattr,
		    const char *name)
{
	int s = sattr ? reg_off(nftnl_expr_get_u32(e, sattr)) : 0;
	int d = dattr ? reg_off(nftnl_expr_get_u32(e, dattr)) : 0;

	if (!x)
		return true;
	if (s < 0 || d < 0 || s + x->len > REGS || d + x->len > REGS || x->len > DATASZ) {
		x->kind = X_MAYBE;
		snprintf(x->what, sizeof(x->what), "%s", name);
		return true;
	}
	x->sreg = (uint8_t)s;
	x->dreg = (uint8_t)d;
	return true;
}

/* How many bytes a meta key loads (what vnet knows of, or 16). */
static uint8_t meta_len(uint32_t key)
{
	switch (key) {
	case NFT_META_NFPROTO:
	case NFT_META_L4PROTO:
		return 1;
	case NFT_META_PROTOCOL:
		return 2;
	case NFT_META_IIF:
	case NFT_META_OIF:
		return 4;
	default:
		return NL_IFNAMSIZ;
	}
}

static void copy_data(uint8_t *dst, const struct nftnl_expr *e, uint16_t attr, uint8_t *len)
{
	uint32_t n = 0;
	const void *d = nftnl_expr_get(e, attr, &n);

	if (n > DATASZ)
		n = DATASZ;
	if (d)
		memcpy(dst, d, n);
	if (len)
		*len = (uint8_t)n;
}

static void got_verdict(struct xrule *r, int v, const char *chain)
{
	r->verdict = fw_verdict_of(v);
	if (chain)
		snprintf(r->target, sizeof(r->target), "%s", chain);
}

/* The loads: meta, ct and payload statements (with a source register)
 * change the packet, not a register: they are passed over. */
static bool got_load(struct reading *rd, const struct nftnl_expr *e, const char *name)
{
	struct x *x = NULL;

	if ((!strcmp(name, "meta") && nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG)) ||
	    (!strcmp(name, "ct") && nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG)) ||
	    (!strcmp(name, "payload") && nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG)))
		return true;

	if (!strcmp(name, "meta")) {
		if ((x = fw_x_new(rd->rs, rd->r, X_META))) {
			x->key = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
			x->len = meta_len(x->key);
		}
		return regs_ok(x, e, 0, NFTNL_EXPR_META_DREG, name);
	}
	if (!strcmp(name, "ct")) {
		if ((x = fw_x_new(rd->rs, rd->r, X_CT))) {
			x->key = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
			x->len = x->key == NFT_CT_STATE ? 4 : DATASZ;
		}
		return regs_ok(x, e, 0, NFTNL_EXPR_CT_DREG, name);
	}
	if (!strcmp(name, "payload")) {
		uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
		uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);

		if ((x = fw_x_new(rd->rs, rd->r, X_PAYLOAD))) {
			x->key = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
			x->len = (uint8_t)(len > 255 ? 255 : len);
			x->off = (uint8_t)(off > 255 ? 255 : off);
		}
		return regs_ok(x, e, 0, NFTNL_EXPR_PAYLOAD_DREG, name);
	}
	return false;
}

static bool got_match(struct reading *rd, const struct nftnl_expr *e, const char *name)
{
	struct x *x = NULL;

	if (!strcmp(name, "cmp")) {
		if ((x = fw_x_new(rd->rs, rd->r, X_CMP))) {
			x->key = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
			copy_data(x->data, e, NFTNL_EXPR_CMP_DATA, &x->len);
		}
		return regs_ok(x, e, NFTNL_EXPR_CMP_SREG, 0, name);
	}
	if (!strcmp(name, "bitwise")) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
		    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL)
			return false; /* a shift: a maybe */
		if ((x = fw_x_new(rd->rs, rd->r, X_BITWISE))) {
			x->len = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN);
			copy_data(x->mask, e, NFTNL_EXPR_BITWISE_MASK, NULL);
			copy_data(x->xor, e, NFTNL_EXPR_BITWISE_XOR, NULL);
		}
		return regs_ok(x, e, NFTNL_EXPR_BITWISE_SREG, NFTNL_EXPR_BITWISE_DREG, name);
	}
	if (!strcmp(name, "immediate") && nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) != 0) {
		if ((x = fw_x_new(rd->rs, rd->r, X_IMM)))
			copy_data(x->data, e, NFTNL_EXPR_IMM_DATA, &x->len);
		return regs_ok(x, e, 0, NFTNL_EXPR_IMM_DREG, name);
	}
	return false;
}

/* Statements that neither match nor end the rule. */
static bool neutral(const char *name)
{
	static const char *const names[] = {"counter",	"log",		"notrack", "dynset",
					    "nat",	"masq",		"redir",   "dup",
					    "fwd",	"flow_offload", "last",	   "objref",
					    "synproxy", "tproxy",	"queue"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* A lookup into a set of the rule's table that is a plain set or a
 * verdict map; other maps (data into a register) are not decided. */
static bool got_lookup(struct reading *rd, const struct nftnl_expr *e)
{
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	int i = set && rd->table ? fw_set_find(rd->rs, rd->family, rd->table, set) : -1;
	int s = reg_off(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG));
	bool vmap = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG);
	struct x *x;

	if (i < 0 || s < 0 || s + rd->rs->set[i].klen > REGS ||
	    (vmap && nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_VERDICT))
		return false;
	if ((x = fw_x_new(rd->rs, rd->r, X_LOOKUP))) {
		x->set = (unsigned)i;
		x->sreg = (uint8_t)s;
		x->vmap = vmap;
		x->inv = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) &&
			 (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) & NFT_LOOKUP_F_INV);
		snprintf(x->what, sizeof(x->what), "%s", set);
	}
	if (vmap)
		rd->r->verdict = V_OTHER; /* the element's, when the walk finds one */
	return true;
}

static const char *str_or(const struct nftnl_expr *e, uint16_t attr)
{
	const char *v = nftnl_expr_is_set(e, attr) ? nftnl_expr_get_str(e, attr) : NULL;

	return v ? v : "";
}

static int got_expr(struct nftnl_expr *e, void *data)
{
	struct reading *rd = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	struct xrule *r = rd->r;
	char what[24];

	if (!name || r->verdict != V_NONE)
		return 0;
	if (got_load(rd, e, name) || got_match(rd, e, name) || neutral(name))
		return 0;
	if (!strcmp(name, "immediate")) {
		got_verdict(r, (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
			    str_or(e, NFTNL_EXPR_IMM_CHAIN));
	} else if (!strcmp(name, "reject") ||
		   (!strcmp(name, "target") && !strcmp(str_or(e, NFTNL_EXPR_TG_NAME), "REJECT"))) {
		r->verdict = V_REJECT;
	} else if (!strcmp(name, "target")) {
		/* LOG, MARK...: go on; NFQUEUE: userspace decides */
		if (!strcmp(str_or(e, NFTNL_EXPR_TG_NAME), "NFQUEUE"))
			r->verdict = V_OTHER;
	} else if (!strcmp(name, "match") && !strcmp(str_or(e, NFTNL_EXPR_MT_NAME), "comment")) {
		/* iptables' comment: matches everything */
	} else if (!strcmp(name, "lookup") && got_lookup(rd, e)) {
		/* decided by the set's elements (sets.c) */
	} else if (!strcmp(name, "lookup") && nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) &&
		   nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) == NFT_REG_VERDICT) {
		fw_x_maybe(rd->rs, r, "vmap");
		r->verdict = V_OTHER; /* a verdict map vnet cannot read */
	} else {
		/* a match or a load vnet does not model (sets, limits, fib,
		 * xt matches...) */
		if (!strcmp(name, "match"))
			snprintf(what, sizeof(what), "xt %s", str_or(e, NFTNL_EXPR_MT_NAME));
		else
			snprintf(what, sizeof(what), "%s", !strcmp(name, "lookup") ? "@set" : name);
		fw_x_maybe(rd->rs, r, what);
	}
	return 0;
}

/* vnet's own tables: inet vnet, and of the bridge family vnet
 * (anti-spoofing) and vnet_tunnel (DHCP kept off the tunnels). */
enum { OURS_INET = 1u << 0, OURS_BRIDGE = 1u << 1, OURS_TUNNEL = 1u << 2 };

static unsigned our_table(uint8_t family, const char *name)
{
	if (!name)
		return 0;
	if (family == NFPROTO_INET && !strcmp(name, FW_TABLE))
		return OURS_INET;
	if (family == NFPROTO_BRIDGE && !strcmp(name, FW_TABLE))
		return OURS_BRIDGE;
	if (family == NFPROTO_BRIDGE && !strcmp(name, FW_TUNNEL_TABLE))
		return OURS_TUNNEL;
	return 0;
}

/* One of vnet's tables with vnet's mark: passed over (another of that name
 * is foreign like any other). */
static unsigned is_ours(struct nftnl_table *t)
{
	unsigned which = our_table((uint8_t)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY),
				   nftnl_table_get_str(t, NFTNL_TABLE_NAME));

	return which && fw_table_marked(t) ? which : 0;
}

static void got_chain(struct reading *rd, struct nftnl_chain *ch)
{
	const char *table = nftnl_chain_get_str(ch, NFTNL_CHAIN_TABLE);
	const char *name = nftnl_chain_get_str(ch, NFTNL_CHAIN_NAME);
	int i;

	if (!table || !name ||
	    (i = fw_chain_of(rd->rs, (uint8_t)nftnl_chain_get_u32(ch, NFTNL_CHAIN_FAMILY), false,
			     table, name)) < 0)
		return;
	if (nftnl_chain_is_set(ch, NFTNL_CHAIN_HOOKNUM)) {
		struct xchain *c = &rd->rs->chain[i];

		c->base = true;
		c->hook = nftnl_chain_get_u32(ch, NFTNL_CHAIN_HOOKNUM);
		c->prio = nftnl_chain_get_s32(ch, NFTNL_CHAIN_PRIO);
		c->drop = nftnl_chain_is_set(ch, NFTNL_CHAIN_POLICY) &&
			  nftnl_chain_get_u32(ch, NFTNL_CHAIN_POLICY) == NF_DROP;
	}
}

static void got_rule(struct reading *rd, struct nftnl_rule *nr)
{
	const char *table = nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN);
	struct xrule *r;
	int c;

	if (!table || !chain ||
	    (c = fw_chain_of(rd->rs, (uint8_t)nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY), false,
			     table, chain)) < 0 ||
	    !(r = fw_rule_new(rd->rs, (unsigned)c)))
		return;
	r->handle = nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
	rd->r = r;
	rd->family = (uint8_t)nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY);
	rd->table = table;
	nftnl_expr_foreach(nr, got_expr, rd);
	rd->table = NULL;
	/* expressions pushed while r was the last rule: r stays valid */
}

static bool skipped(const struct reading *d, uint8_t family, const char *table)
{
	return (d->ours & our_table(family, table)) != 0;
}

/* The tables come first (the dumps are answered in order): vnet's own is
 * passed over in the chains and rules that follow. */
static int dump_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct reading *d = data;
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	(void)idx;
	if (type == NFT_MSG_NEWTABLE) {
		struct nftnl_table *t = nftnl_table_alloc();

		if (t && nftnl_table_nlmsg_parse(nlh, t) == 0)
			d->ours |= is_ours(t);
		if (t)
			nftnl_table_free(t);
	} else if (type == NFT_MSG_NEWSET) {
		struct nftnl_set *st = nftnl_set_alloc();

		if (st && nftnl_set_nlmsg_parse(nlh, st) == 0 &&
		    !skipped(d, (uint8_t)nftnl_set_get_u32(st, NFTNL_SET_FAMILY),
			     nftnl_set_get_str(st, NFTNL_SET_TABLE)))
			fw_set_got(d->rs, nlh);
		if (st)
			nftnl_set_free(st);
	} else if (type == NFT_MSG_NEWCHAIN) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		if (c && nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
		    !skipped(d, (uint8_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY),
			     nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)))
			got_chain(d, c);
		if (c)
			nftnl_chain_free(c);
	} else if (type == NFT_MSG_NEWRULE) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
		    !skipped(d, (uint8_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
			     nftnl_rule_get_str(r, NFTNL_RULE_TABLE)))
			got_rule(d, r);
		if (r)
			nftnl_rule_free(r);
	}
	return d->rs->nomem ? -ENOMEM : 0;
}

static int put_dump(struct nl_batch *b, uint16_t type, const char *what)
{
	struct nlmsghdr *nlh = nl_batch_add(b, (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | type),
					    NLM_F_DUMP, "list", "%s", what);
	struct nfgenmsg *g;

	if (!nlh)
		return -EMSGSIZE;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = NFPROTO_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return 0;
}

int fw_inspect_read(struct fw *fw, struct fw_ruleset **out, struct nl_err *e)
{
	struct reading d = {.rs = calloc(1, sizeof(*d.rs))};
	struct nl_batch *b = nl_batch_new();
	int err = d.rs && b ? 0 : -ENOMEM;

	/* sets before the rules that look them up */
	if (!err &&
	    (put_dump(b, NFT_MSG_GETTABLE, "tables") || put_dump(b, NFT_MSG_GETSET, "sets") ||
	     put_dump(b, NFT_MSG_GETCHAIN, "chains") || put_dump(b, NFT_MSG_GETRULE, "rules")))
		err = -EMSGSIZE;
	if (!err)
		err = nl_batch_send(&fw->s, b, dump_cb, &d, e);
	else
		nl_err_set(e, err, "read", "nftables ruleset");
	if (!err)
		err = fw_sets_read_elems(fw, d.rs, e);
	if (!err) {
		fw_mark_docker(d.rs);
		*out = d.rs;
	} else {
		fw_ruleset_free(d.rs);
	}
	nl_batch_free(b);
	return err;
}
