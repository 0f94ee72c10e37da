/* read — what fw_apply and fw_remove read of table inet vnet before they
 * send, so that a batch holds only what differs: whether the table is
 * there and vnet's, whether its base chains are as planned (type, hook,
 * priority, policy accept: a get of each by name, or on the status and
 * repair paths one dump of the table's chains, which also finds the base
 * chains that are not vnet's) and hold exactly their rules, whether the
 * network's chains hold exactly the plan's (apply), and which forward
 * elements point into the network's subnets. What each read holds:
 * internal.h, enum fw_read_mode. What a removal reads, and the references
 * that may block it: read_refs.c; what both share: read.h.
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
#include "firewall/read.h"

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
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "common/file.h"

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

/* Whether name is one of the plan's chains; its place in *c. */
bool fw_rd_plan_chain(const struct fw_plan *p, const char *name, unsigned *c)
{
	for (unsigned i = 0; name && i < p->nchains; i++)
		if (!strcmp(name, p->chain[i])) {
			if (c)
				*c = i;
			return true;
		}
	return false;
}

/* Checks a rule against ours, in order: a base chain's or the plan's. */
int fw_rd_rule(struct reader *rd, struct nftnl_rule *r)
{
	const char *table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	const struct fw_plan *p = rd->p;
	uint8_t mark[FW_DIGEST_LEN];
	const uint8_t *have = NULL;
	uint32_t len = 0;
	const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);

	if (!table || strcmp(table, FW_TABLE) || !chain)
		return 0;
	if (rd->refs)
		return fw_rd_ref_rule(rd, r, chain);
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
		rd->damaged[i] |=
			k >= fw_bases[i].nrules || !same(rd, &base, &rd->base[i][k], have);
	}
	for (unsigned c = 0; c < p->nchains; c++) {
		unsigned i;

		if (strcmp(chain, p->chain[c]))
			continue;
		i = plan_rule(p, c, rd->pseen[c]++);
		rd->pdiffers[c] |= i == p->nrules || !same(rd, &p->rule[i], &rd->plan[i], have);
	}
	return 0;
}

static const char *hook_name(uint32_t hook)
{
	static const char *const names[] = {"prerouting", "input",	 "forward",
					    "output",	  "postrouting", "ingress"};

	return hook < sizeof(names) / sizeof(names[0]) ? names[hook] : "?";
}

/* A chain of the table, got by name or dumped: a base chain of vnet's
 * compared with its plan; any other base chain (dumped only) is not
 * vnet's. */
void fw_rd_chain(struct reader *rd, const struct nftnl_chain *c)
{
	const char *table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	const char *type = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
	bool base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	uint32_t hook = base ? nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) : 0;
	int32_t prio = base && nftnl_chain_is_set(c, NFTNL_CHAIN_PRIO)
			       ? nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO)
			       : 0;
	bool accept = !nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ||
		      nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_ACCEPT;
	struct fw_found *f = rd->f;
	struct fw_foreign *x;
	char spec[64];
	unsigned pc;

	if (!table || strcmp(table, FW_TABLE) || !name || rd->mode == FW_READ_REMOVE)
		return;
	snprintf(spec, sizeof(spec), "%s hook %s priority %d", type ? type : "?", hook_name(hook),
		 (int)prio);
	for (unsigned i = 0; i < FW_NBASES; i++) {
		const struct fw_base_def *d = &fw_bases[i];

		if (strcmp(name, d->name))
			continue;
		rd->base_found[i] = true;
		if (!base || hook != d->hook || prio != d->prio || !type || strcmp(type, d->type)) {
			f->base_redo[i] = true;
			snprintf(f->base_have[i], sizeof(f->base_have[i]), "%s",
				 base ? spec : "a regular chain");
		} else if (!accept) {
			snprintf(f->base_have[i], sizeof(f->base_have[i]), "policy drop");
		} else {
			f->base_ok[i] = true;
		}
		return;
	}
	if (!base || rd->mode == FW_READ_APPLY || f->nforeign >= FW_FOREIGN)
		return;
	x = &f->foreign[f->nforeign++];
	x->handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
	nl_escape(name, x->name, sizeof(x->name));
	snprintf(x->have, sizeof(x->have), "%.40s, policy %s", spec, accept ? "accept" : "drop");
	if (fw_rd_plan_chain(rd->p, name, &pc))
		rd->pforeign[pc] = true; /* deleted: the plan's chain is made again */
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
	for (unsigned m = 0; m < FW_NMAPS; m++) {
		if (strcmp(name, fw_maps[m].name))
			continue;
		rd->map = (uint8_t)m;
		if (m >= FW_MAP_FWD_ANY)
			return nftnl_set_elem_foreach(s, got_elem, rd);
		return rd->refs ? nftnl_set_elem_foreach(s, fw_rd_ref_elem, rd) : 0;
	}
	return 0;
}

/* The answer to the get of plan element k: the element that holds its key
 * (of an interval map, the interval's start), its key and data compared
 * with the plan's (a verdict map's jump target; a set has none). */
void fw_rd_judge(struct reader *rd, unsigned k, const uint8_t *have, uint32_t hlen,
		 const char *chain, bool verdict_set, int verdict)
{
	const struct fw_elem *want = &rd->p->elem[k];
	uint8_t key[FW_ELEM_BYTES];
	size_t klen = fw_elem_key(want, true, key);
	bool same_key = have && hlen == klen && !memcmp(have, key, klen);

	if (fw_maps[want->map].data != FW_DATA_VERDICT)
		rd->f->elem_ok[k] = same_key;
	else if (same_key && chain && !strcmp(chain, want->chain))
		rd->f->elem_ok[k] = true;
	else
		snprintf(rd->f->elem_have[k], FW_NAMESIZ, "%s", chain ? chain : "");
	if (fw_maps[want->map].data == FW_DATA_VERDICT && same_key && !chain && verdict_set) {
		rd->f->elem_stray[k] = true;
		rd->f->elem_verdict[k] = verdict;
	}
}

static int got_one(struct reader *rd, const struct nlmsghdr *nlh, unsigned k)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *se;

	if (!s)
		return -ENOMEM;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0 && (it = nftnl_set_elems_iter_create(s))) {
		while ((se = nftnl_set_elems_iter_next(it))) {
			uint32_t hlen = 0;
			const uint8_t *have = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &hlen);
			bool v = nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_VERDICT);

			if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_FLAGS) &&
			    (nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_FLAGS) &
			     NFT_SET_ELEM_INTERVAL_END))
				continue;
			fw_rd_judge(
				rd, k, have, hlen,
				nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_CHAIN)
					? nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN)
					: NULL,
				v, v ? (int)nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_VERDICT) : 0);
			break;
		}
		nftnl_set_elems_iter_destroy(it);
	}
	nftnl_set_free(s);
	return 0;
}

/* NFT_MSG_NEWGEN: the generation the rest of the read belongs to (or a
 * later one, which only makes the write refused and read again). */
static int got_gen(struct reader *rd, const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh,
			  sizeof(struct nfgenmsg)) if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
						       mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		rd->f->genid = ntohl(mnl_attr_get_u32(a));
	return 0;
}

static int read_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	struct nftnl_table *t = NULL;
	struct nftnl_chain *c = NULL;
	struct nftnl_rule *r = NULL;
	struct nftnl_set *s = NULL;
	struct reader *rd = data;
	int err = 0;

	if (type == NFT_MSG_NEWGEN)
		return got_gen(rd, nlh);
	if (rd->nget && idx >= rd->get_first && idx < rd->get_first + rd->nget)
		return type == NFT_MSG_NEWSETELEM
			       ? got_one(rd, nlh, rd->get_elem[idx - rd->get_first])
			       : 0;
	if (type == NFT_MSG_NEWTABLE && (t = nftnl_table_alloc()) &&
	    nftnl_table_nlmsg_parse(nlh, t) == 0)
		got_table(rd, t);
	else if (type == NFT_MSG_NEWCHAIN && (c = nftnl_chain_alloc()) &&
		 nftnl_chain_nlmsg_parse(nlh, c) == 0)
		fw_rd_chain(rd, c);
	else if (type == NFT_MSG_NEWRULE && (r = nftnl_rule_alloc()) &&
		 nftnl_rule_nlmsg_parse(nlh, r) == 0)
		err = fw_rd_rule(rd, r);
	else if (type == NFT_MSG_NEWSETELEM && (s = nftnl_set_alloc()))
		err = got_elems(rd, nlh, s);
	else if (!t && !c && !r && !s &&
		 (type == NFT_MSG_NEWTABLE || type == NFT_MSG_NEWCHAIN || type == NFT_MSG_NEWRULE ||
		  type == NFT_MSG_NEWSETELEM))
		err = -ENOMEM;
	if (t)
		nftnl_table_free(t);
	if (c)
		nftnl_chain_free(c);
	if (r)
		nftnl_rule_free(r);
	if (s)
		nftnl_set_free(s);
	return err;
}

/* After an apply's, a repair's or a check's read: what is whole. A plan
 * chain's dump failing with ENOENT says the chain is absent. */
void fw_rd_conclude_apply(const struct reader *rd, const struct nl_batch *b)
{
	struct fw_found *f = rd->f;
	bool bases = true;

	/* the rules of a base chain that is not there say nothing more */
	f->base_rules = f->present;
	for (unsigned i = 0; i < FW_NBASES; i++) {
		if (!rd->base_found[i])
			snprintf(f->base_have[i], sizeof(f->base_have[i]), "absent");
		else
			f->base_rules &= !rd->damaged[i] && rd->seen[i] == fw_bases[i].nrules;
		bases &= f->base_ok[i];
	}
	f->skeleton = f->present && f->base_rules && bases;
	for (unsigned c = 0; c < rd->p->nchains; c++) {
		unsigned want = fw_plan_chain_rules(rd->p, c), i = rd->chains_first + c;

		if ((b && i < b->n && b->req[i].err == -ENOENT) || rd->pabsent[c] ||
		    rd->pforeign[c])
			f->chain[c] = FW_CHAIN_ABSENT;
		else if (!rd->pdiffers[c] && rd->pseen[c] == want)
			f->chain[c] = FW_CHAIN_WHOLE;
		else
			f->chain[c] = FW_CHAIN_DIFFERS;
	}
}

/* Whether plan q holds a forward of el's map and key before its k-th
 * element. */
static bool has_key(const struct fw_plan *q, unsigned k, const struct fw_elem *el)
{
	for (unsigned i = 0; i < k && i < q->nelems; i++)
		if (q->elem[i].map == el->map && fw_elem_same_key(&q->elem[i], el))
			return true;
	return false;
}

/* Whether plan q holds forward el, key and data. */
static bool has_same(const struct fw_plan *q, const struct fw_elem *el)
{
	for (unsigned i = 0; i < q->nelems; i++)
		if (q->elem[i].map == el->map && fw_elem_equal(&q->elem[i], el))
			return true;
	return false;
}

/* The forwards that change between was (what ran before) and the plan,
 * each key once, by key (a get each, ENOENT when absent): what a forward's
 * add or delete reads of the forward maps, whatever other networks and
 * this network's other forwards hold. A forward the same in both is taken
 * as there, neither read nor sent. The answers go where a dump's would
 * (got_elems). */
static int get_forwards(struct nl_batch *b, struct reader *rd, struct nl_err *e)
{
	const struct fw_plan *q[2] = {rd->p, rd->was};
	int err = 0;

	for (unsigned j = 0; j < 2 && !err; j++)
		for (unsigned k = 0; k < q[j]->nelems && !err; k++) {
			const struct fw_elem *el = &q[j]->elem[k];

			if (el->map < FW_MAP_FWD_ANY || has_key(q[j], k, el) ||
			    (j == 1 && has_key(rd->p, rd->p->nelems, el)))
				continue;
			if (j == 0 && has_same(rd->was, el) && rd->f->nelems < FW_FOUND_ELEMS)
				rd->f->elem[rd->f->nelems++] = *el; /* unchanged */
			else
				err = fw_batch_get_elem(b, el, e);
		}
	return err;
}

/* The requests of a read, in one batch. */
static int build_read(struct nl_batch *b, struct reader *rd, struct nl_err *e)
{
	const struct fw_plan *p = rd->p;
	bool remove = rd->mode == FW_READ_REMOVE;
	/* first: what the write's begin then names (fw_batch_apply) */
	int err = fw_batch_get_gen(b, e);

	if (!err)
		err = fw_batch_get_table(b, e);
	for (unsigned i = 0; i < FW_NBASES && !remove && !err; i++)
		err = fw_batch_dump_rules(b, fw_bases[i].name, e);
	rd->chains_first = b->n;
	for (unsigned c = 0; c < p->nchains && !err; c++)
		err = remove ? fw_batch_get_chain(b, p->chain[c], e)
			     : fw_batch_dump_rules(b, p->chain[c], e);
	/* Only a nat network has forwards; removing any network deletes
	 * those that point into its subnets, whatever its model was. */
	if (rd->was)
		err = get_forwards(b, rd, e);
	for (unsigned m = FW_MAP_FWD_ANY;
	     !rd->was && (remove || p->model == FW_NAT) && m <= FW_MAP_FWD6_ADDR && !err; m++)
		err = fw_batch_dump_elems(b, m, e);
	if (!err && (rd->mode == FW_READ_REPAIR || rd->mode == FW_READ_CHECK))
		err = fw_batch_dump_chains(b, e);
	for (unsigned i = 0; i < FW_NBASES && rd->mode == FW_READ_APPLY && !err; i++)
		err = fw_batch_get_chain(b, fw_bases[i].name, e);
	rd->get_first = b->n;
	/* each dispatch element by its key: in every mode (an apply replaces
	 * one of the network's keys that holds another verdict) */
	for (unsigned k = 0; !err && k < p->nelems; k++) {
		if (p->elem[k].map >= FW_MAP_FWD_ANY)
			continue; /* forwards: read whole above */
		rd->get_elem[rd->nget++] = k;
		err = fw_batch_get_elem(b, &p->elem[k], e);
	}
	return err;
}

/* Sends b; ENOENT: no table, or no such chain, map or element: the
 * reader says which. */
int fw_rd_send(struct nl_sock *s, struct nl_batch *b, struct reader *rd, struct nl_err *e)
{
	int err = nl_batch_send_tolerant(s, b, (const int[]){-ENOENT, 0}, read_cb, rd, e);

	if (!err && rd->err)
		err = nl_err_set(e, rd->err, "read", "table inet %s", FW_TABLE);
	if (err == -E2BIG) {
		nl_err_set(e, err, "read", "table inet %s for network %s", FW_TABLE, rd->p->name);
		nl_err_msg(e,
			   "more forwards (%d), elements (%d) or rules (%d) point to it than "
			   "vnet reads",
			   FW_FOUND_ELEMS, FW_RAW_ELEMS, FW_REF_RULES);
	}
	return err;
}

int fw_read(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p,
	    const struct fw_plan *was, enum fw_read_mode mode, struct fw_found *f, struct nl_err *e)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	int err;

	memset(f, 0, sizeof(*f));
	if (!rd)
		return nl_err_set(e, -ENOMEM, "read", "table inet %s", FW_TABLE);
	rd->p = p;
	rd->was = mode == FW_READ_APPLY ? was : NULL;
	rd->f = f;
	rd->mode = mode;
	err = build_read(b, rd, e);
	if (!err)
		err = fw_rd_send(s, b, rd, e);
	if (!err && mode == FW_READ_REMOVE)
		fw_rd_conclude_remove(rd, b);
	else if (!err)
		fw_rd_conclude_apply(rd, b);
	nl_batch_reset(b);
	free(rd);
	if (err || !f->present || f->ours)
		return err;
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, "table inet " FW_TABLE,
		       "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
}
