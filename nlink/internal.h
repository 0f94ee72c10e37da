/* internal — helpers shared by the nlink modules and by nothing else: the
 * attribute table the parsers fill, bounded copies out of attributes, the
 * send of one request (a batch of one message on the stack) and of one dump
 * collected into an array, and the start of an ifinfomsg request. Not part
 * of the API other layers see; do not include it outside nlink/. */
#ifndef VNET_NLINK_INTERNAL_H
#define VNET_NLINK_INTERNAL_H

#include <errno.h>
#include <string.h>

#include "nlink/sock.h"

struct nl_tb {
	const struct nlattr **a;
	unsigned max;
};

static inline int nl_tb_cb(const struct nlattr *attr, void *data)
{
	const struct nl_tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Newer kernels send attributes our headers do not know: skip them. */
	if (type <= t->max)
		t->a[type] = attr;
	return MNL_CB_OK;
}

/* Fills tb[0..max] (zeroed first) with the attributes of nlh that follow a
 * family header of off bytes. 0 or -EBADMSG. */
static inline int nl_tb_parse(const struct nlmsghdr *nlh, size_t off, const struct nlattr **tb,
			      unsigned max)
{
	struct nl_tb t = {tb, max};

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nlh->nlmsg_len < mnl_nlmsg_size(off))
		return -EBADMSG;
	return mnl_attr_parse(nlh, (unsigned)off, nl_tb_cb, &t) < 0 ? -EBADMSG : 0;
}

static inline int nl_tb_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned max)
{
	struct nl_tb t = {tb, max};

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, nl_tb_cb, &t) < 0 ? -EBADMSG : 0;
}

/* The attribute's value when it is present and of the right size, else dflt. */
static inline uint32_t nl_tb_u32(const struct nlattr *a, uint32_t dflt)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U32) == 0 ? mnl_attr_get_u32(a) : dflt;
}

static inline uint8_t nl_tb_u8(const struct nlattr *a, uint8_t dflt)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U8) == 0 ? mnl_attr_get_u8(a) : dflt;
}

/* Copies a string attribute, NUL-terminated or not, truncating to n - 1. */
static inline void nl_tb_str(char *dst, size_t n, const struct nlattr *a)
{
	size_t len = 0;

	if (a) {
		len = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
		len = len < n ? len : n - 1;
		memcpy(dst, mnl_attr_get_payload(a), len);
	}
	dst[len] = '\0';
}

/* A batch of one message, for the calls that build, send and decode one
 * request: a couple of KiB on the caller's stack instead of a whole batch
 * from the heap. */
struct nl_one {
	struct nl_batch b;
	struct nl_req req[1];
	_Alignas(struct nlmsghdr) char buf[NL_MSG_MAX];
};

/* sock.c: empties o and returns its batch, for the builder. */
struct nl_batch *nl_one_init(struct nl_one *o);

/* sock.c: sends the request built into b, whose builder returned built;
 * cb as for nl_batch_send(). When the build failed, nothing is sent and e
 * says op and object (a builder's -EINVAL is a bad value: NL_ERR_INVALID).
 * Used as nl_send_one(s, b, nl_X_msg(b, ...), cb, data, e, op, "link %s",
 * name). */
int nl_send_one(struct nl_sock *s, struct nl_batch *b, int built, nl_data_cb cb, void *data,
		struct nl_err *e, const char *op, const char *objfmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Decodes one dump message into rec: 0 keeps it, NL_DUMP_SKIP passes it
 * over (not one the list wants), a negative errno fails the dump. */
typedef int (*nl_parse_fn)(const struct nlmsghdr *nlh, void *rec);
#define NL_DUMP_SKIP 1

/* sock.c: sends the dump built into b (as nl_send_one(), labelled "list"
 * obj) and collects the records of size bytes that parse keeps into *out,
 * malloc'd, *n of them; on failure *out is NULL and *n 0. */
int nl_dump_collect(struct nl_sock *s, struct nl_batch *b, int built, size_t size,
		    nl_parse_fn parse, void **out, unsigned *n, struct nl_err *e, const char *obj);

/* link.c: starts an rtnetlink link request with its ifinfomsg, naming the
 * link by ifindex or, when that is 0, by IFLA_IFNAME. NULL when the batch is
 * full. */
struct nlmsghdr *nl_ifi_start(struct nl_batch *b, uint16_t type, uint16_t flags, uint8_t family,
			      int ifindex, const char *name, const char *op, const char *obj);
/* link.c: "link NAME", or "link #INDEX" without a name. */
const char *nl_link_obj(char *buf, size_t n, int ifindex, const char *name);
/* link.c: whether a builder may name a link so (1..15 bytes). */
int nl_name_ok(const char *name);

#endif
