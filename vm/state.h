/* state — each VM's run-state folder, $VNET_RUN_DIR/vm/NAME/:
 *
 *   qmp.sock     QMP (the launcher's control channel)
 *   pid          qemu's pid file; qemu holds a lock on it while it runs, so
 *                a lock means "running" even after a pid was reused
 *   serial.sock  the serial console (`vnet vm console`)
 *   serial.log   everything the guest wrote to its serial port
 *   qemu.log     qemu's own messages (a daemonized qemu's stderr)
 *   vm.json      what was started: networks, MACs, taps, memory, cpus, and
 *                the description (descjson.h) a migration's destination needs
 *   migrate.lock held by `vnet vm migrate` while it runs
 *   watch.sock   a destination's second QMP, without the source's
 *                description: the launcher's watcher (watch.c) uses it
 *   refused      why that watcher left the guest paused (a MAC the
 *                stream brought is not the one this host attached)
 *
 * A VM whose qemu is gone keeps its folder (its serial log is worth
 * reading); it is "stopped" until the same name starts again. */
#ifndef VNET_VM_STATE_H
#define VNET_VM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vm/desc.h"

#define VM_F_QMP	 "qmp.sock"
#define VM_F_PID	 "pid"
#define VM_F_SERIAL_SOCK "serial.sock"
#define VM_F_SERIAL_LOG	 "serial.log"
#define VM_F_QEMU_LOG	 "qemu.log"
#define VM_F_STATE	 "vm.json"
#define VM_F_MIGRATE	 "migrate.lock" /* locked by `vnet vm migrate` while it runs */
#define VM_F_WATCH	 "watch.sock"	/* a destination's second QMP (watch.c) */
#define VM_F_REFUSED	 "refused"	/* why a destination did not resume the guest */

#define VM_SUN_PATH_MAX 108 /* sizeof(sockaddr_un.sun_path) */

struct json_object;

struct vm_nic_state {
	char net[NL_IFNAMSIZ];
	char subnet[96]; /* the network's subnets when it started ("10.0.0.0/24") */
	char tap[NL_IFNAMSIZ];
	enum vm_nic_model model;
	uint8_t mac[6];
	unsigned queues;
};

struct vm_state {
	char name[VM_NAME_MAX + 1];
	unsigned memory, cpus;
	bool kvm;
	char display[80];	      /* "none", "vnc=127.0.0.1:1", "nographic" */
	char machine[VM_MACHINE_MAX]; /* versioned ("pc-q35-7.2") once qemu said it */
	char cpu[VM_MACHINE_MAX];     /* "host", or qemu's default ("qemu64") */
	bool incoming;		      /* started as a migration's destination */
	unsigned nnics;
	struct vm_nic_state nic[VM_MAX_NICS];
	/* Read from the pid file and the migration's lock, not from vm.json: */
	bool running;
	pid_t pid;	/* 0 when not running */
	bool migrating; /* `vnet vm migrate` holds VM_F_MIGRATE's lock */
	/* a destination that left the guest paused: why (VM_F_REFUSED), or "" */
	char refused[320];
};

/* The RUN_DIR of the VMs' folders: vnet's run folder (run_dir) for root;
 * for a user without root, who runs qemu through vnet-bridge-helper and
 * cannot write there, $XDG_RUNTIME_DIR/vnet (its own folder), else
 * run_dir still (root's VMs to read; a start there needs root). */
int vm_base_dir(const char *run_dir, char *out, size_t n, struct nl_err *e);

/* "RUN_DIR/vm/NAME/FILE" (FILE may be "" for the folder). -ENAMETOOLONG
 * when it does not fit n bytes. */
int vm_path(const char *run_dir, const char *name, const char *file, char *out, size_t n,
	    struct nl_err *e);

/* Makes RUN_DIR/vm/NAME (and its parents), mode 0700 for the VM's own;
 * name NULL makes only RUN_DIR/vm. */
int vm_dir_make(const char *run_dir, const char *name, struct nl_err *e);
/* Removes what a previous run of NAME left (not the folder). */
void vm_dir_clean(const char *run_dir, const char *name);

/* Whether qemu holds the lock of dir's pid file; *pid gets the holder. */
bool vm_running(const char *dir, pid_t *pid);

/* The state as JSON (vm.json and `vnet vm list -j` share it) and back. */
struct json_object *vm_state_json(const struct vm_state *s);
int vm_state_from_json(struct json_object *o, struct vm_state *s, struct nl_err *e);

/* vm.json of a VM, written atomically (temporary file, rename), with the
 * description it was started from (descjson.h; the call takes desc's
 * reference; NULL writes none). */
int vm_state_save(const char *run_dir, const struct vm_state *s, struct json_object *desc,
		  struct nl_err *e);
/* vm.json as it was written (*o to put). */
int vm_state_read(const char *run_dir, const char *name, struct json_object **o, struct nl_err *e);
/* "running", "stopped", "migrating" (the source, while `vnet vm migrate`
 * runs), "incoming" (a destination that waits for or reads the stream:
 * s->incoming, which the launcher clears once qemu runs the guest) or
 * "refused" (a destination that left the guest paused: s->refused). */
const char *vm_state_word(const struct vm_state *s);
/* Whether a `vnet vm migrate` holds dir's migration lock. */
bool vm_migrating(const char *dir);
/* -ENOENT (NL_ERR_NOTFOUND, "no VM NAME") when NAME has no folder. */
int vm_state_load(const char *run_dir, const char *name, struct vm_state *s, struct nl_err *e);

/* Every VM that has a folder, sorted by name; *out is malloc'd; free() it. */
int vm_state_list(const char *run_dir, struct vm_state **out, unsigned *n, struct nl_err *e);

#endif
