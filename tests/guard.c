/* guard — see guard.h. */
#include "tests/guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

/* The test's guard (th_guard_start), and th_main's ends of the pipe every
 * guard holds until its sweep is done. */
static pid_t guard_pid;
static int guards_r = -1, guards_w = -1;

/* What a test started is recognised without its process tree (dnsmasq
 * daemonizes and ends up a child of pid 1): it runs in one of the test's
 * network namespaces, or it carries the test's (or the program's) mark in
 * its environment. */
struct scope {
	struct {
		dev_t dev;
		ino_t ino;
	} ns[64];
	unsigned n;
	char mark[200]; /* "\0NAME=VALUE\0" as /proc/PID/environ holds it */
	size_t marklen;
	pid_t spare[2]; /* never killed: the sweeper, the guard */
};

static void scope_mark(struct scope *s, const char *name, const char *value)
{
	int n = snprintf(s->mark, sizeof(s->mark), "%c%s=%s%c", 0, name, value, 0);

	s->marklen = n > 0 && (size_t)n < sizeof(s->mark) ? (size_t)n : 0;
}

static void scope_ns(struct scope *s, const char *path)
{
	struct stat st;

	if (s->n < sizeof(s->ns) / sizeof(s->ns[0]) && stat(path, &st) == 0) {
		s->ns[s->n].dev = st.st_dev;
		s->ns[s->n].ino = st.st_ino;
		s->n++;
	}
}

/* The test's: this process's network namespace, those it added under its
 * private /run/netns (read now: a test adds them as it goes), its mark. */
static void scope_of_test(struct scope *s, const char *dir)
{
	struct dirent *d;
	DIR *dp;

	memset(s, 0, sizeof(*s));
	scope_ns(s, "/proc/self/ns/net");
	if ((dp = opendir("/run/netns"))) {
		while ((d = readdir(dp))) {
			char path[300];

			snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
			if (d->d_name[0] != '.')
				scope_ns(s, path);
		}
		closedir(dp);
	}
	scope_mark(s, "VNET_TEST_CASE", dir);
	s->spare[0] = getpid();
	s->spare[1] = guard_pid;
}

static bool marked(pid_t pid, const struct scope *s)
{
	static char env[1 << 16];
	char path[64];
	ssize_t len = 0, r;
	int fd;

	if (!s->marklen)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	env[len++] = '\0'; /* so that the first variable matches too */
	while (len < (ssize_t)sizeof(env) && (r = read(fd, env + len, sizeof(env) - len)) > 0)
		len += r;
	close(fd);
	return memmem(env, (size_t)len, s->mark, s->marklen) != NULL;
}

static bool in_scope(pid_t pid, const struct scope *s)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) == 0)
		for (unsigned i = 0; i < s->n; i++)
			if (st.st_dev == s->ns[i].dev && st.st_ino == s->ns[i].ino)
				return true;
	return marked(pid, s);
}

/* The command line of pid, for a report. */
static void cmdline(pid_t pid, char *buf, size_t n)
{
	char path[64];
	ssize_t r = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		r = read(fd, buf, n - 1);
		close(fd);
	}
	if (r < 0)
		r = 0;
	buf[r] = '\0';
	for (ssize_t i = 0; i + 1 < r; i++)
		if (!buf[i])
			buf[i] = ' ';
}

/* One pass over /proc: SIGKILL to every process in scope; how many. Each
 * is named on report when not NULL. */
static unsigned sweep_once(const struct scope *s, FILE *report)
{
	struct dirent *d;
	unsigned n = 0;
	DIR *dp;

	if (!(dp = opendir("/proc")))
		return 0;
	while ((d = readdir(dp))) {
		pid_t pid = (pid_t)atoi(d->d_name);

		if (pid <= 1 || pid == s->spare[0] || pid == s->spare[1] || !in_scope(pid, s))
			continue;
		if (report) {
			char cmd[300];

			cmdline(pid, cmd, sizeof(cmd));
			fprintf(report, "  pid %d: %s\n", (int)pid, cmd);
		}
		if (kill(pid, SIGKILL) == 0)
			n++;
	}
	closedir(dp);
	return n;
}

double th_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Kills until a pass finds nothing (a process being killed still shows,
 * and a dying parent may still fork), for at most a minute; how many
 * passes killed something (0: nothing was left). */
static unsigned sweep(const struct scope *s, FILE *report)
{
	const struct timespec tick = {0, 2 * 1000 * 1000};
	double end = th_now() + 60;
	unsigned passes = 0;

	while (sweep_once(s, passes ? NULL : report) && th_now() < end) {
		passes++;
		nanosleep(&tick, NULL);
	}
	return passes;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

/* The guard: a process in the test's namespaces, out of its process group
 * (which Check kills at the test's end), that waits for the test process to
 * end however it ends (passed, failed: Check skips the teardown then, timed
 * out: Check kills it) — EOF on a pipe whose only writer is the test
 * process (O_CLOEXEC keeps it from the programs a test runs) — then kills
 * everything left in the test's scope and removes its folder. It holds
 * th_main's pipe until it is done, so th_main knows when all guards are. */
void th_guard_start(const char *dir)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		ck_abort_msg("namespace setup: pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		ck_abort_msg("namespace setup: fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		struct scope s;
		char c;

		close(p[1]);
		setsid();
		/* Check's handlers would kill the test's group; stdout is the TAP stream */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		for (;;) {
			ssize_t r = read(p[0], &c, 1);

			if (r == 0 || (r < 0 && errno != EINTR))
				break;
		}
		guard_pid = getpid();
		scope_of_test(&s, dir);
		sweep(&s, NULL);
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		_exit(0);
	}
	close(p[0]);
	guard_pid = pid;
}

/* After the last test: every guard done (a bounded wait), then nothing
 * left that carries the program's mark. false, and a report on stderr,
 * when something was. */
bool th_guard_nothing_left(const char *name, const char *mark)
{
	struct pollfd pfd = {.fd = guards_r, .events = POLLIN};
	double end = th_now() + 120;
	FILE *report;
	char *text = NULL;
	size_t len = 0;
	bool ok = true;
	struct scope s;

	if (guards_r < 0)
		return true;
	close(guards_w);
	guards_w = -1;
	for (;;) {
		int left = (int)((end - th_now()) * 1000);
		char c;

		if (left <= 0) {
			fprintf(stderr, "%s: a test's guard did not finish within 120 s\n", name);
			ok = false;
			break;
		}
		if (poll(&pfd, 1, left) > 0 && read(guards_r, &c, 1) == 0)
			break; /* EOF: no guard holds the pipe any more */
	}
	close(guards_r);
	guards_r = -1;
	memset(&s, 0, sizeof(s));
	scope_mark(&s, "VNET_TEST_PROGRAM", mark);
	s.spare[0] = getpid();
	report = open_memstream(&text, &len);
	if (sweep(&s, report)) {
		fflush(report);
		fprintf(stderr, "%s: its tests left these running (killed):\n%s", name,
			text ? text : "");
		ok = false;
	}
	if (report)
		fclose(report);
	free(text);
	return ok;
}

void th_guard_init(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) == 0) {
		guards_r = p[0];
		guards_w = p[1];
	}
}

void th_guard_sweep(const char *dir)
{
	struct scope s;

	scope_of_test(&s, dir);
	sweep(&s, NULL);
}
