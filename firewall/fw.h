/* fw — applies and removes one network's plan in the kernel, each as one
 * nftables transaction (all or nothing), over a NETLINK_NETFILTER socket.
 *
 * vnet owns only `table inet vnet`: it never flushes, changes or deletes
 * another table, and refuses to touch a table of that name that does not
 * carry vnet's mark. See plan.h for the layout and the models. */
#ifndef VNET_FIREWALL_FW_H
#define VNET_FIREWALL_FW_H

#include <stdbool.h>

#include "err.h"
#include "plan.h"
#include "sock.h"

struct fw {
	struct nl_sock s;
	bool made_table;	/* the last fw_apply created table inet vnet */
};

int fw_open(struct fw *fw, struct nl_err *e);
void fw_close(struct fw *fw);

/* Brings the network's chains, rules and elements (and the table, maps,
 * sets and base chains when missing or altered) to the plan in one batch:
 * all or nothing. It first reads the table, the rules of its base chains
 * and of the network's chains, and the forward maps (one dump each, so the
 * read does not grow with the number of networks), and sends only what
 * differs: absent chains created, differing ones replaced, forwards the
 * plan dropped deleted, missing elements added. Adding a forward to a
 * running network thus sends one new element and no deletion; applying a
 * whole network sends no deletion either. A batch with nothing in it is
 * not sent.
 * When the kernel refuses it, e names the object at fault, a rule with its
 * text ("rule 3 of chain n1-in (ip daddr 10.0.0.0/24 return)"), an element
 * by its key ("map fwd_any element tcp . 8080": another network forwards
 * that port), and carries the kernel's extended-ACK message when it sent
 * one; nothing changed.
 * -EEXIST (kind NL_ERR_CONFLICT) when table inet vnet exists without
 * vnet's mark. */
int fw_apply(struct fw *fw, const struct fw_plan *p, struct nl_err *e);

/* Deletes every chain, rule and element that any model may have made for
 * network n (keyed by its name, bridge and IPv4 subnets; forward elements
 * by a guest in those subnets, found by reading the forward maps), in one
 * batch. An absent or half-present network is no error; without table
 * inet vnet nothing is sent. The table, its maps and base chains stay.
 *
 * Deleting leaves an RCU grace period (5-12 ms) that fw_close() waits for
 * when it comes sooner: close the socket late (after deleting the bridge,
 * whose own wait then overlaps) or keep it open. */
int fw_remove(struct fw *fw, const struct fw_net *n, struct nl_err *e);

/* What differs of one network's part of the ruleset from its plan: each
 * object vnet owns for it (the table, its base chains' rules, the
 * network's chains and their rules, every element of the dispatch maps
 * and sets, every port forward), compared by content, in one read (one
 * dump per chain and forward map, one get per element: it does not grow
 * with the number of networks). Sends nothing. */
#define FW_PROBLEMS 24
struct fw_problem {
	char object[96];	/* "chain n1-in", "map nat_v4 element 10.0.0.0/24" */
	char want[64];		/* "jump n1-nat", "3 rules as planned" */
	char have[64];		/* "absent", "other rules", "jump x" */
};
struct fw_health {
	unsigned n;
	struct fw_problem problem[FW_PROBLEMS];
};
int fw_check(struct fw *fw, const struct fw_plan *p, struct fw_health *h, struct nl_err *e);

/* Deletes table inet vnet whole: for undoing the fw_apply that made it
 * (made_table), so a rolled-back first network leaves the ruleset as it
 * was. Costs the base chains' RCU wait; never used on a normal path. */
int fw_drop_table(struct fw *fw, struct nl_err *e);

#endif
