/* ctx — the engine's context: folders, sockets, the lock, and the fault
 * points of test builds. The rtnetlink socket opens on first use (vn_rt):
 * a command that only reads files opens none. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/internal.h"

static void dir_from_env(char *dst, size_t n, const char *var, const char *def)
{
	const char *v = getenv(var);

	snprintf(dst, n, "%s", v && v[0] ? v : def);
}

#ifdef VNET_FAULT_INJECTION
/* VNET_RACE=CHAIN[:TIMES]: another's change (chain CHAIN of table inet vnet
 * flushed) between the firewall's read and its write, the first TIMES
 * times (default once): the write is refused and read again. */
static void race_from_env(struct vn_ctx *c)
{
	const char *v = getenv("VNET_RACE");
	char *colon;

	if (!v || !v[0])
		return;
	snprintf(c->race, sizeof(c->race), "%s", v);
	c->race_times = 1;
	if ((colon = strchr(c->race, ':'))) {
		*colon = '\0';
		c->race_times = (unsigned)strtoul(colon + 1, NULL, 10);
	}
}
#endif

/* No socket opens here: vn_rt opens rtnetlink on first use, vn_fw
 * nftables. */
struct vn_ctx *vn_ctx_new(struct nl_err *e)
{
	struct vn_ctx *c = calloc(1, sizeof(*c));

	if (!c || !(c->b = nl_batch_new())) {
		free(c);
		nl_err_set(e, -ENOMEM, "start", "vnet");
		return NULL;
	}
	c->lock_fd = -1;
	/* vnet sets the modes of its own files; this covers what the programs
	 * it starts (dnsmasq, qemu) create with theirs: never group or world
	 * writable, whatever umask the caller had */
	umask(022);
	dir_from_env(c->conf_dir, sizeof(c->conf_dir), "VNET_CONF_DIR", "/etc/vnet");
	dir_from_env(c->run_dir, sizeof(c->run_dir), "VNET_RUN_DIR", "/run/vnet");
#ifdef VNET_FAULT_INJECTION
	c->fail_step = getenv("VNET_FAIL_STEP");
	c->kill_at = getenv("VNET_KILL_AT");
	race_from_env(c);
#endif
	return c;
}

void vn_ctx_free(struct vn_ctx *c)
{
	if (!c)
		return;
	if (c->fw_free)
		c->fw_free(c->fw);
	if (c->rt.mnl)
		nl_sock_close(&c->rt);
	nl_batch_free(c->b);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
}

const char *vn_ctx_conf_dir(const struct vn_ctx *c)
{
	return c->conf_dir;
}

const char *vn_ctx_run_dir(const struct vn_ctx *c)
{
	return c->run_dir;
}

const char *vn_ctx_warning(const struct vn_ctx *c)
{
	return c->warning;
}

const char *vn_ctx_restored(const struct vn_ctx *c)
{
	return c->restored;
}

int vn_rt(struct vn_ctx *c, struct nl_sock **s, struct nl_err *e)
{
	int err;

	if (!c->rt.mnl && (err = nl_sock_open(&c->rt, NETLINK_ROUTE, e)))
		return err;
	*s = &c->rt;
	return 0;
}

int vn_send(struct vn_ctx *c, const int *ok, nl_data_cb cb, void *data, struct nl_err *e)
{
	struct nl_sock *rt;
	int err = vn_rt(c, &rt, e);

	if (err)
		return err;
	if (ok)
		return nl_batch_send_tolerant(rt, c->b, ok, cb, data, e);
	return nl_batch_send(rt, c->b, cb, data, e);
}

int vn_lock(struct vn_ctx *c, struct nl_err *e)
{
	char path[320];
	int err;

	if (c->lock_fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/lock", c->run_dir);
	/* the folder exists but on a first run: make it only then */
	c->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c->lock_fd < 0 && errno == ENOENT) {
		if ((err = nl_mkdirs(c->run_dir, 0755, e)))
			return err;
		c->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (c->lock_fd < 0)
		return nl_err_set(e, -errno, "open", "lock %s", path);
	/* root's alone, whatever the umask or whoever made it before */
	if (fchmod(c->lock_fd, 0600) < 0) {
		err = nl_err_set(e, -errno, "set mode of", "lock %s", path);
		vn_unlock(c);
		return err;
	}
	while (flock(c->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return nl_err_set(e, -errno, "take", "lock %s", path);
	return 0;
}

void vn_kill_point(const struct vn_ctx *c, const char *point)
{
	if (c->kill_at && !strcmp(c->kill_at, point))
		kill(getpid(), SIGKILL);
}

int vn_injected(const struct vn_ctx *c, const char *point, const char *net, struct nl_err *e)
{
	if (!c->fail_step || strcmp(c->fail_step, point))
		return 0;
	nl_err_set(e, -EIO, point, "network %s", net);
	nl_err_msg(e, "failure injected by VNET_FAIL_STEP");
	return -EIO;
}

void vn_unlock(struct vn_ctx *c)
{
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
}
