/* forward — `vnet forward add/del`: port forwards into a NAT network's
 * guests, live (when the network runs) and persistent.
 *
 * Each call takes the lock, checks the change against the definition
 * (net.c: a NAT network, a guest address in its subnet, a port not yet
 * forwarded, no loopback or other special --address), against the host
 * (an --address must be one of the host's, or the network's gateway) and
 * against every other network's forwards (one host port
 * leads to one guest), applies the network's whole new firewall plan in
 * one nftables transaction when the network runs (adding a forward adds
 * one element, deleting it deletes one), then saves the definition; when
 * the save fails, the old plan is applied again. A refusal changes neither
 * the file nor the ruleset. */
#ifndef VNET_NETD_FORWARD_H
#define VNET_NETD_FORWARD_H

#include "netd/netd.h"

/* Errors: kind invalid (bad value, not a NAT network, guest outside the
 * network, "address 192.0.2.9: not an address of this host"), not found (no such network), conflict
 * (port forwarded already, here or by another network). */
int vn_forward_cmd_add(struct vn_ctx *c, const char *name, const struct vn_forward *f,
		       struct nl_err *e);
/* Deletes the forward of f's proto and port (and address, when its family
 * is set); kind not found when there is none. */
int vn_forward_cmd_del(struct vn_ctx *c, const char *name, const struct vn_forward *f,
		       struct nl_err *e);
/* The forwards network name's definition holds, in its order; *out is
 * malloc'd (NULL when none). */
int vn_forward_list(struct vn_ctx *c, const char *name, struct vn_forward **out, unsigned *n,
		    struct nl_err *e);

#endif
