/* tuner — `vnet tune` on the engine's sockets; see tuner.h. */
#include "netd/tuner.h"

#include "netd/internal.h"

/* The report's bridges without names: vnet's, by the one ownership test. */
static bool vnet_bridge(const struct nl_link *l)
{
	return vn_link_network(l, NULL);
}

int vn_tune(struct vn_ctx *c, const char *ifname, const struct vt_profile *p, struct vt_result *r,
	    struct nl_err *e)
{
	struct nl_ethtool et;
	struct nl_sock *rt;
	int err = vn_rt(c, &rt, e);

	if (err || (err = nl_ethtool_open(&et, e)))
		return err;
	err = vt_apply(&et, rt, ifname, p, r, e);
	nl_ethtool_close(&et);
	return err;
}

int vn_tune_report(struct vn_ctx *c, const char *const *names, unsigned n, struct vt_if **out,
		   unsigned *nout, struct nl_err *e)
{
	struct nl_ethtool et;
	struct nl_sock *rt;
	int err = vn_rt(c, &rt, e);

	*out = NULL;
	*nout = 0;
	if (err || (err = nl_ethtool_open(&et, e)))
		return err;
	err = vt_report(&et, rt, names, n, vnet_bridge, out, nout, e);
	nl_ethtool_close(&et);
	return err;
}
