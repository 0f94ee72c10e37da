/* tune — the offload and queue tuner: GSO, TSO and GRO through ethtool
 * netlink and txqueuelen through rtnetlink, on bridges, uplinks, veths and
 * taps; and the report of what a host offers a guest's NIC (vhost-net, tap
 * multiqueue) and how its interfaces are set.
 *
 * On a tap (kind "tun") qemu owns the offloads the guest negotiates: it sets
 * them with TUNSETOFFLOAD after the ifup hook ran, and a TSO asked for
 * before that reads back "off [requested on]". There the tuner applies what
 * sticks (GSO, GRO, txqueuelen) and leaves TSO alone, saying so in the
 * result: turning it off would also hide it from qemu's later request.
 *
 * Needs no engine context: callers pass the sockets. Nothing here prints. */
#ifndef VNET_NETD_TUNE_H
#define VNET_NETD_TUNE_H

#include <stdbool.h>

#include "nlink/ethtool.h"
#include "common/ifname.h"
#include "nlink/sock.h"

enum vn_tri { VN_LEAVE = 0, VN_ON, VN_OFF };

enum vn_knob { VN_KNOB_GSO, VN_KNOB_TSO, VN_KNOB_GRO, VN_KNOB_N };

struct vn_tune_profile {
	unsigned char knob[VN_KNOB_N];	/* enum vn_tri, by enum vn_knob */
	unsigned txqueuelen;		/* 0: leave */
};

/* What vn_tune_apply did with one knob. */
enum vn_tune_done {
	VN_TUNE_LEFT = 0,	/* the profile leaves it */
	VN_TUNE_SET,		/* changed */
	VN_TUNE_ALREADY,	/* was so already */
	VN_TUNE_QEMU,		/* a tap's, left to qemu (TUNSETOFFLOAD) */
};

struct vn_tune_result {
	char kind[16];		/* the link's kind: "bridge", "veth", "tun", "" */
	unsigned char done[VN_KNOB_N];	/* enum vn_tune_done */
	unsigned char txq_done;	/* enum vn_tune_done */
};

/* "gso", "tso", "gro"; NULL past the end. */
const char *vn_tune_knob_name(enum vn_knob k);
/* The kernel feature a knob is named after ("tx-tcp-segmentation" for tso;
 * the knob sets its siblings too); NULL past the end. */
const char *vn_tune_knob_feature(enum vn_knob k);
/* Parses "on"/"off" into *v; -EINVAL (kind invalid) naming knob and text. */
int vn_tune_parse_tri(const char *knob, const char *text, unsigned char *v, struct nl_err *e);
/* Parses a txqueuelen: decimal 1..4294967295 (0 is "leave" in a profile);
 * -EINVAL (kind invalid) naming the text. */
int vn_tune_parse_txqlen(const char *text, unsigned *v, struct nl_err *e);

/* Applies p to ifname. Checks everything first (a missing interface is
 * -ENODEV of kind not-found, a fixed feature -EOPNOTSUPP): a refusal
 * changes nothing, and a failure after a change puts the txqueuelen back. */
int vn_tune_apply(struct nl_ethtool *et, struct nl_sock *rtnl, const char *ifname,
		  const struct vn_tune_profile *p, struct vn_tune_result *r, struct nl_err *e);

/* The profile of --auto, as measured by bench/offload. */
const struct vn_tune_profile *vn_tune_auto_profile(void);

/* The features the report shows: the knobs' and those TSO depends on. */
#define VN_TUNE_NFEAT 10

struct vn_tune_feat {
	const char *name;	/* kernel name, static */
	bool active, wanted, fixed;
	bool qemu;		/* on a tap: qemu's to set */
};

struct vn_tune_if {
	char name[NL_IFNAMSIZ];
	char kind[16];
	char master[NL_IFNAMSIZ];	/* the bridge it is a port of, or "" */
	unsigned mtu, txqueuelen;
	bool mtu_agrees;	/* a port's MTU equals its bridge's (true when no port) */
	unsigned nfeat;
	struct vn_tune_feat feat[VN_TUNE_NFEAT];	/* those the device has */
};

/* Interfaces by name; with n == 0, the bridges vnet made (alias "vnet:...")
 * and their ports. *out is malloc'd (NULL when none); free() it. */
int vn_tune_report(struct nl_ethtool *et, struct nl_sock *rtnl, const char *const *names,
		   unsigned n, struct vn_tune_if **out, unsigned *nout, struct nl_err *e);

struct vn_tune_host {
	bool vhost_present;	/* /dev/vhost-net is a character device */
	bool vhost_usable;	/* ...and opens read-write */
	char vhost_reason[160];	/* why not, or how a launcher would use it */
	bool tap_multiqueue;	/* the tun driver offers IFF_MULTI_QUEUE */
	char tap_reason[160];
};

/* Probes the host; never fails (what it cannot learn reads as false, with
 * the reason). No device is created, not even for a moment. */
void vn_tune_host(struct vn_tune_host *h);

#endif
