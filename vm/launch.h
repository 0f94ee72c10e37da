/* launch — what `vnet vm …` does, for the front end to call and print:
 * start (checks, taps, qemu), stop, kill, one monitor command, the console.
 *
 * Start is two calls so the front end can speak between them (the TCG
 * warning) and so --foreground can become qemu: vm_prepare() refuses bad
 * input before anything exists (missing file, unknown or down network, bad
 * or taken MAC, a running VM of that name), then opens each NIC's tap (vnet
 * header; one queue per cpu for virtio with cpus > 1), attaches it through
 * the engine exactly as `vnet port add` does, and builds qemu's command
 * line; vm_launch() starts qemu and waits until QMP answers. The taps are
 * not persistent: qemu holds their only fds once vm_plan_free() closed
 * ours, so they vanish when qemu exits, however it exits.
 *
 * "A MAC already on the network" is one of the bridge's, one of its ports'
 * (their host-side MACs), or one a running VM that vnet started has on that
 * network (its vm.json). The bridge's learned FDB entries are not read. */
#ifndef VNET_VM_LAUNCH_H
#define VNET_VM_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "vm/desc.h"
#include "vm/descjson.h"
#include "netd/netd.h"
#include "vm/qemu.h"
#include "vm/state.h"

/* A migration's destination (`vnet vm start NAME … --incoming …`): qemu
 * starts with -incoming and waits for the stream; its taps are attached
 * before it, so the guest's frames have their port at the switch-over. */
struct vm_incoming {
	const char *uri;  /* "tcp:ADDR:PORT" (--incoming), or NULL */
	const char *file; /* the stream in a file (--incoming-file), or NULL */
	/* d is the source's description (--incoming-from): each network must
	 * have its subnets here, the kernel and initrd its sizes */
	bool from;
	struct vm_desc_facts x;
};

struct vm_plan {
	const struct vm_desc *d;
	const struct vm_incoming *in; /* NULL for a guest that boots */
	char uri[64];		      /* qemu's -incoming */
	char run_dir[256];
	char dir[VM_PATH_MAX]; /* RUN_DIR/vm/NAME */
	struct vm_facts f;
	struct vm_state st; /* what vm.json says */
	struct vm_argv argv;
	char no_kvm[160]; /* why TCG, or "" with KVM */
	int lock_fd;	  /* RUN_DIR/vm.lock, held until freed */
	/* a destination: NIC i's lease at the source is to become a static
	 * host of its network here (lease_add), and did (lease_added) */
	bool lease_add[VM_MAX_NICS], lease_added[VM_MAX_NICS];
	unsigned nfds;
	int fds[VM_MAX_NICS * VM_MAX_QUEUES * 2]; /* taps' and vhost's, for qemu */
};

/* Checks, taps, command line (see above). On failure nothing of it stays. */
int vm_prepare(struct vn_ctx *c, const struct vm_desc *d, struct vm_plan *p, struct nl_err *e);
/* The same for a migration's destination (in: see above). Refused besides,
 * before qemu starts: a network whose subnets differ from the source's, a
 * kernel or initrd of another size, the source's CPU "host" without KVM
 * here, a TCP port that is busy, a stream file that does not read. */
int vm_prepare_incoming(struct vn_ctx *c, const struct vm_desc *d, const struct vm_incoming *in,
			struct vm_plan *p, struct nl_err *e);

/* Starts qemu in the background (a new session, stderr in qemu.log) and
 * waits until its QMP socket answers; *pid gets qemu's pid. When qemu
 * exits instead, the error carries the last line qemu wrote. */
int vm_launch(struct vm_plan *p, pid_t *pid, struct nl_err *e);

/* Becomes qemu (--foreground); returns only on failure. */
int vm_launch_foreground(struct vm_plan *p, struct nl_err *e);

/* A start that failed after vm_prepare*(): what it changed in the
 * networks' definitions goes again (the static hosts of a destination's
 * leases). */
void vm_unprepare(struct vn_ctx *c, struct vm_plan *p);

/* Closes our copies of the fds (qemu has its own), unlocks, frees. */
void vm_plan_free(struct vm_plan *p);

/* system_powerdown, then quit after timeout_s when qemu is still there.
 * *how gets "powered down", "quit" or "was not running". Returns once
 * qemu is gone and its taps with it. */
int vm_stop(const char *run_dir, const char *name, unsigned timeout_s, const char **how,
	    struct nl_err *e);
/* SIGKILL; returns once qemu is gone and its taps with it. */
int vm_kill(const char *run_dir, const char *name, bool *was_running, struct nl_err *e);

/* `vnet vm migrate`: the options, and what it measured. */
struct vm_migrate_opts {
	const char *uri;	/* "tcp:HOST:PORT", or NULL with file */
	const char *file;	/* --to-file: a new file the stream is written to */
	unsigned downtime_ms;	/* 0: qemu's default (300 ms) */
	unsigned bandwidth_mbs; /* MB/s; 0: unlimited */
	unsigned timeout_s;	/* the whole migration; 0: none */
	/* called about every 200 ms while RAM is sent (may be NULL) */
	void (*progress)(void *arg, unsigned long long transferred, unsigned long long remaining,
			 unsigned long long total);
	void *arg;
};

struct vm_migrate_result {
	unsigned long long total_ms, downtime_ms, transferred, setup_ms;
};

/* Migrates running VM name: migrate-set-parameters, migrate, query-migrate
 * until it completes, fails or the timeout passes. On success the source's
 * taps leave their bridges (the guest's MAC is then found only at the
 * destination), qemu quits and the VM's records go. On failure, timeout or
 * a signal (SIGINT, SIGTERM) migrate_cancel: the guest goes on running here
 * with its taps as they were; the error carries qemu's reason. */
int vm_migrate(struct vn_ctx *c, const char *name, const struct vm_migrate_opts *o,
	       struct vm_migrate_result *r, struct nl_err *e);

/* vm.json of name with its state and a "description" a destination can
 * start from (`vnet vm show NAME -j`), with the addresses its NICs' ports
 * are bound to now on networks with --anti-spoof; *o to put. */
int vm_show(struct vn_ctx *c, const char *run_dir, const char *name, struct json_object **o,
	    struct nl_err *e);

/* One human monitor command ("info network"); *out (malloc'd) gets its text. */
int vm_monitor(const char *run_dir, const char *name, const char *cmd, char **out,
	       struct nl_err *e);

/* A connection to the serial console's socket. */
int vm_console_open(const char *run_dir, const char *name, int *fd, struct nl_err *e);
/* Copies in -> sock and sock -> out until the escape byte arrives on in,
 * in ends, or qemu closes the console. 0, or -errno. */
int vm_console_relay(int sock, int in, int out, unsigned char escape);

#endif
