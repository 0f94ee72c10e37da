/* Namespace tests of how vnet knows its dnsmasq: by a record of its own
 * (pid and start time, root's), checked against /proc before any signal,
 * never by a file that dnsmasq's user (nobody) can write. Whatever state
 * the files or the process are left in, `show` tells the truth,
 * `restart-services` brings one dnsmasq back, `destroy` leaves none, a
 * later `create` works, and no other process is signalled. Also: the
 * modes of what vnet writes for dnsmasq, and `leases` reading what
 * dnsmasq writes as an untrusted file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vnettest.h"

#define CREATE "create nat isbr 10.0.0.0/24"

/* The pids, one a line, of the processes an observer takes for this
 * test's dnsmasq: the exact command line vnet runs, in this network
 * namespace. */
static const char *ours(void)
{
	return th_str(
		"pgrep --ns $$ --nslist net -x -f 'dnsmasq --conf-file=%s/run/dnsmasq/isbr.conf'"
		" | sort",
		th_tmpdir());
}

/* The one dnsmasq of the network (fails the test unless exactly one). */
static int the_dnsmasq(void)
{
	const char *p = ours();
	int pid = atoi(p);

	ck_assert_msg(pid > 0 && strchr(p, '\n') == p + strlen(p) - 1, "dnsmasqs: '%s'", p);
	return pid;
}

/* A process that is not vnet's (a sleep), started in this namespace. */
static int decoy(void)
{
	int pid = atoi(th_str("sleep 1000 >/dev/null 2>&1 & echo $!"));

	ck_assert_int_gt(pid, 0);
	return pid;
}

static bool alive(int pid)
{
	/* a zombie is dead too */
	return th_sh("s=$(sed 's/.*) //' /proc/%d/stat 2>/dev/null | cut -c1); "
		     "[ -n \"$s\" ] && [ \"$s\" != Z ]",
		     pid) == 0;
}

/* What `vnet show` says of the network's dnsmasq: "state pid". */
static const char *shown(void)
{
	return th_str("%s show isbr -j | jq -r '.state + \" \" + (.dnsmasq_pid | tostring)'",
		      nt_vnet);
}

static const char *up_with(int pid)
{
	return th_str("echo 'up %d'", pid);
}

/* The states a dnsmasq and its files can be left in by others: root (an
 * admin, a cleanup script) or nobody (dnsmasq's own user, which owned the
 * pid file). $D is the folder, $OLD the running dnsmasq, $DECOY a sleep;
 * gone waits until a killed process is dead. */
static const struct {
	const char *state;
	bool runs; /* the dnsmasq still runs after it */
} states[] = {
	{"rm -f $D/isbr.pid", true},
	{"echo $DECOY > $D/isbr.pid", true},
	{"rm -f $D/isbr.pid && ln -s /proc/$DECOY/stat $D/isbr.pid", true},
	{"rm -f $D/isbr.proc", true},
	{"rm -f $D/isbr.proc $D/isbr.pid", true},
	/* names the decoy with its real start time: its command line says no */
	{"echo \"$DECOY $(sed 's/.*) //' /proc/$DECOY/stat | cut -d' ' -f20)\" > $D/isbr.proc",
	 true},
	{"printf '12x\\001\\n' > $D/isbr.proc", true},
	{"head -c 100000 /dev/zero | tr '\\0' 1 > $D/isbr.proc", true},
	{"rm -f $D/isbr.proc && mkfifo $D/isbr.proc", true},
	{"rm -f $D/isbr.proc && ln -s /proc/$DECOY/stat $D/isbr.proc", true},
	{"kill -9 $OLD && gone $OLD", false},
	{"kill -9 $OLD && gone $OLD && rm -f $D/isbr.proc $D/isbr.pid", false},
	{"kill -9 $OLD && gone $OLD && echo $DECOY > $D/isbr.pid", false},
};

static void leave_in_state(int i, int old, int decoy_pid)
{
	ck_assert_int_eq(
		th_sh("D=%s/run/dnsmasq OLD=%d DECOY=%d; "
		      "gone() { for i in $(seq 400); do s=$(sed 's/.*) //' /proc/$1/stat "
		      "2>/dev/null | cut -c1); [ -z \"$s\" ] || [ \"$s\" = Z ] && return 0; "
		      "sleep 0.05; done; return 1; }; %s",
		      th_tmpdir(), old, decoy_pid, states[i].state),
		0);
}

START_TEST(restart_and_destroy_recover_from_any_state_and_signal_nothing_else)
{
	int old, decoy_pid, now;

	ck_assert_int_eq(nt_run(CREATE), 0);
	old = the_dnsmasq();
	ck_assert_str_eq(shown(), up_with(old));
	decoy_pid = decoy();
	leave_in_state(_i, old, decoy_pid);
	if (states[_i].runs) {
		ck_assert_str_eq(shown(), up_with(old));
	} else {
		ck_assert_str_eq(ours(), "");
		ck_assert_str_eq(shown(), "degraded null\n");
	}
	ck_assert_int_eq(nt_run("restart-services isbr"), 0);
	now = the_dnsmasq();
	ck_assert_str_eq(shown(), up_with(now));
	ck_assert(alive(decoy_pid));
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_str_eq(ours(), "");
	ck_assert(alive(decoy_pid));
	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_str_eq(shown(), up_with(the_dnsmasq()));
}
END_TEST

/* The same states, then destroy straight away: it never leaves a dnsmasq. */
START_TEST(destroy_leaves_no_dnsmasq_from_any_state)
{
	int old, decoy_pid;

	ck_assert_int_eq(nt_run(CREATE), 0);
	old = the_dnsmasq();
	decoy_pid = decoy();
	leave_in_state(_i, old, decoy_pid);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_str_eq(ours(), "");
	ck_assert(alive(decoy_pid));
	ck_assert_str_eq(th_str("ls -A %s/run/dnsmasq", th_tmpdir()), "");
	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_str_eq(shown(), up_with(the_dnsmasq()));
}
END_TEST

/* A dnsmasq run with vnet's very command line in another network
 * namespace (another container's vnet with the same folders) is not ours:
 * show does not name it, restart-services and destroy leave it running. */
START_TEST(dnsmasq_of_another_namespace_with_our_path_is_left_alone)
{
	int mine, theirs;

	ck_assert_int_eq(nt_run(CREATE), 0);
	mine = the_dnsmasq();
	ck_assert_int_eq(th_sh("ip netns add other && ip -n other link set lo up"), 0);
	theirs = atoi(th_str("ip netns exec other dnsmasq --conf-file=%s/run/dnsmasq/isbr.conf "
			     ">/dev/null 2>&1 & echo $!",
			     th_tmpdir()));
	ck_assert_int_gt(theirs, 0);
	/* it runs (vnet's config keeps it in the foreground) once it dropped
	 * root, as ours does */
	ck_assert_int_eq(th_sh("for i in $(seq 400); do grep -q \"^Uid:.$(id -u nobody)\" "
			       "/proc/%d/status && exit 0; sleep 0.05; done; exit 1",
			       theirs),
			 0);
	ck_assert_int_eq(th_sh("rm -f %s/run/dnsmasq/isbr.proc %s/run/dnsmasq/isbr.pid",
			       th_tmpdir(), th_tmpdir()),
			 0);
	ck_assert_str_eq(shown(), up_with(mine));
	ck_assert_int_eq(nt_run("restart-services isbr"), 0);
	ck_assert(alive(theirs));
	ck_assert_str_eq(shown(), up_with(the_dnsmasq()));
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_str_eq(ours(), "");
	ck_assert(alive(theirs));
}
END_TEST

/* Without DHCP no dnsmasq of a network can run unrecorded, so a run of it
 * without DHCP is taken down without a scan of /proc; but a definition
 * that says "dhcp = no" proves nothing: with the run record and the pid
 * record gone, the dnsmasq of the run that had DHCP is still found and
 * ended by destroy (and by an up of the edited definition). */
START_TEST(dnsmasq_of_a_run_with_dhcp_is_ended_when_the_definition_dropped_it)
{
	for (int up = 0; up < 2; up++) {
		int old;

		ck_assert_int_eq(nt_run(CREATE), 0);
		old = the_dnsmasq();
		ck_assert_int_eq(
			th_sh("sed -i 's/^dhcp = .*/dhcp = no/' %s/conf/isbr.conf", th_tmpdir()),
			0);
		if (up) {
			/* the run record still says DHCP: up ends what ran */
			ck_assert_int_eq(nt_run("up isbr"), 0);
			ck_assert_str_eq(ours(), "");
			ck_assert(!alive(old));
			ck_assert_int_eq(nt_run("destroy isbr"), 0);
			continue;
		}
		ck_assert_int_eq(th_sh("rm %s/run/isbr.net %s/run/dnsmasq/isbr.proc", th_tmpdir(),
				       th_tmpdir()),
				 0);
		ck_assert(alive(old));
		ck_assert_int_eq(nt_run("destroy isbr"), 0);
		ck_assert_str_eq(ours(), "");
		ck_assert(!alive(old));
	}
}
END_TEST

/* A vnet killed after it forked dnsmasq, before it recorded it: the
 * dnsmasq it left is found (show names it), the same create converges to
 * one dnsmasq, and destroy leaves none. */
START_TEST(dnsmasq_left_by_a_killed_create_is_found_and_taken_down)
{
	ck_assert_int_eq(th_sh("VNET_KILL_AT=dnsmasq-forked $VNET " CREATE " 2>/dev/null"),
			 128 + 9);
	ck_assert_int_eq(th_sh("test -e %s/run/dnsmasq/isbr.proc", th_tmpdir()), 1);
	/* it goes on starting on its own: wait until it dropped root */
	ck_assert_int_eq(
		th_sh("for i in $(seq 400); do p=$(pgrep --ns $$ --nslist net -x -f "
		      "'dnsmasq --conf-file=%s/run/dnsmasq/isbr.conf') && grep -q "
		      "\"^Uid:.$(id -u nobody)\" /proc/$p/status && exit 0; sleep 0.05; done; "
		      "exit 1",
		      th_tmpdir()),
		0);
	ck_assert_int_eq(
		th_sh("%s show isbr -j | jq -e '.dnsmasq_pid == %d'", nt_vnet, the_dnsmasq()), 0);
	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_str_eq(shown(), up_with(the_dnsmasq()));
	ck_assert_int_eq(
		th_sh("VNET_KILL_AT=dnsmasq-forked $VNET restart-services isbr 2>/dev/null"),
		128 + 9);
	ck_assert_int_eq(nt_run("destroy isbr"), 0);
	ck_assert_str_eq(ours(), "");
}
END_TEST

/* A dnsmasq that cannot start says why, in its own words, and the create
 * is undone. */
START_TEST(dnsmasq_that_cannot_start_says_why)
{
	char *err;
	int code;

	/* UDP port 53 of every address taken, without SO_REUSEADDR */
	ck_assert_int_eq(
		th_sh("python3 -c 'import socket, sys, time\n"
		      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		      "s.bind((\"0.0.0.0\", 53))\nprint(\"bound\", flush=True)\n"
		      "time.sleep(1000)' > %s/bound 2>&1 &\n"
		      "for i in $(seq 400); do grep -q bound %s/bound && exit 0; sleep 0.05; done; "
		      "exit 1",
		      th_tmpdir(), th_tmpdir()),
		0);
	err = nt_err(&code, CREATE);
	ck_assert_str_eq(err,
			 "vnet: dnsmasq of network isbr: start: failed to create listening socket "
			 "for 10.0.0.1: Address already in use\n");
	ck_assert_int_ne(code, 0);
	free(err);
	ck_assert_int_ne(th_sh("ip link show isbr >/dev/null 2>&1"), 0);
	ck_assert_str_eq(th_str("ls -A %s/run/dnsmasq", th_tmpdir()), "");
	/* programs that are no dnsmasq at all */
	err = th_out(&code, "VNET_DNSMASQ=/nonexistent %s " CREATE " 2>&1", nt_vnet);
	ck_assert_str_eq(err,
			 "vnet: dnsmasq of network isbr: start: cannot run /nonexistent: No such "
			 "file or directory\n");
	free(err);
	err = th_out(&code, "VNET_DNSMASQ=/bin/false %s " CREATE " 2>&1", nt_vnet);
	ck_assert_str_eq(err, "vnet: dnsmasq of network isbr: start: exited with an error\n");
	free(err);
}
END_TEST

/* vnetd blocks SIGTERM and SIGHUP (it reads them from a signalfd): the
 * dnsmasq it starts must not inherit that, or it would ignore vnet's
 * reload and stop. Started here from a vnet that blocks them. */
START_TEST(dnsmasq_gets_no_blocked_signals_from_vnet)
{
	ck_assert_int_eq(
		th_sh("python3 -c 'import os, signal, sys\n"
		      "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGHUP})\n"
		      "os.execv(sys.argv[1], sys.argv[1:])' $VNET " CREATE),
		0);
	ck_assert_str_eq(th_str("grep SigBlk /proc/%d/status", the_dnsmasq()),
			 "SigBlk:\t0000000000000000\n");
}
END_TEST

/* Under umask 000, every file vnet keeps for dnsmasq, and the folder, is
 * root's and writable by root alone: nothing nobody could rewrite. */
START_TEST(dnsmasq_files_are_root_owned_and_not_writable_by_others_under_umask_000)
{
	ck_assert_int_eq(th_sh("umask 000 && $VNET " CREATE " && "
			       "$VNET host add isbr 52:54:00:00:00:07 10.0.0.7 seven && "
			       "$VNET restart-services isbr"),
			 0);
	ck_assert_str_eq(th_str("find $VNET_RUN_DIR/dnsmasq \\( -perm /022 -o ! -user root \\) "
				"-printf '%%m %%u %%p\\n'"),
			 "");
	ck_assert_str_eq(th_str("cd $VNET_RUN_DIR/dnsmasq && stat -c '%%a %%U %%n' . * | sort"),
			 "644 root isbr.addn\n644 root isbr.conf\n644 root isbr.hosts\n"
			 "644 root isbr.leases\n644 root isbr.proc\n755 root .\n");
	ck_assert_str_eq(th_str("find $VNET_RUN_DIR/dnsmasq -mindepth 1 ! -type f"), "");
}
END_TEST

/* `vnet leases` reads what dnsmasq (as nobody) wrote: a link, a FIFO or
 * an oversized file is refused, never followed or waited on; a line that
 * is not a lease is passed over, and a name that is not a host name (here
 * a terminal's escape sequence) is none. */
START_TEST(leases_are_read_as_an_untrusted_file)
{
	const char *lease = "2000000000 52:54:00:00:00:07 10.0.0.7 seven *";
	char *err;
	int code;

	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("cd $VNET_RUN_DIR/dnsmasq && rm isbr.leases && "
			       "printf '%s\\n' > %s/lease && ln -s %s/lease isbr.leases",
			       lease, th_tmpdir(), th_tmpdir()),
			 0);
	err = nt_err(&code, "leases isbr");
	ck_assert_str_eq(err,
			 th_str("echo 'vnet: %s/run/dnsmasq/isbr.leases: read: is a symbolic link'",
				th_tmpdir()));
	free(err);
	ck_assert_int_eq(th_sh("cd $VNET_RUN_DIR/dnsmasq && rm isbr.leases && mkfifo isbr.leases"),
			 0);
	err = th_out(&code, "timeout 20 %s leases isbr 2>&1", nt_vnet);
	ck_assert_int_ne(code, 124);
	ck_assert_int_ne(code, 0);
	ck_assert_str_eq(
		err, th_str("echo 'vnet: %s/run/dnsmasq/isbr.leases: read: is not a regular file'",
			    th_tmpdir()));
	free(err);
	ck_assert_int_eq(th_sh("cd $VNET_RUN_DIR/dnsmasq && rm isbr.leases && "
			       "head -c 20000000 /dev/zero | tr '\\0' x > isbr.leases"),
			 0);
	err = nt_err(&code, "leases isbr");
	ck_assert_str_eq(err, th_str("echo 'vnet: %s/run/dnsmasq/isbr.leases: read: is too large'",
				     th_tmpdir()));
	free(err);
	ck_assert_int_eq(th_sh("cd $VNET_RUN_DIR/dnsmasq && "
			       "printf 'duid 00:01\\ngarbage\\n%s\\n"
			       "2000000000 52:54:00:00:00:08 10.0.0.8 e\\033]0;x\\007vil *\\n' > "
			       "isbr.leases",
			       lease),
			 0);
	ck_assert_str_eq(th_str("%s leases isbr -j | jq -r '.[] | .mac + \" \" + .ip + \" \" + "
				"(.hostname | tostring)'",
				nt_vnet),
			 "52:54:00:00:00:07 10.0.0.7 seven\n"
			 "52:54:00:00:00:08 10.0.0.8 null\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_dnsmasq");
	TCase *t = tcase_create("dnsmasq");
	unsigned n = sizeof(states) / sizeof(states[0]);

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_loop_test(t, restart_and_destroy_recover_from_any_state_and_signal_nothing_else,
			    0, (int)n);
	tcase_add_loop_test(t, destroy_leaves_no_dnsmasq_from_any_state, 0, (int)n);
	tcase_add_test(t, dnsmasq_of_another_namespace_with_our_path_is_left_alone);
	tcase_add_test(t, dnsmasq_left_by_a_killed_create_is_found_and_taken_down);
	tcase_add_test(t, dnsmasq_of_a_run_with_dhcp_is_ended_when_the_definition_dropped_it);
	tcase_add_test(t, dnsmasq_that_cannot_start_says_why);
	tcase_add_test(t, dnsmasq_gets_no_blocked_signals_from_vnet);
	tcase_add_test(t, dnsmasq_files_are_root_owned_and_not_writable_by_others_under_umask_000);
	tcase_add_test(t, leases_are_read_as_an_untrusted_file);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_dnsmasq", true);
}
