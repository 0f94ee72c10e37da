/* brport — bridge-port flags; see brport.h. Owns the IFLA_BRPORT_* encoding
 * of isolated, hairpin, learning, unicast flood and neighbour suppression; reading them back is
 * link.c's (struct nl_link's port).
 *
 * Two encodings, because the kernel's AF_BRIDGE RTM_SETLINK handler finds the
 * port by ifi_index only and ignores IFLA_IFNAME: a port known by index gets
 * the AF_BRIDGE message with IFLA_PROTINFO; a port known only by name (made
 * or enslaved earlier in the same batch) gets RTM_NEWLINK with the same
 * attributes in IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA, which the kernel hands to
 * the port's master (what `ip link set X type bridge_slave` sends). Either
 * way the master must already be set when the kernel reaches the message. */
#include "nlink/brport.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stddef.h>

#include "common/ifname.h"
#include "nlink/internal.h"

#define NL_BRPORT_ALL                                                                              \
	(NL_BRPORT_ISOLATED | NL_BRPORT_HAIRPIN | NL_BRPORT_LEARNING | NL_BRPORT_UNICAST_FLOOD |   \
	 NL_BRPORT_NEIGH_SUPPRESS)

static const struct {
	unsigned bit;
	uint16_t attr;
	size_t off; /* of the bool in struct nl_brport */
} port_flags[] = {
	{NL_BRPORT_ISOLATED, IFLA_BRPORT_ISOLATED, offsetof(struct nl_brport, isolated)},
	{NL_BRPORT_HAIRPIN, IFLA_BRPORT_MODE, offsetof(struct nl_brport, hairpin)},
	{NL_BRPORT_LEARNING, IFLA_BRPORT_LEARNING, offsetof(struct nl_brport, learning)},
	{NL_BRPORT_UNICAST_FLOOD, IFLA_BRPORT_UNICAST_FLOOD,
	 offsetof(struct nl_brport, unicast_flood)},
	{NL_BRPORT_NEIGH_SUPPRESS, IFLA_BRPORT_NEIGH_SUPPRESS,
	 offsetof(struct nl_brport, neigh_suppress)},
};

static void put_flags(struct nlmsghdr *nlh, const struct nl_brport *p)
{
	for (size_t i = 0; i < sizeof(port_flags) / sizeof(port_flags[0]); i++) {
		const bool *on = (const bool *)((const char *)p + port_flags[i].off);

		if (p->mask & port_flags[i].bit)
			mnl_attr_put_u8(nlh, port_flags[i].attr, *on ? 1 : 0);
	}
}

int nl_brport_set_msg(struct nl_batch *b, int ifindex, const char *name, const struct nl_brport *p)
{
	struct nlattr *info = NULL, *nest;
	struct nlmsghdr *nlh;
	char obj[64];

	if (!p || !p->mask || (p->mask & ~NL_BRPORT_ALL) || ifindex < 0 ||
	    (ifindex == 0 && !nl_name_ok(name)))
		return -EINVAL;
	nl_link_obj(obj, sizeof(obj), ifindex, name);
	if (ifindex > 0)
		nlh = nl_ifi_start(b, RTM_SETLINK, 0, AF_BRIDGE, ifindex, NULL, "set port flags",
				   obj);
	else
		nlh = nl_ifi_start(b, RTM_NEWLINK, 0, AF_UNSPEC, 0, name, "set port flags", obj);
	if (!nlh)
		return -ENOBUFS;
	if (ifindex > 0) {
		/* Only a nested IFLA_PROTINFO is read as port attributes; a
		 * flat one is the old binary STP state. */
		nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
		nest->nla_type |= NLA_F_NESTED;
	} else {
		info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		nest = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	}
	put_flags(nlh, p);
	mnl_attr_nest_end(nlh, nest);
	if (info)
		mnl_attr_nest_end(nlh, info);
	return 0;
}

int nl_brport_set(struct nl_sock *s, const char *name, const struct nl_brport *p, struct nl_err *e)
{
	struct nl_one one;
	struct nl_batch *b = nl_one_init(&one);
	int err = nl_ifname_check(name, NULL, e);

	if (err)
		return err;
	return nl_send_one(s, b, nl_brport_set_msg(b, 0, name, p), NULL, NULL, e, "set port flags",
			   "link %s", name);
}
