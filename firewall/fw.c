/* fw — sends plans as nftables transactions; see fw.h. */
#include "fw.h"

#include <errno.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

struct owner {
	bool present;
	bool ours;
};

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	bool *ours = data;

	if (nftnl_udata_type(a) == NFTNL_UDATA_TABLE_COMMENT)
		*ours = nftnl_udata_len(a) == sizeof(FW_TABLE_COMMENT) &&
			!memcmp(nftnl_udata_get(a), FW_TABLE_COMMENT, sizeof(FW_TABLE_COMMENT));
	return 0;
}

static int table_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct owner *o = data;
	const void *ud;
	uint32_t len = 0;

	(void)idx;
	if (!t)
		return -ENOMEM;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
		o->present = true;
		ud = nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len);
		if (ud)
			nftnl_udata_parse(ud, len, comment_cb, &o->ours);
	}
	nftnl_table_free(t);
	return 0;
}

/* Whether table inet vnet exists; -EEXIST when it is not ours. */
static int read_owner(struct fw *fw, struct nl_batch *b, bool *present, struct nl_err *e)
{
	struct owner o = {false, false};
	int err = fw_batch_get_table(b, e);

	if (!err)
		err = nl_batch_send(&fw->s, b, table_cb, &o, e);
	nl_batch_reset(b);
	*present = o.present;
	if (err == -ENOENT) {
		nl_err_clear(e);
		return 0;
	}
	if (err || !o.present || o.ours)
		return err;
	nl_err_set(e, -EEXIST, "use", "table inet %s", FW_TABLE);
	nl_err_msg(e, "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
	return nl_err_kind(e, NL_ERR_CONFLICT);
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
	bool present;
	int err;

	if (!b)
		return nl_err_set(e, -ENOMEM, "apply", "firewall of network %s", p->name);
	err = read_owner(fw, b, &present, e);
	if (!err)
		err = fw_batch_apply(b, p, e);
	if (!err && (err = nl_batch_send(&fw->s, b, NULL, NULL, e)))
		explain(p, e);
	nl_batch_free(b);
	return err;
}

int fw_remove(struct fw *fw, const struct fw_net *n, struct nl_err *e)
{
	struct fw_plan *p = NULL;
	struct nl_batch *b = NULL;
	bool present = false;
	int err = fw_plan_build_all(n, &p, e);

	if (!err && !(b = nl_batch_new()))
		err = nl_err_set(e, -ENOMEM, "remove", "firewall of network %s", n->name);
	if (!err)
		err = read_owner(fw, b, &present, e);
	if (!err && present && !(err = fw_batch_remove(b, p, e)))
		err = nl_batch_send(&fw->s, b, NULL, NULL, e);
	nl_batch_free(b);
	fw_plan_free(p);
	return err;
}
