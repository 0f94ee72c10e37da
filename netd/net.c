/* net — definitions: validation, defaults, comparison; see net.h. */
#include "netd/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/file.h"

static const char *const model_names[VN_NMODELS] = {
	[VN_ISOLATED] = "isolated",
	[VN_ROUTED] = "routed",
	[VN_NAT] = "nat",
	[VN_BRIDGED] = "bridged",
};

const char *vn_model_name(enum vn_model m)
{
	return (unsigned)m < VN_NMODELS ? model_names[m] : "?";
}

static int invalid(struct nl_err *e, const char *obj, const char *why)
{
	nl_err_set(e, -EINVAL, "", "%s", obj);
	nl_err_kind(e, NL_ERR_INVALID);
	return nl_err_msg(e, "%s", why);
}

int vn_model_parse(const char *s, enum vn_model *m, struct nl_err *e)
{
	char obj[96];

	for (unsigned i = 0; i < VN_NMODELS; i++)
		if (s && !strcmp(s, model_names[i])) {
			*m = (enum vn_model)i;
			return 0;
		}
	snprintf(obj, sizeof(obj), "model \"%s\"", s ? s : "");
	return invalid(e, obj, "must be isolated, routed, nat or bridged");
}

int vn_name_check(const char *name, struct nl_err *e)
{
	return nl_ifname_safe_check(name, "network", e);
}

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

/* Refuses p when it overlaps a special range, as obj: "OBJ: is multicast
 * (224.0.0.0/4): TAIL" ("overlaps" when p is larger than the range). */
static int special_check(const struct nl_prefix *p, bool forward, const char *obj, const char *tail,
			 struct nl_err *e)
{
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		struct nl_prefix r;
		char rb[NL_PREFIX_STRLEN];

		if ((forward && special[i].forward_ok) ||
		    nl_prefix_parse(special[i].prefix, NL_PREFIX_NEED_LEN, NULL, &r, NULL) ||
		    !nl_prefix_overlaps(&r, p))
			continue;
		nl_err_set(e, -EINVAL, "", "%s", obj);
		nl_err_kind(e, NL_ERR_INVALID);
		nl_err_msg(e, "%s %s (%s): %s", p->len >= r.len ? "is" : "overlaps",
			   special[i].what, nl_prefix_str(&r, true, rb, sizeof(rb)), tail);
		return -EINVAL;
	}
	return 0;
}

/* The first and last address a DHCP range may use: the hosts of the subnet
 * (IPv4: not the network and broadcast addresses). */
static void host_bounds(const struct nl_prefix *net, uint64_t *first, uint64_t *last)
{
	uint64_t size = nl_prefix_size(net);

	*first = 1;
	*last = size == UINT64_MAX ? UINT64_MAX - 1 : size - (net->family == AF_INET ? 2 : 1);
}

static int parse_gateway(struct vn_subnet *s, const char *gateway, struct nl_err *e)
{
	char pb[NL_PREFIX_STRLEN], obj[128];
	uint64_t first, last, idx;

	if (!gateway) {
		nl_prefix_nth(&s->prefix, 1, &s->gateway);
		return 0;
	}
	if (nl_prefix_parse(gateway, NL_PREFIX_NO_LEN, "gateway", &s->gateway, e))
		return e ? e->code : -EINVAL;
	snprintf(obj, sizeof(obj), "gateway %s", gateway);
	s->gateway.len = s->prefix.len;
	host_bounds(&s->prefix, &first, &last);
	idx = nl_prefix_index(&s->prefix, &s->gateway);
	if (!nl_prefix_contains(&s->prefix, &s->gateway)) {
		char why[96];

		snprintf(why, sizeof(why), "outside the subnet %s",
			 nl_prefix_str(&s->prefix, true, pb, sizeof(pb)));
		return invalid(e, obj, why);
	}
	if (idx < first || idx > last)
		return invalid(e, obj, "is the subnet's network or broadcast address");
	return 0;
}

/* The default range: the hosts after the gateway (or, when the gateway is
 * the last host, the hosts before it), at most VN_DHCP_DEFAULT_SIZE. */
static void default_range(struct vn_subnet *s)
{
	uint64_t first, last, gw = nl_prefix_index(&s->prefix, &s->gateway), lo, hi;

	host_bounds(&s->prefix, &first, &last);
	if (gw < last) {
		lo = gw + 1;
		hi = last - lo >= VN_DHCP_DEFAULT_SIZE ? lo + VN_DHCP_DEFAULT_SIZE - 1 : last;
	} else {
		lo = gw - first >= VN_DHCP_DEFAULT_SIZE ? gw - VN_DHCP_DEFAULT_SIZE : first;
		hi = gw - 1;
	}
	nl_prefix_nth(&s->prefix, lo, &s->dhcp_start);
	nl_prefix_nth(&s->prefix, hi, &s->dhcp_end);
	s->dhcp_start.len = s->dhcp_end.len = (uint8_t)nl_prefix_bits(&s->prefix);
}

static int parse_range(struct vn_subnet *s, const char *arg, struct nl_err *e)
{
	char a[NL_PREFIX_STRLEN * 2 + 2], obj[128];
	const char *dash = strchr(arg, '-');
	uint64_t first, last, i0, i1, gw;

	snprintf(obj, sizeof(obj), "DHCP range %s", arg);
	if (!dash || strlen(arg) >= sizeof(a))
		return invalid(e, obj, "must be START-END, as in 10.0.0.100-10.0.0.200");
	memcpy(a, arg, (size_t)(dash - arg));
	a[dash - arg] = '\0';
	if (nl_prefix_parse(a, NL_PREFIX_NO_LEN, "DHCP range start", &s->dhcp_start, e) ||
	    nl_prefix_parse(dash + 1, NL_PREFIX_NO_LEN, "DHCP range end", &s->dhcp_end, e))
		return e ? e->code : -EINVAL;
	if (!nl_prefix_contains(&s->prefix, &s->dhcp_start) ||
	    !nl_prefix_contains(&s->prefix, &s->dhcp_end))
		return invalid(e, obj, "must lie inside the subnet");
	host_bounds(&s->prefix, &first, &last);
	i0 = nl_prefix_index(&s->prefix, &s->dhcp_start);
	i1 = nl_prefix_index(&s->prefix, &s->dhcp_end);
	gw = nl_prefix_index(&s->prefix, &s->gateway);
	if (i0 > i1)
		return invalid(e, obj, "starts after it ends");
	if (i0 < first || i1 > last)
		return invalid(e, obj, "must not hold the network or broadcast address");
	if (gw >= i0 && gw <= i1)
		return invalid(e, obj, "must not hold the gateway");
	return 0;
}

int vn_subnet_complete(struct vn_subnet *s, const char *gateway, const char *dhcp_arg,
		       bool no_dhcp, struct nl_err *e)
{
	char pb[NL_PREFIX_STRLEN], obj[96];
	unsigned maxlen = s->prefix.family == AF_INET ? 30 : 126;

	nl_prefix_str(&s->prefix, true, pb, sizeof(pb));
	snprintf(obj, sizeof(obj), "subnet %s", pb);
	if (special_check(&s->prefix, false, obj, "guests cannot have such addresses", e))
		return -EINVAL;
	if (s->prefix.len > maxlen)
		return invalid(e, obj,
			       s->prefix.family == AF_INET
				       ? "too small: a network needs a /30 or larger"
				       : "too small: a network needs a /126 or larger");
	if (parse_gateway(s, gateway, e))
		return e ? e->code : -EINVAL;
	s->dhcp = !no_dhcp;
	if (no_dhcp)
		return dhcp_arg ? invalid(e, "--dhcp", "and --no-dhcp exclude each other") : 0;
	if (dhcp_arg)
		return parse_range(s, dhcp_arg, e);
	default_range(s);
	return 0;
}

static int parse_subnet(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	struct vn_subnet *s = &n->subnet[0];

	if (!a->subnet || !a->subnet[0]) {
		nl_err_set(e, -EINVAL, "", "%s network %s", vn_model_name(n->model), n->name);
		nl_err_kind(e, NL_ERR_INVALID);
		return nl_err_msg(e, "needs a SUBNET, as in 10.0.0.0/24");
	}
	if (nl_prefix_parse(a->subnet, NL_PREFIX_NEED_LEN, "subnet", &s->prefix, e))
		return e ? e->code : -EINVAL;
	if (nl_prefix_has_host_bits(&s->prefix)) {
		struct nl_prefix net = nl_prefix_network(&s->prefix);
		char pn[NL_PREFIX_STRLEN], pa[NL_PREFIX_STRLEN], why[160];

		snprintf(why, sizeof(why), "has host bits set: did you mean %s --gateway %s?",
			 nl_prefix_str(&net, true, pn, sizeof(pn)),
			 nl_prefix_str(&s->prefix, false, pa, sizeof(pa)));
		return invalid(e, a->subnet, why);
	}
	n->nsubnets = 1;
	return vn_subnet_complete(s, a->gateway, a->dhcp, a->no_dhcp, e);
}

static int refuse_for_bridged(const struct vn_net_args *a, struct nl_err *e)
{
	const char *opt = a->subnet	  ? "SUBNET"
			  : a->gateway	  ? "--gateway"
			  : a->dhcp	  ? "--dhcp"
			  : a->no_dhcp	  ? "--no-dhcp"
			  : a->isolate_ports ? "--isolate-ports"
			  : a->zero_dhcp_checksum ? "--zero-dhcp-checksum"
					  : NULL;

	if (!opt)
		return 0;
	return invalid(e, opt,
		       "does not apply to a bridged network: the LAN behind the uplink gives "
		       "addresses");
}

/* Whether the last labels of domain d are suffix ("localhost" is under
 * "localhost"), letters compared in any case. */
static bool domain_under(const char *d, const char *suffix)
{
	size_t len = strlen(d), n = strlen(suffix);

	return len >= n && !strcasecmp(d + len - n, suffix) && (len == n || d[len - n - 1] == '.');
}

/* A DNS domain: labels of letters, digits and '-', dot separated; it goes
 * into dnsmasq's configuration as it is (domain=, local=). Not under
 * localhost: resolvers answer those names with loopback (RFC 6761), so the
 * guests' names would never reach them. */
static int vn_domain_check(const char *d, struct nl_err *e)
{
	char obj[VN_DOMAIN_MAX + 16];
	size_t len = strlen(d), label = 0;

	snprintf(obj, sizeof(obj), "domain \"%.*s\"", VN_DOMAIN_MAX, d);
	if (len == 0 || len >= VN_DOMAIN_MAX)
		return invalid(e, obj, "must be 1..63 characters");
	for (size_t i = 0; i <= len; i++) {
		char ch = d[i];

		if (ch == '.' || ch == '\0') {
			if (label == 0 || d[i - 1] == '-')
				return invalid(e, obj, "has an empty label or one ending in '-'");
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') || (ch == '-' && label > 0)) {
			label++;
		} else {
			return invalid(e, obj, "may hold only letters, digits, '-' and '.'");
		}
	}
	if (domain_under(d, "localhost"))
		return invalid(e, obj,
			       "is the loopback domain (RFC 6761): its names are the host's own");
	return 0;
}

int vn_net_from_args(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	int err;

	memset(n, 0, sizeof(*n));
	if ((err = vn_model_parse(a->model, &n->model, e)) || (err = vn_name_check(a->name, e)))
		return err;
	snprintf(n->name, sizeof(n->name), "%s", a->name);
	if (a->bridge && (err = nl_ifname_safe_check(a->bridge, "bridge", e)))
		return err;
	snprintf(n->bridge, sizeof(n->bridge), "%s", a->bridge ? a->bridge : a->name);
	if (a->mtu_given && (a->mtu < 68 || a->mtu > 65535)) {
		char obj[32];

		snprintf(obj, sizeof(obj), "MTU %u", a->mtu);
		return invalid(e, obj, "must be 68..65535");
	}
	/* bridged: 0 means the uplink's, read when the network starts */
	n->mtu = a->mtu_given ? a->mtu : (n->model == VN_BRIDGED ? 0 : VN_DEFAULT_MTU);
	n->isolate_ports = a->isolate_ports;
	n->zero_dhcp_checksum = a->zero_dhcp_checksum;
	if (n->model == VN_BRIDGED) {
		if ((err = refuse_for_bridged(a, e)))
			return err;
		if (a->domain)
			return invalid(e, "--domain", "does not apply to a bridged network");
		if (!a->uplink)
			return invalid(e, "bridged network", "needs --uplink IFACE");
		if ((err = nl_ifname_safe_check(a->uplink, "uplink", e)))
			return err;
		snprintf(n->uplink, sizeof(n->uplink), "%s", a->uplink);
		return 0;
	}
	if (a->uplink)
		return invalid(e, "--uplink", "applies only to a bridged network");
	if (a->domain)
		snprintf(n->domain, sizeof(n->domain), "%s", a->domain);
	else
		snprintf(n->domain, sizeof(n->domain), "%s.internal", n->name);
	if ((err = vn_domain_check(a->domain ? a->domain : n->domain, e)))
		return err;
	return parse_subnet(a, n, e);
}

int vn_net_check(const struct vn_net *n, struct nl_err *e)
{
	int err;

	if ((unsigned)n->model >= VN_NMODELS)
		return invalid(e, "model", "unknown");
	/* names as create checks them: a hand-written bridge = x1,up0 would
	 * reach dnsmasq's interface= line */
	if ((err = vn_name_check(n->name, e)) ||
	    (err = nl_ifname_safe_check(n->bridge, "bridge", e)))
		return err;
	if ((n->mtu < 68 && !(n->mtu == 0 && n->model == VN_BRIDGED)) || n->mtu > 65535)
		return invalid(e, "mtu", "must be 68..65535");
	if (n->model == VN_BRIDGED)
		return n->nsubnets ? invalid(e, "subnet", "a bridged network has none")
				   : nl_ifname_safe_check(n->uplink, "uplink", e);
	if (n->domain[0] && (err = vn_domain_check(n->domain, e)))
		return err;
	if (n->nsubnets == 0)
		return invalid(e, "subnet", "missing");
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		if (nl_prefix_has_host_bits(&s->prefix) ||
		    !nl_prefix_contains(&s->prefix, &s->gateway) ||
		    (s->dhcp && (!nl_prefix_contains(&s->prefix, &s->dhcp_start) ||
				 !nl_prefix_contains(&s->prefix, &s->dhcp_end))))
			return invalid(e, "subnet", "gateway or DHCP range outside the subnet");
		for (unsigned j = 0; j < i; j++)
			if (nl_prefix_overlaps(&s->prefix, &n->subnet[j].prefix))
				return invalid(e, "subnet", "subnets of one network overlap");
	}
	return 0;
}

static const char *pstr(const struct nl_prefix *p, bool len, char *buf)
{
	return nl_prefix_str(p, len, buf, NL_PREFIX_STRLEN);
}

static bool subnet_same(const struct vn_subnet *h, const struct vn_subnet *w, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN], c[NL_PREFIX_STRLEN], d[NL_PREFIX_STRLEN];

	if (!nl_prefix_equal(&h->prefix, &w->prefix))
		snprintf(buf, n, "subnet %s, not %s", pstr(&h->prefix, 1, a), pstr(&w->prefix, 1, b));
	else if (!nl_prefix_equal(&h->gateway, &w->gateway))
		snprintf(buf, n, "gateway %s, not %s", pstr(&h->gateway, 0, a),
			 pstr(&w->gateway, 0, b));
	else if (h->dhcp != w->dhcp)
		snprintf(buf, n, "DHCP %s, not %s", h->dhcp ? "on" : "off", w->dhcp ? "on" : "off");
	else if (h->dhcp && (!nl_prefix_equal(&h->dhcp_start, &w->dhcp_start) ||
			     !nl_prefix_equal(&h->dhcp_end, &w->dhcp_end)))
		snprintf(buf, n, "DHCP range %s-%s, not %s-%s", pstr(&h->dhcp_start, 0, a),
			 pstr(&h->dhcp_end, 0, b), pstr(&w->dhcp_start, 0, c),
			 pstr(&w->dhcp_end, 0, d));
	else
		return true;
	return false;
}

bool vn_net_same(const struct vn_net *h, const struct vn_net *w, char *buf, size_t n)
{
	if (h->model != w->model)
		snprintf(buf, n, "model %s, not %s", vn_model_name(h->model), vn_model_name(w->model));
	else if (strcmp(h->bridge, w->bridge))
		snprintf(buf, n, "bridge %s, not %s", h->bridge, w->bridge);
	else if (strcmp(h->uplink, w->uplink))
		snprintf(buf, n, "uplink %s, not %s", h->uplink, w->uplink);
	else if (h->mtu != w->mtu)
		snprintf(buf, n, "MTU %u, not %u", h->mtu, w->mtu);
	else if (h->zero_dhcp_checksum != w->zero_dhcp_checksum)
		snprintf(buf, n, "DHCP checksums %s, not %s", h->zero_dhcp_checksum ? "zeroed" : "kept",
			 w->zero_dhcp_checksum ? "zeroed" : "kept");
	else if (h->isolate_ports != w->isolate_ports)
		snprintf(buf, n, "%s, not %s", h->isolate_ports ? "isolated ports" : "open ports",
			 w->isolate_ports ? "isolated ports" : "open ports");
	else if (strcmp(h->domain, w->domain))
		snprintf(buf, n, "domain %s, not %s", h->domain, w->domain);
	else if (h->nsubnets != w->nsubnets)
		snprintf(buf, n, "%u subnets, not %u", h->nsubnets, w->nsubnets);
	else {
		for (unsigned i = 0; i < h->nsubnets; i++)
			if (!subnet_same(&h->subnet[i], &w->subnet[i], buf, n))
				return false;
		return true;
	}
	return false;
}

void vn_net_bridge_mac(const struct vn_net *n, unsigned char mac[6])
{
	/* FNV-1a of the name; 0x02 sets the locally administered bit and keeps
	 * the group bit clear. The prefix 02:76:6e ("vn") marks vnet's. */
	uint32_t h = 2166136261u;

	for (const char *p = n->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	mac[0] = 0x02;
	mac[1] = 0x76;
	mac[2] = 0x6e;
	mac[3] = (unsigned char)(h >> 16);
	mac[4] = (unsigned char)(h >> 8);
	mac[5] = (unsigned char)h;
}

int vn_mac_parse(const char *s, unsigned char mac[6], struct nl_err *e)
{
	unsigned v[6];
	char obj[64], end;

	snprintf(obj, sizeof(obj), "MAC %.40s", s);
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
		return invalid(e, obj, "must be six hex bytes, as in 52:54:00:12:34:56");
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	if (mac[0] & 1)
		return invalid(e, obj, "is a multicast address");
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return invalid(e, obj, "is all zeros");
	return 0;
}

void vn_mac_str(const unsigned char mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

bool vn_net_has_dhcp(const struct vn_net *n)
{
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].dhcp)
			return true;
	return false;
}

/* The subnet holding address a as one of its hosts (not its network,
 * broadcast or gateway address), or NULL with e saying why not. */
static const struct vn_subnet *host_subnet(const struct vn_net *n, const struct nl_prefix *a,
					   const char *obj, struct nl_err *e)
{
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];
		uint64_t first, last, idx;

		if (!nl_prefix_contains(&s->prefix, a))
			continue;
		host_bounds(&s->prefix, &first, &last);
		idx = nl_prefix_index(&s->prefix, a);
		if (idx < first || idx > last)
			invalid(e, obj, "is the subnet's network or broadcast address");
		else if (nl_prefix_equal(&(struct nl_prefix){.family = a->family, .len = a->len,
							     .a = s->gateway.a},
					 a))
			invalid(e, obj, "is the gateway");
		else
			return s;
		return NULL;
	}
	invalid(e, obj, "is outside the network's subnets");
	return NULL;
}

static int taken(struct nl_err *e, const char *obj, const char *why, const unsigned char mac[6])
{
	char m[18];

	vn_mac_str(mac, m);
	nl_err_set(e, -EEXIST, "", "%s", obj);
	nl_err_kind(e, NL_ERR_CONFLICT);
	return nl_err_msg(e, "%s %s", why, m);
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

/* A host name is one DNS label (RFC 1123: letters, digits, '-' inside):
 * it lands in dnsmasq's files as it is, so nothing there (',', '#', '=',
 * white space) may read as syntax, nor as a field other than a name. */
static int hostname_check(const char *name, struct nl_err *e)
{
	char obj[96], q[72];
	size_t len = strlen(name);

	snprintf(obj, sizeof(obj), "host name \"%s\"", nl_escape(name, q, sizeof(q)));
	if (len == 0 || len > 63 || name[0] == '-' || name[len - 1] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != len)
		return invalid(
			e, obj,
			"must be 1..63 letters, digits or '-', not starting or ending with '-'");
	if (!strcasecmp(name, "localhost"))
		return invalid(e, obj, "names the loopback address on every machine");
	if (dnsmasq_keyword(name))
		return invalid(e, obj, "dnsmasq reads it as a keyword or lease time, not a name");
	return 0;
}

int vn_host_add(struct vn_net *n, const struct vn_host *h, struct nl_err *e)
{
	char obj[96], a[NL_PREFIX_STRLEN], m[18];

	if (h->name[0] && hostname_check(h->name, e))
		return -EINVAL;
	snprintf(obj, sizeof(obj), "address %s", nl_prefix_str(&h->ip, false, a, sizeof(a)));
	if (!host_subnet(n, &h->ip, obj, e))
		return -EINVAL;
	for (unsigned i = 0; i < n->nhosts; i++) {
		const struct vn_host *o = &n->host[i];

		if (!memcmp(o->mac, h->mac, 6)) {
			vn_mac_str(h->mac, m);
			snprintf(obj, sizeof(obj), "host %s", m);
			nl_err_set(e, -EEXIST, "", "%s", obj);
			nl_err_kind(e, NL_ERR_CONFLICT);
			return nl_err_msg(e, "exists already with address %s",
					  nl_prefix_str(&o->ip, false, a, sizeof(a)));
		}
		if (nl_prefix_equal(&o->ip, &h->ip))
			return taken(e, obj, "is taken by host", o->mac);
		if (h->name[0] && !strcmp(o->name, h->name)) {
			snprintf(obj, sizeof(obj), "host name %s", h->name);
			return taken(e, obj, "is taken by host", o->mac);
		}
	}
	if (n->nhosts >= VN_MAX_HOSTS)
		return invalid(e, "hosts", "too many (256 at most)");
	n->host[n->nhosts++] = *h;
	return 0;
}

int vn_host_del(struct vn_net *n, const unsigned char mac[6], struct nl_err *e)
{
	char m[18];

	for (unsigned i = 0; i < n->nhosts; i++)
		if (!memcmp(n->host[i].mac, mac, 6)) {
			memmove(&n->host[i], &n->host[i + 1], (n->nhosts - i - 1) * sizeof(n->host[0]));
			n->nhosts--;
			return 0;
		}
	vn_mac_str(mac, m);
	nl_err_set(e, -ENOENT, "", "host %s", m);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "no such host on network %s", n->name);
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
	return invalid(e, obj, "must be tcp or udp");
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
	return invalid(e, obj, "must be 1..65535");
}

int vn_addrport_parse(const char *s, struct nl_prefix *a, unsigned short *port, struct nl_err *e)
{
	const char *colon = strrchr(s, ':');
	char addr[64], obj[96];

	snprintf(obj, sizeof(obj), "%.64s", s);
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(addr))
		return invalid(e, obj, "must be ADDRESS:PORT, as in 10.0.0.5:80");
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	if (nl_prefix_parse(addr, NL_PREFIX_NO_LEN, "guest address", a, e))
		return -EINVAL;
	return vn_port_parse(colon + 1, port, e);
}

bool vn_forward_same_listener(const struct vn_forward *x, const struct vn_forward *y)
{
	return x->proto == y->proto && x->port == y->port &&
	       (x->address.family == 0 || y->address.family == 0 ||
		nl_prefix_equal(&x->address, &y->address));
}

int vn_forward_add(struct vn_net *n, const struct vn_forward *f, struct nl_err *e)
{
	char obj[96], a[NL_PREFIX_STRLEN];

	if (n->model != VN_NAT) {
		snprintf(obj, sizeof(obj), "network %s", n->name);
		return invalid(e, obj, "is not a NAT network: port forwards go into NAT guests");
	}
	if (f->address.family) {
		snprintf(obj, sizeof(obj), "address %s",
			 nl_prefix_str(&f->address, false, a, sizeof(a)));
		/* loopback: vnet's output chain leaves 127/8 to the host; that
		 * forwards are IPv4 is the firewall plan's to say */
		if (special_check(&f->address, true, obj, "no port forward works there", e))
			return -EINVAL;
	}
	snprintf(obj, sizeof(obj), "guest address %s", nl_prefix_str(&f->guest, false, a, sizeof(a)));
	if (f->guest.family != AF_INET)
		return invalid(e, obj, "must be IPv4 (forwards are DNAT of IPv4)");
	if (!host_subnet(n, &f->guest, obj, e))
		return -EINVAL;
	for (unsigned i = 0; i < n->nforwards; i++)
		if (vn_forward_same_listener(&n->forward[i], f)) {
			snprintf(obj, sizeof(obj), "%s port %u", vn_proto_name(f->proto), f->port);
			nl_err_set(e, -EEXIST, "", "%s", obj);
			nl_err_kind(e, NL_ERR_CONFLICT);
			return nl_err_msg(e, "is forwarded already (to %s:%u)",
					  nl_prefix_str(&n->forward[i].guest, false, a, sizeof(a)),
					  n->forward[i].guest_port);
		}
	if (n->nforwards >= VN_MAX_FORWARDS)
		return invalid(e, "forwards", "too many (64 at most)");
	n->forward[n->nforwards++] = *f;
	return 0;
}

int vn_forward_del(struct vn_net *n, const struct vn_forward *f, struct nl_err *e)
{
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *o = &n->forward[i];

		if (o->proto == f->proto && o->port == f->port &&
		    (f->address.family == 0 || nl_prefix_equal(&o->address, &f->address))) {
			memmove(&n->forward[i], &n->forward[i + 1],
				(n->nforwards - i - 1) * sizeof(n->forward[0]));
			n->nforwards--;
			return 0;
		}
	}
	nl_err_set(e, -ENOENT, "", "%s port %u", vn_proto_name(f->proto), f->port);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "is not forwarded on network %s", n->name);
}
