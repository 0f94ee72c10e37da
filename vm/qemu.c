/* qemu — the command line; see qemu.h. One function per group of options,
 * in the order qemu's manual lists them; every string is built with
 * add(), whose failure is sticky, so the groups read as plain lists. */
#include "vm/qemu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/state.h"

__attribute__((format(printf, 2, 3))) static void add(struct vm_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (a->err)
		return;
	if (a->n + 2 > a->cap) {
		unsigned cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			a->err = -ENOMEM;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		a->err = -ENOMEM;
	va_end(ap);
	if (a->err)
		return;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void vm_argv_free(struct vm_argv *a)
{
	for (unsigned i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* qemu's option syntax: a comma inside a value is written twice. */
static const char *commas(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	for (; *s && k + 2 < n; s++) {
		if (*s == ',')
			buf[k++] = ',';
		buf[k++] = *s;
	}
	buf[k] = '\0';
	return buf;
}

/* dir/file with commas doubled (an option value); sockets must fit sun_path. */
static const char *in_dir(struct vm_argv *a, const struct vm_facts *f, const char *file, bool sock,
			  char *buf, size_t n)
{
	char p[VM_PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", f->dir, file) >=
	    (sock ? VM_SUN_PATH_MAX : sizeof(p)))
		a->err = a->err ? a->err : -ENAMETOOLONG;
	return commas(p, buf, n);
}

/* "N[,sockets=S][,cores=C][,threads=T]": what was given; qemu computes the rest. */
static const char *smp(const struct vm_desc *d, char *buf, size_t n)
{
	const unsigned v[] = {d->sockets, d->cores, d->threads};
	const char *const k[] = {"sockets", "cores", "threads"};
	size_t len = (size_t)snprintf(buf, n, "%u", d->cpus);

	for (unsigned i = 0; i < 3; i++)
		if (v[i] && len < n)
			len += (size_t)snprintf(buf + len, n - len, ",%s=%u", k[i], v[i]);
	return buf;
}

static void machine(struct vm_argv *a, const struct vm_desc *d, const struct vm_facts *f)
{
	char buf[64];

	add(a, "%s", f->qemu);
	add(a, "-name");
	add(a, "%s", d->name);
	add(a, "-machine");
	add(a, "%s", d->machine[0] ? d->machine : VM_DEFAULT_MACHINE);
	add(a, "-accel");
	add(a, "%s", f->kvm ? "kvm" : "tcg");
	if (d->cpu[0] || f->kvm) {
		add(a, "-cpu");
		add(a, "%s", d->cpu[0] ? d->cpu : "host");
	}
	add(a, "-m");
	add(a, "%u", d->memory);
	add(a, "-smp");
	add(a, "%s", smp(d, buf, sizeof(buf)));
	add(a, "-nodefaults");
	add(a, "-no-user-config");
}

/* QMP, the pid file, the serial port (socket or, in the foreground with
 * nographic, the terminal; logged either way) and the display. */
static void control(struct vm_argv *a, const struct vm_desc *d, const struct vm_facts *f)
{
	char p[2 * VM_PATH_MAX], l[2 * VM_PATH_MAX];

	add(a, "-chardev");
	add(a, "socket,id=qmp,path=%s,server=on,wait=off",
	    in_dir(a, f, VM_F_QMP, true, p, sizeof(p)));
	add(a, "-mon");
	add(a, "chardev=qmp,mode=control");
	if (f->hold) {
		add(a, "-chardev");
		add(a, "socket,id=watch,path=%s,server=on,wait=off",
		    in_dir(a, f, VM_F_WATCH, true, p, sizeof(p)));
		add(a, "-mon");
		add(a, "chardev=watch,mode=control");
	}
	add(a, "-pidfile");
	add(a, "%s/%s", f->dir, VM_F_PID);
	in_dir(a, f, VM_F_SERIAL_LOG, false, l, sizeof(l));
	add(a, "-chardev");
	if (d->display == VM_DISPLAY_NOGRAPHIC && d->foreground)
		add(a, "stdio,id=serial0,mux=on,signal=off,logfile=%s", l);
	else
		add(a, "socket,id=serial0,path=%s,server=on,wait=off,logfile=%s",
		    in_dir(a, f, VM_F_SERIAL_SOCK, true, p, sizeof(p)), l);
	add(a, "-serial");
	add(a, "chardev:serial0");
	if (d->display == VM_DISPLAY_NOGRAPHIC && d->foreground) {
		add(a, "-mon");
		add(a, "chardev=serial0,mode=readline");
	}
	add(a, "-display");
	add(a, "none");
	if (d->display == VM_DISPLAY_VNC) {
		add(a, "-vnc");
		add(a, "%s:%u", d->vnc_addr, d->vnc_display);
		add(a, "-device");
		add(a, "VGA");
	}
}

static const char *const cache_names[] = {[VM_CACHE_NONE] = "none",
					  [VM_CACHE_WRITEBACK] = "writeback",
					  [VM_CACHE_WRITETHROUGH] = "writethrough",
					  [VM_CACHE_UNSAFE] = "unsafe"};
static const char *const format_names[] = {[VM_FORMAT_QCOW2] = "qcow2", [VM_FORMAT_RAW] = "raw"};
static const char *const if_names[] = {
	[VM_IF_VIRTIO] = "virtio", [VM_IF_IDE] = "ide", [VM_IF_SCSI] = "none"};

static void drive(struct vm_argv *a, const struct vm_disk *k, unsigned i)
{
	char p[2 * VM_PATH_MAX], id[24] = "";
	bool cd = k->media == VM_MEDIA_CDROM;

	if (k->iface == VM_IF_SCSI)
		snprintf(id, sizeof(id), ",id=disk%u", i);
	add(a, "-drive");
	add(a, "file=%s,if=%s%s%s%s%s%s,media=%s%s", commas(k->path, p, sizeof(p)),
	    if_names[k->iface], id, k->format ? ",format=" : "",
	    k->format ? format_names[k->format] : "", k->cache ? ",cache=" : "",
	    k->cache ? cache_names[k->cache] : "", cd ? "cdrom" : "disk", cd ? ",readonly=on" : "");
	if (k->iface == VM_IF_SCSI) {
		add(a, "-device");
		add(a, "%s,drive=disk%u,bus=scsi0.0", cd ? "scsi-cd" : "scsi-hd", i);
	}
}

static void disks(struct vm_argv *a, const struct vm_desc *d)
{
	struct vm_disk cd = {.iface = VM_IF_IDE, .media = VM_MEDIA_CDROM};
	bool scsi = false;

	for (unsigned i = 0; i < d->ndisks; i++)
		scsi = scsi || d->disk[i].iface == VM_IF_SCSI;
	if (scsi) {
		add(a, "-device");
		add(a, "virtio-scsi-pci,id=scsi0");
	}
	for (unsigned i = 0; i < d->ndisks; i++)
		drive(a, &d->disk[i], i);
	if (d->cdrom[0]) {
		memcpy(cd.path, d->cdrom, sizeof(cd.path));
		drive(a, &cd, d->ndisks);
	}
	if (d->boot[0]) {
		add(a, "-boot");
		add(a, "order=%s", d->boot);
	}
}

static void kernel(struct vm_argv *a, const struct vm_desc *d)
{
	if (!d->kernel[0])
		return;
	add(a, "-kernel");
	add(a, "%s", d->kernel);
	if (d->initrd[0]) {
		add(a, "-initrd");
		add(a, "%s", d->initrd);
	}
	if (d->append[0]) {
		add(a, "-append");
		add(a, "%s", d->append);
	}
}

/* "A:B:C" of n fds. */
static const char *fd_list(const int *fds, unsigned n, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%d", i ? ":" : "", fds[i]);
	return buf;
}

/* s as one value of a qemu option: its commas doubled. */
static const char *opt_value(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	for (; *s && k + 2 < n; s++) {
		if (*s == ',')
			buf[k++] = ',';
		buf[k++] = *s;
	}
	buf[k] = '\0';
	return buf;
}

static void nic(struct vm_argv *a, const struct vm_desc *d, const struct vm_facts *f, unsigned i)
{
	static const char *const devices[] = {[VM_NIC_VIRTIO] = "virtio-net-pci",
					      [VM_NIC_E1000] = "e1000",
					      [VM_NIC_RTL8139] = "rtl8139"};
	const struct vm_nic_fds *q = &f->nic[i];
	bool multi = q->nq > 1, virtio = d->nic[i].model == VM_NIC_VIRTIO;
	char fds[VM_MAX_QUEUES * 12], vfds[VM_MAX_QUEUES * 12], mac[18], extra[64] = "", hp[1024];

	fd_list(q->fds, q->nq, fds, sizeof(fds));
	fd_list(q->vhostfds, q->nq, vfds, sizeof(vfds));
	add(a, "-netdev");
	if (f->helper)
		add(a, "bridge,id=net%u,br=%s,helper=%s", i, d->nic[i].net,
		    opt_value(f->helper, hp, sizeof(hp)));
	else
		add(a, "tap,id=net%u,%s=%s%s%s%s", i, multi ? "fds" : "fd", fds,
		    f->vhost ? ",vhost=on," : "",
		    f->vhost ? (multi ? "vhostfds=" : "vhostfd=") : "", f->vhost ? vfds : "");
	if (virtio && multi)
		snprintf(extra, sizeof(extra), ",mq=on,vectors=%u", 2 * q->nq + 2);
	if (virtio && q->mtu && q->mtu != 1500)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), ",host_mtu=%u",
			 q->mtu);
	add(a, "-device");
	add(a, "%s,netdev=net%u,mac=%s%s", devices[d->nic[i].model], i, vm_mac_str(q->mac, mac),
	    extra);
}

int vm_argv_build(const struct vm_desc *d, const struct vm_facts *f, struct vm_argv *a,
		  struct nl_err *e)
{
	machine(a, d, f);
	control(a, d, f);
	disks(a, d);
	kernel(a, d);
	for (unsigned i = 0; i < d->nnics; i++)
		nic(a, d, f, i);
	if (f->incoming && f->incoming[0]) {
		add(a, "-incoming");
		add(a, "%s", f->incoming);
		if (f->hold)
			add(a, "-S");
	}
	for (unsigned i = 0; i < d->nextra; i++)
		add(a, "%s", d->extra[i]);
	if (a->err == -ENAMETOOLONG) {
		nl_err_set(e, a->err, "", "VM %s's folder %s", d->name, f->dir);
		nl_err_kind(e, NL_ERR_INVALID);
		nl_err_msg(e, "is too long for a socket path (set VNET_RUN_DIR shorter)");
		return -ENAMETOOLONG;
	}
	if (a->err)
		return nl_err_set(e, a->err, "build command line", "VM %s", d->name);
	return 0;
}

static bool plain(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			       "_./:,=@+-") == strlen(s);
}

char *vm_argv_str(const struct vm_argv *a)
{
	size_t len = 1;
	char *s, *p;

	for (unsigned i = 0; i < a->n; i++)
		len += 4 * strlen(a->v[i]) + 3;
	if (!(s = p = malloc(len)))
		return NULL;
	*p = '\0';
	for (unsigned i = 0; i < a->n; i++) {
		const char *v = a->v[i];

		if (i)
			*p++ = ' ';
		if (plain(v)) {
			p = stpcpy(p, v);
			continue;
		}
		*p++ = '\'';
		for (; *v; v++) {
			if (*v == '\'')
				p = stpcpy(p, "'\\''"); /* close, an escaped quote, reopen */
			else
				*p++ = *v;
		}
		*p++ = '\'';
		*p = '\0';
	}
	return s;
}
