/* read — what fw_apply and fw_remove read of table inet vnet before they
 * send, so that a batch holds only what differs: whether the table is
 * there and vnet's, whether its base chains hold exactly their rules,
 * whether the network's chains hold exactly the plan's (apply), and which
 * forward elements point into the network's subnets. Rules compare by
 * their expressions as libnftnl prints them, counters zeroed. */
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

#define TEXT 1024 /* a rule's expressions as text */

struct reader {
	const struct fw_plan *p;
	struct fw_found *f;
	bool damaged;		  /* a base chain holds other rules than ours */
	unsigned seen[FW_NBASES]; /* rules read per base chain */
	unsigned pseen[FW_NCHAINS];
	bool pdiffers[FW_NCHAINS];
	uint8_t map; /* of the elements being read */
	bool nomem;
	/* check: requests from get_first on get the plan elements get_elem[] */
	unsigned get_first, nget, get_elem[FW_PLAN_ELEMS];
	char want[FW_NBASES][FW_BASE_RULES][TEXT];
	char pwant[FW_PLAN_RULES][TEXT];
};

/* A rule's expressions as libnftnl prints them, without its header line
 * (table, chain, handle) and with counters at zero, so a built and a
 * dumped rule compare. */
static void exprs_text(struct nftnl_rule *r, char *buf, size_t n)
{
	static const char head[] = "[ counter pkts ", zero[] = "[ counter pkts 0 bytes 0";
	char *x, *end;

	nftnl_rule_snprintf(buf, n, r, NFTNL_OUTPUT_DEFAULT, 0);
	x = strstr(buf, "  [");
	memmove(buf, x ? x : buf + strlen(buf), strlen(x ? x : "") + 1);
	for (x = buf; (x = strstr(x, head)) && (end = strstr(x, " ]")); x += sizeof(zero) - 1) {
		memmove(x + sizeof(zero) - 1, end, strlen(end) + 1);
		memcpy(x, zero, sizeof(zero) - 1);
	}
}

static int rule_text(const struct fw_rule *ru, char *buf)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = r ? 0 : -ENOMEM;

	for (unsigned i = 0; i < ru->nterms && !err; i++)
		err = fw_term_build(r, &ru->term[i]);
	if (!err)
		exprs_text(r, buf, TEXT);
	if (r)
		nftnl_rule_free(r);
	return err;
}

/* The text of a rule we want, made on first use in slot (most reads of a
 * new network's chains find nothing to compare); NULL when out of memory. */
static const char *wanted(struct reader *rd, const struct fw_rule *r, char *slot)
{
	if (!slot[0] && rule_text(r, slot) < 0) {
		rd->nomem = true;
		return NULL;
	}
	return slot;
}

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	bool *ours = data;

	if (nftnl_udata_type(a) == NFTNL_UDATA_TABLE_COMMENT)
		*ours = nftnl_udata_len(a) == sizeof(FW_TABLE_COMMENT) &&
			!memcmp(nftnl_udata_get(a), FW_TABLE_COMMENT, sizeof(FW_TABLE_COMMENT));
	return 0;
}

static void got_table(struct reader *rd, struct nftnl_table *t)
{
	const void *ud;
	uint32_t len = 0;

	rd->f->present = true;
	if ((ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len)))
		nftnl_udata_parse(ud, len, comment_cb, &rd->f->ours);
}

/* The text of the k-th rule of the plan's chain c, or NULL past its end. */
static const char *plan_rule(struct reader *rd, unsigned c, unsigned k)
{
	for (unsigned i = 0; i < rd->p->nrules; i++)
		if (rd->p->rule[i].chain == c && k-- == 0)
			return wanted(rd, &rd->p->rule[i], rd->pwant[i]);
	return NULL;
}

/* Checks a rule against ours, in order: a base chain's or the plan's. */
static void got_rule(struct reader *rd, struct nftnl_rule *r)
{
	const char *table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), *want;
	char text[TEXT];

	if (!table || strcmp(table, FW_TABLE) || !chain)
		return;
	exprs_text(r, text, sizeof(text));
	for (unsigned i = 0; i < FW_NBASES; i++) {
		unsigned k = rd->seen[i];
		struct fw_rule base;

		if (strcmp(chain, fw_bases[i].name))
			continue;
		rd->seen[i]++;
		if (k < fw_bases[i].nrules)
			fw_base_rule(i, k, &base);
		rd->damaged |= k >= fw_bases[i].nrules ||
			       !(want = wanted(rd, &base, rd->want[i][k])) || strcmp(text, want);
	}
	for (unsigned c = 0; c < rd->p->nchains; c++) {
		if (strcmp(chain, rd->p->chain[c]))
			continue;
		want = plan_rule(rd, c, rd->pseen[c]++);
		rd->pdiffers[c] |= !want || strcmp(text, want);
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
		return type == NFT_MSG_NEWSETELEM ? got_one(rd, nlh, rd->get_elem[idx - rd->get_first])
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

	if (!err)
		err = nl_batch_send(s, b, read_cb, rd, e);
	/* ENOENT: no table, or no such chain or map; the reader says which. */
	for (unsigned i = 0; err == -ENOENT && i < b->n; i++)
		if (b->req[i].err && b->req[i].err != -ENOENT)
			err = nl_err_set(e, b->req[i].err, b->req[i].op, "%s", b->req[i].obj);
	if (err == -ENOENT) {
		nl_err_clear(e);
		err = 0;
	}
	if (err == -E2BIG) {
		nl_err_set(e, err, "read", "forwards of network %s", rd->p->name);
		nl_err_msg(e, "more than %d point into its subnets", FW_FOUND_ELEMS);
	}
	return err;
}

static int read_table(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p,
		      bool apply, bool check, struct fw_found *f, struct nl_err *e)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	int err = rd ? 0 : -ENOMEM;

	memset(f, 0, sizeof(*f));
	if (!rd)
		return nl_err_set(e, err, "read", "table inet %s", FW_TABLE);
	rd->p = p;
	rd->f = f;
	err = send_read(s, b, rd, apply, check, e);
	if (!err && rd->nomem)
		err = nl_err_set(e, -ENOMEM, "read", "table inet %s", FW_TABLE);
	if (!err)
		conclude(rd, b, apply);
	nl_batch_reset(b);
	free(rd);
	if (err || !f->present || f->ours)
		return err;
	nl_err_set(e, -EEXIST, "use", "table inet %s", FW_TABLE);
	nl_err_msg(e, "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
	return nl_err_kind(e, NL_ERR_CONFLICT);
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
