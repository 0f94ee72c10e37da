/* tune — the offload and queue tuner; see tune.h. Owns the table that says
 * which kernel features each knob stands for and which of them qemu owns on
 * a tap, the plan of one change (checked whole before anything changes), the
 * report's choice of interfaces, and the host probes (vhost-net, tap
 * multiqueue). Links and features are read and set through nlink only. */
#include "tune/tune.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nlink/link.h"

#define KNOB_FEATS 5

/* A knob and the kernel features it stands for. The first is the knob's
 * own; the others follow it where the device lets them change, as
 * `ethtool -K DEV tso on|off` sets every tx-tcp*-segmentation. qemu: on a
 * tap, the knob is qemu's (tun's TUN_USER_FEATURES, set by TUNSETOFFLOAD). */
static const struct knob {
	const char *name;
	bool qemu;
	const char *feat[KNOB_FEATS];
} knobs[VT_KNOB_N] = {
	[VT_KNOB_GSO] = {"gso", false, {"tx-generic-segmentation"}},
	[VT_KNOB_TSO] = {"tso",
			 true,
			 {"tx-tcp-segmentation", "tx-tcp6-segmentation", "tx-tcp-ecn-segmentation",
			  "tx-tcp-mangleid-segmentation", "tx-tcp-accecn-segmentation"}},
	[VT_KNOB_GRO] = {"gro", false, {"rx-gro"}},
};

/* What the report shows: the knobs' features and those TSO needs (checksum,
 * scatter-gather); qemu: set by TUNSETOFFLOAD on a tap. */
static const struct {
	const char *name;
	bool qemu;
} shown[VT_NFEAT] = {
	{"tx-generic-segmentation", false},	{"tx-tcp-segmentation", true},
	{"tx-tcp6-segmentation", true},		{"tx-tcp-ecn-segmentation", true},
	{"tx-tcp-mangleid-segmentation", true}, {"tx-tcp-accecn-segmentation", true},
	{"tx-udp-segmentation", true},		{"tx-checksum-ip-generic", true},
	{"tx-scatter-gather", false},		{"rx-gro", false},
};

/* --auto. Measured by bench/offload (README, "Offloads: measured, not
 * folklore"; iperf3 TCP through a veth pair, a bridge and the NAT path,
 * all of veths): turning GSO/TSO off on the path cost 71 to 89 % of the
 * throughput in every run (off/on 0.11-0.29), for no less CPU per second;
 * GRO on the veths showed no consistent effect (0.67-1.33, within the
 * noise); veths and bridges have no qdisc, so txqueuelen does nothing
 * there, and a tap's queue was not measured (no fair tap test without
 * vhost-net). Hence: GSO and TSO on (back to the kernel's defaults if
 * someone followed the old advice; a tap's TSO stays qemu's), GRO and
 * txqueuelen left. */
static const struct vt_profile auto_profile = {
	.knob = {[VT_KNOB_GSO] = VT_ON, [VT_KNOB_TSO] = VT_ON, [VT_KNOB_GRO] = VT_LEAVE},
	.txqueuelen = 0,
};

const struct vt_profile *vt_auto_profile(void)
{
	return &auto_profile;
}

const char *vt_knob_name(enum vt_knob k)
{
	return (unsigned)k < VT_KNOB_N ? knobs[k].name : NULL;
}

const char *vt_knob_feature(enum vt_knob k)
{
	return (unsigned)k < VT_KNOB_N ? knobs[k].feat[0] : NULL;
}

static int invalid(struct nl_err *e, const char *what, const char *text, const char *why)
{
	char obj[128];

	snprintf(obj, sizeof(obj), "%s %s", what, text);
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", why);
}

int vt_parse_tri(const char *knob, const char *text, unsigned char *v, struct nl_err *e)
{
	if (!strcmp(text, "on"))
		*v = VT_ON;
	else if (!strcmp(text, "off"))
		*v = VT_OFF;
	else
		return invalid(e, knob, text, "must be on or off");
	return 0;
}

int vt_parse_txqlen(const char *text, unsigned *v, struct nl_err *e)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (!*text || *end || text[0] < '0' || text[0] > '9' || errno || n == 0 ||
	    n > 0xffffffffULL)
		return invalid(e, "txqueuelen", text, "must be a number 1..4294967295");
	*v = (unsigned)n;
	return 0;
}

/* Features set in one ethtool request. */
struct fset {
	const char *names[VT_KNOB_N * KNOB_FEATS];
	bool on[VT_KNOB_N * KNOB_FEATS];
	bool was[VT_KNOB_N * KNOB_FEATS]; /* wanted before: for the undo */
	unsigned n;
};

/* must: the knobs' own features, which have to take; may: the siblings,
 * which follow where the device lets them. A bridge derives some from its
 * ports: with a port's TSO off, its tx-tcp-accecn-segmentation stays off
 * whatever is asked (`ethtool -K br0 tso on` says "off [requested on]"). */
struct plan {
	struct fset must, may;
};

static void fset_add(struct fset *s, const struct nl_feature *f, bool on)
{
	s->names[s->n] = f->name;
	s->was[s->n] = f->wanted;
	s->on[s->n++] = on;
}

static bool already(const struct nl_feature *f, bool on)
{
	return f->active == on && f->wanted == on;
}

static int no_feature(struct nl_err *e, const char *ifname, const struct knob *k,
		      const struct nl_feature *f, bool on)
{
	nl_err_set(e, -EOPNOTSUPP, "tune", "link %s", ifname);
	if (!f)
		return nl_err_msg(e, "%s: the device has no %s", k->name, k->feat[0]);
	return nl_err_msg(e, "%s: %s is fixed %s, cannot be %s", k->name, f->name,
			  f->active ? "on" : "off", on ? "on" : "off");
}

/* Adds knob k's features to pl; *done tells whether its own changes. That
 * one must exist and be changeable (or already so); the others follow where
 * the device has them and lets them change. */
static int plan_knob(const struct nl_features *cur, const char *ifname, const struct knob *k,
		     bool on, struct plan *pl, unsigned char *done, struct nl_err *e)
{
	const struct nl_feature *f = nl_features_find(cur, k->feat[0]);

	if (!f || (f->fixed && f->active != on))
		return no_feature(e, ifname, k, f, on);
	*done = f->fixed || already(f, on) ? VT_ALREADY : VT_SET;
	if (*done == VT_SET)
		fset_add(&pl->must, f, on);
	for (unsigned i = 1; i < KNOB_FEATS && k->feat[i]; i++) {
		f = nl_features_find(cur, k->feat[i]);
		if (f && !f->fixed && !already(f, on))
			fset_add(&pl->may, f, on);
	}
	return 0;
}

static int plan_all(struct nl_ethtool *et, const char *ifname, bool tap, const struct vt_profile *p,
		    struct nl_features *cur, struct plan *pl, struct vt_result *r, struct nl_err *e)
{
	bool any = false;
	int err = 0;

	for (unsigned k = 0; k < VT_KNOB_N; k++)
		any |= p->knob[k] != VT_LEAVE;
	if (any && (err = nl_ethtool_features_get(et, ifname, cur, e)))
		return err;
	for (unsigned k = 0; k < VT_KNOB_N && !err; k++) {
		if (p->knob[k] == VT_LEAVE)
			continue;
		if (tap && knobs[k].qemu)
			r->done[k] = VT_QEMU;
		else
			err = plan_knob(cur, ifname, &knobs[k], p->knob[k] == VT_ON, pl,
					&r->done[k], e);
	}
	return err;
}

static int set_txqlen(struct nl_sock *rtnl, const char *ifname, unsigned len, struct nl_err *e)
{
	struct nl_link_change c = {.mask = NL_LINK_TXQLEN, .txqlen = len};

	return nl_link_change(rtnl, ifname, &c, e);
}

/* The link, with a missing one reported as not found. */
static int get_link(struct nl_sock *rtnl, const char *ifname, struct nl_link *l, struct nl_err *e)
{
	int err = nl_ifname_check(ifname, NULL, e);

	if (err)
		return nl_err_kind(e, NL_ERR_INVALID);
	err = nl_link_get(rtnl, ifname, l, e);
	if (err == -ENODEV) {
		nl_err_set(e, err, "tune", "link %s", ifname);
		nl_err_msg(e, "no such interface");
		nl_err_kind(e, NL_ERR_NOTFOUND);
	}
	return err;
}

int vt_apply(struct nl_ethtool *et, struct nl_sock *rtnl, const char *ifname,
	     const struct vt_profile *p, struct vt_result *r, struct nl_err *e)
{
	struct nl_features *cur = malloc(sizeof(*cur));
	struct plan pl = {.must.n = 0};
	struct nl_link l;
	int err = cur ? get_link(rtnl, ifname, &l, e) : -ENOMEM;

	memset(r, 0, sizeof(*r));
	if (err)
		goto out;
	snprintf(r->kind, sizeof(r->kind), "%s", l.kind);
	if ((err = plan_all(et, ifname, !strcmp(l.kind, "tun"), p, cur, &pl, r, e)))
		goto out;
	if (p->txqueuelen) /* all checked: from here on things change */
		r->txq_done = p->txqueuelen == l.txqlen ? VT_ALREADY : VT_SET;
	if (r->txq_done == VT_SET && (err = set_txqlen(rtnl, ifname, p->txqueuelen, e)))
		goto out;
	if (pl.must.n &&
	    (err = nl_ethtool_features_set(et, ifname, pl.must.names, pl.must.on, pl.must.n, e))) {
		/* One request, but the kernel keeps the bits that took: undo. */
		nl_ethtool_features_set(et, ifname, pl.must.names, pl.must.was, pl.must.n, NULL);
		if (r->txq_done == VT_SET)
			set_txqlen(rtnl, ifname, l.txqlen, NULL);
		goto out;
	}
	if (pl.may.n) /* best effort, as ethtool -K: a sibling that stays is no error */
		nl_ethtool_features_set(et, ifname, pl.may.names, pl.may.on, pl.may.n, NULL);
out:
	if (err == -ENOMEM)
		nl_err_set(e, err, "tune", "link %s", ifname);
	free(cur);
	return err;
}

/* Copies the shown features the device has. */
static void fill_feats(const struct nl_features *all, bool tap, struct vt_if *o)
{
	o->nfeat = 0;
	for (unsigned i = 0; i < VT_NFEAT; i++) {
		const struct nl_feature *f = nl_features_find(all, shown[i].name);

		if (!f)
			continue;
		o->feat[o->nfeat++] = (struct vt_feat){
			.name = shown[i].name,
			.active = f->active,
			.wanted = f->wanted,
			.fixed = f->fixed,
			.qemu = tap && shown[i].qemu,
		};
	}
}

static const struct nl_link *by_index(const struct nl_link *v, unsigned n, int ifindex)
{
	for (unsigned i = 0; i < n && ifindex > 0; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}

static int report_one(struct nl_ethtool *et, const struct nl_link *l, const struct nl_link *all,
		      unsigned nall, struct nl_features *scratch, struct vt_if *o, struct nl_err *e)
{
	const struct nl_link *m = by_index(all, nall, l->master);
	int err = nl_ethtool_features_get(et, l->name, scratch, e);

	if (err)
		return err;
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", l->name);
	snprintf(o->kind, sizeof(o->kind), "%s", l->kind);
	snprintf(o->master, sizeof(o->master), "%s", m ? m->name : "");
	o->mtu = l->mtu;
	o->txqueuelen = l->txqlen;
	o->mtu_agrees = !m || m->mtu == l->mtu;
	fill_feats(scratch, !strcmp(l->kind, "tun"), o);
	return 0;
}

/* Indexes into all of what the report covers: the names asked for, or
 * the bridges the caller wants, each followed by its ports. */
static int choose(const struct nl_link *all, unsigned nall, const char *const *names, unsigned n,
		  vt_wanted_fn wanted, unsigned *pick, unsigned *npick, struct nl_err *e)
{
	*npick = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned j = 0;

		while (j < nall && strcmp(all[j].name, names[i]))
			j++;
		if (j == nall) {
			nl_err_set(e, -ENODEV, "report", "link %s", names[i]);
			nl_err_msg(e, "no such interface");
			return nl_err_kind(e, NL_ERR_NOTFOUND);
		}
		pick[(*npick)++] = j;
	}
	for (unsigned b = 0; n == 0 && b < nall; b++) {
		if (!wanted || !wanted(&all[b]))
			continue;
		pick[(*npick)++] = b;
		for (unsigned j = 0; j < nall; j++)
			if (all[j].master == all[b].ifindex)
				pick[(*npick)++] = j;
	}
	return 0;
}

int vt_report(struct nl_ethtool *et, struct nl_sock *rtnl, const char *const *names, unsigned n,
	      vt_wanted_fn wanted, struct vt_if **out, unsigned *nout, struct nl_err *e)
{
	struct nl_features *scratch = malloc(sizeof(*scratch));
	struct nl_link *all = NULL;
	unsigned nall = 0, npick = 0, *pick = NULL;
	int err = scratch ? nl_link_list(rtnl, 0, &all, &nall, e) : -ENOMEM;

	*out = NULL;
	*nout = 0;
	for (unsigned i = 0; !err && i < n; i++)
		if ((err = nl_ifname_check(names[i], NULL, e)))
			nl_err_kind(e, NL_ERR_INVALID);
	/* By name: n picks. Else each link at most once, as a bridge or as
	 * the port of one. */
	if (!err && !(pick = calloc((size_t)nall + n + 1, sizeof(*pick))))
		err = -ENOMEM;
	if (!err)
		err = choose(all, nall, names, n, wanted, pick, &npick, e);
	if (!err && npick && !(*out = calloc(npick, sizeof(**out))))
		err = -ENOMEM;
	for (unsigned i = 0; !err && i < npick; i++)
		err = report_one(et, &all[pick[i]], all, nall, scratch, &(*out)[i], e);
	if (err == -ENOMEM)
		nl_err_set(e, err, "report", "%s", "interfaces");
	if (err) {
		free(*out);
		*out = NULL;
	} else {
		*nout = npick;
	}
	free(pick);
	free(all);
	free(scratch);
	return err;
}

#define VHOST_NET "/dev/vhost-net"

static void probe_vhost(struct vt_host *h)
{
	struct stat st;
	int fd, r = stat(VHOST_NET, &st);

	if (r < 0 || !S_ISCHR(st.st_mode)) {
		snprintf(h->vhost_reason, sizeof(h->vhost_reason),
			 VHOST_NET " %s: guests' packets go through qemu itself (slower); "
				   "modprobe vhost_net where the kernel has it",
			 r < 0 && errno == ENOENT ? "is absent"
			 : r < 0		  ? strerror(errno)
						  : "is not a character device");
		return;
	}
	h->vhost_present = true;
	fd = open(VHOST_NET, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(h->vhost_reason, sizeof(h->vhost_reason), VHOST_NET " does not open: %s",
			 strerror(errno));
		return;
	}
	close(fd);
	h->vhost_usable = true;
	snprintf(h->vhost_reason, sizeof(h->vhost_reason),
		 VHOST_NET " opens read-write: a launcher can pass vhost=on");
}

/* TUNGETFEATURES asks the driver what TUNSETIFF would accept, the way qemu
 * checks before it asks for queues: unlike a trial TUNSETIFF it makes no
 * device, so no link appears, not even for a moment, for others to see. */
static void probe_multiqueue(struct vt_host *h)
{
	unsigned features = 0;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, TUNGETFEATURES, &features) < 0) {
		snprintf(h->tap_reason, sizeof(h->tap_reason), "/dev/net/tun: %s: %s",
			 fd < 0 ? "open" : "TUNGETFEATURES", strerror(errno));
	} else {
		h->tap_multiqueue = features & IFF_MULTI_QUEUE;
		snprintf(h->tap_reason, sizeof(h->tap_reason), "the tun driver %s IFF_MULTI_QUEUE",
			 h->tap_multiqueue ? "offers" : "lacks");
	}
	if (fd >= 0)
		close(fd);
}

void vt_host(struct vt_host *h)
{
	memset(h, 0, sizeof(*h));
	probe_vhost(h);
	probe_multiqueue(h);
}
