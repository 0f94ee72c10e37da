/* access — who may attach guests to a network without root, through
 * vnet-bridge-helper (qemu's -netdev bridge): `vnet access allow NETWORK
 * USER|@GROUP`, `vnet access deny ...`, `vnet access remove ...`.
 *
 * One file per network, $VNET_CONF_DIR/access/NAME, beside the
 * definitions: "allow user 1000 alice" a line ("deny", "group"; the name
 * is a label for people, the number decides). Written atomically, 0644 in
 * a 0755 folder whatever the umask, and read as definitions are (a bounded
 * regular file of root's, no link, no FIFO, every line checked whole). The
 * helper reads the one file of the network it is asked for: its cost does
 * not grow with the number of networks. A network that is destroyed
 * forgets its file (a new network of that name starts with nobody).
 *
 * Default deny. A caller (its real uid, real gid and supplementary groups,
 * as the kernel gave them: never the environment) may attach when a rule
 * allows its uid or one of its groups and no rule denies its uid or one of
 * its groups: a deny wins, as in qemu-bridge-helper's bridge.conf. Root
 * may always (it needs no helper). */
#ifndef VNET_NETD_ACCESS_H
#define VNET_NETD_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "netd/netd.h"

#define VN_MAX_ACCESS	   256
#define VN_ACCESS_NAME_MAX 32 /* useradd's limit */

struct vn_access_rule {
	bool allow;
	bool group;
	uint32_t id;			   /* uid or gid */
	char name[VN_ACCESS_NAME_MAX + 1]; /* "" when the id has no name */
};

struct vn_access {
	char net[NL_IFNAMSIZ];
	unsigned n;
	struct vn_access_rule rule[VN_MAX_ACCESS];
};

/* A label: 1..32 bytes of letters, digits, '_', '.', '-', '$', not
 * starting with '-' (what useradd and groupadd take); "" is none. */
int vn_access_name_check(const char *name, struct nl_err *e);

/* Adds r, or replaces the rule of the same user or group (an allow
 * becomes a deny and back); the network must exist. */
int vn_access_set(struct vn_ctx *c, const char *net, const struct vn_access_rule *r,
		  struct nl_err *e);
/* Removes the rule of that user or group (r->allow and r->name unused);
 * -ENOENT (not found) when it has none. */
int vn_access_remove(struct vn_ctx *c, const char *net, const struct vn_access_rule *r,
		     struct nl_err *e);
/* The rules of network net (none: a->n 0), as stored. */
int vn_access_read(struct vn_ctx *c, const char *net, struct vn_access *a, struct nl_err *e);
/* vn_access_read of a network that is defined: for one that is not,
 * -ENOENT (not found: "network NAME: no such network"), as every command
 * that names a network says. */
int vn_access_list(struct vn_ctx *c, const char *net, struct vn_access *a, struct nl_err *e);
/* The networks that have rules, sorted; *out is malloc'd (NULL when
 * none). */
int vn_access_networks(struct vn_ctx *c, char (**out)[NL_IFNAMSIZ], unsigned *n, struct nl_err *e);
/* Forgets the rules of net (its destroy). */
void vn_access_forget(struct vn_ctx *c, const char *net);

/* 0 when uid, gid and groups may attach to network net; else -EACCES
 * (kind NL_ERR_PERM) with a message naming the caller's uid, the rule that
 * denies it or the default, and what root runs to allow it. */
int vn_access_check(struct vn_ctx *c, const char *net, uid_t uid, gid_t gid, const gid_t *groups,
		    unsigned ngroups, struct nl_err *e);

#endif
