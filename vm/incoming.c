/* incoming — migration URIs, the destination's checks, what is recorded
 * once qemu answers; see incoming.h. */
#include "vm/incoming.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define QMP_TIMEOUT_MS 5000

/* qemu's announce after an incoming migration: the first at once, then
 * every 100 ms, 5 rounds (RARP from qemu, and the guest's own GARP through
 * virtio-net's guest announce, which stays on: qemu's default). */
#define ANNOUNCE_INITIAL_MS 50
#define ANNOUNCE_MAX_MS	    550
#define ANNOUNCE_ROUNDS	    5
#define ANNOUNCE_STEP_MS    100

static int bad_uri(const char *uri, const char *why, struct nl_err *e)
{
	char obj[96];

	snprintf(obj, sizeof(obj), "migration address %.60s", uri);
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", why);
}

static int port_busy(const struct sockaddr *a, socklen_t len, const char *uri, struct nl_err *e)
{
	int fd = socket(a->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err = 0;
	char obj[96];

	if (fd < 0)
		return nl_err_set(e, -errno, "check", "migration address %.60s", uri);
	/* as qemu binds its listener */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, a, len) < 0)
		err = -errno;
	close(fd);
	if (!err)
		return 0;
	snprintf(obj, sizeof(obj), "migration address %.60s", uri);
	if (err == -EADDRINUSE)
		return nl_fail(e, err, NL_ERR_CONFLICT, obj,
			       "the port is busy (another program listens on it)");
	if (err == -EADDRNOTAVAIL)
		return nl_fail(e, err, NL_ERR_INVALID, obj, "is no address of this host");
	return nl_err_set(e, err, "bind", "%s", obj);
}

/* uri's address into *a (*len its size), or an error naming why not. */
static int uri_parse(const char *uri, bool listen, struct sockaddr_storage *a, socklen_t *len,
		     struct nl_err *e)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)a;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)a;
	const char *h, *colon;
	unsigned long port;
	char host[64], *end;
	size_t hlen;

	memset(a, 0, sizeof(*a));
	if (strncmp(uri, "tcp:", 4))
		return bad_uri(uri, "must be tcp:HOST:PORT", e);
	h = uri + 4;
	colon = strrchr(h, ':');
	hlen = colon ? (size_t)(colon - h) : 0;
	if (!colon || hlen >= sizeof(host) || colon[1] < '0' || colon[1] > '9')
		return bad_uri(uri, "must be tcp:HOST:PORT", e);
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end || errno || port < 1 || port > 65535)
		return bad_uri(uri, "PORT must be 1..65535", e);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (hlen > 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return bad_uri(uri, "HOST in [] must be an IPv6 address", e);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return 0;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	if (!strcmp(host, "0"))
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1 &&
		 (listen || !hlen || host[0] == '-' ||
		  strspn(host,
			 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
			  hlen))
		return bad_uri(uri,
			       listen ? "ADDR must be an IPv4 address, 0 (any) or [IPv6]"
				      : "HOST must be an address, [IPv6] or a host name",
			       e);
	return 0;
}

int vm_uri_valid(const char *uri, bool listen, struct nl_err *e)
{
	struct sockaddr_storage a;
	socklen_t len;

	return uri_parse(uri, listen, &a, &len, e);
}

int vm_uri_check(const char *uri, bool listen, struct nl_err *e)
{
	struct sockaddr_storage a;
	socklen_t len;
	int err = uri_parse(uri, listen, &a, &len, e);

	return err || !listen ? err : port_busy((struct sockaddr *)&a, len, uri, e);
}

/* The stream's file: a regular file, read by qemu through an inherited fd. */
static int open_file(struct vm_plan *p, struct nl_err *e)
{
	int fd = open(p->in->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat s;

	if (fd < 0)
		return nl_fail(e, -errno, NL_ERR_INVALID, "migration file", "%s: %s", p->in->file,
			       strerror(errno));
	if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode) || s.st_size == 0) {
		close(fd);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "migration file", "%s: %s", p->in->file,
			       "is not a regular file with a stream in it");
	}
	fcntl(fd, F_SETFL, 0);
	p->fds[p->nfds++] = fd;
	snprintf(p->uri, sizeof(p->uri), "fd:%d", fd);
	return 0;
}

int vm_in_value(struct vm_plan *p, struct nl_err *e)
{
	return p->in->file ? open_file(p, e) : vm_uri_valid(p->in->uri, true, e);
}

int vm_in_open(struct vm_plan *p, struct nl_err *e)
{
	int err;

	if (p->in->file)
		return 0; /* opened by vm_in_value */
	if ((err = vm_uri_check(p->in->uri, true, e)))
		return err;
	snprintf(p->uri, sizeof(p->uri), "%s", p->in->uri);
	return 0;
}

int vm_in_check_net(const struct vm_plan *p, unsigned i, const struct vn_net *n, char *subnet,
		    size_t len, struct nl_err *e)
{
	const char *there = p->in && p->in->from ? p->in->x.subnets[i] : "";
	char buf[NL_PREFIX_STRLEN], obj[64];
	size_t k = 0;

	subnet[0] = '\0';
	for (unsigned s = 0; s < n->nsubnets && k < len; s++)
		k += (size_t)snprintf(subnet + k, len - k, "%s%s", s ? "," : "",
				      nl_prefix_str(&n->subnet[s].prefix, true, buf, sizeof(buf)));
	if (!there[0] || !strcmp(there, subnet))
		return 0;
	snprintf(obj, sizeof(obj), "network %s", n->name);
	return nl_fail(e, -EINVAL, NL_ERR_CONFLICT, obj,
		       "has subnet %s here, %s on the source (the guest's addresses would not "
		       "work here)",
		       subnet, there);
}

static int same_size(const char *what, const char *path, long long want, struct nl_err *e)
{
	struct stat s;
	char obj[VM_PATH_MAX + 16];

	if (!path[0] || want < 0 || (stat(path, &s) == 0 && s.st_size == want))
		return 0;
	snprintf(obj, sizeof(obj), "%s %s", what, path);
	return nl_fail(e, -EINVAL, NL_ERR_CONFLICT, obj,
		       "has %lld bytes here, %lld on the source (the same file must be on both)",
		       (long long)s.st_size, want);
}

int vm_in_check_desc(const struct vm_plan *p, struct nl_err *e)
{
	const struct vm_desc *d = p->d;
	int err;

	if (!p->in || !p->in->from)
		return 0;
	if ((err = same_size("kernel", d->kernel, p->in->x.kernel_size, e)) ||
	    (err = same_size("initrd", d->initrd, p->in->x.initrd_size, e)))
		return err;
	if (!strcmp(d->cpu, "host") && !p->f.kvm)
		return nl_fail(e, -EINVAL, NL_ERR_CONFLICT, "cpu host",
			       "the source ran with KVM; here %s", p->no_kvm);
	return 0;
}

static long long size_of(const char *path)
{
	struct stat s;

	return path[0] && stat(path, &s) == 0 ? (long long)s.st_size : -1;
}

json_object *vm_plan_desc(const struct vm_plan *p)
{
	struct vm_desc_facts x = {.kernel_size = size_of(p->d->kernel),
				  .initrd_size = size_of(p->d->initrd)};
	uint8_t macs[VM_MAX_NICS][6];
	struct vm_desc d = *p->d;

	for (unsigned i = 0; i < p->st.nnics; i++) {
		memcpy(macs[i], p->st.nic[i].mac, 6);
		snprintf(x.subnets[i], sizeof(x.subnets[i]), "%s", p->st.nic[i].subnet);
	}
	memcpy(d.machine, p->st.machine, sizeof(d.machine));
	memcpy(d.cpu, p->st.cpu, sizeof(d.cpu));
	return vm_desc_json(&d, (const uint8_t(*)[6])macs, &x);
}

/* "pc-q35-7.2-machine" -> "pc-q35-7.2" */
static int machine_type(struct vm_qmp *q, struct vm_plan *p, struct nl_err *e)
{
	json_object *args = json_object_new_object(), *ret = NULL;
	const char *t;
	size_t len;
	int err;

	json_object_object_add(args, "path", json_object_new_string("/machine"));
	json_object_object_add(args, "property", json_object_new_string("type"));
	if ((err = vm_qmp_call(q, "qom-get", args, &ret, QMP_TIMEOUT_MS, e)))
		return err;
	t = json_object_get_string(ret);
	len = t ? strlen(t) : 0;
	if (len > 8 && !strcmp(t + len - 8, "-machine") && len - 8 < sizeof(p->st.machine) &&
	    strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789.-_") == len)
		snprintf(p->st.machine, sizeof(p->st.machine), "%.*s", (int)(len - 8), t);
	json_object_put(ret);
	return 0;
}

static int announce(struct vm_qmp *q, struct nl_err *e)
{
	json_object *a = json_object_new_object();

	json_object_object_add(a, "announce-initial", json_object_new_int(ANNOUNCE_INITIAL_MS));
	json_object_object_add(a, "announce-max", json_object_new_int(ANNOUNCE_MAX_MS));
	json_object_object_add(a, "announce-rounds", json_object_new_int(ANNOUNCE_ROUNDS));
	json_object_object_add(a, "announce-step", json_object_new_int(ANNOUNCE_STEP_MS));
	return vm_qmp_call(q, "migrate-set-parameters", a, NULL, QMP_TIMEOUT_MS, e);
}

int vm_settle(struct vm_plan *p, struct nl_err *e)
{
	char sock[VM_PATH_MAX + 16];
	struct vm_qmp q;
	int err;

	snprintf(sock, sizeof(sock), "%s/%s", p->dir, VM_F_QMP);
	if ((err = vm_qmp_open(&q, sock, QMP_TIMEOUT_MS, e)))
		return err;
	err = machine_type(&q, p, e);
	if (!err && p->in)
		err = announce(&q, e);
	vm_qmp_close(&q);
	return err ? err : vm_state_save(p->run_dir, &p->st, vm_plan_desc(p), e);
}
