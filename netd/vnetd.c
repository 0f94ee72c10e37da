/* vnetd — the engine in a loop: at start it brings every defined network
 * up (as `vnet up --all` at boot), then keeps each network that was
 * brought up as its definition wants, repairing drift within a second of
 * the kernel saying something changed.
 *
 * It never polls. It sleeps in epoll on: an rtnetlink listener (links,
 * addresses, and RTM_NEWNETCONF, which reports ip_forward changes), an
 * nftables listener (any ruleset change: a flush, a firewall reload), a
 * pidfd per network's dnsmasq (which is not its child: a CLI command may
 * have started it), and a signalfd. An event arms a one-shot timer; when
 * it fires (COALESCE_MS later, so a burst such as `nft flush ruleset` is
 * one wake-up) every kept network's status is read and those not up are
 * repaired with the same engine calls as `vnet up`, under the same lock as
 * every CLI command, and one line says what was found missing. What it
 * repairs makes events too; the pass they cause finds everything up and
 * changes nothing, so there is no storm. It touches nothing that is not
 * vnet's: the engine's checks refuse foreign objects as for the CLI.
 *
 * SIGTERM and SIGINT end it and leave the networks up; SIGHUP reads the
 * definitions again and brings up every one not taken down. It stays in
 * the foreground, logs to stderr, and tells systemd it is ready
 * (Type=notify: READY=1 on $NOTIFY_SOCKET, the documented datagram, sent
 * here without libsystemd). Exit codes: 0 on a signal, 1 when it cannot
 * start (no netlink sockets, no lock folder). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/dnsmasq.h"
#include "netd/netd.h"

#define COALESCE_MS 20

enum { TAG_RT = 1, TAG_NF, TAG_SIG, TAG_TIMER, TAG_PIDFD = 16 };

struct daemon {
	struct vn_ctx *c;
	struct vn_watch *w; /* the kernel's news (VN_WATCH_*: tags TAG_RT, TAG_NF) */
	int ep, sig, timer;
	bool armed;
	struct vn_kept *kept;
	unsigned nkept;
	int *pidfd; /* per kept network: its dnsmasq's, or -1 */
};

/* One line on stderr; what it holds of names and errors came through
 * nl_err_str() or the engine's checked names, and is escaped once more as
 * a whole (printable ASCII kept). */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[1024], safe[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vnetd: %s\n", nl_err_safe(line, false, safe, sizeof(safe)));
}

static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};

	return epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void unwatch_pids(struct daemon *d)
{
	for (unsigned i = 0; d->pidfd && i < d->nkept; i++)
		if (d->pidfd[i] >= 0)
			close(d->pidfd[i]); /* closing drops it from the epoll set */
	free(d->pidfd);
	d->pidfd = NULL;
}

/* A pidfd for each network's dnsmasq: readable when it exits. */
static void watch_pids(struct daemon *d)
{
	d->pidfd = malloc((d->nkept ? d->nkept : 1) * sizeof(*d->pidfd));
	for (unsigned i = 0; d->pidfd && i < d->nkept; i++) {
		int pid;

		d->pidfd[i] = -1;
		if (d->kept[i].dnsmasq <= 0)
			continue;
		/* opened before the engine checks it is the network's: a
		 * reused pid cannot be taken for it */
		d->pidfd[i] = vn_dnsmasq_pidfd(d->c, d->kept[i].name, &pid);
		if (d->pidfd[i] >= 0 && watch(d, d->pidfd[i], TAG_PIDFD + i) < 0) {
			close(d->pidfd[i]);
			d->pidfd[i] = -1;
		}
	}
}

/* The networks to keep, with what the last pass saw of those known. */
static int refresh(struct daemon *d, bool all)
{
	struct vn_kept *now;
	struct nl_err e;
	char msg[512];
	unsigned n;

	if (vn_kept(d->c, all, &now, &n, &e)) {
		say("reading the definitions: %s", nl_err_str(&e, msg, sizeof(msg)));
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < d->nkept; j++)
			if (!strcmp(now[i].name, d->kept[j].name)) {
				now[i].ports = d->kept[j].ports;
				break;
			}
	unwatch_pids(d);
	free(d->kept);
	d->kept = now;
	d->nkept = n;
	return 0;
}

/* One pass: every kept network's status, and a repair where it is not up. */
static void pass(struct daemon *d, bool all)
{
	struct nl_err e;
	char msg[512];

	if (refresh(d, all))
		return;
	for (unsigned i = 0; i < d->nkept; i++) {
		struct vn_kept *k = &d->kept[i];

		if (vn_repair(d->c, k, &e))
			say("network %s: %s%s%s", k->name, k->what[0] ? k->what : "",
			    k->what[0] ? "; could not repair: " : "",
			    nl_err_str(&e, msg, sizeof(msg)));
		else if (k->repaired)
			say("network %s: repaired %s", k->name,
			    k->what[0] ? k->what : "(was down)");
	}
	vn_unlock(d->c);
	watch_pids(d);
}

static void arm(struct daemon *d)
{
	struct itimerspec t = {.it_value = {0, COALESCE_MS * 1000000L}};

	if (d->armed)
		return;
	timerfd_settime(d->timer, 0, &t, NULL);
	d->armed = true;
}

/* Returns 1 to go on, 0 to stop. */
static int on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			say("SIGHUP: reading the definitions again");
			pass(d, true);
			continue;
		}
		say("%s: stopping; the networks stay up", strsignal((int)si.ssi_signo));
		return 0;
	}
	return 1;
}

static int loop(struct daemon *d)
{
	for (;;) {
		struct epoll_event ev[8];
		int n = epoll_wait(d->ep, ev, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64, x;

			if (tag == TAG_SIG && !on_signal(d))
				return 0;
			if (tag == TAG_RT || tag == TAG_NF) {
				if (vn_watch_drain(d->w,
						   tag == TAG_RT ? VN_WATCH_LINKS : VN_WATCH_RULES))
					arm(d);
			} else if (tag == TAG_TIMER) {
				(void)!read(d->timer, &x, sizeof(x));
				d->armed = false;
				/* what the pass itself changes arrives later
				 * and is one more (quiet) pass */
				vn_watch_drain(d->w, VN_WATCH_LINKS);
				vn_watch_drain(d->w, VN_WATCH_RULES);
				pass(d, false);
			} else if (tag >= TAG_PIDFD && tag - TAG_PIDFD < d->nkept) {
				unsigned k = (unsigned)(tag - TAG_PIDFD);

				epoll_ctl(d->ep, EPOLL_CTL_DEL, d->pidfd[k], NULL);
				arm(d);
			}
		}
	}
}

static int start(struct daemon *d)
{
	struct nl_err e;
	char msg[512];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* listen before the first pass: what changes during it is seen */
	if (!(d->c = vn_ctx_new(&e)) || !(d->w = vn_watch_new(&e))) {
		say("cannot start: %s", nl_err_str(&e, msg, sizeof(msg)));
		return -1;
	}
	d->sig = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->ep = epoll_create1(EPOLL_CLOEXEC);
	if (d->sig < 0 || d->timer < 0 || d->ep < 0 || watch(d, d->sig, TAG_SIG) ||
	    watch(d, d->timer, TAG_TIMER) || watch(d, vn_watch_fd(d->w, VN_WATCH_LINKS), TAG_RT) ||
	    watch(d, vn_watch_fd(d->w, VN_WATCH_RULES), TAG_NF)) {
		say("cannot start: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct daemon d = {0};
	int code = 1;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fprintf(help ? stdout : stderr,
			"usage: vnetd\n"
			"Keeps vnet's networks up: brings every defined network up, then repairs\n"
			"what changes behind vnet's back within a second. Stays in the "
			"foreground;\n"
			"SIGHUP reads the definitions again; SIGTERM stops it, the networks stay "
			"up.\n"
			"Environment: VNET_CONF_DIR (/etc/vnet), VNET_RUN_DIR (/run/vnet).\n");
		return help ? 0 : 2;
	}
	if (start(&d) == 0) {
		pass(&d, true);
		say("watching %u network%s", d.nkept, d.nkept == 1 ? "" : "s");
		notify("READY=1");
		code = loop(&d);
		notify("STOPPING=1");
	}
	unwatch_pids(&d);
	free(d.kept);
	vn_watch_free(d.w);
	vn_ctx_free(d.c);
	return code;
}
