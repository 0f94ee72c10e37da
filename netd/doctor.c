/* doctor — see doctor.h. This file: the networks looked at, the order of
 * the checks, the host's side (forwarding, rp_filter, router
 * advertisements, wildcard :53/:67 sockets, port MTUs, default route) and
 * the notes (br_netfilter, vhost-net, KVM); doctor_fw.c has the
 * firewall's. A network's traffic checks need it to run (a stopped
 * network forwards nothing); its firewall checks do not (they say what
 * `vnet up` would meet). Everything printed that came from the kernel or
 * a file is escaped (nl_escape). */
#include "netd/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "common/file.h"
#include "firewall/fw.h"
#include "netd/internal.h"
#include "nlink/route.h"
#include "netd/store.h"
#include "nlink/sysctl.h"
#include "tune/tune.h"

#define ESC(s, buf) nl_escape((s), (buf), sizeof(buf))

void vn_doc_add(struct vn_doc *x, bool note, const char *check, const char *network,
		const char *object, const char *effect, const char *fix)
{
	struct vn_finding **arr = note ? &x->d->note : &x->d->finding, *f;
	unsigned *n = note ? &x->d->nnotes : &x->d->nfindings;

	if (!(f = realloc(*arr, (*n + 1) * sizeof(**arr))))
		return;
	*arr = f;
	f += (*n)++;
	memset(f, 0, sizeof(*f));
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->network, sizeof(f->network), "%s", network);
	snprintf(f->object, sizeof(f->object), "%s", object);
	snprintf(f->effect, sizeof(f->effect), "%s", effect);
	snprintf(f->fix, sizeof(f->fix), "%s", fix);
}

/* vn_doc_add with printf formats for object, effect and fix. */
static void add(struct vn_doc *x, bool note, const char *check, const char *network,
		const char *obj, const char *effect, const char *fix, ...)
	__attribute__((format(printf, 7, 8)));
static void add(struct vn_doc *x, bool note, const char *check, const char *network,
		const char *obj, const char *effect, const char *fix, ...)
{
	char f[512];
	va_list ap;

	va_start(ap, fix);
	vsnprintf(f, sizeof(f), fix, ap);
	va_end(ap);
	vn_doc_add(x, note, check, network, obj, effect, f);
}

const struct nl_link *vn_doc_link(const struct vn_doc *x, int ifindex)
{
	for (unsigned i = 0; i < x->nlink; i++)
		if (x->link[i].ifindex == ifindex)
			return &x->link[i];
	return NULL;
}

static const char *link_name(const struct vn_doc *x, int ifindex, char *buf, size_t n)
{
	const struct nl_link *l = vn_doc_link(x, ifindex);

	return l ? nl_escape(l->name, buf, n) : "?";
}

static bool is_default(const struct nl_route *r, int family)
{
	return r->family == family && r->dst.len == 0 && r->type == RTN_UNICAST;
}

const struct nl_route *vn_doc_default(const struct vn_doc *x, int family)
{
	const struct nl_route *best = NULL;

	for (unsigned i = 0; i < x->nroute; i++)
		if (is_default(&x->route[i], family) &&
		    (!best || x->route[i].metric < best->metric))
			best = &x->route[i];
	return best;
}

/* A sysctl under /proc/sys/net as a number; -1 when unreadable. */
static int sysint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sysint(const char *fmt, ...)
{
	char key[128], v[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return nl_sysctl_read(key, v, sizeof(v), NULL) ? -1 : atoi(v);
}

static bool has_family(const struct vn_net *n, int family)
{
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].prefix.family == family)
			return true;
	return false;
}

static bool forwards(const struct vn_net *n)
{
	return n->model == VN_ROUTED || n->model == VN_NAT;
}

static void check_forwarding(struct vn_doc *x, const struct vn_doc_net *dn)
{
	static const char *const key[2] = {"ipv4.ip_forward", "ipv6.conf.all.forwarding"};
	const struct vn_net *n = &dn->st->net;

	for (unsigned v6 = 0; dn->running && forwards(n) && v6 < 2; v6++) {
		char obj[64];

		if (!has_family(n, v6 ? AF_INET6 : AF_INET) ||
		    sysint(v6 ? "ipv6/conf/all/forwarding" : "ipv4/ip_forward") != 0)
			continue;
		snprintf(obj, sizeof(obj), "sysctl net.%s=0", key[v6]);
		add(x, false, "ip-forward", n->name, obj,
		    "the host forwards nothing: its guests reach nothing beyond the host",
		    "vnet up %s (turns it on again), or sysctl -w net.%s=1 and keep it in "
		    "/etc/sysctl.d/",
		    n->name, key[v6]);
	}
}

/* Effective rp_filter of an interface: the larger of all's and its own. */
static int rp_filter(const char *ifname)
{
	int all = sysint("ipv4/conf/all/rp_filter"), own = sysint("ipv4/conf/%s/rp_filter", ifname);

	return all > own ? all : own;
}

/* Strict rp_filter on the bridge drops a guest's packet when the route
 * back to it leaves by another interface; on an uplink, when the default
 * route leaves by another one. */
static void check_rp(struct vn_doc *x, const struct vn_doc_net *dn)
{
	const struct vn_net *n = &dn->st->net;
	const struct nl_route *def = vn_doc_default(x, AF_INET);
	char obj[160], eff[256], a[NL_PREFIX_STRLEN], dev[64], dev2[64];

	if (!dn->running || !forwards(n) || !has_family(n, AF_INET))
		return;
	for (unsigned i = 0; rp_filter(n->bridge) == 1 && i < x->nroute; i++) {
		const struct nl_route *r = &x->route[i];

		for (unsigned s = 0; s < n->nsubnets; s++) {
			const struct nl_prefix *p = &n->subnet[s].prefix;

			if (r->family != AF_INET || r->type != RTN_UNICAST ||
			    r->oif == dn->ifindex || r->dst.len < p->len ||
			    !nl_prefix_overlaps(&r->dst, p))
				continue;
			snprintf(obj, sizeof(obj), "sysctl net.ipv4.conf.%s.rp_filter=1 (strict)",
				 n->bridge);
			nl_prefix_str(&r->dst, true, a, sizeof(a));
			snprintf(eff, sizeof(eff),
				 "drops packets from its guests in %s: the route back to them (%s "
				 "dev %s) leaves by another interface",
				 a, a, link_name(x, r->oif, dev, sizeof(dev)));
			add(x, false, "rp-filter", n->name, obj, eff,
			    "ip route del %s dev %s, or loose mode: sysctl -w "
			    "net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.%s.rp_filter=2",
			    a, dev, n->bridge);
		}
	}
	for (unsigned i = 0; def && i < x->nroute; i++) {
		const struct nl_route *r = &x->route[i];

		if (!is_default(r, AF_INET) || r->oif == def->oif ||
		    rp_filter(link_name(x, r->oif, dev, sizeof(dev))) != 1)
			continue;
		snprintf(obj, sizeof(obj), "sysctl net.ipv4.conf.%s.rp_filter=1 (strict)", dev);
		snprintf(eff, sizeof(eff),
			 "drops what arrives on %s for its guests (replies, new connections): the "
			 "default route back to the senders leaves by %s",
			 dev, link_name(x, def->oif, dev2, sizeof(dev2)));
		add(x, false, "rp-filter", n->name, obj, eff,
		    "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.%s.rp_filter=2 (loose)",
		    dev);
	}
}

/* IPv6 forwarding makes the kernel ignore router advertisements on every
 * interface with accept_ra=1: routes learned from them expire. */
static void check_ra(struct vn_doc *x, const struct vn_doc_net *dn)
{
	const struct vn_net *n = &dn->st->net;
	char obj[160], eff[256], dev[64], gw[NL_PREFIX_STRLEN], dst[NL_PREFIX_STRLEN];
	int seen[16] = {0};
	unsigned nseen = 0;

	if (!dn->running || !forwards(n) || !has_family(n, AF_INET6) ||
	    sysint("ipv6/conf/all/forwarding") != 1)
		return;
	for (unsigned i = 0; i < x->nroute; i++) {
		const struct nl_route *r = &x->route[i];
		bool dup = false;

		for (unsigned k = 0; k < nseen; k++)
			dup |= seen[k] == r->oif;
		if (r->family != AF_INET6 || r->protocol != RTPROT_RA || dup ||
		    sysint("ipv6/conf/%s/accept_ra", link_name(x, r->oif, dev, sizeof(dev))) != 1)
			continue;
		if (nseen < 16)
			seen[nseen++] = r->oif;
		snprintf(obj, sizeof(obj),
			 "interface %s: accept_ra=1, route %s%s%s learned from a router "
			 "advertisement",
			 dev,
			 r->dst.len ? nl_prefix_str(&r->dst, true, dst, sizeof(dst)) : "default",
			 r->gw.family ? " via " : "",
			 r->gw.family ? nl_prefix_str(&r->gw, false, gw, sizeof(gw)) : "");
		snprintf(eff, sizeof(eff),
			 "IPv6 forwarding, which the network needs, makes the kernel ignore %s's "
			 "router advertisements: the host's routes learned from them expire",
			 dev);
		add(x, false, "accept-ra", n->name, obj, eff,
		    "sysctl -w net.ipv6.conf.%s.accept_ra=2 (takes them while forwarding)", dev);
	}
}

static void check_mtu(struct vn_doc *x, const struct vn_doc_net *dn)
{
	const struct nl_link *br = dn->running ? vn_doc_link(x, dn->ifindex) : NULL;
	char obj[160], eff[256], p[64];

	for (unsigned i = 0; br && i < x->nlink; i++) {
		const struct nl_link *l = &x->link[i];

		if (l->master != br->ifindex || l->mtu == br->mtu)
			continue;
		ESC(l->name, p);
		snprintf(obj, sizeof(obj), "port %s of bridge %s: MTU %u, bridge MTU %u", p,
			 dn->st->net.bridge, l->mtu, br->mtu);
		if (l->mtu < br->mtu)
			snprintf(eff, sizeof(eff),
				 "frames of more than %u bytes to %s are dropped: large packets "
				 "between its guest and the others or the outside are lost",
				 l->mtu, p);
		else
			snprintf(eff, sizeof(eff),
				 "frames of more than %u bytes from %s are dropped at the bridge: "
				 "large packets from its guest are lost",
				 br->mtu, p);
		add(x, false, "mtu", dn->st->net.name, obj, eff, "ip link set dev %s mtu %u", p,
		    br->mtu);
	}
}

static void check_default(struct vn_doc *x, const struct vn_doc_net *dn)
{
	const struct vn_net *n = &dn->st->net;

	if (!dn->running || n->model != VN_NAT || !has_family(n, AF_INET) ||
	    vn_doc_default(x, AF_INET))
		return;
	add(x, false, "default-route", n->name, "IPv4 default route: none",
	    "its guests reach only the networks the host has routes to, not the internet",
	    "ip route add default via ROUTER (your LAN's router)");
}

/* ---- wildcard :53 and :67 ---- */

struct wild {
	const char *proto; /* "udp", "tcp" */
	bool v6;
	unsigned port;
	unsigned long inode;
};

static unsigned wild_sockets(struct wild *w, unsigned max)
{
	static const char *const files[] = {"/proc/net/udp", "/proc/net/udp6", "/proc/net/tcp",
					    "/proc/net/tcp6"};
	unsigned n = 0;

	for (unsigned i = 0; i < 4; i++) {
		FILE *f = fopen(files[i], "re");
		char line[512], addr[40];
		unsigned port, st;
		unsigned long inode;

		while (f && fgets(line, sizeof(line), f) && n < max) {
			bool tcp = i >= 2;

			if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*u %lu",
				   addr, &port, &st, &inode) != 4 ||
			    strspn(addr, "0") != strlen(addr) || (tcp && st != 0x0a) ||
			    (port != 53 && (tcp || port != 67)))
				continue;
			w[n].proto = tcp ? "tcp" : "udp";
			w[n].v6 = i % 2;
			w[n].port = port;
			w[n].inode = inode;
			n++;
		}
		if (f)
			fclose(f);
	}
	return n;
}

/* The process that holds socket inode (its pid and name), or 0. */
static int owner(unsigned long inode, char *comm, size_t n)
{
	char want[48], path[320], link[64];
	DIR *p = opendir("/proc"), *fd;
	struct dirent *d, *f;
	int pid = 0;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (p && !pid && (d = readdir(p))) {
		if (strspn(d->d_name, "0123456789") != strlen(d->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		for (fd = opendir(path); fd && !pid && (f = readdir(fd));) {
			ssize_t l;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", d->d_name, f->d_name);
			if ((l = readlink(path, link, sizeof(link) - 1)) > 0 &&
			    (link[l] = '\0', !strcmp(link, want)))
				pid = atoi(d->d_name);
		}
		if (fd)
			closedir(fd);
	}
	if (p)
		closedir(p);
	comm[0] = '\0';
	if (pid) {
		char raw[64] = "";
		FILE *c;

		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if ((c = fopen(path, "re"))) {
			if (fgets(raw, sizeof(raw), c))
				raw[strcspn(raw, "\n")] = '\0';
			fclose(c);
		}
		nl_escape(raw, comm, n);
	}
	return pid;
}

/* A network whose dnsmasq should run and does not, while a foreign
 * process holds a wildcard socket on its port: dnsmasq cannot bind. */
static void check_ports(struct vn_doc *x, const struct vn_doc_net *nets, unsigned count)
{
	struct wild w[16];
	unsigned nw = wild_sockets(w, 16);
	char obj[160], eff[256], comm[64], who[96];

	for (unsigned i = 0; i < nw; i++) {
		int pid = owner(w[i].inode, comm, sizeof(comm));
		bool ours = false;

		for (unsigned k = 0; k < count; k++)
			ours |= pid && nets[k].st->dnsmasq == pid;
		if (ours)
			continue;
		if (pid)
			snprintf(who, sizeof(who), "pid %d (%s)", pid, comm);
		else
			snprintf(who, sizeof(who), "the program that holds it");
		snprintf(obj, sizeof(obj), "%s %s:%u, %s", w[i].proto, w[i].v6 ? "[::]" : "*",
			 w[i].port, pid ? who : "owner not found");
		for (unsigned k = 0; k < count; k++) {
			const struct vn_net *n = &nets[k].st->net;

			if (!vn_net_has_dhcp(n) || nets[k].st->dnsmasq)
				continue;
			snprintf(eff, sizeof(eff),
				 "its dnsmasq does not run, and this socket on every address "
				 "keeps it from binding %s %u: its guests get no %s",
				 w[i].proto, w[i].port, w[i].port == 53 ? "DNS" : "DHCP addresses");
			add(x, false, "port-busy", n->name, obj, eff,
			    "stop %s or make it listen on its own addresses only, then vnet "
			    "restart-services %s",
			    who, n->name);
		}
	}
}

/* ---- notes ---- */

static void note_brnf(struct vn_doc *x, const struct vn_doc_net *dn)
{
	const struct vn_net *n = &dn->st->net;
	char obj[96], eff[512];

	for (unsigned v6 = 0; v6 < 2; v6++) {
		const char *t = v6 ? "ip6tables" : "iptables";

		if (!x->brnf[v6] ||
		    (!has_family(n, v6 ? AF_INET6 : AF_INET) && n->model != VN_BRIDGED))
			continue;
		snprintf(obj, sizeof(obj), "br_netfilter: net.bridge.bridge-nf-call-%s=1", t);
		snprintf(eff, sizeof(eff),
			 "%s traffic between guests of network %s, which bridge %s forwards "
			 "without routing, passes the forward hook of every %s table as if routed "
			 "(iif and oif both %s): a drop there cuts its guests off from each other "
			 "(a finding says so where one would)",
			 v6 ? "IPv6" : "IPv4", n->name, n->bridge,
			 v6 ? "ip6 and inet" : "ip and inet", n->bridge);
		add(x, true, "br-netfilter", n->name, obj, eff,
		    "sysctl -w net.bridge.bridge-nf-call-%s=0, where nothing relies on it (Docker "
		    "and Kubernetes do)",
		    t);
	}
}

static void notes_host(struct vn_doc *x, const struct vn_doctor_opts *o)
{
	struct vt_host h;
	struct stat st;
	char why[256], eff[384];

	vt_host(&h);
	if (!h.vhost_usable)
		add(x, true, "vhost-net", "", "/dev/vhost-net", h.vhost_reason,
		    h.vhost_present ? "" : "modprobe vhost_net");
	if (stat("/dev/kvm", &st) < 0)
		add(x, true, "kvm", "", "/dev/kvm",
		    "absent: vnet vm start runs guests under TCG (emulated, many times slower)",
		    "modprobe kvm_intel or kvm_amd (virtualization on in the firmware)");
	else if (o->kvm_usable && !o->kvm_usable(why, sizeof(why))) {
		snprintf(eff, sizeof(eff),
			 "%s: qemu cannot use it, so vnet vm start runs guests under TCG "
			 "(emulated, many times slower)",
			 why);
		vn_doc_add(x, true, "kvm", "", "/dev/kvm", eff, "");
	}
}

/* ---- the whole ---- */

static int load(struct vn_doc *x, const char *name, struct vn_doc_net **out, unsigned *count,
		struct nl_err *e)
{
	struct vn_store_entry *ent = NULL;
	unsigned n = 1;
	int err = name ? 0 : vn_store_list(x->c->conf_dir, &ent, &n, e);

	*count = 0;
	if (!err && !(*out = calloc(n ? n : 1, sizeof(**out))))
		err = nl_err_set(e, -ENOMEM, "read", "networks");
	for (unsigned i = 0; !err && i < n; i++) {
		struct vn_doc_net *dn = &(*out)[*count];

		if (ent && ent[i].err)
			continue;
		if (!(dn->st = malloc(sizeof(*dn->st)))) {
			err = nl_err_set(e, -ENOMEM, "read", "networks");
		} else if ((err = vn_show(x->c, name ? name : ent[i].net.name, dn->st, e))) {
			free(dn->st);
		} else {
			dn->running = dn->st->state != VN_STATE_DOWN;
			(*count)++;
		}
	}
	free(ent);
	return err;
}

static int survey(struct vn_doc *x, struct vn_doc_net *nets, unsigned count, struct nl_err *e)
{
	struct nl_sock *rt;
	int err = vn_rt(x->c, &rt, e);

	if (!err)
		err = nl_link_list(rt, 0, &x->link, &x->nlink, e);
	if (!err)
		err = nl_route_list(rt, AF_UNSPEC, &x->route, &x->nroute, e);
	for (unsigned i = 0; !err && i < count; i++)
		for (unsigned k = 0; nets[i].running && k < x->nlink; k++)
			if (!strcmp(x->link[k].name, nets[i].st->net.bridge))
				nets[i].ifindex = x->link[k].ifindex;
	x->brnf[0] = sysint("bridge/bridge-nf-call-iptables") == 1;
	x->brnf[1] = sysint("bridge/bridge-nf-call-ip6tables") == 1;
	return err ? err : vn_doc_read_rules(x, e);
}

static void clear(struct vn_doctor *d)
{
	free(d->finding);
	free(d->note);
	d->finding = d->note = NULL;
	d->nfindings = d->nnotes = 0;
}

int vn_doctor(struct vn_ctx *c, const struct vn_doctor_opts *o, struct vn_doctor *d,
	      struct nl_err *e)
{
	struct vn_doc x = {.c = c, .d = d};
	struct vn_doc_net *nets = NULL;
	unsigned count = 0;
	int err;

	memset(d, 0, sizeof(*d));
	err = load(&x, o->name, &nets, &count, e);
	if (!err)
		err = survey(&x, nets, count, e);
	if (!err && o->fix && !(err = vn_lock(c, e)) && !(err = vn_doc_fix(&x, nets, count, e)) &&
	    d->nfixed) {
		clear(d); /* what remains after the fix */
		err = vn_doc_read_rules(&x, e);
	}
	for (unsigned i = 0; !err && i < count; i++) {
		vn_doc_firewall(&x, &nets[i]);
		check_forwarding(&x, &nets[i]);
		check_rp(&x, &nets[i]);
		check_ra(&x, &nets[i]);
		check_mtu(&x, &nets[i]);
		check_default(&x, &nets[i]);
		note_brnf(&x, &nets[i]);
	}
	if (!err) {
		check_ports(&x, nets, count);
		vn_doc_fabric(&x, nets, count);
		notes_host(&x, o);
	}
	for (unsigned i = 0; i < count; i++)
		free(nets[i].st);
	free(nets);
	free(x.link);
	free(x.route);
	fw_ruleset_free(x.rs);
	return err;
}

void vn_doctor_free(struct vn_doctor *d)
{
	clear(d);
	free(d->fixed);
	d->fixed = NULL;
	d->nfixed = 0;
}
