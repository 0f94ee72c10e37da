/* frr_state — what FRR says of the fabric (vnet doctor, vnet fabric show):
 * each peer's BGP state and the VNIs it advertises, read through vtysh's
 * JSON; see frr.h. Apart from frr.c so that the engine's walk (vxlan.c,
 * which gives FRR vnet's lines on up) does not pull json-c into the hooks,
 * which link without it. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/frr.h"

static void state_peers(const char *json, struct vn_frr_state *s)
{
	struct json_object *root = json_tokener_parse(json), *peers;

	if (!root)
		return;
	if (json_object_object_get_ex(root, "peers", &peers) &&
	    json_object_is_type(peers, json_type_object)) {
		json_object_object_foreach(peers, addr, p)
		{
			struct json_object *st;

			if (s->npeers >= VN_FABRIC_MAX_PEERS)
				break;
			snprintf(s->peer[s->npeers].addr, sizeof(s->peer[0].addr), "%s", addr);
			snprintf(s->peer[s->npeers].state, sizeof(s->peer[0].state), "%s",
				 json_object_object_get_ex(p, "state", &st)
					 ? json_object_get_string(st)
					 : "?");
			s->npeers++;
		}
	}
	json_object_put(root);
}

static void state_vnis(const char *json, struct vn_frr_state *s)
{
	struct json_object *root = json_tokener_parse(json);

	if (!root)
		return;
	json_object_object_foreach(root, key, v)
	{
		char *end;
		unsigned long vni = strtoul(key, &end, 10);

		(void)v;
		if (!*end && vni && s->nvnis < sizeof(s->vni) / sizeof(s->vni[0]))
			s->vni[s->nvnis++] = (unsigned)vni;
	}
	json_object_put(root);
}

int vn_frr_state(const struct vn_fabric *f, struct vn_frr_state *s)
{
	const char *sum[] = {"show bgp l2vpn evpn summary json"};
	const char *vni[] = {"show bgp l2vpn evpn vni json"};
	const char *cfg[] = {"show running-config"};
	char *out = NULL, l[96];
	struct nl_err e;

	memset(s, 0, sizeof(*s));
	if (vn_vtysh(f, sum, 1, &out, &e)) {
		nl_err_str(&e, s->why, sizeof(s->why));
		return -EIO;
	}
	s->reached = true;
	state_peers(out, s);
	free(out);
	if (!vn_vtysh(f, vni, 1, &out, &e)) {
		state_vnis(out, s);
		free(out);
	}
	if (!vn_vtysh(f, cfg, 1, &out, &e)) {
		snprintf(l, sizeof(l), "advertise-all-vni");
		s->advertise_all = vn_frr_has(out, f->asn, l);
		free(out);
	}
	return 0;
}
