/* Unit tests of the engine's pure parts: definitions from arguments (values
 * checked, defaults filled), comparison, the file format and the folder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "net.h"
#include "store.h"

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

	a = nat("small", "192.168.5.0/29");
	a.gateway = "192.168.5.6";
	ck_assert_int_eq(vn_net_from_args(&a, &n, NULL), 0);
	ck_assert_str_eq(P(&n.subnet[0].dhcp_start, false), "192.168.5.1");
	ck_assert_str_eq(P(&n.subnet[0].dhcp_end, false), "192.168.5.5");
}
END_TEST

static const struct {
	struct vn_net_args a;
	const char *msg; /* the whole error line */
} bad[] = {
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/33"},
	 "subnet 10.0.0.0/33: prefix length must be 0..32"},
	{{.model = "nat", .name = "n", .subnet = "300.1.2.0/24"},
	 "subnet 300.1.2.0/24: not an IPv4 or IPv6 address"},
	{{.model = "nat", .name = "n", .subnet = ""}, "nat network n: needs a SUBNET, as in 10.0.0.0/24"},
	{{.model = "nat", .name = "n"}, "nat network n: needs a SUBNET, as in 10.0.0.0/24"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.1/8"},
	 "10.0.0.1/8: has host bits set: did you mean 10.0.0.0/8 --gateway 10.0.0.1?"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .gateway = "10.0.1.1"},
	 "gateway 10.0.1.1: outside the subnet 10.0.0.0/24"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .gateway = "10.0.0.255"},
	 "gateway 10.0.0.255: is the subnet's network or broadcast address"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .dhcp = "10.0.0.9-10.0.0.3"},
	 "DHCP range 10.0.0.9-10.0.0.3: starts after it ends"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .dhcp = "10.0.0.1-10.0.0.3"},
	 "DHCP range 10.0.0.1-10.0.0.3: must not hold the gateway"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .dhcp = "10.0.0.9"},
	 "DHCP range 10.0.0.9: must be START-END, as in 10.0.0.100-10.0.0.200"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/31"},
	 "subnet 10.0.0.0/31: too small: a network needs a /30 or larger"},
	{{.model = "mesh", .name = "n", .subnet = "10.0.0.0/24"},
	 "model \"mesh\": must be isolated, routed, nat or bridged"},
	{{.model = "nat", .name = "much-too-long-name", .subnet = "10.0.0.0/24"},
	 "network name \"much-too-long-name\": must be 1..15 characters"},
	{{.model = "nat", .name = "a/b", .subnet = "10.0.0.0/24"},
	 "network name \"a/b\": may hold only letters, digits, '_', '.' and '-'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .bridge = "x:y"},
	 "bridge name \"x:y\": must not contain ':'"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .mtu = 40, .mtu_given = true},
	 "MTU 40: must be 68..65535"},
	{{.model = "bridged", .name = "n"}, "bridged network: needs --uplink IFACE"},
	{{.model = "bridged", .name = "n", .uplink = "eth0", .subnet = "10.0.0.0/24"},
	 "SUBNET: does not apply to a bridged network: the LAN behind the uplink gives addresses"},
	{{.model = "nat", .name = "n", .subnet = "10.0.0.0/24", .uplink = "eth0"},
	 "--uplink: applies only to a bridged network"},
};

START_TEST(bad_values_are_refused_naming_the_value)
{
	struct vn_net n;
	struct nl_err e;
	char line[400];
	int r = vn_net_from_args(&bad[_i].a, &n, &e);

	ck_assert_int_eq(r, -EINVAL);
	ck_assert_uint_eq(e.kind, NL_ERR_INVALID);
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), bad[_i].msg);
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
	b.no_dhcp = true;
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

	a.gateway = "10.0.0.254";
	a.dhcp = "10.0.1.1-10.0.1.9";
	a.isolate_ports = true;
	a.mtu = 9000;
	a.mtu_given = true;
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
	 "mem:4: mtu \"big\" is not a number up to 65535"},
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
			       bin, src, unit), 0);
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
