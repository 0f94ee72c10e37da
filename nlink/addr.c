/* addr — IPv4 and IPv6 addresses on links; see addr.h. Owns the IFA_*
 * encoding of add and delete (flags, lifetimes, IPv4 broadcast and label),
 * the filtered dump, and the decoding of RTM_NEWADDR. */
#include "nlink/addr.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "nlink/internal.h"

static bool addr_valid(const struct nl_ifaddr *a)
{
	return a && a->ifindex > 0 && (a->addr.family == AF_INET || a->addr.family == AF_INET6) &&
	       a->addr.len <= nl_prefix_bits(&a->addr);
}

static size_t addr_bytes(const struct nl_prefix *p)
{
	return nl_prefix_bits(p) / 8;
}

/* Starts the request with its ifaddrmsg, labelled "address A/LEN on IFNAME". */
static struct nlmsghdr *addr_start(struct nl_batch *b, uint16_t type, uint16_t flags,
				   const struct nl_ifaddr *a, const char *ifname, const char *op)
{
	char p[NL_PREFIX_STRLEN], on[24];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (ifname && ifname[0])
		snprintf(on, sizeof(on), "%s", ifname);
	else
		snprintf(on, sizeof(on), "#%d", a->ifindex);
	nlh = nl_batch_add(b, type, flags, op, "address %s on %s",
			   nl_prefix_str(&a->addr, true, p, sizeof(p)), on);
	if (!nlh)
		return NULL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->addr.family;
	ifa->ifa_prefixlen = a->addr.len;
	ifa->ifa_index = (uint32_t)a->ifindex;
	/* IPv4 names its address IFA_LOCAL (IFA_ADDRESS is the peer, the
	 * same address when there is none); IPv6 uses IFA_ADDRESS. */
	if (a->addr.family == AF_INET)
		mnl_attr_put(nlh, IFA_LOCAL, addr_bytes(&a->addr), a->addr.a.b);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_bytes(&a->addr), a->addr.a.b);
	return nlh;
}

int nl_addr_add_msg(struct nl_batch *b, const struct nl_ifaddr *a, const char *ifname)
{
	uint32_t valid, pref;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (!addr_valid(a))
		return -EINVAL;
	nlh = addr_start(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a, ifname, "add");
	if (!nlh)
		return -ENOBUFS;
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_flags = (uint8_t)a->flags; /* the low bits; IFA_FLAGS has all */
	ifa->ifa_scope = a->scope;
	mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
	/* `ip addr add ... brd +`: /31 and /32 have no broadcast address. */
	if (a->addr.family == AF_INET && a->broadcast.family == AF_INET)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, a->broadcast.a.b);
	else if (a->addr.family == AF_INET && a->addr.len < 31 && !a->no_broadcast) {
		struct nl_prefix brd = nl_prefix_last(&a->addr);

		mnl_attr_put(nlh, IFA_BROADCAST, 4, brd.a.b);
	}
	if (a->addr.family == AF_INET && a->label[0])
		mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
	valid = a->valid_lft ? a->valid_lft : NL_LIFETIME_FOREVER;
	pref = a->preferred_lft ? a->preferred_lft : NL_LIFETIME_FOREVER;
	if (valid != NL_LIFETIME_FOREVER || pref != NL_LIFETIME_FOREVER) {
		struct ifa_cacheinfo ci = {.ifa_prefered = pref, .ifa_valid = valid};

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return 0;
}

int nl_addr_del_msg(struct nl_batch *b, const struct nl_ifaddr *a, const char *ifname)
{
	if (!addr_valid(a))
		return -EINVAL;
	return addr_start(b, RTM_DELADDR, 0, a, ifname, "delete") ? 0 : -ENOBUFS;
}

int nl_addr_dump_msg(struct nl_batch *b, int family, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if ((family != AF_UNSPEC && family != AF_INET && family != AF_INET6) || ifindex < 0)
		return -EINVAL;
	if (ifindex)
		nlh = nl_batch_add(b, RTM_GETADDR, NLM_F_DUMP, "list", "addresses of link #%d",
				   ifindex);
	else
		nlh = nl_batch_add(b, RTM_GETADDR, NLM_F_DUMP, "list", "addresses");
	if (!nlh)
		return -ENOBUFS;
	/* With strict checking the kernel filters by ifa_index itself. */
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = (uint32_t)ifindex;
	return 0;
}

static int parse_lifetimes(const struct nlattr *a, struct nl_ifaddr *out)
{
	const struct ifa_cacheinfo *ci;

	out->valid_lft = out->preferred_lft = NL_LIFETIME_FOREVER;
	if (!a)
		return 0;
	if (mnl_attr_validate2(a, MNL_TYPE_UNSPEC, sizeof(*ci)) < 0)
		return -EBADMSG;
	ci = mnl_attr_get_payload(a);
	out->valid_lft = ci->ifa_valid;
	out->preferred_lft = ci->ifa_prefered;
	return 0;
}

int nl_addr_parse(const struct nlmsghdr *nlh, struct nl_ifaddr *out)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1], *addr;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWADDR || nl_tb_parse(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
		return -EBADMSG;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EAFNOSUPPORT;
	out->ifindex = (int)ifa->ifa_index;
	out->addr.family = ifa->ifa_family;
	out->addr.len = ifa->ifa_prefixlen;
	out->scope = ifa->ifa_scope;
	out->flags = nl_tb_u32(tb[IFA_FLAGS], ifa->ifa_flags);
	/* IFA_LOCAL is ours; IFA_ADDRESS may be a point-to-point peer. */
	addr = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!addr || mnl_attr_get_payload_len(addr) != addr_bytes(&out->addr))
		return -EBADMSG;
	memcpy(out->addr.a.b, mnl_attr_get_payload(addr), addr_bytes(&out->addr));
	nl_tb_str(out->label, sizeof(out->label), tb[IFA_LABEL]);
	if (out->addr.family == AF_INET && tb[IFA_BROADCAST] &&
	    mnl_attr_get_payload_len(tb[IFA_BROADCAST]) == 4) {
		out->broadcast = (struct nl_prefix){.family = AF_INET, .len = 32};
		memcpy(out->broadcast.a.b, mnl_attr_get_payload(tb[IFA_BROADCAST]), 4);
	}
	out->no_broadcast = out->addr.family == AF_INET && !tb[IFA_BROADCAST];
	return parse_lifetimes(tb[IFA_CACHEINFO], out);
}

/* Other families (AF_UNSPEC dumps them all) are not ours to list. */
static int list_parse(const struct nlmsghdr *nlh, void *rec)
{
	int err = nl_addr_parse(nlh, rec);

	return err == -EAFNOSUPPORT ? NL_DUMP_SKIP : err;
}

int nl_addr_list(struct nl_sock *s, int family, int ifindex, struct nl_ifaddr **out, unsigned *n,
		 struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	void *v;
	int err = nl_dump_collect(s, b, nl_addr_dump_msg(b, family, ifindex), sizeof(**out),
				  list_parse, &v, n, e, "addresses");

	*out = v;
	return err;
}
