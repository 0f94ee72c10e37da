/* vnet-ifup IFNAME — qemu's script=: attaches the tap qemu opened to its
 * network, through the engine path of `vnet port add` (the network's MTU,
 * up, enslaved, port flags; one netlink send). No sleep, no polling. */
#include "hooks/hook.h"

int main(int argc, char **argv)
{
	return vh_main("vnet-ifup", argc, argv, vn_port_add, NULL);
}
