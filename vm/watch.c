/* watch — a migration's destination started without the source's
 * description (`vnet vm start NAME … --incoming` alone). The launcher
 * cannot compare anything before the stream comes, so qemu starts with -S
 * (the guest does not resume by itself once the stream is in) and a second
 * QMP monitor (watch.sock, so that `vm list` and the others keep theirs),
 * and a process forked here waits there for the stream, compares what it
 * brought with this host's description of the VM and resumes the guest
 * (cont) only when they agree.
 *
 * Compared: each virtio NIC's MAC as the stream set it (query-rx-filter's
 * main-mac: the address the guest sends from) against the MAC this host
 * attached the NIC with, checked free on the network and bound there with
 * --anti-spoof. qemu itself refuses a stream of another machine type, RAM
 * size or device list (the load fails and qemu exits: its log says why).
 * A mismatch leaves the guest paused, so nothing runs with an identity
 * this host did not check, and writes the reason to the VM's folder
 * (VM_F_REFUSED; `vm list` says "refused", `vm show` the reason);
 * `vnet vm monitor NAME cont` runs it anyway, or it migrates on.
 *
 * The process holds no fd of the launcher's (taps, locks: closed at once)
 * and ends when the guest resumed, was refused or qemu went away. It waits
 * on QMP's MIGRATION events, and asks query-status once a second in case
 * an event was missed: idle, it costs one QMP round trip a second. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "vm/incoming.h"

#define WATCH_QMP_MS  5000
#define WATCH_POLL_MS 1000

/* qemu's run state ("inmigrate", "paused", "running"), or "" when qemu is
 * gone. */
static void run_state(struct vm_qmp *q, char *buf, size_t n)
{
	json_object *ret = NULL, *v;

	buf[0] = '\0';
	if (!vm_qmp_call(q, "query-status", NULL, &ret, WATCH_QMP_MS, NULL) &&
	    json_object_object_get_ex(ret, "status", &v))
		snprintf(buf, n, "%s", json_object_get_string(v));
	json_object_put(ret);
}

static int events_on(struct vm_qmp *q)
{
	json_object *a = json_object_new_object(), *caps = json_object_new_array(),
		    *c = json_object_new_object();

	json_object_object_add(c, "capability", json_object_new_string("events"));
	json_object_object_add(c, "state", json_object_new_boolean(true));
	json_object_array_add(caps, c);
	json_object_object_add(a, "capabilities", caps);
	return vm_qmp_call(q, "migrate-set-capabilities", a, NULL, WATCH_QMP_MS, NULL);
}

/* The first virtio NIC whose MAC the stream set otherwise: why, in buf;
 * "" when all agree. query-rx-filter lists virtio NICs in their order. */
static void compare(struct vm_qmp *q, const struct vm_state *st, char *why, size_t n)
{
	json_object *ret = NULL, *v;
	char mac[18];
	size_t k = 0;

	why[0] = '\0';
	if (vm_qmp_call(q, "query-rx-filter", NULL, &ret, WATCH_QMP_MS, NULL)) {
		snprintf(why, n, "qemu did not say the NICs' MACs (query-rx-filter)");
		return;
	}
	for (unsigned i = 0; i < st->nnics && !why[0]; i++) {
		json_object *f = json_object_array_get_idx(ret, k);
		const char *got;

		if (st->nic[i].model != VM_NIC_VIRTIO)
			continue;
		k++;
		got = f && json_object_object_get_ex(f, "main-mac", &v) ? json_object_get_string(v)
									: "none";
		vm_mac_str(st->nic[i].mac, mac);
		if (strcasecmp(got, mac))
			snprintf(why, n,
				 "NIC %u: the stream's MAC is %.17s, this host attached %s (give "
				 "the source's: --net %s,mac=%.17s, or --incoming-from)",
				 i, got, mac, st->nic[i].net, got);
	}
	json_object_put(ret);
}

static void watch(const char *dir, const struct vm_state *st)
{
	char sock[VM_PATH_MAX + 16], state[32], why[300];
	json_object *data;
	struct vm_qmp q;
	int err;

	snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_WATCH);
	if (vm_qmp_open(&q, sock, WATCH_QMP_MS, NULL))
		return;
	events_on(&q);
	for (run_state(&q, state, sizeof(state)); !strcmp(state, "inmigrate");
	     run_state(&q, state, sizeof(state))) {
		err = vm_qmp_event(&q, "MIGRATION", WATCH_POLL_MS, &data);
		json_object_put(data);
		if (err && err != -ETIMEDOUT)
			break; /* qemu went away */
	}
	if (!strcmp(state, "paused")) {
		compare(&q, st, why, sizeof(why));
		if (!why[0]) {
			vm_qmp_call(&q, "cont", NULL, NULL, WATCH_QMP_MS, NULL);
		} else {
			snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_REFUSED);
			strcat(why, "\n");
			nl_file_write(sock, 0644, why, strlen(why), NULL);
		}
	}
	vm_qmp_close(&q);
}

int vm_watch_spawn(const struct vm_plan *p, struct nl_err *e)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return nl_err_set(e, -errno, "fork", "watcher of VM %s", p->d->name);
	if (pid)
		return 0;
	/* the child: none of the launcher's fds (a tap held here would
	 * outlive qemu; vm.lock would stay taken) */
	setsid();
	close_range(3, ~0U, 0);
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	watch(p->dir, &p->st);
	_exit(0);
}
