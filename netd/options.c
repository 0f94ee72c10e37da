/* options — the table of a network's options, and the walks over it; see
 * options.h. */
#include "netd/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "netd/parse.h"

#define ADDRESSED (VN_M(VN_ISOLATED) | VN_M(VN_ROUTED) | VN_M(VN_NAT))
#define AT(field) offsetof(struct vn_net, field)

/* why a bridged network refuses what gives or serves addresses */
static const char lan[] = ": the LAN behind the uplink gives addresses";

/* In the order of the usage; the file's [network] and `vnet show` follow
 * it too (the subnet's options are not theirs). A row per option, kept
 * one block each: */
/* clang-format off */
const struct vn_opt vn_options[] = {
	{.name = "bridge", .arg = "BR", .kind = VN_OPT_NAME, .at = AT(bridge), .models = VN_M_ALL,
	 .def = "NAME", .compared = true, .always = true, .noun = "bridge", .show = "  bridge   ",
	 .help = "Name of the bridge (default: the network's name)."},
	{.name = "gateway", .arg = "IP", .kind = VN_OPT_SUBNET, .models = ADDRESSED, .not_why = lan,
	 .help = "The host's address on the bridge in the IPv4 subnet (default: its first "
		 "host)."},
	{.name = "gateway6", .arg = "IP6", .kind = VN_OPT_SUBNET, .models = ADDRESSED,
	 .not_why = lan,
	 .help = "The host's address on the bridge in the IPv6 subnet (default: its first host, "
		 "::1)."},
	{.name = "mtu", .arg = "N", .kind = VN_OPT_MTU, .at = AT(mtu), .models = VN_M_ALL,
	 .def = "1500", .def_bridged = "uplink", .compared = true, .always = true, .noun = "MTU",
	 .show = "  mtu ",
	 .help = "The bridge's MTU, 68..65535 (default 1500; bridged: uplink, the uplink's), "
		 "pinned: a joining port never lowers it; ports attached by vnet get it."},
	{.name = "dhcp", .arg = "START-END", .kind = VN_OPT_SUBNET, .models = ADDRESSED,
	 .not_why = lan, .excludes = "no-dhcp",
	 .help = "The DHCP range (default: the hosts after the gateway, at most 253)."},
	{.name = "dhcp6", .arg = "START-END", .kind = VN_OPT_SUBNET, .models = ADDRESSED,
	 .not_why = lan, .excludes = "no-dhcp",
	 .help = "A stateful DHCPv6 range (default: SLAAC on a /64, router advertisements "
		 "with the A flag, stateless DHCPv6 for DNS)."},
	{.name = "no-dhcp", .kind = VN_OPT_SUBNET, .models = ADDRESSED, .not_why = lan,
	 .help = "No DHCP, DHCPv6 or router advertisements (no dnsmasq) on this network."},
	{.name = "uplink", .arg = "IFACE", .kind = VN_OPT_NAME, .at = AT(uplink),
	 .models = VN_M(VN_BRIDGED), .needs = VN_M(VN_BRIDGED), .compared = true, .noun = "uplink",
	 .show = "\n  uplink   ", .help = "The NIC a bridged network enslaves."},
	{.name = "domain", .arg = "DOMAIN", .kind = VN_OPT_DOMAIN, .at = AT(domain),
	 .models = ADDRESSED, .def = "NAME.internal", .compared = true, .noun = "domain",
	 .help = "The guests' DNS domain (default NAME.internal; .internal is reserved for "
		 "private use)."},
	{.name = "isolate-ports", .kind = VN_OPT_FLAG, .at = AT(isolate_ports), .models = ADDRESSED,
	 .not_why = lan, .compared = true, .always = true, .noun = "", .yes = "isolated ports",
	 .no = "open ports", .show = "  isolated ports",
	 .help = "Guests of the network cannot reach each other (bridge port isolation), but "
		 "reach the gateway and, per the model, the outside."},
	{.name = "vni", .arg = "N", .kind = VN_OPT_VNI, .at = AT(vni), .models = ADDRESSED,
	 .not_why = lan, .compared = true, .noun = "VNI", .show = "  vni ",
	 .help = "Span hosts: the network's VXLAN id, 1..16777215, the same on every host "
		 "that carries it (vnet fabric set first); MTU: the underlay's less 50 (IPv4) "
		 "or 70 (IPv6) unless --mtu says less."},
	{.name = "zero-dhcp-checksum", .kind = VN_OPT_FLAG, .at = AT(zero_dhcp_checksum),
	 .models = ADDRESSED, .not_why = lan, .compared = true, .noun = "DHCP checksums",
	 .yes = "zeroed", .no = "kept", .show = "  zeroed DHCP checksums",
	 .help = "Zero the UDP checksum of DHCP replies, for old DHCP clients behind virtio "
		 "checksum offload; off by default: it breaks guests whose NIC offloads none."},
	{.name = "anti-spoof", .kind = VN_OPT_FLAG, .at = AT(anti_spoof), .models = ADDRESSED,
	 .not_why = lan, .compared = true, .noun = "anti-spoofing", .yes = "on", .no = "off",
	 .show = "  anti-spoof",
	 .help = "A guest port sends only from its own MAC and the addresses vnet gave it "
		 "(port add --mac/--ip, the launcher's MACs, DHCP leases); the rest is dropped "
		 "and counted per port (vnet show)."},
};
/* clang-format on */

const unsigned vn_noptions = sizeof(vn_options) / sizeof(vn_options[0]);

_Static_assert(sizeof(vn_options) / sizeof(vn_options[0]) <= VN_OPT_MAX,
	       "struct vn_net_args holds VN_OPT_MAX options");

/* How each kind of value is parsed from text, written back, told unset,
 * and checked against its rule. */
struct kind {
	int (*parse)(const struct vn_opt *o, const char *text, void *v, struct nl_err *e);
	const char *(*text)(const void *v, char *buf, size_t len);
	bool (*set)(const void *v);
	int (*check)(const struct vn_opt *o, const struct vn_net *n, const void *v,
		     struct nl_err *e);
};

static int flag_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	char obj[96], q[48];
	bool *b = v;

	if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "1"))
		*b = true;
	else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "0"))
		*b = false;
	else {
		snprintf(obj, sizeof(obj), "%s \"%s\"", o->name, nl_escape(text, q, sizeof(q)));
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be yes or no");
	}
	return 0;
}

static const char *flag_text(const void *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", *(const bool *)v ? "yes" : "no");
	return buf;
}

static bool flag_set(const void *v)
{
	return *(const bool *)v;
}

/* A name or domain too long for its field fails its own check, which says
 * so in the words of every other refusal of that value. */
static int copy_text(const char *text, char *dst, size_t size)
{
	if (strlen(text) >= size)
		return -EINVAL;
	strcpy(dst, text);
	return 0;
}

static int name_check(const struct vn_opt *o, const struct vn_net *n, const void *v,
		      struct nl_err *e)
{
	(void)n;
	return nl_ifname_safe_check(v, o->noun, e);
}

/* too long for the field: the name's rule (1..15 bytes) refuses it */
static int name_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	return copy_text(text, v, NL_IFNAMSIZ) ? nl_ifname_safe_check(text, o->noun, e) : 0;
}

static int domain_check(const struct vn_opt *o, const struct vn_net *n, const void *v,
			struct nl_err *e)
{
	(void)o;
	(void)n;
	return vn_domain_check(v, e);
}

/* too long for the field: the domain's rule (1..63 bytes) refuses it */
static int domain_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	(void)o;
	return copy_text(text, v, VN_DOMAIN_MAX) ? vn_domain_check(text, e) : 0;
}

static const char *text_text(const void *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)v);
	return buf;
}

static bool text_set(const void *v)
{
	return *(const char *)v != '\0';
}

static int mtu_range(const char *text, unsigned long mtu, struct nl_err *e)
{
	char obj[64], q[40];

	snprintf(obj, sizeof(obj), "MTU %s", nl_escape(text, q, sizeof(q)));
	if (mtu < VN_MTU_MIN || mtu > VN_MTU_MAX)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be %u..%u", VN_MTU_MIN,
			       VN_MTU_MAX);
	return 0;
}

static int mtu_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	char obj[64], q[40], *end;
	unsigned long mtu;

	(void)o;
	if (!strcmp(text, "uplink")) {
		*(unsigned *)v = 0;
		return 0;
	}
	errno = 0;
	mtu = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || *end || errno) {
		snprintf(obj, sizeof(obj), "MTU %s", nl_escape(text, q, sizeof(q)));
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be a number, %u..%u",
			       VN_MTU_MIN, VN_MTU_MAX);
	}
	if (mtu_range(text, mtu, e))
		return -EINVAL;
	*(unsigned *)v = (unsigned)mtu;
	return 0;
}

static const char *mtu_text(const void *v, char *buf, size_t len)
{
	unsigned mtu = *(const unsigned *)v;

	if (mtu)
		snprintf(buf, len, "%u", mtu);
	else
		snprintf(buf, len, "uplink");
	return buf;
}

static bool mtu_set(const void *v)
{
	return *(const unsigned *)v != 0;
}

/* 0 is the uplink's MTU, which only a bridged network has. */
static int mtu_check(const struct vn_opt *o, const struct vn_net *n, const void *v,
		     struct nl_err *e)
{
	unsigned mtu = *(const unsigned *)v;
	char text[16];

	(void)o;
	if (!mtu && n->model != VN_BRIDGED)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "MTU uplink",
			       "applies only to a bridged network");
	snprintf(text, sizeof(text), "%u", mtu);
	return mtu ? mtu_range(text, mtu, e) : 0;
}

static int vni_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	char obj[64], q[40], *end;
	unsigned long vni;

	(void)o;
	errno = 0;
	vni = strtoul(text, &end, 10);
	if (*text < '1' || *text > '9' || *end || errno || vni > 16777215) {
		snprintf(obj, sizeof(obj), "VNI %s", nl_escape(text, q, sizeof(q)));
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be a number, 1..16777215");
	}
	*(unsigned *)v = (unsigned)vni;
	return 0;
}

static const char *vni_text(const void *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u", *(const unsigned *)v);
	return buf;
}

static int vni_check(const struct vn_opt *o, const struct vn_net *n, const void *v,
		     struct nl_err *e)
{
	char text[16];

	(void)n;
	snprintf(text, sizeof(text), "%u", *(const unsigned *)v);
	return *(const unsigned *)v ? vni_parse(o, text, (unsigned[1]){0}, e) : 0;
}

/* The subnet's options stay text until vn_subnet_complete reads them. */
static int subnet_parse(const struct vn_opt *o, const char *text, void *v, struct nl_err *e)
{
	(void)o;
	(void)text;
	(void)v;
	(void)e;
	return 0;
}

static const char *subnet_text(const void *v, char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len, "%s", "");
	return buf;
}

static bool subnet_set(const void *v)
{
	(void)v;
	return false;
}

static const struct kind kinds[] = {
	[VN_OPT_FLAG] = {flag_parse, flag_text, flag_set, NULL},
	[VN_OPT_NAME] = {name_parse, text_text, text_set, name_check},
	[VN_OPT_DOMAIN] = {domain_parse, text_text, text_set, domain_check},
	[VN_OPT_MTU] = {mtu_parse, mtu_text, mtu_set, mtu_check},
	[VN_OPT_VNI] = {vni_parse, vni_text, mtu_set, vni_check},
	[VN_OPT_SUBNET] = {subnet_parse, subnet_text, subnet_set, NULL},
};

static void *field(const struct vn_opt *o, struct vn_net *n)
{
	return (char *)n + o->at;
}

static const void *cfield(const struct vn_opt *o, const struct vn_net *n)
{
	return (const char *)n + o->at;
}

/* Options of the subnet are not in struct vn_net's top. */
static bool in_net(const struct vn_opt *o)
{
	return o->kind != VN_OPT_SUBNET;
}

const struct vn_opt *vn_opt_find(const char *name)
{
	for (unsigned i = 0; i < vn_noptions; i++)
		if (!strcmp(vn_options[i].name, name))
			return &vn_options[i];
	return NULL;
}

bool vn_opt_set(const struct vn_opt *o, const struct vn_net *n)
{
	return in_net(o) && kinds[o->kind].set(cfield(o, n));
}

const char *vn_opt_text(const struct vn_opt *o, const struct vn_net *n, char *buf, size_t len)
{
	if (!in_net(o))
		return kinds[o->kind].text(NULL, buf, len);
	return kinds[o->kind].text(cfield(o, n), buf, len);
}

int vn_net_args_set(struct vn_net_args *a, const char *name, const char *value)
{
	const struct vn_opt *o = vn_opt_find(name);

	if (!o)
		return -ENOENT;
	a->opt[o - vn_options] = value;
	return 0;
}

/* "--uplink: applies only to a bridged network", "--gateway: does not
 * apply to a bridged network: the LAN behind the uplink gives addresses" */
static int refuse(const struct vn_opt *o, enum vn_model m, struct nl_err *e)
{
	char obj[48];

	snprintf(obj, sizeof(obj), "--%s", o->name);
	for (unsigned k = 0; k < VN_NMODELS; k++)
		if (o->models == VN_M(k))
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
				       "applies only to a%s %s network",
				       k == VN_ISOLATED ? "n" : "", vn_model_name(k));
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "does not apply to a%s %s network%s",
		       m == VN_ISOLATED ? "n" : "", vn_model_name(m), o->not_why ? o->not_why : "");
}

/* Which options a given, as bits; refused when the model takes one not,
 * misses one it needs, or one excludes another given. */
static int given_fit(const struct vn_net_args *a, enum vn_model m, unsigned *given,
		     struct nl_err *e)
{
	char obj[48];

	*given = 0;
	for (unsigned i = 0; i < vn_noptions; i++)
		if (a->opt[i] && !(vn_options[i].models & VN_M(m)))
			return refuse(&vn_options[i], m, e);
		else if (a->opt[i])
			*given |= 1u << i;
	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i], *x;

		snprintf(obj, sizeof(obj), "%s network", vn_model_name(m));
		if ((o->needs & VN_M(m)) && !a->opt[i])
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "needs --%s %s", o->name,
				       o->arg ? o->arg : "");
		snprintf(obj, sizeof(obj), "--%s", o->name);
		if (a->opt[i] && o->excludes && (x = vn_opt_find(o->excludes)) &&
		    a->opt[x - vn_options])
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
				       "and --%s exclude each other", x->name);
	}
	return 0;
}

int vn_opts_from_args(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e)
{
	unsigned given;
	int err;

	if ((err = given_fit(a, n->model, &given, e)))
		return err;
	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i];

		if ((given & 1u << i) && in_net(o) &&
		    (err = kinds[o->kind].parse(o, a->opt[i], field(o, n), e)))
			return err;
	}
	return vn_opts_default(n, given, e);
}

int vn_opt_read(struct vn_net *n, const char *key, const char *value, unsigned *given,
		struct nl_err *e)
{
	const struct vn_opt *o = vn_opt_find(key);

	if (!o || !in_net(o))
		return -ENOENT;
	if (!*value && (o->kind == VN_OPT_NAME || o->kind == VN_OPT_DOMAIN))
		return 0;
	*given |= 1u << (o - vn_options);
	return kinds[o->kind].parse(o, value, field(o, n), e);
}

/* o's default for n as text: "NAME" is the network's name. */
static const char *default_text(const struct vn_opt *o, const struct vn_net *n, char *buf,
				size_t len)
{
	const char *def = n->model == VN_BRIDGED && o->def_bridged ? o->def_bridged : o->def;

	if (def && !strncmp(def, "NAME", 4))
		snprintf(buf, len, "%s%s", n->name, def + 4);
	else
		snprintf(buf, len, "%s", def ? def : "");
	return buf;
}

int vn_opts_default(struct vn_net *n, unsigned given, struct nl_err *e)
{
	char def[VN_DOMAIN_MAX + NL_IFNAMSIZ];
	int err;

	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i];

		if ((given & 1u << i) || !in_net(o) || !(o->models & VN_M(n->model)) ||
		    !*default_text(o, n, def, sizeof(def)))
			continue;
		if ((err = kinds[o->kind].parse(o, def, field(o, n), e)))
			return err;
	}
	return 0;
}

int vn_opts_check(const struct vn_net *n, struct nl_err *e)
{
	int err;

	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i];

		if (!in_net(o) || !kinds[o->kind].check ||
		    (!(o->models & VN_M(n->model)) && !vn_opt_set(o, n)))
			continue;
		if ((err = kinds[o->kind].check(o, n, cfield(o, n), e)))
			return err;
	}
	return 0;
}

void vn_opts_write(FILE *f, const struct vn_net *n)
{
	char v[VN_DOMAIN_MAX];

	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i];

		if (in_net(o) && (o->always || vn_opt_set(o, n)))
			fprintf(f, "%s = %s\n", o->name, vn_opt_text(o, n, v, sizeof(v)));
	}
}

bool vn_opts_same(const struct vn_net *h, const struct vn_net *w, char *buf, size_t len)
{
	char a[VN_DOMAIN_MAX], b[VN_DOMAIN_MAX];

	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *o = &vn_options[i];

		if (!in_net(o) || !o->compared ||
		    !strcmp(vn_opt_text(o, h, a, sizeof(a)), vn_opt_text(o, w, b, sizeof(b))))
			continue;
		if (o->kind == VN_OPT_FLAG)
			snprintf(buf, len, "%s%s%s, not %s", o->noun, o->noun[0] ? " " : "",
				 vn_opt_set(o, h) ? o->yes : o->no,
				 vn_opt_set(o, w) ? o->yes : o->no);
		else
			snprintf(buf, len, "%s %s, not %s", o->noun, a, b);
		return false;
	}
	return true;
}
