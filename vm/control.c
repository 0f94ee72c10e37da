/* control — a running VM: stop, kill, one monitor command, the console;
 * see launch.h. qemu is not our child here, so "gone" means its pid file
 * lock is released and its taps have vanished. */
#include <errno.h>
#include <json-c/json.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vm/launch.h"
#include "vm/qmp.h"

/* qemu that quit or was killed: gone within this (its guest's memory
 * freed, its taps deleted; seconds on a loaded machine: 5 s was seen too
 * short once) */
#define GONE_TIMEOUT_MS 30000
#define QMP_TIMEOUT_MS	5000

static int load_vm(const char *run_dir, const char *name, struct vm_state *s, char *dir, size_t n,
		   struct nl_err *e)
{
	int err = vm_state_load(run_dir, name, s, e);

	return err ? err : vm_path(run_dir, name, "", dir, n, e);
}

static bool gone(const char *dir, const struct vm_state *s)
{
	pid_t pid;

	if (vm_running(dir, &pid))
		return false;
	for (unsigned i = 0; i < s->nnics; i++)
		if (s->nic[i].tap[0] && if_nametoindex(s->nic[i].tap))
			return false;
	return true;
}

/* Until qemu and its taps are gone, or timeout_ms by the clock. */
static int wait_gone(const char *dir, const struct vm_state *s, int timeout_ms, struct nl_err *e)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (gone(dir, s))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
		    timeout_ms)
			break;
		nanosleep(&tick, NULL);
	}
	nl_err_set(e, -ETIMEDOUT, "stop", "VM %s", s->name);
	nl_err_msg(e, "qemu (pid %d) or its taps are still there after %d ms", (int)s->pid,
		   timeout_ms);
	return -ETIMEDOUT;
}

static int qmp_of(const char *dir, struct vm_qmp *q, struct nl_err *e)
{
	char sock[VM_PATH_MAX + 16];

	snprintf(sock, sizeof(sock), "%s/%s", dir, VM_F_QMP);
	return vm_qmp_open(q, sock, QMP_TIMEOUT_MS, e);
}

/* Sends cmd and waits up to ms for qemu to close QMP: 0 when it did. */
static int ask_and_wait(struct vm_qmp *q, const char *cmd, int ms, struct nl_err *e)
{
	int err = vm_qmp_call(q, cmd, NULL, NULL, QMP_TIMEOUT_MS, e);

	/* quit may close the socket before its answer arrives */
	if (err == -EPIPE || err == -ECONNRESET)
		return 0;
	return err ? err : vm_qmp_wait_close(q, ms);
}

int vm_stop(const char *run_dir, const char *name, unsigned timeout_s, const char **how,
	    struct nl_err *e)
{
	char dir[VM_PATH_MAX];
	struct vm_state s;
	struct vm_qmp q;
	int err;

	*how = "was not running";
	if ((err = load_vm(run_dir, name, &s, dir, sizeof(dir), e)) || !s.running)
		return err;
	if ((err = qmp_of(dir, &q, e)))
		return err;
	*how = "powered down";
	err = ask_and_wait(&q, "system_powerdown", (int)timeout_s * 1000, e);
	if (err == -ETIMEDOUT) {
		*how = "quit";
		err = ask_and_wait(&q, "quit", GONE_TIMEOUT_MS, e);
	}
	vm_qmp_close(&q);
	return err ? err : wait_gone(dir, &s, GONE_TIMEOUT_MS, e);
}

int vm_kill(const char *run_dir, const char *name, bool *was_running, struct nl_err *e)
{
	char dir[VM_PATH_MAX];
	struct vm_state s;
	int err;

	*was_running = false;
	if ((err = load_vm(run_dir, name, &s, dir, sizeof(dir), e)) || !s.running)
		return err;
	*was_running = true;
	if (kill(s.pid, SIGKILL) < 0 && errno != ESRCH)
		return nl_err_set(e, -errno, "kill", "VM %s (pid %d)", name, (int)s.pid);
	return wait_gone(dir, &s, GONE_TIMEOUT_MS, e);
}

static int not_running(const char *name, struct nl_err *e)
{
	nl_err_set(e, -ESRCH, "", "VM %s", name);
	nl_err_kind(e, NL_ERR_CONFLICT);
	nl_err_msg(e, "is not running (vnet vm start %s ...)", name);
	return -ESRCH;
}

int vm_monitor(const char *run_dir, const char *name, const char *cmd, char **out, struct nl_err *e)
{
	json_object *args = json_object_new_object(), *ret = NULL;
	char dir[VM_PATH_MAX];
	struct vm_state s;
	struct vm_qmp q;
	int err;

	*out = NULL;
	json_object_object_add(args, "command-line", json_object_new_string(cmd));
	if ((err = load_vm(run_dir, name, &s, dir, sizeof(dir), e)) ||
	    (!s.running && (err = not_running(name, e))) || (err = qmp_of(dir, &q, e))) {
		json_object_put(args);
		return err;
	}
	err = vm_qmp_call(&q, "human-monitor-command", args, &ret, QMP_TIMEOUT_MS, e);
	vm_qmp_close(&q);
	if (!err && !(*out = strdup(json_object_get_string(ret))))
		err = nl_err_set(e, -ENOMEM, "read", "monitor of VM %s", name);
	json_object_put(ret);
	return err;
}

int vm_console_open(const char *run_dir, const char *name, int *fd, struct nl_err *e)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char dir[VM_PATH_MAX];
	struct vm_state s;
	int err;

	*fd = -1;
	if ((err = load_vm(run_dir, name, &s, dir, sizeof(dir), e)))
		return err;
	if (!s.running)
		return not_running(name, e);
	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, VM_F_SERIAL_SOCK) >=
	    sizeof(a.sun_path))
		return nl_err_set(e, -ENAMETOOLONG, "connect", "console of VM %s", name);
	if ((*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return nl_err_set(e, -errno, "connect", "console of VM %s", name);
	if (connect(*fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		err = nl_err_set(e, -errno, "connect", "console of VM %s", name);
		close(*fd);
		*fd = -1;
		if (err == -ENOENT)
			nl_err_msg(e,
				   "it has none (started with --display nographic --foreground)");
	}
	return err;
}

/* Copies what is there from one fd to another; 0 at EOF, 1 when copied,
 * 2 when the escape byte came (what came before it is copied). */
static int pump(int from, int to, int escape)
{
	char buf[4096], *esc;
	ssize_t r = read(from, buf, sizeof(buf)), off = 0;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	esc = escape >= 0 ? memchr(buf, escape, (size_t)r) : NULL;
	if (esc)
		r = esc - buf;
	while (off < r) {
		ssize_t w = write(to, buf + off, (size_t)(r - off));

		if (w < 0 && errno != EINTR)
			return -errno;
		off += w > 0 ? w : 0;
	}
	return esc ? 2 : r > 0;
}

int vm_console_relay(int sock, int in, int out, unsigned char escape)
{
	struct pollfd p[2] = {{.fd = in, .events = POLLIN}, {.fd = sock, .events = POLLIN}};
	int r = 1;

	while (r == 1) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents)
			r = pump(in, sock, escape);
		if (r == 1 && p[1].revents)
			r = pump(sock, out, -1);
	}
	return r < 0 ? r : 0;
}
