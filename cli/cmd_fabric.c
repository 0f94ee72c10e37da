/* cmd_fabric — this host's fabric for networks that span hosts: `vnet
 * fabric set [--underlay IFACE] [--local ADDR] [--asn N | --no-asn] [--peer
 * ADDR... | --no-peers] [--frr-vty DIR | --no-frr-vty] [--index K --hosts N |
 * --no-slice]` (what it is not given stays as it was), `vnet fabric show [-j]`, `vnet
 * fabric unset`. The engine checks every value (netd/fabric.c). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/fabric.h"
#include "netd/frr.h"

/* its options: main checks them too (vnet.c) */
const struct option vc_fabric_set_opts[] = {
	{"underlay", required_argument, NULL, 'u'}, {"local", required_argument, NULL, 'l'},
	{"asn", required_argument, NULL, 'a'},	    {"peer", required_argument, NULL, 'p'},
	{"frr-vty", required_argument, NULL, 'v'},  {"index", required_argument, NULL, 'i'},
	{"hosts", required_argument, NULL, 'n'},    {"no-asn", no_argument, NULL, 'A'},
	{"no-peers", no_argument, NULL, 'P'},	    {"no-frr-vty", no_argument, NULL, 'V'},
	{"no-slice", no_argument, NULL, 'S'},	    {NULL, 0, NULL, 0}};

static int set(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_fabric_args a = {0};
	struct nl_err e;
	int opt, code = 0;

	while ((opt = vc_next_opt(argc, argv, vc_fabric_set_opts, &code)) != -1) {
		if (code)
			return code;
		if (opt == 'u')
			a.underlay = optarg;
		else if (opt == 'l')
			a.local = optarg;
		else if (opt == 'a')
			a.asn = optarg;
		else if (opt == 'v')
			a.frr_vty = optarg;
		else if (opt == 'i')
			a.index = optarg;
		else if (opt == 'n')
			a.hosts = optarg;
		else if (opt == 'A')
			a.no_asn = true;
		else if (opt == 'P')
			a.no_peers = true;
		else if (opt == 'V')
			a.no_frr_vty = true;
		else if (opt == 'S')
			a.no_slice = true;
		else if (a.npeers < VN_FABRIC_MAX_PEERS + 1)
			a.peer[a.npeers++] = optarg;
	}
	if (optind < argc)
		return vc_usage("fabric", "set takes options only, not %s", argv[optind]);
	return vn_fabric_set(c, &a, &e) ? vc_fail(&e) : 0;
}

static struct json_object *json_of(const struct vn_fabric *f, const struct vn_frr_state *s)
{
	struct json_object *o = json_object_new_object(), *peers = json_object_new_array();
	char t[NL_PREFIX_STRLEN];

	json_object_object_add(o, "mode", json_object_new_string(vn_fabric_mode(f)));
	json_object_object_add(o, "underlay", json_object_new_string(f->underlay));
	json_object_object_add(
		o, "local", json_object_new_string(nl_prefix_str(&f->local, false, t, sizeof(t))));
	json_object_object_add(o, "asn", f->asn ? json_object_new_int64(f->asn) : NULL);
	for (unsigned i = 0; i < f->npeers; i++) {
		struct json_object *p = json_object_new_object();

		nl_prefix_str(&f->peer[i], false, t, sizeof(t));
		json_object_object_add(p, "address", json_object_new_string(t));
		for (unsigned k = 0; s && k < s->npeers; k++)
			if (!strcmp(s->peer[k].addr, t))
				json_object_object_add(p, "bgp", vc_jstr(s->peer[k].state));
		json_object_array_add(peers, p);
	}
	json_object_object_add(o, "peers", peers);
	json_object_object_add(o, "frr_vty", f->frr_vty[0] ? vc_jstr(f->frr_vty) : NULL);
	json_object_object_add(o, "index", json_object_new_int((int)f->index));
	json_object_object_add(o, "hosts", json_object_new_int((int)f->hosts));
	if (f->asn)
		json_object_object_add(o, "frr",
				       s && s->reached ? json_object_new_string("reached")
						       : vc_jtext(s ? s->why : ""));
	return o;
}

static void text_of(const struct vn_fabric *f, const struct vn_frr_state *s)
{
	char t[NL_PREFIX_STRLEN];

	printf("fabric: %s, underlay %s, local %s", vn_fabric_mode(f), f->underlay,
	       nl_prefix_str(&f->local, false, t, sizeof(t)));
	if (f->asn)
		printf(", AS %u", f->asn);
	if (f->hosts > 1)
		printf(", DHCP slice %u of %u", f->index, f->hosts);
	printf("\n");
	for (unsigned i = 0; i < f->npeers; i++) {
		const char *bgp = NULL;

		nl_prefix_str(&f->peer[i], false, t, sizeof(t));
		for (unsigned k = 0; s && k < s->npeers; k++)
			if (!strcmp(s->peer[k].addr, t))
				bgp = s->peer[k].state;
		printf("  peer %s%s%s\n", t, bgp ? "  BGP " : "", bgp ? vc_esc(bgp) : "");
	}
	if (f->asn && s && !s->reached)
		printf("  FRR not reached: %s\n", vc_text(s->why));
	if (f->frr_vty[0])
		printf("  FRR's vty sockets in %s\n", vc_esc(f->frr_vty));
}

static int show(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vn_frr_state *s = NULL;
	struct vn_fabric f;
	struct nl_err e;

	if (argc != 2)
		return vc_usage("fabric", "show takes only -j");
	if (vn_fabric_get(c, &f, &e))
		return vc_fail(&e);
	if (f.asn && (s = malloc(sizeof(*s))))
		vn_frr_state(&f, s);
	if (json)
		vc_put_json(json_of(&f, s));
	else
		text_of(&f, s);
	free(s);
	return 0;
}

int vc_fabric(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;

	if (argc >= 2 && !strcmp(argv[1], "set"))
		return set(c, argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return show(c, argc, argv);
	if (argc == 2 && !strcmp(argv[1], "unset"))
		return vn_fabric_unset(c, &e) ? vc_fail(&e) : 0;
	return vc_usage("fabric", "needs set --underlay IFACE [...], show [-j] or unset");
}
