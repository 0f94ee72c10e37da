/* fwt — what the firewall's namespace tests share (ns_firewall,
 * ns_firewall_traffic): two networks, applying and removing them, and
 * reading what the kernel holds with nft, never with vnet's own reading. */
#ifndef VNET_TESTS_FWT_H
#define VNET_TESTS_FWT_H

#include <stdbool.h>
#include <stdint.h>

#include "firewall/fw.h"
#include "tests/harness.h"

/* Runs a shell command line; fails the test unless it exits 0. */
#define SH(...) ck_assert_msg(th_sh(__VA_ARGS__) == 0, "failed: " __VA_ARGS__)

struct nl_prefix fwt_prefix(const char *s);

/* Network A, "na" on bridge lan0: 10.0.1.0/24 and fd00:1::/64; network B,
 * "nb" on lan1: 10.0.2.0/24. */
struct fw_net fwt_net_a(enum fw_model m);
struct fw_net fwt_net_b(enum fw_model m);

/* Adds a forward to n: proto ("tcp", "udp") port to guest:gport, on
 * address (NULL: every address of the host). */
void fwt_forward(struct fw_net *n, const char *proto, uint16_t port, const char *guest,
		 uint16_t gport, const char *address);

struct fw_plan *fwt_build(const struct fw_net *n);
/* Applies (remove false) or removes network n; returns the result, fills e. */
int fwt_run(const struct fw_net *n, bool remove, struct nl_err *e);
/* The same, failing the test on an error. */
void fwt_must(const struct fw_net *n, bool remove);
#define apply(n)      fwt_must(n, false)
#define remove_net(n) fwt_must(n, true)
/* Applies n again; fails the test unless what the shell command list
 * prints (an nft listing) stays the same. */
void fwt_reapply_keeps(const struct fw_net *n, const char *list);

/* The kernel's table, as `nft -s list` prints it, equals the plan's text;
 * and by `nft -j`, our chains and rules are the plan's. */
void fwt_check_listing(const struct fw_plan *p);

/* The traffic tests' topology, in the test's namespace (the "host"):
 * bridge lan0 (10.0.1.1/24, fd00:1::1/64) with guest g1 (10.0.1.11,
 * fd00:1::11) and, when two_guests, g2 (10.0.1.12); when two_nets, lan1
 * (10.0.2.1/24) with g3 (10.0.2.13); the outside "out" (198.51.100.2,
 * fd00:99::2) behind up0 (198.51.100.1, fd00:99::1); forwarding on. Guests
 * route via their bridge's address; the outside routes 10/8 via the host. */
void fwt_topology(bool two_guests, bool two_nets);
/* Whether a ping from namespace ns gets an answer within 5 s; it probes
 * every 0.2 s, so neighbour discovery on fresh links (IPv6 needs a moment)
 * cannot decide the outcome. */
bool fwt_ping(const char *ns, const char *addr);
/* Sets net.bridge.bridge-nf-call-iptables of the test's namespace: whether
 * bridged IPv4 frames pass the IP hooks (br_netfilter). */
void fwt_bridge_nf(bool on);

/* tests/probe.py: a server in namespace ns (NULL: the host) that answers
 * each tcp connection or udp datagram on port with "NS PEER\n" (NS "host"
 * for the host): who answered, and whom it saw; started in the
 * background, returns once it listens. */
void fwt_serve(const char *ns, const char *proto, unsigned port);
/* Asks such a server from ns: its answer ("g1 10.0.1.1\n"), "" when none
 * came within 3 s. Owned by the harness. */
const char *fwt_ask(const char *ns, const char *proto, const char *host, unsigned port);
/* Starts a packet-socket observer on eth0 of namespace ns, runs the shell
 * command trigger, and returns the UDP checksum field of the first IPv4
 * UDP packet to dport that reached eth0, as it arrived. */
long fwt_udp_checksum(const char *ns, unsigned dport, const char *trigger);

/* Packets of named counter name in table ("ip obs") of namespace ns (NULL:
 * the host). */
long fwt_counter(const char *ns, const char *table, const char *name);
/* Packets counted by the `counter reject` rule of one of our chains. */
long fwt_rejected(const char *chain);

#endif
