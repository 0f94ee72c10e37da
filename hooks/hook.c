/* hook — the shared main of the qemu hooks; see hook.h. */
#include "hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

int vh_main(const char *prog, int argc, char **argv, vh_action action,
	    bool (*tolerate)(const struct nl_err *e))
{
	char net[NL_IFNAMSIZ], line[512];
	struct vn_ctx c;
	struct nl_err e;
	int err;

	if (argc != 2) {
		fprintf(stderr,
			"%s: usage: %s IFNAME (qemu runs it as -netdev tap,script=/downscript=)\n",
			prog, prog);
		return 2;
	}
	if ((err = vn_ctx_open(&c, &e)) == 0) {
		err = vn_map_resolve(&c, getenv("VNET_NETWORK"), argv[1], net, &e);
		if (!err)
			err = action(&c, net, argv[1], &e);
		vn_ctx_close(&c);
	}
	if (!err)
		return 0;
	nl_err_str(&e, line, sizeof(line));
	if (strstr(e.obj, argv[1])) /* the error names the interface already */
		fprintf(stderr, "%s: %s", prog, line);
	else
		fprintf(stderr, "%s: %s: %s", prog, argv[1], line);
	if (e.kind == NL_ERR_NOTFOUND && !strncmp(e.obj, "network ", 8))
		fprintf(stderr, " (chosen by %s; see vnet list)",
			getenv("VNET_NETWORK") && getenv("VNET_NETWORK")[0]
				? "$VNET_NETWORK"
				: "`vnet map`, else `vnet default`");
	fputc('\n', stderr);
	if (tolerate && tolerate(&e))
		return 0;
	return e.kind == NL_ERR_INVALID ? 2 : e.kind == NL_ERR_NOTFOUND ? 3 : e.kind == NL_ERR_CONFLICT ? 4 : 1;
}
