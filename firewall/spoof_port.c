/* spoof_port — a port's elements in table bridge vnet: bound, an address
 * added or taken by a lease, unbound, listed with its drop counter, and
 * all of a network's removed with its chains; see spoof.h. Each call is
 * one read (the sets' elements and the counters: a dump each) and one
 * transaction. */
#include "firewall/spoof_internal.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "common/file.h"
#include "firewall/fw.h"

static struct sp_elem *elem(struct sp_elem *out, unsigned *n, unsigned max, uint8_t set,
			    const char *ifname)
{
	struct sp_elem *el;

	if (*n >= max)
		return NULL;
	el = &out[(*n)++];
	memset(el, 0, sizeof(*el));
	el->set = set;
	el->klen = (uint8_t)sp_sets[set].key_len;
	memcpy(el->key, ifname, strnlen(ifname, NL_IFNAMSIZ - 1));
	return el;
}

/* Element set of network net (an owner map's) for value v (len bytes),
 * naming port ifname. */
static struct sp_elem *owner(struct sp_elem *out, unsigned *n, unsigned max, uint8_t set,
			     const char *net, const char *ifname, const void *v, size_t len)
{
	struct sp_elem *el = elem(out, n, max, set, net);

	if (el) {
		memcpy(el->key + NL_IFNAMSIZ, v, len);
		snprintf(el->data, sizeof(el->data), "%s", ifname);
	}
	return el;
}

/* The elements of address a of a port of network net (mac: its MAC,
 * NULL when none). */
static unsigned addr_elems(const char *net, const char *ifname, const uint8_t *mac,
			   const struct nl_prefix *a, struct sp_elem *out, unsigned max)
{
	bool v6 = a->family == AF_INET6;
	struct sp_elem *el;
	unsigned n = 0;

	if ((el = elem(out, &n, max, v6 ? SP_IP6S : SP_IP4S, ifname)))
		memcpy(el->key + NL_IFNAMSIZ, a->a.b, v6 ? 16 : 4);
	owner(out, &n, max, v6 ? SP_IP6OWN : SP_IP4OWN, net, ifname, a->a.b, v6 ? 16 : 4);
	if (!v6 && mac && (el = elem(out, &n, max, SP_ARPS, ifname))) {
		memcpy(el->key + NL_IFNAMSIZ, a->a.b, 4);
		memcpy(el->key + NL_IFNAMSIZ + 4, mac, 6);
	}
	return n;
}

unsigned sp_port_elems(const char *net, const struct fw_spoof_port *p, struct sp_elem *out,
		       unsigned max)
{
	struct sp_elem *el;
	unsigned n = 0;

	if ((el = elem(out, &n, max, SP_PORTS, p->ifname)))
		sp_chain_name(net, p->has_mac ? SP_CH_SPOOF : SP_CH_NOMAC, el->data,
			      sizeof(el->data));
	if ((el = elem(out, &n, max, SP_DROPS, p->ifname)))
		snprintf(el->data, sizeof(el->data), "%s", p->ifname);
	if (!p->has_mac)
		return n;
	if ((el = elem(out, &n, max, SP_MACS, p->ifname)))
		memcpy(el->key + NL_IFNAMSIZ, p->mac, 6);
	owner(out, &n, max, SP_MACOWN, net, p->ifname, p->mac, 6);
	for (unsigned i = 0; i < p->naddrs && n < max; i++)
		n += addr_elems(net, p->ifname, p->mac, &p->addr[i], out + n, max - n);
	return n;
}

struct call {
	struct nl_batch *b;
	struct sp_read *rd;
};

/* Reads what `what` says (only keys, nkeys of them, and counter ctr when
 * keys is not NULL) and begins the transaction. */
static int call_keys(struct fw *fw, struct call *k, const char *net, unsigned what,
		     const struct sp_elem *keys, unsigned nkeys, const char *ctr, const char *obj,
		     struct nl_err *e)
{
	int err;

	k->b = nl_batch_new();
	k->rd = malloc(sizeof(*k->rd));
	if (!k->b || !k->rd) {
		free(k->rd);
		k->rd = NULL;
		return nl_err_set(e, -ENOMEM, "anti-spoofing", "%s", obj);
	}
	if ((err = sp_read_keys(fw, k->b, net, what, keys, nkeys, ctr, k->rd, e)))
		return err;
	nl_batch_reset(k->b);
	return sp_marker(k->b, NFNL_MSG_BATCH_BEGIN, e);
}

static int call_start(struct fw *fw, struct call *k, const char *net, unsigned what,
		      const char *obj, struct nl_err *e)
{
	return call_keys(fw, k, net, what, NULL, 0, NULL, obj, e);
}

static void call_end(struct call *k)
{
	if (k->rd)
		sp_read_free(k->rd);
	free(k->rd);
	nl_batch_free(k->b);
}

static void port_name(const struct sp_elem *el, char name[NL_IFNAMSIZ])
{
	memcpy(name, el->key, NL_IFNAMSIZ - 1);
	name[NL_IFNAMSIZ - 1] = '\0';
}

/* The port of network net other than ifname that holds value v (len
 * bytes) in owner map set; NULL when none. */
static const struct sp_elem *holder(const struct sp_read *rd, const char *net, const char *ifname,
				    uint8_t set, const void *v, size_t len)
{
	for (unsigned i = 0; i < rd->nel; i++) {
		const struct sp_elem *el = &rd->el[i];

		if (el->set == set && sp_key_is(el, net) && !sp_elem_of(el, ifname) &&
		    !memcmp(el->key + NL_IFNAMSIZ, v, len))
			return el;
	}
	return NULL;
}

/* A MAC or an address of p that another port of network net holds: a
 * conflict that names the holder (two ports of one MAC or address is the
 * spoofing the table is there to stop). */
static int held(const struct sp_read *rd, const char *net, const struct fw_spoof_port *p,
		char held_by[NL_IFNAMSIZ], struct nl_err *e)
{
	char obj[NL_PREFIX_STRLEN + 16], esc[48];
	const struct sp_elem *el = NULL;

	if (p->has_mac && (el = holder(rd, net, p->ifname, SP_MACOWN, p->mac, 6)))
		snprintf(obj, sizeof(obj), "MAC %02x:%02x:%02x:%02x:%02x:%02x", p->mac[0],
			 p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	for (unsigned i = 0; !el && i < p->naddrs; i++) {
		bool v6 = p->addr[i].family == AF_INET6;

		if ((el = holder(rd, net, p->ifname, v6 ? SP_IP6OWN : SP_IP4OWN, p->addr[i].a.b,
				 v6 ? 16 : 4)))
			nl_addr_obj("address", &p->addr[i], obj, sizeof(obj));
	}
	if (!el)
		return 0;
	if (held_by)
		snprintf(held_by, NL_IFNAMSIZ, "%.*s", NL_IFNAMSIZ - 1, el->data);
	return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
		       "is bound to port %s of network %s: not bound",
		       nl_escape(el->data, esc, sizeof(esc)), net);
}

/* keys gets the keys of want (n) and of had (nhad), each once */
static unsigned union_keys(const struct sp_elem *want, unsigned n, const struct sp_elem *had,
			   unsigned nhad, struct sp_elem *keys)
{
	unsigned nk = 0;

	for (unsigned i = 0; i < n + nhad; i++) {
		const struct sp_elem *x = i < n ? &want[i] : &had[i - n];
		bool dup = false;

		for (unsigned k = 0; k < nk && !dup; k++)
			dup = sp_same_key(&keys[k], x);
		if (!dup)
			keys[nk++] = *x;
	}
	return nk;
}

/* Requests of a read besides the keys: the table, the chains and their
 * rules, the sets, the counter, the end. */
#define READ_OTHERS (2 + 2 * SP_NCHAINS + SP_NSETS + 4)

int fw_spoof_bind(struct fw *fw, const char *net, const struct fw_spoof_port *p,
		  const char *old_net, const struct fw_spoof_port *old, char held_by[NL_IFNAMSIZ],
		  struct nl_err *e)
{
	struct sp_elem want[SP_PORT_ELEMS], had[SP_PORT_ELEMS], keys[2 * SP_PORT_ELEMS];
	unsigned n = sp_port_elems(net, p, want, SP_PORT_ELEMS),
		 nhad = old ? sp_port_elems(old_net, old, had, SP_PORT_ELEMS) : 0,
		 nk = union_keys(want, n, had, nhad, keys);
	bool by_key = nk + READ_OTHERS <= NL_BATCH_MAX;
	struct call k;
	/* what it had and the owners of its MAC and addresses, by key (a
	 * binding too large for one read: every element) */
	int err = call_keys(fw, &k, net, R_CHAINS | R_ELEMS | R_COUNTERS, by_key ? keys : NULL,
			    by_key ? nk : 0, by_key ? p->ifname : NULL, p->ifname, e);

	if (!err)
		err = held(k.rd, net, p, held_by, e);
	if (!err)
		err = sp_put_chains(k.b, k.rd, net, e);
	if (!err)
		err = sp_put_port_gone(k.b, k.rd, p->ifname, want, n, true, e);
	if (!err)
		err = sp_put_port(k.b, k.rd, p->ifname, want, n, e);
	if (!err)
		err = sp_send(fw, k.b, e);
	call_end(&k);
	return err;
}

int fw_spoof_unbind(struct fw *fw, const char *ifname, const char *old_net,
		    const struct fw_spoof_port *old, struct nl_err *e)
{
	struct sp_elem had[SP_PORT_ELEMS];
	unsigned nhad = old ? sp_port_elems(old_net, old, had, SP_PORT_ELEMS) : 0;
	struct call k;
	int err = call_keys(fw, &k, NULL, R_ELEMS | R_COUNTERS, old ? had : NULL, nhad,
			    old ? ifname : NULL, ifname, e);

	if (!err && k.rd->table && !(err = sp_put_port_gone(k.b, k.rd, ifname, NULL, 0, false, e)))
		err = sp_send(fw, k.b, e);
	call_end(&k);
	return err;
}

/* The read element of set of port ifname, NULL when there is none. */
static const struct sp_elem *find(const struct sp_read *rd, uint8_t set, const char *ifname)
{
	for (unsigned i = 0; i < rd->nel; i++)
		if (rd->el[i].set == set && sp_key_is(&rd->el[i], ifname))
			return &rd->el[i];
	return NULL;
}

/* Whether MAC mac is bound to a port other than ifname. */
static const struct sp_elem *mac_elsewhere(const struct sp_read *rd, const char *ifname,
					   const uint8_t mac[6])
{
	for (unsigned i = 0; i < rd->nel; i++)
		if (rd->el[i].set == SP_MACS && !sp_key_is(&rd->el[i], ifname) &&
		    !memcmp(rd->el[i].key + NL_IFNAMSIZ, mac, 6))
			return &rd->el[i];
	return NULL;
}

static int put_addr(struct call *k, const char *net, const char *ifname, const uint8_t mac[6],
		    const struct nl_prefix *a, unsigned na, bool add, struct nl_err *e)
{
	const struct sp_elem *port = find(k->rd, SP_PORTS, ifname),
			     *m = find(k->rd, SP_MACS, ifname), *other;
	struct fw_spoof_port p = {.has_mac = true};
	struct sp_elem want[SP_PORT_ELEMS];
	char obj[NL_IFNAMSIZ + 8];
	unsigned n;

	snprintf(obj, sizeof(obj), "port %s", ifname);
	if (!port || !sp_of_net(port, net))
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
			       "is not a port of network %s with anti-spoofing", net);
	if (m && memcmp(m->key + NL_IFNAMSIZ, mac, 6))
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj, "is bound to another MAC");
	if (add && !m && (other = mac_elsewhere(k->rd, ifname, mac)))
		return nl_fail(e, -EBUSY, NL_ERR_CONFLICT, obj,
			       "asks for a MAC that another port has: not bound");
	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	memcpy(p.mac, mac, 6);
	for (unsigned i = 0; i < na && p.naddrs < FW_SPOOF_ADDRS; i++)
		p.addr[p.naddrs++] = a[i];
	if (add) {
		int err = held(k->rd, net, &p, NULL, e);

		if (err)
			return err;
	}
	if (!add) {
		int err = 0;

		n = 0;
		for (unsigned i = 0; i < na; i++)
			n += addr_elems(net, ifname, mac, &a[i], want + n, SP_PORT_ELEMS - n);
		for (unsigned i = 0; i < k->rd->nel && !err; i++)
			for (unsigned w = 0; w < n && !err; w++)
				if (sp_same_key(&k->rd->el[i], &want[w]) &&
				    sp_elem_of(&k->rd->el[i], ifname))
					err = sp_put_elem(k->b, NFT_MSG_DELSETELEM, &k->rd->el[i],
							  e);
		return err;
	}
	n = sp_port_elems(net, &p, want, SP_PORT_ELEMS);
	/* a port without a MAC jumps to NET-nomac: to NET-spoof now */
	if (!m && strcmp(port->data, want[0].data)) {
		int err = sp_put_elem(k->b, NFT_MSG_DELSETELEM, port, e);

		if (err)
			return err;
	}
	return sp_put_port(k->b, k->rd, ifname, want, n, e);
}

int fw_spoof_addr(struct fw *fw, const char *net, const char *ifname, const uint8_t mac[6],
		  const struct nl_prefix *a, unsigned na, bool add, struct nl_err *e)
{
	struct call k;
	int err = call_start(fw, &k, net, R_ELEMS | R_COUNTERS, ifname, e);

	if (!err)
		err = put_addr(&k, net, ifname, mac, a, na, add, e);
	if (!err)
		err = sp_send(fw, k.b, e);
	call_end(&k);
	return err;
}

static bool kept(const char (*keep)[NL_IFNAMSIZ], unsigned nkeep, const char *name)
{
	for (unsigned i = 0; i < nkeep; i++)
		if (!strncmp(keep[i], name, NL_IFNAMSIZ))
			return true;
	return false;
}

/* Element el's address, when it is one of port x's. */
static void seen_addr(struct fw_spoof_seen *x, const struct sp_elem *el)
{
	struct nl_prefix *a = &x->addr[x->naddrs];
	bool v6 = el->set == SP_IP6S;

	if ((!v6 && el->set != SP_IP4S) || !sp_key_is(el, x->ifname) || x->naddrs >= FW_SPOOF_ADDRS)
		return;
	memset(a, 0, sizeof(*a));
	a->family = v6 ? AF_INET6 : AF_INET;
	a->len = v6 ? 128 : 32;
	memcpy(a->a.b, el->key + NL_IFNAMSIZ, v6 ? 16 : 4);
	x->naddrs++;
}

/* IPv4 first, then by address: a set's dump has no order of its own. */
static int addr_cmp(const void *x, const void *y)
{
	const struct nl_prefix *a = x, *b = y;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->a.b, b->a.b, a->family == AF_INET6 ? 16 : 4);
}

static int port_cmp(const void *x, const void *y)
{
	return strcmp(((const struct fw_spoof_seen *)x)->ifname,
		      ((const struct fw_spoof_seen *)y)->ifname);
}

static int list(const struct sp_read *rd, const char *net, const char (*keep)[NL_IFNAMSIZ],
		unsigned nkeep, struct fw_spoof_seen **out, unsigned *n, struct nl_err *e)
{
	unsigned nports = 0;
	struct fw_spoof_seen *s;

	for (unsigned i = 0; i < rd->nel; i++)
		nports += rd->el[i].set == SP_PORTS;
	*out = NULL;
	*n = 0;
	if (!(s = calloc(nports + 1, sizeof(*s))))
		return nl_err_set(e, -ENOMEM, "list", "anti-spoofing of %s", net);
	for (unsigned i = 0; i < rd->nel; i++) {
		struct fw_spoof_seen *x = &s[*n];
		const struct sp_elem *m;

		if (!sp_of_net(&rd->el[i], net))
			continue;
		port_name(&rd->el[i], x->ifname);
		if (keep && !kept(keep, nkeep, x->ifname))
			continue;
		if ((m = find(rd, SP_MACS, x->ifname))) {
			x->bound = true;
			memcpy(x->mac, m->key + NL_IFNAMSIZ, 6);
		}
		for (unsigned k = 0; k < rd->nel; k++)
			seen_addr(x, &rd->el[k]);
		qsort(x->addr, x->naddrs, sizeof(x->addr[0]), addr_cmp);
		for (unsigned k = 0; k < rd->nctr; k++)
			if (!strcmp(rd->ctr[k].name, x->ifname)) {
				x->packets = rd->ctr[k].packets;
				x->bytes = rd->ctr[k].bytes;
			}
		(*n)++;
	}
	qsort(s, *n, sizeof(*s), port_cmp); /* by name: a dump has no order */
	*out = s;
	return 0;
}

int fw_spoof_ports(struct fw *fw, const char *net, const char (*keep)[NL_IFNAMSIZ], unsigned nkeep,
		   struct fw_spoof_seen **out, unsigned *n, struct nl_err *e)
{
	char name[NL_IFNAMSIZ];
	struct call k;
	int err = call_start(fw, &k, net, R_ELEMS | R_COUNTERS, net, e);

	/* ports of net that vanished lose their elements (a batch's worth a
	 * call: what is left goes at the next) */
	for (unsigned i = 0; !err && keep && i < k.rd->nel && k.b->n < NL_BATCH_MAX - 16; i++) {
		if (!sp_of_net(&k.rd->el[i], net))
			continue;
		port_name(&k.rd->el[i], name);
		if (!kept(keep, nkeep, name))
			err = sp_put_port_gone(k.b, k.rd, name, NULL, 0, false, e);
	}
	if (!err && keep)
		err = sp_send(fw, k.b, e);
	if (!err)
		err = list(k.rd, net, keep, nkeep, out, n, e);
	call_end(&k);
	return err;
}
