/* cmd_hooks — `vnet hooks install [--prefix DIR] [--system] [--force]` and
 * `vnet hooks uninstall [--prefix DIR]`: puts vnet-ifup and vnet-ifdown
 * where qemu finds them (hooks/install.h). They come from next to this
 * vnet (a build tree's hooks/) or from where vnet was installed. */
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"
#include "hooks/install.h"

static void say(const struct vh_report *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		const struct vh_step *s = &r->step[i];

		switch (s->act) {
		case VH_COPIED:
			printf("installed %s\n", vc_esc(s->path));
			break;
		case VH_CURRENT:
			printf("%s: up to date\n", vc_esc(s->path));
			break;
		case VH_IN_PLACE:
			printf("%s: the hooks are installed there with vnet\n", vc_esc(s->path));
			break;
		case VH_KEPT:
			printf("kept %s as %s\n", vc_esc(s->path), vc_esc(s->other));
			break;
		case VH_LINKED:
			printf("%s -> %s\n", vc_esc(s->path), vc_esc(s->other));
			break;
		case VH_LINKED_ALREADY:
			printf("%s -> %s (already)\n", vc_esc(s->path), vc_esc(s->other));
			break;
		case VH_REMOVED:
			printf("removed %s\n", vc_esc(s->path));
			break;
		case VH_RESTORED:
			printf("restored %s from %s\n", vc_esc(s->path), vc_esc(s->other));
			break;
		}
	}
}

/* "<folder of this vnet>/../hooks": where a build tree has them. */
static const char *build_tree_hooks(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	snprintf(buf, n, "%s/../hooks", dirname(exe));
	return buf;
}

/* its options: main checks them too (vnet.c) */
const struct option vc_hooks_opts[] = {{"prefix", required_argument, NULL, 'p'},
				       {"system", no_argument, NULL, 's'},
				       {"force", no_argument, NULL, 'f'},
				       {NULL, 0, NULL, 0}};

int vc_hooks(struct vn_ctx *c, int argc, char **argv)
{
	struct vh_install_opts o = {.src = {NULL, VNET_LIBEXECDIR}};
	struct vh_report r;
	char here[PATH_MAX + 16];
	struct nl_err e;
	int opt, code = 0, err;
	bool install;

	(void)c;
	while (!code && (opt = vc_next_opt(argc, argv, vc_hooks_opts, &code)) != -1) {
		switch (opt) {
		case 'p':
			o.prefix = optarg;
			break;
		case 's':
			o.system = true;
			break;
		case 'f':
			o.force = true;
			break;
		}
	}
	if (code)
		return code;
	if (argc - optind != 1 ||
	    (strcmp(argv[optind], "install") && strcmp(argv[optind], "uninstall")))
		return vc_usage("hooks", "needs install or uninstall");
	install = !strcmp(argv[optind], "install");
	if (!install && (o.system || o.force))
		return vc_usage("hooks", "uninstall takes only --prefix");
	o.src[0] = build_tree_hooks(here, sizeof(here));
	err = install ? vh_install(&o, &r, &e) : vh_uninstall(&o, &r, &e);
	say(&r);
	return err ? vc_fail(&e) : 0;
}
