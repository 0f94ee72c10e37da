/* store — definitions on disk: $VNET_CONF_DIR/NAME.conf, one human-readable
 * file per network (format: vnet.conf(5)). Writes are atomic (a temporary
 * file renamed over the old one). Knows nothing of what runs. */
#ifndef VNET_NETD_STORE_H
#define VNET_NETD_STORE_H

#include <stdio.h>

#include "net.h"

/* Writes n in the file format. */
int vn_net_write(FILE *f, const struct vn_net *n);
/* Parses the file format; errors name where ("isbr.conf:7: unknown key
 * \"colour\""). where labels the source in messages. */
int vn_net_read(FILE *f, const char *where, struct vn_net *n, struct nl_err *e);

/* -ENOENT with kind NL_ERR_NOTFOUND when there is no such network. */
int vn_store_load(const char *dir, const char *name, struct vn_net *n, struct nl_err *e);
int vn_store_save(const char *dir, const struct vn_net *n, struct nl_err *e);
/* Removing an absent definition is not an error. */
int vn_store_forget(const char *dir, const char *name, struct nl_err *e);

/* One entry of the folder: a definition, or a file that is not one. */
struct vn_store_entry {
	char file[256];
	int err;		/* 0: net is valid; else why the file is not */
	char msg[320];		/* the error line for a bad file */
	struct vn_net net;
};

/* Every file of dir, sorted by name; *out is malloc'd; free() it. A missing
 * folder is an empty list. */
int vn_store_list(const char *dir, struct vn_store_entry **out, unsigned *n, struct nl_err *e);

#endif
