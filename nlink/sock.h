/* sock — netlink sockets and request batches (rtnetlink, generic netlink,
 * nfnetlink), on libmnl.
 *
 * Building a request and sending it are separate: builders in the other
 * nlink modules append messages to a struct nl_batch (no socket needed, so a
 * unit test can decode what was built); nl_batch_send() sends the whole batch
 * in one sendmsg and reads one answer per request. Requests in one rtnetlink
 * batch are not a transaction: the kernel runs each on its own, so the
 * per-request result is kept for callers that undo a partial success.
 *
 * This module owns sequence numbers, the port id and the decoding of
 * NLMSG_ERROR with extended ACK. It knows nothing of links or rules. */
#ifndef VNET_NLINK_SOCK_H
#define VNET_NLINK_SOCK_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

struct nl_sock {
	struct mnl_socket *mnl;
	int proto; /* NETLINK_ROUTE, NETLINK_GENERIC, NETLINK_NETFILTER */
	uint32_t portid;
	uint32_t seq; /* last sequence number used */
	char *rbuf;   /* receive buffer, NL_RECV_BUF bytes */
};

#define NL_RECV_BUF 65536

/* Opens a socket with extended ACK and capped ACKs turned on. */
int nl_sock_open(struct nl_sock *s, int proto, struct nl_err *e);
void nl_sock_close(struct nl_sock *s);

#define NL_BATCH_BUF 65536
#define NL_BATCH_MAX 256
#define NL_MSG_MAX   2048 /* room each builder may use for one message */

struct nl_req {
	uint32_t off; /* offset of the message in buf */
	int err;      /* 0 or negative errno, after nl_batch_send() */
	bool done;    /* an answer (ACK, error or end of dump) arrived */
	char obj[64]; /* for error messages: "bridge isbr" */
	char op[32];  /* "create" */
	int tag;      /* the caller's own name for what this request is for (a place
			 in its plan), 0 unless it set one after nl_batch_add: what
			 e->request leads it back to */
};

/* Called for every data message (a dump entry, a get reply) of request idx. */
typedef int (*nl_data_cb)(const struct nlmsghdr *nlh, unsigned idx, void *data);

struct nl_batch {
	char *buf; /* size bytes */
	uint32_t size;
	uint32_t len; /* bytes of finished messages */
	unsigned n;
	unsigned max; /* requests req holds */
	struct nl_req *req;
	struct nlmsghdr *cur; /* the message being built, not yet in len */
};

/* A batch of NL_BATCH_MAX requests in NL_BATCH_BUF bytes is large (about
 * 90 KiB): it comes from the heap, in one allocation. */
struct nl_batch *nl_batch_new(void);
void nl_batch_free(struct nl_batch *b);
/* Empties a batch for reuse. */
void nl_batch_reset(struct nl_batch *b);
/* Drops the requests from the n-th on (those added after b->n was n): a
 * builder that ran out of room takes back what it began. */
void nl_batch_rewind(struct nl_batch *b, unsigned n);

/* Starts a message of the given type and flags (NLM_F_REQUEST is added;
 * NLM_F_ACK too unless flags hold NLM_F_DUMP), labelled for error reports.
 * The caller puts the family header and attributes, at most NL_MSG_MAX
 * bytes in all. Returns NULL when the batch is full. */
struct nlmsghdr *nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, const char *op,
			      const char *objfmt, ...) __attribute__((format(printf, 5, 6)));

/* Like nl_batch_add but adds no NLM_F_ACK: for nfnetlink batch begin/end
 * markers, which the kernel never answers. */
struct nlmsghdr *nl_batch_add_noack(struct nl_batch *b, uint16_t type, uint16_t flags);

/* Closes the message being built. nl_batch_send() and nl_batch_add() do it
 * too; tests call it before decoding. Returns the number of bytes. */
uint32_t nl_batch_finish(struct nl_batch *b);

/* The i-th message of the batch. */
struct nlmsghdr *nl_batch_msg(const struct nl_batch *b, unsigned i);

/* Sends the batch in one sendmsg, stamps sequence numbers, and reads until
 * every request that expects an answer has one. cb (may be NULL) sees the
 * data messages. Returns 0 when all succeeded, else the first failure's
 * negative errno, described in e (object, operation, kernel message, and
 * which request: e->request). */
int nl_batch_send(struct nl_sock *s, struct nl_batch *b, nl_data_cb cb, void *data,
		  struct nl_err *e);

/* nl_batch_send for a batch whose requests may fail in ways the caller
 * expects (an address that is there already, a route that is gone): 0 when
 * every request succeeded or failed with one of ok (negative errnos, ending
 * with 0), e cleared; else the first other failure, described in e. The
 * per-request results stay in b for the caller that wants them. */
int nl_batch_send_tolerant(struct nl_sock *s, struct nl_batch *b, const int *ok, nl_data_cb cb,
			   void *data, struct nl_err *e);

#endif
