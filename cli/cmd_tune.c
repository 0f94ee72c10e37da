/* cmd_tune — `vnet tune`: set GSO, TSO, GRO and txqueuelen of one
 * interface (or the measured --auto profile), or report them with what the
 * host offers a guest's NIC (vhost-net, tap multiqueue). Parse, call the
 * engine's tuner (netd/tuner.h), print. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/tuner.h"

struct tune_args {
	struct vt_profile p;
	bool report, auto_, given;
};

static int parse_opt(int o, struct tune_args *a, struct nl_err *e)
{
	static const char *const names[] = {
		[VT_KNOB_GSO] = "gso", [VT_KNOB_TSO] = "tso", [VT_KNOB_GRO] = "gro"};
	enum vt_knob k = o == 'g' ? VT_KNOB_GSO : o == 't' ? VT_KNOB_TSO : VT_KNOB_GRO;

	switch (o) {
	case 'r':
		a->report = true;
		return 0;
	case 'a':
		a->auto_ = true;
		return 0;
	case 'q':
		a->given = true;
		return vt_parse_txqlen(optarg, &a->p.txqueuelen, e);
	case 'g':
	case 't':
	case 'o':
		a->given = true;
		return vt_parse_tri(names[k], optarg, &a->p.knob[k], e);
	}
	return 0;
}

/* Options over the --auto profile: what is named wins. */
/* its options: main checks them too (vnet.c) */
const struct option vc_tune_opts[] = {{"gso", required_argument, NULL, 'g'},
				      {"tso", required_argument, NULL, 't'},
				      {"gro", required_argument, NULL, 'o'},
				      {"txqueuelen", required_argument, NULL, 'q'},
				      {"auto", no_argument, NULL, 'a'},
				      {"report", no_argument, NULL, 'r'},
				      {0}};

static int parse(int argc, char **argv, struct tune_args *a, int *code)
{
	struct tune_args named = {0};
	struct nl_err e;
	int o;

	while (!*code && (o = vc_next_opt(argc, argv, vc_tune_opts, code)) != -1)
		if (parse_opt(o, &named, &e))
			*code = vc_fail(&e);
	if (*code)
		return *code;
	*a = named;
	if (named.auto_)
		a->p = *vt_auto_profile();
	for (unsigned k = 0; k < VT_KNOB_N; k++)
		if (named.p.knob[k] != VT_LEAVE)
			a->p.knob[k] = named.p.knob[k];
	if (named.p.txqueuelen)
		a->p.txqueuelen = named.p.txqueuelen;
	return 0;
}

static const char *done_name(unsigned d)
{
	static const char *const n[] = {
		[VT_LEFT] = "left", [VT_SET] = "set", [VT_ALREADY] = "already", [VT_QEMU] = "qemu"};

	return d < sizeof(n) / sizeof(n[0]) ? n[d] : "?";
}

static void print_result(const char *ifname, const struct vt_result *r, bool json)
{
	struct json_object *o;

	for (unsigned k = 0; k < VT_KNOB_N && !json; k++)
		if (r->done[k] == VT_QEMU)
			fprintf(stderr,
				"vnet: %s is a tap: %s is qemu's (set with TUNSETOFFLOAD when the "
				"guest's driver negotiates); left as it is\n",
				vc_esc(ifname), vt_knob_name(k));
	if (!json)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "name", vc_jstr(ifname));
	json_object_object_add(o, "kind", vc_jstr(r->kind));
	for (unsigned k = 0; k < VT_KNOB_N; k++)
		json_object_object_add(o, vt_knob_name(k),
				       json_object_new_string(done_name(r->done[k])));
	json_object_object_add(o, "txqueuelen", json_object_new_string(done_name(r->txq_done)));
	vc_put_json(o);
}

static int apply(struct vn_ctx *c, const char *ifname, const struct vt_profile *p, bool json)
{
	struct vt_result r;
	struct nl_err e;

	if (vn_tune(c, ifname, p, &r, &e))
		return vc_fail(&e);
	print_result(ifname, &r, json);
	return 0;
}

static const char *tri_name(unsigned char v)
{
	return v == VT_ON ? "on" : v == VT_OFF ? "off" : "leave";
}

static struct json_object *auto_json(void)
{
	const struct vt_profile *p = vt_auto_profile();
	struct json_object *o = json_object_new_object();

	for (unsigned k = 0; k < VT_KNOB_N; k++)
		json_object_object_add(o, vt_knob_name(k),
				       json_object_new_string(tri_name(p->knob[k])));
	json_object_object_add(o, "txqueuelen",
			       p->txqueuelen ? json_object_new_int64(p->txqueuelen)
					     : json_object_new_string("leave"));
	return o;
}

static struct json_object *if_json(const struct vt_if *i)
{
	struct json_object *o = json_object_new_object(), *fs = json_object_new_object();

	json_object_object_add(o, "name", vc_jstr(i->name));
	json_object_object_add(o, "kind", i->kind[0] ? vc_jstr(i->kind) : NULL);
	json_object_object_add(o, "master", i->master[0] ? vc_jstr(i->master) : NULL);
	json_object_object_add(o, "mtu", json_object_new_int64(i->mtu));
	json_object_object_add(o, "mtu_agrees", json_object_new_boolean(i->mtu_agrees));
	json_object_object_add(o, "txqueuelen", json_object_new_int64(i->txqueuelen));
	for (unsigned k = 0; k < i->nfeat; k++) {
		const struct vt_feat *f = &i->feat[k];
		struct json_object *fo = json_object_new_object();

		json_object_object_add(fo, "active", json_object_new_boolean(f->active));
		json_object_object_add(fo, "wanted", json_object_new_boolean(f->wanted));
		json_object_object_add(fo, "fixed", json_object_new_boolean(f->fixed));
		if (f->qemu)
			json_object_object_add(fo, "owner", json_object_new_string("qemu"));
		json_object_object_add(fs, vc_esc(f->name), fo); /* the kernel's names */
	}
	json_object_object_add(o, "features", fs);
	return o;
}

static void report_json(const struct vt_host *h, const struct vt_if *v, unsigned n)
{
	struct json_object *o = json_object_new_object(), *vh = json_object_new_object(),
			   *ifs = json_object_new_array();

	json_object_object_add(vh, "present", json_object_new_boolean(h->vhost_present));
	json_object_object_add(vh, "usable", json_object_new_boolean(h->vhost_usable));
	json_object_object_add(vh, "reason", vc_jtext(h->vhost_reason));
	json_object_object_add(o, "vhost_net", vh);
	json_object_object_add(o, "tap_multiqueue", json_object_new_boolean(h->tap_multiqueue));
	json_object_object_add(o, "tap_multiqueue_reason", vc_jtext(h->tap_reason));
	json_object_object_add(o, "auto", auto_json());
	for (unsigned i = 0; i < n; i++)
		json_object_array_add(ifs, if_json(&v[i]));
	json_object_object_add(o, "interfaces", ifs);
	vc_put_json(o);
}

/* ethtool -k's way: "on", "off [fixed]", "off [requested on]"; "qemu:" on
 * a tap when the feature is qemu's. */
static const char *cell(const struct vt_if *i, const char *name, char *buf, size_t n)
{
	for (unsigned k = 0; k < i->nfeat; k++) {
		const struct vt_feat *f = &i->feat[k];

		if (strcmp(f->name, name))
			continue;
		snprintf(buf, n, "%s%s%s", f->qemu ? "qemu:" : "", f->active ? "on" : "off",
			 f->fixed		  ? "[fixed]"
			 : f->wanted == f->active ? ""
			 : f->wanted		  ? "[req on]"
						  : "[req off]");
		return buf;
	}
	return "-";
}

static void report_print(const struct vt_host *h, const struct vt_if *v, unsigned n)
{
	const struct vt_profile *p = vt_auto_profile();
	char c[VT_KNOB_N][32], mtu[16];

	printf("vhost-net:      %s (%s)\n",
	       h->vhost_usable	  ? "usable"
	       : h->vhost_present ? "present, unusable"
				  : "absent",
	       vc_text(h->vhost_reason));
	printf("tap multiqueue: %s (%s)\n", h->tap_multiqueue ? "yes" : "no",
	       vc_text(h->tap_reason));
	printf("--auto sets:    gso %s, tso %s, gro %s, txqueuelen ", tri_name(p->knob[0]),
	       tri_name(p->knob[1]), tri_name(p->knob[2]));
	printf(p->txqueuelen ? "%u\n" : "leave\n", p->txqueuelen);
	if (!n)
		return;
	printf("\n%-15s %-7s %-15s %6s %7s  %-18s %-18s %-18s\n", "IFNAME", "KIND", "MASTER", "MTU",
	       "TXQLEN", "GSO", "TSO", "GRO");
	for (unsigned i = 0; i < n; i++) {
		snprintf(mtu, sizeof(mtu), "%u%s", v[i].mtu, v[i].mtu_agrees ? "" : "!");
		printf("%-15s %-7s %-15s %6s %7u  %-18s %-18s %-18s\n", vc_esc(v[i].name),
		       v[i].kind[0] ? vc_esc(v[i].kind) : "-",
		       v[i].master[0] ? vc_esc(v[i].master) : "-", mtu, v[i].txqueuelen,
		       cell(&v[i], vt_knob_feature(VT_KNOB_GSO), c[0], sizeof(c[0])),
		       cell(&v[i], vt_knob_feature(VT_KNOB_TSO), c[1], sizeof(c[1])),
		       cell(&v[i], vt_knob_feature(VT_KNOB_GRO), c[2], sizeof(c[2])));
	}
	for (unsigned i = 0; i < n; i++)
		if (!v[i].mtu_agrees) {
			printf("\n!: the MTU differs from its bridge's\n");
			break;
		}
}

static int report(struct vn_ctx *c, char **names, unsigned n, bool json)
{
	struct vt_if *v = NULL;
	struct vt_host h;
	unsigned nv = 0;
	struct nl_err e;

	if (vn_tune_report(c, (const char *const *)names, n, &v, &nv, &e))
		return vc_fail(&e);
	vt_host(&h);
	if (json)
		report_json(&h, v, nv);
	else
		report_print(&h, v, nv);
	free(v);
	return 0;
}

int vc_tune(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct tune_args a;
	int code = 0;

	if (parse(argc, argv, &a, &code))
		return code;
	if (a.report) {
		if (a.given || a.auto_)
			return vc_usage("tune", "--report takes no settings");
		return report(c, argv + optind, (unsigned)(argc - optind), json);
	}
	if (argc - optind != 1)
		return vc_usage("tune", argc - optind ? "takes one IFNAME" : "needs IFNAME");
	if (!a.given && !a.auto_)
		return vc_usage("tune", "nothing to set: give --gso, --tso, --gro, --txqueuelen "
					"or --auto (or --report to see)");
	return apply(c, argv[optind], &a.p, json);
}
