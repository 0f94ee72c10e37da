/* bridge — recognising vnet's bridges, and the cache of their ifindex.
 *
 * A bridge is vnet's when its alias is "vnet:NAME". The ifindex of a
 * running network's bridge, with the MTU it is pinned at and whether its
 * ports are isolated, is kept in $VNET_RUN_DIR/NAME.ifindex so that
 * attaching a port (without reading the definition) (the qemu hook's hot path) can enslave it in the same
 * send that reads the bridge back to confirm the index. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "internal.h"

bool vn_link_is_ours(const struct nl_link *l, const char *name)
{
	char want[sizeof(l->alias)];

	snprintf(want, sizeof(want), VN_ALIAS_PREFIX "%s", name);
	return !strcmp(l->kind, "bridge") && !strcmp(l->alias, want);
}

int vn_bridge_get(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l, struct nl_err *e)
{
	int err = nl_link_get(&c->rt, n->bridge, l, e);

	if (err)
		return err;
	if (vn_link_is_ours(l, n->name))
		return 0;
	nl_err_set(e, -EEXIST, "", "bridge %s", n->bridge);
	nl_err_kind(e, NL_ERR_CONFLICT);
	return nl_err_msg(e, "%s %s exists and is not vnet's network %s (alias \"%s\")",
			  l->kind[0] ? l->kind : "interface", n->bridge, n->name, l->alias);
}

int vn_bridge_running(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l,
		      struct nl_err *e)
{
	int err = vn_bridge_get(c, n, l, e);

	if (err == -ENODEV) {
		nl_err_set(e, err, "", "network %s", n->name);
		nl_err_msg(e, "is down (vnet up %s)", n->name);
	}
	return err;
}

int vn_got_link(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	(void)idx;
	return nl_link_parse(nlh, data);
}

static void index_path(const struct vn_ctx *c, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.ifindex", c->run_dir, name);
}

int vn_bridge_cache_load(const struct vn_ctx *c, const char *name, struct vn_bridge_cache *bc)
{
	char path[320], buf[64];
	unsigned isolate = 0;
	ssize_t n;
	int fd;

	memset(bc, 0, sizeof(*bc));
	index_path(c, name, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%d %u %u %15s", &bc->ifindex, &bc->mtu, &isolate, bc->uplink) != 4 ||
	    bc->ifindex <= 0)
		return bc->ifindex = 0;
	bc->isolate = isolate;
	if (!strcmp(bc->uplink, "-"))
		bc->uplink[0] = '\0';
	return bc->ifindex;
}

void vn_bridge_cache_save(const struct vn_ctx *c, const char *name, const struct vn_bridge_cache *bc)
{
	char path[320], buf[64];
	int len;

	index_path(c, name, path, sizeof(path));
	if (!bc || bc->ifindex <= 0) {
		unlink(path);
		return;
	}
	/* Best effort: without it, attaching reads the definition and the
	 * bridge first. */
	len = snprintf(buf, sizeof(buf), "%d %u %u %s\n", bc->ifindex, bc->mtu, bc->isolate,
		       bc->uplink[0] ? bc->uplink : "-");
	if (nl_file_write(path, 0644, buf, (size_t)len, NULL))
		unlink(path);
}
