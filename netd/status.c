/* status — what runs of a network, read from the kernel (never from a
 * cache): up when the bridge is there, ours, up and holds its addresses;
 * down when nothing of it runs; degraded in between, saying what is
 * missing. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "dnsmasq.h"
#include "internal.h"
#include "store.h"

struct seen {
	const struct vn_net *n;
	struct vn_ports *ports;
	unsigned addrs_found;
	bool uplink_found;
};

static int got(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct seen *s = data;

	if (idx == 0) {
		struct nl_link l;

		if (nl_link_parse(nlh, &l))
			return 0;
		if (!strcmp(l.name, s->n->uplink))
			s->uplink_found = true;
		else if (s->ports->n < VN_MAX_PORTS)
			snprintf(s->ports->name[s->ports->n++], NL_IFNAMSIZ, "%s", l.name);
	} else {
		struct nl_ifaddr a;

		if (nl_addr_parse(nlh, &a))
			return 0;
		for (unsigned i = 0; i < s->n->nsubnets; i++)
			if (nl_prefix_equal(&a.addr, &s->n->subnet[i].gateway))
				s->addrs_found |= 1u << i;
	}
	return 0;
}

static void degraded(struct vn_status *st, const char *why)
{
	st->state = VN_STATE_DEGRADED;
	snprintf(st->why, sizeof(st->why), "%s", why);
}

int vn_show(struct vn_ctx *c, const char *name, struct vn_status *st, struct nl_err *e)
{
	struct seen s = {.n = &st->net, .ports = &st->ports};
	char orphan[sizeof(st->why)] = "";
	struct nl_link br;
	int err;

	memset(st, 0, sizeof(*st));
	if ((err = vn_store_load(c->conf_dir, name, &st->net, e))) {
		/* its definition gone or unreadable while it runs: shown as
		 * what runs, degraded */
		if (vn_name_check(name, NULL) || vn_run_record_load(c, name, &st->net, NULL))
			return err;
		snprintf(orphan, sizeof(orphan), "its definition %s: vnet destroy %s tears it down",
			 err == -ENOENT ? "is gone" : "cannot be read", name);
		nl_err_clear(e);
	}
	err = vn_bridge_get(c, &st->net, &br, e);
	if (err == -ENODEV) {
		nl_err_clear(e);
		st->state = VN_STATE_DOWN;
		if (orphan[0])
			degraded(st, orphan);
		return 0;
	}
	if (err == -EEXIST) {
		nl_err_clear(e);
		degraded(st, "its bridge's name is taken by an interface that is not vnet's");
		return 0;
	}
	if (err)
		return err;
	nl_batch_reset(c->b);
	if (nl_link_dump_msg(c->b, br.ifindex) || nl_addr_dump_msg(c->b, AF_UNSPEC, br.ifindex))
		return nl_err_set(e, -ENOBUFS, "read", "network %s", name);
	if ((err = nl_batch_send(&c->rt, c->b, got, &s, e)))
		return err;
	st->state = VN_STATE_UP;
	if (!(br.flags & IFF_UP))
		degraded(st, "bridge is down");
	else if (st->net.nsubnets && s.addrs_found != (1u << st->net.nsubnets) - 1)
		degraded(st, "bridge lacks its gateway address");
	else if (st->net.model == VN_BRIDGED && !s.uplink_found)
		degraded(st, "uplink is not attached");
	else if (vn_net_has_dhcp(&st->net) && !(st->dnsmasq = vn_dnsmasq_pid(c, name)))
		degraded(st, "dnsmasq is not running (vnet restart-services)");
	if (orphan[0])
		degraded(st, orphan);
	return 0;
}
