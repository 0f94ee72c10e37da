/* Namespace tests of nlink's VXLAN devices (nlink/link.c), their bridge-port
 * flags (nlink/brport.c: learning, neighbour suppression) and forwarding
 * entries (nlink/fdb.c): made and read back as ip -d -j and bridge -j fdb
 * show them and as nlink itself decodes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/brport.h"
#include "nlink/fdb.h"
#include "nlink/link.h"
#include "tests/nlinktest.h"

static const uint8_t ZERO[6];

/* vx100 (VNI 100, local 192.0.2.1) made and enslaved to isbr in one batch,
 * its port's learning off and neighbour suppression on, by name. */
static void make_port(bool learning)
{
	struct nl_vxlan_opts o = {
		.vni = 100, .local = P("192.0.2.1"), .learning = learning, .mtu = 1450};
	struct nl_link_change m = {.mask = NL_LINK_MASTER | NL_LINK_UP};
	struct nl_brport p = {.mask = NL_BRPORT_LEARNING | NL_BRPORT_NEIGH_SUPPRESS,
			      .learning = learning,
			      .neigh_suppress = !learning};

	OK(nl_bridge_add_msg(B, "isbr", NULL));
	OK(nlt_send());
	m.master = nlt_ifindex("isbr");
	OK(nl_vxlan_add_msg(B, "vx100", &o));
	OK(nl_link_change_msg(B, 0, "vx100", &m));
	OK(nl_brport_set_msg(B, 0, "vx100", &p));
	OK(nlt_send());
}

START_TEST(vxlan_port_is_made_with_vni_local_port_and_flags)
{
	json_object *root, *info, *data, *sd;
	struct nl_link l;

	make_port(false);
	info = th_jget(nlt_ip_link(&root, "vx100"), "linkinfo");
	ck_assert_str_eq(th_jstr(info, "info_kind"), "vxlan");
	data = th_jget(info, "info_data");
	ck_assert_int_eq(th_jint(data, "id"), 100);
	ck_assert_str_eq(th_jstr(data, "local"), "192.0.2.1");
	ck_assert_int_eq(th_jint(data, "port"), 4789);
	ck_assert_int_eq(th_jbool(data, "learning"), false);
	sd = th_jget(info, "info_slave_data");
	ck_assert_int_eq(th_jbool(sd, "learning"), false);
	ck_assert_int_eq(th_jbool(sd, "neigh_suppress"), true);
	json_object_put(root);
	OK(nl_link_get(&S, "vx100", &l, &E));
	ck_assert(l.vxlan.valid);
	ck_assert_uint_eq(l.vxlan.vni, 100);
	ck_assert(nl_prefix_equal(&l.vxlan.local, &(struct nl_prefix){0}) == false);
	ck_assert_uint_eq(l.vxlan.dstport, 4789);
	ck_assert(!l.vxlan.learning);
	ck_assert_uint_eq(l.mtu, 1450);
	ck_assert(l.port.valid && !l.port.learning && l.port.neigh_suppress);
}
END_TEST

START_TEST(fdb_append_keeps_each_remote_and_delete_takes_one)
{
	struct nl_prefix a = P("192.0.2.2"), b = P("192.0.2.3");
	struct nl_fdb *f;
	unsigned n, zero = 0;
	int vx;
	const char *out;

	make_port(true);
	vx = nlt_ifindex("vx100");
	OK(nl_fdb_append_msg(B, vx, "vx100", ZERO, &a));
	OK(nl_fdb_append_msg(B, vx, "vx100", ZERO, &b));
	OK(nlt_send());
	out = th_str("bridge fdb show dev vx100 | grep '^00:00:00:00:00:00' | sort");
	ck_assert_str_eq(out, "00:00:00:00:00:00 dst 192.0.2.2 self permanent\n"
			      "00:00:00:00:00:00 dst 192.0.2.3 self permanent\n");
	/* the same remote again changes nothing: an apply may repeat it */
	OK(nl_fdb_append_msg(B, vx, "vx100", ZERO, &a));
	OK(nlt_send());
	OK(nl_fdb_list(&S, vx, &f, &n, &E));
	for (unsigned i = 0; i < n; i++) {
		ck_assert_int_eq(f[i].ifindex, vx);
		if (!memcmp(f[i].mac, ZERO, 6) && f[i].dst.family == AF_INET)
			zero++;
	}
	free(f);
	ck_assert_uint_eq(zero, 2);
	OK(nl_fdb_del_msg(B, vx, "vx100", ZERO, &a));
	OK(nlt_send());
	out = th_str("bridge fdb show dev vx100 | grep '^00:00:00:00:00:00'");
	ck_assert_str_eq(out, "00:00:00:00:00:00 dst 192.0.2.3 self permanent\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_vxlan");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, vxlan_port_is_made_with_vni_local_port_and_flags);
	tcase_add_test(t, fdb_append_keeps_each_remote_and_delete_takes_one);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_vxlan", true);
}
