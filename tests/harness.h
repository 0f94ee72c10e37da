/* harness — what every vnet test program shares: the root/skip rule, a
 * fresh network and mount namespace per test, and running observers (ip,
 * nft, ping...) with their output captured.
 *
 * Isolation: th_netns_setup() (a Check fixture run in the forked test child)
 * unshares the network and mount namespaces, makes mounts private, mounts a
 * private tmpfs on /run/netns and a fresh sysfs on /sys. Namespaces the test
 * adds with `ip netns add` therefore live in that private tmpfs and vanish
 * with the test process, as does everything in them; the machine's own
 * interfaces, routes, ruleset and sysctls are never touched. */
#ifndef VNET_TESTS_HARNESS_H
#define VNET_TESTS_HARNESS_H

#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>

/* Runs the suite. needs_root: exits 77 (skip) when not root or when
 * namespaces cannot be made, and 1 instead when CI=true. */
int th_main(Suite *s, const char *name, bool needs_root);

/* Check fixture: a private network + mount namespace for this test, lo up. */
void th_netns_setup(void);
void th_netns_teardown(void);

/* Runs a shell command line (tests may use a shell; the product never does);
 * returns its exit status (-1 if it could not run). Output goes to the test log. */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a command and returns its standard output (malloc'd; never NULL);
 * *status gets the exit status when status is not NULL. */
char *th_out(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like th_out, but the string belongs to the harness and is freed when the
 * test ends: for inline use in assertions. Trailing newlines stay. */
const char *th_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a command and parses its standard output as JSON (ip -j, nft -j);
 * fails the test if it is not JSON. Free with json_object_put. */
json_object *th_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* JSON helpers for observers: the string/int member of an object or NULL/-1. */
const char *th_jstr(json_object *o, const char *key);
long th_jint(json_object *o, const char *key);
/* In an ip -j array, the object whose "ifname" is name, or NULL. */
json_object *th_jlink(json_object *arr, const char *name);

/* A fresh temporary folder (under /tmp), removed by th_netns_teardown. */
const char *th_tmpdir(void);

#endif
