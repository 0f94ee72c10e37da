/* engine — the operations front ends call: create, destroy, up, down, port
 * add/del, show. Each mutating one takes the lock first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store.h"

const char *vn_state_name(enum vn_state s)
{
	return s == VN_STATE_UP ? "up" : s == VN_STATE_DEGRADED ? "degraded" : "down";
}

static int conflict(struct nl_err *e, const char *name, const char *diff)
{
	nl_err_set(e, -EEXIST, "", "network %s", name);
	nl_err_kind(e, NL_ERR_CONFLICT);
	return nl_err_msg(e, "exists with %s", diff);
}

int vn_create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e)
{
	struct vn_run r = {.c = c, .n = n};
	struct vn_net have;
	char diff[200];
	int err;

	*existed = false;
	if ((err = vn_lock(c, e)))
		return err;
	err = vn_store_load(c->conf_dir, n->name, &have, e);
	if (!err) {
		if (!vn_net_same(&have, n, diff, sizeof(diff)))
			return conflict(e, n->name, diff);
		*existed = true;
		/* converge on what is stored: it holds the hosts and forwards
		 * added since, which the same create again must keep */
		r.n = &have;
		return vn_apply(&r, e);
	}
	if (err != -ENOENT)
		return err;
	nl_err_clear(e);
	if ((err = vn_check_host(c, n, e)) || (err = vn_store_save(c->conf_dir, n, e)))
		return err;
	if ((err = vn_apply(&r, e)))
		vn_store_forget(c->conf_dir, n->name, NULL);
	return err;
}

int vn_up(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	struct vn_net n;
	struct vn_run r = {.c = c, .n = &n};
	int err;

	if ((err = vn_lock(c, e)) || (err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	return vn_apply(&r, e);
}

static int stop(struct vn_ctx *c, const char *name, bool forget, struct vn_ports *released,
		struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	int err = n ? 0 : nl_err_set(e, -ENOMEM, "stop", "network %s", name);

	if (!err && !(err = vn_lock(c, e)) && !(err = vn_store_load(c->conf_dir, name, n, e)))
		err = vn_teardown(c, n, forget, released, e);
	if (!err && forget)
		err = vn_store_forget(c->conf_dir, name, e);
	free(n);
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
