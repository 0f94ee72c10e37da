/* print — how the CLI shows networks. One description of a network (the
 * walk in print.c) is rendered three ways: `vnet show`'s text, JSON
 * (`show -j`, `list -j`) and a row of `vnet list`'s table, the way
 * iproute2's print_*() calls with PRINT_ANY give ip's text and -j from one
 * walk. A definition's options come from the engine's table (options.h). */
#ifndef VNET_CLI_PRINT_H
#define VNET_CLI_PRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "netd/netd.h"

enum vc_mode {
	VC_SHOW, /* vnet show: a block of lines per network */
	VC_JSON, /* one object per network (array: a JSON array of them) */
	VC_ROW,	 /* vnet list: a header, then a line per network */
};

/* What one command prints, on standard output. */
struct vc_out;
struct vc_out *vc_out_new(enum vc_mode mode, bool array);
void vc_out_network(struct vc_out *o, const struct vn_status *st);
/* Finishes (the JSON is printed here; a table without rows still gets its
 * header) and frees o. */
void vc_out_end(struct vc_out *o);
/* Frees o, printing nothing (the command failed). */
void vc_out_free(struct vc_out *o);

/* "rules, dnsmasq": what VN_UNCHECKED_* bits name. Returns buf. */
const char *vc_unchecked_str(unsigned bits, char *buf, size_t len);

#endif
