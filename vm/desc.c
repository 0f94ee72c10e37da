/* desc — a VM's description, parsed and checked; see desc.h. Options are
 * rows of tables (option name -> parser, sub-option key -> words -> field),
 * so a new option or value is a new row. */
#include "vm/desc.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

__attribute__((format(printf, 3, 4))) static int invalid(struct nl_err *e, const char *why,
							 const char *objfmt, ...)
{
	va_list ap;

	nl_err_set(e, -EINVAL, "", "%s", "");
	if (e) {
		va_start(ap, objfmt);
		vsnprintf(e->obj, sizeof(e->obj), objfmt, ap);
		va_end(ap);
	}
	nl_err_kind(e, NL_ERR_INVALID);
	nl_err_msg(e, "%s", why);
	return -EINVAL;
}

int vm_name_check(const char *name, struct nl_err *e)
{
	size_t len = strlen(name);

	if (len == 0 || len > VM_NAME_MAX)
		return invalid(e, "must be 1..32 characters", "VM name \"%.40s\"", name);
	if (name[0] == '.' || name[0] == '-')
		return invalid(e, "must not start with '.' or '-'", "VM name \"%s\"", name);
	if (strspn(name, NAME_CHARS) != len)
		return invalid(e, "may hold only letters, digits, '_', '.' and '-'",
			       "VM name \"%s\"", name);
	return 0;
}

void vm_desc_init(struct vm_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->memory = VM_DEFAULT_MEMORY;
	d->cpus = 1;
	d->display = VM_DISPLAY_NONE;
	snprintf(d->machine, sizeof(d->machine), "%s", VM_DEFAULT_MACHINE);
}

int vm_desc_name(struct vm_desc *d, const char *name, struct nl_err *e)
{
	int err = vm_name_check(name, e);

	if (!err)
		snprintf(d->name, sizeof(d->name), "%s", name);
	return err;
}

/* A decimal number lo..hi with nothing after it. */
static bool number(const char *s, unsigned long lo, unsigned long hi, unsigned *v)
{
	unsigned long x;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (*end || errno || x < lo || x > hi)
		return false;
	*v = (unsigned)x;
	return true;
}

/* Copies the next comma-separated field of *p into out (",," stands for a
 * comma, as in qemu's own options) and moves *p past it. */
static bool next_field(const char **p, char *out, size_t n)
{
	size_t k = 0;
	const char *s = *p;

	for (; *s && (*s != ',' || s[1] == ','); s++) {
		if (*s == ',')
			s++;
		if (k + 1 >= n)
			return false;
		out[k++] = *s;
	}
	out[k] = '\0';
	*p = *s ? s + 1 : s;
	return true;
}

static int copy_path(char *dst, const char *src, const char *what, struct nl_err *e)
{
	if (!src[0])
		return invalid(e, "must not be empty", "%s \"\"", what);
	if (strlen(src) >= VM_PATH_MAX)
		return invalid(e, "is longer than 1023 bytes", "%s %.60s", what, src);
	snprintf(dst, VM_PATH_MAX, "%s", src);
	return 0;
}

static int opt_memory(struct vm_desc *d, const char *v, struct nl_err *e)
{
	const unsigned max = 4u << 20;
	size_t len = strlen(v);
	unsigned mul = 1, n = 0;
	char num[16];

	if (len && strchr("MmGg", v[len - 1])) {
		mul = strchr("Gg", v[len - 1]) ? 1024 : 1;
		len--;
	}
	if (len < sizeof(num)) {
		memcpy(num, v, len);
		num[len] = '\0';
	}
	if (len >= sizeof(num) || !number(num, 1, max, &n) || n > max / mul || n * mul < 16)
		return invalid(e, "must be MiB 16..4194304 (or with a G suffix)", "memory %s", v);
	d->memory = n * mul;
	return 0;
}

/* key=value parts of an option: value words per key, written to a field. */
struct word {
	const char *name;
	int value;
};

struct key {
	const char *key;
	const struct word *words;
	const char *must; /* "virtio, ide or scsi" */
	size_t off;	  /* of the enum field */
};

_Static_assert(sizeof(enum vm_cache) == sizeof(int), "enum fields are int-sized");

static const struct word w_if[] = {
	{"virtio", VM_IF_VIRTIO}, {"ide", VM_IF_IDE}, {"scsi", VM_IF_SCSI}, {NULL, 0}};
static const struct word w_cache[] = {{"none", VM_CACHE_NONE},
				      {"writeback", VM_CACHE_WRITEBACK},
				      {"writethrough", VM_CACHE_WRITETHROUGH},
				      {"unsafe", VM_CACHE_UNSAFE},
				      {NULL, 0}};
static const struct word w_format[] = {
	{"qcow2", VM_FORMAT_QCOW2}, {"raw", VM_FORMAT_RAW}, {NULL, 0}};
static const struct word w_media[] = {
	{"disk", VM_MEDIA_DISK}, {"cdrom", VM_MEDIA_CDROM}, {NULL, 0}};
static const struct word w_model[] = {
	{"virtio", VM_NIC_VIRTIO}, {"e1000", VM_NIC_E1000}, {"rtl8139", VM_NIC_RTL8139}, {NULL, 0}};

static const struct key disk_keys[] = {
	{"if", w_if, "virtio, ide or scsi", offsetof(struct vm_disk, iface)},
	{"cache", w_cache, "none, writeback, writethrough or unsafe",
	 offsetof(struct vm_disk, cache)},
	{"format", w_format, "qcow2 or raw", offsetof(struct vm_disk, format)},
	{"media", w_media, "disk or cdrom", offsetof(struct vm_disk, media)},
	{NULL, NULL, NULL, 0}};
static const struct key nic_keys[] = {
	{"model", w_model, "virtio, e1000 or rtl8139", offsetof(struct vm_nic, model)},
	{NULL, NULL, NULL, 0}};

/* Applies "key=value" to obj through keys; whole names the option. */
static int set_key(void *obj, const struct key *keys, const char *kv, const char *what,
		   struct nl_err *e)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0;
	char why[96];

	for (const struct key *k = keys; eq && k->key; k++) {
		if (strlen(k->key) != klen || strncmp(kv, k->key, klen))
			continue;
		for (const struct word *w = k->words; w->name; w++)
			if (!strcmp(eq + 1, w->name)) {
				memcpy((char *)obj + k->off, &w->value, sizeof(int));
				return 0;
			}
		snprintf(why, sizeof(why), "%s must be %s", k->key, k->must);
		return invalid(e, why, "%s", what);
	}
	snprintf(why, sizeof(why), "unknown setting \"%.40s\"", kv);
	return invalid(e, why, "%s", what);
}

static int opt_disk(struct vm_desc *d, const char *v, struct nl_err *e)
{
	struct vm_disk *dk = &d->disk[d->ndisks];
	char what[96], part[VM_PATH_MAX];
	const char *p = v;
	int err;

	snprintf(what, sizeof(what), "disk %.80s", v);
	if (d->ndisks == VM_MAX_DISKS)
		return invalid(e, "at most 8 disks", "%s", what);
	memset(dk, 0, sizeof(*dk));
	if (!next_field(&p, part, sizeof(part)))
		return invalid(e, "path is longer than 1023 bytes", "%s", what);
	if ((err = copy_path(dk->path, part, "disk", e)))
		return err;
	while (*p) {
		if (!next_field(&p, part, 64) || (err = set_key(dk, disk_keys, part, what, e)))
			return err ? err : invalid(e, "setting too long", "%s", what);
	}
	if (dk->iface == VM_IF_AUTO)
		dk->iface = dk->media == VM_MEDIA_CDROM ? VM_IF_IDE : VM_IF_VIRTIO;
	if (dk->media == VM_MEDIA_CDROM && dk->iface == VM_IF_VIRTIO)
		return invalid(e, "media=cdrom needs if=ide or if=scsi", "%s", what);
	d->ndisks++;
	return 0;
}

static int opt_net(struct vm_desc *d, const char *v, struct nl_err *e)
{
	struct vm_nic *n = &d->nic[d->nnics];
	char what[96], part[64];
	const char *p = v;
	int err;

	snprintf(what, sizeof(what), "net %.80s", v);
	if (d->nnics == VM_MAX_NICS)
		return invalid(e, "at most 8 networks", "%s", what);
	memset(n, 0, sizeof(*n));
	if (!next_field(&p, part, sizeof(part)) || !part[0] || strlen(part) >= NL_IFNAMSIZ)
		return invalid(e, "must start with a network name (1..15 characters)", "%s", what);
	memcpy(n->net, part, strlen(part) + 1);
	while (*p) {
		if (!next_field(&p, part, sizeof(part)))
			return invalid(e, "setting too long", "%s", what);
		if (!strncmp(part, "mac=", 4)) {
			if ((err = vm_mac_parse(part + 4, n->mac, e)))
				return err;
			n->mac_given = true;
		} else if ((err = set_key(n, nic_keys, part, what, e))) {
			return err;
		}
	}
	d->nnics++;
	return 0;
}

static int opt_cpus(struct vm_desc *d, const char *v, struct nl_err *e)
{
	static const char *const keys[] = {"sockets=", "cores=", "threads="};
	unsigned *fields[] = {&d->sockets, &d->cores, &d->threads};
	char part[32];
	const char *p = v;
	bool ok = next_field(&p, part, sizeof(part)) && number(part, 1, VM_MAX_CPUS, &d->cpus);

	while (ok && *p) {
		unsigned k = 0;

		ok = next_field(&p, part, sizeof(part));
		while (ok && k < 3 && strncmp(part, keys[k], strlen(keys[k])))
			k++;
		ok = ok && k < 3 && number(part + strlen(keys[k]), 1, VM_MAX_CPUS, fields[k]);
	}
	if (!ok)
		return invalid(e, "must be N[,sockets=S,cores=C,threads=T] with numbers 1..255",
			       "cpus %s", v);
	if (d->sockets && d->cores && d->threads && d->sockets * d->cores * d->threads != d->cpus)
		return invalid(e, "sockets x cores x threads must equal the cpus", "cpus %s", v);
	return 0;
}

static int opt_boot(struct vm_desc *d, const char *v, struct nl_err *e)
{
	size_t len = strlen(v);

	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdnop", v[i]) || memchr(v, v[i], i))
			len = 0;
	if (len == 0 || len >= sizeof(d->boot))
		return invalid(e,
			       "must be drive letters a, b, c, d, n..p, each once (c: disk, "
			       "d: cdrom, n: network)",
			       "boot order %s", v);
	memcpy(d->boot, v, len + 1);
	return 0;
}

/* "vnc=[ADDR]:N": ADDR a host name, IPv4 or [IPv6]; default 127.0.0.1. */
static int opt_vnc(struct vm_desc *d, const char *v, struct nl_err *e)
{
	const char *spec = v + 4, *colon = strrchr(spec, ':');
	size_t alen = colon ? (size_t)(colon - spec) : 0;
	bool v6 = alen >= 2 && spec[0] == '[' && spec[alen - 1] == ']';
	const char *chars = v6 ? "[]:0123456789abcdefABCDEF" : NAME_CHARS;

	if (!colon || !number(colon + 1, 0, 65535 - 5900, &d->vnc_display) ||
	    alen >= sizeof(d->vnc_addr) || strspn(spec, chars) < alen)
		return invalid(e, "must be vnc=[ADDR]:N (N 0..59635: port 5900+N)", "display %s",
			       v);
	snprintf(d->vnc_addr, sizeof(d->vnc_addr), "%.*s", (int)alen, spec);
	if (!alen)
		snprintf(d->vnc_addr, sizeof(d->vnc_addr), "127.0.0.1");
	d->display = VM_DISPLAY_VNC;
	return 0;
}

static int opt_display(struct vm_desc *d, const char *v, struct nl_err *e)
{
	d->vnc_addr[0] = '\0';
	if (!strcmp(v, "none"))
		d->display = VM_DISPLAY_NONE;
	else if (!strcmp(v, "nographic"))
		d->display = VM_DISPLAY_NOGRAPHIC;
	else if (!strncmp(v, "vnc=", 4))
		return opt_vnc(d, v, e);
	else
		return invalid(e, "must be none, vnc=[ADDR]:N or nographic", "display %s", v);
	return 0;
}

static int opt_cdrom(struct vm_desc *d, const char *v, struct nl_err *e)
{
	return copy_path(d->cdrom, v, "cdrom", e);
}

static int opt_kernel(struct vm_desc *d, const char *v, struct nl_err *e)
{
	return copy_path(d->kernel, v, "kernel", e);
}

static int opt_initrd(struct vm_desc *d, const char *v, struct nl_err *e)
{
	return copy_path(d->initrd, v, "initrd", e);
}

static int opt_append(struct vm_desc *d, const char *v, struct nl_err *e)
{
	if (strlen(v) >= VM_APPEND_MAX)
		return invalid(e, "is longer than 2047 bytes", "append %.40s", v);
	snprintf(d->append, sizeof(d->append), "%s", v);
	return 0;
}

/* A machine type or CPU model: a qemu name ("pc-q35-7.2", "Skylake-Server"),
 * no option syntax (',', '=') and nothing a shell or qemu would read more
 * into. */
static int qemu_name(char *dst, const char *v, const char *what, struct nl_err *e)
{
	size_t len = strlen(v);

	if (len == 0 || len >= VM_MACHINE_MAX || v[0] == '-' || strspn(v, NAME_CHARS) != len)
		return invalid(e, "must be 1..39 letters, digits, '_', '.' and '-' (a qemu name)",
			       "%s \"%.40s\"", what, v);
	memcpy(dst, v, len + 1);
	return 0;
}

static int opt_machine(struct vm_desc *d, const char *v, struct nl_err *e)
{
	return qemu_name(d->machine, v, "machine", e);
}

/* A versioned machine type ends in -MAJOR.MINOR ("pc-q35-7.2",
 * "pc-i440fx-2.12", "virt-7.2"): qemu's aliases ("q35", "pc", "virt") and
 * its unversioned types ("microvm", "isapc", "none") never do, and a name
 * qemu does not know fails its own start. A pattern, not qemu's list: this
 * file runs no program, and the list is that of this host's qemu, while
 * the type is the source's. */
int vm_machine_versioned(const char *m, struct nl_err *e)
{
	const char *dash = strrchr(m, '-'), *dot = dash ? strchr(dash, '.') : NULL;
	size_t n = dash && dot ? strspn(dash + 1, "0123456789") : 0;

	if (n && dash + 1 + n == dot && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1))
		return 0;
	return invalid(e,
		       "is an alias or unversioned: a migration's destination needs the "
		       "source's versioned type, as pc-q35-7.2 (vnet vm show NAME -j on the "
		       "source; --machine TYPE here)",
		       "machine \"%.40s\"", m);
}

static int opt_cpu(struct vm_desc *d, const char *v, struct nl_err *e)
{
	return qemu_name(d->cpu, v, "cpu", e);
}

static const struct {
	const char *name;
	int (*parse)(struct vm_desc *d, const char *v, struct nl_err *e);
} options[] = {
	{"memory", opt_memory},	  {"cpus", opt_cpus},	    {"disk", opt_disk},
	{"cdrom", opt_cdrom},	  {"boot", opt_boot},	    {"net", opt_net},
	{"kernel", opt_kernel},	  {"initrd", opt_initrd},   {"append", opt_append},
	{"display", opt_display}, {"machine", opt_machine}, {"cpu", opt_cpu},
};

int vm_desc_option(struct vm_desc *d, const char *opt, const char *value, struct nl_err *e)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (!strcmp(opt, options[i].name))
			return options[i].parse(d, value ? value : "", e);
	return invalid(e, "is not a VM option", "option --%s", opt);
}

int vm_desc_check(const struct vm_desc *d, struct nl_err *e)
{
	char a[18];

	if (!d->kernel[0] && d->initrd[0])
		return invalid(e, "needs --kernel", "initrd %.60s", d->initrd);
	if (!d->kernel[0] && d->append[0])
		return invalid(e, "needs --kernel", "append %.60s", d->append);
	for (unsigned i = 0; i < d->nnics; i++)
		for (unsigned k = 0; k < i; k++)
			if (d->nic[i].mac_given && d->nic[k].mac_given &&
			    !memcmp(d->nic[i].mac, d->nic[k].mac, 6))
				return invalid(e, "is given to two NICs", "MAC %s",
					       vm_mac_str(d->nic[i].mac, a));
	return 0;
}

unsigned vm_nic_queues(const struct vm_desc *d, unsigned i)
{
	if (i >= d->nnics || d->nic[i].model != VM_NIC_VIRTIO || d->cpus < 2)
		return 1;
	return d->cpus < VM_MAX_QUEUES ? d->cpus : VM_MAX_QUEUES;
}

const char *vm_nic_model_name(enum vm_nic_model m)
{
	for (const struct word *w = w_model; w->name; w++)
		if (w->value == (int)m)
			return w->name;
	return "?";
}

const char *vm_display_name(enum vm_display d)
{
	static const char *const names[] = {[VM_DISPLAY_NONE] = "none",
					    [VM_DISPLAY_VNC] = "vnc",
					    [VM_DISPLAY_NOGRAPHIC] = "nographic"};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}
