/* sock — netlink sockets, request batches and ACK decoding; see sock.h. */
#include "nlink/sock.h"

#include "nlink/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

int nl_sock_open(struct nl_sock *s, int proto, struct nl_err *e)
{
	int on = 1;

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->rbuf = malloc(NL_RECV_BUF);
	if (!s->rbuf)
		return nl_err_set(e, -ENOMEM, "open", "netlink socket");
	s->mnl = mnl_socket_open2(proto, SOCK_CLOEXEC);
	if (!s->mnl || mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		nl_sock_close(s);
		return nl_err_set(e, err, "open", "netlink socket");
	}
	/* Best effort: old kernels lack some of these, and then errors just
	 * come without text. */
	mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &on, sizeof(on));
	if (proto == NETLINK_ROUTE)
		mnl_socket_setsockopt(s->mnl, NETLINK_GET_STRICT_CHK, &on, sizeof(on));
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_sock_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	free(s->rbuf);
	s->mnl = NULL;
	s->rbuf = NULL;
}

/* What nl_batch_new() allocates: the batch and its room, in one block. */
struct batch_mem {
	struct nl_batch b;
	struct nl_req req[NL_BATCH_MAX];
	_Alignas(struct nlmsghdr) char buf[NL_BATCH_BUF];
};

/* Points b at room it does not own: size bytes of buf, max requests in req. */
static void batch_init(struct nl_batch *b, char *buf, uint32_t size, struct nl_req *req,
		       unsigned max)
{
	b->buf = buf;
	b->size = size;
	b->req = req;
	b->max = max;
	nl_batch_reset(b);
}

struct nl_batch *nl_batch_new(void)
{
	struct batch_mem *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	batch_init(&m->b, m->buf, sizeof(m->buf), m->req, NL_BATCH_MAX);
	return &m->b;
}

struct nl_batch *nl_one_init(struct nl_one *o)
{
	batch_init(&o->b, o->buf, sizeof(o->buf), o->req, 1);
	return &o->b;
}

void nl_batch_free(struct nl_batch *b)
{
	free(b);
}

void nl_batch_reset(struct nl_batch *b)
{
	b->len = 0;
	b->n = 0;
	b->cur = NULL;
}

void nl_batch_rewind(struct nl_batch *b, unsigned n)
{
	nl_batch_finish(b);
	if (n < b->n) {
		b->len = b->req[n].off;
		b->n = n;
	}
}

uint32_t nl_batch_finish(struct nl_batch *b)
{
	if (b->cur) {
		b->len += MNL_ALIGN(b->cur->nlmsg_len);
		b->cur = NULL;
	}
	return b->len;
}

static struct nlmsghdr *start(struct nl_batch *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	nl_batch_finish(b);
	if (b->n >= b->max || b->len + NL_MSG_MAX > b->size)
		return NULL;
	memset(b->buf + b->len, 0, NL_MSG_MAX);
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	b->req[b->n] = (struct nl_req){.off = b->len};
	b->n++;
	b->cur = nlh;
	return nlh;
}

/* NLM_F_DUMP is two bits, NLM_F_ROOT | NLM_F_MATCH, which NEW requests
 * reuse as NLM_F_REPLACE and NLM_F_EXCL: only both together make a dump. */
static bool is_dump(uint16_t flags)
{
	return (flags & NLM_F_DUMP) == NLM_F_DUMP;
}

struct nlmsghdr *nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, const char *op,
			      const char *objfmt, ...)
{
	struct nlmsghdr *nlh;
	struct nl_req *r;
	va_list ap;

	if (!is_dump(flags))
		flags |= NLM_F_ACK;
	nlh = start(b, type, flags);
	if (!nlh)
		return NULL;
	r = &b->req[b->n - 1];
	snprintf(r->op, sizeof(r->op), "%s", op);
	va_start(ap, objfmt);
	vsnprintf(r->obj, sizeof(r->obj), objfmt, ap);
	va_end(ap);
	return nlh;
}

struct nlmsghdr *nl_batch_add_noack(struct nl_batch *b, uint16_t type, uint16_t flags)
{
	return start(b, type, flags & ~NLM_F_ACK);
}

struct nlmsghdr *nl_batch_msg(const struct nl_batch *b, unsigned i)
{
	return i < b->n ? (struct nlmsghdr *)(b->buf + b->req[i].off) : NULL;
}

static bool expects_answer(const struct nlmsghdr *nlh)
{
	return (nlh->nlmsg_flags & NLM_F_ACK) || is_dump(nlh->nlmsg_flags);
}

/* Reads the extended-ACK attributes that follow an error or done message:
 * the kernel's text, and the attribute of our request it pointed at. */
static void decode_extack(const struct nlmsghdr *nlh, size_t off, const struct nlmsghdr *req,
			  struct nl_err *e)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(a, nlh, off)
	{
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
				snprintf(e->msg, sizeof(e->msg), "%s", mnl_attr_get_str(a));
				e->kernel = 1;
			}
			break;
		case NLMSGERR_ATTR_OFFS: {
			uint32_t at;

			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				break;
			at = mnl_attr_get_u32(a);
			if (at >= sizeof(struct nlmsghdr) &&
			    at + sizeof(struct nlattr) <= req->nlmsg_len)
				e->attr = ((const struct nlattr *)((const char *)req + at))
						  ->nla_type &
					  NLA_TYPE_MASK;
			break;
		}
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0 && !e->msg[0]) {
				snprintf(e->msg, sizeof(e->msg), "missing attribute %u",
					 mnl_attr_get_u32(a));
				e->kernel = 1;
			}
			break;
		}
	}
}

/* Says in e which request failed, once nl_err_set (which clears it) has
 * described the failure. */
static void failed_at(struct nl_err *e, unsigned idx)
{
	if (e)
		e->request = idx + 1;
}

/* Records the answer that ends request r; fills e for the batch's first
 * failure. */
static void finish_req(struct nl_batch *b, unsigned idx, int err, const struct nlmsghdr *nlh,
		       size_t tlv_off, struct nl_err *e, int *first)
{
	struct nl_req *r = &b->req[idx];

	r->done = true;
	r->err = err;
	if (err == 0 || *first)
		return;
	*first = err;
	/* Batch markers carry no label unless their builder gave one. */
	nl_err_set(e, err, r->op[0] ? r->op : "commit", "%s", r->obj[0] ? r->obj : "netlink batch");
	failed_at(e, idx);
	if (e)
		decode_extack(nlh, tlv_off, nl_batch_msg(b, idx), e);
}

/* Where the extended-ACK attributes of an NLMSG_ERROR start; 0 when the
 * message is too short to hold its struct nlmsgerr. */
static size_t error_tlv_off(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*me);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*me)))
		return 0;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += me->msg.nlmsg_len - sizeof(struct nlmsghdr);
	return off;
}

/* An error answer to a message that asked for none (an nfnetlink batch
 * begin marker) means the kernel refused the whole batch: no
 * CAP_NET_ADMIN or an unknown subsystem (then nothing else is answered), or
 * a commit that failed (then the messages' ACKs follow, and are left as
 * stale). So nothing more is awaited. */
static int refused(struct nl_batch *b, unsigned idx, const struct nlmsghdr *nlh, struct nl_err *e,
		   int *first, unsigned *pending)
{
	const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
	size_t off = error_tlv_off(nlh);

	if (!off)
		return -EBADMSG;
	if (me->error == 0)
		return 0;
	finish_req(b, idx, me->error, nlh, off, e, first);
	for (unsigned i = 0; i < b->n; i++)
		b->req[i].done = true;
	*pending = 0;
	return 0;
}

static int handle(struct nl_batch *b, uint32_t seq0, const struct nlmsghdr *nlh, nl_data_cb cb,
		  void *data, struct nl_err *e, int *first, unsigned *pending)
{
	uint32_t idx = nlh->nlmsg_seq - seq0;

	if (idx >= b->n)
		return 0; /* not ours */
	if (b->req[idx].done) {
		if (nlh->nlmsg_type == NLMSG_ERROR && !expects_answer(nl_batch_msg(b, idx)))
			return refused(b, idx, nlh, e, first, pending);
		return 0; /* stale: ignore */
	}
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return 0;
	case NLMSG_ERROR: {
		const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
		size_t off = error_tlv_off(nlh);

		if (!off)
			return -EBADMSG;
		finish_req(b, idx, me->error, nlh, off, e, first);
		(*pending)--;
		return 0;
	}
	case NLMSG_DONE: {
		int err = 0;

		if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int)))
			err = *(const int *)mnl_nlmsg_get_payload(nlh);
		finish_req(b, idx, err, nlh, sizeof(int), e, first);
		(*pending)--;
		return 0;
	}
	default:
		/* The kernel says the dump's objects changed while it was
		 * read: its answer may miss some, so it is no answer. */
		if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && !b->req[idx].err) {
			b->req[idx].err = -EAGAIN;
			if (!*first) {
				*first = -EAGAIN;
				nl_err_set(e, -EAGAIN, b->req[idx].op, "%s", b->req[idx].obj);
				failed_at(e, idx);
				nl_err_msg(e, "the kernel's objects changed while they were read: "
					      "try again");
			}
		}
		if (cb) {
			int err = cb(nlh, idx, data);

			/* the request's own result: a reply it could not read is
			 * a failure of that request */
			if (err < 0 && !b->req[idx].err)
				b->req[idx].err = err;
			if (err < 0 && !*first) {
				*first = err;
				nl_err_set(e, err, "decode reply", "%s", b->req[idx].obj);
				failed_at(e, idx);
			}
		}
		return 0;
	}
}

/* Sends requests [from, to) in one sendmsg and reads until each has its
 * answer. Returns 0, or a transport error (the requests' own errors go to
 * *first and e). */
static int send_segment(struct nl_sock *s, struct nl_batch *b, unsigned from, unsigned to,
			uint32_t seq0, nl_data_cb cb, void *data, struct nl_err *e, int *first)
{
	uint32_t off = b->req[from].off, end = to < b->n ? b->req[to].off : b->len;
	unsigned pending = 0;

	for (unsigned i = from; i < to; i++)
		pending += !b->req[i].done;
	if (mnl_socket_sendto(s->mnl, b->buf + off, end - off) < 0)
		return nl_err_set(e, -errno, "send", "netlink request %s", b->req[from].obj);
	while (pending) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, s->rbuf, NL_RECV_BUF);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->rbuf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return nl_err_set(e, -errno, "receive", "netlink answer");
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			int err;

			if (nlh->nlmsg_pid && nlh->nlmsg_pid != s->portid)
				continue;
			err = handle(b, seq0, nlh, cb, data, e, first, &pending);
			if (err < 0)
				return nl_err_set(e, err, "receive", "netlink answer");
			/* nfnetlink checks CAP_NET_ADMIN once per datagram: without
			 * it, it answers the first message with EPERM and drops
			 * the others unanswered. */
			if (s->proto == NETLINK_NETFILTER && b->req[from].err == -EPERM)
				return 0;
		}
	}
	return 0;
}

int nl_batch_send(struct nl_sock *s, struct nl_batch *b, nl_data_cb cb, void *data,
		  struct nl_err *e)
{
	uint32_t seq0;
	int first = 0;

	nl_batch_finish(b);
	if (b->n == 0)
		return 0;
	seq0 = s->seq + 1;
	for (unsigned i = 0; i < b->n; i++) {
		struct nlmsghdr *nlh = nl_batch_msg(b, i);

		nlh->nlmsg_seq = ++s->seq;
		b->req[i].err = 0;
		b->req[i].done = !expects_answer(nlh);
	}
	/* A socket runs one dump at a time (a second one is refused with
	 * EBUSY), and a request sent behind a dump may run before the dump's
	 * later parts are read: so a dump ends a send, and the requests after
	 * it go in the next one. Everything else goes together. */
	for (unsigned i = 0, j; i < b->n; i = j) {
		int err;

		for (j = i; j < b->n && !is_dump(nl_batch_msg(b, j)->nlmsg_flags);)
			j++;
		j += j < b->n;
		if ((err = send_segment(s, b, i, j, seq0, cb, data, e, &first))) {
			/* what got no answer failed with the transport, this
			 * segment's rest and every later one, so that callers
			 * reading req[i].err never take them for done */
			for (unsigned k = i; k < b->n; k++)
				if (!b->req[k].done) {
					b->req[k].err = err;
					b->req[k].done = true;
				}
			return err;
		}
	}
	return first;
}

static bool tolerated(const struct nl_req *r, const int *ok)
{
	if (r->done && r->err == 0)
		return true;
	for (; *ok; ok++)
		if (r->err == *ok)
			return true;
	return false;
}

int nl_batch_send_tolerant(struct nl_sock *s, struct nl_batch *b, const int *ok, nl_data_cb cb,
			   void *data, struct nl_err *e)
{
	int err = nl_batch_send(s, b, cb, data, e);

	if (!err)
		return 0;
	for (unsigned i = 0; i < b->n; i++) {
		const struct nl_req *r = &b->req[i];

		if (tolerated(r, ok))
			continue;
		/* e holds the batch's first failure: when it is this one (or
		 * the transport's, which left this request unanswered) it
		 * stays; a tolerated failure before it does not */
		if (r->err == 0 || r->err == err)
			return err;
		nl_err_set(e, r->err, r->op, "%s", r->obj);
		failed_at(e, i);
		return r->err;
	}
	nl_err_clear(e);
	return 0;
}

int nl_send_one(struct nl_sock *s, struct nl_batch *b, int built, nl_data_cb cb, void *data,
		struct nl_err *e, const char *op, const char *objfmt, ...)
{
	char obj[sizeof(e->obj)];
	va_list ap;

	if (!built)
		return nl_batch_send(s, b, cb, data, e);
	va_start(ap, objfmt);
	vsnprintf(obj, sizeof(obj), objfmt, ap);
	va_end(ap);
	nl_err_set(e, built, op, "%s", obj);
	if (built == -EINVAL)
		nl_err_kind(e, NL_ERR_INVALID);
	return built;
}

/* The records of a dump as they arrive: a growing array of size-byte
 * records, n of them kept. */
struct collect {
	void *v;
	unsigned n, cap;
	size_t size;
	nl_parse_fn parse;
};

/* Room for one more record; NULL when out of memory (the array is still
 * valid and still the collector's to free). */
static void *next_slot(struct collect *c)
{
	if (c->n >= c->cap) {
		unsigned ncap = c->cap ? c->cap * 2 : 16;
		void *nv = realloc(c->v, (size_t)ncap * c->size);

		if (!nv)
			return NULL;
		c->v = nv;
		c->cap = ncap;
	}
	return (char *)c->v + (size_t)c->n * c->size;
}

static int collect_cb(const struct nlmsghdr *nlh, unsigned idx, void *data)
{
	struct collect *c = data;
	void *rec = next_slot(c);
	int err;

	(void)idx;
	if (!rec)
		return -ENOMEM;
	err = c->parse(nlh, rec);
	if (err == 0)
		c->n++;
	return err == NL_DUMP_SKIP ? 0 : err;
}

int nl_dump_collect(struct nl_sock *s, struct nl_batch *b, int built, size_t size,
		    nl_parse_fn parse, void **out, unsigned *n, struct nl_err *e, const char *obj)
{
	struct collect c = {.size = size, .parse = parse};
	int err = nl_send_one(s, b, built, collect_cb, &c, e, "list", "%s", obj);

	if (err) {
		free(c.v);
		c = (struct collect){0};
	}
	*out = c.v;
	*n = c.n;
	return err;
}
