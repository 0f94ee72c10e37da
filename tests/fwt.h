/* fwt — what the firewall's namespace tests share (ns_firewall,
 * ns_firewall_traffic): two networks, applying and removing them, and
 * reading what the kernel holds with nft, never with vnet's own reading. */
#ifndef VNET_TESTS_FWT_H
#define VNET_TESTS_FWT_H

#include <stdbool.h>

#include "fw.h"
#include "harness.h"

/* Runs a shell command line; fails the test unless it exits 0. */
#define SH(...) ck_assert_msg(th_sh(__VA_ARGS__) == 0, "failed: " __VA_ARGS__)

struct nl_prefix fwt_prefix(const char *s);

/* Network A, "na" on bridge lan0: 10.0.1.0/24 and fd00:1::/64; network B,
 * "nb" on lan1: 10.0.2.0/24. */
struct fw_net fwt_net_a(enum fw_model m);
struct fw_net fwt_net_b(enum fw_model m);

struct fw_plan *fwt_build(const struct fw_net *n);
/* Applies (remove false) or removes network n; returns the result, fills e. */
int fwt_run(const struct fw_net *n, bool remove, struct nl_err *e);
/* The same, failing the test on an error. */
void fwt_must(const struct fw_net *n, bool remove);
#define apply(n)      fwt_must(n, false)
#define remove_net(n) fwt_must(n, true)

/* The kernel's table, as `nft -s list` prints it, equals the plan's text;
 * and by `nft -j`, our chains and rules are the plan's. */
void fwt_check_listing(const struct fw_plan *p);

/* Packets of named counter name in table ("ip obs") of namespace ns (NULL:
 * the host). */
long fwt_counter(const char *ns, const char *table, const char *name);
/* Packets counted by the `counter reject` rule of one of our chains. */
long fwt_rejected(const char *chain);

#endif
