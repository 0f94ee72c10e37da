/* bridge — recognising vnet's bridges, the records of what runs, and the
 * cache of the bridges' ifindex.
 *
 * A bridge is vnet's when its alias is "vnet:NAME": vn_link_network is
 * the one test of it, for every module (the port path, status, the
 * tuner's report). The kernel takes no
 * alias in the message that creates a link (IFLA_IFALIAS is ignored there,
 * measured), so the alias comes one send later; a command killed between
 * the two would leave a bridge nobody owns. So the intent goes first:
 * $VNET_RUN_DIR/NAME.bridge names the bridge and the MAC it will be made
 * with, and an unmarked bridge of that name, kind and MAC is the network's
 * (the next apply marks it, destroy deletes it). $VNET_RUN_DIR/NAME.net,
 * also written before anything is made, is the definition the network runs
 * with: destroy and down tear down what it says even when the definition
 * is gone or unreadable, and `list` names such orphans. The ifindex of a
 * running network's bridge, with the MTU it is pinned at and whether its
 * ports are isolated, is kept in $VNET_RUN_DIR/NAME.ifindex so that
 * attaching a port (without reading the definition) (the qemu hook's hot path) can enslave it in
 * the same send that reads the bridge back to confirm the index. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"

bool vn_link_network(const struct nl_link *l, char net[NL_IFNAMSIZ])
{
	size_t plen = strlen(VN_ALIAS_PREFIX);

	/* the name becomes a path (the run records): only one vnet could
	 * have written */
	if (strcmp(l->kind, "bridge") || strncmp(l->alias, VN_ALIAS_PREFIX, plen) ||
	    vn_name_check(l->alias + plen, NULL))
		return false;
	if (net)
		snprintf(net, NL_IFNAMSIZ, "%s", l->alias + plen);
	return true;
}

bool vn_link_is_ours(const struct nl_link *l, const char *name)
{
	char net[NL_IFNAMSIZ];

	return vn_link_network(l, net) && !strcmp(net, name);
}

static void run_path(const struct vn_ctx *c, const char *name, const char *ext, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.%s", c->run_dir, name, ext);
}

int vn_bridge_intent(const struct vn_ctx *c, const struct vn_net *n, const unsigned char mac[6],
		     struct nl_err *e)
{
	char path[320], buf[64], m[18];
	int len, err;

	if ((err = nl_mkdirs(c->run_dir, 0755, e)))
		return err;
	run_path(c, n->name, "bridge", path, sizeof(path));
	vn_mac_str(mac, m);
	len = snprintf(buf, sizeof(buf), "%s %s\n", n->bridge, m);
	return nl_file_write(path, 0644, buf, (size_t)len, e);
}

void vn_bridge_intent_drop(const struct vn_ctx *c, const char *name)
{
	char path[320];

	run_path(c, name, "bridge", path, sizeof(path));
	nl_file_remove(path);
}

bool vn_bridge_is_ours(const struct vn_ctx *c, const struct vn_net *n, const struct nl_link *l)
{
	char path[320], *buf, br[NL_IFNAMSIZ], m[18], have[18];
	size_t len;
	bool ours;

	if (vn_link_is_ours(l, n->name))
		return true;
	/* unmarked (a kill between create and mark), or its mark changed
	 * behind vnet's back: the name and the MAC it was made with say it
	 * is the network's (status names the alias; up puts it back) */
	if (strcmp(l->kind, "bridge") || strcmp(l->name, n->bridge))
		return false;
	run_path(c, n->name, "bridge", path, sizeof(path));
	if (nl_file_read(path, 128, NL_FILE_OWNED, &buf, &len, NULL))
		return false;
	vn_mac_str(l->mac, have);
	ours = sscanf(buf, "%15s %17s", br, m) == 2 && !strcmp(br, n->bridge) && !strcmp(m, have);
	free(buf);
	return ours;
}

int vn_run_record_save(const struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	char path[320];
	int err;

	if ((err = nl_mkdirs(c->run_dir, 0755, e)))
		return err;
	run_path(c, n->name, "net", path, sizeof(path));
	return vn_store_write_file(path, n, e);
}

int vn_run_record_load(const struct vn_ctx *c, const char *name, struct vn_net *n, struct nl_err *e)
{
	char path[320];
	int err;

	run_path(c, name, "net", path, sizeof(path));
	if ((err = vn_store_read_file(path, n, e)) == 0 && strcmp(n->name, name))
		err = -EINVAL;
	return err;
}

void vn_run_record_drop(const struct vn_ctx *c, const char *name)
{
	char path[320];

	run_path(c, name, "net", path, sizeof(path));
	nl_file_remove(path);
}

int vn_bridge_get(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l, struct nl_err *e)
{
	char obj[NL_IFNAMSIZ + 16];
	struct nl_sock *rt;
	int err = vn_rt(c, &rt, e);

	if (!err)
		err = nl_link_get(rt, n->bridge, l, e);
	if (err)
		return err;
	if (vn_bridge_is_ours(c, n, l))
		return 0;
	snprintf(obj, sizeof(obj), "bridge %s", n->bridge);
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
		       "%s %s exists and is not vnet's network %s (alias \"%s\")",
		       l->kind[0] ? l->kind : "interface", n->bridge, n->name, l->alias);
}

int vn_bridge_macs(struct vn_ctx *c, const struct vn_net *n, struct vn_mac **out, unsigned *nout,
		   unsigned *mtu, struct nl_err *e)
{
	struct nl_link br, *port = NULL;
	unsigned nport = 0;
	struct nl_sock *rt;
	int err = vn_bridge_running(c, n, &br, e);

	*out = NULL;
	*nout = 0;
	if (!err)
		err = vn_rt(c, &rt, e);
	if (!err)
		err = nl_link_list(rt, br.ifindex, &port, &nport, e);
	if (!err && !(*out = calloc(nport + 1, sizeof(**out))))
		err = nl_err_set(e, -ENOMEM, "read", "bridge %s", n->bridge);
	for (unsigned i = 0; !err && i <= nport; i++) {
		const struct nl_link *l = i < nport ? &port[i] : &br;

		if (!l->has_mac)
			continue;
		snprintf((*out)[*nout].ifname, NL_IFNAMSIZ, "%s", l->name);
		memcpy((*out)[(*nout)++].mac, l->mac, 6);
	}
	if (!err)
		*mtu = br.mtu;
	free(port);
	return err;
}

int vn_bridge_running(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l, struct nl_err *e)
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
	unsigned isolate = 0, spoof = 0;
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
	if (sscanf(buf, "%d %u %u %15s %u", &bc->ifindex, &bc->mtu, &isolate, bc->uplink, &spoof) !=
		    5 ||
	    bc->ifindex <= 0)
		return bc->ifindex = 0;
	bc->isolate = isolate;
	bc->spoof = spoof;
	if (!strcmp(bc->uplink, "-"))
		bc->uplink[0] = '\0';
	return bc->ifindex;
}

void vn_bridge_cache_save(const struct vn_ctx *c, const char *name,
			  const struct vn_bridge_cache *bc)
{
	char path[320], buf[64];
	int len;

	index_path(c, name, path, sizeof(path));
	if (!bc || bc->ifindex <= 0) {
		nl_file_remove(path);
		return;
	}
	/* Best effort: without it, attaching reads the definition and the
	 * bridge first. */
	len = snprintf(buf, sizeof(buf), "%d %u %u %s %u\n", bc->ifindex, bc->mtu, bc->isolate,
		       bc->uplink[0] ? bc->uplink : "-", bc->spoof);
	if (nl_file_write(path, 0644, buf, (size_t)len, NULL))
		nl_file_remove(path);
}
