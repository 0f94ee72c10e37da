/* vmtest — what the VM launcher's tests share, on top of vnettest's setup
 * (nt_setup_host: a namespace per test with vnet's folders in it, nt_run,
 * nt_says): where a VM's files are and whether its qemu runs. Every qemu a
 * test started dies when the test ends, however it ends: it runs in the
 * test's namespace, which the harness's guard empties (harness.h). */
#ifndef VNET_TESTS_VMTEST_H
#define VNET_TESTS_VMTEST_H

#include <stdbool.h>

#include "tests/vnettest.h"

/* $VNET_RUN_DIR/vm/NAME/FILE */
const char *vt_file(const char *name, const char *file);
/* Whether VM name's qemu runs (vm list -j). */
bool vt_running(const char *name);
/* Waits up to s seconds for VM name's qemu to exit. */
bool vt_wait_stopped(const char *name, int s);

#endif
