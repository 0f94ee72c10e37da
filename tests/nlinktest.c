/* nlinktest — see nlinktest.h. */
#include "tests/nlinktest.h"

#include <net/if.h>

#include "nlink/link.h"

struct nl_sock S;
struct nl_batch *B;
struct nl_err E;

void nlt_batch_setup(void)
{
	B = nl_batch_new();
	ck_assert_ptr_nonnull(B);
}

void nlt_batch_teardown(void)
{
	nl_batch_free(B);
	B = NULL;
}

void nlt_setup(void)
{
	th_netns_setup();
	ck_assert_int_eq(nl_sock_open(&S, NETLINK_ROUTE, &E), 0);
	nlt_batch_setup();
}

void nlt_teardown(void)
{
	nlt_batch_teardown();
	nl_sock_close(&S);
	th_netns_teardown();
}

const char *nlt_errline(void)
{
	static char buf[512];

	return nl_err_str(&E, buf, sizeof(buf));
}

struct nl_prefix P(const char *s) {
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
}

struct nlmsghdr *
nlt_only_msg(void)
{
	nl_batch_finish(B);
	ck_assert_uint_eq(B->n, 1);
	return nl_batch_msg(B, 0);
}

static int tb_cb(const struct nlattr *a, void *data)
{
	struct nlt_tb *t = data;
	uint16_t type = mnl_attr_get_type(a);

	ck_assert_uint_lt(type, NLT_TYPES);
	t->dups += t->a[type] != NULL;
	t->a[type] = a;
	t->count++;
	return MNL_CB_OK;
}

struct nlt_tb nlt_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen)
{
	struct nlt_tb t = {0};

	ck_assert_int_eq(mnl_attr_parse(nlh, (unsigned)hdrlen, tb_cb, &t), MNL_CB_OK);
	ck_assert_uint_eq(t.dups, 0);
	return t;
}

struct nlt_tb nlt_payload_attrs(const void *p, size_t len)
{
	struct nlt_tb t = {0};

	ck_assert_int_eq(mnl_attr_parse_payload(p, len, tb_cb, &t), MNL_CB_OK);
	return t;
}

/* strict kernel policies insist on NLA_F_NESTED */
struct nlt_tb nlt_nest_attrs(const struct nlattr *nest)
{
	struct nlt_tb t = {0};

	ck_assert_ptr_nonnull(nest);
	ck_assert_msg(nest->nla_type & NLA_F_NESTED, "nest %u lacks NLA_F_NESTED",
		      mnl_attr_get_type(nest));
	ck_assert_int_eq(mnl_attr_parse_nested(nest, tb_cb, &t), MNL_CB_OK);
	return t;
}

uint32_t nlt_u32(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_U32), 0);
	return mnl_attr_get_u32(a);
}

uint8_t nlt_u8(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_U8), 0);
	return mnl_attr_get_u8(a);
}

const char *nlt_str(const struct nlattr *a)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), 0);
	return mnl_attr_get_str(a);
}

int nlt_send(void)
{
	int r = nl_batch_send(&S, B, NULL, NULL, &E);

	nl_batch_reset(B);
	return r;
}

void nlt_veth(const char *a, const char *b)
{
	OK(nl_veth_add_msg(B, a, b, -1));
	OK(nlt_send());
}

int nlt_ifindex(const char *name)
{
	int i = (int)if_nametoindex(name);

	ck_assert_msg(i > 0, "no link %s", name);
	return i;
}

json_object *nlt_ip_link(json_object **root, const char *name)
{
	json_object *l;

	*root = th_json("ip -d -j link show dev %s", name);
	l = th_jlink(*root, name);
	ck_assert_msg(l != NULL, "ip does not show %s", name);
	return l;
}
