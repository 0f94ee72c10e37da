/* migrate — `vnet vm migrate`, the source's side; see launch.h. The
 * destination was started with `vnet vm start … --incoming` (launch.c,
 * incoming.c). While this runs it holds the VM's migration lock, which
 * `vnet vm list` shows as "migrating". */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vm/incoming.h"
#include "vm/lease.h"
#include "vm/qmp.h"

#define QMP_TIMEOUT_MS	5000
#define TICK_MS		200
#define CANCEL_WAIT_MS	30000
#define GONE_TIMEOUT_MS 10000
#define MIGFD_NAME	"vnet-migration"
#define QEMU_BANDWIDTH	(128ull << 20) /* qemu's own default, bytes/s */

struct mig {
	const char *name;
	char dir[VM_PATH_MAX];
	struct vm_state st;
	struct vm_qmp q;
	int lock_fd, file_fd;
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The migration lock: one `vm migrate` of a VM at a time. */
static int lock(struct mig *m, struct nl_err *e)
{
	struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char p[VM_PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/%s", m->dir, VM_F_MIGRATE);
	if ((m->lock_fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return nl_err_set(e, -errno, "open", "lock %s", p);
	if (fcntl(m->lock_fd, F_SETLK, &l) == 0)
		return 0;
	nl_err_set(e, -EBUSY, "", "VM %s", m->name);
	nl_err_kind(e, NL_ERR_CONFLICT);
	return nl_err_msg(e, "is being migrated already (another vnet vm migrate)");
}

static int set_params(struct mig *m, const struct vm_migrate_opts *o, struct nl_err *e)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "downtime-limit",
			       json_object_new_int64(o->downtime_ms ? o->downtime_ms : 300));
	json_object_object_add(a, "max-bandwidth",
			       json_object_new_int64(o->bandwidth_mbs
							     ? (int64_t)o->bandwidth_mbs << 20
							     : (int64_t)QEMU_BANDWIDTH));
	return vm_qmp_call(&m->q, "migrate-set-parameters", a, NULL, QMP_TIMEOUT_MS, e);
}

/* --to-file: a new file (never one that exists), handed to qemu by getfd. */
static int give_file(struct mig *m, const char *file, struct nl_err *e)
{
	json_object *a = json_object_new_object();

	m->file_fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (m->file_fd < 0) {
		json_object_put(a);
		return nl_fail(e, -errno, errno == EEXIST ? NL_ERR_CONFLICT : NL_ERR_INVALID,
			       "migration file", "%s: %s", file, strerror(errno));
	}
	json_object_object_add(a, "fdname", json_object_new_string(MIGFD_NAME));
	return vm_qmp_call_fd(&m->q, "getfd", a, m->file_fd, NULL, QMP_TIMEOUT_MS, e);
}

static unsigned long long u64(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (unsigned long long)json_object_get_int64(v)
						   : 0;
}

/* query-migrate's status ("active", "completed", "failed"...) in buf; *ret
 * keeps the answer (to put). */
static int status(struct mig *m, char *buf, size_t n, json_object **ret, struct nl_err *e)
{
	json_object *v;
	int err = vm_qmp_call(&m->q, "query-migrate", NULL, ret, QMP_TIMEOUT_MS, e);

	buf[0] = '\0';
	if (!err && json_object_object_get_ex(*ret, "status", &v))
		snprintf(buf, n, "%s", json_object_get_string(v));
	return err;
}

static bool over(const char *s)
{
	return !strcmp(s, "completed") || !strcmp(s, "failed") || !strcmp(s, "cancelled");
}

/* Waits a tick, or less when SIGINT or SIGTERM comes: 1 when one came. */
static int tick(const sigset_t *sigs)
{
	struct timespec t = {0, TICK_MS * 1000L * 1000L};

	return sigtimedwait(sigs, NULL, &t) > 0;
}

/* qemu's reason for a failure, or what happened. */
static int failed(struct mig *m, json_object *ret, const char *why, struct nl_err *e)
{
	json_object *v;

	nl_err_set(e, -EIO, "migrate", "VM %s", m->name);
	if (json_object_object_get_ex(ret, "error-desc", &v))
		return nl_err_msg(e, "%s%s%s; the guest runs on here", why, why[0] ? ": " : "",
				  json_object_get_string(v));
	return nl_err_msg(e, "%s; the guest runs on here", why[0] ? why : "failed");
}

/* migrate_cancel, until qemu says it is over; the guest runs on here. */
static int cancel(struct mig *m, char *st, size_t n, json_object **ret, struct nl_err *e)
{
	const struct timespec t = {0, 50 * 1000 * 1000};
	int err = vm_qmp_call(&m->q, "migrate_cancel", NULL, NULL, QMP_TIMEOUT_MS, e);

	for (long long end = now_ms() + CANCEL_WAIT_MS; !err && now_ms() < end;) {
		json_object_put(*ret);
		*ret = NULL;
		if ((err = status(m, st, n, ret, e)) || over(st))
			break;
		nanosleep(&t, NULL);
	}
	return err;
}

/* After a failure: qemu restarts the guest it stopped; make sure. */
static void keep_running(struct mig *m)
{
	json_object *ret = NULL, *v;

	if (!vm_qmp_call(&m->q, "query-status", NULL, &ret, QMP_TIMEOUT_MS, NULL) &&
	    json_object_object_get_ex(ret, "status", &v) &&
	    strcmp(json_object_get_string(v), "running"))
		vm_qmp_call(&m->q, "cont", NULL, NULL, QMP_TIMEOUT_MS, NULL);
	json_object_put(ret);
}

/* Polls query-migrate until it is over, the timeout passes or a signal
 * comes (then cancels). 0 when completed (r filled). */
static int follow(struct mig *m, const struct vm_migrate_opts *o, struct vm_migrate_result *r,
		  const sigset_t *sigs, struct nl_err *e)
{
	long long end = o->timeout_s ? now_ms() + (long long)o->timeout_s * 1000 : 0;
	json_object *ret = NULL, *ram;
	const char *why = "";
	char st[32];
	int err;

	for (;;) {
		json_object_put(ret);
		ret = NULL;
		if ((err = status(m, st, sizeof(st), &ret, e)) || over(st))
			break;
		if (o->progress && json_object_object_get_ex(ret, "ram", &ram))
			o->progress(o->arg, u64(ram, "transferred"), u64(ram, "remaining"),
				    u64(ram, "total"));
		if (tick(sigs))
			why = "interrupted";
		else if (end && now_ms() >= end)
			why = "timed out";
		if (why[0]) {
			err = cancel(m, st, sizeof(st), &ret, e);
			break;
		}
	}
	if (!err && !strcmp(st, "completed")) {
		r->total_ms = u64(ret, "total-time");
		r->downtime_ms = u64(ret, "downtime");
		r->setup_ms = u64(ret, "setup-time");
		r->transferred =
			json_object_object_get_ex(ret, "ram", &ram) ? u64(ram, "transferred") : 0;
	} else if (!err) {
		err = failed(m, ret, why[0] ? why : st, e);
	}
	json_object_put(ret);
	return err;
}

/* The guest is at the destination: its taps leave their bridges here
 * (vn_port_del: released and down) before qemu quits, then qemu quits and
 * the VM's record goes (its logs stay, to be read). */
static int release(struct vn_ctx *c, struct mig *m, struct nl_err *e)
{
	const struct timespec t = {0, 10 * 1000 * 1000};
	char net[NL_IFNAMSIZ], p[VM_PATH_MAX + 16];
	int err = 0;
	pid_t pid;

	for (unsigned i = 0; !err && i < m->st.nnics; i++) {
		err = vn_port_del(c, m->st.nic[i].tap, net, e);
		if (err == -ENODEV || err == -ENOENT) /* gone already, or on no bridge */
			err = 0;
	}
	vn_unlock(c);
	if (err)
		return err;
	err = vm_qmp_call(&m->q, "quit", NULL, NULL, QMP_TIMEOUT_MS, e);
	if (err == -EPIPE || err == -ECONNRESET)
		err = 0;
	for (long long end = now_ms() + GONE_TIMEOUT_MS; !err && vm_running(m->dir, &pid);) {
		if (now_ms() > end)
			return nl_err_set(e, -ETIMEDOUT, "quit", "VM %s (pid %d)", m->name,
					  (int)pid);
		nanosleep(&t, NULL);
	}
	snprintf(p, sizeof(p), "%s/%s", m->dir, VM_F_STATE);
	if (!err)
		unlink(p);
	/* the guest's leases here stay its addresses */
	if (!err)
		vm_lease_keep(c, &m->st);
	return err;
}

static int migrate(struct vn_ctx *c, struct mig *m, const struct vm_migrate_opts *o,
		   struct vm_migrate_result *r, const sigset_t *sigs, struct nl_err *e)
{
	char sock[VM_PATH_MAX + 16];
	json_object *a;
	int err;

	snprintf(sock, sizeof(sock), "%s/%s", m->dir, VM_F_QMP);
	if ((err = lock(m, e)) || (err = vm_qmp_open(&m->q, sock, QMP_TIMEOUT_MS, e)) ||
	    (err = set_params(m, o, e)) || (o->file && (err = give_file(m, o->file, e))))
		return err;
	a = json_object_new_object();
	json_object_object_add(a, "uri",
			       json_object_new_string(o->file ? "fd:" MIGFD_NAME : o->uri));
	if ((err = vm_qmp_call(&m->q, "migrate", a, NULL, QMP_TIMEOUT_MS, e)))
		return err;
	if ((err = follow(m, o, r, sigs, e))) {
		keep_running(m);
		return err;
	}
	return release(c, m, e);
}

int vm_migrate(struct vn_ctx *c, const char *name, const struct vm_migrate_opts *o,
	       struct vm_migrate_result *r, struct nl_err *e)
{
	struct mig *m = calloc(1, sizeof(*m));
	sigset_t sigs, old;
	int err;

	memset(r, 0, sizeof(*r));
	if (!m)
		return nl_err_set(e, -ENOMEM, "migrate", "VM %s", name);
	m->name = name;
	m->lock_fd = m->file_fd = -1;
	m->q.fd = -1;
	/* the values given before any state: a bad one is exit 2 whatever runs */
	err = vm_name_check(name, e);
	if (!err && o->uri)
		err = vm_uri_valid(o->uri, false, e);
	if (!err)
		err = vm_state_load(vn_ctx_run_dir(c), name, &m->st, e);
	if (!err)
		err = vm_path(vn_ctx_run_dir(c), name, "", m->dir, sizeof(m->dir), e);
	if (!err && !m->st.running) {
		nl_err_set(e, -ESRCH, "", "VM %s", name);
		nl_err_kind(e, NL_ERR_CONFLICT);
		err = nl_err_msg(e, "is not running (vnet vm start %s ...)", name);
	}
	if (!err) {
		/* SIGINT and SIGTERM cancel the migration (tick() takes them) */
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigprocmask(SIG_BLOCK, &sigs, &old);
		err = migrate(c, m, o, r, &sigs, e);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (err && m->file_fd >= 0 && o->file)
		unlink(o->file); /* a stream cut short is no use to anyone */
	if (m->file_fd >= 0)
		close(m->file_fd);
	vm_qmp_close(&m->q);
	if (m->lock_fd >= 0)
		close(m->lock_fd);
	free(m);
	return err;
}

/* The addresses each NIC's port is bound to now (anti-spoofing: given or
 * leased), which a destination binds too; its leases, which the
 * destination's networks take as static hosts. */
static void bound_now(struct vn_ctx *c, const struct vm_state *s, json_object *desc)
{
	struct vm_desc_facts *x = calloc(1, sizeof(*x));
	char net[NL_IFNAMSIZ];
	struct vn_bind b;

	for (unsigned i = 0; x && i < s->nnics; i++)
		if (s->running && s->nic[i].tap[0] &&
		    !vn_port_binding(c, s->nic[i].tap, net, &b, NULL) &&
		    !strcmp(net, s->nic[i].net)) {
			memcpy(x->bound[i], b.addr, sizeof(b.addr[0]) * b.naddrs);
			x->nbound[i] = b.naddrs;
		}
	if (x) {
		vm_desc_put_addresses(desc, s->nnics, x);
		/* and each NIC's DHCPv4 lease, for the destination's dnsmasq */
		if (s->running) {
			vm_lease_now(c, s, x);
			vm_desc_put_leases(desc, s->nnics, x);
		}
	}
	free(x);
}

int vm_show(struct vn_ctx *c, const char *run_dir, const char *name, json_object **o,
	    struct nl_err *e)
{
	struct vm_state s;
	json_object *state, *d;
	int err = vm_state_load(run_dir, name, &s, e);

	if (!err)
		err = vm_state_read(run_dir, name, o, e);
	if (err)
		return err;
	/* vm.json as written, with the state of now */
	state = vm_state_json(&s);
	if (json_object_object_get_ex(*o, "description", &d)) {
		bound_now(c, &s, d);
		json_object_object_add(state, "description", json_object_get(d));
	}
	json_object_put(*o);
	*o = state;
	return 0;
}
