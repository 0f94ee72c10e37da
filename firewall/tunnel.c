/* tunnel — DHCP kept off the VXLAN ports of networks that span hosts. Every
 * host serves its own guests from its own slice of the range, with the same
 * server address (the distributed gateway): a DHCP message that crossed a
 * tunnel would reach another host's dnsmasq, which answers or refuses what
 * is not its to decide. Bridged frames never meet the inet table's hooks
 * (without br_netfilter), so this is a table of the bridge family, vnet's
 * own and apart from table inet vnet and from anti-spoofing's table bridge
 * vnet (each table has one owner: this one is read and made again whole):
 *
 *   table bridge vnet_tunnel {
 *     set tunnels { type ifname }        the networks' VXLAN ports
 *     chain forward { type filter hook forward priority filter; policy accept;
 *                     iifname @tunnels udp dport 67 drop (68, 546, 547 too),
 *                     oifname @tunnels udp dport 67 drop (...) }
 *     chain input   { ... hook input ...;  the iifname rules }
 *     chain output  { ... hook output ...; the oifname rules }
 *   }
 *
 * A network adds its port to the set (the table made, or made again whole
 * when its chains are not as above) and removes it; the table stays, like
 * table inet vnet. */
#include "firewall/fw.h"

#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_bridge.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/internal.h"

#define SET "tunnels"

static const uint16_t dhcp_ports[] = {67, 68, 546, 547};

static const struct {
	const char *name;
	uint32_t hook;
	bool iif, oif; /* rules on the input / output interface */
} chains[] = {
	{"forward", NF_BR_FORWARD, true, true},
	{"input", NF_BR_LOCAL_IN, true, false},
	{"output", NF_BR_LOCAL_OUT, false, true},
};

#define NCHAINS (sizeof(chains) / sizeof(chains[0]))
#define NPORTS	(sizeof(dhcp_ports) / sizeof(dhcp_ports[0]))
#define NRULES	(4 * NPORTS) /* forward 2 x NPORTS, input and output NPORTS each */

/* An nf_tables message of table bridge vnet_tunnel. */
#define start(b, type, flags, op, obj) fw_batch_start(b, NFPROTO_BRIDGE, type, flags, op, "%s", obj)

static int marker(struct nl_batch *b, uint16_t type)
{
	return fw_batch_marker(b, type, 0, NULL) ? -ENOBUFS : 0;
}

static int put_table(struct nl_batch *b, uint16_t type)
{
	return fw_batch_table(b, NFPROTO_BRIDGE, FW_TUNNEL_TABLE, type, NULL) ? -ENOBUFS : 0;
}

static int put_set(struct nl_batch *b)
{
	const struct fw_map_def *d = &fw_maps[FW_MAP_BRIDGES]; /* an ifname set, as it */
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(16);
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh = NULL;

	if (u && s && nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, d->key_order)) {
		nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TUNNEL_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, SET);
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
		nftnl_set_set_u32(s, NFTNL_SET_ID, 1);
		nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
				   nftnl_udata_buf_len(u));
		if ((nlh = start(b, NFT_MSG_NEWSET, NLM_F_CREATE, "create", "set " SET)))
			nftnl_set_nlmsg_build_payload(nlh, s);
	}
	if (s)
		nftnl_set_free(s);
	if (u)
		nftnl_udata_buf_free(u);
	return nlh ? 0 : -ENOBUFS;
}

static int put_chain(struct nl_batch *b, unsigned i)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh = NULL;
	char obj[32];

	snprintf(obj, sizeof(obj), "chain %s", chains[i].name);
	if (c) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TUNNEL_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[i].name);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chains[i].hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		if ((nlh = start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "create", obj)))
			nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
	}
	return nlh ? 0 : -ENOBUFS;
}

/* IFACE @tunnels udp dport PORT drop */
static int put_rule(struct nl_batch *b, unsigned i, enum fw_key key, uint16_t port)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = NULL;
	char obj[48];
	int err = r ? 0 : -ENOMEM;

	snprintf(obj, sizeof(obj), "rule of chain %s", chains[i].name);
	if (!err) {
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TUNNEL_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chains[i].name);
		if (!(err = fw_match_set(r, key, SET)) &&
		    !(err = fw_match_port(r, FW_DST, IPPROTO_UDP, port)) &&
		    !(err = fw_verdict(r, NF_DROP, NULL)) &&
		    (nlh = start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, "add", obj)))
			nftnl_rule_nlmsg_build_payload(nlh, r);
		nftnl_rule_free(r);
	}
	return err ? err : nlh ? 0 : -ENOBUFS;
}

static int put_elem(struct nl_batch *b, uint16_t type, const char *port)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *k = nftnl_set_elem_alloc();
	struct nlmsghdr *nlh = NULL;
	char key[16] = {0}, obj[48];

	snprintf(obj, sizeof(obj), "set " SET " element %s", port);
	if (s && k) {
		memcpy(key, port, strnlen(port, sizeof(key) - 1));
		nftnl_set_elem_set(k, NFTNL_SET_ELEM_KEY, key, sizeof(key));
		nftnl_set_elem_add(s, k);
		k = NULL;
		nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TUNNEL_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, SET);
		if ((nlh = start(b, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0,
				 type == NFT_MSG_NEWSETELEM ? "add" : "delete", obj)))
			nftnl_set_elems_nlmsg_build_payload(nlh, s);
	}
	if (k)
		nftnl_set_elem_free(k);
	if (s)
		nftnl_set_free(s);
	return nlh ? 0 : -ENOBUFS;
}

/* The table whole, as above (made again: deleted first when it is there). */
static int put_all(struct nl_batch *b, bool present)
{
	int err = 0;

	if (present && (err = put_table(b, NFT_MSG_DELTABLE)))
		return err;
	if ((err = put_table(b, NFT_MSG_NEWTABLE)) || (err = put_set(b)))
		return err;
	for (unsigned i = 0; i < NCHAINS && !err; i++) {
		err = put_chain(b, i);
		for (unsigned p = 0; p < NPORTS && !err && chains[i].iif; p++)
			err = put_rule(b, i, FW_KEY_IIFNAME, dhcp_ports[p]);
		for (unsigned p = 0; p < NPORTS && !err && chains[i].oif; p++)
			err = put_rule(b, i, FW_KEY_OIFNAME, dhcp_ports[p]);
	}
	return err;
}

static int count_rule(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	(void)nlh;
	if (idx == 1)
		(*(unsigned *)data)++;
	return 0;
}

/* Whether table bridge vnet_tunnel is there, and how many rules it holds: a get
 * of the table and a dump of its rules in one send. */
static int rules(struct fw *fw, struct nl_batch *b, bool *present, unsigned *n, struct nl_err *e)
{
	static const int ok[] = {-ENOENT, 0};
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = NULL, *nlh2 = NULL;
	int err;

	*n = 0;
	*present = false;
	nl_batch_reset(b);
	if (t && r) {
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TUNNEL_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TUNNEL_TABLE);
		if ((nlh = start(b, NFT_MSG_GETTABLE, 0, "get", "table bridge " FW_TUNNEL_TABLE)))
			nftnl_table_nlmsg_build_payload(nlh, t);
		if ((nlh2 = start(b, NFT_MSG_GETRULE, NLM_F_DUMP, "list",
				  "table bridge " FW_TUNNEL_TABLE)))
			nftnl_rule_nlmsg_build_payload(nlh2, r);
	}
	if (t)
		nftnl_table_free(t);
	if (r)
		nftnl_rule_free(r);
	if (!nlh || !nlh2)
		return nl_err_set(e, -ENOMEM, "read", "table bridge " FW_TUNNEL_TABLE);
	if ((err = nl_batch_send_tolerant(&fw->s, b, ok, count_rule, n, e)))
		return err;
	*present = b->req[0].err == 0;
	if (!*present)
		*n = 0;
	return 0;
}

int fw_tunnel_add(struct fw *fw, const char *port, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	bool present;
	unsigned n = 0;
	int err = b ? 0 : nl_err_set(e, -ENOMEM, "apply", "table bridge " FW_TUNNEL_TABLE);

	if (!err && (err = nl_ifname_check(port, "port", e)) == 0) {
		err = rules(fw, b, &present, &n, e);
		if (!err) {
			bool whole = !present || n != NRULES;

			nl_batch_reset(b);
			if (marker(b, NFNL_MSG_BATCH_BEGIN) || (whole && put_all(b, present)) ||
			    put_elem(b, NFT_MSG_NEWSETELEM, port) || marker(b, NFNL_MSG_BATCH_END))
				err = nl_err_set(e, -ENOBUFS, "build",
						 "table bridge " FW_TUNNEL_TABLE);
			else
				err = nl_batch_send(&fw->s, b, NULL, NULL, e);
		}
	}
	nl_batch_free(b);
	return err;
}

int fw_tunnel_del(struct fw *fw, const char *port, struct nl_err *e)
{
	static const int ok[] = {-ENOENT, 0};
	struct nl_batch *b = nl_batch_new();
	int err = b ? 0 : nl_err_set(e, -ENOMEM, "remove", "table bridge " FW_TUNNEL_TABLE);

	if (!err && (err = nl_ifname_check(port, "port", e)) == 0) {
		if (marker(b, NFNL_MSG_BATCH_BEGIN) || put_elem(b, NFT_MSG_DELSETELEM, port) ||
		    marker(b, NFNL_MSG_BATCH_END))
			err = nl_err_set(e, -ENOBUFS, "build", "table bridge " FW_TUNNEL_TABLE);
		else
			err = nl_batch_send_tolerant(&fw->s, b, ok, NULL, NULL, e);
	}
	nl_batch_free(b);
	return err;
}

int fw_tunnel_check(struct fw *fw, bool *ok, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	bool present = false;
	unsigned n = 0;
	int err = b ? 0 : nl_err_set(e, -ENOMEM, "read", "table bridge " FW_TUNNEL_TABLE);

	if (!err)
		err = rules(fw, b, &present, &n, e);
	*ok = !err && present && n == NRULES;
	nl_batch_free(b);
	return err;
}
