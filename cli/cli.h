/* cli — what the command line's files share: exit codes, error and usage
 * lines, option parsing, JSON output. Each area of commands lives in a file
 * of its own (cmd_net.c: networks); vnet.c holds the table and main(). */
#ifndef VNET_CLI_H
#define VNET_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/file.h"
#include "netd/netd.h"

struct json_object;

/* Exit codes, documented in vnet(8) and --help: nl_err_exit_code() of the
 * error's kind (nlink/err.h), the one mapping vnet and its hooks share. */
enum {
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_NOTFOUND = 3,
	EXIT_CONFLICT = 4,
	EXIT_PERM = 5, /* needs root: main says so, naming the command */
};

/* A sub-command ("vm start"): its name and its usage line(s), which start
 * with the command's name ("vm start NAME [--memory MB]..."). */
struct vc_sub {
	const char *name;
	const char *usage;
};

struct vc_cmd {
	const char *name;
	/* argv[0] is the command's name; c is NULL for commands that need no
	 * engine (needs_ctx false). */
	int (*run)(struct vn_ctx *c, int argc, char **argv);
	const char *usage; /* NULL when subs or usage_fn gives it */
	const char *help;
	bool needs_ctx;
	const struct vc_sub *subs; /* ends with {NULL}; NULL when it has none */
	/* for a command whose options are a table (create: the engine's):
	 * its usage lines (the first after first, the others after lead), and
	 * its options, for --help (help) or one a line (`help --options`) */
	void (*usage_fn)(FILE *f, const char *first, const char *lead);
	void (*options_fn)(FILE *f, bool help);
};

/* What a file, the kernel or a user put in a string reaches the terminal
 * only escaped. Every %s that is not a literal is printed as vc_esc(s), a
 * value (a name, a port, a path: nl_escape, in a buffer that lives to the
 * end of the enclosing block), or as vc_text(s), text the engine composed
 * with its values quoted ("map from_bridge element \"isbr\"", an error
 * line: nl_err_safe, which leaves quotes as they are). JSON strings get
 * vc_jstr(s) and vc_jtext(s) alike. */
#define VC_ESC_MAX 1024
#define vc_esc(s)  nl_escape((s), (char[VC_ESC_MAX]){""}, VC_ESC_MAX)
#define vc_text(s) nl_err_safe((s), false, (char[VC_ESC_MAX]){""}, VC_ESC_MAX)
struct json_object *vc_jstr(const char *s);
struct json_object *vc_jtext(const char *s);

/* Prints "vnet: <error line>" and returns the exit code of its kind; for
 * "needs root" (EXIT_PERM) it prints nothing: main names the command. */
int vc_fail(const struct nl_err *e);
/* Prints "vnet: CMD: <what> (see vnet help CMD)" and returns EXIT_USAGE;
 * the line is made safe (nl_err_safe), arguments may be the user's. */
int vc_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "vnet: <line>\n" made safe: for messages composed elsewhere. */
void vc_say(const char *line);
/* getopt_long over a command's own options; a bad option sets *code. */
int vc_next_opt(int argc, char **argv, const struct option *longopts, int *code);
/* Removes -j/--json from argv; whether it was there. */
bool vc_json_flag(int *argc, char **argv);
/* Prints o (pretty) and puts it. */
void vc_put_json(struct json_object *o);

/* The getopt tables of the commands that have one: the commands parse
 * with them, and main checks every command's arguments against them before
 * it runs (vnet.c, cmd_opts). */
extern const struct option vc_vm_start_opts[], vc_vm_migrate_opts[], vc_vm_stop_opts[],
	vc_tune_opts[], vc_hooks_opts[], vc_doctor_opts[], vc_fabric_set_opts[];

/* cmd_net.c */
int vc_create(struct vn_ctx *c, int argc, char **argv);
void vc_create_usage(FILE *f, const char *first, const char *lead);
void vc_create_options(FILE *f, bool help);
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

/* cmd_access.c */
int vc_access(struct vn_ctx *c, int argc, char **argv);

/* cmd_hooks.c */
int vc_hooks(struct vn_ctx *c, int argc, char **argv);

/* cmd_fabric.c */
int vc_fabric(struct vn_ctx *c, int argc, char **argv);

/* cmd_doctor.c */
int vc_doctor(struct vn_ctx *c, int argc, char **argv);

#endif
