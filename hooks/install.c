/* install — installing the qemu hooks; see install.h. Owns the
 * reading of dpkg's status file (Conffiles of one package) and the MD5 of a
 * file (libmd); knows nothing of networks. */
#include "hooks/install.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QEMU_PKG   "qemu-system-common"
#define TMP_SUFFIX ".vnet-tmp"
#define MAX_FILE   (64u << 20)

/* the two qemu hooks (paired with qemu's scripts), and qemu's bridge
 * helper, setuid root (hooks/setuid.h says why) */
#define NHOOKS 3
static const char *const hooks[NHOOKS] = {"vnet-ifup", "vnet-ifdown", "vnet-bridge-helper"};
static const mode_t modes[NHOOKS] = {0755, 0755, 04755};
static const char *const scripts[2] = {"qemu-ifup", "qemu-ifdown"};

struct place {
	char dir[VH_PATH];    /* the hooks' folder, absolute */
	char src[VH_PATH];    /* where they come from, "" when not found */
	char etc[VH_PATH];    /* $VNET_QEMU_ETC */
	char status[VH_PATH]; /* $VNET_DPKG_STATUS */
	bool in_place;	      /* dir is src */
};

/* What install does with one of qemu's scripts. */
enum plan { P_ALREADY, P_LINK, P_RELINK, P_KEEP_LINK };

struct script {
	enum plan plan;
	char path[VH_PATH];   /* ETC/qemu-ifup */
	char orig[VH_PATH];   /* ETC/qemu-ifup.vnet-orig */
	char target[VH_PATH]; /* DIR/vnet-ifup */
	char old[VH_PATH];    /* P_RELINK: the symlink's old target */
};

static int too_long(struct nl_err *e, const char *what)
{
	nl_err_set(e, -ENAMETOOLONG, "", "path %s", what);
	return nl_err_kind(e, NL_ERR_INVALID);
}

static int join(char out[VH_PATH], const char *dir, const char *name, const char *suffix,
		struct nl_err *e)
{
	int n = snprintf(out, VH_PATH, "%s/%s%s", dir, name, suffix);

	return n < 0 || n >= VH_PATH ? too_long(e, dir) : 0;
}

static void add(struct vh_report *r, enum vh_act act, const char *path, const char *other)
{
	struct vh_step *s;

	if (r->n >= sizeof(r->step) / sizeof(r->step[0]))
		return;
	s = &r->step[r->n++];
	s->act = act;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->other, sizeof(s->other), "%s", other ? other : "");
}

/* The whole of a (small) file, malloc'd; *len its size. */
static int read_all(const char *path, char **buf, size_t *len, struct nl_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	struct stat st;
	ssize_t got = 0;

	*buf = NULL;
	if (fd < 0)
		return nl_err_set(e, -errno, "read", "%s", path);
	if (fstat(fd, &st) < 0 || st.st_size > MAX_FILE)
		err = nl_err_set(e, st.st_size > MAX_FILE ? -EFBIG : -errno, "read", "%s", path);
	else if (!(*buf = malloc((size_t)st.st_size + 1)))
		err = nl_err_set(e, -ENOMEM, "read", "%s", path);
	for (*len = 0; !err && *len < (size_t)st.st_size; *len += (size_t)got)
		if ((got = read(fd, *buf + *len, (size_t)st.st_size - *len)) <= 0)
			err = nl_err_set(e, got < 0 ? -errno : -EIO, "read", "%s", path);
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

static int file_md5(const char *path, char md5[33], struct nl_err *e)
{
	size_t len;
	char *buf;
	int err = read_all(path, &buf, &len, e);

	if (err)
		return err;
	MD5Data((const uint8_t *)buf, len, md5);
	free(buf);
	return 0;
}

/* In a Conffiles line (" /etc/qemu-ifup 0123...ef[ obsolete]"), the hash of path. */
static bool conffile_line(const char *line, const char *path, char md5[33])
{
	size_t n = strlen(path);
	char hash[40];

	if (line[0] != ' ' || strncmp(line + 1, path, n) || line[1 + n] != ' ')
		return false;
	if (sscanf(line + 2 + n, "%39s", hash) != 1 || strlen(hash) != 32 ||
	    strspn(hash, "0123456789abcdef") != 32)
		return false; /* "newconffile": dpkg is half way through an unpack */
	memcpy(md5, hash, 33);
	return true;
}

int vh_dpkg_conffile_md5(const char *status, const char *pkg, const char *path, char md5[33],
			 struct nl_err *e)
{
	bool in_pkg = false, in_conf = false, found = false;
	size_t cap = 0, plen = strlen(pkg);
	char *line = NULL;
	FILE *f = fopen(status, "re");

	if (!f)
		return nl_err_set(e, -errno, "read", "%s", status);
	while (!found && getline(&line, &cap, f) >= 0) {
		if (line[0] == '\n') {
			in_pkg = in_conf = false;
		} else if (!strncmp(line, "Package: ", 9)) {
			in_pkg = !strncmp(line + 9, pkg, plen) && line[9 + plen] == '\n';
			in_conf = false;
		} else if (line[0] != ' ') {
			in_conf = in_pkg && !strcmp(line, "Conffiles:\n");
		} else if (in_conf) {
			found = conffile_line(line, path, md5);
		}
	}
	free(line);
	fclose(f);
	if (found)
		return 0;
	nl_err_set(e, -ENOENT, "", "%s", path);
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "dpkg records no such conffile of %s (%s)", pkg, status);
}

static bool is_exe(const char *dir, const char *name)
{
	char path[VH_PATH];
	struct stat st;

	return join(path, dir, name, "", NULL) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool has_all(const char *dir)
{
	for (unsigned i = 0; i < NHOOKS; i++)
		if (!is_exe(dir, hooks[i]))
			return false;
	return true;
}

/* The first of o->src holding every hook, absolute; "" when none does. */
static void find_src(const struct vh_install_opts *o, struct place *p)
{
	char real[PATH_MAX];

	p->src[0] = '\0';
	for (unsigned i = 0; i < 2 && !p->src[0]; i++)
		if (o->src[i] && has_all(o->src[i]) && realpath(o->src[i], real) &&
		    strlen(real) < sizeof(p->src))
			snprintf(p->src, sizeof(p->src), "%s", real);
}

static int resolve(const struct vh_install_opts *o, struct place *p, struct nl_err *e)
{
	const char *dir = o->prefix && o->prefix[0] ? o->prefix : VH_INSTALL_PREFIX;
	const char *etc = getenv("VNET_QEMU_ETC"), *st = getenv("VNET_DPKG_STATUS");
	char cwd[PATH_MAX], real[PATH_MAX];
	int n;

	memset(p, 0, sizeof(*p));
	if (dir[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return nl_err_set(e, -errno, "find", "folder %s", dir);
	n = dir[0] == '/' ? snprintf(p->dir, sizeof(p->dir), "%s", dir)
			  : snprintf(p->dir, sizeof(p->dir), "%s/%s", cwd, dir);
	if (n < 0 || (size_t)n >= sizeof(p->dir))
		return too_long(e, dir);
	while (n > 1 && p->dir[n - 1] == '/')
		p->dir[--n] = '\0';
	snprintf(p->etc, sizeof(p->etc), "%s", etc && etc[0] ? etc : "/etc");
	snprintf(p->status, sizeof(p->status), "%s", st && st[0] ? st : "/var/lib/dpkg/status");
	find_src(o, p);
	p->in_place = p->src[0] && realpath(p->dir, real) && !strcmp(real, p->src);
	return 0;
}

/* Whether a symlink's target old is hook i in folder dir (compared
 * through realpath when both exist, so "/a//b/" and "/a/b" agree). */
static bool points_into(const char *old, const char *dir, unsigned i)
{
	char d[VH_PATH], r1[PATH_MAX], r2[PATH_MAX];
	const char *base = strrchr(old, '/');

	if (!base || strcmp(base + 1, hooks[i]) || (size_t)(base - old) >= sizeof(d))
		return false;
	snprintf(d, sizeof(d), "%.*s", (int)(base - old), old);
	if (realpath(d, r1) && realpath(dir, r2))
		return !strcmp(r1, r2);
	return !strcmp(d, dir);
}

static int script_paths(const struct place *p, unsigned i, struct script *s, struct nl_err *e)
{
	int err;

	memset(s, 0, sizeof(*s));
	if ((err = join(s->path, p->etc, scripts[i], "", e)) ||
	    (err = join(s->orig, p->etc, scripts[i], VH_ORIG_SUFFIX, e)))
		return err;
	return join(s->target, p->dir, hooks[i], "", e);
}

/* 0 when s->path (lstat st) is Debian's original, else why not (conflict). */
static int check_original(const struct place *p, unsigned i, const struct script *s,
			  const struct stat *st, struct nl_err *e)
{
	char conffile[64], have[33], want[33];
	int err;

	snprintf(conffile, sizeof(conffile), "/etc/%s", scripts[i]);
	if (!S_ISREG(st->st_mode)) {
		nl_err_set(e, -EEXIST, "", "%s", s->path);
		nl_err_kind(e, NL_ERR_CONFLICT);
		return nl_err_msg(e, "is %s, not Debian's original %s; --force keeps it as %s",
				  S_ISLNK(st->st_mode) ? "a symlink" : "not a file", conffile,
				  s->orig);
	}
	if ((err = file_md5(s->path, have, e)))
		return err;
	err = vh_dpkg_conffile_md5(p->status, QEMU_PKG, conffile, want, e);
	if (!err && !strcmp(have, want))
		return 0;
	if (err && err != -ENOENT && err != -EACCES)
		return err;
	nl_err_set(e, -EEXIST, "", "%s", s->path);
	nl_err_kind(e, NL_ERR_CONFLICT);
	if (err)
		return nl_err_msg(e,
				  "not Debian's original: %s records no conffile %s of %s; "
				  "--force keeps it as %s",
				  p->status, conffile, QEMU_PKG, s->orig);
	return nl_err_msg(e,
			  "changed since Debian installed it (MD5 %s, dpkg records %s); "
			  "--force keeps it as %s",
			  have, want, s->orig);
}

static int plan_script(const struct place *p, unsigned i, bool force, struct script *s,
		       struct nl_err *e)
{
	struct stat st, ost;
	ssize_t n;
	int err;

	if ((err = script_paths(p, i, s, e)))
		return err;
	s->plan = P_LINK;
	if (lstat(s->path, &st) < 0)
		return errno == ENOENT ? 0 : nl_err_set(e, -errno, "read", "%s", s->path);
	if (S_ISLNK(st.st_mode) && (n = readlink(s->path, s->old, sizeof(s->old) - 1)) > 0) {
		const char *base = strrchr(s->old, '/');

		s->old[n] = '\0';
		s->plan = points_into(s->old, p->dir, i) ? P_ALREADY : P_RELINK;
		if (s->plan == P_ALREADY || (base && !strcmp(base + 1, hooks[i])))
			return 0; /* ours, or vnet's hook in another folder */
	}
	s->plan = P_KEEP_LINK;
	if (lstat(s->orig, &ost) == 0) {
		nl_err_set(e, -EEXIST, "", "%s", s->orig);
		nl_err_kind(e, NL_ERR_CONFLICT);
		return nl_err_msg(e, "exists already: put it back as %s, or remove it, first",
				  s->path);
	}
	return force ? 0 : check_original(p, i, s, &st, e);
}

static int mkdirs(const char *dir, struct nl_err *e)
{
	char p[VH_PATH];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *c = p + 1;; c++) {
		char was = *c;

		if (was != '/' && was != '\0')
			continue;
		*c = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return nl_err_set(e, -errno, "create folder", "%s", p);
		if (!was)
			return 0;
		*c = was;
	}
}

static int write_exe(const char *path, const char *buf, size_t len, mode_t mode, struct nl_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0755);
	size_t off = 0;
	ssize_t n = 0;

	if (fd < 0)
		return nl_err_set(e, -errno, "write", "%s", path);
	for (; off < len && (n = write(fd, buf + off, len - off)) > 0; off += (size_t)n)
		;
	/* the mode last: a setuid file is whole before it is setuid */
	if (off < len || fchmod(fd, mode) < 0) {
		int err = n < 0 || off == len ? -errno : -EIO;

		close(fd);
		unlink(path);
		return nl_err_set(e, err, "write", "%s", path);
	}
	if (close(fd) < 0) {
		int err = -errno;

		unlink(path);
		return nl_err_set(e, err, "write", "%s", path);
	}
	return 0;
}

/* Whether path is root's file of that mode (and content, checked after). */
static bool as_installed(const char *path, mode_t mode)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && st.st_gid == 0 &&
	       (st.st_mode & 07777) == mode;
}

/* A setuid root file goes only into root's folder that no one else may
 * write (who could, could put another file in its place). */
static int root_folder(const char *dir, struct nl_err *e)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return nl_err_set(e, -errno, "install into", "%s", dir);
	if (st.st_uid == 0 && !(st.st_mode & 022))
		return 0;
	return nl_fail(e, -EPERM, NL_ERR_CONFLICT, dir,
		       "is not root's alone (owner uid %u, mode %03o): the setuid "
		       "vnet-bridge-helper goes only into a folder only root may write",
		       (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777));
}

/* Copies hook i into the folder, through a temporary file and a rename (a
 * running hook keeps its old file). The same content, root's with the same
 * mode, there already: nothing. */
static int copy_hook(const struct place *p, unsigned i, struct vh_report *r, struct nl_err *e)
{
	char from[VH_PATH], to[VH_PATH], tmp[VH_PATH], *a = NULL, *b = NULL;
	size_t alen, blen;
	int err;

	if ((err = join(from, p->src, hooks[i], "", e)) ||
	    (err = join(to, p->dir, hooks[i], "", e)) ||
	    (err = join(tmp, p->dir, hooks[i], TMP_SUFFIX, e)) ||
	    (err = read_all(from, &a, &alen, e)))
		return err;
	if (as_installed(to, modes[i]) && read_all(to, &b, &blen, NULL) == 0 && blen == alen &&
	    !memcmp(a, b, alen)) {
		add(r, VH_CURRENT, to, NULL);
	} else if (!(err = write_exe(tmp, a, alen, modes[i], e))) {
		if (rename(tmp, to) == 0)
			add(r, VH_COPIED, to, from);
		else
			err = nl_err_set(e, -errno, "install", "%s", to);
		unlink(tmp);
	}
	free(a);
	free(b);
	return err;
}

/* Points s->path at the hook: a symlink made aside, the original kept by a
 * hard link, then renamed over it, so qemu never finds no script there. */
static int link_script(const struct script *s, struct vh_report *r, struct nl_err *e)
{
	char tmp[VH_PATH + sizeof(TMP_SUFFIX)];
	int err = 0;

	if (s->plan == P_ALREADY) {
		add(r, VH_LINKED_ALREADY, s->path, s->target);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s%s", s->path, TMP_SUFFIX);
	unlink(tmp);
	if (symlink(s->target, tmp) < 0)
		return nl_err_set(e, -errno, "create symlink", "%s", tmp);
	if (s->plan == P_KEEP_LINK && link(s->path, s->orig) < 0) {
		err = nl_err_set(e, -errno, "keep as " VH_ORIG_SUFFIX, "%s", s->path);
	} else if (rename(tmp, s->path) < 0) {
		err = nl_err_set(e, -errno, "replace", "%s", s->path);
		if (s->plan == P_KEEP_LINK)
			unlink(s->orig);
	}
	if (err) {
		unlink(tmp);
		return err;
	}
	if (s->plan == P_KEEP_LINK)
		add(r, VH_KEPT, s->path, s->orig);
	add(r, VH_LINKED, s->path, s->target);
	return 0;
}

/* Undoes a link_script that succeeded (a later one failed). */
static void unlink_quietly(const struct script *s)
{
	char tmp[VH_PATH + sizeof(TMP_SUFFIX)];

	if (s->plan == P_KEEP_LINK) {
		rename(s->orig, s->path);
	} else if (s->plan == P_LINK) {
		unlink(s->path);
	} else if (s->plan == P_RELINK) {
		snprintf(tmp, sizeof(tmp), "%s%s", s->path, TMP_SUFFIX);
		if (symlink(s->old, tmp) == 0 && rename(tmp, s->path) < 0)
			unlink(tmp);
	}
}

static int no_src(const struct vh_install_opts *o, struct nl_err *e)
{
	nl_err_set(e, -ENOENT, "", "hooks");
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e,
			  "vnet-ifup, vnet-ifdown and vnet-bridge-helper are in neither %s nor %s",
			  o->src[0] ? o->src[0] : "-", o->src[1] ? o->src[1] : "-");
}

int vh_install(const struct vh_install_opts *o, struct vh_report *r, struct nl_err *e)
{
	struct script s[2];
	struct place p;
	int err;

	r->n = 0;
	if ((err = resolve(o, &p, e)))
		return err;
	if (!p.src[0])
		return no_src(o, e);
	for (unsigned i = 0; o->system && i < 2; i++)
		if ((err = plan_script(&p, i, o->force, &s[i], e)))
			return err;
	if (p.in_place)
		add(r, VH_IN_PLACE, p.dir, NULL);
	else if ((err = mkdirs(p.dir, e)) || (err = root_folder(p.dir, e)))
		return err;
	for (unsigned i = 0; !p.in_place && i < NHOOKS; i++)
		if ((err = copy_hook(&p, i, r, e)))
			return err;
	/* hooks copied but not linked stay: installing them again is harmless */
	for (unsigned i = 0; o->system && i < 2; i++)
		if ((err = link_script(&s[i], r, e))) {
			if (i == 1)
				unlink_quietly(&s[0]);
			return err;
		}
	return 0;
}

/* Gives qemu's script i back when it points at this folder's hook. */
static int unlink_script(const struct place *p, unsigned i, struct vh_report *r, struct nl_err *e)
{
	struct script s;
	struct stat st;
	ssize_t n;
	int err;

	if ((err = script_paths(p, i, &s, e)))
		return err;
	if ((n = readlink(s.path, s.old, sizeof(s.old) - 1)) <= 0)
		return 0;
	s.old[n] = '\0';
	if (!points_into(s.old, p->dir, i))
		return 0;
	if (lstat(s.orig, &st) == 0) {
		if (rename(s.orig, s.path) < 0)
			return nl_err_set(e, -errno, "restore", "%s", s.path);
		add(r, VH_RESTORED, s.path, s.orig);
	} else {
		if (unlink(s.path) < 0)
			return nl_err_set(e, -errno, "remove", "%s", s.path);
		add(r, VH_REMOVED, s.path, NULL);
	}
	return 0;
}

int vh_uninstall(const struct vh_install_opts *o, struct vh_report *r, struct nl_err *e)
{
	char path[VH_PATH];
	struct place p;
	int err;

	r->n = 0;
	if ((err = resolve(o, &p, e)))
		return err;
	for (unsigned i = 0; i < 2; i++)
		if ((err = unlink_script(&p, i, r, e)))
			return err;
	for (unsigned i = 0; !p.in_place && i < NHOOKS; i++) {
		if ((err = join(path, p.dir, hooks[i], "", e)))
			return err;
		if (unlink(path) == 0)
			add(r, VH_REMOVED, path, NULL);
		else if (errno != ENOENT)
			return nl_err_set(e, -errno, "remove", "%s", path);
	}
	if (!p.in_place)
		rmdir(p.dir); /* when empty: it was made for the hooks */
	if (r->n)
		return 0;
	nl_err_set(e, -ENOENT, "", "hooks");
	nl_err_kind(e, NL_ERR_NOTFOUND);
	return nl_err_msg(e, "not installed in %s, and %s/%s does not point there", p.dir, p.etc,
			  scripts[0]);
}
