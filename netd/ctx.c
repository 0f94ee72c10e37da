/* ctx — the engine's context: folders, sockets, the lock. */
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

int vn_ctx_open(struct vn_ctx *c, struct nl_err *e)
{
	int err;

	memset(c, 0, sizeof(*c));
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
#endif
	c->b = nl_batch_new();
	if (!c->b)
		return nl_err_set(e, -ENOMEM, "start", "vnet");
	err = nl_sock_open(&c->rt, NETLINK_ROUTE, e);
	if (err)
		vn_ctx_close(c);
	return err;
}

void vn_ctx_close(struct vn_ctx *c)
{
	if (c->fw_free)
		c->fw_free(c->fw);
	if (c->rt.mnl)
		nl_sock_close(&c->rt);
	nl_batch_free(c->b);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
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

void vn_unlock(struct vn_ctx *c)
{
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
}
