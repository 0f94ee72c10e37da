/* read.h — what the readers of table inet vnet share (read.c: apply, repair,
 * check; read_refs.c: removal and the references that may block it). Not
 * for other modules: they call fw_read and fw_read_refs (internal.h). */
#ifndef VNET_FIREWALL_READ_H
#define VNET_FIREWALL_READ_H

#include "firewall/internal.h"

#include <stdbool.h>
#include <stdint.h>

struct nftnl_chain;
struct nftnl_rule;
struct nftnl_set_elem;

/* A wanted rule's digest, made on first use: most reads of a new
 * network's chains find nothing to compare. */
struct want {
	bool made;
	uint8_t d[FW_DIGEST_LEN];
};

/* An element of nat_v4 or nat_v6 as dumped (fw_read_refs): an interval's
 * start with its jump target, or an end. */
struct nat_seen {
	uint8_t map, klen; /* FW_MAP_NAT_V4 (4 bytes) or FW_MAP_NAT_V6 (16) */
	uint8_t key[16];
	bool end;
	char chain[FW_NAMESIZ];
};

struct reader {
	const struct fw_plan *p;
	const struct fw_plan *was; /* apply: forwards read by key, p's and was's */
	struct fw_found *f;
	enum fw_read_mode mode;
	bool refs;		    /* fw_read_refs */
	bool damaged[FW_NBASES];    /* a base chain holds other rules than ours */
	unsigned seen[FW_NBASES];   /* rules read per base chain */
	bool base_found[FW_NBASES]; /* the chain of that name is there */
	unsigned pseen[FW_NCHAINS];
	bool pdiffers[FW_NCHAINS];
	bool pforeign[FW_NCHAINS]; /* a base chain not vnet's has the plan chain's name */
	bool pabsent[FW_NCHAINS];  /* read_all: no chain of that name */
	uint8_t map;		   /* of the elements being read */
	int err;		   /* a wanted rule that could not be built */
	unsigned chains_first;	   /* the plan chains' dumps (apply) or gets (remove) */
	/* check, remove: requests from get_first on get the plan elements get_elem[] */
	unsigned get_first, nget, get_elem[FW_PLAN_ELEMS];
	/* refs: whether a dispatch map gives the bridge to another chain, the
	 * sets hold it (bridges, dhcp_bridges), and nat_v4 as dumped */
	bool bridge_other, set_has[2];
	struct nat_seen *nat;
	unsigned nnat, natcap;
	struct want base[FW_NBASES][FW_BASE_RULES];
	struct want plan[FW_PLAN_RULES];
};

/* Whether name is one of the plan's chains; its place in *c. */
bool fw_rd_plan_chain(const struct fw_plan *p, const char *name, unsigned *c);
/* Sends the read b; ENOENT (no table, chain, map or element) is for the
 * reader to tell. */
int fw_rd_send(struct nl_sock *s, struct nl_batch *b, struct reader *rd, struct nl_err *e);
/* A chain of the table, got by name or dumped (read.c's got_chain). */
void fw_rd_chain(struct reader *rd, const struct nftnl_chain *c);
/* A rule of the table, checked against a base chain's or the plan's. */
int fw_rd_rule(struct reader *rd, struct nftnl_rule *r);
/* Plan element k against the element the kernel holds for its key (an
 * interval's start; have NULL: none): its key, its jump target, else its
 * verdict (verdict_set: it has one). */
void fw_rd_judge(struct reader *rd, unsigned k, const uint8_t *have, uint32_t hlen,
		 const char *chain, bool verdict_set, int verdict);
/* After an apply's, repair's or check's read (b NULL: read_all's). */
void fw_rd_conclude_apply(const struct reader *rd, const struct nl_batch *b);
/* refs: a rule of another chain that jumps to one of the network's. */
int fw_rd_ref_rule(struct reader *rd, struct nftnl_rule *r, const char *chain);
/* refs: an element of a dispatch map or set (nftnl_set_elem_foreach). */
int fw_rd_ref_elem(struct nftnl_set_elem *se, void *data);
/* After a removal's read: what of it is the network's. */
void fw_rd_conclude_remove(const struct reader *rd, const struct nl_batch *b);

#endif
