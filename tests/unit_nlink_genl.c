/* Unit tests of nlink's generic netlink requests (no kernel involved): the
 * family lookup and ethtool's feature get and set (named bits, values only
 * for those turned on, no mask), decoded back with libmnl's own attribute
 * parser. */
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <string.h>

#include "nlink/ethtool.h"
#include "nlink/genl.h"
#include "tests/nlinktest.h"

static const struct genlmsghdr *genl_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

START_TEST(genl_family_request_names_the_family)
{
	struct nlmsghdr *m;
	struct nlt_tb t;

	ck_assert_int_eq(nl_genl_family_msg(B, "ethtool"), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, GENL_ID_CTRL);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(genl_of(m)->cmd, CTRL_CMD_GETFAMILY);
	ck_assert_uint_eq(genl_of(m)->version, 1);
	t = nlt_msg_attrs(m, sizeof(struct genlmsghdr));
	ck_assert_str_eq(nlt_str(t.a[CTRL_ATTR_FAMILY_NAME]), "ethtool");
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

START_TEST(ethtool_get_names_the_device_and_asks_for_verbose_bitsets)
{
	struct nlmsghdr *m;
	struct nlt_tb t, hdr;

	ck_assert_int_eq(nl_ethtool_features_get_msg(B, 27, "v0"), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, 27);
	ck_assert_uint_eq(genl_of(m)->cmd, ETHTOOL_MSG_FEATURES_GET);
	ck_assert_uint_eq(genl_of(m)->version, ETHTOOL_GENL_VERSION);
	t = nlt_msg_attrs(m, sizeof(struct genlmsghdr));
	hdr = nlt_nest_attrs(t.a[ETHTOOL_A_FEATURES_HEADER]);
	ck_assert_str_eq(nlt_str(hdr.a[ETHTOOL_A_HEADER_DEV_NAME]), "v0");
	ck_assert_ptr_null(hdr.a[ETHTOOL_A_HEADER_FLAGS]); /* not compact: names come back */
}
END_TEST

START_TEST(ethtool_set_lists_named_bits_with_value_only_for_on_and_no_nomask)
{
	const char *names[] = {"rx-gro", "tx-tcp-segmentation", "tx-generic-segmentation"};
	bool on[] = {true, false, true};
	const struct nlattr *bit;
	struct nlmsghdr *m;
	struct nlt_tb t, hdr, wanted;
	unsigned i = 0;

	ck_assert_int_eq(nl_ethtool_features_set_msg(B, 27, "v0", names, on, 3), 0);
	m = nlt_only_msg();
	ck_assert_uint_eq(m->nlmsg_type, 27);
	ck_assert_uint_eq(genl_of(m)->cmd, ETHTOOL_MSG_FEATURES_SET);
	ck_assert_str_eq(B->req[0].obj, "link v0");
	ck_assert_str_eq(B->req[0].op, "set features");
	t = nlt_msg_attrs(m, sizeof(struct genlmsghdr));
	hdr = nlt_nest_attrs(t.a[ETHTOOL_A_FEATURES_HEADER]);
	ck_assert_str_eq(nlt_str(hdr.a[ETHTOOL_A_HEADER_DEV_NAME]), "v0");
	wanted = nlt_nest_attrs(t.a[ETHTOOL_A_FEATURES_WANTED]);
	ck_assert_ptr_null(wanted.a[ETHTOOL_A_BITSET_NOMASK]); /* only named bits change */
	ck_assert_ptr_null(wanted.a[ETHTOOL_A_BITSET_VALUE]);
	ck_assert_uint_eq(wanted.count, 1);
	mnl_attr_for_each_nested(
		bit, nlt_nest_attrs(t.a[ETHTOOL_A_FEATURES_WANTED]).a[ETHTOOL_A_BITSET_BITS])
	{
		struct nlt_tb b = nlt_nest_attrs(bit);

		ck_assert_uint_lt(i, 3);
		ck_assert_uint_eq(mnl_attr_get_type(bit), ETHTOOL_A_BITSET_BITS_BIT);
		ck_assert_str_eq(nlt_str(b.a[ETHTOOL_A_BITSET_BIT_NAME]), names[i]);
		ck_assert_ptr_null(b.a[ETHTOOL_A_BITSET_BIT_INDEX]);
		ck_assert_int_eq(b.a[ETHTOOL_A_BITSET_BIT_VALUE] != NULL, on[i]);
		if (on[i])
			ck_assert_uint_eq(mnl_attr_get_payload_len(b.a[ETHTOOL_A_BITSET_BIT_VALUE]),
					  0);
		i++;
	}
	ck_assert_uint_eq(i, 3);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_nlink_genl");
	TCase *t = tcase_create("builders");

	tcase_add_checked_fixture(t, nlt_batch_setup, nlt_batch_teardown);
	tcase_add_test(t, genl_family_request_names_the_family);
	tcase_add_test(t, ethtool_get_names_the_device_and_asks_for_verbose_bitsets);
	tcase_add_test(t, ethtool_set_lists_named_bits_with_value_only_for_on_and_no_nomask);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_nlink_genl", false);
}
