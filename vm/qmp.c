/* qmp — QMP client; see qmp.h. qemu sends one JSON object per line
 * ("\r\n"); this reads lines and parses each with json-c. */
#include "vm/qmp.h"

#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define QMP_MAX_LINE (4u << 20)

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads more into the buffer: >0 bytes, 0 at EOF, or -errno (-ETIMEDOUT). */
static int fill(struct vm_qmp *q, long deadline)
{
	struct pollfd p = {.fd = q->fd, .events = POLLIN};
	long left = deadline - now_ms();
	ssize_t r;

	if (q->cap - q->len < 4096) {
		size_t cap = q->cap ? q->cap * 2 : 8192;
		char *b = cap <= QMP_MAX_LINE ? realloc(q->buf, cap) : NULL;

		if (!b)
			return -ENOMEM;
		q->buf = b;
		q->cap = cap;
	}
	if (left <= 0)
		return -ETIMEDOUT;
	switch (poll(&p, 1, (int)left)) {
	case 0:
		return -ETIMEDOUT;
	case -1: /* a signal: the caller tries again, with the deadline left */
		return errno == EINTR ? 1 : -errno;
	}
	r = read(q->fd, q->buf + q->len, q->cap - q->len - 1);
	if (r < 0)
		return errno == EINTR ? 1 : -errno;
	q->len += (size_t)r;
	return (int)(r > 0);
}

/* The next message as JSON (*o, to put), or -errno; -EPIPE at EOF. */
static int next_msg(struct vm_qmp *q, json_object **o, long deadline)
{
	char *nl;
	int r;

	for (;;) {
		nl = NULL;
		if (q->buf) {
			q->buf[q->len] = '\0';
			nl = strchr(q->buf, '\n');
		}
		if (nl) {
			*nl = '\0';
			*o = json_tokener_parse(q->buf); /* the "\r" before is white space */
			q->len -= (size_t)(nl + 1 - q->buf);
			memmove(q->buf, nl + 1, q->len);
			if (*o)
				return 0;
			continue; /* not JSON: skip the line */
		}
		if ((r = fill(q, deadline)) <= 0)
			return r ? r : -EPIPE;
	}
}

static int connect_unix(const char *path, int *fd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path));
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	if (connect(*fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = -errno;

		close(*fd);
		*fd = -1;
		return err;
	}
	return 0;
}

int vm_qmp_open(struct vm_qmp *q, const char *path, int timeout_ms, struct nl_err *e)
{
	json_object *greeting = NULL;
	int err;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if ((err = connect_unix(path, &q->fd)))
		return nl_err_set(e, err, "connect", "QMP %s", path);
	err = next_msg(q, &greeting, now_ms() + timeout_ms);
	if (!err && !json_object_object_get_ex(greeting, "QMP", NULL))
		err = -EPROTO;
	json_object_put(greeting);
	if (err)
		nl_err_set(e, err, "greeting", "QMP %s", path);
	else
		err = vm_qmp_call(q, "qmp_capabilities", NULL, NULL, timeout_ms, e);
	if (err)
		vm_qmp_close(q);
	return err;
}

void vm_qmp_close(struct vm_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	memset(q, 0, sizeof(*q));
	q->fd = -1;
}

/* The first byte carries fd (SCM_RIGHTS), as QMP's getfd takes it. */
static ssize_t send_fd(int sock, const char *s, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)s, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, MSG_NOSIGNAL);
}

static int send_cmd(struct vm_qmp *q, const char *cmd, json_object *args, int fd)
{
	json_object *o = json_object_new_object();
	const char *s;
	size_t len, off = 0;
	int err = 0;

	json_object_object_add(o, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(o, "arguments", args);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	if (fd >= 0) {
		ssize_t w;

		while ((w = send_fd(q->fd, s, fd)) < 0 && errno == EINTR)
			;
		if (w < 0)
			err = -errno;
		off = 1;
	}
	while (!err && off < len) {
		ssize_t w = send(q->fd, s + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno != EINTR)
			err = -errno;
		off += w > 0 ? (size_t)w : 0;
	}
	json_object_put(o);
	return err;
}

/* The answer to the command just sent: its return, or its error's text. */
static int answer(json_object *m, json_object **ret, const char *cmd, struct nl_err *e)
{
	json_object *v, *desc;

	if (json_object_object_get_ex(m, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
		return 0;
	}
	json_object_object_get_ex(m, "error", &v);
	nl_err_set(e, -EIO, cmd, "QMP");
	if (v && json_object_object_get_ex(v, "desc", &desc))
		nl_err_msg(e, "%s", json_object_get_string(desc));
	return -EIO;
}

int vm_qmp_call(struct vm_qmp *q, const char *cmd, json_object *args, json_object **ret,
		int timeout_ms, struct nl_err *e)
{
	return vm_qmp_call_fd(q, cmd, args, -1, ret, timeout_ms, e);
}

int vm_qmp_call_fd(struct vm_qmp *q, const char *cmd, json_object *args, int fd, json_object **ret,
		   int timeout_ms, struct nl_err *e)
{
	long deadline = now_ms() + timeout_ms;
	json_object *m = NULL;
	int err;

	if (ret)
		*ret = NULL;
	if ((err = send_cmd(q, cmd, args, fd)))
		return nl_err_set(e, err, cmd, "QMP");
	for (;;) {
		if ((err = next_msg(q, &m, deadline)))
			return nl_err_set(e, err, cmd, "QMP");
		if (!json_object_object_get_ex(m, "event", NULL))
			break;
		json_object_put(m);
	}
	err = answer(m, ret, cmd, e);
	json_object_put(m);
	return err;
}

int vm_qmp_wait_close(struct vm_qmp *q, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	json_object *m;
	int err;

	while ((err = next_msg(q, &m, deadline)) == 0)
		json_object_put(m);
	return err == -EPIPE || err == -ECONNRESET ? 0 : err;
}

int vm_qmp_event(struct vm_qmp *q, const char *name, int timeout_ms, json_object **data)
{
	long deadline = now_ms() + timeout_ms;
	json_object *m, *v;
	int err;

	*data = NULL;
	while ((err = next_msg(q, &m, deadline)) == 0) {
		bool hit = json_object_object_get_ex(m, "event", &v) &&
			   !strcmp(json_object_get_string(v), name);

		if (hit && json_object_object_get_ex(m, "data", &v))
			*data = json_object_get(v);
		json_object_put(m);
		if (hit)
			return 0;
	}
	return err;
}
