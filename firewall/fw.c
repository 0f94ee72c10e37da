/* fw — sends plans as nftables transactions; see fw.h. */
#include "fw.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
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

/* Sends b unless it holds nothing between its markers. */
static int send_batch(struct fw *fw, struct nl_batch *b, struct nl_err *e)
{
	return b->n > 2 ? nl_batch_send(&fw->s, b, NULL, NULL, e) : 0;
}

int fw_apply(struct fw *fw, const struct fw_plan *p, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = malloc(sizeof(*f));
	int err = 0;

	if (!b || !f)
		err = nl_err_set(e, -ENOMEM, "apply", "firewall of network %s", p->name);
	if (!err)
		err = fw_read(&fw->s, b, p, true, f, e);
	if (!err)
		err = fw_batch_apply(b, p, f, e);
	if (!err && (err = send_batch(fw, b, e)))
		explain(p, e);
	fw->made_table = !err && !f->present;
	nl_batch_free(b);
	free(f);
	return err;
}

int fw_remove(struct fw *fw, const struct fw_net *n, struct nl_err *e)
{
	struct fw_plan *p = NULL;
	struct nl_batch *b = NULL;
	struct fw_found *f = NULL;
	int err = fw_plan_build_all(n, &p, e);

	if (!err && (!(b = nl_batch_new()) || !(f = malloc(sizeof(*f)))))
		err = nl_err_set(e, -ENOMEM, "remove", "firewall of network %s", n->name);
	if (!err)
		err = fw_read(&fw->s, b, p, false, f, e);
	if (!err && f->present && !(err = fw_batch_remove(b, p, f, e)))
		err = send_batch(fw, b, e);
	nl_batch_free(b);
	free(f);
	fw_plan_free(p);
	return err;
}

int fw_drop_table(struct fw *fw, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	int err;

	if (!b)
		return nl_err_set(e, -ENOMEM, "delete", "table inet %s", FW_TABLE);
	err = fw_batch_drop_table(b, e);
	if (!err)
		err = nl_batch_send(&fw->s, b, NULL, NULL, e);
	nl_batch_free(b);
	fw->made_table = false;
	return err;
}
