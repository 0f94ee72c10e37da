/* prefix — IPv4/IPv6 addresses with a prefix length: parsing, printing and
 * the arithmetic that subnets need (network, n-th host, containment,
 * overlap). Pure functions; no sockets. */
#ifndef VNET_NLINK_PREFIX_H
#define VNET_NLINK_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

struct nl_prefix {
	uint8_t family; /* AF_INET or AF_INET6; 0 = unset */
	uint8_t len;	/* prefix length; 32/128 for a plain address */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	} a;
};

#define NL_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

/* Parses "ADDR/LEN" or, when a plain address is allowed (NL_PREFIX_PLAIN),
 * "ADDR" (then len = 32 or 128). Errors name the text and say what is
 * wrong: "subnet 10.0.0.0/33: prefix length must be 0..32". what names the
 * role in messages ("subnet", "gateway"). */
enum { NL_PREFIX_NEED_LEN = 0, NL_PREFIX_PLAIN = 1, NL_PREFIX_NO_LEN = 2 };
int nl_prefix_parse(const char *s, int mode, const char *what, struct nl_prefix *p,
		    struct nl_err *e);

/* "10.0.0.1/8"; with_len false prints just the address. Returns buf. */
const char *nl_prefix_str(const struct nl_prefix *p, bool with_len, char *buf, size_t n);
/* Address p (its canonical text) as the object of an error line: "what
 * 10.0.0.1", "what [fd00:c::]" (an IPv6 one in brackets, so that the
 * line's ": " after it stays apart: "gateway fd00:c:::" read as a
 * different address). */
const char *nl_addr_obj(const char *what, const struct nl_prefix *p, char *buf, size_t n);

unsigned nl_prefix_bits(const struct nl_prefix *p); /* 32 or 128 */
/* p with its host bits cleared. */
struct nl_prefix nl_prefix_network(const struct nl_prefix *p);
bool nl_prefix_has_host_bits(const struct nl_prefix *p);
/* The n-th address of the network (0 = the network itself), with p's
 * length; false when n is beyond the network. */
bool nl_prefix_nth(const struct nl_prefix *p, uint64_t n, struct nl_prefix *out);
/* The last address of the network (the broadcast address for IPv4). */
struct nl_prefix nl_prefix_last(const struct nl_prefix *p);
/* Index of address a inside network p (inverse of nl_prefix_nth); only
 * meaningful when nl_prefix_contains(p, a). Saturates at UINT64_MAX. */
uint64_t nl_prefix_index(const struct nl_prefix *p, const struct nl_prefix *a);
/* Number of addresses in the network, saturated at UINT64_MAX. */
uint64_t nl_prefix_size(const struct nl_prefix *p);
/* Whether address a (its own length ignored) lies in network p. */
bool nl_prefix_contains(const struct nl_prefix *p, const struct nl_prefix *a);
/* Whether two networks share any address. */
bool nl_prefix_overlaps(const struct nl_prefix *x, const struct nl_prefix *y);
bool nl_prefix_equal(const struct nl_prefix *x, const struct nl_prefix *y);

#endif
