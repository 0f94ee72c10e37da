/* index — what the checks against other networks need of every defined
 * network (name, bridge, uplink, subnets, its forwards' listeners and its
 * VNI), one
 * line each in $VNET_RUN_DIR/index, so that creating a network or adding a
 * forward reads one small file instead of every definition (which made
 * creating N networks cost O(N^2)).
 *
 * The calls that save or forget a definition keep it, under the lock:
 * vn_index_put/drop before the definition changes, vn_index_touch after,
 * which gives the index the folder's mtime. An index whose mtime is not
 * the folder's (a definition added, removed or renamed by hand, or a call
 * killed in between), or that does not start with this version's first
 * line, is rebuilt from the definitions, as at the first use after boot
 * (it lives in /run). A definition edited in place by hand is not seen
 * until then; `vnet up` of that network checks it against the index. A
 * path that forgets the touch costs a rebuild, never a wrong answer.
 *
 * A put or a drop edits the text (the other lines are copied, not parsed),
 * and a forward's check parses only the forwards' fields: the cost per
 * network is a few hundred nanoseconds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "common/file.h"
#include "netd/internal.h"
#include "netd/store.h"

#define INDEX_MAX   (16u << 20) /* 16 MiB: tens of thousands of networks */
#define INDEX_MAGIC "#vnet index 3\n"

static void index_path(const struct vn_ctx *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s/index", c->run_dir);
}

/* "NAME BRIDGE UPLINK|- SUBNET[,SUBNET...]|- FORWARD[,FORWARD...]|- [VNI]",
 * a forward "PROTO/PORT/GUEST/GUEST_PORT/ADDRESS|-" (PROTO a number), the
 * VNI only for a network that spans hosts. */
static void put_line(FILE *f, const struct vn_net *n)
{
	char a[NL_PREFIX_STRLEN], b[NL_PREFIX_STRLEN];

	fprintf(f, "%s %s %s ", n->name, n->bridge, n->uplink[0] ? n->uplink : "-");
	for (unsigned i = 0; i < n->nsubnets; i++)
		fprintf(f, "%s%s", i ? "," : "",
			nl_prefix_str(&n->subnet[i].prefix, true, a, sizeof(a)));
	fprintf(f, "%s ", n->nsubnets ? "" : "-");
	for (unsigned i = 0; i < n->nforwards; i++) {
		const struct vn_forward *x = &n->forward[i];

		fprintf(f, "%s%u/%u/%s/%u/%s", i ? "," : "", x->proto, x->port,
			nl_prefix_str(&x->guest, false, a, sizeof(a)), x->guest_port,
			x->address.family ? nl_prefix_str(&x->address, false, b, sizeof(b)) : "-");
	}
	fprintf(f, "%s", n->nforwards ? "" : "-");
	if (n->vni)
		fprintf(f, " %u", n->vni);
	fputc('\n', f);
}

/* The next space-separated field of *s, cut off; NULL when none. */
static char *field(char **s)
{
	char *f = *s, *sp;

	if (!f || !*f)
		return NULL;
	if ((sp = strchr(f, ' '))) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = NULL;
	}
	return f;
}

static int copy_name(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n == 0 || n >= NL_IFNAMSIZ)
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

/* A line's fields up to its subnets into x; *fwds gets its forwards'. */
static int parse_line(char *line, struct vn_index_entry *x, char **fwds)
{
	char *name = field(&line), *br = field(&line), *up = field(&line), *sub = field(&line),
	     *vni, *end;

	memset(x, 0, sizeof(*x));
	*fwds = field(&line);
	vni = field(&line);
	if (vni && (x->vni = (unsigned)strtoul(vni, &end, 10), *end || !x->vni))
		return -EINVAL;
	if (!*fwds || copy_name(x->name, name) || copy_name(x->bridge, br) ||
	    copy_name(x->uplink, up) || !sub || vn_name_check(x->name, NULL))
		return -EINVAL;
	if (!strcmp(x->uplink, "-"))
		x->uplink[0] = '\0';
	if (!strcmp(sub, "-"))
		return 0;
	for (char *s = sub, *comma; s; s = comma ? comma + 1 : NULL) {
		if ((comma = strchr(s, ',')))
			*comma = '\0';
		if (x->nsubnets >= VN_MAX_SUBNETS ||
		    nl_prefix_parse(s, NL_PREFIX_NEED_LEN, NULL, &x->subnet[x->nsubnets++], NULL))
			return -EINVAL;
	}
	return 0;
}

/* One forward "PROTO/PORT/GUEST/GUEST_PORT/ADDRESS|-" into f. */
static int parse_forward(char *s, struct vn_forward *f)
{
	char *part[5], *save = NULL;
	unsigned n = 0;

	memset(f, 0, sizeof(*f));
	for (char *p = strtok_r(s, "/", &save); p && n < 5; p = strtok_r(NULL, "/", &save))
		part[n++] = p;
	if (n != 5)
		return -EINVAL;
	f->proto = (unsigned char)strtoul(part[0], NULL, 10);
	f->port = (unsigned short)strtoul(part[1], NULL, 10);
	f->guest_port = (unsigned short)strtoul(part[3], NULL, 10);
	if (nl_prefix_parse(part[2], NL_PREFIX_PLAIN, NULL, &f->guest, NULL) ||
	    (strcmp(part[4], "-") &&
	     nl_prefix_parse(part[4], NL_PREFIX_PLAIN, NULL, &f->address, NULL)))
		return -EINVAL;
	return 0;
}

/* The index's text from the definitions themselves (the folder changed
 * behind it, or it is not this version's); written back, best effort
 * (without it, the next call rebuilds again). */
static int rebuild(const struct vn_ctx *c, char **text, size_t *len, struct nl_err *e)
{
	struct vn_store_entry *v;
	char path[320];
	unsigned cnt;
	FILE *f;
	int err = vn_store_list(c->conf_dir, &v, &cnt, e);

	if (err)
		return err;
	if (!(f = open_memstream(text, len))) {
		free(v);
		return nl_err_set(e, -ENOMEM, "read", "index of networks");
	}
	fputs(INDEX_MAGIC, f);
	for (unsigned i = 0; i < cnt; i++)
		if (!v[i].err)
			put_line(f, &v[i].net);
	free(v);
	if (fclose(f) != 0) {
		free(*text);
		return nl_err_set(e, -ENOMEM, "read", "index of networks");
	}
	index_path(c, path, sizeof(path));
	if (nl_mkdirs(c->run_dir, 0755, NULL) == 0 &&
	    nl_file_write(path, 0644, *text, *len, NULL) == 0)
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

/* The index's text, NUL-terminated, after its first line: *text is the
 * allocation (free it), *lines where the lines start. fresh: from the
 * definitions, whatever the file says. */
static int load_text(const struct vn_ctx *c, bool fresh, char **text, char **lines,
		     struct nl_err *e)
{
	char path[320];
	size_t len;
	int err;

	*text = NULL;
	index_path(c, path, sizeof(path));
	if (fresh || stale(c, path) ||
	    nl_file_read(path, INDEX_MAX, NL_FILE_OWNED, text, &len, NULL) ||
	    strncmp(*text, INDEX_MAGIC, strlen(INDEX_MAGIC))) {
		free(*text);
		if ((err = rebuild(c, text, &len, e)))
			return err;
	}
	*lines = *text + strlen(INDEX_MAGIC);
	return 0;
}

/* Calls each on every line of the index, cut at its end; stops at the
 * first non-zero and returns it (-EINVAL: a line that does not parse, for
 * the caller to start again fresh). */
typedef int (*line_fn)(char *line, void *arg);
static int each_line(const struct vn_ctx *c, bool fresh, line_fn each, void *arg, struct nl_err *e)
{
	char *text, *lines, *save = NULL;
	int err = load_text(c, fresh, &text, &lines, e);

	for (char *l = err ? NULL : strtok_r(lines, "\n", &save); l && !err;
	     l = strtok_r(NULL, "\n", &save))
		err = each(l, arg);
	free(text);
	if (err == -EINVAL && fresh)
		return nl_err_set(e, err, "read", "index of networks");
	return err;
}

struct loading {
	struct vn_index_entry *v;
	unsigned n, cap;
};

static int load_one(char *line, void *arg)
{
	struct loading *l = arg;
	char *fwds;

	if (l->n == l->cap) {
		struct vn_index_entry *v =
			realloc(l->v, (l->cap = l->cap ? 2 * l->cap : 64) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	if (parse_line(line, &l->v[l->n], &fwds))
		return -EINVAL;
	l->n++;
	return 0;
}

int vn_index_load(const struct vn_ctx *c, struct vn_index_entry **out, unsigned *n,
		  struct nl_err *e)
{
	struct loading l = {0};
	int err = each_line(c, false, load_one, &l, e);

	if (err == -EINVAL) { /* not ours as written: from the definitions */
		l.n = 0;
		err = each_line(c, true, load_one, &l, e);
	}
	if (err == -ENOMEM)
		err = nl_err_set(e, -ENOMEM, "read", "index of networks");
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

struct finding {
	const char *self;
	const struct vn_forward *f;
	char *net;
	struct vn_forward *hit;
};

static int find_one(char *line, void *arg)
{
	struct finding *x = arg;
	struct vn_index_entry ent;
	char *fwds;

	if (parse_line(line, &ent, &fwds))
		return -EINVAL;
	if (!strcmp(ent.name, x->self) || !strcmp(fwds, "-"))
		return 0;
	for (char *s = fwds, *comma; s; s = comma ? comma + 1 : NULL) {
		if ((comma = strchr(s, ',')))
			*comma = '\0';
		if (parse_forward(s, x->hit))
			return -EINVAL;
		if (vn_forward_same_listener(x->hit, x->f)) {
			snprintf(x->net, NL_IFNAMSIZ, "%s", ent.name);
			return 1;
		}
	}
	return 0;
}

int vn_index_forwarded(const struct vn_ctx *c, const char *self, const struct vn_forward *f,
		       char net[NL_IFNAMSIZ], struct vn_forward *hit, struct nl_err *e)
{
	struct finding x = {.self = self, .f = f, .net = net, .hit = hit};
	int err = each_line(c, false, find_one, &x, e);

	return err == -EINVAL ? each_line(c, true, find_one, &x, e) : err;
}

/* Replaces (n set) or drops (n NULL) the line of network name, copying
 * the others as they are. */
static int update(const struct vn_ctx *c, const char *name, const struct vn_net *n,
		  struct nl_err *e)
{
	char path[320], *text, *lines, *buf = NULL;
	size_t len = 0, nlen = strlen(name);
	FILE *f;
	int err = load_text(c, false, &text, &lines, e);

	if (err)
		return err;
	if (!(f = open_memstream(&buf, &len))) {
		free(text);
		return nl_err_set(e, -ENOMEM, "write", "index of networks");
	}
	fputs(INDEX_MAGIC, f);
	for (char *l = lines, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		size_t ll = (nl = strchr(l, '\n')) ? (size_t)(nl - l) : strlen(l);

		if (ll > nlen && !strncmp(l, name, nlen) && l[nlen] == ' ')
			continue;
		fwrite(l, 1, ll, f);
		fputc('\n', f);
	}
	if (n)
		put_line(f, n);
	free(text);
	if (fclose(f) != 0) {
		free(buf);
		return nl_err_set(e, -ENOMEM, "write", "index of networks");
	}
	index_path(c, path, sizeof(path));
	err = nl_mkdirs(c->run_dir, 0755, e);
	if (!err)
		err = nl_file_write(path, 0644, buf, len, e);
	free(buf);
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
