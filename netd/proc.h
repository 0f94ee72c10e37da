/* proc — "is this pid the process we started": a process vnet started is
 * named by its pid and its start time (field 22 of /proc/PID/stat), and
 * checked against what identifies it — its exact command line, the uids
 * it may run as, this network namespace, alive — through a pidfd opened
 * before the checks, so that a signal sent through it reaches the process
 * checked, or none, even once the pid is reused. /proc and pidfds only:
 * it knows nothing of dnsmasq (dnsmasq.c says what identifies its
 * process). Internal to the engine. */
#ifndef VNET_NETD_PROC_H
#define VNET_NETD_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The process, for good: its pid and start time (0: not known). */
struct vn_proc {
	int pid;
	unsigned long long start;
};

/* What identifies a process in /proc: its exact command line (each
 * argument NUL terminated, len bytes in all; 0: none matches) and the user
 * besides root it may run as (a process found by a scan, whose start time
 * is not known, must be one of the two). */
struct vn_proc_id {
	char cmd[400];
	size_t len;
	const char *user; /* "nobody": looked up by the scan, which alone needs it */
};

/* pidfd_open and pidfd_send_signal; -1 and errno on failure. */
int vn_proc_pidfd(int pid);
int vn_proc_signal(int fd, int sig);
/* Whether the process behind pidfd fd ended within ms. */
bool vn_proc_ended(int fd, int ms);
/* The state (field 3; state may be NULL) and start time (field 22) of pid;
 * -1 when /proc does not show it. */
int vn_proc_stat(int pid, char *state, unsigned long long *start);
/* Whether fd number fd of pid points at path ("/dev/null"). */
bool vn_proc_fd_is(int pid, int fd, const char *path);

/* A pidfd on p->pid when it is the process id names, else -1. p->start 0
 * (found by a scan, not recorded): its uid stands in for the start time,
 * which p gets; else the start time must be the same. */
int vn_proc_grab(const struct vn_proc_id *id, struct vn_proc *p);
/* A pidfd on the first process in /proc that id names (p gets it), or -1.
 * This process is never one. */
int vn_proc_scan(const struct vn_proc_id *id, struct vn_proc *p);

#endif
