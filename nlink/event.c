/* event — netlink multicast listeners; see event.h. */
#include "nlink/event.h"
#include "nlink/internal.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int nl_listener_open(struct nl_listener *l, int proto, const unsigned *groups, unsigned n,
		     struct nl_err *e)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int size = 1 << 20, err;

	l->proto = proto;
	l->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (l->fd < 0)
		return nl_err_set(e, -errno, "open", "netlink listener");
	/* room for a burst (a flushed ruleset sends one message per object) */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	for (unsigned i = 0; i < n; i++)
		if (setsockopt(l->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
			       sizeof(groups[i])) < 0)
			goto fail;
	return 0;
fail:
	err = -errno;
	close(l->fd);
	l->fd = -1;
	return nl_err_set(e, err, "join", "netlink groups");
}

void nl_listener_close(struct nl_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int nl_listener_drain(struct nl_listener *l)
{
	return nl_listener_read(l, NULL, NULL);
}

int nl_listener_read(struct nl_listener *l, nl_listener_fn fn, void *arg)
{
	_Alignas(struct nlmsghdr) char buf[16384];
	int got = 0;

	for (;;) {
		ssize_t r = recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r > 0) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
			int len = (int)r;

			got++;
			for (; fn && mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
				fn(arg, h);
			/* a datagram cut short (larger than buf) or with bytes
			 * left over: what it said is unknown */
			if (fn && len > 0)
				fn(arg, NULL);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) { /* overrun: something changed */
			got++;
			if (fn)
				fn(arg, NULL);
			continue;
		}
		return got;
	}
}

static int link_event(const struct nlmsghdr *nlh, struct nl_rt_event *ev)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];

	if (nl_tb_parse(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0)
		return -EBADMSG;
	ev->kind = NL_RT_EVENT_LINK;
	ev->ifindex = ifi->ifi_index;
	nl_tb_str(ev->name, sizeof(ev->name), tb[IFLA_IFNAME]);
	nl_tb_str(ev->alias, sizeof(ev->alias), tb[IFLA_IFALIAS]);
	ev->master = (int)nl_tb_u32(tb[IFLA_MASTER], 0);
	return 0;
}

static int addr_event(const struct nlmsghdr *nlh, struct nl_rt_event *ev)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EBADMSG;
	ev->kind = NL_RT_EVENT_ADDR;
	ev->ifindex = (int)ifa->ifa_index;
	return 0;
}

static int netconf_event(const struct nlmsghdr *nlh, struct nl_rt_event *ev)
{
	const struct nlattr *tb[NETCONFA_MAX + 1];

	if (nl_tb_parse(nlh, sizeof(struct netconfmsg), tb, NETCONFA_MAX) < 0 ||
	    !tb[NETCONFA_IFINDEX] || mnl_attr_validate(tb[NETCONFA_IFINDEX], MNL_TYPE_U32) < 0)
		return -EBADMSG;
	ev->kind = NL_RT_EVENT_NETCONF;
	ev->ifindex = (int)mnl_attr_get_u32(tb[NETCONFA_IFINDEX]);
	ev->forwarding = tb[NETCONFA_FORWARDING] != NULL;
	return 0;
}

int nl_rt_event_parse(const struct nlmsghdr *nlh, struct nl_rt_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (nlh->nlmsg_type) {
	case RTM_DELLINK:
		ev->gone = true;
		/* fall through */
	case RTM_NEWLINK:
		return link_event(nlh, ev);
	case RTM_DELADDR:
		ev->gone = true;
		/* fall through */
	case RTM_NEWADDR:
		return addr_event(nlh, ev);
	case RTM_DELNETCONF:
		ev->gone = true;
		/* fall through */
	case RTM_NEWNETCONF:
		return netconf_event(nlh, ev);
	default:
		return -EBADMSG;
	}
}
