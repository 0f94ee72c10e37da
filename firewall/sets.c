/* sets — the sets and maps of the tables vnet does not own, so that a
 * lookup (`ct state { established, related }`, `tcp dport { 22, 80 }`,
 * `ip saddr @blocklist`, `iifname vmap { "br0" : jump zone }`) is decided
 * like any match: a set's description comes with the ruleset's dump, its
 * elements in one more send (one dump per set). Interval sets hold a start
 * element and an end element per range; a key is in the set when the
 * greatest element not above it starts a range. Sets with concatenated
 * ranges, keys longer than DATASZ or more than SET_MAX elements are not
 * read: their lookups say maybe. */
#include "firewall/inspect.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define PUSH(rs, arr, n, cap)                                                                      \
	fw_push((rs), (void **)&(rs)->arr, &(rs)->n, &(rs)->cap, sizeof(*(rs)->arr))

uint8_t fw_verdict_of(int code)
{
	switch (code) {
	case NF_ACCEPT:
		return V_ACCEPT;
	case NF_DROP:
		return V_DROP;
	case NFT_JUMP:
		return V_JUMP;
	case NFT_GOTO:
		return V_GOTO;
	case NFT_RETURN:
		return V_RETURN;
	case NFT_CONTINUE:
		return V_NONE;
	default:
		return V_OTHER;
	}
}

int fw_set_find(const struct fw_ruleset *rs, uint8_t family, const char *table, const char *name)
{
	for (unsigned i = 0; i < rs->nset; i++)
		if (rs->set[i].family == family && !strcmp(rs->set[i].table, table) &&
		    !strcmp(rs->set[i].name, name))
			return (int)i;
	return -1;
}

void fw_set_got(struct fw_ruleset *rs, const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();
	const char *table, *name;
	struct xset *x;

	if (s && nftnl_set_nlmsg_parse(nlh, s) == 0 &&
	    (table = nftnl_set_get_str(s, NFTNL_SET_TABLE)) &&
	    (name = nftnl_set_get_str(s, NFTNL_SET_NAME)) && (x = PUSH(rs, set, nset, capset))) {
		x->family = (uint8_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY);
		snprintf(x->table, sizeof(x->table), "%s", table);
		snprintf(x->name, sizeof(x->name), "%s", name);
		x->flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
		x->klen = nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN);
		x->first = 0;
	}
	if (s)
		nftnl_set_free(s);
}

struct elems {
	struct fw_ruleset *rs;
	struct xset *set;
};

static int got_elem(struct nftnl_set_elem *se, void *data)
{
	struct elems *el = data;
	struct xset *set = el->set;
	uint32_t len = 0;
	const void *key = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &len);
	struct xelem *x;

	if (!set->usable)
		return 0;
	if (!key || len != set->klen || nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_KEY_END) ||
	    set->n >= SET_MAX || set->first + set->n != el->rs->nelem ||
	    !(x = PUSH(el->rs, elem, nelem, capelem))) {
		set->usable = false;
		return 0;
	}
	set->n++;
	memcpy(x->key, key, len);
	x->end = nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_FLAGS) &&
		 (nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END);
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_VERDICT))
		x->verdict = fw_verdict_of((int)nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_VERDICT));
	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_CHAIN))
		snprintf(x->chain, sizeof(x->chain), "%s",
			 nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN));
	return 0;
}

static int elems_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct fw_ruleset *rs = data;
	struct nftnl_set *s;
	struct elems el = {.rs = rs};

	(void)idx;
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSETELEM || !(s = nftnl_set_alloc()))
		return 0;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0 && nftnl_set_get_str(s, NFTNL_SET_TABLE) &&
	    nftnl_set_get_str(s, NFTNL_SET_NAME)) {
		int i = fw_set_find(rs, (uint8_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY),
				    nftnl_set_get_str(s, NFTNL_SET_TABLE),
				    nftnl_set_get_str(s, NFTNL_SET_NAME));

		if (i >= 0 && (el.set = &rs->set[i])->n == 0)
			el.set->first = rs->nelem; /* a set's elements come in one dump */
		if (i >= 0)
			nftnl_set_elem_foreach(s, got_elem, &el);
	}
	nftnl_set_free(s);
	return rs->nomem ? -ENOMEM : 0;
}

static int by_key(const void *a, const void *b, void *len)
{
	return memcmp(((const struct xelem *)a)->key, ((const struct xelem *)b)->key,
		      *(const uint32_t *)len);
}

static int put_elem_dump(struct nl_batch *b, const struct xset *set)
{
	struct nlmsghdr *nlh =
		nl_batch_add(b, (uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETSETELEM),
			     NLM_F_DUMP, "list", "set %s", set->name);
	struct nfgenmsg *g;

	if (!nlh)
		return -EMSGSIZE;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = set->family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, set->table);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set->name);
	return 0;
}

int fw_sets_read_elems(struct fw *fw, struct fw_ruleset *rs, struct nl_err *e)
{
	struct nl_batch *b;
	unsigned idx[NL_BATCH_MAX], n = 0;
	int err = 0;

	if (!rs->nset)
		return 0;
	if (!(b = nl_batch_new()))
		return nl_err_set(e, -ENOMEM, "read", "nftables sets");
	for (unsigned i = 0; i < rs->nset && n < NL_BATCH_MAX; i++) {
		if (rs->set[i].klen == 0 || rs->set[i].klen > DATASZ ||
		    (rs->set[i].flags & NFT_SET_CONCAT) || put_elem_dump(b, &rs->set[i]))
			continue;
		rs->set[i].usable = true;
		idx[n++] = i;
	}
	/* a set gone since the first read fails its own dump only */
	if (n && (err = nl_batch_send(&fw->s, b, elems_cb, rs, e)) && err != -ENOMEM) {
		nl_err_clear(e);
		err = 0;
	}
	for (unsigned k = 0; k < n && k < b->n; k++)
		if (b->req[k].err)
			rs->set[idx[k]].usable = false;
	for (unsigned i = 0; !err && i < rs->nset; i++) {
		if (rs->set[i].usable && rs->set[i].n > 1)
			qsort_r(rs->elem + rs->set[i].first, rs->set[i].n, sizeof(*rs->elem),
				by_key, &rs->set[i].klen);
	}
	nl_batch_free(b);
	return err;
}

/* The element an interval set holds key in (the last one not above it,
 * when it starts a range), or NULL. */
static const struct xelem *in_range(const struct fw_ruleset *rs, const struct xset *set,
				    const uint8_t *key)
{
	const struct xelem *best = NULL;

	for (unsigned i = 0; i < set->n; i++)
		if (memcmp(rs->elem[set->first + i].key, key, set->klen) <= 0)
			best = &rs->elem[set->first + i]; /* sorted */
	return best && !best->end ? best : NULL;
}

int fw_set_lookup(const struct fw_ruleset *rs, const struct xset *set, const uint8_t *v,
		  const uint8_t *k, const struct xelem **el)
{
	uint8_t lo[DATASZ], hi[DATASZ];
	unsigned cand = 0;
	bool all = true;

	*el = NULL;
	for (unsigned i = 0; i < set->klen; i++) {
		lo[i] = v[i] & k[i];
		hi[i] = (uint8_t)(lo[i] | ~k[i]);
		all &= k[i] == 0xff;
	}
	if (!(set->flags & NFT_SET_INTERVAL)) {
		/* the elements that agree with every known bit */
		for (unsigned i = 0; i < set->n; i++) {
			const struct xelem *x = &rs->elem[set->first + i];
			bool agree = true;

			for (unsigned b = 0; b < set->klen; b++)
				agree &= ((x->key[b] ^ v[b]) & k[b]) == 0;
			if (agree && !cand++)
				*el = x;
		}
		return !cand ? 0 : all ? 2 : 1;
	}
	/* every value the key may hold lies in [lo, hi]: decided when no
	 * range starts or ends inside it */
	*el = in_range(rs, set, lo);
	for (unsigned i = 0; i < set->n; i++) {
		const uint8_t *x = rs->elem[set->first + i].key;

		if (memcmp(x, lo, set->klen) > 0 && memcmp(x, hi, set->klen) <= 0)
			return 1;
	}
	return *el ? 2 : 0;
}
