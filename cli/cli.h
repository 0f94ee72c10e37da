/* cli — what the command line's files share: exit codes, error and usage
 * lines, option parsing, JSON output. Each area of commands lives in a file
 * of its own (cmd_net.c: networks); vnet.c holds the table and main(). */
#ifndef VNET_CLI_H
#define VNET_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "netd.h"

struct json_object;

/* Exit codes, documented in vnet(8) and --help. */
enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NOTFOUND = 3, EXIT_CONFLICT = 4 };

struct vc_cmd {
	const char *name;
	/* argv[0] is the command's name; c is NULL for commands that need no
	 * engine (needs_ctx false). */
	int (*run)(struct vn_ctx *c, int argc, char **argv);
	const char *usage;
	const char *help;
	bool needs_ctx;
};

/* Prints "vnet: <error line>" and returns the exit code of its kind. */
int vc_fail(const struct nl_err *e);
/* Prints "vnet: CMD: <what> (see vnet help CMD)" and returns EXIT_USAGE. */
int vc_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long over a command's own options; a bad option sets *code. */
int vc_next_opt(int argc, char **argv, const struct option *longopts, int *code);
/* Removes -j/--json from argv; whether it was there. */
bool vc_json_flag(int *argc, char **argv);
/* Prints o (pretty) and puts it. */
void vc_put_json(struct json_object *o);

/* cmd_net.c */
int vc_create(struct vn_ctx *c, int argc, char **argv);
int vc_destroy(struct vn_ctx *c, int argc, char **argv);
int vc_up(struct vn_ctx *c, int argc, char **argv);
int vc_down(struct vn_ctx *c, int argc, char **argv);
int vc_port(struct vn_ctx *c, int argc, char **argv);
int vc_list(struct vn_ctx *c, int argc, char **argv);
int vc_show(struct vn_ctx *c, int argc, char **argv);

/* cmd_tune.c */
int vc_tune(struct vn_ctx *c, int argc, char **argv);

/* vm */
int vc_vm(struct vn_ctx *c, int argc, char **argv);

/* cmd_services.c */
int vc_host(struct vn_ctx *c, int argc, char **argv);
int vc_leases(struct vn_ctx *c, int argc, char **argv);
int vc_restart_services(struct vn_ctx *c, int argc, char **argv);

/* cmd_forward.c */
int vc_forward(struct vn_ctx *c, int argc, char **argv);

/* cmd_map.c */
int vc_map(struct vn_ctx *c, int argc, char **argv);
int vc_unmap(struct vn_ctx *c, int argc, char **argv);
int vc_default(struct vn_ctx *c, int argc, char **argv);

/* cmd_hooks.c */
int vc_hooks(struct vn_ctx *c, int argc, char **argv);

/* cmd_doctor.c */
int vc_doctor(struct vn_ctx *c, int argc, char **argv);

#endif
