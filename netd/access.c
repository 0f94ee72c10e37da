/* access — who may attach guests to a network without root; see access.h. */
#include "netd/access.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"

#define ACCESS_MAX_FILE (64 * 1024) /* 256 rules of at most 64 bytes, and comments */
#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-$"

static void file_of(const struct vn_ctx *c, const char *net, char *buf, size_t n)
{
	snprintf(buf, n, "%s/access/%s", c->conf_dir, net);
}

int vn_access_name_check(const char *name, struct nl_err *e)
{
	size_t len = strlen(name);
	char q[4 * VN_ACCESS_NAME_MAX + 16], obj[sizeof(q) + 16];

	if (len <= VN_ACCESS_NAME_MAX && name[0] != '-' && strspn(name, NAME_CHARS) == len)
		return 0;
	snprintf(obj, sizeof(obj), "name \"%s\"", nl_escape(name, q, sizeof(q)));
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
		       "must be 1..%d letters, digits, '_', '.', '-' or '$', not starting with '-'",
		       VN_ACCESS_NAME_MAX);
}

/* "user 1000 (alice)", "group 27" */
static const char *who(const struct vn_access_rule *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s %u%s%s%s", r->group ? "group" : "user", (unsigned)r->id,
		 r->name[0] ? " (" : "", r->name, r->name[0] ? ")" : "");
	return buf;
}

/* A decimal id of 0..2^32-2 (-1 is no id to the kernel), nothing else. */
static bool parse_id(const char *s, uint32_t *id)
{
	unsigned long long v = 0;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	for (; *s; s++)
		v = v * 10 + (unsigned)(*s - '0');
	if (v >= 0xffffffffULL)
		return false;
	*id = (uint32_t)v;
	return true;
}

/* One line: blank, a comment, or "allow|deny user|group ID [NAME]",
 * checked whole. */
static int rule_line(char *line, struct vn_access_rule *r, bool *got, struct nl_err *e)
{
	char *sp, *f[5], q[64], obj[80];
	unsigned n = 0;

	*got = false;
	line += strspn(line, " \t\r");
	if (!*line || *line == '#')
		return 0;
	nl_escape(line, q, sizeof(q));
	for (char *t = strtok_r(line, " \t\r", &sp); t && n < 5; t = strtok_r(NULL, " \t\r", &sp))
		f[n++] = t;
	*r = (struct vn_access_rule){0};
	snprintf(obj, sizeof(obj), "\"%s\"", q);
	if ((n != 3 && n != 4) || (strcmp(f[0], "allow") && strcmp(f[0], "deny")) ||
	    (strcmp(f[1], "user") && strcmp(f[1], "group")) || !parse_id(f[2], &r->id))
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "must be allow|deny user|group ID [NAME]");
	if (n == 4 && vn_access_name_check(f[3], e))
		return -EINVAL;
	r->allow = !strcmp(f[0], "allow");
	r->group = !strcmp(f[1], "group");
	snprintf(r->name, sizeof(r->name), "%s", n == 4 ? f[3] : "");
	*got = true;
	return 0;
}

/* Puts "FILE:LINE: " before e's object. */
static int locate(struct nl_err *e, const char *file, unsigned line)
{
	char obj[sizeof(e->obj) + 400];

	if (!e)
		return -EINVAL; /* a caller that wants no details */
	snprintf(obj, sizeof(obj), "%s:%u: %s", file, line, e->obj);
	obj[sizeof(e->obj) - 1] = '\0'; /* cut to fit */
	memcpy(e->obj, obj, sizeof(e->obj));
	nl_err_kind(e, NL_ERR_INVALID);
	return e->code;
}

static int parse(const char *file, char *buf, struct vn_access *a, struct nl_err *e)
{
	unsigned lineno = 0;
	char *line, *next;
	int err = 0;

	for (line = buf; !err && line; line = next) {
		struct vn_access_rule r;
		bool got;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		lineno++;
		if (rule_line(line, &r, &got, e)) {
			err = locate(e, file, lineno);
		} else if (got && a->n == VN_MAX_ACCESS) {
			nl_err_set(e, -ENOSPC, "", "more than %d rules", VN_MAX_ACCESS);
			err = locate(e, file, lineno);
		} else if (got) {
			a->rule[a->n++] = r;
		}
	}
	return err;
}

int vn_access_read(struct vn_ctx *c, const char *net, struct vn_access *a, struct nl_err *e)
{
	char file[320], *buf = NULL;
	size_t len;
	int err;

	a->n = 0;
	if ((err = vn_name_check(net, e)))
		return err;
	snprintf(a->net, sizeof(a->net), "%s", net);
	file_of(c, net, file, sizeof(file));
	/* root's alone: whoever writes it lets users onto the network */
	err = nl_file_read(file, ACCESS_MAX_FILE, NL_FILE_OWNED, &buf, &len, e);
	if (err == -ENOENT) {
		nl_err_clear(e);
		return 0;
	}
	if (err)
		return nl_err_kind(e, NL_ERR_INVALID), err;
	if (memchr(buf, '\0', len))
		err = nl_fail(e, -EINVAL, NL_ERR_INVALID, file, "holds a NUL byte");
	else
		err = parse(file, buf, a, e);
	free(buf);
	return err;
}

int vn_access_list(struct vn_ctx *c, const char *net, struct vn_access *a, struct nl_err *e)
{
	struct vn_net *n = malloc(sizeof(*n));
	int err = n ? vn_store_load(c->conf_dir, net, n, e)
		    : nl_err_set(e, -ENOMEM, "read", "access of network %s", net);

	free(n);
	return err ? err : vn_access_read(c, net, a, e);
}

static int write_rules(const struct vn_ctx *c, const struct vn_access *a, struct nl_err *e)
{
	char dir[300], file[320], *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	file_of(c, a->net, file, sizeof(file));
	snprintf(dir, sizeof(dir), "%s/access", c->conf_dir);
	if (!a->n && (err = nl_file_remove(file)))
		return nl_err_set(e, err, "remove", "%s", file);
	if (!a->n) {
		rmdir(dir); /* the last network's rules gone: as before the first */
		return 0;
	}
	if (!(f = open_memstream(&text, &len)))
		return nl_err_set(e, -ENOMEM, "write", "%s", file);
	fprintf(f,
		"# who may attach guests to network %s through vnet-bridge-helper:\n"
		"# `vnet access` writes this (vnet(8), ACCESS); a deny wins\n",
		a->net);
	for (unsigned i = 0; i < a->n; i++) {
		const struct vn_access_rule *r = &a->rule[i];

		fprintf(f, "%s %s %u%s%s\n", r->allow ? "allow" : "deny",
			r->group ? "group" : "user", (unsigned)r->id, r->name[0] ? " " : "",
			r->name);
	}
	if (fclose(f) != 0) {
		free(text);
		return nl_err_set(e, -ENOMEM, "write", "%s", file);
	}
	if (!(err = nl_mkdirs(dir, 0755, e)))
		err = nl_file_write(file, 0644, text, len, e);
	free(text);
	return err;
}

static unsigned find(const struct vn_access *a, const struct vn_access_rule *r)
{
	unsigned i;

	for (i = 0; i < a->n && (a->rule[i].group != r->group || a->rule[i].id != r->id); i++)
		;
	return i;
}

/* Locked, the network's definition there, its rules read. */
static struct vn_access *load(struct vn_ctx *c, const char *net, struct nl_err *e)
{
	struct vn_access *a = malloc(sizeof(*a));
	struct vn_net *n = malloc(sizeof(*n));
	int err = a && n ? 0 : nl_err_set(e, -ENOMEM, "read", "access of network %s", net);

	if (!err && !(err = vn_lock(c, e)) && !(err = vn_store_load(c->conf_dir, net, n, e)))
		err = vn_access_read(c, net, a, e);
	free(n);
	if (err) {
		free(a);
		return NULL;
	}
	return a;
}

int vn_access_set(struct vn_ctx *c, const char *net, const struct vn_access_rule *r,
		  struct nl_err *e)
{
	struct vn_access *a;
	unsigned i;
	int err;

	if ((err = vn_access_name_check(r->name, e)))
		return err;
	if (r->id == 0xffffffffu)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, r->group ? "group -1" : "user -1",
			       "is no id");
	if (!(a = load(c, net, e)))
		return e ? e->code : -EINVAL;
	if ((i = find(a, r)) == VN_MAX_ACCESS) {
		err = nl_err_set(e, -ENOSPC, "add", "access rule of network %s", net);
	} else {
		a->rule[i] = *r;
		a->n += i == a->n;
		err = write_rules(c, a, e);
	}
	free(a);
	return err;
}

int vn_access_remove(struct vn_ctx *c, const char *net, const struct vn_access_rule *r,
		     struct nl_err *e)
{
	struct vn_access *a = load(c, net, e);
	char w[80], obj[128];
	unsigned i;
	int err;

	if (!a)
		return e ? e->code : -EINVAL;
	if ((i = find(a, r)) == a->n) {
		snprintf(obj, sizeof(obj), "%s", who(r, w, sizeof(w)));
		err = nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "has no rule on network %s", net);
	} else {
		memmove(&a->rule[i], &a->rule[i + 1], (a->n - i - 1) * sizeof(a->rule[0]));
		a->n--;
		err = write_rules(c, a, e);
	}
	free(a);
	return err;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(x, y);
}

int vn_access_networks(struct vn_ctx *c, char (**out)[NL_IFNAMSIZ], unsigned *n, struct nl_err *e)
{
	char dir[300], (*v)[NL_IFNAMSIZ] = NULL;
	unsigned cap = 0;
	struct dirent *d;
	DIR *dp;

	*out = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/access", c->conf_dir);
	if (!(dp = opendir(dir)))
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read folder", "%s", dir);
	while ((d = readdir(dp))) {
		/* temporary files of a write, and anything that is no name */
		if (vn_name_check(d->d_name, NULL) || d->d_name[0] == '.')
			continue;
		if (*n == cap) {
			char(*nv)[NL_IFNAMSIZ] = realloc(v, (cap = cap ? 2 * cap : 8) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(dp);
				return nl_err_set(e, -ENOMEM, "read folder", "%s", dir);
			}
			v = nv;
		}
		memcpy(v[(*n)++], d->d_name, strlen(d->d_name) + 1); /* checked: < NL_IFNAMSIZ */
	}
	closedir(dp);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	*out = v;
	return 0;
}

void vn_access_forget(struct vn_ctx *c, const char *net)
{
	char file[320];

	if (vn_name_check(net, NULL))
		return;
	file_of(c, net, file, sizeof(file));
	nl_file_remove(file);
	snprintf(file, sizeof(file), "%s/access", c->conf_dir);
	rmdir(file); /* when it was the last */
}

/* Whether rule r speaks of the caller. */
static bool applies(const struct vn_access_rule *r, uid_t uid, gid_t gid, const gid_t *groups,
		    unsigned ngroups)
{
	if (!r->group)
		return r->id == uid;
	if (r->id == gid)
		return true;
	for (unsigned i = 0; i < ngroups; i++)
		if (groups[i] == r->id)
			return true;
	return false;
}

int vn_access_check(struct vn_ctx *c, const char *net, uid_t uid, gid_t gid, const gid_t *groups,
		    unsigned ngroups, struct nl_err *e)
{
	struct vn_access *a = malloc(sizeof(*a));
	const struct vn_access_rule *deny = NULL;
	bool allowed = false;
	char obj[32], w[80];
	int err = a ? 0 : nl_err_set(e, -ENOMEM, "read", "access of network %s", net);

	if (!err && uid != 0 && !(err = vn_access_read(c, net, a, e))) {
		for (unsigned i = 0; i < a->n; i++)
			if (applies(&a->rule[i], uid, gid, groups, ngroups)) {
				allowed |= a->rule[i].allow;
				if (!a->rule[i].allow && !deny)
					deny = &a->rule[i];
			}
		snprintf(obj, sizeof(obj), "network %s", net);
		if (deny)
			err = nl_fail(e, -EACCES, NL_ERR_REFUSED, obj,
				      "uid %u may not attach guests to it: denied to %s "
				      "(`vnet access list %s`)",
				      (unsigned)uid, who(deny, w, sizeof(w)), net);
		else if (!allowed)
			err = nl_fail(e, -EACCES, NL_ERR_REFUSED, obj,
				      "uid %u may not attach guests to it: root allows it with "
				      "`vnet access allow %s USER|@GROUP`",
				      (unsigned)uid, net);
	}
	free(a);
	return err;
}
