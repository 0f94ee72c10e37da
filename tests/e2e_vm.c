/* End to end: a real guest (../shared/guest) boots under qemu, started by
 * `vnet vm start` on a vnet network, takes a DHCP lease from the network's
 * dnsmasq, runs its checks and powers off; its serial log says what it
 * saw, and the outside namespace counts what arrived:
 *
 *   guest ── tap ── bridge lan (nat) ── host ── out0 ── outside 192.0.2.2
 *   guest ── tap ── bridge iso (isolated)
 *
 * The guest is built once into the build folder (build-guest.sh caches it)
 * and booted through its uncompressed vmlinux (PVH: ~3 s under TCG). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/vmtest.h"

#define BOOT_TIMEOUT_S 90

static char guest_dir[512];

/* Once, before the tests fork: build (or find up to date) the guest. */
static void build_guest(void)
{
	const char *script = getenv("VNET_GUEST_BUILD"), *dir = getenv("VNET_GUEST_DIR");

	ck_assert_msg(script && dir, "VNET_GUEST_BUILD and VNET_GUEST_DIR must be set");
	snprintf(guest_dir, sizeof(guest_dir), "%s", dir);
	ck_assert_msg(th_sh("%s --no-runtime %s >&2", script, dir) == 0, "%s %s failed", script,
		      dir);
}

/* Starts VM name on net; the guest takes a lease, pings what it is told
 * and powers off. */
static void boot(const char *name, const char *net, const char *ping)
{
	ck_assert_int_eq(nt_run("vm start %s --memory 256 --net %s --kernel %s/vmlinux "
				"--initrd %s/initramfs.gz --append 'console=ttyS0 quiet "
				"panic=-1 vnet.ping=%s' -- -no-reboot",
				name, net, guest_dir, guest_dir, ping),
			 0);
}

/* The guest's serial log once it said "done" and qemu exited. */
static const char *finished(const char *name)
{
	const char *log = vt_file(name, "serial.log");

	for (int i = 0; i < BOOT_TIMEOUT_S * 10; i++) {
		if (th_sh("grep -q '^VNET-GUEST: done' %s 2>/dev/null", log) == 0)
			break;
		usleep(100 * 1000);
	}
	ck_assert_msg(vt_wait_stopped(name, 10), "VM %s still runs", name);
	return th_str("tr -d '\\r' < %s", log);
}

/* Whether the log has a line starting with marker. */
static bool says(const char *log, const char *marker)
{
	size_t n = strlen(marker);

	for (const char *l = log; l;) {
		if (!strncmp(l, marker, n))
			return true;
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return false;
}

#define SAYS(log, marker) ck_assert_msg(says(log, marker), "no \"%s\" in:\n%s", marker, log)

START_TEST(nat_guest_gets_a_lease_and_reaches_the_outside_through_nat)
{
	const char *log;

	nt_outside();
	nt_outside_count();
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24"), 0);
	boot("g1", "lan", "192.0.2.2");
	/* beside it an e1000 guest: its NIC offloads no checksum, so the host
	 * sums its DHCP replies in software (a zeroed checksum would break
	 * that: not done unless asked for) */
	boot("g2", "lan,model=e1000", "10.0.0.1");
	log = finished("g2");
	SAYS(log, "VNET-GUEST: nic eth0 mac=52:54:00:");
	ck_assert_ptr_nonnull(strstr(log, "driver=e1000"));
	SAYS(log, "VNET-GUEST: ip=10.0.0.");
	SAYS(log, "VNET-GUEST: done failures=0");
	log = finished("g1");
	SAYS(log, "VNET-GUEST: nic eth0 mac=52:54:00:");
	SAYS(log, "VNET-GUEST: ip=10.0.0.");
	ck_assert_ptr_nonnull(strstr(log, "/24 gw=10.0.0.1 "));
	ck_assert_ptr_nonnull(strstr(log, " via=dhcp"));
	SAYS(log, "VNET-GUEST: ping 192.0.2.2 ok");
	SAYS(log, "VNET-GUEST: done failures=0");
	ck_assert_int_ge(nt_outside_counter(0), 1); /* from the host's address */
	ck_assert_int_eq(nt_outside_counter(1), 0); /* never from the guest's */
	ck_assert_str_eq(th_str("ip -j link show master lan | jq -c ."), "[]\n"); /* tap gone */
}
END_TEST

START_TEST(isolated_guest_cannot_reach_the_outside_while_forwarding_is_on)
{
	const char *log;

	nt_outside();
	nt_outside_count();
	ck_assert_int_eq(nt_run("create nat lan 10.0.0.0/24"), 0); /* ip_forward=1 */
	ck_assert_int_eq(nt_run("create isolated iso 10.1.0.0/24"), 0);
	ck_assert_int_eq(th_sh("ip -n outside route add 10.0.0.0/8 via 192.0.2.1"), 0);
	ck_assert_str_eq(th_str("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	boot("g2", "iso", "10.1.0.1,192.0.2.2");
	log = finished("g2");
	SAYS(log, "VNET-GUEST: ip=10.1.0.");
	ck_assert_ptr_nonnull(strstr(log, " via=dhcp"));
	SAYS(log, "VNET-GUEST: ping 10.1.0.1 ok");
	SAYS(log, "VNET-GUEST: ping 192.0.2.2 fail");
	SAYS(log, "VNET-GUEST: done failures=1");
	ck_assert_int_eq(nt_outside_counter(0), 0);
	ck_assert_int_eq(nt_outside_counter(1), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("e2e_vm");
	TCase *t = tcase_create("guest");

	tcase_add_unchecked_fixture(t, build_guest, NULL);
	tcase_add_checked_fixture(t, nt_setup_host, th_netns_teardown);
	tcase_add_test(t, nat_guest_gets_a_lease_and_reaches_the_outside_through_nat);
	tcase_add_test(t, isolated_guest_cannot_reach_the_outside_while_forwarding_is_on);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "e2e_vm", true);
}
