/* incoming — the launcher's parts of a migration that launch.c and
 * migrate.c share: migration URIs, the destination's checks before qemu
 * starts, and what is recorded once qemu answers. Internal to vm/. */
#ifndef VNET_VM_INCOMING_H
#define VNET_VM_INCOMING_H

#include <stdbool.h>

#include "vm/launch.h"
#include "vm/qmp.h"

/* "tcp:HOST:PORT": HOST an IPv4 address, "0" (any), "[IPv6]", or (not
 * listen) a host name of [A-Za-z0-9.-]; PORT 1..65535. With listen, the
 * port must be free on that address (a bind says so): -EADDRINUSE
 * (conflict) names it. Anything else is refused (NL_ERR_INVALID): no other
 * transport reaches qemu (never exec:). */
int vm_uri_check(const char *uri, bool listen, struct nl_err *e);
/* The same without the bind: the URI's form alone, which reads no state
 * (checked before anything else is looked at). */
int vm_uri_valid(const char *uri, bool listen, struct nl_err *e);

/* The stream's values, before any state is read: the URI's form, or the
 * file opened for qemu (p->uri gets "fd:N"). */
int vm_in_value(struct vm_plan *p, struct nl_err *e);
/* Then, with the rest of this host's checks: the URI's port free (p->uri
 * gets qemu's -incoming). */
int vm_in_open(struct vm_plan *p, struct nl_err *e);
/* NIC i's network n here against the source's: same subnets. subnet gets
 * n's ("10.0.0.0/24[,fd00::/64]"). */
int vm_in_check_net(const struct vm_plan *p, unsigned i, const struct vn_net *n, char *subnet,
		    size_t len, struct nl_err *e);
/* The description against this host: kernel and initrd sizes, CPU host
 * needs KVM. */
int vm_in_check_desc(const struct vm_plan *p, struct nl_err *e);

/* Once QMP answers: the machine's versioned type (qom-get /machine type),
 * announce parameters on a destination, vm.json with the description. */
int vm_settle(struct vm_plan *p, struct nl_err *e);

/* A destination without the source's description (p->f.hold: qemu runs
 * with -S): forks the process that resumes the guest once the stream is in
 * and its NICs' MACs are this host's, else leaves it paused (watch.c). */
int vm_watch_spawn(const struct vm_plan *p, struct nl_err *e);

/* The source's description as vm.json holds it, for `vm show -j`. */
struct json_object *vm_plan_desc(const struct vm_plan *p);

#endif
