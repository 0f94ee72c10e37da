/* proc — starting qemu: fork and exec, no shell. The fds qemu is to keep
 * (taps, vhost-net) stay open across exec; every other fd is closed by it. */
#ifndef VNET_VM_PROC_H
#define VNET_VM_PROC_H

#include <sys/types.h>

#include "common/err.h"

/* Starts argv (argv[0] looked up in PATH) in a new session, stdin from
 * /dev/null, stdout and stderr appended to log. 0 and *pid once exec
 * succeeded; -errno (e names the program) when fork or exec failed. */
int vm_proc_spawn(char *const argv[], const int *keep, unsigned nkeep, const char *log, pid_t *pid,
		  struct nl_err *e);

/* Replaces this process with argv (for --foreground): returns only on
 * failure, with -errno. */
int vm_proc_exec(char *const argv[], const int *keep, unsigned nkeep, struct nl_err *e);

#endif
