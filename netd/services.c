/* services — the commands about a network's guest services: static DHCP
 * hosts (live and persistent) and restarting a dead dnsmasq. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netd/dnsmasq.h"
#include "netd/internal.h"
#include "netd/store.h"

/* Saves want, then brings the running dnsmasq to it; when that fails, puts
 * the old definition and its dnsmasq state back. */
static int save_and_apply(struct vn_ctx *c, const struct vn_net *old, const struct vn_net *want,
			  struct nl_err *e)
{
	bool running = vn_dnsmasq_pid(c, want->name) != 0;
	int err = vn_store_save(c->conf_dir, want, e);

	vn_index_touch(c); /* the folder changed; the index did not need to */
	if (err || !running)
		return err;
	if ((err = vn_dnsmasq_start(c, want, e))) {
		vn_store_save(c->conf_dir, old, NULL);
		vn_dnsmasq_start(c, old, NULL);
	}
	return err;
}

int vn_host_set(struct vn_ctx *c, const char *name, const struct vn_host *h, struct nl_err *e)
{
	struct vn_net *old, *n;
	int err = vn_load_to_change(c, name, &old, &n, e);

	if (!err && (err = vn_host_add(n, h, e)) == 0)
		err = save_and_apply(c, old, n, e);
	free(old);
	free(n);
	return err;
}

int vn_host_unset(struct vn_ctx *c, const char *name, const unsigned char mac[6], struct nl_err *e)
{
	struct vn_net *old, *n;
	int err = vn_load_to_change(c, name, &old, &n, e);

	if (!err && (err = vn_host_del(n, mac, e)) == 0)
		err = save_and_apply(c, old, n, e);
	free(old);
	free(n);
	return err;
}

int vn_restart_services(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	struct nl_link br;
	int err = n ? vn_lock(c, e) : nl_err_set(e, -ENOMEM, "restart", "network %s", name);

	if (!err && !(err = vn_store_load(c->conf_dir, name, n, e)))
		err = vn_bridge_running(c, n, &br, e);
	if (!err && !vn_net_has_dhcp(n)) {
		char obj[NL_IFNAMSIZ + 16];

		snprintf(obj, sizeof(obj), "network %s", name);
		err = nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "has no DHCP, so no dnsmasq");
	}
	if (!err && !(err = vn_dnsmasq_stop(c, name, false, true, e)))
		err = vn_dnsmasq_start(c, n, e);
	free(n);
	return err;
}
