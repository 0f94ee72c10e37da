/* Namespace tests of the qemu hooks (vnet-ifup, vnet-ifdown) and of `vnet
 * hooks install`. qemu itself (TCG, paused with -S: no guest is needed for
 * a tap) runs the hooks as script= and downscript=; what they did is read
 * with ip -j and ethtool -k, never taken from vnet's word. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/harness.h"
#include "tune/tune.h"

static const char *vnet, *ifup, *ifdown;
static pid_t qemu_pid;

static void setup(void)
{
	static char conf[300], run[300];

	th_netns_setup();
	vnet = getenv("VNET_BIN");
	ifup = getenv("VNET_IFUP");
	ifdown = getenv("VNET_IFDOWN");
	ck_assert_msg(vnet && ifup && ifdown, "VNET_BIN, VNET_IFUP or VNET_IFDOWN is not set");
	snprintf(conf, sizeof(conf), "%s/conf", th_tmpdir());
	snprintf(run, sizeof(run), "%s/run", th_tmpdir());
	setenv("VNET_CONF_DIR", conf, 1);
	setenv("VNET_RUN_DIR", run, 1);
	unsetenv("VNET_NETWORK");
	qemu_pid = 0;
}

static void teardown(void)
{
	if (qemu_pid > 0) {
		kill(qemu_pid, SIGKILL);
		waitpid(qemu_pid, NULL, 0);
	}
	th_netns_teardown();
}

/* Runs vnet; returns its exit status. */
__attribute__((format(printf, 1, 2))) static int V(const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_sh("%s %s", vnet, args);
}

/* Runs a shell command and returns its stderr (harness-owned); *code gets
 * its exit status. */
__attribute__((format(printf, 2, 3))) static const char *err_of(int *code, const char *fmt, ...)
{
	char cmd[2048], *out, *tail;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out = (char *)th_str("{ %s; } 2>&1 >/dev/null; echo \"exit $?\"", cmd);
	tail = strrchr(out, '\n');
	*tail = '\0';
	tail = strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out;
	*code = atoi(tail + 5);
	*tail = '\0';
	return out;
}

static const char *file_in_tmp(const char *name)
{
	return th_str("printf '%%s' '%s/%s'", th_tmpdir(), name);
}

/* Starts qemu with one virtio NIC on tap (script=ifup, downscript=ifdown),
 * paused; its stderr goes to qemu.err in the test's folder. */
static pid_t qemu_start(const char *tap)
{
	char netdev[1024];
	const char *err = file_in_tmp("qemu.err");
	pid_t pid;

	snprintf(netdev, sizeof(netdev), "tap,id=n0,ifname=%s,script=%s,downscript=%s", tap, ifup,
		 ifdown);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644),
		    nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(nul, 1); /* stdout is the TAP stream */
		dup2(fd, 2);
		execlp("qemu-system-x86_64", "qemu-system-x86_64", "-accel", "tcg", "-nodefaults",
		       "-display", "none", "-S", "-m", "64", "-netdev", netdev, "-device",
		       "virtio-net-pci,netdev=n0", (char *)NULL);
		_exit(127);
	}
	qemu_pid = pid;
	return pid;
}

/* Waits up to secs for qemu; its exit status, or -1 after a SIGKILL. */
static int qemu_wait(int secs)
{
	int st = 0;

	for (int i = 0; i < secs * 20; i++) {
		if (waitpid(qemu_pid, &st, WNOHANG) == qemu_pid) {
			qemu_pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(50000);
	}
	kill(qemu_pid, SIGKILL);
	waitpid(qemu_pid, NULL, 0);
	qemu_pid = 0;
	return -1;
}

static const char *qemu_err(void)
{
	return th_str("cat %s", file_in_tmp("qemu.err"));
}

/* SIGTERM to qemu once it handles it (a clean exit, the downscript run):
 * it installs its handler only after its netdevs are set up, i.e. after the
 * tap joined, and would die of an earlier signal. */
static void qemu_term(void)
{
	ck_assert_msg(th_kill_when_caught(qemu_pid, SIGTERM, 60) == 0,
		      "qemu (pid %d) did not come to catch SIGTERM: %s; it said: %s", (int)qemu_pid,
		      strerror(errno), qemu_err());
}

/* The master of link name ("" when none or no such link). */
static const char *master_of(const char *name)
{
	return th_str("ip -j link show dev %s 2>/dev/null | jq -j '.[0].master // \"\"'", name);
}

static bool link_exists(const char *name)
{
	return th_sh("ip link show dev %s >/dev/null 2>&1", name) == 0;
}

/* Waits (the test may poll; the hooks never do) until name's master is br. */
static bool joins(const char *name, const char *br, int secs)
{
	for (int i = 0; i < secs * 10; i++) {
		if (!strcmp(master_of(name), br))
			return true;
		usleep(100000);
	}
	return false;
}

static json_object *slave_data(json_object *l)
{
	json_object *info = json_object_object_get(json_object_array_get_idx(l, 0), "linkinfo");

	return json_object_object_get(info, "info_slave_data");
}

static bool is_up(json_object *l)
{
	json_object *flags = json_object_object_get(json_object_array_get_idx(l, 0), "flags");

	for (size_t i = 0; i < json_object_array_length(flags); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(flags, i)), "UP"))
			return true;
	return false;
}

START_TEST(qemu_tap_joins_with_the_network_mtu_and_port_flags_and_leaves_on_sigterm)
{
	json_object *l;

	ck_assert_int_eq(V("create nat lan 10.0.0.0/24 --no-dhcp --mtu 9000 --isolate-ports"), 0);
	ck_assert_int_eq(V("map lan 'vif*'"), 0);
	qemu_start("vif0");
	ck_assert_msg(joins("vif0", "lan", 60), "the tap never joined: %s", qemu_err());
	l = th_json("ip -d -j link show dev vif0");
	ck_assert_int_eq(th_jint(json_object_array_get_idx(l, 0), "mtu"), 9000);
	ck_assert(is_up(l));
	ck_assert(json_object_get_boolean(json_object_object_get(slave_data(l), "isolated")));
	ck_assert(!json_object_get_boolean(json_object_object_get(slave_data(l), "hairpin")));
	json_object_put(l);
	/* the bridge kept the network's MTU (a 1500 tap did not pull it down) */
	ck_assert_str_eq(th_str("ip -j link show dev lan | jq -j '.[0].mtu'"), "9000");
	qemu_term();
	ck_assert_int_eq(qemu_wait(60), 0);
	ck_assert_msg(!strstr(qemu_err(), "vnet-ifdown") && !strstr(qemu_err(), "script"),
		      "qemu said: %s", qemu_err());
	ck_assert(!link_exists("vif0"));
	ck_assert_str_eq(th_str("ip -j link show master lan | jq -j length"), "0");
}
END_TEST

START_TEST(qemu_downscript_releases_a_persistent_tap)
{
	json_object *l;

	/* a persistent tap outlives qemu, so what the downscript did shows */
	ck_assert_int_eq(th_sh("ip tuntap add dev vif1 mode tap"), 0);
	ck_assert_int_eq(V("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(V("default lan"), 0);
	qemu_start("vif1");
	ck_assert_msg(joins("vif1", "lan", 60), "the tap never joined: %s", qemu_err());
	l = th_json("ip -d -j link show dev vif1");
	ck_assert(!json_object_get_boolean(json_object_object_get(slave_data(l), "isolated")));
	json_object_put(l);
	qemu_term();
	ck_assert_int_eq(qemu_wait(60), 0);
	ck_assert_msg(!strstr(qemu_err(), "vnet-ifdown"), "qemu said: %s", qemu_err());
	ck_assert_str_eq(master_of("vif1"), "");
	l = th_json("ip -j link show dev vif1");
	ck_assert(!is_up(l));
	json_object_put(l);
}
END_TEST

START_TEST(qemu_refuses_to_start_when_ifup_finds_no_network)
{
	ck_assert_int_eq(V("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	qemu_start("vif0");
	ck_assert_int_ne(qemu_wait(60), 0);
	ck_assert_msg(strstr(qemu_err(), "vnet-ifup: interface vif0: no network chosen: set "
					 "VNET_NETWORK, or run `vnet map NETWORK vif0` or "
					 "`vnet default NETWORK`\n"),
		      "qemu said: %s", qemu_err());
	ck_assert(!link_exists("vif0"));
	setenv("VNET_NETWORK", "nosuch", 1);
	qemu_start("vif0");
	ck_assert_int_ne(qemu_wait(60), 0);
	ck_assert_msg(strstr(qemu_err(), "vnet-ifup: vif0: network nosuch: no such network "
					 "(chosen by $VNET_NETWORK; see vnet list)\n"),
		      "qemu said: %s", qemu_err());
	ck_assert(!link_exists("vif0"));
}
END_TEST

START_TEST(network_is_the_environment_else_a_mapping_else_the_default)
{
	ck_assert_int_eq(
		th_sh("for t in vif0 vif1 tap0 tap1; do ip tuntap add dev $t mode tap || exit 1; "
		      "done"),
		0);
	ck_assert_int_eq(V("create isolated a 10.1.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(V("create isolated b 10.2.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(V("map b 'vif*'"), 0);
	ck_assert_int_eq(V("default a"), 0);
	ck_assert_int_eq(th_sh("%s vif0 && %s tap0 && VNET_NETWORK=a %s vif1", ifup, ifup, ifup),
			 0);
	ck_assert_str_eq(master_of("vif0"), "b");
	ck_assert_str_eq(master_of("tap0"), "a");
	ck_assert_str_eq(master_of("vif1"), "a"); /* the environment wins */
	ck_assert_int_eq(V("unmap 'vif*'"), 0);
	/* b's no more: the default; a port of b is not taken from it ... */
	ck_assert_int_eq(th_sh("%s vif0", ifup), 4);
	ck_assert_str_eq(master_of("vif0"), "b");
	/* ... until it leaves b */
	ck_assert_int_eq(th_sh("%s port del vif0 && %s vif0", vnet, ifup), 0);
	ck_assert_str_eq(master_of("vif0"), "a");
	ck_assert_int_eq(V("default --none"), 0);
	ck_assert_int_eq(th_sh("%s tap1", ifup), 3);
	ck_assert_str_eq(master_of("tap1"), "");
}
END_TEST

START_TEST(a_tap_that_cannot_take_the_mtu_is_refused_naming_both)
{
	const char *err;
	int code;

	/* a bridge takes up to 65535, a tap at most 65521 */
	ck_assert_int_eq(th_sh("ip tuntap add dev vif0 mode tap"), 0);
	ck_assert_int_eq(V("create isolated big 10.0.0.0/24 --no-dhcp --mtu 65535"), 0);
	err = err_of(&code, "VNET_NETWORK=big %s vif0", ifup);
	ck_assert_str_eq(err, "vnet-ifup: port vif0: attach: cannot take the network's MTU 65535 "
			      "(its maximum is 65521)\n");
	ck_assert_int_eq(code, 2);
	ck_assert_str_eq(master_of("vif0"), "");
	ck_assert_str_eq(th_str("ip -j link show dev vif0 | jq -j '.[0].mtu'"), "1500");
	ck_assert_str_eq(th_str("ip -j link show dev big | jq -j '.[0].mtu'"), "65535");
}
END_TEST

START_TEST(sixty_four_ifups_in_parallel_all_join_then_all_leave)
{
	const char *err = file_in_tmp("hooks.err");

	ck_assert_int_eq(V("create nat lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(
		th_sh("for i in $(seq 0 63); do echo tuntap add dev vt$i mode tap; done | ip -b -"),
		0);
	ck_assert_int_eq(th_sh("export VNET_NETWORK=lan; pids=; for i in $(seq 0 63); do "
			       "%s vt$i 2>>%s & pids=\"$pids $!\"; done; n=0; "
			       "for p in $pids; do wait $p || n=$((n+1)); done; exit $n",
			       ifup, err),
			 0);
	ck_assert_str_eq(th_str("cat %s", err), "");
	ck_assert_str_eq(th_str("ip -j link show master lan | jq -j '[.[] | select(.flags | "
				"index(\"UP\"))] | length'"),
			 "64");
	ck_assert_int_eq(th_sh("export VNET_NETWORK=lan; pids=; for i in $(seq 0 63); do "
			       "%s vt$i 2>>%s & pids=\"$pids $!\"; done; n=0; "
			       "for p in $pids; do wait $p || n=$((n+1)); done; exit $n",
			       ifdown, err),
			 0);
	ck_assert_str_eq(th_str("cat %s", err), "");
	ck_assert_str_eq(th_str("ip -j link show master lan | jq -j length"), "0");
}
END_TEST

START_TEST(ifdown_of_a_gone_or_foreign_interface_is_logged_and_succeeds)
{
	const char *err;
	int code;

	ck_assert_int_eq(V("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	setenv("VNET_NETWORK", "lan", 1);
	err = err_of(&code, "%s vif9", ifdown);
	ck_assert_str_eq(err, "vnet-ifdown: link vif9: get: gone already\n");
	ck_assert_int_eq(code, 0);
	/* a port of another bridge is left where it is */
	ck_assert_int_eq(
		th_sh("ip link add other type bridge && ip tuntap add dev vif1 mode tap && "
		      "ip link set vif1 master other up"),
		0);
	err = err_of(&code, "%s vif1", ifdown);
	ck_assert_str_eq(err, "vnet-ifdown: interface vif1: is a port of other, not of a vnet "
			      "bridge: left as it is\n");
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(master_of("vif1"), "other");
}
END_TEST

START_TEST(ifup_applies_the_tuner_profile_and_needs_no_ethtool_send_for_it)
{
	const struct vt_profile *p = vt_auto_profile();

	/* netd/port.c folds the profile's txqueuelen into its one change; a
	 * profile that turned a knob off (or set GRO) needs an ethtool send there */
	ck_assert_msg(p->knob[VT_KNOB_GSO] != VT_OFF && p->knob[VT_KNOB_TSO] != VT_OFF &&
			      p->knob[VT_KNOB_GRO] == VT_LEAVE,
		      "the tuner's profile changes offloads: vn_port_add must apply them");
	ck_assert_int_eq(th_sh("ip tuntap add dev vif0 mode tap"), 0);
	ck_assert_int_eq(V("create isolated lan 10.0.0.0/24 --no-dhcp"), 0);
	ck_assert_int_eq(th_sh("VNET_NETWORK=lan %s vif0", ifup), 0);
	ck_assert_str_eq(
		th_str("ethtool -k vif0 | grep -E '^(generic-segmentation|generic-receive)'"),
		"generic-segmentation-offload: on\ngeneric-receive-offload: on\n");
	ck_assert_str_eq(th_str("ip -j link show dev vif0 | jq -j '.[0].txqlen'"),
			 p->txqueuelen ? th_str("printf %u", p->txqueuelen) : "1000");
}
END_TEST

/* A fake /etc with Debian's two scripts, and a dpkg status file recording
 * their MD5 for qemu-system-common (after a decoy package that records
 * other sums for the same paths). */
static void fake_debian(void)
{
	const char *d = th_tmpdir();

	ck_assert_int_eq(
		th_sh("cd %s && mkdir etc && printf '#!/bin/sh\\n# up\\n' >etc/qemu-ifup && "
		      "printf '#!/bin/sh\\n# down\\n' >etc/qemu-ifdown && "
		      "chmod 755 etc/qemu-ifup etc/qemu-ifdown && "
		      "up=$(md5sum <etc/qemu-ifup | cut -d' ' -f1) && "
		      "down=$(md5sum <etc/qemu-ifdown | cut -d' ' -f1) && "
		      "printf 'Package: decoy\\nConffiles:\\n /etc/qemu-ifup "
		      "00000000000000000000000000000000\\n\\n"
		      "Package: qemu-system-common\\nStatus: install ok installed\\n"
		      "Conffiles:\\n /etc/qemu-ifdown %%s\\n /etc/qemu-ifup %%s\\n"
		      "Description: x\\n y\\n' $down $up >status && "
		      "cp etc/qemu-ifup up.orig && cp etc/qemu-ifdown down.orig",
		      d),
		0);
	setenv("VNET_QEMU_ETC", file_in_tmp("etc"), 1);
	setenv("VNET_DPKG_STATUS", file_in_tmp("status"), 1);
}

START_TEST(hooks_install_system_keeps_debians_scripts_and_uninstall_gives_them_back)
{
	const char *d = th_tmpdir(), *out;
	int code;

	fake_debian();
	ck_assert_int_eq(V("hooks install --prefix %s/lib --system", d), 0);
	ck_assert_int_eq(
		th_sh("cmp %s %s/lib/vnet-ifup && cmp %s %s/lib/vnet-ifdown", ifup, d, ifdown, d),
		0);
	ck_assert_str_eq(th_str("readlink %s/etc/qemu-ifup", d),
			 th_str("echo %s/lib/vnet-ifup", d));
	ck_assert_str_eq(th_str("readlink %s/etc/qemu-ifdown", d),
			 th_str("echo %s/lib/vnet-ifdown", d));
	ck_assert_int_eq(th_sh("cd %s && cmp up.orig etc/qemu-ifup.vnet-orig && "
			       "cmp down.orig etc/qemu-ifdown.vnet-orig",
			       d),
			 0);
	/* again: nothing changes */
	out = th_str("%s hooks install --prefix %s/lib --system", vnet, d);
	ck_assert_ptr_nonnull(strstr(out, "/lib/vnet-ifup: up to date\n"));
	ck_assert_ptr_nonnull(strstr(out, "/lib/vnet-ifdown (already)\n"));
	ck_assert_ptr_null(strstr(out, "kept"));
	ck_assert_int_eq(V("hooks uninstall --prefix %s/lib", d), 0);
	ck_assert_int_eq(
		th_sh("cd %s && test ! -L etc/qemu-ifup && cmp up.orig etc/qemu-ifup && "
		      "cmp down.orig etc/qemu-ifdown && test ! -e etc/qemu-ifup.vnet-orig && "
		      "test ! -e lib",
		      d),
		0);
	out = err_of(&code, "%s hooks uninstall --prefix %s/lib", vnet, d);
	ck_assert_int_eq(code, 3);
	ck_assert_ptr_nonnull(strstr(out, "vnet: hooks: not installed in "));
}
END_TEST

START_TEST(hooks_install_system_refuses_a_changed_script_unless_forced)
{
	const char *d = th_tmpdir(), *out;
	int code;

	fake_debian();
	ck_assert_int_eq(th_sh("echo '# mine' >>%s/etc/qemu-ifdown", d), 0);
	out = err_of(&code, "%s hooks install --prefix %s/lib --system", vnet, d);
	ck_assert_int_eq(code, 4);
	ck_assert_msg(strstr(out, "/etc/qemu-ifdown: changed since Debian installed it (MD5 ") &&
			      strstr(out, "--force keeps it as "),
		      "%s", out);
	/* nothing was done, not even the other script */
	ck_assert_int_eq(th_sh("cd %s && test ! -e lib && test ! -L etc/qemu-ifup && "
			       "test ! -e etc/qemu-ifup.vnet-orig",
			       d),
			 0);
	ck_assert_int_eq(V("hooks install --prefix %s/lib --system --force", d), 0);
	ck_assert_str_eq(th_str("readlink %s/etc/qemu-ifdown", d),
			 th_str("echo %s/lib/vnet-ifdown", d));
	ck_assert_str_eq(th_str("tail -n1 %s/etc/qemu-ifdown.vnet-orig", d), "# mine\n");
	ck_assert_int_eq(V("hooks uninstall --prefix %s/lib", d), 0);
	ck_assert_str_eq(th_str("tail -n1 %s/etc/qemu-ifdown", d), "# mine\n");
	/* a script dpkg knows nothing of is no original either */
	ck_assert_int_eq(th_sh("echo >%s/status", d), 0);
	out = err_of(&code, "%s hooks install --prefix %s/lib --system", vnet, d);
	ck_assert_int_eq(code, 4);
	ck_assert_msg(
		strstr(out, "/etc/qemu-ifup: not Debian's original: ") &&
			strstr(out, " records no conffile /etc/qemu-ifup of qemu-system-common"),
		"%s", out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hooks");
	TCase *qemu = tcase_create("qemu"), *hooks = tcase_create("hooks"),
	      *install = tcase_create("install");

	tcase_add_checked_fixture(qemu, setup, teardown);
	tcase_add_checked_fixture(hooks, setup, teardown);
	tcase_add_checked_fixture(install, setup, teardown);
	tcase_add_test(qemu,
		       qemu_tap_joins_with_the_network_mtu_and_port_flags_and_leaves_on_sigterm);
	tcase_add_test(qemu, qemu_downscript_releases_a_persistent_tap);
	tcase_add_test(qemu, qemu_refuses_to_start_when_ifup_finds_no_network);
	tcase_add_test(hooks, network_is_the_environment_else_a_mapping_else_the_default);
	tcase_add_test(hooks, a_tap_that_cannot_take_the_mtu_is_refused_naming_both);
	tcase_add_test(hooks, sixty_four_ifups_in_parallel_all_join_then_all_leave);
	tcase_add_test(hooks, ifdown_of_a_gone_or_foreign_interface_is_logged_and_succeeds);
	tcase_add_test(hooks, ifup_applies_the_tuner_profile_and_needs_no_ethtool_send_for_it);
	tcase_add_test(install,
		       hooks_install_system_keeps_debians_scripts_and_uninstall_gives_them_back);
	tcase_add_test(install, hooks_install_system_refuses_a_changed_script_unless_forced);
	suite_add_tcase(s, qemu);
	suite_add_tcase(s, hooks);
	suite_add_tcase(s, install);
	return th_main(s, "ns_hooks", true);
}
