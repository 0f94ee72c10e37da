/* launch — `vnet vm start`: checks, MACs, taps, qemu; see launch.h.
 * Order matters: everything that can refuse the input runs before the
 * first tap exists, so a refusal leaves nothing behind. */
#include "vm/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "netd/access.h"
#include "vm/host.h"
#include "vm/incoming.h"
#include "vm/lease.h"
#include "vm/proc.h"
#include "vm/qmp.h"
#include "nlink/tap.h"

#define START_TIMEOUT_MS 30000
#define MAC_TRIES	 16

/* Without root, qemu attaches the NICs through vnet-bridge-helper:
 * $VNET_BRIDGE_HELPER, else where `vnet hooks install` and meson put it. */
static const char *helper_program(void)
{
	const char *h = getenv("VNET_BRIDGE_HELPER");

	return h && h[0] ? h : VNET_LIBEXECDIR "/vnet-bridge-helper";
}

static const char *qemu_program(void)
{
	const char *q = getenv("VNET_QEMU");

	return q && q[0] ? q : "qemu-system-x86_64";
}

/* One `vm start` at a time: names and MACs are checked and taken under it,
 * until qemu holds its pid file's lock. (--foreground: exec lets go of it a
 * moment before qemu locks its pid file.) */
static int take_lock(struct vm_plan *p, struct nl_err *e)
{
	char path[300];
	int err = vm_dir_make(p->run_dir, NULL, e);

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/vm.lock", p->run_dir);
	p->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (p->lock_fd < 0)
		return nl_err_set(e, -errno, "open", "lock %s", path);
	while (flock(p->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return nl_err_set(e, -errno, "take", "lock %s", path);
	return 0;
}

static int not_running(struct vm_plan *p, struct nl_err *e)
{
	pid_t pid;

	if (!vm_running(p->dir, &pid))
		return 0;
	nl_err_set(e, -EEXIST, "", "VM %s", p->d->name);
	nl_err_kind(e, NL_ERR_CONFLICT);
	nl_err_msg(e, "is running (pid %d)", (int)pid);
	return -EEXIST;
}

static int check_file(const char *what, const char *path, struct nl_err *e)
{
	struct stat s;

	if (!path[0])
		return 0;
	if (stat(path, &s) < 0) {
		int err = nl_err_set(e, -errno, "", "%s %s", what, path);

		nl_err_kind(e, NL_ERR_INVALID);
		return err;
	}
	if (S_ISREG(s.st_mode) || S_ISBLK(s.st_mode))
		return 0;
	nl_err_set(e, -EINVAL, "", "%s %s", what, path);
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "is not a file or block device");
	return -EINVAL;
}

static int check_files(const struct vm_desc *d, struct nl_err *e)
{
	int err = 0;

	for (unsigned i = 0; !err && i < d->ndisks; i++)
		err = check_file("disk", d->disk[i].path, e);
	if (!err)
		err = check_file("cdrom", d->cdrom, e);
	if (!err)
		err = check_file("kernel", d->kernel, e);
	if (!err)
		err = check_file("initrd", d->initrd, e);
	return err;
}

/* Who has mac on NIC i's network already: the bridge or a port (macs),
 * this VM's earlier NICs, or a running VM's NIC there (vms). */
static bool mac_taken(const struct vm_plan *p, unsigned i, const uint8_t mac[6],
		      const struct vn_mac *macs, unsigned nmacs, const struct vm_state *vms,
		      unsigned nvms, char *who, size_t n)
{
	for (unsigned k = 0; k < nmacs; k++)
		if (!memcmp(macs[k].mac, mac, 6)) {
			snprintf(who, n, "interface %s", macs[k].ifname);
			return true;
		}
	for (unsigned k = 0; k < i; k++)
		if (!memcmp(p->f.nic[k].mac, mac, 6)) {
			snprintf(who, n, "this VM's NIC %u", k);
			return true;
		}
	for (unsigned v = 0; v < nvms; v++)
		for (unsigned k = 0; vms[v].running && k < vms[v].nnics; k++)
			if (!strcmp(vms[v].nic[k].net, p->d->nic[i].net) &&
			    !memcmp(vms[v].nic[k].mac, mac, 6)) {
				snprintf(who, n, "VM %s", vms[v].name);
				return true;
			}
	return false;
}

/* The given MAC when free; else the derived one, or the next candidate. */
static int pick_mac(struct vm_plan *p, unsigned i, const struct vn_mac *macs, unsigned nmacs,
		    const struct vm_state *vms, unsigned nvms, struct nl_err *e)
{
	const struct vm_nic *nic = &p->d->nic[i];
	uint8_t *mac = p->f.nic[i].mac;
	char who[64], m[18];

	if (nic->mac_given &&
	    !mac_taken(p, i, nic->mac, macs, nmacs, vms, nvms, who, sizeof(who))) {
		memcpy(mac, nic->mac, 6);
		return 0;
	}
	for (unsigned t = 0; !nic->mac_given && t < MAC_TRIES; t++) {
		vm_mac_derive(p->d->name, i, t, mac);
		if (!mac_taken(p, i, mac, macs, nmacs, vms, nvms, who, sizeof(who)))
			return 0;
	}
	nl_err_set(e, -EADDRINUSE, "", "MAC %s", vm_mac_str(nic->mac_given ? nic->mac : mac, m));
	nl_err_kind(e, NL_ERR_CONFLICT);
	nl_err_msg(e, "is already on network %s (%s)%s", nic->net, who,
		   nic->mac_given ? "" : "; give one with mac=");
	return -EADDRINUSE;
}

/* NIC i's network exists and runs; its bridge's MTU is kept (for
 * host_mtu); its MAC is chosen. */
static int resolve_nic(struct vn_ctx *c, struct vm_plan *p, unsigned i, struct vn_status *st,
		       const struct vm_state *vms, unsigned nvms, struct nl_err *e)
{
	const char *net = p->d->nic[i].net;
	struct vn_mac *macs = NULL;
	unsigned nmacs = 0;
	int err;

	if ((err = vn_show(c, net, st, e)))
		return err;
	if (st->state == VN_STATE_DOWN) {
		nl_err_set(e, -ENETDOWN, "", "network %s", net);
		nl_err_msg(e, "is down (vnet up %s)", net);
		return -ENETDOWN;
	}
	if ((err = vm_in_check_net(p, i, &st->net, p->st.nic[i].subnet, sizeof(p->st.nic[i].subnet),
				   e)))
		return err;
	/* the bridge's MTU, which the tap gets */
	if (!(err = vn_bridge_macs(c, &st->net, &macs, &nmacs, &p->f.nic[i].mtu, e)))
		err = pick_mac(p, i, macs, nmacs, vms, nvms, e);
	/* the source's lease, a static host here: its checks (the MAC chosen) */
	if (!err)
		err = vm_lease_check(p, i, &st->net, e);
	free(macs);
	return err;
}

static int resolve_nics(struct vn_ctx *c, struct vm_plan *p, struct nl_err *e)
{
	struct vn_status *st = malloc(sizeof(*st));
	struct vm_state *vms = NULL;
	unsigned nvms = 0;
	int err = st ? vm_state_list(p->run_dir, &vms, &nvms, e) : -ENOMEM;

	if (err == -ENOMEM)
		nl_err_set(e, err, "read", "networks");
	for (unsigned i = 0; !err && i < p->d->nnics; i++)
		err = resolve_nic(c, p, i, st, vms, nvms, e);
	free(vms);
	free(st);
	return err;
}

/* "vm-NAME-I" when it fits and is free, else the kernel's "vmtapN". */
static void tap_name(const char *vm, unsigned i, char name[NL_IFNAMSIZ])
{
	char want[VM_NAME_MAX + 16];

	snprintf(want, sizeof(want), "vm-%s-%u", vm, i);
	if (strlen(want) >= NL_IFNAMSIZ || if_nametoindex(want))
		snprintf(want, sizeof(want), "vmtap%%d");
	memcpy(name, want, NL_IFNAMSIZ - 1);
	name[NL_IFNAMSIZ - 1] = '\0';
}

static void keep(struct vm_plan *p, const int *fds, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		p->fds[p->nfds++] = fds[k];
}

/* NIC i's tap (and vhost fds), attached to its network like `port add`. */
static int open_nic(struct vn_ctx *c, struct vm_plan *p, unsigned i, struct nl_err *e)
{
	struct nl_tap_opts o = {
		.vnet_hdr = true, .exclusive = true, .owner = (uid_t)-1, .group = (gid_t)-1};
	struct vm_nic_fds *q = &p->f.nic[i];
	struct vn_bind b = {.naddrs = 0};
	char *name = p->st.nic[i].tap;
	int err;

	if (p->f.helper) { /* qemu runs it: the tap is the helper's */
		q->nq = 1;
		name[0] = '\0';
		return 0;
	}
	q->nq = vm_nic_queues(p->d, i);
	o.multi_queue = q->nq > 1;
	tap_name(p->d->name, i, name);
	if ((err = nl_tap_open(name, &o, q->fds, q->nq, e)))
		return err;
	keep(p, q->fds, q->nq);
	for (unsigned k = 0; p->f.vhost && k < q->nq; k++) {
		q->vhostfds[k] = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
		if (q->vhostfds[k] < 0)
			return nl_err_set(e, -errno, "open", "/dev/vhost-net");
		keep(p, &q->vhostfds[k], 1);
	}
	/* on a network with --anti-spoof the port sends from its MAC only, and
	 * (a migration's destination) from the addresses it had at the source:
	 * bound before qemu starts, so before the guest resumes here */
	b.has_mac = true;
	memcpy(b.mac, p->f.nic[i].mac, 6);
	if (p->in && p->in->from) {
		b.naddrs = p->in->x.nbound[i];
		memcpy(b.addr, p->in->x.bound[i], sizeof(b.addr[0]) * b.naddrs);
	}
	return vn_port_add_bound(c, p->d->nic[i].net, name, &b, e);
}

static void fill_state(struct vm_plan *p)
{
	const struct vm_desc *d = p->d;
	struct vm_state *s = &p->st;

	snprintf(s->name, sizeof(s->name), "%s", d->name);
	s->memory = d->memory;
	s->cpus = d->cpus;
	s->kvm = p->f.kvm;
	snprintf(s->machine, sizeof(s->machine), "%s", d->machine);
	/* qemu's default CPU for x86_64 under TCG */
	snprintf(s->cpu, sizeof(s->cpu), "%s", d->cpu[0] ? d->cpu : p->f.kvm ? "host" : "qemu64");
	s->incoming = p->in != NULL;
	if (d->display == VM_DISPLAY_VNC)
		snprintf(s->display, sizeof(s->display), "vnc=%s:%u", d->vnc_addr, d->vnc_display);
	else
		snprintf(s->display, sizeof(s->display), "%s", vm_display_name(d->display));
	s->nnics = d->nnics;
	for (unsigned i = 0; i < d->nnics; i++) {
		snprintf(s->nic[i].net, sizeof(s->nic[i].net), "%s", d->nic[i].net);
		s->nic[i].model = d->nic[i].model;
		memcpy(s->nic[i].mac, p->f.nic[i].mac, 6);
		s->nic[i].queues = p->f.helper ? 1 : vm_nic_queues(d, i);
	}
}

/* The sockets' paths must fit sun_path: say so before anything exists. */
static int check_dir(struct vm_plan *p, struct nl_err *e)
{
	if (strlen(p->dir) + 1 + strlen(VM_F_SERIAL_SOCK) < VM_SUN_PATH_MAX)
		return 0;
	nl_err_set(e, -ENAMETOOLONG, "", "VM folder %s", p->dir);
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "is too long for a socket path (set VNET_RUN_DIR shorter)");
	return -ENAMETOOLONG;
}

/* A user without root: the helper is installed setuid root, and every
 * NIC's network lets this user on (the helper's own check, said before
 * qemu starts rather than after). */
static int helper_ready(struct vn_ctx *c, struct vm_plan *p, struct nl_err *e)
{
	gid_t groups[256];
	int ngroups = getgroups(256, groups), err = 0;
	char obj[300];
	struct stat st;

	snprintf(obj, sizeof(obj), "bridge helper %s", p->f.helper);
	if (stat(p->f.helper, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    !(st.st_mode & S_ISUID))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
			       "is not installed setuid root: without root, qemu attaches its NICs "
			       "through it (root installs it: vnet hooks install)");
	for (unsigned i = 0; !err && i < p->d->nnics; i++)
		err = vn_access_check(c, p->d->nic[i].net, getuid(), getgid(), groups,
				      ngroups < 0 ? 0 : (unsigned)ngroups, e);
	return err;
}

/* The values given (the description, its files, the stream's URI or
 * file), before any state is read: a bad value is said as such (exit 2)
 * whatever runs. */
static int check_values(struct vm_plan *p, struct nl_err *e)
{
	int err;

	if ((err = vm_desc_check(p->d, e)) ||
	    (err = vm_path(p->run_dir, p->d->name, "", p->dir, sizeof(p->dir), e)) ||
	    (err = check_dir(p, e)) || (err = check_files(p->d, e)))
		return err;
	/* a destination runs the source's versioned machine type, never an
	 * alias that this host's qemu resolves as it likes */
	return !p->in			   ? 0
	       : (err = vm_in_value(p, e)) ? err
					   : vm_machine_versioned(p->d->machine, e);
}

/* Then everything on this host that can refuse it, before anything is
 * made. */
static int check_all(struct vn_ctx *c, struct vm_plan *p, struct nl_err *e)
{
	int err;

	if ((err = check_values(p, e)) || (err = take_lock(p, e)) || (err = not_running(p, e)) ||
	    (err = resolve_nics(c, p, e)))
		return err;
	return p->f.helper ? helper_ready(c, p, e) : 0;
}

/* A VM that never ran is not listed; its qemu.log stays, to be read. */
static void forget(struct vm_plan *p)
{
	char path[VM_PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/%s", p->dir, VM_F_STATE);
	unlink(path);
}

int vm_prepare(struct vn_ctx *c, const struct vm_desc *d, struct vm_plan *p, struct nl_err *e)
{
	return vm_prepare_incoming(c, d, NULL, p, e);
}

int vm_prepare_incoming(struct vn_ctx *c, const struct vm_desc *d, const struct vm_incoming *in,
			struct vm_plan *p, struct nl_err *e)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->d = d;
	p->in = in;
	p->lock_fd = -1;
	p->f.helper = geteuid() != 0 ? helper_program() : NULL;
	if ((err = vm_base_dir(vn_ctx_run_dir(c), p->run_dir, sizeof(p->run_dir), e)) ||
	    (err = check_all(c, p, e)))
		goto out;
	p->f.kvm = vm_kvm_usable(p->no_kvm, sizeof(p->no_kvm));
	p->f.vhost = !p->f.helper && vm_vhost_usable();
	p->f.qemu = qemu_program();
	p->f.dir = p->dir;
	if (in && ((err = vm_in_check_desc(p, e)) || (err = vm_in_open(p, e))))
		goto out;
	p->f.incoming = in ? p->uri : NULL;
	p->f.hold = in && !in->from;
	fill_state(p);
	if ((err = vm_dir_make(p->run_dir, d->name, e)))
		goto out;
	vm_dir_clean(p->run_dir, d->name);
	for (unsigned i = 0; !err && i < d->nnics; i++)
		err = open_nic(c, p, i, e);
	/* a destination: its network's dnsmasq knows the guest's lease before
	 * qemu starts, so before the guest resumes and renews it here */
	if (!err)
		err = vm_lease_hand_over(c, p, e);
	/* attaching took the engine's lock; qemu's start (seconds) needs it
	 * not, and hooks or other commands would wait for it: vm.lock covers
	 * the VM's name and MACs from here */
	vn_unlock(c);
	if (!err)
		err = vm_state_save(p->run_dir, &p->st, vm_plan_desc(p), e);
	if (!err && (err = vm_argv_build(d, &p->f, &p->argv, e)))
		forget(p);
out:
	if (err) {
		vm_lease_undo(c, p);
		vm_plan_free(p);
	}
	return err;
}

void vm_unprepare(struct vn_ctx *c, struct vm_plan *p)
{
	pid_t pid;

	/* a qemu that started waits for the guest still (its settling failed) */
	if (!vm_running(p->dir, &pid))
		vm_lease_undo(c, p);
}

void vm_plan_free(struct vm_plan *p)
{
	for (unsigned i = 0; i < p->nfds; i++)
		close(p->fds[i]);
	p->nfds = 0;
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	p->lock_fd = -1;
	vm_argv_free(&p->argv);
}

/* The last line qemu wrote to its log (its error), or "". */
static void last_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");
	char line[512];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && strncmp(line, "+ ", 2)) { /* not our trace of the command line */
			size_t len = strnlen(line, n - 1);

			memcpy(buf, line, len);
			buf[len] = '\0';
		}
	}
	if (f)
		fclose(f);
}

static int qemu_exited(struct vm_plan *p, int status, struct nl_err *e)
{
	char log[VM_PATH_MAX + 16], line[200];

	snprintf(log, sizeof(log), "%s/%s", p->dir, VM_F_QEMU_LOG);
	last_line(log, line, sizeof(line));
	nl_err_set(e, -ECHILD, "start", "VM %s", p->d->name);
	if (WIFSIGNALED(status))
		nl_err_msg(e, "qemu was killed by signal %d", WTERMSIG(status));
	else
		nl_err_msg(e, "qemu exited with status %d: %s", WEXITSTATUS(status),
			   line[0] ? line : "(no message; see its log)");
	return -ECHILD;
}

/* Until QMP answers (qemu is up) or qemu exits (its error). */
static int wait_ready(struct vm_plan *p, pid_t pid, struct nl_err *e)
{
	const struct timespec tick = {0, 20 * 1000 * 1000};
	char sock[VM_PATH_MAX + 16];
	struct vm_qmp q;
	int status;

	snprintf(sock, sizeof(sock), "%s/%s", p->dir, VM_F_QMP);
	for (int ms = 0; ms < START_TIMEOUT_MS; ms += 20) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return qemu_exited(p, status, e);
		if (vm_qmp_open(&q, sock, 5000, NULL) == 0) {
			vm_qmp_close(&q);
			return 0;
		}
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	nl_err_set(e, -ETIMEDOUT, "start", "VM %s", p->d->name);
	nl_err_msg(e, "QMP did not answer within %d s; qemu was killed", START_TIMEOUT_MS / 1000);
	return -ETIMEDOUT;
}

/* qemu.log starts with the command line, as a shell trace would show it. */
static void trace(struct vm_plan *p, const char *log)
{
	char *line = vm_argv_str(&p->argv);
	FILE *f = fopen(log, "we");

	if (f && line)
		fprintf(f, "+ %s\n", line);
	if (f)
		fclose(f);
	free(line);
}

int vm_launch(struct vm_plan *p, pid_t *pid, struct nl_err *e)
{
	char log[VM_PATH_MAX + 16];
	int err;

	snprintf(log, sizeof(log), "%s/%s", p->dir, VM_F_QEMU_LOG);
	trace(p, log);
	err = vm_proc_spawn(p->argv.v, p->fds, p->nfds, log, pid, e);
	if (!err)
		err = wait_ready(p, *pid, e);
	if (err)
		forget(p);
	/* qemu runs: what it resolved (the machine type) is recorded */
	if (!err)
		err = vm_settle(p, e);
	return err || !p->f.hold ? err : vm_watch_spawn(p, e);
}

int vm_launch_foreground(struct vm_plan *p, struct nl_err *e)
{
	char log[VM_PATH_MAX + 16];
	int err;

	snprintf(log, sizeof(log), "%s/%s", p->dir, VM_F_QEMU_LOG);
	trace(p, log);
	err = vm_proc_exec(p->argv.v, p->fds, p->nfds, e);
	forget(p);
	return err;
}
