/* vmtest — what the VM launcher's tests share: a namespace per test with
 * vnet's folders in it and running the vnet binary. Every qemu a test
 * started dies when the test ends, however it ends: it runs in the test's
 * namespace, which the harness's guard empties (harness.h). */
#ifndef VNET_TESTS_VMTEST_H
#define VNET_TESTS_VMTEST_H

#include <stdbool.h>

#include "tests/harness.h"

/* Check fixture: th_netns_setup, VNET_CONF_DIR/VNET_RUN_DIR under the
 * test's folder. */
void vt_setup(void);
/* th_netns_teardown (which kills the test's VMs). */
void vt_teardown(void);

/* Runs `vnet ARGS`; returns its exit status. */
int vt_vnet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs `vnet ARGS` and returns its stderr (freed at teardown); *code gets
 * the exit status. */
const char *vt_vnet_err(int *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The outside namespace "outside" (192.0.2.2), reached from the host over
 * out0 (192.0.2.1), with no route to any guest. */
void vt_outside(void);

/* $VNET_RUN_DIR/vm/NAME/FILE */
const char *vt_file(const char *name, const char *file);
/* Whether VM name's qemu runs (vm list -j). */
bool vt_running(const char *name);
/* Waits up to s seconds for VM name's qemu to exit. */
bool vt_wait_stopped(const char *name, int s);

#endif
