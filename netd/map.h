/* map — which network a qemu hook attaches an interface to: the mappings
 * made with `vnet map NAME PATTERN` ($VNET_CONF_DIR/hooks/map, one
 * "PATTERN NETWORK" a line, shell patterns such as vif*) and the default
 * network (`vnet default NAME`, $VNET_CONF_DIR/hooks/default).
 *
 * Whoever can write these files chooses the network of every tap: they
 * are written atomically, 0644 in a 0755 folder whatever the umask, and
 * read as definitions are (a bounded regular file of root's, no link, no
 * FIFO). Every line is checked whole when read, as when written: a bad
 * line is an error naming the file and line, never skipped or cut (a cut
 * network name could name another network). */
#ifndef VNET_NETD_MAP_H
#define VNET_NETD_MAP_H

#include "netd/netd.h"

#define VN_MAX_MAPS 256

struct vn_map {
	char pattern[64];
	char network[NL_IFNAMSIZ];
};

/* A pattern is 1..63 bytes of letters, digits, '_', '.', '-', the
 * wildcards '*' and '?', and classes "[...]" of the same characters
 * (ranges with '-', negated by a leading '!' or '^'), not starting with
 * '-': nothing that could break the file's "PATTERN NETWORK" lines (no
 * white space, '#', backslash or control byte), and every '[' closed.
 * Errors (kind invalid) name the pattern, escaped. */
int vn_map_pattern_check(const char *pattern, struct nl_err *e);

/* Adds or replaces the mapping of pattern (checked); the network must
 * exist. */
int vn_map_set(struct vn_ctx *c, const char *network, const char *pattern, struct nl_err *e);
/* -ENOENT (not found) when pattern is not mapped. */
int vn_map_del(struct vn_ctx *c, const char *pattern, struct nl_err *e);
/* The mappings in the order they are tried; *out is malloc'd. */
int vn_map_list(struct vn_ctx *c, struct vn_map **out, unsigned *n, struct nl_err *e);
/* name NULL clears the default. */
int vn_default_set(struct vn_ctx *c, const char *name, struct nl_err *e);
/* "" when none. */
int vn_default_get(struct vn_ctx *c, char name[NL_IFNAMSIZ], struct nl_err *e);

/* The network for ifname: env (the hook's $VNET_NETWORK) when set, else the
 * first mapping whose pattern matches, else the default. -ENOENT (not
 * found) saying how to choose one when there is none. */
int vn_map_resolve(struct vn_ctx *c, const char *env, const char *ifname, char net[NL_IFNAMSIZ],
		   struct nl_err *e);

#endif
