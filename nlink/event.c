/* event — netlink multicast listeners; see event.h. */
#include "nlink/event.h"

#include <errno.h>
#include <linux/netlink.h>
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
	char buf[16384];
	int got = 0;

	for (;;) {
		ssize_t r = recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r > 0) {
			got++;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) { /* overrun: something changed */
			got++;
			continue;
		}
		return got;
	}
}
