/* bind — anti-spoofing (`--anti-spoof`) from the engine's side: what a
 * guest port may send from, and who says so. firewall/spoof.h holds the
 * table and its rules; this module decides the bindings:
 *
 *   - `vnet port add NAME IF --mac MAC --ip ADDR...`, the hooks'
 *     VNET_MAC/VNET_IP and the launcher (which knows each NIC's MAC) bind
 *     a port as it joins: before it joins, so it never sends unfiltered;
 *   - a lease of the network's dnsmasq is bound by vnet-dhcp-script, which
 *     dnsmasq runs as root after the ACK (vn_lease_event): the port is the
 *     one the bridge's FDB learnt the lease's MAC on;
 *   - with a MAC, the port's IPv6 link-local address and, on each IPv6 /64
 *     of the network (SLAAC), its EUI-64 address are bound too: guests
 *     must form them from the MAC (net.ipv6.conf.*.addr_gen_mode=0, no
 *     temporary addresses: use_tempaddr=0); other IPv6 addresses need
 *     --dhcp6 or --ip;
 *   - a port with no MAC known sends only DHCP/DHCPv6 requests and router
 *     and neighbour solicitations until a lease binds one.
 *
 * Everything that reaches the table is checked here: an address must lie
 * in one of the network's subnets and be no gateway; what dnsmasq hands
 * over came from a guest. A binding replaces what the port had as its
 * record says, read by key (its cost does not grow with the bound ports);
 * ports that vanish lose their elements, and elements no record wants go,
 * when the network is applied (up, vnetd's repair). */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "common/file.h"
#include "firewall/fw.h"
#include "firewall/spoof.h"
#include "netd/internal.h"
#include "netd/store.h"
#include "nlink/fdb.h"

int vn_bind_add_addr(struct vn_bind *b, const char *text, struct nl_err *e)
{
	char obj[80], q[48];

	snprintf(obj, sizeof(obj), "address %s", nl_escape(text, q, sizeof(q)));
	if (b->naddrs >= VN_BIND_ADDRS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "one too many: at most %d",
			       VN_BIND_ADDRS);
	if (nl_prefix_parse(text, NL_PREFIX_NO_LEN, "address", &b->addr[b->naddrs], e))
		return nl_err_kind(e, NL_ERR_INVALID);
	b->naddrs++;
	return 0;
}

/* The address with interface id EUI-64 of mac in the upper 64 bits of p. */
static struct nl_prefix eui64(const struct nl_prefix *p, const unsigned char mac[6])
{
	struct nl_prefix a = *p;
	const uint8_t id[8] = {mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};

	a.len = 128;
	memcpy(a.a.b + 8, id, 8);
	return a;
}

/* Whether address a is one a guest of n may have: in a subnet, no
 * gateway (a conflict: *kind says so), no IPv4 network or broadcast
 * address. */
static const char *unfit(const struct vn_net *n, const struct nl_prefix *a, enum nl_err_kind *kind)
{
	*kind = NL_ERR_INVALID;
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];
		struct nl_prefix last = nl_prefix_last(&s->prefix);

		if (s->prefix.family != a->family || !nl_prefix_contains(&s->prefix, a))
			continue;
		if (!memcmp(s->gateway.a.b, a->a.b, a->family == AF_INET6 ? 16 : 4)) {
			*kind = NL_ERR_CONFLICT;
			return "is the network's gateway";
		}
		if (a->family == AF_INET && s->prefix.len < 31 &&
		    (!memcmp(s->prefix.a.b, a->a.b, 4) || !memcmp(last.a.b, a->a.b, 4)))
			return "is the subnet's network or broadcast address";
		return NULL;
	}
	return "is in none of the network's subnets";
}

/* b as the firewall takes it for port ifname of n (NULL: a network gone),
 * unchecked: with the link-local address of its MAC and, on n's IPv6
 * /64s, its SLAAC addresses. */
static void rec_port(const struct vn_net *n, const char *ifname, const struct vn_bind *b,
		     struct fw_spoof_port *p)
{
	static const struct nl_prefix ll = {.family = AF_INET6, .len = 64, .a.b = {0xfe, 0x80}};

	memset(p, 0, sizeof(*p));
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	if (!b || !b->has_mac)
		return;
	p->has_mac = true;
	memcpy(p->mac, b->mac, 6);
	for (unsigned i = 0; i < b->naddrs && p->naddrs < FW_SPOOF_ADDRS; i++)
		p->addr[p->naddrs++] = b->addr[i];
	if (p->naddrs < FW_SPOOF_ADDRS)
		p->addr[p->naddrs++] = eui64(&ll, b->mac);
	for (unsigned i = 0; n && i < n->nsubnets && p->naddrs < FW_SPOOF_ADDRS; i++)
		if (n->subnet[i].prefix.family == AF_INET6 && n->subnet[i].prefix.len == 64)
			p->addr[p->naddrs++] = eui64(&n->subnet[i].prefix, b->mac);
}

/* A port with the MAC of bridge br (the gateway's; NULL: unknown) would
 * be bound to the gateway's link-local address: conflict. */
static int not_the_gateways(const struct nl_link *br, const unsigned char mac[6], struct nl_err *e)
{
	char obj[32], m[18];

	if (!br || !br->has_mac || memcmp(br->mac, mac, 6))
		return 0;
	vn_mac_str(mac, m);
	snprintf(obj, sizeof(obj), "MAC %s", m);
	return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
		       "is bridge %s's, the network's gateway: not bound", br->name);
}

/* b as the firewall takes it for port ifname of n: checked (rec_port).
 * br, when known, is n's bridge: its MAC is the gateway's, which no port
 * may have (with it comes the gateway's link-local address). */
static int port_of(const struct vn_net *n, const struct nl_link *br, const char *ifname,
		   const struct vn_bind *b, struct fw_spoof_port *p, struct nl_err *e)
{
	char obj[NL_PREFIX_STRLEN + 16];
	enum nl_err_kind kind;
	const char *why;
	int err;

	rec_port(NULL, ifname, NULL, p);
	if (!b || !b->has_mac)
		return b && b->naddrs ? nl_fail(e, -EINVAL, NL_ERR_INVALID, "--ip",
						"needs the port's MAC (--mac)")
				      : 0;
	if (b->mac[0] & 1)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "MAC", "is a multicast address");
	if ((err = not_the_gateways(br, b->mac, e)))
		return err;
	for (unsigned i = 0; i < b->naddrs; i++)
		if ((why = unfit(n, &b->addr[i], &kind))) {
			nl_addr_obj("address", &b->addr[i], obj, sizeof(obj));
			return nl_fail(e, kind == NL_ERR_CONFLICT ? -EBUSY : -EINVAL, kind, obj,
				       "%s", why);
		}
	rec_port(n, ifname, b, p);
	return 0;
}

/* What runs of network name (its run record), else its definition. */
static int load_net(struct vn_ctx *c, const char *name, struct vn_net *n, struct nl_err *e)
{
	if (!vn_run_record_load(c, name, n, NULL))
		return 0;
	return vn_store_load(c->conf_dir, name, n, e);
}

/* A port's binding is also written down ($VNET_RUN_DIR/spoof/IFNAME:
 * its network, its MAC or "-", its addresses, a line each), so that a
 * repair puts it back when the table lost it. Read back only when owned
 * by root and written by no one else, and checked as the command line. */
static void rec_path(const struct vn_ctx *c, const char *ifname, char *buf, size_t n)
{
	snprintf(buf, n, "%s/spoof/%s", c->run_dir, ifname);
}

static void rec_save(struct vn_ctx *c, const char *net, const char *ifname, const struct vn_bind *b)
{
	char path[320], *text = NULL, m[18], a[NL_PREFIX_STRLEN];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/spoof", c->run_dir);
	if (nl_mkdirs(path, 0755, NULL) || !(f = open_memstream(&text, &len)))
		return;
	if (b && b->has_mac)
		vn_mac_str(b->mac, m);
	fprintf(f, "%s\n%s\n", net, b && b->has_mac ? m : "-");
	for (unsigned i = 0; b && i < b->naddrs; i++)
		fprintf(f, "%s\n", nl_prefix_str(&b->addr[i], false, a, sizeof(a)));
	if (!fclose(f)) {
		rec_path(c, ifname, path, sizeof(path));
		nl_file_write(path, 0644, text, len, NULL); /* best effort: repair's help */
	}
	free(text);
}

/* The binding written down for ifname, when it is network net's. */
static bool rec_load(struct vn_ctx *c, const char *net, const char *ifname, struct vn_bind *b)
{
	char path[320], *text = NULL, *save = NULL, *line;
	bool ok = false;
	size_t len;

	memset(b, 0, sizeof(*b));
	rec_path(c, ifname, path, sizeof(path));
	if (nl_file_read(path, 4096, NL_FILE_OWNED, &text, &len, NULL))
		return false;
	if ((line = strtok_r(text, "\n", &save)) && !strcmp(line, net) &&
	    (line = strtok_r(NULL, "\n", &save)) &&
	    (!strcmp(line, "-") || !vn_mac_parse(line, b->mac, NULL))) {
		b->has_mac = strcmp(line, "-") != 0;
		ok = true;
		while (ok && (line = strtok_r(NULL, "\n", &save)))
			ok = !vn_bind_add_addr(b, line, NULL);
	}
	free(text);
	return ok;
}

int vn_port_binding(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct vn_bind *b,
		    struct nl_err *e)
{
	char path[320], *text = NULL, obj[48];
	size_t len;

	net[0] = '\0';
	rec_path(c, ifname, path, sizeof(path));
	snprintf(obj, sizeof(obj), "port %s", ifname);
	if (nl_ifname_check(ifname, "port", e) ||
	    nl_file_read(path, 4096, NL_FILE_OWNED, &text, &len, NULL))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "has no anti-spoofing binding");
	/* the record's first line names the network; rec_load checks it all */
	snprintf(net, NL_IFNAMSIZ, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	if (vn_name_check(net, NULL) || !rec_load(c, net, ifname, b))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "has no anti-spoofing binding");
	return 0;
}

static void rec_drop(struct vn_ctx *c, const char *ifname)
{
	char path[320];

	rec_path(c, ifname, path, sizeof(path));
	nl_file_remove(path);
}

/* What port ifname had as its record says, in *net (its network), into
 * p: false when it has no record. n is net's definition when it is that
 * network (else loaded here; a network gone: without SLAAC addresses). */
static bool had(struct vn_ctx *c, const struct vn_net *n, const char *ifname, char net[NL_IFNAMSIZ],
		struct fw_spoof_port *p)
{
	struct vn_net *other = NULL;
	struct vn_bind b;

	if (vn_port_binding(c, ifname, net, &b, NULL))
		return false;
	if (!n || strcmp(n->name, net))
		if ((other = malloc(sizeof(*other))) && load_net(c, net, other, NULL)) {
			free(other);
			other = NULL;
		}
	rec_port(n && !strcmp(n->name, net) ? n : other, ifname, &b, p);
	free(other);
	return true;
}

int vn_spoof_bind(struct vn_ctx *c, const char *net, const struct nl_link *br, const char *ifname,
		  const struct vn_bind *b, struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	struct fw_spoof_port *p = malloc(2 * sizeof(*p));
	char old_net[NL_IFNAMSIZ];
	bool old = false;
	struct fw *fw;
	int err =
		n && p ? load_net(c, net, n, e) : nl_err_set(e, -ENOMEM, "bind", "port %s", ifname);

	if (!err)
		err = port_of(n, br, ifname, b, &p[0], e);
	/* what it had goes: its record says what that was */
	if (!err)
		old = had(c, n, ifname, old_net, &p[1]);
	if (!err)
		err = vn_fw(c, &fw, e);
	/* a holder whose interface is gone (a tap closed, vnetd not yet by)
	 * holds nothing: its binding goes, and this one is tried again */
	for (unsigned t = 0; !err; t++) {
		char by[NL_IFNAMSIZ] = "";
		struct nl_sock *rt;

		err = fw_spoof_bind(fw, net, &p[0], old ? old_net : NULL, old ? &p[1] : NULL, by,
				    e);
		if (err != -EBUSY || !by[0] || !strcmp(by, ifname) || t > VN_BIND_ADDRS ||
		    vn_rt(c, &rt, NULL) || nl_link_index(rt, by) != -ENODEV ||
		    vn_spoof_unbind(c, by, NULL))
			break;
		err = 0;
		nl_err_clear(e);
	}
	if (!err)
		rec_save(c, net, ifname, b);
	free(p);
	free(n);
	return err;
}

int vn_spoof_unbind(struct vn_ctx *c, const char *ifname, struct nl_err *e)
{
	struct fw_spoof_port *p = malloc(sizeof(*p));
	char old_net[NL_IFNAMSIZ];
	bool old = p && had(c, NULL, ifname, old_net, p);
	struct fw *fw;
	int err = vn_fw(c, &fw, e);

	if (!err && !(err = fw_spoof_unbind(fw, ifname, old ? old_net : NULL, old ? p : NULL, e)))
		rec_drop(c, ifname);
	free(p);
	return err;
}

/* What port ifname of network n wants as its record says (no record of
 * n's, or one n no longer takes: no MAC, nothing but asking for an
 * address); whether it has a record of n's. */
static bool want_of(struct vn_ctx *c, const struct vn_net *n, const char *ifname,
		    struct fw_spoof_port *p)
{
	struct vn_bind b;
	bool rec = rec_load(c, n->name, ifname, &b);

	if (!rec || port_of(n, NULL, ifname, &b, p, NULL))
		port_of(n, NULL, ifname, NULL, p, NULL);
	return rec;
}

struct port_list {
	char (*name)[NL_IFNAMSIZ];
	unsigned n, cap;
	bool tunnel; /* the network spans hosts: its VXLAN port is no guest's */
	bool nomem;
};

static int got_port(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct port_list *l = data;
	struct nl_link k;

	(void)idx;
	/* the tunnel carries other hosts' guests, each checked at its own
	 * host's port: bound here it would pass nothing but DHCP requests */
	if (nl_link_parse(nlh, &k) || (l->tunnel && !strcmp(k.kind, "vxlan")))
		return 0;
	if (l->n == l->cap) {
		unsigned cap = l->cap ? 2 * l->cap : 64;
		void *p = realloc(l->name, cap * NL_IFNAMSIZ);

		if (!p) {
			l->nomem = true;
			return -ENOMEM;
		}
		l->name = p;
		l->cap = cap;
	}
	snprintf(l->name[l->n++], NL_IFNAMSIZ, "%s", k.name);
	return 0;
}

int vn_spoof_step(struct vn_run *r, struct nl_err *e)
{
	struct port_list l = {NULL, 0, 0, r->n->vni != 0, false};
	struct fw_spoof_port *want = NULL;
	bool *rec = NULL;
	struct fw *fw;
	int err;

	if (!r->n->anti_spoof)
		/* a network made without it has nothing there */
		return r->fresh ? 0 : vn_spoof_remove(r->c, r->n, e);
	if ((err = vn_fw(r->c, &fw, e)) || (err = fw_spoof_apply(fw, r->n->name, e)))
		return err;
	nl_batch_reset(r->c->b);
	if (nl_link_dump_msg(r->c->b, r->br.ifindex))
		return nl_err_set(e, -ENOBUFS, "list", "ports of %s", r->n->bridge);
	if ((err = vn_send(r->c, NULL, got_port, &l, e)))
		goto out;
	if (!(want = malloc((l.n + 1) * sizeof(*want))) || !(rec = calloc(l.n + 1, sizeof(*rec)))) {
		err = nl_err_set(e, -ENOMEM, "anti-spoofing", "network %s", r->n->name);
		goto out;
	}
	/* each port as its record wants it; one without sends nothing but
	 * asks for an address, until a lease binds it */
	for (unsigned i = 0; i < l.n; i++)
		rec[i] = want_of(r->c, r->n, l.name[i], &want[i]);
	if ((err = fw_spoof_sync(fw, r->n->name, want, l.n, e)))
		goto out;
	for (unsigned i = 0; i < l.n; i++)
		if (!rec[i])
			rec_save(r->c, r->n->name, l.name[i], NULL);
	/* the records of its ports that vanished go with their elements (an
	 * interface of that name put on the bridge later gets no binding) */
	vn_spoof_forget_but(r->c, r->n->name, l.name, l.n);
out:
	free(rec);
	free(want);
	free(l.name);
	return err;
}

int vn_spoof_remove(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct fw *fw;
	int err = vn_fw(c, &fw, e);

	return err ? err : fw_spoof_remove(fw, n->name, e);
}

static bool kept(const char (*keep)[NL_IFNAMSIZ], unsigned nkeep, const char *name)
{
	for (unsigned k = 0; k < nkeep; k++)
		if (!strcmp(keep[k], name))
			return true;
	return false;
}

void vn_spoof_forget(struct vn_ctx *c, const char *net)
{
	vn_spoof_forget_but(c, net, NULL, 0);
}

void vn_spoof_forget_but(struct vn_ctx *c, const char *net, const char (*keep)[NL_IFNAMSIZ],
			 unsigned nkeep)
{
	char path[320];
	struct dirent *de;
	struct vn_bind b;
	DIR *d;

	snprintf(path, sizeof(path), "%s/spoof", c->run_dir);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strlen(de->d_name) < NL_IFNAMSIZ &&
		    !kept(keep, nkeep, de->d_name) && rec_load(c, net, de->d_name, &b))
			rec_drop(c, de->d_name);
	closedir(d);
}

/* The elements of the ports on the bridge that the table knows, against
 * what their records want. */
static int spoof_diff(struct vn_ctx *c, struct fw *fw, const struct vn_status *st,
		      struct fw_spoof_diff **diff, unsigned *ndiff, struct nl_err *e)
{
	struct fw_spoof_port *want = malloc((st->nspoof + 1) * sizeof(*want));
	unsigned n = 0;
	int err;

	if (!want)
		return nl_err_set(e, -ENOMEM, "check", "anti-spoofing of %s", st->net.name);
	for (unsigned i = 0; i < st->nspoof; i++)
		for (unsigned k = 0; k < st->ports.n; k++)
			if (!strcmp(st->ports.name[k], st->spoof[i].ifname)) {
				want_of(c, &st->net, st->spoof[i].ifname, &want[n++]);
				break;
			}
	err = fw_spoof_diff(fw, st->net.name, want, n, diff, ndiff, e);
	free(want);
	return err;
}

int vn_spoof_status(struct vn_ctx *c, struct vn_status *st, bool *whole,
		    struct fw_spoof_diff **diff, unsigned *ndiff, struct nl_err *e)
{
	struct fw_spoof_seen *seen = NULL;
	unsigned n = 0;
	struct fw *fw;
	int err = vn_fw(c, &fw, e);

	*diff = NULL;
	*ndiff = 0;
	if (!err)
		err = fw_spoof_check(fw, st->net.name, whole, e);
	if (!err)
		err = fw_spoof_ports(fw, st->net.name, NULL, 0, &seen, &n, e);
	for (unsigned i = 0; !err && i < n && st->nspoof < VN_MAX_PORTS; i++) {
		struct vn_spoof_port *p = &st->spoof[st->nspoof++];

		snprintf(p->ifname, sizeof(p->ifname), "%s", seen[i].ifname);
		p->bound = seen[i].bound;
		memcpy(p->mac, seen[i].mac, 6);
		p->naddrs = seen[i].naddrs < VN_SPOOF_ADDRS ? seen[i].naddrs : VN_SPOOF_ADDRS;
		memcpy(p->addr, seen[i].addr, p->naddrs * sizeof(p->addr[0]));
		p->packets = seen[i].packets;
		p->bytes = seen[i].bytes;
	}
	free(seen);
	if (!err)
		err = spoof_diff(c, fw, st, diff, ndiff, e);
	return err;
}

struct fdb_find {
	unsigned char mac[6];
	int ifindex;
};

static int got_fdb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct fdb_find *f = data;
	struct nl_fdb x;

	(void)idx;
	if (!nl_fdb_parse(nlh, &x) && !memcmp(x.mac, f->mac, 6) && !f->ifindex)
		f->ifindex = x.ifindex;
	return 0;
}

/* The port of bridge br that the FDB learnt mac on; "" when none. */
static int port_by_mac(struct vn_ctx *c, const struct nl_link *br, const unsigned char mac[6],
		       char port[NL_IFNAMSIZ], struct nl_err *e)
{
	struct fdb_find f = {.ifindex = 0};
	struct nl_link l;
	struct nl_sock *rt;
	int err;

	memcpy(f.mac, mac, 6);
	port[0] = '\0';
	nl_batch_reset(c->b);
	if (nl_fdb_dump_master_msg(c->b, br->ifindex))
		return nl_err_set(e, -ENOBUFS, "list", "FDB of %s", br->name);
	if ((err = vn_send(c, NULL, got_fdb, &f, e)) || !f.ifindex || f.ifindex == br->ifindex)
		return err;
	nl_batch_reset(c->b);
	if (nl_link_get_msg(c->b, f.ifindex, NULL))
		return nl_err_set(e, -ENOBUFS, "get", "link #%d", f.ifindex);
	memset(&l, 0, sizeof(l));
	if ((err = vn_rt(c, &rt, e)) || (err = vn_send(c, NULL, vn_got_link, &l, e)))
		return err;
	if (l.master == br->ifindex)
		snprintf(port, NL_IFNAMSIZ, "%s", l.name);
	return 0;
}

/* A lease bound or ended: the port's record follows. */
static void rec_lease(struct vn_ctx *c, const char *net, const char *port, const unsigned char m[6],
		      const struct nl_prefix *a, bool add)
{
	struct vn_bind b, keep = {.naddrs = 0};

	if (!rec_load(c, net, port, &b)) {
		memset(&b, 0, sizeof(b));
		if (!add)
			return;
	}
	if (!b.has_mac) {
		b.has_mac = true;
		memcpy(b.mac, m, 6);
	}
	keep = b;
	keep.naddrs = 0;
	for (unsigned i = 0; i < b.naddrs; i++)
		if (!nl_prefix_equal(&b.addr[i], a))
			keep.addr[keep.naddrs++] = b.addr[i];
	if (add && keep.naddrs < VN_BIND_ADDRS)
		keep.addr[keep.naddrs++] = *a;
	rec_save(c, net, port, &keep);
}

/* dnsmasq's arguments, from a guest: each checked before use. */
static int lease_args(const char *action, const char *mac, const char *addr, const char *bridge,
		      unsigned char m[6], struct nl_prefix *a, struct nl_err *e)
{
	char q[48];
	int err;

	if (!action || (strcmp(action, "add") && strcmp(action, "old") && strcmp(action, "del")))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "action",
			       "\"%s\" is none of add, old, del",
			       nl_escape(action ? action : "", q, sizeof(q)));
	if (!mac || !addr || !bridge)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "lease",
			       "needs a MAC, an address and DNSMASQ_INTERFACE");
	if ((err = vn_mac_parse(mac, m, e)) || (err = nl_ifname_check(bridge, "bridge", e)))
		return nl_err_kind(e, NL_ERR_INVALID);
	if (nl_prefix_parse(addr, NL_PREFIX_NO_LEN, "address", a, e))
		return nl_err_kind(e, NL_ERR_INVALID);
	return 0;
}

int vn_lease_event(struct vn_ctx *c, const char *action, const char *mac, const char *addr,
		   const char *bridge, struct nl_err *e)
{
	char net[NL_IFNAMSIZ], port[NL_IFNAMSIZ], obj[64];
	struct vn_bind p = {.naddrs = 0};
	struct fw_spoof_port fp;
	struct vn_net *n = NULL;
	unsigned char m[6];
	struct nl_prefix a;
	struct nl_link br;
	struct nl_sock *rt;
	enum nl_err_kind kind;
	struct fw *fw;
	const char *why;
	int err;

	if ((err = lease_args(action, mac, addr, bridge, m, &a, e)) || (err = vn_lock(c, e)) ||
	    (err = vn_rt(c, &rt, e)) || (err = nl_link_get(rt, bridge, &br, e)))
		return err;
	snprintf(obj, sizeof(obj), "bridge %s", bridge);
	if (!vn_link_network(&br, net))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "is not a vnet network's");
	if (!(n = malloc(sizeof(*n))))
		return nl_err_set(e, -ENOMEM, "bind", "lease %s", addr);
	if ((err = load_net(c, net, n, e)) || !n->anti_spoof)
		goto out;
	snprintf(obj, sizeof(obj), "lease %s of %s", addr, mac);
	if ((why = unfit(n, &a, &kind))) {
		err = nl_fail(e, kind == NL_ERR_CONFLICT ? -EBUSY : -EINVAL, kind, obj, "%s", why);
		goto out;
	}
	if ((err = not_the_gateways(&br, m, e)) || (err = port_by_mac(c, &br, m, port, e)))
		goto out;
	if (!port[0]) {
		/* gone (its elements go with it), or never seen */
		err = strcmp(action, "del")
			      ? nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
					"the bridge knows no port with that MAC: not bound")
			      : 0;
		goto out;
	}
	/* with the MAC come its link-local and SLAAC addresses (a port that
	 * had no MAC gets them now; one that had has them: nothing sent) */
	p.has_mac = true;
	memcpy(p.mac, m, 6);
	p.addr[p.naddrs++] = a;
	if (!strcmp(action, "del")) {
		if (!(err = vn_fw(c, &fw, e)))
			err = fw_spoof_addr(fw, net, port, m, &a, 1, false, e);
	} else if (!(err = port_of(n, &br, port, &p, &fp, e)) && !(err = vn_fw(c, &fw, e)))
		err = fw_spoof_addr(fw, net, port, m, fp.addr, fp.naddrs, true, e);
	if (!err)
		rec_lease(c, net, port, m, &a, strcmp(action, "del") != 0);
out:
	free(n);
	return err;
}

/* A build tree (meson-info/ beside this program's folder) runs its own
 * vnet-dhcp-script, when only root can write it; else the installed one. */
const char *vn_lease_script(char *buf, size_t n)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	snprintf(buf, n, "%s/vnet-dhcp-script", VNET_LIBEXECDIR);
	if (len <= 0)
		return buf;
	exe[len] = '\0';
	snprintf(path, sizeof(path), "%s/../meson-info", dirname(exe));
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return buf;
	snprintf(path, sizeof(path), "%s/../hooks/vnet-dhcp-script", exe);
	if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	    !(st.st_mode & (S_IWGRP | S_IWOTH)) && strlen(path) < n)
		snprintf(buf, n, "%s", path);
	return buf;
}
