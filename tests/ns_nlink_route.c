/* Namespace tests of nlink's routes (nlink/route.c): added, replaced and
 * deleted with gateway, metric and protocol; the scopes ip would give a
 * default and an on-link route; the main table listed as ip -j route shows
 * it, both families, without the local table. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "nlink/addr.h"
#include "nlink/link.h"
#include "nlink/route.h"
#include "tests/nlinktest.h"

/* v0 up with 10.1.2.3/24, its peer up too so the link has carrier. */
static void routed_veth(void)
{
	struct nl_link_change up = {.mask = NL_LINK_UP};
	struct nl_ifaddr a = {.addr = P("10.1.2.3/24")};

	nlt_veth("v0", "v1");
	a.ifindex = nlt_ifindex("v0");
	OK(nl_addr_add_msg(B, &a, "v0"));
	OK(nl_link_change_msg(B, 0, "v0", &up));
	OK(nl_link_change_msg(B, 0, "v1", &up));
	OK(nlt_send());
}

static json_object *ip_route(json_object **root, const char *dst)
{
	*root = th_json("ip -d -j route show table main"); /* -d: shows proto boot */
	for (size_t i = 0; i < json_object_array_length(*root); i++) {
		json_object *r = json_object_array_get_idx(*root, i);

		if (!strcmp(th_jstr(r, "dst"), dst))
			return r;
	}
	return NULL;
}

START_TEST(route_is_added_replaced_and_deleted_with_gateway_metric_and_protocol)
{
	struct nl_route r = {.family = AF_INET,
			     .dst = P("10.9.0.0/16"),
			     .gw = P("10.1.2.254"),
			     .metric = 50,
			     .protocol = RTPROT_STATIC};
	json_object *root, *j;

	routed_veth();
	r.oif = nlt_ifindex("v0");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	OK(nlt_send());
	j = ip_route(&root, "10.9.0.0/16");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.254");
	ck_assert_str_eq(th_jstr(j, "dev"), "v0");
	ck_assert_int_eq(th_jint(j, "metric"), 50);
	ck_assert_str_eq(th_jstr(j, "protocol"), "static");
	json_object_put(root);
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	ck_assert_int_eq(nlt_send(), -EEXIST);
	ck_assert_str_eq(nlt_errline(), "route 10.9.0.0/16: add: File exists");

	r.gw = P("10.1.2.253");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_REPLACE));
	OK(nlt_send());
	j = ip_route(&root, "10.9.0.0/16");
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.253");
	json_object_put(root);
	ck_assert(th_sh("test $(ip -j route | grep -o 10.9.0.0/16 | wc -l) = 1") == 0);

	OK(nl_route_del_msg(B, &r));
	OK(nlt_send());
	ck_assert_ptr_null(ip_route(&root, "10.9.0.0/16"));
	json_object_put(root);
	OK(nl_route_del_msg(B, &r));
	ck_assert_int_eq(nlt_send(), -ESRCH);
}
END_TEST

START_TEST(default_and_on_link_routes_get_the_scopes_ip_would_give)
{
	struct nl_route dflt = {.family = AF_INET, .gw = P("10.1.2.254")};
	struct nl_route onlink = {.family = AF_INET, .dst = P("10.7.0.0/16")};
	json_object *root, *j;

	routed_veth();
	onlink.oif = nlt_ifindex("v0");
	OK(nl_route_add_msg(B, &dflt, NL_ROUTE_ADD));
	OK(nl_route_add_msg(B, &onlink, NL_ROUTE_ADD));
	OK(nlt_send());
	j = ip_route(&root, "default");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(th_jstr(j, "gateway"), "10.1.2.254");
	ck_assert_str_eq(th_jstr(j, "protocol"), "boot");
	json_object_put(root);
	j = ip_route(&root, "10.7.0.0/16");
	ck_assert_str_eq(th_jstr(j, "scope"), "link");
	json_object_put(root);
}
END_TEST

START_TEST(route_list_agrees_with_ip_for_the_main_table)
{
	struct nl_route r = {.family = AF_INET,
			     .dst = P("10.9.0.0/16"),
			     .gw = P("10.1.2.254"),
			     .metric = 7,
			     .protocol = RTPROT_STATIC};
	struct nl_route r6 = {.family = AF_INET6, .dst = P("fd09::/64"), .metric = 9};
	json_object *root;
	struct nl_route *v;
	unsigned n;

	routed_veth();
	r6.oif = nlt_ifindex("v0");
	OK(nl_route_add_msg(B, &r, NL_ROUTE_ADD));
	OK(nl_route_add_msg(B, &r6, NL_ROUTE_ADD));
	OK(nlt_send());
	OK(nl_route_list(&S, AF_INET, &v, &n, &E));
	root = th_json("ip -j -4 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	for (unsigned i = 0; i < n; i++) {
		char dst[NL_PREFIX_STRLEN];
		json_object *j;

		ck_assert_uint_eq(v[i].table, RT_TABLE_MAIN);
		nl_prefix_str(&v[i].dst, true, dst, sizeof(dst));
		j = json_object_array_get_idx(root, i);
		ck_assert_str_eq(th_jstr(j, "dst"), v[i].dst.len ? dst : "default");
		if (!strcmp(dst, "10.9.0.0/16")) {
			ck_assert_uint_eq(v[i].metric, 7);
			ck_assert_uint_eq(v[i].protocol, RTPROT_STATIC);
			ck_assert(nl_prefix_equal(&v[i].gw, &r.gw));
		}
	}
	json_object_put(root);
	free(v);
	OK(nl_route_list(&S, AF_INET6, &v, &n, &E));
	root = th_json("ip -j -6 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	json_object_put(root);
	free(v);
	/* Both families at once; the local table's routes stay out. */
	OK(nl_route_list(&S, AF_UNSPEC, &v, &n, &E));
	root = th_json("ip -j route show table all");
	ck_assert_uint_lt(n, json_object_array_length(root));
	json_object_put(root);
	root = th_json("ip -j -4 route show table main");
	n -= (unsigned)json_object_array_length(root);
	json_object_put(root);
	root = th_json("ip -j -6 route show table main");
	ck_assert_uint_eq(n, json_object_array_length(root));
	json_object_put(root);
	free(v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_nlink_route");
	TCase *t = tcase_create("netns");

	tcase_add_checked_fixture(t, nlt_setup, nlt_teardown);
	tcase_add_test(t, route_is_added_replaced_and_deleted_with_gateway_metric_and_protocol);
	tcase_add_test(t, default_and_on_link_routes_get_the_scopes_ip_would_give);
	tcase_add_test(t, route_list_agrees_with_ip_for_the_main_table);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_nlink_route", true);
}
