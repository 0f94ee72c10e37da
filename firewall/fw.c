/* fw — sends plans as nftables transactions; see fw.h. */
#include "firewall/fw.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <sys/socket.h>

#include "firewall/internal.h"

int fw_open(struct fw *fw, struct nl_err *e)
{
	/* The kernel answers a whole batch before we read a byte: room for
	 * an acknowledgement per message (best effort). */
	int size = NL_BATCH_MAX * 1024;
	int err;

	*fw = (struct fw){0};
	err = nl_sock_open(&fw->s, NETLINK_NETFILTER, e);

	if (!err)
		setsockopt(mnl_socket_get_fd(fw->s.mnl), SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	return err;
}

void fw_close(struct fw *fw)
{
	nl_sock_close(&fw->s);
}

/* A verdict as nft prints it. */
static void verdict_str(int v, char *buf, size_t n)
{
	static const struct {
		int v;
		const char *s;
	} words[] = {{NF_ACCEPT, "accept"},  {NF_DROP, "drop"},	   {NFT_CONTINUE, "continue"},
		     {NFT_RETURN, "return"}, {NFT_BREAK, "break"}, {NF_QUEUE, "queue"}};

	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].v == v) {
			snprintf(buf, n, "%s", words[i].s);
			return;
		}
	snprintf(buf, n, "verdict %d", v);
}

/* A refused plan rule: the failed request's tag says which, and its text
 * goes into e's object after the label, which had no room for it. */
static void explain(const struct fw_plan *p, const struct nl_batch *b, struct nl_err *e)
{
	const struct fw_rule *r;
	char text[256];
	int i;

	if (!e || !e->request || e->request > b->n)
		return;
	i = b->req[e->request - 1].tag - FW_TAG_RULE(0); /* the plan rule's place, if one */
	if (i < 0 || (unsigned)i >= p->nrules)
		return;
	r = &p->rule[i];
	fw_rule_str(r, text, sizeof(text));
	if (snprintf(e->obj, sizeof(e->obj), "rule %u of chain %s (%s)", r->pos, p->chain[r->chain],
		     text) >= (int)sizeof(e->obj))
		memcpy(e->obj + sizeof(e->obj) - 5, "...)", 5);
}

/* Sends b unless it holds nothing between its markers. */
static int send_batch(struct fw *fw, struct nl_batch *b, struct nl_err *e)
{
	return b->n > 2 ? nl_batch_send(&fw->s, b, NULL, NULL, e) : 0;
}

/* Test builds: another's change between the read and the write. */
static void race(struct fw *fw)
{
	struct nl_batch *b;

	if (!fw->race || !fw->race_times || !(b = nl_batch_new()))
		return;
	fw->race_times--;
	if (fw_batch_race(b, fw->race, NULL) == 0)
		nl_batch_send(&fw->s, b, NULL, NULL, NULL);
	nl_batch_free(b);
}

/* Whether a write refused for a change since its read (ERESTART) is tried
 * again: e cleared then, and b emptied; after the last try, e says why. */
static bool again(int err, unsigned try, struct nl_batch *b, const char *op, const char *name,
		  struct nl_err *e)
{
	if (err != -ERESTART)
		return false;
	nl_batch_reset(b);
	if (try + 1 < FW_TRIES) {
		nl_err_clear(e);
		return true;
	}
	nl_err_set(e, -EAGAIN, op, "firewall of network %s", name);
	nl_err_msg(e, "the ruleset changed between each of %d reads and its write: try again",
		   FW_TRIES);
	return false;
}

static int apply(struct fw *fw, const struct fw_plan *p, const struct fw_plan *was,
		 enum fw_read_mode mode, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = malloc(sizeof(*f));
	int err = 0;

	if (!b || !f)
		err = nl_err_set(e, -ENOMEM, "apply", "firewall of network %s", p->name);
	for (unsigned try = 0; !err; try++) {
		if ((err = fw_read(&fw->s, b, p, was, mode, f, e)))
			break;
		race(fw);
		if ((err = fw_batch_apply(b, p, f, e)) || !(err = send_batch(fw, b, e)))
			break;
		if (again(err, try, b, "apply", p->name, e))
			err = 0;
		else if (err != -ERESTART)
			explain(p, b, e);
	}
	if (err == -ERESTART)
		err = -EAGAIN;
	fw->made_table = !err && !f->present;
	nl_batch_free(b);
	free(f);
	return err;
}

int fw_apply(struct fw *fw, const struct fw_plan *p, struct nl_err *e)
{
	return apply(fw, p, NULL, FW_READ_APPLY, e);
}

int fw_apply_forwards(struct fw *fw, const struct fw_plan *p, const struct fw_plan *was,
		      struct nl_err *e)
{
	return apply(fw, p, was, FW_READ_APPLY, e);
}

int fw_repair(struct fw *fw, const struct fw_plan *p, struct nl_err *e)
{
	return apply(fw, p, NULL, FW_READ_REPAIR, e);
}

int fw_restore(struct fw *fw, struct fw_plan *const *plans, unsigned n, unsigned *done,
	       unsigned *sent, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = malloc(sizeof(*f));
	unsigned in = 0; /* plans in the batch being built */
	int err = 0;

	*done = *sent = 0;
	if (!b || !f)
		err = nl_err_set(e, -ENOMEM, "restore", "firewall of %u networks", n);
	/* a read as a create's: is the table there, at which generation */
	if (!err && n && !(err = fw_read(&fw->s, b, plans[0], NULL, FW_READ_APPLY, f, e)) &&
	    f->present)
		err = -EEXIST;
	if (!err && n) {
		nl_batch_reset(b);
		race(fw);
		err = fw_batch_restore_begin(b, f->genid, true, e);
	}
	for (unsigned i = 0; !err && i < n;) {
		err = fw_batch_restore_plan(b, plans[i], e);
		if (!err) {
			in++;
			if (++i < n)
				continue;
		} else if (err == -EMSGSIZE && in) {
			nl_err_clear(e); /* full: send what it holds, then plan i again */
			err = 0;
		} else {
			break; /* one plan alone too large, or another error */
		}
		if ((err = fw_batch_restore_end(b, e)) ||
		    (err = nl_batch_send(&fw->s, b, NULL, NULL, e)))
			break;
		*done += in;
		(*sent)++;
		in = 0;
		nl_batch_reset(b);
		if (i < n)
			err = fw_batch_restore_begin(b, 0, false, e);
	}
	if (err == -ERESTART)
		err = nl_err_set(e, -EAGAIN, "restore",
				 "table inet vnet: changed since it was read");
	nl_batch_free(b);
	free(f);
	return err;
}

/* One try of a removal: read, write; when the kernel refuses because a
 * chain is still referenced (by an element of another key, a rule
 * elsewhere), or what was read went meanwhile, the references are read
 * whole and removed with the rest. */
static int remove_once(struct fw *fw, const struct fw_plan *p, struct nl_batch *b,
		       struct fw_found *f, struct nl_err *e)
{
	int err = fw_read(&fw->s, b, p, NULL, FW_READ_REMOVE, f, e);

	race(fw);
	if (!err && f->present && f->unsure)
		err = fw_read_refs(&fw->s, b, p, f, e);
	if (!err && f->present && !(err = fw_batch_remove(b, p, f, e)))
		err = send_batch(fw, b, e);
	if ((err == -EBUSY || err == -ENOENT) && f->present) {
		nl_batch_reset(b);
		nl_err_clear(e);
		if (!(err = fw_read_refs(&fw->s, b, p, f, e)) &&
		    !(err = fw_batch_remove(b, p, f, e)))
			err = send_batch(fw, b, e);
	}
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
	for (unsigned try = 0; !err; try++)
		if ((err = remove_once(fw, p, b, f, e)) && again(err, try, b, "remove", n->name, e))
			err = 0;
		else
			break;
	if (err == -ERESTART)
		err = -EAGAIN;
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

__attribute__((format(printf, 4, 5))) static void problem(struct fw_health *h, const char *want,
							  const char *have, const char *objfmt, ...)
{
	struct fw_problem *x;
	va_list ap;

	if (h->n >= FW_PROBLEMS)
		return;
	x = &h->problem[h->n++];
	va_start(ap, objfmt);
	vsnprintf(x->object, sizeof(x->object), objfmt, ap);
	va_end(ap);
	snprintf(x->want, sizeof(x->want), "%s", want);
	snprintf(x->have, sizeof(x->have), "%s", have);
}

/* The data part of an element as nft prints it ("10.0.0.5 . 80"). */
static const char *data_of(const struct fw_elem *el, char *buf, size_t n)
{
	const char *sep;

	fw_elem_str(el, buf, n);
	sep = strstr(buf, " : ");
	return sep ? sep + 3 : buf;
}

/* A forward of the plan, among those the read found in the maps. */
static void check_forward(const struct fw_found *f, const struct fw_elem *want, struct fw_health *h)
{
	char key[64], data[96], found[96];
	const char *have = "absent";

	for (unsigned i = 0; i < f->nelems; i++) {
		if (!fw_elem_same_key(&f->elem[i], want))
			continue;
		if (fw_elem_equal(&f->elem[i], want))
			return;
		have = data_of(&f->elem[i], found, sizeof(found));
		break;
	}
	fw_elem_key_str(want, key, sizeof(key));
	problem(h, data_of(want, data, sizeof(data)), have, "map %s element %s",
		fw_maps[want->map].name, key);
}

static void conclude(const struct fw_plan *p, const struct fw_found *f, struct fw_health *h)
{
	char key[64], want[FW_NAMESIZ + 8], have[FW_NAMESIZ + 8], n[16];

	if (!f->present) {
		problem(h, "present", "absent", "table inet %s", FW_TABLE);
		return;
	}
	for (unsigned i = 0; i < FW_NBASES; i++) {
		const struct fw_base_def *d = &fw_bases[i];

		if (f->base_ok[i])
			continue;
		/* absent, or another kind of chain: the whole spec; else the policy */
		problem(h,
			f->base_redo[i] || !strcmp(f->base_have[i], "absent") ? d->spec
									      : "policy accept",
			f->base_have[i], "chain %s", d->name);
	}
	for (unsigned i = 0; i < f->nforeign; i++)
		problem(h, "absent (table inet " FW_TABLE " is vnet's alone)", f->foreign[i].have,
			"chain %s", f->foreign[i].name);
	if (!f->base_rules)
		problem(h, "vnet's dispatch rules", "other rules", "base chains of table inet %s",
			FW_TABLE);
	for (unsigned c = 0; c < p->nchains; c++) {
		if (f->chain[c] == FW_CHAIN_WHOLE)
			continue;
		snprintf(n, sizeof(n), "%u rules", fw_plan_chain_rules(p, c));
		problem(h, n, f->chain[c] == FW_CHAIN_ABSENT ? "absent" : "other rules", "chain %s",
			p->chain[c]);
	}
	for (unsigned k = 0; k < p->nelems; k++) {
		const struct fw_elem *el = &p->elem[k];
		bool verdict = fw_maps[el->map].data == FW_DATA_VERDICT;

		if (el->map >= FW_MAP_FWD_ANY) {
			check_forward(f, el, h);
			continue;
		}
		if (f->elem_ok[k])
			continue;
		fw_elem_key_str(el, key, sizeof(key));
		snprintf(want, sizeof(want), verdict ? "jump %s" : "present", el->chain);
		if (f->elem_have[k][0])
			snprintf(have, sizeof(have), "jump %s", f->elem_have[k]);
		else if (f->elem_stray[k])
			verdict_str(f->elem_verdict[k], have, sizeof(have));
		else
			snprintf(have, sizeof(have), "absent");
		problem(h, want, have, "%s %s element %s", verdict ? "map" : "set",
			fw_maps[el->map].name, key);
	}
}

/* After a check's read (err its result): the problems into h. */
static int concluded(int err, const struct fw_plan *p, const struct fw_found *f,
		     struct fw_health *h, struct nl_err *e)
{
	if (err == -EEXIST) {
		nl_err_clear(e);
		problem(h, "vnet's", "not vnet's (no vnet comment)", "table inet %s", FW_TABLE);
		return 0;
	}
	if (!err)
		conclude(p, f, h);
	return err;
}

int fw_check(struct fw *fw, const struct fw_plan *p, struct fw_health *h, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct fw_found *f = malloc(sizeof(*f));
	int err = b && f ? 0 : nl_err_set(e, -ENOMEM, "check", "firewall of network %s", p->name);

	memset(h, 0, sizeof(*h));
	if (!err)
		err = concluded(fw_read(&fw->s, b, p, NULL, FW_READ_CHECK, f, e), p, f, h, e);
	nl_batch_free(b);
	free(f);
	return err;
}

int fw_check_in(const struct fw_snapshot *s, const struct fw_plan *p, struct fw_health *h,
		struct nl_err *e)
{
	struct fw_found *f = malloc(sizeof(*f));
	int err = f ? 0 : nl_err_set(e, -ENOMEM, "check", "firewall of network %s", p->name);

	memset(h, 0, sizeof(*h));
	if (!err)
		err = concluded(fw_read_in(s, p, f, e), p, f, h, e);
	free(f);
	return err;
}
