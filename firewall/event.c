/* event — which nftables notifications concern vnet; see event.h. */
#include "firewall/event.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>

#include "firewall/internal.h"
#include "firewall/spoof_internal.h"

/* The attribute that names an object's table: the first of each kind
 * (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE,
 * NFTA_SET_ELEM_LIST_TABLE, NFTA_OBJ_TABLE, NFTA_FLOWTABLE_TABLE). */
#define TABLE_ATTR 1

struct named {
	const struct nlattr *table;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct named *n = data;

	if (mnl_attr_get_type(a) == TABLE_ATTR && !n->table)
		n->table = a;
	return MNL_CB_OK;
}

static bool vnets(const struct nlattr *a)
{
	static const char *const ours[] = {FW_TABLE, SP_TABLE, FW_TUNNEL_TABLE};
	const char *name = mnl_attr_get_payload(a);
	size_t len = strnlen(name, mnl_attr_get_payload_len(a));

	for (unsigned i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (len == strlen(ours[i]) && !memcmp(name, ours[i], len))
			return true;
	return false;
}

bool fw_event_ours(const struct nlmsghdr *nlh)
{
	struct named n = {NULL};

	if (!nlh || NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return true;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWGEN:
		return false;
	case NFT_MSG_DELTABLE:
		return true;
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
	case NFT_MSG_NEWOBJ:
	case NFT_MSG_DELOBJ:
	case NFT_MSG_NEWFLOWTABLE:
	case NFT_MSG_DELFLOWTABLE:
		break;
	default:
		return true; /* unknown: look */
	}
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &n) < 0 || !n.table ||
	    mnl_attr_validate(n.table, MNL_TYPE_STRING) < 0)
		return true;
	return vnets(n.table);
}
