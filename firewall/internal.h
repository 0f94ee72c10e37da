/* internal — what the firewall modules share with each other (and with
 * their unit tests) but not with other layers: the plan's insides, the
 * fixed layout of table inet vnet, and the batch builders. */
#ifndef VNET_FIREWALL_INTERNAL_H
#define VNET_FIREWALL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "firewall/expr.h"
#include "common/ifname.h"
#include "firewall/plan.h"
#include "nlink/sock.h"

#define FW_TABLE "vnet"
/* the bridge-family table of DHCP kept off the tunnels (tunnel.c) */
#define FW_TUNNEL_TABLE	 "vnet_tunnel"
#define FW_TABLE_COMMENT "managed by vnet"

/* The table's maps and sets, in the order they are made and listed. */
enum fw_map_id {
	FW_MAP_TO_BRIDGE,
	FW_MAP_FROM_BRIDGE,
	FW_MAP_NAT_V4,
	FW_MAP_NAT_V6,
	FW_MAP_BRIDGES,
	FW_MAP_DHCP,
	FW_MAP_FWD_ANY,
	FW_MAP_FWD_ADDR,
	FW_MAP_FWD6_ANY,
	FW_MAP_FWD6_ADDR,
	FW_NMAPS
};

/* What a map's elements hold besides the key: nothing (a set), a verdict,
 * or an IPv4 address and a port (DNAT). */
enum fw_data { FW_DATA_NONE, FW_DATA_VERDICT, FW_DATA_ADDR_PORT };

struct fw_map_def {
	const char *name;
	const char *type;  /* as nft prints it: "ifname : verdict" */
	uint32_t key_type; /* nft's datatype number (concatenations: 6 bits a part), so
			      nft lists the type */
	uint32_t key_len;
	uint32_t key_order; /* nft's byte order of the key (user data): 1 host, 2 big endian */
	bool interval;
	uint8_t data;	    /* enum fw_data */
	uint32_t data_type; /* FW_DATA_ADDR_PORT: nft's datatype of the data, as key_type */
	uint32_t data_len;
};

#define FW_BASE_RULES 8
#define FW_BASE_TERMS 4

struct fw_base_def {
	const char *name;
	const char *type; /* "filter", "nat" */
	uint32_t hook;	  /* NF_INET_* */
	int prio;
	const char *spec; /* the chain's first line in nft's listing */
	unsigned nrules;
	struct {
		unsigned nterms;
		struct fw_term term[FW_BASE_TERMS];
	} rule[FW_BASE_RULES];
};

enum { FW_NBASES = 5 };

extern const struct fw_map_def fw_maps[FW_NMAPS];
extern const struct fw_base_def fw_bases[FW_NBASES];

#define FW_RULE_TERMS 6
#define FW_PLAN_RULES 48
#define FW_PLAN_ELEMS (4 + FW_MAX_SUBNETS + FW_MAX_FORWARDS)
enum { FW_NCHAINS = 3 }; /* NET-in, NET-out, NET-nat */

struct fw_rule {
	uint8_t chain; /* its chain: a place in its plan's chain[] (a base rule: in fw_bases) */
	unsigned pos;  /* 1-based position in its chain, for messages */
	unsigned nterms;
	struct fw_term term[FW_RULE_TERMS];
};

struct fw_elem {
	uint8_t map;		  /* enum fw_map_id */
	char ifname[NL_IFNAMSIZ]; /* key of the ifname maps and sets */
	struct nl_prefix prefix;  /* key of nat_v4; the address of fwd_addr's key */
	uint8_t proto;		  /* fwd_*: the key's protocol and port */
	uint16_t port;
	struct nl_prefix to; /* fwd_*: the guest's address and port */
	uint16_t to_port;
	char chain[FW_NAMESIZ]; /* jump target */
};

struct fw_plan {
	char name[NL_IFNAMSIZ];
	char bridge[NL_IFNAMSIZ];
	enum fw_model model;
	unsigned nsubnets;
	struct nl_prefix subnet[FW_MAX_SUBNETS];
	unsigned nchains;
	char chain[FW_NCHAINS][FW_NAMESIZ];
	unsigned nrules;
	struct fw_rule rule[FW_PLAN_RULES]; /* grouped by chain, in chain order */
	unsigned nelems;
	struct fw_elem elem[FW_PLAN_ELEMS];
};

/* The plan of everything any model may have put in the table for network
 * n (its three chains and every element its bridge and IPv4 subnets key),
 * without rules and without forwards (fw_remove() finds those by reading
 * the forward maps): what fw_remove() deletes, so that a network is removed
 * completely even when its model changed since it was applied. */
int fw_plan_build_all(const struct fw_net *n, struct fw_plan **out, struct nl_err *e);

/* How many rules the plan puts in its chain c. */
unsigned fw_plan_chain_rules(const struct fw_plan *p, unsigned c);

/* A rule as nft prints it: its terms joined by spaces. Returns the length
 * that was needed, like snprintf. */
int fw_rule_str(const struct fw_rule *r, char *buf, size_t n);
/* An element as nft prints it: "\"lan0\" : jump n-in", "tcp . 8080 :
 * 10.0.1.5 . 80". */
int fw_elem_str(const struct fw_elem *el, char *buf, size_t n);
/* The element's key as nft prints it ("\"lan0\"", "tcp . 8080"). */
int fw_elem_key_str(const struct fw_elem *el, char *buf, size_t n);
/* Whether a forward element points into one of the plan's subnets (then
 * it is the plan's network's). */
bool fw_elem_owned(const struct fw_plan *p, const struct fw_elem *el);
/* Two elements of one map with the same key / with the same key and data. */
bool fw_elem_same_key(const struct fw_elem *x, const struct fw_elem *y);
bool fw_elem_equal(const struct fw_elem *x, const struct fw_elem *y);

/* An element's key and data in bytes. In the kernel (regs) each part of a
 * concatenation ("10.0.0.1 . tcp . 8080") sits in a 32-bit register of its
 * own, a protocol or a port zero-padded to 4 bytes; nft sorts a listing by
 * the parts packed (!regs). Interface names are NL_IFNAMSIZ bytes,
 * zero-padded, either way. Both return the length written to out, which
 * holds FW_ELEM_BYTES. fw_elem_data: a forward element's data (the
 * guest's address . port), in registers. */
#define FW_ELEM_BYTES 32 /* fwd6_addr's key: an IPv6 address, proto, port in registers */
size_t fw_elem_key(const struct fw_elem *el, bool regs, uint8_t *out);
size_t fw_elem_data(const struct fw_elem *el, uint8_t *out);
/* The reverse, for an element of forward map el->map: its key k and data d,
 * in registers, into el. false when they are too short. */
bool fw_elem_decode(struct fw_elem *el, const uint8_t *k, uint32_t klen, const uint8_t *d,
		    uint32_t dlen);

/* A rule's mark (rule.c): the digest of its expressions as libnftnl
 * builds them, in its user data under a type of vnet's (nft's own types
 * count up from 0, and nft skips a type it does not know when it lists a
 * rule). Why rules compare by it: read.c. */
#define FW_DIGEST_LEN	8
#define FW_UDATA_DIGEST 0x76
struct nftnl_rule;
/* Appends ru's expressions to r and marks r with their digest. 0,
 * -ENOMEM, -EINVAL (a term nft cannot express), -EMSGSIZE. */
int fw_rule_build(struct nftnl_rule *r, const struct fw_rule *ru);
/* Marks r, its expressions built, with their digest (the same user data);
 * out (may be NULL) gets it. */
int fw_rule_seal(struct nftnl_rule *r, uint8_t out[FW_DIGEST_LEN]);
/* The digest fw_rule_build() marks ru's rule with. */
int fw_rule_digest(const struct fw_rule *ru, uint8_t d[FW_DIGEST_LEN]);
/* The digest in a rule's user data (ud, len bytes, as the kernel returns
 * it); false when it holds none. */
bool fw_rule_mark(const void *ud, uint32_t len, uint8_t d[FW_DIGEST_LEN]);

/* Base rule k of base chain i, as a rule of that chain. */
void fw_base_rule(unsigned i, unsigned k, struct fw_rule *r);

/* What fw_apply and fw_remove read of the table before they send. */
enum fw_chain_state { FW_CHAIN_ABSENT, FW_CHAIN_DIFFERS, FW_CHAIN_WHOLE };
#define FW_FOUND_ELEMS (4 * FW_MAX_FORWARDS)
#define FW_FOREIGN     8   /* base chains not vnet's, named in a check */
#define FW_RAW_ELEMS   128 /* elements that jump to a network's chains, whatever their key */
#define FW_REF_RULES   16  /* rules that jump to a network's chains from elsewhere */

/* An element of a map as the kernel holds it (an interval's start, or its
 * end, flagged): deleted by its key as read. */
struct fw_raw_elem {
	uint8_t map; /* enum fw_map_id */
	bool end;    /* NFT_SET_ELEM_INTERVAL_END */
	uint8_t klen;
	uint8_t key[FW_ELEM_BYTES];
};

/* A rule outside a network's chains that jumps to one of them. */
struct fw_ref_rule {
	uint64_t handle;
	char chain[256]; /* NFT_CHAIN_MAXNAMELEN */
};

/* A base chain in table inet vnet that is not one of vnet's. */
struct fw_foreign {
	uint64_t handle;
	char name[64]; /* printable (nl_escape), cut to fit */
	char have[64]; /* "filter hook forward priority -5, policy drop" */
};

struct fw_found {
	uint32_t genid;	 /* the ruleset's generation the read saw (0: unknown) */
	bool present;	 /* table inet vnet exists */
	bool ours;	 /* with vnet's comment */
	bool skeleton;	 /* its base chains are as planned and hold exactly their rules */
	bool base_rules; /* the base chains that are there hold exactly their rules */
	/* apply and check: each base chain, by name (create) or in the dump of
	 * the table's chains (repair, check) */
	bool base_ok[FW_NBASES];       /* there with its type, hook, priority and policy accept */
	bool base_redo[FW_NBASES];     /* there with another type, hook or priority, or not a
					  base chain: deleted and made again */
	char base_have[FW_NBASES][64]; /* what is there when not ok: "absent", "policy drop" */
	/* repair and check: the base chains in the table that are not vnet's */
	unsigned nforeign;
	struct fw_foreign foreign[FW_FOREIGN];
	uint8_t chain[FW_NCHAINS]; /* enum fw_chain_state of the plan's chains, in its order
				      (remove: ABSENT or WHOLE, i.e. there) */
	unsigned nelems;
	struct fw_elem elem[FW_FOUND_ELEMS]; /* forward elements pointing into the plan's subnets
						(remove: only those that are the network's) */
	/* check and remove: the plan's dispatch elements (not forwards), each
	 * got by its key: found with the plan's key and data */
	bool elem_ok[FW_PLAN_ELEMS];
	char elem_have[FW_PLAN_ELEMS][FW_NAMESIZ]; /* the jump target found, when it differs */
	/* the plan's very key is there, with another verdict than a jump
	 * (elem_verdict: accept, drop ...): nobody's element, in vnet's own
	 * table; apply replaces it, remove takes it */
	bool elem_stray[FW_PLAN_ELEMS];
	int elem_verdict[FW_PLAN_ELEMS];
	/* remove: what goes. del: plan element k is there and the network's.
	 * raw, refs: found by fw_read_refs (elements and rules that jump to
	 * the network's chains, whatever their key), which then decide alone. */
	bool del[FW_PLAN_ELEMS];
	bool unsure; /* a forward whose owner only fw_read_refs can tell */
	unsigned nraw;
	struct fw_raw_elem raw[FW_RAW_ELEMS];
	unsigned nrefs;
	struct fw_ref_rule ref[FW_REF_RULES];
};

/* Whether table t carries vnet's mark, its comment FW_TABLE_COMMENT. */
struct nftnl_table;
bool fw_table_marked(const struct nftnl_table *t);

/* What a read is for, each one nl_batch_send:
 * APPLY (create, a port forward): the table; each base chain by name (a
 *   get: type, hook, priority, policy) and its rules; the rules of the
 *   plan's chains; the forward maps (a nat network).
 * REPAIR (up, vnetd): APPLY's, with one dump of the table's chains instead
 *   of the gets of the base chains, which also finds base chains that are
 *   not vnet's.
 * CHECK (status): REPAIR's, and a get of each dispatch element by key.
 * REMOVE: the table; the plan's chains by name; each dispatch element by
 *   key; the forward maps. Nothing that grows with the number of networks
 *   but the forward maps. */
enum fw_read_mode { FW_READ_APPLY, FW_READ_REPAIR, FW_READ_CHECK, FW_READ_REMOVE };

/* Reads the table for plan p into f. -EEXIST (kind conflict) when the
 * table is not vnet's. was (APPLY only; may be NULL): the plan p replaces,
 * whose forwards and p's are then read by key instead of the forward
 * maps whole. */
int fw_read(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p,
	    const struct fw_plan *was, enum fw_read_mode mode, struct fw_found *f,
	    struct nl_err *e);
/* read_all: what fw_read finds for a CHECK of plan p, from a snapshot of
 * the whole table instead of the kernel. */
struct fw_snapshot;
int fw_read_in(const struct fw_snapshot *s, const struct fw_plan *p, struct fw_found *f,
	       struct nl_err *e);
/* After a REMOVE read whose removal the kernel refused (a chain of the
 * network still referenced), or that found forwards in its subnets while
 * its nat_v4 element is not there (f->unsure: never ran, or drifted):
 * dumps vnet's maps and sets and the table's rules, and puts into f every
 * element and every rule outside the network's chains that jumps to one of
 * them (raw, refs), every set element keyed by its bridge (unless the
 * verdict maps give that bridge to another network), and only the forwards
 * into its subnets that no other network's nat_v4 interval holds. Rare:
 * grows with the number of networks. */
int fw_read_refs(struct nl_sock *s, struct nl_batch *b, const struct fw_plan *p, struct fw_found *f,
		 struct nl_err *e);

/* Starts an nf_tables message of family (NFPROTO_INET, NFPROTO_BRIDGE),
 * labelled op/obj for error reports; NULL when the batch is full. */
struct nlmsghdr *fw_batch_start(struct nl_batch *b, uint8_t family, uint16_t type, uint16_t flags,
				const char *op, const char *objfmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A transaction's begin or end (NFNL_MSG_BATCH_BEGIN/END); a begin with
 * genid (not 0) is tied to that generation of the ruleset. */
int fw_batch_marker(struct nl_batch *b, uint16_t type, uint32_t genid, struct nl_err *e);
/* NFT_MSG_NEWTABLE (marked as vnet's: its comment FW_TABLE_COMMENT) or
 * NFT_MSG_DELTABLE of table name of family (NFPROTO_INET, NFPROTO_BRIDGE):
 * vnet's three tables are made by this one builder. */
int fw_batch_table(struct nl_batch *b, uint8_t family, const char *name, uint16_t type,
		   struct nl_err *e);

/* The tag (struct nl_req) of the message that adds plan rule i; other
 * messages have none (0). */
#define FW_TAG_RULE(i) ((int)(i) + 1)

/* The batch builders (no socket), between BATCH_BEGIN and BATCH_END;
 * append to b; -EMSGSIZE when b cannot hold them.
 * Apply: what f says is missing or differs (f NULL: everything, the
 * table's skeleton too): base chains that are not vnet's deleted; chains
 * created, or flushed and filled again; f's elements the plan lacks
 * deleted; the plan's elements f lacks added.
 * Remove: only what f found of the network, never an add: the rules and
 * elements that jump to its chains (f->refs, f->raw) or the plan's
 * elements f->del marks, f's forwards, then its chains that are there. */
/* A restore (fw_restore): a transaction's begin (tied to genid unless 0),
 * with the table, its maps and base chains when skeleton_too; each plan
 * whole as in a table that holds none of it (its chains made, its rules
 * and elements added), or -EMSGSIZE and nothing of it when the batch
 * cannot hold it and its end; the end. */
int fw_batch_restore_begin(struct nl_batch *b, uint32_t genid, bool skeleton_too, struct nl_err *e);
int fw_batch_restore_plan(struct nl_batch *b, const struct fw_plan *p, struct nl_err *e);
int fw_batch_restore_end(struct nl_batch *b, struct nl_err *e);
int fw_batch_apply(struct nl_batch *b, const struct fw_plan *p, const struct fw_found *f,
		   struct nl_err *e);
int fw_batch_remove(struct nl_batch *b, const struct fw_plan *p, const struct fw_found *f,
		    struct nl_err *e);
/* The reads' requests (read.c puts them in one batch): */
/* The ruleset's generation (NFT_MSG_GETGEN; the answer NFT_MSG_NEWGEN),
 * which fw_batch_apply and fw_batch_remove put in their begin. */
int fw_batch_get_gen(struct nl_batch *b, struct nl_err *e);
int fw_batch_get_table(struct nl_batch *b, struct nl_err *e);
/* A get of one chain by name (NFT_MSG_NEWCHAIN or ENOENT). */
int fw_batch_get_chain(struct nl_batch *b, const char *name, struct nl_err *e);
/* A dump of the chains of every inet table (the kernel filters chain
 * dumps by family only): the reader keeps table inet vnet's. */
int fw_batch_dump_chains(struct nl_batch *b, struct nl_err *e);
/* A dump of the rules of one chain of the table (NULL: of all of them). */
int fw_batch_dump_rules(struct nl_batch *b, const char *chain, struct nl_err *e);
/* A dump of the elements of map or set m. */
int fw_batch_dump_elems(struct nl_batch *b, unsigned m, struct nl_err *e);
/* A get of one element by its key (NFT_MSG_GETSETELEM, no dump; of an
 * interval its start only): the kernel answers with the element, data and
 * all (of an interval map: the interval that holds the key), or ENOENT. */
int fw_batch_get_elem(struct nl_batch *b, const struct fw_elem *el, struct nl_err *e);
/* The race of test builds (struct fw's race): a transaction that flushes
 * one chain of the table, and always commits a new generation. */
int fw_batch_race(struct nl_batch *b, const char *chain, struct nl_err *e);
/* The whole table, base chains and all: only for undoing the apply that
 * made it (a rolled back first network). */
int fw_batch_drop_table(struct nl_batch *b, struct nl_err *e);

#endif
