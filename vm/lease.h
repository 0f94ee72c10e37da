/* lease — a guest's DHCPv4 lease follows it between hosts: the source's
 * description (`vnet vm show NAME -j`) carries each NIC's leased address,
 * and the destination's network takes it as a static host (what `vnet host
 * add NET MAC IP` does) before qemu starts, so its dnsmasq ACKs the
 * guest's renewal with the same address instead of a NAK (on a network
 * across hosts each host leases from its own slice of the range). The
 * entry then stays, as one added by hand would (vnet(8), Migration).
 * Internal to vm/. */
#ifndef VNET_VM_LEASE_H
#define VNET_VM_LEASE_H

#include "vm/launch.h"

/* NIC i's address now on its network: the DHCPv4 lease of its MAC in the
 * network's lease file (dnsmasq's, read as netd reads it: only lines that
 * parse), unexpired; else the network's static host of that MAC (one
 * handed over earlier that the guest has yet to renew). Sets x->lease[i]
 * (family 0: none). */
void vm_lease_now(struct vn_ctx *c, const struct vm_state *s, struct vm_desc_facts *x);

/* At the destination, before anything is made: whether NIC i's network n
 * (with DHCP) takes the source's lease as a static host: the same host
 * there already is nothing to do; another address for the MAC, an address
 * another MAC's host has, or one outside the subnets is refused, naming
 * it (vn_host_add's checks). Sets p->lease_add[i]. */
int vm_lease_check(struct vm_plan *p, unsigned i, const struct vn_net *n, struct nl_err *e);

/* Adds the hosts vm_lease_check wanted (the engine's vn_host_set: kept in
 * the definition, dnsmasq told at once). On failure those added go again. */
int vm_lease_hand_over(struct vn_ctx *c, struct vm_plan *p, struct nl_err *e);

/* Removes the hosts vm_lease_hand_over added (a start that failed later). */
void vm_lease_undo(struct vn_ctx *c, struct vm_plan *p);

/* The source, once the guest left: each NIC's unexpired lease here becomes
 * a static host of its network too (when it has DHCP and no host of that
 * MAC), so that this dnsmasq never leases the address to another guest
 * once the lease expires while the guest lives on elsewhere with it. Best
 * effort: the migration is done whatever this does. */
void vm_lease_keep(struct vn_ctx *c, const struct vm_state *s);

#endif
