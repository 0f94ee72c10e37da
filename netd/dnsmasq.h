/* dnsmasq — DHCP and DNS for a network's guests: one dnsmasq per network,
 * started by fork+exec (no shell) from Debian's dnsmasq-base, bound to that
 * bridge only (not lo; no /etc/dnsmasq.conf; the host's resolver is left
 * alone), with its config, leases and hosts under $VNET_RUN_DIR/dnsmasq/
 * (root's, 0755; the files vnet writes 0644). Known by the pid vnet forked
 * and its start time, recorded there (NAME.proc, root's) and checked in
 * /proc before any signal; never by a file dnsmasq's user could write. */
#ifndef VNET_NETD_DNSMASQ_H
#define VNET_NETD_DNSMASQ_H

#include <time.h>

#include "netd/netd.h"

/* Brings n's dnsmasq to its definition: started when not running,
 * restarted when its config changed, told to reread its hosts otherwise.
 * A start that fails carries dnsmasq's own message. */
int vn_dnsmasq_start(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* Stops it (TERM, then KILL after a second) and removes its files; the
 * lease file only when forget (destroy; a `down` keeps the leases). Every
 * dnsmasq of the network goes: the recorded one and, with scan, any other
 * /proc shows with its command line in this network namespace (a record
 * lost, a vnet killed before it wrote one). scan may be false only where
 * no dnsmasq of the network can run unrecorded: its recorded run had no
 * DHCP (one is started only for a run with DHCP, recorded before it, and
 * its record goes only once it is gone). An absent dnsmasq is not an
 * error. */
int vn_dnsmasq_stop(struct vn_ctx *c, const char *name, bool forget, bool scan, struct nl_err *e);
/* The pid of the network's running dnsmasq, or 0: the one way to it. The
 * recorded process when /proc still shows it as such (same start time,
 * vnet's exact command line, this network namespace, not a zombie), else
 * one found in /proc by that command line (owned by root or nobody). */
int vn_dnsmasq_pid(const struct vn_ctx *c, const char *name);
/* The same, as a pidfd (O_CLOEXEC) opened before the checks, so that it
 * names the process checked for as long as it is held, even once the pid
 * is reused (pidfd_send_signal, poll for its end); -1 and *pid 0 when none
 * runs. The caller closes it. */
int vn_dnsmasq_pidfd(const struct vn_ctx *c, const char *name, int *pid);

struct vn_lease {
	long long expiry; /* seconds since the epoch; 0: never */
	bool has_mac;	  /* a DHCPv4 lease's; a DHCPv6 one has none */
	unsigned char mac[6];
	unsigned iaid;	/* DHCPv6: the client's IAID and DUID ("" when */
	char duid[392]; /* none), as hex bytes with colons */
	struct nl_prefix ip;
	char name[64]; /* letters, digits, '-', '_', '.'; "" when the guest
			* sent none (or the file held another) */
};

/* The current leases; *out is malloc'd (NULL when none). The lease file
 * is dnsmasq's (written as nobody): read only as a regular file of at most
 * 16 MiB, not through a link; lines that are not leases are passed over,
 * and so are names that are not host names. */
int vn_leases(const struct vn_ctx *c, const char *name, struct vn_lease **out, unsigned *n,
	      struct nl_err *e);

#endif
