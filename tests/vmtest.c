/* vmtest — see vmtest.h. */
#include "vmtest.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *vnet;

/* The guard: a child that waits for this process's end (EOF on a pipe
 * whose only writer is this process: O_CLOEXEC keeps it from vnet and
 * qemu), then kills the VMs by their pid files and everything else left in
 * the test's namespaces, and removes the test's folder. */
static void guard(const char *run)
{
	char cmd[1200];
	int p[2], null;
	char c;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	if (fork() != 0) {
		close(p[0]);
		return;
	}
	close(p[1]);
	setsid(); /* out of the test's process group, which Check kills at its end */
	null = open("/dev/null", O_RDWR);
	dup2(null, 1);
	dup2(null, 2);
	while (read(p[0], &c, 1) > 0)
		;
	/* the VMs, then whatever else runs in the test's namespaces (dnsmasq) */
	snprintf(cmd, sizeof(cmd),
		 "for p in %s/vm/*/pid; do [ -f \"$p\" ] && kill -9 \"$(cat \"$p\")\"; done; "
		 "for n in $(ip netns list | cut -d' ' -f1); do ip netns pids $n | xargs -r kill "
		 "-9; "
		 "done; me=$(readlink /proc/self/ns/net); for d in /proc/[0-9]*; do "
		 "[ \"$(readlink $d/ns/net)\" = \"$me\" ] && [ \"${d#/proc/}\" != $$ ] && "
		 "kill -9 \"${d#/proc/}\"; done; rm -rf '%s'",
		 run, th_tmpdir());
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(1);
}

void vt_setup(void)
{
	static char conf[300], run[300];

	th_netns_setup();
	vnet = getenv("VNET_BIN");
	ck_assert_msg(vnet != NULL, "VNET_BIN is not set");
	snprintf(conf, sizeof(conf), "%s/conf", th_tmpdir());
	snprintf(run, sizeof(run), "%s/run", th_tmpdir());
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	guard(run);
}

void vt_teardown(void)
{
	th_sh("for p in \"$VNET_RUN_DIR\"/vm/*/pid; do [ -f \"$p\" ] && kill -9 \"$(cat \"$p\")\"; "
	      "done 2>/dev/null; true");
	th_netns_teardown();
}

static char *args(const char *fmt, va_list ap)
{
	char *s = NULL;

	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	return s;
}

int vt_vnet(const char *fmt, ...)
{
	va_list ap;
	char *a;
	int st;

	va_start(ap, fmt);
	a = args(fmt, ap);
	va_end(ap);
	st = th_sh("%s %s", vnet, a);
	free(a);
	return st;
}

const char *vt_vnet_err(int *code, const char *fmt, ...)
{
	static char ring[4][2048];
	static unsigned k;
	va_list ap;
	char *a, *out;

	va_start(ap, fmt);
	a = args(fmt, ap);
	va_end(ap);
	out = th_out(code, "%s %s 2>&1 >/dev/null", vnet, a);
	k = (k + 1) % 4;
	snprintf(ring[k], sizeof(ring[k]), "%s", out);
	free(out);
	free(a);
	return ring[k];
}

void vt_outside(void)
{
	ck_assert_int_eq(th_sh("ip netns add outside && "
			       "ip link add out0 type veth peer name eth0 netns outside && "
			       "ip addr add 192.0.2.1/24 dev out0 && ip link set out0 up && "
			       "ip -n outside addr add 192.0.2.2/24 dev eth0 && "
			       "ip -n outside link set eth0 up && ip -n outside link set lo up"),
			 0);
}

const char *vt_file(const char *name, const char *file)
{
	static char ring[4][512];
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(ring[k], sizeof(ring[k]), "%s/vm/%s/%s", getenv("VNET_RUN_DIR"), name, file);
	return ring[k];
}

bool vt_running(const char *name)
{
	return !strcmp(th_str("%s vm list -j | jq -r '.[] | select(.name == \"%s\") | .state'",
			      vnet, name),
		       "running\n");
}

bool vt_wait_stopped(const char *name, int s)
{
	for (int i = 0; i < s * 10; i++) {
		if (!vt_running(name))
			return true;
		usleep(100 * 1000);
	}
	return false;
}
