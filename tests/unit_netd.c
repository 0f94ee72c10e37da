/* Unit tests of the engine's pure parts: definitions from arguments (values
 * checked, defaults filled), comparison, the file format and the folder,
 * static hosts and forwards (the hooks' map: unit_map.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"
#include "netd/net.h"
#include "netd/options.h"
#include "netd/store.h"

static struct vn_net_args nat(const char *name, const char *subnet)
{
	return (struct vn_net_args){.model = "nat", .name = name, .subnet = subnet};
}

static const char *P(const struct nl_prefix *p, bool len)
{
	static char buf[4][NL_PREFIX_STRLEN];
	static int k;

	k = (k + 1) % 4;
	return nl_prefix_str(p, len, buf[k], sizeof(buf[k]));
}

START_TEST(nat_defaults_gateway_first_host_and_range_after_it)
{
	struct vn_net_args a = nat("isbr", "10.0.0.0/8");
	struct vn_net n;
	unsigned char mac[6];

	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_str_eq(n.bridge, "isbr");
	ck_assert_uint_eq(n.mtu, 1500);
	ck_assert_uint_eq(n.nsubnets, 1);
	ck_assert_str_eq(P(&n.subnet[0].gateway, true), "10.0.0.1/8");
	ck_assert(n.subnet[0].dhcp);
	ck_assert_str_eq(P(&n.subnet[0].dhcp_start, false), "10.0.0.2");
	ck_assert_str_eq(P(&n.subnet[0].dhcp_end, false), "10.0.0.254");
	vn_net_bridge_mac(&n, mac);
	ck_assert_uint_eq(mac[0] & 0x03, 0x02); /* local, unicast */

	/* a /64's last address is a host's (IPv6 has no broadcast) */
	a = nat("v6", "fd00:c::/64");
	vn_net_args_set(&a, "gateway6", "fd00:c::ffff:ffff:ffff:ffff");
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_str_eq(P(&n.subnet[0].gateway, false), "fd00:c::ffff:ffff:ffff:ffff");

	a = nat("small", "192.168.5.0/29");
	vn_net_args_set(&a, "gateway", "192.168.5.6");
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_str_eq(P(&n.subnet[0].dhcp_start, false), "192.168.5.1");
	ck_assert_str_eq(P(&n.subnet[0].dhcp_end, false), "192.168.5.5");
}
END_TEST

/* The arguments of a create: model, name, subnet, and one option. */
struct args {
	const char *model, *name, *subnet, *opt, *value;
};

static struct vn_net_args args(const struct args *x)
{
	struct vn_net_args a = {.model = x->model, .name = x->name, .subnet = x->subnet};

	if (x->opt)
		ck_assert_int_eq(vn_net_args_set(&a, x->opt, x->value), 0);
	return a;
}

static const struct {
	struct args a;
	const char *msg; /* the whole error line */
} bad[] = {
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/33"},
	 "subnet 10.0.0.0/33: prefix length must be 0..32"},
	{{.model = "nat", .name = "n", .subnet = "300.1.2.0/24"},
	 "subnet 300.1.2.0/24: not an IPv4 or IPv6 address"},
	{{.model = "nat", .name = "n", .subnet = ""},
	 "nat network n: needs a SUBNET, as in 10.0.0.0/24"},
	{{.model = "nat", .name = "n"}, "nat network n: needs a SUBNET, as in 10.0.0.0/24"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.1/8"},
	 "10.0.0.1/8: has host bits set: did you mean 10.0.0.0/8 --gateway 10.0.0.1?"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "gateway",
	  .value = "10.0.1.1"},
	 "gateway 10.0.1.1: outside the subnet 10.0.0.0/24"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "gateway",
	  .value = "10.0.0.255"},
	 "gateway 10.0.0.255: is the subnet's network or broadcast address"},
	/* IPv6 has no broadcast address; an address is printed as inet_ntop
	 * does, in brackets ("gateway fd00:c:::" read as another address) */
	{{.model = "nat",
	  .name = "n",
	  .subnet = "fd00:c::/64",
	  .opt = "gateway6",
	  .value = "fd00:c:0:0::"},
	 "gateway [fd00:c::]: is the subnet's first address (its Subnet-Router anycast address)"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "fd00:c::/64",
	  .opt = "dhcp6",
	  .value = "fd00:c::-fd00:c::9"},
	 "DHCPv6 range fd00:c::-fd00:c::9: must not hold the subnet's first address (its "
	 "Subnet-Router anycast address)"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "dhcp",
	  .value = "10.0.0.9-10.0.0.3"},
	 "DHCP range 10.0.0.9-10.0.0.3: starts after it ends"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "dhcp",
	  .value = "10.0.0.1-10.0.0.3"},
	 "DHCP range 10.0.0.1-10.0.0.3: must not hold the gateway"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "dhcp", .value = "10.0.0.9"},
	 "DHCP range 10.0.0.9: must be START-END, as in 10.0.0.100-10.0.0.200"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/31"},
	 "subnet 10.0.0.0/31: too small: a network needs a /30 or larger"},
	{{.model = "mesh", .name = "n", .subnet = "10.0.0.0/24"},
	 "model \"mesh\": must be isolated, routed, nat or bridged"},
	{{.model = "nat", .name = "much-too-long-name", .subnet = "10.0.0.0/24"},
	 "network name \"much-too-long-name\": must be 1..15 characters"},
	{{.model = "nat", .name = "a/b", .subnet = "10.0.0.0/24"},
	 "network name \"a/b\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "x:y"},
	 "bridge name \"x:y\": may hold only letters, digits, '_', '.' and '-'"},
	/* names that would reach dnsmasq's config (interface=NAME) or a file:
	 * the kernel takes them, vnet does not */
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "x1,up0"},
	 "bridge name \"x1,up0\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "*"},
	 "bridge name \"*\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "br?"},
	 "bridge name \"br?\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "a\"b"},
	 "bridge name \"a\\x22b\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "#br"},
	 "bridge name \"#br\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "a=b"},
	 "bridge name \"a=b\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "bridge",
	  .value = "br\033[2J"},
	 "bridge name \"br\\x1b[2J\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = "-br"},
	 "bridge name \"-br\": must not start with '.' or '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "bridge", .value = ".br"},
	 "bridge name \".br\": must not start with '.' or '-'"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "bridge",
	  .value = "much-too-long-br"},
	 "bridge name \"much-too-long-br\": must be 1..15 characters"},
	{{.model = "bridged", .name = "n", .opt = "uplink", .value = "eth0,x"},
	 "uplink name \"eth0,x\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "-n", .subnet = "10.0.0.0/24"},
	 "network name \"-n\": must not start with '.' or '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "domain", .value = "a,b"},
	 "domain \"a,b\": may hold only letters, digits, '-' and '.'"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "domain",
	  .value = "localhost"},
	 "domain \"localhost\": is the loopback domain (RFC 6761): its names are the host's own"},
	{{.model = "nat",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "domain",
	  .value = "vm.LocalHost"},
	 "domain \"vm.LocalHost\": is the loopback domain (RFC 6761): its names are the host's "
	 "own"},
	/* subnets no guest can live in */
	{{.model = "nat", .name = "n", .subnet = "224.0.0.0/24"},
	 "subnet 224.0.0.0/24: is multicast (224.0.0.0/4): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "239.1.0.0/16"},
	 "subnet 239.1.0.0/16: is multicast (224.0.0.0/4): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "240.0.0.0/4"},
	 "subnet 240.0.0.0/4: is reserved (240.0.0.0/4): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "255.255.255.0/30"},
	 "subnet 255.255.255.0/30: is reserved (240.0.0.0/4): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "169.254.0.0/16"},
	 "subnet 169.254.0.0/16: is link-local (169.254.0.0/16): guests cannot have such "
	 "addresses"},
	{{.model = "isolated", .name = "n", .subnet = "169.254.0.0/24"},
	 "subnet 169.254.0.0/24: is link-local (169.254.0.0/16): guests cannot have such "
	 "addresses"},
	{{.model = "nat", .name = "n", .subnet = "127.0.0.0/8"},
	 "subnet 127.0.0.0/8: is loopback (127.0.0.0/8): guests cannot have such addresses"},
	{{.model = "routed", .name = "n", .subnet = "127.1.0.0/24"},
	 "subnet 127.1.0.0/24: is loopback (127.0.0.0/8): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "0.0.0.0/8"},
	 "subnet 0.0.0.0/8: is \"this network\" (0.0.0.0/8): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "0.0.0.0/0"},
	 "subnet 0.0.0.0/0: overlaps \"this network\" (0.0.0.0/8): guests cannot have such "
	 "addresses"},
	{{.model = "nat", .name = "n", .subnet = "128.0.0.0/1"},
	 "subnet 128.0.0.0/1: overlaps link-local (169.254.0.0/16): guests cannot have such "
	 "addresses"},
	{{.model = "nat", .name = "n", .subnet = "ff00::/8"},
	 "subnet ff00::/8: is multicast (ff00::/8): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "ff02::/64"},
	 "subnet ff02::/64: is multicast (ff00::/8): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "fe80::/64"},
	 "subnet fe80::/64: is link-local (fe80::/10): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "::1/128"},
	 "subnet ::1/128: is loopback (::1/128): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "::/128"},
	 "subnet ::/128: is unspecified (::/128): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "::/64"},
	 "subnet ::/64: overlaps unspecified (::/128): guests cannot have such addresses"},
	{{.model = "nat", .name = "n", .subnet = "::ffff:10.0.0.0/120"},
	 "subnet ::ffff:10.0.0.0/120: is IPv4-mapped (::ffff:0.0.0.0/96): guests cannot have such "
	 "addresses"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "mtu", .value = "40"},
	 "MTU 40: must be 68..65535"},
	{{.model = "bridged", .name = "n"}, "bridged network: needs --uplink IFACE"},
	{{.model = "bridged",
	  .name = "n",
	  .subnet = "10.0.0.0/24",
	  .opt = "uplink",
	  .value = "eth0"},
	 "SUBNET: does not apply to a bridged network: the LAN behind the uplink gives addresses"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .opt = "uplink", .value = "eth0"},
	 "--uplink: applies only to a bridged network"},
};

START_TEST(bad_values_are_refused_naming_the_value)
{
	struct vn_net_args a = args(&bad[_i].a);
	struct vn_net n;
	struct nl_err e;
	char line[400];
	int r = vn_net_from_args(&a, &n, &e);

	ck_assert_int_eq(r, -EINVAL);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), bad[_i].msg);
}
END_TEST

/* Names of static hosts go into dnsmasq's files as they are: one DNS label,
 * and nothing dnsmasq reads as something else. */
static const struct {
	const char *name, *msg;
} bad_hostnames[] = {
	{"a,b", "host name \"a,b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a=b", "host name \"a=b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a#b", "host name \"a#b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a b", "host name \"a b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a.b", "host name \"a.b\": must be 1..63 letters, digits or '-', not starting or ending "
		"with '-'"},
	{"a\nb", "host name \"a\\x0ab\": must be 1..63 letters, digits or '-', not starting or "
		 "ending with '-'"},
	{"-a", "host name \"-a\": must be 1..63 letters, digits or '-', not starting or ending "
	       "with '-'"},
	{"web-", "host name \"web-\": must be 1..63 letters, digits or '-', not starting or ending "
		 "with '-'"},
	{"localhost", "host name \"localhost\": names the loopback address on every machine"},
	{"LocalHost", "host name \"LocalHost\": names the loopback address on every machine"},
	{"ignore", "host name \"ignore\": dnsmasq reads it as a keyword or lease time, not a name"},
	{"infinite",
	 "host name \"infinite\": dnsmasq reads it as a keyword or lease time, not a name"},
	{"45", "host name \"45\": dnsmasq reads it as a keyword or lease time, not a name"},
	{"10m", "host name \"10m\": dnsmasq reads it as a keyword or lease time, not a name"},
	{"2W", "host name \"2W\": dnsmasq reads it as a keyword or lease time, not a name"},
};

START_TEST(bad_host_names_are_refused_naming_them)
{
	struct vn_net_args a = nat("n", "10.0.0.0/24");
	struct vn_host h = {.mac = {0x52, 0x54, 0, 0, 0, 5}};
	struct vn_net n;
	struct nl_err e;
	char line[400];

	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(nl_prefix_parse("10.0.0.5", NL_PREFIX_NO_LEN, NULL, &h.ip, NULL), 0);
	snprintf(h.name, sizeof(h.name), "%s", bad_hostnames[_i].name);
	ck_assert_int_eq(vn_host_add(&n, &h, &e), -EINVAL);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), bad_hostnames[_i].msg);
	ck_assert_uint_eq(n.nhosts, 0);
	/* names that are labels are taken */
	snprintf(h.name, sizeof(h.name), "%s", _i % 2 ? "web-1" : "4web");
	ck_assert_int_eq(vn_host_add(&n, &h, NULL), 0);
}
END_TEST

/* A forward on an address that is no host's destination can never work:
 * vnet's output chain leaves loopback alone, and the others are not
 * addresses a host receives on. */
static const struct {
	const char *address, *msg;
} bad_forward_addresses[] = {
	{"127.0.0.1", "address 127.0.0.1: is loopback (127.0.0.0/8): no port forward works there"},
	{"127.1.2.3", "address 127.1.2.3: is loopback (127.0.0.0/8): no port forward works there"},
	{"0.0.0.0",
	 "address 0.0.0.0: is \"this network\" (0.0.0.0/8): no port forward works there"},
	{"224.0.0.1", "address 224.0.0.1: is multicast (224.0.0.0/4): no port forward works there"},
	{"255.255.255.255",
	 "address 255.255.255.255: is reserved (240.0.0.0/4): no port forward works there"},
	{"::1", "address ::1: is loopback (::1/128): no port forward works there"},
};

START_TEST(bad_forward_addresses_are_refused_naming_them)
{
	struct vn_net_args a = nat("n", "10.0.0.0/24");
	struct vn_forward f = {.proto = IPPROTO_TCP, .port = 8080, .guest_port = 80};
	struct vn_net n;
	struct nl_err e;
	char line[400];

	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(nl_prefix_parse("10.0.0.5", NL_PREFIX_NO_LEN, NULL, &f.guest, NULL), 0);
	ck_assert_int_eq(nl_prefix_parse(bad_forward_addresses[_i].address, NL_PREFIX_NO_LEN, NULL,
					 &f.address, NULL),
			 0);
	ck_assert_int_eq(vn_forward_add(&n, &f, &e), -EINVAL);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), bad_forward_addresses[_i].msg);
	ck_assert_uint_eq(n.nforwards, 0);
	/* a link-local address of the host is an address a forward can use */
	ck_assert_int_eq(nl_prefix_parse("169.254.1.1", NL_PREFIX_NO_LEN, NULL, &f.address, NULL),
			 0);
	ck_assert_int_eq(vn_forward_add(&n, &f, NULL), 0);
}
END_TEST

START_TEST(difference_names_the_first_changed_value)
{
	struct vn_net_args a = nat("isbr", "10.0.0.0/8"), b = a;
	struct vn_net x, y;
	char why[200];

	ck_assert_int_eq(vn_net_from_args(&a, &x, NULL), 0);
	ck_assert_int_eq(vn_net_from_args(&b, &y, NULL), 0);
	ck_assert(vn_net_same(&x, &y, why, sizeof(why)));
	b.subnet = "10.1.0.0/16";
	ck_assert_int_eq(vn_net_from_args(&b, &y, NULL), 0);
	ck_assert(!vn_net_same(&x, &y, why, sizeof(why)));
	ck_assert_str_eq(why, "subnet 10.0.0.0/8, not 10.1.0.0/16");
	b = a;
	b.model = "routed";
	ck_assert_int_eq(vn_net_from_args(&b, &y, NULL), 0);
	ck_assert(!vn_net_same(&x, &y, why, sizeof(why)));
	ck_assert_str_eq(why, "model nat, not routed");
	b = a;
	vn_net_args_set(&b, "no-dhcp", "yes");
	ck_assert_int_eq(vn_net_from_args(&b, &y, NULL), 0);
	ck_assert(!vn_net_same(&x, &y, why, sizeof(why)));
	ck_assert_str_eq(why, "DHCP on, not off");
}
END_TEST

START_TEST(file_format_round_trips)
{
	struct vn_net_args a = nat("isbr", "10.0.0.0/8");
	struct vn_net x, y;
	char why[200], *text = NULL;
	size_t len = 0;
	FILE *f;

	vn_net_args_set(&a, "gateway", "10.0.0.254");
	vn_net_args_set(&a, "dhcp", "10.0.1.1-10.0.1.9");
	vn_net_args_set(&a, "isolate-ports", "yes");
	vn_net_args_set(&a, "mtu", "9000");
	ck_assert_int_eq(vn_net_from_args(&a, &x, NULL), 0);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(vn_net_write(f, &x), 0);
	fclose(f);
	f = fmemopen(text, len, "r");
	ck_assert_int_eq(vn_net_read(f, "mem", &y, NULL), 0);
	fclose(f);
	ck_assert_msg(vn_net_same(&x, &y, why, sizeof(why)), "%s\n%s", why, text);
	ck_assert_ptr_nonnull(strstr(text, "dhcp = 10.0.1.1-10.0.1.9\n"));
	free(text);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;
} badfiles[] = {
	{"[network]\nname = x\nmodel = nat\ncolour = red\n",
	 "mem:4: unknown key \"colour\" in [network]"},
	{"name = x\n", "mem:1: \"name\" before [network]"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 10.0.0.0/24\ngateway = 10.9.0.1\n",
	 "mem:6: gateway 10.9.0.1: outside the subnet 10.0.0.0/24"},
	{"[network]\nname = x\nmodel = nat\n", "mem: subnet: missing"},
	{"[network]\nname = x\nmodel = nat\n[vlan]\n", "mem:4: unknown section [vlan]"},
	{"[network]\nname = x\nmodel = nat\nmtu = big\n",
	 "mem:4: MTU big: must be a number, 68..65535"},
	/* what `vnet create` refuses, written by hand */
	{"[network]\nname = x\nmodel = nat\nbridge = x1,up0\n[subnet]\nprefix = 10.0.0.0/24\n",
	 "mem: bridge name \"x1,up0\": may hold only letters, digits, '_', '.' and '-'"},
	{"[network]\nname = x\nmodel = nat\nbridge = *\n[subnet]\nprefix = 10.0.0.0/24\n",
	 "mem: bridge name \"*\": may hold only letters, digits, '_', '.' and '-'"},
	{"[network]\nname = x\nmodel = bridged\nuplink = eth0=x\n",
	 "mem: uplink name \"eth0=x\": may hold only letters, digits, '_', '.' and '-'"},
	{"[network]\nname = x\nmodel = nat\ndomain = localhost\n[subnet]\nprefix = 10.0.0.0/24\n",
	 "mem: domain \"localhost\": is the loopback domain (RFC 6761): its names are the host's "
	 "own"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 224.0.0.0/24\n",
	 "mem:5: subnet 224.0.0.0/24: is multicast (224.0.0.0/4): guests cannot have such "
	 "addresses"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 169.254.0.0/24\n[host]\n",
	 "mem:6: subnet 169.254.0.0/24: is link-local (169.254.0.0/16): guests cannot have such "
	 "addresses"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 10.0.0.0/24\n[host]\nmac = "
	 "52:54:00:00:00:05\nip = 10.0.0.5\nname = a,b\n",
	 "mem:9: host name \"a,b\": must be 1..63 letters, digits or '-', not starting or ending "
	 "with '-'"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 10.0.0.0/24\n[host]\nmac = "
	 "52:54:00:00:00:05\nip = 10.0.0.5\nname = localhost\n",
	 "mem:9: host name \"localhost\": names the loopback address on every machine"},
	{"[network]\nname = x\nmodel = nat\n[subnet]\nprefix = 10.0.0.0/24\n[forward]\nproto = "
	 "tcp\nport = 8080\nto = 10.0.0.5:80\naddress = 127.0.0.1\n",
	 "mem:10: address 127.0.0.1: is loopback (127.0.0.0/8): no port forward works there"},
};

START_TEST(bad_files_are_refused_naming_file_and_line)
{
	struct vn_net n;
	struct nl_err e;
	char line[400];
	FILE *f = fmemopen((void *)badfiles[_i].text, strlen(badfiles[_i].text), "r");

	ck_assert_int_ne(vn_net_read(f, "mem", &n, &e), 0);
	fclose(f);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), badfiles[_i].msg);
}
END_TEST

START_TEST(folder_lists_good_definitions_and_names_bad_files)
{
	char dir[] = "/tmp/vnet-unit.XXXXXX";
	struct vn_net_args a = nat("good", "10.0.0.0/24");
	struct vn_store_entry *v;
	struct vn_net n, m;
	struct nl_err e;
	unsigned cnt;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_int_eq(vn_store_save(dir, &n, NULL), 0);
	ck_assert_int_eq(vn_store_load(dir, "good", &m, NULL), 0);
	ck_assert_int_eq(vn_store_load(dir, "nope", &m, &e), -ENOENT);
	ck_assert_uint_eq(e.kind, NL_ERR_NOTFOUND);
	th_sh("printf 'garbage\\n' > %s/broken.conf; echo hi > %s/README", dir, dir);
	f = NULL;
	ck_assert_int_eq(vn_store_list(dir, &v, &cnt, NULL), 0);
	ck_assert_uint_eq(cnt, 3);
	ck_assert_str_eq(v[0].file, "README");
	ck_assert_int_ne(v[0].err, 0);
	ck_assert_ptr_nonnull(strstr(v[0].msg, "README: not a network definition"));
	ck_assert_str_eq(v[1].file, "broken.conf");
	ck_assert_ptr_nonnull(strstr(v[1].msg, "broken.conf:1"));
	ck_assert_str_eq(v[2].file, "good.conf");
	ck_assert_int_eq(v[2].err, 0);
	ck_assert_str_eq(v[2].net.name, "good");
	free(v);
	ck_assert_int_eq(vn_store_forget(dir, "good", NULL), 0);
	ck_assert_int_eq(vn_store_forget(dir, "good", NULL), 0);
	(void)f;
	th_sh("rm -rf %s", dir);
}
END_TEST

START_TEST(systemd_unit_verifies)
{
	const char *bin = getenv("VNETD_BIN"), *src = getenv("VNET_SOURCE");
	char unit[] = "/tmp/vnet-unit.XXXXXX";

	ck_assert_msg(bin && src, "VNETD_BIN and VNET_SOURCE are set by meson");
	ck_assert_ptr_nonnull(mkdtemp(unit));
	ck_assert_int_eq(th_sh("sed 's|/usr/local/sbin/vnetd|%s|' %s/docs/vnetd.service > "
			       "%s/vnetd.service",
			       bin, src, unit),
			 0);
	ck_assert_int_eq(th_sh("systemd-analyze verify --man=no %s/vnetd.service", unit), 0);
	ck_assert_int_eq(th_sh("grep -qx 'ExecStart=%s' %s/vnetd.service", bin, unit), 0);
	ck_assert_int_eq(th_sh("grep -qx 'Type=notify' %s/vnetd.service", unit), 0);
	th_sh("rm -rf %s", unit);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_netd");
	TCase *t = tcase_create("definitions");

	tcase_add_test(t, nat_defaults_gateway_first_host_and_range_after_it);
	tcase_add_loop_test(t, bad_values_are_refused_naming_the_value, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_loop_test(t, bad_host_names_are_refused_naming_them, 0,
			    sizeof(bad_hostnames) / sizeof(bad_hostnames[0]));
	tcase_add_loop_test(t, bad_forward_addresses_are_refused_naming_them, 0,
			    sizeof(bad_forward_addresses) / sizeof(bad_forward_addresses[0]));
	tcase_add_test(t, difference_names_the_first_changed_value);
	tcase_add_test(t, file_format_round_trips);
	tcase_add_loop_test(t, bad_files_are_refused_naming_file_and_line, 0,
			    sizeof(badfiles) / sizeof(badfiles[0]));
	tcase_add_test(t, folder_lists_good_definitions_and_names_bad_files);
	tcase_add_test(t, systemd_unit_verifies);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_netd", false);
}
