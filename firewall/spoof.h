/* spoof — anti-spoofing of guest ports (`--anti-spoof`): what a port may
 * send, in a table of its own, `table bridge vnet` (marked as vnet's by
 * its comment, like table inet vnet). A bridge-family table sees every
 * frame a port brings into the bridge (forwarded to another port or
 * delivered to the host) at its prerouting hook, before anything decides
 * where it goes. Not netdev ingress: an ingress chain is bound to one
 * device, so every port would add a chain; here a port adds only set
 * elements. This kernel has no `meta ibrname` (CONFIG_NFT_BRIDGE_META),
 * so the ports are picked by interface name:
 *
 *   map ports  { type ifname : verdict }   iifname -> jump NET-spoof (its MAC
 *                                          bound), or jump NET-nomac (not yet)
 *   set macs   { type ifname . ether_addr }
 *   set arps   { type ifname . ipv4_addr . ether_addr }
 *   set ip4s   { type ifname . ipv4_addr }
 *   set ip6s   { type ifname . ipv6_addr }
 *   map drops  { type ifname : counter }   the port's own named counter
 *   map mac_owner { type ifname . ether_addr : ifname }   NET . MAC : port,
 *   map ip4_owner { type ifname . ipv4_addr : ifname }    NET . address : port:
 *   map ip6_owner { type ifname . ipv6_addr : ifname }    who holds it (no rule
 *                                          reads them; a binding asks them)
 *   counter IFNAME                         one per port
 *   chain prerouting { type filter hook prerouting priority filter; policy
 *                      accept; iifname vmap @ports }
 *   chain dropped    { counter name iifname map @drops; drop }
 *
 * and per network two regular chains with a constant number of rules
 * (spoof.c's rows): NET-spoof for a port whose MAC is bound (the frame's
 * source MAC, ARP's sender, IPv4/IPv6 sources (link-local ones too), NA
 * targets, the targets of its duplicate address detection, a DHCP
 * request's chaddr and ciaddr must be the port's; DHCP and DHCPv6 server
 * replies, router advertisements and redirects never come from a guest)
 * and NET-nomac for one whose MAC vnet does not know yet (only a DHCP
 * request from 0.0.0.0 that names no address, a DHCPv6 request, router
 * and neighbour solicitations). Everything else goes to chain dropped, which
 * counts it per port and drops it. A port that is not in map ports (not
 * attached through vnet to a network with anti-spoofing) is not filtered.
 * The number of rules depends on the number of networks with anti-spoof
 * only, never on the ports; a port costs 1 + 1 + 2 (MAC) + 3 per IPv4
 * address + 2 per IPv6 address elements and one counter.
 *
 * nft 1.0.6 cannot say an NA's or NS's target (`icmpv6 taddr` came
 * later), nor a DHCP request's chaddr and ciaddr: the rules load them as
 * raw transport payload (`@th,64,128`, `@th,288,48`, `@th,160,32`), built
 * here with libnftnl; the golden file shows them so.
 *
 * Rules are marked with the digest of their expressions (rule.c) and
 * compared by it, as in table inet vnet; every change of one call is one
 * transaction. Binding or unbinding a port reads its elements by key
 * (NFT_MSG_GETSETELEM of one key: the kernel answers that element or
 * ENOENT), what it had from its binding record, and the owner maps for its
 * MAC and addresses: the cost does not grow with the bound ports. Status,
 * a repair and a lease's address (fw_spoof_addr) dump the sets. */
#ifndef VNET_FIREWALL_SPOOF_H
#define VNET_FIREWALL_SPOOF_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/ifname.h"
#include "common/prefix.h"

struct fw;

#define FW_SPOOF_ADDRS 32

/* What a port may send from. */
struct fw_spoof_port {
	char ifname[NL_IFNAMSIZ];
	bool has_mac;
	uint8_t mac[6];
	unsigned naddrs;
	struct nl_prefix addr[FW_SPOOF_ADDRS]; /* plain IPv4/IPv6 addresses */
};

/* Makes the table (when missing) and network net's two chains, and brings
 * their rules to the rows; sends nothing when all is in place. */
int fw_spoof_apply(struct fw *fw, const char *net, struct nl_err *e);
/* Deletes network net's chains and every element of its ports (those
 * whose ports element jumps to its chains), their counters too. */
int fw_spoof_remove(struct fw *fw, const char *net, struct nl_err *e);
/* Makes port p one of network net's, with exactly p's MAC and addresses:
 * the elements old (what p's interface name had in network old_net, as
 * its binding record says; NULL: nothing) that p does not want go, in the
 * same transaction. Reads only those elements and p's, by key (the cost
 * does not grow with the bound ports). A MAC or an address that another
 * port of net holds (the owner maps) is -EBUSY (conflict, naming that
 * port, also in held_by when not NULL) and changes nothing. */
int fw_spoof_bind(struct fw *fw, const char *net, const struct fw_spoof_port *p,
		  const char *old_net, const struct fw_spoof_port *old, char held_by[NL_IFNAMSIZ],
		  struct nl_err *e);
/* Adds (add) or deletes addresses a (na of them) of a port of network net: an IPv4
 * address also as ARP's sender with mac. A port not in the table, or of
 * another network, is -ENOENT (not found) and changes nothing; with
 * add, the port's MAC is bound to mac too when it had none (its ports
 * element then jumps to NET-spoof), and -EBUSY (conflict) when it has
 * another. */
int fw_spoof_addr(struct fw *fw, const char *net, const char *ifname, const uint8_t mac[6],
		  const struct nl_prefix *a, unsigned na, bool add, struct nl_err *e);
/* Deletes the elements of interface ifname (and its counter): old's (as
 * fw_spoof_bind, read by key), every one when old is NULL. */
int fw_spoof_unbind(struct fw *fw, const char *ifname, const char *old_net,
		    const struct fw_spoof_port *old, struct nl_err *e);

/* A port of a network as the table holds it. */
struct fw_spoof_seen {
	char ifname[NL_IFNAMSIZ];
	bool bound; /* its MAC is known: mac */
	uint8_t mac[6];
	uint64_t packets, bytes; /* dropped */
	unsigned naddrs;	 /* what it may send from */
	struct nl_prefix addr[FW_SPOOF_ADDRS];
};
/* The ports of network net in the table, with their drop counters; *out
 * is malloc'd (NULL when none). When keep is not NULL, the elements of
 * every port of net that keep (nkeep names) does not hold are deleted
 * first (a port that vanished), and not listed. */
int fw_spoof_ports(struct fw *fw, const char *net, const char (*keep)[NL_IFNAMSIZ], unsigned nkeep,
		   struct fw_spoof_seen **out, unsigned *n, struct nl_err *e);

/* An element of a port's name that differs from what the port wants:
 * "ip4s 10.9.9.9" against "no ip4s 10.9.9.9" (one it should not have),
 * the other way round (one it lacks), or two values of one key ("ports
 * jump n1-spoof" against "ports jump n1-nomac"). */
struct fw_spoof_diff {
	char ifname[NL_IFNAMSIZ];
	char want[64], have[64];
};
/* The differences of each port of want (n of them) in network net from
 * what the table holds: every element keyed by its name, in every set and
 * map. *out is malloc'd (NULL when none). */
int fw_spoof_diff(struct fw *fw, const char *net, const struct fw_spoof_port *want, unsigned n,
		  struct fw_spoof_diff **out, unsigned *nout, struct nl_err *e);
/* Brings each port of want to exactly its elements (the others of its
 * name deleted, the missing added, its counter kept) and deletes the
 * elements of network net's ports that want does not name (they
 * vanished): as few transactions as hold it, each port whole in one. */
int fw_spoof_sync(struct fw *fw, const char *net, const struct fw_spoof_port *want, unsigned n,
		  struct nl_err *e);

/* Whether the table, its two chains and network net's hold exactly the
 * rows' rules (status). */
int fw_spoof_check(struct fw *fw, const char *net, bool *whole, struct nl_err *e);

/* The rules of one network's chains (the table's own two chains not
 * counted): the same for any number of ports. */
unsigned fw_spoof_rule_count(void);
/* The canonical nft text of the table with network net's chains and no
 * elements, as `nft -s list table bridge vnet` prints it. malloc'd. */
char *fw_spoof_render(const char *net);

#endif
