/* hook — the shared main of the qemu hooks; see hook.h. */
#include "hooks/hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/map.h"

static int usage(const char *prog, FILE *f, int code)
{
	fprintf(f,
		"usage: %s IFNAME\n\n"
		"qemu runs it, as root, for -netdev tap,script=.../vnet-ifup,\n"
		"downscript=.../vnet-ifdown (see vnet(8) HOOKS). Exit codes as vnet's.\n",
		prog);
	return code;
}

/* The line qemu shows when the hook runs without root. qemu runs
 * script= as the user it runs as, before -runas drops root, and
 * downscript= after that; a tap qemu closes leaves its bridge by itself. */
static void needs_root(const char *prog, const char *ifname)
{
	fprintf(stderr,
		"%s: %s: needs root (CAP_NET_ADMIN), runs as uid %u: start qemu as root (with "
		"-runas, script= runs before qemu drops root, downscript= after: the tap then "
		"leaves its bridge as qemu closes it)\n",
		prog, ifname, (unsigned)geteuid());
}

int vh_fail(const char *prog, const char *ifname, const struct nl_err *e)
{
	char line[2048], name[4 * NL_IFNAMSIZ + 64];

	nl_escape(ifname, name, sizeof(name)); /* qemu's, or whoever ran it */
	if (e->kind == NL_ERR_PERM) {
		needs_root(prog, name);
		return nl_err_exit_code(e);
	}
	nl_err_str(e, line, sizeof(line));
	if (strstr(e->obj, ifname)) /* the error names the interface already */
		fprintf(stderr, "%s: %s", prog, line);
	else
		fprintf(stderr, "%s: %s: %s", prog, name, line);
	if (e->kind == NL_ERR_NOTFOUND && !strncmp(e->obj, "network ", 8))
		fprintf(stderr, " (chosen by %s; see vnet list)",
			getenv("VNET_NETWORK") && getenv("VNET_NETWORK")[0]
				? "$VNET_NETWORK"
				: "`vnet map`, else `vnet default`");
	fputc('\n', stderr);
	return nl_err_exit_code(e);
}

int vh_help(const char *prog, int argc, char **argv, int *code)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		*code = usage(prog, stdout, 0);
	else if (argc != 2)
		*code = usage(prog, stderr, 2);
	else
		return 0;
	return 1;
}

int vh_main(const char *prog, int argc, char **argv, vh_action action,
	    bool (*tolerate)(const struct nl_err *e))
{
	char net[NL_IFNAMSIZ];
	struct vn_ctx *c;
	struct nl_err e;
	int err, code;

	if (vh_help(prog, argc, argv, &code))
		return code;
	if ((c = vn_ctx_new(&e))) {
		err = vn_map_resolve(c, getenv("VNET_NETWORK"), argv[1], net, &e);
		if (!err)
			err = action(c, net, argv[1], &e);
		vn_ctx_free(c);
	} else {
		err = e.code;
	}
	if (!err)
		return 0;
	code = vh_fail(prog, argv[1], &e);
	return tolerate && tolerate(&e) ? 0 : code;
}
