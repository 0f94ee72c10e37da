/* floor — the least a program can do for what vnet does in the kernel, to
 * set the floors of bench/hooks and of bench/run's scaling of create. Over
 * a raw netlink socket, each request and its ACK, nothing else. Built
 * statically (gcc -static -O2; no libmnl, Debian ships no libmnl.a).
 *   floor up IFNAME BRIDGE-IFINDEX   a qemu hook's attach: up + enslave
 *   floor down IFNAME                its detach: released + down
 *   floor bridge NAME A.B.C.D/LEN    a create's link work: make the bridge,
 *                                    give it the address, set it up
 * Exit 0 when the kernel said yes to each. Not part of the product. */
#include <arpa/inet.h>
#include <stdio.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union msg {
	char buf[1024];
	struct nlmsghdr h;
};

static struct rtattr *attr(struct nlmsghdr *h, unsigned short type, const void *v, unsigned len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), v, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void start(union msg *m, unsigned short type, unsigned short flags, size_t hdr)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = (unsigned)NLMSG_LENGTH(hdr);
	m->h.nlmsg_type = type;
	m->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
}

/* sends m, 0 when the kernel's answer is a yes */
static int ask(int fd, union msg *m)
{
	union msg r;

	if (send(fd, m, m->h.nlmsg_len, 0) < 0 || recv(fd, &r, sizeof(r), 0) < 0)
		return 1;
	return r.h.nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(&r.h))->error == 0
		       ? 0
		       : 1;
}

static int link_up(int fd, const char *name, int up, int master)
{
	union msg m;
	struct ifinfomsg *ifi = NLMSG_DATA(&m.h);

	start(&m, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	attr(&m.h, IFLA_IFNAME, name, (unsigned)strlen(name) + 1);
	if (master >= 0)
		attr(&m.h, IFLA_MASTER, &master, sizeof(master));
	return ask(fd, &m);
}

static int bridge(int fd, const char *name, const char *cidr)
{
	union msg m;
	struct ifinfomsg *ifi = NLMSG_DATA(&m.h);
	struct ifaddrmsg *ifa = NLMSG_DATA(&m.h);
	struct rtattr *info;
	char a[32], *slash;
	struct in_addr in;
	unsigned idx;

	snprintf(a, sizeof(a), "%s", cidr);
	if (!(slash = strchr(a, '/')))
		return 2;
	*slash = 0;
	if (inet_pton(AF_INET, a, &in) != 1)
		return 2;
	start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
	attr(&m.h, IFLA_IFNAME, name, (unsigned)strlen(name) + 1);
	info = attr(&m.h, IFLA_LINKINFO, NULL, 0);
	attr(&m.h, IFLA_INFO_KIND, "bridge", 7);
	info->rta_len = (unsigned short)((char *)&m + m.h.nlmsg_len - (char *)info);
	if (ask(fd, &m) || !(idx = if_nametoindex(name)))
		return 1;
	start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)atoi(slash + 1);
	ifa->ifa_index = idx;
	attr(&m.h, IFA_LOCAL, &in, 4);
	attr(&m.h, IFA_ADDRESS, &in, 4);
	if (ask(fd, &m))
		return 1;
	return link_up(fd, name, 1, -1);
}

int main(int argc, char **argv)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return 1;
	if (argc == 4 && !strcmp(argv[1], "up"))
		return link_up(fd, argv[2], 1, atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "down"))
		return link_up(fd, argv[2], 0, 0);
	if (argc == 4 && !strcmp(argv[1], "bridge"))
		return bridge(fd, argv[2], argv[3]);
	return 2;
}
