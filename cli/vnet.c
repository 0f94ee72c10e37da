/* vnet — the command line: parses arguments, calls the engine (netd/),
 * prints. No policy lives here. Exit codes: 0 done; 1 the kernel or a
 * program refused (what was done is rolled back); 2 bad usage or value
 * (nothing done); 3 no such network or object; 4 conflict (exists
 * differently, overlaps, not ours); 5 needs root. Every command and
 * sub-command takes --help (-h); the table below is the list of them. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "netd/netd.h"
#include "netd/options.h"
#include "cli/cli.h"

static int cmd_help(struct vn_ctx *c, int argc, char **argv);

static const struct vc_sub port_subs[] = {
	{"add", "port add NAME IFNAME [--mac MAC] [--ip ADDR]..."},
	{"del", "port del IFNAME"},
	{NULL, NULL}};
static const struct vc_sub vm_subs[] = {
	{"start",
	 "vm start NAME [--memory MB] [--cpus N[,sockets=S,cores=C,threads=T]]\n"
	 "            [--disk "
	 "PATH[,if=virtio|ide|scsi][,cache=none|writeback|writethrough|unsafe]\n"
	 "                        [,format=qcow2|raw][,media=disk|cdrom]]... [--cdrom ISO] [--boot "
	 "ORDER]\n"
	 "            [--net NETWORK[,model=virtio|e1000|rtl8139][,mac=MAC]]...\n"
	 "            [--kernel FILE [--initrd FILE] [--append TEXT]]\n"
	 "            [--display none|vnc=[ADDR]:N|nographic] [--machine TYPE] [--cpu MODEL]\n"
	 "            [--foreground] [-- QEMU-ARGS...]\n"
	 "       vnet vm start NAME --incoming tcp:ADDR:PORT|--incoming-file FILE\n"
	 "            [--incoming-from DESC] [OPTIONS] [-- QEMU-ARGS...]"},
	{"list", "vm list [-j]"},
	{"show", "vm show NAME [-j]"},
	{"migrate", "vm migrate NAME tcp:HOST:PORT|--to-file FILE [--downtime-limit MS]\n"
		    "            [--bandwidth MBPS] [--timeout S]"},
	{"stop", "vm stop NAME [--timeout S]"},
	{"kill", "vm kill NAME"},
	{"monitor", "vm monitor NAME COMMAND..."},
	{"console", "vm console NAME"},
	{NULL, NULL}};
static const struct vc_sub host_subs[] = {
	{"add", "host add NAME MAC IP [HOSTNAME]"}, {"del", "host del NAME MAC"}, {NULL, NULL}};
static const struct vc_sub forward_subs[] = {
	{"add", "forward add NAME tcp|udp HOSTPORT GUESTIP:PORT [--address A]"},
	{"del", "forward del NAME tcp|udp HOSTPORT [--address A]"},
	{"list", "forward list NAME [-j]"},
	{NULL, NULL}};
static const struct vc_sub access_subs[] = {{"allow", "access allow NETWORK USER|@GROUP"},
					    {"deny", "access deny NETWORK USER|@GROUP"},
					    {"remove", "access remove NETWORK USER|@GROUP"},
					    {"list", "access list [NETWORK] [-j]"},
					    {NULL, NULL}};
static const struct vc_sub hooks_subs[] = {
	{"install", "hooks install [--prefix DIR] [--system] [--force]"},
	{"uninstall", "hooks uninstall [--prefix DIR]"},
	{NULL, NULL}};

static const struct vc_sub fabric_subs[] = {
	{"set", "fabric set [--underlay IFACE] [--local ADDR] [--asn N | --no-asn]\n"
		"            [--peer ADDR... | --no-peers] [--frr-vty DIR | --no-frr-vty]\n"
		"            [--index K --hosts N | --no-slice]"},
	{"show", "fabric show [-j]"},
	{"unset", "fabric unset"},
	{NULL, NULL}};

static const struct vc_cmd cmds[] = {
	{"create", vc_create, NULL,
	 "Define a network and run it. The same definition again changes nothing;\n"
	 "a different one is refused (exit 4) naming the difference.",
	 true, NULL, vc_create_usage, vc_create_options},
	{"destroy", vc_destroy, "destroy NAME",
	 "Stop a network and forget it. Ports still attached are released and named.", true},
	{"up", vc_up, "up NAME | --all",
	 "Run a stored network again (after a reboot, or to repair drift).", true},
	{"down", vc_down, "down NAME", "Stop a network, keep its definition.", true},
	{"port", vc_port, NULL,
	 "Attach an existing interface to a network (up, the network's MTU, its port\n"
	 "flags), or detach it (released and down).",
	 true, port_subs},
	{"list", vc_list, "list [-j | --names]",
	 "The networks, one line each, or a JSON array; --names: their names only.", true},
	{"show", vc_show, "show NAME [-j]", "One network: definition, state, ports.", true},
	{"tune", vc_tune,
	 "tune IFNAME [--gso on|off] [--tso on|off] [--gro on|off] [--txqueuelen N] [--auto] [-j]\n"
	 "       vnet tune --report [IFNAME...] [-j]",
	 "Set offloads and the queue length of a bridge, uplink, veth or tap, or report them\n"
	 "(without IFNAME: vnet's bridges and their ports) with whether vhost-net is usable\n"
	 "and taps can be multiqueue. On a tap TSO is qemu's (TUNSETOFFLOAD): left as is.\n"
	 "--auto is the profile bench/offload measured: GSO and TSO on; named options win.",
	 true},
	{"vm", vc_vm, NULL,
	 "Run a qemu guest on vnet networks. start opens a tap per NIC (vnet header; one\n"
	 "queue per cpu for virtio), attaches it as `port add` does and hands qemu its fds;\n"
	 "MACs are 52:54:00:xx:xx:xx from the name and NIC index unless mac= is given.\n"
	 "KVM when /dev/kvm works, else TCG with a warning; VNC on 127.0.0.1 unless told.\n"
	 "qemu runs in the background (--foreground: in the terminal; with nographic the\n"
	 "console and monitor are there, Ctrl-a x quits); $VNET_RUN_DIR/vm/NAME holds its\n"
	 "QMP socket, pid file, serial.log and qemu.log. stop: ACPI power-down, quit after\n"
	 "--timeout (default 30 s); kill: SIGKILL; the taps vanish with qemu. monitor runs\n"
	 "one human monitor command; console attaches to the serial port (leave: Ctrl-]).\n"
	 "show -j prints the description a migration's destination starts from\n"
	 "(start --incoming ... --incoming-from FILE: same networks and subnets here, the\n"
	 "port free, checked before qemu starts); migrate sends the guest there (progress,\n"
	 "then total time, downtime, bytes), releases its taps here and quits; a failure\n"
	 "cancels it and the guest runs on here (exit 1). --to-file/--incoming-file: the\n"
	 "same through a file, for a guest stopped here and resumed there.\n"
	 "VNET_QEMU names another qemu program (default qemu-system-x86_64).",
	 true, vm_subs},
	{"host", vc_host, NULL,
	 "A static DHCP host: MAC always gets IP (and HOSTNAME in the network's DNS).\n"
	 "Applied at once when the network runs, and kept in its definition.",
	 true, host_subs},
	{"leases", vc_leases, "leases NAME [-j]", "The DHCP leases of a network's guests.", true},
	{"restart-services", vc_restart_services, "restart-services NAME",
	 "Start a network's DHCP/DNS server (dnsmasq) again, e.g. after it died.", true},
	{"forward", vc_forward, NULL,
	 "Forward a port of the host (every address of it, or --address A) to a guest of a\n"
	 "NAT network: from the outside, from the host itself (not 127.0.0.1) and from\n"
	 "other guests. Kept in the definition; applied at once when the network runs.",
	 true, forward_subs},
	{"map", vc_map, "map NAME PATTERN | map -l [-j]",
	 "Make the qemu hooks (vnet-ifup, vnet-ifdown) attach interfaces whose name\n"
	 "matches PATTERN (a shell pattern such as vif*) to network NAME. The hooks\n"
	 "choose: $VNET_NETWORK, else the first matching mapping, else the default.",
	 true},
	{"unmap", vc_unmap, "unmap PATTERN", "Remove a mapping of the qemu hooks.", true},
	{"default", vc_default, "default [NAME | --none]",
	 "Show, set or clear the network the qemu hooks use when nothing else says.", true},
	{"access", vc_access, NULL,
	 "Who may attach guests to a network without root, through vnet-bridge-helper\n"
	 "(qemu -netdev bridge,br=NETWORK,helper=.../vnet-bridge-helper): a user (name or\n"
	 "uid) or @GROUP (name or gid). Nobody may by default; a deny wins over an allow.\n"
	 "remove forgets the rule of that user or group.",
	 true, access_subs},
	{"hooks", vc_hooks, NULL,
	 "Install the qemu hooks vnet-ifup and vnet-ifdown into DIR (default\n"
	 "/usr/local/libexec/vnet) for -netdev "
	 "tap,script=DIR/vnet-ifup,downscript=DIR/vnet-ifdown,\n"
	 "and qemu's bridge helper vnet-bridge-helper, setuid root, for users without root\n"
	 "(-netdev bridge,br=NETWORK,helper=DIR/vnet-bridge-helper; see vnet access);\n"
	 "--system also makes /etc/qemu-ifup and /etc/qemu-ifdown point at them, keeping\n"
	 "Debian's originals as FILE.vnet-orig (other files are refused unless --force).\n"
	 "uninstall removes them and gives the originals back. The hooks choose the\n"
	 "network: $VNET_NETWORK, else `vnet map`, else `vnet default`.",
	 false, hooks_subs},
	{"doctor", vc_doctor, "doctor [NAME] [-j] [--fix]",
	 "What breaks guest networking on this host: foreign firewall drops (nftables,\n"
	 "iptables-legacy, through br_netfilter too), ip_forward, rp_filter, router\n"
	 "advertisements, a process on :53/:67, port MTUs, no default route; each with the\n"
	 "network it breaks and the fix to run. Notes: vhost-net, KVM, br_netfilter.\n"
	 "Exit 0: nothing breaks a network; 1: something does. --fix adds accept rules for\n"
	 "the networks' bridges to Docker's DOCKER-USER chain (iptables-nft or -legacy).",
	 true},
	{"fabric", vc_fabric, NULL,
	 "This host's place in networks that span hosts (create --vni N): the underlay\n"
	 "interface (and --local address) the VXLAN tunnels start from, and either BGP EVPN\n"
	 "(--asn; FRR's zebra and bgpd must run: vnet adds router bgp, the router id, the\n"
	 "peers, address-family l2vpn evpn with their activate and advertise-all-vni\n"
	 "through vtysh, --frr-vty naming FRR's socket folder) or, without --asn, the\n"
	 "peers as static tunnel ends. --index K --hosts N: this host's DHCP slice of\n"
	 "each such network's range. set again changes only what it is given (the first\n"
	 "needs --underlay); --no-asn, --no-peers, --no-frr-vty, --no-slice take a value\n"
	 "away. It converges; unset removes what vnet added.",
	 true, fabric_subs},
	{"help", cmd_help, "help [COMMAND [SUB-COMMAND]] | help --commands",
	 "What a command does (as COMMAND --help); --commands lists every command and\n"
	 "sub-command, one a line (for scripts, as are --options COMMAND, the options\n"
	 "of a command with a table of them, and --models).",
	 false},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The options of each command and sub-command, which main checks before
 * any command runs (check_options): the command's own getopt table where
 * it has one, else a spec: "name" a flag, "name=" one with a value, "-x" a
 * short flag, "j" -j and --json; a leading "+" stops at the first argument
 * that is no option (what follows is the command's own, as a monitor
 * command). create's are the engine's table (vn_options). A command or
 * sub-command not listed takes none. */
static const struct {
	const char *cmd, *opts;
	const struct option *table;
} cmd_opts[] = {
	{"up", "all", NULL},
	{"port add", "mac= ip=", NULL},
	{"list", "j names", NULL},
	{"show", "j", NULL},
	{"tune", "j", vc_tune_opts},
	{"vm start", "", vc_vm_start_opts},
	{"vm list", "j", NULL},
	{"vm show", "j", NULL},
	{"vm migrate", "", vc_vm_migrate_opts},
	{"vm stop", "", vc_vm_stop_opts},
	{"vm monitor", "+", NULL},
	{"leases", "j", NULL},
	{"forward add", "address=", NULL},
	{"forward del", "address=", NULL},
	{"forward list", "j", NULL},
	{"map", "-l list j", NULL},
	{"default", "none", NULL},
	{"access list", "j", NULL},
	{"hooks", "", vc_hooks_opts},
	{"hooks install", "", vc_hooks_opts},
	{"hooks uninstall", "prefix=", NULL},
	{"doctor", "j", vc_doctor_opts},
	{"fabric set", "", vc_fabric_set_opts},
	{"fabric show", "j", NULL},
	{"help", "commands models options=", NULL},
};

#define MAX_OPTS 32

/* What getopt_long takes for a command's options. */
struct opt_set {
	struct option lo[MAX_OPTS + 1];
	char shorts[16];
	char names[MAX_OPTS][24];
	unsigned n;
};

static void opt_add(struct opt_set *s, const char *name, size_t len, bool value)
{
	if (s->n >= MAX_OPTS || len >= sizeof(s->names[0]))
		return;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)len, name);
	/* --help is 'h', as -h */
	s->lo[s->n] = (struct option){s->names[s->n], value ? required_argument : no_argument, NULL,
				      strcmp(s->names[s->n], "help") ? 1000 + (int)s->n : 'h'};
	s->n++;
}

/* The options of "cmd" or "cmd sub" (who) into s. */
static void opt_set(const char *who, struct opt_set *s)
{
	const char *spec = "";
	size_t k = 0;

	memset(s, 0, sizeof(*s));
	s->shorts[k++] = ':';
	s->shorts[k++] = 'h';
	opt_add(s, "help", 4, false);
	if (!strcmp(who, "create")) {
		for (unsigned i = 0; i < vn_noptions; i++)
			opt_add(s, vn_options[i].name, strlen(vn_options[i].name),
				vn_options[i].arg != NULL);
		s->shorts[k] = '\0';
		return;
	}
	for (size_t i = 0; i < sizeof(cmd_opts) / sizeof(cmd_opts[0]); i++)
		if (!strcmp(cmd_opts[i].cmd, who)) {
			spec = cmd_opts[i].opts;
			for (const struct option *t = cmd_opts[i].table; t && t->name; t++)
				opt_add(s, t->name, strlen(t->name), t->has_arg != no_argument);
		}
	if (spec[0] == '+') {
		memmove(s->shorts + 1, s->shorts, k++);
		s->shorts[0] = '+';
	}
	for (spec += spec[0] == '+'; *spec; spec += strspn(spec, " ")) {
		size_t len = strcspn(spec, " ");
		bool value = spec[len - 1] == '=';

		if (spec[0] == '-' && k + 2 < sizeof(s->shorts)) {
			s->shorts[k++] = spec[1];
			if (value)
				s->shorts[k++] = ':';
		} else if (len == 1 && spec[0] == 'j' && k + 1 < sizeof(s->shorts)) {
			s->shorts[k++] = 'j';
			opt_add(s, "json", 4, false);
		} else {
			opt_add(s, spec, len - value, value);
		}
		spec += len;
	}
	s->shorts[k] = '\0';
}

/* Every option of who, one a line: "--mac" (create: its table's lines). */
static void opt_list(const char *who)
{
	struct opt_set s;

	opt_set(who, &s);
	for (size_t i = 0; s.shorts[i]; i++)
		if (s.shorts[i] != ':' && s.shorts[i] != '+' && s.shorts[i] != 'h')
			printf("-%c\n", s.shorts[i]);
	for (unsigned i = 0; i < s.n; i++)
		if (strcmp(s.names[i], "help"))
			printf("--%s\n", s.names[i]);
}

static const struct vc_cmd *find_cmd(const char *name)
{
	for (unsigned i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static const struct vc_sub *find_sub(const struct vc_cmd *k, const char *name)
{
	for (const struct vc_sub *s = k->subs; s && s->name; s++)
		if (name && !strcmp(s->name, name))
			return s;
	return NULL;
}

/* Every usage line of k (one per sub-command), each after lead. */
static void usage_lines(FILE *f, const struct vc_cmd *k, const char *first, const char *lead)
{
	if (k->usage_fn) {
		k->usage_fn(f, first, lead);
		return;
	}
	if (!k->subs) {
		fprintf(f, "%s%s\n", first, k->usage);
		return;
	}
	for (const struct vc_sub *s = k->subs; s->name; s++)
		fprintf(f, "%s%s\n", s == k->subs ? first : lead, s->usage);
}

static void overview(FILE *f)
{
	fprintf(f, "usage: vnet COMMAND [ARGS]   (vnet " VNET_VERSION ")\n\n");
	for (unsigned i = 0; i < NCMDS; i++)
		usage_lines(f, &cmds[i], "  vnet ", "  vnet ");
	fprintf(f, "\n  vnet --version | --help | COMMAND [SUB-COMMAND] --help\n\n"
		   "Environment: VNET_CONF_DIR (definitions, default /etc/vnet),\n"
		   "             VNET_RUN_DIR (runtime state and the lock, default /run/vnet).\n"
		   "Exit codes: 0 done; 1 the kernel or a program refused (rolled back);\n"
		   "            2 bad usage or value (nothing done); 3 no such network or object;\n"
		   "            4 conflict (exists differently, overlaps, not vnet's);\n"
		   "            5 needs root (CAP_NET_ADMIN).\n");
}

/* "usage: vnet ..." of a command, or of one of its sub-commands, and what
 * the command does: on stdout, exit 0. */
static int usage(const struct vc_cmd *k, const struct vc_sub *sub)
{
	if (sub)
		printf("usage: vnet %s\n", sub->usage);
	else
		usage_lines(stdout, k, "usage: vnet ", "       vnet ");
	printf("\n%s\n", k->help);
	if (k->options_fn)
		k->options_fn(stdout, true);
	return 0;
}

/* Every command and sub-command, one a line ("vm start"). */
static int commands(void)
{
	for (unsigned i = 0; i < NCMDS; i++) {
		printf("%s\n", cmds[i].name);
		for (const struct vc_sub *s = cmds[i].subs; s && s->name; s++)
			printf("%s %s\n", cmds[i].name, s->name);
	}
	return 0;
}

/* The models, one a line (create's first argument). */
static int models(void)
{
	for (unsigned m = 0; m < VN_NMODELS; m++)
		printf("%s\n", vn_model_name(m));
	return 0;
}

/* The options of a command that has a table of them, one a line ("--mtu
 * N"); of the others and of sub-commands, each option's name ("--mac"). */
static int options(const char *name, const char *subname)
{
	const struct vc_cmd *k = find_cmd(name);
	char who[64];

	if (!k)
		return vc_usage("help", "no command %s", name);
	if (subname && !find_sub(k, subname))
		return vc_usage("help", "no sub-command %s %s", name, subname);
	if (k->options_fn && !subname) {
		k->options_fn(stdout, false);
		return 0;
	}
	snprintf(who, sizeof(who), "%s%s%s", name, subname ? " " : "", subname ? subname : "");
	opt_list(who);
	return 0;
}

static int cmd_help(struct vn_ctx *c, int argc, char **argv)
{
	const struct vc_cmd *k;
	const struct vc_sub *sub = NULL;

	(void)c;
	if (argc < 2) {
		overview(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--commands"))
		return commands();
	if (argc == 2 && !strcmp(argv[1], "--models"))
		return models();
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--options"))
		return options(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc > 3 || !(k = find_cmd(argv[1])))
		return vc_usage("help", "no command %s", argv[1]);
	if (argc == 3 && !(sub = find_sub(k, argv[2])))
		return vc_usage("help", "no sub-command %s %s", argv[1], argv[2]);
	return usage(k, sub);
}

static bool is_help(const char *arg)
{
	return arg && (!strcmp(arg, "--help") || !strcmp(arg, "-h"));
}

/* "vnet CMD --help" or "vnet CMD SUB --help": the usage, exit 0. */
static bool asks_help(const struct vc_cmd *k, const struct vc_sub *sub, int argc, char **argv,
		      int *code)
{
	if (argc > 2 && is_help(argv[2]))
		*code = usage(k, NULL);
	else if (sub && argc > 3 && is_help(argv[3]))
		*code = usage(k, sub);
	else
		return false;
	return true;
}

/* Before any command runs: every option its arguments hold is one it
 * takes, with its value; else "vnet port add: unknown option --bogus" (or
 * "option --mac needs a value") and its usage on stderr, exit 2. -h and
 * --help anywhere ask for the usage. The check works on a copy: the
 * command parses its arguments itself. */
static bool check_options(const struct vc_cmd *k, const struct vc_sub *sub, int argc, char **argv,
			  int *code)
{
	int first = sub ? 3 : 2, n = argc - first + 1, o = 0;
	char who[64], line[160] = "", **v = calloc((size_t)n + 1, sizeof(*v));
	struct opt_set s;

	if (!v)
		return false;
	snprintf(who, sizeof(who), "%s%s%s", k->name, sub ? " " : "", sub ? sub->name : "");
	opt_set(who, &s);
	v[0] = who;
	memcpy(v + 1, argv + first, (size_t)(n - 1) * sizeof(*v));
	optind = 0;
	opterr = 0;
	while (!line[0] && o != 'h' && (o = getopt_long(n, v, s.shorts, s.lo, NULL)) != -1) {
		const char *arg = v[optind - 1];
		char one[2] = {(char)optopt, '\0'};

		if (o == ':')
			snprintf(line, sizeof(line), "option %s needs a value", vc_esc(arg));
		else if (o == '?' && optopt >= 1000)
			snprintf(line, sizeof(line), "option %s takes no value", vc_esc(arg));
		else if (o == '?' && optopt)
			snprintf(line, sizeof(line), "unknown option -%s", vc_esc(one));
		else if (o == '?')
			snprintf(line, sizeof(line), "unknown option %s", vc_esc(arg));
	}
	free(v);
	optind = 0;
	if (o == 'h') {
		*code = usage(k, sub);
		return true;
	}
	if (!line[0])
		return false;
	fprintf(stderr, "vnet %s: %s\n", who, line);
	if (sub)
		fprintf(stderr, "usage: vnet %s\n", sub->usage);
	else
		usage_lines(stderr, k, "usage: vnet ", "       vnet ");
	*code = EXIT_USAGE;
	return true;
}

/* The one line of a command refused for want of root: "vnet: forward add:
 * needs root (CAP_NET_ADMIN): run it as root". */
static void needs_root(const struct vc_cmd *k, const struct vc_sub *sub)
{
	fprintf(stderr, "vnet: %s%s%s: needs root (CAP_NET_ADMIN): run it as root\n", k->name,
		sub ? " " : "", sub ? sub->name : "");
}

int main(int argc, char **argv)
{
	const struct vc_cmd *k;
	const struct vc_sub *sub;
	struct vn_ctx *c;
	struct nl_err e;
	int code;

	if (argc < 2 || is_help(argv[1])) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vnet " VNET_VERSION "\n");
		return 0;
	}
	if (!(k = find_cmd(argv[1]))) {
		fprintf(stderr, "vnet: unknown command %s (see vnet --help)\n", vc_esc(argv[1]));
		return EXIT_USAGE;
	}
	/* before the command: getopt and sub-commands reorder argv */
	sub = argc > 2 ? find_sub(k, argv[2]) : NULL;
	if (asks_help(k, sub, argc, argv, &code) || check_options(k, sub, argc, argv, &code))
		return code;
	optind = 0;
	opterr = 0;
	if (!k->needs_ctx) {
		code = k->run(NULL, argc - 1, argv + 1);
	} else if (!(c = vn_ctx_new(&e))) {
		code = vc_fail(&e);
	} else {
		code = k->run(c, argc - 1, argv + 1);
		vn_ctx_free(c);
	}
	if (code == EXIT_PERM)
		needs_root(k, sub);
	return code;
}
