/* event — which nftables notifications (NFNLGRP_NFTABLES) concern vnet's
 * part of the ruleset: a listener that repairs it (vnetd) reads again
 * after those, and passes over the rest (another program's tables). */
#ifndef VNET_FIREWALL_EVENT_H
#define VNET_FIREWALL_EVENT_H

#include <stdbool.h>

struct nlmsghdr;

/* True for a notification about an object of one of vnet's tables (by the
 * table's name, whatever the family: inet vnet, bridge vnet and bridge
 * vnet_tunnel), for the deletion of any table (a flush of the ruleset
 * deletes them all), and for any message that does not read or that it
 * does not know; false for another table's objects and for the generation
 * that ends every transaction (NFT_MSG_NEWGEN). */
bool fw_event_ours(const struct nlmsghdr *nlh);

#endif
