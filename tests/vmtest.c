/* vmtest — see vmtest.h. */
#include "tests/vmtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *vnet;

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
}

void vt_teardown(void)
{
	th_netns_teardown(); /* the VMs run in the test's namespace: it kills them */
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
