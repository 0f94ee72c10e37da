/* net — definitions: models, names, subnets, and a definition made from
 * the user's arguments or read back, checked and compared; see net.h. The
 * options are options.c's table, walked from here. */
#include "netd/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netd/options.h"
#include "netd/parse.h"

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

int vn_model_parse(const char *s, enum vn_model *m, struct nl_err *e)
{
	char obj[96];

	for (unsigned i = 0; i < VN_NMODELS; i++)
		if (s && !strcmp(s, model_names[i])) {
			*m = (enum vn_model)i;
			return 0;
		}
	snprintf(obj, sizeof(obj), "model \"%s\"", s ? s : "");
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be isolated, routed, nat or bridged");
}

int vn_name_check(const char *name, struct nl_err *e)
{
	return nl_ifname_safe_check(name, "network", e);
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
	nl_addr_obj("gateway", &s->gateway, obj, sizeof(obj));
	s->gateway.len = s->prefix.len;
	vn_host_bounds(&s->prefix, &first, &last);
	idx = nl_prefix_index(&s->prefix, &s->gateway);
	if (!nl_prefix_contains(&s->prefix, &s->gateway))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "outside the subnet %s",
			       nl_prefix_str(&s->prefix, true, pb, sizeof(pb)));
	if (idx < first || idx > last)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", vn_not_host(&s->prefix));
	return 0;
}

/* The default range: the hosts after the gateway (or, when the gateway is
 * the last host, the hosts before it), at most VN_DHCP_DEFAULT_SIZE. */
static void default_range(struct vn_subnet *s)
{
	uint64_t first, last, gw = nl_prefix_index(&s->prefix, &s->gateway), lo, hi;

	vn_host_bounds(&s->prefix, &first, &last);
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

/* Where the range START-END falls in the subnet: inside, in order, on
 * host addresses, not on the gateway. */
static int range_check(const struct vn_subnet *s, const char *obj, struct nl_err *e)
{
	uint64_t first, last, i0, i1, gw;

	if (!nl_prefix_contains(&s->prefix, &s->dhcp_start) ||
	    !nl_prefix_contains(&s->prefix, &s->dhcp_end))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must lie inside the subnet");
	vn_host_bounds(&s->prefix, &first, &last);
	i0 = nl_prefix_index(&s->prefix, &s->dhcp_start);
	i1 = nl_prefix_index(&s->prefix, &s->dhcp_end);
	gw = nl_prefix_index(&s->prefix, &s->gateway);
	if (i0 > i1)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "starts after it ends");
	if (i0 < first || i1 > last)
		return nl_fail(
			e, -EINVAL, NL_ERR_INVALID, obj, "%s",
			s->prefix.family == AF_INET6
				? "must not hold the subnet's first address (its Subnet-Router "
				  "anycast address)"
				: "must not hold the network or broadcast address");
	if (gw >= i0 && gw <= i1)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must not hold the gateway");
	return 0;
}

static int parse_range(struct vn_subnet *s, const char *arg, struct nl_err *e)
{
	char a[NL_PREFIX_STRLEN * 2 + 2], obj[128];
	const char *dash = strchr(arg, '-');

	snprintf(obj, sizeof(obj), "DHCP%s range %s", s->prefix.family == AF_INET6 ? "v6" : "",
		 arg);
	if (!dash || strlen(arg) >= sizeof(a))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be START-END, as in %s",
			       s->prefix.family == AF_INET6 ? "fd00:1::100-fd00:1::1ff"
							    : "10.0.0.100-10.0.0.200");
	memcpy(a, arg, (size_t)(dash - arg));
	a[dash - arg] = '\0';
	if (nl_prefix_parse(a, NL_PREFIX_NO_LEN, "DHCP range start", &s->dhcp_start, e) ||
	    nl_prefix_parse(dash + 1, NL_PREFIX_NO_LEN, "DHCP range end", &s->dhcp_end, e))
		return e ? e->code : -EINVAL;
	return range_check(s, obj, e);
}

/* IPv6: SLAAC (the default on a /64, "slaac" in a file), or a range for
 * stateful DHCPv6. */
static int dhcp6(struct vn_subnet *s, const char *arg, const char *obj, struct nl_err *e)
{
	if (!arg || !strcmp(arg, "slaac")) {
		if (s->prefix.len != 64)
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
				       "SLAAC needs a /64: give a DHCPv6 range (--dhcp6 START-END) "
				       "or --no-dhcp");
		s->slaac = true;
		return 0;
	}
	return parse_range(s, arg, e);
}

int vn_subnet_complete(struct vn_subnet *s, const char *gateway, const char *dhcp_arg, bool no_dhcp,
		       struct nl_err *e)
{
	char pb[NL_PREFIX_STRLEN], obj[96];
	unsigned maxlen = s->prefix.family == AF_INET ? 30 : 126;

	nl_prefix_str(&s->prefix, true, pb, sizeof(pb));
	snprintf(obj, sizeof(obj), "subnet %s", pb);
	if (vn_special_check(&s->prefix, false, obj, "guests cannot have such addresses", e))
		return -EINVAL;
	if (s->prefix.len > maxlen)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "too small: a network needs a /%u or larger", maxlen);
	if (parse_gateway(s, gateway, e))
		return e ? e->code : -EINVAL;
	s->dhcp = !no_dhcp;
	s->slaac = false;
	if (no_dhcp)
		return 0;
	if (s->prefix.family == AF_INET6)
		return dhcp6(s, dhcp_arg, obj, e);
	if (dhcp_arg)
		return parse_range(s, dhcp_arg, e);
	default_range(s);
	return 0;
}

/* The value of option name as given, or NULL. */
static const char *arg(const struct vn_net_args *a, const char *name)
{
	const struct vn_opt *o = vn_opt_find(name);

	return o ? a->opt[o - vn_options] : NULL;
}

static int parse_prefix(const char *text, struct vn_subnet *s, struct nl_err *e)
{
	if (nl_prefix_parse(text, NL_PREFIX_NEED_LEN, "subnet", &s->prefix, e))
		return e ? e->code : -EINVAL;
	if (nl_prefix_has_host_bits(&s->prefix)) {
		struct nl_prefix net = nl_prefix_network(&s->prefix);
		char pn[NL_PREFIX_STRLEN], pa[NL_PREFIX_STRLEN];

		return nl_fail(e, -EINVAL, NL_ERR_INVALID, text,
			       "has host bits set: did you mean %s --gateway%s %s?",
			       nl_prefix_str(&net, true, pn, sizeof(pn)),
			       s->prefix.family == AF_INET6 ? "6" : "",
			       nl_prefix_str(&s->prefix, false, pa, sizeof(pa)));
	}
	return 0;
}

/* A subnet's own options: --gateway and --dhcp for the IPv4 one,
 * --gateway6 and --dhcp6 for the IPv6 one; one given without its subnet is
 * refused. */
static int subnet_opts(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	static const char *const names[2][2] = {{"gateway", "dhcp"}, {"gateway6", "dhcp6"}};
	bool no_dhcp = arg(a, "no-dhcp") != NULL;
	int err;

	for (unsigned f = 0; f < 2; f++) {
		struct vn_subnet *s = NULL;
		char obj[32];

		for (unsigned i = 0; i < n->nsubnets; i++)
			if (n->subnet[i].prefix.family == (f ? AF_INET6 : AF_INET))
				s = &n->subnet[i];
		for (unsigned k = 0; !s && k < 2; k++) {
			snprintf(obj, sizeof(obj), "--%s", names[f][k]);
			if (arg(a, names[f][k]))
				return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
					       "the network has no IPv%c subnet", f ? '6' : '4');
		}
		if (s && (err = vn_subnet_complete(s, arg(a, names[f][0]), arg(a, names[f][1]),
						   no_dhcp, e)))
			return err;
	}
	return 0;
}

static int parse_subnets(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	char obj[64];
	int err;

	if (!a->subnet || !a->subnet[0]) {
		snprintf(obj, sizeof(obj), "%s network %s", vn_model_name(n->model), n->name);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "needs a SUBNET, as in 10.0.0.0/24");
	}
	if ((err = parse_prefix(a->subnet, &n->subnet[0], e)) ||
	    (a->subnet2 && (err = parse_prefix(a->subnet2, &n->subnet[1], e))))
		return err;
	n->nsubnets = a->subnet2 ? 2 : 1;
	if (n->nsubnets == 2 && n->subnet[0].prefix.family == n->subnet[1].prefix.family) {
		snprintf(obj, sizeof(obj), "subnet %s", a->subnet2);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "a network takes one IPv4 and one IPv6 subnet, not two IPv%c",
			       n->subnet[0].prefix.family == AF_INET ? '4' : '6');
	}
	/* IPv4 first, whichever came first */
	if (n->nsubnets == 2 && n->subnet[0].prefix.family == AF_INET6) {
		struct vn_subnet t = n->subnet[0];

		n->subnet[0] = n->subnet[1];
		n->subnet[1] = t;
	}
	return subnet_opts(a, n, e);
}

int vn_net_from_args(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	int err;

	memset(n, 0, sizeof(*n));
	if ((err = vn_model_parse(a->model, &n->model, e)) || (err = vn_name_check(a->name, e)))
		return err;
	snprintf(n->name, sizeof(n->name), "%s", a->name);
	if (n->model == VN_BRIDGED && (a->subnet || a->subnet2))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "SUBNET",
			       "does not apply to a bridged network: the LAN behind the uplink "
			       "gives addresses");
	if ((err = vn_opts_from_args(a, n, e)) || (err = vn_opts_check(n, e)))
		return err;
	n->mtu_auto = n->vni && !a->opt[vn_opt_find("mtu") - vn_options];
	return n->model == VN_BRIDGED ? 0 : parse_subnets(a, n, e);
}

static int subnets_check(const struct vn_net *n, struct nl_err *e)
{
	if (n->model == VN_BRIDGED)
		return n->nsubnets ? nl_fail(e, -EINVAL, NL_ERR_INVALID, "subnet",
					     "a bridged network has none")
				   : 0;
	if (n->nsubnets == 0)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "subnet", "missing");
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		if (nl_prefix_has_host_bits(&s->prefix) ||
		    !nl_prefix_contains(&s->prefix, &s->gateway) ||
		    (s->dhcp && !s->slaac &&
		     (!nl_prefix_contains(&s->prefix, &s->dhcp_start) ||
		      !nl_prefix_contains(&s->prefix, &s->dhcp_end))))
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, "subnet",
				       "gateway or DHCP range outside the subnet");
		if (s->slaac && (s->prefix.family != AF_INET6 || s->prefix.len != 64))
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, "subnet",
				       "SLAAC needs an IPv6 /64");
		for (unsigned j = 0; j < i; j++)
			if (n->subnet[j].prefix.family == s->prefix.family)
				return nl_fail(e, -EINVAL, NL_ERR_INVALID, "subnet",
					       "one IPv4 and one IPv6 subnet at most");
	}
	return 0;
}

int vn_net_check(const struct vn_net *n, struct nl_err *e)
{
	int err;

	if ((unsigned)n->model >= VN_NMODELS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "model", "unknown");
	/* names as create checks them: a hand-written bridge = x1,up0 would
	 * reach dnsmasq's interface= line */
	if ((err = vn_name_check(n->name, e)) || (err = vn_opts_check(n, e)))
		return err;
	return subnets_check(n, e);
}

static const char *pstr(const struct nl_prefix *p, bool len, char *buf)
{
	return nl_prefix_str(p, len, buf, NL_PREFIX_STRLEN);
}

static bool subnet_same(const struct vn_subnet *h, const struct vn_subnet *w, char *buf, size_t n)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN], c[NL_PREFIX_STRLEN], d[NL_PREFIX_STRLEN];

	if (!nl_prefix_equal(&h->prefix, &w->prefix))
		snprintf(buf, n, "subnet %s, not %s", pstr(&h->prefix, 1, a),
			 pstr(&w->prefix, 1, b));
	else if (!nl_prefix_equal(&h->gateway, &w->gateway))
		snprintf(buf, n, "gateway %s, not %s", pstr(&h->gateway, 0, a),
			 pstr(&w->gateway, 0, b));
	else if (h->dhcp != w->dhcp)
		snprintf(buf, n, "DHCP %s, not %s", h->dhcp ? "on" : "off", w->dhcp ? "on" : "off");
	else if (h->dhcp && h->slaac != w->slaac)
		snprintf(buf, n, "DHCP %s, not %s", h->slaac ? "slaac" : "range",
			 w->slaac ? "slaac" : "range");
	else if (h->dhcp && !h->slaac &&
		 (!nl_prefix_equal(&h->dhcp_start, &w->dhcp_start) ||
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
	if (h->model != w->model) {
		snprintf(buf, n, "model %s, not %s", vn_model_name(h->model),
			 vn_model_name(w->model));
		return false;
	}
	if (!vn_opts_same(h, w, buf, n))
		return false;
	if (h->nsubnets != w->nsubnets) {
		snprintf(buf, n, "%u subnets, not %u", h->nsubnets, w->nsubnets);
		return false;
	}
	for (unsigned i = 0; i < h->nsubnets; i++)
		if (!subnet_same(&h->subnet[i], &w->subnet[i], buf, n))
			return false;
	return true;
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

bool vn_net_has_dhcp(const struct vn_net *n)
{
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].dhcp)
			return true;
	return false;
}
