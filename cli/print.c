/* print — JSON and plain output of networks; see print.h. Every string
 * that is not a literal is printed escaped (cli.h: vc_esc for names and
 * ports, vc_text for the problems the engine wrote): they hold what the
 * kernel and the files said. */
#include "cli/print.h"

#include <json-c/json.h>
#include <string.h>

#include "cli/cli.h"

static struct json_object *jstr_or_null(const char *s)
{
	return s && s[0] ? vc_jstr(s) : NULL;
}

static struct json_object *jprefix(const struct nl_prefix *p, bool len)
{
	char buf[NL_PREFIX_STRLEN];

	return json_object_new_string(nl_prefix_str(p, len, buf, sizeof(buf)));
}

static struct json_object *jdhcp(const struct vn_net *n)
{
	struct json_object *o;

	if (!n->nsubnets || !n->subnet[0].dhcp)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "start", jprefix(&n->subnet[0].dhcp_start, false));
	json_object_object_add(o, "end", jprefix(&n->subnet[0].dhcp_end, false));
	return o;
}

static struct json_object *jhosts(const struct vn_net *n)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < n->nhosts; i++) {
		struct json_object *o = json_object_new_object();
		char m[18];

		vn_mac_str(n->host[i].mac, m);
		json_object_object_add(o, "mac", json_object_new_string(m));
		json_object_object_add(o, "ip", jprefix(&n->host[i].ip, false));
		json_object_object_add(o, "hostname", jstr_or_null(n->host[i].name));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *jforwards(const struct vn_net *n)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *f = &n->forward[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "proto", json_object_new_string(vn_proto_name(f->proto)));
		json_object_object_add(o, "port", json_object_new_int(f->port));
		json_object_object_add(o, "guest", jprefix(&f->guest, false));
		json_object_object_add(o, "guest_port", json_object_new_int(f->guest_port));
		json_object_object_add(o, "address", f->address.family ? jprefix(&f->address, false)
								 : NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *const unchecked_names[] = {"rules", "dnsmasq"};

const char *vc_unchecked_str(unsigned bits, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(unchecked_names) / sizeof(unchecked_names[0]); i++)
		if ((bits & 1u << i) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      unchecked_names[i]);
	return buf;
}

/* What was not compared for want of root: ["rules", "dnsmasq"]. */
static struct json_object *junchecked(unsigned bits)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < sizeof(unchecked_names) / sizeof(unchecked_names[0]); i++)
		if (bits & 1u << i)
			json_object_array_add(arr, json_object_new_string(unchecked_names[i]));
	return arr;
}

/* What is not as the definition wants: [{object, want, have}]. */
static struct json_object *jproblems(const struct vn_status *st)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < st->nproblems; i++) {
		const struct vn_problem *p = &st->problem[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "object", vc_jtext(p->object));
		json_object_object_add(o, "want", vc_jtext(p->want));
		json_object_object_add(o, "have", vc_jtext(p->have));
		json_object_array_add(arr, o);
	}
	return arr;
}

struct json_object *vc_status_json(const struct vn_status *st)
{
	const struct vn_net *n = &st->net;
	struct json_object *o = json_object_new_object(), *subnets = json_object_new_array(),
			   *ports = json_object_new_array();

	for (unsigned i = 0; i < n->nsubnets; i++)
		json_object_array_add(subnets, jprefix(&n->subnet[i].prefix, true));
	for (unsigned i = 0; i < st->ports.n; i++)
		json_object_array_add(ports, vc_jstr(st->ports.name[i]));
	json_object_object_add(o, "name", vc_jstr(n->name));
	json_object_object_add(o, "model", json_object_new_string(vn_model_name(n->model)));
	json_object_object_add(o, "bridge", vc_jstr(n->bridge));
	json_object_object_add(o, "subnets", subnets);
	json_object_object_add(o, "gateway",
			       n->nsubnets ? jprefix(&n->subnet[0].gateway, false) : NULL);
	json_object_object_add(o, "mtu", n->mtu ? json_object_new_int((int)n->mtu) : NULL);
	json_object_object_add(o, "dhcp", jdhcp(n));
	json_object_object_add(o, "uplink", jstr_or_null(n->uplink));
	json_object_object_add(o, "isolate_ports", json_object_new_boolean(n->isolate_ports));
	json_object_object_add(o, "state", json_object_new_string(vn_state_name(st->state)));
	if (st->state == VN_STATE_DEGRADED)
		json_object_object_add(o, "reason", vc_jtext(st->why));
	json_object_object_add(o, "problems", jproblems(st));
	json_object_object_add(o, "unchecked", junchecked(st->unchecked));
	json_object_object_add(o, "ports", ports);
	json_object_object_add(o, "domain", jstr_or_null(n->domain));
	json_object_object_add(o, "dnsmasq_pid", st->dnsmasq ? json_object_new_int(st->dnsmasq) : NULL);
	json_object_object_add(o, "hosts", jhosts(n));
	json_object_object_add(o, "forwards", jforwards(n));
	return o;
}

static const char *first_subnet(const struct vn_net *n, char *buf, size_t len)
{
	if (!n->nsubnets)
		return n->uplink[0] ? nl_escape(n->uplink, buf, len) : "-";
	return nl_prefix_str(&n->subnet[0].prefix, true, buf, len);
}

void vc_status_row(FILE *f, const struct vn_status *st)
{
	char buf[VC_ESC_MAX];

	if (!st) {
		fprintf(f, "%-15s %-8s %-15s %-18s %-8s %s\n", "NAME", "MODEL", "BRIDGE",
			"SUBNET/UPLINK", "STATE", "PORTS");
		return;
	}
	fprintf(f, "%-15s %-8s %-15s %-18s %-8s %u\n", vc_esc(st->net.name),
		vn_model_name(st->net.model), vc_esc(st->net.bridge), first_subnet(&st->net, buf, sizeof(buf)),
		vn_state_name(st->state), st->ports.n);
}

void vc_status_print(FILE *f, const struct vn_status *st)
{
	const struct vn_net *n = &st->net;
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN], c[NL_PREFIX_STRLEN];

	fprintf(f, "%s  %s  %s\n", vc_esc(n->name), vn_model_name(n->model),
		vn_state_name(st->state));
	for (unsigned i = 0; i < st->nproblems; i++)
		fprintf(f, "  problem  %s: want %s, have %s\n", vc_text(st->problem[i].object),
			vc_text(st->problem[i].want), vc_text(st->problem[i].have));
	if (st->unchecked)
		fprintf(f, "  unchecked %s: only root can read them\n",
			vc_unchecked_str(st->unchecked, a, sizeof(a)));
	fprintf(f, "  bridge   %s", vc_esc(n->bridge));
	if (n->mtu)
		fprintf(f, "  mtu %u", n->mtu);
	fprintf(f, "%s\n", n->isolate_ports ? "  isolated ports" : "");
	if (n->uplink[0])
		fprintf(f, "  uplink   %s\n", vc_esc(n->uplink));
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		fprintf(f, "  subnet   %s  gateway %s", nl_prefix_str(&s->prefix, true, a, sizeof(a)),
			nl_prefix_str(&s->gateway, false, b, sizeof(b)));
		if (s->dhcp)
			fprintf(f, "  dhcp %s-%s\n", nl_prefix_str(&s->dhcp_start, false, a, sizeof(a)),
				nl_prefix_str(&s->dhcp_end, false, c, sizeof(c)));
		else
			fprintf(f, "  dhcp off\n");
	}
	for (unsigned i = 0; i < n->nhosts; i++) {
		char m[18];

		vn_mac_str(n->host[i].mac, m);
		fprintf(f, "  host     %s  %s%s%s\n", m,
			nl_prefix_str(&n->host[i].ip, false, a, sizeof(a)), n->host[i].name[0] ? "  " : "",
			vc_esc(n->host[i].name));
	}
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *x = &n->forward[i];

		fprintf(f, "  forward  %s %s%s%u -> %s:%u\n", vn_proto_name(x->proto),
			x->address.family ? nl_prefix_str(&x->address, false, a, sizeof(a)) : "",
			x->address.family ? ":" : "", x->port,
			nl_prefix_str(&x->guest, false, c, sizeof(c)), x->guest_port);
	}
	if (st->dnsmasq)
		fprintf(f, "  dnsmasq  pid %d, domain %s\n", st->dnsmasq, vc_esc(n->domain));
	fprintf(f, "  ports   ");
	for (unsigned i = 0; i < st->ports.n; i++)
		fprintf(f, " %s", vc_esc(st->ports.name[i]));
	fprintf(f, "%s\n", st->ports.n ? "" : " -");
}
