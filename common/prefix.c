/* prefix — address parsing and subnet arithmetic; see prefix.h. */
#include "common/prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(struct nl_err *e, const char *what, const char *s, const char *why)
{
	nl_err_set(e, -EINVAL, "", "%s %s", what, s[0] ? s : "\"\"");
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "%s", why);
	return -EINVAL; /* not nl_err_msg's value: it is 0 when e is NULL */
}

int nl_prefix_parse(const char *s, int mode, const char *what, struct nl_prefix *p,
		    struct nl_err *e)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);

	what = what ? what : "address";
	memset(p, 0, sizeof(*p));
	if (!s[0])
		return bad(e, what, s, "empty");
	if (alen == 0 || alen >= sizeof(addr))
		return bad(e, what, s, "not an IPv4 or IPv6 address");
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &p->a.v4) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &p->a.v6) == 1)
		p->family = AF_INET6;
	else
		return bad(e, what, s, "not an IPv4 or IPv6 address");
	p->len = (uint8_t)nl_prefix_bits(p);
	if (!slash) {
		if (mode == NL_PREFIX_NEED_LEN)
			return bad(e, what, s, "needs a prefix length, as in 10.0.0.0/24");
		return 0;
	}
	if (mode == NL_PREFIX_NO_LEN)
		return bad(e, what, s, "takes no prefix length");
	{
		const char *d = slash + 1;
		char *end;
		unsigned long len;

		errno = 0;
		len = strtoul(d, &end, 10);
		if (!*d || *end || errno || d[0] == '-' || d[0] == '+' || len > nl_prefix_bits(p))
			return bad(e, what, s,
				   p->family == AF_INET ? "prefix length must be 0..32"
							: "prefix length must be 0..128");
		p->len = (uint8_t)len;
	}
	return 0;
}

unsigned nl_prefix_bits(const struct nl_prefix *p)
{
	return p->family == AF_INET6 ? 128 : 32;
}

const char *nl_prefix_str(const struct nl_prefix *p, bool with_len, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (p->family)
		inet_ntop(p->family, p->a.b, a, sizeof(a));
	if (with_len)
		snprintf(buf, n, "%s/%u", a, p->len);
	else
		snprintf(buf, n, "%s", a);
	return buf;
}

const char *nl_addr_obj(const char *what, const struct nl_prefix *p, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN];
	bool v6 = p->family == AF_INET6;

	snprintf(buf, n, "%s %s%s%s", what, v6 ? "[" : "", nl_prefix_str(p, false, a, sizeof(a)),
		 v6 ? "]" : "");
	return buf;
}

/* Byte i of the network mask of a len-bit prefix. */
static uint8_t mask_byte(unsigned len, unsigned i)
{
	if (len >= (i + 1) * 8)
		return 0xff;
	if (len <= i * 8)
		return 0;
	return (uint8_t)(0xff << (8 - (len - i * 8)));
}

struct nl_prefix nl_prefix_network(const struct nl_prefix *p)
{
	struct nl_prefix r = *p;

	for (unsigned i = 0; i < nl_prefix_bits(p) / 8; i++)
		r.a.b[i] &= mask_byte(p->len, i);
	return r;
}

bool nl_prefix_has_host_bits(const struct nl_prefix *p)
{
	struct nl_prefix n = nl_prefix_network(p);

	return memcmp(n.a.b, p->a.b, nl_prefix_bits(p) / 8) != 0;
}

struct nl_prefix nl_prefix_last(const struct nl_prefix *p)
{
	struct nl_prefix r = *p;

	for (unsigned i = 0; i < nl_prefix_bits(p) / 8; i++)
		r.a.b[i] |= (uint8_t)~mask_byte(p->len, i);
	return r;
}

uint64_t nl_prefix_size(const struct nl_prefix *p)
{
	unsigned host = nl_prefix_bits(p) - p->len;

	return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

bool nl_prefix_nth(const struct nl_prefix *p, uint64_t n, struct nl_prefix *out)
{
	unsigned nbytes = nl_prefix_bits(p) / 8;
	struct nl_prefix r = nl_prefix_network(p);
	unsigned carry = 0;

	if (n >= nl_prefix_size(p) && nl_prefix_size(p) != UINT64_MAX)
		return false;
	/* Add n to the address, big-endian, from the last byte. */
	for (int i = (int)nbytes - 1; i >= 0; i--) {
		unsigned sum = r.a.b[i] + (unsigned)(n & 0xff) + carry;

		r.a.b[i] = (uint8_t)sum;
		carry = sum >> 8;
		n >>= 8;
	}
	*out = r;
	return true;
}

uint64_t nl_prefix_index(const struct nl_prefix *p, const struct nl_prefix *a)
{
	unsigned nbytes = nl_prefix_bits(p) / 8;
	uint64_t idx = 0;

	for (unsigned i = 0; i < nbytes; i++) {
		uint8_t hostpart = (uint8_t)(a->a.b[i] & ~mask_byte(p->len, i));

		if (idx > (UINT64_MAX >> 8))
			return UINT64_MAX;
		idx = (idx << 8) | hostpart;
	}
	return idx;
}

bool nl_prefix_contains(const struct nl_prefix *p, const struct nl_prefix *a)
{
	if (p->family != a->family)
		return false;
	for (unsigned i = 0; i < nl_prefix_bits(p) / 8; i++) {
		uint8_t m = mask_byte(p->len, i);

		if ((p->a.b[i] & m) != (a->a.b[i] & m))
			return false;
	}
	return true;
}

bool nl_prefix_overlaps(const struct nl_prefix *x, const struct nl_prefix *y)
{
	/* Two prefixes overlap exactly when the shorter contains the other. */
	return x->len <= y->len ? nl_prefix_contains(x, y) : nl_prefix_contains(y, x);
}

bool nl_prefix_equal(const struct nl_prefix *x, const struct nl_prefix *y)
{
	return x->family == y->family && x->len == y->len &&
	       memcmp(x->a.b, y->a.b, nl_prefix_bits(x) / 8) == 0;
}
