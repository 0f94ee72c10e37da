/* inspect — what the three modules that read foreign rulesets share
 * (inspect.c: the nftables dump and the ruleset; legacy.c: the text of
 * iptables-legacy -S; flow.c: a flow run through the chains). Rules of
 * both sources are held in one form: a list of expressions emulated on a
 * register file, and a verdict. */
#ifndef VNET_FIREWALL_INSPECT_H
#define VNET_FIREWALL_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw.h"

#define NAMESZ	64
#define DATASZ	16
#define REGS	80 /* bytes: the verdict's 16, then NFT_REG_1..4 (= NFT_REG32_00..15) */
#define MAXEXPR 24 /* a rule's expressions beyond this count as a maybe */

/* One expression, as the emulation needs it. X_MAYBE is one vnet does
 * not model: the rule may match or not, and the registers are unknown. */
enum xk { X_META, X_CT, X_PAYLOAD, X_IMM, X_BITWISE, X_CMP, X_MAYBE };

struct x {
	uint8_t kind;
	uint8_t key; /* meta or ct key; payload base; cmp op */
	uint8_t sreg, dreg; /* byte offsets in the register file */
	uint8_t len, off;
	uint8_t data[DATASZ], mask[DATASZ], xor[DATASZ];
	char what[24]; /* X_MAYBE: what it was, for the rule's text */
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

/* A ruleset in the order the kernel (or iptables) listed it: a chain's
 * rules are those of rule[] with its index, in order. */
struct fw_ruleset {
	struct xchain *chain;
	struct xrule *rule;
	struct x *x;
	unsigned nchain, nrule, nx, capchain, caprule, capx;
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

#endif
