/* frr — vnet's lines in FRR's running configuration; see frr.h. */
#include "netd/frr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/netd.h"

#define VTYSH	     "/usr/bin/vtysh"
#define VTYSH_SECS   20
#define VTYSH_OUTPUT (1024 * 1024)
#define MAX_CMDS     (8 + 2 * VN_FRR_LINES)

typedef char line_t[80];

/* ---- running vtysh ---- */

static int collect(int fd, pid_t pid, char *out, size_t n, bool *killed)
{
	time_t end = time(NULL) + VTYSH_SECS;
	size_t len = 0;

	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&pf, 1, 1000) < 0 && errno != EINTR)
			break;
		if (time(NULL) > end) {
			kill(pid, SIGKILL);
			*killed = true;
			break;
		}
		if (!(pf.revents & (POLLIN | POLLHUP)))
			continue;
		r = read(fd, out + len, len + 1 < n ? n - 1 - len : 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	out[len] = '\0';
	return 0;
}

int vn_vtysh(const struct vn_fabric *f, const char *const *cmd, unsigned n, char **out,
	     struct nl_err *e)
{
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	const char *argv[2 * MAX_CMDS + 4];
	char *buf = malloc(VTYSH_OUTPUT), first[160];
	unsigned k = 0;
	bool killed = false;
	int p[2], st = 0;
	pid_t pid;

	*out = NULL;
	if (!buf || n > MAX_CMDS) {
		free(buf);
		return nl_err_set(e, -ENOMEM, "run", "vtysh");
	}
	argv[k++] = "vtysh";
	if (f->frr_vty[0]) {
		argv[k++] = "--vty_socket";
		argv[k++] = f->frr_vty;
	}
	for (unsigned i = 0; i < n; i++) {
		argv[k++] = "-c";
		argv[k++] = cmd[i];
	}
	argv[k] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(buf);
		return nl_err_set(e, -errno, "run", "vtysh");
	}
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execve(VTYSH, (char *const *)argv, env);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		free(buf);
		return nl_err_set(e, -errno, "run", "vtysh");
	}
	collect(p[0], pid, buf, VTYSH_OUTPUT, &killed);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!killed && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		*out = buf;
		return 0;
	}
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(buf, "\n"), buf);
	free(buf);
	if (killed)
		return nl_fail(e, -ETIMEDOUT, NL_ERR_REFUSED, "vtysh", "no answer in %d s",
			       VTYSH_SECS);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return nl_fail(e, -ENOENT, NL_ERR_REFUSED, "vtysh",
			       "cannot run " VTYSH " (is FRR installed?)");
	return nl_fail(e, -EIO, NL_ERR_REFUSED, "vtysh", "%s: %s", cmd[n ? n - 1 : 0],
		       first[0] ? nl_err_safe(first, false, (char[200]){""}, 200) : "failed");
}

/* ---- the lines ---- */

unsigned vn_frr_want(const struct vn_fabric *f, line_t *lines, unsigned max)
{
	char t[NL_PREFIX_STRLEN];
	unsigned n = 0;

	if (!f || !f->asn || max < VN_FRR_LINES)
		return 0;
	snprintf(lines[n++], sizeof(line_t), "router bgp %u", f->asn);
	if (f->local.family == AF_INET)
		snprintf(lines[n++], sizeof(line_t), "bgp router-id %s",
			 nl_prefix_str(&f->local, false, t, sizeof(t)));
	for (unsigned i = 0; i < f->npeers; i++)
		snprintf(lines[n++], sizeof(line_t), "neighbor %s remote-as %u",
			 nl_prefix_str(&f->peer[i], false, t, sizeof(t)), f->asn);
	snprintf(lines[n++], sizeof(line_t), "advertise-all-vni");
	for (unsigned i = 0; i < f->npeers; i++)
		snprintf(lines[n++], sizeof(line_t), "neighbor %s activate",
			 nl_prefix_str(&f->peer[i], false, t, sizeof(t)));
	return n;
}

static bool is_router(const char *line)
{
	return !strncmp(line, "router bgp ", 11);
}

/* in address-family l2vpn evpn */
static bool in_af(const char *line)
{
	size_t len = strlen(line);

	return !strcmp(line, "advertise-all-vni") ||
	       (len > 9 && !strcmp(line + len - 9, " activate"));
}

/* The next line of text at *p (cut at '\n'), into buf; false at the end. */
static bool next_line(const char **p, char *buf, size_t n)
{
	size_t len;

	if (!**p)
		return false;
	len = strcspn(*p, "\n");
	snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), *p);
	*p += len + ((*p)[len] == '\n');
	return true;
}

unsigned vn_frr_asn(const char *text)
{
	char l[256];
	unsigned asn;
	char rest[8];

	while (next_line(&text, l, sizeof(l)))
		if (sscanf(l, "router bgp %u%7s", &asn, rest) == 1)
			return asn;
	return 0;
}

bool vn_frr_has(const char *text, unsigned asn, const char *line)
{
	char l[256], router[32];
	bool in = false, af = false;

	snprintf(router, sizeof(router), "router bgp %u", asn);
	if (is_router(line))
		return !strcmp(line, router) && vn_frr_asn(text) == asn;
	while (next_line(&text, l, sizeof(l))) {
		if (!in) {
			in = !strcmp(l, router);
			continue;
		}
		if (l[0] != ' ' && l[0] != '!')
			return false; /* "exit": the end of the router's block */
		if (!strcmp(l, " address-family l2vpn evpn"))
			af = true;
		else if (!strncmp(l, " exit-address-family", 20))
			af = false;
		else if (!in_af(line) && !af && l[1] != ' ' && !strcmp(l + 1, line))
			return true;
		else if (in_af(line) && af && !strncmp(l, "  ", 2) && !strcmp(l + 2, line))
			return true;
	}
	return false;
}

/* ---- the record of what vnet added ---- */

static void record_path(const struct vn_ctx *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s/fabric/frr.added", c->conf_dir);
}

/* Which of cand[] the record names (a line not among them is not read:
 * only lines made from a checked fabric reach vtysh). */
static void record_read(const struct vn_ctx *c, line_t *cand, unsigned n, bool *added)
{
	char file[PATH_MAX], *buf = NULL, l[128];
	const char *p;
	size_t len;

	memset(added, 0, n * sizeof(*added));
	record_path(c, file, sizeof(file));
	if (nl_file_read(file, 64 * 1024, NL_FILE_OWNED, &buf, &len, NULL))
		return;
	for (p = buf; next_line(&p, l, sizeof(l));)
		for (unsigned i = 0; i < n; i++)
			if (!strcmp(l, cand[i]))
				added[i] = true;
	free(buf);
}

static int record_write(const struct vn_ctx *c, line_t *lines, const bool *added, unsigned n,
			struct nl_err *e)
{
	char file[PATH_MAX], dir[PATH_MAX], text[VN_FRR_LINES * 82];
	size_t len = 0;
	int err;

	record_path(c, file, sizeof(file));
	snprintf(dir, sizeof(dir), "%s/fabric", c->conf_dir);
	for (unsigned i = 0; i < n; i++)
		if (added[i])
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", lines[i]);
	if (!len)
		return nl_file_remove(file) ? nl_err_set(e, -EIO, "remove", "%s", file) : 0;
	if ((err = nl_mkdirs(dir, 0755, e)))
		return err;
	return nl_file_write(file, 0644, text, len, e);
}

/* ---- apply ---- */

struct cmds {
	const char *v[MAX_CMDS];
	char own[MAX_CMDS][128]; /* "no " and a line of at most 95 */
	unsigned n;
	unsigned real; /* changes among them (not the context's commands) */
};

/* the command: "no " (no may be "") and line */
static void add2(struct cmds *k, const char *no, const char *line)
{
	if (k->n >= MAX_CMDS)
		return;
	snprintf(k->own[k->n], sizeof(k->own[0]), "%s%s", no, line);
	k->v[k->n] = k->own[k->n];
	k->n++;
}

/* "no" of a line vnet added: a neighbor goes whole */
static void add_no(struct cmds *k, const char *line)
{
	char peer[64];

	if (sscanf(line, "neighbor %63s remote-as", peer) == 1 && !in_af(line)) {
		char l[96];

		snprintf(l, sizeof(l), "neighbor %s", peer);
		add2(k, "no ", l);
	} else
		add2(k, "no ", line);
}

/* Runs k when it changes something; *done counts the changes made. */
static int run(const struct vn_fabric *f, struct cmds *k, unsigned *done, struct nl_err *e)
{
	char *out;
	int err;

	if (!k->real)
		return 0;
	if (!(err = vn_vtysh(f, k->v, k->n, &out, e)))
		free(out);
	if (!err)
		*done += k->real;
	return err;
}

/* The commands from old's added lines (added[]) to want's lines, against
 * the running text; added[] becomes what vnet has added after them. */
static void plan(struct cmds *k, unsigned asn, const char *text, line_t *w, unsigned nw, line_t *o,
		 bool *oadded, unsigned no, bool *wadded)
{
	char router[32];

	snprintf(router, sizeof(router), "router bgp %u", asn);
	add2(k, "", "configure terminal");
	add2(k, "", router);
	/* the address family's removals, then the router's; then the
	 * router's additions, then the address family's */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			add2(k, "", "address-family l2vpn evpn");
		for (unsigned i = 0; i < no; i++) {
			bool wanted = false;

			for (unsigned j = 0; j < nw; j++)
				wanted |= !strcmp(o[i], w[j]);
			if (!oadded[i] || wanted || is_router(o[i]) || in_af(o[i]) != (pass == 0) ||
			    !vn_frr_has(text, asn, o[i]))
				continue;
			add_no(k, o[i]);
			k->real++;
		}
		if (pass == 0)
			add2(k, "", "exit-address-family");
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			add2(k, "", "address-family l2vpn evpn");
		for (unsigned j = 0; j < nw; j++) {
			bool had = false;

			if (!is_router(w[j]) && in_af(w[j]) != (pass == 1))
				continue;
			if (is_router(w[j]) && pass == 1)
				continue;
			for (unsigned i = 0; i < no; i++)
				had |= oadded[i] && !strcmp(o[i], w[j]);
			wadded[j] = had;
			if (vn_frr_has(text, asn, w[j]))
				continue;
			/* the router line itself: made by "router bgp" above */
			if (!is_router(w[j]))
				add2(k, "", w[j]);
			wadded[j] = true;
			k->real++;
		}
	}
}

static int read_running(const struct vn_fabric *f, char **text, struct nl_err *e)
{
	const char *show[] = {"show running-config"};

	return vn_vtysh(f, show, 1, text, e);
}

static int apply(struct vn_ctx *c, const struct vn_fabric *old, const struct vn_fabric *want,
		 unsigned *done, struct nl_err *e)
{
	static line_t o[VN_FRR_LINES], w[VN_FRR_LINES];
	bool oadded[VN_FRR_LINES], wadded[VN_FRR_LINES] = {false};
	unsigned no = vn_frr_want(old, o, VN_FRR_LINES), nw = vn_frr_want(want, w, VN_FRR_LINES);
	const struct vn_fabric *f = want && want->asn ? want : old;
	struct cmds k = {.n = 0};
	unsigned have;
	char *text = NULL;
	int err;

	if (!no && !nw)
		return 0;
	record_read(c, o, no, oadded);
	if ((err = read_running(f, &text, e)))
		return err;
	have = vn_frr_asn(text);
	if (no && oadded[0] && have == old->asn && (!nw || want->asn != have)) {
		/* the router is vnet's: it goes whole */
		add2(&k, "", "configure terminal");
		add_no(&k, o[0]);
		k.real = 1;
		if ((err = run(old, &k, done, e)) || (err = record_write(c, o, wadded, 0, e)))
			goto out;
		no = 0;
		have = 0;
		k.n = k.real = 0;
		/* what the router held is gone with it */
		text[0] = '\0';
	}
	if (nw && have && have != want->asn) {
		err = nl_fail(e, -EBUSY, NL_ERR_CONFLICT, "FRR",
			      "runs BGP AS %u, not vnet's --asn %u (router bgp %u is not vnet's)",
			      have, want->asn, have);
		goto out;
	}
	if (!nw && no) {
		plan(&k, old->asn, text, w, 0, o, oadded, no, wadded);
		if (!(err = run(old, &k, done, e)))
			err = record_write(c, w, wadded, 0, e);
		goto out;
	}
	if (nw) {
		plan(&k, want->asn, text, w, nw, o, oadded, no, wadded);
		if (!(err = run(want, &k, done, e)))
			err = record_write(c, w, wadded, nw, e);
	}
out:
	free(text);
	return err;
}

int vn_frr_apply(struct vn_ctx *c, const struct vn_fabric *old, const struct vn_fabric *want,
		 struct nl_err *e)
{
	unsigned done = 0;

	return apply(c, old, want, &done, e);
}

int vn_frr_give(struct vn_ctx *c, const struct vn_fabric *f, unsigned *done, struct nl_err *e)
{
	*done = 0;
	return f->asn ? apply(c, f, f, done, e) : 0;
}

int vn_frr_reapply(struct vn_ctx *c, unsigned *done, struct nl_err *e)
{
	struct vn_fabric f;
	int err;

	*done = 0;
	if ((err = vn_lock(c, e)))
		return err;
	err = vn_fabric_load(c->conf_dir, &f, e);
	if (err == -ENOENT)
		nl_err_clear(e);
	else if (!err)
		err = vn_frr_give(c, &f, done, e);
	vn_unlock(c);
	return err == -ENOENT ? 0 : err;
}
