/* read — what fw_apply and fw_remove read of table inet vnet before they
 * send, so that a batch holds only what differs: whether the table is
 * there and vnet's, whether its base chains hold exactly their rules,
 * whether the network's chains hold exactly the plan's (apply), and which
 * forward elements point into the network's subnets.
 *
 * A rule in the kernel is the one vnet wants when it carries the digest
 * of the wanted rule's expressions in its user data (rule.c marks every
 * rule it builds so), which the kernel returns verbatim. Rules do not
 * compare by their expressions as the kernel lists them, because that
 * listing is not what libnftnl sends: measured on Linux 6.18 with
 * libnftnl 1.2.4, not one of the 26 rules of an isolated, a routed and a
 * nat network (base chains included) came back byte for byte, counters
 * aside. The kernel lists nests without NLA_F_NESTED, a lookup's and a
 * fib's attributes in another order, a bitwise with an operation
 * attribute nft never sends, and it may add attributes in any release: a
 * comparison of bytes would need a decoder of every expression, and would
 * call every rule changed (flush, refill, an RCU wait, and status
 * "degraded") the day a kernel lists one differently. The digest does not
 * depend on how anything is listed, and it has no counter values to mask.
 * What it does not see: a rule whose expressions were changed in place
 * while it kept vnet's user data, which nft cannot do (nft replace sends
 * new user data, and nft lists none of ours to copy); a rule vnet built
 * with another libnftnl counts as changed once, and is replaced. Checked
 * by tests/ns_firewall and ns_status: a second apply sends nothing and
 * keeps every handle and counter; a rule replaced in place, by another or
 * by nft with the same text, and a chain whose plan changed, are found and
 * replaced. Re-applying one unchanged network of ten (the read, nothing
 * sent) took 0.28 ms instead of the text comparison's 0.50 (medians, ASan
 * build). */
#include "firewall/internal.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

/* A wanted rule's digest, made on first use: most reads of a new
 * network's chains find nothing to compare. */
struct want {
	bool made;
	uint8_t d[FW_DIGEST_LEN];
};

struct reader {
	const struct fw_plan *p;
	struct fw_found *f;
	bool damaged;		  /* a base chain holds other rules than ours */
	unsigned seen[FW_NBASES]; /* rules read per base chain */
	unsigned pseen[FW_NCHAINS];
	bool pdiffers[FW_NCHAINS];
	uint8_t map; /* of the elements being read */
	int err;     /* a wanted rule that could not be built */
	/* check: requests from get_first on get the plan elements get_elem[] */
	unsigned get_first, nget, get_elem[FW_PLAN_ELEMS];
	struct want base[FW_NBASES][FW_BASE_RULES];
	struct want plan[FW_PLAN_RULES];
};

/* Whether a rule marked with have (NULL: unmarked) is r. */
static bool same(struct reader *rd, const struct fw_rule *r, struct want *w, const uint8_t *have)
{
	int err;

	if (!have)
		return false;
	if (!w->made && (err = fw_rule_digest(r, w->d)) < 0) {
		rd->err = err;
		return false;
	}
	w->made = true;
	return !memcmp(w->d, have, FW_DIGEST_LEN);
}

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	bool *ours = data;

	if (nftnl_udata_type(a) == NFTNL_UDATA_TABLE_COMMENT)
		*ours = nftnl_udata_len(a) == sizeof(FW_TABLE_COMMENT) &&
			!memcmp(nftnl_udata_get(a), FW_TABLE_COMMENT, sizeof(FW_TABLE_COMMENT));
	return 0;
}

bool fw_table_marked(const struct nftnl_table *t)
{
	uint32_t len = 0;
	const void *ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
	bool ours = false;

	if (ud)
		nftnl_udata_parse(ud, len, comment_cb, &ours);
	return ours;
}

static void got_table(struct reader *rd, const struct nftnl_table *t)
{
	rd->f->present = true;
	rd->f->ours = fw_table_marked(t);
}

/* The place in the plan of the k-th rule of its chain c; nrules past
 * the chain's end. */
static unsigned plan_rule(const struct fw_plan *p, unsigned c, unsigned k)
{
	for (unsigned i = 0; i < p->nrules; i++)
		if (p->rule[i].chain == c && k-- == 0)
			return i;
	return p->nrules;
}

/* Checks a rule against ours, in order: a base chain's or the plan's. */
static void got_rule(struct reader *rd, struct nftnl_rule *r)
{
	const char *table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	const struct fw_plan *p = rd->p;
	uint8_t mark[FW_DIGEST_LEN];
	const uint8_t *have = NULL;
	uint32_t len = 0;
	const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);

	if (!table || strcmp(table, FW_TABLE) || !chain)
		return;
	if (fw_rule_mark(ud, len, mark))
		have = mark;
	for (unsigned i = 0; i < FW_NBASES; i++) {
		unsigned k = rd->seen[i];
		struct fw_rule base;

		if (strcmp(chain, fw_bases[i].name))
			continue;
		rd->seen[i]++;
		if (k < fw_bases[i].nrules)
			fw_base_rule(i, k, &base);
		rd->damaged |= k >= fw_bases[i].nrules || !same(rd, &base, &rd->base[i][k], have);
	}
	for (unsigned c = 0; c < p->nchains; c++) {
		unsigned i;

		if (strcmp(chain, p->chain[c]))
			continue;
		i = plan_rule(p, c, rd->pseen[c]++);
		rd->pdiffers[c] |= i == p->nrules || !same(rd, &p->rule[i], &rd->plan[i], have);
	}
}

/* A forward element as read: keys and data in 32-bit registers. */
static int got_elem(struct nftnl_set_elem *se, void *data)
{
	struct reader *rd = data;
	struct fw_elem el = {.map = rd->map};
	uint32_t klen = 0, dlen = 0;
	const uint8_t *k = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &klen);
	const uint8_t *d = nftnl_set_elem_get(se, NFTNL_SET_ELEM_DATA, &dlen);

	if (!fw_elem_decode(&el, k, klen, d, dlen) || !fw_elem_owned(rd->p, &el))
		return 0;
	if (rd->f->nelems >= FW_FOUND_ELEMS)
		return -E2BIG;
	rd->f->elem[rd->f->nelems++] = el;
	return 0;
}

static int got_elems(struct reader *rd, const struct nlmsghdr *nlh, struct nftnl_set *s)
{
	const char *name;

	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0 ||
	    !(name = nftnl_set_get_str(s, NFTNL_SET_NAME)))
		return 0;
	for (unsigned m = FW_MAP_FWD_ANY; m <= FW_MAP_FWD_ADDR; m++)
		if (!strcmp(name, fw_maps[m].name)) {
			rd->map = (uint8_t)m;
			return nftnl_set_elem_foreach(s, got_elem, rd);
		}
	return 0;
}

/* The answer to the get of plan element k: its data compared with the
 * plan's (a verdict map's jump target; a set has none). */
static int got_one(struct reader *rd, const struct nlmsghdr *nlh, unsigned k)
{
	const struct fw_elem *want = &rd->p->elem[k];
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *se;
	const char *chain;

	if (!s)
		return -ENOMEM;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0 && (it = nftnl_set_elems_iter_create(s))) {
		if ((se = nftnl_set_elems_iter_next(it))) {
			chain = nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN);
			if (fw_maps[want->map].data != FW_DATA_VERDICT ||
			    (chain && !strcmp(chain, want->chain)))
				rd->f->elem_ok[k] = true;
			else
				snprintf(rd->f->elem_have[k], FW_NAMESIZ, "%s", chain ? chain : "");
		}
		nftnl_set_elems_iter_destroy(it);
	}
	nftnl_set_free(s);
	return 0;
}

static int read_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	struct nftnl_table *t = NULL;
	struct nftnl_rule *r = NULL;
	struct nftnl_set *s = NULL;
	int err = 0;

	struct reader *rd = data;

	if (rd->nget && idx >= rd->get_first && idx < rd->get_first + rd->nget)
		return type == NFT_MSG_NEWSETELEM
			       ? got_one(rd, nlh, rd->get_elem[idx - rd->get_first])
			       : 0;
	if (type == NFT_MSG_NEWTABLE && (t = nftnl_table_alloc()) &&
	    nftnl_table_nlmsg_parse(nlh, t) == 0)
		got_table(data, t);
	else if (type == NFT_MSG_NEWRULE && (r = nftnl_rule_alloc()) &&
		 nftnl_rule_nlmsg_parse(nlh, r) == 0)
		got_rule(data, r);
	else if (type == NFT_MSG_NEWSETELEM && (s = nftnl_set_alloc()))
		err = got_elems(data, nlh, s);
	else if (!t && !r && !s &&
		 (type == NFT_MSG_NEWTABLE || type == NFT_MSG_NEWRULE ||
		  type == NFT_MSG_NEWSETELEM))
		err = -ENOMEM;
	if (t)
		nftnl_table_free(t);
	if (r)
		nftnl_rule_free(r);
	if (s)
		nftnl_set_free(s);
	return err;
}

/* After the read: what is whole. A plan chain's dump failing with ENOENT
 * says the chain is absent. */
static void conclude(const struct reader *rd, const struct nl_batch *b, bool apply)
{
	struct fw_found *f = rd->f;
	unsigned first = 1 + FW_NBASES; /* the plan chains' dumps */

	f->skeleton = f->present && !rd->damaged;
	for (unsigned i = 0; i < FW_NBASES; i++)
		f->skeleton &= rd->seen[i] == fw_bases[i].nrules;
	for (unsigned c = 0; apply && c < rd->p->nchains; c++) {
		unsigned want = fw_plan_chain_rules(rd->p, c);

		if (first + c < b->n && b->req[first + c].err == -ENOENT)
			f->chain[c] = FW_CHAIN_ABSENT;
		else if (!rd->pdiffers[c] && rd->pseen[c] == want)
			f->chain[c] = FW_CHAIN_WHOLE;
		else
			f->chain[c] = FW_CHAIN_DIFFERS;
	}
}

static int send_read(struct nl_sock *s, struct nl_batch *b, struct reader *rd, bool apply,
		     bool check, struct nl_err *e)
{
	int err = fw_batch_read(b, rd->p, apply, e);

	rd->get_first = b->n;
	for (unsigned k = 0; check && !err && k < rd->p->nelems; k++) {
		if (rd->p->elem[k].map >= FW_MAP_FWD_ANY)
			continue; /* forwards: read whole above */
		rd->get_elem[rd->nget++] = k;
		err = fw_batch_get_elem(b, &rd->p->elem[k], e);
	}

	/* ENOENT: no table, or no such chain or map; the reader says which. */
	if (!err)
		err = nl_batch_send_tolerant(s, b, (const int[]){-ENOENT, 0}, read_cb, rd, e);
	if (err == -E2BIG) {
		nl_err_set(e, err, "read", "forwards of network %s", rd->p->name);
		nl_err_msg(e, "more than %d point into its subnets", FW_FOUND_ELEMS);
	}
	return err;
}

static int read_table(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p, bool apply,
		      bool check, struct fw_found *f, struct nl_err *e)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	int err = rd ? 0 : -ENOMEM;

	memset(f, 0, sizeof(*f));
	if (!rd)
		return nl_err_set(e, err, "read", "table inet %s", FW_TABLE);
	rd->p = p;
	rd->f = f;
	err = send_read(s, b, rd, apply, check, e);
	if (!err && rd->err)
		err = nl_err_set(e, rd->err, "read", "table inet %s", FW_TABLE);
	if (!err)
		conclude(rd, b, apply);
	nl_batch_reset(b);
	free(rd);
	if (err || !f->present || f->ours)
		return err;
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, "table inet " FW_TABLE,
		       "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
}

int fw_read(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p, bool apply,
	    struct fw_found *f, struct nl_err *e)
{
	return read_table(s, b, p, apply, false, f, e);
}

int fw_read_check(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p,
		  struct fw_found *f, struct nl_err *e)
{
	return read_table(s, b, p, true, true, f, e);
}
