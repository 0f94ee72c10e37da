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
 * A library below the engine (netd/ calls it; it calls nlink/ only): it
 * knows nothing of networks, so callers pass the sockets and, for a
 * report, which bridges are theirs. Nothing here prints. Its names carry
 * vt_ ("vnet tune"). */
#ifndef VNET_TUNE_H
#define VNET_TUNE_H

#include <stdbool.h>

#include "common/ifname.h"
#include "nlink/ethtool.h"
#include "nlink/link.h"
#include "nlink/sock.h"

enum vt_tri { VT_LEAVE = 0, VT_ON, VT_OFF };

enum vt_knob { VT_KNOB_GSO, VT_KNOB_TSO, VT_KNOB_GRO, VT_KNOB_N };

struct vt_profile {
	unsigned char knob[VT_KNOB_N]; /* enum vt_tri, by enum vt_knob */
	unsigned txqueuelen;	       /* 0: leave */
};

/* What vt_apply did with one knob. */
enum vt_done {
	VT_LEFT = 0, /* the profile leaves it */
	VT_SET,	     /* changed */
	VT_ALREADY,  /* was so already */
	VT_QEMU,     /* a tap's, left to qemu (TUNSETOFFLOAD) */
};

struct vt_result {
	char kind[16];		       /* the link's kind: "bridge", "veth", "tun", "" */
	unsigned char done[VT_KNOB_N]; /* enum vt_done */
	unsigned char txq_done;	       /* enum vt_done */
};

/* "gso", "tso", "gro"; NULL past the end. */
const char *vt_knob_name(enum vt_knob k);
/* The kernel feature a knob is named after ("tx-tcp-segmentation" for tso;
 * the knob sets its siblings too); NULL past the end. */
const char *vt_knob_feature(enum vt_knob k);
/* Parses "on"/"off" into *v; -EINVAL (kind invalid) naming knob and text. */
int vt_parse_tri(const char *knob, const char *text, unsigned char *v, struct nl_err *e);
/* Parses a txqueuelen: decimal 1..4294967295 (0 is "leave" in a profile);
 * -EINVAL (kind invalid) naming the text. */
int vt_parse_txqlen(const char *text, unsigned *v, struct nl_err *e);

/* Applies p to ifname. Checks everything first (a missing interface is
 * -ENODEV of kind not-found, a fixed feature -EOPNOTSUPP): a refusal
 * changes nothing, and a failure after a change puts the txqueuelen back. */
int vt_apply(struct nl_ethtool *et, struct nl_sock *rtnl, const char *ifname,
	     const struct vt_profile *p, struct vt_result *r, struct nl_err *e);

/* The profile of --auto, as measured by bench/offload. */
const struct vt_profile *vt_auto_profile(void);

/* The features the report shows: the knobs' and those TSO depends on. */
#define VT_NFEAT 10

struct vt_feat {
	const char *name; /* kernel name, static */
	bool active, wanted, fixed;
	bool qemu; /* on a tap: qemu's to set */
};

struct vt_if {
	char name[NL_IFNAMSIZ];
	char kind[16];
	char master[NL_IFNAMSIZ]; /* the bridge it is a port of, or "" */
	unsigned mtu, txqueuelen;
	bool mtu_agrees; /* a port's MTU equals its bridge's (true when no port) */
	unsigned nfeat;
	struct vt_feat feat[VT_NFEAT]; /* those the device has */
};

/* Which bridges a report without names covers (the engine's: vnet's). */
typedef bool (*vt_wanted_fn)(const struct nl_link *l);

/* Interfaces by name; with n == 0, the bridges wanted accepts (none when
 * it is NULL), each followed by its ports. *out is malloc'd (NULL when
 * none); free() it. */
int vt_report(struct nl_ethtool *et, struct nl_sock *rtnl, const char *const *names, unsigned n,
	      vt_wanted_fn wanted, struct vt_if **out, unsigned *nout, struct nl_err *e);

struct vt_host {
	bool vhost_present;	/* /dev/vhost-net is a character device */
	bool vhost_usable;	/* ...and opens read-write */
	char vhost_reason[160]; /* why not, or how a launcher would use it */
	bool tap_multiqueue;	/* the tun driver offers IFF_MULTI_QUEUE */
	char tap_reason[160];
};

/* Probes the host; never fails (what it cannot learn reads as false, with
 * the reason). No device is created, not even for a moment. */
void vt_host(struct vt_host *h);

#endif
