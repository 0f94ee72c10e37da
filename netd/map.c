/* map — interface-to-network mappings for the qemu hooks; see map.h. */
#include "map.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "store.h"

static void path(const struct vn_ctx *c, const char *file, char *buf, size_t n)
{
	snprintf(buf, n, "%s/hooks/%s", c->conf_dir, file);
}

static int read_maps(const struct vn_ctx *c, struct vn_map *v, unsigned *n, struct nl_err *e)
{
	char file[320], *line = NULL;
	size_t cap = 0;
	FILE *f;

	*n = 0;
	path(c, "map", file, sizeof(file));
	if (!(f = fopen(file, "re")))
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read", "%s", file);
	while (getline(&line, &cap, f) >= 0 && *n < VN_MAX_MAPS) {
		struct vn_map *m = &v[*n];

		if (line[0] == '#' || sscanf(line, "%63s %15s", m->pattern, m->network) != 2)
			continue;
		(*n)++;
	}
	free(line);
	fclose(f);
	return 0;
}

/* Writes file under hooks/ atomically from text. */
static int write_file(const struct vn_ctx *c, const char *name, const char *text,
		      struct nl_err *e)
{
	char dir[300], file[320], tmp[330];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/hooks", c->conf_dir);
	if (mkdir(c->conf_dir, 0755) < 0 && errno != EEXIST)
		return nl_err_set(e, -errno, "create folder", "%s", c->conf_dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nl_err_set(e, -errno, "create folder", "%s", dir);
	path(c, name, file, sizeof(file));
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if (!(f = fopen(tmp, "we")))
		return nl_err_set(e, -errno, "write", "%s", tmp);
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, file) < 0) {
		int err = -errno;

		unlink(tmp);
		return nl_err_set(e, err, "write", "%s", file);
	}
	return 0;
}

static int write_maps(const struct vn_ctx *c, const struct vn_map *v, unsigned n,
		      struct nl_err *e)
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
	fclose(f);
	err = write_file(c, "map", text, e);
	free(text);
	return err;
}

static int bad_pattern(const char *p, struct nl_err *e)
{
	if (p[0] && strlen(p) < sizeof(((struct vn_map *)0)->pattern) && !strpbrk(p, " \t\n/#"))
		return 0;
	nl_err_set(e, -EINVAL, "", "pattern \"%s\"", p);
	nl_err_kind(e, NL_ERR_INVALID);
	return nl_err_msg(e, "must be 1..63 characters without spaces, '/' or '#'");
}

int vn_map_set(struct vn_ctx *c, const char *network, const char *pattern, struct nl_err *e)
{
	struct vn_map v[VN_MAX_MAPS];
	struct vn_net n;
	unsigned cnt, i;
	int err;

	if ((err = bad_pattern(pattern, e)) || (err = vn_lock(c, e)) ||
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
	int err;

	if ((err = vn_lock(c, e)) || (err = read_maps(c, v, &cnt, e)))
		return err;
	for (i = 0; i < cnt && strcmp(v[i].pattern, pattern); i++)
		;
	if (i == cnt) {
		nl_err_set(e, -ENOENT, "", "pattern %s", pattern);
		nl_err_kind(e, NL_ERR_NOTFOUND);
		return nl_err_msg(e, "is not mapped");
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
		if (unlink(file) < 0 && errno != ENOENT)
			return nl_err_set(e, -errno, "remove", "%s", file);
		return 0;
	}
	if ((err = vn_store_load(c->conf_dir, name, &n, e)))
		return err;
	snprintf(text, sizeof(text), "%s\n", name);
	return write_file(c, "default", text, e);
}

int vn_default_get(struct vn_ctx *c, char name[NL_IFNAMSIZ], struct nl_err *e)
{
	char file[320];
	FILE *f;

	name[0] = '\0';
	path(c, "default", file, sizeof(file));
	if (!(f = fopen(file, "re")))
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read", "%s", file);
	if (fscanf(f, "%15s", name) != 1)
		name[0] = '\0';
	fclose(f);
	return 0;
}

int vn_map_resolve(struct vn_ctx *c, const char *env, const char *ifname,
		   char net[NL_IFNAMSIZ], struct nl_err *e)
{
	struct vn_map v[VN_MAX_MAPS];
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
	nl_err_set(e, -ENOENT, "", "interface %s", ifname);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "no network chosen: set VNET_NETWORK, or run `vnet map NETWORK %s` "
			     "or `vnet default NETWORK`", ifname);
}
