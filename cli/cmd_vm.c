/* cmd_vm — `vnet vm …`: the VM launcher's commands (start, list, show,
 * stop, kill, monitor, console, migrate). Parse, call vm/, print. */
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

/* The VMs' folders (vm_base_dir): 0, or the exit code after saying why. */
static int vms_dir(struct vn_ctx *c, char *buf, size_t n)
{
	struct nl_err e;

	return vm_base_dir(vn_ctx_run_dir(c), buf, n, &e) ? vc_fail(&e) : 0;
}

#define VALUE_OPT 1000 /* getopt values VALUE_OPT + i name vc_vm_start_opts[i] */

const struct option vc_vm_start_opts[] = {{"memory", required_argument, NULL, VALUE_OPT + 0},
					  {"cpus", required_argument, NULL, VALUE_OPT + 1},
					  {"disk", required_argument, NULL, VALUE_OPT + 2},
					  {"cdrom", required_argument, NULL, VALUE_OPT + 3},
					  {"boot", required_argument, NULL, VALUE_OPT + 4},
					  {"net", required_argument, NULL, VALUE_OPT + 5},
					  {"kernel", required_argument, NULL, VALUE_OPT + 6},
					  {"initrd", required_argument, NULL, VALUE_OPT + 7},
					  {"append", required_argument, NULL, VALUE_OPT + 8},
					  {"display", required_argument, NULL, VALUE_OPT + 9},
					  {"machine", required_argument, NULL, VALUE_OPT + 10},
					  {"cpu", required_argument, NULL, VALUE_OPT + 11},
					  {"foreground", no_argument, NULL, 'f'},
					  {"incoming", required_argument, NULL, 'i'},
					  {"incoming-from", required_argument, NULL, 'F'},
					  {"incoming-file", required_argument, NULL, 'I'},
					  {0}};

/* What start was told of a migration: where the stream comes from, and the
 * source's description. */
struct start_in {
	const char *uri, *file, *from;
	char given[160]; /* the description options given, ",memory,net," */
};

/* Options, NAME, and what follows "--", into d. */
static int parse_start(int argc, char **argv, struct vm_desc *d, struct start_in *in)
{
	int nargs = dashdash(argc, argv), o, code = 0;
	struct nl_err e;

	vm_desc_init(d);
	while (!code && (o = vc_next_opt(nargs, argv, vc_vm_start_opts, &code)) != -1) {
		if (o == 'f')
			d->foreground = true;
		else if (o == 'i')
			in->uri = optarg;
		else if (o == 'F')
			in->from = optarg;
		else if (o == 'I')
			in->file = optarg;
		else if (o >= VALUE_OPT &&
			 vm_desc_option(d, vc_vm_start_opts[o - VALUE_OPT].name, optarg, &e))
			code = vc_fail(&e);
		if (o >= VALUE_OPT) { /* ",memory,net," */
			char k[24];

			snprintf(k, sizeof(k), ",%s,", vc_vm_start_opts[o - VALUE_OPT].name);
			if (!strstr(in->given, k))
				snprintf(in->given + strlen(in->given),
					 sizeof(in->given) - strlen(in->given), "%s",
					 k + !!in->given[0]);
		}
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
			p->st.nic[i].tap[0] ? vc_esc(p->st.nic[i].tap)
					    : "made by vnet-bridge-helper");
}

static int vc_fail_obj(struct nl_err *e, enum nl_err_kind kind, const char *name, const char *diff)
{
	char obj[64];

	snprintf(obj, sizeof(obj), "VM %s", name);
	nl_fail(e, -EINVAL, kind, obj, "is not the source's machine: %s", diff);
	return vc_fail(e);
}

/* --incoming-from: the source's description. Options given beside it must
 * say the same; the files (disks, cdrom, kernel, initrd) are this host's to
 * name and must be the description's; the display is this host's alone. */
static int read_source(const struct start_in *si, struct vm_desc *d, struct vm_incoming *in)
{
	struct vm_desc *there = calloc(1, sizeof(*there));
	char diff[400];
	struct nl_err e;
	int code = 0;

	if (!there)
		return EXIT_REFUSED;
	memcpy(there->name, d->name, sizeof(there->name));
	there->nextra = d->nextra;
	there->extra = d->extra;
	there->foreground = d->foreground;
	if (vm_desc_read(si->from, there, &in->x, &e))
		code = vc_fail(&e);
	else if (!vm_desc_same(d, there, si->given, diff, sizeof(diff)))
		code = vc_fail_obj(&e, NL_ERR_CONFLICT, d->name, diff);
	if (!code) {
		there->display = d->display;
		memcpy(there->vnc_addr, d->vnc_addr, sizeof(there->vnc_addr));
		there->vnc_display = d->vnc_display;
		*d = *there;
	}
	in->from = !code;
	free(there);
	return code;
}

static int parse_in(const struct start_in *si, struct vm_desc *d, struct vm_incoming *in)
{
	if (!si->uri && !si->file && !si->from)
		return 0;
	if (!!si->uri + !!si->file != 1)
		return vc_usage("vm",
				"start takes one of --incoming tcp:ADDR:PORT and "
				"--incoming-file FILE%s",
				si->from ? " with --incoming-from" : "");
	if (d->foreground)
		return vc_usage("vm", "start --incoming runs in the background");
	in->uri = si->uri;
	in->file = si->file;
	return si->from ? read_source(si, d, in) : 0;
}

static int cmd_start(struct vn_ctx *c, int argc, char **argv)
{
	struct vm_desc *d = calloc(1, sizeof(*d));
	struct vm_plan *p = calloc(1, sizeof(*p));
	struct vm_incoming *in = calloc(1, sizeof(*in));
	struct start_in si = {0};
	struct nl_err e;
	pid_t pid = 0;
	int code = d && p && in ? parse_start(argc, argv, d, &si) : EXIT_REFUSED;

	if (!code)
		code = parse_in(&si, d, in);
	if (!code && vm_prepare_incoming(c, d, in->uri || in->file ? in : NULL, p, &e)) {
		code = vc_fail(&e);
	} else if (!code) {
		if (p->no_kvm[0])
			fprintf(stderr, "vnet: warning: %s; using TCG (slow)\n",
				vc_text(p->no_kvm));
		if (d->foreground ? vm_launch_foreground(p, &e) : vm_launch(p, &pid, &e)) {
			code = vc_fail(&e);
			vm_unprepare(c, p);
		} else
			tell_started(p, pid);
		vm_plan_free(p);
	}
	free(in);
	free(p);
	free(d);
	return code;
}

static void print_vm(const struct vm_state *s)
{
	char mac[18], pid[16] = "-";

	if (s->running)
		snprintf(pid, sizeof(pid), "%d", (int)s->pid);
	printf("%-16s %-9s %-8s %6u %4u ", vc_esc(s->name), vm_state_word(s), pid, s->memory,
	       s->cpus);
	for (unsigned i = 0; i < s->nnics; i++)
		printf("%s%s/%s/%s", i ? "," : "", vc_esc(s->nic[i].net),
		       vm_mac_str(s->nic[i].mac, mac),
		       s->nic[i].tap[0] ? vc_esc(s->nic[i].tap) : "-"); /* the helper's */
	printf("%s\n", s->nnics ? "" : "-");
}

static int cmd_list(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vm_state *v;
	struct nl_err e;
	unsigned n;

	char dir[256];
	int code;

	if (argc != 1)
		return vc_usage("vm", "list takes only -j");
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_state_list(dir, &v, &n, &e))
		return vc_fail(&e);
	if (json) {
		json_object *arr = json_object_new_array();

		for (unsigned i = 0; i < n; i++)
			json_object_array_add(arr, vm_state_json(&v[i]));
		vc_put_json(arr);
	} else {
		printf("%-16s %-9s %-8s %6s %4s %s\n", "NAME", "STATE", "PID", "MEMORY", "CPUS",
		       "NETWORK/MAC/TAP");
		for (unsigned i = 0; i < n; i++)
			print_vm(&v[i]);
	}
	free(v);
	return 0;
}

static const char *vc_jget_str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int cmd_show(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	json_object *o, *d;
	struct nl_err e;
	char dir[256];
	int code;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("vm", "show needs NAME (and -j)");
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_show(c, dir, argv[1], &o, &e))
		return vc_fail(&e);
	if (json) {
		vc_put_json(o);
		return 0;
	}
	/* the text: the state, the NICs, and the description as start's options */
	json_object_object_foreach(o, key, v)
	{
		if (strcmp(key, "description") && strcmp(key, "nics"))
			printf("%-10s %s\n", key, vc_esc(json_object_get_string(v)));
	}
	d = json_object_object_get(o, "nics");
	for (size_t i = 0; i < json_object_array_length(d); i++) {
		json_object *n = json_object_array_get_idx(d, i);

		printf("nic %-6zu network %s (%s), %s, MAC %s, tap %s\n", i,
		       vc_esc(vc_jget_str(n, "network")), vc_esc(vc_jget_str(n, "subnet")),
		       vc_esc(vc_jget_str(n, "model")), vc_esc(vc_jget_str(n, "mac")),
		       vc_esc(vc_jget_str(n, "tap")));
	}
	if (json_object_object_get_ex(o, "description", &d)) {
		printf("start      vnet vm start %s", vc_esc(argv[1]));
		json_object_object_foreach(d, k, dv)
		{
			bool many = json_object_is_type(dv, json_type_array);
			size_t n = many ? json_object_array_length(dv) : 1;

			for (size_t i = 0; strcmp(k, "extra") && i < n; i++) {
				json_object *x = many ? json_object_array_get_idx(dv, i) : dv;

				if (json_object_is_type(x, json_type_string))
					printf(" --%s %s", k, vc_esc(json_object_get_string(x)));
			}
		}
		printf("\n");
	}
	json_object_put(o);
	return 0;
}

/* A number lo..hi of an option, else a usage error. */
static bool opt_num(const char *opt, const char *v, unsigned lo, unsigned hi, unsigned *out,
		    int *code)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno || n < lo || n > hi) {
		*code = vc_usage("vm", "--%s %s: must be %u..%u", opt, v, lo, hi);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

static double mib(unsigned long long b)
{
	return (double)b / (1024.0 * 1024.0);
}

/* Progress on stderr: on a terminal one line redrawn, else a line about
 * every second. */
static void progress(void *arg, unsigned long long sent, unsigned long long left,
		     unsigned long long total)
{
	static long long last;
	static unsigned ticks;
	const char *name = arg;
	unsigned pct =
		total ? (unsigned)((total - (left < total ? left : total)) * 100 / total) : 0;
	bool tty = isatty(2);

	if (!tty && ticks++ % 5)
		return;
	(void)last;
	fprintf(stderr, "%svnet: migrating VM %s: %3u%% (%.1f MiB sent, %.1f of %.1f MiB left)%s",
		tty ? "\r" : "", vc_esc(name), pct, mib(sent), mib(left), mib(total),
		tty ? "" : "\n");
}

/* its options: main checks them too (vnet.c) */
const struct option vc_vm_migrate_opts[] = {{"downtime-limit", required_argument, NULL, 'd'},
					    {"bandwidth", required_argument, NULL, 'b'},
					    {"timeout", required_argument, NULL, 't'},
					    {"to-file", required_argument, NULL, 'F'},
					    {0}};

static int cmd_migrate(struct vn_ctx *c, int argc, char **argv)
{
	struct vm_migrate_opts mo = {.progress = progress};
	struct vm_migrate_result r;
	int o, code = 0, nargs;
	struct nl_err e;

	while (!code && (o = vc_next_opt(argc, argv, vc_vm_migrate_opts, &code)) != -1) {
		if (o == 'd')
			opt_num("downtime-limit", optarg, 1, 60000, &mo.downtime_ms, &code);
		else if (o == 'b')
			opt_num("bandwidth", optarg, 1, 100000, &mo.bandwidth_mbs, &code);
		else if (o == 't')
			opt_num("timeout", optarg, 1, 86400, &mo.timeout_s, &code);
		else if (o == 'F')
			mo.file = optarg;
	}
	if (code)
		return code;
	nargs = argc - optind;
	if (nargs != (mo.file ? 1 : 2))
		return vc_usage("vm", "migrate needs NAME tcp:HOST:PORT, or NAME --to-file FILE");
	mo.uri = mo.file ? NULL : argv[optind + 1];
	mo.arg = argv[optind];
	if (vm_migrate(c, argv[optind], &mo, &r, &e)) {
		if (isatty(2))
			fputc('\n', stderr);
		return vc_fail(&e);
	}
	fprintf(stderr,
		"%svnet: VM %s migrated to %s: total %llu ms, downtime %llu ms, %.1f MiB "
		"transferred\n",
		isatty(2) ? "\n" : "", vc_esc(argv[optind]), vc_esc(mo.file ? mo.file : mo.uri),
		r.total_ms, r.downtime_ms, mib(r.transferred));
	return 0;
}

/* its options: main checks them too (vnet.c) */
const struct option vc_vm_stop_opts[] = {{"timeout", required_argument, NULL, 't'}, {0}};

static int cmd_stop(struct vn_ctx *c, int argc, char **argv)
{
	unsigned timeout = 30;
	char dir[256];
	const char *how;
	struct nl_err e;
	int o, code = 0;
	char *end;

	while (!code && (o = vc_next_opt(argc, argv, vc_vm_stop_opts, &code)) != -1) {
		unsigned long t = o == 't' ? strtoul(optarg, &end, 10) : 0;

		if (o != 't')
			continue;

		if (optarg[0] < '0' || optarg[0] > '9' || *end || t > 3600)
			code = vc_usage("vm", "--timeout %s: must be seconds 0..3600", optarg);
		timeout = (unsigned)t;
	}
	if (code)
		return code;
	if (argc - optind != 1)
		return vc_usage("vm", "stop needs NAME");
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_stop(dir, argv[optind], timeout, &how, &e))
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
	char dir[256];
	bool was;
	int code;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("vm", "kill needs NAME");
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_kill(dir, argv[1], &was, &e))
		return vc_fail(&e);
	fprintf(stderr, "vnet: VM %s %s\n", vc_esc(argv[1]), was ? "killed" : "was not running");
	return 0;
}

static int cmd_monitor(struct vn_ctx *c, int argc, char **argv)
{
	char cmd[1024] = "", *out, dir[256];
	struct nl_err e;
	size_t len = 0;
	int code;

	if (argc < 3)
		return vc_usage("vm", "monitor needs NAME COMMAND...");
	for (int i = 2; i < argc && len < sizeof(cmd); i++)
		len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s%s", i > 2 ? " " : "",
					argv[i]);
	if (len >= sizeof(cmd))
		return vc_usage("vm", "monitor command longer than %zu bytes", sizeof(cmd) - 1);
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_monitor(dir, argv[1], cmd, &out, &e))
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
	char dir[256];
	int fd, err, code;

	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("vm", "console needs NAME");
	if ((code = vms_dir(c, dir, sizeof(dir))))
		return code;
	if (vm_console_open(dir, argv[1], &fd, &e))
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
	} subs[] = {{"start", cmd_start},     {"list", cmd_list},      {"show", cmd_show},
		    {"stop", cmd_stop},	      {"kill", cmd_kill},      {"monitor", cmd_monitor},
		    {"console", cmd_console}, {"migrate", cmd_migrate}};

	if (argc < 2)
		return vc_usage("vm", "needs start, list, show, stop, kill, monitor, console or "
				      "migrate");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name)) {
			/* the sub-command sees "vm" as its argv[0], for messages */
			argv[1] = argv[0];
			return subs[i].run(c, argc - 1, argv + 1);
		}
	return vc_usage("vm", "no sub-command %s", argv[1]);
}
