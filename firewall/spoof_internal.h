/* spoof_internal — what spoof.c (the layout and rows) shares with
 * spoof_io.c (the transactions) and their unit test. */
#ifndef VNET_FIREWALL_SPOOF_INTERNAL_H
#define VNET_FIREWALL_SPOOF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "firewall/internal.h"
#include "firewall/spoof.h"

#define SP_TABLE   "vnet"
#define SP_COMMENT "managed by vnet"
#define SP_DROPPED "dropped"
#define SP_NAMESIZ 32
#define SP_KEYMAX  32

/* the owner maps (SP_MACOWN on) are keyed by network, not by port: their
 * data is the port that holds the MAC or address in that network */
enum {
	SP_PORTS,
	SP_MACS,
	SP_ARPS,
	SP_IP4S,
	SP_IP6S,
	SP_DROPS,
	SP_MACOWN,
	SP_IP4OWN,
	SP_IP6OWN,
	SP_NSETS
};
enum { SP_DATA_NONE, SP_DATA_VERDICT, SP_DATA_COUNTER, SP_DATA_IFNAME };
/* the table's chains, then a network's */
enum { SP_CH_PREROUTING, SP_CH_DROPPED, SP_CH_SPOOF, SP_CH_NOMAC, SP_NCHAINS };

struct sp_set {
	const char *name, *kind, *type; /* "macs", "set", "ifname . ether_addr" */
	uint32_t key_type, key_len;	/* nft's datatype; bytes, in registers */
	uint8_t data;			/* SP_DATA_* */
};
extern const struct sp_set sp_sets[SP_NSETS];

/* The rows: a network's (base false) or the table's own chains'. */
unsigned sp_nrows(bool base);
uint8_t sp_row_chain(unsigned i, bool base);
/* Appends row i's expressions to r and marks r with their digest (d). */
struct nftnl_rule;
int sp_row_build(struct nftnl_rule *r, unsigned i, bool base, uint8_t d[FW_DIGEST_LEN]);
int sp_row_digest(unsigned i, bool base, uint8_t d[FW_DIGEST_LEN]);
/* Row i as nft lists it. */
int sp_row_str(unsigned i, bool base, char *buf, size_t n);
/* "prerouting", "dropped", "NET-spoof", "NET-nomac". */
void sp_chain_name(const char *net, uint8_t ch, char *buf, size_t n);

/* An element: its set, its key in registers, and its data (a jump's
 * chain, a counter's name, an owner map's port). */
struct sp_elem {
	uint8_t set;
	uint8_t klen;
	uint8_t key[SP_KEYMAX];
	char data[SP_NAMESIZ];
};
/* The elements of port p (spoof.h), as bind wants them in network net. */
unsigned sp_port_elems(const char *net, const struct fw_spoof_port *p, struct sp_elem *out,
		       unsigned max);

#define SP_ROWS 32

struct sp_counter {
	char name[NL_IFNAMSIZ];
	uint64_t packets, bytes;
};

struct sp_read {
	bool table, ours;
	bool chain[SP_NCHAINS];				  /* there */
	unsigned nrules[SP_NCHAINS];			  /* rules read */
	bool rules_ok[SP_NCHAINS];			  /* ... each with its row's digest */
	uint8_t want[SP_NCHAINS][SP_ROWS][FW_DIGEST_LEN]; /* the rows' digests */
	unsigned nwant[SP_NCHAINS];
	bool set[SP_NSETS]; /* there (asked with R_CHAINS) */
	/* request indexes, -1 when not asked; keys[k] was asked as ikeys + k */
	int itable, ichain[SP_NCHAINS], irules[SP_NCHAINS], iset[SP_NSETS], isetdef[SP_NSETS], ictr,
		ikeys;
	const struct sp_elem *keys;
	unsigned nkeys;
	struct sp_elem *el;
	unsigned nel, capel;
	struct sp_counter *ctr;
	unsigned nctr, capctr;
	bool nomem;
};

enum { R_CHAINS = 1, R_ELEMS = 2, R_COUNTERS = 4 };

/* spoof_io.c. Reads what `what` says (R_*) of the table, for network net
 * (NULL: none of a network's chains); -EEXIST (conflict) when the table is
 * not vnet's. */
struct fw;
int sp_read(struct fw *fw, struct nl_batch *b, const char *net, unsigned what, struct sp_read *rd,
	    struct nl_err *e);
/* sp_read of only the elements of keys (nkeys; each read by its key: an
 * element not there is no error) and, with R_COUNTERS, only counter ctr. */
int sp_read_keys(struct fw *fw, struct nl_batch *b, const char *net, unsigned what,
		 const struct sp_elem *keys, unsigned nkeys, const char *ctr, struct sp_read *rd,
		 struct nl_err *e);
void sp_read_free(struct sp_read *rd);
/* Builders into b (between sp_marker BEGIN and sp_send, which adds END
 * and sends b unless it holds nothing). */
int sp_marker(struct nl_batch *b, uint16_t type, struct nl_err *e);
int sp_send(struct fw *fw, struct nl_batch *b, struct nl_err *e);
int sp_put_chains(struct nl_batch *b, const struct sp_read *rd, const char *net, struct nl_err *e);
int sp_put_chain(struct nl_batch *b, uint16_t type, const char *name, bool base, struct nl_err *e);
int sp_put_elem(struct nl_batch *b, uint16_t type, const struct sp_elem *el, struct nl_err *e);
int sp_put_counter(struct nl_batch *b, uint16_t type, const char *name, struct nl_err *e);
/* Deletes port ifname's elements but keep's (and its counter unless
 * keep_counter); adds want's that the read did not find (and its counter). */
int sp_put_port_gone(struct nl_batch *b, const struct sp_read *rd, const char *ifname,
		     const struct sp_elem *keep, unsigned nkeep, bool keep_counter,
		     struct nl_err *e);
int sp_put_port(struct nl_batch *b, const struct sp_read *rd, const char *ifname,
		const struct sp_elem *want, unsigned nwant, struct nl_err *e);
bool sp_key_is(const struct sp_elem *el, const char *ifname);
/* Whether el is one of port ifname's: keyed by its name, or (an owner
 * map's) naming it. */
bool sp_elem_of(const struct sp_elem *el, const char *ifname);
/* Whether x and y are the same element: set, key and data; the same key. */
bool sp_same(const struct sp_elem *x, const struct sp_elem *y);
bool sp_same_key(const struct sp_elem *x, const struct sp_elem *y);
/* The most elements a port has (spoof.h's struct fw_spoof_port). */
#define SP_PORT_ELEMS (5 + 4 * FW_SPOOF_ADDRS)
/* Whether el (of map ports) jumps to network net's chains. */
bool sp_of_net(const struct sp_elem *el, const char *net);

#endif
