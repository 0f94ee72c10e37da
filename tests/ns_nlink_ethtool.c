/* Namespace tests of nlink's ethtool features (nlink/ethtool.c): turned off
 * and on as ethtool -k shows them, read back with fixed and active agreeing
 * with ethtool -k, and refusals of an unknown or a fixed feature and of one
 * the kernel keeps off. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/ethtool.h"
#include "tests/nlinktest.h"

/* "on" or "off" for a feature line of ethtool -k (indented or not). */
static char *ethtool_k(const char *dev, const char *name)
{
	return th_out(NULL, "ethtool -k %s | sed -n 's/^[[:space:]]*%s: \\([a-z]*\\).*/\\1/p'", dev,
		      name);
}

static void assert_k(const char *dev, const char *name, const char *want)
{
	char *got = ethtool_k(dev, name);

	ck_assert_msg(!strncmp(got, want, strlen(want)) && got[strlen(want)] == '\n',
		      "ethtool -k %s: %s is \"%s\", want %s", dev, name, got, want);
	free(got);
}

START_TEST(ethtool_features_turn_off_and_on_as_ethtool_k_shows)
{
	const char *names[] = {"tx-generic-segmentation", "rx-gro", "tx-tcp-segmentation"};
	bool off_on_off[] = {false, true, false}, on_off_on[] = {true, false, true};
	struct nl_ethtool et;
	struct nl_features f;

	nlt_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	OK(nl_ethtool_features_set(&et, "v0", names, off_on_off, 3, &E));
	assert_k("v0", "generic-segmentation-offload", "off");
	assert_k("v0", "generic-receive-offload", "on");
	assert_k("v0", "tx-tcp-segmentation", "off");
	OK(nl_ethtool_features_get(&et, "v0", &f, &E));
	ck_assert(!nl_features_find(&f, "tx-generic-segmentation")->active);
	ck_assert(nl_features_find(&f, "rx-gro")->active);
	ck_assert(!nl_features_find(&f, "tx-tcp-segmentation")->wanted);
	OK(nl_ethtool_features_set(&et, "v0", names, on_off_on, 3, &E));
	assert_k("v0", "generic-segmentation-offload", "on");
	assert_k("v0", "generic-receive-offload", "off");
	assert_k("v0", "tx-tcp-segmentation", "on");
	assert_k("v0", "tx-scatter-gather", "on"); /* not named: untouched */
	nl_ethtool_close(&et);
}
END_TEST

START_TEST(ethtool_features_get_agrees_with_ethtool_k_on_fixed_and_active)
{
	struct nl_ethtool et;
	struct nl_features f;
	const struct nl_feature *lo, *sg;

	nlt_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	OK(nl_ethtool_features_get(&et, "v0", &f, &E));
	ck_assert_uint_gt(f.n, 40);
	lo = nl_features_find(&f, "loopback");
	sg = nl_features_find(&f, "tx-scatter-gather");
	ck_assert(lo && sg);
	ck_assert(lo->fixed && !lo->active);
	ck_assert(!sg->fixed && sg->active);
	ck_assert(th_sh("ethtool -k v0 | grep -q '^loopback: off \\[fixed\\]'") == 0);
	ck_assert(th_sh("ethtool -k v0 | grep -q '^\\s*tx-scatter-gather: on$'") == 0);
	ck_assert_ptr_null(nl_features_find(&f, "no-such-feature"));
	nl_ethtool_close(&et);
}
END_TEST

START_TEST(ethtool_refuses_unknown_and_fixed_features_and_reports_one_that_did_not_take)
{
	const char *unknown[] = {"rx-gro", "no-such-feature"}, *fixed[] = {"loopback"};
	const char *sg[] = {"tx-scatter-gather"}, *tso[] = {"tx-tcp-segmentation"};
	bool on2[] = {true, true}, on[] = {true}, off[] = {false};
	struct nl_ethtool et;

	nlt_veth("v0", "v1");
	OK(nl_ethtool_open(&et, &E));
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", unknown, on2, 2, &E), -EINVAL);
	ck_assert_str_eq(nlt_errline(), "link v0: set features: unknown feature no-such-feature");
	assert_k("v0", "generic-receive-offload", "off"); /* nothing was changed */
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", fixed, on, 1, &E), -EOPNOTSUPP);
	ck_assert_str_eq(nlt_errline(), "link v0: set features: feature loopback is fixed off");
	/* Without scatter-gather the kernel keeps TSO off whatever is asked. */
	OK(nl_ethtool_features_set(&et, "v0", sg, off, 1, &E));
	ck_assert_int_eq(nl_ethtool_features_set(&et, "v0", tso, on, 1, &E), -EOPNOTSUPP);
	ck_assert_str_eq(nlt_errline(),
			 "link v0: set features: feature tx-tcp-segmentation stays off");
	assert_k("v0", "tx-tcp-segmentation", "off");
	ck_assert_int_eq(nl_ethtool_features_set(&et, "nope0", tso, on, 1, &E), -ENODEV);
	nl_ethtool_close(&et);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_ethtool");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, ethtool_features_turn_off_and_on_as_ethtool_k_shows);
	tcase_add_test(t, ethtool_features_get_agrees_with_ethtool_k_on_fixed_and_active);
	tcase_add_test(
		t, ethtool_refuses_unknown_and_fixed_features_and_reports_one_that_did_not_take);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_ethtool", true);
}
