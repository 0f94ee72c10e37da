/* uplink — the bridged model: the NIC joins the bridge, and its addresses
 * and main-table routes move to the bridge so the host keeps its
 * connectivity. What moves is written down first ($VNET_RUN_DIR/NAME.uplink)
 * so that destroy, or a create killed halfway, gives exactly that back.
 * Order keeps the host reachable: addresses are added on the bridge before
 * the NIC joins (the bridge has the NIC's MAC), routes are swapped with
 * NLM_F_REPLACE (atomic per route), and only then are the NIC's addresses
 * removed. Routes in other tables are not moved (documented). Link-local
 * IPv6 addresses and the kernel's own routes stay: each device has its own.
 * It is the model walk's uplink step and undo (vn_uplink_step, _undo):
 * model.c calls it, it calls nothing of model.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "nlink/addr.h"
#include "common/file.h"
#include "netd/internal.h"
#include "nlink/route.h"

#define MAX_MOVED 64

struct moved {
	unsigned naddrs, nroutes;
	struct nl_ifaddr addr[MAX_MOVED];
	struct nl_route route[MAX_MOVED];
};

static void record_path(const struct vn_ctx *c, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.uplink", c->run_dir, name);
}

/* The record is binary-free text, one object a line, so a person can read
 * what vnet will give back. */
static int record_write(struct vn_ctx *c, const char *name, const struct moved *m, struct nl_err *e)
{
	char path[320], a[NL_PREFIX_STRLEN], g[NL_PREFIX_STRLEN], s[NL_PREFIX_STRLEN], *buf = NULL;
	size_t len = 0;
	int err;
	FILE *f;

	record_path(c, name, path, sizeof(path));
	if (!(f = open_memstream(&buf, &len)))
		return nl_err_set(e, -ENOMEM, "write", "%s", path);
	for (unsigned i = 0; i < m->naddrs; i++) {
		const struct nl_ifaddr *x = &m->addr[i];

		fprintf(f, "addr %s flags %u scope %u valid %u preferred %u label %s brd %s\n",
			nl_prefix_str(&x->addr, true, a, sizeof(a)), x->flags, x->scope,
			x->valid_lft, x->preferred_lft, x->label[0] ? x->label : "-",
			x->broadcast.family ? nl_prefix_str(&x->broadcast, false, g, sizeof(g))
					    : "-");
	}
	for (unsigned i = 0; i < m->nroutes; i++) {
		const struct nl_route *r = &m->route[i];

		fprintf(f,
			"route %s via %s src %s metric %u proto %u scope %u type %u flags %u tos "
			"%u\n",
			nl_prefix_str(&r->dst, true, a, sizeof(a)),
			r->gw.family ? nl_prefix_str(&r->gw, false, g, sizeof(g)) : "-",
			r->prefsrc.family ? nl_prefix_str(&r->prefsrc, false, s, sizeof(s)) : "-",
			r->metric, r->protocol, r->scope, r->type, r->flags, r->tos);
	}
	if (fclose(f) != 0)
		err = nl_err_set(e, -ENOMEM, "write", "%s", path);
	else
		err = nl_file_write(path, 0600, buf, len, e);
	free(buf);
	return err;
}

static int parse_opt(const char *s, int mode, struct nl_prefix *p)
{
	if (!strcmp(s, "-")) {
		memset(p, 0, sizeof(*p));
		return 0;
	}
	return nl_prefix_parse(s, mode, NULL, p, NULL);
}

static int record_line(char *line, struct moved *m)
{
	char a[64], g[64], s[64], label[NL_IFNAMSIZ];
	unsigned v[6];

	if (sscanf(line, "addr %63s flags %u scope %u valid %u preferred %u label %15s brd %63s", a,
		   &v[0], &v[1], &v[2], &v[3], label, g) == 7 &&
	    m->naddrs < MAX_MOVED) {
		struct nl_ifaddr *x = &m->addr[m->naddrs++];

		*x = (struct nl_ifaddr){.flags = v[0],
					.scope = (uint8_t)v[1],
					.valid_lft = v[2],
					.preferred_lft = v[3]};
		snprintf(x->label, sizeof(x->label), "%s", strcmp(label, "-") ? label : "");
		if (nl_prefix_parse(a, NL_PREFIX_NEED_LEN, NULL, &x->addr, NULL) ||
		    parse_opt(g, NL_PREFIX_NO_LEN, &x->broadcast))
			return -EINVAL;
		x->no_broadcast = x->addr.family == AF_INET && !x->broadcast.family;
		return 0;
	}
	if (sscanf(line,
		   "route %63s via %63s src %63s metric %u proto %u scope %u type %u flags %u "
		   "tos %u",
		   a, g, s, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 9 &&
	    m->nroutes < MAX_MOVED) {
		struct nl_route *r = &m->route[m->nroutes++];

		*r = (struct nl_route){.metric = v[0],
				       .protocol = (uint8_t)v[1],
				       .scope = (uint8_t)v[2],
				       .type = (uint8_t)v[3],
				       .flags = v[4],
				       .tos = (uint8_t)v[5]};
		if (nl_prefix_parse(a, NL_PREFIX_NEED_LEN, NULL, &r->dst, NULL) ||
		    parse_opt(g, NL_PREFIX_NO_LEN, &r->gw) ||
		    parse_opt(s, NL_PREFIX_NO_LEN, &r->prefsrc))
			return -EINVAL;
		r->family = r->dst.family;
		return 0;
	}
	return -EINVAL;
}

/* -ENOENT when nothing was written down. */
static int record_read(struct vn_ctx *c, const char *name, struct moved *m, struct nl_err *e)
{
	char path[320], *line = NULL, *buf;
	size_t cap = 0, len;
	unsigned no = 0;
	int err = 0;
	FILE *f;

	memset(m, 0, sizeof(*m));
	record_path(c, name, path, sizeof(path));
	if ((err = nl_file_read(path, 64 * 1024, NL_FILE_OWNED, &buf, &len, e)))
		return err == -ENOENT ? -ENOENT : err;
	if (len == 0) { /* nothing moved */
		free(buf);
		return 0;
	}
	if (!(f = fmemopen(buf, len, "r"))) {
		free(buf);
		return nl_err_set(e, -errno, "read", "%s", path);
	}
	while (!err && getline(&line, &cap, f) >= 0) {
		no++;
		if ((err = record_line(line, m)))
			nl_err_set(e, err, "read", "%s:%u", path, no);
	}
	free(line);
	fclose(f);
	free(buf);
	return err;
}

/* What of the uplink moves: its addresses but the link-local ones, and its
 * main-table routes but the kernel's own. */
static int collect(struct vn_ctx *c, int ifindex, struct moved *m, struct nl_err *e)
{
	struct nl_ifaddr *a = NULL;
	struct nl_route *r = NULL;
	unsigned na = 0, nr = 0;
	struct nl_sock *rt;
	int err = vn_rt(c, &rt, e);

	if (!err)
		err = nl_addr_list(rt, AF_UNSPEC, ifindex, &a, &na, e);
	if (!err)
		err = nl_route_list(rt, AF_UNSPEC, &r, &nr, e);
	for (unsigned i = 0; !err && i < na; i++)
		if (a[i].scope != RT_SCOPE_LINK && a[i].scope != RT_SCOPE_HOST &&
		    m->naddrs < MAX_MOVED)
			m->addr[m->naddrs++] = a[i];
	for (unsigned i = 0; !err && i < nr; i++)
		if (r[i].oif == ifindex && r[i].protocol != RTPROT_KERNEL && m->nroutes < MAX_MOVED)
			m->route[m->nroutes++] = r[i];
	free(a);
	free(r);
	return err;
}

/* Adds the addresses of m on ifindex (an IPv6 one without duplicate
 * detection: it was in use a moment ago) into b. */
static int add_addrs(struct nl_batch *b, const struct moved *m, int ifindex, const char *ifname)
{
	int err = 0;

	for (unsigned i = 0; !err && i < m->naddrs; i++) {
		struct nl_ifaddr a = m->addr[i];
		const char *alias = strchr(m->addr[i].label, ':');

		a.ifindex = ifindex;
		if (a.addr.family == AF_INET6)
			a.flags |= IFA_F_NODAD;
		/* the label names the device it is on ("eth0", "eth0:1"): on
		 * the bridge, the bridge's (the record keeps the uplink's) */
		if (a.label[0])
			snprintf(a.label, sizeof(a.label), "%.*s%.*s", NL_IFNAMSIZ - 1, ifname,
				 alias ? (int)(NL_IFNAMSIZ - 1 - strlen(ifname)) : 0,
				 alias ? alias : "");
		err = nl_addr_add_msg(b, &a, ifname);
	}
	return err;
}

static int swap_routes(struct nl_batch *b, const struct moved *m, int oif)
{
	int err = 0;

	for (unsigned i = 0; !err && i < m->nroutes; i++) {
		struct nl_route r = m->route[i];

		r.oif = oif;
		err = nl_route_add_msg(b, &r, NL_ROUTE_REPLACE);
	}
	return err;
}

int vn_uplink_step(struct vn_run *r, struct nl_err *e)
{
	static const int ok[] = {-EEXIST, -EADDRNOTAVAIL, 0};
	const struct vn_net *n = r->n;
	struct nl_link_change join = {.mask = NL_LINK_MASTER | NL_LINK_UP, .master = r->br.ifindex};
	struct nl_batch *b = r->c->b;
	struct nl_sock *rt;
	struct nl_link up;
	struct moved *m;
	int err;

	if ((err = vn_rt(r->c, &rt, e)) || (err = nl_link_get(rt, n->uplink, &up, e)) ||
	    up.master == r->br.ifindex)
		return err; /* absent, or moved already */
	if (!(m = calloc(1, sizeof(*m))))
		return nl_err_set(e, -ENOMEM, "move", "uplink %s", n->uplink);
	/* A record already there (the uplink taken out of the bridge behind
	 * vnet's back, and `vnet up`) says what moved: the uplink's present
	 * addresses are not what destroy must give back. */
	err = record_read(r->c, n->name, m, e);
	if (err == -ENOENT && !(err = collect(r->c, up.ifindex, m, e)))
		err = record_write(r->c, n->name, m, e);
	if (err)
		goto out;
	r->uplink_moved = true;
	nl_batch_reset(b);
	if ((err = add_addrs(b, m, r->br.ifindex, n->bridge)) ||
	    (err = nl_link_change_msg(b, up.ifindex, n->uplink, &join)))
		goto full;
	if ((err = vn_send(r->c, ok, NULL, NULL, e)) ||
	    (err = vn_injected(r->c, "uplink-half", n->name, e)))
		goto out;
	nl_batch_reset(b);
	if ((err = swap_routes(b, m, r->br.ifindex)))
		goto full;
	for (unsigned i = 0; !err && i < m->naddrs; i++) {
		struct nl_ifaddr a = m->addr[i];

		a.ifindex = up.ifindex;
		err = nl_addr_del_msg(b, &a, n->uplink);
	}
	if (!err) {
		if (!(err = vn_send(r->c, ok, NULL, NULL, e)))
			err = vn_injected(r->c, "uplink-moved", n->name, e);
		goto out;
	}
full:
	nl_err_set(e, err, "move", "uplink %s", n->uplink);
out:
	free(m);
	return err;
}

void vn_uplink_undo(struct vn_run *r)
{
	if (r->uplink_moved)
		vn_uplink_restore(r->c, r->n, NULL);
}

int vn_uplink_restore(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	static const int ok[] = {-EEXIST, -ESRCH, -ENOENT, -ENETUNREACH, 0};
	struct nl_link_change leave = {.mask = NL_LINK_MASTER, .master = 0};
	char path[320];
	struct nl_sock *rt;
	struct nl_link up;
	struct moved *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return nl_err_set(e, -ENOMEM, "restore", "uplink %s", n->uplink);
	err = record_read(c, n->name, m, e);
	if (err == -ENOENT)
		err = 0; /* nothing was moved: just release the uplink */
	if (!err)
		err = vn_rt(c, &rt, e);
	if (!err && (err = nl_link_get(rt, n->uplink, &up, e)) == -ENODEV)
		err = 0, up.ifindex = 0; /* gone with its addresses: nothing to give back */
	if (err || !up.ifindex)
		goto out;
	nl_batch_reset(c->b);
	if ((err = add_addrs(c->b, m, up.ifindex, n->uplink)) ||
	    (err = nl_link_change_msg(c->b, up.ifindex, n->uplink, &leave)) ||
	    (err = swap_routes(c->b, m, up.ifindex))) {
		nl_err_set(e, err, "restore", "uplink %s", n->uplink);
		goto out;
	}
	err = vn_send(c, ok, NULL, NULL, e);
out:
	if (!err) {
		record_path(c, n->name, path, sizeof(path));
		nl_file_remove(path);
	}
	free(m);
	return err;
}

int vn_uplink_moved_addrs(struct vn_ctx *c, const char *name, struct nl_prefix *addrs, unsigned max,
			  unsigned *n)
{
	struct moved *m = malloc(sizeof(*m));
	int err = m ? record_read(c, name, m, NULL) : -ENOMEM;

	*n = 0;
	for (unsigned i = 0; !err && i < m->naddrs && *n < max; i++)
		addrs[(*n)++] = m->addr[i].addr;
	free(m);
	return err == -ENOENT ? 0 : err;
}
