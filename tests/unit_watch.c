/* Unit tests of what vnetd's ears make of the kernel's news (netd/watch.c
 * decides with these): nftables notifications of vnet's tables and of
 * others (firewall/event.h), rtnetlink notifications decoded
 * (nlink/event.h). Messages are built here as the kernel sends them. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netconf.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "firewall/event.h"
#include "nlink/event.h"
#include "tests/harness.h"

static _Alignas(struct nlmsghdr) char buf[4096];

/* An nf_tables notification of type msg, family, naming table (NULL:
 * none) in its first attribute. */
static const struct nlmsghdr *nft(uint16_t msg, uint8_t family, const char *table)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(h, sizeof(*g));

	h->nlmsg_type = (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | msg);
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	if (table)
		mnl_attr_put_strz(h, 1, table);
	else if (msg == NFT_MSG_NEWGEN)
		mnl_attr_put_u32(h, NFTA_GEN_ID, htonl(7));
	return h;
}

START_TEST(nftables_news_of_vnets_tables_counts_and_of_others_not)
{
	/* vnet's three tables, whatever the object */
	ck_assert(fw_event_ours(nft(NFT_MSG_NEWRULE, NFPROTO_INET, "vnet")));
	ck_assert(fw_event_ours(nft(NFT_MSG_DELSETELEM, NFPROTO_BRIDGE, "vnet")));
	ck_assert(fw_event_ours(nft(NFT_MSG_DELCHAIN, NFPROTO_BRIDGE, "vnet_tunnel")));
	ck_assert(fw_event_ours(nft(NFT_MSG_NEWTABLE, NFPROTO_INET, "vnet")));
	/* another program's */
	ck_assert(!fw_event_ours(nft(NFT_MSG_NEWRULE, NFPROTO_INET, "foreign")));
	ck_assert(!fw_event_ours(nft(NFT_MSG_NEWTABLE, NFPROTO_IPV4, "vnetx")));
	ck_assert(!fw_event_ours(nft(NFT_MSG_DELSETELEM, NFPROTO_INET, "vne")));
	/* the generation that ends every transaction */
	ck_assert(!fw_event_ours(nft(NFT_MSG_NEWGEN, NFPROTO_UNSPEC, NULL)));
	/* a table deleted, any (a flush of the ruleset) */
	ck_assert(fw_event_ours(nft(NFT_MSG_DELTABLE, NFPROTO_INET, "foreign")));
	/* in doubt: no table named, a kind not known, no message (lost) */
	ck_assert(fw_event_ours(nft(NFT_MSG_NEWRULE, NFPROTO_INET, NULL)));
	ck_assert(fw_event_ours(nft(0x7f, NFPROTO_INET, "foreign")));
	ck_assert(fw_event_ours(NULL));
}
END_TEST

START_TEST(link_address_and_netconf_news_decode)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	struct ifaddrmsg *ifa;
	struct netconfmsg *nc;
	struct nl_rt_event ev;

	h->nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = 7;
	mnl_attr_put_strz(h, IFLA_IFNAME, "isbr0");
	mnl_attr_put_strz(h, IFLA_IFALIAS, "vnet:isbr");
	mnl_attr_put_u32(h, IFLA_MASTER, 3);
	ck_assert_int_eq(nl_rt_event_parse(h, &ev), 0);
	ck_assert_int_eq(ev.kind, NL_RT_EVENT_LINK);
	ck_assert(!ev.gone);
	ck_assert_int_eq(ev.ifindex, 7);
	ck_assert_str_eq(ev.name, "isbr0");
	ck_assert_str_eq(ev.alias, "vnet:isbr");
	ck_assert_int_eq(ev.master, 3);
	h->nlmsg_type = RTM_DELLINK;
	ck_assert_int_eq(nl_rt_event_parse(h, &ev), 0);
	ck_assert(ev.gone);

	h = mnl_nlmsg_put_header(buf);
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	h->nlmsg_type = RTM_DELADDR;
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = 9;
	ck_assert_int_eq(nl_rt_event_parse(h, &ev), 0);
	ck_assert_int_eq(ev.kind, NL_RT_EVENT_ADDR);
	ck_assert_int_eq(ev.ifindex, 9);
	ck_assert(ev.gone);

	/* forwarding of all; then rp_filter of a link, which is not forwarding */
	h = mnl_nlmsg_put_header(buf);
	nc = mnl_nlmsg_put_extra_header(h, sizeof(*nc));
	h->nlmsg_type = RTM_NEWNETCONF;
	nc->ncm_family = AF_INET;
	mnl_attr_put_u32(h, NETCONFA_IFINDEX, (uint32_t)NETCONFA_IFINDEX_ALL);
	mnl_attr_put_u32(h, NETCONFA_FORWARDING, 0);
	ck_assert_int_eq(nl_rt_event_parse(h, &ev), 0);
	ck_assert_int_eq(ev.kind, NL_RT_EVENT_NETCONF);
	ck_assert_int_eq(ev.ifindex, NL_NETCONF_ALL);
	ck_assert(ev.forwarding);
	h = mnl_nlmsg_put_header(buf);
	nc = mnl_nlmsg_put_extra_header(h, sizeof(*nc));
	h->nlmsg_type = RTM_NEWNETCONF;
	mnl_attr_put_u32(h, NETCONFA_IFINDEX, 4);
	mnl_attr_put_u32(h, NETCONFA_RP_FILTER, 1);
	ck_assert_int_eq(nl_rt_event_parse(h, &ev), 0);
	ck_assert_int_eq(ev.ifindex, 4);
	ck_assert(!ev.forwarding);

	/* what it cannot read: a netconf without its interface, a route */
	h = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(h, sizeof(*nc));
	h->nlmsg_type = RTM_NEWNETCONF;
	ck_assert_int_ne(nl_rt_event_parse(h, &ev), 0);
	h->nlmsg_type = RTM_NEWROUTE;
	ck_assert_int_ne(nl_rt_event_parse(h, &ev), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("unit_watch");
	TCase *t = tcase_create("news");

	tcase_add_test(t, nftables_news_of_vnets_tables_counts_and_of_others_not);
	tcase_add_test(t, link_address_and_netconf_news_decode);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "unit_watch", false);
}
