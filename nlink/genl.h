/* genl — generic netlink: resolving a family's id by name. */
#ifndef VNET_NLINK_GENL_H
#define VNET_NLINK_GENL_H

#include <stdint.h>

#include "nlink/sock.h"

int nl_genl_family_msg(struct nl_batch *b, const char *family);
/* s must be a NETLINK_GENERIC socket. -ENOENT when the family is absent. */
int nl_genl_family(struct nl_sock *s, const char *family, uint16_t *id, struct nl_err *e);

#endif
