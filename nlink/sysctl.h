/* sysctl — read and write network sysctls under /proc/sys/net, which belong
 * to the calling process's network namespace. */
#ifndef VNET_NLINK_SYSCTL_H
#define VNET_NLINK_SYSCTL_H

#include <stddef.h>

#include "common/err.h"

/* key is relative to /proc/sys/net, with '/' or '.' separators:
 * "ipv4/ip_forward" or "ipv4.ip_forward". The value read is stripped of its
 * trailing newline. Errors name the key: "sysctl net.ipv4.ip_forward: write:
 * Permission denied". */
int nl_sysctl_read(const char *key, char *buf, size_t n, struct nl_err *e);
int nl_sysctl_write(const char *key, const char *value, struct nl_err *e);

#endif
