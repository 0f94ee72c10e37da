/* Namespace tests of what makes vnet safe to run as root on a real host
 * (issue 10): definitions read only as bounded regular files of root's,
 * files with their modes whatever the umask, `up` with create's checks, a
 * running network torn down whatever became of its definition, and
 * convergence after a kill at any point of create and destroy. Everything
 * is observed from outside vnet (ip, nft, /proc, stat). */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/vnettest.h"

/* The table of bad definitions below holds the shell lines as formats. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

extern char **environ;

/* Nothing of network kx9 (bridge kx9, subnet 10.7.0.0/24) is left: no
 * link, nothing in the ruleset, no dnsmasq, no file. */
static void nothing_left(void)
{
	ck_assert_int_ne(th_sh("ip link show kx9 >/dev/null 2>&1"), 0);
	ck_assert_str_eq(th_str("nft list ruleset | grep -E 'kx9|10\\.7\\.0' || true"), "");
	ck_assert_str_eq(th_str("pgrep -af \"$VNET_RUN_DIR/dnsmasq/kx9\" || true"), "");
	ck_assert_str_eq(
		th_str("ls -A $VNET_RUN_DIR $VNET_RUN_DIR/dnsmasq $VNET_CONF_DIR 2>/dev/null "
		       "| grep kx9 || true"),
		"");
}

/* The network runs as created: shown up, its bridge marked, a guest's
 * gateway reachable from the host. */
static void runs(void)
{
	ck_assert_str_eq(th_str("$VNET show kx9 -j | jq -r .state"), "up\n");
	ck_assert_str_eq(th_str("ip -j -d link show kx9 | jq -r '.[0].ifalias'"), "vnet:kx9\n");
	ck_assert_str_eq(th_str("$VNET list | awk '$1 == \"kx9\" { print $5 }'"), "up\n");
}

#define CREATE "create nat kx9 10.7.0.0/24"

/* The points where a test build kills itself (VNET_KILL_AT): before each
 * step of create, between creating the bridge and marking it, after the
 * last; in destroy after each part and before the definition goes. */
static const char *const create_points[] = {"bridge", "bridge-made", "configure", "forwarding",
					    "rules",  "services",    "applied"};
static const char *const destroy_points[] = {"teardown-services", "teardown-rules",
					     "teardown-bridge", "forget"};

START_TEST(create_killed_at_any_point_converges_on_create_or_destroy)
{
	const char *p = create_points[_i];

	/* killed, then the same create finishes it */
	ck_assert_int_eq(th_sh("VNET_KILL_AT=%s $VNET " CREATE " 2>/dev/null", p), 128 + SIGKILL);
	ck_assert_int_eq(nt_run(CREATE), 0);
	runs();
	ck_assert_int_eq(nt_run("destroy kx9"), 0);
	nothing_left();
	/* killed, then destroy takes all of it away */
	ck_assert_int_eq(th_sh("VNET_KILL_AT=%s $VNET " CREATE " 2>/dev/null", p), 128 + SIGKILL);
	ck_assert_int_eq(nt_run("destroy kx9"), 0);
	nothing_left();
	ck_assert_int_eq(nt_run(CREATE), 0);
	runs();
}
END_TEST

START_TEST(destroy_killed_at_any_point_converges_on_destroy)
{
	const char *p = destroy_points[_i];
	int code;

	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("VNET_KILL_AT=%s $VNET destroy kx9 2>/dev/null", p), 128 + SIGKILL);
	free(nt_err(&code, "destroy kx9"));
	ck_assert_int_eq(code, 0);
	nothing_left();
	ck_assert_int_eq(nt_run(CREATE), 0);
	runs();
}
END_TEST

/* Runs vnet with args and kills it with SIGKILL after delay_us (it may have
 * finished by then). */
static void run_killed(const char *args, long delay_us)
{
	char line[256];
	char *argv[] = {"/bin/sh", "-c", line, NULL};
	struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
	pid_t pid;
	int st;

	/* exec: the shell becomes vnet, so the signal reaches vnet itself */
	snprintf(line, sizeof(line), "exec %s %s 2>/dev/null", nt_vnet, args);
	ck_assert_int_eq(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ), 0);
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

static long elapsed_us(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000L + (b.tv_nsec - a->tv_nsec) / 1000;
}

/* A real kill -9 at random moments of create and of destroy, 64 rounds:
 * after each, destroy leaves nothing and create works. The delays are drawn
 * from the span this machine takes for the command, so every part of it is
 * hit whatever the machine's speed; what is asserted holds for any delay. */
START_TEST(sigkill_at_random_moments_of_create_and_destroy_leaks_nothing)
{
	struct timespec t0;
	long span_create, span_destroy;
	unsigned seed = (unsigned)time(NULL);

	fprintf(stderr, "seed %u\n", seed);
	srand(seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(nt_run(CREATE), 0);
	span_create = elapsed_us(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(nt_run("destroy kx9"), 0);
	span_destroy = elapsed_us(&t0);
	for (int round = 0; round < 64; round++) {
		int code;

		run_killed(CREATE, rand() % (span_create + 1));
		if (round % 2) {
			/* the create may have finished: kill a destroy too */
			ck_assert_int_eq(nt_run(CREATE), 0);
			run_killed("destroy kx9", rand() % (span_destroy + 1));
		}
		free(nt_err(&code, "destroy kx9"));
		ck_assert_msg(code == 0 || code == 3, "round %d: destroy exited %d", round, code);
		nothing_left();
	}
	ck_assert_int_eq(nt_run(CREATE), 0);
	runs();
}
END_TEST

/* A FIFO where a definition should be: every command returns, names it,
 * and the lock stays free for the others. */
START_TEST(a_fifo_among_definitions_blocks_nothing_and_is_named)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("mkfifo $VNET_CONF_DIR/fifo.conf"), 0);
	/* timeout: a hang fails the test rather than the suite */
	err = th_out(&code, "timeout 20 $VNET list 2>&1");
	ck_assert_int_eq(code, 0);
	ck_assert_ptr_nonnull(strstr(err, "fifo.conf: read: is not a regular file"));
	ck_assert_ptr_nonnull(strstr(err, "kx9"));
	free(err);
	err = th_out(&code, "timeout 20 $VNET up fifo 2>&1");
	ck_assert_int_eq(code, 2);
	ck_assert_ptr_nonnull(strstr(err, "is not a regular file"));
	free(err);
	ck_assert_int_eq(th_sh("timeout 20 $VNET up --all >/dev/null 2>&1; test $? -ne 124"), 0);
	ck_assert_int_eq(th_sh("timeout 20 $VNET destroy kx9"), 0);
}
END_TEST

/* A definition that is a link to a secret, one owned by another user, one
 * too large, binary bytes: refused, and nothing of their content is
 * printed. */
START_TEST(definitions_that_are_not_roots_text_are_refused_unprinted)
{
	static const struct {
		const char *make, *name, *why;
	} bad[] = {
		{"printf 'SECRET-LINE\\n' > %s/secret && ln -s %s/secret $VNET_CONF_DIR/lnk.conf",
		 "lnk", "is a symbolic link"},
		{"printf '[network]\\nname = own\\nmodel = isolated\\nSECRET-LINE\\n' > "
		 "$VNET_CONF_DIR/own.conf && chown 65534 $VNET_CONF_DIR/own.conf%.0s%.0s",
		 "own", "is not owned by root"},
		{"head -c 70000 /dev/zero | tr '\\\\0' '#' > $VNET_CONF_DIR/big.conf%.0s%.0s",
		 "big", "is too large"},
		{"printf '[network]\\nname = esc\\033[2J\\033]0;SECRET-LINE\\007\\n' > "
		 "$VNET_CONF_DIR/esc.conf%.0s%.0s",
		 "esc", "holds a control byte"},
		{"printf '[network]\\nname = dup\\nmodel = nat\\nmodel = routed\\n' > "
		 "$VNET_CONF_DIR/dup.conf%.0s%.0s",
		 "dup", "key \"model\" given twice"},
	};
	const char *tmp = th_tmpdir();

	ck_assert_int_eq(th_sh("mkdir -p $VNET_CONF_DIR"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *cmds[] = {"list", "show %s", "up %s", "show %s -j"};
		char make[512];

		snprintf(make, sizeof(make), bad[i].make, tmp, tmp);
		ck_assert_int_eq(th_sh("%s", make), 0);
		for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
			char args[64], *out;
			int code;

			snprintf(args, sizeof(args), cmds[k], bad[i].name);
			out = th_out(&code, "timeout 20 $VNET %s 2>&1", args);
			ck_assert_msg(strstr(out, bad[i].why), "%s: %s", args, out);
			ck_assert_msg(!strstr(out, "SECRET"), "%s printed the file: %s", args, out);
			ck_assert_msg(!strchr(out, '\x1b') && !strchr(out, '\x07'), "%s: raw bytes",
				      args);
			if (k > 0)
				ck_assert_int_eq(code, 2);
			free(out);
		}
	}
	/* none of them came up */
	ck_assert_str_eq(th_str("ip -br link | grep -E '^(lnk|own|big|esc|dup)' || true"), "");
}
END_TEST

/* Under umask 000, nothing vnet writes (definitions, its records, dnsmasq's
 * files, the lock) is writable by group or others, nor any folder. */
START_TEST(files_get_their_modes_whatever_the_umask)
{
	ck_assert_int_eq(th_sh("umask 000 && $VNET " CREATE " && $VNET host add kx9 "
			       "52:54:00:00:00:07 10.7.0.7 seven && $VNET forward add kx9 tcp 8080 "
			       "10.7.0.7:80 && $VNET map kx9 'tap*' && $VNET default kx9"),
			 0);
	ck_assert_str_eq(
		th_str("find $VNET_CONF_DIR $VNET_RUN_DIR -perm /022 -printf '%%m %%p\\n'"), "");
	ck_assert_str_eq(th_str("stat -c %%a $VNET_RUN_DIR/lock"), "600\n");
	ck_assert_str_eq(th_str("stat -c %%a $VNET_CONF_DIR/kx9.conf"), "644\n");
}
END_TEST

/* `up` of a hand-written definition refuses what create refuses, with the
 * same message, and the network it would have taken over keeps running. */
START_TEST(up_refuses_what_create_refuses)
{
	static const char *const defs[] = {
		/* another network's subnet */
		"[network]\nname = hand\nmodel = nat\n[subnet]\nprefix = 10.7.0.0/25\n",
		/* another network's bridge */
		"[network]\nname = hand\nmodel = nat\nbridge = kx9\n[subnet]\nprefix = "
		"10.8.0.0/24\n",
		/* an address of the host */
		"[network]\nname = hand\nmodel = isolated\n[subnet]\nprefix = 192.0.2.0/24\n",
	};
	static const char *const create[] = {
		"create nat hand 10.7.0.0/25",
		"create nat hand 10.8.0.0/24 --bridge kx9",
		"create isolated hand 192.0.2.0/24",
	};
	char *want, *have, file[320];
	int code;
	FILE *f;

	ck_assert_int_eq(nt_run(CREATE), 0);
	want = nt_err(&code, "%s", create[_i]);
	ck_assert_int_eq(code, 4);
	snprintf(file, sizeof(file), "%s/hand.conf", getenv("VNET_CONF_DIR"));
	f = fopen(file, "w");
	fputs(defs[_i], f);
	fclose(f);
	have = nt_err(&code, "up hand");
	ck_assert_int_eq(code, 4);
	ck_assert_str_eq(have, want);
	free(nt_err(&code, "up --all"));
	ck_assert_int_ne(code, 0);
	runs();
	ck_assert_int_ne(th_sh("ip link show hand >/dev/null 2>&1"), 0);
	free(want);
	free(have);
}
END_TEST

/* A definition written beside a running network, with its subnet, never
 * up: the newcomer is refused (its up, names the one that runs), and the
 * running network is still repaired (its up, vnetd's) — before, its repair
 * was refused for overlapping the newcomer, and it stayed degraded. */
START_TEST(a_definition_beside_a_running_network_does_not_block_its_repair)
{
	char *err;
	int code;

	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("sed -e 's/= kx9$/= hand/' $VNET_CONF_DIR/kx9.conf "
			       ">$VNET_CONF_DIR/hand.conf && grep -q '^bridge = hand$' "
			       "$VNET_CONF_DIR/hand.conf && ip link set kx9 mtu 1400"),
			 0);
	ck_assert_int_eq(nt_run("up kx9"), 0);
	runs();
	err = nt_err(&code, "up hand");
	ck_assert_int_eq(code, 4);
	ck_assert_ptr_nonnull(strstr(err, "overlaps subnet 10.7.0.0/24 of network kx9"));
	free(err);
	ck_assert_int_ne(th_sh("ip link show hand >/dev/null 2>&1"), 0);
	runs();
}
END_TEST

/* A running network whose definition was truncated, or removed: shown as
 * what runs, degraded, and destroy takes down all of it. */
START_TEST(destroy_tears_down_what_runs_when_the_definition_is_corrupt_or_gone)
{
	static const char *const spoil[] = {": > $VNET_CONF_DIR/kx9.conf",
					    "rm $VNET_CONF_DIR/kx9.conf",
					    "echo 'garbage' > $VNET_CONF_DIR/kx9.conf"};
	char *out;
	int code;

	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("%s", spoil[_i]), 0);
	out = th_out(&code, "$VNET show kx9 -j | jq -r '.state, .reason'");
	ck_assert_int_eq(code, 0);
	ck_assert_msg(!strncmp(out, "degraded\n", 9) && strstr(out, "vnet destroy kx9"), "%s", out);
	free(out);
	out = th_out(&code, "$VNET list 2>&1");
	ck_assert_msg(strstr(out, "kx9"), "list does not name the orphan: %s", out);
	free(out);
	ck_assert_int_eq(nt_run("down kx9"), 0);
	ck_assert_int_ne(th_sh("ip link show kx9 >/dev/null 2>&1"), 0);
	ck_assert_int_eq(th_sh("test -e $VNET_RUN_DIR/kx9.net"), 1);
	/* down kept the file as it was; destroy takes it */
	free(nt_err(&code, "destroy kx9"));
	ck_assert_int_eq(code, _i == 1 ? 3 : 0);
	nothing_left();
	/* and once more with destroy straight away */
	ck_assert_int_eq(nt_run(CREATE), 0);
	ck_assert_int_eq(th_sh("%s", spoil[_i]), 0);
	ck_assert_int_eq(nt_run("destroy kx9"), 0);
	nothing_left();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_harden");
	TCase *t = tcase_create("crash");

	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_loop_test(t, create_killed_at_any_point_converges_on_create_or_destroy, 0,
			    sizeof(create_points) / sizeof(create_points[0]));
	tcase_add_loop_test(t, destroy_killed_at_any_point_converges_on_destroy, 0,
			    sizeof(destroy_points) / sizeof(destroy_points[0]));
	tcase_add_test(t, sigkill_at_random_moments_of_create_and_destroy_leaks_nothing);
	suite_add_tcase(s, t);
	t = tcase_create("files");
	tcase_add_checked_fixture(t, nt_setup, th_netns_teardown);
	tcase_add_test(t, a_fifo_among_definitions_blocks_nothing_and_is_named);
	tcase_add_test(t, definitions_that_are_not_roots_text_are_refused_unprinted);
	tcase_add_test(t, files_get_their_modes_whatever_the_umask);
	tcase_add_loop_test(t, up_refuses_what_create_refuses, 0, 3);
	tcase_add_test(t, a_definition_beside_a_running_network_does_not_block_its_repair);
	tcase_add_loop_test(t, destroy_tears_down_what_runs_when_the_definition_is_corrupt_or_gone,
			    0, 3);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_harden", true);
}
