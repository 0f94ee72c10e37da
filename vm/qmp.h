/* qmp — a small QMP client over qemu's unix socket: the greeting,
 * qmp_capabilities, one command at a time (events in between are skipped),
 * and waiting for qemu to close the socket (its exit). */
#ifndef VNET_VM_QMP_H
#define VNET_VM_QMP_H

#include "common/err.h"

struct json_object;

struct vm_qmp {
	int fd;
	char *buf; /* what was read and not yet consumed */
	size_t len, cap;
};

/* Connects to the socket at path, reads the greeting and leaves
 * negotiation mode. -ECONNREFUSED/-ENOENT when nothing listens. */
int vm_qmp_open(struct vm_qmp *q, const char *path, int timeout_ms, struct nl_err *e);
void vm_qmp_close(struct vm_qmp *q);

/* Runs cmd with args (may be NULL; the call takes its reference). *ret (may
 * be NULL) gets the "return" member, to be put by the caller. A QMP error
 * is -EIO with its description as the message. */
int vm_qmp_call(struct vm_qmp *q, const char *cmd, struct json_object *args,
		struct json_object **ret, int timeout_ms, struct nl_err *e);

/* vm_qmp_call that passes fd along (SCM_RIGHTS): for getfd. */
int vm_qmp_call_fd(struct vm_qmp *q, const char *cmd, struct json_object *args, int fd,
		   struct json_object **ret, int timeout_ms, struct nl_err *e);

/* Reads (skipping events) until qemu closes the socket: 0, or -ETIMEDOUT. */
int vm_qmp_wait_close(struct vm_qmp *q, int timeout_ms);

/* Reads until event name comes (*data: its "data", to put; may be NULL),
 * skipping others: 0, -ETIMEDOUT, or -EPIPE when qemu closed the socket. */
int vm_qmp_event(struct vm_qmp *q, const char *name, int timeout_ms, struct json_object **data);

#endif
