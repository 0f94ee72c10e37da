/* dnsmasq — running one dnsmasq per network; see dnsmasq.h.
 *
 * Which process is ours. dnsmasq drops root to nobody, and the pid file it
 * writes is chowned to nobody first (dnsmasq 2.90): anything running as
 * nobody could rewrite it, and vnet, root, would signal whatever pid it
 * named. So dnsmasq writes none ("pid-file=" without a path), and vnet
 * knows the pid because it forked it: dnsmasq runs in the foreground
 * (keep-in-foreground), forked by a child of vnet's that reports its pid
 * and start time (field 22 of /proc/PID/stat) while it cannot be reaped,
 * and dnsmasq's session and parent are that child's, not the caller's (a
 * vnetd is not left with zombies). vnet records both, root's, in
 * NAME.proc, and before a signal checks the process behind a pidfd: the
 * same start time (not another process that got the pid since), the exact
 * command line vnet runs, this network namespace, alive. A record lost or
 * naming another process falls back to a scan of /proc for that command
 * line (also owned by root or nobody), so stop and restart converge from
 * any state: a vnet killed before it wrote the record, files removed.
 * The /proc and pidfd side of that (is this pid the process we started)
 * is proc.c's; this file says what identifies dnsmasq.
 *
 * When it runs (measured with dnsmasq 2.90): in the foreground dnsmasq
 * reads its config, opens the lease file, binds its sockets, points its
 * stderr at /dev/null and drops root, about 7 ms; an error before that is
 * printed on stderr and it exits. So vnet reads dnsmasq's stderr to its
 * end: dnsmasq alive with fd 2 on /dev/null runs; else its message says
 * why not. The lease file is opened as root and written through that
 * descriptor as nobody, so the folder stays root's alone (0755).
 *
 * "no-ping": dnsmasq would ping each address before its first offer
 * (about 3 s here) to find hosts configured by hand inside the range; a
 * vnet network's range belongs to its guests, and static addresses go
 * through `vnet host`, so the wait buys nothing and slows every first
 * boot. */
#include "netd/dnsmasq.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/fabric.h"
#include "netd/internal.h"
#include "netd/proc.h"

#define FILE_MAX   (4u << 20)  /* config, hosts: what vnet wrote */
#define LEASES_MAX (16u << 20) /* about 200 000 leases */
#define START_MS   10000       /* dnsmasq starts in ms; bounded all the same */

static void file(const struct vn_ctx *c, const char *name, const char *ext, char *buf, size_t n)
{
	snprintf(buf, n, "%s/dnsmasq/%s.%s", c->run_dir, name, ext);
}

/* Writes text to path (root's, 0644) when it differs; *changed says so. */
static int put(const char *path, const char *text, bool *changed, struct nl_err *e)
{
	size_t len = strlen(text), olen;
	char *old = NULL;

	*changed = nl_file_read(path, FILE_MAX, NL_FILE_OWNED, &old, &olen, NULL) != 0 ||
		   olen != len || memcmp(old, text, len) != 0;
	free(old);
	return *changed ? nl_file_write(path, 0644, text, len, e) : 0;
}

static void subnet_v4(FILE *f, const struct vn_subnet *s, unsigned long long *max)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN], m[NL_PREFIX_STRLEN];
	struct nl_prefix mask = {.family = AF_INET, .len = 32};

	for (unsigned k = 0; k < 4; k++) {
		unsigned bits = s->prefix.len > k * 8 ? s->prefix.len - k * 8 : 0;

		mask.a.b[k] = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
	}
	fprintf(f, "dhcp-range=%s,%s,%s,1h\n", nl_prefix_str(&s->dhcp_start, false, a, sizeof(a)),
		nl_prefix_str(&s->dhcp_end, false, b, sizeof(b)),
		nl_prefix_str(&mask, false, m, sizeof(m)));
	*max += nl_prefix_index(&s->prefix, &s->dhcp_end) -
		nl_prefix_index(&s->prefix, &s->dhcp_start) + 1;
}

/* Router advertisements on the bridge, and DHCPv6: SLAAC (the A flag,
 * stateless DHCPv6 for DNS; ra-names gives a dual-stack guest's SLAAC
 * address a name from its DHCPv4 lease), or a stateful range (the M flag).
 * The router lifetime says whether guests route through the host: not on
 * an isolated network, which forwards nothing. */
static void subnet_v6(FILE *f, const struct vn_net *n, const struct vn_subnet *s,
		      unsigned long long *max)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN];

	fprintf(f, "enable-ra\nra-param=%s,60,%u\n", n->bridge, n->model == VN_ISOLATED ? 0 : 1800);
	if (s->slaac) {
		fprintf(f, "dhcp-range=%s,ra-stateless,ra-names,%u,1h\n",
			nl_prefix_str(&s->prefix, false, a, sizeof(a)), s->prefix.len);
		return;
	}
	fprintf(f, "dhcp-range=%s,%s,%u,1h\n", nl_prefix_str(&s->dhcp_start, false, a, sizeof(a)),
		nl_prefix_str(&s->dhcp_end, false, b, sizeof(b)), s->prefix.len);
	/* a range of 2^64 addresses would wrap: dnsmasq's limit is an int */
	*max += MIN(nl_prefix_index(&s->prefix, &s->dhcp_end) -
			    nl_prefix_index(&s->prefix, &s->dhcp_start),
		    65535) +
		1;
}

/* fab: a network that spans hosts serves this host's slice of each range
 * (fabric.h), so that two hosts never lease one address. */
static void subnet_lines(FILE *f, const struct vn_net *n, const struct vn_fabric *fab,
			 unsigned long long *max)
{
	for (unsigned i = 0; i < n->nsubnets; i++) {
		struct vn_subnet sl = n->subnet[i], *s = &sl;
		uint64_t from, to;

		if (!s->dhcp)
			continue;
		if (!s->slaac) {
			vn_fabric_slice(fab, nl_prefix_index(&s->prefix, &s->dhcp_start),
					nl_prefix_index(&s->prefix, &s->dhcp_end), &from, &to);
			nl_prefix_nth(&s->prefix, from, &s->dhcp_start);
			nl_prefix_nth(&s->prefix, to, &s->dhcp_end);
			s->dhcp_start.len = s->dhcp_end.len = (uint8_t)nl_prefix_bits(&s->prefix);
		}
		if (s->prefix.family == AF_INET)
			subnet_v4(f, s, max);
		else
			subnet_v6(f, n, s, max);
	}
}

static char *config(const struct vn_ctx *c, const struct vn_net *n)
{
	char leases[320], hosts[320], addn[320], script[512], *text = NULL;
	unsigned long long max = 0;
	struct vn_fabric fab;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	file(c, n->name, "leases", leases, sizeof(leases));
	file(c, n->name, "hosts", hosts, sizeof(hosts));
	file(c, n->name, "addn", addn, sizeof(addn));
	fprintf(f, "# written by vnet for network %s: vnet rewrites it\n", n->name);
	/* no pid file (it would be nobody's): vnet knows the pid it forked */
	fprintf(f, "keep-in-foreground\npid-file=\n");
	fprintf(f,
		"strict-order\nexcept-interface=lo\nbind-dynamic\ninterface=%s\n"
		"user=nobody\ngroup=nogroup\nno-ping\ndhcp-authoritative\ndhcp-no-override\n"
		"domain-needed\n",
		n->bridge);
	fprintf(f, "domain=%s\nlocal=/%s/\nexpand-hosts\naddn-hosts=%s\n", n->domain, n->domain,
		addn);
	fprintf(f, "dhcp-leasefile=%s\ndhcp-hostsfile=%s\n", leases, hosts);
	if (n->mtu)
		fprintf(f, "dhcp-option=option:mtu,%u\n", n->mtu);
	if (n->anti_spoof) /* binds each lease to its port: netd/bind.c */
		fprintf(f, "dhcp-script=%s\n", vn_lease_script(script, sizeof(script)));
	subnet_lines(f, n, n->vni && !vn_fabric_load(c->conf_dir, &fab, NULL) ? &fab : NULL, &max);
	fprintf(f, "dhcp-lease-max=%llu\n", max);
	fclose(f);
	return text;
}

/* The static hosts, as dhcp-hostsfile lines and as addn-hosts lines. */
static void hosts_text(const struct vn_net *n, char **dhcp, char **dns)
{
	size_t l1 = 0, l2 = 0;
	FILE *f = open_memstream(dhcp, &l1), *g = open_memstream(dns, &l2);
	char a[NL_PREFIX_STRLEN], m[18];

	for (unsigned i = 0; f && g && i < n->nhosts; i++) {
		const struct vn_host *h = &n->host[i];

		vn_mac_str(h->mac, m);
		fprintf(f, "%s", m);
		if (h->ip.family)
			fprintf(f, ",%s", nl_prefix_str(&h->ip, false, a, sizeof(a)));
		if (h->ip.family && h->name[0])
			fprintf(g, "%s %s\n", a, h->name);
		/* an IPv6 address in brackets; its name answers AAAA */
		if (h->ip6.family)
			fprintf(f, ",[%s]", nl_prefix_str(&h->ip6, false, a, sizeof(a)));
		if (h->ip6.family && h->name[0])
			fprintf(g, "%s %s\n", a, h->name);
		fprintf(f, "%s%s\n", h->name[0] ? "," : "", h->name);
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
}

/* The folder: root's, writable by root alone, whoever made it before. */
static int folder(const struct vn_ctx *c, struct nl_err *e)
{
	char dir[300];
	struct stat st;
	int err;

	snprintf(dir, sizeof(dir), "%s/dnsmasq", c->run_dir);
	if ((err = nl_mkdirs(dir, 0755, e)))
		return err;
	if (lstat(dir, &st) < 0)
		return nl_err_set(e, -errno, "create folder", "%s", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		nl_err_set(e, -EPERM, "use", "folder %s", dir);
		return nl_err_msg(e, "is not a folder of root's");
	}
	if ((st.st_mode & 07777) != 0755 && chmod(dir, 0755) < 0)
		return nl_err_set(e, -errno, "set mode of", "folder %s", dir);
	return 0;
}

static int write_all(struct vn_ctx *c, const struct vn_net *n, bool *conf_changed, struct nl_err *e)
{
	char path[320], *conf = config(c, n), *dhcp = NULL, *dns = NULL;
	bool changed;
	int err = folder(c, e);

	hosts_text(n, &dhcp, &dns);
	if (!err && !(conf && dhcp && dns))
		err = nl_err_set(e, -ENOMEM, "write", "dnsmasq config of network %s", n->name);
	file(c, n->name, "hosts", path, sizeof(path));
	if (!err)
		err = put(path, dhcp, &changed, e);
	file(c, n->name, "addn", path, sizeof(path));
	if (!err)
		err = put(path, dns, &changed, e);
	file(c, n->name, "conf", path, sizeof(path));
	if (!err)
		err = put(path, conf, conf_changed, e);
	free(conf);
	free(dhcp);
	free(dns);
	return err;
}

/* What identifies the network's dnsmasq in /proc: its exact command line
 * ("dnsmasq\0--conf-file=PATH\0") and the user it drops to; arg is the
 * argument it is started with. */
struct want {
	char arg[360];
	struct vn_proc_id id;
};

static void want_of(const struct vn_ctx *c, const char *name, struct want *w)
{
	char conf[320];
	int n;

	file(c, name, "conf", conf, sizeof(conf));
	snprintf(w->arg, sizeof(w->arg), "--conf-file=%s", conf);
	n = snprintf(w->id.cmd, sizeof(w->id.cmd), "dnsmasq%c%s", '\0', w->arg);
	w->id.len = n > 0 && (size_t)n < sizeof(w->id.cmd) ? (size_t)n + 1 : 0;
	w->id.user = "nobody";
}

static int record_load(const struct vn_ctx *c, const char *name, struct vn_proc *p)
{
	char path[320], *text, *end;
	size_t len;
	long pid;

	*p = (struct vn_proc){0};
	file(c, name, "proc", path, sizeof(path));
	if (nl_file_read(path, 64, NL_FILE_OWNED, &text, &len, NULL))
		return -1;
	errno = 0;
	pid = strtol(text, &end, 10);
	if (end != text && *end == ' ' && pid > 0 && pid <= 0x3fffffff) {
		p->pid = (int)pid;
		p->start = strtoull(end + 1, &end, 10);
	}
	if (errno || end == text || strcmp(end, "\n") || p->pid <= 0 || !p->start)
		p->pid = 0;
	free(text);
	return p->pid ? 0 : -1;
}

static int record_save(const struct vn_ctx *c, const char *name, const struct vn_proc *p,
		       struct nl_err *e)
{
	char path[320], text[64];
	int n = snprintf(text, sizeof(text), "%d %llu\n", p->pid, p->start);

	file(c, name, "proc", path, sizeof(path));
	return nl_file_write(path, 0644, text, (size_t)n, e);
}

/* A pidfd on the network's running dnsmasq (p names it), or -1: the
 * recorded process while it is ours (*recorded), else, with scan, what the
 * scan of /proc finds. */
static int find(const struct vn_ctx *c, const char *name, bool scan, struct vn_proc *p,
		bool *recorded)
{
	struct want w;
	int fd = -1;

	want_of(c, name, &w);
	*recorded = record_load(c, name, p) == 0 && (fd = vn_proc_grab(&w.id, p)) >= 0;
	if (!*recorded && scan)
		fd = vn_proc_scan(&w.id, p);
	if (fd < 0)
		*p = (struct vn_proc){0};
	return fd;
}

int vn_dnsmasq_pidfd(const struct vn_ctx *c, const char *name, int *pid)
{
	struct vn_proc p;
	bool recorded;
	int fd = find(c, name, true, &p, &recorded);

	*pid = p.pid;
	return fd;
}

int vn_dnsmasq_pid(const struct vn_ctx *c, const char *name)
{
	int pid, fd = vn_dnsmasq_pidfd(c, name, &pid);

	if (fd >= 0)
		close(fd);
	return pid;
}

static const char *binary(void)
{
	const char *b = getenv("VNET_DNSMASQ");

	return b && b[0] ? b : "/usr/sbin/dnsmasq";
}

/* In vnet's child: a session of its own, signals as a fresh process has
 * them (a vnetd blocks some), then dnsmasq forked with stderr on errw; its
 * pid and start time go to idw, read while it cannot be reaped (it is this
 * process's child until this process exits). Never returns. */
static void middle(const char *arg, int errw, int idw)
{
	struct vn_proc p = {0};
	sigset_t none;
	int null;

	setsid();
	umask(022);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	if ((p.pid = fork()) == 0) {
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		dup2(errw, 2);
		execl(binary(), "dnsmasq", arg, (char *)NULL);
		dprintf(2, "cannot run %s: %s\n", binary(), strerror(errno));
		_exit(127);
	}
	if (p.pid > 0 && vn_proc_stat(p.pid, NULL, &p.start) < 0)
		p.start = 0;
	if (write(idw, &p, sizeof(p)) != sizeof(p))
		_exit(1);
	_exit(0);
}

/* Forks dnsmasq (through middle()); p names it, *errr is the read end of
 * its stderr, *fd a pidfd on it (-1: it ended already). */
static int fork_dnsmasq(const struct want *w, const char *name, struct vn_proc *p, int *errr,
			int *fd, struct nl_err *e)
{
	int errp[2], idp[2], st;
	unsigned long long start;
	pid_t mid;

	*p = (struct vn_proc){0};
	if (pipe2(errp, O_CLOEXEC) < 0)
		return nl_err_set(e, -errno, "start", "dnsmasq of network %s", name);
	if (pipe2(idp, O_CLOEXEC) < 0) {
		close(errp[0]);
		close(errp[1]);
		return nl_err_set(e, -errno, "start", "dnsmasq of network %s", name);
	}
	if ((mid = fork()) == 0)
		middle(w->arg, errp[1], idp[1]);
	close(errp[1]);
	close(idp[1]);
	if (mid < 0 || read(idp[0], p, sizeof(*p)) != sizeof(*p) || p->pid <= 0 || !p->start)
		*p = (struct vn_proc){0};
	while (mid > 0 && waitpid(mid, &st, 0) < 0 && errno == EINTR)
		;
	close(idp[0]);
	*errr = errp[0];
	if (!p->pid) {
		close(errp[0]);
		return nl_err_set(e, -ECHILD, "start", "dnsmasq of network %s", name);
	}
	/* ended and its pid taken since: not ours to signal */
	*fd = vn_proc_pidfd(p->pid);
	if (*fd >= 0 && (vn_proc_stat(p->pid, NULL, &start) < 0 || start != p->start)) {
		close(*fd);
		*fd = -1;
	}
	return 0;
}

/* Reads dnsmasq's stderr to its end (into msg): 0, or -ETIMEDOUT. */
static int read_to_end(int errr, char *msg, size_t n)
{
	struct pollfd p = {.fd = errr, .events = POLLIN};
	struct timespec t0, t;
	size_t got = 0;
	char junk[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = START_MS - (t.tv_sec - t0.tv_sec) * 1000 - (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms <= 0 || (r = poll(&p, 1, (int)ms)) == 0)
			return -ETIMEDOUT;
		if (r < 0)
			continue; /* EINTR */
		r = got < n - 1 ? read(errr, msg + got, n - 1 - got)
				: read(errr, junk, sizeof(junk));
		if (r == 0 || (r < 0 && errno != EINTR))
			return 0;
		if (r > 0 && got < n - 1)
			got += (size_t)r;
		msg[got] = '\0';
	}
}

/* Whether dnsmasq runs: alive, its stderr moved to /dev/null. */
static bool runs(int fd, int pid)
{
	return fd >= 0 && vn_proc_fd_is(pid, 2, "/dev/null") && !vn_proc_ended(fd, 0);
}

/* dnsmasq's message: its first line that says something, without its
 * name, escaped (it is a foreign program's text). */
static int failed(const char *name, const char *msg, int code, struct nl_err *e)
{
	char line[200], safe[256];

	msg += strspn(msg, " \t\r\n");
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(msg, "\r\n"), msg);
	nl_err_set(e, code, "start", "dnsmasq of network %s", name);
	if (!strncmp(line, "dnsmasq: ", 9))
		memmove(line, line + 9, strlen(line + 9) + 1);
	if (code == -ETIMEDOUT)
		return nl_err_msg(e, "did not start within %d s", START_MS / 1000);
	if (!line[0])
		return nl_err_msg(e, "exited with an error");
	return nl_err_msg(e, "%s", nl_escape(line, safe, sizeof(safe)));
}

/* Starts the network's dnsmasq and records it before it may serve. */
static int spawn(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	char msg[512] = "", path[320];
	struct vn_proc p;
	struct want w;
	int errr = -1, fd = -1, err;

	want_of(c, name, &w);
	if ((err = fork_dnsmasq(&w, name, &p, &errr, &fd, e)))
		return err;
	vn_kill_point(c, "dnsmasq-forked");
	if (fd >= 0 && (err = record_save(c, name, &p, e))) {
		vn_proc_signal(fd, SIGKILL);
		close(fd);
		close(errr);
		return err;
	}
	err = read_to_end(errr, msg, sizeof(msg));
	close(errr);
	if (!err && runs(fd, p.pid)) {
		close(fd);
		return 0;
	}
	if (fd >= 0) {
		vn_proc_signal(fd, SIGKILL); /* only when it hangs, or died since */
		close(fd);
	}
	file(c, name, "proc", path, sizeof(path));
	nl_file_remove(path);
	return failed(name, msg, err ? err : -ECHILD, e);
}

/* Ends the process behind fd: TERM, then KILL after a second. */
static int end(int fd, int pid, const char *name, struct nl_err *e)
{
	if (vn_proc_signal(fd, SIGTERM) < 0)
		return errno == ESRCH ? 0
				      : nl_err_set(e, -errno, "stop", "dnsmasq %d of network %s",
						   pid, name);
	if (vn_proc_ended(fd, 1000))
		return 0;
	vn_proc_signal(fd, SIGKILL);
	if (!vn_proc_ended(fd, 1000))
		return nl_err_set(e, -ETIMEDOUT, "stop", "dnsmasq %d of network %s", pid, name);
	return 0;
}

/* Ends every dnsmasq of the network: the recorded one, then (scan) any the
 * scan finds (whatever a lost record or a killed vnet left); drops the
 * record. */
static int halt(const struct vn_ctx *c, const char *name, bool scan, struct nl_err *e)
{
	char path[320];
	struct vn_proc p;
	bool recorded;
	int fd, err = 0;

	for (unsigned i = 0; !err && i < 64 && (fd = find(c, name, scan, &p, &recorded)) >= 0;
	     i++) {
		err = end(fd, p.pid, name, e);
		close(fd);
	}
	file(c, name, "proc", path, sizeof(path));
	if (!err)
		nl_file_remove(path);
	return err;
}

int vn_dnsmasq_start(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct vn_proc p;
	bool changed, recorded;
	int err, fd;

	if ((err = write_all(c, n, &changed, e)))
		return err;
	fd = find(c, n->name, true, &p, &recorded);
	if (fd >= 0 && !changed) {
		/* it rereads its hosts; one the scan found is recorded again */
		if (vn_proc_signal(fd, SIGHUP) < 0)
			err = nl_err_set(e, -errno, "reload", "dnsmasq %d of network %s", p.pid,
					 n->name);
		else if (!recorded)
			err = record_save(c, n->name, &p, e);
		close(fd);
		return err;
	}
	if (fd >= 0) {
		close(fd);
		if ((err = halt(c, n->name, true, e)))
			return err;
	}
	return spawn(c, n->name, e);
}

int vn_dnsmasq_stop(struct vn_ctx *c, const char *name, bool forget, bool scan, struct nl_err *e)
{
	/* "pid": what dnsmasq wrote before vnet recorded its own */
	static const char *const exts[] = {"conf", "hosts", "addn", "pid", "leases"};
	char path[320];
	int err = halt(c, name, scan, e);

	for (unsigned i = 0; !err && i < sizeof(exts) / sizeof(exts[0]) - !forget; i++) {
		file(c, name, exts[i], path, sizeof(path));
		nl_file_remove(path);
	}
	return err;
}

/* A DHCPv6 lease's "[T]IAID" (T: a temporary address) and client DUID
 * (hex bytes with colons, or "*"). */
static bool lease6_of(const char *iaid, const char *duid, struct vn_lease *l)
{
	char *end;
	unsigned long v = strtoul(iaid + (iaid[0] == 'T'), &end, 10);

	if (!isdigit((unsigned char)iaid[iaid[0] == 'T']) || *end || v > UINT32_MAX ||
	    l->ip.family != AF_INET6 ||
	    (strcmp(duid, "*") && duid[strspn(duid, "0123456789abcdefABCDEF:")]))
		return false;
	l->iaid = (unsigned)v;
	if (strcmp(duid, "*"))
		snprintf(l->duid, sizeof(l->duid), "%s", duid);
	return true;
}

/* One line of dnsmasq's lease file: "EXPIRY MAC IP NAME CLIENTID" (DHCPv4)
 * or, after the line "duid SERVER-DUID", "EXPIRY [T]IAID IPV6 NAME DUID". */
static bool lease_of(const char *line, struct vn_lease *l)
{
	char mac[32], ip[64], host[64], id[400] = "*";
	long long exp;

	*l = (struct vn_lease){0};
	if (sscanf(line, "%lld %31s %63s %63s %399s", &exp, mac, ip, host, id) < 4 ||
	    nl_prefix_parse(ip, NL_PREFIX_NO_LEN, NULL, &l->ip, NULL))
		return false; /* dnsmasq's duid line */
	if (!vn_mac_parse(mac, l->mac, NULL))
		l->has_mac = l->ip.family == AF_INET;
	else if (!lease6_of(mac, id, l))
		return false;
	l->expiry = exp;
	/* dnsmasq (as nobody) wrote it: a name that is not a host name is
	 * none (dnsmasq itself writes no other) */
	if (strcmp(host, "*") &&
	    host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "0123456789-_.")] == '\0')
		snprintf(l->name, sizeof(l->name), "%s", host);
	return true;
}

int vn_leases(const struct vn_ctx *c, const char *name, struct vn_lease **out, unsigned *n,
	      struct nl_err *e)
{
	char path[320], *text, *line, *next;
	struct vn_lease *v = NULL, l;
	unsigned cnt = 0, cap = 0;
	size_t len;
	int err;

	*out = NULL;
	*n = 0;
	file(c, name, "leases", path, sizeof(path));
	if ((err = nl_file_read(path, LEASES_MAX, 0, &text, &len, e))) {
		if (err == -ENOENT)
			nl_err_clear(e);
		return err == -ENOENT ? 0 : err;
	}
	for (line = text; line < text + len; line = next) {
		if ((next = memchr(line, '\n', (size_t)(text + len - line))))
			*next++ = '\0';
		else
			next = text + len;
		if (!lease_of(line, &l))
			continue;
		if (cnt == cap) {
			struct vn_lease *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[cnt++] = l;
	}
	free(text);
	*out = v;
	*n = cnt;
	return 0;
}
