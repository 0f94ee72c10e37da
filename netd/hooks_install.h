/* hooks_install — putting the qemu hooks (vnet-ifup, vnet-ifdown) where
 * qemu finds them, and taking them away again.
 *
 * install copies both into a folder (default /usr/local/libexec/vnet); with
 * system, /etc/qemu-ifup and /etc/qemu-ifdown (qemu's default script= and
 * downscript=) become symlinks to them. Those two are conffiles of Debian's
 * qemu-system-common: an original (its MD5 is the one dpkg recorded in
 * /var/lib/dpkg/status) is kept aside as FILE.vnet-orig and given back by
 * uninstall; anything else is refused unless forced. Everything is checked
 * before anything changes; install again changes nothing.
 *
 * $VNET_QEMU_ETC (default /etc) and $VNET_DPKG_STATUS (default
 * /var/lib/dpkg/status) stand in for those places in tests. No process is
 * run: dpkg's file is read here. Nothing here prints. */
#ifndef VNET_NETD_HOOKS_INSTALL_H
#define VNET_NETD_HOOKS_INSTALL_H

#include <stdbool.h>

#include "common/err.h"

#define VN_HOOKS_PREFIX	     "/usr/local/libexec/vnet"
#define VN_HOOKS_ORIG_SUFFIX ".vnet-orig"
#define VN_HOOKS_PATH	     512

struct vn_hooks_opts {
	const char *prefix; /* NULL: VN_HOOKS_PREFIX */
	/* Where the hooks come from: the first folder holding both of them.
	 * NULL entries are skipped. */
	const char *src[2];
	bool system, force;
};

enum vn_hooks_act {
	VN_HOOK_COPIED,		/* path: the hook installed */
	VN_HOOK_CURRENT,	/* path: the same hook was there already */
	VN_HOOK_IN_PLACE,	/* path: the folder is where the hooks come from */
	VN_HOOK_KEPT,		/* path (qemu's script) kept aside as other */
	VN_HOOK_LINKED,		/* path now points at other */
	VN_HOOK_LINKED_ALREADY, /* path pointed at other already */
	VN_HOOK_REMOVED,	/* path removed */
	VN_HOOK_RESTORED,	/* path given back from other */
};

struct vn_hooks_step {
	enum vn_hooks_act act;
	char path[VN_HOOKS_PATH];
	char other[VN_HOOKS_PATH];
};

/* What a call did, in order, for the front end to say. */
struct vn_hooks_report {
	unsigned n;
	struct vn_hooks_step step[8];
};

/* Refusals: a qemu script that is not Debian's original without force, or
 * whose FILE.vnet-orig exists already (conflict); hooks not found (not
 * found). */
int vn_hooks_install(const struct vn_hooks_opts *o, struct vn_hooks_report *r, struct nl_err *e);
/* Removes the hooks from the folder (unless it is where they come from)
 * and the symlinks into it, giving the originals back. -ENOENT (not found)
 * when none of that was there. */
int vn_hooks_uninstall(const struct vn_hooks_opts *o, struct vn_hooks_report *r, struct nl_err *e);

/* The MD5 (32 hex digits) that dpkg's status file records for conffile
 * path of package pkg; -ENOENT when it records none. */
int vn_dpkg_conffile_md5(const char *status, const char *pkg, const char *path, char md5[33],
			 struct nl_err *e);

#endif
