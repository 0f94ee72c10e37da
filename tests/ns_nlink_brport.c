/* Namespace tests of nlink's bridge ports (nlink/brport.c): the isolated,
 * hairpin, learning and unicast-flood flags, set by name in the batch that
 * makes and enslaves the port or by index right after, and changed back
 * one by one, as ip -d -j shows them and nl_link_get reads them. */
#include <stdbool.h>

#include "nlink/brport.h"
#include "nlink/link.h"
#include "tests/nlinktest.h"

static void assert_port(const char *name, bool iso, bool hairpin, bool learning, bool flood)
{
	json_object *root, *sd;
	struct nl_link l;

	sd = th_jget(th_jget(nlt_ip_link(&root, name), "linkinfo"), "info_slave_data");
	ck_assert_int_eq(th_jbool(sd, "isolated"), iso);
	ck_assert_int_eq(th_jbool(sd, "hairpin"), hairpin);
	ck_assert_int_eq(th_jbool(sd, "learning"), learning);
	ck_assert_int_eq(th_jbool(sd, "flood"), flood);
	json_object_put(root);
	OK(nl_link_get(&S, name, &l, &E));
	ck_assert(l.port.valid);
	ck_assert_int_eq(l.port.isolated, iso);
	ck_assert_int_eq(l.port.hairpin, hairpin);
	ck_assert_int_eq(l.port.learning, learning);
	ck_assert_int_eq(l.port.unicast_flood, flood);
}

static const struct nl_brport all_flags_flipped = {
	.mask = NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN | NL_BRPORT_LEARNING |
		NL_BRPORT_UNICAST_FLOOD,
	.isolated = true,
	.hairpin = true,
	.learning = false,
	.unicast_flood = false,
};

START_TEST(port_flags_by_name_apply_in_the_batch_that_creates_and_enslaves)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	/* One batch: make the port, enslave it, set its flags, all by name. */
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nl_link_change_msg(B, 0, "v0", &m));
	OK(nl_brport_set_msg(B, 0, "v0", &all_flags_flipped));
	OK(nlt_send());
	assert_port("v0", true, true, false, false);
}
END_TEST

START_TEST(port_flags_by_index_go_as_af_bridge_right_after_enslaving)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	struct nl_brport back = {
		.mask = all_flags_flipped.mask, .learning = true, .unicast_flood = true};
	int port;

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	port = nlt_ifindex("v0");
	OK(nl_link_change_msg(B, port, NULL, &m));
	OK(nl_brport_set_msg(B, port, "v0", &all_flags_flipped));
	OK(nlt_send());
	assert_port("v0", true, true, false, false);
	OK(nl_brport_set_msg(B, port, "v0", &back));
	OK(nlt_send());
	assert_port("v0", false, false, true, true);
}
END_TEST

START_TEST(port_flags_change_back_and_only_the_masked_ones_change)
{
	struct nl_link_change m = {.mask = NL_LINK_MASTER};
	struct nl_brport iso_off = {.mask = NL_BRPORT_ISOLATED, .isolated = false};

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nl_veth_add_msg(B, "v0", "v1", -1));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	OK(nl_link_change(&S, "v0", &m, &E));
	assert_port("v0", false, false, true, true); /* the kernel's defaults */
	OK(nl_brport_set(&S, "v0", &all_flags_flipped, &E));
	assert_port("v0", true, true, false, false);
	OK(nl_brport_set(&S, "v0", &iso_off, &E));
	assert_port("v0", false, true, false, false);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_brport");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, port_flags_by_name_apply_in_the_batch_that_creates_and_enslaves);
	tcase_add_test(t, port_flags_by_index_go_as_af_bridge_right_after_enslaving);
	tcase_add_test(t, port_flags_change_back_and_only_the_masked_ones_change);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_brport", true);
}
