/* cmd_services — a network's guest services: `vnet host add NAME MAC IP
 * [IP6] [HOSTNAME]`, `vnet host del NAME MAC`, `vnet leases NAME [-j]`,
 * `vnet restart-services NAME`. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli/cli.h"
#include "netd/dnsmasq.h"

/* MAC, then an IPv4 and/or an IPv6 address (an IPv6-only network's host
 * has only the latter), then maybe a name: an address has '.' or ':', a
 * name neither. */
static int host_add(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_host h = {0};
	struct nl_err e;
	int i = 4;

	if (argc < 5 || argc > 7)
		return vc_usage("host", "add needs NAME MAC IP [IP6] [HOSTNAME]");
	if (vn_mac_parse(argv[3], h.mac, &e))
		return vc_fail(&e);
	for (; i < argc && i < 6 && strpbrk(argv[i], ".:"); i++) {
		struct nl_prefix a;

		if (nl_prefix_parse(argv[i], NL_PREFIX_NO_LEN, "address", &a, &e))
			return vc_fail(&e);
		if ((a.family == AF_INET6 ? h.ip6 : h.ip).family)
			return vc_usage("host", "add takes one IPv4 and one IPv6 address");
		*(a.family == AF_INET6 ? &h.ip6 : &h.ip) = a;
	}
	if (i == 4 || argc - i > 1)
		return vc_usage("host", "add needs NAME MAC IP [IP6] [HOSTNAME]");
	if (i < argc) {
		if (strlen(argv[i]) >= sizeof(h.name)) {
			fprintf(stderr,
				"vnet: host name \"%s\": must be 1..63 letters, digits or '-', "
				"not starting with '-'\n",
				vc_esc(argv[i]));
			return EXIT_USAGE;
		}
		strcpy(h.name, argv[i]); /* the engine checks it */
	}
	return vn_host_set(c, argv[2], &h, &e) ? vc_fail(&e) : 0;
}

int vc_host(struct vn_ctx *c, int argc, char **argv)
{
	unsigned char mac[6];
	struct nl_err e;

	if (argc >= 2 && !strcmp(argv[1], "add"))
		return host_add(c, argc, argv);
	if (argc == 4 && !strcmp(argv[1], "del")) {
		if (vn_mac_parse(argv[3], mac, &e))
			return vc_fail(&e);
		return vn_host_unset(c, argv[2], mac, &e) ? vc_fail(&e) : 0;
	}
	return vc_usage("host", "needs add NAME MAC IP [IP6] [HOSTNAME], or del NAME MAC");
}

static struct json_object *lease_json(const struct vn_lease *l)
{
	struct json_object *o = json_object_new_object();
	char m[18], a[NL_PREFIX_STRLEN];

	vn_mac_str(l->mac, m);
	json_object_object_add(o, "mac", l->has_mac ? json_object_new_string(m) : NULL);
	json_object_object_add(o, "ip",
			       json_object_new_string(nl_prefix_str(&l->ip, false, a, sizeof(a))));
	if (l->ip.family == AF_INET6) { /* DHCPv6: the client's IAID and DUID */
		json_object_object_add(o, "iaid", json_object_new_int64(l->iaid));
		json_object_object_add(o, "duid", l->duid[0] ? vc_jstr(l->duid) : NULL);
	}
	/* the guest chose it */
	json_object_object_add(o, "hostname", l->name[0] ? vc_jstr(l->name) : NULL);
	json_object_object_add(o, "expiry", json_object_new_int64(l->expiry));
	return o;
}

int vc_leases(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct json_object *arr;
	struct vn_status *st;
	struct vn_lease *v;
	struct nl_err e;
	unsigned n;
	int code = 0;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("leases", "needs NAME");
	if (!(st = malloc(sizeof(*st))))
		return EXIT_REFUSED;
	/* the network must exist: an unknown name is exit 3, not an empty list */
	if (vn_show(c, argv[1], st, &e) || vn_leases(c, argv[1], &v, &n, &e)) {
		free(st);
		return vc_fail(&e);
	}
	arr = json ? json_object_new_array() : NULL;
	for (unsigned i = 0; i < n; i++) {
		char m[18], a[NL_PREFIX_STRLEN];
		time_t t = (time_t)v[i].expiry;
		struct tm tm;
		char when[32] = "never";

		if (json) {
			json_object_array_add(arr, lease_json(&v[i]));
			continue;
		}
		if (t && localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%F %T", &tm);
		vn_mac_str(v[i].mac, m);
		printf("%-17s %-16s %-20s %s%s%s\n", v[i].has_mac ? m : "-",
		       nl_prefix_str(&v[i].ip, false, a, sizeof(a)),
		       v[i].name[0] ? vc_esc(v[i].name) : "-", when, v[i].duid[0] ? "  duid " : "",
		       vc_esc(v[i].duid));
	}
	if (json)
		vc_put_json(arr);
	free(v);
	free(st);
	return code;
}

int vc_restart_services(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("restart-services", "needs NAME");
	return vn_restart_services(c, argv[1], &e) ? vc_fail(&e) : 0;
}
