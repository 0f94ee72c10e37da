/* parse — the value rules a definition's parts share (net.c's subnets,
 * options.c's values, hosts.c's hosts and forwards): ranges no guest can
 * have an address in, a subnet's host addresses, DNS domains and host
 * names. The parsers other layers call (MAC, protocol, port) are declared
 * in net.h; this header is netd's own. Pure code. */
#ifndef VNET_NETD_PARSE_H
#define VNET_NETD_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/prefix.h"

/* Refuses p when it overlaps a range no guest can have an address in, as
 * obj: "OBJ: is multicast (224.0.0.0/4): TAIL" ("overlaps" when p is
 * larger than the range). forward: a link-local address, which a forward
 * may listen on, passes. */
int vn_special_check(const struct nl_prefix *p, bool forward, const char *obj, const char *tail,
		     struct nl_err *e);

/* The first and last index of a host address in subnet net (not the
 * first, IPv4's network address and IPv6's Subnet-Router anycast; IPv4:
 * not the broadcast address either). */
void vn_host_bounds(const struct nl_prefix *net, uint64_t *first, uint64_t *last);
/* Why an address of net outside those bounds is no host's, in net's
 * family's words. */
const char *vn_not_host(const struct nl_prefix *net);

/* A DNS domain: labels of letters, digits and '-', dot separated, 1..63
 * characters, not localhost nor under it; errors name it ("domain
 * \"a,b\": ..."). */
int vn_domain_check(const char *d, struct nl_err *e);

/* A static host's name: one DNS label that dnsmasq reads as a name (not
 * "localhost", "ignore", "infinite" or a lease time such as "2h"). */
int vn_hostname_check(const char *name, struct nl_err *e);

#endif
