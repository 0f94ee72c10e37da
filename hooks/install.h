/* install — putting the qemu hooks (vnet-ifup, vnet-ifdown) and qemu's
 * bridge helper (vnet-bridge-helper) where qemu finds them, and taking
 * them away again.
 *
 * install copies the three into a folder (default /usr/local/libexec/vnet),
 * the helper setuid root (mode 4755, root's; only into a folder of root's
 * that no one else may write, else conflict); with
 * system, /etc/qemu-ifup and /etc/qemu-ifdown (qemu's default script= and
 * downscript=) become symlinks to them. Those two are conffiles of Debian's
 * qemu-system-common: an original (its MD5 is the one dpkg recorded in
 * /var/lib/dpkg/status) is kept aside as FILE.vnet-orig and given back by
 * uninstall; anything else is refused unless forced. Everything is checked
 * before anything changes; install again changes nothing.
 *
 * $VNET_QEMU_ETC (default /etc) and $VNET_DPKG_STATUS (default
 * /var/lib/dpkg/status) stand in for those places in tests. No process is
 * run: dpkg's file is read here. Nothing here prints.
 *
 * A library of its own beside the hooks: only the vnet binary links it
 * (`vnet hooks install`), with libmd; the hooks themselves do not. */
#ifndef VNET_HOOKS_INSTALL_H
#define VNET_HOOKS_INSTALL_H

#include <stdbool.h>

#include "common/err.h"

#define VH_INSTALL_PREFIX "/usr/local/libexec/vnet"
#define VH_ORIG_SUFFIX	  ".vnet-orig"
#define VH_PATH		  512

struct vh_install_opts {
	const char *prefix; /* NULL: VH_INSTALL_PREFIX */
	/* Where the hooks come from: the first folder holding all three.
	 * NULL entries are skipped. */
	const char *src[2];
	bool system, force;
};

enum vh_act {
	VH_COPIED,	   /* path: the hook installed */
	VH_CURRENT,	   /* path: the same hook was there already */
	VH_IN_PLACE,	   /* path: the folder is where the hooks come from */
	VH_KEPT,	   /* path (qemu's script) kept aside as other */
	VH_LINKED,	   /* path now points at other */
	VH_LINKED_ALREADY, /* path pointed at other already */
	VH_REMOVED,	   /* path removed */
	VH_RESTORED,	   /* path given back from other */
};

struct vh_step {
	enum vh_act act;
	char path[VH_PATH];
	char other[VH_PATH];
};

/* What a call did, in order, for the front end to say. */
struct vh_report {
	unsigned n;
	struct vh_step step[8];
};

/* Refusals: a qemu script that is not Debian's original without force, or
 * whose FILE.vnet-orig exists already (conflict); hooks not found (not
 * found). */
int vh_install(const struct vh_install_opts *o, struct vh_report *r, struct nl_err *e);
/* Removes the hooks from the folder (unless it is where they come from)
 * and the symlinks into it, giving the originals back. -ENOENT (not found)
 * when none of that was there. */
int vh_uninstall(const struct vh_install_opts *o, struct vh_report *r, struct nl_err *e);

/* The MD5 (32 hex digits) that dpkg's status file records for conffile
 * path of package pkg; -ENOENT when it records none. */
int vh_dpkg_conffile_md5(const char *status, const char *pkg, const char *path, char md5[33],
			 struct nl_err *e);

#endif
