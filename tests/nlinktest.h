/* nlinktest — what nlink's tests share. Their notation: S, B and E are the
 * test's rtnetlink socket, request batch and error record; OK(call) fails
 * the test with the error line unless call returns 0; P("10.0.0.0/24") is
 * a prefix. Their fixtures (a batch alone for the unit tests; the socket
 * too, in a fresh namespace, for the namespace tests); for the unit tests,
 * a built message decoded with libmnl's own parser; for the namespace
 * tests, what the kernel did read back with ip -j. */
#ifndef VNET_TESTS_NLINKTEST_H
#define VNET_TESTS_NLINKTEST_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "common/err.h"
#include "common/prefix.h"
#include "nlink/sock.h"
#include "tests/harness.h"

extern struct nl_sock S;
extern struct nl_batch *B;
extern struct nl_err E;

/* Check fixture: B, no kernel. */
void nlt_batch_setup(void);
void nlt_batch_teardown(void);
/* Check fixture: th_netns_setup, then S and B. */
void nlt_setup(void);
void nlt_teardown(void);

/* E as one line (nl_err_str). */
const char *nlt_errline(void);

#define OK(call)                                                                                   \
	do {                                                                                       \
		int r_ = (call);                                                                   \
		ck_assert_msg(r_ == 0, "%s: %d (%s)", #call, r_, nlt_errline());                   \
	} while (0)

/* The prefix written s (NL_PREFIX_PLAIN); fails the test if it is not one. */
struct nl_prefix P(const char *s);

/* ---- unit tests: a built message decoded ---- */

/* The attributes of a message or of a nest, by type. */
#define NLT_TYPES 128
struct nlt_tb {
	const struct nlattr *a[NLT_TYPES];
	unsigned count, dups;
};

/* B's only message, finished. */
struct nlmsghdr *nlt_only_msg(void);
/* The attributes after a hdrlen-byte header; none twice. */
struct nlt_tb nlt_msg_attrs(const struct nlmsghdr *nlh, size_t hdrlen);
/* The attributes in len bytes at p (a payload behind its own header). */
struct nlt_tb nlt_payload_attrs(const void *p, size_t len);
/* The attributes of a nest, which must carry NLA_F_NESTED. */
struct nlt_tb nlt_nest_attrs(const struct nlattr *nest);
/* An attribute's value, validated for its type; fails the test when a is
 * NULL. */
uint32_t nlt_u32(const struct nlattr *a);
uint8_t nlt_u8(const struct nlattr *a);
const char *nlt_str(const struct nlattr *a);

/* ---- namespace tests: what the kernel did ---- */

/* Sends B and empties it for the next step. */
int nlt_send(void);
/* Veth pair a, b made through nlink. */
void nlt_veth(const char *a, const char *b);
/* The ifindex of link name; fails the test when there is none. */
int nlt_ifindex(const char *name);
/* ip -d -j link show NAME: its object; *root is the document to put. */
json_object *nlt_ip_link(json_object **root, const char *name);

#endif
