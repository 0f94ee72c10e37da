/* frr_watch — vnetd's ear for FRR: FRR keeps vnet's lines in its running
 * configuration only, so a zebra or bgpd that starts again (restarted by
 * systemd or by hand, with a configuration file that lacks them) has lost
 * them. A daemon that starts makes its vty socket (NAME.vty) in FRR's
 * socket folder: inotify on that folder reports it, and vnetd gives FRR
 * vnet's lines again (vn_frr_reapply), as `vnet fabric set` would.
 *
 * Which folder depends on the fabric (--frr-vty, else FRR's default), so
 * the fabric's folder ($VNET_CONF_DIR/fabric) is watched too, and every
 * change there aims the watch again. A folder that does not exist yet is
 * waited for in its nearest one that does. No fabric, or one without an
 * AS: FRR is not watched. Nothing is polled. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netd/fabric.h"
#include "netd/frr.h"
#include "netd/internal.h"
#include "netd/netd.h"

#define SOCK_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
#define DIR_EVENTS  (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM)

struct vn_frr_watch {
	struct vn_ctx *c;
	int fd;
	int wd_conf, wd_vty; /* -1: none */
	char conf[PATH_MAX]; /* the folder watched for the fabric */
	char vty[PATH_MAX];  /* the folder watched for FRR's sockets */
	bool vty_parent;     /* vty is on the way to FRR's folder (not there yet) */
};

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Watches path for mask in *wd, unless it watches it already. */
static void aim(struct vn_frr_watch *w, int *wd, char *cur, const char *path, uint32_t mask)
{
	if (*wd >= 0 && !strcmp(cur, path))
		return;
	if (*wd >= 0)
		inotify_rm_watch(w->fd, *wd);
	*wd = path[0] ? inotify_add_watch(w->fd, path, mask | IN_ONLYDIR) : -1;
	snprintf(cur, PATH_MAX, "%s", *wd >= 0 ? path : "");
}

/* path, or its nearest folder that exists (to wait there for the rest to
 * be made); true when that is path itself. */
static bool nearest(char *path)
{
	char *slash;

	while (!is_dir(path)) {
		if (!(slash = strrchr(path, '/')) || slash == path) {
			snprintf(path, PATH_MAX, "/");
			return false;
		}
		*slash = '\0';
	}
	return true;
}

/* Aims both watches as the fabric and the folders now are; true when
 * FRR's socket folder has just come to be watched (a socket made before
 * the watch would go unseen: a look is due). */
static bool retarget(struct vn_frr_watch *w)
{
	char conf[PATH_MAX], vty[PATH_MAX] = "";
	bool was = w->wd_vty >= 0 && !w->vty_parent;
	struct vn_fabric f;

	snprintf(conf, sizeof(conf), "%s/fabric", w->c->conf_dir);
	nearest(conf);
	aim(w, &w->wd_conf, w->conf, conf, DIR_EVENTS);
	w->vty_parent = false;
	if (!vn_fabric_load(w->c->conf_dir, &f, NULL) && f.asn) {
		snprintf(vty, sizeof(vty), "%s", f.frr_vty[0] ? f.frr_vty : VN_FRR_VTY_DEFAULT);
		w->vty_parent = !nearest(vty);
	}
	aim(w, &w->wd_vty, w->vty, vty, w->vty_parent ? IN_CREATE | IN_MOVED_TO : SOCK_EVENTS);
	return !was && w->wd_vty >= 0 && !w->vty_parent;
}

struct vn_frr_watch *vn_frr_watch_new(struct vn_ctx *c, struct nl_err *e)
{
	struct vn_frr_watch *w = calloc(1, sizeof(*w));

	if (!w) {
		nl_err_set(e, -ENOMEM, "watch", "FRR");
		return NULL;
	}
	w->c = c;
	w->wd_conf = w->wd_vty = -1;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		nl_err_set(e, -errno, "watch", "FRR (inotify)");
		free(w);
		return NULL;
	}
	retarget(w);
	return w;
}

void vn_frr_watch_free(struct vn_frr_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}

int vn_frr_watch_fd(const struct vn_frr_watch *w)
{
	return w->fd;
}

/* Whether event ev says a daemon made its vty socket; *again when the
 * watches must be aimed again. */
static bool seen(struct vn_frr_watch *w, const struct inotify_event *ev, bool *again)
{
	size_t len = ev->len ? strlen(ev->name) : 0;

	if (ev->mask & IN_Q_OVERFLOW) {
		*again = true;
		return true;
	}
	if (ev->mask & IN_IGNORED) { /* the folder went: its watch with it */
		if (ev->wd == w->wd_conf)
			w->wd_conf = -1;
		if (ev->wd == w->wd_vty)
			w->wd_vty = -1;
	}
	if (ev->wd == w->wd_conf || (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))) {
		*again = true;
		return false;
	}
	if (ev->wd != w->wd_vty)
		return false; /* a watch aimed elsewhere since */
	if (w->vty_parent) {  /* a folder on the way to FRR's, maybe */
		*again = true;
		return false;
	}
	return len > 4 && !strcmp(ev->name + len - 4, ".vty");
}

bool vn_frr_watch_drain(struct vn_frr_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool started = false, again = false;
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			started |= seen(w, ev, &again);
			p += sizeof(*ev) + ev->len;
		}
	if (again)
		started |= retarget(w);
	return started;
}
