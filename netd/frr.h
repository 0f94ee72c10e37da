/* frr — vnet's part of FRR's running configuration, through vtysh (the one
 * FRR program vnet runs, with an argument vector, never a shell; only
 * values fabric.c checked reach it): in `router bgp ASN`, the router id,
 * each peer's `neighbor P remote-as ASN`, and in `address-family l2vpn
 * evpn` each peer's `neighbor P activate` and `advertise-all-vni`. Never
 * advertise-default-gw or advertise-svi-ip: the gateway is every host's.
 *
 * vnet changes only those lines: what FRR already had stays (and is not
 * vnet's to remove); what vnet added is recorded
 * ($VNET_CONF_DIR/fabric/frr.added), so that another set converges (adds
 * what is missing, removes what it added and no longer wants) and unset
 * removes exactly that. FRR keeps them in its running configuration only:
 * vnetd gives them back when a daemon starts again (vn_frr_reapply, on
 * frr_watch.c's news). Internal to the engine. */
#ifndef VNET_NETD_FRR_H
#define VNET_NETD_FRR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "netd/fabric.h"

struct vn_ctx;

/* Brings FRR from old's lines to want's (NULL or no AS: none of vnet's).
 * Nothing to do, nothing run: a static fabric never runs vtysh. */
int vn_frr_apply(struct vn_ctx *c, const struct vn_fabric *old, const struct vn_fabric *want,
		 struct nl_err *e);

/* FRR's vty socket folder when the fabric names none (Debian's FRR). */
#define VN_FRR_VTY_DEFAULT "/var/run/frr"

/* Gives FRR the lines of f that it lacks (FRR started again without
 * them), the lock held; *done the changes made. Nothing without an AS. */
int vn_frr_give(struct vn_ctx *c, const struct vn_fabric *f, unsigned *done, struct nl_err *e);

/* Runs vtysh [--vty_socket DIR] -c cmd[0] -c cmd[1] ...; its output (and
 * errors) in *out (malloc'd, NUL terminated). 0 when it exited 0; else
 * -EIO naming the command and its first line of output. */
int vn_vtysh(const struct vn_fabric *f, const char *const *cmd, unsigned n, char **out,
	     struct nl_err *e);

/* What FRR says of the fabric (vnet doctor, vnet fabric show; frr_state.c): whether
 * vtysh reached it, each peer's BGP state, the VNIs it advertises. */
struct vn_frr_state {
	bool reached;
	char why[160]; /* when not reached */
	unsigned npeers;
	struct {
		char addr[48];
		char state[24]; /* "Established", "Active", ... */
	} peer[VN_FABRIC_MAX_PEERS];
	unsigned nvnis;
	unsigned vni[64];
	bool advertise_all;
};
int vn_frr_state(const struct vn_fabric *f, struct vn_frr_state *s);

/* The lines vnet wants in FRR for f, and the parse of a running
 * configuration (both pure, for the unit tests): each line as the
 * running configuration shows it, in order, at most max. */
#define VN_FRR_LINES (4 + 2 * VN_FABRIC_MAX_PEERS)
unsigned vn_frr_want(const struct vn_fabric *f, char lines[][80], unsigned max);
/* Whether running configuration text holds line (a line vn_frr_want makes)
 * in router bgp asn. */
bool vn_frr_has(const char *text, unsigned asn, const char *line);
/* The AS of the default instance's `router bgp` in text, 0 when none. */
unsigned vn_frr_asn(const char *text);

#endif
