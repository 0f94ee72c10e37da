/* spoof_io — table bridge vnet's transactions: one read (the table, the
 * chains by name and their rules, the sets' elements and the counters, as
 * the call needs), then one batch of what differs; see spoof.h.
 *
 * A chain whose rules do not carry the rows' digests, in order, is
 * flushed and filled again; sets and the base chain come with the table,
 * or again when the base chain differs (a set that exists is left as it
 * is by a create without NLM_F_EXCL). A port's elements are compared with
 * what it should have: the others are deleted first, the missing ones
 * added, so an unchanged port sends nothing, and its counter survives a
 * new binding. */
#include "firewall/spoof_internal.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_bridge.h>

#include "common/file.h"
#include "firewall/fw.h"

static int full(struct nl_err *e)
{
	nl_err_set(e, -EMSGSIZE, "build", "nftables batch of table bridge " SP_TABLE);
	return -EMSGSIZE;
}

/* An nf_tables message of table bridge vnet. */
#define start(b, ...) fw_batch_start(b, NFPROTO_BRIDGE, __VA_ARGS__)

int sp_marker(struct nl_batch *b, uint16_t type, struct nl_err *e)
{
	return fw_batch_marker(b, type, 0, e);
}

/* --- builders ---------------------------------------------------------- */

static int put_set(struct nl_batch *b, unsigned i, struct nl_err *e)
{
	const struct sp_set *d = &sp_sets[i];
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(16);
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	int err = -ENOMEM;

	/* ifname alone is in host order, a concatenation none (as nft) */
	if (u && s &&
	    nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER,
				d->data && d->data != SP_DATA_IFNAME ? 1 : 0) &&
	    (d->data != SP_DATA_IFNAME ||
	     nftnl_udata_put_u32(u, NFTNL_UDATA_SET_DATABYTEORDER, 1))) {
		nftnl_set_set_str(s, NFTNL_SET_TABLE, SP_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
				  d->data == SP_DATA_COUNTER ? NFT_SET_OBJECT
				  : d->data		     ? NFT_SET_MAP
							     : 0);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
		if (d->data == SP_DATA_VERDICT)
			nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
		if (d->data == SP_DATA_IFNAME) {
			nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, sp_sets[SP_PORTS].key_type);
			nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, NL_IFNAMSIZ);
		}
		if (d->data == SP_DATA_COUNTER)
			nftnl_set_set_u32(s, NFTNL_SET_OBJ_TYPE, NFT_OBJECT_COUNTER);
		nftnl_set_set_u32(s, NFTNL_SET_ID, i + 1);
		nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
				   nftnl_udata_buf_len(u));
		err = 0;
		if (!(nlh = start(b, NFT_MSG_NEWSET, NLM_F_CREATE, "create", "%s %s", d->kind,
				  d->name)))
			err = full(e);
		else
			nftnl_set_nlmsg_build_payload(nlh, s);
	}
	if (err == -ENOMEM)
		nl_err_set(e, err, "build", "%s %s", d->kind, d->name);
	if (s)
		nftnl_set_free(s);
	if (u)
		nftnl_udata_buf_free(u);
	return err;
}

/* NEWCHAIN (the base chain with its hook) or DELCHAIN */
int sp_put_chain(struct nl_batch *b, uint16_t type, const char *name, bool base, struct nl_err *e)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	bool add = type == NFT_MSG_NEWCHAIN;
	struct nlmsghdr *nlh;

	if (!c)
		return nl_err_set(e, -ENOMEM, "build", "chain %s", name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, SP_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_BR_PRE_ROUTING);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, -200); /* NF_BR_PRI_FILTER_BRIDGED */
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = start(b, type, add ? NLM_F_CREATE : 0, add ? "create" : "delete", "chain %s", name);
	if (nlh)
		nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh ? 0 : full(e);
}

/* a flush (DELRULE of the chain), or the rule of row i appended */
static int put_rule(struct nl_batch *b, const char *chain, int row, bool base, struct nl_err *e)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int err = 0;

	if (!r)
		return nl_err_set(e, -ENOMEM, "build", "chain %s", chain);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, SP_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (row >= 0 && (err = sp_row_build(r, (unsigned)row, base, NULL)))
		nl_err_set(e, err, "build", "rule of chain %s", chain);
	else if (!(nlh = row < 0 ? start(b, NFT_MSG_DELRULE, 0, "flush", "chain %s", chain)
				 : start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "add",
					 "rule of chain %s", chain)))
		err = full(e);
	else
		nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return err;
}

static void key_label(const struct sp_elem *el, char *buf, size_t n)
{
	char name[NL_IFNAMSIZ], esc[40];

	memcpy(name, el->key, NL_IFNAMSIZ - 1);
	name[NL_IFNAMSIZ - 1] = '\0';
	snprintf(buf, n, "\"%s\"%s", nl_escape(name, esc, sizeof(esc)),
		 el->klen > NL_IFNAMSIZ ? " . ..." : "");
}

int sp_put_elem(struct nl_batch *b, uint16_t type, const struct sp_elem *el, struct nl_err *e)
{
	const struct sp_set *d = &sp_sets[el->set];
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *k = nftnl_set_elem_alloc();
	bool add = type == NFT_MSG_NEWSETELEM;
	struct nlmsghdr *nlh = NULL;
	char key[64];

	key_label(el, key, sizeof(key));
	if (!s || !k) {
		if (k)
			nftnl_set_elem_free(k);
		if (s)
			nftnl_set_free(s);
		return nl_err_set(e, -ENOMEM, "build", "%s %s element %s", d->kind, d->name, key);
	}
	nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, el->key, el->klen);
	if (add && d->data == SP_DATA_VERDICT) {
		nftnl_set_elem_set_u32(k, NFTNL_SET_ELEM_VERDICT, NFT_JUMP);
		nftnl_set_elem_set_str(k, NFTNL_SET_ELEM_CHAIN, el->data);
	} else if (add && d->data == SP_DATA_COUNTER) {
		nftnl_set_elem_set_str(k, NFTNL_SET_ELEM_OBJREF, el->data);
	} else if (add && d->data == SP_DATA_IFNAME) {
		char port[NL_IFNAMSIZ] = {0};

		memcpy(port, el->data, strnlen(el->data, NL_IFNAMSIZ - 1));
		nftnl_set_elem_set(k, NFTNL_SET_ELEM_DATA, port, NL_IFNAMSIZ);
	}
	nftnl_set_elem_add(s, k);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, SP_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, d->name);
	nlh = start(b, type, add ? NLM_F_CREATE : 0, add ? "add" : "delete", "%s %s element %s",
		    d->kind, d->name, key);
	if (nlh)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nlh ? 0 : full(e);
}

/* a port's counter, named as the port */
int sp_put_counter(struct nl_batch *b, uint16_t type, const char *name, struct nl_err *e)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	bool add = type == NFT_MSG_NEWOBJ;
	struct nlmsghdr *nlh;

	if (!o)
		return nl_err_set(e, -ENOMEM, "build", "counter %s", name);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, SP_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = start(b, type, add ? NLM_F_CREATE : 0, add ? "create" : "delete", "counter %s", name);
	if (nlh)
		nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	return nlh ? 0 : full(e);
}

/* --- the read ---------------------------------------------------------- */

static void *grow(void **arr, unsigned *n, unsigned *cap, size_t size)
{
	if (*n == *cap) {
		unsigned c = *cap ? 2 * *cap : 64;
		void *p = realloc(*arr, c * size);

		if (!p)
			return NULL;
		*arr = p;
		*cap = c;
	}
	return (char *)*arr + (*n)++ * size;
}

static void got_table(const struct nlmsghdr *nlh, struct sp_read *rd)
{
	struct nftnl_table *t = nftnl_table_alloc();

	rd->table = true;
	if (t && nftnl_table_nlmsg_parse(nlh, t) == 0)
		rd->ours = fw_table_marked(t);
	if (t)
		nftnl_table_free(t);
}

static void got_rule(const struct nlmsghdr *nlh, unsigned c, struct sp_read *rd)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	const void *ud;
	uint32_t len = 0;
	uint8_t d[FW_DIGEST_LEN];
	unsigned k = rd->nrules[c]++;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0 || k >= rd->nwant[c] ||
	    !(ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len)) ||
	    !fw_rule_mark(ud, len, d) || memcmp(d, rd->want[c][k], FW_DIGEST_LEN))
		rd->rules_ok[c] = false;
	if (r)
		nftnl_rule_free(r);
}

struct elem_ctx {
	struct sp_read *rd;
	uint8_t set;
};

static int got_elem(struct nftnl_set_elem *se, void *data)
{
	struct elem_ctx *x = data;
	uint32_t len = 0;
	const void *key = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &len);
	struct sp_elem *el;

	if (!key || len < NL_IFNAMSIZ || len > SP_KEYMAX)
		return 0;
	if (!(el = grow((void **)&x->rd->el, &x->rd->nel, &x->rd->capel, sizeof(*el)))) {
		x->rd->nomem = true;
		return -1;
	}
	memset(el, 0, sizeof(*el));
	el->set = x->set;
	el->klen = (uint8_t)len;
	memcpy(el->key, key, len);
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_CHAIN))
		snprintf(el->data, sizeof(el->data), "%s",
			 nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN));
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_OBJREF))
		snprintf(el->data, sizeof(el->data), "%s",
			 nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_OBJREF));
	if (sp_sets[x->set].data == SP_DATA_IFNAME &&
	    (key = nftnl_set_elem_get(se, NFTNL_SET_ELEM_DATA, &len)))
		memcpy(el->data, key, len < NL_IFNAMSIZ ? len : NL_IFNAMSIZ - 1);
	return 0;
}

static void got_elems(const struct nlmsghdr *nlh, uint8_t set, struct sp_read *rd)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct elem_ctx x = {rd, set};

	if (s && nftnl_set_elems_nlmsg_parse(nlh, s) == 0)
		nftnl_set_elem_foreach(s, got_elem, &x);
	if (s)
		nftnl_set_free(s);
}

static void got_counter(const struct nlmsghdr *nlh, struct sp_read *rd)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct sp_counter *c;
	const char *name;

	if (o && nftnl_obj_nlmsg_parse(nlh, o) == 0 &&
	    nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) == NFT_OBJECT_COUNTER &&
	    (name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME)) && strlen(name) < NL_IFNAMSIZ) {
		if (!(c = grow((void **)&rd->ctr, &rd->nctr, &rd->capctr, sizeof(*c)))) {
			rd->nomem = true;
		} else {
			snprintf(c->name, sizeof(c->name), "%s", name);
			c->packets = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
			c->bytes = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_BYTES);
		}
	}
	if (o)
		nftnl_obj_free(o);
}

static int read_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct sp_read *rd = data;
	int i = (int)idx;

	if (i == rd->itable)
		got_table(nlh, rd);
	for (unsigned c = 0; c < SP_NCHAINS; c++) {
		if (i == rd->ichain[c])
			rd->chain[c] = true;
		if (i == rd->irules[c])
			got_rule(nlh, c, rd);
	}
	for (unsigned s = 0; s < SP_NSETS; s++) {
		if (i == rd->iset[s])
			got_elems(nlh, (uint8_t)s, rd);
		if (i == rd->isetdef[s])
			rd->set[s] = true;
	}
	if (i >= rd->ikeys && i < rd->ikeys + (int)rd->nkeys)
		got_elems(nlh, rd->keys[i - rd->ikeys].set, rd);
	if (i == rd->ictr)
		got_counter(nlh, rd);
	return rd->nomem ? -ENOMEM : 0;
}

static int req(struct nl_batch *b, uint16_t type, bool dump, uint16_t at, uint16_t an,
	       const char *name, int *idx, struct nl_err *e)
{
	struct nlmsghdr *nlh;

	*idx = (int)b->n;
	if (!(nlh = start(b, type, dump ? NLM_F_DUMP : 0, dump ? "list" : "read", "%s",
			  name ? name : "table bridge " SP_TABLE)))
		return full(e);
	mnl_attr_put_strz(nlh, at, SP_TABLE);
	if (name)
		mnl_attr_put_strz(nlh, an, name);
	return 0;
}

/* A request for element key el (its set and key), not a dump. */
static int req_key(struct nl_batch *b, const struct sp_elem *el, struct nl_err *e)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *k = nftnl_set_elem_alloc();
	struct nlmsghdr *nlh = NULL;

	if (s && k) {
		nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, el->key, el->klen);
		nftnl_set_elem_add(s, k);
		k = NULL;
		nftnl_set_set_str(s, NFTNL_SET_TABLE, SP_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, sp_sets[el->set].name);
		if ((nlh = start(b, NFT_MSG_GETSETELEM, 0, "read", "%s %s element",
				 sp_sets[el->set].kind, sp_sets[el->set].name)))
			nftnl_set_elems_nlmsg_build_payload(nlh, s);
	}
	if (k)
		nftnl_set_elem_free(k);
	if (s)
		nftnl_set_free(s);
	if (!s)
		return nl_err_set(e, -ENOMEM, "build", "read of table bridge " SP_TABLE);
	return nlh ? 0 : full(e);
}

/* The counters: all of them (a dump), or the one named ctr. */
static int req_counters(struct nl_batch *b, const char *ctr, struct sp_read *rd, struct nl_err *e)
{
	struct nlmsghdr *nlh;

	rd->ictr = (int)b->n;
	if (!(nlh = start(b, NFT_MSG_GETOBJ, ctr ? 0 : NLM_F_DUMP, ctr ? "read" : "list",
			  "counter%s%s", ctr ? " " : "s", ctr ? ctr : "")))
		return full(e);
	mnl_attr_put_strz(nlh, NFTA_OBJ_TABLE, SP_TABLE);
	if (ctr)
		mnl_attr_put_strz(nlh, NFTA_OBJ_NAME, ctr);
	mnl_attr_put_u32(nlh, NFTA_OBJ_TYPE, htonl(NFT_OBJECT_COUNTER));
	return 0;
}

static int read_rows(struct sp_read *rd, struct nl_err *e)
{
	int err = 0;

	memset(rd, 0, sizeof(*rd));
	rd->itable = rd->ictr = rd->ikeys = -1;
	for (unsigned c = 0; c < SP_NCHAINS; c++)
		rd->ichain[c] = rd->irules[c] = -1;
	for (unsigned s = 0; s < SP_NSETS; s++)
		rd->iset[s] = rd->isetdef[s] = -1;
	for (unsigned base = 0; base < 2; base++)
		for (unsigned i = 0; i < sp_nrows(base) && !err; i++) {
			unsigned c = sp_row_chain(i, base);

			if (rd->nwant[c] < SP_ROWS)
				err = sp_row_digest(i, base, rd->want[c][rd->nwant[c]++]);
		}
	return err ? nl_err_set(e, err, "build", "rules of table bridge " SP_TABLE) : 0;
}

/* The chains (and the sets: there or not) of the table, for network net
 * (NULL: none of a network's). */
static int req_chains(struct nl_batch *b, const char *net, struct sp_read *rd, struct nl_err *e)
{
	char name[SP_NAMESIZ];
	int err = 0;

	for (unsigned c = 0; c < SP_NCHAINS && !err; c++) {
		if (!net && c >= SP_CH_SPOOF)
			break;
		sp_chain_name(net, (uint8_t)c, name, sizeof(name));
		rd->rules_ok[c] = true;
		if (!(err = req(b, NFT_MSG_GETCHAIN, false, NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME, name,
				&rd->ichain[c], e)))
			err = req(b, NFT_MSG_GETRULE, true, NFTA_RULE_TABLE, NFTA_RULE_CHAIN, name,
				  &rd->irules[c], e);
	}
	for (unsigned s = 0; s < SP_NSETS && !err; s++)
		err = req(b, NFT_MSG_GETSET, false, NFTA_SET_TABLE, NFTA_SET_NAME, sp_sets[s].name,
			  &rd->isetdef[s], e);
	return err;
}

int sp_read_keys(struct fw *fw, struct nl_batch *b, const char *net, unsigned what,
		 const struct sp_elem *keys, unsigned nkeys, const char *ctr, struct sp_read *rd,
		 struct nl_err *e)
{
	int err = read_rows(rd, e);

	if (err)
		return err;
	nl_batch_reset(b);
	err = req(b, NFT_MSG_GETTABLE, false, NFTA_TABLE_NAME, 0, NULL, &rd->itable, e);
	if (!err && (what & R_CHAINS))
		err = req_chains(b, net, rd, e);
	for (unsigned s = 0; s < SP_NSETS && !err && (what & R_ELEMS) && !keys; s++)
		err = req(b, NFT_MSG_GETSETELEM, true, NFTA_SET_ELEM_LIST_TABLE,
			  NFTA_SET_ELEM_LIST_SET, sp_sets[s].name, &rd->iset[s], e);
	if (!err && keys) {
		rd->ikeys = (int)b->n;
		rd->keys = keys;
		rd->nkeys = nkeys;
	}
	for (unsigned k = 0; k < nkeys && keys && !err; k++)
		err = req_key(b, &keys[k], e);
	if (!err && (what & R_COUNTERS))
		err = req_counters(b, ctr, rd, e);
	if (!err)
		err = nl_batch_send_tolerant(&fw->s, b, (const int[]){-ENOENT, 0}, read_cb, rd, e);
	for (unsigned c = 0; c < SP_NCHAINS; c++)
		if (rd->nrules[c] != rd->nwant[c])
			rd->rules_ok[c] = false;
	if (!err && rd->table && !rd->ours)
		return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, "table bridge " SP_TABLE,
			       "exists and is not vnet's (no comment \"%s\"): left alone",
			       SP_COMMENT);
	return err;
}

int sp_read(struct fw *fw, struct nl_batch *b, const char *net, unsigned what, struct sp_read *rd,
	    struct nl_err *e)
{
	return sp_read_keys(fw, b, net, what, NULL, 0, NULL, rd, e);
}

void sp_read_free(struct sp_read *rd)
{
	free(rd->el);
	free(rd->ctr);
}

/* --- the transactions -------------------------------------------------- */

bool sp_key_is(const struct sp_elem *el, const char *ifname)
{
	return !strncmp((const char *)el->key, ifname, NL_IFNAMSIZ);
}

bool sp_elem_of(const struct sp_elem *el, const char *ifname)
{
	return sp_sets[el->set].data == SP_DATA_IFNAME ? !strncmp(el->data, ifname, NL_IFNAMSIZ)
						       : sp_key_is(el, ifname);
}

bool sp_same_key(const struct sp_elem *x, const struct sp_elem *y)
{
	return x->set == y->set && x->klen == y->klen && !memcmp(x->key, y->key, x->klen);
}

bool sp_same(const struct sp_elem *x, const struct sp_elem *y)
{
	return x->set == y->set && x->klen == y->klen && !memcmp(x->key, y->key, x->klen) &&
	       !strcmp(x->data, y->data);
}

/* Whether element el (of map ports) makes its port one of net's. */
bool sp_of_net(const struct sp_elem *el, const char *net)
{
	char a[SP_NAMESIZ], b[SP_NAMESIZ];

	sp_chain_name(net, SP_CH_SPOOF, a, sizeof(a));
	sp_chain_name(net, SP_CH_NOMAC, b, sizeof(b));
	return el->set == SP_PORTS && (!strcmp(el->data, a) || !strcmp(el->data, b));
}

int sp_send(struct fw *fw, struct nl_batch *b, struct nl_err *e)
{
	int err = sp_marker(b, NFNL_MSG_BATCH_END, e);

	if (err)
		return err;
	return b->n > 2 ? nl_batch_send(&fw->s, b, NULL, NULL, e) : 0;
}

/* The table, its sets and base chains when the read found them missing or
 * changed, and network net's chains (net NULL: none). */
int sp_put_chains(struct nl_batch *b, const struct sp_read *rd, const char *net, struct nl_err *e)
{
	bool skeleton =
		!rd->table || !rd->rules_ok[SP_CH_PREROUTING] || !rd->rules_ok[SP_CH_DROPPED];

	for (unsigned s = 0; s < SP_NSETS; s++)
		skeleton = skeleton || (rd->isetdef[s] >= 0 && !rd->set[s]);
	char name[SP_NAMESIZ];
	int err = 0;

	if (skeleton) {
		err = fw_batch_table(b, NFPROTO_BRIDGE, SP_TABLE, NFT_MSG_NEWTABLE, e);
		for (unsigned s = 0; s < SP_NSETS && !err; s++)
			err = put_set(b, s, e);
	}
	for (unsigned c = 0; c < SP_NCHAINS && !err; c++) {
		bool base = c < SP_CH_SPOOF;

		if ((!net && !base) || (rd->table && rd->rules_ok[c]))
			continue;
		sp_chain_name(net, (uint8_t)c, name, sizeof(name));
		err = sp_put_chain(b, NFT_MSG_NEWCHAIN, name, c == SP_CH_PREROUTING, e);
		if (!err && rd->chain[c])
			err = put_rule(b, name, -1, base, e);
		for (unsigned i = 0; i < sp_nrows(base) && !err; i++)
			if (sp_row_chain(i, base) == c)
				err = put_rule(b, name, (int)i, base, e);
	}
	return err;
}
