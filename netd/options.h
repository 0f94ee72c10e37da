/* options — a network's options as data: one row per option of `vnet
 * create` (its name, the type of its value, where it lives in struct
 * vn_net, the models that take it, its default, whether create compares
 * it, its help). The definition's builder and checks (net.c), the file
 * (store.c), create's comparison (vn_net_same), and the command line's
 * parser, printers, usage and completion all walk this one table: a new
 * option is one row (and a field of struct vn_net; where it changes rules,
 * a row of the firewall's plan). Subnets, hosts and forwards are sections
 * of a definition, not options. Pure code. */
#ifndef VNET_NETD_OPTIONS_H
#define VNET_NETD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "netd/net.h"

/* What an option's value is, which says how it is parsed, written,
 * checked and printed (options.c's kinds). */
enum vn_opt_kind {
	VN_OPT_FLAG,   /* bool: no value on the command line; yes | no in the file */
	VN_OPT_NAME,   /* char[NL_IFNAMSIZ]: an interface name vnet writes (nl_ifname_safe_check) */
	VN_OPT_DOMAIN, /* char[VN_DOMAIN_MAX]: a DNS domain */
	VN_OPT_MTU, /* unsigned, VN_MTU_MIN..VN_MTU_MAX; 0 ("uplink"): a bridged network's uplink's
		     */
	VN_OPT_VNI, /* unsigned, 1..16777215: a VXLAN network identifier */
	VN_OPT_SUBNET, /* of a subnet (gateway, dhcp: the IPv4 one's; gateway6, dhcp6: the
			  IPv6 one's), as text for vn_subnet_complete; in the file, a
			  [subnet]'s own key (not a [network] one) */
};

/* The models that take an option, as a mask. */
#define VN_M(model) (1u << (model))
#define VN_M_ALL    ((1u << VN_NMODELS) - 1)

struct vn_opt {
	/* create's --NAME; the key in the file's [network] and, '-' as '_', in
	 * `vnet show -j` */
	const char *name;
	const char *arg; /* its value in the usage ("BR"); NULL: a flag, without value */
	enum vn_opt_kind kind;
	size_t at;	 /* where it lives in struct vn_net (offsetof) */
	unsigned models; /* VN_M() of the models that take it */
	unsigned needs;	 /* ... and of those that refuse to go without it */
	/* the default, written as in the file ("NAME" stands for the
	 * network's name); NULL: none (off, empty). def_bridged: a bridged
	 * network's, when it is another */
	const char *def, *def_bridged;
	const char *not_why; /* after "does not apply to a MODEL network" */
	bool compared;	     /* create compares it with the definition stored */
	bool always;	     /* the file holds it even unset (off): as earlier files do */
	/* what messages call it ("MTU 40: must be ...", "bridge isbr, not
	 * br0"); a flag's two states in a difference ("isolated ports, not
	 * open ports"; "DHCP checksums zeroed, not kept") */
	const char *noun, *yes, *no;
	/* `vnet show`: the text before its value on the bridge's line (a
	 * flag's: the text when on); NULL: not on that line */
	const char *show;
	const char *excludes; /* the option it cannot go with */
	const char *help;     /* for `vnet create --help` */
};

extern const struct vn_opt vn_options[];
extern const unsigned vn_noptions;

/* The option of that name (without dashes), or NULL. */
const struct vn_opt *vn_opt_find(const char *name);
/* Whether o holds a value in n: a flag on, a name given, an MTU of its own
 * (not the uplink's). Never for VN_OPT_SUBNET (the subnet holds those). */
bool vn_opt_set(const struct vn_opt *o, const struct vn_net *n);
/* o's value in n as the file writes it ("1500", "uplink", "yes", "isbr");
 * returns buf. */
const char *vn_opt_text(const struct vn_opt *o, const struct vn_net *n, char *buf, size_t len);

/* Sets option name of a to value (a flag's: "yes"); -ENOENT when there is
 * no such option. */
int vn_net_args_set(struct vn_net_args *a, const char *name, const char *value);

/* The walks net.c and store.c make. From the user's arguments: each option
 * given is one its model takes (else "--uplink: applies only to a bridged
 * network"), none that the model needs is missing, none given with one it
 * excludes; values parsed into n (name and model set), the others
 * defaulted. Subnet options are left to the subnet. */
int vn_opts_from_args(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e);
/* One [network] KEY = VALUE of a file: -ENOENT, e untouched, when key is
 * no option's; given gets the option's bit. An empty name or domain is
 * one not given, as vnet always read it. */
int vn_opt_read(struct vn_net *n, const char *key, const char *value, unsigned *given,
		struct nl_err *e);
/* The defaults of the options the file did not give (name and model set). */
int vn_opts_default(struct vn_net *n, unsigned given, struct nl_err *e);
/* The values' own rules (names, domain, MTU), for options the model takes
 * or that hold a value. */
int vn_opts_check(const struct vn_net *n, struct nl_err *e);
/* Writes the options' lines of [network]. */
void vn_opts_write(FILE *f, const struct vn_net *n);
/* The first compared option that differs, as vn_net_same says it. */
bool vn_opts_same(const struct vn_net *h, const struct vn_net *w, char *buf, size_t len);

#endif
