/* guard — the harness's half that leaves nothing behind (the rule is in
 * harness.h): a guard process per test that, once the test process ended
 * however it ended, kills what the test started and removes its folder, and
 * after the last test a check that nothing carrying the program's mark is
 * still running. Used by harness.c only; tests include harness.h. */
#ifndef VNET_TESTS_GUARD_H
#define VNET_TESTS_GUARD_H

#include <stdbool.h>

/* th_main, before the tests: the pipe every guard holds until it is done. */
void th_guard_init(void);
/* th_netns_setup: the guard of the test whose folder is dir, started in
 * the test's namespaces and out of its process group. */
void th_guard_start(const char *dir);
/* th_netns_teardown: kills what the test (folder dir) started, now. */
void th_guard_sweep(const char *dir);
/* th_main, after the last test: every guard done (a bounded wait), then
 * nothing left that carries the mark; false, and a report on stderr naming
 * what was killed, when something was. true without th_guard_init's pipe. */
bool th_guard_nothing_left(const char *name, const char *mark);

/* Seconds on the monotonic clock. */
double th_now(void);

#endif
