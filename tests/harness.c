/* harness — see harness.h. */
#include "tests/harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[128];

/* th_str's strings, freed at teardown */
static char **owned;
static size_t nowned;

/* The test's guard (th_netns_setup), and th_main's end of the pipe every
 * guard holds until its sweep is done. */
static pid_t guard_pid;
static int guards_w = -1;

static bool ci(void)
{
	const char *v = getenv("CI");

	return v && !strcmp(v, "true");
}

/* Whether this process may make namespaces: probe in a child so the test
 * runner's own namespace stays as it is. */
static bool can_unshare(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- leftovers ----
 * What a test started is recognised without its process tree (dnsmasq
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
static void scope_of_test(struct scope *s)
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
	scope_mark(s, "VNET_TEST_CASE", tmpdir);
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

static double now(void)
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
	double end = now() + 60;
	unsigned passes = 0;

	while (sweep_once(s, passes ? NULL : report) && now() < end) {
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
static void guard_start(void)
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
		scope_of_test(&s);
		sweep(&s, NULL);
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		_exit(0);
	}
	close(p[0]);
	guard_pid = pid;
}

/* After the last test: every guard done (a bounded wait), then nothing
 * left that carries the program's mark. false, and a report on stderr,
 * when something was. */
static bool nothing_left(const char *name, int guards_r, const char *mark)
{
	struct pollfd pfd = {.fd = guards_r, .events = POLLIN};
	double end = now() + 120;
	FILE *report;
	char *text = NULL;
	size_t len = 0;
	bool ok = true;
	struct scope s;

	close(guards_w);
	guards_w = -1;
	for (;;) {
		int left = (int)((end - now()) * 1000);
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

int th_main(Suite *s, const char *name, bool needs_root)
{
	char mark[64];
	SRunner *sr;
	int failed, p[2] = {-1, -1};
	bool forked;

	if (needs_root && (geteuid() != 0 || !can_unshare())) {
		/* TAP for meson (the plan line), and a line for people. */
		printf("1..0 # SKIP %s needs root and network namespaces\n", name);
		fprintf(stderr, "%s: needs root and network namespaces: %s\n", name,
			ci() ? "FAIL (CI=true: a skip is a failure)" : "skipped");
		if (ci())
			printf("Bail out! CI=true: a skip is a failure\n");
		return ci() ? 1 : 77;
	}
	/* every process of this program's tests inherits the mark */
	snprintf(mark, sizeof(mark), "%d.%ld", (int)getpid(), (long)time(NULL));
	setenv("VNET_TEST_PROGRAM", mark, 1);
	if (pipe2(p, O_CLOEXEC) == 0)
		guards_w = p[1];
	sr = srunner_create(s);
	forked = srunner_fork_status(sr) == CK_FORK;
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY; meson sets silent, for TAP */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* without fork, a guard waits for this process's end: nothing to wait for */
	if (forked && p[0] >= 0 && !nothing_left(name, p[0], mark))
		failed++;
	return failed ? 1 : 0;
}

static void must(int ok, const char *what)
{
	if (!ok)
		ck_abort_msg("namespace setup: %s: %s", what, strerror(errno));
}

/* VNET_TEST_RUN (tools/test's mark of one run) in the folders' names, so
 * that what a run left behind can be told from another run's. */
static const char *run_mark(void)
{
	const char *v = getenv("VNET_TEST_RUN");

	if (!v || !*v || strlen(v) > 32 || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
		return "";
	return v;
}

void th_netns_setup(void)
{
	must(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0, "unshare");
	must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
	mkdir("/run/netns", 0755);
	must(mount("tmpfs", "/run/netns", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0,
	     "tmpfs on /run/netns");
	must(mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0,
	     "sysfs");
	must(th_sh("ip link set lo up") == 0, "lo up");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vnet-test.%s%sXXXXXX", run_mark(),
		 *run_mark() ? "." : "");
	must(mkdtemp(tmpdir) != NULL, "mkdtemp");
	/* what the test starts carries its mark; the guard sees to them */
	must(setenv("VNET_TEST_CASE", tmpdir, 1) == 0, "setenv");
	guard_start();
	/* daemons that drop privileges (dnsmasq as nobody) reread files here */
	must(chmod(tmpdir, 0755) == 0, "chmod");
}

void th_netns_teardown(void)
{
	struct scope s;

	/* the guard does it too once this process ended; here the test sees it */
	scope_of_test(&s);
	sweep(&s, NULL);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	owned = NULL;
	nowned = 0;
	if (tmpdir[0])
		th_sh("rm -rf '%s'", tmpdir);
	tmpdir[0] = '\0';
}

const char *th_tmpdir(void)
{
	return tmpdir;
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		ck_abort_msg("out of memory");
	return s;
}

static int system_stderr(const char *cmd)
{
	char *wrapped = NULL;
	int st;

	if (asprintf(&wrapped, "exec 1>&2\n%s", cmd) < 0)
		return -1;
	st = system(wrapped);
	free(wrapped);
	return st;
}

int th_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	fflush(NULL);
	/* stdout is the TAP stream: what commands print goes to the log */
	st = system_stderr(cmd);
	free(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static char *vout(int *status, const char *fmt, va_list ap)
{
	char *cmd = vfmt(fmt, ap);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	FILE *f;
	int st;

	ck_assert_ptr_nonnull(buf);
	fflush(NULL);
	f = popen(cmd, "r");
	ck_assert_msg(f != NULL, "popen %s: %s", cmd, strerror(errno));
	for (size_t r; (r = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
		len += r;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	st = pclose(f);
	if (status)
		*status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
	free(cmd);
	return buf;
}

char *th_out(int *status, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vout(status, fmt, ap);
	va_end(ap);
	return s;
}

const char *th_str(const char *fmt, ...)
{
	char **grown = realloc(owned, (nowned + 1) * sizeof(*owned));
	va_list ap;
	char *s;

	ck_assert_ptr_nonnull(grown);
	owned = grown;
	va_start(ap, fmt);
	s = vout(NULL, fmt, ap);
	va_end(ap);
	owned[nowned++] = s;
	return s;
}

json_object *th_json(const char *fmt, ...)
{
	va_list ap;
	json_object *o;
	char *s;
	int st;

	va_start(ap, fmt);
	s = vout(&st, fmt, ap);
	va_end(ap);
	o = json_tokener_parse(s);
	ck_assert_msg(o != NULL, "not JSON (exit %d): %.300s", st, s);
	free(s);
	return o;
}

const char *th_jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

long th_jint(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_int64(v);
}

json_object *th_jlink(json_object *arr, const char *name)
{
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(arr, i);
		const char *nm = th_jstr(l, "ifname");

		if (nm && !strcmp(nm, name))
			return l;
	}
	return NULL;
}

/* The SigCgt mask and state of pid from /proc/PID/status; false when it is
 * gone or a zombie. */
static bool catches(pid_t pid, unsigned long long *mask)
{
	char path[64], line[256];
	bool alive = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return false;
	*mask = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6))
			alive = !strchr(line, 'Z') && !strchr(line, 'X');
		else if (!strncmp(line, "SigCgt:", 7))
			*mask = strtoull(line + 7, NULL, 16);
	}
	fclose(f);
	return alive;
}

int th_kill_when_caught(pid_t pid, int sig, int secs)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	double end = now() + secs;
	unsigned long long mask;

	for (;;) {
		if (!catches(pid, &mask)) {
			errno = ESRCH;
			return -1;
		}
		if (mask & (1ULL << (sig - 1)))
			return kill(pid, sig);
		if (now() >= end) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&tick, NULL);
	}
}
