/* cmd_access — who may attach guests without root (vnet-bridge-helper):
 * `vnet access allow|deny|remove NETWORK USER|@GROUP`, `vnet access list
 * [NETWORK] [-j]`. Names become ids here (the system's user and group
 * databases); the engine stores the id, which decides, and the name, for
 * people. */
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "netd/access.h"

/* "alice", "1000", "@kvm", "@27" into r (id and name). */
static int subject(const char *s, struct vn_access_rule *r, struct nl_err *e)
{
	const char *v = s + (s[0] == '@');
	size_t len = strlen(v);
	char *end = NULL, obj[80];
	unsigned long id = 0;
	const char *name = NULL;
	bool num;

	*r = (struct vn_access_rule){.group = s[0] == '@'};
	num = len && len <= 10 && strspn(v, "0123456789") == len;
	if (num && (id = strtoul(v, &end, 10)) >= 0xffffffffUL)
		num = false, len = 0;
	snprintf(obj, sizeof(obj), "%s \"%s\"", r->group ? "group" : "user", vc_esc(v));
	if (!len)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "is no name or id (USER, or @GROUP for a group)");
	if (r->group) {
		struct group *g = num ? getgrgid((gid_t)id) : getgrnam(v);

		if (g)
			id = g->gr_gid, name = g->gr_name;
	} else {
		struct passwd *p = num ? getpwuid((uid_t)id) : getpwnam(v);

		if (p)
			id = p->pw_uid, name = p->pw_name;
	}
	if (!num && !name)
		return nl_fail(e, -ENOENT, NL_ERR_INVALID, obj, "does not exist on this host");
	r->id = (uint32_t)id;
	/* a name the engine would not store is left out: the id decides */
	if (name && !vn_access_name_check(name, NULL))
		snprintf(r->name, sizeof(r->name), "%s", name);
	return 0;
}

static void print_rule(const char *net, const struct vn_access_rule *r, json_object *arr)
{
	if (arr) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "network", vc_jstr(net));
		json_object_object_add(o, "rule", vc_jstr(r->allow ? "allow" : "deny"));
		json_object_object_add(o, "kind", vc_jstr(r->group ? "group" : "user"));
		json_object_object_add(o, "id", json_object_new_int64(r->id));
		json_object_object_add(o, "name", r->name[0] ? vc_jstr(r->name) : NULL);
		json_object_array_add(arr, o);
		return;
	}
	printf("%-16s %-6s %-6s %-10u %s\n", vc_esc(net), r->allow ? "allow" : "deny",
	       r->group ? "group" : "user", (unsigned)r->id, r->name[0] ? vc_esc(r->name) : "-");
}

static int list(struct vn_ctx *c, const char *only, bool json)
{
	struct vn_access *a = malloc(sizeof(*a));
	char(*nets)[NL_IFNAMSIZ] = NULL;
	json_object *arr = json ? json_object_new_array() : NULL;
	unsigned n = 0;
	struct nl_err e;
	int code = 0;

	/* a network named must be defined (else exit 3); listed, those with rules */
	if (!a || (only ? vn_access_list(c, only, a, &e) : vn_access_networks(c, &nets, &n, &e)))
		code = a ? vc_fail(&e) : EXIT_REFUSED;
	if (!code && !json)
		printf("%-16s %-6s %-6s %-10s %s\n", "NETWORK", "RULE", "KIND", "ID", "NAME");
	for (unsigned i = 0; !code && i < (only ? 1 : n); i++) {
		const char *net = only ? only : nets[i];

		if (!only && vn_access_read(c, net, a, &e)) {
			code = vc_fail(&e);
			break;
		}
		for (unsigned k = 0; k < a->n; k++)
			print_rule(net, &a->rule[k], arr);
	}
	if (arr && !code)
		vc_put_json(arr);
	else if (arr)
		json_object_put(arr);
	free(nets);
	free(a);
	return code;
}

int vc_access(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vn_access_rule r;
	struct nl_err e;
	const char *verb = argc > 1 ? argv[1] : "";

	if (!strcmp(verb, "list")) {
		if (argc > 3 || (argc == 3 && argv[2][0] == '-'))
			return vc_usage("access", "list takes [NETWORK] and -j");
		if (argc == 3 && vn_name_check(argv[2], &e))
			return vc_fail(&e);
		return list(c, argc == 3 ? argv[2] : NULL, json);
	}
	if (strcmp(verb, "allow") && strcmp(verb, "deny") && strcmp(verb, "remove"))
		return vc_usage("access", "needs allow, deny, remove or list");
	if (argc != 4 || json || argv[2][0] == '-')
		return vc_usage("access", "%s needs NETWORK USER|@GROUP", verb);
	if (vn_name_check(argv[2], &e) || subject(argv[3], &r, &e))
		return vc_fail(&e);
	r.allow = !strcmp(verb, "allow");
	if (!strcmp(verb, "remove"))
		return vn_access_remove(c, argv[2], &r, &e) ? vc_fail(&e) : 0;
	return vn_access_set(c, argv[2], &r, &e) ? vc_fail(&e) : 0;
}
