/* floor — bench/hooks' floor for a qemu hook: the least a program can do to
 * attach a tap (up + enslave) or detach it (released + down): one
 * RTM_NEWLINK over a raw netlink socket and its ACK, nothing else. Built
 * statically (gcc -static -O2; no libmnl, Debian ships no libmnl.a).
 *   floor up IFNAME BRIDGE-IFINDEX  |  floor down IFNAME
 * Exit 0 when the kernel said yes. Not part of the product. */
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void attr(struct nlmsghdr *h, unsigned short type, const void *v, unsigned len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), v, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int main(int argc, char **argv)
{
	union {
		char buf[1024];
		struct nlmsghdr h;
	} m = {0}, r;
	struct ifinfomsg *ifi = NLMSG_DATA(&m.h);
	int up = argc == 4 && !strcmp(argv[1], "up"), master, fd;

	if (!up && !(argc == 3 && !strcmp(argv[1], "down")))
		return 2;
	master = up ? atoi(argv[3]) : 0;
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	m.h.nlmsg_type = RTM_NEWLINK;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	attr(&m.h, IFLA_IFNAME, argv[2], (unsigned)strlen(argv[2]) + 1);
	attr(&m.h, IFLA_MASTER, &master, sizeof(master));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || send(fd, &m, m.h.nlmsg_len, 0) < 0 || recv(fd, &r, sizeof(r), 0) < 0)
		return 1;
	return r.h.nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(&r.h))->error == 0
		       ? 0
		       : 1;
}
