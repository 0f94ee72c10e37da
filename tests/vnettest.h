/* vnettest — what the tests that drive the real `vnet` binary share: the
 * one setup they all start from (a fresh namespace with private
 * VNET_CONF_DIR/VNET_RUN_DIR; vmtest builds on it), an "outside" namespace
 * (192.0.2.2, reachable from the host's out0 192.0.2.1, with no route to
 * any guest), running vnet, guest namespaces on a network, pings that allow
 * a new port's slow start, refusals that change nothing, and snapshots of
 * the host. */
#ifndef VNET_TESTS_VNETTEST_H
#define VNET_TESTS_VNETTEST_H

#include <stdbool.h>

#include "tests/harness.h"

/* The vnet binary (meson passes VNET_BIN). */
extern const char *nt_vnet;

/* Check fixture: th_netns_setup, private VNET_CONF_DIR and VNET_RUN_DIR
 * under the test's folder, VNET (the binary, for shell lines) set and
 * VNET_NETWORK unset. Tests that make their own host around it (the VM
 * launcher's, the port path's) start from this one. */
void nt_setup_host(void);
/* For what reads vnet's fixed folders, /etc/vnet and /run/vnet (the
 * setuid vnet-bridge-helper has no environment): in this test's mount
 * namespace alone, /etc and /run become overlays whose upper layers are in
 * the test's folder, and /etc/vnet and /run/vnet the test's
 * $VNET_CONF_DIR and $VNET_RUN_DIR (bind mounts), so that vnet, its
 * helper and the test see one set of files; the machine's /etc and /run
 * stay as they are. The helper built (VNET_BRIDGE_HELPER_BIN) is copied
 * setuid root into a root-owned tmpfs mounted without nosuid, whatever the
 * machine's /tmp is; returns its path (also in $VNET_HELPER). Call after
 * nt_setup_host. */
const char *nt_helper_setup(void);

/* The outside namespace "outside" (192.0.2.2), reached from the host over
 * out0 (192.0.2.1), with no route to any guest. */
void nt_outside(void);
/* Check fixture: nt_setup_host, then nt_outside. */
void nt_setup(void);

/* Runs vnet; returns its exit status. */
int nt_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs vnet; returns its stderr (malloc'd), *code its exit status. */
char *nt_err(int *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like nt_err, but the string is the harness's (freed when the test ends):
 * for use inline in assertions. */
const char *nt_says(int *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A guest namespace name whose eth0 (MAC mac, or the kernel's when NULL)
 * pairs with host end NAME-h, attached to network net with `vnet port add`;
 * with cidr it gets that address and a default route via gw. */
void nt_guest(const char *name, const char *net, const char *mac, const char *cidr, const char *gw);

/* A path that must work gets three tries: a port forwards only once the
 * kernel's link watch saw its carrier, up to a second after it came up. A
 * path that must not work gets one (callers first prove the guest's port
 * forwards). ns NULL: from the host. */
bool nt_ping(const char *ns, const char *dst);
bool nt_ping_once(const char *ns, const char *dst);

/* Runs dhclient -6 once in guest ns (its eth0), which puts the address it
 * is handed on eth0; returns "ADDRESS DNS\n" ("" when it got nothing in
 * 30 s). */
const char *nt_dhcp6(const char *ns);

/* Runs vnet with the arguments, asserts it exits with code and says
 * exactly msg on stderr (a msg ending "..." starts it: a usage follows),
 * and that the host is as it was before. */
void nt_refused(int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for any shell line (a hook, vnet with variables before it). */
void nt_sh_refused(int code, const char *msg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Counts, in the outside namespace, echo requests arriving from the host's
 * out0 address (rule 0: NATed) and from any 10.0.0.0/8 guest (rule 1: not
 * NATed); nt_outside_counter(rule) reads one. */
void nt_outside_count(void);
long nt_outside_counter(int rule);

/* Everything of the host an observer sees that vnet could touch (links,
 * addresses, routes, ruleset, forwarding sysctls, definitions, dnsmasq's
 * files), without what the kernel changes by its timers (carrier and
 * operstate, DAD, lifetimes, link-local addresses, counters: vnettest.c),
 * so that two snapshots differ only by what was done; malloc'd. */
char *nt_snapshot(void);
/* Fails the test with a diff on stderr when the host changed. */
void nt_same_host(const char *before, const char *after);

#endif
