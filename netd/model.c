/* model — what runs of each model, as data, and the one apply/undo walk.
 *
 * A model is a row of wants (bridge address, forwarding, rules, uplink);
 * a step is a row saying which want it serves, how to ensure its part and
 * how to undo it. vn_apply walks the steps in order (each one idempotent, so
 * `up` repairs drift), and on failure undoes, in reverse, the steps this call
 * did. vn_teardown undoes every step, tolerating what is already gone.
 * Adding a model or an option means adding rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#include "nlink/addr.h"
#include "netd/dnsmasq.h"
#include "firewall/fw.h"
#include "netd/internal.h"
#include "firewall/plan.h"
#include "nlink/sysctl.h"

static const struct {
	unsigned wants;
	enum fw_model fw;
} models[VN_NMODELS] = {
	[VN_ISOLATED] = {W_BRIDGE | W_ADDRESS | W_VXLAN | W_RULES | W_SERVICES, FW_ISOLATED},
	[VN_ROUTED] = {W_BRIDGE | W_ADDRESS | W_VXLAN | W_FORWARD | W_RULES | W_SERVICES,
		       FW_ROUTED},
	[VN_NAT] = {W_BRIDGE | W_ADDRESS | W_VXLAN | W_FORWARD | W_RULES | W_SERVICES, FW_NAT},
	[VN_BRIDGED] = {W_BRIDGE | W_UPLINK, FW_BRIDGED},
};

unsigned vn_model_wants(enum vn_model m)
{
	return models[m].wants;
}

/* The bridge exists after this step: made now, or found and ours. Made in
 * one send with a get, so the ifindex comes back; nothing else is changed
 * in that send, so a name taken meanwhile by someone else is left alone. */
static int step_bridge(struct vn_run *r, struct nl_err *e)
{
	const struct vn_net *n = r->n;
	struct nl_bridge_opts o = {0};
	uint8_t mac[6];
	struct nl_batch *b = r->c->b;
	int err = vn_bridge_get(r->c, n, &r->br, e);

	r->mtu = n->mtu ? n->mtu : r->br.mtu;
	if (err != -ENODEV)
		return err;
	nl_err_clear(e);
	r->fresh = true;
	vn_net_bridge_mac(n, mac);
	if (n->model == VN_BRIDGED) {
		struct nl_sock *rt;
		struct nl_link up;

		/* the uplink's MAC, so the LAN's neighbours keep theirs; and,
		 * unless told otherwise, its MTU */
		if ((err = vn_rt(r->c, &rt, e)) || (err = nl_link_get(rt, n->uplink, &up, e)))
			return err;
		memcpy(mac, up.mac, sizeof(mac));
		r->mtu = n->mtu ? n->mtu : up.mtu;
	}
	/* created with another MTU than the one pinned in step_configure: a
	 * change to the value a device has already changes nothing */
	o.mtu = r->mtu > VN_MTU_MIN ? r->mtu - 1 : VN_MTU_MIN + 1;
	o.mac = mac;
	/* ownership before the bridge exists: a kill after the create still
	 * leaves it recognisably the network's */
	if ((err = vn_bridge_intent(r->c, n, mac, e)))
		return err;
	nl_batch_reset(b);
	if (nl_bridge_add_msg(b, n->bridge, &o) || nl_link_get_msg(b, 0, n->bridge))
		return nl_err_set(e, -ENOBUFS, "create", "bridge %s", n->bridge);
	err = vn_send(r->c, NULL, vn_got_link, &r->br, e);
	if (!err)
		r->made_bridge = true;
	vn_kill_point(r->c, "bridge-made");
	return err;
}

static void undo_bridge(struct vn_run *r)
{
	struct nl_sock *rt;

	if (!r->made_bridge || vn_rt(r->c, &rt, NULL))
		return;
	nl_link_del(rt, r->n->bridge, NULL);
	vn_bridge_cache_save(r->c, r->n->name, NULL);
	vn_bridge_intent_drop(r->c, r->n->name);
}

/* An IPv6 network's bridge skips duplicate address detection (its MAC,
 * and so its link-local address, is vnet's own; the gateway is added
 * without it too): otherwise the link-local address is tentative for a
 * second after the first port brings the carrier, and dnsmasq's router
 * advertisements wait for it (guests then wait for their next
 * solicitation, 4 s later: measured 3.7-7 s to a SLAAC address, 1.6 s
 * without). Set before any port joins; up sets it again. */
static int no_dad(const struct vn_net *n, struct nl_err *e)
{
	char key[64];

	for (unsigned i = 0; i < n->nsubnets; i++)
		if (n->subnet[i].prefix.family == AF_INET6) {
			snprintf(key, sizeof(key), "ipv6/conf/%s/dad_transmits", n->bridge);
			return nl_sysctl_write(key, "0", e);
		}
	return 0;
}

/* Pins the MTU (a change after creation: the bridge then no longer follows
 * its smallest port; the create used another value, since setting the value
 * a device already has changes nothing), marks the bridge as ours, brings it
 * up, and adds the gateways' addresses. */
static int step_configure(struct vn_run *r, struct nl_err *e)
{
	static const int ok[] = {-EEXIST, 0};
	struct vn_bridge_cache bc;
	const struct vn_net *n = r->n;
	char alias[64];
	struct nl_link_change ch = {.mask = NL_LINK_UP | NL_LINK_ALIAS, .alias = alias};
	struct nl_batch *b = r->c->b;
	int err = 0;

	snprintf(alias, sizeof(alias), VN_ALIAS_PREFIX "%s", n->name);
	if (r->mtu) {
		ch.mask |= NL_LINK_MTU;
		ch.mtu = r->mtu;
	}
	nl_batch_reset(b);
	err = nl_link_change_msg(b, r->br.ifindex, n->bridge, &ch);
	for (unsigned i = 0; !err && i < n->nsubnets; i++) {
		struct nl_ifaddr a = {.ifindex = r->br.ifindex, .addr = n->subnet[i].gateway};

		if (a.addr.family == AF_INET6)
			a.flags = IFA_F_NODAD;
		err = nl_addr_add_msg(b, &a, n->bridge);
	}
	if (err)
		return nl_err_set(e, err, "configure", "bridge %s", n->bridge);
	if ((err = vn_send(r->c, ok, NULL, NULL, e)) || (err = no_dad(n, e)))
		return err;
	bc = (struct vn_bridge_cache){r->br.ifindex, r->mtu, n->isolate_ports, "", n->anti_spoof};
	snprintf(bc.uplink, sizeof(bc.uplink), "%s", n->uplink);
	vn_bridge_cache_save(r->c, n->name, &bc);
	return 0;
}

static const char *const forward_key[2] = {"ipv4/ip_forward", "ipv6/conf/all/forwarding"};

void vn_bridge_forward_key(const char *bridge, bool v6, char *key, size_t n)
{
	snprintf(key, n, "%s/conf/%s/forwarding", v6 ? "ipv6" : "ipv4", bridge);
}

/* Forwarding on for each family the network has, for the host and on the
 * bridge (IPv4 forwards what a bridge receives only when its own
 * conf.BRIDGE.forwarding says so too; IPv6's makes the host the router of
 * that link: the router flag in its neighbour advertisements, no router
 * advertisements taken there). Turning the host's on turns every
 * interface's on, but one may be turned off alone. Never turned off by
 * destroy (others may rely on it), only by the rollback of the call that
 * turned it on. */
static int step_forward(struct vn_run *r, struct nl_err *e)
{
	for (unsigned f = 0; f < 2; f++) {
		bool want = false;
		char v[16], key[64];
		int err;

		for (unsigned i = 0; i < r->n->nsubnets; i++)
			want |= r->n->subnet[i].prefix.family == (f ? AF_INET6 : AF_INET);
		if (!want)
			continue;
		if ((err = nl_sysctl_read(forward_key[f], v, sizeof(v), e)))
			return err;
		if (strcmp(v, "1")) {
			if (f == 1 && (err = vn_check_ra(r->c, e)))
				return err;
			if ((err = nl_sysctl_write(forward_key[f], "1", e)))
				return err;
			r->forward_on[f] = true;
		}
		vn_bridge_forward_key(r->n->bridge, f, key, sizeof(key));
		if ((err = nl_sysctl_read(key, v, sizeof(v), e)))
			return err;
		if (!strcmp(v, "1"))
			continue;
		if ((err = nl_sysctl_write(key, "1", e)))
			return err;
		r->bridge_forward_on[f] = true;
	}
	return 0;
}

static void undo_forward(struct vn_run *r)
{
	for (unsigned f = 0; f < 2; f++) {
		char key[64];

		if (r->bridge_forward_on[f]) {
			vn_bridge_forward_key(r->n->bridge, f, key, sizeof(key));
			nl_sysctl_write(key, "0", NULL);
		}
		if (r->forward_on[f])
			nl_sysctl_write(forward_key[f], "0", NULL);
	}
}

/* The nftables socket lives as long as the context; ctx.c frees it through
 * this, so that what only attaches ports never links the firewall. */
static void fw_free(struct fw *fw)
{
	fw_close(fw);
	free(fw);
}

int vn_fw(struct vn_ctx *c, struct fw **fw, struct nl_err *e)
{
	int err;

	if (!c->fw) {
		c->fw = calloc(1, sizeof(*c->fw));
		if (!c->fw)
			return nl_err_set(e, -ENOMEM, "open", "nftables");
		if ((err = fw_open(c->fw, e))) {
			free(c->fw);
			c->fw = NULL;
			return err;
		}
		c->fw_free = fw_free;
		if (c->race[0]) { /* test builds */
			c->fw->race = c->race;
			c->fw->race_times = c->race_times;
		}
	}
	*fw = c->fw;
	return 0;
}

void vn_fw_net_of(const struct vn_net *n, struct fw_net *f)
{
	memset(f, 0, sizeof(*f));
	f->name = n->name;
	f->model = models[n->model].fw;
	f->bridge = n->bridge;
	f->isolate_ports = n->isolate_ports;
	f->dhcp = vn_net_has_dhcp(n) && n->zero_dhcp_checksum;
	f->nsubnets = n->nsubnets;
	for (unsigned i = 0; i < n->nsubnets && i < FW_MAX_SUBNETS; i++)
		f->subnet[i] = n->subnet[i].prefix;
	for (unsigned i = 0; i < n->nforwards && i < FW_MAX_FORWARDS; i++) {
		const struct vn_forward *v = &n->forward[i];

		f->forward[f->nforwards++] = (struct fw_forward){
			.proto = v->proto,
			.port = v->port,
			.guest = v->guest,
			.guest_port = v->guest_port,
			.address = v->address,
		};
	}
}

static int step_rules(struct vn_run *r, struct nl_err *e)
{
	struct fw_plan *plan = NULL;
	struct fw_net f;
	struct fw *fw;
	int err;

	vn_fw_net_of(r->n, &f);
	if ((err = vn_fw(r->c, &fw, e)) || (err = fw_plan_build(&f, &plan, e)))
		return err;
	/* a repair reads the table's chains whole, and takes out of it the
	 * base chains that are not vnet's; a create does not pay for that */
	err = r->repair ? fw_repair(fw, plan, e) : fw_apply(fw, plan, e);
	fw_plan_free(plan);
	return err;
}

static int remove_rules(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	struct fw_net f;
	struct fw *fw;
	int err;

	vn_fw_net_of(n, &f);
	if ((err = vn_fw(c, &fw, e)))
		return err;
	/* a table of vnet's name that is not vnet's (-EEXIST) holds nothing
	 * of the network: nothing to remove; refusing would keep every later
	 * destroy from finishing */
	if ((err = fw_remove(fw, &f, e)) == -EEXIST)
		nl_err_clear(e);
	return err == -EEXIST ? 0 : err;
}

static void undo_rules(struct vn_run *r)
{
	/* A repair (not fresh) may have found the rules in place: keep them.
	 * A first network whose apply made the table takes it along. */
	if (!r->fresh)
		return;
	if (r->c->fw && r->c->fw->made_table)
		fw_drop_table(r->c->fw, NULL);
	else
		remove_rules(r->c, r->n, NULL);
}

static void undo_spoof(struct vn_run *r)
{
	if (r->fresh)
		vn_spoof_remove(r->c, r->n, NULL);
}

/* dnsmasq runs when a subnet has a DHCP range (a network made with
 * --no-dhcp has none: no DHCP, no DNS of vnet's). */
static int step_services(struct vn_run *r, struct nl_err *e)
{
	/* without DHCP nothing may serve it; a fresh network (its bridge
	 * made by this call) has had no dnsmasq to stop: a leftover of an
	 * earlier life was taken down by the destroy that ended it */
	if (!vn_net_has_dhcp(r->n))
		return r->fresh ? 0
				: vn_dnsmasq_stop(r->c, r->n->name, true, !r->ran_without_dhcp, e);
	return vn_dnsmasq_start(r->c, r->n, e);
}

static void undo_services(struct vn_run *r)
{
	if (r->fresh)
		vn_dnsmasq_stop(r->c, r->n->name, true, true, NULL);
}

static const struct vn_step {
	const char *name;
	unsigned want;
	int (*apply)(struct vn_run *r, struct nl_err *e);
	void (*undo)(struct vn_run *r);
} steps[] = {
	{"bridge", W_BRIDGE, step_bridge, undo_bridge},
	{"configure", W_BRIDGE, step_configure, NULL}, /* undone with the bridge */
	{"vxlan", W_VXLAN, vn_vxlan_step, vn_vxlan_undo},
	{"uplink", W_UPLINK, vn_uplink_step, vn_uplink_undo},
	{"forwarding", W_FORWARD, step_forward, undo_forward},
	{"rules", W_RULES, step_rules, undo_rules},
	{"spoof", W_RULES, vn_spoof_step, undo_spoof},
	{"services", W_SERVICES, step_services, undo_services},
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* Whether the network's run record says it ran without DHCP. */
static bool was_without_dhcp(struct vn_ctx *c, const char *name)
{
	struct vn_net *ran = malloc(sizeof(*ran));
	bool without = ran && vn_run_record_load(c, name, ran, NULL) == 0 && !vn_net_has_dhcp(ran);

	free(ran);
	return without;
}

int vn_apply(struct vn_run *r, struct nl_err *e)
{
	unsigned wants = models[r->n->model].wants, i;
	int err;

	/* what ran, as its record said (without DHCP no dnsmasq of it can
	 * run unrecorded); then what runs is written down before any of it
	 * is made */
	r->ran_without_dhcp = was_without_dhcp(r->c, r->n->name);
	if ((err = vn_run_record_save(r->c, r->n, e)))
		return err;
	for (i = 0; i < NSTEPS; i++) {
		if (!(steps[i].want & wants))
			continue;
		vn_kill_point(r->c, steps[i].name);
		if ((err = vn_injected(r->c, steps[i].name, r->n->name, e)) ||
		    (err = steps[i].apply(r, e)))
			break;
	}
	vn_kill_point(r->c, "applied");
	if (!err)
		return 0;
	/* the failed step too: it may have done part of its work (each undo
	 * is guarded by what this call did) */
	do {
		if ((steps[i].want & wants) && steps[i].undo)
			steps[i].undo(r);
	} while (i-- > 0);
	if (r->fresh)
		vn_run_record_drop(r->c, r->n->name);
	return err;
}

struct port_dump {
	struct vn_ports *out;
	const char *skip; /* the uplink: not a guest's port */
};

static int got_port(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct port_dump *d = data;
	struct nl_link l;

	(void)idx;
	if (nl_link_parse(nlh, &l) == 0 && strcmp(l.name, d->skip) && d->out->n < VN_MAX_PORTS)
		snprintf(d->out->name[d->out->n++], NL_IFNAMSIZ, "%s", l.name);
	return 0;
}

/* Lists the ports and deletes the bridge in one send: the dump runs first,
 * so it names exactly the ports the delete releases. */
static int delete_bridge(struct vn_ctx *c, const struct vn_net *n, const struct nl_link *br,
			 struct vn_ports *released, struct nl_err *e)
{
	struct vn_ports none;
	struct port_dump d = {.out = released ? released : &none, .skip = n->uplink};

	nl_batch_reset(c->b);
	if (nl_link_dump_msg(c->b, br->ifindex) || nl_link_del_msg(c->b, br->ifindex, n->bridge))
		return nl_err_set(e, -ENOBUFS, "delete", "bridge %s", n->bridge);
	return vn_send(c, NULL, got_port, &d, e);
}

int vn_teardown(struct vn_ctx *c, const struct vn_net *n, bool recorded, bool forget,
		struct vn_ports *released, struct nl_err *e)
{
	unsigned wants = models[n->model].wants;
	struct nl_link br;
	struct nl_err e2;
	int err = 0, err2;

	if (released)
		released->n = 0;
	if (wants & W_SERVICES)
		err = vn_dnsmasq_stop(c, n->name, forget, !recorded || vn_net_has_dhcp(n), e);
	vn_kill_point(c, "teardown-services");
	if (!err && (wants & W_RULES))
		err = remove_rules(c, n, e);
	/* whether or not it had anti-spoofing: an edited definition may no
	 * longer say so */
	if (!err && (wants & W_RULES))
		err = vn_spoof_remove(c, n, e);
	if (!err && forget)
		vn_spoof_forget(c, n->name);
	vn_kill_point(c, "teardown-rules");
	/* the VXLAN port, whether or not its bridge is still there */
	if (!err && (wants & W_VXLAN))
		err = vn_vxlan_remove(c, n, e);
	vn_kill_point(c, "teardown-vxlan");
	err2 = vn_bridge_get(c, n, &br, err ? &e2 : e);
	if (err2 == -ENODEV || err2 == -EEXIST) {
		/* gone, or its name taken by a link that is not ours: nothing
		 * of the network is left there to take down */
		err2 = 0;
		if (!err)
			nl_err_clear(e);
	} else {
		if (!err2 && (wants & W_UPLINK))
			err2 = vn_uplink_restore(c, n, err ? &e2 : e);
		if (!err2)
			err2 = delete_bridge(c, n, &br, released, err ? &e2 : e);
	}
	vn_kill_point(c, "teardown-bridge");
	if (!err2) {
		vn_bridge_cache_save(c, n->name, NULL);
		vn_bridge_intent_drop(c, n->name);
	}
	if (!err && !err2)
		vn_run_record_drop(c, n->name);
	return err ? err : err2;
}
