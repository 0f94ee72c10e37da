/* ifname — the one place that says what an interface name may be. */
#ifndef VNET_NLINK_IFNAME_H
#define VNET_NLINK_IFNAME_H

#include "err.h"

#define NL_IFNAMSIZ 16 /* IFNAMSIZ: 15 bytes and the NUL */

/* 0 when name is 1..15 bytes, has no '/', ':' or white space, and is not
 * "." or ".."; else -EINVAL with e saying why ("interface name x/y: must not
 * contain '/'"). what names the role ("bridge", "uplink"); NULL means
 * "interface". */
int nl_ifname_check(const char *name, const char *what, struct nl_err *e);

#endif
