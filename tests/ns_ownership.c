/* Namespace tests of what vnet takes as its own: a bridge whose alias was
 * changed behind vnet's back is still the network's (its name and the MAC
 * it was made with say so), shown as a problem, repaired by up and taken
 * by destroy; a file anyone but its owner may write is never trusted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

START_TEST(a_bridge_whose_alias_changed_is_still_the_networks)
{
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip link set isbr alias foo"), 0);
	ck_assert_str_eq(th_str("$VNET show isbr -j | jq -r '.state, .problems[0].object, "
				".problems[0].have'"),
			 "degraded\nalias of bridge isbr\nfoo\n");
	ck_assert_int_eq(nt_run("up isbr"), 0);
	ck_assert_str_eq(th_str("ip -j -d link show isbr | jq -r '.[0].ifalias'"), "vnet:isbr\n");
	ck_assert_int_eq(th_sh("ip link set isbr alias foo"), 0);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_int_ne(th_sh("ip link show isbr >/dev/null 2>&1"), 0);
	/* a foreign bridge of that name (another MAC) is not */
	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("ip link del isbr && ip link add isbr type bridge"), 0);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_int_eq(th_sh("ip link show isbr >/dev/null"), 0);
}
END_TEST

static const char *const writable[] = {
	"chmod 666 $VNET_CONF_DIR/isbr.conf",
	"chmod 664 $VNET_CONF_DIR/isbr.conf",
	"mkdir -p $VNET_CONF_DIR/hooks && echo isbr > $VNET_CONF_DIR/hooks/default && chmod 666 "
	"$VNET_CONF_DIR/hooks/default",
};

START_TEST(files_others_may_write_are_refused)
{
	char *out;
	int code;

	ck_assert_int_eq(nt_run("create nat isbr 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("%s", writable[_i]), 0);
	out = th_out(&code, "$VNET %s 2>&1", _i < 2 ? "up isbr" : "default");
	ck_assert_msg(code != 0 && strstr(out, "is writable by others than its owner"), "%d %s",
		      code, out);
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_ownership");
	TCase *t = tcase_create("ownership");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, a_bridge_whose_alias_changed_is_still_the_networks);
	tcase_add_loop_test(t, files_others_may_write_are_refused, 0,
			    sizeof(writable) / sizeof(writable[0]));
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_ownership", true);
}
