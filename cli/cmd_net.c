/* cmd_net — the network commands: create, destroy, up, down, port, list,
 * show. Parse, call the engine, print. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/print.h"
#include "netd/options.h"

/* getopt's val of option i of the table: above every character */
#define OPT_BASE 0x100

int vc_create(struct vn_ctx *c, int argc, char **argv)
{
	struct option opts[VN_OPT_MAX + 1] = {{0}};
	struct vn_net_args a = {0};
	struct vn_net n;
	struct nl_err e;
	bool existed;
	int o, code = 0;

	for (unsigned i = 0; i < vn_noptions; i++)
		opts[i] = (struct option){vn_options[i].name,
					  vn_options[i].arg ? required_argument : no_argument, NULL,
					  OPT_BASE + (int)i};
	while (!code && (o = vc_next_opt(argc, argv, opts, &code)) != -1)
		if (o >= OPT_BASE)
			a.opt[o - OPT_BASE] = vn_options[o - OPT_BASE].arg ? optarg : "yes";
	if (code)
		return code;
	if (argc - optind < 2 || argc - optind > 4)
		return vc_usage("create", "needs MODEL NAME [SUBNET] [SUBNET6]");
	a.model = argv[optind];
	a.name = argv[optind + 1];
	a.subnet = argc - optind >= 3 ? argv[optind + 2] : NULL;
	a.subnet2 = argc - optind == 4 ? argv[optind + 3] : NULL;
	if (vn_net_from_args(&a, &n, &e) || vn_create(c, &n, &existed, &e))
		return vc_fail(&e);
	if (existed && vn_ctx_restored(c)[0])
		fprintf(stderr, "vnet: network %s exists as asked; restored what was missing: %s\n",
			vc_esc(n.name), vc_text(vn_ctx_restored(c)));
	else if (existed)
		fprintf(stderr, "vnet: network %s exists already as asked; nothing to change\n",
			vc_esc(n.name));
	if (vn_ctx_warning(c)[0])
		fprintf(stderr, "vnet: warning: %s\n", vc_text(vn_ctx_warning(c)));
	return 0;
}

/* "--bridge BR", "--isolate-ports"; returns buf */
static const char *flag_text(const struct vn_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	return buf;
}

/* Whether another option excludes o: o shows in that one's item. */
static bool excluded(const struct vn_opt *o)
{
	for (unsigned i = 0; i < vn_noptions; i++)
		if (vn_options[i].excludes && !strcmp(vn_options[i].excludes, o->name))
			return true;
	return false;
}

/* " [--bridge BR]", " --uplink IFACE" (needed), " [--dhcp START-END |
 * --no-dhcp]" (one that excludes another: shown with the first option of
 * the table that excludes it, so "[--dhcp6 START-END]" after it) */
static const char *usage_item(const struct vn_opt *o, bool needed, char *buf, size_t len)
{
	const struct vn_opt *x = o->excludes ? vn_opt_find(o->excludes) : NULL;
	char a[48], b[48];

	for (const struct vn_opt *p = vn_options; x && p < o; p++)
		if (p->excludes && !strcmp(p->excludes, o->excludes))
			x = NULL;

	snprintf(buf, len, needed ? " %s%s%s" : " [%s%s%s]", flag_text(o, a, sizeof(a)),
		 x ? " | " : "", x ? flag_text(x, b, sizeof(b)) : "");
	return buf;
}

/* The usage line of the models in mask: "create isolated|routed|nat NAME
 * SUBNET [--bridge BR] ...", needed options first, wrapped before column
 * 80 (continuation lines indented under "create"). */
static void usage_group(FILE *f, unsigned mask, const char *before)
{
	char item[112];
	int col = fprintf(f, "%screate", before) - (int)strlen(before);

	for (unsigned m = 0, k = 0; m < VN_NMODELS; m++)
		if (mask & VN_M(m))
			col += fprintf(f, "%s%s", k++ ? "|" : " ", vn_model_name(m));
	col += fprintf(f, " NAME%s", mask & VN_M(VN_BRIDGED) ? "" : " SUBNET [SUBNET6]");
	for (int needed = 1; needed >= 0; needed--)
		for (unsigned i = 0; i < vn_noptions; i++) {
			const struct vn_opt *o = &vn_options[i];

			if ((o->models & mask) != mask || excluded(o) ||
			    ((o->needs & mask) == mask) != needed)
				continue;
			usage_item(o, needed, item, sizeof(item));
			if (col + (int)strlen(item) > 80)
				col = fprintf(f, "\n%11s", "") - 1;
			col += fprintf(f, "%s", item);
		}
	fprintf(f, "\n");
}

/* Models alike take and need the same options, and a subnet or none:
 * they share a usage line. */
static bool alike(enum vn_model a, enum vn_model b)
{
	if ((a == VN_BRIDGED) != (b == VN_BRIDGED))
		return false;
	for (unsigned i = 0; i < vn_noptions; i++)
		if (!(vn_options[i].models & VN_M(a)) != !(vn_options[i].models & VN_M(b)) ||
		    !(vn_options[i].needs & VN_M(a)) != !(vn_options[i].needs & VN_M(b)))
			return false;
	return true;
}

void vc_create_usage(FILE *f, const char *first, const char *lead)
{
	unsigned done = 0;

	for (unsigned m = 0; m < VN_NMODELS; m++) {
		unsigned mask = 0;

		if (done & VN_M(m))
			continue;
		for (unsigned k = m; k < VN_NMODELS; k++)
			if (alike(m, k))
				mask |= VN_M(k);
		usage_group(f, mask, done ? lead : first);
		done |= mask;
	}
}

/* s in words after column indent, lines up to column 79 */
static void wrap(FILE *f, const char *s, int indent)
{
	int col = indent;

	for (s += strspn(s, " "); *s; s += strspn(s, " ")) {
		int w = (int)strcspn(s, " ");

		if (col > indent && col + 1 + w > 79)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		else if (col > indent)
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", w, s);
		s += w;
	}
	fprintf(f, "\n");
}

void vc_create_options(FILE *f, bool help)
{
	char flag[48];

	if (help)
		fprintf(f, "\nOptions:\n");
	for (unsigned i = 0; i < vn_noptions; i++) {
		flag_text(&vn_options[i], flag, sizeof(flag));
		if (!help) {
			fprintf(f, "%s\n", flag);
			continue;
		}
		fprintf(f, "  %-22s ", flag);
		wrap(f, vn_options[i].help, 25);
	}
}

static int one_name(int argc, char **argv, const char *what)
{
	if (argc != 2 || argv[1][0] == '-')
		return vc_usage(argv[0], "needs %s", what);
	return 0;
}

static void tell_released(const char *name, const struct vn_ports *p)
{
	if (!p->n)
		return;
	fprintf(stderr, "vnet: network %s: released port%s", vc_esc(name), p->n > 1 ? "s" : "");
	for (unsigned i = 0; i < p->n; i++)
		fprintf(stderr, "%s%s", i ? ", " : " ", vc_esc(p->name[i]));
	fprintf(stderr, " (they stay, detached)\n");
}

int vc_destroy(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_ports released;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (vn_destroy(c, argv[1], &released, &e))
		return vc_fail(&e);
	tell_released(argv[1], &released);
	return 0;
}

int vc_down(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_ports released;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (vn_down(c, argv[1], &released, &e))
		return vc_fail(&e);
	tell_released(argv[1], &released);
	return 0;
}

/* Each network of `up --all`: what failed said, the worst exit kept. */
static void up_one(void *arg, const char *name, const struct nl_err *fail)
{
	int *worst = arg, code = 0;
	char line[2048];

	if (fail && !name) {
		vc_say(nl_err_str(fail, line, sizeof(line)));
		code = EXIT_USAGE;
	} else if (fail) {
		code = vc_fail(fail);
	}
	*worst = code > *worst ? code : *worst;
}

static int up_all(struct vn_ctx *c)
{
	struct nl_err e;
	int worst = 0;

	if (vn_up_all(c, up_one, &worst, &e))
		return vc_fail(&e);
	/* one line says root is needed for all of them */
	return worst == EXIT_PERM ? EXIT_PERM : worst ? EXIT_REFUSED : 0;
}

int vc_up(struct vn_ctx *c, int argc, char **argv)
{
	struct nl_err e;

	if (argc == 2 && !strcmp(argv[1], "--all"))
		return up_all(c);
	if (argc != 2 || argv[1][0] == '-')
		return vc_usage("up", "needs NAME or --all");
	return vn_up(c, argv[1], &e) ? vc_fail(&e) : 0;
}

/* port add NAME IFNAME [--mac MAC] [--ip ADDR]... */
static int port_add(struct vn_ctx *c, int argc, char **argv)
{
	struct vn_bind b = {.refuse_unbound = true};
	struct nl_err e;
	int i;

	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--mac") && !b.has_mac) {
			if (vn_mac_parse(argv[i + 1], b.mac, &e))
				return vc_fail(&e);
			b.has_mac = true;
		} else if (!strcmp(argv[i], "--ip")) {
			if (vn_bind_add_addr(&b, argv[i + 1], &e))
				return vc_fail(&e);
		} else {
			break;
		}
	}
	if (i != argc)
		return vc_usage("port", "add NAME IFNAME [--mac MAC] [--ip ADDR]...");
	return vn_port_add_bound(c, argv[2], argv[3], &b, &e) ? vc_fail(&e) : 0;
}

int vc_port(struct vn_ctx *c, int argc, char **argv)
{
	char net[NL_IFNAMSIZ];
	struct nl_err e;

	if (argc >= 4 && !strcmp(argv[1], "add"))
		return port_add(c, argc, argv);
	if (argc == 3 && !strcmp(argv[1], "del"))
		return vn_port_del(c, argv[2], net, &e) ? vc_fail(&e) : 0;
	return vc_usage("port", "needs add NAME IFNAME, or del IFNAME");
}

int vc_show(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct vn_status *st;
	struct vc_out *o;
	struct nl_err e;
	int code = one_name(argc, argv, "NAME");

	if (code)
		return code;
	if (!(st = malloc(sizeof(*st))))
		return EXIT_REFUSED;
	if (vn_show(c, argv[1], st, &e))
		code = vc_fail(&e);
	else if ((o = vc_out_new(json ? VC_JSON : VC_SHOW, false))) {
		vc_out_network(o, st);
		vc_out_end(o);
	}
	free(st);
	return code;
}

struct list_run {
	struct vc_out *out;
	unsigned unchecked; /* what could not be read (VN_UNCHECKED_*) */
};

/* One network: its row (or object), or the line that names a bad file. */
static void list_one(void *arg, const struct vn_status *st, const struct nl_err *bad)
{
	struct list_run *r = arg;
	char line[2048];

	if (bad) {
		vc_say(nl_err_str(bad, line, sizeof(line)));
		return;
	}
	r->unchecked |= st->unchecked;
	vc_out_network(r->out, st);
}

static void name_one(void *arg, const char *name)
{
	(void)arg;
	printf("%s\n", vc_esc(name));
}

int vc_list(struct vn_ctx *c, int argc, char **argv)
{
	bool json = vc_json_flag(&argc, argv);
	struct list_run r = {0};
	struct nl_err e;
	char what[64];

	if (argc == 2 && !strcmp(argv[1], "--names") && !json)
		return vn_list_names(c, name_one, NULL, &e) ? vc_fail(&e) : 0;
	if (argc != 1)
		return vc_usage("list", "takes no argument but -j or --names");
	if (!(r.out = vc_out_new(json ? VC_JSON : VC_ROW, true)))
		return EXIT_REFUSED;
	if (vn_list(c, list_one, &r, &e)) {
		vc_out_free(r.out);
		return vc_fail(&e);
	}
	if (r.unchecked)
		fprintf(stderr, "vnet: list: %s not checked: only root can read them\n",
			vc_unchecked_str(r.unchecked, what, sizeof(what)));
	vc_out_end(r.out);
	return 0;
}
