/* ifname — the one place that says what an interface name may be: the
 * kernel's rule for names vnet only hands to the kernel, and vnet's safe
 * rule for names it creates or writes into a file or a program's
 * configuration. */
#ifndef VNET_NLINK_IFNAME_H
#define VNET_NLINK_IFNAME_H

#include "common/err.h"

#define NL_IFNAMSIZ 16 /* IFNAMSIZ: 15 bytes and the NUL */

/* The kernel's rule (dev_valid_name), and no control bytes: 0 when name is
 * 1..15 bytes, has no '/', ':', white space or control byte, and is not "."
 * or ".."; else -EINVAL with e saying why ("interface name \"x/y\": must not
 * contain '/'"). what names the role ("bridge", "uplink"); NULL means
 * "interface". For names vnet only passes to the kernel (a port to
 * attach, a tap to tune). */
int nl_ifname_check(const char *name, const char *what, struct nl_err *e);

/* vnet's rule, for every name it creates or writes into a file or into
 * dnsmasq's configuration (networks, bridges, uplinks): 1..15 bytes of
 * letters, digits, '_', '.' and '-', not starting with '.' or '-'. The
 * kernel takes ',', '*', '?', '"', '#' and '=', which dnsmasq's
 * interface=NAME and vnet's own files would read as syntax; this rule
 * takes none of them. Errors as nl_ifname_check's, the name escaped
 * (nl_escape): "bridge name \"x1,up0\": may hold only letters, digits,
 * '_', '.' and '-'". */
int nl_ifname_safe_check(const char *name, const char *what, struct nl_err *e);

#endif
