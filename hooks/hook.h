/* hook — what vnet-ifup and vnet-ifdown share: qemu's contract (argv[1] is
 * the interface; the environment is inherited; a non-zero exit makes qemu
 * refuse to start the guest, so the message must say why) and choosing the
 * network ($VNET_NETWORK, else `vnet map`, else `vnet default`). */
#ifndef VNET_HOOKS_HOOK_H
#define VNET_HOOKS_HOOK_H

#include "netd/netd.h"

typedef int (*vh_action)(struct vn_ctx *c, const char *net, const char *ifname, struct nl_err *e);

/* Runs action for argv[1] on its network; prints one line on failure
 * ("vnet-ifup: tap0: network isbr: is down (vnet up isbr)"; without root:
 * "vnet-ifup: tap0: needs root (CAP_NET_ADMIN), runs as uid 1000: ...")
 * and returns the exit code, vnet's (nl_err_exit_code). tolerate(e) true:
 * the failure is only logged, exit 0. --help (-h): the usage, exit 0.
 * What it prints is escaped (nl_escape, nl_err_str). */
int vh_main(const char *prog, int argc, char **argv, vh_action action,
	    bool (*tolerate)(const struct nl_err *e));

/* What vh_main does around its action, for a hook with a main of its own:
 * vh_help is true when argv asks for the usage (--help, -h: on stdout,
 * *code 0) or is not "IFNAME" (*code 2); vh_fail prints e's one line (the
 * "needs root" line when it is NL_ERR_PERM), escaped, and returns the exit
 * code. */
int vh_help(const char *prog, int argc, char **argv, int *code);
int vh_fail(const char *prog, const char *ifname, const struct nl_err *e);

#endif
