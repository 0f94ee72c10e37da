/* lease — a guest's DHCPv4 lease follows it; see lease.h. */
#include "vm/lease.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netd/dnsmasq.h"
#include "netd/store.h"

/* The unexpired DHCPv4 lease of mac on network net, into *out. */
static bool leased(struct vn_ctx *c, const char *net, const uint8_t mac[6], struct nl_prefix *out)
{
	struct vn_lease *v;
	unsigned n;
	bool found = false;

	if (vn_leases(c, net, &v, &n, NULL))
		return false;
	for (unsigned k = 0; k < n && !found; k++)
		if (v[k].has_mac && v[k].ip.family == AF_INET && !memcmp(v[k].mac, mac, 6) &&
		    (v[k].expiry == 0 || v[k].expiry > (long long)time(NULL))) {
			*out = v[k].ip;
			found = true;
		}
	free(v);
	return found;
}

/* The IPv4 address of net's static host of mac, into *out. */
static bool hosted(struct vn_ctx *c, const char *net, const uint8_t mac[6], struct nl_prefix *out)
{
	struct vn_net *n = malloc(sizeof(*n));
	bool found = false;

	if (n && !vn_store_load(vn_ctx_conf_dir(c), net, n, NULL))
		for (unsigned k = 0; k < n->nhosts && !found; k++)
			if (!memcmp(n->host[k].mac, mac, 6) && n->host[k].ip.family == AF_INET) {
				*out = n->host[k].ip;
				found = true;
			}
	free(n);
	return found;
}

void vm_lease_now(struct vn_ctx *c, const struct vm_state *s, struct vm_desc_facts *x)
{
	for (unsigned i = 0; i < s->nnics; i++) {
		const struct vm_nic_state *nic = &s->nic[i];

		x->lease[i] = (struct nl_prefix){.family = 0};
		if (!leased(c, nic->net, nic->mac, &x->lease[i]))
			hosted(c, nic->net, nic->mac, &x->lease[i]);
	}
}

static struct vn_host host_of(const struct vm_plan *p, unsigned i)
{
	struct vn_host h = {.ip = p->in->x.lease[i]};

	memcpy(h.mac, p->f.nic[i].mac, 6);
	return h;
}

int vm_lease_check(struct vm_plan *p, unsigned i, const struct vn_net *n, struct nl_err *e)
{
	struct vn_host h;
	struct vn_net *t;
	int err;

	p->lease_add[i] = false;
	if (!p->in || !p->in->from || !p->in->x.lease[i].family || !vn_net_has_dhcp(n))
		return 0;
	h = host_of(p, i);
	for (unsigned k = 0; k < n->nhosts; k++)
		if (!memcmp(n->host[k].mac, h.mac, 6) && nl_prefix_equal(&n->host[k].ip, &h.ip))
			return 0; /* there already (by hand, or an earlier visit) */
	/* the engine's checks, on a copy: nothing changes yet */
	if (!(t = malloc(sizeof(*t))))
		return nl_err_set(e, -ENOMEM, "check", "network %s", n->name);
	*t = *n;
	err = vn_host_add(t, &h, e);
	free(t);
	if (err && e) {
		char why[sizeof(e->msg)];

		memcpy(why, e->msg, sizeof(why));
		nl_err_msg(e, "%.160s (the guest's lease on the source, as a static host here)",
			   why);
	}
	p->lease_add[i] = !err;
	return err;
}

int vm_lease_hand_over(struct vn_ctx *c, struct vm_plan *p, struct nl_err *e)
{
	int err = 0;

	for (unsigned i = 0; !err && i < p->d->nnics; i++) {
		struct vn_host h;

		if (!p->lease_add[i])
			continue;
		h = host_of(p, i);
		if ((err = vn_host_set(c, p->d->nic[i].net, &h, e)))
			break;
		p->lease_added[i] = true;
	}
	if (err)
		vm_lease_undo(c, p);
	return err;
}

void vm_lease_undo(struct vn_ctx *c, struct vm_plan *p)
{
	for (unsigned i = 0; i < p->d->nnics; i++)
		if (p->lease_added[i] && !vn_host_unset(c, p->d->nic[i].net, p->f.nic[i].mac, NULL))
			p->lease_added[i] = false;
}

void vm_lease_keep(struct vn_ctx *c, const struct vm_state *s)
{
	for (unsigned i = 0; i < s->nnics; i++) {
		struct vn_host h = {.ip = {.family = 0}};
		struct nl_prefix there;
		struct nl_err e;

		memcpy(h.mac, s->nic[i].mac, 6);
		if (leased(c, s->nic[i].net, h.mac, &h.ip) &&
		    !hosted(c, s->nic[i].net, h.mac, &there))
			vn_host_set(c, s->nic[i].net, &h, &e);
	}
}
