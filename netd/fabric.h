/* fabric — this host's place in networks that span hosts: the underlay
 * interface and address the VXLAN tunnels start from, the BGP AS and peers
 * of the EVPN control plane (or, without an AS, the peers as static tunnel
 * ends), where FRR's vty sockets are, and which slice of each stretched
 * network's DHCP range this host serves (index K of N hosts). Kept in
 * $VNET_CONF_DIR/fabric/fabric.conf (root's, 0644). Every value is checked
 * here, once, before it reaches a file, the kernel or vtysh's command line.
 * Pure code but for the file; the engine's use of it is fabric_run.c's. */
#ifndef VNET_NETD_FABRIC_H
#define VNET_NETD_FABRIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "common/ifname.h"
#include "common/prefix.h"

#define VN_FABRIC_MAX_PEERS 32
#define VN_FABRIC_MAX_HOSTS 64
#define VN_FABRIC_VTY_MAX   108 /* sun_path */

struct vn_fabric {
	char underlay[NL_IFNAMSIZ];
	struct nl_prefix local; /* plain address; family 0 until resolved */
	uint32_t asn;		/* 0: static mode (no BGP) */
	unsigned npeers;
	struct nl_prefix peer[VN_FABRIC_MAX_PEERS];
	char frr_vty[VN_FABRIC_VTY_MAX]; /* "": FRR's default */
	unsigned index, hosts;		 /* this host is index of hosts (1-based) */
};

/* What the user gave; NULL (0, false): not given. A no_ flag takes the
 * value away on purpose (--no-asn: static mode, --no-peers, --no-frr-vty:
 * FRR's default folder, --no-slice: the whole range, 1 of 1). */
struct vn_fabric_args {
	const char *underlay, *local, *asn, *frr_vty, *index, *hosts;
	unsigned npeers;
	const char *peer[VN_FABRIC_MAX_PEERS + 1];
	bool no_asn, no_peers, no_frr_vty, no_slice;
};

/* Builds and checks a fabric from the arguments (local may stay unset:
 * the engine takes the underlay's address). Errors name the value. */
int vn_fabric_from_args(const struct vn_fabric_args *a, struct vn_fabric *f, struct nl_err *e);
/* The same over old (NULL: none yet, then --underlay is needed): what a
 * gives replaces old's value (--peer the whole list), the rest is old's,
 * as `git config` keeps what it is not given; another underlay without
 * --local leaves local unset (its own address is taken). A value given
 * with the no_ flag that takes it away is refused. */
int vn_fabric_merge(const struct vn_fabric *old, const struct vn_fabric_args *a,
		    struct vn_fabric *f, struct nl_err *e);
/* The rules every fabric obeys, as from_args and the file's read apply
 * them: the underlay's name, local and peers one family, no peer twice
 * nor the local address, 1 <= index <= hosts <= VN_FABRIC_MAX_HOSTS, the
 * vty folder an absolute path of safe characters, and EVPN (an AS) only
 * from an IPv4 local address (FRR 8.4's VTEPs are IPv4 only). */
int vn_fabric_check(const struct vn_fabric *f, struct nl_err *e);
/* "evpn" with an AS, else "static". */
const char *vn_fabric_mode(const struct vn_fabric *f);
/* Whether f and g are the same fabric. */
bool vn_fabric_same(const struct vn_fabric *f, const struct vn_fabric *g);

/* The file: written atomically 0644 in a 0755 folder; read only when it is
 * root's (or the caller's) and writable by no one else. load is -ENOENT
 * (not found: "no fabric: vnet fabric set ...") when there is none. */
int vn_fabric_load(const char *conf_dir, struct vn_fabric *f, struct nl_err *e);
int vn_fabric_save(const char *conf_dir, const struct vn_fabric *f, struct nl_err *e);
int vn_fabric_forget(const char *conf_dir, struct nl_err *e);
int vn_fabric_write(FILE *fp, const struct vn_fabric *f);

/* The slice of a DHCP range [start, end] (indexes of addresses, inclusive)
 * that host index of hosts serves: the range cut in hosts parts, the
 * remainder to the first ones. */
void vn_fabric_slice(const struct vn_fabric *f, uint64_t start, uint64_t end, uint64_t *from,
		     uint64_t *to);

/* ---- the engine's (fabric_run.c): each takes the lock ---- */
struct vn_ctx;

/* Merges the arguments onto the stored fabric (vn_fabric_merge), checks
 * the underlay (it exists; without a local address, its first global
 * address, IPv4 first, becomes the local one), configures
 * FRR (with --asn; frr.c) and stores the fabric; the networks that span
 * hosts take it at their next up (a running one's static peers at once). A
 * refusal changes nothing. */
int vn_fabric_set(struct vn_ctx *c, const struct vn_fabric_args *a, struct nl_err *e);
/* The stored fabric; -ENOENT (not found) when there is none. */
int vn_fabric_get(struct vn_ctx *c, struct vn_fabric *f, struct nl_err *e);
/* Takes out of FRR what vnet put there and forgets the fabric; refused
 * (conflict) while a network spans hosts. */
int vn_fabric_unset(struct vn_ctx *c, struct nl_err *e);

#endif
