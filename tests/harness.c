/* harness — see harness.h. */
#include "tests/harness.h"

#include <errno.h>
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

#include "tests/guard.h"

static char tmpdir[128];

/* th_str's strings, freed at teardown */
static char **owned;
static size_t nowned;

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

int th_main(Suite *s, const char *name, bool needs_root)
{
	char mark[64];
	SRunner *sr;
	int failed;
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
	th_guard_init();
	sr = srunner_create(s);
	forked = srunner_fork_status(sr) == CK_FORK;
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY; meson sets silent, for TAP */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* without fork, a guard waits for this process's end: nothing to wait for */
	if (forked && !th_guard_nothing_left(name, mark))
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

	if (!v || !*v || strlen(v) > 32 ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
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
	must(mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0, "sysfs");
	must(th_sh("ip link set lo up") == 0, "lo up");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vnet-test.%s%sXXXXXX", run_mark(),
		 *run_mark() ? "." : "");
	must(mkdtemp(tmpdir) != NULL, "mkdtemp");
	/* what the test starts carries its mark; the guard sees to them */
	must(setenv("VNET_TEST_CASE", tmpdir, 1) == 0, "setenv");
	th_guard_start(tmpdir);
	/* daemons that drop privileges (dnsmasq as nobody) reread files here */
	must(chmod(tmpdir, 0755) == 0, "chmod");
}

void th_netns_teardown(void)
{
	/* the guard does it too once this process ended; here the test sees it */
	th_guard_sweep(tmpdir);
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

char *th_err(int *status, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *s;

	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	s = th_out(status, "{ %s; } 2>&1 >/dev/null", cmd);
	free(cmd);
	return s;
}

const char *th_keep(char *s)
{
	char **grown = realloc(owned, (nowned + 1) * sizeof(*owned));

	ck_assert_ptr_nonnull(grown);
	owned = grown;
	owned[nowned++] = s;
	return s;
}

const char *th_str(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vout(NULL, fmt, ap);
	va_end(ap);
	return th_keep(s);
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

json_object *th_jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

bool th_jbool(json_object *o, const char *key)
{
	json_object *v = th_jget(o, key);

	ck_assert_msg(v != NULL, "no \"%s\" in %s", key, o ? json_object_to_json_string(o) : "-");
	return json_object_get_boolean(v);
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

bool th_link_exists(const char *name)
{
	return th_sh("ip link show dev '%s' >/dev/null 2>&1", name) == 0;
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
	double end = th_now() + secs;
	unsigned long long mask;

	for (;;) {
		if (!catches(pid, &mask)) {
			errno = ESRCH;
			return -1;
		}
		if (mask & (1ULL << (sig - 1)))
			return kill(pid, sig);
		if (th_now() >= end) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&tick, NULL);
	}
}
