/* Namespace tests of nlink's sysctls (nlink/sysctl.c): ip_forward of the
 * test's own namespace written and read in both spellings of a key, as
 * /proc/sys/net shows it, and the errors of a missing key and a bad value. */
#include <errno.h>
#include <stdlib.h>

#include "nlink/sysctl.h"
#include "tests/nlinktest.h"

START_TEST(sysctl_writes_and_reads_ip_forward_of_this_namespace)
{
	char buf[16], *seen;

	OK(nl_sysctl_write("ipv4.ip_forward", "1", &E));
	seen = th_out(NULL, "cat /proc/sys/net/ipv4/ip_forward");
	ck_assert_str_eq(seen, "1\n");
	free(seen);
	OK(nl_sysctl_read("ipv4/ip_forward", buf, sizeof(buf), &E));
	ck_assert_str_eq(buf, "1");
	OK(nl_sysctl_write("ipv4/ip_forward", "0", &E));
	OK(nl_sysctl_read("ipv4.ip_forward", buf, sizeof(buf), &E));
	ck_assert_str_eq(buf, "0");
	ck_assert_int_eq(nl_sysctl_write("ipv4.no_such_key", "1", &E), -ENOENT);
	ck_assert_str_eq(nlt_errline(),
			 "sysctl net.ipv4.no_such_key: write: No such file or directory");
	ck_assert_int_eq(nl_sysctl_write("ipv4.ip_forward", "x", &E), -EINVAL);
	ck_assert_str_eq(nlt_errline(), "sysctl net.ipv4.ip_forward: write: Invalid argument");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_sysctl");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, sysctl_writes_and_reads_ip_forward_of_this_namespace);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_sysctl", true);
}
