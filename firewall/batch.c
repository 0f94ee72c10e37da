/* batch — a plan as one nfnetlink transaction, built into an nl_batch (no
 * socket here; fw.c sends it), and the reads that come before it.
 *
 * Apply sends what the read (read.c) found missing or different, and
 * nothing else: a transaction that deletes or updates an existing object
 * leaves an RCU grace period (5-12 ms measured) for whoever next closes an
 * nftables socket, one that only adds objects does not. The skeleton
 * (table, no NLM_F_EXCL: it may exist; its maps and sets; its base chains,
 * flushed and given their rules again) goes when it was not whole, which
 * also repairs a table whose base chains were deleted behind our back. A
 * network chain that is absent is created and filled; one that differs is
 * flushed and filled again; a whole one is left alone. Forward elements
 * that point into the network's subnets but are not in the plan are
 * deleted first (so one whose guest changed is deleted and added in one
 * transaction), then the plan's elements the read did not find are added.
 * The elements of the verdict maps and sets are not read: adding one that
 * exists with the same data is a no-op for the kernel, so applying a plan
 * twice leaves the same ruleset, and a second apply adds nothing.
 *
 * A base chain is made again with policy accept when the read found its
 * policy changed (an update of the chain), and deleted first when it is
 * there with another type, hook or priority, or as a regular chain (the
 * kernel changes neither of a chain that exists). A repair also deletes
 * the base chains in the table that are not vnet's: table inet vnet is
 * vnet's alone, and such a chain (a drop policy of a forward hook) would
 * decide the guests' traffic.
 *
 * Remove deletes only what the read found of the network, and never adds
 * anything: the elements of the dispatch maps that are its (by their key,
 * with its chain as their jump target; the sets' elements of its bridge,
 * unless the maps give that bridge to another network), its forwards, and
 * its chains that are there (which takes their rules along); before them,
 * when a first removal was refused for a reference, every element and rule
 * that jumps to those chains (read.c, fw_read_refs). So removing an absent
 * or half-present network is no error, and a network whose definition
 * collides with a running one (its subnet, its bridge) takes nothing of
 * that one along. Base chains are never deleted but to be made again.
 *
 * Every message asks for an ACK and is labelled for the user ("rule 3 of
 * chain n1-in", "map fwd_any element tcp . 8080"); the kernel answers each
 * one and applies all or none. A plan rule's message is also tagged with
 * its place in the plan (FW_TAG_RULE), so that fw.c adds the text of a
 * refused rule to its label. */
#include "firewall/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/file.h"

static int full(struct nl_err *e)
{
	nl_err_set(e, -EMSGSIZE, "build", "nftables batch");
	nl_err_msg(e, "more objects than one batch holds (%d messages, %d bytes)", NL_BATCH_MAX,
		   NL_BATCH_BUF);
	return -EMSGSIZE;
}

struct nlmsghdr *fw_batch_start(struct nl_batch *b, uint8_t family, uint16_t type, uint16_t flags,
				const char *op, const char *objfmt, ...)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	char obj[sizeof(b->req[0].obj)];
	va_list ap;

	va_start(ap, objfmt);
	vsnprintf(obj, sizeof(obj), objfmt, ap);
	va_end(ap);
	nlh = nl_batch_add(b, (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | type), flags, op, "%s", obj);
	if (!nlh)
		return NULL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return nlh;
}

/* An nf_tables message of table inet vnet. */
#define start(b, ...) fw_batch_start(b, NFPROTO_INET, __VA_ARGS__)

/* A finished message must have fit the room a builder may use. */
static int fits(const struct nlmsghdr *nlh, struct nl_err *e)
{
	if (nlh->nlmsg_len <= NL_MSG_MAX)
		return 0;
	nl_err_set(e, -EMSGSIZE, "build", "nftables message");
	nl_err_msg(e, "%u bytes, more than %d", nlh->nlmsg_len, NL_MSG_MAX);
	return -EMSGSIZE;
}

/* A batch's begin or end. A begin with genid (not 0) ties the transaction
 * to the ruleset's generation its read saw: the kernel refuses the whole
 * batch with ERESTART when anything committed in between (nftables'
 * src/mnl.c does the same). */
int fw_batch_marker(struct nl_batch *b, uint16_t type, uint32_t genid, struct nl_err *e)
{
	struct nlmsghdr *nlh = nl_batch_add_noack(b, type, 0);
	struct nfgenmsg *g;

	if (!nlh)
		return full(e);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(NFNL_SUBSYS_NFTABLES);
	/* Named, for when the kernel refuses the batch as a whole. */
	snprintf(b->req[b->n - 1].obj, sizeof(b->req[0].obj), "nftables transaction");
	snprintf(b->req[b->n - 1].op, sizeof(b->req[0].op), "commit");
	if (genid)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	return 0;
}

static int marker(struct nl_batch *b, uint16_t type, struct nl_err *e)
{
	return fw_batch_marker(b, type, 0, e);
}

int fw_batch_table(struct nl_batch *b, uint8_t family, const char *name, uint16_t type,
		   struct nl_err *e)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);
	struct nftnl_table *t = nftnl_table_alloc();
	const char *fam = family == NFPROTO_BRIDGE ? "bridge" : "inet";
	bool add = type == NFT_MSG_NEWTABLE;
	struct nlmsghdr *nlh;
	int err = -ENOMEM;

	if (!u || !t || !nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT, FW_TABLE_COMMENT))
		goto out;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	if (add) /* the mark that makes it vnet's */
		nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(u),
				     nftnl_udata_buf_len(u));
	if (!(nlh = fw_batch_start(b, family, type, add ? NLM_F_CREATE : 0,
				   add ? "create" : "delete", "table %s %s", fam, name))) {
		err = full(e);
		goto out;
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	err = fits(nlh, e);
out:
	if (err == -ENOMEM)
		nl_err_set(e, err, "build", "table %s %s", fam, name);
	nftnl_table_free(t);
	if (u)
		nftnl_udata_buf_free(u);
	return err;
}

static int put_map(struct nl_batch *b, unsigned m, struct nl_err *e)
{
	const struct fw_map_def *d = &fw_maps[m];
	const char *kind = d->data ? "map" : "set";
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(16);
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	int err = -ENOMEM;

	if (!u || !s || !nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, d->key_order)) {
		nl_err_set(e, err, "build", "%s %s", kind, d->name);
		goto out;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
			  (d->data ? NFT_SET_MAP : 0) | (d->interval ? NFT_SET_INTERVAL : 0));
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	if (d->data == FW_DATA_VERDICT)
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	if (d->data == FW_DATA_ADDR_PORT) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, d->data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, d->data_len);
	}
	nftnl_set_set_u32(s, NFTNL_SET_ID, m + 1); /* the kernel requires one */
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	if (!(nlh = start(b, NFT_MSG_NEWSET, NLM_F_CREATE, "create", "%s %s", kind, d->name))) {
		err = full(e);
	} else {
		nftnl_set_nlmsg_build_payload(nlh, s);
		err = fits(nlh, e);
	}
out:
	if (s)
		nftnl_set_free(s);
	if (u)
		nftnl_udata_buf_free(u);
	return err;
}

/* A chain message: NEWCHAIN (base when base is not NULL) or DELCHAIN; by
 * handle when handle is not 0 (name then only labels it). */
static int put_chain_h(struct nl_batch *b, uint16_t type, const char *name, uint64_t handle,
		       const struct fw_base_def *base, struct nl_err *e)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	bool add = type == NFT_MSG_NEWCHAIN;
	struct nlmsghdr *nlh;
	int err;

	if (!c)
		return nl_err_set(e, -ENOMEM, "build", "chain %s", name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TABLE);
	if (handle)
		nftnl_chain_set_u64(c, NFTNL_CHAIN_HANDLE, handle);
	else
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, base->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, base->prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, base->type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	if (!(nlh = start(b, type, add ? NLM_F_CREATE : 0, add ? "create" : "delete", "chain %s",
			  name))) {
		err = full(e);
	} else {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		err = fits(nlh, e);
	}
	nftnl_chain_free(c);
	return err;
}

static int put_chain(struct nl_batch *b, uint16_t type, const char *name,
		     const struct fw_base_def *base, struct nl_err *e)
{
	return put_chain_h(b, type, name, 0, base, e);
}

/* DELRULE of one rule of chain by its handle, or (handle 0) of all its
 * rules: a flush. */
static int put_rule_gone(struct nl_batch *b, const char *chain, uint64_t handle, struct nl_err *e)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	char esc[48];
	int err;

	nl_escape(chain, esc, sizeof(esc));
	if (!r)
		return nl_err_set(e, -ENOMEM, "build", "chain %s", esc);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nlh = handle ? start(b, NFT_MSG_DELRULE, 0, "delete", "rule handle %llu of chain %s",
			     (unsigned long long)handle, esc)
		     : start(b, NFT_MSG_DELRULE, 0, "flush", "chain %s", esc);
	if (!nlh) {
		err = full(e);
	} else {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		err = fits(nlh, e);
	}
	nftnl_rule_free(r);
	return err;
}

static int put_flush(struct nl_batch *b, const char *chain, struct nl_err *e)
{
	return put_rule_gone(b, chain, 0, e);
}

static int put_rule_del(struct nl_batch *b, const struct fw_ref_rule *ref, struct nl_err *e)
{
	return put_rule_gone(b, ref->chain, ref->handle, e);
}

/* A rule of chain (its name: a rule knows only its chain's place), its
 * request tagged with tag. */
static int put_rule(struct nl_batch *b, const char *chain, const struct fw_rule *ru, int tag,
		    struct nl_err *e)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!r)
		return nl_err_set(e, -ENOMEM, "build", "rule %u of chain %s", ru->pos, chain);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if ((err = fw_rule_build(r, ru)))
		nl_err_set(e, err, "build", "rule %u of chain %s", ru->pos, chain);
	else if (!(nlh = start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "add",
			       "rule %u of chain %s", ru->pos, chain)))
		err = full(e);
	else {
		b->req[b->n - 1].tag = tag;
		nftnl_rule_nlmsg_build_payload(nlh, r);
		err = fits(nlh, e);
	}
	nftnl_rule_free(r);
	return err;
}

/* nat_v4 and nat_v6 are interval maps: the end of an element's interval
 * is the address after its subnet, flagged as an end (none when the subnet
 * reaches the top). */
static int interval_end(struct nftnl_set *s, const struct fw_elem *el)
{
	struct nl_prefix last = nl_prefix_last(&el->prefix);
	size_t len = el->prefix.family == AF_INET6 ? 16 : 4, i = len;
	struct nftnl_set_elem *k;

	while (i > 0 && ++last.a.b[i - 1] == 0) /* big endian: carry leftwards */
		i--;
	if (i == 0)
		return 0;
	if (!(k = nftnl_set_elem_alloc()))
		return -ENOMEM;
	nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, last.a.b, (uint32_t)len);
	nftnl_set_elem_set_u32(k, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_elem_add(s, k);
	return 0;
}

/* The element's key, and its data when with_data; of an interval, its end
 * too when with_end. */
static int elem_keys(struct nftnl_set *s, const struct fw_elem *el, bool with_data, bool with_end)
{
	struct nftnl_set_elem *k = nftnl_set_elem_alloc();
	uint8_t data = fw_maps[el->map].data, buf[FW_ELEM_BYTES];

	if (!k)
		return -ENOMEM;
	nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, buf, (uint32_t)fw_elem_key(el, true, buf));
	if (with_data && data == FW_DATA_VERDICT) {
		nftnl_set_elem_set_u32(k, NFTNL_SET_ELEM_VERDICT, NFT_JUMP);
		nftnl_set_elem_set_str(k, NFTNL_SET_ELEM_CHAIN, el->chain);
	} else if (with_data && data == FW_DATA_ADDR_PORT) {
		nftnl_set_elem_set(k, NFTNL_SET_ELEM_DATA, buf, (uint32_t)fw_elem_data(el, buf));
	}
	nftnl_set_elem_add(s, k);
	return fw_maps[el->map].interval && with_end ? interval_end(s, el) : 0;
}

/* The message of set s's elements into map or set d, labelled by key. */
static int put_set_elems(struct nl_batch *b, struct nftnl_set *s, const struct fw_map_def *d,
			 uint16_t type, uint16_t flags, const char *op, const char *key,
			 struct nl_err *e)
{
	struct nlmsghdr *nlh;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	if (!(nlh = start(b, type, flags, op, "%s %s element %s", d->data ? "map" : "set", d->name,
			  key)))
		return full(e);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	return fits(nlh, e);
}

/* NEWSETELEM (with its data), DELSETELEM or GETSETELEM (by key) for one
 * element. */
static int put_elem(struct nl_batch *b, uint16_t type, const struct fw_elem *el, struct nl_err *e)
{
	bool add = type == NFT_MSG_NEWSETELEM;
	const char *op = add ? "add" : type == NFT_MSG_DELSETELEM ? "delete" : "read";
	const struct fw_map_def *d = &fw_maps[el->map];
	struct nftnl_set *s = nftnl_set_alloc();
	char key[64];
	int err;

	fw_elem_key_str(el, key, sizeof(key));
	if (!s || elem_keys(s, el, add, type != NFT_MSG_GETSETELEM) < 0) {
		err = nl_err_set(e, -ENOMEM, "build", "%s %s element %s", d->data ? "map" : "set",
				 d->name, key);
		goto out;
	}
	err = put_set_elems(b, s, d, type, add ? NLM_F_CREATE : 0, op, key, e);
out:
	if (s)
		nftnl_set_free(s);
	return err;
}

/* The label of an element as read: its key as nft prints it. */
static void raw_label(const struct fw_raw_elem *r, char *buf, size_t n)
{
	char name[NL_IFNAMSIZ], esc[64];

	if (r->map == FW_MAP_NAT_V4 || r->map == FW_MAP_NAT_V6) {
		struct nl_prefix a = {.family = r->klen == 16 ? AF_INET6 : AF_INET};
		char t[NL_PREFIX_STRLEN];

		memcpy(a.a.b, r->key, r->klen == 16 ? 16 : 4);
		snprintf(buf, n, "%s%s", nl_prefix_str(&a, false, t, sizeof(t)),
			 r->end ? " (interval end)" : "");
		return;
	}
	memcpy(name, r->key, sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(buf, n, "\"%s\"", nl_escape(name, esc, sizeof(esc)));
}

/* DELSETELEM of an element as read, by its key (and end flag). */
static int put_raw_del(struct nl_batch *b, const struct fw_raw_elem *r, struct nl_err *e)
{
	const struct fw_map_def *d = &fw_maps[r->map];
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *k = nftnl_set_elem_alloc();
	char key[80];
	int err;

	raw_label(r, key, sizeof(key));
	if (!s || !k) {
		err = nl_err_set(e, -ENOMEM, "build", "%s %s element %s", d->data ? "map" : "set",
				 d->name, key);
		if (k)
			nftnl_set_elem_free(k);
		goto out;
	}
	nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, r->key, r->klen);
	if (r->end)
		nftnl_set_elem_set_u32(k, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_elem_add(s, k);
	err = put_set_elems(b, s, d, NFT_MSG_DELSETELEM, 0, "delete", key, e);
out:
	if (s)
		nftnl_set_free(s);
	return err;
}

/* Table, maps, base chains with their dispatch rules (flushed, re-added;
 * deleted first when f says they are there as another chain). */
static int skeleton(struct nl_batch *b, bool base_chains, const struct fw_found *f,
		    struct nl_err *e)
{
	int err = fw_batch_table(b, NFPROTO_INET, FW_TABLE, NFT_MSG_NEWTABLE, e);

	for (unsigned m = 0; m < FW_NMAPS && !err; m++)
		err = put_map(b, m, e);
	for (unsigned i = 0; i < FW_NBASES && base_chains && !err; i++) {
		const struct fw_base_def *d = &fw_bases[i];

		if (f && f->base_redo[i] &&
		    (err = put_chain(b, NFT_MSG_DELCHAIN, d->name, NULL, e)))
			break;
		if ((err = put_chain(b, NFT_MSG_NEWCHAIN, d->name, d, e)) ||
		    (err = put_flush(b, d->name, e)))
			break;
		for (unsigned k = 0; k < d->nrules && !err; k++) {
			struct fw_rule r;

			fw_base_rule(i, k, &r);
			err = put_rule(b, d->name, &r, 0, e);
		}
	}
	return err;
}

/* Whether the kernel holds an element equal to el, by what was read. */
static bool found(const struct fw_found *f, const struct fw_elem *el)
{
	for (unsigned i = 0; f && i < f->nelems; i++)
		if (fw_elem_equal(&f->elem[i], el))
			return true;
	return false;
}

static bool planned(const struct fw_plan *p, const struct fw_elem *el)
{
	for (unsigned i = 0; i < p->nelems; i++)
		if (fw_elem_equal(&p->elem[i], el))
			return true;
	return false;
}

static int apply_chains(struct nl_batch *b, const struct fw_plan *p, const struct fw_found *f,
			struct nl_err *e)
{
	int err = 0;

	for (unsigned c = 0; c < p->nchains && !err; c++) {
		uint8_t st = f ? f->chain[c] : FW_CHAIN_DIFFERS;

		if (st != FW_CHAIN_WHOLE)
			err = put_chain(b, NFT_MSG_NEWCHAIN, p->chain[c], NULL, e);
		if (!err && st == FW_CHAIN_DIFFERS)
			err = put_flush(b, p->chain[c], e);
	}
	/* without a read, every chain is replaced */
	for (unsigned i = 0; i < p->nrules && !err; i++)
		if (!f || f->chain[p->rule[i].chain] != FW_CHAIN_WHOLE)
			err = put_rule(b, p->chain[p->rule[i].chain], &p->rule[i], FW_TAG_RULE(i),
				       e);
	return err;
}

int fw_batch_apply(struct nl_batch *b, const struct fw_plan *p, const struct fw_found *f,
		   struct nl_err *e)
{
	int err = fw_batch_marker(b, NFNL_MSG_BATCH_BEGIN, f ? f->genid : 0, e);

	for (unsigned i = 0; f && i < f->nforeign && !err; i++)
		err = put_chain_h(b, NFT_MSG_DELCHAIN, f->foreign[i].name, f->foreign[i].handle,
				  NULL, e);
	if (!err && (!f || !f->skeleton))
		err = skeleton(b, true, f, e);
	if (!err)
		err = apply_chains(b, p, f, e);
	/* Stale elements go first, so that one whose data changed is
	 * deleted, then added again, in this transaction. */
	for (unsigned i = 0; f && i < f->nelems && !err; i++)
		if (!planned(p, &f->elem[i]))
			err = put_elem(b, NFT_MSG_DELSETELEM, &f->elem[i], e);
	for (unsigned i = 0; i < p->nelems && !err; i++) {
		/* the network's own key with another verdict: replaced */
		if (f && f->elem_stray[i])
			err = put_elem(b, NFT_MSG_DELSETELEM, &p->elem[i], e);
		if (!err && !found(f, &p->elem[i]))
			err = put_elem(b, NFT_MSG_NEWSETELEM, &p->elem[i], e);
	}
	return err ? err : marker(b, NFNL_MSG_BATCH_END, e);
}

int fw_batch_restore_begin(struct nl_batch *b, uint32_t genid, bool skeleton_too, struct nl_err *e)
{
	int err = fw_batch_marker(b, NFNL_MSG_BATCH_BEGIN, genid, e);

	return err || !skeleton_too ? err : skeleton(b, true, NULL, e);
}

int fw_batch_restore_plan(struct nl_batch *b, const struct fw_plan *p, struct nl_err *e)
{
	unsigned n = b->n;
	int err = 0;

	/* its chains are new in this table: made, no flush */
	for (unsigned c = 0; c < p->nchains && !err; c++)
		err = put_chain(b, NFT_MSG_NEWCHAIN, p->chain[c], NULL, e);
	for (unsigned i = 0; i < p->nrules && !err; i++)
		err = put_rule(b, p->chain[p->rule[i].chain], &p->rule[i], FW_TAG_RULE(i), e);
	for (unsigned i = 0; i < p->nelems && !err; i++)
		err = put_elem(b, NFT_MSG_NEWSETELEM, &p->elem[i], e);
	/* and room left for the batch's end */
	if (!err && (b->n + 1 >= b->max || b->len + 2 * NL_MSG_MAX > b->size))
		err = full(e);
	if (err)
		nl_batch_rewind(b, n);
	return err;
}

int fw_batch_restore_end(struct nl_batch *b, struct nl_err *e)
{
	return marker(b, NFNL_MSG_BATCH_END, e);
}

int fw_batch_remove(struct nl_batch *b, const struct fw_plan *p, const struct fw_found *f,
		    struct nl_err *e)
{
	int err = fw_batch_marker(b, NFNL_MSG_BATCH_BEGIN, f->genid, e);

	/* what refers to the chains goes before them */
	for (unsigned i = 0; i < f->nrefs && !err; i++)
		err = put_rule_del(b, &f->ref[i], e);
	for (unsigned i = 0; i < p->nelems && !err; i++)
		if (f->del[i])
			err = put_elem(b, NFT_MSG_DELSETELEM, &p->elem[i], e);
	for (unsigned i = 0; i < f->nraw && !err; i++)
		err = put_raw_del(b, &f->raw[i], e);
	for (unsigned i = 0; i < f->nelems && !err; i++)
		err = put_elem(b, NFT_MSG_DELSETELEM, &f->elem[i], e);
	for (unsigned c = 0; c < p->nchains && !err; c++)
		if (f->chain[c] != FW_CHAIN_ABSENT)
			err = put_chain(b, NFT_MSG_DELCHAIN, p->chain[c], NULL, e);
	return err ? err : marker(b, NFNL_MSG_BATCH_END, e);
}

int fw_batch_drop_table(struct nl_batch *b, struct nl_err *e)
{
	struct nlmsghdr *nlh;
	int err = marker(b, NFNL_MSG_BATCH_BEGIN, e);

	if (err)
		return err;
	if (!(nlh = start(b, NFT_MSG_DELTABLE, 0, "delete", "table inet %s", FW_TABLE)))
		return full(e);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, FW_TABLE);
	return marker(b, NFNL_MSG_BATCH_END, e);
}

/* A read request of the table (a get, or a dump when dump) carrying the
 * table's name and, when name is not NULL, an object's. */
static int read_req(struct nl_batch *b, uint16_t type, bool dump, uint16_t attr_table,
		    uint16_t attr_name, const char *name, const char *what, struct nl_err *e)
{
	struct nlmsghdr *nlh = start(b, type, dump ? NLM_F_DUMP : 0, dump ? "list" : "read",
				     "%s %s", what, name ? name : "inet " FW_TABLE);

	if (!nlh)
		return full(e);
	mnl_attr_put_strz(nlh, attr_table, FW_TABLE);
	if (name)
		mnl_attr_put_strz(nlh, attr_name, name);
	return 0;
}

int fw_batch_get_gen(struct nl_batch *b, struct nl_err *e)
{
	struct nlmsghdr *nlh = nl_batch_add(b, NFT_MSG_GETGEN | (NFNL_SUBSYS_NFTABLES << 8), 0,
					    "read", "generation of the ruleset");
	struct nfgenmsg *g;

	if (!nlh)
		return full(e);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	return 0;
}

int fw_batch_race(struct nl_batch *b, const char *chain, struct nl_err *e)
{
	int err = marker(b, NFNL_MSG_BATCH_BEGIN, e);

	/* a chain made and deleted: a commit even when chain is empty */
	if (!err)
		err = put_chain(b, NFT_MSG_NEWCHAIN, "vnet-race", NULL, e);
	if (!err)
		err = put_chain(b, NFT_MSG_DELCHAIN, "vnet-race", NULL, e);
	if (!err)
		err = put_flush(b, chain, e);
	return err ? err : marker(b, NFNL_MSG_BATCH_END, e);
}

int fw_batch_get_table(struct nl_batch *b, struct nl_err *e)
{
	struct nlmsghdr *nlh = start(b, NFT_MSG_GETTABLE, 0, "read", "table inet %s", FW_TABLE);

	if (!nlh)
		return full(e);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, FW_TABLE);
	return 0;
}

int fw_batch_get_chain(struct nl_batch *b, const char *name, struct nl_err *e)
{
	return read_req(b, NFT_MSG_GETCHAIN, false, NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME, name,
			"chain", e);
}

int fw_batch_dump_chains(struct nl_batch *b, struct nl_err *e)
{
	return start(b, NFT_MSG_GETCHAIN, NLM_F_DUMP, "list", "chains of table inet %s", FW_TABLE)
		       ? 0
		       : full(e);
}

/* One dump per chain, filtered by the kernel, so that the read does not
 * grow with the number of networks. */
int fw_batch_dump_rules(struct nl_batch *b, const char *chain, struct nl_err *e)
{
	return read_req(b, NFT_MSG_GETRULE, true, NFTA_RULE_TABLE, NFTA_RULE_CHAIN, chain,
			chain ? "chain" : "rules of table", e);
}

int fw_batch_dump_elems(struct nl_batch *b, unsigned m, struct nl_err *e)
{
	return read_req(b, NFT_MSG_GETSETELEM, true, NFTA_SET_ELEM_LIST_TABLE,
			NFTA_SET_ELEM_LIST_SET, fw_maps[m].name, fw_maps[m].data ? "map" : "set",
			e);
}

int fw_batch_get_elem(struct nl_batch *b, const struct fw_elem *el, struct nl_err *e)
{
	return put_elem(b, NFT_MSG_GETSETELEM, el, e);
}
