/* descjson — a VM's description as JSON, and back: the "description" of
 * vm.json and of `vnet vm show NAME -j`, which a migration's destination
 * reads (`vnet vm start NAME --incoming-from FILE`).
 *
 * Each member is an option of `vnet vm start` as its value would be given
 * ("memory": "128", "net": ["lan,model=virtio,mac=52:54:00:…"]), so that
 * reading one back goes through vm_desc_option(), the one place where every
 * value that reaches qemu's command line is checked: a description from a
 * file is untrusted input like any argument. Besides the options it
 * carries what the destination must match and cannot give itself: each
 * network's subnets, the sizes of the kernel and initrd, and qemu's own
 * arguments (after "--"), which are compared, never taken from the file;
 * on networks with --anti-spoof, each NIC's bound addresses ("addresses":
 * an array per NIC), bound at the destination before qemu starts; and each
 * NIC's DHCPv4 lease ("leases": an address or null per NIC), a static host
 * of the destination's network before qemu starts. */
#ifndef VNET_VM_DESCJSON_H
#define VNET_VM_DESCJSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/prefix.h"
#include "vm/desc.h"

#define VM_BOUND_MAX 16 /* addresses bound to a NIC's port (netd's VN_BIND_ADDRS) */

struct json_object;

#define VM_DESC_MAX (64 * 1024) /* bytes of a description file */

/* What a description says besides the options. */
struct vm_desc_facts {
	char subnets[VM_MAX_NICS][96]; /* NIC i's network's subnets, "10.0.0.0/24[,fd00::/64]" */
	long long kernel_size, initrd_size; /* -1: not given */
	/* on a network with --anti-spoof: the addresses NIC i's port was bound
	 * to at the source (given or leased), which the destination binds too */
	unsigned nbound[VM_MAX_NICS];
	struct nl_prefix bound[VM_MAX_NICS][VM_BOUND_MAX];
	/* NIC i's DHCPv4 lease at the source (family 0: none), which the
	 * destination's network takes as a static host (vm/lease.h) */
	struct nl_prefix lease[VM_MAX_NICS];
};

/* d with the MACs and facts given (macs[i]: NIC i's, given or derived). */
struct json_object *vm_desc_json(const struct vm_desc *d, const uint8_t (*macs)[6],
				 const struct vm_desc_facts *x);

/* Sets desc's "addresses" from x->bound (none when no NIC has any). */
void vm_desc_put_addresses(struct json_object *desc, unsigned nnics, const struct vm_desc_facts *x);
/* Sets desc's "leases" from x->lease: one per NIC, an address or null
 * (none when no NIC has one). */
void vm_desc_put_leases(struct json_object *desc, unsigned nnics, const struct vm_desc_facts *x);

/* Reads o (a "description" object) into d (vm_desc_init'd by it; the name
 * is kept as the caller set it) and x. Every NIC must give its MAC; an
 * unknown member, a value of the wrong type or one an option refuses is an
 * error (NL_ERR_INVALID) that names where. d->extra stays the caller's: the
 * description's "extra" must be the same arguments (else an error names
 * them). what names the source in messages ("description FILE"). */
int vm_desc_from_json(struct json_object *o, struct vm_desc *d, struct vm_desc_facts *x,
		      const char *what, struct nl_err *e);

/* Reads FILE (a root-owned or the caller's file, not writable by others,
 * at most VM_DESC_MAX bytes; `vnet vm show NAME -j` or its "description")
 * as vm_desc_from_json. */
int vm_desc_read(const char *path, struct vm_desc *d, struct vm_desc_facts *x, struct nl_err *e);

/* Whether here (this host's command line) describes the same machine as
 * there (the source's description); else buf gets the first difference,
 * "memory: \"256\" here, \"128\" on the source". Compared: the options
 * given here (given: their names, ",memory,net,"), and always the files
 * (disk, cdrom, kernel, initrd): a destination names its own, and the
 * source's must be the same, options after the path included; of the
 * display only whether it is VNC (a VGA device): its address and port are
 * this host's, from its own command line. A NIC's MAC that here
 * did not give is taken from there first. */
bool vm_desc_same(struct vm_desc *here, const struct vm_desc *there, const char *given, char *buf,
		  size_t n);

#endif
