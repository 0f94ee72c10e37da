/* repair — what vnetd asks of the engine: which networks it keeps running,
 * and bringing one back to its definition when its status is not up.
 *
 * A network is kept running from the moment it is brought up (create, up:
 * its run record exists) until it is taken down (down, destroy). At start
 * and on SIGHUP every definition is brought up, as `vnet up --all` at boot,
 * but one taken down with `vnet down` since the machine started
 * ($VNET_RUN_DIR/NAME.down). A repair is `vnet up` (the same apply walk,
 * idempotent) after `vnet show` found something missing, plus the ports
 * that were on the bridge before it vanished and still exist, so guests
 * keep working without a restart. */
#include <dirent.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netd/dnsmasq.h"
#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"
#include "nlink/event.h"

static void marker_path(const struct vn_ctx *c, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.down", c->run_dir, name);
}

void vn_down_mark(const struct vn_ctx *c, const char *name, bool down)
{
	char path[320];

	marker_path(c, name, path, sizeof(path));
	if (down)
		nl_file_write(path, 0644, "", 0, NULL);
	else
		nl_file_remove(path);
}

static bool marked_down(const struct vn_ctx *c, const char *name)
{
	char path[320];

	marker_path(c, name, path, sizeof(path));
	return access(path, F_OK) == 0;
}

int vn_kept(struct vn_ctx *c, bool all, struct vn_kept **out, unsigned *n, struct nl_err *e)
{
	struct vn_store_entry *v;
	struct vn_net *ran = malloc(sizeof(*ran));
	unsigned cnt, k = 0;
	int err = ran ? vn_store_list(c->conf_dir, &v, &cnt, e)
		      : nl_err_set(e, -ENOMEM, "list", "networks");

	*out = NULL;
	*n = 0;
	if (!err && cnt && !(*out = calloc(cnt, sizeof(**out))))
		err = nl_err_set(e, -ENOMEM, "list", "networks");
	for (unsigned i = 0; !err && i < cnt; i++) {
		const char *name = v[i].net.name;

		if (v[i].err || marked_down(c, name))
			continue;
		if (!all && vn_run_record_load(c, name, ran, NULL))
			continue; /* never brought up, or taken down */
		(*out)[k].bring_up = all;
		snprintf((*out)[k++].name, NL_IFNAMSIZ, "%s", name);
	}
	if (!err)
		free(v);
	*n = k;
	free(ran);
	return err;
}

/* "bridge isbr: absent; table inet vnet: absent" */
static void summary(const struct vn_status *st, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < st->nproblems && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s: %s", i ? "; " : "",
					st->problem[i].object, st->problem[i].have);
}

/* The ports vnetd saw on the bridge that exist again without a master. */
static void reattach(struct vn_ctx *c, const char *name, const struct vn_ports *known,
		     const struct vn_ports *now)
{
	for (unsigned i = 0; i < known->n; i++) {
		bool there = false;

		for (unsigned j = 0; j < now->n && !there; j++)
			there = !strcmp(known->name[i], now->name[j]);
		if (!there)
			vn_port_add(c, name, known->name[i], NULL);
	}
}

/* Under the lock: whether k is still to be kept running. */
static bool still_kept(struct vn_ctx *c, const struct vn_kept *k)
{
	struct vn_net *n = malloc(sizeof(*n));
	bool kept = n && vn_store_load(c->conf_dir, k->name, n, NULL) == 0 &&
		    !marked_down(c, k->name) &&
		    (k->bring_up || vn_run_record_load(c, k->name, n, NULL) == 0);

	free(n);
	return kept;
}

int vn_repair(struct vn_ctx *c, struct vn_kept *k, struct nl_err *e)
{
	struct vn_status *st = malloc(sizeof(*st));
	int err = st ? vn_lock(c, e) : nl_err_set(e, -ENOMEM, "repair", "network %s", k->name);

	k->what[0] = '\0';
	k->repaired = false;
	/* the list was read before the lock: a command may have taken the
	 * network down or away since */
	if (!err && !still_kept(c, k)) {
		free(st);
		return 0;
	}
	if (!err && !(err = vn_show(c, k->name, st, e)) && st->state != VN_STATE_UP) {
		summary(st, k->what, sizeof(k->what));
		if (!(err = vn_up(c, k->name, e))) {
			struct vn_ports known = k->ports;

			k->repaired = true;
			if (!(err = vn_show(c, k->name, st, e)))
				reattach(c, k->name, &known, &st->ports);
			err = err ? err : vn_show(c, k->name, st, e);
		}
	}
	if (!err) {
		k->ports = st->ports;
		k->dnsmasq = st->dnsmasq;
	}
	free(st);
	return err;
}

struct vn_watch {
	struct nl_listener l[VN_WATCH_N];
};

struct vn_watch *vn_watch_new(struct nl_err *e)
{
	/* RTM_NEWNETCONF reports ip_forward changes */
	static const unsigned rt_groups[] = {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
					     RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF};
	static const unsigned nf_groups[] = {NFNLGRP_NFTABLES};
	struct vn_watch *w = malloc(sizeof(*w));

	if (!w) {
		nl_err_set(e, -ENOMEM, "open", "netlink listeners");
		return NULL;
	}
	w->l[VN_WATCH_LINKS].fd = w->l[VN_WATCH_RULES].fd = -1;
	if (nl_listener_open(&w->l[VN_WATCH_LINKS], NETLINK_ROUTE, rt_groups,
			     sizeof(rt_groups) / sizeof(rt_groups[0]), e) ||
	    nl_listener_open(&w->l[VN_WATCH_RULES], NETLINK_NETFILTER, nf_groups,
			     sizeof(nf_groups) / sizeof(nf_groups[0]), e)) {
		vn_watch_free(w);
		return NULL;
	}
	return w;
}

void vn_watch_free(struct vn_watch *w)
{
	for (unsigned i = 0; w && i < VN_WATCH_N; i++)
		nl_listener_close(&w->l[i]);
	free(w);
}

int vn_watch_fd(const struct vn_watch *w, unsigned i)
{
	return i < VN_WATCH_N ? w->l[i].fd : -1;
}

bool vn_watch_drain(struct vn_watch *w, unsigned i)
{
	return i < VN_WATCH_N && nl_listener_drain(&w->l[i]) != 0;
}
