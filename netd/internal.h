/* internal — what the engine's modules share and nobody else sees. */
#ifndef VNET_NETD_INTERNAL_H
#define VNET_NETD_INTERNAL_H

#include "nlink/link.h"
#include "nlink/sock.h"
#include "netd/netd.h"

#define VN_ALIAS_PREFIX "vnet:" /* IFLA_IFALIAS of what vnet created: "vnet:NAME" */

struct fw;
struct vn_view;
struct vn_store_entry;

/* Front ends hold it by pointer (vn_ctx_new) and reach what they need of
 * it through functions: the sockets are the engine's alone. */
struct vn_ctx {
	char conf_dir[256]; /* $VNET_CONF_DIR, default /etc/vnet */
	char run_dir[256];  /* $VNET_RUN_DIR, default /run/vnet */
	struct nl_sock rt;  /* rtnetlink, opened on first use (vn_rt) */
	struct fw *fw;	    /* nftables, opened on first use (vn_fw) */
	void (*fw_free)(struct fw *fw);
	struct nl_batch *b;    /* scratch batch */
	int lock_fd;	       /* -1 until vn_lock() */
	const char *fail_step; /* test builds: fail before this step (VNET_FAIL_STEP) */
	const char *kill_at;   /* test builds: SIGKILL at this point (VNET_KILL_AT) */
	char race[64];	       /* test builds: VNET_RACE=CHAIN[:TIMES], struct fw's race */
	unsigned race_times;
	char warning[256];    /* what a call that succeeded wants said ("" for nothing) */
	char restored[256];   /* what the same create again found missing and restored */
	struct vn_view *view; /* vnetd's pass: the host read once (vn_pass_begin) */
	/* ... and the definitions, read once under the lock (vn_kept) */
	struct vn_store_entry *defs;
	unsigned ndefs;
	bool frr_given; /* vnet's lines given to FRR by this command or pass */
};

/* What a model wants to exist (model.c's table). */
enum {
	W_BRIDGE = 1u << 0,   /* a bridge of its own */
	W_ADDRESS = 1u << 1,  /* the gateway's address on it */
	W_FORWARD = 1u << 2,  /* forwarding on, for the host and on the bridge */
	W_RULES = 1u << 3,    /* an nftables plan */
	W_UPLINK = 1u << 4,   /* an enslaved NIC, its addresses moved */
	W_SERVICES = 1u << 5, /* DHCP and DNS (dnsmasq), when a subnet has a range */
	W_VXLAN = 1u << 6,    /* a VXLAN port, when it spans hosts (--vni) */
};
unsigned vn_model_wants(enum vn_model m);

/* One run of the apply walk over a network's steps (model.c). */
struct vn_run {
	struct vn_ctx *c;
	const struct vn_net *n;
	struct nl_link br;	   /* the bridge, once the bridge step ran */
	unsigned mtu;		   /* the MTU the bridge is pinned at */
	bool fresh;		   /* nothing of the network ran before this call */
	bool repair;		   /* up, vnetd: also take what is not vnet's out of its table */
	bool made_bridge;	   /* this call created the bridge */
	bool forward_on[2];	   /* this call turned on IPv4 / IPv6 forwarding */
	bool bridge_forward_on[2]; /* ... and on the bridge (conf.BRIDGE.forwarding) */
	bool uplink_moved;	   /* this call moved the uplink into the bridge */
	bool made_vxlan;	   /* this call made or configured the VXLAN port */
	bool ran_without_dhcp;	   /* its run record before this call: no DHCP */
};

int vn_lock(struct vn_ctx *c, struct nl_err *e);
/* Takes the lock and loads network name twice (malloc'd; the caller frees
 * both, also on failure): as it is, and a copy to change, so that a
 * refused change can put the old one back. */
int vn_load_to_change(struct vn_ctx *c, const char *name, struct vn_net **old, struct vn_net **n,
		      struct nl_err *e);
int vn_fw(struct vn_ctx *c, struct fw **fw, struct nl_err *e);
/* What the firewall needs of n: model, bridge, subnets, DHCP, forwards. */
struct fw_net;
void vn_fw_net_of(const struct vn_net *n, struct fw_net *f);

/* Test builds (VNET_FAIL_STEP=point): fails at that point of network
 * net's apply, as if the kernel had refused there; 0 otherwise. Points:
 * each step's name, "uplink-half" (the uplink enslaved, its routes not yet
 * moved) and "uplink-moved" (routes moved, the uplink's addresses
 * deleted). */
int vn_injected(const struct vn_ctx *c, const char *point, const char *net, struct nl_err *e);

/* Brings the network to "running": each step of its model ensures its part
 * exists; on failure the steps this call did are undone. */
int vn_apply(struct vn_run *r, struct nl_err *e);
/* The sysctl key of a bridge's own forwarding ("ipv4/conf/BRIDGE/forwarding"),
 * which a model that forwards wants at 1 as well as the host's. */
void vn_bridge_forward_key(const char *bridge, bool v6, char *key, size_t n);
/* Takes down everything that runs of the network, tolerating what is
 * missing; released gets the guests' ports that were still attached.
 * recorded: n is its run record (else its definition); forget (destroy)
 * also drops what a later `up` would reuse (leases). */
int vn_teardown(struct vn_ctx *c, const struct vn_net *n, bool recorded, bool forget,
		struct vn_ports *released, struct nl_err *e);

/* nl_data_cb that decodes a link reply into the struct nl_link at data. */
int vn_got_link(const struct nlmsghdr *nlh, unsigned idx, void *data);

/* Whether link l is a bridge vnet marked as a network's (kind bridge,
 * alias "vnet:NAME" with a NAME vnet could have written); net (may be
 * NULL) gets NAME. The one ownership test: everything else asks it. */
bool vn_link_network(const struct nl_link *l, char net[NL_IFNAMSIZ]);
/* Whether link l is the bridge vnet made for network name (marked). */
bool vn_link_is_ours(const struct nl_link *l, const char *name);
/* Whether l is n's bridge: marked, or made by a call killed before it
 * could mark it (named, with its MAC, by the intent written before the
 * create). */
bool vn_bridge_is_ours(const struct vn_ctx *c, const struct vn_net *n, const struct nl_link *l);
/* The intent ($VNET_RUN_DIR/NAME.bridge): written before the bridge is
 * created, dropped when it is deleted. */
int vn_bridge_intent(const struct vn_ctx *c, const struct vn_net *n, const unsigned char mac[6],
		     struct nl_err *e);
void vn_bridge_intent_drop(const struct vn_ctx *c, const char *name);

/* The run record ($VNET_RUN_DIR/NAME.net): the definition n runs with,
 * written before anything of it is made and dropped when nothing of it
 * runs; load is -ENOENT when there is none. */
int vn_run_record_save(const struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
int vn_run_record_load(const struct vn_ctx *c, const char *name, struct vn_net *n,
		       struct nl_err *e);
void vn_run_record_drop(const struct vn_ctx *c, const char *name);

/* `vnet down` marks a network down until it is brought up again (or the
 * machine restarts): vnetd's start and SIGHUP leave it down. */
void vn_down_mark(const struct vn_ctx *c, const char *name, bool down);

/* Test builds (VNET_KILL_AT=point): the process kills itself with SIGKILL
 * at that point, as a crash or `kill -9` would; nothing otherwise. */
void vn_kill_point(const struct vn_ctx *c, const char *point);
/* Gets the bridge of n: 0 and *l when it exists and is ours; -ENODEV when
 * absent; -EEXIST (kind conflict) when a link of that name is not ours. */
int vn_bridge_get(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l, struct nl_err *e);
/* vn_bridge_get for a network that must run: -ENODEV says "is down". */
int vn_bridge_running(struct vn_ctx *c, const struct vn_net *n, struct nl_link *l,
		      struct nl_err *e);

/* What attaching or detaching a port needs of a running network, cached
 * when it comes up: its bridge's ifindex, the MTU the bridge is pinned at,
 * whether ports are isolated, its uplink (which no port command takes). Load returns the ifindex
 * (0: no cache); saving NULL or an ifindex of 0 drops it. */
struct vn_bridge_cache {
	int ifindex;
	unsigned mtu;
	bool isolate;
	char uplink[NL_IFNAMSIZ]; /* a bridged network's; "" for the others */
	bool spoof;		  /* anti-spoofing: a port is bound before it joins */
};
int vn_bridge_cache_load(const struct vn_ctx *c, const char *name, struct vn_bridge_cache *bc);
void vn_bridge_cache_save(const struct vn_ctx *c, const char *name,
			  const struct vn_bridge_cache *bc);

/* What a status reads of the host (status.c), read once for many networks
 * (vnet list): every link, every address, the whole of table inet vnet
 * (one dump per kind of object, whatever the number of networks). A read
 * of the ruleset that failed (without root) is kept for each network's
 * status to say. vn_show_in with a NULL view reads live, as vn_show. */
struct fw_snapshot;
struct nl_ifaddr;
struct vn_view {
	struct nl_link *links;
	unsigned nlinks;
	struct nl_ifaddr *addrs;
	unsigned naddrs;
	struct fw_snapshot *fw; /* NULL when its read failed: */
	int fw_err;
	struct nl_err fw_e;
};
int vn_view_read(struct vn_ctx *c, struct vn_view **out, struct nl_err *e);
void vn_view_free(struct vn_view *v);
int vn_show_in(struct vn_ctx *c, const struct vn_view *v, const char *name, struct vn_status *st,
	       struct nl_err *e);
/* vn_show_in of network name whose definition def the caller read (NULL:
 * read it), so that a pass parses each definition once. */
int vn_show_def(struct vn_ctx *c, const struct vn_view *v, const char *name,
		const struct vn_net *def, struct vn_status *st, struct nl_err *e);

/* The checks' view of every definition (index.c). Load is the index (but
 * the forwards, which vn_index_forwarded reads); put/drop go before a
 * definition is saved or forgotten (its forwards too), touch after any
 * change of the definitions' folder. */
struct vn_index_entry {
	char name[NL_IFNAMSIZ], bridge[NL_IFNAMSIZ], uplink[NL_IFNAMSIZ];
	unsigned nsubnets;
	struct nl_prefix subnet[VN_MAX_SUBNETS];
	unsigned vni; /* 0: does not span hosts */
};
int vn_index_load(const struct vn_ctx *c, struct vn_index_entry **out, unsigned *n,
		  struct nl_err *e);
int vn_index_put(const struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* Whether a network other than self forwards f's listener (its protocol,
 * port and address: vn_forward_same_listener): 1, its name in net and its
 * forward in hit; 0 when none. */
int vn_index_forwarded(const struct vn_ctx *c, const char *self, const struct vn_forward *f,
		       char net[NL_IFNAMSIZ], struct vn_forward *hit, struct nl_err *e);
int vn_index_drop(const struct vn_ctx *c, const char *name, struct nl_err *e);
void vn_index_touch(const struct vn_ctx *c);

/* Refuses subnets that overlap another vnet network or an address or
 * non-default route of the host (naming the interface); checks a bridged
 * network's uplink. */
int vn_check_host(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* Before IPv6 forwarding is turned on: refuses (kind conflict) when an
 * interface holds routes learned from router advertisements (proto ra) and
 * takes them with accept_ra=1, which forwarding would make it ignore (the
 * routes expire), naming it and the fix (accept_ra=2). Interfaces with
 * accept_ra=1 and no such route (a fresh namespace's) pass. */
int vn_check_ra(struct vn_ctx *c, struct nl_err *e);

/* bridged: the apply walk's uplink step moves the uplink's addresses and
 * routes to the bridge (written down first in $VNET_RUN_DIR/NAME.uplink);
 * its undo gives back what this run moved; restore gives back whatever the
 * record says (teardown). */
int vn_uplink_step(struct vn_run *r, struct nl_err *e);
void vn_uplink_undo(struct vn_run *r);
int vn_uplink_restore(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* The addresses the record says moved to the bridge (at most max); 0 and
 * *n = 0 when there is no record. */
int vn_uplink_moved_addrs(struct vn_ctx *c, const char *name, struct nl_prefix *addrs, unsigned max,
			  unsigned *n);

/* vxlan.c: a network that spans hosts. The port's name (vx-VNI); the MTU
 * that fits the underlay (n->mtu_auto: taken from it; else refused when
 * larger); the apply walk's step and its undo; removal (teardown: only a
 * port that is vnet's); what status sees of it (problems as status names
 * them, and the span: mode, remote ends, remote MACs); and a changed
 * fabric's static peers applied to the networks that run. */
void vn_vxlan_name(const struct vn_net *n, char name[NL_IFNAMSIZ]);
int vn_vxlan_fit(struct vn_ctx *c, struct vn_net *n, struct nl_err *e);
int vn_vxlan_step(struct vn_run *r, struct nl_err *e);
void vn_vxlan_undo(struct vn_run *r);
int vn_vxlan_remove(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
struct vn_vxlan_seen {
	unsigned n;
	struct vn_problem p[4];
};
void vn_vxlan_status(struct vn_ctx *c, const struct vn_net *n, const struct nl_link *br,
		     struct vn_span *sp, struct vn_vxlan_seen *s);
struct vn_fabric;
int vn_vxlan_fabric_changed(struct vn_ctx *c, const struct vn_fabric *f, struct nl_err *e);

/* bind.c: anti-spoofing (firewall/spoof.h). The step of the apply walk
 * (the network's chains; its ports' elements brought to exactly what the
 * bridge's ports' binding records want: those of vanished ports deleted,
 * a port without a record made an unbound one) and its removal; binding port ifname of network net
 * (b NULL: no MAC, no address) and unbinding it. */
int vn_spoof_step(struct vn_run *r, struct nl_err *e);
int vn_spoof_remove(struct vn_ctx *c, const struct vn_net *n, struct nl_err *e);
/* Drops the binding records of network net's ports (destroy). */
void vn_spoof_forget(struct vn_ctx *c, const char *net);
/* ... but those of the ports keep names (nkeep of them): up's, for ports
 * that vanished. */
void vn_spoof_forget_but(struct vn_ctx *c, const char *net, const char (*keep)[NL_IFNAMSIZ],
			 unsigned nkeep);
/* br: the network's bridge (its MAC, the gateway's, is refused; NULL:
 * unknown). */
int vn_spoof_bind(struct vn_ctx *c, const char *net, const struct nl_link *br, const char *ifname,
		  const struct vn_bind *b, struct nl_err *e);
int vn_spoof_unbind(struct vn_ctx *c, const char *ifname, struct nl_err *e);
/* The ports' drop counters, for status (st->net names the network);
 * whole: the table and the network's chains hold their rules; *diff
 * (malloc'd, ndiff of them): where the elements of a port on the bridge
 * (st->ports) that the table knows differ from what its record wants. */
struct fw_spoof_diff;
int vn_spoof_status(struct vn_ctx *c, struct vn_status *st, bool *whole,
		    struct fw_spoof_diff **diff, unsigned *ndiff, struct nl_err *e);
/* The dhcp-script= dnsmasq runs for such a network (vnet-dhcp-script);
 * returns buf. */
const char *vn_lease_script(char *buf, size_t n);

/* The rtnetlink socket, opened on first use (so a call that needs none
 * opens none): 0 and *s, or the failure to open it. */
int vn_rt(struct vn_ctx *c, struct nl_sock **s, struct nl_err *e);
/* Sends the scratch batch c->b on it. ok NULL: every request must
 * succeed; else the errors tolerated (nl_batch_send_tolerant). */
int vn_send(struct vn_ctx *c, const int *ok, nl_data_cb cb, void *data, struct nl_err *e);

#endif
