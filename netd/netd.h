/* netd — the engine: networks are defined (their file) and run (bridge,
 * addresses, forwarding, rules, services). Front ends (cli/, hooks/, vm/)
 * call these functions and print; no policy lives in them.
 *
 * Every mutating call takes the one lock ($VNET_RUN_DIR/lock). create is
 * idempotent (the same definition again converges and succeeds; a different
 * one is a conflict naming the difference) and transactional (a failure
 * undoes what that call made). Errors carry a kind (nlink/err.h) that the
 * front ends turn into exit codes. */
#ifndef VNET_NETD_H
#define VNET_NETD_H

#include <stdbool.h>

#include "common/err.h"
#include "netd/net.h"

/* The engine's context, opaque outside netd/ (netd/internal.h). */
struct vn_ctx;

/* The context every call takes: the folders ($VNET_CONF_DIR, default
 * /etc/vnet; $VNET_RUN_DIR, default /run/vnet), the lock, and the sockets,
 * which open on first use. NULL (e says why) when out of memory. */
struct vn_ctx *vn_ctx_new(struct nl_err *e);
void vn_ctx_free(struct vn_ctx *c);
const char *vn_ctx_conf_dir(const struct vn_ctx *c);
/* The launcher keeps its VMs' folders under it. */
const char *vn_ctx_run_dir(const struct vn_ctx *c);
/* What the last call, which succeeded, wants said ("" for nothing): "this
 * host has no IPv4 default route: ..." */
const char *vn_ctx_warning(const struct vn_ctx *c);
/* Gives back the lock a mutating call took (it is otherwise held until
 * the context closes): for a front end that goes on with long work of its
 * own, as the launcher waiting for qemu. */
void vn_unlock(struct vn_ctx *c);

/* a bridge's ports: as many as the kernel allows a bridge (BR_MAX_PORTS),
 * so that no list of them is cut short (256 were: a network with more
 * bound ports was degraded, its ports past the 256th "gone") */
#define VN_MAX_PORTS   1024
#define VN_SPOOF_ADDRS 32 /* a port's addresses that status lists */

struct vn_ports {
	unsigned n;
	char name[VN_MAX_PORTS][NL_IFNAMSIZ];
};

/* *existed tells whether the same network was there already (then nothing
 * was created; what was missing of it was restored, and vn_ctx_restored
 * names it). */
int vn_create(struct vn_ctx *c, const struct vn_net *n, bool *existed, struct nl_err *e);
/* After a create that found the same network: what of it was missing and
 * is restored, as status names the objects ("bridge n1, dnsmasq of network
 * n1"; "all of it (it was down)"); "" when nothing was. */
const char *vn_ctx_restored(const struct vn_ctx *c);
/* Stops and forgets; released gets the ports that were still attached. */
int vn_destroy(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e);
int vn_up(struct vn_ctx *c, const char *name, struct nl_err *e);
int vn_down(struct vn_ctx *c, const char *name, struct vn_ports *released, struct nl_err *e);

/* Attach an existing interface: the network's MTU, up, enslaved, port
 * flags. Never the host's NIC: one that holds a global address or is the
 * device of a route (other than the kernel's own fe80::/64 and ff00::/8)
 * is refused (conflict), as are a loopback, a bridge, another master's
 * port and a bridged network's uplink; a refusal changes nothing. */
int vn_port_add(struct vn_ctx *c, const char *name, const char *ifname, struct nl_err *e);
/* What a port of a network with --anti-spoof may send from besides its
 * link-local address (and, on an IPv6 /64 with SLAAC, its EUI-64 address,
 * both from its MAC): its MAC, when known, and addresses in the network's
 * subnets (not a gateway). */
#define VN_BIND_ADDRS 16
struct vn_bind {
	bool has_mac;
	unsigned char mac[6];
	unsigned naddrs;
	struct nl_prefix addr[VN_BIND_ADDRS];
	/* a MAC or an address given on a network without --anti-spoof is
	 * refused (invalid: the command line), not ignored (the hooks and the
	 * launcher, which pass a MAC for every network) */
	bool refuse_unbound;
};
/* Parses one address into b (kind invalid: names the text). */
int vn_bind_add_addr(struct vn_bind *b, const char *text, struct nl_err *e);
/* vn_port_add with the port's binding (b may be NULL: none). On a network
 * with --anti-spoof the port is bound before it joins the bridge (an
 * address outside the subnets is refused; a gateway, or a MAC or an
 * address another port of the network holds, is a conflict that names
 * it), replacing what its interface name had; without it, b changes
 * nothing (or is refused: b->refuse_unbound). */
int vn_port_add_bound(struct vn_ctx *c, const char *name, const char *ifname,
		      const struct vn_bind *b, struct nl_err *e);
/* What port ifname of a network with --anti-spoof is bound to, as vnet
 * wrote it down (its MAC and the addresses given or leased; not those its
 * MAC brings): *net gets the network. -ENOENT (not found) when it has no
 * binding. For a migration, whose destination binds the same. */
int vn_port_binding(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct vn_bind *b,
		    struct nl_err *e);
/* The network's dnsmasq calls this through vnet-dhcp-script after a
 * lease's ACK (action add or old: bind; del: unbind) with what dnsmasq
 * hands over: the lease's MAC and address (from a guest: checked), and
 * the bridge (DNSMASQ_INTERFACE). The port is the one the bridge's FDB
 * learnt the MAC on; a network without --anti-spoof, an address outside
 * its subnets, a MAC the bridge does not know or another port's MAC bind
 * nothing. */
int vn_lease_event(struct vn_ctx *c, const char *action, const char *mac, const char *addr,
		   const char *bridge, struct nl_err *e);

/* Detach: released from the vnet bridge the kernel says it is on (its
 * master's alias, whatever network anything else names) and down (never
 * down when it carries the host's addresses or routes); *net gets the
 * network's name. -ENODEV (not found) when the interface is gone; -ENOENT
 * (not found) when it is on no vnet bridge; -EBUSY (conflict) for a
 * bridged network's uplink; these leave everything as it is. */
int vn_port_del(struct vn_ctx *c, const char *ifname, char net[NL_IFNAMSIZ], struct nl_err *e);
/* The network that name stands for, for qemu's -netdev bridge,br=NAME: a
 * network's name, else the name of a network's bridge (a bridge whose
 * alias is vnet:NET and which NET's definition names). Anything else is
 * refused naming it: not found, or (a bridge that is not vnet's) conflict. */
int vn_port_network(struct vn_ctx *c, const char *name, char net[NL_IFNAMSIZ], struct nl_err *e);
/* vn_port_del for the ifdown hook: a gone interface says "gone already". */
int vn_port_release(struct vn_ctx *c, const char *ifname, struct nl_err *e);

enum vn_state { VN_STATE_DOWN, VN_STATE_UP, VN_STATE_DEGRADED };

/* One object vnet owns for a network that is not as its definition
 * wants: "bridge lan0" wants "up", has "down". */
#define VN_PROBLEMS 32
struct vn_problem {
	char object[96];
	char want[64];
	char have[64];
};

/* A network that spans hosts, as status reads it (vni 0: it does not). */
#define VN_SPAN_REMOTES 64
struct vn_span {
	unsigned vni;
	char mode[8];		/* "evpn" or "static" (the fabric's) */
	char port[NL_IFNAMSIZ]; /* its VXLAN port */
	unsigned nremotes;	/* remote tunnel ends (all-zero forwarding entries) */
	struct nl_prefix remote[VN_SPAN_REMOTES];
	unsigned remote_macs; /* MACs learned or installed behind them */
};

struct vn_status {
	struct vn_net net;
	enum vn_state state;
	char why[160]; /* the first problem as one line, when degraded */
	unsigned nproblems;
	struct vn_problem problem[VN_PROBLEMS];
	struct vn_ports ports; /* guests' ports (not the uplink) */
	int dnsmasq;	       /* pid of its DHCP/DNS server, 0 when none runs */
	int ifindex;	       /* its bridge's, 0 when absent */
	unsigned unchecked;    /* VN_UNCHECKED_*: not compared, for want of root */
	struct vn_span span;
	/* --anti-spoof: each port of the network in the table, and what it
	 * sent that was dropped */
	unsigned nspoof;
	struct vn_spoof_port {
		char ifname[NL_IFNAMSIZ];
		bool bound; /* its MAC is known: mac */
		unsigned char mac[6];
		unsigned naddrs; /* the addresses it may send from */
		struct nl_prefix addr[VN_SPOOF_ADDRS];
		unsigned long long packets, bytes;
	} spoof[VN_MAX_PORTS]; /* last: only nspoof of them are set (vn_show) */
};

/* What a status read without root leaves unchecked: the kernel shows the
 * ruleset, and another user's process's namespace, to root only. */
enum { VN_UNCHECKED_RULES = 1u << 0, VN_UNCHECKED_DNSMASQ = 1u << 1 };

const char *vn_state_name(enum vn_state s);

/* Static DHCP hosts, applied live (when the network runs) and kept in the
 * definition; a refusal changes neither. */
int vn_host_set(struct vn_ctx *c, const char *name, const struct vn_host *h, struct nl_err *e);
int vn_host_unset(struct vn_ctx *c, const char *name, const unsigned char mac[6], struct nl_err *e);
/* Starts the network's dnsmasq again (after it died: `vnet show` says
 * degraded). */
int vn_restart_services(struct vn_ctx *c, const char *name, struct nl_err *e);
int vn_show(struct vn_ctx *c, const char *name, struct vn_status *st, struct nl_err *e);

/* An interface on a network's bridge and its MAC: what a new guest NIC
 * there must not have. */
struct vn_mac {
	char ifname[NL_IFNAMSIZ];
	unsigned char mac[6];
};
/* The MACs on running network n's bridge (as vn_show gives n): its ports'
 * that have one, then the bridge's own; *mtu gets the bridge's MTU, which
 * a new port takes. *out is malloc'd. A bridge that is absent or not vnet's
 * is an error, as for vn_port_add. */
int vn_bridge_macs(struct vn_ctx *c, const struct vn_net *n, struct vn_mac **out, unsigned *nout,
		   unsigned *mtu, struct nl_err *e);

/* vnetd: the networks it keeps running, and their repair. A network is
 * kept while its definition reads and `vnet down` has not marked it down
 * since boot, when: all says so (vnetd's start and SIGHUP: every such
 * definition, as `vnet up --all` at boot), or it was brought up (its run
 * record), or the last list held it (what vnetd keeps stays kept should
 * the run records vanish: $VNET_RUN_DIR removed). */
struct vn_kept {
	char name[NL_IFNAMSIZ]; /* "" for a file that is no definition (bad says) */
	struct vn_ports ports;	/* seen on its bridge: put back if it vanishes */
	int dnsmasq;		/* its dnsmasq's pid, 0 when none runs */
	bool bring_up;		/* brought up even when it is not running (start, SIGHUP) */
	bool known;		/* the last list held it */
	bool up;		/* the last vn_repair found it, or left it, up */
	bool gone;		/* ... found it no longer kept (taken down or away) */
	bool repaired;		/* the last vn_repair changed something */
	bool edited;		/* ... and applied a definition edited since it ran */
	char what[512];		/* what it found missing: "bridge isbr: absent; ..."; or,
				 * edited, the change: "subnet 10.3.0.0/24, not ..." */
	char bad[320];		/* not "": the definition does not read (why, as
				 * nl_err_str says it): listed, never repaired */
	/* what of it the kernel's news may name (vn_watch_keep): its
	 * definition's bridge, uplink and VXLAN port ("" for none), and the
	 * bridge's ifindex when the last vn_repair found it (0: not) */
	char bridge[NL_IFNAMSIZ], uplink[NL_IFNAMSIZ], vxlan[NL_IFNAMSIZ];
	int ifindex;
	unsigned def; /* where the pass's list (vn_kept's) holds its definition */
};
/* Lists the networks to keep, then the definitions that do not read (bad
 * set), each once; what last knew of a network (its ports, its dnsmasq)
 * carries over. *out is calloc'd. It takes the lock (which stays, as
 * after vn_repair) and keeps the definitions it read for the pass's
 * repairs (dropped by vn_pass_end): a pass parses each one once. */
int vn_kept(struct vn_ctx *c, bool all, const struct vn_kept *last, unsigned nlast,
	    struct vn_kept **out, unsigned *n, struct nl_err *e);
/* Takes the lock and reads the network's status; unless look, and unless
 * it is up (or, k->bring_up, runs a definition edited since), brings it up
 * and puts back the ports k->ports names that exist and are no longer on
 * it; then updates k. A kept network whose run record vanished is brought
 * up (which writes it again). The lock stays taken (vn_unlock). */
int vn_repair(struct vn_ctx *c, struct vn_kept *k, bool look, struct nl_err *e);
/* A pass of vn_repair over n networks: begin takes the lock and, for more
 * than one network, reads the host once (one dump per kind of object,
 * which costs about what one network's own reads cost); each vn_repair
 * then finds a network up in that read without reading anything of its
 * own, and reads live only what the read did not find up. end drops the
 * read and vn_kept's definitions (the lock stays, vn_unlock). Without a begin, vn_repair reads
 * live. */
void vn_pass_begin(struct vn_ctx *c, unsigned n);
void vn_pass_end(struct vn_ctx *c);
/* In a pass whose read found table inet vnet gone (a flush of the
 * ruleset, a firewall's reload): the rules of the n kept networks that run
 * as defined go back together (fw_restore: a few transactions, where a
 * repair each would commit once a network, each commit checking the
 * whole table: O(N^2)), and the pass reads the host again. Returns how
 * many networks' rules went back in *sent transactions (0: the table is
 * there, or nothing to restore); a failure (e) leaves the rest to the
 * repairs, which name what is at fault. */
unsigned vn_pass_restore(struct vn_ctx *c, const struct vn_kept *k, unsigned n, unsigned *sent,
			 struct nl_err *e);

/* vnetd's ears (netd/watch.c): the kernel's news (links, addresses and
 * forwarding on one socket, VN_WATCH_LINKS; the ruleset on the other,
 * VN_WATCH_RULES). Read only to learn that something changed that
 * concerns a kept network: a pass reads the truth again, so a lost
 * message is as good as any. Each fd is non-blocking; vn_watch_drain
 * reads what is pending and says whether any of it concerns the networks
 * the last vn_watch_keep named: a link of theirs (their bridges, by name
 * or ifindex, ports, VXLAN ports, uplinks, any interface a kept bridge
 * masters, any carrying vnet's mark), an address on a kept bridge,
 * forwarding (the host's, a kept bridge's), vnet's tables or the deletion
 * of a table (fw_event_ours). Anything that does not read, and an
 * overrun, counts; until the first vn_watch_keep, and after one with k
 * NULL (the definitions could not be listed), everything does. */
enum { VN_WATCH_LINKS, VN_WATCH_RULES, VN_WATCH_N };
struct vn_watch;
struct vn_watch *vn_watch_new(struct nl_err *e);
void vn_watch_free(struct vn_watch *w);
int vn_watch_fd(const struct vn_watch *w, unsigned i);
bool vn_watch_drain(struct vn_watch *w, unsigned i);
void vn_watch_keep(struct vn_watch *w, const struct vn_kept *k, unsigned n);
/* ORs into hit[0..n) the kept networks (as vn_watch_keep was given them)
 * that the news drained since the last take named, and forgets them;
 * true when a pass must look at every network instead: news of no one
 * network (the host's forwarding, vnet's tables, vnet's mark on a link
 * that is neither a kept bridge nor on one), in doubt, or n not the count
 * vn_watch_keep was given. */
bool vn_watch_take(struct vn_watch *w, bool *hit, unsigned n);

/* vnetd's ear for FRR (netd/frr_watch.c): inotify on FRR's vty socket
 * folder (the fabric's --frr-vty, else FRR's default) and on the fabric's
 * folder (which aims it). drain reads what is pending; true when a daemon
 * (re)made its vty socket: FRR started again and may have lost vnet's
 * lines. reapply gives them back under the lock (taken and dropped):
 * *done the changes it made (0: all were there, or no fabric with an AS). */
struct vn_frr_watch;
struct vn_frr_watch *vn_frr_watch_new(struct vn_ctx *c, struct nl_err *e);
void vn_frr_watch_free(struct vn_frr_watch *w);
int vn_frr_watch_fd(const struct vn_frr_watch *w);
bool vn_frr_watch_drain(struct vn_frr_watch *w);
int vn_frr_reapply(struct vn_ctx *c, unsigned *done, struct nl_err *e);

/* A network that runs (its run record says so) while its definition is
 * gone or unreadable: `vnet destroy NAME` tears it down. */
struct vn_orphan {
	char name[NL_IFNAMSIZ];
	char why[320]; /* why the definition cannot be read */
};
/* *out is malloc'd (NULL when none). */
int vn_orphans(struct vn_ctx *c, struct vn_orphan **out, unsigned *n, struct nl_err *e);

/* The walks over every network that front ends make (list.c), one call of
 * each per network, in the order of the definitions' files, then the
 * orphans'. vn_list: st the network's status (as vn_show reads it), or,
 * for a file of the folder that is no definition, st NULL and bad saying
 * why (listed; the rest still is). A status that cannot be read stops the
 * walk: its error is returned. */
typedef void (*vn_list_fn)(void *arg, const struct vn_status *st, const struct nl_err *bad);
int vn_list(struct vn_ctx *c, vn_list_fn each, void *arg, struct nl_err *e);
/* The names vn_list would report, from the files alone: no socket, no
 * root, nothing locked (for the shell's completion). */
typedef void (*vn_name_fn)(void *arg, const char *name);
int vn_list_names(struct vn_ctx *c, vn_name_fn each, void *arg, struct nl_err *e);
/* `vnet up --all`: vn_up of every definition; fail says why one did not
 * come up (NULL: it did), name NULL for a file that is no definition. One
 * failure stops none of the others; the error returned is the folder's. */
typedef void (*vn_up_fn)(void *arg, const char *name, const struct nl_err *fail);
int vn_up_all(struct vn_ctx *c, vn_up_fn each, void *arg, struct nl_err *e);

#endif
