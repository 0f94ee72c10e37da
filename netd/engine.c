/* engine — the operations front ends call: create, destroy, up, down, port
 * add/del, show. Each mutating one takes the lock first. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "netd/dnsmasq.h"
#include "netd/access.h"
#include "netd/internal.h"
#include "nlink/route.h"
#include "netd/store.h"

const char *vn_state_name(enum vn_state s)
{
	return s == VN_STATE_UP ? "up" : s == VN_STATE_DEGRADED ? "degraded" : "down";
}

static int got_route(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	(void)idx;
	return nl_route_parse(nlh, data);
}

/* A NAT network whose host has no default route masquerades to nowhere:
 * said, as `vnet doctor` says it, after one FIB lookup of an address only
 * a default route leads to (when a narrower route matched, there may still
 * be none, but the guests reach something). */
static void warn_no_way_out(struct vn_ctx *c, const struct vn_net *n)
{
	struct nl_prefix far = {.family = AF_INET, .len = 32, .a.v4.s_addr = htonl(0x01010101)};
	struct nl_route r = {0};
	bool v4 = false;

	for (unsigned i = 0; i < n->nsubnets; i++)
		v4 |= n->subnet[i].prefix.family == AF_INET;
	if (n->model != VN_NAT || !v4)
		return;
	nl_batch_reset(c->b);
	if (nl_route_lookup_msg(c->b, &far) ||
	    vn_send(c, NULL, got_route, &r, NULL) != -ENETUNREACH)
		return;
	snprintf(c->warning, sizeof(c->warning),
		 "this host has no IPv4 default route: the guests of NAT network %s reach "
		 "nothing beyond it (vnet doctor %s)",
		 n->name, n->name);
}

/* What of an existing network is missing, as status says it, into
 * c->restored ("bridge n1, dnsmasq of network n1"; "" when it is up): what
 * the same create again is about to restore. */
static void missing(struct vn_ctx *c, const char *name)
{
	struct vn_status *st = malloc(sizeof(*st));
	size_t len = 0, n = sizeof(c->restored);
	struct nl_err e;

	c->restored[0] = '\0';
	if (!st || vn_show(c, name, st, &e)) {
		free(st);
		return;
	}
	if (st->state == VN_STATE_DOWN)
		snprintf(c->restored, n, "all of it (it was down)");
	for (unsigned i = 0; st->state == VN_STATE_DEGRADED && i < st->nproblems && len < n; i++)
		len += (size_t)snprintf(c->restored + len, n - len, "%s%s", i ? ", " : "",
					st->problem[i].object);
	free(st);
}

static int create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e);

/* A network that spans hosts gets the MTU that fits the underlay first
 * (vxlan.c), then is created as any other. */
int vn_create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e)
{
	struct vn_net *fit;
	int err;

	*existed = false;
	if (!n->vni)
		return create(c, n, existed, e);
	if (!(fit = malloc(sizeof(*fit))))
		return nl_err_set(e, -ENOMEM, "create", "network %s", n->name);
	*fit = *n;
	if (!(err = vn_vxlan_fit(c, fit, e)))
		err = create(c, fit, existed, e);
	free(fit);
	return err;
}

static int create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e)
{
	struct vn_run r = {.c = c, .n = n};
	struct vn_net have;
	char diff[200], obj[NL_IFNAMSIZ + 16];
	int err;

	*existed = false;
	c->restored[0] = '\0';
	if ((err = vn_lock(c, e)))
		return err;
	err = vn_store_load(c->conf_dir, n->name, &have, e);
	if (!err) {
		snprintf(obj, sizeof(obj), "network %s", n->name);
		if (!vn_net_same(&have, n, diff, sizeof(diff)))
			return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "exists with %s", diff);
		*existed = true;
		/* converge on what is stored: it holds the hosts and forwards
		 * added since, which the same create again must keep; what it
		 * restores is said (status's read: not on a new network's path) */
		missing(c, n->name);
		r.n = &have;
		r.repair = true;
		if (!(err = vn_apply(&r, e)))
			vn_down_mark(c, n->name, false);
		else
			c->restored[0] = '\0';
		return err;
	}
	if (err != -ENOENT)
		return err;
	nl_err_clear(e);
	if ((err = vn_check_host(c, n, e)) || (err = vn_index_put(c, n, e)))
		return err;
	err = vn_store_save(c->conf_dir, n, e);
	vn_index_touch(c);
	if (err) {
		vn_index_drop(c, n->name, NULL);
		return err;
	}
	if ((err = vn_apply(&r, e))) {
		vn_index_drop(c, n->name, NULL);
		vn_store_forget(c->conf_dir, n->name, NULL);
		vn_index_touch(c);
	} else
		vn_down_mark(c, n->name, false);
	if (!err)
		warn_no_way_out(c, n);
	return err;
}

/* up applies a definition as create does, with create's checks (other
 * networks' subnets and bridges, the host's addresses and routes; what is
 * the network's own is no conflict). A network that runs with another
 * definition (edited since) is taken down first, so what ran does not
 * stay beside what is wanted. */
int vn_up(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n)), *ran = malloc(sizeof(*ran));
	struct vn_run r = {.c = c, .n = n, .repair = true};
	char diff[200];
	int err = n && ran ? 0 : nl_err_set(e, -ENOMEM, "up", "network %s", name);

	if (!err && !(err = vn_lock(c, e)) && !(err = vn_store_load(c->conf_dir, name, n, e)) &&
	    !(err = vn_check_host(c, n, e))) {
		if (vn_run_record_load(c, name, ran, NULL) == 0 &&
		    !vn_net_same(ran, n, diff, sizeof(diff)))
			err = vn_teardown(c, ran, true, false, NULL, e);
		if (!err)
			err = vn_apply(&r, e);
		if (!err)
			vn_down_mark(c, name, false);
	}
	free(n);
	free(ran);
	return err;
}

/* Whether a bridge marked as network name's runs although neither its run
 * record nor its definition can say what else runs with it (one made by an
 * older vnet, whose values this one refuses): then destroy keeps the
 * definition and says so, rather than forget it and leave the bridge. One
 * dump of the links, on this rare path only. */
static bool still_runs(struct vn_ctx *c, const char *name, int err, struct nl_err *e)
{
	struct nl_sock *rt;
	struct nl_link *l;
	unsigned n;
	bool runs = false;

	if (err == -ENOENT || vn_rt(c, &rt, NULL) || nl_link_list(rt, 0, &l, &n, NULL))
		return false;
	for (unsigned i = 0; i < n && !runs; i++)
		runs = vn_link_is_ours(&l[i], name);
	free(l);
	if (runs && e) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		nl_err_msg(e, "%s; its bridge still runs: fix the definition, then destroy", why);
	}
	return runs;
}

/* What to take down: what runs, as its run record says (the definition
 * may have been edited, truncated or removed since), else the definition. */
static int stop(struct vn_ctx *c, const char *name, bool forget, struct vn_ports *released,
		struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	int err = n ? 0 : nl_err_set(e, -ENOMEM, "stop", "network %s", name);

	if (released)
		released->n = 0;
	if (!err && !(err = vn_lock(c, e)) && !(err = vn_name_check(name, e))) {
		bool recorded = vn_run_record_load(c, name, n, NULL) == 0;

		if (recorded || !(err = vn_store_load(c->conf_dir, name, n, e))) {
			err = vn_teardown(c, n, recorded, forget, released, e);
		} else if (forget && !still_runs(c, name, err, e)) {
			/* nothing of it runs; what a `down` kept (leases)
			 * goes, and an unreadable file is forgotten */
			vn_dnsmasq_stop(c, name, true, true, NULL);
			vn_down_mark(c, name, false);
			if (err != -ENOENT) {
				nl_err_clear(e);
				err = 0;
			}
		}
	}
	vn_kill_point(c, "forget");
	if (!err)
		vn_down_mark(c, name, !forget);
	if (!err && forget && !(err = vn_index_drop(c, name, e))) {
		err = vn_store_forget(c->conf_dir, name, e);
		/* a new network of that name starts with nobody allowed */
		vn_access_forget(c, name);
		vn_index_touch(c);
	}
	free(n);
	return err;
}

int vn_orphans(struct vn_ctx *c, struct vn_orphan **out, unsigned *n, struct nl_err *e)
{
	DIR *d = opendir(c->run_dir);
	struct dirent *de;
	struct vn_net *def = malloc(sizeof(*def));
	unsigned cap = 0;
	int err = def ? 0 : nl_err_set(e, -ENOMEM, "read", "%s", c->run_dir);

	*out = NULL;
	*n = 0;
	while (!err && d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[NL_IFNAMSIZ];
		struct nl_err le;
		struct vn_orphan *o;

		if (len <= 4 || len - 4 >= NL_IFNAMSIZ || strcmp(de->d_name + len - 4, ".net"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), de->d_name);
		if (vn_name_check(name, NULL) || vn_store_load(c->conf_dir, name, def, &le) == 0)
			continue;
		if (*n == cap) {
			o = realloc(*out, (cap = cap ? 2 * cap : 4) * sizeof(*o));
			if (!o) {
				err = nl_err_set(e, -ENOMEM, "read", "%s", c->run_dir);
				break;
			}
			*out = o;
		}
		o = &(*out)[(*n)++];
		snprintf(o->name, sizeof(o->name), "%s", name);
		nl_err_str(&le, o->why, sizeof(o->why));
	}
	if (d)
		closedir(d);
	free(def);
	return err;
}

int vn_down(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e)
{
	return stop(c, name, false, released, e);
}

int vn_destroy(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e)
{
	return stop(c, name, true, released, e);
}

int vn_load_to_change(struct vn_ctx *c, const char *name, struct vn_net **old, struct vn_net **n,
		      struct nl_err *e)
{
	int err;

	*old = malloc(sizeof(**old));
	*n = malloc(sizeof(**n));
	if (!*old || !*n)
		return nl_err_set(e, -ENOMEM, "load", "network %s", name);
	if ((err = vn_lock(c, e)) || (err = vn_store_load(c->conf_dir, name, *old, e)))
		return err;
	**n = **old;
	return 0;
}
