/* forward — port forwards, live and persistent; see forward.h. */
#include "netd/forward.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "firewall/fw.h"
#include "netd/internal.h"
#include "firewall/plan.h"
#include "netd/store.h"

/* Refuses f when another network forwards its port already. */
static int check_others(struct vn_ctx *c, const char *name, const struct vn_forward *f,
			struct nl_err *e)
{
	struct vn_store_entry *v;
	char a[NL_PREFIX_STRLEN], obj[32];
	unsigned n;
	int err = vn_store_list(c->conf_dir, &v, &n, e);

	for (unsigned i = 0; !err && i < n; i++) {
		const struct vn_net *o = &v[i].net;

		if (v[i].err || !strcmp(o->name, name))
			continue;
		for (unsigned k = 0; !err && k < o->nforwards; k++) {
			if (!vn_forward_same_listener(&o->forward[k], f))
				continue;
			snprintf(obj, sizeof(obj), "%s port %u", vn_proto_name(f->proto), f->port);
			err = nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
				      "is forwarded already by network %s (to %s:%u)", o->name,
				      nl_prefix_str(&o->forward[k].guest, false, a, sizeof(a)),
				      o->forward[k].guest_port);
		}
	}
	free(v);
	return err;
}

/* Refuses a forward on an address the host does not hold: nothing would
 * ever arrive there. One read of the host's IPv4 addresses; the network's
 * own gateways count whether it runs or not (they are there whenever it
 * does). */
static int check_address(struct vn_ctx *c, const struct vn_net *n, const struct vn_forward *f,
			 struct nl_err *e)
{
	struct nl_ifaddr *v;
	char a[NL_PREFIX_STRLEN], obj[NL_PREFIX_STRLEN + 16];
	bool held = false;
	struct nl_sock *rt;
	unsigned cnt;
	int err;

	if (f->address.family != AF_INET) /* every address; or not IPv4: the plan says so */
		return 0;
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].gateway.family == AF_INET &&
		    n->subnet[i].gateway.a.v4.s_addr == f->address.a.v4.s_addr)
			return 0;
	if ((err = vn_rt(c, &rt, e)) || (err = nl_addr_list(rt, AF_INET, 0, &v, &cnt, e)))
		return err;
	for (unsigned i = 0; i < cnt && !held; i++)
		held = v[i].addr.family == AF_INET &&
		       v[i].addr.a.v4.s_addr == f->address.a.v4.s_addr;
	free(v);
	if (held)
		return 0;
	snprintf(obj, sizeof(obj), "address %s", nl_prefix_str(&f->address, false, a, sizeof(a)));
	return nl_fail(e, -EADDRNOTAVAIL, NL_ERR_INVALID, obj, "not an address of this host");
}

/* Builds n's whole plan (which checks it, the network down or not) and
 * applies it when the network runs (its bridge is there). */
static int apply_if_running(struct vn_ctx *c, const struct vn_net *n, bool *ran, struct nl_err *e)
{
	struct fw_plan *plan = NULL;
	struct fw_net *f = malloc(sizeof(*f));
	struct nl_link br;
	struct fw *fw;
	int err;

	*ran = false;
	if (!f)
		return nl_err_set(e, -ENOMEM, "apply", "network %s", n->name);
	vn_fw_net_of(n, f);
	if (!(err = fw_plan_build(f, &plan, e))) {
		err = vn_bridge_get(c, n, &br, e);
		*ran = err == 0;
		if (err == -ENODEV || err == -EEXIST) { /* down, or not running as ours */
			nl_err_clear(e);
			err = 0;
		}
	}
	if (!err && *ran && !(err = vn_fw(c, &fw, e)))
		err = fw_apply(fw, plan, e);
	fw_plan_free(plan);
	free(f);
	return err;
}

/* Applies want, then saves it; a failed save puts old's rules back. */
static int apply_and_save(struct vn_ctx *c, const struct vn_net *old, const struct vn_net *want,
			  struct nl_err *e)
{
	bool ran;
	int err = apply_if_running(c, want, &ran, e);

	if (err)
		return err;
	if ((err = vn_store_save(c->conf_dir, want, e)) && ran)
		apply_if_running(c, old, &ran, NULL);
	vn_index_touch(c); /* the folder changed; the index did not need to */
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
