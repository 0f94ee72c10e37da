/* doctor — what breaks guest networking on this host, found for `vnet
 * doctor`: for each finding the object at fault, the vnet network it
 * breaks and how, and the fix as a command to run. Findings: foreign
 * nftables or iptables-legacy chains whose drop policy or drop/reject
 * rules the network's forwarded traffic, or its DHCP and DNS, would hit
 * (firewall/ fw_inspect_*); the same through br_netfilter for traffic
 * between guests; ip_forward off; strict rp_filter where it drops; an
 * interface whose router advertisements forwarding stops; a process on a
 * wildcard :53 or :67 where a network's dnsmasq cannot start; port MTUs
 * that differ from their bridge's; a NAT network without a default route.
 * Notes: what only costs speed or features (vhost-net, KVM) and what
 * br_netfilter means for each network.
 *
 * Changes nothing, but with fix: then, where Docker keeps a DOCKER-USER
 * chain whose table drops a network's forwarded traffic, it inserts two
 * accept rules there (in and out of the network's bridge, comment
 * "vnet:NAME") with the iptables of Docker's backend (iptables-nft or
 * iptables-legacy), by fork+exec with a fixed argv, and says so. That
 * and reading `iptables-legacy -S` (only where the legacy filter table
 * exists, so nothing is loaded or made) are the only programs it runs. */
#ifndef VNET_NETD_DOCTOR_H
#define VNET_NETD_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "netd/netd.h"

struct vn_finding {
	char check[16];		   /* "forward-drop", "input-drop", "br-netfilter", ... */
	char network[NL_IFNAMSIZ]; /* "": the host as a whole */
	char object[256];	   /* printable: what came from the kernel or a file is escaped */
	char effect[640];
	char fix[512]; /* "" when there is nothing to run */
};

/* A rule --fix added. */
struct vn_fixed {
	char network[NL_IFNAMSIZ];
	char object[64]; /* "chain DOCKER-USER (iptables-nft)" */
	char added[224]; /* the command that added it */
};

struct vn_doctor {
	unsigned nfindings, nnotes, nfixed;
	struct vn_finding *finding; /* each breaks a network: exit 1 */
	struct vn_finding *note;    /* speed, features, explanations */
	struct vn_fixed *fixed;
};

struct vn_doctor_opts {
	const char *name; /* one network (-ENOENT, not found, when absent); NULL: all */
	bool fix;
	/* The launcher's KVM probe (vm/host.h vm_kvm_usable), which the
	 * engine does not link; NULL: KVM is not looked at. */
	bool (*kvm_usable)(char *why, size_t n);
};

/* Fills d (free with vn_doctor_free, also on failure). With fix, what was
 * added is in d->fixed and the findings are those that remain after it. */
int vn_doctor(struct vn_ctx *c, const struct vn_doctor_opts *o, struct vn_doctor *d,
	      struct nl_err *e);
void vn_doctor_free(struct vn_doctor *d);

/* ---- between doctor.c and doctor_fw.c ---- */

struct fw_ruleset;
struct nl_link;
struct nl_route;

/* One network as the doctor sees it. */
struct vn_doc_net {
	struct vn_status *st;
	bool running;
	int ifindex; /* its bridge's, when running */
};

struct vn_doc {
	struct vn_ctx *c;
	struct vn_doctor *d;
	struct fw_ruleset *rs;
	struct nl_link *link;
	unsigned nlink;
	struct nl_route *route;
	unsigned nroute;
	bool brnf[2]; /* bridge-nf-call-iptables / -ip6tables = 1 */
};

/* Adds a finding (note false) or a note, copying the texts. */
void vn_doc_add(struct vn_doc *x, bool note, const char *check, const char *network,
		const char *object, const char *effect, const char *fix);
/* The best default route of a family (AF_INET, AF_INET6), or NULL. */
const struct nl_route *vn_doc_default(const struct vn_doc *x, int family);
const struct nl_link *vn_doc_link(const struct vn_doc *x, int ifindex);
/* Reads the ruleset into x->rs: nftables, and iptables-legacy's filter
 * tables where they exist. */
int vn_doc_read_rules(struct vn_doc *x, struct nl_err *e);
/* The firewall findings of one network. */
void vn_doc_firewall(struct vn_doc *x, const struct vn_doc_net *n);
/* doctor_fabric.c: networks that span hosts (fabric, FRR, BGP peers, VNIs). */
void vn_doc_fabric(struct vn_doc *x, const struct vn_doc_net *nets, unsigned count);
/* --fix for the networks: DOCKER-USER accepts where Docker's table drops. */
int vn_doc_fix(struct vn_doc *x, const struct vn_doc_net *n, unsigned count, struct nl_err *e);

#endif
