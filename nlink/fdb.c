/* fdb — forwarding-database entries; see fdb.h. Owns the ndmsg and NDA_*
 * encoding of a bridge-family neighbour message, the way iproute2's bridge
 * fdb sends it: a VXLAN device's own entries (NTF_SELF), permanent. */
#include "nlink/fdb.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "nlink/internal.h"

static bool dst_ok(const struct nl_prefix *dst)
{
	return dst && (dst->family == AF_INET || dst->family == AF_INET6);
}

static int put_entry(struct nl_batch *b, uint16_t type, uint16_t flags, int ifindex,
		     const char *name, const uint8_t mac[6], const struct nl_prefix *dst,
		     const char *op)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	char d[NL_PREFIX_STRLEN];

	if (ifindex <= 0 || !mac || !dst_ok(dst))
		return -EINVAL;
	nlh = nl_batch_add(b, type, flags, op, "fdb %.16s dst %s", name && name[0] ? name : "?",
			   nl_prefix_str(dst, false, d, sizeof(d)));
	if (!nlh)
		return -ENOBUFS;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	mnl_attr_put(nlh, NDA_DST, dst->family == AF_INET ? 4 : 16, dst->a.b);
	return 0;
}

int nl_fdb_append_msg(struct nl_batch *b, int ifindex, const char *name, const uint8_t mac[6],
		      const struct nl_prefix *dst)
{
	return put_entry(b, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, ifindex, name, mac, dst,
			 "append");
}

int nl_fdb_del_msg(struct nl_batch *b, int ifindex, const char *name, const uint8_t mac[6],
		   const struct nl_prefix *dst)
{
	return put_entry(b, RTM_DELNEIGH, 0, ifindex, name, mac, dst, "delete");
}

int nl_fdb_dump_msg(struct nl_batch *b, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (ifindex <= 0)
		return -EINVAL;
	nlh = nl_batch_add(b, RTM_GETNEIGH, NLM_F_DUMP, "list", "fdb of link #%d", ifindex);
	if (!nlh)
		return -ENOBUFS;
	/* strict checking: the port filter is the header's ifindex */
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	return 0;
}

int nl_fdb_dump_master_msg(struct nl_batch *b, int master)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (master <= 0)
		return -EINVAL;
	nlh = nl_batch_add(b, RTM_GETNEIGH, NLM_F_DUMP, "list", "fdb of bridge #%d", master);
	if (!nlh)
		return -ENOBUFS;
	/* strict checking: the bridge filter is NDA_MASTER (the header's
	 * ifindex would filter by port: of a bridge, only its own entries) */
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	mnl_attr_put_u32(nlh, NDA_MASTER, (uint32_t)master);
	return 0;
}

int nl_fdb_parse(const struct nlmsghdr *nlh, struct nl_fdb *out)
{
	const struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	size_t len;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWNEIGH || nl_tb_parse(nlh, sizeof(*ndm), tb, NDA_MAX) < 0 ||
	    ndm->ndm_family != AF_BRIDGE)
		return -EBADMSG;
	out->ifindex = ndm->ndm_ifindex;
	out->flags = ndm->ndm_flags;
	out->state = ndm->ndm_state;
	out->master = (int)nl_tb_u32(tb[NDA_MASTER], 0);
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR]) == 6)
		memcpy(out->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
	if (tb[NDA_DST]) {
		len = mnl_attr_get_payload_len(tb[NDA_DST]);
		if (len == 4 || len == 16) {
			out->dst.family = len == 4 ? AF_INET : AF_INET6;
			out->dst.len = (uint8_t)(len * 8);
			memcpy(out->dst.a.b, mnl_attr_get_payload(tb[NDA_DST]), len);
		}
	}
	return 0;
}

static int list_parse(const struct nlmsghdr *nlh, void *rec)
{
	struct nl_fdb *f = rec;
	int err = nl_fdb_parse(nlh, f);

	return err ? NL_DUMP_SKIP : 0;
}

int nl_fdb_list(struct nl_sock *s, int ifindex, struct nl_fdb **out, unsigned *n, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	unsigned k = 0;
	char obj[32];
	void *v;
	int err;

	snprintf(obj, sizeof(obj), "fdb of link #%d", ifindex);
	err = nl_dump_collect(s, b, nl_fdb_dump_msg(b, ifindex), sizeof(**out), list_parse, &v, n,
			      e, obj);
	*out = v;
	if (err)
		return err;
	/* a kernel without strict checking ignores the filter: keep the
	 * device's own */
	for (unsigned i = 0; i < *n; i++)
		if ((*out)[i].ifindex == ifindex)
			(*out)[k++] = (*out)[i];
	*n = k;
	return 0;
}
