/* plan — what one network needs in nftables, computed from its
 * description, before anything is sent.
 *
 * vnet keeps one long-lived table, `table inet vnet` (marked as vnet's by
 * its comment, the table's user data), laid out as:
 *
 *   map to_bridge    { type ifname : verdict }      oifname -> jump NET-in
 *   map from_bridge  { type ifname : verdict }      iifname -> jump NET-out
 *   map nat_v4       { type ipv4_addr : verdict; flags interval }
 *                                                   ip saddr -> jump NET-nat
 *   map nat_v6       { type ipv6_addr : verdict; flags interval }
 *                                                   ip6 saddr -> jump NET-nat
 *   set bridges      { type ifname }                every network's bridge
 *   set dhcp_bridges { type ifname }                those where the host serves DHCP
 *   map fwd_any      { type inet_proto . inet_service : ipv4_addr . inet_service }
 *                                  port forwards on every host address:
 *                                  proto . port -> guest . port
 *   map fwd_addr     { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service }
 *                                  forwards on one address: address . proto . port -> ...
 *   map fwd6_any, fwd6_addr        the same for IPv6 guests (ipv6_addr)
 *   chain forward     { type filter hook forward priority filter; policy accept;
 *                       oifname vmap @to_bridge; iifname vmap @from_bridge }
 *   chain postrouting { type nat hook postrouting priority srcnat; policy accept;
 *                       ip saddr vmap @nat_v4; ip6 saddr vmap @nat_v6 }
 *   chain prerouting  { type nat hook prerouting priority dstnat; policy accept;
 *                       iifname @bridges udp dport 53 return (and tcp 53, udp 67, udp 547)
 *                       fib daddr type local dnat ip to ip daddr . meta l4proto . th dport
 *                           map @fwd_addr
 *                       fib daddr type local dnat ip to meta l4proto . th dport map @fwd_any
 *                       the same two with ip6 into @fwd6_addr and @fwd6_any }
 *   chain output      { type nat hook output priority -100; policy accept;
 *                       ip daddr 127.0.0.0/8 return; the same two dnat rules;
 *                       ip6 daddr ::1 return; the same two ip6 dnat rules }
 *   chain checksum    { type filter hook output priority filter; policy accept;
 *                       meta nfproto ipv4 oifname @dhcp_bridges udp sport 67 udp dport 68
 *                           udp checksum set 0 }
 *
 * plus regular chains NET-in, NET-out and NET-nat per network. Why: creating
 * a network then only adds regular chains, rules and elements, adding a
 * port forward adds one element and removing it deletes one, and
 * destroying a network only removes such objects; base chains are never
 * deleted, but by a repair: one of vnet's whose hook or priority was
 * changed behind its back is made again (one whose policy became drop is
 * only put back to accept), and a base chain in the table that is not
 * vnet's goes (the table is vnet's alone: such a chain would decide the
 * guests' traffic). The table with its (then empty) maps and base chains
 * stays after the last network is gone; that is intended. Measured (Linux 6.18): a
 * transaction returns in 0.1-0.4 ms; one that deletes or updates existing
 * objects, of any kind (base chain, regular chain, rule, element), also
 * leaves an RCU grace period of 5-12 ms that the next close() of an
 * nftables socket in the namespace waits for, while one that only adds
 * objects leaves none. So fw_apply sends only what differs from what it
 * read (fw.c). Postrouting has no input interface, so NAT dispatches on the
 * source subnet (netd refuses overlapping subnets); a forward belongs to
 * the network whose subnet holds its guest.
 *
 * The models, as rules (a network chain returns what its model allows and
 * rejects what it forbids; accepting is left to the base chains' policy):
 *
 *   NET-in  (oif = bridge): `iifname BRIDGE accept` first: guest-to-guest
 *           traffic, which br_netfilter shows here with iif = oif = bridge,
 *           and which the host routes back into the bridge when a guest
 *           sends it via the gateway (`drop` with isolate_ports); then
 *           routed `ip daddr SUBNET return`, nat `ip daddr SUBNET ct state
 *           established,related return` and `ip daddr SUBNET ct status
 *           dnat return` (connections the port forwards translated, which
 *           are IPv4; ip6 for IPv6 subnets); then `counter reject`.
 *   NET-out (iif = bridge): routed and nat `ip saddr SUBNET return`, then
 *           `counter reject`; isolated only the reject.
 *   NET-nat (nat, IPv4): `ip daddr SUBNET ct status dnat masquerade`
 *           (hairpin: a guest reaching another through a forwarded port
 *           gets the answer back through the host), `ip daddr 224.0.0.0/24
 *           return`, `ip daddr 255.255.255.255 return`, `meta l4proto tcp ip
 *           daddr != SUBNET masquerade to :1024-65535`, the same for udp,
 *           then `ip daddr != SUBNET masquerade`, as libvirt does; for an
 *           IPv6 subnet (NAT66, as Incus does), the tcp, udp and last
 *           masquerade with ip6 daddr.
 *   bridged: no rules, no elements.
 *
 * Allowed traffic *returns* instead of being accepted so that a packet
 * between two vnet networks meets both: the forward chain consults the
 * destination's NET-in, then the source's NET-out, and it passes only when
 * both models allow it on their own. NAT and isolated networks accept no
 * new connections from anywhere, other vnet networks included (NAT to NAT
 * is blocked both ways, like libvirt), but what a port forward translated;
 * a routed network accepts them; an isolated network sends nothing out,
 * not even to a routed one (an `accept` in the routed network's chain
 * would have let that through). Guest-to-guest traffic inside one network
 * is the only accept in our chains. Our table never assumes a priority over
 * other tables: an accept here does not overrule another table's drop.
 *
 * Nothing of ours filters what guests send to the host itself (no input
 * chain): DHCP (udp 67), DHCPv6 (udp 547) and DNS (udp and tcp 53) from a
 * bridge of ours are also exempt from the port forwards, so forwarding
 * those ports never takes the guests' DHCP and DNS away. Port forwards are
 * DNAT into NAT guests, of IPv4 to an IPv4 guest and of IPv6 to an IPv6
 * one: from the outside (prerouting), from the host itself to its own
 * addresses but loopback (output; 127.0.0.0/8 would need route_localnet),
 * and
 * from guests (hairpin, masqueraded as above), whether or not the host
 * passes bridged frames through the IP hooks (br_netfilter): either way a
 * guest's packet to a host address meets prerouting, the forward chain and
 * postrouting. The checksum chain zeroes the UDP checksum of DHCP replies
 * the host sends into a network with DHCP (valid for IPv4: "no checksum"),
 * as Incus and libvirt do for want of iptables' CHECKSUM --checksum-fill:
 * a reply whose checksum was left to offload reaches a guest behind
 * vhost-net unfinished, and older DHCP clients drop it.
 *
 * Room for what comes next, without building it now: per-guest
 * anti-spoofing as sets keyed by `iifname . ip saddr` that NET-out checks,
 * a new guest adding elements, not rules.
 *
 * A plan holds the network's chains, rules (as terms, see expr.h) and
 * elements. It renders to nft text, exactly what `nft -s list table inet
 * vnet` prints when this network is the table's only one. */
#ifndef VNET_FIREWALL_PLAN_H
#define VNET_FIREWALL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/prefix.h"

enum fw_model { FW_ISOLATED, FW_ROUTED, FW_NAT, FW_BRIDGED };

#define FW_MAX_SUBNETS	4
#define FW_MAX_FORWARDS 64

/* A port forward: proto port on the host (every address, or one) to
 * guest:guest_port. */
struct fw_forward {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;		/* 1..65535 */
	struct nl_prefix guest; /* an address in one of the network's subnets, IPv4 or IPv6 */
	uint16_t guest_port;
	struct nl_prefix address; /* family 0: every address of the host; else the guest's family */
};

struct fw_net {
	const char *name; /* 1..15 of [A-Za-z0-9_.-], not starting with '.' or '-' */
	enum fw_model model;
	const char *bridge;
	unsigned nsubnets;
	struct nl_prefix subnet[FW_MAX_SUBNETS]; /* networks (host bits clear), IPv4 and/or IPv6 */
	bool isolate_ports;
	bool dhcp; /* the host serves DHCP on the bridge: zero its replies' checksum */
	unsigned nforwards;
	struct fw_forward forward[FW_MAX_FORWARDS]; /* nat only */
};

struct fw_plan; /* opaque */

/* Computes the plan of network n. Errors (kind NL_ERR_INVALID) name the
 * value: a bad name or bridge, a subnet with host bits, more than one IPv4
 * subnet on a nat network (as libvirt), a forward on another model, to an
 * address outside the IPv4 subnets, with a port of 0 or a protocol other
 * than tcp and udp; two forwards of one protocol, port and address (kind
 * NL_ERR_CONFLICT). */
int fw_plan_build(const struct fw_net *n, struct fw_plan **out, struct nl_err *e);
void fw_plan_free(struct fw_plan *p);

/* The canonical nft text of the whole `table inet vnet` skeleton with this
 * network's chains and map elements, tab-indented as nft prints it.
 * malloc'd; NULL when out of memory. */
char *fw_plan_render(const struct fw_plan *p);

/* Rules in the network's own chains (the shared base chains not counted). */
unsigned fw_plan_rule_count(const struct fw_plan *p);

#endif
