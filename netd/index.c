/* index — what the overlap checks need of every defined network (name,
 * bridge, uplink, subnets), one line each in $VNET_RUN_DIR/index, so that
 * creating a network reads one small file instead of every definition
 * (which made creating N networks cost O(N^2)).
 *
 * The calls that save or forget a definition keep it, under the lock:
 * vn_index_put/drop before the definition changes, vn_index_touch after,
 * which gives the index the folder's mtime. An index whose mtime is not
 * the folder's (a definition added, removed or renamed by hand, or a call
 * killed in between) is rebuilt from the definitions, as at the first use
 * after boot (it lives in /run). A definition edited in place by hand is
 * not seen until then; `vnet up` of that network checks it against the
 * index. A path that forgets the touch costs a rebuild, never a wrong
 * answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"

#define INDEX_MAX (4u << 20) /* 4 MiB: tens of thousands of networks */

static void index_path(const struct vn_ctx *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s/index", c->run_dir);
}

static void entry_of(const struct vn_net *n, struct vn_index_entry *x)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", n->name);
	snprintf(x->bridge, sizeof(x->bridge), "%s", n->bridge);
	snprintf(x->uplink, sizeof(x->uplink), "%s", n->uplink);
	for (unsigned i = 0; i < n->nsubnets && i < VN_MAX_SUBNETS; i++)
		x->subnet[x->nsubnets++] = n->subnet[i].prefix;
}

/* "NAME BRIDGE UPLINK|- SUBNET[,SUBNET...]|-" */
static void put_line(FILE *f, const struct vn_index_entry *x)
{
	char a[NL_PREFIX_STRLEN];

	fprintf(f, "%s %s %s ", x->name, x->bridge, x->uplink[0] ? x->uplink : "-");
	for (unsigned i = 0; i < x->nsubnets; i++)
		fprintf(f, "%s%s", i ? "," : "", nl_prefix_str(&x->subnet[i], true, a, sizeof(a)));
	fprintf(f, "%s\n", x->nsubnets ? "" : "-");
}

static int parse_line(char *line, struct vn_index_entry *x)
{
	char subnets[VN_MAX_SUBNETS * (NL_PREFIX_STRLEN + 1)], *save = NULL;

	memset(x, 0, sizeof(*x));
	if (sscanf(line, "%15s %15s %15s %199s", x->name, x->bridge, x->uplink, subnets) != 4 ||
	    vn_name_check(x->name, NULL))
		return -EINVAL;
	if (!strcmp(x->uplink, "-"))
		x->uplink[0] = '\0';
	if (!strcmp(subnets, "-"))
		return 0;
	for (char *s = strtok_r(subnets, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (x->nsubnets >= VN_MAX_SUBNETS ||
		    nl_prefix_parse(s, NL_PREFIX_NEED_LEN, NULL, &x->subnet[x->nsubnets++], NULL))
			return -EINVAL;
	}
	return 0;
}

static int write_all(const struct vn_ctx *c, const struct vn_index_entry *v, unsigned n,
		     struct nl_err *e)
{
	char path[320], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return nl_err_set(e, -ENOMEM, "write", "index of networks");
	for (unsigned i = 0; i < n; i++)
		put_line(f, &v[i]);
	if (fclose(f) != 0) {
		free(buf);
		return nl_err_set(e, -ENOMEM, "write", "index of networks");
	}
	index_path(c, path, sizeof(path));
	err = nl_mkdirs(c->run_dir, 0755, e);
	if (!err)
		err = nl_file_write(path, 0644, buf, len, e);
	free(buf);
	return err;
}

/* From the definitions themselves (the folder changed behind the index). */
static int rebuild(const struct vn_ctx *c, struct vn_index_entry **out, unsigned *n,
		   struct nl_err *e)
{
	struct vn_store_entry *v;
	unsigned cnt, k = 0;
	int err = vn_store_list(c->conf_dir, &v, &cnt, e);

	if (err)
		return err;
	*out = calloc(cnt ? cnt : 1, sizeof(**out));
	if (!*out) {
		free(v);
		return nl_err_set(e, -ENOMEM, "read", "index of networks");
	}
	for (unsigned i = 0; i < cnt; i++)
		if (!v[i].err)
			entry_of(&v[i].net, &(*out)[k++]);
	free(v);
	*n = k;
	/* best effort: without it, the next call rebuilds again */
	if (write_all(c, *out, k, NULL) == 0)
		vn_index_touch(c);
	return 0;
}

void vn_index_touch(const struct vn_ctx *c)
{
	char path[320];
	struct stat d;

	index_path(c, path, sizeof(path));
	if (stat(c->conf_dir, &d) == 0)
		utimensat(AT_FDCWD, path, (struct timespec[2]){d.st_atim, d.st_mtim}, 0);
}

/* Whether the definitions' folder changed since the index was touched. */
static bool stale(const struct vn_ctx *c, const char *path)
{
	struct stat d, i;

	if (stat(path, &i) < 0)
		return true;
	if (stat(c->conf_dir, &d) < 0)
		return false; /* no folder: no definitions, and the index was made so */
	return d.st_mtim.tv_sec != i.st_mtim.tv_sec || d.st_mtim.tv_nsec != i.st_mtim.tv_nsec;
}

int vn_index_load(const struct vn_ctx *c, struct vn_index_entry **out, unsigned *n,
		  struct nl_err *e)
{
	char path[320], *buf, *line, *save = NULL;
	unsigned cap = 0;
	size_t len;
	int err;

	*out = NULL;
	*n = 0;
	index_path(c, path, sizeof(path));
	if (stale(c, path) || nl_file_read(path, INDEX_MAX, NL_FILE_OWNED, &buf, &len, NULL))
		return rebuild(c, out, n, e);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			struct vn_index_entry *v =
				realloc(*out, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!v) {
				free(buf);
				return nl_err_set(e, -ENOMEM, "read", "index of networks");
			}
			*out = v;
		}
		if ((err = parse_line(line, &(*out)[*n]))) {
			/* not ours as written: start again from the definitions */
			free(buf);
			free(*out);
			return rebuild(c, out, n, e);
		}
		(*n)++;
	}
	free(buf);
	return 0;
}

/* Replaces (n set) or drops (n NULL) the entry of network name. */
static int update(const struct vn_ctx *c, const char *name, const struct vn_net *n,
		  struct nl_err *e)
{
	struct vn_index_entry *v = NULL, *nv;
	unsigned cnt = 0, k = 0;
	int err = vn_index_load(c, &v, &cnt, e);

	if (err)
		return err;
	for (unsigned i = 0; i < cnt; i++)
		if (strcmp(v[i].name, name))
			v[k++] = v[i];
	if (n) {
		if (!(nv = realloc(v, (k + 1) * sizeof(*v)))) {
			free(v);
			return nl_err_set(e, -ENOMEM, "write", "index of networks");
		}
		v = nv;
		entry_of(n, &v[k++]);
	}
	err = write_all(c, v, k, e);
	free(v);
	if (!err)
		vn_index_touch(c);
	return err;
}

int vn_index_put(const struct vn_ctx *c, const struct vn_net *n, struct nl_err *e)
{
	return update(c, n->name, n, e);
}

int vn_index_drop(const struct vn_ctx *c, const char *name, struct nl_err *e)
{
	return update(c, name, NULL, e);
}
