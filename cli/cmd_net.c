/* cmd_net — the network commands: create, destroy, up, down, port, list,
 * show. Parse, call the engine, print. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/print.h"
#include "netd/store.h"

static int parse_mtu(const char *s, struct vn_net_args *a)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v > 1000000) {
		fprintf(stderr, "vnet: MTU %s: must be a number, 68..65535\n", vc_esc(s));
		return EXIT_USAGE;
	}
	a->mtu = (unsigned)v;
	a->mtu_given = true;
	return 0;
}

int vc_create(struct vn_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"bridge", required_argument, NULL, 'b'}, {"gateway", required_argument, NULL, 'g'},
		{"mtu", required_argument, NULL, 'm'},	  {"dhcp", required_argument, NULL, 'd'},
		{"no-dhcp", no_argument, NULL, 'n'},	  {"uplink", required_argument, NULL, 'u'},
		{"isolate-ports", no_argument, NULL, 'i'}, {"domain", required_argument, NULL, 'D'},
		{"zero-dhcp-checksum", no_argument, NULL, 'z'}, {0}};
	struct vn_net_args a = {0};
	struct vn_net n;
	struct nl_err e;
	bool existed;
	int o, code = 0;

	while (!code && (o = vc_next_opt(argc, argv, opts, &code)) != -1) {
		switch (o) {
		case 'b': a.bridge = optarg; break;
		case 'g': a.gateway = optarg; break;
		case 'm': code = parse_mtu(optarg, &a); break;
		case 'd': a.dhcp = optarg; break;
		case 'n': a.no_dhcp = true; break;
		case 'u': a.uplink = optarg; break;
		case 'i': a.isolate_ports = true; break;
		case 'D': a.domain = optarg; break;
		case 'z': a.zero_dhcp_checksum = true; break;
		}
	}
	if (code)
		return code;
	if (argc - optind < 2 || argc - optind > 3)
		return vc_usage("create", "needs MODEL NAME [SUBNET]");
	a.model = argv[optind];
	a.name = argv[optind + 1];
	a.subnet = argc - optind == 3 ? argv[optind + 2] : NULL;
	if (vn_net_from_args(&a, &n, &e) || vn_create(c, &n, &existed, &e))
		return vc_fail(&e);
	if (existed)
		fprintf(stderr, "vnet: network %s exists already as asked; nothing to change\n",
			vc_esc(n.name));
	if (vn_ctx_warning(c)[0])
		fprintf(stderr, "vnet: warning: %s\n", vc_text(vn_ctx_warning(c)));
	return 0;
}

static int one_name(int argc, char **argv, const char *what)
{
	if (argc != 2 || argv[1][0] == '-')
		return vc_usage(argv[0], "needs %s", what);
	return 0;
}

static void tell_released(const char *name, const struct vn_ports *p)
{
	if (!p->n)
		return;
	fprintf(stderr, "vnet: network %s: released port%s", vc_esc(name), p->n > 1 ? "s" : "");
	for (unsigned i = 0; i < p->n; i++)
		fprintf(stderr, "%s%s", i ? ", " : " ", vc_esc(p->name[i]));
	fprintf(stderr, " (they stay, detached)\n");
}

int vc_destroy(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_ports released;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (vn_destroy(c, argv[1], &released, &e))
		return vc_fail(&e);
	tell_released(argv[1], &released);
	return 0;
}

int vc_down(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_ports released;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (vn_down(c, argv[1], &released, &e))
		return vc_fail(&e);
	tell_released(argv[1], &released);
	return 0;
}

static int up_all(struct vn_ctx *c)
{
	struct vn_store_entry *v;
	struct nl_err e;
	unsigned n;
	int worst = 0;

	if (vn_store_list(vn_ctx_conf_dir(c), &v, &n, &e))
		return vc_fail(&e);
	for (unsigned i = 0; i < n; i++) {
		int code = 0;

		if (v[i].err) {
			vc_say(v[i].msg);
			code = EXIT_USAGE;
		} else if (vn_up(c, v[i].net.name, &e)) {
			code = vc_fail(&e);
		}
		worst = code > worst ? code : worst;
	}
	free(v);
	/* one line says root is needed for all of them */
	return worst == EXIT_PERM ? EXIT_PERM : worst ? EXIT_REFUSED : 0;
}

int vc_up(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;

	if (argc == 2 && !strcmp(argv[1], "--all"))
		return up_all(c);
	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("up", "needs NAME or --all");
	return vn_up(c, argv[1], &e) ? vc_fail(&e) : 0;
}

int vc_port(struct vn_ctx *c, int argc, char **argv)
{
	char net[NL_IFNAMSIZ];
	struct nl_err e;

	if (argc == 4 && !strcmp(argv[1], "add"))
		return vn_port_add(c, argv[2], argv[3], &e) ? vc_fail(&e) : 0;
	if (argc == 3 && !strcmp(argv[1], "del"))
		return vn_port_del(c, argv[2], net, &e) ? vc_fail(&e) : 0;
	return vc_usage("port", "needs add NAME IFNAME, or del IFNAME");
}

int vc_show(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vn_status *st;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (!(st = malloc(sizeof(*st))))
		return EXIT_REFUSED;
	if (vn_show(c, argv[1], st, &e))
		code = vc_fail(&e);
	else if (json)
		vc_put_json(vc_status_json(st));
	else
		vc_status_print(stdout, st);
	free(st);
	return code;
}

/* One network: into arr (-j), else a row; *unchecked gets what could not
 * be read of it (VN_UNCHECKED_*). */
static void list_one(const struct vn_status *st, struct json_object *arr, unsigned *unchecked)
{
	*unchecked |= st->unchecked;
	if (arr)
		json_object_array_add(arr, vc_status_json(st));
	else
		vc_status_row(stdout, st);
}

/* Networks that run while their definition is gone or unreadable: listed
 * as what runs (degraded), so that someone sees what to destroy. */
static int list_orphans(struct vn_ctx *c, struct vn_status *st, struct json_object *arr,
			unsigned *unchecked)
{
	struct vn_orphan *o;
	struct nl_err e;
	unsigned n;
	int code = 0;

	if (vn_orphans(c, &o, &n, &e))
		return vc_fail(&e);
	for (unsigned i = 0; !code && i < n; i++) {
		if (vn_show(c, o[i].name, st, &e))
			code = vc_fail(&e);
		else
			list_one(st, arr, unchecked);
	}
	free(o);
	return code;
}

int vc_list(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct json_object *arr = json ? json_object_new_array() : NULL;
	struct vn_status *st = malloc(sizeof(*st));
	struct vn_store_entry *v = NULL;
	struct nl_err e;
	unsigned n = 0, unchecked = 0;
	char what[64];
	int code = 0;

	if (argc != 1)
		code = vc_usage("list", "takes no argument but -j");
	else if (!st || vn_store_list(vn_ctx_conf_dir(c), &v, &n, &e))
		code = st ? vc_fail(&e) : EXIT_REFUSED;
	if (!code && !json)
		vc_status_row(stdout, NULL);
	for (unsigned i = 0; !code && i < n; i++) {
		if (v[i].err) /* named, and the rest still listed */
			vc_say(v[i].msg);
		else if (vn_show(c, v[i].net.name, st, &e))
			code = vc_fail(&e);
		else
			list_one(st, arr, &unchecked);
	}
	if (!code)
		code = list_orphans(c, st, arr, &unchecked);
	if (!code && unchecked)
		fprintf(stderr, "vnet: list: %s not checked: only root can read them\n",
			vc_unchecked_str(unchecked, what, sizeof(what)));
	if (!code && json)
		vc_put_json(arr);
	else if (arr)
		json_object_put(arr);
	free(v);
	free(st);
	return code;
}

