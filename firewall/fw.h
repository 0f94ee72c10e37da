/* fw — applies and removes one network's plan in the kernel, each as one
 * nftables transaction (all or nothing), over a NETLINK_NETFILTER socket.
 *
 * vnet owns only `table inet vnet`: it never flushes, changes or deletes
 * another table, and refuses to touch a table of that name that does not
 * carry vnet's mark. See plan.h for the layout and the models. */
#ifndef VNET_FIREWALL_FW_H
#define VNET_FIREWALL_FW_H

#include <stdbool.h>

#include "common/err.h"
#include "common/ifname.h"
#include "common/prefix.h"
#include "firewall/plan.h"
#include "nlink/sock.h"

struct fw {
	struct nl_sock s;
	bool made_table; /* the last fw_apply created table inet vnet */
	/* Test builds: a change made by another between a read and its write,
	 * race_times times: chain race (of table inet vnet) flushed there, in
	 * a transaction that always commits. */
	const char *race;
	unsigned race_times;
};

/* How many times fw_apply, fw_repair and fw_remove read and write again
 * when the kernel refused the write because the ruleset changed since the
 * read (ERESTART); then -EAGAIN. */
#define FW_TRIES 5

int fw_open(struct fw *fw, struct nl_err *e);
void fw_close(struct fw *fw);

/* Brings the network's chains, rules and elements (and the table, maps,
 * sets and base chains when missing or altered) to the plan in one batch:
 * all or nothing. It first reads the table, each base chain by name (its
 * type, hook, priority and policy: a base chain whose policy became drop is
 * put again with policy accept, one of another hook or priority deleted
 * and made again), the rules of the base chains and of the network's
 * chains, and the forward maps (one dump each, so the read does not grow
 * with the number of networks), and sends only what
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
 * vnet's mark.
 * Read and write are one generation of the ruleset: the read gets its
 * number (NFT_MSG_GETGEN) with the rest, the batch names it
 * (NFNL_BATCH_GENID), and the kernel refuses the whole batch (ERESTART)
 * when anyone committed anything in between; then all is read and
 * decided again, up to FW_TRIES times. */
int fw_apply(struct fw *fw, const struct fw_plan *p, struct nl_err *e);
/* fw_apply for a change of forwards alone (vnet forward add/del), where
 * was is the plan that ran before: of the forward maps only the forwards
 * that differ between was and p are read, by key (a get each), not the
 * maps whole, so neither the read nor the write grows with the forwards of
 * other networks or the network's others. A forward the same in both is
 * taken as there, and a forward element of the network that neither plan
 * holds stays: status names them, a repair (up, vnetd) puts them right. */
int fw_apply_forwards(struct fw *fw, const struct fw_plan *p, const struct fw_plan *was,
		      struct nl_err *e);
/* fw_apply for a repair (up, vnetd): it reads the table's chains in one
 * dump instead of the base chains by name (so the read grows with the
 * number of networks: not for create) and also deletes every base chain
 * in table inet vnet that is not vnet's, which would decide the guests'
 * traffic (a drop policy on the forward hook): the table is vnet's alone. */
int fw_repair(struct fw *fw, const struct fw_plan *p, struct nl_err *e);

/* fw_apply for many networks where table inet vnet is absent (`nft flush
 * ruleset`, a firewall's reload): the table, its maps and base chains, then
 * each plan whole (nothing to read: none of it is there), in as few
 * transactions as hold them (NL_BATCH_MAX requests each), the first tied
 * to the generation whose read found no table, so that a change in between
 * refuses it (-EAGAIN). The first *done plans went in (each transaction
 * whole) in *sent transactions. -EEXIST, nothing sent, when the table is
 * there: then each network is applied on its own. Where a transaction is
 * refused the plans from there on are not sent (e says why): the caller
 * applies those on their own, which names the object at fault. A plan
 * too large for one transaction is -EMSGSIZE. Each transaction's commit
 * checks the whole table (the kernel's validation), so restoring N
 * networks one by one costs O(N^2); this costs O(N^2 / per batch). */
int fw_restore(struct fw *fw, struct fw_plan *const *plans, unsigned n, unsigned *done,
	       unsigned *sent, struct nl_err *e);

/* Deletes every chain, rule and element that any model may have made for
 * network n and that is n's (its chains, read by name; the dispatch
 * elements its bridge and IPv4 subnets key, read by key, when they jump to
 * its chains; forward elements by a guest in those subnets, found by
 * reading the forward maps, but in a subnet another network's nat_v4
 * element holds), in one batch that adds nothing. An absent or
 * half-present network is no error, and one whose definition collides
 * with a running network's (subnet, bridge) takes nothing of that one; without table
 * inet vnet nothing is sent. The table, its maps and base chains stay.
 * When the kernel refuses because a chain of n is still referenced (an
 * element of another key, a rule elsewhere that jumps to it), the maps,
 * sets and the table's rules are read whole and every element and rule
 * that jumps to n's chains is deleted in the same batch as the rest: a
 * removal cannot be blocked by a reference. The same whole read decides
 * the forwards in n's subnets when n's nat_v4 element is not there (n
 * never ran): another network's interval may hold their guests. Both
 * happen off the normal path, whose read does not grow with the number of
 * networks (but for the forward maps).
 *
 * Deleting leaves an RCU grace period (5-12 ms) that fw_close() waits for
 * when it comes sooner: close the socket late (after deleting the bridge,
 * whose own wait then overlaps) or keep it open. */
int fw_remove(struct fw *fw, const struct fw_net *n, struct nl_err *e);

/* What differs of one network's part of the ruleset from its plan: each
 * object vnet owns for it (the table, its base chains, their type, hook,
 * priority, policy and rules, the network's chains and their rules, every
 * element of the dispatch maps and sets, every port forward), compared by
 * content, and every base chain in the table that is not vnet's, in one
 * read (one dump per chain and forward map, one get per element, and one
 * dump of the table's chains, the only part that grows with the number of
 * networks). Sends nothing. */
#define FW_PROBLEMS 24
struct fw_problem {
	char object[96]; /* "chain n1-in", "map nat_v4 element 10.0.0.0/24" */
	char want[64];	 /* "jump n1-nat", "3 rules as planned" */
	char have[64];	 /* "absent", "other rules", "jump x" */
};
struct fw_health {
	unsigned n;
	struct fw_problem problem[FW_PROBLEMS];
};
int fw_check(struct fw *fw, const struct fw_plan *p, struct fw_health *h, struct nl_err *e);

/* The whole of table inet vnet read at once (read_all.c): one dump each of
 * its chains, rules and each map's elements, whatever the number of
 * networks; then fw_check_in() finds for each network in memory what
 * fw_check() reads for one. For `vnet list`. */
struct fw_snapshot;
int fw_snapshot(struct fw *fw, struct fw_snapshot **out, struct nl_err *e);
void fw_snapshot_free(struct fw_snapshot *s);
/* Whether the snapshot found table inet vnet (vnet's or not). */
bool fw_snapshot_present(const struct fw_snapshot *s);
int fw_check_in(const struct fw_snapshot *s, const struct fw_plan *p, struct fw_health *h,
		struct nl_err *e);

/* inspect — for `vnet doctor`: what the tables vnet does not own do to a
 * network's traffic (inspect.c, legacy.c, flow.c, xtext.c). fw_inspect_read()
 * dumps every other table's chains and rules at once (base chains with
 * hook, priority and policy); fw_inspect_legacy() adds iptables-legacy's
 * filter table from the text of `iptables-legacy -S`, which nftables
 * cannot see. fw_inspect_flow() runs one flow through each base chain of
 * its hook, following jumps and gotos: a hit is a drop or reject rule
 * whose matches do not exclude the flow, or a drop policy the flow
 * reaches without an accept that surely takes it. Matches evaluated:
 * interface names and indexes, IPv4/IPv6 addresses and prefixes, layer 4
 * protocol, destination port, ct state, nfproto, and lookups into sets and
 * verdict maps (read with their elements: sets.c); anything else (xt
 * matches but comment, limits, fib, marks...) may match, so a drop behind
 * it is reported ("may") and an accept behind it saves nothing. Reads
 * only; sends nothing that changes. */
struct fw_ruleset;
int fw_inspect_read(struct fw *fw, struct fw_ruleset **out, struct nl_err *e);
int fw_inspect_legacy(struct fw_ruleset *rs, uint8_t nfproto, const char *text, struct nl_err *e);
void fw_ruleset_free(struct fw_ruleset *rs);
/* Whether the table (legacy: iptables-legacy's "filter") holds chain. */
bool fw_inspect_has_chain(const struct fw_ruleset *rs, uint8_t family, bool legacy,
			  const char *table, const char *chain);

/* Packets of one kind, as the chains of a hook see them. l3: ip, ip6
 * and inet chains see them with iif/oif; l2: bridge chains see them on
 * the bridge iif/oif name (meta ibrname/obrname), their ports unknown. */
struct fw_flow {
	uint8_t nfproto; /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t hook;	 /* NF_INET_FORWARD, NF_INET_LOCAL_IN */
	bool l3, l2;
	char iif[NL_IFNAMSIZ], oif[NL_IFNAMSIZ]; /* "": unknown */
	int iifindex, oifindex;			 /* 0: unknown */
	struct nl_prefix src, dst;		 /* family 0: unknown; len: bits known */
	uint8_t l4proto;			 /* 0: any */
	uint16_t dport;				 /* 0: any */
	uint32_t ctstate;			 /* NF_CT_STATE_BIT(IP_CT_NEW)... */
};

struct fw_hit {
	uint8_t family;	  /* the table's, NFPROTO_* */
	bool legacy;	  /* iptables-legacy's table filter */
	bool iptables;	  /* a table iptables-nft keeps (ip/ip6 filter...) */
	bool docker_user; /* its table holds chain DOCKER-USER, and the packet passes
			     through it before this drop: an accept put there saves it */
	bool policy;	  /* the base chain's drop policy, not a rule */
	bool sure;	  /* every match on the way was decided */
	bool reject;
	uint32_t hook;
	int32_t prio;
	uint64_t handle; /* legacy: the rule's number in its chain */
	/* printable (nl_escape) */
	char table[64], base[64], chain[64];
	char text[192]; /* the rule as nft (legacy: iptables -S) says it */
};
/* Fills at most max hits; returns how many there are. */
unsigned fw_inspect_flow(const struct fw_ruleset *rs, const struct fw_flow *f, struct fw_hit *hit,
			 unsigned max);

/* Deletes table inet vnet whole: for undoing the fw_apply that made it
 * (made_table), so a rolled-back first network leaves the ruleset as it
 * was. Costs the base chains' RCU wait; never used on a normal path. */
/* tunnel.c: table bridge vnet, which keeps DHCP (udp 67, 68, 546, 547)
 * off the VXLAN ports of networks that span hosts. add: the table made (or
 * made again whole when its rules are not vnet's) and port put in its set;
 * del: port out of the set (absent: nothing to do); check: whether the
 * table is there with its rules. */
int fw_tunnel_add(struct fw *fw, const char *port, struct nl_err *e);
int fw_tunnel_del(struct fw *fw, const char *port, struct nl_err *e);
int fw_tunnel_check(struct fw *fw, bool *ok, struct nl_err *e);

int fw_drop_table(struct fw *fw, struct nl_err *e);

#endif
