/* print — one walk over a network, rendered as text, JSON or a table row;
 * see print.h. Every string that is not a literal is printed escaped
 * (cli.h: vc_esc for names and ports, vc_text for the problems the engine
 * wrote): they hold what the kernel and the files said. */
#include "cli/print.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "netd/options.h"

/* Where a value goes: show's text, JSON, and (COL) a cell of list's row. */
enum { TO_TEXT = 1, TO_JSON = 2, TO_ANY = TO_TEXT | TO_JSON };
enum col { COL_NONE, COL_NAME, COL_MODEL, COL_BRIDGE, COL_SUBNET, COL_STATE, COL_PORTS, NCOLS };
#define COL(c) ((unsigned)(c) << 2)

/* list's table: the header and width of each column */
static const struct {
	const char *head;
	int width;
} cols[NCOLS] = {
	[COL_NAME] = {"NAME", 15},     [COL_MODEL] = {"MODEL", 8},
	[COL_BRIDGE] = {"BRIDGE", 15}, [COL_SUBNET] = {"SUBNET/UPLINK", 18},
	[COL_STATE] = {"STATE", 8},    [COL_PORTS] = {"PORTS", 0},
};

#define DEPTH 4

struct vc_out {
	enum vc_mode mode;
	bool array, header;
	struct json_object *top;	  /* JSON: what vc_out_end prints */
	struct json_object *stack[DEPTH]; /* the objects and arrays being filled */
	unsigned depth;
	char cell[NCOLS][128]; /* the row being filled */
};

struct vc_out *vc_out_new(enum vc_mode mode, bool array)
{
	struct vc_out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->mode = mode;
	o->array = array;
	if (mode == VC_JSON && array)
		o->stack[o->depth++] = o->top = json_object_new_array();
	return o;
}

static void header(struct vc_out *o)
{
	if (o->mode != VC_ROW || o->header)
		return;
	o->header = true;
	for (unsigned c = COL_NAME; c < NCOLS; c++)
		printf(c + 1 < NCOLS ? "%-*s " : "%-*s\n", cols[c].width, cols[c].head);
}

void vc_out_end(struct vc_out *o)
{
	header(o);
	if (o->top)
		vc_put_json(o->top);
	free(o);
}

void vc_out_free(struct vc_out *o)
{
	json_object_put(o->top);
	free(o);
}

/* Puts v into the JSON being filled: under key in an object, at the end
 * of an array. */
static void put(struct vc_out *o, const char *key, struct json_object *v)
{
	struct json_object *in = o->depth ? o->stack[o->depth - 1] : NULL;

	if (!in)
		o->top = v;
	else if (json_object_is_type(in, json_type_array))
		json_object_array_add(in, v);
	else
		json_object_object_add(in, key, v);
}

/* text: pre and s; JSON: s under key; row: s in the column. text: s is
 * text the engine composed, quotes and all (vc_text), else a value
 * (vc_esc), which, when "", is not given: not shown, null in JSON. */
static void pr(struct vc_out *o, unsigned to, const char *key, const char *pre, const char *s,
	       bool text)
{
	bool none = !text && !s[0];

	if (o->mode == VC_SHOW && (to & TO_TEXT) && !none)
		printf("%s%s", pre, text ? vc_text(s) : vc_esc(s));
	else if (o->mode == VC_JSON && (to & TO_JSON))
		put(o, key, none ? NULL : text ? vc_jtext(s) : vc_jstr(s));
	else if (o->mode == VC_ROW && to >> 2)
		snprintf(o->cell[to >> 2], sizeof(o->cell[0]), "%s", vc_esc(s));
}

static void pr_str(struct vc_out *o, unsigned to, const char *key, const char *pre, const char *s)
{
	pr(o, to, key, pre, s, false);
}

static void pr_prefix(struct vc_out *o, unsigned to, const char *key, const char *pre,
		      const struct nl_prefix *p, bool len)
{
	char buf[NL_PREFIX_STRLEN];

	pr(o, to, key, pre, nl_prefix_str(p, len, buf, sizeof(buf)), false);
}

static void pr_uint(struct vc_out *o, unsigned to, const char *key, const char *pre, unsigned v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	if (o->mode == VC_JSON && (to & TO_JSON))
		put(o, key, json_object_new_int64(v));
	else
		pr(o, to, key, pre, buf, false);
}

static void pr_u64(struct vc_out *o, unsigned to, const char *key, const char *pre,
		   unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	if (o->mode == VC_JSON && (to & TO_JSON))
		put(o, key, json_object_new_int64((int64_t)v));
	else
		pr(o, to, key, pre, buf, false);
}

/* text: pre when v; JSON: true or false */
static void pr_bool(struct vc_out *o, unsigned to, const char *key, const char *pre, bool v)
{
	if (o->mode == VC_JSON && (to & TO_JSON))
		put(o, key, json_object_new_boolean(v));
	else if (o->mode == VC_SHOW && (to & TO_TEXT) && v)
		fputs(pre, stdout);
}

static void pr_null(struct vc_out *o, const char *key)
{
	if (o->mode == VC_JSON)
		put(o, key, NULL);
}

/* Literal text of show's. */
static void text(struct vc_out *o, const char *s)
{
	if (o->mode == VC_SHOW)
		fputs(s, stdout);
}

/* A JSON object ('{') or array ('['), under key; closed by pr_close. */
static void pr_open(struct vc_out *o, const char *key, char kind)
{
	struct json_object *v;

	if (o->mode != VC_JSON || o->depth == DEPTH)
		return;
	v = kind == '[' ? json_object_new_array() : json_object_new_object();
	put(o, key, v);
	o->stack[o->depth++] = v;
}

static void pr_close(struct vc_out *o)
{
	if (o->mode == VC_JSON && o->depth)
		o->depth--;
}

static const char *const unchecked_names[] = {"rules", "dnsmasq"};
#define NUNCHECKED (sizeof(unchecked_names) / sizeof(unchecked_names[0]))

const char *vc_unchecked_str(unsigned bits, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < NUNCHECKED; i++)
		if ((bits & 1u << i) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      unchecked_names[i]);
	return buf;
}

/* The first line, and what is not as the definition wants. */
static void walk_state(struct vc_out *o, const struct vn_status *st)
{
	const struct vn_net *n = &st->net;
	unsigned shown = 0;

	pr_str(o, TO_ANY | COL(COL_NAME), "name", "", n->name);
	pr_str(o, TO_ANY | COL(COL_MODEL), "model", "  ", vn_model_name(n->model));
	pr_str(o, TO_ANY | COL(COL_STATE), "state", "  ", vn_state_name(st->state));
	text(o, "\n");
	if (st->state == VN_STATE_DEGRADED)
		pr(o, TO_JSON, "reason", "", st->why, true);
	pr_open(o, "problems", '[');
	for (unsigned i = 0; i < st->nproblems; i++) {
		pr_open(o, NULL, '{');
		pr(o, TO_ANY, "object", "  problem  ", st->problem[i].object, true);
		pr(o, TO_ANY, "want", ": want ", st->problem[i].want, true);
		pr(o, TO_ANY, "have", ", have ", st->problem[i].have, true);
		text(o, "\n");
		pr_close(o);
	}
	pr_close(o);
	/* what was not compared for want of root */
	pr_open(o, "unchecked", '[');
	for (unsigned i = 0; i < NUNCHECKED; i++)
		if (st->unchecked & 1u << i)
			pr_str(o, TO_ANY, NULL, shown++ ? ", " : "  unchecked ",
			       unchecked_names[i]);
	pr_close(o);
	if (shown)
		text(o, ": only root can read them\n");
}

/* The options, from the engine's table: JSON keys are their names with
 * '_' for '-'; text, those with a place on the bridge's line. */
static void walk_options(struct vc_out *o, const struct vn_net *n)
{
	for (unsigned i = 0; i < vn_noptions; i++) {
		const struct vn_opt *x = &vn_options[i];
		unsigned to = x->show ? TO_ANY : TO_JSON;
		char key[32], v[VN_DOMAIN_MAX];

		if (x->kind == VN_OPT_SUBNET)
			continue;
		snprintf(key, sizeof(key), "%s", x->name);
		for (char *c = key; (c = strchr(c, '-')); c++)
			*c = '_';
		vn_opt_text(x, n, v, sizeof(v));
		if (x->kind == VN_OPT_FLAG)
			pr_bool(o, to, key, x->show, vn_opt_set(x, n));
		else if (!vn_opt_set(x, n))
			pr_null(o, key);
		else if (x->kind == VN_OPT_MTU)
			pr_uint(o, to, key, x->show, (unsigned)strtoul(v, NULL, 10));
		else
			pr_str(o, to, key, x->show, v);
	}
	text(o, "\n");
	pr_str(o, COL(COL_BRIDGE), NULL, NULL, n->bridge);
}

/* The subnet of family fam, or NULL. */
static const struct vn_subnet *subnet_of(const struct vn_net *n, int fam)
{
	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].prefix.family == fam)
			return &n->subnet[i];
	return NULL;
}

/* JSON: "gateway" and "dhcp" ({start, end} or null) of the IPv4 subnet,
 * "gateway6" and "dhcp6" (the same, or "slaac") of the IPv6 one. */
static void json_subnet(struct vc_out *o, const struct vn_subnet *s, bool v6)
{
	if (s)
		pr_prefix(o, TO_JSON, v6 ? "gateway6" : "gateway", "", &s->gateway, false);
	else
		pr_null(o, v6 ? "gateway6" : "gateway");
	if (!s || !s->dhcp) {
		pr_null(o, v6 ? "dhcp6" : "dhcp");
	} else if (s->slaac) {
		pr_str(o, TO_JSON, "dhcp6", "", "slaac");
	} else {
		pr_open(o, v6 ? "dhcp6" : "dhcp", '{');
		pr_prefix(o, TO_JSON, "start", "", &s->dhcp_start, false);
		pr_prefix(o, TO_JSON, "end", "", &s->dhcp_end, false);
		pr_close(o);
	}
}

static void walk_subnets(struct vc_out *o, const struct vn_net *n)
{
	pr_open(o, "subnets", '[');
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		pr_prefix(o, TO_ANY | COL(i ? COL_NONE : COL_SUBNET), NULL, "  subnet   ",
			  &s->prefix, true);
		pr_prefix(o, TO_TEXT, NULL, "  gateway ", &s->gateway, false);
		if (s->dhcp && s->slaac) {
			text(o, "  dhcp slaac");
		} else if (s->dhcp) {
			pr_prefix(o, TO_TEXT, NULL, "  dhcp ", &s->dhcp_start, false);
			pr_prefix(o, TO_TEXT, NULL, "-", &s->dhcp_end, false);
		}
		text(o, s->dhcp ? "\n" : "  dhcp off\n");
	}
	pr_close(o);
	if (!n->nsubnets)
		pr_str(o, COL(COL_SUBNET), NULL, NULL, n->uplink[0] ? n->uplink : "-");
	json_subnet(o, subnet_of(n, AF_INET), false);
	json_subnet(o, subnet_of(n, AF_INET6), true);
}

static void walk_hosts(struct vc_out *o, const struct vn_net *n)
{
	pr_open(o, "hosts", '[');
	for (unsigned i = 0; i < n->nhosts; i++) {
		char m[18];

		vn_mac_str(n->host[i].mac, m);
		pr_open(o, NULL, '{');
		pr_str(o, TO_ANY, "mac", "  host     ", m);
		if (n->host[i].ip.family)
			pr_prefix(o, TO_ANY, "ip", "  ", &n->host[i].ip, false);
		else
			pr_null(o, "ip");
		if (n->host[i].ip6.family)
			pr_prefix(o, TO_ANY, "ip6", "  ", &n->host[i].ip6, false);
		pr_str(o, TO_ANY, "hostname", "  ", n->host[i].name);
		text(o, "\n");
		pr_close(o);
	}
	pr_close(o);
}

/* "  forward  tcp [ADDRESS:]PORT -> GUEST:PORT" (IPv6 in brackets); JSON
 * keeps the address last */
static void walk_forwards(struct vc_out *o, const struct vn_net *n)
{
	pr_open(o, "forwards", '[');
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *f = &n->forward[i];
		bool addr = f->address.family != 0, v6 = f->address.family == AF_INET6;

		pr_open(o, NULL, '{');
		pr_str(o, TO_ANY, "proto", "  forward  ", vn_proto_name(f->proto));

		if (addr)
			pr_prefix(o, TO_TEXT, NULL, v6 ? " [" : " ", &f->address, false);
		pr_uint(o, TO_ANY, "port", !addr ? " " : v6 ? "]:" : ":", f->port);
		pr_prefix(o, TO_ANY, "guest", f->guest.family == AF_INET6 ? " -> [" : " -> ",
			  &f->guest, false);
		pr_uint(o, TO_ANY, "guest_port", f->guest.family == AF_INET6 ? "]:" : ":",
			f->guest_port);
		if (addr)
			pr_prefix(o, TO_JSON, "address", "", &f->address, false);
		else
			pr_null(o, "address");
		text(o, "\n");
		pr_close(o);
	}
	pr_close(o);
}

static void walk_services(struct vc_out *o, const struct vn_status *st)
{
	if (st->dnsmasq) {
		pr_uint(o, TO_ANY, "dnsmasq_pid", "  dnsmasq  pid ", (unsigned)st->dnsmasq);
		pr_str(o, TO_TEXT, NULL, ", domain ", st->net.domain);
		text(o, "\n");
	} else {
		pr_null(o, "dnsmasq_pid");
	}
	text(o, "  ports   ");
	pr_open(o, "ports", '[');
	for (unsigned i = 0; i < st->ports.n; i++)
		pr_str(o, TO_ANY, NULL, " ", st->ports.name[i]);
	pr_close(o);
	text(o, st->ports.n ? "\n" : " -\n");
	pr_uint(o, COL(COL_PORTS), NULL, NULL, st->ports.n);
}

/* A network that spans hosts: its mode, VXLAN port, remote tunnel ends
 * and the MACs behind them. */
static void walk_span(struct vc_out *o, const struct vn_status *st)
{
	const struct vn_span *sp = &st->span;

	if (!sp->vni)
		return;
	pr_open(o, "span", '{');
	pr_str(o, TO_ANY, "mode", "  span     ", sp->mode[0] ? sp->mode : "none");
	pr_str(o, TO_ANY, "port", ", port ", sp->port);
	pr_uint(o, TO_ANY, "remote_macs", ", remote MACs ", sp->remote_macs);
	text(o, ", remote VTEPs");
	pr_open(o, "remote_vteps", '[');
	for (unsigned i = 0; i < sp->nremotes; i++)
		pr_prefix(o, TO_ANY, NULL, " ", &sp->remote[i], false);
	pr_close(o);
	text(o, sp->nremotes ? "\n" : " -\n");
	pr_close(o);
}

/* --anti-spoof: what each port sent that was dropped */
static void walk_spoof(struct vc_out *o, const struct vn_status *st)
{
	char mac[18];

	if (!st->net.anti_spoof)
		return;
	text(o, "  anti-spoof");
	pr_open(o, "anti_spoof_ports", '[');
	for (unsigned i = 0; i < st->nspoof; i++) {
		const struct vn_spoof_port *p = &st->spoof[i];

		pr_open(o, NULL, '{');
		pr_str(o, TO_ANY, "port", "\n    ", p->ifname);
		pr_bool(o, TO_JSON, "bound", "", p->bound);
		vn_mac_str(p->mac, mac);
		if (p->bound)
			pr_str(o, TO_ANY, "mac", ": MAC ", mac);
		else
			pr_null(o, "mac");
		text(o, p->bound ? ", addresses" : ": no MAC yet, addresses");
		pr_open(o, "addresses", '[');
		for (unsigned k = 0; k < p->naddrs; k++)
			pr_prefix(o, TO_ANY, NULL, " ", &p->addr[k], false);
		pr_close(o);
		text(o, p->naddrs ? "" : " -");
		pr_u64(o, TO_ANY, "dropped_packets", ", dropped ", p->packets);
		pr_u64(o, TO_ANY, "dropped_bytes", " packets ", p->bytes);
		text(o, " bytes");
		pr_close(o);
	}
	pr_close(o);
	text(o, st->nspoof ? "\n" : " -\n");
}

static void row(struct vc_out *o)
{
	header(o);
	for (unsigned c = COL_NAME; c < NCOLS; c++)
		printf(c + 1 < NCOLS ? "%-*s " : "%-*s\n", cols[c].width, o->cell[c]);
	memset(o->cell, 0, sizeof(o->cell));
}

void vc_out_network(struct vc_out *o, const struct vn_status *st)
{
	pr_open(o, NULL, '{');
	walk_state(o, st);
	walk_options(o, &st->net);
	walk_subnets(o, &st->net);
	walk_hosts(o, &st->net);
	walk_forwards(o, &st->net);
	walk_span(o, st);
	walk_services(o, st);
	walk_spoof(o, st);
	pr_close(o);
	if (o->mode == VC_ROW)
		row(o);
}
