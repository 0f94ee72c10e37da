/* map — interface-to-network mappings for the qemu hooks; see map.h. */
#include "netd/map.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"

#define MAP_MAX_FILE  (64 * 1024) /* 256 lines of at most 80 bytes, and comments */
#define PATTERN_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

static void path(const struct vn_ctx *c, const char *file, char *buf, size_t n)
{
	snprintf(buf, n, "%s/hooks/%s", c->conf_dir, file);
}

/* Why pattern p cannot be written into the map file, or NULL. A class
 * ("[0-9]", "[!ab]") holds the same characters as the rest. */
static const char *pattern_flaw(const char *p)
{
	size_t len = strlen(p), in_class = 0; /* 1 + the characters of the open class */

	if (len == 0 || len >= sizeof(((struct vn_map *)0)->pattern))
		return "must be 1..63 characters";
	if (p[0] == '-')
		return "must not start with '-'";
	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '[' && in_class)
			return "has a '[' inside a [...] class";
		if (c == '[') {
			in_class = 1;
		} else if (c == ']') {
			if (!in_class)
				return "has a ']' without its '['";
			if (in_class == 1)
				return "has an empty [] class";
			in_class = 0;
		} else if (in_class == 1 && (c == '!' || c == '^') && p[i - 1] == '[') {
			continue; /* the class's negation */
		} else if (!strchr(PATTERN_CHARS, c) && (in_class || !strchr("*?", c))) {
			return "may hold only letters, digits, '_', '.', '-', '*', '?' and [...] "
			       "classes";
		} else if (in_class) {
			in_class++;
		}
	}
	return in_class ? "has a '[' without its ']'" : NULL;
}

int vn_map_pattern_check(const char *p, struct nl_err *e)
{
	const char *why = pattern_flaw(p);
	char q[80], obj[96];

	if (!why)
		return 0;
	snprintf(obj, sizeof(obj), "pattern \"%s\"", nl_escape(p, q, sizeof(q)));
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", why);
}

/* Puts "FILE:LINE: " (or "FILE: " for line 0) before e's object. */
static int locate(struct nl_err *e, const char *file, unsigned line)
{
	char obj[sizeof(e->obj) + 400];

	if (!e)
		return -EINVAL;
	if (line)
		snprintf(obj, sizeof(obj), "%s:%u: %s", file, line, e->obj);
	else
		snprintf(obj, sizeof(obj), "%s: %s", file, e->obj);
	obj[sizeof(e->obj) - 1] = '\0'; /* cut to fit */
	memcpy(e->obj, obj, sizeof(e->obj));
	nl_err_kind(e, NL_ERR_INVALID);
	return e->code;
}

/* Reads file (hooks/map or hooks/default) as vnet reads a definition: a
 * regular file of root's, bounded, opened without following a link or
 * blocking, text only. *buf NULL when there is none. */
static int read_hook_file(const char *file, char **buf, struct nl_err *e)
{
	size_t len;
	int err = nl_file_read(file, MAP_MAX_FILE, NL_FILE_OWNED, buf, &len, e);

	if (err == -ENOENT) {
		nl_err_clear(e);
		return 0;
	}
	if (err)
		return nl_err_kind(e, NL_ERR_INVALID), err;
	if (memchr(*buf, '\0', len)) {
		free(*buf);
		*buf = NULL;
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, file, "holds a NUL byte");
	}
	return 0;
}

/* One line of the map file: blank, a comment, or "PATTERN NETWORK", each
 * checked whole (a cut network name could name another network). */
static int map_line(char *line, struct vn_map *m, bool *got, struct nl_err *e)
{
	char *sp, *f[3], q[48], obj[64];
	unsigned n = 0;

	*got = false;
	line += strspn(line, " \t\r");
	if (!*line || *line == '#')
		return 0;
	nl_escape(line, q, sizeof(q));
	for (char *t = strtok_r(line, " \t\r", &sp); t && n < 3; t = strtok_r(NULL, " \t\r", &sp))
		f[n++] = t;
	if (n != 2) {
		snprintf(obj, sizeof(obj), "\"%s\"", q);
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "must be PATTERN NETWORK");
	}
	if (vn_map_pattern_check(f[0], e) || vn_name_check(f[1], e))
		return -EINVAL;
	snprintf(m->pattern, sizeof(m->pattern), "%s", f[0]);
	snprintf(m->network, sizeof(m->network), "%s", f[1]);
	*got = true;
	return 0;
}

static int read_maps(const struct vn_ctx *c, struct vn_map *v, unsigned *n, struct nl_err *e)
{
	char file[320], *buf = NULL, *line, *next;
	unsigned lineno = 0;
	int err;

	*n = 0;
	path(c, "map", file, sizeof(file));
	if ((err = read_hook_file(file, &buf, e)) || !buf)
		return err;
	for (line = buf; !err && line; line = next) {
		struct vn_map m;
		bool got;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		lineno++;
		if (map_line(line, &m, &got, e)) {
			err = locate(e, file, lineno);
		} else if (got && *n == VN_MAX_MAPS) {
			nl_err_set(e, -ENOSPC, "", "more than %d mappings", VN_MAX_MAPS);
			err = locate(e, file, lineno);
		} else if (got) {
			v[(*n)++] = m;
		}
	}
	free(buf);
	return err;
}

/* Writes file under hooks/ atomically from text, 0644 in a 0755 folder
 * whatever the umask: these files choose the network a tap joins. */
static int write_file(const struct vn_ctx *c, const char *name, const char *text, struct nl_err *e)
{
	char dir[300], file[320];
	int err;

	snprintf(dir, sizeof(dir), "%s/hooks", c->conf_dir);
	if ((err = nl_mkdirs(dir, 0755, e)))
		return err;
	path(c, name, file, sizeof(file));
	return nl_file_write(file, 0644, text, strlen(text), e);
}

static int write_maps(const struct vn_ctx *c, const struct vn_map *v, unsigned n, struct nl_err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return nl_err_set(e, -ENOMEM, "write", "hook mappings");
	fprintf(f, "# PATTERN NETWORK: `vnet map` writes this; the first match wins\n");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s %s\n", v[i].pattern, v[i].network);
	if (fclose(f) != 0) {
		free(text);
		return nl_err_set(e, -ENOMEM, "write", "hook mappings");
	}
	err = write_file(c, "map", text, e);
	free(text);
	return err;
}

int vn_map_set(struct vn_ctx *c, const char *network, const char *pattern, struct nl_err *e)
{
	struct vn_map v[VN_MAX_MAPS];
	struct vn_net n;
	unsigned cnt, i;
	int err;

	if ((err = vn_map_pattern_check(pattern, e)) || (err = vn_lock(c, e)) ||
	    (err = vn_store_load(c->conf_dir, network, &n, e)) || (err = read_maps(c, v, &cnt, e)))
		return err;
	for (i = 0; i < cnt && strcmp(v[i].pattern, pattern); i++)
		;
	if (i == VN_MAX_MAPS)
		return nl_err_set(e, -ENOSPC, "map", "pattern %s", pattern);
	snprintf(v[i].pattern, sizeof(v[i].pattern), "%s", pattern);
	snprintf(v[i].network, sizeof(v[i].network), "%s", network);
	return write_maps(c, v, i == cnt ? cnt + 1 : cnt, e);
}

int vn_map_del(struct vn_ctx *c, const char *pattern, struct nl_err *e)
{
	struct vn_map v[VN_MAX_MAPS];
	unsigned cnt, i;
	char q[80];
	int err;

	if ((err = vn_lock(c, e)) || (err = read_maps(c, v, &cnt, e)))
		return err;
	for (i = 0; i < cnt && strcmp(v[i].pattern, pattern); i++)
		;
	if (i == cnt) {
		char obj[96];

		snprintf(obj, sizeof(obj), "pattern %s", nl_escape(pattern, q, sizeof(q)));
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj, "is not mapped");
	}
	memmove(&v[i], &v[i + 1], (cnt - i - 1) * sizeof(v[0]));
	return write_maps(c, v, cnt - 1, e);
}

int vn_map_list(struct vn_ctx *c, struct vn_map **out, unsigned *n, struct nl_err *e)
{
	struct vn_map *v = calloc(VN_MAX_MAPS, sizeof(*v));
	int err;

	if (!v)
		return nl_err_set(e, -ENOMEM, "read", "hook mappings");
	if ((err = read_maps(c, v, n, e))) {
		free(v);
		return err;
	}
	*out = v;
	return 0;
}

int vn_default_set(struct vn_ctx *c, const char *name, struct nl_err *e)
{
	char file[320], text[NL_IFNAMSIZ + 2];
	struct vn_net n;
	int err;

	if ((err = vn_lock(c, e)))
		return err;
	if (!name) {
		path(c, "default", file, sizeof(file));
		if ((err = nl_file_remove(file)))
			return nl_err_set(e, err, "remove", "%s", file);
		return 0;
	}
	if ((err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	snprintf(text, sizeof(text), "%s\n", name);
	return write_file(c, "default", text, e);
}

int vn_default_get(struct vn_ctx *c, char name[NL_IFNAMSIZ], struct nl_err *e)
{
	char file[320], *buf = NULL, *s;
	size_t len;
	int err;

	name[0] = '\0';
	path(c, "default", file, sizeof(file));
	if ((err = read_hook_file(file, &buf, e)) || !buf)
		return err;
	s = buf + strspn(buf, " \t\r\n");
	for (len = strlen(s); len > 0 && strchr(" \t\r\n", s[len - 1]); len--)
		s[len - 1] = '\0';
	/* whole, as the map's names: cut, it could name another network */
	if (*s && vn_name_check(s, e))
		err = locate(e, file, 0);
	else
		snprintf(name, NL_IFNAMSIZ, "%s", s);
	free(buf);
	return err;
}

int vn_map_resolve(struct vn_ctx *c, const char *env, const char *ifname, char net[NL_IFNAMSIZ],
		   struct nl_err *e)
{
	struct vn_map v[VN_MAX_MAPS];
	char obj[192];
	unsigned cnt;
	int err;

	if (env && env[0]) {
		/* the whole name: a cut one could name another network */
		if ((err = vn_name_check(env, e)))
			return err;
		snprintf(net, NL_IFNAMSIZ, "%s", env);
		return 0;
	}
	if ((err = read_maps(c, v, &cnt, e)))
		return err;
	for (unsigned i = 0; i < cnt; i++)
		if (fnmatch(v[i].pattern, ifname, 0) == 0) {
			snprintf(net, NL_IFNAMSIZ, "%s", v[i].network);
			return 0;
		}
	if ((err = vn_default_get(c, net, e)) || net[0])
		return err;
	snprintf(obj, sizeof(obj), "interface %s", ifname);
	return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, obj,
		       "no network chosen: set VNET_NETWORK, or run `vnet map NETWORK %s` "
		       "or `vnet default NETWORK`",
		       ifname);
}
