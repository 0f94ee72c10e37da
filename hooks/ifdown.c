/* vnet-ifdown IFNAME — qemu's downscript=: undoes vnet-ifup (released from
 * the bridge, down) for whatever vnet bridge the interface is on: the
 * kernel's truth, not the network $VNET_NETWORK, `vnet map` or `vnet
 * default` names now (they may have changed since, or name none), so it
 * resolves none. An interface that is gone (qemu may have closed it) or on
 * no vnet bridge is logged, not an error; a bridged network's uplink is
 * never released, and the host's NIC never set down. */
#include "hooks/hook.h"

int main(int argc, char **argv)
{
	struct vn_ctx *c;
	struct nl_err e;
	int err, code;

	if (vh_help("vnet-ifdown", argc, argv, &code))
		return code;
	if ((c = vn_ctx_new(&e))) {
		err = vn_port_release(c, argv[1], &e);
		vn_ctx_free(c);
	} else {
		err = e.code;
	}
	if (!err)
		return 0;
	code = vh_fail("vnet-ifdown", argv[1], &e);
	return e.kind == NL_ERR_NOTFOUND ? 0 : code;
}
