/* list — the walks over every network that front ends make: `vnet list`
 * (each definition's status, then what runs without one), its names for
 * the shell's completion, and `vnet up --all`. The folder and the run
 * records stay the engine's to read; front ends get one call per network.
 * See netd.h. */
#include <errno.h>
#include <stdlib.h>

#include "netd/internal.h"
#include "netd/store.h"

/* Networks that run while their definition is gone or unreadable, as
 * vn_show reads them (from their run record). */
static int list_orphans(struct vn_ctx *c, const struct vn_view *view, struct vn_status *st,
			vn_list_fn each, void *arg, struct nl_err *e)
{
	struct vn_orphan *o;
	unsigned n;
	int err = vn_orphans(c, &o, &n, e);

	for (unsigned i = 0; !err && i < n; i++)
		if (!(err = vn_show_in(c, view, o[i].name, st, e)))
			each(arg, st, NULL);
	free(o);
	return err;
}

/* The host is read once (vn_view_read: one dump per kind of object), then
 * each network's status is found in what was read. */
int vn_list(struct vn_ctx *c, vn_list_fn each, void *arg, struct nl_err *e)
{
	struct vn_status *st = malloc(sizeof(*st));
	struct vn_store_entry *v = NULL;
	struct vn_view *view = NULL;
	unsigned n = 0;
	int err = st ? vn_store_list(vn_ctx_conf_dir(c), &v, &n, e)
		     : nl_err_set(e, -ENOMEM, "list", "networks");

	if (!err)
		err = vn_view_read(c, &view, e);
	for (unsigned i = 0; !err && i < n; i++) {
		if (v[i].err) /* named, and the rest still listed */
			each(arg, NULL, &v[i].why);
		else if (!(err = vn_show_in(c, view, v[i].net.name, st, e)))
			each(arg, st, NULL);
	}
	if (!err)
		err = list_orphans(c, view, st, each, arg, e);
	vn_view_free(view);
	free(v);
	free(st);
	return err;
}

int vn_list_names(struct vn_ctx *c, vn_name_fn each, void *arg, struct nl_err *e)
{
	struct vn_store_entry *v = NULL;
	struct vn_orphan *o = NULL;
	unsigned n = 0, no = 0;
	int err = vn_store_list(vn_ctx_conf_dir(c), &v, &n, e);

	for (unsigned i = 0; !err && i < n; i++)
		if (!v[i].err)
			each(arg, v[i].net.name);
	if (!err && !(err = vn_orphans(c, &o, &no, e)))
		for (unsigned i = 0; i < no; i++)
			each(arg, o[i].name);
	free(o);
	free(v);
	return err;
}

int vn_up_all(struct vn_ctx *c, vn_up_fn each, void *arg, struct nl_err *e)
{
	struct vn_store_entry *v;
	unsigned n;
	int err = vn_store_list(vn_ctx_conf_dir(c), &v, &n, e);

	for (unsigned i = 0; !err && i < n; i++) {
		struct nl_err ue;

		if (v[i].err)
			each(arg, NULL, &v[i].why);
		else
			each(arg, v[i].net.name, vn_up(c, v[i].net.name, &ue) ? &ue : NULL);
	}
	free(v);
	return err;
}
