/* forward — port forwards, live and persistent; see forward.h. */
#include "netd/forward.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/route.h"
#include "firewall/fw.h"
#include "netd/internal.h"
#include "firewall/plan.h"
#include "netd/store.h"

/* Refuses f when another network forwards its port already (the index:
 * one small file, not every definition). */
static int check_others(struct vn_ctx *c, const char *name, const struct vn_forward *f,
			struct nl_err *e)
{
	char a[VN_ADDRPORT_STRLEN], obj[32], net[NL_IFNAMSIZ];
	struct vn_forward hit;
	int err = vn_index_forwarded(c, name, f, net, &hit, e);

	if (err <= 0)
		return err;
	snprintf(obj, sizeof(obj), "%s port %u", vn_proto_name(f->proto), f->port);
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
		       "is forwarded already by network %s (to %s)", net,
		       vn_addrport_str(&hit.guest, hit.guest_port, a, sizeof(a)));
}

/* nl_data_cb: whether the route looked up is local (the host's own
 * address). */
static int got_local(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct nl_route r;

	(void)idx;
	if (nl_route_parse(nlh, &r) == 0 && r.type == RTN_LOCAL)
		*(bool *)data = true;
	return 0;
}

static bool same_addr(const struct nl_prefix *x, const struct nl_prefix *y)
{
	return x->family == y->family && !memcmp(x->a.b, y->a.b, x->family == AF_INET6 ? 16 : 4);
}

/* Whether the host holds address a: one look-up in the FIB (its local
 * route) and, when that says no (an address on a link that is down has
 * none), one read of the host's addresses of its family. */
static int host_holds(struct vn_ctx *c, const struct nl_prefix *a, bool *held, struct nl_err *e)
{
	static const int ok[] = {-ENETUNREACH, -EHOSTUNREACH, -ENOENT, 0};
	struct nl_ifaddr *v;
	struct nl_sock *rt;
	unsigned cnt;
	int err;

	*held = false;
	nl_batch_reset(c->b);
	if (nl_route_lookup_msg(c->b, a) == 0 && vn_send(c, ok, got_local, held, NULL) == 0 &&
	    *held)
		return 0;
	if ((err = vn_rt(c, &rt, e)) || (err = nl_addr_list(rt, a->family, 0, &v, &cnt, e)))
		return err;
	for (unsigned i = 0; i < cnt && !*held; i++)
		*held = same_addr(&v[i].addr, a);
	free(v);
	return 0;
}

/* Refuses a forward on an address the host does not hold: nothing would
 * ever arrive there. The network's own gateways count whether it runs or
 * not (they are there whenever it does). */
static int check_address(struct vn_ctx *c, const struct vn_net *n, const struct vn_forward *f,
			 struct nl_err *e)
{
	char a[NL_PREFIX_STRLEN], obj[NL_PREFIX_STRLEN + 16];
	bool held = false;
	int err;

	if (!f->address.family) /* every address */
		return 0;
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (same_addr(&n->subnet[i].gateway, &f->address))
			return 0;
	if ((err = host_holds(c, &f->address, &held, e)) || held)
		return err;
	snprintf(obj, sizeof(obj), "address %s", nl_prefix_str(&f->address, false, a, sizeof(a)));
	return nl_fail(e, -EADDRNOTAVAIL, NL_ERR_INVALID, obj, "not an address of this host");
}

/* The plan of n (which checks it, the network down or not); NULL into
 * *out on failure, e set. */
static int plan_of(const struct vn_net *n, struct fw_plan **out, struct nl_err *e)
{
	struct fw_net *f = malloc(sizeof(*f));
	int err;

	*out = NULL;
	if (!f)
		return nl_err_set(e, -ENOMEM, "apply", "network %s", n->name);
	vn_fw_net_of(n, f);
	err = fw_plan_build(f, out, e);
	free(f);
	return err;
}

/* Builds n's whole plan and applies it when the network runs (its bridge
 * is there); was is what ran before, whose forwards and n's are read by
 * key (fw_apply_forwards). */
static int apply_if_running(struct vn_ctx *c, const struct vn_net *n, const struct vn_net *was,
			    bool *ran, struct nl_err *e)
{
	struct fw_plan *plan = NULL, *wplan = NULL;
	struct nl_link br;
	struct fw *fw;
	int err;

	*ran = false;
	if (!(err = plan_of(n, &plan, e))) {
		err = vn_bridge_get(c, n, &br, e);
		*ran = err == 0;
		if (err == -ENODEV || err == -EEXIST) { /* down, or not running as ours */
			nl_err_clear(e);
			err = 0;
		}
	}
	if (!err && *ran && !(err = vn_fw(c, &fw, e))) {
		if (plan_of(was, &wplan, NULL) == 0)
			err = fw_apply_forwards(fw, plan, wplan, e);
		else /* was does not build: read the forward maps whole */
			err = fw_apply(fw, plan, e);
	}
	fw_plan_free(wplan);
	fw_plan_free(plan);
	return err;
}

/* Applies want, then saves it (its forwards in the index first); a failed
 * save puts old's rules back, a failure the index's line. */
static int apply_and_save(struct vn_ctx *c, const struct vn_net *old, const struct vn_net *want,
			  struct nl_err *e)
{
	bool ran = false;
	int err = vn_index_put(c, want, e);

	if (err)
		return err;
	if (!(err = apply_if_running(c, want, old, &ran, e)) &&
	    (err = vn_store_save(c->conf_dir, want, e)) && ran)
		apply_if_running(c, old, want, &ran, NULL);
	if (err)
		vn_index_put(c, old, NULL);
	vn_index_touch(c);
	return err;
}

int vn_forward_cmd_add(struct vn_ctx *c, const char *name, const struct vn_forward *f,
		       struct nl_err *e)
{
	struct vn_net *old, *n;
	int err = vn_load_to_change(c, name, &old, &n, e);

	if (!err && !(err = vn_forward_add(n, f, e)) && !(err = check_address(c, n, f, e)) &&
	    !(err = check_others(c, name, f, e)))
		err = apply_and_save(c, old, n, e);
	free(old);
	free(n);
	return err;
}

int vn_forward_list(struct vn_ctx *c, const char *name, struct vn_forward **out, unsigned *n,
		    struct nl_err *e)
{
	struct vn_net *net = malloc(sizeof(*net));
	int err = net ? vn_store_load(c->conf_dir, name, net, e)
		      : nl_err_set(e, -ENOMEM, "list", "forwards of network %s", name);

	*out = NULL;
	*n = 0;
	if (!err && net->nforwards && !(*out = malloc(net->nforwards * sizeof(**out))))
		err = nl_err_set(e, -ENOMEM, "list", "forwards of network %s", name);
	if (!err && *out) {
		memcpy(*out, net->forward, net->nforwards * sizeof(**out));
		*n = net->nforwards;
	}
	free(net);
	return err;
}

int vn_forward_cmd_del(struct vn_ctx *c, const char *name, const struct vn_forward *f,
		       struct nl_err *e)
{
	struct vn_net *old, *n;
	int err = vn_load_to_change(c, name, &old, &n, e);

	if (!err && !(err = vn_forward_del(n, f, e)))
		err = apply_and_save(c, old, n, e);
	free(old);
	free(n);
	return err;
}
