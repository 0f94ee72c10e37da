/* store — the definition files; see store.h and vnet.conf(5). */
#include "netd/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/options.h"

int vn_net_write(FILE *f, const struct vn_net *n)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN];

	fprintf(f, "# vnet network definition, see vnet.conf(5)\n[network]\n");
	fprintf(f, "name = %s\nmodel = %s\n", n->name, vn_model_name(n->model));
	vn_opts_write(f, n);
	for (unsigned i = 0; i < n->nsubnets; i++) {
		const struct vn_subnet *s = &n->subnet[i];

		fprintf(f, "\n[subnet]\nprefix = %s\n",
			nl_prefix_str(&s->prefix, true, a, sizeof(a)));
		fprintf(f, "gateway = %s\n", nl_prefix_str(&s->gateway, false, a, sizeof(a)));
		if (s->dhcp && s->slaac)
			fprintf(f, "dhcp = slaac\n");
		else if (s->dhcp)
			fprintf(f, "dhcp = %s-%s\n",
				nl_prefix_str(&s->dhcp_start, false, a, sizeof(a)),
				nl_prefix_str(&s->dhcp_end, false, b, sizeof(b)));
		else
			fprintf(f, "dhcp = no\n");
	}
	for (unsigned i = 0; i < n->nhosts; i++) {
		const struct vn_host *h = &n->host[i];
		char m[18];

		vn_mac_str(h->mac, m);
		fprintf(f, "\n[host]\nmac = %s\n", m);
		if (h->ip.family)
			fprintf(f, "ip = %s\n", nl_prefix_str(&h->ip, false, a, sizeof(a)));
		if (h->ip6.family)
			fprintf(f, "ip6 = %s\n", nl_prefix_str(&h->ip6, false, a, sizeof(a)));
		if (h->name[0])
			fprintf(f, "name = %s\n", h->name);
	}
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *x = &n->forward[i];

		char to[VN_ADDRPORT_STRLEN];

		fprintf(f, "\n[forward]\nproto = %s\nport = %u\nto = %s\n", vn_proto_name(x->proto),
			x->port, vn_addrport_str(&x->guest, x->guest_port, to, sizeof(to)));
		if (x->address.family)
			fprintf(f, "address = %s\n",
				nl_prefix_str(&x->address, false, a, sizeof(a)));
	}
	return ferror(f) ? -EIO : 0;
}

struct parse {
	const char *where;
	unsigned line;
	char at[sizeof((struct nl_err){0}.obj)]; /* "FILE:LINE": what errors of the line name */
	enum { SEC_NONE, SEC_NETWORK, SEC_SUBNET, SEC_HOST, SEC_FORWARD } sec;
	struct vn_host host;   /* the [host] being read */
	struct vn_forward fwd; /* the [forward] being read */
	unsigned seen;	       /* keys of that section seen, as bits */
	unsigned given;	       /* the options [network] gave, as bits (options.h) */
	bool seen_network;
	struct vn_net *n;
	struct nl_err *e;
	/* the subnet being read: its keys come in any order */
	const char *gw, *dhcp;
	char gwbuf[64], dhcpbuf[128];
	bool has_prefix;
	/* the keys of the section being read: a key given twice is refused
	 * (the last would silently win), as an unknown key is */
	char keys[16][24];
	unsigned nkeys;
};

static int copy_name(struct parse *p, char *dst, const char *v)
{
	if (strlen(v) >= NL_IFNAMSIZ)
		return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
			       "\"%s\" is longer than 15 characters", v);
	strcpy(dst, v);
	return 0;
}

/* name and model, then the options (options.c reads them) */
static int network_key(struct parse *p, const char *k, const char *v)
{
	struct vn_net *n = p->n;
	int err;

	if (!strcmp(k, "name"))
		return copy_name(p, n->name, v);
	if (!strcmp(k, "model"))
		return vn_model_parse(v, &n->model, p->e);
	if ((err = vn_opt_read(n, k, v, &p->given, p->e)) != -ENOENT)
		return err;
	return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "unknown key \"%s\" in [network]", k);
}

/* Ends the section being read: a [subnet]'s defaults and checks come from
 * net.c, as do a [host]'s and a [forward]'s. */
static int finish_section(struct parse *p)
{
	struct vn_subnet *s;
	bool no_dhcp;

	switch (p->sec) {
	case SEC_SUBNET:
		s = &p->n->subnet[p->n->nsubnets - 1];
		if (!p->has_prefix)
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "[subnet] without a prefix");
		no_dhcp = p->dhcp && !strcmp(p->dhcp, "no");
		return vn_subnet_complete(s, p->gw, no_dhcp ? NULL : p->dhcp, no_dhcp, p->e);
	case SEC_HOST:
		if (!(p->seen & 1) || !(p->seen & 6))
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "[host] needs mac and ip (or ip6)");
		return vn_host_add(p->n, &p->host, p->e);
	case SEC_FORWARD:
		if ((p->seen & 7) != 7)
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "[forward] needs proto, port and to");
		return vn_forward_add(p->n, &p->fwd, p->e);
	default:
		return 0;
	}
}

static int host_key(struct parse *p, const char *k, const char *v)
{
	if (!strcmp(k, "mac"))
		return p->seen |= 1, vn_mac_parse(v, p->host.mac, p->e);
	if (!strcmp(k, "ip"))
		return p->seen |= 2,
		       nl_prefix_parse(v, NL_PREFIX_NO_LEN, "address", &p->host.ip, p->e);
	if (!strcmp(k, "ip6"))
		return p->seen |= 4,
		       nl_prefix_parse(v, NL_PREFIX_NO_LEN, "address", &p->host.ip6, p->e);
	if (!strcmp(k, "name")) {
		if (strlen(v) >= sizeof(p->host.name))
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "host name \"%s\" is too long", v);
		strcpy(p->host.name, v);
		return 0;
	}
	return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "unknown key \"%s\" in [host]", k);
}

static int forward_key(struct parse *p, const char *k, const char *v)
{
	struct vn_forward *f = &p->fwd;

	if (!strcmp(k, "proto"))
		return p->seen |= 1, vn_proto_parse(v, &f->proto, p->e);
	if (!strcmp(k, "port"))
		return p->seen |= 2, vn_port_parse(v, &f->port, p->e);
	if (!strcmp(k, "to"))
		return p->seen |= 4, vn_addrport_parse(v, &f->guest, &f->guest_port, p->e);
	if (!strcmp(k, "address"))
		return nl_prefix_parse(v, NL_PREFIX_NO_LEN, "address", &f->address, p->e);
	return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "unknown key \"%s\" in [forward]", k);
}

static int subnet_key(struct parse *p, const char *k, const char *v)
{
	struct vn_subnet *s = &p->n->subnet[p->n->nsubnets - 1];

	if (!strcmp(k, "prefix")) {
		p->has_prefix = true;
		return nl_prefix_parse(v, NL_PREFIX_NEED_LEN, "subnet", &s->prefix, p->e);
	}
	if (!strcmp(k, "gateway")) {
		snprintf(p->gwbuf, sizeof(p->gwbuf), "%s", v);
		p->gw = p->gwbuf;
		return 0;
	}
	if (!strcmp(k, "dhcp")) {
		snprintf(p->dhcpbuf, sizeof(p->dhcpbuf), "%s", v);
		p->dhcp = p->dhcpbuf;
		return 0;
	}
	return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "unknown key \"%s\" in [subnet]", k);
}

static int section(struct parse *p, const char *name)
{
	int err = finish_section(p);

	if (err)
		return err;
	p->nkeys = 0;
	if (!strcmp(name, "network")) {
		if (p->seen_network)
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "second [network]");
		p->seen_network = true;
		p->sec = SEC_NETWORK;
		return 0;
	}
	p->seen = 0;
	if (!strcmp(name, "host") || !strcmp(name, "forward")) {
		if (!p->seen_network)
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "[%s] before [network]", name);
		p->sec = name[0] == 'h' ? SEC_HOST : SEC_FORWARD;
		memset(&p->host, 0, sizeof(p->host));
		memset(&p->fwd, 0, sizeof(p->fwd));
		return 0;
	}
	if (strcmp(name, "subnet"))
		return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "unknown section [%s]", name);
	if (p->n->nsubnets >= VN_MAX_SUBNETS)
		return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "more than %d subnets",
			       VN_MAX_SUBNETS);
	p->n->nsubnets++;
	p->sec = SEC_SUBNET;
	p->gw = p->dhcp = NULL;
	p->has_prefix = false;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* A key seen twice in one section is refused. */
static int key_once(struct parse *p, const char *k)
{
	for (unsigned i = 0; i < p->nkeys; i++)
		if (!strcmp(p->keys[i], k))
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "key \"%s\" given twice", k);
	if (p->nkeys < sizeof(p->keys) / sizeof(p->keys[0]) && strlen(k) < sizeof(p->keys[0]))
		strcpy(p->keys[p->nkeys++], k);
	return 0;
}

/* A definition is text: a control byte anywhere, or a byte outside ASCII
 * but in a comment, is refused without being quoted, so what an error
 * quotes of a file is always printable. */
static int text_only(struct parse *p, const char *s)
{
	bool comment = *s == '#' || *s == ';';

	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f || (*c >= 0x80 && !comment))
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "holds a control byte or one outside ASCII (0x%02x)", *c);
	return 0;
}

static int line(struct parse *p, char *raw)
{
	char *s = trim(raw), *eq;
	int err;

	if ((err = text_only(p, s)))
		return err;
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (!close || close[1])
			return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at,
				       "\"%.40s\" is not a [section]", s);
		*close = '\0';
		return section(p, s + 1);
	}
	eq = strchr(s, '=');
	if (!eq)
		return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "\"%.40s\" is not KEY = VALUE",
			       s);
	*eq = '\0';
	if (p->sec == SEC_NONE)
		return nl_fail(p->e, -EINVAL, NL_ERR_INVALID, p->at, "\"%.40s\" before [network]",
			       trim(s));
	if ((err = key_once(p, trim(s))))
		return err;
	switch (p->sec) {
	case SEC_NETWORK:
		return network_key(p, trim(s), trim(eq + 1));
	case SEC_SUBNET:
		return subnet_key(p, trim(s), trim(eq + 1));
	case SEC_HOST:
		return host_key(p, trim(s), trim(eq + 1));
	default:
		return forward_key(p, trim(s), trim(eq + 1));
	}
}

/* Puts "FILE:LINE: " before the object of an error raised by a checker
 * that does not know where its value came from. */
static void locate(struct parse *p)
{
	char obj[2 * sizeof(p->e->obj) + 8];

	if (!p->e || !strncmp(p->e->obj, p->at, strlen(p->at)))
		return;
	snprintf(obj, sizeof(obj), "%s: %s", p->at, p->e->obj);
	obj[sizeof(p->e->obj) - 1] = '\0';
	memcpy(p->e->obj, obj, sizeof(p->e->obj));
}

/* Puts "FILE: " before the object of an error found in the whole
 * definition, not on one line of it. */
static void prefix_where(struct nl_err *e, const char *where)
{
	char obj[2 * sizeof(e->obj) + 8];

	if (!e)
		return;
	snprintf(obj, sizeof(obj), "%s: %s", where, e->obj);
	obj[sizeof(e->obj) - 1] = '\0';
	memcpy(e->obj, obj, sizeof(e->obj));
}

int vn_net_read(FILE *f, const char *where, struct vn_net *n, struct nl_err *e)
{
	struct parse p = {.where = where, .n = n, .e = e};
	char *buf = NULL;
	size_t cap = 0;
	int err = 0;

	memset(n, 0, sizeof(*n));
	snprintf(p.at, sizeof(p.at), "%s:0", where);
	while (!err && getline(&buf, &cap, f) >= 0) {
		snprintf(p.at, sizeof(p.at), "%s:%u", where, ++p.line);
		err = line(&p, buf);
	}
	free(buf);
	if (!err)
		err = finish_section(&p);
	if (err)
		locate(&p);
	if (!err && !p.seen_network)
		err = nl_fail(e, -EINVAL, NL_ERR_INVALID, p.at, "no [network] section");
	if (!err && ((err = vn_opts_default(n, p.given, e)) || (err = vn_net_check(n, e))))
		prefix_where(e, where);
	return err;
}

static void path(char *buf, size_t n, const char *dir, const char *name)
{
	snprintf(buf, n, "%s/%s.conf", dir, name);
}

/* Parses the definition held in buf (len bytes) read from file. */
static int parse_buf(const char *file, char *buf, size_t len, struct vn_net *n, struct nl_err *e)
{
	FILE *f;
	int err;

	if (memchr(buf, '\0', len))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, file,
			       "holds a NUL byte: not a network definition");
	if (!(f = fmemopen(buf, len ? len : 1, "r")))
		return nl_err_set(e, -errno, "read", "%s", file);
	err = vn_net_read(f, file, n, e);
	fclose(f);
	return err;
}

int vn_store_read_file(const char *file, struct vn_net *n, struct nl_err *e)
{
	char *buf;
	size_t len;
	int err = nl_file_read(file, VN_STORE_MAX_FILE, NL_FILE_OWNED, &buf, &len, e);

	if (err) {
		if (err != -ENOENT)
			nl_err_kind(e, NL_ERR_INVALID);
		return err;
	}
	err = parse_buf(file, buf, len, n, e);
	free(buf);
	return err;
}

int vn_store_load(const char *dir, const char *name, struct vn_net *n, struct nl_err *e)
{
	char file[PATH_MAX];
	int err;

	if ((err = vn_name_check(name, e)))
		return err;
	path(file, sizeof(file), dir, name);
	err = vn_store_read_file(file, n, e);
	if (err == -ENOENT) {
		char obj[32];

		snprintf(obj, sizeof(obj), "network %s", name);
		return nl_fail(e, err, NL_ERR_NOTFOUND, obj, "no such network");
	}
	if (!err && strcmp(n->name, name))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, file,
			       "defines network \"%s\", not \"%s\"", n->name, name);
	return err;
}

int vn_store_write_file(const char *file, const struct vn_net *n, struct nl_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return nl_err_set(e, -ENOMEM, "write", "%s", file);
	err = vn_net_write(f, n);
	if (fclose(f) != 0 && !err)
		err = -ENOMEM;
	if (err)
		err = nl_err_set(e, err, "write", "%s", file);
	else
		err = nl_file_write(file, 0644, buf, len, e);
	free(buf);
	return err;
}

int vn_store_save(const char *dir, const struct vn_net *n, struct nl_err *e)
{
	char file[PATH_MAX];
	int err;

	if ((err = nl_mkdirs(dir, 0755, e)))
		return err;
	path(file, sizeof(file), dir, n->name);
	return vn_store_write_file(file, n, e);
}

int vn_store_forget(const char *dir, const char *name, struct nl_err *e)
{
	char file[PATH_MAX];
	int err;

	if ((err = vn_name_check(name, e)))
		return err;
	path(file, sizeof(file), dir, name);
	if ((err = nl_file_remove(file)))
		return nl_err_set(e, err, "remove", "%s", file);
	return 0;
}

static int by_file(const void *a, const void *b)
{
	return strcmp(((const struct vn_store_entry *)a)->file,
		      ((const struct vn_store_entry *)b)->file);
}

/* Reads one file of the folder into x; a bad file is kept with its error. */
static void list_one(const char *dir, const char *file, struct vn_store_entry *x)
{
	size_t len = strlen(file);
	char name[NAME_MAX + 1], obj[sizeof(x->why.obj)], q[3 * sizeof(x->file)];

	memset(x, 0, sizeof(*x));
	nl_escape(file, x->file, sizeof(x->file));
	snprintf(name, sizeof(name), "%.*s", len > 5 ? (int)(len - 5) : 0, file);
	if (len <= 5 || strcmp(file + len - 5, ".conf") || vn_name_check(name, NULL)) {
		snprintf(obj, sizeof(obj), "%s/%s", dir, nl_escape(file, q, sizeof(q)));
		x->err = nl_fail(&x->why, -EINVAL, NL_ERR_INVALID, obj,
				 "not a network definition (NAME.conf)");
	} else {
		x->err = vn_store_load(dir, name, &x->net, &x->why);
	}
	if (x->err)
		nl_err_str(&x->why, x->msg, sizeof(x->msg));
}

int vn_store_list(const char *dir, struct vn_store_entry **out, unsigned *n, struct nl_err *e)
{
	struct vn_store_entry *v = NULL;
	unsigned cnt = 0, cap = 0;
	struct dirent *d;
	DIR *dp = opendir(dir);

	*out = NULL;
	*n = 0;
	if (!dp)
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read folder", "%s", dir);
	while ((d = readdir(dp))) {
		/* hidden files and folders (hooks/) are not definitions */
		if (d->d_name[0] == '.' || d->d_type == DT_DIR)
			continue;
		if (cnt == cap) {
			struct vn_store_entry *nv =
				realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(dp);
				return nl_err_set(e, -ENOMEM, "read folder", "%s", dir);
			}
			v = nv;
		}
		list_one(dir, d->d_name, &v[cnt++]);
	}
	closedir(dp);
	if (cnt)
		qsort(v, cnt, sizeof(*v), by_file);
	*out = v;
	*n = cnt;
	return 0;
}
