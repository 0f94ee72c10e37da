/* read_refs — what a removal reads of table inet vnet (fw_read in mode
 * REMOVE concludes here), and fw_read_refs, the whole read of what may
 * block it.
 *
 * A removal reads what of the network is there, by name and by key: its
 * chains (gets), each dispatch element by its key (an element is the
 * network's when its key is the plan's and it jumps to the network's own
 * chain; a set's element of its bridge, unless a dispatch map gives that
 * bridge to another network's chain), and its forwards (those into its
 * subnets, unless another network's nat_v4 element holds the subnet). When
 * the kernel refuses that removal because a chain is still referenced (an
 * element of another key, a rule of another chain jumping to it),
 * fw_read_refs reads vnet's maps and sets and the table's rules whole and
 * finds every such reference: the second removal takes them first. */
#include "firewall/read.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>

/* refs: a rule of a chain that is not the network's jumping (or going)
 * to one of the network's chains. */
int fw_rd_ref_rule(struct reader *rd, struct nftnl_rule *r, const char *chain)
{
	struct nftnl_expr_iter *it;
	struct nftnl_expr *x;
	struct fw_ref_rule *ref;
	bool refers = false;

	if (fw_rd_plan_chain(rd->p, chain, NULL))
		return 0; /* goes with its chain */
	if (!(it = nftnl_expr_iter_create(r)))
		return -ENOMEM;
	while (!refers && (x = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);

		refers = name && !strcmp(name, "immediate") &&
			 nftnl_expr_is_set(x, NFTNL_EXPR_IMM_CHAIN) &&
			 fw_rd_plan_chain(rd->p, nftnl_expr_get_str(x, NFTNL_EXPR_IMM_CHAIN), NULL);
	}
	nftnl_expr_iter_destroy(it);
	if (!refers)
		return 0;
	if (rd->f->nrefs >= FW_REF_RULES)
		return -E2BIG;
	ref = &rd->f->ref[rd->f->nrefs++];
	ref->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	snprintf(ref->chain, sizeof(ref->chain), "%s", chain);
	return 0;
}

static int add_raw(struct reader *rd, uint8_t map, const uint8_t *key, uint32_t klen, bool end)
{
	struct fw_raw_elem *r;

	if (klen > FW_ELEM_BYTES)
		return 0;
	if (rd->f->nraw >= FW_RAW_ELEMS)
		return -E2BIG;
	r = &rd->f->raw[rd->f->nraw++];
	r->map = map;
	r->end = end;
	r->klen = (uint8_t)klen;
	memcpy(r->key, key, klen);
	return 0;
}

/* refs: an element of a dispatch map or set. */
int fw_rd_ref_elem(struct nftnl_set_elem *se, void *data)
{
	struct reader *rd = data;
	uint32_t klen = 0, flags = 0;
	const uint8_t *k = nftnl_set_elem_get(se, NFTNL_SET_ELEM_KEY, &klen);
	const char *chain = nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_CHAIN)
				    ? nftnl_set_elem_get_str(se, NFTNL_SET_ELEM_CHAIN)
				    : NULL;
	bool ours = fw_rd_plan_chain(rd->p, chain, NULL), bridge;
	uint8_t br[FW_ELEM_BYTES];
	struct fw_elem brel = {.map = FW_MAP_BRIDGES};

	if (nftnl_set_elem_is_set(se, NFTNL_SET_ELEM_FLAGS))
		flags = nftnl_set_elem_get_u32(se, NFTNL_SET_ELEM_FLAGS);
	if (!k)
		return 0;
	if (rd->map == FW_MAP_NAT_V4 || rd->map == FW_MAP_NAT_V6) {
		struct nat_seen *n;

		if (klen != (rd->map == FW_MAP_NAT_V6 ? 16u : 4u))
			return 0;
		if (rd->nnat == rd->natcap) {
			n = realloc(rd->nat,
				    (rd->natcap = rd->natcap ? 2 * rd->natcap : 16) * sizeof(*n));
			if (!n)
				return -ENOMEM;
			rd->nat = n;
		}
		n = &rd->nat[rd->nnat++];
		n->map = rd->map;
		n->klen = (uint8_t)klen;
		memcpy(n->key, k, klen);
		n->end = flags & NFT_SET_ELEM_INTERVAL_END;
		snprintf(n->chain, sizeof(n->chain), "%s", chain && !n->end ? chain : "");
		return 0;
	}
	snprintf(brel.ifname, sizeof(brel.ifname), "%s", rd->p->bridge);
	bridge = klen == fw_elem_key(&brel, true, br) && !memcmp(k, br, klen);
	if (fw_maps[rd->map].data == FW_DATA_VERDICT) {
		rd->bridge_other |= bridge && chain && !ours;
		return ours ? add_raw(rd, rd->map, k, klen, false) : 0;
	}
	if (bridge)
		rd->set_has[rd->map == FW_MAP_DHCP] = true;
	return 0;
}

/* The plan's element holding forward el's guest in its subnet: nat_v4's
 * or nat_v6's. */
static int nat_elem_of(const struct fw_plan *p, const struct fw_elem *el)
{
	for (unsigned k = 0; k < p->nelems; k++)
		if ((p->elem[k].map == FW_MAP_NAT_V4 || p->elem[k].map == FW_MAP_NAT_V6) &&
		    p->elem[k].prefix.family == el->to.family &&
		    nl_prefix_contains(&p->elem[k].prefix, &el->to))
			return (int)k;
	return -1;
}

/* After a removal's read: what of it is the network's. */
void fw_rd_conclude_remove(const struct reader *rd, const struct nl_batch *b)
{
	const struct fw_plan *p = rd->p;
	struct fw_found *f = rd->f;
	bool other = false;
	unsigned n = 0;

	for (unsigned c = 0; c < p->nchains; c++) {
		unsigned i = rd->chains_first + c;

		f->chain[c] =
			i < b->n && b->req[i].err == -ENOENT ? FW_CHAIN_ABSENT : FW_CHAIN_WHOLE;
	}
	/* the bridge's dispatch elements jump to another network's chains:
	 * the sets' elements of that name are that network's */
	for (unsigned k = 0; k < p->nelems; k++)
		other |= (p->elem[k].map == FW_MAP_TO_BRIDGE ||
			  p->elem[k].map == FW_MAP_FROM_BRIDGE) &&
			 f->elem_have[k][0];
	for (unsigned k = 0; k < p->nelems; k++)
		f->del[k] = (f->elem_ok[k] &&
			     (fw_maps[p->elem[k].map].data == FW_DATA_VERDICT || !other)) ||
			    f->elem_stray[k];
	/* A forward into a subnet whose nat_v4 element is the network's is
	 * its; one in a subnet another network's element holds is that
	 * network's. Else (the network never ran, or its element went) another
	 * network's interval may hold the guest from elsewhere in the subnet:
	 * fw_read_refs decides. */
	for (unsigned i = 0; i < f->nelems; i++) {
		int k = nat_elem_of(p, &f->elem[i]);

		if (k >= 0 && !f->elem_ok[k] && f->elem_have[k][0] &&
		    strcmp(f->elem_have[k], p->elem[k].chain))
			continue;
		f->unsure |= k < 0 || !f->elem_ok[k];
		f->elem[n++] = f->elem[i];
	}
	f->nelems = n;
}

static int by_nat_key(const void *x, const void *y)
{
	const struct nat_seen *a = x, *b = y;

	return a->map != b->map ? (int)a->map - (int)b->map : memcmp(a->key, b->key, a->klen);
}

/* The end of the interval that starts at nat[i] (sorted): the first end
 * above its start; NULL when it reaches the top. */
static const struct nat_seen *nat_end(const struct reader *rd, unsigned i)
{
	for (unsigned j = i + 1; j < rd->nnat; j++)
		if (rd->nat[j].map == rd->nat[i].map && rd->nat[j].end &&
		    memcmp(rd->nat[j].key, rd->nat[i].key, rd->nat[i].klen) > 0)
			return &rd->nat[j];
	return NULL;
}

/* After fw_read_refs: every element jumping to the network's chains goes
 * (an interval with its end), the sets' elements of its bridge unless the
 * maps give it to another chain, and the forwards into its subnets but
 * those in another network's interval. */
static int conclude_refs(struct reader *rd)
{
	struct fw_found *f = rd->f;
	struct fw_elem brel = {.map = FW_MAP_BRIDGES};
	uint8_t br[FW_ELEM_BYTES];
	size_t brlen;
	unsigned n = 0;
	int err = 0;

	memset(f->del, 0, sizeof(f->del));
	qsort(rd->nat, rd->nnat, sizeof(*rd->nat), by_nat_key);
	for (unsigned i = 0; i < rd->nnat && !err; i++) {
		const struct nat_seen *end = nat_end(rd, i);

		if (rd->nat[i].end || !fw_rd_plan_chain(rd->p, rd->nat[i].chain, NULL))
			continue;
		err = add_raw(rd, rd->nat[i].map, rd->nat[i].key, rd->nat[i].klen, false);
		if (!err && end)
			err = add_raw(rd, end->map, end->key, end->klen, true);
	}
	snprintf(brel.ifname, sizeof(brel.ifname), "%s", rd->p->bridge);
	brlen = fw_elem_key(&brel, true, br);
	for (unsigned s = 0; s < 2 && !err; s++)
		if (rd->set_has[s] && !rd->bridge_other)
			err = add_raw(rd, s ? FW_MAP_DHCP : FW_MAP_BRIDGES, br, (uint32_t)brlen,
				      false);
	for (unsigned i = 0; i < f->nelems; i++) {
		bool theirs = false;

		for (unsigned j = 0; j < rd->nnat && !theirs; j++) {
			const struct nat_seen *end = nat_end(rd, j);

			theirs = rd->nat[j].map == (f->elem[i].to.family == AF_INET6
							    ? FW_MAP_NAT_V6
							    : FW_MAP_NAT_V4) &&
				 !rd->nat[j].end && rd->nat[j].chain[0] &&
				 !fw_rd_plan_chain(rd->p, rd->nat[j].chain, NULL) &&
				 memcmp(f->elem[i].to.a.b, rd->nat[j].key, rd->nat[j].klen) >= 0 &&
				 (!end || memcmp(f->elem[i].to.a.b, end->key, end->klen) < 0);
		}
		if (!theirs)
			f->elem[n++] = f->elem[i];
	}
	f->nelems = n;
	return err;
}

int fw_read_refs(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p, struct fw_found *f,
		 struct nl_err *e)
{
	static const unsigned maps[] = {FW_MAP_TO_BRIDGE, FW_MAP_FROM_BRIDGE, FW_MAP_NAT_V4,
					FW_MAP_NAT_V6,	  FW_MAP_BRIDGES,     FW_MAP_DHCP,
					FW_MAP_FWD_ANY,	  FW_MAP_FWD_ADDR,    FW_MAP_FWD6_ANY,
					FW_MAP_FWD6_ADDR};
	struct reader *rd = calloc(1, sizeof(*rd));
	int err = 0;

	if (!rd)
		return nl_err_set(e, -ENOMEM, "read", "table inet %s", FW_TABLE);
	rd->p = p;
	rd->f = f;
	rd->mode = FW_READ_REMOVE;
	rd->refs = true;
	f->nelems = f->nraw = f->nrefs = 0;
	nl_batch_reset(b);
	for (unsigned i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++)
		err = fw_batch_dump_elems(b, maps[i], e);
	if (!err)
		err = fw_batch_dump_rules(b, NULL, e);
	if (!err)
		err = fw_rd_send(s, b, rd, e);
	if (!err && (err = conclude_refs(rd)))
		nl_err_set(e, err, "read", "table inet %s for network %s", FW_TABLE, p->name);
	nl_batch_reset(b);
	free(rd->nat);
	free(rd);
	return err;
}
