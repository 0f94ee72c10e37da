/* dnsmasq — running one dnsmasq per network; see dnsmasq.h.
 *
 * dnsmasq daemonises itself and its first process exits only once the
 * daemon has bound its sockets, with the daemon's status: so vnet waits for
 * that exit and reports dnsmasq's own error line (a port taken, a bad
 * option). "no-ping": dnsmasq would ping each address before its first
 * offer (about 3 s here) to find hosts configured by hand inside the range;
 * a vnet network's range belongs to its guests, and static addresses go
 * through `vnet host`, so the wait buys nothing and slows every first boot. */
#include "dnsmasq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static void file(const struct vn_ctx *c, const char *name, const char *ext, char *buf, size_t n)
{
	snprintf(buf, n, "%s/dnsmasq/%s.%s", c->run_dir, name, ext);
}

/* Writes text to path atomically; *changed tells whether it differed. */
static int put(const char *path, const char *text, bool *changed, struct nl_err *e)
{
	char tmp[360], old[8192];
	size_t len = strlen(text);
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	FILE *f;

	if (fd >= 0) {
		n = read(fd, old, sizeof(old));
		close(fd);
	}
	*changed = !(n >= 0 && (size_t)n == len && !memcmp(old, text, len));
	if (!*changed)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "we")))
		return nl_err_set(e, -errno, "write", "%s", tmp);
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		int err = -errno;

		unlink(tmp);
		return nl_err_set(e, err, "write", "%s", path);
	}
	return 0;
}

static void subnet_lines(FILE *f, const struct vn_net *n, unsigned long long *max)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN], m[NL_PREFIX_STRLEN];

	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];
		struct nl_prefix mask = {.family = AF_INET, .len = 32};

		if (!s->dhcp || s->prefix.family != AF_INET)
			continue;
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
}

static char *config(const struct vn_ctx *c, const struct vn_net *n)
{
	char pid[320], leases[320], hosts[320], addn[320], *text = NULL;
	unsigned long long max = 0;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	file(c, n->name, "pid", pid, sizeof(pid));
	file(c, n->name, "leases", leases, sizeof(leases));
	file(c, n->name, "hosts", hosts, sizeof(hosts));
	file(c, n->name, "addn", addn, sizeof(addn));
	fprintf(f, "# written by vnet for network %s: vnet rewrites it\n", n->name);
	fprintf(f, "strict-order\npid-file=%s\nexcept-interface=lo\nbind-dynamic\ninterface=%s\n"
		   "user=nobody\ngroup=nogroup\nno-ping\ndhcp-authoritative\ndhcp-no-override\n"
		   "domain-needed\n",
		pid, n->bridge);
	fprintf(f, "domain=%s\nlocal=/%s/\nexpand-hosts\naddn-hosts=%s\n", n->domain, n->domain,
		addn);
	fprintf(f, "dhcp-leasefile=%s\ndhcp-hostsfile=%s\n", leases, hosts);
	if (n->mtu)
		fprintf(f, "dhcp-option=option:mtu,%u\n", n->mtu);
	subnet_lines(f, n, &max);
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
		nl_prefix_str(&h->ip, false, a, sizeof(a));
		fprintf(f, "%s,%s%s%s\n", m, a, h->name[0] ? "," : "", h->name);
		if (h->name[0])
			fprintf(g, "%s %s\n", a, h->name);
	}
	if (f)
		fclose(f);
	if (g)
		fclose(g);
}

/* Whether pid's command line names this network's config file. */
static bool runs_our_conf(const struct vn_ctx *c, const char *name, int pid)
{
	char path[64], conf[320], arg[360], cmd[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	cmd[n] = '\0';
	file(c, name, "conf", conf, sizeof(conf));
	snprintf(arg, sizeof(arg), "--conf-file=%s", conf);
	for (char *s = cmd; s < cmd + n; s += strlen(s) + 1)
		if (!strcmp(s, arg))
			return true;
	return false;
}

int vn_dnsmasq_pid(const struct vn_ctx *c, const char *name)
{
	char path[320], comm[32] = "", state = 0;
	int pid = 0;
	FILE *f;

	file(c, name, "pid", path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || kill(pid, 0) < 0)
		return 0;
	/* a pid file may outlive its process, and the pid be reused; a killed
	 * daemon stays a zombie until whoever adopted it reaps it */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "re"))) {
		if (fscanf(f, "%*d (%31[^)]) %c", comm, &state) != 2)
			comm[0] = '\0';
		fclose(f);
	}
	if (strcmp(comm, "dnsmasq") || state == 'Z' || state == 'X')
		return 0;
	/* and ours: another dnsmasq (the system's, libvirt's) never is */
	return runs_our_conf(c, name, pid) ? pid : 0;
}

static const char *binary(void)
{
	const char *b = getenv("VNET_DNSMASQ");

	return b && b[0] ? b : "/usr/sbin/dnsmasq";
}

/* fork+exec dnsmasq; waits for its first process, which exits once the
 * daemon runs (status 0) or could not start (its message on stderr). */
static int spawn(const char *conf, const char *name, struct nl_err *e)
{
	char arg[360], msg[256] = "";
	int pipefd[2], st, devnull;
	pid_t pid;
	ssize_t n;

	snprintf(arg, sizeof(arg), "--conf-file=%s", conf);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return nl_err_set(e, -errno, "start", "dnsmasq of network %s", name);
	if ((pid = fork()) == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(pipefd[1], 2);
		execl(binary(), "dnsmasq", arg, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s", binary(), strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return nl_err_set(e, -errno, "start", "dnsmasq of network %s", name);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* the daemon may keep the pipe open: read what is there, no more */
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	nl_err_set(e, -ECHILD, "start", "dnsmasq of network %s", name);
	return nl_err_msg(e, "%s", msg[0] ? msg : "exited with an error");
}

static int write_all(struct vn_ctx *c, const struct vn_net *n, bool *conf_changed,
		     struct nl_err *e)
{
	char path[320], dir[300], *conf = config(c, n), *dhcp = NULL, *dns = NULL;
	bool changed;
	int err = -ENOMEM;

	snprintf(dir, sizeof(dir), "%s/dnsmasq", c->run_dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		free(conf);
		return nl_err_set(e, -errno, "create folder", "%s", dir);
	}
	hosts_text(n, &dhcp, &dns);
	if (conf && dhcp && dns) {
		file(c, n->name, "hosts", path, sizeof(path));
		err = put(path, dhcp, &changed, e);
		file(c, n->name, "addn", path, sizeof(path));
		if (!err)
			err = put(path, dns, &changed, e);
		file(c, n->name, "conf", path, sizeof(path));
		if (!err)
			err = put(path, conf, conf_changed, e);
	} else {
		nl_err_set(e, err, "write", "dnsmasq config of network %s", n->name);
	}
	free(conf);
	free(dhcp);
	free(dns);
	return err;
}

int vn_dnsmasq_start(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	char conf[320];
	bool changed;
	int err, pid;

	if ((err = write_all(c, n, &changed, e)))
		return err;
	pid = vn_dnsmasq_pid(c, n->name);
	if (pid && !changed)
		return kill(pid, SIGHUP) < 0 ? nl_err_set(e, -errno, "reload", "dnsmasq %d", pid) : 0;
	if (pid && (err = vn_dnsmasq_stop(c, n->name, false, e)))
		return err;
	if (pid && (err = write_all(c, n, &changed, e))) /* stop removed them */
		return err;
	file(c, n->name, "conf", conf, sizeof(conf));
	return spawn(conf, n->name, e);
}

/* Waits up to ms for pid to end; pidfd_open lets a non-parent wait. */
static bool wait_gone(int pid, int ms)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	bool gone;

	if (fd < 0)
		return errno == ESRCH;
	gone = poll(&p, 1, ms) == 1;
	close(fd);
	return gone;
}

int vn_dnsmasq_stop(struct vn_ctx *c, const char *name, bool forget, struct nl_err *e)
{
	static const char *const exts[] = {"pid", "conf", "hosts", "addn", "leases"};
	int pid = vn_dnsmasq_pid(c, name);
	char path[320];

	if (pid && kill(pid, SIGTERM) == 0 && !wait_gone(pid, 1000)) {
		kill(pid, SIGKILL);
		if (!wait_gone(pid, 1000))
			return nl_err_set(e, -ETIMEDOUT, "stop", "dnsmasq %d of network %s", pid, name);
	}
	for (unsigned i = 0; i < sizeof(exts) / sizeof(exts[0]) - !forget; i++) {
		file(c, name, exts[i], path, sizeof(path));
		unlink(path);
	}
	return 0;
}

int vn_leases(const struct vn_ctx *c, const char *name, struct vn_lease **out, unsigned *n,
	      struct nl_err *e)
{
	char path[320], *line = NULL, mac[32], ip[64], host[64];
	struct vn_lease *v = NULL;
	unsigned cnt = 0, cap = 0;
	size_t lcap = 0;
	long long exp;
	FILE *f;

	*out = NULL;
	*n = 0;
	file(c, name, "leases", path, sizeof(path));
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read", "%s", path);
	while (getline(&line, &lcap, f) >= 0) {
		struct vn_lease l = {0};

		if (sscanf(line, "%lld %31s %63s %63s", &exp, mac, ip, host) != 4 ||
		    vn_mac_parse(mac, l.mac, NULL) ||
		    nl_prefix_parse(ip, NL_PREFIX_NO_LEN, NULL, &l.ip, NULL))
			continue; /* dnsmasq's duid line, or IPv6 client ids */
		l.expiry = exp;
		snprintf(l.name, sizeof(l.name), "%s", strcmp(host, "*") ? host : "");
		if (cnt == cap) {
			struct vn_lease *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[cnt++] = l;
	}
	free(line);
	fclose(f);
	*out = v;
	*n = cnt;
	return 0;
}
