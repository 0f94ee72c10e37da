/* harness — what every vnet test program shares: the root/skip rule, a
 * fresh network and mount namespace per test, and running observers (ip,
 * nft, ping...) with their output captured.
 *
 * Isolation: th_netns_setup() (a Check fixture run in the forked test child)
 * unshares the network and mount namespaces, makes mounts private, mounts a
 * private tmpfs on /run/netns and a fresh sysfs on /sys. Namespaces the test
 * adds with `ip netns add` therefore live in that private tmpfs and vanish
 * with the test process, as does everything in them; the machine's own
 * interfaces, routes, ruleset and sysctls are never touched.
 *
 * Nothing is left behind, whether a test passes, fails (Check skips the
 * teardown then) or times out (Check kills the test's process group): a
 * guard process (guard.c), started by th_netns_setup in the test's
 * namespaces and out of its process group, waits for the test process to
 * end, then kills every process in the test's network namespaces (its own
 * and those under its /run/netns) or carrying the test's mark
 * (VNET_TEST_CASE in its environment: daemons such as dnsmasq leave the
 * process tree) and removes the test's folder. th_main waits for the guards
 * after the last test and fails the program if anything with the program's
 * mark (VNET_TEST_PROGRAM) is still left then. tools/test sets VNET_TEST_RUN, which the folders'
 * names carry (/tmp/vnet-test.RUN.XXXXXX), and checks the same at its end. */
#ifndef VNET_TESTS_HARNESS_H
#define VNET_TESTS_HARNESS_H

#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

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
/* Runs a command and returns its standard error (malloc'd; never NULL), its
 * standard output dropped; *status gets the exit status when not NULL. */
char *th_err(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like th_out, but the string belongs to the harness and is freed when the
 * test ends: for inline use in assertions. Trailing newlines stay. */
const char *th_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hands a malloc'd string to the harness, which frees it when the test
 * ends; returns it. */
const char *th_keep(char *s);
/* Runs a command and parses its standard output as JSON (ip -j, nft -j);
 * fails the test if it is not JSON. Free with json_object_put. */
json_object *th_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* JSON helpers for observers: the string/int member of an object or NULL/-1. */
const char *th_jstr(json_object *o, const char *key);
long th_jint(json_object *o, const char *key);
/* The member key of o (NULL when o is NULL or has none). */
json_object *th_jget(json_object *o, const char *key);
/* The boolean member key of o; fails the test when there is none. */
bool th_jbool(json_object *o, const char *key);
/* In an ip -j array, the object whose "ifname" is name, or NULL. */
json_object *th_jlink(json_object *arr, const char *name);
/* Whether ip shows a link called name in this namespace. */
bool th_link_exists(const char *name);

/* A fresh temporary folder (under /tmp), removed by th_netns_teardown (or
 * the guard). */
const char *th_tmpdir(void);

/* Sends sig to pid once pid catches it (its handler is installed: the
 * SigCgt mask of /proc/PID/status), waiting up to secs for that: a program
 * signalled before it installed its handler dies of the signal instead (qemu
 * installs its SIGTERM handler only after it set up its netdevs). 0, or -1
 * with errno ESRCH (pid is gone or a zombie) or ETIMEDOUT. */
int th_kill_when_caught(pid_t pid, int sig, int secs);

#endif
