/* setuid — how vnet-bridge-helper, installed setuid root, turns into the
 * least privileged process that can do its work, before it reads a byte
 * of its arguments.
 *
 * What it keeps, measured (tests/ns_bridge_helper.c): euid 0 and
 * CAP_NET_ADMIN, nothing else. CAP_NET_ADMIN makes the tap (TUNSETIFF)
 * and changes links (MTU, master, up, port flags). euid 0 without any DAC
 * capability opens what vnet's engine needs (the lock $VNET_RUN_DIR/lock,
 * 0600; the bridge cache; the definitions and access files) because root
 * owns them all: the owner's bits apply. A file capability alone
 * (cap_net_admin=ep run by a user) cannot, so the helper is setuid root.
 *
 * The caller is the real uid, real gid and supplementary groups the
 * kernel gave the process, recorded first (the access check's input; never
 * the environment). Then: no core dump and no ptrace by the caller
 * (PR_SET_DUMPABLE 0); no environment (clearenv; PATH fixed); stdin,
 * stdout and stderr open (/dev/null in their place: a file the helper
 * opens must never be taken for one); the tty's stop signals ignored (a
 * helper stopped while it holds vnet's lock would stop every vnet
 * command); every uid, gid and group root's (so that the caller cannot
 * signal it, files it writes are root's, and "owned by root or the
 * caller" means root); every capability but CAP_NET_ADMIN dropped from
 * the bounding, inheritable, permitted and effective sets, none ambient;
 * no new privileges (PR_SET_NO_NEW_PRIVS). Raw prctl and capset, not
 * libcap: one fixed transition of a few calls needs no library in a
 * setuid binary (one less to map and trust, and the hooks stay static
 * where libmnl.a exists). */
#ifndef VNET_HOOKS_SETUID_H
#define VNET_HOOKS_SETUID_H

#include <stddef.h>
#include <sys/types.h>

struct vh_caller {
	uid_t uid;
	gid_t gid;
	unsigned ngroups;
	gid_t *groups; /* malloc'd */
};

/* 0 when the process is as above; else -errno and why says which step
 * failed ("must run setuid root: its euid is 1000"). */
int vh_setuid_enter(struct vh_caller *who, char *why, size_t n);

#endif
