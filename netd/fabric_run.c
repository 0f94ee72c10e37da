/* fabric_run — the engine's fabric operations: set, get, unset; see
 * fabric.h. FRR's part is frr.c's. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netd/fabric.h"
#include "netd/frr.h"
#include "netd/internal.h"
#include "netd/store.h"
#include "nlink/addr.h"

/* The underlay's first global address of the family wanted (0: IPv4, else
 * IPv6), or the check that local is one of its addresses. */
static int resolve_local(struct vn_ctx *c, struct vn_fabric *f, struct nl_err *e)
{
	struct nl_ifaddr *v = NULL;
	struct nl_sock *rt;
	struct nl_link l;
	unsigned n = 0;
	char obj[64];
	int err;

	snprintf(obj, sizeof(obj), "underlay %s", f->underlay);
	if ((err = vn_rt(c, &rt, e)))
		return err;
	if ((err = nl_link_get(rt, f->underlay, &l, e)) == -ENODEV)
		return nl_fail(e, err, NL_ERR_NOTFOUND, obj, "no such interface");
	if (err)
		return err;
	if (l.flags & IFF_LOOPBACK)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "is the loopback: tunnels start from an interface that reaches the "
			       "other hosts");
	if ((err = nl_addr_list(rt, AF_UNSPEC, l.ifindex, &v, &n, e)))
		return err;
	err = -EADDRNOTAVAIL;
	for (int fam = 0; fam < 2 && err; fam++)
		for (unsigned i = 0; i < n && err; i++) {
			struct nl_prefix a = v[i].addr;

			a.len = a.family == AF_INET ? 32 : 128;
			if (v[i].scope != 0 /* RT_SCOPE_UNIVERSE */)
				continue;
			if (f->local.family ? nl_prefix_equal(&a, &f->local)
					    : a.family == (fam ? AF_INET6 : AF_INET)) {
				f->local = a;
				err = 0;
			}
		}
	free(v);
	if (err) {
		char t[NL_PREFIX_STRLEN];

		if (f->local.family)
			return nl_fail(e, err, NL_ERR_INVALID, obj, "does not hold --local %s",
				       nl_prefix_str(&f->local, false, t, sizeof(t)));
		return nl_fail(e, err, NL_ERR_INVALID, obj,
			       "has no global address to start tunnels from (give --local)");
	}
	return vn_fabric_check(f, e);
}

int vn_fabric_set(struct vn_ctx *c, const struct vn_fabric_args *a, struct nl_err *e)
{
	struct vn_fabric f, old;
	bool had;
	int err;

	if ((err = vn_lock(c, e)))
		return err;
	err = vn_fabric_load(c->conf_dir, &old, e);
	if (err && err != -ENOENT)
		return err;
	had = !err;
	nl_err_clear(e);
	if ((err = vn_fabric_merge(had ? &old : NULL, a, &f, e)) || (err = resolve_local(c, &f, e)))
		return err;
	if ((err = vn_frr_apply(c, had ? &old : NULL, &f, e)))
		return err;
	if ((err = vn_fabric_save(c->conf_dir, &f, e))) {
		/* FRR back as it was */
		vn_frr_apply(c, &f, had ? &old : NULL, NULL);
		return err;
	}
	return vn_vxlan_fabric_changed(c, &f, e);
}

int vn_fabric_get(struct vn_ctx *c, struct vn_fabric *f, struct nl_err *e)
{
	return vn_fabric_load(c->conf_dir, f, e);
}

int vn_fabric_unset(struct vn_ctx *c, struct nl_err *e)
{
	struct vn_store_entry *v = NULL;
	struct vn_fabric f;
	unsigned n = 0;
	int err;

	if ((err = vn_lock(c, e)) || (err = vn_fabric_load(c->conf_dir, &f, e)) ||
	    (err = vn_store_list(c->conf_dir, &v, &n, e)))
		return err;
	for (unsigned i = 0; i < n && !err; i++)
		if (!v[i].err && v[i].net.vni) {
			char obj[64];

			snprintf(obj, sizeof(obj), "network %s", v[i].net.name);
			err = nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
				      "spans hosts (--vni %u): destroy it first", v[i].net.vni);
		}
	free(v);
	if (err || (err = vn_frr_apply(c, &f, NULL, e)))
		return err;
	return vn_fabric_forget(c->conf_dir, e);
}
