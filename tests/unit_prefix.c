/* Unit tests: interface names, address parsing and subnet arithmetic, the
 * error line, and the request batch (no kernel involved). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "common/err.h"
#include "common/ifname.h"
#include "common/prefix.h"
#include "nlink/sock.h"
#include "tests/nlinktest.h"

static const struct {
	const char *name;
	bool ok;
} names[] = {
	{"isbr", true}, {"vnet-tap0", true},
	{"a", true},	{"abcdefghijklmno", true},
	{"", false},	{"abcdefghijklmnop", false},
	{".", false},	{"..", false},
	{"a/b", false}, {"a:b", false},
	{"a b", false}, {"a\tb", false},
	{"\n", false},	{"...", true},
	{"é", true},
};

START_TEST(ifname_table_accepts_exactly_the_kernels_names)
{
	struct nl_err e;
	int r = nl_ifname_check(names[_i].name, "bridge", &e);

	ck_assert_msg((r == 0) == names[_i].ok, "\"%s\": got %d", names[_i].name, r);
	if (!names[_i].ok) {
		char line[256];

		ck_assert_int_eq(r, -EINVAL);
		nl_err_str(&e, line, sizeof(line));
		ck_assert_msg(strstr(line, "bridge name"), "%s", line);
	}
}
END_TEST

static const struct {
	const char *text;
	int mode;
	int ok;
	const char *canon; /* nl_prefix_str with length */
	const char *msg;   /* part of the error */
} addrs[] = {
	{"10.0.0.0/8", NL_PREFIX_NEED_LEN, 1, "10.0.0.0/8", NULL},
	{"10.0.0.1/8", NL_PREFIX_NEED_LEN, 1, "10.0.0.1/8", NULL},
	{"0.0.0.0/0", NL_PREFIX_NEED_LEN, 1, "0.0.0.0/0", NULL},
	{"fd00::1/64", NL_PREFIX_NEED_LEN, 1, "fd00::1/64", NULL},
	{"10.0.0.1", NL_PREFIX_PLAIN, 1, "10.0.0.1/32", NULL},
	{"fd00::1", NL_PREFIX_PLAIN, 1, "fd00::1/128", NULL},
	{"10.0.0.0/33", NL_PREFIX_NEED_LEN, 0, NULL, "prefix length must be 0..32"},
	{"fd00::/129", NL_PREFIX_NEED_LEN, 0, NULL, "prefix length must be 0..128"},
	{"300.1.2.0/24", NL_PREFIX_NEED_LEN, 0, NULL, "not an IPv4 or IPv6 address"},
	{"", NL_PREFIX_NEED_LEN, 0, NULL, "empty"},
	{"10.0.0.0", NL_PREFIX_NEED_LEN, 0, NULL, "needs a prefix length"},
	{"10.0.0.0/", NL_PREFIX_NEED_LEN, 0, NULL, "prefix length must be"},
	{"10.0.0.0/-1", NL_PREFIX_NEED_LEN, 0, NULL, "prefix length must be"},
	{"10.0.0.0/8x", NL_PREFIX_NEED_LEN, 0, NULL, "prefix length must be"},
	{"10.0.0.1/24", NL_PREFIX_NO_LEN, 0, NULL, "takes no prefix length"},
	{"/24", NL_PREFIX_NEED_LEN, 0, NULL, "not an IPv4 or IPv6 address"},
};

START_TEST(prefix_parse_accepts_good_and_names_what_is_wrong)
{
	struct nl_prefix p;
	struct nl_err e;
	char buf[NL_PREFIX_STRLEN], line[256];
	int r = nl_prefix_parse(addrs[_i].text, addrs[_i].mode, "subnet", &p, &e);

	if (addrs[_i].ok) {
		ck_assert_int_eq(r, 0);
		ck_assert_str_eq(nl_prefix_str(&p, true, buf, sizeof(buf)), addrs[_i].canon);
		return;
	}
	ck_assert_int_eq(r, -EINVAL);
	nl_err_str(&e, line, sizeof(line));
	ck_assert_msg(strstr(line, addrs[_i].msg), "\"%s\": %s", addrs[_i].text, line);
	ck_assert_msg(strncmp(line, "subnet ", 7) == 0, "%s", line);
	if (addrs[_i].text[0])
		ck_assert_msg(strstr(line, addrs[_i].text), "%s", line);
}
END_TEST

/* p as text, for comparing: four at a time. */
static const char *text(struct nl_prefix p)
{
	static char buf[4][NL_PREFIX_STRLEN];
	static int k;

	k = (k + 1) % 4;
	return nl_prefix_str(&p, true, buf[k], sizeof(buf[k]));
}

START_TEST(prefix_arithmetic_on_ipv4_and_ipv6)
{
	struct nl_prefix p = P("10.0.0.1/8"), q;

	ck_assert(nl_prefix_has_host_bits(&p));
	ck_assert_str_eq(text(nl_prefix_network(&p)), "10.0.0.0/8");
	ck_assert(!nl_prefix_has_host_bits(&(struct nl_prefix){.family = AF_INET, .len = 0}));
	ck_assert(nl_prefix_nth(&p, 1, &q));
	ck_assert_str_eq(text(q), "10.0.0.1/8");
	ck_assert(nl_prefix_nth(&p, 256 + 2, &q));
	ck_assert_str_eq(text(q), "10.0.1.2/8");
	ck_assert_str_eq(text(nl_prefix_last(&p)), "10.255.255.255/8");
	ck_assert_uint_eq(nl_prefix_size(&p), 1u << 24);
	ck_assert_uint_eq(nl_prefix_index(&p, &q), 258);
	ck_assert(!nl_prefix_nth(&(struct nl_prefix){.family = AF_INET, .len = 30}, 4, &q));

	p = P("192.168.1.0/24");
	ck_assert(nl_prefix_contains(&p, &(struct nl_prefix[]){P("192.168.1.77")}[0]));
	ck_assert(!nl_prefix_contains(&p, &(struct nl_prefix[]){P("192.168.2.1")}[0]));
	ck_assert(nl_prefix_overlaps(&p, &(struct nl_prefix[]){P("192.168.0.0/16")}[0]));
	ck_assert(nl_prefix_overlaps(&(struct nl_prefix[]){P("192.168.0.0/16")}[0], &p));
	ck_assert(!nl_prefix_overlaps(&p, &(struct nl_prefix[]){P("192.168.2.0/24")}[0]));
	ck_assert(!nl_prefix_overlaps(&p, &(struct nl_prefix[]){P("fd00::/8")}[0]));

	p = P("fd00:1:2:3::/64");
	ck_assert(nl_prefix_nth(&p, 0x10001, &q));
	ck_assert_str_eq(text(q), "fd00:1:2:3::1:1/64");
	ck_assert_uint_eq(nl_prefix_size(&p), UINT64_MAX);
	ck_assert_str_eq(text(nl_prefix_last(&p)), "fd00:1:2:3:ffff:ffff:ffff:ffff/64");
	ck_assert(nl_prefix_equal(&p, &(struct nl_prefix[]){P("fd00:1:2:3::/64")}[0]));
}
END_TEST

START_TEST(err_line_names_object_operation_and_kernel_text)
{
	struct nl_err e;
	char line[400];

	nl_err_set(&e, -EEXIST, "create", "bridge %s", "isbr");
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)), "bridge isbr: create: File exists");
	strcpy(e.msg, "MTU too big");
	e.kernel = 1;
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)),
			 "bridge isbr: create: File exists: MTU too big");
	nl_err_set(&e, -EINVAL, "", "subnet %s", "10.0.0.0/33");
	nl_err_msg(&e, "prefix length must be 0..32");
	ck_assert_str_eq(nl_err_str(&e, line, sizeof(line)),
			 "subnet 10.0.0.0/33: prefix length must be 0..32");
}
END_TEST

START_TEST(batch_holds_several_requests_with_acks_and_labels)
{
	struct nl_batch *b = nl_batch_new();
	struct nlmsghdr *m;

	ck_assert_ptr_nonnull(
		nl_batch_add(b, RTM_NEWLINK, NLM_F_CREATE, "create", "bridge %s", "x"));
	ck_assert_ptr_nonnull(nl_batch_add(b, RTM_GETLINK, NLM_F_DUMP, "list", "links"));
	ck_assert_ptr_nonnull(nl_batch_add_noack(b, 0x10, 0));
	nl_batch_finish(b);
	ck_assert_uint_eq(b->n, 3);
	m = nl_batch_msg(b, 0);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK);
	ck_assert_str_eq(b->req[0].obj, "bridge x");
	ck_assert_str_eq(b->req[0].op, "create");
	m = nl_batch_msg(b, 1);
	ck_assert_uint_eq(m->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_ptr_eq((char *)m, b->buf + MNL_ALIGN(nl_batch_msg(b, 0)->nlmsg_len));
	ck_assert_uint_eq(nl_batch_msg(b, 2)->nlmsg_flags, NLM_F_REQUEST);
	ck_assert_ptr_null(nl_batch_msg(b, 3));
	nl_batch_free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_prefix");
	TCase *t = tcase_create("pure");

	tcase_add_loop_test(t, ifname_table_accepts_exactly_the_kernels_names, 0,
			    sizeof(names) / sizeof(names[0]));
	tcase_add_loop_test(t, prefix_parse_accepts_good_and_names_what_is_wrong, 0,
			    sizeof(addrs) / sizeof(addrs[0]));
	tcase_add_test(t, prefix_arithmetic_on_ipv4_and_ipv6);
	tcase_add_test(t, err_line_names_object_operation_and_kernel_text);
	tcase_add_test(t, batch_holds_several_requests_with_acks_and_labels);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_prefix", false);
}
