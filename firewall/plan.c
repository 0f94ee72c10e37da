/* plan — the models as data: which rules each model puts in which of a
 * network's chains, and which elements it owns; see plan.h for the layout
 * and why. Adding a model or an option means adding rows here. */
#include "firewall/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CH_IN, CH_OUT, CH_NAT };

/* Each network chain, and the map whose elements jump to it. */
static const struct {
	const char *suffix;
	uint8_t map;
} chains[FW_NCHAINS] = {
	[CH_IN] = {"in", FW_MAP_TO_BRIDGE},
	[CH_OUT] = {"out", FW_MAP_FROM_BRIDGE},
	[CH_NAT] = {"nat", FW_MAP_NAT_V4},
};

#define M_ISO (1u << FW_ISOLATED)
#define M_RTD (1u << FW_ROUTED)
#define M_NAT (1u << FW_NAT)
#define M_ALL (M_ISO | M_RTD | M_NAT | (1u << FW_BRIDGED))

/* How often a row makes a rule: once; once if the network has an IPv4
 * subnet; once per subnet; once per IPv4 subnet. */
enum { ONCE, ONCE_V4, EACH, EACH_V4 };

/* What a term takes from the network: an address or a name, or (A_INTRA,
 * on an accept) whether guests of one network may reach each other: an
 * accept that isolate_ports turns into a drop. */
enum { A_NONE, A_BRIDGE, A_SUBNET, A_MCAST, A_BCAST, A_INTRA };

struct tterm {
	uint8_t kind, dir, arg;
	bool neq;
	uint8_t proto;
	uint16_t port, port_max;
	uint32_t states;
};

struct row {
	uint8_t models, chain, each, nterms;
	struct tterm t[FW_RULE_TERMS];
};

/* clang-format off */
#define ROW(m, c, e, ...)                                                                          \
	{m, c, e, sizeof((struct tterm[]){__VA_ARGS__}) / sizeof(struct tterm), {__VA_ARGS__}}
#define T(k)	    {.kind = FW_T_##k}
#define IIF_BRIDGE  {.kind = FW_T_IFNAME, .dir = FW_SRC, .arg = A_BRIDGE}
#define ADDR(d, a)  {.kind = FW_T_ADDR, .dir = d, .arg = a}
#define NADDR(d, a) {.kind = FW_T_ADDR, .dir = d, .arg = a, .neq = true}
#define CT_REPLY    {.kind = FW_T_CT_STATE, .states = FW_CT_ESTABLISHED | FW_CT_RELATED}
#define CT_DNAT     {.kind = FW_T_CT_DNAT}
#define L4(p)	    {.kind = FW_T_L4PROTO, .proto = p}
#define MASQ_HIGH   {.kind = FW_T_MASQ, .port = 1024, .port_max = 65535}
#define INTRA	    {.kind = FW_T_ACCEPT, .arg = A_INTRA}

static const struct row rows[] = {
	/* NET-in: guest to guest first (br_netfilter shows it with iif = oif =
	 * bridge), then what may enter, then reject. */
	ROW(M_ISO | M_RTD | M_NAT, CH_IN, ONCE, IIF_BRIDGE, INTRA),
	ROW(M_RTD, CH_IN, EACH, ADDR(FW_DST, A_SUBNET), T(RETURN)),
	ROW(M_NAT, CH_IN, EACH, ADDR(FW_DST, A_SUBNET), CT_REPLY, T(RETURN)),
	ROW(M_NAT, CH_IN, EACH, ADDR(FW_DST, A_SUBNET), CT_DNAT, T(RETURN)),
	ROW(M_ISO | M_RTD | M_NAT, CH_IN, ONCE, T(COUNTER), T(REJECT)),
	/* NET-out: what may leave (from the network's own addresses). */
	ROW(M_RTD | M_NAT, CH_OUT, EACH, ADDR(FW_SRC, A_SUBNET), T(RETURN)),
	ROW(M_ISO | M_RTD | M_NAT, CH_OUT, ONCE, T(COUNTER), T(REJECT)),
	/* NET-nat: hairpin, then libvirt's masquerade rules. */
	ROW(M_NAT, CH_NAT, EACH, ADDR(FW_DST, A_SUBNET), CT_DNAT, T(MASQ)),
	ROW(M_NAT, CH_NAT, ONCE_V4, ADDR(FW_DST, A_MCAST), T(RETURN)),
	ROW(M_NAT, CH_NAT, ONCE_V4, ADDR(FW_DST, A_BCAST), T(RETURN)),
	/* NAT66 too, as Incus does for its IPv6 */
	ROW(M_NAT, CH_NAT, EACH, L4(IPPROTO_TCP), NADDR(FW_DST, A_SUBNET), MASQ_HIGH),
	ROW(M_NAT, CH_NAT, EACH, L4(IPPROTO_UDP), NADDR(FW_DST, A_SUBNET), MASQ_HIGH),
	ROW(M_NAT, CH_NAT, EACH, NADDR(FW_DST, A_SUBNET), T(MASQ)),
};
/* clang-format on */

static const struct nl_prefix mcast = {.family = AF_INET, .len = 24, .a.b = {224, 0, 0, 0}};
static const struct nl_prefix bcast = {.family = AF_INET, .len = 32, .a.b = {255, 255, 255, 255}};

static void resolve(const struct tterm *tt, const struct fw_net *n, const struct nl_prefix *s,
		    struct fw_term *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = tt->arg == A_INTRA && n->isolate_ports ? FW_T_DROP : tt->kind;
	t->dir = tt->dir;
	t->neq = tt->neq;
	t->proto = tt->proto;
	t->port = tt->port;
	t->port_max = tt->port_max;
	t->states = tt->states;
	if (tt->arg == A_BRIDGE)
		snprintf(t->name, sizeof(t->name), "%s", n->bridge);
	else if (tt->arg == A_SUBNET)
		t->addr = *s;
	else if (tt->arg == A_MCAST)
		t->addr = mcast;
	else if (tt->arg == A_BCAST)
		t->addr = bcast;
}

static int emit(struct fw_plan *p, const struct fw_net *n, const struct row *rw,
		const struct nl_prefix *s, unsigned *pos)
{
	struct fw_rule *r;

	if (p->nrules >= FW_PLAN_RULES)
		return -ENOSPC;
	r = &p->rule[p->nrules++];
	memset(r, 0, sizeof(*r));
	r->chain = rw->chain; /* CH_*, until chains_and_elems() numbers the chains */
	r->pos = ++pos[rw->chain];
	r->nterms = rw->nterms;
	for (unsigned i = 0; i < rw->nterms; i++)
		resolve(&rw->t[i], n, s, &r->term[i]);
	return 0;
}

static unsigned count_v4(const struct fw_net *n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n->nsubnets; i++)
		k += n->subnet[i].family == AF_INET;
	return k;
}

/* Makes the rules of every row whose model is in models. */
static int expand(struct fw_plan *p, const struct fw_net *n, unsigned models)
{
	unsigned pos[FW_NCHAINS] = {0};
	int err = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && !err; i++) {
		const struct row *rw = &rows[i];

		if (!(rw->models & models))
			continue;
		if (rw->each == ONCE || (rw->each == ONCE_V4 && count_v4(n))) {
			err = emit(p, n, rw, NULL, pos);
			continue;
		}
		for (unsigned k = 0; k < n->nsubnets && !err; k++) {
			const struct nl_prefix *s = &n->subnet[k];

			if (rw->each == EACH || (rw->each == EACH_V4 && s->family == AF_INET))
				err = emit(p, n, rw, s, pos);
		}
	}
	return err;
}

/* A network chain exists when it has rules; each has its map elements.
 * The rules' chains turn from CH_* into places in p->chain. */
static void chains_and_elems(struct fw_plan *p, const struct fw_net *n)
{
	bool have[FW_NCHAINS] = {false};
	uint8_t place[FW_NCHAINS] = {0};

	for (unsigned i = 0; i < p->nrules; i++)
		have[p->rule[i].chain] = true;
	for (unsigned c = 0; c < FW_NCHAINS; c++) {
		char *name = p->chain[p->nchains];

		if (!have[c])
			continue;
		place[c] = (uint8_t)p->nchains++;
		snprintf(name, FW_NAMESIZ, "%s-%s", n->name, chains[c].suffix);
		for (unsigned k = 0; k < (c == CH_NAT ? n->nsubnets : 1); k++) {
			struct fw_elem *el = &p->elem[p->nelems];

			memset(el, 0, sizeof(*el));
			el->map = chains[c].map;
			if (c == CH_NAT && n->subnet[k].family == AF_INET6)
				el->map = FW_MAP_NAT_V6;
			if (c == CH_NAT)
				el->prefix = n->subnet[k];
			else
				snprintf(el->ifname, sizeof(el->ifname), "%s", n->bridge);
			memcpy(el->chain, name, sizeof(el->chain));
			p->nelems++;
		}
	}
	for (unsigned i = 0; i < p->nrules; i++)
		p->rule[i].chain = place[p->rule[i].chain];
}

static struct fw_elem *new_elem(struct fw_plan *p, uint8_t map, const char *ifname)
{
	struct fw_elem *el = &p->elem[p->nelems++];

	memset(el, 0, sizeof(*el));
	el->map = map;
	if (ifname)
		snprintf(el->ifname, sizeof(el->ifname), "%s", ifname);
	return el;
}

/* The sets' elements (a network with chains of its own is in bridges, and
 * in dhcp_bridges when the host serves DHCP there) and, unless all, one
 * element per forward. */
static void set_elems(struct fw_plan *p, const struct fw_net *n, bool all)
{
	if (!p->nchains)
		return;
	new_elem(p, FW_MAP_BRIDGES, n->bridge);
	if (all || n->dhcp)
		new_elem(p, FW_MAP_DHCP, n->bridge);
	for (unsigned i = 0; !all && i < n->nforwards; i++) {
		const struct fw_forward *f = &n->forward[i];
		bool v6 = f->guest.family == AF_INET6;
		struct fw_elem *el =
			new_elem(p,
				 f->address.family ? (v6 ? FW_MAP_FWD6_ADDR : FW_MAP_FWD_ADDR)
						   : (v6 ? FW_MAP_FWD6_ANY : FW_MAP_FWD_ANY),
				 NULL);

		el->prefix = f->address;
		el->proto = f->proto;
		el->port = f->port;
		el->to = f->guest;
		el->to_port = f->guest_port;
	}
}

static int check_name(const char *name, struct nl_err *e)
{
	size_t len = name ? strlen(name) : 0;
	char obj[64];

	snprintf(obj, sizeof(obj), "network name \"%.40s\"", name ? name : "");
	if (len == 0 || len >= NL_IFNAMSIZ)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be 1..%d bytes",
			       NL_IFNAMSIZ - 1);
	if (name[0] == '.' || name[0] == '-')
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must not start with '.' or '-'");
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
	    len)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "may hold only letters, digits, '_', '.' and '-'");
	return 0;
}

static int check_subnets(const struct fw_net *n, bool one_v4, struct nl_err *e)
{
	char buf[NL_PREFIX_STRLEN], obj[96];

	snprintf(obj, sizeof(obj), "network %s", n->name);
	if (n->nsubnets > FW_MAX_SUBNETS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "has %u subnets, at most %d",
			       n->nsubnets, FW_MAX_SUBNETS);
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct nl_prefix *s = &n->subnet[i];
		bool ok = (s->family == AF_INET || s->family == AF_INET6) && s->len > 0 &&
			  s->len <= nl_prefix_bits(s) && !nl_prefix_has_host_bits(s);

		if (ok)
			continue;
		snprintf(obj, sizeof(obj), "subnet %s of network %s",
			 s->family ? nl_prefix_str(s, true, buf, sizeof(buf)) : "(unset)", n->name);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "must be an IPv4 or IPv6 network (no host bits, length 1..%u)",
			       s->family == AF_INET6 ? 128 : 32);
	}
	snprintf(obj, sizeof(obj), "nat network %s", n->name);
	if (one_v4 && count_v4(n) > 1)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "takes one IPv4 subnet, as libvirt");
	return 0;
}

static bool in_subnet(const struct fw_net *n, const struct nl_prefix *a)
{
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].family == a->family && nl_prefix_contains(&n->subnet[i], a))
			return true;
	return false;
}

/* What is wrong with forward f of n, naming the value; NULL when nothing. */
static const char *forward_fault(const struct fw_net *n, const struct fw_forward *f, char *buf,
				 size_t len)
{
	char a[NL_PREFIX_STRLEN];

	if (n->model != FW_NAT)
		return "the network is not nat: port forwards go into NAT guests";
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		snprintf(buf, len, "protocol %u must be tcp or udp", f->proto);
	else if (!f->port || !f->guest_port)
		snprintf(buf, len, "port 0 must be 1..65535");
	else if (!in_subnet(n, &f->guest))
		snprintf(buf, len, "guest address %s is outside the network's subnets",
			 f->guest.family ? nl_prefix_str(&f->guest, false, a, sizeof(a))
					 : "(unset)");
	else if (f->address.family && f->address.family != f->guest.family)
		snprintf(buf, len, "address %s must be IPv%c, as the guest's",
			 nl_prefix_str(&f->address, false, a, sizeof(a)),
			 f->guest.family == AF_INET6 ? '6' : '4');
	else
		return NULL;
	return buf;
}

/* Two forwards that would be one key of the network's forward map (exact
 * protocol, port and address; netd's vn_forward_same_listener is wider:
 * there an unbound forward also overlaps every bound one). */
static bool same_map_key(const struct fw_forward *x, const struct fw_forward *y)
{
	return x->proto == y->proto && x->port == y->port && x->guest.family == y->guest.family &&
	       x->address.family == y->address.family &&
	       (!x->address.family ||
		!memcmp(x->address.a.b, y->address.a.b, x->address.family == AF_INET6 ? 16 : 4));
}

static int check_forwards(const struct fw_net *n, struct nl_err *e)
{
	char why[128], obj[64];
	const char *fault;

	snprintf(obj, sizeof(obj), "network %s", n->name);
	if (n->nforwards > FW_MAX_FORWARDS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "has %u forwards, at most %d",
			       n->nforwards, FW_MAX_FORWARDS);
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct fw_forward *f = &n->forward[i];

		snprintf(obj, sizeof(obj), "forward %s %u of network %s",
			 f->proto == IPPROTO_UDP ? "udp" : "tcp", f->port, n->name);
		if ((fault = forward_fault(n, f, why, sizeof(why))))
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", fault);
		for (unsigned k = 0; k < i; k++)
			if (same_map_key(&n->forward[k], f))
				return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "is there twice");
	}
	return 0;
}

static int check(const struct fw_net *n, bool all, struct nl_err *e)
{
	char obj[64];
	int err;

	if ((err = check_name(n->name, e)))
		return err;
	snprintf(obj, sizeof(obj), "network %s", n->name);
	if ((unsigned)n->model > FW_BRIDGED)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "unknown model %d", (int)n->model);
	if ((err = nl_ifname_check(n->bridge ? n->bridge : "", "bridge", e)))
		return nl_err_kind(e, NL_ERR_INVALID);
	if ((err = check_subnets(n, !all && n->model == FW_NAT, e)))
		return err;
	return all ? 0 : check_forwards(n, e);
}

static int build(const struct fw_net *n, bool all, struct fw_plan **out, struct nl_err *e)
{
	struct fw_plan *p = NULL;
	int err;

	*out = NULL;
	if ((err = check(n, all, e)))
		return err;
	if (!(p = calloc(1, sizeof(*p))))
		return nl_err_set(e, -ENOMEM, "plan", "network %s", n->name);
	snprintf(p->name, sizeof(p->name), "%s", n->name);
	snprintf(p->bridge, sizeof(p->bridge), "%s", n->bridge);
	p->model = n->model;
	p->nsubnets = n->nsubnets;
	memcpy(p->subnet, n->subnet, sizeof(p->subnet));
	if ((err = expand(p, n, all ? M_ALL : 1u << n->model))) {
		free(p);
		return nl_err_set(e, err, "plan", "network %s", n->name);
	}
	chains_and_elems(p, n);
	set_elems(p, n, all);
	if (all)
		p->nrules = 0;
	*out = p;
	return 0;
}

int fw_plan_build(const struct fw_net *n, struct fw_plan **out, struct nl_err *e)
{
	return build(n, false, out, e);
}

int fw_plan_build_all(const struct fw_net *n, struct fw_plan **out, struct nl_err *e)
{
	return build(n, true, out, e);
}

void fw_plan_free(struct fw_plan *p)
{
	free(p);
}

unsigned fw_plan_rule_count(const struct fw_plan *p)
{
	return p->nrules;
}

unsigned fw_plan_chain_rules(const struct fw_plan *p, unsigned c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nrules; i++)
		n += p->rule[i].chain == c;
	return n;
}
