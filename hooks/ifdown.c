/* vnet-ifdown IFNAME — qemu's downscript=: undoes vnet-ifup (released from
 * the bridge, down). An interface that is gone (qemu may have closed it) or
 * that is not the network's port is logged, not an error. */
#include "hook.h"

static bool tolerate(const struct nl_err *e)
{
	return e->kind == NL_ERR_NOTFOUND;
}

int main(int argc, char **argv)
{
	return vh_main("vnet-ifdown", argc, argv, vn_port_release, tolerate);
}
