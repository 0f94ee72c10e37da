/* read_all — the whole of table inet vnet in one read (the table, its
 * chains, its rules, the elements of each map and set: one dump each,
 * whatever the number of networks), kept in memory, and each network's
 * check against it (fw_check_in), which finds what fw_check's own read
 * finds for one network: `vnet list` and `show` of every network read the
 * kernel once, not once per network.
 *
 * What is kept is indexed so that a network's check touches its own part:
 * chains and rules sorted by chain name (a network's rules are parsed
 * again only for its own chains and the base chains), the dispatch maps'
 * and sets' elements sorted by map and key (a plan element is found as
 * the kernel's get by key finds it: of an interval map, the interval that
 * holds the key), the forwards decoded (each network keeps those into its
 * subnets, a pass over the forwards). */
#include "firewall/read.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "firewall/fw.h"

/* A chain or rule message as read: its chain's name, where its copy
 * lies, and its place in the read (rules keep their order). */
struct kept {
	char chain[256]; /* NFT_CHAIN_MAXNAMELEN */
	size_t off;
	unsigned seq;
	bool base; /* a chain with a hook */
};

/* An element of a dispatch map or set: its key, whether it ends an
 * interval, its jump target ("" for none). */
struct kept_elem {
	uint8_t map;
	bool end;
	uint8_t klen;
	uint8_t key[FW_ELEM_BYTES];
	char chain[FW_NAMESIZ];
	bool has_verdict;
	int verdict;
};

struct fw_snapshot {
	bool present, ours;
	char *buf; /* the kept messages, back to back */
	size_t len, cap;
	struct kept *chains, *rules;
	unsigned nchains, nrules, capc, capr;
	struct kept_elem *elems;
	unsigned nelems, cape;
	struct fw_elem *fwd;
	unsigned nfwd, capf;
};

static int grow(void **v, unsigned *cap, unsigned n, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	if (!(nv = realloc(*v, (*cap = *cap ? 2 * *cap : 64) * size)))
		return -ENOMEM;
	*v = nv;
	return 0;
}

/* Keeps a copy of message nlh, named by its chain (attribute attr). */
static int keep(struct fw_snapshot *s, const struct nlmsghdr *nlh, uint16_t attr, bool chain_msg)
{
	struct kept **v = chain_msg ? &s->chains : &s->rules;
	unsigned *n = chain_msg ? &s->nchains : &s->nrules, *cap = chain_msg ? &s->capc : &s->capr;
	const struct nlattr *a;
	struct kept *k;

	if (grow((void **)v, cap, *n, sizeof(**v)))
		return -ENOMEM;
	k = &(*v)[*n];
	memset(k, 0, sizeof(*k));
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		if (mnl_attr_get_type(a) == attr && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(k->chain, sizeof(k->chain), "%s", mnl_attr_get_str(a));
		if (chain_msg && mnl_attr_get_type(a) == NFTA_CHAIN_HOOK)
			k->base = true;
	}
	while (s->len + nlh->nlmsg_len > s->cap) {
		char *nb = realloc(s->buf, s->cap = s->cap ? 2 * s->cap : 65536);

		if (!nb)
			return -ENOMEM;
		s->buf = nb;
	}
	memcpy(s->buf + s->len, nlh, nlh->nlmsg_len);
	k->off = s->len;
	k->seq = *n;
	s->len += NLMSG_ALIGN(nlh->nlmsg_len);
	(*n)++;
	return 0;
}

static int keep_elem(struct nftnl_set_elem *se, void *data)
{
	struct fw_snapshot *s = ((void **)data)[0];
	uint8_t map = *(uint8_t *)((void **)data)[1];
	uint32_t klen = 0, dlen = 0, flags = 0;
	const uint8_t *k = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &klen);
	struct kept_elem *x;

	if (!k || klen > FW_ELEM_BYTES)
		return 0;
	if (map >= FW_MAP_FWD_ANY) {
		const uint8_t *d = nftnl_set_elem_get(se, NFTNL_SET_ELEM_DATA, &dlen);
		struct fw_elem el = {.map = map};

		if (!fw_elem_decode(&el, k, klen, d, dlen))
			return 0;
		if (grow((void **)&s->fwd, &s->capf, s->nfwd, sizeof(*s->fwd)))
			return -ENOMEM;
		s->fwd[s->nfwd++] = el;
		return 0;
	}
	if (grow((void **)&s->elems, &s->cape, s->nelems, sizeof(*s->elems)))
		return -ENOMEM;
	x = &s->elems[s->nelems++];
	memset(x, 0, sizeof(*x));
	x->map = map;
	x->klen = (uint8_t)klen;
	memcpy(x->key, k, klen);
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_FLAGS))
		flags = nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_FLAGS);
	x->end = flags & NFT_SET_ELEM_INTERVAL_END;
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_CHAIN))
		snprintf(x->chain, sizeof(x->chain), "%s",
			 nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN));
	if ((x->has_verdict = nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_VERDICT)))
		x->verdict = (int)nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_VERDICT);
	return 0;
}

static int keep_elems(struct fw_snapshot *s, const struct nlmsghdr *nlh)
{
	struct nftnl_set *set = nftnl_set_alloc();
	const char *name;
	int err = 0;

	if (!set)
		return -ENOMEM;
	if (nftnl_set_elems_nlmsg_parse(nlh, set) == 0 &&
	    (name = nftnl_set_get_str(set, NFTNL_SET_NAME)))
		for (uint8_t m = 0; m < FW_NMAPS; m++)
			if (!strcmp(name, fw_maps[m].name)) {
				void *arg[2] = {s, &m};

				err = nftnl_set_elem_foreach(set, keep_elem, arg);
				break;
			}
	nftnl_set_free(set);
	return err;
}

static int read_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct fw_snapshot *s = data;
	struct nftnl_table *t;

	(void)idx;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		if (!(t = nftnl_table_alloc()))
			return -ENOMEM;
		if (nftnl_table_nlmsg_parse(nlh, t) == 0) {
			s->present = true;
			s->ours = fw_table_marked(t);
		}
		nftnl_table_free(t);
		return 0;
	case NFT_MSG_NEWCHAIN: {
		const struct nlattr *a;
		bool ours = false;

		/* the chain dump holds every inet table's */
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		{
			if (mnl_attr_get_type(a) == NFTA_CHAIN_TABLE &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				ours = !strcmp(mnl_attr_get_str(a), FW_TABLE);
		}
		return ours ? keep(s, nlh, NFTA_CHAIN_NAME, true) : 0;
	}
	case NFT_MSG_NEWRULE:
		return keep(s, nlh, NFTA_RULE_CHAIN, false);
	case NFT_MSG_NEWSETELEM:
		return keep_elems(s, nlh);
	}
	return 0;
}

static int by_chain(const void *x, const void *y)
{
	const struct kept *a = x, *b = y;
	int c = strcmp(a->chain, b->chain);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int by_map_key(const struct kept_elem *a, const struct kept_elem *b)
{
	if (a->map != b->map)
		return a->map - b->map;
	return memcmp(a->key, b->key, FW_ELEM_BYTES);
}

/* By map and key; at one key an interval's end (the first address past
 * the interval before) before a start. */
static int by_key(const void *x, const void *y)
{
	const struct kept_elem *a = x, *b = y;
	int c = by_map_key(a, b);

	return c ? c : b->end - a->end;
}

bool fw_snapshot_present(const struct fw_snapshot *s)
{
	return s->present;
}

void fw_snapshot_free(struct fw_snapshot *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s->chains);
	free(s->rules);
	free(s->elems);
	free(s->fwd);
	free(s);
}

int fw_snapshot(struct fw *fw, struct fw_snapshot **out, struct nl_err *e)
{
	struct fw_snapshot *s = calloc(1, sizeof(*s));
	struct nl_batch *b = nl_batch_new();
	int err = s && b ? fw_batch_get_table(b, e) : -ENOMEM;

	if (!err)
		err = fw_batch_dump_chains(b, e);
	if (!err)
		err = fw_batch_dump_rules(b, NULL, e);
	for (unsigned m = 0; m < FW_NMAPS && !err; m++)
		err = fw_batch_dump_elems(b, m, e);
	if (err == -ENOMEM)
		nl_err_set(e, err, "read", "table inet %s", FW_TABLE);
	else if (!err)
		err = nl_batch_send_tolerant(&fw->s, b, (const int[]){-ENOENT, 0}, read_cb, s, e);
	nl_batch_free(b);
	if (err) {
		fw_snapshot_free(s);
		return err;
	}
	if (s->nchains)
		qsort(s->chains, s->nchains, sizeof(*s->chains), by_chain);
	if (s->nrules)
		qsort(s->rules, s->nrules, sizeof(*s->rules), by_chain);
	/* the key arrays are zero-padded: whole-width comparison is exact */
	if (s->nelems)
		qsort(s->elems, s->nelems, sizeof(*s->elems), by_key);
	*out = s;
	return 0;
}

/* The first kept message of chain name, or NULL. */
static const struct kept *first_of(const struct kept *v, unsigned n, const char *name)
{
	unsigned lo = 0, hi = n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].chain, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].chain, name) ? &v[lo] : NULL;
}

/* The rules of chain name, in order, through the reader. */
static int replay_rules(const struct fw_snapshot *s, struct reader *rd, const char *name)
{
	const struct kept *k = first_of(s->rules, s->nrules, name), *end = s->rules + s->nrules;
	int err = 0;

	for (; k && k < end && !strcmp(k->chain, name) && !err; k++) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		if (!r)
			return -ENOMEM;
		if (nftnl_rule_nlmsg_parse((const struct nlmsghdr *)(s->buf + k->off), r) == 0)
			err = fw_rd_rule(rd, r);
		nftnl_rule_free(r);
	}
	return err;
}

/* The element a get of plan element k's key finds: the one of that key
 * (not an interval's end) or, in an interval map, the interval that holds
 * it (the greatest start at or below it, when its end lies above). */
static const struct kept_elem *find_elem(const struct fw_snapshot *s, const struct fw_elem *el)
{
	struct kept_elem want = {.map = el->map};
	const struct kept_elem *best = NULL;
	unsigned lo = 0, hi = s->nelems;

	fw_elem_key(el, true, want.key);
	while (lo < hi) { /* the first element above want's key */
		unsigned mid = lo + (hi - lo) / 2;

		if (by_map_key(&s->elems[mid], &want) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (unsigned i = lo; i-- > 0 && s->elems[i].map == el->map;)
		if (!s->elems[i].end) {
			best = &s->elems[i];
			break;
		}
	if (!best || !memcmp(best->key, want.key, FW_ELEM_BYTES))
		return best;
	if (!fw_maps[el->map].interval)
		return NULL;
	/* a start below the key holds it unless an end lies between, or at
	 * the key (an interval's end is the first address past it) */
	for (unsigned i = (unsigned)(best - s->elems) + 1; i < lo; i++)
		if (s->elems[i].end)
			return NULL;
	return best;
}

int fw_read_in(const struct fw_snapshot *s, const struct fw_plan *p, struct fw_found *f,
	       struct nl_err *e)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	int err = 0;

	memset(f, 0, sizeof(*f));
	if (!rd)
		return nl_err_set(e, -ENOMEM, "check", "firewall of network %s", p->name);
	rd->p = p;
	rd->f = f;
	rd->mode = FW_READ_CHECK;
	f->present = s->present;
	f->ours = s->ours;
	for (unsigned i = 0; i < s->nchains && !err; i++) {
		struct nftnl_chain *c;

		if (!s->chains[i].base)
			continue;
		if (!(c = nftnl_chain_alloc()))
			err = -ENOMEM;
		else if (nftnl_chain_nlmsg_parse(
				 (const struct nlmsghdr *)(s->buf + s->chains[i].off), c) == 0)
			fw_rd_chain(rd, c);
		if (c)
			nftnl_chain_free(c);
	}
	for (unsigned i = 0; i < FW_NBASES && !err; i++)
		err = replay_rules(s, rd, fw_bases[i].name);
	for (unsigned c = 0; c < p->nchains && !err; c++) {
		rd->pabsent[c] = !first_of(s->chains, s->nchains, p->chain[c]);
		err = replay_rules(s, rd, p->chain[c]);
	}
	for (unsigned i = 0; i < s->nfwd && !err; i++) {
		if (!fw_elem_owned(p, &s->fwd[i]))
			continue;
		if (f->nelems >= FW_FOUND_ELEMS)
			err = -E2BIG;
		else
			f->elem[f->nelems++] = s->fwd[i];
	}
	for (unsigned k = 0; k < p->nelems && !err; k++) {
		const struct kept_elem *x;

		if (p->elem[k].map >= FW_MAP_FWD_ANY)
			continue;
		if ((x = find_elem(s, &p->elem[k])))
			fw_rd_judge(rd, k, x->key, x->klen, x->chain[0] ? x->chain : NULL,
				    x->has_verdict, x->verdict);
	}
	if (!err && rd->err)
		err = rd->err;
	if (!err)
		fw_rd_conclude_apply(rd, NULL);
	free(rd);
	if (err)
		return nl_err_set(e, err, "check", "firewall of network %s", p->name);
	if (!f->present || f->ours)
		return 0;
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, "table inet " FW_TABLE,
		       "exists and is not vnet's (it lacks comment \"%s\")", FW_TABLE_COMMENT);
}
