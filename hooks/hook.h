/* hook — what vnet-ifup and vnet-ifdown share: qemu's contract (argv[1] is
 * the interface; the environment is inherited; a non-zero exit makes qemu
 * refuse to start the guest, so the message must say why) and choosing the
 * network ($VNET_NETWORK, else `vnet map`, else `vnet default`). */
#ifndef VNET_HOOKS_HOOK_H
#define VNET_HOOKS_HOOK_H

#include "netd.h"

typedef int (*vh_action)(struct vn_ctx *c, const char *net, const char *ifname,
			 struct nl_err *e);

/* Runs action for argv[1] on its network; prints one line on failure
 * ("vnet-ifup: tap0: network isbr: is down (vnet up isbr)") and returns the
 * exit code. tolerate(e) true: the failure is only logged, exit 0. */
int vh_main(const char *prog, int argc, char **argv, vh_action action,
	    bool (*tolerate)(const struct nl_err *e));

#endif
