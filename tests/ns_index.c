/* Namespace tests of the index the overlap checks read instead of every
 * definition (netd/index.c): it follows create and destroy, and it is
 * rebuilt when the definitions changed behind it (a file added or removed
 * by hand), when it is garbage, and when it is gone (a reboot empties
 * /run), so no overlap is ever missed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

static void refused_overlap(const char *args, const char *msg)
{
	char *err;
	int code;

	err = nt_err(&code, "%s", args);
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(err, msg);
	free(err);
}

START_TEST(create_and_destroy_keep_it)
{
	ck_assert_int_eq(nt_run("create routed a 10.7.0.0/24 --no-dhcp"), 0);
	refused_overlap("create routed b 10.7.0.0/25 --no-dhcp",
			"vnet: subnet 10.7.0.0/25: overlaps subnet 10.7.0.0/24 of network a\n");
	refused_overlap("create routed b 10.9.0.0/24 --no-dhcp --bridge a",
			"vnet: bridge a: is used by network a\n");
	ck_assert_int_eq(nt_run("destroy a"), 0);
	ck_assert_int_eq(nt_run("create routed b 10.7.0.0/25 --no-dhcp --bridge a"), 0);
	ck_assert_int_eq(th_sh("grep -q '^b a - 10.7.0.0/25 -$' $VNET_RUN_DIR/index"), 0);
	ck_assert_int_ne(th_sh("grep -q '^a ' $VNET_RUN_DIR/index"), 0);
}
END_TEST

static const char *const behind[] = {
	/* a definition added by hand */
	"printf '[network]\\nname = hand\\nmodel = routed\\n[subnet]\\nprefix = 10.8.0.0/24\\n"
	"dhcp = no\\n' > $VNET_CONF_DIR/hand.conf",
	/* the index made garbage, then gone */
	"printf '[network]\\nname = hand\\nmodel = routed\\n[subnet]\\nprefix = 10.8.0.0/24\\n"
	"dhcp = no\\n' > $VNET_CONF_DIR/hand.conf && echo 'garbage !' > $VNET_RUN_DIR/index",
	"printf '[network]\\nname = hand\\nmodel = routed\\n[subnet]\\nprefix = 10.8.0.0/24\\n"
	"dhcp = no\\n' > $VNET_CONF_DIR/hand.conf && rm $VNET_RUN_DIR/index",
};

START_TEST(what_changed_behind_it_is_seen)
{
	ck_assert_int_eq(nt_run("create routed a 10.7.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("%s", behind[_i]), 0);
	refused_overlap("create routed b 10.8.0.0/25 --no-dhcp",
			"vnet: subnet 10.8.0.0/25: overlaps subnet 10.8.0.0/24 of network hand\n");
	refused_overlap("create routed b 10.7.0.0/25 --no-dhcp",
			"vnet: subnet 10.7.0.0/25: overlaps subnet 10.7.0.0/24 of network a\n");
	/* removed by hand: its subnet is free again */
	ck_assert_int_eq(th_sh("rm $VNET_CONF_DIR/hand.conf"), 0);
	ck_assert_int_eq(nt_run("create routed b 10.8.0.0/25 --no-dhcp"), 0);
}
END_TEST

/* A port another network forwards is refused from the index (its forwards'
 * listeners), which follows forward add and del, and an index of another
 * version (no forwards in it) is rebuilt, not believed. */
static const char *const fwd_behind[] = {
	"true",
	/* the first version's line, the index touched as if current */
	"printf 'a a - 10.7.0.0/24\\n' > $VNET_RUN_DIR/index && touch -r $VNET_CONF_DIR "
	"$VNET_RUN_DIR/index",
	"echo 'garbage !' > $VNET_RUN_DIR/index",
};

START_TEST(forwards_of_other_networks_are_refused_from_it)
{
	ck_assert_int_eq(nt_run("create nat a 10.7.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("create nat b 10.8.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(nt_run("forward add a tcp 8080 10.7.0.5:80"), 0);
	ck_assert_int_eq(th_sh("grep -q '^a a - 10.7.0.0/24 6/8080/10.7.0.5/80/-$' "
			       "$VNET_RUN_DIR/index"),
			 0);
	ck_assert_int_eq(th_sh("%s", fwd_behind[_i]), 0);
	refused_overlap(
		"forward add b tcp 8080 10.8.0.5:80",
		"vnet: tcp port 8080: is forwarded already by network a (to 10.7.0.5:80)\n");
	ck_assert_int_eq(nt_run("forward add b udp 8080 10.8.0.5:80"), 0);
	ck_assert_int_eq(nt_run("forward del a tcp 8080"), 0);
	ck_assert_int_eq(nt_run("forward add b tcp 8080 10.8.0.5:80"), 0);
	refused_overlap(
		"forward add a tcp 8080 10.7.0.5:80",
		"vnet: tcp port 8080: is forwarded already by network b (to 10.8.0.5:80)\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_index");
	TCase *t = tcase_create("index");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, create_and_destroy_keep_it);
	tcase_add_loop_test(t, what_changed_behind_it_is_seen, 0,
			    sizeof(behind) / sizeof(behind[0]));
	tcase_add_loop_test(t, forwards_of_other_networks_are_refused_from_it, 0,
			    sizeof(fwd_behind) / sizeof(fwd_behind[0]));
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_index", true);
}
