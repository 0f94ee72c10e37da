/* cmd_map — choosing the network of the qemu hooks: `vnet map NAME
 * PATTERN`, `vnet unmap PATTERN`, `vnet map -l [-j]`, `vnet default
 * [NAME | --none]`. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/map.h"

static int list(struct vn_ctx *c, bool json)
{
	struct json_object *arr = NULL;
	struct vn_map *v;
	struct nl_err e;
	unsigned n;

	if (vn_map_list(c, &v, &n, &e))
		return vc_fail(&e);
	if (json)
		arr = json_object_new_array();
	for (unsigned i = 0; i < n; i++) {
		if (json) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "pattern", vc_jstr(v[i].pattern));
			json_object_object_add(o, "network", vc_jstr(v[i].network));
			json_object_array_add(arr, o);
		} else {
			printf("%-24s %s\n", vc_esc(v[i].pattern), vc_esc(v[i].network));
		}
	}
	if (json)
		vc_put_json(arr);
	free(v);
	return 0;
}

int vc_map(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct nl_err e;

	if (argc == 2 && (!strcmp(argv[1], "-l") || !strcmp(argv[1], "--list")))
		return list(c, json);
	if (argc != 3 || argv[1][0] == '-' || json)
		return vc_usage("map", "needs NAME PATTERN, or -l");
	return vn_map_set(c, argv[1], argv[2], &e) ? vc_fail(&e) : 0;
}

int vc_unmap(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;

	if (argc != 2)
		return vc_usage("unmap", "needs PATTERN");
	return vn_map_del(c, argv[1], &e) ? vc_fail(&e) : 0;
}

int vc_default(struct vn_ctx *c, int argc, char **argv)
{
	char name[NL_IFNAMSIZ];
	struct nl_err e;

	if (argc == 1) {
		if (vn_default_get(c, name, &e))
			return vc_fail(&e);
		if (name[0])
			printf("%s\n", vc_esc(name));
		return 0;
	}
	if (argc != 2 || (argv[1][0] == '-' && strcmp(argv[1], "--none")))
		return vc_usage("default", "needs NAME or --none");
	return vn_default_set(c, strcmp(argv[1], "--none") ? argv[1] : NULL, &e) ? vc_fail(&e) : 0;
}
