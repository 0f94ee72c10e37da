/* inspect — what the modules that read foreign rulesets share
 * (inspect.c: the nftables dump and the ruleset; sets.c: sets, maps and
 * their elements; legacy.c: the text of iptables-legacy -S; flow.c: a flow
 * run through the chains; xtext.c: a rule's text). Rules of
 * both sources are held in one form: a list of expressions emulated on a
 * register file, and a verdict. */
#ifndef VNET_FIREWALL_INSPECT_H
#define VNET_FIREWALL_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firewall/fw.h"

#define NAMESZ	64
#define DATASZ	16
#define REGS	80 /* bytes: the verdict's 16, then NFT_REG_1..4 (= NFT_REG32_00..15) */
#define MAXEXPR 24 /* a rule's expressions beyond this count as a maybe */

/* One expression, as the emulation needs it. X_MAYBE is one vnet does
 * not model: the rule may match or not, and the registers are unknown. */
enum xk { X_META, X_CT, X_PAYLOAD, X_IMM, X_BITWISE, X_CMP, X_MAYBE, X_LOOKUP };

struct x {
	uint8_t kind;
	uint8_t key;	    /* meta or ct key; payload base; cmp op */
	uint8_t sreg, dreg; /* byte offsets in the register file */
	uint8_t len, off;
	uint8_t data[DATASZ], mask[DATASZ], xor[DATASZ];
	char what[24]; /* X_MAYBE: what it was, for the rule's text */
	/* X_LOOKUP: the set (index in rs->set), inverted, a verdict map */
	unsigned set;
	bool inv, vmap;
};

enum verdict { V_NONE, V_ACCEPT, V_DROP, V_REJECT, V_JUMP, V_GOTO, V_RETURN, V_OTHER };

struct xrule {
	unsigned chain; /* index in rs->chain */
	uint64_t handle;
	unsigned first, n; /* its expressions in rs->x */
	uint8_t verdict;
	char target[NAMESZ];
	char *line; /* legacy: the -A line as iptables printed it */
};

struct xchain {
	uint8_t family;
	bool legacy, base, drop, docker_user;
	uint32_t hook;
	int32_t prio;
	char table[NAMESZ], name[NAMESZ];
};

/* A set or map whose elements a lookup is decided by: keys of at most
 * DATASZ bytes, at most SET_MAX elements, no concatenated ranges; other
 * sets are not usable and their lookups say maybe. */
#define SET_MAX 4096
struct xset {
	uint8_t family;
	char table[NAMESZ], name[NAMESZ];
	uint32_t flags, klen;
	bool usable;
	unsigned first, n; /* its elements in rs->elem, sorted by key */
};

struct xelem {
	uint8_t key[DATASZ];
	bool end;	 /* ends an interval */
	uint8_t verdict; /* a verdict map's: enum verdict */
	char chain[NAMESZ];
};

/* A ruleset in the order the kernel (or iptables) listed it: a chain's
 * rules are those of rule[] with its index, in order. */
struct fw_ruleset {
	struct xchain *chain;
	struct xrule *rule;
	struct x *x;
	struct xset *set;
	struct xelem *elem;
	unsigned nchain, nrule, nx, nset, nelem;
	unsigned capchain, caprule, capx, capset, capelem;
	bool nomem;
};

/* The chain's index, or -1; chain_of() makes it when absent (-1 when out
 * of memory). */
int fw_chain_find(const struct fw_ruleset *rs, uint8_t family, bool legacy, const char *table,
		  const char *name);
int fw_chain_of(struct fw_ruleset *rs, uint8_t family, bool legacy, const char *table,
		const char *name);
/* A new rule of chain c, and a new expression of r (the rule pushed
 * last); NULL when out of memory (rs->nomem) or, for an expression, past
 * MAXEXPR, where one maybe stands for the rest. */
struct xrule *fw_rule_new(struct fw_ruleset *rs, unsigned c);
struct x *fw_x_new(struct fw_ruleset *rs, struct xrule *r, uint8_t kind);
/* Adds a maybe to r that names what it stands for. */
void fw_x_maybe(struct fw_ruleset *rs, struct xrule *r, const char *what);
/* Marks the chains of tables that hold chain DOCKER-USER. */
void fw_mark_docker(struct fw_ruleset *rs);
/* Grows an array of rs by one zeroed entry (rs->nomem when it cannot). */
void *fw_push(struct fw_ruleset *rs, void **arr, unsigned *n, unsigned *cap, size_t size);

/* sets.c: a set from a NEWSET message; the elements of every set read
 * in one more send; the verdict a verdict map gives NFT_VERDICT codes. */
struct nlmsghdr;
void fw_set_got(struct fw_ruleset *rs, const struct nlmsghdr *nlh);
int fw_sets_read_elems(struct fw *fw, struct fw_ruleset *rs, struct nl_err *e);
int fw_set_find(const struct fw_ruleset *rs, uint8_t family, const char *table, const char *name);
/* Whether set holds a key whose bytes v are known where k has bits set:
 * 0 no, 1 maybe, 2 yes (then *el is the element; a verdict map's). */
int fw_set_lookup(const struct fw_ruleset *rs, const struct xset *set, const uint8_t *v,
		  const uint8_t *k, const struct xelem **el);
uint8_t fw_verdict_of(int code);

/* xtext.c: rule r of a chain of family (NFPROTO_*) as nft says it
 * (legacy: as iptables -S printed it), escaped, into buf. */
void fw_xrule_text(const struct fw_ruleset *rs, const struct xrule *r, uint8_t family, char *buf,
		   size_t n);

#endif
