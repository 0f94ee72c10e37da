/* Namespace tests of the guest services: DHCP and DNS from vnet's dnsmasq,
 * seen by real clients (busybox udhcpc, nslookup) in guest namespaces;
 * static hosts, leases, a dead dnsmasq, clean-up, bad input. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

static void setup(void)
{
	char path[300];
	FILE *f;

	nt_setup();
	/* udhcpc's script: what the server handed out, one variable a line */
	snprintf(path, sizeof(path), "%s/udhcpc.sh", th_tmpdir());
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n[ \"$1\" = bound ] || exit 0\n"
		   "printf 'ip=%%s\\nrouter=%%s\\ndns=%%s\\nmtu=%%s\\ndomain=%%s\\n' \"$ip\" "
		   "\"$router\" "
		   "\"$dns\" \"$mtu\" \"$domain\" > \"$UDHCPC_OUT\"\n"
		   "ip addr add \"$ip/$mask\" dev \"$interface\"\n");
	fclose(f);
	ck_assert_int_eq(th_sh("chmod +x %s", path), 0);
}

/* Runs udhcpc in the guest; returns what it was handed ("" on failure). */
static const char *dhcp(const char *ns, const char *hostname)
{
	return th_str("UDHCPC_OUT=%s/%s.lease ip netns exec %s busybox udhcpc -i eth0 -f -q -n "
		      "-t 6 -T 1 -O mtu -s %s/udhcpc.sh %s%s >&2; cat %s/%s.lease 2>/dev/null",
		      th_tmpdir(), ns, ns, th_tmpdir(), hostname ? "-x hostname:" : "",
		      hostname ? hostname : "", th_tmpdir(), ns);
}

START_TEST(guest_gets_a_lease_in_range_with_router_dns_and_mtu)
{
	ck_assert_int_eq(
		nt_run("create nat isbr 10.0.0.0/24 --dhcp 10.0.0.100-10.0.0.110 --mtu 1400"), 0);
	nt_guest("g1", "isbr", "52:54:00:00:00:01", NULL, NULL);
	const char *got = dhcp("g1", NULL);
	unsigned last;

	/* dnsmasq picks from the range by a hash of the MAC */
	ck_assert_msg(sscanf(got, "ip=10.0.0.%u\n", &last) == 1 && last >= 100 && last <= 110, "%s",
		      got);
	ck_assert_str_eq(strchr(got, '\n') + 1, "router=10.0.0.1\ndns=10.0.0.1\nmtu=1400\n"
						"domain=isbr.internal\n");
	ck_assert_str_eq(th_str("%s leases isbr -j | jq -r '.[0].mac + \" \" + .[0].ip'", nt_vnet),
			 th_str("echo '52:54:00:00:00:01 10.0.0.%u'", last));
}
END_TEST

START_TEST(isolated_network_serves_dhcp_and_dns_too)
{
	ck_assert_int_eq(nt_run("create isolated iso 10.0.0.0/24"), 0);
	nt_guest("g1", "iso", "52:54:00:00:00:01", NULL, NULL);
	ck_assert_str_eq(th_str("echo \"%s\" | grep -c '^ip=10.0.0.'", dhcp("g1", "alpha")), "1\n");
	ck_assert_int_eq(
		th_sh("ip netns exec g1 busybox nslookup alpha.iso.internal 10.0.0.1 "
		      "| grep -q \"Address.*$(ip -n g1 -j addr show eth0 | "
		      "jq -r '.[0].addr_info[] | select(.family == \\\"inet\\\") | .local')$\""),
		0);
}
END_TEST

START_TEST(static_host_gets_its_address_and_guests_resolve_each_other)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_int_eq(nt_run("host add isbr 52:54:00:aa:bb:cc 10.0.0.50 web"), 0);
	nt_guest("g1", "isbr", "52:54:00:aa:bb:cc", NULL, NULL);
	nt_guest("g2", "isbr", "52:54:00:00:00:02", NULL, NULL);
	ck_assert_str_eq(th_str("echo \"%s\" | head -1", dhcp("g1", NULL)), "ip=10.0.0.50\n");
	ck_assert_str_eq(th_str("echo \"%s\" | grep -c '^ip=10.0.0.'", dhcp("g2", "beta")), "1\n");
	/* g2 finds the static host's name, g1 finds the name g2 sent */
	ck_assert_int_eq(th_sh("ip netns exec g2 busybox nslookup web.isbr.internal 10.0.0.1 "
			       "| grep -q 'Address.*10.0.0.50'"),
			 0);
	ck_assert_int_eq(
		th_sh("ip netns exec g1 busybox nslookup beta.isbr.internal 10.0.0.1 "
		      "| grep -q \"Address.*$(ip -n g2 -j addr show eth0 | "
		      "jq -r '.[0].addr_info[] | select(.family == \\\"inet\\\") | .local')$\""),
		0);
	/* a host added while the network runs applies at once */
	ck_assert_int_eq(nt_run("host add isbr 52:54:00:00:00:03 10.0.0.60 late"), 0);
	ck_assert_int_eq(th_sh("ip netns exec g2 busybox nslookup late.isbr.internal 10.0.0.1 "
			       "| grep -q 'Address.*10.0.0.60'"),
			 0);
	ck_assert_str_eq(th_str("grep -c '^\\[host\\]' $VNET_CONF_DIR/isbr.conf"), "2\n");
	ck_assert_int_eq(nt_run("host del isbr 52:54:00:00:00:03"), 0);
	ck_assert_str_eq(th_str("grep -c '^\\[host\\]' $VNET_CONF_DIR/isbr.conf"), "1\n");
}
END_TEST

START_TEST(dead_dnsmasq_is_reported_and_restarted)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r .state", nt_vnet), "up\n");
	/* gone (or a zombie) before show is asked: a SIGKILL takes effect
	 * when the process next runs, later on a loaded machine */
	ck_assert_int_eq(th_sh("p=$(%s show isbr -j | jq .dnsmasq_pid) && kill -9 $p && "
			       "for i in $(seq 3000); do s=$(cut -d' ' -f3 /proc/$p/stat "
			       "2>/dev/null) || exit 0; [ \"$s\" = Z ] && exit 0; sleep 0.01; "
			       "done; exit 1",
			       nt_vnet),
			 0);
	ck_assert_str_eq(
		th_str("%s show isbr -j | jq -r '.state, (.problems[] | .object + \": \" + "
		       ".have)'",
		       nt_vnet),
		"degraded\ndnsmasq of network isbr: not running (vnet restart-services)\n");
	ck_assert_int_eq(nt_run("restart-services isbr"), 0);
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r .state", nt_vnet), "up\n");
	nt_guest("g1", "isbr", "52:54:00:00:00:01", NULL, NULL);
	ck_assert_str_eq(th_str("echo \"%s\" | grep -c '^ip=10.0.0.'", dhcp("g1", NULL)), "1\n");
}
END_TEST

START_TEST(destroy_leaves_no_dnsmasq_and_no_file)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_str_eq(th_str("pgrep -c -f '[d]nsmasq --conf-file=%s/run/'", th_tmpdir()), "1\n");
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_str_eq(th_str("pgrep -c -f '[d]nsmasq --conf-file=%s/run/'", th_tmpdir()), "0\n");
	ck_assert_str_eq(th_str("ls -A %s/run/dnsmasq", th_tmpdir()), "");
}
END_TEST

START_TEST(dnsmasq_starts_beside_another_resolver_on_port_53)
{
	/* a resolver of the host's own on 127.0.0.53:53, as systemd-resolved */
	ck_assert_int_eq(th_sh("ip addr add 127.0.0.53/8 dev lo 2>/dev/null; "
			       "dnsmasq --conf-file=/dev/null --listen-address=127.0.0.53 "
			       "--bind-interfaces --port=53 --pid-file=%s/other.pid",
			       th_tmpdir()),
			 0);
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_str_eq(th_str("%s show isbr -j | jq -r .state", nt_vnet), "up\n");
}
END_TEST

static const struct {
	const char *args;
	int code;
	const char *msg;
} refused[] = {
	{"host add isbr 52:54:00:zz:00:01 10.0.0.9", 2,
	 "vnet: MAC 52:54:00:zz:00:01: must be six hex bytes, as in 52:54:00:12:34:56\n"},
	{"host add isbr 52:54:00:00:00:09 10.1.0.9", 2,
	 "vnet: address 10.1.0.9: is outside the network's subnets\n"},
	{"host add isbr 52:54:00:00:00:09 10.0.0.1", 2, "vnet: address 10.0.0.1: is the gateway\n"},
	{"host add isbr 52:54:00:00:00:09 10.0.0.50", 4,
	 "vnet: address 10.0.0.50: is taken by host 52:54:00:aa:bb:cc\n"},
	{"host add isbr 52:54:00:aa:bb:cc 10.0.0.51", 4,
	 "vnet: host 52:54:00:aa:bb:cc: exists already with address 10.0.0.50\n"},
	{"host add isbr 01:54:00:00:00:09 10.0.0.9", 2,
	 "vnet: MAC 01:54:00:00:00:09: is a multicast address\n"},
	{"host add nosuch 52:54:00:00:00:09 10.0.0.9", 3,
	 "vnet: network nosuch: no such network\n"},
	{"host del isbr 52:54:00:00:00:77", 3,
	 "vnet: host 52:54:00:00:00:77: no such host on network isbr\n"},
	{"leases nosuch", 3, "vnet: network nosuch: no such network\n"},
};

START_TEST(bad_service_input_changes_nothing)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24"), 0);
	ck_assert_int_eq(nt_run("host add isbr 52:54:00:aa:bb:cc 10.0.0.50"), 0);
	nt_refused(refused[_i].code, refused[_i].msg, "%s", refused[_i].args);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_services");
	TCase *t = tcase_create("dnsmasq");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, guest_gets_a_lease_in_range_with_router_dns_and_mtu);
	tcase_add_test(t, isolated_network_serves_dhcp_and_dns_too);
	tcase_add_test(t, static_host_gets_its_address_and_guests_resolve_each_other);
	tcase_add_test(t, dead_dnsmasq_is_reported_and_restarted);
	tcase_add_test(t, destroy_leaves_no_dnsmasq_and_no_file);
	tcase_add_test(t, dnsmasq_starts_beside_another_resolver_on_port_53);
	tcase_add_loop_test(t, bad_service_input_changes_nothing, 0,
			    sizeof(refused) / sizeof(refused[0]));
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_services", true);
}
