/* Namespace tests of vnet-bridge-helper, qemu's -netdev bridge helper for
 * users without root, and of `vnet access`. The helper built is copied
 * setuid root into a tmpfs of the test, and /etc/vnet and /run/vnet (its
 * fixed folders) are the test's own in the test's mount namespace alone
 * (nt_helper_setup). qemu (TCG, paused with -S: no guest is needed for a
 * tap) runs as uid 4242 through setpriv, as does the helper run by hand;
 * what they did is read with ip -j and /proc, never taken from vnet's
 * word. */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/vnettest.h"

#define USER  "setpriv --reuid=4242 --regid=4242 --clear-groups"
#define IN_GR "setpriv --reuid=4242 --regid=4242 --groups=4343"

static const char *helper;
static pid_t qemu_pid;

static void setup(void)
{
	nt_setup_host();
	helper = nt_helper_setup();
	qemu_pid = 0;
	ck_assert_int_eq(nt_run("create isolated lan 10.9.0.0/24 --no-dhcp --mtu 1400 "
				"--isolate-ports --bridge br-lan"),
			 0);
}

static void teardown(void)
{
	if (qemu_pid > 0) {
		kill(qemu_pid, SIGKILL);
		waitpid(qemu_pid, NULL, 0);
	}
	th_netns_teardown();
}

/* qemu as the user setpriv makes (as), paused, one NIC through the helper
 * (helper= hlp, br= br); its stderr in qemu.err of the test's folder. */
static void qemu_start(const char *as, const char *hlp, const char *br)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "exec %s qemu-system-x86_64 -accel tcg -nodefaults -display none -S -m 64 "
		 "-netdev 'bridge,id=n0,br=%s,helper=%s' -device virtio-net-pci,netdev=n0 "
		 "</dev/null >/dev/null 2>%s/qemu.err",
		 as, br, hlp, th_tmpdir());
	fflush(NULL);
	qemu_pid = fork();
	ck_assert_int_ge(qemu_pid, 0);
	if (qemu_pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
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

/* The one port of bridge br-lan as ip -d -j shows it once the helper that
 * made it is done (it sets the port's flags after the port joined),
 * waiting up to secs (NULL when none came); free with json_object_put. */
static json_object *port_of_lan(int secs)
{
	for (int i = 0; i < secs * 20; i++) {
		json_object *a = th_json("ip -d -j link show master br-lan");

		if (json_object_array_length(a) == 1 &&
		    th_sh("pgrep -x vnet-bridge-hel >/dev/null")) {
			json_object *p = json_object_get(json_object_array_get_idx(a, 0));

			json_object_put(a);
			return p;
		}
		json_object_put(a);
		usleep(50000);
	}
	return NULL;
}

static bool lan_has_no_port(int secs)
{
	for (int i = 0; i < secs * 20; i++) {
		if (!strcmp(th_str("ip -o link show master br-lan"), ""))
			return true;
		usleep(50000);
	}
	return false;
}

/* A tap as vnet port add leaves it: the network's MTU, up, isolated, a
 * vnet header (qemu asked --use-vnet). */
static void like_port_add(json_object *p)
{
	json_object *li = th_jget(p, "linkinfo"), *data = th_jget(li, "info_data"),
		    *slave = th_jget(li, "info_slave_data");

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(th_jint(p, "mtu"), 1400);
	ck_assert_str_eq(th_jstr(li, "info_kind"), "tun");
	ck_assert_str_eq(th_jstr(data, "type"), "tap");
	ck_assert(th_jbool(data, "vnet_hdr"));
	ck_assert(!th_jbool(data, "persist"));
	ck_assert(th_jbool(slave, "isolated"));
	ck_assert(strstr(json_object_to_json_string(th_jget(p, "flags")), "\"UP\"") != NULL);
}

START_TEST(qemu_as_a_user_gets_a_port_like_port_add_and_its_exit_takes_it_away)
{
	char *before;
	json_object *p;

	ck_assert_int_eq(nt_run("access allow lan 4242"), 0);
	before = nt_snapshot();
	qemu_start(USER, helper, "lan");
	p = port_of_lan(60);
	ck_assert_msg(p != NULL, "no port on br-lan; qemu said: %s",
		      th_str("cat %s/qemu.err", th_tmpdir()));
	like_port_add(p);
	json_object_put(p);
	kill(qemu_pid, SIGKILL);
	ck_assert_int_eq(qemu_wait(30), 128 + SIGKILL);
	ck_assert(lan_has_no_port(10));
	/* nothing of the port is left: links, rules, vnet's files */
	nt_same_host(before, th_keep(nt_snapshot()));
	free(before);
}
END_TEST

START_TEST(a_user_not_allowed_makes_qemu_fail_with_our_message_and_nothing_changes)
{
	char *before = nt_snapshot();
	const char *err;

	qemu_start(USER, helper, "lan");
	ck_assert_int_eq(qemu_wait(60), 1);
	err = th_str("cat %s/qemu.err", th_tmpdir());
	ck_assert_msg(strstr(err, "vnet-bridge-helper: network lan: uid 4242 may not attach guests "
				  "to it: root allows it with `vnet access allow lan "
				  "USER|@GROUP`\n") != NULL,
		      "%s", err);
	ck_assert_msg(strstr(err, "bridge helper failed") != NULL, "%s", err);
	/* a deny wins over an allow of a group the user is in */
	ck_assert_int_eq(nt_run("access allow lan @4343"), 0);
	ck_assert_int_eq(nt_run("access deny lan 4242"), 0);
	qemu_start(IN_GR, helper, "lan");
	ck_assert_int_eq(qemu_wait(60), 1);
	err = th_str("cat %s/qemu.err", th_tmpdir());
	ck_assert_msg(strstr(err, "network lan: uid 4242 may not attach guests to it: denied to "
				  "user 4242 (`vnet access list lan`)") != NULL,
		      "%s", err);
	ck_assert_int_eq(nt_run("access remove lan 4242"), 0);
	ck_assert_int_eq(nt_run("access remove lan @4343"), 0);
	nt_same_host(before, th_keep(nt_snapshot()));
	free(before);
}
END_TEST

START_TEST(an_allowed_group_works_by_bridge_name_and_through_sh_c)
{
	char cmd[400];
	json_object *p;

	ck_assert_int_eq(nt_run("access allow lan @4343"), 0);
	/* qemu's other form: a helper with a space runs as sh -c "HELPER
	 * --use-vnet --fd=N", without --br= when HELPER holds one */
	snprintf(cmd, sizeof(cmd), "%s --br=br-lan", helper);
	qemu_start(IN_GR, cmd, "ignored");
	p = port_of_lan(60);
	ck_assert_msg(p != NULL, "no port on br-lan; qemu said: %s",
		      th_str("cat %s/qemu.err", th_tmpdir()));
	like_port_add(p);
	json_object_put(p);
	kill(qemu_pid, SIGKILL);
	qemu_wait(30);
	ck_assert(lan_has_no_port(10));
	/* the same user without the group: refused */
	qemu_start(USER, helper, "br-lan");
	ck_assert_int_eq(qemu_wait(60), 1);
}
END_TEST

/* Runs the helper by hand as uid 4242 with args, descriptor 5 a unix
 * socket (sock true) or the test's folder; returns its stderr (the
 * harness's), *code its exit status. A tap it passed is received and
 * closed (*got true). */
static const char *by_hand(const char *args, bool sock, int *code, bool *got)
{
	char cmd[1024], buf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = buf,
			   .msg_controllen = sizeof(buf)};
	int sv[2] = {-1, -1}, st;
	pid_t pid;

	if (sock)
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	else
		ck_assert_int_ge(sv[1] = open(th_tmpdir(), O_RDONLY | O_DIRECTORY), 0);
	snprintf(cmd, sizeof(cmd), "exec %s %s %s 2>%s/helper.err", USER, helper, args,
		 th_tmpdir());
	fflush(NULL);
	if ((pid = fork()) == 0) {
		dup2(sv[1], 5);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	*got = false;
	if (sock && recvmsg(sv[0], &m, 0) > 0 && CMSG_FIRSTHDR(&m)) {
		int fd;

		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
		*got = true;
		close(fd);
	}
	if (sv[0] >= 0)
		close(sv[0]);
	waitpid(pid, &st, 0);
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return th_str("cat %s/helper.err", th_tmpdir());
}

#define U "(usage: vnet-bridge-helper [--use-vnet] --fd=N --br=NETWORK)\n"

START_TEST(the_helper_by_hand_refuses_what_qemu_never_passes_and_changes_nothing)
{
	static const struct {
		const char *args;
		bool sock;
		int code;
		const char *says;
	} cases[] = {
		{"", true, 2, "vnet-bridge-helper: needs --fd=N and --br=NETWORK " U},
		{"--br=lan", true, 2, "vnet-bridge-helper: needs --fd=N and --br=NETWORK " U},
		{"--fd=5", true, 2, "vnet-bridge-helper: needs --fd=N and --br=NETWORK " U},
		{"--fd=5 --br=lan --verbose", true, 2,
		 "vnet-bridge-helper: --verbose: unknown option " U},
		{"--fd=5 --br=lan lan", true, 2, "vnet-bridge-helper: lan: unknown option " U},
		{"--fd= --br=lan", true, 2,
		 "vnet-bridge-helper: --fd=: must be --fd=N, N a descriptor number " U},
		{"--fd=-5 --br=lan", true, 2,
		 "vnet-bridge-helper: --fd=-5: must be --fd=N, N a descriptor number " U},
		{"--fd=5x --br=lan", true, 2,
		 "vnet-bridge-helper: --fd=5x: must be --fd=N, N a descriptor number " U},
		{"--fd=99999999999 --br=lan", true, 2,
		 "vnet-bridge-helper: --fd=99999999999: must be --fd=N, N a descriptor number " U},
		{"--fd=5 --fd=5 --br=lan", true, 2, "vnet-bridge-helper: --fd=5: given twice " U},
		{"--fd=5 --br=lan --br=lan", true, 2,
		 "vnet-bridge-helper: --br=lan: given twice " U},
		{"--use-vnet --use-vnet --fd=5 --br=lan", true, 2,
		 "vnet-bridge-helper: --use-vnet: given twice " U},
		{"--fd=5 --br=lan", false, 2,
		 "vnet-bridge-helper: descriptor 5 is not a unix socket (qemu passes one) " U},
		{"--fd=9 --br=lan", true, 2, "vnet-bridge-helper: descriptor 9 is not open " U},
		{"--fd=5 --br=", true, 2,
		 "vnet-bridge-helper: network or bridge name \"\": must be 1..15 characters\n"},
		{"--fd=5 --br=../lan", true, 2,
		 "vnet-bridge-helper: network or bridge name \"../lan\": must not start with '.' "
		 "or '-'\n"},
		{"--fd=5 --br=x/../lan", true, 2,
		 "vnet-bridge-helper: network or bridge name \"x/../lan\": may hold only letters, "
		 "digits, '_', '.' and '-'\n"},
		{"--fd=5 \"--br=$(printf 'lan\\ttab')\"", true, 2,
		 "vnet-bridge-helper: network or bridge name \"lan\\x09tab\": may hold only "
		 "letters, digits, '_', '.' and '-'\n"},
		{"--fd=5 --br=nonet", true, 3,
		 "vnet-bridge-helper: bridge nonet: is neither a network nor a network's bridge "
		 "(vnet list)\n"},
		{"--fd=5 --br=plain0", true, 4,
		 "vnet-bridge-helper: bridge plain0: is not a vnet network's: vnet attaches only "
		 "to "
		 "its own\n"},
		{"--fd=5 --br=lo", true, 4,
		 "vnet-bridge-helper: bridge lo: is not a vnet network's: vnet attaches only to "
		 "its "
		 "own\n"},
	};
	char *before;
	bool got;
	int code;

	ck_assert_int_eq(th_sh("ip link add plain0 type bridge"), 0);
	ck_assert_int_eq(nt_run("access allow lan 4242"), 0);
	before = nt_snapshot();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = by_hand(cases[i].args, cases[i].sock, &code, &got);

		ck_assert_msg(code == cases[i].code && !strcmp(err, cases[i].says) && !got,
			      "%s: exit %d, said: %s", cases[i].args, code, err);
	}
	nt_same_host(before, th_keep(nt_snapshot()));
	/* the same by hand, well formed: a tap comes back, and goes with it */
	by_hand("--br=lan --use-vnet --fd=5", true, &code, &got);
	ck_assert_msg(code == 0 && got, "exit %d: %s", code,
		      th_str("cat %s/helper.err", th_tmpdir()));
	ck_assert(lan_has_no_port(10));
	nt_same_host(before, th_keep(nt_snapshot()));
	free(before);
}
END_TEST

/* The helper's credentials while it waits for vnet's lock (the test holds
 * it): what it kept once it set no_new_privs, its last step before it
 * reads its arguments. */
START_TEST(the_helper_keeps_euid_0_and_cap_net_admin_alone)
{
	char lock[300], cmd[600], status[320];
	int sv[2], fd, st;
	const char *s = "";
	pid_t pid;

	ck_assert_int_eq(nt_run("access allow lan 4242"), 0);
	snprintf(lock, sizeof(lock), "%s/lock", getenv("VNET_RUN_DIR"));
	ck_assert_int_ge(fd = open(lock, O_RDWR | O_CLOEXEC), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	snprintf(cmd, sizeof(cmd), "exec " IN_GR " %s --use-vnet --fd=5 --br=lan", helper);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		dup2(sv[1], 5);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	snprintf(status, sizeof(status), "/proc/%d/status", (int)pid);
	for (int i = 0; i < 600 && !strstr(s, "NoNewPrivs:\t1"); i++) {
		usleep(50000);
		s = th_str("cat %s 2>/dev/null", status);
	}
	ck_assert_msg(strstr(s, "Name:\tvnet-bridge-hel") && strstr(s, "NoNewPrivs:\t1"), "%s", s);
	/* CAP_NET_ADMIN is bit 12 */
	ck_assert_msg(strstr(s, "Uid:\t0\t0\t0\t0\n") && strstr(s, "Gid:\t0\t0\t0\t0\n") &&
			      strstr(s, "Groups:\t \n") &&
			      strstr(s, "CapInh:\t0000000000000000\n") &&
			      strstr(s, "CapPrm:\t0000000000001000\n") &&
			      strstr(s, "CapEff:\t0000000000001000\n") &&
			      strstr(s, "CapBnd:\t0000000000000000\n") &&
			      strstr(s, "CapAmb:\t0000000000000000\n"),
		      "%s", s);
	/* the user cannot stop it while it waits for (or holds) vnet's lock */
	ck_assert_int_ne(th_sh(USER " kill -STOP %d 2>/dev/null", (int)pid), 0);
	close(fd);
	waitpid(pid, &st, 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	close(sv[0]);
	ck_assert(lan_has_no_port(10));
}
END_TEST

/* Installed as `vnet hooks install` installs it, the helper keeps its
 * mode: setuid root, not writable by others. */
START_TEST(hooks_install_installs_the_helper_setuid_root)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/libexec", th_tmpdir());
	ck_assert_int_eq(nt_run("hooks install --prefix %s >/dev/null", dir), 0);
	ck_assert_str_eq(th_str("stat -c '%%U:%%G %%a' %s/vnet-bridge-helper", dir),
			 "root:root 4755\n");
	/* again: nothing changes */
	ck_assert_int_eq(nt_run("hooks install --prefix %s >/dev/null", dir), 0);
	ck_assert_str_eq(th_str("stat -c '%%U:%%G %%a' %s/vnet-bridge-helper", dir),
			 "root:root 4755\n");
	ck_assert_int_eq(nt_run("hooks uninstall --prefix %s >/dev/null", dir), 0);
	ck_assert_int_ne(th_sh("test -e %s/vnet-bridge-helper", dir), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ns_bridge_helper");
	TCase *tc = tcase_create("helper");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, qemu_as_a_user_gets_a_port_like_port_add_and_its_exit_takes_it_away);
	tcase_add_test(tc, a_user_not_allowed_makes_qemu_fail_with_our_message_and_nothing_changes);
	tcase_add_test(tc, an_allowed_group_works_by_bridge_name_and_through_sh_c);
	tcase_add_test(tc, the_helper_by_hand_refuses_what_qemu_never_passes_and_changes_nothing);
	tcase_add_test(tc, the_helper_keeps_euid_0_and_cap_net_admin_alone);
	tcase_add_test(tc, hooks_install_installs_the_helper_setuid_root);
	suite_add_tcase(s, tc);
	return th_main(s, "ns_bridge_helper", true);
}
