/* Namespace tests of the command line's front (issue 10): what a user
 * without root is told (the command needs root: exit 5) and what such a
 * user can still read; --help on every command and sub-command of the
 * command table; and that no byte a file, the kernel or a user put in a
 * string reaches the terminal raw, in text or JSON, on stdout or stderr.
 * The unprivileged runs fork and drop to nobody (65534) in the child, in
 * the test's namespaces, with its VNET_CONF_DIR/VNET_RUN_DIR, folders that
 * root made. */
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/vnettest.h"

#define NOBODY 65534

/* What a command printed, and how it ended. */
struct run {
	char *out, *err;
	int code;
};

static char *slurp(FILE *f)
{
	size_t n = 0, cap = 4096;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	rewind(f);
	for (size_t r; (r = fread(s + n, 1, cap - n - 1, f)) > 0;) {
		n += r;
		if (cap - n - 1 == 0)
			ck_assert_ptr_nonnull(s = realloc(s, cap *= 2));
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Runs the shell line, as nobody when unpriv; both outputs apart. */
static struct run vrun(bool unpriv, const char *fmt, va_list ap)
{
	FILE *out = tmpfile(), *err = tmpfile();
	struct run r = {0};
	char *cmd = NULL;
	int status;
	pid_t pid;

	ck_assert_int_ge(vasprintf(&cmd, fmt, ap), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		if (unpriv && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	free(cmd);
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r.out = slurp(out);
	r.err = slurp(err);
	return r;
}

__attribute__((format(printf, 1, 2))) static struct run as_nobody(const char *fmt, ...)
{
	va_list ap;
	struct run r;

	va_start(ap, fmt);
	r = vrun(true, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 1, 2))) static struct run as_root(const char *fmt, ...)
{
	va_list ap;
	struct run r;

	va_start(ap, fmt);
	r = vrun(false, fmt, ap);
	va_end(ap);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* nobody reaches the folders root made (mkdtemp's is 0700). */
static void setup(void)
{
	nt_setup();
	ck_assert_int_eq(th_sh("chmod 0755 %s", th_tmpdir()), 0);
}

/* Network n1 (NAT 10.9.0.0/24, DHCP), made by root, with a port v0. */
static void network(void)
{
	ck_assert_int_eq(nt_run("create nat n1 10.9.0.0/24"), 0);
	ck_assert_int_eq(th_sh("ip link add v0 type veth peer name v0p"), 0);
	ck_assert_int_eq(nt_run("port add n1 v0"), 0);
	ck_assert_int_eq(nt_run("host add n1 52:54:00:00:00:07 10.9.0.7 seven"), 0);
	ck_assert_int_eq(nt_run("forward add n1 tcp 8080 10.9.0.7:80"), 0);
}

/* Unprivileged, a command that changes something says it needs root. */
static const struct {
	const char *args, *cmd;
} mutating[] = {
	{"create nat n2 10.8.0.0/24", "create"},
	{"create isolated n2 10.8.0.0/24 --no-dhcp", "create"},
	{"destroy n1", "destroy"},
	{"up n1", "up"},
	{"up --all", "up"},
	{"down n1", "down"},
	{"port add n1 v1", "port add"},
	{"port del v0", "port del"},
	{"host add n1 52:54:00:00:00:05 10.9.0.5", "host add"},
	{"host del n1 52:54:00:00:00:07", "host del"},
	{"forward add n1 tcp 8081 10.9.0.5:80", "forward add"},
	{"forward del n1 tcp 8080", "forward del"},
	{"restart-services n1", "restart-services"},
	{"map n1 'vif*'", "map"},
	{"unmap 'vif*'", "unmap"},
	{"default n1", "default"},
	{"default --none", "default"},
	{"tune v0 --gso off", "tune"},
	{"vm start a --net n1 --memory 64", "vm start"},
	{"hooks install --prefix $VNET_RUN_DIR/../bin", "hooks install"},
	{"hooks uninstall --prefix $VNET_RUN_DIR/../bin", "hooks uninstall"},
};

START_TEST(unprivileged_change_says_it_needs_root_and_changes_nothing)
{
	char want[160], *before, *after;
	struct run r;

	network();
	ck_assert_int_eq(th_sh("ip link add v1 type veth peer name v1p"), 0);
	if (!strncmp(mutating[_i].args, "hooks uninstall", 15)) /* something to remove */
		ck_assert_int_eq(nt_run("hooks install --prefix $VNET_RUN_DIR/../bin >/dev/null"),
				 0);
	before = nt_snapshot();
	r = as_nobody("$VNET %s", mutating[_i].args);
	snprintf(want, sizeof(want), "vnet: %s: needs root (CAP_NET_ADMIN): run it as root\n",
		 mutating[_i].cmd);
	ck_assert_msg(r.code == 5, "%s: exit %d: %s", mutating[_i].args, r.code, r.err);
	ck_assert_str_eq(r.err, want);
	ck_assert_str_eq(r.out, "");
	after = nt_snapshot();
	nt_same_host(before, after);
	ck_assert_str_eq(th_str("ip -j link show v0 | jq -r '.[0].master'"), "n1\n");
	run_free(&r);
	free(before);
	free(after);
}
END_TEST

/* A first run, before root made $VNET_RUN_DIR: the same. */
START_TEST(unprivileged_create_on_a_fresh_host_says_it_needs_root)
{
	struct run r = as_nobody("$VNET create nat n2 10.8.0.0/24");

	ck_assert_int_eq(r.code, 5);
	ck_assert_str_eq(r.err, "vnet: create: needs root (CAP_NET_ADMIN): run it as root\n");
	ck_assert_int_ne(th_sh("ip link show n2 >/dev/null 2>&1"), 0);
	run_free(&r);
}
END_TEST

/* qemu runs the hooks as the user it runs as (script= before -runas drops
 * root, downscript= after): what it shows must say why. */
START_TEST(unprivileged_ifup_says_it_needs_root)
{
	struct run r;

	network();
	ck_assert_int_eq(th_sh("ip link add v1 type veth peer name v1p"), 0);
	r = as_nobody("VNET_NETWORK=n1 $VNET_IFUP v1");
	ck_assert_msg(r.code == 5, "ifup: exit %d: %s", r.code, r.err);
	ck_assert_msg(!strncmp(r.err, "vnet-ifup: v1: needs root (CAP_NET_ADMIN)", 41) &&
			      strstr(r.err, "uid 65534"),
		      "%s", r.err);
	ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "not one line: %s", r.err);
	ck_assert_str_eq(th_str("ip -j link show v1 | jq -r '.[0].master'"), "null\n");
	run_free(&r);
}
END_TEST

START_TEST(unprivileged_ifdown_says_it_needs_root)
{
	struct run r;

	network();
	r = as_nobody("VNET_NETWORK=n1 $VNET_IFDOWN v0");
	ck_assert_msg(r.code == 5, "ifdown: exit %d: %s", r.code, r.err);
	ck_assert_msg(!strncmp(r.err, "vnet-ifdown: v0: needs root (CAP_NET_ADMIN)", 43) &&
			      strstr(r.err, "uid 65534"),
		      "%s", r.err);
	ck_assert_str_eq(th_str("ip -j link show v0 | jq -r '.[0].master'"), "n1\n");
	run_free(&r);
}
END_TEST

/* What only reads works for nobody as far as the kernel lets it: the
 * ruleset, and in which namespace root's dnsmasq runs, are root's to read,
 * so show says those went unchecked (and not that they are broken). */
START_TEST(unprivileged_reads_still_work)
{
	const char *reads[] = {"list",
			       "list -j",
			       "show n1 -j",
			       "leases n1",
			       "leases n1 -j",
			       "forward list n1",
			       "forward list n1 -j",
			       "map -l",
			       "map -l -j",
			       "default",
			       "vm list",
			       "vm list -j",
			       "tune --report",
			       "tune --report v0 -j",
			       "help",
			       "--version"};
	struct run r;

	network();
	ck_assert_int_eq(nt_run("map n1 'vif*'"), 0);
	ck_assert_int_eq(nt_run("default n1"), 0);
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		r = as_nobody("$VNET %s", reads[i]);
		ck_assert_msg(r.code == 0, "%s: exit %d: %s", reads[i], r.code, r.err);
		run_free(&r);
	}
	r = as_nobody("$VNET list");
	ck_assert_msg(strstr(r.out,
			     "\nn1              nat      n1              10.9.0.0/24        up "
			     "      1\n"),
		      "%s", r.out);
	run_free(&r);
	/* whether nobody may see dnsmasq's namespace is the kernel's to say:
	 * found, or unchecked, never "not running" */
	r = as_nobody("$VNET show n1");
	ck_assert_int_eq(r.code, 0);
	ck_assert_msg(!strncmp(r.out, "n1  nat  up\n", 12), "%s", r.out);
	ck_assert_msg(
		strstr(r.out, "  ports    v0\n") && strstr(r.out, "\n  unchecked rules") &&
			(strstr(r.out, "\n  dnsmasq  pid ") ||
			 strstr(r.out, "\n  unchecked rules, dnsmasq: only root can read them\n")),
		"%s", r.out);
	run_free(&r);
	r = as_nobody("$VNET list");
	ck_assert_msg(!strncmp(r.err, "vnet: list: rules", 17) &&
			      strstr(r.err, " not checked: only root can read them\n"),
		      "%s", r.err);
	run_free(&r);
	r = as_nobody("$VNET show n1 -j | jq -r '.state, .unchecked[0], .ports[0], "
		      "(.dnsmasq_pid != null or (.unchecked | index(\"dnsmasq\") != null))'");
	ck_assert_str_eq(r.out, "up\nrules\nv0\ntrue\n");
	run_free(&r);
	r = as_nobody("$VNET default");
	ck_assert_str_eq(r.out, "n1\n");
	run_free(&r);
	/* and root's own view checks the rules */
	ck_assert_str_eq(th_str("$VNET show n1 -j | jq -c '[.state, .unchecked]'"),
			 "[\"up\",[]]\n");
	ck_assert_str_eq(th_str("$VNET show n1 | grep -c unchecked || true"), "0\n");
}
END_TEST

/* A network that is not defined is not found (exit 3), whichever command
 * names it, and the line says so; access list printed an empty table. */
START_TEST(a_network_not_defined_is_not_found_by_every_command_naming_it)
{
	const char *cmds[] = {"show nosuchnet",		 "leases nosuchnet",
			      "forward list nosuchnet",	 "restart-services nosuchnet",
			      "access list nosuchnet",	 "access list nosuchnet -j",
			      "access allow nosuchnet 0"};

	network();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct run r = as_root("$VNET %s", cmds[i]);

		ck_assert_msg(
			r.code == 3 &&
				!strcmp(r.err, "vnet: network nosuchnet: no such network\n") &&
				!r.out[0],
			"%s: exit %d: %s%s", cmds[i], r.code, r.err, r.out);
		run_free(&r);
	}
}
END_TEST

/* Every command and sub-command of the table (vnet help --commands) names
 * an option it does not take (escaped), prints its usage and exits 2 before
 * it does anything; -h and --help anywhere ask for the usage; every option
 * its usage shows is one it takes (vnet help --options CMD [SUB]). */
START_TEST(every_command_names_an_option_it_does_not_take)
{
	char *list = th_out(NULL, "$VNET help --commands"), *save = NULL;
	unsigned n = 0;

	for (char *c = strtok_r(list, "\n", &save); c; c = strtok_r(NULL, "\n", &save), n++) {
		char want[160];
		const char *missing;
		struct run r = as_root(
			"$VNET %s --bogus NAME $(printf 'x\\001') --b$(printf '\\033')d", c);

		snprintf(want, sizeof(want), "vnet %s: unknown option --bogus\nusage: vnet %s", c,
			 c);
		ck_assert_msg(r.code == 2 && !strncmp(r.err, want, strlen(want)) && !r.out[0],
			      "%s --bogus: exit %d: %s%s", c, r.code, r.err, r.out);
		run_free(&r);
		if (!strcmp(c, "vm monitor"))
			continue; /* after NAME: the monitor command's own words */
		r = as_root("$VNET %s NAME --b$(printf '\\033')d", c);
		snprintf(want, sizeof(want), "vnet %s: unknown option --b\\x1bd\n", c);
		ck_assert_msg(r.code == 2 && !strncmp(r.err, want, strlen(want)), "%s: %s", c,
			      r.err);
		run_free(&r);
		if (strcmp(c, "help")) {
			r = as_root("$VNET %s NAME --help", c);
			snprintf(want, sizeof(want), "usage: vnet %s", c);
			ck_assert_msg(r.code == 0 && !strncmp(r.out, want, strlen(want)),
				      "%s: %s%s", c, r.out, r.err);
			run_free(&r);
		}
		if (strcmp(th_str("$VNET help --commands | grep -c '^%s ' || true", c), "0\n"))
			continue; /* a command of sub-commands: theirs are checked */
		missing = th_str("$VNET help %s | sed '/^$/q' | "
				 "grep -oE -- '(^|[][ |])--?[a-z][-a-z0-9]*' | sed 's/^[][ |]//' | "
				 "sort -u > %s/usage; $VNET help --options %s | cut -d' ' -f1 | "
				 "sort -u > %s/opts; comm -23 %s/usage %s/opts",
				 c, th_tmpdir(), c, th_tmpdir(), th_tmpdir(), th_tmpdir());
		ck_assert_msg(!missing[0], "%s: its usage shows options it does not take: %s", c,
			      missing);
	}
	ck_assert_msg(n >= 30, "vnet help --commands names %u", n);
	free(list);
}
END_TEST

/* Every command and sub-command of the table (vnet help --commands)
 * prints its usage on --help and -h, and exits 0. */
START_TEST(every_command_takes_help)
{
	char *list = th_out(NULL, "$VNET help --commands"), *save = NULL;
	unsigned n = 0;

	for (char *c = strtok_r(list, "\n", &save); c; c = strtok_r(NULL, "\n", &save), n++) {
		const char *flags[] = {"--help", "-h"};
		char want[80];

		snprintf(want, sizeof(want), "usage: vnet %s", c);
		for (size_t f = 0; f < 2; f++) {
			struct run r = as_root("$VNET %s %s", c, flags[f]);

			ck_assert_msg(r.code == 0, "%s %s: exit %d: %s", c, flags[f], r.code,
				      r.err);
			ck_assert_msg(!strncmp(r.out, want, strlen(want)), "%s %s: %s", c, flags[f],
				      r.out);
			ck_assert_msg(r.err[0] == '\0', "%s %s: %s", c, flags[f], r.err);
			run_free(&r);
		}
		struct run r = as_root("$VNET help %s", c);

		ck_assert_msg(r.code == 0 && !strncmp(r.out, want, strlen(want)), "help %s: %s%s",
			      c, r.out, r.err);
		run_free(&r);
	}
	ck_assert_msg(n >= 30, "vnet help --commands names %u", n);
	free(list);
	/* sub-commands are there too */
	ck_assert_ptr_nonnull(strstr(th_str("$VNET help --commands"), "\nvm start\n"));
	ck_assert_ptr_nonnull(strstr(th_str("$VNET help --commands"), "\nforward add\n"));
}
END_TEST

/* Fails the test when s holds a byte a terminal could take for a control:
 * below 0x20 other than newline and tab, or 0x7f and above. */
static void clean(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t at = (size_t)(p - (const unsigned char *)s), from = at > 40 ? at - 40 : 0;
		char ctx[41] = "";

		if ((*p >= 0x20 && *p < 0x7f) || *p == '\n' || *p == '\t')
			continue;
		/* the message shows what came before, without raw bytes */
		for (size_t i = from; i < at; i++)
			ctx[i - from] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		ck_abort_msg("%s: raw byte 0x%02x at %zu, after \"%s\"", what, *p, at, ctx);
	}
}

static void all_clean(const char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct run r = as_root("timeout 20 $VNET %s", args[i]);

		clean(args[i], r.out);
		clean(args[i], r.err);
		run_free(&r);
	}
}

/* ESC sequences (clear the screen, set the title, blink) and binary bytes,
 * as printf(1) writes them in the shell lines below. */
#define NASTY "\\033[2J\\033]0;x\\007\\033[5m\\377\\376\\233"

START_TEST(definition_bytes_never_reach_the_terminal)
{
	static const char *const args[] = {"list",
					   "list -j",
					   "show b",
					   "show b -j",
					   "up b",
					   "show c",
					   "show c -j",
					   "up c",
					   "show l",
					   "up l",
					   "down c",
					   "destroy b",
					   "show \"$(printf 'e" NASTY "')\"",
					   "up --all"};

	ck_assert_int_eq(th_sh("mkdir -p $VNET_CONF_DIR"), 0);
	/* a name, content in values, a first line: all of them nasty */
	ck_assert_int_eq(th_sh("printf '[network]\\nname = b\\nmodel = nat\\n[subnet]\\nprefix = "
			       "10.7.0.0/24\\ndomain = x" NASTY "\\n' > $VNET_CONF_DIR/b.conf"),
			 0);
	ck_assert_int_eq(th_sh("printf '[network]\\nname = c\\nmodel = isolated\\nbridge = c" NASTY
			       "\\n[subnet]\\nprefix = 10.6.0.0/24\\n' > $VNET_CONF_DIR/c.conf"),
			 0);
	ck_assert_int_eq(th_sh("printf 'root:" NASTY ":19000:0:99999:7:::\\n' > %s/shadow && "
			       "ln -s %s/shadow $VNET_CONF_DIR/l.conf",
			       th_tmpdir(), th_tmpdir()),
			 0);
	ck_assert_int_eq(
		th_sh("printf '" NASTY "\\n' > \"$VNET_CONF_DIR/$(printf 'e" NASTY "').conf\""), 0);
	ck_assert_int_eq(th_sh("printf '\\000\\001\\002" NASTY "' > $VNET_CONF_DIR/z.conf"), 0);
	all_clean(args, sizeof(args) / sizeof(args[0]));
}
END_TEST

/* Interface names and aliases are the kernel's: any byte but '/', ':',
 * NUL and white space. */
START_TEST(kernel_strings_never_reach_the_terminal)
{
	static const char *const args[] = {"show n1",
					   "show n1 -j",
					   "list",
					   "list -j",
					   "tune --report",
					   "tune --report -j",
					   "leases n1",
					   "up n1",
					   "show n3",
					   "create nat n3 10.5.0.0/24",
					   "create nat n3 10.5.0.0/24 --bridge \"$P\"",
					   "port del \"$P\"",
					   "tune \"$P\" --gso on",
					   "tune --report \"$P\""};

	network();
	setenv("P", "p\033[2J\377\x9b", 1);
	ck_assert_int_eq(
		th_sh("ip link add \"$P\" type veth peer name pq && "
		      "ip link set \"$P\" master n1 && ip link set \"$P\" alias \"$(printf "
		      "'a" NASTY "')\""),
		0);
	/* a foreign bridge where network n3 wants its own */
	ck_assert_int_eq(th_sh("ip link add n3 type bridge && "
			       "ip link set n3 alias \"$(printf 'vnet:" NASTY "')\""),
			 0);
	all_clean(args, sizeof(args) / sizeof(args[0]));
	unsetenv("P");
}
END_TEST

/* Arguments are the user's: echoed in errors, never raw. */
START_TEST(argument_bytes_never_reach_the_terminal)
{
	static const char *const args[] = {
		"show \"$(printf 'q" NASTY "')\"",
		"\"$(printf '" NASTY "')\"",
		"help \"$(printf '" NASTY "')\"",
		"create nat \"$(printf 'x" NASTY "')\" 10.5.0.0/24",
		"create \"$(printf 'm" NASTY "')\" x 10.5.0.0/24",
		"create nat x \"$(printf '10.5.0.0/24" NASTY "')\"",
		"create nat x 10.5.0.0/24 --bridge \"$(printf 'b" NASTY "')\"",
		"create nat x 10.5.0.0/24 --domain \"$(printf 'd" NASTY "')\"",
		"create nat x 10.5.0.0/24 \"$(printf -- '--" NASTY "')\"",
		"create nat x 10.5.0.0/24 --mtu \"$(printf '9" NASTY "')\"",
		"port add n1 \"$(printf 'p" NASTY "')\"",
		"port del \"$(printf 'p" NASTY "')\"",
		"host add n1 \"$(printf '52" NASTY "')\" 10.9.0.5",
		"host add n1 52:54:00:00:00:05 10.9.0.5 \"$(printf 'h" NASTY "')\"",
		"forward add n1 \"$(printf 't" NASTY "')\" 80 10.9.0.5:80",
		"forward add n1 tcp 80 \"$(printf '10.9.0.5:80" NASTY "')\"",
		"forward add n1 tcp 80 10.9.0.5:80 --address \"$(printf '1" NASTY "')\"",
		"map n1 \"$(printf 'v" NASTY "')\"",
		"unmap \"$(printf 'v" NASTY "')\"",
		"default \"$(printf 'v" NASTY "')\"",
		"tune \"$(printf 'v" NASTY "')\" --gso on",
		"tune v0 --gso \"$(printf 'o" NASTY "')\"",
		"vm start \"$(printf 'v" NASTY "')\"",
		"vm start v --net \"$(printf 'n" NASTY "')\"",
		"vm start v --disk \"$(printf '/nope" NASTY "')\"",
		"vm stop \"$(printf 'v" NASTY "')\"",
		"vm \"$(printf 'v" NASTY "')\"",
		"leases \"$(printf 'v" NASTY "')\"",
		"hooks \"$(printf 'v" NASTY "')\"",
	};

	network();
	all_clean(args, sizeof(args) / sizeof(args[0]));
}
END_TEST

/* qemu passes the hooks the interface's name; the environment is the
 * user's. */
START_TEST(hook_argument_bytes_never_reach_the_terminal)
{
	const char *lines[] = {"VNET_NETWORK=n1 $VNET_IFUP \"$(printf 'p" NASTY "')\"",
			       "VNET_NETWORK=\"$(printf 'n" NASTY "')\" $VNET_IFUP v0",
			       "$VNET_IFUP \"$(printf 'p" NASTY "')\" x",
			       "$VNET_IFDOWN \"$(printf 'p" NASTY "')\""};

	network();
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct run r = as_root("%s", lines[i]);

		clean(lines[i], r.out);
		clean(lines[i], r.err);
		ck_assert_msg(r.err[0], "%s said nothing", lines[i]);
		run_free(&r);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ns_cli");
	TCase *t = tcase_create("unprivileged");

	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_loop_test(t, unprivileged_change_says_it_needs_root_and_changes_nothing, 0,
			    sizeof(mutating) / sizeof(mutating[0]));
	tcase_add_test(t, unprivileged_create_on_a_fresh_host_says_it_needs_root);
	tcase_add_test(t, unprivileged_ifup_says_it_needs_root);
	tcase_add_test(t, unprivileged_ifdown_says_it_needs_root);
	tcase_add_test(t, unprivileged_reads_still_work);
	suite_add_tcase(s, t);
	t = tcase_create("help");
	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, every_command_takes_help);
	tcase_add_test(t, every_command_names_an_option_it_does_not_take);
	tcase_add_test(t, a_network_not_defined_is_not_found_by_every_command_naming_it);
	suite_add_tcase(s, t);
	t = tcase_create("escape");
	tcase_add_checked_fixture(t, setup, th_netns_teardown);
	tcase_add_test(t, definition_bytes_never_reach_the_terminal);
	tcase_add_test(t, kernel_strings_never_reach_the_terminal);
	tcase_add_test(t, argument_bytes_never_reach_the_terminal);
	tcase_add_test(t, hook_argument_bytes_never_reach_the_terminal);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return th_main(suite(), "ns_cli", true);
}
