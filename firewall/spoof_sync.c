/* spoof_sync — a network's ports' elements in table bridge vnet against
 * what their bindings want: compared (status) and brought to exactly that
 * (repair), every element keyed by a port's name in every set and map.
 * One dump of the sets: a status or a repair looks at every port of the
 * network anyway; binding one port reads only its own (spoof_port.c). */
#include "firewall/spoof_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "common/file.h"
#include "firewall/fw.h"

/* --- a network's chains and its ports' elements ------------------------ */

/* b emptied for a write after its read, its transaction begun. */
static int begin(struct nl_batch *b, struct nl_err *e)
{
	nl_batch_reset(b);
	return sp_marker(b, NFNL_MSG_BATCH_BEGIN, e);
}

/* What a call made for its read and write; returns err. */
static int done(struct nl_batch *b, struct sp_read *rd, int err)
{
	if (rd)
		sp_read_free(rd);
	free(rd);
	nl_batch_free(b);
	return err;
}

int fw_spoof_apply(struct fw *fw, const char *net, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct sp_read *rd = malloc(sizeof(*rd));
	int err = b && rd ? 0 : nl_err_set(e, -ENOMEM, "apply", "anti-spoofing of %s", net);

	if (!err)
		err = sp_read(fw, b, net, R_CHAINS, rd, e);
	if (!err)
		err = begin(b, e);
	if (!err)
		err = sp_put_chains(b, rd, net, e);
	if (!err)
		err = sp_send(fw, b, e);
	return done(b, rd, err);
}

int fw_spoof_check(struct fw *fw, const char *net, bool *whole, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct sp_read *rd = malloc(sizeof(*rd));
	int err = b && rd ? 0 : nl_err_set(e, -ENOMEM, "check", "anti-spoofing of %s", net);

	*whole = false;
	if (!err && !(err = sp_read(fw, b, net, R_CHAINS, rd, e))) {
		*whole = rd->table;
		for (unsigned c = 0; c < SP_NCHAINS; c++)
			*whole = *whole && rd->rules_ok[c];
		for (unsigned s = 0; s < SP_NSETS; s++)
			*whole = *whole && rd->set[s];
	}
	return done(b, rd, err);
}

static bool has_counter(const struct sp_read *rd, const char *name)
{
	for (unsigned i = 0; i < rd->nctr; i++)
		if (!strcmp(rd->ctr[i].name, name))
			return true;
	return false;
}

/* Deletes every element of port ifname but those in keep (nkeep), and its
 * counter unless keep_counter. */
int sp_put_port_gone(struct nl_batch *b, const struct sp_read *rd, const char *ifname,
		     const struct sp_elem *keep, unsigned nkeep, bool keep_counter,
		     struct nl_err *e)
{
	int err = 0;

	for (unsigned i = 0; i < rd->nel && !err; i++) {
		bool kept = false;

		if (!sp_elem_of(&rd->el[i], ifname) || (keep_counter && rd->el[i].set == SP_DROPS))
			continue;
		for (unsigned k = 0; k < nkeep && !kept; k++)
			kept = sp_same(&rd->el[i], &keep[k]);
		if (!kept)
			err = sp_put_elem(b, NFT_MSG_DELSETELEM, &rd->el[i], e);
	}
	if (!err && !keep_counter && has_counter(rd, ifname))
		err = sp_put_counter(b, NFT_MSG_DELOBJ, ifname, e);
	return err;
}

/* The port's elements: the missing ones of want added (its counter first). */
int sp_put_port(struct nl_batch *b, const struct sp_read *rd, const char *ifname,
		const struct sp_elem *want, unsigned nwant, struct nl_err *e)
{
	int err = 0;

	if (!has_counter(rd, ifname))
		err = sp_put_counter(b, NFT_MSG_NEWOBJ, ifname, e);
	for (unsigned k = 0; k < nwant && !err; k++) {
		bool there = false;

		/* an owner element another port holds stays its (a binding
		 * refuses that conflict before it gets here) */
		for (unsigned i = 0; i < rd->nel && !there; i++)
			there = sp_same(&rd->el[i], &want[k]) ||
				(sp_sets[want[k].set].data == SP_DATA_IFNAME &&
				 sp_same_key(&rd->el[i], &want[k]));
		if (!there)
			err = sp_put_elem(b, NFT_MSG_NEWSETELEM, &want[k], e);
	}
	return err;
}

/* --- compared and brought to what the bindings want -------------------- */

/* An element as status names it, without its port: "ip4s 10.9.9.9",
 * "arps 10.9.0.10 . 52:54:00:aa:00:01", "ports jump n1-spoof",
 * "ip4_owner 10.9.0.10" (its network's address that the port holds). */
static void elem_text(const struct sp_elem *el, char *buf, size_t n)
{
	static const uint8_t like[SP_NSETS] = {
		[SP_MACOWN] = SP_MACS, [SP_IP4OWN] = SP_IP4S, [SP_IP6OWN] = SP_IP6S};
	const uint8_t *v = el->key + NL_IFNAMSIZ, *m = el->set == SP_ARPS ? v + 4 : v;
	uint8_t kind = like[el->set] ? like[el->set] : el->set;
	const char *set = sp_sets[el->set].name;
	char a[INET6_ADDRSTRLEN], esc[48];

	switch (kind) {
	case SP_PORTS:
	case SP_DROPS:
		snprintf(buf, n, "%s %s %s", set, kind == SP_PORTS ? "jump" : "counter",
			 nl_escape(el->data, esc, sizeof(esc)));
		return;
	case SP_IP4S:
	case SP_IP6S:
		inet_ntop(kind == SP_IP4S ? AF_INET : AF_INET6, v, a, sizeof(a));
		snprintf(buf, n, "%s %s", set, a);
		return;
	case SP_ARPS:
		inet_ntop(AF_INET, v, a, sizeof(a));
		break;
	default:
		a[0] = '\0';
	}
	snprintf(buf, n, "%s %s%s%02x:%02x:%02x:%02x:%02x:%02x", set, a, a[0] ? " . " : "", m[0],
		 m[1], m[2], m[3], m[4], m[5]);
}

/* text, or its absence ("no ip4s 10.9.9.9"), cut to n */
static void say(char *buf, size_t n, bool no, const char *text)
{
	snprintf(buf, n, "%s%s", no ? "no " : "", text);
}

struct diffs {
	struct fw_spoof_diff *d;
	unsigned n, cap;
};

/* want and have as status says them: an element and its absence ("no
 * ip4s 10.9.9.9"), or two values of one key */
static int add_diff(struct diffs *ds, const char *ifname, const struct sp_elem *want,
		    const struct sp_elem *have)
{
	struct fw_spoof_diff *d;
	char text[56];

	if (ds->n == ds->cap) {
		unsigned cap = ds->cap ? 2 * ds->cap : 16;

		if (!(d = realloc(ds->d, cap * sizeof(*d))))
			return -ENOMEM;
		ds->d = d;
		ds->cap = cap;
	}
	d = &ds->d[ds->n++];
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	elem_text(want ? want : have, text, sizeof(text));
	say(d->want, sizeof(d->want), !want, text);
	if (have)
		elem_text(have, text, sizeof(text));
	say(d->have, sizeof(d->have), !have, text);
	return 0;
}

/* Port p's differences: elements of its name that it does not want (or
 * with other data), then wanted ones that are absent. */
static int diff_port(const struct sp_read *rd, const char *net, const struct fw_spoof_port *p,
		     struct diffs *ds)
{
	struct sp_elem want[SP_PORT_ELEMS];
	unsigned n = sp_port_elems(net, p, want, SP_PORT_ELEMS);
	int err = 0;

	for (unsigned i = 0; i < rd->nel && !err; i++) {
		const struct sp_elem *el = &rd->el[i], *w = NULL;
		bool wanted = false;

		if (!sp_elem_of(el, p->ifname))
			continue;
		for (unsigned k = 0; k < n && !wanted; k++) {
			wanted = sp_same(el, &want[k]);
			if (!w && sp_same_key(el, &want[k]))
				w = &want[k];
		}
		if (!wanted)
			err = add_diff(ds, p->ifname, w, el);
	}
	/* (an owner element another port holds is that port's) */
	for (unsigned k = 0; k < n && !err; k++) {
		bool there = false;

		for (unsigned i = 0; i < rd->nel && !there; i++)
			there = sp_same_key(&rd->el[i], &want[k]) &&
				(sp_elem_of(&rd->el[i], p->ifname) ||
				 sp_sets[want[k].set].data == SP_DATA_IFNAME);
		if (!there)
			err = add_diff(ds, p->ifname, &want[k], NULL);
	}
	return err;
}

int fw_spoof_diff(struct fw *fw, const char *net, const struct fw_spoof_port *want, unsigned n,
		  struct fw_spoof_diff **out, unsigned *nout, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct sp_read *rd = calloc(1, sizeof(*rd));
	struct diffs ds = {NULL, 0, 0};
	int err = b && rd ? 0 : -ENOMEM;

	*out = NULL;
	*nout = 0;
	if (!err && !(err = sp_read(fw, b, net, R_ELEMS, rd, e)))
		for (unsigned i = 0; i < n && !err; i++)
			err = diff_port(rd, net, &want[i], &ds);
	if (rd)
		sp_read_free(rd);
	if (err == -ENOMEM)
		nl_err_set(e, err, "check", "anti-spoofing elements of network %s", net);
	if (err)
		free(ds.d);
	else
		*out = ds.d, *nout = ds.n;
	free(rd);
	nl_batch_free(b);
	return err;
}

/* Room in b for one more message and the end marker. */
static bool roomy(const struct nl_batch *b)
{
	return b->n + 1 < b->max && b->len + 2 * NL_MSG_MAX <= b->size;
}

/* Port ifname's elements to exactly want's (nwant; 0 and no counter kept:
 * none), or (one) that element deleted, into b; what does not fit is
 * taken back, b sent, and put into the next transaction. */
static int put_sync(struct fw *fw, struct nl_batch *b, const struct sp_read *rd, const char *ifname,
		    const struct sp_elem *want, unsigned nwant, const struct sp_elem *one,
		    struct nl_err *e)
{
	for (unsigned tries = 0;; tries++) {
		unsigned mark = b->n;
		int err = one ? sp_put_elem(b, NFT_MSG_DELSETELEM, one, e)
			      : sp_put_port_gone(b, rd, ifname, want, nwant, nwant > 0, e);

		if (!err && nwant)
			err = sp_put_port(b, rd, ifname, want, nwant, e);
		if (!err && roomy(b))
			return 0;
		if ((err && err != -EMSGSIZE) || tries || mark <= 1)
			return err ? err : nl_err_set(e, -EMSGSIZE, "build", "port %s", ifname);
		nl_err_clear(e);
		nl_batch_rewind(b, mark);
		if ((err = sp_send(fw, b, e)))
			return err;
		if ((err = begin(b, e)))
			return err;
	}
}

static bool named(const struct fw_spoof_port *want, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strncmp(want[i].ifname, name, NL_IFNAMSIZ))
			return true;
	return false;
}

/* Whether network net's map ports has port name. */
static bool port_of_net(const struct sp_read *rd, const char *net, const char *name)
{
	for (unsigned i = 0; i < rd->nel; i++)
		if (sp_of_net(&rd->el[i], net) && sp_key_is(&rd->el[i], name))
			return true;
	return false;
}

/* Into b, after rd: the elements of network net's ports that want (n)
 * does not name (they vanished), owner elements of net left by a port
 * that is neither net's nor wanted, and each port of want brought to
 * exactly its elements. */
static int sync_ports(struct fw *fw, struct nl_batch *b, const struct sp_read *rd, const char *net,
		      const struct fw_spoof_port *want, unsigned n, struct nl_err *e)
{
	struct sp_elem el[SP_PORT_ELEMS];
	char name[NL_IFNAMSIZ];
	int err = 0;

	for (unsigned i = 0; !err && i < rd->nel; i++) {
		const struct sp_elem *x = &rd->el[i];

		if (sp_of_net(x, net)) {
			memcpy(name, x->key, NL_IFNAMSIZ - 1);
			name[NL_IFNAMSIZ - 1] = '\0';
			if (!named(want, n, name))
				err = put_sync(fw, b, rd, name, NULL, 0, NULL, e);
		} else if (sp_sets[x->set].data == SP_DATA_IFNAME && sp_key_is(x, net) &&
			   !named(want, n, x->data) && !port_of_net(rd, net, x->data)) {
			err = put_sync(fw, b, rd, x->data, NULL, 0, x, e);
		}
	}
	for (unsigned i = 0; !err && i < n; i++)
		err = put_sync(fw, b, rd, want[i].ifname, el,
			       sp_port_elems(net, &want[i], el, SP_PORT_ELEMS), NULL, e);
	return err;
}

int fw_spoof_sync(struct fw *fw, const char *net, const struct fw_spoof_port *want, unsigned n,
		  struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct sp_read *rd = calloc(1, sizeof(*rd));
	int err = b && rd ? 0 : nl_err_set(e, -ENOMEM, "repair", "anti-spoofing of %s", net);

	if (!err)
		err = sp_read(fw, b, net, R_ELEMS | R_COUNTERS, rd, e);
	if (!err)
		err = begin(b, e);
	if (!err)
		err = sync_ports(fw, b, rd, net, want, n, e);
	if (!err)
		err = sp_send(fw, b, e);
	return done(b, rd, err);
}

int fw_spoof_remove(struct fw *fw, const char *net, struct nl_err *e)
{
	struct nl_batch *b = nl_batch_new();
	struct sp_read *rd = calloc(1, sizeof(*rd));
	char name[SP_NAMESIZ];
	int err = b && rd ? 0 : nl_err_set(e, -ENOMEM, "remove", "anti-spoofing of %s", net);

	if (!err)
		err = sp_read(fw, b, net, R_CHAINS | R_ELEMS | R_COUNTERS, rd, e);
	if (err == -EEXIST)
		/* a table of that name that is not vnet's holds nothing of ours */
		nl_err_clear(e);
	if (!err && rd->table) {
		if (!(err = begin(b, e)))
			err = sync_ports(fw, b, rd, net, NULL, 0, e);
		/* the chains last: the ports' elements jumped to them */
		for (unsigned c = SP_CH_SPOOF; !err && c < SP_NCHAINS; c++) {
			if (!rd->chain[c])
				continue;
			sp_chain_name(net, (uint8_t)c, name, sizeof(name));
			err = sp_put_chain(b, NFT_MSG_DELCHAIN, name, false, e);
		}
		if (!err)
			err = sp_send(fw, b, e);
	}
	return done(b, rd, err == -EEXIST ? 0 : err);
}
