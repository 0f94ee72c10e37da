/* fw — sends plans as nftables transactions; see fw.h. */
#include "fw.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "internal.h"

int fw_open(struct fw *fw, struct nl_err *e)
{
	/* The kernel answers a whole batch before we read a byte: room for
	 * an acknowledgement per message (best effort). */
	int size = NL_BATCH_MAX * 1024;
	int err = nl_sock_open(&fw->s, NETLINK_NETFILTER, e);

	if (!err)
		setsockopt(mnl_socket_get_fd(fw->s.mnl), SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	return err;
}

void fw_close(struct fw *fw)
{
	nl_sock_close(&fw->s);
}

/* What the read before a batch found. */
struct state {
	bool present; /* table inet vnet exists */
	bool ours;    /* with vnet's comment */
	bool damaged; /* a base chain holds other rules than ours */
	unsigned seen[FW_NBASES];
	char want[FW_NBASES][FW_BASE_RULES][400]; /* our base rules' expressions */
};

/* A rule's expressions as libnftnl prints them, without its header line
 * (table, chain, handle), so a built and a dumped rule compare. */
static void exprs_text(struct nftnl_rule *r, char *buf, size_t n)
{
	char *x;

	nftnl_rule_snprintf(buf, n, r, NFTNL_OUTPUT_DEFAULT, 0);
	x = strstr(buf, "  [");
	memmove(buf, x ? x : buf + strlen(buf), strlen(x ? x : "") + 1);
}

static int want_base_rules(struct state *st)
{
	for (unsigned i = 0; i < FW_NBASES; i++)
		for (unsigned k = 0; k < fw_bases[i].nrules; k++) {
			struct nftnl_rule *r = nftnl_rule_alloc();
			int err = r ? fw_term_build(r, &fw_bases[i].rule[k]) : -ENOMEM;

			if (!err)
				exprs_text(r, st->want[i][k], sizeof(st->want[i][k]));
			if (r)
				nftnl_rule_free(r);
			if (err)
				return err;
		}
	return 0;
}

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	bool *ours = data;

	if (nftnl_udata_type(a) == NFTNL_UDATA_TABLE_COMMENT)
		*ours = nftnl_udata_len(a) == sizeof(FW_TABLE_COMMENT) &&
			!memcmp(nftnl_udata_get(a), FW_TABLE_COMMENT, sizeof(FW_TABLE_COMMENT));
	return 0;
}

static void got_table(const struct nlmsghdr *nlh, struct state *st, struct nftnl_table *t)
{
	const void *ud;
	uint32_t len = 0;

	if (nftnl_table_nlmsg_parse(nlh, t) < 0)
		return;
	st->present = true;
	if ((ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len)))
		nftnl_udata_parse(ud, len, comment_cb, &st->ours);
}

/* Checks a base chain's rule against ours, in order. */
static void got_rule(const struct nlmsghdr *nlh, struct state *st, struct nftnl_rule *r)
{
	const char *table, *chain;
	char text[sizeof(st->want[0][0])];

	if (nftnl_rule_nlmsg_parse(nlh, r) < 0 ||
	    !(table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) || strcmp(table, FW_TABLE) ||
	    !(chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)))
		return;
	for (unsigned i = 0; i < FW_NBASES; i++) {
		unsigned k = st->seen[i];

		if (strcmp(chain, fw_bases[i].name))
			continue;
		exprs_text(r, text, sizeof(text));
		st->damaged |= k >= fw_bases[i].nrules || strcmp(text, st->want[i][k]);
		st->seen[i]++;
	}
}

static int read_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct nftnl_table *t = NULL;
	struct nftnl_rule *r = NULL;
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	(void)idx;
	if (type == NFT_MSG_NEWTABLE && (t = nftnl_table_alloc()))
		got_table(nlh, data, t);
	else if (type == NFT_MSG_NEWRULE && (r = nftnl_rule_alloc()))
		got_rule(nlh, data, r);
	else if (type == NFT_MSG_NEWTABLE || type == NFT_MSG_NEWRULE)
		return -ENOMEM;
	if (t)
		nftnl_table_free(t);
	if (r)
		nftnl_rule_free(r);
	return 0;
}

/* Reads whether table inet vnet exists and whether its skeleton is whole;
 * -EEXIST when the table is not ours. */
static int read_state(struct fw *fw, struct nl_batch *b, struct state *st, struct nl_err *e)
{
	int err;

	memset(st, 0, sizeof(*st));
	if ((err = want_base_rules(st)))
		return nl_err_set(e, err, "build", "table inet %s", FW_TABLE);
	if (!(err = fw_batch_read(b, e)))
		err = nl_batch_send(&fw->s, b, read_cb, st, e);
	/* ENOENT: no table, or no such base chain; st says which. */
	for (unsigned i = 0; err == -ENOENT && i < b->n; i++)
		if (b->req[i].err && b->req[i].err != -ENOENT)
			err = nl_err_set(e, b->req[i].err, b->req[i].op, "%s", b->req[i].obj);
	nl_batch_reset(b);
	if (err == -ENOENT) {
		nl_err_clear(e);
		err = 0;
	}
	if (err || !st->present || st->ours)
		return err;
	nl_err_set(e, -EEXIST, "use", "table inet %s", FW_TABLE);
	nl_err_msg(e, "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
	return nl_err_kind(e, NL_ERR_CONFLICT);
}

static bool skeleton_whole(const struct state *st)
{
	bool whole = st->present && !st->damaged;

	for (unsigned i = 0; i < FW_NBASES; i++)
		whole &= st->seen[i] == fw_bases[i].nrules;
	return whole;
}

/* A refused rule is named by its place in the batch's label; add its
 * text, for which the label had no room. */
static void explain(const struct fw_plan *p, struct nl_err *e)
{
	char label[64], text[256];

	for (unsigned i = 0; e && i < p->nrules; i++) {
		const struct fw_rule *r = &p->rule[i];

		snprintf(label, sizeof(label), "rule %u of chain %s", r->pos, r->chain);
		if (strcmp(label, e->obj))
			continue;
		fw_rule_str(r, text, sizeof(text));
		if (snprintf(e->obj, sizeof(e->obj), "%s (%s)", label, text) >= (int)sizeof(e->obj))
			memcpy(e->obj + sizeof(e->obj) - 5, "...)", 5);
		return;
	}
}

int fw_apply(struct fw *fw, const struct fw_plan *p, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct state *st = malloc(sizeof(*st));
	int err = 0;

	if (!b || !st)
		err = nl_err_set(e, -ENOMEM, "apply", "firewall of network %s", p->name);
	if (!err)
		err = read_state(fw, b, st, e);
	if (!err)
		err = fw_batch_apply(b, p, !skeleton_whole(st), e);
	if (!err && (err = nl_batch_send(&fw->s, b, NULL, NULL, e)))
		explain(p, e);
	nl_batch_free(b);
	free(st);
	return err;
}

int fw_remove(struct fw *fw, const struct fw_net *n, struct nl_err *e)
{
	struct fw_plan *p = NULL;
	struct nl_batch *b = NULL;
	struct state *st = NULL;
	int err = fw_plan_build_all(n, &p, e);

	if (!err && (!(b = nl_batch_new()) || !(st = malloc(sizeof(*st)))))
		err = nl_err_set(e, -ENOMEM, "remove", "firewall of network %s", n->name);
	if (!err)
		err = read_state(fw, b, st, e);
	if (!err && st->present && !(err = fw_batch_remove(b, p, e)))
		err = nl_batch_send(&fw->s, b, NULL, NULL, e);
	nl_batch_free(b);
	free(st);
	fw_plan_free(p);
	return err;
}
