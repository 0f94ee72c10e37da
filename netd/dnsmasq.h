/* dnsmasq — DHCP and DNS for a network's guests: one dnsmasq per network,
 * started by fork+exec (no shell) from Debian's dnsmasq-base, bound to that
 * bridge only (not lo; no /etc/dnsmasq.conf; the host's resolver is left
 * alone), with its config, leases, hosts and pid file under
 * $VNET_RUN_DIR/dnsmasq/. Watched through its pid file. */
#ifndef VNET_NETD_DNSMASQ_H
#define VNET_NETD_DNSMASQ_H

#include <time.h>

#include "netd.h"

/* Brings n's dnsmasq to its definition: started when not running,
 * restarted when its config changed, told to reread its hosts otherwise.
 * A start that fails carries dnsmasq's own message. */
int vn_dnsmasq_start(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* Stops it (TERM, then KILL after a second) and removes its files; the
 * lease file only when forget (destroy; a `down` keeps the leases). An
 * absent dnsmasq is not an error. */
int vn_dnsmasq_stop(struct vn_ctx *c, const char *name, bool forget, struct nl_err *e);
/* The pid of the network's running dnsmasq, or 0. */
int vn_dnsmasq_pid(const struct vn_ctx *c, const char *name);

struct vn_lease {
	long long expiry;	/* seconds since the epoch; 0: never */
	unsigned char mac[6];
	struct nl_prefix ip;
	char name[64];		/* "" when the guest sent none */
};

/* The current leases; *out is malloc'd (NULL when none). */
int vn_leases(const struct vn_ctx *c, const char *name, struct vn_lease **out, unsigned *n,
	      struct nl_err *e);

#endif
