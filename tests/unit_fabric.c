/* Unit tests of a host's fabric (netd/fabric.c) and of vnet's lines in
 * FRR (netd/frr.c), without a kernel or FRR: the arguments built into a
 * fabric and refused, the file written and read back (and refused when
 * another could have written it), the DHCP slices of K of N hosts, the
 * lines vnet wants in FRR and how a running configuration is read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "tests/harness.h"
#include "netd/fabric.h"
#include "netd/frr.h"

static struct vn_fabric built(struct vn_fabric_args a)
{
	struct vn_fabric f;
	struct nl_err e;

	ck_assert_msg(vn_fabric_from_args(&a, &f, &e) == 0, "%s",
		      nl_err_str(&e, (char[256]){""}, 256));
	return f;
}

static const char *refusal(struct vn_fabric_args a)
{
	static char line[256];
	struct vn_fabric f;
	struct nl_err e;

	ck_assert_int_eq(vn_fabric_from_args(&a, &f, &e), -EINVAL);
	return nl_err_str(&e, line, sizeof(line));
}

START_TEST(fabric_from_args_fills_defaults_and_keeps_the_peers)
{
	struct vn_fabric f = built((struct vn_fabric_args){.underlay = "eth0",
							   .asn = "65000",
							   .npeers = 2,
							   .peer = {"192.0.2.2", "192.0.2.3"}});

	ck_assert_str_eq(f.underlay, "eth0");
	ck_assert_uint_eq(f.local.family, 0); /* the engine takes the underlay's */
	ck_assert_uint_eq(f.asn, 65000);
	ck_assert_uint_eq(f.npeers, 2);
	ck_assert_uint_eq(f.index, 1);
	ck_assert_uint_eq(f.hosts, 1);
	ck_assert_str_eq(vn_fabric_mode(&f), "evpn");
	f = built((struct vn_fabric_args){.underlay = "eth0", .index = "2", .hosts = "3"});
	ck_assert_str_eq(vn_fabric_mode(&f), "static");
	ck_assert_uint_eq(f.index, 2);
	ck_assert_uint_eq(f.hosts, 3);
}
END_TEST

START_TEST(fabric_values_are_refused_naming_them)
{
	ck_assert_str_eq(refusal((struct vn_fabric_args){0}), "fabric: needs --underlay IFACE");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0", .asn = "65000x"}),
			 "--asn \"65000x\": must be a number, 1..4294967295");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0",
							 .local = "192.0.2.1",
							 .npeers = 1,
							 .peer = {"192.0.2.1"}}),
			 "--peer \"192.0.2.1\": is this host's own address");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0",
							 .npeers = 2,
							 .peer = {"192.0.2.2", "192.0.2.2"}}),
			 "--peer \"192.0.2.2\": is given twice");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0",
							 .local = "192.0.2.1",
							 .npeers = 1,
							 .peer = {"2001:db8::2"}}),
			 "--peer \"2001:db8::2\": is not of the local address's family");
	ck_assert_str_eq(refusal((struct vn_fabric_args){
				 .underlay = "eth0", .npeers = 1, .peer = {"224.0.0.5"}}),
			 "--peer \"224.0.0.5\": must be a unicast address (not unspecified, "
			 "loopback or multicast)");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0", .frr_vty = "run/frr"}),
			 "--frr-vty \"run/frr\": must be an absolute path of at most 91 bytes");
	ck_assert_str_eq(
		refusal((struct vn_fabric_args){.underlay = "eth0", .frr_vty = "/run/../etc"}),
		"--frr-vty \"/run/../etc\": may hold only letters, digits, '_', '.', '-' "
		"and '/', and no '..'");
	ck_assert_str_eq(refusal((struct vn_fabric_args){.underlay = "eth0", .index = "1"}),
			 "--index: and --hosts go together");
}
END_TEST

START_TEST(fabric_merge_keeps_what_it_is_not_given)
{
	struct vn_fabric old = built((struct vn_fabric_args){.underlay = "eth0",
							     .local = "192.0.2.1",
							     .asn = "65000",
							     .npeers = 1,
							     .peer = {"192.0.2.2"},
							     .frr_vty = "/run/frr",
							     .index = "2",
							     .hosts = "3"}),
			 f;
	struct nl_err e;

	ck_assert_int_eq(
		vn_fabric_merge(&old, &(struct vn_fabric_args){.npeers = 1, .peer = {"192.0.2.3"}},
				&f, &e),
		0);
	ck_assert_str_eq(f.underlay, "eth0");
	ck_assert_uint_eq(f.asn, 65000);
	ck_assert_uint_eq(f.npeers, 1);
	ck_assert_uint_eq(f.peer[0].a.b[3], 3);
	ck_assert_str_eq(f.frr_vty, "/run/frr");
	ck_assert(f.index == 2 && f.hosts == 3 && f.local.family == AF_INET);
	/* the same underlay keeps the local address, another one drops it */
	ck_assert_int_eq(
		vn_fabric_merge(&old, &(struct vn_fabric_args){.underlay = "eth0"}, &f, &e), 0);
	ck_assert(vn_fabric_same(&f, &old));
	ck_assert_int_eq(
		vn_fabric_merge(&old, &(struct vn_fabric_args){.underlay = "eth1"}, &f, &e), 0);
	ck_assert_uint_eq(f.local.family, 0);
	ck_assert_int_eq(vn_fabric_merge(&old,
					 &(struct vn_fabric_args){.no_asn = true,
								  .no_peers = true,
								  .no_frr_vty = true,
								  .no_slice = true},
					 &f, &e),
			 0);
	ck_assert(f.asn == 0 && f.npeers == 0 && !f.frr_vty[0] && f.index == 1 && f.hosts == 1);
	ck_assert_int_eq(vn_fabric_merge(&old,
					 &(struct vn_fabric_args){
						 .no_slice = true, .index = "1", .hosts = "2"},
					 &f, &e),
			 -EINVAL);
	ck_assert_str_eq(nl_err_str(&e, (char[128]){""}, 128),
			 "--no-slice: and --index do not go together");
}
END_TEST

START_TEST(fabric_file_reads_back_and_is_refused_when_others_can_write_it)
{
	char dir[300], file[320];
	struct vn_fabric f = built((struct vn_fabric_args){.underlay = "eth0",
							   .local = "192.0.2.1",
							   .asn = "65000",
							   .npeers = 2,
							   .peer = {"192.0.2.2", "192.0.2.3"},
							   .frr_vty = "/run/frr",
							   .index = "2",
							   .hosts = "3"}),
			 g;
	struct nl_err e;

	snprintf(dir, sizeof(dir), "%s", th_str("mktemp -d | tr -d '\\n'"));
	ck_assert_int_eq(vn_fabric_save(dir, &f, &e), 0);
	ck_assert_int_eq(vn_fabric_load(dir, &g, &e), 0);
	ck_assert(vn_fabric_same(&f, &g));
	snprintf(file, sizeof(file), "%s/fabric/fabric.conf", dir);
	ck_assert_int_eq(chmod(file, 0666), 0);
	ck_assert_int_ne(vn_fabric_load(dir, &g, &e), 0);
	ck_assert_int_eq(vn_fabric_forget(dir, &e), 0);
	ck_assert_int_eq(vn_fabric_load(dir, &g, &e), -ENOENT);
	ck_assert_int_eq(e.kind, NL_ERR_NOTFOUND);
	th_sh("rm -rf '%s'", dir);
}
END_TEST

START_TEST(dhcp_slices_of_n_hosts_cover_the_range_once)
{
	struct vn_fabric f = {.index = 1, .hosts = 3};
	uint64_t from, to, next = 2;

	for (f.index = 1; f.index <= 3; f.index++) {
		vn_fabric_slice(&f, 2, 254, &from, &to);
		ck_assert_uint_eq(from, next);
		ck_assert_uint_ge(to, from);
		next = to + 1;
	}
	ck_assert_uint_eq(next, 255);
	f.index = 1;
	vn_fabric_slice(&f, 2, 254, &from, &to);
	ck_assert_uint_eq(to, 2 + 85 - 1); /* 253 = 85 + 84 + 84 */
	f.hosts = 1;
	vn_fabric_slice(&f, 2, 254, &from, &to);
	ck_assert(from == 2 && to == 254);
}
END_TEST

static const char running[] = "frr version 8.4.4\n"
			      "!\n"
			      "router bgp 65000 vrf blue\n"
			      " neighbor 192.0.2.9 remote-as 65000\n"
			      "exit\n"
			      "router bgp 65000\n"
			      " bgp router-id 192.0.2.1\n"
			      " timers bgp 3 9\n"
			      " neighbor 192.0.2.2 remote-as 65000\n"
			      " !\n"
			      " address-family l2vpn evpn\n"
			      "  neighbor 192.0.2.2 activate\n"
			      " exit-address-family\n"
			      "exit\n"
			      "!\n"
			      "end\n";

START_TEST(frr_lines_are_vnets_and_read_from_the_running_configuration)
{
	char lines[VN_FRR_LINES][80];
	struct vn_fabric f = built((struct vn_fabric_args){.underlay = "eth0",
							   .local = "192.0.2.1",
							   .asn = "65000",
							   .npeers = 1,
							   .peer = {"192.0.2.2"}});
	unsigned n = vn_frr_want(&f, lines, VN_FRR_LINES);

	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(lines[0], "router bgp 65000");
	ck_assert_str_eq(lines[1], "bgp router-id 192.0.2.1");
	ck_assert_str_eq(lines[2], "neighbor 192.0.2.2 remote-as 65000");
	ck_assert_str_eq(lines[3], "advertise-all-vni");
	ck_assert_str_eq(lines[4], "neighbor 192.0.2.2 activate");
	for (unsigned i = 0; i < n; i++) /* the gateway is every host's own */
		ck_assert(!strstr(lines[i], "advertise-default-gw") &&
			  !strstr(lines[i], "advertise-svi-ip"));
	ck_assert_uint_eq(vn_frr_asn(running), 65000);
	ck_assert(vn_frr_has(running, 65000, "router bgp 65000"));
	ck_assert(vn_frr_has(running, 65000, "bgp router-id 192.0.2.1"));
	ck_assert(vn_frr_has(running, 65000, "neighbor 192.0.2.2 remote-as 65000"));
	ck_assert(vn_frr_has(running, 65000, "neighbor 192.0.2.2 activate"));
	/* not in the address family, or only in another VRF's router */
	ck_assert(!vn_frr_has(running, 65000, "advertise-all-vni"));
	ck_assert(!vn_frr_has(running, 65000, "neighbor 192.0.2.9 remote-as 65000"));
	ck_assert(!vn_frr_has(running, 65000, "neighbor 192.0.2.2 remote-as 65001"));
	ck_assert(!vn_frr_has(running, 65001, "router bgp 65001"));
	ck_assert_uint_eq(vn_frr_asn("!\nend\n"), 0);
	f.asn = 0; /* static: nothing of FRR's */
	ck_assert_uint_eq(vn_frr_want(&f, lines, VN_FRR_LINES), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_fabric");
	TCase *t = tcase_create("fabric");

	tcase_add_test(t, fabric_from_args_fills_defaults_and_keeps_the_peers);
	tcase_add_test(t, fabric_values_are_refused_naming_them);
	tcase_add_test(t, fabric_merge_keeps_what_it_is_not_given);
	tcase_add_test(t, fabric_file_reads_back_and_is_refused_when_others_can_write_it);
	tcase_add_test(t, dhcp_slices_of_n_hosts_cover_the_range_once);
	tcase_add_test(t, frr_lines_are_vnets_and_read_from_the_running_configuration);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_fabric", false);
}
