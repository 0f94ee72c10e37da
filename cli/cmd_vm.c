/* cmd_vm — `vnet vm …`: the VM launcher's commands (start, list, stop,
 * kill, monitor, console). Parse, call vm/, print. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vm/launch.h"

#define CONSOLE_ESCAPE 0x1d /* Ctrl-] */

/* Index of the first "--" in argv, or argc. */
static int dashdash(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i;
	return argc;
}

#define VALUE_OPT 1000 /* getopt values VALUE_OPT + i name start_opts[i] */

static const struct option start_opts[] = {{"memory", required_argument, NULL, VALUE_OPT + 0},
					   {"cpus", required_argument, NULL, VALUE_OPT + 1},
					   {"disk", required_argument, NULL, VALUE_OPT + 2},
					   {"cdrom", required_argument, NULL, VALUE_OPT + 3},
					   {"boot", required_argument, NULL, VALUE_OPT + 4},
					   {"net", required_argument, NULL, VALUE_OPT + 5},
					   {"kernel", required_argument, NULL, VALUE_OPT + 6},
					   {"initrd", required_argument, NULL, VALUE_OPT + 7},
					   {"append", required_argument, NULL, VALUE_OPT + 8},
					   {"display", required_argument, NULL, VALUE_OPT + 9},
					   {"foreground", no_argument, NULL, 'f'},
					   {0}};

/* Options, NAME, and what follows "--", into d. */
static int parse_start(int argc, char **argv, struct vm_desc *d)
{
	int nargs = dashdash(argc, argv), o, code = 0;
	struct nl_err e;

	vm_desc_init(d);
	while (!code && (o = vc_next_opt(nargs, argv, start_opts, &code)) != -1) {
		if (o == 'f')
			d->foreground = true;
		else if (o >= VALUE_OPT &&
			 vm_desc_option(d, start_opts[o - VALUE_OPT].name, optarg, &e))
			code = vc_fail(&e);
	}
	if (code)
		return code;
	if (nargs - optind != 1)
		return vc_usage("vm", "start needs one NAME%s",
				nargs - optind > 1 ? " (and "
						     "qemu's own arguments after --)"
						   : "");
	if (vm_desc_name(d, argv[optind], &e))
		return vc_fail(&e);
	d->nextra = nargs < argc ? (unsigned)(argc - nargs - 1) : 0;
	d->extra = argv + nargs + (nargs < argc);
	return 0;
}

static void tell_started(const struct vm_plan *p, pid_t pid)
{
	char mac[18];

	fprintf(stderr,
		"vnet: VM %s started (pid %d, %s): serial log %s/%s, console: vnet vm "
		"console %s\n",
		vc_esc(p->st.name), (int)pid, p->f.kvm ? "kvm" : "tcg", vc_esc(p->dir),
		VM_F_SERIAL_LOG, vc_esc(p->st.name));
	for (unsigned i = 0; i < p->st.nnics; i++)
		fprintf(stderr, "vnet:   NIC %u: network %s, MAC %s, tap %s\n", i,
			vc_esc(p->st.nic[i].net), vm_mac_str(p->st.nic[i].mac, mac),
			vc_esc(p->st.nic[i].tap));
}

static int cmd_start(struct vn_ctx *c, int argc, char **argv)
{
	struct vm_desc *d = calloc(1, sizeof(*d));
	struct vm_plan *p = calloc(1, sizeof(*p));
	struct nl_err e;
	pid_t pid = 0;
	int code = d && p ? parse_start(argc, argv, d) : EXIT_REFUSED;

	if (!code && vm_prepare(c, d, p, &e)) {
		code = vc_fail(&e);
	} else if (!code) {
		if (p->no_kvm[0])
			fprintf(stderr, "vnet: warning: %s; using TCG (slow)\n",
				vc_text(p->no_kvm));
		if (d->foreground ? vm_launch_foreground(p, &e) : vm_launch(p, &pid, &e))
			code = vc_fail(&e);
		else
			tell_started(p, pid);
		vm_plan_free(p);
	}
	free(p);
	free(d);
	return code;
}

static void print_vm(const struct vm_state *s)
{
	char mac[18], pid[16] = "-";

	if (s->running)
		snprintf(pid, sizeof(pid), "%d", (int)s->pid);
	printf("%-16s %-8s %-8s %6u %4u ", vc_esc(s->name), s->running ? "running" : "stopped", pid,
	       s->memory, s->cpus);
	for (unsigned i = 0; i < s->nnics; i++)
		printf("%s%s/%s/%s", i ? "," : "", vc_esc(s->nic[i].net),
		       vm_mac_str(s->nic[i].mac, mac), vc_esc(s->nic[i].tap));
	printf("%s\n", s->nnics ? "" : "-");
}

static int cmd_list(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vm_state *v;
	struct nl_err e;
	unsigned n;

	if (argc != 1)
		return vc_usage("vm", "list takes only -j");
	if (vm_state_list(vn_ctx_run_dir(c), &v, &n, &e))
		return vc_fail(&e);
	if (json) {
		json_object *arr = json_object_new_array();

		for (unsigned i = 0; i < n; i++)
			json_object_array_add(arr, vm_state_json(&v[i]));
		vc_put_json(arr);
	} else {
		printf("%-16s %-8s %-8s %6s %4s %s\n", "NAME", "STATE", "PID", "MEMORY", "CPUS",
		       "NETWORK/MAC/TAP");
		for (unsigned i = 0; i < n; i++)
			print_vm(&v[i]);
	}
	free(v);
	return 0;
}

static int cmd_stop(struct vn_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {{"timeout", required_argument, NULL, 't'}, {0}};
	unsigned timeout = 30;
	const char *how;
	struct nl_err e;
	int o, code = 0;
	char *end;

	while (!code && (o = vc_next_opt(argc, argv, opts, &code)) != -1) {
		unsigned long t = strtoul(optarg, &end, 10);

		if (optarg[0] < '0' || optarg[0] > '9' || *end || t > 3600)
			code = vc_usage("vm", "--timeout %s: must be seconds 0..3600", optarg);
		timeout = (unsigned)t;
	}
	if (code)
		return code;
	if (argc - optind != 1)
		return vc_usage("vm", "stop needs NAME");
	if (vm_stop(vn_ctx_run_dir(c), argv[optind], timeout, &how, &e))
		return vc_fail(&e);
	if (!strcmp(how, "quit"))
		fprintf(stderr, "vnet: VM %s did not power down within %u s; quit\n",
			vc_esc(argv[optind]), timeout);
	else
		fprintf(stderr, "vnet: VM %s %s\n", vc_esc(argv[optind]), vc_text(how));
	return 0;
}

static int cmd_kill(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;
	bool was;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("vm", "kill needs NAME");
	if (vm_kill(vn_ctx_run_dir(c), argv[1], &was, &e))
		return vc_fail(&e);
	fprintf(stderr, "vnet: VM %s %s\n", vc_esc(argv[1]), was ? "killed" : "was not running");
	return 0;
}

static int cmd_monitor(struct vn_ctx *c, int argc, char **argv)
{
	char cmd[1024] = "", *out;
	struct nl_err e;
	size_t len = 0;

	if (argc < 3)
		return vc_usage("vm", "monitor needs NAME COMMAND...");
	for (int i = 2; i < argc && len < sizeof(cmd); i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s%s", i > 2 ? " " : "",
					argv[i]);
	if (len >= sizeof(cmd))
		return vc_usage("vm", "monitor command longer than %zu bytes", sizeof(cmd) - 1);
	if (vm_monitor(vn_ctx_run_dir(c), argv[1], cmd, &out, &e))
		return vc_fail(&e);
	/* qemu's lines, as a terminal can take them: no CR, no control */
	for (char *s = out; *s; s++) {
		char esc[8];

		if (*s != '\r')
			fputs(nl_err_safe((char[2]){*s, '\0'}, true, esc, sizeof(esc)), stdout);
	}
	free(out);
	return 0;
}

static int cmd_console(struct vn_ctx *c, int argc, char **argv)
{
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	struct nl_err e;
	int fd, err;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("vm", "console needs NAME");
	if (vm_console_open(vn_ctx_run_dir(c), argv[1], &fd, &e))
		return vc_fail(&e);
	fprintf(stderr, "vnet: connected to VM %s's serial console; leave with Ctrl-]\n",
		vc_esc(argv[1]));
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	err = vm_console_relay(fd, 0, 1, CONSOLE_ESCAPE);
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	close(fd);
	fprintf(stderr, "\nvnet: left VM %s's console\n", vc_esc(argv[1]));
	if (err)
		fprintf(stderr, "vnet: console of VM %s: %s\n", vc_esc(argv[1]), strerror(-err));
	return err ? EXIT_REFUSED : 0;
}

int vc_vm(struct vn_ctx *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct vn_ctx *c, int argc, char **argv);
	} subs[] = {{"start", cmd_start}, {"list", cmd_list},	    {"stop", cmd_stop},
		    {"kill", cmd_kill},	  {"monitor", cmd_monitor}, {"console", cmd_console}};

	if (argc < 2)
		return vc_usage("vm", "needs start, list, stop, kill, monitor or console");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name)) {
			/* the sub-command sees "vm" as its argv[0], for messages */
			argv[1] = argv[0];
			return subs[i].run(c, argc - 1, argv + 1);
		}
	return vc_usage("vm", "no sub-command %s", argv[1]);
}
