/* parse — value rules and parsers of a definition's parts; see parse.h
 * and net.h. */
#include "netd/parse.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/file.h"
#include "netd/net.h"

/* Ranges no guest can have an address in, and what they are: the kernel
 * drops or never routes such addresses (martians), or guests' stacks give
 * them another meaning. A forward may listen on a link-local address the
 * host holds, on none of the others. */
static const struct {
	const char *prefix, *what;
	bool forward_ok;
} special[] = {
	{"0.0.0.0/8", "\"this network\""},
	{"127.0.0.0/8", "loopback"},
	{"169.254.0.0/16", "link-local", true},
	{"224.0.0.0/4", "multicast"},
	{"240.0.0.0/4", "reserved"}, /* with the broadcast address 255.255.255.255 */
	{"::/128", "unspecified"},
	{"::1/128", "loopback"},
	{"::ffff:0:0/96", "IPv4-mapped"},
	{"fe80::/10", "link-local", true},
	{"ff00::/8", "multicast"},
};

int vn_special_check(const struct nl_prefix *p, bool forward, const char *obj, const char *tail,
		     struct nl_err *e)
{
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct nl_prefix r;
		char rb[NL_PREFIX_STRLEN];

		if ((forward && special[i].forward_ok) ||
		    nl_prefix_parse(special[i].prefix, NL_PREFIX_NEED_LEN, NULL, &r, NULL) ||
		    !nl_prefix_overlaps(&r, p))
			continue;
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s %s (%s): %s",
			       p->len >= r.len ? "is" : "overlaps", special[i].what,
			       nl_prefix_str(&r, true, rb, sizeof(rb)), tail);
	}
	return 0;
}

void vn_host_bounds(const struct nl_prefix *net, uint64_t *first, uint64_t *last)
{
	uint64_t size = nl_prefix_size(net);

	*first = 1;
	/* IPv6 has no broadcast address: a /64's last address is a host's
	 * (its size, 2^64, is held as UINT64_MAX) */
	if (net->family == AF_INET6)
		*last = size == UINT64_MAX ? UINT64_MAX : size - 1;
	else
		*last = size - 2;
}

const char *vn_not_host(const struct nl_prefix *net)
{
	return net->family == AF_INET6
		       ? "is the subnet's first address (its Subnet-Router anycast address)"
		       : "is the subnet's network or broadcast address";
}

/* Whether the last labels of domain d are suffix ("localhost" is under
 * "localhost"), letters compared in any case. */
static bool domain_under(const char *d, const char *suffix)
{
	size_t len = strlen(d), n = strlen(suffix);

	return len >= n && !strcasecmp(d + len - n, suffix) && (len == n || d[len - n - 1] == '.');
}

/* The domain goes into dnsmasq's configuration as it is (domain=, local=).
 * Not under localhost: resolvers answer those names with loopback (RFC
 * 6761), so the guests' names would never reach them. */
int vn_domain_check(const char *d, struct nl_err *e)
{
	char obj[VN_DOMAIN_MAX + 16];
	size_t len = strlen(d), label = 0;

	snprintf(obj, sizeof(obj), "domain \"%.*s\"", VN_DOMAIN_MAX, d);
	if (len == 0 || len >= VN_DOMAIN_MAX)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be 1..63 characters");
	for (size_t i = 0; i <= len; i++) {
		char ch = d[i];

		if (ch == '.' || ch == '\0') {
			if (label == 0 || d[i - 1] == '-')
				return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
					       "has an empty label or one ending in '-'");
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || (ch == '-' && label > 0)) {
			label++;
		} else {
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
				       "may hold only letters, digits, '-' and '.'");
		}
	}
	if (domain_under(d, "localhost"))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "is the loopback domain (RFC 6761): its names are the host's own");
	return 0;
}

/* Whether dnsmasq reads field s of a dhcp-host line as something else
 * than a name: "ignore", "infinite", or a lease time (digits, and one of
 * s, m, h, d, w after them). */
static bool dnsmasq_keyword(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (!strcasecmp(s, "ignore") || !strcasecmp(s, "infinite"))
		return true;
	return digits > 0 && (!s[digits] || (strchr("smhdwSMHDW", s[digits]) && !s[digits + 1]));
}

/* One DNS label (RFC 1123: letters, digits, '-' inside): it lands in
 * dnsmasq's files as it is, so nothing there (',', '#', '=', white space)
 * may read as syntax, nor as a field other than a name. */
int vn_hostname_check(const char *name, struct nl_err *e)
{
	char obj[96], q[72];
	size_t len = strlen(name);

	snprintf(obj, sizeof(obj), "host name \"%s\"", nl_escape(name, q, sizeof(q)));
	if (len == 0 || len > 63 || name[0] == '-' || name[len - 1] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != len)
		return nl_fail(
			e, -EINVAL, NL_ERR_INVALID, obj,
			"must be 1..63 letters, digits or '-', not starting or ending with '-'");
	if (!strcasecmp(name, "localhost"))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "names the loopback address on every machine");
	if (dnsmasq_keyword(name))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "dnsmasq reads it as a keyword or lease time, not a name");
	return 0;
}

int vn_mac_parse(const char *s, unsigned char mac[6], struct nl_err *e)
{
	unsigned v[6];
	char obj[64], end;

	snprintf(obj, sizeof(obj), "MAC %.40s", s);
	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				      &v[4], &v[5], &end) != 6)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "must be six hex bytes, as in 52:54:00:12:34:56");
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	if (mac[0] & 1)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "is a multicast address");
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "is all zeros");
	return 0;
}

void vn_mac_str(const unsigned char mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

const char *vn_proto_name(unsigned char proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

int vn_proto_parse(const char *s, unsigned char *proto, struct nl_err *e)
{
	char obj[48];

	if (!strcmp(s, "tcp") || !strcmp(s, "udp")) {
		*proto = !strcmp(s, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	}
	snprintf(obj, sizeof(obj), "protocol %.32s", s);
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be tcp or udp");
}

int vn_port_parse(const char *s, unsigned short *port, struct nl_err *e)
{
	char obj[48], *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && s[0] != '-' && s[0] != '+' && v >= 1 && v <= 65535) {
		*port = (unsigned short)v;
		return 0;
	}
	snprintf(obj, sizeof(obj), "port %.32s", s);
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be 1..65535");
}

/* ADDRESS:PORT, an IPv6 address in brackets ([fd00::57]:80): the one
 * parser of that syntax (vn_addrport_str writes it). */
int vn_addrport_parse(const char *s, struct nl_prefix *a, unsigned short *port, struct nl_err *e)
{
	bool v6 = s[0] == '[';
	const char *colon = v6 ? strstr(s, "]:") : strrchr(s, ':'), *from = s + v6;
	char addr[64], obj[96];

	snprintf(obj, sizeof(obj), "%.64s", s);
	if (!colon || colon == from || (size_t)(colon - from) >= sizeof(addr) ||
	    (!v6 && memchr(s, ':', (size_t)(colon - s))))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "must be ADDRESS:PORT, as in 10.0.0.5:80 or [fd00::5]:80");
	memcpy(addr, from, (size_t)(colon - from));
	addr[colon - from] = '\0';
	if (nl_prefix_parse(addr, NL_PREFIX_NO_LEN, "guest address", a, e))
		return -EINVAL;
	if (v6 != (a->family == AF_INET6))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "an IPv6 address goes in brackets, an IPv4 one without");
	return vn_port_parse(colon + 1 + v6, port, e);
}

const char *vn_addrport_str(const struct nl_prefix *a, unsigned short port, char *buf, size_t n)
{
	char t[NL_PREFIX_STRLEN];
	bool v6 = a->family == AF_INET6;

	snprintf(buf, n, "%s%s%s:%u", v6 ? "[" : "", nl_prefix_str(a, false, t, sizeof(t)),
		 v6 ? "]" : "", port);
	return buf;
}
