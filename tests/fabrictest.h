/* fabrictest — what the tests of networks that span hosts share
 * (ns_fabric, ns_evpn): namespaces h1..h3 are hosts on one underlay bridge
 * (ul, in the test's namespace; host K is 192.168.50.K on its eth0), each
 * with its own vnet folders; namespace out (192.168.50.100, every host's
 * default route) is the outside, counting echo requests by source. Guests
 * are namespaces whose eth0 pairs with NAME-h on a host. FRR's zebra and
 * bgpd are started per host by the test itself (a folder of user frr) and
 * stopped by ft_teardown, with what they leave in /var/tmp/frr, as is a
 * vnetd a test starts on a host. */
#ifndef VNET_TESTS_FABRICTEST_H
#define VNET_TESTS_FABRICTEST_H

#include <stdbool.h>
#include <stddef.h>

#define FT_HOSTS 3

/* zebra's and bgpd's pids on host k (0: not running). */
extern int ft_frr_pid[FT_HOSTS + 1][2];

/* Check fixture: nt_setup_host, and /var/tmp/frr's folders of daemons
 * that are gone removed; teardown stops every FRR daemon it started. */
void ft_setup(void);
/* Its FRR part alone, for a test that set up its host otherwise. */
void ft_setup_frr(void);
void ft_teardown(void);

/* Runs vnet on host k: its exit status; its stdout (the harness's). */
int ft_on(int k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ft_out(int k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether the shell line succeeds within secs (tried every 50 ms). */
bool ft_within(double secs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The underlay, the outside and hosts 1..n. */
void ft_hosts(int n);
/* Echo requests the outside saw from host k's address. */
long ft_outside_from(int k);
/* Guest name on host k, on network n1: MAC mac, 10.60.0.last/24, default
 * route via the gateway. */
void ft_guest(const char *name, int k, const char *mac, int last);
/* Whether from gets a reply from to within 20 s (one ping a second). */
bool ft_ping(const char *from, const char *to);

/* FRR on host k: its folder; zebra and bgpd started (router: bgpd's file
 * has `router bgp 65000` with `timers bgp 3 9`, else it is empty), or
 * stopped (SIGTERM, then what it takes). */
void ft_frr_dir(int k, char *buf, size_t n);
void ft_frr_start(int k, bool router);
/* The same in namespace netns (NULL: the test's own), for tests whose
 * hosts are not h1..h3 (e2e_vm); k is the slot its pids are kept in. */
void ft_frr_start_in(int k, const char *netns, bool router);
void ft_frr_stop(int k);
void ft_frr_stop_all(void);

/* vnetd on host k (its log: ft_vnetd_log), started and waited for until
 * it watches; ft_teardown stops it. */
void ft_vnetd_start(int k);
const char *ft_vnetd_log(int k);

#endif
