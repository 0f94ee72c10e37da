/* net — a network's definition: what `vnet create` was asked for, with the
 * defaults filled in. Validation, defaults and comparison live here (net.c),
 * the options as a table (options.h), the value parsers (parse.c), static
 * hosts and forwards (hosts.c); how the definition is stored is store.c's,
 * how it runs is model.c's. Pure code. */
#ifndef VNET_NETD_NET_H
#define VNET_NETD_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/ifname.h"
#include "common/prefix.h"

enum vn_model { VN_ISOLATED, VN_ROUTED, VN_NAT, VN_BRIDGED, VN_NMODELS };

#define VN_MAX_SUBNETS 4
#define VN_DEFAULT_MTU 1500
/* The MTUs a network may have: the kernel's bounds for a bridge (IPv4's
 * minimum, 68; a bridge's maximum, 65535). Every MTU check uses these. */
#define VN_MTU_MIN	     68
#define VN_MTU_MAX	     65535
#define VN_DHCP_DEFAULT_SIZE 253 /* addresses in the default range, as libvirt's .2-.254 */

/* A network has at most one IPv4 and one IPv6 subnet, IPv4 first. On an
 * IPv6 subnet, dhcp means dnsmasq sends router advertisements there and
 * serves DHCPv6: slaac (a /64 without a range) has guests make their own
 * addresses (the RA's A flag) and DHCPv6 tell only DNS; else the range is
 * handed out by stateful DHCPv6 (the RA's M flag). */
struct vn_subnet {
	struct nl_prefix prefix;  /* the network: host bits clear */
	struct nl_prefix gateway; /* the host's address on the bridge, prefix's length */
	bool dhcp;
	bool slaac;			       /* IPv6, dhcp: SLAAC, no range */
	struct nl_prefix dhcp_start, dhcp_end; /* plain addresses, when dhcp and not slaac */
};

#define VN_MAX_HOSTS	256
#define VN_MAX_FORWARDS 64
#define VN_DOMAIN_MAX	64

/* A static DHCP host: this MAC always gets this address (and name), and
 * ip6 over DHCPv6 where the network has an IPv6 subnet. */
struct vn_host {
	unsigned char mac[6];
	struct nl_prefix ip;  /* plain address; family 0: none (an IPv6-only network's host) */
	struct nl_prefix ip6; /* plain IPv6 address; family 0: none */
	char name[64];	      /* "" when none */
};

/* A port forward into a NAT guest: proto HOSTPORT on the host (every
 * address, or just address) to guest:port; IPv4 to an IPv4 guest, IPv6 to
 * an IPv6 one. */
struct vn_forward {
	unsigned char proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	unsigned short port;	/* on the host */
	struct nl_prefix guest; /* plain address in the network */
	unsigned short guest_port;
	struct nl_prefix address; /* family 0: every address of the host */
};

/* bridge, uplink, mtu, isolate_ports, zero_dhcp_checksum, anti_spoof and domain are
 * the options: options.c has a row for each. */
struct vn_net {
	char name[NL_IFNAMSIZ];
	enum vn_model model;
	char bridge[NL_IFNAMSIZ];
	char uplink[NL_IFNAMSIZ]; /* bridged only */
	unsigned mtu;		  /* 0: bridged, the uplink's */
	bool isolate_ports;
	/* zero the UDP checksum of DHCP replies to guests: only for old DHCP
	 * clients behind virtio offloads; it breaks guests whose NIC does not
	 * offload checksums (e1000, rtl8139), measured: off by default */
	bool zero_dhcp_checksum;
	/* a guest port sends only from its MAC and the addresses vnet gave it
	 * (firewall/spoof.h, netd/bind.c) */
	bool anti_spoof;
	unsigned nsubnets;
	struct vn_subnet subnet[VN_MAX_SUBNETS];
	char domain[VN_DOMAIN_MAX]; /* DNS domain of the guests; "" for none (bridged) */
	/* spans hosts: the VXLAN network identifier of its port (fabric.h),
	 * 0 for none */
	unsigned vni;
	/* from the arguments, not the file: no --mtu was given, so a network
	 * with a VNI takes the underlay's MTU less the tunnel's overhead */
	bool mtu_auto;
	/* added after create, and not compared by it */
	unsigned nhosts, nforwards;
	struct vn_host host[VN_MAX_HOSTS];
	struct vn_forward forward[VN_MAX_FORWARDS];
};

/* The options a definition can have (options.h: vn_options). */
#define VN_OPT_MAX 32

/* What the user gave; NULL means "not given, use the default". */
struct vn_net_args {
	const char *model;
	const char *name;
	/* SUBNET and SUBNET6, in either order: one IPv4 and/or one IPv6
	 * prefix (subnet2 NULL: one) */
	const char *subnet, *subnet2;
	/* the options, by their place in vn_options: the value as given (a
	 * flag's: "yes"); vn_net_args_set sets one by name */
	const char *opt[VN_OPT_MAX];
};

const char *vn_model_name(enum vn_model m);
int vn_model_parse(const char *s, enum vn_model *m, struct nl_err *e);

/* A network name is 1..15 bytes of [A-Za-z0-9_.-], not starting with '.' or
 * '-' (nl_ifname_safe_check, the rule of every name vnet creates or writes:
 * bridges and uplinks too): it names a file, a bridge and nftables chains. */
int vn_name_check(const char *name, struct nl_err *e);

/* Builds a complete definition from the user's arguments: every value
 * checked (errors name the value, kind NL_ERR_INVALID), defaults filled. */
int vn_net_from_args(const struct vn_net_args *a, struct vn_net *n, struct nl_err *e);

/* Fills the defaults of subnet s (gateway: first host; DHCP range: the hosts
 * after the gateway, at most VN_DHCP_DEFAULT_SIZE; IPv6: SLAAC on a /64,
 * dhcp_arg "slaac" says so too, another length needs a range) and checks it: not
 * overlapping a range no guest can have an address in ("subnet
 * 224.0.0.0/24: is multicast (224.0.0.0/4): guests cannot have such
 * addresses": 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4,
 * 240.0.0.0/4, ::/128, ::1/128, ::ffff:0:0/96, fe80::/10, ff00::/8), gateway
 * and range inside the subnet, range not holding the gateway. dhcp_arg may
 * be NULL; no_dhcp: no range (dhcp_arg unread). */
int vn_subnet_complete(struct vn_subnet *s, const char *gateway, const char *dhcp_arg, bool no_dhcp,
		       struct nl_err *e);

/* Checks a definition read back from a file (same rules as from_args). */
int vn_net_check(const struct vn_net *n, struct nl_err *e);

/* Compares two complete definitions; returns true when equal, else writes
 * the first difference ("subnet 10.0.0.0/8, not 10.1.0.0/16") to buf. */
bool vn_net_same(const struct vn_net *have, const struct vn_net *want, char *buf, size_t n);

/* parse.c. Parses "52:54:00:12:34:56"; errors name the text (kind invalid). */
int vn_mac_parse(const char *s, unsigned char mac[6], struct nl_err *e);
void vn_mac_str(const unsigned char mac[6], char buf[18]);

/* Whether the network runs a DHCP server (any subnet with a range). */
bool vn_net_has_dhcp(const struct vn_net *n);

/* hosts.c. Checks a static host against n (address in a subnet, not the gateway,
 * MAC and address and name not taken by another host; the name one DNS
 * label, not "localhost", nothing dnsmasq reads as a keyword or lease time
 * such as "ignore" or "2h") and adds it. */
int vn_host_add(struct vn_net *n, const struct vn_host *h, struct nl_err *e);
/* -ENOENT (not found) when no host has that MAC. */
int vn_host_del(struct vn_net *n, const unsigned char mac[6], struct nl_err *e);

/* Checks a port forward against n (a NAT network; the address, when
 * given, not loopback, multicast, reserved, unspecified...; the guest
 * address one of its hosts; HOSTPORT not forwarded already for that
 * protocol and address) and adds it. Whether the host holds the address is
 * the engine's check (forward.c): it needs the kernel. */
int vn_forward_add(struct vn_net *n, const struct vn_forward *f, struct nl_err *e);
/* Removes the forward of proto HOSTPORT (and address, when family is set);
 * -ENOENT (not found) when there is none. */
int vn_forward_del(struct vn_net *n, const struct vn_forward *f, struct nl_err *e);
/* Whether two forwards would listen on one port: same protocol, port and
 * family, and the same address or either on every address. */
bool vn_forward_same_listener(const struct vn_forward *x, const struct vn_forward *y);
/* Parses "tcp"/"udp", a port 1..65535, "ADDR:PORT" ("[IPV6]:PORT"); errors
 * name the text. */
int vn_proto_parse(const char *s, unsigned char *proto, struct nl_err *e);
int vn_port_parse(const char *s, unsigned short *port, struct nl_err *e);
int vn_addrport_parse(const char *s, struct nl_prefix *a, unsigned short *port, struct nl_err *e);
/* "10.0.0.5:80", "[fd00::5]:80" (VN_ADDRPORT_STRLEN); returns buf. */
#define VN_ADDRPORT_STRLEN (NL_PREFIX_STRLEN + 8)
const char *vn_addrport_str(const struct nl_prefix *a, unsigned short port, char *buf, size_t n);
const char *vn_proto_name(unsigned char proto);

/* The bridge's MAC: locally administered, unicast, derived from the name so
 * it never changes (the gateway's MAC stays when ports join). */
void vn_net_bridge_mac(const struct vn_net *n, unsigned char mac[6]);

#endif
