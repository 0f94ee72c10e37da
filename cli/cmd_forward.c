/* cmd_forward — port forwards into NAT guests: `vnet forward add NAME
 * tcp|udp HOSTPORT GUESTIP:PORT [--address A]`, `vnet forward del NAME
 * tcp|udp HOSTPORT [--address A]`, `vnet forward list NAME [-j]`. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/forward.h"

/* Takes --address A (or --address=A) out of argv into f; 0, or the exit
 * code of a usage error. */
static int address_opt(int *argc, char **argv, struct vn_forward *f)
{
	struct nl_err e;

	for (int i = 1; i < *argc; i++) {
		const char *v = NULL;
		int drop = 1;

		if (!strncmp(argv[i], "--address=", 10))
			v = argv[i] + 10;
		else if (!strcmp(argv[i], "--address") && (drop = 2) && i + 1 < *argc)
			v = argv[i + 1];
		else if (!strcmp(argv[i], "--address"))
			return vc_usage("forward", "option --address needs a value");
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return vc_usage("forward", "unknown option %s", argv[i]);
		if (!v)
			continue;
		if (nl_prefix_parse(v, NL_PREFIX_NO_LEN, "address", &f->address, &e))
			return vc_fail(&e);
		memmove(&argv[i], &argv[i + drop], (size_t)(*argc - i - drop + 1) * sizeof(*argv));
		*argc -= drop;
		i--;
	}
	return 0;
}

/* forward add|del NAME PROTO PORT [GUEST:PORT] */
static int change(struct vn_ctx *c, int argc, char **argv, bool add)
{
	struct vn_forward f = {0};
	struct nl_err e;
	int code = address_opt(&argc, argv, &f);

	if (code)
		return code;
	if (argc != (add ? 6 : 5))
		return vc_usage("forward", add ? "add needs NAME tcp|udp HOSTPORT GUESTIP:PORT"
					       : "del needs NAME tcp|udp HOSTPORT");
	if (vn_proto_parse(argv[3], &f.proto, &e) || vn_port_parse(argv[4], &f.port, &e) ||
	    (add && vn_addrport_parse(argv[5], &f.guest, &f.guest_port, &e)))
		return vc_fail(&e);
	if (add ? vn_forward_cmd_add(c, argv[2], &f, &e) : vn_forward_cmd_del(c, argv[2], &f, &e))
		return vc_fail(&e);
	return 0;
}

static struct json_object *forward_json(const struct vn_forward *f)
{
	struct json_object *o = json_object_new_object();
	char a[NL_PREFIX_STRLEN];

	json_object_object_add(o, "proto", json_object_new_string(vn_proto_name(f->proto)));
	json_object_object_add(o, "port", json_object_new_int(f->port));
	json_object_object_add(o, "address",
			       f->address.family ? json_object_new_string(nl_prefix_str(
							   &f->address, false, a, sizeof(a)))
						 : NULL);
	json_object_object_add(
		o, "guest", json_object_new_string(nl_prefix_str(&f->guest, false, a, sizeof(a))));
	json_object_object_add(o, "guest_port", json_object_new_int(f->guest_port));
	return o;
}

static int list(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct json_object *arr;
	struct vn_forward *v;
	struct nl_err e;
	char a[NL_PREFIX_STRLEN], g[VN_ADDRPORT_STRLEN];
	unsigned n;

	if (argc != 3 || argv[2][0] == '-')
		return vc_usage("forward", "list needs NAME");
	if (vn_forward_list(c, argv[2], &v, &n, &e))
		return vc_fail(&e);
	arr = json ? json_object_new_array() : NULL;
	if (!json && n)
		printf("%-5s %-5s %-15s %s\n", "PROTO", "PORT", "ADDRESS", "GUEST");
	for (unsigned i = 0; i < n; i++) {
		const struct vn_forward *f = &v[i];

		if (json) {
			json_object_array_add(arr, forward_json(f));
			continue;
		}
		printf("%-5s %-5u %-15s %s\n", vn_proto_name(f->proto), f->port,
		       f->address.family ? nl_prefix_str(&f->address, false, a, sizeof(a)) : "*",
		       vn_addrport_str(&f->guest, f->guest_port, g, sizeof(g)));
	}
	if (json)
		vc_put_json(arr);
	free(v);
	return 0;
}

int vc_forward(struct vn_ctx *c, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return change(c, argc, argv, true);
	if (argc >= 2 && !strcmp(argv[1], "del"))
		return change(c, argc, argv, false);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(c, argc, argv);
	return vc_usage("forward", "needs add, del or list");
}
