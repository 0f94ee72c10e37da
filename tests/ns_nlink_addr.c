/* Namespace tests of nlink's addresses (nlink/addr.c): IPv4 with broadcast,
 * label and lifetimes, IPv6 with flags, listed and deleted, as ip -j addr
 * shows them; the kernel's own words when one exists. */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/link.h"
#include "tests/nlinktest.h"

/* The addr_info entry of dev with this local address. */
static json_object *ip_addr(json_object **root, const char *dev, const char *local)
{
	json_object *info;

	*root = th_json("ip -j addr show dev %s", dev);
	info = th_jget(json_object_array_get_idx(*root, 0), "addr_info");
	for (size_t i = 0; info && i < json_object_array_length(info); i++) {
		json_object *a = json_object_array_get_idx(info, i);

		if (!strcmp(th_jstr(a, "local"), local))
			return a;
	}
	ck_abort_msg("ip shows no %s on %s", local, dev);
	return NULL;
}

START_TEST(ipv4_address_is_added_with_broadcast_label_and_lifetimes)
{
	struct nl_ifaddr a = {
		.addr = P("10.1.2.3/24"), .valid_lft = 600, .preferred_lft = 300, .label = "v0:gw"};
	json_object *root, *j;
	struct nl_ifaddr *v;
	unsigned n;

	nlt_veth("v0", "v1");
	a.ifindex = nlt_ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(nlt_send());
	j = ip_addr(&root, "v0", "10.1.2.3");
	ck_assert_int_eq(th_jint(j, "prefixlen"), 24);
	ck_assert_str_eq(th_jstr(j, "broadcast"), "10.1.2.255");
	ck_assert_str_eq(th_jstr(j, "label"), "v0:gw");
	ck_assert_int_le(th_jint(j, "valid_life_time"), 600);
	ck_assert_int_gt(th_jint(j, "valid_life_time"), 590);
	ck_assert_int_le(th_jint(j, "preferred_life_time"), 300);
	json_object_put(root);
	OK(nl_addr_list(&S, AF_INET, a.ifindex, &v, &n, &E));
	ck_assert_uint_eq(n, 1);
	ck_assert(nl_prefix_equal(&v[0].addr, &a.addr));
	ck_assert_str_eq(v[0].label, "v0:gw");
	ck_assert_uint_le(v[0].valid_lft, 600);
	ck_assert_uint_gt(v[0].valid_lft, 590);
	ck_assert_uint_le(v[0].preferred_lft, 300);
	free(v);
	OK(nl_addr_add_msg(B, &a, "v0"));
	ck_assert_int_eq(nlt_send(), -EEXIST);
	/* This kernel adds its own words: "ipv4: Address already assigned". */
	ck_assert_msg(!strncmp(nlt_errline(), "address 10.1.2.3/24 on v0: add: File exists", 43),
		      "%s", nlt_errline());
}
END_TEST

START_TEST(ipv6_address_is_added_with_flags_and_lifetimes)
{
	struct nl_ifaddr a = {.addr = P("fd00::1/64"),
			      .flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE,
			      .valid_lft = 600,
			      .preferred_lft = 300};
	struct nl_ifaddr p = {.addr = P("fd00:1::1/64"), .flags = IFA_F_NODAD};
	json_object *root, *j;
	struct nl_ifaddr *v;
	unsigned n, seen = 0;

	nlt_veth("v0", "v1");
	a.ifindex = p.ifindex = nlt_ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(nl_addr_add_msg(B, &p, "v0"));
	OK(nlt_send());
	j = ip_addr(&root, "v0", "fd00::1");
	ck_assert(th_jbool(j, "nodad"));
	ck_assert(th_jbool(j, "noprefixroute"));
	ck_assert_int_le(th_jint(j, "valid_life_time"), 600);
	ck_assert_int_gt(th_jint(j, "valid_life_time"), 590);
	json_object_put(root);
	j = ip_addr(&root, "v0", "fd00:1::1");
	ck_assert_ptr_null(th_jget(j, "dynamic")); /* no lifetimes: permanent */
	ck_assert_ptr_null(th_jget(j, "noprefixroute"));
	json_object_put(root);
	OK(nl_addr_list(&S, AF_INET6, a.ifindex, &v, &n, &E));
	for (unsigned i = 0; i < n; i++) {
		if (nl_prefix_equal(&v[i].addr, &a.addr)) {
			ck_assert_uint_eq(v[i].flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE),
					  IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
			ck_assert_uint_le(v[i].preferred_lft, 300);
			seen++;
		}
		if (nl_prefix_equal(&v[i].addr, &p.addr)) {
			ck_assert(v[i].flags & IFA_F_PERMANENT);
			ck_assert_uint_eq(v[i].valid_lft, NL_LIFETIME_FOREVER);
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 2);
	free(v);
}
END_TEST

START_TEST(address_list_agrees_with_ip_and_delete_removes_one)
{
	const char *addrs[] = {"10.1.2.3/24", "10.1.3.3/24", "fd00::3/64"};
	struct nl_ifaddr a = {0}, *v;
	json_object *root, *info;
	unsigned n;

	nlt_veth("v0", "v1");
	a.ifindex = nlt_ifindex("v0");
	for (unsigned i = 0; i < 3; i++) {
		a.addr = P(addrs[i]);
		a.flags = IFA_F_NODAD;
		OK(nl_addr_add_msg(B, &a, "v0"));
	}
	OK(nlt_send());
	OK(nl_addr_list(&S, AF_UNSPEC, a.ifindex, &v, &n, &E));
	root = th_json("ip -j addr show dev v0");
	info = th_jget(json_object_array_get_idx(root, 0), "addr_info");
	ck_assert_uint_eq(n, json_object_array_length(info)); /* fe80:: stays off: link down */
	for (unsigned i = 0; i < n; i++) {
		char s[NL_PREFIX_STRLEN];
		json_object *j = json_object_array_get_idx(info, i);

		nl_prefix_str(&v[i].addr, false, s, sizeof(s));
		ck_assert_str_eq(th_jstr(j, "local"), s);
		ck_assert_int_eq(th_jint(j, "prefixlen"), v[i].addr.len);
	}
	json_object_put(root);
	free(v);
	a.addr = P("10.1.3.3/24");
	OK(nl_addr_del_msg(B, &a, "v0"));
	OK(nlt_send());
	ck_assert(th_sh("ip -j addr show dev v0 | grep -q 10.1.3.3") != 0);
	ck_assert(th_sh("ip -j addr show dev v0 | grep -q 10.1.2.3") == 0);
	OK(nl_addr_list(&S, AF_INET, 0, &v, &n, &E));
	ck_assert_uint_eq(n, 2); /* 127.0.0.1 and 10.1.2.3 */
	free(v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_addr");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, ipv4_address_is_added_with_broadcast_label_and_lifetimes);
	tcase_add_test(t, ipv6_address_is_added_with_flags_and_lifetimes);
	tcase_add_test(t, address_list_agrees_with_ip_and_delete_removes_one);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_addr", true);
}
