/* doctor_fabric — what `vnet doctor` finds wrong with networks that span
 * hosts: this host's fabric missing, FRR not reached (through vtysh, the
 * one FRR program vnet runs), a BGP peer whose session is not up, a
 * network's VNI that FRR does not advertise. Reads only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/doctor.h"
#include "netd/fabric.h"
#include "netd/frr.h"
#include "netd/internal.h"

/* The first running network that spans hosts, to name in what breaks it. */
static const struct vn_net *spanning(const struct vn_doc_net *nets, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (nets[i].running && nets[i].st->net.vni)
			return &nets[i].st->net;
	return NULL;
}

static void vnis(struct vn_doc *x, const struct vn_doc_net *nets, unsigned count,
		 const struct vn_frr_state *s)
{
	char obj[64];

	for (unsigned i = 0; i < count; i++) {
		const struct vn_net *n = &nets[i].st->net;
		bool known = false;

		if (!nets[i].running || !n->vni)
			continue;
		for (unsigned k = 0; k < s->nvnis; k++)
			known |= s->vni[k] == n->vni;
		if (known)
			continue;
		snprintf(obj, sizeof(obj), "VNI %u (FRR)", n->vni);
		vn_doc_add(x, false, "evpn-vni", n->name, obj,
			   "FRR does not advertise it: no other host learns its guests' MACs",
			   s->advertise_all
				   ? "vnet up NAME (its VXLAN port must be up on its bridge)"
				   : "vnet fabric set ... again (advertise-all-vni)");
	}
}

void vn_doc_fabric(struct vn_doc *x, const struct vn_doc_net *nets, unsigned count)
{
	const struct vn_net *n = spanning(nets, count);
	struct vn_frr_state *s;
	struct vn_fabric f;
	char effect[160], obj[96];

	if (!n)
		return;
	if (vn_fabric_load(x->c->conf_dir, &f, NULL)) {
		vn_doc_add(x, false, "fabric", n->name, "fabric of this host: none or unreadable",
			   "its VXLAN port has no underlay address: it reaches no other host",
			   "vnet fabric set --underlay IFACE [--asn N --peer ADDR...]");
		return;
	}
	if (!f.asn || !(s = malloc(sizeof(*s))))
		return;
	if (vn_frr_state(&f, s)) {
		snprintf(obj, sizeof(obj), "FRR (vtysh): %.80s", s->why);
		vn_doc_add(x, false, "frr", n->name, obj,
			   "no BGP EVPN: its guests reach no guest on another host",
			   "start FRR's zebra and bgpd, then run vnet fabric set ... again");
		free(s);
		return;
	}
	for (unsigned i = 0; i < f.npeers; i++) {
		char t[NL_PREFIX_STRLEN];
		const char *state = "absent";

		nl_prefix_str(&f.peer[i], false, t, sizeof(t));
		for (unsigned k = 0; k < s->npeers; k++)
			if (!strcmp(s->peer[k].addr, t))
				state = s->peer[k].state;
		if (!strcmp(state, "Established"))
			continue;
		snprintf(obj, sizeof(obj), "BGP peer %s: %.24s", t, state);
		snprintf(effect, sizeof(effect),
			 "the session is not up: its guests and those of %s do not learn each "
			 "other's MACs",
			 t);
		vn_doc_add(x, false, "bgp-peer", n->name, obj, effect,
			   "check FRR on the peer and the underlay path to it (vnet fabric show)");
	}
	vnis(x, nets, count, s);
	free(s);
}
