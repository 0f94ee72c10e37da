/* internal — what the firewall modules share with each other (and with
 * their unit tests) but not with other layers: the plan's insides, the
 * fixed layout of table inet vnet, and the batch builders. */
#ifndef VNET_FIREWALL_INTERNAL_H
#define VNET_FIREWALL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "ifname.h"
#include "plan.h"
#include "sock.h"

#define FW_TABLE	 "vnet"
#define FW_TABLE_COMMENT "managed by vnet"

enum fw_map_id { FW_MAP_TO_BRIDGE, FW_MAP_FROM_BRIDGE, FW_MAP_NAT_V4, FW_NMAPS };

struct fw_map_def {
	const char *name;
	const char *type;  /* as nft prints it: "ifname : verdict" */
	uint32_t key_type; /* nft's datatype number, so nft lists the type */
	uint32_t key_len;
	uint32_t key_order; /* nft's byte order of the key (user data): 1 host, 2 big endian */
	bool interval;
};

#define FW_BASE_RULES 2

struct fw_base_def {
	const char *name;
	const char *type; /* "filter", "nat" */
	uint32_t hook;	  /* NF_INET_* */
	int prio;
	const char *spec; /* the chain's first line in nft's listing */
	unsigned nrules;
	struct fw_term rule[FW_BASE_RULES]; /* one term each: the vmap */
};

enum { FW_NBASES = 2 };

extern const struct fw_map_def fw_maps[FW_NMAPS];
extern const struct fw_base_def fw_bases[FW_NBASES];

#define FW_RULE_TERMS 6
#define FW_PLAN_RULES 48
#define FW_PLAN_ELEMS (2 + FW_MAX_SUBNETS)
enum { FW_NCHAINS = 3 }; /* NET-in, NET-out, NET-nat */

struct fw_rule {
	char chain[FW_NAMESIZ];
	unsigned pos; /* 1-based position in its chain, for messages */
	unsigned nterms;
	struct fw_term term[FW_RULE_TERMS];
};

struct fw_elem {
	uint8_t map;		  /* enum fw_map_id */
	char ifname[NL_IFNAMSIZ]; /* key of the ifname maps */
	struct nl_prefix prefix;  /* key of nat_v4 */
	char chain[FW_NAMESIZ];	  /* jump target */
};

struct fw_plan {
	char name[NL_IFNAMSIZ];
	char bridge[NL_IFNAMSIZ];
	enum fw_model model;
	unsigned nchains;
	char chain[FW_NCHAINS][FW_NAMESIZ];
	unsigned nrules;
	struct fw_rule rule[FW_PLAN_RULES]; /* grouped by chain, in chain order */
	unsigned nelems;
	struct fw_elem elem[FW_PLAN_ELEMS];
};

/* The plan of everything any model may have put in the table for network
 * n (its three chains and every element its bridge and IPv4 subnets key),
 * without rules: what fw_remove() deletes, so that a network is removed
 * completely even when its model changed since it was applied. */
int fw_plan_build_all(const struct fw_net *n, struct fw_plan **out, struct nl_err *e);

/* A rule as nft prints it: its terms joined by spaces. Returns the length
 * that was needed, like snprintf. */
int fw_rule_str(const struct fw_rule *r, char *buf, size_t n);
/* An element as nft prints it: "\"lan0\" : jump n-in". */
int fw_elem_str(const struct fw_elem *el, char *buf, size_t n);

/* The batch builders (no socket): apply = create-or-replace the network's
 * objects (with the table's skeleton when skel), remove = ensure then delete
 * them; both between BATCH_BEGIN and BATCH_END. Append to b; -EMSGSIZE when
 * b cannot hold them. */
int fw_batch_apply(struct nl_batch *b, const struct fw_plan *p, bool skel, struct nl_err *e);
int fw_batch_remove(struct nl_batch *b, const struct fw_plan *p, struct nl_err *e);
/* Reads of table inet vnet (NFT_MSG_NEWTABLE or ENOENT) and of the rules
 * of its base chains (dumps). */
int fw_batch_read(struct nl_batch *b, struct nl_err *e);

#endif
