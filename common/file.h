/* file — the file operations every layer shares, with the rules vnet runs
 * under as root: modes are set explicitly, never left to the caller's
 * umask; a write is atomic (a temporary file renamed over the old one); a
 * read never blocks (a FIFO), never follows a symbolic link, takes only a
 * regular file of bounded size and, where asked, only one owned by root or
 * the caller. Printing what a file held goes through nl_escape(). */
#ifndef VNET_NLINK_FILE_H
#define VNET_NLINK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/* mkdir -p: each folder made is given mode (the umask does not apply);
 * folders that exist are left as they are. */
int nl_mkdirs(const char *dir, mode_t mode, struct nl_err *e);

/* Writes len bytes to path atomically with mode: a temporary file beside it
 * (O_EXCL, O_NOFOLLOW, fchmod to mode), then renamed over path. A file
 * already there with exactly these bytes and this mode, regular, this
 * process's (effective uid) and not linked elsewhere, is left as it is:
 * nothing written (a repair rewrites its records; on ext4 each new inode
 * is a search of the group's bitmap). */
int nl_file_write(const char *path, mode_t mode, const void *buf, size_t len, struct nl_err *e);

/* Removes path and what a write of it killed halfway may have left (its
 * temporary name); an absent file is no error. Returns 0 or -errno. */
int nl_file_remove(const char *path);

enum {
	/* refuse a file not owned by root or the caller, or writable by
	 * its group or others (anyone could have put there what it says) */
	NL_FILE_OWNED = 1u << 0,
};

/* Reads the whole of path, at most max bytes, into *out (malloc'd, NUL
 * terminated; *len without the NUL). Opened O_NONBLOCK | O_NOFOLLOW: a
 * symbolic link is refused (ELOOP), anything not a regular file is refused
 * (EINVAL, "is not a regular file"), a file larger than max is refused
 * (EFBIG). -ENOENT when absent. e names path. */
int nl_file_read(const char *path, size_t max, unsigned flags, char **out, size_t *len,
		 struct nl_err *e);

/* Copies s into buf (NUL terminated, cut to fit) with every byte that is
 * not printable ASCII, and the backslash and double quote, written as
 * \xNN: what a file or the kernel held reaches a terminal or a log only
 * this way. Returns buf. */
const char *nl_escape(const char *s, char *buf, size_t n);

#endif
