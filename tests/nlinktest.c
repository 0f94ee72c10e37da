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

struct nl_prefix P(const char *s)
{
	struct nl_prefix p;

	ck_assert_int_eq(nl_prefix_parse(s, NL_PREFIX_PLAIN, NULL, &p, NULL), 0);
	return p;
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
