/* nlinktest — what nlink's tests share. Their notation: S, B and E are the
 * test's rtnetlink socket, request batch and error record; OK(call) fails
 * the test with the error line unless call returns 0; P("10.0.0.0/24") is
 * a prefix. Their fixtures (a batch alone for the unit tests; the socket
 * too, in a fresh namespace, for the namespace tests), and what reads back
 * what the kernel did (ip -j). */
#ifndef VNET_TESTS_NLINKTEST_H
#define VNET_TESTS_NLINKTEST_H

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

/* Sends B and empties it for the next step. */
int nlt_send(void);
/* Veth pair a, b made through nlink. */
void nlt_veth(const char *a, const char *b);
/* The ifindex of link name; fails the test when there is none. */
int nlt_ifindex(const char *name);
/* ip -d -j link show NAME: its object; *root is the document to put. */
json_object *nlt_ip_link(json_object **root, const char *name);

#endif
