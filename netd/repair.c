/* repair — what vnetd asks of the engine: which networks it keeps running,
 * and bringing one back to its definition when its status is not up.
 *
 * A network is kept running from the moment it is brought up (create, up:
 * its run record exists) until it is taken down (down, destroy). At start
 * and on SIGHUP every definition is brought up, as `vnet up --all` at boot,
 * but one taken down with `vnet down` since the machine started
 * ($VNET_RUN_DIR/NAME.down). What vnetd keeps it keeps, should the run
 * records vanish ($VNET_RUN_DIR removed): the last list is the memory. A
 * repair is `vnet up` (the same apply walk, idempotent) after `vnet show`
 * found something missing (or the run record gone, which up writes again),
 * plus the ports that were on the bridge before it vanished and still
 * exist, so guests keep working without a restart. A definition that does
 * not read is listed with why, never repaired: there is nothing to repair
 * it to. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "firewall/fw.h"
#include "firewall/plan.h"
#include "netd/dnsmasq.h"
#include "netd/internal.h"
#include "netd/store.h"

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

static const struct vn_kept *last_of(const struct vn_kept *last, unsigned nlast, const char *name)
{
	for (unsigned i = 0; i < nlast; i++)
		if (last[i].name[0] && !strcmp(last[i].name, name))
			return &last[i];
	return NULL;
}

/* The network a file that does not read would define: "" when its name is
 * not NAME.conf (x->file is escaped: a valid name has nothing to escape). */
static void name_of_file(const struct vn_store_entry *x, char name[NL_IFNAMSIZ])
{
	size_t len = strlen(x->file);

	name[0] = '\0';
	if (len > 5 && len - 5 < NL_IFNAMSIZ && !strcmp(x->file + len - 5, ".conf")) {
		snprintf(name, NL_IFNAMSIZ, "%.*s", (int)(len - 5), x->file);
		if (vn_name_check(name, NULL))
			name[0] = '\0';
	}
}

static void defs_free(struct vn_ctx *c)
{
	free(c->defs);
	c->defs = NULL;
	c->ndefs = 0;
}

/* Network name's definition as the pass's list read it (i: where vn_kept
 * found it), or NULL: no pass, or a list without it. */
static const struct vn_net *pass_def(const struct vn_ctx *c, const char *name, unsigned i)
{
	return i < c->ndefs && !c->defs[i].err && !strcmp(c->defs[i].net.name, name)
		       ? &c->defs[i].net
		       : NULL;
}

/* What the kernel's news of k may name (netd.h). */
static void watched(struct vn_kept *k, const struct vn_net *def)
{
	snprintf(k->bridge, sizeof(k->bridge), "%s", def->bridge);
	snprintf(k->uplink, sizeof(k->uplink), "%s", def->uplink);
	k->vxlan[0] = '\0';
	if (def->vni)
		vn_vxlan_name(def, k->vxlan);
}

int vn_kept(struct vn_ctx *c, bool all, const struct vn_kept *last, unsigned nlast,
	    struct vn_kept **out, unsigned *n, struct nl_err *e)
{
	struct vn_store_entry *v = NULL;
	struct vn_net *ran = malloc(sizeof(*ran));
	unsigned cnt = 0, k = 0;
	/* under the lock, held through the pass: its repairs take the
	 * definitions read here (parsed once a pass) */
	int err = ran ? vn_lock(c, e) : nl_err_set(e, -ENOMEM, "list", "networks");

	defs_free(c);
	if (!err)
		err = vn_store_list(c->conf_dir, &v, &cnt, e);

	*out = NULL;
	*n = 0;
	if (!err && cnt && !(*out = calloc(cnt, sizeof(**out))))
		err = nl_err_set(e, -ENOMEM, "list", "networks");
	/* the networks, then the files that do not read */
	for (unsigned bad = 0; !err && bad < 2; bad++)
		for (unsigned i = 0; i < cnt; i++) {
			struct vn_kept *o = &(*out)[k];
			const struct vn_kept *was;
			char name[NL_IFNAMSIZ];

			if (bad != (v[i].err != 0))
				continue;
			if (bad)
				name_of_file(&v[i], name);
			else
				snprintf(name, sizeof(name), "%s", v[i].net.name);
			was = name[0] ? last_of(last, nlast, name) : NULL;
			if (!bad && (marked_down(c, name) ||
				     (!all && !was && vn_run_record_load(c, name, ran, NULL))))
				continue; /* taken down, or never brought up */
			snprintf(o->name, sizeof(o->name), "%s", name);
			o->bring_up = all && !bad;
			o->known = was != NULL;
			if (was) {
				o->ports = was->ports;
				o->dnsmasq = was->dnsmasq;
				o->ifindex = was->ifindex;
			}
			o->def = i;
			if (bad)
				snprintf(o->bad, sizeof(o->bad), "%s", v[i].msg);
			else
				watched(o, &v[i].net);
			k++;
		}
	if (err) {
		free(v);
		free(*out);
		*out = NULL;
		k = 0;
	} else {
		c->defs = v;
		c->ndefs = cnt;
	}
	*n = k;
	free(ran);
	return err;
}

/* What st found missing, after what (may be ""): "bridge isbr: absent;
 * table inet vnet: absent". */
static void summary(const struct vn_status *st, const char *before, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "%s", before);

	for (unsigned i = 0; i < st->nproblems && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s: %s", len ? "; " : "",
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

/* Brings k up again (the same walk as `vnet up`), with the ports it had
 * that exist again; then st is its status. */
static int bring_up(struct vn_ctx *c, struct vn_kept *k, const struct vn_net *def,
		    struct vn_status *st, struct nl_err *e)
{
	struct vn_ports known = k->ports;
	int err = vn_up(c, k->name, e);

	/* under the lock: what up applied is def */
	if (!err && !(err = vn_show_def(c, NULL, k->name, def, st, e))) {
		reattach(c, k->name, &known, &st->ports);
		err = vn_show_def(c, NULL, k->name, def, st, e);
	}
	return err;
}

/* vn_repair under the lock, with room for the status and both definitions. */
static int repair(struct vn_ctx *c, struct vn_kept *k, bool look, struct vn_status *st,
		  struct vn_net *buf, struct vn_net *ran, struct nl_err *e)
{
	char lost[320] = "", diff[200];
	bool recorded = vn_run_record_load(c, k->name, ran, NULL) == 0, edited, need;
	const struct vn_net *def = pass_def(c, k->name, k->def);
	int err;

	/* without the pass's list (read under the lock it holds), read now:
	 * a command may have taken the network down or away since the list
	 * was read; then there is nothing to repair */
	if (!def && vn_store_load(c->conf_dir, k->name, buf, NULL) == 0)
		def = buf;
	if (!def || marked_down(c, k->name) || (!recorded && !k->bring_up && !k->known)) {
		k->gone = true;
		return 0;
	}
	watched(k, def);
	/* up in the pass's read: so it is now, as no repair of another
	 * network takes anything of it; else read live */
	if (c->view && (err = vn_show_def(c, c->view, k->name, def, st, e)))
		return err;
	if ((!c->view || st->state != VN_STATE_UP) &&
	    (err = vn_show_def(c, NULL, k->name, def, st, e)))
		return err;
	k->ifindex = st->ifindex;
	/* it runs, yet its run record is gone ($VNET_RUN_DIR removed): up
	 * writes it again; or nothing of it runs, yet vnetd keeps it (the
	 * record went with the folder, or with the undo of a failed repair) */
	if (!recorded && st->state != VN_STATE_DOWN)
		snprintf(lost, sizeof(lost), "run record %s/%s.net: absent", c->run_dir, k->name);
	else if (!recorded && k->known)
		snprintf(lost, sizeof(lost), "bridge %s: absent", st->net.bridge);
	/* what runs is not what is defined: applied at start and on SIGHUP,
	 * or by a repair that brings it up anyway */
	edited = recorded && !vn_net_same(def, ran, diff, sizeof(diff));
	need = st->state != VN_STATE_UP || lost[0] || (edited && k->bring_up);
	summary(st, lost, k->what, sizeof(k->what));
	if (need && look && !k->what[0])
		snprintf(k->what, sizeof(k->what), "%s", vn_state_name(st->state));
	if (need && !look) {
		if ((k->edited = edited))
			snprintf(k->what, sizeof(k->what), "%s", diff);
		if ((err = bring_up(c, k, def, st, e)))
			return err;
		k->repaired = true;
		k->ifindex = st->ifindex;
	}
	if ((k->up = !need || !look)) {
		/* what runs now, to be put back later */
		k->ports = st->ports;
		k->dnsmasq = st->dnsmasq;
	}
	return 0;
}

int vn_repair(struct vn_ctx *c, struct vn_kept *k, bool look, struct nl_err *e)
{
	struct vn_status *st = malloc(sizeof(*st));
	struct vn_net *def = malloc(sizeof(*def)), *ran = malloc(sizeof(*ran));
	int err = st && def && ran ? vn_lock(c, e)
				   : nl_err_set(e, -ENOMEM, "repair", "network %s", k->name);

	k->what[0] = '\0';
	k->up = k->gone = k->repaired = k->edited = false;
	if (!err)
		err = repair(c, k, look, st, def, ran, e);
	free(st);
	free(def);
	free(ran);
	return err;
}

static void view_drop(struct vn_ctx *c)
{
	vn_view_free(c->view);
	c->view = NULL;
}

void vn_pass_begin(struct vn_ctx *c, unsigned n)
{
	view_drop(c);
	c->frr_given = false;
	/* under the lock, so that no command is halfway through; without
	 * the read (it failed), every network is read live */
	if (n > 1 && vn_lock(c, NULL) == 0 && vn_view_read(c, &c->view, NULL))
		c->view = NULL;
}

void vn_pass_end(struct vn_ctx *c)
{
	view_drop(c);
	defs_free(c);
}

/* Network name's plan when it runs as defined (its run record and its
 * definition the same) with rules of a model that has some; else NULL. */
static struct fw_plan *restorable(struct vn_ctx *c, const struct vn_kept *k, struct vn_net *buf,
				  struct vn_net *ran)
{
	const struct vn_net *def = pass_def(c, k->name, k->def);
	struct fw_plan *p = NULL;
	struct fw_net f;
	char diff[8];

	if (!def && vn_store_load(c->conf_dir, k->name, buf, NULL) == 0)
		def = buf;
	if (!def || marked_down(c, k->name) || vn_run_record_load(c, k->name, ran, NULL) ||
	    !vn_net_same(def, ran, diff, sizeof(diff)) || !(vn_model_wants(ran->model) & W_RULES))
		return NULL;
	vn_fw_net_of(ran, &f);
	return fw_plan_build(&f, &p, NULL) ? NULL : p;
}

unsigned vn_pass_restore(struct vn_ctx *c, const struct vn_kept *k, unsigned n, unsigned *sent,
			 struct nl_err *e)
{
	struct fw_plan **plans = calloc(n ? n : 1, sizeof(*plans));
	struct vn_net *def = malloc(sizeof(*def)), *ran = malloc(sizeof(*ran));
	unsigned np = 0, done = 0;
	struct fw *fw;

	*sent = 0;
	if (plans && def && ran && c->view && c->view->fw && !fw_snapshot_present(c->view->fw) &&
	    vn_fw(c, &fw, e) == 0) {
		for (unsigned i = 0; i < n; i++)
			if (!k[i].bad[0] && (plans[np] = restorable(c, &k[i], def, ran)))
				np++;
		if (np && fw_restore(fw, plans, np, &done, sent, e) == 0)
			nl_err_clear(e);
	}
	for (unsigned i = 0; i < np; i++)
		fw_plan_free(plans[i]);
	free(plans);
	free(def);
	free(ran);
	if (done)
		vn_pass_begin(c, n); /* the host read again */
	return done;
}
