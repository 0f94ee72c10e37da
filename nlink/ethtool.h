/* ethtool — device features over the "ethtool" generic netlink family
 * (ETHTOOL_MSG_FEATURES_GET/SET), by their kernel names: tx-tcp-segmentation,
 * tx-generic-segmentation, rx-gro, tx-checksum-ip-generic ... */
#ifndef VNET_NLINK_ETHTOOL_H
#define VNET_NLINK_ETHTOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "nlink/sock.h"

struct nl_feature {
	char name[32];
	bool active; /* what the device does now */
	bool wanted; /* what was asked for */
	bool fixed;  /* cannot be changed (not in hw) */
};

struct nl_features {
	unsigned n;
	struct nl_feature f[128];
};

struct nl_ethtool {
	struct nl_sock s; /* NETLINK_GENERIC */
	uint16_t family;  /* resolved id of "ethtool" */
};

int nl_ethtool_open(struct nl_ethtool *et, struct nl_err *e);
void nl_ethtool_close(struct nl_ethtool *et);

int nl_ethtool_features_get_msg(struct nl_batch *b, uint16_t family, const char *ifname);
/* Sets the named features: names[i] to on[i]. An unknown name is -EINVAL
 * naming it; a feature the device cannot change is -EOPNOTSUPP naming it. */
int nl_ethtool_features_set_msg(struct nl_batch *b, uint16_t family, const char *ifname,
				const char *const *names, const bool *on, unsigned n);

int nl_ethtool_features_get(struct nl_ethtool *et, const char *ifname, struct nl_features *out,
			    struct nl_err *e);
int nl_ethtool_features_set(struct nl_ethtool *et, const char *ifname, const char *const *names,
			    const bool *on, unsigned n, struct nl_err *e);
/* The entry for name in f, or NULL. */
const struct nl_feature *nl_features_find(const struct nl_features *f, const char *name);

#endif
