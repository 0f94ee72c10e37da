/* vnet-ifup IFNAME — qemu's script=: attaches the tap qemu opened to its
 * network, through the engine path of `vnet port add` (the network's MTU,
 * up, enslaved, port flags; one netlink send). No sleep, no polling. On a
 * network with --anti-spoof, VNET_MAC and VNET_IP (addresses separated by
 * spaces or commas) bind the port as `port add --mac --ip` does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/hook.h"

static int attach(struct vn_ctx *c, const char *net, const char *ifname, struct nl_err *e)
{
	const char *mac = getenv("VNET_MAC"), *ips = getenv("VNET_IP");
	struct vn_bind b = {.has_mac = false};
	char buf[512], *save = NULL;

	int err;

	if (mac && mac[0]) {
		if ((err = vn_mac_parse(mac, b.mac, e)))
			return err;
		b.has_mac = true;
	}
	if (ips && strlen(ips) < sizeof(buf)) {
		strcpy(buf, ips);
		for (char *t = strtok_r(buf, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
			if ((err = vn_bind_add_addr(&b, t, e)))
				return err;
	} else if (ips) {
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "VNET_IP", "is too long");
	}
	return vn_port_add_bound(c, net, ifname, &b, e);
}

int main(int argc, char **argv)
{
	return vh_main("vnet-ifup", argc, argv, attach, NULL);
}
