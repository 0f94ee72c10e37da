/* vnetd — the engine in a loop: at start it brings every defined network
 * up (as `vnet up --all` at boot), then keeps each network that was
 * brought up as its definition wants, repairing drift within a second of
 * the kernel saying something changed.
 *
 * It never polls. It sleeps in epoll on: an rtnetlink listener (links,
 * addresses, and RTM_NEWNETCONF, which reports ip_forward changes), an
 * nftables listener (any ruleset change: a flush, a firewall reload), a
 * pidfd per network's dnsmasq (which is not its child: a CLI command may
 * have started it), inotify on FRR's vty socket folder (frr_watch.c: a
 * zebra or bgpd that starts again has lost vnet's lines, which it gives
 * back), a signalfd, and three timers. An event that concerns a kept
 * network (vn_watch_drain: its bridge, ports, VXLAN port, uplink, the
 * host's forwarding, vnet's tables; not another program's interfaces or
 * tables, which would each cost a look at every network) arms a one-shot
 * timer; when it fires (COALESCE_MS later, so a burst such as `nft flush
 * ruleset` is one wake-up) the status of every kept network the events
 * named (a link, an address: that network's; the host's forwarding, vnet's
 * tables, anything in doubt: every network, and the definitions listed
 * again) is read and those not up are repaired with the same engine calls
 * as `vnet up`, under the same lock as every CLI command, and one line
 * says what was found missing. What it repairs makes events too; the pass
 * they cause finds everything up and changes nothing, so there is no
 * storm. It touches
 * nothing that is not vnet's: the engine's checks refuse foreign objects as
 * for the CLI.
 *
 * A repair that fails backs off, per network: the same network is not
 * repaired again before RETRY_FIRST_MS, then twice that, and so on up to
 * RETRY_MAX_MS (the other timer, armed for the earliest), whatever events
 * arrive meanwhile (its own failed tries make some). A pass in between only
 * reads its status, and tries once at once when that differs from what its
 * last try left (someone changed something), once when another network
 * that backed off was repaired since (its cause may be gone too): so at
 * most three tries per delay, whatever happens. A repair that succeeds,
 * the network found up, or SIGHUP ends the backoff. A failure is logged
 * when its message is new, and once more when the delay reaches its cap; a
 * definition that does not read, once per file and message (SIGHUP says
 * them all again).
 *
 * SIGTERM and SIGINT end it and leave the networks up; SIGHUP reads the
 * definitions again and brings up every one not taken down. It stays in
 * the foreground, logs to stderr, and tells systemd it is ready
 * (Type=notify: READY=1 on $NOTIFY_SOCKET, the documented datagram, sent
 * here without libsystemd). Exit codes: 0 on a signal, 1 when it cannot
 * start (no netlink sockets, no lock folder), 5 without root (as vnet). */
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
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/dnsmasq.h"
#include "netd/netd.h"

#define COALESCE_MS    20
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS   60000

#define FRR_SETTLE_MS 200 /* zebra's and bgpd's sockets: one look */

enum { TAG_RT = 1, TAG_NF, TAG_SIG, TAG_TIMER, TAG_RETRY, TAG_FRR, TAG_FRR_TIMER, TAG_PIDFD = 16 };

/* What vnetd remembers of a kept network between passes, beyond what the
 * engine carries (struct vn_kept): its failed repairs, what it logged. */
struct memo {
	unsigned fails; /* failed repairs in a row; 0: not backing off */
	long long next; /* no repair before (CLOCK_MONOTONIC, ms), but ... */
	bool changed;	/* ... one try when its status changed, spent */
	bool healed;	/* ... one try when another one was repaired, spent */
	unsigned heals; /* daemon's heals at its last try */
	bool capped;	/* "still failing" was said */
	bool told;	/* its definition's bad (k->bad) was said */
	char left[512]; /* its status after the failed try (a look's k->what) */
	char said[512]; /* the failure last logged */
};

struct daemon {
	struct vn_ctx *c;
	struct vn_watch *w; /* the kernel's news (VN_WATCH_*: tags TAG_RT, TAG_NF) */
	int ep, sig, timer, retry;
	bool armed;
	struct vn_kept *kept;
	struct memo *memo; /* per kept network */
	unsigned nkept;
	int *pidfd;		  /* per kept network: its dnsmasq's, or -1 */
	bool *pend;		  /* per kept network: news of it since the last pass */
	bool whole;		  /* ... news for every network (or in doubt) */
	unsigned heals;		  /* networks that backed off and were repaired */
	char list_said[512];	  /* the last failure to list the definitions logged */
	struct vn_frr_watch *frr; /* FRR's sockets (TAG_FRR) */
	int frr_timer;		  /* when to give FRR vnet's lines (TAG_FRR_TIMER) */
	unsigned frr_fails;	  /* failed tries in a row */
	char frr_said[512];	  /* the failure last logged */
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

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

/* A pidfd for network i's dnsmasq: readable when it exits. */
static void watch_pid(struct daemon *d, unsigned i)
{
	int pid;

	if (d->pidfd[i] >= 0)
		close(d->pidfd[i]); /* closing drops it from the epoll set */
	d->pidfd[i] = -1;
	if (d->kept[i].dnsmasq <= 0)
		return;
	/* opened before the engine checks it is the network's: a reused pid
	 * cannot be taken for it */
	d->pidfd[i] = vn_dnsmasq_pidfd(d->c, d->kept[i].name, &pid);
	if (d->pidfd[i] >= 0 && watch(d, d->pidfd[i], TAG_PIDFD + i) < 0) {
		close(d->pidfd[i]);
		d->pidfd[i] = -1;
	}
}

static void watch_pids(struct daemon *d)
{
	d->pidfd = malloc((d->nkept ? d->nkept : 1) * sizeof(*d->pidfd));
	for (unsigned i = 0; d->pidfd && i < d->nkept; i++) {
		d->pidfd[i] = -1;
		watch_pid(d, i);
	}
}

/* The same entry of two lists: a network by name, a file that names none
 * by its error. */
static bool same_entry(const struct vn_kept *a, const struct vn_kept *b)
{
	return !strcmp(a->name, b->name) && (a->name[0] || !strcmp(a->bad, b->bad));
}

/* The networks to keep, and what the last pass knew of them. */
static int refresh(struct daemon *d, bool all)
{
	struct vn_kept *now;
	struct memo *memo;
	struct nl_err e;
	char msg[512];
	unsigned n;

	if (vn_kept(d->c, all, d->kept, d->nkept, &now, &n, &e)) {
		nl_err_str(&e, msg, sizeof(msg));
		if (strcmp(msg, d->list_said))
			say("reading the definitions: %s", msg);
		snprintf(d->list_said, sizeof(d->list_said), "%s", msg);
		return -1;
	}
	d->list_said[0] = '\0';
	if (!(memo = calloc(n ? n : 1, sizeof(*memo)))) {
		free(now);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < d->nkept; j++)
			if (same_entry(&now[i], &d->kept[j])) {
				/* a definition that turned bad, or good, or
				 * bad otherwise, starts afresh */
				if (!strcmp(now[i].bad, d->kept[j].bad))
					memo[i] = d->memo[j];
				break;
			}
	unwatch_pids(d);
	free(d->kept);
	free(d->memo);
	free(d->pend);
	d->kept = now;
	d->memo = memo;
	d->nkept = n;
	d->pend = calloc(n ? n : 1, sizeof(*d->pend));
	d->whole = !d->pend;
	return 0;
}

/* The delay after the fails-th failure in a row: 1 s, 2 s, 4 s ... at most
 * RETRY_MAX_MS. */
static unsigned delay_ms(unsigned fails)
{
	return fails >= 7 ? RETRY_MAX_MS : RETRY_FIRST_MS << (fails - 1);
}

/* The repair of k failed (e): when it may try again, what it says, and
 * what the failed try left of the network. */
static void failed(struct daemon *d, struct vn_kept *k, struct memo *m, const struct nl_err *e)
{
	char msg[512];
	struct nl_err le;
	unsigned delay;

	nl_err_str(e, msg, sizeof(msg));
	delay = delay_ms(++m->fails);
	m->next = now_ms() + delay;
	if (strcmp(msg, m->said)) {
		say("network %s: %s%scould not repair: %s; trying again in %u s", k->name, k->what,
		    k->what[0] ? "; " : "", msg, delay / 1000);
		snprintf(m->said, sizeof(m->said), "%s", msg);
		m->capped = delay == RETRY_MAX_MS;
	} else if (delay == RETRY_MAX_MS && !m->capped) {
		say("network %s: still failing after %u tries: %s; trying again every %u s",
		    k->name, m->fails, msg, RETRY_MAX_MS / 1000);
		m->capped = true;
	}
	if (vn_repair(d->c, k, true, &le))
		nl_err_str(&le, m->left, sizeof(m->left));
	else
		snprintf(m->left, sizeof(m->left), "%s", k->up ? "up" : k->what);
}

/* Keeps one network: a repair where its status is not up, unless it backs
 * off; then its status only, and one try before the delay is out when that
 * status changed since its last try, one when another network that backed
 * off was repaired since. */
static void keep(struct daemon *d, struct vn_kept *k, struct memo *m, long long now)
{
	struct nl_err e;
	char msg[512], after[64] = "";

	if (m->fails && now < m->next) {
		const char *seen = k->what;

		if (vn_repair(d->c, k, true, &e))
			seen = nl_err_str(&e, msg, sizeof(msg));
		else if (k->up || k->gone) {
			if (k->up) {
				say("network %s: up again", k->name);
				d->heals++;
			}
			*m = (struct memo){0};
			return;
		}
		if (!m->changed && strcmp(seen, m->left))
			m->changed = true;
		else if (!m->healed && m->heals != d->heals)
			m->healed = true;
		else
			return; /* as its last try left it: wait */
	} else {
		m->changed = m->healed = false;
	}
	m->heals = d->heals;
	if (vn_repair(d->c, k, false, &e)) {
		failed(d, k, m, &e);
		return;
	}
	if (m->fails) {
		snprintf(after, sizeof(after), " (after %u failed tr%s)", m->fails,
			 m->fails == 1 ? "y" : "ies");
		d->heals++;
	}
	if (k->repaired && k->edited)
		say("network %s: applied the edited definition (%s)%s", k->name, k->what, after);
	else if (k->repaired)
		say("network %s: repaired %s%s", k->name, k->what[0] ? k->what : "(was down)",
		    after);
	else if (m->fails && k->up)
		say("network %s: up again", k->name);
	*m = (struct memo){0};
}

/* The retry timer at the end of the earliest backoff; disarmed when none. */
static void arm_retry(struct daemon *d)
{
	struct itimerspec t = {{0, 0}, {0, 0}};
	long long first = 0;

	for (unsigned i = 0; i < d->nkept; i++)
		if (d->memo[i].fails && (!first || d->memo[i].next < first))
			first = d->memo[i].next;
	if (first > 0) {
		t.it_value.tv_sec = (time_t)(first / 1000);
		t.it_value.tv_nsec = (long)(first % 1000) * 1000000L;
	}
	timerfd_settime(d->retry, TFD_TIMER_ABSTIME, &t, NULL);
}

/* Table inet vnet gone whole (a flush of the ruleset, a firewall's
 * reload): the kept networks' rules go back together, in a few
 * transactions, before each network's own repair (which then finds them). */
static void restore(struct daemon *d)
{
	struct nl_err e = {0};
	unsigned sent, n = vn_pass_restore(d->c, d->kept, d->nkept, &sent, &e);
	char msg[512];

	if (n)
		say("table inet vnet: absent: the rules of %u network%s restored together (%u "
		    "transaction%s)",
		    n, n == 1 ? "" : "s", sent, sent == 1 ? "" : "s");
	if (e.code)
		say("table inet vnet: absent: restoring the rules together stopped: %s; the "
		    "networks left are repaired one by one",
		    nl_err_str(&e, msg, sizeof(msg)));
}

static void pass(struct daemon *d, bool all);

/* A pass over the networks the news named (d->pend), when it named no
 * more than those: each one's status, read live, and a repair where it is
 * not up, as a whole pass would do for them; the list of networks is
 * the last pass's (a new one comes with news for every network: vnet's
 * mark on a bridge no kept network has). */
static void pass_named(struct daemon *d)
{
	long long now = now_ms();
	unsigned n = 0;
	bool gone = false;

	for (unsigned i = 0; i < d->nkept; i++)
		n += d->pend[i];
	vn_pass_begin(d->c, n);
	for (unsigned i = 0; i < d->nkept; i++) {
		struct vn_kept *k = &d->kept[i];

		if (!d->pend[i])
			continue;
		d->pend[i] = false;
		if (k->bad[0])
			continue;
		/* as a list would say now: no start or SIGHUP, listed */
		k->bring_up = false;
		k->known = true;
		keep(d, k, &d->memo[i], now);
		gone |= k->gone;
		if (d->pidfd)
			watch_pid(d, i);
	}
	vn_pass_end(d->c);
	vn_unlock(d->c);
	vn_watch_keep(d->w, d->kept, d->nkept);
	arm_retry(d);
	/* taken down or away, or its definition no longer reads (which a
	 * list says): the list read again */
	if (gone)
		pass(d, false);
}

/* One pass: every kept network's status, and a repair where it is not up;
 * a word on each definition that does not read. */
static void pass(struct daemon *d, bool all)
{
	long long now = now_ms();

	if (refresh(d, all)) {
		vn_pass_end(d->c);
		vn_unlock(d->c);
		vn_watch_keep(d->w, NULL, 0); /* no list: every event counts */
		return;
	}
	vn_pass_begin(d->c, d->nkept);
	restore(d);
	for (unsigned i = 0; i < d->nkept; i++) {
		struct vn_kept *k = &d->kept[i];
		struct memo *m = &d->memo[i];

		if (!k->bad[0]) {
			keep(d, k, m, now);
		} else if (!m->told) {
			m->told = true;
			if (k->name[0])
				say("network %s: definition unreadable (%s): not repaired", k->name,
				    k->bad);
			else
				say("%s: ignored", k->bad);
		}
	}
	vn_pass_end(d->c);
	vn_unlock(d->c);
	/* what the networks are named now: the events that count */
	vn_watch_keep(d->w, d->kept, d->nkept);
	watch_pids(d);
	arm_retry(d);
}

static void arm(struct daemon *d)
{
	struct itimerspec t = {.it_value = {0, COALESCE_MS * 1000000L}};

	if (d->armed)
		return;
	timerfd_settime(d->timer, 0, &t, NULL);
	d->armed = true;
}

static void arm_frr(struct daemon *d, unsigned ms)
{
	struct itimerspec t = {.it_value = {ms / 1000, (long)(ms % 1000) * 1000000L}};

	timerfd_settime(d->frr_timer, 0, &t, NULL);
}

/* FRR (re)started, or a try failed: vnet's lines given back; a failure
 * backs off as a network's repair does, and a daemon that starts again
 * ends the backoff. */
static void frr_pass(struct daemon *d)
{
	unsigned done, delay;
	struct nl_err e;
	char msg[512];

	if (vn_frr_reapply(d->c, &done, &e)) {
		nl_err_str(&e, msg, sizeof(msg));
		delay = delay_ms(++d->frr_fails);
		if (strcmp(msg, d->frr_said))
			say("FRR: could not give it vnet's lines: %s; trying again in %u s", msg,
			    delay / 1000);
		snprintf(d->frr_said, sizeof(d->frr_said), "%s", msg);
		arm_frr(d, delay);
		return;
	}
	if (done)
		say("FRR: gave it vnet's lines again (%u change%s)", done, done == 1 ? "" : "s");
	d->frr_fails = 0;
	d->frr_said[0] = '\0';
}

/* Returns 1 to go on, 0 to stop. */
static int on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			say("SIGHUP: reading the definitions again");
			/* a fresh start: no backoff, everything said again */
			for (unsigned i = 0; i < d->nkept; i++)
				d->memo[i] = (struct memo){0};
			d->list_said[0] = '\0';
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
				if (!d->pend || d->whole || vn_watch_take(d->w, d->pend, d->nkept))
					pass(d, false);
				else
					pass_named(d);
			} else if (tag == TAG_FRR) {
				if (vn_frr_watch_drain(d->frr)) {
					d->frr_fails = 0;
					arm_frr(d, FRR_SETTLE_MS);
				}
			} else if (tag == TAG_FRR_TIMER) {
				(void)!read(d->frr_timer, &x, sizeof(x));
				frr_pass(d);
			} else if (tag == TAG_RETRY) {
				(void)!read(d->retry, &x, sizeof(x));
				pass(d, false);
			} else if (tag >= TAG_PIDFD && tag - TAG_PIDFD < d->nkept) {
				unsigned k = (unsigned)(tag - TAG_PIDFD);

				epoll_ctl(d->ep, EPOLL_CTL_DEL, d->pidfd[k], NULL);
				if (d->pend)
					d->pend[k] = true;
				arm(d);
			}
		}
	}
}

/* Why it cannot start, said; the exit code: 5 without root (as vnet's,
 * and in its words), else 1. */
static int cannot_start(const struct nl_err *e)
{
	char msg[512];

	if (e->kind == NL_ERR_PERM) {
		say("needs root (CAP_NET_ADMIN): run it as root");
		return nl_err_exit_code(e);
	}
	say("cannot start: %s", nl_err_str(e, msg, sizeof(msg)));
	return 1;
}

/* 0, or the exit code. */
static int start(struct daemon *d)
{
	struct nl_err e;
	sigset_t set;

	/* a repair is root's work: without root, nothing would be kept */
	if (!nl_privileged()) {
		nl_err_set(&e, -EPERM, "start", "vnetd");
		return cannot_start(&e);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* listen before the first pass: what changes during it is seen */
	if (!(d->c = vn_ctx_new(&e)) || !(d->w = vn_watch_new(&e)) ||
	    !(d->frr = vn_frr_watch_new(d->c, &e)))
		return cannot_start(&e);
	d->sig = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->retry = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->frr_timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->ep = epoll_create1(EPOLL_CLOEXEC);
	if (d->sig < 0 || d->timer < 0 || d->retry < 0 || d->frr_timer < 0 || d->ep < 0 ||
	    watch(d, d->sig, TAG_SIG) || watch(d, d->timer, TAG_TIMER) ||
	    watch(d, d->retry, TAG_RETRY) || watch(d, d->frr_timer, TAG_FRR_TIMER) ||
	    watch(d, vn_frr_watch_fd(d->frr), TAG_FRR) ||
	    watch(d, vn_watch_fd(d->w, VN_WATCH_LINKS), TAG_RT) ||
	    watch(d, vn_watch_fd(d->w, VN_WATCH_RULES), TAG_NF)) {
		say("cannot start: %s", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct daemon d = {.sig = -1, .timer = -1, .retry = -1, .frr_timer = -1, .ep = -1};
	int code;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fprintf(help ? stdout : stderr,
			"usage: vnetd\n"
			"Keeps vnet's networks up: brings every defined network up, then repairs\n"
			"what changes behind vnet's back within a second. Stays in the "
			"foreground;\n"
			"SIGHUP reads the definitions again; SIGTERM stops it, the networks stay "
			"up.\n"
			"Environment: VNET_CONF_DIR (/etc/vnet), VNET_RUN_DIR (/run/vnet).\n"
			"Exit codes: 0 on a signal, 1 cannot start, 5 needs root.\n");
		return help ? 0 : 2;
	}
	if ((code = start(&d)) == 0) {
		pass(&d, true);
		frr_pass(&d); /* FRR may have started again while vnetd did not run */
		say("watching %u network%s", d.nkept, d.nkept == 1 ? "" : "s");
		notify("READY=1");
		code = loop(&d);
		notify("STOPPING=1");
	}
	unwatch_pids(&d);
	free(d.kept);
	free(d.memo);
	free(d.pend);
	vn_watch_free(d.w);
	vn_frr_watch_free(d.frr);
	vn_ctx_free(d.c);
	return code;
}
