/* hosts — what is added to a definition after create: static DHCP hosts
 * and port forwards into NAT guests, each checked against the network;
 * see net.h. Whether the host holds a forward's address is the engine's
 * (forward.c): it needs the kernel. Pure code. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netd/net.h"
#include "netd/parse.h"

/* The subnet holding address a as one of its hosts (not its network,
 * broadcast or gateway address), or NULL with e saying why not. */
static const struct vn_subnet *host_subnet(const struct vn_net *n, const struct nl_prefix *a,
					   const char *obj, struct nl_err *e)
{
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];
		struct nl_prefix gw = {.family = a->family, .len = a->len, .a = s->gateway.a};
		uint64_t first, last, idx;

		if (!nl_prefix_contains(&s->prefix, a))
			continue;
		vn_host_bounds(&s->prefix, &first, &last);
		idx = nl_prefix_index(&s->prefix, a);
		if (idx < first || idx > last)
			nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", vn_not_host(&s->prefix));
		else if (nl_prefix_equal(&gw, a))
			nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "is the gateway");
		else
			return s;
		return NULL;
	}
	nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "is outside the network's subnets");
	return NULL;
}

/* "OBJ: is taken by host MAC" */
static int taken(struct nl_err *e, const char *obj, const unsigned char mac[6])
{
	char m[18];

	vn_mac_str(mac, m);
	return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj, "is taken by host %s", m);
}

/* Address a of h (IPv4 ip, or IPv6 ip6) in the network and not another
 * host's. */
static int host_addr_check(const struct vn_net *n, const struct vn_host *h, bool v6,
			   struct nl_err *e)
{
	const struct nl_prefix *a = v6 ? &h->ip6 : &h->ip;
	const struct vn_subnet *s;
	char obj[96];

	nl_addr_obj("address", a, obj, sizeof(obj));
	if (a->family != (v6 ? AF_INET6 : AF_INET))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be IPv%c", v6 ? '6' : '4');
	if (!(s = host_subnet(n, a, obj, e)))
		return -EINVAL;
	if (s->slaac)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "guests make their own addresses there (SLAAC): a static IPv6 "
			       "host needs a DHCPv6 range (--dhcp6)");
	for (unsigned i = 0; i < n->nhosts; i++)
		if (nl_prefix_equal(v6 ? &n->host[i].ip6 : &n->host[i].ip, a) &&
		    memcmp(n->host[i].mac, h->mac, 6))
			return taken(e, obj, n->host[i].mac);
	return 0;
}

int vn_host_add(struct vn_net *n, const struct vn_host *h, struct nl_err *e)
{
	char obj[96], a[NL_PREFIX_STRLEN], m[18];

	if (h->name[0] && vn_hostname_check(h->name, e))
		return -EINVAL;
	if (!h->ip.family && !h->ip6.family)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "host", "needs an address");
	if ((h->ip.family && host_addr_check(n, h, false, e)) ||
	    (h->ip6.family && host_addr_check(n, h, true, e)))
		return -EINVAL;
	for (unsigned i = 0; i < n->nhosts; i++) {
		const struct vn_host *o = &n->host[i];

		if (!memcmp(o->mac, h->mac, 6)) {
			vn_mac_str(h->mac, m);
			snprintf(obj, sizeof(obj), "host %s", m);
			return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
				       "exists already with address %s",
				       nl_prefix_str(o->ip.family ? &o->ip : &o->ip6, false, a,
						     sizeof(a)));
		}
		if (h->name[0] && !strcmp(o->name, h->name)) {
			snprintf(obj, sizeof(obj), "host name %s", h->name);
			return taken(e, obj, o->mac);
		}
	}
	if (n->nhosts >= VN_MAX_HOSTS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "hosts", "too many (256 at most)");
	n->host[n->nhosts++] = *h;
	return 0;
}

int vn_host_del(struct vn_net *n, const unsigned char mac[6], struct nl_err *e)
{
	char m[18], obj[32];

	for (unsigned i = 0; i < n->nhosts; i++)
		if (!memcmp(n->host[i].mac, mac, 6)) {
			memmove(&n->host[i], &n->host[i + 1],
				(n->nhosts - i - 1) * sizeof(n->host[0]));
			n->nhosts--;
			return 0;
		}
	vn_mac_str(mac, m);
	snprintf(obj, sizeof(obj), "host %s", m);
	return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "no such host on network %s", n->name);
}

bool vn_forward_same_listener(const struct vn_forward *x, const struct vn_forward *y)
{
	return x->proto == y->proto && x->port == y->port && x->guest.family == y->guest.family &&
	       (x->address.family == 0 || y->address.family == 0 ||
		nl_prefix_equal(&x->address, &y->address));
}

/* What of f the network refuses: not NAT, the address, the guest. */
static int forward_check(const struct vn_net *n, const struct vn_forward *f, struct nl_err *e)
{
	char obj[96], a[NL_PREFIX_STRLEN];

	if (n->model != VN_NAT) {
		snprintf(obj, sizeof(obj), "network %s", n->name);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "is not a NAT network: port forwards go into NAT guests");
	}
	if (f->address.family) {
		snprintf(obj, sizeof(obj), "address %s",
			 nl_prefix_str(&f->address, false, a, sizeof(a)));
		/* loopback: vnet's output chain leaves it to the host */
		if (vn_special_check(&f->address, true, obj, "no port forward works there", e))
			return -EINVAL;
		if (f->address.family != f->guest.family)
			return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
				       "must be IPv%c, as the guest's: a forward does not change "
				       "the family",
				       f->guest.family == AF_INET6 ? '6' : '4');
	}
	snprintf(obj, sizeof(obj), "guest address %s",
		 nl_prefix_str(&f->guest, false, a, sizeof(a)));
	return host_subnet(n, &f->guest, obj, e) ? 0 : -EINVAL;
}

int vn_forward_add(struct vn_net *n, const struct vn_forward *f, struct nl_err *e)
{
	char obj[96], a[VN_ADDRPORT_STRLEN];
	int err;

	if ((err = forward_check(n, f, e)))
		return err;
	for (unsigned i = 0; i < n->nforwards; i++)
		if (vn_forward_same_listener(&n->forward[i], f)) {
			snprintf(obj, sizeof(obj), "%s port %u", vn_proto_name(f->proto), f->port);
			return nl_fail(e, -EEXIST, NL_ERR_CONFLICT, obj,
				       "is forwarded already (to %s)",
				       vn_addrport_str(&n->forward[i].guest,
						       n->forward[i].guest_port, a, sizeof(a)));
		}
	if (n->nforwards >= VN_MAX_FORWARDS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "forwards", "too many (64 at most)");
	n->forward[n->nforwards++] = *f;
	return 0;
}

/* Every forward of proto HOSTPORT (and address) goes: an IPv4 and an IPv6
 * one alike. */
int vn_forward_del(struct vn_net *n, const struct vn_forward *f, struct nl_err *e)
{
	unsigned before = n->nforwards;
	char obj[48];

	for (unsigned i = 0; i < n->nforwards;) {
		const struct vn_forward *o = &n->forward[i];

		if (o->proto == f->proto && o->port == f->port &&
		    (f->address.family == 0 || nl_prefix_equal(&o->address, &f->address))) {
			memmove(&n->forward[i], &n->forward[i + 1],
				(n->nforwards - i - 1) * sizeof(n->forward[0]));
			n->nforwards--;
		} else {
			i++;
		}
	}
	if (n->nforwards < before)
		return 0;
	snprintf(obj, sizeof(obj), "%s port %u", vn_proto_name(f->proto), f->port);
	return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "is not forwarded on network %s", n->name);
}
