/* qemu — the qemu command line for a description and the facts the
 * launcher found (accelerator, vhost, the tap and vhost fds, MACs, the run
 * folder). Pure code: it opens nothing, so unit tests compare its output
 * with golden lines.
 *
 * NICs are always handed over as file descriptors: one queue as
 * `-netdev tap,fd=N`; several as `fds=A:B:…` with mq=on and
 * vectors=2N+2 on the virtio-net device. qemu refuses ifname=, script=,
 * vnet_hdr= and queues= beside fd=/fds= (it probes the vnet header from
 * the fd), so none of them is ever written. For a user without root (the
 * facts name a helper) a NIC is `-netdev bridge,br=NETWORK,helper=PATH`
 * instead: qemu runs vnet-bridge-helper, which makes and attaches the tap
 * (one queue, no vhost: qemu's bridge netdev has neither). */
#ifndef VNET_VM_QEMU_H
#define VNET_VM_QEMU_H

#include <stdbool.h>

#include "vm/desc.h"

struct vm_nic_fds {
	unsigned nq;		     /* queues: fds[0..nq-1] */
	int fds[VM_MAX_QUEUES];	     /* the tap's queues */
	int vhostfds[VM_MAX_QUEUES]; /* /dev/vhost-net, one per queue, when vhost */
	uint8_t mac[6];		     /* the guest's MAC (given or derived) */
	unsigned mtu;		     /* the network's MTU; virtio gets host_mtu when not 1500 */
};

struct vm_facts {
	const char *qemu; /* the program, e.g. "qemu-system-x86_64" */
	bool kvm;	  /* -accel kvm; else tcg */
	bool vhost;	  /* vhost=on with the vhostfds */
	const char *dir;  /* the VM's run folder (state.h) */
	/* a migration's destination: "tcp:ADDR:PORT" or "fd:N" (N one of the
	 * fds qemu keeps), as -incoming; NULL for a guest that boots */
	const char *incoming;
	const char *helper; /* not NULL: NICs through -netdev bridge and this helper */
	/* a destination without the source's description: -S (the guest
	 * resumes only when the launcher's watcher says so) and its QMP
	 * monitor, watch.sock */
	bool hold;
	struct vm_nic_fds nic[VM_MAX_NICS];
};

/* A NULL-terminated argument vector; every string is owned. */
struct vm_argv {
	unsigned n, cap;
	char **v;
	int err; /* sticky: the first failure while building */
};

/* Builds qemu's argv for d and f into a (empty it first with {0}). Returns
 * 0, or -ENOMEM / -ENAMETOOLONG (a socket path longer than 107 bytes). */
int vm_argv_build(const struct vm_desc *d, const struct vm_facts *f, struct vm_argv *a,
		  struct nl_err *e);
void vm_argv_free(struct vm_argv *a);

/* The arguments joined by spaces, each quoted ('…') when it holds
 * anything but [A-Za-z0-9_./:,=@+-]: to show and to compare. malloc'd, or
 * NULL when out of memory. */
char *vm_argv_str(const struct vm_argv *a);

#endif
