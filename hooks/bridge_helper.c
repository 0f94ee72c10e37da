/* vnet-bridge-helper --use-vnet --fd=N --br=NETWORK — qemu's bridge helper
 * (-netdev bridge,br=NETWORK,helper=PATH) for vnet's networks, so that a
 * user without root runs guests on the networks `vnet access` allows it.
 *
 * qemu's protocol (net/tap.c, net_bridge_run_helper): qemu makes a unix
 * socket pair and runs PATH --use-vnet --fd=N --br=BR, N being its end of
 * the pair; when PATH holds a space or a tab it runs /bin/sh -c "PATH
 * --use-vnet --fd=N --br=BR" instead, without --br= when PATH has one, so
 * the options come in any order. The helper opens a tap (a vnet header with
 * --use-vnet), attaches it, sends its descriptor back over N (SCM_RIGHTS,
 * one byte of data) and exits; qemu takes the descriptor only from a
 * helper that exits 0, and shows what the helper wrote to stderr, then its
 * own "bridge helper failed". The tap is not persistent: it vanishes with
 * qemu's descriptor, and with it the bridge port (the kernel is the record
 * of a network's ports: nothing else is left of it).
 *
 * BR names a vnet network or its bridge; the tap joins through the engine's
 * path of `vnet port add` (the network's MTU, up, port flags, the tuner's
 * profile), so a port the helper made is like any other. The caller (its
 * real uid, gid and groups) must be allowed by the network's access rules
 * (`vnet access`; default deny).
 *
 * Installed setuid root (`vnet hooks install`): before it reads its
 * arguments it keeps euid 0 and CAP_NET_ADMIN alone, no environment, no
 * core dump (hooks/setuid.h). It opens no file at a path the caller
 * chose: the folders are /etc/vnet and /run/vnet ($VNET_CONF_DIR and
 * $VNET_RUN_DIR are environment, and it has none), file names come from
 * names checked by vnet's rule (no '/', no "..") and descriptor N must be
 * a unix socket. Every option is checked whole: an unknown, repeated or
 * malformed one is refused before anything is made (exit 2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "hooks/setuid.h"
#include "netd/access.h"
#include "netd/netd.h"
#include "nlink/tap.h"

#define PROG "vnet-bridge-helper"

struct args {
	bool vnet_hdr;
	int fd;
	const char *br;
};

static int usage(FILE *f, int code)
{
	fprintf(f,
		"usage: " PROG " [--use-vnet] --fd=N --br=NETWORK\n\n"
		"qemu runs it for -netdev bridge,br=NETWORK,helper=.../" PROG
		": it attaches a tap to vnet\n"
		"network NETWORK (or the network whose bridge that is) for a user that `vnet "
		"access`\n"
		"allows, and passes it to qemu over unix socket N. See vnet(8), BRIDGE HELPER.\n");
	return code;
}

/* A descriptor number: decimal digits alone, 0..INT_MAX. */
static bool parse_fd(const char *s, int *fd)
{
	long v = 0;

	if (!*s || strlen(s) > 10 || strspn(s, "0123456789") != strlen(s))
		return false;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	if (v > 0x7fffffffL)
		return false;
	*fd = (int)v;
	return true;
}

static int refuse(const char *arg, const char *why)
{
	char q[96];

	fprintf(stderr, PROG ": %s%s%s (usage: " PROG " [--use-vnet] --fd=N --br=NETWORK)\n",
		arg ? nl_escape(arg, q, sizeof(q)) : "", arg ? ": " : "", why);
	return 2;
}

/* qemu's three options, each at most once, in any order; nothing else. */
static int parse(int argc, char **argv, struct args *a)
{
	bool vnet = false, fd = false;

	*a = (struct args){.fd = -1};
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--use-vnet") && vnet)
			return refuse(s, "given twice");
		if (!strcmp(s, "--use-vnet"))
			vnet = a->vnet_hdr = true;
		else if (!strncmp(s, "--fd=", 5) && fd)
			return refuse(s, "given twice");
		else if (!strncmp(s, "--fd=", 5) && !(fd = parse_fd(s + 5, &a->fd)))
			return refuse(s, "must be --fd=N, N a descriptor number");
		else if (!strncmp(s, "--br=", 5) && a->br)
			return refuse(s, "given twice");
		else if (!strncmp(s, "--br=", 5))
			a->br = s + 5;
		else if (strncmp(s, "--fd=", 5))
			return refuse(s, "unknown option");
	}
	if (!fd || !a->br)
		return refuse(NULL, "needs --fd=N and --br=NETWORK");
	return 0;
}

/* Descriptor fd is a unix socket (qemu's end of a socket pair): nothing
 * else gets the tap. */
static int check_socket(int fd)
{
	int dom = 0;
	socklen_t len = sizeof(dom);
	struct stat st;
	char msg[96];

	if (fstat(fd, &st) < 0)
		snprintf(msg, sizeof(msg), "descriptor %d is not open", fd);
	else if (!S_ISSOCK(st.st_mode) || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0 ||
		 dom != AF_UNIX)
		snprintf(msg, sizeof(msg), "descriptor %d is not a unix socket (qemu passes one)",
			 fd);
	else
		return 0;
	return refuse(NULL, msg);
}

/* The tap's descriptor to qemu: SCM_RIGHTS with one byte, as qemu's
 * recv_fd reads it. */
static int send_fd(int sock, int fd, const char *tap, struct nl_err *e)
{
	char byte = 0, buf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = buf,
			   .msg_controllen = sizeof(buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	while (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return nl_err_set(e, -errno, "pass to qemu", "tap %s", tap);
	return 0;
}

/* The network, the caller's right to it, the tap, attached, to qemu. */
static int attach(const struct args *a, const struct vh_caller *who, struct nl_err *e)
{
	struct nl_tap_opts o = {.vnet_hdr = a->vnet_hdr, .owner = (uid_t)-1, .group = (gid_t)-1};
	char net[NL_IFNAMSIZ], tap[NL_IFNAMSIZ] = "tap%d";
	struct vn_ctx *c = vn_ctx_new(e);
	int fd = -1, err;

	if (!c)
		return e->code;
	if (!(err = vn_port_network(c, a->br, net, e)) &&
	    !(err = vn_access_check(c, net, who->uid, who->gid, who->groups, who->ngroups, e)) &&
	    !(err = nl_tap_open(tap, &o, &fd, 1, e)) && !(err = vn_port_add(c, net, tap, e)))
		err = send_fd(a->fd, fd, tap, e);
	/* qemu holds the tap now; on a failure it goes with this descriptor */
	if (fd >= 0)
		close(fd);
	vn_ctx_free(c);
	return err;
}

int main(int argc, char **argv)
{
	struct vh_caller who = {0};
	struct nl_err e = {0};
	char why[256], line[1024];
	struct args a;
	int code;

	if (vh_setuid_enter(&who, why, sizeof(why))) {
		fprintf(stderr, PROG ": %s\n", why);
		free(who.groups);
		return 5;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		code = usage(stdout, 0);
	else if (!(code = parse(argc, argv, &a)) && !(code = check_socket(a.fd)) &&
		 attach(&a, &who, &e)) {
		fprintf(stderr, PROG ": %s\n", nl_err_str(&e, line, sizeof(line)));
		code = nl_err_exit_code(&e);
	}
	free(who.groups);
	return code;
}
