/* vnet-dhcp-script ACTION MAC ADDR [HOSTNAME] — the dhcp-script= of a
 * network with --anti-spoof: dnsmasq runs it as root after a lease's ACK
 * (add), at its start for the leases it holds (old) and when a lease ends
 * (del), one call at a time, with the bridge in DNSMASQ_INTERFACE (for an
 * IPv6 lease the second argument is the client's DUID and the MAC comes in
 * DNSMASQ_MAC). Everything of it came from a guest: the engine
 * (vn_lease_event) checks it all and binds the address to the port the
 * bridge learnt the MAC on. Other actions (tftp, arp-add...) do nothing.
 * Failures go to stderr, which dnsmasq logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/netd.h"

int main(int argc, char **argv)
{
	const char *mac = argc > 2 ? argv[2] : NULL, *addr = argc > 3 ? argv[3] : NULL;
	char line[1024];
	struct vn_ctx *c;
	struct nl_err e;
	int err;

	if (argc < 2 ||
	    (strcmp(argv[1], "add") && strcmp(argv[1], "old") && strcmp(argv[1], "del")))
		return 0;
	if (addr && strchr(addr, ':'))
		mac = getenv("DNSMASQ_MAC");
	if (!(c = vn_ctx_new(&e))) {
		err = e.code;
	} else {
		err = vn_lease_event(c, argv[1], mac, addr, getenv("DNSMASQ_INTERFACE"), &e);
		vn_ctx_free(c);
	}
	if (!err)
		return 0;
	nl_err_str(&e, line, sizeof(line));
	fprintf(stderr, "vnet-dhcp-script: %s\n", line);
	return nl_err_exit_code(&e);
}
