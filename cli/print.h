/* print — how the CLI shows networks: JSON through json-c (-j), or short
 * aligned tables like `ip -br`. */
#ifndef VNET_CLI_PRINT_H
#define VNET_CLI_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "netd/netd.h"

struct json_object;

/* The object `show -j` prints and `list -j` holds. Caller puts it. */
struct json_object *vc_status_json(const struct vn_status *st);
void vc_status_print(FILE *f, const struct vn_status *st);
/* "rules, dnsmasq": what VN_UNCHECKED_* bits name. Returns buf. */
const char *vc_unchecked_str(unsigned bits, char *buf, size_t len);
/* One row of `vnet list`; header first when st is NULL. */
void vc_status_row(FILE *f, const struct vn_status *st);

#endif
