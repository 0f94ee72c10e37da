/* fabric — the host's fabric definition: parsing, checks, the file; see
 * fabric.h. */
#include "netd/fabric.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/file.h"

#define FABRIC_MAX_FILE (16 * 1024)
#define VTY_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/"

static int bad(struct nl_err *e, const char *what, const char *text, const char *why)
{
	char obj[160], q[96];

	snprintf(obj, sizeof(obj), "%s \"%s\"", what, nl_escape(text, q, sizeof(q)));
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "%s", why);
}

static int number(const char *what, const char *text, unsigned long long max, unsigned long long *v,
		  struct nl_err *e)
{
	char *end;

	errno = 0;
	*v = strtoull(text, &end, 10);
	if (*text < '0' || *text > '9' || *end || errno || *v == 0 || *v > max) {
		char why[64];

		snprintf(why, sizeof(why), "must be a number, 1..%llu", max);
		return bad(e, what, text, why);
	}
	return 0;
}

static int vty_check(const char *dir, struct nl_err *e)
{
	if (!dir[0])
		return 0;
	if (dir[0] != '/' || strlen(dir) >= VN_FABRIC_VTY_MAX - 16)
		return bad(e, "--frr-vty", dir, "must be an absolute path of at most 91 bytes");
	if (strspn(dir, VTY_CHARS) != strlen(dir) || strstr(dir, "/../") ||
	    !strcmp(dir + strlen(dir) - (strlen(dir) >= 3 ? 3 : 0), "/.."))
		return bad(e, "--frr-vty", dir,
			   "may hold only letters, digits, '_', '.', '-' and '/', and no '..'");
	return 0;
}

static bool usable(const struct nl_prefix *p)
{
	static const uint8_t zero[16];

	if (p->family == AF_INET)
		return p->a.b[0] != 0 && p->a.b[0] != 127 && p->a.b[0] < 224;
	return memcmp(p->a.b, zero, 16) && p->a.b[0] != 0xff &&
	       !(memcmp(p->a.b, zero, 15) == 0 && p->a.b[15] == 1);
}

static int addr_check(const char *what, const struct nl_prefix *p, struct nl_err *e)
{
	char t[NL_PREFIX_STRLEN];

	if (!usable(p))
		return bad(e, what, nl_prefix_str(p, false, t, sizeof(t)),
			   "must be a unicast address (not unspecified, loopback or multicast)");
	return 0;
}

int vn_fabric_check(const struct vn_fabric *f, struct nl_err *e)
{
	char t[NL_PREFIX_STRLEN];
	int err;

	if ((err = nl_ifname_safe_check(f->underlay, "underlay", e)) ||
	    (err = vty_check(f->frr_vty, e)))
		return err;
	if (f->local.family && (err = addr_check("--local", &f->local, e)))
		return err;
	if (f->asn && f->local.family == AF_INET6) {
		char obj[80];

		snprintf(obj, sizeof(obj), "local address %s",
			 nl_prefix_str(&f->local, false, t, sizeof(t)));
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, obj,
			       "EVPN (--asn) needs an IPv4 one (FRR 8.4's VTEPs are IPv4 only); "
			       "static peers work over IPv6");
	}
	if (f->npeers > VN_FABRIC_MAX_PEERS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "--peer", "at most %d peers",
			       VN_FABRIC_MAX_PEERS);
	for (unsigned i = 0; i < f->npeers; i++) {
		const struct nl_prefix *p = &f->peer[i];

		nl_prefix_str(p, false, t, sizeof(t));
		if ((err = addr_check("--peer", p, e)))
			return err;
		if (f->local.family && p->family != f->local.family)
			return bad(e, "--peer", t, "is not of the local address's family");
		if (f->local.family && nl_prefix_equal(p, &f->local))
			return bad(e, "--peer", t, "is this host's own address");
		for (unsigned k = 0; k < i; k++)
			if (nl_prefix_equal(p, &f->peer[k]))
				return bad(e, "--peer", t, "is given twice");
	}
	if (!f->index || !f->hosts || f->index > f->hosts || f->hosts > VN_FABRIC_MAX_HOSTS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "--index",
			       "must be 1..--hosts, and --hosts 1..%d", VN_FABRIC_MAX_HOSTS);
	return 0;
}

static int addr_parse(const char *what, const char *text, struct nl_prefix *p, struct nl_err *e)
{
	return nl_prefix_parse(text, NL_PREFIX_NO_LEN, what, p, e);
}

/* A value given together with the option that takes it away. */
static int both(const char *no, bool given, const char *what, struct nl_err *e)
{
	if (!given)
		return 0;
	return nl_fail(e, -EINVAL, NL_ERR_INVALID, no, "and %s do not go together", what);
}

static int merge_peers(const struct vn_fabric_args *a, struct vn_fabric *f, struct nl_err *e)
{
	int err;

	if (!a->npeers && !a->no_peers)
		return 0;
	if (a->npeers > VN_FABRIC_MAX_PEERS)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "--peer", "at most %d peers",
			       VN_FABRIC_MAX_PEERS);
	f->npeers = 0;
	for (unsigned i = 0; i < a->npeers; i++)
		if ((err = addr_parse("--peer", a->peer[i], &f->peer[f->npeers++], e)))
			return err;
	return 0;
}

static int merge_slice(const struct vn_fabric_args *a, struct vn_fabric *f, struct nl_err *e)
{
	unsigned long long v;
	int err;

	if (a->no_slice)
		f->index = f->hosts = 1;
	if (!a->index != !a->hosts)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "--index", "and --hosts go together");
	if (!a->index)
		return 0;
	if ((err = number("--index", a->index, VN_FABRIC_MAX_HOSTS, &v, e)))
		return err;
	f->index = (unsigned)v;
	if ((err = number("--hosts", a->hosts, VN_FABRIC_MAX_HOSTS, &v, e)))
		return err;
	f->hosts = (unsigned)v;
	return 0;
}

int vn_fabric_merge(const struct vn_fabric *old, const struct vn_fabric_args *a,
		    struct vn_fabric *f, struct nl_err *e)
{
	unsigned long long v;
	int err;

	if ((err = both("--no-asn", a->no_asn && a->asn, "--asn", e)) ||
	    (err = both("--no-peers", a->no_peers && a->npeers, "--peer", e)) ||
	    (err = both("--no-frr-vty", a->no_frr_vty && a->frr_vty, "--frr-vty", e)) ||
	    (err = both("--no-slice", a->no_slice && (a->index || a->hosts), "--index", e)))
		return err;
	if (old)
		*f = *old;
	else {
		memset(f, 0, sizeof(*f));
		f->index = f->hosts = 1;
	}
	if (!a->underlay && !old)
		return nl_fail(e, -EINVAL, NL_ERR_INVALID, "fabric", "needs --underlay IFACE");
	if (a->underlay) {
		if ((err = nl_ifname_safe_check(a->underlay, "underlay", e)))
			return err;
		/* another underlay: its own address, unless --local says */
		if (strcmp(f->underlay, a->underlay))
			memset(&f->local, 0, sizeof(f->local));
		strcpy(f->underlay, a->underlay);
	}
	if (a->local && (err = addr_parse("--local", a->local, &f->local, e)))
		return err;
	if (a->asn && (err = number("--asn", a->asn, UINT32_MAX, &v, e)))
		return err;
	if (a->asn || a->no_asn)
		f->asn = a->asn ? (uint32_t)v : 0;
	if ((err = merge_peers(a, f, e)))
		return err;
	if (a->no_frr_vty)
		f->frr_vty[0] = '\0';
	if (a->frr_vty) {
		if ((err = vty_check(a->frr_vty, e)))
			return err;
		strcpy(f->frr_vty, a->frr_vty);
	}
	if ((err = merge_slice(a, f, e)))
		return err;
	return vn_fabric_check(f, e);
}

int vn_fabric_from_args(const struct vn_fabric_args *a, struct vn_fabric *f, struct nl_err *e)
{
	return vn_fabric_merge(NULL, a, f, e);
}

const char *vn_fabric_mode(const struct vn_fabric *f)
{
	return f->asn ? "evpn" : "static";
}

bool vn_fabric_same(const struct vn_fabric *f, const struct vn_fabric *g)
{
	if (strcmp(f->underlay, g->underlay) || !nl_prefix_equal(&f->local, &g->local) ||
	    f->asn != g->asn || f->npeers != g->npeers || strcmp(f->frr_vty, g->frr_vty) ||
	    f->index != g->index || f->hosts != g->hosts)
		return false;
	for (unsigned i = 0; i < f->npeers; i++)
		if (!nl_prefix_equal(&f->peer[i], &g->peer[i]))
			return false;
	return true;
}

void vn_fabric_slice(const struct vn_fabric *f, uint64_t start, uint64_t end, uint64_t *from,
		     uint64_t *to)
{
	uint64_t size = end >= start ? end - start + 1 : 0, part, rest, k;

	if (!f || f->hosts <= 1 || size < f->hosts) {
		*from = start;
		*to = end;
		return;
	}
	part = size / f->hosts;
	rest = size % f->hosts;
	k = f->index - 1;
	*from = start + k * part + (k < rest ? k : rest);
	*to = *from + part - 1 + (k < rest ? 1 : 0);
}

int vn_fabric_write(FILE *fp, const struct vn_fabric *f)
{
	char t[NL_PREFIX_STRLEN];

	fprintf(fp, "# vnet fabric of this host, see vnet.conf(5)\n[fabric]\n");
	fprintf(fp, "underlay = %s\n", f->underlay);
	if (f->local.family)
		fprintf(fp, "local = %s\n", nl_prefix_str(&f->local, false, t, sizeof(t)));
	if (f->asn)
		fprintf(fp, "asn = %u\n", f->asn);
	for (unsigned i = 0; i < f->npeers; i++)
		fprintf(fp, "peer = %s\n", nl_prefix_str(&f->peer[i], false, t, sizeof(t)));
	if (f->frr_vty[0])
		fprintf(fp, "frr-vty = %s\n", f->frr_vty);
	fprintf(fp, "index = %u\nhosts = %u\n", f->index, f->hosts);
	return ferror(fp) ? -EIO : 0;
}

static void path(const char *conf_dir, char *buf, size_t n)
{
	snprintf(buf, n, "%s/fabric/fabric.conf", conf_dir);
}

/* One "key = value" of the file into a (the strings point into the
 * buffer); -EINVAL for a key it does not know. */
static int read_line(char *line, struct vn_fabric_args *a)
{
	char *eq = strchr(line, '='), *k = line, *v, *end;
	static const struct {
		const char *key;
		size_t at;
	} keys[] = {
		{"underlay", offsetof(struct vn_fabric_args, underlay)},
		{"local", offsetof(struct vn_fabric_args, local)},
		{"asn", offsetof(struct vn_fabric_args, asn)},
		{"frr-vty", offsetof(struct vn_fabric_args, frr_vty)},
		{"index", offsetof(struct vn_fabric_args, index)},
		{"hosts", offsetof(struct vn_fabric_args, hosts)},
	};

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	for (end = eq; end > k && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	if (!strcmp(k, "peer")) {
		if (a->npeers >= VN_FABRIC_MAX_PEERS + 1)
			return -E2BIG;
		a->peer[a->npeers++] = v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(k, keys[i].key)) {
			*(const char **)((char *)a + keys[i].at) = v;
			return 0;
		}
	return -EINVAL;
}

int vn_fabric_load(const char *conf_dir, struct vn_fabric *f, struct nl_err *e)
{
	struct vn_fabric_args a = {0};
	char file[PATH_MAX], *buf = NULL, *line, *next;
	unsigned lineno = 0;
	size_t len;
	int err;

	path(conf_dir, file, sizeof(file));
	err = nl_file_read(file, FABRIC_MAX_FILE, NL_FILE_OWNED, &buf, &len, e);
	if (err == -ENOENT)
		return nl_fail(e, -ENOENT, NL_ERR_NOTFOUND, "fabric",
			       "none on this host (vnet fabric set --underlay IFACE ...)");
	for (line = buf; !err && line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		lineno++;
		line += strspn(line, " \t");
		if (!line[0] || line[0] == '#' || !strcmp(line, "[fabric]"))
			continue;
		if (strlen(line) != strspn(line, VTY_CHARS " \t=:") || read_line(line, &a)) {
			char obj[PATH_MAX + 16];

			snprintf(obj, sizeof(obj), "%s:%u", file, lineno);
			err = nl_fail(e, -EINVAL, NL_ERR_INVALID, obj, "not a line of a fabric");
		}
	}
	if (!err && (err = vn_fabric_from_args(&a, f, e))) {
		char obj[sizeof(e->obj)];

		snprintf(obj, sizeof(obj), "%.60s: %.120s", file, e->obj);
		memcpy(e->obj, obj, sizeof(e->obj));
	}
	free(buf);
	return err;
}

int vn_fabric_save(const char *conf_dir, const struct vn_fabric *f, struct nl_err *e)
{
	char dir[PATH_MAX], file[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int err;

	if (!fp)
		return nl_err_set(e, -ENOMEM, "write", "fabric");
	err = vn_fabric_write(fp, f);
	fclose(fp);
	snprintf(dir, sizeof(dir), "%s/fabric", conf_dir);
	path(conf_dir, file, sizeof(file));
	if (!err && !(err = nl_mkdirs(dir, 0755, e)))
		err = nl_file_write(file, 0644, text, len, e);
	else if (err == -EIO)
		err = nl_err_set(e, err, "write", "%s", file);
	free(text);
	return err;
}

int vn_fabric_forget(const char *conf_dir, struct nl_err *e)
{
	char file[PATH_MAX];
	int err;

	path(conf_dir, file, sizeof(file));
	if ((err = nl_file_remove(file)))
		return nl_err_set(e, err, "remove", "%s", file);
	return 0;
}
