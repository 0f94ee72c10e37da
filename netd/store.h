/* store — definitions on disk: $VNET_CONF_DIR/NAME.conf, one human-readable
 * file per network (format: vnet.conf(5)). Writes are atomic (a temporary
 * file renamed over the old one). Knows nothing of what runs. */
#ifndef VNET_NETD_STORE_H
#define VNET_NETD_STORE_H

#include <stdio.h>

#include "netd/net.h"

/* Writes n in the file format. */
int vn_net_write(FILE *f, const struct vn_net *n);
/* Parses the file format; errors name where ("isbr.conf:7: unknown key
 * \"colour\""). where labels the source in messages. */
int vn_net_read(FILE *f, const char *where, struct vn_net *n, struct nl_err *e);

/* The largest definition read: more is refused, not read. */
#define VN_STORE_MAX_FILE (64 * 1024)

/* Reads one definition file: a regular file (not a link, FIFO or device),
 * owned by root or the caller and writable by no one else, of at most
 * VN_STORE_MAX_FILE bytes, text only; errors quote none of its bytes that
 * are not printable. */
int vn_store_read_file(const char *file, struct vn_net *n, struct nl_err *e);
/* Writes n to file atomically, mode 0644 whatever the umask. */
int vn_store_write_file(const char *file, const struct vn_net *n, struct nl_err *e);

/* name is checked (vn_name_check) before it becomes a path. -ENOENT with
 * kind NL_ERR_NOTFOUND when there is no such network. */
int vn_store_load(const char *dir, const char *name, struct vn_net *n, struct nl_err *e);
int vn_store_save(const char *dir, const struct vn_net *n, struct nl_err *e);
/* Removing an absent definition is not an error. */
int vn_store_forget(const char *dir, const char *name, struct nl_err *e);

/* One entry of the folder: a definition, or a file that is not one. */
struct vn_store_entry {
	char file[256];
	int err;	   /* 0: net is valid; else why the file is not */
	struct nl_err why; /* ... as an error record */
	char msg[320];	   /* ... as its line (nl_err_str) */
	struct vn_net net;
};

/* Every file of dir, sorted by name (file escaped with nl_escape); a file
 * that is not a definition (a FIFO, a link, a bad name) is listed with its
 * error, never opened in a way that blocks; *out is malloc'd; free() it. A missing
 * folder is an empty list. */
int vn_store_list(const char *dir, struct vn_store_entry **out, unsigned *n, struct nl_err *e);

#endif
