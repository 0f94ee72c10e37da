/* tuner — the offload and queue tuner (tune/tune.h) as the engine offers it
 * to front ends: on the engine's rtnetlink socket and an ethtool socket of
 * its own, and with the engine's one test of which bridges are vnet's. The
 * profile, its parsing and the host probes are tune/'s, which this header
 * brings along. */
#ifndef VNET_NETD_TUNER_H
#define VNET_NETD_TUNER_H

#include "netd/netd.h"
#include "tune/tune.h"

/* Applies p to interface ifname (any interface: a bridge, an uplink, a
 * veth, a tap); see vt_apply. */
int vn_tune(struct vn_ctx *c, const char *ifname, const struct vt_profile *p, struct vt_result *r,
	    struct nl_err *e);
/* Interfaces by name; with n == 0, vnet's bridges and their ports; see
 * vt_report. *out is malloc'd (NULL when none); free() it. */
int vn_tune_report(struct vn_ctx *c, const char *const *names, unsigned n, struct vt_if **out,
		   unsigned *nout, struct nl_err *e);

#endif
